#!/usr/bin/env bash
# Runs drconsole's benchmarks against labs of their own and prints figures.
# Nothing here passes or fails on time: the figures go in the notes.
#   bench_detect   killed postmaster -> snapshot says down
#   status-frozen  "drconsole status --timeout 3" wall time with one site frozen
#   round-trips    execs and queries per probe cycle per site
#   console        console-bench.sh: the console beside pg_activity and htop in
#                  80x24 ptys (bytes/s, CPU, key latency, VmRSS); about 11 min,
#                  BENCH_RSS_SECONDS shortens it
#   failover       bench-failover.sh: machine time of 데이터베이스 장애, driven
#                  through the console's keys (3 rounds, a fresh lab each)
#   report         bench_report: "drconsole report" on a journal of 10,000
#                  records, md and json: wall time, CPU, max RSS (no lab)
#   watch          bench-watch.sh: drconsole watch, failover_mode automatic:
#                  primary killed -> first INSERT acknowledged on the new
#                  primary, the old primary's return fenced, and the watcher's
#                  idle CPU and VmRSS beside the console's (a fresh lab per
#                  round, port base 26500; about 5 min)
# Usage: tests/bench/run.sh [ROUNDS]   (from the build folder, after make)
# BENCH_ONLY=probe, console, failover, report or watch runs that part only.
#
# Not run from here: bench-patroni.sh times Patroni's automatic failover
# (leader killed, leader frozen) on a two-node Patroni lab with one etcd, as
# the figure to set beside the watcher's. It needs Debian's patroni,
# etcd-server, postgresql-15 and python3-psycopg2 packages and root, starts
# and stops its own lab on ports 28400-28433, and is run by hand:
#   tests/bench/bench-patroni.sh [--mode kill|freeze|both]
#       [--settings default|tuned] [ROUNDS]   (--help tells the rest)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rounds=${1:-10}
build=$(pwd)
only=${BENCH_ONLY:-}
case $only in
'' | probe | console | failover | report | watch) ;;
*)
	echo "BENCH_ONLY is probe, console, failover, report, watch or unset (all), not '$only'"
	exit 2
	;;
esac
rc=0
if [ -z "$only" ] || [ "$only" = probe ]; then
	"$here/../integration/lab-run.sh" 26300 "$here/bench-all.sh" "$build" "$rounds" || rc=$?
fi
if [ -z "$only" ] || [ "$only" = console ]; then
	"$here/../integration/lab-run.sh" 26700 "$here/console-bench.sh" "$build" || { [ "$rc" != 0 ] || rc=$?; }
fi
if [ -z "$only" ] || [ "$only" = failover ]; then
	echo "== 데이터베이스 장애, machine time (goal: under 10 s)"
	for i in 1 2 3; do
		"$here/../integration/lab-run.sh" 26700 "$here/bench-failover.sh" "$build" || { [ "$rc" != 0 ] || rc=$?; }
	done
fi
if [ -z "$only" ] || [ "$only" = report ]; then
	DRCONSOLE="$build/drconsole" "$build/tests/bench/bench_report" 10000 "$rounds" || { [ "$rc" != 0 ] || rc=$?; }
fi
if [ -z "$only" ] || [ "$only" = watch ]; then
	"$here/bench-watch.sh" "$build" || { [ "$rc" != 0 ] || rc=$?; }
fi
exit "$rc"
