#!/usr/bin/env python3
"""ExaBGP helper of vector-configs/exabgp-mvpn.conf: after three seconds (the End-of-RIBs are
out by then) withdraw two of the configured MCAST-VPN routes, in the one-line form ExaBGP's
api-mvpn.run uses (ExaBGP refuses a withdrawal without its next hop), then wait for ExaBGP to
close the pipe."""

import sys
import time

WITHDRAW = (
    "withdraw ipv4 mcast-vpn source-join source 10.99.12.2 group 239.251.255.228"
    " rd 65000:99999 source-as 65000 next-hop 10.10.6.3",
    "withdraw ipv6 mcast-vpn source-ad source fd12::4 group ff0e::1 rd 65000:99999"
    " next-hop 10.10.6.4",
)


def main():
    time.sleep(3)
    for line in WITHDRAW:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()
        time.sleep(0.5)
    for _ in sys.stdin:
        pass


if __name__ == "__main__":
    try:
        main()
    except (KeyboardInterrupt, BrokenPipeError):
        pass
