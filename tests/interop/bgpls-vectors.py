#!/usr/bin/env python3
"""Build the BGP-LS (RFC 9552) UPDATE vectors and their ExaBGP oracle.

No peer on this machine can originate BGP-LS (GoBGP 3.10's CLI refuses `-a ls`, BIRD and FRR
have no BGP-LS producer), so the UPDATEs are built here, field by field, as a router's BGP-LS
feed carries them: an IS-IS level-2 area (two routers, a point-to-point link, a pseudonode LAN,
IPv4/IPv6 prefixes, SR-MPLS SIDs, SRv6), an OSPFv2 area (node, broadcast link with a DR,
intra-area and external prefixes), an OSPFv3 prefix, a BGP EPE node (RFC 9086 descriptors
herald keeps raw), a BGP-LS-VPN node, an NLRI type and attribute TLVs nobody decodes, and
withdrawals and End-of-RIBs.

    tests/interop/bgpls-vectors.py --write [--exabgp PATH]   # rewrite the committed files
    tests/interop/bgpls-vectors.py --check [--exabgp PATH]   # compare with the committed files

--write writes crates/herald-wire/tests/vectors/bgpls.txt (the messages, hex with header) and
bgpls.exabgp.jsonl: `exabgp decode -c tests/interop/vector-configs/decode-bgpls.conf <hex>` of
every UPDATE, one line each, time/host/pid/ppid normalised as capture-evpn.sh does. --check
rebuilds both in memory and fails if either differs from what is committed (it needs ExaBGP).
"""
import argparse
import json
import os
import re
import struct
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
VECTORS = os.path.join(ROOT, 'crates', 'herald-wire', 'tests', 'vectors')
DECODE_CONF = 'tests/interop/vector-configs/decode-bgpls.conf'
NEXT_HOP = bytes([127, 0, 23, 1])


def tlv(t, v):
    return struct.pack('!HH', t, len(v)) + v


def u32(n):
    return struct.pack('!I', n)


def f32(x):
    return struct.pack('!f', x)


def ip4(s):
    return bytes(int(p) for p in s.split('.'))


def ip6(s):
    import ipaddress
    return ipaddress.IPv6Address(s).packed


def node_desc(asn=65001, ls_id=0, area=None, router=None, extra=b''):
    v = tlv(512, u32(asn)) + tlv(513, u32(ls_id))
    if area is not None:
        v += tlv(514, ip4(area))
    if router is not None:
        v += tlv(515, router)
    return v + extra


def ls_nlri(kind, proto, tlvs, ident=0, rd=None):
    body = struct.pack('!BQ', proto, ident) + tlvs
    if rd is not None:
        body = rd + body
    return struct.pack('!HH', kind, len(body)) + body


def attr(flags, code, value):
    if len(value) > 255:
        return struct.pack('!BBH', flags | 0x10, code, len(value)) + value
    return struct.pack('!BBB', flags, code, len(value)) + value


def update(nlri=b'', ls=None, safi=71, withdraw=b'', eor=False):
    attrs = b''
    if nlri:
        attrs += attr(0x40, 1, b'\x00') + attr(0x40, 2, b'') + attr(0x40, 5, u32(100))
        # BGP-LS-VPN's next hop is a (zero) route distinguisher and the address.
        nh = NEXT_HOP if safi == 71 else bytes(8) + NEXT_HOP
        mp = struct.pack('!HBB', 16388, safi, len(nh)) + nh + b'\x00' + nlri
        attrs += attr(0x80, 14, mp)
        if ls is not None:
            attrs += attr(0x80, 29, ls)
    if withdraw or eor:
        attrs += attr(0x80, 15, struct.pack('!HB', 16388, safi) + withdraw)
    body = struct.pack('!H', 0) + struct.pack('!H', len(attrs)) + attrs
    return b'\xff' * 16 + struct.pack('!HB', 19 + len(body), 2) + body


R1 = bytes.fromhex('192168000001')  # IS-IS System-IDs 1921.6800.0001 …
R2 = bytes.fromhex('192168000002')
ISIS = 2  # IS-IS level 2
OSPF = 3  # OSPFv2


def messages():
    out = []
    # 1. IS-IS node r1: flags, name, area 49.0001, TE router IDs, SR-MPLS capabilities, SRv6.
    n1 = ls_nlri(1, ISIS, tlv(256, node_desc(router=R1)))
    out.append(('isis node r1', update(n1, (
        tlv(1024, b'\x00') + tlv(1026, b'r1.lab') + tlv(1027, bytes.fromhex('490001'))
        + tlv(1028, ip4('192.0.2.1')) + tlv(1029, ip6('2001:db8::1'))
        + tlv(1034, b'\x80\x00' + b'\x00\x1f\x40' + tlv(1161, b'\x00\x3e\x80'))
        + tlv(1035, b'\x00\x01') + tlv(1038, b'\x00\x00\x00\x00')))))
    # 2. IS-IS node r2 with the overload (O) bit, and the pseudonode of r2's LAN (System-ID + 1).
    n2 = ls_nlri(1, ISIS, tlv(256, node_desc(router=R2)))
    psn = ls_nlri(1, ISIS, tlv(256, node_desc(router=R2 + b'\x01')))
    out.append(('isis node r2', update(n2, tlv(1024, b'\x80') + tlv(1026, b'r2.lab')
                                       + tlv(1027, bytes.fromhex('490001'))
                                       + tlv(1028, ip4('192.0.2.2')))))
    out.append(('isis pseudonode', update(psn)))
    # 3. IS-IS point-to-point link r1 -> r2: TE and SR attributes, two adjacency SIDs (labels
    # 24001 with the B (protected) flag, and 24002).
    link = ls_nlri(2, ISIS, tlv(256, node_desc(router=R1)) + tlv(257, node_desc(router=R2))
                   + tlv(258, u32(21) + u32(34)) + tlv(259, ip4('10.0.12.1'))
                   + tlv(260, ip4('10.0.12.2')) + tlv(263, b'\x00\x00'))
    out.append(('isis link r1-r2', update(link, (
        tlv(1028, ip4('192.0.2.1')) + tlv(1030, ip4('192.0.2.2'))
        + tlv(1088, u32(0x10)) + tlv(1089, f32(1.25e9)) + tlv(1090, f32(1.0e9))
        + tlv(1091, b''.join(f32(x) for x in (1.0e9, 1.0e9, 7.5e8, 7.5e8, 5.0e8, 5.0e8, 2.5e8, 0.0)))
        + tlv(1092, u32(100)) + tlv(1093, b'\x08\x00') + tlv(1094, b'\xc0')
        + tlv(1095, b'\x00\x00\x0a') + tlv(1096, u32(100) + u32(200))
        + tlv(1098, b'r1:ge-0/0/0')
        + tlv(1099, b'\x34\x00\x00\x00' + b'\x00\x5d\xc1')
        + tlv(1099, b'\x30\x00\x00\x00' + b'\x00\x5d\xc2')))))
    # 4. IS-IS LAN link r2 -> pseudonode, IPv6 interface, MT 2, a LAN adjacency SID and SRv6 End.X.
    lan = ls_nlri(2, ISIS, tlv(256, node_desc(router=R2)) + tlv(257, node_desc(router=R2 + b'\x01'))
                  + tlv(261, ip6('2001:db8:12::2')) + tlv(263, b'\x00\x02'))
    endx = (b'\x00\x06' + b'\x00' + b'\x00' + b'\x00' + b'\x00' + ip6('fc00:0:2:e001::')
            + tlv(1252, b'\x20\x10\x10\x00'))
    out.append(('isis lan link', update(lan, (
        tlv(1095, b'\x0a') + tlv(1100, b'\x30\x00\x00\x00' + R1 + b'\x00\x5d\xc3')
        + tlv(1106, endx)))))
    # 5. IS-IS IPv4 prefix of r1 (loopback, prefix SID index 1, N flag) and a /24 with tags.
    p4 = ls_nlri(3, ISIS, tlv(256, node_desc(router=R1)) + tlv(265, b'\x20' + ip4('192.0.2.1')))
    p4b = ls_nlri(3, ISIS, tlv(256, node_desc(router=R1)) + tlv(265, b'\x18' + ip4('10.1.1.0')[:3]))
    out.append(('isis prefix v4 loopback', update(p4, (
        tlv(1152, b'\x00') + tlv(1155, u32(0)) + tlv(1158, b'\x40\x00\x00\x00' + u32(1))
        + tlv(1170, b'\x40') + tlv(1171, ip4('192.0.2.1'))))))
    out.append(('isis prefix v4 with tags', update(p4b, (
        tlv(1152, b'\x80') + tlv(1153, u32(77) + u32(88))
        + tlv(1154, struct.pack('!Q', 2 ** 40 + 5)) + tlv(1155, u32(10))))))
    # 6. IS-IS IPv6 prefix in MT 2, SRv6 locator.
    p6 = ls_nlri(4, ISIS, tlv(256, node_desc(router=R1)) + tlv(263, b'\x00\x02')
                 + tlv(265, b'\x30' + ip6('fc00:0:1::')[:6]))
    out.append(('isis prefix v6 locator', update(p6, (
        tlv(1155, u32(1)) + tlv(1162, b'\x00\x00\x00\x00' + u32(1))))))
    # 7. SRv6 SID NLRI (RFC 9514) of r1, End.X behavior with its SID structure.
    sid = ls_nlri(6, ISIS, tlv(256, node_desc(router=R1)) + tlv(263, b'\x00\x02')
                  + tlv(518, ip6('fc00:0:1:e000::')))
    out.append(('srv6 sid', update(sid, (
        tlv(1250, b'\x00\x30\x00\x00') + tlv(1252, b'\x20\x10\x10\x00')))))
    # 8. OSPFv2 area 0: a router, a broadcast link to the DR, prefixes.
    o1 = ls_nlri(1, OSPF, tlv(256, node_desc(area='0.0.0.0', router=ip4('192.0.2.11'))))
    out.append(('ospf node', update(o1, (
        tlv(1024, b'\x10') + tlv(1026, b'ospf-abr') + tlv(1028, ip4('192.0.2.11'))
        + tlv(1034, b'\x00\x00' + b'\x00\x1f\x40' + tlv(1161, u32(16000)))
        + tlv(1035, b'')))))
    olink = ls_nlri(2, OSPF, tlv(256, node_desc(area='0.0.0.0', router=ip4('192.0.2.11')))
                    + tlv(257, node_desc(area='0.0.0.0', router=ip4('192.0.2.12') + ip4('10.0.0.12')))
                    + tlv(259, ip4('10.0.0.11')))
    out.append(('ospf broadcast link', update(olink, (
        tlv(1089, f32(1.0e10 / 8)) + tlv(1092, u32(10)) + tlv(1095, b'\x00\x0a')
        + tlv(1099, b'\x60\x00\x00\x00' + b'\x00\x5d\xc9')))))
    op = ls_nlri(3, OSPF, tlv(256, node_desc(area='0.0.0.0', router=ip4('192.0.2.11')))
                 + tlv(264, b'\x01') + tlv(265, b'\x20' + ip4('192.0.2.11')))
    oext = ls_nlri(3, OSPF, tlv(256, node_desc(area='0.0.0.0', router=ip4('192.0.2.11')))
                   + tlv(264, b'\x04') + tlv(265, b'\x10' + ip4('172.16.0.0')[:2]))
    out.append(('ospf prefixes', update(op + oext, (
        tlv(1155, u32(20)) + tlv(1156, ip4('10.0.0.254')) + tlv(1157, b'op')))))
    # 9. OSPFv3 IPv6 inter-area prefix.
    o3 = ls_nlri(4, 6, tlv(256, node_desc(area='0.0.0.1', router=ip4('192.0.2.21')))
                 + tlv(264, b'\x02') + tlv(265, b'\x40' + ip6('2001:db8:5::')[:8]))
    out.append(('ospfv3 prefix', update(o3, tlv(1155, u32(30)))))
    # 10. BGP EPE node (protocol 7, RFC 9086 descriptors 516 BGP Router-ID, 517 Member-AS)
    # and an NLRI type nobody decodes (5, TE Policy), with an unknown attribute TLV twice.
    epe = ls_nlri(1, 7, tlv(256, node_desc(extra=tlv(516, ip4('192.0.2.31')) + tlv(517, u32(65031)))))
    te = ls_nlri(5, 9, b'\x00\x01\x00\x02\xab\xcd')
    out.append(('bgp epe node and unknown type', update(epe + te, (
        tlv(1026, b'epe') + tlv(1200, b'\x01\x02') + tlv(1200, b'\x03')))))
    # 11. BGP-LS-VPN (SAFI 72) node with route distinguisher 65001:7.
    vrd = struct.pack('!HHI', 0, 65001, 7)
    vnode = ls_nlri(1, ISIS, tlv(256, node_desc(router=R1)), ident=7, rd=vrd)
    out.append(('bgp-ls-vpn node', update(vnode, tlv(1026, b'vpn-r1'), safi=72)))
    # 12. End-of-RIB markers, then r2's pseudonode and the OSPF external prefix withdrawn.
    out.append(('eor bgp-ls', update(eor=True)))
    out.append(('eor bgp-ls-vpn', update(eor=True, safi=72)))
    out.append(('withdraw', update(withdraw=psn + oext)))
    return out


def exabgp_decode(exabgp, hexmsg):
    r = subprocess.run([exabgp, 'decode', '-c', os.path.join(ROOT, DECODE_CONF), hexmsg],
                       capture_output=True, text=True, cwd=ROOT, check=False)
    lines = [l for l in r.stdout.splitlines() if l.startswith('{')]
    if r.returncode != 0 or len(lines) != 1:
        sys.exit(f'exabgp decode failed for {hexmsg}: {r.stdout}{r.stderr}')
    line = lines[0]
    line = re.sub(r'"time": [0-9.e+-]*', '"time": 0.0', line)
    line = re.sub(r'"host" : "[^"]*"', '"host" : "vectors"', line)
    line = re.sub(r'"pid" : [0-9]*', '"pid" : 0', line)
    line = re.sub(r'"ppid" : [0-9]*', '"ppid" : 0', line)
    json.loads(line)
    return line


HEADER = """\
# herald-wire test vectors: BGP-LS (RFC 9552) UPDATEs built by tests/interop/bgpls-vectors.py
# (no peer on this machine originates BGP-LS: GoBGP 3.10's CLI refuses `-a ls`, BIRD and FRR
# have no BGP-LS producer). They carry what a router's BGP-LS feed carries: IS-IS L2 nodes,
# pseudonode, point-to-point and LAN links, IPv4/IPv6 prefixes with SR-MPLS and SRv6
# attributes, an SRv6 SID NLRI, OSPFv2 node/broadcast link/prefixes, an OSPFv3 prefix, a BGP
# EPE node, an NLRI type and attribute TLV nobody decodes, a BGP-LS-VPN node, End-of-RIBs and
# withdrawals. Sender 127.0.23.1 (AS 65001), next hop 127.0.23.1.
# Oracle: bgpls.exabgp.jsonl has ExaBGP 5.0.15's `exabgp decode -c
# tests/interop/vector-configs/decode-bgpls.conf <hex>` output, one line per UPDATE in file
# order (time/host/pid/ppid normalised). tests/interop/herald-bgpls.sh replays these UPDATEs
# to herald over a live session.
#@ session=bgpls type=IBGP sender-as=65001 receiver-as=65001 asn4=yes add-path=none decode-config=tests/interop/vector-configs/decode-bgpls.conf
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--write', action='store_true')
    ap.add_argument('--check', action='store_true')
    ap.add_argument('--exabgp', default=os.environ.get(
        'HERALD_EXABGP', os.path.expanduser('~/.cache/herald/exabgp-venv/bin/exabgp')))
    a = ap.parse_args()
    msgs = messages()
    txt = HEADER + ''.join(f'# {name}\n{m.hex().upper()}\n' for name, m in msgs)
    oracle = ''.join(exabgp_decode(a.exabgp, m.hex().upper()) + '\n' for _, m in msgs)
    paths = (os.path.join(VECTORS, 'bgpls.txt'), os.path.join(VECTORS, 'bgpls.exabgp.jsonl'))
    if a.write:
        for p, content in zip(paths, (txt, oracle)):
            with open(p, 'w') as f:
                f.write(content)
        print(f'wrote {paths[0]} ({len(msgs)} UPDATEs) and {paths[1]}')
        return
    bad = [p for p, content in zip(paths, (txt, oracle)) if open(p).read() != content]
    if bad:
        sys.exit('differs from the committed file: ' + ', '.join(bad))
    print(f'bgpls vectors: {len(msgs)} UPDATEs and their ExaBGP oracle match the committed files')


if __name__ == '__main__':
    main()
