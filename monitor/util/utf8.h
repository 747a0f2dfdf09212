/* SPDX-License-Identifier: GPL-2.0-only */
/* utf8: the one UTF-8 validator (RFC 3629) the trace writer, judge and reports share. Pure. */
#ifndef CONDUCT_UTF8_H
#define CONDUCT_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decodes the sequence at s (n > 0 bytes available): returns its length (1..4) and the code
 * point in *ret_cp (may be NULL), or 0 when s does not start a valid sequence (overlong
 * forms, surrogates, beyond U+10FFFF, truncated). A NUL byte is a valid sequence of length 1.
 */
size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *ret_cp);

#endif
