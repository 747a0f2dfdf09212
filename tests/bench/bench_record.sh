#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The recorder's cost (numbers into BENCHMARKS.md, never asserted):
#   1. per unmonitored syscall on the host: rec_bench loops on the host without any recorder,
#      then again while a `conduct run` (sleeping connector) has every program attached;
#   2. per captured event: the same O_CREAT loop inside `conduct run` (each iteration is a
#      recorded file.open) against the same loop on the host.
# Needs root. Nothing leaves the machine (--net none).
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
CONDUCT="$PWD/$BUILD/conduct"
B="$PWD/$BUILD/helpers/rec_bench"
N_SYS=${N_SYS:-2000000}
N_OPEN=${N_OPEN:-200000}
N_CAP=${N_CAP:-100000}
ROUNDS=${ROUNDS:-3}
[ "$(id -u)" = 0 ] || { echo "bench_record: needs root"; exit 0; }
[ -x "$CONDUCT" ] && [ -x "$B" ] || { echo "bench_record: build first (make)"; exit 1; }
T=$(mktemp -d /tmp/conduct-bench.XXXXXX)
chmod 0755 "$T"
BG=
cleanup() {
	[ -n "$BG" ] && kill -INT "$BG" 2>/dev/null && wait "$BG" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

# best ROUNDS value of "rec_bench MODE N [DIR]" (the least disturbed run)
best() {
	local i v b=
	for ((i = 0; i < ROUNDS; i++)); do
		v=$("$B" "$@" | awk '{print $2}')
		if [ -z "$b" ] || awk -v a="$v" -v b="$b" 'BEGIN{exit !(a < b)}'; then b=$v; fi
	done
	echo "$b"
}

mkdir -p "$T/host"
h_getpid=$(best getpid "$N_SYS")
h_openro=$(best openro "$N_OPEN")
h_creat=$(best opencreat "$N_CAP" "$T/host")

# a run whose programs stay attached while the host loops
"$CONDUCT" run -q --timeout 120 -o "$T/idle" -- /bin/sleep 100 >/dev/null 2>&1 &
BG=$!
for _ in $(seq 100); do
	grep -q '"proc.exec"' "$T/idle/trace.jsonl" 2>/dev/null && break
	sleep 0.1
done
grep -q '"proc.exec"' "$T/idle/trace.jsonl" 2>/dev/null || { echo "bench_record: the idle run did not start"; exit 1; }
a_getpid=$(best getpid "$N_SYS")
a_openro=$(best openro "$N_OPEN")
# the programs' own run time per invocation (kernel.bpf_stats_enabled, restored after)
stats_old=$(cat /proc/sys/kernel/bpf_stats_enabled)
echo 1 >/proc/sys/kernel/bpf_stats_enabled
"$B" getpid "$N_SYS" >/dev/null
prog_ns() {
	bpftool -j prog show 2>/dev/null | jq -r --arg n "$1" \
		'[.[] | select(.name == $n and .run_cnt > 0)] | max_by(.run_cnt) // empty | "\(.run_time_ns / .run_cnt | . * 10 | floor / 10) \(.run_cnt)"'
}
s_enter=$(prog_ns handle_sys_enter)
s_exit=$(prog_ns handle_sys_exit)
echo "$stats_old" >/proc/sys/kernel/bpf_stats_enabled
kill -INT "$BG"
wait "$BG" 2>/dev/null
BG=

# captured events: the loop inside the sandbox (its stdout lands in the trace as log lines)
c_creat=
for ((i = 0; i < ROUNDS; i++)); do
	rm -rf "$T/cap"
	"$CONDUCT" run -q --timeout 120 -o "$T/cap" -- "$B" opencreat "$N_CAP" /tmp >/dev/null 2>&1
	v=$(jq -r 'select(.kind == "log" and .stream == "stdout") | .line' "$T/cap/trace.jsonl" | awk '/^opencreat/ {print $2}')
	lost=$(jq -r 'select(.kind == "run.end") | .lost' "$T/cap/trace.jsonl")
	ev=$(jq -c 'select(.kind == "file.open")' "$T/cap/trace.jsonl" | wc -l)
	[ -n "$v" ] || continue
	if [ -z "$c_creat" ] || awk -v a="$v" -v b="$c_creat" 'BEGIN{exit !(a < b)}'; then
		c_creat=$v; c_lost=$lost; c_ev=$ev
	fi
done

printf '%-58s %10s %10s %8s\n' "loop (ns per iteration, best of $ROUNDS)" without with added
row() { printf '%-58s %10s %10s %8s\n' "$1" "$2" "$3" "$(awk -v a="$2" -v b="$3" 'BEGIN{printf "%+.1f", b - a}')"; }
row "host getpid(), recorder attached elsewhere" "$h_getpid" "$a_getpid"
row "host open(O_RDONLY)+close, recorder attached elsewhere" "$h_openro" "$a_openro"
row "open(O_CREAT)+close recorded in the sandbox" "$h_creat" "${c_creat:-?}"
echo "captured: ${c_ev:-?} file.open events of $N_CAP, lost ${c_lost:-?} (default 8 MiB data ring)"
echo "program run time for a host syscall (bpf_stats, ns per run, runs): sys_enter ${s_enter:-?}, sys_exit ${s_exit:-?}"
