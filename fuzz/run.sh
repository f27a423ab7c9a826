#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 300) each, one after another,
# starting from the committed seeds plus whatever corpus earlier runs kept,
# and prints each target's final libFuzzer statistics. Crashes, timeouts and
# out-of-memory inputs land in fuzz/artifacts/<target>/; turn each into a
# regression case under crates/pickle/tests/hostile/ (see docs/security.md).
#
# Usage (from anywhere):  fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")"

SECONDS_EACH="${1:-300}"
shift || true
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
    TARGETS=(loads_standins loads_strict roundtrip dis show)
fi

command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
[ -d seeds ] && [ -n "$(ls seeds)" ] || python3 seeds.py

cargo +nightly fuzz build -O

for target in "${TARGETS[@]}"; do
    mkdir -p "corpus/$target" "artifacts/$target"
    cp -n seeds/* "corpus/$target/" 2>/dev/null || true
    log="artifacts/$target/last-run.log"
    # -rss_limit_mb: one input may not take more than 2 GiB (the loads run
    # with a 64 MiB budget, so anything near this is a finding);
    # -timeout: ten seconds for one input is a hang.
    cargo +nightly fuzz run -O "$target" "corpus/$target" -- \
        -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -timeout=10 \
        -max_len=8192 -print_final_stats=1 -artifact_prefix="artifacts/$target/" \
        >"$log" 2>&1 || echo "$target: libFuzzer stopped early (see $log)"
    execs=$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}')
    rate=$(grep -m1 'stat::average_exec_per_sec' "$log" | awk '{print $2}')
    corpus=$(ls "corpus/$target" | wc -l)
    findings=$(ls "artifacts/$target" | grep -cv '^last-run.log$' || true)
    echo "$target: ${SECONDS_EACH}s, ${execs:-?} executions (${rate:-?}/s), corpus ${corpus}, findings ${findings}"
done
