#!/bin/sh
# virtio-ro: a read-only drive (-drive ...,readonly=on). Linux sees the
# RO feature; writes fail with an error, reads work. The host checks
# that the image did not change (tests/virtio/run.sh).

fail() {
    echo "VIRTIO-RO FAIL: $*"
    exit 1
}

[ -b /dev/vda ] || fail "no /dev/vda"
[ "$(cat /sys/block/vda/ro)" = 1 ] || fail "/sys/block/vda/ro is not 1"
if dd if=/dev/zero of=/dev/vda bs=4096 count=1 oflag=direct 2>/tmp/dd.err; then
    fail "a raw write to the read-only disk succeeded"
fi
echo "virtio-ro: raw write refused: $(cat /tmp/dd.err | head -n 1)"
if mount -t ext4 /dev/vda /mnt 2>/dev/null && touch /mnt/x 2>/dev/null; then
    fail "wrote a file on the read-only disk"
fi
mountpoint -q /mnt || mount -t ext4 -o ro /dev/vda /mnt || fail "mount -o ro"
[ "$(cat /mnt/hello.txt)" = "hello from the host" ] || fail "hello.txt"
umount /mnt
echo "VIRTIO-RO OK"
