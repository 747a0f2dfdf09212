/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * report_diff() on crafted pairs of reports (tests/fixtures/report/): the exact changes
 * expected, nothing more, nothing less; line numbers, dates, byte counts, flow ids and
 * ordering never count as drift; hostile or half-empty reports never crash it.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "testhelp.h"

#define FIX "tests/fixtures/report/"

static json_t *load(const char *name)
{
	struct error err = { 0 };
	json_t *r = NULL;
	char path[256];

	snprintf(path, sizeof(path), FIX "%s", name);
	if (report_load(path, &r, &err) < 0) {
		printf("  cannot load %s: %u:%u: %s\n", path, err.line, err.column, err.text);
		return NULL;
	}
	return r;
}

static json_t *load_plain(const char *name)
{
	char path[256];
	json_error_t e;

	snprintf(path, sizeof(path), FIX "%s", name);
	return json_load_file(path, JSON_REJECT_DUPLICATES, &e);
}

/* json_equal, printing both sides when they differ. */
static int same(const json_t *got, const json_t *want)
{
	char *a, *b;

	if (json_equal(got, want))
		return 1;
	a = json_dumps(got, JSON_INDENT(1));
	b = json_dumps(want, JSON_INDENT(1));
	printf("  got:\n%s\n  expected:\n%s\n", a ? a : "(null)", b ? b : "(null)");
	free(a);
	free(b);
	return 0;
}

static size_t total(const json_t *changes)
{
	return json_array_size(json_object_get(changes, "appeared")) +
	       json_array_size(json_object_get(changes, "disappeared")) +
	       json_array_size(json_object_get(changes, "changed"));
}

TEST(drift_exact)
{
	json_t *old = load("old-a.json"), *new = load("new-a.json");
	json_t *want = load_plain("expected-a.json"), *got = NULL;

	ASSERT_TRUE(old && new &&want);
	ASSERT_EQ(report_diff(old, new, &got), 0);
	ASSERT_TRUE(same(got, want));
	ASSERT_EQ(json_array_size(json_object_get(got, "appeared")), 17);
	ASSERT_EQ(json_array_size(json_object_get(got, "disappeared")), 3);
	ASSERT_EQ(json_array_size(json_object_get(got, "changed")), 4);
cleanup:
	json_decref(old);
	json_decref(new);
	json_decref(want);
	json_decref(got);
}

/* Another run of the same behavior: other lines, dates, bytes, flows, pids, order, case. */
TEST(same_behavior_other_run_is_no_drift)
{
	json_t *a = load("new-a.json"), *b = load("new-b.json"), *got = NULL;

	ASSERT_TRUE(a && b);
	ASSERT_EQ(report_diff(a, b, &got), 0);
	ASSERT_EQ(total(got), 0);
	json_decref(got);
	got = NULL;
	ASSERT_EQ(report_diff(b, a, &got), 0);
	ASSERT_EQ(total(got), 0);
	json_decref(got);
	got = NULL;
	ASSERT_EQ(report_diff(a, a, &got), 0);
	ASSERT_EQ(total(got), 0);
cleanup:
	json_decref(a);
	json_decref(b);
	json_decref(got);
}

TEST(low_drift_exact)
{
	json_t *old = load("old-a.json"), *new = load("new-c.json");
	json_t *want = load_plain("expected-c.json"), *got = NULL;

	ASSERT_TRUE(old && new &&want);
	ASSERT_EQ(report_diff(old, new, &got), 0);
	ASSERT_TRUE(same(got, want));
cleanup:
	json_decref(old);
	json_decref(new);
	json_decref(want);
	json_decref(got);
}

/* Backwards: what appeared now disappeared, entry for entry; changes point the other way. */
TEST(reverse_is_mirror)
{
	json_t *old = load("old-a.json"), *new = load("new-a.json");
	json_t *want = load_plain("expected-a.json"), *got = NULL, *ch = NULL;

	ASSERT_TRUE(old && new &&want);
	ASSERT_EQ(report_diff(new, old, &got), 0);
	ASSERT_TRUE(same(json_object_get(got, "appeared"), json_object_get(want, "disappeared")));
	ASSERT_TRUE(same(json_object_get(got, "disappeared"), json_object_get(want, "appeared")));
	ch = json_pack("[{s:s,s:s,s:s,s:s,s:s,s:s},{s:s,s:s,s:s,s:s,s:s,s:s},"
		       "{s:s,s:s,s:s,s:s,s:s,s:s},{s:s,s:s,s:s,s:s,s:s,s:s}]",
		       "what", "finding", "key", "SB-1.escape-attempt: The sandbox refused ptrace",
		       "severity", "medium", "was", "high", "rule", "SB-1.escape-attempt",
		       "summary", "The sandbox refused ptrace", "what", "host", "key",
		       "legacy.acme.example", "severity", "high", "was", "high", "declared",
		       "egress", "was_declared", "no", "what", "tls", "key", "files.acme.example",
		       "severity", "none", "was", "none", "tls", "1.3", "was_tls", "1.2", "what",
		       "tls", "key", "reports.acme.example", "severity", "none", "was", "high",
		       "tls", "1.2", "was_tls", "none");
	/* Sorted by kind, then most severe first: both TLS entries are "none", so by key. */
	ASSERT_TRUE(same(json_object_get(got, "changed"), ch));
cleanup:
	json_decref(ch);
	json_decref(old);
	json_decref(new);
	json_decref(want);
	json_decref(got);
}

/* Evidence lines, deadlines and CVSS vectors are not part of a finding's identity. */
TEST(finding_key_ignores_lines)
{
	json_t *a = json_pack("{s:i,s:s,s:[{s:s,s:s,s:s,s:[i,i]}]}", "format", 1, "verdict", "fail",
			      "findings", "rule", "DP-2.plaintext", "severity", "high", "summary",
			      "Application data sent to x.example without TLS", "evidence", 10, 11);
	json_t *b = json_deep_copy(a), *got = NULL, *f;

	ASSERT_TRUE(a && b);
	f = json_array_get(json_object_get(b, "findings"), 0);
	json_object_set_new(f, "evidence", json_pack("[i]", 99));
	json_object_set_new(f, "deadlines",
			    json_pack("{s:s}", "acknowledge", "2030-01-01T00:00:00Z"));
	ASSERT_EQ(report_diff(a, b, &got), 0);
	ASSERT_EQ(total(got), 0);
	json_decref(got);
	got = NULL;
	/* A different summary is a different finding. */
	json_object_set_new(f, "summary",
			    json_string("Application data sent to y.example without TLS"));
	ASSERT_EQ(report_diff(a, b, &got), 0);
	ASSERT_EQ(json_array_size(json_object_get(got, "appeared")), 1);
	ASSERT_EQ(json_array_size(json_object_get(got, "disappeared")), 1);
	ASSERT_STR_EQ(json_string_value(json_object_get(
			      json_array_get(json_object_get(got, "appeared"), 0), "severity")),
		      "high");
cleanup:
	json_decref(a);
	json_decref(b);
	json_decref(got);
}

/* What varies between two runs of the same behavior is not part of a finding's key. */
TEST(finding_key_normalization)
{
	static const struct {
		const char *rule, *a, *b;
		bool same;
	} cases[] = {
		{ "DP-2.plaintext", "Sent to api.example (203.0.113.10) port 80, outside.",
		  "Sent to api.example (203.0.113.99) port 80, outside.", true },
		{ "DP-2.plaintext", "Sent to api.example (203.0.113.10) port 80, outside.",
		  "Sent to api.example (2001:db8::1) port 80, outside.", true },
		{ "DP-2.plaintext", "Sent to api.example (203.0.113.10) port 80, outside.",
		  "Sent to api.example (203.0.113.10) port 8080, outside.", false },
		{ "DP-1.secret-exposure", "Secret T on stderr (encoding: base64), logs.",
		  "Secret T on stderr (encoding: hex), logs.", true },
		{ "MON-1.incomplete", "The monitor lost 12 events (ringbuf): missing.",
		  "The monitor lost 4096 events (ringbuf): missing.", true },
		{ "CC-5.hidden-channel", "Reached 198.51.100.7 port 8443 by raw IP.",
		  "Reached 198.51.100.8 port 8443 by raw IP.", false },
		{ "CC-3.dropped-code", "Executed (/memfd:x (deleted)) from memory.",
		  "Executed (/memfd:y (deleted)) from memory.", true },
	};
	json_t *a = NULL, *b = NULL, *got = NULL, *e;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		a = json_pack("{s:i,s:s,s:[{s:s,s:s,s:s}]}", "format", 1, "verdict", "fail",
			      "findings", "rule", cases[i].rule, "severity", "high", "summary",
			      cases[i].a);
		b = json_pack("{s:i,s:s,s:[{s:s,s:s,s:s}]}", "format", 1, "verdict", "fail",
			      "findings", "rule", cases[i].rule, "severity", "high", "summary",
			      cases[i].b);
		ASSERT_EQ(report_diff(a, b, &got), 0);
		if ((total(got) == 0) != cases[i].same)
			TEST_FAIL_AT("'%s' vs '%s': %zu changes", cases[i].a, cases[i].b,
				     total(got));
		json_decref(a);
		json_decref(b);
		json_decref(got);
		a = b = got = NULL;
	}
	/* The key shown drops the aside; the summary shown is the report's own. */
	a = json_pack("{s:i,s:s}", "format", 1, "verdict", "pass");
	b = json_pack("{s:i,s:s,s:[{s:s,s:s,s:s}]}", "format", 1, "verdict", "fail", "findings",
		      "rule", "MON-1.incomplete", "severity", "low", "summary",
		      "Lost 7 events (ringbuf) in 2 bursts.");
	ASSERT_EQ(report_diff(a, b, &got), 0);
	e = json_array_get(json_object_get(got, "appeared"), 0);
	ASSERT_STR_EQ(json_string_value(json_object_get(e, "key")),
		      "MON-1.incomplete: Lost N events in N bursts.");
	ASSERT_STR_EQ(json_string_value(json_object_get(e, "summary")),
		      "Lost 7 events (ringbuf) in 2 bursts.");
	json_decref(got);
	got = NULL;
	/* A judge-given key wins over the summary. */
	json_object_set_new(json_array_get(json_object_get(b, "findings"), 0), "key",
			    json_string("ringbuf"));
	ASSERT_EQ(report_diff(a, b, &got), 0);
	e = json_array_get(json_object_get(got, "appeared"), 0);
	ASSERT_STR_EQ(json_string_value(json_object_get(e, "key")), "MON-1.incomplete: ringbuf");
cleanup:
	json_decref(a);
	json_decref(b);
	json_decref(got);
}

/* The severity fallbacks when no finding names a host or a TLS change. */
TEST(severity_fallbacks)
{
	json_t *a = json_pack("{s:i,s:s,s:{s:[{s:s,s:s,s:i,s:s,s:s,s:s,s:i}]}}", "format", 1,
			      "verdict", "pass", "observed", "connections", "host", "old.example",
			      "addr", "203.0.113.1", "port", 443, "proto", "tcp", "tls", "1.2",
			      "declared", "egress", "bytes_out", 10);
	json_t *b = json_deep_copy(a), *got = NULL, *e, *c;

	ASSERT_TRUE(a && b);
	c = json_array_get(json_object_get(json_object_get(b, "observed"), "connections"), 0);
	json_object_set_new(c, "tls", json_string("1.0"));
	json_array_append_new(json_object_get(json_object_get(b, "observed"), "connections"),
			      json_pack("{s:n,s:s,s:i,s:s,s:n,s:s}", "host", "addr", "198.51.100.9",
					"port", 53, "proto", "udp", "tls", "declared", "no"));
	ASSERT_EQ(report_diff(a, b, &got), 0);
	e = json_array_get(json_object_get(got, "appeared"), 0);
	ASSERT_STR_EQ(json_string_value(json_object_get(e, "key")), "198.51.100.9:53");
	/* No CC-5.undeclared-egress finding in either report: "high". UDP: no TLS state. */
	ASSERT_STR_EQ(json_string_value(json_object_get(e, "severity")), "high");
	ASSERT_TRUE(json_object_get(e, "tls") == NULL);
	e = json_array_get(json_object_get(got, "changed"), 0);
	ASSERT_STR_EQ(json_string_value(json_object_get(e, "what")), "tls");
	ASSERT_STR_EQ(json_string_value(json_object_get(e, "severity")), "high");
	ASSERT_STR_EQ(json_string_value(json_object_get(e, "was")), "none");
	json_decref(got);
	got = NULL;
	/* With the policy's DP-2.tls-version finding present, its severity is used. */
	json_object_set_new(b, "findings",
			    json_pack("[{s:s,s:s,s:s}]", "rule", "DP-2.tls-version", "severity",
				      "medium", "summary", "TLS 1.0 with another.example"));
	ASSERT_EQ(report_diff(a, b, &got), 0);
	e = json_array_get(json_object_get(got, "changed"), 0);
	ASSERT_STR_EQ(json_string_value(json_object_get(e, "severity")), "medium");
	ASSERT_EQ(json_array_size(json_object_get(got, "changed")), 1);
cleanup:
	json_decref(a);
	json_decref(b);
	json_decref(got);
}

/* Which findings "name" a host, name or path: whole tokens only, hosts by name or address. */
TEST(naming_rules)
{
	static const struct {
		const char *host, *addr, *want;
	} hosts[] = {
		{ "a.example", "203.0.113.1", "critical" }, /* "a.example." ends a sentence */
		{ "ta.example", "203.0.113.2", "high" }, /* not inside "data.example" */
		{ "b.example", "203.0.113.3", "medium" }, /* "b.example:8443" */
		{ NULL, "2001:db8::7", "low" }, /* "[2001:db8::7]:443" */
		{ NULL, "198.51.100.4", "high" }, /* no finding: undeclared fallback */
		{ "B.EXAMPLE.ORG", "203.0.113.5", "high" }, /* not "b.example" */
	};
	json_t *a = json_pack("{s:i,s:s}", "format", 1, "verdict", "pass");
	json_t *b = json_loads(
		"{\"format\":1,\"verdict\":\"fail\",\"findings\":["
		"{\"rule\":\"R1\",\"severity\":\"critical\",\"summary\":\"Sent to a.example.\"},"
		"{\"rule\":\"R2\",\"severity\":\"medium\",\"summary\":\"Raw b.example:8443, "
		"data.example.\"},"
		"{\"rule\":\"R3\",\"severity\":\"low\",\"summary\":\"Peer [2001:db8::7]:443 and "
		"/tmp/x.sh (\\\"/tmp/y\\\")\"},"
		"{\"rule\":\"R4\",\"severity\":\"high\",\"summary\":\"Ran /tmp/y\"}],"
		"\"observed\":{\"files_written\":[{\"path\":\"/tmp/x\"},{\"path\":\"/tmp/y\"},"
		"{\"path\":\"/TMP/X.SH\"}]}}",
		0, NULL);
	json_t *got = NULL, *conns, *e;
	size_t i, k, storage = 0;

	ASSERT_TRUE(a && b);
	conns = json_array();
	for (i = 0; i < ARRAY_SIZE(hosts); i++)
		json_array_append_new(conns,
				      json_pack("{s:s?,s:s,s:i,s:s}", "host", hosts[i].host, "addr",
						hosts[i].addr, "port", 443, "declared", "no"));
	json_object_set_new(json_object_get(b, "observed"), "connections", conns);
	ASSERT_EQ(report_diff(a, b, &got), 0);
	for (i = 0; i < ARRAY_SIZE(hosts); i++) {
		char key[64];
		bool found = false;

		if (hosts[i].host)
			snprintf(key, sizeof(key), "%s", hosts[i].host);
		else
			snprintf(key, sizeof(key),
				 strchr(hosts[i].addr, ':') ? "[%s]:443" : "%s:443", hosts[i].addr);
		json_array_foreach (json_object_get(got, "appeared"), k, e) {
			if (strcmp(json_string_value(json_object_get(e, "what")), "host") ||
			    strcmp(json_string_value(json_object_get(e, "key")), key))
				continue;
			found = true;
			if (strcmp(json_string_value(json_object_get(e, "severity")),
				   hosts[i].want))
				TEST_FAIL_AT("%s: severity %s, expected %s", key,
					     json_string_value(json_object_get(e, "severity")),
					     hosts[i].want);
		}
		if (!found)
			TEST_FAIL_AT("%s did not appear", key);
	}
	/* Paths: exact, case-sensitive, whole token. /tmp/x is not /tmp/x.sh; quotes end it. */
	json_array_foreach (json_object_get(got, "appeared"), k, e) {
		const char *key = json_string_value(json_object_get(e, "key"));
		const char *sev = json_string_value(json_object_get(e, "severity"));

		if (strcmp(json_string_value(json_object_get(e, "what")), "storage"))
			continue;
		storage++;
		if (!strcmp(key, "/tmp/x") || !strcmp(key, "/TMP/X.SH"))
			ASSERT_STR_EQ(sev, "low"); /* named by no finding */
		else if (!strcmp(key, "/tmp/y"))
			ASSERT_STR_EQ(sev, "high"); /* in quotes (low) and by R4 (high) */
		else
			TEST_FAIL_AT("unexpected storage entry %s", key);
	}
	ASSERT_EQ(storage, 3); /* /tmp/x, /TMP/X.SH and /tmp/y each appeared */
cleanup:
	json_decref(a);
	json_decref(b);
	json_decref(got);
}

/* Hostile or half-empty reports: wrong types everywhere, nothing crashes, bad items skipped. */
TEST(hostile_objects)
{
	json_t *a = json_pack("{s:i,s:s}", "format", 1, "verdict", "pass");
	json_t *b = json_loads(
		"{\"format\":1,\"verdict\":7,\"findings\":[1,null,{\"rule\":5},"
		"{\"rule\":\"X\",\"severity\":\"urgent\"},{\"rule\":\"Y\",\"severity\":\"low\"}],"
		"\"observed\":{\"connections\":[{},{\"host\":\"\"},{\"addr\":5},"
		"{\"host\":\"h.example\",\"tls\":7,\"declared\":[],\"port\":\"x\"}],"
		"\"dns\":{\"name\":\"x\"},\"files_written\":[{\"path\":null}],\"programs\":\"p\"}}",
		0, NULL);
	json_t *got = NULL, *e;

	ASSERT_TRUE(a && b);
	ASSERT_EQ(report_diff(a, b, &got), 0);
	ASSERT_EQ(json_array_size(json_object_get(got, "appeared")), 2);
	e = json_array_get(json_object_get(got, "appeared"), 0);
	ASSERT_STR_EQ(json_string_value(json_object_get(e, "key")), "Y");
	e = json_array_get(json_object_get(got, "appeared"), 1);
	ASSERT_STR_EQ(json_string_value(json_object_get(e, "key")), "h.example");
	ASSERT_STR_EQ(json_string_value(json_object_get(e, "declared")), "unknown");
	ASSERT_STR_EQ(json_string_value(json_object_get(e, "severity")), "low");
	json_decref(got);
	got = NULL;
	ASSERT_EQ(report_diff(b, b, &got), 0);
	ASSERT_EQ(total(got), 0);
	ASSERT_EQ(report_diff(NULL, b, &got), -EINVAL);
cleanup:
	json_decref(a);
	json_decref(b);
	json_decref(got);
}

/* A host scanned on many ports lists its 32 lowest, sorted, without duplicates. */
TEST(ports_capped)
{
	json_t *a = json_pack("{s:i,s:s}", "format", 1, "verdict", "pass");
	json_t *b = json_pack("{s:i,s:s,s:{s:[]}}", "format", 1, "verdict", "pass", "observed",
			      "connections");
	json_t *conns = json_object_get(json_object_get(b, "observed"), "connections");
	json_t *got = NULL, *ports;
	int i;

	ASSERT_TRUE(a && b);
	for (i = 0; i < 300; i++) /* 100 distinct ports, each three times, scrambled */
		json_array_append_new(conns, json_pack("{s:s,s:s,s:i}", "host", "scan.example", "addr",
						       "203.0.113.9", "port", 1000 + (i * 37) % 100));
	ASSERT_EQ(report_diff(a, b, &got), 0);
	ASSERT_EQ(json_array_size(json_object_get(got, "appeared")), 1);
	ports = json_object_get(json_array_get(json_object_get(got, "appeared"), 0), "ports");
	ASSERT_EQ(json_array_size(ports), 32);
	for (i = 0; i < 32; i++)
		ASSERT_EQ(json_integer_value(json_array_get(ports, (size_t)i)), 1000 + i);
cleanup:
	json_decref(a);
	json_decref(b);
	json_decref(got);
}

static char *render(const json_t *changes, bool color)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	if (report_write_diff_text(f, changes, color) < 0) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	return buf;
}

TEST(diff_text)
{
	json_t *old = load("old-a.json"), *new = load("new-a.json"), *got = NULL, *none = NULL;
	char *plain = NULL, *colored = NULL, *empty = NULL;

	ASSERT_TRUE(old && new);
	ASSERT_EQ(report_diff(old, new, &got), 0);
	plain = render(got, false);
	colored = render(got, true);
	ASSERT_TRUE(plain && colored);
	ASSERT_TRUE(strstr(plain, "conduct diff: 17 appeared, 3 disappeared, 4 changed\n") != NULL);
	ASSERT_TRUE(strstr(plain, "  CRITICAL host     paste.example  (undeclared, port 443, TLS "
				  "1.3)\n") != NULL);
	ASSERT_TRUE(strstr(plain, "  HIGH     tls      reports.acme.example  TLS 1.2 -> none  (was "
				  "none)\n") != NULL);
	ASSERT_TRUE(strstr(plain, "  HIGH     host     legacy.acme.example  (declared: egress -> "
				  "no)  (was high)\n") != NULL);
	ASSERT_TRUE(strstr(plain, "\ndisappeared\n  MEDIUM   finding  CC-5.undeclared-egress: "
				  "Connection to metrics.acme.example") != NULL);
	ASSERT_TRUE(strchr(plain, '\033') == NULL);
	ASSERT_TRUE(strstr(colored, "\033[1;31mCRITICAL") != NULL);
	ASSERT_EQ(report_diff(new, new, &none), 0);
	empty = render(none, false);
	ASSERT_TRUE(empty && !strncmp(empty, "conduct diff: no behavioral drift", 33));
cleanup:
	free(plain);
	free(colored);
	free(empty);
	json_decref(old);
	json_decref(new);
	json_decref(got);
	json_decref(none);
}

/* A hostname with terminal escapes is shown escaped, never raw. */
TEST(diff_text_escapes)
{
	json_t *a = json_pack("{s:i,s:s}", "format", 1, "verdict", "pass");
	json_t *b =
		json_pack("{s:i,s:s,s:{s:[{s:s,s:s}]}}", "format", 1, "verdict", "pass", "observed",
			  "dns", "name", "x\033]0;pwned\007\033[2J.example", "qtype", "A");
	json_t *got = NULL;
	char *out = NULL;

	ASSERT_TRUE(a && b);
	ASSERT_EQ(report_diff(a, b, &got), 0);
	out = render(got, false);
	ASSERT_TRUE(out != NULL);
	ASSERT_TRUE(strchr(out, '\033') == NULL && strchr(out, '\007') == NULL);
	ASSERT_TRUE(strstr(out, "x\\x1b]0;pwned\\x07\\x1b[2j.example") != NULL);
cleanup:
	free(out);
	json_decref(a);
	json_decref(b);
	json_decref(got);
}

int main(void)
{
	RUN(drift_exact);
	RUN(same_behavior_other_run_is_no_drift);
	RUN(low_drift_exact);
	RUN(reverse_is_mirror);
	RUN(finding_key_ignores_lines);
	RUN(finding_key_normalization);
	RUN(severity_fallbacks);
	RUN(naming_rules);
	RUN(hostile_objects);
	RUN(ports_capped);
	RUN(diff_text);
	RUN(diff_text_escapes);
	return test_summary();
}
