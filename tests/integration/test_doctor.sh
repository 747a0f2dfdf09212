# SPDX-License-Identifier: GPL-2.0-only
# conduct doctor on this machine: every feature `conduct run` needs is proven ok, kprobe,
# fentry and BPF LSM are reported missing (and not relied on), exit 0; without root it exits 3
# and names what is missing; tracefs is mounted when absent; the probes leave nothing behind.
source tests/integration/lib.sh

out="$SCRATCH/doctor.txt"
rc=0
"$CONDUCT" doctor >"$out" 2>"$SCRATCH/doctor.err" || rc=$?
cat "$out"
assert_eq "$rc" 0 "exit status of conduct doctor as root"

# has_line TEXT: exactly this line is in the output
has_line() { grep -qxF -- "$1" "$out" || fail "missing line: '$1'"; }
has_re() { grep -qE -- "$1" "$out" || fail "no line matches /$1/"; }

has_line "ok       root                   uid 0 with the capabilities conduct run needs"
has_re '^ok       btf                    /sys/kernel/btf/vmlinux \([0-9]+ types\)$'
has_re '^ok       tracefs                /sys/kernel/tracing( \(was not mounted: mounted it now\))?$'
has_line "ok       bpf tracepoint         loaded and attached (syscalls/sys_enter_execve)"
has_line "ok       bpf raw_tracepoint     loaded and attached (sys_enter)"
has_line "ok       bpf tp_btf             loaded and attached (sched_process_exec)"
has_line "ok       bpf cgroup_skb         loaded and attached to a cgroup"
has_line "ok       bpf cgroup/connect4    loaded and attached to a cgroup"
has_line "ok       bpf cgroup/sendmsg4    loaded and attached to a cgroup"
has_line "ok       bpf cgroup/connect6    loaded and attached to a cgroup"
has_line "ok       bpf cgroup/sendmsg6    loaded and attached to a cgroup"
has_line "ok       bpf socket_filter      loaded and attached to a socket"
has_line "ok       bpf ringbuf            created (64 KiB)"
has_re '^ok       uprobe                 perf uprobe \(type [0-9]+\) attached$'
has_line "missing  kprobe                 no kprobe event source; not relied on"
has_line "missing  fentry                 load failed: Operation not permitted; not relied on"
has_line "missing  bpf lsm                load failed: Operation not permitted; not relied on"
has_re '^ok       cgroup v2              /sys/fs/cgroup/unified \(controllers: [a-z_ ]+\)$'
has_line "ok       cgroup.kill            present"
has_line "ok       cgroup memory          v1 (/sys/fs/cgroup/memory)"
has_line "ok       cgroup pids            v1 (/sys/fs/cgroup/pids)"
has_line "ok       cgroup cpu             v1 (/sys/fs/cgroup/cpu)"
for ns in user pid mount net ipc uts cgroup; do
	has_line "$(printf 'ok       %-22s unshared' "namespace $ns")"
done
has_line "ok       seccomp user notif     filter installed, a notification answered"
has_re '^ok       landlock               ABI [0-9]+$'
has_line "ok       veth                   created and deleted in a throwaway netns"
has_line "ok       nft                    /usr/sbin/nft, masquerade table loads"
assert_eq "$(tail -n 1 "$out")" "conduct run can work here" "verdict line"
# one line per feature, nothing else: 33 features and the verdict
assert_eq "$(wc -l <"$out")" 34 "number of lines"
assert_eq "$(grep -c $'\033' "$out" || true)" 0 "escape sequences when not a tty"
assert_eq "$(cat "$SCRATCH/doctor.err")" "" "stderr"

# the probes leave no cgroup, veth, nft table or scratch file behind
assert_no_leftovers
ls -d /sys/fs/cgroup/unified/conduct-doctor-* 2>/dev/null && fail "probe cgroup left behind"
ls /tmp/conduct-doctor-* 2>/dev/null && fail "uprobe scratch file left behind"
if nft list tables | grep -q conduct_probe; then fail "probe nft table in the host namespace"; fi

# tracefs absent: doctor mounts it and says so (in a private mount namespace, so the machine's
# own tracefs mount is untouched)
cat >"$SCRATCH/notrace.sh" <<'EOF'
set -e
awk '{ for (i = 7; i < NF; i++) if ($i == "-") { if ($(i + 1) == "tracefs") print $5; break } }' \
	/proc/self/mountinfo | sort -r | while read -r mp; do umount "$mp"; done
if grep -q ' - tracefs ' /proc/self/mountinfo; then exit 9; fi
exec "$1" doctor
EOF
unshare --mount --propagation private bash "$SCRATCH/notrace.sh" "$CONDUCT" >"$SCRATCH/notrace.txt" ||
	fail "doctor without tracefs: exit $?"
grep -qxF "ok       tracefs                /sys/kernel/tracing (was not mounted: mounted it now)" \
	"$SCRATCH/notrace.txt" || fail "tracefs line without tracefs: $(grep tracefs "$SCRATCH/notrace.txt")"
grep -qxF "ok       bpf tracepoint         loaded and attached (syscalls/sys_enter_execve)" \
	"$SCRATCH/notrace.txt" || fail "classic tracepoint after mounting tracefs"

# an nft that cannot load the table (private mount namespace): nat is out, run still works
printf '#!/bin/sh\necho "Error: Could not process rule: No such file or directory" >&2\nexit 1\n' \
	>"$SCRATCH/nft"
chmod 755 "$SCRATCH/nft"
rc=0
unshare --mount --propagation private -- bash -c 'mount --bind "$1" /usr/sbin/nft && exec "$2" doctor' \
	- "$SCRATCH/nft" "$CONDUCT" >"$SCRATCH/nonft.txt" 2>&1 || rc=$?
assert_eq "$rc" 0 "exit status without a working nft"
grep -qxF "missing  nft                    /usr/sbin/nft cannot load a masquerade table: Error: Could not process rule: No such file or directory: --net nat is unavailable" \
	"$SCRATCH/nonft.txt" || fail "nft line: $(grep nft "$SCRATCH/nonft.txt")"
assert_eq "$(tail -n 1 "$SCRATCH/nonft.txt")" "conduct run can work here; --net nat cannot" "verdict without nft"

# without root: exit 3, the root line says why, and the verdict says conduct run cannot work
rc=0
setpriv --reuid=65534 --regid=65534 --clear-groups "$CONDUCT" doctor >"$SCRATCH/nobody.txt" 2>&1 || rc=$?
assert_eq "$rc" 3 "exit status of conduct doctor as nobody"
grep -qxF "missing  root                   uid 65534: conduct run exits 3; run it as root" \
	"$SCRATCH/nobody.txt" || fail "root line as nobody: $(grep root "$SCRATCH/nobody.txt")"
assert_match "$(grep 'bpf ringbuf' "$SCRATCH/nobody.txt")" '^missing  bpf ringbuf            map creation failed: Operation not permitted' "ringbuf as nobody"
assert_match "$(tail -n 1 "$SCRATCH/nobody.txt")" '^conduct run cannot work here: [0-9]+ required features missing$' "verdict as nobody"
assert_no_leftovers

# root without capabilities the sandbox needs (CAP_SYS_PTRACE, CAP_CHOWN): doctor says so, as
# conduct run would (exit 3), from the sandbox's own list
out=$(setpriv --inh-caps=-sys_ptrace,-chown --bounding-set=-sys_ptrace,-chown "$CONDUCT" doctor) && rc=0 || rc=$?
assert_eq "$rc" 3 "doctor exit without CAP_SYS_PTRACE/CAP_CHOWN"
assert_eq "$(grep -m1 ' root ' <<<"$out")" \
	"missing  root                   uid 0 lacking CAP_CHOWN CAP_SYS_PTRACE: conduct run exits 3 (a container or the capability bounding set took them)" \
	"doctor's root line"
