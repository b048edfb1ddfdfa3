#!/usr/bin/python3
"""Probe and cluster checks for bench-patroni.sh (see that script's header).

Subcommands (NODES is "name:restport:pgport,name:restport:pgport"):
  health NODES
      exit 0 and print "LEADER REPLICA TIMELINE" when one node is a writable
      Patroni leader and the other a Patroni replica on the same timeline
      whose WAL receiver is streaming; otherwise exit 1 and print why.
  round NODES --old NAME --mode kill|freeze --patroni PID --postmaster PID
        --round-id ID --acked FILE [--thaw-after S] [--observe S] [--deadline S]
      probes both nodes, injects the fault itself (so the fault and the probe
      share one monotonic clock), and prints KEY=VALUE lines.
  lost NODES --leader NAME --round-id ID --acked FILE
      prints how many INSERTs acknowledged during the round are missing on
      the leader.
  summary
      reads one number per line and prints "n=.. min=.. median=.. max=..".

The probe: every 100 ms each node gets a fresh connection (libpq in
asynchronous mode, so a frozen server cannot hold the prober past its 1 s
deadline), runs SELECT pg_is_in_recovery() and, when that is false, an
INSERT into bench_probe (autocommit). A probe counts as "ack" only when the
INSERT's reply arrived within the deadline.
"""
import json
import os
import select
import signal
import statistics
import sys
import threading
import time
import urllib.request

import psycopg2
import psycopg2.extensions as pgext

INTERVAL = 0.1
DEADLINE = 1.0


def parse_nodes(spec):
    nodes = {}
    for item in spec.split(','):
        name, rest, pg = item.split(':')
        nodes[name] = (int(rest), int(pg))
    return nodes


def sql(port, query, args=None, timeout=3):
    conn = psycopg2.connect(host='127.0.0.1', port=port, user='postgres', dbname='postgres',
                            connect_timeout=timeout, application_name='bench-patroni')
    conn.autocommit = True
    try:
        cur = conn.cursor()
        cur.execute(query, args)
        return cur.fetchall() if cur.description else None
    finally:
        conn.close()


def rest_members(nodes):
    for name, (rest, _) in nodes.items():
        try:
            with urllib.request.urlopen('http://127.0.0.1:%d/cluster' % rest, timeout=1.5) as r:
                body = json.loads(r.read())
            return {m['name']: m for m in body.get('members', [])}
        except Exception:
            continue
    return None


def cmd_health(args):
    nodes = parse_nodes(args[0])
    members = rest_members(nodes)
    if not members:
        print('no Patroni REST API answered')
        return 1
    leaders = [n for n, m in members.items() if m.get('role') == 'leader' and m.get('state') == 'running']
    replicas = [n for n, m in members.items() if m.get('role') == 'replica' and m.get('state') in ('running', 'streaming')]
    if len(leaders) != 1 or len(replicas) != 1 or set(members) != set(nodes):
        print('members: ' + ', '.join('%s %s/%s' % (n, m.get('role'), m.get('state')) for n, m in sorted(members.items())))
        return 1
    leader, replica = leaders[0], replicas[0]
    tl = members[leader].get('timeline')
    if members[replica].get('timeline') != tl:
        print('replica %s on timeline %s, leader on %s' % (replica, members[replica].get('timeline'), tl))
        return 1
    try:
        if sql(nodes[leader][1], 'SELECT pg_is_in_recovery()')[0][0]:
            print('leader %s is in recovery' % leader)
            return 1
        rows = sql(nodes[replica][1], 'SELECT status FROM pg_stat_wal_receiver')
        if not rows or rows[0][0] != 'streaming':
            print('replica %s WAL receiver: %s' % (replica, rows[0][0] if rows else 'none'))
            return 1
        sql(nodes[leader][1], 'CREATE TABLE IF NOT EXISTS bench_probe (round text, node text, seq int, '
            'at timestamptz DEFAULT clock_timestamp())')
    except psycopg2.Error as e:
        print('sql: %s' % str(e).strip().splitlines()[0])
        return 1
    print(leader, replica, tl)
    return 0


class Expired(Exception):
    pass


def wait_ready(conn, deadline):
    while True:
        state = conn.poll()
        if state == pgext.POLL_OK:
            return
        left = deadline - time.monotonic()
        if left <= 0:
            raise Expired()
        if state == pgext.POLL_READ:
            select.select([conn.fileno()], [], [], left)
        elif state == pgext.POLL_WRITE:
            select.select([], [conn.fileno()], [], left)


class Prober(threading.Thread):
    """Probes one node until stopped; keeps (end time, outcome, seq) per probe."""

    def __init__(self, name, port, round_id):
        super().__init__(daemon=True)
        self.name, self.port, self.round_id = name, port, round_id
        self.log = []
        self.seq = 0
        self.halt = threading.Event()

    def once(self):
        deadline = time.monotonic() + DEADLINE
        conn = None
        try:
            conn = psycopg2.connect(host='127.0.0.1', port=self.port, user='postgres', dbname='postgres',
                                    application_name='bench-patroni-probe', async_=1)
            wait_ready(conn, deadline)
            cur = conn.cursor()
            cur.execute('SELECT pg_is_in_recovery()')
            wait_ready(conn, deadline)
            if cur.fetchone()[0]:
                return 'replica', None
            self.seq += 1
            cur.execute('INSERT INTO bench_probe (round, node, seq) VALUES (%s, %s, %s)',
                        (self.round_id, self.name, self.seq))
            wait_ready(conn, deadline)
            return 'ack', self.seq
        except Expired:
            return 'timeout', None
        except psycopg2.Error as e:
            text = str(e).lower()
            if 'read-only' in text or 'recovery' in text:
                return 'replica', None
            return 'error', None
        finally:
            if conn is not None:
                conn.close()

    def run(self):
        while not self.halt.is_set():
            started = time.monotonic()
            outcome, seq = self.once()
            self.log.append((time.monotonic(), outcome, seq))
            pause = started + INTERVAL - time.monotonic()
            if pause > 0:
                self.halt.wait(pause)

    def acks(self, after=float('-inf')):
        return [t for t, outcome, _ in list(self.log) if outcome == 'ack' and t > after]

    def last(self):
        return self.log[-1][1] if self.log else 'none'


def children_of(pid):
    out = []
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open('/proc/%s/stat' % entry) as f:
                fields = f.read().rsplit(')', 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(entry))
    return out


def signal_all(pids, sig):
    for pid in pids:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass


def cmd_round(args):
    import argparse
    ap = argparse.ArgumentParser(prog='round')
    ap.add_argument('nodes')
    ap.add_argument('--old', required=True)
    ap.add_argument('--mode', choices=('kill', 'freeze'), required=True)
    ap.add_argument('--patroni', type=int, required=True)
    ap.add_argument('--postmaster', type=int, required=True)
    ap.add_argument('--round-id', required=True)
    ap.add_argument('--acked', required=True)
    ap.add_argument('--thaw-after', type=float, default=5.0)
    ap.add_argument('--observe', type=float, default=40.0)
    ap.add_argument('--deadline', type=float, default=300.0)
    a = ap.parse_args(args)
    nodes = parse_nodes(a.nodes)
    new = [n for n in nodes if n != a.old][0]
    probers = {n: Prober(n, nodes[n][1], a.round_id) for n in nodes}
    for p in probers.values():
        p.start()
    stopped = []

    def finish(code):
        for p in probers.values():
            p.halt.set()
        for p in probers.values():
            p.join(3)
        with open(a.acked, 'w') as f:
            json.dump({n: [s for _, o, s in p.log if o == 'ack'] for n, p in probers.items()}, f)
        return code

    time.sleep(1.5)
    print('baseline=%s' % ('ok' if probers[a.old].last() == 'ack' and probers[new].last() == 'replica'
                           else '%s:%s,%s:%s' % (a.old, probers[a.old].last(), new, probers[new].last())))
    t0 = time.monotonic()
    if a.mode == 'kill':
        signal_all([a.patroni, a.postmaster], signal.SIGKILL)
    else:
        signal_all([a.patroni, a.postmaster], signal.SIGSTOP)
        stopped = [a.patroni, a.postmaster]
        for _ in range(3):  # a child forked just before the postmaster stopped
            kids = [k for k in children_of(a.postmaster) if k not in stopped]
            signal_all(kids, signal.SIGSTOP)
            stopped += kids
        print('frozen_processes=%d' % len(stopped))
    sys.stdout.flush()
    while time.monotonic() < t0 + a.deadline:
        first = probers[new].acks(after=t0)
        if first:
            print('seconds=%.2f' % (first[0] - t0))
            break
        time.sleep(0.05)
    else:
        print('seconds=none')
    sys.stdout.flush()
    if a.mode == 'kill':
        time.sleep(2)
        return finish(0)
    time.sleep(a.thaw_after)
    t_thaw = time.monotonic()
    signal_all(reversed(stopped), signal.SIGCONT)
    print('thawed_at=%.2f' % (t_thaw - t0))
    time.sleep(a.observe)
    old_acks = probers[a.old].acks(after=t_thaw)
    new_acks = probers[new].acks(after=t_thaw)
    both = [t for t in old_acks if any(abs(t - u) <= 1.0 for u in new_acks)]
    print('old_acks_after_thaw=%d' % len(old_acks))
    if old_acks:
        print('old_writable_window=%.2f-%.2f' % (old_acks[0] - t_thaw, old_acks[-1] - t_thaw))
    print('new_acks_after_thaw=%d' % len(new_acks))
    print('two_primaries=%s' % ('yes' if both else 'no'))
    if both:
        print('two_primaries_window=%.2f-%.2f' % (both[0] - t_thaw, both[-1] - t_thaw))
    print('end_state=%s:%s,%s:%s' % (a.old, probers[a.old].last(), new, probers[new].last()))
    return finish(0)


def cmd_lost(args):
    import argparse
    ap = argparse.ArgumentParser(prog='lost')
    ap.add_argument('nodes')
    ap.add_argument('--leader', required=True)
    ap.add_argument('--round-id', required=True)
    ap.add_argument('--acked', required=True)
    a = ap.parse_args(args)
    nodes = parse_nodes(a.nodes)
    with open(a.acked) as f:
        acked = json.load(f)
    rows = sql(nodes[a.leader][1], 'SELECT node, seq FROM bench_probe WHERE round = %s', (a.round_id,))
    present = set((n, s) for n, s in rows)
    for name in sorted(acked):
        missing = [s for s in acked[name] if (name, s) not in present]
        print('lost_%s=%d/%d' % (name, len(missing), len(acked[name])))
    return 0


def cmd_summary(_args):
    values = sorted(float(line) for line in sys.stdin if line.strip())
    if not values:
        print('n=0')
        return 0
    print('n=%d min=%.2f median=%.2f max=%.2f' % (len(values), values[0], statistics.median(values), values[-1]))
    return 0


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    cmd, args = sys.argv[1], sys.argv[2:]
    handler = {'health': cmd_health, 'round': cmd_round, 'lost': cmd_lost, 'summary': cmd_summary}.get(cmd)
    if handler is None:
        print(__doc__)
        return 2
    return handler(args)


if __name__ == '__main__':
    signal.signal(signal.SIGINT, lambda *_: os._exit(130))
    sys.exit(main())
