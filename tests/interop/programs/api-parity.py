#!/usr/bin/env python3
"""API helper for tests/interop/herald-api.sh (helper parity): run unchanged under ExaBGP 5.0.15
and under herald, it must leave the same routes at the routers.

    api-parity.py ACKLOG GOBGP_PEER BIRD_PEER

Waits (reading its stdin, `encoder json` + `neighbor-changes`) until both neighbors are up,
then writes the commands of COMMANDS one by one, reading the answer to each before the next
(acknowledgements on), and appends to ACKLOG one line per command: `<answer> <command>`, the
answer verbatim (`done`, `error`, or whatever else came; `(no answer)` when nothing came
within 5 s, so that a missing answer shows in the log instead of hanging the test). The output
of a `show` command goes to ACKLOG too, sorted, as `  | <line>` lines after its answer. After
the ack-mode commands it checks that no stray answer is pending with `version`: every line
read before the version text is logged as `stray <line>`. Finally `END` is written to ACKLOG,
and the helper keeps reading its stdin until the daemon closes it (a helper that exits would
be respawned). Other lines on stdin (JSON events) are ignored; stdout is flushed after each
command.
"""

import json
import os
import select
import sys
import time

ACKLOG, GOBGP, BIRD = sys.argv[1], sys.argv[2], sys.argv[3]

# (command, expects an answer)
COMMANDS = [
    # one by one, varied attributes (community lists deliberately not sorted)
    "announce route 203.0.113.0/28 next-hop 198.51.100.10 med 10",
    "announce route 203.0.113.16/28 next-hop 198.51.100.11 local-preference 200 community [ 65000:2 65000:1 ] origin egp",
    "announce route 203.0.113.32/28 next-hop 198.51.100.12 as-path [ 64500 64501 ] med 30 large-community [ 65000:2:2 65000:1:1 ]",
    "announce route 2001:db8:51::/48 next-hop 2001:db8::51 med 5 community [ no-export 65000:51 ] extended-community [ target:65000:51 ]",
    "announce route 203.0.113.48/28 next-hop 198.51.100.13",
    "announce route 203.0.113.64/28 next-hop 198.51.100.14 med 1",
    # the same prefix again: replaces the previous announcement
    "announce route 203.0.113.64/28 next-hop 198.51.100.15 med 2 origin incomplete",
    "announce ipv4 unicast 203.0.113.80/28 next-hop 198.51.100.16 med 16 community [ 65000:16 ]",
    "announce ipv6 unicast 2001:db8:52::/48 next-hop 2001:db8::52 local-preference 52",
    # in bulk: one attribute set, several prefixes
    "announce attributes next-hop 198.51.100.20 med 20 local-preference 120 community [ 65000:20 ] as-path [ 64520 ] nlri 192.0.2.0/28 192.0.2.16/28 192.0.2.32/28 192.0.2.48/28",
    "announce attributes next-hop 2001:db8::20 med 21 nlri 2001:db8:60::/48 2001:db8:61::/48 2001:db8:62::/48",
    # withdrawals, in every form
    "withdraw route 203.0.113.48/28",
    "withdraw route 192.0.2.16/28 next-hop 198.51.100.20",
    "withdraw attributes next-hop 198.51.100.20 nlri 192.0.2.32/28",
    "withdraw ipv6 unicast 2001:db8:61::/48",
    # neighbor selectors
    "neighbor %s announce route 192.0.2.64/28 next-hop 198.51.100.30 med 64" % GOBGP,
    "neighbor %s announce route 192.0.2.80/28 next-hop 198.51.100.31 med 80" % BIRD,
    "neighbor %s , neighbor %s announce route 192.0.2.96/28 next-hop 198.51.100.32 med 96" % (GOBGP, BIRD),
    "neighbor * announce route 192.0.2.112/28 next-hop 198.51.100.33 med 112",
    "neighbor %s local-as 65000 withdraw route 192.0.2.0/28" % GOBGP,
    "neighbor %s peer-as 65000 announce route 192.0.2.128/28 next-hop 198.51.100.34 community [ 65000:128 ]" % BIRD,
    # End-of-RIB markers (the routers count them)
    "announce eor",
    "announce eor ipv6 unicast",
    # watchdogs on configuration routes (dog2 starts withdrawn in the configuration)
    "withdraw watchdog dog1",
    "announce watchdog dog2",
    "withdraw watchdog dog3",
    "announce watchdog dog3",
    # (dog4 is never toggled: its route stays. No `neighbor … withdraw watchdog`: ExaBGP 5.0.15
    # then takes the word after `neighbor IP` as the watchdog name.)
    # the whole Adj-RIB-Out again: nothing changes at the routers
    "flush adj-rib out",
    # a comment line is answered as a command
    "# a comment",
    # what each neighbor is sent, as the daemon shows it (lines sorted: the order is not kept)
    "show adj-rib out",
    "show adj-rib out extensive",
]

# acknowledgement modes: (command, answers expected). ExaBGP 5.0.15 answers a route command
# when it has run it, after the commands read in the same batch (enable-ack among them), so its
# answers to the two unanswered announcements below come later, as `stray done` lines; herald
# answers every command in order, so it must have no stray answer.
ACK_MODES = [
    ("disable-ack", 1),  # answered `done`, then answers stop
    ("announce route 198.51.100.160/28 next-hop 198.51.100.35 med 160", 0),
    ("enable-ack", 1),
    ("silence-ack", 0),  # not answered at all
    ("announce route 198.51.100.176/28 next-hop 198.51.100.36 med 176", 0),
    ("enable-ack", 1),
    ("announce route 198.51.100.192/28 next-hop 198.51.100.37 med 192", 1),
]


ANSWER_TIMEOUT = 5.0  # seconds; only ever waited for when an answer is missing (a failure)


class Stdin:
    """Lines from fd 0, with a time limit per line (select + os.read, no Python buffering)."""

    def __init__(self):
        self.buf = b""

    def line(self, timeout=None):
        """The next line without its newline; None on timeout; raises EOFError at the end."""
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
    if not line.startswith("{"):
        return False
    try:
        return "answer" not in json.loads(line)
    except ValueError:
        return False


def main():
    log = open(ACKLOG, "a", buffering=1)
    stdin = Stdin()
    up = set()

    def answer():
        """The next line that is not an event; `(no answer)` after ANSWER_TIMEOUT."""
        while True:
            line = stdin.line(ANSWER_TIMEOUT)
            if line is None:
                return "(no answer)"
            if not is_event(line):
                return line

    def send(cmd):
        sys.stdout.write(cmd + "\n")
        sys.stdout.flush()

    # wait until both neighbors are up
    while not up >= {GOBGP, BIRD}:
        line = stdin.line()
        if not is_event(line):
            log.write("before-up %s\n" % line)
            continue
        ev = json.loads(line)
        if ev.get("type") == "state" and ev.get("neighbor", {}).get("state") == "up":
            up.add(ev["neighbor"]["address"]["peer"])
    log.write("UP %s\n" % " ".join(sorted(up)))

    for cmd in COMMANDS:
        send(cmd)
        if not cmd.startswith("show "):
            log.write("%s %s\n" % (answer(), cmd))
            continue
        # output lines, then the answer
        out = []
        while True:
            line = answer()
            if line in ("done", "error", "(no answer)") or line.startswith('{ "answer"'):
                break
            out.append(line)
        log.write("%s %s\n" % (line, cmd))
        for o in sorted(out):
            log.write("  | %s\n" % o)
    for cmd, n in ACK_MODES:
        send(cmd)
        got = [answer() for _ in range(n)]
        log.write("%s %s\n" % (" ".join(got) if got else "(none)", cmd))
    # nothing else may be pending: the next line must be the version text
    send("version")
    while True:
        line = answer()
        if line.startswith("exabgp ") or line.startswith("herald "):
            log.write("version-text version\n")
            break
        log.write("stray %s\n" % line)
        if line == "(no answer)":
            break
    log.write("%s version\n" % answer())
    log.write("END\n")
    while True:  # until the daemon closes our stdin (a helper that exits is respawned)
        stdin.line()


if __name__ == "__main__":
    try:
        main()
    except (KeyboardInterrupt, BrokenPipeError, EOFError):
        pass
