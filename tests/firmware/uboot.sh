#!/bin/sh
# Firmware test: Debian's U-Boot (qemu-riscv64_smode, package u-boot-qemu)
# on glass with an edu device, driven at its "=> " prompt like a person
# would: stop autoboot, `pci enum`, `pci`, `pci bar 00.01.00`, read edu's
# ident register at the address U-Boot assigned, `poweroff`.
#
# Checks that U-Boot lists edu (1234:11e8) at 00.01.00, gave BAR 0 a base
# inside the 32-bit window 0x40000000..0x7fffffff with size 0x100000, that
# the device answers there (ident 010000ed), and that glass exits 0.
#
#   tests/firmware/uboot.sh [GLASS [UBOOT_BIN]]
#
# Defaults: build/glass, /usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin.
# Prints "PASS firmware/uboot" or "FAIL firmware/uboot (reason)" and
# "N passed, N failed"; exit status 1 on failure. The whole console
# session is in $LOGDIR/firmware-uboot.log (default build/test-logs).
# UBOOT_TIMEOUT (seconds, default 120) bounds each wait.

glass=${1:-build/glass}
uboot=${2:-/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin}
logdir=${LOGDIR:-build/test-logs}
mkdir -p "$logdir"

exec python3 - "$glass" "$uboot" "$logdir/firmware-uboot.log" \
    "${UBOOT_TIMEOUT:-120}" <<'EOF'
import os
import re
import select
import subprocess
import sys
import time

glass, uboot, log_path, limit = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
NAME = "firmware/uboot"
PROMPT = "=> "


def result(ok, why="", show_log=True):
    if ok:
        print("PASS " + NAME)
    elif not show_log:
        print("FAIL %s (%s)" % (NAME, why))
    else:
        print("FAIL %s (%s; log %s)" % (NAME, why, log_path))
        try:
            with open(log_path, errors="replace") as f:
                for line in f.read().splitlines()[-15:]:
                    print("    " + line)
        except OSError:
            pass
    print("%d passed, %d failed" % (1 if ok else 0, 0 if ok else 1))
    sys.exit(0 if ok else 1)


class Failed(Exception):
    pass


if not os.access(glass, os.X_OK):
    result(False, "no glass binary at %s" % glass, show_log=False)
if not os.path.isfile(uboot):
    result(False, "no U-Boot at %s (Debian package u-boot-qemu)" % uboot,
           show_log=False)

log = open(log_path, "wb")
proc = subprocess.Popen(
    [glass, "-m", "256M", "-device", "edu", "-kernel", uboot],
    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
fd = proc.stdout.fileno()
out = ""        # everything glass printed, CRs dropped
pos = 0         # how far the script has consumed `out`


def pump(deadline):
    """Read what glass printed until the deadline; False at EOF."""
    global out
    wait = max(0.0, deadline - time.monotonic())
    r, _, _ = select.select([fd], [], [], min(wait, 0.5))
    if not r:
        return True
    data = os.read(fd, 4096)
    if not data:
        return False
    log.write(data)
    log.flush()
    out += data.decode("utf-8", "replace").replace("\r", "")
    return True


def expect(pattern, what):
    """Wait for regex `pattern` after `pos`; return the text before it."""
    global pos
    deadline = time.monotonic() + limit
    rx = re.compile(pattern)
    while True:
        m = rx.search(out, pos)
        if m:
            text = out[pos:m.start()]
            pos = m.end()
            return text
        if time.monotonic() > deadline:
            raise Failed("timed out after %ds waiting for %s" % (limit, what))
        if not pump(deadline):
            raise Failed("glass exited (status %s) while waiting for %s"
                         % (proc.wait(), what))


def send(text):
    proc.stdin.write(text.encode())
    proc.stdin.flush()


def command(cmd):
    """Run a U-Boot command; return its output (without the echo)."""
    send(cmd + "\n")
    expect(re.escape(cmd) + r"\n", "the echo of '%s'" % cmd)
    return expect(r"(?m)^" + re.escape(PROMPT), "the prompt after '%s'" % cmd)


try:
    expect(r"Hit any key to stop autoboot", "U-Boot's autoboot countdown")
    send(" ")
    expect(r"(?m)^" + re.escape(PROMPT), "the first prompt")

    command("pci enum")
    listing = command("pci")
    m = re.search(r"(?m)^\s*(\S+)\s+0x1234\s+0x11e8\b", listing)
    if not m:
        raise Failed("`pci` does not list edu 0x1234/0x11e8")
    if m.group(1) != "00.01.00":
        raise Failed("`pci` lists edu at %s, expected 00.01.00" % m.group(1))

    bars = command("pci bar 00.01.00")
    m = re.search(r"(?m)^\s*0\s+0x([0-9a-fA-F]+)\s+0x([0-9a-fA-F]+)\s+(\d+)\s+MEM",
                  bars)
    if not m:
        raise Failed("`pci bar 00.01.00` shows no memory BAR 0")
    base, size = int(m.group(1), 16), int(m.group(2), 16)
    if size != 0x100000:
        raise Failed("BAR 0 size is 0x%x, expected 0x100000" % size)
    if not (0x40000000 <= base and base + size - 1 <= 0x7fffffff):
        raise Failed("BAR 0 base 0x%x is outside 0x40000000..0x7fffffff" % base)

    # the firmware-assigned BAR decodes: edu's ident register
    dump = command("md.l 0x%x 1" % base)
    if not re.search(r"(?m)^%08x: 010000ed\b" % base, dump):
        raise Failed("md.l at BAR 0 (0x%x) does not read edu's ident "
                     "010000ed: %r" % (base, dump.strip()))

    send("poweroff\n")
    deadline = time.monotonic() + limit
    while pump(deadline):
        if time.monotonic() > deadline:
            raise Failed("glass did not exit after poweroff")
    try:
        rc = proc.wait(timeout=max(1.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        raise Failed("glass did not exit after poweroff")
    if rc != 0:
        raise Failed("glass exited with status %d after poweroff" % rc)
except Failed as e:
    if proc.poll() is None:
        proc.kill()
        proc.wait()
    result(False, str(e))
finally:
    log.close()

result(True)
EOF
