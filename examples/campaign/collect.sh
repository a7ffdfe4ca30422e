#!/bin/sh
# The campaign's table: one line per experiment directory WORK/exp-*:
# its exit status (from parallel's joblog, else exit-status files a Slurm
# job wrote), its result, and from its --stats JSON the instructions it
# ran and the device accesses it made.
#   examples/campaign/collect.sh WORK
set -eu
work=${1:?usage: collect.sh WORK}
python3 - "$work" <<'PY'
import glob, json, os, re, sys
work = sys.argv[1]
status = {}
joblog = os.path.join(work, "joblog")
if os.path.exists(joblog):
    for line in open(joblog).read().splitlines()[1:]:
        f = line.split("\t")
        m = re.search(r"(exp-\d+)\s*$", f[-1])
        if m:
            status[m.group(1)] = int(f[6])
print("experiment\texit\tresult\tinstructions\tdevice_accesses")
def key(d):
    return int(d.rsplit("-", 1)[1])
for d in sorted(glob.glob(os.path.join(work, "exp-*")), key=key):
    name = os.path.basename(d)
    rc = status.get(name)
    if rc is None and os.path.exists(os.path.join(d, "exit-status")):
        rc = int(open(os.path.join(d, "exit-status")).read())
    result = "-"
    if os.path.exists(os.path.join(d, "result")):
        result = open(os.path.join(d, "result")).read().strip() or "-"
    insns = acc = "-"
    try:
        st = json.load(open(os.path.join(d, "stats.json")))
        insns = sum(h["instructions"] for h in st["harts"])
        acc = sum(x["reads"] + x["writes"] for x in st["devices"])
    except (OSError, ValueError, KeyError):
        pass
    print(f"{name}\t{'-' if rc is None else rc}\t{result}\t{insns}\t{acc}")
PY
