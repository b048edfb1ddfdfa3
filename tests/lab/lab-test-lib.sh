# What the lab's own tests share (sourced after LAB, DIR and BASE are set):
# a bounded lab command, TAP-like assertions that remember a failure in
# FAILED, a bounded retry, the time in milliseconds, and output as comments.
# shellcheck shell=bash disable=SC2034
FAILED=0

# lab ARGS...: run lab.sh on this test's lab, bounded in time.
lab() { timeout 120 "$LAB" --dir "$DIR" --port-base "$BASE" "$@"; }

# ok STATUS DESCRIPTION: print one TAP-like line, remember failures.
ok() {
    if [ "$1" -eq 0 ]; then echo "ok - $2"
    else echo "not ok - $2"; FAILED=1; fi
}

# check DESCRIPTION CMD...: run CMD and report whether it succeeded.
check() {
    local what=$1
    shift
    "$@"
    ok $? "$what"
}

# eventually SECONDS CMD...: rerun CMD until it succeeds, at most SECONDS.
eventually() {
    local end=$((SECONDS + $1))
    shift
    until "$@" >/dev/null 2>&1; do
        [ "$SECONDS" -lt "$end" ] || return 1
        sleep 0.2
    done
}

# now_ms: the time in milliseconds.
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# logged CMD...: run CMD with its output shown as comments.
logged() { "$@" 2>&1 | sed 's/^/#   /'; }
