#!/bin/sh
# `make run` without a terminal: the default guest boots, runs its scripted
# tour and powers off; glass exits 0. Checks what a first-time user sees.
#   tests/run/tour.sh GLASS GUESTDIR
glass=${1:?usage: $0 GLASS GUESTDIR}
guest=${2:?usage: $0 GLASS GUESTDIR}
log=build/test-logs/tour.log
mkdir -p build/test-logs
passed=0
failed=0

timeout 300 guest/run.sh "$glass" "$guest" </dev/null >"$log" 2>&1
rc=$?

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
check tour-done "grep -q '^### tour done' '$log'"
check poweroff "grep -q 'reboot: Power down' '$log'"

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
