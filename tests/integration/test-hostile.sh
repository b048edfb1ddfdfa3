#!/usr/bin/env bash
# Hostile text from the network, against a real lab of its own (port base
# 27400, tmux sockets drh-*): backup files named with the corpus of
# tests/hostile/corpus (ESC, OSC 0 and 52, CSI 2J, C1 CSI raw and as U+009B,
# U+202E, U+2066, invalid UTF-8, DEL, CR), a site whose shell startup prints
# them, and site 1's PostgreSQL replaced by a fake server (postgres.via:
# direct) whose FATAL message holds them. "status" (table and --json) and the
# console (raw bytes through tmux pipe-pane, and the pane as shown) must never
# pass them on: the table and JSON hold only visible escapes (JSON keeping the
# text exactly), and the console's byte stream never holds an OSC 0 or 52
# with the hostile text, a C1 control, a bidi control or invalid UTF-8;
# console.log stays clean too.
set -uo pipefail
PORT_BASE=27400 SOCK_PREFIX=drh
. "$(cd "$(dirname "$0")" && pwd)/../tui/tmux-lib.sh"
hostile="$here/../hostile"
command -v python3 >/dev/null 2>&1 || { echo "SKIP: no python3"; [ "${CI:-}" = true ] && exit 1; exit 77; }
servers=
trap 'T kill-server 2>/dev/null; if [ -n "$servers" ]; then kill "$servers"; fi' EXIT
work="$LAB_DIR/hostile-test"
mkdir -p "$work/c"
python3 "$hostile/scan.py" --corpus "$hostile/corpus" "$work/c" || exit 99
names=$(sed -n 's/^\([a-z0-9-]*\)	.*/\1/p' "$hostile/corpus")

# The hostile inputs: backup names (those with C0 controls the probe counts as
# odd and lists not; C1, bidi controls and invalid UTF-8 it lists), a chatty
# shell startup, a fake PostgreSQL.
for n in $names; do
	for s in 1 2; do
		: >"$LAB_DIR/site$s/backup/db_backup_$(cat "$work/c/$n").dump"
	done
done
{
	printf 'printf "%%s\\n" "$(cat %s)"\n' "$work/c/all"
	printf 'printf "%%s\\n" "$(cat %s)" >&2\n' "$work/c/all"
} >"$LAB_DIR/site1/shellrc"
python3 "$hostile/servers.py" "$work/ports" &
servers=$!
for _ in $(seq 50); do [ -s "$work/ports" ] && break; sleep 0.1; done
read -r _ pg_port <"$work/ports" || exit 99
cfg="$LAB_DIR/hostile.yml" # beside the lab config: its relative paths hold
awk -v port="$pg_port" '
	/^  - name: / { site++ }
	site == 1 && /^    postgres:/ { print; print "      via: direct"; print "      host: 127.0.0.1"; skip = 1; next }
	skip && /^      port:/ { print "      port: " port; skip = 0; next }
	{ print }' "$LAB_CONFIG" >"$cfg"
cd "$LAB_DIR" || exit 99

# scan FILE TEXT...: FILE is clean (tests/hostile/scan.py) and shows each TEXT.
scan() {
	local f=$1
	shift
	local args=()
	for h in "$@"; do args+=(--has "$h"); done
	python3 "$hostile/scan.py" "$f" "${args[@]}"
}

"$prog" status -c "$cfg" >"$work/table" 2>&1
check "status: the table holds hostile backup names and PostgreSQL's message only as escapes" \
	scan "$work/table" '\x1b]0;PWNED-TITLE\x07\x1b[2J\x1b]52;c;cHduZWQ=\x07' 'db_backup_\u202eevil'
cat -v "$work/table" | sed 's/^/#   /'
"$prog" status -c "$cfg" --json >"$work/json" 2>"$work/json.err"
check "status --json: every byte is clean" scan "$work/json" '\u202eevil'
check "status --json: valid JSON, with the names and the message as they came" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
names = d["sites"][0]["backups"]["invalid_names"] or []
for want in ("db_backup_\x9b31m.dump", "db_backup_\u202eevil.dump", "db_backup_\u2066evil.dump"):
    assert want in names, (want, names)
assert "\x1b]52;c;cHduZWQ=\x07" in d["sites"][0]["postgres"]["error"], d["sites"][0]["postgres"]["error"]
' "$work/json"

# The console: every byte it writes to the terminal, and what the pane shows.
: >"$work/raw"
T new-session -d -x 160 -y 50 "sleep 1; env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color $prog -c $cfg; sleep 30"
T pipe-pane -o "cat >>'$work/raw'"
check "the console shows the sites" shows "datacenter-2" 10
check "the console shows a hostile name as escapes" shows '\x1b' 15
sleep 3
T send-keys q
sleep 1
check "the console wrote no hostile sequence to the terminal" python3 -c '
import sys
raw = open(sys.argv[1], "rb").read()
assert len(raw) > 1000, len(raw)
for bad in (b"\x1b]0;PWNED", b"\x1b]52;c;"):
    assert bad not in raw, bad
text = raw.decode("utf-8")  # no invalid byte: a raw 0x9b would fail here
for ch in "\x9b\u202e\u2066\x7f":
    assert ch not in text, repr(ch)
' "$work/raw"
log="$LAB_DIR/state/console.log"
if [ -f "$log" ]; then
	check "console.log is clean" scan "$log"
else
	ok "console.log is clean (none was written)"
fi
finish
