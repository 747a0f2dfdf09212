/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of monitor/util: base64 against RFC 4648 §10, SHA-256 against the FIPS 180-4
 * example vectors (NIST "Example Algorithm" SHA256.pdf), lossless-enough JSON strings for
 * hostile bytes, bounded growth, UTC formatting, and the event loop.
 */
#include <fcntl.h>
#include <sys/epoll.h>

#include "testhelp.h"
#include "util/b64.h"
#include "util/jsonx.h"
#include "util/loop.h"
#include "util/sha256.h"
#include "util/utf8.h"
#include "util/util.h"

TEST(base64_rfc4648_vectors)
{
	static const char *const plain[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	static const char *const enc[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=",
					   "Zm9vYmFy" };
	char out[16];
	uint8_t dec[16];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(plain); i++) {
		long n;

		b64_encode((const uint8_t *)plain[i], strlen(plain[i]), out);
		ASSERT_STR_EQ(out, enc[i]);
		ASSERT_EQ(b64_encoded_len(strlen(plain[i])), strlen(enc[i]));
		n = b64_decode(enc[i], strlen(enc[i]), dec);
		ASSERT_EQ(n, (long)strlen(plain[i]));
		ASSERT_MEM_EQ(dec, plain[i], (size_t)n);
	}
	ASSERT_EQ(b64_decode("Zm9", 3, dec), -EINVAL);
	ASSERT_EQ(b64_decode("Zm=v", 4, dec), -EINVAL);
	ASSERT_EQ(b64_decode("Zm9v*A==", 8, dec), -EINVAL);
	ASSERT_EQ(b64_decode("Zg==Zg==", 8, dec), -EINVAL);
cleanup:
	return;
}

TEST(sha256_fips_vectors)
{
	char hex[65];
	struct sha256 s;
	uint8_t d[32];
	char *million = NULL;
	int i;

	sha256_hex("abc", 3, hex);
	ASSERT_STR_EQ(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	sha256_hex("", 0, hex);
	ASSERT_STR_EQ(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex);
	ASSERT_STR_EQ(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	/* one million 'a', fed in uneven pieces to exercise the block buffer */
	million = malloc(1000000);
	ASSERT_TRUE(million != NULL);
	memset(million, 'a', 1000000);
	sha256_init(&s);
	for (i = 0; i < 1000000; i += 999)
		sha256_update(&s, million + i, MIN(999, 1000000 - i));
	sha256_final(&s, d);
	sha256_to_hex(d, hex);
	ASSERT_STR_EQ(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
cleanup:
	free(million);
}

TEST(json_strings_from_hostile_bytes)
{
	json_t *j = NULL;

	j = jsonx_string_bytes("/tmp/ok\xc3\xa9", 9);
	ASSERT_STR_EQ(json_string_value(j), "/tmp/ok\xc3\xa9");
	json_decref(j);
	/* invalid continuation, lone byte, overlong, surrogate, NUL */
	j = jsonx_string_bytes("a\xc3(b\xff\xc0\xaf\xed\xa0\x80z\0y", 13);
	ASSERT_STR_EQ(json_string_value(j), "a\\xc3(b\\xff\\xc0\\xaf\\xed\\xa0\\x80z\\x00y");
	json_decref(j);
	j = jsonx_string_bounded("abc\0def", 16);
	ASSERT_STR_EQ(json_string_value(j), "abc");
	json_decref(j);
	/* a fixed buffer without NUL stops at its size */
	j = jsonx_string_bounded("abcdef", 4);
	ASSERT_STR_EQ(json_string_value(j), "abcd");
	json_decref(j);
	j = NULL;
cleanup:
	json_decref(j);
}

TEST(utf8_boundaries)
{
	static const struct {
		const char *s;
		size_t n, len;
		uint32_t cp;
	} cases[] = {
		{ "A", 1, 1, 0x41 },
		{ "\0", 1, 1, 0 },
		{ "\xc2\x80", 2, 2, 0x80 },		 /* smallest 2-byte */
		{ "\xc1\xbf", 2, 0, 0 },		 /* overlong 2-byte */
		{ "\xe0\x9f\xbf", 3, 0, 0 },	 /* overlong 3-byte */
		{ "\xed\x9f\xbf", 3, 3, 0xd7ff }, /* last before the surrogates */
		{ "\xed\xa0\x80", 3, 0, 0 },	 /* a surrogate */
		{ "\xef\xbf\xbf", 3, 3, 0xffff },
		{ "\xf0\x90\x80\x80", 4, 4, 0x10000 },
		{ "\xf4\x8f\xbf\xbf", 4, 4, 0x10ffff },
		{ "\xf4\x90\x80\x80", 4, 0, 0 }, /* beyond U+10FFFF */
		{ "\xe2\x82", 2, 0, 0 },		 /* truncated */
		{ "\x80", 1, 0, 0 },		 /* a lone continuation */
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		uint32_t cp = 0xdeadbeef;
		size_t len = utf8_decode((const unsigned char *)cases[i].s, cases[i].n, &cp);

		ASSERT_EQ(len, cases[i].len);
		if (len)
			ASSERT_EQ(cp, cases[i].cp);
	}
cleanup:
	return;
}

TEST(array_grow_bounds)
{
	int *a = NULL;
	size_t cap = 0;

	ASSERT_EQ(array_grow((void **)&a, &cap, 3, sizeof(*a)), 0);
	ASSERT_GE(cap, 3);
	a[2] = 7;
	ASSERT_EQ(array_grow((void **)&a, &cap, 100, sizeof(*a)), 0);
	ASSERT_GE(cap, 100);
	ASSERT_EQ(a[2], 7);
	ASSERT_EQ(array_grow((void **)&a, &cap, SIZE_MAX / 2, sizeof(*a)), -EOVERFLOW);
	ASSERT_GE(cap, 100);
	ASSERT_EQ(a[2], 7);
cleanup:
	free(a);
}

TEST(utc_round_trip)
{
	char buf[21];
	int64_t t = 0;

	format_utc(1795716000, buf);
	ASSERT_STR_EQ(buf, "2026-11-26T18:00:00Z");
	ASSERT_EQ(parse_utc(buf, &t), 0);
	ASSERT_EQ(t, 1795716000);
	ASSERT_EQ(parse_utc("2026-11-26 18:00:00", &t), -EINVAL);
	ASSERT_EQ(parse_utc("2026-11-26T18:00:00Zjunk", &t), -EINVAL);
cleanup:
	return;
}

struct loop_probe {
	struct loop *loop;
	int ticks;
	int reads;
	int pipe_rd;
};

static int on_tick(void *ctx, int fd, uint32_t events)
{
	struct loop_probe *p = ctx;

	if (++p->ticks == 3)
		loop_quit(p->loop, 42);
	return 0;
}

static int on_read(void *ctx, int fd, uint32_t events)
{
	struct loop_probe *p = ctx;
	char c;

	if (read(fd, &c, 1) == 1)
		p->reads++;
	return 0;
}

static int on_fail(void *ctx, int fd, uint32_t events)
{
	return -EPROTO;
}

TEST(event_loop)
{
	struct loop_probe p = { 0 };
	int fds[2] = { -1, -1 }, t;

	ASSERT_EQ(loop_new(&p.loop), 0);
	ASSERT_EQ(pipe2(fds, O_CLOEXEC | O_NONBLOCK), 0);
	ASSERT_EQ(write(fds[1], "xy", 2), 2);
	ASSERT_EQ(loop_add_fd(p.loop, fds[0], EPOLLIN, on_read, &p), 0);
	ASSERT_EQ(loop_add_fd(p.loop, fds[0], EPOLLIN, on_read, &p), -EEXIST);
	t = loop_add_timer(p.loop, 1000000, 1000000, on_tick, &p);
	ASSERT_GE(t, 0);
	ASSERT_EQ(loop_run(p.loop), 42);
	ASSERT_EQ(p.ticks, 3);
	ASSERT_EQ(p.reads, 2);
	ASSERT_EQ(loop_del_timer(p.loop, t), 0);
	ASSERT_EQ(loop_del_fd(p.loop, fds[0]), 0);
	ASSERT_EQ(loop_del_fd(p.loop, fds[0]), -ENOENT);
	ASSERT_GE(loop_add_timer(p.loop, 1000, 0, on_fail, &p), 0);
	ASSERT_EQ(loop_run(p.loop), -EPROTO);
cleanup:
	loop_free(p.loop);
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
}

int main(void)
{
	RUN(base64_rfc4648_vectors);
	RUN(sha256_fips_vectors);
	RUN(json_strings_from_hostile_bytes);
	RUN(utf8_boundaries);
	RUN(array_grow_bounds);
	RUN(utc_round_trip);
	RUN(event_loop);
	return test_summary();
}
