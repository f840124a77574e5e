#!/usr/bin/env python3
"""ExaBGP helper process for exabgp-api.conf: writes each line of the commands file given as
its argument to ExaBGP, one every 0.3 s (after the End-of-RIB had time to pass), then waits
to be stopped."""
import sys
import time

time.sleep(1.5)
with open(sys.argv[1], encoding="ascii") as f:
    for line in f:
        line = line.strip()
        if line and not line.startswith("#"):
            sys.stdout.write(line + "\n")
            sys.stdout.flush()
            time.sleep(0.3)
time.sleep(60)
