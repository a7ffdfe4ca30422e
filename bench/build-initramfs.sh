#!/bin/sh
# Build the benchmark initramfs, build/bench/initramfs.cpio.gz:
#   the normal guest initramfs contents (build/guest/initramfs.cpio.gz, made
#   by guest/build-initramfs.sh, unpacked into build/bench/root; the guest's
#   files are never modified)
#   + /bench  (bench/guest/bench.c, static riscv64)
#   + /init   (bench/guest/init, replaces the guest's /init)
#
# The tree is unpacked from the guest's archive rather than copied from its
# staging dir build/guest/initramfs-root: guest/build-initramfs.sh deletes
# and refills that directory on every `make guest`, so a copy taken while
# someone else builds can be half empty, whereas the archive is replaced
# atomically (mv).
#
# usage: bench/build-initramfs.sh [GUESTDIR [OUTDIR]]   (defaults build/guest build/bench)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
guest=${1:-build/guest}
out=${2:-build/bench}
cross=${CROSS:-riscv64-linux-gnu-}

src=$guest/initramfs.cpio.gz
[ -f "$src" ] || { echo "bench: $src missing: run make guest" >&2; exit 1; }
src=$(cd "$(dirname "$src")" && pwd)/$(basename "$src")
mkdir -p "$out"
out=$(cd "$out" && pwd)

"${cross}gcc" -O2 -static -Wall -Wextra -Werror -o "$out/bench" "$here/guest/bench.c"
"${cross}strip" "$out/bench"

root=$out/root
rm -rf "$root"
mkdir -p "$root"
# The guest archive is two concatenated newc archives; cpio -i reads only
# the first (everything but the /dev/console node, which is re-added below).
(cd "$root" && gzip -dc "$src" | cpio -i -d -m --quiet --no-absolute-filenames)
for f in bin/busybox bin/sh bin/mount sbin/poweroff usr/sbin/setpci; do
    [ -e "$root/$f" ] || [ -L "$root/$f" ] || { echo "bench: $f missing from $src" >&2; exit 1; }
done
install -m 0755 "$out/bench" "$root/bench"
install -m 0755 "$here/guest/init" "$root/init"
find "$root" -exec touch -h -d @0 {} +

# /dev/console as a second one-entry newc archive (no mknod needed), the
# same trick as guest/build-initramfs.sh: fields ino mode uid gid nlink
# mtime filesize devmajor devminor rdevmajor rdevminor namesize check.
newc_entry() {
    namesize=$((${#1} + 1))
    printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
        0 "$2" 0 0 "$3" 0 0 0 0 "$4" "$5" "$namesize" 0
    printf '%s\000' "$1"
    head -c $(((4 - (110 + namesize) % 4) % 4)) /dev/zero
}
{
    (cd "$root" && find . -mindepth 1 | sed 's|^\./||' | LC_ALL=C sort |
        cpio -o -H newc -R 0:0 --reproducible --quiet)
    newc_entry dev/console $((0x2180)) 1 5 1
    newc_entry 'TRAILER!!!' 0 1 0 0
} | gzip -n -9 >"$out/initramfs.cpio.gz.tmp"
mv "$out/initramfs.cpio.gz.tmp" "$out/initramfs.cpio.gz"
echo "bench: wrote $out/initramfs.cpio.gz ($(wc -c <"$out/initramfs.cpio.gz") bytes)"
