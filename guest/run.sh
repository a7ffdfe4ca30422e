#!/bin/sh
# Boot the default guest on glass (what `make run` does).
# On a terminal you get a busybox shell (Ctrl-A x quits glass, `poweroff`
# ends the guest); without one (CI, pipes) the guest runs a short scripted
# tour of the machine and powers off, and glass's exit status is the result.
#
#   guest/run.sh GLASS GUESTDIR [extra glass options...]
set -eu
glass=$1
guest=$2
shift 2

if [ -t 0 ] && [ -t 1 ]; then
	mode=""
	echo "glass: booting Linux; Ctrl-A x quits, 'poweroff' ends the guest"
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
	-kernel "$guest/Image" -initrd "$guest/initramfs.cpio.gz" \
	-append "console=ttyS0 $mode" "$@"
