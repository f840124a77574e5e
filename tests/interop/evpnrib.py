#!/usr/bin/env python3
"""Fold what GoBGP and ExaBGP hold of EVPN routes into comparable lines
(tests/interop/herald-evpn.sh). Python 3 stdlib only.

  evpnrib.py gobgp RIB.json          `gobgp -j global rib -a evpn` -> one line per route:
                                     GoBGP's key | its NLRI fields (JSON) | next hop |
                                     extended communities (JSON) | PMSI tunnel (JSON)
  evpnrib.py exabgp RECORD PEER      ExaBGP JSON UPDATEs (exabgp-recorder.py) from PEER, announces
                                     minus withdrawals by "raw" -> one line per route:
                                     raw | name | next hop | extended communities | pmsi
  evpnrib.py eor RECORD PEER         exit 0 once RECORD has PEER's l2vpn evpn End-of-RIB

Lines are sorted; the script compares them with an expected file by `diff`.
"""

import json
import sys


def dumps(v):
    return json.dumps(v, sort_keys=True, separators=(",", ":"))


def gobgp(path):
    rib = json.load(open(path))
    out = []
    for key, paths in rib.items():
        for p in paths:
            nh, ec, pmsi = None, None, None
            for a in p.get("attrs", []):
                if a.get("type") == 14:
                    nh = a.get("nexthop")
                elif a.get("type") == 16:
                    ec = a.get("value")
                elif a.get("type") == 22:
                    pmsi = {k: v for k, v in a.items() if k != "type"}
            out.append(" | ".join([key, dumps(p["nlri"]["value"]), str(nh), dumps(ec), dumps(pmsi)]))
    return sorted(out)


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
        for e in u.get("withdraw", {}).get("l2vpn evpn", []):
            routes.pop(e.get("raw"), None)
        attrs = u.get("attribute", {})
        ec = [c.get("value") for c in attrs.get("extended-community", [])]
        for nh, entries in u.get("announce", {}).get("l2vpn evpn", {}).items():
            for e in entries:
                routes[e.get("raw")] = " | ".join(
                    [e.get("raw"), e.get("name", "?"), nh, dumps(ec), str(attrs.get("pmsi"))])
    return sorted(routes.values())


def eor(path, peer):
    for msg in messages(path, peer):
        if msg.get("eor") == {"afi": "l2vpn", "safi": "evpn"}:
            return True
    return False


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "gobgp":
        print("\n".join(gobgp(sys.argv[2])))
    elif cmd == "exabgp":
        print("\n".join(exabgp(sys.argv[2], sys.argv[3])))
    elif cmd == "eor":
        sys.exit(0 if eor(sys.argv[2], sys.argv[3]) else 1)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
