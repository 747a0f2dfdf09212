/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sniff: which protocol a flow speaks, from its first bytes — content first, the port only to
 * break ties — and, from both directions, whether it ended up encrypted (TLS, QUIC, SSH,
 * SMTP STARTTLS, FTP AUTH TLS, PostgreSQL SSLRequest accepted) or carried data in the clear.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "wire/wire.h"

static bool starts_ci(const uint8_t *b, size_t n, const char *s)
{
	size_t l = strlen(s);

	return n >= l && strncasecmp((const char *)b, s, l) == 0;
}

/* Does a (possibly partial) buffer start like s? A prefix of s counts when n < strlen(s). */
static bool prefix_ci(const uint8_t *b, size_t n, const char *s)
{
	size_t l = strlen(s);

	return strncasecmp((const char *)b, s, n < l ? n : l) == 0;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

double wire_text_ratio(const uint8_t *buf, size_t len)
{
	size_t i = 0, good = 0;

	if (!buf || len == 0)
		return 0;
	while (i < len) {
		uint8_t c = buf[i];
		size_t k, need;

		if ((c >= 0x20 && c < 0x7f) || c == '\t' || c == '\r' || c == '\n') {
			good++;
			i++;
			continue;
		}
		need = (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2 : (c & 0xf8) == 0xf0 ? 3 : 0;
		if (need == 0 || c < 0xc2 || c > 0xf4) {
			i++;
			continue;
		}
		for (k = 1; k <= need && i + k < len; k++)
			if ((buf[i + k] & 0xc0) != 0x80)
				break;
		if (k == need + 1) {
			good += need + 1;
			i += need + 1;
		} else if (i + k == len) { /* a character cut by the end of the capture */
			good += k;
			i += k;
		} else {
			i++;
		}
	}
	return (double)good / (double)len;
}

/*
 * Any TLS record header (what wire_tls_client_hello() and wire_tls_server_hello() require
 * before reading a hello, and what change_cipher_spec, alert and application_data records
 * carry mid-stream), or an SSLv2-compatible ClientHello. Over the record layer the header
 * alone decides: no hello is parsed.
 */
static bool is_tls_record(const uint8_t *b, size_t n)
{
	struct wire_tls_client_hello ch;
	int r;

	if (n >= 5 && b[0] >= 20 && b[0] <= 23 && b[1] == 3 && b[2] <= 4 &&
	    ((size_t)b[3] << 8 | b[4]) > 0 && ((size_t)b[3] << 8 | b[4]) <= 16384 + 2048)
		return true;
	if (!(b[0] & 0x80))
		return false;
	r = wire_tls_client_hello(b, n, &ch);
	return r == WIRE_OK || (r == WIRE_NEED_MORE && n >= 5);
}

static bool is_quic_initial(const uint8_t *b, size_t n, uint16_t dport)
{
	uint32_t v;

	/* long header, fixed bit, then the version and a connection id of at most 20 bytes */
	if (n < 7 || (b[0] & 0xc0) != 0xc0)
		return false;
	v = be32(b + 1);
	if (v == 0x00000001 || (v & 0xffffff00) == 0xff000000) {
		if (((b[0] >> 4) & 3) != 0) /* Initial is type 0 in v1 */
			return false;
	} else if (v == 0x6b3343cf) {
		if (((b[0] >> 4) & 3) != 1) /* and type 1 in v2 (RFC 9369) */
			return false;
	} else {
		return false;
	}
	if (b[5] > 20)
		return false;
	/* clients pad Initials to 1200 bytes (RFC 9000 §14.1); a cut capture is fine on 443 */
	return n >= 1200 || dport == 443;
}

static bool is_postgres(const uint8_t *b, size_t n)
{
	uint32_t len, code;

	if (n < 8)
		return false;
	len = be32(b);
	code = be32(b + 4);
	if (code == 80877103 || code == 80877104) /* SSLRequest, GSSENCRequest */
		return len == 8;
	if (code == 80877102) /* CancelRequest */
		return len == 16;
	return code == 196608 && len >= 9 && len <= 10000; /* StartupMessage 3.0 */
}

static bool is_mongodb(const uint8_t *b, size_t n)
{
	uint32_t len, op;

	if (n < 16)
		return false;
	len = le32(b);
	op = le32(b + 12);
	return len >= 16 && len <= 48 * 1000 * 1000 &&
	       (op == 2013 || op == 2004 || op == 2012 || op == 1 || op == 2010 || op == 2011);
}

/* Server greeting: length(3) seq 0, protocol 10, a NUL-terminated printable version. */
static bool is_mysql_greeting(const uint8_t *b, size_t n)
{
	size_t len, i;

	if (n < 6 || b[3] != 0 || b[4] != 10)
		return false;
	len = b[0] | (size_t)b[1] << 8 | (size_t)b[2] << 16;
	if (len < 20 || len > 1024)
		return false;
	for (i = 5; i < n && i < 5 + 64; i++) {
		if (b[i] == 0)
			return i > 5;
		if (b[i] < 0x20 || b[i] > 0x7e)
			return false;
	}
	return false;
}

/* Client login or SSL request: length(3), seq 1, capability flags with CLIENT_PROTOCOL_41. */
static bool is_mysql_client(const uint8_t *b, size_t n, uint16_t dport)
{
	size_t len;

	if (dport != 3306 || n < 8 || b[3] != 1)
		return false;
	len = b[0] | (size_t)b[1] << 8 | (size_t)b[2] << 16;
	return len >= 32 && len <= 65536 && (b[5] & 0x02); /* 0x0200: CLIENT_PROTOCOL_41 */
}

static bool is_redis(const uint8_t *b, size_t n, uint16_t dport)
{
	static const char *const inl[] = { "PING", "AUTH ", "HELLO ", "SET ", "GET ", "INFO",
					   "SELECT ", "KEYS ", "CONFIG ", "CLIENT " };
	size_t i;

	/* RESP array of bulk strings: "*<n>\r\n$<len>\r\n" */
	if (n >= 4 && b[0] == '*' && b[1] >= '1' && b[1] <= '9') {
		for (i = 2; i < n && i < 8 && b[i] >= '0' && b[i] <= '9'; i++)
			;
		if (i + 2 < n && b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '$')
			return true;
	}
	if (dport != 6379)
		return false;
	for (i = 0; i < sizeof(inl) / sizeof(inl[0]); i++)
		if (starts_ci(b, n, inl[i]))
			return true;
	return false;
}

static bool is_smtp_client(const uint8_t *b, size_t n)
{
	return starts_ci(b, n, "EHLO ") || starts_ci(b, n, "HELO ") || starts_ci(b, n, "LHLO ");
}

static bool is_ftp_client(const uint8_t *b, size_t n)
{
	return starts_ci(b, n, "USER ") || starts_ci(b, n, "AUTH TLS") ||
	       starts_ci(b, n, "AUTH SSL") || starts_ci(b, n, "FEAT\r\n");
}

/* "220" banner: "220 mail.example ESMTP" or "220 (vsFTPd 3.0.3)" */
static enum wire_proto banner_220(const uint8_t *b, size_t n, uint16_t dport)
{
	size_t i, e;

	if (n < 4 || memcmp(b, "220", 3) != 0 || (b[3] != ' ' && b[3] != '-'))
		return WIRE_PROTO_UNKNOWN;
	e = n < 512 ? n : 512;
	for (i = 4; i + 3 <= e && b[i] != '\n'; i++) {
		if (i + 4 <= e && strncasecmp((const char *)b + i, "SMTP", 4) == 0)
			return WIRE_PROTO_SMTP;
		if (strncasecmp((const char *)b + i, "FTP", 3) == 0)
			return WIRE_PROTO_FTP;
	}
	if (dport == 21 || dport == 990)
		return WIRE_PROTO_FTP;
	if (dport == 25 || dport == 465 || dport == 587 || dport == 2525)
		return WIRE_PROTO_SMTP;
	return WIRE_PROTO_UNKNOWN;
}

static bool known_method(const uint8_t *b, size_t n)
{
	static const char *const m[] = { "GET ",     "POST ",  "PUT ",	  "DELETE ", "HEAD ",
					 "OPTIONS ", "PATCH ", "CONNECT ", "TRACE ", "PROPFIND " };
	size_t i;

	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (n >= strlen(m[i]) && memcmp(b, m[i], strlen(m[i])) == 0)
			return true;
	return false;
}

enum wire_proto wire_sniff(const uint8_t *buf, size_t len, bool udp, uint16_t dport)
{
	struct wire_http_request rq;
	enum wire_proto p;
	int r;

	if (!buf || len == 0)
		return WIRE_PROTO_NONE;
	if (udp) {
		struct wire_dns_msg m;

		if (is_quic_initial(buf, len, dport))
			return WIRE_PROTO_QUIC_INITIAL;
		r = wire_dns_parse(buf, len, false, &m);
		if (r == WIRE_OK && (dport == 53 || dport == 5353 || m.qdcount == 1))
			return WIRE_PROTO_DNS;
		if (wire_text_ratio(buf, len) >= 0.95 && len >= 8)
			return WIRE_PROTO_TEXT;
		return WIRE_PROTO_UNKNOWN;
	}
	if (is_tls_record(buf, len))
		return WIRE_PROTO_TLS;
	if (wire_http2_preface(buf, len) != WIRE_NOT_THIS && len >= 4)
		return WIRE_PROTO_HTTP2;
	if (known_method(buf, len))
		return WIRE_PROTO_HTTP1;
	r = wire_http_request(buf, len, &rq);
	if (r == WIRE_OK)
		return WIRE_PROTO_HTTP1;
	if (is_postgres(buf, len))
		return WIRE_PROTO_POSTGRES;
	if (is_mongodb(buf, len))
		return WIRE_PROTO_MONGODB;
	if (is_mysql_greeting(buf, len) || is_mysql_client(buf, len, dport))
		return WIRE_PROTO_MYSQL;
	if (prefix_ci(buf, len, "SSH-") && len >= 4)
		return WIRE_PROTO_SSH;
	if (is_smtp_client(buf, len))
		return WIRE_PROTO_SMTP;
	if (is_ftp_client(buf, len))
		return WIRE_PROTO_FTP;
	p = banner_220(buf, len, dport);
	if (p != WIRE_PROTO_UNKNOWN)
		return p;
	if (is_redis(buf, len, dport))
		return WIRE_PROTO_REDIS;
	if (dport == 53) {
		struct wire_dns_msg m;

		r = wire_dns_parse(buf, len, true, &m);
		if (r == WIRE_OK || (r == WIRE_NEED_MORE && len >= 14))
			return WIRE_PROTO_DNS;
	}
	if (len >= 8 && wire_text_ratio(buf, len) >= 0.95)
		return WIRE_PROTO_TEXT;
	return WIRE_PROTO_UNKNOWN;
}

/* Finds a line (after a line start) beginning with s, case-insensitively; returns its
 * offset or -1. */
static long find_line(const uint8_t *b, size_t n, const char *s)
{
	size_t l = strlen(s), i;

	for (i = 0; i + l <= n; i++)
		if ((i == 0 || b[i - 1] == '\n') && strncasecmp((const char *)b + i, s, l) == 0)
			return (long)i;
	return -1;
}

/* Number of reply lines starting with code ("220") followed by SP or '-'. */
static unsigned int count_replies(const uint8_t *b, size_t n, const char *code)
{
	unsigned int c = 0;
	size_t i;

	for (i = 0; i + 4 <= n; i++)
		if ((i == 0 || b[i - 1] == '\n') && memcmp(b + i, code, 3) == 0 && b[i + 3] == ' ')
			c++;
	return c;
}

/* Offset just past the line that starts at pos (its LF), or n. */
static size_t after_line(const uint8_t *b, size_t n, size_t pos)
{
	const uint8_t *lf = memchr(b + pos, '\n', n - pos);

	return lf ? (size_t)(lf - b) + 1 : n;
}

/* Offset past the k-th (1-based) final reply line "code " in b, or n. */
static size_t after_reply(const uint8_t *b, size_t n, const char *code, unsigned int k)
{
	size_t i;

	for (i = 0; i + 4 <= n; i++)
		if ((i == 0 || b[i - 1] == '\n') && memcmp(b + i, code, 3) == 0 && b[i + 3] == ' ' &&
		    --k == 0)
			return after_line(b, n, i);
	return n;
}

static long min_pos(long a, long b)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return a < b ? a : b;
}

int wire_sniff_flow(const uint8_t *out, size_t out_len, const uint8_t *in, size_t in_len,
		    bool udp, uint16_t dport, struct wire_sniff_flow *ret)
{
	struct wire_sniff_flow f;
	enum wire_proto po;

	if (!ret || (!out && out_len) || (!in && in_len))
		return -EINVAL;
	memset(&f, 0, sizeof(f));
	po = wire_sniff(out, out_len, udp, dport);
	f.proto = po;
	/* server-first protocols, or a client that has not spoken yet: only then the answer */
	if (po == WIRE_PROTO_NONE || po == WIRE_PROTO_UNKNOWN || po == WIRE_PROTO_TEXT) {
		enum wire_proto pi = wire_sniff(in, in_len, udp, 0);

		if (pi == WIRE_PROTO_SMTP || pi == WIRE_PROTO_FTP || pi == WIRE_PROTO_MYSQL ||
		    pi == WIRE_PROTO_SSH || (pi == WIRE_PROTO_TLS && po == WIRE_PROTO_NONE))
			f.proto = pi;
	}
	if (po == WIRE_PROTO_TEXT && in_len) {
		enum wire_proto b = banner_220(in, in_len, dport);

		if (b != WIRE_PROTO_UNKNOWN)
			f.proto = b;
	}
	switch (f.proto) {
	case WIRE_PROTO_TLS:
	case WIRE_PROTO_SSH:
		f.encrypted = true;
		break;
	case WIRE_PROTO_QUIC_INITIAL:
		f.encrypted = true;
		f.quic_not_inspected = true;
		break;
	case WIRE_PROTO_SMTP: {
		long st = find_line(out, out_len, "STARTTLS");
		long data = min_pos(min_pos(find_line(out, out_len, "MAIL FROM"),
					    find_line(out, out_len, "AUTH")),
				    find_line(out, out_len, "DATA"));

		f.smtp_starttls_offered = find_line(in, in_len, "250-STARTTLS") >= 0 ||
					  find_line(in, in_len, "250 STARTTLS") >= 0;
		/* banner 220, then the 220 that answers STARTTLS */
		f.smtp_starttls = st >= 0 && count_replies(in, in_len, "220") >= 2;
		f.encrypted = f.smtp_starttls;
		if (f.smtp_starttls) {
			f.tls_out_off = after_line(out, out_len, (size_t)st);
			f.tls_in_off = after_reply(in, in_len, "220", 2);
		}
		f.cleartext_payload = data >= 0 && (st < 0 || data < st);
		break;
	}
	case WIRE_PROTO_FTP: {
		long au = min_pos(find_line(out, out_len, "AUTH TLS"),
				  find_line(out, out_len, "AUTH SSL"));
		long data = min_pos(find_line(out, out_len, "USER"), find_line(out, out_len, "PASS"));

		f.ftp_auth_tls = au >= 0 && count_replies(in, in_len, "234") >= 1;
		f.encrypted = f.ftp_auth_tls;
		if (f.ftp_auth_tls) {
			f.tls_out_off = after_line(out, out_len, (size_t)au);
			f.tls_in_off = after_reply(in, in_len, "234", 1);
		}
		f.cleartext_payload = data >= 0 && (!f.ftp_auth_tls || data < au);
		break;
	}
	case WIRE_PROTO_POSTGRES:
		if (out_len >= 8 && be32(out + 4) == 80877103) {
			f.pg_ssl_request = true;
			f.pg_ssl_accepted = in_len >= 1 && in[0] == 'S';
		} else if (out_len >= 8 && be32(out + 4) == 80877104) {
			f.pg_gss_request = true;
		}
		f.encrypted = f.pg_ssl_accepted;
		if (f.pg_ssl_accepted) {
			f.tls_out_off = 8;
			f.tls_in_off = 1;
		}
		f.cleartext_payload = !f.pg_ssl_request && !f.pg_gss_request;
		break;
	case WIRE_PROTO_MYSQL:
		/* a 32-byte client packet with CLIENT_SSL (0x0800) is an SSL request */
		if (out_len >= 8 && out[0] == 32 && out[1] == 0 && out[2] == 0 && (out[5] & 0x08))
			f.encrypted = true;
		f.cleartext_payload = !f.encrypted && out_len > 0;
		break;
	case WIRE_PROTO_NONE:
		break;
	default:
		f.cleartext_payload = out_len > 0;
		break;
	}
	memcpy(ret, &f, sizeof(f));
	return WIRE_OK;
}

const char *wire_proto_name(enum wire_proto p)
{
	switch (p) {
	case WIRE_PROTO_TLS:
		return "tls";
	case WIRE_PROTO_HTTP1:
		return "http1";
	case WIRE_PROTO_HTTP2:
		return "http2";
	case WIRE_PROTO_DNS:
		return "dns";
	case WIRE_PROTO_SMTP:
		return "smtp";
	case WIRE_PROTO_FTP:
		return "ftp";
	case WIRE_PROTO_REDIS:
		return "redis";
	case WIRE_PROTO_POSTGRES:
		return "postgres";
	case WIRE_PROTO_MYSQL:
		return "mysql";
	case WIRE_PROTO_MONGODB:
		return "mongodb";
	case WIRE_PROTO_QUIC_INITIAL:
		return "quic";
	case WIRE_PROTO_SSH:
		return "ssh";
	case WIRE_PROTO_TEXT:
		return "text";
	case WIRE_PROTO_NONE:
		return "none";
	default:
		return "unknown";
	}
}
