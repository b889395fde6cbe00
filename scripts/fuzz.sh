#!/usr/bin/env bash
# Builds and runs Cairn's libFuzzer targets (Sources/Fuzz):
#
#   scripts/fuzz.sh TARGET SECONDS
#
# TARGET is json, cbor, filter-pattern, sigv4, chunk, insights-query, transformer, masking, policy or all; SECONDS is how long each target runs (default 60).
# The targets are declared only when CAIRN_FUZZ=1 and are built with `--sanitize=fuzzer` in release mode into
# .build-fuzz, so that neither the normal build nor `swift test` sees them. Each run starts from the seeds
# committed in Tests/fuzz-corpus/TARGET (valid inputs and every crash found so far, replayed first) plus the
# inputs earlier runs kept in .build-fuzz/corpus/TARGET. A crash, a failed check, a hang (FUZZ_TIMEOUT seconds
# for one input, default 10) or running out of memory ends the run: the input is saved under the printed
# directory, replayed with the Swift backtracer, and the script exits non-zero. Extra libFuzzer flags can be
# given in FUZZ_FLAGS (e.g. FUZZ_FLAGS=-jobs=2).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

usage() {
    echo "usage: scripts/fuzz.sh json|cbor|filter-pattern|sigv4|chunk|insights-query|transformer|masking|policy|all [SECONDS]" >&2
    exit 2
}

product() {
    case "$1" in
    json) echo FuzzJSON ;;
    cbor) echo FuzzCBOR ;;
    filter-pattern) echo FuzzFilterPattern ;;
    sigv4) echo FuzzSigV4 ;;
    chunk) echo FuzzChunk ;;
    insights-query) echo FuzzInsightsQuery ;;
    transformer) echo FuzzTransformer ;;
    masking) echo FuzzMasking ;;
    policy) echo FuzzPolicy ;;
    *) usage ;;
    esac
}

[ $# -ge 1 ] && [ $# -le 2 ] || usage
SECONDS_PER_TARGET=${2:-60}
[[ "$SECONDS_PER_TARGET" =~ ^[0-9]+$ ]] && [ "$SECONDS_PER_TARGET" -gt 0 ] || usage
if [ "$1" = all ]; then
    TARGETS=(json cbor filter-pattern sigv4 chunk insights-query transformer masking policy)
else
    product "$1" >/dev/null
    TARGETS=("$1")
fi

BUILD="$ROOT/.build-fuzz"
for target in "${TARGETS[@]}"; do
    say "building $(product "$target") (release, -sanitize=fuzzer)"
    CAIRN_FUZZ=1 swift build --build-path "$BUILD" -c release --sanitize=fuzzer --product "$(product "$target")" \
        2>&1 | grep -v -e "unhandled; explicitly declare" -e "CMakeLists.txt"
done
BIN=$(CAIRN_FUZZ=1 swift build --build-path "$BUILD" -c release --sanitize=fuzzer --show-bin-path)

ARTIFACTS=$(mktemp -d "${TMPDIR:-/tmp}/cairn-fuzz-XXXXXX")
SUMMARY=()
FAILED=0
for target in "${TARGETS[@]}"; do
    name=$(product "$target")
    seeds="$ROOT/Tests/fuzz-corpus/$target"
    kept="$BUILD/corpus/$target"
    mkdir -p "$kept" "$ARTIFACTS/$target"
    log="$ARTIFACTS/$target/fuzz.log"
    say "fuzzing $target for $SECONDS_PER_TARGET s (seeds: Tests/fuzz-corpus/$target)"
    set +e
    # New inputs go to the first directory, never to the committed seeds. The Swift backtracer is off so that
    # libFuzzer's own handler sees a trap and saves the input.
    # shellcheck disable=SC2086
    SWIFT_BACKTRACE=enable=no "$BIN/$name" -max_total_time="$SECONDS_PER_TARGET" -timeout="${FUZZ_TIMEOUT:-10}" \
        -print_final_stats=1 -artifact_prefix="$ARTIFACTS/$target/" ${FUZZ_FLAGS:-} "$kept" "$seeds" >"$log" 2>&1
    status=$?
    set -e
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    corpus=$(find "$kept" "$seeds" -type f | wc -l)
    grep -E '^Done [0-9]+ runs' "$log" || true
    if [ $status -ne 0 ]; then
        FAILED=1
        SUMMARY+=("$(printf '%-15s FAILED (exit %d) after %s runs; log and input in %s' "$target" "$status" "${runs:-?}" "$ARTIFACTS/$target")")
        grep -E '^==[0-9]+== ERROR|^SUMMARY|Test unit written' "$log" || tail -20 "$log"
        for input in "$ARTIFACTS/$target"/crash-* "$ARTIFACTS/$target"/timeout-* "$ARTIFACTS/$target"/oom-*; do
            [ -f "$input" ] || continue
            say "replaying $input with the Swift backtracer"
            # In a subshell whose stderr is piped too, so that the shell's own report of the trap is filtered.
            (SWIFT_BACKTRACE=enable=yes,interactive=no,color=no "$BIN/$name" "$input" || true) 2>&1 \
                | grep -E -A12 'Swift runtime failure|Fatal error|crashed:' | head -30 || true
            echo "Once fixed, keep the input as a regression seed: cp $input Tests/fuzz-corpus/$target/"
        done
    else
        SUMMARY+=("$(printf '%-15s %10s runs  %6s exec/s  corpus %5s files  no crash' "$target" "$runs" "$rate" "$corpus")")
    fi
done

say "fuzzing summary ($SECONDS_PER_TARGET s per target)"
printf '%s\n' "${SUMMARY[@]}"
if [ $FAILED -eq 0 ]; then rm -rf "$ARTIFACTS"; fi
exit $FAILED
