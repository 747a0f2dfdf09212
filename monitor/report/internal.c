/* SPDX-License-Identifier: GPL-2.0-only */
/* report internals: see internal.h. Pure: no logging, no exit. */
#include "report/internal.h"

#include <errno.h>
#include <string.h>

#include "util/sha256.h"
#include "util/utf8.h"
#include "util/util.h"

const char *report_str(const json_t *obj, const char *key)
{
	const json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;

	return json_is_string(v) ? json_string_value(v) : NULL;
}

json_t *report_arr(const json_t *obj, const char *key)
{
	json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;

	return json_is_array(v) ? v : NULL;
}

json_t *report_obj(const json_t *obj, const char *key)
{
	json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;

	return json_is_object(v) ? v : NULL;
}

bool report_int(const json_t *obj, const char *key, long long *ret)
{
	const json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;

	if (!json_is_integer(v))
		return false;
	*ret = (long long)json_integer_value(v);
	return true;
}

bool report_num(const json_t *obj, const char *key, double *ret)
{
	const json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;

	if (!json_is_number(v))
		return false;
	*ret = json_number_value(v);
	return true;
}

size_t report_arr_len(const json_t *obj, const char *key)
{
	return json_array_size(report_arr(obj, key));
}

static const char *const sev_names[] = { "none", "low", "medium", "high", "critical" };

int report_sev_rank(const char *s)
{
	size_t i;

	if (!s)
		return -1;
	for (i = 0; i < ARRAY_SIZE(sev_names); i++)
		if (!strcmp(s, sev_names[i]))
			return (int)i;
	return -1;
}

const char *report_sev_name(int rank)
{
	if (rank < 0 || rank >= (int)ARRAY_SIZE(sev_names))
		return "none";
	return sev_names[rank];
}

const char *report_sev_color(int rank)
{
	static const char *const colors[] = { "\033[2m", "\033[36m", "\033[33m", "\033[31m",
					       "\033[1;31m" };

	return rank >= 0 && rank < (int)ARRAY_SIZE(colors) ? colors[rank] : colors[0];
}

void report_term_sev(FILE *f, int rank, bool color, int width)
{
	char up[16];
	size_t i;

	snprintf(up, sizeof(up), "%s", rank >= 0 ? report_sev_name(rank) : "?");
	for (i = 0; up[i]; i++)
		up[i] = (char)(up[i] >= 'a' && up[i] <= 'z' ? up[i] - 'a' + 'A' : up[i]);
	fprintf(f, "%s%-*s%s", color ? report_sev_color(rank) : "", width, up,
		color ? "\033[0m" : "");
}

const char *report_sev_level(int rank)
{
	if (rank >= REPORT_SEV_HIGH)
		return "error";
	if (rank == REPORT_SEV_MEDIUM)
		return "warning";
	return "note";
}

int report_tls_rank(const char *v)
{
	static const struct {
		const char *name;
		int rank;
	} names[] = {
		{ "SSL3", 1 },	 { "SSLv3", 1 }, { "3.0", 1 },	  { "1.0", 2 },
		{ "TLS1.0", 2 }, { "1.1", 3 },	 { "TLS1.1", 3 }, { "1.2", 4 },
		{ "TLS1.2", 4 }, { "1.3", 5 },	 { "TLS1.3", 5 },
	};
	size_t i;

	if (!v)
		return -1;
	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(v, names[i].name))
			return names[i].rank;
	return -1;
}

/* Code points that must never reach a reader raw: controls, and text-reordering or invisible
 * format characters (Trojan Source, CVE-2021-42574). */
static bool cp_hidden(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || cp == 0x061c ||
	       (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) ||
	       (cp >= 0x2060 && cp <= 0x2069) || cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb);
}

typedef void (*emit_fn)(FILE *f, const char *s, size_t n);

/* Walks s, writing safe runs through emit and escapes for everything cp_hidden(). */
static size_t escape_walk(FILE *f, const char *s, size_t n, emit_fn emit)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, start = 0, width = 0;
	char esc[16];

	while (i < n) {
		uint32_t cp = 0;
		size_t len = utf8_decode(u + i, n - i, &cp);

		if (len && !cp_hidden(cp)) {
			i += len;
			width++;
			continue;
		}
		if (i > start)
			emit(f, s + start, i - start);
		if (!len) {
			snprintf(esc, sizeof(esc), "\\x%02x", u[i]);
			len = 1;
		} else if (cp == '\n') {
			snprintf(esc, sizeof(esc), "\\n");
		} else if (cp == '\t') {
			snprintf(esc, sizeof(esc), "\\t");
		} else if (cp == '\r') {
			snprintf(esc, sizeof(esc), "\\r");
		} else if (cp < 0x80) {
			snprintf(esc, sizeof(esc), "\\x%02x", (unsigned int)cp);
		} else {
			snprintf(esc, sizeof(esc), "\\u%04X", (unsigned int)cp);
		}
		fputs(esc, f);
		width += strlen(esc);
		i += len;
		start = i;
	}
	if (i > start)
		emit(f, s + start, i - start);
	return width;
}

static void emit_raw(FILE *f, const char *s, size_t n)
{
	fwrite(s, 1, n, f);
}

static void emit_html(FILE *f, const char *s, size_t n)
{
	size_t i, start = 0;

	for (i = 0; i < n; i++) {
		const char *ref;

		switch (s[i]) {
		case '&':
			ref = "&amp;";
			break;
		case '<':
			ref = "&lt;";
			break;
		case '>':
			ref = "&gt;";
			break;
		case '"':
			ref = "&quot;";
			break;
		case '\'':
			ref = "&#39;";
			break;
		default:
			continue;
		}
		fwrite(s + start, 1, i - start, f);
		fputs(ref, f);
		start = i + 1;
	}
	fwrite(s + start, 1, n - start, f);
}

size_t report_term_write(FILE *f, const char *s, size_t n)
{
	return escape_walk(f, s, n, emit_raw);
}

size_t report_term_json(FILE *f, const json_t *v, const char *fallback)
{
	if (json_is_string(v))
		return report_term_write(f, json_string_value(v), json_string_length(v));
	if (json_is_integer(v))
		return (size_t)fprintf(f, "%lld", (long long)json_integer_value(v));
	return report_term_write(f, fallback, strlen(fallback));
}

void report_term_json_pad(FILE *f, const json_t *v, const char *fallback, size_t width)
{
	size_t w = report_term_json(f, v, fallback);

	for (; w < width; w++)
		fputc(' ', f);
}

void report_html_write(FILE *f, const char *s, size_t n)
{
	escape_walk(f, s, n, emit_html);
}

void report_html_json(FILE *f, const json_t *v, const char *fallback)
{
	if (json_is_string(v))
		report_html_write(f, json_string_value(v), json_string_length(v));
	else if (json_is_integer(v))
		fprintf(f, "%lld", (long long)json_integer_value(v));
	else
		report_html_write(f, fallback, strlen(fallback));
}

void report_html_str(FILE *f, const char *s)
{
	if (s)
		report_html_write(f, s, strlen(s));
}

void report_fingerprint(const char *const *parts, size_t n, char out[static 65])
{
	struct sha256 h;
	uint8_t digest[32];
	size_t i;

	sha256_init(&h);
	for (i = 0; i < n; i++) {
		if (i)
			sha256_update(&h, "\n", 1);
		if (parts[i])
			sha256_update(&h, parts[i], strlen(parts[i]));
	}
	sha256_final(&h, digest);
	sha256_to_hex(digest, out);
}

int report_finish(FILE *f)
{
	if (fflush(f) != 0)
		return errno ? -errno : -EIO;
	if (ferror(f))
		return -EIO;
	return 0;
}
