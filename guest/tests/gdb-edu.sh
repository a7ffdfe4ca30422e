#!/bin/sh
# gdb-edu: the guest's half of the Linux GDB test (tests/gdb/linux.sh).
# Says where the glass_edu module's code is (for GDB's add-symbol-file),
# waits for a line on the console (the host's debugger is ready), then
# binds the driver to edu again, so its probe and self-test run under the
# debugger: a breakpoint in the kernel's PCI probe path, and a watchpoint
# on edu's liveness register that the self-test writes.
# Exits 0 when the second self-test passes too.

text=$(cat /sys/module/glass_edu/sections/.text 2>/dev/null)
drv=/sys/bus/pci/drivers/glass_edu
dev=
for d in "$drv"/0000:*; do
    [ -e "$d" ] && dev=${d##*/}
done
if [ -z "$text" ] || [ -z "$dev" ]; then
    echo "gdb-edu: glass_edu is not loaded or bound (text='$text' dev='$dev')"
    exit 1
fi
echo "GDB-EDU text=$text dev=$dev"
read -r go
echo "gdb-edu: got '$go', binding $dev again"
echo "$dev" >"$drv/unbind"
echo "$dev" >"$drv/bind"
n=$(dmesg | grep -c 'glass_edu: selftest PASS')
echo "gdb-edu: $n self-tests passed"
[ "$n" -eq 2 ]
