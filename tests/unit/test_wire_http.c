/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * HTTP/1 request and protocol sniffing tests on real bytes: requests from curl and Python's
 * http.client, curl's HTTP/2 prior-knowledge preface, smtplib and ftplib sessions with and
 * without STARTTLS / AUTH TLS (tests/fixtures/wire/capture/capture_plain.sh), the TLS and DNS
 * fixtures; byte-at-a-time and two-piece splits; hand-built PostgreSQL, MySQL, MongoDB, Redis,
 * QUIC and SSH openings from their specifications.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "testhelp.h"
#include "util/util.h"
#include "wire/wire.h"

#define FIX "tests/fixtures/wire/"

static uint8_t *load(const char *path, size_t *len)
{
	char *data = NULL;

	if (read_file_bounded(path, 1 << 20, &data, len) < 0)
		return NULL;
	return (uint8_t *)data;
}

static int req_copy(const uint8_t *buf, size_t len, struct wire_http_request *rq)
{
	uint8_t *c = malloc(len ? len : 1);
	int r;

	memcpy(c, buf, len);
	memset(rq, 0, sizeof(*rq));
	r = wire_http_request(c, len, rq);
	free(c);
	return r;
}

/* Whole must be OK; every prefix short of the head NEED_MORE, every longer one the same. */
static int check_splits(const uint8_t *buf, size_t len, const struct wire_http_request *whole)
{
	static struct wire_http_request rq;
	size_t k;

	for (k = 0; k <= len; k++) {
		int r = req_copy(buf, k, &rq);

		if (k < whole->body_off && r != WIRE_NEED_MORE)
			return -1;
		if (k >= whole->body_off) {
			if (r != WIRE_OK || rq.body_avail != k - whole->body_off)
				return -1;
			rq.body_avail = whole->body_avail;
			if (memcmp(&rq, whole, sizeof(rq)) != 0)
				return -1;
		}
	}
	return 0;
}

TEST(real_requests)
{
	static const struct {
		const char *file, *method, *target, *host, *ua;
		unsigned int minor, n_headers;
		bool auth;
		uint64_t clen;
		size_t body;
	} t[] = {
		{ "curl_get", "GET", "/v1/items?q=a%20b", "198.51.100.7", "curl/7.88.1", 1, 4, true,
		  0, 0 },
		{ "curl_post", "POST", "/v1/items", "api.lab.example", "curl/7.88.1", 1, 5, false,
		  23, 23 },
		{ "python_get", "GET", "/status", "status.lab.example:8080", "", 1, 2, false, 0, 0 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		char p[256];
		_cleanup_free_ uint8_t *b = NULL;
		static struct wire_http_request rq;
		size_t len;

		snprintf(p, sizeof(p), FIX "http/%s.bin", t[i].file);
		b = load(p, &len);
		ASSERT_TRUE(b != NULL);
		memset(&rq, 0, sizeof(rq));
		ASSERT_EQ(wire_http_request(b, len, &rq), WIRE_OK);
		ASSERT_STR_EQ(rq.method, t[i].method);
		ASSERT_STR_EQ(rq.target, t[i].target);
		ASSERT_STR_EQ(rq.host, t[i].host);
		ASSERT_STR_EQ(rq.user_agent, t[i].ua);
		ASSERT_EQ(rq.version_minor, t[i].minor);
		ASSERT_EQ(rq.n_headers, t[i].n_headers);
		ASSERT_EQ(rq.has_authorization, t[i].auth);
		ASSERT_EQ(rq.content_length, t[i].clen);
		ASSERT_EQ(rq.body_avail, t[i].body);
		ASSERT_EQ(rq.body_off + rq.body_avail, len);
		if (check_splits(b, len, &rq))
			TEST_FAIL_AT("%s: a split gives another answer", t[i].file);
		ASSERT_EQ(wire_sniff(b, len, false, 80), WIRE_PROTO_HTTP1);
	}
	{
		_cleanup_free_ uint8_t *b = NULL;
		static struct wire_http_request rq;
		size_t len, k;

		b = load(FIX "http/curl_h2_prior_knowledge.bin", &len);
		ASSERT_TRUE(b != NULL);
		ASSERT_EQ(wire_http2_preface(b, len), WIRE_OK);
		for (k = 0; k < 24; k++)
			ASSERT_EQ(wire_http2_preface(b, k), WIRE_NEED_MORE);
		ASSERT_EQ(wire_sniff(b, len, false, 80), WIRE_PROTO_HTTP2);
		/* "PRI * HTTP/2.0" is not an HTTP/1 request */
		ASSERT_EQ(wire_http_request(b, len, &rq), WIRE_NOT_THIS);
	}
cleanup:
	return;
}

TEST(request_edge_cases)
{
	static struct wire_http_request rq;
	unsigned int st;
	char big[WIRE_HTTP_TARGET_MAX + 64];

#define REQ(s) wire_http_request((const uint8_t *)(s), strlen(s), &rq)
	ASSERT_EQ(REQ("PROPFIND /dav HTTP/1.1\nHost: a\n\n"), WIRE_OK);
	ASSERT_STR_EQ(rq.method, "PROPFIND");
	ASSERT_STR_EQ(rq.host, "a");
	ASSERT_EQ(REQ("CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n"),
		  WIRE_OK);
	ASSERT_STR_EQ(rq.target, "evil.example:443");
	ASSERT_EQ(REQ("GET / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n"
		      "Upgrade: websocket\r\nCookie: a=b\r\n\r\nxyz"),
		  WIRE_OK);
	ASSERT_TRUE(rq.chunked && rq.upgrade_websocket && rq.has_cookie);
	ASSERT_FALSE(rq.has_host);
	ASSERT_EQ(rq.body_avail, 3);
	ASSERT_EQ(REQ("GET / HTTP/1.1\r\nUpgrade: h2c\r\nHost:   spaced.example  \r\n\r\n"),
		  WIRE_OK);
	ASSERT_TRUE(rq.upgrade_h2c);
	ASSERT_STR_EQ(rq.host, "spaced.example");
	ASSERT_EQ(REQ("GET / HTTP/1.1\r\nHost: a\r\n"), WIRE_NEED_MORE);
	ASSERT_EQ(REQ("GET / HTTP/1.1\r\n folded: x\r\n\r\n"), WIRE_NOT_THIS);
	ASSERT_EQ(REQ("GET / HTTP/2.0\r\n\r\n"), WIRE_NOT_THIS);
	ASSERT_EQ(REQ("GET /a b HTTP/1.1\r\n\r\n"), WIRE_NOT_THIS);
	ASSERT_EQ(REQ("GET / HTTP/1.1\r\nNo colon here\r\n\r\n"), WIRE_NOT_THIS);
	ASSERT_EQ(REQ("GET / HTTP/1.1\r\nX: a\rb\r\n\r\n"), WIRE_NOT_THIS);
	ASSERT_EQ(REQ("\x16\x03\x01"), WIRE_NOT_THIS);
	ASSERT_EQ(REQ("GE"), WIRE_NEED_MORE);
	ASSERT_EQ(REQ("EHLO client\r\n"), WIRE_NOT_THIS);
	/* a long target is kept truncated, its length told */
	memset(big, 'a', sizeof(big));
	memcpy(big, "GET /", 5);
	snprintf(big + WIRE_HTTP_TARGET_MAX + 20, 44, " HTTP/1.0\r\n\r\n");
	ASSERT_EQ(REQ(big), WIRE_OK);
	ASSERT_TRUE(rq.target_truncated);
	ASSERT_EQ(rq.target_len, WIRE_HTTP_TARGET_MAX + 16);
	ASSERT_EQ(strlen(rq.target), WIRE_HTTP_TARGET_MAX - 1);
	ASSERT_EQ(rq.version_minor, 0);
	ASSERT_EQ(wire_http_response_status((const uint8_t *)"HTTP/1.1 404 Not Found\r\n", 24,
					    &st),
		  WIRE_OK);
	ASSERT_EQ(st, 404);
	ASSERT_EQ(wire_http_response_status((const uint8_t *)"HTTP/1.1 2", 10, &st),
		  WIRE_NEED_MORE);
	ASSERT_EQ(wire_http_response_status((const uint8_t *)"SSH-2.0-x", 9, &st), WIRE_NOT_THIS);
#undef REQ
cleanup:
	return;
}

static int flow(const char *name, struct wire_sniff_flow *f, uint16_t dport)
{
	char p[256];
	_cleanup_free_ uint8_t *o = NULL, *i = NULL;
	size_t ol, il;

	snprintf(p, sizeof(p), FIX "sniff/%s.out.bin", name);
	o = load(p, &ol);
	snprintf(p, sizeof(p), FIX "sniff/%s.in.bin", name);
	i = load(p, &il);
	if (!o || !i)
		return -ENOENT;
	return wire_sniff_flow(o, ol, i, il, false, dport, f);
}

TEST(smtp_and_ftp_sessions)
{
	struct wire_sniff_flow f;

	ASSERT_EQ(flow("smtp_plain", &f, 25), WIRE_OK);
	ASSERT_EQ(f.proto, WIRE_PROTO_SMTP);
	ASSERT_TRUE(f.smtp_starttls_offered);
	ASSERT_FALSE(f.smtp_starttls);
	ASSERT_FALSE(f.encrypted);
	ASSERT_TRUE(f.cleartext_payload);
	ASSERT_EQ(flow("smtp_tls", &f, 25), WIRE_OK);
	ASSERT_EQ(f.proto, WIRE_PROTO_SMTP);
	ASSERT_TRUE(f.smtp_starttls);
	ASSERT_TRUE(f.encrypted);
	ASSERT_FALSE(f.cleartext_payload);
	/* the TLS after STARTTLS: Python's ssl offering 1.3, the fake server's answer */
	ASSERT_EQ(f.tls_out_off, strlen("ehlo client.lab.example\r\nSTARTTLS\r\n"));
	{
		_cleanup_free_ uint8_t *o = NULL, *i = NULL;
		size_t ol, il;
		struct wire_tls_flow tf;

		o = load(FIX "sniff/smtp_tls.out.bin", &ol);
		i = load(FIX "sniff/smtp_tls.in.bin", &il);
		ASSERT_TRUE(o && i);
		ASSERT_EQ(wire_tls_flow(o + f.tls_out_off, ol - f.tls_out_off, i + f.tls_in_off,
					il - f.tls_in_off, &tf),
			  WIRE_OK);
		ASSERT_EQ(tf.ch.max_version, WIRE_TLS_13);
		ASSERT_EQ(tf.negotiated, WIRE_TLS_13);
	}
	/* the same sessions on an unusual port: the content decides */
	ASSERT_EQ(flow("smtp_tls", &f, 10025), WIRE_OK);
	ASSERT_EQ(f.proto, WIRE_PROTO_SMTP);
	ASSERT_EQ(flow("ftp_plain", &f, 21), WIRE_OK);
	ASSERT_EQ(f.proto, WIRE_PROTO_FTP);
	ASSERT_FALSE(f.ftp_auth_tls);
	ASSERT_TRUE(f.cleartext_payload);
	ASSERT_EQ(flow("ftp_tls", &f, 2121), WIRE_OK);
	ASSERT_EQ(f.proto, WIRE_PROTO_FTP);
	ASSERT_TRUE(f.ftp_auth_tls && f.encrypted);
	ASSERT_FALSE(f.cleartext_payload);
	ASSERT_EQ(f.tls_out_off, strlen("AUTH TLS\r\n"));
	ASSERT_EQ(f.tls_in_off, strlen("220 (fakesrv FTP 1.0)\r\n234 Proceed with negotiation.\r\n"));
	/* the server's banner alone, before the client says anything */
	{
		_cleanup_free_ uint8_t *i = load(FIX "sniff/smtp_plain.in.bin", &(size_t){ 0 });

		ASSERT_TRUE(i != NULL);
		ASSERT_EQ(wire_sniff_flow(NULL, 0, i, 36, false, 0, &f), WIRE_OK);
		ASSERT_EQ(f.proto, WIRE_PROTO_SMTP);
		ASSERT_FALSE(f.cleartext_payload);
	}
cleanup:
	return;
}

/*
 * The sessions arriving a byte at a time (the server's bytes growing first, as these protocols
 * start with the server's banner, then the client's): the protocol never changes once known,
 * and the upgrade verdict only switches on, once, when the bytes that prove it are complete.
 */
TEST(sessions_byte_by_byte)
{
	static const char *const names[] = { "smtp_plain", "smtp_tls", "ftp_plain", "ftp_tls" };
	size_t n;

	for (n = 0; n < ARRAY_SIZE(names); n++) {
		char p[256];
		_cleanup_free_ uint8_t *o = NULL, *i = NULL;
		struct wire_sniff_flow whole, f;
		size_t ol, il, k;
		bool upgraded = false, known = false;

		snprintf(p, sizeof(p), FIX "sniff/%s.out.bin", names[n]);
		o = load(p, &ol);
		snprintf(p, sizeof(p), FIX "sniff/%s.in.bin", names[n]);
		i = load(p, &il);
		ASSERT_TRUE(o && i);
		ASSERT_EQ(wire_sniff_flow(o, ol, i, il, false, 0, &whole), WIRE_OK);
		for (k = 0; k <= ol + il; k++) {
			size_t ii = k < il ? k : il, oo = k < il ? 0 : k - il;
			bool up;

			ASSERT_EQ(wire_sniff_flow(o, oo, i, ii, false, 0, &f), WIRE_OK);
			if (known && f.proto != whole.proto)
				TEST_FAIL_AT("%s at %zu+%zu: %s", names[n], oo, ii,
					     wire_proto_name(f.proto));
			known = f.proto == whole.proto;
			up = f.smtp_starttls || f.ftp_auth_tls;
			if (upgraded && !up)
				TEST_FAIL_AT("%s at %zu+%zu: upgrade forgotten", names[n], oo, ii);
			upgraded = up;
		}
		ASSERT_TRUE(known);
		ASSERT_EQ(upgraded, whole.smtp_starttls || whole.ftp_auth_tls);
		ASSERT_EQ(f.tls_out_off, whole.tls_out_off);
	}
cleanup:
	return;
}

TEST(tls_and_dns_fixtures_sniff)
{
	static const char *const tls[] = { "openssl_tls13.client", "openssl_tls10.client",
					   "jdk17_httpclient.client", "curl.server",
					   "openssl_tls10_refused.server" };
	_cleanup_free_ uint8_t *q = NULL, *t = NULL;
	size_t i, len;

	for (i = 0; i < ARRAY_SIZE(tls); i++) {
		char p[256];
		_cleanup_free_ uint8_t *b = NULL;

		snprintf(p, sizeof(p), FIX "tls/%s.bin", tls[i]);
		b = load(p, &len);
		ASSERT_TRUE(b != NULL);
		ASSERT_EQ(wire_sniff(b, len, false, 8443), WIRE_PROTO_TLS);
		ASSERT_EQ(wire_sniff(b, 5, false, 0), WIRE_PROTO_TLS);
	}
	q = load(FIX "dns/getent.0.query.udp.bin", &len);
	ASSERT_TRUE(q != NULL);
	ASSERT_EQ(wire_sniff(q, len, true, 53), WIRE_PROTO_DNS);
	t = load(FIX "dns/py_tcp_txt.query.tcp.bin", &len);
	ASSERT_TRUE(t != NULL);
	ASSERT_EQ(wire_sniff(t, len, false, 53), WIRE_PROTO_DNS);
cleanup:
	return;
}

TEST(other_protocols_from_their_specs)
{
	/* PostgreSQL SSLRequest (int32 8, int32 80877103), StartupMessage 3.0 */
	static const uint8_t pg_ssl[] = { 0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f };
	static const uint8_t pg_start[] = { 0, 0, 0, 0x16, 0, 3, 0, 0, 'u', 's', 'e',
					    'r', 0,	0, 0, 0, 0, 0, 0, 0, 0, 0 };
	/* MySQL 8 greeting: length 0x4a, seq 0, protocol 10, "8.0.36\0" ... */
	static const uint8_t my[] = { 0x4a, 0, 0, 0, 10, '8', '.', '0', '.', '3', '6', 0, 1, 0 };
	/* MongoDB OP_MSG: messageLength, requestID, responseTo, opCode 2013 */
	static const uint8_t mongo[] = { 0x3a, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0xdd, 0x07, 0, 0, 0 };
	static const char redis[] = "*1\r\n$4\r\nPING\r\n";
	static const char ssh[] = "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n";
	static const char text[] = "hello there, this is a line of plain text\n";
	static const uint8_t bin[] = { 0x00, 0xff, 0x13, 0x37, 0x99, 0x01, 0x02, 0xfe, 0xee, 0x80 };
	static uint8_t quic[1200];
	struct wire_sniff_flow f;

	ASSERT_EQ(wire_sniff_flow(pg_ssl, 8, (const uint8_t *)"S", 1, false, 5432, &f), WIRE_OK);
	ASSERT_EQ(f.proto, WIRE_PROTO_POSTGRES);
	ASSERT_TRUE(f.pg_ssl_request && f.pg_ssl_accepted && f.encrypted);
	ASSERT_EQ(f.tls_out_off, 8);
	ASSERT_EQ(f.tls_in_off, 1);
	ASSERT_EQ(wire_sniff_flow(pg_ssl, 8, (const uint8_t *)"N", 1, false, 5432, &f), WIRE_OK);
	ASSERT_TRUE(f.pg_ssl_request);
	ASSERT_FALSE(f.pg_ssl_accepted || f.encrypted);
	ASSERT_EQ(wire_sniff_flow(pg_start, sizeof(pg_start), NULL, 0, false, 5432, &f), WIRE_OK);
	ASSERT_EQ(f.proto, WIRE_PROTO_POSTGRES);
	ASSERT_TRUE(f.cleartext_payload);
	ASSERT_EQ(wire_sniff_flow(NULL, 0, my, sizeof(my), false, 3306, &f), WIRE_OK);
	ASSERT_EQ(f.proto, WIRE_PROTO_MYSQL);
	ASSERT_EQ(wire_sniff(mongo, sizeof(mongo), false, 27017), WIRE_PROTO_MONGODB);
	ASSERT_EQ(wire_sniff((const uint8_t *)redis, strlen(redis), false, 0), WIRE_PROTO_REDIS);
	ASSERT_EQ(wire_sniff((const uint8_t *)"PING\r\n", 6, false, 6379), WIRE_PROTO_REDIS);
	ASSERT_EQ(wire_sniff((const uint8_t *)ssh, strlen(ssh), false, 22), WIRE_PROTO_SSH);
	ASSERT_EQ(wire_sniff((const uint8_t *)text, strlen(text), false, 9999), WIRE_PROTO_TEXT);
	ASSERT_EQ(wire_sniff(bin, sizeof(bin), false, 9999), WIRE_PROTO_UNKNOWN);
	ASSERT_EQ(wire_sniff(NULL, 0, false, 80), WIRE_PROTO_NONE);
	/* QUIC v1 Initial: long header type 0, version 1, 8-byte DCID, padded to 1200 */
	quic[0] = 0xc3;
	quic[4] = 1;
	quic[5] = 8;
	ASSERT_EQ(wire_sniff_flow(quic, sizeof(quic), NULL, 0, true, 443, &f), WIRE_OK);
	ASSERT_EQ(f.proto, WIRE_PROTO_QUIC_INITIAL);
	ASSERT_TRUE(f.quic_not_inspected && f.encrypted);
	ASSERT_STR_EQ(wire_proto_name(f.proto), "quic");
	ASSERT_EQ(wire_sniff(quic, 300, true, 8443), WIRE_PROTO_UNKNOWN); /* short, odd port */
	quic[0] = 0x43; /* short header */
	ASSERT_EQ(wire_sniff(quic, sizeof(quic), true, 443), WIRE_PROTO_UNKNOWN);
	ASSERT_STR_EQ(wire_proto_name(WIRE_PROTO_POSTGRES), "postgres");
	ASSERT_STR_EQ(wire_proto_name(WIRE_PROTO__MAX), "unknown");
	ASSERT_TRUE(wire_text_ratio((const uint8_t *)"h\xc3\xa9llo", 6) == 1.0);
	ASSERT_TRUE(wire_text_ratio(bin, sizeof(bin)) < 0.5);
cleanup:
	return;
}

int main(void)
{
	RUN(real_requests);
	RUN(request_edge_cases);
	RUN(smtp_and_ftp_sessions);
	RUN(sessions_byte_by_byte);
	RUN(tls_and_dns_fixtures_sniff);
	RUN(other_protocols_from_their_specs);
	return test_summary();
}
