#!/bin/sh
# Build glass's own guest code and stage it for the initramfs:
#   guest/modules/NAME/  out-of-tree kernel modules (Kbuild + sources),
#                        built against OUTDIR/kdir  -> OUTDIR/modules/*.ko
#   guest/tools/NAME.c   one-file static C helpers  -> OUTDIR/bin/NAME
#   examples/NAME/driver/  an example's kernel module  -> OUTDIR/modules/*.ko
#   examples/NAME/user/*.c an example's static tools   -> OUTDIR/bin/*
# build-initramfs.sh puts the .ko files in /lib/modules/glass/ (/init
# insmods them at boot) and the helpers in /usr/local/bin/.
#
# usage: guest/build-modules.sh OUTDIR      (after guest/build-kernel.sh OUTDIR)
#
# Cached like the other steps: each module is built in
# $GLASS_CACHE/module-NAME-<hash> (hash over its source files, this script,
# and the kernel tree's .config and Module.symvers, so a new kernel means a
# rebuild), from a copy of its sources so the checkout stays free of build
# products; each tool in $GLASS_CACHE/tool-NAME-<hash>. A warm run only
# compares and copies. Outputs are only replaced when their bytes change.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

[ $# -eq 1 ] || die "usage: $0 OUTDIR"
out=$(outdir_abs "$1")
lock_cache modules
[ -f "$out/kdir" ] || die "$out/kdir missing: run guest/build-kernel.sh $1 first"
kdir=$(cat "$out/kdir")
[ -f "$kdir/Module.symvers" ] || die "$kdir has no Module.symvers: rerun guest/build-kernel.sh $1"
kernel_id=$(cat "$kdir/.config" "$kdir/Module.symvers" | sha256sum | cut -c1-16)
mkdir -p "$out/modules" "$out/bin"

# What this script installed last time, so that outputs of a module or tool
# that has since been removed or renamed do not linger in the initramfs.
manifest=$out/.build-modules.list
new_manifest=$manifest.new
: >"$new_manifest"

# install_changed SRC DST MODE: copy SRC to OUTDIR/DST unless it already
# has the same bytes; the manifest lists DST relative to OUTDIR.
install_changed() {
    cmp -s "$1" "$out/$2" || install -m "$3" "$1" "$out/$2"
    echo "$2" >>"$new_manifest"
}

# the examples (examples/device: a device plugin, its driver and test)
examples=$(cd "$here/.." && pwd)/examples

built=0
for m in "$here"/modules/*/ "$examples"/*/driver/; do
    [ -d "$m" ] || continue
    case $m in
    "$examples"/*)
        ex=${m#"$examples"/}
        name=example-${ex%%/*}
        ;;
    *) name=$(basename "$m") ;;
    esac
    # Only sources count (a hand build in the directory leaves objects).
    files=$(find "$m" -maxdepth 1 -type f \( -name '*.[ch]' -o -name Kbuild -o -name Makefile \) | LC_ALL=C sort)
    [ -n "$files" ] || continue
    # shellcheck disable=SC2086 # no spaces in file names under guest/
    key=$(cache_key $files "$here/build-modules.sh" -- "kernel $kernel_id")
    dir=$GLASS_CACHE/module-$name-$key
    log=$dir/build.log
    if [ -f "$dir/.done" ]; then
        msg modules "$name: up to date ($dir)"
    else
        start=$(date +%s)
        rm -rf "$dir"
        mkdir -p "$dir/src"
        : >"$log"
        # shellcheck disable=SC2086
        cp $files "$dir/src/"
        msg modules "$name: building against $kdir (log: $log)"
        run_logged "$log" make -C "$kdir" M="$dir/src" ARCH=riscv CROSS_COMPILE="$CROSS" modules
        ls "$dir/src"/*.ko >/dev/null 2>&1 || die "$name: kbuild made no .ko (see $log)"
        touch "$dir/.done"
        prune_cache "module-$name" "$dir"
        msg modules "$name: built in $(elapsed "$start")"
    fi
    for ko in "$dir/src"/*.ko; do
        install_changed "$ko" "modules/$(basename "$ko")" 0644
        built=$((built + 1))
    done
done

for t in "$here"/tools/*.c "$examples"/*/user/*.c; do
    [ -f "$t" ] || continue
    name=$(basename "$t" .c)
    # the tools include the hypercall API header: a change rebuilds them
    key=$(cache_key "$t" "$here/build-modules.sh" "$here/modules/glass_hc/glass-hc.h" -- "$("${CROSS}gcc" --version | head -n 1)")
    dir=$GLASS_CACHE/tool-$name-$key
    if [ -f "$dir/.done" ]; then
        msg modules "tool $name: up to date"
    else
        rm -rf "$dir"
        mkdir -p "$dir"
        : >"$dir/build.log"
        msg modules "tool $name: building (static, ${CROSS}gcc)"
        run_logged "$dir/build.log" "${CROSS}gcc" -static -O2 -Wall -Wextra -Werror -o "$dir/$name" "$t"
        "${CROSS}strip" "$dir/$name"
        touch "$dir/.done"
        prune_cache "tool-$name" "$dir"
    fi
    install_changed "$dir/$name" "bin/$name" 0755
    built=$((built + 1))
done

if [ -f "$manifest" ]; then
    while IFS= read -r f; do
        case $f in
        modules/* | bin/*) grep -qxF "$f" "$new_manifest" || rm -f "$out/$f" ;;
        esac
    done <"$manifest"
fi
mv "$new_manifest" "$manifest"
msg modules "$built file(s) staged in $out/modules and $out/bin"
