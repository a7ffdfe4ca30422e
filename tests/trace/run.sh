#!/bin/sh
# Golden trace tests: each bare-metal program in tests/trace/ makes a fixed
# sequence of device accesses and ends through HTIF; glass runs it with
# --trace, and the trace file must equal tests/trace/NAME.expected (text
# format) and NAME.expected.json (JSON format, every line valid JSON).
#
#   tests/trace/run.sh [GLASS]          (default build/glass)
#   TRACE_UPDATE=1 tests/trace/run.sh   rewrite the expected files
#
# The ELFs come from `make trace-elfs` (build/trace/NAME.elf); a missing
# one is built with make. Values that depend on host time (CLINT mtime)
# are masked before comparing. Prints PASS/FAIL per scenario and format
# (the diff on failure) and "N passed, N failed".

cd "$(dirname "$0")/../.." || exit 2
glass=${1:-build/glass}
dir=tests/trace
elfdir=${TRACE_ELF_DIR:-build/trace}
out=${LOGDIR:-build/test-logs}/trace
limit=${TRACE_TIMEOUT:-20}
mkdir -p "$out"
passed=0
failed=0

ok() {
	echo "PASS trace/$1"
	passed=$((passed + 1))
}

bad() {
	echo "FAIL trace/$1"
	failed=$((failed + 1))
}

# mtime is host-time dependent: mask its value in text and JSON lines
normalize() {
	sed -e '/(mtime)/s/(mtime) = 0x[0-9a-f]*/(mtime) = <time>/' \
	    -e '/(mtime)/s/"value":"0x[0-9a-f]*"/"value":"<time>"/' "$1"
}

# scenario NAME ELF [glass args...]: run ELF in both formats and compare
scenario() {
	name=$1 elf=$elfdir/$2.elf
	shift 2
	if [ ! -f "$elf" ]; then
		make -s "$elf" >/dev/null 2>&1 || true
	fi
	if [ ! -f "$elf" ]; then
		bad "$name (no $elf: run 'make trace-elfs')"
		bad "$name.json (no $elf)"
		return
	fi
	for fmt in text json; do
		case $fmt in
		text) label=$name exp=$dir/$name.expected ;;
		json) label=$name.json exp=$dir/$name.expected.json ;;
		esac
		got=$out/$name.$fmt
		rm -f "$got"
		timeout "$limit" "$glass" -bios none -kernel "$elf" "$@" \
			--trace-format "$fmt" --trace-file "$got.raw" \
			</dev/null >"$out/$name.$fmt.log" 2>&1
		rc=$?
		if [ $rc -ne 0 ]; then
			bad "$label (glass exit $rc; log $out/$name.$fmt.log)"
			sed 's/^/    /' "$out/$name.$fmt.log" | tail -n 5
			continue
		fi
		normalize "$got.raw" >"$got"
		if [ "$fmt" = json ] && ! python3 -c '
import json, sys
for n, line in enumerate(open(sys.argv[1]), 1):
    try:
        json.loads(line)
    except ValueError as e:
        sys.exit("line %d is not JSON: %s: %s" % (n, e, line.strip()))
' "$got.raw" >"$got.jsonerr" 2>&1; then
			bad "$label (invalid JSON)"
			sed 's/^/    /' "$got.jsonerr"
			continue
		fi
		if [ -n "$TRACE_UPDATE" ]; then
			cp "$got" "$exp"
			echo "updated $exp"
		fi
		if [ ! -f "$exp" ]; then
			bad "$label (no $exp; TRACE_UPDATE=1 writes it)"
		elif diff -u "$exp" "$got" >"$got.diff"; then
			ok "$label"
		else
			bad "$label (trace differs from $exp)"
			sed 's/^/    /' "$got.diff"
		fi
	done
}

# (a) M mode, no translation: UART, CLINT, PLIC, hypercall window
scenario mmio_m mmio_m --trace mmio
# (b) S mode through Sv39 leaf PTEs with PBMT=IO onto the UART and hypercall
scenario sv39_pbmt sv39_pbmt --trace mmio
# (c) loads/stores to an address nothing decodes: access faults
scenario guest_error guest_error --trace guest-error
# (d) PCI from bare metal: ECAM, BAR sizing and assignment, edu's ident
scenario pci_edu pci_edu -device edu --trace pci-config,mmio
# (e) the same with a bus offset: BAR = bus 0x20000000, CPU 0x40000000
scenario pci_edu_offset pci_edu_offset -M virt,pci-bus-offset=0x20000000 \
	-device edu --trace pci-config,mmio

# a device from a plugin (tests/plugin/good.c): its own register names
make -s build/plugin/good.so >/dev/null 2>&1 || true
scenario plugin_scratch plugin_scratch \
	-device plugin,path=build/plugin/good.so,init=0x77 \
	--trace mmio,guest-error

# --stats says where each hart ended: with two harts, hart 1 is asleep in
# the ISA tests' park loop (test.h: wfi, then j park_hart) in M mode; hart
# 0 ended the run. The pc is the instruction after the wfi.
stats_where() {
	elf=build/isa/rv64i_alu.elf
	[ -f "$elf" ] || make -s isa >/dev/null 2>&1
	park=$(nm "$elf" 2>/dev/null | awk '$3 == "park_hart" { print $1 }')
	timeout "$limit" "$glass" -smp 2 -bios none -kernel "$elf" \
		--stats "$out/where.json" >/dev/null 2>&1
	python3 - "$out/where.json" "$park" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
h0, h1 = d["harts"]
want = hex(int(sys.argv[2], 16) + 4)
ok = (h1["sleeping"] is True and h1["priv"] == "M" and h1["pc"] == want
      and h0["sleeping"] is False and h0["priv"] == "M"
      and h0["pc"].startswith("0x8"))
sys.exit(0 if ok else 1)
PY
}
if [ -n "$(command -v nm)" ] && stats_where; then
	ok stats-where
else
	bad stats-where
	echo "  --stats hart state: $(head -c 600 "$out/where.json" 2>/dev/null)"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
