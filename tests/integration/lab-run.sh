#!/usr/bin/env bash
# Runs one integration test program against a lab of its own: brings the lab
# up on the port base given, exports its lab.env to the program, and always
# takes the lab down afterwards. Exit status: the program's, 77 to skip when
# the machine lacks sshd or PostgreSQL (a failure when CI=true).
# Usage: lab-run.sh PORT_BASE PROGRAM [ARGS...]
set -uo pipefail
base=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
lab="$here/../lab/lab.sh"
dir="/tmp/drlab-it.$(id -u).$base"

if ! "$lab" check >/dev/null 2>&1; then
	echo "SKIP: this machine lacks what the lab needs"
	[ "${CI:-}" = true ] && exit 1
	exit 77
fi
trap '"$lab" --dir "$dir" --port-base "$base" down >/dev/null 2>&1' EXIT
if ! timeout 120 "$lab" --dir "$dir" --port-base "$base" up >"$dir.up.log" 2>&1; then
	echo "the lab did not come up:"
	cat "$dir.up.log"
	rm -f "$dir.up.log"
	exit 99
fi
rm -f "$dir.up.log"
set -a
# shellcheck disable=SC1090,SC1091
. "$dir/lab.env"
set +a
export LAB_SCRIPT="$lab"
"$@"
