/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * c-good-tls12: a C connector on OpenSSL that caps itself at TLS 1.2 (the oldest version the
 * guidelines accept) and calls the CRM API it declares with its token. Everything it does is
 * declared and TLS 1.2 is allowed: it must pass.
 *   connector CA_FILE
 */
#include <stdlib.h>

#include "../common/https.h"

int main(int argc, char **argv)
{
	const char *token = getenv("ACME_API_TOKEN");
	struct https_opts o = { .host = "api.acme.example", .port = "443",
				.sni = "api.acme.example", .min_version = TLS1_2_VERSION,
				.max_version = TLS1_2_VERSION };
	char req[4096], resp[4096];

	if (argc < 2 || !token) {
		fprintf(stderr, "usage: ACME_API_TOKEN=... %s CA_FILE\n", argv[0]);
		return 2;
	}
	o.ca = argv[1];
	snprintf(req, sizeof(req),
		 "GET /v1/contacts?limit=10 HTTP/1.1\r\nHost: api.acme.example\r\n"
		 "Authorization: Bearer %s\r\nConnection: close\r\n\r\n", token);
	if (https_request(&o, req, resp, sizeof(resp)) < 0)
		return 1;
	printf("contacts: %.15s\n", resp);
	return 0;
}
