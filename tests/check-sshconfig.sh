#!/bin/sh
# "drconsole check" on jump hosts, offline (nothing is connected to): for each
# site, which ssh config file and line gave its jump hosts (or that none
# did), the hops, through Match, Include (a glob) and several hops, a jump
# host's own ProxyJump put before it as ssh does, and ssh.jump; refusals with
# the file and line for a ProxyCommand, a Match drconsole cannot evaluate, a
# malformed line and a hostile jump host, and nothing in them ever run.
set -u
top_srcdir=${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${TOP_BUILDDIR:-$top_srcdir}
. "$top_srcdir/tests/check-lib.sh" # prog, and tmp: a scratch folder

# config NAME SSHCONFIG HOST1 HOST2 [JUMP2]: a drconsole.yml of two sites whose
# ssh hosts are HOST1 and HOST2 in SSHCONFIG (site b with ssh.jump JUMP2).
config() {
	{
		printf 'dr: {primary_site: a, dr_site: b, failover_mode: manual, sync_interval: 300}\n'
		printf 'sites:\n  - name: a\n    ssh: {host: %s, config: "%s"}\n' "$3" "$2"
		printf '  - name: b\n    ssh: {host: %s, config: "%s"' "$4" "$2"
		if [ -n "${5:-}" ]; then printf ', jump: "%s"' "$5"; fi
		printf '}\n'
	} >"$tmp/$1.yml"
}

mkdir -p "$tmp/inc"
cat >"$tmp/ssh_config" <<EOF
Host dc1
  HostName 10.0.0.1
Match host 10.0.0.* originalhost dc1
  ProxyJump ops@gw1:2222,gw2
Host gw1
  ProxyJump gw0
Match all
  Include $tmp/inc/*.conf
Host cmd
  ProxyCommand nc %h %p
Host dc*
  ProxyJump never-reached
EOF
printf 'Host dc2\n  ProxyJump solo.example\n' >"$tmp/inc/10-dc2.conf"

config good "$tmp/ssh_config" dc1 dc2
run check -c "$tmp/good.yml"
CHECK_SHOW=$tmp/err
check "check passes with Match, Include and several hops (exit 0)" rc_is 0
CHECK_SHOW=$tmp/out
check "the hops of a Match block, with file and line (the first hop's own ProxyJump put first, as ssh does)" \
	out_has "ssh        a: 3 jump hosts gw0,ops@gw1:2222,gw2, from the ProxyJump at $tmp/ssh_config:4"
check "a ProxyJump from an included file names that file" \
	out_has "ssh        b: 1 jump host solo.example, from the ProxyJump at $tmp/inc/10-dc2.conf:2"

printf 'Host *\n  User ops\n' >"$tmp/plain_config"
config none "$tmp/plain_config" dc1 dc2 "hop1,ops@hop2:2022"
run check -c "$tmp/none.yml"
check "no ProxyJump: said, with the file read" \
	out_has "ssh        a: no jump host (no ProxyJump for dc1 in $tmp/plain_config)"
check "ssh.jump with several hops" \
	out_has "ssh        b: 2 jump hosts hop1,ops@hop2:2022, from ssh.jump in the config"

config shadow "$tmp/ssh_config" dc1 dc2 "hop1"
run check -c "$tmp/shadow.yml"
check "an ssh.jump that hides a ProxyJump says so, with its file and line" \
	out_has "ssh        b: $tmp/inc/10-dc2.conf:2: this ProxyJump solo.example is not used: ssh.jump is"

config cmd "$tmp/ssh_config" dc1 cmd
run check -c "$tmp/cmd.yml"
CHECK_SHOW=$tmp/err
check "a ProxyCommand is refused (exit 1) with its file and line" \
	eval 'rc_is 1 && err_has "error: site b: $tmp/ssh_config:10: ProxyCommand nc %h %p: drconsole does not run a ProxyCommand"'

printf 'Host dc*\n  User x\nMatch originalhost dc2 exec "touch %s/ran"\n  ProxyJump maybe\n' "$tmp" >"$tmp/exec_config"
config exec "$tmp/exec_config" dc1 dc2
run check -c "$tmp/exec.yml"
check "a Match exec that would decide is refused with its file and line, and not run" \
	eval 'rc_is 1 && err_has "error: site b: $tmp/exec_config:3: Match exec touch $tmp/ran cannot be evaluated" && [ ! -e "$tmp/ran" ]'
check "the same Match exec, not deciding for dc1 (originalhost fails first), is no error for site a" \
	eval '! err_has "site a:"'

printf 'Host dc1\n  HostName h\nMatch hots dc1\n' >"$tmp/bad_config"
config bad "$tmp/bad_config" dc1 dc2
run check -c "$tmp/bad.yml"
check "a malformed Match is refused with its file and line" \
	eval 'rc_is 1 && err_has "error: site a: $tmp/bad_config:3: Match: unknown criterion '"'"'hots'"'"'"'

printf 'Host *\n  ProxyJump gw1,gw$(touch${IFS}%s/ran2)\n' "$tmp" >"$tmp/evil_config"
config evil "$tmp/evil_config" dc1 dc2 'gw1,`touch '"$tmp"'/ran3`'
run check -c "$tmp/evil.yml"
check "a hostile hop in a ProxyJump is refused, naming the file, line and hop" \
	eval 'rc_is 1 && err_has "error: site a: $tmp/evil_config:2: ProxyJump: jump host 2 '"'"'gw\$(touch"'
check "a hostile hop in ssh.jump is refused, naming the hop" \
	eval 'err_has "error: site b: jump host 2 '"'"'\`touch"'
check "nothing of the hostile hops ran" eval '[ ! -e "$tmp/ran2" ] && [ ! -e "$tmp/ran3" ]'

printf 'Host\tdc1\r\n\tProxyJump="gw1,ops@gw2:2022" # the bastions\r\nHost dc2\r\n  ProxyJump = gw3\r\n' >"$tmp/crlf_config"
config crlf "$tmp/crlf_config" dc1 dc2
run check -c "$tmp/crlf.yml"
check "a quoted ProxyJump with '=', a tab, CRLF and a trailing comment reads as ssh reads it" \
	eval 'rc_is 0 && out_has "ssh        a: 2 jump hosts gw1,ops@gw2:2022, from the ProxyJump at $tmp/crlf_config:2"'
check "ProxyJump = VALUE with CRLF" out_has "ssh        b: 1 jump host gw3, from the ProxyJump at $tmp/crlf_config:4"

printf 'Host dc1\n  ProxyJump gw1 gw2\n' >"$tmp/two_config"
config two "$tmp/two_config" dc1 dc2
run check -c "$tmp/two.yml"
check "a ProxyJump of two words is refused with its file and line" \
	eval 'rc_is 1 && err_has "error: site a: $tmp/two_config:2: ProxyJump takes one value"'

printf 'Host *\n  User x\nInclude %s/loop_b\n' "$tmp" >"$tmp/loop_a"
printf '\nInclude %s/loop_a\n' "$tmp" >"$tmp/loop_b"
config loop "$tmp/loop_a" dc1 dc2
run check -c "$tmp/loop.yml"
check "an Include loop is refused with the file and line of the Include that goes too deep" \
	eval 'rc_is 1 && err_has "error: site a: $tmp/loop_a:3: Include nested more than 16 deep (does an Include lead back to its own file?)"'

printf 'Host dc1\n  ProxyJump g1,g2,g3,g4,g5,g6,g7,g8,g9\nHost g1\n  ProxyJump g1\n' >"$tmp/hops_config"
config hops "$tmp/hops_config" dc1 dc2
run check -c "$tmp/hops.yml"
check "nine hops written out are refused as too many, not as a loop" \
	eval 'rc_is 1 && err_has "jump hosts g1,g2,g3,g4,g5,g6,g7,g8,g9: 9 hops; drconsole goes through 8 at the most"'
config selfloop "$tmp/hops_config" g1 dc2
run check -c "$tmp/selfloop.yml"
check "a jump host whose ProxyJump names itself is refused as a loop" \
	err_has "ProxyJump lead back to itself?"

config missing "$tmp/no_such_config" dc1 dc2
run check -c "$tmp/missing.yml"
check "an ssh.config that cannot be read is an error naming the file" \
	eval 'rc_is 1 && err_has "cannot read the ssh config $tmp/no_such_config"'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
