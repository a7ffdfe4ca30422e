#!/bin/sh
# A whole campaign on this machine: boot once, then N experiments from the
# checkpoint, JOBS at a time (GNU parallel), then one table.
#   examples/campaign/campaign.sh WORK N [JOBS]
# Each experiment k gets WORK/exp-k with run.sh (this directory's
# run.sh) and params (N=k*1000); the table is WORK/results.tsv.
set -eu
here=$(dirname "$0")
work=${1:?usage: campaign.sh WORK N [JOBS]}
n=${2:?usage: campaign.sh WORK N [JOBS]}
jobs=${3:-$(nproc)}
"$here/boot.sh" "$work"
for k in $(seq 1 "$n"); do
	mkdir -p "$work/exp-$k"
	cp "$here/run.sh" "$work/exp-$k/run.sh"
	echo "N=$((k * 1000))" >"$work/exp-$k/params"
done
# --joblog keeps each job's exit status; a failing experiment does not
# stop the others (parallel's own status counts them)
seq 1 "$n" | parallel --will-cite --jobs "$jobs" --joblog "$work/joblog" \
	"$here/experiment.sh" "$work" "$work/exp-{}" || true
"$here/collect.sh" "$work" | tee "$work/results.tsv"
