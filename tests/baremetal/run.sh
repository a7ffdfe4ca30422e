#!/bin/sh
# Bare-metal examples (guest/baremetal, -bios none): each must produce its
# expected exit status and log line.
#   tests/baremetal/run.sh GLASS
glass=${1:?usage: $0 GLASS}
make -s -C guest/baremetal >/dev/null || { echo "FAIL baremetal/build"; echo "0 passed, 1 failed"; exit 1; }
passed=0
failed=0

# check NAME EXPECTED_STATUS EXPECTED_LOG_TEXT
check() {
	out=$(timeout 20 "$glass" -bios none -kernel "build/baremetal/$1.elf" \
		</dev/null 2>&1)
	rc=$?
	if [ $rc -eq "$2" ] && printf '%s\n' "$out" | grep -q "$3"; then
		echo "PASS baremetal/$1"
		passed=$((passed + 1))
	else
		echo "FAIL baremetal/$1 (exit $rc, wanted $2; output: $out)"
		failed=$((failed + 1))
	fi
}

check hello 42 "hart0 @[0-9]*: hello from bare metal"

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
