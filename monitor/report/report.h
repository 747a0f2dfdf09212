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

/*
 * Canonical report.json bytes: 2-space indent, keys in the judge's order, non-ASCII as
 * \uXXXX escapes, reals with 15 significant digits, trailing newline. Nothing time-, host-
 * or path-dependent is added, so the same object always gives the same bytes.
 */
int report_write_json(FILE *f, const json_t *report);
/* SARIF 2.1.0: one reportingDescriptor per rule, results with evidence locations. */
int report_write_sarif(FILE *f, const json_t *report, const json_t *rules);
/* Terminal summary: findings by severity, verdict, next steps; ANSI colour when color. */
int report_write_text(FILE *f, const json_t *report, bool color);
/* One self-contained HTML file (no external resources). */
int report_write_html(FILE *f, const json_t *report, const json_t *rules);

/*
 * Writes report.sarif, report.html, then report.json into outdir (which must exist), each
 * to a temporary file renamed into place once synced; mode 0644. -errno with err->text.
 */
int report_write_all(const char *outdir, const json_t *report, const json_t *rules,
		     struct error *err);

/*
 * `conduct diff`: what appeared, disappeared or changed severity between two reports.
 * *ret_changes is {"appeared":[...],"disappeared":[...],"changed":[...]}; each entry has
 * "what" (finding|storage|host|tls|dns|program), "key" and "severity" (critical..low, or
 * "none" for a TLS state that breaks no rule); findings add "rule" and "summary" (as the
 * report of the entry words it; the key drops what varies between runs); hosts add "declared",
 * "tls", "ports"; "changed" entries add "was" (the earlier severity) and, for hosts,
 * "was_declared", for TLS, "tls" and "was_tls". Keys never contain trace line numbers,
 * times or byte counts (see diff.c for the keys and the severity rules). Each list is
 * sorted by kind, most severe first, then key. Returns 0, -EINVAL or -ENOMEM.
 */
int report_diff(const json_t *old_report, const json_t *new_report, json_t **ret_changes);
int report_write_diff_text(FILE *f, const json_t *changes, bool color);

/*
 * Loads a report.json from a file that may come from anywhere: at most 64 MiB, nesting at
 * most 32 deep, duplicate keys rejected, the types of every field conduct reads checked
 * (missing and null fields are fine, unknown fields are ignored), "format" must be 1.
 * -EINVAL (-EFBIG, -errno) with err {line, column, text} on malformed input, e.g.
 * 6:37 "observed.connections[0].port: expected an integer or null, got a string".
 */
int report_load(const char *path, json_t **ret, struct error *err);
/* The same checks on a buffer of len bytes (need not be NUL-terminated). */
int report_parse(const char *data, size_t len, json_t **ret, struct error *err);

#endif
