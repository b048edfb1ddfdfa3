#!/bin/sh
# Command-line behaviour of "drconsole schedule", offline: runs journaled at
# chosen times by the project's own writer (tests/journal_plant) in a state
# dir, judged at --now. Each test of the seed's schedule is overdue, due
# within 7 days or ok as its last finished run says (by "schedule", else by
# "scenario"; aborted and damaged runs never count, the damaged ones said);
# exit 1 when one is overdue, 0 when all are within schedule; the Korean
# frequency words beside the English, Korean names aligned by display width;
# --now with a zone; --json's keys; a frequency that is not one is a
# FILE:LINE:COL error of check, and exit 3 here; usage errors exit 2.
set -u
top_srcdir=${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${TOP_BUILDDIR:-$top_srcdir}
prog="$top_builddir/drconsole"
plant="$top_builddir/tests/journal_plant"
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
. "$top_srcdir/tests/check-lib.sh"
export LC_ALL=C.UTF-8

if ! command -v jq >/dev/null 2>&1; then
	echo "SKIP: no jq"
	[ "${CI:-}" = true ] && exit 1
	exit 77
fi

FULL="전체 시스템 페일오버 테스트"
DATA="데이터 복구 테스트"
PART="부분 장애 복구 테스트"

# config NAME [STATE_DIR]: writes $tmp/NAME.yml, the example config with that state dir.
config() {
	sed -e "/^sites:/i state_dir: ${2:-$tmp/$1}" "$top_srcdir/doc/drconsole.yml.example" >"$tmp/$1.yml"
}

# plant STATE START END RESULT DATA: journals a run in $tmp/STATE; prints its run id.
plant() {
	state=$1
	shift
	"$plant" "$tmp/$state" "$@" || echo "journal_plant failed" >&2
}

# json_is FILTER: stdout is one JSON object for which the jq FILTER holds.
json_is() { jq -s -e "length == 1 and (.[0] | $1)" "$tmp/out" >/dev/null; }

# width_before TEXT LINE: the display width of LINE of stdout up to where TEXT starts.
width_before() {
	sed -n "${2}p" "$tmp/out" | sed "s/$1.*//" | tr -d '\n' | wc -L
}

config state
full=$(plant state 2026-08-01T09:00:00Z 2026-08-01T13:00:00Z done \
	"{\"scenario\":\"전체 시스템 다운\",\"mode\":\"drill\",\"schedule\":\"$FULL\"}")
data=$(plant state 2026-11-01T10:00:00Z 2026-11-01T12:00:00Z done \
	"{\"scenario\":\"데이터베이스 장애\",\"mode\":\"tabletop\",\"schedule\":\"$DATA\"}")
part=$(plant state 2026-11-20T10:00:00Z 2026-11-20T10:30:00Z done "{\"scenario\":\"$PART\"}")
plant state 2026-11-25T09:00:00Z 2026-11-25T09:30:00Z aborted "{\"schedule\":\"$FULL\"}" >/dev/null
plant state 2026-11-25T10:00:00Z 2026-11-25T10:30:00Z detached "{\"schedule\":\"$FULL\"}" >/dev/null
plant state 2026-11-25T11:00:00Z 2026-11-25T11:30:00Z open "{\"schedule\":\"$FULL\"}" >/dev/null
bad=$(plant state 2026-11-26T09:00:00Z 2026-11-26T13:00:00Z done "{\"schedule\":\"$FULL\"}")
# An edited end time: the seal's chain breaks, the journal is damaged.
sed -i 's/2026-11-26T13:00:00.000Z","type":"run_finished"/2026-11-26T13:00:01.000Z","type":"run_finished"/' \
	"$tmp/state/runs/$bad.jsonl"

run schedule -c "$tmp/state.yml" --now 2026-11-27T06:15:00Z
CHECK_SHOW="$tmp/out"
check "one test overdue: exit 1, OVERDUE first with the counts" eval 'rc_is 1 &&
	out_has "drconsole schedule: OVERDUE (1 overdue, 1 due within 7 days, 1 ok) at 2026-11-27 06:15 UTC"'
check "the quarterly test run on 2026-08-01 was due 2026-11-01: overdue by 25 days" \
	eval 'grep -q "^$FULL  *분기별 (quarterly)  *4시간  *시스템 운영팀, 개발팀, 인프라팀  *2026-08-01 $full (drill)  *2026-11-01  *overdue by 25d$" "$tmp/out"'
check "the monthly data test run on 2026-11-01 is due on 2026-12-01: within 7 days" \
	eval 'grep -q "^$DATA  *월별 (monthly)  *2시간  *DBA팀, 시스템 운영팀  *2026-11-01 $data (tabletop)  *2026-12-01  *due in 4d$" "$tmp/out"'
check "a run named by its scenario counts: the partial test is ok until 2026-12-20" \
	eval 'grep -q "^$PART  *월별 (monthly) .* 2026-11-20 $part  *2026-12-20  *ok, due in 23d$" "$tmp/out"'
check "the damaged journal is skipped and named; aborted, detached and open runs are not last runs" \
	eval 'out_has "1 damaged journal skipped (never counted as a test run): $bad" &&
	! grep -q "2026-11-2[56]" "$tmp/out"'
check "seven journals were read from the state dir's runs" eval 'out_has "runs from $tmp/state/runs (7 journals)"'
head_line=$(grep -n "^TEST " "$tmp/out" | cut -d: -f1)
w0=$(width_before STATUS "$head_line")
w1=$(width_before overdue $((head_line + 1)))
w2=$(width_before due $((head_line + 2)))
w3=$(width_before ok $((head_line + 3)))
check "Korean names aligned by display width: STATUS starts at one column on every row ($w0 $w1 $w2 $w3)" \
	eval '[ "$w0" -gt 60 ] && [ "$w0" = "$w1" ] && [ "$w1" = "$w2" ] && [ "$w2" = "$w3" ]'
w0=$(width_before FREQUENCY "$head_line")
w1=$(width_before 분기별 $((head_line + 1)))
check "the frequency column starts past the widest Korean name, at one column ($w0 $w1)" \
	eval '[ "$w0" = "$w1" ] && [ "$w0" = $(($(printf "%s" "$FULL" | wc -L) + 2)) ]'

run schedule -c "$tmp/state.yml" --now 2026-11-27T06:15:00Z --json
check "--json: the stable keys, in order" eval 'rc_is 1 && json_is '"'"'keys_unsorted == ["time","overall","exit_code","error","schedule","runs_dir","damaged","tests"] and (.tests[0] | keys_unsorted) == ["name","frequency","frequency_en","duration","duration_s","participants","last_run","next_due","status","due_in_s"]'"'"''
check "--json: overall overdue, exit_code 1, the time judged at, the damaged run" \
	eval 'json_is ".overall == \"overdue\" and .exit_code == 1 and .error == null and .time == \"2026-11-27T06:15:00.000Z\" and .damaged == [\"$bad\"] and .runs_dir == \"$tmp/state/runs\""'
check "--json: each test's words, last run, next due and status" eval 'json_is "
	.tests[0].name == \"$FULL\" and .tests[0].frequency == \"분기별\" and .tests[0].frequency_en == \"quarterly\" and
	.tests[0].duration == \"4시간\" and .tests[0].duration_s == 14400 and .tests[0].participants == [\"시스템 운영팀\",\"개발팀\",\"인프라팀\"] and
	.tests[0].last_run == {\"id\":\"$full\",\"finished\":\"2026-08-01T13:00:00.000Z\",\"mode\":\"drill\"} and
	.tests[0].next_due == \"2026-11-01T13:00:00.000Z\" and .tests[0].status == \"overdue\" and .tests[0].due_in_s == -2222100 and
	.tests[1].status == \"due_soon\" and .tests[1].next_due == \"2026-12-01T12:00:00.000Z\" and .tests[1].last_run.mode == \"tabletop\" and
	.tests[2].status == \"ok\" and .tests[2].last_run.id == \"$part\" and .tests[2].last_run.mode == null"'

# --now with a zone: the data test falls due at 2026-12-01T12:00:00Z, 21:00 in Seoul.
run schedule -c "$tmp/state.yml" --now 2026-12-01T20:59:59+09:00 --json
check "--now with an offset: a second before the due time (Seoul), still due soon" \
	eval 'json_is ".tests[1].status == \"due_soon\" and .tests[1].due_in_s == 1"'
run schedule -c "$tmp/state.yml" --now 2026-12-01T21:00:00+09:00 --json
check "--now with an offset: at the due time, overdue" eval 'json_is ".tests[1].status == \"overdue\""'
run schedule -c "$tmp/state.yml" --now 2026-10-01T00:00:00Z --json
check "--now in the past: runs that end after it do not count (never run then)" \
	eval 'json_is ".tests[1].last_run == null and .tests[2].last_run == null and .tests[0].status == \"ok\" and .tests[0].next_due == \"2026-11-01T13:00:00.000Z\""'

# Every test within its schedule: exit 0.
config fine
plant fine 2026-11-19T09:00:00Z 2026-11-19T13:00:00Z done "{\"schedule\":\"$FULL\"}" >/dev/null
plant fine 2026-11-20T09:00:00Z 2026-11-20T11:00:00Z done "{\"schedule\":\"$DATA\"}" >/dev/null
plant fine 2026-11-20T12:00:00Z 2026-11-20T13:00:00Z done "{\"schedule\":\"$PART\"}" >/dev/null
run schedule -c "$tmp/fine.yml" --now 2026-11-27T06:15:00Z
check "every test within its schedule: exit 0, OK" eval 'rc_is 0 &&
	out_has "drconsole schedule: OK (0 overdue, 0 due within 7 days, 3 ok) at 2026-11-27 06:15 UTC" && ! out_has "damaged"'
run schedule -c "$tmp/fine.yml" --now 2026-12-15T00:00:00Z
check "tests due within 7 days are not overdue: exit 0, DUE SOON" \
	eval 'rc_is 0 && out_has "drconsole schedule: DUE SOON (0 overdue, 2 due within 7 days, 1 ok)"'
run schedule -c "$tmp/fine.yml" --now 2026-12-20T11:00:00Z --json
check "a month after November 20 at 11:00 is December 20 at 11:00: overdue from then, exit 1" \
	eval 'rc_is 1 && json_is ".tests[1].next_due == \"2026-12-20T11:00:00.000Z\" and .tests[1].status == \"overdue\" and .tests[2].status == \"due_soon\" and .tests[0].status == \"ok\""'

# January 31 and a month is February 28, not March 3.
plant jan 2027-01-31T09:00:00Z 2027-01-31T10:00:00Z done "{\"schedule\":\"$DATA\"}" >/dev/null
run schedule --state-dir "$tmp/jan" -c "$tmp/fine.yml" --now 2027-02-28T09:59:59Z --json
check "--state-dir: a data test run on January 31 falls due on February 28" \
	eval 'json_is ".runs_dir == \"$tmp/jan/runs\" and .tests[1].next_due == \"2027-02-28T10:00:00.000Z\" and .tests[1].status == \"due_soon\""'

# No runs at all: every test overdue, never run.
config none
run schedule -c "$tmp/none.yml" --now 2026-11-27T06:15:00Z
check "no runs: every test overdue, never run" eval 'rc_is 1 &&
	[ "$(grep -c "never  *now  *overdue: never run$" "$tmp/out")" = 3 ] && out_has "(0 journals)"'

# The schedule's words: English in any case; a word that is no frequency is an error at its place.
mkdir -p "$tmp/words/scenarios"
cp "$top_srcdir"/scenarios/*.yml "$tmp/words/scenarios/"
cp -r "$top_srcdir/scenarios/kubernetes" "$tmp/words/scenarios/"
sed -i 's/"분기별"/"Quarterly"/; s/"월별"/"SemiAnnually"/' "$tmp/words/scenarios/dr-test-schedule.yml"
config words "$tmp/words/state"
sed -i "/^sites:/i scenarios_dir: $tmp/words/scenarios" "$tmp/words.yml"
run schedule -c "$tmp/words.yml" --now 2026-11-27T06:15:00Z
check "English frequencies in any case: shown as written beside the English" \
	eval 'rc_is 1 && out_has "Quarterly (quarterly)" && out_has "SemiAnnually (semiannual)"'
sed -i 's/"SemiAnnually"/"격주"/' "$tmp/words/scenarios/dr-test-schedule.yml"
run check -c "$tmp/words.yml"
check "check: a frequency that is no frequency is a FILE:LINE:COL error" \
	eval 'rc_is 1 && err_has "$tmp/words/scenarios/dr-test-schedule.yml:12:16: error: key '"'"'frequency'"'"' is '"'"'격주'"'"', expected one of:"'
run schedule -c "$tmp/words.yml" --json
check "schedule on that file: exit 3, the error at its place, one object" \
	eval 'rc_is 3 && err_has "dr-test-schedule.yml:12:16: error:" && json_is ".overall == \"unknown\" and .exit_code == 3 and (.error | contains(\"dr-test-schedule.yml:12:16\")) and .tests == []"'

# The journals cannot be read: exit 3.
config broken
mkdir -p "$tmp/broken"
: >"$tmp/broken/runs"
run schedule -c "$tmp/broken.yml"
check "a runs folder that cannot be read: exit 3, saying which" \
	eval 'rc_is 3 && err_has "drconsole: schedule: cannot read $tmp/broken/runs"'
run schedule -c "$tmp/broken.yml" --json
check "... and with --json one object, overall unknown" \
	eval 'rc_is 3 && json_is ".overall == \"unknown\" and (.error | startswith(\"cannot read\"))"'

run schedule --help
check "schedule --help tells the rule, --now and the exit status" \
	eval 'rc_is 0 && out_has "--now TIME" && out_has "1 a test is overdue" && out_has "월별/monthly"'
run --help
check "drconsole --help lists schedule" eval 'rc_is 0 && out_has "schedule [-c FILE] [--json] [--now TIME]"'
run schedule --bogus
check "an unknown option: usage error (2)" eval 'rc_is 2 && err_has "schedule: unknown option '"'"'--bogus'"'"'"'
run schedule --now
check "--now without its value: usage error (2)" eval 'rc_is 2 && err_has "schedule: option '"'"'--now'"'"' needs a value"'
run schedule --now 2026-02-30T00:00:00Z
check "--now on a day that does not exist: usage error (2)" \
	eval 'rc_is 2 && err_has "schedule: --now: '"'"'2026-02-30T00:00:00Z'"'"' is not an RFC 3339 time"'
run schedule extra -c "$tmp/state.yml"
check "an operand: usage error (2)" eval 'rc_is 2 && err_has "schedule: takes no operand"'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
