# What the console's tmux tests share (sourced, after setting PORT_BASE and
# SOCK_PREFIX): it re-runs the test inside a lab of its own on PORT_BASE, then
# gives T (tmux on the test's own server), ok/notok counters, shows (bounded
# wait for text on the pane), gone (bounded wait for it to leave), check (an
# assertion that prints the pane when it fails) and lab (the lab's script).
# shellcheck shell=bash disable=SC2034
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${LAB_DIR:-}" ]; then
	command -v tmux >/dev/null 2>&1 || { echo "SKIP: no tmux"; [ "${CI:-}" = true ] && exit 1; exit 77; }
	exec "$here/../integration/lab-run.sh" "$PORT_BASE" "$0" "$@"
fi
prog="${TOP_BUILDDIR:-$(cd "$here/../.." && pwd)}/drconsole"
sock="$SOCK_PREFIX-$$"
pass=0
fail=0
# T ARGS: tmux on the test's own server.
T() { tmux -L "$sock" -f /dev/null "$@"; }
# renew TMUXFN ARGS...: kills that tmux server, waits (bounded) until it is gone,
# then starts a new session with ARGS: a new session started while the old
# server is still exiting would die with it ("no server running").
renew() {
	local fn=$1 end=$((SECONDS + 5))
	shift
	"$fn" kill-server 2>/dev/null
	while "$fn" has-session 2>/dev/null && [ "$SECONDS" -lt "$end" ]; do sleep 0.05; done
	sleep 0.2
	"$fn" new-session "$@"
}
# ok TEXT / notok TEXT: one assertion's outcome.
ok() { echo "ok - $1"; pass=$((pass + 1)); }
notok() { echo "not ok - $1"; fail=$((fail + 1)); }
# shows TEXT SECONDS: waits (bounded) until the pane shows TEXT.
shows() {
	local end=$((SECONDS + $2))
	while [ "$SECONDS" -le "$end" ]; do
		T capture-pane -p 2>/dev/null | grep -qF -- "$1" && return 0
		sleep 0.1
	done
	return 1
}
# gone TEXT SECONDS: waits (bounded) until the pane no longer shows TEXT.
gone() {
	local end=$((SECONDS + $2))
	while [ "$SECONDS" -le "$end" ]; do
		T capture-pane -p | grep -qF -- "$1" || return 0
		sleep 0.1
	done
	return 1
}
# check TEXT COMMAND...: asserts COMMAND, printing the pane when it fails.
check() { local d=$1; shift; if "$@"; then ok "$d"; else notok "$d"; T capture-pane -p 2>/dev/null | sed 's/^/#   /'; fi; }
# done_or_retry STEP SECONDS: waits (bounded) for "✓ STEP"; whenever "✗ STEP"
# shows, retries it (r) and confirms it again, as an operator would after a
# command that died with its console had not run.
done_or_retry() {
	local end=$((SECONDS + $2))
	until T capture-pane -p | grep -qF "✓ $1" || [ "$SECONDS" -gt "$end" ]; do
		if T capture-pane -p | grep -qF "✗ $1"; then
			T send-keys r
			shows "Enter: confirm" 20 && T send-keys Enter && shows "Enter runs it" 20 && T send-keys Enter
		fi
		sleep 0.3
	done
}
# lab ARGS: the lab's script on this test's lab.
lab() { "$LAB_SCRIPT" --dir "$LAB_DIR" --port-base "$LAB_PORT_BASE" "$@"; }
# finish: prints the counts; the test's exit status.
finish() { echo "$pass passed, $fail failed"; [ "$fail" -eq 0 ]; }
