#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# `make demo` (examples/demo.sh) end to end, on two examples: a good Java connector and a bad
# C one. It must exit 0 within 180 s; print each example's terminal verdict (PASS / FAIL as its
# expected.json says), its summary line and where its reports are; leave the four reports in
# DEMO_OUT; and bring its own lab down: no network namespace, no lab process, no lab state.
source tests/integration/lib.sh

REPO=$PWD
ROOT_BUILD="$REPO/$BUILD"
case "$BUILD" in /*) ROOT_BUILD=$BUILD ;; esac
OUT="$SCRATCH/demo"
LOG="$SCRATCH/demo.out"
names=(java-good c-tls10)

: >"$LOG"
rc=0
DEMO_OUT=$OUT timeout -k 5 180 examples/demo.sh "${names[@]}" >"$LOG" 2>&1 &
demo=$!
on_exit "kill $demo 2>/dev/null"
# While it runs: the lab's name (from its banner) and its network namespace's identity, to look
# for its processes once it is gone (bounded by the demo's own 180 s).
lab=""
ns=""
while kill -0 "$demo" 2>/dev/null; do
	[ -n "$lab" ] || lab=$(sed -nE "s/^== bringing up the lab '([a-z0-9_-]+)'.*/\\1/p" "$LOG" || true)
	if [ -n "$lab" ] && [ -z "$ns" ] && [ -e "/run/netns/$lab" ]; then
		exec {nsfd}<"/run/netns/$lab"
		# the fd holds the namespace, so its inode number cannot be reused by another one
		ns=$(stat -L -c %i "/proc/self/fd/$nsfd" 2>/dev/null || true)
	fi
	[ -n "$ns" ] && break
	sleep 0.05
done
if [ -n "$lab" ]; then
	# if the test is killed before the demo's own trap ran
	on_exit "[ ! -e /run/netns/$lab ] || LAB_KEEP_LOGS=0 tests/lab/lab.sh down $lab >/dev/null 2>&1"
fi
wait "$demo" || rc=$?
[ "$rc" -eq 0 ] || { tail -n 30 "$LOG" >&2; fail "examples/demo.sh exited $rc"; }
[ -n "$lab" ] || fail "the demo never said which lab it brought up"
[ -n "$ns" ] || fail "the lab's namespace /run/netns/$lab was never seen"

for n in "${names[@]}"; do
	want=$(jqf "examples/$n/expected.json" .verdict)
	id=$(jqf "examples/$n/manifest.json" '"\(.connector) \(.version)"')
	W=${want^^}
	case "$want" in pass) st=0 ;; *) st=1 ;; esac
	# conduct's terminal verdict, the demo's summary line and where the reports are
	grep -qxF "conduct: $id: $W" "$LOG" || fail "$n: no verdict line 'conduct: $id: $W' in the output"
	grep -qE "^   $n +$want +\\(expected $want, exit $st\\)$" "$LOG" ||
		fail "$n: no summary line '$n $want (expected $want, exit $st)': $(grep -F "   $n " "$LOG")"
	grep -qxF "   reports: $OUT/$n/{report.json,report.sarif,report.html,trace.jsonl}" "$LOG" ||
		fail "$n: the output does not say where its reports are"
	for f in report.json report.sarif report.html trace.jsonl; do
		[ -s "$OUT/$n/$f" ] || fail "$n: $OUT/$n/$f missing or empty"
	done
	assert_eq "$(jqf "$OUT/$n/report.json" .verdict)" "$want" "$n: verdict in report.json"
	assert_eq "$(jq -c '[.findings[].rule] | unique' "$OUT/$n/report.json")" \
		"$(jq -c '.rules | sort' "examples/$n/expected.json")" "$n: rules in report.json"
	assert_eq "$(jq -r '.runs[0].tool.driver.name' "$OUT/$n/report.sarif")" conduct "$n: SARIF tool"
done
grep -qF "reproduce any of them from its trace alone: $CONDUCT check $OUT/NAME/trace.jsonl" "$LOG" ||
	fail "the output does not say how to reproduce a report"

# The lab is gone: its namespace, every process in it, its processes outside it and its state.
[ ! -e "/run/netns/$lab" ] || fail "the lab's namespace $lab is still there"
! ip netns list | grep -qw -- "$lab" || fail "ip netns still lists $lab"
left=""
for p in /proc/[0-9]*; do
	[ "$(readlink "$p/ns/net" 2>/dev/null)" == "net:[$ns]" ] && left+=" ${p#/proc/}"
done
exec {nsfd}<&-
[ -z "$left" ] || fail "processes still in the lab's namespace: $(ps -o pid,args -p "$(echo $left | tr ' ' ,)")"
if pgrep -f -- "lab/$lab/" >/dev/null; then
	fail "lab processes left behind: $(pgrep -af -- "lab/$lab/")"
fi
[ ! -e "$ROOT_BUILD/lab/$lab" ] || fail "the lab's state $ROOT_BUILD/lab/$lab is still there"
echo "demo: ${names[*]} as expected, lab $lab gone"
