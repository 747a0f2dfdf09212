/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * report.sarif: SARIF 2.1.0 (OASIS) as GitHub code scanning reads it. One reportingDescriptor
 * per policy rule (clause, why, CVSS, "security-severity" for GitHub's severity column), one
 * result per finding whose locations are the evidence lines of trace.jsonl, a fingerprint
 * that does not move when line numbers do (rule + summary), the verdict on the invocation.
 * Limits (GitHub's): at most SARIF_MAX_LOCATIONS locations per result; the full evidence list
 * stays in the result's properties.
 */
#include "report/report.h"

#include <errno.h>
#include <string.h>

#include "report/internal.h"
#include "util/jsonx.h"
#include "util/util.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define SARIF_MAX_LOCATIONS 100
#define SARIF_FLAGS (JSON_INDENT(2) | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(15))
#define TRACE_URI "trace.jsonl"
#define FINGERPRINT_KEY "conductFinding/v1"

/* The guidelines' deadline table (GUIDELINES.md), for the rules' help text. */
static const char *const deadline_text[] = {
	[REPORT_SEV_LOW] = "Low: accepted, no deadline.",
	[REPORT_SEV_MEDIUM] = "Medium: acknowledge within 5 days, mitigate within 10 days, fix "
			      "within 8 weeks of the run.",
	[REPORT_SEV_HIGH] = "High: acknowledge within 48 hours, mitigate within 72 hours, fix "
			    "within 6 weeks of the run.",
	[REPORT_SEV_CRITICAL] = "Critical: acknowledge within 24 hours, mitigate within 48 hours, "
				"fix within 4 weeks of the run.",
};

static int set(json_t *o, const char *key, json_t *v)
{
	return jsonx_set(o, key, v);
}

static int set_str(json_t *o, const char *key, const char *s)
{
	return s ? jsonx_set(o, key, json_string(s)) : 0;
}

/* Copies o[key] to dst[key] when present and not null. */
static int copy(json_t *dst, const char *key, const json_t *o, const char *from)
{
	json_t *v = json_is_object(o) ? json_object_get(o, from) : NULL;

	if (!v || json_is_null(v))
		return 0;
	return json_object_set(dst, key, v) < 0 ? -ENOMEM : 0;
}

static json_t *message(const char *text, const char *markdown)
{
	json_t *m = json_object();

	if (!m || set_str(m, "text", text) < 0 || set_str(m, "markdown", markdown) < 0) {
		json_decref(m);
		return NULL;
	}
	return m;
}

/* "DP-2.tls-version" -> "TlsVersion": a readable name that is not the id again. */
static char *rule_name(const char *id)
{
	const char *p = strchr(id, '.');
	char *out = malloc(strlen(id) + 1);
	size_t o = 0;
	bool up = true;

	if (!out)
		return NULL;
	for (p = p && p[1] ? p + 1 : id; *p; p++) {
		char c = *p;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
			up = true;
			continue;
		}
		if (up && c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		up = false;
		out[o++] = c;
	}
	out[o] = '\0';
	if (!o) {
		free(out);
		return strdup(id);
	}
	return out;
}

static json_t *rule_help(const json_t *r, int sev)
{
	const char *id = report_str(r, "id"), *clause = report_str(r, "clause");
	const char *section = report_str(r, "section"), *why = report_str(r, "why");
	const json_t *cvss = report_obj(r, "cvss");
	const char *vector = report_str(cvss, "vector");
	_cleanup_free_ char *text = NULL, *md = NULL;
	char scorebuf[32] = "";
	double score;
	size_t tlen = 0, mlen = 0;
	FILE *t, *m;

	if (report_num(cvss, "score", &score))
		snprintf(scorebuf, sizeof(scorebuf), "%.1f", score);
	t = open_memstream(&text, &tlen);
	if (!t)
		return NULL;
	m = open_memstream(&md, &mlen);
	if (!m) {
		fclose(t);
		return NULL;
	}
	fprintf(t, "%s\n\n", id);
	fprintf(m, "**%s**\n\n", id);
	if (clause) {
		fprintf(t, "Guideline clause%s%s%s: \"%s\"\n\n", section ? " (" : "",
			section ? section : "", section ? ")" : "", clause);
		fprintf(m, "Guideline clause%s%s%s:\n\n> %s\n\n", section ? " (" : "",
			section ? section : "", section ? ")" : "", clause);
	}
	if (why) {
		fprintf(t, "Why it matters: %s\n\n", why);
		fprintf(m, "**Why it matters:** %s\n\n", why);
	}
	if (vector || scorebuf[0]) {
		fprintf(t, "CVSS v3.1: %s%s%s%s\n\n", vector ? vector : "",
			*scorebuf ? " (score " : "", scorebuf, *scorebuf ? ")" : "");
		fprintf(m, "**CVSS v3.1:** `%s`%s%s%s\n\n", vector ? vector : "",
			*scorebuf ? " (score " : "", scorebuf, *scorebuf ? ")" : "");
	}
	if (sev >= REPORT_SEV_LOW) {
		fprintf(t, "Deadlines: %s\n\n", deadline_text[sev]);
		fprintf(m, "**Deadlines:** %s\n\n", deadline_text[sev]);
	}
	fprintf(t,
		"More: conduct explain %s. The evidence lines are in trace.jsonl; "
		"`conduct check trace.jsonl` reproduces the finding.\n",
		id);
	fprintf(m,
		"More: `conduct explain %s`. The evidence lines are in `trace.jsonl`; "
		"`conduct check trace.jsonl` reproduces the finding.\n",
		id);
	if (fclose(t) != 0) {
		fclose(m);
		return NULL;
	}
	if (fclose(m) != 0)
		return NULL;
	return message(text, md);
}

static json_t *descriptor(const json_t *r)
{
	const char *id = report_str(r, "id"), *clause = report_str(r, "clause");
	const char *summary = report_str(r, "summary"), *section = report_str(r, "section");
	const char *precision = report_str(r, "precision");
	const json_t *cvss = report_obj(r, "cvss");
	int sev = report_sev_rank(report_str(r, "severity"));
	_cleanup_free_ char *name = rule_name(id);
	json_auto_t *d = json_object(), *props = json_object(), *tags = json_array();
	char score[16];
	double s;

	if (!d || !props || !tags || !name)
		return NULL;
	if (set_str(d, "id", id) < 0 || set_str(d, "name", name) < 0 ||
	    set(d, "shortDescription",
		message(summary	 ? summary
			: clause ? clause
				 : id,
			NULL)) < 0 ||
	    set(d, "fullDescription",
		message(clause	  ? clause
			: summary ? summary
				  : id,
			NULL)) < 0 ||
	    set(d, "help", rule_help(r, sev)) < 0)
		return NULL;
	if (sev >= 0 &&
	    set(d, "defaultConfiguration", json_pack("{s:s}", "level", report_sev_level(sev))) < 0)
		return NULL;
	if (report_num(cvss, "score", &s) && s >= 0 && s <= 10) {
		snprintf(score, sizeof(score), "%.1f", s);
		if (set_str(props, "security-severity", score) < 0)
			return NULL;
	}
	if (json_array_append_new(tags, json_string("security")) < 0)
		return NULL;
	if (section && *section && strcmp(section, "security") &&
	    json_array_append_new(tags, json_string(section)) < 0)
		return NULL;
	if (set(props, "tags", steal_ptr(&tags)) < 0 ||
	    set_str(props, "precision", precision ? precision : "high") < 0 ||
	    copy(props, "cvss_vector", cvss, "vector") < 0 ||
	    copy(props, "severity", r, "severity") < 0)
		return NULL;
	if (set(d, "properties", steal_ptr(&props)) < 0)
		return NULL;
	return steal_ptr(&d);
}

/* A rule description from the finding itself, for a finding whose rule the list lacks. */
static json_t *descriptor_from_finding(const json_t *f)
{
	json_auto_t *r = json_object();

	if (!r || copy(r, "id", f, "rule") < 0 || copy(r, "clause", f, "clause") < 0 ||
	    copy(r, "severity", f, "severity") < 0 || copy(r, "cvss", f, "cvss") < 0)
		return NULL;
	return descriptor(r);
}

static json_t *location(long long line, const char *note)
{
	json_t *loc =
		json_pack("{s:{s:{s:s,s:i},s:{s:I}}}", "physicalLocation", "artifactLocation",
			  "uri", TRACE_URI, "index", 0, "region", "startLine", (json_int_t)line);

	if (loc && note && set(loc, "message", message(note, NULL)) < 0) {
		json_decref(loc);
		return NULL;
	}
	return loc;
}

static json_t *result(const json_t *f, size_t rule_index)
{
	const char *rule = report_str(f, "rule"), *summary = report_str(f, "summary");
	const char *parts[2] = { rule, summary ? summary : "" };
	const json_t *cvss = report_obj(f, "cvss");
	json_t *ev = report_arr(f, "evidence"), *e;
	json_auto_t *res = json_object(), *locs = json_array(), *props = json_object();
	_cleanup_free_ char *fallback = NULL;
	char fp[65];
	size_t i;

	if (!res || !locs || !props)
		return NULL;
	if (!summary && asprintf(&fallback, "%s matched (no summary in the report)", rule) < 0)
		return NULL;
	report_fingerprint(parts, 2, fp);
	json_array_foreach (ev, i, e) {
		if (json_array_size(locs) == SARIF_MAX_LOCATIONS)
			break;
		if (json_is_integer(e) && json_integer_value(e) >= 1 &&
		    json_array_append_new(locs, location(json_integer_value(e), NULL)) < 0)
			return NULL;
	}
	if (!json_array_size(locs) &&
	    json_array_append_new(locs, location(1, "no specific trace line: line 1 is the "
						    "trace header of the run")) < 0)
		return NULL;
	if (set_str(res, "ruleId", rule) < 0 ||
	    set(res, "ruleIndex", json_integer((json_int_t)rule_index)) < 0 ||
	    set_str(res, "level", report_sev_level(report_sev_rank(report_str(f, "severity")))) <
		    0 ||
	    set(res, "message", message(summary ? summary : fallback, NULL)) < 0 ||
	    set(res, "locations", steal_ptr(&locs)) < 0 ||
	    set(res, "partialFingerprints", json_pack("{s:s}", FINGERPRINT_KEY, fp)) < 0)
		return NULL;
	if (copy(props, "severity", f, "severity") < 0 || copy(props, "clause", f, "clause") < 0 ||
	    copy(props, "cvss_vector", cvss, "vector") < 0 ||
	    copy(props, "cvss_score", cvss, "score") < 0 ||
	    copy(props, "deadlines", f, "deadlines") < 0 ||
	    copy(props, "evidence_lines", f, "evidence") < 0)
		return NULL;
	if (set(res, "properties", steal_ptr(&props)) < 0)
		return NULL;
	return steal_ptr(&res);
}

/* Keeps [A-Za-z0-9._:-], turns everything else into '_'. */
static void id_part(char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr("._:-", *s)))
			*s = '_';
}

/* "conduct/NAME/STARTED": GitHub keeps one analysis per category (all but the last part). */
static json_t *automation(const json_t *report)
{
	const char *name = report_str(report_obj(report, "connector"), "name");
	const char *started = report_str(report_obj(report, "run"), "started");
	_cleanup_free_ char *n = strdup(name && *name ? name : "unnamed");
	_cleanup_free_ char *t = strdup(started && *started ? started : "run");
	_cleanup_free_ char *id = NULL;

	if (!n || !t)
		return NULL;
	id_part(n);
	id_part(t);
	if (asprintf(&id, "conduct/%s/%s", n, t) < 0)
		return NULL;
	return json_pack("{s:s}", "id", id);
}

static json_t *invocation(const json_t *report)
{
	const json_t *run = report_obj(report, "run"), *summary = report_obj(report, "summary");
	const json_t *connector = report_obj(report, "connector");
	const char *verdict = report_str(report, "verdict");
	const char *started = report_str(run, "started");
	bool complete = verdict && strcmp(verdict, "incomplete") != 0;
	json_auto_t *inv = json_object(), *props = json_object();
	int64_t t;

	if (!inv || !props)
		return NULL;
	if (set(inv, "executionSuccessful", json_boolean(complete)) < 0)
		return NULL;
	if (started && parse_utc(started, &t) == 0 && set_str(inv, "startTimeUtc", started) < 0)
		return NULL;
	if (!complete) {
		const char *text = verdict ? "the record is incomplete (lost events or the run "
					     "was stopped at its timeout): the verdict cannot be "
					     "trusted"
					   : "the report has no verdict";

		if (set(inv, "toolExecutionNotifications",
			json_pack("[{s:s,s:o}]", "level", "warning", "message",
				  message(text, NULL))) < 0)
			return NULL;
	}
	if (set_str(props, "verdict", verdict ? verdict : "none") < 0 ||
	    copy(props, "connector", connector, "name") < 0 ||
	    copy(props, "connector_version", connector, "version") < 0 ||
	    copy(props, "command", run, "command") < 0 ||
	    copy(props, "exit_code", run, "exit_code") < 0 ||
	    copy(props, "signal", run, "signal") < 0 ||
	    copy(props, "timed_out", run, "timed_out") < 0 ||
	    copy(props, "duration_ms", run, "duration_ms") < 0 ||
	    copy(props, "lost", summary, "lost") < 0 || copy(props, "policy", run, "policy") < 0 ||
	    copy(props, "trace_sha256", run, "trace_sha256") < 0)
		return NULL;
	if (set(inv, "properties", steal_ptr(&props)) < 0)
		return NULL;
	return steal_ptr(&inv);
}

static json_t *artifact(const json_t *report)
{
	const char *sha = report_str(report_obj(report, "run"), "trace_sha256");
	json_t *a = json_pack("{s:{s:s},s:[s],s:s}", "location", "uri", TRACE_URI, "roles",
			      "analysisTarget", "mimeType", "application/x-ndjson");

	if (a && sha && set(a, "hashes", json_pack("{s:s}", "sha-256", sha)) < 0) {
		json_decref(a);
		return NULL;
	}
	return a;
}

static ssize_t rule_index(const json_t *descs, const char *id)
{
	json_t *d;
	size_t i;

	json_array_foreach (descs, i, d)
		if (!strcmp(report_str(d, "id"), id))
			return (ssize_t)i;
	return -1;
}

/* Builds the whole log; NULL on ENOMEM. */
static json_t *sarif_build(const json_t *report, const json_t *rules)
{
	json_auto_t *log = NULL, *descs = json_array(), *results = json_array(), *driver = NULL;
	json_t *r, *f;
	size_t i;

	if (!descs || !results)
		return NULL;
	json_array_foreach (rules, i, r) {
		const char *id = report_str(r, "id");

		if (!id || !*id || rule_index(descs, id) >= 0)
			continue;
		if (json_array_append_new(descs, descriptor(r)) < 0)
			return NULL;
	}
	json_array_foreach (report_arr(report, "findings"), i, f) {
		const char *id = report_str(f, "rule");
		ssize_t k;

		if (!id || !*id)
			continue;
		k = rule_index(descs, id);
		if (k < 0) {
			if (json_array_append_new(descs, descriptor_from_finding(f)) < 0)
				return NULL;
			k = (ssize_t)json_array_size(descs) - 1;
		}
		if (json_array_append_new(results, result(f, (size_t)k)) < 0)
			return NULL;
	}
	driver = json_pack("{s:s,s:s,s:s,s:s}", "name", "conduct", "fullName",
			   "conduct " CONDUCT_VERSION, "version", CONDUCT_VERSION,
			   "semanticVersion", CONDUCT_VERSION);
	if (!driver)
		return NULL;
#ifdef CONDUCT_URL
	if (set_str(driver, "informationUri", CONDUCT_URL) < 0)
		return NULL;
#endif
	if (set(driver, "rules", steal_ptr(&descs)) < 0)
		return NULL;
	log = json_pack("{s:s,s:s,s:[{s:{s:O},s:[o],s:[o],s:O,s:o}]}", "$schema", SARIF_SCHEMA,
			"version", "2.1.0", "runs", "tool", "driver", driver, "artifacts",
			artifact(report), "invocations", invocation(report), "results", results,
			"automationDetails", automation(report));
	return steal_ptr(&log);
}

int report_write_sarif(FILE *f, const json_t *report, const json_t *rules)
{
	json_auto_t *log = NULL;

	if (!f || !json_is_object(report))
		return -EINVAL;
	log = sarif_build(report, rules);
	if (!log)
		return -ENOMEM;
	if (json_dumpf(log, f, SARIF_FLAGS) < 0)
		return -EIO;
	fputc('\n', f);
	return report_finish(f);
}
