#!/usr/bin/env bash
# The README's test command: `cargo test` (arguments are passed on), then one line counting
# the tests that skipped because an outside program (chromium, xmlsec1, python3 lxml, ...)
# is missing. Under CI=true such a test fails instead of skipping.
#   bash scripts/test.sh [cargo test arguments]
set -uo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-target}"
mkdir -p "$target"
log="$(cd "$target" && pwd)/test-skips.log"
rm -f "$log"
export SAMLCHECK_SKIP_LOG="$log"
cargo test "$@"
status=$?
n=0
if [ -s "$log" ]; then
    n=$(sort -u "$log" | wc -l | tr -d ' ')
    sort -u "$log"
fi
if [ "$n" -eq 0 ]; then
    echo "test summary: 0 tests skipped for a missing outside program"
else
    echo "test summary: $n tests skipped for a missing outside program (listed above; CI=true fails instead)"
fi
exit "$status"
