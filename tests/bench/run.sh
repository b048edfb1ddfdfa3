#!/usr/bin/env bash
# Runs drconsole's benchmarks against labs of their own and prints figures.
# Nothing here passes or fails on time: the figures go in the notes.
#   bench_detect   killed postmaster -> snapshot says down
#   status-frozen  "drconsole status --timeout 3" wall time with one site frozen
#   round-trips    execs and queries per probe cycle per site
#   console        console-bench.sh: the console beside pg_activity and htop in
#                  80x24 ptys (bytes/s, CPU, key latency, VmRSS); about 11 min,
#                  BENCH_RSS_SECONDS shortens it
# Usage: tests/bench/run.sh [ROUNDS]   (from the build folder, after make)
# BENCH_ONLY=probe runs the first three only, BENCH_ONLY=console the last only.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rounds=${1:-10}
build=$(pwd)
only=${BENCH_ONLY:-}
case $only in
'' | probe | console) ;;
*)
	echo "BENCH_ONLY is probe, console or unset (both), not '$only'"
	exit 2
	;;
esac
rc=0
if [ "$only" != console ]; then
	"$here/../integration/lab-run.sh" 26300 "$here/bench-all.sh" "$build" "$rounds" || rc=$?
fi
if [ "$only" != probe ]; then
	"$here/../integration/lab-run.sh" 26700 "$here/console-bench.sh" "$build" || { [ "$rc" != 0 ] || rc=$?; }
fi
exit "$rc"
