#!/bin/sh
# Run every ISA test program (build/isa/*.elf) under an emulator.
#
#   tests/isa/run.sh EMULATOR_CMD...
#
# The ELF path is appended to EMULATOR_CMD, e.g.
#   tests/isa/run.sh build/glass -bios none -kernel
#   tests/isa/run.sh qemu-system-riscv64 -M spike -cpu rv64,svpbmt=on \
#       -nographic -bios none -kernel
#
# A test passes when the emulator exits with status 0 (the program wrote
# tohost = 1); a test that failed case N exits with N. Each run is limited to
# ISA_TIMEOUT seconds (default 10). ISA_DIR overrides the directory of ELFs
# (default: build/isa next to this script's repository root).
# Prints PASS/FAIL per test and a summary; exits non-zero if any failed.

if [ $# -eq 0 ]; then
	echo "usage: $0 EMULATOR_CMD..." >&2
	exit 2
fi

root=$(cd "$(dirname "$0")/../.." && pwd)
dir=${ISA_DIR:-$root/build/isa}
limit=${ISA_TIMEOUT:-10}
passed=0
failed=0

found=0
for elf in "$dir"/*.elf; do
	[ -e "$elf" ] || continue
	found=1
	name=$(basename "$elf" .elf)
	timeout "$limit" "$@" "$elf" </dev/null >/dev/null 2>&1
	rc=$?
	if [ "$rc" -eq 0 ]; then
		echo "PASS isa/$name"
		passed=$((passed + 1))
	else
		if [ "$rc" -eq 124 ]; then
			echo "FAIL isa/$name (exit $rc: timeout)"
		else
			echo "FAIL isa/$name (exit $rc)"
		fi
		failed=$((failed + 1))
	fi
done

if [ "$found" -eq 0 ]; then
	echo "no ELF files in $dir (run 'make isa' first)" >&2
	exit 2
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
