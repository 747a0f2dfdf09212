#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# `conduct diff OLD NEW` on the crafted reports of tests/fixtures/report/: exit status 0 (no
# drift at or above --fail-on), 1 (something appeared or got more severe at or above it),
# 2 (a malformed report, reported as file:line:col), and the text it prints. No root, no
# network: diff reads two files.
source tests/integration/lib.sh
F=tests/fixtures/report

# run_diff EXPECTED_STATUS ARGS...: runs conduct diff, keeps stdout/stderr in $out/$err.
run_diff() {
	local want=$1 rc=0
	shift
	"$CONDUCT" diff "$@" >"$SCRATCH/out" 2>"$SCRATCH/err" || rc=$?
	out=$(cat "$SCRATCH/out")
	err=$(cat "$SCRATCH/err")
	assert_eq "$rc" "$want" "exit status of conduct diff $*"
}

# Drift with a critical exfiltration: fails at the default threshold and at every other one.
run_diff 1 "$F/old-a.json" "$F/new-a.json"
assert_match "$out" "^conduct diff: 17 appeared, 3 disappeared, 4 changed" "summary line"
assert_match "$out" $'\n  CRITICAL host     paste.example  \\(undeclared, port 443, TLS 1.3\\)' "new host"
assert_match "$out" $'\n  HIGH     tls      reports.acme.example  TLS 1.2 -> none  \\(was none\\)' "TLS regression"
assert_match "$out" $'\n  HIGH     storage  /tmp/acme/helper\n' "new storage target"
assert_match "$out" $'\n  HIGH     finding  SB-1.escape-attempt: The sandbox refused ptrace  \\(was medium\\)' "severity change"
assert_eq "$err" "" "stderr"
for level in low medium high critical; do
	run_diff 1 --fail-on "$level" "$F/old-a.json" "$F/new-a.json"
done
run_diff 0 --fail-on none "$F/old-a.json" "$F/new-a.json"

# Going back: what appeared is medium at most (the metrics host, its finding and DNS name);
# the TLS and severity changes are improvements, which never fail.
run_diff 1 "$F/new-a.json" "$F/old-a.json"
run_diff 0 --fail-on high "$F/new-a.json" "$F/old-a.json"
assert_match "$out" "^conduct diff: 3 appeared, 17 disappeared, 4 changed" "reverse summary"

# The same behavior in another run (other lines, dates, bytes, order): no drift.
run_diff 0 --fail-on low "$F/new-a.json" "$F/new-b.json"
assert_eq "$out" "conduct diff: no behavioral drift: the same findings, hosts, TLS, storage, DNS names and programs" "no drift"

# Only low drift (a declared host, new DNS names): passes at medium, fails at low.
run_diff 0 "$F/old-a.json" "$F/new-c.json"
assert_eq "$(grep -c '^  LOW ' <<<"$out")" 3 "three low entries"
run_diff 1 --fail-on low "$F/old-a.json" "$F/new-c.json"

# Malformed input: exit 2, file:line:col and what is wrong, nothing on stdout.
run_diff 2 "$F/old-a.json" "$F/bad-port.json"
assert_eq "$err" "$F/bad-port.json:6:37: observed.connections[0].port: expected an integer or null, got a string" "type error"
assert_eq "$out" "" "stdout on error"
printf '{"format":1,"verdict":"pass",\n"findings":[{"rule":"A","severity":"low"},\n  {"rule":"A","severity":"low","severity":"high"}]}\n' >"$SCRATCH/dup.json"
run_diff 2 "$SCRATCH/dup.json" "$F/old-a.json"
assert_match "$err" "^$SCRATCH/dup.json:3:41: invalid JSON: duplicate object key" "duplicate key"
run_diff 2 "$F/old-a.json" "$SCRATCH/missing.json"
assert_eq "$err" "$SCRATCH/missing.json: cannot read: No such file or directory" "missing file"
head -c 100 "$F/new-a.json" >"$SCRATCH/cut.json"
run_diff 2 "$F/old-a.json" "$SCRATCH/cut.json"
assert_match "$err" "^$SCRATCH/cut.json:[0-9]+:[0-9]+: invalid JSON: " "truncated"
python3 -c 'print("{\"format\":1,\"verdict\":\"pass\",\"x\":" + "[" * 5000 + "]" * 5000 + "}")' >"$SCRATCH/deep.json"
run_diff 2 "$SCRATCH/deep.json" "$F/old-a.json"
assert_eq "$err" "$SCRATCH/deep.json:1:65: nesting deeper than 32 levels" "depth bomb"
run_diff 2 "$F/old-a.json"

# The writers on real judge output: `conduct check` twice on each of the judge's traces, into
# two output directories, gives byte-identical report.json; a report compared with itself
# re-judged has no drift; report.sarif is SARIF 2.1.0 JSON; report.html carries no script.
n=0
for trace in tests/fixtures/judge/*.jsonl; do
	[ -f "$trace" ] || continue
	name=$(basename "$trace" .jsonl)
	for k in 1 2; do
		rc=0
		"$CONDUCT" check "$trace" -o "$SCRATCH/$name.$k" >"$SCRATCH/$name.$k.txt" 2>&1 || rc=$?
		[ "$rc" -le 1 ] || fail "conduct check $trace: exit $rc: $(cat "$SCRATCH/$name.$k.txt")"
	done
	cmp "$SCRATCH/$name.1/report.json" "$SCRATCH/$name.2/report.json" ||
		fail "$name: report.json differs between two checks of the same trace"
	cmp "$SCRATCH/$name.1/report.sarif" "$SCRATCH/$name.2/report.sarif" ||
		fail "$name: report.sarif differs between two checks of the same trace"
	assert_eq "$(tail -c 1 "$SCRATCH/$name.1/report.json" | od -An -c | tr -d ' ')" '\n' "$name: trailing newline"
	run_diff 0 --fail-on low "$SCRATCH/$name.1/report.json" "$SCRATCH/$name.2/report.json"
	assert_match "$out" "no behavioral drift" "$name: self diff"
	assert_eq "$(jqf "$SCRATCH/$name.1/report.sarif" '.version')" "2.1.0" "$name: SARIF version"
	assert_eq "$(jqf "$SCRATCH/$name.1/report.sarif" '.runs[0].results | length')" \
		"$(jqf "$SCRATCH/$name.1/report.json" '.findings | length')" "$name: one result per finding"
	if grep -qi '<script' "$SCRATCH/$name.1/report.html"; then fail "$name: script in report.html"; fi
	n=$((n + 1))
done
[ "$n" -gt 0 ] || fail "no judge trace found under tests/fixtures/judge"
