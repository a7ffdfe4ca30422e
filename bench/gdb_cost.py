#!/usr/bin/env python3
"""The debugger rows of `make bench` (docs/performance.md): what glass
costs with a gdbstub listening and no debugger attached, against glass
without one, in exact host instructions (cachegrind: a shared two-core
host moves wall clock by far more than the difference). bench/debug_cost.sh
runs the bare-metal programs of bench/debug-cost/ (loads, stores and
branches on RAM; UART register accesses), once as they are and once with
`-gdb unix:SOCK`. Target: at most 0.1% more, the stub's start-up and its
socket in each round's poll.

The trigger module is in both runs; what it costs unused, against a glass
without it, is the table in docs/performance.md (bench/debug_cost.sh
with two binaries).

Run by bench/run.py after its other tables, or alone:
  python3 bench/gdb_cost.py [--glass G]
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

TARGET = 1.001
LABELS = {
    "spin": "spin.S: RAM loop, 21M insns",
    "mmio": "mmio.S: UART, 2M accesses",
}


def counts(glass, extra):
    """{program: host instructions} from bench/debug_cost.sh."""
    env = dict(os.environ, GLASS_ARGS=extra)
    r = subprocess.run(["sh", "bench/debug_cost.sh", glass], env=env,
                       capture_output=True, text=True, timeout=600)
    out = {}
    for line in r.stdout.splitlines():
        m = re.match(r"^(\S+)\s+\S+\s+([0-9,]+)$", line)
        if m:
            out[m.group(1)] = int(m.group(2).replace(",", ""))
    return out, r


def rows(args):
    """Measure, print the rows, return (rows, failures); a row is
    (label, unit, with stub, without, ratio, target, ok)."""
    missing = [t for t in ("valgrind", "riscv64-linux-gnu-gcc") if not shutil.which(t)]
    if missing:
        return [], [f"gdb cost: {' and '.join(missing)} not installed"]
    with tempfile.TemporaryDirectory(prefix="glass-bench-gdb-") as tmp:
        plain, r1 = counts(args.glass, "")
        stub, r2 = counts(args.glass, f"-gdb unix:{os.path.join(tmp, 'gdb.sock')}")
    failures = []
    table = []
    for prog in sorted(LABELS):
        a, b = plain.get(prog), stub.get(prog)
        if a is None or b is None:
            failures.append(f"gdb cost: {prog} not measured "
                            f"({(r1.stderr + r2.stderr).strip()[-200:]})")
        ratio = b / a if a and b else None
        table.append((f"no client: {LABELS[prog]}", "Minsn",
                      b / 1e6 if b else None, a / 1e6 if a else None, ratio,
                      f"<= {TARGET}x", None if ratio is None else ratio <= TARGET))
    print()
    print(f"{'gdbstub listening, no debugger':46s} {'unit':>5s} {'-gdb':>10s} {'no -gdb':>10s} "
          f"{'ratio':>8s} {'target':>9s}  result")
    for label, unit, g, q, ratio, target, ok in table:
        res = "MISSING" if ok is None else "PASS" if ok else "FAIL"
        fmt = (lambda v: "-" if v is None else f"{v:.3f}")
        print(f"{label:46s} {unit:>5s} {fmt(g):>10s} {fmt(q):>10s} "
              f"{(f'{ratio:.5f}x') if ratio else '-':>8s} {target:>9s}  {res}")
    print("  host instructions (cachegrind, exact); both runs have the trigger "
          "module, none armed")
    for f in failures:
        print(f"bench: {f}")
    return table, failures


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--glass", default="build/glass")
    args = ap.parse_args()
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    table, failures = rows(args)
    bad = [t for t in table if not t[6]]
    if os.environ.get("BENCH_STRICT") == "1" and (bad or failures):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
