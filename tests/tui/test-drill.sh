#!/usr/bin/env bash
# A tabletop drill of 랜섬웨어 감염 through the console's keys, in a real tmux
# against a lab of its own (port base 28700): s lists the drills beside the
# scenarios; D2 asks live or tabletop (Esc backs out, starting nothing);
# tabletop starts it with TABLETOP in the header and the runbook; i injects
# an event (journaled, shown in the events); each step shows what would run
# where, and Enter asks what the team would do (journaled as the step's
# note) before it is marked done (tabletop); at the end the hot wash refuses
# a due date that is not a day, then journals went well, went badly and the
# corrective action. Nothing changes on the sites (roles, timelines, no
# DR-site run lock); every record but the seals says "mode":"tabletop"; the
# report shows the inject, the participants and the action with its owner.
set -uo pipefail
PORT_BASE=28700 SOCK_PREFIX=drd
. "$(cd "$(dirname "$0")" && pwd)/tmux-lib.sh"
trap 'T kill-server 2>/dev/null' EXIT
# roles: each site's name and role from status --json, one line.
roles() { "$prog" -c "$LAB_CONFIG" status --json --timeout 5 2>/dev/null | jq -c '[.sites[] | [.name, .role]]'; }
# timelines: each site's checkpoint timeline, one line.
timelines() { echo "$(lab psql 1 -Atc 'SELECT timeline_id FROM pg_control_checkpoint()' 2>/dev/null) $(lab psql 2 -Atc 'SELECT timeline_id FROM pg_control_checkpoint()' 2>/dev/null)"; }
# no_lock: no run lock file on either site.
no_lock() { ! ls "$LAB_DIR"/site*/drconsole-run.lock* >/dev/null 2>&1; }
# first_line: the header's first line.
first_line() { T capture-pane -p | head -n 1; }
# header_says: the header's first line names the tabletop.
header_says() { first_line | grep -qF ' TABLETOP '; }

roles_before=$(roles)
tl_before=$(timelines)
case "$roles_before" in *primary*standby*) ok "before: $roles_before" ;; *) notok "before: the sites' roles are known: $roles_before" ;; esac

T new-session -d -x 110 -y 40 "env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color XDG_STATE_HOME=$LAB_DIR/xdg $prog -c $LAB_CONFIG; sleep 60"
check "the console is up with both sites" shows "datacenter-2 standby" 20
T send-keys s
check "s lists the drills beside the scenarios" shows "D2. 랜섬웨어 감염" 20
check "... and the scenarios" shows "2. 데이터베이스 장애" 5
T send-keys D2 Enter Enter
check "a drill asks live or tabletop" shows "type live or tabletop:" 10
T send-keys Escape
check "Esc backs out to the drill's steps in the picker" shows "a drill: live or tabletop is asked next" 5
T send-keys Escape
check "Esc again: back to the list" shows "D2. 랜섬웨어 감염" 5
T send-keys Escape
sleep 1
# backed_out: the dialog is gone, no drill is named, and no journal was begun.
backed_out() { ! T capture-pane -p | grep -qE "type live or tabletop|TABLETOP|DRILL" && ! ls "$LAB_DIR"/state/runs/*.jsonl >/dev/null 2>&1; }
check "Esc backs out: no run, no journal" backed_out
T send-keys s
shows "D2. 랜섬웨어 감염" 10
T send-keys D2 Enter Enter
shows "type live or tabletop:" 10
T send-keys walk Enter
check "a mode that is neither is refused" shows "Type live or tabletop" 10
T send-keys BSpace BSpace BSpace BSpace tabletop Enter
check "the runbook says TABLETOP" shows "TABLETOP: nothing runs" 20
check "the header says TABLETOP" header_says
check "no DR-site run lock in a tabletop" no_lock

T send-keys i
check "i asks for an event" shows "event:" 10
T send-keys -l "the backup server is encrypted too"
T send-keys Enter
check "the inject is shown in the events" shows "inject: the backup server is encrypted too" 10

# Each step: what would run, and where; Enter asks; the answer marks it done (tabletop).
check "the current step shows what would run, and where" shows "not run: a tabletop" 10
for n in 1 2 3 4; do
	T send-keys Enter
	if ! shows "what would you do (and how long)?" 10; then notok "step $n asks what would you do"; break; fi
	T send-keys -l "answer $n, about $n min"
	T send-keys Enter
	check "step $n is done (tabletop)" shows "✓ $n " 10
done
check "the drill finishes" shows "(finished)" 10
check "the hot wash asks what went well" shows "what went well:" 10
T send-keys -l "isolation was fast"
T send-keys Enter
check "... then what did not" shows "what did not go well:" 10
T send-keys -l "nobody knew which backup was clean"
T send-keys Enter
check "... then one corrective action" shows "what / owner / due (YYYY-MM-DD):" 10
T send-keys -l "mark proven backups / dba-lead / 2026-02-30"
T send-keys Enter
check "a due date that is not a day is refused" shows "'2026-02-30' is not a date" 10
T send-keys -l "mark proven backups / dba-lead / 2026-12-31"
T send-keys Enter
check "the hot wash is journaled" shows "hot wash journaled: mark proven backups (dba-lead, due 2026-12-31)" 10
T send-keys q
sleep 2

# Nothing changed on the sites.
roles_after=$(roles)
tl_after=$(timelines)
if [ "$roles_after" = "$roles_before" ]; then ok "the roles are as before"; else notok "the roles changed: $roles_before -> $roles_after"; fi
if [ -n "${tl_before// /}" ] && [ "$tl_after" = "$tl_before" ]; then ok "the timelines are as before ($tl_after)"; else notok "the timelines changed: $tl_before -> $tl_after"; fi
check "no DR-site run lock after the drill" no_lock

last=$(ls "$LAB_DIR"/state/runs/*.jsonl | sort | tail -n 1)
bad=$(jq -c 'select(.type != "run_sealed" and .data.mode != "tabletop") | .type' "$last")
if [ -n "$last" ] && [ -z "$bad" ]; then ok "every record (but the seals) says mode tabletop"; else notok "records without mode tabletop: $bad"; fi
if [ "$(jq -r 'select(.type == "run_started") | .data.drill' "$last")" = "랜섬웨어 감염" ]; then ok "run_started names the drill"; else notok "run_started names the drill"; fi
if [ "$(jq -r 'select(.type == "inject") | .data.text' "$last")" = "the backup server is encrypted too" ]; then ok "the inject is journaled"; else notok "the inject is journaled"; fi
notes=$(jq -r 'select(.type == "note") | .data.text' "$last" | grep -c "^answer [1-4], about")
if [ "$notes" = 4 ]; then ok "each step's answer is journaled as a note"; else notok "each step's answer is journaled as a note ($notes)"; fi
if [ "$(jq -r 'select(.type == "step_finished") | .data.detail // .data.result' "$last" | grep -c tabletop)" = 4 ]; then ok "each step is done (tabletop)"; else notok "each step is done (tabletop): $(jq -c 'select(.type == "step_finished") | .data' "$last")"; fi
wash=$(jq -c 'select(.type == "hotwash") | .data | [.went_well, .went_badly, .actions]' "$last")
if [ "$wash" = '[["isolation was fast"],["nobody knew which backup was clean"],[{"what":"mark proven backups","owner":"dba-lead","due":"2026-12-31"}]]' ]; then ok "the hot wash is journaled"; else notok "the hot wash is journaled: $wash"; fi
if [ "$(jq -r '.type' "$last" | tail -n 1)" = run_sealed ]; then ok "the journal ends sealed"; else notok "the journal ends sealed"; fi
out=$("$prog" -c "$LAB_CONFIG" journal verify --last 2>&1)
if grep -q "chain intact" <<<"$out"; then ok "the journal verifies"; else notok "the journal verifies: $out"; fi

rep=$("$prog" -c "$LAB_CONFIG" report --last 2>&1)
for want in "the backup server is encrypted too" "DBA팀" "시스템 운영팀" "mark proven backups" "dba-lead" "2026-12-31" "tabletop"; do
	if grep -qF -- "$want" <<<"$rep"; then ok "the report shows $want"; else notok "the report shows $want"; fi
done
[ "$fail" -eq 0 ] || echo "$rep" | sed 's/^/#   /' | head -n 80
finish
