# The runs the goldens show (tests/tui/test-golden.sh, tests/tui/test-view-run.sh),
# journaled by the project's own writer (tests/journal_plant) at times counted
# back from a capture's time, so that the timers and ages on screen are exact:
#   guarded   데이터베이스 장애, promote_standby guarded: primary_fenced failed, long evidence
#   failed    its update_connection_string failed with a long cause
#   finished  every step done, 0 bytes of data lost
#   awaiting  promote_standby awaiting its typed confirmation
# runs_plant STATE_DIR CAPTURE NAME: plants run NAME in STATE_DIR/runs; prints its journal.
# shellcheck shell=bash

runs_started='{"scenario":"데이터베이스 장애","steps":4,"estimated_ms":900000,"operator":"kim","host":"jump-1"}'
runs_step1=(step_started '{"step":1,"action":"verify_replication_status"}'
	step_finished '{"step":1,"action":"verify_replication_status","result":"done","detail":"datacenter-2 streams from datacenter-1, 0 bytes behind"}')
runs_guard='{"step":2,"action":"promote_standby","why":"primary_fenced: datacenter-1 unreachable: ssh to 127.0.0.1 port 26401 has not answered for 3 min 30 s (connect timed out after 3 s at every probe); nothing shows that its PostgreSQL stopped accepting writes: attest that it is down and stays down, or fence it first"}'
runs_promoted=(step_confirmed '{"step":2,"action":"promote_standby","how":"typed"}'
	step_started '{"step":2,"action":"promote_standby"}'
	step_finished '{"step":2,"action":"promote_standby","result":"done","detail":"datacenter-2 promoted: primary on timeline 2 from 0/5000060"}')
runs_cause='exit status 2 on datacenter-2: sed: cannot rename /etc/erp/app.env: Read-only file system; the connection string there still names datacenter-1 (10.20.0.11:5432), so the application keeps connecting to the old primary: remount /etc/erp read-write or edit app.env by hand, then r retries'

# runs_at CAPTURE SECONDS: prints the time SECONDS before the capture's last time, RFC 3339.
runs_at() {
	local t
	t=$(grep -o '"time": "[^"]*"' "$1" | tail -n 1 | cut -d'"' -f4)
	date -u -d "@$(($(date -u -d "$t" +%s) - $2))" +%Y-%m-%dT%H:%M:%SZ
}

# runs_plant STATE_DIR CAPTURE NAME: plants the run NAME; prints its journal's path.
runs_plant() {
	local dir=$1 cap=$2 name=$3 id plant="${TOP_BUILDDIR:-.}/tests/journal_plant"
	a() { runs_at "$cap" "$1"; }
	case $name in
	guarded)
		id=$("$plant" "$dir" "$(a 250)" "$(a 250)" open "$runs_started" \
			"$(a 245)" "${runs_step1[0]}" "${runs_step1[1]}" \
			"$(a 212)" "${runs_step1[2]}" "${runs_step1[3]}" \
			"$(a 211)" step_guarded "$runs_guard") ;;
	failed)
		id=$("$plant" "$dir" "$(a 610)" "$(a 610)" open "$runs_started" \
			"$(a 605)" "${runs_step1[0]}" "${runs_step1[1]}" \
			"$(a 570)" "${runs_step1[2]}" "${runs_step1[3]}" \
			"$(a 569)" step_guarded "$runs_guard" \
			"$(a 420)" guard_override '{"step":2,"action":"promote_standby","guard":"primary_fenced","reason":"datacenter-1 powered off by the data centre"}' \
			"$(a 400)" "${runs_promoted[0]}" "${runs_promoted[1]}" \
			"$(a 399)" "${runs_promoted[2]}" "${runs_promoted[3]}" \
			"$(a 380)" "${runs_promoted[4]}" "${runs_promoted[5]}" \
			"$(a 300)" step_confirmed '{"step":3,"action":"update_connection_string","how":"key"}' \
			"$(a 299)" step_started '{"step":3,"action":"update_connection_string"}' \
			"$(a 240)" step_finished "{\"step\":3,\"action\":\"update_connection_string\",\"result\":\"failed\",\"why\":\"$runs_cause\"}") ;;
	finished)
		id=$("$plant" "$dir" "$(a 900)" "$(a 60)" done "$runs_started" \
			"$(a 895)" "${runs_step1[0]}" "${runs_step1[1]}" \
			"$(a 860)" "${runs_step1[2]}" "${runs_step1[3]}" \
			"$(a 700)" "${runs_promoted[0]}" "${runs_promoted[1]}" \
			"$(a 699)" "${runs_promoted[2]}" "${runs_promoted[3]}" \
			"$(a 680)" "${runs_promoted[4]}" "${runs_promoted[5]}" \
			"$(a 600)" step_confirmed '{"step":3,"action":"update_connection_string","how":"key"}' \
			"$(a 599)" step_started '{"step":3,"action":"update_connection_string"}' \
			"$(a 330)" step_finished '{"step":3,"action":"update_connection_string","result":"done"}' \
			"$(a 329)" step_started '{"step":4,"action":"verify_data_integrity"}' \
			"$(a 61)" step_finished '{"step":4,"action":"verify_data_integrity","result":"done","detail":"data lost: 0 bytes, 0s of writes (the old primary was last seen at 0/5000060, the new one started from 0/5000060)"}') ;;
	awaiting)
		id=$("$plant" "$dir" "$(a 130)" "$(a 130)" open "$runs_started" \
			"$(a 125)" "${runs_step1[0]}" "${runs_step1[1]}" \
			"$(a 90)" "${runs_step1[2]}" "${runs_step1[3]}") ;;
	*) return 1 ;;
	esac
	[ -n "$id" ] && echo "$dir/runs/$id.jsonl"
}
