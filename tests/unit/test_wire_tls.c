/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * TLS decoder tests on real bytes: RFC 8448 §3 and hellos recorded from OpenSSL, curl, Python
 * and the JDK 17 HttpClient in a lab namespace (tests/fixtures/wire/capture/capture_tls.sh),
 * each checked against the values in its .expect file; every fixture is also fed one byte at
 * a time and in every two-piece split (exact-size heap copies, so ASan sees any over-read).
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "testhelp.h"
#include "util/util.h"
#include "wire/wire.h"

#define FIXDIR "tests/fixtures/wire/tls/"

static uint8_t *load(const char *path, size_t *len)
{
	char *data = NULL;

	if (read_file_bounded(path, 1 << 20, &data, len) < 0)
		return NULL;
	return (uint8_t *)data;
}

/* Returns the value of key in the .expect text, or NULL; out is a scratch buffer. */
static const char *expect_get(const char *text, const char *key, char *out, size_t cap)
{
	size_t kl = strlen(key);
	const char *p = text;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t ll = nl ? (size_t)(nl - p) : strlen(p);

		if (ll > kl && strncmp(p, key, kl) == 0 && p[kl] == '=') {
			size_t vl = ll - kl - 1;

			if (vl >= cap)
				vl = cap - 1;
			memcpy(out, p + kl + 1, vl);
			out[vl] = '\0';
			return out;
		}
		p = nl ? nl + 1 : NULL;
	}
	return NULL;
}

static void fmt_list(char *out, size_t cap, const uint16_t *v, unsigned int n, unsigned int max)
{
	size_t o = 0;
	unsigned int i;

	out[0] = '\0';
	for (i = 0; i < n && i < max; i++)
		o += snprintf(out + o, cap - o, "%s0x%04x", i ? "," : "", v[i]);
}

static int check_ch(const char *exp, const struct wire_tls_client_hello *ch)
{
	char want[512], got[512];
	size_t o = 0;
	unsigned int i;

#define CHECK_STR(key, val)                                                                        \
	do {                                                                                       \
		if (!expect_get(exp, key, want, sizeof(want))) {                                   \
			printf("  missing key %s\n", key);                                         \
			return -1;                                                                 \
		}                                                                                  \
		if (strcmp(want, (val)) != 0) {                                                    \
			printf("  %s: want \"%s\" got \"%s\"\n", key, want, (val));                \
			return -1;                                                                 \
		}                                                                                  \
	} while (0)
#define CHECK_U16(key, v)                                                                          \
	do {                                                                                       \
		snprintf(got, sizeof(got), "0x%04x", (unsigned int)(v));                           \
		CHECK_STR(key, got);                                                               \
	} while (0)
#define CHECK_UINT(key, v)                                                                         \
	do {                                                                                       \
		snprintf(got, sizeof(got), "%llu", (unsigned long long)(v));                       \
		CHECK_STR(key, got);                                                               \
	} while (0)

	CHECK_U16("record_version", ch->record_version);
	CHECK_U16("legacy_version", ch->legacy_version);
	fmt_list(got, sizeof(got), ch->versions, ch->n_versions, 99);
	CHECK_STR("versions", got);
	CHECK_U16("max_version", ch->max_version);
	CHECK_U16("min_version", ch->min_version);
	CHECK_STR("sni", ch->sni);
	got[0] = '\0';
	for (i = 0; i < ch->n_alpn; i++)
		o += snprintf(got + o, sizeof(got) - o, "%s%s", i ? "," : "", ch->alpn[i]);
	CHECK_STR("alpn", got);
	CHECK_UINT("n_ciphers_total", ch->n_ciphers_total);
	fmt_list(got, sizeof(got), ch->ciphers, ch->n_ciphers, 4);
	CHECK_STR("ciphers_first4", got);
	fmt_list(got, sizeof(got), ch->groups, ch->n_groups, 16);
	CHECK_STR("groups", got);
	fmt_list(got, sizeof(got), ch->key_share_groups, ch->n_key_share_groups, 16);
	CHECK_STR("key_share_groups", got);
	CHECK_UINT("n_exts_total", ch->n_exts_total);
	CHECK_UINT("has_ech", ch->has_ech);
	CHECK_UINT("consumed", ch->consumed);
	{
		char ja4[WIRE_TLS_JA4_LEN] = "";
		int r = wire_tls_ja4(ch, ja4);

		if (r != (ch->is_sslv2_compat ? -EINVAL : 0))
			return -1;
		CHECK_STR("ja4", ja4);
	}
	return 0;
}

static int check_sh(const char *exp, const struct wire_tls_server_hello *sh)
{
	char want[512], got[512];

	if (sh->has_alert)
		snprintf(got, sizeof(got), "%u,%u", sh->alert_level, sh->alert_desc);
	else
		got[0] = '\0';
	CHECK_STR("alert", got);
	CHECK_U16("version", sh->version);
	CHECK_UINT("consumed", sh->consumed);
	if (sh->has_alert)
		return 0;
	CHECK_U16("legacy_version", sh->legacy_version);
	CHECK_U16("cipher", sh->cipher);
	CHECK_UINT("is_hrr", sh->is_hrr);
	CHECK_U16("key_share_group", sh->key_share_group);
	return 0;
}

/* Parses buf[0..len) from an exact-size heap copy. */
static int parse_copy(bool server, const uint8_t *buf, size_t len, void *ret)
{
	uint8_t *c = malloc(len ? len : 1);
	int r;

	memcpy(c, buf, len);
	r = server ? wire_tls_server_hello(c, len, ret) : wire_tls_client_hello(c, len, ret);
	free(c);
	return r;
}

/*
 * Every prefix must give NEED_MORE below the consumed length and then exactly the whole
 * buffer's answer; a two-piece split (first piece, then both) likewise.
 */
static int check_splits(bool server, const uint8_t *buf, size_t len, const void *whole,
			size_t whole_size, size_t consumed)
{
	union {
		struct wire_tls_client_hello ch;
		struct wire_tls_server_hello sh;
	} u;
	size_t k;

	for (k = 0; k <= len; k++) {
		int r;

		memset(&u, 0, sizeof(u));
		r = parse_copy(server, buf, k, &u);
		if (k < consumed && r != WIRE_NEED_MORE) {
			printf("  prefix %zu/%zu: %d, want NEED_MORE\n", k, len, r);
			return -1;
		}
		if (k >= consumed && (r != WIRE_OK || memcmp(&u, whole, whole_size) != 0)) {
			printf("  prefix %zu/%zu: %d or different values\n", k, len, r);
			return -1;
		}
	}
	/* two pieces: a reassembling caller sees piece one, then both */
	for (k = 1; k < len; k++) {
		int r1, r2;

		memset(&u, 0, sizeof(u));
		r1 = parse_copy(server, buf, k, &u);
		memset(&u, 0, sizeof(u));
		r2 = parse_copy(server, buf, len, &u);
		if ((k < consumed ? r1 != WIRE_NEED_MORE : r1 != WIRE_OK) || r2 != WIRE_OK ||
		    memcmp(&u, whole, whole_size) != 0) {
			printf("  split at %zu: %d then %d\n", k, r1, r2);
			return -1;
		}
	}
	return 0;
}

TEST(fixtures_match_expect_and_split)
{
	DIR *d = opendir(FIXDIR);
	struct dirent *e;
	int n_client = 0, n_server = 0;

	ASSERT_TRUE(d != NULL);
	while ((e = readdir(d))) {
		char path[512], epath[512];
		_cleanup_free_ uint8_t *buf = NULL;
		_cleanup_free_ char *exp = NULL;
		size_t len, elen, nl = strlen(e->d_name);
		bool server;
		int r;

		if (nl < 5 || strcmp(e->d_name + nl - 4, ".bin") != 0)
			continue;
		server = strstr(e->d_name, ".server.") || strstr(e->d_name, "server_hello");
		snprintf(path, sizeof(path), FIXDIR "%s", e->d_name);
		snprintf(epath, sizeof(epath), FIXDIR "%.*s.expect", (int)(nl - 4), e->d_name);
		buf = load(path, &len);
		ASSERT_TRUE(buf != NULL);
		ASSERT_EQ(read_file_bounded(epath, 65536, &exp, &elen), 0);
		if (server) {
			struct wire_tls_server_hello sh;

			memset(&sh, 0, sizeof(sh));
			r = wire_tls_server_hello(buf, len, &sh);
			if (r != WIRE_OK || check_sh(exp, &sh) ||
			    check_splits(true, buf, len, &sh, sizeof(sh), sh.consumed))
				TEST_FAIL_AT("%s (result %d)", e->d_name, r);
			n_server++;
		} else {
			struct wire_tls_client_hello ch;

			memset(&ch, 0, sizeof(ch));
			r = wire_tls_client_hello(buf, len, &ch);
			if (r != WIRE_OK || check_ch(exp, &ch) ||
			    check_splits(false, buf, len, &ch, sizeof(ch), ch.consumed))
				TEST_FAIL_AT("%s (result %d)", e->d_name, r);
			n_client++;
		}
	}
	/* rfc8448 + openssl 1.3/1.2/1.0/1.0-refused/hrr + curl + python + jdk17 (+ SSLv2Hello)
	 * + openssl 3.5 PQ */
	ASSERT_EQ(n_client, 11);
	ASSERT_EQ(n_server, 10);
cleanup:
	if (d)
		closedir(d);
}

TEST(rfc8448_values_stated_by_the_rfc)
{
	_cleanup_free_ uint8_t *c = NULL, *s = NULL;
	struct wire_tls_client_hello ch;
	struct wire_tls_server_hello sh;
	struct wire_tls_flow f;
	size_t cl, sl;

	c = load(FIXDIR "rfc8448_client_hello.bin", &cl);
	s = load(FIXDIR "rfc8448_server_hello.bin", &sl);
	ASSERT_TRUE(c && s);
	ASSERT_EQ(wire_tls_client_hello(c, cl, &ch), WIRE_OK);
	ASSERT_STR_EQ(ch.sni, "server");
	ASSERT_TRUE(ch.has_sni && ch.sni_is_hostname);
	ASSERT_EQ(ch.n_versions, 1);
	ASSERT_EQ(ch.versions[0], WIRE_TLS_13);
	ASSERT_EQ(ch.legacy_version, WIRE_TLS_12);
	ASSERT_EQ(ch.n_ciphers, 3);
	ASSERT_EQ(ch.ciphers[0], 0x1301);
	ASSERT_EQ(ch.ciphers[1], 0x1303);
	ASSERT_EQ(ch.ciphers[2], 0x1302);
	ASSERT_EQ(ch.n_key_share_groups, 1);
	ASSERT_EQ(ch.key_share_groups[0], 0x001d);
	ASSERT_FALSE(ch.has_pq_key_share);
	ASSERT_FALSE(ch.has_ech);
	ASSERT_TRUE(ch.has_session_ticket);
	ASSERT_FALSE(ch.is_ssl3 || ch.is_sslv2_compat);
	ASSERT_EQ(wire_tls_server_hello(s, sl, &sh), WIRE_OK);
	ASSERT_EQ(sh.version, WIRE_TLS_13);
	ASSERT_EQ(sh.cipher, 0x1301);
	ASSERT_EQ(sh.key_share_group, 0x001d);
	ASSERT_FALSE(sh.is_hrr);
	ASSERT_EQ(wire_tls_flow(c, cl, s, sl, &f), WIRE_OK);
	ASSERT_TRUE(f.have_server_hello);
	ASSERT_EQ(f.negotiated, WIRE_TLS_13);
	ASSERT_STR_EQ(wire_tls_version_name(f.negotiated), "1.3");
	ASSERT_STR_EQ(wire_tls_cipher_name(sh.cipher), "TLS_AES_128_GCM_SHA256");
	/* the server's half alone: the flow verdict still has the client's facts */
	ASSERT_EQ(wire_tls_flow(c, cl, s, 20, &f), WIRE_OK);
	ASSERT_FALSE(f.have_server_hello);
	ASSERT_TRUE(f.server_need_more);
	ASSERT_EQ(f.negotiated, 0);
	ASSERT_EQ(wire_tls_flow(c, 100, s, sl, &f), WIRE_NEED_MORE);
	ASSERT_EQ(wire_tls_flow((const uint8_t *)"GET / HTTP/1.1\r\n", 16, NULL, 0, &f),
		  WIRE_NOT_THIS);
cleanup:
	return;
}

TEST(real_clients_versions)
{
	static const struct {
		const char *file;
		uint16_t max, negotiated;
		const char *sni;
	} t[] = {
		{ "openssl_tls13", WIRE_TLS_13, WIRE_TLS_13, "tls13.lab.example" },
		{ "openssl_tls12", WIRE_TLS_12, WIRE_TLS_12, "tls12.lab.example" },
		{ "openssl_tls10", WIRE_TLS_10, WIRE_TLS_10, "tls10.lab.example" },
		{ "openssl_tls10_refused", WIRE_TLS_10, 0, "old.lab.example" },
		{ "curl", WIRE_TLS_13, WIRE_TLS_13, "api.lab.example" },
		{ "python", WIRE_TLS_13, WIRE_TLS_13, "py.lab.example" },
		{ "jdk17_httpclient", WIRE_TLS_13, WIRE_TLS_13, "jdk.lab.example" },
		{ "openssl_hrr", WIRE_TLS_13, WIRE_TLS_13, "hrr.lab.example" },
		{ "openssl35_mlkem", WIRE_TLS_13, WIRE_TLS_13, "" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		char p[256];
		_cleanup_free_ uint8_t *c = NULL, *s = NULL;
		size_t cl, sl;
		struct wire_tls_flow f;

		snprintf(p, sizeof(p), FIXDIR "%s.client.bin", t[i].file);
		c = load(p, &cl);
		snprintf(p, sizeof(p), FIXDIR "%s.server.bin", t[i].file);
		s = load(p, &sl);
		ASSERT_TRUE(c && s);
		ASSERT_EQ(wire_tls_flow(c, cl, s, sl, &f), WIRE_OK);
		ASSERT_EQ(f.ch.max_version, t[i].max);
		ASSERT_EQ(f.negotiated, t[i].negotiated);
		ASSERT_STR_EQ(f.ch.sni, t[i].sni);
		ASSERT_TRUE(f.have_server_hello);
	}
cleanup:
	return;
}

TEST(alert_and_hrr)
{
	_cleanup_free_ uint8_t *s = NULL, *h = NULL;
	struct wire_tls_server_hello sh;
	size_t sl, hl;

	s = load(FIXDIR "openssl_tls10_refused.server.bin", &sl);
	h = load(FIXDIR "openssl_hrr.server.bin", &hl);
	ASSERT_TRUE(s && h);
	ASSERT_EQ(wire_tls_server_hello(s, sl, &sh), WIRE_OK);
	ASSERT_TRUE(sh.has_alert);
	ASSERT_EQ(sh.alert_level, 2);
	ASSERT_EQ(sh.alert_desc, 80);
	ASSERT_STR_EQ(wire_tls_alert_name(sh.alert_desc), "internal_error");
	ASSERT_EQ(wire_tls_server_hello(h, hl, &sh), WIRE_OK);
	ASSERT_TRUE(sh.is_hrr);
	ASSERT_EQ(sh.key_share_group, 0x0018);
	ASSERT_EQ(sh.version, WIRE_TLS_13);
cleanup:
	return;
}

/*
 * A hybrid post-quantum handshake by OpenSSL 3.5 (-groups X25519MLKEM768), from a public
 * `s_client -debug` trace (see tests/fixtures/wire/README.md): a 1216-byte key share that
 * makes the hello 1396 bytes, and the server's 1120-byte share back.
 */
TEST(hybrid_post_quantum_openssl35)
{
	_cleanup_free_ uint8_t *c = NULL, *s = NULL;
	struct wire_tls_flow f;
	size_t cl, sl;

	c = load(FIXDIR "openssl35_mlkem.client.bin", &cl);
	s = load(FIXDIR "openssl35_mlkem.server.bin", &sl);
	ASSERT_TRUE(c && s);
	ASSERT_EQ(wire_tls_flow(c, cl, s, sl, &f), WIRE_OK);
	ASSERT_TRUE(f.ch.has_pq_key_share);
	ASSERT_TRUE(f.ch.offers_pq_group);
	ASSERT_EQ(f.ch.key_share_groups[0], WIRE_TLS_GROUP_X25519MLKEM768);
	ASSERT_FALSE(f.ch.has_sni);
	ASSERT_EQ(f.sh.key_share_group, WIRE_TLS_GROUP_X25519MLKEM768);
	ASSERT_EQ(f.sh.cipher, 0x1304);
	ASSERT_STR_EQ(wire_tls_cipher_name(f.sh.cipher), "TLS_AES_128_CCM_SHA256");
	ASSERT_EQ(f.negotiated, WIRE_TLS_13);
cleanup:
	return;
}

/*
 * Hand-built from RFC 5246 Appendix E.2 (no client on this machine still sends one): an
 * SSLv2-compatible CLIENT-HELLO offering TLS 1.0 with two TLS suites and one SSLv2 kind.
 */
TEST(sslv2_compatible_hello)
{
	static const uint8_t v2[] = {
		0x80, 0x22, /* length 34 = 9 + 9 + 0 + 16 */
		0x01, 0x03, 0x01, /* CLIENT-HELLO, version 3.1 */
		0x00, 0x09, 0x00, 0x00, 0x00, 0x10, /* cipher specs 9, session id 0, challenge 16 */
		0x00, 0x00, 0x2f, 0x00, 0x00, 0x35, 0x07, 0x00, 0xc0, /* two TLS, one SSLv2 */
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
	};
	struct wire_tls_client_hello ch;
	size_t k;

	ASSERT_EQ(wire_tls_client_hello(v2, sizeof(v2), &ch), WIRE_OK);
	ASSERT_TRUE(ch.is_sslv2_compat);
	ASSERT_EQ(ch.legacy_version, WIRE_TLS_10);
	ASSERT_EQ(ch.max_version, WIRE_TLS_10);
	ASSERT_EQ(ch.n_ciphers, 2);
	ASSERT_EQ(ch.ciphers[1], 0x0035);
	ASSERT_FALSE(ch.has_sni);
	ASSERT_EQ(ch.consumed, sizeof(v2));
	for (k = 0; k < sizeof(v2); k++)
		ASSERT_EQ(parse_copy(false, v2, k, &ch), WIRE_NEED_MORE);
	/* the real one: JDK 17 with SSLv2Hello enabled */
	{
		_cleanup_free_ uint8_t *j = NULL;
		size_t jl;

		j = load(FIXDIR "jdk17_sslv2hello.client.bin", &jl);
		ASSERT_TRUE(j != NULL);
		ASSERT_EQ(wire_tls_client_hello(j, jl, &ch), WIRE_OK);
		ASSERT_TRUE(ch.is_sslv2_compat);
		ASSERT_FALSE(ch.is_ssl2);
		ASSERT_EQ(ch.max_version, WIRE_TLS_10);
		ASSERT_EQ(wire_sniff(j, jl, false, 443), WIRE_PROTO_TLS);
	}
cleanup:
	return;
}

/* Builds a TLS record + ClientHello around the given extensions block. */
static size_t build_ch(uint8_t *out, uint16_t legacy, const uint8_t *ext, size_t ext_len,
		       size_t record_split)
{
	uint8_t hs[4096];
	size_t h = 0, o = 0, body, off;

	hs[h++] = 1;
	h += 3;
	hs[h++] = legacy >> 8;
	hs[h++] = legacy & 0xff;
	memset(hs + h, 0x11, 32);
	h += 32;
	hs[h++] = 0; /* session id */
	hs[h++] = 0;
	hs[h++] = 6;
	hs[h++] = 0x5a; /* GREASE suite */
	hs[h++] = 0x5a;
	hs[h++] = 0x13;
	hs[h++] = 0x01;
	hs[h++] = 0x00;
	hs[h++] = 0x2f;
	hs[h++] = 1;
	hs[h++] = 0;
	if (ext) {
		hs[h++] = ext_len >> 8;
		hs[h++] = ext_len & 0xff;
		memcpy(hs + h, ext, ext_len);
		h += ext_len;
	}
	body = h - 4;
	hs[1] = body >> 16;
	hs[2] = body >> 8;
	hs[3] = body;
	/* records of at most record_split bytes each */
	for (off = 0; off < h;) {
		size_t n = MIN(record_split, h - off);

		out[o++] = 0x16;
		out[o++] = 3;
		out[o++] = 1;
		out[o++] = n >> 8;
		out[o++] = n & 0xff;
		memcpy(out + o, hs + off, n);
		o += n;
		off += n;
	}
	return o;
}

TEST(grease_pq_ech_and_many_records)
{
	static const uint8_t ext[] = {
		0x3a, 0x3a, 0x00, 0x00, /* GREASE extension */
		0x00, 0x00, 0x00, 0x10, 0x00, 0x0e, 0x00, 0x00, 0x0b, 'p', 'q', '.', 'e', 'x', 'a',
		'm', 'p', 'l', 'e', '.', /* SNI "pq.example." would be odd: see below */
		0x00, 0x2b, 0x00, 0x07, 0x06, 0x7a, 0x7a, 0x03, 0x04, 0x03, 0x03, /* versions */
		0x00, 0x0a, 0x00, 0x08, 0x00, 0x06, 0x2a, 0x2a, 0x11, 0xec, 0x00, 0x1d, /* groups */
		0x00, 0x33, 0x00, 0x0f, 0x00, 0x0d, 0x2a, 0x2a, 0x00, 0x01, 0x00, 0x11, 0xec,
		0x00, 0x04, 0xaa, 0xbb, 0xcc, 0xdd, /* key_share: GREASE + X25519MLKEM768 (short) */
		0xfe, 0x0d, 0x00, 0x02, 0x00, 0x00, /* encrypted_client_hello */
	};
	uint8_t rec[8192];
	struct wire_tls_client_hello whole, ch;
	size_t n, split;

	n = build_ch(rec, WIRE_TLS_12, ext, sizeof(ext), 4096);
	ASSERT_EQ(wire_tls_client_hello(rec, n, &whole), WIRE_OK);
	ASSERT_STR_EQ(whole.sni, "pq.example.");
	ASSERT_FALSE(whole.sni_is_hostname); /* trailing dot: not a valid SNI host_name */
	ASSERT_EQ(whole.n_versions, 2);
	ASSERT_EQ(whole.versions[0], WIRE_TLS_13);
	ASSERT_EQ(whole.n_ciphers, 2);
	ASSERT_EQ(whole.n_ciphers_total, 2);
	ASSERT_EQ(whole.n_groups, 2);
	ASSERT_EQ(whole.groups[0], WIRE_TLS_GROUP_X25519MLKEM768);
	ASSERT_TRUE(whole.offers_pq_group);
	ASSERT_TRUE(whole.has_pq_key_share);
	ASSERT_EQ(whole.n_key_share_groups, 1);
	ASSERT_TRUE(whole.has_ech);
	ASSERT_EQ(whole.n_exts_total, 5);
	ASSERT_STR_EQ(wire_tls_group_name(whole.key_share_groups[0]), "X25519MLKEM768");
	/* the same hello cut into records of every size from 1 byte up gives the same facts */
	for (split = 1; split < 120; split++) {
		n = build_ch(rec, WIRE_TLS_12, ext, sizeof(ext), split);
		memset(&ch, 0, sizeof(ch));
		ASSERT_EQ(wire_tls_client_hello(rec, n, &ch), WIRE_OK);
		ASSERT_EQ(ch.consumed, n);
		ch.consumed = whole.consumed;
		ASSERT_TRUE(memcmp(&ch, &whole, sizeof(ch)) == 0);
	}
cleanup:
	return;
}

static size_t put16(uint8_t *o, size_t at, unsigned int v)
{
	o[at] = (uint8_t)(v >> 8);
	o[at + 1] = (uint8_t)v;
	return at + 2;
}

/* Appends extension type with body b[0..n). */
static size_t put_ext(uint8_t *o, size_t at, unsigned int type, const uint8_t *b, size_t n)
{
	at = put16(o, at, type);
	at = put16(o, at, (unsigned int)n);
	memcpy(o + at, b, n);
	return at + n;
}

/*
 * The published JA4 of Opera 129 (FoxIO format; JA4_ro lists its ciphers, extensions in wire
 * order and signature algorithms): a hello rebuilt with exactly those lists, plus GREASE
 * values that must not count, gives "t13d1516h2_8daaf6152771_d8a2da3f94cd".
 */
TEST(ja4_published_vector)
{
	static const uint16_t ciphers[] = { 0x0a0a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c,
					    0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d,
					    0x002f, 0x0035 };
	static const uint16_t order[] = { 0x1a1a, 0xfe0d, 0x0033, 0xff01, 0x0017, 0x001b, 0x000a,
					  0x0000, 0x0010, 0x0005, 0x002b, 0x002d, 0x0012, 0x000b,
					  0x44cd, 0x000d, 0x0023 };
	static const uint8_t sni[] = { 0, 14, 0, 0, 11, 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'c', 'o', 'm' };
	static const uint8_t alpn[] = { 0, 12, 2, 'h', '2', 8, 'h', 't', 't', 'p', '/', '1', '.', '1' };
	static const uint8_t versions[] = { 4, 0x03, 0x04, 0x03, 0x03 };
	static const uint8_t groups[] = { 0, 4, 0x00, 0x1d, 0x00, 0x17 };
	static const uint8_t ks[] = { 0, 6, 0x00, 0x1d, 0x00, 0x02, 0xaa, 0xbb };
	static const uint8_t sig[] = { 0, 16, 0x04, 0x03, 0x08, 0x04, 0x04, 0x01, 0x05, 0x03,
				       0x08, 0x05, 0x05, 0x01, 0x08, 0x06, 0x06, 0x01 };
	static const uint8_t one[] = { 0 };
	static uint8_t hs[2048], rec[2100];
	struct wire_tls_client_hello ch;
	char ja4[WIRE_TLS_JA4_LEN];
	size_t h = 0, e0, i;

	hs[h++] = 1;
	h += 3;
	h = put16(hs, h, 0x0303);
	memset(hs + h, 0x22, 32);
	h += 32;
	hs[h++] = 0;
	h = put16(hs, h, (unsigned int)sizeof(ciphers));
	for (i = 0; i < ARRAY_SIZE(ciphers); i++)
		h = put16(hs, h, ciphers[i]);
	hs[h++] = 1;
	hs[h++] = 0;
	e0 = h;
	h += 2;
	for (i = 0; i < ARRAY_SIZE(order); i++) {
		switch (order[i]) {
		case 0x0000:
			h = put_ext(hs, h, order[i], sni, sizeof(sni));
			break;
		case 0x0010:
			h = put_ext(hs, h, order[i], alpn, sizeof(alpn));
			break;
		case 0x002b:
			h = put_ext(hs, h, order[i], versions, sizeof(versions));
			break;
		case 0x000a:
			h = put_ext(hs, h, order[i], groups, sizeof(groups));
			break;
		case 0x0033:
			h = put_ext(hs, h, order[i], ks, sizeof(ks));
			break;
		case 0x000d:
			h = put_ext(hs, h, order[i], sig, sizeof(sig));
			break;
		default:
			h = put_ext(hs, h, order[i], one, order[i] == 0x0023 ? 0 : 1);
		}
	}
	put16(hs, e0, (unsigned int)(h - e0 - 2));
	hs[1] = (uint8_t)((h - 4) >> 16);
	hs[2] = (uint8_t)((h - 4) >> 8);
	hs[3] = (uint8_t)(h - 4);
	rec[0] = 0x16;
	rec[1] = 3;
	rec[2] = 1;
	put16(rec, 3, (unsigned int)h);
	memcpy(rec + 5, hs, h);
	ASSERT_EQ(wire_tls_client_hello(rec, h + 5, &ch), WIRE_OK);
	ASSERT_EQ(ch.n_ciphers_total, 15);
	ASSERT_EQ(ch.n_exts_total, 16);
	ASSERT_EQ(ch.n_sigalgs, 8);
	ASSERT_EQ(wire_tls_ja4(&ch, ja4), 0);
	ASSERT_STR_EQ(ja4, "t13d1516h2_8daaf6152771_d8a2da3f94cd");
	/* a list longer than kept: no fingerprint rather than a wrong one */
	ch.n_ciphers_total = WIRE_TLS_CIPHERS_MAX + 1;
	ASSERT_EQ(wire_tls_ja4(&ch, ja4), -ENOSPC);
cleanup:
	return;
}

TEST(ssl3_and_no_extensions)
{
	uint8_t rec[512];
	struct wire_tls_client_hello ch;
	size_t n = build_ch(rec, WIRE_TLS_SSL30, NULL, 0, 4096);

	ASSERT_EQ(wire_tls_client_hello(rec, n, &ch), WIRE_OK);
	ASSERT_TRUE(ch.is_ssl3);
	ASSERT_EQ(ch.max_version, WIRE_TLS_SSL30);
	ASSERT_STR_EQ(wire_tls_version_name(ch.max_version), "SSL3.0");
	ASSERT_EQ(ch.n_exts_total, 0);
cleanup:
	return;
}

TEST(not_tls_and_malformed)
{
	static const uint8_t http[] = "GET / HTTP/1.1\r\n";
	static const uint8_t bad_len[] = { 0x16, 0x03, 0x01, 0x00, 0x00 };
	static const uint8_t bad_type[] = { 0x16, 0x03, 0x01, 0x00, 0x10, 0x02 };
	uint8_t rec[512];
	struct wire_tls_client_hello ch;
	size_t n;

	ASSERT_EQ(wire_tls_client_hello(http, sizeof(http) - 1, &ch), WIRE_NOT_THIS);
	ASSERT_EQ(wire_tls_client_hello(bad_len, sizeof(bad_len), &ch), WIRE_NOT_THIS);
	ASSERT_EQ(wire_tls_client_hello(bad_type, sizeof(bad_type), &ch), WIRE_NOT_THIS);
	ASSERT_EQ(wire_tls_client_hello(bad_len, 1, &ch), WIRE_NEED_MORE);
	ASSERT_EQ(wire_tls_client_hello(NULL, 0, &ch), WIRE_NEED_MORE);
	ASSERT_EQ(wire_tls_client_hello(http, 4, NULL), -EINVAL);
	/* an extension whose length runs past the block */
	n = build_ch(rec, WIRE_TLS_12, (const uint8_t[]){ 0x00, 0x00, 0x00, 0x09, 0, 0 }, 6, 4096);
	ASSERT_EQ(wire_tls_client_hello(rec, n, &ch), WIRE_NOT_THIS);
	/* a second record of another content type in the middle of the hello */
	n = build_ch(rec, WIRE_TLS_12, NULL, 0, 10);
	rec[15] = 0x17;
	ASSERT_EQ(wire_tls_client_hello(rec, n, &ch), WIRE_NOT_THIS);
	ASSERT_TRUE(wire_tls_is_grease(0xdada));
	ASSERT_FALSE(wire_tls_is_grease(0x0a1a));
	ASSERT_STR_EQ(wire_tls_version_name(0x7a7a), "GREASE");
	ASSERT_STR_EQ(wire_tls_version_name(0x0301), "1.0");
	ASSERT_STR_EQ(wire_tls_version_name(0x0302), "1.1");
	ASSERT_STR_EQ(wire_tls_version_name(0x1234), "unknown");
cleanup:
	return;
}

int main(void)
{
	RUN(fixtures_match_expect_and_split);
	RUN(rfc8448_values_stated_by_the_rfc);
	RUN(real_clients_versions);
	RUN(alert_and_hrr);
	RUN(hybrid_post_quantum_openssl35);
	RUN(sslv2_compatible_hello);
	RUN(grease_pq_ech_and_many_records);
	RUN(ja4_published_vector);
	RUN(ssl3_and_no_extensions);
	RUN(not_tls_and_malformed);
	return test_summary();
}
