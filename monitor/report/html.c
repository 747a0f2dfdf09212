/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * report.html: one self-contained page for people: inline CSS, no script, no link, image,
 * font or any other resource, and a Content-Security-Policy that forbids them anyway, so the
 * page can be opened from a mail or an artifact store safely. Every string from the report or
 * the policy goes through report_html_write(): connector-controlled hostnames, paths and argv
 * are hostile input. Tables hold everything up to HTML_MAX_ROWS rows each.
 */
#include "report/report.h"

#include <errno.h>
#include <string.h>

#include "report/internal.h"
#include "util/util.h"

#define HTML_MAX_ROWS 10000

static const char css[] =
	"body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;"
	"color:#1d2330;background:#f6f7f9}"
	"main{max-width:1100px;margin:0 auto;padding:24px}"
	"header{background:#1d2330;color:#fff;padding:20px 24px}"
	"header h1{margin:0 0 6px;font-size:22px}header .ver{opacity:.7;font-weight:400}"
	"h2{font-size:17px;margin:28px 0 10px;border-bottom:1px solid #d7dbe2;padding-bottom:4px}"
	"table{border-collapse:collapse;width:100%;background:#fff;margin:6px 0 14px}"
	"th,td{border:1px solid #e1e4ea;padding:5px 8px;text-align:left;vertical-align:top}"
	"th{background:#eef0f4;font-weight:600}"
	"code,.mono{font-family:ui-monospace,'SFMono-Regular',Menlo,Consolas,monospace;"
	"font-size:12.5px;word-break:break-all}"
	".verdict{display:inline-block;padding:3px 12px;border-radius:4px;font-weight:700;"
	"letter-spacing:.04em}"
	".v-pass{background:#1f883d}.v-fail{background:#cf222e}.v-incomplete{background:#bf8700}"
	".v-unknown{background:#6e7781}"
	".badge{display:inline-block;min-width:70px;text-align:center;padding:1px 6px;"
	"border-radius:3px;color:#fff;font-size:12px;font-weight:700}"
	".s-critical{background:#8b0000}.s-high{background:#cf222e}.s-medium{background:#bf8700}"
	".s-low{background:#0969da}.s-none{background:#6e7781}"
	".finding{background:#fff;border:1px solid #e1e4ea;border-left-width:5px;padding:10px 14px;"
	"margin:10px 0}"
	".finding.critical{border-left-color:#8b0000}.finding.high{border-left-color:#cf222e}"
	".finding.medium{border-left-color:#bf8700}.finding.low{border-left-color:#0969da}"
	".finding h3{margin:0 0 6px;font-size:15px}"
	"blockquote{margin:6px 0;padding:4px 10px;border-left:3px solid #d7dbe2;color:#4b5563}"
	"dl.run{display:grid;grid-template-columns:max-content auto;gap:2px 14px;margin:12px 0 0}"
	"dl.run dt{opacity:.7}dl.run dd{margin:0}"
	".undeclared{color:#cf222e;font-weight:700}.muted{color:#6e7781}"
	"footer{color:#6e7781;font-size:12px;margin:30px 0 10px}";

static void esc(FILE *f, const json_t *v, const char *fallback)
{
	report_html_json(f, v, fallback);
}

/* A cell's content for any JSON value. */
static void cell_value(FILE *f, const json_t *v)
{
	json_t *e;
	const char *k;
	size_t i;

	if (!v) {
		fputs("<span class=\"muted\">&mdash;</span>", f);
		return;
	}
	switch (json_typeof(v)) {
	case JSON_STRING:
	case JSON_INTEGER:
		esc(f, v, "");
		break;
	case JSON_REAL:
		fprintf(f, "%.1f", json_real_value(v));
		break;
	case JSON_TRUE:
		fputs("yes", f);
		break;
	case JSON_FALSE:
		fputs("no", f);
		break;
	case JSON_ARRAY:
		json_array_foreach (v, i, e) {
			if (i)
				fputc(' ', f);
			if (json_is_object(e) || json_is_array(e))
				fputs("&hellip;", f);
			else
				cell_value(f, e);
		}
		break;
	case JSON_OBJECT:
		i = 0;
		json_object_foreach ((json_t *)v, k, e) {
			fputs(i++ ? ", " : "", f);
			report_html_str(f, k);
			fputs(": ", f);
			if (json_is_object(e) || json_is_array(e))
				fputs("&hellip;", f);
			else
				cell_value(f, e);
		}
		break;
	default:
		fputs("<span class=\"muted\">&mdash;</span>", f);
	}
}

static void td(FILE *f, const json_t *v, bool mono)
{
	fputs(mono ? "<td class=\"mono\">" : "<td>", f);
	cell_value(f, v);
	fputs("</td>", f);
}

static void sev_badge(FILE *f, const char *sev)
{
	int s = report_sev_rank(sev);

	fprintf(f, "<span class=\"badge s-%s\">", s >= 0 ? report_sev_name(s) : "none");
	if (s >= 0)
		fputs(report_sev_name(s), f);
	else
		report_html_str(f, sev ? sev : "?");
	fputs("</span>", f);
}

static void head(FILE *f, const json_t *report)
{
	const json_t *connector = report_obj(report, "connector"), *run = report_obj(report, "run");
	const json_t *policy = report_obj(run, "policy"), *summary = report_obj(report, "summary");
	const char *verdict = report_str(report, "verdict");
	const char *vclass = "unknown";
	long long v;

	if (verdict && (!strcmp(verdict, "pass") || !strcmp(verdict, "fail") ||
			!strcmp(verdict, "incomplete")))
		vclass = verdict;
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'\">\n"
	      "<meta name=\"referrer\" content=\"no-referrer\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
	      f);
	fputs("conduct: ", f);
	esc(f, json_object_get(connector, "name"), "connector");
	fputs(" &mdash; ", f);
	report_html_str(f, verdict ? verdict : "no verdict");
	fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n<header>\n<h1>", css);
	esc(f, json_object_get(connector, "name"), "Connector without a manifest");
	if (report_str(connector, "version")) {
		fputs(" <span class=\"ver\">", f);
		esc(f, json_object_get(connector, "version"), "");
		fputs("</span>", f);
	}
	fprintf(f, "</h1>\n<span class=\"verdict v-%s\">", vclass);
	report_html_str(f, verdict ? verdict : "no verdict");
	fputs("</span>\n<dl class=\"run\">\n", f);
	if (json_object_get(run, "command")) {
		fputs("<dt>command</dt><dd class=\"mono\">", f);
		cell_value(f, json_object_get(run, "command"));
		fputs("</dd>\n", f);
	}
	if (report_str(run, "started")) {
		fputs("<dt>started</dt><dd>", f);
		esc(f, json_object_get(run, "started"), "");
		fputs("</dd>\n", f);
	}
	if (report_int(run, "duration_ms", &v))
		fprintf(f, "<dt>duration</dt><dd>%lld.%03lld s</dd>\n", v / 1000, v % 1000);
	if (json_is_true(json_object_get(run, "timed_out")))
		fputs("<dt>end</dt><dd>stopped at the timeout</dd>\n", f);
	else if (report_int(run, "signal", &v) && v)
		fprintf(f, "<dt>end</dt><dd>killed by signal %lld</dd>\n", v);
	else if (report_int(run, "exit_code", &v))
		fprintf(f, "<dt>end</dt><dd>exit status %lld</dd>\n", v);
	if (policy) {
		fputs("<dt>policy</dt><dd>", f);
		esc(f, json_object_get(policy, "id"), "?");
		fputs(" <span class=\"mono\">", f);
		esc(f, json_object_get(policy, "sha256"), "");
		fputs("</span></dd>\n", f);
	}
	if (report_str(run, "trace_sha256")) {
		fputs("<dt>trace sha256</dt><dd class=\"mono\">", f);
		esc(f, json_object_get(run, "trace_sha256"), "");
		fputs("</dd>\n", f);
	}
	if (summary) {
		long long ev = 0, conns = 0, lost = 0;

		report_int(summary, "events", &ev);
		report_int(summary, "connections", &conns);
		report_int(summary, "lost", &lost);
		fprintf(f, "<dt>record</dt><dd>%lld events, %lld connections, %lld lost</dd>\n", ev,
			conns, lost);
	}
	if (report_str(run, "tool") || report_str(run, "kernel")) {
		fputs("<dt>monitor</dt><dd>", f);
		esc(f, json_object_get(run, "tool"), "");
		fputs(" on ", f);
		esc(f, json_object_get(run, "kernel"), "?");
		fputs("</dd>\n", f);
	}
	fputs("</dl>\n</header>\n<main>\n", f);
	if (verdict && !strcmp(verdict, "incomplete"))
		fputs("<p><strong>The record is incomplete</strong> (lost events, or the run was "
		      "stopped at its timeout): the absence of a finding proves nothing.</p>\n",
		      f);
}

static void severity_table(FILE *f, const json_t *findings)
{
	static const char *const which[] = { "acknowledge", "mitigate", "fix" };
	size_t count[5] = { 0 }, i, k;
	const json_t *first[5] = { 0 };
	json_t *e;
	int s;

	json_array_foreach (findings, i, e) {
		s = report_sev_rank(report_str(e, "severity"));
		if (s >= 0 && !count[s]++)
			first[s] = e;
	}
	fputs("<h2>Findings by severity</h2>\n<table>\n<tr><th>severity</th><th>findings</th>"
	      "<th>acknowledge by</th><th>mitigate by</th><th>fix by</th></tr>\n",
	      f);
	for (s = REPORT_SEV_CRITICAL; s >= REPORT_SEV_LOW; s--) {
		const json_t *d = report_obj(first[s], "deadlines");

		fputs("<tr><td>", f);
		sev_badge(f, report_sev_name(s));
		fprintf(f, "</td><td>%zu</td>", count[s]);
		if (!count[s]) {
			fputs("<td></td><td></td><td></td></tr>\n", f);
			continue;
		}
		if (s == REPORT_SEV_LOW && !report_str(d, "acknowledge")) {
			fputs("<td colspan=\"3\">accepted: no deadline</td></tr>\n", f);
			continue;
		}
		for (k = 0; k < ARRAY_SIZE(which); k++)
			td(f, json_object_get(d, which[k]), false);
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

static ssize_t rule_pos(const json_t *rules, const char *id)
{
	json_t *r;
	size_t i;

	json_array_foreach (rules, i, r) {
		const char *rid = report_str(r, "id");

		if (rid && id && !strcmp(rid, id))
			return (ssize_t)i;
	}
	return -1;
}

static void finding(FILE *f, const json_t *e, const json_t *rules)
{
	const char *sev = report_str(e, "severity");
	const json_t *cvss = report_obj(e, "cvss"), *d = report_obj(e, "deadlines");
	json_t *ev = report_arr(e, "evidence"), *x;
	ssize_t pos = rule_pos(rules, report_str(e, "rule"));
	int s = report_sev_rank(sev);
	double score;
	size_t i;

	fprintf(f, "<article class=\"finding %s\">\n<h3>", s >= 0 ? report_sev_name(s) : "none");
	sev_badge(f, sev);
	fputs(" ", f);
	if (pos >= 0)
		fprintf(f, "<a href=\"#rule-%zd\">", pos);
	esc(f, json_object_get(e, "rule"), "(no rule)");
	if (pos >= 0)
		fputs("</a>", f);
	if (report_num(cvss, "score", &score))
		fprintf(f, " <span class=\"muted\">CVSS %.1f</span>", score);
	fputs("</h3>\n<p>", f);
	esc(f, json_object_get(e, "summary"), "(no summary)");
	fputs("</p>\n", f);
	if (report_str(e, "clause")) {
		fputs("<blockquote>", f);
		esc(f, json_object_get(e, "clause"), "");
		fputs("</blockquote>\n", f);
	}
	if (report_str(cvss, "vector")) {
		fputs("<p>CVSS v3.1 <code>", f);
		esc(f, json_object_get(cvss, "vector"), "");
		fputs("</code></p>\n", f);
	}
	if (json_array_size(ev)) {
		fputs("<p>Evidence: <code>trace.jsonl</code> line", f);
		fputs(json_array_size(ev) > 1 ? "s " : " ", f);
		json_array_foreach (ev, i, x) {
			fputs(i ? ", " : "", f);
			esc(f, x, "?");
		}
		fputs("</p>\n", f);
	}
	if (report_str(d, "acknowledge")) {
		fputs("<p>Acknowledge by ", f);
		esc(f, json_object_get(d, "acknowledge"), "");
		fputs(", mitigate by ", f);
		esc(f, json_object_get(d, "mitigate"), "-");
		fputs(", fix by ", f);
		esc(f, json_object_get(d, "fix"), "-");
		fputs(".</p>\n", f);
	} else if (s == REPORT_SEV_LOW) {
		fputs("<p class=\"muted\">Low: accepted, no deadline.</p>\n", f);
	}
	fputs("</article>\n", f);
}

static void findings(FILE *f, const json_t *list, const json_t *rules)
{
	json_t *e;
	size_t i;
	int s;

	fputs("<h2>Findings</h2>\n", f);
	if (!json_array_size(list)) {
		fputs("<p>No findings.</p>\n", f);
		return;
	}
	for (s = REPORT_SEV_CRITICAL; s >= REPORT_SEV_NONE; s--)
		json_array_foreach (list, i, e) {
			int fs = report_sev_rank(report_str(e, "severity"));

			if (fs == s || (s == REPORT_SEV_NONE && fs < 0))
				finding(f, e, rules);
		}
}

/* A table of list's objects, one column per key (NULL title: the key itself). */
static void table(FILE *f, const char *title, const json_t *list, const char *const *keys,
		  const char *const *titles, size_t n)
{
	json_t *e;
	size_t i, k;

	fprintf(f, "<h3>%s (%zu)</h3>\n", title, json_array_size(list));
	if (!json_array_size(list)) {
		fputs("<p class=\"muted\">none</p>\n", f);
		return;
	}
	fputs("<table>\n<tr>", f);
	for (k = 0; k < n; k++)
		fprintf(f, "<th>%s</th>", titles[k] ? titles[k] : keys[k]);
	fputs("</tr>\n", f);
	json_array_foreach (list, i, e) {
		if (i == HTML_MAX_ROWS) {
			fprintf(f,
				"<tr><td colspan=\"%zu\">&hellip; and %zu more in report.json</td>"
				"</tr>\n",
				n, json_array_size(list) - i);
			break;
		}
		fputs("<tr>", f);
		for (k = 0; k < n; k++) {
			const json_t *v = json_is_object(e) ? json_object_get(e, keys[k])
							    : (k == 0 ? e : NULL);
			const char *s = json_string_value(v);

			if (!strcmp(keys[k], "declared") && s && !strcmp(s, "no")) {
				fputs("<td class=\"undeclared\">undeclared</td>", f);
				continue;
			}
			if (!strcmp(keys[k], "host") && json_is_object(e) &&
			    (!v || json_is_null(v))) {
				fputs("<td class=\"muted\">raw IP, no name</td>", f);
				continue;
			}
			td(f, v, strcmp(keys[k], "declared") && strcmp(keys[k], "proto"));
		}
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void observed(FILE *f, const json_t *obs)
{
	static const char *const conn_k[] = { "host", "addr",	  "port",      "proto",	  "tls",
					      "sni",  "declared", "bytes_out", "bytes_in" };
	static const char *const conn_t[] = { NULL,  "address", NULL,	     NULL,	"TLS",
					      "SNI", NULL,	"bytes out", "bytes in" };
	static const char *const dns_k[] = { "name", "qtype", "answers" };
	static const char *const dns_t[] = { NULL, "type", NULL };
	static const char *const file_k[] = { "path", "size", "sha256" };
	static const char *const file_t[] = { NULL, "bytes", NULL };
	static const char *const prog_k[] = { "path", "argv", "pid" };
	static const char *const prog_t[] = { NULL, NULL, NULL };
	static const char *const item_k[] = { "name", "path", "where" };
	static const char *const item_t[] = { NULL, NULL, NULL };

	fputs("<h2>Observed behavior</h2>\n", f);
	if (!obs) {
		fputs("<p class=\"muted\">This report has no inventory.</p>\n", f);
		return;
	}
	table(f, "Connections", report_arr(obs, "connections"), conn_k, conn_t, ARRAY_SIZE(conn_k));
	table(f, "DNS names asked", report_arr(obs, "dns"), dns_k, dns_t, ARRAY_SIZE(dns_k));
	table(f, "Files written", report_arr(obs, "files_written"), file_k, file_t,
	      ARRAY_SIZE(file_k));
	table(f, "Programs executed", report_arr(obs, "programs"), prog_k, prog_t,
	      ARRAY_SIZE(prog_k));
	table(f, "Secrets touched", report_arr(obs, "secrets_touched"), item_k, item_t,
	      ARRAY_SIZE(item_k));
	table(f, "Honey files touched", report_arr(obs, "honey_files_touched"), item_k + 1,
	      item_t + 1, 2);
}

static void rules_table(FILE *f, const json_t *rules)
{
	json_t *r;
	size_t i;

	if (!json_array_size(rules))
		return;
	fputs("<h2>Rules of the policy</h2>\n<table>\n<tr><th>rule</th><th>severity</th>"
	      "<th>CVSS v3.1</th><th>guideline clause</th><th>why it matters</th></tr>\n",
	      f);
	json_array_foreach (rules, i, r) {
		const json_t *cvss = report_obj(r, "cvss");
		double score;

		if (i == HTML_MAX_ROWS)
			break;
		fprintf(f, "<tr id=\"rule-%zu\"><td class=\"mono\">", i);
		esc(f, json_object_get(r, "id"), "?");
		if (report_str(r, "section")) {
			fputs("<br><span class=\"muted\">", f);
			esc(f, json_object_get(r, "section"), "");
			fputs("</span>", f);
		}
		fputs("</td><td>", f);
		sev_badge(f, report_str(r, "severity"));
		fputs("</td><td>", f);
		if (report_num(cvss, "score", &score))
			fprintf(f, "%.1f ", score);
		fputs("<code>", f);
		esc(f, json_object_get(cvss, "vector"), "");
		fputs("</code></td>", f);
		td(f, json_object_get(r, "clause"), false);
		td(f, json_object_get(r, "why"), false);
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

int report_write_html(FILE *f, const json_t *report, const json_t *rules)
{
	json_t *list;

	if (!f || !json_is_object(report))
		return -EINVAL;
	list = report_arr(report, "findings");
	head(f, report);
	severity_table(f, list);
	findings(f, list, rules);
	observed(f, report_obj(report, "observed"));
	rules_table(f, rules);
	fputs("<footer>Written by conduct " CONDUCT_VERSION ". The evidence line numbers point "
	      "into <code>trace.jsonl</code> beside this file; <code>conduct check "
	      "trace.jsonl</code> reproduces <code>report.json</code> byte for byte.</footer>\n"
	      "</main>\n</body>\n</html>\n",
	      f);
	return report_finish(f);
}
