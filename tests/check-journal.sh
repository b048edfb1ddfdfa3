#!/bin/sh
# Command-line behaviour of "drconsole journal": verify on an intact run and
# on copies damaged in each way the chain must catch (a changed byte, a
# removed, swapped or duplicated line, bad JSON, a torn last line) and the
# tail must (the last line, the last five lines removed; a finished run with
# no seal), with the exact output and exit status; finding runs by path, file
# name, id and --last; list, with each run's state (finished, aborted,
# detached, unfinished, live, damaged, empty) from journals built here; usage
# errors. The intact run is tests/data/journal/*.jsonl and its head file.
set -u
srcdir=${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
prog="${TOP_BUILDDIR:-$srcdir}/drconsole"
good="$srcdir/tests/data/journal/20261127T061500Z-1.jsonl"
goodhead="$srcdir/tests/data/journal/20261127T061500Z-1.head"
holder=
tmp=$(mktemp -d) && trap 'if [ -n "$holder" ]; then kill "$holder"; fi; rm -rf "$tmp"' EXIT || exit 99
ran=0 failed=0

# Tells whether text got is want exactly, or holds what follows a leading '~' in want.
same() {
	case $2 in
	"~"*) case $1 in *"${2#"~"}"*) return 0 ;; esac ;;
	*) [ "$1" = "$2" ] && return 0 ;;
	esac
	printf '#   got:  %s\n#   want: %s\n' "$1" "$2"
	return 1
}

# expect DESC STATUS STDOUT STDERR ARGS...: runs drconsole ARGS in $tmp/state
# and records whether it exits with STATUS and prints STDOUT and STDERR.
expect() {
	desc=$1 status=$2 out=$3 err=$4
	shift 4
	got=$(cd "$tmp/state" && "$prog" "$@" 2>"$tmp/err" </dev/null)
	rc=$?
	ran=$((ran + 1))
	if [ "$rc" = "$status" ] && same "$got" "$out" && same "$(cat "$tmp/err")" "$err"; then
		echo "ok - $desc"
		return
	fi
	echo "not ok - $desc (exit $rc, want $status)"
	failed=$((failed + 1))
}

# Makes runs/NAME.jsonl from the intact run through the filter that follows, its head file beside it.
damage() {
	name=$1
	shift
	"$@" <"$good" >"$tmp/state/runs/$name.jsonl"
	cp "$goodhead" "$tmp/state/runs/$name.head"
}

. "$srcdir/tests/journal-lib.sh"

# seal FILE: appends the run_sealed record a console writes after run_finished and detached.
seal() {
	record "$1" run_sealed "{\"records\":$(wc -l <"$1"),\"last_hash\":\"$(last_hash "$1")\"}"
}

# run FILE TYPE...: writes a run of those record types (a seal after run_finished and
# detached; run_finished:aborted for an aborted run) and its head file.
run() {
	file=$1
	shift
	: >"$file"
	for type in "$@"; do
		case $type in
		run_started) record "$file" run_started '{"scenario":"데이터베이스 장애","mode":"incident"}' ;;
		run_finished) record "$file" run_finished '{"result":"done"}' && seal "$file" ;;
		run_finished:aborted) record "$file" run_finished '{"result":"aborted","reason":"drill"}' && seal "$file" ;;
		detached) record "$file" detached '{"why":"the console quit"}' && seal "$file" ;;
		*) record "$file" "$type" '{"step":1,"action":"promote_standby"}' ;;
		esac
	done
	head_of "$file"
}

mkdir -p "$tmp/state/runs" "$tmp/empty"
cp "$good" "$goodhead" "$tmp/state/runs/"
id=20261127T061500Z-1
intact="8 records, chain intact, from 2026-11-27T06:15:00.123Z to 2026-11-27T06:15:10.623Z; last record: run_finished, sealed"
seq="(removed, duplicated or reordered lines)"
chain="the chain breaks here: prev does not match line"
why="(edited, removed or reordered lines)"

expect "journal --help says what it does" 0 "~SHA-256 of the line before it" "" journal --help
expect "drconsole --help lists journal" 0 "~journal verify RUN|--last" "" --help

expect "an intact run verifies: summary, exit 0" 0 "runs/$id.jsonl: $intact" "" \
	journal verify "runs/$id.jsonl"
for way in "$id" "$id.jsonl" --last; do
	expect "verify finds the run by '$way'" 0 "$tmp/state/runs/$id.jsonl: $intact" "" \
		journal verify "$way" --state-dir "$tmp/state"
done
sed -e "/^sites:/i state_dir: $tmp/state" "$srcdir/doc/drconsole.yml.example" >"$tmp/drconsole.yml"
expect "the state dir comes from the config" 0 "$tmp/state/runs/$id.jsonl: $intact" "" \
	journal verify "$id" -c "$tmp/drconsole.yml"

damage edited sed '3s/"step":1/"step":2/'
expect "a changed byte: the next line breaks the chain, exit 1" 1 \
	"runs/edited.jsonl: damaged: 1 problem in 8 lines" \
	"runs/edited.jsonl:4:1: error: $chain 3 $why" \
	journal verify runs/edited.jsonl

damage removed sed 4d
expect "a removed line: seq and chain at its place, one line short of the head file" 1 \
	"~damaged: 3 problems in 7 lines" \
	"runs/removed.jsonl:4:1: error: seq 5 follows 3 $seq
runs/removed.jsonl:4:1: error: $chain 3 $why
runs/removed.jsonl:8:1: error: the journal has 7 lines, but its head file says 8 records: lines were removed" \
	journal verify runs/removed.jsonl

nosealfinished="the run finished (line 7) but no seal follows: lines were removed from the end of the journal, or its console stopped before sealing it"
damage cut1 sed '$d'
expect "the last line removed: the head file and the missing seal say so, exit 1" 1 \
	"runs/cut1.jsonl: damaged: 2 problems in 7 lines" \
	"runs/cut1.jsonl:8:1: error: the journal ends after 7 lines, but its head file says 8 records: 1 record was removed from its end
runs/cut1.jsonl:8:1: error: $nosealfinished" \
	journal verify runs/cut1.jsonl
damage cut5 head -n 3
expect "the last five lines removed: the head file says so, exit 1" 1 \
	"runs/cut5.jsonl: damaged: 1 problem in 3 lines" \
	"runs/cut5.jsonl:4:1: error: the journal ends after 3 lines, but its head file says 8 records: 5 records were removed from its end" \
	journal verify runs/cut5.jsonl
damage unsealed sed '$d'
head_of "$tmp/state/runs/unsealed.jsonl"
expect "a finished run with no seal after run_finished (its head file agreeing): exit 1" 1 \
	"runs/unsealed.jsonl: damaged: 1 problem in 7 lines" "runs/unsealed.jsonl:8:1: error: $nosealfinished" \
	journal verify runs/unsealed.jsonl
rm "$tmp/state/runs/cut5.head"
expect "the head file gone with the lines: a warning only, nothing shows what was lost" 0 \
	"~runs/cut5.jsonl: 3 records, chain intact" \
	"runs/cut5.head: warning: no head file: whether lines were removed from the end of the journal cannot be told" \
	journal verify runs/cut5.jsonl

damage swapped awk 'NR == 3 { held = $0; next } { print } NR == 4 { print held }'
expect "two swapped lines: each named, with the line its prev belongs to" 1 "~damaged" \
	"runs/swapped.jsonl:3:1: error: seq 4 follows 2 $seq
runs/swapped.jsonl:3:1: error: $chain 2 $why; it is the hash of line 4
runs/swapped.jsonl:4:1: error: seq 3 follows 4 $seq
runs/swapped.jsonl:4:1: error: $chain 3 $why; it is the hash of line 2
runs/swapped.jsonl:5:1: error: seq 5 follows 3 $seq
runs/swapped.jsonl:5:1: error: $chain 4 $why; it is the hash of line 3" \
	journal verify runs/swapped.jsonl

damage duplicated sed 5p
expect "a duplicated line: only the copy is reported" 1 "~damaged" \
	"runs/duplicated.jsonl:6:1: error: seq 5 follows 5 $seq
runs/duplicated.jsonl:6:1: error: $chain 5 $why; it is the hash of line 4" \
	journal verify runs/duplicated.jsonl

damage not-json sed '2s/"seq":2,/"seq":2,,/'
expect "bad JSON: jansson's message at its column" 1 "~damaged" \
	"runs/not-json.jsonl:2:10: error: not JSON: string or '}' expected near ','
runs/not-json.jsonl:3:1: error: $chain 2 $why" \
	journal verify runs/not-json.jsonl

head -n 6 "$good" >"$tmp/state/runs/torn.jsonl"
head_of "$tmp/state/runs/torn.jsonl"
sed -n 7p "$good" | head -c 40 >>"$tmp/state/runs/torn.jsonl"
expect "a torn last line is a warning; the rest verifies, exit 0" 0 \
	"runs/torn.jsonl: 6 records, chain intact, from 2026-11-27T06:15:00.123Z to 2026-11-27T06:15:07.623Z; last record: note, then an incomplete line" \
	"runs/torn.jsonl:7:1: warning: the last line is incomplete (no newline: the console stopped while writing it); it is not part of the chain, and resuming the run cuts it off" \
	journal verify runs/torn.jsonl

rm "$tmp/state/runs/"[a-z]*.jsonl "$tmp/state/runs/"[a-z]*.head
head -n 3 "$good" >"$tmp/state/runs/20261127T061500Z-2.jsonl"
head_of "$tmp/state/runs/20261127T061500Z-2.jsonl"
sed 2d "$good" >"$tmp/state/runs/20261127T054500Z-1.jsonl"
expect "list: newest first, with start, records, state and scenario" 0 \
	"RUN                    STARTED                  RECORDS  STATE         SCENARIO
20261127T061500Z-2     2026-11-27T06:15:00.123Z       3  unfinished    데이터베이스 장애
20261127T061500Z-1     2026-11-27T06:15:00.123Z       8  finished      데이터베이스 장애
20261127T054500Z-1     2026-11-27T06:15:00.123Z       6  damaged       데이터베이스 장애

1 damaged: 'drconsole journal verify RUN' shows the problems" "" \
	journal list --state-dir "$tmp/state"

# Runs in every state, built here. The live one's jump-host lock is held by a process of this
# script (its owner names the run and this shell's pid), as a console holds it during a run.
runs="$tmp/states/runs"
mkdir -p "$runs" "$tmp/states/locks"
run "$runs/20261127T070000Z-1.jsonl" run_started step_started run_finished split_brain fence_on_return
run "$runs/20261127T070000Z-2.jsonl" run_started step_started run_finished:aborted
run "$runs/20261127T070000Z-3.jsonl" run_started step_started detached
run "$runs/20261127T070000Z-4.jsonl" run_started step_started detached run_resumed step_finished
run "$runs/20261127T070000Z-5.jsonl" run_started step_started
run "$runs/20261127T070000Z-6.jsonl" run_started step_started detached run_resumed
run "$runs/20261127T070000Z-7.jsonl"
hold_lock "$tmp/states" 20261127T070000Z-6
expect "list: finished (whatever follows run_finished), aborted, detached, unfinished, live, empty" 0 \
	"RUN                    STARTED                  RECORDS  STATE         SCENARIO
20261127T070000Z-7     -                              0  empty         -
20261127T070000Z-6     2026-11-27T07:00:01.000Z       5  live          데이터베이스 장애
20261127T070000Z-5     2026-11-27T07:00:01.000Z       2  unfinished    데이터베이스 장애
20261127T070000Z-4     2026-11-27T07:00:01.000Z       6  unfinished    데이터베이스 장애
20261127T070000Z-3     2026-11-27T07:00:01.000Z       4  detached      데이터베이스 장애
20261127T070000Z-2     2026-11-27T07:00:01.000Z       4  aborted       데이터베이스 장애
20261127T070000Z-1     2026-11-27T07:00:01.000Z       6  finished      데이터베이스 장애" "" \
	journal list --state-dir "$tmp/states"
kill "$holder"
wait "$holder" 2>/dev/null
holder=
expect "list: a run whose console's lock was let go is no longer live" 0 \
	"~20261127T070000Z-6     2026-11-27T07:00:01.000Z       5  unfinished" "" \
	journal list --state-dir "$tmp/states"
for n in 1 2 3 4 5 6; do
	expect "each run built here verifies ($n)" 0 "~runs/20261127T070000Z-$n.jsonl: " "" \
		journal verify "20261127T070000Z-$n" --state-dir "$tmp/states"
done
expect "--last takes the newest run (-2 after -1)" 0 "~runs/20261127T061500Z-2.jsonl: 3 records" "" \
	journal verify --last --state-dir "$tmp/state"
expect "list with no runs says so" 0 "no runs in $tmp/empty/runs" "" \
	journal list --state-dir "$tmp/empty"

expect "an unknown run: exit 1 and where it was looked for" 1 "" \
	"drconsole: journal: no run '20261127T000000Z-9' in $tmp/state/runs (give a path, a file name there, or an id such as 20261127T061500Z-1)" \
	journal verify 20261127T000000Z-9 --state-dir "$tmp/state"
expect "--last with no runs: exit 1" 1 "" "drconsole: journal: no runs in $tmp/empty/runs yet" \
	journal verify --last --state-dir "$tmp/empty"
expect "a folder is not a journal: exit 1" 1 "" "drconsole: journal: no journal at $tmp/state" \
	journal verify "$tmp/state"

expect "journal without an action is a usage error (2)" 2 "" "~journal: verify RUN or list?" journal
expect "verify without a run is a usage error" 2 "" "~journal verify: which run?" journal verify
expect "verify with two runs is a usage error" 2 "" "~journal verify: give one run" journal verify a b
expect "list with a run is a usage error" 2 "" "~journal list: takes no run" journal list extra
expect "an unknown action is a usage error" 2 "" "~unknown action 'frobnicate'" journal frobnicate
expect "an option without its value is a usage error" 2 "" \
	"~journal: option '--state-dir' needs a value" journal list --state-dir

echo "$((ran - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
