#!/usr/bin/env python3
"""Snapshot and -icount rows of `make bench` (docs/performance.md).

  save     the booted default guest (build/guest: Linux at its shell, 256 MiB,
           edu) saved by glass's monitor `savevm FILE` (glass reports the
           time, through fsync and rename) against QEMU's
           `migrate "exec:cat > FILE"` of the same guest on the same kernel
           and initramfs (QEMU's `info migrate` "total time"; QEMU's
           default migration settings). Target: glass no slower.
  restore  glass's monitor `loadvm FILE` of that file (glass reports the
           time: reading, checking, decompressing, committing). Target:
           under 0.3 s.
  size     the snapshot file. Target: at most 32 MiB. (QEMU's file for
           information.)
  icount   the benchmark guest (the rows above this table) run whole under
           `-icount shift=auto` against a normal run, host wall clock,
           alternating. Target: at most 1.1x.

Run by bench/run.py after its own table, or alone:
  python3 bench/snapshot.py [--glass G] [--runs N]
"""
import argparse
import os
import re
import select
import socket
import statistics
import subprocess
import sys
import tempfile
import time

MIB = 1024 * 1024
PROMPT = b"/ # "
SHELL = b"interactive shell"


class Console:
    """An emulator on pipes: write to its stdin, wait for its output."""

    def __init__(self, cmd):
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, bufsize=0)
        self.buf = bytearray()

    def send(self, data):
        self.p.stdin.write(data)
        self.p.stdin.flush()

    def wait_for(self, pattern, timeout, start=0):
        """Wait until the regex (bytes) matches the output after `start`;
        returns the match, or None."""
        deadline = time.monotonic() + timeout
        fd = self.p.stdout.fileno()
        while True:
            m = re.search(pattern, bytes(self.buf[start:]))
            if m:
                return m
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            r, _, _ = select.select([fd], [], [], min(left, 0.2))
            if r:
                chunk = os.read(fd, 65536)
                if not chunk:
                    return re.search(pattern, bytes(self.buf[start:]))
                self.buf += chunk

    def close(self):
        try:
            self.p.kill()
        except OSError:
            pass
        self.p.wait()


def booted(con, timeout):
    """Wait for the default guest's shell, then a little for it to settle."""
    if not con.wait_for(re.escape(SHELL), timeout):
        return False
    at = len(con.buf)
    con.send(b"echo ready-$((6*7))\n")
    return con.wait_for(rb"ready-42", 30, at) is not None


def glass_save_restore(args, common, path):
    con = Console([args.glass] + common)
    out = {}
    try:
        if not booted(con, args.timeout):
            out["error"] = "glass: the guest did not boot"
            return out
        time.sleep(1)
        at = len(con.buf)
        con.send(b"\x01c")
        con.send(f"savevm {path}\n".encode())
        m = con.wait_for(rb"saved \S+: (\d+) KiB, (\d+) of (\d+) RAM pages stored, "
                         rb"([0-9.]+) ms", 120, at)
        if not m:
            out["error"] = "glass: savevm gave no answer"
            return out
        out["save_ms"] = float(m.group(4))
        out["size_mib"] = os.path.getsize(path) / MIB
        out["pages"] = f"{m.group(2).decode()}/{m.group(3).decode()}"
        at = len(con.buf)
        con.send(f"loadvm {path}\n".encode())
        m = con.wait_for(rb"loaded \S+: ([0-9.]+) ms", 120, at)
        if not m:
            out["error"] = "glass: loadvm gave no answer"
            return out
        out["restore_ms"] = float(m.group(1))
        con.send(b"quit\n")
        con.p.wait(timeout=30)
    finally:
        con.close()
    return out


def hmp(sock, cmd, timeout=10):
    """One HMP command on QEMU's monitor socket; its answer up to the next
    (qemu) prompt."""
    sock.sendall(cmd.encode() + b"\n")
    data = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sock.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            break
        if not chunk:
            break
        data += chunk
        if data.rstrip().endswith(b"(qemu)"):
            break
    return data.decode("utf-8", "replace")


def qemu_migrate(args, common, path, tmp):
    mon = os.path.join(tmp, "qemu-monitor.sock")
    cmd = [args.qemu, "-M", "virt", "-nographic", "-bios", args.bios,
           "-monitor", f"unix:{mon},server,nowait"] + common
    con = Console(cmd)
    out = {}
    try:
        if not booted(con, args.timeout):
            out["error"] = "qemu: the guest did not boot"
            return out
        time.sleep(1)
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(mon)
        hmp(s, "")
        hmp(s, f'migrate "exec:cat > {path}"', 60)
        deadline = time.monotonic() + 120
        info = ""
        while time.monotonic() < deadline:
            info = hmp(s, "info migrate")
            if "Migration status: completed" in info or "failed" in info:
                break
            time.sleep(0.1)
        m = re.search(r"total time: (\d+) ms", info)
        if "completed" not in info or not m:
            out["error"] = "qemu: migration did not complete"
            return out
        out["save_ms"] = float(m.group(1))
        out["size_mib"] = os.path.getsize(path) / MIB
        hmp(s, "quit")
        s.close()
    finally:
        con.close()
    return out


def icount_cost(args, bench_cmd, runs, timeout):
    """Whole benchmark-guest runs, normal and -icount, alternating."""
    wall = {"normal": [], "icount": []}
    for _ in range(runs):
        for mode in ("normal", "icount"):
            cmd = list(bench_cmd)
            if mode == "icount":
                cmd[1:1] = ["-icount", "shift=auto"]
            t0 = time.monotonic()
            r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=timeout)
            t = time.monotonic() - t0
            if r.returncode != 0 or b"BENCH-DONE" not in r.stdout:
                return {"error": f"{mode} run failed (exit {r.returncode})"}
            wall[mode].append(t)
    # the best of each, like bench/run.py (the host's two speeds)
    return {"normal_s": min(wall["normal"]),
            "icount_s": min(wall["icount"]), "all": wall}


def fmt(v):
    if v is None:
        return "-"
    return f"{v:.3f}" if abs(v) < 10 else f"{v:.1f}"


def rows(args, bench_cmd=None):
    """Measure, print the rows, return (rows, failures)."""
    common = ["-m", "256M", "-device", "edu,dma_mask=0xffffffff",
              "-kernel", args.kernel, "-initrd", args.guest_initrd,
              "-append", "console=ttyS0"]
    table, failures = [], []
    with tempfile.TemporaryDirectory(prefix="glass-bench-snap-") as tmp:
        gs = [glass_save_restore(args, common, os.path.join(tmp, f"glass-{i}.snap"))
              for i in range(args.runs)]
        qs = [qemu_migrate(args, common, os.path.join(tmp, f"qemu-{i}.mig"), tmp)
              for i in range(args.runs)]
    for r in gs + qs:
        if "error" in r:
            failures.append(r["error"])

    def best(rs, k):
        v = [r[k] for r in rs if k in r]
        return min(v) if v else None

    def med(rs, k):
        v = [r[k] for r in rs if k in r]
        return statistics.median(v) if v else None

    # times: the best run of each (bench/run.py says why); sizes: medians
    g_save, q_save = best(gs, "save_ms"), best(qs, "save_ms")
    g_rest, g_size, q_size = best(gs, "restore_ms"), med(gs, "size_mib"), med(qs, "size_mib")
    ratio = g_save / q_save if g_save is not None and q_save else None
    table.append(("snapshot save, booted default guest 256 MiB", "ms", g_save, q_save,
                  ratio, "<= 1.0x", None if ratio is None else ratio <= 1.0))
    table.append(("snapshot restore (loadvm), same", "ms", g_rest, None, None,
                  "< 300 ms", None if g_rest is None else g_rest < 300))
    table.append(("snapshot file size (QEMU: migration stream)", "MiB", g_size, q_size,
                  None, "<= 32 MiB", None if g_size is None else g_size <= 32))
    ic = {}
    if bench_cmd:
        ic = icount_cost(args, bench_cmd, args.runs, args.timeout)
        if "error" in ic:
            failures.append("icount: " + ic["error"])
        cost = ic["icount_s"] / ic["normal_s"] if "icount_s" in ic else None
        table.append(("-icount shift=auto: bench guest run, wall", "s", ic.get("icount_s"),
                      None, cost, "<= 1.1x", None if cost is None else cost <= 1.1))
    print()
    print(f"{'snapshots and -icount':46s} {'unit':>4s} {'glass':>10s} {'QEMU':>10s} "
          f"{'ratio':>10s} {'target':>9s}  result")
    for label, unit, g, q, ratio, target, ok in table:
        res = "MISSING" if ok is None else "PASS" if ok else "FAIL"
        print(f"{label:46s} {unit:>4s} {fmt(g):>10s} {fmt(q):>10s} "
              f"{(fmt(ratio) + 'x') if ratio is not None else '-':>10s} {target:>9s}  {res}")
    if "normal_s" in ic:
        print(f"  -icount: the ratio is to the same guest run without -icount "
              f"({fmt(ic['normal_s'])} s); runs: {ic['all']}")
    print(f"  pages stored by glass (of RAM pages): {[r.get('pages') for r in gs]}; "
          f"QEMU saves with its default migration settings; times: best of {args.runs}, "
          f"sizes: medians")
    for f in failures:
        print(f"bench: snapshot: {f}")
    return table, failures


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--glass", default="build/glass")
    ap.add_argument("--qemu", default="qemu-system-riscv64")
    ap.add_argument("--bios", default="/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin")
    ap.add_argument("--kernel", default="build/guest/Image")
    ap.add_argument("--guest-initrd", default="build/guest/initramfs.cpio.gz")
    ap.add_argument("--bench-initrd", default="build/bench/initramfs.cpio.gz")
    ap.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", "5")))
    ap.add_argument("--timeout", type=float, default=300.0)
    args = ap.parse_args()
    bench_cmd = None
    if os.path.exists(args.bench_initrd):
        bench_cmd = [args.glass, "-m", "256M", "-device", "edu,dma_mask=0xffffffff",
                     "-kernel", args.kernel, "-initrd", args.bench_initrd,
                     "-append", "console=ttyS0"]
    table, failures = rows(args, bench_cmd)
    bad = [t for t in table if not t[6]]
    if os.environ.get("BENCH_STRICT") == "1" and (bad or failures):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
