#!/usr/bin/env bash
# hack/chaos.sh [DURATION] - the long variants of the reliability tests (CI runs short ones as ITs).
#
#   hack/chaos.sh [DURATION]          ChaosIT for DURATION (default 30m; e.g. 150s, 2h): Services churned
#                                     while the leader controller, speakers, BIRD and the API server are
#                                     killed at random; prints the counts, exits 1 on any violation
#   hack/chaos.sh restarts [N]        ControllerRestartsIT with N (default 100) controller restarts over
#                                     1,000 Services: zero address changes; prints the time per restart
#   hack/chaos.sh outage [SECONDS]    ApiServerOutageIT with an outage of SECONDS (default 120)
#
# Runs on the tests' own control plane and lab; honours OPENELB_IT_CLUSTER_DIR/OPENELB_IT_APISERVER_PORT
# and OPENELB_LAB_PREFIX/OPENELB_LAB_DIR like the ITs. Needs root (network namespaces).
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
  restarts|outage|""|[0-9]*|P*|p*) ;;
  *) sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//' >&2; exit 2 ;;
esac

mvn -B -q package -DskipTests
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/chaos.classpath
cp="target/test-classes:target/classes:$(cat target/chaos.classpath)"

case "${1:-}" in
  restarts) java -cp "$cp" io.openelb.it.ControllerRestartsIT "${2:-100}" ;;
  outage) java -cp "$cp" io.openelb.it.ApiServerOutageIT "${2:-120}" ;;
  ""|[0-9]*|P*|p*) java -cp "$cp" io.openelb.it.ChaosIT "${1:-30m}" ;;
  *) sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
