#!/bin/sh
# pci: the edu device (1234:11e8) as Linux sees it. Run by /init for
# `glass.test=pci`; the machine needs `-device edu`.
#
# Checks that the kernel found and placed edu's BAR: sysfs IDs, the BAR in
# /proc/iomem inside a "pci@30000000" host bridge window, lspci's view of
# it; then talks to the device through that BAR with devmem (enabling
# Memory Space with setpci first if no driver did): the ident register
# reads 0x010000ED and the liveness register inverts what is written.
#
# glass.pcioffset=N on the command line (for `-M virt,pci-bus-offset=N`):
# the BAR's CPU physical address (/proc/iomem, sysfs resource) must be the
# bus address the BAR register holds plus N. Without it, N is 0.
#
# Works whether or not a driver (glass_edu) has bound the device: nothing
# here needs one. Prints "PCI OK" and exits 0, or the reason and exits 1.

dev=0000:00:01.0
sysdev=/sys/bus/pci/devices/$dev

fail() {
    echo "PCI FAIL: $*"
    exit 1
}

offset=0
for word in $(cat /proc/cmdline); do
    case $word in
    glass.pcioffset=*) offset=${word#glass.pcioffset=} ;;
    esac
done
offset=$(($offset))

# ---- sysfs identity
[ -d "$sysdev" ] || fail "$sysdev missing (is -device edu given?); devices: $(ls /sys/bus/pci/devices | tr '\n' ' ')"
vendor=$(cat "$sysdev/vendor")
device=$(cat "$sysdev/device")
[ "$vendor" = 0x1234 ] || fail "$sysdev/vendor is '$vendor', expected 0x1234"
[ "$device" = 0x11e8 ] || fail "$sysdev/device is '$device', expected 0x11e8"
echo "pci: $dev is $vendor:$device"

# ---- /proc/iomem: the BAR, inside a host bridge window
bar_line=$(grep -m1 " : $dev\$" /proc/iomem)
[ -n "$bar_line" ] || { cat /proc/iomem; fail "no '$dev' line in /proc/iomem"; }
bar_range=$(echo "$bar_line" | sed 's/^ *//; s/ .*//')
bar_start=$((0x${bar_range%-*}))
bar_end=$((0x${bar_range#*-}))
printf 'pci: /proc/iomem: BAR at 0x%x-0x%x\n' "$bar_start" "$bar_end"
[ $((bar_end - bar_start + 1)) -eq $((0x100000)) ] ||
    fail "BAR range $bar_range is not 1 MiB"

inside=
windows=0
for range in $(grep ' : pci@30000000$' /proc/iomem | sed 's/^ *//; s/ .*//'); do
    windows=$((windows + 1))
    w_start=$((0x${range%-*}))
    w_end=$((0x${range#*-}))
    if [ "$bar_start" -ge "$w_start" ] && [ "$bar_end" -le "$w_end" ]; then
        inside=$range
    fi
done
[ "$windows" -gt 0 ] || { cat /proc/iomem; fail "no 'pci@30000000' window in /proc/iomem"; }
[ -n "$inside" ] || { cat /proc/iomem; fail "BAR $bar_range is outside every pci@30000000 window"; }
echo "pci: BAR is inside window $inside"

# ---- lspci
lspci_out=$(lspci -v -s 00:01.0)
echo "$lspci_out" | sed 's/^/pci: lspci: /'
# "[disabled]" when no driver has turned Memory Space on yet
echo "$lspci_out" |
    grep -Eq 'Memory at [0-9a-f]+ \(32-bit, non-prefetchable\)( \[disabled\])? \[size=1M\]' ||
    fail "lspci -v does not show a 32-bit non-prefetchable 1M memory BAR"
lspci_addr=$(echo "$lspci_out" | sed -n 's/.*Memory at \([0-9a-f]*\) .*/\1/p' | head -n 1)
[ $((0x$lspci_addr)) -eq "$bar_start" ] ||
    fail "lspci shows the BAR at 0x$lspci_addr, /proc/iomem at $(printf 0x%x "$bar_start")"

# ---- sysfs resource: line 1 is BAR0, "start end flags"
res_start=$(head -n 1 "$sysdev/resource" | cut -d' ' -f1)
[ -n "$res_start" ] || fail "cannot read $sysdev/resource"
phys=$(($res_start))
[ "$phys" -eq "$bar_start" ] ||
    fail "resource says BAR0 at $res_start, /proc/iomem says $(printf 0x%x "$bar_start")"
phys_hex=$(printf '0x%x' "$phys")

# ---- the BAR register holds the bus address: CPU = bus + offset
bar0=$(setpci -s 00:01.0 BASE_ADDRESS_0) || fail "setpci -s 00:01.0 BASE_ADDRESS_0 failed"
bus=$((0x$bar0 & ~0xf))
printf 'pci: BAR0 register 0x%s: bus address 0x%x, CPU address %s, offset 0x%x\n' \
    "$bar0" "$bus" "$phys_hex" "$offset"
[ $((phys - bus)) -eq "$offset" ] ||
    fail "CPU address $phys_hex - bus address $(printf 0x%x "$bus") is $(printf 0x%x $((phys - bus))), expected offset $(printf 0x%x "$offset")"

# ---- Memory Space Enable, then the registers through devmem
cmd=$(setpci -s 00:01.0 COMMAND) || fail "setpci -s 00:01.0 COMMAND failed"
echo "pci: command register 0x$cmd"
if [ $((0x$cmd & 0x2)) -eq 0 ]; then
    echo "pci: memory decoding off (no driver enabled it): setting it"
    # value:mask, so only the Memory Space bit changes
    setpci -s 00:01.0 COMMAND=0x2:0x2 || fail "setpci COMMAND=0x2:0x2 failed"
    cmd=$(setpci -s 00:01.0 COMMAND)
    [ $((0x$cmd & 0x2)) -ne 0 ] || fail "Memory Space Enable did not stick (command 0x$cmd)"
fi

ident=$(devmem "$phys_hex" 32) || fail "devmem $phys_hex 32 failed"
echo "pci: ident at $phys_hex: $ident"
[ "$ident" = 0x010000ED ] || fail "edu ident reads '$ident', expected 0x010000ED"

live=$(printf '0x%x' $((phys + 4)))
devmem "$live" 32 0x12345678 || fail "devmem write $live failed"
val=$(devmem "$live" 32)
echo "pci: liveness after writing 0x12345678: $val"
[ "$val" = 0xEDCBA987 ] || fail "liveness reads '$val', expected 0xEDCBA987 (~0x12345678)"
devmem "$live" 32 0 || fail "devmem write $live failed"
val=$(devmem "$live" 32)
[ "$val" = 0xFFFFFFFF ] || fail "liveness reads '$val' after writing 0, expected 0xFFFFFFFF"

echo "PCI OK"
