#!/bin/sh
# smoke: basic guest self-check. Run by /init for `glass.test=smoke`.
# Checks that all harts came up (glass.harts=N on the command line says how
# many to expect), that /proc/iomem is readable and that this is Linux 6.1.
# Prints "SMOKE OK" and exits 0, or prints the reason and exits 1.

fail() {
    echo "SMOKE FAIL: $*"
    exit 1
}

want=
for word in $(cat /proc/cmdline); do
    case $word in
    glass.harts=*) want=${word#glass.harts=} ;;
    esac
done

harts=$(grep -c '^processor' /proc/cpuinfo)
echo "smoke: $harts hart(s) in /proc/cpuinfo${want:+, expected $want}"
if [ -n "$want" ]; then
    [ "$harts" = "$want" ] || fail "expected $want harts, /proc/cpuinfo lists $harts"
else
    [ "$harts" -ge 1 ] || fail "no harts in /proc/cpuinfo"
fi

# /proc files report size 0, so count lines rather than test -s.
regions=$(wc -l </proc/iomem) || fail "cannot read /proc/iomem"
[ "$regions" -gt 0 ] || fail "/proc/iomem is empty"
echo "smoke: /proc/iomem has $regions line(s)"

release=$(uname -r)
case $release in
6.1 | 6.1.*) echo "smoke: kernel $release" ;;
*) fail "kernel release is $release, expected 6.1.x" ;;
esac

echo "SMOKE OK"
