#!/usr/bin/env bash
# The benchmarks proper, run by run.sh inside a lab (lab.env exported).
set -uo pipefail
build=$1
rounds=$2
prog="$build/drconsole"
lab() { "$LAB_SCRIPT" --dir "$LAB_DIR" --port-base "$LAB_PORT_BASE" "$@" >/dev/null 2>&1; }

echo "== killed postmaster -> agent snapshot (goal: under 1 s)"
"$build/tests/bench/bench_detect" "$rounds"

echo "== drconsole status --timeout 3, site 2 frozen (goal: under 4 s)"
lab freeze 2
times=()
for i in $(seq "$rounds"); do
	t0=$(date +%s%N)
	"$prog" status -c "$LAB_CONFIG" --timeout 3 >/dev/null 2>&1
	t1=$(date +%s%N)
	times+=($(((t1 - t0) / 1000000)))
done
lab thaw 2
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
echo "status wall time (ms), $rounds runs: min $(echo "$sorted" | head -n 1), median $(echo "$sorted" | sed -n "$(((rounds + 1) / 2))p"), max $(echo "$sorted" | tail -n 1)"

echo "== the first probe cycle per site: exec channels opened (the probe loop's start, checks of new backups) and query round trips"
"$prog" status -c "$LAB_CONFIG" --json 2>/dev/null |
	jq -r '.sites[] | "\(.name): \(.probe.execs_last_cycle // "?") exec(s), \(.probe.queries_last_cycle // "?") query round trip(s)"'

echo "== counted by the servers over 20 s (goal: no exec per cycle once the probe loop runs, one statement per cycle)"
for n in 1 2; do
	lab psql "$n" -c "alter system set log_statement = 'all'" -c "alter system set log_line_prefix = '%a '" -c "select pg_reload_conf()"
done
sleep 1
marks=()
for n in 1 2; do
	marks+=("$(wc -l <"$LAB_DIR/site$n/log/sshd.log")" "$(wc -l <"$LAB_DIR/site$n/log/postgres.log")")
done
out=$("$build/tests/bench/bench_cycles" 20)
i=0
while read -r name rounds execs queries; do
	n=$((i + 1))
	sessions=$(tail -n +"$((marks[i * 2] + 1))" "$LAB_DIR/site$n/log/sshd.log" | grep -c 'Starting session: command')
	statements=$(tail -n +"$((marks[i * 2 + 1] + 1))" "$LAB_DIR/site$n/log/postgres.log" | grep -c '^drconsole LOG:  statement:')
	echo "$name: $rounds rounds; sshd saw $sessions exec sessions, PostgreSQL $statements statements from drconsole: $(awk -v s="$sessions" -v q="$statements" -v r="$rounds" 'BEGIN { printf "%.2f execs and %.2f queries per cycle", s / r, q / r }')"
	i=$((i + 1))
done <<<"$out"
