#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The test lab (DESIGN.md §9): a network namespace holding a small "internet" of real servers
# on documentation-range addresses, with no link to the machine's own namespace.
#
#   tests/lab/lab.sh up NAME          create namespace NAME, its CA and servers; prints the env
#   tests/lab/lab.sh down NAME        kill every lab process, delete the namespace and state
#   tests/lab/lab.sh exec NAME CMD..  run CMD in the lab's network namespace (nsenter --net,
#                                     not `ip netns exec`, which remounts /sys)
#   tests/lab/lab.sh env NAME         LAB_* variables of a lab that is up (for `eval`)
#   tests/lab/lab.sh status NAME      what is listening in the lab
#   tests/lab/lab.sh hosts NAME       the lab's names and addresses
#
# State (CA, keys, truststore, server logs) lives in $BUILD/lab/NAME, which the sandbox sees
# read-only (its own /tmp is a fresh tmpfs). Private keys are made per lab, never committed.
# Every server is bounded by `timeout $LAB_TTL` (default 1800 s) and dies with `down`.
set -euo pipefail

LAB_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$LAB_SRC/../.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$REPO/$BUILD" ;; esac
LAB_TTL=${LAB_TTL:-1800}
PY=/usr/bin/python3

# name address: every host of the lab. The connector finds them through dnsmasq.
HOSTS=(
	"api.acme.example 198.51.100.10"		# declared API host: TLS 1.2 and 1.3
	"legacy.acme.example 198.51.100.11"		# TLS 1.0 only (openssl s_server -tls1)
	"plain.acme.example 198.51.100.12"		# plain HTTP (python3 -m http.server)
	"zeebe.camunda.svc 198.51.100.30"		# cluster stand-in: h2c on 26500
	"stats.other.example 203.0.113.40"		# undeclared but innocent: TLS (s_server -www)
	"acme-backups.s3.amazonaws.com 203.0.113.20"	# public object-storage bucket: TLS
	"files.pythonhosted.org 203.0.113.50"		# a package registry: TLS, serves *.py
	"o4505.ingest.sentry.io 203.0.113.21"		# an error-tracking (telemetry) service: TLS
	"cloudflare-dns.com 203.0.113.53"		# DNS over HTTPS (JSON API): TLS
	"evil.example 203.0.113.66"			# the collector, and every *.evil.example
	"metadata.google.internal 169.254.169.254"	# cloud metadata service
)
DNS_ADDR=198.51.100.53

die() { echo "lab: $*" >&2; exit 1; }
usage() { sed -n '3,15p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

check_name() {
	[[ "$1" =~ ^[a-z0-9][a-z0-9_-]{0,30}$ ]] || die "bad lab name '$1' (a-z0-9_-, 31 max)"
}

in_lab() { nsenter --net="/run/netns/$NAME" -- "$@"; }

# start TAG CMD...: a server inside the lab, time-bounded, its pid kept for `down`.
start() {
	local tag=$1
	shift
	nsenter --net="/run/netns/$NAME" -- timeout -k 2 "$LAB_TTL" "$@" \
		</dev/null >"$DIR/logs/$tag.out" 2>&1 &
	echo "$! $tag" >>"$DIR/pids"
}

make_ca() {
	local san="" h
	mkdir -p "$DIR/ca"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -sha256 -keyout "$DIR/ca/ca.key" \
		-out "$DIR/ca.crt" -subj "/O=conduct lab/CN=conduct lab CA $NAME" \
		-addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
	for h in "${HOSTS[@]}"; do
		san+="DNS:${h%% *},"
	done
	san+="DNS:*.evil.example,DNS:*.s3.amazonaws.com,IP:203.0.113.66"
	openssl req -new -newkey rsa:2048 -nodes -keyout "$DIR/ca/server.key" \
		-out "$DIR/ca/server.csr" -subj "/O=conduct lab/CN=api.acme.example" 2>/dev/null
	printf '%s\n' "subjectAltName=$san" "basicConstraints=critical,CA:FALSE" \
		"keyUsage=critical,digitalSignature,keyEncipherment" "extendedKeyUsage=serverAuth" \
		>"$DIR/ca/server.ext"
	openssl x509 -req -in "$DIR/ca/server.csr" -CA "$DIR/ca.crt" -CAkey "$DIR/ca/ca.key" \
		-CAcreateserial -days 2 -sha256 -extfile "$DIR/ca/server.ext" \
		-out "$DIR/ca/server.crt" 2>/dev/null
	chmod 600 "$DIR/ca/ca.key" "$DIR/ca/server.key"
	# The JVM does not read PEM bundles: a PKCS#12 truststore holding the lab CA only.
	if command -v keytool >/dev/null; then
		keytool -importcert -noprompt -alias conduct-lab-ca -file "$DIR/ca.crt" \
			-keystore "$DIR/truststore.p12" -storetype PKCS12 -storepass changeit \
			>/dev/null 2>&1 || die "keytool could not build the truststore"
	fi
}

# wait_listening PROTO ADDR:PORT...: every socket is up within 10 s, or the lab fails.
wait_listening() {
	local proto=$1 i s missing
	shift
	for ((i = 0; i < 100; i++)); do
		missing=""
		local have
		have=$(in_lab ss -Hln"${proto}" | awk '{print $4}')
		for s in "$@"; do
			grep -qxF "$s" <<<"$have" || missing+=" $s"
		done
		[ -z "$missing" ] && return 0
		sleep 0.1
	done
	die "servers did not come up:$missing (see $DIR/logs)"
}

cmd_up() {
	local a h dnsargs=()
	[ -e "/run/netns/$NAME" ] && die "lab '$NAME' is already up (lab.sh down $NAME)"
	[ "$(id -u)" = 0 ] || die "needs root"
	rm -rf "$DIR"
	mkdir -p "$DIR/logs" "$DIR/www"
	: >"$DIR/pids"
	ip netns add "$NAME"
	# From here on a failure (set -e, die) must undo what was made.
	trap 'cmd_down >/dev/null 2>&1 || true' EXIT
	ip -n "$NAME" link set lo up
	for a in "$DNS_ADDR" "${HOSTS[@]##* }"; do
		ip -n "$NAME" addr add "$a/32" dev lo
	done
	# No default route: anything not in the lab is unreachable, fast.
	ip -n "$NAME" route add unreachable default
	ip -n "$NAME" -6 route add unreachable default 2>/dev/null || true

	make_ca
	local crt="$DIR/ca/server.crt" key="$DIR/ca/server.key"
	echo "lab $NAME: plain HTTP" >"$DIR/www/index.html"

	# host-record: A for the name, NODATA for AAAA (as a real zone); evil.example also
	# answers for every name under it (DNS tunneling lands there).
	for h in "${HOSTS[@]}"; do
		dnsargs+=("--host-record=${h%% *},${h##* }")
	done
	dnsargs+=("--address=/evil.example/203.0.113.66")
	start dnsmasq dnsmasq --no-daemon --conf-file=/dev/null --no-resolv --no-hosts \
		--user=root --group=root --listen-address="$DNS_ADDR" --bind-interfaces --port=53 \
		--log-queries=extra --log-facility="$DIR/logs/dns.log" --cache-size=0 \
		--local-ttl=5 --local=/#/ "${dnsargs[@]}"
	start api $PY "$LAB_SRC/labd.py" https --name api.acme.example --addr 198.51.100.10 \
		--port 443 --cert "$crt" --key "$key" --tls-min 1.2 --log "$DIR/logs/api.jsonl"
	start legacy openssl s_server -accept 198.51.100.11:443 -cert "$crt" -key "$key" \
		-tls1 -cipher 'DEFAULT@SECLEVEL=0' -www
	start plain $PY -m http.server --bind 198.51.100.12 --directory "$DIR/www" 80
	start stats openssl s_server -accept 203.0.113.40:443 -cert "$crt" -key "$key" -www
	start s3 $PY "$LAB_SRC/labd.py" https --name acme-backups.s3.amazonaws.com \
		--addr 203.0.113.20 --port 443 --cert "$crt" --key "$key" --log "$DIR/logs/s3.jsonl"
	start registry $PY "$LAB_SRC/labd.py" registry --name files.pythonhosted.org \
		--addr 203.0.113.50 --port 443 --cert "$crt" --key "$key" \
		--log "$DIR/logs/registry.jsonl"
	start sentry $PY "$LAB_SRC/labd.py" https --name o4505.ingest.sentry.io \
		--addr 203.0.113.21 --port 443 --cert "$crt" --key "$key" --log "$DIR/logs/sentry.jsonl"
	local zone=""
	for h in "${HOSTS[@]}"; do
		zone+="${h%% *}=${h##* },"
	done
	start doh $PY "$LAB_SRC/labd.py" doh --name cloudflare-dns.com --addr 203.0.113.53 \
		--port 443 --cert "$crt" --key "$key" --zone "$zone" --log "$DIR/logs/doh.jsonl"
	start collector $PY "$LAB_SRC/labd.py" collector --addr 203.0.113.66 --tcp 80,4444 \
		--tls 443 --udp 8125,9999 --cert "$crt" --key "$key" --log "$DIR/logs/collector.jsonl"
	start metadata $PY "$LAB_SRC/labd.py" metadata --addr 169.254.169.254 --port 80 \
		--log "$DIR/logs/metadata.jsonl"
	start zeebe $PY "$LAB_SRC/labd.py" zeebe --addr 198.51.100.30 --port 26500 \
		--log "$DIR/logs/zeebe.jsonl"

	wait_listening t 198.51.100.53:53 198.51.100.10:443 198.51.100.11:443 198.51.100.12:80 \
		203.0.113.40:443 203.0.113.20:443 203.0.113.21:443 203.0.113.50:443 203.0.113.53:443 203.0.113.66:80 203.0.113.66:4444 \
		203.0.113.66:443 169.254.169.254:80 198.51.100.30:26500
	wait_listening u 198.51.100.53:53 203.0.113.66:8125 203.0.113.66:9999
	trap - EXIT
	cmd_env
}

cmd_down() {
	local pid tag i left
	if [ -f "$DIR/pids" ]; then
		while read -r pid tag; do
			kill -TERM "$pid" 2>/dev/null || true
		done <"$DIR/pids"
	fi
	# Anything else still running in the namespace was started in the lab (lab.sh exec).
	if [ -e "/run/netns/$NAME" ]; then
		for pid in $(ip netns pids "$NAME" 2>/dev/null); do
			kill -TERM "$pid" 2>/dev/null || true
		done
		for ((i = 0; i < 30; i++)); do
			left=$(ip netns pids "$NAME" 2>/dev/null)
			[ -z "$left" ] && break
			sleep 0.1
		done
		for pid in $(ip netns pids "$NAME" 2>/dev/null); do
			kill -KILL "$pid" 2>/dev/null || true
		done
		ip netns del "$NAME"
	fi
	# Keys go with the lab; logs stay for a post-mortem unless LAB_KEEP_LOGS=0.
	rm -rf "$DIR/ca" "$DIR/truststore.p12" "$DIR/pids"
	[ "${LAB_KEEP_LOGS:-1}" = 0 ] && rm -rf "$DIR"
	return 0
}

cmd_env() {
	[ -e "/run/netns/$NAME" ] || die "lab '$NAME' is not up"
	cat <<EOF
LAB_NAME=$NAME
LAB_DIR=$DIR
LAB_NETNS=/run/netns/$NAME
LAB_DNS=$DNS_ADDR
LAB_CA=$DIR/ca.crt
LAB_TRUSTSTORE=$DIR/truststore.p12
LAB_LOGS=$DIR/logs
EOF
}

cmd_hosts() {
	local h
	[ -e "/run/netns/$NAME" ] || die "lab '$NAME' is not up"
	printf '%-32s %s\n' "(dns)" "$DNS_ADDR:53"
	for h in "${HOSTS[@]}"; do
		printf '%-32s %s\n' "${h%% *}" "${h##* }"
	done
	printf '%-32s %s\n' "*.evil.example" "203.0.113.66"
}

cmd_status() {
	[ -e "/run/netns/$NAME" ] || die "lab '$NAME' is not up"
	in_lab ss -Hlntu
}

[ $# -ge 2 ] || usage
CMD=$1
NAME=$2
shift 2
check_name "$NAME"
DIR="$BUILD/lab/$NAME"
case "$CMD" in
up) cmd_up ;;
down) cmd_down ;;
env) cmd_env ;;
status) cmd_status ;;
hosts) cmd_hosts ;;
exec)
	[ $# -ge 1 ] || usage
	[ -e "/run/netns/$NAME" ] || die "lab '$NAME' is not up"
	exec nsenter --net="/run/netns/$NAME" -- "$@"
	;;
*) usage ;;
esac
