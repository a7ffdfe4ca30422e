#!/bin/sh
# virtio devices with Linux's own drivers, on both transports, and the
# promises about disks: nothing written is lost, a read-only drive stays
# unchanged, a locked image is refused.
#
#   tests/virtio/run.sh GLASS GUESTDIR
#
# Each test boots the guest with glass.test=NAME (guest/tests/NAME.sh)
# and then checks the image on the host with e2fsck and debugfs.
# Prints PASS/FAIL lines and "N passed, N failed".
set -u
glass=${1:?usage: $0 GLASS GUESTDIR}
guest=${2:?usage: $0 GLASS GUESTDIR}
limit=${LINUX_TIMEOUT:-300}
logdir=${LOGDIR:-build/test-logs}
mkdir -p "$logdir"
tmp=$(mktemp -d /tmp/glass-virtio.XXXXXX) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
passed=0
failed=0

pass() {
	echo "PASS virtio/$1"
	passed=$((passed + 1))
}

# fail NAME WHY [LOG]
fail() {
	echo "FAIL virtio/$1 ($2)"
	[ -n "${3:-}" ] && [ -f "$3" ] && tail -n 15 "$3" | sed 's/^/    /'
	failed=$((failed + 1))
}

# mkdisk FILE: a 32 MiB ext4 image holding hello.txt
mkdisk() {
	mkdir -p "$tmp/root"
	echo "hello from the host" >"$tmp/root/hello.txt"
	rm -f "$1"
	mke2fs -q -t ext4 -d "$tmp/root" "$1" 32M >/dev/null
}

# boot NAME TEST APPEND GLASS-ARGS...: one boot; $log, $rc
boot() {
	name=$1 test=$2 append=$3
	shift 3
	log=$logdir/virtio-$name.log
	timeout "$limit" "$glass" -m 256M "$@" \
		-kernel "$guest/Image" -initrd "$guest/initramfs.cpio.gz" \
		-append "console=ttyS0 glass.test=$test $append" \
		</dev/null >"$log" 2>&1
	rc=$?
}

guest_ok() {
	[ "$rc" -eq 0 ] && grep -q "^GLASS-TEST $1 exit=0" "$log"
}

# the host's view of what virtio-blk.sh wrote
image_ok() {
	e2fsck -fn "$1" >"$tmp/fsck.log" 2>&1 || { why="e2fsck -fn: $(tail -n 1 "$tmp/fsck.log")"; return 1; }
	want=$(seq 1 200000 | sha256sum | cut -d' ' -f1)
	got=$(debugfs -R "cat /seq.txt" "$1" 2>/dev/null | sha256sum | cut -d' ' -f1)
	[ "$got" = "$want" ] || { why="debugfs: seq.txt differs"; return 1; }
	[ "$(debugfs -R "cat /dir/file.txt" "$1" 2>/dev/null)" = nested ] || { why="debugfs: dir/file.txt"; return 1; }
	return 0
}

# virtio-blk on each transport: the guest's checks, then the host's
for dev in virtio-blk-pci virtio-blk-device; do
	img=$tmp/$dev.img
	mkdisk "$img"
	truncate -s 4M "$tmp/raw.img"
	boot "$dev" virtio-blk "glass.serial=glass-disk-1" \
		-drive "file=$img,format=raw,if=none,id=d0" \
		-device "$dev,drive=d0,serial=glass-disk-1" \
		-drive "file=$tmp/raw.img,if=none,id=d1" \
		-device "$dev,drive=d1"
	why="glass exit $rc"
	if guest_ok virtio-blk && image_ok "$img"; then
		pass "$dev"
	else
		fail "$dev" "$why" "$log"
	fi
done

# the see-through: the virtio category in JSON and Chrome format, the
# per-queue statistics, and the monitor's info virtio
img=$tmp/trace.img
mkdisk "$img"
boot trace-json virtio-blk "" -drive "file=$img,if=virtio" \
	--trace virtio,dma --trace-format json --trace-file "$tmp/t.json" \
	--stats "$tmp/s.json"
if ! guest_ok virtio-blk; then
	fail trace-json "glass exit $rc" "$log"
elif ! python3 - "$tmp/t.json" "$tmp/s.json" >"$tmp/why" 2>&1 <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
v = [e for e in lines if e["cat"] == "virtio"]
assert any(e["what"] == "request" and e["request"].startswith("blk read")
           for e in v), "no blk read request"
chains = [e for e in v if e["what"] == "chain"]
assert chains and all(isinstance(d["len"], int) for d in chains[0]["descriptors"])
assert any(e["what"] == "interrupt" for e in v), "no interrupt"
assert any(e["cat"] == "dma" for e in lines), "no dma"
st = json.load(open(sys.argv[2]))
q = [x for x in st["virtio"] if x["device"] == "virtio-blk-pci"]
assert q and q[0]["chains"] > 0 and q[0]["interrupts"] > 0, st["virtio"]
PY
then
	fail trace-json "$(tail -n 1 "$tmp/why")"
else
	pass trace-json
fi
boot trace-chrome virtio-blk "" -drive "file=$img,if=virtio" \
	--trace virtio --trace-format chrome --trace-file "$tmp/t.chrome"
if guest_ok virtio-blk && python3 -c 'import json,sys
ev = json.load(open(sys.argv[1]))["traceEvents"]
assert any(e["args"].get("what") == "used" for e in ev if e.get("cat") == "virtio")' \
	"$tmp/t.chrome" 2>"$tmp/why"; then
	pass trace-chrome
else
	fail trace-chrome "glass exit $rc: $(tail -n 1 "$tmp/why")" "$log"
fi
log=$logdir/virtio-monitor.log
(sleep 3; echo "info virtio"; sleep 1; echo quit) | timeout 60 "$glass" \
	-m 256M -monitor stdio -drive "file=$img,if=virtio" \
	-device virtio-rng-device -kernel "$guest/Image" \
	-initrd "$guest/initramfs.cpio.gz" -append console=ttyS0 >"$log" 2>&1
if grep -q "virtio-blk-pci (virtio-blk, virtio-pci): status" "$log" &&
	grep -q "virtio-rng-device (virtio-rng, virtio-mmio)" "$log" &&
	grep -q "queue 0: size" "$log"; then
	pass info-virtio
else
	fail info-virtio "no info virtio answer" "$log"
fi

# virtio-mmio: device-tree nodes only for the slots in use
"$glass" -bios none -kernel "$(pwd)/fuzz/corpus/loader/seed-mini.elf" \
	-device virtio-rng-device -device virtio-rng-device \
	-dumpdtb "$tmp/virt.dtb" >/dev/null 2>&1
if grep -aq 'virtio_mmio@10008000' "$tmp/virt.dtb" &&
	grep -aq 'virtio_mmio@10007000' "$tmp/virt.dtb" &&
	! grep -aq 'virtio_mmio@10006000' "$tmp/virt.dtb"; then
	pass mmio-dt-nodes
else
	fail mmio-dt-nodes "expected nodes for slots 0 and 1 only"
fi

# -drive if=virtio: QEMU's short form (a virtio-blk-pci)
img=$tmp/short.img
mkdisk "$img"
boot drive-if-virtio virtio-blk "" -drive "file=$img,format=raw,if=virtio"
why="glass exit $rc"
if guest_ok virtio-blk && image_ok "$img"; then
	pass drive-if-virtio
else
	fail drive-if-virtio "$why" "$log"
fi

# a read-only drive: errors in the guest, the image unchanged byte for byte
for dev in virtio-blk-pci virtio-blk-device; do
	img=$tmp/ro.img
	mkdisk "$img"
	before=$(sha256sum <"$img")
	boot "ro-$dev" virtio-ro "" \
		-drive "file=$img,if=none,id=r,readonly=on" -device "$dev,drive=r"
	after=$(sha256sum <"$img")
	if ! guest_ok virtio-ro; then
		fail "readonly-$dev" "guest test, glass exit $rc" "$log"
	elif [ "$before" != "$after" ]; then
		fail "readonly-$dev" "the image changed"
	else
		pass "readonly-$dev"
	fi
done

# SIGKILL right after the guest's fsync returned: the data is in the image
img=$tmp/kill.img
mkdisk "$img"
log=$logdir/virtio-sigkill.log
"$glass" -m 256M -drive "file=$img,format=raw,if=virtio" \
	-kernel "$guest/Image" -initrd "$guest/initramfs.cpio.gz" \
	-append "console=ttyS0 glass.test=virtio-fsync" </dev/null >"$log" 2>&1 &
pid=$!
t=0
while [ $t -lt $((limit * 10)) ] && kill -0 $pid 2>/dev/null &&
	! grep -q '^FSYNC-RETURNED' "$log"; do
	sleep 0.1
	t=$((t + 1))
done
killed=
if grep -q '^FSYNC-RETURNED' "$log"; then
	kill -KILL $pid && killed=1
else
	kill -KILL $pid 2>/dev/null # never got there: do not wait forever
fi
wait $pid 2>/dev/null
# replay the journal the way the next mount would, on a copy
cp "$img" "$tmp/kill-replayed.img"
e2fsck -fy "$tmp/kill-replayed.img" >"$tmp/fsck-kill.log" 2>&1
fsck_rc=$?
got=$(debugfs -R "cat /fsynced.txt" "$tmp/kill-replayed.img" 2>/dev/null | sha256sum | cut -d' ' -f1)
want=$(seq 1 50000 | sha256sum | cut -d' ' -f1)
if [ -z "$killed" ]; then
	fail sigkill-after-fsync "the guest never said FSYNC-RETURNED" "$log"
elif [ $fsck_rc -gt 1 ]; then
	fail sigkill-after-fsync "e2fsck -fy exit $fsck_rc" "$tmp/fsck-kill.log"
elif [ "$got" != "$want" ]; then
	fail sigkill-after-fsync "fsynced.txt is not in the image"
else
	pass sigkill-after-fsync
fi

# a second glass on an image in use: one line, exit 1
img=$tmp/locked.img
mkdisk "$img"
"$glass" -m 64M -drive "file=$img,if=virtio" -kernel "$guest/Image" \
	</dev/null >/dev/null 2>&1 &
first=$!
sleep 1
"$glass" -m 64M -drive "file=$img,if=virtio" -kernel "$guest/Image" \
	</dev/null >/dev/null 2>"$tmp/second.err"
rc=$?
kill $first 2>/dev/null
wait $first 2>/dev/null
lines=$(wc -l <"$tmp/second.err")
if [ $rc -eq 1 ] && [ "$lines" -eq 1 ] && grep -q "^glass: -drive file=.*in use" "$tmp/second.err"; then
	pass locked-image
else
	fail locked-image "exit $rc, $lines line(s): $(head -c 200 "$tmp/second.err")"
fi

# virtio-rng and virtio-console (hvc0 on a -chardev file) together
printf 'hello to hvc0\n' >"$tmp/hvc.in"
for t in pci device; do
	rm -f "$tmp/hvc.out"
	boot "rng-$t" virtio-rng "" -device "virtio-rng-$t"
	if guest_ok virtio-rng; then
		pass "rng-$t"
	else
		fail "rng-$t" "glass exit $rc" "$log"
	fi
	boot "console-$t" virtio-console "" \
		-chardev "file,id=c0,path=$tmp/hvc.out,input-path=$tmp/hvc.in" \
		-device "virtio-serial-$t,chardev=c0"
	if ! guest_ok virtio-console; then
		fail "console-$t" "glass exit $rc" "$log"
	elif ! grep -q "hello from hvc0" "$tmp/hvc.out"; then
		fail "console-$t" "the guest's line is not in the chardev's file"
	else
		pass "console-$t"
	fi
done

# virtio-net on user networking: DHCP, the host's loopback, hostfwd
for dev in virtio-net-pci virtio-net-device; do
	if python3 "$(dirname "$0")/net.py" "$glass" "$guest" "$dev" \
		"$logdir/virtio-net-$dev.log" >"$tmp/net.out"; then
		pass "net-$dev"
	else
		fail "net-$dev" "$(sed 's/^FAIL [^ ]* //' "$tmp/net.out")" \
			"$logdir/virtio-net-$dev.log"
	fi
done

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
