#!/usr/bin/env bash
# Records the captures the golden screens are drawn from: real
# `drconsole status --json` output of a lab (port base 26400) in each state
# the goldens show. Run from the build folder after make:
#   tests/tui/golden/record.sh        (then GENERATE=1 tests/tui/test-golden.sh)
# The captures are inputs checked in with the goldens: record them again only
# when the status format changes, and review the goldens it rewrites.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${LAB_DIR:-}" ]; then
	exec "$here/../../integration/lab-run.sh" 26400 "$0" "$@"
fi
prog="${TOP_BUILDDIR:-$(pwd)}/drconsole"
lab() { "$LAB_SCRIPT" --dir "$LAB_DIR" --port-base "$LAB_PORT_BASE" "$@" >/dev/null 2>&1; }
# capture: one status --json of the lab (its exit code says the verdict, not a failure).
capture() { "$prog" status -c "$LAB_CONFIG" --json --timeout 3 2>/dev/null; }

sleep 2 # let the standby catch up after the lab's own writes
capture >"$here/healthy.json"
cp "$here/healthy.json" "$here/frozen.json"
lab freeze 2
sleep 1
capture >>"$here/frozen.json"
lab thaw 2
sleep 2
capture >"$here/killed.json"
lab kill-pg 1
sleep 1
capture >>"$here/killed.json"
lab start-pg 1
# The config the captures were taken with, with the lab's folders made fixed.
sed -e "s|$LAB_DIR|/srv/drlab|g" -e '1s|.*|# The lab config the captures were recorded with (folders made fixed).|' \
	"$LAB_CONFIG" >"$here/drconsole.yml"
echo "recorded: $(ls "$here"/*.json | tr '\n' ' ')"
