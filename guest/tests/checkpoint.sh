#!/bin/sh
# CHECKPOINT from the guest (tests/snapshot/run.sh): glassctl saves the
# machine as "exact" into glass's --checkpoint-dir, then does some work
# that reaches devices (PCI config space, the hypercall device, timers,
# the RTC). The run that saved goes on through it, and a run restored
# from the file does the same work: the host compares their traces and
# statistics from the checkpoint on. Nothing printed here may depend on
# which of the two runs this is, so glassctl's answer goes to a file.
# Exits 0 when the work succeeded.
set -u
glassctl checkpoint exact >/tmp/checkpoint.txt 2>&1 || {
    cat /tmp/checkpoint.txt
    exit 1
}
lspci -n >/tmp/lspci.txt || exit 1
glassctl marker 7 >/dev/null || exit 1
sleep 0.05
cat /proc/uptime /sys/class/rtc/rtc0/since_epoch >/dev/null || exit 1
i=0
while [ $i -lt 200 ]; do
    i=$((i + 1))
done
echo "checkpoint work done ($i)"
