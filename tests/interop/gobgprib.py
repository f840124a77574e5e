#!/usr/bin/env python3
"""Turn `gobgp -j global rib -a ipv4|ipv6` JSON (GoBGP 3) into comparable text, and check it.

    gobgprib.py normalise RIB.json...
        Print every path as a block: `PREFIX from NEIGHBOR` then one indented line per path
        attribute, in the order GoBGP lists them (the order they were received in), values
        decoded to readable text. Volatile fields (age, best, source-id) are dropped.
    gobgprib.py check EXPECTED RIB.json... [--label TEXT]
        Exit 0 when the paths are exactly those of EXPECTED (same prefixes, same neighbor, the
        same attribute lines in the same order), else print the differences and exit 1.

Attribute lines (one per attribute, named after the attribute):
    origin: igp|egp|incomplete
    as_path: 64510 64511 {64520 64521}          ({...} = AS_SET, (...) = confed sequence)
    next_hop: 198.51.100.1                        (NEXT_HOP, or the MP_REACH next hop)
    med: 10
    local_pref: 200
    atomic_aggregate:
    aggregator: 64510:192.0.2.9
    communities: 65000:100 65535:65281            (numeric, in received order)
    originator_id: 192.0.2.7
    cluster_list: 192.0.2.5 192.0.2.6
    ext_communities: rt-as2:65000:10 ro-ip:192.0.2.1:20 rt-as4:4200000001:40 ...
                     (rt/ro = route target/origin; as2, ip, as4 = the RFC 4360/5668 type)
    large_communities: 65000:1:2 4200000001:3:4
Anything else is shown as `attr-<type>: <json>`.
"""

import json
import sys

ORIGIN = {0: "igp", 1: "egp", 2: "incomplete"}
SEG = {1: ("{", "}"), 2: ("", ""), 3: ("(", ")"), 4: ("[", "]")}
EXT_TYPE = {0: "as2", 1: "ip", 2: "as4"}
EXT_SUB = {2: "rt", 3: "ro"}


def asplain(s):
    """GoBGP prints 4-octet ASNs in ext communities as asdot (64086.59905)."""
    if "." in s and s.count(".") == 1:
        hi, lo = s.split(".")
        return str(int(hi) * 65536 + int(lo))
    return s


def ext(c):
    t, st = c.get("type"), c.get("subtype")
    if t in EXT_TYPE and st in EXT_SUB and "value" in c:
        g, _, l = c["value"].rpartition(":")
        if t == 2:
            g = asplain(g)
        return "%s-%s:%s:%s" % (EXT_SUB[st], EXT_TYPE[t], g, l)
    return json.dumps(c, sort_keys=True, separators=(",", ":"))


def as_path(a):
    out = []
    for seg in a.get("as_paths") or []:
        o, c = SEG.get(seg.get("segment_type"), ("?", "?"))
        asns = " ".join(str(x) for x in seg.get("asns") or [])
        out.append(o + asns + c if o else asns)
    return " ".join(out)


def attr_line(a):
    t = a.get("type")
    if t == 1:
        return "origin", ORIGIN.get(a.get("value"), str(a.get("value")))
    if t == 2:
        return "as_path", as_path(a)
    if t == 3:
        return "next_hop", a.get("nexthop", "")
    if t == 4:
        return "med", str(a.get("metric"))
    if t == 5:
        return "local_pref", str(a.get("value"))
    if t == 6:
        return "atomic_aggregate", ""
    if t == 7:
        return "aggregator", "%s:%s" % (a.get("as"), a.get("address"))
    if t == 8:
        return "communities", " ".join("%d:%d" % (c >> 16, c & 0xFFFF) for c in a.get("communities") or [])
    if t == 9:
        return "originator_id", str(a.get("value"))
    if t == 10:
        return "cluster_list", " ".join(a.get("value") or [])
    if t == 14:
        return "next_hop", a.get("nexthop", "")
    if t == 16:
        return "ext_communities", " ".join(ext(c) for c in a.get("value") or [])
    if t == 32:
        return "large_communities", " ".join(
            "%s:%s:%s" % (c.get("ASN"), c.get("LocalData1"), c.get("LocalData2")) for c in a.get("value") or []
        )
    rest = {k: v for k, v in a.items() if k != "type"}
    return "attr-%s" % t, json.dumps(rest, sort_keys=True, separators=(",", ":"))


def load(files):
    """{(prefix, neighbor): [(name, value), ...]}"""
    paths = {}
    for f in files:
        with open(f) as fh:
            text = fh.read().strip()
        if not text:
            continue
        rib = json.loads(text)
        for prefix, plist in rib.items():
            for p in plist:
                key = (prefix, p.get("neighbor-ip", "?"))
                if key in paths:
                    raise SystemExit("two paths for %s from %s" % key)
                lines = []
                for a in p.get("attrs") or []:
                    lines.append(attr_line(a))
                if p.get("stale"):
                    lines.append(("stale", "true"))
                paths[key] = lines
    return paths


def parse_expected(path):
    exp = {}
    cur = None
    with open(path) as f:
        for raw in f:
            line = raw.rstrip("\n")
            s = line.strip()
            if not s or s.startswith("#"):
                continue
            if not line[0].isspace():
                prefix, sep, nb = s.partition(" from ")
                if not sep:
                    raise SystemExit("%s: expected 'PREFIX from NEIGHBOR', got %r" % (path, s))
                cur = exp.setdefault((prefix.strip(), nb.strip()), [])
                continue
            if cur is None:
                raise SystemExit("%s: attribute line before any prefix: %r" % (path, line))
            k, _, v = s.partition(":")
            cur.append((k.strip(), " ".join(v.split())))
    return exp


def fmt(key):
    return "%s from %s" % key


def check(args):
    label = ""
    if "--label" in args:
        i = args.index("--label")
        label = args[i + 1] + ": "
        args = args[:i] + args[i + 2 :]
    exp = parse_expected(args[0])
    got = load(args[1:])
    problems = []
    for k in sorted(set(exp) - set(got)):
        problems.append("missing path %s" % fmt(k))
    for k in sorted(set(got) - set(exp)):
        problems.append("unexpected path %s: %s" % (fmt(k), "; ".join("%s: %s" % x for x in got[k])))
    for k in sorted(set(exp) & set(got)):
        g, e = got[k], exp[k]
        gd, ed = dict(g), dict(e)
        mine = []
        for n, v in e:
            if n not in gd:
                mine.append("%s: %s missing (expected %r)" % (fmt(k), n, v))
            elif gd[n] != v:
                mine.append("%s: %s is %r, expected %r" % (fmt(k), n, gd[n], v))
        for n, v in g:
            if n not in ed:
                mine.append("%s: unexpected %s %r" % (fmt(k), n, v))
        if not mine and [n for n, _ in g] != [n for n, _ in e]:
            mine.append("%s: attribute order %s, expected %s" % (fmt(k), [n for n, _ in g], [n for n, _ in e]))
        problems += mine
    if problems:
        print("%sGoBGP's RIB differs from the expected one:" % label)
        for p in problems:
            print("  - " + p)
        return 1
    print("%s%d paths match" % (label, len(got)))
    return 0


def normalise(files):
    got = load(files)
    for k in sorted(got):
        print(fmt(k))
        for n, v in got[k]:
            print("\t%s: %s" % (n, v))


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "normalise":
        normalise(sys.argv[2:])
        return 0
    if len(sys.argv) >= 4 and sys.argv[1] == "check":
        return check(sys.argv[2:])
    raise SystemExit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
