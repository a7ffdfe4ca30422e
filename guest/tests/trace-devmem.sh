#!/bin/sh
# trace-devmem: one user-space read of edu's ident register through
# /dev/mem, for the host to find in glass's trace. Run by /init for
# `glass.test=trace-devmem`; boot glass with
#     -device edu --trace mmio --trace-filter device=edu --trace-file F
# tests/linux/boot.sh then checks F (tests/trace/check-linux-trace.sh): a
# hart0 U-mode load.w at a user-space VA, pa=0x40000000, edu's bar0 and
# "(ident) = 0x010000ed".
#
# Turns Memory Space on with setpci when no driver has. Prints
# "TRACE-DEVMEM OK" and exits 0, or the reason and exits 1.

dev=0000:00:01.0
sysdev=/sys/bus/pci/devices/$dev

fail() {
    echo "TRACE-DEVMEM FAIL: $*"
    exit 1
}

[ -d "$sysdev" ] || fail "$sysdev missing (is -device edu given?)"
[ "$(cat "$sysdev/vendor"):$(cat "$sysdev/device")" = 0x1234:0x11e8 ] ||
    fail "$dev is not edu (1234:11e8)"

# `resource`: one "start end flags" line per BAR; BAR0 is the first.
bar0=$(head -n 1 "$sysdev/resource" | cut -d ' ' -f 1)
if [ -z "$bar0" ] || [ $((bar0)) -eq 0 ]; then
    fail "BAR0 not assigned"
fi
phys=$(printf '0x%x' $((bar0)))

cmd=$(setpci -s 00:01.0 COMMAND) || fail "setpci -s 00:01.0 COMMAND failed"
if [ $((0x$cmd & 0x2)) -eq 0 ]; then
    echo "trace-devmem: memory decoding off (command 0x$cmd): setting it"
    setpci -s 00:01.0 COMMAND=0x2:0x2 || fail "setpci COMMAND=0x2:0x2 failed"
fi

ident=$(devmem "$phys" 32) || fail "devmem $phys 32 failed"
echo "trace-devmem: devmem $phys 32 = $ident"
[ "$ident" = 0x010000ED ] || fail "ident reads '$ident', expected 0x010000ED"
echo "TRACE-DEVMEM OK"
