#!/usr/bin/env bash
# The complexity harness (issue #15): every command's cost must grow linearly with every
# input dimension. Builds the release binary and examples/complexity.rs, then runs it:
#
#   scripts/complexity.sh --quick          # CI: 16n inputs under ~300 KB
#   scripts/complexity.sh --markdown       # full mode (16n up to ~1 MiB), tables for BENCHMARKS.md
#   scripts/complexity.sh --dims attributes,text --cmds show,verify --keep /tmp/cx
#
# The measure is instructions retired (perf stat, when the CPU exposes a PMU), else
# instructions counted by valgrind (cachegrind, no cache simulation), else CPU time; the
# output names it. Known super-linear pairs are listed in scripts/complexity-known.txt
# (reported, not failing). Exit 1 when any other step grows more than 6x per 4x of input,
# or a run times out or crashes. Options: see the top of examples/complexity.rs.
set -euo pipefail
cd "$(dirname "$0")/.."
T="${CARGO_TARGET_DIR:-target}"
cargo build --release --locked --quiet --bin samlcheck --example complexity
exec "$T/release/examples/complexity" --bin "$T/release/samlcheck" \
    --known scripts/complexity-known.txt "$@"
