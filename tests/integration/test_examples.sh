#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The example matrix, end to end: every examples/NAME is run by `conduct run --net nat` inside
# one lab (tests/lab/lab.sh) and must get exactly the verdict and rule ids of its
# expected.json (each required id present, no other); `conduct check` on the saved trace must
# reproduce report.json byte for byte; the good Java connector's TLS version and SNI must be
# in the report; and nothing may be left behind (namespaces, cgroups, veths, processes).
#   EXAMPLES="java-good c-tls10" restricts the run to those examples.
source tests/integration/lib.sh

LAB="cdx$$"
REPO=$PWD
ROOT_BUILD="$REPO/$BUILD"
case "$BUILD" in /*) ROOT_BUILD=$BUILD ;; esac
failures=()
runs_checked=0

examples/build.sh >"$SCRATCH/build.log" 2>&1 || { cat "$SCRATCH/build.log"; fail "examples/build.sh"; }

tests/lab/lab.sh up "$LAB" >"$SCRATCH/lab.env" || fail "lab did not come up"
on_exit "LAB_KEEP_LOGS=0 tests/lab/lab.sh down $LAB >/dev/null 2>&1"
eval "$(cat "$SCRATCH/lab.env")"
lab_pids_before=$(ip netns pids "$LAB" | sort | tr '\n' ' ')

# bad NAME WHAT: one example's failure is recorded and the matrix goes on.
bad() {
	failures+=("$1: $2")
	echo "FAIL $1: $2" >&2
}

# collected PROTO PORT: what the lab's collector kept from connections/datagrams of PROTO
# (tcp, tls, udp) to PORT, decoded; for the examples' proof() functions.
collected() {
	jq -r --arg p "$1" --argjson port "$2" \
		'select(.proto == $p and .port == $port) | .b64 | @base64d' "$LOGS/collector.jsonl"
}

# run_leftovers NAME TRACE: this run's cgroups (v2 and each v1 leaf), init process, veth and
# nft table (named in the trace header) are all gone once `conduct run` has returned. Scoped to
# this run, so it holds while other conduct runs go on on the machine; a header that names
# none of them is a failure, not a silent pass.
run_leftovers() {
	local name=$1 h p st leaf
	h=$(head -n 1 "$2")
	leaf=$(jq -r '.sandbox.cgroup.v2 // empty' <<<"$h")
	[ -n "$leaf" ] || bad "$name" "the trace header names no v2 cgroup"
	[ "$(jq -r '.sandbox.cgroup.v1 // {} | length' <<<"$h")" -gt 0 ] ||
		[ "$(jq -r '.sandbox.cgroup.v2_controllers | length' <<<"$h")" -gt 0 ] ||
		bad "$name" "the trace header names no cgroup holding the limits"
	for p in $(jq -r '.sandbox.cgroup | [.v2, (.v1 // {} | .[])] | .[] // empty' <<<"$h"); do
		[ ! -e "$p" ] || bad "$name" "cgroup left behind: $p"
	done
	p=$(jq -r '.sandbox.init_pid // empty' <<<"$h")
	[ -n "$p" ] || bad "$name" "the trace header names no init_pid"
	if [ -n "$p" ] && [ -n "$leaf" ]; then
		# alive, and still in the run's cgroup (not a recycled pid)
		st=$(awk '/^State:/ {print $2}' "/proc/$p/status" 2>/dev/null || true)
		if [ -n "$st" ] && [ "$st" != Z ] &&
			grep -qF "$(basename "$leaf")" "/proc/$p/cgroup" 2>/dev/null; then
			bad "$name" "the run's init ($p) is still alive"
		fi
	fi
	p=$(jq -r '.sandbox.net.veth // empty' <<<"$h")
	[ -n "$p" ] || bad "$name" "the trace header names no veth (--net nat)"
	if [ -n "$p" ] && tests/lab/lab.sh exec "$LAB" ip link show "$p" >/dev/null 2>&1; then
		bad "$name" "veth $p left behind in the lab"
	fi
	if [ -n "$p" ] && ip link show "$p" >/dev/null 2>&1; then
		bad "$name" "veth $p left behind on the host"
	fi
	p=$(jq -r '.sandbox.net.nft_table // empty' <<<"$h")
	[ -n "$p" ] || bad "$name" "the trace header names no nft table (--net nat)"
	if [ -n "$p" ] && tests/lab/lab.sh exec "$LAB" nft list tables 2>/dev/null | grep -qw -- "$p"; then
		bad "$name" "nft table $p left behind in the lab"
	fi
	runs_checked=$((runs_checked + 1))
}

run_example() {
	local name=$1 dir="$REPO/examples/$1" out="$SCRATCH/$1" rc verdict rules want_v want_r start
	local EXAMPLE BIN COMMAND FLAGS
	# shellcheck disable=SC2034 # used by example.conf
	EXAMPLE=$dir BIN="$ROOT_BUILD/examples/$name"
	COMMAND=()
	FLAGS=()
	unset -f proof
	# shellcheck source=/dev/null
	source "$dir/example.conf"
	[ ${#COMMAND[@]} -gt 0 ] || { bad "$name" "example.conf sets no COMMAND"; return; }
	want_v=$(jqf "$dir/expected.json" .verdict)
	want_r=$(jq -c '.rules | sort' "$dir/expected.json")

	start=$(date +%s%N)
	rc=0
	tests/lab/lab.sh exec "$LAB" "$CONDUCT" run --net nat --dns "$LAB_DNS" -q \
		-m "$dir/manifest.json" -o "$out" --timeout 20 --linger 1 "${FLAGS[@]}" \
		-- "${COMMAND[@]}" >"$out.stdout" 2>"$out.stderr" || rc=$?
	if [ -s "$out/trace.jsonl" ]; then
		run_leftovers "$name" "$out/trace.jsonl"
	else
		bad "$name" "no trace: its leftovers cannot be checked"
	fi
	if [ "$rc" -ge 2 ] || [ ! -f "$out/report.json" ]; then
		bad "$name" "conduct run exited $rc without a report: $(tail -n 3 "$out.stderr")"
		return
	fi
	# Ground truth, independent of conduct: the lab's servers saw the connector do it.
	if declare -F proof >/dev/null; then
		SECRET=$(head -n 1 "$out/trace.jsonl" |
			jq -r '[.canaries[] | select(.where == "env")][0].value // empty')
		HONEY_AWS=$(head -n 1 "$out/trace.jsonl" |
			jq -r '[.canaries[] | select(.name == "honey:aws")][0].value // empty')
		# an empty value would make grep -F match anything: the proof must not pass vacuously
		for v in SECRET HONEY_AWS; do
			[ -n "${!v}" ] || ! declare -f proof | grep -qw "$v" ||
				bad "$name" "proof() needs \$$v but the trace header has no such canary"
		done
		LOGS=$LAB_LOGS SECRET=$SECRET HONEY_AWS=$HONEY_AWS proof >"$out.proof" 2>&1 ||
			bad "$name" "the lab did not see the connector's behavior (proof failed)"
	fi
	verdict=$(jqf "$out/report.json" .verdict)
	rules=$(jq -c '[.findings[].rule] | unique' "$out/report.json")
	[ "$verdict" == "$want_v" ] || bad "$name" "verdict '$verdict', expected '$want_v'"
	[ "$rules" == "$want_r" ] || bad "$name" "rules $rules, expected $want_r"
	case "$want_v" in
	pass) [ "$rc" -eq 0 ] || bad "$name" "verdict pass but exit status $rc" ;;
	*) [ "$rc" -eq 1 ] || [ "$(jq '[.findings[] | select(.severity != "low")] | length' \
		"$out/report.json")" -eq 0 ] || bad "$name" "findings at medium or above but exit $rc" ;;
	esac

	# A partner re-judges the saved trace and must get the same report, byte for byte.
	rc=0
	"$CONDUCT" check "$out/trace.jsonl" -o "$out.check" >/dev/null 2>"$out.check.stderr" || rc=$?
	if [ "$rc" -ge 2 ]; then
		bad "$name" "conduct check exited $rc: $(tail -n 3 "$out.check.stderr")"
	elif ! cmp -s "$out/report.json" "$out.check/report.json"; then
		bad "$name" "conduct check's report.json differs from the run's"
	fi
	printf '%-20s %5.1fs  %-10s %s\n' "$name" "$((($(date +%s%N) - start) / 1000000))e-3" \
		"$verdict" "$rules"
}

if [ -n "${EXAMPLES:-}" ]; then
	read -ra names <<<"$EXAMPLES"
else
	names=()
	for d in examples/*/expected.json; do
		names+=("$(basename "$(dirname "$d")")")
	done
fi
if [ -z "${EXAMPLES:-}" ]; then
	# The matrix covers the whole catalog, and each example is complete and well-formed.
	catalog=$(jq -r '.rules[].id' policies/marketplace.json | sort)
	covered=$(jq -r '.rules[]' examples/*/expected.json | sort -u)
	assert_eq "$covered" "$catalog" "rules covered by the examples"
	for n in "${names[@]}"; do
		for f in manifest.json expected.json example.conf README; do
			assert_file "examples/$n/$f"
		done
		assert_eq "$(jq -c '.rules' "examples/$n/expected.json")" \
			"$(jq -c '.rules | sort | unique' "examples/$n/expected.json")" "$n: rules sorted"
		assert_match "$(jqf "examples/$n/expected.json" .verdict)" '^(pass|fail|incomplete)$' \
			"$n: verdict"
	done
	[ "$(jq -r '.verdict' examples/*/expected.json | grep -c pass)" -ge 5 ] ||
		fail "fewer than five well-behaved examples"
fi
for n in "${names[@]}"; do
	run_example "$n"
done

# The good Java connector: the JDK's own TLS stack, seen on the wire.
if [[ " ${names[*]} " == *" java-good "* ]] && [ -f "$SCRATCH/java-good/report.json" ]; then
	conn=$(jq -c '[.observed.connections[] | select(.host == "api.acme.example")][0]' \
		"$SCRATCH/java-good/report.json")
	[ "$(jq -r .tls <<<"$conn")" == "1.3" ] || bad java-good "api.acme.example tls: $conn"
	[ "$(jq -r .sni <<<"$conn")" == "api.acme.example" ] || bad java-good "sni: $conn"
	[ "$(jq -r .declared <<<"$conn")" == "egress" ] || bad java-good "declared: $conn"
fi

# Nothing left behind. Each run's own cgroups, init, veth and nft table were checked right
# after it returned (run_leftovers, scoped to the run, so it holds while other conduct runs go
# on on this machine); here: every run was checked, no mount of conduct's reached our mount
# namespace, and the lab holds no veth, nft table or process of any run (the lab is ours alone).
assert_eq "$runs_checked" "${#names[@]}" "runs whose leftovers were checked"
if grep -q 'conduct-run' /proc/self/mountinfo; then
	fail "mount left behind: $(grep conduct-run /proc/self/mountinfo)"
fi
if tests/lab/lab.sh exec "$LAB" ip -o link show | grep -q ' cd[0-9a-f]*[hs][@:]'; then
	fail "veth left behind in the lab: $(tests/lab/lab.sh exec "$LAB" ip -o link show)"
fi
if tests/lab/lab.sh exec "$LAB" nft list tables 2>/dev/null | grep -q conduct; then
	fail "nft table left behind in the lab"
fi
assert_eq "$(ip netns pids "$LAB" | sort | tr '\n' ' ')" "$lab_pids_before" "lab processes"
# (each run's processes were in its cgroup, checked gone above; and no conduct of ours lives on)
if ps -eo args | grep -v grep | grep -qF -e "$SCRATCH/"; then
	fail "processes left behind: $(ps -eo pid,args | grep -v grep | grep -F "$SCRATCH/")"
fi
if [ ${#failures[@]} -gt 0 ]; then
	# Keep what is needed to look into it: each run's outputs and the lab servers' logs.
	keep="$ROOT_BUILD/test-examples"
	rm -rf "$keep"
	mkdir -p "$keep"
	cp -r "$SCRATCH"/. "$keep/"
	tests/lab/lab.sh down "$LAB" >/dev/null
	cp -r "$ROOT_BUILD/lab/$LAB/logs" "$keep/lab-logs" 2>/dev/null || true
	rm -rf "${ROOT_BUILD:?}/lab/$LAB"
	printf '%s\n' "${failures[@]}" >&2
	fail "${#failures[@]} example check(s) failed (outputs kept in $keep)"
fi
LAB_KEEP_LOGS=0 tests/lab/lab.sh down "$LAB" >/dev/null
[ ! -e "/run/netns/$LAB" ] || fail "lab namespace $LAB left behind"
echo "${#names[@]} examples: verdicts, rules and check reproduction as expected"
