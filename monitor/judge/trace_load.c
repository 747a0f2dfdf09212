/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * trace_load: reads a trace (DESIGN.md §3) line by line into the judge's model. Strict about
 * JSON syntax, the header and the types of the fields it knows; tolerant of unknown event
 * kinds and unknown fields (a newer recorder). Bounded: trace size, line length, line count,
 * nesting depth, bytes kept. Never slurps the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "judge/model.h"
#include "util/b64.h"
#include "util/sha256.h"

struct lctx {
	struct model *m;
	const struct policy *p;
	const char *text; /* the current line */
	size_t len;
	long line;
	struct error *err;
};

/* An error about a field of the current line, at the field's column. */
static int lerr(struct lctx *c, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int lerr(struct lctx *c, const char *field, const char *fmt, ...)
{
	struct jpos pos = {0};
	unsigned int l = 1, col = 1;
	char text[400];
	va_list ap;

	if (field && jpos_scan(c->text, c->len, JUDGE_JSON_DEPTH_MAX, &pos, NULL) == 0)
		if (!jpos_find(&pos, field, false, &l, &col))
			jpos_find(&pos, "", false, &l, &col);
	jpos_fini(&pos);
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	return error_set(c->err, EINVAL, (unsigned int)c->line, col, "%s", text);
}

static const char *kind_of(const json_t *ev)
{
	return json_string_value(json_object_get(ev, "kind"));
}

/* Typed field access: present with the wrong type is an error; absent is fine unless req. */
static int fstr(struct lctx *c, const json_t *ev, const char *k, bool req, const char **ret)
{
	json_t *v = json_object_get(ev, k);
	char p[80];

	*ret = NULL;
	snprintf(p, sizeof(p), "/%s", k);
	if (!v || json_is_null(v)) {
		if (req)
			return lerr(c, "", "%s: missing field \"%s\"", kind_of(ev), k);
		return 0;
	}
	if (!json_is_string(v))
		return lerr(c, p, "%s: \"%s\" must be a string", kind_of(ev), k);
	*ret = json_string_value(v);
	return 0;
}

static int fint(struct lctx *c, const json_t *ev, const char *k, bool req, int64_t *ret)
{
	json_t *v = json_object_get(ev, k);
	char p[80];

	snprintf(p, sizeof(p), "/%s", k);
	if (!v || json_is_null(v)) {
		if (req)
			return lerr(c, "", "%s: missing field \"%s\"", kind_of(ev), k);
		return 0;
	}
	if (!json_is_integer(v))
		return lerr(c, p, "%s: \"%s\" must be an integer", kind_of(ev), k);
	*ret = json_integer_value(v);
	return 0;
}

static int fbool(struct lctx *c, const json_t *ev, const char *k, bool *ret)
{
	json_t *v = json_object_get(ev, k);
	char p[80];

	snprintf(p, sizeof(p), "/%s", k);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_boolean(v))
		return lerr(c, p, "%s: \"%s\" must be true or false", kind_of(ev), k);
	*ret = json_is_true(v);
	return 0;
}

static int fb64(struct lctx *c, const json_t *ev, const char *k, bool req, uint8_t **ret,
		size_t *ret_len)
{
	const char *s;
	size_t n;
	long got;
	uint8_t *b;
	char p[80];
	int r;

	*ret = NULL;
	*ret_len = 0;
	r = fstr(c, ev, k, req, &s);
	if (r < 0 || !s)
		return r;
	n = strlen(s);
	b = malloc(n / 4 * 3 + 4);
	if (!b)
		return -ENOMEM;
	got = b64_decode(s, n, b);
	if (got < 0) {
		free(b);
		snprintf(p, sizeof(p), "/%s", k);
		return lerr(c, p, "%s: \"%s\" is not valid base64", kind_of(ev), k);
	}
	*ret = b;
	*ret_len = (size_t)got;
	return 0;
}

#define PUSH(arr, n, cap)                                                              \
	({                                                                             \
		int _r = array_grow((void **)&(arr), &(cap), (n) + 1, sizeof(*(arr))); \
		_r < 0 ? NULL : memset(&(arr)[(n)++], 0, sizeof(*(arr)));              \
	})

static uint64_t fkey(uint64_t id, bool udp, const char *addr, uint16_t port)
{
	uint64_t h = id * 0x9e3779b97f4a7c15ull;

	if (udp) {
		for (; *addr; addr++)
			h = (h ^ (uint8_t)*addr) * 0x100000001b3ull;
		h ^= port * 0xff51afd7ed558ccdull;
	}
	return h;
}

static struct flow *flow_get(struct model *m, uint64_t id, bool udp, const char *addr,
			     uint16_t port, long line)
{
	struct flow *f, **pp;
	size_t b;

	if (!m->ftab) {
		m->ftab_n = 65536;
		m->ftab = calloc(m->ftab_n, sizeof(*m->ftab));
		if (!m->ftab)
			return NULL;
	}
	b = fkey(id, udp, addr ? addr : "", port) % m->ftab_n;
	for (f = m->ftab[b]; f; f = f->next)
		if (f->id == id && f->udp == udp &&
		    (!udp || (f->port == port && strcmp(f->addr, addr) == 0)))
			return f;
	if (m->n_flows >= 1000000)
		return NULL;
	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->id = id;
	f->udp = udp;
	f->first_line = line;
	if (addr)
		snprintf(f->addr, sizeof(f->addr), "%s", addr);
	f->port = port;
	snprintf(f->proto, sizeof(f->proto), "%s", udp ? "udp" : "tcp");
	pp = &m->ftab[b];
	f->next = *pp;
	*pp = f;
	if (array_grow((void **)&m->flows, &m->flows_cap, m->n_flows + 1, sizeof(*m->flows)) < 0)
		return NULL;
	m->flows[m->n_flows++] = f;
	return f;
}

static bool keep_ok(struct model *m, size_t n)
{
	if (m->kept + n > JUDGE_KEEP_TOTAL) {
		m->kept_capped = true;
		return false;
	}
	m->kept += n;
	return true;
}

/* Stores bytes at off into a bounded stream buffer; bytes past JUDGE_FLOW_KEEP are dropped. */
static int stream_put(struct model *m, uint8_t **buf, size_t *len, size_t *cap, uint64_t off,
		      const uint8_t *b, size_t n)
{
	size_t end;

	if (off >= JUDGE_FLOW_KEEP)
		return 0;
	if (n > JUDGE_FLOW_KEEP - off)
		n = JUDGE_FLOW_KEEP - off;
	end = (size_t)off + n;
	if (end > *cap) {
		size_t ncap = *cap ? *cap : 4096, grow;
		uint8_t *nb;

		while (ncap < end)
			ncap *= 2;
		if (ncap > JUDGE_FLOW_KEEP)
			ncap = JUDGE_FLOW_KEEP;
		grow = ncap - *cap;
		if (!keep_ok(m, grow))
			return 0;
		nb = realloc(*buf, ncap);
		if (!nb)
			return -ENOMEM;
		memset(nb + *cap, 0, grow);
		*buf = nb;
		*cap = ncap;
	}
	memcpy(*buf + off, b, n);
	if (end > *len)
		*len = end;
	return 0;
}

/* Records where a stored segment came from (the trace line of its bytes). */
static int seg_push(struct seg **segs, size_t *n_segs, size_t *cap, uint64_t off, size_t len,
		    long line)
{
	struct seg *s = PUSH(*segs, *n_segs, *cap);

	if (!s)
		return -ENOMEM;
	s->off = off;
	s->len = (uint32_t)len;
	s->line = line;
	return 0;
}

/* Keeps a datagram (takes b) while the per-flow and total bounds allow. */
static int dgram_add(struct model *m, struct flow *f, uint8_t *b, size_t n, long line, bool out)
{
	struct dgram *d;

	if (!b || f->n_dg >= JUDGE_DGRAMS_MAX || !keep_ok(m, n)) {
		free(b);
		return 0;
	}
	d = PUSH(f->dg, f->n_dg, f->dg_cap);
	if (!d) {
		free(b);
		return -ENOMEM;
	}
	d->b = b;
	d->n = n;
	d->line = line;
	d->out = out;
	return 0;
}

static int ev_net(struct lctx *c, const json_t *ev, const char *kind, int pid)
{
	struct model *m = c->m;
	const char *proto = NULL, *addr = NULL, *dir = NULL;
	int64_t flow = 0, port = 0, ret = 0, off = 0;
	bool denied = false, udp, out;
	uint64_t *bytes_dir;
	long *first_dir;
	char canon[64];
	struct flow *f;
	uint8_t *b = NULL;
	size_t n = 0;
	int r;

	if ((r = fint(c, ev, "flow", true, &flow)) < 0 ||
	    (r = fstr(c, ev, "proto", false, &proto)) < 0 ||
	    (r = fstr(c, ev, "addr", false, &addr)) < 0 ||
	    (r = fint(c, ev, "port", false, &port)) < 0)
		return r;
	if (port < 0 || port > 65535)
		return lerr(c, "/port", "%s: port out of range", kind);
	if (addr && strlen(addr) >= 64)
		return lerr(c, "/addr", "%s: \"addr\" is not an address", kind);
	if (addr) {
		/* a JVM connects to IPv4 peers as ::ffff:a.b.c.d: one address, one form */
		addr_canon(addr, canon);
		addr = canon;
	}
	if (!strcmp(kind, "net.connect")) {
		if ((r = fint(c, ev, "ret", false, &ret)) < 0 ||
		    (r = fbool(c, ev, "denied", &denied)) < 0)
			return r;
		if (!addr)
			return lerr(c, "", "net.connect: missing field \"addr\"");
		udp = proto && !strcmp(proto, "udp");
		f = flow_get(m, (uint64_t)flow, udp, addr, (uint16_t)port, c->line);
		if (!f)
			return -ENOMEM;
		if (!udp) {
			snprintf(f->addr, sizeof(f->addr), "%s", addr);
			f->port = (uint16_t)port;
		}
		if (proto)
			snprintf(f->proto, sizeof(f->proto), "%s", proto);
		if (!f->has_connect) {
			f->has_connect = true;
			f->connect_ok = ret == 0 || ret == -115; /* EINPROGRESS */
			f->denied = denied;
			f->pid = pid;
			f->first_line = f->first_line ? MIN(f->first_line, c->line) : c->line;
		} else if (ret == 0) {
			f->connect_ok = true;
		}
		return 0;
	}
	if (!strcmp(kind, "net.send")) {
		json_t *bytes = json_object_get(ev, "bytes");

		if (json_is_null(bytes))
			bytes = NULL; /* the recorder did not see the datagram's size */
		if (!addr)
			return lerr(c, "", "net.send: missing field \"addr\"");
		f = flow_get(m, (uint64_t)flow, true, addr, (uint16_t)port, c->line);
		if (!f)
			return -ENOMEM;
		if (proto)
			snprintf(f->proto, sizeof(f->proto), "%s", proto);
		if (!f->pid)
			f->pid = pid;
		if (bytes && json_is_string(bytes))
			r = fb64(c, ev, "bytes", false, &b, &n);
		else if (bytes && !json_is_integer(bytes))
			return lerr(c, "/bytes", "net.send: \"bytes\" must be a count or base64");
		if (r < 0)
			return r;
		if (!b && (r = fb64(c, ev, "b64", false, &b, &n)) < 0)
			return r;
		if (bytes && json_is_integer(bytes))
			f->bytes_out += (uint64_t)json_integer_value(bytes);
		else
			f->bytes_out += n;
		if (!f->first_out_line)
			f->first_out_line = c->line;
		return dgram_add(m, f, b, n, c->line, true);
	}
	/* net.data */
	if ((r = fstr(c, ev, "dir", true, &dir)) < 0 ||
	    (r = fint(c, ev, "offset", false, &off)) < 0)
		return r;
	if (strcmp(dir, "out") && strcmp(dir, "in"))
		return lerr(c, "/dir", "net.data: \"dir\" is \"out\" or \"in\"");
	if (off < 0)
		return lerr(c, "/offset", "net.data: negative offset");
	r = fb64(c, ev, "b64", true, &b, &n);
	if (r < 0)
		return r;
	udp = addr != NULL;
	f = flow_get(m, (uint64_t)flow, udp, addr, (uint16_t)port, c->line);
	if (!f) {
		free(b);
		return -ENOMEM;
	}
	if (!f->pid)
		f->pid = pid;
	out = !strcmp(dir, "out");
	bytes_dir = out ? &f->bytes_out : &f->bytes_in;
	first_dir = out ? &f->first_out_line : &f->first_in_line;
	if (!*first_dir)
		*first_dir = c->line;
	if (udp) {
		json_t *total = json_object_get(ev, "bytes");

		*bytes_dir += json_is_integer(total) && json_integer_value(total) >= (json_int_t)n
				      ? (size_t)json_integer_value(total)
				      : n;
		return dgram_add(m, f, b, n, c->line, out);
	}
	if ((uint64_t)off + n > *bytes_dir)
		*bytes_dir = (uint64_t)off + n;
	if (out)
		r = stream_put(m, &f->out, &f->out_len, &f->out_cap, (uint64_t)off, b, n);
	else
		r = stream_put(m, &f->in, &f->in_len, &f->in_cap, (uint64_t)off, b, n);
	if (r == 0 && out)
		r = seg_push(&f->oseg, &f->n_oseg, &f->oseg_cap, (uint64_t)off, n, c->line);
	else if (r == 0)
		r = seg_push(&f->iseg, &f->n_iseg, &f->iseg_cap, (uint64_t)off, n, c->line);
	free(b);
	return r;
}

static int ev_decoded(struct lctx *c, const json_t *ev, const char *kind)
{
	struct model *m = c->m;
	int64_t flow = -1;
	struct flow *f = NULL;
	const char *s = NULL;
	int r;

	if (!strncmp(kind, "dns.", 4)) {
		const char *name = NULL, *qtype = NULL;
		struct dnsrec *d;
		json_t *addrs;

		if ((r = fstr(c, ev, "name", true, &name)) < 0 ||
		    (r = fstr(c, ev, "qtype", false, &qtype)) < 0)
			return r;
		addrs = json_object_get(ev, "addrs");
		if (addrs && !json_is_array(addrs))
			return lerr(c, "/addrs", "%s: \"addrs\" must be an array", kind);
		d = PUSH(m->dns, m->n_dns, m->dns_cap);
		if (!d)
			return -ENOMEM;
		snprintf(d->name, sizeof(d->name), "%s", name);
		snprintf(d->qtype, sizeof(d->qtype), "%s", qtype ? qtype : "");
		d->line = -c->line; /* negative: from a decoded line, dropped if raw DNS exists */
		d->response = !strcmp(kind, "dns.answer");
		if (addrs) {
			size_t i, tot = 1;
			json_t *a;

			json_array_foreach (addrs, i, a) {
				if (!json_is_string(a))
					return lerr(c, "/addrs", "%s: addresses are strings", kind);
				tot += strlen(json_string_value(a)) + 1;
			}
			d->answers = calloc(1, tot);
			if (!d->answers)
				return -ENOMEM;
			json_array_foreach (addrs, i, a) {
				if (i)
					strcat(d->answers, ",");
				strcat(d->answers, json_string_value(a));
			}
		}
		return 0;
	}
	if ((r = fint(c, ev, "flow", false, &flow)) < 0)
		return r;
	if (flow >= 0) {
		f = flow_get(m, (uint64_t)flow, false, NULL, 0, c->line);
		if (!f)
			return -ENOMEM;
	}
	if (!strcmp(kind, "tls.client_hello") && f) {
		json_t *vers = json_object_get(ev, "versions"), *v;
		size_t i;

		if ((r = fstr(c, ev, "sni", false, &s)) < 0)
			return r;
		if (vers && !json_is_array(vers))
			return lerr(c, "/versions",
				    "tls.client_hello: \"versions\" must be an array");
		f->t_ch = true;
		f->t_ch_line = c->line;
		snprintf(f->t_sni, sizeof(f->t_sni), "%s", s ? s : "");
		json_array_foreach (vers, i, v) {
			const char *vs = json_string_value(v);
			uint16_t w = 0;

			if (!vs)
				continue;
			if (!strcmp(vs, "1.0"))
				w = 0x0301;
			else if (!strcmp(vs, "1.1"))
				w = 0x0302;
			else if (!strcmp(vs, "1.2"))
				w = 0x0303;
			else if (!strcmp(vs, "1.3"))
				w = 0x0304;
			else if (!strcmp(vs, "SSL3.0"))
				w = 0x0300;
			if (!w)
				continue;
			if (!f->t_min || w < f->t_min)
				f->t_min = w;
			if (w > f->t_max)
				f->t_max = w;
		}
	} else if (!strcmp(kind, "tls.server_hello") && f) {
		if ((r = fstr(c, ev, "version", false, &s)) < 0)
			return r;
		f->t_sh = true;
		f->t_sh_line = c->line;
		f->t_version = !s		      ? 0
			       : !strcmp(s, "1.3")    ? 0x0304
			       : !strcmp(s, "1.2")    ? 0x0303
			       : !strcmp(s, "1.1")    ? 0x0302
			       : !strcmp(s, "1.0")    ? 0x0301
			       : !strcmp(s, "SSL3.0") ? 0x0300
						      : 0;
	} else if (!strcmp(kind, "http.request") && f) {
		if ((r = fstr(c, ev, "host", false, &s)) < 0)
			return r;
		f->t_http = true;
		f->t_http_line = c->line;
		snprintf(f->t_http_host, sizeof(f->t_http_host), "%s", s ? s : "");
	} else if (!strcmp(kind, "tls.plaintext") && f) {
		const char *dir = NULL;
		uint8_t *b = NULL;
		size_t n = 0, at;

		if ((r = fstr(c, ev, "dir", false, &dir)) < 0)
			return r;
		if (dir && strcmp(dir, "out") != 0)
			return 0;
		if ((r = fb64(c, ev, "bytes_b64", true, &b, &n)) < 0)
			return r;
		at = f->pt_len;
		r = stream_put(m, &f->pt, &f->pt_len, &f->pt_cap, at, b, n);
		if (r == 0)
			r = seg_push(&f->ptseg, &f->n_ptseg, &f->ptseg_cap, at, n, c->line);
		free(b);
		return r;
	}
	return 0;
}

static int ev_proc(struct lctx *c, const json_t *ev, int pid)
{
	struct model *m = c->m;
	const char *path = NULL;
	int64_t ppid = 0, ret = 0;
	struct exec_ev *x;
	json_t *argv;
	int r;

	if ((r = fstr(c, ev, "path", true, &path)) < 0 ||
	    (r = fint(c, ev, "ppid", false, &ppid)) < 0 ||
	    (r = fint(c, ev, "ret", false, &ret)) < 0)
		return r;
	argv = json_object_get(ev, "argv");
	if (argv && !json_is_array(argv))
		return lerr(c, "/argv", "proc.exec: \"argv\" must be an array");
	if (m->n_ex >= 1000000)
		return 0;
	x = PUSH(m->ex, m->n_ex, m->ex_cap);
	if (!x)
		return -ENOMEM;
	x->path = strdup(path);
	x->argv = argv ? json_deep_copy(argv) : json_array();
	x->pid = pid;
	x->ppid = (int)ppid;
	x->ret = ret;
	x->line = c->line;
	if (!x->path || !x->argv)
		return -ENOMEM;
	if ((r = fbool(c, ev, "memfd", &x->memfd)) < 0 ||
	    (r = fbool(c, ev, "fd_exec", &x->fd_exec)) < 0 ||
	    (r = fbool(c, ev, "written_during_run", &x->written)) < 0 ||
	    (r = fbool(c, ev, "deleted", &x->deleted)) < 0)
		return r;
	return 0;
}

/* Is this read-open worth keeping (credentials, honey files, environ, code)? */
static bool interesting_read(const struct model *m, const struct policy *p, const char *path)
{
	size_t k, n = strlen(path);

	if (!strncmp(path, "/proc/", 6) && n > 8 && !strcmp(path + n - 8, "/environ"))
		return true;
	for (k = 0; k < m->n_can; k++)
		if (m->can[k].file && !strcmp(m->can[k].file, path))
			return true;
	for (k = 0; k < m->n_cred_pats; k++)
		if (m->cred_pats[k] && path_glob(m->cred_pats[k], path))
			return true;
	for (k = 0; k < m->n_honey_pats; k++)
		if (m->honey_pats[k] && !strcmp(m->honey_pats[k], path))
			return true;
	for (k = 0; k < p->p.n_load_exts; k++) {
		size_t e = strlen(p->p.load_exts[k]);

		if (n > e && !strcmp(path + n - e, p->p.load_exts[k]))
			return true;
		if (strstr(path, ".so."))
			return true;
	}
	return false;
}

static int ev_file(struct lctx *c, const json_t *ev, const char *kind, int pid)
{
	struct model *m = c->m;
	const char *path = NULL, *path2 = NULL, *intent = NULL;
	int64_t ret = 0;
	struct open_ev *o;
	bool honey = false;
	int r;

	if ((r = fstr(c, ev, "path", true, &path)) < 0 ||
	    (r = fstr(c, ev, "path2", false, &path2)) < 0 ||
	    (r = fint(c, ev, "ret", false, &ret)) < 0)
		return r;
	if (!strcmp(kind, "file.open")) {
		if ((r = fstr(c, ev, "intent", true, &intent)) < 0)
			return r;
		if (strcmp(intent, "read") && strcmp(intent, "write") && strcmp(intent, "create"))
			return lerr(c, "/intent", "file.open: \"intent\" is read, write or create");
		if ((r = fbool(c, ev, "honey", &honey)) < 0)
			return r;
		if (!strcmp(intent, "read") && !honey && !interesting_read(m, c->p, path))
			return 0;
	}
	if (m->n_op >= 4000000)
		return 0;
	o = PUSH(m->op, m->n_op, m->op_cap);
	if (!o)
		return -ENOMEM;
	o->path = strdup(path);
	o->path2 = path2 ? strdup(path2) : NULL;
	if (!o->path || (path2 && !o->path2))
		return -ENOMEM;
	snprintf(o->intent, sizeof(o->intent), "%s", intent ? intent : "write");
	snprintf(o->kind, sizeof(o->kind), "%s", kind);
	o->ret = ret;
	o->pid = pid;
	o->line = c->line;
	o->honey = honey;
	return 0;
}

static int ev_inventory(struct lctx *c, const json_t *ev)
{
	struct model *m = c->m;
	const char *path = NULL, *sha = NULL, *change = NULL;
	int64_t size = -1;
	struct inv_ev *x;
	uint8_t *b = NULL;
	size_t n = 0;
	int r;

	if ((r = fstr(c, ev, "path", true, &path)) < 0 ||
	    (r = fstr(c, ev, "sha256", false, &sha)) < 0 ||
	    (r = fstr(c, ev, "change", false, &change)) < 0 ||
	    (r = fint(c, ev, "size", false, &size)) < 0)
		return r;
	x = PUSH(m->inv, m->n_inv, m->inv_cap);
	if (!x)
		return -ENOMEM;
	x->path = strdup(path);
	if (!x->path)
		return -ENOMEM;
	x->size = size;
	snprintf(x->sha256, sizeof(x->sha256), "%s", sha ? sha : "");
	snprintf(x->change, sizeof(x->change), "%s", change ? change : "created");
	x->line = c->line;
	if ((r = fbool(c, ev, "truncated", &x->truncated)) < 0 ||
	    (r = fb64(c, ev, "b64", false, &b, &n)) < 0)
		return r;
	if (b && keep_ok(m, n)) {
		x->data = b;
		x->len = n;
	} else {
		free(b);
	}
	return 0;
}

static int ev_simple(struct lctx *c, const json_t *ev, const char *kind, int pid)
{
	struct model *m = c->m;
	struct simple_ev *s;
	const char *a = NULL, *b = NULL;
	int64_t n = 0;
	int r;

	if (!strcmp(kind, "sandbox.denied")) {
		json_t *args = json_object_get(ev, "args");

		if ((r = fstr(c, ev, "syscall", true, &a)) < 0)
			return r;
		if (m->n_denied >= 100000)
			return 0;
		s = PUSH(m->denied, m->n_denied, m->denied_cap);
		if (!s)
			return -ENOMEM;
		s->a = strdup(a);
		s->b = args ? json_dumps(args, JSON_COMPACT) : strdup("");
	} else if (!strcmp(kind, "log")) {
		if ((r = fstr(c, ev, "stream", false, &a)) < 0 ||
		    (r = fstr(c, ev, "line", true, &b)) < 0)
			return r;
		if (!c->p->p.search_logs || !keep_ok(m, strlen(b)))
			return 0;
		s = PUSH(m->logs, m->n_logs, m->logs_cap);
		if (!s)
			return -ENOMEM;
		s->a = strdup(a ? a : "stdout");
		s->b = strdup(b);
	} else if (!strcmp(kind, "monitor.loss")) {
		if ((r = fint(c, ev, "lost", true, &n)) < 0 ||
		    (r = fstr(c, ev, "where", false, &a)) < 0)
			return r;
		s = PUSH(m->losses, m->n_losses, m->losses_cap);
		if (!s)
			return -ENOMEM;
		s->a = strdup(a ? a : "");
		s->b = strdup("");
		if (n > 0)
			m->lost_total += n;
	} else { /* file.fanotify */
		if ((r = fstr(c, ev, "path", true, &a)) < 0 ||
		    (r = fstr(c, ev, "event", false, &b)) < 0)
			return r;
		if (!interesting_read(m, c->p, a))
			return 0;
		s = PUSH(m->fan, m->n_fan, m->fan_cap);
		if (!s)
			return -ENOMEM;
		s->a = strdup(a);
		s->b = strdup(b ? b : "access");
	}
	if (!s->a || !s->b)
		return -ENOMEM;
	s->n = n;
	s->pid = pid;
	s->line = c->line;
	return 0;
}

static int ev_end(struct lctx *c, const json_t *ev)
{
	struct model *m = c->m;
	int r;

	m->have_end = true;
	m->end_line = c->line;
	if ((r = fint(c, ev, "exit_code", false, &m->exit_code)) < 0 ||
	    (r = fint(c, ev, "signal", false, &m->signal)) < 0 ||
	    (r = fint(c, ev, "exec_errno", false, &m->exec_errno)) < 0 ||
	    (r = fint(c, ev, "duration_ns", false, &m->duration_ns)) < 0 ||
	    (r = fint(c, ev, "events", false, &m->end_events)) < 0 ||
	    (r = fint(c, ev, "lost", false, &m->end_lost)) < 0 ||
	    (r = fint(c, ev, "log_dropped", false, &m->log_dropped)) < 0 ||
	    (r = fbool(c, ev, "timed_out", &m->timed_out)) < 0 ||
	    (r = fbool(c, ev, "interrupted", &m->interrupted)) < 0 ||
	    (r = fbool(c, ev, "bad_arch_killed", &m->bad_arch)) < 0)
		return r;
	return 0;
}

static int load_header(struct lctx *c, json_t *h)
{
	struct model *m = c->m;
	const char *k, *s;
	json_t *v, *sb, *can, *net;
	int64_t fmt = 0;
	size_t i;
	int r;

	k = kind_of(h);
	if (!k || strcmp(k, "header"))
		return lerr(c, "/kind",
			    "line 1 must be the trace header ({\"kind\":\"header\",...})");
	if ((r = fint(c, h, "format", true, &fmt)) < 0)
		return r;
	if (fmt != 1)
		return lerr(c, "/format",
			    "trace format %lld is not supported (this conduct reads 1)",
			    (long long)fmt);
	if ((r = fstr(c, h, "started", true, &m->started)) < 0 ||
	    (r = fstr(c, h, "tool", true, &s)) < 0 || (r = fstr(c, h, "kernel", true, &s)) < 0)
		return r;
	if (parse_utc(m->started, &m->started_s) < 0)
		return lerr(c, "/started", "header: \"started\" is not YYYY-MM-DDTHH:MM:SSZ");
	v = json_object_get(h, "command");
	if (!json_is_array(v))
		return lerr(c, v ? "/command" : "",
			    "header: \"command\" must be an array of strings");
	json_array_foreach (v, i, sb)
		if (!json_is_string(sb))
			return lerr(c, "/command",
				    "header: \"command\" must be an array of strings");
	sb = json_object_get(h, "sandbox");
	if (!json_is_object(sb))
		return lerr(c, sb ? "/sandbox" : "", "header: \"sandbox\" must be an object");
	m->home = json_string_value(json_object_get(sb, "home"));
	m->workdir = json_string_value(json_object_get(sb, "workdir"));
	m->writable = json_object_get(sb, "writable");
	if (m->writable && !json_is_array(m->writable))
		return lerr(c, "/sandbox/writable", "header: sandbox.writable must be an array");
	net = json_object_get(sb, "net");
	if (net && json_is_object(net)) /* nameservers: an array (net_describe) or a string */
		m->dns_servers = json_object_get(net, "dns");
	v = json_object_get(h, "manifest");
	if (v && !json_is_object(v) && !json_is_null(v))
		return lerr(c, "/manifest", "header: \"manifest\" must be an object or null");
	v = json_object_get(h, "policy");
	if (!json_is_object(v))
		return lerr(c, v ? "/policy" : "",
			    "header: \"policy\" must be {\"id\",\"sha256\"}");
	can = json_object_get(h, "canaries");
	if (!json_is_array(can))
		return lerr(c, can ? "/canaries" : "", "header: \"canaries\" must be an array");
	m->can = calloc(json_array_size(can) + 1, sizeof(*m->can));
	if (!m->can)
		return -ENOMEM;
	json_array_foreach (can, i, v) {
		const char *name, *value, *where;
		char p[64];

		snprintf(p, sizeof(p), "/canaries/%zu", i);
		name = json_string_value(json_object_get(v, "name"));
		value = json_string_value(json_object_get(v, "value"));
		where = json_string_value(json_object_get(v, "where"));
		if (!json_is_object(v) || !name || !value || !where || !*value)
			return lerr(c, p,
				    "header: a canary is {\"name\",\"value\",\"where\"} strings");
		if (strcmp(where, "env") && strncmp(where, "file:", 5))
			return lerr(c, p,
				    "header: a canary's \"where\" is \"env\" or \"file:PATH\"");
		m->can[m->n_can].name = strdup(name);
		m->can[m->n_can].value = strdup(value);
		m->can[m->n_can].where = strdup(where);
		m->can[m->n_can].honey = !strncmp(name, "honey:", 6) || !strncmp(where, "file:", 5);
		if (!strncmp(where, "file:", 5))
			m->can[m->n_can].file = strdup(where + 5);
		m->n_can++;
		if (!m->can[m->n_can - 1].name || !m->can[m->n_can - 1].value ||
		    !m->can[m->n_can - 1].where)
			return -ENOMEM;
	}
	m->cred_pats = calloc(c->p->k[K_CREDENTIALS].n + 1, sizeof(char *));
	m->honey_pats = calloc(c->p->k[K_HONEY].n + 1, sizeof(char *));
	if (!m->cred_pats || !m->honey_pats)
		return -ENOMEM;
	for (i = 0; i < c->p->k[K_CREDENTIALS].n; i++)
		m->cred_pats[m->n_cred_pats++] = model_expand(m, c->p->k[K_CREDENTIALS].e[i].path);
	for (i = 0; i < c->p->k[K_HONEY].n; i++)
		m->honey_pats[m->n_honey_pats++] = model_expand(m, c->p->k[K_HONEY].e[i].path);
	m->header = json_incref(h);
	m->header_text = strndup(c->text, c->len);
	m->header_len = c->len;
	return m->header_text ? 0 : -ENOMEM;
}

static int handle_line(struct lctx *c)
{
	struct error jerr = {0};
	json_error_t je;
	json_auto_t *ev = NULL;
	const char *kind;
	int64_t t = 0, pid = 0;
	int r;

	if (c->len == 0 || (c->len == 1 && c->text[0] == '\r'))
		return error_set(c->err, EINVAL, (unsigned int)c->line, 1, "empty line");
	r = jpos_scan(c->text, c->len, JUDGE_JSON_DEPTH_MAX, NULL, &jerr);
	if (r < 0)
		return error_set(c->err, EINVAL, (unsigned int)c->line, jerr.column, "%s",
				 jerr.text);
	ev = json_loadb(c->text, c->len, JSON_REJECT_DUPLICATES, &je);
	if (!ev)
		return error_set(c->err, EINVAL, (unsigned int)c->line,
				 (unsigned int)MAX(je.column, 1), "%s", je.text);
	if (!json_is_object(ev))
		return error_set(c->err, EINVAL, (unsigned int)c->line, 1,
				 "a trace line is a JSON object");
	if (c->line == 1)
		return load_header(c, ev);
	kind = kind_of(ev);
	if (!kind)
		return lerr(c, json_object_get(ev, "kind") ? "/kind" : "",
			    "event without a string \"kind\"");
	if (!strcmp(kind, "header"))
		return lerr(c, "/kind", "a second header");
	if ((r = fint(c, ev, "t", false, &t)) < 0 || (r = fint(c, ev, "pid", false, &pid)) < 0)
		return r;
	if (!strcmp(kind, "net.connect") || !strcmp(kind, "net.send") || !strcmp(kind, "net.data"))
		return ev_net(c, ev, kind, (int)pid);
	if (!strncmp(kind, "tls.", 4) || !strncmp(kind, "dns.", 4) || !strcmp(kind, "http.request"))
		return ev_decoded(c, ev, kind);
	if (!strcmp(kind, "proc.exec"))
		return ev_proc(c, ev, (int)pid);
	if (!strcmp(kind, "file.open") || !strcmp(kind, "file.rename") ||
	    !strcmp(kind, "file.link") || !strcmp(kind, "file.unlink") ||
	    !strcmp(kind, "file.mkdir") || !strcmp(kind, "file.chmod") ||
	    !strcmp(kind, "file.truncate"))
		return ev_file(c, ev, kind, (int)pid);
	if (!strcmp(kind, "file.inventory"))
		return ev_inventory(c, ev);
	if (!strcmp(kind, "sandbox.denied") || !strcmp(kind, "log") ||
	    !strcmp(kind, "monitor.loss") || !strcmp(kind, "file.fanotify"))
		return ev_simple(c, ev, kind, (int)pid);
	if (!strcmp(kind, "run.end"))
		return ev_end(c, ev);
	return 0; /* unknown kinds: a newer recorder; skipped */
}

int model_load(const char *path, const struct policy *p, struct model *m, struct error *err)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *line = NULL;
	_cleanup_free_ uint8_t *chunk = NULL;
	struct lctx c = {.m = m, .p = p, .err = err};
	size_t llen = 0, lcap = 0;
	struct sha256 h;
	uint8_t dig[32];
	struct stat st;
	uint64_t total = 0;
	bool overlong = false;
	int r;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return error_set(err, errno, 0, 0, "cannot open: %s", strerror(errno));
	if (fstat(fd, &st) < 0)
		return error_set(err, errno, 0, 0, "cannot stat: %s", strerror(errno));
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > JUDGE_TRACE_MAX)
		return error_set(err, EINVAL, 0, 0, "trace larger than %llu bytes",
				 (unsigned long long)JUDGE_TRACE_MAX);
	chunk = malloc(1 << 16);
	if (!chunk)
		return -ENOMEM;
	sha256_init(&h);
	c.line = 1;
	for (;;) {
		ssize_t n = read(fd, chunk, 1 << 16);
		ssize_t i, start = 0;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return error_set(err, errno, 0, 0, "cannot read: %s", strerror(errno));
		}
		if (n == 0)
			break;
		total += (uint64_t)n;
		if (total > JUDGE_TRACE_MAX)
			return error_set(err, EINVAL, 0, 0, "trace larger than %llu bytes",
					 (unsigned long long)JUDGE_TRACE_MAX);
		sha256_update(&h, chunk, (size_t)n);
		for (i = 0; i <= n; i++) {
			bool nl = i < n && chunk[i] == '\n';
			size_t part;

			if (i < n && !nl)
				continue;
			part = (size_t)(i - start);
			if (llen + part > JUDGE_LINE_MAX) {
				overlong = true;
			} else if (part) {
				r = array_grow((void **)&line, &lcap, llen + part + 1, 1);
				if (r < 0)
					return r;
				memcpy(line + llen, chunk + start, part);
				llen += part;
			}
			start = i + 1;
			if (!nl)
				break;
			if (overlong)
				return error_set(err, EINVAL, (unsigned int)c.line, 1,
						 "line longer than %u bytes", JUDGE_LINE_MAX);
			if (c.line > JUDGE_LINES_MAX)
				return error_set(err, EINVAL, (unsigned int)c.line, 1,
						 "more than %ld lines", JUDGE_LINES_MAX);
			if (!line) {
				r = array_grow((void **)&line, &lcap, 1, 1);
				if (r < 0)
					return r;
			}
			line[llen] = '\0';
			c.text = line;
			c.len = llen;
			r = handle_line(&c);
			if (r < 0)
				return r == -ENOMEM ? error_set(err, ENOMEM, 0, 0, "out of memory")
						    : r;
			c.line++;
			llen = 0;
		}
	}
	if (overlong)
		return error_set(err, EINVAL, (unsigned int)c.line, 1, "line longer than %u bytes",
				 JUDGE_LINE_MAX);
	if (llen) {
		line[llen] = '\0';
		c.text = line;
		c.len = llen;
		r = handle_line(&c);
		if (r < 0)
			return r;
		c.line++;
	}
	if (c.line == 1)
		return error_set(err, EINVAL, 1, 1, "empty trace (no header)");
	m->lines = c.line - 1;
	sha256_final(&h, dig);
	sha256_to_hex(dig, m->trace_sha256);
	return 0;
}

static void simple_free(struct simple_ev *s, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++) {
		free(s[k].a);
		free(s[k].b);
	}
	free(s);
}

void model_fini(struct model *m)
{
	size_t k, j;

	for (k = 0; k < m->n_flows; k++) {
		struct flow *f = m->flows[k];

		free(f->out);
		free(f->in);
		free(f->oseg);
		free(f->iseg);
		for (j = 0; j < f->n_dg; j++)
			free(f->dg[j].b);
		free(f->dg);
		free(f->pt);
		free(f->ptseg);
		free(f);
	}
	free(m->flows);
	free(m->ftab);
	for (k = 0; k < m->n_dns; k++)
		free(m->dns[k].answers);
	free(m->dns);
	free(m->names);
	for (k = 0; k < m->n_ex; k++) {
		free(m->ex[k].path);
		json_decref(m->ex[k].argv);
	}
	free(m->ex);
	for (k = 0; k < m->n_op; k++) {
		free(m->op[k].path);
		free(m->op[k].path2);
	}
	free(m->op);
	for (k = 0; k < m->n_inv; k++) {
		free(m->inv[k].path);
		free(m->inv[k].data);
	}
	free(m->inv);
	simple_free(m->denied, m->n_denied);
	simple_free(m->logs, m->n_logs);
	simple_free(m->losses, m->n_losses);
	simple_free(m->fan, m->n_fan);
	for (k = 0; k < m->n_can; k++) {
		free(m->can[k].name);
		free(m->can[k].value);
		free(m->can[k].where);
		free(m->can[k].file);
	}
	free(m->can);
	for (k = 0; k < m->n_cred_pats; k++)
		free(m->cred_pats[k]);
	free(m->cred_pats);
	for (k = 0; k < m->n_honey_pats; k++)
		free(m->honey_pats[k]);
	free(m->honey_pats);
	json_decref(m->header);
	free(m->header_text);
	memset(m, 0, sizeof(*m));
}

char *model_expand(const struct model *m, const char *path)
{
	static const struct {
		const char *pfx;
		int which;
	} vars[] = {{"~/", 0}, {"$HOME", 0}, {"$WORKDIR", 1}, {"$TMPDIR", 2}};
	size_t k;
	char *out = NULL;

	if (!path)
		return NULL;
	for (k = 0; k < ARRAY_SIZE(vars); k++) {
		size_t n = strlen(vars[k].pfx);
		const char *base;

		if (strncmp(path, vars[k].pfx, n) != 0)
			continue;
		if (vars[k].pfx[0] == '$' && path[n] != '\0' && path[n] != '/')
			continue;
		base = vars[k].which == 0 ? m->home : vars[k].which == 1 ? m->workdir : "/tmp";
		if (!base)
			return NULL; /* the header does not say: the entry matches nothing */
		if (asprintf(&out, "%s%s%s", base, vars[k].pfx[0] == '~' ? "/" : "", path + n) < 0)
			return NULL;
		return out;
	}
	if (!strcmp(path, "~"))
		return m->home ? strdup(m->home) : NULL;
	return strdup(path);
}

/* The trace line of the segment holding offset off, or dflt. */
static long seg_line(const struct seg *segs, size_t n, uint64_t off, long dflt)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (off >= segs[k].off && off < segs[k].off + segs[k].len)
			return segs[k].line;
	return dflt;
}

long flow_line_at(const struct flow *f, uint64_t off)
{
	return seg_line(f->oseg, f->n_oseg, off, f->first_out_line);
}

long flow_in_line_at(const struct flow *f, uint64_t off)
{
	return seg_line(f->iseg, f->n_iseg, off, f->first_in_line);
}

long flow_pt_line_at(const struct flow *f, uint64_t off)
{
	return seg_line(f->ptseg, f->n_ptseg, off, f->n_ptseg ? f->ptseg[0].line : 0);
}
