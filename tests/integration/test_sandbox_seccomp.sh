# SPDX-License-Identifier: GPL-2.0-only
# The seccomp filter: every refused call returns EPERM inside AND appears in the trace as a
# sandbox.denied event with its name, arguments and the caller's pid inside; the controls
# (raw netlink, an ordinary ioctl, UDP sockets) still work; clone3 gets ENOSYS; a call through
# the x32 ABI or int 0x80 kills the process and the run says so.
source tests/integration/lib.sh
source tests/integration/test_sandbox.inc

crun try -- "$HELPERS/sb_trysys"
R=$(jq -r 'select(.kind == "log" and .stream == "stdout") | .line' "$T" | grep '^{"results"')
[ -n "$R" ] || fail "no sb_trysys output: $(cat "$SCRATCH/try.err")"
n=$(jq '.results | length' <<<"$R")
[ "$n" -ge 32 ] || fail "only $n calls tried"
bad=$(jq -r '.results[] | select(.errno != "EPERM") | "\(.call)=\(.errno)"' <<<"$R")
[ -z "$bad" ] || fail "refused calls that did not return EPERM: $bad"
assert_eq "$(jq -r '.controls[] | "\(.call)=\(.errno)"' <<<"$R" | paste -sd' ')" \
	"socket(AF_NETLINK,SOCK_RAW)=ok socket(AF_INET,SOCK_DGRAM)=ok ioctl(FIONREAD)=ENOTTY clone3=ENOSYS" \
	"controls"
# one sandbox.denied per refused call, in order, with the caller's pid inside
assert_eq "$(jq -r 'select(.kind == "sandbox.denied") | .syscall' "$T" | paste -sd' ')" \
	"$(jq -r '.results[].syscall' <<<"$R" | paste -sd' ')" "sandbox.denied syscalls"
assert_eq "$(trace_count "$T" sandbox.denied '.pid == 2 and (.args | length) == 6')" "$n" \
	"sandbox.denied events with pid 2 and six arguments"
# the arguments are the ones passed: ioctl(0, TIOCSTI=0x5412), socket(AF_PACKET=17), unshare(CLONE_NEWNS)
assert_eq "$(jq -c 'select(.kind == "sandbox.denied" and .syscall == "ioctl") | .args[0:2]' "$T" | paste -sd' ')" \
	"[0,21522] [0,21532]" "ioctl arguments"
assert_eq "$(jq -c 'select(.kind == "sandbox.denied" and .syscall == "socket") | .args[0]' "$T" | paste -sd' ')" \
	"17 2 10" "socket domains"
assert_eq "$(jq -c 'select(.kind == "sandbox.denied" and .syscall == "unshare") | .args[0]' "$T")" \
	131072 "unshare flags"
assert_eq "$(run_end exit_code)" 0 "sb_trysys exit status"
assert_no_leftovers

for mode in x32 int80; do
	crun "$mode" -- "$HELPERS/sb_trysys" "$mode"
	assert_eq "$(trace_count "$T" log '.line | test("calling getpid")')" 1 "$mode: the attempt"
	assert_eq "$(trace_count "$T" log '.line | test("survived")')" 0 "$mode: survived"
	assert_eq "$(run_end signal)" 31 "$mode: killed by SIGSYS"
	assert_eq "$(run_end bad_arch_killed)" true "$mode: bad_arch_killed"
	assert_eq "$(trace_count "$T" proc.exit '.signal == 31')" 1 "$mode: proc.exit"
	has_err "$mode" "foreign-architecture system call"
	assert_no_leftovers
done
assert_no_helper_procs
