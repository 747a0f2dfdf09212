# SPDX-License-Identifier: GPL-2.0-only
# The run's limits: a fork bomb is held by pids.max, a memory balloon is killed by the memory
# limit's OOM killer, --cpu holds a busy loop to its share, a connector that ignores SIGTERM is
# killed at --timeout (and the run says it timed out), a double-forked daemon does not outlive
# the run, and a flood of output loses no line.
source tests/integration/lib.sh
source tests/integration/test_sandbox.inc

# -- fork bomb: at most --pids processes, the rest of the forks fail with EAGAIN
crun bomb --pids 64 --linger 0.5 -- "$HELPERS/sb_stress" forkbomb
line=$(jq -r 'select(.kind == "log") | .line' "$T" | grep '^forkbomb:')
assert_match "$line" '^forkbomb: forked ([0-9]+), then fork failed: Resource temporarily unavailable$' "fork bomb"
n=$(sed -E 's/^forkbomb: forked ([0-9]+),.*/\1/' <<<"$line")
assert_eq "$n" 63 "children forked under --pids 64 (the main process is the 64th)"
has_err bomb "hit its process limit (64)"
assert_eq "$(run_end killed_leftovers)" true "the sleeping children were killed"
assert_eq "$(header .sandbox.limits.pids)" 64 "header pids limit"
assert_run_gone
assert_no_helper_procs

# -- memory balloon: killed by the OOM killer inside the run's memory limit. A watcher process
# (forked before the balloon) keeps the run, and so its cgroups, alive 3 s after the balloon
# died, so the memory cgroup's own counters are read here, independently of conduct: the v1
# memory leaf on a hybrid host like ours (memory.oom_control, memory.limit_in_bytes,
# memory.max_usage_in_bytes), the v2 leaf where v2 holds the memory controller.
RC=0
timeout -k 5 90 "$CONDUCT" run -q -o "$SCRATCH/balloon" --memory 64M --linger 6 \
	-- "$HELPERS/sb_stress" oomwatch 1024 >"$SCRATCH/balloon.stdout" 2>"$SCRATCH/balloon.err" &
crun_pid=$!
on_exit "kill $crun_pid 2>/dev/null"
T="$SCRATCH/balloon/trace.jsonl"
memcg=""
oom=""
for ((i = 0; i < 400; i++)); do # 20 s at most
	if [ -z "$memcg" ] && [ -s "$T" ]; then
		memcg=$(head -n 1 "$T" | jq -r '.sandbox.cgroup | .v1.memory //
			(if (.v2_controllers | index("memory")) then .v2 else empty end)' 2>/dev/null || true)
		case "$memcg" in
		"") ;;
		*/memory/*) oomf=memory.oom_control limitf=memory.limit_in_bytes peakf=memory.max_usage_in_bytes ;;
		*) oomf=memory.events limitf=memory.max peakf=memory.peak ;;
		esac
	fi
	if [ -n "$memcg" ] && [ -r "$memcg/$oomf" ]; then
		oom=$(awk '$1 == "oom_kill" {print $2}' "$memcg/$oomf" 2>/dev/null || true)
		if [ -n "$oom" ] && [ "$oom" -gt 0 ]; then
			sleep 0.2 # a second kill, if any, would show up by now
			oom=$(awk '$1 == "oom_kill" {print $2}' "$memcg/$oomf")
			maxuse=$(cat "$memcg/$peakf")
			limit=$(cat "$memcg/$limitf")
			break
		fi
	fi
	kill -0 "$crun_pid" 2>/dev/null || break
	sleep 0.05
done
wait "$crun_pid" || RC=$?
[ "$RC" -lt 3 ] || { cat "$SCRATCH/balloon.err" >&2; fail "conduct run (balloon) exited $RC"; }
[ -n "$memcg" ] || fail "the trace header names no cgroup holding the memory controller"
assert_match "$memcg" '/conduct/run-[^/]+$' "the run's memory cgroup"
assert_eq "$oom" 1 "oom_kill in the run's $memcg/$oomf (the kernel's memcg OOM killer)"
assert_eq "$limit" 67108864 "$limitf of the run's memory cgroup"
# (on this kernel the v1 memory.failcnt stays 0 even when the limit is hit: not evidence)
if [ "$maxuse" -lt $((63 << 20)) ] || [ "$maxuse" -gt 67108864 ]; then
	fail "$peakf $maxuse is not near the 64 MiB limit"
fi
assert_eq "$(trace_count "$T" log '.line == "oomwatch: balloon gone"')" 1 "the watcher saw the balloon die"
assert_eq "$(run_end signal)" 9 "balloon killed by SIGKILL"
assert_eq "$(run_end timed_out)" false "balloon timed out"
assert_eq "$(trace_count "$T" log '.line | test("survived")')" 0 "balloon survived"
has_err balloon "the run hit its memory limit (67108864 bytes): 1 process killed by the kernel's OOM killer"
assert_eq "$(header .sandbox.limits.memory)" 67108864 "header memory limit"
[ ! -e "$memcg" ] || fail "memory cgroup $memcg left behind"
assert_run_gone
assert_no_helper_procs

# -- --cpu is enforced: a 2 s busy loop under --cpu 20 gets at most ~20 % of one CPU (CFS
# quota; 30 % allowed for slop), and under --cpu 100 clearly more (a loaded 2-core machine may
# give it less than a whole CPU: 35 % is enough to show the cap is what held the first run, and
# one retry absorbs a burst of load).
# spin_pct NAME: the CPU time the spin helper got, in percent of its wall time.
spin_pct() {
	local l
	l=$(jq -r 'select(.kind == "log") | .line' "$SCRATCH/$1/trace.jsonl" | grep '^spin: ')
	assert_match "$l" '^spin: wall_ms [0-9]+ cpu_ms [0-9]+$' "$1: spin output"
	read -r _ _ w _ c <<<"$l"
	[ "$w" -ge 2000 ] || fail "$1: spun $w ms only"
	echo $((c * 100 / w))
}
crun cpu20 --cpu 20 -- "$HELPERS/sb_stress" spin 2
assert_eq "$(header .sandbox.limits.cpu_percent)" 20 "header cpu limit"
p20=$(spin_pct cpu20)
[ "$p20" -le 30 ] || fail "--cpu 20: the busy loop got $p20 % of one CPU"
for try in 1 2; do
	crun cpu100 --cpu 100 -- "$HELPERS/sb_stress" spin 2
	p100=$(spin_pct cpu100)
	[ "$p100" -lt 35 ] || break
	echo "--cpu 100: the busy loop got $p100 % of one CPU (try $try): the machine is loaded" >&2
done
[ "$p100" -ge 35 ] || fail "--cpu 100: the busy loop got only $p100 % of one CPU (--cpu 20: $p20 %)"
echo "cpu: --cpu 20 gave $p20 %, --cpu 100 gave $p100 % of one CPU"
assert_run_gone

# -- SIGTERM ignored: killed at the deadline, the run says so
crun deadline --timeout 2 -- "$HELPERS/sb_stress" ignoreterm
assert_eq "$(run_end timed_out)" true "timed_out"
assert_eq "$(run_end signal)" 9 "killed by SIGKILL at the deadline"
d=$(run_end duration_ns)
[ "$d" -ge 2000000000 ] || fail "the run ended before its deadline: $d ns"
has_err deadline "the run timed out"
assert_run_gone
assert_no_helper_procs

# -- a double-forked daemon is killed when the run ends
crun daemon --linger 1 -- "$HELPERS/sb_stress" daemon
assert_eq "$(run_end exit_code)" 0 "the main process's status"
assert_eq "$(run_end killed_leftovers)" true "killed_leftovers"
assert_eq "$(trace_count "$T" log '.line | test("^daemon: grandchild [0-9]+$")')" 1 "the grandchild started"
has_err daemon "processes that outlived the connector were killed"
assert_run_gone
assert_no_helper_procs

# -- a flood of output: every line in the trace, in order, split at 16 KiB
crun flood -- "$HELPERS/sb_stress" flood 50000
assert_eq "$(trace_count "$T" log '.stream == "stdout" and (.line | startswith("out "))')" 50000 "stdout lines"
assert_eq "$(trace_count "$T" log '.stream == "stderr"')" 50000 "stderr lines"
assert_eq "$(jq -r 'select(.kind == "log" and .stream == "stderr") | .line' "$T" | tail -n 1)" "err 049999" "the last stderr line"
assert_eq "$(jq -c 'select(.kind == "log" and (.line | startswith("xxxx"))) | [(.line | length), .partial]' "$T" | paste -sd' ')" \
	"[16384,true] [16384,true] [7232,null]" "a 40000-byte line"
assert_eq "$(trace_count "$T" log '.line == "bad utf8: \\xff\\xfe end"')" 1 "non-UTF-8 bytes escaped"
assert_eq "$(trace_count "$T" log '.line == "no newline at the end"')" 1 "an unterminated last line"
assert_eq "$(trace_count "$T" monitor.loss)" 0 "losses"
assert_run_gone

# -- beyond --log-limit, lines are counted, not written, and the loss is in the trace
crun limited --log-limit 64K -- "$HELPERS/sb_stress" flood 5000
assert_eq "$(trace_count "$T" monitor.loss '.where == "log" and .lost > 0')" 1 "monitor.loss for the log"
[ "$(run_end log_dropped)" -gt 0 ] || fail "log_dropped is $(run_end log_dropped)"
assert_run_gone
