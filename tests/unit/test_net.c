/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of net's pure parts: /30 allocation, resolv.conf parsing and rendering, options.
 * Nothing here opens a socket or a namespace; "--net nat" below is text being rendered. The
 * modes themselves are tested by test_net_nat.sh and test_net_none.sh inside a lab namespace.
 */
#include <arpa/inet.h>

#include "sandbox/net.h"
#include "testhelp.h"

static const char *ip(uint32_t host_order, char buf[static INET_ADDRSTRLEN])
{
	uint32_t a = htonl(host_order);

	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

TEST(subnet_known_values)
{
	char a[INET_ADDRSTRLEN];

	ASSERT_STR_EQ(ip(net_subnet_base(0xabc123, 0), a), "198.18.104.104");
	ASSERT_STR_EQ(ip(net_subnet_base(1, 0), a), "198.18.67.0");
	ASSERT_STR_EQ(ip(net_subnet_base(1, 1), a), "198.18.67.4");
	/* same id, same /30: the allocation is a function of the run id */
	ASSERT_EQ(net_subnet_base(0xdeadbeef, 0), net_subnet_base(0xdeadbeef, 0));
cleanup:
	return;
}

TEST(subnet_in_range_and_aligned)
{
	for (uint32_t id = 0; id < 200000; id += 7) {
		for (unsigned int k = 0; k < 3; k++) {
			uint32_t b = net_subnet_base(id * 2654435761u, k);

			ASSERT_EQ(b & 3u, 0);
			ASSERT_GE(b, 0xc6120000u);	   /* 198.18.0.0 */
			ASSERT_GE(0xc613fffcu, b); /* 198.19.255.252: last /30 */
		}
	}
cleanup:
	return;
}

TEST(subnet_probe_walks_and_wraps)
{
	int wrapped = 0;

	for (uint32_t id = 0; id < 100000; id++) {
		uint32_t b0 = net_subnet_base(id, 0), b1 = net_subnet_base(id, 1);

		if (b0 == 0xc613fffcu) {
			ASSERT_EQ(b1, 0xc6120000u);
			wrapped++;
		} else {
			ASSERT_EQ(b1, b0 + 4);
		}
	}
	ASSERT_GE(wrapped, 1);
cleanup:
	return;
}

TEST(subnet_spreads_consecutive_ids)
{
	static uint8_t seen[32768];
	int distinct = 0;

	memset(seen, 0, sizeof(seen));
	for (uint32_t id = 1000; id < 2000; id++) {
		uint32_t slot = (net_subnet_base(id, 0) - 0xc6120000u) / 4;

		ASSERT_TRUE(slot < 32768);
		if (!seen[slot]++)
			distinct++;
	}
	/* 1000 ids in 32768 slots: a handful of birthday collisions at most */
	ASSERT_GE(distinct, 980);
cleanup:
	return;
}

static size_t parse(const char *text, struct in_addr *ns, size_t *skipped)
{
	return net_parse_resolv_conf(text, strlen(text), ns, NET_MAX_DNS, skipped);
}

TEST(resolv_parse_typical)
{
	struct in_addr ns[NET_MAX_DNS];
	char a[INET_ADDRSTRLEN];
	size_t skipped = 99;

	ASSERT_EQ(parse("# generated\n"
			"search example.internal\n"
			"nameserver 10.255.255.53\n"
			"nameserver\t203.0.113.53 # second\n"
			"options ndots:2\n",
			ns, &skipped),
		  2);
	ASSERT_EQ(skipped, 0);
	ASSERT_STR_EQ(inet_ntop(AF_INET, &ns[0], a, sizeof(a)), "10.255.255.53");
	ASSERT_STR_EQ(inet_ntop(AF_INET, &ns[1], a, sizeof(a)), "203.0.113.53");
cleanup:
	return;
}

TEST(resolv_parse_skips_unusable)
{
	struct in_addr ns[NET_MAX_DNS];
	char a[INET_ADDRSTRLEN];
	size_t skipped = 0;

	ASSERT_EQ(parse("nameserver 127.0.0.53\n"
			"nameserver 127.0.0.1\n"
			"nameserver ::1\n"
			"nameserver 2001:db8::53\n"
			"nameserver 0.0.0.0\n"
			"nameserver 224.0.0.251\n"
			"nameserver 255.255.255.255\n"
			"nameserver 300.1.1.1\n"
			"nameserver 198.51.100.7",
			ns, &skipped),
		  1);
	ASSERT_EQ(skipped, 8);
	ASSERT_STR_EQ(inet_ntop(AF_INET, &ns[0], a, sizeof(a)), "198.51.100.7");
cleanup:
	return;
}

TEST(resolv_parse_only_loopback)
{
	struct in_addr ns[NET_MAX_DNS];
	size_t skipped = 0;

	ASSERT_EQ(parse("nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch .\n", ns, &skipped),
		  0);
	ASSERT_EQ(skipped, 1);
	ASSERT_EQ(parse("", ns, &skipped), 0);
	ASSERT_EQ(skipped, 0);
cleanup:
	return;
}

TEST(resolv_parse_ignores_lookalikes)
{
	struct in_addr ns[NET_MAX_DNS];
	size_t skipped = 0;

	ASSERT_EQ(parse("#nameserver 198.51.100.1\n"
			"; nameserver 198.51.100.2\n"
			"nameservers 198.51.100.3\n"
			"nameserver198.51.100.4\n"
			"nameserver\n"
			"nameserver   \n"
			"xnameserver 198.51.100.5\n",
			ns, &skipped),
		  0);
	ASSERT_EQ(skipped, 0);
cleanup:
	return;
}

TEST(resolv_parse_dedup_and_max)
{
	struct in_addr ns[NET_MAX_DNS];
	char a[INET_ADDRSTRLEN];

	ASSERT_EQ(parse("nameserver 198.51.100.1\n"
			"nameserver 198.51.100.1\n"
			"  nameserver 198.51.100.2\r\n"
			"nameserver 198.51.100.3\n"
			"nameserver 198.51.100.4\n",
			ns, NULL),
		  3);
	ASSERT_STR_EQ(inet_ntop(AF_INET, &ns[0], a, sizeof(a)), "198.51.100.1");
	ASSERT_STR_EQ(inet_ntop(AF_INET, &ns[1], a, sizeof(a)), "198.51.100.2");
	ASSERT_STR_EQ(inet_ntop(AF_INET, &ns[2], a, sizeof(a)), "198.51.100.3");
cleanup:
	return;
}

TEST(resolv_parse_hostile_bytes)
{
	static const char text[] = "nameserver 198.51.100.9\0\nnameserver 198.51.100.1\0junk\n";
	struct in_addr ns[NET_MAX_DNS];
	char a[INET_ADDRSTRLEN], big[3000];
	size_t skipped = 0;

	/* a NUL inside the address word makes it unusable, not a truncated address */
	ASSERT_EQ(net_parse_resolv_conf(text, sizeof(text) - 1, ns, NET_MAX_DNS, &skipped), 0);
	ASSERT_EQ(skipped, 2);
	memset(big, 'x', sizeof(big));
	memcpy(big, "nameserver ", 11);
	big[sizeof(big) - 1] = '\0';
	ASSERT_EQ(parse(big, ns, &skipped), 0);
	ASSERT_EQ(skipped, 1);
	/* the length bounds the read: the second line is past it */
	ASSERT_EQ(net_parse_resolv_conf("nameserver 198.51.100.1\nnameserver 198.51.100.2\n", 24,
					ns, NET_MAX_DNS, NULL),
		  1);
	ASSERT_STR_EQ(inet_ntop(AF_INET, &ns[0], a, sizeof(a)), "198.51.100.1");
cleanup:
	return;
}

TEST(resolv_render)
{
	struct in_addr ns[2];
	char *s = NULL;

	inet_pton(AF_INET, "198.51.100.53", &ns[0]);
	inet_pton(AF_INET, "203.0.113.53", &ns[1]);
	ASSERT_EQ(net_render_resolv_conf(ns, 2, &s), 0);
	ASSERT_STR_EQ(s, "# written by conduct for this sandbox (--net nat)\n"
			 "nameserver 198.51.100.53\n"
			 "nameserver 203.0.113.53\n");
	free(s);
	s = NULL;
	ASSERT_EQ(net_render_resolv_conf(ns, 0, &s), 0);
	ASSERT_STR_EQ(s, "# written by conduct for this sandbox (--net nat)\n"
			 "# no nameserver usable from the sandbox was found; run with --dns ADDR\n");
cleanup:
	free(s);
}

TEST(new_rejects_bad_dns)
{
	struct error err = { 0 };
	struct net *n = NULL;

	ASSERT_EQ(net_new(SANDBOX_NET_NAT, "dns.example", 1, &n, &err), -EINVAL);
	ASSERT_STR_EQ(err.text, "--dns: 'dns.example' is not an IPv4 address");
	ASSERT_EQ(net_new(SANDBOX_NET_NAT, "2001:db8::53", 1, &n, &err), -EINVAL);
	ASSERT_EQ(net_new(SANDBOX_NET_NAT, "127.0.0.53", 1, &n, &err), -EINVAL);
	ASSERT_TRUE(strstr(err.text, "cannot be reached from the sandbox") != NULL);
	ASSERT_EQ(net_new(SANDBOX_NET_NONE, "198.51.100.53", 1, &n, &err), -EINVAL);
	ASSERT_STR_EQ(err.text, "--dns only applies to --net nat");
	ASSERT_EQ(net_new(SANDBOX_NET_HOST, "198.51.100.53", 1, &n, &err), -EINVAL);
	ASSERT_TRUE(n == NULL);
cleanup:
	net_free(n);
}

TEST(new_nat_with_dns)
{
	struct error err = { 0 };
	struct net *n = NULL;
	json_t *d = NULL;
	char a[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN];
	uint32_t base;

	ASSERT_EQ(net_new(SANDBOX_NET_NAT, "198.51.100.53", 0x1234abcd, &n, &err), 0);
	ASSERT_EQ(net_wants_netns(n), 1);
	ASSERT_STR_EQ(net_resolv_conf(n), "# written by conduct for this sandbox (--net nat)\n"
					  "nameserver 198.51.100.53\n");
	d = net_describe(n);
	ASSERT_TRUE(d != NULL);
	ASSERT_STR_EQ(json_string_value(json_object_get(d, "mode")), "nat");
	ASSERT_STR_EQ(json_string_value(json_object_get(d, "veth")), "cd1234abcdh");
	ASSERT_STR_EQ(json_string_value(json_object_get(d, "nft_table")), "conduct_1234abcd");
	ASSERT_EQ(json_array_size(json_object_get(d, "dns")), 1);
	ASSERT_STR_EQ(json_string_value(json_array_get(json_object_get(d, "dns"), 0)),
		      "198.51.100.53");
	ASSERT_EQ(json_integer_value(json_object_get(d, "prefix")), 30);
	/* unless that /30 is taken here, the first probe's */
	base = net_subnet_base(0x1234abcd, 0);
	ASSERT_STR_EQ(json_string_value(json_object_get(d, "addr")), ip(base + 2, a));
	ASSERT_STR_EQ(json_string_value(json_object_get(d, "gateway")), ip(base + 1, g));
cleanup:
	json_decref(d);
	net_free(n);
}

TEST(new_none_and_host)
{
	struct error err = { 0 };
	struct net *n = NULL;
	json_t *d = NULL;

	ASSERT_EQ(net_new(SANDBOX_NET_NONE, NULL, 7, &n, &err), 0);
	ASSERT_EQ(net_wants_netns(n), 1);
	ASSERT_TRUE(net_resolv_conf(n) == NULL);
	/* nothing to attach for none: no link, no nft, no sysctl */
	ASSERT_EQ(net_attach(n, 1, &err), 0);
	d = net_describe(n);
	ASSERT_STR_EQ(json_string_value(json_object_get(d, "mode")), "none");
	ASSERT_TRUE(json_is_null(json_object_get(d, "addr")));
	ASSERT_TRUE(json_is_null(json_object_get(d, "veth")));
	ASSERT_EQ(json_array_size(json_object_get(d, "dns")), 0);
	json_decref(d);
	d = NULL;
	net_free(n);
	n = NULL;

	ASSERT_EQ(net_new(SANDBOX_NET_HOST, NULL, 7, &n, &err), 0);
	ASSERT_EQ(net_wants_netns(n), 0);
	ASSERT_TRUE(net_resolv_conf(n) == NULL);
	/* host: the child must not touch conduct's own namespace (nor could it, unprivileged) */
	ASSERT_EQ(net_child_setup(n), 0);
	d = net_describe(n);
	ASSERT_STR_EQ(json_string_value(json_object_get(d, "mode")), "host");
	ASSERT_STR_EQ(json_string_value(json_object_get(d, "scope")),
		      "the network namespace conduct runs in, shared");
	net_free(NULL);
cleanup:
	json_decref(d);
	net_free(n);
}

int main(void)
{
	RUN(subnet_known_values);
	RUN(subnet_in_range_and_aligned);
	RUN(subnet_probe_walks_and_wraps);
	RUN(subnet_spreads_consecutive_ids);
	RUN(resolv_parse_typical);
	RUN(resolv_parse_skips_unusable);
	RUN(resolv_parse_only_loopback);
	RUN(resolv_parse_ignores_lookalikes);
	RUN(resolv_parse_dedup_and_max);
	RUN(resolv_parse_hostile_bytes);
	RUN(resolv_render);
	RUN(new_rejects_bad_dns);
	RUN(new_nat_with_dns);
	RUN(new_none_and_host);
	return test_summary();
}
