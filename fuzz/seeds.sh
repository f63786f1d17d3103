#!/usr/bin/env bash
# Builds the seed corpus under fuzz/corpus/<target>/ from the project's generated fixtures
# (tests/fixtures, written by `cargo run --example gen_fixtures` with test-only keys) and a
# few inputs written here. No third-party file is used. Safe to run again: it only adds.
set -euo pipefail
cd "$(dirname "$0")"
FX=../tests/fixtures
C=corpus
mkdir -p "$C/parse" "$C/lint_pair" "$C/x509_keyinfo" "$C/c14n" "$C/dsig_verify" "$C/rewrite_roundtrip"

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

for t in parse lint_pair x509_keyinfo c14n dsig_verify rewrite_roundtrip; do
    echo "seeds: $t: $(find "$C/$t" -type f | wc -l) files"
done
