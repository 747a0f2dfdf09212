/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * honey: reads policies/knowledge/honey-files.json (data, reviewed like data) and renders each
 * file with fresh canaries; also the canary list the trace header carries. Parsing is strict
 * and bounded: unknown keys, bad kinds, relative or ".." paths and oversized templates are
 * errors, not silence.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "sandbox/internal.h"
#include "util/util.h"

enum {
	HONEY_FILE_MAX = 1 << 20,
	HONEY_FILES_MAX = 64,
	HONEY_TEMPLATE_MAX = 16384,
	HONEY_PATH_MAX = 256,
	HONEY_PLACEHOLDERS_MAX = 8,
};

int sb_canary_new(enum canary_kind kind, char **ret)
{
	uint8_t rnd[CANARY_RANDOM_MAX];
	size_t need = canary_random_size(kind);
	int r, tries;

	for (tries = 0; tries < 16; tries++) {
		size_t got = 0;

		while (got < need) {
			ssize_t n = getrandom(rnd + got, need - got, 0);

			if (n < 0) {
				if (errno == EINTR)
					continue;
				return -errno;
			}
			got += (size_t)n;
		}
		r = canary_make(kind, rnd, need, ret);
		if (r != -EAGAIN)
			return r;
	}
	return -EAGAIN;
}

int sb_canaries_add(struct sb_canaries *c, const char *name, char *value, const char *where,
		    const char *env)
{
	struct sb_canary *k;
	int r;

	r = array_grow((void **)&c->v, &c->cap, c->n + 1, sizeof(*c->v));
	if (r < 0) {
		free(value);
		return r;
	}
	k = &c->v[c->n];
	*k = (struct sb_canary){ .value = value };
	k->name = strdup(name);
	k->where = strdup(where);
	k->env = env ? strdup(env) : NULL;
	c->n++;
	if (!k->name || !k->where || (env && !k->env))
		return -ENOMEM;
	return 0;
}

void sb_canaries_fini(struct sb_canaries *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->v[i].name);
		free(c->v[i].value);
		free(c->v[i].where);
		free(c->v[i].env);
	}
	for (i = 0; i < c->n_files; i++) {
		free(c->files[i].id);
		free(c->files[i].path);
		free(c->files[i].content);
	}
	free(c->v);
	free(c->files);
	*c = (struct sb_canaries){ 0 };
}

static bool path_ok(const char *p)
{
	const char *s;

	if (strlen(p) > HONEY_PATH_MAX || strstr(p, "//"))
		return false;
	if (p[0] == '~' && p[1] == '/')
		p += 2;
	else if (p[0] == '/')
		p += 1;
	else
		return false;
	if (!*p)
		return false;
	for (s = p; s; s = strchr(s, '/')) {
		if (*s == '/')
			s++;
		if (!strncmp(s, "..", 2) && (s[2] == '/' || !s[2]))
			return false;
		if (s[0] == '.' && (s[1] == '/' || !s[1]))
			return false;
		if (!*s)
			return false;
	}
	return true;
}

/* Appends s[0..n) to the growing buffer. */
static int put(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
	int r = array_grow((void **)buf, cap, *len + n + 1, 1);

	if (r < 0)
		return r;
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = '\0';
	return 0;
}

/* Renders template with {{canary}} (kind) and {{canary:KIND}} placeholders; adds canaries. */
static int render(struct sb_canaries *c, const char *id, const char *where, enum canary_kind kind,
		  const char *tpl, char **ret, size_t *ret_len, struct error *err)
{
	_cleanup_free_ char *out = NULL, *primary = NULL;
	size_t len = 0, cap = 0;
	const char *p = tpl;
	int r, n_ph = 0;

	r = put(&out, &len, &cap, "", 0);
	if (r < 0)
		return r;
	while (*p) {
		const char *open = strstr(p, "{{"), *close;
		_cleanup_free_ char *kname = NULL;
		char *value = NULL;
		enum canary_kind k = kind;
		bool is_primary;

		if (!open) {
			r = put(&out, &len, &cap, p, strlen(p));
			if (r < 0)
				return r;
			break;
		}
		r = put(&out, &len, &cap, p, (size_t)(open - p));
		if (r < 0)
			return r;
		close = strstr(open, "}}");
		if (!close)
			return error_set(err, EINVAL, 0, 0, "honey file '%s': unclosed '{{'", id);
		if (++n_ph > HONEY_PLACEHOLDERS_MAX)
			return error_set(err, EINVAL, 0, 0, "honey file '%s': too many placeholders",
					 id);
		kname = strndup(open + 2, (size_t)(close - open - 2));
		if (!kname)
			return -ENOMEM;
		is_primary = !strcmp(kname, "canary");
		if (!is_primary) {
			if (strncmp(kname, "canary:", 7) || canary_kind_parse(kname + 7, &k) < 0)
				return error_set(err, EINVAL, 0, 0,
						 "honey file '%s': unknown placeholder '{{%s}}'", id,
						 kname);
		}
		if (is_primary && primary) {
			value = strdup(primary);
			if (!value)
				return -ENOMEM;
		} else {
			char name[HONEY_PATH_MAX + 64];

			r = sb_canary_new(k, &value);
			if (r < 0)
				return r;
			if (is_primary)
				snprintf(name, sizeof(name), "honey:%s", id);
			else
				snprintf(name, sizeof(name), "honey:%s:%s", id, kname + 7);
			if (is_primary) {
				primary = strdup(value);
				if (!primary) {
					free(value);
					return -ENOMEM;
				}
			}
			r = sb_canaries_add(c, name, strdup(value), where, NULL);
			if (r < 0) {
				free(value);
				return r;
			}
		}
		r = put(&out, &len, &cap, value, strlen(value));
		free(value);
		if (r < 0)
			return r;
		p = close + 2;
	}
	if (!primary)
		return error_set(err, EINVAL, 0, 0, "honey file '%s': the template has no {{canary}}",
				 id);
	*ret = steal_ptr(&out);
	*ret_len = len;
	return 0;
}

static int parse_mode(const char *s, mode_t *ret)
{
	char *end;
	unsigned long v;

	if (!s || !*s)
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 8);
	if (errno || *end || v > 0777)
		return -EINVAL;
	*ret = (mode_t)v;
	return 0;
}

int sb_honey_parse(const char *text, size_t len, struct sb_canaries *c, struct error *err)
{
	static const char *const keys[] = { "id", "path", "mode", "kind", "template", "source" };
	json_auto_t *root = NULL;
	json_error_t je;
	json_t *files, *f;
	const char *key;
	json_t *v;
	size_t i, j;
	int r;

	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return error_set(err, EINVAL, (unsigned int)MAX(je.line, 0),
				 (unsigned int)MAX(je.column, 0), "%s", je.text);
	json_object_foreach(root, key, v)
	{
		if (strcmp(key, "comment") && strcmp(key, "files"))
			return error_set(err, EINVAL, 0, 0, "unknown key '%s'", key);
	}
	files = json_object_get(root, "files");
	if (!json_is_array(files) || json_array_size(files) == 0 ||
	    json_array_size(files) > HONEY_FILES_MAX)
		return error_set(err, EINVAL, 0, 0, "\"files\" must be an array of 1 to %d entries",
				 HONEY_FILES_MAX);
	c->files = calloc(json_array_size(files), sizeof(*c->files));
	if (!c->files)
		return -ENOMEM;
	json_array_foreach(files, i, f)
	{
		const char *id = json_string_value(json_object_get(f, "id"));
		const char *path = json_string_value(json_object_get(f, "path"));
		const char *mode = json_string_value(json_object_get(f, "mode"));
		const char *kind = json_string_value(json_object_get(f, "kind"));
		const char *tpl = json_string_value(json_object_get(f, "template"));
		struct sb_honey_file *h = &c->files[c->n_files];
		char where[HONEY_PATH_MAX + 16];
		enum canary_kind k;

		if (!json_is_object(f))
			return error_set(err, EINVAL, 0, 0, "files[%zu] is not an object", i);
		json_object_foreach(f, key, v)
		{
			for (j = 0; j < ARRAY_SIZE(keys); j++)
				if (!strcmp(key, keys[j]))
					break;
			if (j == ARRAY_SIZE(keys))
				return error_set(err, EINVAL, 0, 0, "files[%zu]: unknown key '%s'", i,
						 key);
		}
		if (!id || !*id || strlen(id) > 64)
			return error_set(err, EINVAL, 0, 0, "files[%zu]: \"id\" is missing", i);
		for (j = 0; j < c->n_files; j++)
			if (!strcmp(c->files[j].id, id))
				return error_set(err, EINVAL, 0, 0, "duplicate honey file id '%s'",
						 id);
		if (!path || !path_ok(path))
			return error_set(err, EINVAL, 0, 0,
					 "honey file '%s': \"path\" must be ~/... or absolute, "
					 "without '.' or '..'",
					 id);
		if (parse_mode(mode, &h->mode) < 0)
			return error_set(err, EINVAL, 0, 0,
					 "honey file '%s': \"mode\" must be octal like \"0600\"", id);
		if (canary_kind_parse(kind, &k) < 0)
			return error_set(err, EINVAL, 0, 0, "honey file '%s': unknown kind '%s'", id,
					 kind ? kind : "");
		if (!tpl || strlen(tpl) > HONEY_TEMPLATE_MAX)
			return error_set(err, EINVAL, 0, 0,
					 "honey file '%s': \"template\" missing or over %d bytes", id,
					 HONEY_TEMPLATE_MAX);
		h->id = strdup(id);
		if (path[0] == '~')
			r = asprintf(&h->path, "/root%s", path + 1);
		else
			r = asprintf(&h->path, "%s", path);
		if (r < 0) {
			h->path = NULL;
			return -ENOMEM;
		}
		c->n_files++;
		if (!h->id)
			return -ENOMEM;
		snprintf(where, sizeof(where), "file:%s", h->path);
		r = render(c, id, where, k, tpl, &h->content, &h->len, err);
		if (r < 0)
			return r;
	}
	return 0;
}

int sb_honey_load(const char *path, struct sb_canaries *c, struct error *err)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r;

	r = read_file_bounded(path, HONEY_FILE_MAX, &text, &len);
	if (r < 0)
		return error_set(err, -r, 0, 0, "cannot read the honey file list '%s': %s", path,
				 strerror(-r));
	r = sb_honey_parse(text, len, c, err);
	if (r < 0 && err) {
		char tmp[sizeof(err->text)];
		int n;

		snprintf(tmp, sizeof(tmp), "%s", err->text);
		if (err->line)
			n = snprintf(err->text, sizeof(err->text), "%s:%u:%u: ", path, err->line,
				     err->column);
		else
			n = snprintf(err->text, sizeof(err->text), "%s: ", path);
		if (n > 0 && (size_t)n < sizeof(err->text))
			memccpy(err->text + n, tmp, '\0', sizeof(err->text) - (size_t)n);
		err->text[sizeof(err->text) - 1] = '\0';
		err->line = err->column = 0;
	}
	return r;
}

int sb_honey_rebase(struct sb_canaries *c, const char *from, const char *to)
{
	size_t nf = strlen(from), i, j;

	for (i = 0; i < c->n_files; i++) {
		struct sb_honey_file *h = &c->files[i];
		char *path, *where;

		if (strncmp(h->path, from, nf))
			continue;
		if (asprintf(&path, "%s%s", to, h->path + nf) < 0)
			return -ENOMEM;
		if (asprintf(&where, "file:%s", path) < 0) {
			free(path);
			return -ENOMEM;
		}
		for (j = 0; j < c->n; j++) {
			if (strcmp(c->v[j].where + 5 * !strncmp(c->v[j].where, "file:", 5), h->path))
				continue;
			free(c->v[j].where);
			c->v[j].where = strdup(where);
			if (!c->v[j].where) {
				free(path);
				free(where);
				return -ENOMEM;
			}
		}
		free(where);
		free(h->path);
		h->path = path;
	}
	return 0;
}
