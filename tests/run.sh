#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Runs the suites `make test` is made of and prints, last, the total "N passed, N failed".
#   tests/run.sh [unit|fuzz|integration]...   (default: all three)
# Unit tests and fuzz replays need no root; integration tests need root and a real kernel
# (a missing kernel feature is a failure, not a skip).
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
suites=("$@")
[ ${#suites[@]} -eq 0 ] && suites=(unit fuzz integration)
total_pass=0
total_fail=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# Adds the counts of a runner's last "N passed, N failed" line; a runner that crashed, printed
# no such line or ran no test counts as one failure.
count() {
	local name=$1 rc=$2 line p f
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	if [ -z "$line" ]; then
		echo "FAIL $name: no result line (exit $rc)"
		total_fail=$((total_fail + 1))
		return
	fi
	p=${line%% passed*}
	f=${line#*, }
	f=${f%% failed*}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL $name: exit $rc"
		f=1
	elif [ $((p + f)) -eq 0 ]; then
		echo "FAIL $name: no test ran"
		f=1
	fi
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
}

# none SUITE: a suite that found no runner at all (not built?) is a failure, not a pass.
none() {
	echo "FAIL $1: no runner in $BUILD/tests (make)"
	total_fail=$((total_fail + 1))
}

for s in "${suites[@]}"; do
	ran=0
	case "$s" in
	unit)
		echo "== unit tests (ASan+UBSan)"
		for t in "$BUILD"/tests/test_*; do
			[ -x "$t" ] || continue
			timeout 300 "$t" >"$log" 2>&1
			rc=$?
			grep -E '^(FAIL|  )' "$log"
			[ $rc -ne 0 ] && tail -n 20 "$log"
			echo "$(basename "$t"): $(tail -n 1 "$log")"
			count "$(basename "$t")" $rc
			ran=1
		done
		[ $ran -eq 1 ] || none unit
		;;
	fuzz)
		echo "== fuzz corpus replay (ASan+UBSan)"
		for t in "$BUILD"/tests/replay_fuzz_*; do
			[ -x "$t" ] || continue
			n=$(basename "$t")
			n=${n#replay_fuzz_}
			timeout 600 "$t" "tests/fuzz/corpus/$n" >"$log" 2>&1
			rc=$?
			[ $rc -ne 0 ] && tail -n 20 "$log"
			echo "fuzz_$n: $(tail -n 1 "$log")"
			count "fuzz_$n" $rc
			ran=1
		done
		[ $ran -eq 1 ] || none fuzz
		;;
	integration)
		echo "== integration tests (root, real kernel)"
		BUILD="$BUILD" tests/integration/run.sh >"$log" 2>&1
		rc=$?
		cat "$log"
		count integration $rc
		;;
	*)
		echo "unknown suite '$s'" >&2
		exit 2
		;;
	esac
done
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
