#!/usr/bin/env python3
"""Generate one route table, from a fixed seed, in every injector's format.

usage: gen.py FAMILY N OUTDIR      (FAMILY: ipv4 | ipv6)

The table: N prefixes (IPv4 /24 from 16.0.0.0, IPv6 /48 from 2400::), about one attribute set
per 30 prefixes (ceil(N / 30) sets), each prefix given a set at random. A set has ORIGIN IGP, an
AS path of 1-8 hops (the first from a pool of 40 neighbour ASes), 0-6 communities, and the next
hop 198.51.100.1 (IPv4) or 2001:db8::1 (IPv6). Same seed, same N: same table, byte for byte.

Files written to OUTDIR:
  static.conf     `route P next-hop NH as-path [ .. ] community [ .. ];` lines (herald, ExaBGP)
  api-line.txt    one `announce route ...` per prefix (the text API, herald and ExaBGP)
  api-group.txt   one `announce attributes ... nlri P1 P2 ...` per attribute set, at most 1,000
                  prefixes a line (the API's batched form)
  gobgp.mrt       TABLE_DUMP_V2 (RFC 6396) for `gobgp mrt inject global`
  bird.conf       BIRD 2 static routes, each setting its path and communities
  frr.conf        FRR bgpd `network P route-map SETn` lines and one route-map per set
  feed.bin        the pre-encoded UPDATE stream for the raw feeder: one UPDATE per (set, up to
                  4,096 octets), AS4 paths, LOCAL_PREF 100 (IBGP), End-of-RIB last
  meta.json       family, N, sets, octets of UPDATEs
"""
import ipaddress
import json
import os
import random
import struct
import sys

SEED = 20261203
NH4 = "198.51.100.1"
NH6 = "2001:db8::1"
PER_SET = 30
MRT_FILLER = 5000


def prefixes(family, n):
    if family == "ipv4":
        base = int(ipaddress.IPv4Address("16.0.0.0"))
        return [(ipaddress.IPv4Address(base + (i << 8)), 24) for i in range(n)]
    base = int(ipaddress.IPv6Address("2400::"))
    return [(ipaddress.IPv6Address(base + (i << 80)), 48) for i in range(n)]


def attribute_sets(rng, count):
    pool = [rng.randrange(1000, 64000) for _ in range(40)]
    sets = []
    for _ in range(count):
        hops = rng.randint(1, 8)
        path = [rng.choice(pool)] + [rng.randrange(1, 400000) for _ in range(hops - 1)]
        comms = sorted({(path[0] & 0xFFFF, rng.randrange(0, 65536)) for _ in range(rng.randint(0, 6))})
        sets.append((path, comms))
    return sets


def attrs_text(path, comms):
    text = " as-path [ " + " ".join(map(str, path)) + " ]"
    if comms:
        text += " community [ " + " ".join(f"{a}:{b}" for a, b in comms) + " ]"
    return text


def attr(flags, code, body):
    if len(body) > 255:
        return struct.pack("!BBH", flags | 0x10, code, len(body)) + body
    return struct.pack("!BBB", flags, code, len(body)) + body


def path_attrs(path, comms, family, for_mrt=False):
    """Path attributes in type-code order; MP_REACH carries `nlri` (bytes) for the feed."""
    out = [attr(0x40, 1, b"\x00")]
    out.append(attr(0x40, 2, struct.pack("!BB", 2, len(path)) + b"".join(struct.pack("!I", a) for a in path)))
    if family == "ipv4":
        out.append(attr(0x40, 3, ipaddress.IPv4Address(NH4).packed))
    if not for_mrt:
        out.append(attr(0x40, 5, struct.pack("!I", 100)))
    if comms:
        out.append(attr(0xC0, 8, b"".join(struct.pack("!HH", a, b) for a, b in comms)))
    return b"".join(out)


def nlri(addr, plen):
    return bytes([plen]) + addr.packed[: (plen + 7) // 8]


def update(attrs, family, routes):
    if family == "ipv4":
        body = struct.pack("!H", 0) + struct.pack("!H", len(attrs)) + attrs + routes
    else:
        mp = struct.pack("!HBB", 2, 1, 16) + ipaddress.IPv6Address(NH6).packed + b"\x00" + routes
        # MP_REACH_NLRI (type 14) last: attributes in type-code order.
        attrs = attrs + attr(0x80, 14, mp)
        body = struct.pack("!H", 0) + struct.pack("!H", len(attrs)) + attrs
    return b"\xff" * 16 + struct.pack("!HB", 19 + len(body), 2) + body


def end_of_rib(family):
    if family == "ipv4":
        return b"\xff" * 16 + struct.pack("!HBHH", 23, 2, 0, 0)
    mp_unreach = attr(0x80, 15, struct.pack("!HB", 2, 1))
    return b"\xff" * 16 + struct.pack("!HBHH", 23 + len(mp_unreach), 2, 0, len(mp_unreach)) + mp_unreach


def feed(family, table, sets):
    """One UPDATE per attribute set (more when its prefixes exceed 4,096 octets)."""
    by_set = {}
    for i, (addr, plen, s) in enumerate(table):
        by_set.setdefault(s, []).append(nlri(addr, plen))
    out = bytearray()
    for s in sorted(by_set):
        path, comms = sets[s]
        attrs = path_attrs(path, comms, family)
        room = 4096 - 19 - 4 - len(attrs) - (3 + 4 + 16 + 1 if family == "ipv6" else 0)
        chunk = b""
        for r in by_set[s]:
            if len(chunk) + len(r) > room:
                out += update(attrs, family, chunk)
                chunk = b""
            chunk += r
        if chunk:
            out += update(attrs, family, chunk)
    return bytes(out) + end_of_rib(family)


def mrt(family, table, sets):
    """TABLE_DUMP_V2: PEER_INDEX_TABLE, then one RIB entry per prefix (RFC 6396 §4.3).

    IPv6 entries carry a full MP_REACH_NLRI header (AFI, SAFI, next hop, no NLRI), which GoBGP
    3.10 requires, rather than RFC 6396 §4.3.4's abbreviated next-hop-only form. After the table
    come MRT_FILLER routes of the other family: `gobgp mrt inject` (3.10) can drop the last
    entries it read when the client exits, and the session under test does not carry that
    family, so the fillers stay in GoBGP and only the real table's tail is safe."""
    ts = 1764720000
    peer = ipaddress.IPv4Address(NH4).packed
    body = peer + struct.pack("!HH", 0, 1) + b"\x02" + peer + peer + struct.pack("!I", 65001)
    out = [struct.pack("!IHHI", ts, 13, 1, len(body)) + body]
    other = "ipv6" if family == "ipv4" else "ipv4"
    fillers = [(a, p, 0) for a, p in prefixes(other, MRT_FILLER)]
    attrs_of = {}
    for seq, (fam, (addr, plen, s)) in enumerate([(family, r) for r in table] + [(other, r) for r in fillers]):
        a = attrs_of.get((fam, s))
        if a is None:
            path, comms = sets[s]
            a = path_attrs(path, comms, fam, for_mrt=True)
            if fam == "ipv6":
                a += attr(0x80, 14, struct.pack("!HBB", 2, 1, 16) + ipaddress.IPv6Address(NH6).packed + b"\x00")
            attrs_of[(fam, s)] = a
        entry = struct.pack("!HIH", 0, ts, len(a)) + a
        rec = struct.pack("!I", seq) + nlri(addr, plen) + struct.pack("!H", 1) + entry
        out.append(struct.pack("!IHHI", ts, 13, 2 if fam == "ipv4" else 4, len(rec)) + rec)
    return b"".join(out)


def main():
    family, n, outdir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if family not in ("ipv4", "ipv6"):
        sys.exit("family must be ipv4 or ipv6")
    os.makedirs(outdir, exist_ok=True)
    rng = random.Random(f"{SEED}-{family}-{n}")
    nsets = max(1, (n + PER_SET - 1) // PER_SET)
    sets = attribute_sets(rng, nsets)
    table = [(addr, plen, rng.randrange(nsets)) for addr, plen in prefixes(family, n)]
    nh = NH4 if family == "ipv4" else NH6
    texts = [attrs_text(*s) for s in sets]

    def write(name, lines):
        with open(os.path.join(outdir, name), "w") as f:
            f.writelines(lines)

    write("static.conf", (f"        route {a}/{p} next-hop {nh}{texts[s]};\n" for a, p, s in table))
    write("api-line.txt", (f"announce route {a}/{p} next-hop {nh}{texts[s]}\n" for a, p, s in table))
    groups = {}
    for a, p, s in table:
        groups.setdefault(s, []).append(f"{a}/{p}")
    lines = []
    for s in sorted(groups):
        ps = groups[s]
        for i in range(0, len(ps), 1000):
            lines.append(f"announce attributes next-hop {nh}{texts[s]} nlri {' '.join(ps[i:i + 1000])}\n")
    write("api-group.txt", lines)

    def bird_route(a, p, s):
        path, comms = sets[s]
        stmts = "bgp_path = +empty+; " + "".join(f"bgp_path.prepend({x}); " for x in reversed(path))
        stmts += "".join(f"bgp_community.add(({x},{y})); " for x, y in comms)
        return f"    route {a}/{p} blackhole {{ {stmts}}};\n"

    write("bird.conf", (bird_route(a, p, s) for a, p, s in table))

    frr = []
    for i, (path, comms) in enumerate(sets):
        frr.append(f"route-map SET{i} permit 10\n set as-path prepend {' '.join(map(str, path))}\n")
        if comms:
            frr.append(f" set community {' '.join(f'{x}:{y}' for x, y in comms)}\n")
        if family == "ipv4":
            frr.append(f" set ip next-hop {NH4}\n")
        else:
            frr.append(f" set ipv6 next-hop global {NH6}\n")
        frr.append("exit\n")
    frr.append("!NETWORKS\n")
    frr.extend(f"  network {a}/{p} route-map SET{s}\n" for a, p, s in table)
    write("frr.conf", frr)

    blob = feed(family, table, sets)
    with open(os.path.join(outdir, "feed.bin"), "wb") as f:
        f.write(blob)
    with open(os.path.join(outdir, "gobgp.mrt"), "wb") as f:
        f.write(mrt(family, table, sets))
    with open(os.path.join(outdir, "meta.json"), "w") as f:
        json.dump({"family": family, "routes": n, "attribute_sets": nsets, "feed_octets": len(blob), "seed": SEED}, f)


if __name__ == "__main__":
    main()
