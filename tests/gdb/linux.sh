#!/bin/sh
# GDB on the Linux guest: kernel symbols from vmlinux (the guest kernel has
# no debug information; its ELF symbol table is what System.map lists), the
# glass_edu driver's own symbols and debug information (its Kbuild adds -g)
# loaded where the module sits, a breakpoint in a kernel function and one
# in the driver, by name, and a watchpoint on edu's liveness register
# through glass's monitor (`monitor watch`, physical) that stops the
# machine at the driver's iowrite32, shows the driver in the backtrace,
# and names the access the way the trace does. guest/tests/gdb-edu.sh is
# the guest's half. The session runs twice: on the host clock, and under
# -icount (the tests' names then end in -icount). Last, a stub nobody
# connects to changes nothing: console, trace and statistics identical.
#
#   tests/gdb/linux.sh [GLASS [GUESTDIR]]
#
# Logs: $LOGDIR/gdb/linux{,-icount}.{glass,gdb} (LOGDIR: build/test-logs).
# Prints PASS/FAIL lines and "N passed, N failed".
cd "$(dirname "$0")/../.." || exit 2
glass=${1:-build/glass}
guest=${2:-build/guest}
gdb=${GDB:-gdb-multiarch}
logdir=${LOGDIR:-build/test-logs}/gdb
limit=${LINUX_TIMEOUT:-300}
mkdir -p "$logdir"
passed=0
failed=0

result() {
	if [ "$2" = yes ]; then
		echo "PASS gdb/$1"
		passed=$((passed + 1))
	else
		echo "FAIL gdb/$1 ($3; logs $logdir/$name.*)"
		tail -n 15 "$glog" 2>/dev/null | sed 's/^/    /'
		failed=$((failed + 1))
	fi
}

kdir=$(cat "$guest/kdir" 2>/dev/null)
if [ ! -f "$guest/Image" ] || [ ! -f "$kdir/vmlinux" ]; then
	result linux-boot no "no guest in $guest (make guest)"
	echo "$passed passed, $failed failed"
	exit 1
fi

# session SUFFIX [GLASS ARGS...]: boot with the stub, run the GDB session,
# check it; test names end in SUFFIX
session() {
	sfx=$1
	shift
	name=linux$sfx
	log=$logdir/$name.glass
	glog=$logdir/$name.gdb
	sock=$logdir/$name.sock
	fifo=$logdir/$name.in
	rm -f "$sock" "$fifo" "$log" "$glog"
	mkfifo "$fifo"
	# the guest reads its go-ahead from the console: glass's stdin is the
	# fifo, held open here (fd 3) so the guest never sees an end of file
	exec 3<>"$fifo"
	timeout "$limit" "$glass" "$@" -m 256M \
		-device edu,dma_mask=0xffffffff \
		-kernel "$guest/Image" -initrd "$guest/initramfs.cpio.gz" \
		-append "console=ttyS0 glass.test=gdb-edu" -gdb "unix:$sock" \
		--trace mmio --trace-file "$logdir/$name.trace" \
		<&3 >"$log" 2>&1 &
	gpid=$!

	# the guest says where the module is
	i=0
	while ! grep -q '^GDB-EDU text=' "$log" && [ $i -lt "$limit" ]; do
		kill -0 "$gpid" 2>/dev/null || break
		sleep 1
		i=$((i + 1))
	done
	text=$(sed -n 's/^GDB-EDU text=\(0x[0-9a-f]*\).*/\1/p' "$log" | head -1)
	if [ -z "$text" ]; then
		kill "$gpid" 2>/dev/null
		wait "$gpid"
		result linux-boot$sfx no \
			"the guest never said where glass_edu is"
		return
	fi

	cat >"$logdir/$name.cmd" <<EOF
set pagination off
target remote $sock
add-symbol-file $guest/modules/glass_edu.ko $text
break pci_device_probe
shell echo go >$fifo
continue
bt 2
delete
break glass_edu_probe
continue
delete
monitor watch 0x40000004 4 w
continue
bt 4
x/i \$pc
monitor info gdb
monitor unwatch all
continue
EOF
	timeout "$limit" "$gdb" -nx -batch -x "$logdir/$name.cmd" \
		"$kdir/vmlinux" >"$glog" 2>&1
	wait "$gpid"
	grc=$?
	exec 3>&-
	rm -f "$fifo"

	# kernel breakpoint by symbol
	if grep -qE 'Breakpoint 1, 0x[0-9a-f]+ in pci_device_probe \(\)' \
		"$glog" &&
		grep -qE '#1 .* in really_probe \(\)' "$glog"; then
		result linux-kernel-breakpoint$sfx yes
	else
		result linux-kernel-breakpoint$sfx no \
			"no stop in pci_device_probe"
	fi

	# a breakpoint in the driver, by its own symbol
	probe='Breakpoint 2, glass_edu_probe \(pdev=0x[0-9a-f]+, id=0x[0-9a-f]+\)'
	if grep -qE "$probe" "$glog"; then
		result linux-driver-breakpoint$sfx yes
	else
		result linux-driver-breakpoint$sfx no \
			"no stop in glass_edu_probe"
	fi

	# the watchpoint: stopped at the driver's store, named as the trace
	# names it: the line is the one --trace mmio wrote when the store ran
	line='glass: watchpoint: hart[0-9] S pc=ffffffff[0-9a-f]+ store\.w va=[0-9a-f]+ pte\[.*pbmt=IO\] pa=0x40000004 -> pci 00:01\.0 edu bar0 bus=0x40000004 \+0x004 \(liveness\) = 0x12345678'
	traced=$(grep -E "$line" "$glog" | head -n 1 |
		sed 's/^glass: watchpoint: //')
	if grep -qE "$line" "$glog" &&
		grep -qxF -- "$traced" "$logdir/$name.trace" &&
		grep -qE 'received signal SIGTRAP' "$glog" &&
		grep -qE '#0 .*iowrite32 \(addr=0x[0-9a-f]+, value=305419896\)' "$glog" &&
		grep -qE '#[1-3] .*test_liveness \(edu=.*\) at .*glass_edu\.c:[0-9]+' "$glog" &&
		grep -qE '#[1-3] .*glass_edu_selftest' "$glog" &&
		grep -qE '=> 0x[0-9a-f]+ <.*>:[[:space:]]+sw' "$glog" &&
		grep -qE 'last watched access: .*\(liveness\) = 0x12345678' "$glog"; then
		result linux-edu-watchpoint$sfx yes
	else
		result linux-edu-watchpoint$sfx no \
			"see the watchpoint lines in $glog"
	fi

	# and the guest went on: its second self-test passed, it powered off
	if [ "$grc" -eq 0 ] && grep -q '^GLASS-TEST gdb-edu exit=0' "$log" &&
		grep -q 'exited normally' "$glog"; then
		result linux-continue$sfx yes
	else
		result linux-continue$sfx no \
			"glass exit $grc; the guest's log is $log"
	fi
}

session ""
session -icount -icount shift=auto

# ---- no client, nothing changes: a stub that listens while nobody
# connects leaves the guest's console, --trace all and --stats exactly
# as without one (under -icount, where two runs are identical) ----
# quiet NAME [GLASS ARGS...]: the smoke test on two harts, traced
quiet() {
	n=$1
	shift
	timeout "$limit" "$glass" "$@" -m 256M -smp 2 -icount shift=auto \
		-kernel "$guest/Image" -initrd "$guest/initramfs.cpio.gz" \
		-append "console=ttyS0 glass.test=smoke glass.harts=2" \
		--trace all --trace-file "$logdir/$n.trace" \
		--stats "$logdir/$n.json" </dev/null >"$logdir/$n.glass" 2>&1
}
# --stats without the JIT's counters, which are facts about the host's
# translations (what was translated when, how long it took)
nojit() {
	sed 's/,"jit":{[^}]*}//g' "$1"
}
name=no-client glog=/dev/null
rm -f "$logdir/no-client.sock"
quiet no-client-without
rc_a=$?
quiet no-client-with -gdb "unix:$logdir/no-client.sock"
rc_b=$?
if [ $rc_a = 0 ] && [ $rc_b = 0 ] &&
	grep -q '^GLASS-TEST smoke exit=0' "$logdir/no-client-without.glass" &&
	[ "$(wc -l <"$logdir/no-client-without.trace")" -gt 10000 ] &&
	cmp -s "$logdir/no-client-without.glass" \
		"$logdir/no-client-with.glass" &&
	cmp -s "$logdir/no-client-without.trace" \
		"$logdir/no-client-with.trace" &&
	[ "$(nojit "$logdir/no-client-without.json")" = \
	  "$(nojit "$logdir/no-client-with.json")" ]; then
	result linux-no-client-unchanged yes
	rm -f "$logdir"/no-client-*.trace
else
	result linux-no-client-unchanged no "exits $rc_a and $rc_b; compare" \
		"$logdir/no-client-with{out,}.{glass,trace,json}"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
