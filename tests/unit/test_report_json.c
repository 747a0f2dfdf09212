/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * report.json: the canonical bytes (exact expected text; load + write reproduces every
 * fixture byte for byte), report_write_all's files, and report_load on a table of malformed
 * reports, each with its exact file:line:col and message.
 */
#include <dirent.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report/report.h"
#include "testhelp.h"
#include "util/util.h"

#define FIX "tests/fixtures/report/"

static char tmpdir[64];

static char *to_string(int (*fn)(FILE *, const json_t *), const json_t *obj, int *ret)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	*ret = fn(f, obj);
	fclose(f);
	return buf;
}

static int write_file(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int r;

	if (fd < 0)
		return -errno;
	r = write_all(fd, data, len);
	close(fd);
	return r;
}

TEST(canonical_bytes)
{
	json_t *r = json_pack(
		"{s:i,s:s,s:{s:s,s:n},s:{s:s,s:[s,s]},s:{s:[{s:s,s:s,s:i,s:n,s:s,s:i}],s:[]},"
		"s:[{s:s,s:s,s:{s:s,s:f},s:[i,i],s:n}]}",
		"format", 1, "verdict", "fail", "connector", "name",
		"b\xc3\xbc"
		"cher",
		"version", "run", "started", "2026-11-20T09:30:00Z", "command", "sh", "-c",
		"observed", "connections", "host",
		"x\xe2\x80\xae"
		"gpj.example",
		"addr", "203.0.113.1", "port", 443, "tls", "declared", "no", "bytes_out", 5, "dns",
		"findings", "rule", "DP-2.plaintext", "severity", "high", "cvss", "vector",
		"CVSS:3.1/AV:N", "score", 5.3, "evidence", 7, 9, "deadlines");
	static const char want[] = "{\n"
				   "  \"format\": 1,\n"
				   "  \"verdict\": \"fail\",\n"
				   "  \"connector\": {\n"
				   "    \"name\": \"b\\u00FCcher\",\n"
				   "    \"version\": null\n"
				   "  },\n"
				   "  \"run\": {\n"
				   "    \"started\": \"2026-11-20T09:30:00Z\",\n"
				   "    \"command\": [\n"
				   "      \"sh\",\n"
				   "      \"-c\"\n"
				   "    ]\n"
				   "  },\n"
				   "  \"observed\": {\n"
				   "    \"connections\": [\n"
				   "      {\n"
				   "        \"host\": \"x\\u202Egpj.example\",\n"
				   "        \"addr\": \"203.0.113.1\",\n"
				   "        \"port\": 443,\n"
				   "        \"tls\": null,\n"
				   "        \"declared\": \"no\",\n"
				   "        \"bytes_out\": 5\n"
				   "      }\n"
				   "    ],\n"
				   "    \"dns\": []\n"
				   "  },\n"
				   "  \"findings\": [\n"
				   "    {\n"
				   "      \"rule\": \"DP-2.plaintext\",\n"
				   "      \"severity\": \"high\",\n"
				   "      \"cvss\": {\n"
				   "        \"vector\": \"CVSS:3.1/AV:N\",\n"
				   "        \"score\": 5.3\n"
				   "      },\n"
				   "      \"evidence\": [\n"
				   "        7,\n"
				   "        9\n"
				   "      ],\n"
				   "      \"deadlines\": null\n"
				   "    }\n"
				   "  ]\n"
				   "}\n";
	char *got = NULL, *again = NULL;
	int rc = -1;

	ASSERT_TRUE(r != NULL);
	got = to_string(report_write_json, r, &rc);
	ASSERT_EQ(rc, 0);
	ASSERT_STR_EQ(got, want);
	/* Deterministic: a second write is the same bytes. */
	again = to_string(report_write_json, r, &rc);
	ASSERT_STR_EQ(again, got);
	ASSERT_EQ(report_write_json(NULL, r), -EINVAL);
cleanup:
	free(got);
	free(again);
	json_decref(r);
}

/* load + write gives back each fixture byte for byte (they are in the canonical form). */
TEST(fixtures_round_trip)
{
	static const char *const names[] = { "old-a.json", "new-a.json", "new-b.json", "new-c.json",
					     "pass.json" };
	char *data = NULL, *out = NULL;
	json_t *r = NULL;
	size_t i, len;
	int rc;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		struct error err = { 0 };
		char path[128];

		snprintf(path, sizeof(path), FIX "%s", names[i]);
		ASSERT_EQ(read_file_bounded(path, 1 << 20, &data, &len), 0);
		ASSERT_EQ(report_load(path, &r, &err), 0);
		out = to_string(report_write_json, r, &rc);
		ASSERT_EQ(rc, 0);
		ASSERT_EQ(strlen(out), len);
		ASSERT_STR_EQ(out, data);
		free(data);
		free(out);
		json_decref(r);
		data = out = NULL;
		r = NULL;
	}
cleanup:
	free(data);
	free(out);
	json_decref(r);
}

struct bad {
	const char *name;
	const char *text;
	unsigned int line, col;
	const char *msg; /* exact error text */
};

static const struct bad bad_reports[] = {
	{ "duplicate key", "{\"format\": 1,\n \"verdict\": \"pass\",\n \"format\": 1}", 3, 9,
	  "invalid JSON: duplicate object key near '\"format\"'" },
	{ "wrong type deep",
	  "{\n  \"format\": 1,\n  \"verdict\": \"fail\",\n  \"observed\": {\n"
	  "    \"connections\": [\n      {\"host\": \"a.example\", \"port\": 443},\n"
	  "      {\"host\": \"b.example\", \"port\": \"443\"}\n    ]\n  }\n}\n",
	  7, 37, "observed.connections[1].port: expected an integer or null, got a string" },
	{ "unknown severity",
	  "{\"format\":1,\"verdict\":\"fail\",\"findings\":[\n"
	  "{\"rule\":\"A\",\"severity\":\"low\"},\n{\"rule\":\"B\", \"severity\": \"urgent\"}]}",
	  3, 26, "findings[1].severity: expected one of critical, high, medium, low" },
	{ "evidence line 0",
	  "{\"format\":1,\"verdict\":\"fail\",\"findings\":[{\"rule\":\"A\",\"severity\":\"low\","
	  "\"evidence\":[3, 0]}]}",
	  1, 86, "findings[0].evidence[1]: must be at least 1" },
	{ "missing verdict", "  {\"format\": 1}", 1, 3, "the document: missing \"verdict\"" },
	{ "missing rule",
	  "{\"format\":1,\"verdict\":\"pass\",\"findings\":[{\"severity\":\"low\"}]}", 1, 42,
	  "findings[0]: missing \"rule\"" },
	{ "newer format", "{\"verdict\":\"pass\",\n\"format\":2}", 2, 10,
	  "format: report format 2 is not supported (this conduct reads format 1)" },
	{ "real for integer", "{\"format\":1,\"verdict\":\"pass\",\"summary\":{\"lost\":1.5}}", 1,
	  48, "summary.lost: expected an integer or null, got a real number" },
	{ "escaped key still matched",
	  "{\"format\":1,\"verdict\":\"pass\",\"run\":{\"\\u0074imed_out\":\"yes\"}}", 1, 54,
	  "run.timed_out: expected a boolean or null, got a string" },
	{ "declared enum",
	  "{\"format\":1,\"verdict\":\"pass\",\"observed\":{\"connections\":[{"
	  "\"declared\":\"maybe\"}]}}",
	  1, 69, "observed.connections[0].declared: expected one of egress, cluster, local, no" },
	{ "top-level array", "[1, 2]", 1, 1, "the document: expected an object, got an array" },
	{ "NUL escape in a key", "{\"form\\u0000at\": 1}", 1, 15,
	  "invalid JSON: NUL byte in object key not supported near '\"form\\u0000at\"'" },
	{ "truncated", "{\"format\": 1, \"verdict\": \"pa", 1, 28,
	  "invalid JSON: premature end of input near '\"pa'" },
	{ "empty file", "", 1, 0, "invalid JSON: '[' or '{' expected near end of file" },
	{ "invalid UTF-8", "{\"format\":1,\"verdict\":\"\xff\"}", 1, 23,
	  "invalid JSON: unable to decode byte 0xff near '\"'" },
	{ "a SARIF log", "{\"version\":\"2.1.0\",\"runs\":[]}", 1, 1,
	  "this is a SARIF log (report.sarif); give report.json" },
	{ "a trace", "{\"kind\":\"header\",\"format\":1}", 1, 1,
	  "this is a trace (trace.jsonl); `conduct check` judges traces, `conduct diff` compares "
	  "report.json files" },
};

TEST(malformed_table)
{
	char path[128];
	json_t *r = NULL;
	size_t i, failures = 0;

	for (i = 0; i < ARRAY_SIZE(bad_reports); i++) {
		const struct bad *b = &bad_reports[i];
		struct error err = { 0 };

		snprintf(path, sizeof(path), "%s/bad.json", tmpdir);
		ASSERT_EQ(write_file(path, b->text, strlen(b->text)), 0);
		if (report_load(path, &r, &err) != -EINVAL) {
			json_decref(r);
			r = NULL;
			printf("  %s: loaded\n", b->name);
			failures++;
		} else if (err.line != b->line || err.column != b->col ||
			   strcmp(err.text, b->msg)) {
			printf("  %s: got %u:%u: %s\n    expected %u:%u: %s\n", b->name, err.line,
			       err.column, err.text, b->line, b->col, b->msg);
			failures++;
		}
	}
	ASSERT_EQ(failures, 0);
cleanup:
	json_decref(r);
}

TEST(depth_bomb)
{
	char path[128];
	struct error err = { 0 };
	json_t *r = NULL;
	char *text = malloc(20000 + 64);
	size_t n = 0, i;

	ASSERT_TRUE(text != NULL);
	n += (size_t)sprintf(text, "{\"format\":1,\n\"verdict\":\"x\",\"run\":");
	for (i = 0; i < 10000; i++)
		text[n++] = '[';
	for (i = 0; i < 10000; i++)
		text[n++] = ']';
	text[n++] = '}';
	snprintf(path, sizeof(path), "%s/deep.json", tmpdir);
	ASSERT_EQ(write_file(path, text, n), 0);
	ASSERT_EQ(report_load(path, &r, &err), -EINVAL);
	/* The 32nd '[' (the 33rd bracket) on line 2, after `"verdict":"x","run":` (20 chars). */
	ASSERT_EQ(err.line, 2);
	ASSERT_EQ(err.column, 52);
	ASSERT_STR_EQ(err.text, "nesting deeper than 32 levels");
	/* Brackets inside strings do not count. */
	n = (size_t)sprintf(text, "{\"format\":1,\"verdict\":\"pass\",\"x\":\"");
	for (i = 0; i < 100; i++)
		text[n++] = '[';
	n += (size_t)sprintf(text + n, "\\\"\"}");
	ASSERT_EQ(write_file(path, text, n), 0);
	ASSERT_EQ(report_load(path, &r, &err), 0);
cleanup:
	free(text);
	json_decref(r);
}

TEST(too_big_and_missing)
{
	char path[128];
	struct error err = { 0 };
	json_t *r = NULL;
	int fd;

	snprintf(path, sizeof(path), "%s/big.json", tmpdir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ASSERT_TRUE(fd >= 0);
	ASSERT_EQ(ftruncate(fd, (off_t)100 << 20), 0); /* 100 MB, sparse */
	close(fd);
	ASSERT_EQ(report_load(path, &r, &err), -EFBIG);
	ASSERT_STR_EQ(err.text, "larger than 64 MiB: not a report.json");
	unlink(path);
	snprintf(path, sizeof(path), "%s/none.json", tmpdir);
	ASSERT_EQ(report_load(path, &r, &err), -ENOENT);
	ASSERT_STR_EQ(err.text, "cannot read: No such file or directory");
	ASSERT_EQ(err.line, 0);
cleanup:
	json_decref(r);
}

TEST(minimal_and_unknown_fields_load)
{
	static const char text[] = "{\"format\":1,\"verdict\":\"incomplete\",\"connector\":null,"
				   "\"future\":{\"x\":[1]},"
				   "\"observed\":{\"connections\":[{\"host\":null,\"addr\":\"::1\","
				   "\"declared\":\"local\","
				   "\"named_by\":null,\"ok\":true,\"line\":4}]},"
				   "\"findings\":[{\"rule\":\"MON-1.incomplete\",\"severity\":"
				   "\"low\",\"deadlines\":null,"
				   "\"cvss\":{\"vector\":null,\"score\":0}}]}";
	char path[128];
	struct error err = { 0 };
	json_t *r = NULL;

	snprintf(path, sizeof(path), "%s/min.json", tmpdir);
	ASSERT_EQ(write_file(path, text, strlen(text)), 0);
	ASSERT_EQ(report_load(path, &r, &err), 0);
	ASSERT_STR_EQ(json_string_value(json_object_get(r, "verdict")), "incomplete");
cleanup:
	json_decref(r);
}

/* Entries of a directory other than . and .. */
static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	return n;
}

static int file_equals(const char *path, const char *want)
{
	char *data = NULL;
	size_t len;
	int same;

	if (read_file_bounded(path, 1 << 24, &data, &len) < 0)
		return 0;
	same = strlen(want) == len && !memcmp(data, want, len);
	free(data);
	return same;
}

TEST(write_all_files)
{
	char path[256], out[128];
	struct error err = { 0 };
	json_t *r = NULL, *rules = NULL;
	char *want = NULL;
	struct stat st;
	int rc;

	ASSERT_EQ(report_load(FIX "new-a.json", &r, &err), 0);
	ASSERT_EQ(report_load(FIX "pass.json", &rules, &err), 0); /* any JSON for the shape */
	json_decref(rules);
	rules = json_load_file(FIX "rules.json", 0, NULL);
	ASSERT_TRUE(rules != NULL);
	snprintf(out, sizeof(out), "%s/out", tmpdir);
	ASSERT_EQ(mkdir(out, 0755), 0);
	ASSERT_EQ(report_write_all(out, r, rules, &err), 0);
	want = to_string(report_write_json, r, &rc);
	snprintf(path, sizeof(path), "%s/report.json", out);
	ASSERT_TRUE(file_equals(path, want));
	ASSERT_EQ(stat(path, &st), 0);
	ASSERT_EQ(st.st_mode & 0777, 0644);
	snprintf(path, sizeof(path), "%s/report.sarif", out);
	ASSERT_EQ(stat(path, &st), 0);
	ASSERT_TRUE(st.st_size > 1000);
	snprintf(path, sizeof(path), "%s/report.html", out);
	ASSERT_EQ(stat(path, &st), 0);
	ASSERT_TRUE(st.st_size > 1000);
	/* Nothing else: no temporary files left behind. */
	ASSERT_EQ(entries(out), 3);
	/* An unwritable output directory is an error with the reason, and leaves nothing. */
	snprintf(path, sizeof(path), "%s/missing/dir", tmpdir);
	ASSERT_EQ(report_write_all(path, r, rules, &err), -ENOENT);
	ASSERT_TRUE(strstr(err.text, "No such file or directory") != NULL);
	snprintf(path, sizeof(path), "rm -rf '%s'", out);
	ASSERT_EQ(system(path), 0);
cleanup:
	free(want);
	json_decref(r);
	json_decref(rules);
}

int main(void)
{
	char cmd[96];
	int rc;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_report_json.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(canonical_bytes);
	RUN(fixtures_round_trip);
	RUN(malformed_table);
	RUN(depth_bomb);
	RUN(too_big_and_missing);
	RUN(minimal_and_unknown_fields_load);
	RUN(write_all_files);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	rc = system(cmd);
	(void)rc;
	return test_summary();
}
