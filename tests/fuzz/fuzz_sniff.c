/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz_sniff: protocol sniffing of one direction (TCP and UDP, a port from the input) and of
 * a flow (the input cut in two). Checks: a protocol within the enum, names never NULL, and a
 * flow never both "encrypted" and carrying SMTP/FTP upgrades that did not happen.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wire/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint16_t ports[] = { 0, 21, 25, 53, 443, 3306, 5432, 6379, 27017 };
	struct wire_sniff_flow f;
	uint16_t port;
	size_t cut;
	enum wire_proto p;

	if (size < 1)
		return 0;
	port = ports[data[0] % (sizeof(ports) / sizeof(ports[0]))];
	data++;
	size--;
	p = wire_sniff(data, size, false, port);
	if (p >= WIRE_PROTO__MAX || !wire_proto_name(p))
		abort();
	p = wire_sniff(data, size, true, port);
	if (p >= WIRE_PROTO__MAX)
		abort();
	cut = size ? data[0] % (size + 1) : 0;
	if (wire_sniff_flow(data, cut, data + cut, size - cut, (port & 1) != 0, port, &f) != WIRE_OK)
		abort();
	if (f.proto >= WIRE_PROTO__MAX || (f.smtp_starttls && f.proto != WIRE_PROTO_SMTP) ||
	    (f.ftp_auth_tls && f.proto != WIRE_PROTO_FTP) ||
	    (f.pg_ssl_accepted && !f.pg_ssl_request) || f.tls_out_off > cut ||
	    f.tls_in_off > size - cut)
		abort();
	(void)wire_text_ratio(data, size);
	return 0;
}
