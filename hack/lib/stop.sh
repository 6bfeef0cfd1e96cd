# hack/lib/stop.sh - sourced by hack/local-up.sh, hack/lab.sh and hack/cluster.sh (tested by
# hack/test/stop-test.sh): a stopped process is gone when the call returns, so a start right after it
# finds the ports free.

# Seconds a process gets to disappear after SIGKILL (only uninterruptible sleep delays that).
STOP_KILL_WAIT=${STOP_KILL_WAIT:-5}

# proc_table: "pid pgid state" of every process, from /proc (no procps in a minimal image).
proc_table() {
    local f st rest state pgid
    for f in /proc/[0-9]*/stat; do
        { read -r st <"$f"; } 2>/dev/null || continue # gone meanwhile
        rest=${st##*) } # after the command name, which may hold spaces and parentheses
        read -r state _ pgid _ <<<"$rest"
        f=${f#/proc/}
        echo "${f%/stat} $pgid $state"
    done
}

# running_of <pid>: the pids still running of <pid> and of the process group it leads, if any (a
# setsid'ed daemon or relay with forked children, which may outlive it). Zombies count as gone: they
# hold no socket any more, and our daemons' parent (PID 1 in a container) may reap them late.
running_of() {
    proc_table | awk -v p="$1" '($1 == p || $2 == p) && $3 != "Z" {print $1}'
}

# signal_group <signal> <pid>: the whole group if <pid> names one, else <pid> alone.
signal_group() {
    if proc_table | awk -v p="$2" '$2 == p {found = 1} END {exit !found}'; then
        kill "-$1" -- "-$2" 2>/dev/null || true
    else
        kill "-$1" "$2" 2>/dev/null || true
    fi
}

stop_clock_ms() { local us=${EPOCHREALTIME//[!0-9]/}; echo $((us / 1000)); }

# await_gone <deadline in stop_clock_ms> <pid>...: prints each pid whose processes still run at the deadline.
await_gone() {
    local deadline=$1 pid
    shift
    for pid in "$@"; do
        while [[ -n $(running_of "$pid") ]] && (($(stop_clock_ms) < deadline)); do sleep 0.05; done
        [[ -z $(running_of "$pid") ]] || echo "$pid"
    done
}

# describe <pid>: "123 (java) 124 (socat)" for what still runs of it.
describe() {
    local p comm
    for p in $(running_of "$1"); do
        { read -r comm <"/proc/$p/comm"; } 2>/dev/null && printf '%s (%s) ' "$p" "$comm"
    done
}

# stop_processes <timeout seconds> <pid>...: SIGTERM to every pid (and its group), wait up to <timeout>
# for all of them to exit, then SIGKILL what is left and wait for that too. Says through the caller's
# log() what had to be killed; returns 1 if anything outlived even SIGKILL. The caller checks that each
# pid is still its own program (pids get reused).
stop_processes() {
    local timeout=$1 pid pids=() killed survivors
    shift
    for pid in "$@"; do
        # never 0 (our own group) or 1 (init): a pid file may hold anything
        if [[ $pid =~ ^[0-9]+$ ]] && ((pid > 1)); then pids+=("$pid"); signal_group TERM "$pid"; fi
    done
    ((${#pids[@]})) || return 0
    killed=$(await_gone $(($(stop_clock_ms) + timeout * 1000)) "${pids[@]}")
    [[ -n $killed ]] || return 0
    for pid in $killed; do
        log "still running ${timeout}s after SIGTERM, sending SIGKILL: $(describe "$pid")"
        signal_group KILL "$pid"
    done
    # shellcheck disable=SC2086 # one pid a word
    survivors=$(await_gone $(($(stop_clock_ms) + STOP_KILL_WAIT * 1000)) $killed)
    [[ -z $survivors ]] || { log "still running after SIGKILL: pid ${survivors//$'\n'/ }"; return 1; }
}
