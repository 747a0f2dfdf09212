/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `conduct diff`: behavioral drift between two reports. Pure: both reports in, one changes
 * object out. Nothing is keyed on trace line numbers or times, which differ between any two
 * runs; the keys are (see report.md for the user-facing contract):
 *
 *   finding   rule + ": " + summary          (DP-3.external-storage findings are "storage")
 *   host      the host name the run saw, else "ADDR:PORT" ("[v6]:PORT") for an unnamed peer
 *   tls       the host key; changed when the weakest TLS on that host's data flows changed
 *   storage   a path from files_written
 *   dns       a name asked (lowercase, no trailing dot)
 *   program   a path executed
 *
 * Every entry carries a "severity" so that `--fail-on` can judge it; "changed" entries also
 * carry "was". A finding has its own severity. Anything else takes the highest severity of
 * the findings of its own report whose summary names it (a raw peer by its address, a path
 * exactly, names ignoring case). Failing that, an undeclared host takes the severity of the
 * policy's CC-5.undeclared-egress rule, and a TLS regression that of DP-2.tls-version (below
 * 1.2) or DP-2.plaintext (TLS lost on a flow to a host neither "cluster" nor "local"), as
 * either report's findings carry them, else "high"; everything else is "low" (drift that
 * breaks no rule). TLS 1.3 -> 1.2 is a "low" change from "none".
 */
#include "report/report.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

#include "report/internal.h"
#include "util/jsonx.h"
#include "util/util.h"

enum what { W_FINDING, W_STORAGE_FINDING, W_HOST, W_TLS, W_STORAGE, W_DNS, W_PROGRAM, W_N };

static const char *const what_names[W_N] = {
	[W_FINDING] = "finding", [W_STORAGE_FINDING] = "storage", [W_HOST] = "host",
	[W_TLS] = "tls",	 [W_STORAGE] = "storage",	  [W_DNS] = "dns",
	[W_PROGRAM] = "program",
};

/* Declarations by increasing exposure; a host's connections merge to the most exposed. */
enum { DECL_UNKNOWN = -1, DECL_LOCAL, DECL_CLUSTER, DECL_EGRESS, DECL_NO };
static const char *const decl_names[] = { "local", "cluster", "egress", "no" };

/* TLS state of a host: TLS_NONE unknown, 0 plaintext data, else report_tls_rank(). */
#define TLS_UNKNOWN (-1)
#define TLS_PLAIN 0
#define TLS_GOOD 4 /* 1.2 */

struct fact {
	char *key;
	char *name; /* what findings call it, when not the key (a raw peer's address) */
	int what;
	int sev;
	const char *rule;
	const char *summary; /* findings: as this report words it */
	int declared;
	int tls;
	json_t *ports;
};

struct facts {
	struct fact *v;
	size_t n, cap;
};

static void facts_fini(struct facts *fs)
{
	size_t i;

	for (i = 0; i < fs->n; i++) {
		free(fs->v[i].key);
		free(fs->v[i].name);
		json_decref(fs->v[i].ports);
	}
	free(fs->v);
	*fs = (struct facts){ 0 };
}

/* Appends a fact; takes ownership of key. */
static struct fact *facts_add(struct facts *fs, char *key, int what)
{
	struct fact *f;

	if (!key)
		return NULL;
	if (array_grow((void **)&fs->v, &fs->cap, fs->n + 1, sizeof(*fs->v)) < 0) {
		free(key);
		return NULL;
	}
	f = &fs->v[fs->n++];
	*f = (struct fact){ .key = key,
			    .what = what,
			    .sev = REPORT_SEV_LOW,
			    .declared = DECL_UNKNOWN,
			    .tls = TLS_UNKNOWN };
	return f;
}

static int fact_cmp(const void *a, const void *b)
{
	const struct fact *x = a, *y = b;

	if (x->what != y->what)
		return x->what < y->what ? -1 : 1;
	return strcmp(x->key, y->key);
}

/* A host's ports listed in an entry: the lowest PORTS_MAX (a scan touches thousands). */
#define PORTS_MAX 32

/* Adds port to a sorted, duplicate-free array of at most PORTS_MAX. */
static void ports_add(json_t **ports, json_int_t port)
{
	size_t i, n;

	if (!*ports)
		*ports = json_array();
	if (!*ports)
		return;
	n = json_array_size(*ports);
	for (i = 0; i < n && json_integer_value(json_array_get(*ports, i)) < port; i++)
		;
	if (i < n && json_integer_value(json_array_get(*ports, i)) == port)
		return;
	if (i == PORTS_MAX)
		return;
	json_array_insert_new(*ports, i, json_integer(port));
	if (json_array_size(*ports) > PORTS_MAX)
		json_array_remove(*ports, PORTS_MAX);
}

/* Merges b into a (same what and key). */
static void fact_merge(struct fact *a, struct fact *b)
{
	json_t *e;
	size_t i;

	a->sev = MAX(a->sev, b->sev);
	a->declared = MAX(a->declared, b->declared);
	if (b->tls != TLS_UNKNOWN && (a->tls == TLS_UNKNOWN || b->tls < a->tls))
		a->tls = b->tls;
	json_array_foreach (b->ports, i, e)
		ports_add(&a->ports, json_integer_value(e));
	if (!a->rule)
		a->rule = b->rule;
	if (!a->summary)
		a->summary = b->summary;
}

/* Sorts and folds facts with the same (what, key) into one. */
static void facts_settle(struct facts *fs)
{
	size_t i, o = 0;

	if (!fs->n)
		return;
	qsort(fs->v, fs->n, sizeof(*fs->v), fact_cmp);
	for (i = 1; i < fs->n; i++) {
		if (!fact_cmp(&fs->v[o], &fs->v[i])) {
			fact_merge(&fs->v[o], &fs->v[i]);
			free(fs->v[i].key);
			free(fs->v[i].name);
			json_decref(fs->v[i].ports);
		} else {
			fs->v[++o] = fs->v[i];
		}
	}
	fs->n = o + 1;
}

/*
 * A finding's identity: rule + ": " + its summary without what varies between two runs of
 * the same behavior: parenthesised asides (the address a name resolved to this time, an
 * encoding, an example) are dropped, and for MON-1 (the monitor's own losses) every number
 * becomes "N". A judge that gives a finding an explicit "key" is taken at its word.
 */
static char *key_of_finding(const json_t *f)
{
	const char *rule = report_str(f, "rule"), *summary = report_str(f, "key");
	bool numbers = rule && !strncmp(rule, "MON-", 4);
	char *k = NULL, *o, *start;
	const char *last;
	int depth = 0;

	if (!rule)
		return NULL;
	if (!summary) {
		summary = report_str(f, "summary");
	} else {
		numbers = false;
	}
	if (!summary || !*summary)
		return strdup(rule);
	if (asprintf(&k, "%s: %s", rule, summary) < 0)
		return NULL;
	if (report_str(f, "key"))
		return k;
	o = start = k + strlen(rule) + 2;
	last = strrchr(start, ')'); /* an unclosed '(' is kept as it is */
	for (const char *p = start; *p; p++) {
		if (*p == '(' && last && p < last) {
			if (!depth++ && o > start && o[-1] == ' ')
				o--;
			continue;
		}
		if (depth) {
			depth -= *p == ')';
			continue;
		}
		if (numbers && *p >= '0' && *p <= '9') {
			while (p[1] >= '0' && p[1] <= '9')
				p++;
			*o++ = 'N';
			continue;
		}
		*o++ = *p;
	}
	*o = '\0';
	return k;
}

static char *key_of_host(const json_t *c)
{
	const char *host = report_str(c, "host"), *addr = report_str(c, "addr");
	long long port = 0;
	char *k = NULL;

	if (host && *host)
		return strdup(host);
	if (!addr || !*addr)
		return NULL;
	if (!report_int(c, "port", &port))
		return strdup(addr);
	if (asprintf(&k, strchr(addr, ':') ? "[%s]:%lld" : "%s:%lld", addr, port) < 0)
		return NULL;
	return k;
}

static char *key_of_name(const char *name)
{
	char *k;
	size_t n;

	if (!name || !*name)
		return NULL;
	k = strdup(name);
	if (!k)
		return NULL;
	for (n = 0; k[n]; n++)
		if (k[n] >= 'A' && k[n] <= 'Z')
			k[n] = (char)(k[n] - 'A' + 'a');
	if (n > 1 && k[n - 1] == '.')
		k[n - 1] = '\0';
	return k;
}

static int declared_of(const char *s)
{
	size_t i;

	for (i = 0; s && i < ARRAY_SIZE(decl_names); i++)
		if (!strcmp(s, decl_names[i]))
			return (int)i;
	return DECL_UNKNOWN;
}

/* The TLS state one connection contributes: its version, plaintext for a TCP flow that
 * carried data without TLS, unknown otherwise (no data, UDP, an unparsed version). */
static int tls_of(const json_t *c)
{
	const char *tls = report_str(c, "tls"), *proto = report_str(c, "proto");
	long long out = 1;

	if (tls)
		return report_tls_rank(tls) > 0 ? report_tls_rank(tls) : TLS_UNKNOWN;
	if (proto && strcmp(proto, "tcp"))
		return TLS_UNKNOWN;
	if (report_int(c, "bytes_out", &out) && out == 0)
		return TLS_UNKNOWN;
	return TLS_PLAIN;
}

static const char *tls_name(int t)
{
	static const char *const names[] = { "none", "SSL3", "1.0", "1.1", "1.2", "1.3" };

	return t >= 0 && t < (int)ARRAY_SIZE(names) ? names[t] : "unknown";
}

/*
 * The names findings mention, for "the highest severity of the findings that name it": each
 * summary is cut into tokens (runs of [A-Za-z0-9-_./:[]%@], trailing ".:,;" dropped), plus
 * HOST for "HOST:PORT" and ADDR for "[ADDR]" or "[ADDR]:PORT". A sorted index makes the
 * lookups O(log n), so a hostile report with many findings and hosts stays fast.
 */
struct token {
	char *text;
	int sev;
};

struct tokens {
	struct token *v;
	size_t n, cap;
};

static void tokens_fini(struct tokens *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->v[i].text);
	free(t->v);
	*t = (struct tokens){ 0 };
}

static int tokens_add(struct tokens *t, const char *s, size_t n, int sev)
{
	char *text;

	if (!n)
		return 0;
	if (array_grow((void **)&t->v, &t->cap, t->n + 1, sizeof(*t->v)) < 0)
		return -ENOMEM;
	text = strndup(s, n);
	if (!text)
		return -ENOMEM;
	t->v[t->n++] = (struct token){ .text = text, .sev = sev };
	return 0;
}

static bool tok_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("-_./:[]%@", c));
}

static bool all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return n > 0;
}

static int tokens_of(struct tokens *t, const char *text, int sev)
{
	const char *p = text;

	while (p && *p) {
		const char *s, *colon, *close;
		size_t n;
		int r;

		while (*p && !tok_char(*p))
			p++;
		s = p;
		while (tok_char(*p))
			p++;
		n = (size_t)(p - s);
		while (n && strchr(".:,;", s[n - 1]))
			n--;
		if (!n)
			continue;
		r = tokens_add(t, s, n, sev);
		if (r < 0)
			return r;
		close = memchr(s, ']', n);
		colon = memrchr(s, ':', n);
		if (s[0] == '[' && close)
			r = tokens_add(t, s + 1, (size_t)(close - s - 1), sev);
		else if (colon && !memchr(s, ':', (size_t)(colon - s)) &&
			 all_digits(colon + 1, n - (size_t)(colon - s) - 1))
			r = tokens_add(t, s, (size_t)(colon - s), sev);
		if (r < 0)
			return r;
	}
	return 0;
}

static int token_cmp(const void *a, const void *b)
{
	return strcasecmp(((const struct token *)a)->text, ((const struct token *)b)->text);
}

static int index_findings(const json_t *report, struct tokens *t)
{
	json_t *f;
	size_t i;
	int r;

	json_array_foreach (report_arr(report, "findings"), i, f) {
		int sev = report_sev_rank(report_str(f, "severity"));

		if (sev < 0)
			continue;
		r = tokens_of(t, report_str(f, "summary"), sev);
		if (r < 0)
			return r;
	}
	if (t->n)
		qsort(t->v, t->n, sizeof(*t->v), token_cmp);
	return 0;
}

/* Highest severity among the findings that name key (icase: hostnames); -1 when none. */
static int named_sev(const struct tokens *t, const char *key, bool icase)
{
	size_t lo = 0, hi = t->n;
	int best = -1;

	if (!key || !*key)
		return -1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcasecmp(t->v[mid].text, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < t->n && !strcasecmp(t->v[lo].text, key); lo++)
		if (icase || !strcmp(t->v[lo].text, key))
			best = MAX(best, t->v[lo].sev);
	return best;
}

/* The severity of rule as either report's findings carry it, else def. */
static int rule_sev(const json_t *a, const json_t *b, const char *rule, int def)
{
	const json_t *reports[] = { a, b };
	size_t k, i;
	json_t *f;

	for (k = 0; k < ARRAY_SIZE(reports); k++)
		json_array_foreach (report_arr(reports[k], "findings"), i, f) {
			const char *r = report_str(f, "rule");
			int s = report_sev_rank(report_str(f, "severity"));

			if (r && !strcmp(r, rule) && s >= 0)
				return s;
		}
	return def;
}

struct side {
	const json_t *report, *other;
	struct facts fs;
	struct tokens names;
	int sev_egress, sev_tls, sev_plain; /* the policy's, as the findings carry them */
};

static int collect(struct side *sd)
{
	const json_t *observed = report_obj(sd->report, "observed");
	struct fact *f;
	json_t *e;
	size_t i;

	json_array_foreach (report_arr(sd->report, "findings"), i, e) {
		const char *rule = report_str(e, "rule");
		int sev = report_sev_rank(report_str(e, "severity"));

		if (!rule || sev < 0)
			continue;
		f = facts_add(&sd->fs, key_of_finding(e),
			      !strcmp(rule, "DP-3.external-storage") ? W_STORAGE_FINDING
								     : W_FINDING);
		if (!f)
			return -ENOMEM;
		f->sev = sev;
		f->rule = rule;
		f->summary = report_str(e, "summary");
	}
	json_array_foreach (report_arr(observed, "connections"), i, e) {
		char *key = key_of_host(e);
		long long port;

		if (!key)
			continue;
		f = facts_add(&sd->fs, key, W_HOST);
		if (!f)
			return -ENOMEM;
		if (!report_str(e, "host") || !*report_str(e, "host"))
			f->name = strdup(report_str(e, "addr"));
		f->declared = declared_of(report_str(e, "declared"));
		f->tls = tls_of(e);
		if (report_int(e, "port", &port))
			ports_add(&f->ports, port);
	}
	json_array_foreach (report_arr(observed, "dns"), i, e) {
		char *key = key_of_name(report_str(e, "name"));

		if (key && !facts_add(&sd->fs, key, W_DNS))
			return -ENOMEM;
	}
	json_array_foreach (report_arr(observed, "files_written"), i, e) {
		const char *p = report_str(e, "path");

		if (p && *p && !facts_add(&sd->fs, strdup(p), W_STORAGE))
			return -ENOMEM;
	}
	json_array_foreach (report_arr(observed, "programs"), i, e) {
		const char *p = report_str(e, "path");

		if (p && *p && !facts_add(&sd->fs, strdup(p), W_PROGRAM))
			return -ENOMEM;
	}
	facts_settle(&sd->fs);
	if (index_findings(sd->report, &sd->names) < 0)
		return -ENOMEM;
	sd->sev_egress = rule_sev(sd->report, sd->other, "CC-5.undeclared-egress", REPORT_SEV_HIGH);
	sd->sev_tls = rule_sev(sd->report, sd->other, "DP-2.tls-version", REPORT_SEV_HIGH);
	sd->sev_plain = rule_sev(sd->report, sd->other, "DP-2.plaintext", REPORT_SEV_HIGH);

	/* Severities of what is not itself a finding. */
	for (i = 0; i < sd->fs.n; i++) {
		struct fact *x = &sd->fs.v[i];
		int named;

		if (x->what == W_FINDING || x->what == W_STORAGE_FINDING)
			continue;
		named = named_sev(&sd->names, x->name ? x->name : x->key,
				  x->what == W_HOST || x->what == W_DNS);
		if (named >= 0)
			x->sev = named;
		else if (x->what == W_HOST && x->declared == DECL_NO)
			x->sev = sd->sev_egress;
		else
			x->sev = REPORT_SEV_LOW;
	}
	return 0;
}

/* Severity of a host's TLS state. */
static int tls_sev(const struct side *sd, const struct fact *h, int tls)
{
	if (tls == TLS_UNKNOWN || tls >= TLS_GOOD)
		return REPORT_SEV_NONE;
	if (tls == TLS_PLAIN)
		return h->declared == DECL_CLUSTER || h->declared == DECL_LOCAL ? REPORT_SEV_NONE
										: sd->sev_plain;
	return sd->sev_tls;
}

static int set_str(json_t *obj, const char *key, const char *value)
{
	return jsonx_set(obj, key, json_string(value));
}

static json_t *entry_new(int what, const char *key, int sev)
{
	json_t *e = json_object();

	if (!e)
		return NULL;
	if (set_str(e, "what", what_names[what]) < 0 || set_str(e, "key", key) < 0 ||
	    set_str(e, "severity", report_sev_name(sev)) < 0) {
		json_decref(e);
		return NULL;
	}
	return e;
}

/* The entry for one fact appearing or disappearing. */
static json_t *entry_of(const struct fact *f)
{
	json_t *e = entry_new(f->what, f->key, f->sev);

	if (!e)
		return NULL;
	if (f->rule && set_str(e, "rule", f->rule) < 0)
		goto fail;
	if (f->summary && set_str(e, "summary", f->summary) < 0)
		goto fail;
	if (f->what == W_HOST) {
		if (set_str(e, "declared",
			    f->declared == DECL_UNKNOWN ? "unknown" : decl_names[f->declared]) < 0)
			goto fail;
		if (f->tls != TLS_UNKNOWN && set_str(e, "tls", tls_name(f->tls)) < 0)
			goto fail;
		if (f->ports && json_object_set(e, "ports", f->ports) < 0)
			goto fail;
	}
	return e;
fail:
	json_decref(e);
	return NULL;
}

static json_t *changed_of(int what, const char *key, int sev, int was)
{
	json_t *e = entry_new(what, key, sev);

	if (e && set_str(e, "was", report_sev_name(was)) < 0) {
		json_decref(e);
		return NULL;
	}
	return e;
}

static int append(json_t *arr, json_t *e)
{
	return e && json_array_append_new(arr, e) == 0 ? 0 : -ENOMEM;
}

/* Entries for a fact present in both reports: severity, declaration and TLS changes. */
static int compare(const struct side *o, const struct fact *a, const struct side *n,
		   const struct fact *b, json_t *changed)
{
	json_t *e;

	if (a->what == W_FINDING || a->what == W_STORAGE_FINDING) {
		if (a->sev == b->sev)
			return 0;
		e = changed_of(a->what, a->key, b->sev, a->sev);
		if (e && (set_str(e, "rule", b->rule) < 0 ||
			  (b->summary && set_str(e, "summary", b->summary) < 0)))
			json_decref(steal_ptr(&e));
		return append(changed, e);
	}
	if (a->what != W_HOST)
		return 0;
	if (a->declared != b->declared) {
		e = changed_of(W_HOST, a->key, b->sev, a->sev);
		if (e && (set_str(e, "declared",
				  b->declared == DECL_UNKNOWN ? "unknown"
							      : decl_names[b->declared]) < 0 ||
			  set_str(e, "was_declared",
				  a->declared == DECL_UNKNOWN ? "unknown"
							      : decl_names[a->declared]) < 0))
			json_decref(steal_ptr(&e));
		if (append(changed, e) < 0)
			return -ENOMEM;
	}
	if (a->tls != TLS_UNKNOWN && b->tls != TLS_UNKNOWN && a->tls != b->tls) {
		int sev = tls_sev(n, b, b->tls), was = tls_sev(o, a, a->tls);

		if (b->tls < a->tls && sev == REPORT_SEV_NONE && was == REPORT_SEV_NONE)
			sev = REPORT_SEV_LOW; /* 1.3 -> 1.2: weaker, still compliant */
		e = changed_of(W_TLS, a->key, sev, was);
		if (e && (set_str(e, "tls", tls_name(b->tls)) < 0 ||
			  set_str(e, "was_tls", tls_name(a->tls)) < 0))
			json_decref(steal_ptr(&e));
		if (append(changed, e) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* An entry with its sort keys looked up once. */
struct sortable {
	json_t *e;
	int what, sev;
	const char *key;
};

static int entry_order(const void *a, const void *b)
{
	const struct sortable *x = a, *y = b;

	if (x->what != y->what)
		return x->what < y->what ? -1 : 1;
	if (x->sev != y->sev)
		return x->sev > y->sev ? -1 : 1;
	return strcmp(x->key, y->key);
}

/* Orders an array of entries: by kind, most severe first, then key. */
static int sort_entries(json_t *arr)
{
	size_t n = json_array_size(arr), i, k;
	_cleanup_free_ struct sortable *v = NULL;

	if (n < 2)
		return 0;
	v = calloc(n, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		json_t *e = json_array_get(arr, i);
		const char *what = report_str(e, "what");

		v[i] = (struct sortable){ .e = json_incref(e),
					  .sev = report_sev_rank(report_str(e, "severity")),
					  .key = report_str(e, "key") };
		for (k = 0; k < W_N; k++)
			if (!strcmp(what, what_names[k]))
				break;
		v[i].what = (int)k;
	}
	qsort(v, n, sizeof(*v), entry_order);
	json_array_clear(arr);
	for (i = 0; i < n; i++)
		if (json_array_append_new(arr, v[i].e) < 0) {
			for (i++; i < n; i++)
				json_decref(v[i].e);
			return -ENOMEM;
		}
	return 0;
}

int report_diff(const json_t *old_report, const json_t *new_report, json_t **ret_changes)
{
	struct side o = { .report = old_report, .other = new_report };
	struct side n = { .report = new_report, .other = old_report };
	json_auto_t *out = NULL;
	json_t *appeared, *disappeared, *changed;
	size_t i = 0, j = 0;
	int r;

	if (!json_is_object(old_report) || !json_is_object(new_report) || !ret_changes)
		return -EINVAL;
	out = json_pack("{s:[],s:[],s:[]}", "appeared", "disappeared", "changed");
	if (!out)
		return -ENOMEM;
	appeared = json_object_get(out, "appeared");
	disappeared = json_object_get(out, "disappeared");
	changed = json_object_get(out, "changed");

	r = collect(&o);
	if (r == 0)
		r = collect(&n);
	while (r == 0 && (i < o.fs.n || j < n.fs.n)) {
		int c = i == o.fs.n ? 1 : j == n.fs.n ? -1 : fact_cmp(&o.fs.v[i], &n.fs.v[j]);

		if (c < 0)
			r = append(disappeared, entry_of(&o.fs.v[i++]));
		else if (c > 0)
			r = append(appeared, entry_of(&n.fs.v[j++]));
		else
			r = compare(&o, &o.fs.v[i++], &n, &n.fs.v[j++], changed);
	}
	if (r == 0)
		r = sort_entries(appeared);
	if (r == 0)
		r = sort_entries(disappeared);
	if (r == 0)
		r = sort_entries(changed);
	facts_fini(&o.fs);
	facts_fini(&n.fs);
	tokens_fini(&o.names);
	tokens_fini(&n.names);
	if (r < 0)
		return r;
	*ret_changes = steal_ptr(&out);
	return 0;
}

/* --- the terminal rendering ------------------------------------------------------------- */

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"

static void put_entry(FILE *f, const json_t *e, bool color, bool is_changed)
{
	const char *what = report_str(e, "what");
	const char *declared = report_str(e, "declared");
	json_t *ports = report_arr(e, "ports"), *p;
	size_t i;

	fputs("  ", f);
	report_term_sev(f, report_sev_rank(report_str(e, "severity")), color, 9);
	report_term_json_pad(f, json_object_get(e, "what"), "?", 9);
	if (report_str(e, "rule") && report_str(e, "summary")) {
		report_term_json(f, json_object_get(e, "rule"), "?");
		fputs(": ", f);
		report_term_json(f, json_object_get(e, "summary"), "?");
	} else {
		report_term_json(f, json_object_get(e, "key"), "?");
	}
	if (what && !strcmp(what, "tls")) {
		fputs("  TLS ", f);
		report_term_json(f, json_object_get(e, "was_tls"), "?");
		fputs(" -> ", f);
		report_term_json(f, json_object_get(e, "tls"), "?");
	} else if (what && !strcmp(what, "host")) {
		const char *was = report_str(e, "was_declared");

		fputs("  (", f);
		if (was) {
			fputs("declared: ", f);
			report_term_json(f, json_object_get(e, "was_declared"), "?");
			fputs(" -> ", f);
			report_term_json(f, json_object_get(e, "declared"), "?");
		} else if (declared && !strcmp(declared, "no")) {
			fputs("undeclared", f);
		} else {
			fputs("declared: ", f);
			report_term_json(f, json_object_get(e, "declared"), "?");
		}
		if (json_array_size(ports)) {
			fputs(json_array_size(ports) > 1 ? ", ports " : ", port ", f);
			json_array_foreach (ports, i, p) {
				if (i == 8) {
					fprintf(f, ", ...");
					break;
				}
				fprintf(f, "%s%lld", i ? "," : "",
					(long long)json_integer_value(p));
			}
		}
		if (report_str(e, "tls") && !was) {
			fputs(", TLS ", f);
			report_term_json(f, json_object_get(e, "tls"), "?");
		}
		fputc(')', f);
	}
	if (is_changed) {
		fputs("  (was ", f);
		report_term_json(f, json_object_get(e, "was"), "?");
		fputc(')', f);
	}
	fputc('\n', f);
}

int report_write_diff_text(FILE *f, const json_t *changes, bool color)
{
	static const char *const parts[] = { "appeared", "disappeared", "changed" };
	size_t k, i, n[3], total = 0;
	json_t *e;

	if (!f || !json_is_object(changes))
		return -EINVAL;
	for (k = 0; k < 3; k++) {
		n[k] = report_arr_len(changes, parts[k]);
		total += n[k];
	}
	if (!total) {
		fputs("conduct diff: no behavioral drift: the same findings, hosts, TLS, storage, "
		      "DNS names and programs\n",
		      f);
		return report_finish(f);
	}
	fprintf(f, "conduct diff: %zu appeared, %zu disappeared, %zu changed\n", n[0], n[1], n[2]);
	for (k = 0; k < 3; k++) {
		if (!n[k])
			continue;
		fprintf(f, "\n%s%s%s\n", color ? C_BOLD : "", parts[k], color ? C_RESET : "");
		json_array_foreach (report_arr(changes, parts[k]), i, e)
			put_entry(f, e, color, k == 2);
	}
	return report_finish(f);
}
