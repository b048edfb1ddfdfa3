#!/usr/bin/env bash
# test-status.sh — "drconsole status" against a real two-site lab of its own
# (port base 26100): the JSON keys of DESIGN section 5, the exit code, and the
# wall time of every run (a run must answer within --timeout + 1 s), for a
# healthy lab and for each fault the lab can inject. Each scenario restores
# the lab before the next one; the split brain comes last since a promoted
# standby cannot be turned back cheaply.
#
# Automake test: exit 0 pass, 1 fail, 77 skip (no sshd, PostgreSQL or jq here
# and CI is not "true"). Prints "ok - ..." / "not ok - ..." per assertion and a
# final "N passed, N failed" line. Every wait is bounded.
#
# Run: TOP_BUILDDIR=$PWD tests/integration/test-status.sh
set -uo pipefail

BASE=26100 WORK_NAME=status-test
. "$(cd "$(dirname "$0")" && pwd)/lab-test.sh"
# Authentication must not depend on an agent.
unset SSH_AUTH_SOCK SSH_AGENT_PID
START=$SECONDS

if [ ! -x "$PROG" ]; then
    echo "Bail out! $PROG is not built"
    exit 99
fi

pass=0 fail=0
TIMES=() # "scenario: run  ms  exit" for the summary

ok() { pass=$((pass + 1)); echo "ok - $1"; }
notok() { fail=$((fail + 1)); echo "not ok - $1"; }

# check DESC CMD...: one assertion, ok when CMD succeeds.
check() {
    local desc=$1
    shift
    if "$@"; then ok "$desc"; else notok "$desc"; fi
}

# jcheck DESC FILTER [SHOW]: one assertion on the last JSON output, ok when the
# jq FILTER is true; on failure prints SHOW's value (default: the whole
# verdict and sites, condensed).
jcheck() {
    local desc=$1 filter=$2 show=${3:-}
    if jq -e "$filter" "$OUT" >/dev/null 2>&1; then
        ok "$desc"
        return 0
    fi
    notok "$desc"
    if [ -n "$show" ]; then
        echo "#   actual: $(jq -c "$show" "$OUT" 2>&1 | head -c 1500)"
    else
        show_last
    fi
    return 1
}

# show_last: the gist of the last JSON output, as comments.
show_last() {
    echo "#   overall: $(jq -c '.overall' "$OUT" 2>&1)"
    echo "#   reasons: $(jq -c '[.reasons[] | [.level, .text]]' "$OUT" 2>&1 | head -c 1500)"
    echo "#   sites:   $(jq -c '[.sites[] | {name, role, reachable, error, up: .postgres.up, pg_error: .postgres.error}]' "$OUT" 2>&1 | head -c 1500)"
    echo "#   replication: $(jq -c '.replication' "$OUT" 2>&1 | head -c 600)"
}

# lab ARGS...: lab.sh on this test's lab, bounded in time, quiet unless it fails.
lab() {
    local log=$WORK/lab.log
    if timeout 90 "$LAB" --dir "$LAB_DIR" --port-base "$LAB_PORT_BASE" "$@" >"$log" 2>&1; then
        return 0
    fi
    echo "# lab.sh $* failed:"
    sed 's/^/#   /' "$log"
    return 1
}

# site_ssh N CMD: run CMD on site N as the lab user through plain ssh.
site_ssh() {
    local port_var=LAB_SSH_PORT_$1
    shift
    timeout 20 ssh -F /dev/null -o BatchMode=yes -o IdentitiesOnly=yes \
        -o IdentityFile="$LAB_KEY" -o UserKnownHostsFile="$LAB_KNOWN_HOSTS" \
        -o StrictHostKeyChecking=yes -o ConnectTimeout=5 -p "${!port_var}" \
        "$LAB_USER@127.0.0.1" "$@" </dev/null
}

# now_ms: the wall clock in milliseconds.
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# status CFG TIMEOUT [json|table]: one run of drconsole status; sets RC, MS,
# OUT (stdout) and ERR (stderr). Bounded by an outer timeout in case it hangs.
status() {
    local cfg=$1 t=$2 mode=${3:-json} t0 args=()
    [ "$mode" = json ] && args=(--json)
    OUT=$WORK/out.$mode ERR=$WORK/err
    t0=$(now_ms)
    timeout 30 "$PROG" status -c "$cfg" "${args[@]}" --timeout "$t" </dev/null >"$OUT" 2>"$ERR"
    RC=$?
    MS=$(($(now_ms) - t0))
}

# run LABEL CFG TIMEOUT [json|table]: status, then the assertions every run
# gets: the answer within TIMEOUT + 1 s, and for JSON a parsable object whose
# exit_code and overall agree with the exit status.
run() {
    local label=$1 cfg=$2 t=$3 mode=${4:-json} bound want
    status "$cfg" "$t" "$mode"
    bound=$(((t + 1) * 1000))
    TIMES+=("$(printf '%-44s %5d ms  exit %d' "$label" "$MS" "$RC")")
    check "$label: answers within $((t + 1)) s (took $MS ms)" [ "$MS" -le "$bound" ]
    [ "$mode" = json ] || return 0
    if ! jq -e 'type == "object"' "$OUT" >/dev/null 2>&1; then
        notok "$label: prints one JSON object"
        echo "#   stdout: $(head -c 500 "$OUT")"
        echo "#   stderr: $(head -c 500 "$ERR")"
        return
    fi
    case $RC in 0) want=ok ;; 1) want=warning ;; 2) want=critical ;; 3) want=unknown ;; *) want="?" ;; esac
    jcheck "$label: exit $RC agrees with overall and exit_code" \
        ".overall == \"$want\" and .exit_code == $RC" '{overall, exit_code}'
    [ -s "$ERR" ] && echo "#   stderr: $(head -c 500 "$ERR")"
    return 0
}

# Per-site selectors.
S1='(.sites[] | select(.name == "datacenter-1"))'
S2='(.sites[] | select(.name == "datacenter-2"))'
R12='(.replication[] | select(.from == "datacenter-1" and .to == "datacenter-2"))'

# The healthy lab: both sites up, streaming, warning only for the expired backups.
HEALTHY="
  .overall == \"warning\" and .exit_code == 1
  and $S1.role == \"primary\" and $S2.role == \"standby\"
  and $S1.reachable and $S2.reachable
  and $S1.backups.count == 4 and $S2.backups.count == 4
  and $R12.state == \"streaming\"
  and ([.reasons[] | select(.level != \"ok\") | .text | test(\"older than retention_days\")] | all)"

# wait_healthy WHAT CFG SECONDS: rerun status until the lab is healthy again;
# one assertion.
wait_healthy() {
    local what=$1 cfg=$2 secs=$3 end tries=0
    end=$((SECONDS + secs))
    while :; do
        status "$cfg" 3
        tries=$((tries + 1))
        if jq -e "$HEALTHY" "$OUT" >/dev/null 2>&1; then
            ok "$what: healthy again within $secs s ($tries runs)"
            return 0
        fi
        if [ "$SECONDS" -ge "$end" ]; then
            notok "$what: healthy again within $secs s ($tries runs)"
            show_last
            return 1
        fi
        sleep 1
    done
}

# differs A B: true if files A and B differ.
differs() { ! cmp -s "$1" "$2"; }

# edit_config NAME AWK: a copy of the lab's config edited by an awk program,
# written next to it (so relative key and known_hosts paths still work) as
# EDITED. One assertion: the edit changed something.
edit_config() {
    EDITED=$LAB_DIR/$1
    awk "$2" "$CONFIG" >"$EDITED"
    check "config copy $1 differs from drconsole.yml" differs "$CONFIG" "$EDITED"
}

# fingerprint FILE: the SHA256 fingerprint of a public key file.
fingerprint() { ssh-keygen -l -f "$1" | awk '{ print $2 }'; }

echo "# lab $LAB_DIR, port base $LAB_PORT_BASE, program $PROG"

# ---------------------------------------------------------------------------
echo "# 1. both sites healthy"
wait_healthy "lab up" "$CONFIG" 20
run "1 healthy" "$CONFIG" 3
check "1: exit 1 (warning)" [ "$RC" = 1 ]
jcheck "1: overall warning" '.overall == "warning"'
jcheck "1: every warning is an expired backup (older than retention_days)" \
    '[.reasons[] | select(.level != "ok")] | length > 0 and (map(.text | test("older than retention_days \\(30\\) and still present")) | all)' \
    '[.reasons[] | [.level, .text]]'
jcheck "1: datacenter-1 primary, reachable, no error" \
    "$S1 | .role == \"primary\" and .reachable == true and .error == null" "$S1 | {role, reachable, error}"
jcheck "1: datacenter-2 standby, reachable, no error" \
    "$S2 | .role == \"standby\" and .reachable == true and .error == null" "$S2 | {role, reachable, error}"
jcheck "1: postgres up on both, in_recovery false/true" \
    "($S1.postgres | .up == true and .in_recovery == false) and ($S2.postgres | .up == true and .in_recovery == true)" \
    '[.sites[] | {name, postgres: (.postgres | {up, in_recovery, error})}]'
for s in 1 2; do
    sel=$S1
    [ "$s" = 2 ] && sel=$S2
    jcheck "1: datacenter-$s backups: count 4, invalid 0, newest_age_s small" \
        "$sel.backups | .count == 4 and .invalid == 0 and (.newest_age_s | type == \"number\" and . >= 0 and . < 600)" \
        "$sel.backups | {count, invalid, newest_age_s, expired}"
done
jcheck "1: replication[0] datacenter-1 -> datacenter-2 streaming, lag_bytes a number" \
    '.replication[0] | .from == "datacenter-1" and .to == "datacenter-2" and .state == "streaming" and (.lag_bytes | type == "number")' \
    '.replication'

# ---------------------------------------------------------------------------
echo "# 13. the human table of the healthy lab"
run "13 table" "$CONFIG" 3 table
check "13: exit 1" [ "$RC" = 1 ]
check "13: names datacenter-1" grep -q datacenter-1 "$OUT"
check "13: names datacenter-2" grep -q datacenter-2 "$OUT"
check "13: says WARNING" grep -qw WARNING "$OUT"
check "13: nothing on stderr" [ ! -s "$ERR" ]
[ -s "$ERR" ] && sed 's/^/#   stderr: /' "$ERR"

# ---------------------------------------------------------------------------
echo "# 2. backups older than retention_days"
run "2 expired present" "$CONFIG" 3
for s in 1 2; do
    jcheck "2: a reason says 2 backups on datacenter-$s are older than retention_days" \
        "any(.reasons[]; .level == \"warning\" and .site == \"datacenter-$s\" and (.text | test(\"^2 backups on datacenter-$s are older than retention_days\")))" \
        '[.reasons[] | [.level, .text]]'
done
# Move them aside on each site, as the lab user over plain ssh (mtimes kept).
moved=1
for s in 1 2; do
    b_var=LAB_BACKUP_$s
    b=${!b_var}
    site_ssh "$s" "mkdir -p '$b.expired' && find '$b' -maxdepth 1 -name 'db_backup_*.dump' -mtime +30 -exec mv {} '$b.expired/' ';' && ls '$b.expired' | wc -l" \
        >"$WORK/moved" 2>&1 && [ "$(cat "$WORK/moved")" = 2 ] || moved=0
done
check "2: the expired backups moved away over ssh (2 per site)" [ "$moved" = 1 ]
run "2 expired removed" "$CONFIG" 3
check "2: exit 0 once they are gone" [ "$RC" = 0 ]
jcheck "2: overall ok once they are gone" '.overall == "ok"'
jcheck "2: no reason mentions retention any more" \
    '[.reasons[] | select(.text | test("retention"))] | length == 0' '[.reasons[] | [.level, .text]]'
jcheck "2: 2 backups, 0 expired on each site" \
    '[.sites[].backups | .count == 2 and .expired == 0] | all' '[.sites[].backups | {count, expired}]'
for s in 1 2; do
    b_var=LAB_BACKUP_$s
    b=${!b_var}
    site_ssh "$s" "mv '$b.expired'/* '$b/' && rmdir '$b.expired'" || echo "# could not put back the expired backups of site $s"
done
wait_healthy "2 restored" "$CONFIG" 20

# ---------------------------------------------------------------------------
echo "# 3. a backup that is not a dump"
bad_name=db_backup_$(date +%Y%m%d_%H%M%S).dump
bad=$LAB_BACKUP_1/$bad_name
head -c 100000 /dev/urandom >"$bad"
run "3 random backup" "$CONFIG" 3
check "3: exit 2" [ "$RC" = 2 ]
jcheck "3: overall critical" '.overall == "critical"'
jcheck "3: datacenter-1 backups.invalid 1, $bad_name listed" \
    "$S1.backups | .invalid == 1 and .invalid_names == [\"$bad_name\"] and .newest_name == \"$bad_name\"" \
    "$S1.backups | {invalid, invalid_names, newest_name, count}"
jcheck "3: datacenter-2 backups.invalid 0" "$S2.backups.invalid == 0" "$S2.backups | {invalid, invalid_names}"
jcheck "3: a critical reason names the file" \
    "any(.reasons[]; .level == \"critical\" and (.text | contains(\"$bad_name\")))" '[.reasons[] | [.level, .text]]'
rm -f "$bad"
wait_healthy "3 removed" "$CONFIG" 20

# ---------------------------------------------------------------------------
echo "# 4. a failing service check"
edit_config status-svc.yml '
    /^  - name: datacenter-2/ { s = 1 }
    { print }
    s && /^    services:/ { print "      - { name: app, check: \"exit 3\" }"; s = 0 }'
cfg_svc=$EDITED
run "4 service app fails" "$cfg_svc" 3
check "4: exit at least 1" [ "$RC" -ge 1 ]
jcheck "4: overall at least warning" '.overall == "warning" or .overall == "critical"'
jcheck "4: a warning names service app on datacenter-2" \
    'any(.reasons[]; .level == "warning" and .site == "datacenter-2" and (.text | test("service app on datacenter-2 fails its check \\(exit status 3\\)")))' \
    '[.reasons[] | [.level, .text]]'
jcheck "4: datacenter-2 health.services has app, ok false, exit_status 3" \
    "any($S2.health.services[]; .name == \"app\" and .ok == false and .exit_status == 3)" "$S2.health.services"

# ---------------------------------------------------------------------------
echo "# 14. postgres.via: direct (no SSH tunnel) for datacenter-2"
edit_config status-direct.yml "
    /^  - name: datacenter-2/ { s = 1 }
    s && /^      port: $LAB_PG_PORT_2\$/ { print; print \"      via: direct\"; print \"      host: 127.0.0.1\"; s = 0; next }
    { print }"
run "14 via direct" "$EDITED" 3
jcheck "14: datacenter-2 answers as standby over a direct connection" \
    "$S2.role == \"standby\" and $S2.postgres.up == true and $S2.postgres.in_recovery == true" "$S2 | {role, postgres: .postgres.up}"
jcheck "14: replication datacenter-1 -> datacenter-2 streaming" \
    '.replication[0] | .from == "datacenter-1" and .to == "datacenter-2" and .state == "streaming"' '.replication'
check "14: exit 1 (only the expired backups)" [ "$RC" = 1 ]

echo "# 9. unknown host key"
: >"$LAB_DIR/status-empty_known_hosts"
edit_config status-unknown.yml '
    /^  - name: datacenter-2/ { s = 1 }
    s && /^      known_hosts:/ { sub(/known_hosts: .*/, "known_hosts: status-empty_known_hosts") }
    { print }'
cfg_unk=$EDITED
fp2=$(fingerprint "$LAB_DIR/site2/ssh/ssh_host_ed25519_key.pub")
run "9 unknown host key" "$cfg_unk" 3
jcheck "9: datacenter-2 unreachable" "$S2.reachable == false" "$S2 | {reachable, error}"
jcheck "9: the error says the key is not known and shows its fingerprint $fp2" \
    "$S2.error | test(\"not known\") and contains(\"$fp2\")" "$S2.error"
jcheck "9: datacenter-1 unaffected (primary, reachable)" "$S1 | .reachable and .role == \"primary\"" "$S1 | {role, reachable, error}"

# ---------------------------------------------------------------------------
echo "# 10a. PostgreSQL port of datacenter-2 where nothing listens"
dead_port=$((LAB_PG_PORT_2 + 100))
edit_config status-port.yml "
    /^  - name: datacenter-2/ { s = 1 }
    s && /^      port: $LAB_PG_PORT_2\$/ { sub(/$LAB_PG_PORT_2/, \"$dead_port\"); s = 0 }
    { print }"
cfg_port=$EDITED
run "10a postgres port closed" "$cfg_port" 3
jcheck "10a: datacenter-2 reachable over SSH" "$S2.reachable == true" "$S2 | {reachable, error}"
jcheck "10a: datacenter-2 postgres.up false, with an error" \
    "$S2.postgres | .up == false and (.error | type == \"string\" and length > 0)" "$S2.postgres | {up, error}"
jcheck "10a: a non-ok reason reports datacenter-2's PostgreSQL" \
    'any(.reasons[]; .level != "ok" and .site == "datacenter-2" and (.text | test("PostgreSQL")))' \
    '[.reasons[] | [.level, .site, .text]]'
jcheck "10a: the error says nothing listens at that port" \
    "$S2.postgres.error | test(\"nothing accepts connections\")" "$S2.postgres.error"
jcheck "10a: datacenter-2 role \"down\" (SSH answers, the port refuses)" "$S2.role == \"down\"" "$S2.role"
# The primary still streams to the real standby: what drconsole cannot verify is a warning.
check "10a: exit 1" [ "$RC" = 1 ]
jcheck "10a: overall warning" '.overall == "warning"'

echo "# 10b. sshd of site 2 refuses TCP forwarding"
sshd_dir=$LAB_DIR/site2/ssh
sshd_log=$LAB_DIR/site2/log/sshd.log
SSHD=${LAB_SSHD:-/usr/sbin/sshd}
sed 's/^AllowTcpForwarding yes$/AllowTcpForwarding no/' "$sshd_dir/sshd_config" >"$sshd_dir/sshd_config.nofwd"
# restart_sshd2 CONFIG: stop site 2's sshd (by its pid file) and start it with CONFIG.
restart_sshd2() {
    local pid
    pid=$(cat "$sshd_dir/sshd.pid" 2>/dev/null) || return 1
    kill "$pid" 2>/dev/null || return 1
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    ! kill -0 "$pid" 2>/dev/null || return 1
    "$SSHD" -t -f "$1" || return 1
    "$SSHD" -f "$1" -E "$sshd_log" </dev/null || return 1
    for _ in $(seq 50); do
        timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$LAB_SSH_PORT_2" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}
if grep -q '^AllowTcpForwarding no$' "$sshd_dir/sshd_config.nofwd" && restart_sshd2 "$sshd_dir/sshd_config.nofwd"; then
    ok "10b: site 2's sshd restarted with AllowTcpForwarding no"
    run "10b forwarding refused" "$CONFIG" 3
    check "10b: sshd logged the refused forward" grep -q "refused local port forward" "$sshd_log"
    jcheck "10b: datacenter-2 reachable over SSH" "$S2.reachable == true" "$S2 | {reachable, error}"
    jcheck "10b: datacenter-2 postgres.up false" "$S2.postgres.up == false" "$S2.postgres | {up, error}"
    jcheck "10b: the error says sshd refused the forwarding" \
        "[$S2.error, $S2.postgres.error] | map(select(. != null)) | any(test(\"forward|prohibit|refused\"; \"i\"))" \
        "$S2 | {error, pg_error: .postgres.error}"
    jcheck "10b: datacenter-2 role is not \"down\" (PostgreSQL runs; only the tunnel is refused)" \
        "$S2.role != \"down\"" "$S2.role"
    jcheck "10b: a non-ok reason reports that datacenter-2's PostgreSQL cannot be reached" \
        'any(.reasons[]; .level != "ok" and .site == "datacenter-2" and (.text | test("PostgreSQL")))' \
        '[.reasons[] | [.level, .site, .text]]'
    check "10b: site 2's sshd restored" restart_sshd2 "$sshd_dir/sshd_config"
else
    notok "10b: site 2's sshd restarted with AllowTcpForwarding no"
    # Whatever happened, site 2 needs its own sshd back.
    pid=$(cat "$sshd_dir/sshd.pid" 2>/dev/null)
    if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
        "$SSHD" -f "$sshd_dir/sshd_config" -E "$sshd_log" </dev/null
    fi
fi
wait_healthy "10b restored" "$CONFIG" 20

# ---------------------------------------------------------------------------
echo "# 11. authentication refused"
ssh-keygen -q -t ed25519 -N '' -C "not authorized" -f "$LAB_DIR/status-stranger_key"
edit_config status-auth.yml '
    /^  - name: datacenter-1/ { s = 1 }
    /^  - name: datacenter-2/ { s = 0 }
    s && /^      identity:/ { sub(/identity: .*/, "identity: status-stranger_key") }
    { print }'
cfg_auth=$EDITED
run "11 auth refused" "$cfg_auth" 3
jcheck "11: datacenter-1 unreachable" "$S1.reachable == false" "$S1 | {reachable, error}"
jcheck "11: the error mentions authentication" "$S1.error | test(\"authentication\")" "$S1.error"
check "11: exit 2 (the primary is unreachable)" [ "$RC" = 2 ]

# ---------------------------------------------------------------------------
echo "# 6. site 2 frozen"
if lab freeze 2; then
    run "6 site 2 frozen" "$CONFIG" 3
    jcheck "6: datacenter-2 unreachable" "$S2.reachable == false" "$S2 | {reachable, error}"
    jcheck "6: the error says timed out" "$S2.error | test(\"timed out\")" "$S2.error"
    jcheck "6: datacenter-1 still primary and reachable" "$S1 | .reachable and .role == \"primary\"" "$S1 | {role, reachable, error}"

    echo "# 12. --timeout 1 with site 2 frozen"
    run "12 --timeout 1, site 2 frozen" "$CONFIG" 1
    jcheck "12: datacenter-2 unreachable, timed out" "$S2 | .reachable == false and (.error | test(\"timed out\"))" "$S2 | {reachable, error}"
else
    notok "6: lab.sh freeze 2"
fi
lab thaw 2 || notok "6: lab.sh thaw 2"
wait_healthy "6 thawed" "$CONFIG" 30

# ---------------------------------------------------------------------------
echo "# 5. primary PostgreSQL killed"
if lab kill-pg 1; then
    run "5 primary postgres killed" "$CONFIG" 3
    check "5: exit 2" [ "$RC" = 2 ]
    jcheck "5: overall critical" '.overall == "critical"'
    jcheck "5: datacenter-1 reachable, postgres.up false, role down" \
        "$S1 | .reachable == true and .postgres.up == false and .role == \"down\"" \
        "$S1 | {reachable, role, up: .postgres.up, error: .postgres.error}"
    jcheck "5: the first reason says PostgreSQL on primary datacenter-1 is down" \
        '.reasons[0] | .level == "critical" and (.text | startswith("PostgreSQL on primary datacenter-1 is down"))' \
        '.reasons[0]'
else
    notok "5: lab.sh kill-pg 1"
fi
lab start-pg 1 || notok "5: lab.sh start-pg 1"
wait_healthy "5 restarted" "$CONFIG" 40

# ---------------------------------------------------------------------------
echo "# 8. host key of site 1 replaced"
grep "^\[127.0.0.1\]:$LAB_SSH_PORT_1 " "$LAB_KNOWN_HOSTS" >"$WORK/site1.known"
old_fp1=$(fingerprint "$WORK/site1.known")
if lab rekey 1; then
    new_fp1=$(fingerprint "$LAB_DIR/site1/ssh/ssh_host_ed25519_key.pub")
    run "8 host key changed" "$CONFIG" 3
    check "8: exit 2" [ "$RC" = 2 ]
    jcheck "8: overall critical" '.overall == "critical"'
    jcheck "8: datacenter-1 unreachable" "$S1.reachable == false" "$S1 | {reachable, error}"
    jcheck "8: the error says CHANGED and shows both fingerprints ($new_fp1, $old_fp1)" \
        "$S1.error | contains(\"CHANGED\") and contains(\"$new_fp1\") and contains(\"$old_fp1\")" "$S1.error"
    jcheck "8: the error is whole (ends with its advice, not cut)" \
        "$S1.error | contains(\"Refusing to connect\") and contains(\"$LAB_KNOWN_HOSTS\")" "$S1.error"
    jcheck "8: the critical reason about datacenter-1 is whole" \
        "any(.reasons[]; .level == \"critical\" and .site == \"datacenter-1\" and (.text | contains(\"CHANGED\") and contains(\"Refusing to connect\")))" \
        '[.reasons[] | [.level, .text]]'
else
    notok "8: lab.sh rekey 1"
fi
# From here on, a known_hosts of our own with site 1's new key.
{
    grep -v "^\[127.0.0.1\]:$LAB_SSH_PORT_1 " "$LAB_KNOWN_HOSTS"
    read -r kt key _ <"$LAB_DIR/site1/ssh/ssh_host_ed25519_key.pub"
    echo "[127.0.0.1]:$LAB_SSH_PORT_1 $kt $key"
} >"$LAB_DIR/status-known_hosts"
edit_config status-rekeyed.yml '
    /^      known_hosts: known_hosts$/ { sub(/known_hosts: known_hosts/, "known_hosts: status-known_hosts") }
    { print }'
cfg_kh=$EDITED
wait_healthy "8 with the new key in known_hosts" "$cfg_kh" 20

# ---------------------------------------------------------------------------
echo "# 7. split brain: the standby promoted while the primary runs"
if lab psql 2 -c "SELECT pg_promote(true, 30)"; then
    run "7 split brain" "$cfg_kh" 3
    check "7: exit 2" [ "$RC" = 2 ]
    jcheck "7: overall critical" '.overall == "critical"'
    jcheck "7: the first reason starts with SPLIT BRAIN and names both sites" \
        '.reasons[0] | .level == "critical" and (.text | startswith("SPLIT BRAIN") and contains("datacenter-1") and contains("datacenter-2"))' \
        '.reasons[0]'
    jcheck "7: both roles primary" '[.sites[].role] == ["primary", "primary"]' '[.sites[] | {name, role}]'
else
    notok "7: lab.sh psql 2 pg_promote()"
fi

# ---------------------------------------------------------------------------
echo "# wall time of each status run:"
for t in "${TIMES[@]}"; do echo "#   $t"; done
echo "# total $((SECONDS - START)) s in the lab"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
