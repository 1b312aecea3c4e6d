#!/usr/bin/env python3
"""The write limit: BYTES zero bytes written to PATH in 4 MiB writes, then closed.

Usage: zeros.py BYTES PATH

The bench runs this beside each generation row, on the same disk in the same run: the time to
write the same number of bytes with no work to produce them. A row's "write limit" fraction is
this time over init-weights' time (1.0 would mean generation costs nothing).
"""
import sys


def main(argv):
    if len(argv) != 2:
        sys.exit("usage: zeros.py BYTES PATH")
    left, path = int(argv[0]), argv[1]
    block = bytes(4 << 20)
    with open(path, "wb") as f:
        while left > 0:
            n = min(left, len(block))
            f.write(memoryview(block)[:n])
            left -= n


if __name__ == "__main__":
    main(sys.argv[1:])
