# Shared helpers for the guest/build-*.sh scripts. Sourced, not executed.
#
# Only logging and caching helpers live here, so this file is deliberately
# NOT part of any cache key: changing a message must not force a rebuild.

# Where built artefacts are cached between runs (and between checkouts).
GLASS_CACHE=${GLASS_CACHE:-$HOME/.cache/glass}

# Cross toolchain prefix for everything that runs inside the guest.
CROSS=riscv64-linux-gnu-

# msg TAG TEXT...: one progress line, e.g. "[kernel] step 2/4: ...".
msg() {
    tag=$1
    shift
    printf '[%s] %s\n' "$tag" "$*"
}

# die TEXT...: print an error and stop.
die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

# outdir_abs DIR: create DIR and print its absolute path.
outdir_abs() {
    mkdir -p "$1"
    (cd "$1" && pwd)
}

# cache_key FILE... [-- STRING...]: short sha256 over the contents of the
# files and the extra strings; used to name cache directories, so that a
# change to any input gives a fresh directory and an unchanged input reuses
# the finished one.
cache_key() {
    {
        while [ $# -gt 0 ] && [ "$1" != -- ]; do
            printf '%s\n' "$(basename "$1")"
            cat "$1"
            shift
        done
        [ $# -gt 0 ] && shift
        for s in "$@"; do printf '%s\n' "$s"; done
    } | sha256sum | cut -c1-16
}

# lock_cache NAME: hold an exclusive lock on $GLASS_CACHE/NAME.lock until
# the script exits, so two builds sharing a cache (two checkouts, CI next
# to a developer) wait for each other instead of building into, or
# pruning, the same directory at once.
lock_cache() {
    mkdir -p "$GLASS_CACHE"
    exec 9>"$GLASS_CACHE/$1.lock"
    if ! flock -n 9; then
        msg "$1" "waiting for another build holding $GLASS_CACHE/$1.lock"
        flock 9
    fi
}

# prune_cache PREFIX KEEP: remove PREFIX-* cache dirs other than KEEP, so a
# changed input does not leave gigabytes of stale build trees behind.
prune_cache() {
    for d in "$GLASS_CACHE/$1"-*; do
        [ -d "$d" ] || continue
        [ "$d" = "$2" ] && continue
        # only PREFIX-<hash>: "kernel" must not prune "kernel-full-<hash>"
        case ${d##*/$1-} in
        *[!0-9a-f]* | "") continue ;;
        esac
        rm -rf "$d"
    done
}

# run_logged LOG CMD...: run CMD with all output appended to LOG, printing a
# heartbeat every minute so long builds are not silent. On failure, show the
# last 30 lines of LOG and exit with CMD's status.
run_logged() {
    _log=$1
    shift
    "$@" >>"$_log" 2>&1 &
    _pid=$!
    # The heartbeat polls once a second and stops by itself when CMD is gone,
    # so no stray sleeps outlive us (they would hold a pipe open).
    (
        t0=$(date +%s)
        next=60
        while kill -0 "$_pid" 2>/dev/null; do
            sleep 1
            if [ $(($(date +%s) - t0)) -ge "$next" ]; then
                printf '    ... %d min, %s lines of log\n' $((next / 60)) "$(wc -l <"$_log")"
                next=$((next + 60))
            fi
        done
    ) &
    _hb=$!
    _rc=0
    wait "$_pid" || _rc=$?
    wait "$_hb" || true
    if [ "$_rc" -ne 0 ]; then
        printf 'FAILED (exit %d): %s\n--- last 30 lines of %s ---\n' "$_rc" "$*" "$_log" >&2
        tail -n 30 "$_log" >&2
        exit "$_rc"
    fi
}

# elapsed START: seconds since START (a `date +%s` value), for summaries.
elapsed() {
    echo $(($(date +%s) - $1))s
}

# src_version PKG: the newest version of Debian source package PKG that apt
# knows about. Part of the cache key, and passed to `apt-get source PKG=VER`
# so that the key and the fetched source always agree.
src_version() {
    _v=$(apt-cache showsrc "$1" 2>/dev/null | sed -n 's/^Version: //p' | sort -V | tail -n 1)
    [ -n "$_v" ] || die "apt knows no source package '$1': run guest/setup-deps.sh (adds deb-src and runs apt-get update)"
    echo "$_v"
}

# kconfig_set FILE NAME VALUE: set CONFIG_NAME in a Kconfig-style .config
# (busybox's); VALUE n writes the "is not set" form.
kconfig_set() {
    sed -i -e "/^CONFIG_$2=/d" -e "/^# CONFIG_$2 is not set\$/d" "$1"
    if [ "$3" = n ]; then
        echo "# CONFIG_$2 is not set" >>"$1"
    else
        echo "CONFIG_$2=$3" >>"$1"
    fi
}

# copy_tree SRC DST: replace DST with a copy of SRC (symlinks preserved).
copy_tree() {
    rm -rf "$2"
    mkdir -p "$(dirname "$2")"
    cp -a "$1" "$2"
}
