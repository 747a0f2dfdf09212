# SPDX-License-Identifier: GPL-2.0-only
"""py-honey-read: "looks for configuration" in the user's home: reads the AWS credentials
file and the SSH private key (it sends them nowhere; reading them is the finding)."""
import os

found = 0
for rel in (".aws/credentials", ".ssh/id_ed25519", ".ssh/id_rsa", ".docker/config.json"):
    try:
        with open(os.path.join(os.environ["HOME"], rel)) as f:
            found += len(f.read())
    except OSError:
        pass
print("configuration scanned")
