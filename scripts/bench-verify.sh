#!/usr/bin/env bash
# Side-by-side: `samlcheck verify` (release) against `xmlsec1 --verify` on generated signed
# aggregates of realistic ~4 KB entities. Runs the two alternately, RUNS times each, and
# prints median wall time, the xmlsec1/samlcheck ratio, MB/s and peak RSS (GNU time -v).
#
# Usage: scripts/bench-verify.sh [SIZES...]     (default: 1 100 1000 10000 50000)
#        RUNS=5 OUT=bench-out scripts/bench-verify.sh 10000
# Needs: cargo, xmlsec1, GNU time (/usr/bin/time; apt-get install time).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
OUT=${OUT:-bench-out}
SIZES=("$@")
[ ${#SIZES[@]} -eq 0 ] && SIZES=(1 100 1000 10000 50000)
TIME=/usr/bin/time
command -v xmlsec1 >/dev/null || { echo "xmlsec1 not found (apt-get install xmlsec1)" >&2; exit 2; }
[ -x "$TIME" ] || { echo "GNU time not found (apt-get install time)" >&2; exit 2; }

cargo build --release --quiet --bin samlcheck --example gen_aggregate
BIN=target/release/samlcheck
GEN=target/release/examples/gen_aggregate
mkdir -p "$OUT"

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }

# run CMD...: prints "wall_s maxrss_kb cpu_s" (fails the script if the command fails)
run() {
  "$TIME" -f "%e %M %U %S" -o "$OUT/.time" "$@" >/dev/null 2>"$OUT/.err" || { cat "$OUT/.err" >&2; exit 1; }
  awk '{printf "%s %s %.2f\n", $1, $2, $3 + $4}' "$OUT/.time"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "xmlsec1: $(xmlsec1 --version)   runs per tool: $RUNS"
printf "%-9s %7s %8s %10s %6s %9s %9s %9s %9s %9s %9s\n" entities MB "ours s" "xmlsec1 s" ratio "ours cpu" "xs cpu" "cpu ratio" "ours MB/s" "ours RSS" "xs RSS"
for n in "${SIZES[@]}"; do
  f="$OUT/agg-$n.xml"
  [ -s "$f" ] || "$GEN" "$n" "$f"
  mb=$(awk -v b="$(stat -c %s "$f")" 'BEGIN {printf "%.1f", b/1e6}')
  : > "$OUT/.ours"; : > "$OUT/.xs"
  for _ in $(seq "$RUNS"); do
    run "$BIN" verify -q "$f" >> "$OUT/.ours"
    run xmlsec1 --verify --insecure --id-attr:ID urn:oasis:names:tc:SAML:2.0:metadata:EntitiesDescriptor "$f" >> "$OUT/.xs"
  done
  ot=$(cut -d' ' -f1 "$OUT/.ours" | median); xt=$(cut -d' ' -f1 "$OUT/.xs" | median)
  oc=$(cut -d' ' -f3 "$OUT/.ours" | median); xc=$(cut -d' ' -f3 "$OUT/.xs" | median)
  orss=$(cut -d' ' -f2 "$OUT/.ours" | sort -n | tail -1); xrss=$(cut -d' ' -f2 "$OUT/.xs" | sort -n | tail -1)
  awk -v n="$n" -v mb="$mb" -v ot="$ot" -v xt="$xt" -v oc="$oc" -v xc="$xc" -v orss="$orss" -v xrss="$xrss" 'BEGIN {
    r = (ot > 0) ? xt / ot : 0; rc = (oc > 0) ? xc / oc : 0; om = (ot > 0) ? mb / ot : 0
    printf "%-9s %7s %8.2f %10.2f %6.2f %9.2f %9.2f %9.2f %9.0f %7.0fMB %7.0fMB\n", n, mb, ot, xt, r, oc, xc, rc, om, orss/1024, xrss/1024 }'
done
rm -f "$OUT/.time" "$OUT/.err" "$OUT/.ours" "$OUT/.xs"
