/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * DNS decoder tests on real bytes: queries from glibc's resolver and a Python stub, answers
 * from dnsmasq, over UDP and TCP (tests/fixtures/wire/capture/capture_dns.sh), checked against
 * the answers dnsmasq was configured to give; every fixture also fed one byte at a time and in
 * every two-piece split. Compression loops, limits, name statistics and registered domains.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "testhelp.h"
#include "util/util.h"
#include "wire/wire.h"

#define FIXDIR "tests/fixtures/wire/dns/"

static uint8_t *load(const char *path, size_t *len)
{
	char *data = NULL;

	if (read_file_bounded(path, 1 << 20, &data, len) < 0)
		return NULL;
	return (uint8_t *)data;
}

static void fmt_rr(const struct wire_dns_rr *rr, char *out, size_t cap)
{
	char data[600];

	switch (rr->type) {
	case WIRE_DNS_A:
		inet_ntop(AF_INET, rr->addr, data, sizeof(data));
		break;
	case WIRE_DNS_AAAA:
		inet_ntop(AF_INET6, rr->addr, data, sizeof(data));
		break;
	case WIRE_DNS_TXT:
		snprintf(data, sizeof(data), "%.*s", (int)rr->txt_len, (const char *)rr->txt);
		break;
	case WIRE_DNS_HTTPS:
	case WIRE_DNS_SVCB:
	case WIRE_DNS_MX:
		snprintf(data, sizeof(data), "%u %s", rr->priority, rr->target);
		break;
	default:
		snprintf(data, sizeof(data), "%s", rr->target);
	}
	snprintf(out, cap, "%s %s %s %u", wire_dns_type_name(rr->type), rr->name, data, rr->ttl);
}

/* Formats msg the way the .expect files are written. */
static void fmt_msg(const struct wire_dns_msg *m, char *out, size_t cap)
{
	size_t o;
	unsigned int i;

	o = snprintf(out, cap, "response=%d\nrcode=%u\nqname=%s\nqtype=%u\n", m->is_response,
		     m->rcode, m->qname, m->qtype);
	for (i = 0; i < m->n_rr && o < cap; i++) {
		char line[900];

		fmt_rr(&m->rr[i], line, sizeof(line));
		o += snprintf(out + o, cap - o, "rr=%s\n", line);
	}
}

static int parse_copy(const uint8_t *buf, size_t len, bool tcp, struct wire_dns_msg *m)
{
	uint8_t *c = malloc(len ? len : 1);
	int r;

	memcpy(c, buf, len);
	memset(m, 0, sizeof(*m));
	r = wire_dns_parse(c, len, tcp, m);
	free(c);
	return r;
}

TEST(fixtures_match_expect_and_split)
{
	DIR *d = opendir(FIXDIR);
	struct dirent *e;
	int n = 0;
	static struct wire_dns_msg whole, m;
	static char got[16384];

	ASSERT_TRUE(d != NULL);
	while ((e = readdir(d))) {
		char path[512];
		_cleanup_free_ uint8_t *buf = NULL;
		_cleanup_free_ char *exp = NULL;
		size_t len, elen, nl = strlen(e->d_name), k;
		bool tcp;

		if (nl < 5 || strcmp(e->d_name + nl - 4, ".bin") != 0)
			continue;
		tcp = strstr(e->d_name, ".tcp.") != NULL;
		snprintf(path, sizeof(path), FIXDIR "%s", e->d_name);
		buf = load(path, &len);
		ASSERT_TRUE(buf != NULL);
		snprintf(path, sizeof(path), FIXDIR "%.*s.expect", (int)(nl - 4), e->d_name);
		ASSERT_EQ(read_file_bounded(path, 65536, &exp, &elen), 0);
		if (parse_copy(buf, len, tcp, &whole) != WIRE_OK)
			TEST_FAIL_AT("%s does not parse", e->d_name);
		fmt_msg(&whole, got, sizeof(got));
		if (strcmp(got, exp) != 0)
			TEST_FAIL_AT("%s:\n--- want\n%s--- got\n%s", e->d_name, exp, got);
		if (whole.consumed != len)
			TEST_FAIL_AT("%s: consumed %zu of %zu", e->d_name, whole.consumed, len);
		for (k = 0; k < len; k++)
			if (parse_copy(buf, k, tcp, &m) != WIRE_NEED_MORE)
				TEST_FAIL_AT("%s: prefix %zu not NEED_MORE", e->d_name, k);
		for (k = 1; k < len; k++) {
			/* piece one alone is a prefix; both pieces are the whole */
			if (parse_copy(buf, k, tcp, &m) != WIRE_NEED_MORE ||
			    parse_copy(buf, len, tcp, &m) != WIRE_OK || memcmp(&m, &whole, sizeof(m)))
				TEST_FAIL_AT("%s: split at %zu", e->d_name, k);
		}
		n++;
	}
	ASSERT_EQ(n, 20);
cleanup:
	if (d)
		closedir(d);
}

TEST(cname_chain_and_ids)
{
	_cleanup_free_ uint8_t *b = NULL;
	static struct wire_dns_msg m;
	char final[WIRE_DNS_NAME_MAX];
	size_t len;

	b = load(FIXDIR "py_cname.0.answer.udp.bin", &len);
	ASSERT_TRUE(b != NULL);
	ASSERT_EQ(wire_dns_parse(b, len, false, &m), WIRE_OK);
	ASSERT_EQ(m.id, 0x1000);
	ASSERT_TRUE(m.aa && m.rd && m.ra);
	ASSERT_EQ(m.ancount, 3);
	ASSERT_EQ(wire_dns_cname_chain(&m, final), 2);
	ASSERT_STR_EQ(final, "web.lab.example");
	ASSERT_STR_EQ(wire_dns_rcode_name(m.rcode), "NOERROR");
	/* a TCP stream holding two messages back to back: consumed finds the second */
	{
		_cleanup_free_ uint8_t *t = NULL;
		uint8_t two[512];
		size_t tl;

		t = load(FIXDIR "py_tcp_txt.answer.tcp.bin", &tl);
		ASSERT_TRUE(t != NULL && 2 * tl <= sizeof(two));
		memcpy(two, t, tl);
		memcpy(two + tl, t, tl);
		ASSERT_EQ(wire_dns_parse(two, 2 * tl, true, &m), WIRE_OK);
		ASSERT_EQ(m.consumed, tl);
		ASSERT_EQ(wire_dns_parse(two + m.consumed, tl, true, &m), WIRE_OK);
		ASSERT_EQ(m.rr[0].txt_total, 22);
	}
cleanup:
	return;
}

TEST(compression_loops_and_limits)
{
	/* header (response, 1 question, 1 answer) + qname "a" + answer name pointing at itself */
	uint8_t self[] = { 0, 1, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, 1, 'a', 0, 0, 1, 0, 1,
			   0xc0, 19, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4, 1, 2, 3, 4 };
	/* a forward pointer in the question */
	uint8_t fwd[] = { 0, 1, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 14, 1, 'a', 0, 0, 1, 0, 1 };
	/* two pointers chasing each other: answer name at 19 -> 21 is forward, rejected */
	uint8_t pair[] = { 0, 1, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, 1, 'a', 0, 0, 1, 0, 1,
			   0xc0, 21, 0xc0, 19, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4, 1, 2, 3, 4 };
	/* a valid backwards pointer: the answer's owner is the question name */
	uint8_t ok[] = { 0, 1, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, 1, 'a', 0, 0, 1, 0, 1,
			 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 198, 51, 100, 1 };
	uint8_t big[600];
	static struct wire_dns_msg m;
	size_t o = 12, i;

	ASSERT_EQ(wire_dns_parse(self, sizeof(self), false, &m), WIRE_NOT_THIS);
	ASSERT_EQ(wire_dns_parse(fwd, sizeof(fwd), false, &m), WIRE_NOT_THIS);
	ASSERT_EQ(wire_dns_parse(pair, sizeof(pair), false, &m), WIRE_NOT_THIS);
	ASSERT_EQ(wire_dns_parse(ok, sizeof(ok), false, &m), WIRE_OK);
	ASSERT_STR_EQ(m.rr[0].name, "a");
	ASSERT_EQ(m.rr[0].ttl, 60);
	ASSERT_EQ(m.rr[0].addr[0], 198);
	/* a name of 128 one-byte labels (257 wire bytes) is over the limit */
	memset(big, 0, sizeof(big));
	big[1] = 1;
	big[5] = 1; /* qdcount */
	for (i = 0; i < 128; i++) {
		big[o++] = 1;
		big[o++] = 'x';
	}
	big[o++] = 0;
	big[o + 1] = 1;
	big[o + 3] = 1;
	o += 4;
	ASSERT_EQ(wire_dns_parse(big, o, false, &m), WIRE_NOT_THIS);
	/* 126 labels (253 wire bytes) is fine */
	o = 12;
	for (i = 0; i < 126; i++) {
		big[o++] = 1;
		big[o++] = 'x';
	}
	big[o++] = 0;
	big[o++] = 0;
	big[o++] = 1;
	big[o++] = 0;
	big[o++] = 1;
	ASSERT_EQ(wire_dns_parse(big, o, false, &m), WIRE_OK);
	ASSERT_EQ(strlen(m.qname), 251);
	/* not DNS: text, an opcode 3, a TCP length below a header */
	ASSERT_EQ(wire_dns_parse((const uint8_t *)"GET / HTTP/1.1\r\n", 16, false, &m),
		  WIRE_NOT_THIS);
	ASSERT_EQ(wire_dns_parse((const uint8_t[]){ 0, 0, 0x18, 0 }, 4, false, &m), WIRE_NOT_THIS);
	ASSERT_EQ(wire_dns_parse((const uint8_t[]){ 0, 5 }, 2, true, &m), WIRE_NOT_THIS);
	ASSERT_EQ(wire_dns_parse(NULL, 0, false, &m), WIRE_NEED_MORE);
	ASSERT_EQ(wire_dns_parse(ok, 4, false, NULL), -EINVAL);
cleanup:
	return;
}

TEST(name_stats)
{
	struct wire_dns_name_stats s;

	ASSERT_EQ(wire_dns_name_stats("63616e6172792d.376633613963.t.lab.example", &s), 0);
	ASSERT_EQ(s.labels, 5);
	ASSERT_EQ(s.longest_label, 14);
	ASSERT_EQ(s.registered_off, strlen("63616e6172792d.376633613963.t."));
	ASSERT_EQ(s.sub_labels, 3);
	ASSERT_EQ(s.sub_len, 27);
	ASSERT_FALSE(s.sub_hex_like); /* the "t" label is not hex */
	ASSERT_TRUE(s.sub_entropy > 2.5 && s.sub_entropy < 3.5);

	ASSERT_EQ(wire_dns_name_stats("0123456789abcdef0123.x.example", &s), 0);
	ASSERT_TRUE(s.sub_hex_like); /* the registered domain is x.example */
	ASSERT_EQ(wire_dns_name_stats("0123456789abcdef.example.com.", &s), 0);
	ASSERT_TRUE(s.sub_hex_like);
	ASSERT_EQ(s.name_len, 28);
	/* sixteen distinct characters, each once: exactly 4 bits per character */
	ASSERT_DOUBLE_EQ(s.sub_entropy > 4.0 - 1e-9 && s.sub_entropy < 4.0 + 1e-9, 1);
	ASSERT_EQ(wire_dns_name_stats("mzxw6ytboi2dmnzy.exfil.example", &s), 0);
	ASSERT_TRUE(s.sub_b32_like);
	ASSERT_EQ(wire_dns_name_stats("www.example.com", &s), 0);
	ASSERT_EQ(s.sub_len, 3);
	ASSERT_DOUBLE_EQ(s.sub_entropy, 0.0);
	ASSERT_EQ(wire_dns_name_stats("", &s), 0);
	ASSERT_EQ(s.labels, 0);

	ASSERT_STR_EQ(wire_dns_registered_domain("a.b.example.com"), "example.com");
	ASSERT_STR_EQ(wire_dns_registered_domain("x.y.bbc.co.uk"), "bbc.co.uk");
	ASSERT_STR_EQ(wire_dns_registered_domain("evil.github.io"), "evil.github.io");
	ASSERT_STR_EQ(wire_dns_registered_domain("a.b.evil.github.io."), "evil.github.io.");
	ASSERT_STR_EQ(wire_dns_registered_domain("example"), "example");
	ASSERT_STR_EQ(wire_dns_registered_domain("co.uk"), "co.uk");
	ASSERT_STR_EQ(wire_dns_registered_domain("lab.example"), "lab.example");
cleanup:
	return;
}

int main(void)
{
	RUN(fixtures_match_expect_and_split);
	RUN(cname_chain_and_ids);
	RUN(compression_loops_and_limits);
	RUN(name_stats);
	return test_summary();
}
