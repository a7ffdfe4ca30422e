#!/bin/sh
# The guest side of a campaign (docs/campaigns.md, examples/campaign/).
#
# Booted with glass.test=campaign and --checkpoint-dir: saves the machine
# as "boot" and glass exits. Every run restored from that file (-loadvm)
# resumes here: it takes its experiment from its own --share directory
# (run.sh, and whatever parameters run.sh reads from the current
# directory), runs it, copies out.txt and any result* files back, and
# ends glass with run.sh's exit status. Statistics are reset first, so a
# run's --stats cover its experiment only.
out=$(glassctl checkpoint boot exit 2>&1) || { echo "$out"; exit 1; }
case $out in
*resumed) ;;
*) echo "campaign: expected to be resumed from the checkpoint: $out"
   exit 1 ;;
esac
glassctl stats reset >/dev/null
mkdir -p /tmp/experiment || glassctl exit 125
cd /tmp/experiment || glassctl exit 125
glassctl get run.sh run.sh >/dev/null || glassctl exit 125
glassctl get params params >/dev/null 2>&1   # optional
sh ./run.sh >out.txt 2>&1
rc=$?
glassctl put out.txt out.txt >/dev/null
for f in result*; do
    [ -f "$f" ] && glassctl put "$f" "$f" >/dev/null
done
glassctl exit "$rc"
