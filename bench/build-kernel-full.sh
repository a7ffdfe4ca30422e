#!/bin/sh
# The bench's second kernel: Linux 6.1 riscv64 with the upstream riscv
# `defconfig` (what distributions start from: PCI, virtio, block and
# network stacks, ext4, netfilter, USB, DRM, ...) plus the glass fragment,
# so it boots on glass and QEMU alike. It is much fuller than the default
# guest's tinyconfig-based kernel (about 4x the code run during boot),
# which is what the bench row "boot to /init, fuller kernel" measures.
#
# (Debian 12 has no riscv64 kernel or linux-config for riscv64, which is
# why this is the upstream defconfig and not Debian's own configuration.)
#
# usage: bench/build-kernel-full.sh OUTDIR      (writes OUTDIR/Image-full)
#
# Built once into $GLASS_CACHE/kernel-full-<hash> (about 40 minutes of two
# cores), then a copy. Debug information is left out (it only costs build
# time); modules (=m) are not built: the bench loads none.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/guest/lib.sh"

[ $# -eq 1 ] || die "usage: $0 OUTDIR"
lock_cache kernel-full
out=$(outdir_abs "$1")
fragment=$here/guest/kernel/glass.config
tarball=${GLASS_KERNEL_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
[ -f "$tarball" ] || die "$tarball missing: run guest/setup-deps.sh"

key=$(cache_key "$fragment" "$here/bench/build-kernel-full.sh" -- "$(basename "$tarball") $(stat -c %s "$tarball")")
kdir=$GLASS_CACHE/kernel-full-$key
log=$kdir/build.log
kmake() { make -C "$kdir/linux" ARCH=riscv CROSS_COMPILE="$CROSS" "$@"; }

if [ -f "$kdir/.done" ]; then
    msg kernel-full "up to date ($kdir)"
else
    start=$(date +%s)
    mkdir -p "$kdir"
    : >"$log"
    if [ ! -f "$kdir/.extracted" ]; then
        msg kernel-full "step 1/3: extracting $(basename "$tarball") (log: $log)"
        rm -rf "$kdir/linux" "$kdir/tmp"
        mkdir -p "$kdir/tmp"
        run_logged "$log" tar -xJf "$tarball" -C "$kdir/tmp"
        mv "$kdir"/tmp/linux-source-* "$kdir/linux"
        rmdir "$kdir/tmp"
        touch "$kdir/.extracted"
    fi
    msg kernel-full "step 2/3: configuring (defconfig + kernel/glass.config, no debug info)"
    run_logged "$log" kmake defconfig
    run_logged "$log" sh -c 'cd "$1" && scripts/kconfig/merge_config.sh -m .config "$2"' sh "$kdir/linux" "$fragment"
    run_logged "$log" sh -c 'cd "$1" && scripts/config -d DEBUG_INFO -d DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT -e DEBUG_INFO_NONE' sh "$kdir/linux"
    run_logged "$log" kmake olddefconfig
    msg kernel-full "step 3/3: building Image with -j$(nproc) (log: $log)"
    run_logged "$log" kmake -j"$(nproc)" Image
    touch "$kdir/.done"
    prune_cache kernel-full "$kdir"
    msg kernel-full "built in $(elapsed "$start")"
fi

if ! cmp -s "$kdir/linux/arch/riscv/boot/Image" "$out/Image-full"; then
    cp "$kdir/linux/arch/riscv/boot/Image" "$out/Image-full"
fi
msg kernel-full "$out/Image-full"
