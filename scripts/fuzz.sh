#!/usr/bin/env bash
# Runs one fuzz target (fuzz/, docs/reliability.md) with libFuzzer under AddressSanitizer on the
# nightly toolchain, growing its corpus in fuzz/corpus/TARGET; prints libFuzzer's final stats.
#   scripts/fuzz.sh TARGET [RUNS] [MAX_SECONDS]   (defaults: 10,000,000 runs, no time limit)
#   scripts/fuzz.sh --cmin TARGET                 (shrinks the corpus to what adds coverage)
# DDC_FUZZ_SANITIZER=none runs without ASan: about 2-6x the executions per second, for targets
# whose code has no `unsafe` of its own to check.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
if [ "${1:-}" = "--cmin" ]; then
    exec cargo +nightly fuzz cmin --features libfuzzer -O "$2"
fi
target=${1:?usage: scripts/fuzz.sh TARGET [RUNS] [MAX_SECONDS]}
runs=${2:-10000000}
secs=${3:-0}
sanitizer=${DDC_FUZZ_SANITIZER:-address}
# -rss_limit_mb: a decoder that reserves memory from a length it has not checked fails here.
cargo +nightly fuzz run --features libfuzzer -O -s "$sanitizer" "$target" -- \
    -runs="$runs" -max_total_time="$secs" -rss_limit_mb=2048 -print_final_stats=1
