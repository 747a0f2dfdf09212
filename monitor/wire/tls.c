/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tls: ClientHello / ServerHello / alert decoding over the TLS record layer (RFC 8446 §5,
 * RFC 5246 §6.2), and the SSLv2-compatible hello of RFC 5246 Appendix E.2. The handshake
 * message is read through a cursor that steps over record headers, so a hello spanning any
 * number of records is parsed in place without copying or allocating.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/sha256.h"
#include "wire/wire.h"

#ifndef MIN
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#endif
#define TLS_CT_CCS 20
#define TLS_CT_ALERT 21
#define TLS_CT_HANDSHAKE 22
#define TLS_RECORD_MAX (16384 + 2048)

#define EXT_SERVER_NAME 0x0000
#define EXT_SUPPORTED_GROUPS 0x000a
#define EXT_SIGNATURE_ALGORITHMS 0x000d
#define EXT_ALPN 0x0010
#define EXT_SESSION_TICKET 0x0023
#define EXT_PRE_SHARED_KEY 0x0029
#define EXT_EARLY_DATA 0x002a
#define EXT_SUPPORTED_VERSIONS 0x002b
#define EXT_KEY_SHARE 0x0033
#define EXT_ECH 0xfe0d
#define EXT_ESNI 0xffce

#define TRY(x)                                                                                     \
	do {                                                                                       \
		int _r = (x);                                                                      \
		if (_r)                                                                            \
			return _r;                                                                 \
	} while (0)

/* SHA-256("HelloRetryRequest"), RFC 8446 §4.1.3. */
static const uint8_t hrr_random[32] = {
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
	0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

static inline size_t min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;

	return m < c ? m : c;
}

/* A cursor over the payload of consecutive handshake records. */
struct rd {
	const uint8_t *buf;
	size_t len;
	size_t pos; /* next byte in buf */
	size_t rec_left; /* payload bytes left in the current record */
	unsigned int records;
	uint16_t first_version;
};

static int check_record_header(const uint8_t *h, size_t avail, uint8_t want_type)
{
	if (avail >= 1 && h[0] != want_type)
		return WIRE_NOT_THIS;
	if (avail >= 2 && h[1] != 3)
		return WIRE_NOT_THIS;
	if (avail >= 3 && h[2] > 4)
		return WIRE_NOT_THIS;
	if (avail >= 5) {
		size_t l = (size_t)h[3] << 8 | h[4];

		if (l == 0 || l > TLS_RECORD_MAX)
			return WIRE_NOT_THIS;
		return 0;
	}
	return WIRE_NEED_MORE;
}

static int rd_next_record(struct rd *r)
{
	const uint8_t *h = r->buf + r->pos;

	TRY(check_record_header(h, r->len - r->pos, TLS_CT_HANDSHAKE));
	if (r->records == 0)
		r->first_version = (uint16_t)(h[1] << 8 | h[2]);
	r->records++;
	r->rec_left = (size_t)h[3] << 8 | h[4];
	r->pos += 5;
	return 0;
}

static int rd_byte(struct rd *r, uint8_t *v)
{
	while (r->rec_left == 0)
		TRY(rd_next_record(r));
	if (r->pos >= r->len)
		return WIRE_NEED_MORE;
	*v = r->buf[r->pos++];
	r->rec_left--;
	return 0;
}

/* Reads n bytes (out may be NULL to skip), crossing records as needed. */
static int rd_bytes(struct rd *r, uint8_t *out, size_t n)
{
	while (n) {
		size_t take;

		while (r->rec_left == 0)
			TRY(rd_next_record(r));
		if (r->pos >= r->len)
			return WIRE_NEED_MORE;
		take = min3(n, r->rec_left, r->len - r->pos);
		if (out) {
			memcpy(out, r->buf + r->pos, take);
			out += take;
		}
		r->pos += take;
		r->rec_left -= take;
		n -= take;
	}
	return 0;
}

/* Bounded reads: each consumes from *left, the bytes left in the enclosing vector. */
static int get_u8(struct rd *r, size_t *left, uint8_t *v)
{
	if (*left < 1)
		return WIRE_NOT_THIS;
	TRY(rd_byte(r, v));
	*left -= 1;
	return 0;
}

static int get_u16(struct rd *r, size_t *left, uint16_t *v)
{
	uint8_t a, b;

	if (*left < 2)
		return WIRE_NOT_THIS;
	TRY(rd_byte(r, &a));
	TRY(rd_byte(r, &b));
	*left -= 2;
	*v = (uint16_t)(a << 8 | b);
	return 0;
}

static int get_bytes(struct rd *r, size_t *left, uint8_t *out, size_t n)
{
	if (*left < n)
		return WIRE_NOT_THIS;
	TRY(rd_bytes(r, out, n));
	*left -= n;
	return 0;
}

/* Opens a vector whose length is an 8- or 16-bit prefix: moves its length out of *left. */
static int open_vec(struct rd *r, size_t *left, int prefix_bytes, size_t *ret_len)
{
	size_t l;

	if (prefix_bytes == 1) {
		uint8_t v;

		TRY(get_u8(r, left, &v));
		l = v;
	} else {
		uint16_t v;

		TRY(get_u16(r, left, &v));
		l = v;
	}
	if (l > *left)
		return WIRE_NOT_THIS;
	*left -= l;
	*ret_len = l;
	return 0;
}

bool wire_tls_is_grease(uint16_t v)
{
	return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

bool wire_tls_group_is_pq(uint16_t g)
{
	switch (g) {
	case WIRE_TLS_GROUP_X25519MLKEM768:
	case WIRE_TLS_GROUP_SECP256R1MLKEM768:
	case WIRE_TLS_GROUP_SECP384R1MLKEM1024:
	case WIRE_TLS_GROUP_X25519KYBER768D00:
	case 0x636d: /* X25519Kyber768Draft00 (old codepoint) */
	case 0xfe31: /* X25519Kyber768 (liboqs) */
	case 0x0200: /* MLKEM512 */
	case 0x0201: /* MLKEM768 */
	case 0x0202: /* MLKEM1024 */
		return true;
	}
	return false;
}

static bool is_ldh(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

static bool hostname_ok(const char *s, size_t n)
{
	size_t label = 0, i;
	bool all_digits_dots = true;

	if (n == 0 || n > 253)
		return false;
	for (i = 0; i < n; i++) {
		uint8_t c = (uint8_t)s[i];

		if (c == '.') {
			if (label == 0)
				return false;
			label = 0;
			continue;
		}
		if (!is_ldh(c))
			return false;
		if (!(c >= '0' && c <= '9'))
			all_digits_dots = false;
		if (++label > 63)
			return false;
	}
	return label > 0 && !all_digits_dots;
}

/* Copies a length-n string from the cursor into out[cap], NUL-terminated, '?' for
 * non-printables; returns via *trunc whether it was cut. */
static int get_string(struct rd *r, size_t *left, size_t n, char *out, size_t cap, bool *trunc,
		      bool sanitize)
{
	size_t i;

	if (*left < n)
		return WIRE_NOT_THIS;
	for (i = 0; i < n; i++) {
		uint8_t c;

		TRY(rd_byte(r, &c));
		if (i + 1 < cap)
			out[i] = (char)(sanitize && (c < 0x20 || c > 0x7e) ? '?' : c);
	}
	*left -= n;
	out[n < cap ? n : cap - 1] = '\0';
	if (trunc)
		*trunc = n >= cap;
	return 0;
}

static int parse_sni(struct rd *r, size_t ext_len, struct wire_tls_client_hello *ch)
{
	size_t left = ext_len, list;

	if (ext_len == 0) /* a server's empty acknowledgement; never valid from a client */
		return WIRE_NOT_THIS;
	TRY(open_vec(r, &left, 2, &list));
	if (left != 0)
		return WIRE_NOT_THIS;
	while (list) {
		uint8_t type;
		size_t nlen;

		TRY(get_u8(r, &list, &type));
		TRY(open_vec(r, &list, 2, &nlen));
		if (type == 0 && !ch->has_sni) {
			size_t dummy = nlen;
			bool trunc;

			TRY(get_string(r, &dummy, nlen, ch->sni, sizeof(ch->sni), &trunc, false));
			ch->has_sni = true;
			ch->sni_len = nlen;
			ch->sni_truncated = trunc;
			ch->sni_is_hostname = !trunc && !memchr(ch->sni, 0, nlen) &&
					      hostname_ok(ch->sni, nlen);
			if (!ch->sni_is_hostname) {
				size_t i, k = strnlen(ch->sni, sizeof(ch->sni));

				/* keep it printable for reports: the raw bytes are in the trace */
				for (i = 0; i < k; i++)
					if ((uint8_t)ch->sni[i] < 0x20 || (uint8_t)ch->sni[i] > 0x7e)
						ch->sni[i] = '?';
			}
		} else {
			TRY(rd_bytes(r, NULL, nlen));
		}
	}
	return 0;
}

/*
 * ALPN protocol list; raw_ends (may be NULL) receives the first and last byte of the first
 * protocol as sent (kept strings have non-printables masked).
 */
static int parse_alpn_list(struct rd *r, size_t ext_len, char (*out)[WIRE_TLS_ALPN_LEN],
			   unsigned int cap, unsigned int *n_kept, unsigned int *n_total,
			   uint8_t raw_ends[2])
{
	size_t left = ext_len, list;

	TRY(open_vec(r, &left, 2, &list));
	if (left != 0 || list == 0)
		return WIRE_NOT_THIS;
	while (list) {
		size_t plen, i;
		char *o = *n_kept < cap ? out[*n_kept] : NULL;

		TRY(open_vec(r, &list, 1, &plen));
		if (plen == 0)
			return WIRE_NOT_THIS;
		for (i = 0; i < plen; i++) {
			uint8_t c;

			TRY(rd_byte(r, &c));
			if (o && i + 1 < WIRE_TLS_ALPN_LEN)
				o[i] = (char)(c < 0x20 || c > 0x7e ? '?' : c);
			if (raw_ends && *n_total == 0 && i == 0)
				raw_ends[0] = c;
			if (raw_ends && *n_total == 0 && i == plen - 1)
				raw_ends[1] = c;
		}
		if (o) {
			o[plen < WIRE_TLS_ALPN_LEN ? plen : WIRE_TLS_ALPN_LEN - 1] = '\0';
			(*n_kept)++;
		}
		(*n_total)++;
	}
	return 0;
}

static int parse_u16_list(struct rd *r, size_t *vec, uint16_t *out, unsigned int cap,
			  unsigned int *n, unsigned int *n_total)
{
	if (*vec % 2)
		return WIRE_NOT_THIS;
	while (*vec) {
		uint16_t v;

		TRY(get_u16(r, vec, &v));
		if (wire_tls_is_grease(v))
			continue;
		if (*n < cap)
			out[(*n)++] = v;
		if (n_total)
			(*n_total)++;
	}
	return 0;
}

static int parse_ch_ext(struct rd *r, uint16_t type, size_t ext_len,
			struct wire_tls_client_hello *ch)
{
	size_t left = ext_len, vec;

	switch (type) {
	case EXT_SERVER_NAME:
		return parse_sni(r, ext_len, ch);
	case EXT_ALPN:
		return parse_alpn_list(r, ext_len, ch->alpn, WIRE_TLS_ALPN_MAX, &ch->n_alpn,
				       &ch->n_alpn_total, ch->alpn_first_raw);
	case EXT_SUPPORTED_VERSIONS:
		TRY(open_vec(r, &left, 1, &vec));
		if (left != 0 || vec < 2)
			return WIRE_NOT_THIS;
		ch->has_supported_versions = true;
		ch->n_versions = 0;
		return parse_u16_list(r, &vec, ch->versions, WIRE_TLS_VERSIONS_MAX, &ch->n_versions,
				      NULL);
	case EXT_SIGNATURE_ALGORITHMS:
		TRY(open_vec(r, &left, 2, &vec));
		if (left != 0)
			return WIRE_NOT_THIS;
		return parse_u16_list(r, &vec, ch->sigalgs, WIRE_TLS_SIGALGS_MAX, &ch->n_sigalgs,
				      &ch->n_sigalgs_total);
	case EXT_SUPPORTED_GROUPS:
		TRY(open_vec(r, &left, 2, &vec));
		if (left != 0)
			return WIRE_NOT_THIS;
		return parse_u16_list(r, &vec, ch->groups, WIRE_TLS_GROUPS_MAX, &ch->n_groups,
				      NULL);
	case EXT_KEY_SHARE:
		TRY(open_vec(r, &left, 2, &vec));
		if (left != 0)
			return WIRE_NOT_THIS;
		while (vec) {
			uint16_t g;
			size_t klen;

			TRY(get_u16(r, &vec, &g));
			TRY(open_vec(r, &vec, 2, &klen));
			TRY(rd_bytes(r, NULL, klen));
			if (wire_tls_is_grease(g))
				continue;
			if (wire_tls_group_is_pq(g))
				ch->has_pq_key_share = true;
			if (ch->n_key_share_groups < WIRE_TLS_GROUPS_MAX)
				ch->key_share_groups[ch->n_key_share_groups++] = g;
		}
		return 0;
	default:
		if (type == EXT_ECH || (type >= 0xfe08 && type <= 0xfe0c))
			ch->has_ech = true;
		else if (type == EXT_ESNI)
			ch->has_esni = true;
		else if (type == EXT_PRE_SHARED_KEY)
			ch->has_psk = true;
		else if (type == EXT_EARLY_DATA)
			ch->has_early_data = true;
		else if (type == EXT_SESSION_TICKET)
			ch->has_session_ticket = true;
		return rd_bytes(r, NULL, ext_len);
	}
}

static void finish_versions(struct wire_tls_client_hello *ch)
{
	unsigned int i;

	if (!ch->has_supported_versions || ch->n_versions == 0) {
		ch->versions[0] = ch->legacy_version;
		ch->n_versions = 1;
	}
	ch->max_version = 0;
	ch->min_version = 0xffff;
	for (i = 0; i < ch->n_versions; i++) {
		if (ch->versions[i] > ch->max_version)
			ch->max_version = ch->versions[i];
		if (ch->versions[i] < ch->min_version)
			ch->min_version = ch->versions[i];
	}
	ch->is_ssl3 = ch->max_version == WIRE_TLS_SSL30;
	ch->is_ssl2 = ch->max_version == 0x0002;
}

/* SSLv2-compatible CLIENT-HELLO: 2-byte header with the high bit set, RFC 5246 E.2. ch comes
 * zeroed from wire_tls_client_hello(). */
static int parse_sslv2_hello(const uint8_t *buf, size_t len, struct wire_tls_client_hello *ch)
{
	size_t rec_len, cs_len, sid_len, chal_len, i;
	uint16_t ver;

	if (len >= 3 && buf[2] != 1)
		return WIRE_NOT_THIS;
	if (len >= 4 && !(buf[3] == 0x00 || buf[3] == 0x03))
		return WIRE_NOT_THIS;
	if (len >= 5 && ((buf[3] == 0 && buf[4] != 2) || (buf[3] == 3 && buf[4] > 4)))
		return WIRE_NOT_THIS;
	if (len < 11)
		return WIRE_NEED_MORE;
	rec_len = (size_t)(buf[0] & 0x7f) << 8 | buf[1];
	ver = (uint16_t)(buf[3] << 8 | buf[4]);
	cs_len = (size_t)buf[5] << 8 | buf[6];
	sid_len = (size_t)buf[7] << 8 | buf[8];
	chal_len = (size_t)buf[9] << 8 | buf[10];
	if (cs_len == 0 || cs_len % 3 || (sid_len != 0 && sid_len != 16) || chal_len < 16 ||
	    chal_len > 32 || rec_len != 9 + cs_len + sid_len + chal_len)
		return WIRE_NOT_THIS;
	if (len < 2 + rec_len)
		return WIRE_NEED_MORE;
	ch->is_sslv2_compat = true;
	ch->legacy_version = ver;
	for (i = 0; i < cs_len; i += 3) {
		const uint8_t *c = buf + 11 + i;
		uint16_t cs = (uint16_t)(c[1] << 8 | c[2]);

		if (c[0] != 0 || wire_tls_is_grease(cs)) /* an SSLv2-only kind */
			continue;
		if (ch->n_ciphers < WIRE_TLS_CIPHERS_MAX)
			ch->ciphers[ch->n_ciphers++] = cs;
		ch->n_ciphers_total++;
	}
	finish_versions(ch);
	ch->consumed = 2 + rec_len;
	return WIRE_OK;
}

/* Reads a handshake header of the wanted type; returns the body length in *body_len. */
static int open_handshake(struct rd *r, uint8_t want, size_t *body_len)
{
	uint8_t t, l[3];

	TRY(rd_byte(r, &t));
	if (t != want)
		return WIRE_NOT_THIS;
	TRY(rd_bytes(r, l, 3));
	*body_len = (size_t)l[0] << 16 | (size_t)l[1] << 8 | l[2];
	return 0;
}

static int parse_client_hello(const uint8_t *buf, size_t len, struct wire_tls_client_hello *ch)
{
	struct rd r = { .buf = buf, .len = len };
	size_t body, vec, exts;
	uint8_t sid_len;

	/* Reject early, before the whole first record is there, on obviously wrong headers. */
	TRY(check_record_header(buf, len, TLS_CT_HANDSHAKE) == WIRE_NOT_THIS ? WIRE_NOT_THIS : 0);
	if (len >= 6 && buf[5] != 1)
		return WIRE_NOT_THIS;
	TRY(open_handshake(&r, 1, &body));
	if (body < 38 || body > (1u << 20))
		return WIRE_NOT_THIS;
	TRY(get_u16(&r, &body, &ch->legacy_version));
	if ((ch->legacy_version >> 8) != 3)
		return WIRE_NOT_THIS;
	TRY(get_bytes(&r, &body, NULL, 32));
	TRY(get_u8(&r, &body, &sid_len));
	if (sid_len > 32)
		return WIRE_NOT_THIS;
	TRY(get_bytes(&r, &body, NULL, sid_len));
	TRY(open_vec(&r, &body, 2, &vec));
	if (vec < 2 || vec % 2)
		return WIRE_NOT_THIS;
	TRY(parse_u16_list(&r, &vec, ch->ciphers, WIRE_TLS_CIPHERS_MAX, &ch->n_ciphers,
			   &ch->n_ciphers_total));
	TRY(open_vec(&r, &body, 1, &vec));
	if (vec < 1)
		return WIRE_NOT_THIS;
	TRY(get_bytes(&r, &vec, NULL, vec));
	if (body > 0) {
		TRY(open_vec(&r, &body, 2, &exts));
		if (body != 0)
			return WIRE_NOT_THIS;
		while (exts) {
			uint16_t type;
			size_t elen;

			TRY(get_u16(&r, &exts, &type));
			TRY(open_vec(&r, &exts, 2, &elen));
			if (!wire_tls_is_grease(type)) {
				if (ch->n_exts < WIRE_TLS_EXTS_MAX)
					ch->exts[ch->n_exts++] = type;
				ch->n_exts_total++;
			}
			TRY(parse_ch_ext(&r, type, elen, ch));
		}
	}
	for (unsigned int i = 0; i < ch->n_groups; i++)
		if (wire_tls_group_is_pq(ch->groups[i]))
			ch->offers_pq_group = true;
	ch->record_version = r.first_version;
	finish_versions(ch);
	ch->consumed = r.pos;
	return WIRE_OK;
}

static int cmp_u16(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

static bool is_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Appends v as 4 lowercase hex digits, after a comma unless first. */
static size_t put_hex16(char *o, size_t at, uint16_t v, bool first)
{
	static const char hx[] = "0123456789abcdef";

	if (!first)
		o[at++] = ',';
	o[at++] = hx[v >> 12];
	o[at++] = hx[(v >> 8) & 15];
	o[at++] = hx[(v >> 4) & 15];
	o[at++] = hx[v & 15];
	return at;
}

/* sha256 of the comma-joined 4-digit hex list (then "_" and tail when tail), first 12 hex. */
static void ja4_hash(const uint16_t *v, unsigned int n, const uint16_t *tail, unsigned int tn,
		     bool with_tail, char out[13])
{
	/* 5 characters per value, the lists bounded by the struct's arrays */
	char text[5 * (WIRE_TLS_CIPHERS_MAX + WIRE_TLS_SIGALGS_MAX) + 2], hex[65];
	size_t o = 0;
	unsigned int i;

	if (n == 0 && !with_tail) {
		memcpy(out, "000000000000", 13);
		return;
	}
	for (i = 0; i < n; i++)
		o = put_hex16(text, o, v[i], i == 0);
	if (with_tail) {
		text[o++] = '_';
		for (i = 0; i < tn; i++)
			o = put_hex16(text, o, tail[i], i == 0);
	}
	sha256_hex(text, o, hex);
	memcpy(out, hex, 12);
	out[12] = '\0';
}

/* JA4 = a_b_c (FoxIO technical_details/JA4.md). */
int wire_tls_ja4(const struct wire_tls_client_hello *ch, char ret[WIRE_TLS_JA4_LEN])
{
	uint16_t sorted[WIRE_TLS_CIPHERS_MAX > WIRE_TLS_EXTS_MAX ? WIRE_TLS_CIPHERS_MAX :
								   WIRE_TLS_EXTS_MAX];
	char ver[3], alpn[3], b[13], c[13];
	unsigned int i, n;
	bool has_sigalgs = false;

	if (!ch || !ret || ch->is_sslv2_compat)
		return -EINVAL;
	if (ch->n_ciphers < ch->n_ciphers_total || ch->n_exts < ch->n_exts_total ||
	    ch->n_sigalgs < ch->n_sigalgs_total)
		return -ENOSPC;
	switch (ch->max_version) {
	case WIRE_TLS_13:
		memcpy(ver, "13", 3);
		break;
	case WIRE_TLS_12:
		memcpy(ver, "12", 3);
		break;
	case WIRE_TLS_11:
		memcpy(ver, "11", 3);
		break;
	case WIRE_TLS_10:
		memcpy(ver, "10", 3);
		break;
	case WIRE_TLS_SSL30:
		memcpy(ver, "s3", 3);
		break;
	default:
		memcpy(ver, "00", 3);
	}
	if (ch->n_alpn_total == 0) {
		memcpy(alpn, "00", 3);
	} else {
		static const char hx[] = "0123456789abcdef";

		alpn[0] = (char)ch->alpn_first_raw[0];
		alpn[1] = (char)ch->alpn_first_raw[1];
		alpn[2] = '\0';
		if (!is_alnum(alpn[0]) || !is_alnum(alpn[1])) {
			/* the first and last hex digits of the value instead */
			alpn[0] = hx[ch->alpn_first_raw[0] >> 4];
			alpn[1] = hx[ch->alpn_first_raw[1] & 15];
		}
	}
	for (i = 0; i < ch->n_exts; i++)
		if (ch->exts[i] == EXT_SIGNATURE_ALGORITHMS)
			has_sigalgs = true;
	memcpy(sorted, ch->ciphers, ch->n_ciphers * sizeof(sorted[0]));
	qsort(sorted, ch->n_ciphers, sizeof(sorted[0]), cmp_u16);
	ja4_hash(sorted, ch->n_ciphers, NULL, 0, false, b);
	for (i = 0, n = 0; i < ch->n_exts; i++)
		if (ch->exts[i] != EXT_SERVER_NAME && ch->exts[i] != EXT_ALPN)
			sorted[n++] = ch->exts[i];
	qsort(sorted, n, sizeof(sorted[0]), cmp_u16);
	ja4_hash(sorted, n, ch->sigalgs, ch->n_sigalgs, has_sigalgs && ch->n_sigalgs > 0, c);
	snprintf(ret, WIRE_TLS_JA4_LEN, "t%s%c%02u%02u%s_%s_%s", ver, ch->has_sni ? 'd' : 'i',
		 MIN(ch->n_ciphers_total, 99u), MIN(ch->n_exts_total, 99u), alpn, b, c);
	return 0;
}

int wire_tls_client_hello(const uint8_t *buf, size_t len, struct wire_tls_client_hello *ret)
{
	struct wire_tls_client_hello ch;
	int r;

	if (!ret || (!buf && len))
		return -EINVAL;
	if (len == 0)
		return WIRE_NEED_MORE;
	memset(&ch, 0, sizeof(ch));
	if (buf[0] & 0x80)
		r = parse_sslv2_hello(buf, len, &ch);
	else
		r = parse_client_hello(buf, len, &ch);
	if (r == WIRE_OK)
		memcpy(ret, &ch, sizeof(ch));
	return r;
}

/* An alert record instead of a hello; sh comes zeroed from wire_tls_server_hello(). */
static int parse_alert_record(const uint8_t *buf, size_t len, struct wire_tls_server_hello *sh)
{
	size_t rl;

	TRY(check_record_header(buf, len, TLS_CT_ALERT));
	rl = (size_t)buf[3] << 8 | buf[4];
	if (rl != 2)
		return WIRE_NOT_THIS;
	if (len >= 6 && (buf[5] < 1 || buf[5] > 2))
		return WIRE_NOT_THIS;
	if (len < 7)
		return WIRE_NEED_MORE;
	sh->record_version = (uint16_t)(buf[1] << 8 | buf[2]);
	sh->has_alert = true;
	sh->alert_level = buf[5];
	sh->alert_desc = buf[6];
	sh->consumed = 7;
	return WIRE_OK;
}

static int parse_server_hello(const uint8_t *buf, size_t len, struct wire_tls_server_hello *sh)
{
	struct rd r = { .buf = buf, .len = len };
	uint8_t random[32], sid_len;
	size_t body, exts;

	TRY(check_record_header(buf, len, TLS_CT_HANDSHAKE) == WIRE_NOT_THIS ? WIRE_NOT_THIS : 0);
	if (len >= 6 && buf[5] != 2)
		return WIRE_NOT_THIS;
	TRY(open_handshake(&r, 2, &body));
	if (body < 38 || body > 65536)
		return WIRE_NOT_THIS;
	TRY(get_u16(&r, &body, &sh->legacy_version));
	if ((sh->legacy_version >> 8) != 3)
		return WIRE_NOT_THIS;
	TRY(get_bytes(&r, &body, random, 32));
	sh->is_hrr = memcmp(random, hrr_random, 32) == 0;
	TRY(get_u8(&r, &body, &sid_len));
	if (sid_len > 32)
		return WIRE_NOT_THIS;
	TRY(get_bytes(&r, &body, NULL, sid_len));
	TRY(get_u16(&r, &body, &sh->cipher));
	TRY(get_u8(&r, &body, &sh->compression));
	sh->version = sh->legacy_version;
	if (body > 0) {
		TRY(open_vec(&r, &body, 2, &exts));
		if (body != 0)
			return WIRE_NOT_THIS;
		while (exts) {
			uint16_t type, v;
			size_t elen, left;

			TRY(get_u16(&r, &exts, &type));
			TRY(open_vec(&r, &exts, 2, &elen));
			left = elen;
			switch (type) {
			case EXT_SUPPORTED_VERSIONS:
				TRY(get_u16(&r, &left, &v));
				if (left != 0 || (v >> 8) != 3)
					return WIRE_NOT_THIS;
				sh->version = v;
				sh->has_supported_versions = true;
				break;
			case EXT_KEY_SHARE:
				TRY(get_u16(&r, &left, &sh->key_share_group));
				break;
			case EXT_ALPN: {
				char one[1][WIRE_TLS_ALPN_LEN] = { "" };
				unsigned int kept = 0, total = 0;

				TRY(parse_alpn_list(&r, elen, one, 1, &kept, &total, NULL));
				left = 0;
				if (total != 1)
					return WIRE_NOT_THIS;
				memcpy(sh->alpn, one[0], sizeof(sh->alpn));
				break;
			}
			default:
				break;
			}
			TRY(get_bytes(&r, &left, NULL, left));
		}
	}
	sh->record_version = r.first_version;
	sh->consumed = r.pos;
	return WIRE_OK;
}

int wire_tls_server_hello(const uint8_t *buf, size_t len, struct wire_tls_server_hello *ret)
{
	struct wire_tls_server_hello sh;
	int r;

	if (!ret || (!buf && len))
		return -EINVAL;
	if (len == 0)
		return WIRE_NEED_MORE;
	memset(&sh, 0, sizeof(sh));
	if (buf[0] == TLS_CT_ALERT)
		r = parse_alert_record(buf, len, &sh);
	else
		r = parse_server_hello(buf, len, &sh);
	if (r == WIRE_OK)
		memcpy(ret, &sh, sizeof(sh));
	return r;
}

int wire_tls_flow(const uint8_t *out, size_t out_len, const uint8_t *in, size_t in_len,
		  struct wire_tls_flow *ret)
{
	struct wire_tls_flow f;
	int r;

	if (!ret || (!out && out_len) || (!in && in_len))
		return -EINVAL;
	memset(&f, 0, sizeof(f));
	r = wire_tls_client_hello(out, out_len, &f.ch);
	if (r != WIRE_OK)
		return r;
	r = wire_tls_server_hello(in, in_len, &f.sh);
	if (r == WIRE_OK) {
		f.have_server_hello = true;
		f.negotiated = f.sh.has_alert ? 0 : f.sh.version;
	} else {
		f.server_need_more = r == WIRE_NEED_MORE; /* f.sh stays zeroed: ret untouched */
	}
	memcpy(ret, &f, sizeof(f));
	return WIRE_OK;
}

const char *wire_tls_version_name(uint16_t v)
{
	switch (v) {
	case 0x0002:
		return "SSL2.0";
	case WIRE_TLS_SSL30:
		return "SSL3.0";
	case WIRE_TLS_10:
		return "1.0";
	case WIRE_TLS_11:
		return "1.1";
	case WIRE_TLS_12:
		return "1.2";
	case WIRE_TLS_13:
		return "1.3";
	}
	if (wire_tls_is_grease(v))
		return "GREASE";
	if ((v >> 8) == 0x7f)
		return "1.3-draft";
	return "unknown";
}

const char *wire_tls_cipher_name(uint16_t c)
{
	static const struct {
		uint16_t id;
		const char *name;
	} t[] = {
		{ 0x1301, "TLS_AES_128_GCM_SHA256" },
		{ 0x1302, "TLS_AES_256_GCM_SHA384" },
		{ 0x1303, "TLS_CHACHA20_POLY1305_SHA256" },
		{ 0x1304, "TLS_AES_128_CCM_SHA256" },
		{ 0x1305, "TLS_AES_128_CCM_8_SHA256" },
		{ 0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" },
		{ 0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384" },
		{ 0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" },
		{ 0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384" },
		{ 0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256" },
		{ 0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256" },
		{ 0xccaa, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256" },
		{ 0xc009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA" },
		{ 0xc00a, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA" },
		{ 0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA" },
		{ 0xc014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA" },
		{ 0xc023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256" },
		{ 0xc024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384" },
		{ 0xc027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256" },
		{ 0xc028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384" },
		{ 0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256" },
		{ 0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384" },
		{ 0x009e, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256" },
		{ 0x009f, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384" },
		{ 0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA" },
		{ 0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA" },
		{ 0x003c, "TLS_RSA_WITH_AES_128_CBC_SHA256" },
		{ 0x003d, "TLS_RSA_WITH_AES_256_CBC_SHA256" },
		{ 0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA" },
		{ 0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA" },
		{ 0x000a, "TLS_RSA_WITH_3DES_EDE_CBC_SHA" },
		{ 0x0005, "TLS_RSA_WITH_RC4_128_SHA" },
		{ 0x0004, "TLS_RSA_WITH_RC4_128_MD5" },
		{ 0x00ff, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV" },
		{ 0x5600, "TLS_FALLBACK_SCSV" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].id == c)
			return t[i].name;
	return NULL;
}

const char *wire_tls_group_name(uint16_t g)
{
	switch (g) {
	case 0x0017:
		return "secp256r1";
	case 0x0018:
		return "secp384r1";
	case 0x0019:
		return "secp521r1";
	case 0x001d:
		return "x25519";
	case 0x001e:
		return "x448";
	case 0x0100:
		return "ffdhe2048";
	case 0x0101:
		return "ffdhe3072";
	case 0x0102:
		return "ffdhe4096";
	case 0x0103:
		return "ffdhe6144";
	case 0x0104:
		return "ffdhe8192";
	case 0x0200:
		return "MLKEM512";
	case 0x0201:
		return "MLKEM768";
	case 0x0202:
		return "MLKEM1024";
	case WIRE_TLS_GROUP_SECP256R1MLKEM768:
		return "SecP256r1MLKEM768";
	case WIRE_TLS_GROUP_X25519MLKEM768:
		return "X25519MLKEM768";
	case WIRE_TLS_GROUP_SECP384R1MLKEM1024:
		return "SecP384r1MLKEM1024";
	case WIRE_TLS_GROUP_X25519KYBER768D00:
		return "X25519Kyber768Draft00";
	}
	return NULL;
}

const char *wire_tls_alert_name(uint8_t d)
{
	switch (d) {
	case 0:
		return "close_notify";
	case 10:
		return "unexpected_message";
	case 20:
		return "bad_record_mac";
	case 22:
		return "record_overflow";
	case 40:
		return "handshake_failure";
	case 42:
		return "bad_certificate";
	case 43:
		return "unsupported_certificate";
	case 44:
		return "certificate_revoked";
	case 45:
		return "certificate_expired";
	case 46:
		return "certificate_unknown";
	case 47:
		return "illegal_parameter";
	case 48:
		return "unknown_ca";
	case 49:
		return "access_denied";
	case 50:
		return "decode_error";
	case 51:
		return "decrypt_error";
	case 70:
		return "protocol_version";
	case 71:
		return "insufficient_security";
	case 80:
		return "internal_error";
	case 86:
		return "inappropriate_fallback";
	case 90:
		return "user_canceled";
	case 109:
		return "missing_extension";
	case 110:
		return "unsupported_extension";
	case 112:
		return "unrecognized_name";
	case 113:
		return "bad_certificate_status_response";
	case 115:
		return "unknown_psk_identity";
	case 116:
		return "certificate_required";
	case 120:
		return "no_application_protocol";
	}
	return NULL;
}
