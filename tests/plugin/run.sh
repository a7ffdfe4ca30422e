#!/bin/sh
# Device plugins: the test plugins in tests/plugin/ are built as a user
# builds one (make plugins: cc -shared -fPIC -Iinclude) and loaded with
# -device plugin,path=FILE. A good one appears in the device tree and
# `info qtree` with its properties; every kind of bad one (another ABI
# version, not a plugin, a symbol glass does not export, a class glass
# cannot use, a missing file, no path=) is refused with exit 1 and one
# line on stderr naming the file. (tests/trace has a golden trace of
# guest accesses to a plugin, with its register names.)
#
# usage: tests/plugin/run.sh [GLASS]
cd "$(dirname "$0")/../.." || exit 2
glass=${1:-build/glass}
dir=build/plugin
elf=fuzz/corpus/loader/seed-mini.elf
tmp=$(mktemp -d /tmp/glass-plugin.XXXXXX) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
passed=0
failed=0

pass() {
	echo "PASS plugin/$1"
	passed=$((passed + 1))
}

fail() {
	echo "FAIL plugin/$1 ($2)"
	failed=$((failed + 1))
}

make -s plugins >/dev/null 2>&1 || fail build "make plugins failed"

# refused NAME NEEDLE ARG: -device ARG must exit 1 with one stderr line
# starting "glass: " that contains NEEDLE.
refused() {
	name=$1 needle=$2
	timeout 10 "$glass" -device "$3" -bios none -kernel "$elf" \
		-dumpdtb "$tmp/$name.dtb" >"$tmp/$name.out" 2>"$tmp/$name.err"
	rc=$?
	lines=$(wc -l <"$tmp/$name.err")
	if [ "$rc" -ne 1 ]; then
		fail "$name" "exit $rc"
	elif [ "$lines" -ne 1 ] || ! grep -q "^glass: .*$needle" "$tmp/$name.err"; then
		fail "$name" "stderr: $(head -c 200 "$tmp/$name.err")"
	elif [ -e "$tmp/$name.dtb" ]; then
		fail "$name" "wrote the device tree anyway"
	else
		pass "$name"
	fi
}

refused abi-version "ABI version 1001" "plugin,path=$dir/oldabi.so"
refused not-a-plugin "not a glass plugin" "plugin,path=$dir/nosym.so"
refused missing-symbol "undefined symbol: glass_no_such_function" \
	"plugin,path=$dir/undefined.so"
refused bad-class "not a usable device class" "plugin,path=$dir/badclass.so"
refused no-file "cannot load it" "plugin,path=$tmp/none.so"
refused no-path "needs path=FILE" "plugin"
refused bad-property "unknown property 'bogus'" \
	"plugin,path=$dir/good.so,bogus=1"
refused bad-value "bad value 'x' for init" "plugin,path=$dir/good.so,init=x"

# A good plugin: in the device tree at the platform bus's first window,
# with its properties in -device ...,help and info qtree.
name=device-tree
if "$glass" -device "plugin,path=$dir/good.so" -bios none -kernel "$elf" \
	-dumpdtb "$tmp/good.dtb" 2>"$tmp/good.err" &&
	grep -aq 'scratch@4000000' "$tmp/good.dtb" &&
	grep -aq 'glass,test-scratch' "$tmp/good.dtb"; then
	pass "$name"
else
	fail "$name" "$(head -c 200 "$tmp/good.err")"
fi

name=help
if "$glass" -device "plugin,path=$dir/good.so,help" >"$tmp/help" 2>&1 &&
	grep -q '^test-scratch (platform)' "$tmp/help" &&
	grep -q 'init=<uint>.*default: 0x5a5a' "$tmp/help"; then
	pass "$name"
else
	fail "$name" "$(head -c 200 "$tmp/help")"
fi

name=qtree
printf 'info qtree\nquit\n' | timeout 10 "$glass" -monitor stdio \
	-device "plugin,path=$dir/good.so,init=7,id=s0" -bios none \
	-kernel "$elf" >"$tmp/qtree" 2>&1
if grep -q 'dev: test-scratch, id "s0", platform 0x4000000+0x1000' "$tmp/qtree" &&
	grep -q 'init = 7' "$tmp/qtree" &&
	grep -q 'irq 0 -> plic source 64' "$tmp/qtree"; then
	pass "$name"
else
	fail "$name" "$(grep -A4 scratch "$tmp/qtree" | head -c 300)"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
