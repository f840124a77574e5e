#!/usr/bin/env python3
"""GoBGP 3's `gobgp -j global rib -a evpn|vpnv4` (stdin) as one sorted line per path, for
tests/interop/herald-vpn-evpn.sh:

  evpn:  mac-ip rd=RD esi=0 etag=N mac=MAC ip=IP vni=N nh=NH rt=RT[,RT] encap=vxlan
         multicast rd=RD etag=N ip=IP nh=NH rt=RT encap=vxlan pmsi=ingress-replication:LABEL:ID
  vpnv4: RD:PREFIX label=N nh=NH rt=RT[,RT]

Usage: vpnrib.py evpn|vpnv4 < gobgp.json
"""
import json
import sys

TUNNELS = {8: "vxlan", 10: "mpls", 11: "mpls-in-gre"}
PMSI = {6: "ingress-replication"}


def rd(v):
    return "%s:%s" % (v.get("admin"), v.get("assigned"))


def communities(attrs):
    rts, encaps = [], []
    for a in attrs:
        if a.get("type") != 16:
            continue
        for e in a.get("value") or []:
            if e.get("subtype") == 2 and "value" in e:
                rts.append(str(e["value"]))
            elif e.get("subtype") == 12:
                encaps.append(TUNNELS.get(e.get("tunnel_type"), str(e.get("tunnel_type"))))
    out = "rt=" + ",".join(sorted(rts))
    if encaps:
        out += " encap=" + ",".join(sorted(encaps))
    return out


def next_hop(attrs):
    for a in attrs:
        if a.get("type") == 14:
            return a.get("nexthop", "-")
    return "-"


def evpn(path):
    n = path["nlri"]
    v = n.get("value", {})
    attrs = path.get("attrs") or []
    tail = "nh=%s %s" % (next_hop(attrs), communities(attrs))
    if n.get("type") == 2:
        esi = v.get("esi")
        esi = "0" if esi in ("single-homed", None) else esi
        labels = ",".join(str(x) for x in v.get("labels") or [])
        ip = v.get("ip") or "-"
        return "mac-ip rd=%s esi=%s etag=%s mac=%s ip=%s vni=%s %s" % (
            rd(v["rd"]), esi, v.get("etag"), v.get("mac"), ip, labels, tail)
    if n.get("type") == 3:
        pmsi = "-"
        for a in attrs:
            if a.get("type") == 22:
                pmsi = "%s:%s:%s" % (PMSI.get(a.get("tunnel-type"), a.get("tunnel-type")),
                                     a.get("label"), a.get("tunnel-id"))
        return "multicast rd=%s etag=%s ip=%s %s pmsi=%s" % (
            rd(v["rd"]), v.get("etag"), v.get("ip"), tail, pmsi)
    return "type%s %s %s" % (n.get("type"), json.dumps(v, sort_keys=True), tail)


def vpnv4(path):
    v = path["nlri"]
    attrs = path.get("attrs") or []
    labels = ",".join(str(x) for x in v.get("labels") or [])
    return "%s:%s label=%s nh=%s %s" % (
        rd(v["rd"]), v.get("prefix"), labels, next_hop(attrs), communities(attrs))


def main():
    kind = sys.argv[1] if len(sys.argv) > 1 else "evpn"
    text = sys.stdin.read().strip()
    table = json.loads(text) if text else {}
    line = evpn if kind == "evpn" else vpnv4
    lines = [line(p) for paths in table.values() for p in paths]
    if lines:
        print("\n".join(sorted(lines)))


if __name__ == "__main__":
    main()
