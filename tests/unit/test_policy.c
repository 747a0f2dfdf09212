/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_policy: the strict policy loader (each malformed policy or knowledge list fails at the
 * exact line:column of the offending value; the expected positions were computed from the
 * texts below by counting characters, not taken from the loader), and the shipped
 * policies/marketplace.json: all 13 rules of the catalog, scores computed from the vectors,
 * clauses quoted from the guidelines, knowledge lists that match what they claim to.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "judge/judge_int.h"
#include "testhelp.h"

static char dir[64];

static int write_tmp(const char *name, const char *text, char *path, size_t n)
{
	int fd;

	snprintf(path, n, "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (write_all(fd, text, strlen(text)) < 0) {
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static const struct {
	const char *what;
	const char *text;
	unsigned int line, col;
	const char *msg;
	const char *knowledge; /* k.json next to the policy, or NULL */
} bad[] = {
	{"unknown rule id",
	 "{\"id\":\"p\",\"version\":\"1\",\n\"rules\":[\n{\"id\":\"DP-9.bogus\",\"section\":\"Data "
	 "Protection "
	 "2\",\"clause\":\"c\",\"cvss\":\"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/"
	 "A:N\",\"cvss_reasoning\":\"r\",\"why\":\"w\",\"summary\":\"s\",\"params\":{\"min_"
	 "version\":\"1.2\"}}\n]}",
	 3, 7, "unknown rule id \"DP-9.bogus\"", NULL},
	{"bad CVSS vector",
	 "{\"id\":\"p\",\"version\":\"1\",\n\"rules\":[\n{\"id\":\"DP-2.tls-version\",\"section\":"
	 "\"Data Protection "
	 "2\",\"clause\":\"c\",\"cvss\":\"CVSS:3.1/AV:Q/AC:H/PR:N/UI:N/S:U/C:H/I:N/"
	 "A:N\",\"cvss_reasoning\":\"r\",\"why\":\"w\",\"summary\":\"s\",\"params\":{\"min_"
	 "version\":\"1.2\"}}\n]}",
	 3, 76, "bad CVSS vector", NULL},
	{"CVSS scoring 0",
	 "{\"id\":\"p\",\"version\":\"1\",\n\"rules\":[\n{\"id\":\"DP-2.tls-version\",\"section\":"
	 "\"Data Protection "
	 "2\",\"clause\":\"c\",\"cvss\":\"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:N/"
	 "A:N\",\"cvss_reasoning\":\"r\",\"why\":\"w\",\"summary\":\"s\",\"params\":{\"min_"
	 "version\":\"1.2\"}}\n]}",
	 3, 76, "scores 0.0", NULL},
	{"unknown parameter",
	 "{\"id\":\"p\",\"version\":\"1\",\n\"rules\":[\n{\"id\":\"DP-2.tls-version\",\"section\":"
	 "\"Data Protection "
	 "2\",\"clause\":\"c\",\"cvss\":\"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/"
	 "A:N\",\"cvss_reasoning\":\"r\",\"why\":\"w\",\"summary\":\"s\",\"params\":{\"min_"
	 "versoin\":\"1.2\"}}\n]}",
	 3, 178, "unknown parameter \"min_versoin\"", NULL},
	{"parameter of the wrong type",
	 "{\"id\":\"p\",\"version\":\"1\",\n\"rules\":[\n{\"id\":\"DP-2.tls-version\",\"section\":"
	 "\"Data Protection "
	 "2\",\"clause\":\"c\",\"cvss\":\"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/"
	 "A:N\",\"cvss_reasoning\":\"r\",\"why\":\"w\",\"summary\":\"s\",\"params\":{\"min_"
	 "version\":12}}\n]}",
	 3, 192, "must be a string", NULL},
	{"rule twice",
	 "{\"id\":\"p\",\"version\":\"1\",\n\"rules\":[\n{\"id\":\"DP-2.tls-version\",\"section\":"
	 "\"Data Protection "
	 "2\",\"clause\":\"c\",\"cvss\":\"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/"
	 "A:N\",\"cvss_reasoning\":\"r\",\"why\":\"w\",\"summary\":\"s\",\"params\":{\"min_"
	 "version\":\"1.2\"}},\n{\"id\":\"DP-2.tls-version\",\"section\":\"Data Protection "
	 "2\",\"clause\":\"c\",\"cvss\":\"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/"
	 "A:N\",\"cvss_reasoning\":\"r\",\"why\":\"w\",\"summary\":\"s\",\"params\":{\"min_"
	 "version\":\"1.2\"}}\n]}",
	 4, 7, "defined twice", NULL},
	{"missing clause",
	 "{\"id\":\"p\",\"version\":\"1\",\n\"rules\":[\n{\"id\":\"DP-2.tls-version\",\"section\":"
	 "\"Data Protection "
	 "2\",\"cvss\":\"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/"
	 "A:N\",\"cvss_reasoning\":\"r\",\"why\":\"w\",\"summary\":\"s\",\"params\":{\"min_"
	 "version\":\"1.2\"}}\n]}",
	 3, 1, "missing required field \"clause\"", NULL},
	{"unknown top-level field",
	 "{\"id\":\"p\",\"version\":\"1\",\"owner\":\"x\",\n\"rules\":[\n{\"id\":\"DP-2.tls-"
	 "version\",\"section\":\"Data Protection "
	 "2\",\"clause\":\"c\",\"cvss\":\"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/"
	 "A:N\",\"cvss_reasoning\":\"r\",\"why\":\"w\",\"summary\":\"s\",\"params\":{\"min_"
	 "version\":\"1.2\"}}\n]}",
	 1, 25, "unknown field \"owner\"", NULL},
	{"unknown knowledge list",
	 "{\"id\":\"p\",\"version\":\"1\",\"knowledge\":{\"pastes\":\"k.json\"},\n\"rules\":[\n{"
	 "\"id\":\"DP-2.tls-version\",\"section\":\"Data Protection "
	 "2\",\"clause\":\"c\",\"cvss\":\"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/"
	 "A:N\",\"cvss_reasoning\":\"r\",\"why\":\"w\",\"summary\":\"s\",\"params\":{\"min_"
	 "version\":\"1.2\"}}\n]}",
	 1, 38, "unknown knowledge list \"pastes\"", NULL},
	{"knowledge outside the policy directory",
	 "{\"id\":\"p\",\"version\":\"1\",\"knowledge\":{\"paste\":\"../"
	 "k.json\"},\n\"rules\":[\n{\"id\":\"DP-2.tls-version\",\"section\":\"Data Protection "
	 "2\",\"clause\":\"c\",\"cvss\":\"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/"
	 "A:N\",\"cvss_reasoning\":\"r\",\"why\":\"w\",\"summary\":\"s\",\"params\":{\"min_"
	 "version\":\"1.2\"}}\n]}",
	 1, 46, "relative path inside", NULL},
	{"bad knowledge pattern",
	 "{\"id\":\"p\",\"version\":\"1\",\"knowledge\":{\"paste\":\"k.json\"},\n\"rules\":[\n{"
	 "\"id\":\"DP-2.tls-version\",\"section\":\"Data Protection "
	 "2\",\"clause\":\"c\",\"cvss\":\"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/"
	 "A:N\",\"cvss_reasoning\":\"r\",\"why\":\"w\",\"summary\":\"s\",\"params\":{\"min_"
	 "version\":\"1.2\"}}\n]}",
	 1, 46, "k.json:3:11: bad host pattern \"a*b.example\"",
	 "{\"description\":\"d\",\"entries\":[\n "
	 "{\"match\":\"ok.example\",\"service\":\"s\",\"source\":\"x\"},\n "
	 "{\"match\":\"a*b.example\",\"service\":\"s\",\"source\":\"x\"}]}"},
	{"bad knowledge address",
	 "{\"id\":\"p\",\"version\":\"1\",\"knowledge\":{\"metadata\":\"k.json\"},\n\"rules\":[\n{"
	 "\"id\":\"DP-2.tls-version\",\"section\":\"Data Protection "
	 "2\",\"clause\":\"c\",\"cvss\":\"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/"
	 "A:N\",\"cvss_reasoning\":\"r\",\"why\":\"w\",\"summary\":\"s\",\"params\":{\"min_"
	 "version\":\"1.2\"}}\n]}",
	 1, 49, "k.json:1:53: \"169.254.169\" is not an IP address",
	 "{\"description\":\"d\",\"entries\":[{\"service\":\"s\",\"addr\":\"169.254.169\","
	 "\"source\":\"x\"}]}"},
	{"knowledge entry without source",
	 "{\"id\":\"p\",\"version\":\"1\",\"knowledge\":{\"storage\":\"k.json\"},\n\"rules\":[\n{"
	 "\"id\":\"DP-2.tls-version\",\"section\":\"Data Protection "
	 "2\",\"clause\":\"c\",\"cvss\":\"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/"
	 "A:N\",\"cvss_reasoning\":\"r\",\"why\":\"w\",\"summary\":\"s\",\"params\":{\"min_"
	 "version\":\"1.2\"}}\n]}",
	 1, 48, "k.json:1:31: missing required field \"source\"",
	 "{\"description\":\"d\",\"entries\":[{\"match\":\"a.example\",\"service\":\"s\"}]}"},
	{"knowledge entry with two selectors",
	 "{\"id\":\"p\",\"version\":\"1\",\"knowledge\":{\"storage\":\"k.json\"},\n\"rules\":[\n{"
	 "\"id\":\"DP-2.tls-version\",\"section\":\"Data Protection "
	 "2\",\"clause\":\"c\",\"cvss\":\"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/"
	 "A:N\",\"cvss_reasoning\":\"r\",\"why\":\"w\",\"summary\":\"s\",\"params\":{\"min_"
	 "version\":\"1.2\"}}\n]}",
	 1, 48, "k.json:1:31: an entry has exactly one of",
	 "{\"description\":\"d\",\"entries\":[{\"match\":\"a.example\",\"path\":\"/"
	 "x\",\"service\":\"s\",\"source\":\"x\"}]}"},
	{"duplicate key",
	 "{\"id\":\"p\",\"version\":\"1\",\n\"rules\":[\n{\"id\":\"DP-2.tls-version\",\"section\":"
	 "\"Data Protection "
	 "2\",\"clause\":\"c\",\"cvss\":\"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/"
	 "A:N\",\"cvss_reasoning\":\"r\",\"why\":\"w\",\"why\":\"v\",\"summary\":\"s\",\"params\":{"
	 "\"min_version\":\"1.2\"}}\n]}",
	 3, 154, "duplicate key \"why\"", NULL},
	{"no rules", "{\"id\":\"p\",\"version\":\"1\"}", 1, 1, "missing required field \"rules\"",
	 NULL},
};

TEST(malformed)
{
	size_t k;

	for (k = 0; k < ARRAY_SIZE(bad); k++) {
		struct policy *p = NULL;
		struct error err = {0};
		char path[128], kpath[128];
		int r;

		ASSERT_EQ(write_tmp("p.json", bad[k].text, path, sizeof(path)), 0);
		if (bad[k].knowledge)
			ASSERT_EQ(write_tmp("k.json", bad[k].knowledge, kpath, sizeof(kpath)), 0);
		r = policy_load(path, &p, &err);
		policy_free(p);
		if (r != -EINVAL)
			TEST_FAIL_AT("%s: returned %d, expected -EINVAL", bad[k].what, r);
		if (err.line != bad[k].line || err.column != bad[k].col ||
		    !strstr(err.text, bad[k].msg))
			TEST_FAIL_AT("%s:\n    got    %u:%u: %s\n    expect %u:%u: ...%s...",
				     bad[k].what, err.line, err.column, err.text, bad[k].line,
				     bad[k].col, bad[k].msg);
	}
cleanup:
	return;
}

static const struct policy *mp;

TEST(marketplace_rules)
{
	json_t *rules = policy_rules_json(mp), *r;
	size_t k;
	int i;

	ASSERT_TRUE(rules != NULL);
	ASSERT_EQ(json_array_size(rules), 13);
	json_array_foreach (rules, k, r) {
		ASSERT_STR_EQ(json_string_value(json_object_get(r, "id")), rule_names[k]);
		ASSERT_TRUE(json_string_length(json_object_get(r, "clause")) > 10);
		ASSERT_TRUE(json_string_length(json_object_get(r, "why")) > 10);
		ASSERT_TRUE(json_string_length(json_object_get(r, "section")) > 3);
	}
	for (i = 0; i < R__COUNT; i++)
		ASSERT_TRUE(mp->rules[i].present);
	ASSERT_EQ(mp->rules[R_DP2_TLS].score, 59);
	ASSERT_EQ(mp->rules[R_DP2_TLS].severity, SEV_MEDIUM);
	ASSERT_EQ(mp->rules[R_PRIV1_EXFIL].score, 100);
	ASSERT_EQ(mp->rules[R_PRIV1_EXFIL].severity, SEV_CRITICAL);
	ASSERT_EQ(mp->rules[R_DP3_PERSIST].severity, SEV_LOW);
	ASSERT_EQ(mp->rules[R_MON1_INCOMPLETE].severity, SEV_MEDIUM);
	ASSERT_STR_EQ(mp->rules[R_DP2_TLS].clause,
		      "All data must be encrypted in transit. TLS version 1.2 (or higher) must be "
		      "used for encryption.");
	ASSERT_EQ(mp->p.min_tls, 0x0303);
	ASSERT_EQ(strlen(mp->sha256), 64);
cleanup:
	json_decref(rules);
}

/*
 * Every clause is quoted verbatim from the guidelines. They live in shared/ beside the
 * repository (where CI puts them too; /work/shared on our machines for a clone elsewhere);
 * without them this test fails rather than passing unread.
 */
TEST(clauses_verbatim)
{
	char *g = NULL;
	size_t n = 0;
	int i;

	if (read_file_bounded("../shared/GUIDELINES.md", 1 << 20, &g, &n) < 0 &&
	    read_file_bounded("/work/shared/GUIDELINES.md", 1 << 20, &g, &n) < 0)
		TEST_FAIL_AT("GUIDELINES.md is neither in ../shared nor in /work/shared");
	for (i = 0; i < R__COUNT; i++)
		if (!memmem(g, n, mp->rules[i].clause, strlen(mp->rules[i].clause)))
			TEST_FAIL_AT("%s: clause not in the guidelines: \"%s\"", rule_names[i],
				     mp->rules[i].clause);
cleanup:
	free(g);
}

static bool klist_has(const struct klist *l, const char *host, const char *addr, int port)
{
	size_t k;

	for (k = 0; k < l->n; k++) {
		const struct kentry *e = &l->e[k];

		if (e->port && port && e->port != port)
			continue;
		if (host && e->match && host_match(e->match, host))
			return true;
		if (addr && e->addr &&
		    (e->has_cidr ? cidr_contains(&e->cidr, addr) : !strcmp(e->addr, addr)))
			return true;
		if (!host && !addr && e->port == port && !e->match && !e->addr && !e->path)
			return true;
	}
	return false;
}

TEST(knowledge)
{
	ASSERT_TRUE(klist_has(&mp->k[K_STORAGE], "acme-backups.s3.amazonaws.com", NULL, 0));
	ASSERT_TRUE(
		klist_has(&mp->k[K_STORAGE], "acme-backups.s3.eu-west-1.amazonaws.com", NULL, 0));
	ASSERT_TRUE(klist_has(&mp->k[K_STORAGE], "storage.googleapis.com", NULL, 0));
	ASSERT_TRUE(klist_has(&mp->k[K_STORAGE], "acct.blob.core.windows.net", NULL, 0));
	ASSERT_TRUE(klist_has(&mp->k[K_STORAGE], "proj-default-rtdb.firebaseio.com", NULL, 0));
	ASSERT_TRUE(klist_has(&mp->k[K_STORAGE], "cluster0.ab1cd.mongodb.net", NULL, 0));
	ASSERT_FALSE(klist_has(&mp->k[K_STORAGE], "api.acme.example", NULL, 0));
	ASSERT_FALSE(klist_has(&mp->k[K_STORAGE], "ec2.amazonaws.com", NULL, 0));
	ASSERT_TRUE(klist_has(&mp->k[K_TELEMETRY], "o4501.ingest.sentry.io", NULL, 0));
	ASSERT_TRUE(klist_has(&mp->k[K_TELEMETRY], "http-intake.logs.datadoghq.com", NULL, 0));
	ASSERT_TRUE(klist_has(&mp->k[K_TELEMETRY], "api.segment.io", NULL, 0));
	ASSERT_TRUE(klist_has(&mp->k[K_TELEMETRY], "www.google-analytics.com", NULL, 0));
	ASSERT_TRUE(klist_has(&mp->k[K_PASTE], "pastebin.com", NULL, 0));
	ASSERT_TRUE(klist_has(&mp->k[K_PASTE], "transfer.sh", NULL, 0));
	ASSERT_TRUE(klist_has(&mp->k[K_PASTE], "abcd-1-2-3-4.ngrok-free.app", NULL, 0));
	ASSERT_TRUE(klist_has(&mp->k[K_PASTE], "webhook.site", NULL, 0));
	ASSERT_TRUE(klist_has(&mp->k[K_PASTE], "c0ffee.oast.fun", NULL, 0));
	ASSERT_TRUE(klist_has(&mp->k[K_DOH], "dns.google", NULL, 0));
	ASSERT_TRUE(klist_has(&mp->k[K_DOH], "cloudflare-dns.com", NULL, 0));
	ASSERT_TRUE(klist_has(&mp->k[K_DOH], NULL, "1.1.1.1", 443));
	ASSERT_TRUE(klist_has(&mp->k[K_DOH], NULL, "9.9.9.9", 443));
	ASSERT_FALSE(klist_has(&mp->k[K_DOH], NULL, "1.1.1.1", 80));
	ASSERT_TRUE(klist_has(&mp->k[K_METADATA], NULL, "169.254.169.254", 80));
	ASSERT_TRUE(klist_has(&mp->k[K_METADATA], NULL, "fd00:ec2::254", 80));
	ASSERT_TRUE(klist_has(&mp->k[K_METADATA], NULL, "100.100.100.200", 80));
	ASSERT_TRUE(klist_has(&mp->k[K_METADATA], NULL, "169.254.170.2", 80));
	ASSERT_TRUE(klist_has(&mp->k[K_METADATA], "metadata.google.internal", NULL, 0));
	ASSERT_TRUE(klist_has(&mp->k[K_DB_PORTS], NULL, NULL, 5432));
	ASSERT_TRUE(klist_has(&mp->k[K_DB_PORTS], NULL, NULL, 27017));
	ASSERT_FALSE(klist_has(&mp->k[K_DB_PORTS], NULL, NULL, 443));
	ASSERT_TRUE(klist_has(&mp->k[K_REGISTRIES], "repo.maven.apache.org", NULL, 0));
	ASSERT_TRUE(mp->k[K_CREDENTIALS].n >= 10);
	ASSERT_TRUE(mp->k[K_HONEY].n >= 1);
cleanup:
	return;
}

TEST(explain)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	ASSERT_TRUE(f != NULL);
	ASSERT_EQ(policy_explain(mp, "DP-2.tls-version", f), 0);
	ASSERT_EQ(policy_explain(mp, "DP-9.bogus", f), -ENOENT);
	fclose(f);
	f = NULL;
	ASSERT_TRUE(strstr(buf, "TLS version 1.2 (or higher)") != NULL);
	ASSERT_TRUE(strstr(buf, "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N") != NULL);
	ASSERT_TRUE(strstr(buf, "base score 5.9") != NULL);
	ASSERT_TRUE(strstr(buf, "acknowledge within 5 days") != NULL);
	ASSERT_TRUE(strstr(buf, "mitigate within 10 days") != NULL);
	ASSERT_TRUE(strstr(buf, "fix within 8 weeks") != NULL);
cleanup:
	if (f)
		fclose(f);
	free(buf);
}

int main(void)
{
	struct policy *p = NULL;
	struct error err = {0};

	snprintf(dir, sizeof(dir), "/tmp/test_policy.XXXXXX");
	if (!mkdtemp(dir) || policy_load("policies/marketplace.json", &p, &err) < 0) {
		printf("cannot set up: %u:%u: %s\n0 passed, 1 failed\n", err.line, err.column,
		       err.text);
		return 1;
	}
	mp = p;
	RUN(malformed);
	RUN(marketplace_rules);
	RUN(clauses_verbatim);
	RUN(knowledge);
	RUN(explain);
	policy_free(p);
	{
		char q[128];

		snprintf(q, sizeof(q), "%s/p.json", dir);
		unlink(q);
		snprintf(q, sizeof(q), "%s/k.json", dir);
		unlink(q);
		rmdir(dir);
	}
	return test_summary();
}
