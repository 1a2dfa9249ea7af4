#!/usr/bin/env bash
# Runs the libFuzzer harnesses (Fuzz/) for SECONDS each (default 60): spec-fuzzer on the spec
# loader, json-fuzzer on the JSON reader of serve's requests, csv-fuzzer on the CSV reader and
# the data profile. Builds them first
# (Scripts/build-fuzzers.sh, incremental). Exits non-zero when any harness crashes, times out
# (one input over 10 s) or runs out of memory (2 GB); the input that did it is kept in
# .build-fuzz/artifacts/ and printed, with the command that replays it.
#
#   Scripts/fuzz.sh [SECONDS] [spec|json|csv]...     e.g. Scripts/fuzz.sh 300 csv
#
# Each run starts from the seed corpus in Fuzz/corpus/NAME/, copied to a temporary working
# corpus so the seeds in the repository stay as they are (FUZZ_KEEP_CORPUS=1 keeps it and says
# where). Extra libFuzzer flags: FUZZ_FLAGS="-jobs=2 ...".
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=(spec json csv)
case $seconds in '' | *[!0-9]*)
    echo "usage: Scripts/fuzz.sh [SECONDS] [spec|json|csv]..." >&2
    exit 2
    ;;
esac

Scripts/build-fuzzers.sh

artifacts=$PWD/.build-fuzz/artifacts
logs=$PWD/.build-fuzz/logs
mkdir -p "$artifacts" "$logs"
work=$(mktemp -d "${TMPDIR:-/tmp}/layerwise-fuzz.XXXXXX")
[ "${FUZZ_KEEP_CORPUS:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT

# Swift's own crash backtracer would run before libFuzzer's handler (and trips ASan itself);
# libFuzzer's handler is the one that saves the input.
export SWIFT_BACKTRACE=enable=no
# Symbolized stack traces from the toolchain's symbolizer.
symbolizer=$(dirname "$(command -v swiftc)")/llvm-symbolizer
[ -x "$symbolizer" ] && export ASAN_SYMBOLIZER_PATH=$symbolizer

failed=()
summary=()
for name in "${harnesses[@]}"; do
    case $name in
    spec) max_len=16384 ;;  # room for deeply nested documents
    json) max_len=16384 ;;
    csv) max_len=65536 ;;
    *)
        echo "unknown harness '$name' (spec, json or csv)" >&2
        exit 2
        ;;
    esac
    binary=.build-fuzz/bin/$name-fuzzer
    corpus=$work/$name
    mkdir -p "$corpus"
    cp Fuzz/corpus/"$name"/* "$corpus"/
    log=$logs/$name.log
    before=$(ls "$artifacts" | wc -l)
    echo "== $name-fuzzer: ${seconds}s, $(ls "$corpus" | wc -l) seeds, log $log"
    status=0
    # shellcheck disable=SC2086  # FUZZ_FLAGS is a list of flags
    "$binary" "$corpus" -max_total_time="$seconds" -max_len="$max_len" -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/$name-" \
        ${FUZZ_FLAGS:-} >"$log" 2>&1 || status=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    coverage=$(grep -o 'cov: [0-9]* ft: [0-9]* corp: [0-9]*/[0-9a-zA-Z]*' "$log" | tail -1)
    line="$name: ${runs:-?} executions, ${rate:-?} exec/s, ${coverage:-no coverage line}, exit $status"
    summary+=("$line")
    echo "   $line"
    if [ "$status" != 0 ] || [ "$(ls "$artifacts" | wc -l)" != "$before" ]; then
        failed+=("$name")
        echo "!! $name-fuzzer failed (exit $status); the end of its log:"
        grep -v '^#[0-9]' "$log" | tail -60 | sed 's/^/   /'
        for file in $(grep -o "Test unit written to .*" "$log" | sed 's/Test unit written to //'); do
            echo "!! input: $file ($(wc -c <"$file") bytes); replay with:"
            echo "   SWIFT_BACKTRACE=enable=no $binary $file"
        done
    fi
    [ "${FUZZ_KEEP_CORPUS:-0}" = 1 ] && echo "   working corpus kept: $corpus"
done

echo "== fuzzing summary (${seconds}s each)"
printf '   %s\n' "${summary[@]}"
passed=$((${#harnesses[@]} - ${#failed[@]}))
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzzing found problems in: ${failed[*]} (inputs in $artifacts)"
    echo "fuzz: $passed passed, ${#failed[@]} failed"
    exit 1
fi
echo "fuzzing: no crash, timeout or out-of-memory"
echo "fuzz: $passed passed, 0 failed"
