# SPDX-License-Identifier: GPL-2.0-only
# The recorder's process events: a grandchild that outlives its parent is attributed to the run
# (fork chain, its file write, its exit code); a memfd executed through fexecve is marked memfd
# and fd_exec; a file written during the run and executed is marked written_during_run, and
# executing it by fd after unlinking it is marked fd_exec and deleted.
source tests/integration/lib.sh
source tests/integration/test_record.inc

rrun gc -- "$HELPERS/rec_procs" grandchild "$SCRATCH/gc/work"
assert_eq "$(run_end_field exit_code)" 0 "the connector exit status ($(cat "$SCRATCH/gc.err"))"
assert_no_loss
L=$(out_lines | grep '^child ')
[ -n "$L" ] || fail "rec_procs printed nothing: $(cat "$SCRATCH/gc.err")"
read -r _ C _ G <<<"$L"
assert_eq "$(evn ".kind == \"proc.fork\" and .pid == 2 and .child == $C and .thread == false")" 1 "fork of the child"
assert_eq "$(evn ".kind == \"proc.fork\" and .pid == $C and .child == $G and .thread == false")" 1 "fork of the grandchild"
assert_eq "$(evn ".kind == \"proc.exit\" and .pid == $C and .code == 0")" 1 "the child's exit"
E=$(ev ".kind == \"file.open\" and .path == \"$W/grandchild.txt\"")
assert_eq "$(jq -r .pid <<<"$E")" "$G" "the grandchild's write is its own"
assert_eq "$(jq -r .intent <<<"$E")" create "the grandchild's write"
assert_eq "$(evn ".kind == \"proc.exit\" and .pid == $G and .code == 7 and .signal == 0")" 1 "the grandchild's exit"
# the grandchild wrote after the main process exited (both events must exist: jq orders null
# below any number, so a missing exit would otherwise compare as "earlier")
assert_eq "$(evn '.kind == "proc.exit" and .pid == 2')" 1 "the main process's exit"
assert_eq "$(evn ".kind == \"file.open\" and .pid == $G")" 1 "the grandchild's write"
assert_eq "$(jq -s "[.[] | select(.kind == \"proc.exit\" and .pid == 2)][0].t < [.[] | select(.kind == \"file.open\" and .pid == $G)][0].t" "$T")" true "write after the main exit"
assert_eq "$(ev '.kind == "file.inventory"' | jq -r .path)" "$W/grandchild.txt" "inventory"

rrun memfd -- "$HELPERS/rec_procs" memfd "$SCRATCH/memfd/work"
assert_eq "$(run_end_field exit_code)" 0 "the connector exit status ($(cat "$SCRATCH/memfd.err"))"
assert_eq "$(evn '.kind == "file.memfd" and .path == "memfd:payload" and .ret >= 0')" 1 "memfd_create"
E=$(ev '.kind == "proc.exec" and .pid == 2 and .ret == 0 and .memfd == true')
assert_eq "$(jq -r .fd_exec <<<"$E")" true "memfd exec by fd"
assert_eq "$(jq -r .path <<<"$E")" "memfd:payload" "memfd exec path"
assert_eq "$(jq -r .written_during_run <<<"$E")" true "memfd written during the run"
assert_eq "$(jq -c .argv <<<"$E")" '["true","from-helper"]' "memfd exec argv"

rrun dropped -- "$HELPERS/rec_procs" dropped "$SCRATCH/dropped/work"
assert_eq "$(run_end_field exit_code)" 0 "the connector exit status ($(cat "$SCRATCH/dropped.err"))"
E=$(ev ".kind == \"proc.exec\" and .path == \"$W/dropped\" and .fd_exec == false")
assert_eq "$(jq -r .written_during_run <<<"$E")" true "dropped file executed"
assert_eq "$(jq -r .deleted <<<"$E")" false "not yet deleted"
assert_eq "$(jq -r .ret <<<"$E")" 0 "exec of the dropped file"
E=$(ev ".kind == \"proc.exec\" and .fd_exec == true")
assert_eq "$(jq -r .path <<<"$E")" "$W/dropped" "exec by fd names the file"
assert_eq "$(jq -r .deleted <<<"$E")" true "exec of an unlinked file"
assert_eq "$(jq -r .written_during_run <<<"$E")" true "exec by fd of the dropped file"
assert_eq "$(evn ".kind == \"file.unlink\" and .path == \"$W/dropped\" and .ret == 0")" 1 "unlink"
# a failed exec is recorded with its error and the argv the caller passed
rrun failexec -- /bin/sh -c '/nonexistent/prog a b; exit 0'
assert_eq "$(ev '.kind == "proc.exec" and .path == "/nonexistent/prog"' | jq -c '[.ret, .argv]')" '[-2,["/nonexistent/prog","a","b"]]' "failed exec"
assert_no_leftovers
