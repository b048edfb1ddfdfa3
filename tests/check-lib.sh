# What the command-line test scripts share (sourced once tmp, a scratch
# folder, and prog are set): the counters, check (one assertion), run
# (drconsole with its exit status, stdout and stderr kept in $tmp) and small
# predicates on what it printed.
# shellcheck shell=sh
# A script that set neither gets them here: drconsole of the build tree, and a
# scratch folder removed at exit.
if [ -z "${prog:-}" ]; then
	prog="${top_builddir:-${TOP_BUILDDIR:-$top_srcdir}}/drconsole"
fi
if [ -z "${tmp:-}" ]; then
	tmp=$(mktemp -d) || exit 99
	trap 'rm -rf "$tmp"' EXIT
fi
pass=0
fail=0

# Records one assertion: ok when the command given succeeds (on failure the
# file named by $CHECK_SHOW, if any, is shown).
check() {
	desc=$1
	shift
	if "$@"; then
		echo "ok - $desc"
		pass=$((pass + 1))
	else
		echo "not ok - $desc"
		if [ -n "${CHECK_SHOW:-}" ] && [ -f "$CHECK_SHOW" ]; then
			sed 's/^/#   /' "$CHECK_SHOW"
		fi
		fail=$((fail + 1))
	fi
}

# Runs drconsole, keeping its exit status, stdout and stderr in $tmp.
run() {
	"$prog" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	echo $? >"$tmp/rc"
}
rc_is() { [ "$(cat "$tmp/rc")" = "$1" ]; }
out_has() { grep -qF -- "$1" "$tmp/out"; }
err_has() { grep -qF -- "$1" "$tmp/err"; }
err_line() { grep -qx -- "$1" "$tmp/err"; }
