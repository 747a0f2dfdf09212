/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rec_fs: the kernel-side second source for files, which a thread swapping a path buffer
 * cannot fool. fanotify marks on the honey files (open, modify) and on the writable mounts
 * (modify, close_write; plus create, delete and moved_to by file handle where the writable
 * path is its own tmpfs), written as file.fanotify lines; and the inventory of every writable
 * path after the run (file.inventory: created or modified regular files with size, sha256,
 * mode and their first bytes), compared against a snapshot taken before the connector started.
 * Everything is reached through sandbox_root_fd(): nothing is looked up on the host's paths.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <dirent.h>
#include <unistd.h>

#include "record/rec_internal.h"
#include "record/trace.h"
#include "sandbox/sandbox.h"
#include "util/b64.h"
#include "util/jsonx.h"
#include "util/log.h"
#include "util/sha256.h"

#define INV_MAX_FILES 100000
#define INV_MAX_DEPTH 64
#define INV_B64_BYTES (256u * 1024)
#define FAN_BUF 65536
#ifndef TMPFS_MAGIC
#define TMPFS_MAGIC 0x01021994
#endif

struct rec_base {
	uint64_t ino;
	int64_t size;
	int64_t mtime_ns;
	int64_t ctime_ns;
};

struct fs_state {
	char *root_prefix; /* the sandbox root as /proc/self/fd shows it ("/" after pivot_root) */
	uint64_t pidns_ino;
	struct rmap seen; /* "event\0pid\0path" hashes already written */
	uint64_t overflow;
	bool inventory_limit;
	size_t n_walked;
};

static struct fs_state *fs(struct record *r)
{
	return (struct fs_state *)r->fs_priv;
}

static char *fd_readlink(int fd)
{
	char link[64], buf[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, buf, sizeof(buf) - 1);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	return strdup(buf);
}

/* A host view path of a file of the sandbox to the sandbox's view. */
static char *sandbox_view(struct record *r, const char *host)
{
	const char *pre = fs(r)->root_prefix;
	size_t pl = pre ? strlen(pre) : 0;

	if (pl > 1 && strncmp(host, pre, pl) == 0 && (host[pl] == '/' || host[pl] == '\0'))
		return strdup(host[pl] ? host + pl : "/");
	return strdup(host);
}

/* The run's pid of a host pid: from the process table, else from /proc when it lives there. */
static uint32_t run_pid(struct record *r, int host_pid)
{
	char p[64], line[256];
	_cleanup_fclose_ FILE *f = NULL;
	struct stat st;
	uint32_t pid = rec_pid_of_host(r, (uint32_t)host_pid), last = 0;

	if (pid)
		return pid;
	snprintf(p, sizeof(p), "/proc/%d/ns/pid", host_pid);
	if (stat(p, &st) < 0 || st.st_ino != fs(r)->pidns_ino)
		return 0;
	snprintf(p, sizeof(p), "/proc/%d/status", host_pid);
	f = fopen(p, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *s = line + 6, *end;

		if (strncmp(line, "NSpid:", 6) != 0)
			continue;
		for (;;) {
			unsigned long v = strtoul(s, &end, 10);

			if (end == s)
				break;
			last = (uint32_t)v;
			s = end;
		}
	}
	return last;
}

static void fan_emit(struct record *r, const char *path, const char *event, uint32_t pid)
{
	char key[PATH_MAX + 64];
	json_t *f;

	snprintf(key, sizeof(key), "%s|%u|%s", event, pid, path);
	if (rmap_sget(&fs(r)->seen, key))
		return;
	rmap_sput(&fs(r)->seen, key, (void *)1, NULL);
	f = json_object();
	jsonx_set(f, "path", jsonx_string_bounded(path, strlen(path)));
	jsonx_set(f, "event", json_string(event));
	jsonx_set(f, "pid", json_integer(pid));
	rec_emit(r, "file.fanotify", trace_now(r->w), pid, f);
}

static const char *mask_event(uint64_t m)
{
	if (m & FAN_CREATE)
		return "create";
	if (m & FAN_DELETE)
		return "delete";
	if (m & FAN_MOVED_TO)
		return "moved_to";
	if (m & FAN_CLOSE_WRITE)
		return "close_write";
	if (m & FAN_MODIFY)
		return "modify";
	if (m & FAN_OPEN)
		return "open";
	return NULL;
}

static void emit_masks(struct record *r, const char *path, uint64_t mask, uint32_t pid)
{
	static const uint64_t order[] = {FAN_OPEN,	  FAN_CREATE,	FAN_MODIFY,
					 FAN_CLOSE_WRITE, FAN_MOVED_TO, FAN_DELETE};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(order); i++)
		if (mask & order[i])
			fan_emit(r, path, mask_event(order[i]), pid);
}

static void drain_classic(struct record *r)
{
	_cleanup_free_ char *buf = malloc(FAN_BUF);
	ssize_t n;

	if (!buf)
		return;
	while ((n = read(r->fan_fd, buf, FAN_BUF)) > 0) {
		struct fanotify_event_metadata *m = (void *)buf;
		ssize_t left = n;

		for (; FAN_EVENT_OK(m, left); m = FAN_EVENT_NEXT(m, left)) {
			uint32_t pid;

			if (m->vers != FANOTIFY_METADATA_VERSION)
				break;
			if (m->mask & FAN_Q_OVERFLOW) {
				fs(r)->overflow++;
				continue;
			}
			pid = run_pid(r, m->pid);
			if (m->fd >= 0) {
				if (pid) {
					_cleanup_free_ char *host = fd_readlink(m->fd);
					_cleanup_free_ char *path =
						host ? sandbox_view(r, host) : NULL;

					if (path)
						emit_masks(r, path, m->mask, pid);
				}
				close(m->fd);
			}
		}
	}
}

static int mount_fd_for(struct record *r, const fsid_t *fsid)
{
	size_t i;

	for (i = 0; i < r->n_fid_mounts; i++) {
		struct statfs sf;

		if (fstatfs(r->fid_mount_fds[i], &sf) == 0 &&
		    !memcmp(&sf.f_fsid, fsid, sizeof(*fsid)))
			return r->fid_mount_fds[i];
	}
	return -1;
}

static void drain_fid(struct record *r)
{
	_cleanup_free_ char *buf = malloc(FAN_BUF);
	ssize_t n;

	if (!buf)
		return;
	while ((n = read(r->fan_fid_fd, buf, FAN_BUF)) > 0) {
		struct fanotify_event_metadata *m = (void *)buf;
		ssize_t left = n;

		for (; FAN_EVENT_OK(m, left); m = FAN_EVENT_NEXT(m, left)) {
			struct fanotify_event_info_fid *fid;
			struct file_handle *fh;
			const char *name;
			_cleanup_free_ char *host = NULL, *dir = NULL;
			char path[PATH_MAX * 2];
			uint32_t pid;
			int mfd, dfd;

			if (m->vers != FANOTIFY_METADATA_VERSION)
				break;
			if (m->mask & FAN_Q_OVERFLOW) {
				fs(r)->overflow++;
				continue;
			}
			if (m->event_len < sizeof(*m) + sizeof(*fid))
				continue;
			fid = (void *)(m + 1);
			if (fid->hdr.info_type != FAN_EVENT_INFO_TYPE_DFID_NAME ||
			    fid->hdr.len < sizeof(*fid) + sizeof(*fh))
				continue;
			pid = run_pid(r, m->pid);
			if (!pid)
				continue;
			fh = (struct file_handle *)fid->handle;
			if (sizeof(*fid) + sizeof(*fh) + fh->handle_bytes >= fid->hdr.len)
				continue;
			name = (const char *)fh->f_handle + fh->handle_bytes;
			if (strnlen(name,
				    fid->hdr.len - sizeof(*fid) - sizeof(*fh) - fh->handle_bytes) ==
			    fid->hdr.len - sizeof(*fid) - sizeof(*fh) - fh->handle_bytes)
				continue;
			mfd = mount_fd_for(r, (const fsid_t *)&fid->fsid);
			if (mfd < 0)
				continue;
			dfd = open_by_handle_at(mfd, fh, O_PATH | O_CLOEXEC);
			if (dfd < 0)
				continue;
			host = fd_readlink(dfd);
			close(dfd);
			dir = host ? sandbox_view(r, host) : NULL;
			if (!dir)
				continue;
			snprintf(path, sizeof(path), "%s/%s", strcmp(dir, "/") ? dir : "", name);
			emit_masks(r, path, m->mask, pid);
		}
	}
}

void rec_fs_drain(struct record *r)
{
	if (!r->fs_priv)
		return;
	if (r->fan_fd >= 0)
		drain_classic(r);
	if (r->fan_fid_fd >= 0)
		drain_fid(r);
	if (fs(r)->overflow) {
		json_t *f = json_pack("{s:I,s:s}", "lost", (json_int_t)fs(r)->overflow, "where",
				      "fanotify_overflow");

		r->lost += fs(r)->overflow;
		fs(r)->overflow = 0;
		rec_emit(r, "monitor.loss", trace_now(r->w), 0, f);
	}
}

/* --- the inventory -------------------------------------------------------------------------- */

typedef int (*walk_fn)(struct record *r, int dirfd, const char *name, const char *path,
		       const struct stat *st);

/*
 * Walks the tree under dirfd (owned) depth-first; path is dirfd's path in the sandbox. Stays
 * on the file system dev: a mount below (a read-only bind of a host directory the sandbox
 * exposes, the work directory walked on its own) is not part of this writable mount.
 */
static int walk(struct record *r, int dfd, const char *path, int depth, struct rmap *visited,
		dev_t dev, walk_fn fn)
{
	DIR *d;
	struct dirent *de;

	if (depth > INV_MAX_DEPTH) {
		fs(r)->inventory_limit = true;
		close(dfd);
		return 0;
	}
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return -errno;
	}
	while ((de = readdir(d))) {
		char child[PATH_MAX];
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fs(r)->n_walked++ >= INV_MAX_FILES) {
			fs(r)->inventory_limit = true;
			break;
		}
		if ((size_t)snprintf(child, sizeof(child), "%s/%s", strcmp(path, "/") ? path : "",
				     de->d_name) >= sizeof(child))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || st.st_dev != dev)
			continue;
		if (S_ISDIR(st.st_mode)) {
			int cfd;

			if (rmap_sget(visited, child))
				continue;
			rmap_sput(visited, child, (void *)1, NULL);
			cfd = openat(dirfd(d), de->d_name,
				     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (cfd >= 0)
				walk(r, cfd, child, depth + 1, visited, dev, fn);
		} else if (S_ISREG(st.st_mode)) {
			fn(r, dirfd(d), de->d_name, child, &st);
		}
	}
	closedir(d);
	return 0;
}

static int64_t ts_ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

static int base_add(struct record *r, int dirfd, const char *name, const char *path,
		    const struct stat *st)
{
	struct rec_base *b = malloc(sizeof(*b)), *old = NULL;

	if (!b)
		return -ENOMEM;
	*b = (struct rec_base){.ino = st->st_ino,
			       .size = st->st_size,
			       .mtime_ns = ts_ns(&st->st_mtim),
			       .ctime_ns = ts_ns(&st->st_ctim)};
	if (rmap_sput(&r->baseline, path, b, (void **)&old) < 0) {
		free(b);
		return -ENOMEM;
	}
	free(old);
	return 0;
}

static int inv_file(struct record *r, int dirfd, const char *name, const char *path,
		    const struct stat *st)
{
	struct rec_base *b = rmap_sget(&r->baseline, path);
	const char *change;
	struct sha256 h;
	uint8_t digest[32], *head;
	char hex[65], mode[8];
	_cleanup_free_ char *enc = NULL;
	size_t head_len = 0;
	uint64_t total = 0;
	json_t *f;
	int fd;

	if (!b)
		change = "created";
	else if (b->ino != st->st_ino || b->size != st->st_size ||
		 b->mtime_ns != ts_ns(&st->st_mtim) || b->ctime_ns != ts_ns(&st->st_ctim))
		change = "modified";
	else
		return 0;
	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	head = malloc(INV_B64_BYTES);
	if (!head) {
		close(fd);
		return -ENOMEM;
	}
	sha256_init(&h);
	for (;;) {
		uint8_t buf[65536];
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		sha256_update(&h, buf, (size_t)n);
		if (head_len < INV_B64_BYTES) {
			size_t k = MIN((size_t)n, INV_B64_BYTES - head_len);

			memcpy(head + head_len, buf, k);
			head_len += k;
		}
		total += (uint64_t)n;
	}
	close(fd);
	sha256_final(&h, digest);
	sha256_to_hex(digest, hex);
	enc = malloc(b64_encoded_len(head_len) + 1);
	if (!enc) {
		free(head);
		return -ENOMEM;
	}
	b64_encode(head, head_len, enc);
	free(head);
	snprintf(mode, sizeof(mode), "%04o", (unsigned int)(st->st_mode & 07777));
	f = json_object();
	jsonx_set(f, "path", jsonx_string_bounded(path, strlen(path)));
	jsonx_set(f, "size", json_integer((json_int_t)total));
	jsonx_set(f, "sha256", json_string(hex));
	jsonx_set(f, "change", json_string(change));
	jsonx_set(f, "mode", json_string(mode));
	jsonx_set(f, "b64", json_string(enc));
	jsonx_set(f, "truncated", json_boolean(total > head_len));
	rec_emit(r, "file.inventory", trace_now(r->w), 0, f);
	return 0;
}

static void walk_writable(struct record *r, walk_fn fn)
{
	const char *const *paths = NULL;
	struct rmap visited = {0};
	int root = sandbox_root_fd(r->sb);
	struct stat st;
	size_t n, i;

	if (root < 0)
		return;
	n = sandbox_writable(r->sb, &paths);
	fs(r)->n_walked = 0;
	for (i = 0; i < n; i++) {
		_cleanup_free_ char *p = NULL;
		int dfd;

		if (!paths[i] || paths[i][0] != '/')
			continue;
		p = rec_path_join(NULL, paths[i], strlen(paths[i]));
		if (!p || rmap_sget(&visited, p))
			continue;
		rmap_sput(&visited, p, (void *)1, NULL);
		dfd = openat(root, strcmp(p, "/") ? p + 1 : ".",
			     O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0)
			continue;
		if (fstat(dfd, &st) < 0) {
			close(dfd);
			continue;
		}
		walk(r, dfd, p, 0, &visited, st.st_dev, fn);
	}
	rmap_clear(&visited, NULL);
}

int rec_fs_inventory(struct record *r)
{
	if (!r->fs_priv)
		return 0;
	/* our own reads must not show up as the connector's */
	if (r->fan_fd >= 0) {
		close(r->fan_fd);
		r->fan_fd = -1;
	}
	if (r->fan_fid_fd >= 0) {
		close(r->fan_fid_fd);
		r->fan_fid_fd = -1;
	}
	fs(r)->inventory_limit = false;
	walk_writable(r, inv_file);
	if (fs(r)->inventory_limit) {
		json_t *f = json_pack("{s:i,s:s}", "lost", 1, "where", "inventory_limit");

		r->lost++;
		rec_emit(r, "monitor.loss", trace_now(r->w), 0, f);
	}
	return 0;
}

/* --- setup ---------------------------------------------------------------------------------- */

int rec_fs_init(struct record *r, struct error *err)
{
	const char *const *paths = NULL;
	int root = sandbox_root_fd(r->sb);
	uint64_t dev = 0, ino = 0;
	size_t n, i;
	struct fs_state *st;

	st = calloc(1, sizeof(*st));
	if (!st)
		return error_set(err, ENOMEM, 0, 0, "out of memory");
	r->fs_priv = st;
	if (sandbox_pidns(r->sb, &dev, &ino) == 0)
		st->pidns_ino = ino;
	if (root < 0)
		return error_set(err, EBADF, 0, 0, "the sandbox has no root fd for the inventory");
	st->root_prefix = fd_readlink(root);

	/* the baseline: what the writable paths hold before the connector runs */
	walk_writable(r, base_add);

	r->fan_fd = fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK,
				  O_RDONLY | O_LARGEFILE | O_CLOEXEC);
	if (r->fan_fd < 0)
		return error_set(err, errno, 0, 0, "fanotify_init: %s", strerror(errno));
	for (i = 0; i < r->n_honey; i++) {
		if (fanotify_mark(r->fan_fd, FAN_MARK_ADD, FAN_OPEN | FAN_MODIFY | FAN_CLOSE_WRITE,
				  root, r->honey_paths[i] + 1) < 0)
			log_debug("fanotify mark on honey file '%s': %s", r->honey_paths[i],
				  strerror(errno));
	}
	n = sandbox_writable(r->sb, &paths);
	r->fan_fid_fd =
		fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK | FAN_REPORT_DFID_NAME,
			      O_RDONLY | O_LARGEFILE | O_CLOEXEC);
	if (r->fan_fid_fd < 0)
		log_debug("fanotify with FAN_REPORT_DFID_NAME: %s (no create/delete events)",
			  strerror(errno));
	for (i = 0; i < n; i++) {
		struct statfs sf;
		int dfd;

		if (!paths[i] || paths[i][0] != '/' || !paths[i][1])
			continue;
		if (fanotify_mark(r->fan_fd, FAN_MARK_ADD | FAN_MARK_MOUNT,
				  FAN_MODIFY | FAN_CLOSE_WRITE, root, paths[i] + 1) < 0)
			log_debug("fanotify mount mark on '%s': %s", paths[i], strerror(errno));
		if (r->fan_fid_fd < 0)
			continue;
		dfd = openat(root, paths[i] + 1, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0)
			continue;
		/* a filesystem mark sees the whole file system: only on the run's own tmpfs */
		if (fstatfs(dfd, &sf) < 0 || sf.f_type != TMPFS_MAGIC ||
		    fanotify_mark(r->fan_fid_fd, FAN_MARK_ADD | FAN_MARK_FILESYSTEM,
				  FAN_CREATE | FAN_DELETE | FAN_MOVED_TO | FAN_ONDIR, dfd,
				  NULL) < 0 ||
		    array_grow((void **)&r->fid_mount_fds, &r->cap_fid_mounts, r->n_fid_mounts + 1,
			       sizeof(int)) < 0) {
			close(dfd);
			continue;
		}
		r->fid_mount_fds[r->n_fid_mounts++] = dfd;
	}
	/* drained on the recorder's timer, after the ring buffers: the trace keeps kernel order */
	return 0;
}

void rec_fs_free(struct record *r)
{
	struct fs_state *st = r->fs_priv;
	size_t i;

	if (r->fan_fd >= 0) {
		close(r->fan_fd);
		r->fan_fd = -1;
	}
	if (r->fan_fid_fd >= 0) {
		close(r->fan_fid_fd);
		r->fan_fid_fd = -1;
	}
	for (i = 0; i < r->n_fid_mounts; i++)
		close(r->fid_mount_fds[i]);
	free(r->fid_mount_fds);
	r->fid_mount_fds = NULL;
	r->n_fid_mounts = 0;
	rmap_clear(&r->baseline, free);
	if (st) {
		free(st->root_prefix);
		rmap_clear(&st->seen, NULL);
		free(st);
	}
	r->fs_priv = NULL;
}
