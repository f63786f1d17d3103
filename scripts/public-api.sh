#!/usr/bin/env bash
# The public API of the library, as committed in public-api.txt: one item a line, sorted
# (cargo public-api style), listed from rustdoc JSON with the default features.
#
#   bash scripts/public-api.sh           regenerate public-api.txt
#   bash scripts/public-api.sh --check   fail with a diff when the API differs from the file
#
# Needs only the toolchain and python3: rustdoc JSON is unstable output, so RUSTC_BOOTSTRAP=1
# lets the stable toolchain write it, and scripts/public-api.py (standard library only)
# walks it. An API change is deliberate when public-api.txt changes in the same commit.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-$PWD/target}"
RUSTC_BOOTSTRAP=1 RUSTDOCFLAGS="" cargo rustdoc --lib --locked --quiet -- \
  -Z unstable-options --output-format json
new=$(mktemp)
trap 'rm -f "$new"' EXIT
python3 scripts/public-api.py "$target/doc/samlcheck.json" >"$new"
if [ "${1:-}" = "--check" ]; then
  if ! diff -u public-api.txt "$new"; then
    echo "error: the public API differs from public-api.txt (above: - file, + code)." >&2
    echo "If the change is deliberate, run: bash scripts/public-api.sh, and commit public-api.txt" >&2
    exit 1
  fi
  echo "ok: public API matches public-api.txt ($(wc -l <public-api.txt) items)"
else
  cp "$new" public-api.txt
  echo "wrote public-api.txt ($(wc -l <public-api.txt) items)"
fi
