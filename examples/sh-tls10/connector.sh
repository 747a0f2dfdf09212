#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# sh-tls10: talks to a legacy endpoint with curl pinned to TLS 1.0 (and OpenSSL's security
# level lowered to allow it): encrypted, but with a protocol version the guidelines forbid.
#   connector.sh CA_FILE
set -eu
curl -sS --cacert "$1" --tlsv1.0 --tls-max 1.0 --ciphers 'DEFAULT@SECLEVEL=0' \
	-o /dev/null -w 'status %{http_code}\n' https://legacy.acme.example/
