#!/usr/bin/env bash
# drconsole watch benchmarks, each round in a fresh lab (port base 26500,
# through lab-run.sh). Figures only; nothing passes or fails on time:
#   failover  failover_mode automatic, the primary's postmaster killed
#             (lab.sh kill-pg 1): from the kill to the first INSERT
#             acknowledged by the DR site's PostgreSQL (a probe opens a fresh
#             connection every 100 ms, connect_timeout 1, and tries one), and
#             to the watcher's primary_suspected, primary_confirmed and
#             failover_finished events (their "ts" in its journal). The kill's
#             time is taken just before kill-pg is run; how long kill-pg took
#             is printed beside: the figures are at most that much long.
#             Goal at the default settings: under 5 s.
#               (a) check_interval 30s, confirm_interval 1s, confirm_checks 3
#                   (the defaults): BENCH_WATCH_ROUNDS rounds (5)
#               (b) check_interval 1s: BENCH_WATCH_FAST_ROUNDS rounds (3)
#   fence     after each failover round, the old primary started again
#             (lab.sh start-pg 1) with only the watcher running: how long it
#             accepts connections (pg_isready every 20 ms) before the kept
#             fence stops it. Goal: under 2 s.
#   idle      in one lab, all healthy: the watcher and the console
#             (drconsole -c CONFIG in tmux at 80x24) side by side for
#             BENCH_IDLE_SECONDS (60): CPU from /proc/PID/stat utime+stime
#             (% of one core; their reaped children's cutime+cstime beside
#             it) and VmRSS at the end.
# Usage: tests/bench/bench-watch.sh [BUILD_DIR]   (default: the current folder)
# Environment: BENCH_WATCH_ROUNDS, BENCH_WATCH_FAST_ROUNDS, BENCH_IDLE_SECONDS;
#              BENCH_WATCH_PARTS (default "a b idle") picks the parts.
# Exit status: 0, 1 when a round could not measure what it should, 77 when the
# machine lacks what the lab needs.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
BASE=26500

# tick: NOW, the wall clock in milliseconds since the epoch (no fork).
tick() {
	local t=${EPOCHREALTIME/[.,]/}
	NOW=$((t / 1000))
}
now_ms() {
	tick
	echo "$NOW"
}

# pace START_MS PERIOD_MS: sleeps what is left of a period begun at START_MS.
pace() {
	local left
	tick
	left=$(($2 - (NOW - $1)))
	[ "$left" -le 0 ] || sleep "0.$(printf '%03d' "$left")"
}

# ---------------------------------------------------------------------------
# Outside a lab: runs every round in a lab of its own and sums the figures up.
if [ "${1:-}" != --in-lab ]; then
	build=$(cd "${1:-.}" && pwd)
	prog=$build/drconsole
	if [ ! -x "$prog" ]; then
		echo "no $prog: build first"
		exit 1
	fi
	for c in jq tmux psql pg_isready; do
		command -v "$c" >/dev/null 2>&1 && continue
		echo "SKIP: $c is missing"
		[ "${CI:-}" = true ] && exit 1
		exit 77
	done
	rounds_a=${BENCH_WATCH_ROUNDS:-5}
	rounds_b=${BENCH_WATCH_FAST_ROUNDS:-3}
	parts=" ${BENCH_WATCH_PARTS:-a b idle} "
	res=$(mktemp -d "${TMPDIR:-/tmp}/bench-watch.XXXXXX")
	trap 'rm -rf "$res"' EXIT
	rc=0

	# in_lab ARGS...: this script again, inside a fresh lab; a lab left by an
	# interrupted run on the same port base is taken down first.
	in_lab() {
		timeout 60 "$here/../lab/lab.sh" --dir "/tmp/drlab-it.$(id -u).$BASE" \
			--port-base "$BASE" down >/dev/null 2>&1
		"$here/../integration/lab-run.sh" "$BASE" "$0" --in-lab "$build" "$res" "$@"
		local s=$?
		if [ "$s" = 77 ]; then
			exit 77
		fi
		[ "$s" = 0 ] || rc=1
	}

	echo "== drconsole watch, failover_mode automatic ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg) at the start)"
	echo "   goals: primary killed -> first acknowledged INSERT on the new primary under 5 s at the defaults;"
	echo "          the old primary started again accepts connections for under 2 s"
	case $parts in *" a "*)
		echo "-- (a) check_interval 30s, confirm_interval 1s, confirm_checks 3 (the defaults)"
		for i in $(seq "$rounds_a"); do in_lab failover a "$i"; done
		;;
	esac
	case $parts in *" b "*)
		echo "-- (b) check_interval 1s"
		for i in $(seq "$rounds_b"); do in_lab failover b "$i" "  check_interval: 1s"; done
		;;
	esac
	case $parts in *" idle "*)
		in_lab idle
		;;
	esac

	# stats NAME LABEL COLUMN: "NAME: min A s, median B s, max C s (N of M rounds)"
	# over COLUMN of the results of setting LABEL (ms, "-" when not measured).
	stats() {
		local all
		all=$(awk -v want="$2" '$1 == want' "$res/failover" | wc -l)
		awk -v want="$2" -v col="$3" '$1 == want && $col != "-" { print $col }' \
			"$res/failover" | sort -n | awk -v name="$1" -v all="$all" '
			{ v[NR] = $1 }
			END {
				if (NR == 0) { printf "   %-40s no figure (0 of %d rounds)\n", name, all; exit }
				med = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
				printf "   %-40s min %6.2f s, median %6.2f s, max %6.2f s (%d of %d rounds)\n",
					name, v[1] / 1000, med / 1000, v[NR] / 1000, NR, all
			}'
	}
	if [ -s "$res/failover" ]; then
		echo "== summary"
		for label in a b; do
			grep -q "^$label " "$res/failover" || continue
			case $label in
			a) echo "-- (a) the defaults" ;;
			b) echo "-- (b) check_interval 1s" ;;
			esac
			stats "kill -> first acknowledged INSERT" "$label" 3
			stats "kill -> primary_suspected" "$label" 4
			stats "kill -> primary_confirmed" "$label" 5
			stats "kill -> failover_finished" "$label" 6
			stats "fence: old primary accepting for" "$label" 7
		done
	fi
	[ ! -s "$res/idle" ] || cat "$res/idle"
	exit "$rc"
fi

# ---------------------------------------------------------------------------
# Inside a lab (lab.env exported): one part.
build=$2
res=$3
part=$4
shift 4
prog=$build/drconsole
unset PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGSERVICE PGSERVICEFILE PGOPTIONS \
	PGPASSFILE PGSSLMODE PGTARGETSESSIONATTRS PGCONNECT_TIMEOUT
work=$LAB_DIR/bench-watch # removed with the lab
mkdir -p "$work"
export XDG_STATE_HOME=$work/xdg
sock="drbw-$$"
wconf=$LAB_DIR/watch-bench.yml
err=$work/watch.err
wpid=
probe_pid=
poll_pid=
# The lab's own client programs: a wrapper in the PATH (Debian's pg_wrapper)
# can cost more per call than the 20 ms the fence poll allows.
psql=psql pg_isready=pg_isready
[ ! -x "$LAB_PG_BINDIR/psql" ] || psql=$LAB_PG_BINDIR/psql
[ ! -x "$LAB_PG_BINDIR/pg_isready" ] || pg_isready=$LAB_PG_BINDIR/pg_isready
T() { tmux -L "$sock" -f /dev/null "$@"; }
lab() { "$LAB_SCRIPT" --dir "$LAB_DIR" --port-base "$LAB_PORT_BASE" "$@" >>"$work/lab.log" 2>&1; }
conn() { echo "host=127.0.0.1 port=$1 user=postgres dbname=erp_chatbot connect_timeout=1"; }
sql() { timeout 10 "$psql" "$(conn "$1")" -XAtq -c "$2" 2>/dev/null; }

# wait_until SECONDS CMD...: polls CMD every 0.1 s until it succeeds; 1 on timeout.
wait_until() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -ge "$end" ] && return 1
		sleep 0.1
	done
}

# stop_bg PID: stops a loop started in the background here (it exits on
# SIGTERM), and the command it waits for.
stop_bg() {
	[ -n "$1" ] || return 0
	kill -TERM "$1" 2>/dev/null
	pkill -TERM -P "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# stop_watch: SIGTERM to the watcher, SIGKILL after 10 s.
stop_watch() {
	[ -n "$wpid" ] || return 0
	kill -TERM "$wpid" 2>/dev/null
	local i
	for i in $(seq 100); do
		kill -0 "$wpid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$wpid" 2>/dev/null; then
		echo "   the watcher did not stop on SIGTERM in 10 s: killed"
		kill -KILL "$wpid" 2>/dev/null
	fi
	wait "$wpid" 2>/dev/null
	wpid=
}

# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
	stop_bg "$probe_pid"
	stop_bg "$poll_pid"
	stop_watch
	T kill-server 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# config EXTRA...: $wconf, the lab's config with failover_mode automatic and a
# watch: block (the defaults written out, then EXTRA lines, which win).
config() {
	sed 's/failover_mode: manual/failover_mode: automatic/' "$LAB_CONFIG" >"$wconf"
	{
		echo "watch:"
		local k
		for k in "check_interval: 30s" "confirm_interval: 1s" "confirm_checks: 3"; do
			case " $* " in *" ${k%%:*}:"*) continue ;; esac
			echo "  $k"
		done
		printf '%s\n' "$@"
	} >>"$wconf"
}

# start_watch: the watcher on $wconf, stderr to $err; waits for watch_started.
start_watch() {
	: >"$err"
	"$prog" watch -c "$wconf" 2>"$err" &
	wpid=$!
	wait_until 30 grep -q watch_started "$err"
}

lab_streaming() { "$LAB_SCRIPT" --dir "$LAB_DIR" --port-base "$LAB_PORT_BASE" status >/dev/null 2>&1; }
on_standby() { [ "$(sql "$LAB_PG_PORT_2" "SELECT to_regclass('bench_watch') IS NOT NULL")" = t ]; }

# probe OUT: every 100 ms a fresh connection to the DR site's PostgreSQL tries
# one INSERT; each failure's message goes to OUT.last and a count to OUT.tries;
# the first acknowledged one writes "START_MS ACK_MS" to OUT, and the probe ends.
probe() {
	local out=$1 t n=0
	trap 'exit 0' TERM
	while :; do
		tick
		t=$NOW
		if timeout 5 "$psql" "$(conn "$LAB_PG_PORT_2")" -XAtq -v ON_ERROR_STOP=1 \
			-c "INSERT INTO bench_watch (note) VALUES ('probe')" >/dev/null 2>"$out.err"; then
			tick
			echo "$t $NOW" >"$out.new" && mv "$out.new" "$out"
			return 0
		fi
		n=$((n + 1))
		mv "$out.err" "$out.last"
		echo "$n" >"$out.tries"
		pace "$t" 100
	done
}

# poll_ready PORT OUT: pg_isready on PORT every 20 ms; appends "MS STATUS" to
# OUT whenever the status changes (0 accepting, 1 rejecting, 2 no response).
poll_ready() {
	local last=x rc t
	trap 'exit 0' TERM
	while :; do
		tick
		t=$NOW
		"$pg_isready" -q -h 127.0.0.1 -p "$1" -t 1
		rc=$?
		if [ "$rc" != "$last" ]; then
			echo "$t $rc" >>"$2"
			last=$rc
		fi
		pace "$t" 20
	done
}

# journal_ms EVENT AFTER_MS [TEXT]: the "ts" (ms) of the watcher's first EVENT
# journaled at or after AFTER_MS (its text holding TEXT), or "-".
journal_ms() {
	local v
	v=$(cat "$LAB_DIR"/state/watch/runs/*.jsonl 2>/dev/null | jq -r --arg e "$1" --arg t "${3:-}" \
		--argjson after "$2" '
		select(.type == "watch_event" and .data.event == $e and (.data.text | contains($t)))
		| ((.ts[0:19] + "Z" | fromdateiso8601) * 1000 + (.ts[20:23] | tonumber))
		| select(. >= $after)' 2>/dev/null | head -n 1)
	echo "${v:--}"
}

# since T0 T1: T1 - T0 in ms, or "-" when T1 is "-".
since() { if [ "$2" = - ]; then echo -; else echo $(($2 - $1)); fi; }
# secs MS: MS as seconds with two decimals, or "-".
secs() { if [ "$1" = - ]; then echo "-"; else awk -v m="$1" 'BEGIN { printf "%.2f s", m / 1000 }'; fi; }

# fence_on_return ROUND: the old primary started again, pg_isready on its port
# every 20 ms from before start-pg; sets accepting (ms); 1 when not measured.
fence_on_return() {
	local round=$1 fence=$work/ready s0 s1 accept=- stop=- gone=- fired rc=0
	poll_ready "$LAB_PG_PORT_1" "$fence" 2>/dev/null &
	poll_pid=$!
	wait_until 10 test -s "$fence"
	s0=$(now_ms)
	timeout 60 "$LAB_SCRIPT" --dir "$LAB_DIR" --port-base "$LAB_PORT_BASE" start-pg 1 >>"$work/lab.log" 2>&1
	s1=$(now_ms)
	# accepting, then no longer accepting, then no response at all
	wait_until 30 sh -c "awk '\$2 == 0 { a = 1 } a && \$2 == 2 { f = 1 } END { exit !f }' '$fence'"
	sleep 0.1
	stop_bg "$poll_pid"
	poll_pid=
	read -r accept stop gone < <(awk '
		$2 == 0 && !a { a = $1 }
		a && $2 != 0 && !s { s = $1 }
		a && $2 == 2 && !g { g = $1 }
		END { print (a ? a : "-"), (s ? s : "-"), (g ? g : "-") }' "$fence")
	wait_until 10 grep -q "fence: the kept fence on return of datacenter-1 fired" "$err"
	fired=$(journal_ms fence "$s0" "kept fence on return")
	if [ "$accept" = - ]; then
		echo "   round $round: fence: the old primary never accepted a connection (start-pg took $((s1 - s0)) ms)"
		rc=1
	elif [ "$stop" = - ]; then
		echo "   round $round: fence: the old primary still accepts connections 30 s after it first did (start-pg took $((s1 - s0)) ms)"
		rc=1
	else
		accepting=$((stop - accept))
		echo "   round $round: fence: the old primary accepted connections for $(secs "$accepting") (start-pg -> first accepted $(secs $((accept - s0))), -> refused again $(secs "$(since "$accept" "$gone")"), -> the watcher's fence event $(secs "$(since "$accept" "$fired")") after the first accepted)"
	fi
	if ! grep -q "fence: the kept fence on return of datacenter-1 fired" "$err"; then
		echo "   round $round: fence: the watcher said no 'fence: the kept fence on return of datacenter-1 fired'"
		rc=1
	fi
	return "$rc"
}

# failover LABEL ROUND EXTRA...: one failover round, then the fence on return.
# Appends "LABEL ROUND insert suspected confirmed finished fence" (ms, "-" when
# not measured) to $res/failover.
failover() {
	local label=$1 round=$2
	shift 2
	local p=$work/probe t0 t1 ok=1
	local insert=- suspected=- confirmed=- finished=- accepting=-
	config "$@"
	sql "$LAB_PG_PORT_1" "CREATE TABLE bench_watch (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp(), note text)" >/dev/null ||
		{ echo "   round $round: the bench table could not be created"; return 1; }
	wait_until 30 on_standby || { echo "   round $round: the bench table did not reach the standby"; return 1; }
	start_watch || { echo "   round $round: no watch_started in 30 s"; tail -n 5 "$err" | sed 's/^/     /'; return 1; }
	wait_until 30 lab_streaming || { echo "   round $round: the lab is not streaming"; return 1; }
	probe "$p" 2>/dev/null &
	probe_pid=$!
	wait_until 10 sh -c "[ \"\$(cat '$p.tries' 2>/dev/null || echo 0)\" -ge 2 ]" ||
		{ echo "   round $round: the probe does not run"; return 1; }
	if ! grep -q "read-only transaction" "$p.last"; then
		echo "   round $round: the probe's INSERT fails otherwise than read-only before the kill:"
		sed 's/^/     /' "$p.last"
		return 1
	fi

	t0=$(now_ms)
	lab kill-pg 1
	t1=$(now_ms)
	if wait_until 120 test -s "$p"; then
		insert=$(($(cut -d' ' -f2 "$p") - t0))
	else
		ok=0
	fi
	stop_bg "$probe_pid"
	probe_pid=
	# a finished failover follows the first INSERT within a few seconds
	wait_until 30 grep -q 'failover_finished\|failover_stopped\|failover_held' "$err"
	suspected=$(since "$t0" "$(journal_ms primary_suspected "$t0")")
	confirmed=$(since "$t0" "$(journal_ms primary_confirmed "$t0")")
	finished=$(since "$t0" "$(journal_ms failover_finished "$t0")")
	[ "$finished" != - ] || ok=0
	echo "   round $round: kill -> first acknowledged INSERT $(secs "$insert"), -> primary_suspected $(secs "$suspected"), -> primary_confirmed $(secs "$confirmed"), -> failover_finished $(secs "$finished") (kill-pg took $((t1 - t0)) ms; the probe tried $(cat "$p.tries" 2>/dev/null || echo 0) times before)"

	if [ "$finished" != - ]; then
		fence_on_return "$round" || ok=0
	else
		echo "   round $round: fence: not measured, the failover did not finish"
	fi
	echo "$label $round $insert $suspected $confirmed $finished $accepting" >>"$res/failover"
	if [ "$ok" = 0 ]; then
		# what the running watcher left: its state, the run's journal, the DR site's run lock
		local run
		echo "   round $round: watch.json: $(jq -c '{state, run}' "$LAB_DIR/state/watch.json" 2>&1 | cut -c 1-300)"
		for run in "$LAB_DIR"/state/runs/*.jsonl; do
			[ -f "$run" ] || continue
			echo "   round $round: the run's journal $(basename "$run") ($(wc -l <"$run") records):"
			jq -c '{ts, type, data}' "$run" | cut -c 1-400 | sed 's/^/     /'
		done
		[ ! -f "$LAB_DIR/site2/drconsole-run.lock" ] ||
			echo "   round $round: the DR site's run lock: $(cat "$LAB_DIR/site2/drconsole-run.lock")"
		stop_watch
		echo "   round $round: the watcher's stderr:"
		sed 's/^/     /' "$err"
		return 1
	fi
	stop_watch
}

# cpu_ticks PID: "UTIME+STIME CUTIME+CSTIME" of PID, in clock ticks.
cpu_ticks() {
	local s
	s=$(cat "/proc/$1/stat") || return 1
	s=${s##*) }
	awk '{ print $12 + $13, $14 + $15 }' <<<"$s"
}
vmrss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# threads PID: its thread count.
threads() { awk '/^Threads:/ { print $2 }' "/proc/$1/status"; }

# row NAME SELF0 SELF1 CHILD0 CHILD1 RSS_KB: one line of the idle table.
row() {
	awk -v n="$1" -v a="$2" -v b="$3" -v c="$4" -v d="$5" -v r="$6" -v hz="$hz" -v ms="$ms" \
		'BEGIN { printf "   %-28s %8.3f %16.3f %7.1f MB\n", n, (b - a) / hz * 100000 / ms, (d - c) / hz * 100000 / ms, r / 1024 }'
}

# idle: the watcher and the console idle side by side, all healthy.
idle() {
	local window=${BENCH_IDLE_SECONDS:-60} cpid t0 t1 ws0 wc0 cs0 cc0 ws1 wc1 cs1 cc1 wrss crss
	hz=$(getconf CLK_TCK)
	config
	start_watch || { echo "   idle: no watch_started in 30 s"; return 1; }
	T start-server \; set-option -g status off \; new-session -d -x 80 -y 24 \
		"exec env LANG=C.UTF-8 TERM=xterm-256color $(printf '%q ' "$prog" -c "$LAB_CONFIG")"
	cpid=$(T list-panes -F '#{pane_pid}')
	if [ "$(cat "/proc/$cpid/comm" 2>/dev/null)" != drconsole ]; then
		echo "   idle: the console did not start in tmux"
		return 1
	fi
	wait_until 30 sh -c "tmux -L '$sock' -f /dev/null capture-pane -p | grep -q datacenter-2" ||
		{ echo "   idle: the console shows no datacenter-2 in 30 s"; return 1; }
	wait_until 30 lab_streaming || { echo "   idle: the lab is not streaming"; return 1; }
	sleep 5 # warm-up: the first probe rounds are over
	echo "-- idle, all healthy, ${window} s ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg) at the start; console pane $(T display -p '#{pane_width}x#{pane_height}'))"
	t0=$(now_ms)
	read -r ws0 wc0 < <(cpu_ticks "$wpid")
	read -r cs0 cc0 < <(cpu_ticks "$cpid")
	sleep "$window"
	t1=$(now_ms)
	if ! kill -0 "$wpid" 2>/dev/null || ! kill -0 "$cpid" 2>/dev/null; then
		echo "   idle: the watcher or the console ended during the window"
		return 1
	fi
	read -r ws1 wc1 < <(cpu_ticks "$wpid")
	read -r cs1 cc1 < <(cpu_ticks "$cpid")
	wrss=$(vmrss_kb "$wpid")
	crss=$(vmrss_kb "$cpid")
	ms=$((t1 - t0))
	grep -q 'primary_suspected\|failover_started' "$err" &&
		echo "   idle: the watcher suspected the primary during the window (see its stderr)"
	{
		echo "== idle, all healthy, $(awk -v m="$ms" 'BEGIN { printf "%.1f", m / 1000 }') s; at the end: watcher $(threads "$wpid") threads, $(pgrep -c -P "$wpid") child processes; console $(threads "$cpid") threads, $(pgrep -c -P "$cpid") child processes"
		printf '   %-28s %8s %16s %10s\n' "" "CPU %" "children CPU %" "VmRSS"
		row "drconsole watch" "$ws0" "$ws1" "$wc0" "$wc1" "$wrss"
		row "drconsole (console, 80x24)" "$cs0" "$cs1" "$cc0" "$cc1" "$crss"
	} | tee "$res/idle"
}

case $part in
failover) failover "$@" ;;
idle) idle ;;
*)
	echo "unknown part '$part'"
	exit 2
	;;
esac
