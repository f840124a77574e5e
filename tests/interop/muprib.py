#!/usr/bin/env python3
"""Normalise what a receiver got in tests/interop/herald-mup.sh (Python 3 stdlib only).

    muprib.py sink SIDEFILE HEX...
        sink.py's hex lines (one message each): every UPDATE as one line per route,
        `announce|withdraw AFI/SAFI NLRI-HEX nh NEXT-HOP-HEX` then the path attributes as
        `FLAGS:TYPE:VALUE-HEX` sorted by type (MP_REACH/MP_UNREACH left out: their family, next
        hop and NLRI are the line's head). A NEXT_HOP attribute (type 3) in an UPDATE that has an
        MP_REACH_NLRI goes to SIDEFILE instead (`NLRI-HEX NEXT_HOP a MP_REACH b`), not compared.
        IPv4 unicast routes are `announce 1/1 NLRI-HEX ATTRIBUTES` and `withdraw 1/1 HEX`;
        End-of-RIB markers are `eor AFI/SAFI`. Lines are printed sorted.
    muprib.py gobgp SIDEFILE JSON...
        `gobgp -j global rib -a FAMILY` dumps: one line per path, the NLRI and attributes as
        sorted JSON, volatile fields (age, best, source-id) dropped; NEXT_HOP attributes next to
        an MP_REACH_NLRI go to SIDEFILE as for `sink`.
    muprib.py has FILE TEXT...
        Exit 0 when every TEXT is a substring of some line of FILE (prints the missing ones).
"""

import json
import struct
import sys


def attrs_of(body):
    wl = struct.unpack("!H", body[:2])[0]
    withdrawn = body[2:2 + wl]
    p = 2 + wl
    al = struct.unpack("!H", body[p:p + 2])[0]
    a = body[p + 2:p + 2 + al]
    nlri = body[p + 2 + al:]
    out = []
    i = 0
    while i < len(a):
        flags, t = a[i], a[i + 1]
        if flags & 0x10:
            n = struct.unpack("!H", a[i + 2:i + 4])[0]
            v = a[i + 4:i + 4 + n]
            i += 4 + n
        else:
            n = a[i + 2]
            v = a[i + 3:i + 3 + n]
            i += 3 + n
        out.append((flags & ~0x10 & 0xff, t, v))
    return withdrawn, out, nlri


def mp_routes(v, reach):
    """(afi/safi, next hop hex, [NLRI hex]) of an MP attribute; NLRI split per family."""
    afi, safi = struct.unpack("!HB", v[:3])
    p = 3
    nh = b""
    if reach:
        nl = v[3]
        nh = v[4:4 + nl]
        p = 4 + nl + 1  # reserved octet
    data = v[p:]
    routes = []
    while data:
        if safi == 85:  # MUP: arch (1), type (2), length (1)
            n = 4 + data[3]
        elif safi in (4, 128):  # labeled / VPN: length in bits
            n = 1 + (data[0] + 7) // 8
        else:
            n = len(data)
        routes.append(data[:n].hex().upper())
        data = data[n:]
    return "%d/%d" % (afi, safi), nh.hex().upper(), routes


def sink(side, files):
    lines, notes = [], []
    for f in files:
        for raw in open(f):
            m = bytes.fromhex(raw.strip())
            if len(m) < 19 or m[18] != 2:
                continue
            withdrawn, attrs, nlri = attrs_of(m[19:])
            mp = [(t, v) for _, t, v in attrs if t in (14, 15)]
            if not mp and not withdrawn and not nlri:
                lines.append("eor 1/1")
                continue
            rest = sorted(("%02X:%d:%s" % (fl, t, v.hex().upper()), t) for fl, t, v in attrs
                          if t not in (14, 15))
            if withdrawn:
                lines.append("withdraw 1/1 " + withdrawn.hex().upper())
            if nlri:
                lines.append(" ".join(["announce 1/1 " + nlri.hex().upper()] + [s for s, _ in rest]))
            for t, v in mp:
                fam, nh, routes = mp_routes(v, t == 14)
                if t == 15 and not routes:
                    lines.append("eor " + fam)
                    continue
                kept = []
                for s, code in rest:
                    if code == 3 and t == 14:
                        notes.append("%s NEXT_HOP %s MP_REACH %s\n" % (routes, s.split(":")[2], nh))
                        continue
                    kept.append(s)
                for r in routes:
                    head = "%s %s %s nh %s" % ("announce" if t == 14 else "withdraw", fam, r, nh)
                    lines.append(" ".join([head] + (kept if t == 14 else [])))
    for l in sorted(lines):
        print(l)
    with open(side, "w") as f:
        f.writelines(sorted(notes))


def gobgp(side, files):
    lines, notes = [], []
    for f in files:
        text = open(f).read().strip()
        if not text:
            continue
        for key, paths in json.loads(text).items():
            for p in paths:
                attrs = p.get("attrs") or []
                mp = [a.get("nexthop") for a in attrs if a.get("type") == 14]
                kept = []
                for a in attrs:
                    if a.get("type") == 3 and mp:
                        notes.append("%s NEXT_HOP %s MP_REACH %s\n" % (key, a.get("nexthop"), mp[0]))
                        continue
                    kept.append(a)
                kept.sort(key=lambda a: a.get("type", 0))
                lines.append("%s from %s nlri %s attrs %s" % (
                    key, p.get("neighbor-ip"), json.dumps(p.get("nlri"), sort_keys=True),
                    json.dumps(kept, sort_keys=True)))
    for l in sorted(lines):
        print(l)
    with open(side, "w") as f:
        f.writelines(sorted(notes))


def has(path, wanted):
    text = open(path).read().splitlines()
    missing = [w for w in wanted if not any(w in l for l in text)]
    for w in missing:
        print("missing: " + w)
    return 1 if missing else 0


if __name__ == "__main__":
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    cmd = sys.argv[1]
    if cmd == "sink":
        sink(sys.argv[2], sys.argv[3:])
    elif cmd == "gobgp":
        gobgp(sys.argv[2], sys.argv[3:])
    elif cmd == "has":
        sys.exit(has(sys.argv[2], sys.argv[3:]))
    else:
        raise SystemExit(__doc__)
