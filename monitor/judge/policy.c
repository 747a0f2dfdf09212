/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * policy: the guidelines as rules (DESIGN.md §5) and the knowledge lists they read, loaded
 * strictly: unknown fields, wrong types, duplicate keys, unknown rule ids, bad CVSS vectors,
 * bad host patterns or CIDRs are errors at the line and column of the value. Scores and
 * severities are computed from the vectors, never read. Also `conduct explain`. Pure.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "judge/judge_int.h"
#include "util/jsonx.h"
#include "util/sha256.h"

const char *const rule_names[R__COUNT] = {
	[R_DP1_EXPOSURE] = "DP-1.secret-exposure",
	[R_DP2_PLAINTEXT] = "DP-2.plaintext",
	[R_DP2_TLS] = "DP-2.tls-version",
	[R_DP3_STORAGE] = "DP-3.external-storage",
	[R_DP3_PERSIST] = "DP-3.local-persistence",
	[R_PRIV1_ACCESS] = "PRIV-1.credential-access",
	[R_PRIV1_EXFIL] = "PRIV-1.credential-exfiltration",
	[R_CC5_EGRESS] = "CC-5.undeclared-egress",
	[R_CC5_HIDDEN] = "CC-5.hidden-channel",
	[R_CC3_DROPPED] = "CC-3.dropped-code",
	[R_CC1_CODE] = "CC-1.undeclared-code",
	[R_SB1_ESCAPE] = "SB-1.escape-attempt",
	[R_MON1_INCOMPLETE] = "MON-1.incomplete",
};

static const char *const klist_keys[K__COUNT] = {
	[K_STORAGE] = "storage",
	[K_TELEMETRY] = "telemetry",
	[K_PASTE] = "paste",
	[K_DOH] = "doh",
	[K_METADATA] = "metadata",
	[K_CREDENTIALS] = "credentials",
	[K_DB_PORTS] = "database_ports",
	[K_REGISTRIES] = "registries",
	[K_HONEY] = "honey_files",
};

/* Parameter schema per rule: key and type ('b' bool, 'n' number, 'i' integer, 's' string,
 * 'S' array of strings). */
struct pspec {
	const char *key;
	char type;
};

static const struct pspec *const param_specs[R__COUNT] = {
	[R_DP1_EXPOSURE] = (const struct pspec[]){{"search_logs", 'b'},
						  {"search_files", 'b'},
						  {"search_dns", 'b'},
						  {"min_secret_len", 'i'},
						  {NULL, 0}},
	[R_DP2_PLAINTEXT] = (const struct pspec[]){{NULL, 0}},
	[R_DP2_TLS] = (const struct pspec[]){{"min_version", 's'}, {NULL, 0}},
	[R_DP3_STORAGE] = (const struct pspec[]){{"database_ports", 'b'}, {NULL, 0}},
	[R_DP3_PERSIST] = (const struct pspec[]){{"ignore", 'S'}, {"count_failed", 'b'}, {NULL, 0}},
	[R_PRIV1_ACCESS] = (const struct pspec[]){{NULL, 0}},
	[R_PRIV1_EXFIL] = (const struct pspec[]){{NULL, 0}},
	[R_CC5_EGRESS] = (const struct pspec[]){{"count_failed", 'b'}, {NULL, 0}},
	[R_CC5_HIDDEN] = (const struct pspec[]){{"dns_entropy", 'n'},
						{"dns_min_subdomain_len", 'i'},
						{"dns_max_name_len", 'i'},
						{"dns_subdomains_per_domain", 'i'},
						{"dot_port", 'i'},
						{"quic", 'b'},
						{NULL, 0}},
	[R_CC3_DROPPED] = (const struct pspec[]){{"loaded_extensions", 'S'}, {NULL, 0}},
	[R_CC1_CODE] = (const struct pspec[]){{"code_extensions", 'S'}, {NULL, 0}},
	[R_SB1_ESCAPE] = (const struct pspec[]){{"ignore_syscalls", 'S'}, {NULL, 0}},
	[R_MON1_INCOMPLETE] = (const struct pspec[]){{NULL, 0}},
};

int rule_from_name(const char *name)
{
	int k;

	for (k = 0; k < R__COUNT; k++)
		if (strcmp(rule_names[k], name) == 0)
			return k;
	return -ENOENT;
}

static int req_string(const json_t *o, const char *key, const char *path, bool required,
		      const struct jpos *pos, struct error *err, char **ret)
{
	json_t *v = json_object_get(o, key);
	char p[512];

	if (!v) {
		if (!required)
			return 0;
		return jerr_at(err, pos, path, false, "missing required field \"%s\"", key);
	}
	snprintf(p, sizeof(p), "%s/%s", path, key);
	if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > 8192 ||
	    strlen(json_string_value(v)) != json_string_length(v))
		return jerr_at(err, pos, p, false, "\"%s\" must be a non-empty string, not %s", key,
			       json_is_string(v) ? "an empty or oversized one"
						 : jsonx_type_name(v));
	*ret = strdup(json_string_value(v));
	return *ret ? 0 : -ENOMEM;
}

static void klist_free(struct klist *l)
{
	size_t k;

	for (k = 0; k < l->n; k++) {
		free(l->e[k].match);
		free(l->e[k].addr);
		free(l->e[k].path);
		free(l->e[k].service);
		free(l->e[k].kind);
	}
	free(l->e);
	l->e = NULL;
	l->n = 0;
}

/* The sandbox helper's honey-files.json: {"files":[{"id","path",...}]}, read tolerantly. */
static int load_honey(const char *file, struct klist *l, struct sha256 *h, struct error *err)
{
	struct jpos pos = {0};
	char *text = NULL;
	size_t len = 0, i;
	json_t *j = NULL, *files, *e;
	int r;

	r = jpos_load_file(file, JUDGE_FILE_MAX, &j, &pos, &text, &len, err);
	jpos_fini(&pos);
	if (r < 0)
		return r;
	sha256_update(h, text, len);
	free(text);
	files = json_object_get(j, "files");
	if (!json_is_array(files)) {
		json_decref(j);
		return error_set(err, EINVAL, 1, 1, "honey files list: \"files\" must be an array");
	}
	l->e = calloc(json_array_size(files) + 1, sizeof(*l->e));
	if (!l->e) {
		json_decref(j);
		return -ENOMEM;
	}
	json_array_foreach (files, i, e) {
		const char *id = json_string_value(json_object_get(e, "id"));
		const char *path = json_string_value(json_object_get(e, "path"));

		if (!id || !path)
			continue;
		l->e[l->n].path = strdup(path);
		l->e[l->n].service = strdup(id);
		if (!l->e[l->n].path || !l->e[l->n].service) {
			l->n++;
			json_decref(j);
			return -ENOMEM;
		}
		l->n++;
	}
	json_decref(j);
	return 0;
}

static int load_klist(const char *file, enum klist_id id, struct klist *l, struct sha256 *h,
		      struct error *err)
{
	static const char *const top[] = {"description", "entries", NULL};
	static const char *const ek[] = {"match",   "addr", "path",   "port",
					 "service", "kind", "source", NULL};
	struct jpos pos = {0};
	char *text = NULL;
	size_t len = 0, i;
	json_t *j = NULL, *ents, *e;
	int r;

	if (id == K_HONEY)
		return load_honey(file, l, h, err);
	r = jpos_load_file(file, JUDGE_FILE_MAX, &j, &pos, &text, &len, err);
	if (r < 0)
		goto out;
	sha256_update(h, text, len);
	if (!json_is_object(j)) {
		r = jerr_at(err, &pos, "", false, "a knowledge list is a JSON object");
		goto out;
	}
	r = jcheck_keys(j, top, &pos, "", err);
	if (r < 0)
		goto out;
	ents = json_object_get(j, "entries");
	if (!json_is_array(ents) || json_array_size(ents) > 10000) {
		r = jerr_at(err, &pos, "/entries", false,
			    "\"entries\" must be an array of at most 10000 objects");
		goto out;
	}
	l->e = calloc(json_array_size(ents) + 1, sizeof(*l->e));
	if (!l->e) {
		r = -ENOMEM;
		goto out;
	}
	json_array_foreach (ents, i, e) {
		struct kentry *k = &l->e[i];
		char p[64], pp[96], why[160];
		json_t *port;
		int sel = 0;

		l->n = i + 1;
		snprintf(p, sizeof(p), "/entries/%zu", i);
		if (!json_is_object(e)) {
			r = jerr_at(err, &pos, p, false, "an entry is an object, not %s",
				    jsonx_type_name(e));
			goto out;
		}
		r = jcheck_keys(e, ek, &pos, p, err);
		if (r < 0)
			goto out;
		if ((r = req_string(e, "match", p, false, &pos, err, &k->match)) < 0 ||
		    (r = req_string(e, "addr", p, false, &pos, err, &k->addr)) < 0 ||
		    (r = req_string(e, "path", p, false, &pos, err, &k->path)) < 0 ||
		    (r = req_string(e, "service", p, true, &pos, err, &k->service)) < 0 ||
		    (r = req_string(e, "kind", p, false, &pos, err, &k->kind)) < 0)
			goto out;
		{
			char *src = NULL;

			r = req_string(e, "source", p, true, &pos, err, &src);
			free(src);
			if (r < 0)
				goto out;
		}
		sel = !!k->match + !!k->addr + !!k->path;
		port = json_object_get(e, "port");
		if (port) {
			snprintf(pp, sizeof(pp), "%s/port", p);
			if (!json_is_integer(port) || json_integer_value(port) < 1 ||
			    json_integer_value(port) > 65535) {
				r = jerr_at(err, &pos, pp, false, "a port is an integer 1..65535");
				goto out;
			}
			k->port = (int)json_integer_value(port);
		}
		if (sel > 1 || (sel == 0 && !port)) {
			r = jerr_at(err, &pos, p, false,
				    "an entry has exactly one of \"match\", \"addr\", \"path\" "
				    "(or only a \"port\")");
			goto out;
		}
		if (k->match) {
			snprintf(pp, sizeof(pp), "%s/match", p);
			if (host_pattern_check(k->match, true, why, sizeof(why)) < 0) {
				r = jerr_at(err, &pos, pp, false, "bad host pattern \"%s\": %s",
					    k->match, why);
				goto out;
			}
		}
		if (k->addr) {
			snprintf(pp, sizeof(pp), "%s/addr", p);
			if (strchr(k->addr, '/')) {
				if (cidr_parse(k->addr, &k->cidr, why, sizeof(why)) < 0) {
					r = jerr_at(err, &pos, pp, false, "bad CIDR \"%s\": %s",
						    k->addr, why);
					goto out;
				}
				k->has_cidr = true;
			} else if (!addr_is_ip(k->addr)) {
				r = jerr_at(err, &pos, pp, false, "\"%s\" is not an IP address",
					    k->addr);
				goto out;
			}
		}
		if (k->path && k->path[0] != '/' && strncmp(k->path, "~/", 2) != 0) {
			snprintf(pp, sizeof(pp), "%s/path", p);
			r = jerr_at(err, &pos, pp, false, "a path is absolute or starts with ~/");
			goto out;
		}
	}
	r = 0;
out:
	free(text);
	json_decref(j);
	jpos_fini(&pos);
	return r;
}

static int check_params(const json_t *params, int rid, const struct jpos *pos, const char *path,
			struct error *err)
{
	const struct pspec *s = param_specs[rid];
	const char *key;
	json_t *v;

	if (!json_is_object(params))
		return jerr_at(err, pos, path, false, "\"params\" must be an object, not %s",
			       jsonx_type_name(params));
	json_object_foreach ((json_t *)params, key, v) {
		char p[512];
		size_t k;
		bool ok = true;

		snprintf(p, sizeof(p), "%s/%s", path, key);
		for (k = 0; s[k].key; k++)
			if (strcmp(s[k].key, key) == 0)
				break;
		if (!s[k].key)
			return jerr_at(err, pos, p, true, "unknown parameter \"%s\" for rule %s",
				       key, rule_names[rid]);
		switch (s[k].type) {
		case 'b':
			ok = json_is_boolean(v);
			break;
		case 'n':
			ok = json_is_number(v) && json_number_value(v) >= 0 &&
			     json_number_value(v) <= 1e6;
			break;
		case 'i':
			ok = json_is_integer(v) && json_integer_value(v) >= 0 &&
			     json_integer_value(v) <= 65535;
			break;
		case 's':
			ok = json_is_string(v);
			break;
		case 'S': {
			size_t i;
			json_t *e;

			ok = json_is_array(v) && json_array_size(v) <= 1024;
			json_array_foreach (v, i, e)
				if (!json_is_string(e)) {
					snprintf(p, sizeof(p), "%s/%s/%zu", path, key, i);
					return jerr_at(err, pos, p, false,
						       "must be a string, not %s",
						       jsonx_type_name(e));
				}
			break;
		}
		}
		if (!ok)
			return jerr_at(err, pos, p, false, "parameter \"%s\" must be %s", key,
				       s[k].type == 'b'	  ? "true or false"
				       : s[k].type == 'n' ? "a number 0..1000000"
				       : s[k].type == 'i' ? "an integer 0..65535"
				       : s[k].type == 's' ? "a string"
							  : "an array of strings");
	}
	return 0;
}

static int strv_from(const json_t *arr, char ***ret, size_t *ret_n)
{
	size_t i, n = json_array_size(arr);
	json_t *e;

	*ret = calloc(n + 1, sizeof(**ret));
	if (!*ret)
		return -ENOMEM;
	json_array_foreach ((json_t *)arr, i, e) {
		(*ret)[i] = strdup(json_string_value(e));
		if (!(*ret)[i])
			return -ENOMEM;
		*ret_n = i + 1;
	}
	return 0;
}

static bool pbool(const json_t *params, const char *k, bool dflt)
{
	json_t *v = json_object_get(params, k);

	return v ? json_is_true(v) : dflt;
}

static long pint(const json_t *params, const char *k, long dflt)
{
	json_t *v = json_object_get(params, k);

	return v ? (long)json_integer_value(v) : dflt;
}

static int parse_tls_name(const char *s, uint16_t *ret)
{
	static const struct {
		const char *n;
		uint16_t v;
	} t[] = {{"1.0", 0x0301}, {"1.1", 0x0302}, {"1.2", 0x0303}, {"1.3", 0x0304}};
	size_t k;

	for (k = 0; k < ARRAY_SIZE(t); k++)
		if (strcmp(s, t[k].n) == 0) {
			*ret = t[k].v;
			return 0;
		}
	return -EINVAL;
}

static int apply_params(struct policy *p, const struct jpos *pos, struct error *err)
{
	struct rule_params *rp = &p->p;
	const json_t *x;
	int r;

	x = p->rules[R_DP1_EXPOSURE].params;
	rp->search_logs = pbool(x, "search_logs", true);
	rp->search_files = pbool(x, "search_files", true);
	rp->search_dns = pbool(x, "search_dns", true);
	rp->min_secret_len = (unsigned int)pint(x, "min_secret_len", 6);
	rp->min_tls = 0x0303;
	x = p->rules[R_DP2_TLS].params;
	if (json_object_get(x, "min_version") &&
	    parse_tls_name(json_string_value(json_object_get(x, "min_version")), &rp->min_tls) < 0)
		return error_set(err, EINVAL, 0, 0,
				 "DP-2.tls-version: min_version must be \"1.0\" .. \"1.3\"");
	x = p->rules[R_DP3_PERSIST].params;
	rp->persist_count_failed = pbool(x, "count_failed", false);
	if (json_object_get(x, "ignore") &&
	    (r = strv_from(json_object_get(x, "ignore"), &rp->persist_ignore,
			   &rp->n_persist_ignore)) < 0)
		return r;
	rp->egress_count_failed = pbool(p->rules[R_CC5_EGRESS].params, "count_failed", true);
	x = p->rules[R_CC5_HIDDEN].params;
	rp->dns_entropy = json_object_get(x, "dns_entropy")
				  ? json_number_value(json_object_get(x, "dns_entropy"))
				  : 3.5;
	rp->dns_min_sub_len = (unsigned int)pint(x, "dns_min_subdomain_len", 24);
	rp->dns_max_name_len = (unsigned int)pint(x, "dns_max_name_len", 120);
	rp->dns_subdomains = (unsigned int)pint(x, "dns_subdomains_per_domain", 30);
	rp->dot_port = (unsigned int)pint(x, "dot_port", 853);
	rp->quic = pbool(x, "quic", true);
	x = p->rules[R_CC3_DROPPED].params;
	if (json_object_get(x, "loaded_extensions") &&
	    (r = strv_from(json_object_get(x, "loaded_extensions"), &rp->load_exts,
			   &rp->n_load_exts)) < 0)
		return r;
	x = p->rules[R_CC1_CODE].params;
	if (json_object_get(x, "code_extensions") &&
	    (r = strv_from(json_object_get(x, "code_extensions"), &rp->code_exts,
			   &rp->n_code_exts)) < 0)
		return r;
	x = p->rules[R_SB1_ESCAPE].params;
	if (json_object_get(x, "ignore_syscalls") &&
	    (r = strv_from(json_object_get(x, "ignore_syscalls"), &rp->sb_ignore,
			   &rp->n_sb_ignore)) < 0)
		return r;
	(void)pos;
	return 0;
}

static int load_rule(struct policy *p, const json_t *e, size_t i, const struct jpos *pos,
		     struct error *err)
{
	static const char *const keys[] = {"id",  "section", "clause", "cvss", "cvss_reasoning",
					   "why", "summary", "params", NULL};
	char path[64], pp[96], why[160];
	_cleanup_free_ char *id = NULL;
	struct rule *ru;
	json_t *params;
	int rid, r;

	snprintf(path, sizeof(path), "/rules/%zu", i);
	if (!json_is_object(e))
		return jerr_at(err, pos, path, false, "a rule is an object, not %s",
			       jsonx_type_name(e));
	r = jcheck_keys(e, keys, pos, path, err);
	if (r < 0)
		return r;
	r = req_string(e, "id", path, true, pos, err, &id);
	if (r < 0)
		return r;
	snprintf(pp, sizeof(pp), "%s/id", path);
	rid = rule_from_name(id);
	if (rid < 0) {
		char list[1024] = "";
		size_t off = 0;
		int k;

		for (k = 0; k < R__COUNT; k++)
			off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s",
						k ? ", " : "", rule_names[k]);
		return jerr_at(err, pos, pp, false, "unknown rule id \"%s\" (known: %s)", id, list);
	}
	ru = &p->rules[rid];
	if (ru->present)
		return jerr_at(err, pos, pp, false, "rule \"%s\" defined twice", id);
	ru->present = true;
	if ((r = req_string(e, "section", path, true, pos, err, &ru->section)) < 0 ||
	    (r = req_string(e, "clause", path, true, pos, err, &ru->clause)) < 0 ||
	    (r = req_string(e, "cvss", path, true, pos, err, &ru->cvss)) < 0 ||
	    (r = req_string(e, "cvss_reasoning", path, true, pos, err, &ru->cvss_reasoning)) < 0 ||
	    (r = req_string(e, "why", path, true, pos, err, &ru->why)) < 0 ||
	    (r = req_string(e, "summary", path, true, pos, err, &ru->summary)) < 0)
		return r;
	snprintf(pp, sizeof(pp), "%s/cvss", path);
	if (cvss31_score(ru->cvss, &ru->score, why, sizeof(why)) < 0)
		return jerr_at(err, pos, pp, false, "bad CVSS vector \"%s\": %s", ru->cvss, why);
	ru->severity = cvss_severity(ru->score);
	if (ru->severity == SEV_NONE)
		return jerr_at(err, pos, pp, false,
			       "CVSS vector \"%s\" scores 0.0: a rule must have some impact",
			       ru->cvss);
	params = json_object_get(e, "params");
	snprintf(pp, sizeof(pp), "%s/params", path);
	if (params) {
		r = check_params(params, rid, pos, pp, err);
		if (r < 0)
			return r;
		ru->params = json_incref(params);
	} else {
		ru->params = json_object();
		if (!ru->params)
			return -ENOMEM;
	}
	return 0;
}

int policy_load(const char *path, struct policy **ret, struct error *err)
{
	static const char *const top[] = {"id", "version", "title", "knowledge", "rules", NULL};
	struct jpos pos = {0};
	struct policy *p = NULL;
	struct sha256 h;
	uint8_t dig[32];
	char *text = NULL, *dcopy = NULL;
	size_t len = 0, i;
	json_t *j = NULL, *rules, *know, *e;
	char real[PATH_MAX];
	int r;

	r = jpos_load_file(path, JUDGE_FILE_MAX, &j, &pos, &text, &len, err);
	if (r < 0)
		goto out;
	p = calloc(1, sizeof(*p));
	if (!p) {
		r = -ENOMEM;
		goto out;
	}
	p->path = strdup(path);
	dcopy = strdup(realpath(path, real) ? real : path);
	if (!p->path || !dcopy) {
		r = -ENOMEM;
		goto out;
	}
	p->dir = strdup(dirname(dcopy));
	if (!p->dir) {
		r = -ENOMEM;
		goto out;
	}
	sha256_init(&h);
	sha256_update(&h, text, len);
	if (!json_is_object(j)) {
		r = jerr_at(err, &pos, "", false, "a policy is a JSON object");
		goto out;
	}
	r = jcheck_keys(j, top, &pos, "", err);
	if (r < 0)
		goto out;
	if ((r = req_string(j, "id", "", true, &pos, err, &p->id)) < 0 ||
	    (r = req_string(j, "version", "", true, &pos, err, &p->version)) < 0)
		goto out;
	if (json_object_get(j, "title") && !json_is_string(json_object_get(j, "title"))) {
		r = jerr_at(err, &pos, "/title", false, "\"title\" must be a string");
		goto out;
	}
	rules = json_object_get(j, "rules");
	if (!rules) {
		r = jerr_at(err, &pos, "", false, "missing required field \"rules\"");
		goto out;
	}
	if (!json_is_array(rules) || json_array_size(rules) > 64) {
		r = jerr_at(err, &pos, "/rules", false, "\"rules\" must be an array of rules");
		goto out;
	}
	json_array_foreach (rules, i, e) {
		r = load_rule(p, e, i, &pos, err);
		if (r < 0)
			goto out;
	}
	know = json_object_get(j, "knowledge");
	if (know) {
		const char *key;
		json_t *v;

		if (!json_is_object(know)) {
			r = jerr_at(err, &pos, "/knowledge", false,
				    "\"knowledge\" must be an object of list name -> file");
			goto out;
		}
		json_object_foreach (know, key, v) {
			char kp[128], file[PATH_MAX + 512];
			struct error kerr = {0};
			int kid;

			snprintf(kp, sizeof(kp), "/knowledge/%s", key);
			for (kid = 0; kid < K__COUNT; kid++)
				if (strcmp(klist_keys[kid], key) == 0)
					break;
			if (kid == K__COUNT) {
				r = jerr_at(err, &pos, kp, true,
					    "unknown knowledge list \"%s\" (storage, telemetry, "
					    "paste, doh, metadata, credentials, database_ports, "
					    "registries, honey_files)",
					    key);
				goto out;
			}
			if (!json_is_string(v) || strstr(json_string_value(v), "..") ||
			    json_string_value(v)[0] == '/') {
				r = jerr_at(
					err, &pos, kp, false,
					"a knowledge file is a relative path inside the policy's "
					"directory");
				goto out;
			}
			snprintf(file, sizeof(file), "%s/%s", p->dir, json_string_value(v));
			r = load_klist(file, (enum klist_id)kid, &p->k[kid], &h, &kerr);
			if (r < 0) {
				unsigned int l = 0, c = 0;

				jpos_find(&pos, kp, false, &l, &c);
				error_set(err, -r, l, c, "knowledge list \"%s\": %s%s%u:%u: %s",
					  json_string_value(v), file, kerr.line ? ":" : "",
					  kerr.line, kerr.column, kerr.text);
				goto out;
			}
		}
	}
	r = apply_params(p, &pos, err);
	if (r < 0)
		goto out;
	sha256_final(&h, dig);
	sha256_to_hex(dig, p->sha256);
	*ret = p;
	p = NULL;
	r = 0;
out:
	if (r == -ENOMEM)
		error_set(err, ENOMEM, 0, 0, "out of memory");
	policy_free(p);
	free(text);
	free(dcopy);
	json_decref(j);
	jpos_fini(&pos);
	return r;
}

void policy_free(struct policy *p)
{
	int k;

	if (!p)
		return;
	for (k = 0; k < R__COUNT; k++) {
		struct rule *ru = &p->rules[k];

		free(ru->section);
		free(ru->clause);
		free(ru->cvss);
		free(ru->cvss_reasoning);
		free(ru->why);
		free(ru->summary);
		json_decref(ru->params);
	}
	for (k = 0; k < K__COUNT; k++)
		klist_free(&p->k[k]);
	strv_free(p->p.persist_ignore, p->p.n_persist_ignore);
	strv_free(p->p.load_exts, p->p.n_load_exts);
	strv_free(p->p.code_exts, p->p.n_code_exts);
	strv_free(p->p.sb_ignore, p->p.n_sb_ignore);
	free(p->path);
	free(p->dir);
	free(p->id);
	free(p->version);
	free(p);
}

const char *policy_id(const struct policy *p)
{
	return p && p->id ? p->id : "";
}

const char *policy_sha256(const struct policy *p)
{
	return p ? p->sha256 : "";
}

const char *policy_dir(const struct policy *p)
{
	return p && p->dir ? p->dir : "";
}

json_t *policy_rules_json(const struct policy *p)
{
	json_t *arr = json_array();
	int k;

	if (!arr)
		return NULL;
	for (k = 0; k < R__COUNT; k++) {
		const struct rule *ru = &p->rules[k];
		json_t *o;

		if (!ru->present)
			continue;
		o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:s, s:f}, s:s}", "id", rule_names[k],
			      "clause", ru->clause, "section", ru->section, "why", ru->why,
			      "summary", ru->summary, "cvss", "vector", ru->cvss, "score",
			      ru->score / 10.0, "severity", severity_name(ru->severity));
		if (!o || json_array_append_new(arr, o) < 0) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

int policy_explain(const struct policy *p, const char *rule_id, FILE *f)
{
	const struct rule *ru;
	const struct band *b;
	int rid = rule_from_name(rule_id);

	if (rid < 0 || !p->rules[rid].present)
		return -ENOENT;
	ru = &p->rules[rid];
	b = band_of(ru->severity);
	fprintf(f, "%s (%s)\n\n", rule_names[rid], ru->section);
	fprintf(f, "Guideline, %s:\n  \"%s\"\n\n", ru->section, ru->clause);
	fprintf(f, "What it catches:\n  %s\n\n", ru->summary);
	fprintf(f, "Why it matters:\n  %s\n\n", ru->why);
	fprintf(f, "Severity: %s, CVSS v3.1 base score %d.%d\n  %s\n  %s\n\n",
		severity_name(ru->severity), ru->score / 10, ru->score % 10, ru->cvss,
		ru->cvss_reasoning);
	if (b && b->ack_s)
		fprintf(f,
			"Deadlines (%s, from the guidelines' timeframe table, counted from the "
			"run's start):\n  acknowledge within %s\n  mitigate within %s\n  fix "
			"within %s\n",
			severity_name(ru->severity), b->ack_text, b->mitigate_text, b->fix_text);
	else
		fprintf(f, "Deadlines: none — the guidelines accept %s-severity findings.\n",
			severity_name(ru->severity));
	fprintf(f, "\nPolicy: %s %s (%s)\n", p->id, p->version, p->path);
	return 0;
}
