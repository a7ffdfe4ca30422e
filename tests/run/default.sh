#!/bin/sh
# Plain `glass` with no -kernel, laid out as `make install` lays it out
# (PREFIX/bin/glass, PREFIX/share/glass/Image, initramfs.cpio.gz): it
# boots the default guest with a per-user data disk, saying so in one
# line first; without an installed guest it says what to do, exit 1.
#   tests/run/default.sh GLASS GUESTDIR
glass=${1:?usage: $0 GLASS GUESTDIR}
guest=${2:?usage: $0 GLASS GUESTDIR}
tmp=$(mktemp -d /tmp/glass-default.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
logdir=${LOGDIR:-build/test-logs}
log=$logdir/default-guest.log
mkdir -p "$logdir"
passed=0
failed=0

check() {
	if eval "$2"; then
		echo "PASS default/$1"
		passed=$((passed + 1))
	else
		echo "FAIL default/$1 (${3:-see $log})"
		failed=$((failed + 1))
	fi
}

mkdir -p "$tmp/prefix/bin" "$tmp/prefix/share/glass" "$tmp/bare/bin"
cp "$glass" "$tmp/prefix/bin/glass"
cp "$glass" "$tmp/bare/bin/glass"
cp "$guest/Image" "$guest/initramfs.cpio.gz" "$tmp/prefix/share/glass/"

# twice: the data disk is made on the first boot and kept by the second
for boot in 1 2; do
	(sleep 15; echo "cat /data/kept.txt; echo boot$boot >>/data/kept.txt; poweroff") |
		HOME=$tmp/home XDG_DATA_HOME= GLASS_DATA= \
		timeout 120 "$tmp/prefix/bin/glass" -smp 1 >"$log.$boot" 2>&1
	rc=$?
	check "boot$boot-exit-0" '[ $rc -eq 0 ]' "exit $rc; see $log.$boot"
done
check one-line "[ \$(grep -c '^glass: no -kernel: booting the default guest' '$log.1') -eq 1 ]" "$log.1"
check says-new "grep -q 'data.img (new) at /data' '$log.1'" "$log.1"
check data-disk "[ -f '$tmp/home/.local/share/glass/data.img' ]"
check kept-across-boots "grep -q '^boot1.\?$' '$log.2' && ! grep -q '(new)' '$log.2'" "$log.2"
check data-clean "e2fsck -fn '$tmp/home/.local/share/glass/data.img' >/dev/null 2>&1"

"$tmp/bare/bin/glass" </dev/null >"$tmp/bare.out" 2>"$tmp/bare.err"
rc=$?
check not-installed "[ $rc -eq 1 ] && [ \$(wc -l <'$tmp/bare.err') -eq 1 ] && grep -q 'make install' '$tmp/bare.err'" \
	"exit $rc: $(head -c 200 "$tmp/bare.err")"

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
