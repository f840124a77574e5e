#!/usr/bin/env python3
"""ExaBGP API process for tests/interop/herald-exabgp.sh: append every line ExaBGP writes to
our stdin (one JSON message per line with `encoder json`) to the file named by argv[1],
flushed line by line. Exits when ExaBGP closes the pipe."""

import sys


def main():
    with open(sys.argv[1], "a", buffering=1) as out:
        for line in sys.stdin:
            out.write(line)


if __name__ == "__main__":
    try:
        main()
    except (KeyboardInterrupt, BrokenPipeError):
        pass
