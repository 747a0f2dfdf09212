/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * jpos: a strict JSON scanner that runs before Jansson on every user-supplied JSON text. It
 * bounds what Jansson does not (nesting depth, member counts, key length), rejects what it
 * must (duplicate keys, NUL in keys, invalid UTF-8, trailing bytes) with the line and column
 * of the offending character, and records where each value starts so that semantic errors
 * found later on the json_t tree can point at the file too. Pure, no logging.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "judge/judge_int.h"
#include "util/utf8.h"

struct scan {
	const unsigned char *s;
	size_t len, i;
	unsigned int line, col;
	unsigned int max_depth;
	size_t values;
	struct jpos *pos;
	struct error *err;
	char *path; /* current JSON pointer */
	size_t path_len, path_cap;
};

static int fail(struct scan *sc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct scan *sc, const char *fmt, ...)
{
	va_list ap;

	if (sc->err) {
		sc->err->line = sc->line;
		sc->err->column = sc->col;
		va_start(ap, fmt);
		vsnprintf(sc->err->text, sizeof(sc->err->text), fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* Advances one byte, keeping line and character column. */
static void adv(struct scan *sc)
{
	unsigned char c = sc->s[sc->i++];

	if (c == '\n') {
		sc->line++;
		sc->col = 1;
	} else if ((c & 0xc0) != 0x80) {
		sc->col++;
	}
}

static void skip_ws(struct scan *sc)
{
	while (sc->i < sc->len) {
		unsigned char c = sc->s[sc->i];

		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		adv(sc);
	}
}

static const char *describe(struct scan *sc, char buf[16])
{
	unsigned char c;

	if (sc->i >= sc->len)
		return "end of input";
	c = sc->s[sc->i];
	if (c >= 0x21 && c < 0x7f)
		snprintf(buf, 16, "'%c'", c);
	else
		snprintf(buf, 16, "byte 0x%02x", c);
	return buf;
}

static int path_push(struct scan *sc, const char *seg, size_t n, size_t *ret_old)
{
	size_t need = sc->path_len + 1 + 2 * n + 1, k;
	int r;

	r = array_grow((void **)&sc->path, &sc->path_cap, need, 1);
	if (r < 0)
		return r;
	*ret_old = sc->path_len;
	sc->path[sc->path_len++] = '/';
	for (k = 0; k < n; k++) {
		if (seg[k] == '~') {
			sc->path[sc->path_len++] = '~';
			sc->path[sc->path_len++] = '0';
		} else if (seg[k] == '/') {
			sc->path[sc->path_len++] = '~';
			sc->path[sc->path_len++] = '1';
		} else {
			sc->path[sc->path_len++] = seg[k];
		}
	}
	sc->path[sc->path_len] = '\0';
	return 0;
}

static void path_pop(struct scan *sc, size_t old)
{
	sc->path_len = old;
	if (sc->path)
		sc->path[old] = '\0';
}

static int record(struct scan *sc, unsigned int line, unsigned int col, unsigned int kline,
		  unsigned int kcol)
{
	struct jpos_ent *e;
	int r;

	if (++sc->values > JUDGE_JSON_VALUES_MAX)
		return fail(sc, "more than %d values", JUDGE_JSON_VALUES_MAX);
	if (!sc->pos)
		return 0;
	r = array_grow((void **)&sc->pos->ents, &sc->pos->cap, sc->pos->n + 1, sizeof(*e));
	if (r < 0)
		return r;
	e = &sc->pos->ents[sc->pos->n];
	e->path = strdup(sc->path ? sc->path : "");
	if (!e->path)
		return -ENOMEM;
	e->line = line;
	e->col = col;
	e->key_line = kline;
	e->key_col = kcol;
	sc->pos->n++;
	return 0;
}

static int hex4(const unsigned char *p, unsigned int *ret)
{
	unsigned int v = 0, k;

	for (k = 0; k < 4; k++) {
		unsigned char c = p[k];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	*ret = v;
	return 0;
}

/*
 * Scans a string at sc->i ('"'). When key is not NULL the decoded bytes go there (at most
 * JUDGE_KEY_MAX) and a NUL is an error.
 */
static int scan_string(struct scan *sc, char *key, size_t *key_len)
{
	size_t kl = 0;
	char b[16];

	adv(sc); /* opening quote */
	for (;;) {
		unsigned char c;

		if (sc->i >= sc->len)
			return fail(sc, "unterminated string");
		c = sc->s[sc->i];
		if (c == '"') {
			adv(sc);
			break;
		}
		if (c < 0x20)
			return fail(sc, "control character %s in a string (escape it)",
				    describe(sc, b));
		if (c == '\\') {
			unsigned char e;
			unsigned int cp = 0;
			char out[4];
			size_t on = 0;

			if (sc->i + 1 >= sc->len)
				return fail(sc, "unterminated string");
			e = sc->s[sc->i + 1];
			switch (e) {
			case '"':
			case '\\':
			case '/':
				out[on++] = (char)e;
				break;
			case 'b':
				out[on++] = '\b';
				break;
			case 'f':
				out[on++] = '\f';
				break;
			case 'n':
				out[on++] = '\n';
				break;
			case 'r':
				out[on++] = '\r';
				break;
			case 't':
				out[on++] = '\t';
				break;
			case 'u':
				if (sc->i + 6 > sc->len || hex4(sc->s + sc->i + 2, &cp) < 0)
					return fail(sc, "bad \\u escape");
				if (cp >= 0xdc00 && cp <= 0xdfff)
					return fail(sc, "lone low surrogate in \\u escape");
				if (cp >= 0xd800 && cp <= 0xdbff) {
					unsigned int lo;

					if (sc->i + 12 > sc->len || sc->s[sc->i + 6] != '\\' ||
					    sc->s[sc->i + 7] != 'u' ||
					    hex4(sc->s + sc->i + 8, &lo) < 0 || lo < 0xdc00 ||
					    lo > 0xdfff)
						return fail(sc, "unpaired surrogate in \\u escape");
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				}
				if (cp == 0)
					return fail(sc, key ? "NUL (\\u0000) in an object key"
							    : "NUL (\\u0000) in a string");
				if (cp < 0x80) {
					out[on++] = (char)cp;
				} else if (cp < 0x800) {
					out[on++] = (char)(0xc0 | (cp >> 6));
					out[on++] = (char)(0x80 | (cp & 0x3f));
				} else if (cp < 0x10000) {
					out[on++] = (char)(0xe0 | (cp >> 12));
					out[on++] = (char)(0x80 | ((cp >> 6) & 0x3f));
					out[on++] = (char)(0x80 | (cp & 0x3f));
				} else {
					out[on++] = (char)(0xf0 | (cp >> 18));
					out[on++] = (char)(0x80 | ((cp >> 12) & 0x3f));
					out[on++] = (char)(0x80 | ((cp >> 6) & 0x3f));
					out[on++] = (char)(0x80 | (cp & 0x3f));
				}
				break;
			default:
				adv(sc);
				return fail(sc, "bad escape \\%c", e >= 0x20 && e < 0x7f ? e : '?');
			}
			if (e == 'u') {
				int steps = cp >= 0x10000 ? 12 : 6;

				while (steps--)
					adv(sc);
			} else {
				adv(sc);
				adv(sc);
			}
			if (key) {
				if (kl + on > JUDGE_KEY_MAX)
					return fail(sc, "object key longer than %d bytes",
						    JUDGE_KEY_MAX);
				memcpy(key + kl, out, on);
				kl += on;
			}
			continue;
		}
		{
			size_t n = utf8_decode(sc->s + sc->i, sc->len - sc->i, NULL), k;

			if (!n)
				return fail(sc, "invalid UTF-8 (%s)", describe(sc, b));
			if (key) {
				if (kl + n > JUDGE_KEY_MAX)
					return fail(sc, "object key longer than %d bytes",
						    JUDGE_KEY_MAX);
				memcpy(key + kl, sc->s + sc->i, n);
				kl += n;
			}
			for (k = 0; k < n; k++)
				adv(sc);
		}
	}
	if (key_len)
		*key_len = kl;
	return 0;
}

static int scan_number(struct scan *sc)
{
	char b[16];

	if (sc->s[sc->i] == '-')
		adv(sc);
	if (sc->i >= sc->len)
		return fail(sc, "bad number");
	if (sc->s[sc->i] == '0') {
		adv(sc);
		if (sc->i < sc->len && sc->s[sc->i] >= '0' && sc->s[sc->i] <= '9')
			return fail(sc, "leading zero in a number");
	} else if (sc->s[sc->i] >= '1' && sc->s[sc->i] <= '9') {
		while (sc->i < sc->len && sc->s[sc->i] >= '0' && sc->s[sc->i] <= '9')
			adv(sc);
	} else {
		return fail(sc, "bad number at %s", describe(sc, b));
	}
	if (sc->i < sc->len && sc->s[sc->i] == '.') {
		adv(sc);
		if (sc->i >= sc->len || sc->s[sc->i] < '0' || sc->s[sc->i] > '9')
			return fail(sc, "digit expected after '.'");
		while (sc->i < sc->len && sc->s[sc->i] >= '0' && sc->s[sc->i] <= '9')
			adv(sc);
	}
	if (sc->i < sc->len && (sc->s[sc->i] == 'e' || sc->s[sc->i] == 'E')) {
		adv(sc);
		if (sc->i < sc->len && (sc->s[sc->i] == '+' || sc->s[sc->i] == '-'))
			adv(sc);
		if (sc->i >= sc->len || sc->s[sc->i] < '0' || sc->s[sc->i] > '9')
			return fail(sc, "digit expected in exponent");
		while (sc->i < sc->len && sc->s[sc->i] >= '0' && sc->s[sc->i] <= '9')
			adv(sc);
	}
	return 0;
}

struct seen_key {
	char *k;
	size_t n;
};

static int scan_value(struct scan *sc, unsigned int depth, unsigned int kline, unsigned int kcol);

static int scan_object(struct scan *sc, unsigned int depth)
{
	struct seen_key *seen = NULL;
	size_t n_seen = 0, cap = 0, k;
	char key[JUDGE_KEY_MAX + 1], b[16];
	int r = 0;

	adv(sc); /* { */
	skip_ws(sc);
	if (sc->i < sc->len && sc->s[sc->i] == '}') {
		adv(sc);
		return 0;
	}
	for (;;) {
		unsigned int kl_line, kl_col;
		size_t klen = 0, old;

		skip_ws(sc);
		if (sc->i >= sc->len || sc->s[sc->i] != '"') {
			r = fail(sc, "object key (a string) expected, found %s", describe(sc, b));
			goto out;
		}
		kl_line = sc->line;
		kl_col = sc->col;
		r = scan_string(sc, key, &klen);
		if (r < 0)
			goto out;
		for (k = 0; k < n_seen; k++)
			if (seen[k].n == klen && memcmp(seen[k].k, key, klen) == 0) {
				sc->line = kl_line;
				sc->col = kl_col;
				r = fail(sc, "duplicate key \"%.*s\"", (int)klen, key);
				goto out;
			}
		if (n_seen >= JUDGE_JSON_MEMBERS_MAX) {
			sc->line = kl_line;
			sc->col = kl_col;
			r = fail(sc, "more than %d members in one object", JUDGE_JSON_MEMBERS_MAX);
			goto out;
		}
		r = array_grow((void **)&seen, &cap, n_seen + 1, sizeof(*seen));
		if (r < 0)
			goto out;
		seen[n_seen].k = malloc(klen ? klen : 1);
		if (!seen[n_seen].k) {
			r = -ENOMEM;
			goto out;
		}
		memcpy(seen[n_seen].k, key, klen);
		seen[n_seen++].n = klen;
		skip_ws(sc);
		if (sc->i >= sc->len || sc->s[sc->i] != ':') {
			r = fail(sc, "':' expected after an object key, found %s", describe(sc, b));
			goto out;
		}
		adv(sc);
		r = path_push(sc, key, klen, &old);
		if (r < 0)
			goto out;
		r = scan_value(sc, depth + 1, kl_line, kl_col);
		path_pop(sc, old);
		if (r < 0)
			goto out;
		skip_ws(sc);
		if (sc->i < sc->len && sc->s[sc->i] == ',') {
			adv(sc);
			continue;
		}
		if (sc->i < sc->len && sc->s[sc->i] == '}') {
			adv(sc);
			break;
		}
		r = fail(sc, "',' or '}' expected in an object, found %s", describe(sc, b));
		goto out;
	}
out:
	for (k = 0; k < n_seen; k++)
		free(seen[k].k);
	free(seen);
	return r;
}

static int scan_array(struct scan *sc, unsigned int depth)
{
	size_t idx = 0;
	char b[16];
	int r;

	adv(sc); /* [ */
	skip_ws(sc);
	if (sc->i < sc->len && sc->s[sc->i] == ']') {
		adv(sc);
		return 0;
	}
	for (;;) {
		char seg[24];
		size_t old;

		skip_ws(sc);
		snprintf(seg, sizeof(seg), "%zu", idx++);
		r = path_push(sc, seg, strlen(seg), &old);
		if (r < 0)
			return r;
		r = scan_value(sc, depth + 1, 0, 0);
		path_pop(sc, old);
		if (r < 0)
			return r;
		skip_ws(sc);
		if (sc->i < sc->len && sc->s[sc->i] == ',') {
			adv(sc);
			continue;
		}
		if (sc->i < sc->len && sc->s[sc->i] == ']') {
			adv(sc);
			return 0;
		}
		return fail(sc, "',' or ']' expected in an array, found %s", describe(sc, b));
	}
}

static int scan_value(struct scan *sc, unsigned int depth, unsigned int kline, unsigned int kcol)
{
	unsigned int line, col;
	char b[16];
	int r;

	skip_ws(sc);
	if (sc->i >= sc->len)
		return fail(sc, "value expected, found end of input");
	line = sc->line;
	col = sc->col;
	r = record(sc, line, col, kline ? kline : line, kline ? kcol : col);
	if (r < 0)
		return r;
	switch (sc->s[sc->i]) {
	case '{':
	case '[':
		if (depth >= sc->max_depth)
			return fail(sc, "nesting deeper than %u levels", sc->max_depth);
		return sc->s[sc->i] == '{' ? scan_object(sc, depth) : scan_array(sc, depth);
	case '"':
		return scan_string(sc, NULL, NULL);
	case 't':
		if (sc->len - sc->i >= 4 && memcmp(sc->s + sc->i, "true", 4) == 0)
			goto lit4;
		break;
	case 'n':
		if (sc->len - sc->i >= 4 && memcmp(sc->s + sc->i, "null", 4) == 0)
			goto lit4;
		break;
	case 'f':
		if (sc->len - sc->i >= 5 && memcmp(sc->s + sc->i, "false", 5) == 0) {
			adv(sc);
			goto lit4;
		}
		break;
	default:
		if (sc->s[sc->i] == '-' || (sc->s[sc->i] >= '0' && sc->s[sc->i] <= '9'))
			return scan_number(sc);
		break;
	}
	return fail(sc, "unexpected %s", describe(sc, b));
lit4:
	adv(sc);
	adv(sc);
	adv(sc);
	adv(sc);
	if (sc->i < sc->len && ((sc->s[sc->i] >= 'a' && sc->s[sc->i] <= 'z') ||
				(sc->s[sc->i] >= '0' && sc->s[sc->i] <= '9')))
		return fail(sc, "unexpected %s", describe(sc, b));
	return 0;
}

int jpos_scan(const char *text, size_t len, unsigned int max_depth, struct jpos *pos,
	      struct error *err)
{
	struct scan sc = {
		.s = (const unsigned char *)text,
		.len = len,
		.line = 1,
		.col = 1,
		.max_depth = max_depth,
		.pos = pos,
		.err = err,
	};
	char b[16];
	int r;

	/* A UTF-8 byte order mark is not JSON (RFC 8259 §8.1 lets parsers reject it). */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		return fail(&sc,
			    "byte order mark at the start (save the file as UTF-8 without BOM)");
	r = scan_value(&sc, 0, 0, 0);
	if (r == 0) {
		skip_ws(&sc);
		if (sc.i < sc.len)
			r = fail(&sc, "unexpected %s after the JSON value", describe(&sc, b));
	}
	free(sc.path);
	return r;
}

void jpos_fini(struct jpos *pos)
{
	size_t k;

	if (!pos)
		return;
	for (k = 0; k < pos->n; k++)
		free(pos->ents[k].path);
	free(pos->ents);
	pos->ents = NULL;
	pos->n = pos->cap = 0;
}

bool jpos_find(const struct jpos *pos, const char *path, bool key, unsigned int *ret_line,
	       unsigned int *ret_col)
{
	size_t k;

	if (!pos)
		return false;
	for (k = 0; k < pos->n; k++)
		if (strcmp(pos->ents[k].path, path) == 0) {
			*ret_line = key ? pos->ents[k].key_line : pos->ents[k].line;
			*ret_col = key ? pos->ents[k].key_col : pos->ents[k].col;
			return true;
		}
	return false;
}

int jpos_load_file(const char *path, size_t max, json_t **ret, struct jpos *pos, char **ret_text,
		   size_t *ret_len, struct error *err)
{
	_cleanup_free_ char *text = NULL;
	json_error_t je;
	json_t *j;
	size_t len = 0;
	int r;

	r = read_file_bounded(path, max, &text, &len);
	if (r == -EFBIG)
		return error_set(err, EINVAL, 0, 0, "larger than %zu bytes", max);
	if (r < 0)
		return error_set(err, -r, 0, 0, "cannot read: %s", strerror(-r));
	r = jpos_scan(text, len, JUDGE_JSON_DEPTH_MAX, pos, err);
	if (r < 0)
		return r;
	j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!j)
		return error_set(err, EINVAL, je.line > 0 ? (unsigned int)je.line : 0,
				 je.column > 0 ? (unsigned int)je.column : 0, "%s", je.text);
	*ret = j;
	if (ret_text)
		*ret_text = steal_ptr(&text);
	if (ret_len)
		*ret_len = len;
	return 0;
}

int jerr_at(struct error *err, const struct jpos *pos, const char *path, bool key, const char *fmt,
	    ...)
{
	unsigned int line = 0, col = 0;
	va_list ap;

	if (!jpos_find(pos, path, key, &line, &col)) {
		/* a missing member: point at its object */
		char tmp[1024];
		char *slash;

		snprintf(tmp, sizeof(tmp), "%s", path);
		while (!jpos_find(pos, tmp, false, &line, &col)) {
			slash = strrchr(tmp, '/');
			if (!slash)
				break;
			*slash = '\0';
		}
	}
	if (err) {
		err->line = line;
		err->column = col;
		va_start(ap, fmt);
		vsnprintf(err->text, sizeof(err->text), fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

int jcheck_keys(const json_t *obj, const char *const *allowed, const struct jpos *pos,
		const char *path, struct error *err)
{
	const char *k;
	json_t *v;

	json_object_foreach ((json_t *)obj, k, v) {
		size_t a;
		bool ok = false;

		for (a = 0; allowed[a]; a++)
			if (strcmp(k, allowed[a]) == 0)
				ok = true;
		if (!ok) {
			char p[1024], list[512] = "";
			size_t off = 0;

			for (a = 0; allowed[a] && off < sizeof(list); a++)
				off += (size_t)snprintf(list + off, sizeof(list) - off, "%s\"%s\"",
							a ? ", " : "", allowed[a]);
			snprintf(p, sizeof(p), "%s/%s", path, k);
			return jerr_at(err, pos, p, true, "unknown field \"%s\" (allowed: %s)", k,
				       list);
		}
	}
	return 0;
}
