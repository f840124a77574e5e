#!/usr/bin/env python3
"""Read `birdc show route [table T] all` output (BIRD 2) and check or normalise it.

    birdroutes.py check EXPECTED [--label TEXT] < birdc-output
        Exit 0 when the routes are exactly those of EXPECTED, else print every difference
        (missing/unexpected prefixes, per prefix the attribute lines that differ) and exit 1.
    birdroutes.py normalise < birdc-output
        Print the routes in a stable, comparable form (for parity diffs): prefixes sorted,
        the route line without protocol name, time stamp and "from ADDR", then the attribute
        lines in BIRD's order. `Table NAME:` lines are dropped.
    birdroutes.py json < birdc-output
        The parsed routes as JSON (debugging).

EXPECTED has one block per prefix: the prefix on a line of its own, then indented
`BGP.attr: value` lines, exactly as `birdc show route all` prints them (`Type:` lines and
the route line itself are not compared). Every BGP.* line BIRD shows must be listed, so a
missing line asserts that BIRD does NOT have the attribute. `#` starts a comment line.
"""

import json
import re
import sys

ROUTE_LINE = re.compile(
    r"^(?P<prefix>\S+)?\s+(?P<kind>\S+)\s+\[(?P<proto>\S+) (?P<since>[^\]]*?)(?: from (?P<from>\S+))?\]"
    r"(?P<rest>.*)$"
)


def parse(text):
    """{prefix: [ {"line": route line, "kind":..., "rest":..., "attrs": [(k, v), ...]} ]}"""
    routes = {}
    cur_prefix = None
    cur = None
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line or line.startswith("BIRD ") or line.startswith("Table "):
            continue
        if raw.startswith("\t"):
            if cur is None:
                raise SystemExit("attribute line before any route: %r" % raw)
            k, _, v = line.strip().partition(":")
            v = " ".join(v.split())
            if k == "Type":
                cur["type"] = v
                continue
            cur["attrs"].append((k, v))
            continue
        m = ROUTE_LINE.match(line)
        if not m:
            # e.g. "	via 1.2.3.4 on eth0" multipath lines start with a tab (handled above)
            raise SystemExit("unrecognised birdc line: %r" % raw)
        if m.group("prefix"):
            cur_prefix = m.group("prefix")
        if cur_prefix is None:
            raise SystemExit("route line without a prefix: %r" % raw)
        cur = {
            "kind": m.group("kind"),
            "proto": m.group("proto"),
            "from": m.group("from"),
            "rest": " ".join(m.group("rest").split()),
            "attrs": [],
        }
        routes.setdefault(cur_prefix, []).append(cur)
    return routes


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
                cur = exp.setdefault(s, [])
                continue
            if cur is None:
                raise SystemExit("%s: attribute line before any prefix: %r" % (path, line))
            k, _, v = s.partition(":")
            cur.append((k.strip(), " ".join(v.split())))
    return exp


def check(args):
    path = args[0]
    label = ""
    if len(args) >= 3 and args[1] == "--label":
        label = args[2] + ": "
    got = parse(sys.stdin.read())
    exp = parse_expected(path)
    problems = []
    for p in sorted(set(exp) - set(got)):
        problems.append("missing route %s" % p)
    for p in sorted(set(got) - set(exp)):
        problems.append("unexpected route %s (%s)" % (p, "; ".join("%s: %s" % kv for kv in got[p][0]["attrs"])))
    for p in sorted(set(exp) & set(got)):
        if len(got[p]) != 1:
            problems.append("%s: %d routes, expected exactly 1" % (p, len(got[p])))
            continue
        g = got[p][0]["attrs"]
        e = exp[p]
        gd, ed = dict(g), dict(e)
        for k, v in e:
            if k not in gd:
                problems.append("%s: %s missing (expected %r)" % (p, k, v))
            elif gd[k] != v:
                problems.append("%s: %s is %r, expected %r" % (p, k, gd[k], v))
        for k, v in g:
            if k not in ed:
                problems.append("%s: unexpected %s %r" % (p, k, v))
        if not problems and [k for k, _ in g] != [k for k, _ in e]:
            problems.append("%s: attribute order %s, expected %s" % (p, [k for k, _ in g], [k for k, _ in e]))
    if problems:
        print("%sBIRD's routes differ from the expected ones:" % label)
        for x in problems:
            print("  - " + x)
        return 1
    n = sum(len(v) for v in got.values())
    print("%s%d routes match (%s)" % (label, n, ", ".join(sorted(got))))
    return 0


def normalise():
    got = parse(sys.stdin.read())
    for p in sorted(got):
        for r in got[p]:
            print("%s %s %s" % (p, r["kind"], r["rest"]))
            for k, v in r["attrs"]:
                print("\t%s: %s" % (k, v))


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    cmd = sys.argv[1]
    if cmd == "check" and len(sys.argv) >= 3:
        return check(sys.argv[2:])
    if cmd == "normalise":
        normalise()
        return 0
    if cmd == "json":
        json.dump(parse(sys.stdin.read()), sys.stdout, indent=1)
        print()
        return 0
    raise SystemExit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
