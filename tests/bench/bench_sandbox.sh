#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# What one `conduct run` costs around the connector (numbers into BENCHMARKS.md, never asserted):
#   1. wall time of `conduct run -q -o DIR -- /bin/true` (sandbox set-up, eBPF load and attach,
#      the connector, linger, inventory, judge, three reports, tear-down), ROUNDS times;
#   2. the same with `/usr/bin/java -Xmx64m -version` as the connector (JAVA_ROUNDS times);
#   3. from each /bin/true trace, where the time goes: `t` (ns since the trace writer opened,
#      right after the sandbox was created) of the connector's proc.exec = eBPF load/attach +
#      sandbox start; run.end's duration_ns = the connector's own life; run.end's t = when
#      recording stopped; the rest of the wall time = sandbox creation before the trace opened
#      + judge + reports + tear-down;
#   4. once, under `strace -f -ttt -T -e trace=bpf,execve`: the span from the first to the last
#      bpf(2) call before the connector's execve (loading and attaching every program), and the
#      time spent inside bpf(2) (BPF_PROG_LOAD = the kernel's verifier).
# Needs root. Default `--net none`: nothing leaves the machine.
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
CONDUCT="$PWD/$BUILD/conduct"
ROUNDS=${ROUNDS:-15}
JAVA_ROUNDS=${JAVA_ROUNDS:-5}
JAVA=${JAVA:-/usr/bin/java}
[ "$(id -u)" = 0 ] || { echo "bench_sandbox: needs root"; exit 0; }
[ -x "$CONDUCT" ] || { echo "bench_sandbox: build first (make)"; exit 1; }
T=$(mktemp -d /tmp/conduct-bench-sandbox.XXXXXX)
chmod 0755 "$T"
trap 'rm -rf "$T"' EXIT

now_ns() { date +%s%N; }

# run LABEL I CMD...: one `conduct run`, appends "wall_ms exec_t_ms dur_ms end_t_ms" to $T/LABEL
run() {
	local label=$1 i=$2 a b rc
	shift 2
	rm -rf "$T/o"
	a=$(now_ns)
	"$CONDUCT" run -q -o "$T/o" -- "$@" >"$T/stdout" 2>"$T/stderr"
	rc=$?
	b=$(now_ns)
	if [ "$rc" -gt 1 ]; then
		echo "bench_sandbox: conduct run $* exited $rc:"
		tail -n 5 "$T/stderr"
		exit 1
	fi
	jq -rs --arg w "$(((b - a) / 1000))" '
		(map(select(.kind == "proc.exec"))[0].t // null) as $x
		| (map(select(.kind == "run.end"))[0]) as $e
		| [($w | tonumber) / 1000, (if $x then $x / 1e6 else -1 end),
		   $e.duration_ns / 1e6, $e.t / 1e6] | map(tostring) | join(" ")' \
		"$T/o/trace.jsonl" >>"$T/$label"
}

# stats FILE COLUMN: "median min max" of a column (ms)
stats() {
	awk -v c="$2" '{print $c}' "$1" | sort -g | awk '{v[NR] = $1}
		END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		      printf "%8.1f %8.1f %8.1f", m, v[1], v[NR] }'
}

run true -1 /bin/true # warm the page cache; not counted
: >"$T/true"
for ((i = 0; i < ROUNDS; i++)); do run true "$i" /bin/true; done
if [ -x "$JAVA" ] && [ "$JAVA_ROUNDS" -gt 0 ]; then
	run java -1 "$JAVA" -Xmx64m -version
	: >"$T/java"
	for ((i = 0; i < JAVA_ROUNDS; i++)); do run java "$i" "$JAVA" -Xmx64m -version; done
fi

echo "ms, median / min / max over the rounds"
printf '%-58s %8s %8s %8s\n' "" median min max
printf '%-58s %s\n' "conduct run -- /bin/true: wall ($ROUNDS rounds)" "$(stats "$T/true" 1)"
printf '%-58s %s\n' "  trace t of the connector's exec (eBPF load + start)" "$(stats "$T/true" 2)"
printf '%-58s %s\n' "  connector lifetime (run.end duration_ns)" "$(stats "$T/true" 3)"
printf '%-58s %s\n' "  trace t of run.end (recording stopped)" "$(stats "$T/true" 4)"
awk '{print $1 - $4}' "$T/true" >"$T/rest"
printf '%-58s %s\n' "  wall - run.end t (set-up before t0, judge, reports, exit)" \
	"$(stats "$T/rest" 1)"
if [ -s "$T/java" ]; then
	printf '%-58s %s\n' "conduct run -- java -Xmx64m -version: wall ($JAVA_ROUNDS)" \
		"$(stats "$T/java" 1)"
	printf '%-58s %s\n' "  connector lifetime (run.end duration_ns)" "$(stats "$T/java" 3)"
	printf '%-58s %s\n' "  trace t of the connector's exec" "$(stats "$T/java" 2)"
	a=$(now_ns)
	for ((i = 0; i < JAVA_ROUNDS; i++)); do "$JAVA" -Xmx64m -version >/dev/null 2>&1; done
	b=$(now_ns)
	printf '%-58s %8.1f (mean)\n' "java -Xmx64m -version alone, on the host" \
		"$(awk -v d="$((b - a))" -v n="$JAVA_ROUNDS" 'BEGIN{print d / n / 1e6}')"
fi

if command -v strace >/dev/null; then
	rm -rf "$T/o"
	strace -f -ttt -T -e trace=bpf,execve -o "$T/strace" "$CONDUCT" run -q -o "$T/o" -- /bin/true \
		>/dev/null 2>&1
	awk '/execve\("\/bin\/true"/ && !x { x = $2 }
	     /bpf\(/ && !x { if (!f) f = $2; l = $2; n++ }
	     /bpf\(/ && !x && match($0, /<[0-9.]+>$/) {
		d = substr($0, RSTART + 1, RLENGTH - 2); s += d
		if ($0 ~ /BPF_PROG_LOAD/) { p++; ps += d } }
	     END { if (n) printf "under strace: %d bpf(2) calls before the connector'"'"'s exec, first to last %.1f ms, %.1f ms inside bpf(2), of which %d BPF_PROG_LOAD %.1f ms; last bpf to exec %.1f ms\n", n, (l - f) * 1e3, s * 1e3, p, ps * 1e3, (x - l) * 1e3 }' \
		"$T/strace"
fi
