#!/usr/bin/env bash
# hack/migrate-from-openelb.sh STEP - switch a cluster from OpenELB (v0.5/v0.6, installed from its
# deploy/openelb.yaml or Helm chart) to this project, keeping every CRD object and Service address.
# README.md, "Migrating from OpenELB", explains each step; run them in this order:
#
#   addresses   print "namespace/name address[,address]" of every LoadBalancer Service: save it before,
#               compare after
#   stop        delete OpenELB's admission webhooks, its controller Deployment and speaker DaemonSet
#               (same names as ours, other selectors, which a Deployment cannot change), v0.5's
#               openelb-manager Deployment and its cert Jobs.
#               Eips, BgpConf, BgpPeers, Services and their addresses stay as they are.
#   install     apply manifests/openelb.yaml (CRDs updated in place, RBAC narrowed to what this project
#               uses), create the Layer 2 membership Secret if absent, take OpenELB's finalizers off the
#               Eips, BgpConfs, BgpPeers and Services (nothing would remove them any more: their deletion
#               would hang), and delete every object only OpenELB used. Prints each change; a second run
#               changes nothing.
#
# KUBECTL names the kubectl to use (default: kubectl on PATH).
set -euo pipefail
cd "$(dirname "$0")/.."
kubectl=${KUBECTL:-kubectl}
NS=openelb-system
# OpenELB's finalizers (its pkg/constant): its IPAM's on Eips, its speaker's on BgpConfs and BgpPeers (the
# same name as the one this controller puts on the Services it serves, which therefore stays there), its
# NodeProxy's on the Services it proxies.
IPAM_FINALIZER=finalizer.ipam.kubesphere.io/v1alpha1
SPEAKER_FINALIZER=finalizer.lb.kubesphere.io/v1alpha1
NODE_PROXY_FINALIZER=node-proxy.openelb.kubesphere.io/finalizer

# remove_finalizer RESOURCE FINALIZER: takes FINALIZER, and only it, off every RESOURCE object that carries
# it, by a JSON patch that tests each index before removing it (highest index first): a list changed
# meanwhile fails the patch instead of losing another finalizer; run the step again then.
remove_finalizer() {
  local resource=$1 finalizer=$2 namespace name patch
  local template='{{range .items}}{{$o := .}}{{range $i, $f := .metadata.finalizers}}{{if eq $f "'"$finalizer"'"}}'
  template+='{{with $o.metadata.namespace}}{{.}}{{else}}-{{end}} {{$o.metadata.name}} {{$i}}{{"\n"}}{{end}}{{end}}{{end}}'
  "$kubectl" get "$resource" --all-namespaces -o go-template="$template" \
    | sort -k1,1 -k2,2 -k3,3nr \
    | awk -v f="$finalizer" '
        { op = sprintf("{\"op\":\"test\",\"path\":\"/metadata/finalizers/%d\",\"value\":\"%s\"},"\
                       "{\"op\":\"remove\",\"path\":\"/metadata/finalizers/%d\"}", $3, f, $3)
          key = $1 " " $2
          if (key == last) { patch = patch "," op; next }
          if (last != "") print last, "[" patch "]"
          last = key; patch = op }
        END { if (last != "") print last, "[" patch "]" }' \
    | while read -r namespace name patch; do
        if [[ $namespace == - ]]; then
          "$kubectl" patch "$resource" "$name" --type=json -p "$patch" >/dev/null
          echo "$resource/$name: finalizer $finalizer removed"
        else
          "$kubectl" -n "$namespace" patch "$resource" "$name" --type=json -p "$patch" >/dev/null
          echo "$resource/$name in $namespace: finalizer $finalizer removed"
        fi
      done
}

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
    "$kubectl" -n "$NS" delete deployment/openelb-controller daemonset/openelb-speaker deployment/openelb-manager \
      job/openelb-admission-create job/openelb-admission-patch --ignore-not-found --wait=true
    ;;
  install)
    "$kubectl" apply -f manifests/openelb.yaml
    # Layer 2 speakers authenticate each other with this key: random per cluster, never in a manifest.
    if ! "$kubectl" -n "$NS" get secret openelb-membership >/dev/null 2>&1; then
      "$kubectl" -n "$NS" create secret generic openelb-membership --from-literal=secret="$(openssl rand -hex 32)"
    fi
    remove_finalizer eips.network.kubesphere.io "$IPAM_FINALIZER"
    remove_finalizer bgpconfs.network.kubesphere.io "$SPEAKER_FINALIZER"
    remove_finalizer bgppeers.network.kubesphere.io "$SPEAKER_FINALIZER"
    remove_finalizer services "$NODE_PROXY_FINALIZER"
    # NodeProxy has no counterpart here: its workloads (node-proxy-<service>-<namespace>) keep forwarding
    # until deleted along with their Service.
    "$kubectl" -n "$NS" get deployments,daemonsets -o name \
      | sed -n 's|^\(.*/node-proxy-.*\)|kept, delete it with its Service: \1|p'
    # Only OpenELB used these (v0.6's deploy/openelb.yaml and Helm chart, v0.5's names): its webhook (the
    # configuration, the Service openelb-controller in v0.6 and openelb-admission in v0.5, the certificate
    # Secret and Jobs, their identity and roles), its memberlist key, its NodeProxy images, v0.5's roles and
    # speaker Lease, Helm's record of the chart's release. The CRDs, every Eip, BgpConf, BgpPeer and Service stay; so do the names ours reuses.
    "$kubectl" delete validatingwebhookconfiguration/openelb-admission \
      mutatingwebhookconfiguration/openelb-admission clusterrolebinding/openelb-admission clusterrole/openelb-admission \
      clusterrolebinding/openelb-manager-rolebinding clusterrole/openelb-manager-role --ignore-not-found
    "$kubectl" -n "$NS" delete service/openelb-controller service/openelb-admission \
      secret/openelb-admission secret/memberlist configmap/openelb-images \
      job/openelb-admission-create job/openelb-admission-patch \
      serviceaccount/openelb-admission role/openelb-admission rolebinding/openelb-admission \
      role/leader-election-role rolebinding/leader-election-rolebinding lease/openelb-speaker --ignore-not-found
    # Helm's record of OpenELB's chart: a later "helm uninstall openelb" would delete the objects ours took over
    "$kubectl" -n "$NS" delete secret -l owner=helm,name=openelb --ignore-not-found
    if [[ $("$kubectl" api-resources --api-group=monitoring.coreos.com -o name || true) == *servicemonitors.* ]]; then
      "$kubectl" -n "$NS" delete servicemonitor/openelb-controller servicemonitor/openelb-speaker --ignore-not-found
    fi
    ;;
  *)
    sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
