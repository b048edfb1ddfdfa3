#!/bin/sh
# Hostile text (tests/hostile/corpus: ESC, OSC 0 and 52, CSI 2J, C1 CSI raw
# and as U+009B, U+202E, U+2066, invalid UTF-8, DEL, CR, and a 10 KB line of
# them) through every output path that needs no lab: check (names, parameters
# and values refused at FILE:LINE:COL; file names), plan, journal list and
# verify, usage errors, and status, table and --json, against a fake SSH
# server with a hostile banner and a fake PostgreSQL server whose FATAL
# message is hostile. Every byte printed is scanned (tests/hostile/scan.py):
# no control byte but tab and newline, no C1, no bidi control, valid UTF-8;
# and the hostile text must show, as visible escapes, where it was printed.
set -u
top_srcdir=${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${TOP_BUILDDIR:-$top_srcdir}
prog="$top_builddir/drconsole"
hostile="$top_srcdir/tests/hostile"
command -v python3 >/dev/null 2>&1 || {
	echo "# python3 is needed for the fake servers and the byte scan"
	exit 77
}
tmp=$(mktemp -d) || exit 99
servers=
trap 'if [ -n "$servers" ]; then kill "$servers"; fi; [ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
export DRCONSOLE_DATADIR="$top_srcdir"
. "$top_srcdir/tests/check-lib.sh"

# Tells whether stdout and stderr are clean and, together, show each TEXT given.
clean() {
	n=$#
	for h in "$@"; do
		set -- "$@" --has "$h"
	done
	shift "$n"
	python3 "$hostile/scan.py" "$tmp/out" "$tmp/err" "$@"
}
# Tells whether bad.yml has a string with a control refused at each LINE given.
refused_at() {
	for l in "$@"; do
		grep -q "^$tmp/bad.yml:$l:[0-9]*: error: a string may not contain a control" \
			"$tmp/err" || return 1
	done
}
# Tells whether every line of stderr is a FILE:LINE:COL diagnostic.
all_positioned() { ! grep -qv '^[^:]*:[0-9][0-9]*:[0-9][0-9]*: error: ' "$tmp/err"; }

mkdir -p "$tmp/c"
python3 "$hostile/scan.py" --corpus "$hostile/corpus" "$tmp/c" || exit 99
names=$(sed -n 's/^\([a-z0-9-]*\)	.*/\1/p' "$hostile/corpus")
q() { cat "$tmp/c/$1.q"; }
example="$top_srcdir/doc/drconsole.yml.example"

# --- check: every name and value holding a control is refused where it stands
{
	printf 'dr:\n  primary_site: %s\n  dr_site: datacenter-2\n' "$(q osc0-title)"
	printf '  failover_mode: manual\n  sync_interval: 300\n'
	printf 'sites:\n  - name: %s\n    ssh: {host: h1}\n' "$(q all)"
	printf '  - name: datacenter-2\n    ssh: {host: h2, user: %s}\n' "$(q long)"
	printf 'params:\n'
	for n in $names; do
		printf '  p_%s: %s\n' "$(echo "$n" | tr - _)" "$(q "$n")"
	done
	printf '  %s: 1\n' "$(q rlo)"
	printf 'actions:\n  %s:\n    run: %s\n' "$(q lri)" "$(q csi-clear)"
} >"$tmp/bad.yml"
run check -c "$tmp/bad.yml"
check "check: names and values with controls exit 1" rc_is 1
check "check: every problem is FILE:LINE:COL" all_positioned
check "check: each parameter with a control is refused at its line" \
	refused_at 12 13 14 15 17 18 19 21 22
check "check: the site names, the 10 KB value, a key and an action are refused" \
	refused_at 2 7 10 23 25 26
check "check: what it prints is clean, the controls shown as escapes" \
	clean '(\x1b)' '(\u009b)' '(\u202e)' '(\u2066)' '(\x7f)' '(\x0d)' '\x1b]0;PWNED-TITLE\x07'

# The same bytes raw in the file: YAML itself refuses them, and says where.
cp "$example" "$tmp/raw.yml"
printf 'params:\n  a: x' >>"$tmp/raw.yml"
cat "$tmp/c/osc0-title" >>"$tmp/raw.yml"
run check -c "$tmp/raw.yml"
check "check: a raw ESC in the file is refused at its position, cleanly" eval \
	'rc_is 1 && all_positioned && clean "control characters are not allowed"'
cp "$example" "$tmp/raw9b.yml"
printf 'params:\n  a: x' >>"$tmp/raw9b.yml"
cat "$tmp/c/c1-csi-raw" "$tmp/c/rlo" >>"$tmp/raw9b.yml"
run check -c "$tmp/raw9b.yml"
check "check: a raw C1 byte is invalid UTF-8, refused at its position, cleanly" eval \
	'rc_is 1 && all_positioned && clean "invalid UTF-8 (byte 0x9b)"'
run check "$tmp/$(cat "$tmp/c/all").yml"
check "check: a file name with controls is printed cleanly" eval \
	'rc_is 1 && clean "\x1b]0;PWNED-TITLE\x07" "\u202eevil" "\xff\xfe"'
mkdir -p "$tmp/s"
printf 'scenarios:\n  - name: %s\n    actions: [notify_stakeholders]\n    estimated_time: "15분"\n' \
	"$(q all)" >"$tmp/s/recovery-scenarios.yml"
run check "$tmp/s/recovery-scenarios.yml"
check "check: a scenario name with controls is refused at FILE:LINE:COL" eval \
	'rc_is 1 && all_positioned && grep -q ":2:11: error: a string may not contain" "$tmp/err" && clean "(\x1b)"'

# --- plan and usage errors
run plan "$(cat "$tmp/c/all")" -c "$example"
check "plan: an unknown scenario with controls is named cleanly" eval \
	'rc_is 1 && clean "no scenario" "\x1b]0;PWNED-TITLE\x07" "\x9b31m" "\u009b31m"'
run plan "$(cat "$tmp/c/long")" -c "$example"
check "plan: a 10 KB hostile name is named cleanly" eval 'rc_is 1 && clean "no scenario"'
run plan 1 -c "$tmp/bad.yml"
check "plan: a config with controls is refused, cleanly" eval 'rc_is 1 && all_positioned && clean "(\x1b)"'
run "$(cat "$tmp/c/all")"
check "an unknown command with controls is named cleanly" eval \
	'rc_is 2 && clean "unknown command" "\x1b]0;PWNED-TITLE\x07"'
run status "--$(cat "$tmp/c/osc52-clipboard")"
check "an unknown option with controls is named cleanly" eval \
	'rc_is 3 && clean "unknown option" "\x1b]52;c;"'

# --- journal list and verify on journals with hostile text in them
# record FILE TYPE DATA: appends a record chained to the last line of FILE.
record() {
	n=$(($(wc -l <"$1") + 1))
	if [ -s "$1" ]; then
		prev=$(tail -n 1 "$1" | tr -d '\n' | sha256sum | cut -c1-64)
	else
		prev=$(printf '%064d' 0)
	fi
	printf '{"seq":%d,"ts":"2026-11-27T07:00:%02d.000Z","type":"%s","prev":"%s","data":%s}\n' \
		"$n" "$n" "$2" "$prev" "$3" >>"$1"
}
mkdir -p "$tmp/state/runs"
j="$tmp/state/runs/20261127T070000Z-1.jsonl"
: >"$j"
record "$j" run_started "{\"scenario\":$(q all),\"mode\":\"incident\"}"
printf '{"seq":2,"ts":"x","type":"' >>"$j"
cat "$tmp/c/all" >>"$j"
printf '"}\n' >>"$j"
j2="$tmp/state/runs/20261127T070000Z-2.jsonl"
: >"$j2"
record "$j2" run_started "{\"scenario\":$(q long),\"mode\":\"incident\"}"
record "$j2" "$(printf 'note\302\233\342\200\256')" '{"text":"x"}'
run journal list --state-dir "$tmp/state"
check "journal list: hostile scenario names are printed cleanly" eval \
	'clean "\x1b]0;PWNED-TITLE\x07" "\u202eevil"'
run journal verify --state-dir "$tmp/state" "$j"
check "journal verify: a damaged journal with hostile bytes is reported cleanly" eval \
	'rc_is 1 && clean "damaged"'
run journal verify --state-dir "$tmp/state" "$j2"
check "journal verify: a hostile record type is refused, cleanly" eval \
	'rc_is 1 && clean "type must be a record type"'
run journal verify --state-dir "$tmp/state" "$(cat "$tmp/c/all")"
check "journal verify: a hostile run name is printed cleanly" eval 'rc_is 1 && clean "\x1b]0;"'

# --- status against hostile servers: the SSH banner and PostgreSQL's FATAL message
python3 "$hostile/servers.py" "$tmp/ports" &
servers=$!
for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	[ -s "$tmp/ports" ] && break
	sleep 0.1
done
read -r ssh_port pg_port <"$tmp/ports" || exit 99
cat >"$tmp/net.yml" <<EOF2
dr: {primary_site: a, dr_site: b, failover_mode: manual, sync_interval: 300}
state_dir: $tmp/state
sites:
  - name: a
    ssh: {host: 127.0.0.1, port: $ssh_port, known_hosts: $tmp/known_hosts}
    postgres: {via: direct, host: 127.0.0.1, port: $pg_port}
  - name: b
    ssh: {host: 127.0.0.1, port: $ssh_port, known_hosts: $tmp/known_hosts}
EOF2
run status -c "$tmp/net.yml" --timeout 3
check "status: the hostile SSH banner is not quoted, as OpenSSH" eval \
	'rc_is 3 && clean "does not speak SSH protocol 2" && ! grep -q "PWNED\|SSH-1.5" "$tmp/out" "$tmp/err"'
cp "$tmp/out" "$tmp/table"
run status -c "$tmp/net.yml" --timeout 3 --json
check "status --json: every byte is clean, the controls escaped" eval \
	'rc_is 3 && clean "\\u001B]0;PWNED-TITLE\\u0007" "\\u009b31m" "\\u202eevil"'
check "status --json: still JSON, holding PostgreSQL's message as it came" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
e = d["sites"][0]["postgres"]["error"]
assert "\x1b]0;PWNED-TITLE\x07\x1b[2J\x1b]52;c;cHduZWQ=\x07\x9b31m" in e, e
assert "\u202eevil\u2066" in e, e
assert "PWNED" not in d["sites"][1]["error"], d["sites"][1]["error"]
' "$tmp/out"

echo "# $pass passed, $fail failed"
[ "$fail" -eq 0 ]
