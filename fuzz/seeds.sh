#!/usr/bin/env bash
# Builds the seed corpus under fuzz/corpus/<target>/ from the project's generated fixtures
# (tests/fixtures, written by `cargo run --example gen_fixtures` with test-only keys) and a
# few inputs written here. No third-party file is used. Safe to run again: it only adds.
set -euo pipefail
cd "$(dirname "$0")"
FX=../tests/fixtures
C=corpus
mkdir -p "$C/parse" "$C/lint_pair" "$C/x509_keyinfo"

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

for t in parse lint_pair x509_keyinfo; do
    echo "seeds: $t: $(find "$C/$t" -type f | wc -l) files"
done
