#!/usr/bin/env python3
"""Render BGP messages with ExaBGP 5.0.15's own text encoder (exabgp/reactor/api/response/text.py).

Run with the Python of a venv holding exabgp==5.0.15, e.g.
    /tmp/exa/bin/python3 exabgp_text.py < ../text-crafted.txt > ../text-crafted.exabgp.jsonl

stdin: herald-wire vector files (crates/herald-wire/tests/vectors/*.txt format): '#@' lines
give the session context (asn4=yes|no, add-path=fam,fam), other non-comment lines are one
message in hex with its header. stdout: one JSON string per message: exactly what ExaBGP's
Text encoder returns for it (direction 'receive', peer 127.0.0.1).
"""
import sys, json
from exabgp.environment import getenv
from exabgp.logger import log
getenv().log.enable = False
log.silence()
from exabgp.configuration.configuration import Configuration
from exabgp.configuration.check import _make_update
from exabgp.reactor.api.response import Response
from exabgp.bgp.message import Open, Notification
from exabgp.bgp.message.refresh import RouteRefresh
from exabgp.bgp.message.direction import Direction
from exabgp.bgp.message.open import Version, ASN, HoldTime, RouterID
from exabgp.bgp.message.open.capability import Capabilities, Capability, Negotiated
from exabgp.protocol.family import AFI, SAFI
import exabgp.configuration.check as check

TEMPLATE = """\
neighbor 127.0.0.1 {
    router-id 10.0.0.2;
    local-address 127.0.0.1;
    local-as 65533;
    peer-as 65533;
    family { all; }
    capability { [cap] }
}
"""
state = {'asn4': True, 'addpath': []}

def neighbor():
    cap = '' if state['asn4'] else 'asn4 disable;'
    conf = Configuration([TEMPLATE.replace('[cap]', cap)], text=True)
    conf.reload()
    return list(conf.neighbors.values())[0]

def negotiated(n):
    path = {}
    for fam in state['addpath']:
        a, s = fam.split('/')
        path[(AFI.fromString(a), SAFI.fromString(s))] = 3
    local_as = n['local-as'] or n['peer-as']
    capa = Capabilities().new(n, False, local_as=local_as)
    capa[Capability.CODE.ADD_PATH] = path
    capa[Capability.CODE.MULTIPROTOCOL] = n.families()
    if not state['asn4']:
        capa.pop(Capability.CODE.FOUR_BYTES_ASN, None)
    o1 = Open(Version(4), ASN(local_as), HoldTime(180), RouterID('10.0.0.2'), capa)
    o2 = Open(Version(4), ASN(n['peer-as']), HoldTime(180), RouterID('10.0.0.3'), capa)
    neg = Negotiated(n)
    neg.sent(o1)
    neg.received(o2)
    return neg

check._negotiated = negotiated
text = Response.Text('5.0.0')
for line in sys.stdin:
    line = line.strip()
    if line.startswith('#@'):
        state = {'asn4': True, 'addpath': []}
        for kv in line[2:].split():
            k, _, v = kv.partition('=')
            if k == 'asn4':
                state['asn4'] = v == 'yes'
            if k == 'add-path' and v != 'none':
                state['addpath'] = v.split(',')
        continue
    if not line or line.startswith('#'):
        continue
    raw = bytes.fromhex(line)
    n = neighbor()
    kind = raw[18]
    body = raw[19:]
    if kind == 2:
        u = _make_update(n, raw)
        s = text.update(n, 'receive', u, None, '', '')
    elif kind == 1:
        o = Open.unpack_message(body, Direction.IN, negotiated(n))
        s = text.open(n, 'receive', o, None, '', '')
    elif kind == 3:
        m = Notification.unpack_message(body, Direction.IN, None)
        s = text.notification(n, 'receive', m, None, '', '')
    elif kind == 4:
        s = text.keepalive(n, 'receive', None, '', '')
    elif kind == 5:
        m = RouteRefresh.unpack_message(body, Direction.IN, None)
        s = text.refresh(n, 'receive', m, None, '', '')
    print(json.dumps(s))
