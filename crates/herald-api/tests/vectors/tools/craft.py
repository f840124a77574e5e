#!/usr/bin/env python3
"""Write text-crafted.txt: hand-built BGP messages covering the text encoder's cases.

The oracle for them (text-crafted.exabgp.jsonl) is made by running exabgp_text.py (ExaBGP
5.0.15's own decoder and text encoder) over this file:
    python3 craft.py > ../text-crafted.txt
    /path/to/exabgp-venv/bin/python3 exabgp_text.py < ../text-crafted.txt > ../text-crafted.exabgp.jsonl
"""
import struct, ipaddress

def msg(t, body): return (b'\xff' * 16 + struct.pack('!HB', 19 + len(body), t) + body).hex().upper()
def attr(flags, code, data):
    if len(data) > 255 or flags & 0x10:
        return bytes([flags | 0x10, code]) + struct.pack('!H', len(data)) + data
    return bytes([flags, code, len(data)]) + data
def pfx(p, pi=None):
    n = ipaddress.ip_network(p); l = n.prefixlen
    return (struct.pack('!I', pi) if pi is not None else b'') + bytes([l]) + n.network_address.packed[:(l + 7) // 8]
def upd(withdrawn=b'', attrs=b'', nlri=b''):
    return msg(2, struct.pack('!H', len(withdrawn)) + withdrawn + struct.pack('!H', len(attrs)) + attrs + nlri)
def origin(o=0): return attr(0x40, 1, bytes([o]))
def aspath(*segs, four=True):
    d = b''
    for t, asns in segs:
        d += bytes([t, len(asns)]) + b''.join(struct.pack('!I' if four else '!H', a) for a in asns)
    return attr(0x40, 2, d)
def nh(a): return attr(0x40, 3, ipaddress.ip_address(a).packed)
def med(v): return attr(0x80, 4, struct.pack('!I', v))
def lp(v): return attr(0x40, 5, struct.pack('!I', v))
def comm(*cs): return attr(0xC0, 8, b''.join(struct.pack('!HH', a, b) for a, b in cs))
def ext(*cs): return attr(0xC0, 16, b''.join(cs))
def large(*cs): return attr(0xC0, 32, b''.join(struct.pack('!III', *c) for c in cs))
def mpreach(afi, safi, nhb, nlri): return attr(0x80, 14, struct.pack('!HB', afi, safi) + bytes([len(nhb)]) + nhb + b'\x00' + nlri)
def mpunreach(afi, safi, nlri): return attr(0x80, 15, struct.pack('!HB', afi, safi) + nlri)
E = lambda *b: bytes(b)
lab = lambda v, bos=1: struct.pack('!I', (v << 4 | bos))[1:]
def lpfx(p, labels, rd=None):
    n = ipaddress.ip_network(p); l = n.prefixlen
    body = b''.join(labels) + (rd or b'')
    return bytes([l + 8 * len(body)]) + body + n.network_address.packed[:(l + 7) // 8]
def cap(code, data): return bytes([code, len(data)]) + data
def opn(asn, hold, rid, caps):
    params = b''.join(bytes([2, len(c)]) + c for c in caps)
    return msg(1, struct.pack('!BHH', 4, asn, hold) + ipaddress.ip_address(rid).packed + bytes([len(params)]) + params)

out = []
ctx = None
def add(c, h, note):
    global ctx
    if c != ctx:
        out.append('#@ session=%s %s' % (c.split()[0], ' '.join(c.split()[1:])))
        ctx = c
    out.append('# ' + note)
    out.append(h)

PLAIN = 'plain asn4=yes add-path=none'
ADDP = 'addpath asn4=yes add-path=ipv4/unicast,ipv6/unicast'
ASN2 = 'asn2 asn4=no add-path=none'
base = origin() + aspath((2, [65001, 65010]))
add(PLAIN, upd(attrs=base + nh('192.0.2.1'), nlri=pfx('10.0.0.0/24') + pfx('10.0.1.0/24')), 'two IPv4 routes')
add(PLAIN, upd(withdrawn=pfx('10.0.0.0/24') + pfx('10.0.1.0/24')), 'two IPv4 withdrawals')
add(PLAIN, upd(withdrawn=pfx('10.9.0.0/16'), attrs=base + nh('192.0.2.1'), nlri=pfx('10.0.0.0/24')), 'withdrawal and announcement')
add(PLAIN, upd(attrs=origin(2) + attr(0x40, 2, b'') + nh('192.0.2.1') + med(0) + lp(100), nlri=pfx('10.0.0.0/24')), 'IBGP: empty AS_PATH, MED 0, LOCAL_PREF')
add(PLAIN, upd(attrs=origin(1) + aspath((2, [1, 2]), (1, [3, 4]), (3, [5]), (4, [6, 7])) + nh('192.0.2.1'), nlri=pfx('0.0.0.0/0')), 'AS_PATH sequence, set, confederation segments')
add(PLAIN, upd(attrs=base + nh('192.0.2.1') + comm((0xFFFF, 0xFF01), (0xFFFF, 0xFF02), (0xFFFF, 0xFF03), (0xFFFF, 0xFF04), (0xFFFF, 0x029A), (0xFFFF, 0), (0xFFFF, 6), (0xFFFF, 7), (1, 2), (0, 0)), nlri=pfx('10.0.0.0/24')), 'well-known communities, sorted')
add(PLAIN, upd(attrs=base + nh('192.0.2.1') + comm((65000, 3)), nlri=pfx('10.0.0.0/24')), 'one community')
add(PLAIN, upd(attrs=base + nh('192.0.2.1') + attr(0x80, 9, bytes([1, 2, 3, 4])) + attr(0x80, 10, bytes([5, 6, 7, 8])), nlri=pfx('10.0.0.0/24')), 'ORIGINATOR_ID, one-entry CLUSTER_LIST')
add(PLAIN, upd(attrs=base + nh('192.0.2.1') + ext(E(0, 2, 0xFD, 0xE9, 0, 0, 0, 10)), nlri=pfx('10.0.0.0/24')), 'one extended community')
add(PLAIN, upd(attrs=base + nh('192.0.2.1') + ext(E(0, 2, 0xFD, 0xE9, 0, 0, 0, 10), E(1, 2, 1, 2, 3, 4, 0, 5), E(2, 2, 0, 1, 0, 0, 0, 5), E(2, 3, 0, 1, 0, 0, 0, 2), E(0x80, 6, 0, 0, 0, 0, 0, 0), E(0x80, 8, 0, 1, 0, 0, 0, 2), E(0x80, 7, 0, 0, 0, 0, 0, 1), E(0x80, 9, 0, 0, 0, 0, 0, 0x2e), E(3, 0x0c, 0, 0, 0, 0, 0, 8), E(0x06, 0, 0, 0, 0, 0, 0, 5), E(0x43, 0x99, 1, 2, 3, 4, 5, 6), E(0x40, 4, 0xFD, 0xE9, 0x4B, 0x3E, 0xBC, 0x20), E(3, 0xb, 0, 0, 0, 0, 0, 5), E(0x06, 1, 1, 0, 0, 0, 0, 5), E(6, 3, 1, 2, 3, 4, 5, 6), E(0x80, 0xa, 19, 0, 5, 0xdc, 0, 111), E(0x08, 0, 0, 0, 0, 0, 0, 0), E(0x81, 8, 1, 2, 3, 4, 0, 5), E(0x82, 8, 0, 1, 0, 0, 0, 5), E(0x40, 2, 0, 1, 0, 0, 0, 9)), nlri=pfx('10.0.0.0/24')), 'extended communities ExaBGP names and does not name, sorted')
add(PLAIN, upd(attrs=base + nh('192.0.2.1') + ext(E(0, 3, 0, 1, 0, 0, 0, 2), E(1, 3, 1, 2, 3, 4, 0, 5)), nlri=pfx('10.0.0.0/24')), 'route origins (ExaBGP swaps their parts; herald does not)')
add(PLAIN, upd(attrs=base + nh('192.0.2.1') + large((65001, 1, 2), (1, 2, 3)), nlri=pfx('10.0.0.0/24')), 'large communities, sorted')
add(PLAIN, upd(attrs=base + nh('192.0.2.1') + large((1, 2, 3)), nlri=pfx('10.0.0.0/24')), 'one large community')
add(PLAIN, upd(attrs=base + nh('192.0.2.1') + attr(0x40, 6, b'') + attr(0xC0, 7, struct.pack('!I', 4200000000) + bytes([1, 1, 1, 1])), nlri=pfx('10.0.0.0/24')), 'ATOMIC_AGGREGATE, AGGREGATOR')
add(PLAIN, upd(attrs=base + nh('192.0.2.1') + attr(0xC0, 0x63, b'\x01\x02') + attr(0xC0, 35, struct.pack('!I', 65001)), nlri=pfx('10.0.0.0/24')), 'unknown optional transitive attribute, OTC')
v6 = ipaddress.ip_address('2001:db8::1').packed + ipaddress.ip_address('fe80::1').packed
add(PLAIN, upd(attrs=base + mpreach(2, 1, v6, pfx('2001:db8:1::/48') + pfx('2001:db8:2::/48'))), 'IPv6 with global and link-local next hop (ExaBGP lists each route twice)')
add(PLAIN, upd(attrs=mpunreach(2, 1, pfx('2001:db8:1::/48'))), 'IPv6 withdrawal')
add(PLAIN, upd(attrs=mpunreach(2, 1, b'')), 'IPv6 unicast End-of-RIB')
add(PLAIN, upd(attrs=mpunreach(1, 2, b'')), 'IPv4 multicast End-of-RIB')
add(PLAIN, upd(), 'IPv4 unicast End-of-RIB')
add(PLAIN, upd(attrs=base + mpreach(1, 2, ipaddress.ip_address('192.0.2.9').packed, pfx('224.1.0.0/16'))), 'IPv4 multicast')
add(PLAIN, upd(attrs=base + mpreach(1, 4, ipaddress.ip_address('192.0.2.1').packed, lpfx('10.0.0.0/24', [lab(100, 0), lab(101)]))), 'labeled unicast, two labels')
rd = struct.pack('!HHI', 0, 65000, 1)
add(PLAIN, upd(attrs=base + ext(E(0, 2, 0xFD, 0xE8, 0, 0, 0, 1)) + mpreach(1, 128, bytes(8) + ipaddress.ip_address('192.0.2.1').packed, lpfx('10.0.0.0/24', [lab(100)], rd))), 'MPLS VPN')
add(PLAIN, upd(attrs=mpunreach(1, 128, lpfx('10.0.0.0/24', [struct.pack('!I', 0x800000)[1:]], rd))), 'MPLS VPN withdrawal')
fl = bytes([0x01, 24, 10, 0, 0]) + bytes([0x03, 0x81, 6]) + bytes([0x05, 0x91, 0, 80])
add(PLAIN, upd(attrs=origin() + attr(0x40, 2, b'') + ext(E(0x80, 6, 0, 0, 0, 0, 0, 0)) + attr(0x80, 14, struct.pack('!HB', 1, 133) + b'\x00' + b'\x00' + bytes([len(fl)]) + fl)), 'flowspec')
add(PLAIN, upd(attrs=base + nh('192.0.2.1')), 'attributes without NLRI')
add(PLAIN, upd(attrs=base + nh('192.0.2.1') + mpreach(2, 1, ipaddress.ip_address('2001:db8::1').packed, pfx('2001:db8:1::/48')), nlri=pfx('10.0.0.0/24')), 'IPv4 and IPv6 in one UPDATE')
add(PLAIN, upd(withdrawn=pfx('10.1.0.0/16'), attrs=base + nh('192.0.2.1') + mpunreach(2, 1, pfx('2001:db8:9::/48')) + mpreach(2, 1, ipaddress.ip_address('2001:db8::1').packed, pfx('2001:db8:1::/48')), nlri=pfx('10.0.0.0/24')), 'all four route lists in one UPDATE')
v6c = lambda k, s, a, l: bytes([k, s]) + ipaddress.ip_address(a).packed + struct.pack('!H', l)
add(PLAIN, upd(attrs=base + nh('192.0.2.1') + attr(0xC0, 25, v6c(0, 2, '2001:db8::1', 5)), nlri=pfx('10.0.0.0/24')), 'one IPv6 extended community')
add(PLAIN, upd(attrs=base + nh('192.0.2.1') + attr(0xC0, 25, v6c(0, 2, '2001:db8::1', 5) + v6c(0, 3, '2001:db8::2', 6)), nlri=pfx('10.0.0.0/24')), 'IPv6 extended communities')
add(PLAIN, upd(attrs=base + nh('192.0.2.1') + attr(0xC0, 22, bytes([0, 6]) + struct.pack('!I', 100 << 4)[1:] + bytes([10, 0, 0, 1])), nlri=pfx('10.0.0.0/24')), 'PMSI_TUNNEL')
add(PLAIN, upd(attrs=base + nh('192.0.2.1') + attr(0xC0, 8, b''), nlri=pfx('10.0.0.0/24')), 'empty COMMUNITIES: treat-as-withdraw')
add(PLAIN, upd(attrs=base + nh('192.0.2.1') + attr(0x80, 10, b''), nlri=pfx('10.0.0.0/24')), 'empty CLUSTER_LIST: treat-as-withdraw')
add(PLAIN, upd(attrs=base + nh('192.0.2.1') + attr(0xC0, 17, bytes([2, 1]) + struct.pack('!I', 4200000000)), nlri=pfx('10.0.0.0/24')), 'AS4_PATH on a 4-octet session (ExaBGP merges it anyway)')
add(ADDP, upd(attrs=base + nh('192.0.2.1'), nlri=pfx('10.0.0.0/24', 1) + pfx('10.0.1.0/24', 0x01020304)), 'ADD-PATH announcements')
add(ADDP, upd(withdrawn=pfx('10.0.0.0/24', 7)), 'ADD-PATH withdrawal')
add(ASN2, upd(attrs=origin() + aspath((2, [65001, 23456]), four=False) + nh('192.0.2.1') + attr(0xC0, 17, bytes([2, 1]) + struct.pack('!I', 4200000000)), nlri=pfx('10.0.0.0/24')), '2-octet session: AS_PATH merged with AS4_PATH')
add(ASN2, upd(attrs=origin() + aspath((2, [23456]), four=False) + nh('192.0.2.1') + attr(0xC0, 7, struct.pack('!H', 23456) + bytes([1, 2, 3, 4])) + attr(0xC0, 18, struct.pack('!I', 4200000000) + bytes([1, 2, 3, 4])), nlri=pfx('10.0.0.0/24')), '2-octet session: AGGREGATOR AS_TRANS, AS4_AGGREGATOR')
add(ASN2, upd(attrs=origin() + aspath((2, [65001, 23456]), four=False) + nh('192.0.2.1') + attr(0xC0, 7, struct.pack('!H', 65001) + bytes([1, 2, 3, 4])) + attr(0xC0, 17, bytes([2, 1]) + struct.pack('!I', 4200000000)), nlri=pfx('10.0.0.0/24')), '2-octet session: AS4_PATH after a real AGGREGATOR')
add(PLAIN, msg(4, b''), 'KEEPALIVE')
add(PLAIN, msg(5, struct.pack('!HBB', 1, 0, 1)), 'ROUTE-REFRESH')
add(PLAIN, msg(5, struct.pack('!HBB', 2, 1, 1)), 'enhanced ROUTE-REFRESH begin')
add(PLAIN, msg(5, struct.pack('!HBB', 1, 2, 1)), 'enhanced ROUTE-REFRESH end')
add(PLAIN, msg(3, bytes([6, 2]) + bytes([10]) + b'goodbye!!!'), 'Cease/2 with a shutdown communication')
add(PLAIN, msg(3, bytes([6, 2, 3, 0x0a, 0x0d, 0x7f])), 'Cease/2, line ends in the communication')
add(PLAIN, msg(3, bytes([6, 4, 0])), 'Cease/4, empty communication')
add(PLAIN, msg(3, bytes([6, 4, 9, 0x41])), 'Cease/4, communication longer than the data')
add(PLAIN, msg(3, bytes([6, 2, 2, 0xff, 0xfe])), 'Cease/2, communication not UTF-8')
add(PLAIN, msg(3, bytes([6, 2, 1, 0x41, 0x42, 0x43])), 'Cease/2, data after the communication')
add(PLAIN, msg(3, bytes([6, 4])), 'Cease/4 without data')
add(PLAIN, msg(3, bytes([4, 0])), 'hold timer expired')
add(PLAIN, msg(3, bytes([3, 1, 0xde, 0xad])), 'UPDATE error with data')
add(PLAIN, opn(65001, 90, '1.1.1.1', [cap(1, struct.pack('!HBB', 1, 0, 1)), cap(1, struct.pack('!HBB', 2, 0, 1)), cap(2, b''), cap(65, struct.pack('!I', 65001))]), 'OPEN')
add(PLAIN, opn(23456, 180, '1.1.1.1', [cap(1, struct.pack('!HBB', 1, 0, 1)), cap(65, struct.pack('!I', 4200000000)), cap(69, struct.pack('!HBB', 1, 1, 3) + struct.pack('!HBB', 2, 1, 1)), cap(64, struct.pack('!H', 0x8000 | 120) + struct.pack('!HBB', 1, 1, 0x80) + struct.pack('!HBB', 2, 1, 0)), cap(73, bytes([4]) + b'Host' + bytes([3]) + b'dom'), cap(75, bytes([5]) + b'Vers1'), cap(128, b''), cap(70, b''), cap(6, b''), cap(5, struct.pack('!HHH', 1, 1, 2)), cap(9, b'\x03'), cap(71, struct.pack('!HBB', 1, 1, 0x80) + b'\x00\x01\x00'), cap(200, b'\x01\x02')]), 'OPEN with many capabilities')
add(PLAIN, opn(65001, 90, '1.1.1.1', [cap(64, struct.pack('!H', 0)), cap(2, b'')]), 'OPEN: graceful restart without families')

print('''# herald-api text encoder vectors: hand-built messages (tools/craft.py). The text ExaBGP
# 5.0.15 writes for each (its own decoder and Text encoder, tools/exabgp_text.py) is in
# text-crafted.exabgp.jsonl, one JSON string per message in file order.
# Format as crates/herald-wire/tests/vectors/*.txt: '#@' gives the decode context, '#' lines
# are comments (the one before each message says what it is), other lines are messages in hex.''')
print('\n'.join(out))
