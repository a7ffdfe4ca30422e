#!/bin/sh
# examples/campaign end to end: boot the default guest once to a
# CHECKPOINT, run 4 experiments from it with GNU parallel (2 at a time),
# each with its own --share directory, and check every result: the sum
# the guest computed from its parameters, each exit status (experiment 3
# fails on purpose with 3), the statistics, the table; and that an
# experiment run again from the same checkpoint gives the same statistics
# (-icount).
#
#   tests/campaign/run.sh [GLASS [GUESTDIR]]
#
# Prints PASS/FAIL lines and "N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 2
export GLASS="${1:-build/glass}" GUEST="${2:-build/guest}"
passed=0
failed=0
work=$(mktemp -d /tmp/glass-campaign.XXXXXX) || exit 2
trap 'rm -rf "$work"' EXIT INT TERM
logdir=${LOGDIR:-build/test-logs}
mkdir -p "$logdir"

pass() {
	echo "PASS campaign/$1"
	passed=$((passed + 1))
}

fail() {
	echo "FAIL campaign/$1 ($2)"
	failed=$((failed + 1))
}

if ! command -v parallel >/dev/null; then
	fail run "GNU parallel not installed (make deps)"
	echo "$passed passed, $failed failed"
	exit 1
fi
timeout 600 examples/campaign/campaign.sh "$work" 4 2 >"$logdir/campaign.log" 2>&1
rc=$?
cp "$work/boot.log" "$logdir/campaign-boot.log" 2>/dev/null
if [ $rc -eq 0 ]; then
	pass run
else
	fail run "campaign.sh exit $rc; $logdir/campaign.log"
fi

for k in 1 2 3 4; do
	n=$((k * 1000))
	want=$((n * (n + 1) / 2))
	status=0
	[ $k -eq 3 ] && status=3
	line=$(grep "^exp-$k	" "$work/results.tsv" 2>/dev/null)
	got=$(cat "$work/exp-$k/result" 2>/dev/null)
	insns=$(echo "$line" | cut -f4)
	if [ "$got" != "$want" ]; then
		fail "exp-$k" "result '$got', expected $want"
	elif [ "$(echo "$line" | cut -f2)" != "$status" ]; then
		fail "exp-$k" "exit status '$(echo "$line" | cut -f2)', expected $status"
	elif [ "$(echo "$line" | cut -f3)" != "$want" ]; then
		fail "exp-$k" "the table says '$(echo "$line" | cut -f3)'"
	elif ! [ "${insns:-0}" -gt 1000000 ] 2>/dev/null; then
		fail "exp-$k" "no instructions in its statistics: '$insns'"
	elif ! grep -q "experiment N=$n: sum $want" "$work/exp-$k/out.txt"; then
		fail "exp-$k" "no out.txt from the guest"
	else
		pass "exp-$k"
	fi
done

# more work, more instructions: the statistics are the experiment's own
i1=$(grep '^exp-1	' "$work/results.tsv" | cut -f4)
i4=$(grep '^exp-4	' "$work/results.tsv" | cut -f4)
if [ -n "$i1" ] && [ -n "$i4" ] && [ "$i4" -gt "$((3 * i1))" ]; then
	pass stats-per-experiment
else
	fail stats-per-experiment "exp-1 $i1, exp-4 $i4 instructions"
fi

# the same experiment again from the same checkpoint: the same statistics
# (but the JIT's counters, which are about the host's translations)
mkdir -p "$work/again"
cp "$work/exp-2/run.sh" "$work/exp-2/params" "$work/again/"
if examples/campaign/experiment.sh "$work" "$work/again" &&
   [ "$(sed 's/,"jit":{[^}]*}//g' "$work/exp-2/stats.json")" = \
     "$(sed 's/,"jit":{[^}]*}//g' "$work/again/stats.json")" ] &&
   cmp -s "$work/exp-2/result" "$work/again/result"; then
	pass repeatable
else
	fail repeatable "a second run of exp-2 differs"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
