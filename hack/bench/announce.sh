#!/usr/bin/env bash
# hack/bench/announce.sh [N] - announce throughput: N (default 10000) IPv4 /32s from one speaker in lab
# node 1 to BIRD in the router namespace, timed on the router's side from its session reaching
# Established to all N routes in its table (birdc polled every ~10 ms). Baseline: GoBGP (gobgpd, the
# BGP library OpenELB embeds) announcing the same routes to the same BIRD, its RIB filled beforehand
# with `gobgp mrt inject` while the neighbour is administratively down, then enabled. Ours: the speaker's
# BGP session alone (io.openelb.speaker.AnnounceBenchmark, no Kubernetes). Builds the lab itself.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-10000}
# The tests' lab (as Lab.java), also for hack/lab.sh: the quick start's (hack/local-up.sh) stays up.
export OPENELB_LAB_DIR=${OPENELB_LAB_DIR:-/tmp/openelb-it-lab} OPENELB_LAB_PREFIX=${OPENELB_LAB_PREFIX:-oit-}
LAB_DIR=$OPENELB_LAB_DIR
PREFIX=$OPENELB_LAB_PREFIX
NODE_NS=${PREFIX}node1
FIRST=10.128.0.0
WORK=$(mktemp -d)
trap 'stop_all; rm -rf "$WORK"' EXIT

hack/lab.sh up --router bird --nodes 1 >/dev/null
cp="target/test-classes:target/classes:$(cat target/bench.classpath)"

birdc() { ip netns exec "${PREFIX}router" birdc -s "$LAB_DIR/bird/bird.ctl" "$@"; }
routes() { birdc show route count | awk '/routes for/ {n += $1} END {print n + 0}'; }
established() { birdc show protocols node1_v4 | grep -q Established; }
now_ms() { date +%s%3N; }
stop_all() {
    [[ -n ${GOBGPD:-} ]] && kill "$GOBGPD" 2>/dev/null || true
    [[ -n ${OURS:-} ]] && kill "$OURS" 2>/dev/null || true
    hack/lab.sh down >/dev/null 2>&1 || true
}

# Waits for Established, then for N routes; prints "established_ms all_ms" relative to $1.
time_router() {
    local start=$1 est=0 all=0
    while ((all == 0)); do
        if ((est == 0)) && established; then est=$(now_ms); fi
        if ((est != 0)) && (($(routes) >= N)); then all=$(now_ms); fi
        (($(now_ms) - start > 600000)) && { echo "timed out: $(routes) routes" >&2; exit 1; }
        sleep 0.01
    done
    echo "$((est - start)) $((all - start))"
}

wait_empty() {
    local deadline=$(($(now_ms) + 120000))
    while (($(routes) > 0)) || established; do
        (($(now_ms) > deadline)) && { echo "router still has routes" >&2; exit 1; }
        sleep 0.2
    done
}

# ---- baseline: GoBGP ----
cat >"$WORK/gobgpd.toml" <<CONF
[global.config]
  as = 64513
  router-id = "10.77.0.11"
  port = -1
[[neighbors]]
  [neighbors.config]
    neighbor-address = "10.77.0.1"
    peer-as = 64512
    admin-down = true
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-unicast"
CONF
setsid ip netns exec "$NODE_NS" gobgpd -f "$WORK/gobgpd.toml" -t toml --api-hosts 127.0.0.1:50051 \
    --pprof-disable </dev/null >"$WORK/gobgpd.log" 2>&1 &
GOBGPD=$!
until ip netns exec "$NODE_NS" gobgp -p 50051 global >/dev/null 2>&1; do sleep 0.2; done
# gobgp 3.10's CLI may exit before gobgpd has taken all it sent (seen: 30-98 % loaded; the end of the
# file is what gets lost): inject what is still missing, followed by 3,000 routes it holds already
# (identical, so they change nothing), until nothing is missing.
python3 -c "import ipaddress, sys
first = ipaddress.IPv4Address(sys.argv[1])
print('\\n'.join(f'{first + i}/32' for i in range(int(sys.argv[2]))))" "$FIRST" "$N" | sort >"$WORK/want"
cp "$WORK/want" "$WORK/missing"
for ((i = 0; i < 50; i++)); do
    { cat "$WORK/missing"; for ((r = 0; r < 3000; r += N)); do head -n 3000 "$WORK/want"; done; } |
        head -n $(($(wc -l <"$WORK/missing") + 3000)) | python3 hack/bench/mrt.py 10.77.0.11 >"$WORK/missing.mrt"
    ip netns exec "$NODE_NS" gobgp -p 50051 mrt inject global "$WORK/missing.mrt" >/dev/null
    sleep 0.5
    ip netns exec "$NODE_NS" gobgp -p 50051 global rib | awk 'NR > 1 {print $2}' | sort >"$WORK/have"
    comm -23 "$WORK/want" "$WORK/have" >"$WORK/missing"
    [[ -s $WORK/missing ]] || break
done
loaded=$(wc -l <"$WORK/have")
[[ $loaded == "$N" ]] || { echo "GoBGP holds $loaded routes, not $N" >&2; exit 1; }
start=$(now_ms)
ip netns exec "$NODE_NS" gobgp -p 50051 neighbor 10.77.0.1 enable >/dev/null
read -r gobgp_est gobgp_all < <(time_router "$start")
kill "$GOBGPD"; GOBGPD=
wait_empty

# ---- ours ----
start=$(now_ms)
setsid ip netns exec "$NODE_NS" java -Xmx256m -cp "$cp" io.openelb.speaker.AnnounceBenchmark "$N" "$FIRST" \
    </dev/null >"$WORK/ours.log" 2>&1 &
OURS=$!
read -r ours_est ours_all < <(time_router "$start")
kill "$OURS"; OURS=

gobgp_ms=$((gobgp_all - gobgp_est)); ours_ms=$((ours_all - ours_est))
ratio=$(awk -v g="$gobgp_ms" -v o="$ours_ms" 'BEGIN {printf "%.2f", g / (o > 0 ? o : 1)}')
met=$(awk -v r="$ratio" 'BEGIN {print (r >= 1.0 ? "met" : "missed")}')
source hack/bench/report.sh
{
    echo "$N IPv4 /32s to BIRD $(bird --version 2>&1 | awk '{print $NF}') from lab node 1, timed by BIRD from its"\
        "session reaching Established to all $N routes in its table. OpenELB: the speaker's BGP session alone"\
        "(no Kubernetes, a cold JVM). Baseline: GoBGP $(gobgpd --version 2>&1 | awk '{print $NF}') (gobgpd) with"\
        "the same routes in its RIB beforehand."
    report_header
    report_row "Established -> all $N routes in BIRD" "$ours_ms ms" "$gobgp_ms ms" "$ratio" ">= 1.0: $met"
    report_row "routes per second" "$((N * 1000 / (ours_ms > 0 ? ours_ms : 1)))" \
        "$((N * 1000 / (gobgp_ms > 0 ? gobgp_ms : 1)))" "$ratio" "-"
} | report_emit
