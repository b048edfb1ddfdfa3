#!/bin/sh
# The Korean interface: --help is Korean under LANG=ko_KR.UTF-8 and under
# LANGUAGE=ko with a UTF-8 LC_CTYPE, English under LANG=C and C.UTF-8; what
# programs read (status --json, schedule --json, report --format json) is
# byte-identical in every language, and so is a journal read; the tables for
# people (status, schedule, journal list) and the Markdown report are Korean,
# lined up by display width, their first lines for monitoring English;
# po/ko.po translates every message the sources mark (none fuzzy, none
# missing); under LANG=C text holding the plan's Korean names is preceded,
# once, by a notice on stderr.
set -u
top_srcdir=${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${TOP_BUILDDIR:-$top_srcdir}
. "$top_srcdir/tests/check-lib.sh" # prog, and tmp: a scratch folder
. "$top_srcdir/tests/i18n-lib.sh"

if ! i18n_ko_locale; then
	echo "SKIP: no ko_KR.UTF-8 locale (bootstrap.sh generates it)"
	exit 77
fi
i18n_catalog "$tmp/locale" || exit 99
unset LANGUAGE LC_ALL LC_MESSAGES LC_CTYPE
example="$top_srcdir/doc/drconsole.yml.example"

# lang ENV...: runs drconsole ARGS after "--" under the given locale variables.
lang() {
	envs=""
	while [ "$1" != "--" ]; do envs="$envs $1"; shift; done
	shift
	# shellcheck disable=SC2086
	env $envs "$prog" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	echo $? >"$tmp/rc"
}

lang LANG=ko_KR.UTF-8 -- --help
check "--help under LANG=ko_KR.UTF-8 is Korean" eval 'rc_is 0 && out_has "사용법: drconsole [OPTIONS]" && out_has "종료 코드: 0 성공" && ! out_has "Exit status"'
lang LANG=C.UTF-8 LANGUAGE=ko -- --help
check "--help under LANGUAGE=ko with a UTF-8 LC_CTYPE is Korean" eval 'rc_is 0 && out_has "사용법: drconsole"'
lang LANG=C -- --help
check "--help under LANG=C is English" eval 'rc_is 0 && out_has "Usage: drconsole [OPTIONS]" && ! grep -q "사용법" "$tmp/out"'
lang LANG=C.UTF-8 -- --help
check "--help under C.UTF-8 is English" eval 'rc_is 0 && out_has "Usage: drconsole [OPTIONS]"'
lang LANG=ko_KR.UTF-8 -- status --help
check "a command's --help is Korean too" eval 'rc_is 0 && out_has "사용법: drconsole status"'
lang LANG=ko_KR.UTF-8 -- frobnicate
check "a usage error is Korean, the command names stay" eval 'rc_is 2 && err_has "알 수 없는 명령 '"'"'frobnicate'"'"'" && err_has "check, fence"'
lang LANG=ko_KR.UTF-8 -- plan -c "$example"
check "plan lists the scenarios in Korean, the plan's names unchanged" eval 'rc_is 0 && out_has "  2. 데이터베이스 장애  (4단계, 예상 15m)"'

# What programs read never changes with the language.
for l in C ko_KR.UTF-8; do
	(cd "$tmp" && HOME="$tmp" XDG_CONFIG_HOME="$tmp/xdg" lang LANG=$l -- status --json)
	jq -S 'del(.time)' "$tmp/out" >"$tmp/status.$l" # the one field that moves: when it ran
	lang LANG=$l -- schedule --json -c "$example" --now 2026-12-01T09:00:00Z --state-dir "$tmp/state"
	cp "$tmp/out" "$tmp/schedule.$l"
done
check "status --json is byte-identical under LANG=C and ko_KR.UTF-8 (its error too)" eval 'cmp -s "$tmp/status.C" "$tmp/status.ko_KR.UTF-8" && grep -q "no config found" "$tmp/status.C"'
check "schedule --json is byte-identical under LANG=C and ko_KR.UTF-8" eval 'cmp -s "$tmp/schedule.C" "$tmp/schedule.ko_KR.UTF-8" && jq -e .tests "$tmp/schedule.C" >/dev/null'

# The text for people is Korean under ko_KR.UTF-8 and English under LANG=C; the first line of
# status and schedule (what monitoring parses) and what programs read stay English.
mkdir -p "$tmp/state/runs" && cp "$top_srcdir"/tests/data/journal/*.jsonl "$top_srcdir"/tests/data/journal/*.head "$tmp/state/runs/" || exit 99
cp "$tmp/state/runs/"*.jsonl "$tmp/journal.before"
for l in C ko_KR.UTF-8; do
	lang LANG=$l -- status -c "$example" --timeout 1
	cp "$tmp/out" "$tmp/status-text.$l"
	lang LANG=$l -- schedule -c "$example" --now 2026-12-01T09:00:00Z --state-dir "$tmp/state"
	cp "$tmp/out" "$tmp/schedule-text.$l"
	lang LANG=$l -- journal list --state-dir "$tmp/state"
	cp "$tmp/out" "$tmp/journal-list.$l"
	lang LANG=$l -- report --last --state-dir "$tmp/state"
	cp "$tmp/out" "$tmp/report-md.$l"
	lang LANG=$l -- report --last --format json --state-dir "$tmp/state"
	cp "$tmp/out" "$tmp/report-json.$l"
done
# has FILE TEXT: tells whether FILE holds TEXT.
has() { grep -qF -- "$2" "$1"; }
C=C
KO=ko_KR.UTF-8
check "status's table is Korean under ko_KR.UTF-8, its first line as monitoring reads it" eval \
	'has "$tmp/status-text.$KO" "drconsole status: UNKNOWN" && grep -q "^사이트  *역할  *SSH  *POSTGRES  *TL  *복제  *백업$" "$tmp/status-text.$KO" && has "$tmp/status-text.$KO" "datacenter-1 정보 없음" && grep -q "^datacenter-1  *알 수 없음 연결 불가  *?  " "$tmp/status-text.$KO"'
check "status's table is English under LANG=C" eval \
	'has "$tmp/status-text.$C" "drconsole status: UNKNOWN" && grep -q "^SITE  *ROLE  *SSH  *POSTGRES  *TL  *REPLICATION  *BACKUPS$" "$tmp/status-text.$C" && has "$tmp/status-text.$C" "nothing known about datacenter-1" && ! grep -q "[가-힣]" "$tmp/status-text.$C"'
check "status's columns line up by display width in Korean (SSH starts at the same column)" eval \
	'[ "$(sed -n "/^사이트/{s/SSH.*//;p}" "$tmp/status-text.$KO" | LC_ALL=ko_KR.UTF-8 wc -L)" = "$(sed -n "/^datacenter-1 /{s/연결 불가.*//;p}" "$tmp/status-text.$KO" | LC_ALL=ko_KR.UTF-8 wc -L)" ]'
check "schedule's table is Korean under ko_KR.UTF-8, its first line English" eval \
	'has "$tmp/schedule-text.$KO" "drconsole schedule: OVERDUE (" && grep -q "^테스트  *주기  *소요 시간  *참여  *최근 실행  *다음 기한  *상태$" "$tmp/schedule-text.$KO" && has "$tmp/schedule-text.$KO" "기한 초과"'
check "schedule's table is English under LANG=C" eval \
	'grep -q "^TEST  *FREQUENCY  *DURATION  *PARTICIPANTS  *LAST RUN  *NEXT DUE  *STATUS$" "$tmp/schedule-text.$C" && has "$tmp/schedule-text.$C" "분기별 (quarterly)"'
check "journal list is Korean under ko_KR.UTF-8, lined up by display width" eval \
	'grep -q "^실행  *시작  *기록 수  *상태  *시나리오$" "$tmp/journal-list.$KO" && grep -q "^20261127T061500Z-1  *2026-11-27T06:15:00.123Z  *8  완료  " "$tmp/journal-list.$KO" && [ "$(sed -n 1p "$tmp/journal-list.$KO" | sed "s/상태.*//" | LC_ALL=ko_KR.UTF-8 wc -L)" = "$(sed -n 2p "$tmp/journal-list.$KO" | sed "s/완료.*//" | LC_ALL=ko_KR.UTF-8 wc -L)" ]'
check "journal list is English under LANG=C" eval \
	'grep -q "^RUN  *STARTED  *RECORDS  *STATE  *SCENARIO$" "$tmp/journal-list.$C" && grep -q " 8  finished  " "$tmp/journal-list.$C"'
check "report --format md has Korean labels under ko_KR.UTF-8" eval \
	'has "$tmp/report-md.$KO" "# 실행 보고서: " && has "$tmp/report-md.$KO" "## 요약" && grep -q "^| 유형  *| incident  *|$" "$tmp/report-md.$KO" && has "$tmp/report-md.$KO" "## 저널 검증"'
check "report --format md is English under LANG=C" eval \
	'has "$tmp/report-md.$C" "# Run report: " && has "$tmp/report-md.$C" "## Summary" && grep -q "^| type  *| incident  *|$" "$tmp/report-md.$C"'
check "report --format json is byte-identical under LANG=C and ko_KR.UTF-8" eval \
	'cmp -s "$tmp/report-json.$C" "$tmp/report-json.$KO" && jq -e .run "$tmp/report-json.$C" >/dev/null'
check "the journal read in both languages is unchanged, byte for byte" eval \
	'cat "$tmp/state/runs/"*.jsonl | cmp -s - "$tmp/journal.before"'

# The LANG=C notice: once, on stderr, only where Korean names are printed.
lang LANG=C -- plan -c "$example"
check "under LANG=C, plan says once on stderr that the locale cannot show the names" eval 'rc_is 0 && [ "$(grep -c "cannot show the plan" "$tmp/err")" = 1 ] && err_has "UTF-8 locale"'
lang LANG=C.UTF-8 -- plan -c "$example"
check "under a UTF-8 locale there is no such notice" eval 'rc_is 0 && [ ! -s "$tmp/err" ]'
lang LANG=C -- --help
check "English text alone brings no notice under LANG=C" eval '[ ! -s "$tmp/err" ]'

# The catalog is complete: every message the sources mark is translated, none fuzzy.
if command -v xgettext >/dev/null 2>&1 && command -v msgmerge >/dev/null 2>&1; then
	# xgettext as po/Makevars runs it (its keywords and flags).
	opts=$(sed -n '/^XGETTEXT_OPTIONS/,/[^\\]$/p' "$top_srcdir/po/Makevars" |
		sed 's/^XGETTEXT_OPTIONS = //; s/\\$//' | tr '\n\t' '  ')
	# shellcheck disable=SC2086
	(cd "$top_srcdir" && xgettext $opts -o "$tmp/drconsole.pot" -f po/POTFILES.in) 2>"$tmp/xgettext.err"
	msgmerge -q --no-fuzzy-matching "$top_srcdir/po/ko.po" "$tmp/drconsole.pot" -o "$tmp/ko.po" 2>>"$tmp/xgettext.err"
	LC_ALL=C msgfmt -c --statistics -o /dev/null "$tmp/ko.po" 2>"$tmp/stats"
	CHECK_SHOW="$tmp/stats"
	check "po/ko.po translates every marked message of the sources (no fuzzy, none untranslated)" eval \
		'grep -q "^[0-9]* translated messages\.$" "$tmp/stats"'
	LC_ALL=C msgfmt -c --statistics -o /dev/null "$top_srcdir/po/ko.po" 2>"$tmp/stats"
	check "po/ko.po itself passes msgfmt -c with nothing fuzzy or untranslated" eval \
		'grep -q "^[0-9]* translated messages\.$" "$tmp/stats"'
	CHECK_SHOW=""
else
	echo "not ok - xgettext and msgmerge are needed (the gettext package)"
	fail=$((fail + 1))
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
