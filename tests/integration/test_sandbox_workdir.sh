# SPDX-License-Identifier: GPL-2.0-only
# The work directory: bound at its own path when the run's (host-unprivileged) uid can reach
# it, and at /run/conduct/work when an ancestor is a directory only root may traverse (a 0700
# home or mktemp -d); either way writable, named in the header and given back after the run.
source tests/integration/lib.sh

# /tmp is a fresh tmpfs inside (anything below it is reachable), so the root-only directory
# is made on the host's tree, in build/.
PRIV="$PWD/$BUILD/test-workdir.$$"
mkdir -p "$PRIV/out" /tmp/conduct-wd-open.$$
chmod 0700 "$PRIV"
on_exit "rm -rf '$PRIV' /tmp/conduct-wd-open.$$"
chmod 0755 /tmp/conduct-wd-open.$$

# 1. Below a 0700 directory: the fixed path inside, the caller's cwd replaced by it.
(cd "$PRIV" && "$CONDUCT" run -q -o "$PRIV/out" -- /bin/sh -c \
	'echo "wd=$WORKDIR"; echo "cwd=$(pwd)"; echo data >"$WORKDIR/kept"') >/dev/null 2>"$SCRATCH/err" ||
	fail "run below a 0700 directory failed: $(cat "$SCRATCH/err")"
T="$PRIV/out/trace.jsonl"
assert_eq "$(head -1 "$T" | jq -r .sandbox.workdir)" /run/conduct/work "workdir inside"
assert_eq "$(head -1 "$T" | jq -r .sandbox.workdir_host)" "$PRIV/out/work" "workdir on the host"
assert_eq "$(head -1 "$T" | jq -r .sandbox.cwd)" /run/conduct/work "cwd inside"
assert_eq "$(jq -r 'select(.kind=="log") | .line' "$T" | tr '\n' ' ')" \
	"wd=/run/conduct/work cwd=/run/conduct/work " "what the connector saw"
assert_eq "$(cat "$PRIV/out/work/kept")" data "the file the connector wrote"
assert_eq "$(jq -r 'select(.kind=="file.inventory") | .path' "$T")" /run/conduct/work/kept "inventory"
assert_eq "$(stat -c %u "$PRIV/out/work")" 0 "workdir given back to its owner"

# 2. Reachable by everyone: bound at its own path, the caller's cwd kept.
(cd /tmp/conduct-wd-open.$$ && "$CONDUCT" run -q -o /tmp/conduct-wd-open.$$/out -- /bin/sh -c \
	'echo "wd=$WORKDIR cwd=$(pwd)"') >/dev/null 2>"$SCRATCH/err2" ||
	fail "run in an open directory failed: $(cat "$SCRATCH/err2")"
T2=/tmp/conduct-wd-open.$$/out/trace.jsonl
assert_eq "$(jq -r 'select(.kind=="log") | .line' "$T2")" \
	"wd=/tmp/conduct-wd-open.$$/out/work cwd=/tmp/conduct-wd-open.$$" "same path inside"
assert_no_leftovers

# 3. A connector unpacked below /tmp (which the sandbox replaces with its own tmpfs), run from
#    its own directory with the output directory inside it: the directory is bound read-only
#    at its own path, the connector runs, cannot write there, cannot read the trace (0600),
#    and the inventory of /tmp does not take conduct's own files for the connector's.
PKG=/tmp/conduct-wd-pkg.$$
mkdir -p "$PKG"
chmod 0755 "$PKG"
on_exit "rm -rf '$PKG'"
cat >"$PKG/connector.sh" <<'SH'
#!/bin/sh
echo "ran=$(basename "$0")"
if echo x 2>/dev/null >"$(dirname "$0")/dropped"; then echo "pkg=writable"; else echo "pkg=read-only"; fi
if cat "$(dirname "$0")/out/trace.jsonl" >/dev/null 2>&1; then echo "trace=readable"; else echo "trace=unreadable"; fi
SH
chmod 0755 "$PKG/connector.sh"
(cd "$PKG" && "$CONDUCT" run -q -o "$PKG/out" -- ./connector.sh) >/dev/null 2>"$SCRATCH/err3" ||
	fail "a connector below /tmp did not pass: $(cat "$SCRATCH/err3")"
T3="$PKG/out/trace.jsonl"
assert_eq "$(stat -c %a "$T3")" 600 "trace mode"
assert_eq "$(head -1 "$T3" | jq -c .sandbox.read_only_binds)" "[\"$PKG\"]" "read-only binds"
assert_eq "$(jq -r 'select(.kind=="log") | .line' "$T3" | tr '\n' ' ')" \
	"ran=connector.sh pkg=read-only trace=unreadable " "what the connector saw"
assert_eq "$(jq -c '[select(.kind=="file.inventory") | .path]' "$T3" | jq -sc 'add')" "[]" \
	"inventory (nothing written)"
assert_eq "$(jq -r .verdict "$PKG/out/report.json")" pass "verdict"
assert_no_leftovers
