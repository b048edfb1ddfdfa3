#!/usr/bin/env bash
# test-relay.sh — the lab with relays (LAB_RELAY=1): the jump host reaches each
# site's sshd through tests/lab/relay, and "lab.sh cut 1" cuts the jump host
# off from the primary only. Checks that ssh and drconsole status go through
# the relays; that during the cut a new ssh to site 1 times out, a session
# already open hears nothing but is not reset, site 2 still reaches site 1
# (its WAL receiver streams, a row written on site 1 reaches it) and site 1's
# PostgreSQL answers on its own port; that "mend 1" closes the held session
# and lets ssh through again; and that "down", even during a cut, leaves no
# relay behind.
#
# Automake test: exit 0 pass, 1 fail, 77 skip (sshd, PostgreSQL or jq missing,
# and not in CI), 99 if the relay or drconsole is not built. Uses its own port
# base (RELAY_TEST_PORT_BASE, default 27800) and its own folder.
# shellcheck disable=SC2317,SC2016
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
SRCDIR=${TOP_SRCDIR:-$(cd "$HERE/../.." && pwd)}
BUILDDIR=${TOP_BUILDDIR:-$SRCDIR}
LAB=$HERE/lab.sh
PROG=$BUILDDIR/drconsole
BASE=${RELAY_TEST_PORT_BASE:-27800}
DIR=/tmp/drlab-relay.$(id -u).$BASE
ME=$(id -un)
export LAB_RELAY=1 LAB_RELAY_BIN=${LAB_RELAY_BIN:-$BUILDDIR/tests/lab/relay}
# Authentication must not depend on an agent.
unset SSH_AUTH_SOCK SSH_AGENT_PID

. "$HERE/lab-test-lib.sh"

# equals EXPECTED CMD...: true if CMD prints EXPECTED.
equals() { local want=$1; shift; [ "$("$@")" = "$want" ]; }

# jump_ssh N CMD [SSH-OPTIONS...]: strict, non-interactive ssh to site N through
# its relay, as the jump host reaches it (given up after 5 s).
jump_ssh() {
    local n=$1 cmd=$2 port
    shift 2
    port=$((BASE + 20 + n))
    timeout 5 ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=yes \
        -o UserKnownHostsFile="$DIR/known_hosts" -o IdentitiesOnly=yes \
        -i "$DIR/id_ed25519" -o ConnectTimeout=3 "$@" -p "$port" "$ME@127.0.0.1" "$cmd" </dev/null
}

# sql N QUERY: one value from site N's erp_chatbot (through its unix socket).
sql() { lab psql "$1" -A -t -q -c "$2" 2>/dev/null; }

# tcp_sql N QUERY: one value from site N's erp_chatbot over TCP on its own port.
tcp_sql() {
    timeout 10 "$LAB_PG_BINDIR/psql" -X -A -t -q -v ON_ERROR_STOP=1 \
        "host=127.0.0.1 port=$((BASE + 10 + $1)) user=postgres dbname=erp_chatbot connect_timeout=3" \
        -c "$2" 2>/dev/null
}

# relay_procs: print the relays of this lab still running ("PID ARGS").
relay_procs() {
    local listing
    listing=$(ps -e -o pid=,args=)
    awk -v p1="--listen $((BASE + 21)) " -v p2="--listen $((BASE + 22)) " \
        'index($0, p1) || index($0, p2)' <<<"$listing"
}

# lab_procs_left: print processes whose command line mentions DIR (not ours).
lab_procs_left() {
    local pid args listing
    listing=$(ps -e -o pid=,args=)
    while read -r pid args; do
        [ "$pid" = $$ ] && continue
        case $args in *"$DIR"*|"postgres: drlab-$((BASE + 11)):"*|"postgres: drlab-$((BASE + 12)):"*)
            echo "$pid $args" ;;
        esac
    done <<<"$listing"
}

# check_files: drconsole.yml points ssh at the relays, known_hosts accepts each
# site's key at its relay's port (the same key as at its sshd's), lab.env
# names the relay ports, and the standby still replicates from site 1's port.
check_files() {
    local n key_sshd key_relay
    for n in 1 2; do
        grep -q "^      port: $((BASE + 20 + n))  *#" "$DIR/drconsole.yml" || return 1
        grep -q "^      port: $((BASE + 10 + n))\$" "$DIR/drconsole.yml" || return 1
        ! grep -q "^      port: $((BASE + n))\$" "$DIR/drconsole.yml" || return 1
        key_sshd=$(awk -v h="[127.0.0.1]:$((BASE + n))" '$1 == h { print $2, $3 }' "$DIR/known_hosts")
        key_relay=$(awk -v h="[127.0.0.1]:$((BASE + 20 + n))" '$1 == h { print $2, $3 }' "$DIR/known_hosts")
        [ -n "$key_sshd" ] && [ "$key_sshd" = "$key_relay" ] || return 1
        grep -qx "LAB_RELAY_PORT_$n=$((BASE + 20 + n))" "$DIR/lab.env" || return 1
    done
    grep -q "port=$((BASE + 11))" "$DIR/site2/pgdata/postgresql.auto.conf"
}

# status_json: drconsole status --json on the lab's config (to $OUT).
status_json() {
    timeout 30 "$PROG" status -c "$DIR/drconsole.yml" --json --timeout 5 </dev/null >"$OUT" 2>&1
    return 0
}

# jq_true FILTER: true if FILTER holds on $OUT; shows the sites if not.
jq_true() {
    jq -e "$1" "$OUT" >/dev/null 2>&1 && return 0
    echo "#   sites: $(jq -c '[.sites[] | {name, role, reachable, error}]' "$OUT" 2>&1 | head -c 800)"
    return 1
}

# size FILE: its size in bytes (0 if it does not exist yet).
size() { wc -c <"$1" 2>/dev/null || echo 0; }

# session_ticks: true once the session has printed a few lines.
session_ticks() { [ "$(size "$DIR.session")" -ge 20 ]; }

# cleanup: EXIT trap; always take the lab down and stop the held session.
cleanup() {
    [ -z "${SESSION:-}" ] || kill "$SESSION" 2>/dev/null
    lab down >/dev/null 2>&1 || lab down || true
    rm -f "$DIR.session" "$DIR.status"
}

# ---------------------------------------------------------------------------

if [ ! -x "$LAB_RELAY_BIN" ] || [ ! -x "$PROG" ]; then
    echo "Bail out! $LAB_RELAY_BIN or $PROG is not built"
    exit 99
fi
if ! "$LAB" check >/dev/null 2>&1 || ! command -v jq >/dev/null 2>&1; then
    echo "SKIP: this machine lacks what the lab needs:"
    "$LAB" check 2>&1 | sed 's/^/# /'
    command -v jq >/dev/null 2>&1 || echo "# missing: jq"
    # In CI everything is installed: a skip there hides a broken setup.
    [ "${CI:-}" = true ] && exit 1
    exit 77
fi

START=$SECONDS
SESSION=
OUT=$DIR.status
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP
# A lab left over by an interrupted run of this test.
lab down >/dev/null 2>&1 || true

check "check names the relay" eval '"$LAB" check | grep -qF "relay $LAB_RELAY_BIN"'
check "up with LAB_RELAY=1" logged lab up
if [ ! -f "$DIR/lab.env" ]; then
    echo "Bail out! the lab did not come up"
    exit 1
fi
# shellcheck source=/dev/null
. "$DIR/lab.env"

check "drconsole.yml, known_hosts and lab.env name the relays" check_files
check "status shows both relays running" eval \
    'lab status | grep -cE ", relay running on :($((BASE + 21))|$((BASE + 22)))\$" | grep -qx 2'
for n in 1 2; do
    check "ssh to site $n through its relay" equals "$n" jump_ssh "$n" 'echo $LAB_SITE'
done
status_json
check "drconsole status through the relays: both sites reachable, streaming" jq_true '
    ([.sites[] | select(.reachable)] | length) == 2
    and (.replication[] | select(.from == "datacenter-1") | .state) == "streaming"'

# A session through site 1's relay, printing a line every 0.2 s until cut off.
timeout 120 ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=yes \
    -o UserKnownHostsFile="$DIR/known_hosts" -o IdentitiesOnly=yes -i "$DIR/id_ed25519" \
    -p $((BASE + 21)) "$ME@127.0.0.1" 'while :; do echo tick; sleep 0.2; done' \
    </dev/null >"$DIR.session" 2>&1 &
SESSION=$!
check "a session through site 1's relay runs" eventually 10 session_ticks

check "cut 1" logged lab cut 1
sleep 0.5
held=$(size "$DIR.session")
t0=$(now_ms)
jump_ssh 1 'echo $LAB_SITE' >/dev/null 2>&1
rc=$?
ms=$(( $(now_ms) - t0 ))
[ "$rc" -ne 0 ] && [ "$ms" -ge 2500 ] && [ "$ms" -le 5500 ]
ok $? "cut: a new ssh to site 1 through its relay times out in ${ms} ms (rc $rc)"
check "cut: ssh to site 2 through its relay still works" equals 2 jump_ssh 2 'echo $LAB_SITE'
[ "$(size "$DIR.session")" -eq "$held" ] && kill -0 "$SESSION" 2>/dev/null
ok $? "cut: the open session hears nothing more and is not reset ($held bytes)"
check "cut: site 2's WAL receiver still streams from site 1" \
    equals streaming sql 2 "SELECT status FROM pg_stat_wal_receiver"
check "cut: psql to site 1's own PostgreSQL port works" \
    equals t tcp_sql 1 "SELECT NOT pg_is_in_recovery()"
check "cut: a row written on site 1 reaches site 2" tcp_sql 1 \
    "CREATE TABLE relay_cut AS SELECT 'written during the cut'::text AS note"
check "cut: ... and site 2 has it" eventually 20 equals "written during the cut" \
    sql 2 "SELECT note FROM relay_cut"
check "cut: status shows site 1's relay cut, the lab still up and streaming" eval \
    'lab status >"$OUT.lab"; rc=$?; grep -q ", relay cut on :$((BASE + 21))\$" "$OUT.lab" && [ $rc -eq 0 ]'
rm -f "$OUT.lab"
t0=$(now_ms)
status_json
ms=$(( $(now_ms) - t0 ))
check "cut: drconsole status sees site 1 unreachable, site 2 reachable (${ms} ms)" jq_true '
    (.sites[] | select(.name == "datacenter-1") | .reachable) == false
    and (.sites[] | select(.name == "datacenter-2") | .reachable) == true'

check "mend 1" logged lab mend 1
check "mend: the held session is closed" eventually 10 eval '! kill -0 "$SESSION" 2>/dev/null'
wait "$SESSION" 2>/dev/null
SESSION=
check "mend: ssh to site 1 through its relay works again" equals 1 jump_ssh 1 'echo $LAB_SITE'
status_json
check "mend: drconsole status sees both sites again" jq_true \
    '([.sites[] | select(.reachable)] | length) == 2'

check "cut 1 again before down" logged lab cut 1
check "down" logged lab down
left=$(relay_procs; lab_procs_left)
[ -z "$left" ]
ok $? "no relay and no lab process left after down"
[ -z "$left" ] || sed 's/^/# left: /' <<<"$left"
[ ! -e "$DIR" ]
ok $? "lab folder removed"

echo "# total $((SECONDS - START)) s"
exit "$FAILED"
