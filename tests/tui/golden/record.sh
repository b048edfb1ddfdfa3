#!/usr/bin/env bash
# Records the captures the golden screens are drawn from: real
# `drconsole status --json` output of a lab (port base 26400, or
# RECORD_PORT_BASE) in each state the goldens show. Run from the build folder
# after make:
#   tests/tui/golden/record.sh          (then GENERATE=1 tests/tui/test-golden.sh)
#   tests/tui/golden/record.sh NAME...  records only those of healthy, frozen,
#                                       killed and primary-down
# The captures are inputs checked in with the goldens: record them again only
# when the status format changes, and review the goldens it rewrites.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${LAB_DIR:-}" ]; then
	exec "$here/../../integration/lab-run.sh" "${RECORD_PORT_BASE:-26400}" "$0" "$@"
fi
prog="${TOP_BUILDDIR:-$(pwd)}/drconsole"
only=" $* "
lab() { "$LAB_SCRIPT" --dir "$LAB_DIR" --port-base "$LAB_PORT_BASE" "$@" >/dev/null 2>&1; }
# capture: one status --json of the lab (its exit code says the verdict, not a failure).
capture() { "$prog" status -c "$LAB_CONFIG" --json --timeout 3 2>/dev/null; }
# wanted NAME: tells whether the capture NAME is to be recorded (all when none was named).
wanted() { [ "$only" = "  " ] || [[ $only == *" $1 "* ]]; }

sleep 2 # let the standby catch up after the lab's own writes
if wanted healthy || wanted frozen; then
	capture >"$here/healthy.json"
fi
if wanted frozen; then
	cp "$here/healthy.json" "$here/frozen.json"
	lab freeze 2
	sleep 1
	capture >>"$here/frozen.json"
	lab thaw 2
	sleep 2
fi
if wanted killed; then
	capture >"$here/killed.json"
	lab kill-pg 1
	sleep 1
	capture >>"$here/killed.json"
	lab start-pg 1
	sleep 2
fi
# The primary site gone (SSH and PostgreSQL frozen): the runs' goldens are drawn over it.
if wanted primary-down; then
	capture >"$here/primary-down.json"
	lab freeze 1
	sleep 1
	capture >>"$here/primary-down.json"
	lab thaw 1
fi
# The config the captures were taken with, with the lab's folders made fixed.
sed -e "s|$LAB_DIR|/srv/drlab|g" -e '1s|.*|# The lab config the captures were recorded with (folders made fixed).|' \
	"$LAB_CONFIG" >"$LAB_DIR/drconsole.yml"
if ! [ -f "$here/drconsole.yml" ] || wanted healthy; then
	cp "$LAB_DIR/drconsole.yml" "$here/drconsole.yml"
fi
echo "recorded: $(ls "$here"/*.json | tr '\n' ' ')"
