#!/usr/bin/env bash
# The machine time of 데이터베이스 장애 on a lab (run inside it by run.sh): the
# primary's postmaster is killed, the console is driven through tmux with
# every confirmation sent the moment its prompt is on screen, and the run's
# journal gives the figures: from run_started to the promotion verified
# writable, minus the time the run waited for the operator; and of that, the
# time the operations themselves took (the steps' durations) against what
# the console spent around them.
set -uo pipefail
build=$1
prog="$build/drconsole"
sock="drb-$$"
T() { tmux -L "$sock" -f /dev/null "$@"; }
lab() { "$LAB_SCRIPT" --dir "$LAB_DIR" --port-base "$LAB_PORT_BASE" "$@" >/dev/null 2>&1; }
# wait_for TEXT: waits (at most 20 s, polling every 20 ms) until the pane shows TEXT.
wait_for() {
	local end=$((SECONDS + 20))
	until T capture-pane -p | grep -qF -- "$1"; do
		[ "$SECONDS" -gt "$end" ] && return 1
		sleep 0.02
	done
}
# ms STAMP: milliseconds since the epoch of a journal stamp.
ms() { date -d "$1" +%s%3N; }
trap 'T kill-server 2>/dev/null' EXIT

T new-session -d -x 110 -y 40 "env LANG=C.UTF-8 TERM=xterm-256color XDG_STATE_HOME=$LAB_DIR/xdg $prog -c $LAB_CONFIG; sleep 60"
wait_for "datacenter-2 standby" || { echo "the console did not come up"; exit 1; }
lab kill-pg 1
wait_for "datacenter-1 down" || { echo "the primary did not show down"; exit 1; }
T send-keys s
wait_for "number or name"
T send-keys 2 Enter Enter
wait_for "2 promote_standby  0:00/3:00  awaiting confirmation"
T send-keys Enter
wait_for "type datacenter-2 to run it"
T send-keys datacenter-2 Enter
wait_for "✓ 2 promote_standby" || { echo "no promotion"; exit 1; }
j=$(ls "$LAB_DIR"/state/runs/*.jsonl | tail -n 1)
stamp() { jq -r "select($1) | .ts" "$j" | head -n 1; }
start=$(ms "$(stamp '.type == "run_started"')")
awaiting=$(ms "$(stamp '.type == "step_finished" and .data.step == 1')")
confirmed=$(ms "$(stamp '.type == "step_confirmed" and .data.step == 2')")
writable=$(ms "$(stamp '.type == "step_finished" and .data.step == 2')")
ops=$(jq -s '[.[] | select(.type == "step_finished" and .data.step <= 2) | .data.duration_ms] | add' "$j")
machine=$((writable - start - (confirmed - awaiting)))
echo "run start to verified writable new primary: $((writable - start)) ms wall, of which $((confirmed - awaiting)) ms waiting for the confirmation keys; machine time $machine ms (operations $ops ms, the console around them $((machine - ops)) ms)"
