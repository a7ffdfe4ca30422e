#!/bin/sh
# GDB against glass's gdbstub: Debian's gdb-multiarch in batch mode on
# bare-metal programs (tests/gdb/*.c, *.S; `make gdb-elfs`), one and four
# harts, and a raw protocol client for what GDB never sends
# (tests/gdb/rsp_edges.py). Each session runs glass with -S and a Unix
# socket (so parallel runs never fight over a port), except the TCP ones.
#
#   tests/gdb/run.sh [GLASS]
#
# Logs: $LOGDIR/gdb/NAME.{glass,gdb} (LOGDIR: build/test-logs). Prints PASS/FAIL
# lines and "N passed, N failed".
cd "$(dirname "$0")/../.." || exit 2
glass=${1:-build/glass}
gdb=${GDB:-gdb-multiarch}
logdir=${LOGDIR:-build/test-logs}/gdb
prog=build/gdb/prog.elf
smp=build/gdb/smp.elf
passed=0
failed=0
mkdir -p "$logdir"

if ! command -v "$gdb" >/dev/null; then
	echo "FAIL gdb/setup ($gdb not installed: guest/setup-deps.sh)"
	echo "0 passed, 1 failed"
	exit 1
fi
make -s gdb-elfs >/dev/null || {
	echo "FAIL gdb/build"
	echo "0 passed, 1 failed"
	exit 1
}

pass() {
	echo "PASS gdb/$1"
	passed=$((passed + 1))
}

fail() {
	echo "FAIL gdb/$1 ($2; logs $logdir/$1.*)"
	tail -n 12 "$logdir/$1.gdb" 2>/dev/null | sed 's/^/    /'
	failed=$((failed + 1))
}

# wait_for FILE: until it exists (a socket glass made), at most 10 s
wait_for() {
	i=0
	while [ ! -e "$1" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

# start NAME ELF [GLASS ARGS...]: glass in the background, stopped (-S),
# waiting on $sock; its pid in $gpid
start() {
	name=$1 elf=$2
	shift 2
	sock=$logdir/$name.sock
	rm -f "$sock"
	timeout 120 "$glass" -bios none -kernel "$elf" -S -gdb "unix:$sock" \
		"$@" </dev/null >"$logdir/$name.glass" 2>&1 &
	gpid=$!
	wait_for "$sock"
}

# finish: wait for glass; its exit status in $grc
finish() {
	wait "$gpid"
	grc=$?
}

# run_gdb NAME ELF SCRIPT: gdb connects to $sock and runs SCRIPT (a file)
run_gdb() {
	timeout 60 "$gdb" -nx -batch -ex "set pagination off" \
		-ex "target remote $sock" -x "$3" "$2" \
		>"$logdir/$1.gdb" 2>&1
}

# has NAME PATTERN...: every (grep -E) pattern is in the gdb log
has() {
	n=$1
	shift
	for pat in "$@"; do
		if ! grep -qE -- "$pat" "$logdir/$n.gdb"; then
			missing=$pat
			return 1
		fi
	done
	return 0
}

# ---- bare metal: break, step, registers and CSRs, change a variable ----
cat >"$logdir/basic.cmd" <<'EOF'
break squares
continue
next
next
step
bt
info registers a0
print $pc
print/x $misa
print/x $mhartid
print $priv
print answer
set var answer = 42
print answer
delete
continue
EOF
start basic "$prog"
run_gdb basic "$prog" "$logdir/basic.cmd"
finish
if has basic 'Breakpoint 1, squares \(n=n@entry=3\)' \
	'square \(x=(x@entry=)?1\) at tests/gdb/prog.c' '#1 .* in squares' \
	'#2 .* in main \(\)' '0x800000000014112d' '= 0x0$' '= 3$' \
	'= 42$' 'exited with code 052' && [ "$grc" = 42 ]; then
	pass basic
else
	fail basic "missing '$missing' or glass exit $grc, wanted 42"
fi

# ---- hardware breakpoints and write, read and access watchpoints ----
cat >"$logdir/watch.cmd" <<'EOF'
hbreak bump
continue
watch counter
continue
continue
delete 1
continue
delete
awatch counter
rwatch answer
continue
continue
delete
continue
EOF
start watch "$prog"
run_gdb watch "$prog" "$logdir/watch.cmd"
finish
if has watch 'Hardware assisted breakpoint 1 at' 'Breakpoint 1, bump \(\)' \
	'Hardware watchpoint 2: counter' 'Old value = 0' 'New value = 1' \
	'Old value = 1' 'New value = 2' \
	'Hardware access \(read/write\) watchpoint 3: counter' 'Value = 2' \
	'Hardware read watchpoint 4: answer' 'Value = 3' \
	'exited with code 03' && [ "$grc" = 3 ]; then
	pass watch
else
	fail watch "missing '$missing' or glass exit $grc, wanted 3"
fi

# ---- physical watchpoints: GDB's own in physical mode, and the
# monitor's on RAM and on a device register (the test finisher) ----
cat >"$logdir/physical-watch.cmd" <<'EOF'
maintenance packet Qqemu.PhysicalMemoryMode:1
watch counter
continue
delete
maintenance packet Qqemu.PhysicalMemoryMode:0
eval "monitor watch %p 8", &counter
continue
x/i $pc
monitor unwatch all
monitor watch 0x100000 4
continue
x/i $pc
monitor info gdb
monitor unwatch all
continue
EOF
start physical-watch "$prog"
run_gdb physical-watch "$prog" "$logdir/physical-watch.cmd"
finish
if has physical-watch 'Hardware watchpoint 1: counter' 'Old value = 0' \
	'New value = 1' 'watching physical 0x80[0-9a-f]+-0x80[0-9a-f]+ for stores$' \
	'glass: watchpoint: hart0 M pc=0*800000[0-9a-f]+ store\.d va=80[0-9a-f]+ pa=0x80[0-9a-f]+ \(ram\) = 0x2' \
	'received signal SIGTRAP' '=> 0x800000[0-9a-f]+ <bump\+[0-9]+>:[[:space:]]+sd' \
	'for stores: test \+0x000 \(FINISHER\)' \
	'glass: watchpoint: hart0 M pc=.* store\.w bare pa=0x100000 -> test \+0x000 \(FINISHER\) = 0x00033333' \
	'<finish.*>:[[:space:]]+sw' 'exited with code 03' && [ "$grc" = 3 ]; then
	pass physical-watch
else
	fail physical-watch "missing '$missing' or glass exit $grc, wanted 3"
fi

# ---- instruction steps, compressed breakpoints, memory, monitor ----
cat >"$logdir/insn.cmd" <<'EOF'
break square
continue
print/x $pc
x/2i $pc
stepi
print/x $pc
set $a5 = 0x1234
print/x $a5
print/x *(unsigned int *)&answer
set var *(unsigned char *)&answer = 7
print answer
maintenance packet qqemu.PhysicalMemoryMode
maintenance packet Qqemu.PhysicalMemoryMode:1
x/wx 0x80000000
x/bx 0x10000005
maintenance packet Qqemu.PhysicalMemoryMode:0
monitor info mtree
monitor info registers
monitor trace off mmio
monitor trace on mmio
print $fflags
print $ft0
print/x $tselect
delete
continue
EOF
start insn "$prog" --trace mmio --trace-file "$logdir/insn.trace"
run_gdb insn "$prog" "$logdir/insn.cmd"
finish
first=$(od -An -tx4 -j "$(riscv64-linux-gnu-readelf -lW "$prog" |
	awk '/LOAD/ { print $2; exit }')" -N4 "$prog" | tr -d ' ')
if has insn 'Breakpoint 1, square' '= 0x1234' '= 7$' \
	'received: "0"' 'received: "OK"' "0x80000000 <_start>:.*0x$first" \
	'address-space: memory' 'hart 0 pc' 'priv M' '\$[0-9]+ = 0$' \
	'^trace off mmio$' '^trace on mmio$' \
	'0x10000005:[[:space:]]+0x60' 'exited with code 07' &&
	[ "$grc" = 7 ] &&
	# the debugger's read of the UART's LSR went through the bus, and the
	# trace says whose it was
	grep -qE '^debugger hart0 M pc=0+80000[0-9a-f]+ load\.b bare pa=0x10000005 -> uart.*\(LSR\) = 0x60' \
		"$logdir/insn.trace"; then
	# stepi moved pc by one instruction (2 or 4 bytes)
	pcs=$(grep -E '^\$[0-9]+ = 0x800' "$logdir/insn.gdb" | head -2 |
		sed 's/.*= //')
	a=$(echo "$pcs" | head -1) b=$(echo "$pcs" | tail -1)
	d=$((b - a))
	if [ "$d" = 2 ] || [ "$d" = 4 ]; then
		pass insn
	else
		fail insn "stepi moved pc from $a to $b"
	fi
else
	fail insn "missing '$missing' or glass exit $grc, wanted 7"
fi

# ---- Ctrl-C during a busy loop, on the host clock and under -icount ----
cat >"$logdir/ctrlc.cmd" <<'EOF'
break spin
continue
set var spinning = 1
delete
continue
bt
set var spinning = 0
continue
EOF
# ctrlc NAME [GLASS ARGS...]
ctrlc() {
	n=$1
	shift
	start "$n" "$prog" "$@"
	# (--foreground: timeout would otherwise pass the SIGINT on twice,
	# and GDB takes a second Ctrl-C for "the target does not answer")
	timeout --foreground 60 "$gdb" -nx -batch -ex "set pagination off" \
		-ex "target remote $sock" -x "$logdir/ctrlc.cmd" "$prog" \
		>"$logdir/$n.gdb" 2>&1 &
	dpid=$!
	sleep 3
	kill -INT "$dpid"
	wait "$dpid"
	finish
	if has "$n" 'received signal SIGINT' '#0 .*spin \(\)' \
		'exited with code 03' && [ "$grc" = 3 ]; then
		pass "$n"
	else
		fail "$n" "missing '$missing' or glass exit $grc, wanted 3"
	fi
}
ctrlc ctrlc
ctrlc ctrlc-icount -icount shift=auto

# ---- the clock: stopped, it stands still (host clock and -icount);
# under -icount a stop, however long, changes nothing the guest sees, so
# two sessions that wait differently read the same times ----
cat >"$logdir/clock.cmd" <<'EOF'
break bump
continue
printf "time-a %lu\n", $time
shell sleep 1
printf "time-b %lu\n", $time
stepi
delete
watch counter
continue
continue
printf "time-c %lu\n", $time
delete
continue
EOF
# clock NAME CMDFILE [GLASS ARGS...]: the session; its three times in
# $times
clock() {
	n=$1 cmd=$2
	shift 2
	start "$n" "$prog" "$@"
	run_gdb "$n" "$prog" "$cmd"
	finish
	times=$(sed -n 's/^time-[abc] //p' "$logdir/$n.gdb" | tr '\n' ' ')
}
# has_clock NAME: the session's stops and exit
has_clock() {
	has "$1" 'Breakpoint 1, bump' 'Old value = 1' 'New value = 2' \
		'exited with code 03' && [ "$grc" = 3 ]
}
clock clock "$logdir/clock.cmd"
set -- $times
if has_clock clock && [ $# = 3 ] && [ "$1" = "$2" ]; then
	pass clock-stopped
else
	fail clock "missing '$missing', glass exit $grc or times '$times'" \
		"(the first two must be equal)"
fi
clock clock-icount "$logdir/clock.cmd" -icount shift=10
first=$times
ok=no
has_clock clock-icount && ok=yes
sed 's/^continue$/shell sleep 0.5\ncontinue/' "$logdir/clock.cmd" \
	>"$logdir/clock-slow.cmd"
clock clock-icount-slow "$logdir/clock-slow.cmd" -icount shift=10
set -- $times
if [ $ok = yes ] && has_clock clock-icount-slow && [ $# = 3 ] &&
	[ "$1" = "$2" ] && [ "$first" = "$times" ] && [ "$3" -gt "$1" ]; then
	pass clock-icount
else
	fail clock-icount "missing '$missing', glass exit $grc or times" \
		"'$first' then '$times' (must be equal, the last larger)"
fi

# ---- SMP: every hart a thread, switching harts shows their registers --
cat >"$logdir/smp.cmd" <<'EOF'
continue
info threads
thread 3
print $a0
print/x $mhartid
print $t2
thread 1
print/x $mhartid
thread 4
print/x $mhartid
stepi
stepi
info threads
kill
EOF
start smp "$smp" -smp 4
timeout --foreground 60 "$gdb" -nx -batch -ex "set pagination off" \
	-ex "target remote $sock" -x "$logdir/smp.cmd" "$smp" \
	>"$logdir/smp.gdb" 2>&1 &
dpid=$!
sleep 2
kill -INT "$dpid"
wait "$dpid"
finish
if has smp 'Thread 1 \(hart 0, M mode\)' 'Thread 2 \(hart 1, M mode\)' \
	'Thread 3 \(hart 2, M mode\)' 'Thread 4 \(hart 3, M mode\)' \
	'Switching to thread 3' '= 2$' '= 0x2$' '= 3$' '= 0x0$' '= 0x3$' \
	'\* 4 .*Thread 4' 'killed' && [ "$grc" = 0 ]; then
	pass smp
else
	fail smp "missing '$missing' or glass exit $grc, wanted 0"
fi

# ---- disconnect and reconnect: the machine waits, a new client goes on ----
cat >"$logdir/recon1.cmd" <<'EOF'
break bump
continue
disconnect
EOF
cat >"$logdir/recon2.cmd" <<'EOF'
bt 1
print counter
detach
EOF
start recon "$prog"
run_gdb recon1 "$prog" "$logdir/recon1.cmd"
run_gdb recon2 "$prog" "$logdir/recon2.cmd"
finish
if has recon1 'Breakpoint 1, bump' && has recon2 '#0 .*bump \(\)' \
	'= 0$' '[Ii]nferior 1 .* detached' && [ "$grc" = 3 ]; then
	pass reconnect
else
	fail reconnect "missing '$missing' or glass exit $grc, wanted 3"
fi

# ---- the monitor's gdbserver starts the stub; GDB's monitor reaches it ----
cat >"$logdir/monitor.cmd" <<'EOF'
set breakpoint always-inserted on
break bump
continue
monitor info gdb
monitor gdbserver none
delete
monitor info gdb
continue
EOF
sock=$logdir/monitor.sock
rm -f "$sock"
(echo "gdbserver unix:$sock"; sleep 30) |
	timeout 60 "$glass" -S -monitor stdio -bios none -kernel "$prog" \
	>"$logdir/monitor.glass" 2>&1 &
gpid=$!
wait_for "$sock"
run_gdb monitor "$prog" "$logdir/monitor.cmd"
finish
if has monitor 'Breakpoint 1, bump' \
	"gdbserver on unix:.*monitor.sock, a client is connected, machine stopped" \
	'breakpoint +virtual 0x8' 'not from the debugger itself' \
	'exited with code 03' && [ "$grc" = 3 ] &&
	grep -q "Waiting for gdb connection on device 'unix:" \
		"$logdir/monitor.glass"; then
	pass monitor
else
	fail monitor "missing '$missing' or glass exit $grc, wanted 3"
fi

# ---- gdbserver on a machine already running (no -S): the harts have
# got somewhere by the time GDB connects and stops them ----
cat >"$logdir/monitor-running.cmd" <<'EOF'
info threads
print ((long *)&slots)[0] > 1000 && ((long *)&slots)[1] > 1000
kill
EOF
sock=$logdir/monitor-running.sock
rm -f "$sock"
(sleep 1; echo "gdbserver unix:$sock"; sleep 30) |
	timeout 60 "$glass" -monitor stdio -smp 2 -bios none -kernel "$smp" \
	>"$logdir/monitor-running.glass" 2>&1 &
gpid=$!
wait_for "$sock"
run_gdb monitor-running "$smp" "$logdir/monitor-running.cmd"
finish
if has monitor-running 'Thread 1 \(hart 0, M mode\)' \
	'Thread 2 \(hart 1, M mode\)' '= 1$' 'killed' && [ "$grc" = 0 ]; then
	pass monitor-running
else
	fail monitor-running "missing '$missing' or glass exit $grc, wanted 0"
fi

# ---- TCP: -gdb tcp::PORT listens on loopback only ----
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
rm -f "$logdir/tcp.glass"
timeout 60 "$glass" -bios none -kernel "$prog" -S -gdb "tcp::$port" \
	</dev/null >"$logdir/tcp.glass" 2>&1 &
gpid=$!
sleep 0.5
listen=$(ss -Hltn "sport = :$port" 2>/dev/null | awk '{ print $4 }')
cat >"$logdir/tcp.cmd" <<'EOF'
print/x $pc
continue
EOF
timeout 60 "$gdb" -nx -batch -ex "set pagination off" \
	-ex "target remote 127.0.0.1:$port" -x "$logdir/tcp.cmd" "$prog" \
	>"$logdir/tcp.gdb" 2>&1
finish
if [ "$listen" = "127.0.0.1:$port" ] && has tcp '= 0x1000$' \
	'exited with code 03' && [ "$grc" = 3 ]; then
	pass tcp-loopback
else
	fail tcp-loopback "listening on '$listen', missing '$missing' or" \
		"glass exit $grc"
fi

# ---- what GDB never sends: bad checksums, huge lengths, wrapping
# addresses, binary escapes, a client that vanishes mid-packet ----
start protocol-edges "$prog"
python3 tests/gdb/rsp_edges.py "$sock" >"$logdir/protocol-edges.gdb" 2>&1
erc=$?
finish
if [ "$erc" = 0 ] && [ "$grc" = 3 ]; then
	pass protocol-edges
else
	fail protocol-edges "rsp_edges.py exit $erc, glass exit $grc"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
