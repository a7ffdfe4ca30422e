#!/usr/bin/env python3
"""`make run` on a terminal: drive the default guest's serial console
through a pseudo-terminal as a person would: wait for the shell prompt,
type `lspci`, check the edu device is listed, fetch the guest's web page
from the host through the forwarded port, write a file to /data, type
`poweroff`, and check glass exits 0, gives the terminal back in the mode
it found it, and left the file on a clean data disk.

    tests/run/interactive.py GLASS GUESTDIR
"""
import os
import pty
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import termios
import time
import urllib.request

glass, guest = sys.argv[1], sys.argv[2]
results = []


def check(name, ok, detail=""):
    results.append(ok)
    print(("PASS" if ok else "FAIL") + " interactive/" + name +
          ("" if ok else " (" + detail + ")"))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# a fresh data disk and a free port, so the test never touches the
# user's own (guest/run.sh's defaults)
tmp = tempfile.mkdtemp(prefix="glass-interactive.")
data = os.path.join(tmp, "data.img")
port = free_port()
env = dict(os.environ, GLASS_DATA=data, GLASS_HTTP_PORT=str(port))
master, slave = pty.openpty()
before = termios.tcgetattr(slave)
proc = subprocess.Popen(["guest/run.sh", glass, guest], stdin=slave,
                        stdout=slave, stderr=slave, close_fds=True, env=env)
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
    # the host reaches the guest's httpd through the forwarded port
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d/" % port,
                                    timeout=30) as r:
            page = r.read()
    except OSError as e:
        page = repr(e).encode()
    check("host-wget-guest", b"data disk" in page, "got %r" % page[:80])
    mark = len(out)
    os.write(master, b"echo kept > /data/kept.txt; sync; echo SYNCED\r")
    wait_for(b"SYNCED\r\n", 30, mark)
    os.write(master, b"poweroff\r")
    try:
        rc = proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        rc = None
    check("poweroff-exit-0", rc == 0, "glass exit status %r" % rc)
    check("terminal-restored", termios.tcgetattr(slave) == before,
          "termios changed")
    # the data disk is clean and holds what the shell wrote
    fsck = subprocess.run(["e2fsck", "-fn", data], capture_output=True)
    kept = subprocess.run(["debugfs", "-R", "cat /kept.txt", data],
                          capture_output=True).stdout
    check("data-disk-kept", fsck.returncode == 0 and kept == b"kept\n",
          "e2fsck exit %d, kept.txt %r" % (fsck.returncode, kept))
finally:
    if proc.poll() is None:
        proc.kill()
    logdir = os.environ.get("LOGDIR", "build/test-logs")
    os.makedirs(logdir, exist_ok=True)
    with open(os.path.join(logdir, "interactive.log"), "wb") as f:
        f.write(out)
    shutil.rmtree(tmp, ignore_errors=True)

passed = sum(results)
print("%d passed, %d failed" % (passed, len(results) - passed))
sys.exit(0 if all(results) else 1)
