# SPDX-License-Identifier: GPL-2.0-only
# The recorder's network events, all on the sandbox's own loopback (--net none):
# a connect racing a thread that rewrites the sockaddr buffer is recorded with the address
# actually connected; one sendmmsg to two destinations gives two net.send with their sizes;
# a DNS query datagram is captured whole and decoded, and so is DNS over TCP (query and answer,
# in a lab namespace of the test's own); a TCP stream is reassembled in order up to
# --flow-bytes per direction (4K, and the 16K default); a TLS 1.3 handshake yields the complete
# ClientHello and ServerHello as net.data, decoded next to it, and with --tls-plaintext the
# SSL_write and SSL_read plaintext of client and server.
source tests/integration/lib.sh
source tests/integration/test_record.inc

# b64cat FLOW DIR: the bytes of one direction of a flow, concatenated by offset, as hex.
b64cat() {
	jq -r "select(.kind == \"net.data\" and .flow == $1 and .dir == \"$2\") | \"\(.offset) \(.b64)\"" "$T" |
		python3 -c '
import sys, base64
buf = bytearray()
for line in sys.stdin:
    off, b = line.split()
    data = base64.b64decode(b)
    off = int(off)
    if len(buf) < off + len(data):
        buf.extend(b"\0" * (off + len(data) - len(buf)))
    buf[off:off + len(data)] = data
print(buf.hex())'
}

rrun race -- "$HELPERS/rec_net" race
assert_eq "$(run_end_field exit_code)" 0 "the connector exit status ($(cat "$SCRATCH/race.err"))"
assert_no_loss
# in connect order: each recorded address is the one getpeername() reports for that connect
GOT=$(ev '.kind == "net.connect" and .ret == 0' | jq -r '"peer \(.addr) \(.port)"')
WANT=$(out_lines | grep '^peer ')
assert_eq "$(wc -l <<<"$WANT" | tr -d ' ')" 30 "connects made"
assert_eq "$GOT" "$WANT" "recorded connect addresses vs getpeername()"
assert_eq "$(evn '.kind == "net.connect" and .pid == 2 and .proto == "tcp"')" 30 "connects attributed to the process"
assert_eq "$(evn '.kind == "proc.fork" and .pid == 2 and .thread == true')" 2 "the two threads"
# the race was really exercised: both addresses were connected (the flipper wrote each of them
# while connects were in flight), so the recorded address is not simply the buffer's first value
assert_eq "$(ev '.kind == "net.connect" and .ret == 0' | jq -r .addr | sort -u | paste -sd,)" \
	"127.0.0.1,127.0.0.2" "both racing addresses among the recorded connects"

rrun udp -- "$HELPERS/rec_net" udp
assert_eq "$(run_end_field exit_code)" 0 "the connector exit status ($(cat "$SCRATCH/udp.err"))"
assert_no_loss
assert_eq "$(ev '.kind == "net.send"' | jq -r '"\(.addr):\(.port) \(.bytes) \(.proto)"' | paste -sd,)" \
	"127.0.0.1:5301 11 udp,127.0.0.2:5302 22 udp,127.0.0.1:53 30 udp" "net.send per datagram"
F=$(ev '.kind == "net.send"' | jq -r .flow | sort -u)
assert_eq "$(wc -l <<<"$F" | tr -d ' ')" 1 "one socket, one flow"
assert_eq "$(ev ".kind == \"net.data\" and .flow == $F and .dir == \"out\"" | jq -r '"\(.addr):\(.port) \(.offset) \(.b64)"' | paste -sd,)" \
	"127.0.0.1:5301 0 $(printf 'a%.0s' $(seq 11) | base64),127.0.0.2:5302 11 $(printf 'b%.0s' $(seq 22) | base64),127.0.0.1:53 33 EjQBAAABAAAAAAAABGxhYjEHZXhhbXBsZQAAAQAB" \
	"UDP net.data with peer address"
assert_eq "$(ev '.kind == "dns.query"' | jq -c '[.name, .qtype, .flow]')" "[\"lab1.example\",\"A\",$F]" "dns.query"

rrun tcp --flow-bytes 16K -- "$HELPERS/rec_net" tcp
assert_eq "$(run_end_field exit_code)" 0 "the connector exit status ($(cat "$SCRATCH/tcp.err"))"
assert_no_loss
C=$(ev '.kind == "net.connect" and .port == 4200' | jq -r .flow)
assert_eq "$(b64cat "$C" out)" "$(python3 -c 'print(bytes(i % 251 for i in range(16384)).hex())')" "client stream out (16 KiB of 20000)"
assert_eq "$(b64cat "$C" in)" "$(python3 -c 'print(bytes((i * 7 + i // 256) % 256 for i in range(16384)).hex())')" "client stream in"
assert_eq "$(jq -s "[.[] | select(.kind == \"net.data\" and .flow == $C and .dir == \"out\")] | map(.offset) == (map(.offset) | sort)" "$T")" true "net.data in stream order"
# the server side: net.accept names the accepted flow, whose bytes are the same streams mirrored
E=$(ev '.kind == "net.accept" and .lport == 4200')
assert_eq "$(jq -c '[.pid, .proto, .addr]' <<<"$E")" '[2,"tcp","127.0.0.1"]' "net.accept"
S=$(jq -r .flow <<<"$E")
assert_ne "$S" null "the accepted flow's cookie"
assert_eq "$(b64cat "$S" in)" "$(b64cat "$C" out)" "server in = client out"
assert_eq "$(b64cat "$S" out)" "$(b64cat "$C" in)" "server out = client in"

# DNS over TCP, captured whole and decoded both ways. Nothing in the sandbox may bind port 53, so
# the server is in a lab namespace of this test's own (198.51.100.53 on its lo, no other link),
# conduct runs inside it and the sandbox reaches the server through --net nat.
LAB=conduct-rectest-$$
ip netns add "$LAB"
on_exit "ip netns del $LAB"
ip -n "$LAB" link set lo up
ip -n "$LAB" addr add 198.51.100.53/32 dev lo
# one connection: a length-prefixed query in, the canned answer (lab2.example A 198.51.100.10,
# TTL 60, the query's id) out
nsenter --net="/run/netns/$LAB" -- timeout -k 2 30 python3 -c '
import socket, struct
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("198.51.100.53", 53)); s.listen(1); open(__import__("sys").argv[1], "w").close()
c, _ = s.accept()
def rd(n):
    b = b""
    while len(b) < n:
        d = c.recv(n - len(b)); assert d; b += d
    return b
q = rd(struct.unpack(">H", rd(2))[0])
a = (q[:2] + bytes.fromhex("81800001000100000000") + q[12:] +
     bytes.fromhex("c00c000100010000003c0004") + bytes([198, 51, 100, 10]))
c.sendall(struct.pack(">H", len(a)) + a)
c.close()' "$SCRATCH/dns.ready" </dev/null >"$SCRATCH/dns.log" 2>&1 &
on_exit "kill $! 2>/dev/null; wait $! 2>/dev/null"
for i in $(seq 50); do [ -e "$SCRATCH/dns.ready" ] && break; sleep 0.1; done
RRUN_NS=$LAB rrun dnstcp --net nat -- "$HELPERS/rec_net" dnstcp 198.51.100.53
assert_eq "$(run_end_field exit_code)" 0 "the connector exit status ($(cat "$SCRATCH/dnstcp.err") $(cat "$SCRATCH/dns.log"))"
assert_no_loss
assert_eq "$(out_lines)" "answer 46" "the client read the whole answer"
C=$(ev '.kind == "net.connect" and .addr == "198.51.100.53" and .port == 53 and .ret == 0 and .proto == "tcp"' | jq -r .flow)
[ -n "$C" ] || fail "no net.connect to 198.51.100.53:53"
DQ=001e432101000001000000000000046c616232076578616d706c650000010001
assert_eq "$(b64cat "$C" out)" "$DQ" "the whole length-prefixed query (two writes)"
assert_eq "$(b64cat "$C" in)" 002e432181800001000100000000046c616232076578616d706c650000010001c00c000100010000003c0004c633640a "the whole length-prefixed answer"
assert_eq "$(ev ".kind == \"dns.query\" and .flow == $C" | jq -c '[.name, .qtype]')" '["lab2.example","A"]' "dns.query over TCP"
assert_eq "$(ev ".kind == \"dns.answer\" and .flow == $C" | jq -c '[.name, .addrs, .ttl, .rcode]')" '["lab2.example",["198.51.100.10"],60,0]' "dns.answer over TCP"

# --flow-bytes bounds each direction: with 4K, exactly the first 4096 bytes of the 20000 (b64cat
# gives the bytes up to the furthest recorded offset, so equality also bounds the length)
rrun tcp4k --flow-bytes 4K -- "$HELPERS/rec_net" tcp
assert_eq "$(run_end_field exit_code)" 0 "the connector exit status ($(cat "$SCRATCH/tcp4k.err"))"
assert_no_loss
C=$(ev '.kind == "net.connect" and .port == 4200' | jq -r .flow)
assert_eq "$(b64cat "$C" out)" "$(python3 -c 'print(bytes(i % 251 for i in range(4096)).hex())')" "client stream out (4 KiB of 20000)"
assert_eq "$(b64cat "$C" in)" "$(python3 -c 'print(bytes((i * 7 + i // 256) % 256 for i in range(4096)).hex())')" "client stream in (4 KiB)"
# and without the flag, the default is 16 KiB per direction
rrun tcpdef -- "$HELPERS/rec_net" tcp
assert_eq "$(run_end_field exit_code)" 0 "the connector exit status ($(cat "$SCRATCH/tcpdef.err"))"
assert_no_loss
C=$(ev '.kind == "net.connect" and .port == 4200' | jq -r .flow)
assert_eq "$(b64cat "$C" out)" "$(python3 -c 'print(bytes(i % 251 for i in range(16384)).hex())')" "default: client stream out (16 KiB)"
assert_eq "$(b64cat "$C" in)" "$(python3 -c 'print(bytes((i * 7 + i // 256) % 256 for i in range(16384)).hex())')" "default: client stream in (16 KiB)"

# IPv6: connect6 and sendmsg6 on ::1, the bytes of both through cgroup_skb
rrun v6 -- python3 -c '
import socket
s = socket.socket(socket.AF_INET6); s.bind(("::1", 4500)); s.listen(1)
c = socket.socket(socket.AF_INET6); c.connect(("::1", 4500)); c.sendall(b"v6 stream")
a, _ = s.accept(); assert a.recv(64) == b"v6 stream"
u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); u.sendto(b"v6 datagram", ("::1", 4501))
'
assert_eq "$(run_end_field exit_code)" 0 "the python3 client ($(cat "$SCRATCH/v6.err"))"
assert_no_loss
C=$(ev '.kind == "net.connect" and .addr == "::1" and .port == 4500 and .ret == 0 and .proto == "tcp"' | jq -r .flow)
[ -n "$C" ] || fail "no net.connect to [::1]:4500"
assert_eq "$(b64cat "$C" out)" "$(printf 'v6 stream' | od -An -tx1 | tr -d ' \n')" "IPv6 stream bytes"
assert_eq "$(ev '.kind == "net.send" and .addr == "::1" and .port == 4501' | jq -r '"\(.bytes) \(.proto)"')" "11 udp" "IPv6 datagram"

# TLS 1.3 on loopback: openssl s_server and s_client both in the sandbox; the key pair lives in
# the run's workdir (the host's /tmp is not visible inside)
K="$SCRATCH/tls/work"
mkdir -p "$K"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=lab.example \
	-keyout "$K/key.pem" -out "$K/cert.pem" >/dev/null 2>&1 || fail "openssl req"
chmod 0755 "$SCRATCH/tls" "$K"
chmod 0644 "$K/key.pem"
rrun tls --tls-plaintext -- /bin/sh -c "(echo world; sleep 4) | openssl s_server -quiet -naccept 1 -accept 127.0.0.1:4433 -cert $K/cert.pem -key $K/key.pem >/dev/null 2>&1 &
	for i in 1 2 3 4 5 6 7 8 9 10; do sleep 0.2; (echo hello; sleep 1) | openssl s_client -quiet -tls1_3 -servername lab.example -connect 127.0.0.1:4433 >/dev/null 2>&1 && break; done; wait"
assert_no_loss
C=$(ev '.kind == "net.connect" and .port == 4433 and .ret == 0' | jq -r .flow | tail -n 1)
[ -n "$C" ] || fail "no successful connect to the TLS server: $(cat "$SCRATCH/tls.err")"
CH=$(b64cat "$C" out)
SH=$(b64cat "$C" in)
python3 - "$CH" "$SH" <<'PY' || fail "ClientHello/ServerHello not complete in net.data"
import sys
ch, sh = bytes.fromhex(sys.argv[1]), bytes.fromhex(sys.argv[2])
# a handshake record holding a complete ClientHello (type 1) / ServerHello (type 2)
for buf, t in ((ch, 1), (sh, 2)):
    assert buf[0] == 0x16 and buf[1] == 3, buf[:5].hex()
    rl = int.from_bytes(buf[3:5], "big")
    assert len(buf) >= 5 + rl, (len(buf), rl)
    assert buf[5] == t
    hl = int.from_bytes(buf[6:9], "big")
    assert hl + 4 <= rl
PY
assert_eq "$(ev ".kind == \"tls.client_hello\" and .flow == $C" | jq -c '[.sni, (.versions | index("1.3") != null)]')" '["lab.example",true]' "tls.client_hello"
assert_eq "$(ev ".kind == \"tls.server_hello\" and .flow == $C" | jq -r .version)" 1.3 "tls.server_hello"
# JA4 of that ClientHello, computed here from the raw bytes (FoxIO JA4.md): TCP, TLS 1.3, SNI
# given, no ALPN ("00"), then the truncated SHA-256 of the sorted ciphers and of the sorted
# extensions (SNI and ALPN left out) "_" the signature algorithms in their order
JA4=$(python3 - "$CH" <<'PY'
import hashlib, sys
b = bytes.fromhex(sys.argv[1])
grease = lambda v: (v & 0x0f0f) == 0x0a0a and (v >> 8) == (v & 0xff)
u16 = lambda p: int.from_bytes(b[p:p + 2], "big")
p = 9 + 2 + 32
p += 1 + b[p]
n = u16(p)
ciphers = [u16(p + 2 + i) for i in range(0, n, 2) if not grease(u16(p + 2 + i))]
p += 2 + n
p += 1 + b[p]
end = p + 2 + u16(p)
p += 2
exts, sigs, vers, alpn = [], [], [u16(9)], "00"
while p < end:
    t, l = u16(p), u16(p + 2)
    d = p + 4
    if not grease(t):
        exts.append(t)
    if t == 0x002b:
        vers = [u16(d + 1 + i) for i in range(0, b[d], 2)]
    elif t == 0x000d:
        sigs = [u16(d + 2 + i) for i in range(0, u16(d), 2) if not grease(u16(d + 2 + i))]
    elif t == 0x0010:
        v = b[d + 3:d + 3 + b[d + 2]].decode()
        alpn = v[0] + v[-1]
    p = d + l
ver = {0x0304: "13", 0x0303: "12", 0x0302: "11", 0x0301: "10"}[max(v for v in vers if not grease(v))]
h = lambda s: hashlib.sha256(s.encode()).hexdigest()[:12]
hx = lambda l: ",".join("%04x" % v for v in l)
rest = sorted(e for e in exts if e not in (0x0000, 0x0010))
print("t%s%s%02d%02d%s_%s_%s" % (ver, "d" if 0 in exts else "i", min(len(ciphers), 99),
      min(len(exts), 99), alpn, h(hx(sorted(ciphers))), h(hx(rest) + ("_" + hx(sigs) if sigs else ""))))
PY
) || fail "JA4 of the raw ClientHello"
[[ "$JA4" =~ ^t13d[0-9]{4}00_[0-9a-f]{12}_[0-9a-f]{12}$ ]] || fail "JA4 computed from the bytes: $JA4"
assert_eq "$(ev ".kind == \"tls.client_hello\" and .flow == $C" | jq -r .ja4)" "$JA4" "tls.client_hello ja4"
# --tls-plaintext: the client's SSL_write, joined to the same flow
assert_eq "$(ev ".kind == \"tls.plaintext\" and .dir == \"out\" and .flow == $C" | jq -r .bytes_b64 | head -n 1)" \
	"$(printf 'hello\n' | base64)" "tls.plaintext of SSL_write"
# ... and SSL_read: the client read the server's "world\n", the server read the client's "hello\n"
# (the concatenation of every read's bytes on the flow, so nothing more was read or recorded)
tls_in() { ev ".kind == \"tls.plaintext\" and .dir == \"in\" and $1" | jq -r .bytes_b64 | base64 -d | od -An -c | tr -s ' \n' ' '; }
assert_eq "$(tls_in ".flow == $C")" "$(printf 'world\n' | od -An -c | tr -s ' \n' ' ')" "tls.plaintext of the client's SSL_read"
# the server's reads, by the accepting s_server (its net.accept has no flow: the accepted socket
# had no cookie yet), on a flow of its own
SP=$(ev '.kind == "net.accept" and .lport == 4433' | jq -r .pid | tail -n 1)
[ -n "$SP" ] || fail "no net.accept on :4433"
assert_eq "$(tls_in ".pid == $SP")" "$(printf 'hello\n' | od -An -c | tr -s ' \n' ' ')" "tls.plaintext of the server's SSL_read"
assert_eq "$(ev ".kind == \"tls.plaintext\" and .pid == $SP" | jq -r '.flow | (. != null and . != '"$C"')' | sort -u)" true "the server's flow"
assert_no_leftovers
