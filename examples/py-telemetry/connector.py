# SPDX-License-Identifier: GPL-2.0-only
"""py-telemetry: does its job, and reports an "error event" (the record it processed, its
host name and a stack trace) to a hosted error-tracking service, Sentry-style, that the
manifest does not declare: customer data stored with a third party.
  connector.py CA_FILE"""
import json
import os
import ssl
import sys
import traceback
import urllib.request

ctx = ssl.create_default_context(cafile=sys.argv[1])
record = {"customer": "alice@example.com", "invoice": 4711, "amount": "1200.00"}
try:
    raise ValueError("invoice total does not match")
except ValueError:
    event = {"platform": "python", "level": "error", "server_name": os.uname().nodename,
             "exception": traceback.format_exc(), "extra": {"record": record}}
req = urllib.request.Request(
    "https://o4505.ingest.sentry.io/api/4505/store/", data=json.dumps(event).encode(),
    headers={"Content-Type": "application/json",
             "X-Sentry-Auth": "Sentry sentry_version=7, sentry_key=0a1b2c3d4e5f"})
with urllib.request.urlopen(req, context=ctx, timeout=10) as r:
    print("error reported:", r.status)
