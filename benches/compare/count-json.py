#!/usr/bin/env python3
"""ExaBGP helper process for the receive benchmark: count announced prefixes in ExaBGP's JSON
events on stdin and keep the running total in the file named by argv[1] (rewritten every 0.1 s)."""
import json
import os
import sys
import threading
import time

path = sys.argv[1]
total = 0


def writer():
    written = -1
    while True:
        if total != written:
            written = total
            with open(path + ".tmp", "w") as f:
                f.write(str(written))
            os.replace(path + ".tmp", path)
        time.sleep(0.1)


threading.Thread(target=writer, daemon=True).start()
for line in sys.stdin:
    try:
        msg = json.loads(line)
    except ValueError:
        continue
    announce = ((msg.get("neighbor") or {}).get("message") or {}).get("update", {}).get("announce") or {}
    for family in announce.values():
        for nexthop in family.values():
            total += len(nexthop)
