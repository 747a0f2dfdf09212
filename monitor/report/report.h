/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * report: renders a report.json object (DESIGN.md §6) and the policy's rule descriptions
 * (policy_rules_json()) on a caller-supplied FILE *. No decisions: every fact comes from the
 * report object. Also `conduct diff`.
 */
#ifndef CONDUCT_REPORT_H
#define CONDUCT_REPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "util/util.h"

/* Canonical report.json bytes: 2-space indent, keys in the judge's order, trailing newline. */
int report_write_json(FILE *f, const json_t *report);
/* SARIF 2.1.0: one reportingDescriptor per rule, results with evidence locations. */
int report_write_sarif(FILE *f, const json_t *report, const json_t *rules);
/* Terminal summary: findings by severity, verdict, next steps; ANSI colour when color. */
int report_write_text(FILE *f, const json_t *report, bool color);
/* One self-contained HTML file (no external resources). */
int report_write_html(FILE *f, const json_t *report, const json_t *rules);

/* Writes report.json, report.sarif, report.html into outdir. */
int report_write_all(const char *outdir, const json_t *report, const json_t *rules,
		     struct error *err);

/*
 * `conduct diff`: what appeared, disappeared or changed severity between two reports.
 * *ret_changes is {"appeared":[...],"disappeared":[...],"changed":[...]}; each entry has
 * "what" (finding|host|storage|tls|dns|program), "key", and for findings "rule","severity".
 */
int report_diff(const json_t *old_report, const json_t *new_report, json_t **ret_changes);
int report_write_diff_text(FILE *f, const json_t *changes, bool color);

/* Loads a report.json (bounded); -EINVAL with err on malformed input. */
int report_load(const char *path, json_t **ret, struct error *err);

#endif
