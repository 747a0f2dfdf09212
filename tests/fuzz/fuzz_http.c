/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz_http: HTTP/1 request heads, the HTTP/2 preface and status lines. Checks: the head ends
 * within the input, strings are NUL-terminated, the head alone gives the same answer, and
 * every shorter prefix sampled is NEED_MORE.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wire/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct wire_http_request a, b;
	unsigned int st;
	size_t k;
	int r;

	memset(&a, 0, sizeof(a));
	r = wire_http_request(data, size, &a);
	if (r < 0 || r > WIRE_NOT_THIS)
		abort();
	if (r == WIRE_OK) {
		if (a.body_off > size || a.body_off + a.body_avail != size ||
		    strnlen(a.method, sizeof(a.method)) == sizeof(a.method) ||
		    strnlen(a.target, sizeof(a.target)) == sizeof(a.target) ||
		    strnlen(a.host, sizeof(a.host)) == sizeof(a.host) ||
		    strnlen(a.user_agent, sizeof(a.user_agent)) == sizeof(a.user_agent) ||
		    a.n_headers > WIRE_HTTP_HEADERS_MAX)
			abort();
		memset(&b, 0, sizeof(b));
		if (wire_http_request(data, a.body_off, &b) != WIRE_OK)
			abort();
		b.body_avail = a.body_avail;
		if (memcmp(&a, &b, sizeof(a)))
			abort();
		for (k = 0; k < a.body_off; k += 1 + a.body_off / 16)
			if (wire_http_request(data, k, &b) != WIRE_NEED_MORE)
				abort();
		if (wire_http_request(data, a.body_off - 1, &b) != WIRE_NEED_MORE)
			abort();
	}
	r = wire_http2_preface(data, size);
	if (r < 0 || r > WIRE_NOT_THIS)
		abort();
	r = wire_http_response_status(data, size, &st);
	if (r == WIRE_OK && (st < 100 || st > 999))
		abort();
	return 0;
}
