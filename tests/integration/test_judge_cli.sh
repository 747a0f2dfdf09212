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

# every malformed manifest, policy and trace of the unit tests' tables (test_manifest.c,
# test_policy.c, test_judge_trace.c: bad[]), through the real binary. The files and their
# expected line:col and message are taken from those tables (C literals decoded by the Python
# below, HDR/END macros expanded, a policy's knowledge file written next to it), never from a
# run of conduct: exit 2, exactly one line on stderr starting with FILE:LINE:COL: and holding
# the table's message, and no OUTDIR written.
mkdir "$SCRATCH/tables"
python3 - "$SCRATCH/tables" >"$SCRATCH/tables.tsv" <<'EOF'
import re, sys, os
out = sys.argv[1]
def lit(s):
    b = bytearray(); i = 0
    while i < len(s):
        ch = s[i]
        if ch != '\\':
            b += ch.encode(); i += 1; continue
        n = s[i + 1]; i += 2
        if n == 'x':
            m = re.match(r'[0-9a-fA-F]+', s[i:]); b.append(int(m.group(), 16) & 0xff); i += len(m.group())
        elif n in '01234567':
            m = re.match(r'[0-7]{1,3}', s[i - 1:]); b.append(int(m.group(), 8)); i += len(m.group()) - 1
        else:
            b += {'n': b'\n', 't': b'\t', 'r': b'\r', '"': b'"', '\\': b'\\', "'": b"'"}[n]
    return bytes(b)
TOK = re.compile(r'"((?:[^"\\]|\\.)*)"|([A-Za-z_]\w*)|(\d+)|([{},])|(\s+|/\*.*?\*/)', re.S)
def tokens(src, macros):
    pos = 0
    while pos < len(src):
        m = TOK.match(src, pos)
        if not m: raise SystemExit("cannot parse at %r" % src[pos:pos + 40])
        pos = m.end()
        if m.group(1) is not None: yield ('s', lit(m.group(1)))
        elif m.group(2): yield ('s', macros[m.group(2)]) if m.group(2) in macros else ('id', m.group(2))
        elif m.group(3): yield ('i', int(m.group(3)))
        elif m.group(4): yield ('p', m.group(4))
def table(path):
    src = open(path).read()
    macros = {}
    for m in re.finditer(r'#define (\w+)\s*\\\n((?:.*\\\n)*.*\n)', src):
        macros[m.group(1)] = b''.join(v for k, v in tokens(m.group(2).replace('\\\n', ' '), {}))
    body = src[src.index('} bad[] = {') + len('} bad[] = {'):]
    body = body[:body.index('\n};')]
    rows, depth, row, cur = [], 0, [], None
    for k, v in tokens(body, macros):
        if k == 'p' and v == '{': depth += 1; row, cur = [], None; continue
        if k == 'p' and v == '}':
            depth -= 1
            if cur is not None: row.append(cur)
            rows.append(row); continue
        if k == 'p' and v == ',':
            if depth and cur is not None: row.append(cur); cur = None
            continue
        if k == 's': cur = (cur or b'') + v if isinstance(cur, (bytes, type(None))) else v
        else: cur = v
    return rows
n = 0
for kind, src in (("manifest", "tests/unit/test_manifest.c"), ("policy", "tests/unit/test_policy.c"),
                  ("trace", "tests/unit/test_judge_trace.c")):
    for r in table(src):
        what, text, line, col, msg = r[:5]
        n += 1
        d = os.path.join(out, "%02d" % n); os.makedirs(d)
        name = os.path.join(d, {"manifest": "m.json", "policy": "p.json", "trace": "t.jsonl"}[kind])
        open(name, "wb").write(text)
        if kind == "policy" and len(r) > 5 and r[5] != 'NULL':
            open(os.path.join(d, "k.json"), "wb").write(r[5])
        print("\t".join([kind, name, str(line), str(col), msg.decode(), what.decode()]))
EOF
declare -A nkind=()
while IFS=$'\t' read -r kind file line col msg what; do
	case $kind in
	manifest) args=("$FIX/tls13_declared.jsonl" -m "$file") ;;
	policy) args=("$FIX/tls13_declared.jsonl" -p "$file") ;;
	trace) args=("$file") ;;
	*) fail "bad table row: $kind" ;;
	esac
	nkind[$kind]=$((${nkind[$kind]:-0} + 1))
	rc=0
	"$CONDUCT" check "${args[@]}" -o "$SCRATCH/tout" >/dev/null 2>"$SCRATCH/terr" || rc=$?
	assert_eq "$rc" 2 "exit status, $kind: $what"
	assert_eq "$(wc -l <"$SCRATCH/terr")" 1 "stderr lines, $kind: $what"
	err=$(cat "$SCRATCH/terr")
	[[ "$err" == "$file:$line:$col: "* ]] ||
		fail "$kind: $what: expected '$file:$line:$col: ...', got '$err'"
	[[ "$err" == *"$msg"* ]] || fail "$kind: $what: '$err' does not say '$msg'"
	[ ! -e "$SCRATCH/tout" ] || fail "$kind: $what: an OUTDIR was written for bad input"
done <"$SCRATCH/tables.tsv"
# the tables held 25 manifests, 16 policies, 15 traces when this was written: a broken
# extraction must not pass silently
[ "${nkind[manifest]:-0}" -ge 25 ] && [ "${nkind[policy]:-0}" -ge 16 ] && [ "${nkind[trace]:-0}" -ge 15 ] ||
	fail "malformed cases from the unit tests' tables: ${nkind[*]}"

# 10 000 nested arrays (test_manifest.c deep_nesting, test_judge_trace.c deep_line): refused at
# the 33rd bracket (JUDGE_JSON_DEPTH_MAX + 1), in a manifest and on a trace's second line
printf '%*s' 10000 '' | tr ' ' '[' >"$SCRATCH/deep.json"
printf '%*s' 10000 '' | tr ' ' ']' >>"$SCRATCH/deep.json"
check_bad "$FIX/tls13_declared.jsonl" -m "$SCRATCH/deep.json" "$SCRATCH/deep.json:1:33: .*nesting deeper than 32"
{ head -1 "$FIX/tls13_declared.jsonl"; cat "$SCRATCH/deep.json"; echo; } >"$SCRATCH/deep.jsonl"
check_bad "$SCRATCH/deep.jsonl" "$SCRATCH/deep.jsonl:2:33: .*nesting deeper"

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
