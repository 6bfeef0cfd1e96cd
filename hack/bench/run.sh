#!/usr/bin/env bash
# hack/bench/run.sh [BENCHMARK [N] | smoke | all] - benchmarks; never part of the tests.
#
# Each prints its table (figure, ours, baseline, ratio, the issue's target) under a line describing the
# machine and the commit, and writes that into docs/benchmarks.md between the markers
# <!-- bench:NAME-N --> and <!-- /bench:NAME-N --> (appended at the end for a name or N not there yet).
# The ratio is always our speed relative to the baseline's: 1.0 as fast, above faster, below slower.
#
#   scale [N]       N (default 10000) LoadBalancer Services in a burst with the controller and a speaker
#                   running: time to all with an address and all routes in BIRD, peak RSS and CPU time
#                   of both; against the same burst to a fresh API server alone
#   allocator       JMH: pure allocator allocate+release per second, /16 IPv4 and /64 IPv6 pools, against
#                   a bitmap's find-set-clear
#   codec           JMH: BGP UPDATE encode and decode, host prefixes per second, IPv4 and IPv6, against
#                   copying the same bytes (the floor)
#   bgp-convergence [N]  N (default 500) Services one after another: create -> /32 in the lab router's
#                   kernel table (BIRD), p50/p99/max, against routes added with the gobgp CLI to a GoBGP peer
#   bgp-table [N]   N (default 10000) VIPs served, then the speaker starts: time to all in BIRD
#   announce [N]    N (default 10000) /32s, Established -> all in BIRD: our speaker vs GoBGP
#   l2-failover [K] Layer 2 in the router lab (3 nodes, a speaker each): K (default 20) SIGKILLs of the
#                   owner, time until the client's neighbour entry holds the new owner's MAC (p50, max),
#                   and the ARP answer latency against the kernel answering for a configured address.
#                   Honours OPENELB_LAB_PREFIX/OPENELB_LAB_DIR and OPENELB_IT_CLUSTER_DIR/_APISERVER_PORT
#   vip-failover [K]  VIP mode in the router lab (3 nodes, a speaker each): K (default 20) trials alternating
#                   SIGKILL of the holder's speaker and its eth0 going down, time until the client's neighbour
#                   entry holds the new holder's MAC (p50, max), and how long a killed node keeps the address;
#                   against keepalived (Debian) with the same priorities and interval, same trials
#   bfd-detection [K]  BFD in the router lab (BIRD; OPENELB_BFD_ROUTER=frr for FRR), 300 ms x 3: K (default 20)
#                   freezes (SIGSTOP) of node2's speaker, time until the router's kernel route drops it, p50/max;
#                   against 3 freezes with BFD off (the BGP hold timer, 9 s)
#   many-speakers [N]  N (default 100) speaker stand-ins (the informers of a speaker, its ServiceAccount, a
#                   client each, in one JVM) on a real API server with the controller running, at N/10 and N: K
#                   Services one after another (create -> every stand-in saw the address), a burst of B, K Node
#                   status updates; API server CPU and bytes written (/proc) and the events each stand-in got per
#                   change, projected to 1,000 and 5,000 nodes. K, B: OPENELB_MANY_SEQUENCE (50), OPENELB_MANY_BURST (500).
#                   Its own control plane (/tmp/openelb-many-cluster, port 28443), purged after
#   footprint [N]   RSS and start-to-ready of the controller and the speaker with the image's JVM flags,
#                   idle and with N (default 10000) Services (hack/bench/footprint.sh), against a bare JVM
#   smoke           all, tiny, to check they still run (CI); writes nothing into docs/
#   all             every one at its default size (about 40 minutes on 2 cores)
# OPENELB_BENCH_JVM_FLAGS adds JVM flags to both roles in scale, bgp-convergence and bgp-table ("{role}" in
# them becomes controller or speaker), e.g. '-Xlog:gc,gc+cpu:file=/tmp/gc-{role}.log' or
# '-XX:DumpLoadedClassList=/tmp/classes-{role}.txt'; footprint takes its whole flag list from
# OPENELB_FOOTPRINT_FLAGS instead.
set -euo pipefail
cd "$(dirname "$0")/../.."

# What they need: the lab's routers and tools (BIRD, gobgpd, arping, tcpdump, ...); the local control
# plane builds itself on first use (hack/cluster.sh).
hack/lab.sh packages
mvn -B -q package -DskipTests
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
cp="target/test-classes:target/classes:$(cat target/bench.classpath)"
mkdir -p target/bench
SMOKE=

machine() {
    local cpu mem os
    cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
    mem=$(awk '/^MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
    os=$(. /etc/os-release && echo "$PRETTY_NAME")
    echo "$(nproc) cores (${cpu:-unknown CPU}), $mem, $os, Linux $(uname -r), $(java -version 2>&1 | head -n 1)"
}

# bench <key> <command...>: runs one benchmark with OPENELB_BENCH_REPORT pointing at its table, then
# prints the table under the machine's description and (unless smoke) puts it into docs/benchmarks.md.
bench() {
    local key=$1 report section load
    shift
    report=target/bench/$key.md
    section=target/bench/$key.section.md
    rm -f "$report"
    load=$(cut -d ' ' -f 1-3 /proc/loadavg)
    OPENELB_BENCH_REPORT=$PWD/$report "$@"
    [[ -s $report ]] || { echo "$key wrote no table" >&2; exit 1; }
    {
        echo "Measured $(date -u '+%Y-%m-%d %H:%M') UTC at commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(
            git diff --quiet HEAD -- . ':!docs' 2>/dev/null || echo ' (with uncommitted changes)') on $(machine);"\
            "load average $load at the start."
        echo
        cat "$report"
    } >"$section"
    echo
    cat "$section"
    if [[ -z $SMOKE ]]; then
        python3 hack/bench/splice.py docs/benchmarks.md "$key" "$section"
        echo "(written to docs/benchmarks.md, section bench:$key)"
    fi
}

jmh() { # <kind> <benchmark class>: JMH's JSON turned into the table
    java -cp "$cp" org.openjdk.jmh.Main "$2" -rf json -rff "target/bench/$1.json" "${JMH_OPTIONS[@]}"
    python3 hack/bench/jmh_table.py "$1" "target/bench/$1.json" >>"$OPENELB_BENCH_REPORT"
}

run() { # <name> [N]
    local name=$1 n=${2:-}
    case "$name" in
      scale) n=${n:-10000}; bench "scale-$n" java -cp "$cp" io.openelb.it.BgpConvergenceBenchmark scale "$n" ;;
      allocator) bench allocator jmh allocator AllocatorBenchmark ;;
      codec) bench codec jmh codec UpdateCodecBenchmark ;;
      bgp-convergence) n=${n:-500}
        bench "bgp-convergence-$n" java -cp "$cp" io.openelb.it.BgpConvergenceBenchmark convergence "$n" ;;
      bgp-table) n=${n:-10000}; bench "bgp-table-$n" java -cp "$cp" io.openelb.it.BgpConvergenceBenchmark table "$n" ;;
      announce) n=${n:-10000}; bench "announce-$n" hack/bench/announce.sh "$n" ;;
      l2-failover) n=${n:-20}; bench "l2-failover-$n" java -cp "$cp" io.openelb.it.Layer2FailoverBenchmark "$n" ;;
      vip-failover) n=${n:-20}; bench "vip-failover-$n" java -cp "$cp" io.openelb.it.VipFailoverBenchmark "$n" ;;
      footprint) n=${n:-10000}; bench "footprint-$n" hack/bench/footprint.sh "$n" ;;
      bfd-detection) n=${n:-20}
        bench "bfd-detection-$n" java -cp "$cp" io.openelb.it.BfdDetectionBenchmark "$n" "${OPENELB_BFD_ROUTER:-bird}" ;;
      many-speakers) n=${n:-100}
        bench "many-speakers-$n" java -cp "$cp" io.openelb.it.ManySpeakersBenchmark "$n" \
          "${OPENELB_MANY_SEQUENCE:-50}" "${OPENELB_MANY_BURST:-500}" ;;
      *) echo "usage: $0 [scale [N] | allocator | codec | bgp-convergence [N] | bgp-table [N] | announce [N]" \
          "| l2-failover [K] | vip-failover [K] | bfd-detection [K] | footprint [N] | many-speakers [N] | smoke | all]" >&2; exit 2 ;;
    esac
}

JMH_OPTIONS=()
case "${1:-all}" in
  smoke)
    SMOKE=1
    JMH_OPTIONS=(-wi 1 -i 1 -w 1s -r 1s)
    run scale 50
    run bgp-convergence 10
    run bgp-table 100
    run announce 100
    run l2-failover 1
    run vip-failover 2
    run bfd-detection 1
    OPENELB_FOOTPRINT_SETTLE=2 run footprint 50
    OPENELB_MANY_SEQUENCE=5 OPENELB_MANY_BURST=5 run many-speakers 5
    run allocator
    run codec ;;
  all)
    for name in scale bgp-convergence bgp-table announce l2-failover vip-failover bfd-detection footprint many-speakers allocator codec; do
      run "$name"
    done
    run announce 100000 ;;
  *) run "$@" ;;
esac
