/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cgroup: the run's cgroups. A v2 leaf <cgroup2>/conduct/run-<pid>-<starttime>-<id> is the only
 * cgroup the connector's processes are in (it scopes the eBPF programs and gives cgroup.kill);
 * memory, pids and cpu limits go on whichever hierarchy holds each controller: the v2 leaf on
 * a pure-v2 host, a v1 leaf conduct/run-... in each v1 hierarchy on a hybrid one. Mounts are
 * found from /proc/self/mountinfo. The owner's pid and start time in the leaf's name let any conduct
 * remove the leaves of a conduct that was SIGKILLed.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sandbox/internal.h"
#include "util/log.h"
#include "util/util.h"

static const char *const ctrl_names[SB_CG_N] = { "memory", "pids", "cpu" };

const char *sb_cg_name(int controller)
{
	return controller >= 0 && controller < SB_CG_N ? ctrl_names[controller] : "?";
}

struct mounts {
	char *v2;
	char *v1[SB_CG_N];
};

static void mounts_fini(struct mounts *m)
{
	int i;

	free(m->v2);
	for (i = 0; i < SB_CG_N; i++)
		free(m->v1[i]);
}

/* Undoes mountinfo's octal escapes (\040 for a space) in place. */
static void unescape(char *s)
{
	char *o = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 4;
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
}

static bool has_option(const char *opts, const char *name)
{
	size_t n = strlen(name);
	const char *p = opts;

	while (p && *p) {
		if (!strncmp(p, name, n) && (p[n] == ',' || p[n] == '\0'))
			return true;
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return false;
}

static int find_mounts(struct mounts *m)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL;
	size_t cap = 0;

	if (!f)
		return -errno;
	while (getline(&line, &cap, f) > 0) {
		char root[PATH_MAX], mp[PATH_MAX], fstype[64], super[1024];
		char *sep = strstr(line, " - ");
		int i;

		if (!sep || sscanf(line, "%*s %*s %*s %4095s %4095s", root, mp) != 2)
			continue;
		if (sscanf(sep + 3, "%63s %*s %1023s", fstype, super) != 2)
			continue;
		if (strcmp(root, "/"))
			continue;
		unescape(mp);
		if (!strcmp(fstype, "cgroup2") && !m->v2) {
			m->v2 = strdup(mp);
		} else if (!strcmp(fstype, "cgroup")) {
			for (i = 0; i < SB_CG_N; i++)
				if (!m->v1[i] && has_option(super, ctrl_names[i]))
					m->v1[i] = strdup(mp);
		}
	}
	free(line);
	return 0;
}

int sandbox_cgroup_mount(const char *controller, char *buf, size_t len)
{
	struct mounts m = {};
	const char *p = NULL;
	int i, r;

	r = find_mounts(&m);
	if (r < 0)
		return r;
	if (!controller)
		p = m.v2;
	for (i = 0; controller && i < SB_CG_N; i++)
		if (!strcmp(controller, ctrl_names[i]))
			p = m.v1[i];
	r = p ? 0 : -ENOENT;
	if (p)
		snprintf(buf, len, "%s", p);
	mounts_fini(&m);
	return r;
}

int sb_write_file(const char *path, const char *s)
{
	int fd, r = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) < 0)
		r = -errno;
	close(fd);
	return r;
}

static int write_str(const char *dir, const char *file, const char *val)
{
	char path[PATH_MAX];

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, file) >= sizeof(path))
		return -ENAMETOOLONG;
	return sb_write_file(path, val);
}

static int read_str(const char *dir, const char *file, char *buf, size_t len)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

static bool v2_has_controller(const char *root, const char *name)
{
	char buf[512], *tok, *save = NULL;

	if (read_str(root, "cgroup.controllers", buf, sizeof(buf)) < 0)
		return false;
	for (tok = strtok_r(buf, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save))
		if (!strcmp(tok, name))
			return true;
	return false;
}

static int mkdir_p1(const char *path)
{
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static int set_limits_v2(const char *leaf, int ctrl, const struct sandbox_config *cfg)
{
	char v[64];
	int r;

	switch (ctrl) {
	case SB_CG_MEMORY:
		snprintf(v, sizeof(v), "%llu", (unsigned long long)cfg->memory_max);
		r = write_str(leaf, "memory.max", v);
		if (r < 0)
			return r;
		r = write_str(leaf, "memory.swap.max", "0");
		return r == -ENOENT ? 0 : r;
	case SB_CG_PIDS:
		snprintf(v, sizeof(v), "%llu", (unsigned long long)cfg->pids_max);
		return write_str(leaf, "pids.max", v);
	case SB_CG_CPU:
		snprintf(v, sizeof(v), "%u 100000", cfg->cpu_percent * 1000u);
		return write_str(leaf, "cpu.max", v);
	}
	return -EINVAL;
}

static int set_limits_v1(const char *leaf, int ctrl, const struct sandbox_config *cfg)
{
	char v[64];
	int r;

	switch (ctrl) {
	case SB_CG_MEMORY:
		snprintf(v, sizeof(v), "%llu", (unsigned long long)cfg->memory_max);
		r = write_str(leaf, "memory.limit_in_bytes", v);
		if (r < 0)
			return r;
		/* no swapping past the limit where swap accounting exists */
		r = write_str(leaf, "memory.memsw.limit_in_bytes", v);
		return r == -ENOENT || r == -EINVAL ? 0 : r;
	case SB_CG_PIDS:
		snprintf(v, sizeof(v), "%llu", (unsigned long long)cfg->pids_max);
		return write_str(leaf, "pids.max", v);
	case SB_CG_CPU:
		r = write_str(leaf, "cpu.cfs_period_us", "100000");
		if (r < 0)
			return r;
		snprintf(v, sizeof(v), "%u", cfg->cpu_percent * 1000u);
		return write_str(leaf, "cpu.cfs_quota_us", v);
	}
	return -EINVAL;
}

static uint64_t cgroup_id_of(int dirfd)
{
	struct {
		struct file_handle fh;
		uint64_t id;
	} h = { .fh.handle_bytes = sizeof(uint64_t) };
	struct stat st;
	int mnt;

	if (name_to_handle_at(dirfd, "", &h.fh, &mnt, AT_EMPTY_PATH) == 0)
		return h.id;
	if (fstat(dirfd, &st) == 0)
		return (uint64_t)st.st_ino;
	return 0;
}

int sb_cg_create(struct sb_cgroup *cg, const char *name, const struct sandbox_config *cfg,
		 struct error *err)
{
	struct mounts m = { 0 };
	char path[PATH_MAX];
	int r, i;

	r = find_mounts(&m);
	if (r < 0) {
		error_set(err, -r, 0, 0, "cannot read /proc/self/mountinfo: %s", strerror(-r));
		goto out;
	}
	if (!m.v2) {
		r = error_set(err, ENOSYS, 0, 0,
			      "no cgroup v2 hierarchy is mounted (the run's cgroup scopes the "
			      "eBPF recorder and gives cgroup.kill); mount one, e.g. "
			      "`mount -t cgroup2 none /sys/fs/cgroup/unified`");
		goto out;
	}
	cg->v2_root = strdup(m.v2);
	snprintf(path, sizeof(path), "%s/conduct", m.v2);
	r = mkdir_p1(path);
	if (r < 0) {
		error_set(err, -r, 0, 0, "cannot create the cgroup '%s': %s", path, strerror(-r));
		goto out;
	}
	for (i = 0; i < SB_CG_N; i++) {
		char plus[32];

		if (!v2_has_controller(m.v2, ctrl_names[i]))
			continue;
		snprintf(plus, sizeof(plus), "+%s", ctrl_names[i]);
		if (write_str(m.v2, "cgroup.subtree_control", plus) < 0 ||
		    write_str(path, "cgroup.subtree_control", plus) < 0)
			continue;
		cg->on_v2[i] = true;
	}
	snprintf(path, sizeof(path), "%s/conduct/%s", m.v2, name);
	if (mkdir(path, 0755) < 0) {
		r = -errno;
		error_set(err, -r, 0, 0, "cannot create the cgroup '%s': %s", path, strerror(-r));
		goto out;
	}
	cg->v2_leaf = strdup(path);
	if (!cg->v2_root || !cg->v2_leaf) {
		r = -ENOMEM;
		goto out;
	}
	cg->v2_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	snprintf(path, sizeof(path), "%s/cgroup.events", cg->v2_leaf);
	cg->events_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (cg->v2_fd < 0 || cg->events_fd < 0) {
		r = -errno;
		error_set(err, -r, 0, 0, "cannot open '%s': %s", path, strerror(-r));
		goto out;
	}
	cg->v2_id = cgroup_id_of(cg->v2_fd);

	for (i = 0; i < SB_CG_N; i++) {
		if (cg->on_v2[i]) {
			r = set_limits_v2(cg->v2_leaf, i, cfg);
			if (r < 0) {
				error_set(err, -r, 0, 0, "cannot set the %s limit in '%s': %s",
					  ctrl_names[i], cg->v2_leaf, strerror(-r));
				goto out;
			}
			continue;
		}
		if (!m.v1[i]) {
			if (i == SB_CG_CPU) /* no cpu limit is a weaker run, not an unsafe one */
				continue;
			r = error_set(err, ENOSYS, 0, 0,
				      "the %s cgroup controller is neither enabled on cgroup v2 "
				      "(%s) nor mounted as cgroup v1: the run cannot be limited",
				      ctrl_names[i], m.v2);
			goto out;
		}
		snprintf(path, sizeof(path), "%s/conduct", m.v1[i]);
		r = mkdir_p1(path);
		if (r == 0) {
			snprintf(path, sizeof(path), "%s/conduct/%s", m.v1[i], name);
			if (mkdir(path, 0755) < 0)
				r = -errno;
		}
		if (r < 0) {
			error_set(err, -r, 0, 0, "cannot create the cgroup '%s': %s", path,
				  strerror(-r));
			goto out;
		}
		cg->v1_leaf[i] = strdup(path);
		if (!cg->v1_leaf[i]) {
			r = -ENOMEM;
			goto out;
		}
		r = set_limits_v1(path, i, cfg);
		if (r < 0) {
			error_set(err, -r, 0, 0, "cannot set the %s limit in '%s': %s",
				  ctrl_names[i], path, strerror(-r));
			goto out;
		}
	}
	r = 0;
out:
	mounts_fini(&m);
	return r;
}

int sb_cg_add_pid(const struct sb_cgroup *cg, pid_t pid)
{
	char v[32];
	int i, r;

	snprintf(v, sizeof(v), "%d", (int)pid);
	/* v1 first: once in the v2 leaf, a kill of the leaf would not miss it anyway */
	for (i = 0; i < SB_CG_N; i++) {
		if (!cg->v1_leaf[i])
			continue;
		r = write_str(cg->v1_leaf[i], "cgroup.procs", v);
		if (r < 0)
			return r;
	}
	return write_str(cg->v2_leaf, "cgroup.procs", v);
}

int sb_cg_populated(const struct sb_cgroup *cg)
{
	char buf[256], *p;
	ssize_t n;

	if (cg->events_fd < 0)
		return 0;
	n = pread(cg->events_fd, buf, sizeof(buf) - 1, 0);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	p = strstr(buf, "populated ");
	if (!p)
		return -EIO;
	return p[10] == '1';
}

/* SIGKILLs every pid listed in dir/cgroup.procs; returns how many were listed. */
static int kill_procs(const char *dir)
{
	char path[PATH_MAX];
	FILE *f;
	int pid, n = 0;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fscanf(f, "%d", &pid) == 1) {
		if (pid > 0)
			kill(pid, SIGKILL);
		n++;
	}
	fclose(f);
	return n;
}

int sb_cg_kill(const struct sb_cgroup *cg)
{
	int r;

	if (!cg->v2_leaf)
		return 0;
	r = write_str(cg->v2_leaf, "cgroup.kill", "1");
	if (r == -ENOENT) { /* before Linux 5.14: freeze, then kill what is listed */
		write_str(cg->v2_leaf, "cgroup.freeze", "1");
		kill_procs(cg->v2_leaf);
		write_str(cg->v2_leaf, "cgroup.freeze", "0");
		r = 0;
	}
	return r;
}

int sb_cg_kill_wait(const struct sb_cgroup *cg, int timeout_ms)
{
	int waited = 0;

	while (sb_cg_populated(cg) > 0) {
		struct pollfd p = { .fd = cg->events_fd, .events = POLLPRI };

		if (waited >= timeout_ms)
			return -ETIMEDOUT;
		sb_cg_kill(cg);
		poll(&p, 1, 20);
		waited += 20;
	}
	return 0;
}

static void rmdir_retry(const char *path)
{
	int i;

	for (i = 0; i < 200; i++) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };

		if (rmdir(path) == 0 || errno == ENOENT)
			return;
		if (errno != EBUSY)
			break;
		kill_procs(path);
		nanosleep(&ts, NULL);
	}
	log_warn("cannot remove the cgroup '%s': %s", path, strerror(errno));
}

void sb_cg_destroy(struct sb_cgroup *cg)
{
	int i;

	if (cg->v2_leaf && sb_cg_kill_wait(cg, 5000) < 0)
		log_warn("processes of the run are still in '%s' after SIGKILL", cg->v2_leaf);
	if (cg->events_fd >= 0)
		close(cg->events_fd);
	if (cg->v2_fd >= 0)
		close(cg->v2_fd);
	cg->events_fd = cg->v2_fd = -1;
	for (i = 0; i < SB_CG_N; i++) {
		if (cg->v1_leaf[i])
			rmdir_retry(cg->v1_leaf[i]);
		free(cg->v1_leaf[i]);
		cg->v1_leaf[i] = NULL;
	}
	if (cg->v2_leaf)
		rmdir_retry(cg->v2_leaf);
	free(cg->v2_leaf);
	free(cg->v2_root);
	cg->v2_leaf = cg->v2_root = NULL;
}

uint64_t sb_proc_starttime(int pid)
{
	char path[64], buf[1024], *p;
	unsigned long long st = 0;
	ssize_t n;
	int fd, i;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* comm may hold spaces and parentheses: fields restart after the last ')' */
	p = strrchr(buf, ')');
	for (i = 0; p && i < 20; i++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p + 1, "%llu", &st) != 1)
		return 0;
	return st;
}

/* Whether the conduct named in a leaf (pid and its start time) is still running. */
static bool owner_alive(int pid, unsigned long long starttime)
{
	if (pid <= 0)
		return false;
	return sb_proc_starttime(pid) == starttime;
}

static void clean_dir(const char *base, bool v2)
{
	char dir[PATH_MAX];
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/conduct", base);
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		char leaf[PATH_MAX + 256];
		unsigned long long start;
		int pid;

		if (strncmp(de->d_name, "run-", 4) ||
		    sscanf(de->d_name + 4, "%d-%llu-", &pid, &start) != 2)
			continue;
		if (owner_alive(pid, start))
			continue;
		snprintf(leaf, sizeof(leaf), "%s/%s", dir, de->d_name);
		if (!v2 || write_str(leaf, "cgroup.kill", "1") < 0)
			kill_procs(leaf);
		log_info("removing '%s', left by a conduct (pid %d) that is gone", leaf, pid);
		rmdir_retry(leaf);
	}
	closedir(d);
}

void sb_cg_clean_stale(void)
{
	struct mounts m = { 0 };
	int i, j;

	if (find_mounts(&m) < 0)
		return;
	if (m.v2)
		clean_dir(m.v2, true);
	for (i = 0; i < SB_CG_N; i++) {
		bool seen = false;

		for (j = 0; j < i; j++)
			if (m.v1[j] && m.v1[i] && !strcmp(m.v1[i], m.v1[j]))
				seen = true;
		if (m.v1[i] && !seen)
			clean_dir(m.v1[i], false);
	}
	mounts_fini(&m);
}

json_t *sb_cg_describe(const struct sb_cgroup *cg)
{
	json_t *o = json_object(), *v1 = json_object(), *on2 = json_array();
	int i;

	if (!o || !v1 || !on2) {
		json_decref(o);
		json_decref(v1);
		json_decref(on2);
		return NULL;
	}
	json_object_set_new(o, "v2", cg->v2_leaf ? json_string(cg->v2_leaf) : json_null());
	json_object_set_new(o, "id", json_integer((json_int_t)cg->v2_id));
	for (i = 0; i < SB_CG_N; i++) {
		if (cg->v1_leaf[i])
			json_object_set_new(v1, ctrl_names[i], json_string(cg->v1_leaf[i]));
		if (cg->on_v2[i])
			json_array_append_new(on2, json_string(ctrl_names[i]));
	}
	json_object_set_new(o, "v1", v1);
	json_object_set_new(o, "v2_controllers", on2);
	return o;
}

/* The number after "key " in dir/file (0 if absent). */
static uint64_t read_counter(const char *dir, const char *file, const char *key)
{
	char buf[2048], *p;
	size_t n = strlen(key);

	if (!dir || read_str(dir, file, buf, sizeof(buf)) < 0)
		return 0;
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, n) && p[n] == ' ')
			return strtoull(p + n + 1, NULL, 10);
	return 0;
}

void sb_cg_limit_hits(const struct sb_cgroup *cg, uint64_t *ret_oom_kills, uint64_t *ret_pids_max)
{
	if (cg->on_v2[SB_CG_MEMORY])
		*ret_oom_kills = read_counter(cg->v2_leaf, "memory.events", "oom_kill");
	else
		*ret_oom_kills = read_counter(cg->v1_leaf[SB_CG_MEMORY], "memory.oom_control",
					      "oom_kill");
	*ret_pids_max = read_counter(cg->on_v2[SB_CG_PIDS] ? cg->v2_leaf : cg->v1_leaf[SB_CG_PIDS],
				     "pids.events", "max");
}

bool sb_cg_uid_slot_in_use(uint32_t slot)
{
	struct mounts m = { 0 };
	char dir[PATH_MAX];
	struct dirent *de;
	bool used = false;
	DIR *d;

	if (find_mounts(&m) < 0 || !m.v2) {
		mounts_fini(&m);
		return false;
	}
	snprintf(dir, sizeof(dir), "%s/conduct", m.v2);
	mounts_fini(&m);
	d = opendir(dir);
	if (!d)
		return false;
	while (!used && (de = readdir(d))) {
		unsigned long long start;
		unsigned int id;
		int pid;

		if (!strncmp(de->d_name, "run-", 4) &&
		    sscanf(de->d_name + 4, "%d-%llu-%x", &pid, &start, &id) == 3)
			used = (id & 0xffff) == slot;
	}
	closedir(d);
	return used;
}
