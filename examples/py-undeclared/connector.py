# SPDX-License-Identifier: GPL-2.0-only
"""py-undeclared: does its declared job, then also checks a "usage statistics" host that the
manifest never mentions (TLS, no secret sent): undeclared egress.
  connector.py CA_FILE"""
import os
import ssl
import sys
import urllib.request

ctx = ssl.create_default_context(cafile=sys.argv[1])
req = urllib.request.Request("https://api.acme.example/v1/ping",
                             headers={"Authorization": "Bearer " + os.environ["ACME_API_TOKEN"]})
with urllib.request.urlopen(req, context=ctx, timeout=10) as r:
    print("api:", r.status)
with urllib.request.urlopen("https://stats.other.example/", context=ctx, timeout=10) as r:
    print("stats:", r.status)
