#!/usr/bin/env bash
# drconsole view CAPTURE --run JOURNAL sends nothing to any site: the sites'
# SSH and PostgreSQL ports of its config are listeners here that note every
# connection; every key that acts in a live run is pressed, the confirmation
# is answered with the site's name typed, and the picker's second Enter is
# pressed; then no listener was connected to, the journal and the state
# folder are unchanged, and the dialog said that nothing is sent.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
gold="$here/golden"
prog="${TOP_BUILDDIR:-$(cd "$here/../.." && pwd)}/drconsole"
export DRCONSOLE_DATADIR="${DRCONSOLE_DATADIR:-$(cd "$here/../.." && pwd)}"
for t in tmux python3; do
	command -v "$t" >/dev/null 2>&1 || { echo "SKIP: no $t"; [ "${CI:-}" = true ] && exit 1; exit 77; }
done
sock="drv-$$"
work=$(mktemp -d /tmp/drconsole-viewrun.XXXXXX)
T() { tmux -L "$sock" -f /dev/null "$@"; }
pass=0
fail=0
check() { if eval "$2"; then echo "ok - $1"; pass=$((pass + 1)); else echo "not ok - $1"; fail=$((fail + 1)); fi; }
# shows TEXT: waits (at most 5 s) until the pane shows TEXT.
shows() {
	local end=$((SECONDS + 5))
	until T capture-pane -p | grep -qF -- "$1"; do
		[ "$SECONDS" -ge "$end" ] && return 1
		sleep 0.1
	done
}

# Listeners on free ports, standing for the sites' SSH and PostgreSQL; each notes a connection.
python3 - "$work" <<'PY' &
import os, select, socket, sys
work = sys.argv[1]
socks = []
for name in ("ssh1", "ssh2", "pg1", "pg2"):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(8)
    socks.append((name, s))
with open(os.path.join(work, "ports.tmp"), "w") as f:
    f.write(" ".join(str(s.getsockname()[1]) for _, s in socks) + "\n")
os.rename(os.path.join(work, "ports.tmp"), os.path.join(work, "ports"))
while True:
    ready, _, _ = select.select([s for _, s in socks], [], [], 60)
    if not ready:
        break
    for s in ready:
        c, _ = s.accept()
        with open(os.path.join(work, "connected"), "a") as f:
            f.write([n for n, x in socks if x is s][0] + "\n")
        c.close()
PY
listener=$!
trap 'T kill-server 2>/dev/null; kill "$listener" 2>/dev/null; rm -rf "$work"' EXIT
end=$((SECONDS + 10))
until [ -s "$work/ports" ] || [ "$SECONDS" -ge "$end" ]; do sleep 0.1; done
read -r s1 s2 p1 p2 <"$work/ports"
sed -e "s|^state_dir: state|state_dir: $work/state|" -e "s/26401/$s1/" -e "s/26402/$s2/" \
	-e "s/26411/$p1/g" -e "s/26412/$p2/g" "$gold/drconsole.yml" >"$work/drconsole.yml"
. "$gold/runs.sh"
journal=$(runs_plant "$work/state" "$gold/killed.json" awaiting)
check "the run is planted" '[ -f "$journal" ]'
before=$(cd "$work/state" && find . -type f -exec sha256sum {} + | sort)

T new-session -d -x 100 -y 30 "env TERM=xterm-256color TZ=UTC LANG=C.UTF-8 LC_ALL=C.UTF-8 $prog view -c $work/drconsole.yml $gold/killed.json --run $journal; sleep 60"
check "the run shows, awaiting its typed confirmation" 'shows "Enter: confirm (type the site)"'
T send-keys Enter
check "Enter shows the step's confirmation" 'shows "type datacenter-2 to run it"'
T send-keys datacenter-2 Enter
check "the answer typed is refused: nothing is sent" 'shows "nothing is sent from the viewer"'
T send-keys Escape
sleep 0.3
for k in o t r k d n a f F K; do
	T send-keys "$k"
	sleep 0.1
	T send-keys datacenter-2 Enter Escape
done
T send-keys s
check "s shows the picker" 'shows "search (number or name)"'
T send-keys 2 Enter
check "Enter shows the scenario's steps" 'shows "4. Verify data integrity"'
T send-keys Enter
check "the second Enter starts nothing" 'shows "nothing starts from the viewer"'
T send-keys Escape Escape
sleep 1
check "the viewer still runs" 'T capture-pane -p | grep -qF "데이터베이스 장애"'
T send-keys 7
check "a digit without a layout says so, naming the layouts' keys" 'shows "no layout has key 7 (1 overview, 2 incident, 3 drill, 4 compact)"'
check "no site's SSH or PostgreSQL was connected to" '[ ! -e "$work/connected" ]'
after=$(cd "$work/state" && find . -type f -exec sha256sum {} + | sort)
check "the journal and the state folder are unchanged" '[ "$before" = "$after" ]'
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
