#!/bin/sh
# shellcheck disable=SC2086 # $kernel is split into words on purpose
# Bad user input: glass must refuse each of these with exit status 1 and
# exactly one line on stderr that starts with "glass: " and names the file
# or option at fault, promptly (no hang), and must not leave a half-written
# output file behind. Also checks that -dumpdtb FILE writes a valid DTB.
#
# usage: tests/badinput/run.sh [GLASS]     (default build/glass)
# Prints PASS badinput/NAME or FAIL badinput/NAME (why), then
# "N passed, N failed". Runs as root too (an unreadable file is then
# simulated with a directory, since root reads anything).
set -u
cd "$(dirname "$0")/../.." || exit 2
glass=${1:-build/glass}
timeout_s=${BADINPUT_TIMEOUT:-10}
passed=0
failed=0

tmp=$(mktemp -d /tmp/glass-badinput.XXXXXX) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

pass() {
	echo "PASS badinput/$1"
	passed=$((passed + 1))
}

fail() {
	echo "FAIL badinput/$1 ($2)"
	failed=$((failed + 1))
}

if [ ! -x "$glass" ]; then
	fail setup "$glass not built (make all)"
	echo "$passed passed, $failed failed"
	exit 1
fi

# A small RV64 ELF that glass runs to completion (HTIF exit 0) when the
# options around it are good: the ISA tests' ALU program if built, else
# the loader fuzz target's seed ELF.
elf=$(pwd)/build/isa/rv64i_alu.elf
[ -f "$elf" ] || elf=$(pwd)/fuzz/corpus/loader/seed-mini.elf
kernel="-bios none -kernel $elf"

# expect NAME NEEDLE [--wording TEXT] -- ARGS...: glass ARGS must exit 1
# with one stderr line "glass: ..." containing NEEDLE (and TEXT), within
# the time limit, run in an empty directory that it must leave empty.
expect() {
	name=$1 needle=$2
	shift 2
	wording=""
	if [ "$1" = "--wording" ]; then
		wording=$2
		shift 2
	fi
	[ "$1" = "--" ] && shift
	run_dir=$tmp/run-$name
	mkdir -p "$run_dir"
	top=$(pwd)
	# (an inner shell waits for glass, so a crash is reported as an exit
	# status here, and the shell's own "Aborted" goes to /dev/null)
	sh -c 'err=$1; cd "$2" || exit 2; shift 2; "$@" 2>"$err"' sh \
		"$tmp/$name.err" "$run_dir" timeout -k 2 "$timeout_s" \
		"$top/$glass" "$@" >"$tmp/$name.out" 2>/dev/null </dev/null
	rc=$?
	lines=$(wc -l <"$tmp/$name.err")
	# a last line without a newline still counts
	[ -s "$tmp/$name.err" ] && [ "$(tail -c 1 "$tmp/$name.err" | od -An -c |
		tr -d ' ')" != '\n' ] && lines=$((lines + 1))
	first=$(head -n 1 "$tmp/$name.err")
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		fail "$name" "no answer within ${timeout_s} s: glass hangs"
	elif [ "$rc" -gt 128 ]; then
		fail "$name" "crashed: signal $((rc - 128)); stderr: $first"
	elif [ "$rc" -eq 0 ]; then
		fail "$name" "exit status 0: the bad input was accepted"
	elif [ "$rc" -ne 1 ]; then
		fail "$name" "exit status $rc, not 1"
	elif [ "$lines" -ne 1 ]; then
		fail "$name" "$lines lines on stderr, not 1: $(head -c 200 \
			"$tmp/$name.err" | tr '\n' '|')"
	else
		case $first in
		"glass: "*) ;;
		*)
			fail "$name" "stderr does not start with 'glass: ': $first"
			return
			;;
		esac
		case $first in
		*"$needle"*) ;;
		*)
			fail "$name" "message does not name '$needle': $first"
			return
			;;
		esac
		if [ -n "$wording" ]; then
			case $first in
			*"$wording"*) ;;
			*)
				fail "$name" "message does not say '$wording': $first"
				return
				;;
			esac
		fi
		left=$(ls -A "$run_dir")
		if [ -n "$left" ]; then
			fail "$name" "left files behind in its directory: $left"
			return
		fi
		pass "$name"
	fi
}

# ---- files ----------------------------------------------------------------

expect missing-kernel /nonexistent/k.elf -- \
	-bios none -kernel /nonexistent/k.elf
# root reads anything, so "unreadable" is a directory (chmod 000 would not
# stop root); as another user, also a file without read permission
expect unreadable-kernel-directory "$tmp" -- -bios none -kernel "$tmp"
if [ "$(id -u)" -ne 0 ]; then
	cp "$elf" "$tmp/noperm.elf"
	chmod 000 "$tmp/noperm.elf"
	expect unreadable-kernel-noperm "$tmp/noperm.elf" -- \
		-bios none -kernel "$tmp/noperm.elf"
else
	echo "  (running as root: chmod 000 cannot make a file unreadable;" \
	     "the directory case stands in for it)"
fi
expect kernel-char-device /dev/null -- -bios none -kernel /dev/null
mkfifo "$tmp/fifo"
expect kernel-fifo "$tmp/fifo" -- -bios none -kernel "$tmp/fifo"
: >"$tmp/empty"
expect empty-kernel "$tmp/empty" --wording empty -- -bios none -kernel "$tmp/empty"
# With -bios none a raw binary is loaded as it is (as QEMU does), so
# random bytes are not an error; an ELF for another architecture is.
expect x86-elf-kernel /bin/true --wording "not a RISC-V" -- \
	-bios none -kernel /bin/true
size=$(wc -c <"$elf")
head -c $((size / 2)) "$elf" >"$tmp/half.elf"
expect truncated-elf "$tmp/half.elf" --wording truncated -- \
	-bios none -kernel "$tmp/half.elf"
gzip -c "$elf" >"$tmp/kernel.gz"
expect gzip-kernel "$tmp/kernel.gz" --wording gzip -- \
	-bios none -kernel "$tmp/kernel.gz"
# a DTB, as -kernel
if "$glass" $kernel -dumpdtb "$tmp/virt.dtb" >/dev/null 2>&1; then
	expect dtb-as-kernel "$tmp/virt.dtb" --wording "device tree" -- \
		-bios none -kernel "$tmp/virt.dtb"
else
	fail dtb-as-kernel "could not make a DTB with -dumpdtb"
fi
expect missing-bios /nonexistent/fw.bin -- -bios /nonexistent/fw.bin \
	-kernel "$elf"
# 20 MB of initrd in 16 MB of RAM
head -c 20000000 /dev/zero >"$tmp/big.initrd"
expect initrd-too-big "$tmp/big.initrd" -- -m 16M $kernel \
	-initrd "$tmp/big.initrd"
rm -f "$tmp/big.initrd"
expect missing-initrd /nonexistent/initrd -- $kernel -initrd /nonexistent/initrd
expect dtb-not-a-dtb /bin/true -- $kernel -dtb /bin/true
# a DTB whose header is fine but whose memory reservation map never ends
# (72 bytes, made by hand: fdt_check_header accepts it)
expect dtb-corrupt-rsvmap corrupt-rsvmap.dtb -- $kernel \
	-dtb "$(pwd)/tests/badinput/corrupt-rsvmap.dtb"
# a DTB with a property whose length wraps the next-tag offset back onto
# itself: libfdt 1.6.1's own fdt_check_full would loop forever on it
# (found by fuzz_loader; glass walks the tags itself first)
expect dtb-prop-length-loop bug-dtb-prop-length-loop -- $kernel \
	-dtb "$(pwd)/fuzz/corpus/loader/bug-dtb-prop-length-loop"
# a DTB header cut short (8 bytes: magic and a size)
printf '\320\015\376\355\000\000\000\050' >"$tmp/short.dtb"
expect dtb-truncated "$tmp/short.dtb" -- $kernel -dtb "$tmp/short.dtb"

# ---- options ----------------------------------------------------------------

expect mem-syntax-12Q 12Q -- -m 12Q $kernel
expect mem-negative -5 -- -m -5 $kernel
expect mem-zero "'0'" -- -m 0 $kernel
expect mem-too-large 15G -- -m 15G $kernel
expect mem-overflow 99999999999999999999 -- -m 99999999999999999999 $kernel
expect mem-missing-value -m -- -m
expect smp-zero "'0'" -- -smp 0 $kernel
expect smp-nine "'9'" -- -smp 9 $kernel
expect smp-x "'x'" -- -smp x $kernel
expect unknown-option --bogus --wording unknown -- $kernel --bogus 1
expect unknown-option-alone --bogus --wording unknown -- --bogus
expect unknown-argument stray -- $kernel stray
expect unknown-device nosuch -- -device nosuch $kernel
expect device-bad-property foo -- -device edu,foo=1 $kernel
expect device-bad-value zz -- -device edu,dma_mask=zz $kernel
expect machine-unknown "'pc'" -- -M pc $kernel
expect machine-bad-option foo -- -M virt,foo=1 $kernel
expect machine-bad-offset pci-bus-offset -- -M virt,pci-bus-offset=3 $kernel
expect trace-bad-category bogus -- --trace mmio,bogus $kernel
expect trace-bad-filter foo=1 -- --trace-filter foo=1 $kernel
expect trace-bad-filter-range addr=5-1 -- --trace-filter addr=5-1 $kernel
expect trace-bad-format xml -- --trace-format xml $kernel
expect monitor-bad tcp -- -monitor tcp $kernel
expect share-missing /nonexistent/share -- --share /nonexistent/share $kernel
expect bios-none-no-kernel -kernel -- -bios none
expect gdb-bad-device "'serial'" -- -gdb serial $kernel
expect gdb-bad-port 99999 -- -gdb tcp::99999 $kernel
expect gdb-bad-option nowhere -- -gdb tcp::1234,nowhere $kernel
expect gdb-unix-no-dir /nonexistent/dir/sock -- \
	-gdb unix:/nonexistent/dir/sock $kernel

# ---- disks and networks ---------------------------------------------------------

: >"$tmp/disk.img"
expect drive-missing /nonexistent/disk.img -- \
	-drive file=/nonexistent/disk.img,format=raw,if=virtio $kernel
expect drive-directory "$tmp" --wording directory -- -drive "file=$tmp" $kernel
expect drive-no-file "file=IMAGE" -- -drive if=virtio $kernel
expect drive-format-qcow2 format=qcow2 -- \
	-drive "file=$tmp/disk.img,format=qcow2" $kernel
expect drive-bad-if if=scsi -- -drive "file=$tmp/disk.img,if=scsi" $kernel
expect drive-bad-key bogus -- -drive "file=$tmp/disk.img,bogus=1" $kernel
expect drive-bad-readonly readonly=maybe -- \
	-drive "file=$tmp/disk.img,readonly=maybe" $kernel
expect drive-id-twice id=d0 -- -drive "file=$tmp/disk.img,if=none,id=d0" \
	-drive "file=$tmp/disk.img,if=none,id=d0,readonly=on" $kernel
expect drive-unknown-id drive=nope -- -device virtio-blk-pci,drive=nope $kernel
expect drive-used-twice "already used" -- \
	-drive "file=$tmp/disk.img,if=none,id=d0" -device virtio-blk-pci,drive=d0 \
	-device virtio-blk-device,drive=d0 $kernel
expect blk-without-drive "needs drive=" -- -device virtio-blk-pci $kernel
expect blk-mmio-without-drive "needs drive=" -- -device virtio-blk-device $kernel
expect netdev-unknown-id netdev=nope -- -device virtio-net-pci,netdev=nope $kernel
expect net-without-netdev "needs netdev=" -- -device virtio-net-pci $kernel
expect netdev-not-user tap -- -netdev tap,id=n0 $kernel
expect netdev-no-id "needs id=" -- -netdev user $kernel
expect netdev-bad-key bogus -- -netdev user,id=n0,bogus=1 $kernel
expect netdev-bad-hostfwd hostfwd=tcp:x -- -netdev user,id=n0,hostfwd=tcp:x $kernel
# a host port already in use (held by a listener for the test)
python3 -c 'import socket,time,sys
s=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(1)
print(s.getsockname()[1], flush=True); time.sleep(20)' >"$tmp/port" &
holder=$!
i=0
while [ ! -s "$tmp/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
busy=$(cat "$tmp/port")
expect netdev-hostfwd-in-use "in use" -- \
	-netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$busy-:80" $kernel
kill $holder 2>/dev/null
expect chardev-not-file socket -- -chardev socket,id=c0 $kernel
expect chardev-no-path "needs path=" -- -chardev file,id=c0 $kernel
expect chardev-missing-input /nonexistent/in -- \
	-chardev "file,id=c0,path=$tmp/out,input-path=/nonexistent/in" $kernel
expect serial-unknown-chardev "'nope'" -- -device virtio-serial-pci,chardev=nope $kernel
expect net-mac-bad mac=zz -- -netdev user,id=n0 \
	-device virtio-net-pci,netdev=n0,mac=zz $kernel

# ---- deterministic runs and snapshots (tests/snapshot/run.sh: damaged ones)
expect icount-bad-shift shift=x -- -icount shift=x $kernel
expect icount-shift-too-big shift=11 -- -icount shift=11 $kernel
expect icount-sleep-on sleep=on -- -icount sleep=on $kernel
expect icount-unknown-key foo -- -icount foo=1 $kernel
expect record-without-icount --record -- --record rr $kernel
expect record-and-replay --replay -- -icount auto --record rr --replay rr $kernel
expect replay-missing /nonexistent/rr -- -icount auto --replay /nonexistent/rr $kernel
expect replay-not-a-recording /bin/true --wording "not a glass recording" -- \
	-icount auto --replay /bin/true $kernel
expect loadvm-missing /nonexistent/snap -- -loadvm /nonexistent/snap $kernel
expect loadvm-not-a-snapshot /bin/true --wording "not a glass snapshot" -- \
	-loadvm /bin/true $kernel
expect loadvm-directory "$tmp" -- -loadvm "$tmp" $kernel
expect checkpoint-dir-missing /nonexistent/ck -- --checkpoint-dir /nonexistent/ck $kernel

# ---- output files -------------------------------------------------------------

expect trace-file-unwritable /nonexistent/dir/x -- \
	--trace mmio --trace-file /nonexistent/dir/x $kernel
expect stats-unwritable /nonexistent/dir/stats.json -- \
	--stats /nonexistent/dir/stats.json $kernel
expect dumpdtb-unwritable /nonexistent/dir/virt.dtb -- \
	$kernel -dumpdtb /nonexistent/dir/virt.dtb
expect dumpdtb-directory "$tmp" -- $kernel -dumpdtb "$tmp"

# A write that fails half-way (file size limit; SIGXFSZ ignored so the
# write just fails): the error must not leave a partial DTB behind.
name=dumpdtb-write-fails
rm -f "$tmp/part.dtb"
(trap '' XFSZ; ulimit -f 2; exec "$glass" $kernel -dumpdtb "$tmp/part.dtb") \
	>/dev/null 2>"$tmp/$name.err"
rc=$?
if [ "$rc" -ne 1 ] || [ "$(wc -l <"$tmp/$name.err")" -ne 1 ] ||
   ! grep -q "^glass: .*$tmp/part.dtb" "$tmp/$name.err"; then
	fail "$name" "exit $rc, stderr: $(head -c 200 "$tmp/$name.err" | tr '\n' '|')"
elif [ -e "$tmp/part.dtb" ]; then
	fail "$name" "a half-written $(wc -c <"$tmp/part.dtb")-byte DTB was left behind"
else
	pass "$name"
fi

# Output files asked for when startup then fails: absent, or complete
# (the JSON ones must parse).
name=outputs-after-startup-error
rm -f "$tmp/trace.json" "$tmp/stats.json"
"$glass" --trace all --trace-format chrome --trace-file "$tmp/trace.json" \
	--stats "$tmp/stats.json" -bios none -kernel /nonexistent/k.elf \
	>/dev/null 2>"$tmp/$name.err"
rc=$?
bad=""
for f in "$tmp/trace.json" "$tmp/stats.json"; do
	[ -e "$f" ] || continue
	python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$f" \
		2>/dev/null || bad="$bad $(basename "$f")"
done
if [ "$rc" -ne 1 ] || [ "$(wc -l <"$tmp/$name.err")" -ne 1 ]; then
	fail "$name" "exit $rc, stderr: $(head -c 200 "$tmp/$name.err" | tr '\n' '|')"
elif [ -n "$bad" ]; then
	fail "$name" "half-written output left behind:$bad"
else
	pass "$name"
fi

# ---- a good -dumpdtb ------------------------------------------------------------

name=dumpdtb-valid
rm -f "$tmp/good.dtb"
"$glass" $kernel -dumpdtb "$tmp/good.dtb" >"$tmp/$name.out" 2>"$tmp/$name.err"
rc=$?
if [ "$rc" -ne 0 ]; then
	fail "$name" "exit status $rc: $(head -n 1 "$tmp/$name.err")"
elif [ -s "$tmp/$name.err" ]; then
	fail "$name" "unexpected stderr: $(head -n 1 "$tmp/$name.err")"
elif [ "$(od -An -tx1 -N4 "$tmp/good.dtb" | tr -d ' ')" != d00dfeed ]; then
	fail "$name" "no DTB magic in the file"
elif command -v dtc >/dev/null 2>&1; then
	if dtc -q -I dtb -O dts -o "$tmp/good.dts" "$tmp/good.dtb" 2>"$tmp/dtc.err"; then
		pass "$name"
	else
		fail "$name" "dtc cannot read it: $(head -n 1 "$tmp/dtc.err")"
	fi
else
	echo "  (dtc not installed: package device-tree-compiler; magic checked only)"
	pass "$name"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
