#!/bin/sh
# Runs "drconsole check" on every malformed input in tests/data/bad and
# compares its complete error output with NAME.expect: each problem must be
# reported as FILE:LINE:COL with its message, with exit status 1, and without
# a crash. GENERATE=1 rewrites the .expect files from the current output.
set -u
top_srcdir=${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${TOP_BUILDDIR:-$top_srcdir}
prog="$top_builddir/drconsole"
dir="$top_srcdir/tests/data/bad"
out=$(mktemp -d) || exit 99
trap 'rm -rf "$out"' EXIT

pass=0
fail=0
cd "$dir" || exit 99
for f in *.yml; do
	name=${f%.yml}
	"$prog" check "$f" >"$out/stdout" 2>"$out/stderr" </dev/null
	rc=$?
	if [ "${GENERATE:-0}" = 1 ]; then
		cp "$out/stderr" "$dir/$name.expect"
	fi
	if [ $rc -ne 1 ]; then
		echo "not ok - $f: exit status $rc, expected 1"
		cat "$out/stderr"
		fail=$((fail + 1))
	elif ! cmp -s "$out/stderr" "$name.expect"; then
		echo "not ok - $f: the errors differ from $name.expect"
		diff -u "$name.expect" "$out/stderr"
		fail=$((fail + 1))
	elif ! grep -q "^$f:[0-9][0-9]*:[0-9][0-9]*: error: " "$out/stderr"; then
		echo "not ok - $f: no FILE:LINE:COL error"
		fail=$((fail + 1))
	else
		echo "ok - $f: $(head -n 1 "$out/stderr")"
		pass=$((pass + 1))
	fi
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ] && [ $pass -ge 30 ]
