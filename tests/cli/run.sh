#!/bin/sh
# The command line against its documentation. The options glass has are
# what `glass --list-options` prints (one spelling a line, a tab and the
# value's name after options that take one), read from the one table in
# src/cli/options.c. Checks that
#   - every spelling is the tag of an entry in man/glass.1's OPTIONS, and
#     every option tag there is a spelling glass has;
#   - the same for the first column of README.md's "Command line" table;
#   - --help shows every spelling on its option lines;
#   - every device `-device help` (and `-device ?`) lists is named in bold
#     in the man page;
#   - every spelling works with one dash and with two, as in QEMU.
#
# usage: tests/cli/run.sh [GLASS]       (default build/glass)
# CLI_MAN and CLI_README name other files to check (default man/glass.1,
# README.md). Prints PASS cli/NAME or FAIL cli/NAME (why), then
# "N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 2
glass=${1:-build/glass}
man=${CLI_MAN:-man/glass.1}
readme=${CLI_README:-README.md}
passed=0
failed=0

tmp=$(mktemp -d /tmp/glass-cli.XXXXXX) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

pass() {
	echo "PASS cli/$1"
	passed=$((passed + 1))
}

fail() {
	echo "FAIL cli/$1 ($2)"
	failed=$((failed + 1))
}

finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}

# one line of words from a file of words, for a FAIL reason
words() {
	tr '\n' ' ' <"$1" | sed 's/ $//'
}

# same NAME WHERE FILE: FILE (sorted spellings found in WHERE) must equal
# the sorted spellings glass has, in both directions.
same() {
	name=$1 where=$2
	comm -23 "$tmp/options" "$3" >"$tmp/missing"
	comm -13 "$tmp/options" "$3" >"$tmp/stale"
	if [ -s "$tmp/missing" ]; then
		fail "$name" "not in $where: $(words "$tmp/missing")"
	elif [ -s "$tmp/stale" ]; then
		fail "$name" "in $where but not an option of glass: $(words \
			"$tmp/stale")"
	else
		pass "$name"
	fi
}

if [ ! -x "$glass" ]; then
	fail setup "$glass not built (make all)"
	finish
fi
if ! "$glass" --list-options >"$tmp/list" 2>"$tmp/list.err" ||
   [ ! -s "$tmp/list" ]; then
	fail list-options "glass --list-options: $(head -n 1 "$tmp/list.err")"
	finish
fi
cut -f 1 "$tmp/list" | sort -u >"$tmp/options"

# ---- man/glass.1 --------------------------------------------------------------

# The tag lines of OPTIONS (the line after each .TP), as plain text: roff
# dashes and font changes undone, the macro and quotes dropped; then every
# word that starts with a dash ("-M virt[,pci-bus-offset=N]" gives -M).
awk '/^\.SH/ { in_opts = ($2 == "OPTIONS") }
     in_opts && tag { print; tag = 0 }
     in_opts && /^\.TP/ { tag = 1 }' "$man" |
	sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/^\.[A-Z]* //' \
	    -e 's/"//g' -e 's/[ ,]/\n/g' | grep '^-' | sort -u >"$tmp/man"
same man-options "$man OPTIONS" "$tmp/man"

# ---- README.md ------------------------------------------------------------------

# The first cell of each row of the table under "## Command line" (an
# escaped \| is part of a cell), its `code` spans, the first word of each.
# shellcheck disable=SC2016 # the backquotes are Markdown, not the shell's
awk '/^## / { in_cli = ($0 == "## Command line") }
     in_cli && /^\| *`/' "$readme" |
	sed 's/\\|/ /g' | cut -d '|' -f 2 | grep -o '`[^`]*`' | tr -d '`' |
	awk '{ print $1 }' | grep '^-' | sort -u >"$tmp/readme"
same readme-options "$readme command-line table" "$tmp/readme"

# ---- --help ---------------------------------------------------------------------

# Option lines start "  -"; the spellings are before the first two spaces,
# separated by ", ", each followed by its value's name.
"$glass" --help >"$tmp/help" 2>&1
grep '^  -' "$tmp/help" | sed -e 's/^  //' -e 's/  .*//' |
	sed 's/, /\n/g' | awk '{ print $1 }' | sort -u >"$tmp/help-options"
same help-options "glass --help" "$tmp/help-options"

# ---- devices ----------------------------------------------------------------------

name="man-devices"
"$glass" -device help >"$tmp/devices" 2>&1
rc=$?
"$glass" -device '?' >"$tmp/devices-q" 2>&1
awk '/^  [^ ]/ { print $1 }' "$tmp/devices" >"$tmp/device-names"
: >"$tmp/missing"
while read -r dev; do
	grep -qF -e "\\fB$dev\\fR" -e ".B $dev" "$man" ||
		echo "$dev" >>"$tmp/missing"
done <"$tmp/device-names"
if [ "$rc" -ne 0 ] || [ ! -s "$tmp/device-names" ]; then
	fail "$name" "-device help: exit $rc, no devices: $(head -n 1 \
		"$tmp/devices")"
elif ! cmp -s "$tmp/devices" "$tmp/devices-q"; then
	fail "$name" "-device ? does not print what -device help does"
elif [ -s "$tmp/missing" ]; then
	fail "$name" "not named in bold in $man: $(words "$tmp/missing")"
else
	pass "$name"
fi

# ---- one dash or two ----------------------------------------------------------------

# A value option alone must ask for its value (not be unknown); a flag
# followed by --version must exit 0 (-h prints help, the rest go on).
name="one-or-two-dashes"
: >"$tmp/bad"
while IFS="$(printf '\t')" read -r opt arg; do
	bare=${opt#-}
	bare=${bare#-}
	for o in "-$bare" "--$bare"; do
		if [ -n "$arg" ]; then
			"$glass" "$o" >/dev/null 2>"$tmp/err"
			grep -q "needs a value" "$tmp/err" || echo "$o" >>"$tmp/bad"
		elif ! "$glass" "$o" --version >/dev/null 2>&1 </dev/null; then
			echo "$o" >>"$tmp/bad"
		fi
	done
done <"$tmp/list"
if [ -s "$tmp/bad" ]; then
	fail "$name" "not accepted: $(words "$tmp/bad")"
else
	pass "$name"
fi

finish
