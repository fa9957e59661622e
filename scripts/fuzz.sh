#!/usr/bin/env bash
# Fuzzes the structure-file parsers and the SMILES reader with cargo-fuzz (libFuzzer, AddressSanitizer) and prints a
# Markdown table of the runs: target, wall and CPU seconds (user + system of the fuzzer: on a
# shared machine the CPU time is what was spent), inputs executed, executions per CPU second,
# coverage edges and features at the end, corpus size, peak memory and the outcome.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     # default: 720 s each, every target
#
# Needs `cargo +nightly` and `cargo install cargo-fuzz --locked`. Each target grows a scratch
# corpus in .matfuse/fuzz/corpus/<target>/ from the committed seeds in fuzz/corpus/<target>/
# (read only) and stops at the first crash, leaving the input in fuzz/artifacts/<target>/; logs go
# to .matfuse/fuzz/logs/. A second run continues from the grown corpora. MATFUSE_FUZZ_NICE sets
# the niceness (default 10, so that it can share the machine).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-720}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(parse_cif parse_poscar parse_xyz parse_pymatgen_json parse_optimade_json parse_smiles)
fi
declare -A dict=(
    [parse_cif]=cif.dict [parse_poscar]=poscar.dict [parse_xyz]=xyz.dict
    [parse_pymatgen_json]=json.dict [parse_optimade_json]=json.dict [parse_smiles]=smiles.dict
)
work="$PWD/.matfuse/fuzz"
mkdir -p "$work/logs"

cd fuzz
niceness="${MATFUSE_FUZZ_NICE:-10}"
nice -n "$niceness" cargo +nightly fuzz build >"$work/logs/build.log" 2>&1 \
    || { tail -n 30 "$work/logs/build.log"; exit 1; }

rows=()
failed=0
total_cpu=0
TIMEFORMAT='%R %U %S'
for target in "${targets[@]}"; do
    corpus="$work/corpus/$target"
    log="$work/logs/$target.log"
    mkdir -p "$corpus"
    flags=(-max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -print_final_stats=1)
    if [ -n "${dict[$target]:-}" ]; then flags+=(-dict="dict/${dict[$target]}"); fi
    echo "fuzzing $target for $seconds s (log: $log)" >&2
    status=0
    { time nice -n "$niceness" cargo +nightly fuzz run "$target" "$corpus" "corpus/$target" -- "${flags[@]}" \
        >"$log" 2>&1 || status=$?; } 2>"$work/logs/$target.time"
    if [ "$status" -eq 0 ]; then
        outcome="no crash"
    else
        outcome="**crash**: $(grep -o 'artifacts/[^ ]*' "$log" | tail -n 1)"
        failed=1
    fi
    read -r wall user system <"$work/logs/$target.time"
    cpu=$(awk -v u="$user" -v s="$system" 'BEGIN { printf "%.0f", u + s }')
    total_cpu=$((total_cpu + cpu))
    final_stat() { grep -o "stat::$1: *[0-9]*" "$log" | tail -n 1 | grep -o '[0-9]*$' || echo "?"; }
    last=$(grep -E '#[0-9]+.*cov: ' "$log" | tail -n 1)
    cov=$(grep -o 'cov: [0-9]*' <<<"$last" | grep -o '[0-9]*' || echo "?")
    ft=$(grep -o 'ft: [0-9]*' <<<"$last" | grep -o '[0-9]*' || echo "?")
    corp=$(grep -o 'corp: [0-9]*' <<<"$last" | grep -o '[0-9]*' || echo "?")
    runs=$(final_stat number_of_executed_units)
    per_cpu_second=$(awk -v r="$runs" -v c="$cpu" 'BEGIN { if (c > 0 && r ~ /^[0-9]+$/) printf "%.0f", r / c; else print "?" }')
    rows+=("| \`$target\` | ${wall%.*} | $cpu | $runs | $per_cpu_second | $cov | $ft | $corp | $(final_stat peak_rss_mb) | $outcome |")
done

echo
echo "| target | wall s | CPU s | inputs run | per CPU s | edges | features | corpus | peak RSS (MB) | outcome |"
echo "|---|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo "| **total** | | **$total_cpu** | | | | | | | |"
exit "$failed"
