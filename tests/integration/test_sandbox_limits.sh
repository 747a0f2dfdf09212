# SPDX-License-Identifier: GPL-2.0-only
# The run's limits: a fork bomb is held by pids.max, a memory balloon is killed at memory.max,
# a connector that ignores SIGTERM is killed at --timeout (and the run says it timed out), a
# double-forked daemon does not outlive the run, and a flood of output loses no line.
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
assert_no_leftovers
assert_no_helper_procs

# -- memory balloon: killed by the OOM killer inside the run's memory limit
crun balloon --memory 64M -- "$HELPERS/sb_stress" balloon 1024
assert_eq "$(run_end signal)" 9 "balloon killed by SIGKILL"
assert_eq "$(run_end timed_out)" false "balloon timed out"
assert_eq "$(trace_count "$T" log '.line | test("survived")')" 0 "balloon survived"
has_err balloon "hit its memory limit (67108864 bytes)"
assert_eq "$(header .sandbox.limits.memory)" 67108864 "header memory limit"
assert_no_leftovers

# -- SIGTERM ignored: killed at the deadline, the run says so
crun deadline --timeout 2 -- "$HELPERS/sb_stress" ignoreterm
assert_eq "$(run_end timed_out)" true "timed_out"
assert_eq "$(run_end signal)" 9 "killed by SIGKILL at the deadline"
d=$(run_end duration_ns)
[ "$d" -ge 2000000000 ] || fail "the run ended before its deadline: $d ns"
has_err deadline "the run timed out"
assert_no_leftovers
assert_no_helper_procs

# -- a double-forked daemon is killed when the run ends
crun daemon --linger 1 -- "$HELPERS/sb_stress" daemon
assert_eq "$(run_end exit_code)" 0 "the main process's status"
assert_eq "$(run_end killed_leftovers)" true "killed_leftovers"
assert_eq "$(trace_count "$T" log '.line | test("^daemon: grandchild [0-9]+$")')" 1 "the grandchild started"
has_err daemon "processes that outlived the connector were killed"
assert_no_leftovers
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
assert_no_leftovers

# -- beyond --log-limit, lines are counted, not written, and the loss is in the trace
crun limited --log-limit 64K -- "$HELPERS/sb_stress" flood 5000
assert_eq "$(trace_count "$T" monitor.loss '.where == "log" and .lost > 0')" 1 "monitor.loss for the log"
[ "$(run_end log_dropped)" -gt 0 ] || fail "log_dropped is $(run_end log_dropped)"
assert_no_leftovers
