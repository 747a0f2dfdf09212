/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * secret: finds a known secret (a canary) in bytes under the encodings a careless or hostile
 * connector would use: as is, base64 (standard and URL-safe, at any of the three byte
 * alignments, so inside a larger blob too), hex in either case, percent-encoding of any subset
 * of its bytes, and inside DNS names split across labels (as is, hex, base32, base64url).
 *
 * Base-N "cores": encoding the secret preceded by a zero, one or two other bytes, only the
 * output characters whose bits all come from the secret are fixed; those characters appear
 * verbatim in any encoding of any data that contains the secret at that alignment.
 */
#include <errno.h>
#include <string.h>

#include "wire/wire.h"

#define CORE_MIN_SECRET 6 /* below this, base-N cores are too short to mean anything */

static const char b64_std[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char b32_lower[] = "abcdefghijklmnopqrstuvwxyz234567";
static const char hex_l[] = "0123456789abcdef";
static const char hex_u[] = "0123456789ABCDEF";

/* Bits [bit, bit + w) of the stream (pad zero bytes, then s), w <= 8, zero past the end. */
static unsigned int bits_at(const uint8_t *s, size_t len, size_t pad, size_t bit, unsigned int w)
{
	size_t byte = bit / 8;
	unsigned int v = 0, k;

	for (k = 0; k < 2; k++) {
		size_t b = byte + k;
		uint8_t c = (b >= pad && b - pad < len) ? s[b - pad] : 0;

		v = v << 8 | c;
	}
	return (v >> (16 - (bit % 8) - w)) & ((1u << w) - 1);
}

int wire_needle_init(struct wire_needle *n, const uint8_t *secret, size_t len)
{
	size_t i, a;

	if (!n || !secret || len == 0 || len > WIRE_SECRET_MAX)
		return -EINVAL;
	memset(n, 0, sizeof(*n));
	memcpy(n->secret, secret, len);
	n->len = len;
	for (i = 0; i < len; i++) {
		n->hex_lower[2 * i] = hex_l[secret[i] >> 4];
		n->hex_lower[2 * i + 1] = hex_l[secret[i] & 15];
		n->hex_upper[2 * i] = hex_u[secret[i] >> 4];
		n->hex_upper[2 * i + 1] = hex_u[secret[i] & 15];
	}
	if (len < CORE_MIN_SECRET)
		return 0;
	for (a = 0; a < 3; a++) {
		size_t first = (8 * a + 5) / 6, last = 8 * (a + len) / 6, o = 0;

		for (i = first; i < last; i++) {
			char c = b64_std[bits_at(secret, len, a, 6 * i, 6)];

			n->b64[a][o++] = c;
			if (c == '+' || c == '/')
				n->b64url_differs[a] = true;
		}
		n->b64_len[a] = o;
	}
	for (a = 0; a < 5; a++) {
		size_t first = (8 * a + 4) / 5, last = 8 * (a + len) / 5, o = 0;

		for (i = first; i < last; i++)
			n->b32[a][o++] = b32_lower[bits_at(secret, len, a, 5 * i, 5)];
		n->b32_len[a] = o;
	}
	return 0;
}

static void b64_to_url(const char *in, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = in[i] == '+' ? '-' : in[i] == '/' ? '_' : in[i];
}

struct best {
	bool found;
	struct wire_match m;
};

/* Searches only where a match would beat the best so far. */
static void consider(struct best *b, enum wire_encoding enc, const uint8_t *hay, size_t hay_len,
		     const void *needle, size_t nl)
{
	size_t limit = hay_len;
	const uint8_t *p;

	if (nl == 0)
		return;
	if (b->found) {
		limit = b->m.offset + nl;
		if (limit > hay_len)
			limit = hay_len;
	}
	p = memmem(hay, limit, needle, nl);
	if (!p)
		return;
	if (b->found && ((size_t)(p - hay) > b->m.offset ||
			 ((size_t)(p - hay) == b->m.offset && enc >= b->m.enc)))
		return;
	b->found = true;
	b->m.enc = enc;
	b->m.offset = (size_t)(p - hay);
	b->m.len = nl;
}

static int hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decoding match of the secret at hay[p]; returns the bytes matched or 0. */
static size_t url_match_at(const uint8_t *s, size_t sl, const uint8_t *hay, size_t n, size_t p)
{
	size_t j, q = p;
	bool escaped = false;

	for (j = 0; j < sl; j++) {
		if (q >= n)
			return 0;
		if (hay[q] == '%' && q + 2 < n && hexval(hay[q + 1]) >= 0 &&
		    hexval(hay[q + 2]) >= 0 &&
		    (uint8_t)(hexval(hay[q + 1]) << 4 | hexval(hay[q + 2])) == s[j]) {
			q += 3;
			escaped = true;
		} else if (hay[q] == s[j]) {
			q++;
		} else if (hay[q] == '+' && s[j] == ' ') {
			q++;
			escaped = true;
		} else {
			return 0;
		}
	}
	return escaped ? q - p : 0;
}

static void consider_url(struct best *b, enum wire_encoding enc, const uint8_t *s, size_t sl,
			 const uint8_t *hay, size_t n)
{
	size_t p, end = b->found ? b->m.offset + 1 : n;
	uint8_t first = s[0];

	if (end > n)
		end = n;
	for (p = 0; p < end; p++) {
		size_t m;

		if (hay[p] != '%' && hay[p] != first && !(hay[p] == '+' && first == ' '))
			continue;
		m = url_match_at(s, sl, hay, n, p);
		if (m && (!b->found || p < b->m.offset)) {
			b->found = true;
			b->m.enc = enc;
			b->m.offset = p;
			b->m.len = m;
			return;
		}
	}
}

static bool is_b64_char(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '/' || c == '-' || c == '_';
}

#define WRAP_WINDOW 2048

/*
 * Base64 cut into lines: the base64 characters of hay, CR/LF dropped, go through a window of
 * WRAP_WINDOW characters that keeps the previous core-length tail when it slides, each
 * character remembering where it came from. Any other byte ends a run.
 */
static void search_window(struct best *b, const struct wire_needle *n, const char *win,
			  const uint32_t *from, size_t w)
{
	char url[sizeof(n->b64[0])];
	size_t a, k;

	for (a = 0; a < 3; a++) {
		const char *needles[2] = { n->b64[a], url };
		static const enum wire_encoding encs[2] = { WIRE_ENC_BASE64, WIRE_ENC_BASE64URL };

		if (n->b64_len[a] == 0 || n->b64_len[a] > w)
			continue;
		b64_to_url(n->b64[a], n->b64_len[a], url);
		for (k = 0; k < (n->b64url_differs[a] ? 2u : 1u); k++) {
			const char *p = memmem(win, w, needles[k], n->b64_len[a]);
			size_t at, end;

			if (!p)
				continue;
			at = from[p - win];
			end = from[p - win + n->b64_len[a] - 1] + 1;
			if (!b->found || at < b->m.offset) {
				b->found = true;
				b->m.enc = encs[k];
				b->m.offset = at;
				b->m.len = end - at;
			}
		}
	}
}

static void consider_wrapped_b64(struct best *b, const struct wire_needle *n, const uint8_t *hay,
				 size_t hay_len)
{
	char win[WRAP_WINDOW];
	uint32_t from[WRAP_WINDOW];
	size_t w = 0, i, a, keep = 0;

	if (n->b64_len[0] == 0 || hay_len > UINT32_MAX)
		return;
	for (a = 0; a < 3; a++)
		keep = n->b64_len[a] > keep ? n->b64_len[a] : keep;
	if (keep < 2 || keep >= WRAP_WINDOW / 2)
		return;
	for (i = 0; i < hay_len; i++) {
		if (hay[i] == '\r' || hay[i] == '\n')
			continue;
		if (!is_b64_char(hay[i])) { /* a run ends */
			search_window(b, n, win, from, w);
			if (b->found)
				return;
			w = 0;
			continue;
		}
		win[w] = (char)hay[i];
		from[w++] = (uint32_t)i;
		if (w < WRAP_WINDOW)
			continue;
		search_window(b, n, win, from, w);
		if (b->found)
			return;
		/* slide, keeping the tail a match may still start in */
		memmove(win, win + w - (keep - 1), keep - 1);
		memmove(from, from + w - (keep - 1), (keep - 1) * sizeof(from[0]));
		w = keep - 1;
	}
	search_window(b, n, win, from, w);
}

int wire_needle_find(const struct wire_needle *n, const uint8_t *hay, size_t hay_len,
		     struct wire_match *ret)
{
	struct best b = { 0 };
	size_t a;

	if (!n || !ret || (!hay && hay_len) || n->len == 0 || n->len > WIRE_SECRET_MAX)
		return -EINVAL;
	if (hay_len == 0)
		return WIRE_NOT_THIS;
	consider(&b, WIRE_ENC_RAW, hay, hay_len, n->secret, n->len);
	for (a = 0; a < 3; a++) {
		char url[sizeof(n->b64[0])];

		consider(&b, WIRE_ENC_BASE64, hay, hay_len, n->b64[a], n->b64_len[a]);
		if (n->b64url_differs[a]) {
			b64_to_url(n->b64[a], n->b64_len[a], url);
			consider(&b, WIRE_ENC_BASE64URL, hay, hay_len, url, n->b64_len[a]);
		}
	}
	consider(&b, WIRE_ENC_HEX_LOWER, hay, hay_len, n->hex_lower, 2 * n->len);
	consider(&b, WIRE_ENC_HEX_UPPER, hay, hay_len, n->hex_upper, 2 * n->len);
	consider_url(&b, WIRE_ENC_URL, n->secret, n->len, hay, hay_len);
	for (a = 0; a < 3; a++)
		if (n->b64url_differs[a])
			consider_url(&b, WIRE_ENC_URL_BASE64, (const uint8_t *)n->b64[a], n->b64_len[a],
				     hay, hay_len);
	if (!b.found && memchr(hay, '\n', hay_len))
		consider_wrapped_b64(&b, n, hay, hay_len);
	if (!b.found)
		return WIRE_NOT_THIS;
	memcpy(ret, &b.m, sizeof(b.m));
	return WIRE_OK;
}

int wire_find_secret(const uint8_t *hay, size_t n, const char *secret, size_t secret_len,
		     struct wire_match *ret)
{
	struct wire_needle nd;
	int r;

	r = wire_needle_init(&nd, (const uint8_t *)secret, secret_len);
	if (r < 0)
		return r;
	return wire_needle_find(&nd, hay, n, ret);
}

static uint8_t lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c - 'A' + 'a') : c;
}

int wire_needle_find_in_dns_name(const struct wire_needle *n, const char *name,
				 struct wire_match *ret)
{
	uint8_t cat[WIRE_DNS_NAME_MAX * 4], low[WIRE_DNS_NAME_MAX * 4], ls[WIRE_SECRET_MAX];
	char url[sizeof(n->b64[0])];
	struct best b = { 0 };
	size_t i, k = 0, nl, a;
	enum wire_encoding order[4] = { WIRE_ENC_DNS_LABELS, WIRE_ENC_DNS_HEX, WIRE_ENC_DNS_BASE32,
					WIRE_ENC_DNS_BASE64URL };

	if (!n || !name || !ret || n->len == 0 || n->len > WIRE_SECRET_MAX)
		return -EINVAL;
	nl = strnlen(name, sizeof(cat));
	for (i = 0; i < nl; i++) {
		if (name[i] == '.')
			continue;
		cat[k] = (uint8_t)name[i];
		low[k] = lower((uint8_t)name[i]);
		k++;
	}
	for (i = 0; i < n->len; i++)
		ls[i] = lower(n->secret[i]);
	/* in priority order: the first encoding that matches anywhere wins */
	for (a = 0; a < 4 && !b.found; a++) {
		size_t j;

		switch (order[a]) {
		case WIRE_ENC_DNS_LABELS:
			consider(&b, order[a], low, k, ls, n->len);
			break;
		case WIRE_ENC_DNS_HEX:
			consider(&b, order[a], low, k, n->hex_lower, 2 * n->len);
			break;
		case WIRE_ENC_DNS_BASE32:
			for (j = 0; j < 5; j++)
				consider(&b, order[a], low, k, n->b32[j], n->b32_len[j]);
			break;
		default:
			for (j = 0; j < 3; j++) {
				b64_to_url(n->b64[j], n->b64_len[j], url);
				consider(&b, order[a], cat, k, url, n->b64_len[j]);
			}
			break;
		}
	}
	if (b.found) {
		memcpy(ret, &b.m, sizeof(b.m));
		return WIRE_OK;
	}
	/* the whole name under the plain encodings (percent-encoded labels, say) */
	return wire_needle_find(n, (const uint8_t *)name, nl, ret);
}

int wire_find_secret_in_dns_name(const char *name, const char *secret, size_t secret_len,
				 struct wire_match *ret)
{
	struct wire_needle nd;
	int r;

	r = wire_needle_init(&nd, (const uint8_t *)secret, secret_len);
	if (r < 0)
		return r;
	return wire_needle_find_in_dns_name(&nd, name, ret);
}

const char *wire_encoding_name(enum wire_encoding e)
{
	switch (e) {
	case WIRE_ENC_RAW:
		return "raw";
	case WIRE_ENC_BASE64:
		return "base64";
	case WIRE_ENC_BASE64URL:
		return "base64url";
	case WIRE_ENC_HEX_LOWER:
		return "hex";
	case WIRE_ENC_HEX_UPPER:
		return "HEX";
	case WIRE_ENC_URL:
		return "url";
	case WIRE_ENC_DNS_LABELS:
		return "dns-labels";
	case WIRE_ENC_DNS_HEX:
		return "dns-hex";
	case WIRE_ENC_DNS_BASE32:
		return "dns-base32";
	case WIRE_ENC_DNS_BASE64URL:
		return "dns-base64url";
	case WIRE_ENC_URL_BASE64:
		return "url+base64";
	default:
		return "unknown";
	}
}
