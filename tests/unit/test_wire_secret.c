/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Secret search tests: the secret embedded at every offset of a larger blob that is then
 * base64-encoded (standard and URL-safe, by util/b64 — an independent encoder), hex in both
 * cases, percent-encoded in part or whole, and split across DNS labels in a query recorded
 * from a real resolver exchange (tests/fixtures/wire/dns/py_tunnel.*).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "testhelp.h"
#include "util/b64.h"
#include "util/util.h"
#include "wire/wire.h"

static const char secret[] = "cnry_4f9Q!x+Zp/7Lk2";

/* xorshift: deterministic filler bytes */
static uint32_t rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void to_url_alphabet(char *s)
{
	for (; *s; s++) {
		if (*s == '+')
			*s = '-';
		else if (*s == '/')
			*s = '_';
		else if (*s == '=')
			*s = '\0';
	}
}

TEST(base64_every_offset_and_length)
{
	uint8_t blob[256];
	char enc[400];
	struct wire_needle n;
	struct wire_match m;
	uint32_t st = 12345;
	size_t sl, off, i;

	for (sl = 6; sl <= sizeof(secret) - 1; sl++) {
		ASSERT_EQ(wire_needle_init(&n, (const uint8_t *)secret, sl), 0);
		for (off = 0; off < 40; off++) {
			size_t total = off + sl + (rnd(&st) % 7);

			for (i = 0; i < total; i++)
				blob[i] = (uint8_t)rnd(&st);
			memcpy(blob + off, secret, sl);
			b64_encode(blob, total, enc);
			if (wire_needle_find(&n, (const uint8_t *)enc, strlen(enc), &m) != WIRE_OK ||
			    m.enc != WIRE_ENC_BASE64)
				TEST_FAIL_AT("len %zu off %zu: not found in \"%s\"", sl, off, enc);
			/* the core starts within two characters of where the secret's bits do */
			ASSERT_TRUE(m.offset >= off * 4 / 3 && m.offset <= off * 4 / 3 + 3);
			to_url_alphabet(enc);
			if (wire_needle_find(&n, (const uint8_t *)enc, strlen(enc), &m) != WIRE_OK ||
			    (m.enc != WIRE_ENC_BASE64URL && m.enc != WIRE_ENC_BASE64))
				TEST_FAIL_AT("len %zu off %zu: not found URL-safe", sl, off);
		}
	}
	/* bytes whose base64 is "+/+/...": the URL-safe form "-_-_..." is told apart */
	{
		static const uint8_t s2[] = { 0xfb, 0xff, 0xbf, 0xfb, 0xff, 0xbf, 0xfb, 0xff, 0xbf };

		ASSERT_EQ(wire_needle_init(&n, s2, sizeof(s2)), 0);
		ASSERT_TRUE(n.b64url_differs[0]);
		ASSERT_EQ(wire_needle_find(&n, (const uint8_t *)"x=-_-_-_-_-_-_", 14, &m), WIRE_OK);
		ASSERT_EQ(m.enc, WIRE_ENC_BASE64URL);
		ASSERT_EQ(m.offset, 2);
		ASSERT_EQ(wire_needle_find(&n, (const uint8_t *)"x=+/+/+/+/+/+/", 14, &m), WIRE_OK);
		ASSERT_EQ(m.enc, WIRE_ENC_BASE64);
	}
cleanup:
	return;
}

/* Wraps src into lines of cols characters ending in eol; returns the length. */
static size_t wrap(const char *src, size_t cols, const char *eol, char *out)
{
	size_t o = 0, i, el = strlen(eol);

	for (i = 0; src[i]; i++) {
		if (i && i % cols == 0) {
			memcpy(out + o, eol, el);
			o += el;
		}
		out[o++] = src[i];
	}
	out[o] = '\0';
	return o;
}

TEST(base64_wrapped_in_lines)
{
	static uint8_t blob[3000];
	static char enc[4200], wrapped[4400];
	struct wire_needle n;
	struct wire_match m;
	uint32_t st = 777;
	size_t off, i, wl;

	ASSERT_EQ(wire_needle_init(&n, (const uint8_t *)secret, strlen(secret)), 0);
	for (i = 0; i < sizeof(blob); i++)
		blob[i] = (uint8_t)rnd(&st);
	/* every offset across a few line lengths: the secret straddles line breaks */
	for (off = 0; off < 200; off++) {
		memcpy(blob + off, secret, strlen(secret));
		b64_encode(blob, 260, enc);
		wl = wrap(enc, off % 2 ? 76 : 64, off % 3 ? "\n" : "\r\n", wrapped);
		if (wire_needle_find(&n, (const uint8_t *)wrapped, wl, &m) != WIRE_OK ||
		    m.enc != WIRE_ENC_BASE64)
			TEST_FAIL_AT("offset %zu: wrapped base64 not found", off);
		ASSERT_TRUE(m.offset + m.len <= wl);
		blob[off] ^= 0xff; /* break the previous copy's first byte */
	}
	/* deep inside a long body: the window slides */
	memset(blob, 'x', sizeof(blob));
	memcpy(blob + 2900, secret, strlen(secret));
	b64_encode(blob, sizeof(blob), enc);
	wl = wrap(enc, 76, "\r\n", wrapped);
	ASSERT_EQ(wire_needle_find(&n, (const uint8_t *)wrapped, wl, &m), WIRE_OK);
	ASSERT_EQ(m.enc, WIRE_ENC_BASE64);
	ASSERT_TRUE(m.offset > 3800);
	/* and nothing is invented: the same text without the secret */
	memset(blob, 'x', sizeof(blob));
	b64_encode(blob, sizeof(blob), enc);
	wl = wrap(enc, 76, "\n", wrapped);
	ASSERT_EQ(wire_needle_find(&n, (const uint8_t *)wrapped, wl, &m), WIRE_NOT_THIS);
cleanup:
	return;
}

TEST(base64_in_a_query_string)
{
	static const uint8_t s2[] = { 0xfb, 0xff, 0xbf, 0xfb, 0xff, 0xbf, 0xfb, 0xff, 0xbf };
	static const char q[] = "GET /p?d=Qfv%2Fv%2fv%2Fv%2Fv%2Fv0E%3D HTTP/1.1"; /* b64("A" s2 "A") */
	struct wire_needle n;
	struct wire_match m;

	ASSERT_EQ(wire_needle_init(&n, s2, sizeof(s2)), 0);
	ASSERT_EQ(wire_needle_find(&n, (const uint8_t *)q, strlen(q), &m), WIRE_OK);
	ASSERT_EQ(m.enc, WIRE_ENC_URL_BASE64);
	ASSERT_STR_EQ(wire_encoding_name(m.enc), "url+base64");
cleanup:
	return;
}

TEST(hex_url_raw)
{
	char hay[512];
	struct wire_match m;
	size_t i, o;

	/* raw, inside a JSON body */
	snprintf(hay, sizeof(hay), "{\"token\":\"%s\"}", secret);
	ASSERT_EQ(wire_find_secret((uint8_t *)hay, strlen(hay), secret, strlen(secret), &m),
		  WIRE_OK);
	ASSERT_EQ(m.enc, WIRE_ENC_RAW);
	ASSERT_EQ(m.offset, 10);
	ASSERT_EQ(m.len, strlen(secret));
	/* hex, lower and upper */
	o = snprintf(hay, sizeof(hay), "id=");
	for (i = 0; i < strlen(secret); i++)
		o += snprintf(hay + o, sizeof(hay) - o, "%02x", (uint8_t)secret[i]);
	ASSERT_EQ(wire_find_secret((uint8_t *)hay, o, secret, strlen(secret), &m), WIRE_OK);
	ASSERT_EQ(m.enc, WIRE_ENC_HEX_LOWER);
	ASSERT_EQ(m.offset, 3);
	o = 0;
	for (i = 0; i < strlen(secret); i++)
		o += snprintf(hay + o, sizeof(hay) - o, "%02X", (uint8_t)secret[i]);
	ASSERT_EQ(wire_find_secret((uint8_t *)hay, o, secret, strlen(secret), &m), WIRE_OK);
	ASSERT_EQ(m.enc, WIRE_ENC_HEX_UPPER);
	/* percent-encoding: the reserved characters only ("!" "+" "/"), lowercase hex */
	snprintf(hay, sizeof(hay), "GET /c?k=cnry_4f9Q%%21x%%2bZp%%2f7Lk2 HTTP/1.1");
	ASSERT_EQ(wire_find_secret((uint8_t *)hay, strlen(hay), secret, strlen(secret), &m),
		  WIRE_OK);
	ASSERT_EQ(m.enc, WIRE_ENC_URL);
	ASSERT_EQ(m.offset, 9);
	ASSERT_EQ(m.len, strlen(secret) + 6);
	/* every byte percent-encoded, uppercase hex */
	o = 0;
	for (i = 0; i < strlen(secret); i++)
		o += snprintf(hay + o, sizeof(hay) - o, "%%%02X", (uint8_t)secret[i]);
	ASSERT_EQ(wire_find_secret((uint8_t *)hay, o, secret, strlen(secret), &m), WIRE_OK);
	ASSERT_EQ(m.enc, WIRE_ENC_URL);
	ASSERT_EQ(m.offset, 0);
	/* '+' for a space in form encoding */
	snprintf(hay, sizeof(hay), "q=open+sesame+now");
	ASSERT_EQ(wire_find_secret((uint8_t *)hay, strlen(hay), "open sesame", 11, &m), WIRE_OK);
	ASSERT_EQ(m.enc, WIRE_ENC_URL);
	/* near misses are not matches */
	snprintf(hay, sizeof(hay), "cnry_4f9Q!x+Zp/7Lk3 636e72795f3466395121782b5a702f374c6b33");
	ASSERT_EQ(wire_find_secret((uint8_t *)hay, strlen(hay), secret, strlen(secret), &m),
		  WIRE_NOT_THIS);
	/* the earliest encoding in the haystack is reported */
	snprintf(hay, sizeof(hay), "636e72795f3466395121782b5a702f374c6b32 and %s", secret);
	ASSERT_EQ(wire_find_secret((uint8_t *)hay, strlen(hay), secret, strlen(secret), &m),
		  WIRE_OK);
	ASSERT_EQ(m.enc, WIRE_ENC_HEX_LOWER);
	ASSERT_EQ(m.offset, 0);
	ASSERT_EQ(wire_find_secret((uint8_t *)hay, 0, secret, strlen(secret), &m), WIRE_NOT_THIS);
	ASSERT_EQ(wire_find_secret((uint8_t *)hay, 4, secret, 0, &m), -EINVAL);
	ASSERT_STR_EQ(wire_encoding_name(WIRE_ENC_URL), "url");
cleanup:
	return;
}

TEST(dns_labels_from_a_real_query)
{
	_cleanup_free_ char *q = NULL;
	static struct wire_dns_msg msg;
	struct wire_match m;
	size_t len;

	/* the query glibc-free Python sent for "canary-7f3a9c" hex-encoded over two labels */
	ASSERT_EQ(read_file_bounded("tests/fixtures/wire/dns/py_tunnel.0.query.udp.bin", 4096, &q,
				    &len),
		  0);
	ASSERT_EQ(wire_dns_parse((uint8_t *)q, len, false, &msg), WIRE_OK);
	ASSERT_EQ(wire_find_secret_in_dns_name(msg.qname, "canary-7f3a9c", 13, &m), WIRE_OK);
	ASSERT_EQ(m.enc, WIRE_ENC_DNS_HEX);
	ASSERT_EQ(m.offset, 0);
	ASSERT_EQ(m.len, 26);
	/* plain, split over labels, in another case */
	ASSERT_EQ(wire_find_secret_in_dns_name("CANARY.-7F3.a9c.x.example", "canary-7f3a9c", 13, &m),
		  WIRE_OK);
	ASSERT_EQ(m.enc, WIRE_ENC_DNS_LABELS);
	/* base32 of "canary-7f3a9c" is mnqw4ylspewtozrtme4wg (no padding), split and upper-cased */
	ASSERT_EQ(wire_find_secret_in_dns_name("MNQW4YLS.pewtozrt.me4wg.t.example", "canary-7f3a9c",
					       13, &m),
		  WIRE_OK);
	ASSERT_EQ(m.enc, WIRE_ENC_DNS_BASE32);
	/* base32 of "xx" + secret: a different alignment */
	ASSERT_EQ(wire_find_secret_in_dns_name("pb4ggylo.mfzhsljxmyzwcold.t.example",
					       "canary-7f3a9c", 13, &m),
		  WIRE_OK);
	ASSERT_EQ(m.enc, WIRE_ENC_DNS_BASE32);
	/* base64url of "canary-7f3a9c" = Y2FuYXJ5LTdmM2E5Yw, split */
	ASSERT_EQ(wire_find_secret_in_dns_name("Y2FuYXJ5.LTdmM2E5Yw.t.example", "canary-7f3a9c", 13,
					       &m),
		  WIRE_OK);
	ASSERT_EQ(m.enc, WIRE_ENC_DNS_BASE64URL);
	ASSERT_EQ(wire_find_secret_in_dns_name("www.example.com", "canary-7f3a9c", 13, &m),
		  WIRE_NOT_THIS);
cleanup:
	return;
}

TEST(megabytes_without_the_secret)
{
	size_t n = 4 << 20, i;
	_cleanup_free_ uint8_t *hay = malloc(n);
	struct wire_needle nd;
	struct wire_match m;
	uint32_t st = 99;

	ASSERT_TRUE(hay != NULL);
	for (i = 0; i < n; i++)
		hay[i] = (uint8_t)("%%+abcdefABCDEF0123456789cnry"[rnd(&st) % 29]);
	ASSERT_EQ(wire_needle_init(&nd, (const uint8_t *)secret, strlen(secret)), 0);
	ASSERT_EQ(wire_needle_find(&nd, hay, n, &m), WIRE_NOT_THIS);
	memcpy(hay + n - strlen(secret), secret, strlen(secret));
	ASSERT_EQ(wire_needle_find(&nd, hay, n, &m), WIRE_OK);
	ASSERT_EQ(m.offset, n - strlen(secret));
	ASSERT_EQ(m.enc, WIRE_ENC_RAW);
cleanup:
	return;
}

int main(void)
{
	RUN(base64_every_offset_and_length);
	RUN(base64_wrapped_in_lines);
	RUN(base64_in_a_query_string);
	RUN(hex_url_raw);
	RUN(dns_labels_from_a_real_query);
	RUN(megabytes_without_the_secret);
	return test_summary();
}
