#!/usr/bin/env bash
# hack/bench/run.sh [BENCHMARK [N] | smoke | all] - benchmarks; never part of the tests.
#
#   ipam-burst [N]  N (default 10000) LoadBalancer Services in a burst against a real local API server
#                   with the controller running; time to all served vs the API server's create floor,
#                   controller peak RSS and CPU
#   allocator       JMH: pure allocator allocate+release per second, /16 IPv4 and /64 IPv6 pools
#   bgp-convergence [N]  N (default 200) Services one after another: create -> /32 in the lab
#                   router's kernel table (BIRD), p50/p99/max
#   bgp-table [N]   N (default 10000) VIPs served, then the speaker starts: time to all in BIRD
#   announce [N]    N (default 10000) /32s, Established -> all in BIRD: our speaker vs GoBGP
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
  bgp-convergence) java -cp "$cp" io.openelb.it.BgpConvergenceBenchmark convergence "${2:-200}" ;;
  bgp-table) java -cp "$cp" io.openelb.it.BgpConvergenceBenchmark table "${2:-10000}" ;;
  announce) hack/bench/announce.sh "${2:-10000}" ;;
  smoke)
    java -cp "$cp" io.openelb.it.IpamBurstBenchmark 50
    java -cp "$cp" io.openelb.it.BgpConvergenceBenchmark convergence 10
    java -cp "$cp" io.openelb.it.BgpConvergenceBenchmark table 100
    hack/bench/announce.sh 100
    java -cp "$cp" org.openjdk.jmh.Main AllocatorBenchmark -wi 1 -i 1 -w 1s -r 1s -p held=100 ;;
  all)
    java -cp "$cp" io.openelb.it.IpamBurstBenchmark 10000
    java -cp "$cp" io.openelb.it.BgpConvergenceBenchmark convergence 200
    java -cp "$cp" io.openelb.it.BgpConvergenceBenchmark table 100
    hack/bench/announce.sh 10000
    java -cp "$cp" org.openjdk.jmh.Main AllocatorBenchmark ;;
  *) echo "usage: $0 [ipam-burst [N] | allocator | bgp-convergence [N] | bgp-table [N] | announce [N] | footprint [N] | smoke | all]" >&2; exit 2 ;;
esac
