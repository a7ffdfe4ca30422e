#!/bin/sh
# The whole test suite: unit tests, ISA programs, Linux boots; then every
# part that runs guest instructions again with the interpreter
# (GLASS_JIT=0; the first pass uses the default, the JIT where the host has
# one); then the unit and ISA tests and the Linux boots again under
# AddressSanitizer and UndefinedBehaviorSanitizer, with the JIT. Every part
# prints PASS/FAIL lines; this script totals them and ends with "N passed,
# N failed". Each part's time is in build/test-logs/times.txt.
#
# Expects `make all unit isa guest` and `make SAN=1 all unit` to have run
# (the Makefile's test target does that).

cd "$(dirname "$0")/.." || exit 2
out=build/test-logs/summary.txt
mkdir -p build/test-logs
: >"$out"

times=build/test-logs/times.txt
: >"$times"

# part NAME COMMAND...: its PASS/FAIL lines into the summary, and how long
# it took (seconds) into $times
part() {
	name=$1
	echo "== $name"
	shift
	start=$(date +%s)
	"$@" 2>&1 | tee -a "$out" | grep -E '^(PASS|FAIL|  )' || true
	echo "$(($(date +%s) - start)) $name" >>"$times"
}

part "unit tests" build/unit-tests
part "ISA tests" tests/isa/run.sh build/glass -bios none -kernel
part "Sdtrig against QEMU" tests/isa/sdtrig-qemu.sh build/glass
part "GDB" tests/gdb/run.sh build/glass
part "GDB (Linux)" tests/gdb/linux.sh build/glass build/guest
part "trace golden" tests/trace/run.sh
part "Linux" tests/linux/boot.sh build/glass build/guest
part "virtio" tests/virtio/run.sh build/glass build/guest
part "firmware" tests/firmware/uboot.sh
part "monitor" python3 tests/monitor/monitor_pty.py
part "bare metal" tests/baremetal/run.sh build/glass
part "reset" tests/reset/run.sh build/glass
part "plugins" tests/plugin/run.sh build/glass
part "snapshots and determinism" tests/snapshot/run.sh build/glass build/guest
part "campaign" tests/campaign/run.sh build/glass build/guest
part "example device" tests/example/run.sh build/glass build/guest
part "bad input" tests/badinput/run.sh
part "command line" tests/cli/run.sh build/glass
part "fuzz regression" sh fuzz/regress.sh
part "fuzz (30 s each)" fuzz/ci.sh
part "watchdog" tests/robust/run.sh build/glass
part "soak" tests/soak/boots.sh build/glass build/guest
part "make run (tour)" tests/run/tour.sh build/glass build/guest
part "make run (terminal)" python3 tests/run/interactive.py build/glass build/guest
part "glass with no -kernel" tests/run/default.sh build/glass build/guest
# again with the interpreter (GLASS_JIT=0): every part that runs guest
# instructions; PASS/FAIL names get an interp/ prefix, logs go to
# build/test-logs/interp
interp() {
	GLASS_JIT=0 LOGDIR=build/test-logs/interp "$@" |
		sed "s/^\(PASS\|FAIL\) /\1 interp\//"
}
part "unit tests (interpreter)" interp build/unit-tests
part "ISA tests (interpreter)" interp tests/isa/run.sh build/glass -bios none -kernel
part "Sdtrig against QEMU (interpreter)" interp tests/isa/sdtrig-qemu.sh build/glass
part "GDB (interpreter)" interp tests/gdb/run.sh build/glass
part "GDB (Linux, interpreter)" interp tests/gdb/linux.sh build/glass build/guest
part "trace golden (interpreter)" interp tests/trace/run.sh
part "Linux (interpreter)" interp tests/linux/boot.sh build/glass build/guest
part "virtio (interpreter)" interp tests/virtio/run.sh build/glass build/guest
part "firmware (interpreter)" interp tests/firmware/uboot.sh
part "monitor (interpreter)" interp python3 tests/monitor/monitor_pty.py
part "bare metal (interpreter)" interp tests/baremetal/run.sh build/glass
part "reset (interpreter)" interp tests/reset/run.sh build/glass
part "plugins (interpreter)" interp tests/plugin/run.sh build/glass
part "snapshots and determinism (interpreter)" interp tests/snapshot/run.sh build/glass build/guest
part "campaign (interpreter)" interp tests/campaign/run.sh build/glass build/guest
part "example device (interpreter)" interp tests/example/run.sh build/glass build/guest
part "bad input (interpreter)" interp tests/badinput/run.sh
part "watchdog (interpreter)" interp tests/robust/run.sh build/glass
part "soak (interpreter)" interp tests/soak/boots.sh build/glass build/guest
part "make run (tour, interpreter)" interp tests/run/tour.sh build/glass build/guest
part "make run (terminal, interpreter)" interp python3 tests/run/interactive.py build/glass build/guest
part "glass with no -kernel (interpreter)" interp tests/run/default.sh build/glass build/guest
# the sanitizer builds run the JIT (the default): say so if they do not
jit_blocks() {
	"$1" -bios none -kernel build/isa/rv64i_alu.elf --stats "$2" >/dev/null 2>&1
	grep -q '"jit":{[^}]*"blocks":[1-9]' "$2" &&
		echo "PASS san/jit-on" || echo "FAIL san/jit-on (no translated block)"
}
part "the JIT under ASan+UBSan" jit_blocks build-san/glass build/test-logs/san-jit.json
part "unit tests (ASan+UBSan)" sh -c 'build-san/unit-tests | sed "s/^\(PASS\|FAIL\) /\1 san\//"'
part "ISA tests (ASan+UBSan)" sh -c 'tests/isa/run.sh build-san/glass -bios none -kernel | sed "s/^\(PASS\|FAIL\) /\1 san\//"'
part "GDB (ASan+UBSan)" sh -c '(tests/gdb/run.sh build-san/glass; tests/gdb/linux.sh build-san/glass build/guest) | sed "s/^\(PASS\|FAIL\) /\1 san\//"'
part "snapshots (ASan+UBSan)" sh -c 'SNAPSHOT_TIMEOUT=900 LOGDIR=build/test-logs/san tests/snapshot/run.sh build-san/glass build/guest | sed "s/^\(PASS\|FAIL\) /\1 san\//"'
part "Linux (ASan+UBSan)" sh -c 'LINUX_TIMEOUT=900 LOGDIR=build/test-logs/san tests/linux/boot.sh build-san/glass build/guest | sed "s/^\(PASS\|FAIL\) /\1 san\//"'
part "virtio (ASan+UBSan)" sh -c 'LINUX_TIMEOUT=900 LOGDIR=build/test-logs/san tests/virtio/run.sh build-san/glass build/guest | sed "s/^\(PASS\|FAIL\) /\1 san\//"'
part "example device (ASan+UBSan)" sh -c 'LINUX_TIMEOUT=900 LOGDIR=build/test-logs/san tests/example/run.sh build-san/glass build/guest | sed "s/^\(PASS\|FAIL\) /\1 san\//"'

passed=$(grep -c '^PASS' "$out")
failed=$(grep -c '^FAIL' "$out")
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
