#!/usr/bin/env bash
# Cold build times (issue 16): each build in an empty target directory, with the load
# average before it, so a figure taken on a busy machine says so. Builds only; nothing runs.
#
#   bash scripts/cold-build.sh            the README's two commands (cargo run, cargo test)
#   bash scripts/cold-build.sh consumer   a one-line consumer, with and without defaults
#
# Uses the registry cache (~/.cargo/registry) as it is: it measures compiling, not downloads.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
measure() { # label, command...
  local label=$1; shift
  local load; load=$(cut -d' ' -f1-3 /proc/loadavg)
  local t0; t0=$(date +%s)
  /usr/bin/env time -f "%U %S" -o "$work/cpu" "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
  local t1; t1=$(date +%s)
  read -r user sys <"$work/cpu"
  printf '%-52s wall %4ss  cpu user %6ss sys %5ss  (load before: %s, %s cores)\n' \
    "$label" "$((t1 - t0))" "$user" "$sys" "$load" "$(nproc)"
}
if [ "${1:-}" = "consumer" ]; then
  for mode in default lean; do
    dir="$work/consumer-$mode"
    mkdir -p "$dir/src"
    extra=""; [ "$mode" = lean ] && extra=", default-features = false"
    printf '[package]\nname = "consumer"\nversion = "0.0.0"\nedition = "2021"\n[dependencies]\nsamlcheck = { path = "%s"%s }\n[workspace]\n' "$root" "$extra" >"$dir/Cargo.toml"
    echo 'fn main() { let _ = samlcheck::catalog::rules().len(); }' >"$dir/src/main.rs"
    cp Cargo.lock "$dir/Cargo.lock"
    n=$(cd "$dir" && cargo tree -e normal --prefix none --format '{p}' | awk '{print $1}' | sort -u | wc -l)
    measure "consumer, samlcheck $mode ($n packages)" \
      env CARGO_TARGET_DIR="$work/t-$mode" cargo build --manifest-path "$dir/Cargo.toml"
  done
else
  measure "cargo build (what 'cargo run -- A B' compiles)" \
    env CARGO_TARGET_DIR="$work/t" cargo build --locked
  measure "cargo test --no-run (after the line above)" \
    env CARGO_TARGET_DIR="$work/t" cargo test --locked --no-run
fi
