# SPDX-License-Identifier: GPL-2.0-only
# A flood of file events through a deliberately tiny data ring (--ringbuf 4K): the drops are
# counted and reported as monitor.loss (and in run.end), nothing is hidden, and the critical
# events that follow the flood (a connect and an exec) still arrive through their own ring; the
# verdict is incomplete. A path longer than the recorder's bound is a loss of its own.
source tests/integration/lib.sh
source tests/integration/test_record.inc

N=20000
rrun flood --ringbuf 4K -- "$HELPERS/rec_flood" /tmp "$N"
assert_eq "$(run_end_field exit_code)" 0 "the connector exit status ($(cat "$SCRATCH/flood.err"))"
SEEN=$(evn '.kind == "file.open" and (.path | test("^/tmp/f[0-9]+$"))')
LOST=$(jq -s '[.[] | select(.kind == "monitor.loss" and .where == "ringbuf_data_full") | .lost] | add // 0' "$T")
[ "$LOST" -gt 0 ] || fail "no ringbuf_data_full loss reported with a 4K ring and $N events"
[ "$SEEN" -lt "$N" ] || fail "all $N events seen through a 4K ring?"
[ $((SEEN + LOST)) -ge "$N" ] || fail "seen $SEEN + lost $LOST < $N: a drop went uncounted"
TOTAL=$(jq -s '[.[] | select(.kind == "monitor.loss") | .lost] | add' "$T")
assert_eq "$(run_end_field lost)" "$TOTAL" "run.end lost = sum of monitor.loss"
# the critical ring kept what matters
assert_eq "$(evn '.kind == "net.connect" and .addr == "127.0.0.1" and .port == 9 and .ret == -111 and .pid == 2')" 1 "the connect after the flood"
assert_eq "$(evn '.kind == "proc.exec" and .path == "/bin/true" and .argv == ["true","after-flood"] and .ret == 0')" 1 "the exec after the flood"
assert_eq "$(evn '.kind == "proc.exit" and .pid == 2 and .code == 0')" 1 "the connector's exit"
# the inventory does not depend on the rings: every created file is listed
assert_eq "$(evn '.kind == "file.inventory" and .change == "created"')" "$N" "inventory of the flooded files"
# any loss makes the verdict incomplete, with the MON-1.incomplete finding
R="$SCRATCH/flood/report.json"
assert_file "$R"
assert_eq "$(jqf "$R" .verdict)" incomplete "report.json verdict after the flood"
assert_eq "$(jqf "$R" '[.findings[] | select(.rule == "MON-1.incomplete")] | length')" 1 "MON-1.incomplete finding"

# a second loss source: a path longer than the recorder's bound (EV_PATH_MAX, 4096 bytes with
# its NUL) is counted as path_truncated, even though the kernel refused the open
# (ENAMETOOLONG); the longest valid path (4095 bytes) is recorded whole and is no loss
rrun longpath -- "$HELPERS/rec_flood" longpath
assert_eq "$(run_end_field exit_code)" 0 "the connector exit status ($(cat "$SCRATCH/longpath.err"))"
assert_eq "$(ev '.kind == "monitor.loss"' | jq -r '"\(.where) \(.lost)"' | paste -sd,)" "path_truncated 1" "monitor.loss of the long path"
assert_eq "$(run_end_field lost)" 1 "run.end lost"
assert_eq "$(ev '.kind == "file.open" and .ret == -2' | jq -c '[.pid, .intent, .truncated, (.path | length), (.path | test("^(/a{199}){20}/a{94}$"))]')" \
	'[2,"create",null,4095,true]' "the 4095-byte path, whole"
E=$(ev '.kind == "file.open" and .ret == -36')
assert_eq "$(jq -c '[.pid, .intent, .truncated, (.path | length < 4096), (.path | startswith("/aaa"))]' <<<"$E")" \
	'[2,"create",true,true,true]' "the 4096-byte path (ENAMETOOLONG), marked truncated"
R="$SCRATCH/longpath/report.json"
assert_eq "$(jqf "$R" .verdict)" incomplete "report.json verdict after a truncated path"
assert_eq "$(jqf "$R" '[.findings[] | select(.rule == "MON-1.incomplete")] | length')" 1 "MON-1.incomplete finding (truncated path)"
assert_no_leftovers
