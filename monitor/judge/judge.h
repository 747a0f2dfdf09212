/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * judge: a pure function (trace, manifest, policy) -> report (DESIGN.md §6). Live runs and
 * `conduct check` call judge_check_file() on the same trace file, so a finding reproduces
 * bit for bit from the trace alone. Never logs, never exits: errors come back as -errno with
 * struct error and the file at fault in *ret_errfile.
 */
#ifndef CONDUCT_JUDGE_H
#define CONDUCT_JUDGE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "util/util.h"

struct manifest;
struct policy;

/* Loaders (strict: unknown field, wrong type, duplicate key, bad CIDR/wildcard -> error). */
int manifest_load(const char *path, struct manifest **ret, struct error *err);
int manifest_from_json(const json_t *obj, struct manifest **ret, struct error *err);
void manifest_free(struct manifest *m);
/* The manifest as JSON, for the trace header (new reference). */
json_t *manifest_to_json(const struct manifest *m);
/* Declared secrets: i-th name and env var; returns count. */
size_t manifest_secrets(const struct manifest *m, const char *const **ret_names,
			const char *const **ret_envs);

int policy_load(const char *path, struct policy **ret, struct error *err);
void policy_free(struct policy *p);
const char *policy_id(const struct policy *p);
const char *policy_sha256(const struct policy *p);
/* Directory of knowledge/ files the policy was loaded with. */
const char *policy_dir(const struct policy *p);
/*
 * The rule descriptions for report writers: [{"id","clause","section","why","cvss":{"vector",
 * "score"},"severity"}] in catalog order (new reference).
 */
json_t *policy_rules_json(const struct policy *p);
/* Prints `conduct explain RULE` text to f; -ENOENT when the rule does not exist. */
int policy_explain(const struct policy *p, const char *rule_id, FILE *f);

enum severity { SEV_NONE, SEV_LOW, SEV_MEDIUM, SEV_HIGH, SEV_CRITICAL };
/* "low" | "medium" | "high" | "critical" | "none" -> enum; -EINVAL otherwise. */
int severity_parse(const char *s, enum severity *ret);
const char *severity_name(enum severity s);

/*
 * Reads and judges a trace. manifest/policy NULL: the manifest embedded in the trace header,
 * and the policy must then be given (main passes the default policy). On a malformed trace,
 * manifest or policy returns -EINVAL with err filled and *ret_errfile naming the file.
 * *ret_report is report.json's object (DESIGN.md §6), deterministic for a given input.
 */
int judge_check_file(const char *trace_path, const struct manifest *manifest,
		     const struct policy *policy, json_t **ret_report, struct error *err);

/*
 * Highest severity among the report's findings (SEV_NONE if none); at least SEV_MEDIUM when
 * the verdict is "incomplete", so that an incomplete record fails the default --fail-on.
 */
enum severity judge_max_severity(const json_t *report);

#endif
