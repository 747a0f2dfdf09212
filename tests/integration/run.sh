#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Runs every tests/integration/test_*.sh as root, each bounded in time, and prints
# "N passed, N failed". A test script exits 0 when every assertion held. Each script
# sources tests/integration/lib.sh for its assertions and cleanup traps.
set -u
cd "$(dirname "$0")/../.."
export BUILD=${BUILD:-build}
export CONDUCT="$PWD/$BUILD/conduct"
pass=0
fail=0
if [ "$(id -u)" != 0 ]; then
	echo "integration tests need root"
	echo "0 passed, 1 failed"
	exit 1
fi
only=${TESTS:-}
# A name in TESTS that matches no test is a failure, not a silent skip.
for name in $only; do
	if [ ! -f "tests/integration/$name.sh" ]; then
		fail=$((fail + 1))
		echo "FAIL $name (no such test)"
	fi
done
for t in tests/integration/test_*.sh; do
	name=$(basename "$t" .sh)
	if [ -n "$only" ] && ! [[ " $only " == *" $name "* ]]; then
		continue
	fi
	start=$(date +%s)
	out=$(timeout -k 10 ${TEST_TIMEOUT:-600} bash "$t" 2>&1)
	rc=$?
	secs=$(($(date +%s) - start))
	if [ $rc -eq 0 ]; then
		pass=$((pass + 1))
		echo "ok   $name (${secs}s)"
	else
		fail=$((fail + 1))
		echo "FAIL $name (exit $rc, ${secs}s)"
		echo "$out" | tail -n 40 | sed 's/^/    /'
	fi
done
if [ $((pass + fail)) -eq 0 ]; then
	fail=1
	echo "FAIL no integration test found"
fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
