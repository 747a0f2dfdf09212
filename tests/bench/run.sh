#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# `make bench`: runs every build/bench/bench_* binary and every tests/bench/bench_*.sh.
# Numbers are printed, not asserted; BENCHMARKS.md records them with this command.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
for b in "$BUILD"/bench/bench_*; do
	[ -x "$b" ] || continue
	echo "== $(basename "$b")"
	"$b" || echo "($(basename "$b") failed: $?)"
done
for s in tests/bench/bench_*.sh; do
	[ -f "$s" ] || continue
	echo "== $(basename "$s" .sh)"
	BUILD="$BUILD" bash "$s" || echo "($(basename "$s") failed: $?)"
done
