#!/bin/sh
# hypercall: the glass hypercall device from Linux user space, with
# glassctl. Run by /init for glass.test=hypercall; boot glass with
#     -device glass-hypercall --share DIR
# (the platform instance at 0x10110000 is always there).
#
# Checks:
#   - as root, through every transport: ioctl and mmap (/dev/glass-hc of
#     glass_hc.ko), sysfs (PCI resource0), devmem (the platform instance
#     found in the device tree, and the PCI BAR given with --addr): info
#     (magic, version, ping), log, and a put/get round trip of a
#     20000-byte file (six DATA-sized pieces each way) compared by sha256;
#   - as root, the same round trip by DMA (glassctl --dma, one page per
#     op): through the platform instance (devmem, physical addresses) and
#     the PCI instance (sysfs, and devmem at the BAR: bus addresses through
#     the host bridge's dma-ranges, Bus Master on for the transfer and off
#     again afterwards); --dma through /dev/glass-hc is refused;
#   - as an ordinary user (uid 65534, through chpst): ioctl and mmap work
#     the same, while sysfs and /dev/mem are refused; Bus Master stays off
#     (glass_hc.ko's guard against DMA by users);
#   - the share is confined: absolute names and ".." are refused (EACCES)
#     and nothing is created outside;
#   - marker and roi answer; stats, trace answer 0 or ENOSYS (glass
#     without --stats); checkpoint answers EACCES (no --checkpoint-dir);
#   - as many glassctl processes as there are channels run at once.
# Leaves DIR/guest-hello.txt ("hello from the guest") and
# DIR/hc-{root,user}-VIA.bin, DIR/hc-root-dma-{platform,pci,pci-bar}.bin
# (the same 20000 bytes each) for the host.
# Prints "HYPERCALL OK" and exits 0, or the reason and exits 1.

fail() {
    echo "HYPERCALL FAIL: $*"
    exit 1
}

say() {
    echo "hypercall: $*"
}

NOBODY=65534
as_user() {
    chpst -u "$NOBODY:$NOBODY" "$@"
}

command -v glassctl >/dev/null || fail "glassctl is not in PATH"
[ "$(as_user id -u)" = "$NOBODY" ] || fail "chpst cannot switch to uid $NOBODY"

out=/tmp/hc.out
# run WHO CMD...: glassctl as root or as the user, output in $out
run() {
    who=$1
    shift
    if [ "$who" = user ]; then
        as_user glassctl "$@" >"$out" 2>&1
    else
        glassctl "$@" >"$out" 2>&1
    fi
}

# must WHO WHAT CMD...: run, fail with its output unless it succeeds
must() {
    who=$1
    what=$2
    shift 2
    run "$who" "$@" || {
        cat "$out"
        fail "$who: $what (glassctl $*)"
    }
}

# The PCI function, its BAR, the driver.
bdf=
for d in /sys/bus/pci/devices/*; do
    [ -f "$d/vendor" ] || continue
    if [ "$(cat "$d/vendor")" = 0x1234 ] && [ "$(cat "$d/device")" = 0x676c ]; then
        bdf=$d
    fi
done
[ -n "$bdf" ] || fail "no PCI function 1234:676c (boot glass with -device glass-hypercall)"
bar=$(head -n 1 "$bdf/resource" | cut -d' ' -f1)
say "PCI function ${bdf##*/}, BAR0 at $bar"
# glass_hc.ko leaves Bus Master off, so that users of /dev/glass-hc cannot
# make the device DMA into arbitrary guest memory (glass refuses DMA then).
command=$(setpci -s "${bdf##*/}" COMMAND) || fail "setpci cannot read the command register"
[ $((0x$command & 4)) = 0 ] || fail "Bus Master is on (command 0x$command): PCI DMA must stay off"
say "command register 0x$command: Bus Master off"
[ -c /dev/glass-hc ] || fail "no /dev/glass-hc (glass_hc.ko not loaded?)"
ls -l /dev/glass-hc | grep -q '^crw-rw-rw-' || fail "/dev/glass-hc is not mode 0666"

# Test data: 20000 bytes, more than DATA (3840) and than a page (4096, the
# DMA unit), and not a multiple of either; readable by the user.
size=20000
src=/tmp/hc-src.bin
head -c $size /dev/urandom >"$src" || fail "cannot make test data"
chmod 0644 "$src"
want=$(sha256sum <"$src" | cut -d' ' -f1)

# check WHO VIA OPTS...: info, log and a put/get round trip
check() {
    who=$1
    via=$2
    shift 2
    must "$who" "$via info" "$@" info
    grep -q '^glass hypercall device v1 (magic GLASSHC1)' "$out" ||
        { cat "$out"; fail "$who $via: info does not name the device"; }
    grep -q '^ping: ok' "$out" || { cat "$out"; fail "$who $via: ping"; }
    channel=$(sed -n 's/^channel: //p' "$out")
    must "$who" "$via log" "$@" log "hypercall test: $who via $via"
    name=hc-$who-$via.bin
    back=/tmp/$name.back
    rm -f "$back"
    must "$who" "$via put" "$@" put "$src" "$name"
    grep -q "$size bytes" "$out" || { cat "$out"; fail "$who $via: put size"; }
    must "$who" "$via get" "$@" get "$name" "$back"
    got=$(sha256sum <"$back" | cut -d' ' -f1)
    [ "$got" = "$want" ] || fail "$who $via: the file changed on the way"
    say "$who via $via: info, log, put/get of $size bytes OK (channel $channel)"
}

check root ioctl --via ioctl
check root mmap --via mmap
check root sysfs --via sysfs
check root devmem --via devmem
check root devmem-bar --via devmem --addr "$bar"

# check_dma INSTANCE OPTS...: a put/get round trip with --dma as root;
# glassctl -v must say it used INSTANCE's kind of DMA address.
check_dma() {
    inst=$1
    shift
    case $inst in
    platform) kind="DMA: platform instance, physical addresses" ;;
    *) kind="DMA: PCI instance, bus addresses" ;;
    esac
    name=hc-root-dma-$inst.bin
    back=/tmp/$name.back
    rm -f "$back"
    must root "dma $inst put" -v --dma "$@" put "$src" "$name"
    grep -q "$kind" "$out" || { cat "$out"; fail "dma $inst: not '$kind'"; }
    grep -q "$size bytes by DMA" "$out" || { cat "$out"; fail "dma $inst: put size"; }
    must root "dma $inst get" -v --dma "$@" get "$name" "$back"
    grep -q "$kind" "$out" || { cat "$out"; fail "dma $inst: not '$kind'"; }
    grep -q "$size bytes by DMA" "$out" || { cat "$out"; fail "dma $inst: get size"; }
    got=$(sha256sum <"$back" | cut -d' ' -f1)
    [ "$got" = "$want" ] || fail "dma $inst: the file changed on the way"
    say "root --dma via $inst: put/get of $size bytes OK (get in $(grep -c 'DMA page' "$out") DMA ops)"
}

check_dma platform --via devmem
check_dma pci --via sysfs
check_dma pci-bar --via devmem --addr "$bar"
command=$(setpci -s "${bdf##*/}" COMMAND) || fail "setpci cannot read the command register"
[ $((0x$command & 4)) = 0 ] || fail "Bus Master still on after --dma (command 0x$command)"
if run root --dma --via ioctl get "hc-root-dma-pci.bin" /tmp/hc-x; then
    fail "--dma through /dev/glass-hc was allowed"
fi
say "--dma: Bus Master off again (command 0x$command); refused through /dev/glass-hc"

check user ioctl --via ioctl
check user mmap --via mmap
for via in sysfs devmem; do
    if run user --via "$via" info; then
        cat "$out"
        fail "user: --via $via worked without root"
    fi
    if run user --dma --via "$via" get hc-root-dma-pci.bin /tmp/hc-x; then
        cat "$out"
        fail "user: --dma --via $via worked without root"
    fi
done
say "user: sysfs, /dev/mem and --dma refused, as they should be"

# stdin and stdout, an empty file
echo "hello from the guest" | glassctl put - guest-hello.txt >"$out" 2>&1 ||
    { cat "$out"; fail "put from stdin"; }
[ "$(glassctl get guest-hello.txt -)" = "hello from the guest" ] || fail "get to stdout"
: >/tmp/hc-empty
must root "put empty" put /tmp/hc-empty hc-empty
echo stale >/tmp/hc-empty.back
must root "get empty" get hc-empty /tmp/hc-empty.back
[ -f /tmp/hc-empty.back ] && [ ! -s /tmp/hc-empty.back ] || fail "empty file round trip"
say "stdin/stdout and empty files OK"

# Confinement: nothing outside the share.
for name in /etc/passwd ../hc-escape ../../etc/passwd sub/../../x; do
    rm -f /tmp/hc-escape
    if run root get "$name" /tmp/hc-escape; then
        fail "get $name was allowed"
    fi
    grep -q EACCES "$out" || { cat "$out"; fail "get $name: not EACCES"; }
    [ ! -e /tmp/hc-escape ] || fail "get $name created its output"
    if run root put "$src" "$name"; then
        fail "put $name was allowed"
    fi
    grep -q EACCES "$out" || { cat "$out"; fail "put $name: not EACCES"; }
done
if run root get no-such-file /tmp/hc-x; then
    fail "get of a missing file worked"
fi
grep -q ENOENT "$out" || { cat "$out"; fail "missing file: not ENOENT"; }
say "confinement OK (absolute and .. names refused, missing file ENOENT)"

# The other operations.
must root marker marker 7
grep -q '^marker 7: instret [0-9]* time_ns [0-9]*' "$out" || { cat "$out"; fail "marker output"; }
must root "roi begin" roi begin 3
must root "roi end" roi end 3
grep -q '^roi 3: [0-9]* instructions' "$out" || { cat "$out"; fail "roi output"; }
# optional in glass: 0, or ENOSYS when glass runs without --stats / trace
for args in "stats reset" "stats dump hypercall-test" "trace hypercall on" "trace hypercall off"; do
    # shellcheck disable=SC2086 # split on purpose
    if run root $args; then
        say "$args: ok"
    elif grep -q ENOSYS "$out"; then
        say "$args: ENOSYS (not enabled in this glass)"
    else
        cat "$out"
        fail "$args"
    fi
done
if run root checkpoint hc-test; then
    fail "checkpoint claims to work without --checkpoint-dir"
fi
grep -q EACCES "$out" || { cat "$out"; fail "checkpoint: not EACCES"; }
say "marker, roi, stats, trace, checkpoint OK"

# As many processes as channels at once, each with its own channel.
glassctl --via sysfs info >"$out" 2>&1 || { cat "$out"; fail "info"; }
channels=$(sed -n 's/^channel: [0-9]* of //p' "$out")
say "$channels channel(s): running $channels glassctl at once"
i=0
pids=
while [ "$i" -lt "$channels" ]; do
    if [ $((i % 2)) = 0 ]; then via=sysfs; else via=ioctl; fi
    glassctl --via "$via" put "$src" "hc-par-$i.bin" >"/tmp/hc-par-$i.out" 2>&1 &
    pids="$pids $!"
    i=$((i + 1))
done
i=0
for p in $pids; do
    wait "$p" || { cat "/tmp/hc-par-$i.out"; fail "parallel glassctl $i"; }
    i=$((i + 1))
done
i=0
while [ "$i" -lt "$channels" ]; do
    must root "get hc-par-$i.bin" get "hc-par-$i.bin" /tmp/hc-par.back
    [ "$(sha256sum </tmp/hc-par.back | cut -d' ' -f1)" = "$want" ] || fail "parallel put $i"
    i=$((i + 1))
done
say "parallel OK"

echo "HYPERCALL OK"
