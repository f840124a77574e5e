#!/usr/bin/env python3
import sys, time
cmds = [
 'announce route 100.10.0.0/24 next-hop 192.0.2.1 med 100 local-preference 200 community [65000:1 65000:2 no-export] as-path [65001 65010] origin egp',
 'announce route 100.11.0.0/24 next-hop 192.0.2.1 extended-community [target:65001:10 origin:1.2.3.4:5] large-community [65001:1:1] atomic-aggregate aggregator (65001:1.1.1.1) originator-id 9.9.9.9 cluster-list [1.1.1.1 2.2.2.2]',
 'announce attributes med 10 next-hop 192.0.2.2 nlri 100.20.0.0/24 100.20.1.0/24 100.20.2.0/24',
 'announce route 2001:db8:1::/48 next-hop 2001:db8::1 community [65000:3]',
 'announce route 100.30.0.0/24 next-hop 192.0.2.3 as-path [ 1 2 ( 3 4 ) ]',
 'announce route 100.31.0.0/24 next-hop 192.0.2.3 attribute [ 0x63 0xc0 0x01020304 ]',
 'withdraw route 100.10.0.0/24',
 'withdraw route 2001:db8:1::/48',
 'announce eor ipv4 unicast',
 'announce route-refresh ipv4 unicast',
 'version',
 'bogus command',
]
time.sleep(6)
for c in cmds:
    sys.stdout.write(c + '\n'); sys.stdout.flush()
    time.sleep(0.7)
time.sleep(30)
