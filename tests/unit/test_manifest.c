/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_manifest: the strict manifest loader. Each malformed manifest must fail with the exact
 * line and column of the offending character (columns count characters from 1) and a message
 * naming the problem; a good manifest loads, round-trips and answers the secrets query.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "judge/judge_int.h"
#include "testhelp.h"

static char dir[64];

static int write_tmp(const char *name, const char *text, size_t len, char *path, size_t n)
{
	int fd;

	snprintf(path, n, "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (write_all(fd, text, len) < 0) {
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
} bad[] = {
	{"unknown field", "{\n  \"connector\": \"a\",\n  \"version\": \"1\",\n  \"egres\": []\n}\n",
	 4, 3, "unknown field \"egres\""},
	{"unknown nested field",
	 "{\"connector\":\"a\",\"version\":\"1\",\n "
	 "\"egress\":[{\"host\":\"x.example\",\"prot\":[1]}]}",
	 2, 32, "unknown field \"prot\""},
	{"wrong type", "{\"connector\": \"a\", \"version\": 1}", 1, 31, "must be a string"},
	{"wrong type of a list", "{\"connector\":\"a\",\"version\":\"1\",\"egress\":{}}", 1, 41,
	 "must be an array"},
	{"duplicate key", "{\"connector\":\"a\",\"connector\":\"b\",\"version\":\"1\"}", 1, 18,
	 "duplicate key \"connector\""},
	{"missing required field", "{\n  \"connector\": \"a\"\n}", 1, 1,
	 "missing required field \"version\""},
	{"bad CIDR (host bits)",
	 "{\"connector\":\"a\",\"version\":\"1\",\n\"cluster\":{\"cidrs\":[\"10.0.0.1/8\"]}}", 2,
	 21, "host bits set"},
	{"bad CIDR (prefix)",
	 "{\"connector\":\"a\",\"version\":\"1\",\"cluster\":{\"cidrs\":[\"10.0.0.0/33\"]}}", 1, 52,
	 "prefix length"},
	{"bad CIDR (address)",
	 "{\"connector\":\"a\",\"version\":\"1\",\"cluster\":{\"cidrs\":[\"10.0.0/8\"]}}", 1, 52,
	 "not an IPv4 or IPv6 address"},
	{"wildcard inside a label",
	 "{\"connector\":\"a\",\"version\":\"1\",\"cluster\":{\"hosts\":[\"a*b.example\"]}}", 1, 52,
	 "bad host \"a*b.example\""},
	{"bare wildcard", "{\"connector\":\"a\",\"version\":\"1\",\"cluster\":{\"hosts\":[\"*\"]}}",
	 1, 52, "bad host \"*\""},
	{"double wildcard",
	 "{\"connector\":\"a\",\"version\":\"1\",\"egress\":[{\"host\":\"**.x.example\"}]}", 1, 50,
	 "bad host \"**.x.example\""},
	{"wildcard over a TLD",
	 "{\"connector\":\"a\",\"version\":\"1\",\"egress\":[{\"host\":\"*.com\"}]}", 1, 50,
	 "at least two labels"},
	{"port out of range",
	 "{\"connector\":\"a\",\"version\":\"1\",\"egress\":[{\"host\":\"a.example\",\"ports\":["
	 "443,70000]}]}",
	 1, 75, "1..65535"},
	{"bad env name",
	 "{\"connector\":\"a\",\"version\":\"1\",\"secrets\":[{\"name\":\"T\",\"env\":\"A-B\"}]}",
	 1, 61, "not an environment variable name"},
	{"relative writable path",
	 "{\"connector\":\"a\",\"version\":\"1\",\"storage\":{\"writable\":[\"data\"]}}", 1, 55,
	 "not an absolute path"},
	{"secret declared twice",
	 "{\"connector\":\"a\",\"version\":\"1\",\"secrets\":[{\"name\":\"T\"},{\"name\":\"T\"}]}",
	 1, 64, "declared twice"},
	{"root not an object", "[]", 1, 1, "must be a JSON object"},
	{"trailing comma", "{\"connector\":\"a\",}", 1, 18, "object key (a string) expected"},
	{"unterminated", "{\"connector\":\"a\"", 1, 17, "',' or '}' expected"},
	{"NUL in a key", "{\"conn\\u0000ector\":\"a\"}", 1, 7, "NUL (\\u0000) in an object key"},
	{"NUL in a value", "{\"connector\":\"a\\u0000b\"}", 1, 16, "NUL (\\u0000) in a string"},
	{"invalid UTF-8", "{\"connector\":\"a\xff\",\"version\":\"1\"}", 1, 16, "invalid UTF-8"},
	{"garbage after the value", "{\"connector\":\"a\",\"version\":\"1\"} x", 1, 33,
	 "after the JSON value"},
	{"byte order mark", "\xef\xbb\xbf{}", 1, 1, "byte order mark"},
};

TEST(malformed)
{
	size_t k;

	for (k = 0; k < ARRAY_SIZE(bad); k++) {
		struct manifest *m = NULL;
		struct error err = {0};
		char path[128];
		int r;

		ASSERT_EQ(write_tmp("m.json", bad[k].text, strlen(bad[k].text), path, sizeof(path)),
			  0);
		r = manifest_load(path, &m, &err);
		manifest_free(m);
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

/* 10 000 nested arrays: rejected at the 33rd bracket, without recursion 10 000 deep. */
TEST(deep_nesting)
{
	struct manifest *m = NULL;
	struct error err = {0};
	char path[128], *text = NULL;
	size_t n = 10000;

	text = malloc(2 * n + 1);
	ASSERT_TRUE(text != NULL);
	memset(text, '[', n);
	memset(text + n, ']', n);
	text[2 * n] = '\0';
	ASSERT_EQ(write_tmp("deep.json", text, 2 * n, path, sizeof(path)), 0);
	ASSERT_EQ(manifest_load(path, &m, &err), -EINVAL);
	ASSERT_EQ(err.line, 1);
	ASSERT_EQ(err.column, JUDGE_JSON_DEPTH_MAX + 1);
	ASSERT_TRUE(strstr(err.text, "nesting deeper than 32") != NULL);
cleanup:
	free(text);
	manifest_free(m);
}

/* A 100 MB manifest (sparse, made here, never committed) is refused before it is read. */
TEST(huge_file)
{
	struct manifest *m = NULL;
	struct error err = {0};
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "%s/huge.json", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ASSERT_TRUE(fd >= 0);
	ASSERT_EQ(ftruncate(fd, 100 << 20), 0);
	close(fd);
	ASSERT_EQ(manifest_load(path, &m, &err), -EINVAL);
	ASSERT_EQ(err.line, 0);
	ASSERT_TRUE(strstr(err.text, "larger than 4194304 bytes") != NULL);
cleanup:
	unlink(path);
	manifest_free(m);
}

TEST(missing_file)
{
	struct manifest *m = NULL;
	struct error err = {0};

	ASSERT_EQ(manifest_load("/nonexistent/m.json", &m, &err), -ENOENT);
	ASSERT_TRUE(strstr(err.text, "cannot read") != NULL);
cleanup:
	manifest_free(m);
}

TEST(good)
{
	struct manifest *m = NULL, *m2 = NULL;
	struct error err = {0};
	const char *const *names = NULL, *const *envs = NULL;
	json_t *j = NULL;

	ASSERT_EQ(manifest_load("tests/fixtures/judge/acme.manifest.json", &m, &err), 0);
	ASSERT_STR_EQ(m->connector, "acme-crm");
	ASSERT_EQ(m->n_egress, 2);
	ASSERT_EQ(m->egress[0].n_ports, 1);
	ASSERT_EQ(m->egress[0].ports[0], 443);
	ASSERT_EQ(m->n_cluster_cidrs, 1);
	ASSERT_TRUE(cidr_contains(&m->cluster_cidrs[0], "10.200.1.2"));
	ASSERT_FALSE(cidr_contains(&m->cluster_cidrs[0], "11.0.0.1"));
	ASSERT_EQ(manifest_secrets(m, &names, &envs), 1);
	ASSERT_STR_EQ(names[0], "ACME_API_TOKEN");
	ASSERT_STR_EQ(envs[0], "ACME_API_TOKEN");
	j = manifest_to_json(m);
	ASSERT_EQ(manifest_from_json(j, &m2, &err), 0);
	ASSERT_STR_EQ(m2->egress[1].host, "legacy.acme.example");
	ASSERT_EQ(manifest_secrets(NULL, &names, &envs), 0);
cleanup:
	json_decref(j);
	manifest_free(m);
	manifest_free(m2);
}

TEST(host_matching)
{
	ASSERT_TRUE(host_match("*.svc.cluster.local", "zeebe.camunda.svc.cluster.local"));
	ASSERT_TRUE(host_match("*.svc.cluster.local", "a.svc.cluster.local"));
	ASSERT_FALSE(host_match("*.svc.cluster.local", "svc.cluster.local"));
	ASSERT_FALSE(host_match("*.svc.cluster.local", "evilsvc.cluster.local"));
	ASSERT_TRUE(host_match("API.acme.example", "api.ACME.example."));
	ASSERT_FALSE(host_match("api.acme.example", "api.acme.example.evil.example"));
	ASSERT_TRUE(host_match("*.s3.amazonaws.com", "acme-backups.s3.amazonaws.com"));
	ASSERT_TRUE(host_match("*.s3.*.amazonaws.com", "acme-backups.s3.eu-west-1.amazonaws.com"));
	ASSERT_FALSE(host_match("*.s3.*.amazonaws.com", "acme-backups.s3.amazonaws.com"));
	ASSERT_TRUE(host_match("203.0.113.5", "203.0.113.5"));
	ASSERT_FALSE(host_match("*.example", "203.0.113.5"));
	ASSERT_TRUE(path_glob("/proc/*/environ", "/proc/12/environ"));
	ASSERT_FALSE(path_glob("/proc/*/environ", "/proc/12/task/13/environ"));
	ASSERT_TRUE(path_glob("/root/.config/gcloud/**", "/root/.config/gcloud/a/b.json"));
	ASSERT_TRUE(path_under("/tmp/x/y", "/tmp"));
	ASSERT_FALSE(path_under("/tmpfoo", "/tmp"));
	ASSERT_TRUE(addr_is_local("127.0.0.53"));
	ASSERT_TRUE(addr_is_local("::1"));
	ASSERT_FALSE(addr_is_local("10.0.0.1"));
cleanup:
	return;
}

int main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/test_manifest.XXXXXX");
	if (!mkdtemp(dir)) {
		printf("0 passed, 1 failed\n");
		return 1;
	}
	RUN(malformed);
	RUN(deep_nesting);
	RUN(huge_file);
	RUN(missing_file);
	RUN(good);
	RUN(host_matching);
	{
		char p[128];

		snprintf(p, sizeof(p), "%s/m.json", dir);
		unlink(p);
		snprintf(p, sizeof(p), "%s/deep.json", dir);
		unlink(p);
		rmdir(dir);
	}
	return test_summary();
}
