#!/bin/sh
# Command-line behaviour of "drconsole report", offline, on journals built
# here the way check-journal.sh builds them (chained records, head files,
# seals) and on the intact run of tests/data/journal: finding the run (id,
# path, --last, none, unknown), Markdown and JSON (its keys, with jq), a
# finished, an unfinished, a live (its lock held here) and a damaged run
# (an edited line, the last line removed: exit 1, the report marked
# UNVERIFIED, its problems first), estimates with a config and without,
# Korean tables lined up by display width (wc -L), hostile text made
# harmless, and usage errors.
set -u
top_srcdir=${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${TOP_BUILDDIR:-$top_srcdir}
prog="$top_builddir/drconsole"
good="$top_srcdir/tests/data/journal/20261127T061500Z-1.jsonl"
tmp=$(mktemp -d) || exit 99
holder=
trap 'if [ -n "$holder" ]; then kill "$holder"; fi; rm -rf "$tmp"' EXIT
. "$top_srcdir/tests/check-lib.sh"
. "$top_srcdir/tests/journal-lib.sh"
command -v jq >/dev/null 2>&1 || { echo "jq is needed"; exit 77; }
unset DRCONSOLE_CONFIG XDG_CONFIG_HOME
export HOME="$tmp/home" LC_ALL=C.UTF-8
mkdir -p "$HOME"

# seal FILE: the run_sealed record, then the head file, as a console writes them.
seal() {
	record "$1" run_sealed "{\"records\":$(wc -l <"$1"),\"last_hash\":\"$(last_hash "$1")\"}"
	head_of "$1"
}

# start FILE: a run of 데이터베이스 장애 by kim from 10.0.0.5, its first step done.
start() {
	: >"$1"
	record "$1" run_started '{"scenario":"데이터베이스 장애","steps":4,"estimated_ms":900000,"operator":"kim","host":"jump1","origin":"10.0.0.5","pid":42}'
	record "$1" step_started '{"attempt":1,"step":1,"action":"verify_replication_status"}'
	record "$1" step_output '{"ok":true,"exit_status":0,"output":"streaming\n","lsn":-1,"step":1,"action":"verify_replication_status"}'
	record "$1" step_finished '{"result":"done","duration_ms":2000,"step_ms":3000,"step":1,"action":"verify_replication_status"}'
	record "$1" step_confirmed '{"confirm":"typed","step":2,"action":"promote_standby"}'
	record "$1" step_started '{"attempt":1,"step":2,"action":"promote_standby"}'
}

runs="$tmp/state/runs"
mkdir -p "$runs" "$tmp/state/locks" "$tmp/empty"
cp "$good" "${good%.jsonl}.head" "$runs/"
id=20261127T061500Z-1

run --help
check "drconsole --help lists report" eval 'rc_is 0 && out_has "report [RUN|--last] [--format md|json]"'
run report --help
check "report --help tells what it reports and its exit status" \
	eval 'rc_is 0 && out_has "ISO 22301 8.5" && out_has "never as done" && out_has "Exit status: 0 the report"'

run report "$id" --state-dir "$tmp/state"
check "a finished run by id: exit 0, its title, its state, verified" \
	eval 'rc_is 0 && out_has "# Run report: 데이터베이스 장애" && out_has "| state      | finished (result: ok)" && out_has "| journal    | verified: 8 records, chain intact, head file agrees, sealed"'
check "without a config the estimate is unknown, and stderr says so" \
	eval 'out_has "the estimate is unknown: no config was loaded" && err_has "no config loaded"'
check "the final hash is the journal's last line's" eval 'out_has "| final hash                 | $(last_hash "$runs/$id.jsonl")"'
sed '/^## Journal verification/,$d' "$tmp/out" >"$tmp/by-id"
run report "$runs/$id.jsonl"
check "by path: the same report (but for the path it names)" \
	eval 'rc_is 0 && sed "/^## Journal verification/,\$d" "$tmp/out" | cmp -s - "$tmp/by-id"'

sed -e "/^sites:/i state_dir: $tmp/state" "$top_srcdir/doc/drconsole.yml.example" >"$tmp/drconsole.yml"
run report --last -c "$tmp/drconsole.yml"
check "with the config: --last finds it in its state_dir, the estimates are known" \
	eval 'rc_is 0 && out_has "| total time | 9s against 15m (the scenario'"'"'s estimate): met (14m51s to spare)" && out_has "| 3m       |" && [ ! -s "$tmp/err" ]'

run report "$id" --state-dir "$tmp/state" --format json
check "JSON: one object with its stable keys" \
	eval 'rc_is 0 && jq -e ".report_version == 1 and .run == \"$id\" and .state == \"finished\" and .verified == true and (.journal.final_hash | length) == 64 and .steps[0].confirmed.by == \"kim\" and .notes[0].what == \"복제 상태 정상 확인\" and .estimate_ms == null and .rto.achieved_ms == 9000" "$tmp/out" >/dev/null'

# Every table of the Markdown report lines up: each table's lines have one display width.
lined_up() {
	awk '/^\|/ { print NR ": " $0; next } { print "" }' "$tmp/out" | while IFS= read -r line; do
		if [ -z "$line" ]; then
			width=
			continue
		fi
		w=$(printf '%s\n' "${line#*: }" | wc -L)
		if [ -z "$width" ]; then width=$w; elif [ "$w" != "$width" ]; then
			echo "not lined up: $line"
			return 1
		fi
	done
}
run report "$id" --state-dir "$tmp/state"
check "the tables line up by display width with Korean text in them" eval 'lined_up && grep -q "^| .*장애" "$tmp/out"'

start "$runs/20261127T070000Z-1.jsonl"
head_of "$runs/20261127T070000Z-1.jsonl"
run report 20261127T070000Z-1 --state-dir "$tmp/state"
check "an unfinished run: exit 0, reported unfinished, its step running, never finished" \
	eval 'rc_is 0 && out_has "| state      | unfinished (its console stopped" && out_has "| running " && ! out_has "| finished" && out_has "not achieved yet: the run is unfinished"'
run report 20261127T070000Z-1 --state-dir "$tmp/state" --format json
check "JSON of an unfinished run: state unfinished, ended null" \
	eval 'jq -e ".state == \"unfinished\" and .ended == null and .steps[1].state == \"running\"" "$tmp/out" >/dev/null'
run report --state-dir "$tmp/state"
check "no RUN: the newest run (the unfinished one)" eval 'rc_is 0 && out_has "| run        | 20261127T070000Z-1"'

hold_lock "$tmp/state" 20261127T070000Z-1
run report 20261127T070000Z-1 --state-dir "$tmp/state"
check "a run a console holds now is in progress" eval 'rc_is 0 && out_has "| state      | in progress (a console runs it now)"'
kill "$holder"
wait "$holder" 2>/dev/null
holder=

sed '4s/streaming/streamin9/' "$good" >"$runs/20261127T080000Z-1.jsonl"
cp "${good%.jsonl}.head" "$runs/20261127T080000Z-1.head"
run report 20261127T080000Z-1 --state-dir "$tmp/state"
check "an edited line: exit 1, UNVERIFIED, the damage first with its line, stderr says so" \
	eval 'rc_is 1 && [ "$(head -n 1 "$tmp/out")" = "# Run report: 데이터베이스 장애 (UNVERIFIED)" ] && [ "$(grep -m1 "^## " "$tmp/out")" = "## JOURNAL DAMAGED: THIS REPORT IS UNVERIFIED" ] && out_has "20261127T080000Z-1.jsonl:5:1: error: the chain breaks here" && err_has "the report is UNVERIFIED"'
run report 20261127T080000Z-1 --state-dir "$tmp/state" --format json
check "JSON of an edited journal: not verified, damaged, its problems" \
	eval 'rc_is 1 && jq -e ".verified == false and .state == \"damaged\" and (.journal.problems | length) >= 1" "$tmp/out" >/dev/null'
sed '$d' "$good" >"$runs/20261127T080000Z-2.jsonl"
cp "${good%.jsonl}.head" "$runs/20261127T080000Z-2.head"
run report 20261127T080000Z-2 --state-dir "$tmp/state"
check "the last line removed: exit 1, the removal named" \
	eval 'rc_is 1 && out_has "1 record was removed from its end" && out_has "(UNVERIFIED)"'

start "$runs/20261127T090000Z-1.jsonl"
record "$runs/20261127T090000Z-1.jsonl" note '{"text":"\u001b]0;owned\u0007 a|b \u202e<x>"}'
record "$runs/20261127T090000Z-1.jsonl" run_finished '{"result":"aborted","reason":"drill"}'
seal "$runs/20261127T090000Z-1.jsonl"
run report 20261127T090000Z-1 --state-dir "$tmp/state"
esc=$(printf '\033')
check "hostile text: no raw control printed, the bar escaped, the bidi control shown" \
	eval 'rc_is 0 && ! grep -q "$esc" "$tmp/out" && out_has "\\x1b]0;owned\\x07 a\\|b \\u202e&lt;x>" && out_has "| state      | aborted (result: aborted; reason: drill)"'
run report 20261127T090000Z-1 --state-dir "$tmp/state" --format json
check "hostile text in JSON: escaped, the same value" \
	eval '! grep -q "$esc" "$tmp/out" && jq -e ".notes[0].what == \"\u001b]0;owned\u0007 a|b \u202e<x>\"" "$tmp/out" >/dev/null'

: >"$runs/20261127T100000Z-1.jsonl"
run report 20261127T100000Z-1 --state-dir "$tmp/state"
check "an empty journal: nothing to report, exit 1" eval 'rc_is 1 && err_has "no records yet: nothing to report"'
run report 20261127T000000Z-9 --state-dir "$tmp/state"
check "an unknown run: exit 1 and where it was looked for" \
	eval 'rc_is 1 && err_has "drconsole: report: no run '"'"'20261127T000000Z-9'"'"' in $tmp/state/runs"'
run report --last --state-dir "$tmp/empty"
check "no runs: exit 1, said" eval 'rc_is 1 && err_has "no runs in $tmp/empty/runs yet"'

run report --format xml
check "an unknown format is a usage error (2)" eval 'rc_is 2 && err_has "report: --format is md or json, not '"'"'xml'"'"'"'
run report a b
check "two runs are a usage error" eval 'rc_is 2 && err_has "report: give one run, or --last"'
run report "$id" --last
check "a run and --last are a usage error" eval 'rc_is 2 && err_has "report: give one run, or --last"'
run report --bogus
check "an unknown option is a usage error" eval 'rc_is 2 && err_has "report: unknown option '"'"'--bogus'"'"'"'
run report --state-dir
check "an option without its value is a usage error" eval 'rc_is 2 && err_has "report: option '"'"'--state-dir'"'"' needs a value"'
run report "$id" --state-dir "$tmp/state" -c "$tmp/none.yml"
check "a config given that cannot be read: said, the report still made from --state-dir" \
	eval 'rc_is 0 && err_has "cannot open" && out_has "# Run report"'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
