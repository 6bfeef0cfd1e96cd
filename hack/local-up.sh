#!/usr/bin/env bash
# hack/local-up.sh - run OpenELB on a local default: a real control plane, a router lab, the
# controller with its own ServiceAccount, the OpenELB samples and a LoadBalancer Service.
#
#   hack/local-up.sh        start everything (idempotent) and show what it did
#   hack/local-up.sh down   stop the controller, the lab and the control plane
#
# The first run builds kube-apiserver and etcd from source (minutes); later runs take seconds.
# Until the BGP speaker lands, the router shows its sessions to the nodes as not established.
set -euo pipefail
cd "$(dirname "$0")/.."

STATE=${OPENELB_LOCAL_DIR:-/tmp/openelb-local}
HTTP_PORT=${OPENELB_LOCAL_HTTP_PORT:-50052}
DEMO_NS=openelb-demo

log() { printf '[local-up] %s\n' "$*" >&2; }

down() {
  if [[ -f $STATE/controller.pid ]]; then
    kill "$(cat "$STATE/controller.pid")" 2>/dev/null || true
    rm -f "$STATE/controller.pid"
  fi
  hack/lab.sh down || true
  hack/cluster.sh down || true
  log "stopped"
}

if [[ ${1:-} == down ]]; then
  down
  exit 0
fi

mkdir -p "$STATE"
eval "$(hack/cluster.sh up)"
log "control plane: $OPENELB_APISERVER_URL (export KUBECONFIG=$KUBECONFIG)"
hack/lab.sh up --router bird --nodes 2 >/dev/null

if [[ ! -f target/openelb.jar ]]; then
  log "building target/openelb.jar"
  mvn -B -q package -DskipTests
fi

kubectl apply -f crds/ >/dev/null
kubectl wait --for=condition=Established --timeout=60s crd --all >/dev/null
kubectl apply -f manifests/rbac.yaml >/dev/null
kubectl apply -f manifests/samples/ >/dev/null

# The controller runs as its ServiceAccount, not as admin, as it would in a cluster.
token=$(kubectl create token openelb-controller -n openelb-system --duration=24h)
kubectl config view --raw --minify --flatten >"$STATE/controller.kubeconfig"
KUBECONFIG="$STATE/controller.kubeconfig" kubectl config set-credentials openelb-controller --token="$token" >/dev/null
KUBECONFIG="$STATE/controller.kubeconfig" kubectl config set-context --current --user=openelb-controller >/dev/null

if [[ -f $STATE/controller.pid ]] && kill -0 "$(cat "$STATE/controller.pid")" 2>/dev/null; then
  log "controller already running (pid $(cat "$STATE/controller.pid"))"
else
  setsid java -jar target/openelb.jar --role=controller --kubeconfig="$STATE/controller.kubeconfig" \
    --http-host=127.0.0.1 --http-port="$HTTP_PORT" >"$STATE/controller.log" 2>&1 &
  echo $! >"$STATE/controller.pid"
  log "controller started (pid $!, log $STATE/controller.log)"
fi
for _ in $(seq 1 300); do
  curl -fs "http://127.0.0.1:$HTTP_PORT/readyz" >/dev/null && break
  sleep 0.2
done
curl -fs "http://127.0.0.1:$HTTP_PORT/readyz" >/dev/null || { tail -20 "$STATE/controller.log"; exit 1; }

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
echo "== Eips, BgpConf, BgpPeers:"
kubectl get eips,bgpconfs,bgppeers
echo
echo "== Events of the Service:"
kubectl get events -n "$DEMO_NS" --field-selector involvedObject.name=web
echo
echo "== Controller: http://127.0.0.1:$HTTP_PORT/readyz and a few /metrics:"
curl -s "http://127.0.0.1:$HTTP_PORT/readyz"
curl -s "http://127.0.0.1:$HTTP_PORT/metrics" | grep -E '^openelb_(pool_addresses|controller_leader)' || true
echo
echo "== Router (BIRD in namespace oelb-router), route for $ip:"
hack/lab.sh routes "${ip:-0.0.0.0}/32" || true
echo "(No route yet: the BGP speaker that announces it is not built yet.)"
echo
echo "Use it:   export KUBECONFIG=$KUBECONFIG; export PATH=$(dirname "$(command -v kubectl)"):\$PATH"
echo "Stop it:  hack/local-up.sh down"
