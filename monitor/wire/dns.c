/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dns: DNS messages over UDP and TCP (RFC 1035 §4), names with compression (pointers must
 * point strictly backwards, so no loop can form; at most 127 labels and 255 wire bytes),
 * A/AAAA/CNAME/NS/PTR/MX/SRV/TXT/SVCB/HTTPS records, and per-name statistics for tunneling.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "wire/wire.h"

#define TRY(x)                                                                                     \
	do {                                                                                       \
		int _r = (x);                                                                      \
		if (_r)                                                                            \
			return _r;                                                                 \
	} while (0)

struct dmsg {
	const uint8_t *m;
	size_t len;
	bool complete; /* the whole message is in m (TCP): running off the end is malformed */
};

static int oob(const struct dmsg *d)
{
	return d->complete ? WIRE_NOT_THIS : WIRE_NEED_MORE;
}

static int rd16(const struct dmsg *d, size_t off, uint16_t *v)
{
	if (off + 2 > d->len)
		return oob(d);
	*v = (uint16_t)(d->m[off] << 8 | d->m[off + 1]);
	return 0;
}

static bool name_char_ok(uint8_t c)
{
	return c > 0x20 && c < 0x7f && c != '.' && c != '\\';
}

/*
 * Reads the name at *off into out (presentation form without the final dot, "." for the root;
 * bytes that cannot appear plainly become '?'), advancing *off past the name's bytes at that
 * place (2 for a pointer). limit bounds where the name's own bytes may lie (rdata end).
 */
static int read_name(const struct dmsg *d, size_t *off, size_t limit, char *out)
{
	size_t pos = *off, end = 0, o = 0, wire = 0, lowest = *off, bound = limit;
	unsigned int labels = 0;
	bool jumped = false;

	/*
	 * Before the first pointer, the name's bytes must lie before limit; after a pointer from
	 * position P to T (T below every earlier target), they must lie in [T, P): each jump
	 * strictly lowers the window, so decoding ends, and never reads bytes after the name.
	 */
	for (;;) {
		uint8_t l;

		if (pos >= d->len)
			return oob(d);
		if (pos >= bound)
			return WIRE_NOT_THIS;
		l = d->m[pos];
		if ((l & 0xc0) == 0xc0) {
			size_t target;

			if (pos + 2 > d->len)
				return oob(d);
			if (pos + 2 > bound)
				return WIRE_NOT_THIS;
			target = (size_t)(l & 0x3f) << 8 | d->m[pos + 1];
			if (target >= lowest) /* only strictly backwards: no loops */
				return WIRE_NOT_THIS;
			if (!jumped)
				end = pos + 2;
			jumped = true;
			lowest = target;
			bound = pos;
			pos = target;
			continue;
		}
		if (l & 0xc0) /* 0x40 extended and 0x80 reserved label types */
			return WIRE_NOT_THIS;
		if (l == 0) {
			if (!jumped)
				end = pos + 1;
			break;
		}
		if (++labels > 127 || (wire += 1 + l) > 254)
			return WIRE_NOT_THIS;
		if (pos + 1 + l > d->len)
			return oob(d);
		if (pos + 1 + l > bound)
			return WIRE_NOT_THIS;
		if (o)
			out[o++] = '.';
		for (size_t i = 0; i < l; i++) {
			uint8_t c = d->m[pos + 1 + i];

			out[o++] = (char)(name_char_ok(c) ? c : '?');
		}
		pos += 1 + l;
	}
	if (o == 0)
		out[o++] = '.';
	out[o] = '\0';
	*off = end;
	return 0;
}

static int parse_rdata(const struct dmsg *d, size_t off, size_t rdlen, struct wire_dns_rr *rr)
{
	size_t end = off + rdlen, p = off;

	if (end > d->len)
		return oob(d);
	switch (rr->type) {
	case WIRE_DNS_A:
		if (rdlen != 4)
			return WIRE_NOT_THIS;
		memcpy(rr->addr, d->m + off, 4);
		return 0;
	case WIRE_DNS_AAAA:
		if (rdlen != 16)
			return WIRE_NOT_THIS;
		memcpy(rr->addr, d->m + off, 16);
		return 0;
	case WIRE_DNS_CNAME:
	case WIRE_DNS_NS:
	case WIRE_DNS_PTR:
		TRY(read_name(d, &p, end, rr->target));
		return p == end ? 0 : WIRE_NOT_THIS;
	case WIRE_DNS_MX:
		TRY(rd16(d, p, &rr->priority));
		p += 2;
		TRY(read_name(d, &p, end, rr->target));
		return p == end ? 0 : WIRE_NOT_THIS;
	case WIRE_DNS_SRV:
		if (rdlen < 7)
			return WIRE_NOT_THIS;
		TRY(rd16(d, p, &rr->priority));
		p += 6;
		TRY(read_name(d, &p, end, rr->target));
		return p == end ? 0 : WIRE_NOT_THIS;
	case WIRE_DNS_SVCB:
	case WIRE_DNS_HTTPS:
		if (rdlen < 3)
			return WIRE_NOT_THIS;
		TRY(rd16(d, p, &rr->priority));
		p += 2;
		TRY(read_name(d, &p, end, rr->target));
		/* SvcParams: key, length, value, in increasing key order */
		while (p < end) {
			uint16_t len;

			if (p + 4 > end)
				return WIRE_NOT_THIS;
			TRY(rd16(d, p + 2, &len));
			if (p + 4 + len > end)
				return WIRE_NOT_THIS;
			p += 4 + (size_t)len;
		}
		return 0;
	case WIRE_DNS_TXT:
		if (rdlen == 0)
			return WIRE_NOT_THIS;
		while (p < end) {
			size_t l = d->m[p];

			if (p + 1 + l > end)
				return WIRE_NOT_THIS;
			for (size_t i = 0; i < l; i++)
				if (rr->txt_len < WIRE_DNS_TXT_MAX)
					rr->txt[rr->txt_len++] = d->m[p + 1 + i];
			rr->txt_total += (uint16_t)l;
			p += 1 + l;
		}
		return 0;
	default:
		return 0;
	}
}

static int parse_msg(const struct dmsg *d, struct wire_dns_msg *msg)
{
	const uint8_t *m = d->m;
	size_t off = 12;
	unsigned int i, total;

	/* header plausibility first, so non-DNS is rejected on a short prefix */
	if (d->len >= 3 && ((m[2] >> 3) & 0xf) > 6)
		return WIRE_NOT_THIS;
	if (d->len >= 3 && ((m[2] >> 3) & 0xf) == 3)
		return WIRE_NOT_THIS;
	if (d->len >= 6 && (m[4] != 0 || m[5] > 4))
		return WIRE_NOT_THIS;
	if (d->len < 12)
		return oob(d);
	msg->id = (uint16_t)(m[0] << 8 | m[1]);
	msg->is_response = m[2] & 0x80;
	msg->opcode = (m[2] >> 3) & 0xf;
	msg->aa = m[2] & 0x04;
	msg->tc = m[2] & 0x02;
	msg->rd = m[2] & 0x01;
	msg->ra = m[3] & 0x80;
	msg->rcode = m[3] & 0xf;
	msg->qdcount = (uint16_t)(m[4] << 8 | m[5]);
	msg->ancount = (uint16_t)(m[6] << 8 | m[7]);
	msg->nscount = (uint16_t)(m[8] << 8 | m[9]);
	msg->arcount = (uint16_t)(m[10] << 8 | m[11]);
	if (!msg->is_response && msg->qdcount == 0 && msg->opcode == 0)
		return WIRE_NOT_THIS;
	for (i = 0; i < msg->qdcount; i++) {
		char name[WIRE_DNS_NAME_MAX];
		uint16_t qt, qc;

		TRY(read_name(d, &off, d->len + 1, i == 0 ? msg->qname : name));
		TRY(rd16(d, off, &qt));
		TRY(rd16(d, off + 2, &qc));
		off += 4;
		if (qc != 1 && qc != 3 && qc != 255 && qc != 254)
			return WIRE_NOT_THIS;
		if (i == 0) {
			msg->qtype = qt;
			msg->qclass = qc;
		}
	}
	total = (unsigned int)msg->ancount + msg->nscount + msg->arcount;
	for (i = 0; i < total; i++) {
		struct wire_dns_rr tmp, *rr;
		uint16_t type, rclass, rdlen, t1, t2;
		size_t rd_off;

		rr = msg->n_rr < WIRE_DNS_RR_MAX ? &msg->rr[msg->n_rr] : &tmp;
		memset(rr, 0, sizeof(*rr));
		TRY(read_name(d, &off, d->len + 1, rr->name));
		TRY(rd16(d, off, &type));
		TRY(rd16(d, off + 2, &rclass));
		TRY(rd16(d, off + 4, &t1));
		TRY(rd16(d, off + 6, &t2));
		TRY(rd16(d, off + 8, &rdlen));
		rd_off = off + 10;
		rr->type = type;
		rr->rclass = rclass;
		rr->ttl = (uint32_t)t1 << 16 | t2;
		rr->rdlength = rdlen;
		rr->section = i < msg->ancount ? WIRE_DNS_ANSWER :
			      i < (unsigned int)msg->ancount + msg->nscount ? WIRE_DNS_AUTHORITY :
									      WIRE_DNS_ADDITIONAL;
		TRY(parse_rdata(d, rd_off, rdlen, rr));
		off = rd_off + rdlen;
		if (type == WIRE_DNS_OPT) {
			msg->has_edns = true;
			continue;
		}
		if (rr == &tmp)
			msg->rr_truncated = true;
		else
			msg->n_rr++;
	}
	msg->consumed = off;
	return WIRE_OK;
}

/*
 * Copies the parsed message out: the fixed part, the records used and the trailing fields
 * (the struct is ~14 KiB, most of it unused record slots; copying all would dominate).
 */
static void copy_msg(struct wire_dns_msg *dst, const struct wire_dns_msg *src)
{
	size_t head = offsetof(struct wire_dns_msg, rr) + src->n_rr * sizeof(src->rr[0]);
	size_t tail = offsetof(struct wire_dns_msg, n_rr);

	memcpy(dst, src, head);
	memcpy((uint8_t *)dst + tail, (const uint8_t *)src + tail, sizeof(*dst) - tail);
}

int wire_dns_parse(const uint8_t *buf, size_t len, bool tcp, struct wire_dns_msg *ret)
{
	struct wire_dns_msg msg;
	struct dmsg d;
	int r;

	if (!ret || (!buf && len))
		return -EINVAL;
	/* records are cleared one by one as they are filled; clear the rest here */
	memset(&msg, 0, offsetof(struct wire_dns_msg, rr));
	memset((uint8_t *)&msg + offsetof(struct wire_dns_msg, n_rr), 0,
	       sizeof(msg) - offsetof(struct wire_dns_msg, n_rr));
	if (tcp) {
		size_t mlen;

		if (len < 2)
			return WIRE_NEED_MORE;
		mlen = (size_t)buf[0] << 8 | buf[1];
		if (mlen < 12)
			return WIRE_NOT_THIS;
		if (len < 2 + mlen) {
			/* check what is there for plausibility, as an incomplete UDP message */
			d = (struct dmsg){ .m = buf + 2, .len = len - 2, .complete = false };
			r = parse_msg(&d, &msg);
			return r == WIRE_NOT_THIS ? WIRE_NOT_THIS : WIRE_NEED_MORE;
		}
		d = (struct dmsg){ .m = buf + 2, .len = mlen, .complete = true };
		r = parse_msg(&d, &msg);
		if (r == WIRE_OK && msg.consumed != mlen)
			r = WIRE_NOT_THIS;
		msg.consumed = 2 + mlen;
	} else {
		d = (struct dmsg){ .m = buf, .len = len, .complete = false };
		r = parse_msg(&d, &msg);
	}
	if (r == WIRE_OK)
		copy_msg(ret, &msg);
	return r;
}

/* log2(x) for x > 0 without libm (the binary links no -lm): x = m * 2^e, m in [1, 2). */
static double wlog2(double x)
{
	double y, y2, term, sum = 0;
	int e = 0, k;

	while (x >= 2) {
		x /= 2;
		e++;
	}
	while (x < 1) {
		x *= 2;
		e--;
	}
	/* ln(m) = 2 atanh((m - 1) / (m + 1)), |y| < 1/3: 30 terms are far below double precision */
	y = (x - 1) / (x + 1);
	y2 = y * y;
	term = y;
	for (k = 1; k < 60; k += 2) {
		sum += term / k;
		term *= y2;
	}
	return e + 2 * sum / 0.69314718055994530942;
}

static bool name_eq(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}

int wire_dns_cname_chain(const struct wire_dns_msg *msg, char ret_final[WIRE_DNS_NAME_MAX])
{
	const char *cur;
	int hops = 0;

	if (!msg || !ret_final)
		return -EINVAL;
	cur = msg->qname;
	for (;;) {
		const char *next = NULL;
		unsigned int i;

		for (i = 0; i < msg->n_rr; i++)
			if (msg->rr[i].section == WIRE_DNS_ANSWER && msg->rr[i].type == WIRE_DNS_CNAME &&
			    name_eq(msg->rr[i].name, cur)) {
				next = msg->rr[i].target;
				break;
			}
		if (!next)
			break;
		if (++hops > 16 || (unsigned int)hops > msg->n_rr)
			return -ELOOP;
		cur = next;
	}
	snprintf(ret_final, WIRE_DNS_NAME_MAX, "%s", cur);
	return hops;
}

/* Second-level public suffixes and hosting suffixes under which anyone gets a name. */
static const char *const multi_suffixes[] = {
	"co.uk",	 "org.uk",	 "ac.uk",	    "gov.uk",	      "me.uk",	     "net.uk",
	"ltd.uk",	 "plc.uk",	 "com.au",	    "net.au",	      "org.au",	     "edu.au",
	"gov.au",	 "co.nz",	 "org.nz",	    "co.jp",	      "ne.jp",	     "or.jp",
	"ac.jp",	 "com.br",	 "com.cn",	    "net.cn",	      "org.cn",	     "com.mx",
	"co.za",	 "co.in",	 "co.kr",	    "com.tw",	      "com.hk",	     "com.sg",
	"com.tr",	 "co.il",	 "com.ar",	    "eu.org",	      "github.io",   "gitlab.io",
	"herokuapp.com", "appspot.com",	 "azurewebsites.net", "cloudfront.net", "netlify.app", "vercel.app",
	"pages.dev",	 "workers.dev",	 "ngrok.io",	    "ngrok-free.app", "duckdns.org", "trycloudflare.com",
	"blogspot.com",	 "firebaseapp.com", "web.app",
};

const char *wire_dns_registered_domain(const char *name)
{
	size_t n, dots[4], nd = 0, i, k;

	if (!name)
		return NULL;
	n = strlen(name);
	if (n && name[n - 1] == '.')
		n--;
	/* positions of the last three dots before n */
	for (i = n; i-- > 0 && nd < 3;)
		if (name[i] == '.')
			dots[nd++] = i;
	if (nd < 1)
		return name;
	if (nd >= 2) {
		/* is the part after the second-to-last dot a multi-label suffix? */
		const char *suf = name + dots[1] + 1;
		size_t sl = n - dots[1] - 1;

		for (k = 0; k < sizeof(multi_suffixes) / sizeof(multi_suffixes[0]); k++)
			if (strlen(multi_suffixes[k]) == sl && strncasecmp(suf, multi_suffixes[k], sl) == 0)
				return nd >= 3 ? name + dots[2] + 1 : name;
		return name + dots[1] + 1;
	}
	return name;
}

int wire_dns_name_stats(const char *name, struct wire_dns_name_stats *ret)
{
	struct wire_dns_name_stats s;
	unsigned int counts[256] = { 0 };
	size_t n, i, label = 0, reg, sub_end, digits = 0, hex = 0, b32 = 0, letters = 0;

	if (!name || !ret)
		return -EINVAL;
	memset(&s, 0, sizeof(s));
	n = strnlen(name, 1024);
	if (n >= 1024)
		return -EINVAL;
	if (n && name[n - 1] == '.')
		n--;
	s.name_len = (unsigned int)n;
	s.labels = n ? 1 : 0;
	for (i = 0; i <= n; i++) {
		if (i == n || name[i] == '.') {
			if (i < n)
				s.labels++;
			if (label > s.longest_label)
				s.longest_label = (unsigned int)label;
			label = 0;
		} else {
			label++;
		}
	}
	reg = (size_t)(wire_dns_registered_domain(name) - name);
	s.registered_off = reg;
	sub_end = reg ? reg - 1 : 0; /* the dot before the registered domain */
	for (i = 0; i < sub_end; i++) {
		uint8_t c = (uint8_t)name[i];

		if (c == '.') {
			s.sub_labels++;
			continue;
		}
		if (c >= 'A' && c <= 'Z')
			c = (uint8_t)(c - 'A' + 'a');
		counts[c]++;
		s.sub_len++;
		if (c >= '0' && c <= '9')
			digits++;
		if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))
			hex++;
		if ((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'))
			b32++;
		if (c >= 'a' && c <= 'z')
			letters++;
	}
	if (sub_end)
		s.sub_labels++;
	if (s.sub_len) {
		double h = 0;

		for (i = 0; i < 256; i++)
			if (counts[i]) {
				double p = (double)counts[i] / s.sub_len;

				h -= p * wlog2(p);
			}
		s.sub_entropy = h;
		s.digit_ratio = (double)digits / s.sub_len;
		s.sub_hex_like = s.sub_len >= 16 && hex == s.sub_len;
		s.sub_b32_like = s.sub_len >= 16 && b32 == s.sub_len && letters < s.sub_len;
	}
	memcpy(ret, &s, sizeof(s));
	return 0;
}

const char *wire_dns_type_name(uint16_t t)
{
	switch (t) {
	case WIRE_DNS_A:
		return "A";
	case WIRE_DNS_NS:
		return "NS";
	case WIRE_DNS_CNAME:
		return "CNAME";
	case WIRE_DNS_SOA:
		return "SOA";
	case WIRE_DNS_PTR:
		return "PTR";
	case WIRE_DNS_MX:
		return "MX";
	case WIRE_DNS_TXT:
		return "TXT";
	case WIRE_DNS_AAAA:
		return "AAAA";
	case WIRE_DNS_SRV:
		return "SRV";
	case WIRE_DNS_OPT:
		return "OPT";
	case WIRE_DNS_SVCB:
		return "SVCB";
	case WIRE_DNS_HTTPS:
		return "HTTPS";
	case WIRE_DNS_ANY:
		return "ANY";
	}
	return NULL;
}

const char *wire_dns_rcode_name(uint8_t rcode)
{
	static const char *const n[] = { "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
					  "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
					  "NXRRSET", "NOTAUTH", "NOTZONE" };

	return rcode < sizeof(n) / sizeof(n[0]) ? n[rcode] : NULL;
}
