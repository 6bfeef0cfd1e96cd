#!/usr/bin/env bash
# hack/migrate-from-openelb.sh STEP - switch a cluster from OpenELB (v0.5/v0.6, installed from its
# deploy/openelb.yaml or Helm chart) to this project, keeping every CRD object and Service address.
# README.md, "Migrating from OpenELB", explains each step; run them in this order:
#
#   addresses   print "namespace/name address[,address]" of every LoadBalancer Service: save it before,
#               compare after
#   stop        delete OpenELB's admission webhooks, its controller Deployment and speaker DaemonSet
#               (same names as ours, other selectors, which a Deployment cannot change) and its cert Jobs.
#               Eips, BgpConf, BgpPeers, Services and their addresses stay as they are.
#   install     apply manifests/openelb.yaml (CRDs updated in place, RBAC narrowed to what this project
#               uses), create the Layer 2 membership Secret if absent, and delete what only OpenELB used
#
# KUBECTL names the kubectl to use (default: kubectl on PATH).
set -euo pipefail
cd "$(dirname "$0")/.."
kubectl=${KUBECTL:-kubectl}
NS=openelb-system

case "${1:-}" in
  addresses)
    "$kubectl" get services --all-namespaces -o \
      jsonpath='{range .items[?(@.spec.type=="LoadBalancer")]}{.metadata.namespace}/{.metadata.name} {range .status.loadBalancer.ingress[*]}{.ip},{end}{"\n"}{end}' \
      | sed 's/,$//' | sort
    ;;
  stop)
    # The webhooks first: with failurePolicy Fail and no server behind them they would reject every
    # Eip and Service write.
    "$kubectl" delete validatingwebhookconfiguration,mutatingwebhookconfiguration openelb-admission \
      --ignore-not-found
    "$kubectl" -n "$NS" delete deployment/openelb-controller daemonset/openelb-speaker \
      job/openelb-admission-create job/openelb-admission-patch --ignore-not-found --wait=true
    ;;
  install)
    "$kubectl" apply -f manifests/openelb.yaml
    # Layer 2 speakers authenticate each other with this key: random per cluster, never in a manifest.
    if ! "$kubectl" -n "$NS" get secret openelb-membership >/dev/null 2>&1; then
      "$kubectl" -n "$NS" create secret generic openelb-membership --from-literal=secret="$(openssl rand -hex 32)"
    fi
    # Only OpenELB used these: its webhook's identity, certificate and roles, its old leader-election role.
    "$kubectl" delete clusterrolebinding/openelb-admission clusterrole/openelb-admission \
      clusterrolebinding/openelb-manager-rolebinding clusterrole/openelb-manager-role --ignore-not-found
    "$kubectl" -n "$NS" delete serviceaccount/openelb-admission role/openelb-admission \
      rolebinding/openelb-admission role/leader-election-role rolebinding/leader-election-rolebinding \
      secret/openelb-admission service/openelb-admission --ignore-not-found
    ;;
  *)
    sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
