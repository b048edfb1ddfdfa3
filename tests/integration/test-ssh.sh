#!/usr/bin/env bash
# test-ssh.sh — runs tests/integration/test-ssh (SSH sessions, remote commands
# and the PostgreSQL bridge of core/) against a two-site lab of its own.
#
# Automake test: exit 0 pass, 1 fail, 77 skip (sshd or PostgreSQL missing, and
# not in CI). Uses its own port base (SSH_TEST_PORT_BASE, default 25600) and
# folder, and always takes its lab down. SSH_TEST_WRAPPER runs the program
# under a tool, e.g. SSH_TEST_WRAPPER="valgrind --leak-check=full".
# shellcheck disable=SC2086
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
SRCDIR=${TOP_SRCDIR:-$(cd "$HERE/../.." && pwd)}
BUILDDIR=${TOP_BUILDDIR:-$SRCDIR}
LAB=$SRCDIR/tests/lab/lab.sh
PROG=$BUILDDIR/tests/integration/test-ssh
BASE=${SSH_TEST_PORT_BASE:-25600}
DIR=/tmp/drlab-ssh.$(id -u).$BASE
LOG=/tmp/drlab-ssh.$(id -u).$BASE.log

# lab ARGS...: run lab.sh on this test's lab, bounded in time.
lab() { timeout 120 "$LAB" --dir "$DIR" --port-base "$BASE" "$@"; }

# cleanup: EXIT trap; always take the lab down.
cleanup() { lab down >/dev/null 2>&1 || lab down || true; rm -f "$LOG"; }

if ! "$LAB" check >/dev/null 2>&1; then
    echo "SKIP: this machine lacks what the lab needs:"
    "$LAB" check 2>&1 | sed 's/^/# /'
    # In CI everything is installed: a skip there hides a broken setup.
    [ "${CI:-}" = true ] && exit 1
    exit 77
fi
if [ ! -x "$PROG" ]; then
    echo "Bail out! $PROG is not built"
    exit 99
fi

trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP
# A lab left over by an interrupted run of this test.
lab down >/dev/null 2>&1 || true

start=$SECONDS
if ! lab up >"$LOG" 2>&1; then
    sed 's/^/# /' "$LOG"
    echo "Bail out! the lab did not come up"
    exit 1
fi
echo "# lab up in $((SECONDS - start)) s"

set -a
# shellcheck source=/dev/null
. "$DIR/lab.env"
set +a
export LAB_SH=$LAB
# Authentication must work (or fail) without an agent and without a terminal.
unset SSH_AUTH_SOCK SSH_AGENT_PID

timeout 240 ${SSH_TEST_WRAPPER:-} "$PROG" </dev/null
rc=$?
echo "# total $((SECONDS - start)) s"
exit "$rc"
