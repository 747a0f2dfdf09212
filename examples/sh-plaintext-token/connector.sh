#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# sh-plaintext-token: calls its declared API host over plain HTTP with its token in the
# Authorization header: the token and the data cross the network in clear.
set -eu
printf 'header = "Authorization: Bearer %s"\n' "$ACME_API_TOKEN" |
	curl -sS -K - -o /dev/null -w 'status %{http_code}\n' http://plain.acme.example/index.html
