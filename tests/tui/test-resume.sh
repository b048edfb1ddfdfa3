#!/usr/bin/env bash
# 데이터베이스 장애 with the console hung up (SIGHUP, a dropped SSH session) or
# killed (SIGKILL) right after each step is set going, in turn, and started
# again each time, in a real tmux against a lab of its own (port base 27100).
# Each time it offers the unfinished run and resumes it; a step caught running
# is settled by its check (or, with none, by the operator, who checks by hand).
# In the end no step was lost and none ran twice: one promotion (one timeline
# switch), one repointing of the service entry, a journal intact. Stopped
# before an operation left, a step is simply run again by the operator (r);
# stopped after, its check or the operator's own look settles it.
set -uo pipefail
PORT_BASE=27100 SOCK_PREFIX=drk
. "$(cd "$(dirname "$0")" && pwd)/tmux-lib.sh"
trap 'T kill-server 2>/dev/null' EXIT

# start: opens the console in a new tmux server.
start() {
	T kill-server 2>/dev/null
	sleep 0.3
	T new-session -d -x 110 -y 40 "env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color XDG_STATE_HOME=$LAB_DIR/xdg $prog -c $LAB_CONFIG; sleep 120"
}
# killnow: SIGKILL to the console, at once.
killnow() { pkill -KILL -P "$(T display-message -p '#{pane_pid}')" -x drconsole; }
# resume: starts the console again and resumes the unfinished run.
resume() {
	start
	shows "A run of 데이터베이스 장애 started" 20 || return 1
	T send-keys resume Enter
	shows "데이터베이스 장애  " 20
}
# settle STEP NAME: waits until step STEP is done, marking it done by hand when it is unknown without a check.
settle() {
	local end=$((SECONDS + 30))
	while [ "$SECONDS" -le "$end" ]; do
		T capture-pane -p | grep -qF "✓ $1 $2" && return 0
		if T capture-pane -p | grep -qF "? $1 $2  " && T capture-pane -p | grep -qF "unknown"; then
			T send-keys d # the operator checked by hand
		fi
		sleep 0.3
	done
	return 1
}

start
check "the console is up with both sites" shows "datacenter-2 standby" 20
lab kill-pg 1 >/dev/null 2>&1
shows "datacenter-1 down" 20

# Step 1 (no confirmation: it runs as the run starts).
T send-keys s
shows "number or name" 20
T send-keys 2 Enter Enter
shows "데이터베이스 장애  0:0" 20 # the run has begun: its first step goes at once
# A dropped SSH session to the jump host: SIGHUP, the same case as a kill.
pkill -HUP -P "$(T display-message -p '#{pane_pid}')" -x drconsole
check "hung up as step 1 ran: the run is offered again" resume
check "step 1 done" settle 1 "Verify that the standby is streaming and caught up"

# Step 2: the promotion, killed right after the typed confirmation.
shows "2 Promote the DR standby to primary  0:00/3:00  awaiting confirmation" 20
T send-keys Enter
shows "type datacenter-2" 20
T send-keys datacenter-2 Enter
killnow
check "killed as the promotion ran: the run is offered again" resume
# Killed before or after pg_promote reached PostgreSQL: the operator checks by
# hand, marks it done when it happened (d) or runs it again when it did not (r).
if [ "$(lab psql 2 -Atc 'select pg_is_in_recovery()' 2>/dev/null)" = f ]; then
	T send-keys d
else
	T send-keys r
	shows "type datacenter-2" 20 || { T send-keys Enter; shows "type datacenter-2" 20; }
	T send-keys datacenter-2 Enter
fi
check "step 2 done" shows "✓ 2 Promote the DR standby to primary" 20
if [ "$(lab psql 2 -Atc 'select timeline_id from pg_control_checkpoint()' 2>/dev/null)" = 2 ] ||
	[ "$(lab psql 2 -Atc 'select pg_is_in_recovery()' 2>/dev/null)" = f ]; then
	ok "datacenter-2 is promoted"
else
	notok "datacenter-2 is promoted"
fi

# Step 3: the service entry, killed right after its confirmation.
shows "3 Point the application's connection string at the new primary  0:00/5:00  awaiting confirmation" 20
T send-keys Enter
shows "Enter runs it" 20
T send-keys Enter
killnow
check "killed as the service entry was repointed: the run is offered again" resume
# Its check decides once its 10 s are up; had it not run at all, the operator runs it again.
done_or_retry "3 Point the application's connection string at the new primary" 20
check "step 3 done" shows "✓ 3 Point the application's connection string at the new primary" 20

# Step 4 runs by itself; the run ends.
check "the run finishes" shows "(finished)" 20

j=$(ls "$LAB_DIR"/state/runs/*.jsonl | sort | tail -n 1)
history=$(lab psql 2 -Atc "select count(*) from pg_ls_waldir() where name like '%.history'" 2>/dev/null)
if [ "$history" = 1 ]; then ok "datacenter-2 was promoted once (one timeline switch)"; else notok "datacenter-2 timeline switches: $history"; fi
points=$(grep -c "point-service" "$LAB_DIR/app/actions.log")
if [ "$points" = 1 ]; then ok "the service entry was repointed once"; else notok "the service entry was repointed $points times"; ls -l "$LAB_DIR/app" | sed 's/^/#   /'; cat "$LAB_DIR/app/pg_service.conf" | sed 's/^/#   /'; fi
resumes=$(jq -s '[.[] | select(.type == "run_resumed")] | length' "$j")
if [ "$resumes" = 3 ]; then ok "the run was resumed three times"; else notok "the run was resumed $resumes times"; fi
out=$("$prog" -c "$LAB_CONFIG" journal verify --last 2>&1)
if grep -q "chain intact" <<<"$out" && grep -q "last record: run_finished" <<<"$out"; then ok "the journal verifies"; else notok "the journal verifies: $out"; fi
finish
