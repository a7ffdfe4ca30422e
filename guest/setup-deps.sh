#!/bin/sh
# Install the Debian 12 packages the glass guest build needs, and make sure
# apt has Debian source indexes (deb-src) for `apt-get source busybox
# pciutils`. Idempotent: when everything is there it changes nothing and
# does not touch the network.
#
# usage: guest/setup-deps.sh     (as root, or a user who may use sudo)
set -eu

# Host tools for kernel/busybox/pciutils builds, the riscv64 cross compiler
# with its static libc, the kernel source, dpkg-source (for apt-get source),
# QEMU + OpenSBI to boot-test the result, U-Boot for
# tests/firmware/uboot.sh, libslirp for -netdev user, e2fsprogs for
# the default guest's data disk and the disk tests, clang with its
# sanitizer/libFuzzer runtimes for the fuzz targets (fuzz/), and
# gdb-multiarch for tests/gdb/.
packages="
    make gcc libc6-dev bc bison flex libssl-dev libelf-dev
    cpio gzip xz-utils
    gcc-riscv64-linux-gnu libc6-dev-riscv64-cross
    linux-source-6.1
    dpkg-dev debian-archive-keyring
    qemu-system-misc opensbi
    libfdt-dev libslirp-dev libzstd-dev python3 e2fsprogs
    u-boot-qemu
    clang libclang-rt-14-dev
    gdb-multiarch
    parallel
"
src_list=/etc/apt/sources.list.d/glass-src.sources

# as_root CMD...: run CMD as root, through sudo when we are not root. Only
# called when something must change, so a complete setup needs no sudo.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
        return
    fi
    command -v sudo >/dev/null || {
        echo "error: not root and no sudo; run guest/setup-deps.sh as root" >&2
        exit 1
    }
    echo "[deps] not root: using sudo for: $*"
    sudo "$@"
}

need_update=

# deb-src: only add ours if no deb-src entry is configured anywhere, so we
# never duplicate one (apt warns about duplicates).
if ! grep -qsE '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list /etc/apt/sources.list.d/*; then
    echo "[deps] adding Debian bookworm source indexes: $src_list"
    printf '%s\n' \
        'Types: deb-src' \
        'URIs: http://deb.debian.org/debian' \
        'Suites: bookworm' \
        'Components: main' \
        'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' |
        as_root tee "$src_list" >/dev/null
    need_update=1
fi
# The source list may exist but never have been fetched.
if ! ls /var/lib/apt/lists/*_source_Sources* >/dev/null 2>&1; then
    need_update=1
fi

missing=
for p in $packages; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || missing="$missing $p"
done
# Installing needs current package lists; refresh them once first.
[ -z "$missing" ] || need_update=1

if [ -n "$need_update" ]; then
    echo "[deps] apt-get update"
    as_root apt-get update -q
fi
if [ -n "$missing" ]; then
    echo "[deps] installing:$missing"
    # shellcheck disable=SC2086 # word splitting of the package list is intended
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
fi
echo "[deps] all guest build dependencies present"
