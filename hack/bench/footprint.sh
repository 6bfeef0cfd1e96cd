#!/usr/bin/env bash
# hack/bench/footprint.sh [N] - memory and start-to-ready of the controller and the speaker, run with
# exactly the JVM flags of the Dockerfile's ENTRYPOINT, as in their containers: the figures the install
# manifest's resource requests and limits come from. A benchmark, never part of the tests.
#
# Each role runs as its ServiceAccount (its token and the CA, as in its Pod) against a real local control
# plane, with -XX:MaxRAM set to the manifest's memory limit (what the JVM would read from the container's
# cgroup), started alone (the two do not share the CPU while starting): idle, then again after N (default
# 10000) LoadBalancer Services, each with an EndpointSlice, and 20 Nodes. Reported: start -> /readyz
# answering 200, RSS (VmRSS), peak RSS (VmHWM), the heap in use after a full GC (jcmd GC.heap_info, KiB)
# and from it the heap per Service; the target column holds issue 17's bars.
# Baseline: a bare JVM with the same flags (hack/bench/Idle.java), start -> main and its RSS idling.
#
# Environment: OPENELB_FOOTPRINT_FLAGS replaces the Dockerfile's flags (to compare choices);
# OPENELB_FOOTPRINT_HISTOGRAMS=DIR writes each role's class histogram (idle, loaded) there. The control
# plane is its own (OPENELB_FOOTPRINT_CLUSTER_DIR, default /tmp/openelb-footprint-cluster, port
# OPENELB_FOOTPRINT_PORT, default 27443), purged before and after so that every run starts empty.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-10000}
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

# Each role gets the API server as in its Pod: its service account's token and the cluster's CA (fabric8
# reads these variables as it reads the service account's files), no kubeconfig to parse.
kubectl config view --raw --minify --flatten -o jsonpath='{.clusters[0].cluster.certificate-authority-data}' \
  | base64 -d >"$WORK/ca.crt"
API_SERVER=$(kubectl config view --minify -o jsonpath='{.clusters[0].cluster.server}')
declare -A TOKEN
for role in controller speaker; do
  TOKEN[$role]=$(kubectl create token "openelb-$role" -n openelb-system --duration=1h)
done

now_ms() { date +%s%3N; }
start() { # <name> <port> <args...>: starts a role, waits for /readyz; sets PID and READY_MS
  local name=$1 port=$2 limit t0
  shift 2
  limit=${RAISED_LIMIT_MIB:-$(limit_mib "$name")}
  t0=$(now_ms)
  KUBERNETES_MASTER=$API_SERVER KUBERNETES_AUTH_TOKEN=${TOKEN[$name]} KUBERNETES_CERTS_CA_FILE=$WORK/ca.crt \
    KUBERNETES_AUTH_TRYKUBECONFIG=false KUBERNETES_AUTH_TRYSERVICEACCOUNT=false \
    java "${FLAGS[@]}" -XX:MaxRAM="${limit}m" -jar target/openelb.jar --http-host=127.0.0.1 --http-port="$port" \
    --log-level=warn "$@" >>"$WORK/$name.log" 2>&1 &
  PID=$!
  pids+=("$PID")
  for _ in $(seq 1 1200); do
    if curl -fs "http://127.0.0.1:$port/readyz" >/dev/null; then READY_MS=$(($(now_ms) - t0)); return 0; fi
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.05
  done
  tail "$WORK/$name.log" >&2
  exit 1
}
stop() { kill "$1"; wait "$1" 2>/dev/null || true; }
kib() { sed -n "s/^$2:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$1/status"; }
mib() { echo "$(($(kib "$1" "$2") / 1024)) MiB"; }
heap_after_gc() { # "<heap used> <metaspace used>" in KiB after full GCs (SerialGC's two generations)
  # Two: what the first finds unreachable but must clean or finalize first (buffers, inflaters) goes in the
  # second. After one, an idle speaker's figure moved by 0.8 MiB between runs (0.8 KiB per Service at 1,000).
  jcmd "$1" GC.run >/dev/null 2>&1 || true
  sleep 0.5
  jcmd "$1" GC.run >/dev/null 2>&1 || true
  jcmd "$1" GC.heap_info 2>/dev/null | awk '
    /generation/ {for (i = 1; i <= NF; i++) if ($i == "used") {v = $(i + 1); sub(/K,?/, "", v); heap += v}}
    /Metaspace/ {for (i = 1; i <= NF; i++) if ($i == "used") {v = $(i + 1); sub(/K,?/, "", v); meta = v}}
    END {printf "%d %d", heap, meta}'
}
heap_mib() { awk -v h="${1% *}" -v m="${1#* }" 'BEGIN {printf "%.1f / %.1f MiB", h / 1024, m / 1024}'; }
# KiB of heap per Service: the heap in use started with N Services minus the heap in use idle, over N
heap_per_service() { awk -v idle="${1% *}" -v loaded="${2% *}" -v n="$N" 'BEGIN {printf "%.1f", (loaded - idle) / n}'; }
ratio() { awk -v b="$1" -v o="$2" 'BEGIN {printf "%.2f", b / (o > 0 ? o : 1)}'; }
at_most() { awk -v v="$1" -v bar="$2" -v u="$3" 'BEGIN {printf "<= %s %s: %s", bar, u, (v <= bar ? "met" : "missed")}'; }
settle() { sleep "${OPENELB_FOOTPRINT_SETTLE:-20}"; }

# The image's class-data sharing archive, made from this jar as the Dockerfile makes it.
read -r -a training_flags <<<"$(sed -n 's#^RUN /tmp/cds-archive.sh [^ ]* [^ ]* \(.*[^ \\]\) *\\*$#\1#p' Dockerfile)"
hack/cds-archive.sh target/openelb.jar "$WORK/openelb.jsa" "${training_flags[@]}"
FLAGS=("${FLAGS[@]/#-XX:SharedArchiveFile=*/-XX:SharedArchiveFile=$WORK/openelb.jsa}")

# The baseline: a bare JVM with the same flags, start -> main (median of 3), and its RSS idling.
mkdir -p "$WORK/idle"
javac -d "$WORK/idle" hack/bench/Idle.java
floor_ms=()
for _ in 1 2 3; do
  : >"$WORK/idle.out"
  t0=$(now_ms)
  java "${FLAGS[@]}" -XX:MaxRAM=256m -cp "$WORK/idle" Idle >"$WORK/idle.out" &
  idle=$!
  until [[ -s $WORK/idle.out ]]; do kill -0 "$idle" || exit 1; sleep 0.005; done
  floor_ms+=($(($(now_ms) - t0)))
  sleep 2
  floor_rss_mib=$(($(kib "$idle" VmRSS) / 1024))
  stop "$idle"
done
floor_start=$(printf '%s\n' "${floor_ms[@]}" | sort -n | sed -n 2p)

kubectl create namespace "$NS" >/dev/null
kubectl apply -f - >/dev/null <<EOF
apiVersion: network.kubesphere.io/v1alpha2
kind: Eip
metadata: {name: footprint-pool}
spec: {address: 10.10.0.0/16, namespaces: [$NS]}
EOF
declare -A ready rss hwm heap
measure() { # <state>: starts each role alone, lets both settle; records the figures of <state>
  start controller 18551 --role=controller
  controller=$PID
  ready[controller.$1]=$READY_MS
  start speaker 18552 --role=speaker --node-name=fp-node-1
  speaker=$PID
  ready[speaker.$1]=$READY_MS
  settle
  local role pid
  for role in controller speaker; do
    pid=${!role}
    rss[$role.$1]=$(mib "$pid" VmRSS)
    hwm[$role.$1]=$(mib "$pid" VmHWM)
    heap[$role.$1]=$(heap_after_gc "$pid")
    if [[ -n ${OPENELB_FOOTPRINT_HISTOGRAMS:-} ]]; then # what the heap holds, class by class, after that GC
      jcmd "$pid" GC.class_histogram >"$OPENELB_FOOTPRINT_HISTOGRAMS/$role-$1.txt" 2>&1 || true
    fi
  done
}
measure idle
# README ("Resources"): beyond a few thousand Services, raise the memory limit; both roles restart with it.
if ((N > 2000)); then
  RAISED_LIMIT_MIB=512
  stop "$controller"
  stop "$speaker"
  start controller 18551 --role=controller
  controller=$PID
  start speaker 18552 --role=speaker --node-name=fp-node-1
  speaker=$PID
fi

# The load in files of 500 Services (and their EndpointSlices), created 4 at a time: one kubectl apply of
# 20,000 objects spends many minutes of its own CPU before the API server sees most of them.
mkdir -p "$WORK/load"
for i in $(seq 1 20); do
  printf -- '---\napiVersion: v1\nkind: Node\nmetadata: {name: fp-node-%d, labels: {kubernetes.io/hostname: fp-node-%d}}\n' "$i" "$i"
done >"$WORK/nodes.yaml"
for i in $(seq 1 "$N"); do
  {
    printf -- '---\napiVersion: v1\nkind: Service\nmetadata: {name: s%d, namespace: %s, annotations: {lb.kubesphere.io/v1alpha1: openelb}}\n' "$i" "$NS"
    printf 'spec: {type: LoadBalancer, allocateLoadBalancerNodePorts: false, selector: {app: s%d}, ports: [{port: 80}]}\n' "$i"
    printf -- '---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: s%d-a, namespace: %s, labels: {kubernetes.io/service-name: s%d}}\n' "$i" "$NS" "$i"
    printf 'addressType: IPv4\nports: [{port: 80}]\nendpoints: [{addresses: [10.244.%d.%d], nodeName: fp-node-%d, conditions: {ready: true}}]\n' \
      $((i / 250)) $((i % 250 + 1)) $((i % 20 + 1))
  } >>"$WORK/load/$(printf '%05d' $((i / 500))).yaml"
done
kubectl create -f "$WORK/nodes.yaml" >/dev/null
find "$WORK/load" -name '*.yaml' -print0 | xargs -0 -n 1 -P 4 kubectl create -f >/dev/null
served=0
for _ in $(seq 1 900); do
  served=$(kubectl get svc -n "$NS" -o jsonpath='{range .items[*]}{.status.loadBalancer.ingress[0].ip}{"\n"}{end}' | grep -c . || true)
  ((served >= N)) && break
  sleep 2
done
((served >= N)) || { echo "only $served of $N Services served" >&2; exit 1; }
settle
for role in controller speaker; do
  rss[$role.busy]=$(mib "${!role}" VmRSS)
  hwm[$role.busy]=$(mib "${!role}" VmHWM)
done
stop "$controller"
stop "$speaker"
measure loaded # each started again, now with the N Services to list

source hack/bench/report.sh
{
  raised=${RAISED_LIMIT_MIB:+; raised to $RAISED_LIMIT_MIB MiB for $N Services}
  echo "The image's JVM flags (${FLAGS[*]}; MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-unset}) with -XX:MaxRAM at the"\
    "manifest's memory limit (controller $(limit_mib controller) MiB, speaker $(limit_mib speaker) MiB$raised), the"\
    "class-data sharing archive made as the Dockerfile makes"\
    "it; each role started alone against a real API server, given as in its Pod (service account token and"\
    "CA), idle, then with $N LoadBalancer Services (each with an"\
    "EndpointSlice) and 20 Nodes. Baseline: a bare JVM with the same flags (hack/bench/Idle.java), start -> main"\
    "and its RSS idling."
  report_header
  for role in controller speaker; do
    # issue 17's bars: idle RSS <= 100 MiB, RSS with 1,000 Services <= 128 MiB, heap per Service <= 3 KiB
    per_service=$(heap_per_service "${heap[$role.idle]}" "${heap[$role.loaded]}")
    served_target=- loaded_target=- per_service_target=-
    if ((N == 1000)); then
      served_target=$(at_most "${rss[$role.busy]% MiB}" 128 MiB)
      loaded_target=$(at_most "${rss[$role.loaded]% MiB}" 128 MiB)
    fi
    # the heap after a full GC moves by up to ~1 MiB between runs: below 1,000 Services that is more than 1 KiB
    # per Service, too coarse to call the bar
    if ((N >= 1000)); then
      per_service_target=$(at_most "$per_service" 3 KiB)
    fi
    report_row "$role start -> ready, nothing to serve" "${ready[$role.idle]} ms" "$floor_start ms" \
      "$(ratio "$floor_start" "${ready[$role.idle]}")" -
    report_row "$role RSS idle (peak)" "${rss[$role.idle]} (${hwm[$role.idle]})" "$floor_rss_mib MiB" \
      "$(ratio "$floor_rss_mib" "${rss[$role.idle]% MiB}")" "$(at_most "${rss[$role.idle]% MiB}" 100 MiB)"
    report_row "$role heap / metaspace in use after a full GC, idle" "$(heap_mib "${heap[$role.idle]}")" - - -
    report_row "$role RSS (peak) once $N Services are served" "${rss[$role.busy]} (${hwm[$role.busy]})" - - \
      "$served_target"
    report_row "$role start -> ready with $N Services" "${ready[$role.loaded]} ms" "$floor_start ms" \
      "$(ratio "$floor_start" "${ready[$role.loaded]}")" -
    report_row "$role RSS (peak) started with $N Services" "${rss[$role.loaded]} (${hwm[$role.loaded]})" - - \
      "$loaded_target"
    report_row "$role heap / metaspace in use after a full GC, $N Services" "$(heap_mib "${heap[$role.loaded]}")" - - -
    report_row "$role heap per Service (started with $N minus idle, after a full GC)" "$per_service KiB" - - \
      "$per_service_target"
  done
} | report_emit
