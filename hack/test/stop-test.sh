#!/usr/bin/env bash
# hack/test/stop-test.sh - checks stop_processes of hack/lib/stop.sh, which `down` of hack/local-up.sh,
# hack/lab.sh and hack/cluster.sh use: it waits for a process that takes a while to exit on SIGTERM,
# escalates to SIGKILL for one that ignores SIGTERM (and says so), and takes a group's forked children
# along. Plain bash, no root: `bash hack/test/stop-test.sh`; `mvn test` runs it too (StopScriptTest).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=hack/lib/stop.sh
source hack/lib/stop.sh

LOG=$(mktemp)
READY=$(mktemp -u)
export READY
ACTIVE= # the dummy not yet reaped: its pid cannot have been reused
# A broken stop_processes must fail this test, not hang it or leave dummies behind.
trap '[[ -z $ACTIVE ]] || kill -9 -- "-$ACTIVE" 2>/dev/null || true; rm -f "$LOG" "$READY" "$READY.tmp"' EXIT
log() { printf '%s\n' "$*" >>"$LOG"; }
failures=0
fail() { printf 'FAIL: %s\n' "$*"; failures=$((failures + 1)); }
pass() { printf 'ok: %s\n' "$*"; }

# The dummies: each writes the pid of its idling process to $READY once its traps are set, then idles.
idle() { echo "$BASHPID" >"$READY.tmp" && mv "$READY.tmp" "$READY"; while :; do sleep 0.05; done; }
exits_a_second_after_sigterm() { trap 'sleep 1; exit 0' TERM; idle; }
ignores_sigterm() { trap '' TERM; idle; }
leads_a_child_that_ignores_sigterm() { (ignores_sigterm) & wait; }
export -f idle exits_a_second_after_sigterm ignores_sigterm leads_a_child_that_ignores_sigterm

# start_dummy <function>: runs it in its own session, as the scripts start their daemons; sets PID once
# it is ready. The dummy stays this shell's child, so `wait` gives its exit status.
start_dummy() {
    rm -f "$READY"
    setsid bash -c "$1" </dev/null >/dev/null 2>&1 &
    PID=$!
    ACTIVE=$PID
    while [[ ! -s $READY ]]; do sleep 0.01; done
}

# timed_stop <timeout> <pid>...: stop_processes; sets RC (its exit code) and MS (how long it took).
timed_stop() {
    local t0
    t0=$(stop_clock_ms)
    RC=0
    stop_processes "$@" || RC=$?
    MS=$(($(stop_clock_ms) - t0))
}

# reap <pid>: sets STATUS to how the dummy ended (137: SIGKILL), without the shell's "Killed" notice;
# kills its group first if anything of it still runs (the checks then fail on what they saw before).
reap() {
    [[ -z $(running_of "$1") ]] || kill -9 -- "-$1" 2>/dev/null || true
    STATUS=0
    { wait "$1"; } 2>/dev/null || STATUS=$?
    ACTIVE=
}

# 1. Exits one second after SIGTERM: stop waits for it and kills nothing.
: >"$LOG"
start_dummy exits_a_second_after_sigterm
timed_stop 5 "$PID"
left=$(running_of "$PID")
reap "$PID"
if ((RC == 0 && MS >= 900 && STATUS == 0)) && [[ -z $left && ! -s $LOG ]]; then
    pass "slow exit on SIGTERM: waited $MS ms, exit status $STATUS, nothing killed"
else
    fail "slow exit on SIGTERM: rc $RC after $MS ms, still running: '$left', exit status $STATUS, log: $(cat "$LOG")"
fi

# 2. Ignores SIGTERM: SIGKILL after the timeout, gone when stop returns, and the log names it.
: >"$LOG"
start_dummy ignores_sigterm
timed_stop 1 "$PID"
left=$(running_of "$PID")
reap "$PID"
if ((RC == 0 && MS >= 900 && MS < 4000 && STATUS == 137)) && [[ -z $left ]] &&
    grep -q "sending SIGKILL: $PID (bash)" "$LOG"; then
    pass "SIGTERM ignored: killed after $MS ms, exit status $STATUS; logged: $(cat "$LOG")"
else
    fail "SIGTERM ignored: rc $RC after $MS ms, still running: '$left', exit status $STATUS, log: $(cat "$LOG")"
fi

# 3. A group leader whose forked child ignores SIGTERM: the leader exits at once, stop still waits for
# the child, kills it and names it.
: >"$LOG"
start_dummy leads_a_child_that_ignores_sigterm
child=$(<"$READY")
timed_stop 1 "$PID"
left=$(running_of "$PID")
reap "$PID"
if [[ $child != "$PID" && -z $left ]] && ((RC == 0 && MS >= 900)) && grep -q "sending SIGKILL: $child (bash)" "$LOG"; then
    pass "group: the leader's child $child killed too after $MS ms; logged: $(cat "$LOG")"
else
    fail "group: child '$child', rc $RC after $MS ms, still running: '$left', log: $(cat "$LOG")"
fi

# 4. Nothing to stop: a pid that no longer runs, no pid, a pid file's garbage: returns at once.
sleep 0 &
gone=$!
wait "$gone"
timed_stop 5 "$gone" "" "not-a-pid" 0 1
if ((RC == 0 && MS < 1000)); then
    pass "nothing to stop: returned after $MS ms"
else
    fail "nothing to stop: rc $RC after $MS ms"
fi

((failures == 0)) || { echo "$failures check(s) failed"; exit 1; }
echo "all stop checks passed"
