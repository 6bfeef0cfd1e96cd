#!/usr/bin/env bash
# hack/local-up.sh - run OpenELB on a local default: a real control plane, a router lab with BIRD,
# the controller and a speaker on each of the two lab nodes (each with its own ServiceAccount), the
# OpenELB sample Eips and a LoadBalancer Service, whose address the router then routes to both nodes.
#
#   hack/local-up.sh        start everything (idempotent) and show what it did
#   hack/local-up.sh down   stop OpenELB, the lab and the control plane
#
# The first run builds kube-apiserver and etcd from source (minutes); later runs take seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

STATE=${OPENELB_LOCAL_DIR:-/tmp/openelb-local}
HTTP_PORT=${OPENELB_LOCAL_HTTP_PORT:-50052}
# The quick start's lab, for hack/lab.sh too; the ITs default to their own (Lab.java), so running the
# tests leaves this one up.
export OPENELB_LAB_PREFIX=${OPENELB_LAB_PREFIX:-oelb-} OPENELB_LAB_DIR=${OPENELB_LAB_DIR:-/tmp/openelb-lab}
ROUTER_NS=${OPENELB_LAB_PREFIX}router
DEMO_NS=openelb-demo
NODES=2
# The program's clean shutdown (--shutdown-timeout, default 10s in config/Flags.java) and the JVM's exit.
STOP_TIMEOUT=15

log() { printf '[local-up] %s\n' "$*" >&2; }
# shellcheck source=hack/lib/stop.sh
source hack/lib/stop.sh

# Stops the controller and the speakers (all at once, each waited for: a start right after finds its
# ports free), then the lab and the control plane. Fails if anything outlived SIGKILL.
down() {
  local pidfile pid pids=() ok=true
  for pidfile in "$STATE"/*.pid; do
    [[ -f $pidfile ]] || continue
    pid=$(tr -dc 0-9 <"$pidfile")
    # only our program: the pid may belong to another process by now
    if [[ -n $pid ]] && grep -qs openelb.jar "/proc/$pid/cmdline"; then pids+=("$pid"); fi
  done
  stop_processes "$STOP_TIMEOUT" "${pids[@]}" || ok=false
  rm -f "$STATE"/*.pid
  hack/lab.sh down || ok=false
  hack/cluster.sh down || ok=false
  if $ok; then log "stopped"; else log "stopped, with errors (above)"; return 1; fi
}

if [[ ${1:-} == down ]]; then
  down
  exit
fi

mkdir -p "$STATE"
eval "$(hack/cluster.sh up)"
log "control plane: $OPENELB_APISERVER_URL (export KUBECONFIG=$KUBECONFIG)"
if ! ip netns list | grep -q "^$ROUTER_NS\\b"; then
  hack/lab.sh up --router bird --nodes "$NODES" >/dev/null
fi

if [[ ! -f target/openelb.jar ]]; then
  log "building target/openelb.jar"
  mvn -B -q package -DskipTests
fi

kubectl apply -f crds/ >/dev/null
kubectl wait --for=condition=Established --timeout=60s crd --all >/dev/null
kubectl apply -f manifests/rbac.yaml >/dev/null
# Layer 2 speakers form their membership only with this shared secret (as the install asks a user to create it)
kubectl -n openelb-system get secret openelb-membership >/dev/null 2>&1 ||
  kubectl -n openelb-system create secret generic openelb-membership \
    --from-literal=secret="$(openssl rand -hex 32)" >/dev/null
kubectl apply -f manifests/samples/eip-bgp.yaml -f manifests/samples/eip-ipv6.yaml \
  -f manifests/samples/eip-layer2.yaml -f hack/lab/bgp.yaml >/dev/null

# The lab's nodes as Node objects, as their kubelets would describe them (no kubelet runs here).
for i in $(seq 1 "$NODES"); do
  printf 'apiVersion: v1\nkind: Node\nmetadata: {name: node%s, labels: {kubernetes.io/hostname: node%s}}\n' \
    "$i" "$i" | kubectl apply -f - >/dev/null
  now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  kubectl patch node "node$i" --subresource=status --type=merge -p \
    "{\"status\":{\"addresses\":[{\"type\":\"InternalIP\",\"address\":\"10.77.0.1$i\"}],\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"reason\":\"KubeletReady\",\"lastTransitionTime\":\"$now\",\"lastHeartbeatTime\":\"$now\"}]}}" \
    >/dev/null
done
# Speakers in the node namespaces reach the API server on the host's loopback through a relay.
hack/lab.sh relay-apiserver "${OPENELB_APISERVER_URL#https://}" >/dev/null

# Each role runs as its ServiceAccount, not as admin, as it would in a cluster.
kubeconfig_for() { # kubeconfig_for <service account> <file>
  local token
  token=$(kubectl create token "$1" -n openelb-system --duration=24h)
  kubectl config view --raw --minify --flatten >"$2"
  KUBECONFIG="$2" kubectl config set-credentials "$1" --token="$token" >/dev/null
  KUBECONFIG="$2" kubectl config set-context --current --user="$1" >/dev/null
}
kubeconfig_for openelb-controller "$STATE/controller.kubeconfig"
kubeconfig_for openelb-speaker "$STATE/speaker.kubeconfig"

# run_openelb <name> <network namespace or ""> <args...>: start once, then wait until ready
run_openelb() {
  local name=$1 ns=$2
  shift 2
  local in_ns=()
  [[ -n $ns ]] && in_ns=(ip netns exec "$ns")
  if [[ -f $STATE/$name.pid ]] && kill -0 "$(cat "$STATE/$name.pid")" 2>/dev/null; then
    log "$name already running (pid $(cat "$STATE/$name.pid"))"
  else
    setsid "${in_ns[@]}" java -Xmx256m -jar target/openelb.jar --http-host=127.0.0.1 \
      --http-port="$HTTP_PORT" "$@" >"$STATE/$name.log" 2>&1 &
    echo $! >"$STATE/$name.pid"
    log "$name started (pid $!, log $STATE/$name.log)"
  fi
  for _ in $(seq 1 300); do
    "${in_ns[@]}" curl -fs "http://127.0.0.1:$HTTP_PORT/readyz" >/dev/null && return 0
    sleep 0.2
  done
  tail -20 "$STATE/$name.log"
  return 1
}
run_openelb controller "" --role=controller --kubeconfig="$STATE/controller.kubeconfig"
for i in $(seq 1 "$NODES"); do
  run_openelb "speaker-node$i" "${OPENELB_LAB_PREFIX}node$i" --role=speaker --node-name="node$i" \
    --kubeconfig="$STATE/speaker.kubeconfig"
done

kubectl create namespace "$DEMO_NS" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
kubectl apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: $DEMO_NS
  annotations:
    lb.kubesphere.io/v1alpha1: openelb
    eip.openelb.kubesphere.io/v1alpha2: eip-sample-bgp
spec:
  type: LoadBalancer
  allocateLoadBalancerNodePorts: false
  ports: [{name: http, port: 80}]
EOF
ip=""
for _ in $(seq 1 100); do
  ip=$(kubectl get svc web -n "$DEMO_NS" -o jsonpath='{.status.loadBalancer.ingress[0].ip}')
  [[ -n $ip ]] && break
  sleep 0.1
done

echo
echo "== Service $DEMO_NS/web got its external IP from Eip eip-sample-bgp:"
kubectl get svc web -n "$DEMO_NS"
echo
echo "== Eips, BgpConf, BgpPeers, BgpAdvertisements:"
kubectl get eips,bgpconfs,bgppeers,bgpadvertisements
echo
echo "== Events of the Service:"
kubectl get events -n "$DEMO_NS" --field-selector involvedObject.name=web
echo
echo "== Controller: http://127.0.0.1:$HTTP_PORT/readyz and pool metrics:"
curl -s "http://127.0.0.1:$HTTP_PORT/readyz"
curl -s "http://127.0.0.1:$HTTP_PORT/metrics" | grep -E '^openelb_(pool_addresses|controller_leader)' || true
echo
echo "== BIRD's BGP sessions with the speakers (namespace $ROUTER_NS):"
birdc -s "$OPENELB_LAB_DIR/bird/bird.ctl" show protocols 2>/dev/null | grep -E 'BGP|Name' || hack/lab.sh status
echo
echo "== The router's kernel route for $ip: one route, both nodes as next hops (ECMP):"
for _ in $(seq 1 100); do
  [[ $(ip -n "$ROUTER_NS" route show "$ip" | grep -c nexthop) -ge 2 ]] && break
  sleep 0.1
done
ip -n "$ROUTER_NS" route show "$ip"
echo
echo "Use it:   export KUBECONFIG=$KUBECONFIG; export PATH=$(dirname "$(command -v kubectl)"):\$PATH"
echo "Stop it:  hack/local-up.sh down"
