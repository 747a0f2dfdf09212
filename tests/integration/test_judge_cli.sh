#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# conduct check / explain on the judge's hand-made traces: exit status 0 / 1 / 2, file:line:col
# on stderr for bad input, and a byte-identical report.json when the same trace is judged twice.
# Needs no kernel feature and sends no packet.
source tests/integration/lib.sh
FIX=tests/fixtures/judge

# 0: compliant (the secret to its declared host over TLS 1.3)
rc=0; "$CONDUCT" check "$FIX/tls13_declared.jsonl" -o "$SCRATCH/ok" >"$SCRATCH/ok.txt" 2>&1 || rc=$?
assert_eq "$rc" 0 "exit status of a compliant trace"
assert_eq "$(jqf "$SCRATCH/ok/report.json" .verdict)" pass "verdict"
assert_file "$SCRATCH/ok/report.sarif"
assert_file "$SCRATCH/ok/report.html"

# 1: findings at or above --fail-on (default medium)
rc=0; "$CONDUCT" check "$FIX/tls13_undeclared.jsonl" -o "$SCRATCH/bad" >/dev/null 2>&1 || rc=$?
assert_eq "$rc" 1 "exit status with a critical finding"
assert_eq "$(jqf "$SCRATCH/bad/report.json" '[.findings[].rule] | join(" ")')" \
	"PRIV-1.credential-exfiltration CC-5.undeclared-egress" "rules"
assert_eq "$(jqf "$SCRATCH/bad/report.json" '.findings[0].evidence | map(tostring) | join(",")')" "4,7" "evidence"
assert_eq "$(jqf "$SCRATCH/bad/report.json" '.findings[0].cvss.score')" "10" "score"
assert_eq "$(jqf "$SCRATCH/bad/report.json" '.findings[0].deadlines.acknowledge')" "2026-11-27T10:00:00Z" "deadline"

# --fail-on: storage.jsonl is at most high
rc=0; "$CONDUCT" check "$FIX/storage.jsonl" -o "$SCRATCH/st" --fail-on critical >/dev/null 2>&1 || rc=$?
assert_eq "$rc" 0 "high findings with --fail-on critical"
rc=0; "$CONDUCT" check "$FIX/storage.jsonl" -o "$SCRATCH/st" --fail-on high >/dev/null 2>&1 || rc=$?
assert_eq "$rc" 1 "high findings with --fail-on high"
# an incomplete record never passes, whatever else it holds
rc=0; "$CONDUCT" check "$FIX/timeout.jsonl" -o "$SCRATCH/to" >/dev/null 2>&1 || rc=$?
assert_eq "$rc" 1 "exit status of an incomplete run"
assert_eq "$(jqf "$SCRATCH/to/report.json" .verdict)" incomplete "verdict of a timed-out run"
rc=0; "$CONDUCT" check "$FIX/timeout.jsonl" -o "$SCRATCH/to" --fail-on critical >/dev/null 2>&1 || rc=$?
assert_eq "$rc" 1 "an incomplete run with --fail-on critical"
rc=0; "$CONDUCT" check "$FIX/timeout.jsonl" -o "$SCRATCH/to" --fail-on none >/dev/null 2>&1 || rc=$?
assert_eq "$rc" 0 "an incomplete run with --fail-on none"
# judged under another policy than the run's: said on stderr, not an error (the fixtures'
# headers name the policy with a dummy all-zero sha256)
"$CONDUCT" check "$FIX/timeout.jsonl" -o "$SCRATCH/op" >/dev/null 2>"$SCRATCH/op.err" || true
grep -q "was recorded under policy 'camunda-marketplace' (sha256 0000000000000000...); judging it with" \
	"$SCRATCH/op.err" || fail "no warning for a trace of another policy: $(cat "$SCRATCH/op.err")"
real=$(jqf "$SCRATCH/op/report.json" .run.policy.sha256)
{ head -1 "$FIX/timeout.jsonl" | sed "s/\"sha256\":\"0\{64\}\"/\"sha256\":\"$real\"/"
  tail -n +2 "$FIX/timeout.jsonl"; } >"$SCRATCH/same-policy.jsonl"
assert_eq "$(head -1 "$SCRATCH/same-policy.jsonl" | jq -r .policy.sha256)" "$real" "stamped policy"
"$CONDUCT" check "$SCRATCH/same-policy.jsonl" -o "$SCRATCH/sp" >/dev/null 2>"$SCRATCH/same.err" || true
if grep -q "recorded under policy" "$SCRATCH/same.err"; then
	fail "warned about the run's own policy: $(cat "$SCRATCH/same.err")"
fi

# the same trace twice: byte-identical report.json
"$CONDUCT" check "$FIX/honey_log.jsonl" -o "$SCRATCH/a" >/dev/null 2>&1 || true
"$CONDUCT" check "$FIX/honey_log.jsonl" -o "$SCRATCH/b" >/dev/null 2>&1 || true
cmp "$SCRATCH/a/report.json" "$SCRATCH/b/report.json" || fail "report.json differs between two checks"
assert_eq "$(jqf "$SCRATCH/a/report.json" .run.trace_sha256)" "$(sha256sum "$FIX/honey_log.jsonl" | cut -d' ' -f1)" "trace_sha256"

# -m replaces the embedded manifest
rc=0; "$CONDUCT" check "$FIX/storage.jsonl" -m "$FIX/acme.manifest.json" -o "$SCRATCH/m" >/dev/null 2>&1 || rc=$?
assert_eq "$(jqf "$SCRATCH/m/report.json" .connector.name)" acme-crm "connector from -m"

# 2: bad input, with file:line:col
check_bad() { # ARGS... ; EXPECTED-STDERR-PREFIX is the last argument
	local want=${!#} rc=0
	"$CONDUCT" check "${@:1:$#-1}" -o "$SCRATCH/x" >"$SCRATCH/out" 2>"$SCRATCH/err" || rc=$?
	assert_eq "$rc" 2 "exit status for $want"
	assert_match "$(head -n 1 "$SCRATCH/err")" "^$want" "stderr"
}
check_bad "$FIX/bad/syntax.jsonl" "$FIX/bad/syntax.jsonl:3:68: unterminated string"
check_bad "$FIX/tls13_declared.jsonl" -m "$FIX/bad/unknown-field.manifest.json" \
	"$FIX/bad/unknown-field.manifest.json:4:45: manifest /egress/0: unknown field \"port\""
check_bad "$FIX/tls13_declared.jsonl" -m "$FIX/bad/cidr.manifest.json" \
	"$FIX/bad/cidr.manifest.json:4:40: manifest /cluster/cidrs/1: bad CIDR"
check_bad "$FIX/tls13_declared.jsonl" -p "$FIX/bad/unknown-rule.policy.json" \
	"$FIX/bad/unknown-rule.policy.json:32:13: unknown rule id \"DP-2.tls-versoin\""
head -c 100 /dev/zero >"$SCRATCH/zero.jsonl"
check_bad "$SCRATCH/zero.jsonl" "$SCRATCH/zero.jsonl:1:1: unexpected byte 0x00"
# a 100 MB manifest, made here: refused before it is read
truncate -s 100M "$SCRATCH/huge.json"
check_bad "$FIX/tls13_declared.jsonl" -m "$SCRATCH/huge.json" "$SCRATCH/huge.json: larger than 4194304 bytes"

# explain
out=$("$CONDUCT" explain DP-2.tls-version)
assert_match "$out" "TLS version 1\.2 \(or higher\) must be used for encryption" "explain: clause"
assert_match "$out" "CVSS:3\.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N" "explain: vector"
assert_match "$out" "base score 5\.9" "explain: score"
assert_match "$out" "acknowledge within 5 days" "explain: deadline"
out=$("$CONDUCT" explain DP-3.local-persistence)
assert_match "$out" "accept low-severity findings" "explain: low"
rc=0; "$CONDUCT" explain DP-9.bogus >/dev/null 2>&1 || rc=$?
assert_eq "$rc" 2 "explain of an unknown rule"
for r in $(jq -r '.rules[].id' policies/marketplace.json); do
	"$CONDUCT" explain "$r" >/dev/null || fail "explain $r"
done
echo "judge CLI: all assertions held"
