#!/bin/sh
# Command-line behaviour of "drconsole check", "plan", "status" and "fence": exit
# codes, usage errors, the summary, plans by name and by number, shell quoting
# of parameters, steps on every kind of target (primary, DR, both, local,
# manual, built-in), and checks that span files (a scenario naming an unknown
# action, steps over the scenario's time budget, dr_config).
set -u
top_srcdir=${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${TOP_BUILDDIR:-$top_srcdir}
. "$top_srcdir/tests/check-lib.sh" # prog, and tmp: a scratch folder


example="$top_srcdir/doc/drconsole.yml.example"

run --help
check "--help exits 0 and lists the commands" eval 'rc_is 0 && out_has "plan [SCENARIO]" && out_has "check [-c FILE]"'
run --version
check "--version prints the version" eval 'rc_is 0 && grep -q "^drconsole [0-9]" "$tmp/out"'
run frobnicate
check "an unknown command is a usage error (2)" eval 'rc_is 2 && err_has "unknown command '"'"'frobnicate'"'"'"'
run --frobnicate
check "an unknown option is a usage error (2)" eval 'rc_is 2 && err_has "unknown option"'
run check --bogus
check "an unknown option of check is a usage error" eval 'rc_is 2 && err_has "check: unknown option"'
run plan -c "$example"
check "plan without a scenario lists the scenarios and drills with their numbers (exit 0)" eval 'rc_is 0 && [ ! -s "$tmp/err" ] && out_has "  2. 데이터베이스 장애  (4 steps, estimated 15m)" && out_has "  3. 네트워크 장애" && out_has "Drills (" && out_has "  D2. 랜섬웨어 감염  (4 steps)"'
run plan 1 2 -c "$example"
check "plan with two scenarios is a usage error" eval 'rc_is 2 && err_has "give one scenario"'
run plan -c
check "an option without its value is a usage error" eval 'rc_is 2 && err_has "needs a value"'
run status --bogus
check "a usage error of status is unknown (3), as monitoring plugins expect" eval 'rc_is 3 && err_has "status: unknown option"'
run --json status -c "$tmp/none.yml"
check "drconsole --json status (the flag first) prints the one object too" eval 'rc_is 3 && jq -e ".overall == \"unknown\"" "$tmp/out" >/dev/null'
run status --timeout abc
check "status --timeout with no duration says so" eval 'rc_is 3 && err_has "--timeout: invalid duration"'
run status --timeout 50ms
check "status --timeout under 0.1 s says so" eval 'rc_is 3 && err_has "--timeout: at least 0.1 s"'
run status -c "$tmp/none.yml"
check "status without a readable config is unknown (3)" eval 'rc_is 3 && err_has "cannot open"'
# status --json always prints one object a monitoring pipeline can parse.
# json_is FILTER: stdout is one JSON object for which FILTER holds (jq, else a plain look).
json_is() {
	if command -v jq >/dev/null 2>&1; then
		jq -s -e "length == 1 and (.[0] | $1)" "$tmp/out" >/dev/null
	else
		out_has '"overall": "unknown"' && out_has '"error": "'
	fi
}
run status --json -c "$tmp/none.yml"
check "status --json without a readable config: unknown (3) and one object with the error" \
	eval 'rc_is 3 && json_is '"'"'.overall == "unknown" and .exit_code == 3 and (.error | test("cannot open")) and .reasons[0].level == "unknown" and .sites == []'"'"' && err_has "cannot open"'
printf 'dr:\n  primary_site: [\n' >"$tmp/bad.yml"
run status -c "$tmp/bad.yml" --json
check "status --json on a config that does not parse: the error with its position" \
	eval 'rc_is 3 && json_is '"'"'.overall == "unknown" and (.error | startswith("'"$tmp"'/bad.yml:"))'"'"''
run status --bogus --json
check "status --json after a bad option: unknown (3), the usage error in the object" \
	eval 'rc_is 3 && json_is ".overall == \"unknown\" and (.error | test(\"status: unknown option .--bogus.\"))" && err_has "status: unknown option"'
run status -c "$tmp/none.yml"
check "status without --json prints nothing on stdout for a bad config" eval 'rc_is 3 && [ ! -s "$tmp/out" ]'
run check --help
check "check --help explains FILE:LINE:COL" eval 'rc_is 0 && out_has "FILE:LINE:COL"'

# No config anywhere: a clear error naming the places tried.
(cd "$tmp" && HOME="$tmp" XDG_CONFIG_HOME="$tmp/xdg" "$prog" check >"$tmp/out" 2>"$tmp/err"; echo $? >"$tmp/rc")
check "no config found: exit 1 and the places tried" eval 'rc_is 1 && err_has "no config found (tried drconsole.yml, $tmp/xdg/drconsole/drconsole.yml"'

run check -c "$example"
check "the example config checks clean with a summary" eval 'rc_is 0 && out_has "scenarios  3 in" && out_has "데이터베이스 장애" && out_has "layouts    4 in" && [ ! -s "$tmp/err" ]'
check "check says which manual steps the config leaves manual, as info" eval 'out_has "info       update_connection_string is a manual step: to have drconsole run it, give it run: under actions: in $example"'
check "check says nothing of a manual step the config overrides" eval '! out_has "info       update_dns is a manual step"'
DRCONSOLE_CONFIG="$example" run check
check "\$DRCONSOLE_CONFIG is used" eval 'rc_is 0 && out_has "config     $example"'
run check "$top_srcdir/scenarios/recovery-scenarios.yml" "$top_srcdir/scenarios/dr-drill.yml" \
	"$top_srcdir/scenarios/dr-test-schedule.yml" "$top_srcdir/scenarios/kubernetes/dr-config.yml" \
	"$top_srcdir/scenarios/actions.yml" "$top_srcdir/layouts/overview.yml"
check "the seed files load as written" eval 'rc_is 0 && [ "$(grep -c ", OK$" "$tmp/out")" = 6 ]'

run plan "데이터베이스 장애" -c "$example"
cp "$tmp/out" "$tmp/by-name"
run plan 2 -c "$example"
check "plan by name and by number agree" eval 'rc_is 0 && cmp -s "$tmp/out" "$tmp/by-name"'
check "plan shows the promote step with its typed confirmation" eval 'out_has "builtin: promote: SELECT pg_promote(true, 90)" && out_has "confirm: type the site'"'"'s name \"datacenter-2\""'
check "plan shows the total against the estimate" eval 'out_has "Total: steps estimated at 12m against the scenario'"'"'s 15m (3m to spare)"'
run plan 9 -c "$example"
check "plan of a missing scenario lists the scenarios" eval 'rc_is 1 && err_has "no scenario '"'"'9'"'"'" && err_has "3. 네트워크 장애"'

# Drills are plans too: by name or as D1, D2.
run plan "전체 시스템 다운" -c "$example"
check "plan of a drill fences the primary and promotes with a typed confirmation" eval 'rc_is 0 && out_has "Drill D1: 전체 시스템 다운" && out_has "builtin: fence:" && out_has "builtin: promote:" && out_has "Satisfies the scheduled test: 전체 시스템 페일오버 테스트"'
run plan D2 -c "$example"
check "an unmapped drill step is a manual step with the plan's text" eval 'rc_is 0 && out_has "[D2.4]" && out_has "manual:  보안 취약점 점검" && out_has "builtin: restore_test:"'

# A parameter holding shell syntax is passed as one quoted word.
mkdir -p "$tmp/q"
sed -e 's|dns_zone: erp.example.com|dns_zone: "'"'"'; touch /tmp/x; '"'"'"|' "$example" >"$tmp/q/drconsole.yml"
run plan 1 -c "$tmp/q/drconsole.yml"
check "a parameter with quotes and ; is shell-quoted" eval 'rc_is 0 && out_has "run:     /usr/local/sbin/dr-dns-switch --zone '"''\\\\''; touch /tmp/x; '\\\\'''"' datacenter-2"'

# Checks across files, on a copy of the shipped scenarios.
mkdir -p "$tmp/x/scenarios"
cp "$top_srcdir"/scenarios/*.yml "$tmp/x/scenarios/"
sed -e 's|      - promote_standby|      - promote_standbyy|' -e 's|estimated_time: "10분"|estimated_time: "5분"|' \
	"$top_srcdir/scenarios/recovery-scenarios.yml" >"$tmp/x/scenarios/recovery-scenarios.yml"
sed -e '/^sites:/i scenarios_dir: scenarios' "$example" >"$tmp/x/drconsole.yml"
(cd "$tmp/x" && "$prog" check -c drconsole.yml >"$tmp/out" 2>"$tmp/err"; echo $? >"$tmp/rc")
check "a scenario naming an unknown action: error at its position" eval 'rc_is 1 && err_line "./scenarios/recovery-scenarios.yml:14:9: error: scenario '"'"'데이터베이스 장애'"'"' names unknown action '"'"'promote_standbyy'"'"' (define it in actions.yml or under '"'"'actions:'"'"' in drconsole.yml)"'
check "steps over the scenario's time: a warning at estimated_time" eval 'err_line "./scenarios/recovery-scenarios.yml:24:21: warning: the steps of scenario '"'"'네트워크 장애'"'"' are estimated at 9m, more than its estimated_time of 5m"'
sed -i -e 's|      - promote_standbyy|      - promote_standby|' "$tmp/x/scenarios/recovery-scenarios.yml"
(cd "$tmp/x" && "$prog" check -c drconsole.yml >"$tmp/out" 2>"$tmp/err"; echo $? >"$tmp/rc")
check "warnings alone exit 0" eval 'rc_is 0 && err_has "warning: the steps of scenario" && out_has "scenarios  3 in"'

# Every kind of step target: a step on the primary, the DR site, both, this
# console (a command, and a manual step), a manual step at a site and
# built-ins, each with the confirmation it asks for. "check" and "plan" are
# the commands that read steps ("status" and "view" show no steps).
mkdir -p "$tmp/t/scenarios"
cp "$top_srcdir"/scenarios/*.yml "$tmp/t/scenarios/"
cat >>"$tmp/t/scenarios/recovery-scenarios.yml" <<'EOF'

  - name: "모든 대상"
    actions:
      - t_primary
      - t_dr
      - t_both
      - t_local
      - t_local_manual
      - t_dr_manual
      - t_builtin
      - t_builtin_both
    estimated_time: "10분"
EOF
{
	sed -e '/^actions:/,$d' -e '/^sites:/i scenarios_dir: scenarios' "$example"
	cat <<'EOF'
actions:
  update_dns:
    site: local
    run: "/usr/local/sbin/dr-dns-switch --zone {{params.dns_zone}} {{dr.name}}"
    confirm: typed
  t_primary:
    title: On the primary
    site: primary
    run: "echo {{site.name}}"
    estimate: 1m
  t_dr:
    title: On the DR site
    site: dr
    run: "echo {{site.name}}"
    confirm: typed
    estimate: 1m
  t_both:
    title: On both sites
    site: both
    run: "echo {{site.name}}"
    check: "test -n {{site.host}}"
    confirm: typed
    estimate: 1m
  t_local:
    title: On this console
    site: local
    run: "echo {{dr.name}}"
    check: "true"
    confirm: typed
    estimate: 1m
  t_local_manual:
    title: By hand, here
    site: local
    manual: true
    description: "Call the {{dr.name}} team"
    confirm: typed
    estimate: 1m
  t_dr_manual:
    title: By hand, at the DR site
    site: dr
    manual: true
    description: "Walk to {{site.name}}"
    estimate: 1m
  t_builtin:
    title: A built-in on the DR site
    site: dr
    builtin: replication_check
    check: writable
    confirm: none
    estimate: 1m
  t_builtin_both:
    title: A built-in on both sites
    site: both
    builtin: site_health
    estimate: 1m
EOF
} >"$tmp/t/drconsole.yml"
run check -c "$tmp/t/drconsole.yml"
check "check: steps on every kind of target load clean" eval 'rc_is 0 && out_has "4. 모든 대상" && [ ! -s "$tmp/err" ]'
run plan 1 -c "$tmp/t/drconsole.yml"
cat >"$tmp/want" <<'EOF'
 3. Point the service's DNS name at the DR site  [update_dns]
     site:    this console (local)
     run:     /usr/local/sbin/dr-dns-switch --zone erp.example.com datacenter-2
     confirm: type "local"
EOF
check "plan: a library step overridden to run locally is planned on this console" eval 'rc_is 0 && [ ! -s "$tmp/err" ] && sed -n "/^ 3\. /,/confirm:/p" "$tmp/out" | diff -u "$tmp/want" -'
run plan "모든 대상" -c "$tmp/t/drconsole.yml"
cat >"$tmp/want" <<'EOF'
Scenario 4: 모든 대상 (8 steps, estimated time 10m)
Primary datacenter-1, DR datacenter-2, failover manual, lag budget 5m

 1. On the primary  [t_primary]
     site:    datacenter-1 (primary site, db1.dc1.example.com:22)
     run:     echo datacenter-1
     confirm: press Enter
     time:    estimate 1m, timeout 1m
 2. On the DR site  [t_dr]
     site:    datacenter-2 (DR site, db2.dc2.example.com)
     run:     echo datacenter-2
     confirm: type the site's name "datacenter-2"
     time:    estimate 1m, timeout 1m
 3. On both sites  [t_both]
     site:    datacenter-1 (primary site, db1.dc1.example.com:22)
     run:     echo datacenter-1
     check:   test -n db1.dc1.example.com
     site:    datacenter-2 (DR site, db2.dc2.example.com)
     run:     echo datacenter-2
     check:   test -n db2.dc2.example.com
     confirm: type the site's name "datacenter-1"
     time:    estimate 1m, timeout 1m
 4. On this console  [t_local]
     site:    this console (local)
     run:     echo datacenter-2
     check:   true
     confirm: type "local"
     time:    estimate 1m, timeout 1m
 5. By hand, here  [t_local_manual]
     site:    this console (local)
     manual:  Call the datacenter-2 team
     confirm: type "local"
     time:    estimate 1m
 6. By hand, at the DR site  [t_dr_manual]
     site:    datacenter-2 (DR site, db2.dc2.example.com)
     manual:  Walk to datacenter-2
     confirm: none (runs when reached)
     time:    estimate 1m
 7. A built-in on the DR site  [t_builtin]
     site:    datacenter-2 (DR site, db2.dc2.example.com)
     builtin: replication_check: standby streaming from the primary, replay lag within 5m
     check:   built-in: a write in a temporary table succeeds on erp_chatbot
     confirm: none (runs when reached)
     time:    estimate 1m, timeout 1m
 8. A built-in on both sites  [t_builtin_both]
     site:    datacenter-1 (primary site, db1.dc1.example.com:22)
     builtin: site_health: SSH reachable, PostgreSQL up, disk and load within limits
     site:    datacenter-2 (DR site, db2.dc2.example.com)
     builtin: site_health: SSH reachable, PostgreSQL up, disk and load within limits
     confirm: press Enter
     time:    estimate 1m, timeout 1m

Total: steps estimated at 8m against the scenario's 10m (2m to spare)
EOF
check "plan: every kind of step target, as printed" eval 'rc_is 0 && [ ! -s "$tmp/err" ] && diff -u "$tmp/want" "$tmp/out"'

# dr_config: the plan's ConfigMap, read as it is, relative to the config.
mkdir -p "$tmp/k/kubernetes"
cp "$top_srcdir/scenarios/kubernetes/dr-config.yml" "$tmp/k/kubernetes/"
sed -e '/^dr:/,/^  sync_interval/d' -e '1i dr_config: kubernetes/dr-config.yml' "$example" >"$tmp/k/drconsole.yml"
run check -c "$tmp/k/drconsole.yml"
check "dr_config reads the seed's ConfigMap" eval 'rc_is 0 && out_has "failover automatic, lag budget 5m (from $tmp/k/kubernetes/dr-config.yml)"'

# status --json reports the fence kept in the config's state_dir (sites on closed loopback ports).
mkdir -m 700 "$tmp/fstate"
cat >"$tmp/fence.yml" <<EOF
dr: {primary_site: a, dr_site: b, failover_mode: manual, sync_interval: 300}
state_dir: $tmp/fstate
sites:
  - name: a
    ssh: {host: 127.0.0.1, port: 1, known_hosts: $tmp/known_hosts}
  - name: b
    ssh: {host: 127.0.0.1, port: 1, known_hosts: $tmp/known_hosts}
EOF
run status -c "$tmp/fence.yml" --json --timeout 2
check "status --json: no fence state file, no fence armed" \
	eval 'json_is ".fence == {\"armed\": false, \"site\": null, \"since\": null, \"error\": null} and (.sites | length) == 2"'
cat >"$tmp/fstate/fence.json" <<EOF
{"armed": true, "site": "a", "since": "2026-11-27T06:15:00.123Z",
 "by": {"run": null, "actor": "watch", "operator": "kim", "host": "jump1", "pid": 4242},
 "reason": "promoted b at 0/3000148", "disarmed": null}
EOF
chmod 600 "$tmp/fstate/fence.json"
run status -c "$tmp/fence.yml" --json --timeout 2
check "status --json: an armed fence is shown, the stable keys kept" \
	eval 'json_is ".fence.armed == true and .fence.site == \"a\" and .fence.since == \"2026-11-27T06:15:00.123Z\" and .fence.error == null and .overall != null and .replication != null"'
printf '{"armed": true, "site": "a",,}\n' >"$tmp/fstate/fence.json"
run status -c "$tmp/fence.yml" --json --timeout 2
check "status --json: a damaged fence state is not known (null), said with its position, a warning at least" \
	eval 'json_is "(.fence.armed == null) and (.fence.error | test(\"fence.json:1:\")) and .exit_code >= 1 and any(.reasons[]; .level == \"warning\" and (.text | test(\"fence state cannot be read\")))"'

# drconsole fence: the same state shown and disarmed, offline; the exit codes of monitoring plugins.
run fence -c "$tmp/fence.yml"
check "fence: a damaged state is unknown (3), said with its position" \
	eval 'rc_is 3 && out_has "UNKNOWN: the fence state cannot be read" && out_has "fence.json:1:"'
cat >"$tmp/fstate/fence.json" <<EOF
{"armed": true, "site": "a", "since": "2026-11-27T06:15:00.123Z",
 "by": {"run": null, "actor": "watch", "operator": "kim", "host": "jump1", "pid": 4242},
 "reason": "promoted b at 0/3000148", "disarmed": null}
EOF
chmod 600 "$tmp/fstate/fence.json"
run fence -c "$tmp/fence.yml"
check "fence: an armed fence is a warning (1), with who armed it and how to disarm it" \
	eval 'rc_is 1 && out_has "WARNING: fence kept for a" && out_has "by watch kim@jump1, pid 4242" && out_has "drconsole fence --disarm a"'
run fence -c "$tmp/fence.yml" --json
check "fence --json: one object, armed, its site and who" \
	eval 'rc_is 1 && json_is ".armed == true and .site == \"a\" and .arm.by.operator == \"kim\" and .disarm == null and .exit_code == 1"'
run fence -c "$tmp/fence.yml" --disarm b
check "fence --disarm with another name is refused (1) and the fence stays armed" \
	eval 'rc_is 1 && err_has "the name typed is not a" && grep -q "\"armed\": true" "$tmp/fstate/fence.json"'
run fence -c "$tmp/fence.yml" --disarm a --reason "failback done"
check "fence --disarm with the site's name disarms it (0), the reason kept" \
	eval 'rc_is 0 && out_has "The fence of a is disarmed." && out_has "failback done" && grep -q "\"armed\": false" "$tmp/fstate/fence.json"'
run fence -c "$tmp/fence.yml"
check "fence: once disarmed, ok (0)" eval 'rc_is 0 && out_has "OK: no fence armed (the fence of a was disarmed)"'
run fence -c "$tmp/fence.yml" --disarm a
check "fence --disarm with nothing armed is refused (1)" eval 'rc_is 1 && err_has "no fence is armed"'
run fence -c "$tmp/fence.yml" --reason x
check "fence --reason without --disarm is a usage error (2)" eval 'rc_is 2 && err_has "--reason goes with --disarm"'
run fence -c "$tmp/none.yml"
check "fence without a readable config is unknown (3)" eval 'rc_is 3 && err_has "cannot open"'
# status --json tells the watcher: none ever here, then one that stopped (watch.json, no lock held).
run status -c "$tmp/fence.yml" --json --timeout 2
check "status --json: no watcher ever here, running false and the rest null" \
	eval 'json_is ".watcher == {\"running\": false, \"mode\": null, \"state\": null, \"since\": null, \"last_check\": null, \"pid\": null, \"host\": null, \"detail\": null, \"error\": null}"'
printf '%s\n' '{"pid": 4242, "host": "jump1", "operator": "kim", "since": "2026-11-27T06:00:00.000Z", "mode": "automatic", "state": "watching", "last_check": "2026-11-27T06:05:01.000Z", "check_interval_ms": 30000, "failovers": 0, "run": null, "detail": "both answer"}' >"$tmp/fstate/watch.json"
: >"$tmp/fstate/watch.lock"
run status -c "$tmp/fence.yml" --json --timeout 2
check "status --json: a watcher that stopped, its last status as it was" \
	eval 'json_is ".watcher.running == false and .watcher.mode == \"automatic\" and .watcher.pid == 4242 and .watcher.last_check == \"2026-11-27T06:05:01.000Z\""'
if command -v flock >/dev/null 2>&1; then
	flock "$tmp/fstate/watch.lock" "$prog" status -c "$tmp/fence.yml" --json --timeout 2 >"$tmp/out" 2>"$tmp/err"
	check "status --json: watch.lock held, the watcher runs" eval 'json_is ".watcher.running == true and .watcher.state == \"watching\""'
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
