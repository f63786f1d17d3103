#!/usr/bin/env bash
# Builds every fuzz target and runs each for a bounded time from the seed corpus; fails on
# any crash, panic, broken invariant, timeout or out-of-memory.
#
#   FUZZ_SECONDS   seconds per target (default 60)
#   FUZZ_SANITIZER cargo-fuzz sanitizer (default none: the crate forbids unsafe code, and
#                  without ASan the runs reach ~10x more executions; use `address` to also
#                  check the C and assembly in dependencies)
#   FUZZ_JOBS      parallel workers per target (default 1)
#   FUZZ_NO_TRACE_COMPARES=1  build without comparison tracing: several times more
#                  executions per second on the parse-heavy targets, but libFuzzer no
#                  longer learns the constants that comparisons look for (long runs;
#                  CI keeps the default)
#   FUZZ_TIMEOUT   seconds one input may take before libFuzzer stops with a `timeout-*`
#                  artifact (default 10). An input of 1 MiB takes well under a second in
#                  these instrumented builds when every stage is linear; a quadratic stage
#                  takes tens of seconds to minutes at that size (issue #15).
#   FUZZ_SLOW      seconds above which an input is reported and kept as `slow-unit-*`
#                  (-report_slow_units; default 2). Reported, not failing: the machine is
#                  shared, so a slow unit is a lead to minimise, not yet a verdict.
#
# Every target runs with inputs up to 64 KiB (-max_len=65536). `large_input` runs with
# inputs up to 1 MiB (-max_len=1048576, -len_control=0 so libFuzzer tries large inputs at
# once) from large seeds (fuzz/seeds.sh): it is where a quadratic reader, model or c14n
# trips the timeout.
#
# Works as root on a fresh machine: installs cargo-fuzz when `cargo fuzz` is missing. The
# stable toolchain builds the targets with RUSTC_BOOTSTRAP=1 (cargo-fuzz passes -Z flags).
set -euo pipefail
cd "$(dirname "$0")/.."
SECS="${FUZZ_SECONDS:-60}"
SAN="${FUZZ_SANITIZER:-none}"
JOBS="${FUZZ_JOBS:-1}"
TIMEOUT="${FUZZ_TIMEOUT:-10}"
SLOW="${FUZZ_SLOW:-2}"
FLAGS=(--sanitizer "$SAN" --debug-assertions)
if [ "${FUZZ_NO_TRACE_COMPARES:-0}" = 1 ]; then
    FLAGS+=(--no-trace-compares)
fi
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz-ci: installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

bash fuzz/seeds.sh
cd fuzz
targets=$(cargo fuzz list)
echo "fuzz-ci: building: $(echo $targets)"
cargo fuzz build "${FLAGS[@]}"

status=0
for t in $targets; do
    mkdir -p "corpus/$t" "artifacts/$t"
    log="artifacts/$t.log"
    touch "$log.start"
    echo "fuzz-ci: $t for ${SECS}s"
    if [ "$t" = large_input ]; then
        size=(-max_len=1048576 -len_control=0 -rss_limit_mb=4096)
    else
        size=(-max_len=65536 -rss_limit_mb=2048)
    fi
    if cargo fuzz run "$t" "corpus/$t" "${FLAGS[@]}" --jobs "$JOBS" -- \
        -max_total_time="$SECS" -timeout="$TIMEOUT" -report_slow_units="$SLOW" "${size[@]}" \
        -print_final_stats=1 >"$log" 2>&1; then
        runs=$(grep -a 'stat::number_of_executed_units' "$log" | awk '{s += $2} END {print s + 0}')
        slowest=$(grep -a 'stat::slowest_unit_time_sec' "$log" | awk '{if ($2 > m) m = $2} END {print m + 0}')
        echo "fuzz-ci: $t ok: $runs executions, slowest unit ${slowest} s"
        slow=$(find "artifacts/$t" -name 'slow-unit-*' -newer "$log.start" 2>/dev/null | head -n 5)
        if [ -n "$slow" ]; then
            echo "fuzz-ci: $t: inputs slower than ${SLOW}s (kept; see fuzz/README.md, \"Slow inputs\"):"
            ls -l $slow
        fi
    else
        status=1
        echo "fuzz-ci: $t FAILED; last lines of $log:"
        tail -n 60 "$log"
        echo "fuzz-ci: crash, timeout and slow inputs:"
        ls -l "artifacts/$t" || true
        echo "fuzz-ci: add each as tests/fuzz_regressions/<name> (see fuzz/README.md)"
    fi
done
exit "$status"
