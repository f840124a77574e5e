#!/usr/bin/env python3
"""Fold what a receiver holds of MCAST-VPN routes (RFC 6514, AFI 1/2 SAFI 5) into comparable
lines (tests/interop/herald-mvpn.sh). Python 3 stdlib only.

  mvpnrib.py exabgp RECORD PEER   ExaBGP JSON UPDATEs (exabgp-recorder.py) from PEER, announces
                                  minus withdrawals by family and "raw" -> one line per route:
                                  family | raw | name | rd | source-as | source | group |
                                  next hop | origin | local-preference | extended communities
  mvpnrib.py sink HEX             sink.py's hex messages -> one line per route, the same fold on
                                  the octets: family | NLRI | MP_REACH next hop | the other
                                  attributes (flags, type, value), NEXT_HOP left out (ExaBGP adds
                                  one beside MP_REACH_NLRI; RFC 4760 §3 has the receiver ignore it)
  mvpnrib.py eor RECORD PEER      exit 0 once RECORD has PEER's End-of-RIB for ipv4 and ipv6
                                  mcast-vpn
  mvpnrib.py count RECORD PEER    the number of MCAST-VPN announcements and withdrawals from PEER
Lines are sorted; the script compares them with each other and with expected files by `diff`.
"""

import json
import sys

FAMILIES = ("ipv4 mcast-vpn", "ipv6 mcast-vpn")


def dumps(v):
    return json.dumps(v, sort_keys=True, separators=(",", ":"))


def messages(path, peer):
    for line in open(path):
        line = line.strip()
        if not line:
            continue
        try:
            m = json.loads(line)
        except ValueError:
            continue
        n = m.get("neighbor", {})
        if m.get("type") != "update" or n.get("address", {}).get("peer") != peer:
            continue
        yield n.get("message", {})


def exabgp(path, peer):
    routes = {}
    for msg in messages(path, peer):
        u = msg.get("update")
        if not u:
            continue
        for fam in FAMILIES:
            for e in u.get("withdraw", {}).get(fam, []):
                routes.pop((fam, e.get("raw")), None)
        attrs = u.get("attribute", {})
        ec = sorted(c.get("string") or str(c.get("value")) for c in attrs.get("extended-community", []))
        for fam in FAMILIES:
            for nh, entries in u.get("announce", {}).get(fam, {}).items():
                for e in entries:
                    fields = [fam, e.get("raw"), e.get("name", "?"), str(e.get("rd")),
                              str(e.get("source-as", "-")), str(e.get("source")), str(e.get("group")),
                              nh, str(attrs.get("origin")), str(attrs.get("local-preference")),
                              dumps(ec)]
                    routes[(fam, e.get("raw"))] = " | ".join(fields)
    return sorted(routes.values())


def eor(path, peer):
    seen = set()
    for msg in messages(path, peer):
        e = msg.get("eor")
        if e and e.get("safi") == "mcast-vpn":
            seen.add(e.get("afi"))
    return seen == {"ipv4", "ipv6"}


def count(path, peer):
    n = 0
    for msg in messages(path, peer):
        u = msg.get("update") or {}
        for fam in FAMILIES:
            n += len(u.get("withdraw", {}).get(fam, []))
            n += sum(len(v) for v in u.get("announce", {}).get(fam, {}).values())
    return n


def attributes(b):
    """(flags, type, value) of each path attribute of an attribute block."""
    i = 0
    while i < len(b):
        flags, code = b[i], b[i + 1]
        if flags & 0x10:
            n = int.from_bytes(b[i + 2:i + 4], "big")
            i += 4
        else:
            n = b[i + 2]
            i += 3
        yield flags, code, b[i:i + n]
        i += n


def nlris(b):
    """Route type, length, value: each MCAST-VPN NLRI (no ADD-PATH on these sessions)."""
    i = 0
    while i + 2 <= len(b):
        n = b[i + 1]
        yield b[i:i + 2 + n]
        i += 2 + n
    if i != len(b):
        raise ValueError("MCAST-VPN NLRI overruns the attribute")


def sink(path):
    routes = {}
    names = {1: "ipv4", 2: "ipv6"}
    for line in open(path):
        m = bytes.fromhex(line.strip())
        if len(m) < 23 or m[18] != 2:
            continue
        wlen = int.from_bytes(m[19:21], "big")
        alen = int.from_bytes(m[21 + wlen:23 + wlen], "big")
        block = m[23 + wlen:23 + wlen + alen]
        other, reach, unreach = [], None, None
        for flags, code, value in attributes(block):
            if code == 14:
                reach = value
            elif code == 15:
                unreach = value
            elif code != 3:
                other.append(f"{flags:02X}:{code}:{value.hex().upper()}")
        if unreach is not None and unreach[2] == 5:
            fam = f"{names.get(unreach[1], unreach[1])} mcast-vpn"
            for n in nlris(unreach[3:]):
                routes.pop((fam, n.hex().upper()), None)
        if reach is not None and reach[2] == 5:
            fam = f"{names.get(reach[1], reach[1])} mcast-vpn"
            nhlen = reach[3]
            nh = reach[4:4 + nhlen].hex().upper()
            rest = reach[4 + nhlen + 1:]
            for n in nlris(rest):
                key = (fam, n.hex().upper())
                routes[key] = " | ".join([fam, key[1], nh, " ".join(sorted(other))])
    return sorted(routes.values())


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "exabgp":
        print("\n".join(exabgp(sys.argv[2], sys.argv[3])))
    elif cmd == "sink":
        print("\n".join(sink(sys.argv[2])))
    elif cmd == "eor":
        sys.exit(0 if eor(sys.argv[2], sys.argv[3]) else 1)
    elif cmd == "count":
        print(count(sys.argv[2], sys.argv[3]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
