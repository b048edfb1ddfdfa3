#!/usr/bin/env bash
# Every key table of the console, driven key by key in a real tmux against a
# lab of its own (port base 29300). Each help text of tui/console_keys.c (read
# from the source, so a new binding is covered) appears in the ? overlay, and
# each binding does what its help says: the help scrolls and closes; Tab moves
# the focus; digits switch layouts; Ctrl-L repaints; the host key dialog
# types, erases, sets aside (K brings it back) and accepts; f and F explain
# themselves outside a split brain; the picker moves with arrows, j/k and
# digits, searches Korean names, erases, shows a scenario's steps, backs out
# with Esc at each level and starts on a second Enter; in a run Enter, k, n
# and a open their dialogs, which type, erase, clear with Ctrl-U, answer and
# cancel; o and t on a guarded promotion (t once the primary is unreachable);
# keys the run does not take (o, t, r, d and unbound ones) open nothing and
# journal nothing; a tabletop's Enter narrates and i injects; --follow takes
# only the view's keys.
set -uo pipefail
PORT_BASE=29300 SOCK_PREFIX=drk
. "$(cd "$(dirname "$0")" && pwd)/tmux-lib.sh"
F() { tmux -L "$sock-f" -f /dev/null "$@"; }
trap 'T kill-server 2>/dev/null; F kill-server 2>/dev/null; lab thaw 1 2>/dev/null' EXIT
env_="env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color XDG_STATE_HOME=$LAB_DIR/xdg"
src="${TOP_SRCDIR:-$here/../..}"
# records: the lines of the newest journal (0 when there is none).
records() { local j; j=$(ls -t "$LAB_DIR"/state/runs/*.jsonl 2>/dev/null | head -n 1); [ -n "$j" ] && wc -l <"$j" || echo 0; }
# nothing_opens KEY...: each key opens no dialog and journals nothing.
nothing_opens() {
	local before k
	before=$(records)
	for k in "$@"; do T send-keys "$k"; done
	sleep 0.7
	! T capture-pane -p | grep -qE "type |reason:|note:|event:|Enter runs it|what would you do \(" && [ "$(records)" = "$before" ]
}

# Site 2's host key is unknown: the host key dialog's table.
kh="$LAB_DIR/known_hosts"
site2="[127.0.0.1]:$((LAB_PORT_BASE + 2))"
grep -vF "$site2 " "$kh" >"$kh.new" && mv "$kh.new" "$kh"
T new-session -d -x 110 -y 40 "$env_ $prog -c $LAB_CONFIG; sleep 60"
check "host key: the dialog opens" shows "offers a host key that known_hosts" 15
T send-keys y e x BSpace
check "host key: typed text shows, Backspace erases it" shows "ye_" 3
T send-keys Escape
check "host key: Esc sets it aside" gone "offers a host key" 3
T send-keys K
check "host key: K shows it again" shows "offers a host key that known_hosts" 3
T send-keys s Enter
check "host key: Enter refuses what is not yes" shows "Not accepted: type the three letters yes" 3
T send-keys y e s Enter
check "host key: yes and Enter accept it" shows "datacenter-2 standby" 15

# The help: every help text and table title of the source is in the overlay.
T send-keys '?'
shows "Everywhere" 3
pages=$(T capture-pane -p)
for i in 1 2 3; do T send-keys NPage; sleep 0.3; pages+=$'\n'$(T capture-pane -p); done
missing=""
while IFS= read -r text; do
	grep -qF -- "$text" <<<"$pages" || missing+=" [$text]"
done < <(grep -o 'N_("[^"]*")' "$src/tui/console_keys.c" | sed 's/^N_("//; s/")$//')
if [ -z "$missing" ]; then ok "?: every help text of the key tables is in the overlay"; else notok "?: missing from the overlay:$missing"; fi
check "?: PgDn scrolled it (the first table's title is off)" gone "Everywhere" 2
T send-keys PPage PPage PPage PPage
check "?: PgUp scrolls back to the top" shows "Everywhere" 2
T send-keys Down
check "?: Down scrolls by a line" gone " Everywhere " 2
T send-keys Up
check "?: Up scrolls back" shows "Everywhere" 2
T send-keys x
check "?: any other key closes it" gone "Everywhere" 2

# The view's keys.
T send-keys 1
shows "health" 3
focus() { T capture-pane -p | grep -o "▶ [a-zA-Z ]*" | head -n 1; }
T send-keys Tab
sleep 0.3
f0=$(focus)
T send-keys Tab
sleep 0.3
f1=$(focus)
if [ -n "$f0" ] && [ -n "$f1" ] && [ "$f0" != "$f1" ]; then ok "Tab moves the focus ($f0 -> $f1)"; else notok "Tab moves the focus ($f0 -> $f1)"; fi
T send-keys 2
check "2 switches to the incident layout (the runbook shows)" shows "No run. Press s" 3
bytes="$LAB_DIR/pane.bytes"
T pipe-pane -o "cat >>$bytes"
sleep 1.5
: >"$bytes"
T send-keys C-l
sleep 0.5
T pipe-pane
if [ "$(wc -c <"$bytes")" -gt 2000 ]; then ok "Ctrl-L repaints the whole screen ($(wc -c <"$bytes") bytes)"; else notok "Ctrl-L repaints the whole screen ($(wc -c <"$bytes") bytes)"; fi
check "keys in no table do nothing (x, z, Enter, o, d outside a run)" nothing_opens x z Enter o d i

# f and F outside a split brain say why there is nothing to do.
T send-keys f
check "f: no fence kept, said in a notice" shows "no fence is kept" 3
T send-keys Enter
check "Enter closes the notice" gone "no fence is kept" 3
T send-keys F
check "F: nothing to disarm, said" shows "No fence is kept: nothing to disarm." 3
T send-keys Escape
check "Esc closes it" gone "nothing to disarm" 3

# The picker.
T send-keys s
check "s opens the picker, the first scenario selected" shows "▶ 1. 데이터센터 장애" 5
check "the picker's key line comes from its table" shows "Up/Down: move  Enter: show its steps  Esc: close" 2
T send-keys Down
check "Down moves the selection" shows "▶ 2. 데이터베이스 장애" 2
T send-keys Up
check "Up moves it back" shows "▶ 1. 데이터센터 장애" 2
T send-keys j
check "j moves down" shows "▶ 2. 데이터베이스 장애" 2
T send-keys k
check "k moves up" shows "▶ 1. 데이터센터 장애" 2
T send-keys 3
check "3 selects scenario 3" shows "▶ 3. 네트워크 장애" 2
T send-keys -l "네트워"
check "typing searches the Korean names" shows "search (number or name): 네트워_" 2
check "... keeping only what matches" gone "2. 데이터베이스 장애" 2
T send-keys BSpace
check "Backspace erases one character of the search" shows "search (number or name): 네트_" 2
T send-keys -l "워크 장애"
T send-keys Enter
check "Enter shows the scenario's steps" shows "1. Activate the backup network path" 3
check "... with the sites they act on and the estimate" shows "estimated" 2
T send-keys Escape
check "Esc goes back to the list" shows "search (number or name): 네트워크 장애_" 2
T send-keys Escape
check "Esc again closes the picker" gone "search (number or name)" 2
check "closing the picker started nothing" nothing_opens
T send-keys s 2 Enter Enter
check "a second Enter starts the run" shows "데이터베이스 장애  0:0" 20

# A run: the promotion is guarded while the primary is alive.
check "the key line of a guarded step comes from the run's table" shows "o: override guard  k: skip  n: note  a: abort" 30
check "t, r, d, Enter and s do nothing on a guarded step with the primary up" nothing_opens t r d Enter s
T send-keys o
check "o asks for the guard's name" shows "type primary_fenced to override" 5
T send-keys Escape
T send-keys n
check "n asks a note" shows "note:" 5
T send-keys a b c BSpace
check "dialog: typed text shows, Backspace erases a character" shows "note: ab_" 2
T send-keys C-u
check "dialog: Ctrl-U clears the field" shows "note: _" 2
T send-keys -l "every key"
T send-keys Enter
check "dialog: Enter answers (the note is journaled, and said)" shows "note journaled" 5
if grep -q '"type":"note".*every key' "$(ls -t "$LAB_DIR"/state/runs/*.jsonl | head -n 1)"; then ok "the note is in the journal"; else notok "the note is in the journal"; fi
T send-keys k
check "k asks the reason to skip" shows "reason:" 5
T send-keys Escape
check "dialog: Esc cancels" gone "reason:" 3
check "... the step is still guarded" shows "o: override guard" 3
lab freeze 1
check "with the primary frozen, the key line offers t" shows "t: attest primary down" 30
T send-keys t
check "t asks to attest the old primary down" shows "attest the old primary is down" 5
T send-keys Escape
lab thaw 1
T send-keys o
shows "type primary_fenced to override" 5
T send-keys primary_fenced Enter
check "overridden: Enter now confirms (typed)" shows "Enter: confirm (type the site)" 10
T send-keys Enter
check "Enter opens the confirmation" shows "type datacenter-2 to run it" 5
T send-keys Escape
T send-keys k
shows "reason:" 5
T send-keys -l "no promotion in a key test"
T send-keys Enter
check "k with a reason skips the step, the reason shown" shows "no promotion in a key test" 10
if T capture-pane -p | grep -qF "skipped: skipped"; then notok "the skipped step says skipped once"; else ok "the skipped step says skipped once"; fi
check "the next step awaits its confirmation (the lab runs it: not manual)" shows "Enter: confirm  k: skip  n: note  a: abort" 10
T send-keys a
check "a asks to type abort" shows "type abort:" 5
T send-keys abort Enter
check "a: the run is aborted" shows "(aborted)" 10
check "the finished run's key line: s picks a scenario" shows "s: pick a scenario" 10

# A tabletop drill: Enter narrates, i injects.
T send-keys s
T send-keys -l "D2"
T send-keys Enter Enter
shows "type live or tabletop:" 5
T send-keys tabletop Enter
check "the tabletop's key line" shows "Enter: what would you do  i: inject" 20
T send-keys i
check "i asks an event to inject" shows "event:" 5
T send-keys Escape
T send-keys Enter
check "Enter narrates the step" shows "what would you do (and how long)?" 5
T send-keys Escape

# --follow: only the view's keys.
F new-session -d -x 110 -y 40 "$env_ $prog -c $LAB_CONFIG --follow --no-probe; sleep 60"
end=$((SECONDS + 15))
until F capture-pane -p | grep -qF "FOLLOWING" || [ "$SECONDS" -gt "$end" ]; do sleep 0.2; done
before=$(records)
for k in s Enter a f F o t r k d n K i; do F send-keys "$k"; done
sleep 1
if [ "$(records)" = "$before" ] && ! F capture-pane -p | grep -qE "type |note:|event:|reason:|number or name|offers a host key"; then ok "--follow: keys that act open nothing and journal nothing"; else notok "--follow: keys that act open nothing and journal nothing"; F capture-pane -p | sed 's/^/#   /'; fi
F send-keys '?'
sleep 0.5
if F capture-pane -p | grep -qF "Everywhere"; then ok "--follow: ? shows the help"; else notok "--follow: ? shows the help"; fi
F send-keys x q
sleep 1
if ! F capture-pane -p | grep -qF "FOLLOWING"; then ok "--follow: any key closes the help, q quits"; else notok "--follow: any key closes the help, q quits"; fi

T send-keys a abort Enter
shows "hot wash" 10
T send-keys Escape
T send-keys q
sleep 1
if ! T capture-pane -p | grep -qF "runbook"; then ok "q quits once the run is over"; else notok "q quits once the run is over"; fi
finish
