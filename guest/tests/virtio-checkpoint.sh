#!/bin/sh
# Every virtio device across a CHECKPOINT (tests/snapshot/run.sh,
# virtio-exact-pci and -device). A disk, the network, entropy and hvc0
# are in use, and disk reads are in flight, when glassctl saves the
# machine as "virtio" into glass's --checkpoint-dir; then the run that
# saved and a run restored from the file do the same work with every
# device. Under -icount the host compares the two from the checkpoint
# on. Nothing printed here may depend on which of the two runs this is.
set -u
fail() {
    echo "VIRTIO-CHECKPOINT FAIL: $*"
    exit 1
}

mkdir -p /mnt
mount -t ext4 /dev/vda /mnt || fail "mount /dev/vda"
seq 1 20000 >/mnt/before.txt && sync || fail "writing before.txt"
ip link set lo up
udhcpc -i eth0 -n -q -t 5 -T 1 >/tmp/dhcp.log 2>&1 || fail "DHCP"
i=0
while [ ! -c /dev/hvc0 ] && [ $i -lt 20 ]; do sleep 0.1; i=$((i + 1)); done
exec 3>/dev/hvc0 || fail "no /dev/hvc0"
echo "hvc0 before the checkpoint" >&3
dd if=/dev/hwrng of=/dev/null bs=64 count=1 2>/dev/null || fail "hwrng"
# disk reads in flight while the machine is saved
(while :; do
    dd if=/dev/vda of=/dev/null bs=4k count=8 iflag=direct 2>/dev/null
done) &
reader=$!
sleep 0.05
glassctl checkpoint virtio >/tmp/checkpoint.txt 2>&1 || {
    cat /tmp/checkpoint.txt
    fail "checkpoint"
}
kill $reader
wait $reader 2>/dev/null
[ "$(seq 1 20000 | md5sum)" = "$(md5sum </mnt/before.txt)" ] ||
    fail "before.txt differs"
seq 1 30000 >/mnt/after.txt && sync || fail "writing after.txt"
echo 3 >/proc/sys/vm/drop_caches
[ "$(seq 1 30000 | md5sum)" = "$(md5sum </mnt/after.txt)" ] ||
    fail "after.txt differs"
echo "virtio-checkpoint: rng $(dd if=/dev/hwrng bs=256 count=1 2>/dev/null | md5sum | cut -d' ' -f1)"
# slirp answers the host's address itself (a network without host I/O)
ping -c 2 -W 2 10.0.2.2 >/tmp/ping.txt 2>&1 || {
    cat /tmp/ping.txt
    fail "ping 10.0.2.2"
}
echo "hvc0 after the checkpoint" >&3
exec 3>&-
umount /mnt || fail "umount"
echo "VIRTIO-CHECKPOINT OK"
