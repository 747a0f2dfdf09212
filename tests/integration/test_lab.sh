#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The lab itself (tests/lab/lab.sh): its servers answer as the examples rely on (DNS names,
# TLS 1.2 and 1.3 on the API host, TLS 1.0 only on the legacy host, plain HTTP, the collector
# on TCP/TLS/UDP, the metadata service, the cluster stand-in), nothing outside the lab is
# reachable from it, and `down` leaves no namespace, process or key behind.
source tests/integration/lib.sh

LAB="cdl$$"
tests/lab/lab.sh up "$LAB" >"$SCRATCH/env" || fail "lab did not come up"
on_exit "LAB_KEEP_LOGS=0 tests/lab/lab.sh down $LAB >/dev/null 2>&1"
eval "$(cat "$SCRATCH/env")"
L() { tests/lab/lab.sh exec "$LAB" "$@"; }
PY=/usr/bin/python3

# No link but loopback; no route out.
assert_eq "$(L ip -o link show | awk -F': ' '{print $2}' | tr '\n' ' ')" "lo " "lab links"
assert_match "$(L ip route show default)" '^unreachable default' "default route"
out=$(L $PY -c '
import socket
for a in ("198.51.100.99", "203.0.113.99"):
    s = socket.socket(); s.settimeout(2)
    try:
        s.connect((a, 443)); print("reached", a)
    except OSError as e:
        print("unreachable", a, e.errno)')
assert_eq "$out" $'unreachable 198.51.100.99 113\nunreachable 203.0.113.99 113' "routes out"

# DNS: every lab name, subdomains of evil.example, NXDOMAIN for the rest.
dns() {
	L $PY - "$1" <<'EOF'
import socket, sys
name = sys.argv[1]
q = b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00" + b"".join(
    bytes([len(p)]) + p for p in name.encode().split(b".")) + b"\x00\x00\x01\x00\x01"
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(3)
s.sendto(q, ("198.51.100.53", 53)); r = s.recv(512)
print("rcode=%d" % (r[3] & 15), ".".join(str(b) for b in r[-4:]) if r[7] else "-")
EOF
}
assert_eq "$(dns api.acme.example)" "rcode=0 198.51.100.10" "dns api"
assert_eq "$(dns acme-backups.s3.amazonaws.com)" "rcode=0 203.0.113.20" "dns s3"
assert_eq "$(dns zeebe.camunda.svc)" "rcode=0 198.51.100.30" "dns zeebe"
assert_eq "$(dns abcdef0123.0.t.evil.example)" "rcode=0 203.0.113.66" "dns tunnel name"
assert_eq "$(dns www.example.com)" "rcode=3 -" "dns outside the lab"

# TLS versions as declared, verified against the lab CA.
tls() { # tls ADDR NAME FLAGS...: the negotiated protocol, or "refused"
	local addr=$1 name=$2
	shift 2
	L timeout 10 openssl s_client -connect "$addr:443" -servername "$name" -CAfile "$LAB_CA" \
		-verify_return_error -brief "$@" </dev/null 2>&1 |
		awk '/^Protocol version/ {print $3; found=1} END {if (!found) print "refused"}'
}
assert_eq "$(tls 198.51.100.10 api.acme.example -tls1_3)" "TLSv1.3" "api TLS 1.3"
assert_eq "$(tls 198.51.100.10 api.acme.example -tls1_2)" "TLSv1.2" "api TLS 1.2"
assert_eq "$(tls 198.51.100.10 api.acme.example -tls1 -cipher DEFAULT@SECLEVEL=0)" "refused" \
	"api TLS 1.0"
assert_eq "$(tls 198.51.100.11 legacy.acme.example -tls1 -cipher DEFAULT@SECLEVEL=0)" \
	"TLSv1" "legacy TLS 1.0"
assert_eq "$(tls 198.51.100.11 legacy.acme.example)" "refused" "legacy refuses 1.2+"
assert_eq "$(tls 203.0.113.20 acme-backups.s3.amazonaws.com)" "TLSv1.3" "s3 TLS"

# DNS over HTTPS answers the lab's names from the same table as dnsmasq.
assert_eq "$(L curl -sS --cacert "$LAB_CA" --resolve cloudflare-dns.com:443:203.0.113.53 \
	-H 'accept: application/dns-json' \
	'https://cloudflare-dns.com/dns-query?name=zeebe.camunda.svc&type=A' | jq -r '.Answer[0].data')" \
	"198.51.100.30" "DoH answer"

# HTTP, metadata, collector (TCP, TLS, UDP), cluster stand-in; each keeps what it got.
assert_eq "$(L curl -sS http://198.51.100.12/)" "lab $LAB: plain HTTP" "plain HTTP"
assert_eq "$(L curl -sS http://169.254.169.254/latest/meta-data/iam/security-credentials/)" \
	"lab-instance-role" "metadata role"
L curl -sS -o /dev/null -d 'k=tcp-marker' http://203.0.113.66/x
L curl -sS -o /dev/null --cacert "$LAB_CA" --resolve c.evil.example:443:203.0.113.66 \
	-d 'k=tls-marker' https://c.evil.example/x
L $PY -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(b"udp-marker", ("203.0.113.66", 8125))
c = socket.create_connection(("198.51.100.30", 26500), timeout=3)
c.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + bytes([0, 0, 0, 4, 0, 0, 0, 0, 0]))
assert c.recv(64)[:9] == bytes([0, 0, 0, 4, 0, 0, 0, 0, 0])
c.close()'
sleep 0.5
log="$LAB_LOGS/collector.jsonl"
assert_eq "$(jq -r 'select(.proto=="tcp") | .b64 | @base64d' "$log" | grep -c tcp-marker)" 1 \
	"collector TCP"
assert_eq "$(jq -r 'select(.proto=="tls") | "\(.sni) \(.tls)"' "$log")" "c.evil.example TLSv1.3" \
	"collector TLS"
assert_eq "$(jq -r 'select(.proto=="tls") | .b64 | @base64d' "$log" | grep -c tls-marker)" 1 \
	"collector TLS bytes"
assert_eq "$(jq -r 'select(.proto=="udp") | .b64 | @base64d' "$log")" "udp-marker" "collector UDP"
for i in $(seq 30); do [ -s "$LAB_LOGS/zeebe.jsonl" ] && break; sleep 0.2; done
assert_eq "$(jq -r .proto "$LAB_LOGS/zeebe.jsonl")" "h2c" "zeebe h2c"

# down: no namespace, no lab process, no key left.
pids=$(ip netns pids "$LAB" | tr '\n' ' ')
assert_ne "$pids" "" "lab processes"
tests/lab/lab.sh down "$LAB"
[ ! -e "/run/netns/$LAB" ] || fail "namespace left behind"
# (a killed server may stay a zombie for a moment, until pid 1 reaps it)
for p in $pids; do
	st=$(awk '/^State:/ {print $2}' "/proc/$p/status" 2>/dev/null || true)
	[ -z "$st" ] || [ "$st" == Z ] || fail "lab process $p left behind: $(tr '\0' ' ' <"/proc/$p/cmdline")"
done
[ ! -e "$LAB_DIR/ca" ] || fail "lab keys left behind"
LAB_KEEP_LOGS=0 tests/lab/lab.sh down "$LAB"
[ ! -e "$LAB_DIR" ] || fail "lab state left behind"
echo "lab ok"
