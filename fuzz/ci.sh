#!/bin/sh
# A short fuzzing run of every target for the test suite (CI): 30 s each
# by default, after the corpus replay. PASS/FAIL lines and a total.
cd "$(dirname "$0")/.." || exit 2
secs=${FUZZ_CI_SECONDS:-30}
make -s fuzz-build >/dev/null 2>&1 ||
	{ echo "FAIL fuzz/build"; echo "0 passed, 1 failed"; exit 1; }
fuzz/run.sh "$secs" exec mmu mmio pci_config loader plugin virtio snapshot jit gdb |
	sed -e 's/^\(fuzz\/[a-z_]*: .*, ok\)$/PASS \1/' -e t -e 's/^/FAIL /' |
	tee build-fuzz/ci.txt
p=$(grep -c '^PASS' build-fuzz/ci.txt)
f=$(grep -c '^FAIL' build-fuzz/ci.txt)
echo "$p passed, $f failed"
[ "$f" -eq 0 ]
