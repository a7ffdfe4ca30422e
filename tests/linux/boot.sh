#!/bin/sh
# Linux boot tests: boot the guest image on glass with a test selected on the
# kernel command line; the guest's /init runs /tests/NAME.sh and prints
# "GLASS-TEST NAME exit=N", then powers off. A test passes when the guest
# says exit=0 and glass itself exits 0 (clean poweroff).
#
#   tests/linux/boot.sh GLASS GUESTDIR
#
# Prints PASS/FAIL lines and "N passed, N failed"; exit status 1 if any failed.

glass=${1:?usage: $0 GLASS GUESTDIR}
guest=${2:?usage: $0 GLASS GUESTDIR}
limit=${LINUX_TIMEOUT:-300}
logdir=${LOGDIR:-build/test-logs}
mkdir -p "$logdir"
passed=0
failed=0

# boot NAME TEST HARTS [extra glass args...] [-- extra kernel command line words...]
# run_glass NAME TEST HARTS APPEND [glass args...]: one boot, its output
# in $log and its status in $rc; then CHECK (if set) runs, $checked says
# whether it succeeded.
run_glass() {
	log="$logdir/linux-$1.log"
	test=$2 harts=$3 append=$4
	shift 4
	timeout "$limit" "$glass" -m 256M -smp "$harts" "$@" \
		-kernel "$guest/Image" -initrd "$guest/initramfs.cpio.gz" \
		-append "console=ttyS0 glass.test=$test glass.harts=$harts$append" \
		</dev/null >"$log" 2>&1
	rc=$?
	checked=1
	if [ -n "$CHECK" ]; then
		sh -c "$CHECK" >"$log.check" 2>&1 || checked=
		CHECK=
	fi
}

# report NAME OK WHY: the PASS/FAIL line (with the log's tail on failure)
report() {
	if [ "$2" = yes ] && [ -n "$checked" ]; then
		echo "PASS linux/$1"
		passed=$((passed + 1))
	else
		echo "FAIL linux/$1 ($3; log $log)"
		tail -n 15 "$log" | sed 's/^/    /'
		[ -n "$checked" ] || sed 's/^/    /' "$log.check"
		failed=$((failed + 1))
	fi
}

# boot NAME TEST HARTS [glass args...] [-- kernel words...]: passes when
# the guest's test says exit=0 and glass exits 0 after the poweroff.
# CHECK=COMMAND boot ...: COMMAND (run by sh after the boot) must succeed too.
boot() {
	name=$1 test=$2 harts=$3
	shift 3
	# split off the words after "--"; the glass args stay in "$@"
	extra= seen= n=$#
	while [ "$n" -gt 0 ]; do
		a=$1
		shift
		n=$((n - 1))
		if [ -n "$seen" ]; then
			extra="$extra $a"
		elif [ "$a" = -- ]; then
			seen=1
		else
			set -- "$@" "$a"
		fi
	done
	run_glass "$name" "$test" "$harts" "$extra" "$@"
	ok=no
	[ $rc -eq 0 ] && grep -q "^GLASS-TEST $test exit=0" "$log" && ok=yes
	report "$name" $ok "glass exit $rc"
}

# boot_exit NAME TEST HARTS EXPECTED_RC [extra glass args...]: the guest
# stops glass itself (EXIT hypercall); passes when glass exits with
# EXPECTED_RC and the log holds a line from the guest's LOG hypercall.
# CHECK=COMMAND as for boot.
boot_exit() {
	name=$1 test=$2 harts=$3 want=$4
	shift 4
	run_glass "$name" "$test" "$harts" "" "$@"
	ok=no
	[ $rc -eq "$want" ] && grep -q "^glass: hart0 @[0-9]*: " "$log" && ok=yes
	report "$name" $ok "glass exit $rc, expected $want"
}

boot smoke-smp1 smoke 1
boot smoke-smp4 smoke 4
boot pci pci 1 -device edu,dma_mask=0xffffffff
# glass_edu.ko's self-test (ident, liveness, factorial, interrupts, DMA)
# and edu's ident from user space via devmem and sysfs resource0
boot edu edu 2 -device edu,dma_mask=0xffffffff
boot edu-offset edu 1 -M virt,pci-bus-offset=0x20000000 \
	-device edu,dma_mask=0xffffffff
boot pci-offset pci 1 -M virt,pci-bus-offset=0x20000000 \
	-device edu,dma_mask=0xffffffff -- glass.pcioffset=0x20000000
CHECK="$(dirname "$0")/../trace/check-linux-trace.sh $logdir/linux-trace.txt" \
boot trace-devmem trace-devmem 1 -device edu,dma_mask=0xffffffff --trace mmio \
	--trace-filter device=edu --trace-file "$logdir/linux-trace.txt"

# the hypercall device from user space and through glass_hc.ko; the host
# then checks what the guest wrote into the share
share="$logdir/share"
rm -rf "$share"
mkdir -p "$share"
CHECK="grep -qx 'hello from the guest' '$share/guest-hello.txt' && \
	[ \$(cat '$share'/hc-*.bin | wc -c) -gt 0 ] && \
	[ \$(sha256sum '$share'/hc-*.bin | cut -d' ' -f1 | sort -u | wc -l) -eq 1 ]" \
boot hypercall hypercall 2 -device glass-hypercall --share "$share"
# `glassctl exit 7` stops glass with status 7: through the platform
# instance (no PCI function: /dev/mem) and the PCI one (/dev/glass-hc)
CHECK="grep -q '^glass: hart0 @[0-9]*: hcexit says goodbye (via devmem ' '$logdir/linux-hcexit.log'" \
boot_exit hcexit hcexit 1 7
CHECK="grep -q '^glass: hart0 @[0-9]*: hcexit says goodbye (via ioctl ' '$logdir/linux-hcexit-pci.log'" \
boot_exit hcexit-pci hcexit 1 7 -device glass-hypercall

# docs/hypercall.md's user-space examples; their LOG lines reach the host
CHECK="grep -q 'hello from user space via /dev/mem' '$logdir/linux-hc-examples.log' && \
	grep -q 'hello from user space via /dev/glass-hc mmap' '$logdir/linux-hc-examples.log'" \
boot hc-examples hc-examples 1 -device glass-hypercall

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
