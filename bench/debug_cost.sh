#!/bin/sh
# What the gdbstub and the trigger module cost while unused, exactly: host
# instructions (cachegrind) of glass binaries running the same bare-metal
# programs (bench/debug-cost/*.S), e.g. main's build against this one's.
# GLASS_ARGS, if set, are more options for every glass run (`make bench`
# runs it twice, the second time with a stub listening: bench/gdb_cost.py).
# See docs/performance.md, "The gdbstub and the trigger module, unused".
#
#   [GLASS_ARGS=...] bench/debug_cost.sh GLASS...
set -eu
cd "$(dirname "$0")/.."
out=build/debug-cost
mkdir -p "$out"
for s in bench/debug-cost/*.S; do
	n=$(basename "$s" .S)
	riscv64-linux-gnu-gcc -march=rv64imac_zicsr -mabi=lp64 -nostdlib \
		-nostartfiles -static -T guest/baremetal/link.ld \
		-Wl,--no-warn-rwx-segments -Wl,--build-id=none \
		-o "$out/$n.elf" "$s"
	for g in "$@"; do
		# (word splitting of GLASS_ARGS wanted)
		# shellcheck disable=SC2086
		i=$(valgrind --tool=cachegrind --cache-sim=no \
			--cachegrind-out-file=/dev/null "$g" -bios none \
			-kernel "$out/$n.elf" ${GLASS_ARGS:-} 2>&1 |
			sed -n 's/.*I *refs: *//p')
		printf '%-6s %-40s %s\n' "$n" "$g" "$i"
	done
done
