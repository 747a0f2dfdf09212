/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bench_wire: decode throughput of the wire decoders on the committed real fixtures
 * (tests/fixtures/wire/), in messages per second and MB/s of input, and the secret search in
 * MB/s over a 16 MiB haystack. Run from the repository root (make bench does).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/util.h"
#include "wire/wire.h"

#define FIX "tests/fixtures/wire/"
#define MIN_SECONDS 0.4

static volatile int sink;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint8_t *load(const char *path, size_t *len)
{
	char *data = NULL;

	if (read_file_bounded(path, 1 << 20, &data, len) < 0) {
		fprintf(stderr, "bench_wire: cannot read \"%s\" (run from the repository root)\n",
			path);
		exit(1);
	}
	return (uint8_t *)data;
}

typedef int (*decode_fn)(const uint8_t *buf, size_t len);

/* Runs fn over the buffers round-robin for MIN_SECONDS and prints messages/s and MB/s. */
static void bench(const char *what, decode_fn fn, uint8_t **bufs, size_t *lens, size_t n)
{
	double t0 = now(), t;
	unsigned long iters = 0;
	size_t bytes = 0, i;

	do {
		for (int rep = 0; rep < 1000; rep++)
			for (i = 0; i < n; i++) {
				sink += fn(bufs[i], lens[i]);
				bytes += lens[i];
				iters++;
			}
		t = now() - t0;
	} while (t < MIN_SECONDS);
	printf("%-34s %12.0f msg/s %10.1f MB/s  (%lu messages, %.2f s)\n", what, iters / t,
	       bytes / t / 1e6, iters, t);
}

static int do_ch(const uint8_t *b, size_t l)
{
	struct wire_tls_client_hello ch;

	return wire_tls_client_hello(b, l, &ch) + (int)ch.n_ciphers;
}

static int do_ch_ja4(const uint8_t *b, size_t l)
{
	struct wire_tls_client_hello ch;
	char ja4[WIRE_TLS_JA4_LEN];

	if (wire_tls_client_hello(b, l, &ch) != WIRE_OK)
		return 1;
	return wire_tls_ja4(&ch, ja4) + ja4[5];
}

static int do_sh(const uint8_t *b, size_t l)
{
	struct wire_tls_server_hello sh;

	return wire_tls_server_hello(b, l, &sh) + sh.cipher;
}

static int do_dns_udp(const uint8_t *b, size_t l)
{
	static struct wire_dns_msg m;

	return wire_dns_parse(b, l, false, &m) + (int)m.n_rr;
}

static int do_http(const uint8_t *b, size_t l)
{
	static struct wire_http_request rq;

	return wire_http_request(b, l, &rq) + (int)rq.n_headers;
}

static int do_sniff(const uint8_t *b, size_t l)
{
	return (int)wire_sniff(b, l, false, 443);
}

static int do_name_stats(const uint8_t *b, size_t l)
{
	struct wire_dns_name_stats st;

	(void)l;
	return wire_dns_name_stats((const char *)b, &st) + (int)st.sub_len;
}

static struct wire_needle g_needle;

static int do_dns_secret(const uint8_t *b, size_t l)
{
	struct wire_match m;

	(void)l;
	return wire_needle_find_in_dns_name(&g_needle, (const char *)b, &m);
}

/* Loads "dir/name" for each name; the arrays are leaked on purpose (a benchmark). */
static size_t load_set(const char *dir, const char *const *names, size_t n, uint8_t **bufs,
		       size_t *lens)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char p[512];

		snprintf(p, sizeof(p), FIX "%s/%s", dir, names[i]);
		bufs[i] = load(p, &lens[i]);
	}
	return n;
}

int main(void)
{
	static const char *const ch[] = { "rfc8448_client_hello.bin", "openssl_tls13.client.bin",
					  "openssl_tls12.client.bin", "curl.client.bin",
					  "python.client.bin", "jdk17_httpclient.client.bin" };
	static const char *const sh[] = { "rfc8448_server_hello.bin", "openssl_tls13.server.bin",
					  "openssl_tls12.server.bin", "openssl_hrr.server.bin" };
	static const char *const dns[] = { "py_cname.0.answer.udp.bin", "py_txt.0.answer.udp.bin",
					   "getent.0.query.udp.bin", "py_https.0.answer.udp.bin" };
	static const char *const http[] = { "curl_get.bin", "curl_post.bin", "python_get.bin" };
	static char names[][80] = { "www.example.com", "63616e6172792d.376633613963.t.lab.example",
				    "mnqw4ylspewtozrtme4wg.x.example", "a.b.c.d.e.f.bbc.co.uk" };
	uint8_t *bufs[8], *nb[4];
	size_t lens[8], nl[4], n, i, hay_len = 16 << 20;
	uint8_t *hay;
	struct wire_match m;
	uint32_t st = 2463534242u;
	double t0, t;
	int reps;

	printf("wire decoders, single thread, real fixtures from tests/fixtures/wire/\n");
	n = load_set("tls", ch, ARRAY_SIZE(ch), bufs, lens);
	for (i = 0; i < n; i++) { /* count the hello's own bytes, not what followed it */
		struct wire_tls_client_hello h;

		if (wire_tls_client_hello(bufs[i], lens[i], &h) == WIRE_OK)
			lens[i] = h.consumed;
	}
	bench("tls client_hello (6 real hellos)", do_ch, bufs, lens, n);
	bench("tls client_hello + JA4", do_ch_ja4, bufs, lens, n);
	n = load_set("tls", sh, ARRAY_SIZE(sh), bufs, lens);
	for (i = 0; i < n; i++) {
		struct wire_tls_server_hello h;

		if (wire_tls_server_hello(bufs[i], lens[i], &h) == WIRE_OK)
			lens[i] = h.consumed;
	}
	bench("tls server_hello (4 real)", do_sh, bufs, lens, n);
	n = load_set("dns", dns, ARRAY_SIZE(dns), bufs, lens);
	bench("dns parse udp (4 real)", do_dns_udp, bufs, lens, n);
	n = load_set("http", http, ARRAY_SIZE(http), bufs, lens);
	bench("http request head (3 real)", do_http, bufs, lens, n);
	n = load_set("tls", ch, 2, bufs, lens);
	n += load_set("http", http, 3, bufs + n, lens + n);
	bench("sniff (tls + http, 5 real)", do_sniff, bufs, lens, n);
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		nb[i] = (uint8_t *)names[i];
		nl[i] = strlen(names[i]);
	}
	bench("dns name stats (4 names)", do_name_stats, nb, nl, 4);
	wire_needle_init(&g_needle, (const uint8_t *)"canary-7f3a9c", 13);
	bench("secret in dns name (4 names)", do_dns_secret, nb, nl, 4);

	/* secret search over 16 MiB of base64-and-hex-looking text without the secret */
	hay = malloc(hay_len);
	if (!hay)
		return 1;
	for (i = 0; i < hay_len; i++) {
		st ^= st << 13;
		st ^= st >> 17;
		st ^= st << 5;
		hay[i] = (uint8_t)"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/%"[st % 65];
	}
	wire_needle_init(&g_needle, (const uint8_t *)"cnry_4f9Q!x+Zp/7Lk2", 19);
	t0 = now();
	reps = 0;
	do {
		sink += wire_needle_find(&g_needle, hay, hay_len, &m);
		reps++;
		t = now() - t0;
	} while (t < 1.0);
	printf("%-34s %12.1f MB/s  (%d x 16 MiB, %.2f s; raw, base64 x3, base64url, hex x2, url)\n",
	       "secret search, no match", reps * (double)hay_len / t / 1e6, reps, t);
	/* the same as MIME lines of 76: the wrapped-base64 pass runs over everything too */
	for (i = 76; i < hay_len; i += 77)
		hay[i] = '\n';
	t0 = now();
	reps = 0;
	do {
		sink += wire_needle_find(&g_needle, hay, hay_len, &m);
		reps++;
		t = now() - t0;
	} while (t < 1.0);
	printf("%-34s %12.1f MB/s  (%d x 16 MiB, %.2f s; plus the line-wrapped base64 pass)\n",
	       "secret search, wrapped, no match", reps * (double)hay_len / t / 1e6, reps, t);
	free(hay);
	return 0;
}
