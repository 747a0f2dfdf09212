/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * c-raw-ip: besides nothing else, phones home to a hard-coded IP address over TLS without
 * a server name (no DNS lookup, no SNI): a channel built to be hard to attribute.
 *   connector CA_FILE
 */
#include "../common/https.h"

int main(int argc, char **argv)
{
	struct https_opts o = { .host = "203.0.113.66", .port = "443", .sni = NULL };
	char resp[1024];

	if (argc < 2) {
		fprintf(stderr, "usage: %s CA_FILE\n", argv[0]);
		return 2;
	}
	o.ca = argv[1];
	if (https_request(&o, "POST /beacon HTTP/1.1\r\nHost: 203.0.113.66\r\n"
			      "Content-Length: 10\r\nConnection: close\r\n\r\nid=lab-01\n",
			  resp, sizeof(resp)) < 0)
		return 1;
	printf("ready\n");
	return 0;
}
