#!/usr/bin/env python3
"""Compare the events two daemons wrote to their helper processes (ExaBGP 5 JSON, one per line,
as tests/interop/exabgp-recorder.py records them), for tests/interop/herald-events.sh.

    eventcmp.py has RECORD PEER eor AFI/SAFI          an End-of-RIB from PEER ("ipv4 unicast")
    eventcmp.py has RECORD PEER announce PREFIX       an announcement of PREFIX from PEER
    eventcmp.py has RECORD PEER withdraw PREFIX       a withdrawal of PREFIX from PEER
    eventcmp.py has RECORD PEER state STATE           a state event (connected, up, down)
    eventcmp.py has RECORD PEER packet CATEGORY N     N raw-packet events of that category
        Exit 0 when RECORD has it, else 1.
    eventcmp.py normalise RECORD
        The events, normalised (below), one JSON object per line, grouped by peer (in the order
        of each peer's first event), each peer's events in arrival order.
    eventcmp.py compare EXPECTED GOT [--label TEXT]
        Exit 0 when both records normalise to the same events per peer (same sequence, field by
        field), else print, per peer and position, every field that differs, and exit 1.

Normalisation (each for a reason; nothing else is touched):
  - "time", "host", "pid", "ppid", "counter" are dropped: the clock, the machine, the process
    ids and the per-process message counter differ between any two runs, even of ExaBGP itself.
  - events of different peers are compared per peer, not interleaved: both sessions run at
    once and their events interleave in whatever order the two TCP streams deliver them.
  - a peer's events after its first `down` state event are dropped: what follows depends on
    reconnect timers (ExaBGP 5.0.15 reconnects at once, and to a BIRD whose protocol is
    disabled gets `connected` then `down` "closing connection"; herald waits longer).
  - a run of consecutive End-of-RIBs from one peer is put in family order (a raw packet event
    stays with the parsed event that follows it): GoBGP 3 sends its End-of-RIBs in Go map
    order, which changes from run to run.
  - lines that are not JSON objects (none expected) are kept as {"text": LINE}.
"""

import json
import sys

DROP = ("time", "host", "pid", "ppid", "counter")


def load(path):
    out = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            try:
                ev = json.loads(line)
            except ValueError:
                ev = {"text": line}
            if not isinstance(ev, dict):
                ev = {"text": line}
            out.append(ev)
    return out


def peer_of(ev):
    return ev.get("neighbor", {}).get("address", {}).get("peer", "-") if isinstance(ev.get("neighbor"), dict) else "-"


def normalise(ev):
    return {k: v for k, v in ev.items() if k not in DROP}


def message(ev):
    nb = ev.get("neighbor")
    m = nb.get("message") if isinstance(nb, dict) else None
    return m if isinstance(m, dict) else {}


def eor_runs_sorted(evs):
    """Units (a raw packet event + the parsed event after it, or one event); consecutive
    End-of-RIB units sorted by family."""
    units, i = [], 0
    while i < len(evs):
        if "category" in message(evs[i]) and i + 1 < len(evs) and evs[i + 1].get("type") == evs[i].get("type") and "category" not in message(evs[i + 1]):
            units.append(evs[i : i + 2])
            i += 2
        else:
            units.append(evs[i : i + 1])
            i += 1

    def eor(unit):
        for ev in unit:
            e = message(ev).get("eor")
            if isinstance(e, dict):
                return (str(e.get("afi")), str(e.get("safi")))
        return None

    out, run = [], []
    for u in units + [None]:
        if u is not None and eor(u) is not None:
            run.append(u)
            continue
        for r in sorted(run, key=eor):
            out.extend(r)
        run = []
        if u is not None:
            out.extend(u)
    return out


def per_peer(events):
    groups, closed = {}, set()
    for ev in events:
        peer = peer_of(ev)
        if peer in closed:
            continue
        groups.setdefault(peer, []).append(normalise(ev))
        if ev.get("type") == "state" and ev.get("neighbor", {}).get("state") == "down":
            closed.add(peer)
    return {p: eor_runs_sorted(evs) for p, evs in groups.items()}


def has(args):
    path, peer, kind = args[0], args[1], args[2]
    if kind == "packet":
        n = sum(
            1
            for e in load(path)
            if peer_of(e) == peer
            and isinstance(e.get("neighbor", {}).get("message"), dict)
            and e["neighbor"]["message"].get("category") == int(args[3])
        )
        return 0 if n >= int(args[4]) else 1
    for ev in load(path):
        if peer_of(ev) != peer:
            continue
        nb = ev.get("neighbor", {})
        msg = nb.get("message", {}) if isinstance(nb.get("message"), dict) else {}
        if kind == "eor":
            afi, safi = args[3].split()
            if msg.get("eor") == {"afi": afi, "safi": safi}:
                return 0
        elif kind == "announce":
            for hops in msg.get("update", {}).get("announce", {}).values():
                for nlris in hops.values():
                    if any(n.get("nlri") == args[3] for n in nlris):
                        return 0
        elif kind == "withdraw":
            for nlris in msg.get("update", {}).get("withdraw", {}).values():
                if any(n.get("nlri") == args[3] for n in nlris):
                    return 0
        elif kind == "state":
            if ev.get("type") == "state" and nb.get("state") == args[3]:
                return 0
        else:
            raise SystemExit("unknown kind %r" % kind)
    return 1


def diff(a, b, path=""):
    """[(path, a, b)] for every leaf that differs."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in list(a) + [k for k in b if k not in a]:
            p = "%s.%s" % (path, k) if path else k
            if k not in b:
                out.append((p, a[k], "(absent)"))
            elif k not in a:
                out.append((p, "(absent)", b[k]))
            else:
                out += diff(a[k], b[k], p)
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        out = []
        for i, (x, y) in enumerate(zip(a, b)):
            out += diff(x, y, "%s[%d]" % (path, i))
        return out
    return [] if a == b else [(path, a, b)]


def summary(ev):
    t = ev.get("type", "?")
    nb = ev.get("neighbor", {})
    if t == "state":
        return "state %s" % nb.get("state")
    msg = nb.get("message", {})
    if "eor" in msg:
        return "eor %s %s" % (msg["eor"].get("afi"), msg["eor"].get("safi"))
    if "category" in msg:
        return "packet category %s" % msg.get("category")
    if "update" in msg:
        u = msg["update"]
        parts = []
        for fam, hops in u.get("announce", {}).items():
            for nh, nlris in hops.items():
                parts.append("announce %s %s" % (fam, " ".join(n.get("nlri", "?") for n in nlris)))
        for fam, nlris in u.get("withdraw", {}).items():
            parts.append("withdraw %s %s" % (fam, " ".join(n.get("nlri", "?") for n in nlris)))
        return "update " + "; ".join(parts)
    return t


def compare(args):
    label = ""
    if "--label" in args:
        i = args.index("--label")
        label = args[i + 1] + ": "
        args = args[:i] + args[i + 2 :]
    exp, got = per_peer(load(args[0])), per_peer(load(args[1]))
    problems = []
    for peer in list(exp) + [p for p in got if p not in exp]:
        e, g = exp.get(peer, []), got.get(peer, [])
        for i in range(max(len(e), len(g))):
            if i >= len(g):
                problems.append("%s #%d: missing event (expected %s)" % (peer, i + 1, summary(e[i])))
                continue
            if i >= len(e):
                problems.append("%s #%d: unexpected event %s" % (peer, i + 1, summary(g[i])))
                continue
            for p, x, y in diff(e[i], g[i]):
                problems.append(
                    "%s #%d (%s): %s is %s, expected %s"
                    % (peer, i + 1, summary(e[i]), p, json.dumps(y)[:300], json.dumps(x)[:300])
                )
    if problems:
        print("%s%d difference(s):" % (label, len(problems)))
        for p in problems:
            print("  - " + p)
        return 1
    n = sum(len(v) for v in exp.values())
    print("%s%d events identical (%s)" % (label, n, ", ".join("%s: %d" % (p, len(v)) for p, v in exp.items())))
    return 0


def main():
    a = sys.argv[1:]
    if len(a) >= 4 and a[0] == "has":
        return has(a[1:])
    if len(a) == 2 and a[0] == "normalise":
        for peer, evs in per_peer(load(a[1])).items():
            for ev in evs:
                print(json.dumps(ev, sort_keys=False))
        return 0
    if len(a) >= 3 and a[0] == "compare":
        return compare(a[1:])
    raise SystemExit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
