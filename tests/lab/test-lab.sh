#!/usr/bin/env bash
# test-lab.sh — checks that lab.sh brings up a real two-site lab, injects its
# faults and tears everything down again.
#
# Automake test: exit 0 pass, 1 fail, 77 skip (sshd or PostgreSQL missing).
# Uses its own port base (LAB_TEST_PORT_BASE, default 25500) and its own folder.
# Functions run through check/eventually; remote commands are single-quoted.
# shellcheck disable=SC2317,SC2016
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
LAB=$HERE/lab.sh
BASE=${LAB_TEST_PORT_BASE:-25500}
DIR=/tmp/drlab-test.$(id -u).$BASE
ME=$(id -un)

. "$HERE/lab-test-lib.sh"

# lab_ssh N CMD [SSH-OPTIONS...]: strict, non-interactive ssh to site N
# (given up after 10 s).
lab_ssh() {
    local n=$1 cmd=$2 port
    shift 2
    port=$((BASE + n))
    timeout 10 ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=yes \
        -o UserKnownHostsFile="$DIR/known_hosts" -o IdentitiesOnly=yes \
        -i "$DIR/id_ed25519" "$@" -p "$port" "$ME@127.0.0.1" "$cmd"
}

# sql N QUERY: one value from site N's erp_chatbot.
sql() { lab psql "$1" -A -t -q -c "$2" 2>/dev/null; }

# equals EXPECTED CMD...: true if CMD prints EXPECTED.
equals() { local want=$1; shift; [ "$("$@")" = "$want" ]; }

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

# check_backups N: 4 dumps, 2 of them older than 30 days, newest readable.
check_backups() {
    local dir=$DIR/site$1/backup total old fresh
    total=$(find "$dir" -name 'db_backup_*.dump' | wc -l)
    old=$(find "$dir" -name 'db_backup_*.dump' -mtime +30 | wc -l)
    fresh=$(printf '%s\n' "$dir"/db_backup_*.dump | sort | tail -n 1)
    [ "$total" -eq 4 ] && [ "$old" -eq 2 ] &&
        "$LAB_PG_BINDIR/pg_restore" --list "$fresh" >/dev/null
}

# check_files: drconsole.yml and known_hosts describe both sites.
check_files() {
    local n
    for n in 1 2; do
        grep -q "^  - name: datacenter-$n\$" "$DIR/drconsole.yml" &&
        grep -q "^      port: $((BASE + n))\$" "$DIR/drconsole.yml" &&
        grep -q "^      port: $((BASE + 10 + n))\$" "$DIR/drconsole.yml" &&
        grep -q "^      dir: $DIR/site$n/backup\$" "$DIR/drconsole.yml" &&
        grep -q "^\[127.0.0.1\]:$((BASE + n)) ssh-ed25519 AAAA" "$DIR/known_hosts" || return 1
    done
    grep -q "^      user: $ME\$" "$DIR/drconsole.yml"
}

# pg_ready N: true if site N's PostgreSQL accepts connections.
pg_ready() { "$LAB_PG_BINDIR/pg_isready" -q -t 2 -h 127.0.0.1 -p $((BASE + 10 + $1)); }

# cleanup: EXIT trap; always take the lab down.
cleanup() { lab down >/dev/null 2>&1 || lab down || true; }

# ---------------------------------------------------------------------------

if ! "$LAB" check >/dev/null 2>&1; then
    echo "SKIP: this machine lacks what the lab needs:"
    "$LAB" check 2>&1 | sed 's/^/# /'
    # In CI everything is installed: a skip there hides a broken setup.
    [ "${CI:-}" = true ] && exit 1
    exit 77
fi

START=$SECONDS
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP
# A lab left over by an interrupted run of this test.
lab down >/dev/null 2>&1 || true

t0=$(now_ms)
check "up" logged lab up
echo "# up took $(( $(now_ms) - t0 )) ms"
if [ ! -f "$DIR/lab.env" ]; then
    echo "Bail out! the lab did not come up"
    exit 1
fi
# shellcheck source=/dev/null
. "$DIR/lab.env"

check "drconsole.yml and known_hosts describe both sites" check_files
check "up again on a running lab is harmless" logged lab up
check "status says up and streaming" logged lab status
check "primary has one standby streaming" equals "1|streaming" \
    sql 1 "SELECT count(*), string_agg(state, ',') FROM pg_stat_replication"
check "site 2 is in recovery" equals t sql 2 "SELECT pg_is_in_recovery()"
check "site 2 has the pgbench rows" \
    eventually 20 equals 100000 sql 2 "SELECT count(*) FROM pgbench_accounts"

for n in 1 2; do
    check "ssh to site $n runs in site $n" equals "$n" lab_ssh "$n" 'echo $LAB_SITE'
done
for n in 1 2; do
    check "site $n backups: 4 dumps, 2 expired, newest restorable" check_backups "$n"
done

check "freeze 2" logged lab freeze 2
t0=$(now_ms)
lab_ssh 2 'echo $LAB_SITE' -o ConnectTimeout=2 >/dev/null 2>&1
rc=$?
ms=$(( $(now_ms) - t0 ))
[ "$rc" -ne 0 ] && [ "$ms" -le 5500 ]
ok $? "ssh to frozen site 2 fails in ${ms} ms (rc $rc)"
check "thaw 2" logged lab thaw 2
check "ssh to site 2 works again after thaw" \
    equals 2 lab_ssh 2 'echo $LAB_SITE' -o ConnectTimeout=5

out=$(lab cut 1 2>&1)
rc=$?
[ "$rc" -ne 0 ] && grep -q "runs without relays" <<<"$out"
ok $? "cut is refused on a lab started without relays"

check "rekey 1" logged lab rekey 1
out=$(lab_ssh 1 'echo $LAB_SITE' -o ConnectTimeout=5 2>&1)
rc=$?
[ "$rc" -ne 0 ] && grep -q "Host key verification failed" <<<"$out"
ok $? "strict ssh to site 1 fails on the changed host key"

check "kill-pg 1" logged lab kill-pg 1
! pg_ready 1
ok $? "pg_isready fails on site 1 after kill-pg"
check "start-pg 1" logged lab start-pg 1
check "pg_isready works on site 1 after start-pg" pg_ready 1
check "standby streams again after the primary restarts" \
    eventually 30 lab status

check "freeze 1 before down" logged lab freeze 1
t0=$(now_ms)
check "down" logged lab down
echo "# down took $(( $(now_ms) - t0 )) ms"
left=$(lab_procs_left)
[ -z "$left" ]
ok $? "no process mentions the lab after down"
[ -z "$left" ] || sed 's/^/# left: /' <<<"$left"
[ ! -e "$DIR" ]
ok $? "lab folder removed"
check "down again is harmless" logged lab down

echo "# total $((SECONDS - START)) s"
exit "$FAILED"
