#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""
Writes a synthetic but realistic trace of N events for bench_judge.sh (never committed).

    python3 tests/bench/gen_trace.py N OUT.jsonl [SEED [PROFILE]]

Deterministic: the same N and SEED give the same bytes. The header has the shape
`conduct run` writes (sandbox, embedded manifest = tests/fixtures/judge/acme.manifest.json,
policy id + sha256 of policies/marketplace.json, honey canaries); the events are a mix of what
a connector does over a long run: processes (fork/exec/exit), file opens (reads of libraries and
certificates, writes under $WORKDIR and /tmp), DNS over UDP (real query/answer messages from
tests/fixtures/wire/dns with their decoded dns.query/dns.answer lines), HTTPS connections (real
ClientHello/ServerHello bytes from tests/fixtures/wire/tls with their tls.* lines), plain HTTP
requests (tests/fixtures/wire/http), stdout/stderr log lines, then one file.inventory per
written file and run.end. Every net.data payload is searched for the canaries by the judge.
PROFILE "mix" (default) is that mix; "flows" writes only DNS lookups that resolve (A/AAAA) and
HTTPS connections, half and half: the case where the number of flows and of DNS answers both
grow with the trace (each lookup is its own UDP socket, as glibc and the JDK do); "dns2" writes
only DNS lookups, alternating between two long-lived UDP sockets (a caching stub resolver).
"""
import base64
import hashlib
import json
import os
import random
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
WIRE = os.path.join(ROOT, "tests", "fixtures", "wire")
RESOLVER = "198.18.0.1"

TLS = [  # fixture, server address, port
    ("curl", "203.0.113.10", 443),
    ("python", "203.0.113.11", 443),
    ("jdk17_httpclient", "203.0.113.12", 443),
    ("openssl_tls13", "203.0.113.13", 8443),
    ("openssl_tls12", "203.0.113.14", 443),
]
DNS = ["py_a", "py_aaaa", "py_cname", "py_https", "py_nx", "py_txt", "getent"]
HTTP = ["curl_get", "curl_post", "python_get"]
VERSION = {0x0300: "SSL3.0", 0x0301: "1.0", 0x0302: "1.1", 0x0303: "1.2", 0x0304: "1.3"}
CIPHER = {0x1301: "TLS_AES_128_GCM_SHA256", 0x1302: "TLS_AES_256_GCM_SHA384",
          0x1303: "TLS_CHACHA20_POLY1305_SHA256",
          0xc030: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"}
LOGS = [
    "INFO  [worker-%d] polled %d jobs from zeebe.camunda.svc:26500",
    "INFO  [worker-%d] completed job %d in 37 ms",
    "DEBUG [http-%d] GET https://api.acme.example/v1/deals?page=%d -> 200",
    "WARN  [worker-%d] retrying job %d after timeout (attempt 2/5)",
    "DEBUG [pool-%d] connection %d returned to pool",
]
READS = ["/usr/lib/jvm/java-17-openjdk-amd64/lib/modules", "/etc/ssl/certs/ca-certificates.crt",
         "/etc/resolv.conf", "/etc/hosts", "/usr/lib/x86_64-linux-gnu/libssl.so.3",
         "/opt/acme/connector/config/application.yaml", "/proc/self/status"]


def rd(path):
    with open(path, "rb") as f:
        return f.read()


def expect(path):
    kv = {}
    for line in open(path):
        k, _, v = line.rstrip("\n").partition("=")
        kv.setdefault(k, v)
    return kv


def b64(b):
    return base64.b64encode(b).decode()


def load():
    tls = []
    for name, addr, port in TLS:
        c = expect(os.path.join(WIRE, "tls", name + ".client.expect"))
        s = expect(os.path.join(WIRE, "tls", name + ".server.expect"))
        tls.append({
            "ch": b64(rd(os.path.join(WIRE, "tls", name + ".client.bin"))),
            "sh": b64(rd(os.path.join(WIRE, "tls", name + ".server.bin"))),
            "sni": c.get("sni") or None,
            "versions": [VERSION[int(v, 16)] for v in c["versions"].split(",") if v],
            "alpn": [a for a in c.get("alpn", "").split(",") if a],
            "version": VERSION[int(s["version"], 16)],
            "cipher": CIPHER.get(int(s["cipher"], 16), "0x%04x" % int(s["cipher"], 16)),
            "addr": addr, "port": port})
    dns = []
    for name in DNS:
        q = expect(os.path.join(WIRE, "dns", name + ".0.query.udp.expect"))
        a = expect(os.path.join(WIRE, "dns", name + ".0.answer.udp.expect"))
        addrs, ttl = [], None
        for line in open(os.path.join(WIRE, "dns", name + ".0.answer.udp.expect")):
            p = line.split()
            if line.startswith("rr=A ") or line.startswith("rr=AAAA "):
                addrs.append(p[2])
                ttl = int(p[3]) if ttl is None else min(ttl, int(p[3]))
        dns.append({"q": b64(rd(os.path.join(WIRE, "dns", name + ".0.query.udp.bin"))),
                    "a": b64(rd(os.path.join(WIRE, "dns", name + ".0.answer.udp.bin"))),
                    "name": q["qname"], "qtype": {"1": "A", "28": "AAAA", "5": "CNAME",
                                                  "16": "TXT", "65": "HTTPS"}.get(q["qtype"],
                                                                                 int(q["qtype"])),
                    "addrs": addrs, "ttl": ttl, "rcode": int(a.get("rcode", "0"))})
    http = []
    for name in HTTP:
        raw = rd(os.path.join(WIRE, "http", name + ".bin"))
        head = raw.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
        method, target, _ = head[0].split(" ", 2)
        host = next((h.split(":", 1)[1].strip() for h in head[1:]
                     if h.lower().startswith("host:")), "")
        http.append({"b64": b64(raw), "method": method, "target": target, "host": host})
    return tls, dns, http


def header():
    m = json.load(open(os.path.join(ROOT, "tests", "fixtures", "judge", "acme.manifest.json")))
    pol = hashlib.sha256(rd(os.path.join(ROOT, "policies", "marketplace.json"))).hexdigest()
    cg = "run-1000-424242-0badcafe"
    return {
        "kind": "header", "format": 1, "tool": "conduct 0.1.0", "kernel": "Linux 6.18.44",
        "started": "2026-11-26T19:00:00Z",
        "command": ["/usr/bin/java", "-Xmx512m", "-jar", "/opt/acme/connector/acme.jar"],
        "sandbox": {
            "namespaces": ["user", "pid", "mount", "ipc", "uts", "net", "cgroup"],
            "uid_map": "0 1900000375 1", "gid_map": "0 1900000375 1", "uid": 0,
            "hostname": "conduct", "init_pid": 1000, "connector_pid": 2,
            "cgroup": {"v2": "/sys/fs/cgroup/unified/conduct/" + cg, "id": 21951,
                       "v1": {k: "/sys/fs/cgroup/%s/conduct/%s" % (k, cg)
                              for k in ("memory", "pids", "cpu")},
                       "v2_controllers": []},
            "limits": {"memory": 1073741824, "pids": 512, "cpu_percent": 100,
                       "timeout_ns": 600000000000, "linger_ns": 2000000000,
                       "log_limit": 67108864},
            "net": {"mode": "nat", "addr": "198.18.0.2", "gateway": RESOLVER,
                    "dns": [RESOLVER], "veth": "cnd0", "scope": "internet via NAT"},
            "root": "host / read-only, nosuid", "workdir": "/work", "workdir_host": "/tmp/w",
            "home": "/root", "cwd": "/work",
            "writable": ["/tmp", "/work", "/root", "/dev/shm", "/run"],
            "env": ["PATH", "HOME", "USER", "LOGNAME", "LANG", "TMPDIR", "WORKDIR", "TERM",
                    "ACME_API_TOKEN"],
            "capabilities": "none (all five sets empty)", "no_new_privs": True},
        "manifest": m,
        "policy": {"id": "camunda-marketplace", "sha256": pol},
        "canaries": [
            {"name": "ACME_API_TOKEN", "value": "cnry_acme_4f1d9b7e2c6a8d0f3b5e",
             "where": "env"},
            {"name": "honey:aws:aws_access_key_id", "value": "AKIAFUQIKAJ4AYNLU7NT",
             "where": "file:/root/.aws/credentials"},
            {"name": "honey:aws", "value": "yvOJ53vmyyAXVbKgcvPsWiDdm96IAnlPR3JMWCwl",
             "where": "file:/root/.aws/credentials"},
            {"name": "honey:docker", "value": "Y2ktZGVwbG95OmY0UWxQc0I1OUthZHpPRFJkbzVBbUFsNg==",
             "where": "file:/root/.docker/config.json"}]}


def main():
    n = int(sys.argv[1])
    out = sys.argv[2]
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    profile = sys.argv[4] if len(sys.argv) > 4 else "mix"
    tls, dns, http = load()
    if profile == "flows":
        dns = [d for d in dns if d["addrs"]]
    lines = [json.dumps(header(), separators=(",", ":"))]
    t = 400000000
    pids = [2]
    next_pid = 3
    flow = 4096
    written = {}
    ev = 0

    def emit(kind, pid, **f):
        nonlocal t, ev
        t += rng.randint(2000, 200000)
        d = {"kind": kind, "t": t, "pid": pid}
        d.update(f)
        lines.append(json.dumps(d, separators=(",", ":")))
        ev += 1

    while ev < n - 2:
        pid = rng.choice(pids)
        r = rng.random()
        if profile == "flows":
            r = 0.30 if r < 0.5 else 0.45
        elif profile == "dns2":
            r = 0.30
        if r < 0.04:  # a child process: fork, exec, maybe exit
            child = next_pid
            next_pid += 1
            emit("proc.fork", pid, child=child)
            argv = rng.choice([["/bin/sh", "-c", "gzip -c /work/export.csv"],
                               ["/usr/bin/gzip", "-c", "/work/export.csv"],
                               ["/usr/bin/java", "-cp", "/opt/acme/lib/*", "Helper"]])
            emit("proc.exec", child, ppid=pid, path=argv[0], argv=argv, ret=0, memfd=False,
                 fd_exec=False, written_during_run=False, deleted=False,
                 comm=os.path.basename(argv[0])[:15], file=os.path.basename(argv[0]))
            if len(pids) > 8 or rng.random() < 0.5:
                emit("proc.exit", child, code=0, signal=0)
            else:
                pids.append(child)
        elif r < 0.30:  # file opens
            if rng.random() < 0.6:
                emit("file.open", pid, path=rng.choice(READS), flags=524288, intent="read",
                     mode=0, ret=rng.randint(3, 200))
            else:
                # new output files keep appearing over the run, old ones are rewritten
                k = rng.randint(0, max(1, ev // 200))
                p = rng.choice(["/work/out/batch-%d.json" % k, "/tmp/acme-cache-%d.tmp" % k])
                create = p not in written
                written[p] = written.get(p, 0) + rng.randint(10, 40000)
                emit("file.open", pid, path=p, flags=577 if create else 1089,
                     intent="create" if create else "write", mode=420,
                     ret=rng.randint(3, 200))
        elif r < 0.45:  # one DNS lookup over UDP
            d = rng.choice(dns)
            flow += 1
            if profile == "dns2":
                flow = 4096 + rng.randint(0, 1)
            emit("net.data", pid, flow=flow, dir="out", offset=0, addr=RESOLVER, port=53,
                 b64=d["q"])
            emit("dns.query", pid, name=d["name"], flow=flow, qtype=d["qtype"])
            emit("net.data", pid, flow=flow, dir="in", offset=0, addr=RESOLVER, port=53,
                 b64=d["a"])
            emit("dns.answer", pid, name=d["name"], flow=flow, addrs=d["addrs"], ttl=d["ttl"],
                 rcode=d["rcode"])
        elif r < 0.62:  # one HTTPS connection: connect, both hellos
            c = rng.choice(tls)
            flow += 1
            emit("net.connect", pid, flow=flow, proto="tcp", addr=c["addr"], port=c["port"],
                 ret=0, denied=False)
            emit("net.data", pid, flow=flow, dir="out", offset=0, b64=c["ch"])
            emit("tls.client_hello", pid, flow=flow, sni=c["sni"], versions=c["versions"],
                 alpn=c["alpn"])
            emit("net.data", pid, flow=flow, dir="in", offset=0, b64=c["sh"])
            emit("tls.server_hello", pid, flow=flow, version=c["version"], cipher=c["cipher"])
        elif r < 0.67:  # plain HTTP request
            h = rng.choice(http)
            flow += 1
            emit("net.connect", pid, flow=flow, proto="tcp", addr="198.51.100.%d" %
                 rng.randint(10, 20), port=8080, ret=0, denied=False)
            emit("net.data", pid, flow=flow, dir="out", offset=0, b64=h["b64"])
            emit("http.request", pid, flow=flow, method=h["method"], host=h["host"],
                 target=h["target"])
        else:  # log lines
            emit("log", pid, stream="stderr" if rng.random() < 0.3 else "stdout",
                 line=rng.choice(LOGS) % (rng.randint(1, 16), rng.randint(1, 10 ** 6)))
    for p in sorted(written):
        if ev >= n - 1:
            break
        size = min(written[p], 1 << 20)
        digest = hashlib.sha256(p.encode()).hexdigest()
        emit("file.inventory", 0, path=p, size=size, sha256=digest, change="created",
             mode="0644", b64=b64(b"{\"deals\":[]}\n"), truncated=True)
    emit("run.end", 0, exit_code=0, signal=0, exec_errno=0, timed_out=False, interrupted=False,
         bad_arch_killed=False, killed_leftovers=False, duration_ns=t - 400000000 + 1000000,
         events=ev, lost=0, log_dropped=0)
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
