# SPDX-License-Identifier: GPL-2.0-only
# Without the privileges it needs, `conduct run` exits 3 and says what is missing: as an
# unprivileged user, and as root stripped of capabilities. It leaves nothing behind, and a
# command that cannot be executed is reported as such.
source tests/integration/lib.sh
source tests/integration/test_sandbox.inc

chmod 755 "$SCRATCH"
RC=0
setpriv --reuid=65534 --regid=65534 --clear-groups -- \
	"$CONDUCT" run -o "$SCRATCH/nobody" -- /bin/true >"$SCRATCH/nobody.out" 2>&1 || RC=$?
assert_eq "$RC" 3 "exit status as uid 65534"
grep -q "needs root" "$SCRATCH/nobody.out" || fail "no reason given: $(cat "$SCRATCH/nobody.out")"

# root, but without CAP_SYS_ADMIN and CAP_SETUID: the message names them
RC=0
setpriv --bounding-set=-sys_admin,-setuid --inh-caps=-all -- \
	"$CONDUCT" run -o "$SCRATCH/nocaps" -- /bin/true >"$SCRATCH/nocaps.out" 2>&1 || RC=$?
assert_eq "$RC" 3 "exit status without CAP_SYS_ADMIN"
grep -q "missing capabilities: CAP_SYS_ADMIN (namespaces and cgroups), CAP_SETUID" "$SCRATCH/nocaps.out" ||
	fail "capabilities not named: $(cat "$SCRATCH/nocaps.out")"
assert_no_leftovers

# a command that does not exist: the run ends, exec's errno is reported
crun noexec -- /nonexistent/connector
assert_eq "$(run_end exec_errno)" 2 "exec_errno"
assert_eq "$(run_end exit_code)" 127 "exit status of a failed exec"
has_err noexec "the connector could not be started: No such file or directory"
assert_no_leftovers

# a failure inside the sandbox's setup comes back as the stage that failed, with its errno
mkdir -p "$SCRATCH/locked/wd"
chown 4242 "$SCRATCH/locked"
chmod 700 "$SCRATCH/locked"
RC=0
"$CONDUCT" run -o "$SCRATCH/locked-out" --workdir "$SCRATCH/locked/wd" -- /bin/true \
	>"$SCRATCH/locked.out" 2>&1 || RC=$?
assert_eq "$RC" 3 "exit status when the workdir cannot be reached"
grep -q "inside the sandbox, binding the work directory failed: Permission denied" "$SCRATCH/locked.out" ||
	fail "no stage error: $(cat "$SCRATCH/locked.out")"
assert_no_leftovers
