#!/usr/bin/env python3
"""Write an ExaBGP-syntax configuration announcing N IPv4 /24 routes to one neighbor.

usage: gen-config.py [--vpn] N PEER_IP LOCAL_IP PEER_PORT [LOCAL_AS PEER_AS] > file.conf

--vpn: VPNv4 routes (family ipv4 mpls-vpn) instead, each with a route distinguisher and a
label (16 RDs 65001:0..15 and labels 16..31 following the MED), and a route target.

Routes are 10.0.0.0/24, 10.0.1.0/24, ... (then 11.x, ...), each with next hop 198.51.100.1,
MED cycling through 16 values and a community, so they form 16 attribute groups, as a route
injector's table typically does.
"""
import sys

vpn = "--vpn" in sys.argv
if vpn:
    sys.argv.remove("--vpn")
n = int(sys.argv[1])
peer, local, port = sys.argv[2], sys.argv[3], int(sys.argv[4])
local_as = int(sys.argv[5]) if len(sys.argv) > 5 else 65001
peer_as = int(sys.argv[6]) if len(sys.argv) > 6 else 65001
out = sys.stdout
out.write(f"""neighbor {peer} {{
    router-id {local};
    local-address {local};
    local-as {local_as};
    peer-as {peer_as};
    hold-time 90;
    connect {port};
    family {{ {"ipv4 mpls-vpn" if vpn else "ipv4 unicast"}; }}
    static {{
""")
lines = []
for i in range(n):
    a = 10 + (i >> 16)
    b = (i >> 8) & 0xFF
    c = i & 0xFF
    extra = f" rd 65001:{i % 16} label {16 + i % 16} extended-community [ target:65001:1 ]" if vpn else ""
    lines.append(f"        route {a}.{b}.{c}.0/24 next-hop 198.51.100.1 med {i % 16} community [65001:{i % 16}]{extra};\n")
    if len(lines) >= 10000:
        out.write("".join(lines))
        lines = []
out.write("".join(lines))
out.write("    }\n}\n")
