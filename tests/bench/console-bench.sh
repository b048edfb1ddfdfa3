#!/usr/bin/env bash
# Console benchmarks, run by run.sh inside a lab (lab.env exported): drconsole
# side by side, in one run, with its peers pg_activity --refresh 1 (on the
# lab's primary PostgreSQL) and htop, each in an 80x24 pty of its own driven by
# ptybench.py. Figures only; nothing passes or fails on time:
#   bytes/s  bytes written to the terminal per second, healthy lab, over 30 s
#            after a 5 s warm-up (goal for drconsole: at most 100)
#   CPU      utime+stime from /proc/PID/stat over 60 s idle, % of one core
#            (goal: at most 0.3%)
#   keys     key-to-screen latency, p50 and p99 over BENCH_KEYS keys (help
#            screen opened and closed in turn), nothing frozen, then with a
#            site frozen: site 2 for drconsole and htop, the primary's site for
#            pg_activity (goal: p99 under 100 ms)
#   VmRSS    of each after BENCH_RSS_SECONDS running, with drconsole's smaps
#            breakdown, and the same binary under MALLOC_ARENA_MAX=1 beside it
#            (goal: under 10 MB)
# Usage: console-bench.sh BUILD_DIR
# Environment: BENCH_RSS_SECONDS (600), BENCH_KEYS (50), BENCH_KEY_TIMEOUT (5),
#              BENCH_VARIANTS=0 to leave out the MALLOC_ARENA_MAX=1 variant.
set -uo pipefail
build=$1
here=$(cd "$(dirname "$0")" && pwd)
prog="$build/drconsole"
rss_seconds=${BENCH_RSS_SECONDS:-600}
keys=${BENCH_KEYS:-50}
key_timeout=${BENCH_KEY_TIMEOUT:-5}
lab_cmd="$(printf '%q ' "$LAB_SCRIPT" --dir "$LAB_DIR" --port-base "$LAB_PORT_BASE")"

# Installs the peers that are missing (Debian packages) when root; says why a peer is skipped.
install_peers() {
	local missing=()
	command -v pg_activity >/dev/null 2>&1 || missing+=(pg-activity)
	command -v htop >/dev/null 2>&1 || missing+=(htop)
	[ ${#missing[@]} -gt 0 ] || return 0
	if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
		echo "peers not installed (${missing[*]}): need root and apt-get to install them"
		return 0
	fi
	echo "installing ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 ||
		{ apt-get update -q >/dev/null 2>&1 &&
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null 2>&1; } ||
		echo "apt-get install ${missing[*]} failed"
}

# Thaws both sites (a run stopped half way must not leave the lab frozen for lab down).
# shellcheck disable=SC2317  # called by the EXIT trap
thaw_all() {
	for n in 1 2; do
		$lab_cmd thaw "$n" >/dev/null 2>&1
	done
}

if [ ! -x "$prog" ]; then
	echo "no $prog: build first"
	exit 1
fi
install_peers
trap thaw_all EXIT

state="$LAB_DIR/console-bench"
mkdir -p "$state/xdg"
primary=${LAB_PRIMARY_SITE:-1}
pg_port_var="LAB_PG_PORT_$primary"
dr_cmd="$(printf '%q ' env XDG_STATE_HOME="$state/xdg" "$prog" -c "$LAB_CONFIG")"
args=(--prog "drconsole=$dr_cmd" --site drconsole=2 --breakdown drconsole)
if [ "${BENCH_VARIANTS:-1}" != 0 ]; then
	args+=(--rss-only "drconsole[MALLOC_ARENA_MAX:1]=env MALLOC_ARENA_MAX=1 $dr_cmd"
		--breakdown "drconsole[MALLOC_ARENA_MAX:1]")
fi
if command -v pg_activity >/dev/null 2>&1; then
	args+=(--prog "pg_activity=$(printf '%q ' pg_activity --refresh 1 -h 127.0.0.1 \
		-p "${!pg_port_var}" -U postgres -d erp_chatbot)" --site "pg_activity=$primary")
else
	echo "pg_activity skipped: not installed"
fi
if command -v htop >/dev/null 2>&1; then
	# Its own settings file in the lab, so no user's htoprc is read or written.
	args+=(--prog "htop=$(printf '%q ' env HTOPRC="$state/htoprc" htop)" --site htop=2)
else
	echo "htop skipped: not installed"
fi

echo "== console side by side at 80x24 ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg) at the start)"
echo "   goals for drconsole: <= 100 B/s, <= 0.3% CPU, key p99 < 100 ms, VmRSS < 10 MB"
timeout $((rss_seconds + 900)) python3 "$here/ptybench.py" "${args[@]}" \
	--freeze-cmd "$lab_cmd freeze {site}" --thaw-cmd "$lab_cmd thaw {site}" \
	--keys "$keys" --key-timeout "$key_timeout" --rss-seconds "$rss_seconds"
rc=$?
[ "$rc" = 0 ] || echo "ptybench.py ended with status $rc"
exit "$rc"
