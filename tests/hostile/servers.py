#!/usr/bin/env python3
"""Hostile servers on loopback, for the tests of hostile text.

Usage: servers.py PORTFILE
Listens on two free ports of 127.0.0.1 and writes "SSH_PORT PG_PORT" to
PORTFILE: on the first, an "SSH server" whose version banner holds escape
sequences (a title, a screen clear, a C1 CSI); on the second, a "PostgreSQL
server" that answers every startup packet with a FATAL ErrorResponse whose
message holds the same and more (a clipboard write, U+202E, invalid UTF-8).
Runs until killed.
"""
import socket
import struct
import sys
import threading

BANNER = b"SSH-1.5-\x1b]0;PWNED-TITLE\x07\x1b[2J\x9b31m\xc2\x9b31m\r\n"
FATAL = (b"\x1b]0;PWNED-TITLE\x07\x1b[2J\x1b]52;c;cHduZWQ=\x07\xc2\x9b31m\x9b"
         b"\xe2\x80\xaeevil\xe2\x81\xa6\xff\x7fend")


def listener():
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(16)
    return s


def ssh_client(c):
    try:
        c.sendall(BANNER)
        c.settimeout(5)
        c.recv(256)
    except OSError:
        pass
    c.close()


def pg_client(c):
    try:
        c.settimeout(5)
        while True:
            head = c.recv(4, socket.MSG_WAITALL)
            if len(head) < 4:
                break
            body = c.recv(struct.unpack("!I", head)[0] - 4, socket.MSG_WAITALL)
            if struct.unpack("!I", body[:4])[0] in (80877103, 80877104):
                c.sendall(b"N")  # no SSL, no GSS encryption
                continue
            fields = b"SFATAL\0VFATAL\0C28000\0M" + FATAL + b"\0\0"
            c.sendall(b"E" + struct.pack("!I", len(fields) + 4) + fields)
            break
    except OSError:
        pass
    c.close()


def serve(s, handler):
    while True:
        c, _ = s.accept()
        threading.Thread(target=handler, args=(c,), daemon=True).start()


def main():
    ssh, pg = listener(), listener()
    with open(sys.argv[1] + ".new", "w") as f:
        f.write("%d %d\n" % (ssh.getsockname()[1], pg.getsockname()[1]))
    import os
    os.rename(sys.argv[1] + ".new", sys.argv[1])
    threading.Thread(target=serve, args=(ssh, ssh_client), daemon=True).start()
    serve(pg, pg_client)


if __name__ == "__main__":
    main()
