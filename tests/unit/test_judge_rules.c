/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_judge_rules: every rule of the catalog on hand-made traces whose net.data holds real
 * protocol bytes (gen_traces.py and gen_upgrades.py in tests/fixtures/judge/ say how each was
 * made). Each trace states exactly which findings it must raise, with their evidence lines, in
 * report order; a close look-alike of each raising trace must not raise the rule (the table
 * says which).
 */
#include <string.h>

#include "judge/judge_int.h"
#include "testhelp.h"

#define FIX "tests/fixtures/judge/"

static struct policy *pol;

/* "verdict: RULE@l1,l2 RULE@l3" from a report. */
static void canon(const json_t *r, char *out, size_t n)
{
	size_t off, i, j;
	json_t *f, *e;

	/* snprintf returns what it wanted to write: stop at the buffer's end (n > 0) */
	off = MIN((size_t)snprintf(out, n, "%s:", json_string_value(json_object_get(r, "verdict"))),
		  n - 1);
	json_array_foreach (json_object_get(r, "findings"), i, f) {
		off += MIN((size_t)snprintf(out + off, n - off, " %s@",
					    json_string_value(json_object_get(f, "rule"))),
			   n - 1 - off);
		json_array_foreach (json_object_get(f, "evidence"), j, e)
			off += MIN((size_t)snprintf(out + off, n - off, "%s%lld", j ? "," : "",
						    (long long)json_integer_value(e)),
				   n - 1 - off);
	}
}

static const struct {
	const char *trace;
	const char *expect;
} cases[] = {
	/* the secret to its declared host over TLS 1.3: nothing (look-alike of the next) */
	{"tls13_declared.jsonl", "pass:"},
	{"tls13_undeclared.jsonl",
	 "fail: PRIV-1.credential-exfiltration@4,7 CC-5.undeclared-egress@4,5"},
	/* cleartext to the declared host on an undeclared port: exposure, not exfiltration */
	{"http_secret.jsonl",
	 "fail: DP-1.secret-exposure@4,5 DP-2.plaintext@4,5 CC-5.undeclared-egress@4,5"},
	{"tls10.jsonl", "fail: DP-2.tls-version@5,6 DP-2.tls-version@8"},
	/* raw IP without SNI; the raw IP in the cluster CIDR (line 5) raises nothing */
	{"rawip.jsonl",
	 "fail: CC-5.hidden-channel@2 CC-5.hidden-channel@2,3 CC-5.undeclared-egress@2,3"},
	{"storage.jsonl", "fail: DP-3.external-storage@4,5 CC-5.undeclared-egress@4,5"},
	{"storage_declared.jsonl", "pass:"},
	/* hex in DNS labels; the ordinary lookup (line 4) raises nothing */
	{"dns_tunnel.jsonl",
	 "fail: PRIV-1.credential-exfiltration@2 DP-1.secret-exposure@2 CC-5.hidden-channel@2"},
	{"doh.jsonl",
	 "fail: CC-5.hidden-channel@4,5 CC-5.hidden-channel@7,8 CC-5.undeclared-egress@4,5 "
	 "CC-5.undeclared-egress@7,8"},
	/* /tmp is declared (lines 2, 10 raise nothing); /usr/bin/curl (line 8) is not dropped */
	{"files.jsonl", "fail: CC-3.dropped-code@4,6 CC-3.dropped-code@7 CC-1.undeclared-code@9 "
			"DP-3.local-persistence@3"},
	/* its own environ (lines 4, 5) and its own config (line 6) raise nothing */
	{"access.jsonl",
	 "fail: PRIV-1.credential-access@2 PRIV-1.credential-access@3 PRIV-1.credential-access@7 "
	 "CC-5.hidden-channel@7 CC-5.undeclared-egress@7"},
	/* a honey credential has no legitimate recipient, TLS 1.3 or not */
	{"honey_log.jsonl", "fail: PRIV-1.credential-exfiltration@4,7 DP-1.secret-exposure@8"},
	{"sandbox_loss.jsonl",
	 "incomplete: SB-1.escape-attempt@2,4 SB-1.escape-attempt@3 MON-1.incomplete@5,6"},
	/* QUIC outside; cleartext UDP to the cluster (line 5) raises nothing */
	{"quic.jsonl", "fail: CC-5.hidden-channel@4 CC-5.undeclared-egress@4"},
	{"timeout.jsonl", "incomplete: MON-1.incomplete@3"},
	{"download.jsonl",
	 "fail: DP-2.plaintext@4,5 CC-5.undeclared-egress@4,5 CC-1.undeclared-code@5,6"},
	/* a long secret wrapped by base64(1) over lines 3-9: its distinctive part (the bytes no
	 * other canary shares, 256-350) is on lines 7-9, the first such 64-byte window on 7-8; the
	 * honey credential sharing its first 318 characters is not reported */
	{"log_wrapped.jsonl", "fail: DP-1.secret-exposure@7,8"},
	/* Encrypted Client Hello to the declared host (tls13_declared.jsonl is the look-alike) */
	{"ech.jsonl", "fail: CC-5.hidden-channel@4,5"},
	/* TLS after SMTP STARTTLS (hellos on lines 10, 11: not the dialogue before them) and
	 * after a PostgreSQL SSLRequest (a hello offering at most 1.0 on line 17, refused) */
	{"starttls.jsonl", "fail: DP-2.tls-version@10,11 DP-2.tls-version@17"},
	/* the same upgrades to TLS 1.3 */
	{"starttls_13.jsonl", "pass:"},
	/* gen_audit.py: 30 (dns_subdomains_per_domain) different names under relay.example, each
	 * line its evidence; look-alikes: one name looked up 30 times, and 29 different names */
	{"audit_dns_subdomains.jsonl",
	 "fail: CC-5.hidden-channel@2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,"
	 "25,26,27,28,29,30,31"},
	{"audit_dns_repeated.jsonl", "pass:"},
	{"audit_dns_29.jsonl", "pass:"},
	/* exec of a deleted regular file (not memfd); look-alike: exec of a file that was not
	 * written before it ran (the same path is created after the exec, on line 3) */
	{"audit_exec_deleted.jsonl", "fail: CC-3.dropped-code@2"},
	{"audit_exec_kept.jsonl", "pass:"},
	/* a PostgreSQL StartupMessage (cleartext) to an undeclared host on 5432 (database-ports);
	 * look-alike: the same bytes to the same port of a declared egress host: still cleartext,
	 * but neither external storage nor undeclared egress */
	{"audit_db_port.jsonl",
	 "fail: DP-2.plaintext@4,5 DP-3.external-storage@4,5 CC-5.undeclared-egress@4,5"},
	{"audit_db_port_declared.jsonl", "fail: DP-2.plaintext@4,5"},
	/* flows named by SNI (2, 3) and by HTTP Host (4, 5) are not raw IP; a Host that is an
	 * address (6, 7) names nothing: raw IP */
	{"audit_naming.jsonl",
	 "fail: DP-2.plaintext@4,5 DP-2.plaintext@6,7 CC-5.hidden-channel@6 "
	 "CC-5.undeclared-egress@2,3 CC-5.undeclared-egress@4,5 CC-5.undeclared-egress@6,7"},
	/* look-alikes of MON-1 and SB-1: a loss record of 0 events, failed ordinary calls (ENOENT
	 * open, EACCES exec, refused connect), a run killed by SIGKILL without timing out */
	{"audit_quiet_failures.jsonl", "pass:"},
};

TEST(catalog)
{
	size_t k;
	json_t *r = NULL;

	for (k = 0; k < ARRAY_SIZE(cases); k++) {
		struct error err = {0};
		char got[2048];

		{
			char path[256];

			snprintf(path, sizeof(path), FIX "%s", cases[k].trace);
			r = NULL;
			if (judge_check_file(path, NULL, pol, &r, &err) < 0)
				TEST_FAIL_AT("%s: %u:%u: %s", cases[k].trace, err.line, err.column,
					     err.text);
		}
		canon(r, got, sizeof(got));
		json_decref(r);
		r = NULL;
		if (strcmp(got, cases[k].expect) != 0)
			TEST_FAIL_AT("%s:\n    got    %s\n    expect %s", cases[k].trace, got,
				     cases[k].expect);
	}
cleanup:
	json_decref(r);
}

/* Every rule of the catalog is raised by some case above. */
TEST(every_rule_covered)
{
	int k;
	size_t c;

	for (k = 0; k < R__COUNT; k++) {
		bool seen = false;

		for (c = 0; c < ARRAY_SIZE(cases); c++) {
			char needle[64];

			snprintf(needle, sizeof(needle), " %s@", rule_names[k]);
			if (strstr(cases[c].expect, needle))
				seen = true;
		}
		if (!seen)
			TEST_FAIL_AT("no case raises %s", rule_names[k]);
	}
cleanup:
	return;
}

/* A manifest given on the command line replaces the embedded one. */
TEST(manifest_override)
{
	struct manifest *m = NULL;
	struct error err = {0};
	json_t *r = NULL, *man;
	char got[1024];

	man = json_pack("{s:s, s:s, s:[{s:s, s:[i]}]}", "connector", "evil-ok", "version", "1",
			"egress", "host", "collect.evil.example", "ports", 443);
	ASSERT_EQ(manifest_from_json(man, &m, &err), 0);
	ASSERT_EQ(judge_check_file(FIX "tls13_undeclared.jsonl", m, pol, &r, &err), 0);
	canon(r, got, sizeof(got));
	/* the host is declared now, but the secret has no recipient there */
	ASSERT_STR_EQ(got, "fail: PRIV-1.credential-exfiltration@4,7");
	ASSERT_STR_EQ(json_string_value(json_object_get(json_object_get(r, "connector"), "name")),
		      "evil-ok");
cleanup:
	json_decref(man);
	json_decref(r);
	manifest_free(m);
}

/* The report: deterministic, deadlines from the run's start, observed inventory. */
TEST(report_shape)
{
	struct error err = {0};
	json_t *a = NULL, *b = NULL, *f, *c;
	char *sa = NULL, *sb = NULL;

	ASSERT_EQ(judge_check_file(FIX "honey_log.jsonl", NULL, pol, &a, &err), 0);
	ASSERT_EQ(judge_check_file(FIX "honey_log.jsonl", NULL, pol, &b, &err), 0);
	sa = json_dumps(a, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
	sb = json_dumps(b, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
	ASSERT_STR_EQ(sa, sb);
	f = json_array_get(json_object_get(a, "findings"), 0);
	ASSERT_STR_EQ(json_string_value(json_object_get(f, "severity")), "critical");
	ASSERT_EQ(json_real_value(json_object_get(json_object_get(f, "cvss"), "score")) * 10, 100);
	/* started 2026-11-26T10:00:00Z; critical: 24 h, 48 h, 4 weeks */
	ASSERT_STR_EQ(
		json_string_value(json_object_get(json_object_get(f, "deadlines"), "acknowledge")),
		"2026-11-27T10:00:00Z");
	ASSERT_STR_EQ(
		json_string_value(json_object_get(json_object_get(f, "deadlines"), "mitigate")),
		"2026-11-28T10:00:00Z");
	ASSERT_STR_EQ(json_string_value(json_object_get(json_object_get(f, "deadlines"), "fix")),
		      "2026-12-24T10:00:00Z");
	c = json_array_get(json_object_get(json_object_get(a, "observed"), "connections"), 0);
	ASSERT_STR_EQ(json_string_value(json_object_get(c, "host")), "api.acme.example");
	ASSERT_STR_EQ(json_string_value(json_object_get(c, "named_by")), "dns");
	ASSERT_STR_EQ(json_string_value(json_object_get(c, "tls")), "1.3");
	ASSERT_STR_EQ(json_string_value(json_object_get(c, "declared")), "egress");
	ASSERT_EQ(json_array_size(json_object_get(json_object_get(a, "observed"), "connections")),
		  1);
	ASSERT_STR_EQ(json_string_value(json_object_get(
			      json_array_get(json_object_get(json_object_get(a, "observed"),
							     "honey_files_touched"),
					     0),
			      "path")),
		      "/root/.aws/credentials");
	ASSERT_EQ(json_integer_value(json_object_get(json_object_get(a, "summary"), "critical")),
		  1);
	ASSERT_EQ(json_integer_value(json_object_get(json_object_get(a, "summary"), "high")), 1);
	ASSERT_EQ(json_integer_value(json_object_get(json_object_get(a, "summary"), "events")), 9);
	ASSERT_EQ(judge_max_severity(a), SEV_CRITICAL);
cleanup:
	free(sa);
	free(sb);
	json_decref(a);
	json_decref(b);
}

/* A low finding has no deadlines (the guidelines accept Low) and says so. */
TEST(low_has_no_deadlines)
{
	struct error err = {0};
	json_t *r = NULL, *f = NULL, *e;
	size_t i;

	ASSERT_EQ(judge_check_file(FIX "files.jsonl", NULL, pol, &r, &err), 0);
	json_array_foreach (json_object_get(r, "findings"), i, e) {
		if (!strcmp(json_string_value(json_object_get(e, "rule")),
			    "DP-3.local-persistence"))
			f = e;
	}
	ASSERT_TRUE(f != NULL);
	ASSERT_STR_EQ(json_string_value(json_object_get(f, "severity")), "low");
	ASSERT_TRUE(json_is_null(json_object_get(json_object_get(f, "deadlines"), "fix")));
	ASSERT_TRUE(strstr(json_string_value(json_object_get(f, "summary")), "accepted") != NULL);
cleanup:
	json_decref(r);
}

/* A flow upgraded to TLS in the middle shows its TLS version and SNI in the inventory. */
TEST(upgraded_flows)
{
	static const struct {
		const char *trace;
		const char *tls[2];
	} t[] = {
		{"starttls.jsonl", {"1.0", NULL}}, /* the PostgreSQL server refused TLS 1.0 */
		{"starttls_13.jsonl", {"1.3", "1.3"}},
	};
	static const char *const sni[2] = {"mail.acme.example", "db.acme.example"};
	static const int port[2] = {587, 5432};
	struct error err = {0};
	json_t *r = NULL, *conns, *c;
	size_t k, j;

	for (k = 0; k < ARRAY_SIZE(t); k++) {
		char path[256];

		snprintf(path, sizeof(path), FIX "%s", t[k].trace);
		ASSERT_EQ(judge_check_file(path, NULL, pol, &r, &err), 0);
		conns = json_object_get(json_object_get(r, "observed"), "connections");
		ASSERT_EQ(json_array_size(conns), 2);
		for (j = 0; j < 2; j++) {
			c = json_array_get(conns, j);
			ASSERT_EQ(json_integer_value(json_object_get(c, "port")), port[j]);
			ASSERT_STR_EQ(json_string_value(json_object_get(c, "host")), sni[j]);
			ASSERT_STR_EQ(json_string_value(json_object_get(c, "sni")), sni[j]);
			if (t[k].tls[j])
				ASSERT_STR_EQ(json_string_value(json_object_get(c, "tls")),
					      t[k].tls[j]);
			else
				ASSERT_TRUE(json_is_null(json_object_get(c, "tls")));
		}
		if (k == 0) {
			json_t *f = json_array_get(json_object_get(r, "findings"), 0);

			ASSERT_STR_EQ(json_string_value(json_object_get(f, "summary")),
				      "The connection to mail.acme.example (203.0.113.25) port 587 "
				      "negotiated TLS 1.0, below the required TLS 1.2.");
		}
		json_decref(r);
		r = NULL;
	}
cleanup:
	json_decref(r);
}

/* Names come only from what the run saw: DNS answers, else SNI, else HTTP Host; an address
 * in the Host header names nothing. No DNS in audit_naming.jsonl. */
TEST(named_without_dns)
{
	static const struct {
		const char *addr, *host, *by, *sni;
		int port;
	} want[] = {
		{"203.0.113.40", "files.other.example", "sni", "files.other.example", 443},
		{"203.0.113.41", "plain.other.example", "http", NULL, 80},
		{"203.0.113.42", NULL, NULL, NULL, 80},
	};
	struct error err = {0};
	json_t *r = NULL, *conns, *c;
	size_t k;

	ASSERT_EQ(judge_check_file(FIX "audit_naming.jsonl", NULL, pol, &r, &err), 0);
	ASSERT_EQ(json_array_size(json_object_get(json_object_get(r, "observed"), "dns")), 0);
	conns = json_object_get(json_object_get(r, "observed"), "connections");
	ASSERT_EQ(json_array_size(conns), ARRAY_SIZE(want));
	for (k = 0; k < ARRAY_SIZE(want); k++) {
		c = json_array_get(conns, k);
		ASSERT_STR_EQ(json_string_value(json_object_get(c, "addr")), want[k].addr);
		ASSERT_EQ(json_integer_value(json_object_get(c, "port")), want[k].port);
		if (want[k].host) {
			ASSERT_STR_EQ(json_string_value(json_object_get(c, "host")), want[k].host);
			ASSERT_STR_EQ(json_string_value(json_object_get(c, "named_by")),
				      want[k].by);
		} else {
			ASSERT_TRUE(json_is_null(json_object_get(c, "host")));
			ASSERT_TRUE(json_is_null(json_object_get(c, "named_by")));
		}
		if (want[k].sni)
			ASSERT_STR_EQ(json_string_value(json_object_get(c, "sni")), want[k].sni);
		else
			ASSERT_TRUE(json_is_null(json_object_get(c, "sni")));
		ASSERT_STR_EQ(json_string_value(json_object_get(c, "declared")), "no");
	}
cleanup:
	json_decref(r);
}

/* The summaries of the new raising traces say what happened in a partner's words. */
TEST(audit_summaries)
{
	static const struct {
		const char *trace, *rule, *summary;
	} t[] = {
		{"audit_dns_subdomains.jsonl", "CC-5.hidden-channel",
		 "The connector looked up 30 different names under relay.example: a pattern of DNS "
		 "tunneling."},
		{"audit_exec_deleted.jsonl", "CC-3.dropped-code",
		 "The connector executed /tmp/.stage2 (deleted) from a file deleted from disk."},
		{"audit_db_port.jsonl", "DP-3.external-storage",
		 "The connector sent data to db.other.example (203.0.113.30) port 5432, PostgreSQL "
		 "(database), a service the manifest does not declare: data may be stored outside "
		 "the cluster."},
	};
	struct error err = {0};
	json_t *r = NULL, *f;
	size_t k, i;

	for (k = 0; k < ARRAY_SIZE(t); k++) {
		char path[256];
		const char *got = NULL;

		snprintf(path, sizeof(path), FIX "%s", t[k].trace);
		ASSERT_EQ(judge_check_file(path, NULL, pol, &r, &err), 0);
		json_array_foreach (json_object_get(r, "findings"), i, f)
			if (!strcmp(json_string_value(json_object_get(f, "rule")), t[k].rule))
				got = json_string_value(json_object_get(f, "summary"));
		ASSERT_TRUE(got != NULL);
		ASSERT_STR_EQ(got, t[k].summary);
		json_decref(r);
		r = NULL;
	}
cleanup:
	json_decref(r);
}

int main(void)
{
	struct error err = {0};

	if (policy_load("policies/marketplace.json", &pol, &err) < 0) {
		printf("cannot load the policy: %u:%u: %s\n", err.line, err.column, err.text);
		printf("0 passed, 1 failed\n");
		return 1;
	}
	RUN(catalog);
	RUN(every_rule_covered);
	RUN(manifest_override);
	RUN(report_shape);
	RUN(low_has_no_deadlines);
	RUN(upgraded_flows);
	RUN(named_without_dns);
	RUN(audit_summaries);
	policy_free(pol);
	return test_summary();
}
