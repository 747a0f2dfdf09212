/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * manifest: what a connector declares it needs (DESIGN.md §4), loaded strictly: an unknown
 * field, a wrong type, a duplicate key, a bad host pattern, CIDR, port or path is an error at
 * the line and column of the offending value. Pure.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "judge/judge_int.h"
#include "util/jsonx.h"

#define M_LIST_MAX 1024
#define M_STR_MAX 1024

struct mctx {
	const struct jpos *pos;
	const char *prefix;
	struct error *err;
};

static int merr(struct mctx *c, const char *path, bool key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int merr(struct mctx *c, const char *path, bool key, const char *fmt, ...)
{
	char full[1024], text[400];
	va_list ap;

	snprintf(full, sizeof(full), "%s%s", c->prefix ? c->prefix : "", path);
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	return jerr_at(c->err, c->pos, full, key, "manifest%s%s: %s", path[0] ? " " : "", path,
		       text);
}

static int check_keys(struct mctx *c, const json_t *obj, const char *path,
		      const char *const *allowed)
{
	char full[1024];
	int r;

	snprintf(full, sizeof(full), "%s%s", c->prefix ? c->prefix : "", path);
	r = jcheck_keys(obj, allowed, c->pos, full, c->err);
	if (r < 0 && c->err) {
		char t[sizeof(c->err->text) + 64];

		snprintf(t, sizeof(t), "manifest %s: %s", path[0] ? path : "/", c->err->text);
		snprintf(c->err->text, sizeof(c->err->text), "%.*s", (int)sizeof(c->err->text) - 1,
			 t);
	}
	return r;
}

static int get_string(struct mctx *c, const json_t *obj, const char *key, const char *path,
		      bool required, char **ret)
{
	json_t *v = json_object_get(obj, key);
	char p[1024];
	const char *s;

	snprintf(p, sizeof(p), "%s/%s", path, key);
	if (!v) {
		if (required)
			return merr(c, path, false, "missing required field \"%s\"", key);
		return 0;
	}
	if (!json_is_string(v))
		return merr(c, p, false, "must be a string, not %s", jsonx_type_name(v));
	s = json_string_value(v);
	if (!*s || json_string_length(v) > M_STR_MAX || strlen(s) != json_string_length(v))
		return merr(c, p, false,
			    "must be a non-empty string of at most %d bytes without NUL",
			    M_STR_MAX);
	*ret = strdup(s);
	return *ret ? 0 : -ENOMEM;
}

static int get_array(struct mctx *c, const json_t *obj, const char *key, const char *path,
		     json_t **ret)
{
	json_t *v = json_object_get(obj, key);
	char p[1024];

	*ret = NULL;
	if (!v)
		return 0;
	snprintf(p, sizeof(p), "%s/%s", path, key);
	if (!json_is_array(v))
		return merr(c, p, false, "must be an array, not %s", jsonx_type_name(v));
	if (json_array_size(v) > M_LIST_MAX)
		return merr(c, p, false, "more than %d entries", M_LIST_MAX);
	*ret = v;
	return 0;
}

static int host_list(struct mctx *c, const json_t *arr, const char *path, char ***ret,
		     size_t *ret_n)
{
	size_t i, n = json_array_size(arr);
	char **out;
	json_t *v;

	out = calloc(n ? n : 1, sizeof(*out));
	if (!out)
		return -ENOMEM;
	*ret = out;
	*ret_n = 0;
	json_array_foreach ((json_t *)arr, i, v) {
		char p[1024], why[160];
		size_t k;

		snprintf(p, sizeof(p), "%s/%zu", path, i);
		if (!json_is_string(v))
			return merr(c, p, false, "must be a host name string, not %s",
				    jsonx_type_name(v));
		if (host_pattern_check(json_string_value(v), false, why, sizeof(why)) < 0)
			return merr(c, p, false, "bad host \"%s\": %s", json_string_value(v), why);
		out[i] = strdup(json_string_value(v));
		if (!out[i])
			return -ENOMEM;
		for (k = 0; out[i][k]; k++)
			out[i][k] = (char)tolower((unsigned char)out[i][k]);
		*ret_n = i + 1;
	}
	return 0;
}

static int load_cluster(struct mctx *c, const json_t *o, struct manifest *m)
{
	static const char *const keys[] = {"hosts", "cidrs", NULL};
	json_t *hosts, *cidrs, *v;
	size_t i;
	int r;

	if (!json_is_object(o))
		return merr(c, "/cluster", false, "must be an object, not %s", jsonx_type_name(o));
	r = check_keys(c, o, "/cluster", keys);
	if (r < 0)
		return r;
	r = get_array(c, o, "hosts", "/cluster", &hosts);
	if (r < 0)
		return r;
	if (hosts) {
		r = host_list(c, hosts, "/cluster/hosts", &m->cluster_hosts, &m->n_cluster_hosts);
		if (r < 0)
			return r;
	}
	r = get_array(c, o, "cidrs", "/cluster", &cidrs);
	if (r < 0)
		return r;
	if (!cidrs)
		return 0;
	m->cluster_cidrs = calloc(json_array_size(cidrs) + 1, sizeof(*m->cluster_cidrs));
	if (!m->cluster_cidrs)
		return -ENOMEM;
	json_array_foreach (cidrs, i, v) {
		char p[64], why[160];

		snprintf(p, sizeof(p), "/cluster/cidrs/%zu", i);
		if (!json_is_string(v))
			return merr(c, p, false, "must be a CIDR string, not %s",
				    jsonx_type_name(v));
		if (cidr_parse(json_string_value(v), &m->cluster_cidrs[i], why, sizeof(why)) < 0)
			return merr(c, p, false, "bad CIDR \"%s\": %s", json_string_value(v), why);
		m->n_cluster_cidrs = i + 1;
	}
	return 0;
}

static int load_egress(struct mctx *c, const json_t *arr, struct manifest *m)
{
	static const char *const keys[] = {"host", "ports", "purpose", NULL};
	size_t i;
	json_t *e;
	int r;

	m->egress = calloc(json_array_size(arr) + 1, sizeof(*m->egress));
	if (!m->egress)
		return -ENOMEM;
	json_array_foreach ((json_t *)arr, i, e) {
		struct m_egress *g = &m->egress[i];
		char p[64], why[160];
		json_t *ports, *pv;
		size_t k;

		snprintf(p, sizeof(p), "/egress/%zu", i);
		m->n_egress = i + 1;
		if (!json_is_object(e))
			return merr(c, p, false, "must be an object, not %s", jsonx_type_name(e));
		r = check_keys(c, e, p, keys);
		if (r < 0)
			return r;
		r = get_string(c, e, "host", p, true, &g->host);
		if (r < 0)
			return r;
		if (host_pattern_check(g->host, false, why, sizeof(why)) < 0) {
			char hp[80];

			snprintf(hp, sizeof(hp), "%s/host", p);
			return merr(c, hp, false, "bad host \"%s\": %s", g->host, why);
		}
		for (k = 0; g->host[k]; k++)
			g->host[k] = (char)tolower((unsigned char)g->host[k]);
		r = get_string(c, e, "purpose", p, false, &g->purpose);
		if (r < 0)
			return r;
		r = get_array(c, e, "ports", p, &ports);
		if (r < 0)
			return r;
		if (!ports)
			continue;
		if (json_array_size(ports) == 0 || json_array_size(ports) > 64) {
			char pp[80];

			snprintf(pp, sizeof(pp), "%s/ports", p);
			return merr(c, pp, false, "must list 1 to 64 ports (omit it for any port)");
		}
		g->ports = calloc(json_array_size(ports), sizeof(*g->ports));
		if (!g->ports)
			return -ENOMEM;
		json_array_foreach (ports, k, pv) {
			char pp[96];

			snprintf(pp, sizeof(pp), "%s/ports/%zu", p, k);
			if (!json_is_integer(pv) || json_integer_value(pv) < 1 ||
			    json_integer_value(pv) > 65535)
				return merr(c, pp, false, "a port is an integer 1..65535");
			g->ports[k] = (uint16_t)json_integer_value(pv);
			g->n_ports = k + 1;
		}
	}
	return 0;
}

static bool env_name_ok(const char *s)
{
	size_t k;

	if (!((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
		return false;
	for (k = 1; s[k]; k++)
		if (!((s[k] >= 'A' && s[k] <= 'Z') || (s[k] >= 'a' && s[k] <= 'z') ||
		      (s[k] >= '0' && s[k] <= '9') || s[k] == '_'))
			return false;
	return k <= 255;
}

static int load_secrets(struct mctx *c, const json_t *arr, struct manifest *m)
{
	static const char *const keys[] = {"name", "env", "sent_to", NULL};
	size_t i, j;
	json_t *e;
	int r;

	m->secrets = calloc(json_array_size(arr) + 1, sizeof(*m->secrets));
	m->sec_names = calloc(json_array_size(arr) + 1, sizeof(*m->sec_names));
	m->sec_envs = calloc(json_array_size(arr) + 1, sizeof(*m->sec_envs));
	if (!m->secrets || !m->sec_names || !m->sec_envs)
		return -ENOMEM;
	json_array_foreach ((json_t *)arr, i, e) {
		struct m_secret *s = &m->secrets[i];
		char p[64], sp[96];
		json_t *to;

		snprintf(p, sizeof(p), "/secrets/%zu", i);
		m->n_secrets = i + 1;
		if (!json_is_object(e))
			return merr(c, p, false, "must be an object, not %s", jsonx_type_name(e));
		r = check_keys(c, e, p, keys);
		if (r < 0)
			return r;
		r = get_string(c, e, "name", p, true, &s->name);
		if (r < 0)
			return r;
		if (strncmp(s->name, "honey:", 6) == 0) {
			snprintf(sp, sizeof(sp), "%s/name", p);
			return merr(c, sp, false, "names starting with \"honey:\" are reserved");
		}
		for (j = 0; j < i; j++)
			if (strcmp(m->secrets[j].name, s->name) == 0) {
				snprintf(sp, sizeof(sp), "%s/name", p);
				return merr(c, sp, false, "secret \"%s\" declared twice", s->name);
			}
		r = get_string(c, e, "env", p, false, &s->env);
		if (r < 0)
			return r;
		if (!s->env) {
			s->env = strdup(s->name);
			if (!s->env)
				return -ENOMEM;
		}
		if (!env_name_ok(s->env)) {
			snprintf(sp, sizeof(sp), "%s/%s", p,
				 json_object_get(e, "env") ? "env" : "name");
			return merr(c, sp, false,
				    "\"%s\" is not an environment variable name "
				    "([A-Za-z_][A-Za-z0-9_]*)",
				    s->env);
		}
		r = get_array(c, e, "sent_to", p, &to);
		if (r < 0)
			return r;
		if (to) {
			snprintf(sp, sizeof(sp), "%s/sent_to", p);
			r = host_list(c, to, sp, &s->sent_to, &s->n_sent_to);
			if (r < 0)
				return r;
		}
		m->sec_names[i] = s->name;
		m->sec_envs[i] = s->env;
	}
	return 0;
}

static int load_storage(struct mctx *c, const json_t *o, struct manifest *m)
{
	static const char *const keys[] = {"writable", NULL};
	static const char *const vars[] = {"$WORKDIR", "$HOME", "$TMPDIR", NULL};
	json_t *w, *v;
	size_t i;
	int r;

	if (!json_is_object(o))
		return merr(c, "/storage", false, "must be an object, not %s", jsonx_type_name(o));
	r = check_keys(c, o, "/storage", keys);
	if (r < 0)
		return r;
	r = get_array(c, o, "writable", "/storage", &w);
	if (r < 0 || !w)
		return r;
	m->writable = calloc(json_array_size(w) + 1, sizeof(*m->writable));
	if (!m->writable)
		return -ENOMEM;
	json_array_foreach (w, i, v) {
		char p[64];
		const char *s;
		bool ok = false;
		size_t k;

		snprintf(p, sizeof(p), "/storage/writable/%zu", i);
		if (!json_is_string(v))
			return merr(c, p, false, "must be a path string, not %s",
				    jsonx_type_name(v));
		s = json_string_value(v);
		if (s[0] == '/')
			ok = true;
		for (k = 0; vars[k]; k++) {
			size_t n = strlen(vars[k]);

			if (strncmp(s, vars[k], n) == 0 && (s[n] == '\0' || s[n] == '/'))
				ok = true;
		}
		if (strncmp(s, "~/", 2) == 0 || strcmp(s, "~") == 0)
			ok = true;
		if (!ok || strstr(s, "/../") ||
		    (strlen(s) >= 3 && !strcmp(s + strlen(s) - 3, "/..")) || strlen(s) > 4096 ||
		    strlen(s) != json_string_length(v))
			return merr(
				c, p, false,
				"\"%s\" is not an absolute path, or one starting with $WORKDIR, "
				"$HOME, $TMPDIR or ~/ (and without \"..\")",
				s);
		m->writable[i] = strdup(s);
		if (!m->writable[i])
			return -ENOMEM;
		m->n_writable = i + 1;
	}
	return 0;
}

int manifest_from_json_pos(const json_t *obj, const struct jpos *pos, const char *prefix,
			   struct manifest **ret, struct error *err)
{
	static const char *const keys[] = {"connector", "version", "cluster", "egress",
					   "secrets",	"storage", NULL};
	struct mctx c = {.pos = pos, .prefix = prefix, .err = err};
	struct manifest *m;
	json_t *v;
	int r;

	if (!json_is_object(obj))
		return merr(&c, "", false, "must be a JSON object, not %s", jsonx_type_name(obj));
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	r = check_keys(&c, obj, "", keys);
	if (r < 0)
		goto fail;
	r = get_string(&c, obj, "connector", "", true, &m->connector);
	if (r < 0)
		goto fail;
	r = get_string(&c, obj, "version", "", true, &m->version);
	if (r < 0)
		goto fail;
	v = json_object_get(obj, "cluster");
	if (v && (r = load_cluster(&c, v, m)) < 0)
		goto fail;
	r = get_array(&c, obj, "egress", "", &v);
	if (r < 0 || (v && (r = load_egress(&c, v, m)) < 0))
		goto fail;
	r = get_array(&c, obj, "secrets", "", &v);
	if (r < 0 || (v && (r = load_secrets(&c, v, m)) < 0))
		goto fail;
	v = json_object_get(obj, "storage");
	if (v && (r = load_storage(&c, v, m)) < 0)
		goto fail;
	m->json = json_deep_copy(obj);
	if (!m->json) {
		r = -ENOMEM;
		goto fail;
	}
	*ret = m;
	return 0;
fail:
	manifest_free(m);
	if (r == -ENOMEM)
		error_set(err, ENOMEM, 0, 0, "out of memory");
	return r;
}

int manifest_from_json(const json_t *obj, struct manifest **ret, struct error *err)
{
	return manifest_from_json_pos(obj, NULL, NULL, ret, err);
}

int manifest_load(const char *path, struct manifest **ret, struct error *err)
{
	struct jpos pos = {0};
	json_t *j = NULL;
	int r;

	r = jpos_load_file(path, JUDGE_FILE_MAX, &j, &pos, NULL, NULL, err);
	if (r == 0)
		r = manifest_from_json_pos(j, &pos, "", ret, err);
	json_decref(j);
	jpos_fini(&pos);
	return r;
}

void strv_free(char **v, size_t n)
{
	size_t k;

	if (!v)
		return;
	for (k = 0; k < n; k++)
		free(v[k]);
	free(v);
}

void manifest_free(struct manifest *m)
{
	size_t k;

	if (!m)
		return;
	free(m->connector);
	free(m->version);
	strv_free(m->cluster_hosts, m->n_cluster_hosts);
	free(m->cluster_cidrs);
	for (k = 0; m->egress && k < m->n_egress; k++) {
		free(m->egress[k].host);
		free(m->egress[k].ports);
		free(m->egress[k].purpose);
	}
	free(m->egress);
	for (k = 0; m->secrets && k < m->n_secrets; k++) {
		free(m->secrets[k].name);
		free(m->secrets[k].env);
		strv_free(m->secrets[k].sent_to, m->secrets[k].n_sent_to);
	}
	free(m->secrets);
	free(m->sec_names);
	free(m->sec_envs);
	strv_free(m->writable, m->n_writable);
	json_decref(m->json);
	free(m);
}

json_t *manifest_to_json(const struct manifest *m)
{
	return m && m->json ? json_deep_copy(m->json) : json_null();
}

size_t manifest_secrets(const struct manifest *m, const char *const **ret_names,
			const char *const **ret_envs)
{
	if (!m || !m->n_secrets)
		return 0;
	*ret_names = m->sec_names;
	*ret_envs = m->sec_envs;
	return m->n_secrets;
}
