#!/bin/sh
# `make run` without a terminal: the default guest boots, runs its scripted
# tour and powers off; glass exits 0. Checks what a first-time user sees.
#   tests/run/tour.sh GLASS GUESTDIR
glass=${1:?usage: $0 GLASS GUESTDIR}
guest=${2:?usage: $0 GLASS GUESTDIR}
logdir=${LOGDIR:-build/test-logs}
log=$logdir/tour.log
mkdir -p "$logdir"
passed=0
failed=0

# a fresh data disk and a free port: never the user's own
tmp=$(mktemp -d /tmp/glass-tour.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
GLASS_DATA=$tmp/data.img GLASS_HTTP_PORT=$port \
	timeout 300 guest/run.sh "$glass" "$guest" </dev/null >"$log" 2>&1
rc=$?
rm -rf "$tmp"

check() {
	if eval "$2"; then
		echo "PASS tour/$1"
		passed=$((passed + 1))
	else
		echo "FAIL tour/$1 (see $log)"
		failed=$((failed + 1))
	fi
}

check exit-0 '[ $rc -eq 0 ]'
check lspci-bar "grep -q 'Memory at 40000000 (32-bit, non-prefetchable) \[size=1M\]' '$log'"
check lspci-hypercall "grep -q '1234:676c' '$log'"
check iomem-window "grep -q '40000000-7fffffff : pci@30000000' '$log'"
check devmem-ident "grep -q '^0x010000ED' '$log'"
check glassctl-info "grep -qi 'magic' '$log'"
check data-disk "grep -q '^glass: /dev/vd. (virtio disk, label glass-data) mounted at /data' '$log'"
check data-readme "grep -q 'Files here survive reboots' '$log'"
check network "grep -q '^glass: eth0 is 10.0.2.15/24' '$log'"
check guest-wget "grep -q \"^hello from the glass guest's data disk\" '$log'"
check tour-done "grep -q '^### tour done' '$log'"
check poweroff "grep -q 'reboot: Power down' '$log'"

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
