#!/usr/bin/env bash
# 데이터센터 장애 and the split brain after it, in a real tmux against a lab of
# its own (port base 27000): the primary datacenter is frozen (SIGSTOP of its
# sshd and PostgreSQL); the run checks it is really down and the DR site
# healthy, the operator attests it is down and promotes the DR standby, the
# name in the lab's hosts file is pointed at the DR site, the DR services are
# verified; the new primary takes writes. Then the old primary thaws and
# answers writable again: the console must raise the split-brain alarm and
# fence it at once (fence_on_return), and no write the new primary
# acknowledged may be lost. Before all that, a run lock left on the DR site by a
# console on another jump host is taken over, by typing "takeover" only. After
# it, the fence outlives that console: a new one, with no run, fences the old
# primary started again, and disarms the kept fence only with its name typed.
set -uo pipefail
PORT_BASE=27000 SOCK_PREFIX=drs
. "$(cd "$(dirname "$0")" && pwd)/tmux-lib.sh"
trap 'T kill-server 2>/dev/null; lab thaw 1 >/dev/null 2>&1' EXIT

T new-session -d -x 110 -y 40 "env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color XDG_STATE_HOME=$LAB_DIR/xdg $prog -c $LAB_CONFIG; sleep 90"
check "the console is up with both sites" shows "datacenter-2 standby" 20
lab freeze 1 >/dev/null 2>&1
check "the frozen primary turns unreachable" shows "datacenter-1 unreachable" 20
# A run lock left on the DR site by a console on another jump host.
printf '%s\n' '{"operator":"kim","host":"jump-elsewhere","pid":4242,"started":"2026-11-27T01:00:00.000Z","run":"20261127T010000Z-1","tty":"-","origin":"10.0.0.5"}' \
	>"$LAB_DIR/site2/drconsole-run.lock"
T send-keys s
shows "number or name" 20
T send-keys 1 Enter Enter
check "the DR site's run lock is held: who, and that it cannot be told whether it runs" \
	shows "operator kim on host jump-elsewhere" 20
T send-keys take Enter
check "only the typed word takes it over" shows "Not taken over: type takeover." 20
check "the refused entry is cleared" shows "type takeover to take it: _" 5
T send-keys takeover Enter
check "the primary datacenter is confirmed down, the DR site healthy" shows "✓ 1 Check the health of both datacenters" 20
check "the promotion waits for an attestation" shows "attest that it is down and stays down" 20
T send-keys t
shows "type its name" 20
T send-keys datacenter-1 Enter
check "attested, the promotion awaits its confirmation" shows "2 Activate the DR site (promote its PostgreSQL)  0:00/10:00  awaiting confirmation" 20
T send-keys Enter
shows "type datacenter-2 to run it" 20
T send-keys datacenter-2 Enter
check "datacenter-2 is promoted" shows "✓ 2 Activate the DR site (promote its PostgreSQL)" 20
T send-keys Enter
shows "Enter runs it" 20
T send-keys Enter
# Right after the promotion the new primary's timeline may still be moving:
# the confirmation is then refused and shown again, and confirmed again.
for i in 1 2 3; do
	shows "✓ 3 Point the service's DNS name at the DR site" 5 && break
	T capture-pane -p | grep -qF "Refused: the primary, timeline" && T send-keys Enter
done
check "the service name points at the DR site" shows "✓ 3 Point the service's DNS name at the DR site" 20
if grep -q "erp-db.lab # datacenter-2" "$LAB_DIR/app/hosts"; then ok "the hosts file names datacenter-2"; else notok "the hosts file names datacenter-2"; fi
# update_dns is the lab's local step: it ran on this host through the console's local runner.
run=$(ls "$LAB_DIR"/state/runs/*.jsonl | sort | tail -n 1)
if grep '"type":"step_started"' "$run" | grep '"action":"update_dns"' | grep -q '"site":"local"'; then
	ok "update_dns ran on the jump host (site: local)"
else
	notok "update_dns ran on the jump host (site: local)"
fi
check "the DR site's services are verified; the run finishes" shows "(finished)" 20

# The new primary acknowledges writes.
lab psql 2 -qc "create table after_promotion (n int); insert into after_promotion select generate_series(1, 10)" >/dev/null 2>&1
acked=$(lab psql 2 -Atc "select count(*) from after_promotion" 2>/dev/null)
if [ "$acked" = 10 ]; then ok "the new primary acknowledged 10 writes"; else notok "the new primary acknowledged 10 writes ($acked)"; fi

# The old primary thaws, still a primary that accepts writes. Times count
# from the return of lab thaw (every process of the site continued by then).
# A poller tries the old primary from then on: the first refusal, after it
# answered again, is the fence taking effect.
lab thaw 1 >/dev/null 2>&1
t0=$(date +%s%N)
poll="$LAB_DIR/poll.out"
(
	end=$((SECONDS + 15))
	while [ "$SECONDS" -le "$end" ]; do
		if err=$(PGCONNECT_TIMEOUT=5 "$LAB_PG_BINDIR/psql" -X -h 127.0.0.1 -p "$LAB_PG_PORT_1" \
			-U postgres -d erp_chatbot -Atc "select 1" 2>&1 >/dev/null); then
			echo answered
		else
			echo "refused $(( ($(date +%s%N) - t0) / 1000000 )) $err" | head -n 1
			break
		fi
		sleep 0.05
	done >"$poll"
) &
poller=$!
check "the split-brain alarm is raised" shows "SPLIT BRAIN: datacenter-1 answers as a writable primary" 20
echo "# the alarm was on screen $(( ($(date +%s%N) - t0) / 1000000 )) ms after the thaw"
wait "$poller"
# Refused as a fence refuses: shutting down, a backend cut off during its start,
# or nothing listening any more.
stopped=$(grep -E '^refused [0-9]+ .*(shutting down|terminat|closed the connection|refused|No such file)' \
	"$poll" | cut -d' ' -f2)
if [ -n "$stopped" ]; then
	echo "# the old primary refused connections ${stopped} ms after the thaw (polled every 50 ms)"
	ok "the old primary is fenced (its PostgreSQL stopped)"
else
	notok "the old primary is fenced (its PostgreSQL stopped): $(tr '\n' ' ' <"$poll")"
fi
after=$(lab psql 2 -Atc "select count(*) from after_promotion" 2>/dev/null)
if [ "$after" = 10 ]; then ok "no write acknowledged by the new primary was lost"; else notok "writes on the new primary: $after of 10"; fi
last=$(ls "$LAB_DIR"/state/runs/*.jsonl | sort | tail -n 1)
if [ ! -e "$LAB_DIR/site2/drconsole-run.lock" ]; then ok "the DR site's run lock is given back when the run ends"; else notok "the DR site's run lock is given back when the run ends: $(cat "$LAB_DIR/site2/drconsole-run.lock")"; fi
if grep '"type":"lock_taken_over"' "$last" | grep -q 'jump-elsewhere'; then ok "the takeover is journaled with the previous holder"; else notok "the takeover is journaled with the previous holder"; fi
for t in attested fence_armed split_brain; do
	if grep -q "\"type\":\"$t\"" "$last"; then ok "journaled: $t"; else notok "journaled: $t"; fi
done
# The fence's own answer comes once the postmaster is seen gone, just after.
end=$((SECONDS + 10))
until grep '"type":"fence_on_return"' "$last" | grep -q '"ok":true' || [ "$SECONDS" -gt "$end" ]; do
	sleep 0.2
done
if grep '"type":"fence_on_return"' "$last" | grep -q '"ok":true'; then
	ok "journaled: fence_on_return, the fence succeeded"
else
	notok "journaled: fence_on_return, the fence succeeded"
fi
# The fence outlives this console: kept in the state folder, reported by status --json.
if grep '"type":"fence_kept"' "$last" | grep -q '"ok":true'; then ok "journaled: fence_kept"; else notok "journaled: fence_kept"; fi
fence=$("$prog" -c "$LAB_CONFIG" status --json --timeout 3 2>/dev/null | jq -c '.fence')
if echo "$fence" | jq -e '.armed == true and .site == "datacenter-1"' >/dev/null 2>&1; then
	ok "status --json: the old primary's fence is armed"
else
	notok "status --json: the old primary's fence is armed: $fence"
fi
# The fence's outcome is an event too (the overview layout shows more of them).
T send-keys 1
check "the fence's outcome is an event" shows "the fence on return of datacenter-1 worked" 10

# The fence outlives the console that promoted: it quits, and a new console
# (no run) keeps the fence. The old primary is started again, writable: the
# new console fences it, tells it, and journals it as a standalone action.
# Then F disarms it, only with the site's name typed.
T send-keys q
end=$((SECONDS + 15))
until [ "$(T list-panes -F '#{pane_current_command}' 2>/dev/null)" = sleep ] || [ "$SECONDS" -gt "$end" ]; do
	sleep 0.2
done
renew T -d -x 110 -y 40 "env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color TZ=UTC XDG_STATE_HOME=$LAB_DIR/xdg $prog -c $LAB_CONFIG; sleep 120"
check "a new console, with no run, shows the kept fence in its header" shows "fence kept: datacenter-1 (since" 20
"$prog" -c "$LAB_CONFIG" fence --disarm datacenter-2 >"$LAB_DIR/fence.out" 2>&1
rc=$?
"$prog" -c "$LAB_CONFIG" fence >/dev/null 2>&1
shown=$?
if [ "$rc" = 1 ] && [ "$shown" = 1 ]; then
	ok "fence --disarm with another site's name exits 1 and leaves the fence armed"
else
	notok "fence --disarm with another site's name exits 1 and leaves the fence armed (rc $rc): $(cat "$LAB_DIR/fence.out")"
fi
T send-keys f
check "f with the old primary not writable says the kept fence fires on its own" \
	shows "datacenter-1 does not answer as a writable primary now" 10
T send-keys Escape
actions_before=$(grep -l '"mode":"action"' "$LAB_DIR"/state/runs/*.jsonl 2>/dev/null | wc -l)
# The agent fires the kept fence only once it sees a writable primary: the
# event below proves the old primary came back before it was stopped (maybe
# before pg_ctl's own wait was over, which then fails).
lab start-pg 1 >/dev/null 2>&1
echo "# lab start-pg 1 exited $?"
t0=$(date +%s%N)
stopped=""
end=$((SECONDS + 20))
while [ "$SECONDS" -le "$end" ]; do
	if ! PGCONNECT_TIMEOUT=5 "$LAB_PG_BINDIR/psql" -X -h 127.0.0.1 -p "$LAB_PG_PORT_1" \
		-U postgres -d erp_chatbot -Atc "select 1" >/dev/null 2>&1; then
		stopped=$(( ($(date +%s%N) - t0) / 1000000 ))
		break
	fi
	sleep 0.1
done
if [ -n "$stopped" ]; then
	echo "# the old primary, started again, refused connections ${stopped} ms later"
	ok "the new console fences the old primary that came back (its PostgreSQL stopped within 20 s)"
else
	notok "the new console fences the old primary that came back (its PostgreSQL stopped within 20 s)"
fi
check "the kept fence's outcome is an event" shows "the kept fence on return of datacenter-1 fired" 15
end=$((SECONDS + 10))
action=""
until [ -n "$action" ] || [ "$SECONDS" -gt "$end" ]; do
	action=$(grep -l '"mode":"action"' "$LAB_DIR"/state/runs/*.jsonl 2>/dev/null |
		xargs -r grep -l '"type":"fence_on_return"' | xargs -r grep -l '"ok":true' | head -n 1)
	[ -n "$action" ] || sleep 0.2
done
actions_after=$(grep -l '"mode":"action"' "$LAB_DIR"/state/runs/*.jsonl 2>/dev/null | wc -l)
if [ -n "$action" ] && [ "$actions_after" -gt "$actions_before" ]; then
	ok "the fence is journaled as a standalone action (mode action, fence_on_return ok)"
else
	notok "the fence is journaled as a standalone action (mode action, fence_on_return ok)"
fi
T send-keys F
check "F asks for the fenced site's name" shows "type datacenter-1 to disarm the fence kept for datacenter-1" 10
T send-keys datacenter-2 Enter
check "a mistyped name is refused" shows "Refused: type exactly datacenter-1. The fence stays armed." 10
T send-keys datacenter-1 Enter
check "the site's name disarms it, and says so" shows "The fence kept for datacenter-1 is disarmed" 10
T send-keys Escape
check "the disarming is an event" shows "the kept fence of datacenter-1 disarmed by" 10
fence=$("$prog" -c "$LAB_CONFIG" status --json --timeout 3 2>/dev/null | jq -c '.fence')
if echo "$fence" | jq -e '.armed == false' >/dev/null 2>&1; then
	ok "status --json: the fence is disarmed"
else
	notok "status --json: the fence is disarmed: $fence"
fi
T send-keys f
check "f with no fence kept says why" shows "no fence is kept: a fence is kept after a promotion" 10
T send-keys Escape

finish
