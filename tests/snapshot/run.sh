#!/bin/sh
# Deterministic runs and snapshots with the default guest (docs/snapshots.md):
#
#   determinism-smp1, -smp2   two boots under -icount with the same input:
#                             byte-identical console, --trace all, --stats
#   checkpoint-exact          the guest's init takes a CHECKPOINT and works
#                             on; a run restored from the file produces,
#                             from that instruction on, the same trace (but
#                             for the one RET0 read that tells the two
#                             apart), console output and final statistics
#   savevm-loadvm             the monitor's savevm mid-boot (input from a
#                             file, so at a fixed instruction), -loadvm of it
#                             finishes the boot with the same trace tail
#   record-replay             a shell session typed with pauses (host timing
#                             differs run to run) is recorded, then replayed
#                             twice: console output and trace identical to
#                             the recording's; replayed on another command
#                             line, the run stops, saying it left it
#   bad-snapshots             truncated, damaged and other-machine files:
#                             exit 1 and one line each
#
#   tests/snapshot/run.sh [GLASS [GUESTDIR]]
#
# Prints PASS/FAIL lines and "N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 2
glass=${1:-build/glass}
guest=${2:-build/guest}
limit=${SNAPSHOT_TIMEOUT:-300}
logdir=${LOGDIR:-build/test-logs}/snapshot
mkdir -p "$logdir"
passed=0
failed=0
tmp=$(mktemp -d /tmp/glass-snapshot.XXXXXX) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

pass() {
	echo "PASS snapshot/$1"
	passed=$((passed + 1))
}

fail() {
	echo "FAIL snapshot/$1 ($2)"
	failed=$((failed + 1))
}

# g NAME INPUT ARGS...: run glass with the default guest; console and
# glass's log in $logdir/NAME.log, status in $rc
g() {
	name=$1 input=$2
	shift 2
	timeout "$limit" "$glass" -m 256M -kernel "$guest/Image" \
		-initrd "$guest/initramfs.cpio.gz" "$@" <"$input" \
		>"$logdir/$name.log" 2>&1
	rc=$?
}

# The guest's console only: what the UART printed (glass's own lines,
# "glass: ...", are on stderr in the same log and left out).
console() {
	grep -av '^glass: \(checkpoint\|-loadvm\)' "$1"
}

# same_stats A B: the two --stats files are equal but for the JIT's
# counters, which are facts about the host's translations (what was
# translated when, how long it took), not about the guest.
same_stats() {
	sed 's/,"jit":{[^}]*}//g' "$1" >"$1.nojit"
	sed 's/,"jit":{[^}]*}//g' "$2" >"$2.nojit"
	cmp -s "$1.nojit" "$2.nojit"
}

# ---- determinism ----------------------------------------------------------

determinism() {
	harts=$1 t=determinism-smp$harts
	for run in a b; do
		g "$t-$run" /dev/null -smp "$harts" -icount shift=auto \
			-append "console=ttyS0 glass.test=smoke glass.harts=$harts" \
			--trace all --trace-file "$tmp/$t-$run.trace" \
			--stats "$tmp/$t-$run.json"
		[ $rc -eq 0 ] || { fail "$t" "run $run: glass exit $rc"; return; }
	done
	if ! grep -q "GLASS-TEST smoke exit=0" "$logdir/$t-a.log"; then
		fail "$t" "the guest's smoke test failed"
	elif ! cmp -s "$logdir/$t-a.log" "$logdir/$t-b.log"; then
		fail "$t" "console output differs"
	elif ! cmp -s "$tmp/$t-a.trace" "$tmp/$t-b.trace"; then
		fail "$t" "traces differ: $(cmp "$tmp/$t-a.trace" "$tmp/$t-b.trace")"
	elif ! same_stats "$tmp/$t-a.json" "$tmp/$t-b.json"; then
		fail "$t" "statistics differ"
	elif [ "$(wc -l <"$tmp/$t-a.trace")" -lt 10000 ]; then
		fail "$t" "suspiciously short trace"
	else
		pass "$t"
	fi
}

determinism 1
determinism 2

# ---- CHECKPOINT and exactness ---------------------------------------------

exact() {
	t=checkpoint-exact
	mkdir -p "$tmp/ck"
	args="-icount shift=auto -device glass-hypercall --trace all"
	# shellcheck disable=SC2086
	g $t-saver /dev/null $args --checkpoint-dir "$tmp/ck" \
		-append "console=ttyS0 glass.test=checkpoint" \
		--trace-file "$tmp/a.trace" --stats "$tmp/a.json"
	[ $rc -eq 0 ] || { fail "$t" "saving run: glass exit $rc"; return; }
	grep -q "GLASS-TEST checkpoint exit=0" "$logdir/$t-saver.log" ||
		{ fail "$t" "saving run: the guest's test failed"; return; }
	[ -s "$tmp/ck/exact" ] || { fail "$t" "no checkpoint file"; return; }
	# shellcheck disable=SC2086
	g $t-restored /dev/null $args -loadvm "$tmp/ck/exact" \
		-append "console=ttyS0 glass.test=checkpoint" \
		--trace-file "$tmp/b.trace" --stats "$tmp/b.json"
	[ $rc -eq 0 ] || { fail "$t" "restored run: glass exit $rc"; return; }
	# the saving run's trace after the CHECKPOINT doorbell: where the
	# restored run starts
	c=$(grep -an 'op=0x40 CHECKPOINT' "$tmp/a.trace" | head -n 1 | cut -d: -f1)
	[ -n "$c" ] || { fail "$t" "no CHECKPOINT in the trace"; return; }
	d=$(awk -v c="$c" 'NR > c && /\.DOORBELL\)/ { print NR; exit }' \
		"$tmp/a.trace")
	tail -n +"$((d + 1))" "$tmp/a.trace" >"$tmp/a.tail"
	diff "$tmp/a.tail" "$tmp/b.trace" >"$tmp/exact.diff"
	# exactly one line each side: the guest reading RET0, 0 against 1
	if [ "$(grep -c '^[<>]' "$tmp/exact.diff")" -ne 2 ] ||
	   ! grep -q '^< .*(ch[0-9]*\.RET0) = 0x0*0$' "$tmp/exact.diff" ||
	   ! grep -q '^> .*(ch[0-9]*\.RET0) = 0x0*1$' "$tmp/exact.diff"; then
		cp "$tmp/exact.diff" "$logdir/exact.diff"
		fail "$t" "traces differ beyond RET0: $logdir/exact.diff"
		return
	fi
	if ! same_stats "$tmp/a.json" "$tmp/b.json"; then
		fail "$t" "final statistics differ"
		return
	fi
	# the restored run's console is the end of the saving run's
	console "$logdir/$t-saver.log" >"$tmp/a.con"
	console "$logdir/$t-restored.log" >"$tmp/b.con"
	n=$(wc -c <"$tmp/b.con")
	if [ "$n" -lt 20 ] || ! tail -c "$n" "$tmp/a.con" | cmp -s - "$tmp/b.con"; then
		fail "$t" "console output after the checkpoint differs"
		return
	fi
	pass "$t"
}

exact

# ---- the monitor's savevm, -loadvm ------------------------------------------

savevm() {
	t=savevm-loadvm
	# input from a file: the monitor reads it at the first end of a
	# round, hence at a fixed instruction count
	printf '\001csavevm %s\n\001c' "$tmp/mid.snap" >"$tmp/savevm.in"
	g $t-saver "$tmp/savevm.in" -icount shift=auto --trace all \
		-append "console=ttyS0 glass.test=smoke" \
		--trace-file "$tmp/s.trace" --stats "$tmp/s.json"
	[ $rc -eq 0 ] || { fail "$t" "saving run: glass exit $rc"; return; }
	grep -aq "^saved $tmp/mid.snap" "$logdir/$t-saver.log" ||
		{ fail "$t" "savevm did not say it saved"; return; }
	g $t-restored /dev/null -icount shift=auto --trace all \
		-append "console=ttyS0 glass.test=smoke" -loadvm "$tmp/mid.snap" \
		--trace-file "$tmp/r.trace" --stats "$tmp/r.json"
	[ $rc -eq 0 ] || { fail "$t" "restored run: glass exit $rc"; return; }
	n=$(wc -l <"$tmp/r.trace")
	if [ "$n" -lt 1000 ] ||
	   ! tail -n "$n" "$tmp/s.trace" | cmp -s - "$tmp/r.trace"; then
		fail "$t" "the restored run's trace is not the saving run's tail"
	elif ! same_stats "$tmp/s.json" "$tmp/r.json"; then
		fail "$t" "final statistics differ"
	else
		pass "$t"
	fi
}

savevm

# ---- record and replay ------------------------------------------------------

replay() {
	t=record-replay
	# typed at the shell's prompt after pauses of random length: when
	# each line reaches glass depends on the host
	timeout "$limit" python3 tests/snapshot/typist.py \
		"$logdir/$t-record.log" '/ # ' 'echo typed-one' \
		'cat /proc/uptime; echo typed-two' 'poweroff' -- \
		"$glass" -m 256M -kernel "$guest/Image" \
		-initrd "$guest/initramfs.cpio.gz" -icount shift=auto \
		-append console=ttyS0 --record "$tmp/session.rr" \
		--trace mmio,irq --trace-file "$tmp/rec.trace"
	rc=$?
	[ $rc -eq 0 ] || { fail "$t" "recording run: glass exit $rc"; return; }
	if ! grep -aq '^typed-one' "$logdir/$t-record.log" ||
	   ! grep -aq '^typed-two' "$logdir/$t-record.log"; then
		fail "$t" "the typed commands did not run"
		return
	fi
	for run in 1 2; do
		g $t-replay$run /dev/null -icount shift=auto -append console=ttyS0 \
			--replay "$tmp/session.rr" --trace mmio,irq \
			--trace-file "$tmp/rep$run.trace"
		[ $rc -eq 0 ] || { fail "$t" "replay $run: glass exit $rc"; return; }
		if ! cmp -s "$logdir/$t-record.log" "$logdir/$t-replay$run.log"; then
			fail "$t" "replay $run: console output differs"
			return
		fi
		if ! cmp -s "$tmp/rec.trace" "$tmp/rep$run.trace"; then
			fail "$t" "replay $run: trace differs"
			return
		fi
	done
	# another kernel command line: the run leaves the recording, and
	# glass says so instead of typing into the wrong place
	g $t-diverge /dev/null -icount shift=auto --replay "$tmp/session.rr" \
		-append "console=ttyS0 loglevel=3"
	if [ $rc -ne 1 ] ||
	   ! grep -q "^glass: --replay .*left the recording" "$logdir/$t-diverge.log"; then
		fail "$t" "a diverging replay: exit $rc, no 'left the recording'"
		return
	fi
	pass "$t"
}

replay

# ---- files a restore must refuse --------------------------------------------

# refuse NAME NEEDLE FILE [ARGS...]: -loadvm FILE must exit 1 with one line
# "glass: -loadvm FILE: ..." containing NEEDLE
refuse() {
	name=$1 needle=$2 file=$3
	shift 3
	timeout 60 "$glass" -m 256M -kernel "$guest/Image" \
		-device glass-hypercall -loadvm "$file" "$@" </dev/null \
		>"$tmp/out" 2>"$tmp/err"
	r=$?
	lines=$(wc -l <"$tmp/err")
	if [ $r -ne 1 ] || [ "$lines" -ne 1 ] ||
	   ! grep -q "^glass: -loadvm $file: .*$needle" "$tmp/err"; then
		fail "bad-snapshots/$name" "exit $r, $lines lines: $(head -c 200 "$tmp/err")"
		bad=1
	fi
}

bad_snapshots() {
	snap=$tmp/ck/exact
	[ -s "$snap" ] || { fail bad-snapshots "no snapshot to damage"; return; }
	bad=0
	size=$(wc -c <"$snap")
	head -c $((size / 2)) "$snap" >"$tmp/half"
	refuse truncated truncated "$tmp/half"
	head -c 40 "$snap" >"$tmp/stub"
	refuse header-only truncated "$tmp/stub"
	cp "$snap" "$tmp/flip"
	printf '\377' | dd of="$tmp/flip" bs=1 seek=$((size / 3)) conv=notrunc \
		2>/dev/null
	refuse corrupt "checksum" "$tmp/flip"
	refuse other-ram "-m 256M, this machine -m 512M" "$snap" -m 512M
	refuse other-smp "-smp 1, this machine -smp 2" "$snap" -smp 2
	refuse other-device "edu" "$snap" -device edu
	refuse not-a-snapshot "not a glass snapshot" "$guest/Image"
	[ $bad -eq 0 ] && pass bad-snapshots
}

bad_snapshots

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
