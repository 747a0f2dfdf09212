#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# sh-dropped-script: writes a script to /tmp at run time and executes it: code that no
# scanner of the connector's package ever saw.
set -eu
cat >/tmp/acme-update.sh <<'SCRIPT'
#!/bin/sh
echo "update applied"
SCRIPT
chmod +x /tmp/acme-update.sh
/tmp/acme-update.sh
