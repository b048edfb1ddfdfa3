#!/usr/bin/env bash
# A guided recovery run through the console's keys, in a real tmux against a
# lab of its own (port base 26900):
#   1. with the primary alive, the promotion is guarded (primary_fenced fails);
#      at 80x24 the timer and the keys line stay on screen, scrolled or not; a
#      note is said to be journaled; overridden, it is still refused, and
#      nothing is promoted; a wrong word is refused and cleared, Ctrl-U clears
#      the field, and the run aborts;
#   2. 네트워크 장애, the console killed with SIGKILL while a step runs: started
#      again, it offers the unfinished run; resumed, the step done before is not
#      run again, the step caught running is settled by its check once its time
#      is up, and the run ends with the journal intact; meanwhile a second
#      console is refused a run, naming who holds it; a parameter holding
#      '; touch ...; ' reaches the site's command as one literal word;
#   3. 데이터베이스 장애 after the primary's postmaster is killed: the standby is
#      promoted (typed confirmation: a wrong name is refused), the application's
#      service entry is pointed at it (the lab's override), a write through that
#      entry succeeds, the pgbench tables hold the rows counted before the
#      failure, the data lost is measured (0 bytes), the newest backup restores
#      into a scratch database on the new primary, and the journal verifies.
set -uo pipefail
PORT_BASE=26900 SOCK_PREFIX=drr
. "$(cd "$(dirname "$0")" && pwd)/tmux-lib.sh"
# counts N: the row counts of the pgbench tables on site N, one line.
counts() { lab psql "$1" -Atc "select (select count(*) from pgbench_accounts) || ' ' || (select count(*) from pgbench_branches) || ' ' || (select count(*) from pgbench_tellers) || ' ' || (select count(*) from pgbench_history)" 2>/dev/null; }
trap 'T kill-server 2>/dev/null; tmux -L "$sock-b" kill-server 2>/dev/null' EXIT

T new-session -d -x 110 -y 40 "env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color XDG_STATE_HOME=$LAB_DIR/xdg $prog -c $LAB_CONFIG; sleep 60"
check "the console is up with both sites" shows "datacenter-2 standby" 20

# 1. The primary is alive: the promotion must not happen.
T send-keys s
check "s lists the scenarios" shows "2. 데이터베이스 장애" 20
T send-keys 2 Enter Enter
check "the run starts with the runbook first" shows "데이터베이스 장애  0:0" 20
check "the promotion is guarded while the primary is writable" shows "primary_fenced: datacenter-1 answers as a writable primary" 20
# At 80x24 the timer and the keys that apply stay on screen, scrolled or not.
T resize-window -x 80 -y 24
check "80x24, guarded: the keys line offers the override" shows "o: override guard  k: skip  n: note  a: abort" 20
check "80x24, guarded: the timer line is on screen" shows "데이터베이스 장애  0:" 5
check "80x24: the run has the focus, marked in the runbook's title" shows "▶ runbook" 5
check "80x24: the step's title is shown, not its action id" shows "2 Promote the DR standby to primary" 5
check "80x24: the failed guard's evidence is whole, wrapped" shows "answers as a writable primary" 5
T send-keys Down Down Down Down Down Down Down Down
check "80x24: Down scrolls the steps" shows "─ ↑ " 5
check "80x24, scrolled to the end: the last step is in view" shows "4 Verify data integrity and measure the data lost" 5
check "80x24, scrolled to the end: the keys line stays" shows "o: override guard" 5
check "80x24, scrolled to the end: the timer stays" shows "데이터베이스 장애  0:" 5
T send-keys 3
check "80x24, the drill layout's narrower runbook: every key stays whole" shows "a: abort" 10
T send-keys 2
shows "o: override guard  k: skip  n: note  a: abort" 10
T send-keys n
shows "note:" 10
T send-keys "guard seen at 80x24" Enter
check "n: the note is said to be journaled" shows "note journaled" 10
T resize-window -x 110 -y 40
T send-keys o
check "o asks for the guard's name" shows "type primary_fenced to override" 20
T send-keys primary_fenced Enter
check "overridden: the step awaits its confirmation" shows "/3:00  awaiting confirmation" 20
T send-keys Enter
check "the confirmation names the site, host and role" shows "Site: datacenter-2 (DR site), host 127.0.0.1, now standby" 20
T send-keys datacenter-2 Enter
check "the promotion is refused anyway" shows "promotion refused: datacenter-1 answers as a writable primary" 20
sleep 2
if [ "$(lab psql 2 -Atc 'select pg_is_in_recovery()' 2>/dev/null)" = t ]; then ok "datacenter-2 is still a standby"; else notok "datacenter-2 is still a standby"; fi
T send-keys a
check "a asks to type abort" shows "type abort:" 20
T send-keys yesabort Enter
check "a wrong word does not abort" shows "Not aborted: type abort." 10
check "the refused entry is cleared" shows "type abort: _" 5
T send-keys xyz C-u abort Enter
check "Ctrl-U clears the field: abort typed after it aborts" shows "(aborted)" 20
if T capture-pane -p | grep -qF "awaiting confirmation"; then notok "after the abort no step reads awaiting confirmation"; else ok "after the abort no step reads awaiting confirmation"; fi
check "the step the abort left says so" shows "not run (aborted)" 5
end=$((SECONDS + 10))
while [ -e "$LAB_DIR/site2/drconsole-run.lock" ] && [ "$SECONDS" -le "$end" ]; do sleep 0.1; done
if [ ! -e "$LAB_DIR/site2/drconsole-run.lock" ]; then ok "the DR site's run lock is given back"; else notok "the DR site's run lock is given back"; fi

# 2. 네트워크 장애, SIGKILL while update_routing_tables runs (it waits 3 s first), then resume.
sed -i 's/^  slow: "0"/  slow: "3"/' "$LAB_CONFIG"
# A parameter that would break out of a naive command line: it must arrive as one literal argument.
evil="'; touch $LAB_DIR/pwned; '"
sed -i "s|^  note: \"-\"|  note: \"$evil\"|" "$LAB_CONFIG"
renew T -d -x 110 -y 40 "env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color XDG_STATE_HOME=$LAB_DIR/xdg $prog -c $LAB_CONFIG; sleep 60"
shows "datacenter-2 standby" 20
T send-keys s
shows "number or name" 20
T send-keys 3 Enter Enter
check "네트워크 장애 starts" shows "activate_backup_network" 20
# A second console at the same time: it shows the sites, but cannot start a run.
B() { tmux -L "$sock-b" -f /dev/null "$@"; }
B new-session -d -x 110 -y 40 "env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color XDG_STATE_HOME=$LAB_DIR/xdg $prog -c $LAB_CONFIG; sleep 60"
end=$((SECONDS + 10))
until B capture-pane -p | grep -qF "datacenter-2 primary" || [ "$SECONDS" -gt "$end" ]; do sleep 0.2; done
B send-keys Escape s
sleep 0.5
B send-keys 1 Enter Enter
end=$((SECONDS + 5))
until B capture-pane -p | grep -qF "another console runs a recovery" || [ "$SECONDS" -gt "$end" ]; do sleep 0.2; done
if B capture-pane -p | grep -qF "another console runs a recovery against" &&
	B capture-pane -p | grep -qF "operator $(id -un)"; then
	ok "a second console is refused, naming the operator and host holding the run"
else
	notok "a second console is refused, naming the operator and host holding the run"
	B capture-pane -p | sed 's/^/#   /'
fi
B kill-server 2>/dev/null
T send-keys Enter
shows "Enter runs it" 20
T send-keys Enter
check "the backup network is activated" shows "✓ 1 Activate the backup network path" 20
T send-keys Enter
shows "Enter runs it" 20
T send-keys Enter
check "update_routing_tables runs" shows "2 Update the routing tables to use the backup path  0:0" 20
sleep 1
pkill -KILL -P "$(T display-message -p '#{pane_pid}')" -x drconsole
sleep 0.5
renew T -d -x 110 -y 40 "env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color XDG_STATE_HOME=$LAB_DIR/xdg $prog -c $LAB_CONFIG; sleep 60"
check "started again, the console offers the unfinished run" shows "A run of 네트워크 장애 started" 20
T send-keys resume Enter
check "resumed: the step done before stays done" shows "✓ 1 Activate the backup network path" 20
# The command ran on under the site's supervisor while no console watched:
# the site is asked how it ended, then its check decides; it is not run again.
check "the step caught running is settled by the site's answer, then its check" \
	shows "✓ 2 Update the routing tables to use the backup path" 30
routes=$(grep -c "set-network .*/routes backup" "$LAB_DIR/app/actions.log")
if [ "$routes" = 1 ]; then ok "update_routing_tables ran once"; else notok "update_routing_tables ran $routes times"; fi
runs=$(grep -c "set-network .*/network backup" "$LAB_DIR/app/actions.log")
if [ "$runs" = 1 ]; then ok "activate_backup_network ran once"; else notok "activate_backup_network ran $runs times"; fi
if grep -qx backup "$LAB_DIR/app/routes"; then ok "the routes say backup"; else notok "the routes say backup"; fi
if [ ! -e "$LAB_DIR/pwned" ] && grep -qF "network backup $evil" "$LAB_DIR/app/actions.log"; then
	ok "a parameter holding '; touch ...; ' is passed literally"
else
	notok "a parameter holding '; touch ...; ' is passed literally: $(tail -n 3 "$LAB_DIR/app/actions.log")"
fi
check "verify_connectivity: both sites answer, the standby streams; the run finishes" shows "(finished)" 20
check "verify_connectivity is done" shows "✓ 3 Verify connectivity to both sites and between them" 20
out=$("$prog" -c "$LAB_CONFIG" journal verify --last 2>&1)
if grep -q "chain intact" <<<"$out"; then ok "the resumed run's journal verifies"; else notok "the resumed run's journal verifies: $out"; fi
last=$(ls "$LAB_DIR"/state/runs/*.jsonl | sort | tail -n 1)
if grep -q '"type":"step_unknown"' "$last" && grep -q '"type":"run_resumed"' "$last" &&
	grep -q '"type":"step_settled"' "$last"; then
	ok "the journal says the step was unknown, the run resumed, the site settled it"
else
	notok "step_unknown, run_resumed and step_settled journaled"
fi

# 3. The primary's postmaster dies; the database failover, end to end.
lab psql 1 -qc "checkpoint" >/dev/null 2>&1
sleep 2
before=$(counts 1)
lab kill-pg 1 >/dev/null 2>&1
check "the primary shows down" shows "datacenter-1 down" 20
T send-keys s
shows "number or name" 20
T send-keys 2 Enter Enter
check "verify_replication_status passes by itself" shows "✓ 1 Verify that the standby is streaming and caught up" 20
check "the promotion's guards pass (PostgreSQL down at a reachable primary)" shows "✓ primary_fenced: datacenter-1 answers SSH and its PostgreSQL is down" 20
T send-keys Enter
shows "type datacenter-2 to run it" 20
T send-keys datacenter-1 Enter
check "a wrong site name does not confirm" shows "Not confirmed: type exactly datacenter-2." 20
T send-keys datacenter-2 Enter
check "datacenter-2 is promoted" shows "✓ 2 Promote the DR standby to primary" 20
check "the header says datacenter-2 is the primary" shows "datacenter-2 primary" 20
# Two Enters at once (a key held, a paste, keys sent ahead over a slow link): the
# first opens the dialog, the second, typed before it could be seen, answers nothing.
T send-keys Enter Enter
check "the service entry step asks for a key" shows "Enter runs it, Esc cancels" 20
sleep 1
check "an Enter typed ahead of the dialog does not answer it" shows "Enter runs it, Esc cancels" 2
T send-keys Enter
check "the service entry is repointed and checked" shows "✓ 3 Point the application's connection string at the new primary" 20
check "the data lost is measured" shows "data lost: 0 bytes" 20
check "the run finishes (its check: the DR site's newest backup restores on the new primary)" shows "(finished)" 30
check "verify_data_integrity is done" shows "✓ 4 Verify data integrity and measure the data lost" 20
# Quitting right after the run ended: the DR site's lock is given back before the console leaves.
T send-keys q
end=$((SECONDS + 30))
while pgrep -f -- "^$prog -c $LAB_CONFIG" >/dev/null && [ "$SECONDS" -le "$end" ]; do sleep 0.05; done
if pgrep -f -- "^$prog -c $LAB_CONFIG" >/dev/null; then
	notok "q right after the run: the console leaves"
elif [ -e "$LAB_DIR/site2/drconsole-run.lock" ]; then
	notok "q right after the run: the DR site's lock was given back first: $(cat "$LAB_DIR/site2/drconsole-run.lock")"
else
	ok "q right after the run: the DR site's lock was given back before the console left"
fi

service="$LAB_DIR/app/pg_service.conf"
if grep -qx "port=$LAB_PG_PORT_2" "$service"; then ok "the service entry points at datacenter-2"; else notok "the service entry points at datacenter-2: $(cat "$service")"; fi
if PGSERVICEFILE="$service" psql service=erp -qXc "create table after_failover (x int); insert into after_failover values (1)" >/dev/null 2>&1; then
	ok "a write through the service entry succeeds"
else
	notok "a write through the service entry succeeds"
fi
after=$(counts 2)
if [ -n "$before" ] && [ "$before" = "$after" ]; then ok "the pgbench tables match the counts before the failure ($after)"; else notok "pgbench rows: before '$before', after '$after'"; fi
out=$("$prog" -c "$LAB_CONFIG" journal verify --last 2>&1)
if grep -q "chain intact" <<<"$out" && grep -q "last record: run_finished" <<<"$out"; then ok "the journal verifies"; else notok "the journal verifies: $out"; fi
j=$(ls "$LAB_DIR"/state/runs/*.jsonl | sort | tail -n 1)
if grep '"type":"check_result"' "$j" | grep -qE "the backup restored into a scratch database( in [0-9.]+ s)?: 4 tables, [1-9][0-9]* rows counted"; then
	ok "the restore test restored the newest backup (4 tables) and journaled it"
else
	notok "the restore test restored the newest backup (4 tables) and journaled it"
fi

finish
