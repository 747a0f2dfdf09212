/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * http: HTTP/1.x request heads (RFC 9112 §3, §5), the HTTP/2 connection preface (RFC 9113
 * §3.4) and response status lines. Validates as it goes, so a stream that is not HTTP is
 * rejected on its first bytes rather than after WIRE_HTTP_HEAD_MAX of them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "wire/wire.h"

static const char h2_preface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

static bool is_tchar(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

static bool is_vchar_obs(uint8_t c)
{
	return (c >= 0x21 && c <= 0x7e) || c >= 0x80;
}

/* Copies [s, s+n) trimmed of SP/HT into out[cap] (truncated, NUL-terminated). */
static void copy_trim(const uint8_t *s, size_t n, char *out, size_t cap)
{
	size_t i;

	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n >= cap)
		n = cap - 1;
	for (i = 0; i < n; i++)
		out[i] = (char)(s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?');
	out[n] = '\0';
}

static bool value_has_token(const uint8_t *v, size_t n, const char *tok)
{
	size_t tl = strlen(tok), i;

	for (i = 0; i + tl <= n; i++)
		if (strncasecmp((const char *)v + i, tok, tl) == 0)
			return true;
	return false;
}

static void header(struct wire_http_request *rq, const uint8_t *name, size_t nl, const uint8_t *v,
		   size_t vl)
{
#define IS(s) (nl == sizeof(s) - 1 && strncasecmp((const char *)name, s, nl) == 0)
	if (IS("host") && !rq->has_host) {
		rq->has_host = true;
		copy_trim(v, vl, rq->host, sizeof(rq->host));
	} else if (IS("user-agent")) {
		copy_trim(v, vl, rq->user_agent, sizeof(rq->user_agent));
	} else if (IS("authorization") || IS("proxy-authorization")) {
		rq->has_authorization = true;
	} else if (IS("cookie")) {
		rq->has_cookie = true;
	} else if (IS("transfer-encoding")) {
		if (value_has_token(v, vl, "chunked"))
			rq->chunked = true;
	} else if (IS("content-length")) {
		uint64_t cl = 0;
		size_t i;
		bool digits = false;

		for (i = 0; i < vl; i++) {
			if (v[i] == ' ' || v[i] == '\t')
				continue;
			if (v[i] < '0' || v[i] > '9' || cl > (UINT64_MAX - 9) / 10) {
				digits = false;
				break;
			}
			cl = cl * 10 + (v[i] - '0');
			digits = true;
		}
		if (digits) {
			rq->has_content_length = true;
			rq->content_length = cl;
		}
	} else if (IS("upgrade")) {
		if (value_has_token(v, vl, "h2c"))
			rq->upgrade_h2c = true;
		if (value_has_token(v, vl, "websocket"))
			rq->upgrade_websocket = true;
	}
#undef IS
}

/* Finds the end of the line starting at p (the LF), or returns n. */
static size_t line_end(const uint8_t *buf, size_t p, size_t n)
{
	const uint8_t *lf = memchr(buf + p, '\n', n - p);

	return lf ? (size_t)(lf - buf) : n;
}

int wire_http_request(const uint8_t *buf, size_t len, struct wire_http_request *ret)
{
	struct wire_http_request rq;
	size_t n = len < WIRE_HTTP_HEAD_MAX ? len : WIRE_HTTP_HEAD_MAX;
	size_t p = 0, m, t0, t1, le, ll;

	if (!ret || (!buf && len))
		return -EINVAL;
	memset(&rq, 0, sizeof(rq));
	/* method */
	for (m = 0; m < n && is_tchar(buf[m]); m++)
		if (m >= WIRE_HTTP_METHOD_MAX - 1)
			return WIRE_NOT_THIS;
	if (m == n)
		return len >= WIRE_HTTP_HEAD_MAX ? WIRE_NOT_THIS : WIRE_NEED_MORE;
	if (m == 0 || buf[m] != ' ')
		return WIRE_NOT_THIS;
	memcpy(rq.method, buf, m);
	/* request-target: visible characters up to one SP */
	t0 = m + 1;
	for (t1 = t0; t1 < n && is_vchar_obs(buf[t1]); t1++)
		;
	if (t1 == n)
		return len >= WIRE_HTTP_HEAD_MAX ? WIRE_NOT_THIS : WIRE_NEED_MORE;
	if (t1 == t0 || buf[t1] != ' ')
		return WIRE_NOT_THIS;
	rq.target_len = t1 - t0;
	rq.target_truncated = rq.target_len >= sizeof(rq.target);
	memcpy(rq.target, buf + t0, rq.target_truncated ? sizeof(rq.target) - 1 : rq.target_len);
	/* "HTTP/1.x" then CRLF or LF */
	p = t1 + 1;
	{
		static const char v[] = "HTTP/1.";
		size_t i;

		for (i = 0; i < 7 && p + i < n; i++)
			if (buf[p + i] != (uint8_t)v[i])
				return WIRE_NOT_THIS;
		if (p + 7 < n && buf[p + 7] != '0' && buf[p + 7] != '1')
			return WIRE_NOT_THIS;
		if (p + 8 < n && buf[p + 8] != '\r' && buf[p + 8] != '\n')
			return WIRE_NOT_THIS;
		if (p + 9 < n && buf[p + 8] == '\r' && buf[p + 9] != '\n')
			return WIRE_NOT_THIS;
		if (p + 10 > n)
			return len >= WIRE_HTTP_HEAD_MAX ? WIRE_NOT_THIS : WIRE_NEED_MORE;
		rq.version_major = 1;
		rq.version_minor = (uint8_t)(buf[p + 7] - '0');
		p += buf[p + 8] == '\r' ? 10 : 9;
	}
	/* header fields up to the empty line */
	for (;;) {
		size_t colon, e;

		if (p >= n)
			return len >= WIRE_HTTP_HEAD_MAX ? WIRE_NOT_THIS : WIRE_NEED_MORE;
		le = line_end(buf, p, n);
		ll = le - p;
		if (le < n && ll && buf[le - 1] == '\r')
			ll--;
		if (le == n) {
			/* an incomplete line: reject early what cannot become a field */
			for (colon = p; colon < n && is_tchar(buf[colon]); colon++)
				;
			if (colon < n && buf[colon] != ':' && buf[colon] != '\r')
				return WIRE_NOT_THIS;
			if (colon < n && buf[colon] == '\r' && colon != p)
				return WIRE_NOT_THIS;
			return len >= WIRE_HTTP_HEAD_MAX ? WIRE_NOT_THIS : WIRE_NEED_MORE;
		}
		if (ll == 0) {
			p = le + 1;
			break;
		}
		if (buf[p] == ' ' || buf[p] == '\t') /* obsolete line folding */
			return WIRE_NOT_THIS;
		for (colon = p; colon < p + ll && is_tchar(buf[colon]); colon++)
			;
		if (colon == p || colon == p + ll || buf[colon] != ':')
			return WIRE_NOT_THIS;
		for (e = colon + 1; e < p + ll; e++)
			if (buf[e] < 0x20 && buf[e] != '\t')
				return WIRE_NOT_THIS;
		if (++rq.n_headers > WIRE_HTTP_HEADERS_MAX)
			return WIRE_NOT_THIS;
		header(&rq, buf + p, colon - p, buf + colon + 1, p + ll - colon - 1);
		p = le + 1;
	}
	rq.body_off = p;
	rq.body_avail = len - p;
	memcpy(ret, &rq, sizeof(rq));
	return WIRE_OK;
}

int wire_http2_preface(const uint8_t *buf, size_t len)
{
	size_t n = len < 24 ? len : 24;

	if (!buf && len)
		return -EINVAL;
	if (len == 0)
		return WIRE_NEED_MORE;
	if (memcmp(buf, h2_preface, n) != 0)
		return WIRE_NOT_THIS;
	return len < 24 ? WIRE_NEED_MORE : WIRE_OK;
}

int wire_http_response_status(const uint8_t *buf, size_t len, unsigned int *ret_status)
{
	static const char v[] = "HTTP/1.";
	size_t i;

	if (!ret_status || (!buf && len))
		return -EINVAL;
	for (i = 0; i < 7 && i < len; i++)
		if (buf[i] != (uint8_t)v[i])
			return WIRE_NOT_THIS;
	if (len > 7 && buf[7] != '0' && buf[7] != '1')
		return WIRE_NOT_THIS;
	if (len > 8 && buf[8] != ' ')
		return WIRE_NOT_THIS;
	for (i = 9; i < 12 && i < len; i++)
		if (buf[i] < '0' || buf[i] > '9')
			return WIRE_NOT_THIS;
	if (len > 9 && buf[9] == '0')
		return WIRE_NOT_THIS;
	if (len > 12 && buf[12] != ' ' && buf[12] != '\r' && buf[12] != '\n')
		return WIRE_NOT_THIS;
	if (len < 13)
		return WIRE_NEED_MORE;
	*ret_status = (unsigned int)((buf[9] - '0') * 100 + (buf[10] - '0') * 10 + (buf[11] - '0'));
	return WIRE_OK;
}
