#!/usr/bin/env python3
"""Pty harness for the console benchmarks (tests/bench/console-bench.sh).

Runs drconsole and its peers side by side, each in a pseudo-terminal of its
own (80x24, TERM=xterm-256color, LANG=C.UTF-8), and measures in one run:
  bytes    bytes written to the terminal per second, after a warm-up
  cpu      utime+stime from /proc/PID/stat over an idle window, % of one core
  keys     key-to-screen latency: a key that opens a screen (help) and one
           that closes it, alternated, timed from the write of the key to the
           read whose bytes complete the answer on a small screen emulator;
           optionally while a site of the lab is frozen
  rss      VmRSS from /proc/PID/status after a given time running, and a
           breakdown (--breakdown) from /proc/PID/smaps and smaps_rollup
Percentiles are nearest-rank: p99 of 50 keys is the slowest of them.
Every wait has a deadline; everything started is killed at the end.
Figures are printed one line per measure, programs side by side.
"""
import argparse
import fcntl
import os
import re
import select
import shlex
import signal
import struct
import subprocess
import sys
import termios
import time


class Screen:
    """A small VT100/xterm screen: enough of what ncurses sends to read text back."""

    def __init__(self, rows, cols):
        self.rows, self.cols = rows, cols
        self.grid = [[" "] * cols for _ in range(rows)]
        self.y = self.x = 0
        self.top, self.bot = 0, rows - 1
        self.saved = (0, 0)
        self.last = " "
        self.wrap_pending = False
        self.pending = b""

    def text(self):
        """Returns the screen as lines of text."""
        return ["".join(r) for r in self.grid]

    def contains(self, s):
        """Tells whether some line of the screen contains s."""
        return any(s in line for line in self.text())

    def _scroll_up(self, n=1):
        """Scrolls the scroll region up by n lines."""
        for _ in range(n):
            del self.grid[self.top]
            self.grid.insert(self.bot, [" "] * self.cols)

    def _scroll_down(self, n=1):
        """Scrolls the scroll region down by n lines."""
        for _ in range(n):
            del self.grid[self.bot]
            self.grid.insert(self.top, [" "] * self.cols)

    def _lf(self):
        """Moves down a line, scrolling at the bottom of the region."""
        if self.y == self.bot:
            self._scroll_up()
        elif self.y < self.rows - 1:
            self.y += 1

    def _put(self, ch):
        """Writes one character at the cursor (auto-wrap like xterm)."""
        if self.wrap_pending:
            self.x = 0
            self._lf()
            self.wrap_pending = False
        self.grid[self.y][self.x] = ch
        self.last = ch
        if self.x == self.cols - 1:
            self.wrap_pending = True
        else:
            self.x += 1

    def _clip(self):
        """Keeps the cursor on the screen."""
        self.y = max(0, min(self.rows - 1, self.y))
        self.x = max(0, min(self.cols - 1, self.x))
        self.wrap_pending = False

    def _csi(self, priv, params, final):
        """Applies one CSI sequence."""
        p = [int(v) if v.isdigit() else 0 for v in params.split(";")] if params else []
        a = p[0] if p else 0
        n = a or 1
        g = self.grid
        if priv:
            return  # modes (?1049h, ?25l, ...): nothing to draw
        if final in "Hf":
            self.y = (p[0] or 1) - 1 if p else 0
            self.x = (p[1] or 1) - 1 if len(p) > 1 else 0
            self._clip()
        elif final == "A":
            self.y -= n
            self._clip()
        elif final in "Be":
            self.y += n
            self._clip()
        elif final in "Ca":
            self.x += n
            self._clip()
        elif final == "D":
            self.x -= n
            self._clip()
        elif final == "G" or final == "`":
            self.x = n - 1
            self._clip()
        elif final == "d":
            self.y = n - 1
            self._clip()
        elif final == "K":
            row = g[self.y]
            lo, hi = {0: (self.x, self.cols), 1: (0, self.x + 1), 2: (0, self.cols)}.get(a, (0, 0))
            for i in range(lo, hi):
                row[i] = " "
        elif final == "J":
            if a == 0:
                g[self.y][self.x:] = [" "] * (self.cols - self.x)
                for r in range(self.y + 1, self.rows):
                    g[r] = [" "] * self.cols
            elif a == 1:
                for r in range(0, self.y):
                    g[r] = [" "] * self.cols
                g[self.y][: self.x + 1] = [" "] * (self.x + 1)
            elif a in (2, 3):
                for r in range(self.rows):
                    g[r] = [" "] * self.cols
        elif final == "X":
            for i in range(self.x, min(self.cols, self.x + n)):
                g[self.y][i] = " "
        elif final == "@":
            row = g[self.y]
            row[self.x:self.x] = [" "] * n
            del row[self.cols:]
        elif final == "P":
            row = g[self.y]
            del row[self.x:self.x + n]
            row.extend([" "] * (self.cols - len(row)))
        elif final in "LM" and self.top <= self.y <= self.bot:
            for _ in range(n):
                if final == "L":
                    del g[self.bot]
                    g.insert(self.y, [" "] * self.cols)
                else:
                    del g[self.y]
                    g.insert(self.bot, [" "] * self.cols)
        elif final == "S":
            self._scroll_up(n)
        elif final == "T":
            self._scroll_down(n)
        elif final == "b":
            for _ in range(n):
                self._put(self.last)
        elif final == "r":
            self.top = (p[0] or 1) - 1 if p else 0
            self.bot = (p[1] or self.rows) - 1 if len(p) > 1 else self.rows - 1
            self.top = max(0, min(self.top, self.rows - 1))
            self.bot = max(self.top, min(self.bot, self.rows - 1))
            self.y = self.x = 0
            self.wrap_pending = False
        elif final == "s":
            self.saved = (self.y, self.x)
        elif final == "u":
            self.y, self.x = self.saved
            self._clip()
        # m (colours), t (window ops), h/l, n and the rest change no text

    _seq = re.compile(
        rb"\x1b\[([?>=!]?)([0-9;:]*)[ -/]*([@-~])"  # CSI
        rb"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC, ended by BEL or ST
        rb"|\x1b[()*+-./][ -~]"  # charset designation
        rb"|\x1b([ -~])"  # two-byte escapes
    )

    def feed(self, data):
        """Applies bytes the program wrote."""
        data = self.pending + data
        self.pending = b""
        i, n = 0, len(data)
        while i < n:
            b = data[i]
            if b == 0x1B:
                m = self._seq.match(data, i)
                if m is None:
                    # An escape cut by the read: keep it for the next bytes
                    # (unless it is too long to be one, then drop the ESC).
                    if n - i < 64:
                        self.pending = data[i:]
                        return
                    i += 1
                    continue
                if m.group(3) is not None:
                    self._csi(m.group(1).decode(), m.group(2).decode(), m.group(3).decode())
                elif m.group(4) is not None:
                    c = m.group(4)
                    if c == b"7":
                        self.saved = (self.y, self.x)
                    elif c == b"8":
                        self.y, self.x = self.saved
                        self._clip()
                    elif c == b"M":
                        if self.y == self.top:
                            self._scroll_down()
                        elif self.y > 0:
                            self.y -= 1
                    elif c == b"D":
                        self._lf()
                    elif c == b"E":
                        self.x = 0
                        self._lf()
                    elif c == b"c":
                        self.__init__(self.rows, self.cols)
                i = m.end()
            elif b == 0x0D:
                self.x = 0
                self.wrap_pending = False
                i += 1
            elif b in (0x0A, 0x0B, 0x0C):
                self._lf()
                self.wrap_pending = False
                i += 1
            elif b == 0x08:
                self.x = max(0, self.x - 1)
                self.wrap_pending = False
                i += 1
            elif b == 0x09:
                self.x = min(self.cols - 1, (self.x // 8 + 1) * 8)
                i += 1
            elif b < 0x20 or b == 0x7F:
                i += 1  # BEL, SO/SI and other controls
            else:
                # One UTF-8 character (a cut one waits for the next read).
                ln = 1 if b < 0x80 else 2 if b < 0xE0 else 3 if b < 0xF0 else 4
                if i + ln > n:
                    self.pending = data[i:]
                    return
                self._put(data[i:i + ln].decode("utf-8", "replace"))
                i += ln


# What each program is asked and how its answer is recognised on the screen.
#   main   text on its normal screen (it is up and showing it)
#   open   key that opens a screen, and text whose arrival completes that answer
#   close  key that closes it, and texts of the opened screen: the answer is
#          complete when none of them is left and `main` is back
# For drconsole the open answer is complete with "Ctrl-L", the last text line
# of the help overlay: the first bytes after the key may be a clock tick or a
# probe's redraw rather than the answer, and ncurses writes the overlay in one
# update, so the read that brings "Ctrl-L" is the one that completes it.
PROFILES = {
    "drconsole": {
        "main": "health",
        "open": (b"?", "Ctrl-L     repaint"),
        "close": (b"x", ["\u2500 keys \u2500", "Ctrl-L     repaint", "this help (any key"]),
    },
    "htop": {
        "main": "PID USER",
        "open": (b"h", "K: hide/show kernel threads"),
        "close": (b"x", ["hide/show kernel threads", "Released under the GNU"]),
    },
    "pg_activity": {
        "main": "RUNNING QUERIES",
        "open": (b"h", "F3/3: blocking queries"),
        "close": (b"x", ["blocking queries", "Released under PostgreSQL"]),
    },
}


class Prog:
    """One program running in a pty of its own."""

    def __init__(self, name, cmd, rows, cols, rss_only=False):
        self.name = name
        self.kind = re.split(r"[^A-Za-z0-9_]", name)[0]
        self.profile = PROFILES.get(self.kind)
        self.cmd = cmd
        self.rss_only = rss_only
        self.screen = Screen(rows, cols)
        self.nbytes = 0
        self.site = None
        self.exit = None
        self.rss_log = []
        self.tail = b""
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        env = dict(os.environ, TERM="xterm-256color", LANG="C.UTF-8", COLUMNS=str(cols),
                   LINES=str(rows))
        self.t0 = time.monotonic()
        self.popen = subprocess.Popen(
            shlex.split(cmd), stdin=slave, stdout=slave, stderr=slave, env=env,
            start_new_session=True, close_fds=True,
            preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))
        os.close(slave)
        os.set_blocking(master, False)
        self.fd = master
        self.pid = self.popen.pid

    def alive(self):
        """Tells whether the program still runs and its terminal is open."""
        return self.fd is not None and self.popen.poll() is None

    def read(self):
        """Reads what the program wrote; returns the number of bytes (0 at its end)."""
        try:
            data = os.read(self.fd, 65536)
        except BlockingIOError:
            return -1
        except OSError:
            data = b""
        if not data:
            os.close(self.fd)
            self.fd = None
            self.exit = self.popen.poll()
            return 0
        self.nbytes += len(data)
        self.tail = (self.tail + data)[-4096:]
        self.screen.feed(data)
        return len(data)

    def cpu_ticks(self):
        """Returns utime+stime of the process in clock ticks (None once it is gone)."""
        try:
            with open(f"/proc/{self.pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            return None

    def thread_ticks(self):
        """Returns utime+stime in clock ticks of each thread, by thread id."""
        out = {}
        try:
            tids = os.listdir(f"/proc/{self.pid}/task")
        except OSError:
            return out
        for tid in tids:
            try:
                with open(f"/proc/{self.pid}/task/{tid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                out[int(tid)] = int(fields[11]) + int(fields[12])
            except (OSError, IndexError, ValueError):
                pass
        return out

    def status(self, key):
        """Returns a field of /proc/PID/status in kB (None if unknown)."""
        try:
            with open(f"/proc/{self.pid}/status") as f:
                for line in f:
                    if line.startswith(key + ":"):
                        return int(line.split()[1])
        except (OSError, ValueError):
            pass
        return None

    def kill(self):
        """Stops the program's process group: q, then SIGTERM, then SIGKILL."""
        if self.popen.poll() is None and self.fd is not None:
            try:
                os.write(self.fd, b"q")
            except OSError:
                pass
        for sig, wait in ((None, 2.0), (signal.SIGTERM, 2.0), (signal.SIGKILL, 2.0)):
            if sig is not None:
                try:
                    os.killpg(self.pid, sig)
                except (ProcessLookupError, PermissionError):
                    pass
            end = time.monotonic() + wait
            while self.popen.poll() is None and time.monotonic() < end:
                if self.fd is not None:
                    select.select([self.fd], [], [], 0.05)
                    self.read()
                else:
                    time.sleep(0.05)
            if self.popen.poll() is not None:
                break
        try:
            os.killpg(self.pid, signal.SIGKILL)  # anything it left in its group
        except (ProcessLookupError, PermissionError):
            pass
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


class Bench:
    """The programs of one run and the loop that keeps reading all their terminals."""

    def __init__(self, args):
        self.args = args
        self.progs = []

    def pump(self, deadline, prog=None, until=None):
        """Reads every terminal until the deadline, or until until() holds for prog after
        one of its reads; returns the monotonic time of that read, or None."""
        while True:
            now = time.monotonic()
            if now >= deadline:
                return None
            fds = {p.fd: p for p in self.progs if p.fd is not None}
            if not fds:
                time.sleep(min(0.1, deadline - now))
                continue
            ready, _, _ = select.select(list(fds), [], [], min(0.5, deadline - now))
            for fd in ready:
                p = fds[fd]
                n = p.read()
                t = time.monotonic()
                if n > 0 and p is prog and until is not None and until(p):
                    return t
            if prog is not None and until is not None and prog.fd is None:
                return None

    def sleep(self, seconds):
        """Waits while reading every terminal."""
        self.pump(time.monotonic() + seconds)

    def run_cmd(self, cmd, timeout=60):
        """Runs a shell command (freeze, thaw) while reading the terminals; returns its status."""
        proc = subprocess.Popen(cmd, shell=True, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        end = time.monotonic() + timeout
        while proc.poll() is None and time.monotonic() < end:
            self.pump(time.monotonic() + 0.05)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return None
        return proc.returncode

    def measured(self):
        """The programs every figure is about (not the memory-only variants), still running."""
        return [p for p in self.progs if not p.rss_only]

    def sample_rss(self):
        """Notes each program's VmRSS now."""
        for p in self.progs:
            if p.alive():
                p.rss_log.append((time.monotonic() - p.t0, p.status("VmRSS")))


def loadavg():
    """Returns the load averages as text."""
    try:
        with open("/proc/loadavg") as f:
            return "load " + " ".join(f.read().split()[:3])
    except OSError:
        return "load ?"


def pct(values, p):
    """Nearest-rank percentile p of the values."""
    v = sorted(values)
    k = max(1, -(-len(v) * p // 100))
    return v[int(k) - 1]


def side_by_side(title, figures, note):
    """Prints one figure line: title, then program value pairs, then a note."""
    print(f"{title}: " + ", ".join(f"{n} {v}" for n, v in figures) + f" ({note})", flush=True)


def on_screen(p, text):
    """Tells whether text is on the program's screen."""
    return p.screen.contains(text)


def at_main(p):
    """Tells whether the program shows its normal screen (not the one the open key shows)."""
    prof = p.profile
    return on_screen(p, prof["main"]) and not any(on_screen(p, g) for g in prof["close"][1])


def back_to_main(bench, p, timeout):
    """Brings the program back to its normal screen (sends the close key if needed)."""
    end = time.monotonic() + timeout
    if at_main(p):
        return True
    if on_screen(p, p.profile["open"][1]):
        try:
            os.write(p.fd, p.profile["close"][0])
        except OSError:
            return False
    return bench.pump(end, p, at_main) is not None or at_main(p)


def key_latencies(bench, p, n, timeout, max_misses, rng):
    """Alternates the open and close keys n times; returns (latencies in ms, misses, tried)."""
    prof = p.profile
    lat, misses, run_of_misses, tried = [], 0, 0, 0
    if not back_to_main(bench, p, timeout):
        return lat, 0, 0
    opening = True
    for _ in range(n):
        if not p.alive():
            break
        bench.sleep(rng.uniform(0.1, 0.3))  # no phase lock with the programs' clocks
        if opening:
            key, done = prof["open"][0], (lambda q: on_screen(q, prof["open"][1]))
        else:
            key, done = prof["close"][0], at_main
        t0 = time.monotonic()
        os.write(p.fd, key)
        t1 = bench.pump(t0 + timeout, p, done)
        tried += 1
        if t1 is None:
            misses += 1
            run_of_misses += 1
            if run_of_misses >= max_misses:
                break
            continue  # the same key again: its answer has not come
        run_of_misses = 0
        lat.append((t1 - t0) * 1000.0)
        opening = not opening
    return lat, misses, tried


def latency_figure(lat, misses, tried, timeout):
    """Formats a latency result: p50/p99 in ms, or the keys left without an answer."""
    if not lat and tried:
        return f"no answer within {timeout:g} s to {tried} key(s)"
    if not lat:
        return "not measured (its normal screen did not show)"
    s = f"p50 {pct(lat, 50):.1f} ms, p99 {pct(lat, 99):.1f} ms over {len(lat)} keys"
    if misses:
        s += f", {misses} of {tried} without an answer within {timeout:g} s"
    return s


# Libraries that come in only as dependencies of others (Debian 12's builds):
# subtotals in the breakdown tell what leaving a feature out would save.
LIB_CHAINS = [
    ("LDAP chain (libldap, pulled in by libpq alone)",
     ["libldap.so", "liblber.so", "libsasl2.so", "libgnutls.so", "libp11-kit.so", "libidn2.so",
      "libunistring.so", "libtasn1.so", "libnettle.so", "libhogweed.so", "libgmp.so", "libffi.so"]),
    ("GSSAPI/Kerberos chain (libgssapi_krb5, pulled in by libpq and libssh)",
     ["libgssapi_krb5.so", "libkrb5.so", "libk5crypto.so", "libkrb5support.so", "libcom_err.so",
      "libkeyutils.so", "libresolv.so"]),
    ("OpenSSL (libssh, libpq)", ["libcrypto.so", "libssl.so"]),
]


def smaps_breakdown(pid, top):
    """Sums /proc/PID/smaps Rss by kind of mapping; returns lines of text."""
    try:
        with open(f"/proc/{pid}/smaps") as f:
            text = f.read()
    except OSError as e:
        return [f"smaps unreadable: {e}"]
    maps = []
    cur = None
    for line in text.splitlines():
        m = re.match(r"^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ (\d+)\s*(.*)$", line)
        if m:
            cur = {"start": int(m.group(1), 16), "end": int(m.group(2), 16), "perms": m.group(3),
                   "inode": int(m.group(4)), "path": m.group(5), "Rss": 0, "Pss": 0,
                   "Anonymous": 0}
            maps.append(cur)
        elif cur is not None:
            k, _, v = line.partition(":")
            if k in ("Rss", "Pss", "Anonymous"):
                cur[k] = int(v.split()[0])
    groups = {}
    heap_align = 64 << 20  # glibc's secondary arenas are 64 MiB aligned heaps
    for i, m in enumerate(maps):
        path = m["path"]
        if path.startswith("/"):
            name = os.path.basename(path)
            name = re.sub(r"\.so[.0-9]*$", ".so", name)
            name = re.sub(r"-[0-9.]+\.so$", ".so", name)
        elif path:
            name = path
        else:
            prev = maps[i - 1] if i else None
            if m["start"] % heap_align == 0 and "rw" in m["perms"]:
                name = "malloc arenas (anonymous, 64 MiB aligned)"
            elif (prev is not None and prev["end"] == m["start"] and not prev["path"]
                  and prev["perms"].startswith("---") and prev["end"] - prev["start"] <= 65536
                  and m["end"] - m["start"] >= 1 << 20):
                name = "thread stacks (anonymous, after a guard page)"
            else:
                name = "other anonymous mappings"
        g = groups.setdefault(name, {"Rss": 0, "Pss": 0, "Anonymous": 0, "n": 0})
        for k in ("Rss", "Pss", "Anonymous"):
            g[k] += m[k]
        if m["Rss"]:
            g["n"] += 1
    rows = sorted(groups.items(), key=lambda kv: -kv[1]["Rss"])
    # The largest mappings, and every kind of anonymous memory whatever its size.
    shown = [kv for i, kv in enumerate(rows)
             if i < top or kv[0] in ("[heap]", "[stack]")
             or kv[0].startswith(("malloc arenas", "thread stacks", "other anonymous"))]
    out = [f"  {'mapping':<48} {'Rss kB':>7} {'Pss kB':>7} {'anon kB':>7} {'maps':>4}"]
    for name, g in shown:
        out.append(f"  {name[:48]:<48} {g['Rss']:>7} {g['Pss']:>7} {g['Anonymous']:>7} {g['n']:>4}")
    rest = [kv for kv in rows if kv not in shown]
    if rest:
        out.append(f"  {'(' + str(len(rest)) + ' more)':<48} {sum(g['Rss'] for _, g in rest):>7} "
                   f"{sum(g['Pss'] for _, g in rest):>7} {sum(g['Anonymous'] for _, g in rest):>7}")
    for title, libs in LIB_CHAINS:
        got = [groups[n] for n in libs if n in groups]
        if got:
            out.append(f"  subtotal {title}: Rss {sum(g['Rss'] for g in got)} kB, Pss "
                       f"{sum(g['Pss'] for g in got)} kB, {len(got)} libraries")
    return out


def rollup(pid):
    """Returns /proc/PID/smaps_rollup as a dict of kB values."""
    vals = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                k, _, v = line.partition(":")
                if v.strip().endswith("kB"):
                    vals[k] = int(v.split()[0])
    except OSError:
        pass
    return vals


def memory_report(p, top):
    """Prints the VmRSS breakdown of one program."""
    st = {k: p.status(k) for k in ("VmRSS", "RssAnon", "RssFile", "RssShmem", "VmSize", "Threads")}
    ru = rollup(p.pid)
    # USS: the pages only this process holds, what it costs the machine beyond shared libraries.
    uss = ru.get('Private_Clean', 0) + ru.get('Private_Dirty', 0) if ru else '?'
    print(f"{p.name}: VmRSS {st['VmRSS']} kB = anonymous {st['RssAnon']} + file-backed "
          f"{st['RssFile']} + shmem {st['RssShmem']}; Pss {ru.get('Pss', '?')} kB (anon "
          f"{ru.get('Pss_Anon', '?')}, file {ru.get('Pss_File', '?')}); private (USS) {uss} kB; "
          f"VmSize {st['VmSize']} kB; {st['Threads']} threads", flush=True)
    for line in smaps_breakdown(p.pid, top):
        print(line)
    sys.stdout.flush()


def parse_named(values, what):
    """Splits NAME=VALUE options."""
    out = []
    for v in values:
        name, sep, rest = v.partition("=")
        if not sep or not name:
            sys.exit(f"ptybench: {what} wants NAME=VALUE, not {v!r}")
        out.append((name, rest))
    return out


def main():
    """Runs the programs side by side and prints the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--prog", action="append", default=[], metavar="NAME=CMD",
                    help="a program to measure (NAME starts with drconsole, htop or pg_activity)")
    ap.add_argument("--rss-only", action="append", default=[], metavar="NAME=CMD",
                    help="a variant whose memory alone is measured, at the same time")
    ap.add_argument("--site", action="append", default=[], metavar="NAME=SITE",
                    help="the lab site to freeze while the program's keys are timed")
    ap.add_argument("--freeze-cmd", default="", help="shell command freezing site {site}")
    ap.add_argument("--thaw-cmd", default="", help="shell command thawing site {site}")
    ap.add_argument("--rows", type=int, default=24)
    ap.add_argument("--cols", type=int, default=80)
    ap.add_argument("--ready-timeout", type=float, default=20.0)
    ap.add_argument("--warmup", type=float, default=5.0)
    ap.add_argument("--bytes-seconds", type=float, default=30.0)
    ap.add_argument("--cpu-seconds", type=float, default=60.0)
    ap.add_argument("--keys", type=int, default=50)
    ap.add_argument("--key-timeout", type=float, default=5.0)
    ap.add_argument("--max-misses", type=int, default=3,
                    help="stop timing a program after this many keys in a row without answer")
    ap.add_argument("--thaw-wait", type=float, default=15.0,
                    help="how long to wait after a thaw for answers to keys sent while frozen")
    ap.add_argument("--rss-seconds", type=float, default=600.0)
    ap.add_argument("--breakdown", action="append", default=[], metavar="NAME",
                    help="program whose smaps breakdown is printed")
    ap.add_argument("--top", type=int, default=12, help="mappings listed in a breakdown")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    import random
    rng = random.Random(args.seed)
    bench = Bench(args)
    sites = dict(parse_named(args.site, "--site"))
    frozen = set()

    def stop(signum, frame):
        """Turns SIGTERM/SIGINT/SIGHUP into a clean exit (programs killed, sites thawed)."""
        raise SystemExit(128 + signum)

    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(s, stop)
    try:
        for name, cmd in parse_named(args.prog, "--prog"):
            p = Prog(name, cmd, args.rows, args.cols)
            if p.profile is None:
                sys.exit(f"ptybench: no key profile for {name!r} (known: {', '.join(PROFILES)})")
            p.site = sites.get(name)
            bench.progs.append(p)
        for name, cmd in parse_named(args.rss_only, "--rss-only"):
            bench.progs.append(Prog(name, cmd, args.rows, args.cols, rss_only=True))
        start = time.monotonic()

        # Up and showing its normal screen, or left out with what it showed.
        for p in bench.progs:
            if p.profile is None:
                continue
            if bench.pump(start + args.ready_timeout, p, lambda q: on_screen(q, q.profile["main"])) \
                    is None and not on_screen(p, p.profile["main"]):
                shown = " / ".join(line.strip() for line in p.screen.text() if line.strip())[:300]
                print(f"{p.name}: left out, its screen did not show {p.profile['main']!r} within "
                      f"{args.ready_timeout:g} s (exit {p.popen.poll()}; screen: {shown or 'empty'})",
                      flush=True)
                p.kill()
                p.rss_only = True
        live = [p for p in bench.measured() if p.alive()]
        if not live:
            print("no program to measure", flush=True)
            return 1

        # 1 and 2: bytes over a window after the warm-up, CPU over an idle window.
        bench.pump(start + args.warmup)
        bench.sample_rss()
        b0 = {p.name: p.nbytes for p in live}
        c0 = {p.name: p.cpu_ticks() for p in live}
        t0 = {p.name: p.thread_ticks() for p in live if p.name in args.breakdown}
        w0 = time.monotonic()
        bench.pump(w0 + args.bytes_seconds)
        w1 = time.monotonic()
        side_by_side(f"bytes/s at {args.cols}x{args.rows} ({args.bytes_seconds:g} s after a "
                     f"{args.warmup:g} s warm-up)",
                     [(p.name, f"{(p.nbytes - b0[p.name]) / (w1 - w0):.0f}" if p.alive() else "gone")
                      for p in live], loadavg())
        bench.pump(w0 + args.cpu_seconds)
        w2 = time.monotonic()
        hz = os.sysconf("SC_CLK_TCK")
        figs = []
        for p in live:
            c1 = p.cpu_ticks()
            figs.append((p.name, f"{(c1 - c0[p.name]) / hz / (w2 - w0) * 100:.2f}%"
                         if c1 is not None and c0[p.name] is not None else "gone"))
        side_by_side(f"CPU over {args.cpu_seconds:g} s idle (% of one core)", figs, loadavg())
        for p in live:
            if p.name in t0:
                t1 = p.thread_ticks()
                parts = [f"{tid}{' (main)' if tid == p.pid else ''} "
                         f"{(t1[tid] - t0[p.name].get(tid, 0)) / hz / (w2 - w0) * 100:.2f}%"
                         for tid in sorted(t1)]
                print(f"  {p.name} CPU by thread, in the order started: {', '.join(parts)}",
                      flush=True)
        bench.sample_rss()

        # 3: key latency, first with nothing frozen, then with each program's site frozen.
        if args.keys > 0:
            figs = []
            for p in live:
                lat, misses, tried = key_latencies(bench, p, args.keys, args.key_timeout,
                                                   args.max_misses, rng)
                figs.append((p.name, latency_figure(lat, misses, tried, args.key_timeout)))
            side_by_side("key latency, nothing frozen", figs, loadavg())
            groups = {}
            for p in live:
                if p.site is not None:
                    groups.setdefault(p.site, []).append(p)
            figs = []
            for site, progs in groups.items():
                if not args.freeze_cmd or bench.run_cmd(args.freeze_cmd.format(site=site)) != 0:
                    figs += [(p.name, f"not measured (site {site} could not be frozen)") for p in progs]
                    continue
                frozen.add(site)
                bench.sleep(2.0)  # let the freeze bite: the next probe or query now hangs
                thawed_note = {}
                for p in progs:
                    lat, misses, tried = key_latencies(bench, p, args.keys, args.key_timeout,
                                                       args.max_misses, rng)
                    figs.append((p.name, f"site {site} frozen: "
                                 + latency_figure(lat, misses, tried, args.key_timeout)))
                    thawed_note[p.name] = (not lat and tried)
                t_thaw = time.monotonic()
                bench.run_cmd(args.thaw_cmd.format(site=site))
                frozen.discard(site)
                # Keys sent while frozen: does the program answer them once thawed?
                for p in progs:
                    if thawed_note.get(p.name):
                        t = bench.pump(time.monotonic() + args.thaw_wait, p,
                                       lambda q: on_screen(q, q.profile["open"][1]))
                        when = (f"answered {t - t_thaw:.1f} s after the thaw" if t is not None
                                else f"still no answer {args.thaw_wait:g} s after the thaw")
                        figs[[n for n, _ in figs].index(p.name)] = (
                            p.name, dict(figs)[p.name] + f" ({when})")
                        bench.sleep(2.0)  # the other keys it queued play out
                    back_to_main(bench, p, args.key_timeout)
            if figs:
                side_by_side("key latency, site frozen", figs, loadavg())
            bench.sample_rss()

        # 4: resident memory after the given time running, all at the same moment.
        while time.monotonic() < start + args.rss_seconds:
            bench.pump(min(start + args.rss_seconds, time.monotonic() + 60))
            bench.sample_rss()
        elapsed = time.monotonic() - start
        side_by_side(f"VmRSS after {elapsed:.0f} s running",
                     [(p.name, f"{p.status('VmRSS')} kB" if p.alive() else "gone")
                      for p in bench.progs], loadavg())
        for p in bench.progs:
            trail = ", ".join(f"{t:.0f}s {r}" for t, r in p.rss_log if r is not None)
            print(f"  {p.name} VmRSS kB over time: {trail}")
        for name in args.breakdown:
            for p in bench.progs:
                if p.name == name and p.alive():
                    memory_report(p, args.top)
        for p in bench.progs:
            if p.fd is None and p.exit not in (None,):
                print(f"note: {p.name} ended during the run (exit {p.exit})")
        return 0
    finally:
        for p in bench.progs:
            p.kill()
        for site in list(frozen):
            if args.thaw_cmd:
                subprocess.run(args.thaw_cmd.format(site=site), shell=True, timeout=60,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


if __name__ == "__main__":
    sys.exit(main())
