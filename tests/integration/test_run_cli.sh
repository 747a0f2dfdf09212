# SPDX-License-Identifier: GPL-2.0-only
# conduct run's own command line: every byte of the connector's argv reaches the trace header
# (bytes that are not UTF-8 escaped as \xNN, never dropped), and -v adds debug diagnostics.
source tests/integration/lib.sh

arg=$(printf 'caf\xe9')
"$CONDUCT" run -q -o "$SCRATCH/a" -- /bin/echo "$arg" plain >/dev/null 2>"$SCRATCH/a.err" ||
	fail "run failed: $(cat "$SCRATCH/a.err")"
assert_eq "$(head -1 "$SCRATCH/a/trace.jsonl" | jq -c .command)" '["/bin/echo","caf\\xe9","plain"]' \
	"header command"
if grep -qE '^conduct: (debug|libbpf): ' "$SCRATCH/a.err"; then
	fail "debug diagnostics without -v: $(grep -m1 debug "$SCRATCH/a.err")"
fi

"$CONDUCT" run -q -v -o "$SCRATCH/b" -- /bin/true >/dev/null 2>"$SCRATCH/b.err" ||
	fail "run -v failed: $(cat "$SCRATCH/b.err")"
grep -qE '^conduct: (debug|libbpf): ' "$SCRATCH/b.err" || fail "no debug diagnostics with -v: $(cat "$SCRATCH/b.err")"
assert_no_leftovers
