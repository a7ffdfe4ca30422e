#!/usr/bin/env python3
"""`make run` on a terminal: drive the default guest's serial console
through a pseudo-terminal as a person would: wait for the shell prompt,
type `lspci`, check the edu device is listed, type `poweroff`, and check
glass exits 0 and gives the terminal back in the mode it found it.

    tests/run/interactive.py GLASS GUESTDIR
"""
import os
import pty
import select
import subprocess
import sys
import termios
import time

glass, guest = sys.argv[1], sys.argv[2]
results = []


def check(name, ok, detail=""):
    results.append(ok)
    print(("PASS" if ok else "FAIL") + " interactive/" + name +
          ("" if ok else " (" + detail + ")"))


master, slave = pty.openpty()
before = termios.tcgetattr(slave)
proc = subprocess.Popen(["guest/run.sh", glass, guest], stdin=slave,
                        stdout=slave, stderr=slave, close_fds=True)
out = b""


def wait_for(text, timeout, start=0):
    """Read until `text` appears in the output after offset `start`."""
    global out
    end = time.time() + timeout
    while time.time() < end:
        r, _, _ = select.select([master], [], [], 0.5)
        if r:
            try:
                out += os.read(master, 65536)
            except OSError:
                break
        if out.find(text, start) >= 0:
            return True
    return False


try:
    check("prompt", wait_for(b"/ # ", 240), "no shell prompt")
    # the shell switches its line editing on right after the prompt and
    # drops what was typed before (as on a real terminal): give it a moment
    time.sleep(2)
    mark = len(out)
    os.write(master, b"lspci\r")
    check("lspci", wait_for(b"1234:11e8", 30, mark), "edu not listed")
    wait_for(b"/ # ", 30, mark)
    os.write(master, b"poweroff\r")
    try:
        rc = proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        rc = None
    check("poweroff-exit-0", rc == 0, "glass exit status %r" % rc)
    check("terminal-restored", termios.tcgetattr(slave) == before,
          "termios changed")
finally:
    if proc.poll() is None:
        proc.kill()
    with open("build/test-logs/interactive.log", "wb") as f:
        f.write(out)

passed = sum(results)
print("%d passed, %d failed" % (passed, len(results) - passed))
sys.exit(0 if all(results) else 1)
