#!/usr/bin/env bash
# drconsole --follow, in a real tmux against a lab of its own (port base 28000):
# an operator's console runs 네트워크 장애 while two followers watch it (one
# probing the sites, one with --no-probe):
#   - the followers say FOLLOWING and whose run it is, and show the run's
#     steps from its journal;
#   - a step's change shows on a follower within one second of its record in
#     the journal;
#   - keys that would act (s, Enter, a, f, F, o, t, r, k, d, n, K) change
#     nothing: the journal gains no record from them and no prompt opens;
#   - the followers survive the run's end, and one started after it shows it
#     finished; --follow with an unknown run exits 1 with a clear error.
set -uo pipefail
PORT_BASE=28000 SOCK_PREFIX=drf
. "$(cd "$(dirname "$0")" && pwd)/tmux-lib.sh"
F() { tmux -L "$sock-f" -f /dev/null "$@"; }
G() { tmux -L "$sock-g" -f /dev/null "$@"; }
trap 'T kill-server 2>/dev/null; F kill-server 2>/dev/null; G kill-server 2>/dev/null' EXIT
env_="env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color XDG_STATE_HOME=$LAB_DIR/xdg"
# fshows TMUX TEXT SECONDS: waits (bounded, every 50 ms) until that server's pane shows TEXT.
fshows() {
	local end=$((SECONDS + $3))
	until "$1" capture-pane -p | grep -qF -- "$2"; do
		[ "$SECONDS" -ge "$end" ] && return 1
		sleep 0.05
	done
}
fcheck() { local d=$1; shift; if "$@"; then ok "$d"; else notok "$d"; "$2" capture-pane -p 2>/dev/null | sed 's/^/#   /'; fi; }

# The operator's run: 네트워크 장애, whose second step waits 4 s before it acts.
sed -i 's/^  slow: "0"/  slow: "4"/' "$LAB_CONFIG"
T new-session -d -x 110 -y 40 "$env_ $prog -c $LAB_CONFIG; sleep 60"
check "the operator's console is up" shows "datacenter-2 standby" 20
"$prog" -c "$LAB_CONFIG" --follow no-such-run >/dev/null 2>"$LAB_DIR/follow.err"
rc=$?
if [ "$rc" = 1 ] && grep -q "no-such-run" "$LAB_DIR/follow.err"; then ok "--follow with an unknown run: exit 1, naming it"; else notok "--follow with an unknown run: exit 1, naming it (rc $rc)"; fi
F new-session -d -x 110 -y 40 "$env_ $prog -c $LAB_CONFIG --follow; sleep 60"
G new-session -d -x 110 -y 40 "$env_ $prog -c $LAB_CONFIG --follow --no-probe; sleep 60"
fcheck "a follower started before the run says FOLLOWING" fshows F "FOLLOWING" 20
T send-keys s
check "s lists the scenarios" shows "3. 네트워크 장애" 20
T send-keys 3 Enter Enter
check "the run starts" shows "네트워크 장애  0:0" 20
check "step 1 awaits its confirmation" shows "1 Activate the backup network path" 20
fcheck "the follower finds the run in progress and shows its steps" fshows F "1 Activate the backup network path" 10
fcheck "... saying whose run it is" fshows F "FOLLOWING run " 5
fcheck "the follower without probes shows it too" fshows G "1 Activate the backup network path" 10
j=$(ls -t "$LAB_DIR"/state/runs/*.jsonl | head -n 1)
before=$(wc -l <"$j")
for k in s Enter a f F o t r k d n K; do
	F send-keys "$k"
	G send-keys "$k"
done
sleep 1
after=$(wc -l <"$j")
if [ "$before" = "$after" ]; then ok "the followers' keys wrote nothing to the journal"; else notok "the followers' keys wrote nothing to the journal ($before -> $after)"; fi
if ! F capture-pane -p | grep -qE "type |Confirm|number or name"; then ok "no dialog opened on the follower"; else notok "no dialog opened on the follower"; F capture-pane -p | sed 's/^/#   /'; fi
# The operator confirms step 1: the follower shows it done within a second of its record.
T send-keys Enter
check "the confirmation opens" shows "Enter runs it" 10
T send-keys Enter
check "the operator's step 1 is done" shows "✓ 1 Activate the backup network path" 20
end=$((SECONDS + 10))
until grep -q '"step_finished".*"step":1\|"step":1.*"step_finished"' "$j" || [ "$SECONDS" -ge "$end" ]; do sleep 0.02; done
t0=$(date +%s%3N)
if fshows F "✓ 1 Activate the backup network path" 5; then
	t1=$(date +%s%3N)
	if [ $((t1 - t0)) -le 1000 ]; then ok "the follower showed step 1 done $((t1 - t0)) ms after its record"; else notok "the follower showed step 1 done within 1 s of its record ($((t1 - t0)) ms)"; fi
else
	notok "the follower showed step 1 done"
fi
check "step 2 awaits its confirmation" shows "2 Update the routing tables to use the backup path  0:00/3:00  awaiting" 20
T send-keys Enter
check "its confirmation opens" shows "Enter runs it" 10
T send-keys Enter
fcheck "the follower shows step 2 running" fshows F "2 Update the routing tables to use the backup path  0:0" 10
check "the run finishes" shows "(finished)" 30
fcheck "the follower survives the run's end, showing it over" fshows F "the run is over" 10
fcheck "the follower without probes too" fshows G "(finished)" 10
run=$(basename "$j" .jsonl)
renew F -d -x 110 -y 40 "$env_ $prog -c $LAB_CONFIG --follow $run --no-probe; sleep 60"
fcheck "a follower of that run started after it shows it finished" fshows F "(finished)" 10
F send-keys q
sleep 1
if ! F capture-pane -p | grep -q "FOLLOWING"; then ok "q quits the follower"; else notok "q quits the follower"; fi
finish
