#!/usr/bin/env bash
# The console in a real tmux against a lab of its own (port base 26400): a
# first-time host key offered for acceptance (refused unless "yes" is typed,
# then written to known_hosts and the site connected), both sites shown,
# keys answered while a site is frozen, the help overlay, a resize below the
# layout's minimum with a clear notice, q quits, and a changed host key is
# refused without any dialog. Golden screens are in test-golden.sh.
set -uo pipefail
PORT_BASE=26400 SOCK_PREFIX=drt
. "$(cd "$(dirname "$0")" && pwd)/tmux-lib.sh"
trap 'T kill-server 2>/dev/null; lab thaw 2' EXIT

# start: opens the console in a new tmux server.
start() { T new-session -d -x 80 -y 24 "env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color XDG_STATE_HOME=$LAB_DIR/xdg $prog -c $LAB_CONFIG; sleep 30"; }

# Site 2's host key is unknown: the console offers it with its fingerprint.
kh="$LAB_DIR/known_hosts"
site2="[127.0.0.1]:$((LAB_PORT_BASE + 2))"
entry=$(grep -F "$site2 " "$kh")
grep -vF "$site2 " "$kh" >"$kh.new" && mv "$kh.new" "$kh"
fp=$(ssh-keygen -lf "$LAB_DIR/site2/ssh/ssh_host_ed25519_key.pub" | awk '{print $2}')
start
check "an unknown host key opens the dialog" shows "offers a host key that known_hosts" 8
check "the dialog shows the key's SHA256 fingerprint" shows "ssh-ed25519 $fp" 1
T send-keys n o Enter
check "typing no does not accept it" shows "Not accepted: type the three letters yes" 2
if grep -qF "$site2 " "$kh"; then notok "known_hosts untouched after no"; else ok "known_hosts untouched after no"; fi
T send-keys y e s Enter
check "after yes the site connects" shows "datacenter-2 standby" 10
if [ "$(grep -F "$site2 " "$kh" | awk '{print $1, $2, $3}')" = "$(echo "$entry" | awk '{print $1, $2, $3}')" ]; then
	ok "known_hosts holds exactly the key shown"
else
	notok "known_hosts holds exactly the key shown: $(grep -F "$site2 " "$kh")"
fi
check "the acceptance is an event" shows "datacenter-2: host key ssh-ed25519" 2

check "the console shows the health panel" shows "health" 5
check "both sites appear with their roles" shows "datacenter-2 standby" 10
check "the primary is named in the header" shows "datacenter-1 primary" 5
check "backups are listed" shows "4 files" 10

lab freeze 2
T send-keys '?'
check "with site 2 frozen, ? opens the help overlay within 2 s" shows "Ctrl-L" 2
T send-keys x
check "site 2 turns unreachable on screen" shows "datacenter-2 unreachable" 8
lab thaw 2

T resize-window -x 60 -y 15
check "below the layout's minimum: a clear notice" shows "terminal too small: need 80x24, have 60x15" 3
T resize-window -x 80 -y 24
check "back at 80x24 the panels return" shows "replication" 3

shell=$(T display-message -p '#{pane_pid}')
T send-keys q
end=$((SECONDS + 2))
while [ "$SECONDS" -le "$end" ] && pgrep -P "$shell" -x drconsole >/dev/null; do sleep 0.1; done
if pgrep -P "$shell" -x drconsole >/dev/null; then notok "q quits within 2 s"; else ok "q quits within 2 s"; fi

# A changed host key is refused with both fingerprints, and never offered.
T kill-server 2>/dev/null
lab rekey 2
start
check "a changed host key is refused" shows "has CHAN" 10
if T capture-pane -p | grep -q "offers a host key"; then notok "no dialog for a changed key"; else ok "no dialog for a changed key"; fi

# Without a terminal the console refuses clearly instead of drawing garbage.
out=$("$prog" -c "$LAB_CONFIG" </dev/null 2>&1 >/dev/null)
rc=$?
if [ $rc = 1 ] && grep -q "needs a terminal" <<<"$out"; then ok "without a terminal: a clear error"; else notok "without a terminal: a clear error (rc $rc: $out)"; fi

finish
