#!/bin/sh
# Host side of the Linux trace test (tests/linux/boot.sh, guest test
# guest/tests/trace-devmem.sh): the trace file glass wrote with
# `--trace mmio --trace-filter device=edu` must hold the user-space devmem
# read of edu's ident register as one line: hart0 in U mode, a 32-bit load
# at a user-space VA (below 0x0000800000000000), pa=0x40000000, edu's BAR0,
# and the value:
#
#   hart0 U pc=... load.w va=0000003f... pte[...] pa=0x40000000 -> pci 00:01.0 edu bar0 bus=0x40000000 +0x000 (ident) = 0x010000ed
#
#   tests/trace/check-linux-trace.sh TRACEFILE
# Exits 0 if such a line is there; otherwise says what is missing, exits 1.

f=${1:?usage: $0 TRACEFILE}
[ -s "$f" ] || { echo "trace check: $f is missing or empty"; exit 1; }

line=$(grep 'hart0 U ' "$f" |
	grep -E ' load\.w va=0000[0-7][0-9a-f]{11} ' |
	grep ' pa=0x40000000 -> pci 00:01\.0 edu bar0 ' |
	grep -m 1 '(ident) = 0x010000ed$')
if [ -n "$line" ]; then
	echo "trace check: $line"
	exit 0
fi
echo "trace check: no U-mode load.w of edu's ident at a user VA in $f; closest lines:"
grep -m 5 'ident' "$f" | sed 's/^/    /'
exit 1
