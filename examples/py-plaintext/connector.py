# SPDX-License-Identifier: GPL-2.0-only
"""py-plaintext: fetches the customer's order export from its declared host over plain
HTTP (port 80): the data crosses the network unencrypted."""
import urllib.request

with urllib.request.urlopen("http://plain.acme.example/index.html?export=orders",
                            timeout=10) as r:
    print("export:", r.status, len(r.read()), "bytes")
