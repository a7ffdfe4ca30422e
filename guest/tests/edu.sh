#!/bin/sh
# edu: guest self-check for QEMU's edu PCI device (1234:11e8). Run by /init
# for `glass.test=edu`; needs the machine started with an edu device (e.g.
# -device edu,dma_mask=0xffffffff: the DMA check needs 32-bit addresses).
#
# 1. The glass_edu module (insmodded by /init) ran its self-test in probe:
#    dmesg must say "glass_edu: selftest PASS".
# 2. User space reads edu's ident register (BAR0 + 0, 0x010000ed) two ways:
#    busybox devmem at the BAR's physical address from sysfs `resource`,
#    and pcimem (guest/tools/pcimem.c) on an mmap of sysfs `resource0`.
# Prints "EDU OK" and exits 0 if all pass, else says what failed, exits 1.

IDENT=0x010000ed
failed=0

# lower-case hex, so devmem's 0x010000ED and pcimem's 0x010000ed compare
lc() {
    echo "$1" | tr 'A-F' 'a-f'
}

pass() {
    echo "edu: $* PASS"
}

fail() {
    echo "edu: $* FAIL"
    failed=1
}

# ---- 1: the driver's self-test ----
if dmesg | grep -q 'glass_edu: selftest PASS'; then
    pass "driver selftest"
else
    dmesg | grep 'glass_edu' | sed 's/^/edu:   /'
    fail "driver selftest (no 'glass_edu: selftest PASS' in dmesg)"
fi

# ---- 2: find the device ----
dev=
for d in /sys/bus/pci/devices/*; do
    [ -f "$d/vendor" ] || continue
    if [ "$(cat "$d/vendor")" = 0x1234 ] && [ "$(cat "$d/device")" = 0x11e8 ]; then
        dev=$d
        break
    fi
done
if [ -z "$dev" ]; then
    fail "no 1234:11e8 device in /sys/bus/pci/devices"
    echo "EDU FAIL"
    exit 1
fi
echo "edu: device ${dev##*/}"

# `resource` has one "start end flags" line per BAR; BAR0 is the first.
bar0=$(head -n 1 "$dev/resource" | cut -d ' ' -f 1)
if [ -z "$bar0" ] || [ "$bar0" = 0x0000000000000000 ]; then
    fail "BAR0 not assigned ($dev/resource: $(head -n 1 "$dev/resource"))"
else
    v=$(devmem "$bar0" 32 2>&1)
    if [ "$(lc "$v")" = $IDENT ]; then
        pass "devmem $bar0 = $v"
    else
        fail "devmem $bar0 = '$v', want $IDENT"
    fi
fi

v=$(pcimem "$dev/resource0" 0 2>&1)
if [ "$(lc "$v")" = $IDENT ]; then
    pass "pcimem ${dev##*/}/resource0 +0 = $v"
else
    fail "pcimem ${dev##*/}/resource0 +0 = '$v', want $IDENT"
fi

if [ "$failed" = 0 ]; then
    echo "EDU OK"
    exit 0
fi
echo "EDU FAIL"
exit 1
