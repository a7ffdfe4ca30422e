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
exec "$glass" -M virt -m 256M -smp 2 -nographic \
	-kernel "$guest/Image" -initrd "$guest/initramfs.cpio.gz" \
	-append "console=ttyS0 $mode" "$@"
