# SPDX-License-Identifier: GPL-2.0-only
"""py-runtime-code: ships without its "helpers" and fetches their code at run time from a
package registry, then executes it straight from memory: code no vulnerability scanner of the
connector's package ever saw (the registry host is declared; the code is not shipped).
  connector.py CA_FILE"""
import ssl
import sys
import types
import urllib.request

ctx = ssl.create_default_context(cafile=sys.argv[1])
url = "https://files.pythonhosted.org/packages/py3/a/acme_helpers/acme_helpers-1.0.py"
with urllib.request.urlopen(url, context=ctx, timeout=10) as r:
    source = r.read()
helpers = types.ModuleType("acme_helpers")
exec(compile(source, "acme_helpers.py", "exec"), helpers.__dict__)
print(helpers.transform({"name": "alice"}))
