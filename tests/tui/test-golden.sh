#!/usr/bin/env bash
# Golden screens: the console drawn in a real tmux from recorded captures of
# the lab (tests/tui/golden/*.json, see record.sh there), compared cell for
# cell, attributes included, with tests/tui/golden/*.screen. Captures make the
# screens exact: the clock stays at the capture's time, and ages count from it.
# Cases: 80x24 and 132x43; UTF-8 and the C locale; colour and NO_COLOR; site 2
# frozen; the primary's PostgreSQL killed; Korean site names in Seoul time;
# the help overlay through resizes (down to below the minimum and back); the
# compact layout at its minimum; the drill layout's DR test schedule, from runs
# journaled at chosen times; the Korean interface (LANG=ko_KR.UTF-8, the
# catalog from the build tree: tests/i18n-lib.sh) idle, in NO_COLOR and with a
# dialog; Korean site names under LANG=C, where the header says the locale
# cannot show them; runs replayed from journals (view --run) in both languages:
# a guarded promotion, a failed step, a finished run, a confirmation, the picker.
#   GENERATE=1 tests/tui/test-golden.sh   rewrites the .screen files (review the diff)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
gold="$here/golden"
prog="${TOP_BUILDDIR:-$(cd "$here/../.." && pwd)}/drconsole"
export DRCONSOLE_DATADIR="${DRCONSOLE_DATADIR:-$(cd "$here/../.." && pwd)}"
command -v tmux >/dev/null 2>&1 || { echo "SKIP: no tmux"; [ "${CI:-}" = true ] && exit 1; exit 77; }
sock="drg-$$-0"
opened=0
work=$(mktemp -d /tmp/drconsole-golden.XXXXXX)
pass=0
fail=0
T() { tmux -L "$sock" -f /dev/null "$@"; }
trap 'T kill-server 2>/dev/null; rm -rf "$work"' EXIT

# settle: waits (at most 5 s) until the pane shows TEXT and then holds still for 0.3 s.
settle() {
	local end=$((SECONDS + 5)) prev="" cur
	while [ "$SECONDS" -le "$end" ]; do
		cur=$(T capture-pane -e -p 2>/dev/null)
		if [ -n "$cur" ] && [ "$cur" = "$prev" ] && grep -qF -- "$1" <<<"$cur"; then
			return 0
		fi
		prev=$cur
		sleep 0.3
	done
	return 1
}

# compare NAME: compares the pane with golden NAME.screen (or writes it under GENERATE=1).
compare() {
	local name=$1 file="$gold/$1.screen"
	T capture-pane -e -p >"$work/$name.screen"
	if [ "${GENERATE:-}" = 1 ]; then
		cp "$work/$name.screen" "$file"
		echo "ok - $name (written)"
		pass=$((pass + 1))
	elif cmp -s "$work/$name.screen" "$file"; then
		echo "ok - $name"
		pass=$((pass + 1))
	else
		echo "not ok - $name differs from $file:"
		diff "$file" "$work/$name.screen" | head -n 40 | cat -v | sed 's/^/#   /'
		fail=$((fail + 1))
	fi
}

# open W H CONFIG CAPTURE ENV...: starts the console on a capture in a W x H tmux ($opts: its options).
open() {
	local w=$1 h=$2 config=$3 capture=$4
	shift 4
	T kill-server 2>/dev/null
	opened=$((opened + 1))
	sock="drg-$$-$opened" # a server of its own: the last one may still be going away
	T new-session -d -x "$w" -y "$h" \
		"env TERM=xterm-256color TZ=UTC LANG=C.UTF-8 LC_ALL=C.UTF-8 $* $prog ${opts:-} view -c $config $capture; sleep 30"
}

# screen NAME W H CAPTURE ENV...: one golden screen of the lab's config ($until: the text that shows it drawn).
screen() {
	local name=$1 w=$2 h=$3 capture=$4
	shift 4
	open "$w" "$h" "$gold/drconsole.yml" "$gold/$capture" "$@"
	settle "${until:-recorded}" || echo "# $name: the screen did not settle"
	compare "$name"
}

screen healthy-80x24 80 24 healthy.json
screen healthy-132x43 132 43 healthy.json
screen healthy-80x24-nocolor 80 24 healthy.json NO_COLOR=1
screen healthy-80x24-c-locale 80 24 healthy.json LANG=C LC_ALL=C
screen frozen-80x24 80 24 frozen.json
screen killed-80x24 80 24 killed.json
screen killed-132x43-nocolor 132 43 killed.json NO_COLOR=1
opts="-l compact" screen killed-compact-60x16 60 16 killed.json

# Korean site names (two columns a character), in Seoul time.
sed -e 's/datacenter-1/서울-주센터/g' -e 's/datacenter-2/부산-재해복구/g' "$gold/drconsole.yml" >"$work/ko.yml"
sed -e 's/datacenter-1/서울-주센터/g' -e 's/datacenter-2/부산-재해복구/g' "$gold/frozen.json" >"$work/ko.json"
open 80 24 "$work/ko.yml" "$work/ko.json" TZ=Asia/Seoul
settle "recorded" || echo "# korean: the screen did not settle"
compare korean-frozen-80x24

# The drill layout: the DR test schedule judged at the capture's time (2026-11-27) from runs
# journaled by the project's writer (tests/journal_plant): one test overdue, one due within
# 7 days, one ok (named by its scenario), and a damaged journal skipped.
plant="${TOP_BUILDDIR:-$(cd "$here/../.." && pwd)}/tests/journal_plant"
[ -x "$plant" ] || echo "# $plant is missing (make tests/journal_plant): the drill screens will differ"
sed -e "s|^state_dir: state|state_dir: $work/state|" "$gold/drconsole.yml" >"$work/drill.yml"
"$plant" "$work/state" 2026-08-01T09:00:00Z 2026-08-01T13:00:00Z done \
	'{"schedule":"전체 시스템 페일오버 테스트","mode":"drill"}' >/dev/null
"$plant" "$work/state" 2026-11-01T10:00:00Z 2026-11-01T12:00:00Z done \
	'{"schedule":"데이터 복구 테스트","mode":"tabletop"}' >/dev/null
"$plant" "$work/state" 2026-11-20T10:00:00Z 2026-11-20T10:30:00Z done \
	'{"scenario":"부분 장애 복구 테스트"}' >/dev/null
bad=$("$plant" "$work/state" 2026-11-26T10:00:00Z 2026-11-26T11:00:00Z done \
	'{"schedule":"전체 시스템 페일오버 테스트"}')
sed -i 's/"result":"done"/"result":"dome"/' "$work/state/runs/$bad.jsonl"
opts="-l drill" open 80 24 "$work/drill.yml" "$gold/healthy.json"
settle "damaged journal" || echo "# drill: the screen did not settle"
compare drill-80x24
opts="-l drill" open 80 24 "$work/drill.yml" "$gold/healthy.json" NO_COLOR=1
settle "damaged journal" || echo "# drill nocolor: the screen did not settle"
compare drill-80x24-nocolor

# The help overlay open through resizes: smaller, below the minimum, and back.
open 132 43 "$gold/drconsole.yml" "$gold/killed.json"
settle "recorded"
T send-keys '?'
settle "Ctrl-L"
compare help-132x43
T resize-window -x 80 -y 24
settle "Ctrl-L"
compare help-resized-80x24
T resize-window -x 70 -y 20
settle "terminal too small"
compare help-too-small-70x20
T resize-window -x 100 -y 30
settle "Ctrl-L"
compare help-back-100x30
T send-keys x
settle "recorded"
compare help-closed-100x30

# The Korean interface: the console's own text from po/ko.po, cut and laid out by cells.
. "$here/../i18n-lib.sh"
if ! i18n_ko_locale || ! i18n_catalog "$work/locale"; then
	echo "not ok - the Korean screens need the ko_KR.UTF-8 locale and po/ko.gmo (bootstrap.sh, make)"
	fail=$((fail + 1))
else
	ko="DRCONSOLE_LOCALEDIR=$work/locale LANG=ko_KR.UTF-8 LC_ALL=ko_KR.UTF-8"
	# shellcheck disable=SC2086
	until="기록" screen ko-healthy-80x24 80 24 healthy.json $ko
	# shellcheck disable=SC2086
	until="기록" screen ko-killed-80x24-nocolor 80 24 killed.json $ko NO_COLOR=1
	# shellcheck disable=SC2086
	open 80 24 "$work/ko.yml" "$work/ko.json" TZ=Asia/Seoul $ko
	settle "기록" || echo "# ko dialog: the screen did not settle"
	T send-keys F
	settle "Esc" || echo "# ko dialog: no dialog"
	compare ko-dialog-80x24
	# shellcheck disable=SC2086
	open 80 24 "$gold/drconsole.yml" "$gold/killed.json" $ko
	settle "기록" || echo "# ko help: the screen did not settle"
	T send-keys '?'
	settle "Ctrl-L" || echo "# ko help: no help"
	compare ko-help-80x24
	# shellcheck disable=SC2086
	opts="-l drill" open 80 24 "$work/drill.yml" "$gold/healthy.json" $ko
	settle "손상된 저널" || echo "# ko drill: the screen did not settle"
	compare ko-drill-80x24
fi
# Runs (drconsole view CAPTURE --run JOURNAL), journaled at times counted back from the
# capture's (golden/runs.sh): a guarded promotion over the primary site gone, a failed step
# with a long cause, a finished run, a typed confirmation, the picker and its preview; in
# English and Korean. Beside the cells, the facts that must stay on screen are checked by text.
. "$gold/runs.sh"
down="$gold/primary-down.json"
for r in guarded failed finished awaiting; do
	cap=$([ "$r" = guarded ] && echo "$down" || echo "$gold/killed.json")
	runs_plant "$work/state" "$cap" "$r" >"$work/$r.path" ||
		echo "# $r: the run could not be planted"
done
# has NAME TEXT...: checks that the last screen of golden NAME shows each TEXT.
has() {
	local name=$1 t
	shift
	for t in "$@"; do
		if grep -qF -- "$t" "$work/$name.text"; then
			echo "ok - $name shows '$t'"
			pass=$((pass + 1))
		else
			echo "not ok - $name does not show '$t'"
			sed 's/^/#   /' "$work/$name.text"
			fail=$((fail + 1))
		fi
	done
}
# run NAME W H RUN KEYS ENV...: one golden of a run, KEYS sent first (until: the text that shows
# it drawn, after the keys).
run() {
	local name=$1 w=$2 h=$3 r=$4 keys=$5 cap="$gold/killed.json" k
	shift 5
	[ "$r" = guarded ] && cap=$down
	open "$w" "$h" "$gold/drconsole.yml" "$cap --run $(cat "$work/$r.path")" "$@"
	settle "데이터베이스 장애" || echo "# $name: the screen did not settle"
	for k in $keys; do
		T send-keys "$k"
		sleep 0.2
	done
	settle "${until:-데이터베이스 장애}" || echo "# $name: the screen did not settle after $keys"
	compare "$name"
	T capture-pane -p >"$work/$name.text"
}
# runs PREFIX ENV...: the goldens of every case at 80x24 in one language, with their facts.
runs() {
	local p=$1
	shift
	run "${p}run-guarded-80x24" 80 24 guarded "" "$@"
	has "${p}run-guarded-80x24" "o: " "t: " "4:10" "15:00" "fence it first" "▶"
	run "${p}run-failed-80x24" 80 24 failed "" "$@"
	has "${p}run-failed-80x24" "r: " "10:10" "retries" "✗ 3"
	run "${p}run-finished-80x24" 80 24 finished "" "$@"
	has "${p}run-finished-80x24" "14:00" "0 bytes" "0/5000060)" "s: "
	until="datacenter-2 (" run "${p}run-confirm-80x24" 80 24 awaiting "Enter" "$@"
	has "${p}run-confirm-80x24" "datacenter-2" "pg_promote"
	until="2. 데이터베이스 장애" run "${p}run-picker-80x24" 80 24 awaiting "s Down" "$@"
	has "${p}run-picker-80x24" "2. 데이터베이스 장애" "Esc"
	until="4. Verify data integrity" run "${p}run-picker-steps-80x24" 80 24 awaiting "s Down Enter" "$@"
	has "${p}run-picker-steps-80x24" "1. Verify that the standby" "4. Verify data integrity" "Enter"
}
runs ""
run run-guarded-80x24-nocolor 80 24 guarded "" NO_COLOR=1
has run-guarded-80x24-nocolor "o: " "t: " "4:10" "▶"
run run-guarded-132x43 132 43 guarded ""
has run-guarded-132x43 "o: " "t: " "4:10" "fence it first"
until="datacenter-2 (" run run-confirm-132x43 132 43 awaiting "Enter"
has run-confirm-132x43 "datacenter-2" "pg_promote"
if [ -n "${ko:-}" ]; then
	# shellcheck disable=SC2086
	runs ko- $ko
	# shellcheck disable=SC2086
	run ko-run-guarded-80x24-nocolor 80 24 guarded "" $ko NO_COLOR=1
	has ko-run-guarded-80x24-nocolor "o: " "t: " "4:10" "▶"
	# shellcheck disable=SC2086
	run ko-run-failed-132x43 132 43 failed "" $ko
	has ko-run-failed-132x43 "r: " "10:10" "then r retries"
fi

# Korean site names under LANG=C: '?' in their place, and the header says why.
open 80 24 "$work/ko.yml" "$work/ko.json" LANG=C LC_ALL=C
settle "recorded" || echo "# c-locale names: the screen did not settle"
compare korean-names-80x24-c-locale

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
