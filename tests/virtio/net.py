#!/usr/bin/env python3
"""virtio-net end to end: boot the guest's virtio-net test with user
networking and a hostfwd, serve it an HTTP server on the host's loopback,
and fetch its httpd's page through the forwarded port (the host side is
tests/snapshot/netsession.py, shared with the record/replay tests).

    tests/virtio/net.py GLASS GUESTDIR DEVICE [LOG]

Prints one PASS or FAIL line; exit status 0 or 1."""
import os
import subprocess
import sys

glass, guest, device = sys.argv[1:4]
log_path = sys.argv[4] if len(sys.argv) > 4 else "/tmp/glass-virtio-net.log"
name = "virtio/net-" + device
session = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                       "..", "snapshot", "netsession.py")
cmd = [sys.executable, session, log_path,
       "--page", "hello from the guest over hostfwd", "--",
       glass, "-m", "256M",
       "-netdev", "user,id=n0,hostfwd=tcp:127.0.0.1:{fwd}-:80",
       "-device", f"{device},netdev=n0",
       "-kernel", f"{guest}/Image", "-initrd", f"{guest}/initramfs.cpio.gz",
       "-append", "console=ttyS0 glass.test=virtio-net glass.hostport={port}"]
r = subprocess.run(cmd, stderr=subprocess.PIPE, text=True,
                   env=dict(os.environ, SNAPSHOT_TIMEOUT="300"))
with open(log_path, errors="replace") as f:
    text = f.read()
why = r.stderr.strip().removeprefix("netsession: ")
if not why and (r.returncode != 0 or
                "GLASS-TEST virtio-net exit=0" not in text):
    why = f"guest test failed, glass exit {r.returncode}"
if why:
    print(f"FAIL {name} ({why}; log {log_path})")
    sys.exit(1)
print(f"PASS {name}")
