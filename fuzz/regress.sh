#!/bin/sh
# Fuzz regression: replay every checked-in input of every fuzz target once
# (libFuzzer with the corpus directory and -runs=0). Builds the targets
# first if needed (make fuzz-build: clang, libclang-rt). One PASS/FAIL line
# per target, then "N passed, N failed". A FAIL lists each input that
# crashes and the sanitizer's one-line summary.
set -u
cd "$(dirname "$0")/.." || exit 2
targets="exec mmu mmio pci_config loader plugin virtio snapshot jit gdb"
logs=build-fuzz/logs
mkdir -p "$logs"
passed=0
failed=0

if ! make -s -j2 fuzz-build >"$logs/build.log" 2>&1; then
	for t in $targets; do
		echo "FAIL fuzz/$t (build failed: see $logs/build.log)"
	done
	tail -n 5 "$logs/build.log" | sed 's/^/  /'
	echo "0 passed, $(echo $targets | wc -w) failed"
	exit 1
fi

for t in $targets; do
	bin=build-fuzz/fuzz_$t
	log=$logs/regress-$t.log
	# (crashing inputs are copied to -artifact_prefix: keep them out of
	# the working directory)
	art="-artifact_prefix=$logs/$t-"
	if "$bin" -runs=0 -close_fd_mask=3 "$art" "fuzz/corpus/$t" \
		>"$log" 2>&1; then
		n=$(find "fuzz/corpus/$t" -type f | wc -l)
		echo "PASS fuzz/$t ($n inputs)"
		passed=$((passed + 1))
		continue
	fi
	# which inputs crash, and how
	bad=""
	for f in "fuzz/corpus/$t"/*; do
		"$bin" -close_fd_mask=3 "$art" "$f" >"$log.one" 2>&1 && continue
		why=$(grep -m 1 -E '^SUMMARY|invariant failed' "$log.one" |
		      sed 's/ (BuildId: [0-9a-f]*)//')
		bad="$bad
  $(basename "$f"): ${why:-crashed}"
	done
	rm -f "$log.one"
	echo "FAIL fuzz/$t (inputs that crash:$(echo "$bad" | grep -c .))$bad"
	failed=$((failed + 1))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
