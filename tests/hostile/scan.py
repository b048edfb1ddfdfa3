#!/usr/bin/env python3
"""Scans files for bytes a terminal would act on, and writes the corpus.

Usage: scan.py FILE... [--has TEXT]...
       scan.py --corpus CORPUS DIR
The first form fails (exit 1, naming the file, offset and bytes) when a file holds a
control byte other than tab and newline (C0, ESC, BEL, CR, DEL), a C1 control
(U+0080-U+009F), a bidi control or line separator (U+061C, U+200E-F,
U+2028-202E, U+2066-2069), or invalid UTF-8; or when no file holds one of the
--has texts (a visible escape such as \\x1b]0; proves the path was taken).
The second writes each entry of CORPUS to DIR/NAME as bytes and to
DIR/NAME.q as a JSON (and YAML) double-quoted string of its characters (an
invalid byte as U+FFFD), plus DIR/all (every entry, one line), DIR/all.q, and
DIR/long and DIR/long.q (a 10 KB line of them).
"""
import codecs
import json
import re
import sys

BAD = re.compile(
    rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xd8\x9c|\xe2\x80[\x8e\x8f\xa8-\xae]"
    rb"|\xe2\x81[\xa6-\xa9]"
)


def scan(path):
    data = open(path, "rb").read()
    m = BAD.search(data)
    if m:
        return "%s: byte %d: %r" % (path, m.start(), data[max(0, m.start() - 20) : m.end() + 20])
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        return "%s: invalid UTF-8 at byte %d: %r" % (path, e.start, data[e.start : e.start + 8])
    return None


def corpus(path, out):
    entries = {}
    for line in open(path, encoding="ascii"):
        if line.startswith("#") or not line.strip():
            continue
        name, text = line.rstrip("\n").split("\t")
        entries[name] = codecs.escape_decode(text.encode())[0]
    entries["all"] = b" ".join(entries.values())
    entries["long"] = (entries["all"] + b" ") * (10240 // len(entries["all"]) + 1)
    for name, data in entries.items():
        open("%s/%s" % (out, name), "wb").write(data)
        quoted = json.dumps(data.decode("utf-8", errors="replace"))
        open("%s/%s.q" % (out, name), "w").write(quoted)
    return 0


def main(argv):
    if argv[:1] == ["--corpus"]:
        return corpus(argv[1], argv[2])
    files, has = [], []
    i = 0
    while i < len(argv):
        if argv[i] == "--has":
            has.append(argv[i + 1].encode())
            i += 2
        else:
            files.append(argv[i])
            i += 1
    bad = [r for r in (scan(f) for f in files) if r]
    text = b"".join(open(f, "rb").read() for f in files)
    bad += ["none of %s holds %r" % (" ".join(files), h) for h in has if h not in text]
    for b in bad:
        print("#   " + b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
