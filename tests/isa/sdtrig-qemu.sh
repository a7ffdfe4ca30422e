#!/bin/sh
# The trigger module against QEMU: tests/isa/sdtrig.S built without the
# cases where QEMU 7.2 departs from the specification (-DSKIP_QEMU_DIFFS;
# docs/gdb.md lists them), run on qemu-system-riscv64 (spike, whose
# harts have QEMU's Sdtrig) and on glass. Both must pass.
#
#   tests/isa/sdtrig-qemu.sh [GLASS]
#
# Prints PASS/FAIL lines and "N passed, N failed".
cd "$(dirname "$0")/../.." || exit 2
glass=${1:-build/glass}
qemu=${QEMU:-qemu-system-riscv64}
dir=build/isa-qemu
cc=${RV_CC:-riscv64-linux-gnu-gcc}

if ! command -v "$qemu" >/dev/null; then
	echo "FAIL isa-qemu/setup ($qemu not installed: guest/setup-deps.sh)"
	echo "0 passed, 1 failed"
	exit 1
fi
mkdir -p "$dir"
"$cc" -march=rv64gc -mabi=lp64d -nostdlib -nostartfiles -static \
	-DSKIP_QEMU_DIFFS -Itests/isa -T tests/isa/isa.ld \
	-o "$dir/sdtrig.elf" tests/isa/sdtrig.S || {
	echo "FAIL isa-qemu/build"
	echo "0 passed, 1 failed"
	exit 1
}
{
	ISA_DIR=$dir tests/isa/run.sh "$qemu" -M spike -cpu rv64 -nographic \
		-bios none -kernel | sed 's,^\(PASS\|FAIL\) isa/,\1 isa-qemu/qemu-,'
	ISA_DIR=$dir tests/isa/run.sh "$glass" -bios none -kernel |
		sed 's,^\(PASS\|FAIL\) isa/,\1 isa-qemu/glass-,'
} | grep -E '^(PASS|FAIL)' >"$dir/results.txt"
cat "$dir/results.txt"
passed=$(grep -c '^PASS' "$dir/results.txt")
failed=$((2 - passed))   # one program, two emulators
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
