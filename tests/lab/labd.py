#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""labd: the lab's own servers (tests/lab/lab.sh starts them inside the lab namespace).

  labd.py https    --addr A --port P --cert C --key K --log FILE [--tls-min 1.2]
  labd.py registry --addr A --port P --cert C --key K --log FILE   (HTTPS, *.py -> a module)
  labd.py doh      --addr A --port P --cert C --key K --zone N=IP,... --log FILE (DoH JSON)
  labd.py http     --addr A --port P --log FILE          (plain HTTP, any method)
  labd.py metadata --addr 169.254.169.254 --port 80 --log FILE
  labd.py collector --addr A --tcp 80,4444 --tls 443 --udp 8125 --cert C --key K --log FILE
  labd.py zeebe    --addr A --port 26500 --log FILE      (h2c, a Zeebe gateway's first frames)

Every server logs one JSON object per request, connection or datagram to --log (flushed at
once), so a test can see exactly what a connector sent. Each is bounded in time by the
caller (`timeout`); each connection by a short idle timeout.
"""
import argparse
import base64
import json
import os
import socket
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

IDLE = 3.0           # seconds a connection may stay silent
MAX_KEEP = 1 << 20   # bytes kept per connection or request body

_log_lock = threading.Lock()
_log_file = None


def log(obj):
    obj["t"] = round(time.time(), 3)
    line = json.dumps(obj, sort_keys=True)
    with _log_lock:
        _log_file.write(line + "\n")
        _log_file.flush()


def b64(data):
    return base64.b64encode(data).decode()


def tls_context(args, min_version="1.2"):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    versions = {"1.0": ssl.TLSVersion.TLSv1, "1.2": ssl.TLSVersion.TLSv1_2,
                "1.3": ssl.TLSVersion.TLSv1_3}
    ctx.minimum_version = versions[min_version]
    if min_version == "1.0":
        ctx.set_ciphers("DEFAULT@SECLEVEL=0")
    ctx.set_alpn_protocols(["http/1.1"])

    def on_sni(sock, name, _ctx):
        sock.lab_sni = name
    ctx.sni_callback = on_sni
    return ctx


def tls_facts(sock):
    if not isinstance(sock, ssl.SSLSocket):
        return {"tls": None}
    return {"tls": sock.version(), "sni": getattr(sock, "lab_sni", None),
            "cipher": (sock.cipher() or [None])[0]}


# --- HTTP(S): answers every method, logs the request whole ----------------------------------

class Handler(BaseHTTPRequestHandler):
    server_version = "lab"
    protocol_version = "HTTP/1.1"
    routes = {}

    def setup(self):
        self.request.settimeout(IDLE)
        if isinstance(self.request, ssl.SSLSocket):
            self.request.do_handshake()
        super().setup()

    def log_message(self, fmt, *a):
        pass

    def handle_any(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(min(n, MAX_KEEP)) if n > 0 else b""
        entry = {"server": self.server.lab_name, "peer": self.client_address[0],
                 "method": self.command, "path": self.path,
                 "headers": {k: v for k, v in self.headers.items()}, "body_b64": b64(body)}
        entry.update(tls_facts(self.request))
        log(entry)
        status, ctype, payload = self.route()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def route(self):
        path = self.path.split("?")[0]
        for prefix, fn in self.routes.items():
            if path.startswith(prefix):
                return fn(self, path)
        body = json.dumps({"ok": True, "host": self.headers.get("Host"), "path": path,
                           "method": self.command}).encode() + b"\n"
        return 200, "application/json", body

    do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = do_PATCH = handle_any


class LabHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def serve_http(args, name, tls_min=None, routes=None):
    class H(Handler):
        pass
    H.routes = routes or {}
    srv = LabHTTPServer((args.addr, args.port), H)
    srv.lab_name = name
    if tls_min:
        ctx = tls_context(args, tls_min)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True,
                                     do_handshake_on_connect=False)
    srv.serve_forever()


# --- a package registry: serves a small Python module for any *.py path ---------------------

PLUGIN = b"""# acme_helpers 1.0 (served by the lab's package registry)
def transform(record):
    return {k: str(v).upper() for k, v in record.items()}
"""


def registry_routes():
    def module(h, path):
        if path.endswith(".py"):
            return 200, "text/x-python", PLUGIN
        return 404, "text/plain", b"not found"
    return {"/": module}


# --- DNS over HTTPS (JSON API, as dns.google and cloudflare-dns.com serve it) ----------------

def doh_routes(zone):
    def query(h, path):
        from urllib.parse import parse_qs, urlsplit
        q = parse_qs(urlsplit(h.path).query)
        name = (q.get("name") or [""])[0].rstrip(".").lower()
        ans = {"Status": 3, "Question": [{"name": name + ".", "type": 1}]}
        if name in zone:
            ans = {"Status": 0, "Question": [{"name": name + ".", "type": 1}],
                   "Answer": [{"name": name + ".", "type": 1, "TTL": 60, "data": zone[name]}]}
        return 200, "application/dns-json", json.dumps(ans).encode()
    return {"/dns-query": query, "/resolve": query}


# --- the fake cloud metadata service -------------------------------------------------------

ROLE = "lab-instance-role"
FAKE_CREDS = {"Code": "Success", "Type": "AWS-HMAC", "AccessKeyId": "ASIALABLABLABLAB0000",
              "SecretAccessKey": "lab/not-a-real-key/0000000000000000000000",
              "Token": "lab-session-token", "Expiration": "2099-01-01T00:00:00Z"}


def metadata_routes():
    def token(h, path):
        return 200, "text/plain", b"lab-imdsv2-token"

    def creds(h, path):
        rest = path[len("/latest/meta-data/iam/security-credentials/"):]
        if rest == "":
            return 200, "text/plain", ROLE.encode()
        if rest.strip("/") == ROLE:
            return 200, "application/json", json.dumps(FAKE_CREDS).encode()
        return 404, "text/plain", b"not found"

    def gcp(h, path):
        return 200, "application/json", json.dumps(
            {"access_token": "ya29.lab-token", "expires_in": 3599,
             "token_type": "Bearer"}).encode()

    def meta(h, path):
        return 200, "text/plain", b"ami-id\ninstance-id\niam/\n"

    return {"/latest/api/token": token,
            "/latest/meta-data/iam/security-credentials/": creds,
            "/computeMetadata/v1/instance/service-accounts/": gcp,
            "/latest/meta-data/": meta}


# --- the collector: keeps every byte sent to it over TCP, TLS and UDP -----------------------

def http_complete(buf):
    """Length of a complete HTTP request at the start of buf, or 0."""
    end = buf.find(b"\r\n\r\n")
    if end < 0 or not buf[:8].split(b" ")[0].isalpha():
        return 0
    length = 0
    for line in buf[:end].split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            try:
                length = int(v.strip())
            except ValueError:
                return 0
    return end + 4 + length if len(buf) >= end + 4 + length else 0


def collect_conn(conn, peer, proto, port):
    data = b""
    facts = {}
    try:
        conn.settimeout(IDLE)
        if isinstance(conn, ssl.SSLSocket):
            conn.do_handshake()
            facts = tls_facts(conn)
        while len(data) < MAX_KEEP:
            try:
                chunk = conn.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            data += chunk
            if http_complete(data):
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n"
                             b"Connection: close\r\n\r\nok\n")
                break
    except (OSError, ssl.SSLError) as e:
        facts["error"] = str(e)
    finally:
        try:
            conn.close()
        except OSError:
            pass
    entry = {"server": "collector", "proto": proto, "port": port, "peer": peer[0],
             "bytes": len(data), "b64": b64(data)}
    entry.update(facts)
    log(entry)


def tcp_listener(addr, port, ctx=None):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(64)
    proto = "tls" if ctx else "tcp"
    while True:
        conn, peer = s.accept()
        if ctx:
            conn = ctx.wrap_socket(conn, server_side=True, do_handshake_on_connect=False)
        threading.Thread(target=collect_conn, args=(conn, peer, proto, port),
                         daemon=True).start()


def udp_listener(addr, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, port))
    while True:
        data, peer = s.recvfrom(65536)
        log({"server": "collector", "proto": "udp", "port": port, "peer": peer[0],
             "bytes": len(data), "b64": b64(data)})


def serve_collector(args):
    ports = lambda s: [int(p) for p in s.split(",") if p]
    threads = []
    for p in ports(args.tcp):
        threads.append(threading.Thread(target=tcp_listener, args=(args.addr, p)))
    if args.tls:
        ctx = tls_context(args, "1.2")
        for p in ports(args.tls):
            threads.append(threading.Thread(target=tcp_listener, args=(args.addr, p, ctx)))
    for p in ports(args.udp):
        threads.append(threading.Thread(target=udp_listener, args=(args.addr, p)))
    for t in threads:
        t.daemon = True
        t.start()
    while True:
        time.sleep(3600)


# --- the cluster stand-in: a Zeebe gateway's HTTP/2 (h2c) greeting --------------------------

H2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"


def h2_frame(ftype, flags, stream, payload=b""):
    n = len(payload)
    return bytes([n >> 16, (n >> 8) & 255, n & 255, ftype, flags]) + \
        stream.to_bytes(4, "big") + payload


def zeebe_conn(conn, peer, port):
    data = b""
    try:
        conn.settimeout(IDLE)
        while len(data) < MAX_KEEP:
            try:
                chunk = conn.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            if not data and chunk.startswith(H2_PREFACE[:len(chunk)]):
                # SETTINGS (empty) then ACK of the client's SETTINGS, as a gateway does.
                conn.sendall(h2_frame(4, 0, 0) + h2_frame(4, 1, 0))
            data += chunk
    except OSError:
        pass
    finally:
        conn.close()
    log({"server": "zeebe", "proto": "h2c" if data.startswith(H2_PREFACE) else "tcp",
         "port": port, "peer": peer[0], "bytes": len(data), "b64": b64(data)})


def serve_zeebe(args):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((args.addr, args.port))
    s.listen(64)
    while True:
        conn, peer = s.accept()
        threading.Thread(target=zeebe_conn, args=(conn, peer, args.port), daemon=True).start()


def main():
    global _log_file
    ap = argparse.ArgumentParser()
    ap.add_argument("role", choices=["https", "doh", "registry", "http", "metadata", "collector", "zeebe"])
    ap.add_argument("--addr", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--name", default="")
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--tls-min", default="1.2", choices=["1.0", "1.2", "1.3"])
    ap.add_argument("--tcp", default="")
    ap.add_argument("--tls", default="")
    ap.add_argument("--udp", default="")
    ap.add_argument("--zone", default="", help="doh: name=addr,name=addr")
    ap.add_argument("--log", required=True)
    args = ap.parse_args()
    _log_file = open(args.log, "a", buffering=1)
    name = args.name or args.role
    if args.role == "https":
        serve_http(args, name, tls_min=args.tls_min)
    elif args.role == "doh":
        zone = dict(kv.split("=", 1) for kv in args.zone.split(",") if "=" in kv)
        serve_http(args, name, tls_min="1.2", routes=doh_routes(zone))
    elif args.role == "registry":
        serve_http(args, name, tls_min="1.2", routes=registry_routes())
    elif args.role == "http":
        serve_http(args, name)
    elif args.role == "metadata":
        serve_http(args, "metadata", routes=metadata_routes())
    elif args.role == "collector":
        serve_collector(args)
    elif args.role == "zeebe":
        serve_zeebe(args)


if __name__ == "__main__":
    sys.exit(main())
