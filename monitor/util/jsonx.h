/* SPDX-License-Identifier: GPL-2.0-only */
/* jsonx: jansson helpers for untrusted bytes. Pure. */
#ifndef CONDUCT_JSONX_H
#define CONDUCT_JSONX_H

#include <jansson.h>
#include <stddef.h>

/*
 * A JSON string from bytes that may not be UTF-8 (paths, argv, log lines from the connector):
 * valid UTF-8 sequences are kept, every other byte becomes the four characters "\xNN", and a
 * NUL ends nothing (it becomes "\x00"). Returns a new reference or NULL on ENOMEM.
 */
json_t *jsonx_string_bytes(const char *s, size_t n);

/* Same, for a NUL-terminated string read from a fixed buffer of at most max bytes. */
json_t *jsonx_string_bounded(const char *s, size_t max);

/* "an object", "an array", "a string", "a number", "a boolean" or "null", for messages. */
const char *jsonx_type_name(const json_t *v);

/* Sets key to a new value and drops the reference; returns 0 or -ENOMEM (value may be NULL). */
int jsonx_set(json_t *obj, const char *key, json_t *value);

#endif
