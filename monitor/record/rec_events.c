/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rec_events: turns ring-buffer records into trace lines. Checks each record's size and type
 * before any cast, keeps the process table (fork/exec/exit), the per-process cwd and fd table
 * that resolve relative and dirfd paths to absolute paths in the sandbox's view (every table
 * entry carries the inode the kernel saw, so a stale or unknown fd is recognized and looked up
 * by inode instead), joins connect hooks with their results and sendmsg hooks with their
 * datagrams, and reassembles TCP streams by sequence offset before writing net.data.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "events.h"
#include "record/rec_internal.h"
#include "record/trace.h"
#include "util/b64.h"
#include "util/jsonx.h"
#include "util/log.h"
#include "wire/wire.h"

#ifndef O_TMPFILE_BIT
#define O_TMPFILE_BIT 020000000
#endif
#define REC_AT_FDCWD (-100)
#define REC_AT_EMPTY_PATH 0x1000
#define REC_RENAME_EXCHANGE 2
#define REC_MAX_FDS 65536

/* --- rmap ----------------------------------------------------------------------------------- */

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return x;
}

static uint64_t shash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 1099511628211ull;
	return h;
}

static struct rmap_ent **slot(const struct rmap *m, uint64_t key, const char *skey)
{
	struct rmap_ent **pe;

	if (!m->nb)
		return NULL;
	pe = &m->b[mix(key) & (m->nb - 1)];
	for (; *pe; pe = &(*pe)->next) {
		if ((*pe)->key != key)
			continue;
		if (!skey || ((*pe)->skey && strcmp((*pe)->skey, skey) == 0))
			return pe;
	}
	return pe;
}

static int grow(struct rmap *m)
{
	struct rmap_ent **nb;
	size_t n = m->nb ? m->nb * 2 : 64, i;

	nb = calloc(n, sizeof(*nb));
	if (!nb)
		return -ENOMEM;
	for (i = 0; i < m->nb; i++) {
		struct rmap_ent *e = m->b[i], *next;

		for (; e; e = next) {
			next = e->next;
			e->next = nb[mix(e->key) & (n - 1)];
			nb[mix(e->key) & (n - 1)] = e;
		}
	}
	free(m->b);
	m->b = nb;
	m->nb = n;
	return 0;
}

static int put(struct rmap *m, uint64_t key, const char *skey, void *val, void **ret_old)
{
	struct rmap_ent **pe, *e;

	if (ret_old)
		*ret_old = NULL;
	if ((m->n + 1 > m->nb) && grow(m) < 0)
		return -ENOMEM;
	pe = slot(m, key, skey);
	if (*pe) {
		if (ret_old)
			*ret_old = (*pe)->val;
		(*pe)->val = val;
		return 0;
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->key = key;
	if (skey) {
		e->skey = strdup(skey);
		if (!e->skey) {
			free(e);
			return -ENOMEM;
		}
	}
	e->val = val;
	*pe = e;
	m->n++;
	return 0;
}

void *rmap_get(const struct rmap *m, uint64_t key)
{
	struct rmap_ent **pe = slot(m, key, NULL);

	return pe && *pe ? (*pe)->val : NULL;
}

void *rmap_sget(const struct rmap *m, const char *key)
{
	struct rmap_ent **pe = slot(m, shash(key), key);

	return pe && *pe ? (*pe)->val : NULL;
}

int rmap_put(struct rmap *m, uint64_t key, void *val, void **ret_old)
{
	return put(m, key, NULL, val, ret_old);
}

int rmap_sput(struct rmap *m, const char *key, void *val, void **ret_old)
{
	return put(m, shash(key), key, val, ret_old);
}

void *rmap_del(struct rmap *m, uint64_t key)
{
	struct rmap_ent **pe = slot(m, key, NULL), *e;
	void *v;

	if (!pe || !*pe)
		return NULL;
	e = *pe;
	*pe = e->next;
	v = e->val;
	free(e->skey);
	free(e);
	m->n--;
	return v;
}

void rmap_clear(struct rmap *m, void (*fn)(void *val))
{
	size_t i;

	for (i = 0; i < m->nb; i++) {
		struct rmap_ent *e = m->b[i], *next;

		for (; e; e = next) {
			next = e->next;
			if (fn)
				fn(e->val);
			free(e->skey);
			free(e);
		}
	}
	free(m->b);
	memset(m, 0, sizeof(*m));
}

/* --- paths ---------------------------------------------------------------------------------- */

void rec_path_normalize(char *p)
{
	char *out = p, *in = p;

	/* p is absolute; rebuild it component by component */
	while (*in) {
		char *seg;
		size_t len;

		while (*in == '/')
			in++;
		if (!*in)
			break;
		seg = in;
		while (*in && *in != '/')
			in++;
		len = (size_t)(in - seg);
		if (len == 1 && seg[0] == '.')
			continue;
		if (len == 2 && seg[0] == '.' && seg[1] == '.') {
			while (out > p && *--out != '/')
				;
			continue;
		}
		*out++ = '/';
		memmove(out, seg, len);
		out += len;
	}
	if (out == p)
		*out++ = '/';
	*out = '\0';
}

char *rec_path_join(const char *base, const char *rel, size_t rel_len)
{
	size_t bl = base ? strlen(base) : 0;
	char *p;

	if (rel_len && rel[0] == '/')
		bl = 0;
	p = malloc(bl + rel_len + 3);
	if (!p)
		return NULL;
	if (bl)
		memcpy(p, base, bl);
	p[bl] = '/';
	memcpy(p + bl + 1, rel, rel_len);
	p[bl + 1 + rel_len] = '\0';
	if (!bl && (!rel_len || rel[0] != '/'))
		p[0] = '/';
	rec_path_normalize(p);
	return p;
}

static uint64_t ikey(uint32_t dev, uint64_t ino)
{
	return ((uint64_t)dev << 40) ^ ino ^ ((uint64_t)dev >> 24);
}

static void index_inode(struct record *r, uint32_t dev, uint64_t ino, const char *path)
{
	char *copy, *old = NULL;

	if (!ino || !path || path[0] != '/')
		return;
	copy = strdup(path);
	if (!copy || rmap_put(&r->inodes, ikey(dev, ino), copy, (void **)&old) < 0) {
		free(copy);
		return;
	}
	free(old);
}

/* --- processes ------------------------------------------------------------------------------ */

static void fd_free(struct rec_fd *f)
{
	free(f->path);
	f->path = NULL;
}

static void proc_free(void *v)
{
	struct rec_proc *p = v;
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->n_fds; i++)
		fd_free(&p->fds[i]);
	free(p->fds);
	free(p->cwd);
	free(p);
}

/* Reads the cwd of a process we meet for the first time from /proc (the sandbox's view). */
static void proc_read_cwd(struct rec_proc *p)
{
	char link[64], buf[PATH_MAX];
	struct stat st;
	ssize_t n;

	if (!p->host_pid)
		return;
	snprintf(link, sizeof(link), "/proc/%u/cwd", p->host_pid);
	n = readlink(link, buf, sizeof(buf) - 1);
	if (n <= 0 || buf[0] != '/')
		return;
	buf[n] = '\0';
	free(p->cwd);
	p->cwd = strdup(buf);
	if (stat(link, &st) == 0) {
		p->cwd_ino = st.st_ino;
		p->cwd_dev = (uint32_t)((major(st.st_dev) << 20) | minor(st.st_dev));
	}
}

struct rec_proc *rec_proc_get(struct record *r, uint32_t pid, uint32_t host_pid)
{
	struct rec_proc *p = rmap_get(&r->procs, pid);

	if (p)
		return p;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->pid = pid;
	p->host_pid = host_pid;
	if (rmap_put(&r->procs, pid, p, NULL) < 0) {
		free(p);
		return NULL;
	}
	if (host_pid)
		rmap_put(&r->host_pids, host_pid, p, NULL);
	proc_read_cwd(p);
	return p;
}

uint32_t rec_pid_of_host(struct record *r, uint32_t host_pid)
{
	struct rec_proc *p = rmap_get(&r->host_pids, host_pid);

	return p ? p->pid : 0;
}

static struct rec_fd *fd_find(struct rec_proc *p, int fd)
{
	size_t i;

	for (i = 0; i < p->n_fds; i++)
		if (p->fds[i].fd == fd)
			return &p->fds[i];
	return NULL;
}

static void fdtab_set(struct rec_proc *p, int fd, const char *path, uint32_t dev, uint64_t ino,
		      bool cloexec)
{
	struct rec_fd *f = fd_find(p, fd);
	char *copy = strdup(path);

	if (!copy)
		return;
	if (!f) {
		if (p->n_fds >= REC_MAX_FDS ||
		    array_grow((void **)&p->fds, &p->cap_fds, p->n_fds + 1, sizeof(*p->fds)) < 0) {
			free(copy);
			return;
		}
		f = &p->fds[p->n_fds++];
		f->path = NULL;
	}
	free(f->path);
	*f = (struct rec_fd){.fd = fd, .path = copy, .dev = dev, .ino = ino, .cloexec = cloexec};
}

/*
 * The path of fd in process p as the kernel identified it (dev/ino, known when have_id):
 * the fd table entry when its inode matches, else any path indexed under that inode.
 */
static const char *fd_path(struct record *r, struct rec_proc *p, int fd, bool have_id, uint32_t dev,
			   uint64_t ino)
{
	struct rec_fd *f = p ? fd_find(p, fd) : NULL;

	if (f && (!have_id || (f->dev == dev && f->ino == ino)))
		return f->path;
	if (have_id)
		return rmap_get(&r->inodes, ikey(dev, ino));
	return NULL;
}

static const char *cwd_path(struct record *r, struct rec_proc *p, uint32_t dev, uint64_t ino)
{
	const char *s;

	if (!p)
		return NULL;
	if (p->cwd && (!ino || (p->cwd_ino == ino && p->cwd_dev == dev)))
		return p->cwd;
	if (ino) {
		s = rmap_get(&r->inodes, ikey(dev, ino));
		if (s) {
			char *copy = strdup(s);

			if (copy) {
				free(p->cwd);
				p->cwd = copy;
				p->cwd_ino = ino;
				p->cwd_dev = dev;
			}
			return p->cwd;
		}
	}
	return p->cwd;
}

/* The fd number of a /proc/self/fd/N style path of process p, -1 if rel is not one. */
static int magic_fd(const struct rec_proc *p, const char *rel, size_t rel_len)
{
	char buf[64], self[48];
	const char *num = NULL;
	char *end;
	long v;

	if (rel_len >= sizeof(buf))
		return -1;
	memcpy(buf, rel, rel_len);
	buf[rel_len] = '\0';
	if (!strncmp(buf, "/proc/self/fd/", 14))
		num = buf + 14;
	else if (!strncmp(buf, "/dev/fd/", 8))
		num = buf + 8;
	else if (p) {
		int n = snprintf(self, sizeof(self), "/proc/%u/fd/", p->pid);

		if (!strncmp(buf, self, (size_t)n))
			num = buf + n;
	}
	if (!num || !*num)
		return -1;
	v = strtol(num, &end, 10);
	return *end || v < 0 || v > 1 << 20 ? -1 : (int)v;
}

/*
 * Resolves rel (rel_len bytes, as the process passed it) against dfd. Returns a new absolute
 * path, or a copy of rel with *ret_resolved false when its base is unknown.
 */
static char *resolve(struct record *r, struct rec_proc *p, int dfd, const char *rel, size_t rel_len,
		     bool have_fd_id, uint32_t fd_dev, uint64_t fd_ino, uint32_t cwd_dev,
		     uint64_t cwd_ino, bool *ret_resolved)
{
	const char *base;
	char *out;

	*ret_resolved = true;
	if (rel_len && rel[0] == '/') {
		/* "/proc/self/fd/N", "/proc/<own pid>/fd/N", "/dev/fd/N": the file behind fd N */
		int fd = magic_fd(p, rel, rel_len);

		if (fd >= 0) {
			const char *fp = fd_path(r, p, fd, false, 0, 0);

			if (fp)
				return strdup(fp);
		}
		return rec_path_join(NULL, rel, rel_len);
	}
	if (dfd == REC_AT_FDCWD)
		base = cwd_path(r, p, cwd_dev, cwd_ino);
	else
		base = fd_path(r, p, dfd, have_fd_id, fd_dev, fd_ino);
	if (base && strncmp(base, "memfd:", 6) == 0 && rel_len == 0)
		return strdup(base);
	if (base && base[0] == '/')
		return rec_path_join(base, rel, rel_len);
	*ret_resolved = false;
	out = malloc(rel_len + 1);
	if (out) {
		memcpy(out, rel, rel_len);
		out[rel_len] = '\0';
	}
	return out;
}

/* --- emitting ------------------------------------------------------------------------------- */

long rec_emit(struct record *r, const char *kind, uint64_t t, uint32_t pid, json_t *fields)
{
	long line;

	if (!fields)
		return -ENOMEM;
	line = trace_emit(r->w, kind, t, (int)pid, fields);
	json_decref(fields);
	if (line > 0)
		r->events++;
	return line;
}

static const char *proto_name(uint32_t proto)
{
	return proto == IPPROTO_TCP ? "tcp" : proto == IPPROTO_UDP ? "udp" : "ip";
}

static void addr_text(uint32_t family, const uint8_t addr[16], char *out, size_t len)
{
	if (!inet_ntop(family == AF_INET6 ? AF_INET6 : AF_INET, addr, out, (socklen_t)len))
		snprintf(out, len, "?");
}

static json_t *argv_json(const char *a, size_t n)
{
	json_t *arr = json_array();
	size_t i = 0;

	if (!arr)
		return NULL;
	while (i < n) {
		size_t l = strnlen(a + i, n - i);

		json_array_append_new(arr, jsonx_string_bytes(a + i, l));
		i += l + 1;
	}
	return arr;
}

/* --- process events ------------------------------------------------------------------------- */

static int on_fork(struct record *r, const struct ev_proc_fork *e)
{
	struct rec_proc *parent = rec_proc_get(r, e->hdr.pid, e->hdr.host_pid), *child;
	uint64_t t = trace_t(r->w, e->hdr.ts_ns);
	size_t i;

	if (e->flags & FORK_THREAD) {
		rec_emit(r, "proc.fork", t, e->hdr.pid,
			 json_pack("{s:i,s:b}", "child", (int)e->child_tid, "thread", 1));
		return 0;
	}
	child = rmap_del(&r->procs, e->child_pid);
	if (child) {
		rmap_del(&r->host_pids, child->host_pid);
		proc_free(child);
	}
	child = calloc(1, sizeof(*child));
	if (child) {
		child->pid = e->child_pid;
		child->host_pid = e->child_host_pid;
		child->ppid = e->hdr.pid;
		if (parent) {
			child->cwd = parent->cwd ? strdup(parent->cwd) : NULL;
			child->cwd_ino = parent->cwd_ino;
			child->cwd_dev = parent->cwd_dev;
			for (i = 0; i < parent->n_fds; i++)
				fdtab_set(child, parent->fds[i].fd, parent->fds[i].path,
					  parent->fds[i].dev, parent->fds[i].ino,
					  parent->fds[i].cloexec);
		}
		if (rmap_put(&r->procs, child->pid, child, NULL) < 0)
			proc_free(child);
		else if (child->host_pid)
			rmap_put(&r->host_pids, child->host_pid, child, NULL);
	}
	rec_emit(r, "proc.fork", t, e->hdr.pid,
		 json_pack("{s:i,s:b}", "child", (int)e->child_pid, "thread", 0));
	return 0;
}

static bool written_during_run(struct record *r, uint32_t dev, uint64_t ino, const char *path)
{
	if (ino && rmap_get(&r->written, ikey(dev, ino)))
		return true;
	return path && rmap_sget(&r->written_paths, path);
}

static int on_exec(struct record *r, const struct ev_proc_exec *e, size_t len)
{
	struct rec_proc *p = rec_proc_get(r, e->hdr.pid, e->hdr.host_pid);
	const char *tail = (const char *)(e + 1);
	_cleanup_free_ char *path = NULL;
	const char *fname = tail;
	size_t flen = e->filename_len;
	bool resolved = true, fd_exec = e->flags & EXEC_FD;
	json_t *f;
	size_t i;
	int fd = -1;

	if (sizeof(*e) + (size_t)e->filename_len + e->argv_len > len)
		return -EINVAL;
	if (p) {
		p->ppid = e->ppid;
		if (e->hdr.host_pid && p->host_pid != e->hdr.host_pid) {
			rmap_del(&r->host_pids, p->host_pid);
			p->host_pid = e->hdr.host_pid;
			rmap_put(&r->host_pids, p->host_pid, p, NULL);
		}
	}
	/* "/dev/fd/N" (execveat with AT_EMPTY_PATH, fexecve) names the file by an fd */
	if (flen > 8 && memcmp(fname, "/dev/fd/", 8) == 0)
		fd = atoi(fname + 8), fd_exec = true;
	else if (flen > 14 && memcmp(fname, "/proc/self/fd/", 14) == 0)
		fd = atoi(fname + 14), fd_exec = true;
	else if ((e->flags & EXEC_FD) && flen == 0)
		fd = e->dfd;
	if (fd >= 0) {
		const char *fp = fd_path(r, p, fd, e->ino != 0, e->dev, e->ino);

		if (fp)
			path = strdup(fp);
	}
	if (!path && (e->flags & EXEC_MEMFD)) {
		path = malloc(e->name_len + 1);
		if (path) {
			memcpy(path, e->name, MIN((size_t)e->name_len, sizeof(e->name)));
			path[MIN((size_t)e->name_len, sizeof(e->name))] = '\0';
		}
	}
	if (!path)
		path = resolve(r, p, (e->flags & EXEC_AT) ? e->dfd : REC_AT_FDCWD, fname, flen,
			       false, 0, 0, e->cwd_dev, e->cwd_ino, &resolved);
	if (!path)
		return -ENOMEM;
	f = json_object();
	jsonx_set(f, "ppid", json_integer(e->ppid));
	jsonx_set(f, "path", jsonx_string_bounded(path, strlen(path)));
	jsonx_set(f, "argv", argv_json(tail + flen, e->argv_len));
	jsonx_set(f, "ret", json_integer(e->ret));
	jsonx_set(f, "memfd", json_boolean(e->flags & EXEC_MEMFD));
	jsonx_set(f, "fd_exec", json_boolean(fd_exec));
	jsonx_set(f, "written_during_run",
		  json_boolean(written_during_run(r, e->dev, e->ino, path)));
	jsonx_set(f, "deleted", json_boolean(e->flags & EXEC_DELETED));
	if (!resolved)
		jsonx_set(f, "resolved", json_false());
	if (e->flags & EXEC_ARGV_TRUNC)
		jsonx_set(f, "argv_truncated", json_true());
	if (e->ret == 0) {
		jsonx_set(f, "comm", jsonx_string_bounded(e->comm, sizeof(e->comm)));
		jsonx_set(f, "file",
			  jsonx_string_bytes(e->name, MIN((size_t)e->name_len, sizeof(e->name))));
	}
	rec_emit(r, "proc.exec", trace_t(r->w, e->hdr.ts_ns), e->hdr.pid, f);
	if (e->ret == 0 && p) {
		/* close-on-exec fds are gone; the new image may map a libssl */
		for (i = 0; i < p->n_fds;) {
			if (p->fds[i].cloexec) {
				fd_free(&p->fds[i]);
				p->fds[i] = p->fds[--p->n_fds];
			} else {
				i++;
			}
		}
		p->tls_scanned = false;
	}
	return 0;
}

static int on_exit_ev(struct record *r, const struct ev_proc_exit *e)
{
	struct rec_proc *p = rmap_get(&r->procs, e->hdr.pid);

	if (p) {
		size_t i;

		/* keep the entry (pid joins) but not its tables: bounded by live processes */
		p->exited = true;
		for (i = 0; i < p->n_fds; i++)
			fd_free(&p->fds[i]);
		free(p->fds);
		p->fds = NULL;
		p->n_fds = p->cap_fds = 0;
	}
	rec_emit(r, "proc.exit", trace_t(r->w, e->hdr.ts_ns), e->hdr.pid,
		 json_pack("{s:i,s:i}", "code", (int)e->code, "signal", (int)e->signal));
	return 0;
}

/* --- file events ---------------------------------------------------------------------------- */

static const char *intent(uint64_t flags)
{
	if (flags & (O_CREAT | O_TMPFILE_BIT))
		return "create";
	if ((flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC))
		return "write";
	return "read";
}

static void mark_written(struct record *r, uint32_t dev, uint64_t ino, const char *path)
{
	if (ino)
		rmap_put(&r->written, ikey(dev, ino), (void *)1, NULL);
	if (path && path[0] == '/')
		rmap_sput(&r->written_paths, path, (void *)1, NULL);
}

/* If path is from or under from, a new string with that prefix replaced by to. */
static char *reprefix(const char *path, const char *from, const char *to)
{
	size_t fl = strlen(from);
	char *out = NULL;

	if (strncmp(path, from, fl) != 0 || (path[fl] != '\0' && path[fl] != '/'))
		return NULL;
	if (asprintf(&out, "%s%s", to, path + fl) < 0)
		return NULL;
	return out;
}

static void rename_one(char **slot, const char *from, const char *to, const char *mark)
{
	char *n;

	if (!*slot || (mark && strncmp(*slot, mark, strlen(mark)) == 0))
		return;
	n = reprefix(*slot, from, to);
	if (n) {
		free(*slot);
		*slot = n;
	}
}

/*
 * After a rename the open fds, cwds and indexed inodes that named from (or something under
 * it) name to; with RENAME_EXCHANGE both ways. Runs over every process: fds are shared.
 */
static void rename_tables(struct record *r, const char *from, const char *to, bool exchange)
{
	static const char mark[] = "\x01moved:";
	struct rmap_ent *en;
	size_t i, k;
	int pass;

	for (pass = 0; pass < (exchange ? 3 : 1); pass++) {
		/* exchange: from -> mark, to -> from, mark -> to */
		_cleanup_free_ char *tmp = NULL;
		const char *a = from, *b = to;

		if (exchange) {
			if (asprintf(&tmp, "%s%s", mark, from) < 0)
				return;
			a = pass == 0 ? from : pass == 1 ? to : tmp;
			b = pass == 0 ? tmp : pass == 1 ? from : to;
		}
		rmap_foreach(&r->procs, i, en)
		{
			struct rec_proc *p = en->val;

			rename_one(&p->cwd, a, b, pass == 2 ? NULL : mark);
			for (k = 0; k < p->n_fds; k++)
				rename_one(&p->fds[k].path, a, b, pass == 2 ? NULL : mark);
		}
		rmap_foreach(&r->inodes, i, en)
			rename_one((char **)&en->val, a, b, pass == 2 ? NULL : mark);
	}
}

static int on_file(struct record *r, const struct ev_file *e, size_t len)
{
	struct rec_proc *p;
	const char *tail = (const char *)(e + 1);
	_cleanup_free_ char *path = NULL, *path2 = NULL;
	bool res1 = true, res2 = true, fd_known = e->info & FINFO_FD_KNOWN;
	const char *kind = NULL;
	uint64_t t = trace_t(r->w, e->hdr.ts_ns);
	json_t *f;

	if (sizeof(*e) + (size_t)e->path_len + e->path2_len > len || e->op == 0 || e->op > FOP_MAX)
		return -EINVAL;
	p = rec_proc_get(r, e->hdr.pid, e->hdr.host_pid);
	switch (e->op) {
	case FOP_MEMFD: {
		char name[300];

		snprintf(name, sizeof(name), "memfd:%.*s", (int)MIN(e->path_len, 249u), tail);
		path = strdup(name);
		break;
	}
	case FOP_SYMLINK:
		path = malloc(e->path_len + 1u);
		if (path) {
			memcpy(path, tail, e->path_len);
			path[e->path_len] = '\0';
		}
		path2 = resolve(r, p, e->dfd2, tail + e->path_len, e->path2_len, false, 0, 0,
				e->cwd_dev, e->cwd_ino, &res2);
		break;
	case FOP_CHMOD:
	case FOP_TRUNCATE:
	case FOP_CHDIR:
		if (e->fd >= 0) {
			const char *fp = fd_path(r, p, e->fd, fd_known, e->fd_dev, e->fd_ino);

			path = fp ? strdup(fp) : NULL;
			if (!path) {
				char buf[32];

				snprintf(buf, sizeof(buf), "fd:%d", e->fd);
				path = strdup(buf);
				res1 = false;
			}
			break;
		}
		/* fallthrough */
	default:
		path = resolve(r, p, e->dfd, tail, e->path_len, fd_known && e->fd < 0, e->fd_dev,
			       e->fd_ino, e->cwd_dev, e->cwd_ino, &res1);
		if (e->path2_len || e->op == FOP_RENAME || e->op == FOP_LINK)
			path2 = resolve(r, p, e->dfd2, tail + e->path_len, e->path2_len, false, 0,
					0, e->cwd_dev, e->cwd_ino, &res2);
		break;
	}
	if (!path)
		return -ENOMEM;
	f = json_object();
	if (!f)
		return -ENOMEM;
	jsonx_set(f, "path", jsonx_string_bounded(path, strlen(path)));

	switch (e->op) {
	case FOP_OPEN: {
		bool report = (e->info & (FINFO_WRITE | FINFO_HONEY | FINFO_PROC_SECRET));

		if (e->ret >= 0 && p && (e->flags & O_TMPFILE_BIT) == O_TMPFILE_BIT) {
			/* an unnamed file in that directory until a linkat names it */
			char *tmp = NULL;

			if (asprintf(&tmp, "%s/(tmpfile:%llu)", strcmp(path, "/") ? path : "",
				     (unsigned long long)e->ino) > 0) {
				fdtab_set(p, (int)e->ret, tmp, e->dev, e->ino,
					  e->flags & O_CLOEXEC);
				free(tmp);
			}
			mark_written(r, e->dev, e->ino, NULL);
		} else if (e->ret >= 0 && p) {
			fdtab_set(p, (int)e->ret, path, e->dev, e->ino, e->flags & O_CLOEXEC);
			index_inode(r, e->dev, e->ino, path);
			if (e->info & FINFO_WRITE)
				mark_written(r, e->dev, e->ino, path);
		}
		if (!report) {
			json_decref(f);
			return 0;
		}
		kind = "file.open";
		jsonx_set(f, "flags", json_integer((json_int_t)e->flags));
		jsonx_set(f, "intent", json_string(intent(e->flags)));
		if (e->flags & (O_CREAT | O_TMPFILE_BIT))
			jsonx_set(f, "mode", json_integer(e->mode));
		if ((e->flags & O_TMPFILE_BIT) == O_TMPFILE_BIT)
			jsonx_set(f, "tmpfile", json_true());
		if (e->info & FINFO_HONEY)
			jsonx_set(f, "honey", json_true());
		if (e->info & FINFO_PROC_SECRET)
			jsonx_set(f, "proc_secret", json_true());
		break;
	}
	case FOP_MEMFD:
		kind = "file.memfd";
		jsonx_set(f, "flags", json_integer((json_int_t)e->flags));
		if (e->ret >= 0 && p) {
			fdtab_set(p, (int)e->ret, path, e->dev, e->ino,
				  e->flags & 1 /* MFD_CLOEXEC */);
			mark_written(r, e->dev, e->ino, NULL);
		}
		break;
	case FOP_RENAME:
		kind = "file.rename";
		jsonx_set(f, "flags", json_integer((json_int_t)e->flags));
		if (e->flags & REC_RENAME_EXCHANGE)
			jsonx_set(f, "exchange", json_true());
		if (e->ret == 0) {
			mark_written(r, 0, 0, path2);
			if (e->flags & REC_RENAME_EXCHANGE)
				mark_written(r, 0, 0, path);
			if (res1 && res2 && path2)
				rename_tables(r, path, path2, e->flags & REC_RENAME_EXCHANGE);
		}
		break;
	case FOP_LINK:
	case FOP_SYMLINK:
		kind = "file.link";
		jsonx_set(f, "flags", json_integer((json_int_t)e->flags));
		if (e->op == FOP_SYMLINK)
			jsonx_set(f, "symlink", json_true());
		if (e->ret == 0)
			mark_written(r, 0, 0, path2);
		break;
	case FOP_UNLINK:
		kind = "file.unlink";
		jsonx_set(f, "dir", json_boolean(e->info & FINFO_RMDIR));
		break;
	case FOP_MKDIR:
		kind = "file.mkdir";
		jsonx_set(f, "mode", json_integer(e->mode));
		break;
	case FOP_CHMOD:
		kind = "file.chmod";
		jsonx_set(f, "mode", json_integer(e->mode));
		break;
	case FOP_TRUNCATE:
		kind = "file.truncate";
		jsonx_set(f, "length", json_integer((json_int_t)e->length));
		if (e->ret == 0)
			mark_written(r, e->fd >= 0 ? e->fd_dev : 0, e->fd >= 0 ? e->fd_ino : 0,
				     path);
		break;
	case FOP_CHDIR:
		if (e->ret == 0 && p && res1) {
			free(p->cwd);
			p->cwd = strdup(path);
			p->cwd_ino = e->cwd_ino;
			p->cwd_dev = e->cwd_dev;
			index_inode(r, e->cwd_dev, e->cwd_ino, path);
		}
		json_decref(f);
		return 0;
	}
	if (path2)
		jsonx_set(f, "path2", jsonx_string_bounded(path2, strlen(path2)));
	jsonx_set(f, "ret", json_integer(e->ret));
	if (!res1 || !res2)
		jsonx_set(f, "resolved", json_false());
	if (e->info & FINFO_PATH_TRUNC)
		jsonx_set(f, "truncated", json_true());
	rec_emit(r, kind, t, e->hdr.pid, f);
	return 0;
}

/* --- network -------------------------------------------------------------------------------- */

static struct rec_flow *flow_get(struct record *r, uint64_t cookie)
{
	struct rec_flow *fl = rmap_get(&r->flows, cookie);

	if (fl)
		return fl;
	fl = calloc(1, sizeof(*fl));
	if (!fl)
		return NULL;
	fl->cookie = cookie;
	if (rmap_put(&r->flows, cookie, fl, NULL) < 0) {
		free(fl);
		return NULL;
	}
	return fl;
}

static void flow_free(void *v)
{
	struct rec_flow *fl = v;

	if (!fl)
		return;
	free(fl->s[0].buf);
	free(fl->s[0].have);
	free(fl->s[1].buf);
	free(fl->s[1].have);
	free(fl);
}

static uint32_t ev_pid(struct record *r, const struct ev_hdr *h)
{
	if (h->pid || !h->host_pid)
		return h->pid;
	return rec_pid_of_host(r, h->host_pid);
}

static struct rec_held *held_new(struct record *r, const struct ev_net *e)
{
	struct rec_held *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->cookie = e->cookie;
	h->t = trace_t(r->w, e->hdr.ts_ns);
	h->mono = now_monotonic_ns();
	h->pid = ev_pid(r, &e->hdr);
	h->proto = e->proto ? e->proto : (e->type == SOCK_DGRAM ? IPPROTO_UDP : IPPROTO_TCP);
	h->port = e->port;
	addr_text(e->family, e->addr, h->addr, sizeof(h->addr));
	return h;
}

static void emit_connect(struct record *r, struct rec_held *h, bool have_ret, int64_t ret)
{
	json_t *f = json_pack("{s:I,s:s,s:s,s:i}", "flow", (json_int_t)h->cookie, "proto",
			      proto_name(h->proto), "addr", h->addr, "port", (int)h->port);

	if (!f)
		return;
	jsonx_set(f, "ret", have_ret ? json_integer(ret) : json_null());
	jsonx_set(f, "denied", json_false());
	rec_emit(r, "net.connect", h->t, h->pid, f);
}

static void emit_send(struct record *r, struct rec_held *h, bool have_bytes, uint32_t bytes)
{
	json_t *f = json_pack("{s:I,s:s,s:s,s:i}", "flow", (json_int_t)h->cookie, "proto",
			      proto_name(h->proto), "addr", h->addr, "port", (int)h->port);

	if (!f)
		return;
	jsonx_set(f, "bytes", have_bytes ? json_integer(bytes) : json_null());
	rec_emit(r, "net.send", h->t, h->pid, f);
}

static void held_append(struct rec_held **list, struct rec_held *h)
{
	while (*list)
		list = &(*list)->next;
	*list = h;
}

static int on_net(struct record *r, const struct ev_net *e)
{
	struct rec_flow *fl = flow_get(r, e->cookie);
	struct rec_held *h = held_new(r, e);

	if (!h)
		return -ENOMEM;
	if (fl) {
		fl->pid = h->pid;
		fl->proto = h->proto;
		if (e->hdr.type == EV_NET_CONNECT || !fl->have_peer) {
			snprintf(fl->addr, sizeof(fl->addr), "%s", h->addr);
			fl->port = h->port;
			fl->have_peer = true;
		}
		if (h->port == 53)
			fl->dns = true;
	}
	held_append(e->hdr.type == EV_NET_CONNECT ? &r->held_connect : &r->held_send, h);
	return 0;
}

static uint64_t tuple_key(const char *addr, uint16_t port, uint16_t lport)
{
	char k[96];

	snprintf(k, sizeof(k), "%s|%u|%u", addr, port, lport);
	return shash(k);
}

/*
 * A connection the run accepted: written as net.accept, and its flow is the accepting
 * process's (by cookie, or by address and ports when no cookie existed yet).
 */
static int on_accept(struct record *r, const struct ev_net *e)
{
	uint32_t pid = ev_pid(r, &e->hdr);
	struct rec_flow *fl = NULL;
	char a[64];
	json_t *f;

	addr_text(e->family, e->addr, a, sizeof(a));
	if (e->cookie) {
		fl = flow_get(r, e->cookie);
		if (fl) {
			fl->pid = pid;
			fl->proto = e->proto;
			snprintf(fl->addr, sizeof(fl->addr), "%s", a);
			fl->port = e->port;
			fl->have_peer = true;
		}
	}
	rmap_put(&r->accepts, tuple_key(a, e->port, e->lport), (void *)(uintptr_t)pid, NULL);
	f = json_pack("{s:s,s:s,s:i,s:i}", "proto", proto_name(e->proto), "addr", a, "port",
		      (int)e->port, "lport", (int)e->lport);
	if (f)
		jsonx_set(f, "flow", e->cookie ? json_integer((json_int_t)e->cookie) : json_null());
	rec_emit(r, "net.accept", trace_t(r->w, e->hdr.ts_ns), pid, f);
	return 0;
}

static int on_net_result(struct record *r, const struct ev_net_result *e)
{
	struct rec_held **pp, *h;

	for (pp = &r->held_connect; *pp; pp = &(*pp)->next) {
		if ((*pp)->cookie != e->cookie)
			continue;
		h = *pp;
		*pp = h->next;
		emit_connect(r, h, true, e->ret);
		free(h);
		return 0;
	}
	return 0; /* a connect whose hook event was lost: the loss is counted there */
}

void rec_flush_held(struct record *r, bool all)
{
	uint64_t now = now_monotonic_ns();
	struct rec_held *h;

	while ((h = r->held_connect) && (all || now - h->mono > REC_HOLD_CONNECT_NS)) {
		r->held_connect = h->next;
		emit_connect(r, h, false, 0);
		free(h);
	}
	while ((h = r->held_send) && (all || now - h->mono > REC_HOLD_NS)) {
		r->held_send = h->next;
		emit_send(r, h, false, 0);
		free(h);
	}
}

/* Decoded lines next to the raw bytes: TLS hellos, HTTP requests, DNS. */
static void decode_stream(struct record *r, struct rec_flow *fl, int dir, uint32_t pid, uint64_t t)
{
	struct rec_stream *s = &fl->s[dir];
	json_t *f;

	if (s->decoded || !s->contig)
		return;
	if (dir == DIR_OUT) {
		struct wire_tls_client_hello ch;
		struct wire_http_request hr;
		int rc = wire_tls_client_hello(s->buf, s->contig, &ch);

		if (rc == WIRE_OK) {
			json_t *v = json_array(), *a = json_array();
			char ja4[WIRE_TLS_JA4_LEN];
			unsigned int i;

			for (i = 0; i < ch.n_versions; i++)
				json_array_append_new(
					v, json_string(wire_tls_version_name(ch.versions[i])));
			for (i = 0; i < ch.n_alpn; i++)
				json_array_append_new(a, json_string(ch.alpn[i]));
			f = json_pack("{s:I}", "flow", (json_int_t)fl->cookie);
			jsonx_set(f, "sni", ch.has_sni ? json_string(ch.sni) : json_null());
			jsonx_set(f, "versions", v);
			jsonx_set(f, "alpn", a);
			jsonx_set(f, "ja4",
				  wire_tls_ja4(&ch, ja4) == 0 ? json_string(ja4) : json_null());
			rec_emit(r, "tls.client_hello", t, pid, f);
			s->decoded = true;
			return;
		}
		if (rc == WIRE_NEED_MORE && s->contig < s->budget)
			return;
		rc = wire_http_request(s->buf, s->contig, &hr);
		if (rc == WIRE_OK) {
			f = json_pack("{s:I,s:s,s:s,s:s}", "flow", (json_int_t)fl->cookie, "method",
				      hr.method, "host", hr.host, "target", hr.target);
			rec_emit(r, "http.request", t, pid, f);
			s->decoded = true;
			return;
		}
		if (rc == WIRE_NEED_MORE && s->contig < s->budget)
			return;
		s->decoded = true;
	} else {
		struct wire_tls_server_hello sh;
		int rc = wire_tls_server_hello(s->buf, s->contig, &sh);

		if (rc == WIRE_OK && !sh.has_alert) {
			const char *c = wire_tls_cipher_name(sh.cipher);

			f = json_pack("{s:I,s:s}", "flow", (json_int_t)fl->cookie, "version",
				      wire_tls_version_name(sh.version));
			jsonx_set(f, "cipher",
				  c ? json_string(c) : json_sprintf("0x%04x", sh.cipher));
			rec_emit(r, "tls.server_hello", t, pid, f);
			s->decoded = true;
			return;
		}
		if (rc == WIRE_NEED_MORE && s->contig < s->budget)
			return;
		s->decoded = true;
	}
}

static void decode_dns(struct record *r, uint64_t flow, const uint8_t *buf, size_t len, bool tcp,
		       uint32_t pid, uint64_t t)
{
	struct wire_dns_msg *m = malloc(sizeof(*m));
	size_t off = 0;

	if (!m)
		return;
	while (off < len) {
		json_t *f;
		unsigned int i;

		if (wire_dns_parse(buf + off, len - off, tcp, m) != WIRE_OK || !m->consumed)
			break;
		if (!m->is_response) {
			const char *tn = wire_dns_type_name(m->qtype);

			f = json_pack("{s:s,s:I}", "name", m->qname, "flow", (json_int_t)flow);
			jsonx_set(f, "qtype", tn ? json_string(tn) : json_integer(m->qtype));
			rec_emit(r, "dns.query", t, pid, f);
		} else {
			json_t *addrs = json_array();
			uint32_t ttl = 0;
			bool have_ttl = false;

			for (i = 0; i < m->n_rr; i++) {
				char a[64];

				if (m->rr[i].section != WIRE_DNS_ANSWER)
					continue;
				if (m->rr[i].type == WIRE_DNS_A)
					inet_ntop(AF_INET, m->rr[i].addr, a, sizeof(a));
				else if (m->rr[i].type == WIRE_DNS_AAAA)
					inet_ntop(AF_INET6, m->rr[i].addr, a, sizeof(a));
				else
					continue;
				json_array_append_new(addrs, json_string(a));
				if (!have_ttl || m->rr[i].ttl < ttl)
					ttl = m->rr[i].ttl;
				have_ttl = true;
			}
			f = json_pack("{s:s,s:I}", "name", m->qname, "flow", (json_int_t)flow);
			jsonx_set(f, "addrs", addrs);
			jsonx_set(f, "ttl", have_ttl ? json_integer(ttl) : json_null());
			jsonx_set(f, "rcode", json_integer(m->rcode));
			rec_emit(r, "dns.answer", t, pid, f);
		}
		if (!tcp)
			break;
		off += m->consumed;
	}
	free(m);
}

/* DNS over TCP: each complete length-prefixed message of the stream, once. */
static void decode_tcp_dns(struct record *r, struct rec_flow *fl, struct rec_stream *s,
			   uint32_t pid, uint64_t t)
{
	while (s->dns_done + 2 <= s->contig) {
		uint32_t mlen = ((uint32_t)s->buf[s->dns_done] << 8) | s->buf[s->dns_done + 1];

		if (s->dns_done + 2 + mlen > s->contig)
			break;
		decode_dns(r, fl->cookie, s->buf + s->dns_done, 2 + mlen, true, pid, t);
		s->dns_done += 2 + mlen;
	}
}

static void emit_data(struct record *r, struct rec_flow *fl, int dir, uint32_t off,
		      const uint8_t *b, size_t n, uint64_t t, json_t *extra)
{
	_cleanup_free_ char *enc = malloc(b64_encoded_len(n) + 1);
	json_t *f;

	if (!enc) {
		json_decref(extra);
		return;
	}
	b64_encode(b, n, enc);
	f = json_pack("{s:I,s:s,s:I,s:s}", "flow", (json_int_t)fl->cookie, "dir",
		      dir == DIR_OUT ? "out" : "in", "offset", (json_int_t)off, "b64", enc);
	if (f && extra)
		json_object_update(f, extra);
	json_decref(extra);
	rec_emit(r, "net.data", t, fl->pid, f);
}

static int stream_put(struct rec_stream *s, uint32_t off, const uint8_t *b, uint32_t n)
{
	uint32_t need, i;

	if (off >= s->budget)
		return 0;
	if (n > s->budget - off)
		n = s->budget - off;
	need = off + n;
	if (need > s->cap) {
		uint32_t cap = s->cap ? s->cap : 4096;
		uint8_t *nb, *nh;

		while (cap < need)
			cap = cap > s->budget / 2 ? s->budget : cap * 2;
		nb = realloc(s->buf, cap);
		if (!nb)
			return -ENOMEM;
		s->buf = nb;
		nh = realloc(s->have, cap / 8 + 1);
		if (!nh)
			return -ENOMEM;
		memset(nh + (s->cap ? s->cap / 8 + 1 : 0), 0,
		       cap / 8 + 1 - (s->cap ? s->cap / 8 + 1 : 0));
		s->have = nh;
		s->cap = cap;
	}
	memcpy(s->buf + off, b, n);
	for (i = off; i < need; i++)
		s->have[i / 8] |= (uint8_t)(1u << (i % 8));
	if (need > s->end)
		s->end = need;
	while (s->contig < s->end && (s->have[s->contig / 8] & (1u << (s->contig % 8))))
		s->contig++;
	return 0;
}

static int on_net_data(struct record *r, const struct ev_net_data *e, size_t len)
{
	const uint8_t *data = (const uint8_t *)(e + 1);
	struct rec_flow *fl;
	struct rec_stream *s;
	uint64_t t = trace_t(r->w, e->hdr.ts_ns);
	int dir = e->dir == DIR_IN ? DIR_IN : DIR_OUT;

	if (sizeof(*e) + (size_t)e->data_len > len || e->data_len > EV_CHUNK)
		return -EINVAL;
	fl = flow_get(r, e->cookie);
	if (!fl)
		return -ENOMEM;
	if (!fl->proto)
		fl->proto = e->proto;
	if (!fl->have_peer) {
		addr_text(e->family, e->addr, fl->addr, sizeof(fl->addr));
		fl->port = e->port;
		fl->have_peer = true;
	}
	if (!fl->pid && e->proto == IPPROTO_TCP) {
		char a[64];

		addr_text(e->family, e->addr, a, sizeof(a));
		fl->pid =
			(uint32_t)(uintptr_t)rmap_get(&r->accepts, tuple_key(a, e->port, e->lport));
	}
	if (e->flags & ND_DNS)
		fl->dns = true;
	s = &fl->s[dir];
	if (e->proto == IPPROTO_UDP) {
		char a[64];
		json_t *x;

		addr_text(e->family, e->addr, a, sizeof(a));
		if (dir == DIR_OUT) {
			struct rec_held **pp, *h;

			for (pp = &r->held_send; *pp; pp = &(*pp)->next) {
				h = *pp;
				if (h->cookie != e->cookie || h->port != e->port ||
				    strcmp(h->addr, a))
					continue;
				*pp = h->next;
				emit_send(r, h, true, e->total);
				free(h);
				break;
			}
		}
		x = json_pack("{s:s,s:s,s:i,s:i}", "proto", "udp", "addr", a, "port", (int)e->port,
			      "bytes", (int)e->total);
		if (e->data_len < e->total && x)
			jsonx_set(x, "truncated", json_true());
		emit_data(r, fl, dir, (uint32_t)MIN(s->udp_off, UINT32_MAX), data, e->data_len, t,
			  x);
		s->udp_off += e->total;
		if (e->flags & ND_DNS)
			decode_dns(r, fl->cookie, data, e->data_len, false, fl->pid, t);
		return 0;
	}
	if (!s->budget)
		s->budget = (e->flags & ND_DNS) ? (1u << 20) : r->cfg.flow_bytes;
	if (s->released) {
		/* decoded and complete so far: bytes go straight out, no buffer kept */
		uint32_t off = e->rel_off, n = e->data_len, skip;

		if (off >= s->budget || !n)
			return 0;
		n = MIN(n, s->budget - off);
		if (off + n <= s->contig)
			return 0; /* a retransmission of bytes already written */
		skip = off < s->contig ? s->contig - off : 0;
		emit_data(r, fl, dir, off + skip, data + skip, n - skip, t,
			  json_pack("{s:s}", "proto", "tcp"));
		if (off <= s->contig) {
			s->contig = off + n;
			s->emitted = s->end = MAX(s->end, s->contig);
		}
		return 0;
	}
	if (e->data_len && stream_put(s, e->rel_off, data, e->data_len) < 0)
		return -ENOMEM;
	if (s->contig > s->emitted) {
		emit_data(r, fl, dir, s->emitted, s->buf + s->emitted, s->contig - s->emitted, t,
			  json_pack("{s:s}", "proto", "tcp"));
		s->emitted = s->contig;
		if (fl->dns)
			decode_tcp_dns(r, fl, s, fl->pid, t);
		else
			decode_stream(r, fl, dir, fl->pid, t);
		/* the monitor's memory is bounded by what is still undecided, not by flow count */
		if (s->contig == s->end && !fl->dns && s->decoded) {
			free(s->buf);
			free(s->have);
			s->buf = s->have = NULL;
			s->cap = 0;
			s->released = true;
		}
	}
	return 0;
}

void rec_flush_flows(struct record *r)
{
	uint64_t t = trace_now(r->w);
	struct rmap_ent *en;
	size_t i;
	int d;

	rmap_foreach(&r->flows, i, en)
	{
		struct rec_flow *fl = en->val;

		for (d = 0; d < 2; d++) {
			struct rec_stream *s = &fl->s[d];
			uint32_t o = s->emitted;

			if (s->released || !s->have)
				continue;

			/* islands after a gap (a lost packet event): their own offsets */
			while (o < s->end) {
				uint32_t st;

				while (o < s->end && !(s->have[o / 8] & (1u << (o % 8))))
					o++;
				st = o;
				while (o < s->end && (s->have[o / 8] & (1u << (o % 8))))
					o++;
				if (o > st)
					emit_data(r, fl, d, st, s->buf + st, o - st, t,
						  json_pack("{s:s,s:b}", "proto", "tcp", "gap", 1));
			}
			s->emitted = s->end;
		}
	}
}

void rec_tables_free(struct record *r)
{
	struct rec_held *h;

	rmap_clear(&r->procs, proc_free);
	rmap_clear(&r->host_pids, NULL);
	rmap_clear(&r->inodes, free);
	rmap_clear(&r->written, NULL);
	rmap_clear(&r->written_paths, NULL);
	rmap_clear(&r->flows, flow_free);
	rmap_clear(&r->accepts, NULL);
	while ((h = r->held_connect)) {
		r->held_connect = h->next;
		free(h);
	}
	while ((h = r->held_send)) {
		r->held_send = h->next;
		free(h);
	}
}

/* --- dispatch ------------------------------------------------------------------------------- */

static const size_t min_size[EV_TYPE_MAX + 1] = {
	[EV_PROC_FORK] = sizeof(struct ev_proc_fork),
	[EV_PROC_EXEC] = sizeof(struct ev_proc_exec),
	[EV_PROC_EXIT] = sizeof(struct ev_proc_exit),
	[EV_FILE] = sizeof(struct ev_file),
	[EV_NET_CONNECT] = sizeof(struct ev_net),
	[EV_NET_SEND] = sizeof(struct ev_net),
	[EV_NET_RESULT] = sizeof(struct ev_net_result),
	[EV_NET_DATA] = sizeof(struct ev_net_data),
	[EV_TLS_DATA] = sizeof(struct ev_tls_data),
	[EV_NET_ACCEPT] = sizeof(struct ev_net),
};

static int on_tls(struct record *r, const struct ev_tls_data *e, size_t len)
{
	_cleanup_free_ char *enc = NULL;
	json_t *f;

	if (sizeof(*e) + (size_t)e->data_len > len)
		return -EINVAL;
	enc = malloc(b64_encoded_len(e->data_len) + 1);
	if (!enc)
		return -ENOMEM;
	b64_encode((const uint8_t *)(e + 1), e->data_len, enc);
	f = json_pack("{s:I,s:s,s:I,s:i,s:s}", "ssl", (json_int_t)e->ssl, "dir",
		      e->dir == DIR_OUT ? "out" : "in", "flow", (json_int_t)e->cookie, "bytes",
		      (int)e->total, "bytes_b64", enc);
	if (!e->cookie && f)
		jsonx_set(f, "flow", json_null());
	if (e->data_len < e->total && f)
		jsonx_set(f, "truncated", json_true());
	rec_emit(r, "tls.plaintext", trace_t(r->w, e->hdr.ts_ns), ev_pid(r, &e->hdr), f);
	return 0;
}

int rec_handle(struct record *r, const void *data, size_t len)
{
	const struct ev_hdr *h = data;

	if (len < sizeof(*h) || h->size != len || h->type == 0 || h->type > EV_TYPE_MAX ||
	    len < min_size[h->type])
		return -EINVAL;
	switch (h->type) {
	case EV_PROC_FORK:
		return on_fork(r, data);
	case EV_PROC_EXEC:
		return on_exec(r, data, len);
	case EV_PROC_EXIT:
		return on_exit_ev(r, data);
	case EV_FILE:
		return on_file(r, data, len);
	case EV_NET_CONNECT:
	case EV_NET_SEND:
		return on_net(r, data);
	case EV_NET_RESULT:
		return on_net_result(r, data);
	case EV_NET_DATA:
		return on_net_data(r, data, len);
	case EV_TLS_DATA:
		return on_tls(r, data, len);
	case EV_NET_ACCEPT:
		return on_accept(r, data);
	}
	return -EINVAL;
}
