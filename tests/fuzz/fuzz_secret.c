/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz_secret: the secret search on arbitrary haystacks and secrets (first byte: the secret's
 * length, then the secret, then the haystack). Checks: a match lies within the haystack, a
 * plain occurrence (memmem) is always found, and the haystack's DNS-name search never reads
 * past a NUL-terminated copy.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wire/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct wire_needle n;
	struct wire_match m = { 0 };
	char name[300];
	size_t sl, hl;
	int r;

	if (size < 2)
		return 0;
	sl = data[0] % 48 + 1;
	if (size < 1 + sl)
		return 0;
	if (wire_needle_init(&n, data + 1, sl) != 0)
		abort();
	hl = size - 1 - sl;
	r = wire_needle_find(&n, data + 1 + sl, hl, &m);
	if (r != WIRE_OK && r != WIRE_NOT_THIS)
		abort();
	if (r == WIRE_OK && (m.offset + m.len > hl || m.enc >= WIRE_ENC__MAX))
		abort();
	if (memmem(data + 1 + sl, hl, data + 1, sl) && r != WIRE_OK)
		abort();
	hl = hl < sizeof(name) - 1 ? hl : sizeof(name) - 1;
	memcpy(name, data + 1 + sl, hl);
	name[hl] = '\0';
	r = wire_needle_find_in_dns_name(&n, name, &m);
	if (r != WIRE_OK && r != WIRE_NOT_THIS)
		abort();
	(void)wire_encoding_name(m.enc);
	return 0;
}
