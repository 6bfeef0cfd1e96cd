#!/usr/bin/env bash
# hack/bench/run.sh [BENCHMARK [N] | smoke | all] - benchmarks; never part of the tests.
#
#   ipam-burst [N]  N (default 10000) LoadBalancer Services in a burst against a real local API server
#                   with the controller running; time to all served vs the API server's create floor,
#                   controller peak RSS and CPU
#   allocator       JMH: pure allocator allocate+release per second, /16 IPv4 and /64 IPv6 pools
#   codec           JMH: BGP UPDATE encode and decode, host prefixes per second, IPv4 and IPv6, against
#                   copying the same bytes (the floor)
#   bgp-convergence [N]  N (default 500) Services one after another: create -> /32 in the lab
#                   router's kernel table (BIRD), p50/p99/max, against routes added with the gobgp CLI to a GoBGP peer
#   bgp-table [N]   N (default 10000) VIPs served, then the speaker starts: time to all in BIRD
#   announce [N]    N (default 10000) /32s, Established -> all in BIRD: our speaker vs GoBGP
#   l2-failover [K] Layer 2 in the router lab (3 nodes, a speaker each): K (default 20) SIGKILLs of the
#                   owner, time until the client's neighbour entry holds the new owner's MAC (p50, max),
#                   and arping answer latency against the kernel answering for a configured address.
#                   Honours OPENELB_LAB_PREFIX/OPENELB_LAB_DIR and OPENELB_IT_CLUSTER_DIR/_APISERVER_PORT
#   footprint [N]   RSS of the controller and the speaker with the image's JVM flags (hack/bench/footprint.sh)
#   smoke           all, tiny, to check they still run (CI)
set -euo pipefail
cd "$(dirname "$0")/../.."
[[ "${1:-}" == footprint ]] && exec hack/bench/footprint.sh "${2:-1000}"

mvn -B -q package -DskipTests
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
cp="target/test-classes:target/classes:$(cat target/bench.classpath)"

case "${1:-all}" in
  ipam-burst) java -cp "$cp" io.openelb.it.IpamBurstBenchmark "${2:-10000}" ;;
  allocator) java -cp "$cp" org.openjdk.jmh.Main AllocatorBenchmark ;;
  codec) java -cp "$cp" org.openjdk.jmh.Main UpdateCodecBenchmark ;;
  bgp-convergence) java -cp "$cp" io.openelb.it.BgpConvergenceBenchmark convergence "${2:-500}" ;;
  bgp-table) java -cp "$cp" io.openelb.it.BgpConvergenceBenchmark table "${2:-10000}" ;;
  announce) hack/bench/announce.sh "${2:-10000}" ;;
  l2-failover) java -cp "$cp" io.openelb.it.Layer2FailoverBenchmark "${2:-20}" ;;
  smoke)
    java -cp "$cp" io.openelb.it.IpamBurstBenchmark 50
    java -cp "$cp" io.openelb.it.BgpConvergenceBenchmark convergence 10
    java -cp "$cp" io.openelb.it.BgpConvergenceBenchmark table 100
    hack/bench/announce.sh 100
    java -cp "$cp" io.openelb.it.Layer2FailoverBenchmark 1
    java -cp "$cp" org.openjdk.jmh.Main AllocatorBenchmark -wi 1 -i 1 -w 1s -r 1s -p held=100
    java -cp "$cp" org.openjdk.jmh.Main UpdateCodecBenchmark -wi 1 -i 1 -w 1s -r 1s ;;
  all)
    java -cp "$cp" io.openelb.it.IpamBurstBenchmark 10000
    java -cp "$cp" io.openelb.it.BgpConvergenceBenchmark convergence 500
    java -cp "$cp" io.openelb.it.BgpConvergenceBenchmark table 10000
    hack/bench/announce.sh 10000
    hack/bench/announce.sh 100000
    java -cp "$cp" io.openelb.it.Layer2FailoverBenchmark 20
    hack/bench/footprint.sh 1000
    java -cp "$cp" org.openjdk.jmh.Main AllocatorBenchmark
    java -cp "$cp" org.openjdk.jmh.Main UpdateCodecBenchmark ;;
  *) echo "usage: $0 [ipam-burst [N] | allocator | codec | bgp-convergence [N] | bgp-table [N] | announce [N] | l2-failover [K] | footprint [N] | smoke | all]" >&2; exit 2 ;;
esac
