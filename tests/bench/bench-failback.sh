#!/usr/bin/env bash
# The machine time of the failback on a lab, with pg_rewind (wal_log_hints
# on) and with pg_basebackup (LAB_WAL_LOG_HINTS=off), several repetitions
# each, printing median, min and max. Each repetition fails the lab over by
# hand (the primary stopped by a fast shutdown, as the fence does; the
# standby promoted; rows written on it), then runs the failback scenario
# through the console's keys, every confirmation sent the moment it is
# asked; the figure is the sum of the five steps' durations from the
# journal (rebuild, stop writes, lift the fence, promote back, rejoin:
# the machine's time, not the operator's), checked to end with the
# original roles. Usage: bench-failback.sh [REPETITIONS] (default 3), from
# the build folder; labs on port base 29050.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
reps=${1:-3}
if [ -z "${LAB_DIR:-}" ]; then
	rc=0
	for hints in on off; do
		LAB_WAL_LOG_HINTS=$hints "$here/../integration/lab-run.sh" 29050 "$0" "$reps" || rc=1
	done
	exit "$rc"
fi
prog="${TOP_BUILDDIR:-$(pwd)}/drconsole"
sock="drfb-$$"
T() { tmux -L "$sock" -f /dev/null "$@"; }
lab() { "$LAB_SCRIPT" --dir "$LAB_DIR" --port-base "$LAB_PORT_BASE" "$@"; }
# wait_for TEXT SECONDS: waits (polling every 20 ms) until the pane shows TEXT.
wait_for() {
	local end=$((SECONDS + $2))
	until T capture-pane -p | grep -qF -- "$1"; do
		[ "$SECONDS" -gt "$end" ] && return 1
		sleep 0.02
	done
}
# roles: each site's role from status --json, one line.
roles() { "$prog" -c "$LAB_CONFIG" status --json --timeout 5 2>/dev/null | jq -c '[.sites[] | .role]'; }
# failover: the primary stopped cleanly, the standby promoted and written to.
failover() {
	runuser_pg=(); [ "$(id -u)" = 0 ] && runuser_pg=(runuser -u "$LAB_PG_OS_USER" --)
	(cd / && "${runuser_pg[@]}" "$LAB_PG_BINDIR/pg_ctl" -D "$LAB_PGDATA_1" -m fast -w stop) >/dev/null
	lab psql 2 -Atc "SELECT pg_promote(true, 30)" >/dev/null
	lab psql 2 -Atc "CREATE TABLE IF NOT EXISTS fb(n int); INSERT INTO fb SELECT generate_series(1, 10000)" >/dev/null
}
method=pg_rewind
[ "${LAB_WAL_LOG_HINTS:-on}" = off ] && method=pg_basebackup
figures=()
T new-session -d -x 110 -y 40 "env LANG=C.UTF-8 TERM=xterm-256color XDG_STATE_HOME=$LAB_DIR/xdg $prog -c $LAB_CONFIG; sleep 3600"
trap 'T kill-server 2>/dev/null' EXIT
wait_for "datacenter-2 standby" 20 || { echo "the console did not come up"; exit 1; }
for i in $(seq 1 "$reps"); do
	failover
	wait_for "datacenter-2 primary" 30 || { echo "the DR site did not show primary"; exit 1; }
	T send-keys s
	wait_for "failback  (5 steps" 10 || { echo "s does not offer the failback"; exit 1; }
	T send-keys -l failback
	T send-keys Enter
	for site in datacenter-1 datacenter-2 datacenter-1 datacenter-1 datacenter-2; do
		wait_for "Enter: confirm" 600 || { echo "no step awaits a confirmation"; T capture-pane -p; exit 1; }
		T send-keys Enter
		wait_for "type $site to run it:" 10 || { echo "no confirmation for $site"; exit 1; }
		T send-keys -l "$site"
		T send-keys Enter
		sleep 0.3
	done
	wait_for "(finished)" 600 || { echo "the failback did not finish"; T capture-pane -p; exit 1; }
	last=$(ls "$LAB_DIR"/xdg/drconsole/runs/*.jsonl "$LAB_DIR"/state/runs/*.jsonl 2>/dev/null | sort | tail -n 1)
	ms=$(jq -s '[.[] | select(.type == "step_finished" and .data.result == "done") | .data.duration_ms] | add' "$last")
	n=$(jq -s '[.[] | select(.type == "step_finished" and .data.result == "done")] | length' "$last")
	grep -qF "rebuilt by $method" "$last" || { echo "repetition $i: not rebuilt by $method"; exit 1; }
	sleep 3
	[ "$n" = 5 ] && [ "$(roles)" = '["primary","standby"]' ] || { echo "repetition $i: the failback did not end with the original roles ($n steps done, roles $(roles))"; exit 1; }
	figures+=("$ms")
	echo "# repetition $i: ${ms} ms"
	T send-keys Escape
done
printf '%s\n' "${figures[@]}" | sort -n | awk -v m="$method" -v n="$reps" '
	{ v[NR] = $1 }
	END { med = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
	      printf "failback with %s (%d repetitions): median %.2f s, min %.2f s, max %.2f s\n", m, n, med / 1000, v[1] / 1000, v[NR] / 1000 }'
