# SPDX-License-Identifier: GPL-2.0-only
"""py-secret-in-logs: calls its declared API correctly, but its debug logging prints the
request headers, token included, to stderr, where the cluster's log collection keeps it.
  connector.py CA_FILE"""
import logging
import os
import ssl
import sys
import urllib.request

logging.basicConfig(level=logging.DEBUG, format="%(levelname)s %(message)s")
ctx = ssl.create_default_context(cafile=sys.argv[1])
headers = {"Authorization": "Bearer " + os.environ["ACME_API_TOKEN"]}
logging.debug("GET https://api.acme.example/v1/ping headers=%s", headers)
req = urllib.request.Request("https://api.acme.example/v1/ping", headers=headers)
with urllib.request.urlopen(req, context=ctx, timeout=10) as r:
    logging.info("api answered %d", r.status)
