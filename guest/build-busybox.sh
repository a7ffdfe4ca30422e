#!/bin/sh
# Build a static riscv64 busybox from Debian 12's busybox source package and
# install it (binary + applet symlinks) into OUTDIR/staging/busybox.
#
# usage: guest/build-busybox.sh OUTDIR
#
# Cached in $GLASS_CACHE/busybox-<hash> (hash over this script and the
# source package version); a warm run only copies the staged tree.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

[ $# -eq 1 ] || die "usage: $0 OUTDIR"
lock_cache busybox
out=$(outdir_abs "$1")
version=$(src_version busybox)
key=$(cache_key "$here/build-busybox.sh" -- "busybox $version")
dir=$GLASS_CACHE/busybox-$key
log=$dir/build.log

if [ -f "$dir/.done" ]; then
    msg busybox "up to date ($dir)"
else
    start=$(date +%s)
    rm -rf "$dir"
    mkdir -p "$dir/src"
    : >"$log"

    # apt-get source also applies Debian's patches (dpkg-source -x).
    msg busybox "step 1/3: fetching source busybox=$version (log: $log)"
    run_logged "$log" sh -c 'cd "$1" && apt-get source "busybox=$2"' sh "$dir/src" "$version"
    src=$(find "$dir/src" -mindepth 1 -maxdepth 1 -type d -name 'busybox-*')
    [ -d "$src" ] || die "no busybox-* directory after apt-get source"

    # Upstream defconfig (a full-featured busybox), linked statically so the
    # initramfs needs no libc. Options that cannot be built statically or
    # cross would be switched off here, each with its reason; with Debian
    # 12's busybox and cross headers none is needed (TC builds fine).
    msg busybox "step 2/3: configuring and building (static, ${CROSS}gcc, -j$(nproc))"
    bmake() { make -C "$src" CROSS_COMPILE="$CROSS" "$@"; }
    run_logged "$log" bmake defconfig
    kconfig_set "$src/.config" STATIC y
    # The guest gets pciutils' full lspci (guest/build-pciutils.sh); busybox's
    # much smaller applet of the same name would only shadow or confuse it.
    kconfig_set "$src/.config" LSPCI n
    # oldconfig asks about nothing new here; `yes ''` just guards against
    # a prompt hanging the build.
    run_logged "$log" sh -c 'yes "" | make -C "$1" oldconfig' sh "$src"
    grep -qx 'CONFIG_STATIC=y' "$src/.config" || die "busybox: CONFIG_STATIC=y did not stick"
    run_logged "$log" bmake -j"$(nproc)"

    msg busybox "step 3/3: installing into the cache's staging dir"
    run_logged "$log" bmake CONFIG_PREFIX="$dir/staging" install

    touch "$dir/.done"
    prune_cache busybox "$dir"
    msg busybox "built in $(elapsed "$start")"
fi

copy_tree "$dir/staging" "$out/staging/busybox"
msg busybox "staged in $out/staging/busybox"
