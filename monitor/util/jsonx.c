/* SPDX-License-Identifier: GPL-2.0-only */
/* jsonx: see jsonx.h. */
#include "util/jsonx.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"
#include "util/util.h"

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
		/* a NUL is escaped too: it would end the string for C readers */
		size_t len = u[i] ? utf8_decode(u + i, n - i, NULL) : 0;

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

const char *jsonx_type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	default:
		return "null";
	}
}

int jsonx_set(json_t *obj, const char *key, json_t *value)
{
	if (!value)
		return -ENOMEM;
	return json_object_set_new(obj, key, value) ? -ENOMEM : 0;
}
