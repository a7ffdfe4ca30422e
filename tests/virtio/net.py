#!/usr/bin/env python3
"""virtio-net end to end: boot the guest's virtio-net test with user
networking and a hostfwd, serve it an HTTP server on the host's loopback,
and fetch its httpd's page through the forwarded port.

    tests/virtio/net.py GLASS GUESTDIR DEVICE [LOG]

Prints one PASS or FAIL line; exit status 0 or 1."""
import hashlib
import http.server
import socket
import subprocess
import sys
import threading
import time
import urllib.request

glass, guest, device = sys.argv[1:4]
log_path = sys.argv[4] if len(sys.argv) > 4 else "/dev/null"
name = "virtio/net-" + device
fetched = threading.Event()


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, code, body):
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/hello":
            self.reply(200, b"hello from the host over slirp\n")
        elif self.path == "/done" and fetched.is_set():
            self.reply(200, b"done\n")
        else:
            self.reply(404, b"")

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        data = self.rfile.read(n)
        self.reply(200, hashlib.md5(data).hexdigest().encode())


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
fwd = free_port()
cmd = [glass, "-m", "256M",
       "-netdev", f"user,id=n0,hostfwd=tcp:127.0.0.1:{fwd}-:80",
       "-device", f"{device},netdev=n0",
       "-kernel", f"{guest}/Image", "-initrd", f"{guest}/initramfs.cpio.gz",
       "-append", f"console=ttyS0 glass.test=virtio-net "
                  f"glass.hostport={server.server_port}"]
log = open(log_path, "w")
p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                     stderr=subprocess.STDOUT, text=True, errors="replace")
why = None
page = None
deadline = time.time() + 300
# a glass that hangs without a word is stopped too
watchdog = threading.Timer(310, p.kill)
watchdog.start()
for line in p.stdout:
    log.write(line)
    if line.startswith("HTTPD-READY"):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{fwd}/",
                                        timeout=30) as r:
                page = r.read().decode()
        except OSError as e:
            why = f"fetching the guest's page: {e}"
        fetched.set()
    if time.time() > deadline:
        p.kill()
        why = "timeout"
        break
rc = p.wait()
watchdog.cancel()
if time.time() > deadline and why is None:
    why = "timeout"
log.close()
server.shutdown()
text = open(log_path).read() if log_path != "/dev/null" else ""
if why is None and page != "hello from the guest over hostfwd\n":
    why = f"the guest's page read {page!r}"
if why is None and (rc != 0 or "GLASS-TEST virtio-net exit=0" not in text):
    why = f"guest test failed, glass exit {rc}"
if why:
    print(f"FAIL {name} ({why}; log {log_path})")
    sys.exit(1)
print(f"PASS {name}")
