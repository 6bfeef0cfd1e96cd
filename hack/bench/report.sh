# Sourced by the shell benchmarks: their result table in the format of BenchReport.java (figure, ours,
# baseline, ratio as our speed relative to the baseline's, target), appended to $OPENELB_BENCH_REPORT,
# which hack/bench/run.sh prints and puts into docs/benchmarks.md (printed when that is not set).
report_header() {
    echo
    echo "| figure | OpenELB JVM | baseline | ratio | target |"
    echo "|---|---|---|---|---|"
}
report_row() { # <figure> <ours> <baseline> <ratio> <target>
    printf '| %s | %s | %s | %s | %s |\n' "$@"
}
report_emit() { # stdin: the table with its caption
    local text
    text=$(cat)
    if [[ -n ${OPENELB_BENCH_REPORT:-} ]]; then
        [[ -s $OPENELB_BENCH_REPORT ]] && echo >>"$OPENELB_BENCH_REPORT"
        printf '%s\n' "$text" >>"$OPENELB_BENCH_REPORT"
    else
        printf '\n%s\n' "$text"
    fi
}
