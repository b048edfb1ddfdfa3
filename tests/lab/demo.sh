#!/usr/bin/env bash
# make demo: brings a lab up (port base 26500, or $LAB_PORT_BASE), opens the
# console on it in this terminal, and takes the lab down when the console
# exits, whatever way it exits. Try it: freeze a site from another terminal
# with "tests/lab/lab.sh --port-base 26500 freeze 2" and watch.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
prog=${1:-./drconsole}
base=${LAB_PORT_BASE:-26500}
dir=${LAB_DIR:-/tmp/drconsole-demo.$(id -u)}
lab() { "$here/lab.sh" --dir "$dir" --port-base "$base" "$@"; }

if ! "$here/lab.sh" check; then
	echo "demo: this machine lacks what the lab needs (run ./bootstrap.sh as root)" >&2
	exit 1
fi
trap 'lab down >/dev/null 2>&1' EXIT
trap 'exit 130' INT TERM HUP
echo "demo: bringing the lab up in $dir (ports $((base + 1))-$((base + 12)))..."
lab up || exit 1
cat <<MSG
demo: the console opens on the lab; from another terminal you can break it:
  $here/lab.sh --dir $dir --port-base $base freeze 2     (then thaw 2)
  $here/lab.sh --dir $dir --port-base $base kill-pg 1    (then start-pg 1)
Press q in the console to quit; the lab is taken down then.
MSG
sleep 2
XDG_STATE_HOME="$dir/state" "$prog" -c "$dir/drconsole.yml"
