/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz_report: report_parse() on untrusted bytes (what `conduct diff` reads), then every
 * writer and the diff on whatever it accepts. Checks: the canonical bytes are a fixed point
 * (write, parse, write gives the same bytes); the terminal text without colour carries no
 * control character but newlines; the HTML no ESC byte and no raw '<script'; the SARIF is
 * JSON; a report compared with itself has no drift.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "report/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char base_report[] =
	"{\"format\":1,\"verdict\":\"fail\",\"observed\":{\"connections\":[{\"host\":"
	"\"a.example\",\"addr\":\"203.0.113.1\",\"port\":443,\"proto\":\"tcp\",\"tls\":\"1.2\","
	"\"declared\":\"no\",\"bytes_out\":5}],\"dns\":[{\"name\":\"a.example\"}]},"
	"\"findings\":[{\"rule\":\"CC-5.undeclared-egress\",\"severity\":\"medium\",\"summary\":"
	"\"Talked to a.example (203.0.113.1) port 443.\",\"evidence\":[3]}]}";

typedef int (*writer_fn)(FILE *f, const json_t *report, const json_t *rules);

static char *render(int (*fn)(FILE *, const json_t *), const json_t *r, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	if (!f)
		abort();
	if (fn(f, r) != 0)
		abort();
	fclose(f);
	return buf;
}

static int text_plain(FILE *f, const json_t *r)
{
	return report_write_text(f, r, false);
}

static int html(FILE *f, const json_t *r)
{
	return report_write_html(f, r, json_object_get(r, "findings"));
}

static int sarif(FILE *f, const json_t *r)
{
	return report_write_sarif(f, r, json_object_get(r, "findings"));
}

static void check_writers(const json_t *r)
{
	json_t *again = NULL, *log;
	struct error err;
	char *a, *b, *t;
	size_t la, lb, lt, i;

	a = render(report_write_json, r, &la);
	if (report_parse(a, la, &again, &err) != 0)
		abort();
	b = render(report_write_json, again, &lb);
	if (la != lb || memcmp(a, b, la))
		abort();
	json_decref(again);
	free(a);
	free(b);

	t = render(text_plain, r, &lt);
	for (i = 0; i < lt; i++)
		if (((unsigned char)t[i] < 0x20 && t[i] != '\n') || t[i] == 0x7f)
			abort();
	free(t);
	t = render(html, r, &lt);
	if (memchr(t, '\033', lt) || strcasestr(t, "<script"))
		abort();
	free(t);
	t = render(sarif, r, &lt);
	log = json_loadb(t, lt, 0, NULL);
	if (!log)
		abort();
	json_decref(log);
	free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static json_t *base;
	json_t *r = NULL, *changes = NULL;
	struct error err;
	FILE *null;

	if (!base && report_parse(base_report, sizeof(base_report) - 1, &base, &err) != 0)
		abort();
	if (report_parse((const char *)data, size, &r, &err) != 0)
		return 0;
	check_writers(r);
	if (report_diff(r, r, &changes) != 0)
		abort();
	if (json_array_size(json_object_get(changes, "appeared")) ||
	    json_array_size(json_object_get(changes, "disappeared")) ||
	    json_array_size(json_object_get(changes, "changed")))
		abort();
	json_decref(changes);
	null = fopen("/dev/null", "w");
	if (!null)
		abort();
	if (report_diff(base, r, &changes) != 0 || report_write_diff_text(null, changes, true) != 0)
		abort();
	json_decref(changes);
	if (report_diff(r, base, &changes) != 0 || report_write_diff_text(null, changes, false) != 0)
		abort();
	json_decref(changes);
	fclose(null);
	json_decref(r);
	return 0;
}
