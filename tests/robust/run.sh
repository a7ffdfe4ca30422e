#!/bin/sh
# Robustness of glass itself: build the spinning guest, then check that
# Ctrl-A x and signals always stop glass cleanly.
#   tests/robust/run.sh GLASS
glass=${1:?usage: $0 GLASS}
mkdir -p build/robust
riscv64-linux-gnu-gcc -march=rv64gc -mabi=lp64d -nostdlib -nostartfiles \
	-static -T tests/isa/isa.ld -o build/robust/spin.elf tests/robust/spin.S ||
	{ echo "FAIL robust/build"; echo "0 passed, 1 failed"; exit 1; }
exec python3 tests/robust/watchdog.py "$glass" build/robust/spin.elf
