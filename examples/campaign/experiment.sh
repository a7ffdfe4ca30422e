#!/bin/sh
# One experiment: restore WORK/boot with DIR as its --share directory.
#   examples/campaign/experiment.sh WORK DIR
# DIR holds run.sh (and its parameters) before, and out.txt, result*,
# stats.json and console.log after. glass's exit status is the
# experiment's (run.sh's), or 1 if glass itself failed: GNU parallel's
# --joblog and a Slurm job's state both record it.
here=$(dirname "$0")
# shellcheck source=examples/campaign/machine.conf
. "$here/machine.conf"
work=${1:?usage: experiment.sh WORK DIR}
dir=${2:?usage: experiment.sh WORK DIR}
# shellcheck disable=SC2086 # MACHINE is words
exec "$GLASS" $MACHINE -loadvm "$work/boot" --share "$dir" \
	--stats "$dir/stats.json" </dev/null >"$dir/console.log" 2>&1
