#!/usr/bin/env python3
"""A guest spinning forever with interrupts off cannot hang glass: Ctrl-A x
on its terminal, SIGINT and SIGTERM all stop it promptly, with the
terminal restored.

    tests/robust/watchdog.py GLASS SPIN_ELF
"""
import os
import pty
import signal
import subprocess
import sys
import termios
import time

glass, elf = sys.argv[1], sys.argv[2]
results = []


def check(name, ok, detail=""):
    results.append(ok)
    print(("PASS" if ok else "FAIL") + " robust/" + name +
          ("" if ok else " (" + detail + ")"))


def start():
    master, slave = pty.openpty()
    before = termios.tcgetattr(slave)
    p = subprocess.Popen([glass, "-bios", "none", "-kernel", elf],
                         stdin=slave, stdout=slave, stderr=slave)
    time.sleep(1.0)   # let it get going (and put the terminal in raw mode)
    return p, master, slave, before


def finish(name, p, slave, before, want):
    try:
        rc = p.wait(timeout=5)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        rc = None
    check(name, rc == want, "exit status %r, wanted %r" % (rc, want))
    check(name + "-terminal", termios.tcgetattr(slave) == before,
          "terminal left changed")


p, master, slave, before = start()
os.write(master, b"\x01x")
finish("ctrl-a-x", p, slave, before, 0)

for sig in (signal.SIGINT, signal.SIGTERM):
    p, master, slave, before = start()
    p.send_signal(sig)
    finish(signal.Signals(sig).name.lower(), p, slave, before, 128 + sig)

passed = sum(results)
print("%d passed, %d failed" % (passed, len(results) - passed))
sys.exit(0 if all(results) else 1)
