#!/usr/bin/env python3
"""API helper for tests/interop/herald-api.sh (part 3, malformed commands), run by herald.

    api-malformed.py ACKLOG PEER

Waits for the `up` event of PEER (`encoder text` or `json`, `neighbor-changes`), then writes
one command at a time and reads its answer, appending `<answer> <label>` to ACKLOG (the
answer verbatim; `(no answer)` when none came within 5 s). The valid announcements around
the bad lines give the routes the router must end up with (and nothing else):
    203.0.113.0/28 next-hop 198.51.100.60 med 60, 203.0.113.16/28 … med 61 and, from the
    pipelined batch, 203.0.113.32/28 … med 62 and 203.0.113.48/28 … med 63.
Every bad line must be answered `error`. Then a pipelined batch: five lines in ONE write
(valid, garbage, valid, over-long, garbage), whose five answers must come in that order.
Finally `version`: anything read before its text is logged as `stray <line>`; then `END`.
"""

import os
import select
import sys
import time

ACKLOG, PEER = sys.argv[1], sys.argv[2]
ANSWER_TIMEOUT = 5.0  # seconds; only ever waited for when an answer is missing (a failure)
MAX_LINE = 1 << 20  # herald's limit (and ExaBGP's MAX_COMMAND_SIZE)

LONG = "announce route 203.0.113.64/28 next-hop 198.51.100.64 community [ %s ]" % " ".join(
    ["65000:1"] * ((MAX_LINE + 4096) // 8)
)
HUGE = "announce route 203.0.113.80/28 next-hop 198.51.100.65 community [ %s ]" % " ".join(
    ["65000:2"] * ((3 * MAX_LINE) // 8)
)

# (label, line); label is what goes to ACKLOG (the line itself unless it is unprintable)
STEPS = [
    ("valid-1", "announce route 203.0.113.0/28 next-hop 198.51.100.60 med 60"),
    ("garbage", "hello world"),
    ("garbage-punctuation", "}{ ;; ]["),
    ("garbage-bytes", "\x01\x02\x7f announce"),
    ("lone-announce", "announce"),
    ("lone-route", "announce route"),
    ("no-next-hop", "announce route 203.0.113.96/28 med 10"),
    ("no-next-hop-attributes", "announce attributes med 10 nlri 203.0.113.96/28 203.0.113.112/28"),
    ("unknown-family-afi", "announce ipv5 unicast 203.0.113.96/28 next-hop 198.51.100.1"),
    ("unknown-family-safi", "announce ipv4 anycast 203.0.113.96/28 next-hop 198.51.100.1"),
    ("unknown-family-eor", "announce eor ipv4 anycast"),
    ("prefix-33", "announce route 10.0.0.0/33 next-hop 198.51.100.1"),
    ("prefix-129", "announce route 2001:db8::/129 next-hop 2001:db8::1"),
    ("prefix-host-bits", "announce route 203.0.113.97/28 next-hop 198.51.100.1"),
    ("prefix-not-an-address", "announce route 203.0.113.256/28 next-hop 198.51.100.1"),
    ("next-hop-not-an-address", "announce route 203.0.113.96/28 next-hop 198.51.100.300"),
    ("med-without-value", "announce route 203.0.113.96/28 next-hop 198.51.100.1 med"),
    ("med-not-a-number", "announce route 203.0.113.96/28 next-hop 198.51.100.1 med ten"),
    ("med-too-big", "announce route 203.0.113.96/28 next-hop 198.51.100.1 med 4294967296"),
    ("asn-too-big", "announce route 203.0.113.96/28 next-hop 198.51.100.1 as-path [ 65000 4294967296 ]"),
    ("community-unclosed", "announce route 203.0.113.96/28 next-hop 198.51.100.1 community [ 65000:1"),
    ("community-bad", "announce route 203.0.113.96/28 next-hop 198.51.100.1 community [ 65000:70000 ]"),
    ("unknown-attribute", "announce route 203.0.113.96/28 next-hop 198.51.100.1 colour blue"),
    ("origin-bad", "announce route 203.0.113.96/28 next-hop 198.51.100.1 origin maybe"),
    ("withdraw-no-prefix", "withdraw route"),
    ("nlri-empty", "announce attributes next-hop 198.51.100.1 med 1 nlri"),
    ("no-such-neighbor", "neighbor 192.0.2.99 announce route 203.0.113.96/28 next-hop 198.51.100.1"),
    ("selector-bad-address", "neighbor 127.0.5.300 announce route 203.0.113.96/28 next-hop 198.51.100.1"),
    ("flush-incomplete", "flush adj-rib"),
    ("too-long-1MiB", LONG),
    ("too-long-3MiB", HUGE),
    ("valid-2", "announce route 203.0.113.16/28 next-hop 198.51.100.61 med 61"),
]

PIPELINED = [
    ("pipelined-valid-3", "announce route 203.0.113.32/28 next-hop 198.51.100.62 med 62"),
    ("pipelined-garbage", "hello again"),
    ("pipelined-valid-4", "announce route 203.0.113.48/28 next-hop 198.51.100.63 med 63"),
    ("pipelined-too-long", LONG),
    ("pipelined-prefix-33", "announce route 10.0.0.0/33 next-hop 198.51.100.1"),
]


class Stdin:
    """Lines from fd 0, with a time limit per line (select + os.read, no Python buffering)."""

    def __init__(self):
        self.buf = b""

    def line(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while b"\n" not in self.buf:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                return None
            if not select.select([0], [], [], left)[0]:
                return None
            chunk = os.read(0, 65536)
            if not chunk:
                raise EOFError
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode("utf-8", "replace").rstrip("\r")


def is_event(line):
    s = line.lstrip()
    if s.startswith("{"):
        return '"answer"' not in s
    # text encoder events: "neighbor 127.0.5.3 up", "neighbor … connected", …
    return s.startswith("neighbor ")


def write(data):
    out = sys.stdout.buffer
    out.write(data.encode("latin-1"))
    out.flush()


def main():
    log = open(ACKLOG, "a", buffering=1)
    stdin = Stdin()

    def answer():
        while True:
            line = stdin.line(ANSWER_TIMEOUT)
            if line is None:
                return "(no answer)"
            if not is_event(line):
                return line

    while True:
        line = stdin.line()
        if is_event(line) and PEER in line and (" up" in line or '"up"' in line):
            break
    log.write("UP\n")

    for label, cmd in STEPS:
        write(cmd + "\n")
        log.write("%s %s\n" % (answer(), label))
    write("".join(cmd + "\n" for _, cmd in PIPELINED))
    for label, _ in PIPELINED:
        log.write("%s %s\n" % (answer(), label))
    write("version\n")
    while True:
        line = answer()
        if line.startswith("exabgp ") or line.startswith("herald "):
            break
        log.write("stray %s\n" % line)
        if line == "(no answer)":
            break
    log.write("%s version\n" % answer())
    log.write("END\n")
    while True:
        stdin.line()


if __name__ == "__main__":
    try:
        main()
    except (KeyboardInterrupt, BrokenPipeError, EOFError):
        pass
