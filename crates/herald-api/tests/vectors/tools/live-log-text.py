#!/usr/bin/env python3
import sys
out = open('/tmp/exarun/text.log', 'ab', buffering=0)
while True:
    b = sys.stdin.buffer.readline()
    if not b:
        break
    out.write(b)
