#!/bin/sh
# Boot the default guest on glass (what `make run` does).
# On a terminal you get a busybox shell (Ctrl-A x quits glass, `poweroff`
# ends the guest); without one (CI, pipes) the guest runs a short scripted
# tour of the machine and powers off, and glass's exit status is the result.
#
#   guest/run.sh GLASS GUESTDIR [extra glass options...]
#
# The machine also has a persistent data disk, a network and an entropy
# source (all virtio):
#   GLASS_DATA       the data disk (default ~/.local/share/glass/data.img,
#                    the one plain `glass` uses too): created on the first
#                    run (256 MiB ext4, label glass-data, mounted at /data),
#                    never overwritten afterwards
#   GLASS_HTTP_PORT  the host port forwarded to the guest's httpd (port
#                    80, serving /data/www); default 10080
set -eu
glass=$1
guest=$2
shift 2

data=${GLASS_DATA:-${XDG_DATA_HOME:-$HOME/.local/share}/glass/data.img}
port=${GLASS_HTTP_PORT:-10080}
if [ ! -e "$data" ]; then
	mkdir -p "$(dirname "$data")"
	seed=$(mktemp -d)
	mkdir -p "$seed/www"
	printf '%s\n' "This is the glass guest's data disk ($data on the host)." \
		"Files here survive reboots; /data/www is served on port 80." \
		>"$seed/README"
	echo "hello from the glass guest's data disk" >"$seed/www/index.html"
	mke2fs -q -t ext4 -L glass-data -d "$seed" "$data" 256M >/dev/null
	rm -rf "$seed"
	echo "glass: created the data disk $data (256 MiB ext4, mounted at /data in the guest)"
fi

if [ -t 0 ] && [ -t 1 ]; then
	mode=""
	echo "glass: booting Linux; Ctrl-A x quits, 'poweroff' ends the guest;" \
		"http://127.0.0.1:$port/ reaches the guest's httpd"
else
	mode="glass.tour"
fi
# edu with a 32-bit DMA mask (its 28-bit default cannot reach RAM at
# 0x80000000) and the PCI hypercall device; build/share is the directory
# `glassctl get/put` reach.
mkdir -p build/share
exec "$glass" -M virt -m 256M -smp 2 -nographic \
	-device edu,dma_mask=0xffffffff -device glass-hypercall \
	--share build/share \
	-drive "file=$data,format=raw,if=virtio" \
	-netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$port-:80" \
	-device virtio-net-pci,netdev=n0 -device virtio-rng-pci \
	-kernel "$guest/Image" -initrd "$guest/initramfs.cpio.gz" \
	-append "console=ttyS0 $mode" "$@"
