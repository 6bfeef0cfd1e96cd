#!/usr/bin/env bash
# hack/bench/footprint.sh [N] - memory of the controller and the speaker, run with exactly the JVM flags
# of the Dockerfile's ENTRYPOINT, as in their containers: the figures the install manifest's resource
# requests and limits come from. A benchmark, never part of the tests.
#
# Each role runs as its ServiceAccount against the tests' local control plane, with -XX:MaxRAM set to
# the manifest's memory limit (what the JVM would read from the container's cgroup), idle first, then
# after N (default 1000) LoadBalancer Services, each with an EndpointSlice, and 20 Nodes. Reported:
# RSS (VmRSS) idle and loaded, peak RSS (VmHWM), and the heap in use after a full GC (jcmd GC.heap_info).
#
# Environment: OPENELB_FOOTPRINT_FLAGS replaces the Dockerfile's flags (to compare choices). The control
# plane is its own (OPENELB_FOOTPRINT_CLUSTER_DIR, default /tmp/openelb-footprint-cluster, port
# OPENELB_FOOTPRINT_PORT, default 27443), purged before and after so that every run starts empty.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-1000}
export OPENELB_CLUSTER_DIR=${OPENELB_FOOTPRINT_CLUSTER_DIR:-/tmp/openelb-footprint-cluster}
export OPENELB_APISERVER_PORT=${OPENELB_FOOTPRINT_PORT:-27443}
WORK=$(mktemp -d /tmp/openelb-footprint.XXXXXX)
NS=footprint

# The JVM flags between "java" and "-jar" in the Dockerfile's ENTRYPOINT (exec form, one line).
dockerfile_flags() {
  sed -n 's/^ENTRYPOINT \[\(.*\)\]$/\1/p' Dockerfile | tr -d '"' | tr ',' '\n' | sed 's/^ *//' \
    | awk '$0 == "java" {on = 1; next} $0 == "-jar" {on = 0} on'
}
# The memory limit of a role's container in manifests/base/<role>.yaml, in MiB (e.g. 256).
limit_mib() {
  sed -n 's/.*limits: *{ *memory: *\([0-9]*\)Mi *}.*/\1/p' "manifests/base/$1.yaml"
}
read -r -a FLAGS <<<"${OPENELB_FOOTPRINT_FLAGS:-$(dockerfile_flags | tr '\n' ' ')}"
# and the image's environment (ENV NAME=value lines)
while read -r assignment; do export "${assignment?}"; done < <(sed -n 's/^ENV \([A-Za-z_][A-Za-z0-9_]*=[^ ]*\)$/\1/p' Dockerfile)

[[ -f target/openelb.jar ]] || mvn -B -q package -DskipTests
hack/cluster.sh down --purge >/dev/null 2>&1
eval "$(hack/cluster.sh up 2>/dev/null)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  hack/cluster.sh down --purge >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
kubectl apply -f manifests/openelb.yaml >/dev/null
kubectl wait --for=condition=Established --timeout=60s crd --all >/dev/null

kubeconfig_for() { # <service account> <file>
  local token
  token=$(kubectl create token "$1" -n openelb-system --duration=1h)
  kubectl config view --raw --minify --flatten >"$2"
  KUBECONFIG="$2" kubectl config set-credentials "$1" --token="$token" >/dev/null
  KUBECONFIG="$2" kubectl config set-context --current --user="$1" >/dev/null
}
kubeconfig_for openelb-controller "$WORK/controller.kubeconfig"
kubeconfig_for openelb-speaker "$WORK/speaker.kubeconfig"

start() { # <name> <port> <args...>: prints the pid
  local name=$1 port=$2 limit
  shift 2
  limit=$(limit_mib "$name")
  java "${FLAGS[@]}" -XX:MaxRAM="${limit}m" -jar target/openelb.jar --http-host=127.0.0.1 --http-port="$port" \
    --log-level=warn "$@" >"$WORK/$name.log" 2>&1 &
  echo $!
}
ready() { # <port>
  for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$1/readyz" >/dev/null && return 0; sleep 0.2; done
  return 1
}
kib() { sed -n "s/^$2:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$1/status"; }
heap_after_gc() { # "heap used / metaspace used" in MiB after a full GC (SerialGC's two generations)
  jcmd "$1" GC.run >/dev/null 2>&1 || true
  jcmd "$1" GC.heap_info 2>/dev/null | awk '
    /generation/ {for (i = 1; i <= NF; i++) if ($i == "used") {v = $(i + 1); sub(/K,?/, "", v); heap += v}}
    /Metaspace/ {for (i = 1; i <= NF; i++) if ($i == "used") {v = $(i + 1); sub(/K,?/, "", v); meta = v}}
    END {printf "%d / %d", heap / 1024, meta / 1024}'
}
report() { # <label> <pid> <role>
  printf '| %s | %s | %d MiB | %d MiB | %s MiB |\n' "$3" "$1" $(($(kib "$2" VmRSS) / 1024)) \
    $(($(kib "$2" VmHWM) / 1024)) "$(heap_after_gc "$2")"
}

kubectl create namespace "$NS" >/dev/null
kubectl apply -f - >/dev/null <<EOF
apiVersion: network.kubesphere.io/v1alpha2
kind: Eip
metadata: {name: footprint-pool}
spec: {address: 10.10.0.0/16, namespaces: [$NS]}
EOF
controller=$(start controller 18551 --role=controller --kubeconfig="$WORK/controller.kubeconfig")
pids+=("$controller")
speaker=$(start speaker 18552 --role=speaker --node-name=fp-node-1 --kubeconfig="$WORK/speaker.kubeconfig")
pids+=("$speaker")
ready 18551 || { tail "$WORK/controller.log"; exit 1; }
ready 18552 || { tail "$WORK/speaker.log"; exit 1; }
sleep "${OPENELB_FOOTPRINT_SETTLE:-20}"

echo "JVM flags: ${FLAGS[*]}; MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-unset}"
echo "memory limits (-XX:MaxRAM): controller $(limit_mib controller) MiB, speaker $(limit_mib speaker) MiB"
echo
echo "| role | state | RSS | peak RSS | heap / metaspace used after a full GC |"
echo "|---|---|---|---|---|"
report "idle" "$controller" controller
report "idle" "$speaker" speaker

{
  for i in $(seq 1 20); do
    printf -- '---\napiVersion: v1\nkind: Node\nmetadata: {name: fp-node-%d, labels: {kubernetes.io/hostname: fp-node-%d}}\n' "$i" "$i"
  done
  for i in $(seq 1 "$N"); do
    printf -- '---\napiVersion: v1\nkind: Service\nmetadata: {name: s%d, namespace: %s, annotations: {lb.kubesphere.io/v1alpha1: openelb}}\n' "$i" "$NS"
    printf 'spec: {type: LoadBalancer, allocateLoadBalancerNodePorts: false, selector: {app: s%d}, ports: [{port: 80}]}\n' "$i"
    printf -- '---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: s%d-a, namespace: %s, labels: {kubernetes.io/service-name: s%d}}\n' "$i" "$NS" "$i"
    printf 'addressType: IPv4\nports: [{port: 80}]\nendpoints: [{addresses: [10.244.%d.%d], nodeName: fp-node-%d, conditions: {ready: true}}]\n' \
      $((i / 250)) $((i % 250 + 1)) $((i % 20 + 1))
  done
} >"$WORK/load.yaml"
kubectl apply --server-side -f "$WORK/load.yaml" >/dev/null
applied=$(date +%s%N)
for _ in $(seq 1 600); do
  served=$(kubectl get svc -n "$NS" -o jsonpath='{range .items[*]}{.status.loadBalancer.ingress[0].ip}{"\n"}{end}' | grep -c . || true)
  ((served >= N)) && break
  sleep 0.5
done
served_ms=$((($(date +%s%N) - applied) / 1000000))
sleep 10
report "$N Services served" "$controller" controller
report "$N Services, EndpointSlices" "$speaker" speaker
echo
echo "all $N Services served ${served_ms} ms after the API server had accepted them (controller CPU time:" \
  "$(ps -o cputime= -p "$controller" | tr -d ' '))"
