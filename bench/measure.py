#!/usr/bin/env python3
"""Run one command and report its wall time and peak RSS as one JSON line on stdout.

Usage: measure.py [--stdout inherit|devnull|discard] -- CMD [ARG...]

  --stdout inherit   the child's stdout is ours (default)
  --stdout devnull   the child's stdout is /dev/null
  --stdout discard   the child's stdout is a pipe that this script reads and throws away
                     (counting the bytes), like a slow-enough consumer that never stores data

Peak RSS comes from os.wait4()'s ru_maxrss for the child alone (not this wrapper): KiB on
Linux, bytes on macOS; reported here as bytes in "max_rss_bytes". Standard library only, so
no GNU time is needed. The child's stderr is passed through.
"""
import json
import os
import subprocess
import sys
import time


def main(argv):
    mode = "inherit"
    args = list(argv)
    while args and args[0] != "--":
        a = args.pop(0)
        if a == "--stdout" and args:
            mode = args.pop(0)
        elif a.startswith("--stdout="):
            mode = a.split("=", 1)[1]
        else:
            sys.exit(f"measure.py: unknown option {a!r}")
    if not args or args[0] != "--" or len(args) < 2:
        sys.exit("usage: measure.py [--stdout inherit|devnull|discard] -- CMD [ARG...]")
    cmd = args[1:]
    if mode not in ("inherit", "devnull", "discard"):
        sys.exit(f"measure.py: --stdout must be inherit, devnull or discard, got {mode!r}")

    stdout = {"inherit": None, "devnull": subprocess.DEVNULL, "discard": subprocess.PIPE}[mode]
    received = None
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=stdout)
    if mode == "discard":
        received = 0
        fd = proc.stdout.fileno()
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            received += len(chunk)
        proc.stdout.close()
    _, status, ru = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)  # keep Popen from waiting again

    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB elsewhere
    out = {
        "wall_s": wall,
        "user_s": ru.ru_utime,
        "sys_s": ru.ru_stime,
        "max_rss_bytes": ru.ru_maxrss * scale,
        "exit_code": proc.returncode,
    }
    if received is not None:
        out["stdout_bytes"] = received
    print(json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
