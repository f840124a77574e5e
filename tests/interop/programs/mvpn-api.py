#!/usr/bin/env python3
"""Helper program of tests/interop/configs/herald-mvpn/mvpn.conf, run alike by ExaBGP 5.0.15 and
by herald: once the file named by argv[1] exists (herald-mvpn.sh creates it after the
End-of-RIBs), write the MCAST-VPN commands below on stdout, in the one-line form of ExaBGP's
api-mvpn.run (withdrawals with their next hop, which ExaBGP requires), then read stdin until the
daemon closes it."""

import os
import sys
import time

COMMANDS = (
    "announce ipv4 mcast-vpn source-join source 10.99.12.9 group 239.251.255.229 rd 65000:99999"
    " source-as 65001 next-hop 10.10.6.9 extended-community [ target:192.168.94.12:5 ]",
    "announce ipv6 mcast-vpn shared-join rp fd00::9 group ff0e::9 rd 65000:7 source-as 4200000000"
    " next-hop 10.10.6.9",
    "withdraw ipv6 mcast-vpn source-ad source fd12::4 group ff0e::1 rd 65000:99999"
    " next-hop 10.10.6.4",
    "withdraw ipv4 mcast-vpn shared-join rp 10.99.199.1 group 239.251.255.228 rd 65000:99999"
    " source-as 65000 next-hop 10.10.6.3",
)


def main():
    while not os.path.exists(sys.argv[1]):
        time.sleep(0.1)
    for line in COMMANDS:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()
    for _ in sys.stdin:
        pass


if __name__ == "__main__":
    try:
        main()
    except (KeyboardInterrupt, BrokenPipeError):
        pass
