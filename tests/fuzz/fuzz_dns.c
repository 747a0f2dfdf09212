/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz_dns: DNS messages over UDP and TCP, then the name helpers on every name decoded.
 * Checks: consumed within the input, names NUL-terminated and at most 253 characters, the
 * consumed prefix alone gives the same answer, one byte less is NEED_MORE (UDP) or not OK.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wire/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void names(const struct wire_dns_msg *m)
{
	struct wire_dns_name_stats st;
	struct wire_match mt;
	char final[WIRE_DNS_NAME_MAX];
	unsigned int i;

	if (strnlen(m->qname, WIRE_DNS_NAME_MAX) > 253)
		abort();
	if (wire_dns_name_stats(m->qname, &st) != 0 || st.name_len > 253 || st.sub_len > st.name_len)
		abort();
	(void)wire_dns_registered_domain(m->qname);
	(void)wire_find_secret_in_dns_name(m->qname, "canary-7f3a9c", 13, &mt);
	if (wire_dns_cname_chain(m, final) > 16)
		abort();
	for (i = 0; i < m->n_rr; i++) {
		if (strnlen(m->rr[i].name, WIRE_DNS_NAME_MAX) > 253 ||
		    strnlen(m->rr[i].target, WIRE_DNS_NAME_MAX) > 253 ||
		    m->rr[i].txt_len > WIRE_DNS_TXT_MAX)
			abort();
		(void)wire_dns_type_name(m->rr[i].type);
	}
	(void)wire_dns_rcode_name(m->rcode);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct wire_dns_msg a, b;
	int tcp;

	for (tcp = 0; tcp < 2; tcp++) {
		int r;

		memset(&a, 0, sizeof(a));
		r = wire_dns_parse(data, size, tcp, &a);
		if (r < 0 || r > WIRE_NOT_THIS)
			abort();
		if (r != WIRE_OK)
			continue;
		if (a.consumed > size || a.consumed < 12 || a.n_rr > WIRE_DNS_RR_MAX)
			abort();
		names(&a);
		memset(&b, 0, sizeof(b));
		if (wire_dns_parse(data, a.consumed, tcp, &b) != WIRE_OK || memcmp(&a, &b, sizeof(a)))
			abort();
		if (wire_dns_parse(data, a.consumed - 1, tcp, &b) != WIRE_NEED_MORE)
			abort();
	}
	return 0;
}
