/* SPDX-License-Identifier: GPL-2.0-only */
/* b64: standard base64 (RFC 4648 §4) with padding, as the trace stores bytes. Pure. */
#ifndef CONDUCT_B64_H
#define CONDUCT_B64_H

#include <stddef.h>
#include <stdint.h>

/* Encoded length of n bytes, without the NUL. */
size_t b64_encoded_len(size_t n);

/* Encodes n bytes into out (>= b64_encoded_len(n) + 1 bytes), NUL-terminated. */
void b64_encode(const uint8_t *in, size_t n, char *out);

/*
 * Decodes a padded standard base64 string of len chars into out (>= len / 4 * 3 bytes).
 * Returns the number of bytes, or -EINVAL on a bad character, length or padding.
 */
long b64_decode(const char *in, size_t len, uint8_t *out);

#endif
