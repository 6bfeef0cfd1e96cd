#!/usr/bin/env bash
# hack/cluster.sh - a real, local Kubernetes control plane for end-to-end tests.
#
# Like kubebuilder's envtest: etcd + kube-apiserver on loopback, no kubelet,
# no controller-manager, no scheduler. Both binaries are built from Go modules
# (pinned below) and cached outside the repository, so the first `up` compiles
# for a few minutes and every later `up` takes seconds.
#
# Usage:
#   hack/cluster.sh up             build if needed, start, wait for /readyz, print env
#   hack/cluster.sh down [--purge] stop both processes; --purge also deletes the state dir
#   hack/cluster.sh env            print `export ...` lines: eval "$(hack/cluster.sh env)"
#   hack/cluster.sh status         show processes and /readyz; exit 0 only when ready
#   hack/cluster.sh build          only build/cache the binaries (e.g. to warm a CI cache)
#   hack/cluster.sh go             print the path of a `go` new enough for the builds (fetched if needed)
#   hack/cluster.sh apiserver stop|kill|start
#                                  only the API server: SIGTERM / SIGKILL it (etcd and the data stay),
#                                  or start it again on the same port and etcd (outage tests)
#
# Environment (all optional):
#   OPENELB_CACHE                 binary/build cache        (default ~/.cache/openelb)
#   OPENELB_CLUSTER_DIR           state: pki, etcd data, logs, pids (default /tmp/openelb-cluster)
#   OPENELB_APISERVER_BIND        --bind-address            (default 127.0.0.1)
#   OPENELB_APISERVER_PORT        --secure-port             (default 6443)
#   OPENELB_APISERVER_ADVERTISE   --advertise-address       (default: bind address, or a host IP if bind is a wildcard)
#   OPENELB_APISERVER_SANS        extra SANs for the serving cert, comma/space separated IPs or DNS names
#   OPENELB_APISERVER_EXTRA_ARGS  extra kube-apiserver flags, space separated
#   OPENELB_APISERVER_NODES=1     for a cluster with kubelets and a controller-manager (hack/nodes.sh):
#                                 Node,RBAC authorization, NodeRestriction and ServiceAccount admission
#   OPENELB_READY_TIMEOUT         seconds to wait for /readyz (default 120)
#   OPENELB_APISERVER_AUDIT=0     no audit log (default: requests on the objects OpenELB uses, at Metadata
#                                 level, in <state dir>/audit.log; policy hack/cluster/audit-policy.yaml)
#   OPENELB_FORCE_GO_BOOTSTRAP=1  use the pinned Go toolchain from the module proxy even if a
#                                 new-enough `go` is installed (only useful to test that path)
set -euo pipefail

# ---- pinned versions ---------------------------------------------------------
K8S_VERSION=v1.33.13           # k8s.io/kubernetes release; its go.mod needs go >= 1.24
K8S_STAGING_VERSION=v0.33.13   # published twin of every k8s.io/* staging module (v1.X.Y -> v0.X.Y)
ETCD_VERSION=v3.5.21           # what kubernetes v1.33 itself pins (go.etcd.io/etcd/client/v3 v3.5.21)
GO_MIN_VERSION=1.24            # oldest Go that builds K8S_VERSION (the `go` line of its go.mod)
GO_BOOTSTRAP_VERSION=go1.24.13 # toolchain fetched from the Go module proxy if the local go is too old

# ---- fixed cluster settings --------------------------------------------------
SERVICE_CIDR=10.96.0.0/16,fd00:10:96::/112  # dual stack, so IPv6 and dual-stack Services can be tested
SERVICE_VIP=10.96.0.1          # first IP of the IPv4 SERVICE_CIDR: the `kubernetes` Service, must be a SAN
SA_ISSUER=https://kubernetes.default.svc.cluster.local
ETCD_PORT_SEARCH_START=23790   # away from etcd's well-known 2379/2380 so a host etcd does not clash

# ---- paths and knobs -----------------------------------------------------------
CACHE_DIR="${OPENELB_CACHE:-$HOME/.cache/openelb}"
K8S_BIN_DIR="$CACHE_DIR/bin/kubernetes-$K8S_VERSION"
ETCD_BIN_DIR="$CACHE_DIR/bin/etcd-$ETCD_VERSION"
SRC_DIR="$CACHE_DIR/src"       # throw-away Go modules used only to build the binaries
STATE_DIR="${OPENELB_CLUSTER_DIR:-/tmp/openelb-cluster}"
PKI_DIR="$STATE_DIR/pki"
KUBECONFIG_FILE="$STATE_DIR/admin.kubeconfig"
RUNTIME_ENV="$STATE_DIR/runtime.env" # ports/URL chosen by the last `up`, read by env/status/down
AUDIT_POLICY_SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/cluster/audit-policy.yaml"
AUDIT_POLICY="$STATE_DIR/audit-policy.yaml" # the copy the running API server read
AUDIT_LOG="$STATE_DIR/audit.log"
MARKER="$STATE_DIR/.openelb-cluster" # `down --purge` only deletes a dir carrying this marker

APISERVER_BIND="${OPENELB_APISERVER_BIND:-127.0.0.1}"
APISERVER_PORT="${OPENELB_APISERVER_PORT:-6443}"
READY_TIMEOUT="${OPENELB_READY_TIMEOUT:-120}"
AUDIT="${OPENELB_APISERVER_AUDIT:-1}"
STOP_TIMEOUT=30                # seconds etcd or the API server gets to exit on SIGTERM before SIGKILL

log() { printf '[cluster] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
# shellcheck source=hack/lib/stop.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/stop.sh"
now_ms() { date +%s%3N; }
elapsed() { # elapsed <start_ms> -> "12.3s" / "4m05.2s"
  local ms=$(( $(now_ms) - $1 )) s
  s=$(( ms / 1000 ))
  if (( s >= 60 )); then printf '%dm%02d.%01ds' $((s / 60)) $((s % 60)) $(( (ms % 1000) / 100 ))
  else printf '%d.%01ds' "$s" $(( (ms % 1000) / 100 )); fi
}

# ============================================================================
# Go toolchain
# ============================================================================

# go_version_ok: is the `go` on PATH at least GO_MIN_VERSION?
go_version_ok() {
  command -v go >/dev/null 2>&1 || return 1
  local v; v=$(go version | awk '{print $3}'); v=${v#go}
  local maj=${v%%.*} rest=${v#*.}; local min=${rest%%[!0-9]*}
  local want_maj=${GO_MIN_VERSION%%.*} want_min=${GO_MIN_VERSION#*.}
  (( maj > want_maj || (maj == want_maj && min >= want_min) ))
}

ensure_go() {
  if [[ "${OPENELB_FORCE_GO_BOOTSTRAP:-}" != 1 ]] && go_version_ok; then return 0; fi
  if ! command -v go >/dev/null 2>&1; then
    # Debian's golang-go (1.19 on bookworm) is too old for Kubernetes, but it is
    # enough to fetch the real toolchain from the module proxy below.
    command -v apt-get >/dev/null 2>&1 || die "no 'go' found and no apt-get to install it"
    log "installing golang-go from apt (only to bootstrap a newer toolchain)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq golang-go >&2
  fi
  # Go toolchains are published as module golang.org/toolchain on the module
  # proxy; this is what GOTOOLCHAIN=auto does, done by hand so that it also works
  # with a pre-1.21 go. Module zips drop the exec bits, hence the chmod.
  local goos goarch dest mod dir
  goos=$(go env GOOS); goarch=$(go env GOARCH)
  dest="$CACHE_DIR/go/$GO_BOOTSTRAP_VERSION.$goos-$goarch"
  if [[ ! -x "$dest/bin/go" ]]; then
    mod="golang.org/toolchain@v0.0.1-$GO_BOOTSTRAP_VERSION.$goos-$goarch"
    log "fetching Go toolchain $mod from the module proxy"
    dir=$(cd "$CACHE_DIR" && GOWORK=off GOFLAGS=-mod=mod GOTOOLCHAIN=local go mod download -json "$mod" \
      | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
    [[ -n "$dir" && -d "$dir" ]] || die "could not download $mod"
    rm -rf "$dest.partial"; mkdir -p "$(dirname "$dest")"
    cp -R "$dir" "$dest.partial"; chmod -R u+w "$dest.partial"
    chmod +x "$dest.partial"/bin/* "$dest.partial"/pkg/tool/*/*
    rm -rf "$dest"; mv "$dest.partial" "$dest"
  fi
  export GOROOT="$dest" PATH="$dest/bin:$PATH"
  go_version_ok || die "bootstrapped Go toolchain at $dest is still older than $GO_MIN_VERSION"
}

# go_mod_download <module@version> <json field>: fetch a module, print a field
# of `go mod download -json` (GoMod, Info, Dir).
go_mod_download() {
  (cd "$CACHE_DIR" && go mod download -json "$1") | sed -n "s/^[[:space:]]*\"$2\": \"\\(.*\\)\",\\{0,1\\}\$/\\1/p"
}

# Settings shared by every Go invocation of this script.
go_env() {
  export GOWORK=off GOTOOLCHAIN=local GOFLAGS="-trimpath -buildvcs=false"
}

# ============================================================================
# Building kube-apiserver, kubectl and etcd
# ============================================================================

# k8s.io/kubernetes cannot be `go install`ed: its go.mod requires every staging
# module (k8s.io/api, k8s.io/apiserver, ...) at v0.0.0 and replaces it with
# ./staging/src/... . Replace directives of dependencies are ignored, so a
# throw-away main module must repeat them, pointing at the published v0.X.Y.
build_kubernetes() {
  [[ -x "$K8S_BIN_DIR/kube-apiserver" && -x "$K8S_BIN_DIR/kubectl" ]] && return 0
  local mod_dir="$SRC_DIR/kubernetes-$K8S_VERSION"
  local t0; t0=$(now_ms)
  log "building kube-apiserver + kubectl $K8S_VERSION with $(go version | awk '{print $3}') (first time only; several minutes on 2 cores)"
  build_k8s_commands "$mod_dir" kube-apiserver kubectl
  install_bins "$K8S_BIN_DIR" "$mod_dir/out/kube-apiserver" "$mod_dir/out/kubectl"
  log "built kube-apiserver + kubectl $K8S_VERSION in $(elapsed "$t0") -> $K8S_BIN_DIR"
}

# build_k8s_commands <module dir> <command>...: build k8s.io/kubernetes/cmd/<command> of K8S_VERSION
# into <module dir>/out/ from a throw-away main module in <module dir> (also used by hack/nodes.sh,
# with its own module dir, for the node binaries).
build_k8s_commands() {
  local mod_dir=$1; shift
  local upstream info commit build_date cmd
  local -a pkgs=()
  for cmd in "$@"; do pkgs+=("k8s.io/kubernetes/cmd/$cmd"); done
  mkdir -p "$mod_dir"
  upstream=$(go_mod_download "k8s.io/kubernetes@$K8S_VERSION" GoMod)
  info=$(go_mod_download "k8s.io/kubernetes@$K8S_VERSION" Info)
  [[ -f "$upstream" ]] || die "could not fetch go.mod of k8s.io/kubernetes@$K8S_VERSION"
  {
    echo "// Generated by hack/cluster.sh: builds $* $K8S_VERSION."
    echo "module openelb.local/k8s-binaries"
    echo
    grep -E '^(go|godebug) ' "$upstream"   # same language version/GODEBUG defaults as upstream
    echo
    echo "require k8s.io/kubernetes $K8S_VERSION"
    echo
    echo "replace ("
    awk -v v="$K8S_STAGING_VERSION" '$1 ~ /^k8s\.io\// && $2 == "v0.0.0" {printf "\t%s => %s %s\n", $1, $1, v}' "$upstream"
    echo ")"
  } > "$mod_dir/go.mod"
  {
    printf '//go:build tools\n\n'
    printf '// Package tools only pins the main packages we build, so `go mod tidy` keeps them.\n'
    printf 'package tools\n\nimport (\n'
    printf '\t_ "%s"\n' "${pkgs[@]}"
    printf ')\n'
  } > "$mod_dir/tools.go"
  # Stamp the version like the official build does (hack/lib/version.sh), so
  # /version and `kubectl version` say v1.33.x instead of v0.0.0-master.
  commit=$(sed -n 's/.*"Hash":"\([0-9a-f]*\)".*/\1/p' "$info")
  build_date=$(sed -n 's/.*"Time":"\([^"]*\)".*/\1/p' "$info")
  local minor=${K8S_VERSION#v1.}; minor=${minor%%.*}
  local ld="-s -w" pkg
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    ld+=" -X $pkg.gitCommit=${commit:-unknown} -X $pkg.gitTreeState=clean -X $pkg.buildDate=${build_date:-1970-01-01T00:00:00Z}"
  done
  rm -rf "$mod_dir/out"
  (cd "$mod_dir" && go mod tidy && go build -ldflags="$ld" -o out/ "${pkgs[@]}")
}

# etcd's own modules carry local replace directives too, so `go install
# go.etcd.io/etcd/server/v3@vX` is refused; go.etcd.io/etcd/server/v3 is itself
# the `etcd` main package, so a throw-away module that requires it is enough.
build_etcd() {
  [[ -x "$ETCD_BIN_DIR/etcd" ]] && return 0
  local mod_dir="$SRC_DIR/etcd-$ETCD_VERSION" upstream info commit
  local t0; t0=$(now_ms)
  log "building etcd $ETCD_VERSION (first time only)"
  mkdir -p "$mod_dir"
  upstream=$(go_mod_download "go.etcd.io/etcd/server/v3@$ETCD_VERSION" GoMod)
  info=$(go_mod_download "go.etcd.io/etcd/server/v3@$ETCD_VERSION" Info)
  [[ -f "$upstream" ]] || die "could not fetch go.mod of go.etcd.io/etcd/server/v3@$ETCD_VERSION"
  {
    echo "// Generated by hack/cluster.sh: builds etcd $ETCD_VERSION."
    echo "module openelb.local/etcd-binary"
    echo
    grep -E '^go ' "$upstream"
    echo
    echo "require go.etcd.io/etcd/server/v3 $ETCD_VERSION"
  } > "$mod_dir/go.mod"
  printf '//go:build tools\n\npackage tools\n\nimport _ "go.etcd.io/etcd/server/v3"\n' > "$mod_dir/tools.go"
  commit=$(sed -n 's/.*"Hash":"\([0-9a-f]*\)".*/\1/p' "$info")
  rm -rf "$mod_dir/out"
  (cd "$mod_dir" && go mod tidy && go build \
      -ldflags="-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=${commit:0:8}" \
      -o out/etcd go.etcd.io/etcd/server/v3)
  install_bins "$ETCD_BIN_DIR" "$mod_dir/out/etcd"
  log "built etcd $ETCD_VERSION in $(elapsed "$t0") -> $ETCD_BIN_DIR"
}

# install_bins <dir> <file>...: publish binaries atomically so an interrupted
# build never leaves a half-filled bin dir that later runs would trust.
install_bins() {
  local dir=$1; shift
  rm -rf "$dir.partial"; mkdir -p "$dir.partial"
  install -m 0755 "$@" "$dir.partial/"
  rm -rf "$dir"; mv "$dir.partial" "$dir"
  rm -f "$@"   # the build output copies are ~200 MB we no longer need
}

ensure_binaries() {
  if [[ -x "$K8S_BIN_DIR/kube-apiserver" && -x "$K8S_BIN_DIR/kubectl" && -x "$ETCD_BIN_DIR/etcd" ]]; then
    return 0
  fi
  mkdir -p "$CACHE_DIR"
  # One build at a time per cache (parallel test jobs would otherwise race).
  exec 8>"$CACHE_DIR/.build.lock"
  flock -w 3600 8 || die "another build holds $CACHE_DIR/.build.lock"
  local t0; t0=$(now_ms)
  ensure_go
  go_env
  build_etcd
  build_kubernetes
  log "first build finished: wall time $(elapsed "$t0")"
  exec 8>&-
}

# ============================================================================
# PKI: CA, apiserver serving cert, admin client cert, service-account keys
# ============================================================================

is_ip() { [[ $1 =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ || $1 == *:* ]]; }
is_wildcard() { [[ $1 == 0.0.0.0 || $1 == :: || $1 == "[::]" ]]; }

# Address clients on this host use to reach the apiserver.
apiserver_host() { if is_wildcard "$APISERVER_BIND"; then echo 127.0.0.1; else echo "$APISERVER_BIND"; fi; }
url_host() { if [[ $1 == *:* ]]; then echo "[$1]"; else echo "$1"; fi; }

advertise_address() {
  if [[ -n "${OPENELB_APISERVER_ADVERTISE:-}" ]]; then echo "$OPENELB_APISERVER_ADVERTISE"; return; fi
  if ! is_wildcard "$APISERVER_BIND"; then echo "$APISERVER_BIND"; return; fi
  local ip; ip=$(hostname -I 2>/dev/null | awk '{print $1}')
  echo "${ip:-127.0.0.1}"
}

# subjectAltName for the serving cert: loopback, the in-cluster names and the
# `kubernetes` Service VIP (so pods in other netns can later use either), the
# bind/advertise addresses, plus OPENELB_APISERVER_SANS.
serving_sans() {
  local -a names=(localhost kubernetes kubernetes.default kubernetes.default.svc
                  kubernetes.default.svc.cluster.local 127.0.0.1 ::1 "$SERVICE_VIP")
  is_wildcard "$APISERVER_BIND" || names+=("$APISERVER_BIND")
  names+=("$(advertise_address)")
  local extra; extra=$(tr ',' ' ' <<<"${OPENELB_APISERVER_SANS:-}")
  # shellcheck disable=SC2206 # word splitting intended
  names+=($extra)
  local n out="" seen=" "
  for n in "${names[@]}"; do
    [[ -z "$n" || "$seen" == *" $n "* ]] && continue
    seen+="$n "
    if is_ip "$n"; then out+="${out:+,}IP:$n"; else out+="${out:+,}DNS:$n"; fi
  done
  echo "$out"
}

# sign_cert <name> <subject> <extensions...>: new RSA key + cert signed by our CA.
# RSA/PKCS#8 keeps the admin key readable by Java clients (fabric8, JDK KeyFactory).
sign_cert() {
  local name=$1 subj=$2; shift 2
  local ext="$PKI_DIR/$name.ext"
  printf '%s\n' "[v3]" "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" "$@" > "$ext"
  openssl req -new -newkey rsa:2048 -nodes -keyout "$PKI_DIR/$name.key" -out "$PKI_DIR/$name.csr" \
    -subj "$subj" 2>/dev/null
  openssl x509 -req -in "$PKI_DIR/$name.csr" -CA "$PKI_DIR/ca.crt" -CAkey "$PKI_DIR/ca.key" \
    -set_serial "0x$(openssl rand -hex 16)" -days 3650 -sha256 -extfile "$ext" -extensions v3 \
    -out "$PKI_DIR/$name.crt" 2>/dev/null
  rm -f "$PKI_DIR/$name.csr" "$ext"
}

ensure_pki() {
  mkdir -p "$PKI_DIR"
  local old_umask; old_umask=$(umask); umask 077   # private keys stay private
  if [[ ! -s "$PKI_DIR/ca.crt" || ! -s "$PKI_DIR/ca.key" ]]; then
    log "generating CA, service-account keys and admin client cert in $PKI_DIR"
    printf '%s\n' "[req]" "distinguished_name=dn" "[dn]" "[v3_ca]" \
      "basicConstraints=critical,CA:TRUE" "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
      "subjectKeyIdentifier=hash" > "$PKI_DIR/ca.cnf"
    openssl req -x509 -new -newkey rsa:2048 -nodes -days 3650 -sha256 -subj "/CN=openelb-local-ca" \
      -config "$PKI_DIR/ca.cnf" -extensions v3_ca -keyout "$PKI_DIR/ca.key" -out "$PKI_DIR/ca.crt" 2>/dev/null
    rm -f "$PKI_DIR/ca.cnf" "$PKI_DIR/apiserver.crt" "$PKI_DIR/admin.crt" # anything signed by an old CA
  fi
  if [[ ! -s "$PKI_DIR/sa.key" || ! -s "$PKI_DIR/sa.pub" ]]; then
    openssl genrsa -out "$PKI_DIR/sa.key" 2048 2>/dev/null
    openssl rsa -in "$PKI_DIR/sa.key" -pubout -out "$PKI_DIR/sa.pub" 2>/dev/null
  fi
  if [[ ! -s "$PKI_DIR/admin.crt" ]]; then
    # O=system:masters is bound to cluster-admin by the bootstrap RBAC policy.
    sign_cert admin "/O=system:masters/CN=openelb-admin" "extendedKeyUsage=clientAuth"
  fi
  # Re-issue the serving cert whenever the wanted SAN list changes (e.g. a new
  # OPENELB_APISERVER_SANS or bind address), without touching the CA.
  local sans; sans=$(serving_sans)
  if [[ ! -s "$PKI_DIR/apiserver.crt" || "$(cat "$PKI_DIR/apiserver.sans" 2>/dev/null)" != "$sans" ]]; then
    log "issuing apiserver serving cert for $sans"
    sign_cert apiserver "/CN=kube-apiserver" "extendedKeyUsage=serverAuth" "subjectAltName=$sans"
    echo "$sans" > "$PKI_DIR/apiserver.sans"
  fi
  umask "$old_umask"
}

write_kubeconfig() {
  local server=$1 b64="base64 -w0"
  local old_umask; old_umask=$(umask); umask 077
  cat > "$KUBECONFIG_FILE" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: openelb-local
  cluster:
    server: $server
    certificate-authority-data: $($b64 < "$PKI_DIR/ca.crt")
users:
- name: openelb-admin
  user:
    client-certificate-data: $($b64 < "$PKI_DIR/admin.crt")
    client-key-data: $($b64 < "$PKI_DIR/admin.key")
contexts:
- name: openelb-local
  context:
    cluster: openelb-local
    user: openelb-admin
    namespace: default
current-context: openelb-local
EOF
  umask "$old_umask"
}

# ============================================================================
# Processes
# ============================================================================

# pid_of <name>: print the pid if <name> (etcd|kube-apiserver) is running.
# Checks /proc/<pid>/comm so a recycled pid is never mistaken for ours, and
# treats zombies as dead (the reaper in a container may be slow or absent).
pid_of() {
  local name=$1 pid state
  [[ -s "$STATE_DIR/$name.pid" ]] || return 1
  pid=$(cat "$STATE_DIR/$name.pid")
  [[ "$pid" =~ ^[0-9]+$ && -r /proc/$pid/comm ]] || return 1
  [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == "$name" ]] || return 1
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 1
  [[ "$state" != Z ]] || return 1
  echo "$pid"
}

# starting <name>: whether the process start_bg launched is still alive. Right after the launch it
# may still be setsid (not yet exec-ed into <name>), which pid_of would take for dead: a race that
# under load failed `up` with "exited during startup" although the daemon came up.
starting() {
  local pid state
  pid_of "$1" >/dev/null && return 0
  pid=$(cat "$STATE_DIR/$1.pid" 2>/dev/null) || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 1
  [[ "$state" != Z ]]
}

port_in_use() {
  if command -v ss >/dev/null 2>&1; then
    [[ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]]
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
}

# free_port <start> <exclude...>: first port >= start that nobody listens on.
free_port() {
  local p=$1; shift
  while (( p < 65000 )); do
    if ! port_in_use "$p" && [[ " $* " != *" $p "* ]]; then echo "$p"; return 0; fi
    p=$((p + 1))
  done
  die "no free port found"
}

# start_bg <name> <binary> <args...>: detach into its own session (so a Ctrl-C in
# the calling shell does not reach it) with a pid file and an appended log.
start_bg() {
  local name=$1; shift
  {
    echo
    echo "=== $(date -u +%FT%TZ) starting $name"
    printf '%q ' "$@"; echo
  } >> "$STATE_DIR/$name.log"
  # 8>&- 9>&-: the daemons must not inherit our lock fds, or they would hold the
  # state/build locks forever and the next up/down would block.
  setsid "$@" >> "$STATE_DIR/$name.log" 2>&1 < /dev/null 8>&- 9>&- &
  echo $! > "$STATE_DIR/$name.pid"
}

# stop_proc <name>: SIGTERM, wait up to STOP_TIMEOUT for it to exit, then SIGKILL and wait for that
# too: a start right after finds the ports free.
stop_proc() {
  local name=$1 pid rc=0
  if pid=$(pid_of "$name"); then
    log "stopping $name (pid $pid)"
    stop_processes "$STOP_TIMEOUT" "$pid" || rc=1
  fi
  rm -f "$STATE_DIR/$name.pid"
  return "$rc"
}

lock_state() {
  exec 9>"$STATE_DIR/.lock"
  flock -w 180 9 || die "another hack/cluster.sh holds $STATE_DIR/.lock"
}

# tail_log <name>: show why something failed.
tail_log() { log "last lines of $STATE_DIR/$1.log:"; tail -n 25 "$STATE_DIR/$1.log" >&2 || true; }

curl_admin() {
  curl -sS --max-time 5 --cacert "$PKI_DIR/ca.crt" \
    --cert "$PKI_DIR/admin.crt" --key "$PKI_DIR/admin.key" "$@"
}

start_etcd() {
  local client=$1 peer=$2 i
  start_bg etcd "$ETCD_BIN_DIR/etcd" \
    --name=openelb \
    --data-dir="$STATE_DIR/etcd" \
    --listen-client-urls="http://127.0.0.1:$client" \
    --advertise-client-urls="http://127.0.0.1:$client" \
    --listen-peer-urls="http://127.0.0.1:$peer" \
    --initial-advertise-peer-urls="http://127.0.0.1:$peer" \
    --initial-cluster="openelb=http://127.0.0.1:$peer" \
    --unsafe-no-fsync \
    --log-level=warn
  # --unsafe-no-fsync: test data is disposable; skipping fsync makes the API much faster.
  for ((i = 0; i < 300; i++)); do
    starting etcd || { tail_log etcd; die "etcd exited during startup"; }
    curl -sf --max-time 2 "http://127.0.0.1:$client/health" 2>/dev/null | grep -q '"health":"true"' && return 0
    sleep 0.1
  done
  tail_log etcd; die "etcd not healthy after 30s"
}

start_apiserver() {
  local etcd_port=$1 url=$2 i
  local adv; adv=$(advertise_address)
  local -a extra=()
  # The `kubernetes` Service endpoints may not be loopback (validation rejects
  # 127.0.0.0/8 and ::1), so with a loopback advertise address the reconciler
  # would only log an error every 10s; skip it. A routable address keeps it.
  [[ $adv == 127.* || $adv == ::1 ]] && extra+=(--endpoint-reconciler-type=none)
  if [[ $AUDIT != 0 ]]; then
    cp "$AUDIT_POLICY_SRC" "$AUDIT_POLICY"
    # blocking (the default mode): each line is written before the request finishes, so no event is
    # dropped (batch mode drops them when its buffer is full) and a test that waited for a response
    # finds its line; a Metadata line is ~1 KiB appended to a file, microseconds next to the etcd write.
    # Rotated at 100 MiB with one old file kept: at most ~200 MiB however long the cluster runs.
    extra+=(--audit-policy-file="$AUDIT_POLICY" --audit-log-path="$AUDIT_LOG" --audit-log-format=json
            --audit-log-mode=blocking --audit-log-maxsize=100 --audit-log-maxbackup=1)
  fi
  # shellcheck disable=SC2206 # word splitting intended
  [[ -n "${OPENELB_APISERVER_EXTRA_ARGS:-}" ]] && extra+=($OPENELB_APISERVER_EXTRA_ARGS)
  # ServiceAccount admission is off by default because nothing (no controller-manager) creates the
  # per-namespace `default` ServiceAccount; with it on, every Pod created in a fresh namespace would be
  # rejected. envtest does the same. With nodes, the controller-manager creates them and Pods need the
  # token volume that admission adds. (Both flags are lists: given twice they add up, not replace.)
  local authz=RBAC admission=--disable-admission-plugins=ServiceAccount
  [[ "${OPENELB_APISERVER_NODES:-}" == 1 ]] && { authz=Node,RBAC; admission=--enable-admission-plugins=NodeRestriction; }
  start_bg kube-apiserver "$K8S_BIN_DIR/kube-apiserver" \
    --etcd-servers="http://127.0.0.1:$etcd_port" \
    --bind-address="$APISERVER_BIND" \
    --secure-port="$APISERVER_PORT" \
    --advertise-address="$adv" \
    --cert-dir="$STATE_DIR/apiserver-certs" \
    --tls-cert-file="$PKI_DIR/apiserver.crt" \
    --tls-private-key-file="$PKI_DIR/apiserver.key" \
    --client-ca-file="$PKI_DIR/ca.crt" \
    --authorization-mode="$authz" \
    --service-account-issuer="$SA_ISSUER" \
    --service-account-key-file="$PKI_DIR/sa.pub" \
    --service-account-signing-key-file="$PKI_DIR/sa.key" \
    --service-cluster-ip-range="$SERVICE_CIDR" \
    --allow-privileged=true \
    "$admission" \
    --profiling=false \
    "${extra[@]}"
  local deadline=$(( $(date +%s) + READY_TIMEOUT )) out=""
  while (( $(date +%s) < deadline )); do
    starting kube-apiserver || { tail_log kube-apiserver; die "kube-apiserver exited during startup"; }
    out=$(curl_admin "$url/readyz" 2>/dev/null || true)
    [[ "$out" == ok ]] && return 0
    sleep 0.2
  done
  tail_log kube-apiserver
  log "last /readyz answer: $(curl_admin "$url/readyz?verbose" 2>&1 | grep -v '\[+\]' | tail -n 10)"
  die "kube-apiserver not ready after ${READY_TIMEOUT}s"
}

# audit_current: whether the running API server logs as OPENELB_APISERVER_AUDIT and the policy file ask
# (a cluster started by an older version of this script, or with another policy, does not).
audit_current() {
  local pid cmdline
  pid=$(pid_of kube-apiserver) || return 1
  cmdline=$(tr '\0' ' ' < "/proc/$pid/cmdline")
  if [[ $AUDIT == 0 ]]; then
    [[ $cmdline != *--audit-policy-file=* ]]
  else
    [[ $cmdline == *--audit-policy-file="$AUDIT_POLICY"* ]] && cmp -s "$AUDIT_POLICY_SRC" "$AUDIT_POLICY"
  fi
}

# Without kube-controller-manager nobody creates the `default` ServiceAccount,
# which `kubectl create token default` and many tests expect. Create it in the
# namespaces the apiserver bootstraps itself (409 = already there).
bootstrap_objects() {
  local url=$1 ns code i
  for ns in default kube-system kube-public kube-node-lease; do
    for ((i = 0; i < 50; i++)); do
      code=$(curl_admin -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
        --data '{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"default"}}' \
        "$url/api/v1/namespaces/$ns/serviceaccounts" 2>/dev/null || true)
      [[ "$code" == 201 || "$code" == 409 ]] && break
      sleep 0.2   # 404: the namespace is created by a post-start hook, retry
    done
    [[ "$code" == 201 || "$code" == 409 ]] || log "warning: could not create ServiceAccount $ns/default (HTTP $code)"
  done
}

# runtime_get <KEY>: one value from the last run's runtime.env (without sourcing
# it, so it cannot override what the caller configured for this run).
runtime_get() { [[ -f "$RUNTIME_ENV" ]] || return 0; sed -n "s/^$1=//p" "$RUNTIME_ENV" | tail -n 1; }

load_runtime_env() {
  # shellcheck disable=SC1090
  [[ -f "$RUNTIME_ENV" ]] && source "$RUNTIME_ENV"
  return 0
}

print_env() {
  local url=${APISERVER_URL:-https://$(url_host "$(apiserver_host)"):$APISERVER_PORT}
  printf 'export KUBECONFIG=%q\n' "$KUBECONFIG_FILE"
  printf 'export OPENELB_APISERVER_URL=%q\n' "$url"
  [[ $AUDIT == 0 ]] || printf 'export OPENELB_AUDIT_LOG=%q\n' "$AUDIT_LOG"
  # shellcheck disable=SC2016 # $PATH must expand when the output is eval-ed
  printf 'export PATH=%q:"$PATH"\n' "$K8S_BIN_DIR"
  printf '# server %s, kube-apiserver %s, etcd %s\n' "$url" "$K8S_VERSION" "$ETCD_VERSION"
}

# ============================================================================
# Commands
# ============================================================================

cmd_up() {
  local t0; t0=$(now_ms)
  mkdir -p "$STATE_DIR"; touch "$MARKER"
  lock_state   # serialise up/down on one state dir

  if pid_of etcd >/dev/null && pid_of kube-apiserver >/dev/null; then
    load_runtime_env
    if ! audit_current; then
      log "restarting kube-apiserver: its audit log settings are not the wanted ones (etcd and the data stay)"
      stop_proc kube-apiserver
      start_apiserver "$ETCD_CLIENT_PORT" "$APISERVER_URL"
    fi
    log "already up (etcd pid $(pid_of etcd), kube-apiserver pid $(pid_of kube-apiserver))"
    print_env
    return 0
  fi
  # Half up (one process died): start from a clean slate, keeping the data.
  stop_proc kube-apiserver; stop_proc etcd

  ensure_binaries
  ensure_pki

  local host url etcd_client etcd_peer
  host=$(apiserver_host)
  url="https://$(url_host "$host"):$APISERVER_PORT"
  port_in_use "$APISERVER_PORT" && die "port $APISERVER_PORT is taken; set OPENELB_APISERVER_PORT to a free one"
  # Reuse last run's etcd ports when free (the member's peer URL is stored in
  # the data dir), otherwise take the next free ones.
  etcd_client=$(runtime_get ETCD_CLIENT_PORT); etcd_peer=$(runtime_get ETCD_PEER_PORT)
  if [[ -z "$etcd_client" ]] || port_in_use "$etcd_client" || [[ "$etcd_client" == "$APISERVER_PORT" ]]; then
    etcd_client=$(free_port "$ETCD_PORT_SEARCH_START" "$APISERVER_PORT")
  fi
  if [[ -z "$etcd_peer" ]] || port_in_use "$etcd_peer" || [[ "$etcd_peer" == "$APISERVER_PORT" || "$etcd_peer" == "$etcd_client" ]]; then
    etcd_peer=$(free_port $((etcd_client + 1)) "$APISERVER_PORT" "$etcd_client")
  fi

  write_kubeconfig "$url"
  cat > "$RUNTIME_ENV" <<EOF
ETCD_CLIENT_PORT=$etcd_client
ETCD_PEER_PORT=$etcd_peer
APISERVER_BIND=$APISERVER_BIND
APISERVER_PORT=$APISERVER_PORT
APISERVER_URL=$url
EOF

  local t1; t1=$(now_ms)
  log "starting etcd $ETCD_VERSION on 127.0.0.1:$etcd_client (peer $etcd_peer)"
  start_etcd "$etcd_client" "$etcd_peer"
  log "starting kube-apiserver $K8S_VERSION on $APISERVER_BIND:$APISERVER_PORT"
  start_apiserver "$etcd_client" "$url"
  bootstrap_objects "$url"
  log "ready at $url: processes started in $(elapsed "$t1"), whole 'up' took $(elapsed "$t0")"
  log "use it with:  eval \"\$(hack/cluster.sh env)\"  then  kubectl get ns"
  APISERVER_URL=$url print_env
}

cmd_down() {
  local purge=false
  case "${1:-}" in
    "") ;;
    --purge) purge=true ;;
    *) die "usage: $0 down [--purge]" ;;
  esac
  if [[ -d "$STATE_DIR" ]]; then
    lock_state
    # apiserver first, so it does not spin on a vanished etcd
    local ok=true
    stop_proc kube-apiserver || ok=false
    stop_proc etcd || ok=false
    $ok || die "a process outlived SIGKILL (above)"
    log "stopped (state kept in $STATE_DIR)"
  else
    log "not running (no $STATE_DIR)"
  fi
  if $purge && [[ -d "$STATE_DIR" ]]; then
    [[ -f "$MARKER" ]] || die "$STATE_DIR has no $(basename "$MARKER") marker; refusing to delete it"
    rm -rf "$STATE_DIR"
    log "purged $STATE_DIR (binary cache in $CACHE_DIR kept)"
  fi
}

cmd_env() {
  load_runtime_env
  pid_of kube-apiserver >/dev/null || log "warning: cluster is not running; start it with: hack/cluster.sh up"
  print_env
}

cmd_status() {
  load_runtime_env
  local url=${APISERVER_URL:-https://$(url_host "$(apiserver_host)"):$APISERVER_PORT} rc=0 pid ready
  echo "state dir:      $STATE_DIR"
  echo "binaries:       $K8S_BIN_DIR, $ETCD_BIN_DIR"
  if pid=$(pid_of etcd); then echo "etcd:           running, pid $pid, http://127.0.0.1:${ETCD_CLIENT_PORT:-?}"
  else echo "etcd:           stopped"; rc=1; fi
  if pid=$(pid_of kube-apiserver); then echo "kube-apiserver: running, pid $pid, $url"
  else echo "kube-apiserver: stopped"; rc=1; fi
  if (( rc == 0 )); then
    ready=$(curl_admin "$url/readyz" 2>&1 || true)
    echo "readyz:         $ready"
    [[ "$ready" == ok ]] || rc=1
  fi
  return "$rc"
}

cmd_build() {
  ensure_binaries
  "$K8S_BIN_DIR/kube-apiserver" --version >&2
  "$K8S_BIN_DIR/kubectl" version --client >&2
  "$ETCD_BIN_DIR/etcd" --version >&2
}

# An API server outage, as when its node reboots: etcd keeps running with the data, clients see
# connection refused until `start` brings the API server back on the same URL.
cmd_apiserver() {
  local what=${1:-} pid i
  [[ -d "$STATE_DIR" ]] || die "no $STATE_DIR: start the cluster with: hack/cluster.sh up"
  lock_state
  load_runtime_env
  case "$what" in
    stop) stop_proc kube-apiserver; log "kube-apiserver stopped (etcd keeps running)" ;;
    kill)
      if pid=$(pid_of kube-apiserver); then kill -KILL "$pid" 2>/dev/null || true; fi
      for ((i = 0; i < 100; i++)); do pid_of kube-apiserver >/dev/null || break; sleep 0.05; done
      rm -f "$STATE_DIR/kube-apiserver.pid"
      log "kube-apiserver killed (etcd keeps running)" ;;
    start)
      pid_of etcd >/dev/null || die "etcd is not running: use hack/cluster.sh up"
      if pid_of kube-apiserver >/dev/null; then log "kube-apiserver already running"; return 0; fi
      [[ -n "${ETCD_CLIENT_PORT:-}" && -n "${APISERVER_URL:-}" ]] || die "no $RUNTIME_ENV: use hack/cluster.sh up"
      local t0; t0=$(now_ms)
      start_apiserver "$ETCD_CLIENT_PORT" "$APISERVER_URL"
      log "kube-apiserver ready again at $APISERVER_URL in $(elapsed "$t0")" ;;
    *) die "usage: $0 apiserver stop|kill|start" ;;
  esac
}

main() {
  local cmd=${1:-}; shift || true
  case "$cmd" in
    up) cmd_up "$@" ;;
    down) cmd_down "$@" ;;
    env) cmd_env "$@" ;;
    status) cmd_status "$@" ;;
    build) cmd_build "$@" ;;
    go) ensure_go; command -v go ;;
    apiserver) cmd_apiserver "$@" ;;
    *) sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//' >&2; exit 2 ;;
  esac
}

# Run as a command; sourced (hack/nodes.sh) it only defines the settings and functions.
[[ "${BASH_SOURCE[0]}" != "$0" ]] || main "$@"
