#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# `make demo`: brings up the test lab (tests/lab/lab.sh: a network namespace of its own with
# real TLS, HTTP, DNS, storage and metadata servers, no way out), certifies a handful of the
# example connectors with `conduct run --net nat` inside it, prints each one's terminal
# summary and where its reports are, and tears the lab down. Needs root.
#   examples/demo.sh [EXAMPLE...]     (default: a good Java connector and five bad ones)
#   DEMO_OUT=DIR                      where the reports go (default out/demo)
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$REPO/$BUILD" ;; esac
CONDUCT=${CONDUCT:-$BUILD/conduct}
OUT=${DEMO_OUT:-$REPO/out/demo}
case "$OUT" in /*) ;; *) OUT="$REPO/$OUT" ;; esac
LAB="demo$$"

if [ "$(id -u)" != 0 ]; then
	echo "demo: conduct runs connectors in namespaces and loads eBPF programs: run as root" >&2
	exit 3
fi
[ -x "$CONDUCT" ] || { echo "demo: $CONDUCT is not built (make)" >&2; exit 3; }
if [ $# -gt 0 ]; then
	names=("$@")
else
	names=(java-good java-undeclared c-tls10 py-dns-tunnel sh-s3-upload c-daemon-exfil)
fi

bold() { if [ -t 1 ]; then printf '\033[1m%s\033[0m\n' "$*"; else printf '%s\n' "$*"; fi; }

BUILD=$BUILD examples/build.sh
bold "== bringing up the lab '$LAB' (network namespace, CA, servers, DNS)"
env=$(BUILD=$BUILD tests/lab/lab.sh up "$LAB")
trap 'BUILD=$BUILD LAB_KEEP_LOGS=0 tests/lab/lab.sh down "$LAB" >/dev/null 2>&1 || true' EXIT
eval "$env"
BUILD=$BUILD tests/lab/lab.sh hosts "$LAB" | sed 's/^/   /'
mkdir -p "$OUT"

summary=()
for name in "${names[@]}"; do
	dir="$REPO/examples/$name"
	[ -f "$dir/example.conf" ] || { echo "demo: no example '$name'" >&2; exit 2; }
	# shellcheck disable=SC2034 # used by example.conf
	EXAMPLE=$dir BIN="$BUILD/examples/$name"
	COMMAND=()
	FLAGS=()
	# shellcheck source=/dev/null
	source "$dir/example.conf"
	echo
	bold "== $name: $(cat "$dir/README")"
	echo "   conduct run --net nat -m examples/$name/manifest.json${FLAGS[*]:+ ${FLAGS[*]}} --" \
		"${COMMAND[*]//$REPO\//}"
	rm -rf "${OUT:?}/$name"
	seen=$(wc -l <"$LAB_LOGS/collector.jsonl" 2>/dev/null || echo 0)
	rc=0
	BUILD=$BUILD tests/lab/lab.sh exec "$LAB" "$CONDUCT" run --net nat --dns "$LAB_DNS" -q \
		-m "$dir/manifest.json" -o "$OUT/$name" --timeout 20 --linger 1 "${FLAGS[@]}" \
		-- "${COMMAND[@]}" || rc=$?
	verdict=$(jq -r .verdict "$OUT/$name/report.json" 2>/dev/null || echo "none")
	want=$(jq -r .verdict "$dir/expected.json")
	summary+=("$(printf '%-18s %-11s (expected %s, exit %d)' "$name" "$verdict" "$want" "$rc")")
	# What the lab's collector (the "attacker") really received during this run.
	tail -n +$((seen + 1)) "$LAB_LOGS/collector.jsonl" 2>/dev/null |
		jq -r '"   the collector received over \(.proto)/\(.port): " +
			(.b64 | @base64d | gsub("[\r\n]+"; " ") | .[0:60]) + "..."' || true
	echo "   reports: $OUT/$name/{report.json,report.sarif,report.html,trace.jsonl}"
done

echo
bold "== summary"
printf '   %s\n' "${summary[@]}"
echo "   reproduce any of them from its trace alone: $CONDUCT check $OUT/NAME/trace.jsonl"
