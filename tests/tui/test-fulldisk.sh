#!/usr/bin/env bash
# The journal on a full disk, and two consoles on two jump hosts, in a real
# tmux against a lab of its own (port base 27300):
#  1. state_dir on a small tmpfs, filled: the console says in red that the
#     journal cannot be written, refuses the confirmation, and sends nothing;
#     space freed, the run goes on, and the journal verifies with every step;
#  2. two consoles with two state folders (two jump hosts) start the same
#     scenario: exactly one runs, the other is refused, naming the holder.
# Mounting the tmpfs needs root: without it the test is skipped (a failure
# under CI=true).
set -uo pipefail
PORT_BASE=27300 SOCK_PREFIX=drf
. "$(cd "$(dirname "$0")" && pwd)/tmux-lib.sh"
full="$LAB_DIR/fullstate"
cleanup() {
	T kill-server 2>/dev/null
	tmux -L "$sock-b" kill-server 2>/dev/null
	mountpoint -q "$full" 2>/dev/null && umount "$full"
}
trap cleanup EXIT
mkdir -p "$full"
if ! mount -t tmpfs -o size=256k,mode=0700 tmpfs "$full" 2>/dev/null; then
	echo "SKIP: cannot mount a tmpfs for state_dir (needs root)"
	[ "${CI:-}" = true ] && exit 1
	exit 77
fi
# B ARGS: tmux on the second console's own server.
B() { tmux -L "$sock-b" -f /dev/null "$@"; }
# start CONFIG: opens the console in a new tmux server.
start() {
	T kill-server 2>/dev/null
	sleep 0.3
	T new-session -d -x 110 -y 40 "env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color XDG_STATE_HOME=$LAB_DIR/xdg $prog -c $1; sleep 120"
}
# confirm: confirms the current step with a key, as an operator would.
confirm() { T send-keys Enter && shows "Enter runs it" 20 && T send-keys Enter; }

conf="$LAB_DIR/full.yml"
sed -e "s#^state_dir: state#state_dir: $full#" "$LAB_CONFIG" >"$conf"

# 1. The journal on a full disk.
start "$conf"
check "the console is up with both sites" shows "datacenter-2 standby" 20
T send-keys s
shows "number or name" 20
T send-keys 3 Enter Enter
check "네트워크 장애 starts" shows "네트워크 장애  0:" 20
journal=$(ls "$full"/runs/*.jsonl | tail -n 1)
before=$(wc -l <"$LAB_DIR/app/actions.log" 2>/dev/null || echo 0)
# Fill the disk, leaving less than a record.
dd if=/dev/zero of="$full/filler" bs=1k count=4096 2>/dev/null
check "the backup network step awaits its confirmation" shows "Enter: confirm" 20
T send-keys Enter
shows "Enter runs it" 20
T send-keys Enter
check "the confirmation is refused: the journal cannot be written" \
	shows "Not confirmed: the journal cannot be written" 20
T send-keys Escape
check "the runbook says so in red" shows "JOURNAL CANNOT BE WRITTEN" 20
# shows_any REGEX SECONDS: waits (bounded) until the pane matches REGEX.
shows_any() {
	local end=$((SECONDS + $2))
	while [ "$SECONDS" -le "$end" ]; do
		T capture-pane -p | grep -qE -- "$1" && return 0
		sleep 0.2
	done
	return 1
}
check "with the cause" shows_any "No space left|disk full" 10
sleep 2
after=$(wc -l <"$LAB_DIR/app/actions.log" 2>/dev/null || echo 0)
if [ "$before" = "$after" ]; then ok "nothing was sent to the site"; else notok "nothing was sent to the site: $(tail -n 2 "$LAB_DIR/app/actions.log")"; fi
rm -f "$full/filler"
check "space freed: the alarm goes" gone "JOURNAL CANNOT BE WRITTEN" 20
confirm
check "the step runs now, journaled first" shows "✓ 1 Activate the backup network path" 20
if grep -q '"type":"journal_refused"' "$journal"; then ok "the refusal is journaled once the disk has room"; else notok "the refusal is journaled"; fi
out=$("$prog" -c "$conf" journal verify "$journal" 2>&1)
if grep -q "chain intact" <<<"$out"; then ok "the journal verifies"; else notok "the journal verifies: $out"; fi
T send-keys a
shows "type abort" 10 && T send-keys abort Enter
check "aborted" shows "(aborted)" 20
T send-keys q
sleep 1

# 2. Two consoles on two jump hosts (two state folders) start the same scenario.
confb="$LAB_DIR/jumpb.yml"
sed -e "s#^state_dir: state#state_dir: $LAB_DIR/stateb#" "$LAB_CONFIG" >"$confb"
start "$LAB_CONFIG"
B new-session -d -x 110 -y 40 "env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color XDG_STATE_HOME=$LAB_DIR/xdgb $prog -c $confb; sleep 120"
shows "datacenter-2 standby" 20
end=$((SECONDS + 20))
until B capture-pane -p | grep -qF "datacenter-2 standby" || [ "$SECONDS" -gt "$end" ]; do sleep 0.2; done
T send-keys s
B send-keys s
shows "number or name" 20
T send-keys 3 Enter Enter
B send-keys 3 Enter Enter
sleep 8
a=$(T capture-pane -p)
b=$(B capture-pane -p)
runs=0
grep -qF "1 Activate the backup network path" <<<"$a" && runs=$((runs + 1))
grep -qF "1 Activate the backup network path" <<<"$b" && runs=$((runs + 1))
if [ "$runs" = 1 ]; then ok "exactly one of the two consoles runs"; else
	notok "exactly one of the two consoles runs ($runs)"
	echo "$a" | sed 's/^/#A  /'
	echo "$b" | sed 's/^/#B  /'
fi
if echo "$a$b" | tr -s ' \n│' ' ' | grep -qF "run lock is held by"; then
	ok "the other is refused, naming the holder"
else
	notok "the other is refused, naming the holder"
	echo "$a" | sed 's/^/#A  /'
	echo "$b" | sed 's/^/#B  /'
fi
if ! grep -qh '"type":"lock_taken_over"' "$LAB_DIR"/state/runs/*.jsonl "$LAB_DIR"/stateb/runs/*.jsonl 2>/dev/null; then
	ok "no takeover was journaled"
else
	notok "no takeover was journaled"
fi
finish
