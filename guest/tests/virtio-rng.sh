#!/bin/sh
# virtio-rng: Linux's virtio_rng driver is the current hardware RNG and
# /dev/hwrng gives bytes that are neither all zero nor repeated.

fail() {
    echo "VIRTIO-RNG FAIL: $*"
    exit 1
}

cur=$(cat /sys/class/misc/hw_random/rng_current 2>/dev/null)
echo "virtio-rng: rng_current '$cur', available '$(cat /sys/class/misc/hw_random/rng_available 2>/dev/null)'"
case $cur in
virtio_rng*) ;;
*) fail "rng_current is '$cur'" ;;
esac
a=$(dd if=/dev/hwrng bs=256 count=1 2>/dev/null | md5sum | cut -d' ' -f1)
b=$(dd if=/dev/hwrng bs=256 count=1 2>/dev/null | md5sum | cut -d' ' -f1)
zero=$(dd if=/dev/zero bs=256 count=1 2>/dev/null | md5sum | cut -d' ' -f1)
[ "$a" != "$zero" ] || fail "256 zero bytes"
[ "$a" != "$b" ] || fail "two reads gave the same bytes"
echo "VIRTIO-RNG OK"
