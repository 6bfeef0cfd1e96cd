#!/usr/bin/env bash
# hack/lab.sh - a BGP/L2 router lab in network namespaces for end-to-end tests.
#
# Topology (nothing is created in the root namespace; every namespace starts with $NS_PREFIX):
#
#   oelb-router  10.77.0.1  fd77::1   AS 64512, runs BIRD | FRR | GoBGP as a private instance
#   oelb-node1   10.77.0.11 fd77::11  (AS 64513: where the OpenELB speaker runs)
#   oelb-node2   10.77.0.12 fd77::12
#   oelb-client  10.77.0.50 fd77::50  default routes via the router
#         all joined by bridge br0 inside namespace oelb-br
#
# The router peers with every node's IPv4 address (ipv4-unicast) and IPv6 address
# (ipv6-unicast), connects actively AND listens on port 179, accepts every route from the
# nodes, exports nothing to them and installs ECMP routes into its kernel table (BIRD, FRR;
# GoBGP cannot program the kernel here, look at its RIB instead).
#
# Usage:
#   hack/lab.sh up [--router bird|frr|gobgp] [--nodes N] [--password P] [--ibgp]
#                                                           (re)build the lab (default: bird, 2);
#                                                           P: TCP MD5 password on every session;
#                                                           --ibgp: the router is in the nodes' AS 64513;
#                                                           --bfd: BFD (BIRD, FRR) on every session, 300 ms x 3
#   hack/lab.sh router kill|start                           SIGKILL the router daemon / start it again
#   hack/lab.sh down                                        stop everything, delete namespaces
#   hack/lab.sh status                                      namespaces, daemon, BGP neighbours
#   hack/lab.sh routes [PREFIX]                             router RIB + kernel route(s)
#   hack/lab.sh relay-apiserver HOSTPORT                    host 127.0.0.1:PORT -> same address in nodes
#   hack/lab.sh exec NS CMD...                              run CMD in namespace $NS_PREFIX$NS
#   hack/lab.sh packages                                    only install the lab's packages (routers, tools,
#                                                           the gobgp CLI), their daemons disabled
#
# Environment: OPENELB_LAB_DIR (state: configs, sockets, pid files, logs; default /tmp/openelb-lab),
#   OPENELB_LAB_PREFIX (namespace prefix, default oelb-: a second lab with another prefix and dir runs beside it).
#   hack/local-up.sh runs the default lab; the ITs and benchmarks theirs (oit-, /tmp/openelb-it-lab).
# Needs root. See hack/lab/test-speaker.sh for a throw-away GoBGP speaker to smoke-test the router.
set -euo pipefail

# ---- tunables ----------------------------------------------------------------
LAB_DIR=${OPENELB_LAB_DIR:-/tmp/openelb-lab}
NS_PREFIX=${OPENELB_LAB_PREFIX:-oelb-} # every namespace we create (and `down` deletes) starts with this
BRIDGE=br0
NET4=10.77.0                    # /24, exists only inside our namespaces
NET6=fd77:                      # fd77::/64, ditto (addresses are "$NET6:<host>")
ROUTER_HOST=1                   # router = .1 / ::1
NODE_HOST_BASE=10               # node i = .(10+i) / ::(10+i)
CLIENT_HOST=50
DEFAULT_ROUTER=bird
DEFAULT_NODES=2
MAX_NODES=3
ROUTER_AS=64512
NODE_AS=64513
BGP_HOLD=9                      # short so a dead speaker is noticed in seconds (defaults: 90-240 s)
BGP_KEEPALIVE=3
BGP_CONNECT_RETRY=5             # BIRD's default 120 s would keep a restarted speaker out for minutes
BIRD_ERROR_WAIT="1, 5"          # BIRD default "60, 300": refuses a flapping peer for minutes
BFD_INTERVAL_MS=300             # with --bfd: min tx/rx interval, and the detect multiplier
BFD_MULTIPLIER=3
ECMP_MAX=8
GOBGP_API_PORT=50051            # per namespace (each has its own loopback)
FRR_BIN=/usr/lib/frr
READY_TIMEOUT=20                # seconds to wait for a daemon's socket / pid file
STOP_TIMEOUT=5                  # seconds a daemon gets to exit on SIGTERM before SIGKILL
PACKAGES=(bird2 frr gobgpd keepalived iproute2 arping tcpdump iputils-ping ndisc6 socat jq)
SERVICES=(bird frr gobgpd keepalived) # their boot-time units: disabled, we run private instances

ROUTER_NS=${NS_PREFIX}router
BRIDGE_NS=${NS_PREFIX}br
CLIENT_NS=${NS_PREFIX}client
ROUTER4=$NET4.$ROUTER_HOST
ROUTER6=$NET6:$ROUTER_HOST

# ---- helpers -----------------------------------------------------------------
log() { printf '[lab] %s\n' "$*" >&2; }
die() { printf '[lab] error: %s\n' "$*" >&2; exit 1; }
# shellcheck source=hack/lib/stop.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/stop.sh"
nx()  { local ns=$1; shift; ip netns exec "$ns" "$@"; }       # run in a namespace
node_ns() { echo "${NS_PREFIX}node$1"; }
node4()   { echo "$NET4.$((NODE_HOST_BASE + $1))"; }
node6()   { echo "$NET6:$((NODE_HOST_BASE + $1))"; }
lab_namespaces() { ip netns list | awk -v p="$NS_PREFIX" 'index($1, p) == 1 {print $1}'; }

# The lab's shape, written by `up`, read by the other commands (and hack/lab/test-speaker.sh).
load_env() {
    [[ -f $LAB_DIR/lab.env ]] || die "no lab found ($LAB_DIR/lab.env missing): run '$0 up' first"
    # shellcheck disable=SC1091
    source "$LAB_DIR/lab.env"
}

# Running, and not a zombie: our daemons are re-parented to PID 1, which may reap them late.
alive() {
    local st
    [[ -n ${1:-} ]] && st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    st=${st##*) }
    [[ ${st%% *} != Z ]]
}

# Wait until a command succeeds, or fail with a pointer to the log.
wait_for() {
    local what=$1 logf=$2; shift 2
    local deadline=$((SECONDS + READY_TIMEOUT))
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < deadline)) || { tail -n 20 "$logf" >&2 || true; die "timed out waiting for $what (log: $logf)"; }
        sleep 0.1
    done
}

# Stop the processes named by pid files, all at once, but only a pid that still runs one of our
# programs (pids get reused): a relay's forked per-connection children go along; SIGKILL after
# STOP_TIMEOUT, and back only once all are gone.
stop_pidfiles() {
    local f pid pids=()
    for f in "$@"; do
        [[ -f $f ]] || continue
        pid=$(tr -dc 0-9 <"$f")
        if alive "$pid" && grep -qsE 'bird|zebra|bgpd|gobgpd|socat' "/proc/$pid/cmdline"; then pids+=("$pid"); fi
        rm -f "$f"
    done
    stop_processes "$STOP_TIMEOUT" "${pids[@]}"
}

# ---- packages ------------------------------------------------------------------
ensure_packages() {
    local missing=() p
    for p in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    ((${#missing[@]})) || return 0
    log "installing ${missing[*]}"
    # Make sure no package starts its daemon in the root namespace: a policy-rc.d that refuses
    # every start/stop (Debian's hook; a packaged "bird stop" would kill every bird by name),
    # removed again if we created it.
    local policy=/usr/sbin/policy-rc.d ours=0
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && ours=1
        trap 'rm -f /usr/sbin/policy-rc.d' EXIT
    fi
    export DEBIAN_FRONTEND=noninteractive
    # Stale or absent package lists: update once, then retry.
    apt-get install -y -qq "${missing[@]}" >/dev/null ||
        { apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null; } ||
        die "apt-get install ${missing[*]} failed"
    if ((ours)); then rm -f "$policy"; trap - EXIT; fi
    # And keep them from starting at boot (sysvinit and, where it runs, systemd).
    local s
    for s in "${SERVICES[@]}"; do
        if [[ -x /etc/init.d/$s ]]; then update-rc.d "$s" disable >/dev/null 2>&1 || true; fi
        if [[ -d /run/systemd/system ]]; then systemctl disable "$s" >/dev/null 2>&1 || true; fi
    done
}

# ---- topology ----------------------------------------------------------------
# Per-namespace sysctls every endpoint wants: no RA/autoconf, no DAD delay, loopback up.
new_ns() {
    local ns=$1
    ip netns add "$ns"
    nx "$ns" sysctl -qw net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0 \
        net.ipv6.conf.all.autoconf=0 net.ipv6.conf.default.autoconf=0 \
        net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
    ip -n "$ns" link set lo up
}

# veth "$port" in the bridge namespace <-> eth0 in $ns, with the given host part.
attach() {
    local ns=$1 port=$2 host=$3
    ip -n "$BRIDGE_NS" link add "$port" type veth peer name eth0 netns "$ns"
    ip -n "$BRIDGE_NS" link set "$port" master "$BRIDGE" up
    ip -n "$ns" addr add "$NET4.$host/24" dev eth0
    ip -n "$ns" addr add "$NET6:$host/64" dev eth0 nodad
    ip -n "$ns" link set eth0 up
}

build_topology() {
    local nodes=$1 i
    # The bridge namespace is pure L2: no IPv6 link-locals or MLD chatter from it.
    ip netns add "$BRIDGE_NS"
    nx "$BRIDGE_NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    ip -n "$BRIDGE_NS" link set lo up
    # No multicast snooping: it would need an MLD querier before it forwards NDP reliably.
    ip -n "$BRIDGE_NS" link add "$BRIDGE" type bridge mcast_snooping 0
    ip -n "$BRIDGE_NS" link set "$BRIDGE" up

    new_ns "$ROUTER_NS"
    # Forward, never redirect (clients must keep sending to the router), hash ECMP on L4 ports.
    nx "$ROUTER_NS" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
        net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.default.send_redirects=0 \
        net.ipv4.fib_multipath_hash_policy=1 net.ipv6.fib_multipath_hash_policy=1
    attach "$ROUTER_NS" router "$ROUTER_HOST"

    for ((i = 1; i <= nodes; i++)); do
        new_ns "$(node_ns "$i")"
        # As kube-proxy's strictARP: answer ARP only for addresses on the asking interface,
        # otherwise the kernel answers for a VIP on lo and L2 tests pass without the speaker.
        nx "$(node_ns "$i")" sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 \
            net.ipv4.conf.default.arp_ignore=1 net.ipv4.conf.default.arp_announce=2
        attach "$(node_ns "$i")" "node$i" "$((NODE_HOST_BASE + i))"
    done

    new_ns "$CLIENT_NS"
    attach "$CLIENT_NS" client "$CLIENT_HOST"
    ip -n "$CLIENT_NS" route add default via "$ROUTER4"
    ip -n "$CLIENT_NS" -6 route add default via "$ROUTER6"
}

# ---- router configs ----------------------------------------------------------
write_bird_conf() {
    local nodes=$1 dir=$2 i
    {
        cat <<EOF
# generated by hack/lab.sh
log "$dir/bird.log" all;
router id $ROUTER4;
debug protocols { states };     # session up/down in bird.log

protocol device { scan time 10; }

# ECMP into the kernel: without "merge paths" BIRD installs only the best path.
protocol kernel kernel4 { ipv4 { import none; export all; }; merge paths on limit $ECMP_MAX; }
protocol kernel kernel6 { ipv6 { import none; export all; }; merge paths on limit $ECMP_MAX; }

# Short timers: BIRD's defaults keep a restarted speaker out for minutes.
template bgp nodes {
    local as $ROUTER_AS;
    direct;                     # iBGP too: next hops on the shared segment, no IGP to resolve them
    hold time $BGP_HOLD;
    keepalive time $BGP_KEEPALIVE;
    connect delay time 1;
    connect retry time $BGP_CONNECT_RETRY;
    error wait time $BIRD_ERROR_WAIT;
$([[ -n ${LAB_PASSWORD:-} ]] && echo "    password \"$LAB_PASSWORD\";")
$([[ -n ${LAB_BFD:-} ]] && echo "    bfd on;")
}
EOF
        [[ -z ${LAB_BFD:-} ]] || cat <<EOF
protocol bfd {
    interface "*" { min rx interval $BFD_INTERVAL_MS ms; min tx interval $BFD_INTERVAL_MS ms; multiplier $BFD_MULTIPLIER; };
}
EOF
        # eBGP in BIRD accepts nothing without an explicit "import all" in each channel; "add paths rx"
        # takes several paths per prefix from one speaker (OpenELB's ADD-PATH mode).
        for ((i = 1; i <= nodes; i++)); do
            cat <<EOF
protocol bgp node${i}_v4 from nodes { neighbor $(node4 "$i") as $NODE_AS; ipv4 { import all; export none; add paths rx; }; }
protocol bgp node${i}_v6 from nodes { neighbor $(node6 "$i") as $NODE_AS; ipv6 { import all; export none; add paths rx; }; }
EOF
        done
    } >"$dir/bird.conf"
}

write_frr_conf() {
    local nodes=$1 dir=$2 i
    cat >"$dir/zebra.conf" <<EOF
! generated by hack/lab.sh
hostname ${ROUTER_NS}
log file $dir/zebra.log informational
EOF
    cat >"$dir/bfdd.conf" <<EOF
! generated by hack/lab.sh (used with --bfd)
hostname ${ROUTER_NS}
log file $dir/bfdd.log informational
!
bfd
 profile lab
  detect-multiplier $BFD_MULTIPLIER
  receive-interval $BFD_INTERVAL_MS
  transmit-interval $BFD_INTERVAL_MS
 exit
exit
EOF
    {
        cat <<EOF
! generated by hack/lab.sh
hostname ${ROUTER_NS}
log file $dir/bgpd.log informational
!
router bgp $ROUTER_AS
 bgp router-id $ROUTER4
 ! without this FRR silently drops every eBGP route that has no policy
 no bgp ebgp-requires-policy
 no bgp default ipv4-unicast
 timers bgp $BGP_KEEPALIVE $BGP_HOLD
 neighbor NODES4 peer-group
 neighbor NODES4 remote-as $NODE_AS
 neighbor NODES4 timers connect $BGP_CONNECT_RETRY
 neighbor NODES6 peer-group
 neighbor NODES6 remote-as $NODE_AS
 neighbor NODES6 timers connect $BGP_CONNECT_RETRY
EOF
        [[ -z ${LAB_PASSWORD:-} ]] || printf ' neighbor NODES4 password %s\n neighbor NODES6 password %s\n' \
            "$LAB_PASSWORD" "$LAB_PASSWORD"
        [[ -z ${LAB_BFD:-} ]] || printf ' neighbor NODES4 bfd profile lab\n neighbor NODES6 bfd profile lab\n'
        for ((i = 1; i <= nodes; i++)); do
            echo " neighbor $(node4 "$i") peer-group NODES4"
            echo " neighbor $(node6 "$i") peer-group NODES6"
        done
        # ECMP needs maximum-paths per family; deny-all out or FRR re-advertises node routes.
        cat <<EOF
 !
 address-family ipv4 unicast
  maximum-paths $ECMP_MAX
  neighbor NODES4 activate
  neighbor NODES4 route-map DENY-ALL out
 exit-address-family
 !
 address-family ipv6 unicast
  maximum-paths $ECMP_MAX
  neighbor NODES6 activate
  neighbor NODES6 route-map DENY-ALL out
 exit-address-family
!
route-map DENY-ALL deny 10
!
EOF
    } >"$dir/bgpd.conf"
}

write_gobgp_conf() {
    local nodes=$1 dir=$2 i addr afi
    {
        cat <<EOF
# generated by hack/lab.sh
[global.config]
  as = $ROUTER_AS
  router-id = "$ROUTER4"
  port = 179
  local-address-list = ["0.0.0.0", "::"]
# keep every equal path (not just the best) in the RIB
[global.use-multiple-paths.config]
  enabled = true
[global.use-multiple-paths.ebgp.config]
  allow-multiple-as = true
# accept everything, export nothing (policies are global in GoBGP)
[global.apply-policy.config]
  default-import-policy = "accept-route"
  default-export-policy = "reject-route"
EOF
        for ((i = 1; i <= nodes; i++)); do
            for addr in "$(node4 "$i")" "$(node6 "$i")"; do
                [[ $addr == *:* ]] && afi=ipv6-unicast || afi=ipv4-unicast
                cat <<EOF

[[neighbors]]
  [neighbors.config]
    neighbor-address = "$addr"
    peer-as = $NODE_AS
$([[ -n ${LAB_PASSWORD:-} ]] && echo "    auth-password = \"$LAB_PASSWORD\"")
  # several paths per prefix from one speaker (OpenELB's ADD-PATH mode), as BIRD's "add paths rx"
  [neighbors.add-paths.config]
    receive = true
  # helper for the speakers' graceful restart (BIRD and FRR help by default, GoBGP only when told)
  [neighbors.graceful-restart.config]
    enabled = true
    helper-only = true
  [neighbors.timers.config]
    connect-retry = $BGP_CONNECT_RETRY
    hold-time = $BGP_HOLD
    keepalive-interval = $BGP_KEEPALIVE
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "$afi"
    [neighbors.afi-safis.mp-graceful-restart.config]
      enabled = true
EOF
            done
        done
    } >"$dir/gobgpd.toml"
}

# ---- router daemons ----------------------------------------------------------
start_bird() {
    local nodes=$1 dir=$LAB_DIR/bird
    mkdir -p "$dir"
    write_bird_conf "$nodes" "$dir"
    bird -p -c "$dir/bird.conf" || die "invalid $dir/bird.conf"
    # Daemonizes and writes the pid file itself; -s/-P keep it apart from a packaged bird.
    nx "$ROUTER_NS" bird -c "$dir/bird.conf" -s "$dir/bird.ctl" -P "$dir/bird.pid" >>"$dir/bird.log" 2>&1
    wait_for "bird" "$dir/bird.log" nx "$ROUTER_NS" birdc -s "$dir/bird.ctl" show status
}

start_frr() {
    local nodes=$1 dir=$LAB_DIR/frr d
    mkdir -p "$dir"
    write_frr_conf "$nodes" "$dir"
    # The daemons drop to user frr before writing pid files, vty sockets and logs: the dir and
    # every file in it must be frr's, or "log file" fails silently (a root-owned log stays empty).
    touch "$dir/zebra.log" "$dir/bgpd.log" "$dir/bfdd.log" "$dir/startup.log"
    chown -R frr:frr "$dir"
    local daemons=(zebra bgpd)
    [[ -z ${LAB_BFD:-} ]] || daemons=(zebra bfdd bgpd) # bfdd before bgpd: bgpd registers its peers with it
    for d in "${daemons[@]}"; do
        # -P 0: no vty TCP port; -z/--vty_socket/-i: everything in our dir, none in /var/run/frr.
        nx "$ROUTER_NS" "$FRR_BIN/$d" -d -f "$dir/$d.conf" -i "$dir/$d.pid" -z "$dir/zserv.api" \
            --vty_socket "$dir" -P 0 -u frr -g frr $([[ $d == bfdd ]] && echo "--bfdctl $dir/bfdd.sock") \
            >>"$dir/startup.log" 2>&1 ||
            { tail -n 20 "$dir/startup.log" >&2; die "$d failed to start"; }
        wait_for "$d" "$dir/$d.log" test -S "$dir/$d.vty"
    done
    wait_for "bgpd" "$dir/bgpd.log" nx "$ROUTER_NS" vtysh --vty_socket "$dir" -c 'show bgp summary'
}

start_gobgp() {
    local nodes=$1 dir=$LAB_DIR/gobgp
    mkdir -p "$dir"
    write_gobgp_conf "$nodes" "$dir"
    # gobgpd does not daemonize: setsid + background; `ip netns exec` execs, so $! is gobgpd.
    setsid ip netns exec "$ROUTER_NS" gobgpd -f "$dir/gobgpd.toml" -t toml \
        --api-hosts "127.0.0.1:$GOBGP_API_PORT" --pprof-disable \
        </dev/null >>"$dir/gobgpd.log" 2>&1 &
    echo $! >"$dir/gobgpd.pid"
    # Poll the API port first: a `gobgp` call made before it listens blocks ~1 s in its dialer.
    wait_for "gobgpd API" "$dir/gobgpd.log" \
        sh -c "ip netns exec $ROUTER_NS ss -Hltn 'sport = :$GOBGP_API_PORT' | grep -q ."
    wait_for "gobgpd" "$dir/gobgpd.log" nx "$ROUTER_NS" gobgp -p "$GOBGP_API_PORT" global
    log "note: GoBGP cannot program the kernel here; check its RIB ('$0 routes')"
}

# ---- commands ----------------------------------------------------------------
cmd_up() {
    local router=$DEFAULT_ROUTER nodes=$DEFAULT_NODES
    while (($#)); do
        case $1 in
            --router) router=${2:?--router needs a value}; shift 2 ;;
            --nodes) nodes=${2:?--nodes needs a value}; shift 2 ;;
            --password) LAB_PASSWORD=${2:?--password needs a value}; shift 2 ;;
            --ibgp) ROUTER_AS=$NODE_AS; shift ;;
            --bfd) LAB_BFD=1; shift ;;
            *) die "unknown option $1" ;;
        esac
    done
    [[ $router =~ ^(bird|frr|gobgp)$ ]] || die "--router must be bird, frr or gobgp"
    if ! [[ $nodes =~ ^[0-9]+$ ]] || ((nodes < 1 || nodes > MAX_NODES)); then die "--nodes must be 1..$MAX_NODES"; fi

    ensure_packages
    if [[ -n $(lab_namespaces) || -f $LAB_DIR/lab.env ]]; then
        log "an old lab exists: tearing it down first"
        cmd_down
    fi
    # Fresh state (logs of the last lab go too); only our own subdirectories, never $LAB_DIR itself.
    rm -rf "${LAB_DIR:?}"/{bird,frr,gobgp,relay} "$LAB_DIR"/speaker-node*
    mkdir -p "$LAB_DIR"
    build_topology "$nodes"
    cat >"$LAB_DIR/lab.env" <<EOF
LAB_ROUTER=$router
LAB_NODES=$nodes
NS_PREFIX=$NS_PREFIX
ROUTER_NS=$ROUTER_NS
ROUTER4=$ROUTER4
ROUTER6=$ROUTER6
NET4=$NET4
NET6=$NET6
NODE_HOST_BASE=$NODE_HOST_BASE
ROUTER_AS=$ROUTER_AS
NODE_AS=$NODE_AS
BGP_HOLD=$BGP_HOLD
BGP_KEEPALIVE=$BGP_KEEPALIVE
BGP_CONNECT_RETRY=$BGP_CONNECT_RETRY
GOBGP_API_PORT=$GOBGP_API_PORT
LAB_PASSWORD=${LAB_PASSWORD:-}
LAB_BFD=${LAB_BFD:-}
EOF
    "start_$router" "$nodes"
    wait_for "$router to listen on port 179" /dev/null \
        sh -c "ip netns exec $ROUTER_NS ss -Hltn 'sport = :179' | grep -q ."
    log "up: router=$router nodes=$nodes (state in $LAB_DIR)"
}

cmd_down() {
    local ns pids=() ok=true
    # Our own daemons and relays, by pid file.
    stop_pidfiles "$LAB_DIR"/*/*.pid || ok=false
    # Anything else still inside our namespaces (a speaker, a tcpdump) would keep the namespace
    # alive after `ip netns del`: stop those by pid too, all namespaces at once.
    for ns in $(lab_namespaces); do
        mapfile -t -O "${#pids[@]}" pids < <(ip netns pids "$ns" 2>/dev/null || true)
    done
    if ((${#pids[@]})); then
        log "stopping leftover processes in the lab's namespaces: ${pids[*]}"
        stop_processes "$STOP_TIMEOUT" "${pids[@]}" || ok=false
    fi
    for ns in $(lab_namespaces); do
        ip netns del "$ns"
    done
    rm -f "$LAB_DIR/lab.env" "$LAB_DIR"/relay/*.sock
    if $ok; then log "down"; else log "down, but processes above outlived SIGKILL"; return 1; fi
}

daemon_pidfiles() {
    case $LAB_ROUTER in
        bird) echo "$LAB_DIR/bird/bird.pid" ;;
        frr) echo "$LAB_DIR/frr/zebra.pid $LAB_DIR/frr/bgpd.pid" ;;
        gobgp) echo "$LAB_DIR/gobgp/gobgpd.pid" ;;
    esac
}

router_cli() {
    case $LAB_ROUTER in
        bird) nx "$ROUTER_NS" birdc -s "$LAB_DIR/bird/bird.ctl" "$@" ;;
        frr) nx "$ROUTER_NS" vtysh --vty_socket "$LAB_DIR/frr" -c "$*" ;;
        gobgp) nx "$ROUTER_NS" gobgp -p "$GOBGP_API_PORT" "$@" ;;
    esac
}

cmd_status() {
    local f pid ns
    echo "== namespaces"
    lab_namespaces | sed 's/^/  /'
    [[ -f $LAB_DIR/lab.env ]] || { echo "(no lab: $LAB_DIR/lab.env missing)"; return 0; }
    load_env
    # shellcheck disable=SC2153 # LAB_* come from lab.env
    echo "== router: $LAB_ROUTER, nodes: $LAB_NODES"
    for ns in $(lab_namespaces); do
        [[ $ns == "${NS_PREFIX}br" ]] && continue
        printf '  %-14s %s\n' "$ns" "$(ip -n "$ns" -br addr show dev eth0 2>/dev/null | awk '{$1=$2=""; print}')"
    done
    echo "== daemon"
    for f in $(daemon_pidfiles) "$LAB_DIR"/relay/*.pid; do
        [[ -e $f ]] || continue
        pid=$(cat "$f" 2>/dev/null || true)
        if alive "$pid"; then echo "  $(basename "$f" .pid): pid $pid running"; else echo "  $(basename "$f" .pid): NOT running"; fi
    done
    echo "== listening on 179 in $ROUTER_NS"
    nx "$ROUTER_NS" ss -Hltnp 'sport = :179' | sed 's/^/  /'
    echo "== BGP neighbours"
    case $LAB_ROUTER in
        bird) router_cli show protocols ;;
        frr) router_cli show bgp summary ;;
        gobgp) router_cli neighbor ;;
    esac
}

cmd_routes() {
    local prefix=${1:-} af=ipv4 proto=bgp
    load_env
    [[ $prefix == *:* ]] && af=ipv6
    [[ $LAB_ROUTER == bird ]] && proto=bird
    echo "== BGP RIB ($LAB_ROUTER)"
    case $LAB_ROUTER in
        bird) if [[ -n $prefix ]]; then router_cli show route for "$prefix" all; else router_cli show route; fi ;;
        frr) if [[ -n $prefix ]]; then router_cli show bgp "$af" unicast "$prefix"
             else router_cli show bgp ipv4 unicast; router_cli show bgp ipv6 unicast; fi ;;
        gobgp) if [[ -n $prefix ]]; then
                   router_cli global rib -a "$af" "$prefix"
                   # `global rib` marks one best path; the monitor's dump lists the multipath set
                   echo "-- multipath set (gobgp monitor global rib --current)"
                   timeout 2 ip netns exec "$ROUTER_NS" gobgp -p "$GOBGP_API_PORT" monitor global rib \
                       --current -a "$af" | grep -F "${prefix%/*}" || true
               else router_cli global rib -a ipv4; router_cli global rib -a ipv6; fi ;;
    esac
    echo "== kernel ($ROUTER_NS)"
    if [[ $LAB_ROUTER == gobgp ]]; then
        echo "(GoBGP does not program the kernel in this lab)"
    elif [[ -n $prefix ]]; then
        ip -n "$ROUTER_NS" "-${af#ipv}" route show "$prefix"
    else
        ip -n "$ROUTER_NS" -4 route show proto "$proto"
        ip -n "$ROUTER_NS" -6 route show proto "$proto"
    fi
}

# Host loopback service -> the same address inside every node namespace, through a Unix socket
# (filesystem sockets cross network namespaces; no address is added to the host).
cmd_relay_apiserver() {
    local hostport=${1:?usage: relay-apiserver HOST:PORT (e.g. 127.0.0.1:6443)}
    local host port tcp=TCP4 listen=TCP4-LISTEN dir=$LAB_DIR/relay sock i ns
    load_env
    # socat wants IPv6 addresses in brackets: TCP6:[::1]:6443, bind=[::1]
    if [[ $hostport =~ ^(\[.+\]):([0-9]+)$ ]]; then host=${BASH_REMATCH[1]}; port=${BASH_REMATCH[2]}; tcp=TCP6; listen=TCP6-LISTEN
    elif [[ $hostport =~ ^([^:]+):([0-9]+)$ ]]; then host=${BASH_REMATCH[1]}; port=${BASH_REMATCH[2]}
    elif [[ $hostport =~ ^[0-9]+$ ]]; then host=127.0.0.1; port=$hostport
    else die "HOSTPORT must be HOST:PORT, [V6]:PORT or PORT"; fi
    # Not fatal (the API server may come later), but otherwise clients see only "empty reply".
    ss -Hltn "sport = :$port" | grep -q . || log "warning: nothing listens on $hostport on the host (yet)"
    mkdir -p "$dir"
    sock=$dir/apiserver-$port.sock
    # Re-running replaces the relays for this port.
    stop_pidfiles "$dir"/*-"$port".pid
    rm -f "$sock"

    setsid socat "UNIX-LISTEN:$sock,fork,mode=600" "$tcp:$host:$port" </dev/null >>"$dir/relay.log" 2>&1 &
    echo $! >"$dir/host-$port.pid"
    wait_for "host relay" "$dir/relay.log" test -S "$sock"
    for ((i = 1; i <= LAB_NODES; i++)); do
        ns=$(node_ns "$i")
        setsid ip netns exec "$ns" socat "$listen:$port,bind=$host,fork,reuseaddr" "UNIX-CONNECT:$sock" \
            </dev/null >>"$dir/relay.log" 2>&1 &
        echo $! >"$dir/node$i-$port.pid"
        wait_for "relay in $ns" "$dir/relay.log" sh -c "ip netns exec $ns ss -Hltn 'sport = :$port' | grep -q ."
    done
    log "relaying $hostport into node1..$LAB_NODES (same address there)"
}

# Kill the router daemon the hard way (no NOTIFICATION to the speakers), or start it again with
# the same configuration: for tests of a router restart.
cmd_router() {
    local what=${1:?usage: router kill|start} f pid
    load_env
    case $what in
        kill)
            for f in $(daemon_pidfiles); do
                pid=$(cat "$f" 2>/dev/null || true)
                if alive "$pid"; then
                    kill -9 "$pid"
                    # gone before we return, so that `router start` finds port 179 free
                    [[ -z $(await_gone $(($(stop_clock_ms) + STOP_KILL_WAIT * 1000)) "$pid") ]] ||
                        log "pid $pid still running after SIGKILL"
                fi
                rm -f "$f"
            done
            log "router $LAB_ROUTER killed" ;;
        start)
            "start_$LAB_ROUTER" "$LAB_NODES"
            wait_for "$LAB_ROUTER to listen on port 179" /dev/null \
                sh -c "ip netns exec $ROUTER_NS ss -Hltn 'sport = :179' | grep -q ."
            log "router $LAB_ROUTER started" ;;
        *) die "usage: router kill|start" ;;
    esac
}

cmd_exec() {
    local ns=${1:?usage: exec NS CMD...}; shift
    [[ $ns == "$NS_PREFIX"* ]] || ns=$NS_PREFIX$ns
    exec ip netns exec "$ns" "$@"
}

[[ $EUID -eq 0 ]] || die "must run as root (network namespaces)"
cmd=${1:-}; shift || true
case $cmd in
    up) cmd_up "$@" ;;
    down) cmd_down ;;
    status) cmd_status ;;
    routes) cmd_routes "$@" ;;
    relay-apiserver) cmd_relay_apiserver "$@" ;;
    router) cmd_router "$@" ;;
    exec) cmd_exec "$@" ;;
    packages) ensure_packages ;;
    *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
esac
