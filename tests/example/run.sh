#!/bin/sh
# The device-plugin tutorial (examples/device) end to end, the way its
# README tells a user to do it:
#   1. build the plugin with the example's Makefile (cc -shared -fPIC
#      against include/glass), and the Linux driver by hand against the
#      guest kernel (a copy of examples/device/driver, KDIR=...);
#   2. -device plugin,path=crc32.so,help and the monitor's info qtree;
#   3. boot the default guest (whose initramfs has the driver and
#      crc32-test, from guest/build-modules.sh) with the plugin and
#      glass.test=crc32: the driver's self-test, crc32-test (port I/O from
#      user space, CRCs against a software CRC-32, interrupt and polled),
#      the shell, and a job refused while Bus Master is off;
#   4. check the host's trace of that boot (--trace mmio,pci-config,dma,
#      irq,guest-error): BAR sizing, registers by name, port I/O through
#      the pcie-pio window, DMA, the interrupt line, guest errors; and the
#      plugin's log=on lines;
#   5. boot with two instances of the plugin: both probe, both compute;
#   6. boot once more with max_len=8, a device that fails the driver's
#      9-byte check: the guest test must notice (exit 1).
#
# usage: tests/example/run.sh [GLASS [GUESTDIR]]   (after make all guest)
# Prints PASS/FAIL lines and "N passed, N failed"; exit 1 if any failed.
cd "$(dirname "$0")/../.." || exit 2
top=$(pwd)
glass=${1:-build/glass}
guest=${2:-build/guest}
limit=${LINUX_TIMEOUT:-300}
out=$top/${LOGDIR:-build/test-logs}/example
elf=fuzz/corpus/loader/seed-mini.elf
rm -rf "$out"
mkdir -p "$out"
passed=0
failed=0

pass() {
	echo "PASS example/$1"
	passed=$((passed + 1))
}

fail() {
	echo "FAIL example/$1 ($2)"
	failed=$((failed + 1))
}

# check NAME FILE EXTENDED-REGEX WHAT: FILE has a line matching
check() {
	if grep -Eq "$3" "$2"; then
		pass "$1"
	else
		fail "$1" "no line matching '$3' in $2: $4"
	fi
}

finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}

# ---- 1. build, as a user would ----
plugin=$out/crc32.so
if make -s -C examples/device OUT="$out" >"$out/build-plugin.log" 2>&1 &&
	[ -f "$plugin" ]; then
	pass build-plugin
else
	fail build-plugin "make -C examples/device: $(tail -n 5 "$out/build-plugin.log")"
	finish
fi

if [ ! -f "$guest/kdir" ]; then
	fail build-driver "no $guest/kdir: run 'make guest' first"
else
	cp -r examples/device/driver "$out/driver"
	if make -C "$out/driver" KDIR="$(cat "$guest/kdir")" \
		>"$out/build-driver.log" 2>&1 &&
		[ -f "$out/driver/glass_crc32.ko" ] &&
		! grep -q 'warning:' "$out/build-driver.log"; then
		pass build-driver
	else
		fail build-driver "see $out/build-driver.log"
	fi
fi

# the guest's copies of the driver and crc32-test (cached: quick when
# nothing changed)
if [ -f "$guest/kdir" ] && guest/build-modules.sh "$guest" >"$out/guest.log" 2>&1 &&
	guest/build-initramfs.sh "$guest" >>"$out/guest.log" 2>&1 &&
	[ -f "$guest/modules/glass_crc32.ko" ] && [ -f "$guest/bin/crc32-test" ]; then
	pass guest-image
else
	fail guest-image "guest/build-modules.sh $guest: $(tail -n 5 "$out/guest.log")"
fi

# ---- 2. help and info qtree ----
"$glass" -device "plugin,path=$plugin,help" >"$out/help.txt" 2>&1
if grep -q '^crc32 (PCI): CRC-32 offload engine' "$out/help.txt" &&
	grep -q 'delay_ns=<uint>.*(default: 2000)' "$out/help.txt" &&
	grep -q 'ns_per_byte=<uint>.*(default: 4)' "$out/help.txt" &&
	grep -q 'max_len=<uint>.*(default: 0x100000)' "$out/help.txt" &&
	grep -q 'log=<bool>.*(default: off)' "$out/help.txt"; then
	pass help
else
	fail help "$(head -c 300 "$out/help.txt")"
fi

printf 'info qtree\nquit\n' | timeout 10 "$glass" -monitor stdio \
	-device "plugin,path=$plugin,ns_per_byte=8,id=crc0" -bios none \
	-kernel "$elf" 2>&1 | tr -d '\r' >"$out/qtree.txt"
if grep -q 'dev: crc32, id "crc0", pci 00:01.0 1234:cc32' "$out/qtree.txt" &&
	grep -q '^ *ns_per_byte = 8$' "$out/qtree.txt" &&
	grep -q '^ *irq 0 (INTA) -> plic source 33$' "$out/qtree.txt" &&
	grep -q 'region pci 00:01.0 crc32 bar1-io' "$out/qtree.txt" &&
	grep -q '^ *idle, jobs 0 (failed 0)' "$out/qtree.txt"; then
	pass qtree
else
	fail qtree "$(grep -A9 'dev: crc32' "$out/qtree.txt" | head -c 400)"
fi

# ---- 3. Linux with the plugin ----
# boot NAME LOG PROPS [glass args...]: glass.test=crc32 with the plugin
boot() {
	name=$1 log=$2 props=$3
	shift 3
	timeout "$limit" "$glass" -m 256M -smp 2 \
		-device "plugin,path=$plugin$props" "$@" \
		-kernel "$guest/Image" -initrd "$guest/initramfs.cpio.gz" \
		-append "console=ttyS0 glass.test=crc32 glass.harts=2" \
		</dev/null >"$log" 2>&1
	rc=$?
}

log=$out/linux.log
trace=$out/trace.txt
boot linux "$log" ,log=on --trace mmio,pci-config,dma,irq,guest-error \
	--trace-file "$trace"
if [ $rc -eq 0 ] && grep -q '^GLASS-TEST crc32 exit=0' "$log"; then
	pass linux
else
	fail linux "glass exit $rc; log $log"
	grep -E 'crc32|GLASS-TEST' "$log" | tail -n 25 | sed 's/^/    /'
fi

# ---- 4. what the host saw ----
# the plugin's own log lines (log=on): the self-test's failed job first
check plugin-log "$log" '^glass: crc32: job 1: failed, ERROR 1$' \
	"glass_log from the plugin"
check trace-bar-sizing "$trace" \
	'pci-config 00:01\.0 crc32 read\.w \+0x010 \(BAR0\) = 0xfffff000 \[size mask: 4096 bytes\]' \
	"BAR0 sized"
check trace-io-bar-sizing "$trace" \
	'pci-config 00:01\.0 crc32 read\.w \+0x014 \(BAR1\) = 0xfffffff1 \[size mask: 16 bytes\]' \
	"BAR1 (I/O) sized"
check trace-mmio-by-name "$trace" \
	'load\.w .* -> pci 00:01\.0 crc32 bar0 bus=0x[0-9a-f]+ \+0x020 \(RESULT\) = 0xcbf43926' \
	"RESULT read by name"
# the virt board's pcie-pio window is 0x3000000+0x10000
check trace-port-io "$trace" \
	'load\.w .* pa=0x30000[0-9a-f]{2} -> pci 00:01\.0 crc32 bar1-io bus=0x[0-9a-f]+ \+0x000 \(IO_ID\) = 0x43524301' \
	"inl of IO_ID through the pcie-pio window"
check trace-port-io-bytes "$trace" \
	'load\.b .* pa=0x30000[0-9a-f]{2} -> pci 00:01\.0 crc32 bar1-io bus=0x[0-9a-f]+ \+0x003 \(IO_ID\) = 0x43' \
	"inb of IO_ID's top byte (/dev/port)"
check trace-dma "$trace" \
	'^dma 00:01\.0 crc32 read bus=0x[0-9a-f]+ -> pa=0x[0-9a-f]+ len=16384 ok$' \
	"a 16 KiB job's DMA"
check trace-dma-refused "$trace" \
	'^dma 00:01\.0 crc32 read bus=0x[0-9a-f]+ -> pa=0x0 len=9 refused: bus mastering disabled$' \
	"the job with Bus Master off"
check trace-guest-error-len "$trace" \
	'^guest-error 00:01\.0 crc32: job length 0 is not 1\.\.1048576$' \
	"the self-test's bad job"
check trace-guest-error-dma "$trace" \
	'^guest-error 00:01\.0 crc32: job of 9 bytes at bus 0x[0-9a-f]+: DMA refused$' \
	"the plugin's report of the refused DMA"
# The interrupt: crc32 is INTA of slot 1, PLIC source 33 (qtree above).
# Among the lines about crc32 and that source, a job's DMA is followed by
# the line rising, the handler reading IRQ_STATUS = DONE, the line falling
# and the IRQ_ACK store that lowered it (a store is traced once it is
# done, so after what it caused).
name="trace-irq"
if grep -E 'crc32|^irq plic source line 33 ' "$trace" | awk '
	{ l[NR] = $0 }
	END {
		for (i = 1; i + 6 <= NR; i++)
			if (l[i] ~ /^dma 00:01\.0 crc32 read .* ok$/ &&
			    l[i + 1] == "irq 00:01.0 crc32 INTA = 1 (bridge line 1)" &&
			    l[i + 2] == "irq plic source line 33 = 1" &&
			    l[i + 3] ~ /crc32 bar0 .*\(IRQ_STATUS\) = 0x00000001$/ &&
			    l[i + 4] == "irq 00:01.0 crc32 INTA = 0 (bridge line 1)" &&
			    l[i + 5] == "irq plic source line 33 = 0" &&
			    l[i + 6] ~ /crc32 bar0 .*\(IRQ_ACK\) = 0x00000001$/)
				exit 0
		exit 1
	}'; then
	pass "$name"
else
	fail "$name" "no DMA, INTA and line 33 up, IRQ_STATUS, INTA and line 33 down, IRQ_ACK in $trace"
fi

# ---- 5. two instances of the plugin: two functions, both driven ----
log=$out/linux-two.log
boot linux-two-devices "$log" "" -device "plugin,path=$plugin,id=crc1"
if [ $rc -eq 0 ] && grep -q '^GLASS-TEST crc32 exit=0' "$log" &&
	grep -q 'driver selftest (2 of 2 devices) PASS' "$log" &&
	grep -q 'printf 123456789 >/dev/crc32-1: cbf43926 PASS' "$log"; then
	pass linux-two-devices
else
	fail linux-two-devices "glass exit $rc; log $log"
fi

# ---- 6. a device that misbehaves is noticed ----
log=$out/linux-max-len.log
boot linux-bad-device "$log" ,max_len=8
if [ $rc -eq 0 ] && grep -q '^GLASS-TEST crc32 exit=1' "$log" &&
	grep -q 'glass_crc32 0000:00:01.0: selftest FAIL' "$log"; then
	pass linux-bad-device
else
	fail linux-bad-device "glass exit $rc, want exit=1 and 'selftest FAIL'; log $log"
fi

finish
