#!/usr/bin/env bash
# What the console says happened is what happened, under faults, in a real
# tmux against a lab of its own (port base 27200), through 네트워크 장애:
#  1. a step slower than its timeout is stopped on its site at the deadline:
#     the screen says so, and its change never lands afterwards;
#  2. q during the run asks first; quitting journals "detached", gives the DR
#     site's run lock back, and the run is offered again;
#  3. a chatty shell startup on the DR site (stderr and stdout) does not break
#     the run lock or the steps; the step is retried and done, once;
#  4. with the DR site frozen, a run starts only after a typed "start", is
#     journaled so, and takes the lock as soon as the site answers;
#  5. the DR site frozen while a slow step runs: unknown, a retry refused,
#     then settled by the site's own account of how it ended.
set -uo pipefail
PORT_BASE=27200 SOCK_PREFIX=drq
. "$(cd "$(dirname "$0")" && pwd)/tmux-lib.sh"
trap 'T kill-server 2>/dev/null' EXIT

# start CONFIG: opens the console in a new tmux server.
start() {
	T kill-server 2>/dev/null
	sleep 0.3
	T new-session -d -x 110 -y 40 "env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color XDG_STATE_HOME=$LAB_DIR/xdg $prog -c $1; sleep 120"
}
# journal: the newest run's journal.
journal() { ls "$LAB_DIR"/state/runs/*.jsonl 2>/dev/null | sort | tail -n 1; }
# confirm: confirms the current step with a key, as an operator would.
confirm() { T send-keys Enter && shows "Enter runs it" 20 && T send-keys Enter; }
# console_gone: true once the console process has left the pane.
console_gone() {
	local end=$((SECONDS + $1))
	while [ "$SECONDS" -le "$end" ]; do
		pgrep -P "$(T display-message -p '#{pane_pid}')" -x drconsole >/dev/null || return 0
		sleep 0.2
	done
	return 1
}
# lock_file: the DR site's run lock file, if any.
lock_file() { ls "$LAB_DIR"/site2/drconsole-run.lock 2>/dev/null; }

slow="$LAB_DIR/slow.yml"
sed -e 's/^  slow: "0"/  slow: "12"/' \
	-e '/^  update_routing_tables:/,/timeout:/ s/timeout: 10s/timeout: 4s/' "$LAB_CONFIG" >"$slow"

# 1. A step slower than its timeout.
start "$slow"
check "the console is up with both sites" shows "datacenter-2 standby" 20
T send-keys s
shows "number or name" 20
T send-keys 3 Enter Enter
shows "네트워크 장애  0:" 20
confirm
check "the backup network is activated" shows "✓ 1 Activate the backup network path" 20
confirm
check "update_routing_tables runs" shows "▶ 2 Update the routing tables to use the backup path" 20
check "past its 4 s timeout, the site stopped it, and the screen says so" \
	shows "the site stopped it" 30
check "the step is failed, not unknown" shows "✗ 2 Update the routing tables to use the backup path" 5
sleep 12 # the command would have changed the routes by now
if grep -q "routes backup" "$LAB_DIR/app/actions.log" 2>/dev/null; then
	notok "the routing change never landed after the step was stopped: $(grep routes "$LAB_DIR/app/actions.log")"
else
	ok "the routing change never landed after the step was stopped"
fi
if grep -q '"stopped":true' "$(journal)"; then ok "the journal says the site stopped it"; else notok "the journal says the site stopped it"; fi

# 2. q during the run.
T send-keys q
check "q during a run asks first" shows "quit during a run" 10
T send-keys quit Enter
check "typing quit leaves" console_gone 20
if tail -n 3 "$(journal)" | grep -q '"type":"detached"'; then ok "detached is journaled"; else notok "detached is journaled: $(tail -n 2 "$(journal)")"; fi
if [ -z "$(lock_file)" ]; then ok "the DR site's run lock was given back"; else notok "the DR site's run lock was given back: $(cat "$(lock_file)")"; fi

# 3. A chatty shell on the DR site; the run resumed, the step retried.
printf '%s\n' "echo \"stty: 'standard input': Inappropriate ioctl for device\" >&2" \
	'echo "Welcome to the DR site"' >"$LAB_DIR/site2/shellrc"
start "$LAB_CONFIG"
check "started again, the detached run is offered" shows "A run of 네트워크 장애 started" 20
T send-keys resume Enter
check "resumed with a chatty shell: the run lock is taken" shows "✗ 2 Update the routing tables to use the backup path" 20
T send-keys r
shows "Enter: confirm" 20 && confirm
check "retried, the step is done" shows "✓ 2 Update the routing tables to use the backup path" 30
check "the run finishes" shows "(finished)" 30
runs=$(grep -c "routes backup" "$LAB_DIR/app/actions.log")
if [ "$runs" = 1 ]; then ok "the routing change landed once"; else notok "the routing change landed $runs times"; fi
if grep -q '"stderr":"stty: ' "$(journal)"; then ok "the shell's stderr is journaled apart"; else notok "the shell's stderr is journaled apart"; fi
: >"$LAB_DIR/site2/shellrc"

# 4. The DR site frozen: a run starts only when typed, and takes the lock later.
lab freeze 2 >/dev/null 2>&1
check "the frozen DR site shows unreachable" shows "datacenter-2 unreachable" 30
T send-keys s
shows "number or name" 20
T send-keys 3 Enter Enter
check "the run asks before starting without the DR lock" shows "DR site not answering" 40
T send-keys start Enter
check "typed start: the run begins" shows "네트워크 장애  0:" 20
if grep -q '"type":"site_lock_deferred"' "$(journal)"; then ok "the start without the lock is journaled"; else notok "the start without the lock is journaled"; fi
lab thaw 2 >/dev/null 2>&1
end=$((SECONDS + 40))
until grep -q '"late":true' "$(journal)" || [ "$SECONDS" -gt "$end" ]; do sleep 0.5; done
if grep -q '"type":"site_lock_taken".*"late":true' "$(journal)" && [ -n "$(lock_file)" ]; then
	ok "the lock is taken as soon as the DR site answers"
else
	notok "the lock is taken as soon as the DR site answers"
fi
T send-keys a
shows "type abort" 10 && T send-keys abort Enter
check "aborted" shows "(aborted)" 20
end=$((SECONDS + 20))
while [ -n "$(lock_file)" ] && [ "$SECONDS" -le "$end" ]; do sleep 0.3; done
if [ -z "$(lock_file)" ]; then ok "the lock is given back after the abort"; else notok "the lock is given back after the abort"; fi
# 5. The DR site freezes while a slow step runs: no answer comes, so it may
# still be running; a retry is refused until the site, thawed, says how it
# ended. Frozen past its deadline, the step may have finished in the instant
# of the thaw or been stopped: either way the console must say what happened.
start "$slow"
check "the console is up again" shows "datacenter-2 standby" 30
before=$(grep -c "routes backup" "$LAB_DIR/app/actions.log")
T send-keys s
shows "number or name" 20
T send-keys 3 Enter Enter
shows "네트워크 장애  0:" 20
confirm
shows "✓ 1 Activate the backup network path" 20
confirm
check "update_routing_tables runs" shows "▶ 2 Update the routing tables to use the backup path" 20
lab freeze 2 >/dev/null 2>&1
check "no answer: unknown, it may still be running on the DR site" \
	shows "may still be running on datacenter-2" 40
T send-keys r
sleep 1
# r does not apply while the step may still run (the key table's predicate): nothing is retried.
if ! grep -q '"type":"retry"' "$(journal)" && [ "$(grep -c '"type":"step_started"' "$(journal)")" = 2 ]; then
	ok "r retries nothing while the step may still be running"
else
	notok "r retries nothing while the step may still be running"
fi
check "the step says a retry is refused until it has ended" shows "a retry is refused until it has ended" 5
if T capture-pane -p | grep -qF "r: retry"; then notok "the key line does not offer r"; else ok "the key line does not offer r"; fi
lab thaw 2 >/dev/null 2>&1
end=$((SECONDS + 40))
until grep -q '"type":"step_settled"' "$(journal)" || [ "$SECONDS" -gt "$end" ]; do sleep 0.5; done
settled=$(grep '"type":"step_settled"' "$(journal)" | tail -n 1)
sleep 3 # its check, then the step's end
after=$(grep -c "routes backup" "$LAB_DIR/app/actions.log")
if [ "$after" -gt "$before" ]; then
	# it finished at the thaw: the site says it exited, the check passes
	if grep -q "exit status 0" <<<"$settled" && T capture-pane -p | grep -qF "✓ 2 Update the routing tables to use the backup path"; then
		ok "it landed at the thaw, and the console says it ended (exit status 0) and is done"
	else
		notok "it landed at the thaw, and the console says it ended and is done: $settled"
	fi
else
	if grep -q "stopped at its deadline" <<<"$settled" && T capture-pane -p | grep -qF "✗ 2 Update the routing tables to use the backup path"; then
		ok "it never landed, and the console says the site stopped it and the step failed"
	else
		notok "it never landed, and the console says the site stopped it: $settled"
	fi
fi
if [ "$((after - before))" -le 1 ]; then ok "it ran at most once"; else notok "it ran $((after - before)) times"; fi
finish
