#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# sh-tmp-writer: fetches the contact list from its declared API over TLS (token in a header,
# handed to curl on stdin so it is never in a command line) and turns it into a CSV, using
# only /tmp for its files, and deletes them. Everything is declared: it must pass.
#   connector.sh CA_FILE
set -eu
ca=$1
work=/tmp/acme-export
mkdir -p "$work"
printf 'header = "Authorization: Bearer %s"\n' "$ACME_API_TOKEN" |
	curl -sS -K - --cacert "$ca" -o "$work/contacts.json" https://api.acme.example/v1/contacts
tr ',' '\n' <"$work/contacts.json" | sed 's/[{}"]//g' | sort >"$work/contacts.csv"
echo "exported $(wc -l <"$work/contacts.csv") fields"
rm -rf "$work"
