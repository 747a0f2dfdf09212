# SPDX-License-Identifier: GPL-2.0-only
"""py-good: creates a contact through the CRM API it declares, over TLS, with its token in
the Authorization header. Everything it does is declared: it must pass.
  connector.py CA_FILE"""
import json
import os
import ssl
import sys
import urllib.request

ctx = ssl.create_default_context(cafile=sys.argv[1])
token = os.environ["ACME_API_TOKEN"]
req = urllib.request.Request(
    "https://api.acme.example/v1/contacts", method="POST",
    data=json.dumps({"name": "Alice", "email": "alice@example.com"}).encode(),
    headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
with urllib.request.urlopen(req, context=ctx, timeout=10) as r:
    print("created:", r.status)
