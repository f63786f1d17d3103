#!/usr/bin/env bash
# Builds the seed corpus under fuzz/corpus/<target>/ from the project's generated fixtures
# (tests/fixtures, written by `cargo run --example gen_fixtures` with test-only keys) and a
# few inputs written here. No third-party file is used. Safe to run again: it only adds.
set -euo pipefail
cd "$(dirname "$0")"
FX=../tests/fixtures
C=corpus
mkdir -p "$C/parse" "$C/lint_pair" "$C/x509_keyinfo" "$C/c14n" "$C/dsig_verify" "$C/rewrite_roundtrip" \
    "$C/large_input"

# parse: every fixture, good and broken, as is.
for f in "$FX"/*.xml "$FX"/encodings/* "$FX"/broken/*; do
    if [ -f "$f" ]; then cp "$f" "$C/parse/$(basename "$f")"; fi
done
# Hand-written edge cases around DTDs, comments, CDATA and processing instructions.
printf '<a><!-- <!DOCTYPE x> --><b/></a>' >"$C/parse/doctype-in-comment.xml"
printf '<a><![CDATA[<!DOCTYPE x>]]></a>' >"$C/parse/doctype-in-cdata.xml"
printf '<?pi <!DOCTYPE x> ?><a/>' >"$C/parse/doctype-in-pi.xml"
printf '<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>' >"$C/parse/doctype-entity.xml"
printf '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"/>' \
    >"$C/parse/minimal.xml"

# lint_pair: SP and IdP joined by one 0xFF byte (the target splits there).
pair() { cat "$FX/$1"; printf '\377'; cat "$FX/$2"; }
for sp in aws-ic-sp.xml aws-iam-sp.xml; do
    for idp in entra-idp.xml entra-idp-one-cert.xml entra-idp-common.xml aggregate.xml; do
        if [ -f "$FX/$sp" ] && [ -f "$FX/$idp" ]; then
            pair "$sp" "$idp" >"$C/lint_pair/$sp+$idp"
        fi
    done
done
if [ -f "$FX/aggregate.xml" ]; then
    pair aggregate.xml aggregate.xml >"$C/lint_pair/aggregate+aggregate"
fi

# x509_keyinfo: the DER of every certificate in the fixtures (PEM files and the base64 text
# of X509Certificate elements).
for pem in "$FX"/keys/*.crt.pem; do
    [ -f "$pem" ] || continue
    sed -e '/-----/d' "$pem" | tr -d ' \r\n' | base64 -d >"$C/x509_keyinfo/$(basename "$pem" .crt.pem).der" 2>/dev/null || true
done
for f in "$FX"/*.xml; do
    { grep -o 'X509Certificate>[^<]*' "$f" 2>/dev/null || true; } | sed 's/^X509Certificate>//' | while read -r b64; do
        [ -n "$b64" ] || continue
        sum=$(printf '%s' "$b64" | cksum | cut -d' ' -f1)
        printf '%s' "$b64" | tr -d ' \r\n\t' | base64 -d >"$C/x509_keyinfo/$(basename "$f" .xml)-$sum.der" 2>/dev/null || true
    done
done

# c14n: every well-formed fixture, plus namespace, comment, PI and escaping edge cases.
for f in "$FX"/*.xml "$FX"/encodings/*; do
    if [ -f "$f" ]; then cp "$f" "$C/c14n/$(basename "$f")"; fi
done
printf '<?pi x?><!--c--><a xmlns="urn:a" xmlns:p="urn:p" p:x="1" b="&#9;&#10;&#13;&amp;&lt;&quot;"><p:b xmlns=""><c xml:lang="en">t&#13;&gt;<!--d--><![CDATA[<x>]]></c></p:b></a><!--e-->\n' \
    >"$C/c14n/edges.xml"
printf '<a xmlns:p="urn:p"><b xmlns:p="urn:q"><p:c/></b><p:d xmlns:p="urn:p"/></a>' >"$C/c14n/rebind.xml"

# dsig_verify: instruction sequences, not documents. Byte 0 picks the base document (the
# three signed fixtures, each also re-signed with RSA and ECDSA test keys: 9 in all), byte 1
# a mode (0 mod 8: the one-byte-change property), then per mutation an op byte (0-10), a
# little-endian element index and operands.
for base in 0 1 2 3 4 5 6 7 8; do
    printf "\\x$(printf %02x "$base")\\x00\\x05\\x00" >"$C/dsig_verify/b$base-byte-change"
    for op in 0 1 2 3 4 5 6 7 8 9 10; do
        for el in 0 1 2 5; do
            printf "\\x$(printf %02x "$base")\\x01\\x$(printf %02x "$op")\\x$(printf %02x "$el")\\x00\\x01\\x00\\x02\\x00\\x03" \
                >"$C/dsig_verify/b$base-op$op-el$el"
        done
    done
done

# rewrite_roundtrip: byte 0 below 0xC0 picks a fixture (18: six fixtures, as is, with a
# BOM, with CRLF), then operations (op byte mod 17 and operands); from 0xC0 up, the next
# byte is the operation count and the document follows the operations.
for fx in $(seq 0 17); do
    for op in $(seq 0 16); do
        printf "\\x$(printf %02x "$fx")\\x$(printf %02x "$op")\\x03\\x04" >"$C/rewrite_roundtrip/f$fx-op$op"
    done
done
for f in "$FX"/*.xml; do
    [ -f "$f" ] || continue
    { printf '\xc0\x01\x03'; cat "$f"; } >"$C/rewrite_roundtrip/inline-saml2only-$(basename "$f")"
done

# large_input: every well-formed fixture, plus large documents (200 KB to 1 MB) of each
# shape the complexity harness grows (examples/complexity.rs), at sizes that stay fast when
# every stage is linear; libFuzzer's CopyPart and CrossOver then grow the repeated parts.
for f in "$FX"/*.xml; do
    if [ -f "$f" ]; then cp "$f" "$C/large_input/$(basename "$f")"; fi
done
L="$C/large_input"
MDNS='xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#"'
SIG='<ds:Signature><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><ds:Reference URI="#_r"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="TRANSFORM">INNER</ds:Transform></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=</ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue>AAAA</ds:SignatureValue></ds:Signature>'
sig() { printf '%s' "$SIG" | sed -e "s|TRANSFORM|$1|" -e "s|INNER|$2|"; }
EXC='http://www.w3.org/2001/10/xml-exc-c14n#'
INC='http://www.w3.org/TR/2001/REC-xml-c14n-20010315'
head_ed() { printf '<md:EntityDescriptor %s ID="_r" entityID="https://sts.windows.net/x/"%s>' "$MDNS" "$1"; }
role_open='<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
role_close='<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://login.example.org/saml2"/></md:IDPSSODescriptor></md:EntityDescriptor>'
{ head_ed ''; sig "$EXC" ''; printf '%s' "$role_open"
  awk 'BEGIN { for (i = 0; i < 7500; i++) printf "<md:SingleLogoutService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" Location=\"https://login.example.org/slo/%d\"/>", i }'
  printf '%s' "$role_close"; } >"$L/big-elements.xml"
{ head_ed ''; sig "$EXC" ''; printf '<md:Organization><md:OrganizationName xml:lang="en">'
  awk 'BEGIN { for (i = 0; i < 15000; i++) printf "Contoso &amp; Partners, a long organization name: 0123456789abcdef" }'
  printf '</md:OrganizationName></md:Organization>%s' "$role_open$role_close"; } >"$L/big-text.xml"
{ head_ed ''; sig "$EXC" ''; printf '<md:Organization><md:OrganizationName xml:lang="en">'
  awk 'BEGIN { for (i = 0; i < 40000; i++) printf "ab<!---->" }'
  printf '</md:OrganizationName></md:Organization>%s' "$role_open$role_close"; } >"$L/big-comments.xml"
{ head_ed ' xmlns:x="urn:x"'; sig "$EXC" ''; printf '<md:Extensions>'
  awk 'BEGIN { for (c = 0; c < 300; c++) { for (i = 0; i < 240; i++) printf "<x:d>"; for (i = 0; i < 240; i++) printf "</x:d>" } }'
  printf '</md:Extensions>%s' "$role_open$role_close"; } >"$L/big-depth.xml"
{ printf '<md:EntitiesDescriptor %s ID="_r">' "$MDNS"; sig "$EXC" ''
  awk 'BEGIN { for (i = 0; i < 2000; i++) printf "<md:EntityDescriptor entityID=\"https://idp%d.example.org/\"><md:IDPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\"><md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" Location=\"https://idp%d.example.org/sso\"/></md:IDPSSODescriptor></md:EntityDescriptor>", i, i }'
  printf '</md:EntitiesDescriptor>'; } >"$L/big-entities.xml"
# The super-linear shapes of issue #15, at sizes that are fast even where a stage is
# quadratic (a few hundred repetitions), for libFuzzer to grow.
attrs=$(awk 'BEGIN { for (i = 0; i < 500; i++) printf " a%d=\"%d\"", i, i }')
nsdecl=$(awk 'BEGIN { for (i = 0; i < 300; i++) printf " xmlns:p%d=\"urn:example:ns:%d\"", i, i }')
uses=$(awk 'BEGIN { for (i = 0; i < 300; i++) printf "<p%d:e/>", i }')
list=$(awk 'BEGIN { for (i = 0; i < 300; i++) printf "%sp%d", (i ? " " : ""), i }')
names=$(awk 'BEGIN { for (i = 0; i < 500; i++) printf "<x:c%d/>", i }')
{ head_ed "$attrs"; sig "$EXC" ''; printf '%s' "$role_open$role_close"; } >"$L/attributes.xml"
{ head_ed "$nsdecl"; sig "$INC" ''; printf '<md:Extensions>%s</md:Extensions>%s' "$uses" "$role_open$role_close"; } >"$L/inscope-inclusive.xml"
{ head_ed "$nsdecl"; sig "$EXC" "<ec:InclusiveNamespaces xmlns:ec=\"$EXC\" PrefixList=\"$list\"/>"
  printf '<md:Extensions>%s</md:Extensions>%s' "$uses" "$role_open$role_close"; } >"$L/prefixlist.xml"
{ head_ed ' xmlns:x="urn:x"'; sig "$EXC" ''; printf '%s%s%s' "$role_open" "$names" "$role_close"; } >"$L/childnames.xml"
printf '<a xmlns:u="urn:%s"><u:b/><u:b/><u:b/><u:b/><u:b/><u:b/><u:b/><u:b/></a>' \
    "$(awk 'BEGIN { for (i = 0; i < 4000; i++) printf "long-namespace-uri-" }')" >"$L/c14n-amplification.xml"

for t in parse lint_pair x509_keyinfo c14n dsig_verify rewrite_roundtrip large_input; do
    echo "seeds: $t: $(find "$C/$t" -type f | wc -l) files"
done

# response: byte 0 picks a base response (fuzz_targets/response_check.rs compiles in the
# fixtures of tests/fixtures/responses), with and without the SP; a few splices each; and
# byte 0xF0 followed by a raw input in each form the reader detects.
mkdir -p "$C/response"
for b in 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23; do
    printf "\\$(printf '%03o' "$b")" >"$C/response/base-$b"
    for op in 0 1 2 3; do
        printf "\\$(printf '%03o' "$b")\\$(printf '%03o' "$op")\\200\\000\\011" >"$C/response/base-$b-op-$op"
    done
done
for f in "$FX"/responses/valid/*; do
    [ -f "$f" ] || continue
    { printf '\360'; cat "$f"; } >"$C/response/raw-$(basename "$f")"
done
echo "seeds: response: $(find "$C/response" -type f | wc -l) files"
