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
