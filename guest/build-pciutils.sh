#!/bin/sh
# Build static riscv64 lspci and setpci from Debian 12's pciutils source
# package and stage them, with the source tree's pci.ids, into
# OUTDIR/staging/pciutils (usr/sbin/{lspci,setpci}, usr/share/misc/pci.ids).
#
# usage: guest/build-pciutils.sh OUTDIR
#
# Cached in $GLASS_CACHE/pciutils-<hash> (hash over this script and the
# source package version); a warm run only copies the staged tree.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

[ $# -eq 1 ] || die "usage: $0 OUTDIR"
lock_cache pciutils
out=$(outdir_abs "$1")
version=$(src_version pciutils)
key=$(cache_key "$here/build-pciutils.sh" -- "pciutils $version")
dir=$GLASS_CACHE/pciutils-$key
log=$dir/build.log

if [ -f "$dir/.done" ]; then
    msg pciutils "up to date ($dir)"
else
    start=$(date +%s)
    rm -rf "$dir"
    mkdir -p "$dir/src"
    : >"$log"

    msg pciutils "step 1/3: fetching source pciutils=$version (log: $log)"
    run_logged "$log" sh -c 'cd "$1" && apt-get source "pciutils=$2"' sh "$dir/src" "$version"
    src=$(find "$dir/src" -mindepth 1 -maxdepth 1 -type d -name 'pciutils-*')
    [ -d "$src" ] || die "no pciutils-* directory after apt-get source"
    [ -f "$src/pci.ids" ] || die "pciutils source has no pci.ids"

    # HOST tells lib/configure the target (it would probe the build machine
    # otherwise). Every optional dependency is off: the guest has no zlib,
    # libkmod, udev or DNS, and the binaries are linked statically.
    # IDSDIR is compiled in as lspci's default pci.ids location.
    msg pciutils "step 2/3: building static lspci and setpci (${CROSS}gcc)"
    pmake() {
        make -C "$src" CROSS_COMPILE="$CROSS" HOST=riscv64-linux \
            ZLIB=no DNS=no LIBKMOD=no HWDB=no SHARED=no LDFLAGS=-static \
            PREFIX=/usr IDSDIR=/usr/share/misc "$@"
    }
    run_logged "$log" pmake -j"$(nproc)" lspci setpci

    msg pciutils "step 3/3: staging binaries and pci.ids"
    stage=$dir/staging
    mkdir -p "$stage/usr/sbin" "$stage/usr/share/misc"
    # The cross strip: the host's strip does not know riscv64 objects.
    for p in lspci setpci; do
        "${CROSS}strip" -o "$stage/usr/sbin/$p" "$src/$p"
    done
    cp "$src/pci.ids" "$stage/usr/share/misc/pci.ids"

    touch "$dir/.done"
    prune_cache pciutils "$dir"
    msg pciutils "built in $(elapsed "$start")"
fi

copy_tree "$dir/staging" "$out/staging/pciutils"
msg pciutils "staged in $out/staging/pciutils"
