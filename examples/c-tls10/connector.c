/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * c-tls10: a connector for an old on-premise API that still speaks only TLS 1.0. It pins the
 * protocol to TLS 1.0 (and lowers OpenSSL's security level to get there) so the handshake
 * succeeds: the data is encrypted, but with a protocol the guidelines forbid.
 *   connector CA_FILE
 */
#include <stdlib.h>

#include "../common/https.h"

int main(int argc, char **argv)
{
	const char *token = getenv("ACME_API_TOKEN");
	struct https_opts o = { .host = "legacy.acme.example", .port = "443",
				.sni = "legacy.acme.example", .min_version = TLS1_VERSION,
				.max_version = TLS1_VERSION };
	char req[4096], resp[8192];

	if (argc < 2 || !token) {
		fprintf(stderr, "usage: ACME_API_TOKEN=... %s CA_FILE\n", argv[0]);
		return 2;
	}
	o.ca = argv[1];
	snprintf(req, sizeof(req),
		 "GET /soap/status HTTP/1.1\r\nHost: legacy.acme.example\r\n"
		 "Authorization: Bearer %s\r\nConnection: close\r\n\r\n", token);
	if (https_request(&o, req, resp, sizeof(resp)) < 0)
		return 1;
	printf("legacy status: %.40s\n", resp);
	return 0;
}
