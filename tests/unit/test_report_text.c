/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The human-facing writers: the terminal summary (exact lines, colour only when asked, hostile
 * strings never reaching the terminal raw) and report.html (self-contained, every string
 * escaped: a connector's hostname, path or argv cannot inject markup or script).
 */
#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "report/report.h"
#include "testhelp.h"
#include "util/util.h"

#define FIX "tests/fixtures/report/"

static json_t *load(const char *name)
{
	json_error_t e;
	char path[128];

	snprintf(path, sizeof(path), FIX "%s", name);
	return json_load_file(path, JSON_REJECT_DUPLICATES, &e);
}

static char *text_of(const json_t *report, bool color)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int r;

	if (!f)
		return NULL;
	r = report_write_text(f, report, color);
	fclose(f);
	if (r < 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static char *html_of(const json_t *report, const json_t *rules)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int r;

	if (!f)
		return NULL;
	r = report_write_html(f, report, rules);
	fclose(f);
	if (r < 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

#define HAS(hay, needle) ASSERT_TRUE(strstr((hay), (needle)) != NULL)
#define HASNT(hay, needle) ASSERT_TRUE(strstr((hay), (needle)) == NULL)

/* Every ESC in out starts an SGR colour sequence (ESC [ digits/; m) of ours. */
static bool only_sgr(const char *out)
{
	const char *p = out;

	while ((p = strchr(p, '\033'))) {
		p++;
		if (*p++ != '[')
			return false;
		while (isdigit((unsigned char)*p) || *p == ';')
			p++;
		if (*p != 'm')
			return false;
	}
	return true;
}

TEST(summary_exact_lines)
{
	json_t *r = load("new-a.json");
	char *out = NULL;

	ASSERT_TRUE(r != NULL);
	out = text_of(r, false);
	ASSERT_TRUE(out != NULL);
	ASSERT_TRUE(!strncmp(out, "conduct: acme-crm 1.4.0: FAIL\n", 30));
	HAS(out, "\n  command  node /opt/acme/index.js --sync\n");
	HAS(out, "\n  run      started 2026-11-20T09:30:00Z, 8.421 s, exit status 0\n");
	HAS(out, "\n  policy   marketplace-2026.1 (sha256 3f1c9a0e5b7d2c4a...)\n");
	HAS(out, "\n  record   5120 events, 11 connections, 0 lost\n");
	HAS(out, "\n  9 findings: 1 critical, 6 high, 1 medium, 1 low\n");
	HAS(out, "\n  CRITICAL   1         2026-11-21T09:30:00Z   2026-11-22T09:30:00Z   "
		 "2026-12-19T09:30:00Z\n");
	HAS(out, "\n  HIGH       6         2026-11-22T09:30:00Z");
	HAS(out, "\n  LOW        1         accepted: no deadline\n");
	HAS(out,
	    "\n  CRITICAL  PRIV-1.credential-exfiltration  CVSS 9.8\n"
	    "            The ACME_API_TOKEN secret was sent to paste.example, which is not among "
	    "its sent_to hosts\n"
	    "            evidence: trace.jsonl lines 90, 91\n"
	    "            acknowledge by 2026-11-21T09:30:00Z, mitigate by 2026-11-22T09:30:00Z, "
	    "fix by 2026-12-19T09:30:00Z\n");
	HAS(out, "            evidence: trace.jsonl line 85\n            low: accepted, no "
		 "deadline\n");
	HAS(out,
	    "\n    paste.example                203.0.113.20:443       tcp  TLS 1.3  UNDECLARED "
	    "      out 2.0 KiB    in 100 B\n");
	HAS(out, "\n    (raw IP, no name)            [2001:db8::5]:443      tcp  TLS 1.3  ");
	HAS(out, "\n  DNS names (7): API.acme.example., legacy.acme.example,");
	HAS(out, "\n    /tmp/acme/helper --beacon\n");
	HAS(out, "\n  secrets touched (1): ACME_API_TOKEN\n");
	HAS(out, "\n  honey files touched (1): /home/conduct/.aws/credentials\n");
	/* Next steps: the most severe rules first, then reproduce and compare. */
	HAS(out, "\nWhat next\n  conduct explain PRIV-1.credential-exfiltration   ");
	HAS(out, "\n  conduct explain DP-2.tls-version   ");
	HAS(out, "\n  conduct check trace.jsonl   ");
	HAS(out, "\n  conduct diff OLD/report.json report.json   ");
	/* The findings are listed most severe first. */
	ASSERT_TRUE(strstr(out, "CRITICAL  PRIV-1") < strstr(out, "MEDIUM    CC-5"));
	ASSERT_TRUE(strstr(out, "MEDIUM    CC-5") < strstr(out, "LOW       DP-3"));
	ASSERT_TRUE(strchr(out, '\033') == NULL);
cleanup:
	free(out);
	json_decref(r);
}

TEST(summary_colour_only_when_asked)
{
	json_t *r = load("new-a.json"), *p = load("pass.json");
	char *out = NULL, *pass = NULL;

	ASSERT_TRUE(r && p);
	out = text_of(r, true);
	ASSERT_TRUE(out != NULL);
	HAS(out, "\033[1;31mFAIL\033[0m");
	HAS(out, "\033[1;31mCRITICAL");
	HAS(out, "\033[31mUNDECLARED");
	ASSERT_TRUE(only_sgr(out));
	pass = text_of(p, true);
	ASSERT_TRUE(pass != NULL);
	HAS(pass, "\033[1m\033[32mPASS");
	free(pass);
	pass = text_of(p, false);
	ASSERT_TRUE(pass != NULL);
	ASSERT_TRUE(!strncmp(pass, "conduct: acme-crm 1.4.1: PASS\n", 30));
	HAS(pass, "\n  no findings\n");
	HAS(pass, "nothing to fix; keep report.json");
	HASNT(pass, "conduct explain");
cleanup:
	free(out);
	free(pass);
	json_decref(r);
	json_decref(p);
}

static json_t *hostile_report(void)
{
	return json_pack(
		"{s:i,s:s,s:{s:s,s:s},s:{s:[s,s]},s:{s:[{s:s,s:s,s:i,s:s,s:n,s:s}],s:[{s:s}],"
		"s:[{s:s,s:i}],s:[{s:s,s:[s,s]}],s:[s]},s:[{s:s,s:s,s:s,s:s,s:[i]}]}",
		"format", 1, "verdict", "fail", "connector", "name", "<b>evil\033[2J</b>",
		"version", "1.0\"'", "run", "command", "sh", "-c\r\n\033]0;owned\007", "observed",
		"connections", "host", "<script>alert(1)</script>\033[31m.example", "addr",
		"203.0.113.66", "port", 443, "proto", "tcp", "tls", "declared", "no", "dns", "name",
		"x\xe2\x80\xae"
		"gpj.example",
		"files_written", "path", "/tmp/\"><img src=x onerror=alert(1)>", "size", 5,
		"programs", "path", "/tmp/run'me", "argv", "run", "--x=<iframe src=//evil.example>",
		"secrets_touched", "TOKEN&<>", "findings", "rule", "DP-2.plaintext\033[0m",
		"severity", "high", "summary", "</p><script>document.location='//evil'</script>",
		"clause", "A & B <c>", "evidence", 3);
}

TEST(summary_escapes_hostile_strings)
{
	json_t *r = hostile_report();
	char *out = NULL, *colored = NULL;

	ASSERT_TRUE(r != NULL);
	out = text_of(r, false);
	ASSERT_TRUE(out != NULL);
	ASSERT_TRUE(strchr(out, '\033') == NULL);
	ASSERT_TRUE(strchr(out, '\007') == NULL);
	ASSERT_TRUE(strchr(out, '\r') == NULL);
	HASNT(out, "\xe2\x80\xae");
	HAS(out, "conduct: <b>evil\\x1b[2J</b> 1.0\"': FAIL\n");
	HAS(out, "  command  sh -c\\r\\n\\x1b]0;owned\\x07\n");
	HAS(out, "<script>alert(1)</script>\\x1b[31m.example");
	HAS(out, "DNS names (1): x\\u202Egpj.example\n");
	HAS(out, "DP-2.plaintext\\x1b[0m");
	colored = text_of(r, true);
	ASSERT_TRUE(colored != NULL);
	ASSERT_TRUE(only_sgr(colored));
cleanup:
	free(out);
	free(colored);
	json_decref(r);
}

TEST(summary_incomplete_and_minimal)
{
	json_t *r = json_pack("{s:i,s:s,s:{s:b},s:{s:i}}", "format", 1, "verdict", "incomplete",
			      "run", "timed_out", 1, "summary", "lost", 42);
	json_t *min = json_pack("{s:i,s:s}", "format", 1, "verdict", "pass");
	json_t *conns = NULL;
	char *out = NULL;
	int i;

	ASSERT_TRUE(r && min);
	out = text_of(r, false);
	ASSERT_TRUE(out != NULL);
	ASSERT_TRUE(!strncmp(out, "conduct: connector without a manifest: INCOMPLETE\n", 50));
	HAS(out, ", stopped at the timeout\n");
	HAS(out, "42 lost\n");
	HAS(out, "the record lost 42 events, so the verdict cannot be trusted: run again with a "
		 "larger --ringbuf\n");
	HAS(out, "run again with a longer --timeout");
	free(out);
	out = text_of(min, false);
	ASSERT_TRUE(out != NULL);
	HAS(out, "(no inventory in this report)");
	/* Long lists are cut; report.json keeps everything. */
	conns = json_array();
	for (i = 0; i < 25; i++)
		json_array_append_new(conns,
				      json_pack("{s:s,s:i}", "addr", "203.0.113.5", "port", i));
	json_object_set_new(min, "observed", json_pack("{s:O}", "connections", conns));
	free(out);
	out = text_of(min, false);
	ASSERT_TRUE(out != NULL);
	HAS(out, "  connections (25)\n");
	HAS(out, "203.0.113.5:19 ");
	HASNT(out, "203.0.113.5:20 ");
	HAS(out, "    ... and 5 more in report.json\n");
	ASSERT_EQ(report_write_text(stdout, NULL, false), -EINVAL);
cleanup:
	free(out);
	json_decref(r);
	json_decref(min);
	json_decref(conns);
}

/* Tags the page may contain; anything else means markup got through unescaped. */
static const char *const allowed_tags[] = { "!DOCTYPE",	  "html", "head",    "meta",  "title",
					    "style",	  "body", "header",  "h1",    "h2",
					    "h3",	  "span", "dl",	     "dt",    "dd",
					    "main",	  "p",	  "strong",  "table", "tr",
					    "th",	  "td",	  "article", "a",     "code",
					    "blockquote", "br",	  "footer",  NULL };

/* Checks every tag of page: allowed name, attributes among class/id/lang/charset/content/
 * http-equiv/name/colspan, and href only "#rule-N". Returns the first offending tag. */
static const char *bad_tag(const char *page)
{
	static char tag[512];
	const char *p = page;

	while ((p = strchr(p, '<'))) {
		const char *end = strchr(p, '>'), *q;
		size_t i, n;
		bool ok = false;

		if (!end)
			return "unterminated tag";
		n = MIN((size_t)(end - p + 1), sizeof(tag) - 1);
		memcpy(tag, p, n);
		tag[n] = '\0';
		q = p + 1 + (p[1] == '/');
		for (i = 0; allowed_tags[i]; i++) {
			size_t l = strlen(allowed_tags[i]);

			if (!strncmp(q, allowed_tags[i], l) && (q[l] == '>' || q[l] == ' '))
				ok = true;
		}
		if (!ok)
			return tag;
		if (!strcmp(tag, "<!DOCTYPE html>")) {
			p = end + 1;
			continue;
		}
		/* attributes: name="value" pairs, names from a fixed set, links only inside */
		q = strchr(tag, ' ');
		while (q && *q && *q != '>') {
			static const char *const attrs[] = { "class",	"id",	   "lang",
							     "charset", "content", "http-equiv",
							     "name",	"colspan", "href",
							     NULL };
			const char *eq, *close;
			bool known = false;

			while (*q == ' ')
				q++;
			if (*q == '>' || !*q)
				break;
			eq = strchr(q, '=');
			if (!eq || eq[1] != '"' || !(close = strchr(eq + 2, '"')))
				return tag;
			for (i = 0; attrs[i]; i++)
				known |= (size_t)(eq - q) == strlen(attrs[i]) &&
					 !strncmp(q, attrs[i], strlen(attrs[i]));
			if (!known || (!strncmp(q, "href", 4) && strncmp(eq, "=\"#rule-", 8)))
				return tag;
			q = close + 1;
		}
		p = end + 1;
	}
	return NULL;
}

/* A name asked for A and for AAAA is one DNS name on the terminal (report.json keeps both). */
TEST(summary_lists_each_dns_name_once)
{
	json_t *r = json_pack("{s:i,s:s,s:{s:[{s:s,s:s},{s:s,s:s},{s:s,s:s}]}}", "format", 1,
			      "verdict", "pass", "observed", "dns", "name", "api.acme.example",
			      "qtype", "A", "name", "api.acme.example", "qtype", "AAAA", "name",
			      "zeebe.camunda.svc", "qtype", "A");
	char *out = NULL;

	ASSERT_TRUE(r != NULL);
	out = text_of(r, false);
	ASSERT_TRUE(out != NULL);
	HAS(out, "  DNS names (2): api.acme.example, zeebe.camunda.svc\n");
cleanup:
	free(out);
	json_decref(r);
}

TEST(html_escapes_hostile_strings)
{
	json_t *r = hostile_report(), *rules = load("rules.json");
	char *page = NULL;
	const char *bad;

	ASSERT_TRUE(r && rules);
	page = html_of(r, rules);
	ASSERT_TRUE(page != NULL);
	bad = bad_tag(page);
	if (bad)
		TEST_FAIL_AT("markup got through: %s", bad);
	ASSERT_TRUE(strcasestr(page, "<script") == NULL);
	ASSERT_TRUE(strcasestr(page, "<img") == NULL);
	ASSERT_TRUE(strcasestr(page, "<iframe") == NULL);
	HAS(page, "&lt;script&gt;alert(1)&lt;/script&gt;\\x1b[31m.example");
	HAS(page, "/tmp/&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
	HAS(page, "/tmp/run&#39;me");
	HAS(page, "--x=&lt;iframe src=//evil.example&gt;");
	HAS(page, "&lt;/p&gt;&lt;script&gt;document.location=&#39;//evil&#39;&lt;/script&gt;");
	HAS(page, "TOKEN&amp;&lt;&gt;");
	HAS(page, "A &amp; B &lt;c&gt;");
	HAS(page, "x\\u202Egpj.example");
	HAS(page, "<title>conduct: &lt;b&gt;evil\\x1b[2J&lt;/b&gt; &mdash; fail</title>");
	ASSERT_TRUE(strchr(page, '\033') == NULL);
	HASNT(page, "\xe2\x80\xae");
cleanup:
	free(page);
	json_decref(r);
	json_decref(rules);
}

TEST(html_self_contained)
{
	json_t *r = load("new-a.json"), *rules = load("rules.json");
	char *page = NULL;
	const char *bad;

	ASSERT_TRUE(r && rules);
	page = html_of(r, rules);
	ASSERT_TRUE(page != NULL);
	ASSERT_TRUE(!strncmp(page, "<!DOCTYPE html>\n", 16));
	HAS(page, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		  "style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'\">");
	bad = bad_tag(page);
	if (bad)
		TEST_FAIL_AT("unexpected tag: %s", bad);
	HASNT(page, "http://");
	HASNT(page, "https://");
	HASNT(page, "src=");
	HASNT(page, "url(");
	HASNT(page, "@import");
	/* Content: verdict, every finding, the inventory, the rules table with anchors. */
	HAS(page, "<span class=\"verdict v-fail\">fail</span>");
	HAS(page, "<a href=\"#rule-6\">PRIV-1.credential-exfiltration</a>");
	HAS(page, "<tr id=\"rule-6\">");
	HAS(page, "<td class=\"undeclared\">undeclared</td>");
	HAS(page, "<td class=\"muted\">raw IP, no name</td>");
	HAS(page, "Evidence: <code>trace.jsonl</code> lines 90, 91");
	HAS(page, "<h3>Connections (11)</h3>");
	HAS(page, "<h3>Files written (4)</h3>");
	HAS(page, "<td class=\"mono\">/tmp/acme/helper</td><td class=\"mono\">/tmp/acme/helper "
		  "--beacon</td>");
	HAS(page, "<td colspan=\"3\">accepted: no deadline</td>");
	ASSERT_TRUE(strstr(page, "</html>\n") != NULL && strstr(page, "</html>\n")[8] == '\0');
	/* Without rules and with a minimal report it still renders. */
	free(page);
	json_decref(r);
	r = json_pack("{s:i,s:s}", "format", 1, "verdict", "pass");
	page = html_of(r, NULL);
	ASSERT_TRUE(page != NULL);
	HAS(page, "<p>No findings.</p>");
	HAS(page, "This report has no inventory.");
cleanup:
	free(page);
	json_decref(r);
	json_decref(rules);
}

int main(void)
{
	RUN(summary_exact_lines);
	RUN(summary_colour_only_when_asked);
	RUN(summary_escapes_hostile_strings);
	RUN(summary_incomplete_and_minimal);
	RUN(summary_lists_each_dns_name_once);
	RUN(html_escapes_hostile_strings);
	RUN(html_self_contained);
	return test_summary();
}
