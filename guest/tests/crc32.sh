#!/bin/sh
# crc32: the device-plugin tutorial's CRC-32 engine (examples/device) under
# Linux. Run by /init for `glass.test=crc32`; the machine needs
# -device plugin,path=.../crc32.so.
#
# 1. glass_crc32.ko (insmodded by /init) ran its self-test in probe: the
#    ID by MMIO, by ioread32 on the mapped I/O BAR and by inl; a job with a
#    bad length fails; the CRC of "123456789". dmesg must say
#    "glass_crc32 <device>: selftest PASS" for every 1234:cc32 device.
# 2. crc32-test (examples/device/user/crc32-test.c): port I/O from user
#    space, CRCs through /dev/crc32 against a software CRC-32, with the
#    interrupt and polled, and the device's job counters.
# 3. The shell way: `printf 123456789 >/dev/crc32; cat /dev/crc32`, on
#    every engine (/dev/crc32, /dev/crc32-1, ...).
# 4. DMA refused: with Bus Master Enable cleared (setpci), a job fails
#    with ERROR 2 and the write with EIO; set again, jobs work again.
# Prints "CRC32 TEST OK" and exits 0 if all pass, else says what failed
# and exits 1.

failed=0

pass() {
    echo "crc32.sh: $* PASS"
}

fail() {
    echo "crc32.sh: $* FAIL"
    failed=1
}

# ---- 1: the driver's self-test ----
dmesg | grep 'glass_crc32' | sed 's/^/crc32.sh:   /'
devices=$(grep -lx 0xcc32 /sys/bus/pci/devices/*/device | wc -l)
passes=$(dmesg | grep -c 'glass_crc32 .*: selftest PASS')
if [ "$passes" -eq "$devices" ] && [ "$devices" -gt 0 ]; then
    pass "driver selftest ($passes of $devices devices)"
else
    fail "driver selftest ('selftest PASS' for $passes of $devices devices)"
fi

# ---- 2: the user-space test ----
if crc32-test; then
    pass "crc32-test"
else
    fail "crc32-test"
fi

# ---- 3: from the shell ----
# shell_crc WHAT [DEV]: the CRC of "123456789" through DEV (/dev/crc32)
shell_crc() {
    d=${2:-/dev/crc32}
    printf 123456789 >"$d"
    v=$(cat "$d")
    if [ "$v" = cbf43926 ]; then
        pass "$1: printf 123456789 >$d: $v"
    else
        fail "$1: printf 123456789 >$d: '$v', want cbf43926"
    fi
}

if [ ! -c /dev/crc32 ]; then
    fail "no /dev/crc32"
    echo "CRC32 TEST FAIL"
    exit 1
fi
for d in /dev/crc32*; do
    shell_crc "shell" "$d"
done

# ---- 4: DMA refused while bus mastering is off ----
dev=
for d in /sys/bus/pci/devices/*; do
    if [ "$(cat "$d/vendor")" = 0x1234 ] && [ "$(cat "$d/device")" = 0xcc32 ]; then
        dev=${d##*/}
        break
    fi
done
setpci -s "$dev" COMMAND=0000:0004
echo "crc32.sh: $dev COMMAND=$(setpci -s "$dev" COMMAND) (Bus Master off)"
if printf 123456789 2>/dev/null >/dev/crc32; then
    fail "a job with Bus Master off succeeded"
elif dmesg | grep -q 'glass_crc32 .*: job of 9 bytes: device error (2)'; then
    pass "a job with Bus Master off fails with ERROR 2"
else
    dmesg | tail -n 3 | sed 's/^/crc32.sh:   /'
    fail "a job with Bus Master off: no 'device error (2)' in dmesg"
fi
setpci -s "$dev" COMMAND=0004:0004
shell_crc "Bus Master on again"

if [ "$failed" = 0 ]; then
    echo "CRC32 TEST OK"
    exit 0
fi
echo "CRC32 TEST FAIL"
exit 1
