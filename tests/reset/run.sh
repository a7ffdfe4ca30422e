#!/bin/sh
# Reset leaves nothing behind (tests/reset/reset.c): state armed in every
# device before a system reset must be gone after it. Run with one and
# with four harts, with edu plugged.
#
# usage: tests/reset/run.sh [GLASS]
cd "$(dirname "$0")/../.." || exit 2
glass=${1:-build/glass}
elf=build/reset/reset.elf
passed=0
failed=0

make -s "$elf" >/dev/null 2>&1
for smp in 1 4; do
	out=$(timeout 30 "$glass" -smp "$smp" -bios none -kernel "$elf" \
		-device edu </dev/null 2>&1)
	rc=$?
	if [ "$rc" -eq 0 ]; then
		echo "PASS reset/all-devices-smp$smp"
		passed=$((passed + 1))
	else
		echo "FAIL reset/all-devices-smp$smp (exit $rc: check $rc of" \
			"tests/reset/reset.c failed; $out)"
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
