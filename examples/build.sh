#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Builds the example connectors into $BUILD/examples/NAME/ (default build/): each C example's
# connector.c with OpenSSL, each Java example's Connector.java with javac (Java 17). Python
# and shell examples need no build. Rebuilds only what changed; exits non-zero on any error.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
out="$BUILD/examples"
mkdir -p "$out"
built=0

newer() { # newer TARGET SRC...: true when TARGET is missing or older than a source
	local t=$1 s
	shift
	[ -e "$t" ] || return 0
	for s in "$@"; do [ "$s" -nt "$t" ] && return 0; done
	return 1
}

for src in examples/*/connector.c; do
	name=$(basename "$(dirname "$src")")
	bin="$out/$name/connector"
	newer "$bin" "$src" examples/common/https.h || continue
	mkdir -p "$out/$name"
	gcc -std=gnu11 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE -o "$bin.tmp" "$src" \
		-lssl -lcrypto
	mv "$bin.tmp" "$bin"
	built=$((built + 1))
done

for src in examples/*/Connector.java; do
	name=$(basename "$(dirname "$src")")
	cls="$out/$name/Connector.class"
	newer "$cls" "$src" || continue
	mkdir -p "$out/$name"
	javac --release 17 -Xlint:all -Werror -d "$out/$name" "$src"
	built=$((built + 1))
done
echo "examples: $built built, in $out"
