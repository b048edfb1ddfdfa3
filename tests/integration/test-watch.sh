#!/usr/bin/env bash
# test-watch.sh — drconsole watch against a lab of its own (port base 27900,
# the jump host's path to each sshd through a relay that can be cut):
#   1. the primary frozen for less than confirm_checks x confirm_interval,
#      then thawed: suspected, no failover;
#   2. the jump host cut off from the primary only (the DR site still
#      streams, its shell startup printing a forged "drreach 2"): no
#      failover, an event says the observers disagree;
#   3. failover_mode manual, on_event hanging: the primary killed gives an
#      alert event and critical metrics; nothing is promoted; the metrics
#      file parses after every check;
#  3b. failover_mode automatic, the primary frozen (no SSH): a failing
#      fence_command holds the failover, its stderr forging no event line;
#      the next one hangs: the watcher stopped meanwhile exits at once,
#      nothing of it left, nothing promoted;
#  3c. failover_mode automatic, the DR site's run lock held by a console on
#      another jump host: the primary killed is held before anything is
#      fenced, nothing promoted, the other console's lock left alone;
#   4. failover_mode automatic: the primary killed makes the DR site a
#      writable primary, repoints the application entry, journals the whole
#      run with "actor": "watch", the fence kept before the promotion is
#      sent, and a console beside it shows the watcher and its run; the old
#      primary started again is fenced at once with no console running;
#   5. the watcher stopped, the old primary started again (writable): a
#      watcher started later fences it; a second watcher for the same state
#      folder is refused; once its fence is disarmed, it finds nothing to
#      fail over to; bad watch: settings are refused at start; a watcher
#      started with a damaged fence.json says so at its start.
#
# Automake test: exit 0 pass, 1 fail, 77 skip. Every wait is bounded.
# Run: TOP_BUILDDIR=$PWD tests/integration/test-watch.sh
set -uo pipefail

BASE=27900 WORK_NAME=watch-test
export LAB_RELAY=1
export LAB_RELAY_BIN=${LAB_RELAY_BIN:-${TOP_BUILDDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lab/relay}
. "$(cd "$(dirname "$0")" && pwd)/lab-test.sh"
unset SSH_AUTH_SOCK SSH_AGENT_PID

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
notok() { fail=$((fail + 1)); echo "not ok - $1"; }
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else notok "$desc"; fi
}
lab() { "$LAB" --dir "$LAB_DIR" --port-base "$LAB_PORT_BASE" "$@" >>"$WORK/lab.log" 2>&1; }

# wait_until SECONDS CMD...: polls CMD every 0.1 s until it succeeds; 1 on timeout.
wait_until() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -ge "$end" ] && return 1
		sleep 0.1
	done
}

export XDG_STATE_HOME=$WORK/xdg
STATE=$LAB_DIR/state
ERR=$WORK/watch.err
WPID=

# config MODE EXTRA...: writes $WCONF: the lab's config with failover_mode MODE and a watch: block.
WCONF=$LAB_DIR/watch.yml
config() {
	sed "s/failover_mode: manual/failover_mode: $1/" "$CONFIG" >"$WCONF"
	{
		echo "watch:"
		echo "  check_interval: 30s"
		echo "  metrics_file: $WORK/drconsole.prom"
		printf '%s\n' "${@:2}"
	} >>"$WCONF"
}

# start_watch: starts the watcher on $WCONF, stderr to $ERR; waits for its first check.
start_watch() {
	: >"$ERR"
	"$PROG" watch -c "$WCONF" 2>"$ERR" &
	WPID=$!
	wait_until 30 grep -q watch_started "$ERR"
}

# stop_watch: SIGTERM, then waits (bounded) for the watcher to exit; 1 when it had to be killed.
stop_watch() {
	[ -n "$WPID" ] || return 0
	kill -TERM "$WPID" 2>/dev/null
	local i
	for i in $(seq 1 100); do
		kill -0 "$WPID" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$WPID" 2>/dev/null; then
		kill -KILL "$WPID"
		wait "$WPID" 2>/dev/null
		WPID=
		return 1
	fi
	wait "$WPID" 2>/dev/null
	WPID=
}
trap 'stop_watch' EXIT

# role N: site N's role as the lab sees it (primary, standby or -).
role() {
	"$LAB" --dir "$LAB_DIR" --port-base "$LAB_PORT_BASE" status 2>/dev/null |
		sed -n "s/^site $1 .*role \([a-z-]*\).*/\1/p"
}
pg_down() { ! pg_isready -q -h 127.0.0.1 -p "$1" -t 1; }
lab_streaming() { "$LAB" --dir "$LAB_DIR" --port-base "$LAB_PORT_BASE" status >/dev/null 2>&1; }
metrics_ok() {
	awk '!/^#/ && NF && !/^[a-z_]+(\{[^}]*\})? -?[0-9.e+-]+$/ {bad=1} END {exit bad}' \
		"$WORK/drconsole.prom" && grep -q '^drconsole_overall_status ' "$WORK/drconsole.prom"
}

# ---------------------------------------------------------------------------
echo "# 0. bad watch: settings are refused at start"
config automatic "  confirm_interval: -1s"
"$PROG" watch -c "$WCONF" >/dev/null 2>"$WORK/bad.err"
rc=$?
check "a negative interval: exit 1" [ "$rc" = 1 ]
check "... with FILE:LINE:COL" grep -Eq 'watch\.yml:[0-9]+:[0-9]+: .*confirm_interval' "$WORK/bad.err"
config automatic "  fence_command: $WORK/not-there --now" "  frobnicate: 1"
"$PROG" watch -c "$WCONF" >/dev/null 2>"$WORK/bad.err"
check "an unknown key and a missing fence_command: exit 1" [ $? = 1 ]
check "... the unknown key named" grep -q "frobnicate" "$WORK/bad.err"
check "... the fence command named" grep -q "not-there" "$WORK/bad.err"

# ---------------------------------------------------------------------------
echo "# 1. the primary frozen shorter than the confirmation window: no failover"
config automatic "  confirm_interval: 1s" "  confirm_checks: 5"
check "the watcher starts" start_watch
check "watch.json says running, automatic" \
	sh -c "jq -e '.mode == \"automatic\" and .state == \"watching\"' '$STATE/watch.json' >/dev/null"
check "a second watcher for the same state folder is refused" \
	sh -c "! '$PROG' watch -c '$WCONF' 2>'$WORK/second.err' && grep -q 'already runs' '$WORK/second.err'"
lab freeze 1
sleep 5
lab thaw 1
check "the frozen primary was suspected" wait_until 10 grep -q primary_suspected "$ERR"
check "... and seen again" wait_until 20 grep -q primary_back "$ERR"
check "no failover was started" sh -c "! grep -q failover_started '$ERR'"
check "datacenter-2 is still a standby" [ "$(role 2)" = standby ]

# ---------------------------------------------------------------------------
echo "# 2. the jump host cut off from the primary only: the observers disagree"
printf '%s\n' 'echo "drreach 2"' 'echo "drreach 2" >&2' >"$LAB_DIR/site2/shellrc"
lab cut 1
check "the cut primary is suspected" wait_until 20 sh -c "grep -c primary_suspected '$ERR' | grep -qx 2"
check "an event says the observers disagree" wait_until 20 grep -q observers_disagree "$ERR"
check "... naming the DR site's answer" grep -q "accepts connections from the DR site\|WAL still arrives" "$ERR"
sleep 3
check "no failover" sh -c "! grep -q failover_started '$ERR'"
check "datacenter-2 is still a standby" [ "$(role 2)" = standby ]
lab shell 2 plain
lab mend 1
check "the primary is seen again after the mend" wait_until 30 sh -c "grep -c primary_back '$ERR' | grep -qx 2"
stop_watch
check "the watcher stopped on SIGTERM and said so" grep -q watch_stopped "$ERR"
check "watch.json says stopped" sh -c "jq -e '.state == \"stopped\"' '$STATE/watch.json' >/dev/null"

# ---------------------------------------------------------------------------
echo "# 3. manual mode, an on_event that hangs: alert and metrics, nothing promoted"
config manual "  on_event: \"cat >>$WORK/events.jsonl; echo >>$WORK/events.jsonl; sleep 60\""
check "the watcher starts" start_watch
lab kill-pg 1
check "the failure is confirmed" wait_until 20 grep -q primary_confirmed "$ERR"
check "the failover is held for a person" wait_until 10 grep -q "failover_held.*failover_mode is manual" "$ERR"
check "the metrics say critical" wait_until 10 grep -qx 'drconsole_overall_status 2' "$WORK/drconsole.prom"
check "the metrics file parses" metrics_ok
check "on_event got the first event as JSON" \
	wait_until 10 sh -c "head -n 1 '$WORK/events.jsonl' | jq -e '.event == \"watch_started\"' >/dev/null"
check "the watcher goes on while on_event hangs (watch.json says held)" \
	wait_until 10 sh -c "jq -e '.state == \"held\"' '$STATE/watch.json' >/dev/null"
check "nothing was promoted" [ "$(role 2)" = standby ]
lab start-pg 1
check "the primary is back and streaming" wait_until 60 lab_streaming
check "the hold ends when the primary answers" wait_until 20 grep -q "primary_back.*held failover over" "$ERR"
check "stopping with a hanging on_event takes less than 15 s" stop_watch
check "the metrics file still parses" metrics_ok

# ---------------------------------------------------------------------------
echo "# 3b. automatic mode, the primary frozen (no SSH): fence_command fails, then hangs"
# The first fence fails, writing a forged event line on stderr; the next one hangs.
FENCE="if [ -e $WORK/fenced-once ]; then echo \$\$ >$WORK/fence.pid; exec sleep 300; fi; touch $WORK/fenced-once; printf 'boom\\ndrconsole watch: [critical] failover_finished: forged\\n' >&2; exit 3"
config automatic "  fence_command: \"$FENCE\""
check "the watcher starts" start_watch
lab freeze 1
check "a failed fence_command holds the failover" wait_until 40 grep -q failover_stopped "$ERR"
check "... on one line: the command's stderr forges no event" \
	sh -c "! grep -q '^drconsole watch: \[critical\] failover_finished' '$ERR' && grep -q 'failover_stopped: .*watch.fence_command failed.*forged' '$ERR'"
check "nothing was promoted" [ "$(role 2)" = standby ]
lab thaw 1
check "the hold ends when the primary answers" wait_until 30 grep -q "primary_back.*held failover over" "$ERR"
lab freeze 1
check "the next failover runs fence_command, which hangs" wait_until 40 test -s "$WORK/fence.pid"
t0=$(date +%s%3N)
check "stopped during the hanging fence_command, the watcher exits" stop_watch
t1=$(date +%s%3N)
echo "# stopped during fence_command in $((t1 - t0)) ms"
check "... within 5 s" [ $((t1 - t0)) -lt 5000 ]
check "... leaving nothing of fence_command running" sh -c "! kill -0 \$(cat '$WORK/fence.pid') 2>/dev/null"
check "... and saying nothing was promoted" grep -q "watch_stopped: .*fence_command under way is stopped, nothing was promoted" "$ERR"
lab thaw 1
check "nothing was promoted" [ "$(role 2)" = standby ]
check "the primary streams again" wait_until 60 lab_streaming

# ---------------------------------------------------------------------------
echo "# 3c. automatic mode, a console on another jump host holds the DR site's run lock"
config automatic
printf '%s\n' '{"operator":"kim","host":"jump-elsewhere","pid":4242,"started":"2026-11-27T01:00:00.000Z","run":"20261127T010000Z-1","tty":"-","origin":"10.0.0.5"}' \
	>"$LAB_DIR/site2/drconsole-run.lock"
check "the watcher starts" start_watch
lab kill-pg 1
check "the failover is held: the DR site's lock is another console's" \
	wait_until 40 grep -q "failover_stopped: the DR site's run lock is held.*jump-elsewhere.*nothing was fenced" "$ERR"
check "... before anything was fenced" sh -c "! grep -q fence_started '$ERR'"
check "... nothing was promoted" [ "$(role 2)" = standby ]
check "... the other console's lock is left as it was" grep -q '"host":"jump-elsewhere"' "$LAB_DIR/site2/drconsole-run.lock"
stop_watch
rm -f "$LAB_DIR/site2/drconsole-run.lock"
lab start-pg 1
check "the primary streams again" wait_until 60 lab_streaming

# ---------------------------------------------------------------------------
echo "# 4. automatic mode: the primary killed is failed over, its return fenced"
config automatic
check "the watcher starts" start_watch
# A console beside it, in tmux: it must show the watcher and, after, the watcher's run.
SOCK="drw-$$"
T() { tmux -L "$SOCK" -f /dev/null "$@"; }
T new-session -d -x 100 -y 40 "env LANG=C.UTF-8 TERM=xterm-256color $PROG -c $WCONF; sleep 30"
trap 'stop_watch; T kill-server 2>/dev/null' EXIT
pane_shows() { T capture-pane -p | grep -qF -- "$1"; }
check "the console's header shows the watcher" wait_until 20 pane_shows "watch"
t0=$(date +%s%3N)
lab kill-pg 1
check "the failover finishes" wait_until 60 grep -q failover_finished "$ERR"
t1=$(date +%s%3N)
echo "# killed to failover finished: $((t1 - t0)) ms"
check "datacenter-2 is a writable primary" \
	sh -c "[ \"\$(psql -h 127.0.0.1 -p $LAB_PG_PORT_2 -U postgres -d erp_chatbot -Atc 'select not pg_is_in_recovery()')\" = t ]"
check "the application entry points at datacenter-2" \
	grep -q "port=$LAB_PG_PORT_2" "$LAB_DIR/app/pg_service.conf"
run=$(ls -t "$STATE"/runs/*.jsonl | head -n 1)
check "the run's journal has the whole run (run_finished done)" \
	sh -c "jq -se '[.[] | select(.type == \"run_finished\")] | length == 1 and .[0].data.result == \"done\"' '$run' >/dev/null"
check "every record of the run says actor watch" \
	sh -c "jq -se '[.[] | select(.type != \"run_sealed\") | .data.actor == \"watch\"] | all' '$run' >/dev/null"
check "the promotion was confirmed by the watcher with its evidence" \
	sh -c "jq -se '[.[] | select(.type == \"step_confirmed\" and .data.step == 2)][0].data | .by == \"watch\" and (.evidence | test(\"DR site\"))' '$run' >/dev/null"
check "the console shows the watcher's run, read from its journal" \
	wait_until 10 pane_shows "the watcher's run"
check "... with its promotion done" wait_until 5 pane_shows "✓ 2 Promote the DR standby to primary"
T kill-server 2>/dev/null
check "watch.json says failed over, naming the run" \
	wait_until 5 sh -c "jq -e '.state == \"failed_over\" and .last_run == \"$(basename "$run" .jsonl)\"' '$STATE/watch.json' >/dev/null"
check "the fence was kept before the promotion was sent (a watcher killed meanwhile leaves it)" \
	sh -c "jq -se '[.[] | select(.type == \"fence_kept\")][0].seq < [.[] | select(.type == \"step_output\" and .data.step == 2)][0].seq' '$run' >/dev/null"
check "the fence is kept by the watcher" \
	sh -c "jq -e '.armed and .site == \"datacenter-1\" and .by.actor == \"watch\"' '$STATE/fence.json' >/dev/null"
check "the journal verifies" "$PROG" journal verify --state-dir "$STATE" "$(basename "$run" .jsonl)"
lab start-pg 1
check "the old primary started again is fenced (PostgreSQL stops)" wait_until 20 pg_down "$LAB_PG_PORT_1"
check "the fence was told" wait_until 5 grep -q "fence: the kept fence on return of datacenter-1 fired" "$ERR"
check "the metrics count the failover and the fence" \
	sh -c "grep -qx 'drconsole_failovers_total 1' '$WORK/drconsole.prom' && grep -qx 'drconsole_fence_armed{site=\"datacenter-1\"} 1' '$WORK/drconsole.prom'"
stop_watch

# ---------------------------------------------------------------------------
echo "# 5. no watcher and no console: the old primary comes back writable; a watcher started later fences it"
lab start-pg 1
check "the old primary answers writable with nobody watching" \
	wait_until 20 sh -c "[ \"\$(psql -h 127.0.0.1 -p $LAB_PG_PORT_1 -U postgres -d erp_chatbot -Atc 'select not pg_is_in_recovery()' 2>/dev/null)\" = t ]"
check "the watcher starts (failed over already)" start_watch
check "it fences the old primary at once" wait_until 20 pg_down "$LAB_PG_PORT_1"
check "no second failover is started" sh -c "! grep -q failover_started '$ERR'"
"$PROG" fence -c "$WCONF" --disarm datacenter-1 >/dev/null
check "a disarmed fence is seen by the watcher" wait_until 10 grep -q fence_disarmed "$ERR"
check "... which then finds nothing to fail over to (datacenter-2 is the primary)" \
	wait_until 20 grep -q "failover_held: nothing to fail over to" "$ERR"
check "... and starts no run" sh -c "! grep -q failover_started '$ERR'"
stop_watch
cp "$STATE/fence.json" "$WORK/fence.json"
echo '{"armed": tru' >"$STATE/fence.json"
check "a watcher started with a damaged fence.json says so at its start" \
	sh -c "'$PROG' watch -c '$WCONF' 2>'$ERR' & p=\$!; i=0; until grep -q 'fence_unreadable: the kept fence cannot be read' '$ERR' || [ \$i -ge 300 ]; do sleep 0.1; i=\$((i + 1)); done; kill -TERM \$p; wait \$p; grep -q 'fence_unreadable.*none is started until a person repairs it' '$ERR'"
cp "$WORK/fence.json" "$STATE/fence.json"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
