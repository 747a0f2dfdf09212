# SPDX-License-Identifier: GPL-2.0-only
# --net none and --net host, network-safe: conduct runs inside a lab namespace holding a server
# on 198.51.100.10. With none the sandbox has only a working loopback, no route, and cannot
# reach the lab's server (which sees no request); with host it shares the lab's namespace (sees
# its interfaces, reaches its server) and conduct makes no link or table of its own.
source tests/integration/lib.sh
source tests/integration/test_net_lab.inc

lab_up

# -- none --
rc=0
in_lab timeout 60 "$CONDUCT" run -o "$SCRATCH/out-none" --net none --timeout 30 -- \
	python3 -c "$PROBE" ifaces routes lo "http://198.51.100.10/t1" "http://203.0.113.2:8080/t2" \
	>"$SCRATCH/none.out" 2>&1 || rc=$?
cat "$SCRATCH/none.out"
[ $rc -le 1 ] || fail "--net none run exited $rc"
has "$SCRATCH/none.out" "IFACES lo"
has "$SCRATCH/none.out" "ROUTES 0"
has "$SCRATCH/none.out" "LO-OK"
has "$SCRATCH/none.out" "FAIL http://198.51.100.10/t1 URLError <urlopen error [Errno 101] Network is unreachable>"
has "$SCRATCH/none.out" "FAIL http://203.0.113.2:8080/t2 URLError <urlopen error [Errno 101] Network is unreachable>"
assert_eq "$(grep -c '"GET ' "$SCRATCH/www1.log" || true)" 0 "requests the lab server saw from --net none"
net=$(net_of "$SCRATCH/out-none/trace.jsonl")
assert_eq "$(jq -r .mode <<<"$net")" none "mode in the header"
assert_eq "$(jq -r .veth <<<"$net")" null "veth in the header"
# --dns makes no sense without nat: a usage error
rc=0
in_lab "$CONDUCT" run -o "$SCRATCH/out-x" --net none --dns 198.51.100.53 -- true \
	>"$SCRATCH/x.out" 2>&1 || rc=$?
assert_eq "$rc" 2 "exit status of --net none --dns"
has "$SCRATCH/x.out" "--dns only applies to --net nat" substring
lab_no_leftovers
assert_no_leftovers

# -- host (inside the lab only: the lab's namespace is the one shared) --
rc=0
in_lab timeout 60 "$CONDUCT" run -o "$SCRATCH/out-host" --net host --timeout 30 -- \
	python3 -c "$PROBE" ifaces "http://198.51.100.10/t1" >"$SCRATCH/host.out" 2>&1 || rc=$?
cat "$SCRATCH/host.out"
[ $rc -le 1 ] || fail "--net host run exited $rc"
has "$SCRATCH/host.out" "IFACES labA lo"
has "$SCRATCH/host.out" "GOT http://198.51.100.10/t1 $TOKEN1"
grep -q '^198\.51\.100\.10 - .*"GET /t1 ' "$SCRATCH/www1.log" || fail "lab server log: $(cat "$SCRATCH/www1.log")"
net=$(net_of "$SCRATCH/out-host/trace.jsonl")
assert_eq "$(jq -r .mode <<<"$net")" host "mode in the header"
assert_eq "$(jq -r .scope <<<"$net")" "the network namespace conduct runs in, shared" "scope"
assert_eq "$(in_lab cat /proc/sys/net/ipv4/ip_forward)" 0 "forwarding with --net host"
lab_no_leftovers
assert_no_leftovers
