/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * judge: the rules of the catalog (DESIGN.md §5) as pure functions of the model of a trace,
 * the manifest and the policy, and the report object (DESIGN.md §6) they make. One finding
 * per distinct fact (a dedup key per rule), evidence as trace line numbers, one-sentence
 * summaries. Deterministic: the order of everything follows the trace or a stable sort, and
 * nothing depends on the time of judging.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "judge/model.h"
#include "wire/wire.h"

struct finding {
	int rule;
	char *key;
	char *summary;
	long *ev;
	size_t n_ev, cap_ev;
	long first;
	size_t order;
	size_t next; /* hash chain: index + 1, 0 ends */
	size_t more; /* evidence lines beyond what is kept */
};

struct touched {
	char *name;
	json_t *where; /* array of strings, unique */
};

struct wentry;

struct jctx {
	struct model *m;
	const struct manifest *man;
	const struct policy *p;
	struct finding *f;
	size_t n_f, cap_f;
	struct touched *t;
	size_t n_t, cap_t;
	bool incomplete;
	size_t *fhash; /* FHASH buckets: index + 1 of the first finding, 0: empty */
	struct wentry *w; /* paths written, sorted */
	size_t n_w;
};

#define FHASH 16384
#define EV_KEEP 4096

static size_t fhash_of(int rule, const char *key)
{
	uint64_t h = 1469598103934665603ull ^ (uint64_t)rule;

	for (; *key; key++)
		h = (h ^ (uint8_t)*key) * 1099511628211ull;
	return (size_t)(h % FHASH);
}

static struct finding *finding_get(struct jctx *c, int rule, const char *key)
{
	struct finding *f;
	size_t b = fhash_of(rule, key), k;

	if (!c->fhash) {
		c->fhash = calloc(FHASH, sizeof(*c->fhash));
		if (!c->fhash)
			return NULL;
	}
	for (k = c->fhash[b]; k; k = c->f[k - 1].next)
		if (c->f[k - 1].rule == rule && !strcmp(c->f[k - 1].key, key))
			return &c->f[k - 1];
	if (array_grow((void **)&c->f, &c->cap_f, c->n_f + 1, sizeof(*c->f)) < 0)
		return NULL;
	f = &c->f[c->n_f];
	memset(f, 0, sizeof(*f));
	f->rule = rule;
	f->key = strdup(key);
	f->order = c->n_f;
	if (!f->key)
		return NULL;
	f->next = c->fhash[b];
	c->n_f++;
	c->fhash[b] = c->n_f;
	return f;
}

/* Keeps up to EV_KEEP lines (sorted and made unique when the report is built). */
static void ev_add(struct finding *f, long line)
{
	if (line <= 0)
		return;
	if (f->n_ev && (f->ev[f->n_ev - 1] == line || (f->n_ev > 1 && f->ev[f->n_ev - 2] == line)))
		return;
	if (f->n_ev >= EV_KEEP) {
		f->more++;
		return;
	}
	if (array_grow((void **)&f->ev, &f->cap_ev, f->n_ev + 1, sizeof(*f->ev)) < 0)
		return;
	f->ev[f->n_ev++] = line;
}

/* Raises (or adds evidence to) the finding rule/key; summary is set by the first fact. */
static int raise(struct jctx *c, int rule, const char *key, long l1, long l2, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
static int raise(struct jctx *c, int rule, const char *key, long l1, long l2, const char *fmt, ...)
{
	struct finding *f;
	va_list ap;

	if (rule == R_MON1_INCOMPLETE)
		c->incomplete = true;
	if (!c->p->rules[rule].present)
		return 0;
	f = finding_get(c, rule, key);
	if (!f)
		return -ENOMEM;
	if (!f->summary) {
		va_start(ap, fmt);
		if (vasprintf(&f->summary, fmt, ap) < 0)
			f->summary = NULL;
		va_end(ap);
		if (!f->summary)
			return -ENOMEM;
	}
	ev_add(f, l1);
	ev_add(f, l2);
	return 0;
}

static void touch(struct jctx *c, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void touch(struct jctx *c, const char *name, const char *fmt, ...)
{
	struct touched *t = NULL;
	char buf[600];
	va_list ap;
	size_t k;
	json_t *v;

	for (k = 0; k < c->n_t; k++)
		if (!strcmp(c->t[k].name, name))
			t = &c->t[k];
	if (!t) {
		if (array_grow((void **)&c->t, &c->cap_t, c->n_t + 1, sizeof(*c->t)) < 0)
			return;
		t = &c->t[c->n_t];
		t->name = strdup(name);
		t->where = json_array();
		if (!t->name || !t->where)
			return;
		c->n_t++;
	}
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	json_array_foreach (t->where, k, v)
		if (!strcmp(json_string_value(v), buf))
			return;
	if (json_array_size(t->where) < 64)
		json_array_append_new(t->where, json_string(buf));
}

static const char *peer(const struct flow *f, char *buf, size_t n)
{
	if (f->host[0])
		snprintf(buf, n, "%s (%s)", f->host, f->addr);
	else
		snprintf(buf, n, "%s", f->addr);
	return buf;
}

static const char *tls_name(uint16_t v)
{
	return v ? wire_tls_version_name(v) : "unknown";
}

static bool external(const struct flow *f)
{
	return f->addr[0] && f->declared != D_LOCAL && !f->dns_infra;
}

/* ---- CC-5.undeclared-egress, DP-2.plaintext, DP-2.tls-version ----------------------------- */

static int rule_flows(struct jctx *c)
{
	size_t k;
	int r;

	for (k = 0; k < c->m->n_flows; k++) {
		struct flow *f = c->m->flows[k];
		char who[400], key[600];
		long l = f->has_connect ? f->first_line
					: (f->first_out_line ? f->first_out_line : f->first_line);

		if (!external(f))
			continue;
		if (f->declared == D_NO &&
		    (f->connect_ok || !f->has_connect || c->p->p.egress_count_failed)) {
			snprintf(key, sizeof(key), "%s|%u|%s", f->host[0] ? f->host : f->addr,
				 f->port, f->proto);
			if (f->has_connect && !f->connect_ok)
				r = raise(
					c, R_CC5_EGRESS, key, l, 0,
					"The connector tried to reach %s on %s port %u (%s), which "
					"the manifest declares neither as egress nor as cluster.",
					peer(f, who, sizeof(who)), f->proto, f->port,
					f->denied ? "denied by the monitor" : "the attempt failed");
			else
				r = raise(c, R_CC5_EGRESS, key, l, f->first_out_line,
					  "The connector talked to %s on %s port %u, which the "
					  "manifest declares neither as egress nor as cluster.",
					  peer(f, who, sizeof(who)), f->proto, f->port);
			if (r < 0)
				return r;
		}
		if (f->declared != D_CLUSTER && f->cleartext && !f->tls && !f->quic &&
		    (f->out_len || f->http || (f->udp && f->bytes_out))) {
			snprintf(key, sizeof(key), "%s|%u|%s", f->host[0] ? f->host : f->addr,
				 f->port, f->proto);
			r = raise(c, R_DP2_PLAINTEXT, key, l,
				  f->http ? f->http_line : f->first_out_line,
				  "The connector sent data without TLS (%s) to %s port %u, outside "
				  "the cluster.",
				  f->http ? "HTTP" : wire_proto_name((enum wire_proto)f->sniffed),
				  peer(f, who, sizeof(who)), f->port);
			if (r < 0)
				return r;
		}
		if (f->tls) {
			uint16_t min = c->p->p.min_tls;

			if (f->negotiated && f->negotiated < min) {
				snprintf(key, sizeof(key), "neg|%s|%u|%04x",
					 f->host[0] ? f->host : f->addr, f->port, f->negotiated);
				r = raise(
					c, R_DP2_TLS, key, f->tls_line, f->tls_sh_line,
					"The connection to %s port %u negotiated TLS %s, below the "
					"required TLS %s.",
					peer(f, who, sizeof(who)), f->port, tls_name(f->negotiated),
					tls_name(min));
			} else if (!f->negotiated && f->offered_max && f->offered_max < min) {
				snprintf(key, sizeof(key), "off|%s|%u|%04x",
					 f->host[0] ? f->host : f->addr, f->port, f->offered_max);
				r = raise(
					c, R_DP2_TLS, key, f->tls_line, 0,
					"The connector offered at most TLS %s to %s port %u, below "
					"the required TLS %s.",
					tls_name(f->offered_max), peer(f, who, sizeof(who)),
					f->port, tls_name(min));
			} else {
				r = 0;
			}
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* ---- DP-3.external-storage, CC-1 registries ----------------------------------------------- */

static const struct kentry *klist_hit(const struct klist *l, const struct flow *f, bool use_port)
{
	const char *names[3] = {f->host, f->has_sni ? f->sni : "", f->http ? f->http_host : ""};
	size_t k, j;

	for (k = 0; k < l->n; k++) {
		const struct kentry *e = &l->e[k];

		if (e->port && e->port != f->port)
			continue;
		if (e->match) {
			for (j = 0; j < 3; j++)
				if (names[j][0] && host_match(e->match, names[j]))
					return e;
		} else if (e->addr) {
			if (e->has_cidr ? cidr_contains(&e->cidr, f->addr)
					: !strcmp(e->addr, f->addr))
				return e;
		} else if (use_port && e->port && !e->path) {
			return e;
		}
	}
	return NULL;
}

static int rule_storage(struct jctx *c)
{
	static const enum klist_id lists[] = {K_STORAGE, K_TELEMETRY, K_PASTE};
	size_t k, j;
	int r;

	for (k = 0; k < c->m->n_flows; k++) {
		struct flow *f = c->m->flows[k];
		const struct kentry *e = NULL;
		char who[400], key[600];

		if (!external(f) || f->declared != D_NO)
			continue;
		if (!(f->bytes_out || f->pt_len) || (f->has_connect && !f->connect_ok))
			goto registries;
		for (j = 0; j < ARRAY_SIZE(lists) && !e; j++)
			e = klist_hit(&c->p->k[lists[j]], f, false);
		if (!e && (!json_object_get(c->p->rules[R_DP3_STORAGE].params, "database_ports") ||
			   json_is_true(json_object_get(c->p->rules[R_DP3_STORAGE].params,
							"database_ports"))))
			e = klist_hit(&c->p->k[K_DB_PORTS], f, true);
		if (e) {
			snprintf(key, sizeof(key), "%s|%s|%u", e->service,
				 f->host[0] ? f->host : f->addr, f->port);
			r = raise(c, R_DP3_STORAGE, key, f->first_line, f->first_out_line,
				  "The connector sent data to %s port %u, %s (%s), a service the "
				  "manifest does not declare: data may be stored outside the "
				  "cluster.",
				  peer(f, who, sizeof(who)), f->port, e->service,
				  e->kind ? e->kind : "storage");
			if (r < 0)
				return r;
		}
	registries:
		e = klist_hit(&c->p->k[K_REGISTRIES], f, false);
		if (e) {
			snprintf(key, sizeof(key), "reg|%s", f->host[0] ? f->host : f->addr);
			r = raise(
				c, R_CC1_CODE, key, f->first_line, f->http_line,
				"The connector contacted %s, %s, at run time: dependencies fetched "
				"while running are invisible to vulnerability scanners.",
				peer(f, who, sizeof(who)), e->service);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* ---- CC-5.hidden-channel ------------------------------------------------------------------ */

/*
 * A label left of the registered domain that looks like encoded data: at least 16 characters,
 * all hex; or in the base32 alphabet with digits; or at least dns_min_subdomain_len characters
 * mixing upper case, lower case and digits (base64url).
 */
static bool label_encoded(const char *name, size_t reg_off, const struct rule_params *rp)
{
	const char *p = name, *end = name + reg_off;

	while (p < end) {
		const char *dot = memchr(p, '.', (size_t)(end - p));
		size_t n = dot ? (size_t)(dot - p) : (size_t)(end - p), k;
		bool hex = true, b32 = true, digit = false, up = false, low = false;

		for (k = 0; k < n; k++) {
			unsigned char ch = (unsigned char)p[k], lc = (unsigned char)(ch | 0x20);

			hex &= (lc >= '0' && lc <= '9') || (lc >= 'a' && lc <= 'f');
			b32 &= (lc >= 'a' && lc <= 'z') || (lc >= '2' && lc <= '7');
			digit |= ch >= '0' && ch <= '9';
			up |= ch >= 'A' && ch <= 'Z';
			low |= ch >= 'a' && ch <= 'z';
		}
		if (n >= 16 && (hex || (b32 && digit)))
			return true;
		if (n >= rp->dns_min_sub_len && up && low && digit)
			return true;
		if (!dot)
			break;
		p = dot + 1;
	}
	return false;
}

struct qname {
	const char *reg, *name;
	long line;
};

static int cmp_qname(const void *a, const void *b)
{
	const struct qname *x = a, *y = b;
	int r = strcmp(x->reg, y->reg);

	if (!r)
		r = strcmp(x->name, y->name);
	return r ? r : (x->line > y->line) - (x->line < y->line);
}

static int rule_hidden(struct jctx *c)
{
	const struct rule_params *rp = &c->p->p;
	struct qname *q = NULL;
	size_t n_q = 0, cap_q = 0, k;
	int r = 0;

	for (k = 0; k < c->m->n_flows; k++) {
		struct flow *f = c->m->flows[k];
		const struct kentry *e;
		char who[400], key[600];

		if (!external(f) || f->declared == D_CLUSTER)
			continue;
		if (!f->named_by && f->declared == D_NO) {
			snprintf(key, sizeof(key), "rawip|%s|%u", f->addr, f->port);
			r = raise(c, R_CC5_HIDDEN, key, f->first_line, 0,
				  "The connector reached %s port %u by raw IP address: no DNS "
				  "answer, TLS SNI or HTTP Host in the run named it.",
				  f->addr, f->port);
			if (r < 0)
				goto out;
		}
		e = klist_hit(&c->p->k[K_DOH], f, false);
		if ((e && f->port != rp->dot_port && (f->port == 443 || f->tls || f->http)) ||
		    (f->http && strstr(f->http_target, "/dns-query"))) {
			snprintf(key, sizeof(key), "doh|%s", f->host[0] ? f->host : f->addr);
			r = raise(c, R_CC5_HIDDEN, key, f->first_line, f->tls_line,
				  "The connector talked to %s, %s, a DNS-over-HTTPS resolver: its "
				  "name lookups bypass the sandbox's resolver.",
				  peer(f, who, sizeof(who)),
				  e ? e->service : "a /dns-query endpoint");
			if (r < 0)
				goto out;
		}
		if (rp->dot_port && f->port == rp->dot_port && !f->udp) {
			snprintf(key, sizeof(key), "dot|%s", f->host[0] ? f->host : f->addr);
			r = raise(
				c, R_CC5_HIDDEN, key, f->first_line, f->tls_line,
				"The connector connected to %s on port %u, DNS over TLS: its name "
				"lookups bypass the sandbox's resolver.",
				peer(f, who, sizeof(who)), f->port);
			if (r < 0)
				goto out;
		}
		if (f->tls && !f->has_sni && f->declared == D_NO) {
			snprintf(key, sizeof(key), "nosni|%s|%u", f->addr, f->port);
			r = raise(c, R_CC5_HIDDEN, key, f->first_line, f->tls_line,
				  "The connector opened TLS without a server name (SNI) to %s port "
				  "%u, a host the manifest does not declare.",
				  peer(f, who, sizeof(who)), f->port);
			if (r < 0)
				goto out;
		}
		if (f->tls && f->ech) {
			snprintf(key, sizeof(key), "ech|%s|%u", f->host[0] ? f->host : f->addr,
				 f->port);
			r = raise(c, R_CC5_HIDDEN, key, f->first_line, f->tls_line,
				  "The connector used Encrypted Client Hello with %s port %u: the "
				  "server "
				  "name it really asked for is hidden from the monitor.",
				  peer(f, who, sizeof(who)), f->port);
			if (r < 0)
				goto out;
		}
		if (rp->quic && f->quic) {
			snprintf(key, sizeof(key), "quic|%s|%u", f->host[0] ? f->host : f->addr,
				 f->port);
			r = raise(
				c, R_CC5_HIDDEN, key, f->first_line, f->tls_line,
				"The connector spoke QUIC to %s port %u: encrypted from its first "
				"packet, its content and server name are hidden from the monitor.",
				peer(f, who, sizeof(who)), f->port);
			if (r < 0)
				goto out;
		}
	}
	/* DNS tunneling: odd names, and many subdomains under one domain */
	for (k = 0; k < c->m->n_dns; k++) {
		const struct dnsrec *d = &c->m->dns[k];
		struct wire_dns_name_stats st;
		const char *reg;
		char key[600];

		if (d->response || judge_classify_name(c->man, d->name, 53) != D_NO)
			continue;
		if (wire_dns_name_stats(d->name, &st) != WIRE_OK)
			continue;
		reg = wire_dns_registered_domain(d->name);
		if ((st.sub_len >= rp->dns_min_sub_len &&
		     (st.sub_entropy >= rp->dns_entropy || st.sub_hex_like || st.sub_b32_like)) ||
		    st.name_len > rp->dns_max_name_len ||
		    label_encoded(d->name, (size_t)(reg - d->name), rp)) {
			snprintf(key, sizeof(key), "dnstun|%s", reg);
			r = raise(c, R_CC5_HIDDEN, key, d->line, 0,
				  "The connector looked up names under %s that carry encoded data "
				  "(e.g. a %u-character subdomain): DNS tunneling.",
				  reg, st.sub_len);
			if (r < 0)
				goto out;
		}
		if (!st.sub_len)
			continue;
		r = array_grow((void **)&q, &cap_q, n_q + 1, sizeof(*q));
		if (r < 0)
			goto out;
		q[n_q++] = (struct qname){reg, d->name, d->line};
	}
	if (n_q)
		qsort(q, n_q, sizeof(*q), cmp_qname);
	for (k = 0; k < n_q;) {
		size_t end = k, distinct = 0, i;
		char key[600];

		while (end < n_q && !strcmp(q[end].reg, q[k].reg))
			end++;
		for (i = k; i < end; i++)
			if (i == k || strcmp(q[i - 1].name, q[i].name))
				distinct++;
		if (rp->dns_subdomains && distinct >= rp->dns_subdomains) {
			snprintf(key, sizeof(key), "dnstun|%s", q[k].reg);
			for (i = k; i < end; i++) {
				if (i > k && !strcmp(q[i - 1].name, q[i].name))
					continue;
				r = raise(c, R_CC5_HIDDEN, key, q[i].line, 0,
					  "The connector looked up %zu different names under %s: a "
					  "pattern of DNS tunneling.",
					  distinct, q[k].reg);
				if (r < 0)
					goto out;
			}
		}
		k = end;
	}
	r = 0;
out:
	free(q);
	return r;
}

/* ---- canaries: DP-1.secret-exposure, PRIV-1.credential-exfiltration ---------------------- */

static const struct m_secret *secret_of(const struct manifest *man, const char *name)
{
	size_t k;

	for (k = 0; man && k < man->n_secrets; k++)
		if (!strcmp(man->secrets[k].name, name))
			return &man->secrets[k];
	return NULL;
}

static bool in_sent_to(const struct m_secret *s, const struct flow *f)
{
	size_t k;
	bool host_ok = false, sni_ok = !f->has_sni;

	if (!s || !f->host[0])
		return false;
	for (k = 0; k < s->n_sent_to; k++) {
		if (host_match(s->sent_to[k], f->host))
			host_ok = true;
		if (f->has_sni && host_match(s->sent_to[k], f->sni))
			sni_ok = true;
	}
	return host_ok && sni_ok;
}

static bool tls_ok(const struct jctx *c, const struct flow *f)
{
	if (!f->tls)
		return false;
	if (f->negotiated)
		return f->negotiated >= c->p->p.min_tls;
	return f->offered_min >= c->p->p.min_tls;
}

static const char *label(const struct canary *cn)
{
	return cn->honey ? "honey credential" : "secret";
}

/* A canary found in bytes that went out on flow f (in_plaintext: seen via tls.plaintext). */
static int canary_sent(struct jctx *c, const struct canary *cn, const struct flow *f,
		       bool in_plaintext, const struct wire_match *mt, long line)
{
	const struct m_secret *s = cn->honey ? NULL : secret_of(c->man, cn->name);
	char who[400], key[600];
	bool declared = in_sent_to(s, f);
	const char *enc = wire_encoding_name(mt->enc);
	int r;

	if (in_plaintext && declared && tls_ok(c, f)) {
		touch(c, cn->name, "sent to %s over TLS %s (declared in sent_to)", f->host,
		      tls_name(f->negotiated ? f->negotiated : f->offered_min));
		return 0;
	}
	touch(c, cn->name, "sent to %s port %u%s", f->host[0] ? f->host : f->addr, f->port,
	      in_plaintext ? " over TLS" : " in cleartext");
	if (!in_plaintext || (declared && !tls_ok(c, f))) {
		snprintf(key, sizeof(key), "%s|net|%s|%u", cn->name, f->host[0] ? f->host : f->addr,
			 f->port);
		r = raise(c, R_DP1_EXPOSURE, key, line, f->has_connect ? f->first_line : 0,
			  "The %s %s travelled %s to %s port %u (encoding: %s), readable by anyone "
			  "on the path.",
			  label(cn), cn->name, in_plaintext ? "over TLS below 1.2" : "unencrypted",
			  peer(f, who, sizeof(who)), f->port, enc);
		if (r < 0)
			return r;
	}
	if (!declared) {
		snprintf(key, sizeof(key), "%s|%s", cn->name, f->host[0] ? f->host : f->addr);
		r = raise(c, R_PRIV1_EXFIL, key, line, f->has_connect ? f->first_line : 0,
			  "The %s %s was sent to %s port %u, which is not among its declared "
			  "recipients (encoding: %s).",
			  label(cn), cn->name, peer(f, who, sizeof(who)), f->port, enc);
		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * A stream's log lines joined without separators, so that a secret wrapped over several lines
 * (base64 prints 76 columns) is found too; starts[] maps offsets back to trace lines.
 */
struct logcat {
	const char *stream;
	uint8_t *buf;
	size_t len, cap;
	size_t *starts;
	long *lines;
	size_t n, ncap, lcap;
};

static int logcat_build(const struct model *m, struct logcat *lc)
{
	size_t k;

	for (k = 0; k < m->n_logs; k++) {
		const struct simple_ev *l = &m->logs[k];
		size_t n = strlen(l->b);

		if (strcmp(l->a, lc->stream))
			continue;
		if (array_grow((void **)&lc->buf, &lc->cap, lc->len + n + 1, 1) < 0 ||
		    array_grow((void **)&lc->starts, &lc->ncap, lc->n + 1, sizeof(size_t)) < 0 ||
		    array_grow((void **)&lc->lines, &lc->lcap, lc->n + 1, sizeof(long)) < 0)
			return -ENOMEM;
		lc->starts[lc->n] = lc->len;
		lc->lines[lc->n++] = l->line;
		memcpy(lc->buf + lc->len, l->b, n);
		lc->len += n;
	}
	return 0;
}

static long logcat_line(const struct logcat *lc, size_t off)
{
	size_t lo = 0, hi = lc->n;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (lc->starts[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lc->n ? lc->lines[lo] : 0;
}

/*
 * The needles of one canary. A short value is one needle. A long one (JWTs, PEM keys, tokens
 * with a fixed prefix) is cut into 64-byte windows, and only the windows no other canary of
 * the run contains are kept: the sandbox's JWT-shaped canaries share their first ~300
 * characters, and a window of that prefix would report one canary for another. Any kept
 * window found in the bytes counts, so a secret sent in part (a truncated buffer) is found
 * as long as 128 contiguous bytes of its distinctive part went out.
 */
#define NSET_WIN 64

struct nset {
	struct wire_needle *v;
	size_t n, cap;
};

static bool in_other_canary(const struct model *m, size_t self, const char *w, size_t n)
{
	size_t k;

	for (k = 0; k < m->n_can; k++)
		if (k != self && memmem(m->can[k].value, strlen(m->can[k].value), w, n))
			return true;
	return false;
}

static int nset_build(const struct model *m, size_t idx, struct nset *ns)
{
	const char *v = m->can[idx].value;
	size_t len = strlen(v), off;

	ns->n = 0;
	if (len <= WIRE_SECRET_MAX && len <= 2 * NSET_WIN) {
		if (array_grow((void **)&ns->v, &ns->cap, 1, sizeof(*ns->v)) < 0)
			return -ENOMEM;
		if (wire_needle_init(&ns->v[0], (const uint8_t *)v, len) == 0)
			ns->n = 1;
		return 0;
	}
	for (off = 0; off < len && ns->n < 64; off += NSET_WIN) {
		size_t n = MIN(NSET_WIN, len - off);

		if (n < NSET_WIN) { /* the last, short window: take the final 64 bytes */
			off = len - NSET_WIN;
			n = NSET_WIN;
		}
		if (in_other_canary(m, idx, v + off, n))
			continue;
		if (array_grow((void **)&ns->v, &ns->cap, ns->n + 1, sizeof(*ns->v)) < 0)
			return -ENOMEM;
		if (wire_needle_init(&ns->v[ns->n], (const uint8_t *)v + off, n) == 0)
			ns->n++;
		if (off + n >= len)
			break;
	}
	return 0;
}

/* The match at the lowest offset among the windows. */
static int nset_find(const struct nset *ns, const uint8_t *hay, size_t len, struct wire_match *ret)
{
	struct wire_match mt, best = {0};
	bool found = false;
	size_t k;

	for (k = 0; k < ns->n; k++)
		if (wire_needle_find(&ns->v[k], hay, len, &mt) == WIRE_OK &&
		    (!found || mt.offset < best.offset)) {
			best = mt;
			found = true;
		}
	if (!found)
		return WIRE_NOT_THIS;
	*ret = best;
	return WIRE_OK;
}

static int nset_find_dns(const struct nset *ns, const char *name, struct wire_match *ret)
{
	size_t k;

	for (k = 0; k < ns->n; k++)
		if (wire_needle_find_in_dns_name(&ns->v[k], name, ret) == WIRE_OK)
			return WIRE_OK;
	return WIRE_NOT_THIS;
}

static int rule_canaries(struct jctx *c)
{
	struct logcat logs[2] = {{.stream = "stdout"}, {.stream = "stderr"}};
	const struct rule_params *rp = &c->p->p;
	struct nset ns = {0};
	size_t k, i, j;
	int r = 0;

	if (logcat_build(c->m, &logs[0]) < 0 || logcat_build(c->m, &logs[1]) < 0) {
		r = -ENOMEM;
		goto out;
	}
	for (k = 0; k < c->m->n_can; k++) {
		const struct canary *cn = &c->m->can[k];
		size_t vlen = strlen(cn->value);
		struct wire_match mt;

		if (vlen < rp->min_secret_len)
			continue;
		r = nset_build(c->m, k, &ns);
		if (r < 0)
			goto out;
		if (!ns.n)
			continue;
		for (i = 0; i < c->m->n_flows; i++) {
			const struct flow *f = c->m->flows[i];

			if (!f->addr[0] || f->declared == D_LOCAL)
				continue;
			if (f->out_len && nset_find(&ns, f->out, f->out_len, &mt) == WIRE_OK) {
				r = canary_sent(c, cn, f, false, &mt, flow_line_at(f, mt.offset));
				if (r < 0)
					goto out;
			}
			if (f->pt_len && nset_find(&ns, f->pt, f->pt_len, &mt) == WIRE_OK) {
				r = canary_sent(c, cn, f, true, &mt, flow_pt_line_at(f, mt.offset));
				if (r < 0)
					goto out;
			}
			for (j = 0; j < f->n_dg; j++) {
				if (!f->dg[j].out ||
				    nset_find(&ns, f->dg[j].b, f->dg[j].n, &mt) != WIRE_OK)
					continue;
				if (f->port == 53)
					break; /* handled with the DNS names below */
				r = canary_sent(c, cn, f, false, &mt, f->dg[j].line);
				if (r < 0)
					goto out;
				break;
			}
		}
		for (i = 0; rp->search_dns && i < c->m->n_dns; i++) {
			const struct dnsrec *d = &c->m->dns[i];
			const char *reg;
			char key[600];

			if (d->response || nset_find_dns(&ns, d->name, &mt) != WIRE_OK)
				continue;
			reg = wire_dns_registered_domain(d->name);
			touch(c, cn->name, "DNS lookup under %s", reg);
			snprintf(key, sizeof(key), "%s|dns|%s", cn->name, reg);
			r = raise(
				c, R_DP1_EXPOSURE, key, d->line, 0,
				"The %s %s appeared in DNS lookups under %s (encoding: %s), which "
				"travel unencrypted.",
				label(cn), cn->name, reg, wire_encoding_name(mt.enc));
			if (r < 0)
				goto out;
			snprintf(key, sizeof(key), "%s|%s", cn->name, reg);
			r = raise(c, R_PRIV1_EXFIL, key, d->line, 0,
				  "The %s %s was smuggled out in DNS lookups under %s (encoding: "
				  "%s): "
				  "whoever runs that domain's name servers receives it.",
				  label(cn), cn->name, reg, wire_encoding_name(mt.enc));
			if (r < 0)
				goto out;
		}
		for (i = 0; rp->search_logs && i < ARRAY_SIZE(logs); i++) {
			const struct logcat *lc = &logs[i];
			size_t off = 0, hits = 0;
			char key[600];

			while (off < lc->len && hits < 64 &&
			       nset_find(&ns, lc->buf + off, lc->len - off, &mt) == WIRE_OK) {
				size_t at = off + mt.offset;

				touch(c, cn->name, "printed on %s", lc->stream);
				snprintf(key, sizeof(key), "%s|log|%s", cn->name, lc->stream);
				long l0 = logcat_line(lc, at),
				     l1 = logcat_line(lc, at + (mt.len ? mt.len - 1 : 0));
				size_t li;

				r = raise(c, R_DP1_EXPOSURE, key, l0, l1,
					  "The %s %s was printed on the connector's %s (encoding: "
					  "%s), "
					  "where logs collect it.",
					  label(cn), cn->name, lc->stream,
					  wire_encoding_name(mt.enc));
				/* the lines between, when it was wrapped */
				for (li = 0; r == 0 && li < lc->n; li++)
					if (lc->lines[li] > l0 && lc->lines[li] < l1)
						r = raise(c, R_DP1_EXPOSURE, key, lc->lines[li], 0,
							  "-");
				if (r < 0)
					goto out;
				off = at + (mt.len ? mt.len : 1);
				hits++;
			}
		}
		for (i = 0; rp->search_files && i < c->m->n_inv; i++) {
			const struct inv_ev *v = &c->m->inv[i];
			char key[600];

			if (!v->data || (cn->file && !strcmp(cn->file, v->path)) ||
			    nset_find(&ns, v->data, v->len, &mt) != WIRE_OK)
				continue;
			touch(c, cn->name, "written to %s", v->path);
			snprintf(key, sizeof(key), "%s|file|%s", cn->name, v->path);
			r = raise(c, R_DP1_EXPOSURE, key, v->line, 0,
				  "The %s %s was written to the file %s (encoding: %s).", label(cn),
				  cn->name, v->path, wire_encoding_name(mt.enc));
			if (r < 0)
				goto out;
		}
	}
out:
	for (k = 0; k < ARRAY_SIZE(logs); k++) {
		free(logs[k].buf);
		free(logs[k].starts);
		free(logs[k].lines);
	}
	free(ns.v);
	return r;
}

/* ---- PRIV-1.credential-access -------------------------------------------------------------- */

static bool honey_path(const struct jctx *c, const char *path, const char **ret_name)
{
	size_t k;

	for (k = 0; k < c->m->n_can; k++)
		if (c->m->can[k].file && !strcmp(c->m->can[k].file, path)) {
			*ret_name = c->m->can[k].name;
			return true;
		}
	for (k = 0; k < c->m->n_honey_pats; k++)
		if (c->m->honey_pats[k] && !strcmp(c->m->honey_pats[k], path)) {
			*ret_name = c->p->k[K_HONEY].e[k].service;
			return true;
		}
	return false;
}

static const struct kentry *cred_path(const struct jctx *c, const char *path)
{
	size_t k;

	for (k = 0; k < c->m->n_cred_pats; k++)
		if (c->m->cred_pats[k] && path_glob(c->m->cred_pats[k], path))
			return &c->p->k[K_CREDENTIALS].e[k];
	return NULL;
}

static int access_path(struct jctx *c, const char *path, int pid, long line, const char *how,
		       bool honey)
{
	const char *hname = NULL;
	const struct kentry *e;
	char key[600];
	size_t n = strlen(path);

	if (!strncmp(path, "/proc/", 6) && n > 8 && !strcmp(path + n - 8, "/environ")) {
		char own[64];

		snprintf(own, sizeof(own), "/proc/%d/environ", pid);
		if (!strcmp(path, "/proc/self/environ") ||
		    !strcmp(path, "/proc/thread-self/environ") || !strcmp(path, own) ||
		    !strncmp(path, "/proc/self/task/", 16))
			return 0;
		snprintf(key, sizeof(key), "environ|%s", path);
		return raise(c, R_PRIV1_ACCESS, key, line, 0,
			     "The connector read %s, the environment (and secrets) of another "
			     "process.",
			     path);
	}
	if (honey_path(c, path, &hname) || (honey && (hname = path))) {
		snprintf(key, sizeof(key), "honey|%s", path);
		touch(c, hname, "%s", how);
		return raise(c, R_PRIV1_ACCESS, key, line, 0,
			     "The connector %s the credential file %s, a honey file it has no "
			     "reason to touch.",
			     how, path);
	}
	e = cred_path(c, path);
	if (e) {
		snprintf(key, sizeof(key), "cred|%s", path);
		return raise(c, R_PRIV1_ACCESS, key, line, 0, "The connector %s %s, %s.", how, path,
			     e->service);
	}
	return 0;
}

static int rule_access(struct jctx *c)
{
	size_t k;
	int r;

	for (k = 0; k < c->m->n_op; k++) {
		const struct open_ev *o = &c->m->op[k];

		if (strcmp(o->kind, "file.open") || o->ret < 0)
			continue;
		r = access_path(c, o->path, o->pid, o->line,
				strcmp(o->intent, "read") ? "opened for writing" : "read",
				o->honey);
		if (r < 0)
			return r;
	}
	for (k = 0; k < c->m->n_fan; k++) {
		r = access_path(c, c->m->fan[k].a, c->m->fan[k].pid, c->m->fan[k].line, "read",
				false);
		if (r < 0)
			return r;
	}
	for (k = 0; k < c->m->n_flows; k++) {
		const struct flow *f = c->m->flows[k];
		const struct kentry *e = klist_hit(&c->p->k[K_METADATA], f, false);
		char who[400], key[600];

		if (!e || !f->addr[0])
			continue;
		snprintf(key, sizeof(key), "meta|%s", f->addr);
		r = raise(c, R_PRIV1_ACCESS, key, f->first_line, f->http_line,
			  "The connector %s %s, the %s, where cloud credentials are handed out.",
			  f->connect_ok || !f->has_connect ? "contacted" : "tried to contact",
			  peer(f, who, sizeof(who)), e->service);
		if (r < 0)
			return r;
	}
	for (k = 0; k < c->m->n_dns; k++) {
		const struct dnsrec *d = &c->m->dns[k];
		size_t j;
		char key[600];

		if (d->response)
			continue;
		for (j = 0; j < c->p->k[K_METADATA].n; j++) {
			const struct kentry *e = &c->p->k[K_METADATA].e[j];

			if (!e->match || !host_match(e->match, d->name))
				continue;
			snprintf(key, sizeof(key), "metaname|%s", d->name);
			r = raise(c, R_PRIV1_ACCESS, key, d->line, 0,
				  "The connector looked up %s, the %s, where cloud credentials are "
				  "handed out.",
				  d->name, e->service);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* ---- DP-3.local-persistence ---------------------------------------------------------------- */

static bool declared_writable(const struct jctx *c, const char *path)
{
	size_t k;

	for (k = 0; c->man && k < c->man->n_writable; k++) {
		char *d = model_expand(c->m, c->man->writable[k]);
		bool ok = d && path_under(path, d);

		free(d);
		if (ok)
			return true;
	}
	for (k = 0; k < c->p->p.n_persist_ignore; k++)
		if (path_glob(c->p->p.persist_ignore[k], path))
			return true;
	return false;
}

/* The sandbox's writable directory holding path, for grouping; else the path. */
static const char *persist_group(const struct jctx *c, const char *path)
{
	size_t k;
	json_t *v;
	const char *best = NULL;

	json_array_foreach (c->m->writable, k, v) {
		const char *d = json_string_value(v);

		if (d && path_under(path, d) && (!best || strlen(d) > strlen(best)))
			best = d;
	}
	return best ? best : path;
}

static int persist(struct jctx *c, const char *path, long line, bool failed)
{
	char key[600];
	const char *g;

	if (!path || path[0] != '/' || declared_writable(c, path))
		return 0;
	g = persist_group(c, path);
	snprintf(key, sizeof(key), "%s%s", failed ? "try|" : "", g);
	if (failed)
		return raise(c, R_DP3_PERSIST, key, line, 0,
			     "The connector tried to write %s, outside the paths the manifest "
			     "declares writable.",
			     path);
	if (strcmp(g, path))
		return raise(c, R_DP3_PERSIST, key, line, 0,
			     "The connector wrote under %s (first %s), which the manifest does not "
			     "declare writable.",
			     g, path);
	return raise(c, R_DP3_PERSIST, key, line, 0,
		     "The connector wrote %s, outside the paths the manifest declares writable.",
		     path);
}

static int rule_persist(struct jctx *c)
{
	size_t k;
	int r;

	for (k = 0; k < c->m->n_op; k++) {
		const struct open_ev *o = &c->m->op[k];
		bool failed = o->ret < 0;

		if (!strcmp(o->kind, "file.open") && !strcmp(o->intent, "read"))
			continue;
		if (failed && !c->p->p.persist_count_failed)
			continue;
		r = persist(c, o->path, o->line, failed);
		if (r == 0 && o->path2 &&
		    (!strcmp(o->kind, "file.rename") || !strcmp(o->kind, "file.link")))
			r = persist(c, o->path2, o->line, failed);
		if (r < 0)
			return r;
	}
	for (k = 0; k < c->m->n_inv; k++) {
		r = persist(c, c->m->inv[k].path, c->m->inv[k].line, false);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---- CC-3.dropped-code, CC-1.undeclared-code ---------------------------------------------- */

struct wentry {
	const char *path;
	long line;
};

static int cmp_wentry(const void *a, const void *b)
{
	const struct wentry *x = a, *y = b;
	int r = strcmp(x->path, y->path);

	return r ? r : (x->line > y->line) - (x->line < y->line);
}

/* Every path the run wrote (open for writing, rename or link target), sorted. */
static int written_index(struct jctx *c)
{
	const struct model *m = c->m;
	size_t k, cap = 0;

	for (k = 0; k < m->n_op; k++) {
		const struct open_ev *o = &m->op[k];
		const char *p = NULL;

		if (o->ret < 0)
			continue;
		if (!strcmp(o->kind, "file.open") && strcmp(o->intent, "read"))
			p = o->path;
		else if ((!strcmp(o->kind, "file.rename") || !strcmp(o->kind, "file.link")) &&
			 o->path2)
			p = o->path2;
		if (!p)
			continue;
		if (array_grow((void **)&c->w, &cap, c->n_w + 1, sizeof(*c->w)) < 0)
			return -ENOMEM;
		c->w[c->n_w].path = p;
		c->w[c->n_w++].line = o->line;
	}
	if (c->n_w)
		qsort(c->w, c->n_w, sizeof(*c->w), cmp_wentry);
	return 0;
}

/* The line where path was first written in the run, before line before; or 0. */
static long written_at(const struct jctx *c, const char *path, long before)
{
	size_t lo = 0, hi = c->n_w;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(c->w[mid].path, path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < c->n_w && !strcmp(c->w[lo].path, path) && c->w[lo].line < before)
		return c->w[lo].line;
	return 0;
}

static bool has_ext(const char *path, char *const *exts, size_t n)
{
	size_t k, pl = strlen(path);

	for (k = 0; k < n; k++) {
		size_t el = strlen(exts[k]);

		if (pl > el && !strcmp(path + pl - el, exts[k]))
			return true;
		if (!strcmp(exts[k], ".so") && strstr(path, ".so."))
			return true;
	}
	return false;
}

static const char *code_magic(const uint8_t *b, size_t n)
{
	if (n >= 4 && !memcmp(b,
			      "\x7f"
			      "ELF",
			      4))
		return "an ELF executable or library";
	if (n >= 4 && !memcmp(b, "\xca\xfe\xba\xbe", 4))
		return "a Java class";
	if (n >= 2 && !memcmp(b, "#!", 2))
		return "a script";
	if (n >= 4 && !memcmp(b, "\0asm", 4))
		return "a WebAssembly module";
	return NULL;
}

static int rule_code(struct jctx *c)
{
	const struct rule_params *rp = &c->p->p;
	size_t k;
	int r;

	r = written_index(c);
	if (r < 0)
		return r;
	for (k = 0; k < c->m->n_ex; k++) {
		const struct exec_ev *x = &c->m->ex[k];
		char key[600];
		long w;

		if (x->ret < 0)
			continue;
		if (x->memfd) {
			snprintf(key, sizeof(key), "memfd|%s", x->path);
			r = raise(c, R_CC3_DROPPED, key, x->line, 0,
				  "The connector executed code from an anonymous memory file (%s), "
				  "which no scanner can see on disk.",
				  x->path);
		} else if (x->deleted) {
			snprintf(key, sizeof(key), "deleted|%s", x->path);
			r = raise(c, R_CC3_DROPPED, key, x->line, 0,
				  "The connector executed %s from a file deleted from disk.",
				  x->path);
		} else if (x->written || (w = written_at(c, x->path, x->line)) > 0) {
			snprintf(key, sizeof(key), "written|%s", x->path);
			w = written_at(c, x->path, x->line);
			r = raise(c, R_CC3_DROPPED, key, w, x->line,
				  "The connector executed %s, a file written during the run.",
				  x->path);
		} else {
			r = 0;
		}
		if (r < 0)
			return r;
	}
	for (k = 0; k < c->m->n_op; k++) {
		const struct open_ev *o = &c->m->op[k];
		char key[600];
		long w;

		if (strcmp(o->kind, "file.open") || strcmp(o->intent, "read") || o->ret < 0 ||
		    !has_ext(o->path, rp->load_exts, rp->n_load_exts))
			continue;
		w = written_at(c, o->path, o->line);
		if (!w)
			continue;
		snprintf(key, sizeof(key), "load|%s", o->path);
		r = raise(c, R_CC3_DROPPED, key, w, o->line,
			  "The connector loaded %s, a library written during the run.", o->path);
		if (r < 0)
			return r;
	}
	for (k = 0; k < c->m->n_inv; k++) {
		const struct inv_ev *v = &c->m->inv[k];
		const char *what = v->data ? code_magic(v->data, v->len) : NULL;
		char key[600];

		if (!what && has_ext(v->path, rp->code_exts, rp->n_code_exts))
			what = "code by its name";
		if (!what)
			continue;
		snprintf(key, sizeof(key), "file|%s", v->path);
		r = raise(c, R_CC1_CODE, key, v->line, 0,
			  "The run produced %s (%s), code the connector does not ship: it is "
			  "invisible to dependency scanners.",
			  v->path, what);
		if (r < 0)
			return r;
	}
	for (k = 0; k < c->m->n_flows; k++) {
		const struct flow *f = c->m->flows[k];
		char who[400], key[900];
		const uint8_t *body = NULL;
		const char *what = NULL;

		if (!f->http)
			continue;
		if (f->in_len > 4) {
			const uint8_t *e = memmem(f->in, f->in_len, "\r\n\r\n", 4);

			if (e) {
				body = e + 4;
				what = code_magic(body, (size_t)(f->in + f->in_len - body));
			}
		}
		if (!what && has_ext(f->http_target, rp->code_exts, rp->n_code_exts))
			what = "code by its name";
		if (!what)
			continue;
		snprintf(key, sizeof(key), "dl|%s|%s", f->host[0] ? f->host : f->addr,
			 f->http_target);
		r = raise(c, R_CC1_CODE, key, f->http_line, f->first_in_line,
			  "The connector downloaded %s from %s (%s) at run time: code it does not "
			  "ship, invisible to dependency scanners.",
			  f->http_target, peer(f, who, sizeof(who)), what);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---- SB-1, MON-1 ------------------------------------------------------------------------- */

static int rule_sandbox(struct jctx *c)
{
	size_t k, j;
	int r;

	for (k = 0; k < c->m->n_denied; k++) {
		const struct simple_ev *d = &c->m->denied[k];
		bool ign = false;
		char key[300];

		for (j = 0; j < c->p->p.n_sb_ignore; j++)
			if (!strcmp(c->p->p.sb_ignore[j], d->a))
				ign = true;
		if (ign)
			continue;
		snprintf(key, sizeof(key), "sys|%s", d->a);
		r = raise(c, R_SB1_ESCAPE, key, d->line, 0,
			  "The sandbox refused the connector's %s system call, which a connector "
			  "never needs and which can be used to break out of isolation.",
			  d->a);
		if (r < 0)
			return r;
	}
	if (c->m->bad_arch) {
		r = raise(c, R_SB1_ESCAPE, "badarch", c->m->end_line, 0,
			  "A process of the connector made a foreign-architecture (32-bit or x32) "
			  "system call, a known way around syscall filters, and was killed.");
		if (r < 0)
			return r;
	}
	return 0;
}

static int rule_monitor(struct jctx *c)
{
	struct model *m = c->m;
	size_t k;
	int r = 0;

	if (MAX(m->lost_total, m->end_lost) > 0) {
		const char *where = "";

		for (k = 0; k < m->n_losses; k++)
			if (m->losses[k].n > 0 && m->losses[k].a[0])
				where = m->losses[k].a;
		for (k = 0; k < m->n_losses && r == 0; k++)
			if (m->losses[k].n > 0)
				r = raise(c, R_MON1_INCOMPLETE, "loss", m->losses[k].line, 0,
					  "The monitor lost %lld events%s%s%s: behavior may be "
					  "missing "
					  "from the record.",
					  (long long)MAX(m->lost_total, m->end_lost),
					  where[0] ? " (" : "", where, where[0] ? ")" : "");
		if (r == 0 && m->end_lost > 0)
			r = raise(c, R_MON1_INCOMPLETE, "loss", m->end_line, 0,
				  "The monitor lost %lld events: behavior may be missing from the "
				  "record.",
				  (long long)MAX(m->lost_total, m->end_lost));
	}
	if (r == 0 && m->timed_out)
		r = raise(
			c, R_MON1_INCOMPLETE, "timeout", m->end_line, 0,
			"The run hit its time limit and was killed: what the connector would have "
			"done next was not observed.");
	if (r == 0 && m->interrupted)
		r = raise(c, R_MON1_INCOMPLETE, "interrupted", m->end_line, 0,
			  "The run was interrupted before the connector finished.");
	if (r == 0 && m->log_dropped > 0)
		r = raise(c, R_MON1_INCOMPLETE, "logdrop", m->end_line, 0,
			  "%lld bytes of the connector's output were beyond the log limit and not "
			  "searched for secrets.",
			  (long long)m->log_dropped);
	if (r == 0 && !m->have_end)
		r = raise(c, R_MON1_INCOMPLETE, "noend", m->lines, 0,
			  "The trace ends without the run's end record: the monitor stopped early "
			  "and the record may be cut short.");
	if (r == 0 && m->exec_errno)
		r = raise(c, R_MON1_INCOMPLETE, "noexec", m->end_line, 0,
			  "The connector could not be started (%s): nothing was observed.",
			  strerror((int)m->exec_errno));
	if (r == 0 && m->kept_capped)
		r = raise(c, R_MON1_INCOMPLETE, "judgecap", m->lines, 0,
			  "The trace holds more bytes than the judge keeps (%llu MiB): later bytes "
			  "were not searched.",
			  (unsigned long long)(JUDGE_KEEP_TOTAL >> 20));
	return r;
}

/* ---- the report ---------------------------------------------------------------------------- */

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

static const struct jctx *sort_ctx;

static int cmp_finding(const void *a, const void *b)
{
	const struct finding *x = a, *y = b;
	const struct policy *p = sort_ctx->p;

	if (p->rules[x->rule].severity != p->rules[y->rule].severity)
		return p->rules[y->rule].severity - p->rules[x->rule].severity;
	if (x->rule != y->rule)
		return x->rule - y->rule;
	if (x->first != y->first)
		return (x->first > y->first) - (x->first < y->first);
	return (x->order > y->order) - (x->order < y->order);
}

static json_t *deadline_obj(const struct jctx *c, enum severity s)
{
	const struct band *b = band_of(s);
	char a[21], mi[21], fx[21];

	if (!b || !b->ack_s)
		return json_pack("{s:n, s:n, s:n}", "acknowledge", "mitigate", "fix");
	format_utc(c->m->started_s + b->ack_s, a);
	format_utc(c->m->started_s + b->mitigate_s, mi);
	format_utc(c->m->started_s + b->fix_s, fx);
	return json_pack("{s:s, s:s, s:s}", "acknowledge", a, "mitigate", mi, "fix", fx);
}

static json_t *findings_json(struct jctx *c, int counts[5])
{
	json_t *arr = json_array();
	size_t k, j;

	if (!arr)
		return NULL;
	sort_ctx = c;
	for (k = 0; k < c->n_f; k++) {
		struct finding *g = &c->f[k];
		size_t i, u = 0;

		if (g->n_ev)
			qsort(g->ev, g->n_ev, sizeof(long), cmp_long);
		for (i = 0; i < g->n_ev; i++)
			if (!u || g->ev[u - 1] != g->ev[i])
				g->ev[u++] = g->ev[i];
		g->n_ev = u;
		g->first = g->n_ev ? g->ev[0] : 0;
	}
	if (c->n_f)
		qsort(c->f, c->n_f, sizeof(*c->f), cmp_finding);
	for (k = 0; k < c->n_f; k++) {
		const struct finding *f = &c->f[k];
		const struct rule *ru = &c->p->rules[f->rule];
		json_t *o, *ev = json_array();
		char *summary = NULL;

		if (!ev)
			goto fail;
		for (j = 0; j < f->n_ev && j < JUDGE_EVIDENCE_MAX; j++)
			json_array_append_new(ev, json_integer(f->ev[j]));
		if (ru->severity == SEV_LOW) {
			if (asprintf(&summary,
				     "%s Low severity: accepted under the guidelines, no "
				     "deadlines.",
				     f->summary) < 0)
				summary = NULL;
		} else {
			summary = strdup(f->summary);
		}
		if (f->n_ev + f->more > JUDGE_EVIDENCE_MAX && summary) {
			char *s2 = NULL;

			if (asprintf(&s2, "%s (%s%zu trace lines; the first %d are listed.)",
				     summary, f->more ? "over " : "", f->n_ev,
				     JUDGE_EVIDENCE_MAX) >= 0) {
				free(summary);
				summary = s2;
			}
		}
		o = json_pack("{s:s, s:s, s:{s:s, s:f}, s:s, s:s, s:o, s:o}", "rule",
			      rule_names[f->rule], "severity", severity_name(ru->severity), "cvss",
			      "vector", ru->cvss, "score", ru->score / 10.0, "clause", ru->clause,
			      "summary", summary ? summary : f->summary, "evidence", ev,
			      "deadlines", deadline_obj(c, ru->severity));
		free(summary);
		if (!o || json_array_append_new(arr, o) < 0)
			goto fail;
		counts[ru->severity]++;
	}
	return arr;
fail:
	json_decref(arr);
	return NULL;
}

static const char *decl_name(enum decl d)
{
	switch (d) {
	case D_EGRESS:
		return "egress";
	case D_CLUSTER:
		return "cluster";
	case D_LOCAL:
		return "local";
	default:
		return "no";
	}
}

static json_t *jstr_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

static const struct model *sort_model;

/* DNS records by name, qtype, line (answers without a qtype count as the name's A). */
static int cmp_dnsix(const void *a, const void *b)
{
	const struct dnsrec *x = &sort_model->dns[*(const size_t *)a];
	const struct dnsrec *y = &sort_model->dns[*(const size_t *)b];
	int r = strcmp(x->name, y->name);

	if (!r)
		r = strcmp(x->qtype, y->qtype);
	if (!r)
		r = (x->line > y->line) - (x->line < y->line);
	/* ties (several messages on one line): the order the trace gave them */
	return r ? r
		 : (*(const size_t *)a > *(const size_t *)b) -
			       (*(const size_t *)a < *(const size_t *)b);
}

struct dgroup {
	size_t from, to;
	long first;
};

static int cmp_dgroup(const void *a, const void *b)
{
	const struct dgroup *x = a, *y = b;

	if (x->first != y->first)
		return (x->first > y->first) - (x->first < y->first);
	return (x->from > y->from) - (x->from < y->from);
}

struct fent {
	const char *path;
	int op; /* 0: inventory (preferred), 1: a write event */
	size_t idx;
};

static int cmp_fent(const void *a, const void *b)
{
	const struct fent *x = a, *y = b;
	int r = strcmp(x->path, y->path);

	if (r)
		return r;
	if (x->op != y->op)
		return x->op - y->op;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

static json_t *observed_json(struct jctx *c, size_t *ret_conns)
{
	struct model *m = c->m;
	json_t *o = json_object(), *conns = json_array(), *dns = json_array(),
	       *files = json_array(), *progs = json_array(), *sec = json_array(),
	       *honey = json_array();
	size_t k, j;

	if (!o || !conns || !dns || !files || !progs || !sec || !honey)
		goto fail;
	for (k = 0; k < m->n_flows && json_array_size(conns) < 5000; k++) {
		const struct flow *f = m->flows[k];
		json_t *x;

		if (!f->addr[0] || f->dns_infra)
			continue;
		x = json_pack("{s:o, s:s, s:i, s:s, s:o, s:o, s:s, s:I, s:I, s:I, s:o, s:b, s:I}",
			      "host", jstr_or_null(f->host), "addr", f->addr, "port", f->port,
			      "proto", f->proto, "tls",
			      f->tls && f->negotiated ? json_string(tls_name(f->negotiated))
						      : json_null(),
			      "sni", f->has_sni ? json_string(f->sni) : json_null(), "declared",
			      decl_name(f->declared), "bytes_out", (json_int_t)f->bytes_out,
			      "bytes_in", (json_int_t)f->bytes_in, "flow", (json_int_t)f->id,
			      "named_by", jstr_or_null(f->named_by), "ok",
			      f->connect_ok || !f->has_connect, "line", (json_int_t)f->first_line);
		if (!x || json_array_append_new(conns, x) < 0)
			goto fail;
	}
	*ret_conns = json_array_size(conns);
	/* DNS: one entry per (name, qtype), answers merged, in order of the first lookup */
	if (m->n_dns) {
		size_t *ix = calloc(m->n_dns, sizeof(*ix)), ng = 0, i;
		struct dgroup *g = calloc(m->n_dns, sizeof(*g));

		if (!ix || !g) {
			free(ix);
			free(g);
			goto fail;
		}
		for (k = 0; k < m->n_dns; k++)
			ix[k] = k;
		sort_model = m;
		qsort(ix, m->n_dns, sizeof(*ix), cmp_dnsix);
		for (k = 0; k < m->n_dns;) {
			size_t end = k;

			while (end < m->n_dns &&
			       !strcmp(m->dns[ix[end]].name, m->dns[ix[k]].name) &&
			       !strcmp(m->dns[ix[end]].qtype, m->dns[ix[k]].qtype))
				end++;
			g[ng].from = k;
			g[ng].to = end;
			g[ng].first = m->dns[ix[k]].line;
			for (i = k; i < end; i++)
				if (m->dns[ix[i]].line < g[ng].first)
					g[ng].first = m->dns[ix[i]].line;
			ng++;
			k = end;
		}
		qsort(g, ng, sizeof(*g), cmp_dgroup);
		for (k = 0; k < ng && k < 5000; k++) {
			const struct dnsrec *d0 = &m->dns[ix[g[k].from]];
			json_t *x = json_pack("{s:s, s:s, s:[]}", "name", d0->name, "qtype",
					      d0->qtype[0] ? d0->qtype : "A", "answers"),
			       *ans;

			if (!x || json_array_append_new(dns, x) < 0) {
				free(ix);
				free(g);
				goto fail;
			}
			ans = json_object_get(x, "answers");
			for (i = g[k].from; i < g[k].to; i++) {
				const char *a = m->dns[ix[i]].answers;

				while (a && *a) {
					const char *comma = strchr(a, ',');
					size_t n = comma ? (size_t)(comma - a) : strlen(a), jj;
					bool dup = false;
					json_t *v;

					json_array_foreach (ans, jj, v)
						if (strlen(json_string_value(v)) == n &&
						    !strncmp(json_string_value(v), a, n))
							dup = true;
					if (!dup && json_array_size(ans) < 64)
						json_array_append_new(ans, json_stringn(a, n));
					a += n;
					if (*a == ',')
						a++;
				}
			}
		}
		free(ix);
		free(g);
	}
	/* files written: the inventory, then write events it does not cover; sorted by path */
	{
		struct fent *fe = NULL;
		size_t nfe = 0, cfe = 0;
		bool bad = false;

		for (k = 0; k < m->n_inv && !bad; k++) {
			if (array_grow((void **)&fe, &cfe, nfe + 1, sizeof(*fe)) < 0)
				bad = true;
			else
				fe[nfe++] = (struct fent){m->inv[k].path, 0, k};
		}
		for (k = 0; k < m->n_op && !bad; k++) {
			const struct open_ev *op = &m->op[k];

			if (op->ret < 0 || strcmp(op->kind, "file.open") ||
			    !strcmp(op->intent, "read") || !strncmp(op->path, "/dev/", 5) ||
			    !strncmp(op->path, "/proc/", 6))
				continue;
			if (array_grow((void **)&fe, &cfe, nfe + 1, sizeof(*fe)) < 0)
				bad = true;
			else
				fe[nfe++] = (struct fent){op->path, 1, k};
		}
		if (nfe)
			qsort(fe, nfe, sizeof(*fe), cmp_fent);
		for (k = 0; k < nfe && !bad && json_array_size(files) < 5000; k++) {
			json_t *x;

			if (k && !strcmp(fe[k - 1].path, fe[k].path))
				continue;
			if (fe[k].op == 0) {
				const struct inv_ev *v = &m->inv[fe[k].idx];

				x = json_pack("{s:s, s:o, s:o, s:s}", "path", v->path, "size",
					      v->size >= 0 ? json_integer(v->size) : json_null(),
					      "sha256", jstr_or_null(v->sha256), "change",
					      v->change);
			} else {
				x = json_pack("{s:s, s:n, s:n, s:s}", "path", fe[k].path, "size",
					      "sha256", "change", "written");
			}
			if (!x || json_array_append_new(files, x) < 0)
				bad = true;
		}
		free(fe);
		if (bad)
			goto fail;
	}
	for (k = 0; k < m->n_ex && json_array_size(progs) < 2000; k++) {
		const struct exec_ev *x = &m->ex[k];
		json_t *e;

		if (x->ret < 0)
			continue;
		e = json_pack("{s:s, s:O, s:i, s:I}", "path", x->path, "argv", x->argv, "pid",
			      x->pid, "line", (json_int_t)x->line);
		if (!e || json_array_append_new(progs, e) < 0)
			goto fail;
	}
	for (k = 0; k < c->n_t; k++) {
		const struct touched *t = &c->t[k];
		bool is_honey = !strncmp(t->name, "honey:", 6);
		const char *path = NULL;
		json_t *e;

		for (j = 0; j < m->n_can; j++)
			if (!strcmp(m->can[j].name, t->name))
				path = m->can[j].file;
		if (!is_honey)
			for (j = 0; j < c->p->k[K_HONEY].n; j++)
				if (!strcmp(c->p->k[K_HONEY].e[j].service, t->name))
					is_honey = true;
		if (is_honey)
			e = json_pack("{s:s, s:o, s:O}", "name", t->name, "path",
				      jstr_or_null(path), "how", t->where);
		else
			e = json_pack("{s:s, s:O}", "name", t->name, "where", t->where);
		if (!e || json_array_append_new(is_honey ? honey : sec, e) < 0)
			goto fail;
	}
	if (json_object_set_new(o, "connections", conns) < 0 ||
	    json_object_set_new(o, "dns", dns) < 0 ||
	    json_object_set_new(o, "files_written", files) < 0 ||
	    json_object_set_new(o, "programs", progs) < 0 ||
	    json_object_set_new(o, "secrets_touched", sec) < 0 ||
	    json_object_set_new(o, "honey_files_touched", honey) < 0) {
		json_decref(o);
		return NULL;
	}
	return o;
fail:
	json_decref(o);
	json_decref(conns);
	json_decref(dns);
	json_decref(files);
	json_decref(progs);
	json_decref(sec);
	json_decref(honey);
	return NULL;
}

static int sort_touched(const void *a, const void *b)
{
	return strcmp(((const struct touched *)a)->name, ((const struct touched *)b)->name);
}

static json_t *build_report(struct jctx *c)
{
	struct model *m = c->m;
	int counts[5] = {0};
	json_t *r = NULL, *findings, *observed, *run, *conn;
	size_t nconn = 0;
	bool fail = false;
	size_t k;

	if (c->n_t)
		qsort(c->t, c->n_t, sizeof(*c->t), sort_touched);
	observed = observed_json(c, &nconn);
	findings = findings_json(c, counts);
	if (!observed || !findings)
		goto out;
	for (k = 0; k < c->n_f; k++)
		if (c->p->rules[c->f[k].rule].severity >= SEV_MEDIUM)
			fail = true;
	conn = c->man ? json_pack("{s:s, s:s}", "name", c->man->connector, "version",
				  c->man->version)
		      : json_null();
	run = json_pack("{s:s, s:O, s:O, s:O, s:o, s:o, s:o, s:b, s:{s:s, s:s}, s:s}", "started",
			m->started, "command", json_object_get(m->header, "command"), "tool",
			json_object_get(m->header, "tool"), "kernel",
			json_object_get(m->header, "kernel"), "duration_ms",
			m->have_end ? json_integer(m->duration_ns / 1000000) : json_null(),
			"exit_code", m->have_end ? json_integer(m->exit_code) : json_null(),
			"signal", m->have_end ? json_integer(m->signal) : json_null(), "timed_out",
			m->timed_out, "policy", "id", policy_id(c->p), "sha256",
			policy_sha256(c->p), "trace_sha256", m->trace_sha256);
	r = json_pack("{s:i, s:s, s:o, s:o, s:{s:I, s:i, s:i, s:i, s:i, s:I, s:I, s:I}, s:o, s:o}",
		      "format", 1, "verdict",
		      c->incomplete ? "incomplete"
		      : fail	    ? "fail"
				    : "pass",
		      "connector", conn, "run", run, "summary", "findings", (json_int_t)c->n_f,
		      "critical", counts[SEV_CRITICAL], "high", counts[SEV_HIGH], "medium",
		      counts[SEV_MEDIUM], "low", counts[SEV_LOW], "events",
		      (json_int_t)(m->lines > 0 ? m->lines - 1 : 0), "connections",
		      (json_int_t)nconn, "lost", (json_int_t)MAX(m->lost_total, m->end_lost),
		      "observed", observed, "findings", findings);
	observed = findings = NULL;
out:
	json_decref(observed);
	json_decref(findings);
	return r;
}

static void jctx_fini(struct jctx *c)
{
	size_t k;

	for (k = 0; k < c->n_f; k++) {
		free(c->f[k].key);
		free(c->f[k].summary);
		free(c->f[k].ev);
	}
	free(c->f);
	free(c->fhash);
	free(c->w);
	for (k = 0; k < c->n_t; k++) {
		free(c->t[k].name);
		json_decref(c->t[k].where);
	}
	free(c->t);
}

int judge_check_file(const char *trace_path, const struct manifest *manifest,
		     const struct policy *policy, json_t **ret_report, struct error *err)
{
	struct model m = {0};
	struct manifest *embedded = NULL;
	struct jctx c = {0};
	json_t *report;
	int r;

	if (!policy)
		return error_set(err, EINVAL, 0, 0, "no policy");
	r = model_load(trace_path, policy, &m, err);
	if (r < 0)
		goto out;
	if (!manifest) {
		json_t *mj = json_object_get(m.header, "manifest");

		if (mj && json_is_object(mj)) {
			/* positions of the embedded manifest: in line 1 under /manifest */
			struct jpos pos = {0};

			jpos_scan(m.header_text, m.header_len, JUDGE_JSON_DEPTH_MAX, &pos, NULL);
			r = manifest_from_json_pos(mj, &pos, "/manifest", &embedded, err);
			jpos_fini(&pos);
			if (r < 0 && err) {
				char t[sizeof(err->text) + 32];

				snprintf(t, sizeof(t), "header: embedded %s", err->text);
				snprintf(err->text, sizeof(err->text), "%.*s",
					 (int)sizeof(err->text) - 1, t);
				if (!err->line)
					err->line = err->column = 1;
			}
			if (r < 0)
				goto out;
		}
		manifest = embedded;
	}
	r = model_derive(&m, manifest, policy);
	if (r < 0)
		goto nomem;
	c.m = &m;
	c.man = manifest;
	c.p = policy;
	if ((r = rule_flows(&c)) < 0 || (r = rule_storage(&c)) < 0 || (r = rule_hidden(&c)) < 0 ||
	    (r = rule_canaries(&c)) < 0 || (r = rule_access(&c)) < 0 ||
	    (r = rule_persist(&c)) < 0 || (r = rule_code(&c)) < 0 || (r = rule_sandbox(&c)) < 0 ||
	    (r = rule_monitor(&c)) < 0)
		goto nomem;
	report = build_report(&c);
	if (!report) {
		r = -ENOMEM;
		goto nomem;
	}
	*ret_report = report;
	r = 0;
	goto out;
nomem:
	error_set(err, -r, 0, 0, "cannot judge the trace: %s", strerror(-r));
out:
	jctx_fini(&c);
	manifest_free(embedded);
	model_fini(&m);
	return r;
}

enum severity judge_max_severity(const json_t *report)
{
	enum severity worst = SEV_NONE, s;
	json_t *f;
	size_t k;

	json_array_foreach (json_object_get(report, "findings"), k, f) {
		if (severity_parse(json_string_value(json_object_get(f, "severity")), &s) == 0 &&
		    s > worst)
			worst = s;
	}
	/* an incomplete record never passes, even under a policy without MON-1 */
	if (!strcmp(json_string_value(json_object_get(report, "verdict")) ?: "", "incomplete") &&
	    worst < SEV_MEDIUM)
		worst = SEV_MEDIUM;
	return worst;
}
