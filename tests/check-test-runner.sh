#!/bin/sh
# The rules every test of "make check" runs under (tests/run-test.sh, the
# LOG_COMPILER, and tests/unit/unit.h): a test's exit status passes through;
# with CI=true a skip (exit status 77) is a failure; a cmocka unit test that
# calls skip() fails under CI=true and is reported skipped otherwise (shown on
# tests/unit/demo_skip); every test source that skips does it through unit.h;
# and "make check" runs every test through the runner.
set -u
top_srcdir=${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${TOP_BUILDDIR:-$top_srcdir}
runner="$top_srcdir/tests/run-test.sh"
demo="$top_builddir/tests/unit/demo_skip"
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
. "$top_srcdir/tests/check-lib.sh"
CHECK_SHOW=$tmp/out

# Runs the runner on a command with CI set to $1, keeping its exit status and output.
run_ci() {
	ci=$1
	shift
	CI=$ci sh "$runner" "$@" >"$tmp/out" 2>&1 </dev/null
	echo $? >"$tmp/rc"
}
rc_is() { [ "$(cat "$tmp/rc")" = "$1" ]; }
out_has() { grep -qF -- "$1" "$tmp/out"; }

if [ ! -x "$demo" ]; then
	echo "Bail out! $demo is not built"
	exit 99
fi

: >"$tmp/out"
for status in 0 1 99; do
	run_ci true sh -c "exit $status"
	check "exit status $status passes through under CI=true" rc_is "$status"
done
run_ci "" sh -c 'echo "SKIP: no frobnicator"; exit 77'
check "a skip stays a skip outside CI" eval 'rc_is 77 && out_has "SKIP: no frobnicator"'
run_ci false sh -c 'exit 77'
check "CI=false is not CI" rc_is 77
run_ci true sh -c 'echo "SKIP: no frobnicator"; exit 77'
check "under CI=true a skip fails, saying why" eval 'rc_is 1 && out_has "SKIP: no frobnicator" &&
	out_has "FAIL: sh skipped (exit status 77), and with CI=true a skip is a failure"'

run_ci "" "$demo"
check "a cmocka skip() outside CI: passes, the test shown skipped" eval 'rc_is 0 &&
	out_has "[  SKIPPED ] demo_skips" && out_has "[  PASSED  ] 1 test(s)."'
run_ci true "$demo"
at="demo_skip.c:$(grep -n 'skip();' "$top_srcdir/tests/unit/demo_skip.c" | cut -d: -f1)"
check "a cmocka skip() under CI=true: the test fails, saying why" eval '! rc_is 0 &&
	out_has "[  FAILED  ] demo_skips" && out_has "$at: skipped, and with CI=true a skip is a failure" &&
	! out_has "[  SKIPPED ]"'
run_ci true "$demo" --no-skip
check "a unit test that does not skip passes under CI=true" eval 'rc_is 0 && out_has "[  PASSED  ] 1 test(s)."'

# cmocka's own skip() counts as a pass: only unit.h's may be used.
: >"$tmp/out"
for f in "$top_srcdir"/tests/unit/*.c "$top_srcdir"/tests/integration/*.c; do
	grep -q 'skip()' "$f" && ! grep -q '#include "unit.h"' "$f" && echo "$f" >>"$tmp/out"
done
check "every test that calls skip() includes unit.h" eval '[ ! -s "$tmp/out" ]'

echo "LOG_COMPILER not set to tests/run-test.sh in $top_builddir/Makefile" >"$tmp/out"
check "make check runs the tests through the runner" \
	grep -q '^LOG_COMPILER = .*/tests/run-test\.sh$' "$top_builddir/Makefile"
if [ -n "${MAKELEVEL:-}" ]; then
	echo "DR_TEST_RUNNER is not set" >"$tmp/out"
	check "this test itself ran through the runner" [ "${DR_TEST_RUNNER:-}" = 1 ]
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
