#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The judge's throughput (numbers into BENCHMARKS.md, never asserted): `conduct check` on
# synthetic traces of increasing size written by tests/bench/gen_trace.py (fixed seed, into a
# temporary directory that is removed at the end). Pure user space, no root, no network.
#   SIZES        event counts of the realistic mix (default "10000 100000 500000")
#   ROUNDS       runs per size; wall time is the best, peak RSS the largest (default 2)
#   FLOW_SIZES   event counts of the "flows" profile: only DNS lookups and HTTPS connections,
#                so flows and DNS answers both grow with the trace (default "20000 80000 320000")
#   FLOW_ROUNDS  runs per size of that profile (default 1)
#   SEED         generator seed (default 1)
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
CONDUCT="$PWD/$BUILD/conduct"
SIZES=${SIZES:-10000 100000 500000}
ROUNDS=${ROUNDS:-2}
FLOW_SIZES=${FLOW_SIZES:-20000 80000 320000}
FLOW_ROUNDS=${FLOW_ROUNDS:-1}
SEED=${SEED:-1}
TIME=/usr/bin/time
[ -x "$CONDUCT" ] || { echo "bench_judge: build first (make)"; exit 1; }
[ -x "$TIME" ] || { echo "bench_judge: needs /usr/bin/time (sh tools/deps.sh)"; exit 1; }
command -v python3 >/dev/null || { echo "bench_judge: needs python3"; exit 1; }
T=$(mktemp -d /tmp/conduct-bench-judge.XXXXXX)
trap 'rm -rf "$T"' EXIT

# one PROFILE ROUNDS N
one() {
	local profile=$1 rounds=$2 n=$3 tr="$T/trace-$3.jsonl" bytes best='' rss=0 i rc w m nf
	python3 tests/bench/gen_trace.py "$n" "$tr" "$SEED" "$profile" || { echo "gen $n failed"; exit 1; }
	bytes=$(stat -c %s "$tr")
	for ((i = 0; i < rounds; i++)); do
		rm -rf "$T/out"
		# exit status 1 (findings) is the expected verdict; 2 or 3 is a failure
		"$TIME" -o "$T/time" -f '%e %M' "$CONDUCT" check "$tr" -o "$T/out" >"$T/stdout" 2>"$T/stderr"
		rc=$?
		if [ "$rc" -gt 1 ]; then
			echo "bench_judge: conduct check exited $rc on $n events ($profile):"
			tail -n 3 "$T/stderr" "$T/time"
			exit 1
		fi
		read -r w m < <(tail -n 1 "$T/time")
		if [ -z "$best" ] || awk -v a="$w" -v b="$best" 'BEGIN{exit !(a < b)}'; then best=$w; fi
		[ "$m" -gt "$rss" ] && rss=$m
	done
	nf=$(jq '.findings | length' "$T/out/report.json")
	awk -v n="$n" -v b="$bytes" -v w="$best" -v m="$rss" -v j="$(kb report.json)" \
		-v s="$(kb report.sarif)" -v h="$(kb report.html)" -v f="$nf" \
		-v fl="$(grep -c '"kind":"net.connect"\|"kind":"dns.query"' "$tr")" 'BEGIN {
		if (w <= 0) w = 0.005
		printf "%-8d %9.1f %7d %8.2f %8.1f %9.0f %11.0f %8.1f %9d %9d %9d %8d\n",
			n, b / 1e6, fl, w, m / 1024, m * 1024 / n, n / w, b / 1e6 / w, j, s, h, f }'
	rm -f "$tr"
}
kb() { echo $(( ($(stat -c %s "$T/out/$1") + 512) / 1024 )); }

printf '%-8s %9s %7s %8s %8s %9s %11s %8s %9s %9s %9s %8s\n' events "trace MB" flows "wall s" \
	"RSS MiB" "B/event" "events/s" "MB/s" "json KB" "sarif KB" "html KB" findings
echo "realistic mix (gen_trace.py N OUT $SEED mix), best of $ROUNDS"
for n in $SIZES; do one mix "$ROUNDS" "$n"; done
echo "flows profile (gen_trace.py N OUT $SEED flows), best of $FLOW_ROUNDS"
for n in $FLOW_SIZES; do one flows "$FLOW_ROUNDS" "$n"; done
echo "(B/event = peak RSS / events; MB = 10^6 bytes of trace read; flows = net.connect + dns.query lines)"
