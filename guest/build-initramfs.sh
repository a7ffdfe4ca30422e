#!/bin/sh
# Assemble the glass guest initramfs, OUTDIR/initramfs.cpio.gz, from:
#   OUTDIR/staging/busybox    (guest/build-busybox.sh)
#   OUTDIR/staging/pciutils   (guest/build-pciutils.sh: lspci, setpci, pci.ids)
#   guest/init/init           -> /init
#   guest/etc/udhcpc.script   -> /usr/share/udhcpc/default.script
#   guest/tests/*.sh          -> /tests/
#   OUTDIR/modules/*.ko       -> /lib/modules/glass/  (optional, loaded by /init)
#   OUTDIR/bin/*              -> /usr/local/bin/      (optional extra tools)
#
# usage: guest/build-initramfs.sh OUTDIR
#
# The archive is deterministic (sorted names, mtime 0, owner root, inode
# numbers renumbered, gzip without name/time), so the same inputs give the
# same bytes; the file is only replaced when its contents change.
#
# /dev/console: the kernel opens it before running /init, so it must be in
# the archive, but making a device node in a staging dir needs root. Instead
# a second, one-entry newc archive holding just that node is written with
# printf (newc headers are plain ASCII hex) and appended; the kernel unpacks
# concatenated cpio archives in order. Everything else in /dev comes from
# devtmpfs, mounted by /init. No root needed.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

[ $# -eq 1 ] || die "usage: $0 OUTDIR"
out=$(outdir_abs "$1")
root=$out/initramfs-root
# Two builds into the same OUTDIR would share initramfs-root: wait.
mkdir -p "$out"
exec 8>"$out/.initramfs.lock"
flock 8
for d in busybox pciutils; do
    [ -d "$out/staging/$d" ] || die "$out/staging/$d missing: run guest/build-$d.sh $1 first"
done

msg initramfs "assembling $root"
rm -rf "$root"
mkdir -p "$root"
cp -a "$out/staging/busybox/." "$root/"
cp -a "$out/staging/pciutils/." "$root/"
rm -f "$root/linuxrc" # busybox's, for old initrd booting; we use /init
mkdir -p "$root/proc" "$root/sys" "$root/dev" "$root/tmp" "$root/root" \
    "$root/etc" "$root/mnt" "$root/tests" "$root/lib/modules/glass" "$root/usr/local/bin"
install -m 0755 "$here/init/init" "$root/init"
install -D -m 0755 "$here/etc/udhcpc.script" "$root/usr/share/udhcpc/default.script"
for t in "$here"/tests/*.sh; do
    [ -e "$t" ] || continue
    install -m 0755 "$t" "$root/tests/"
done
# Optional extras from other parts of the build (none is fine).
for m in "$out"/modules/*.ko; do
    [ -e "$m" ] || continue
    install -m 0644 "$m" "$root/lib/modules/glass/"
done
for b in "$out"/bin/*; do
    [ -f "$b" ] || continue
    install -m 0755 "$b" "$root/usr/local/bin/"
done

# Normalise what varies between machines and checkouts: umask-dependent
# directory modes and timestamps.
find "$root" -type d -exec chmod 0755 {} +
chmod 1777 "$root/tmp"
chmod 0700 "$root/root"
find "$root" -exec touch -h -d @0 {} +

# newc_entry NAME MODE NLINK RDEVMAJOR RDEVMINOR: one file-less newc header
# plus its NUL-terminated, 4-byte-padded name. Fields: ino mode uid gid
# nlink mtime filesize devmajor devminor rdevmajor rdevminor namesize check.
newc_entry() {
    namesize=$((${#1} + 1))
    printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
        0 "$2" 0 0 "$3" 0 0 0 0 "$4" "$5" "$namesize" 0
    printf '%s\000' "$1"
    head -c $(((4 - (110 + namesize) % 4) % 4)) /dev/zero
}

tmp=$out/initramfs.cpio.gz.tmp
# The archive goes to a file first so a cpio failure stops the build (a
# pipeline's status would be gzip's).
(cd "$root" && find . -mindepth 1 | sed 's|^\./||' | LC_ALL=C sort |
    cpio -o -H newc -R 0:0 --reproducible --quiet) >"$tmp.cpio" ||
    die initramfs "cpio failed"
{
    cat "$tmp.cpio"
    # /dev/console: character device 5:1, mode 0600 (0x2180 = S_IFCHR|0600).
    newc_entry dev/console $((0x2180)) 1 5 1
    newc_entry 'TRAILER!!!' 0 1 0 0
} | gzip -n -9 >"$tmp"
rm -f "$tmp.cpio"

if cmp -s "$tmp" "$out/initramfs.cpio.gz"; then
    rm -f "$tmp"
    msg initramfs "unchanged: $out/initramfs.cpio.gz"
else
    mv "$tmp" "$out/initramfs.cpio.gz"
    msg initramfs "wrote $out/initramfs.cpio.gz ($(wc -c <"$out/initramfs.cpio.gz") bytes, sha256 $(sha256sum <"$out/initramfs.cpio.gz" | cut -c1-16))"
fi
