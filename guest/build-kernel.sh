#!/bin/sh
# Build the glass guest kernel (Linux 6.1, riscv64) from Debian's
# linux-source-6.1 tarball and copy the Image to OUTDIR.
#
# usage: guest/build-kernel.sh OUTDIR
#
# The build tree is kept in $GLASS_CACHE/kernel-<hash> (hash over the config
# fragment, this script and the tarball's name and size), both so that a
# second run costs only a copy and so that out-of-tree modules can be built
# against it later: OUTDIR/kdir holds its path (use `make -C $(cat kdir) M=..`).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

[ $# -eq 1 ] || die "usage: $0 OUTDIR"
lock_cache kernel
out=$(outdir_abs "$1")
fragment=$here/kernel/glass.config
tarball=${GLASS_KERNEL_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
[ -f "$tarball" ] || die "$tarball missing: run guest/setup-deps.sh"

key=$(cache_key "$fragment" "$here/build-kernel.sh" -- "$(basename "$tarball") $(stat -c %s "$tarball")")
kdir=$GLASS_CACHE/kernel-$key
log=$kdir/build.log
kmake() { make -C "$kdir/linux" ARCH=riscv CROSS_COMPILE="$CROSS" "$@"; }

if [ -f "$kdir/.done" ]; then
    msg kernel "up to date ($kdir)"
else
    start=$(date +%s)
    mkdir -p "$kdir"
    : >"$log"

    # The tarball is large; a stamp lets an interrupted build resume after
    # extraction instead of unpacking again.
    if [ ! -f "$kdir/.extracted" ]; then
        msg kernel "step 1/4: extracting $(basename "$tarball") (log: $log)"
        rm -rf "$kdir/linux" "$kdir/tmp"
        mkdir -p "$kdir/tmp"
        run_logged "$log" tar -xJf "$tarball" -C "$kdir/tmp"
        mv "$kdir"/tmp/linux-source-* "$kdir/linux"
        rmdir "$kdir/tmp"
        touch "$kdir/.extracted"
    else
        msg kernel "step 1/4: source already extracted"
    fi

    # tinyconfig gives the smallest (fastest to build) base; the fragment
    # adds back exactly what glass needs. merge_config.sh is the kernel's own
    # tool for applying fragments; olddefconfig settles the dependencies.
    msg kernel "step 2/4: configuring (tinyconfig + kernel/glass.config)"
    run_logged "$log" kmake tinyconfig
    run_logged "$log" sh -c 'cd "$1" && scripts/kconfig/merge_config.sh -m .config "$2"' sh "$kdir/linux" "$fragment"
    run_logged "$log" kmake olddefconfig

    # Kconfig silently drops options whose dependencies are not met, so
    # check that every line of the fragment survived into the final config.
    missing=$(grep -E '^(CONFIG_[A-Za-z0-9_]+=.*|# CONFIG_[A-Za-z0-9_]+ is not set)$' "$fragment" |
        while IFS= read -r line; do
            grep -qxF "$line" "$kdir/linux/.config" || printf '  %s\n' "$line"
        done)
    if [ -n "$missing" ]; then
        printf 'error: these kernel/glass.config settings did not survive olddefconfig\n%s\n' "$missing" >&2
        printf '(usually a dependency is missing from the fragment; see %s/linux/.config)\n' "$kdir" >&2
        exit 1
    fi

    # `modules` builds no .ko here (everything is =y) but writes
    # Module.symvers, which out-of-tree module builds need for modpost.
    msg kernel "step 3/4: building Image and modules_prepare with -j$(nproc) (log: $log)"
    run_logged "$log" kmake -j"$(nproc)" Image modules modules_prepare

    touch "$kdir/.done"
    prune_cache kernel "$kdir"
    msg kernel "built in $(elapsed "$start")"
fi

# Copy only when different, so OUTDIR/Image keeps its mtime on a warm run.
msg kernel "step 4/4: copying Image to $out"
if ! cmp -s "$kdir/linux/arch/riscv/boot/Image" "$out/Image"; then
    cp "$kdir/linux/arch/riscv/boot/Image" "$out/Image.tmp"
    mv "$out/Image.tmp" "$out/Image"
fi
echo "$kdir/linux" >"$out/kdir"
msg kernel "KDIR for out-of-tree modules: $kdir/linux (also in $out/kdir)"
