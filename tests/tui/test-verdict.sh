#!/usr/bin/env bash
# The verdict on screen, in a real tmux against a lab of its own (port base
# 27600). The DR site frozen heads the header's reason line, before the
# expired backups the lab keeps, with how many more reasons there are, and
# the change is an event. The primary's PostgreSQL killed: the replication
# panel never shows its last row as the stream's state; it says the stream
# stopped (the standby's receiver), and shows that row dimmed, its age first.
# Both sites frozen: the stream is unknown, not "not streaming". The standby
# promoted while the primary still runs: the split brain is an event.
set -uo pipefail
PORT_BASE=27600 SOCK_PREFIX=drv
. "$(cd "$(dirname "$0")" && pwd)/tmux-lib.sh"
trap 'T kill-server 2>/dev/null; lab thaw 1 >/dev/null 2>&1; lab thaw 2 >/dev/null 2>&1' EXIT

# line2 TEXT SECONDS: waits (bounded) until the header's reason line (line 2) shows TEXT.
line2() {
	local end=$((SECONDS + $2))
	while [ "$SECONDS" -le "$end" ]; do
		T capture-pane -p 2>/dev/null | sed -n 2p | grep -qF -- "$1" && return 0
		sleep 0.1
	done
	return 1
}
# matches REGEX SECONDS: waits (bounded) until a line of the pane matches REGEX.
matches() {
	local end=$((SECONDS + $2))
	while [ "$SECONDS" -le "$end" ]; do
		T capture-pane -p 2>/dev/null | grep -qE -- "$1" && return 0
		sleep 0.1
	done
	return 1
}
# never TEXT SECONDS: watches the pane for SECONDS; fails (printing it) as soon as it shows TEXT.
never() {
	local end=$((SECONDS + $2)) pane
	while [ "$SECONDS" -le "$end" ]; do
		pane=$(T capture-pane -p 2>/dev/null)
		if grep -qF -- "$1" <<<"$pane"; then
			sed 's/^/#   /' <<<"$pane"
			return 1
		fi
		sleep 0.2
	done
	return 0
}

T new-session -d -x 110 -y 40 "env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color XDG_STATE_HOME=$LAB_DIR/xdg $prog -c $LAB_CONFIG; sleep 300"
check "the console is up, the standby streaming" shows "→ datacenter-2: streaming async" 20
check "the expired backups head the reason line while all else is well" line2 "older than retention_days" 10

lab freeze 2 >/dev/null 2>&1
check "the DR site unreachable heads the reason line, before the expired backups" \
	line2 " datacenter-2 is unreachable" 20
check "the reason line says how many more reasons there are" matches "^ datacenter-2 is unreachable.*\(\+[0-9]+ more\)$" 2
check "what heads the verdict changing is an event" \
	matches "verdict warning, now headed by (datacenter-2 is unreachable|PostgreSQL on datacenter-2 does not answer)" 5
lab thaw 2 >/dev/null 2>&1
check "the thawed standby streams again" shows "→ datacenter-2: streaming async" 30

lab kill-pg 1 >/dev/null 2>&1
check "the primary's last row is never shown as the stream's state" never "streaming async (as of" 8
check "the stream is shown stopped, with why" matches "→ datacenter-2: (not streaming|streaming \(its WAL receiver\))" 2
check "... as the standby's receiver tells" shows "the WAL receiver of datacenter-2 is" 20
check "the primary's last row is shown with its age" matches "as of [0-9ms]+ ago: replay [0-9A-F]+/[0-9A-F]+ flush" 5
check "the verdict turning critical is an event" shows "verdict critical (was warning): PostgreSQL on primary datacenter-1 is down" 5
lab start-pg 1 >/dev/null 2>&1
check "with the primary back, the standby streams again" shows "→ datacenter-2: streaming async" 40

lab freeze 1 >/dev/null 2>&1
lab freeze 2 >/dev/null 2>&1
check "both sites unreachable: the stream is unknown" shows "→ datacenter-2: stream unknown" 20
check "... and says why" shows "datacenter-1 is unreachable" 2
check "... never not streaming" never "→ datacenter-2: not streaming" 3
lab thaw 1 >/dev/null 2>&1
lab thaw 2 >/dev/null 2>&1
check "thawed, the standby streams again" shows "→ datacenter-2: streaming async" 40

# The standby promoted while the primary still runs: two primaries.
lab psql 2 -qAtc "select pg_promote()" >/dev/null 2>&1
check "the split brain is an event" \
	matches "verdict critical(, now headed by| \(was [a-z]+\):) SPLIT BRAIN: both datacenter-1 and datacenter-2" 20

finish
