#!/bin/sh
# Fuzz each target for SECONDS: fuzz/run.sh SECONDS TARGET...
# (make fuzz / make fuzz-ci; the targets must be built: make fuzz-build).
#
# Per target: the checked-in corpus fuzz/corpus/TARGET is replayed first,
# file by file; inputs that crash (known bug reproducers) are reported and
# left out, the rest seed the run. The run's own corpus grows in
# build-fuzz/corpus/TARGET (kept between runs), crashes land in
# build-fuzz/crashes/. Prints one line per target with the number of
# executions, and fails if anything crashed (a reproducer or a new find).
#
# FUZZ_BUILD (default build-fuzz) selects where the binaries are, e.g. a
# build made with FUZZ_EXTRA=-DFUZZ_SKIP_KNOWN_BUGS to explore past bugs
# that are already reported (see fuzz/README.md).
set -u
cd "$(dirname "$0")/.." || exit 2
[ $# -ge 2 ] || { echo "usage: fuzz/run.sh SECONDS TARGET..." >&2; exit 2; }
secs=$1
shift
bdir=${FUZZ_BUILD:-build-fuzz}
out=$bdir/runs
mkdir -p "$out" "$bdir/crashes"
failed=0
summary=""

for t in "$@"; do
	bin=$bdir/fuzz_$t
	if [ ! -x "$bin" ]; then
		echo "fuzz/$t: $bin missing (make fuzz-build)"
		failed=$((failed + 1))
		continue
	fi
	work=$bdir/corpus/$t
	seeds=$bdir/seeds/$t
	rm -rf "$seeds"
	mkdir -p "$work" "$seeds"
	known=""
	for f in fuzz/corpus/"$t"/*; do
		[ -f "$f" ] || continue
		if "$bin" -close_fd_mask=3 -artifact_prefix="$out/$t-replay-" \
			"$f" >"$out/$t.replay" 2>&1; then
			cp "$f" "$seeds/"
		else
			known="$known $(basename "$f")"
		fi
	done
	log=$out/$t.log
	# a target's dictionary of tokens, if it has one (fuzz/TARGET.dict)
	dict=
	[ -f "fuzz/$t.dict" ] && dict=-dict=fuzz/$t.dict
	start=$(date +%s)
	# shellcheck disable=SC2086 # $dict: nothing, or one word
	"$bin" -max_total_time="$secs" -print_final_stats=1 -close_fd_mask=3 \
		-timeout=10 -rss_limit_mb=2048 -artifact_prefix="$bdir/crashes/$t-" \
		$dict "$work" "$seeds" >"$log" 2>&1
	rc=$?
	took=$(($(date +%s) - start))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	line="fuzz/$t: ${execs:-0} executions in ${took} s (${rate:-0}/s)"
	if [ "$rc" -ne 0 ]; then
		art=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
		why=$(grep -m 1 -E '^SUMMARY|invariant failed|ERROR: libFuzzer' "$log")
		line="$line, CRASH: ${why:-exit $rc} (${art:-see $log})"
		failed=$((failed + 1))
	elif [ -n "$known" ]; then
		line="$line, ok; known reproducers still crash:$known"
		failed=$((failed + 1))
	else
		line="$line, ok"
	fi
	echo "$line"
	summary="$summary$line
"
done
printf '%s' "$summary" >"$out/summary.txt"
[ "$failed" -eq 0 ]
