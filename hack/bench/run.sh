#!/usr/bin/env bash
# hack/bench/run.sh [ipam-burst [N] | allocator | footprint [N] | smoke] - benchmarks; never part of the tests.
#
#   ipam-burst [N]  N (default 10000) LoadBalancer Services in a burst against a real local API server
#                   with the controller running; time to all served vs the API server's create floor,
#                   controller peak RSS and CPU
#   allocator       JMH: pure allocator allocate+release per second, /16 IPv4 and /64 IPv6 pools
#   footprint [N]   RSS of the controller and the speaker with the image's JVM flags (hack/bench/footprint.sh)
#   smoke           both, tiny, to check they still run (CI)
set -euo pipefail
cd "$(dirname "$0")/../.."
[[ "${1:-}" == footprint ]] && exec hack/bench/footprint.sh "${2:-1000}"

mvn -B -q package -DskipTests
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
cp="target/test-classes:target/classes:$(cat target/bench.classpath)"

case "${1:-all}" in
  ipam-burst) java -cp "$cp" io.openelb.it.IpamBurstBenchmark "${2:-10000}" ;;
  allocator) java -cp "$cp" org.openjdk.jmh.Main AllocatorBenchmark ;;
  smoke)
    java -cp "$cp" io.openelb.it.IpamBurstBenchmark 50
    java -cp "$cp" org.openjdk.jmh.Main AllocatorBenchmark -wi 1 -i 1 -w 1s -r 1s -p held=100 ;;
  all)
    java -cp "$cp" io.openelb.it.IpamBurstBenchmark 10000
    java -cp "$cp" org.openjdk.jmh.Main AllocatorBenchmark ;;
  *) echo "usage: $0 [ipam-burst [N] | allocator | footprint [N] | smoke | all]" >&2; exit 2 ;;
esac
