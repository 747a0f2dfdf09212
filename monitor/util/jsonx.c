/* SPDX-License-Identifier: GPL-2.0-only */
/* jsonx: see jsonx.h. */
#include "util/jsonx.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

/* Length of the valid UTF-8 sequence at s (RFC 3629: no overlongs, no surrogates), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len, i;
	uint32_t cp;

	if (c >= 0x01 && c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, cp = c & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

json_t *jsonx_string_bytes(const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	_cleanup_free_ char *out = NULL;
	size_t i = 0, o = 0, cap;

	if (!mul_ok(n, 4, &cap) || cap == SIZE_MAX)
		return NULL;
	out = malloc(cap + 1);
	if (!out)
		return NULL;
	while (i < n) {
		size_t len = utf8_seq(u + i, n - i);

		if (len) {
			memcpy(out + o, u + i, len);
			o += len;
			i += len;
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[u[i] >> 4];
			out[o++] = hex[u[i] & 15];
			i++;
		}
	}
	return json_stringn(out, o);
}

json_t *jsonx_string_bounded(const char *s, size_t max)
{
	return jsonx_string_bytes(s, strnlen(s, max));
}

int jsonx_set(json_t *obj, const char *key, json_t *value)
{
	if (!value)
		return -ENOMEM;
	return json_object_set_new(obj, key, value) ? -ENOMEM : 0;
}
