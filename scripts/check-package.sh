#!/usr/bin/env bash
# What `cargo package` would publish: no CI files, scripts, tests (their fixtures hold
# test-only private keys), benches, fuzz corpora or key material; and the files the build
# needs (the guides src/guide.rs includes, the README doctest) are there.
set -euo pipefail
cd "$(dirname "$0")/.."
list=$(cargo package --list --allow-dirty --locked 2>/dev/null)
bad=$(printf '%s\n' "$list" | grep -E '^(\.ci|\.github|scripts|tests|benches|fuzz|examples)/|(^|/)keys?/|\.(pem|key|der|crt|cer|p12|pfx|jks)$|(^|/)\.env' || true)
missing=""
for need in Cargo.toml src/lib.rs src/bin/samlcheck/main.rs README.md \
  docs/severity.md docs/rules.md docs/dsig.md docs/pair-inputs.md docs/ci.md docs/diff.md \
  docs/rewrite.md docs/json.md; do
  printf '%s\n' "$list" | grep -qxF "$need" || missing="$missing $need"
done
echo "cargo package --list: $(printf '%s\n' "$list" | wc -l) files"
if [ -n "$bad" ]; then
  echo "error: the package would carry files it must not:" >&2
  printf '  %s\n' $bad >&2
fi
if [ -n "$missing" ]; then
  echo "error: the package lacks files the build needs:$missing" >&2
fi
[ -z "$bad" ] && [ -z "$missing" ] || exit 1
echo "ok: no CI files, scripts, tests, benches, fuzz corpora or keys in the package"
