#!/usr/bin/env python3
"""Run glass with a network session against the host: an HTTP server on
the host's loopback for the guest (/hello; /upload answers the md5 of what
was posted; /done answers 200 once the host has fetched the guest's page),
and the host's fetch of the guest's page through a hostfwd port when the
guest prints HTTPD-READY.

  tests/snapshot/netsession.py LOG [--portfile FILE] [--page TEXT] -- CMD...

In CMD, {port} is the host server's port and {fwd} a free host port for
hostfwd; GLASS_HTTP_PORT={fwd} is in CMD's environment (guest/run.sh
forwards it). --portfile writes the server's port to FILE first (for a
guest restored from a snapshot, whose kernel command line is the saving
run's). --page: what the guest's page must read. Exits with CMD's status,
or 1 (after one line on stderr) if the host's fetch failed or glass hung."""
import hashlib
import http.server
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request

args = sys.argv[1:]
cut = args.index("--")
opts, cmd = args[:cut], args[cut + 1:]
log_path = opts[0]
portfile = page_want = None
i = 1
while i < len(opts):
    if opts[i] == "--portfile":
        portfile = opts[i + 1]
    elif opts[i] == "--page":
        page_want = opts[i + 1]
    i += 2
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
        self.reply(200, hashlib.md5(self.rfile.read(n)).hexdigest().encode())


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
fwd = free_port()
if portfile:
    with open(portfile, "w") as f:
        f.write(f"{server.server_port}\n")
cmd = [a.replace("{port}", str(server.server_port)).replace("{fwd}", str(fwd))
       for a in cmd]
env = dict(os.environ, GLASS_HTTP_PORT=str(fwd))
limit = int(os.environ.get("SNAPSHOT_TIMEOUT", "300"))
why = None
with open(log_path, "wb") as log:
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, env=env)
    watchdog = threading.Timer(limit, p.kill)
    watchdog.start()
    for line in p.stdout:
        log.write(line)
        log.flush()
        if line.startswith(b"HTTPD-READY"):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{fwd}/",
                                            timeout=30) as r:
                    page = r.read().decode()
                if page_want is not None and page != page_want + "\n":
                    why = f"the guest's page read {page!r}"
            except OSError as e:
                why = f"fetching the guest's page: {e}"
            fetched.set()
    rc = p.wait()
    if not watchdog.is_alive():
        why = why or f"glass still ran after {limit} s"
    watchdog.cancel()
server.shutdown()
if why:
    print(f"netsession: {why}", file=sys.stderr)
    sys.exit(1)
sys.exit(rc)
