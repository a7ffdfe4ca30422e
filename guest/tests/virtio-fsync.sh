#!/bin/sh
# virtio-fsync: write a file on the ext4 disk /dev/vda, fsync it, say so
# on the console, and wait. The host kills glass with SIGKILL as soon as
# it reads the line, then checks that the file is in the image
# (tests/virtio/run.sh): what fsync returned for must not be lost.

mount -t ext4 /dev/vda /mnt || { echo "VIRTIO-FSYNC FAIL: mount"; exit 1; }
seq 1 50000 >/mnt/fsynced.txt.tmp
# dd conv=fsync: the data and the file's metadata, then fsync on the
# directory after the rename
dd if=/mnt/fsynced.txt.tmp of=/mnt/fsynced.txt conv=fsync 2>/dev/null || { echo "VIRTIO-FSYNC FAIL: dd"; exit 1; }
sync -d /mnt/fsynced.txt 2>/dev/null
echo "FSYNC-RETURNED"
sleep 600
