# SPDX-License-Identifier: GPL-2.0-only
"""py-doh: resolves its API host through DNS over HTTPS (cloudflare-dns.com's JSON API)
instead of the cluster's resolver, so its name lookups are invisible to the cluster's DNS
monitoring, then calls the API at the address it got (TLS, SNI api.acme.example).
  connector.py CA_FILE"""
import http.client
import json
import os
import socket
import ssl
import sys
import urllib.request

ctx = ssl.create_default_context(cafile=sys.argv[1])
req = urllib.request.Request(
    "https://cloudflare-dns.com/dns-query?name=api.acme.example&type=A",
    headers={"Accept": "application/dns-json"})
with urllib.request.urlopen(req, context=ctx, timeout=10) as r:
    addr = json.load(r)["Answer"][0]["data"]


class PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to a fixed address, with the host name only in SNI and Host."""

    def connect(self):
        sock = socket.create_connection((addr, 443), timeout=10)
        self.sock = ctx.wrap_socket(sock, server_hostname=self.host)


conn = PinnedHTTPS("api.acme.example", context=ctx)
conn.request("GET", "/v1/ping", headers={"Authorization": "Bearer " + os.environ["ACME_API_TOKEN"]})
print("api via", addr, conn.getresponse().status)
