#!/usr/bin/env bash
# test-jump.sh — jump hosts as ssh does them, against a real two-site lab of
# its own (port base 29400): an ssh config that drconsole.yml's ssh.config
# points at (a Match block, an Include with a glob) takes both sites through
# two jump hosts, site 1's sshd then site 2's, with ProxyJump. "check" says
# where the hops come from, offline; "status" succeeds through the two hops;
# a hop whose key known_hosts lacks is named, with its fingerprint; a hop
# whose key changed is refused. The ssh config and known_hosts live in a
# folder whose name holds a space, quotes and '%', which every hop's ssh
# must read back intact.
#
# Automake test: exit 0 pass, 1 fail, 77 skip (no sshd, PostgreSQL or jq here
# and CI is not "true"). Prints "ok - ..." / "not ok - ..." per assertion.
set -uo pipefail

BASE=${JUMP_TEST_PORT_BASE:-29400} WORK_NAME=jump-test
. "$(cd "$(dirname "$0")" && pwd)/lab-test.sh"
# Authentication must not depend on an agent.
unset SSH_AUTH_SOCK SSH_AGENT_PID

if [ ! -x "$PROG" ]; then
    echo "Bail out! $PROG is not built"
    exit 99
fi

tmp=$WORK prog=$PROG
. "$SRCDIR/tests/check-lib.sh" # pass, fail, check DESC CMD...
# has FILE TEXT: FILE holds TEXT (what it holds is shown when not).
has() {
    grep -qF -- "$2" "$1" && return 0
    echo "#   wanted: $2"
    head -c 2000 "$1" | sed 's/^/#   got: /'
    return 1
}

P1=$LAB_SSH_PORT_1 P2=$LAB_SSH_PORT_2
HOP1="$LAB_USER@127.0.0.1:$P1" HOP2="$LAB_USER@127.0.0.1:$P2"
SSHDIR="$WORK/ssh 'q' 100%"
mkdir -p "$SSHDIR/conf.d"
# The ssh config: HostName from a Host block, the hops from a file included
# (by a glob) in a Match block.
printf '%s\n' "Host dc1 dc2" "  HostName 127.0.0.1" \
    "Match originalhost dc? !user nobody" "  Include \"$SSHDIR/conf.d/*.conf\"" \
    >"$SSHDIR/config"
printf '%s\n' "# both sites through site 1's sshd, then site 2's" "Host *" \
    "  ProxyJump $HOP1,$HOP2" >"$SSHDIR/conf.d/50-hops.conf"
cp "$LAB_KNOWN_HOSTS" "$SSHDIR/known_hosts"

# jump_config NAME KNOWN_HOSTS: a copy of the lab's drconsole.yml whose sites
# are dc1 and dc2 of the ssh config above, with that known_hosts; prints its path.
jump_config() {
    local out=$LAB_DIR/$1.yml
    awk -v cfg="$SSHDIR/config" -v kh="$2" '
        /^      host: 127.0.0.1$/ { n++; print "      host: dc" n; print "      config: \"" cfg "\""; next }
        /^      known_hosts: / { print "      known_hosts: \"" kh "\""; next }
        { print }' "$CONFIG" >"$out"
    echo "$out"
}
CFG=$(jump_config jump "$SSHDIR/known_hosts")

# check: offline, the hops and where they come from.
OUT=$WORK/out ERR=$WORK/err
timeout 20 "$PROG" check -c "$CFG" >"$OUT" 2>"$ERR"
RC=$?
check "check passes with a two-hop ProxyJump (exit $RC)" [ "$RC" = 0 ]
check "check names datacenter-1's hops and the file and line of the ProxyJump" \
    has "$OUT" "datacenter-1: 2 jump hosts $HOP1,$HOP2, from the ProxyJump at $SSHDIR/conf.d/50-hops.conf:3"
check "check names datacenter-2's hops too" has "$OUT" "datacenter-2: 2 jump hosts $HOP1,$HOP2"

# status NAME: drconsole status --json with config NAME; sets RC.
status() {
    timeout 40 "$PROG" status -c "$1" --json --timeout 8 </dev/null >"$OUT" 2>"$ERR"
    RC=$?
}
# jtrue FILTER: the last JSON output satisfies FILTER.
jtrue() { jq -e "$1" "$OUT" >/dev/null; }
status "$CFG"
echo "#   reasons: $(jq -c '[.reasons[] | .text]' "$OUT" 2>&1 | head -c 600)"
check "status through two hops is ok or a warning, never critical or unknown (exit $RC)" \
    [ "$RC" -le 1 ]
check "status through two hops reaches both sites, without an error" \
    jtrue '[.sites[] | [.reachable, .error]] == [[true, null], [true, null]]'
check "status through two hops sees both PostgreSQLs, and which is primary" \
    jtrue '[.sites[] | .postgres.up] == [true, true] and .sites[0].role == "primary"'

# An unknown key on the second hop: named, with its fingerprint.
grep -vF "[127.0.0.1]:$P2 " "$SSHDIR/known_hosts" >"$SSHDIR/known_hosts.no2"
FP2=$(ssh-keygen -l -E sha256 -f "$LAB_DIR/site2/ssh/ssh_host_ed25519_key.pub" | awk '{ print $2 }')
status "$(jump_config unknown "$SSHDIR/known_hosts.no2")"
jq -r '.sites[0].error // ""' "$OUT" >"$WORK/error1"
check "an unknown key on hop 2 makes status fail (exit $RC)" [ "$RC" != 0 ]
check "the unknown key is said of hop 2, by name" has "$WORK/error1" "jump host $HOP2 (hop 2 of 2)"
check "the unknown key's SHA256 fingerprint is given" has "$WORK/error1" "$FP2"

# A changed key on the second hop: refused, and said so.
if timeout 90 "$LAB" --dir "$LAB_DIR" --port-base "$LAB_PORT_BASE" rekey 2 >"$WORK/lab.log" 2>&1; then
    status "$CFG"
    jq -r '.sites[0].error // ""' "$OUT" >"$WORK/error1"
    check "a changed key on hop 2 makes status fail (exit $RC)" [ "$RC" != 0 ]
    check "the changed key is said of hop 2" has "$WORK/error1" "jump host $HOP2 (hop 2 of 2)"
    check "the changed key is refused as CHANGED" has "$WORK/error1" "has CHANGED"
else
    CHECK_SHOW=$WORK/lab.log check "lab.sh rekey 2" false
fi

echo "# $pass passed, $fail failed"
[ "$fail" = 0 ]
