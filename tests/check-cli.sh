#!/bin/sh
# Command-line behaviour of "drconsole check" and "drconsole plan": exit
# codes, usage errors, the summary, plans by name and by number, shell quoting
# of parameters, and checks that span files (a scenario naming an unknown
# action, steps over the scenario's time budget, dr_config).
set -u
top_srcdir=${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${TOP_BUILDDIR:-$top_srcdir}
prog="$top_builddir/drconsole"
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

# Records one assertion: ok when the command given succeeds.
check() {
	desc=$1
	shift
	if "$@"; then
		echo "ok - $desc"
		pass=$((pass + 1))
	else
		echo "not ok - $desc"
		fail=$((fail + 1))
	fi
}

# Runs drconsole, keeping its exit status, stdout and stderr in $tmp.
run() {
	"$prog" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	echo $? >"$tmp/rc"
}
rc_is() { [ "$(cat "$tmp/rc")" = "$1" ]; }
out_has() { grep -qF -- "$1" "$tmp/out"; }
err_has() { grep -qF -- "$1" "$tmp/err"; }
err_line() { grep -qx -- "$1" "$tmp/err"; }

example="$top_srcdir/doc/drconsole.yml.example"

run --help
check "--help exits 0 and lists the commands" eval 'rc_is 0 && out_has "plan SCENARIO" && out_has "check [-c FILE]"'
run --version
check "--version prints the version" eval 'rc_is 0 && grep -q "^drconsole [0-9]" "$tmp/out"'
run frobnicate
check "an unknown command is a usage error (2)" eval 'rc_is 2 && err_has "unknown command '"'"'frobnicate'"'"'"'
run --frobnicate
check "an unknown option is a usage error (2)" eval 'rc_is 2 && err_has "unknown option"'
run check --bogus
check "an unknown option of check is a usage error" eval 'rc_is 2 && err_has "check: unknown option"'
run plan -c "$example"
check "plan without a scenario is a usage error" eval 'rc_is 2 && err_has "which scenario"'
run plan -c
check "an option without its value is a usage error" eval 'rc_is 2 && err_has "needs a value"'
run status --bogus
check "a usage error of status is unknown (3), as monitoring plugins expect" eval 'rc_is 3 && err_has "status: unknown option"'
run status -c "$tmp/none.yml"
check "status without a readable config is unknown (3)" eval 'rc_is 3 && err_has "cannot open"'
run check --help
check "check --help explains FILE:LINE:COL" eval 'rc_is 0 && out_has "FILE:LINE:COL"'

# No config anywhere: a clear error naming the places tried.
(cd "$tmp" && HOME="$tmp" XDG_CONFIG_HOME="$tmp/xdg" "$prog" check >"$tmp/out" 2>"$tmp/err"; echo $? >"$tmp/rc")
check "no config found: exit 1 and the places tried" eval 'rc_is 1 && err_has "no config found (tried drconsole.yml, $tmp/xdg/drconsole/drconsole.yml"'

run check -c "$example"
check "the example config checks clean with a summary" eval 'rc_is 0 && out_has "scenarios  3 in" && out_has "데이터베이스 장애" && out_has "layouts    4 in" && [ ! -s "$tmp/err" ]'
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

# dr_config: the plan's ConfigMap, read as it is, relative to the config.
mkdir -p "$tmp/k/kubernetes"
cp "$top_srcdir/scenarios/kubernetes/dr-config.yml" "$tmp/k/kubernetes/"
sed -e '/^dr:/,/^  sync_interval/d' -e '1i dr_config: kubernetes/dr-config.yml' "$example" >"$tmp/k/drconsole.yml"
run check -c "$tmp/k/drconsole.yml"
check "dr_config reads the seed's ConfigMap" eval 'rc_is 0 && out_has "failover automatic, lag budget 5m (from $tmp/k/kubernetes/dr-config.yml)"'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
