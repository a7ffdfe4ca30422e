#!/bin/sh
# The whole test suite: unit tests, ISA programs, Linux boots; then the unit
# and ISA tests and one Linux boot again under AddressSanitizer and
# UndefinedBehaviorSanitizer. Every part prints PASS/FAIL lines; this script
# totals them and ends with "N passed, N failed".
#
# Expects `make all unit isa guest` and `make SAN=1 all unit` to have run
# (the Makefile's test target does that).

cd "$(dirname "$0")/.." || exit 2
out=build/test-logs/summary.txt
mkdir -p build/test-logs
: >"$out"

part() {
	echo "== $1"
	shift
	"$@" 2>&1 | tee -a "$out" | grep -E '^(PASS|FAIL|  )' || true
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
