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

# boot NAME TEST HARTS [extra glass args...]
boot() {
	name=$1 test=$2 harts=$3
	shift 3
	log="$logdir/linux-$name.log"
	timeout "$limit" "$glass" -m 256M -smp "$harts" "$@" \
		-kernel "$guest/Image" -initrd "$guest/initramfs.cpio.gz" \
		-append "console=ttyS0 glass.test=$test glass.harts=$harts" \
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

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
