/* SPDX-License-Identifier: GPL-2.0-only */
/* PLACEHOLDER until the reports land. */
#include "report/report.h"

int report_write_json(FILE *f, const json_t *report) { return -ENOSYS; }
int report_write_sarif(FILE *f, const json_t *report, const json_t *rules) { return -ENOSYS; }
int report_write_text(FILE *f, const json_t *report, bool color) { return -ENOSYS; }
int report_write_html(FILE *f, const json_t *report, const json_t *rules) { return -ENOSYS; }
int report_write_all(const char *outdir, const json_t *report, const json_t *rules, struct error *err) { return -ENOSYS; }
int report_diff(const json_t *a, const json_t *b, json_t **ret) { return -ENOSYS; }
int report_write_diff_text(FILE *f, const json_t *changes, bool color) { return -ENOSYS; }
int report_load(const char *path, json_t **ret, struct error *err) { return error_set(err, ENOSYS, 0, 0, "not built yet"); }
