#!/usr/bin/env bash
# hack/nodes.sh - real Kubernetes worker nodes in the router lab's network namespaces, no Docker.
#
# On top of hack/cluster.sh (etcd + kube-apiserver on the host's loopback) and hack/lab.sh (router,
# bridge, client, nodeN namespaces) this starts kube-controller-manager and kube-scheduler on the host
# and, in each lab node namespace, containerd (Debian's, with runc and the CNI plugins), a kubelet and
# kube-proxy (iptables mode). hostNetwork Pods live in the node's namespace; other Pods get an address
# from a CNI bridge in it (node i: 10.244.i.0/24, routed between nodes, API address and router).
#
#   lab namespace        address          runs
#   <prefix>api          10.77.0.2        a relay of the API server: 10.77.0.2:<port> -> host 127.0.0.1:<port>,
#                                         and the API server's egress proxy into the lab
#   <prefix>node<i>      10.77.0.(10+i)   containerd, kubelet, kube-proxy; Node name node<i> (InternalIPs
#                        fd77::(10+i)     10.77.0.(10+i) and fd77::(10+i))
#
# The API server listens on the host's loopback, which no namespace reaches, and the `kubernetes`
# Service cannot point at a loopback address. So the API server is started with
# --advertise-address=10.77.0.2 (a lab address, also in its serving cert), and a relay in its own lab
# namespace answers there (socat -> Unix socket -> socat on the host: filesystem sockets cross
# namespaces, and nothing is added to the host's network). Kubelets and kube-proxy use
# https://10.77.0.2:<port>; Pods use the ClusterIP 10.96.0.1:443, which kube-proxy DNATs to the
# endpoint the API server publishes, 10.77.0.2:<port>. The way back (kubectl logs/exec/port-forward,
# webhooks, the API server's proxy): its egress selector sends those connections as HTTP CONNECT over a
# Unix socket to a small proxy (hack/nodes/egress) in the <prefix>api namespace.
#
# Usage:
#   hack/nodes.sh up [N]        lab and API server if not running (see below), then the control plane
#                               components and N nodes (default 2); idempotent
#   hack/nodes.sh check         the success criteria: nodes Ready; on each node a hostNetwork Pod and a
#                               Pod-network Pod (placed by the scheduler) run, and both reach the API
#                               server through $KUBERNETES_SERVICE_HOST (10.96.0.1:443) with their
#                               ServiceAccount token; `kubectl logs` reaches a kubelet
#   hack/nodes.sh down [--all]  stop the nodes (their Pods, kubelet, kube-proxy, containerd), the
#                               controller-manager and scheduler, the relay; --all: also the API server
#                               (hack/cluster.sh down) and the lab (hack/lab.sh down)
#   hack/nodes.sh status        processes and `kubectl get nodes`
#   hack/nodes.sh import TAR    import an image archive (docker save / OCI) into every node's containerd
#   hack/nodes.sh ctr ARGS...   run ctr ARGS against every node's containerd, namespace k8s.io (the
#                               kubelet's): `ctr images tag docker.io/library/openelb-jvm:A ...:B`
#   hack/nodes.sh build         only build the binaries (cached) and the images
#
# Environment: as hack/cluster.sh (OPENELB_CLUSTER_DIR, OPENELB_APISERVER_PORT, OPENELB_CACHE) and
# hack/lab.sh (OPENELB_LAB_PREFIX, OPENELB_LAB_DIR); a second set of nodes runs beside another one
# when all of these differ. `up` starts the API server itself (hack/cluster.sh up with the lab advertise
# address, the Node authorizer and ServiceAccount admission); an API server already running without
# them is refused. Binaries: $OPENELB_CACHE/bin/kubernetes-node-<version> (its own dir: the
# kube-apiserver dir is never rewritten). Node state, logs and configs: <cluster dir>/nodes/.
# Ports: inside a node namespace the defaults (kubelet 10250, kube-proxy 10249/10256) cannot clash
# with anything outside it; on the host the controller-manager and scheduler take free ports from
# 26457 up. Needs root; the kubelets use the cgroupfs driver, each under /<prefix>node<i> (tried on
# cgroup v1 only). The kubelets' own /var/log/containers links and the host-wide sysctls they set are
# undone by `down` (the sysctls already once the nodes are Ready).
set -euo pipefail

HACK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=hack/cluster.sh
source "$HACK_DIR/cluster.sh"    # settings, PKI, build and process helpers of the control plane
log() { printf '[nodes] %s\n' "$*" >&2; }

# ---- settings -----------------------------------------------------------------
NODE_BIN_DIR="$CACHE_DIR/bin/kubernetes-node-$K8S_VERSION"
NODE_COMMANDS=(kubelet kube-proxy kube-controller-manager kube-scheduler)
LAB_DIR=${OPENELB_LAB_DIR:-/tmp/openelb-lab}
NS_PREFIX=${OPENELB_LAB_PREFIX:-oelb-}
LAB_NET4=10.77.0                 # hack/lab.sh's NET4 and host numbers
LAB_NET6=fd77:
LAB_ROUTER4=$LAB_NET4.1
NODE_HOST_BASE=10
API_NS=${NS_PREFIX}api
API_ADDR=$LAB_NET4.2             # where the lab reaches the API server; its advertise address
API_MAC=02:00:0a:4d:00:02        # locally administered, from API_ADDR
POD_NET=10.244                   # node i: $POD_NET.i.0/24
CLUSTER_CIDR=$POD_NET.0.0/16
SERVICE_CIDR4=${SERVICE_CIDR%%,*}
PAUSE_IMAGE=openelb.local/pause:3.10
TOOLBOX_IMAGE=openelb.local/toolbox:1    # busybox + apicheck, for test Pods
HOST_PORT_SEARCH_START=26457     # controller-manager, scheduler (host namespace)
NODES_DIR="$STATE_DIR/nodes"
IMAGES_DIR="$NODES_DIR/images"
CONTROL_DIR="$NODES_DIR/control"
NODES_ENV="$NODES_DIR/nodes.env"
EGRESS_CONFIG="$NODES_DIR/egress-selector.yaml"
EGRESS_SOCK="$NODES_DIR/relay/egress.sock"
KUBECTL=("$K8S_BIN_DIR/kubectl" --kubeconfig "$KUBECONFIG_FILE")
NODE_READY_TIMEOUT=180

node_name() { echo "node$1"; }
node_ns() { echo "${NS_PREFIX}node$1"; }
node_addr() { echo "$LAB_NET4.$((NODE_HOST_BASE + $1))"; }
node_addr6() { echo "$LAB_NET6:$((NODE_HOST_BASE + $1))"; }
node_dir() { echo "$NODES_DIR/node$1"; }
node_cgroup() { echo "/${NS_PREFIX}node$1"; }
pod_cidr() { echo "$POD_NET.$1.0/24"; }
in_ns() { local ns=$1; shift; nsenter --net="/run/netns/$ns" -- "$@"; }
kubectl() { "${KUBECTL[@]}" "$@"; }

# ---- processes ------------------------------------------------------------------
# Each process has <dir>/<name>.pid and <dir>/<name>.log. A pid counts as ours only while it still runs
# the binary we started (pids get reused; `comm` is cut at 15 characters, so compare the executable).
proc_pid() { # proc_pid <dir> <name> <binary>
  local pid
  pid=$(cat "$1/$2.pid" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ && "$(readlink "/proc/$pid/exe" 2>/dev/null)" == "$3" ]] || return 1
  [[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]] || return 1
  echo "$pid"
}

# spawn <dir> <name> [--netns NS] <binary> <args...>: detached, in its own session. In a lab namespace
# through `nsenter --net` (not `ip netns exec`): only the network namespace changes, so the kubelet's
# volume mounts and containerd's container mounts live in the same (the host's) mount namespace.
spawn() {
  local dir=$1 name=$2; shift 2
  local -a pre=()
  if [[ $1 == --netns ]]; then pre=(nsenter "--net=/run/netns/$2" --); shift 2; fi
  { echo; echo "=== $(date -u +%FT%TZ) starting $name"; printf '%q ' "$@"; echo; } >>"$dir/$name.log"
  setsid "${pre[@]}" "$@" >>"$dir/$name.log" 2>&1 </dev/null 7>&- 8>&- 9>&- & # not our lock fds
  echo $! >"$dir/$name.pid"
}

stop_named() { # stop_named <dir> <name> <binary>
  local pid rc=0
  if pid=$(proc_pid "$1" "$2" "$3"); then
    log "stopping $2 (pid $pid)"
    stop_processes "$STOP_TIMEOUT" "$pid" || rc=1
  fi
  rm -f "$1/$2.pid"
  return "$rc"
}

wait_until() { # wait_until <seconds> <what> <log file> <command...>
  local seconds=$1 what=$2 logf=$3 deadline; shift 3
  deadline=$(( $(date +%s) + seconds ))
  until "$@" >/dev/null 2>&1; do
    if (( $(date +%s) >= deadline )); then
      [[ -f $logf ]] && { log "last lines of $logf:"; tail -n 25 "$logf" >&2; }
      die "timed out after ${seconds}s waiting for $what"
    fi
    sleep 0.5
  done
}

# ---- binaries, packages, images -------------------------------------------------------
build_node_binaries() {
  local c missing=0
  for c in "${NODE_COMMANDS[@]}"; do [[ -x "$NODE_BIN_DIR/$c" ]] || missing=1; done
  ((missing)) || return 0
  mkdir -p "$CACHE_DIR"
  exec 8>"$CACHE_DIR/.build.lock"   # one build at a time per cache, as hack/cluster.sh
  flock -w 3600 8 || die "another build holds $CACHE_DIR/.build.lock"
  ensure_go; go_env
  local mod_dir="$SRC_DIR/kubernetes-node-$K8S_VERSION" t0; t0=$(now_ms)
  log "building ${NODE_COMMANDS[*]} $K8S_VERSION with $(go version | awk '{print $3}') (first time only)"
  build_k8s_commands "$mod_dir" "${NODE_COMMANDS[@]}"
  install_bins "$NODE_BIN_DIR" "${NODE_COMMANDS[@]/#/$mod_dir/out/}"
  log "built ${NODE_COMMANDS[*]} in $(elapsed "$t0") -> $NODE_BIN_DIR"
  exec 8>&-
}

ensure_node_packages() {
  local -a want=(containerd runc containernetworking-plugins iptables conntrack busybox-static socat gcc libc6-dev)
  local -a missing=() p
  for p in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if ((${#missing[@]})); then
    log "installing ${missing[*]}"
    # A policy-rc.d that refuses every start: Debian's containerd must not start a host instance.
    local policy=/usr/sbin/policy-rc.d ours=0
    if [[ ! -e $policy ]]; then printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod 755 "$policy"; ours=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null ||
      { DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; } ||
      { ((ours)) && rm -f "$policy"; die "apt-get install ${missing[*]} failed"; }
    ((ours)) && rm -f "$policy"
  fi
  # Where systemd runs, keep the packaged unit from starting at boot; where it does not, no host
  # containerd runs: ours are private instances.
  if [[ -d /run/systemd/system ]]; then systemctl disable --now containerd >/dev/null 2>&1 || true; fi
}

# docker_archive <ref> <rootfs dir> <cmd as JSON> <out tar>: a one-layer image as `docker save` writes
# it, which `ctr images import` reads (there is no registry to pull from).
docker_archive() {
  local ref=$1 rootfs=$2 cmd=$3 out=$4 tmp layer cfg arch
  arch=$(dpkg --print-architecture)
  tmp=$(mktemp -d)
  tar --numeric-owner --owner=0 --group=0 --mtime=@0 --sort=name -C "$rootfs" -cf "$tmp/layer.tar" .
  layer=$(sha256sum "$tmp/layer.tar" | cut -d' ' -f1)
  printf '{"architecture":"%s","os":"linux","config":{"Cmd":%s,"Env":["PATH=/bin"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
    "$arch" "$cmd" "$layer" >"$tmp/config.json"
  cfg=$(sha256sum "$tmp/config.json" | cut -d' ' -f1)
  mv "$tmp/config.json" "$tmp/$cfg.json"
  printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["layer.tar"]}]' "$cfg" "$ref" >"$tmp/manifest.json"
  tar -C "$tmp" -cf "$out" manifest.json "$cfg.json" layer.tar
  rm -rf "$tmp"
}

# go_tool <name>: build hack/nodes/<name>/main.go (stdlib only, static), cached by the hash of its
# source; prints the binary's path. apicheck: the in-cluster API client of the check Pods (busybox's
# wget cannot talk TLS to a Go server); egress: the API server's proxy into the lab.
go_tool_path() { echo "$CACHE_DIR/bin/$1-$(sha256sum "$HACK_DIR/nodes/$1/main.go" | cut -c1-12)/$1"; }

go_tool() {
  local name=$1 src=$HACK_DIR/nodes/$1/main.go out
  out=$(go_tool_path "$name")
  if [[ ! -x $out ]]; then
    exec 8>"$CACHE_DIR/.build.lock"
    flock -w 3600 8 || die "another build holds $CACHE_DIR/.build.lock"
    ensure_go; go_env
    local mod_dir=$SRC_DIR/$name
    rm -rf "$mod_dir"; mkdir -p "$mod_dir"
    cp "$src" "$mod_dir/"
    printf 'module openelb.local/%s\n\ngo 1.22\n' "$name" >"$mod_dir/go.mod"
    (cd "$mod_dir" && CGO_ENABLED=0 go build -ldflags="-s -w" -o "out/$name" .) >&2
    install_bins "$(dirname "$out")" "$mod_dir/out/$name"
    exec 8>&-
  fi
  echo "$out"
}

# The sandbox image (a static pause, hack/nodes/pause.c) and a toolbox image for test Pods (Debian's
# busybox-static and apicheck).
build_images() {
  local root a apicheck
  apicheck=$(go_tool apicheck)
  mkdir -p "$IMAGES_DIR"
  root=$(mktemp -d)
  gcc -static -Os -s -o "$root/pause" "$HACK_DIR/nodes/pause.c"
  docker_archive "$PAUSE_IMAGE" "$root" '["/pause"]' "$IMAGES_DIR/pause.tar"
  rm -rf "$root"; root=$(mktemp -d)
  mkdir -p "$root/bin" "$root/tmp" "$root/etc"
  cp /bin/busybox "$apicheck" "$root/bin/"
  for a in $(/bin/busybox --list); do [[ $a == busybox ]] || ln -s busybox "$root/bin/$a"; done
  printf 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
  docker_archive "$TOOLBOX_IMAGE" "$root" '["/bin/sh"]' "$IMAGES_DIR/toolbox.tar"
  rm -rf "$root"
}

# ---- PKI and kubeconfigs -----------------------------------------------------------------
# client_cert <file name> <subject>: a client cert signed by the cluster's CA (as ensure_pki does).
client_cert() {
  [[ -s "$PKI_DIR/$1.crt" ]] && return 0
  local old_umask; old_umask=$(umask); umask 077
  sign_cert "$1" "$2" "extendedKeyUsage=clientAuth"
  umask "$old_umask"
}

# component_kubeconfig <out> <server> <cert name>
component_kubeconfig() {
  local b64="base64 -w0" old_umask; old_umask=$(umask); umask 077
  cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: openelb-local
  cluster: {server: "$2", certificate-authority-data: $($b64 <"$PKI_DIR/ca.crt")}
users:
- name: $3
  user: {client-certificate-data: $($b64 <"$PKI_DIR/$3.crt"), client-key-data: $($b64 <"$PKI_DIR/$3.key")}
contexts:
- name: default
  context: {cluster: openelb-local, user: $3}
current-context: default
EOF
  umask "$old_umask"
}

# ---- lab and API server --------------------------------------------------------------
ensure_lab() {
  local n=$1
  if [[ -f $LAB_DIR/lab.env ]]; then
    local have; have=$(sed -n 's/^LAB_NODES=//p' "$LAB_DIR/lab.env")
    (( have >= n )) || die "the lab in $LAB_DIR has $have nodes, $n wanted: hack/lab.sh down, or up with --nodes $n"
  else
    log "starting the lab ($NS_PREFIX*, $LAB_DIR)"
    OPENELB_LAB_DIR=$LAB_DIR OPENELB_LAB_PREFIX=$NS_PREFIX "$HACK_DIR/lab.sh" up --nodes "$n" >&2 7>&- # 7: our lock, which its daemons must not keep
  fi
}

# The API server must advertise the lab address and authorize kubelets (OPENELB_APISERVER_NODES=1).
ensure_apiserver() {
  local pid cmdline
  if ! pid=$(pid_of kube-apiserver); then
    log "starting the API server (advertised at $API_ADDR)"
    # the admin cert (system:masters) is what the kubelets authorize the API server's requests by;
    # kubelets by address: nothing resolves the node names
    OPENELB_APISERVER_ADVERTISE=$API_ADDR OPENELB_APISERVER_NODES=1 \
      OPENELB_APISERVER_EXTRA_ARGS="--egress-selector-config-file=$EGRESS_CONFIG --kubelet-client-certificate=$PKI_DIR/admin.crt --kubelet-client-key=$PKI_DIR/admin.key --kubelet-preferred-address-types=InternalIP ${OPENELB_APISERVER_EXTRA_ARGS:-}" \
      "$HACK_DIR/cluster.sh" up >/dev/null 7>&-
    pid=$(pid_of kube-apiserver) || die "the API server did not start"
  fi
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline")
  [[ $cmdline == *"--advertise-address=$API_ADDR "* && $cmdline == *"--authorization-mode=Node,RBAC "* &&
     $cmdline == *"--egress-selector-config-file=$EGRESS_CONFIG "* && $cmdline == *"--kubelet-preferred-address-types=InternalIP "* ]] ||
    die "the API server in $STATE_DIR was not started for nodes (--advertise-address=$API_ADDR, OPENELB_APISERVER_NODES=1): stop it (hack/cluster.sh down) and run $0 up again"
  load_runtime_env
}

# A lab namespace <prefix>api with the advertise address, where a relay forwards to the host's
# loopback API server through a Unix socket.
ensure_api_ns() {
  if ! ip netns list | awk '{print $1}' | grep -qx "$API_NS"; then
    ip netns add "$API_NS"
    ip -n "$API_NS" link set lo up
    # A fixed MAC: the nodes' neighbour entries for $API_ADDR stay right when `down`/`up` recreate the
    # namespace (with a new random MAC the kubelets timed out for ~40 s until the stale entry expired).
    ip -n "${NS_PREFIX}br" link add api type veth peer name eth0 address "$API_MAC" netns "$API_NS"
    ip -n "${NS_PREFIX}br" link set api master br0 up
    ip -n "$API_NS" addr add "$API_ADDR/24" dev eth0
    ip -n "$API_NS" link set eth0 up
  fi
}

ensure_api_relay() {
  local dir=$NODES_DIR/relay sock=$NODES_DIR/relay/apiserver.sock
  mkdir -p "$dir"
  if ! proc_pid "$dir" host "$(command -v socat)" >/dev/null; then
    rm -f "$sock"
    spawn "$dir" host "$(command -v socat)" "UNIX-LISTEN:$sock,fork,mode=600" "TCP4:127.0.0.1:$APISERVER_PORT"
    wait_until 10 "the host side of the API relay" "$dir/host.log" test -S "$sock"
  fi
  if ! proc_pid "$dir" lab "$(command -v socat)" >/dev/null; then
    spawn "$dir" lab --netns "$API_NS" "$(command -v socat)" \
      "TCP4-LISTEN:$APISERVER_PORT,bind=$API_ADDR,fork,reuseaddr" "UNIX-CONNECT:$sock"
    wait_until 10 "the API relay on $API_ADDR:$APISERVER_PORT" "$dir/lab.log" \
      sh -c "ip netns exec $API_NS ss -Hltn 'sport = :$APISERVER_PORT' | grep -q ."
  fi
}

# The way back: the API server's egress selector sends its connections to nodes, Pods and Services
# (kubectl logs/exec/port-forward, webhooks) as HTTP CONNECT through a Unix socket to a proxy in the
# API namespace, which reaches the nodes and (by the routes below) the Pods.
ensure_egress() {
  local dir=$NODES_DIR/relay bin
  mkdir -p "$dir"
  bin=$(go_tool egress)
  cat >"$EGRESS_CONFIG" <<EOF
apiVersion: apiserver.k8s.io/v1beta1
kind: EgressSelectorConfiguration
egressSelections:
- name: cluster
  connection:
    proxyProtocol: HTTPConnect
    transport: {uds: {udsName: $EGRESS_SOCK}}
EOF
  if ! proc_pid "$dir" egress "$bin" >/dev/null; then
    spawn "$dir" egress --netns "$API_NS" "$bin" "$EGRESS_SOCK"
    wait_until 10 "the egress proxy" "$dir/egress.log" test -S "$EGRESS_SOCK"
  fi
}

# Routes to every node's Pod CIDR from the router, the API namespace and the other nodes, so Pod
# addresses are kept end to end (no masquerading); ClusterIPs from a node go towards the router (the
# node's default gateway in a real network), kube-proxy DNATs them before they leave.
lab_routes() {
  local n=$1 i j
  for ((i = 1; i <= n; i++)); do
    for ns in "${NS_PREFIX}router" "$API_NS"; do
      ip -n "$ns" route replace "$(pod_cidr "$i")" via "$(node_addr "$i")"
    done
    for ((j = 1; j <= n; j++)); do
      ((i == j)) || ip -n "$(node_ns "$j")" route replace "$(pod_cidr "$i")" via "$(node_addr "$i")"
    done
    ip -n "$(node_ns "$i")" route replace "$SERVICE_CIDR4" via "$LAB_ROUTER4"
    in_ns "$(node_ns "$i")" sysctl -qw net.ipv4.ip_forward=1
  done
}

# ---- control plane components (host namespace) ---------------------------------------------------
start_control() {
  mkdir -p "$CONTROL_DIR"
  local url="https://127.0.0.1:$APISERVER_PORT" port kcm=$NODE_BIN_DIR/kube-controller-manager sch=$NODE_BIN_DIR/kube-scheduler
  # --authentication-skip-lookup: the API server has no request-header CA, and looking it up in
  # kube-system/extension-apiserver-authentication logged an error a second; tokens still authenticate.
  # --flex-volume-plugin-dir (and the kubelets' volumePluginDir): not the host's /usr/libexec/kubernetes.
  client_cert kube-controller-manager "/CN=system:kube-controller-manager"
  client_cert kube-scheduler "/CN=system:kube-scheduler"
  component_kubeconfig "$CONTROL_DIR/kcm.kubeconfig" "$url" kube-controller-manager
  component_kubeconfig "$CONTROL_DIR/scheduler.kubeconfig" "$url" kube-scheduler
  if ! proc_pid "$CONTROL_DIR" kube-controller-manager "$kcm" >/dev/null; then
    port=$(free_port "$HOST_PORT_SEARCH_START")
    log "starting kube-controller-manager (https://127.0.0.1:$port)"
    # The ServiceAccount key is the API server's signing key; --root-ca-file fills kube-root-ca.crt.
    spawn "$CONTROL_DIR" kube-controller-manager "$kcm" \
      --kubeconfig="$CONTROL_DIR/kcm.kubeconfig" \
      --authentication-kubeconfig="$CONTROL_DIR/kcm.kubeconfig" \
      --authorization-kubeconfig="$CONTROL_DIR/kcm.kubeconfig" --authentication-skip-lookup=true \
      --bind-address=127.0.0.1 --secure-port="$port" --cert-dir="$CONTROL_DIR/kcm-certs" \
      --use-service-account-credentials=true \
      --service-account-private-key-file="$PKI_DIR/sa.key" --root-ca-file="$PKI_DIR/ca.crt" \
      --cluster-signing-cert-file="$PKI_DIR/ca.crt" --cluster-signing-key-file="$PKI_DIR/ca.key" \
      --service-cluster-ip-range="$SERVICE_CIDR" --cluster-name=openelb-local \
      --controllers='*' --profiling=false --flex-volume-plugin-dir="$CONTROL_DIR/volume-plugins"
    echo "KCM_PORT=$port" >>"$NODES_ENV"
    wait_until 60 "kube-controller-manager /healthz" "$CONTROL_DIR/kube-controller-manager.log" \
      curl -sfk --max-time 2 "https://127.0.0.1:$port/healthz"
  fi
  if ! proc_pid "$CONTROL_DIR" kube-scheduler "$sch" >/dev/null; then
    port=$(free_port "$HOST_PORT_SEARCH_START" "$(sed -n 's/^KCM_PORT=//p' "$NODES_ENV" | tail -n1)")
    log "starting kube-scheduler (https://127.0.0.1:$port)"
    spawn "$CONTROL_DIR" kube-scheduler "$sch" \
      --kubeconfig="$CONTROL_DIR/scheduler.kubeconfig" \
      --authentication-kubeconfig="$CONTROL_DIR/scheduler.kubeconfig" \
      --authorization-kubeconfig="$CONTROL_DIR/scheduler.kubeconfig" --authentication-skip-lookup=true \
      --bind-address=127.0.0.1 --secure-port="$port" --cert-dir="$CONTROL_DIR/scheduler-certs" \
      --profiling=false
    echo "SCHEDULER_PORT=$port" >>"$NODES_ENV"
    wait_until 60 "kube-scheduler /healthz" "$CONTROL_DIR/kube-scheduler.log" \
      curl -sfk --max-time 2 "https://127.0.0.1:$port/healthz"
  fi
}

# ---- one node -----------------------------------------------------------------------------
# cgroup v1 (one hierarchy per controller) or v2: the kubelet wants its --cgroup-root to exist.
cgroup_dirs() { # every directory this node's cgroup root has, one per hierarchy
  local cg=$1 m
  for m in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
    [[ -e "$m/cgroup.procs" || -e "$m/tasks" ]] || continue
    echo "${m%/}$cg"
  done
}

make_cgroup_root() {
  local cg=$1 d
  for d in $(cgroup_dirs "$cg"); do
    mkdir -p "$d"
    # cpuset v1: a new group has no CPUs or memory nodes until told, and no task may join it then
    if [[ -f $d/cpuset.cpus && -z $(cat "$d/cpuset.cpus") ]]; then
      cat "$(dirname "$d")/cpuset.cpus" >"$d/cpuset.cpus"
      cat "$(dirname "$d")/cpuset.mems" >"$d/cpuset.mems"
    fi
  done
}

write_containerd_config() {
  local i=$1 d; d=$(node_dir "$i")/containerd
  mkdir -p "$d/root" "$d/state" "$d/cni/net.d" "$d/opt"
  # Everything under the node's dir, so two containerds (and a host one) never share a path; runc's
  # state too (its default /run/containerd/runc is per host); Pod netns mounts in the state dir.
  cat >"$d/config.toml" <<EOF
version = 2
root = "$d/root"
state = "$d/state"
oom_score = 0
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs", "io.containerd.tracing.processor.v1.otlp"]
[grpc]
  address = "$d/containerd.sock"
[ttrpc]
  address = "$d/containerd.sock.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$d/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  netns_mounts_under_state_dir = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  enable_selinux = false
  # Without CAP_SYS_RESOURCE (as in this VM) runc cannot lower a sandbox's oom_score_adj to -998:
  # never below containerd's own value, instead of failing every Pod with "can't get final child's PID".
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "$d/state/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$d/cni/net.d"
    max_conf_num = 1
EOF
  # A bridge in the node namespace, addresses from the node's own range (own data dir: host-local's
  # default /var/lib/cni/networks would be shared by both nodes).
  cat >"$d/cni/net.d/10-lab.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "${NS_PREFIX}node$i",
  "plugins": [
    {"type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": false, "hairpinMode": true,
     "ipam": {"type": "host-local", "ranges": [[{"subnet": "$(pod_cidr "$i")"}]],
              "routes": [{"dst": "0.0.0.0/0"}], "dataDir": "$d/cni/ipam"}},
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
EOF
}

write_kubelet_config() {
  local i=$1 d; d=$(node_dir "$i")/kubelet
  mkdir -p "$d/root" "$d/pod-logs"
  client_cert "node-$(node_name "$i")" "/O=system:nodes/CN=system:node:$(node_name "$i")"
  component_kubeconfig "$d/kubeconfig" "https://$API_ADDR:$APISERVER_PORT" "node-$(node_name "$i")"
  # cgroupfs under a root of its own per node; no cluster DNS (none runs); eviction only when really
  # short (the disk and memory are the host's, shared); the kubelet's own serving cert is self-signed.
  cat >"$d/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $(node_addr "$i")
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: "$PKI_DIR/ca.crt"}
authorization: {mode: Webhook}
cgroupDriver: cgroupfs
cgroupRoot: $(node_cgroup "$i")
cgroupsPerQOS: true
failSwapOn: false
failCgroupV1: false
containerRuntimeEndpoint: unix://$(node_dir "$i")/containerd/containerd.sock
podLogsDir: $d/pod-logs
volumePluginDir: $d/volume-plugins
clusterDomain: cluster.local
resolvConf: /etc/resolv.conf
registerNode: true
rotateCertificates: false
serverTLSBootstrap: false
evictionHard: {memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%", nodefs.inodesFree: "1%"}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
EOF
}

write_kube_proxy_config() {
  local i=$1 d; d=$(node_dir "$i")/kube-proxy
  mkdir -p "$d"
  client_cert kube-proxy "/CN=system:kube-proxy"
  component_kubeconfig "$d/kubeconfig" "https://$API_ADDR:$APISERVER_PORT" kube-proxy
  # conntrack zeros: leave the (partly host-wide) conntrack sysctls as they are.
  cat >"$d/config.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: "$d/kubeconfig"}
hostnameOverride: $(node_name "$i")
mode: iptables
clusterCIDR: $CLUSTER_CIDR
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
nodePortAddresses: [primary]
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
EOF
}

start_node() {
  local i=$1 ns d sock ctr=(ctr) t0; t0=$(now_ms)
  ns=$(node_ns "$i"); d=$(node_dir "$i"); sock=$d/containerd/containerd.sock
  mkdir -p "$d"
  ctr=(ctr --address "$sock" -n k8s.io)
  if ! proc_pid "$d" containerd "$(command -v containerd)" >/dev/null; then
    write_containerd_config "$i"
    log "starting containerd for $(node_name "$i") in $ns"
    spawn "$d" containerd --netns "$ns" "$(command -v containerd)" --config "$d/containerd/config.toml"
    wait_until 30 "containerd of $(node_name "$i")" "$d/containerd.log" "${ctr[@]}" version
  fi
  "${ctr[@]}" images import "$IMAGES_DIR/pause.tar" >/dev/null
  "${ctr[@]}" images import "$IMAGES_DIR/toolbox.tar" >/dev/null
  make_cgroup_root "$(node_cgroup "$i")"
  if ! proc_pid "$d" kubelet "$NODE_BIN_DIR/kubelet" >/dev/null; then
    write_kubelet_config "$i"
    log "starting kubelet $(node_name "$i") in $ns"
    spawn "$d" kubelet --netns "$ns" "$NODE_BIN_DIR/kubelet" \
      --config="$d/kubelet/config.yaml" --kubeconfig="$d/kubelet/kubeconfig" \
      --root-dir="$d/kubelet/root" --cert-dir="$d/kubelet/pki" \
      --hostname-override="$(node_name "$i")" --node-ip="$(node_addr "$i"),$(node_addr6 "$i")" \
      --pod-infra-container-image="$PAUSE_IMAGE"
  fi
  if ! proc_pid "$d" kube-proxy "$NODE_BIN_DIR/kube-proxy" >/dev/null; then
    write_kube_proxy_config "$i"
    log "starting kube-proxy $(node_name "$i") in $ns"
    spawn "$d" kube-proxy --netns "$ns" "$NODE_BIN_DIR/kube-proxy" --config="$d/kube-proxy/config.yaml"
  fi
}

# The kubelet sets these host-wide sysctls once as it starts (protectKernelDefaults=false; with true it
# refuses to start unless they already have its values): panic on oops, always overcommit, ... . On a
# shared test machine they go back to the host's values once the kubelets are up, and on `down`.
KERNEL_TUNABLES=(vm/overcommit_memory vm/panic_on_oom kernel/panic kernel/panic_on_oops kernel/keys/root_maxkeys kernel/keys/root_maxbytes)
HOST_SYSCTLS="$NODES_DIR/host-sysctls"

save_host_sysctls() { # kept from the first `up`, so a crashed run's changed values are never taken
  [[ -s $HOST_SYSCTLS ]] && return 0
  local t
  for t in "${KERNEL_TUNABLES[@]}"; do echo "$t $(cat "/proc/sys/$t")"; done >"$HOST_SYSCTLS"
}

restore_host_sysctls() {
  local t v
  [[ -s $HOST_SYSCTLS ]] || return 0
  while read -r t v; do
    [[ "$(cat "/proc/sys/$t")" == "$v" ]] && continue
    log "restoring ${t//\//.} = $v (the kubelet set $(cat "/proc/sys/$t"))"
    echo "$v" >"/proc/sys/$t"
  done <"$HOST_SYSCTLS"
}

node_ready() { # node_ready <name>
  [[ "$(kubectl get node "$1" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" == True ]]
}

# ---- stopping a node ---------------------------------------------------------------------
# The Pods' processes (in the node's cgroups) and containerd's shims (identified by our socket) outlive
# containerd: stop them by pid; then unmount what the kubelet and containerd mounted under the node dir.
stop_node() {
  local i=$1 d pids=() p f ok=true
  d=$(node_dir "$i")
  stop_named "$d" kubelet "$NODE_BIN_DIR/kubelet" || ok=false
  stop_named "$d" kube-proxy "$NODE_BIN_DIR/kube-proxy" || ok=false
  for f in $(cgroup_dirs "$(node_cgroup "$i")"); do
    [[ -d $f ]] && mapfile -t -O "${#pids[@]}" pids < <(find "$f" -name cgroup.procs -exec cat {} + 2>/dev/null)
  done
  for p in /proc/[0-9]*; do
    [[ "$(readlink "$p/exe" 2>/dev/null)" == */containerd-shim-runc-v2 ]] || continue
    tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -qF -- "-address $d/containerd/containerd.sock " && pids+=("${p#/proc/}")
  done
  if ((${#pids[@]})); then
    log "stopping the Pods and shims of $(node_name "$i"): $(printf '%s ' "${pids[@]}" | sort -u | wc -w) processes"
    # shellcheck disable=SC2046 # one pid a word
    stop_processes 5 $(printf '%s\n' "${pids[@]}" | sort -un) || ok=false
  fi
  stop_named "$d" containerd "$(command -v containerd)" || ok=false
  # deepest first; -l: a mount still busy goes when its last user does
  awk -v d="$d/" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | sort -r | while read -r f; do
    umount -l "$f" 2>/dev/null || true
  done
  for f in $(cgroup_dirs "$(node_cgroup "$i")"); do
    [[ -d $f ]] && find "$f" -depth -type d -exec rmdir {} + 2>/dev/null || true
  done
  # fixed host paths: the kubelet links every container log from /var/log/containers, libcni caches
  # each attachment in /var/lib/cni/results/<network>-<sandbox id>-<interface> (lo and eth0)
  find /var/log/containers -maxdepth 1 -type l -lname "$d/*" -delete 2>/dev/null || true
  for f in "$d"/containerd/root/io.containerd.grpc.v1.cri/sandboxes/*; do
    [[ -d $f ]] && rm -f /var/lib/cni/results/*-"${f##*/}"-*
  done
  if ip netns list | awk '{print $1}' | grep -qx "$(node_ns "$i")"; then
    in_ns "$(node_ns "$i")" "$NODE_BIN_DIR/kube-proxy" --cleanup >/dev/null 2>&1 || true
    ip -n "$(node_ns "$i")" link del cni0 2>/dev/null || true
  fi
  $ok
}

# Fixed host paths a kubelet or containerd uses whatever it is told: the kubelet's device plugin socket
# (/var/lib/kubelet/device-plugins/kubelet.sock; no device plugins here, but the kubelets replace each
# other's) and containerd's shim socket dir /run/containerd/s. Removed once no kubelet or containerd
# runs on the host any more, and only what is then empty.
cleanup_host_paths() {
  local p
  for p in /proc/[0-9]*; do
    case "$(readlink "$p/exe" 2>/dev/null)" in */kubelet | */containerd) return 0 ;; esac
  done
  rm -f /var/lib/kubelet/device-plugins/kubelet.sock
  rmdir /var/lib/kubelet/device-plugins /var/lib/kubelet /run/containerd/s /run/containerd 2>/dev/null || true
}

# ---- commands -------------------------------------------------------------------------------
cmd_up() {
  local n=${1:-2} i t0 t1; t0=$(now_ms)
  [[ $n =~ ^[1-3]$ ]] || die "N must be 1..3 (the lab's node count)"
  [[ $EUID -eq 0 ]] || die "must run as root"
  ensure_node_packages
  build_node_binaries
  ensure_binaries
  build_images
  ensure_lab "$n"
  mkdir -p "$NODES_DIR"; touch "$NODES_ENV"
  echo "NODES=$n" >>"$NODES_ENV"
  ensure_api_ns
  ensure_egress
  ensure_apiserver
  t1=$(now_ms)
  ensure_api_relay
  lab_routes "$n"
  start_control
  save_host_sysctls
  for ((i = 1; i <= n; i++)); do start_node "$i"; done
  for ((i = 1; i <= n; i++)); do
    wait_until "$NODE_READY_TIMEOUT" "Node $(node_name "$i") Ready" "$(node_dir "$i")/kubelet.log" node_ready "$(node_name "$i")"
  done
  for ((i = 1; i <= n; i++)); do # healthy once its rules are written
    wait_until 60 "kube-proxy of $(node_name "$i")" "$(node_dir "$i")/kube-proxy.log" \
      in_ns "$(node_ns "$i")" curl -sf --max-time 2 http://127.0.0.1:10256/healthz
  done
  restore_host_sysctls
  log "up: $n nodes Ready; processes started in $(elapsed "$t1"), whole 'up' took $(elapsed "$t0")"
  log "use it with:  eval \"\$(OPENELB_CLUSTER_DIR=$STATE_DIR hack/cluster.sh env)\"  then  kubectl get nodes -o wide"
}

nodes_count() { [[ -f $NODES_ENV ]] && sed -n "s/^NODES=//p" "$NODES_ENV" | sort -n | tail -n1 || true; }

cmd_down() {
  local all=false i n ok=true
  [[ ${1:-} == --all ]] && all=true
  n=$(nodes_count); n=${n:-3}
  for ((i = 1; i <= n; i++)); do [[ -d $(node_dir "$i") ]] && { stop_node "$i" || ok=false; }; done
  stop_named "$CONTROL_DIR" kube-scheduler "$NODE_BIN_DIR/kube-scheduler" || ok=false
  stop_named "$CONTROL_DIR" kube-controller-manager "$NODE_BIN_DIR/kube-controller-manager" || ok=false
  stop_named "$NODES_DIR/relay" lab "$(command -v socat)" || ok=false
  stop_named "$NODES_DIR/relay" host "$(command -v socat)" || ok=false
  stop_named "$NODES_DIR/relay" egress "$(go_tool_path egress)" || ok=false
  ip netns del "$API_NS" 2>/dev/null || true
  restore_host_sysctls
  cleanup_host_paths
  rm -f "$NODES_ENV" "$HOST_SYSCTLS"
  if $all; then
    "$HACK_DIR/cluster.sh" down 7>&- || ok=false
    [[ -f $LAB_DIR/lab.env ]] && { OPENELB_LAB_DIR=$LAB_DIR OPENELB_LAB_PREFIX=$NS_PREFIX "$HACK_DIR/lab.sh" down 7>&- || ok=false; }
  fi
  $ok || die "something outlived SIGKILL (above)"
  log "down"
}

# An image built elsewhere (a `docker save` or OCI archive) into every running node's containerd,
# where Pods find it with imagePullPolicy IfNotPresent or Never.
cmd_import() {
  local tar=${1:?usage: import IMAGE.tar} n i
  [[ -f $tar ]] || die "no such file: $tar"
  n=$(nodes_count); [[ -n $n ]] || die "no nodes: run $0 up"
  for ((i = 1; i <= n; i++)); do
    ctr --address "$(node_dir "$i")/containerd/containerd.sock" -n k8s.io images import "$tar" >&2
  done
  log "imported $tar into node1..node$n"
}

cmd_ctr() {
  local n i
  n=$(nodes_count); [[ -n $n ]] || die "no nodes: run $0 up"
  for ((i = 1; i <= n; i++)); do
    ctr --address "$(node_dir "$i")/containerd/containerd.sock" -n k8s.io "$@"
  done
}

cmd_status() {
  local n i d
  n=$(nodes_count); n=${n:-0}
  for d in kube-controller-manager kube-scheduler; do
    if proc_pid "$CONTROL_DIR" "$d" "$NODE_BIN_DIR/$d" >/dev/null; then echo "$d: running"; else echo "$d: stopped"; fi
  done
  for ((i = 1; i <= n; i++)); do
    for d in containerd kubelet kube-proxy; do
      local bin=$NODE_BIN_DIR/$d; [[ $d == containerd ]] && bin=$(command -v containerd)
      if proc_pid "$(node_dir "$i")" "$d" "$bin" >/dev/null; then echo "$(node_name "$i") $d: running"; else echo "$(node_name "$i") $d: stopped"; fi
    done
  done
  kubectl get nodes -o wide
}

# pod_manifest <name> <node> <hostNetwork> <shell script>: a toolbox Pod for <node>, run once.
pod_manifest() {
  cat <<EOF
apiVersion: v1
kind: Pod
metadata: {name: $1, namespace: default, labels: {app: nodes-check}}
spec:
  nodeSelector: {kubernetes.io/hostname: $2}   # placed by the scheduler
  hostNetwork: $3
  restartPolicy: Never
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: $TOOLBOX_IMAGE
    imagePullPolicy: Never
    terminationMessagePolicy: FallbackToLogsOnError
    command: ["/bin/sh", "-c"]
    args:
    - |
$(sed 's/^/      /' <<<"$4")
EOF
}

# Each check Pod asks the API server who it is (a SelfSubjectReview) through the in-cluster address
# client libraries use ($KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT = the ClusterIP 10.96.0.1:443)
# with its mounted ServiceAccount token, and exits. The answer comes back as the container's
# termination message in the Pod status; `kubectl logs` of the first one checks the way back.
cmd_check() {
  local n i name net failed=0 phase msg deadline
  n=$(nodes_count); [[ -n $n ]] || die "no nodes: run $0 up"
  for ((i = 1; i <= n; i++)); do
    node_ready "$(node_name "$i")" && echo "ok   Node $(node_name "$i") Ready" || { echo "FAIL Node $(node_name "$i") not Ready"; failed=1; }
  done
  local script='echo "$(hostname) $(ip -4 -o addr show | awk "{print \$4}" | grep -v ^127 | tr "\n" " ")" >&2
apicheck > /dev/termination-log'
  kubectl delete pod -l app=nodes-check --wait=true --grace-period=1 >/dev/null 2>&1 || true
  for ((i = 1; i <= n; i++)); do
    for net in true false; do
      name=check-$(node_name "$i")-$([[ $net == true ]] && echo host || echo pod)
      pod_manifest "$name" "$(node_name "$i")" "$net" "$script" | kubectl apply -f - >/dev/null
    done
  done
  deadline=$(( $(date +%s) + 90 ))
  for ((i = 1; i <= n; i++)); do
    for net in host pod; do
      name=check-$(node_name "$i")-$net
      while :; do
        phase=$(kubectl get pod "$name" -o jsonpath='{.status.phase}')
        [[ $phase == Succeeded || $phase == Failed ]] && break
        (( $(date +%s) < deadline )) || break
        sleep 1
      done
      msg=$(kubectl get pod "$name" -o jsonpath='{.status.containerStatuses[0].state.terminated.message}' | tr '\n' ' ')
      local ip; ip=$(kubectl get pod "$name" -o jsonpath='{.status.podIP}')
      if [[ $phase == Succeeded && $msg == *' as system:serviceaccount:default:default'* ]]; then
        echo "ok   $name ($ip on $(node_name "$i")) ran and $msg"
      else
        echo "FAIL $name ($ip on $(node_name "$i")): phase ${phase:-?}, $msg"
        kubectl get pod "$name" -o jsonpath='{.status}' | head -c 1500; echo
        failed=1
      fi
    done
  done
  local logs; logs=$(kubectl logs check-node1-pod 2>&1 | head -n 1 || true)
  if [[ $logs == check-node1-pod* ]]; then echo "ok   kubectl logs check-node1-pod (API server -> kubelet through the egress proxy): $logs"
  else echo "FAIL kubectl logs check-node1-pod: $logs"; failed=1; fi
  ((failed == 0)) || die "check failed"
  log "check passed"
}

main_nodes() {
  local cmd=${1:-}; shift || true
  mkdir -p "$NODES_DIR"
  if [[ $cmd == up || $cmd == down || $cmd == import ]]; then # one at a time per cluster dir
    exec 7>"$NODES_DIR/.lock"
    flock -w 300 7 || die "another hack/nodes.sh holds $NODES_DIR/.lock"
  fi
  case "$cmd" in
    up) cmd_up "$@" ;;
    down) cmd_down "$@" ;;
    status) cmd_status ;;
    import) cmd_import "$@" ;;
    ctr) cmd_ctr "$@" ;;
    check) cmd_check ;;
    build) ensure_node_packages; build_node_binaries; build_images; ls -la "$NODE_BIN_DIR" "$IMAGES_DIR" >&2 ;;
    *) sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//' >&2; exit 2 ;;
  esac
}

main_nodes "$@"
