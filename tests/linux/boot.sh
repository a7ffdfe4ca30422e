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
	log="$logdir/linux-$name.log"
	timeout "$limit" "$glass" -m 256M -smp "$harts" "$@" \
		-kernel "$guest/Image" -initrd "$guest/initramfs.cpio.gz" \
		-append "console=ttyS0 glass.test=$test glass.harts=$harts$extra" \
		</dev/null >"$log" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && grep -q "^GLASS-TEST $test exit=0" "$log"; then
		echo "PASS linux/$name"
		passed=$((passed + 1))
	else
		echo "FAIL linux/$name (glass exit $rc; log $log)"
		tail -n 15 "$log" | sed 's/^/    /'
		failed=$((failed + 1))
	fi
}

boot smoke-smp1 smoke 1
boot smoke-smp4 smoke 4
boot pci pci 1 -device edu,dma_mask=0xffffffff
boot pci-offset pci 1 -M virt,pci-bus-offset=0x20000000 \
	-device edu,dma_mask=0xffffffff -- glass.pcioffset=0x20000000

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
