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
# and with virtio (disks, network, entropy, hvc0):
#
#   virtio-exact-pci, -device every virtio device in use and disk reads in
#                             flight (latency-ns) at a CHECKPOINT under
#                             -icount and -snapshot: the restored run is
#                             the saving run from there on (trace but for
#                             RET0, statistics, console, hvc0 output), a
#                             completion pending at the save arrives after
#                             the restore, and the base image is unchanged
#   determinism-virtio        the default machine (guest/run.sh: data disk,
#                             network, rng; -smp 2) with -icount -snapshot
#                             and scripted input, twice: identical console,
#                             --trace all, --stats; a --record of the first
#                             replays the same, and is refused once the
#                             disk image has changed
#   record-replay-net         a session with network traffic to and from
#                             the host (download, upload, hostfwd) is
#                             recorded, then replayed twice without the
#                             host: console, trace, statistics identical
#   default-checkpoint        the default machine as `make run` starts it
#                             checkpoints and exits; restored, it finds its
#                             file on /data, writes another, reaches the
#                             host and is reached through hostfwd; the
#                             image is clean (e2fsck, debugfs); a second
#                             restore is refused: the disk has changed
#   default-checkpoint-snapshot  the same under -snapshot: restored twice,
#                             the base image never changes, and a restore
#                             without -snapshot is refused
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

# ---- virtio ------------------------------------------------------------------

# mkdisk FILE: a 32 MiB ext4 image
mkdisk() {
	mkdir -p "$tmp/root"
	echo "hello from the host" >"$tmp/root/hello.txt"
	rm -f "$1"
	mke2fs -q -t ext4 -d "$tmp/root" "$1" 32M >/dev/null
}

# the trace of a restored run against the saving run's after the
# CHECKPOINT doorbell: exactly the RET0 read differs (exact() above)
# same_after_checkpoint SAVING-TRACE RESTORED-TRACE: 0 or a reason in $why
same_after_checkpoint() {
	c=$(grep -an 'op=0x40 CHECKPOINT' "$1" | head -n 1 | cut -d: -f1)
	[ -n "$c" ] || { why="no CHECKPOINT in the trace"; return 1; }
	d=$(awk -v c="$c" 'NR > c && /\.DOORBELL\)/ { print NR; exit }' "$1")
	tail -n +"$((d + 1))" "$1" >"$tmp/tail"
	diff "$tmp/tail" "$2" >"$tmp/exact.diff"
	if [ "$(grep -c '^[<>]' "$tmp/exact.diff")" -ne 2 ] ||
	   ! grep -q '^< .*(ch[0-9]*\.RET0) = 0x0*0$' "$tmp/exact.diff" ||
	   ! grep -q '^> .*(ch[0-9]*\.RET0) = 0x0*1$' "$tmp/exact.diff"; then
		why="traces differ beyond RET0"
		return 1
	fi
	return 0
}

virtio_exact() {
	tr=$1 t=virtio-exact-$1
	mkdisk "$tmp/vbase.img"
	before=$(sha256sum <"$tmp/vbase.img")
	rm -rf "$tmp/vck"
	mkdir -p "$tmp/vck"
	for run in saver restored; do
		if [ $run = saver ]; then
			extra="--checkpoint-dir $tmp/vck"
		else
			extra="-loadvm $tmp/vck/virtio"
		fi
		# shellcheck disable=SC2086
		g $t-$run /dev/null -icount shift=auto -snapshot \
			-device glass-hypercall \
			-drive "file=$tmp/vbase.img,if=none,id=d0" \
			-device "virtio-blk-$tr,drive=d0,latency-ns=1000000" \
			-netdev user,id=n0 -device "virtio-net-$tr,netdev=n0" \
			-device "virtio-rng-$tr" \
			-chardev "file,id=c0,path=$tmp/hvc-$run.out" \
			-device "virtio-serial-$tr,chardev=c0" \
			-append "console=ttyS0 glass.test=virtio-checkpoint" \
			--trace all --trace-file "$tmp/v-$run.trace" \
			--stats "$tmp/v-$run.json" $extra
		[ $rc -eq 0 ] || { fail "$t" "$run run: glass exit $rc"; return; }
		grep -q "GLASS-TEST virtio-checkpoint exit=0" \
			"$logdir/$t-$run.log" ||
			{ fail "$t" "$run run: the guest's test failed"; return; }
	done
	[ -s "$tmp/vck/virtio" ] || { fail "$t" "no checkpoint file"; return; }
	if ! same_after_checkpoint "$tmp/v-saver.trace" "$tmp/v-restored.trace"; then
		cp "$tmp/exact.diff" "$logdir/$t.diff"
		fail "$t" "$why: $logdir/$t.diff"
		return
	fi
	# a disk read was in flight at the save: the restored run's first
	# virtio-blk line is its completion, from the latency timer
	first=$(grep -m 1 "^virtio .*virtio-blk" "$tmp/v-restored.trace")
	case $first in
	*" used "*) ;;
	*) fail "$t" "no completion pending at the save: $first"; return ;;
	esac
	n=$(wc -c <"$tmp/hvc-restored.out")
	if ! same_stats "$tmp/v-saver.json" "$tmp/v-restored.json"; then
		fail "$t" "final statistics differ"
	elif [ "$n" -lt 10 ] || ! tail -c "$n" "$tmp/hvc-saver.out" |
			cmp -s - "$tmp/hvc-restored.out"; then
		fail "$t" "hvc0 output after the checkpoint differs"
	elif [ "$(sha256sum <"$tmp/vbase.img")" != "$before" ]; then
		fail "$t" "-snapshot: the base image changed"
	else
		pass "$t"
	fi
}

virtio_exact pci
virtio_exact device

# dm NAME INPUT ARGS...: the default machine (guest/run.sh) with a data
# disk of our own; $logdir/NAME.log, $rc
dm() {
	name=$1 input=$2
	shift 2
	GLASS_DATA=$tmp/data.img GLASS_HTTP_PORT=0 timeout "$limit" \
		guest/run.sh "$glass" "$guest" "$@" <"$input" \
		>"$logdir/$name.log" 2>&1
	rc=$?
}

determinism_virtio() {
	t=determinism-virtio
	rm -f "$tmp/data.img"
	# guest/run.sh makes the data disk (--version: only that); the input
	# is typed at the shell (the first line is a comment whose start the
	# boot may eat)
	GLASS_DATA=$tmp/data.img guest/run.sh "$glass" "$guest" --version \
		>/dev/null 2>&1
	{
		printf '#%.0s' $(seq 1 120)
		echo
		printf '%s\n' 'cat /data/README' 'wget -q -O - http://127.0.0.1/' \
			'ping -c 2 10.0.2.2' 'echo 3 >/proc/sys/vm/drop_caches' \
			'md5sum /data/www/index.html' \
			'dd if=/dev/hwrng bs=32 count=1 2>/dev/null | md5sum' \
			'echo typed >/data/typed.txt; sync; echo scripted-done' \
			'poweroff'
	} >"$tmp/typed.in"
	for run in a b; do
		rec=
		[ $run = a ] && rec="--record $tmp/dm.rr"
		# shellcheck disable=SC2086
		dm $t-$run "$tmp/typed.in" -icount shift=auto -snapshot \
			-append console=ttyS0 --trace all \
			--trace-file "$tmp/dm-$run.trace" \
			--stats "$tmp/dm-$run.json" $rec
		[ $rc -eq 0 ] || { fail "$t" "run $run: glass exit $rc"; return; }
	done
	if ! grep -aq '^scripted-done' "$logdir/$t-a.log" ||
	   ! grep -aq '^hello from the glass guest' "$logdir/$t-a.log" ||
	   ! grep -aq '2 packets received' "$logdir/$t-a.log"; then
		fail "$t" "the typed commands did not run"
	elif ! cmp -s "$logdir/$t-a.log" "$logdir/$t-b.log"; then
		fail "$t" "console output differs"
	elif ! cmp -s "$tmp/dm-a.trace" "$tmp/dm-b.trace"; then
		fail "$t" "traces differ: $(cmp "$tmp/dm-a.trace" "$tmp/dm-b.trace")"
	elif ! same_stats "$tmp/dm-a.json" "$tmp/dm-b.json"; then
		fail "$t" "statistics differ"
	elif ! grep -q '^virtio 00:0[0-9].0 virtio-blk-pci q0 blk write' "$tmp/dm-a.trace" ||
	     ! grep -q '^virtio 00:0[0-9].0 virtio-net-pci q0 net rx' "$tmp/dm-a.trace" ||
	     ! grep -q '^virtio 00:0[0-9].0 virtio-rng-pci q0 rng' "$tmp/dm-a.trace"; then
		fail "$t" "the trace lacks disk writes, received frames or entropy"
	else
		# the recording of run a replays to the same trace; and a
		# replay refuses a disk that is no longer what it recorded
		dm $t-replay /dev/null -icount shift=auto -snapshot \
			-append console=ttyS0 --trace all \
			--trace-file "$tmp/dm-r.trace" --replay "$tmp/dm.rr"
		if [ $rc -ne 0 ] || ! cmp -s "$tmp/dm-a.trace" "$tmp/dm-r.trace"; then
			fail "$t" "the replay of run a: exit $rc, or another trace"
			return
		fi
		touch "$tmp/data.img"
		dm $t-replay-changed /dev/null -icount shift=auto -snapshot \
			-append console=ttyS0 --replay "$tmp/dm.rr"
		if [ $rc -ne 1 ] || ! grep -q "^glass: --replay .*: disk drive0 (.*data.img) is not the image recorded with" \
				"$logdir/$t-replay-changed.log"; then
			fail "$t" "a replay on a changed disk: exit $rc, $(head -c 200 "$logdir/$t-replay-changed.log")"
			return
		fi
		pass "$t"
	fi
}

determinism_virtio

replay_net() {
	t=record-replay-net
	# the virtio-net test: DHCP, a download from the host and a 1 MiB
	# upload to it, then the host fetches the guest's page by hostfwd
	timeout "$limit" python3 tests/snapshot/netsession.py \
		"$logdir/$t-record.log" --page "hello from the guest over hostfwd" -- \
		"$glass" -m 256M -kernel "$guest/Image" \
		-initrd "$guest/initramfs.cpio.gz" -icount shift=auto \
		-netdev "user,id=n0,hostfwd=tcp:127.0.0.1:{fwd}-:80" \
		-device virtio-net-pci,netdev=n0 \
		-append "console=ttyS0 glass.test=virtio-net glass.hostport={port}" \
		--record "$tmp/net.rr" --trace virtio,irq,dma \
		--trace-file "$tmp/net-rec.trace" --stats "$tmp/net-rec.json" \
		2>"$tmp/netsession.err"
	rc=$?
	[ $rc -eq 0 ] || { fail "$t" "recording run: exit $rc $(cat "$tmp/netsession.err")"; return; }
	grep -aq "GLASS-TEST virtio-net exit=0" "$logdir/$t-record.log" ||
		{ fail "$t" "recording run: the guest's test failed"; return; }
	# the guest's command line names the host's port: the same again
	hp=$(grep -ao 'glass.hostport=[0-9]*' "$logdir/$t-record.log" | head -n 1)
	frames=$(python3 - "$tmp/net.rr" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
at, n = 32, 0
while at + 21 <= len(d):
    kind, _, _, ln = struct.unpack_from("<BQQI", d, at)
    n += kind == 2
    at += 21 + ln
print(n)
PY
)
	[ "${frames:-0}" -gt 20 ] ||
		{ fail "$t" "only ${frames:-0} frames in the recording"; return; }
	for run in 1 2; do
		# no host server now, and a hostfwd port nobody listens on:
		# the frames come from the recording
		g $t-replay$run /dev/null -icount shift=auto \
			-netdev "user,id=n0,hostfwd=tcp:127.0.0.1:1-:80" \
			-device virtio-net-pci,netdev=n0 \
			-append "console=ttyS0 glass.test=virtio-net $hp" \
			--replay "$tmp/net.rr" --trace virtio,irq,dma \
			--trace-file "$tmp/net-rep$run.trace" \
			--stats "$tmp/net-rep$run.json"
		[ $rc -eq 0 ] || { fail "$t" "replay $run: glass exit $rc"; return; }
		if ! cmp -s "$logdir/$t-record.log" "$logdir/$t-replay$run.log"; then
			fail "$t" "replay $run: console output differs"
			return
		elif ! cmp -s "$tmp/net-rec.trace" "$tmp/net-rep$run.trace"; then
			fail "$t" "replay $run: trace differs"
			return
		elif ! same_stats "$tmp/net-rec.json" "$tmp/net-rep$run.json"; then
			fail "$t" "replay $run: statistics differ"
			return
		fi
	done
	pass "$t"
}

replay_net

# default_checkpoint NAME [-snapshot]
default_checkpoint() {
	t=$1
	shift
	rm -rf "$tmp/data.img" "$tmp/dck" "$tmp/dshare"
	mkdir -p "$tmp/dck" "$tmp/dshare"
	# guest/run.sh makes the data disk (GLASS_DATA); --version only that
	GLASS_DATA=$tmp/data.img guest/run.sh "$glass" "$guest" --version \
		>/dev/null 2>&1
	base=$(sha256sum <"$tmp/data.img")
	GLASS_DATA=$tmp/data.img timeout "$limit" python3 \
		tests/snapshot/netsession.py "$logdir/$t-saver.log" -- \
		guest/run.sh "$glass" "$guest" "$@" --checkpoint-dir "$tmp/dck" \
		-append "console=ttyS0 glass.test=default-checkpoint" \
		2>"$tmp/netsession.err"
	rc=$?
	[ $rc -eq 0 ] && [ -s "$tmp/dck/default" ] ||
		{ fail "$t" "saving run: exit $rc, no checkpoint $(cat "$tmp/netsession.err")"; return; }
	runs=1
	[ $# -gt 0 ] && runs="1 2"
	for run in $runs; do
		GLASS_DATA=$tmp/data.img timeout "$limit" python3 \
			tests/snapshot/netsession.py "$logdir/$t-restored$run.log" \
			--portfile "$tmp/dshare/hostport" \
			--page "hello from the restored guest" -- \
			guest/run.sh "$glass" "$guest" "$@" \
			-loadvm "$tmp/dck/default" --share "$tmp/dshare" \
			2>"$tmp/netsession.err"
		rc=$?
		if [ $rc -ne 0 ] || ! grep -aq "GLASS-TEST default-checkpoint exit=0" \
				"$logdir/$t-restored$run.log" ||
		   ! grep -aq "the host says 'hello from the host" \
				"$logdir/$t-restored$run.log"; then
			fail "$t" "restored run $run: exit $rc $(cat "$tmp/netsession.err")"
			return
		fi
	done
	if [ $# -gt 0 ]; then
		# -snapshot: the image never changed; without -snapshot the
		# changes in the file cannot be restored
		[ "$(sha256sum <"$tmp/data.img")" = "$base" ] ||
			{ fail "$t" "the base image changed"; return; }
		dm $t-refused /dev/null -loadvm "$tmp/dck/default"
		grep -q "^glass: -loadvm .*: disk drive0 (.*): the snapshot holds [0-9]* KiB of changes made to it under -snapshot: restore it with -snapshot" \
			"$logdir/$t-refused.log" && [ $rc -eq 1 ] ||
			{ fail "$t" "restored without -snapshot: exit $rc, $(head -c 200 "$logdir/$t-refused.log")"; return; }
		pass "$t"
		return
	fi
	if ! e2fsck -fn "$tmp/data.img" >"$tmp/fsck.log" 2>&1; then
		fail "$t" "e2fsck -fn: $(tail -n 1 "$tmp/fsck.log")"
		return
	fi
	if [ "$(debugfs -R "cat /before.txt" "$tmp/data.img" 2>/dev/null)" != "written before the checkpoint" ] ||
	   [ "$(debugfs -R "cat /after.txt" "$tmp/data.img" 2>/dev/null)" != "written after the restore" ]; then
		fail "$t" "debugfs: before.txt or after.txt is not in the image"
		return
	fi
	# the restored run wrote the disk: the snapshot no longer fits it
	dm $t-again /dev/null -loadvm "$tmp/dck/default"
	lines=$(grep -c . "$logdir/$t-again.log")
	if [ $rc -ne 1 ] || [ "$lines" -ne 1 ] ||
	   ! grep -q "^glass: -loadvm .*: disk drive0 (.*data.img): the image is not the one the snapshot was taken with, or has changed since (its modification time differs)" \
			"$logdir/$t-again.log"; then
		fail "$t" "a second restore: exit $rc, $(head -c 300 "$logdir/$t-again.log")"
		return
	fi
	pass "$t"
}

default_checkpoint default-checkpoint
default_checkpoint default-checkpoint-snapshot -snapshot

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
