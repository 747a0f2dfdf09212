# SPDX-License-Identifier: GPL-2.0-only
# A flood of file events through a deliberately tiny data ring (--ringbuf 4K): the drops are
# counted and reported as monitor.loss (and in run.end), nothing is hidden, and the critical
# events that follow the flood (a connect and an exec) still arrive through their own ring.
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
assert_no_leftovers
