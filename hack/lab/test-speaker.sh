#!/usr/bin/env bash
# hack/lab/test-speaker.sh - a throw-away GoBGP speaker in lab node namespaces, to check that the
# lab router (hack/lab.sh up) accepts node routes and installs ECMP before OpenELB's own speaker
# is there. It peers with the router over IPv4 and IPv6, only connects out (listens nowhere).
#
#   hack/lab/test-speaker.sh start N...             start gobgpd in oelb-nodeN (AS 64513)
#   hack/lab/test-speaker.sh wait N...              wait until its sessions are Established
#   hack/lab/test-speaker.sh announce PREFIX N...   add PREFIX (v4 or v6) to the nodes' RIBs
#   hack/lab/test-speaker.sh withdraw PREFIX N...
#   hack/lab/test-speaker.sh stop N...              (hack/lab.sh down also stops them)
set -euo pipefail

LAB_DIR=${OPENELB_LAB_DIR:-/tmp/openelb-lab}
ESTABLISH_TIMEOUT=40            # GoBGP waits a random 5-9 s before its first connection attempt

[[ -f $LAB_DIR/lab.env ]] || { echo "no lab: run hack/lab.sh up first" >&2; exit 1; }
# shellcheck disable=SC1091
source "$LAB_DIR/lab.env"       # addresses, ASes, timers, API port: one source of truth

cli() { ip netns exec "${NS_PREFIX}node$1" gobgp -p "$GOBGP_API_PORT" "${@:2}"; }

start() {
    local n=$1 dir=$LAB_DIR/speaker-node$1 me4 me6
    me4=$NET4.$((NODE_HOST_BASE + n)); me6=$NET6:$((NODE_HOST_BASE + n))
    mkdir -p "$dir"
    cat >"$dir/gobgpd.toml" <<CONF
[global.config]
  as = $NODE_AS
  router-id = "$me4"
  port = -1   # do not listen: the router must accept our connection on its port 179

[[neighbors]]
  [neighbors.config]
    neighbor-address = "$ROUTER4"
    peer-as = $ROUTER_AS
  [neighbors.timers.config]
    connect-retry = $BGP_CONNECT_RETRY
    hold-time = $BGP_HOLD
    keepalive-interval = $BGP_KEEPALIVE
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-unicast"

[[neighbors]]
  [neighbors.config]
    neighbor-address = "$ROUTER6"
    peer-as = $ROUTER_AS
  [neighbors.transport.config]
    local-address = "$me6"
  [neighbors.timers.config]
    connect-retry = $BGP_CONNECT_RETRY
    hold-time = $BGP_HOLD
    keepalive-interval = $BGP_KEEPALIVE
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv6-unicast"
CONF
    setsid ip netns exec "${NS_PREFIX}node$n" gobgpd -f "$dir/gobgpd.toml" -t toml \
        --api-hosts "127.0.0.1:$GOBGP_API_PORT" --pprof-disable </dev/null >>"$dir/gobgpd.log" 2>&1 &
    echo $! >"$dir/gobgpd.pid"
}

wait_established() {
    local n=$1 deadline=$((SECONDS + ESTABLISH_TIMEOUT))
    until [[ $(cli "$n" neighbor -j 2>/dev/null | jq '[.[]? | objects | select(.state.session_state == 6)] | length' 2>/dev/null) == 2 ]]; do
        ((SECONDS < deadline)) || { cli "$n" neighbor >&2 || true; echo "node$n: sessions not Established" >&2; exit 1; }
        sleep 0.2
    done
}

stop() {
    local pidf=$LAB_DIR/speaker-node$1/gobgpd.pid pid
    [[ -f $pidf ]] || return 0
    pid=$(cat "$pidf")
    # only if that pid still is our gobgpd
    grep -qs gobgpd "/proc/$pid/cmdline" && kill "$pid"
    rm -f "$pidf"
}

family() { [[ $1 == *:* ]] && echo ipv6 || echo ipv4; }

cmd=${1:?usage: start|wait|announce|withdraw|stop ...}; shift
case $cmd in
    start | wait | stop)
        for n in "$@"; do case $cmd in start) start "$n" ;; wait) wait_established "$n" ;; stop) stop "$n" ;; esac; done ;;
    announce | withdraw)
        prefix=${1:?PREFIX}; shift
        for n in "$@"; do
            cli "$n" global rib "$([[ $cmd == announce ]] && echo add || echo del)" -a "$(family "$prefix")" "$prefix"
        done ;;
    *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
