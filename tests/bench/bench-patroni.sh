#!/usr/bin/env bash
# Automatic failover by Patroni, measured on this machine, as the reference
# figure for drconsole's own watcher. Run by hand as root; it is not part of
# run.sh's default set because it needs system packages:
#   apt-get install -y patroni etcd-server postgresql-15 python3-psycopg2
# Written against Debian 12's patroni 3.0.2-1, etcd-server 3.4.23-4+b4,
# postgresql-15 15.18-0+deb12u1, python3-psycopg2 2.9.5-1+b1 (dpkg -l).
#
# The lab: one etcd and two Patroni nodes (node1, node2) on 127.0.0.1, in a
# scratch folder under ${TMPDIR:-/tmp}; Patroni and PostgreSQL run as the
# postgres account. Ports from --port-base B (default 28400): etcd B and B+1,
# Patroni REST B+8 and B+9, PostgreSQL B+32 and B+33.
#
# Each round starts from a healthy cluster (a writable leader and a replica
# streaming from it on the same timeline), waits a random part of loop_wait
# so that the fault lands anywhere in Patroni's loop, then:
#   kill    kill -9 of the leader's Patroni and of its postmaster at once;
#   freeze  SIGSTOP of the leader's Patroni, postmaster and every postgres
#           child; --thaw-after seconds after the new primary's first
#           acknowledged INSERT they all get SIGCONT and both nodes are
#           watched for --observe seconds more.
# The figure is the time from the fault to the first INSERT acknowledged by
# the other node. After a freeze round it also says whether both nodes
# acknowledged INSERTs within one second of each other after the thaw (two
# writable primaries), and, once the cluster is healthy again, how many of
# the round's acknowledged INSERTs the leader no longer has ("lost").
# Between rounds the old leader is brought back as a replica: its Patroni
# is restarted (pg_rewind), else "patronictl reinit", else a fresh data dir.
#
# The probe is bench-patroni-probe.py (Python 3 and psycopg2, which Patroni
# needs anyway): every 100 ms it opens a fresh connection to each node in
# libpq's asynchronous mode with a 1 s deadline, so a frozen server cannot
# stall it, runs SELECT pg_is_in_recovery() and, on a primary, an INSERT. It
# sends the fault signals itself so that the fault and the replies are timed
# on one monotonic clock.
#
# Usage: tests/bench/bench-patroni.sh [--mode kill|freeze|both]
#          [--settings default|tuned] [--port-base B] [--thaw-after S]
#          [--observe S] [--logs DIR] [ROUNDS]
#   ROUNDS        rounds per mode (default 5)
#   --mode        default both: the kill rounds, then the freeze rounds
#   --settings    default: ttl 30, loop_wait 10, retry_timeout 10 (Patroni's
#                 defaults); tuned: ttl 10, loop_wait 2, retry_timeout 3
#   --thaw-after  default 5 s; --observe default 40 s
#   --logs DIR    copy the etcd, Patroni and PostgreSQL logs to DIR at the end
# Everything it started is stopped on exit, Ctrl-C or error, and the scratch
# folder removed.
#
# Example output (default settings, a kill round, a freeze round, a summary):
#   22:42:44 kill round 3: leader node1 -> node2 in 22.70 s (baseline ok, lost_node1=0/15 lost_node2=0/21)
#   22:48:32 freeze round 3: leader node1 -> node2 in 26.70 s (baseline ok, 10 processes stopped)
#   22:48:32   SIGCONT at +31.74 s; after it: node1 acked 398 (+0.10-39.98 s), node2 acked 1; two writable
#              primaries: yes (+0.10-1.05 s); end node1:ack,node2:replica; leader now node1; lost_node1=0/413 lost_node2=52/52
#   22:51:14 freeze default: n=5 min=26.70 median=29.96 max=31.60 seconds; all: 29.96 30.66 26.70 29.50 31.60
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
probe="$here/bench-patroni-probe.py"
pgbin=/usr/lib/postgresql/15/bin
py=/usr/bin/python3 # the python3 that Patroni and python3-psycopg2 are installed for
scope=bench

rounds=5 mode=both settings=default base=28400 thaw_after=5 observe=40 logs=
while [ $# -gt 0 ]; do
	case $1 in
	--mode) mode=$2 && shift ;;
	--settings) settings=$2 && shift ;;
	--port-base) base=$2 && shift ;;
	--thaw-after) thaw_after=$2 && shift ;;
	--observe) observe=$2 && shift ;;
	--logs) logs=$2 && shift ;;
	-h | --help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//' && exit 0 ;;
	[0-9]*) rounds=$1 ;;
	*) echo "unknown argument: $1 (see --help)" && exit 2 ;;
	esac
	shift
done
case $mode in kill | freeze | both) ;; *) echo "--mode is kill, freeze or both" && exit 2 ;; esac
case $settings in
default) ttl=30 loop_wait=10 retry_timeout=10 ;;
tuned) ttl=10 loop_wait=2 retry_timeout=3 ;;
*) echo "--settings is default or tuned" && exit 2 ;;
esac
if ! [[ $base =~ ^[0-9]+$ ]] || [ "$base" -lt 28000 ] || [ "$base" -gt 28900 ]; then
	echo "--port-base is between 28000 and 28900" && exit 2
fi

# --- what must be there
missing=
command -v patroni >/dev/null && command -v patronictl >/dev/null || missing+=" patroni"
command -v etcd >/dev/null || missing+=" etcd-server"
[ -x "$pgbin/postgres" ] && [ -x "$pgbin/initdb" ] && [ -x "$pgbin/pg_rewind" ] || missing+=" postgresql-15"
"$py" -c 'import psycopg2' 2>/dev/null || missing+=" python3-psycopg2"
if [ -n "$missing" ]; then
	echo "missing:$missing -- as root: apt-get install -y$missing"
	exit 2
fi
[ "$(id -u)" = 0 ] || { echo "run as root (PostgreSQL and Patroni are started as the postgres account)"; exit 2; }
id postgres >/dev/null 2>&1 || { echo "no postgres account (the postgresql-15 package creates it)"; exit 2; }

etcd_client=$base etcd_peer=$((base + 1))
declare -A rest=([node1]=$((base + 8)) [node2]=$((base + 9)))
declare -A pgport=([node1]=$((base + 32)) [node2]=$((base + 33)))
for p in "$etcd_client" "$etcd_peer" "${rest[@]}" "${pgport[@]}"; do
	if ss -Hltn "sport = :$p" | grep -q .; then
		echo "port $p is in use; choose another --port-base"
		exit 2
	fi
done
nodes="node1:${rest[node1]}:${pgport[node1]},node2:${rest[node2]}:${pgport[node2]}"

say() { printf '%s %s\n' "$(date +%T)" "$*"; }

# --- the scratch folder and cleanup
scratch=$(mktemp -d "${TMPDIR:-/tmp}/bench-patroni.XXXXXX") || exit 1
chmod 755 "$scratch"

# ours [SUBFOLDER]: pids of the processes whose working folder is in the
# scratch folder (etcd, Patroni, every postgres process: they all chdir
# there), or in its SUBFOLDER.
ours() {
	local d cwd top=$scratch${1:+/$1}
	for d in /proc/[0-9]*; do
		cwd=$(readlink "$d/cwd" 2>/dev/null) || continue
		case $cwd in "$top" | "$top"/*) echo "${d#/proc/}" ;; esac
	done
}

# patroni_pid NODE / postmaster_pid NODE: the live pid, or nothing.
patroni_pid() {
	pgrep -of -- "patroni $scratch/$1\.yml"
}
postmaster_pid() {
	local pid
	pid=$(head -n 1 "$scratch/$1/data/postmaster.pid" 2>/dev/null) || return 0
	[ -n "$pid" ] && tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF "$scratch/$1/data" && echo "$pid"
	return 0
}

cleaned=
# shellcheck disable=SC2086 # pid lists are split on purpose
cleanup() {
	[ -n "$cleaned" ] && return
	cleaned=1
	trap '' INT TERM
	local pids n i
	pids=$(ours)
	# thaw whatever a freeze round left stopped, then stop Patroni first so
	# that it restarts nothing, then PostgreSQL (fast shutdown), then etcd.
	[ -n "$pids" ] && kill -CONT $pids 2>/dev/null
	for n in node1 node2; do
		pids=$(patroni_pid $n)
		[ -n "$pids" ] && kill -KILL $pids 2>/dev/null
	done
	for n in node1 node2; do
		pids=$(postmaster_pid $n)
		[ -n "$pids" ] && kill -INT $pids 2>/dev/null
	done
	for i in $(seq 50); do
		pids="$(ours node1) $(ours node2)"
		[ -z "${pids// /}" ] && break
		[ "$i" = 40 ] && kill -KILL $pids 2>/dev/null
		sleep 0.2
	done
	pids=$(ours)
	[ -n "$pids" ] && kill -TERM $pids 2>/dev/null
	for i in $(seq 25); do
		pids=$(ours)
		[ -z "$pids" ] && break
		[ "$i" = 20 ] && kill -KILL $pids 2>/dev/null
		sleep 0.2
	done
	[ -n "$(ours)" ] && echo "could not stop: $(ours)"
	if [ -n "$logs" ]; then
		mkdir -p "$logs" && for n in node1 node2; do
			cp "$scratch/$n/patroni.log" "$logs/$n-patroni.log" 2>/dev/null
			cp -r "$scratch/$n/data/log" "$logs/$n-postgresql" 2>/dev/null
		done
		cp "$scratch/etcd.log" "$logs/" 2>/dev/null
	fi
	rm -rf "$scratch"
}
trap cleanup EXIT
trap 'echo interrupted; exit 130' INT TERM

fail() {
	local n
	echo "FAILED: $*"
	for n in node1 node2; do
		echo "--- $n patroni.log (tail)"
		tail -n 15 "$scratch/$n/patroni.log" 2>/dev/null
	done
	exit 1
}

# --- the lab
if ! setpriv --reuid=postgres --regid=postgres --init-groups test -x "$scratch"; then
	echo "the postgres account cannot reach $scratch; set TMPDIR to a folder it can"
	exit 2
fi
install -d -o postgres -g postgres -m 700 "$scratch/node1" "$scratch/node2" "$scratch/sock"
install -d -m 700 "$scratch/etcd"

for n in node1 node2; do
	cat >"$scratch/$n.yml" <<-EOF
		scope: $scope
		namespace: /bench-patroni/
		name: $n
		log:
		  level: INFO
		restapi:
		  listen: 127.0.0.1:${rest[$n]}
		  connect_address: 127.0.0.1:${rest[$n]}
		etcd3:
		  hosts: 127.0.0.1:$etcd_client
		bootstrap:
		  dcs:
		    ttl: $ttl
		    loop_wait: $loop_wait
		    retry_timeout: $retry_timeout
		    maximum_lag_on_failover: 1048576
		    postgresql:
		      use_pg_rewind: true
		      use_slots: true
		      parameters:
		        wal_level: replica
		        hot_standby: 'on'
		        wal_log_hints: 'on'
		        max_wal_senders: 5
		        max_replication_slots: 5
		  initdb:
		    - encoding: UTF8
		    - locale: C.UTF-8
		postgresql:
		  listen: 127.0.0.1:${pgport[$n]}
		  connect_address: 127.0.0.1:${pgport[$n]}
		  data_dir: $scratch/$n/data
		  bin_dir: $pgbin
		  pgpass: $scratch/$n/pgpass
		  authentication:
		    superuser:
		      username: postgres
		    replication:
		      username: postgres
		    rewind:
		      username: postgres
		  parameters:
		    unix_socket_directories: $scratch/sock
		    shared_buffers: 32MB
		    logging_collector: 'on'
		  pg_hba:
		    - local all all trust
		    - host all all 127.0.0.1/32 trust
		    - host replication all 127.0.0.1/32 trust
	EOF
	chmod 644 "$scratch/$n.yml"
done

(cd "$scratch/etcd" && exec setsid etcd --name bench --data-dir "$scratch/etcd/data" \
	--listen-client-urls "http://127.0.0.1:$etcd_client" --advertise-client-urls "http://127.0.0.1:$etcd_client" \
	--listen-peer-urls "http://127.0.0.1:$etcd_peer" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer" \
	--initial-cluster "bench=http://127.0.0.1:$etcd_peer" --initial-cluster-state new \
	>"$scratch/etcd.log" 2>&1 </dev/null) &
disown
for i in $(seq 100); do
	"$py" -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$etcd_client/health', timeout=1)" 2>/dev/null && break
	[ "$i" = 100 ] && { tail -n 5 "$scratch/etcd.log"; fail "etcd did not start"; }
	sleep 0.2
done

# start_node NODE: starts its Patroni as postgres, once no process of an
# earlier postmaster of that node is left.
start_node() {
	local n=$1 i
	for i in $(seq 50); do
		[ -z "$(ours "$n/data")" ] && break
		sleep 0.2
	done
	(cd "$scratch/$n" && exec setsid setpriv --reuid=postgres --regid=postgres --init-groups \
		env -i HOME="$scratch/$n" PATH=/usr/bin:/bin LANG=C.UTF-8 PYTHONUNBUFFERED=1 \
		patroni "$scratch/$n.yml" >>"$scratch/$n/patroni.log" 2>&1 </dev/null) &
	disown # found by its command line, and stopped by cleanup
}

# wait_healthy SECONDS: sets leader, replica and timeline.
leader='' replica='' timeline='' why=''
wait_healthy() {
	local end=$((SECONDS + $1)) out
	while [ "$SECONDS" -lt "$end" ]; do
		if out=$("$py" "$probe" health "$nodes" 2>&1); then
			read -r leader replica timeline <<<"$out"
			return 0
		fi
		why=$out
		sleep 1
	done
	return 1
}

say "lab in $scratch, settings $settings (ttl $ttl, loop_wait $loop_wait, retry_timeout $retry_timeout)"
start_node node1
sleep 3 # node1 bootstraps the cluster; node2 then clones it
start_node node2
wait_healthy 180 || fail "no healthy cluster: $why"
say "healthy: leader $leader, replica $replica, timeline $timeline"

# restore OLD: brings OLD back as a streaming replica (or leader) of a
# healthy cluster.
restore() {
	local old=$1
	[ -n "$(patroni_pid "$old")" ] || start_node "$old"
	wait_healthy 120 && return 0
	say "  $old did not rejoin ($why); patronictl reinit"
	patronictl -c "$scratch/$old.yml" reinit "$scope" "$old" --force >/dev/null 2>&1
	wait_healthy 180 && return 0
	say "  $old still not a replica ($why); new data dir"
	kill -KILL "$(patroni_pid "$old")" 2>/dev/null
	local pm
	pm=$(postmaster_pid "$old")
	[ -n "$pm" ] && kill -KILL "$pm"
	sleep 1
	rm -rf "${scratch:?}/$old/data"
	start_node "$old"
	wait_healthy 240 || fail "cluster not healthy again: $why"
}

# run_mode MODE: ROUNDS rounds, then the summary line.
run_mode() {
	local m=$1 r old new pp pm id out k v delay lost
	local -A res
	: >"$scratch/figures.$m"
	for r in $(seq "$rounds"); do
		wait_healthy 60 || fail "not healthy before round $r: $why"
		old=$leader new=$replica
		delay=$("$py" -c "import random; print(round(random.uniform(0, $loop_wait), 2))")
		sleep "$delay"
		pp=$(patroni_pid "$old") pm=$(postmaster_pid "$old")
		{ [ -n "$pp" ] && [ -n "$pm" ]; } || fail "no Patroni or postmaster pid for $old"
		id="$m-$r-$(date +%s)"
		out=$("$py" "$probe" round "$nodes" --old "$old" --mode "$m" --patroni "$pp" --postmaster "$pm" \
			--round-id "$id" --acked "$scratch/acked.json" --thaw-after "$thaw_after" --observe "$observe")
		case $? in 0) ;; 130) exit 130 ;; *) fail "probe failed: $out" ;; esac
		res=()
		while IFS='=' read -r k v; do res[$k]=$v; done <<<"$out"
		restore "$old"
		lost=$("$py" "$probe" lost "$nodes" --leader "$leader" --round-id "$id" --acked "$scratch/acked.json" |
			tr '\n' ' ')
		if [ "$m" = kill ]; then
			say "kill round $r: leader $old -> $new in ${res[seconds]} s (baseline ${res[baseline]}, ${lost% })"
		else
			say "freeze round $r: leader $old -> $new in ${res[seconds]} s (baseline ${res[baseline]}, ${res[frozen_processes]} processes stopped)"
			say "  SIGCONT at +${res[thawed_at]} s; after it: $old acked ${res[old_acks_after_thaw]}${res[old_writable_window]:+ (+${res[old_writable_window]} s)}, $new acked ${res[new_acks_after_thaw]}; two writable primaries: ${res[two_primaries]}${res[two_primaries_window]:+ (+${res[two_primaries_window]} s)}; end ${res[end_state]}; leader now $leader; ${lost% }"
		fi
		[ "${res[seconds]}" != none ] && echo "${res[seconds]}" >>"$scratch/figures.$m"
	done
	say "$m $settings: $("$py" "$probe" summary <"$scratch/figures.$m") seconds; all: $(paste -sd ' ' "$scratch/figures.$m")"
}

case $mode in
kill | freeze) run_mode "$mode" ;;
both) run_mode kill && run_mode freeze ;;
esac
