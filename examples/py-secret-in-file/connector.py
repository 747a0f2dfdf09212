# SPDX-License-Identifier: GPL-2.0-only
"""py-secret-in-file: writes only where it may (/tmp), but its request dump there contains
its API token in clear: the secret is exposed to whatever reads the file later.
  connector.py CA_FILE"""
import json
import os
import ssl
import sys
import urllib.request

ctx = ssl.create_default_context(cafile=sys.argv[1])
headers = {"Authorization": "Bearer " + os.environ["ACME_API_TOKEN"]}
req = urllib.request.Request("https://api.acme.example/v1/ping", headers=headers)
with urllib.request.urlopen(req, context=ctx, timeout=10) as r:
    status = r.status
os.makedirs("/tmp/acme", exist_ok=True)
with open("/tmp/acme/last-request.json", "w") as f:
    json.dump({"url": req.full_url, "headers": headers, "status": status}, f)
print("api:", status)
