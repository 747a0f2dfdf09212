/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz_tls: ClientHello, ServerHello and the flow verdict on arbitrary bytes. Besides memory
 * safety it checks the decoders' promises: consumed never exceeds the input, a prefix shorter
 * than consumed is NEED_MORE, the consumed prefix alone gives the very same answer, and
 * counts stay within their arrays. A broken promise aborts (a crash to libFuzzer).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wire/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_ch(const uint8_t *data, size_t size)
{
	struct wire_tls_client_hello a, b;
	int r;

	memset(&a, 0, sizeof(a));
	r = wire_tls_client_hello(data, size, &a);
	if (r < 0 || r > WIRE_NOT_THIS)
		abort();
	if (r != WIRE_OK)
		return;
	if (a.consumed == 0 || a.consumed > size || a.n_versions == 0 ||
	    a.n_versions > WIRE_TLS_VERSIONS_MAX || a.n_ciphers > WIRE_TLS_CIPHERS_MAX ||
	    a.n_alpn > WIRE_TLS_ALPN_MAX || a.n_groups > WIRE_TLS_GROUPS_MAX ||
	    a.n_key_share_groups > WIRE_TLS_GROUPS_MAX || a.n_exts > WIRE_TLS_EXTS_MAX ||
	    strnlen(a.sni, sizeof(a.sni)) == sizeof(a.sni) || a.max_version < a.min_version ||
	    a.n_sigalgs > WIRE_TLS_SIGALGS_MAX)
		abort();
	{
		char ja4[WIRE_TLS_JA4_LEN];
		int j = wire_tls_ja4(&a, ja4);

		if (j == 0 && strnlen(ja4, sizeof(ja4)) != 36)
			abort();
		if (j != 0 && j != -ENOSPC && !(j == -EINVAL && a.is_sslv2_compat))
			abort();
	}
	memset(&b, 0, sizeof(b));
	if (wire_tls_client_hello(data, a.consumed, &b) != WIRE_OK || memcmp(&a, &b, sizeof(a)))
		abort();
	if (wire_tls_client_hello(data, a.consumed - 1, &b) != WIRE_NEED_MORE)
		abort();
}

static void check_sh(const uint8_t *data, size_t size)
{
	struct wire_tls_server_hello a, b;
	int r;

	memset(&a, 0, sizeof(a));
	r = wire_tls_server_hello(data, size, &a);
	if (r < 0 || r > WIRE_NOT_THIS)
		abort();
	if (r != WIRE_OK)
		return;
	if (a.consumed == 0 || a.consumed > size || strnlen(a.alpn, sizeof(a.alpn)) == sizeof(a.alpn))
		abort();
	memset(&b, 0, sizeof(b));
	if (wire_tls_server_hello(data, a.consumed, &b) != WIRE_OK || memcmp(&a, &b, sizeof(a)))
		abort();
	if (wire_tls_server_hello(data, a.consumed - 1, &b) != WIRE_NEED_MORE)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wire_tls_flow f;
	size_t half = size / 2;

	check_ch(data, size);
	check_sh(data, size);
	if (wire_tls_flow(data, half, data + half, size - half, &f) == WIRE_OK) {
		if (f.have_server_hello && !f.sh.has_alert && f.negotiated != f.sh.version)
			abort();
		(void)wire_tls_version_name(f.negotiated);
	}
	return 0;
}
