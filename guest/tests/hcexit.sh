#!/bin/sh
# hcexit: glass's EXIT hypercall from Linux user space. Run by /init for
# glass.test=hcexit. glassctl picks its transport itself: /dev/glass-hc
# (the PCI instance, through glass_hc.ko) when glass runs with
# -device glass-hypercall, else /dev/mem at the platform instance found in
# the device tree.
#
# Logs "hcexit says goodbye (via TRANSPORT)" through glass's LOG op, then
# runs `glassctl exit 7`: glass must stop right there and exit with status
# 7, so this script never returns normally (the host checks both, see
# tests/linux/boot.sh). If glassctl comes back, prints the reason and
# exits 1.

fail() {
    echo "HCEXIT FAIL: $*"
    exit 1
}

command -v glassctl >/dev/null || fail "glassctl is not in PATH"
glassctl -v info >/tmp/hcexit.out 2>&1 || { cat /tmp/hcexit.out; fail "glassctl info"; }
via=$(sed -n 's/^transport: //p' /tmp/hcexit.out)
echo "hcexit: transport $via"
glassctl log "hcexit says goodbye (via $via)" || fail "glassctl log"
glassctl exit 7
fail "glassctl exit 7 returned (status $?): the machine is still running"
