#!/usr/bin/env bash
# Followers' cost while a run goes on, in a lab of its own (port base 29150,
# through lab-run.sh). A console in tmux runs 랜섬웨어 감염 as a tabletop
# (--tabletop D2: nothing reaches the sites, the journal grows) and an event
# is injected every second; beside it N followers (drconsole --follow
# --no-probe, each in its own tmux session at 80x24), for N in
# BENCH_FOLLOWERS (default "1 5"). Over BENCH_FOLLOW_SECONDS (default 30)
# each follower's CPU (utime+stime from /proc/PID/stat, % of one core) and
# the bytes it read (rchar from /proc/PID/io, per second) are measured, and
# what the sites see: the TCP connections established to each site's sshd,
# with the console alone and with the followers (their difference is what
# the followers cost the sites: 0 expected with --no-probe).
# Figures only; nothing passes or fails on them.
# Usage: tests/bench/bench-follow.sh [BUILD_DIR]   (default: the current folder)
# Exit status: 0, 1 when a figure could not be measured, 77 when the machine
# lacks what the lab needs.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ "${1:-}" != --in-lab ]; then
	build=$(cd "${1:-.}" && pwd)
	[ -x "$build/drconsole" ] || { echo "no $build/drconsole: build first"; exit 1; }
	TOP_BUILDDIR=$build exec "$here/../integration/lab-run.sh" 29150 "$0" --in-lab
fi
prog=$TOP_BUILDDIR/drconsole
secs=${BENCH_FOLLOW_SECONDS:-30}
hz=$(getconf CLK_TCK)
sock=drbf-$$
T() { tmux -L "$sock" -f /dev/null "$@"; }
trap 'T kill-server 2>/dev/null' EXIT
rc=0
# conns PORT: the TCP connections established to PORT on this host.
conns() { ss -Htn state established "( sport = :$1 )" 2>/dev/null | wc -l; }
# cpu PID: utime+stime in clock ticks.
cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null; }
# rchar PID: the bytes it read.
rchar() { awk '/^rchar:/ { print $2 }' "/proc/$1/io" 2>/dev/null; }
# drc_of SESSION: the drconsole process of a tmux session's pane.
drc_of() { pgrep -P "$(T display -p -t "$1" '#{pane_pid}')" 2>/dev/null | head -n 1; }

env="env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color"
T new-session -d -s lead -x 120 -y 40 "$env $prog -c $LAB_CONFIG --tabletop D2; sleep 600"
for _ in $(seq 100); do T capture-pane -p -t lead | grep -q TABLETOP && break; sleep 0.2; done
T capture-pane -p -t lead | grep -q TABLETOP || { echo "the tabletop did not start"; exit 1; }
sleep 3
base1=$(conns "$LAB_SSH_PORT_1") base2=$(conns "$LAB_SSH_PORT_2")
echo "console alone: $base1 connection(s) to datacenter-1's sshd, $base2 to datacenter-2's"
for n in ${BENCH_FOLLOWERS:-1 5}; do
	for i in $(seq "$n"); do
		T new-session -d -s "f$i" -x 80 -y 24 "$env $prog -c $LAB_CONFIG --follow --no-probe; sleep 600"
	done
	sleep 3
	pids=()
	for i in $(seq "$n"); do pids+=("$(drc_of "f$i")"); done
	declare -A c0=() r0=()
	for p in "${pids[@]}"; do c0[$p]=$(cpu "$p"); r0[$p]=$(rchar "$p"); done
	start=$EPOCHREALTIME
	for s in $(seq "$secs"); do
		T send-keys -t lead i
		sleep 0.2
		T send-keys -t lead -l "event $s"
		T send-keys -t lead Enter
		sleep 0.8
	done
	took=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }')
	now1=$(conns "$LAB_SSH_PORT_1") now2=$(conns "$LAB_SSH_PORT_2")
	for p in "${pids[@]}"; do
		c1=$(cpu "$p") r1=$(rchar "$p")
		if [ -z "$p" ] || [ -z "$c1" ] || [ -z "$r1" ]; then echo "N=$n: a follower could not be measured"; rc=1; continue; fi
		awk -v n="$n" -v p="$p" -v c="$((c1 - c0[$p]))" -v r="$((r1 - r0[$p]))" -v t="$took" -v hz="$hz" \
			'BEGIN { printf "N=%d follower %d: CPU %.2f%% of one core, read %.0f bytes/s (over %.1f s)\n", n, p, 100 * c / hz / t, r / t, t }'
	done
	journal=$(ls -t "$LAB_DIR"/state/runs/*.jsonl 2>/dev/null | head -n 1)
	echo "N=$n: the run's journal holds $(grep -c '"type":"inject"' "$journal" 2>/dev/null) injects, $(wc -c <"$journal" 2>/dev/null) bytes"
	echo "N=$n: sites see $now1 connection(s) to datacenter-1's sshd, $now2 to datacenter-2's (console alone: $base1, $base2): +$((now1 + now2 - base1 - base2)) from the followers"
	for i in $(seq "$n"); do T kill-session -t "f$i"; done
	sleep 1
done
exit "$rc"
