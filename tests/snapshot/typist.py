#!/usr/bin/env python3
"""Type into a program's console the way a person would: wait for the
prompt, type a line, pause, and so on; the console output goes to a log.

  tests/snapshot/typist.py LOG PROMPT LINE... -- COMMAND...

Waits (up to 600 s) for PROMPT in COMMAND's output before each LINE, then
pauses a random 0.2..1.0 s before typing it, so when each line reaches
the program depends on the host. Exits with COMMAND's status."""
import os
import random
import select
import subprocess
import sys
import time


def main():
    args = sys.argv[1:]
    cut = args.index("--")
    log, prompt, lines, cmd = args[0], args[1].encode(), args[2:cut], args[cut + 1:]
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, bufsize=0)
    out = bytearray()
    seen = 0
    with open(log, "wb") as f:
        def pump(timeout):
            r, _, _ = select.select([p.stdout], [], [], timeout)
            if not r:
                return True
            chunk = os.read(p.stdout.fileno(), 65536)
            if not chunk:
                return False
            out.extend(chunk)
            f.write(chunk)
            return True
        for line in lines:
            deadline = time.monotonic() + 600
            while out.find(prompt, seen) < 0 and time.monotonic() < deadline:
                if not pump(0.2):
                    break
            seen = out.find(prompt, seen) + len(prompt)
            time.sleep(random.uniform(0.2, 1.0))
            p.stdin.write(line.encode() + b"\n")
            p.stdin.flush()
        while pump(0.2):
            pass
    p.stdin.close()
    return p.wait()


if __name__ == "__main__":
    sys.exit(main())
