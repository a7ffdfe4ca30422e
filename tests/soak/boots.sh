#!/bin/sh
# Soak: boot Linux and power off N times in a row (default 20), with one
# hart and with four; every boot must reach the guest's self-check and end
# in a clean poweroff with glass exiting 0.
#   tests/soak/boots.sh GLASS GUESTDIR [N]
glass=${1:?usage: $0 GLASS GUESTDIR [N]}
guest=${2:?usage: $0 GLASS GUESTDIR [N]}
n=${3:-20}
logdir=${LOGDIR:-build/test-logs}
log=$logdir/soak.log
stats=$logdir/soak-stats.txt
mkdir -p "$logdir"
passed=0
failed=0

for harts in 1 4; do
	bad=0
	i=1
	while [ $i -le "$n" ]; do
		# --stats: where each hart ended (pc, WFI, pending and enabled
		# interrupts), kept for a failed boot like its console
		timeout 120 "$glass" -m 256M -smp $harts --stats "$stats" \
			-kernel "$guest/Image" -initrd "$guest/initramfs.cpio.gz" \
			-append "console=ttyS0 glass.test=smoke glass.harts=$harts" \
			</dev/null >"$log" 2>&1
		rc=$?
		if [ $rc -ne 0 ] || ! grep -q '^GLASS-TEST smoke exit=0' "$log"; then
			echo "    boot $i of $n with $harts hart(s): exit $rc"
			tail -n 5 "$log" | sed 's/^/    /'
			# the whole console of a failed boot, for the post-mortem
			cp "$log" "$logdir/soak-failed-smp$harts-boot$i.log"
			cp "$stats" "$logdir/soak-failed-smp$harts-boot$i.stats" 2>/dev/null
			bad=$((bad + 1))
		fi
		i=$((i + 1))
	done
	if [ $bad -eq 0 ]; then
		echo "PASS soak/smp$harts-x$n"
		passed=$((passed + 1))
	else
		echo "FAIL soak/smp$harts-x$n ($bad of $n boots failed)"
		failed=$((failed + 1))
	fi
done

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
