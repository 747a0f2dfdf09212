/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The terminal summary: who was judged and the verdict, a table of findings by severity with
 * their deadlines, each finding with its evidence lines, the observed inventory in brief, and
 * what to do next. ANSI colour only when asked. Every string that came from the run goes
 * through report_term_write(), so a hostile hostname, path or argv cannot inject escape
 * sequences into the reviewer's terminal. Long lists are cut at LIST_MAX rows (report.json
 * and report.html hold everything).
 */
#include "report/report.h"

#include <errno.h>
#include <string.h>

#include "report/internal.h"
#include "util/util.h"

#define LIST_MAX 20
#define EVIDENCE_MAX 12

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_RED "\033[31m"
#define C_BRED "\033[1;31m"
#define C_GREEN "\033[32m"
#define C_YELLOW "\033[33m"

struct out {
	FILE *f;
	bool color;
};

static void on(const struct out *o, const char *code)
{
	if (o->color)
		fputs(code, o->f);
}

static void off(const struct out *o)
{
	if (o->color)
		fputs(C_RESET, o->f);
}

static void heading(const struct out *o, const char *title)
{
	fputc('\n', o->f);
	on(o, C_BOLD);
	fputs(title, o->f);
	off(o);
	fputc('\n', o->f);
}

static void human_bytes(char *buf, size_t len, long long n)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	double v = (double)n;
	size_t u = 0;

	if (n < 1024) {
		snprintf(buf, len, "%lld B", n);
		return;
	}
	v /= 1024;
	while (v >= 1024 && u + 1 < ARRAY_SIZE(units)) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, "%.1f %s", v, units[u]);
}

static void header(const struct out *o, const json_t *report)
{
	const json_t *connector = report_obj(report, "connector"), *run = report_obj(report, "run");
	const json_t *summary = report_obj(report, "summary"), *policy = report_obj(run, "policy");
	const char *verdict = report_str(report, "verdict");
	json_t *cmd = json_object_get(run, "command"), *e;
	long long v, lost = 0;
	size_t i;

	on(o, C_BOLD);
	fputs("conduct: ", o->f);
	if (connector) {
		report_term_json(o->f, json_object_get(connector, "name"), "(unnamed connector)");
		if (report_str(connector, "version")) {
			fputc(' ', o->f);
			report_term_json(o->f, json_object_get(connector, "version"), "");
		}
	} else {
		fputs("connector without a manifest", o->f);
	}
	off(o);
	fputs(": ", o->f);
	if (verdict && !strcmp(verdict, "pass"))
		on(o, C_BOLD C_GREEN);
	else if (verdict && !strcmp(verdict, "fail"))
		on(o, C_BRED);
	else
		on(o, C_BOLD C_YELLOW);
	fputs(!verdict			       ? "NO VERDICT"
	      : !strcmp(verdict, "pass")       ? "PASS"
	      : !strcmp(verdict, "fail")       ? "FAIL"
	      : !strcmp(verdict, "incomplete") ? "INCOMPLETE"
					       : "UNKNOWN VERDICT",
	      o->f);
	off(o);
	fputc('\n', o->f);

	if (cmd) {
		fputs("  command  ", o->f);
		if (json_is_array(cmd)) {
			json_array_foreach (cmd, i, e) {
				if (i)
					fputc(' ', o->f);
				if (i == 16) {
					fputs("...", o->f);
					break;
				}
				report_term_json(o->f, e, "?");
			}
		} else {
			report_term_json(o->f, cmd, "?");
		}
		fputc('\n', o->f);
	}
	if (run) {
		fputs("  run      ", o->f);
		if (report_str(run, "started")) {
			fputs("started ", o->f);
			report_term_json(o->f, json_object_get(run, "started"), "");
		}
		if (report_int(run, "duration_ms", &v))
			fprintf(o->f, ", %lld.%03lld s", v / 1000, v % 1000);
		if (json_is_true(json_object_get(run, "timed_out")))
			fputs(", stopped at the timeout", o->f);
		else if (report_int(run, "signal", &v) && v)
			fprintf(o->f, ", killed by signal %lld", v);
		else if (report_int(run, "exit_code", &v))
			fprintf(o->f, ", exit status %lld", v);
		fputc('\n', o->f);
	}
	if (policy) {
		const char *sha = report_str(policy, "sha256");

		fputs("  policy   ", o->f);
		report_term_json(o->f, json_object_get(policy, "id"), "(unnamed)");
		if (sha) {
			fputs(" (sha256 ", o->f);
			report_term_write(o->f, sha, MIN(strlen(sha), (size_t)16));
			fputs(strlen(sha) > 16 ? "...)" : ")", o->f);
		}
		fputc('\n', o->f);
	}
	if (summary) {
		fputs("  record   ", o->f);
		if (report_int(summary, "events", &v))
			fprintf(o->f, "%lld events, ", v);
		if (report_int(summary, "connections", &v))
			fprintf(o->f, "%lld connections, ", v);
		report_int(summary, "lost", &lost);
		if (lost)
			on(o, C_BOLD C_YELLOW);
		fprintf(o->f, "%lld lost", lost);
		off(o);
		fputc('\n', o->f);
	}
}

/* The first finding of each severity gives that severity's deadlines (all are computed from
 * the run's start, so they are the same for every finding of a severity). */
static void severity_table(const struct out *o, const json_t *findings)
{
	static const char *const which[] = { "acknowledge", "mitigate", "fix" };
	size_t count[5] = { 0 }, i, k;
	const json_t *first[5] = { 0 };
	json_t *f;
	int s;

	json_array_foreach (findings, i, f) {
		s = report_sev_rank(report_str(f, "severity"));
		if (s < 0)
			continue;
		if (!count[s]++)
			first[s] = f;
	}
	fputs("\n  ", o->f);
	on(o, C_BOLD);
	fprintf(o->f, "%-10s %-9s %-22s %-22s %s", "severity", "findings", "acknowledge by",
		"mitigate by", "fix by");
	off(o);
	fputc('\n', o->f);
	for (s = REPORT_SEV_CRITICAL; s >= REPORT_SEV_LOW; s--) {
		const json_t *d = report_obj(first[s], "deadlines");

		fputs("  ", o->f);
		if (count[s])
			report_term_sev(o->f, s, o->color, 10);
		else
			fprintf(o->f, "%-10s", report_sev_name(s));
		if (!count[s]) {
			fputs(" 0\n", o->f);
			continue;
		}
		fprintf(o->f, " %-9zu", count[s]);
		if (s == REPORT_SEV_LOW && !(d && report_str(d, "acknowledge"))) {
			fputs(" accepted: no deadline\n", o->f);
			continue;
		}
		for (k = 0; k < ARRAY_SIZE(which); k++) {
			fputc(' ', o->f);
			report_term_json_pad(o->f, json_object_get(d, which[k]), "-",
					     k + 1 < ARRAY_SIZE(which) ? 22 : 0);
		}
		fputc('\n', o->f);
	}
}

static void finding(const struct out *o, const json_t *f)
{
	const json_t *d = report_obj(f, "deadlines"), *cvss = report_obj(f, "cvss");
	json_t *ev = report_arr(f, "evidence"), *e;
	double score;
	size_t i;

	fputs("  ", o->f);
	report_term_sev(o->f, report_sev_rank(report_str(f, "severity")), o->color, 10);
	on(o, C_BOLD);
	report_term_json(o->f, json_object_get(f, "rule"), "(no rule)");
	off(o);
	if (report_num(cvss, "score", &score))
		fprintf(o->f, "  CVSS %.1f", score);
	fputs("\n            ", o->f);
	report_term_json(o->f, json_object_get(f, "summary"), "(no summary)");
	fputc('\n', o->f);
	if (json_array_size(ev)) {
		fprintf(o->f, "            evidence: trace.jsonl line%s ",
			json_array_size(ev) > 1 ? "s" : "");
		json_array_foreach (ev, i, e) {
			if (i == EVIDENCE_MAX) {
				fprintf(o->f, " and %zu more", json_array_size(ev) - i);
				break;
			}
			fputs(i ? ", " : "", o->f);
			report_term_json(o->f, e, "?");
		}
		fputc('\n', o->f);
	}
	if (d && report_str(d, "acknowledge")) {
		fputs("            acknowledge by ", o->f);
		report_term_json(o->f, json_object_get(d, "acknowledge"), "-");
		fputs(", mitigate by ", o->f);
		report_term_json(o->f, json_object_get(d, "mitigate"), "-");
		fputs(", fix by ", o->f);
		report_term_json(o->f, json_object_get(d, "fix"), "-");
		fputc('\n', o->f);
	} else if (report_sev_rank(report_str(f, "severity")) == REPORT_SEV_LOW) {
		fputs("            low: accepted, no deadline\n", o->f);
	}
}

static void findings(const struct out *o, const json_t *list)
{
	int s;
	size_t i;
	json_t *f;

	if (!json_array_size(list))
		return;
	heading(o, "Findings");
	for (s = REPORT_SEV_CRITICAL; s >= REPORT_SEV_NONE; s--)
		json_array_foreach (list, i, f) {
			int fs = report_sev_rank(report_str(f, "severity"));

			if (fs == s || (s == REPORT_SEV_NONE && fs < 0))
				finding(o, f);
		}
}

static void more(const struct out *o, size_t total)
{
	if (total > LIST_MAX)
		fprintf(o->f, "    ... and %zu more in report.json\n", total - LIST_MAX);
}

static void connections(const struct out *o, const json_t *list)
{
	json_t *c;
	size_t i;

	fprintf(o->f, "  connections (%zu)\n", json_array_size(list));
	json_array_foreach (list, i, c) {
		const char *host = report_str(c, "host"), *addr = report_str(c, "addr");
		const char *declared = report_str(c, "declared"), *sni = report_str(c, "sni");
		long long port, n;
		char buf[32];
		size_t w;

		if (i == LIST_MAX)
			break;
		fputs("    ", o->f);
		if (host)
			report_term_json_pad(o->f, json_object_get(c, "host"), "", 28);
		else
			fprintf(o->f, "%-28s", "(raw IP, no name)");
		fputc(' ', o->f);
		w = 0;
		if (addr && strchr(addr, ':'))
			w += (size_t)fprintf(o->f, "[");
		w += report_term_json(o->f, json_object_get(c, "addr"), "?");
		if (addr && strchr(addr, ':'))
			w += (size_t)fprintf(o->f, "]");
		if (report_int(c, "port", &port))
			w += (size_t)fprintf(o->f, ":%lld", port);
		for (; w < 22; w++)
			fputc(' ', o->f);
		fputc(' ', o->f);
		report_term_json_pad(o->f, json_object_get(c, "proto"), "?", 4);
		fputc(' ', o->f);
		if (report_str(c, "tls")) {
			fputs("TLS ", o->f);
			report_term_json_pad(o->f, json_object_get(c, "tls"), "", 4);
		} else {
			fputs("no TLS  ", o->f);
		}
		fputc(' ', o->f);
		if (declared && !strcmp(declared, "no")) {
			on(o, C_RED);
			fprintf(o->f, "%-16s", "UNDECLARED");
			off(o);
		} else if (declared && !strcmp(declared, "cluster")) {
			fprintf(o->f, "%-16s", "cluster");
		} else if (declared && !strcmp(declared, "local")) {
			fprintf(o->f, "%-16s", "local");
		} else if (declared && !strcmp(declared, "egress")) {
			fprintf(o->f, "%-16s", "declared egress");
		} else {
			fprintf(o->f, "%-16s", "?");
		}
		if (report_int(c, "bytes_out", &n)) {
			human_bytes(buf, sizeof(buf), n);
			fprintf(o->f, " out %-10s", buf);
		}
		if (report_int(c, "bytes_in", &n)) {
			human_bytes(buf, sizeof(buf), n);
			fprintf(o->f, " in %s", buf);
		}
		if (json_is_false(json_object_get(c, "ok")))
			fputs("  (connect failed)", o->f);
		if (sni && (!host || strcmp(sni, host))) {
			fputs("  sni ", o->f);
			report_term_json(o->f, json_object_get(c, "sni"), "");
		}
		fputc('\n', o->f);
	}
	more(o, json_array_size(list));
}

/* One line of names, comma separated, at most LIST_MAX of them. */
static const json_t *name_of(const json_t *e, const char *key)
{
	const json_t *v = key && json_is_object(e) ? json_object_get(e, key) : e;

	if (json_is_object(v))
		v = json_object_get(v, "name") ? json_object_get(v, "name")
					       : json_object_get(v, "path");
	return v;
}

/* Whether entry i names what an earlier entry named (a name asked for A and for AAAA). */
static bool seen_before(const json_t *list, size_t i, const char *key)
{
	const json_t *v = name_of(json_array_get(list, i), key);
	size_t j;

	for (j = 0; j < i; j++)
		if (json_equal((json_t *)v, (json_t *)name_of(json_array_get(list, j), key)))
			return true;
	return false;
}

/* One line of distinct names; entries that repeat an earlier name are listed once. */
static void name_line(const struct out *o, const char *title, const json_t *list, const char *key)
{
	size_t i, distinct = 0, shown = 0;

	for (i = 0; i < json_array_size(list); i++)
		distinct += !seen_before(list, i, key);
	if (!distinct)
		return;
	fprintf(o->f, "  %s (%zu): ", title, distinct);
	for (i = 0; i < json_array_size(list); i++) {
		if (seen_before(list, i, key))
			continue;
		if (shown == LIST_MAX) {
			fprintf(o->f, ", ... and %zu more", distinct - shown);
			break;
		}
		fputs(shown++ ? ", " : "", o->f);
		report_term_json(o->f, name_of(json_array_get(list, i), key), "?");
	}
	fputc('\n', o->f);
}

static void observed(const struct out *o, const json_t *obs)
{
	json_t *conns = report_arr(obs, "connections"), *files = report_arr(obs, "files_written");
	json_t *progs = report_arr(obs, "programs"), *e;
	size_t i, k;

	heading(o, "Observed");
	if (!obs) {
		fputs("  (no inventory in this report)\n", o->f);
		return;
	}
	if (json_array_size(conns))
		connections(o, conns);
	else
		fputs("  connections: none\n", o->f);
	name_line(o, "DNS names", report_arr(obs, "dns"), "name");
	if (json_array_size(files)) {
		fprintf(o->f, "  files written (%zu)\n", json_array_size(files));
		json_array_foreach (files, i, e) {
			long long size;
			char buf[32];

			if (i == LIST_MAX)
				break;
			fputs("    ", o->f);
			report_term_json(o->f, json_object_get(e, "path"), "?");
			if (report_int(e, "size", &size)) {
				human_bytes(buf, sizeof(buf), size);
				fprintf(o->f, "  %s", buf);
			}
			fputc('\n', o->f);
		}
		more(o, json_array_size(files));
	}
	if (json_array_size(progs)) {
		fprintf(o->f, "  programs (%zu)\n", json_array_size(progs));
		json_array_foreach (progs, i, e) {
			json_t *argv = report_arr(e, "argv"), *a;

			if (i == LIST_MAX)
				break;
			fputs("    ", o->f);
			report_term_json(o->f, json_object_get(e, "path"), "?");
			json_array_foreach (argv, k, a) {
				if (k == 0)
					continue; /* argv[0] repeats the program */
				if (k == 12) {
					fputs(" ...", o->f);
					break;
				}
				fputc(' ', o->f);
				report_term_json(o->f, a, "?");
			}
			fputc('\n', o->f);
		}
		more(o, json_array_size(progs));
	}
	name_line(o, "secrets touched", report_arr(obs, "secrets_touched"), "name");
	name_line(o, "honey files touched", report_arr(obs, "honey_files_touched"), "path");
}

static void next_steps(const struct out *o, const json_t *report)
{
	const char *verdict = report_str(report, "verdict");
	json_t *list = report_arr(report, "findings"), *f;
	const char *rules[4];
	size_t n = 0, i, k;
	long long lost = 0;

	heading(o, "What next");
	if (verdict && !strcmp(verdict, "incomplete")) {
		report_int(report_obj(report, "summary"), "lost", &lost);
		if (lost)
			fprintf(o->f,
				"  the record lost %lld events, so the verdict cannot be trusted: "
				"run again with a larger --ringbuf\n",
				lost);
		if (json_is_true(json_object_get(report_obj(report, "run"), "timed_out")))
			fputs("  the run was stopped at its timeout: run again with a longer "
			      "--timeout "
			      "if the connector needs more time\n",
			      o->f);
	}
	/* The distinct rules of the most severe findings, in that order. */
	for (int s = REPORT_SEV_CRITICAL; s >= REPORT_SEV_LOW && n < ARRAY_SIZE(rules); s--)
		json_array_foreach (list, i, f) {
			const char *r = report_str(f, "rule");
			bool seen = false;

			if (!r || report_sev_rank(report_str(f, "severity")) != s)
				continue;
			for (k = 0; k < n; k++)
				seen |= !strcmp(rules[k], r);
			if (!seen && n < ARRAY_SIZE(rules))
				rules[n++] = r;
		}
	for (k = 0; k < n; k++) {
		fputs("  conduct explain ", o->f);
		report_term_write(o->f, rules[k], strlen(rules[k]));
		fputs("   the clause, why it matters, CVSS and deadlines\n", o->f);
	}
	if (!json_array_size(list) && verdict && !strcmp(verdict, "pass"))
		fputs("  nothing to fix; keep report.json to compare the next version with "
		      "`conduct diff`\n",
		      o->f);
	fputs("  conduct check trace.jsonl   re-judge the saved trace: reproduces report.json byte "
	      "for byte\n",
	      o->f);
	fputs("  conduct diff OLD/report.json report.json   what appeared or changed since an "
	      "earlier run\n",
	      o->f);
	fputs("  report.html (for people), report.sarif (for code scanning) are beside the trace\n",
	      o->f);
}

int report_write_text(FILE *f, const json_t *report, bool color)
{
	struct out o = { .f = f, .color = color };
	json_t *list;
	size_t counts[5] = { 0 }, i, n;
	json_t *e;
	int s;

	if (!f || !json_is_object(report))
		return -EINVAL;
	list = report_arr(report, "findings");
	header(&o, report);
	json_array_foreach (list, i, e) {
		s = report_sev_rank(report_str(e, "severity"));
		if (s >= 0)
			counts[s]++;
	}
	n = json_array_size(list);
	fputc('\n', f);
	if (!n) {
		fputs("  no findings\n", f);
	} else {
		bool first = true;

		fprintf(f, "  %zu finding%s: ", n, n == 1 ? "" : "s");
		for (s = REPORT_SEV_CRITICAL; s >= REPORT_SEV_LOW; s--) {
			if (!counts[s])
				continue;
			fputs(first ? "" : ", ", f);
			on(&o, report_sev_color(s));
			fprintf(f, "%zu %s", counts[s], report_sev_name(s));
			off(&o);
			first = false;
		}
		fputc('\n', f);
		severity_table(&o, list);
	}
	findings(&o, list);
	observed(&o, report_obj(report, "observed"));
	next_steps(&o, report);
	return report_finish(f);
}
