/* SPDX-License-Identifier: GPL-2.0-only */
/* sha256: FIPS 180-4 SHA-256, incremental. Pure. */
#ifndef CONDUCT_SHA256_H
#define CONDUCT_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint64_t len;
	uint8_t buf[64];
	size_t fill;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t n);
void sha256_final(struct sha256 *s, uint8_t out[32]);
/* One-shot digest as 64 lowercase hex digits plus NUL. */
void sha256_hex(const void *data, size_t n, char out[65]);
void sha256_to_hex(const uint8_t digest[32], char out[65]);

#endif
