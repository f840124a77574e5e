#!/usr/bin/env python3
"""Compare herald's Adj-RIB-In with what a real router says it exports (tests/interop/herald-rib.sh).

    adjrib.py herald NEIGHBOR [FILE]     `herald ctl show adj-rib in extensive json` output
    adjrib.py bird [--ibgp] [FILE]       `birdc show route export PROTO all` output (BIRD 2)
    adjrib.py gobgp FILE...              `gobgp -j neighbor ADDR adj-out -a ipv4|ipv6` output (GoBGP 3)
        Print one canonical line per route, sorted:
            FAMILY PREFIX nh=.. origin=.. as_path=.. med=.. lp=.. comm=.. ext=.. large=..[ stale]
        (`-` for an absent attribute; lists sorted; `{a b}` is an AS_SET). For BIRD, attributes that
        BIRD adds when it sends the route are filled in: ORIGIN igp when the route has none and,
        with --ibgp, LOCAL_PREF 100 when it has none. Only herald lines of NEIGHBOR are kept.
        With --brief (herald, bird): only FAMILY PREFIX nh=..[ stale] (for the plain
        `show adj-rib in json`, which has no attributes).
    adjrib.py jsoncheck [FILE]
        Exit 1 (naming the first bad line) unless every non-empty line is one valid JSON object.
    adjrib.py stale [FILE]
        From canonical lines: print "N M" (routes, stale routes).
    adjrib.py logtime FILE REGEX [N]
        The time (seconds since the epoch) of the Nth (default 1st; -1 the last) line of a herald
        log matching the extended REGEX; exit 1 when there is no such line.

Reads stdin when FILE is absent or `-`.
"""

import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import birdroutes  # noqa: E402  (same directory)

ORIGINS = {0: "igp", 1: "egp", 2: "incomplete"}


def read(path):
    if path in (None, "-"):
        return sys.stdin.read()
    with open(path) as f:
        return f.read()


BRIEF = False


def line(family, prefix, nh, origin, as_path, med, lp, comm, ext, large, stale=False):
    if BRIEF:
        return "%s %s nh=%s%s" % (family, prefix, "-" if nh is None else nh, " stale" if stale else "")

    def lst(xs):
        return ",".join(sorted(xs)) if xs else "-"

    def opt(x):
        return "-" if x is None else str(x)

    s = "%s %s nh=%s origin=%s as_path=%s med=%s lp=%s comm=%s ext=%s large=%s" % (
        family, prefix, opt(nh), opt(origin), as_path.replace(" ", "_") if as_path else "-",
        opt(med), opt(lp), lst(comm), lst(ext), lst(large))
    return s + (" stale" if stale else "")


# ---- herald -----------------------------------------------------------------------------------

def parse_herald_line(raw):
    """(object, valid): valid is False when the line needed the `"attribute": { {` repair."""
    try:
        return json.loads(raw), True
    except ValueError:
        pass
    fixed = re.sub(r'"attribute": \{ \{', '"attribute": {', raw, count=1)
    fixed = re.sub(r"\} \} \}\s*$", "} }", fixed)
    try:
        return json.loads(fixed), False
    except ValueError:
        raise SystemExit("adjrib.py: cannot parse herald line: %r" % raw)


def herald_as_path(p):
    if not p:
        return ""
    out = []
    for k in sorted(p, key=lambda x: int(x)):
        seg = p[k]
        vals = " ".join(str(a) for a in seg.get("value", []))
        if seg.get("element") in ("as-set", "confederation-set"):
            out.append("{%s}" % vals)
        else:
            out.append(vals)
    return " ".join(x for x in out if x)


def herald_ext(e):
    s = e.get("string", "")
    m = re.match(r"^(target|origin):(.*)$", s)
    if m:
        return ("rt:" if m.group(1) == "target" else "ro:") + m.group(2)
    return s or str(e.get("value"))


def herald(args):
    neighbor = args[0]
    out = []
    for raw in read(args[1] if len(args) > 1 else None).splitlines():
        if not raw.strip():
            continue
        o, _ = parse_herald_line(raw)
        if o.get("neighbor") != neighbor:
            continue
        a = o.get("attribute", {})
        out.append(line(
            o["family"].replace(" ", "-"), o["nlri"], o.get("next-hop"), a.get("origin"),
            herald_as_path(a.get("as-path")), a.get("med"), a.get("local-preference"),
            ["%d:%d" % (x[0], x[1]) for x in a.get("community", [])],
            [herald_ext(x) for x in a.get("extended-community", [])],
            ["%d:%d:%d" % tuple(x) for x in a.get("large-community", [])],
            o.get("stale", False)))
    print("\n".join(sorted(out)))
    return 0


def jsoncheck(args):
    for n, raw in enumerate(read(args[0] if args else None).splitlines(), 1):
        if not raw.strip():
            continue
        try:
            o = json.loads(raw)
        except ValueError as e:
            print("line %d is not valid JSON (%s): %s" % (n, e, raw))
            return 1
        if not isinstance(o, (dict, list)):
            print("line %d is not a JSON object: %s" % (n, raw))
            return 1
    return 0


# ---- BIRD -------------------------------------------------------------------------------------

def bird_tuples(v):
    """'(65000,100) (65000,7)' or '(rt, 65000, 10)' -> [['65000','100'], ...]"""
    return [[x.strip() for x in t.split(",")] for t in re.findall(r"\(([^)]*)\)", v)]


def bird(args):
    ibgp = "--ibgp" in args
    files = [a for a in args if a != "--ibgp"]
    routes = birdroutes.parse(read(files[0] if files else None))
    out = []
    for prefix, rs in routes.items():
        for r in rs:
            a = dict(r["attrs"])
            fam = "ipv6-unicast" if ":" in prefix else "ipv4-unicast"
            nh = a.get("BGP.next_hop", "").split()
            origin = a.get("BGP.origin", "IGP").lower()
            lp = a.get("BGP.local_pref")
            if lp is None and ibgp:
                lp = "100"
            comm = [":".join(t) for t in bird_tuples(a.get("BGP.community", ""))]
            ext = [t[0] + ":" + ":".join(t[1:]) for t in bird_tuples(a.get("BGP.ext_community", ""))]
            large = [":".join(t) for t in bird_tuples(a.get("BGP.large_community", ""))]
            out.append(line(fam, prefix, nh[0] if nh else None, origin,
                            a.get("BGP.as_path", ""), a.get("BGP.med"), lp, comm, ext, large))
    print("\n".join(sorted(out)))
    return 0


# ---- GoBGP ------------------------------------------------------------------------------------

def gobgp_as_path(a):
    out = []
    for seg in a.get("as_paths") or []:
        vals = " ".join(str(x) for x in seg.get("asns") or [])
        out.append("{%s}" % vals if seg.get("segment_type") in (1, 4) else vals)
    return " ".join(x for x in out if x)


def gobgp_ext(c):
    t, st = c.get("type"), c.get("subtype")
    kind = {2: "rt", 3: "ro"}.get(st)
    if t in (0, 1, 2) and kind and "value" in c:
        return "%s:%s" % (kind, c["value"])
    return json.dumps(c, sort_keys=True, separators=(",", ":"))


def gobgp(args):
    out = []
    for path in args:
        text = read(path).strip()
        if not text:
            continue
        data = json.loads(text)
        for prefix, paths in (data or {}).items():
            for p in paths:
                fam = "ipv6-unicast" if ":" in prefix else "ipv4-unicast"
                nh = origin = med = lp = None
                as_path = ""
                comm, ext, large = [], [], []
                for a in p.get("attrs", []):
                    t = a.get("type")
                    if t == 1:
                        origin = ORIGINS.get(a.get("value"), str(a.get("value")))
                    elif t == 2:
                        as_path = gobgp_as_path(a)
                    elif t == 3:
                        nh = a.get("nexthop")
                    elif t == 4:
                        med = a.get("metric")
                    elif t == 5:
                        lp = a.get("value")
                    elif t == 8:
                        comm = ["%d:%d" % (c >> 16, c & 0xFFFF) for c in a.get("communities", [])]
                    elif t == 14:
                        nh = a.get("nexthop")
                    elif t == 16:
                        ext = [gobgp_ext(c) for c in a.get("value", [])]
                    elif t == 32:
                        large = ["%d:%d:%d" % (c["ASN"], c["LocalData1"], c["LocalData2"]) for c in a.get("value", [])]
                out.append(line(fam, prefix, nh, origin, as_path, med, lp, comm, ext, large))
    print("\n".join(sorted(out)))
    return 0


def stale(args):
    lines = [x for x in read(args[0] if args else None).splitlines() if x.strip()]
    print(len(lines), sum(1 for x in lines if x.endswith(" stale")))
    return 0


def logtime(args):
    from datetime import datetime
    path, rx = args[0], re.compile(args[1])
    n = int(args[2]) if len(args) > 2 else 1
    hits = []
    with open(path, errors="replace") as f:
        for raw in f:
            raw = re.sub(r"\x1b\[[0-9;]*m", "", raw)
            if rx.search(raw):
                hits.append(raw.split()[0])
    try:
        stamp = hits[n - 1] if n > 0 else hits[n]
    except IndexError:
        return 1
    print("%.6f" % datetime.fromisoformat(stamp).timestamp())
    return 0


def main():
    global BRIEF
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    cmd, args = sys.argv[1], sys.argv[2:]
    if "--brief" in args:
        BRIEF = True
        args = [a for a in args if a != "--brief"]
    if cmd == "logtime" and len(args) >= 2:
        return logtime(args)
    if cmd == "herald" and args:
        return herald(args)
    if cmd == "bird":
        return bird(args)
    if cmd == "gobgp":
        return gobgp(args)
    if cmd == "jsoncheck":
        return jsoncheck(args)
    if cmd == "stale":
        return stale(args)
    raise SystemExit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
