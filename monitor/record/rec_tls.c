/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rec_tls: --tls-plaintext. Attaches tls.bpf.c's uprobes to SSL_write/SSL_read (and the _ex
 * variants) of every OpenSSL the run can use: the system's libssl at start, then every file
 * named libssl* (or an executable exporting SSL_write, i.e. a statically linked OpenSSL) that a
 * process of the run maps, found in /proc/<pid>/maps on the drain timer and attached through
 * /proc/<pid>/root so that a libssl inside the sandbox's own files is the one probed.
 * Each file is attached once (by device and inode).
 */
#include <bpf/libbpf.h>
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "record/rec_internal.h"
#include "tls.skel.h"
#include "util/log.h"

#define TLS_MAX_FILES 64
#define TLS_SCAN_EVERY 10 /* drains: 500 ms */

struct tls_state {
	uint64_t files[TLS_MAX_FILES][2]; /* dev, ino attached (or tried) */
	size_t n_files;
	unsigned int tick;
	bool full_warned;
};

static bool seen_file(struct tls_state *t, const struct stat *st)
{
	size_t i;

	for (i = 0; i < t->n_files; i++)
		if (t->files[i][0] == st->st_dev && t->files[i][1] == st->st_ino)
			return true;
	return false;
}

static int attach_one(struct record *r, struct bpf_program *prog, const char *path,
		      const char *func, bool ret)
{
	LIBBPF_OPTS(bpf_uprobe_opts, o, .func_name = func, .retprobe = ret);

	return rec_add_link(r, bpf_program__attach_uprobe_opts(prog, -1, path, 0, &o));
}

/* Attaches the probes to the OpenSSL in path; returns how many functions were found. */
static int attach_file(struct record *r, const char *path)
{
	struct tls_state *t = r->tls_priv;
	struct tls_bpf *s = r->tls;
	struct stat st;
	int n = 0;

	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || seen_file(t, &st))
		return 0;
	if (t->n_files >= TLS_MAX_FILES) {
		if (!t->full_warned)
			log_warn("--tls-plaintext: more than %d OpenSSL files, '%s' not probed",
				 TLS_MAX_FILES, path);
		t->full_warned = true;
		return 0;
	}
	t->files[t->n_files][0] = st.st_dev;
	t->files[t->n_files][1] = st.st_ino;
	t->n_files++;
	if (attach_one(r, s->progs.handle_ssl_write, path, "SSL_write", false) == 0 &&
	    attach_one(r, s->progs.handle_ssl_write_ret, path, "SSL_write", true) == 0)
		n++;
	if (attach_one(r, s->progs.handle_ssl_read, path, "SSL_read", false) == 0 &&
	    attach_one(r, s->progs.handle_ssl_read_ret, path, "SSL_read", true) == 0)
		n++;
	if (attach_one(r, s->progs.handle_ssl_write_ex, path, "SSL_write_ex", false) == 0 &&
	    attach_one(r, s->progs.handle_ssl_write_ret, path, "SSL_write_ex", true) == 0)
		n++;
	if (attach_one(r, s->progs.handle_ssl_read_ex, path, "SSL_read_ex", false) == 0 &&
	    attach_one(r, s->progs.handle_ssl_read_ret, path, "SSL_read_ex", true) == 0)
		n++;
	if (n)
		log_info("--tls-plaintext: probing OpenSSL in '%s'", path);
	return n;
}

/* The files a process maps that may hold OpenSSL: libssl*, and its executable. */
static void scan_proc(struct record *r, struct rec_proc *p)
{
	char maps[64], line[PATH_MAX + 256], full[PATH_MAX + 64], exe[PATH_MAX] = "";
	_cleanup_fclose_ FILE *f = NULL;
	ssize_t n;

	if (!p->host_pid)
		return;
	snprintf(maps, sizeof(maps), "/proc/%u/exe", p->host_pid);
	n = readlink(maps, exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	snprintf(maps, sizeof(maps), "/proc/%u/maps", p->host_pid);
	f = fopen(maps, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *path = strchr(line, '/'), *base, *nl;

		if (!path)
			continue;
		nl = strchr(path, '\n');
		if (nl)
			*nl = '\0';
		if (strstr(path, " (deleted)"))
			continue;
		base = strrchr(path, '/') + 1;
		/* executable mappings other than libssl: only the process's own binary */
		if (strncmp(base, "libssl", 6) != 0 &&
		    (!strstr(line, " r-xp ") || strncmp(base, "ld-linux", 8) == 0 || !exe[0] ||
		     strcmp(exe, path) != 0))
			continue;
		snprintf(full, sizeof(full), "/proc/%u/root%s", p->host_pid, path);
		attach_file(r, full);
	}
}

void rec_tls_scan(struct record *r)
{
	struct tls_state *t = r->tls_priv;
	struct rmap_ent *en;
	size_t i, budget = 256;

	if (!t || ++t->tick % TLS_SCAN_EVERY)
		return;
	rmap_foreach(&r->procs, i, en)
	{
		struct rec_proc *p = en->val;

		if (p->exited || (p->tls_scanned && t->tick % (TLS_SCAN_EVERY * 4)))
			continue;
		if (!budget--)
			return;
		scan_proc(r, p);
		p->tls_scanned = true;
	}
}

int rec_tls_init(struct record *r, struct error *err)
{
	static const char *const pats[] = {
		"/usr/lib/x86_64-linux-gnu/libssl.so*",
		"/lib/x86_64-linux-gnu/libssl.so*",
		"/usr/lib64/libssl.so*",
		"/usr/lib/libssl.so*",
		"/usr/local/lib/libssl.so*",
		"/usr/local/lib64/libssl.so*",
	};
	struct tls_state *t;
	size_t i, j;
	int e, found = 0;

	t = calloc(1, sizeof(*t));
	if (!t)
		return error_set(err, ENOMEM, 0, 0, "out of memory");
	r->tls_priv = t;
	r->tls = tls_bpf__open();
	if (!r->tls)
		return error_set(err, errno, 0, 0, "cannot open the TLS uprobes: %s",
				 strerror(errno));
	REC_SET_RODATA(r->tls, r->knobs);
	if (rec_share_maps(r, r->tls->obj))
		return error_set(err, EINVAL, 0, 0, "cannot share maps with the TLS uprobes");
	e = tls_bpf__load(r->tls);
	if (e)
		return error_set(err, -e, 0, 0, "cannot load the TLS uprobes: %s", strerror(-e));
	for (i = 0; i < ARRAY_SIZE(pats); i++) {
		glob_t g;

		if (glob(pats[i], 0, NULL, &g) != 0)
			continue;
		for (j = 0; j < g.gl_pathc; j++)
			found += attach_file(r, g.gl_pathv[j]);
		globfree(&g);
	}
	if (!found)
		log_warn("--tls-plaintext: no system libssl found; only the ones the run maps will "
			 "be probed");
	return 0;
}

void rec_tls_free(struct record *r)
{
	/* the links are in r->links, destroyed by record_free() before this */
	tls_bpf__destroy(r->tls);
	r->tls = NULL;
	free(r->tls_priv);
	r->tls_priv = NULL;
}
