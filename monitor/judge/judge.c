/* SPDX-License-Identifier: GPL-2.0-only */
/* PLACEHOLDER until the judge lands. */
#include "judge/judge.h"

int manifest_load(const char *path, struct manifest **ret, struct error *err) { return error_set(err, ENOSYS, 0, 0, "not built yet"); }
int manifest_from_json(const json_t *obj, struct manifest **ret, struct error *err) { return error_set(err, ENOSYS, 0, 0, "not built yet"); }
void manifest_free(struct manifest *m) { }
json_t *manifest_to_json(const struct manifest *m) { return json_null(); }
size_t manifest_secrets(const struct manifest *m, const char *const **n, const char *const **e) { return 0; }
int policy_load(const char *path, struct policy **ret, struct error *err) { return error_set(err, ENOSYS, 0, 0, "not built yet"); }
void policy_free(struct policy *p) { }
const char *policy_id(const struct policy *p) { return ""; }
const char *policy_sha256(const struct policy *p) { return ""; }
const char *policy_dir(const struct policy *p) { return ""; }
json_t *policy_rules_json(const struct policy *p) { return json_array(); }
int policy_explain(const struct policy *p, const char *rule_id, FILE *f) { return -ENOENT; }
int severity_parse(const char *s, enum severity *ret) { return -EINVAL; }
const char *severity_name(enum severity s) { return "none"; }
int judge_check_file(const char *trace_path, const struct manifest *manifest, const struct policy *policy, json_t **ret_report, struct error *err) { return error_set(err, ENOSYS, 0, 0, "not built yet"); }
enum severity judge_max_severity(const json_t *report) { return SEV_NONE; }
