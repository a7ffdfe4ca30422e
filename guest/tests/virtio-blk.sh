#!/bin/sh
# virtio-blk: Linux's own virtio_blk driver on the disk /dev/vda, which
# the host made with `mke2fs -t ext4 -d` holding hello.txt. Run by /init
# for `glass.test=virtio-blk`, on either transport (virtio-blk-pci or
# virtio-blk-device). glass.serial=S: /sys/block/vda/serial must read S.
#
# Reads hello.txt, writes seq.txt (seq 1 200000) and dir/file.txt, syncs
# and unmounts, so the host can check the image with e2fsck and debugfs
# (tests/virtio/run.sh); reads the file back after dropping the caches;
# and reads the raw disk with O_DIRECT. Prints "VIRTIO-BLK OK" or the
# reason and exits 1. With a second disk (/dev/vdb, raw), discard.

fail() {
    echo "VIRTIO-BLK FAIL: $*"
    exit 1
}

serial=
for word in $(cat /proc/cmdline); do
    case $word in
    glass.serial=*) serial=${word#glass.serial=} ;;
    esac
done

sys=/sys/block/vda
[ -b /dev/vda ] || fail "no /dev/vda"
driver=$(basename "$(readlink $sys/device/driver)")
echo "virtio-blk: $(cat $sys/size) sectors, driver $driver, bus $(basename "$(readlink $sys/device/subsystem)")"
[ "$driver" = virtio_blk ] || fail "driver is '$driver'"
if [ -n "$serial" ]; then
    got=$(cat $sys/serial)
    [ "$got" = "$serial" ] || fail "serial '$got', expected '$serial'"
fi
mount -t ext4 /dev/vda /mnt || fail "mount"
[ "$(cat /mnt/hello.txt)" = "hello from the host" ] || fail "hello.txt reads '$(cat /mnt/hello.txt)'"
seq 1 200000 >/mnt/seq.txt || fail "writing seq.txt"
mkdir -p /mnt/dir && echo nested >/mnt/dir/file.txt || fail "writing dir/file.txt"
sync
echo 3 >/proc/sys/vm/drop_caches
want=$(seq 1 200000 | md5sum | cut -d' ' -f1)
got=$(md5sum </mnt/seq.txt | cut -d' ' -f1)
[ "$got" = "$want" ] || fail "seq.txt reads back as $got, not $want"
umount /mnt || fail "umount"
# the raw disk, past the page cache: the superblock's ext4 magic 0xef53
magic=$(dd if=/dev/vda bs=4096 count=1 iflag=direct 2>/dev/null | od -A n -t x2 -j 1080 -N 2 | tr -d ' ')
[ "$magic" = ef53 ] || fail "O_DIRECT read of the superblock: magic '$magic'"
# a second, raw disk (if the host gave one): discard reaches the image
# (glass punches a hole: the range reads back as zeros)
if [ -b /dev/vdb ]; then
    yes x | head -c 1048576 >/tmp/x
    dd if=/tmp/x of=/dev/vdb bs=4096 conv=fsync 2>/dev/null || fail "writing vdb"
    blkdiscard -o 0 -l 524288 /dev/vdb || fail "blkdiscard"
    left=$(dd if=/dev/vdb bs=4096 count=128 iflag=direct 2>/dev/null | tr -d '\000' | wc -c)
    [ "$left" -eq 0 ] || fail "$left non-zero bytes in the discarded range"
    kept=$(dd if=/dev/vdb bs=4096 skip=128 count=128 iflag=direct 2>/dev/null | tr -d 'x\n' | wc -c)
    [ "$kept" -eq 0 ] || fail "the range after the discard changed"
    echo "virtio-blk: discard of 512 KiB on vdb reads back as zeros"
fi
echo "VIRTIO-BLK OK"
