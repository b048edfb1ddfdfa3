#!/usr/bin/env bash
# 랜섬웨어 감염 live on a lab of its own (port base 29100), through the
# console's keys in tmux, with a scratch PostgreSQL of its own as the DR
# site's restore target (backups.restore_target: the DR site is a standby,
# which cannot take a scratch database). The first drill ever, started with
# --drill D2: the fence runs; the restore step refuses the never-proven
# newest backup (nothing restored, no proof) until backup_proven is typed;
# then it restores it and the proof is kept (restores.json, journaled as
# restore_tested, the override journaled with who and why). The console
# quits mid-drill and a console started again resumes it: DRILL in the
# header, "mode":"drill" on every record after the resume. With the newest
# backup proven, a second drill restores it with no override (the backups
# panel and status name it). A new backup then makes the newest unproven:
# the panel and status say so, the third drill refuses it without the
# override and restores it with it.
set -uo pipefail
PORT_BASE=29100 SOCK_PREFIX=drr
. "$(cd "$(dirname "$0")" && pwd)/tmux-lib.sh"
scratch_port=$((LAB_PORT_BASE + 31))
scratch="$LAB_DIR/scratch-pg"
# as_pg CMD...: runs a command as the lab's PostgreSQL account.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u "$LAB_PG_OS_USER" -- "$@"; else "$@"; fi; }
stop_scratch() { [ -d "$scratch" ] && as_pg "$LAB_PG_BINDIR/pg_ctl" -D "$scratch" -m immediate -w stop >/dev/null 2>&1; }
trap 'T kill-server 2>/dev/null; stop_scratch' EXIT
mkdir -p "$scratch" && chown "$LAB_PG_OS_USER" "$scratch" 2>/dev/null
as_pg "$LAB_PG_BINDIR/initdb" -A trust -U postgres -D "$scratch" >/dev/null 2>&1 &&
	as_pg "$LAB_PG_BINDIR/pg_ctl" -D "$scratch" -w -l "$scratch/log" -o "-p $scratch_port -k $scratch -c listen_addresses=127.0.0.1" start >/dev/null 2>&1 ||
	{ echo "the scratch PostgreSQL did not start"; exit 99; }
cfg="$LAB_DIR/ransomware.yml"
awk -v dir="$LAB_BACKUP_2" -v port="$scratch_port" '{ print } $0 ~ "dir: " dir "$" { print "      restore_target: 127.0.0.1:" port }' "$LAB_CONFIG" >"$cfg"
grep -q "restore_target: 127.0.0.1:$scratch_port" "$cfg" || { echo "the config has no restore target"; exit 99; }
state="$LAB_DIR/state"
proofs="$state/restores.json"
console() { renew T -d -x 120 -y 45 "env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color $prog -c $cfg $*; sleep 60"; }
last_run() { ls "$state"/runs/*.jsonl | sort | tail -n 1; }
newest2() { ls "$LAB_BACKUP_2" | sort | tail -n 1; }
proven_rows() { jq -r --arg f "$LAB_BACKUP_2/$1" '.proofs[] | select(.site == "datacenter-2" and .file == $f) | .rows' "$proofs" 2>/dev/null; }
# step_to_restore: confirms the fence (typed), then waits for the restore step's guard.
step_to_restore() {
	shows "datacenter-1 primary" 30
	shows "Enter: confirm" 30 && T send-keys Enter
	shows "type datacenter-1 to run it:" 10 && T send-keys datacenter-1 Enter
	shows "✓ 1" 40
}
# override_restore: types the override, runs the restore, waits for it.
override_restore() {
	T send-keys o
	check "$1: o asks for the guard's name" shows "type backup_proven to override:" 10
	T send-keys backup_proven Enter
	shows "Enter: confirm" 10 && T send-keys Enter
	shows "Enter runs it" 10 && T send-keys Enter
	check "$1: the restore step is done" shows "✓ 2" 60
}

# abort_drill: aborts the drill, skips its hot wash and quits.
abort_drill() {
	T send-keys a
	shows "type abort:" 10 && T send-keys abort Enter
	shows "what went well:" 20 && T send-keys Escape
	sleep 1
	T send-keys q
	sleep 2
}

# 1. The first drill ever: nothing is proven yet.
console --drill D2
check "--drill D2 starts the drill live: DRILL in the header" shows " DRILL " 30
step_to_restore
check "run 1: the restore step is held by backup_proven (never proven)" shows "no backup was ever proven restorable" 20
T send-keys Enter
sleep 2
if [ ! -e "$proofs" ] && ! grep -q restore_tested "$(last_run)"; then ok "run 1: without the override nothing is restored"; else notok "run 1: something was restored without the override"; fi
first=$(newest2)
override_restore "run 1"
rows=$(proven_rows "$first")
if [ -n "$rows" ] && [ "$rows" -gt 0 ]; then ok "run 1: the newest backup $first is proven ($rows rows) in restores.json"; else notok "run 1: no proof of $first: $(cat "$proofs" 2>&1)"; fi
run1=$(last_run)
rec=$(jq -c 'select(.type == "restore_tested") | .data | [.ok, .overridden, .was_proven, .kept, .tables > 0, .mode]' "$run1")
if [ "$rec" = '[true,true,false,true,true,"drill"]' ]; then ok "run 1: restore_tested is journaled (overridden, kept)"; else notok "run 1: restore_tested: $rec"; fi
by=$(jq -r 'select(.type == "guard_override") | [.data.by, .data.failed[0].guard] | join(" ")' "$run1")
if [ "$by" = "$(id -un) backup_proven" ] || [ "${by#* }" = backup_proven ] && [ -n "${by%% *}" ]; then ok "run 1: the override is journaled with who ($by)"; else notok "run 1: the override's record: $by"; fi
T send-keys q
shows "type quit to leave:" 10 && T send-keys quit Enter
sleep 2
# 2. Resumed: still a drill.
console
check "the unfinished drill is offered" shows "type resume to carry on:" 30
T send-keys resume Enter
check "resumed: DRILL in the header" shows " DRILL " 30
shows "Enter" 10
for n in 3 4; do
	T send-keys Enter
	check "run 1: step $n is done" shows "✓ $n" 20
done
check "run 1: the hot wash is asked" shows "what went well:" 20
T send-keys Escape
sleep 1
bad=$(awk 'f; /"type":"run_resumed"/ {f=1}' "$run1" | jq -c 'select(.type != "run_sealed" and .data.mode != "drill") | .type')
n_after=$(awk 'f; /"type":"run_resumed"/ {f=1}' "$run1" | grep -c .)
if grep -q '"type":"run_resumed"' "$run1" && [ "$n_after" -gt 2 ] && [ -z "$bad" ]; then ok "every record after the resume says mode drill ($n_after records)"; else notok "records after the resume without mode drill: $bad ($n_after after it)"; fi
T send-keys q
sleep 2

# 3. The newest backup is proven: the second drill restores it with no override.
lab start-pg 1 >/dev/null 2>&1 # fenced by the first drill: a primary to fence again
console --drill D2
shows " DRILL " 30
step_to_restore
check "run 2: backup_proven passes and names the proven backup" shows "the newest backup is proven: $first" 20
T send-keys Enter
shows "Enter runs it" 10 && T send-keys Enter
check "run 2: the restore step is done without an override" shows "✓ 2" 60
run2=$(last_run)
rec=$(jq -c 'select(.type == "restore_tested") | .data | [.ok, .overridden, .was_proven, (.file | endswith($f))]' --arg f "$first" "$run2")
if [ "$rec" = '[true,false,true,true]' ]; then ok "run 2: the proven backup $first was restored again"; else notok "run 2: restore_tested: $rec"; fi
if ! grep -q guard_override "$run2"; then ok "run 2: no override"; else notok "run 2: an override was journaled"; fi
T send-keys 1
check "the backups panel shows the last proven restore" shows "last proven restore: $first" 10
T send-keys 2
abort_drill

# 4. A new backup: the newest is unproven.
new="db_backup_$(date -d '+1 hour' +%Y%m%d_%H%M%S).dump"
cp "$LAB_BACKUP_2/$first" "$LAB_BACKUP_2/$new.tmp" && mv "$LAB_BACKUP_2/$new.tmp" "$LAB_BACKUP_2/$new"
chown --reference="$LAB_BACKUP_2/$first" "$LAB_BACKUP_2/$new" 2>/dev/null
st=$("$prog" -c "$cfg" status --json --timeout 10 2>/dev/null | jq -c '.sites[] | select(.name == "datacenter-2") | .backups.proven | [.state, (.last.file | endswith($f))]' --arg f "$first")
if [ "$st" = '["unproven",true]' ]; then ok "status --json: the newest is unproven, the last proven is $first"; else notok "status --json: $st"; fi
out=$("$prog" -c "$cfg" status --timeout 10 2>&1)
if grep -qF "the newest backup $new is unproven" <<<"$out"; then ok "status says the newest backup is unproven"; else notok "status says the newest backup is unproven: $out"; fi
lab start-pg 1 >/dev/null 2>&1
console --drill D2
shows " DRILL " 30
T send-keys 1
check "the backups panel says the newest backup is unproven" shows "datacenter-2: newest <1m, unproven," 20
T send-keys 2
step_to_restore
check "run 3: the unproven newest backup is refused" shows "the newest backup $new was never restored and checked" 20
T send-keys Enter
sleep 2
if [ -z "$(proven_rows "$new")" ]; then ok "run 3: without the override it is not restored"; else notok "run 3: restored without the override"; fi
override_restore "run 3"
rows=$(proven_rows "$new")
if [ -n "$rows" ] && [ "$rows" -gt 0 ]; then ok "run 3: with the override $new is restored and proven ($rows rows)"; else notok "run 3: no proof of $new"; fi
abort_drill
if [ "$(as_pg psql -XAt -h 127.0.0.1 -p "$scratch_port" -U postgres -d postgres -c "select count(*) from pg_database where datname like 'drconsole_restore_test_%'")" = 0 ]; then ok "no scratch database is left on the target"; else notok "a scratch database was left on the target"; fi
for r in "$run1" "$run2" "$(last_run)"; do
	out=$("$prog" -c "$cfg" journal verify "$(basename "$r" .jsonl)" 2>&1)
	if grep -q "chain intact" <<<"$out"; then ok "$(basename "$r") verifies"; else notok "$(basename "$r") verifies: $out"; fi
done
lab start-pg 1 >/dev/null 2>&1
finish
