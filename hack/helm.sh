#!/usr/bin/env bash
# hack/helm.sh ARGS... - runs a pinned Helm 3 with ARGS (`hack/helm.sh template openelb charts/openelb`).
#
# Helm is not a Debian package, so, like the control plane in hack/cluster.sh, it is built once from its Go
# module (a few minutes on 2 cores) into OPENELB_CACHE (default ~/.cache/openelb)/bin/helm-VERSION/helm;
# later runs only exec it. The Go toolchain is the one hack/cluster.sh ensures (fetched if the local go is
# too old). HELM overrides the binary (a helm of your own). Build only: hack/helm.sh version.
set -euo pipefail

# Helm 3.19 is the newest line whose go.mod is satisfied by cluster.sh's Go 1.24; it supports
# Kubernetes 1.31-1.34, so the local control plane (1.33) too.
HELM_VERSION=v3.19.5

if [[ -n "${HELM:-}" ]]; then exec "$HELM" "$@"; fi

hack=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache="${OPENELB_CACHE:-$HOME/.cache/openelb}"
bin_dir="$cache/bin/helm-$HELM_VERSION"
log() { printf '[helm] %s\n' "$*" >&2; }

build() {
  local go t0 pkg
  go=$("$hack/cluster.sh" go)
  t0=$(date +%s)
  log "building helm $HELM_VERSION with $("$go" version | awk '{print $3}') (first time only; a few minutes)"
  # The version stamps of helm's own Makefile; the Kubernetes version is that of its client-go (v0.34).
  local ld="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION -X helm.sh/helm/v3/internal/version.metadata="
  for pkg in helm.sh/helm/v3/pkg/lint/rules helm.sh/helm/v3/pkg/chartutil; do
    ld+=" -X $pkg.k8sVersionMajor=1 -X $pkg.k8sVersionMinor=34"
  done
  rm -rf "$bin_dir.partial"; mkdir -p "$bin_dir.partial"
  (cd "$cache" && GOWORK=off GOTOOLCHAIN=local GOFLAGS="-trimpath -buildvcs=false" GOBIN="$bin_dir.partial" \
    "$go" install -ldflags="$ld" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION")
  rm -rf "$bin_dir"; mv "$bin_dir.partial" "$bin_dir"   # atomically: a broken build is never trusted
  log "built helm $HELM_VERSION in $(( $(date +%s) - t0 ))s -> $bin_dir"
}

if [[ ! -x "$bin_dir/helm" ]]; then
  mkdir -p "$cache"
  exec 9>"$cache/.helm-build.lock"   # one build at a time (parallel test forks)
  flock -w 1800 9 || { log "another build holds $cache/.helm-build.lock"; exit 1; }
  [[ -x "$bin_dir/helm" ]] || build
  exec 9>&-
fi
exec "$bin_dir/helm" "$@"
