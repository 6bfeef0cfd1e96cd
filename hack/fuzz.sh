#!/usr/bin/env bash
# hack/fuzz.sh [INPUTS] - a long coverage-guided run of BgpFuzzTest (the BGP decoder and session): the
# test's 30 s fuzzing run, repeated with the corpus kept in .cifuzz-corpus/, until INPUTS (default 10
# million) inputs have been tried. A finding stops it; Jazzer saves the input under
# src/test/resources/io/openelb/bgp/BgpFuzzTestInputs/ (commit it: it stays a regression test).
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:-10000000}
total=0
runs=0
while ((total < target)); do
    out=$(JAZZER_FUZZ=1 mvn -B -o -q surefire:test@fuzz-bgp -DtrimStackTrace=false 2>&1) ||
        { echo "$out" | tail -40; echo "finding after $total inputs" >&2; exit 1; }
    done_runs=$(echo "$out" | sed -n 's/^Done \([0-9]*\) runs.*/\1/p' | tail -1)
    [[ -n $done_runs ]] || { echo "$out" | tail -20; echo "no fuzzing summary" >&2; exit 1; }
    total=$((total + done_runs)); runs=$((runs + 1))
    echo "run $runs: $done_runs inputs, $total in all, corpus $(ls .cifuzz-corpus/*/* 2>/dev/null | wc -l) files"
done
echo "BgpFuzzTest: $total inputs in $runs runs, no finding"
