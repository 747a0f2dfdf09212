# SPDX-License-Identifier: GPL-2.0-only
"""py-cluster: talks only to the cluster, to the Zeebe gateway (zeebe.camunda.svc:26500, gRPC
over h2c as inside a Camunda cluster): opens HTTP/2, exchanges SETTINGS, says GOAWAY. Plain
text inside the cluster is allowed: it must pass."""
import socket

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"


def frame(ftype, flags, stream, payload=b""):
    n = len(payload)
    return n.to_bytes(3, "big") + bytes([ftype, flags]) + stream.to_bytes(4, "big") + payload


with socket.create_connection(("zeebe.camunda.svc", 26500), timeout=5) as s:
    s.sendall(PREFACE + frame(4, 0, 0))          # SETTINGS
    got = s.recv(4096)
    s.sendall(frame(4, 1, 0) + frame(7, 0, 0, bytes(8)))  # SETTINGS ACK, GOAWAY
    print("gateway answered with %d bytes of HTTP/2 frames" % len(got))
