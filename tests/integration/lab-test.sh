# What the lab-based integration scripts share (sourced after setting BASE,
# their port base, and WORK_NAME): outside a lab it checks for jq, takes down
# a lab left by an interrupted run, and runs the script again inside a lab of
# its own (lab-run.sh); inside, it sets PROG, LAB, CONFIG and WORK (scratch
# files, removed with the lab).
# shellcheck shell=bash disable=SC2034
HERE=$(cd "$(dirname "$0")" && pwd)
SRCDIR=${TOP_SRCDIR:-$(cd "$HERE/../.." && pwd)}
BUILDDIR=${TOP_BUILDDIR:-$SRCDIR}

if [ "${1:-}" != --in-lab ]; then
	if ! command -v jq >/dev/null 2>&1; then
		echo "SKIP: jq is missing (bootstrap.sh installs it)"
		[ "${CI:-}" = true ] && exit 1
		exit 77
	fi
	if "$SRCDIR/tests/lab/lab.sh" check >/dev/null 2>&1; then
		timeout 60 "$SRCDIR/tests/lab/lab.sh" --dir "/tmp/drlab-it.$(id -u).$BASE" \
			--port-base "$BASE" down >/dev/null 2>&1 || true
	fi
	exec "$HERE/lab-run.sh" "$BASE" "$0" --in-lab
fi

PROG=$BUILDDIR/drconsole
LAB=${LAB_SCRIPT:-$SRCDIR/tests/lab/lab.sh}
: "${LAB_DIR:?run through lab-run.sh}"
CONFIG=$LAB_DIR/drconsole.yml
WORK=$LAB_DIR/$WORK_NAME # scratch files; removed with the lab
mkdir -p "$WORK"
