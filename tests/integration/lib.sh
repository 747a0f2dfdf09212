# SPDX-License-Identifier: GPL-2.0-only
# Sourced by tests/integration/test_*.sh: assertions, a scratch directory and cleanup checks.
# Every test runs `set -eu`; an assertion failure prints what differed and exits 1.
set -eu
: "${CONDUCT:?run through tests/integration/run.sh}"
: "${BUILD:=build}"
HELPERS="$PWD/$BUILD/helpers"
SCRATCH=$(mktemp -d /tmp/conduct-test.XXXXXX)
_cleanups=()

# on_exit CMD...: runs at exit, last registered first, even when an assertion failed.
on_exit() { _cleanups+=("$*"); }
_run_cleanups() {
	local rc=$? i
	for ((i = ${#_cleanups[@]} - 1; i >= 0; i--)); do eval "${_cleanups[$i]}" || true; done
	rm -rf "$SCRATCH"
	exit $rc
}
trap _run_cleanups EXIT

fail() { echo "assertion failed: $*" >&2; exit 1; }
assert_eq() { [ "$1" == "$2" ] || fail "${3:-value}: expected '$2', got '$1'"; }
assert_ne() { [ "$1" != "$2" ] || fail "${3:-value}: expected something other than '$2'"; }
assert_match() { [[ "$1" =~ $2 ]] || fail "${3:-value}: '$1' does not match /$2/"; }
assert_file() { [ -f "$1" ] || fail "missing file $1"; }

# jqf FILE FILTER: jq on a JSON file, raw output.
jqf() { jq -r "$2" "$1"; }
# trace_count TRACE KIND [JQ-CONDITION]: events of a kind (optionally matching a condition).
# A missing or unparsable trace, or a bad condition, prints nothing (so no count matches),
# never 0.
trace_count() {
	local n
	n=$(jq -n --arg k "$2" \
		"reduce (inputs | select(.kind == \$k)${3:+ | select($3)}) as \$e (0; . + 1)" "$1") ||
		return 1
	echo "$n"
}

# The run leaves nothing behind: no cgroup, veth, nft table or mount of conduct's.
assert_no_leftovers() {
	local d
	# A leaf is named run-<owner pid>-<owner start time>-<id>: it is left behind when its
	# owner is gone. Leaves of conduct runs still going (another test, another user) are not.
	local leaf name pid start now
	for d in /sys/fs/cgroup/unified/conduct /sys/fs/cgroup/*/conduct; do
		[ -d "$d" ] || continue
		for leaf in "$d"/run-*; do
			[ -d "$leaf" ] || continue
			name=${leaf##*/run-}
			pid=${name%%-*}
			start=${name#*-}
			start=${start%%-*}
			now=$(awk '{ sub(/^.*\) /, ""); print $20 }' "/proc/$pid/stat" 2>/dev/null || true)
			[ -n "$now" ] && [ "$now" = "$start" ] && continue
			fail "cgroup left behind: $leaf (its conduct, pid $pid, is gone)"
		done
	done
	if ip -o link show 2>/dev/null | grep -q ' cd[0-9a-f]*[hs][@:]'; then
		fail "veth left behind: $(ip -o link show | grep ' cd')"
	fi
	if command -v nft >/dev/null && nft list tables 2>/dev/null | grep -q 'conduct'; then
		fail "nft table left behind: $(nft list tables | grep conduct)"
	fi
	if grep -q 'conduct-run' /proc/self/mountinfo; then
		fail "mount left behind: $(grep conduct-run /proc/self/mountinfo)"
	fi
}
