# SPDX-License-Identifier: GPL-2.0-only
# --net nat, network-safe: conduct runs INSIDE a lab namespace (no link to the machine's own),
# which holds a server on its lo (198.51.100.10) and a veth to a second lab namespace, the
# "internet" (203.0.113.2), that has no route back to 198.18.0.0/15. The sandboxed probe must
# reach both: the first through the veth and routing, the second only if conduct turned
# forwarding on and masqueraded. Two overlapping runs get distinct /30s, share forwarding, and
# the last one out restores it. resolv.conf follows --dns, or the host's usable nameservers.
# Nothing (veth, nft table, forwarding, state file) remains in the lab or the host afterwards.
source tests/integration/lib.sh
source tests/integration/test_net_lab.inc

lab_up
# a table left by a conduct killed with SIGKILL (its veth died with its sandbox): collected
in_lab nft add table ip conduct_0badc0de
in_lab nft add table ip conduct_notarun

# -- two overlapping runs: A (host nameservers) waits for a go that appears after B is done --
mkdir -p "$SCRATCH/out-a" "$SCRATCH/out-b"
in_lab timeout 60 "$CONDUCT" run -o "$SCRATCH/out-a" --net nat --timeout 40 -- \
	python3 -c "$PROBE" resolv "http://198.51.100.10/t1" "wait=http://198.51.100.10/go" \
	>"$SCRATCH/a.out" 2>&1 &
a_pid=$!
on_exit "kill $a_pid 2>/dev/null"
# A's network is up once the lab server saw its request (bounded wait)
for _ in $(seq 100); do
	grep -q '"GET /t1 ' "$SCRATCH/www1.log" && break
	kill -0 $a_pid 2>/dev/null || break
	sleep 0.2
done
grep -q '"GET /t1 ' "$SCRATCH/www1.log" || { cat "$SCRATCH/a.out"; fail "run A never reached the lab"; }
assert_eq "$(in_lab cat /proc/sys/net/ipv4/ip_forward)" 1 "forwarding while A runs"
if in_lab nft list tables | grep -q conduct_0badc0de; then fail "stale table not collected"; fi
in_lab nft list table ip conduct_notarun >/dev/null || fail "a table that is not a run's was removed"
in_lab nft delete table ip conduct_notarun

rc=0
in_lab timeout 60 "$CONDUCT" run -o "$SCRATCH/out-b" --net nat --dns 198.51.100.53 --timeout 30 \
	-- python3 -c "$PROBE" resolv "http://198.51.100.10/t1" "http://203.0.113.2:8080/t2" \
	"http://svc.lab.example/t1" >"$SCRATCH/b.out" 2>&1 || rc=$?
cat "$SCRATCH/b.out"
[ $rc -le 1 ] || fail "run B exited $rc"
has "$SCRATCH/b.out" "GOT http://198.51.100.10/t1 $TOKEN1"
has "$SCRATCH/b.out" "GOT http://203.0.113.2:8080/t2 $TOKEN2"
# the name was resolved through the sandbox's resolv.conf, by the lab's nameserver
has "$SCRATCH/b.out" "GOT http://svc.lab.example/t1 $TOKEN1"
grep -q 'query\[A\] svc.lab.example from 198\.1[89]\.' "$SCRATCH/dnsmasq.log" ||
	fail "the lab's nameserver saw no query from the sandbox: $(cat "$SCRATCH/dnsmasq.log")"
assert_eq "$(grep '^RESOLV' "$SCRATCH/b.out")" "RESOLV # written by conduct for this sandbox (--net nat)
RESOLV nameserver 198.51.100.53" "resolv.conf with --dns"

# B's header names its network; the lab server saw B's sandbox address, the internet server
# only the masqueraded address of the lab's side of its link
b_net=$(net_of "$SCRATCH/out-b/trace.jsonl")
assert_eq "$(jq -r .mode <<<"$b_net")" nat "mode in B's header"
b_addr=$(jq -r .addr <<<"$b_net")
assert_match "$b_addr" '^198\.1[89]\.[0-9]+\.[0-9]+$' "B's address"
assert_eq "$(jq -r .gateway <<<"$b_net")" "$(ip_plus "$b_addr" -1)" "B's gateway"
assert_match "$(jq -r .veth <<<"$b_net")" '^cd[0-9a-f]{8}h$' "B's veth"
assert_eq "$(jq -c .dns <<<"$b_net")" '["198.51.100.53"]' "B's dns"
grep -q "^$b_addr - .*\"GET /t1 " "$SCRATCH/www1.log" || fail "lab server did not see $b_addr"
grep -q '^203\.0\.113\.1 - .*"GET /t2 ' "$SCRATCH/www2.log" || fail "internet server: $(cat "$SCRATCH/www2.log")"
if grep -q '^198\.1[89]\.' "$SCRATCH/www2.log"; then fail "unmasqueraded source reached the internet"; fi

# B is gone, A is not: B's veth and table removed, A's kept, forwarding still on for A
b_veth=$(jq -r .veth <<<"$b_net")
links=$(in_lab ip -o link show)
if grep -q " $b_veth@" <<<"$links"; then fail "B's veth $b_veth left behind"; fi
assert_eq "$(grep -cE ' cd[0-9a-f]{8}h@' <<<"$links")" 1 "veths while A runs ($links; $(cat "$SCRATCH/a.out"))"
assert_eq "$(in_lab nft list tables | grep -c 'conduct_')" 1 "nft tables while A runs"
assert_eq "$(in_lab cat /proc/sys/net/ipv4/ip_forward)" 1 "forwarding after B, while A runs"

echo go >"$SCRATCH/www1/go"
rc=0
wait $a_pid || rc=$?
[ $rc -le 1 ] || { cat "$SCRATCH/a.out"; fail "run A exited $rc"; }
cat "$SCRATCH/a.out"
has "$SCRATCH/a.out" "GOT http://198.51.100.10/t1 $TOKEN1"
has "$SCRATCH/a.out" "GO"
# without --dns: the usable (IPv4, not loopback) nameservers of /etc/resolv.conf, at most 3
want=$(awk '$1 == "nameserver" && $2 ~ /^[0-9.]+$/ && $2 !~ /^(127\.|0\.0\.0\.0$)/ { print "RESOLV nameserver " $2 }' \
	/etc/resolv.conf | awk '!seen[$0]++' | head -n 3)
[ -n "$want" ] || want="RESOLV # no nameserver usable from the sandbox was found; run with --dns ADDR"
assert_eq "$(grep '^RESOLV' "$SCRATCH/a.out")" "RESOLV # written by conduct for this sandbox (--net nat)
$want" "resolv.conf from the host's"
a_addr=$(jq -r .addr <<<"$(net_of "$SCRATCH/out-a/trace.jsonl")")
assert_ne "$(slash30 "$a_addr")" "$(slash30 "$b_addr")" "the two runs' /30s ($a_addr, $b_addr)"

# the last run out restored forwarding; nothing remains in the lab or on the host
assert_eq "$(in_lab cat /proc/sys/net/ipv4/ip_forward)" 0 "forwarding after both runs"
ino=$(in_lab stat -L -c %i /proc/self/ns/net)
[ ! -e "/run/conduct/ip_forward.$ino" ] || fail "forwarding state file left behind"
lab_no_leftovers
assert_no_leftovers

# SIGINT in the middle of a nat run: veth, table and forwarding are undone all the same
echo "$TOKEN1" >"$SCRATCH/www1/t3"
# (nsenter execs conduct, so $! is conduct itself, not a subshell)
nsenter --net="/run/netns/$LAB" -- "$CONDUCT" run -o "$SCRATCH/out-int" --net nat --dns 198.51.100.53 --timeout 30 -- \
	python3 -c "$PROBE" "http://198.51.100.10/t3" "wait=http://198.51.100.10/never" \
	>"$SCRATCH/int.out" 2>&1 &
int_pid=$!
on_exit "kill $int_pid 2>/dev/null"
for _ in $(seq 100); do
	grep -q '"GET /t3 ' "$SCRATCH/www1.log" && break
	kill -0 $int_pid 2>/dev/null || break
	sleep 0.2
done
grep -q '"GET /t3 ' "$SCRATCH/www1.log" || { cat "$SCRATCH/int.out"; fail "the interrupted run never reached the lab"; }
links=$(in_lab ip -o link show)
assert_eq "$(grep -cE ' cd[0-9a-f]{8}h@' <<<"$links")" 1 "veths before SIGINT ($links)"
assert_eq "$(in_lab cat /proc/sys/net/ipv4/ip_forward)" 1 "forwarding before SIGINT"
kill -INT $int_pid
wait $int_pid || true
if grep -qxF NO-GO "$SCRATCH/int.out"; then fail "the run was not interrupted"; fi
assert_eq "$(in_lab cat /proc/sys/net/ipv4/ip_forward)" 0 "forwarding after SIGINT"
lab_no_leftovers
assert_no_leftovers

# only a loopback stub in /etc/resolv.conf (private mount namespace): a warning, the run goes on
printf 'nameserver 127.0.0.53\noptions edns0\n' >"$SCRATCH/stub-resolv.conf"
rc=0
unshare --mount --propagation private -- bash -c \
	'mount --bind "$1" /etc/resolv.conf && exec nsenter --net="/run/netns/$2" -- "$3" run \
	-o "$4" --net nat --timeout 30 -- python3 -c "$5" resolv "http://198.51.100.10/t1"' \
	- "$SCRATCH/stub-resolv.conf" "$LAB" "$CONDUCT" "$SCRATCH/out-stub" "$PROBE" \
	>"$SCRATCH/stub.out" 2>&1 || rc=$?
cat "$SCRATCH/stub.out"
[ $rc -le 1 ] || fail "run with a stub resolver exited $rc"
has "$SCRATCH/stub.out" "--net nat: no nameserver in /etc/resolv.conf is usable from the sandbox" substring
assert_eq "$(grep '^RESOLV' "$SCRATCH/stub.out")" "RESOLV # written by conduct for this sandbox (--net nat)
RESOLV # no nameserver usable from the sandbox was found; run with --dns ADDR" "resolv.conf without a usable nameserver"
has "$SCRATCH/stub.out" "GOT http://198.51.100.10/t1 $TOKEN1"
assert_eq "$(jq -c .dns <<<"$(net_of "$SCRATCH/out-stub/trace.jsonl")")" '[]' "dns in the header"
lab_no_leftovers

# a bad --dns is a usage error, found before any link is made
rc=0
in_lab "$CONDUCT" run -o "$SCRATCH/out-c" --net nat --dns not-an-ip -- true >"$SCRATCH/c.out" 2>&1 || rc=$?
assert_eq "$rc" 2 "exit status with --dns not-an-ip"
has "$SCRATCH/c.out" "--dns: 'not-an-ip' is not an IPv4 address" substring
lab_no_leftovers
