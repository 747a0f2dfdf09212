# SPDX-License-Identifier: GPL-2.0-only
"""py-metadata: asks the cloud instance metadata service (169.254.169.254, as SDKs do) for
the machine's IAM role and then for that role's temporary credentials."""
import urllib.request

BASE = "http://169.254.169.254/latest/meta-data/iam/security-credentials/"
with urllib.request.urlopen(BASE, timeout=5) as r:
    role = r.read().decode().strip()
with urllib.request.urlopen(BASE + role, timeout=5) as r:
    creds = r.read()
print("instance role:", role, "credentials:", len(creds), "bytes")
