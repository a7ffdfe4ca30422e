#!/bin/sh
# Build everything the glass guest needs into OUTDIR:
#   OUTDIR/Image               Linux 6.1 riscv64 kernel
#   OUTDIR/initramfs.cpio.gz   busybox, lspci/setpci, /init, tests
#   OUTDIR/kdir                path of the kernel build tree (for modules)
#
# usage: guest/build.sh OUTDIR          (e.g. guest/build.sh build/guest)
#
# Incremental: each step is cached by a hash of its inputs (see README.md),
# so a second run with nothing changed only re-checks and copies.
# Set GLASS_SKIP_DEPS=1 to skip the package check (e.g. no apt access).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

[ $# -eq 1 ] || die "usage: $0 OUTDIR"
out=$(outdir_abs "$1")
start=$(date +%s)

msg guest "step 1 of 6: build dependencies"
if [ "${GLASS_SKIP_DEPS:-0}" = 1 ]; then
    msg guest "skipped (GLASS_SKIP_DEPS=1)"
else
    "$here/setup-deps.sh"
fi
msg guest "step 2 of 6: kernel"
"$here/build-kernel.sh" "$out"
msg guest "step 3 of 6: busybox"
"$here/build-busybox.sh" "$out"
msg guest "step 4 of 6: pciutils"
"$here/build-pciutils.sh" "$out"
msg guest "step 5 of 6: glass's kernel modules and tools"
"$here/build-modules.sh" "$out"
msg guest "step 6 of 6: initramfs"
"$here/build-initramfs.sh" "$out"

msg guest "done in $(elapsed "$start"): $out/Image $out/initramfs.cpio.gz"
