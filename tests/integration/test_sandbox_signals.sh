# SPDX-License-Identifier: GPL-2.0-only
# SIGINT or SIGTERM to conduct mid-run: every process of the run is killed, the trace is still
# complete (run.end says interrupted), nothing is left behind. SIGKILL of conduct: the run's
# processes die with it (its init has PDEATHSIG), and the next conduct removes the cgroups the
# killed one could not.
source tests/integration/lib.sh
source tests/integration/test_sandbox.inc

# Starts conduct in the background on a connector that ignores SIGTERM; waits for its output.
start_bg() {
	local name=$1 i
	shift
	"$CONDUCT" run -q -o "$SCRATCH/$name" --timeout 60 "$@" -- "$HELPERS/sb_stress" ignoreterm \
		>"$SCRATCH/$name.stdout" 2>"$SCRATCH/$name.err" &
	BG=$!
	T="$SCRATCH/$name/trace.jsonl"
	for i in $(seq 100); do
		[ -f "$T" ] && grep -q 'ignoring SIGTERM' "$T" && return 0
		sleep 0.1
	done
	fail "$name: the connector did not start: $(cat "$SCRATCH/$name.err")"
}

# the limits are in place while the run goes on, and only the connector is in the run's leaf
start_bg limits --memory 256M --pids 100 --cpu 50
leaf=$(header .sandbox.cgroup.v2)
procs=$(cat "$leaf/cgroup.procs")
assert_eq "$(wc -w <<<"$procs")" 1 "processes in the run's leaf"
assert_eq "$(tr '\0' ' ' <"/proc/$procs/cmdline")" "$HELPERS/sb_stress ignoreterm " "the leaf's process"
assert_ne "$procs" "$(header .sandbox.init_pid)" "init in the leaf"
mem=$(header '.sandbox.cgroup.v1.memory // empty')
if [ -n "$mem" ]; then
	assert_eq "$(cat "$mem/memory.limit_in_bytes")" 268435456 "memory.limit_in_bytes"
	assert_eq "$(cat "$(header .sandbox.cgroup.v1.pids)/pids.max")" 100 "pids.max"
	assert_eq "$(cat "$(header .sandbox.cgroup.v1.cpu)/cpu.cfs_quota_us")" 50000 "cpu.cfs_quota_us"
	grep -qx "$procs" "$mem/cgroup.procs" || fail "the connector is not in $mem"
else
	assert_eq "$(cat "$leaf/memory.max")" 268435456 "memory.max"
	assert_eq "$(cat "$leaf/pids.max")" 100 "pids.max"
	assert_eq "$(cat "$leaf/cpu.max")" "50000 100000" "cpu.max"
fi
kill -TERM "$BG"
wait "$BG" || true
assert_no_leftovers

for sig in INT TERM; do
	start_bg "sig$sig"
	kill -s "$sig" "$BG"
	RC=0
	timeout 30 tail --pid="$BG" -f /dev/null || fail "conduct did not stop after SIG$sig"
	wait "$BG" || RC=$?
	assert_eq "$RC" 1 "SIG$sig: exit status (an incomplete record) $(cat "$SCRATCH/sig$sig.err")"
	assert_eq "$(jq -r .verdict "$SCRATCH/sig$sig/report.json")" incomplete "SIG$sig: verdict"
	assert_eq "$(run_end interrupted)" true "SIG$sig: interrupted"
	assert_eq "$(run_end signal)" 9 "SIG$sig: the connector was killed"
	assert_eq "$(trace_count "$T" proc.exit)" 1 "SIG$sig: proc.exit"
	has_err "sig$sig" "stopping the run"
	assert_no_leftovers
	assert_no_helper_procs
done

# SIGKILL: no process survives conduct; its cgroups are removed by the next run
start_bg kill
leaf=$(head -n 1 "$T" | jq -r .sandbox.cgroup.v2)
[ -d "$leaf" ] || fail "no cgroup leaf $leaf"
kill -KILL "$BG"
wait "$BG" 2>/dev/null || true
# the run's processes die with conduct (init's PR_SET_PDEATHSIG takes the pid namespace
# down), before any later run could clean up: the leaf itself must empty
for i in $(seq 50); do
	[ -z "$(cat "$leaf/cgroup.procs" 2>/dev/null)" ] && break
	sleep 0.1
done
assert_eq "$(cat "$leaf/cgroup.procs")" "" "processes left in the SIGKILLed run's leaf"
assert_no_helper_procs
crun after -- /bin/true
[ ! -d "$leaf" ] || fail "the SIGKILLed run's cgroup $leaf is still there"
assert_no_leftovers
