#!/bin/sh
# An experiment, run by the guest in the directory where it copied this
# file and `params` from the experiment's --share directory. Its exit
# status becomes glass's; files named result* are copied back.
# shellcheck source=/dev/null # params is written per experiment
. ./params
# the sum 1..N, by the guest's shell
i=0 sum=0
while [ "$i" -lt "$N" ]; do
	i=$((i + 1))
	sum=$((sum + i))
done
echo "$sum" >result
echo "experiment N=$N: sum $sum"
# an experiment may fail: this one does when N is 3000, to show where an
# exit status ends up
[ "$N" -ne 3000 ] || exit 3
