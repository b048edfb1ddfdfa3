#!/usr/bin/env bash
# Runs drconsole's benchmarks against a lab of their own and prints figures.
# Nothing here passes or fails on time: the figures go in the notes.
#   bench_detect   killed postmaster -> snapshot says down
#   status-frozen  "drconsole status --timeout 3" wall time with one site frozen
#   round-trips    execs and queries per probe cycle per site
# Usage: tests/bench/run.sh [ROUNDS]   (from the build folder, after make)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rounds=${1:-10}
build=$(pwd)
exec "$here/../integration/lab-run.sh" 26300 "$here/bench-all.sh" "$build" "$rounds"
