#!/bin/sh
# Runs one test of "make check" (the LOG_COMPILER of every test) and passes
# its exit status on, except that with CI=true a skip (77) is a failure: CI
# installs everything the tests need, so a skip there hides a broken setup.
# A unit test's cmocka skip() is refused under CI=true by tests/unit/unit.h.
# Usage: run-test.sh TEST [ARGS...]
DR_TEST_RUNNER=1
export DR_TEST_RUNNER
"$@"
rc=$?
if [ "$rc" -eq 77 ] && [ "${CI:-}" = true ]; then
	echo "FAIL: $1 skipped (exit status 77), and with CI=true a skip is a failure"
	exit 1
fi
exit "$rc"
