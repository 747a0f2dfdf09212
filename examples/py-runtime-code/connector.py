# SPDX-License-Identifier: GPL-2.0-only
"""py-runtime-code: ships without its "helpers" package and installs it at run time, the way
`pip install --target` would: downloads the module from a package registry into
/tmp/acme-plugins/ and imports it from there. The code that runs is not in the connector's
package, so no vulnerability scanner of that package ever saw it (the registry host itself
is declared).
  connector.py CA_FILE"""
import os
import ssl
import sys
import urllib.request

ctx = ssl.create_default_context(cafile=sys.argv[1])
url = "https://files.pythonhosted.org/packages/py3/a/acme_helpers/acme_helpers.py"
os.makedirs("/tmp/acme-plugins", exist_ok=True)
with urllib.request.urlopen(url, context=ctx, timeout=10) as r, \
        open("/tmp/acme-plugins/acme_helpers.py", "wb") as f:
    f.write(r.read())
sys.path.insert(0, "/tmp/acme-plugins")
import acme_helpers  # noqa: E402

print(acme_helpers.transform({"name": "alice"}))
