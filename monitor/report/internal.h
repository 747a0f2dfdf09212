/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * report internals shared by the writers (json.c, sarif.c, text.c, html.c, diff.c): accessors
 * that tolerate a missing, null or mistyped field (every report may come from an untrusted
 * file), severity and TLS-version ranks, and the two escapers every human-facing writer uses
 * for strings that came from the connector (terminal and HTML). Not part of report.h.
 */
#ifndef CONDUCT_REPORT_INTERNAL_H
#define CONDUCT_REPORT_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Severity ranks; the order matches enum severity in judge/judge.h. */
enum { REPORT_SEV_NONE, REPORT_SEV_LOW, REPORT_SEV_MEDIUM, REPORT_SEV_HIGH, REPORT_SEV_CRITICAL };

/* Field accessors: NULL / false when the field is missing, null or of another type. */
const char *report_str(const json_t *obj, const char *key);
json_t *report_arr(const json_t *obj, const char *key);
json_t *report_obj(const json_t *obj, const char *key);
bool report_int(const json_t *obj, const char *key, long long *ret);
/* A number (integer or real) as double. */
bool report_num(const json_t *obj, const char *key, double *ret);
size_t report_arr_len(const json_t *obj, const char *key);

/* "critical".."low" -> 4..1, "none" -> 0, anything else (NULL too) -> -1. */
int report_sev_rank(const char *s);
/* 0..4 -> "none".."critical". */
const char *report_sev_name(int rank);
/* SARIF level of a severity: critical/high "error", medium "warning", low/none "note". */
const char *report_sev_level(int rank);

/* ANSI colour of a severity rank (critical bold red .. low cyan; none and unknown dim). */
const char *report_sev_color(int rank);
/*
 * A severity as the terminal writers show it: the upper-case name ("?" for a rank below 0)
 * left-aligned in width columns, coloured when color.
 */
void report_term_sev(FILE *f, int rank, bool color, int width);

/*
 * Rank of a negotiated TLS version as the judge writes it ("1.0" .. "1.3", also "SSL3"/"3.0"):
 * SSL3 = 1, 1.0 = 2, 1.1 = 3, 1.2 = 4, 1.3 = 5; -1 when the string is none of these.
 */
int report_tls_rank(const char *v);

/*
 * Writes n bytes of untrusted text to a terminal: C0/C1 controls, DEL, invalid UTF-8 and the
 * Unicode format characters that reorder or hide text (bidi overrides and isolates, zero-width
 * joiners, BOM) are written as visible escapes (\xNN, \u202E), so a hostname cannot move the
 * cursor, recolour the screen or disguise itself. Returns the display width written (an
 * estimate: one column per code point).
 */
size_t report_term_write(FILE *f, const char *s, size_t n);
/* The string value of v (any length, NULs included), or fallback when v is not a string. */
size_t report_term_json(FILE *f, const json_t *v, const char *fallback);
/* report_term_json() padded with spaces to width columns (nothing when already wider). */
void report_term_json_pad(FILE *f, const json_t *v, const char *fallback, size_t width);

/*
 * Writes n bytes of untrusted text as HTML text or attribute content: & < > " ' are
 * character references, and everything report_term_write() escapes is escaped the same
 * visible way.
 */
void report_html_write(FILE *f, const char *s, size_t n);
void report_html_json(FILE *f, const json_t *v, const char *fallback);
void report_html_str(FILE *f, const char *s);

/* sha256 hex digest of the parts joined with '\n'; out >= 65 bytes. */
void report_fingerprint(const char *const *parts, size_t n, char out[static 65]);

/* Finishes a writer: flushes f and returns 0, or -EIO (-errno) when any write failed. */
int report_finish(FILE *f);

#endif
