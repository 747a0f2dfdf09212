#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Runs one example connector in a lab WITHOUT conduct, to check what the connector itself does
# (then read $LAB_DIR/logs/*): the lab's network namespace, a private mount namespace whose
# /etc/resolv.conf names the lab's dnsmasq, a scratch HOME with fake credential files and a
# dummy ACME_API_TOKEN.
#   tests/lab/try.sh LAB EXAMPLE
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 LAB EXAMPLE" >&2; exit 2; }
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
eval "$(tests/lab/lab.sh env "$1")"
# shellcheck disable=SC2034 # used by example.conf
EXAMPLE=$PWD/examples/$2 BIN=$PWD/$BUILD/examples/$2
[ -f "$EXAMPLE/example.conf" ] || { echo "no example '$2'" >&2; exit 2; }
# shellcheck source=/dev/null
source "$EXAMPLE/example.conf"
home=$(mktemp -d /tmp/lab-try.XXXXXX)
trap 'rm -rf "$home"' EXIT
mkdir -p "$home/.aws" "$home/.ssh"
printf '[default]\naws_access_key_id = AKIATRYTRYTRYTRY0000\naws_secret_access_key = try-secret\n' \
	>"$home/.aws/credentials"
printf -- '-----BEGIN OPENSSH PRIVATE KEY-----\ntry\n-----END OPENSSH PRIVATE KEY-----\n' \
	>"$home/.ssh/id_rsa"
echo "nameserver $LAB_DNS" >"$home/resolv.conf"
export HOME="$home" ACME_API_TOKEN=${ACME_API_TOKEN:-try-token-0123456789abcdef} \
	ACME_API_KEY=${ACME_API_KEY:-try-key-0123456789abcdef}
# shellcheck disable=SC2016 # expanded by the inner shell
timeout 30 nsenter --net="$LAB_NETNS" -- unshare -m --propagation private -- \
	/bin/sh -c 'mount --bind "$0" /etc/resolv.conf && exec "$@"' "$home/resolv.conf" \
	"${COMMAND[@]}"
