#!/usr/bin/env bash
# 전체 시스템 다운 as a live drill, end to end through the console's keys, in
# a real tmux against a lab of its own (port base 29000): the primary fenced,
# the DR site promoted, services and data checked, then the failback the
# live drill ends with: the old primary rebuilt as a standby of the DR site
# (pg_rewind, its prerequisites explained), writes stopped on the DR site by
# a clean shutdown, the kept fence lifted (typed; the promotion back is
# refused while it is kept), the old primary promoted back and the DR site
# rejoined as its standby. A writer commits to a counter table before,
# during and after, recording every acknowledged commit. At the end: the
# original roles (status --json), every acknowledged commit present, the
# journal verifies, and the report shows the failback steps.
# With LAB_WAL_LOG_HINTS=off (set by the caller) the rebuild must take the
# pg_basebackup path instead, and the test checks that.
set -uo pipefail
PORT_BASE=${LIVEDRILL_PORT_BASE:-29000} SOCK_PREFIX=drl
. "$(cd "$(dirname "$0")" && pwd)/tmux-lib.sh"
acked="$LAB_DIR/acked"
# roles: each site's name and role from status --json, one line.
roles() { "$prog" -c "$LAB_CONFIG" status --json --timeout 5 2>/dev/null | jq -c '[.sites[] | [.name, .role]]'; }
# write_one N: one commit of value N, on whichever site takes it; recorded only once acknowledged.
write_one() {
	local s
	for s in 1 2; do
		if lab psql "$s" -Atc "INSERT INTO counter(v) VALUES ($1)" >/dev/null 2>&1; then
			echo "$1" >>"$acked"
			return 0
		fi
	done
	return 1
}
# writer: commits 1, 2, 3, ... until the stop file appears.
writer() { local n=1000; while [ ! -e "$LAB_DIR/stop-writer" ]; do n=$((n + 1)); write_one "$n"; sleep 0.05; done; }
# step_typed N SITE: confirms step N by typing SITE, then waits for it to be done.
step_typed() {
	shows "Enter: confirm" 120 || { notok "step $1 awaits its confirmation"; return 1; }
	T send-keys Enter
	shows "type $2 to run it:" 10 || { notok "step $1 asks for $2"; return 1; }
	T send-keys -l "$2"
	T send-keys Enter
	check "step $1 is done" shows "✓ $1 " "${3:-180}"
}
writer_pid=
trap 'T kill-server 2>/dev/null; touch "$LAB_DIR/stop-writer"; [ -n "$writer_pid" ] && wait "$writer_pid"' EXIT

lab psql 1 -Atc "CREATE TABLE counter(v int PRIMARY KEY)" >/dev/null
for n in $(seq 1 100); do write_one "$n"; done
check "before: 100 commits acknowledged" test "$(wc -l <"$acked")" = 100
roles_before=$(roles)
check "before: site 1 primary, site 2 standby" test "$roles_before" = '[["datacenter-1","primary"],["datacenter-2","standby"]]'
writer &
writer_pid=$!

T new-session -d -x 110 -y 40 "env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color XDG_STATE_HOME=$LAB_DIR/xdg $prog -c $LAB_CONFIG; sleep 600"
check "the console is up with both sites" shows "datacenter-2 standby" 20
T send-keys s
check "s offers the failback scenario" shows "failback  (5 steps" 20
T send-keys D1 Enter
shows "live or tabletop is asked next" 10
T send-keys Enter
shows "type live or tabletop:" 10
T send-keys -l live
T send-keys Enter
check "the live drill starts with the failback as its last 5 of 9 steps" shows "9 Rejoin the DR site as a standby" 30

step_typed 1 datacenter-1 60
step_typed 2 datacenter-2 120
check "the services are verified" shows "✓ 3 " 120
check "the data is verified" shows "✓ 4 " 300
check "the failback starts: the old primary's rebuild awaits" shows "Rebuild the old primary" 30
step_typed 5 datacenter-1 600
step_typed 6 datacenter-2 120
# The promotion back is refused while the fence is kept: skip ahead is not possible, so
# the refusal is proven on the journal of the lift (the fence was kept until then).
step_typed 7 datacenter-1 30
step_typed 8 datacenter-1 120
step_typed 9 datacenter-2 600
check "the drill finishes" shows "(finished)" 60
check "the hot wash asks what went well" shows "what went well:" 10
T send-keys -l "the failback kept every write"
T send-keys Enter
shows "what did not go well:" 10
T send-keys -l "nothing"
T send-keys Enter
shows "what / owner / due (YYYY-MM-DD):" 10
T send-keys -l "rehearse again / dba-lead / 2026-12-31"
T send-keys Enter
check "the hot wash is journaled" shows "hot wash journaled" 10

# After: more commits on the original primary, then the writer stops.
for n in $(seq 100001 100050); do write_one "$n"; done
touch "$LAB_DIR/stop-writer"
wait "$writer_pid"
writer_pid=
T send-keys q
sleep 2

check "after: site 1 primary, site 2 standby (status --json)" test "$(roles)" = '[["datacenter-1","primary"],["datacenter-2","standby"]]'
repl=$("$prog" -c "$LAB_CONFIG" status --json --timeout 5 2>/dev/null | jq -c '[.replication[] | [.from, .to, .state]]')
check "after: site 2 streams from site 1 ($repl)" test "$repl" = '[["datacenter-1","datacenter-2","streaming"]]'
n_acked=$(sort -u "$acked" | wc -l)
lab psql 1 -Atc "SELECT v FROM counter ORDER BY v" | sort >"$LAB_DIR/have"
lost=$(sort -u "$acked" | comm -23 - "$LAB_DIR/have" | wc -l)
during=$(awk '$1 > 1000 && $1 < 100001' "$acked" | wc -l)
echo "# $n_acked commits acknowledged ($during while the drill ran), $lost of them missing"
check "commits were acknowledged during the drill" test "$during" -gt 10
check "zero acknowledged commits lost" test "$lost" = 0
check "site 2 has every row of site 1" test "$(lab psql 2 -Atc 'SELECT count(*) FROM counter')" = "$(lab psql 1 -Atc 'SELECT count(*) FROM counter')"

last=$(ls "$LAB_DIR"/state/runs/*.jsonl | sort | tail -n 1)
method=pg_rewind want="rebuilt by pg_rewind"
[ "${LAB_WAL_LOG_HINTS:-on}" = off ] && want="rebuilt by pg_basebackup"
check "the rebuild says how it rebuilt ($want)" grep -qF "$want" "$last"
check "the rebuild explains pg_rewind's prerequisites" grep -qF "prerequisites of pg_rewind: wal_log_hints = ${LAB_WAL_LOG_HINTS:-on}" "$last"
check "the kept fence was lifted, journaled" test "$(jq -r 'select(.type == "fence_lifted") | .data.kept' "$last")" = true
check "no split brain was raised by the promotion back" test -z "$(jq -r 'select(.type == "split_brain") | .type' "$last")"
check "the DR site rejoined with its data kept (no rewind needed)" grep -qF "data folder kept (no rewind needed)" "$last"
out=$("$prog" -c "$LAB_CONFIG" journal verify --last 2>&1)
if grep -q "chain intact" <<<"$out"; then ok "the journal verifies"; else notok "the journal verifies: $out"; fi
rep=$("$prog" -c "$LAB_CONFIG" report --last 2>&1)
for want in "Rebuild the old primary" "Stop writes on the DR site" "Lift the old primary's fence" "Promote the original primary back" "Rejoin the DR site"; do
	if grep -qF -- "$want" <<<"$rep"; then ok "the report shows: $want"; else notok "the report shows: $want"; fi
done
[ "$fail" -eq 0 ] || echo "$rep" | sed 's/^/#   /' | head -n 80
finish
