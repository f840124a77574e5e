#!/usr/bin/env python3
"""Fold ExaBGP 5 JSON UPDATE messages (one per line, as `receive { parsed; update; }` with
`encoder json` writes them) into the routes each peer announced, and check them.

    exabgprib.py state RECORD
        Print the folded state as JSON:
        { PEER: { "eor": ["ipv4 unicast", ...],
                  "routes": { "ipv4 unicast": { PREFIX: { "next-hop": NH, "attribute": {...} } } } } }
        PEER is the sender's address as ExaBGP saw it. Withdrawals remove routes. Volatile
        fields (time, pid, ppid, counter, host) are never part of the state.
    exabgprib.py check EXPECTED RECORD [--label TEXT]
        Exit 0 when the state equals EXPECTED (same JSON shape; every attribute ExaBGP shows
        must be in EXPECTED, so an absent attribute asserts absence), else list the differences.
    exabgprib.py eor RECORD PEER FAMILY...
        Exit 0 when PEER has sent End-of-RIB for every FAMILY ("ipv4 unicast", ...).

Keys starting with "#" in EXPECTED are comments and ignored at every level.
"""

import json
import sys


def fold(path):
    state = {}
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                msg = json.loads(line)
            except ValueError as e:
                raise SystemExit("%s:%d: not JSON (%s): %r" % (path, n, e, line[:200]))
            if msg.get("type") != "update":
                continue
            nb = msg.get("neighbor", {})
            if nb.get("direction", "receive") != "receive":
                continue
            peer = nb.get("address", {}).get("peer", "?")
            st = state.setdefault(peer, {"eor": [], "routes": {}})
            m = nb.get("message", {})
            if "eor" in m:
                fam = "%s %s" % (m["eor"].get("afi"), m["eor"].get("safi"))
                if fam not in st["eor"]:
                    st["eor"].append(fam)
                continue
            upd = m.get("update", {})
            for fam, nlris in (upd.get("withdraw") or {}).items():
                for x in nlris:
                    st["routes"].get(fam, {}).pop(x.get("nlri"), None)
            attr = upd.get("attribute", {})
            for fam, by_nh in (upd.get("announce") or {}).items():
                for nh, nlris in by_nh.items():
                    for x in nlris:
                        st["routes"].setdefault(fam, {})[x.get("nlri")] = {"next-hop": nh, "attribute": attr}
    for st in state.values():
        st["eor"].sort()
    return state


def strip_comments(x):
    if isinstance(x, dict):
        return {k: strip_comments(v) for k, v in x.items() if not k.startswith("#")}
    if isinstance(x, list):
        return [strip_comments(v) for v in x]
    return x


def diff(exp, got, where, out):
    if isinstance(exp, dict) and isinstance(got, dict):
        for k in exp:
            if k not in got:
                out.append("%s: %r missing (expected %s)" % (where, k, json.dumps(exp[k])))
        for k in got:
            if k not in exp:
                out.append("%s: unexpected %r = %s" % (where, k, json.dumps(got[k])))
        for k in exp:
            if k in got:
                diff(exp[k], got[k], "%s/%s" % (where, k), out)
        return
    if exp != got:
        out.append("%s: got %s, expected %s" % (where, json.dumps(got), json.dumps(exp)))


def main():
    a = sys.argv[1:]
    if len(a) == 2 and a[0] == "state":
        json.dump(fold(a[1]), sys.stdout, indent=2, sort_keys=True)
        print()
        return 0
    if len(a) >= 4 and a[0] == "eor":
        st = fold(a[1]).get(a[2], {"eor": []})
        return 0 if all(f in st["eor"] for f in a[3:]) else 1
    if len(a) >= 3 and a[0] == "check":
        label = ""
        if "--label" in a:
            i = a.index("--label")
            label = a[i + 1] + ": "
            a = a[:i] + a[i + 2 :]
        with open(a[1]) as f:
            exp = strip_comments(json.load(f))
        got = fold(a[2])
        problems = []
        diff(exp, got, "", problems)
        if problems:
            print("%sExaBGP's view differs from the expected one:" % label)
            for p in problems:
                print("  - " + p)
            return 1
        n = sum(len(r) for st in got.values() for r in st["routes"].values())
        print("%s%d routes from %d peers match, End-of-RIB: %s" % (
            label, n, len(got), "; ".join("%s %s" % (p, ", ".join(s["eor"])) for p, s in sorted(got.items()))))
        return 0
    raise SystemExit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
