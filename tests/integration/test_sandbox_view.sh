# SPDX-License-Identifier: GPL-2.0-only
# What a connector sees inside `conduct run`: uid 0 without any capability, no_new_privs,
# seccomp, its own pid namespace and hostname, a read-only host root, writable /tmp, workdir and
# HOME, honey credential files and declared secrets holding this run's canaries (fresh on the
# next run), loopback only. Asserted from the probe's own report (log events of the trace)
# against the trace header.
source tests/integration/lib.sh
source tests/integration/test_sandbox.inc

cat >"$SCRATCH/manifest.json" <<'JSON'
{ "connector": "sb-probe", "version": "1.0.0",
  "secrets": [ { "name": "ACME_API_TOKEN", "env": "ACME_API_TOKEN", "sent_to": ["api.acme.example"] },
               { "name": "AWS_ACCESS_KEY_ID", "env": "AWS_ACCESS_KEY_ID", "sent_to": [] } ] }
JSON

crun one -m "$SCRATCH/manifest.json" --net none -- "$HELPERS/sb_probe"
P=$(probe_out)
[ -n "$P" ] || fail "no probe output in the trace: $(cat "$SCRATCH/one.err")"
assert_eq "$(jq -r .uid <<<"$P")" 0 "uid inside"
assert_eq "$(jq -r .euid <<<"$P")" 0 "euid inside"
for s in CapInh CapPrm CapEff CapBnd CapAmb; do
	assert_eq "$(jq -r .caps.$s <<<"$P")" 0000000000000000 "$s"
done
assert_eq "$(jq -r .NoNewPrivs <<<"$P")" 1 "NoNewPrivs"
assert_eq "$(jq -r .Seccomp <<<"$P")" 2 "Seccomp"
assert_eq "$(jq -r .hostname <<<"$P")" conduct "hostname"
assert_ne "$(jq -r .hostname <<<"$P")" "$(hostname)" "hostname"
# its own pid namespace: init is 1, the probe 2, nothing of the host
assert_eq "$(jq -c .pids <<<"$P")" "[1,2]" "pids visible in /proc"
assert_eq "$(jq -r .pid <<<"$P")" 2 "the connector's pid"
assert_eq "$(jq -r .ppid <<<"$P")" 1 "the connector's parent"
assert_eq "$(jq -r .shadow_readable <<<"$P")" false "/etc/shadow readable"
for d in / /usr /etc /var/tmp /home; do
	assert_eq "$(jq -r --arg d "$d" '.writable[$d]' <<<"$P")" "Read-only file system" "writing in $d"
done
WD=$(header .sandbox.workdir)
assert_eq "$WD" "$SCRATCH/one/work" "the default workdir"
for d in /tmp /dev/shm /run /root "$WD"; do
	assert_eq "$(jq -r --arg d "$d" '.writable[$d]' <<<"$P")" true "writing in $d"
done
assert_eq "$(header '.sandbox.writable | sort | join(",")')" "$(printf '%s\n' /dev/shm /root /run /tmp "$WD" | sort | paste -sd,)" "header writable"
assert_eq "$(header .sandbox.home)" /root "header home"
assert_eq "$(jq -r .env.HOME <<<"$P")" /root "HOME"
assert_eq "$(jq -r .env.WORKDIR <<<"$P")" "$WD" "WORKDIR"
assert_eq "$(jq -r '.env | del(.TERM) | keys | join(",")' <<<"$P")" "ACME_API_TOKEN,AWS_ACCESS_KEY_ID,HOME,LANG,LOGNAME,PATH,TMPDIR,USER,WORKDIR" "the environment"
# loopback only
assert_eq "$(jq -r '.interfaces | map(split(":")[0] | gsub(" "; "")) | join(",")' <<<"$P")" lo "interfaces"
assert_eq "$(jq -r '.sys_class_net | join(",")' <<<"$P")" lo "devices in /sys/class/net"
assert_eq "$(jq -r '.routes | length' <<<"$P")" 0 "IPv4 routes"
assert_eq "$(jq -r '[.routes6[] | select(endswith(" lo") | not)] | length' <<<"$P")" 0 "IPv6 routes off lo"

# secrets: the env var holds the header's canary, which looks like its kind
ACME=$(header '.canaries[] | select(.name == "ACME_API_TOKEN") | .value')
AKID=$(header '.canaries[] | select(.name == "AWS_ACCESS_KEY_ID") | .value')
assert_eq "$(header '.canaries[0].name, .canaries[1].name' | paste -sd,)" "ACME_API_TOKEN,AWS_ACCESS_KEY_ID" "secrets come first"
assert_eq "$(header '.canaries[0].where')" env "where of a secret"
assert_eq "$(jq -r .env.ACME_API_TOKEN <<<"$P")" "$ACME" "ACME_API_TOKEN inside"
assert_eq "$(jq -r .env.AWS_ACCESS_KEY_ID <<<"$P")" "$AKID" "AWS_ACCESS_KEY_ID inside"
assert_match "$AKID" '^AKIA[A-Z2-7]{16}$' "AWS key id canary"
assert_ne "$AKID" AKIAIOSFODNN7EXAMPLE "AWS key id canary"
assert_match "$ACME" '^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$' "token canary (a JWT)"

# honey files: every honey canary is in its file, which the probe saw with that content
missing=$(jq -rn --argjson h "$(head -n 1 "$T")" --argjson p "$P" '
	[$h.canaries[] | select(.name | startswith("honey:")) | . as $c
	 | ($c.where | ltrimstr("file:")) as $f
	 | select(($p.honey[$f].content // "") | contains($c.value) | not) | "\($c.name) in \($f)"]
	| join(", ")')
assert_eq "$missing" "" "honey canaries not found in their files inside"
n=$(header '[.canaries[] | select(.name | startswith("honey:"))] | length')
[ "$n" -ge 8 ] || fail "only $n honey canaries"
for f in /root/.aws/credentials /root/.ssh/id_ed25519 /root/.docker/config.json /root/.kube/config \
	/root/.netrc /root/.git-credentials /root/.npmrc /run/secrets/kubernetes.io/serviceaccount/token; do
	assert_ne "$(jq -r --arg p "$f" '.honey[$p].content // "missing"' <<<"$P")" missing "honey file $f"
done
assert_eq "$(jq -r '.honey["/root/.aws/credentials"].mode' <<<"$P")" 0600 "mode of the AWS credentials"
assert_eq "$(jq -r .k8s_token_readable <<<"$P")" true "the service account token at /var/run/secrets"
assert_eq "$(header '.canaries[] | select(.name == "honey:k8s-serviceaccount") | .where')" \
	file:/run/secrets/kubernetes.io/serviceaccount/token "where of the token (/var/run resolved)"
# the probe's output is in the trace as log events from pid 2
assert_eq "$(trace_count "$T" log '.stream == "stdout" and .pid == 2')" 1 "stdout log lines"
assert_eq "$(header '.sandbox.seccomp.bad_arch')" kill "header seccomp"
assert_match "$(header '.sandbox.uid_map')" '^0 19[0-9]{8} 1$' "uid map"
assert_no_leftovers

# a second run: fresh values everywhere
crun two -m "$SCRATCH/manifest.json" -- "$HELPERS/sb_probe"
P2=$(probe_out)
assert_ne "$(jq -r .env.ACME_API_TOKEN <<<"$P2")" "$ACME" "ACME_API_TOKEN on the second run"
assert_ne "$(jq -r .env.AWS_ACCESS_KEY_ID <<<"$P2")" "$AKID" "AWS_ACCESS_KEY_ID on the second run"
assert_ne "$(jq -r '.honey["/root/.aws/credentials"].content' <<<"$P2")" \
	"$(jq -r '.honey["/root/.aws/credentials"].content' <<<"$P")" "AWS credentials on the second run"
assert_eq "$(jq -r .env.ACME_API_TOKEN <<<"$P2")" \
	"$(header '.canaries[] | select(.name == "ACME_API_TOKEN") | .value')" "second run's header"

# --workdir: an existing directory, handed back to its owner after the run
mkdir "$SCRATCH/wd"
chown 4242:4242 "$SCRATCH/wd"
crun three --workdir "$SCRATCH/wd" -- /bin/sh -c 'echo made >"$WORKDIR/f"; cat /proc/self/cgroup'
assert_eq "$(cat "$SCRATCH/wd/f")" made "a file written in the workdir"
assert_eq "$(stat -c %u:%g "$SCRATCH/wd")" 4242:4242 "workdir owner after the run"
# its cgroup namespace: the run's leaf is its root
assert_eq "$(jq -r 'select(.kind == "log") | .line' "$T" | grep '^0::')" "0::/" "cgroup inside"
# a system directory is refused as a workdir
RC=0
"$CONDUCT" run -o "$SCRATCH/four" --workdir /etc -- /bin/true >/dev/null 2>"$SCRATCH/four.err" || RC=$?
assert_eq "$RC" 2 "exit status with --workdir /etc"
has_err four "is a system directory"
assert_no_leftovers
assert_no_helper_procs
