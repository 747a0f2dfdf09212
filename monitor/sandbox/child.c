/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * child: what runs inside the run's namespaces, before the connector's exec.
 *
 * The run's init (pid 1 inside, conduct's own code cloned with new user, pid, mount, ipc, uts
 * and net namespaces) becomes uid 0 of its user namespace, builds the mount tree (host root
 * read-only, fresh /proc, minimal /dev, tmpfs /tmp /run /root /home, the workdir bound
 * writable at its own path), pivots into it, seeds the honey files, forks the connector and
 * then only reaps: it reports the connector's wait status and any SIGSYS death to the parent
 * and stays alive until the parent says quit, so the run's mounts stay reachable through
 * /proc/<init>/root for the post-run inventory.
 *
 * The connector child, in this fixed order: waits until the parent has put it in the run's
 * cgroups, unshares its cgroup namespace, rlimits, fds, setsid, cwd, drops every capability
 * (bounding and ambient included), no_new_privs, seccomp (listener handed to the parent), waits
 * for "go", execs. A failure anywhere goes to the parent as {stage, errno} over the CLOEXEC
 * error pipe, never as a log line: this code never prints.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/securebits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox/internal.h"
#include "sandbox/net.h"
#include "util/util.h"

extern char **environ;

static const char *const stage_names[SB_STAGE_COUNT] = {
	[SB_STAGE_NONE] = "none",
	[SB_STAGE_MAP_WAIT] = "waiting for the uid/gid maps",
	[SB_STAGE_SETID] = "becoming uid 0 of the user namespace",
	[SB_STAGE_NET] = "network setup inside the namespace",
	[SB_STAGE_HOSTNAME] = "hostname",
	[SB_STAGE_MOUNT_PRIVATE] = "making mounts private",
	[SB_STAGE_MOUNT_STAGE] = "staging tmpfs",
	[SB_STAGE_MOUNT_ROOT] = "binding the host root",
	[SB_STAGE_MOUNT_RDONLY] = "making the host root read-only",
	[SB_STAGE_MOUNT_PROC] = "mounting /proc",
	[SB_STAGE_MOUNT_DEV] = "building /dev",
	[SB_STAGE_MOUNT_TMP] = "mounting /tmp",
	[SB_STAGE_MOUNT_RUN] = "mounting /run",
	[SB_STAGE_MOUNT_HOME] = "mounting HOME and masking /home",
	[SB_STAGE_MOUNT_WORKDIR] = "binding the work directory",
	[SB_STAGE_MOUNT_EXPOSE] = "binding the current or the command's directory read-only",
	[SB_STAGE_RESOLV] = "binding resolv.conf",
	[SB_STAGE_PIVOT] = "pivot_root",
	[SB_STAGE_HONEY] = "writing the honey files",
	[SB_STAGE_FORK] = "forking the connector",
	[SB_STAGE_CGROUP_WAIT] = "waiting to be placed in the run's cgroups",
	[SB_STAGE_CGROUPNS] = "cgroup namespace",
	[SB_STAGE_RLIMIT] = "rlimits",
	[SB_STAGE_FDS] = "file descriptors",
	[SB_STAGE_SETSID] = "setsid",
	[SB_STAGE_CHDIR] = "changing to the working directory",
	[SB_STAGE_CAPS] = "dropping capabilities",
	[SB_STAGE_NNP] = "no_new_privs",
	[SB_STAGE_SECCOMP] = "loading the seccomp filter",
	[SB_STAGE_GO_WAIT] = "waiting for the start",
	[SB_STAGE_EXEC] = "exec",
};

const char *sb_stage_name(int stage)
{
	if (stage < 0 || stage >= SB_STAGE_COUNT || !stage_names[stage])
		return "unknown stage";
	return stage_names[stage];
}

static int errw = -1;

static __attribute__((noreturn)) void fail(int stage, int err)
{
	struct sb_stage_err e = { .stage = stage, .err = err ? err : EIO };

	if (errw >= 0 && write(errw, &e, sizeof(e)) < 0) {
		/* nothing else can be done: the parent sees the exit */
	}
	_exit(127);
}

#define CHECK(expr, stage)                                                                         \
	do {                                                                                       \
		if ((expr) < 0)                                                                    \
			fail(stage, errno);                                                        \
	} while (0)

static int mkdir_p(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	char *p;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static int setattr(const char *path, unsigned int flags, uint64_t set)
{
	struct mount_attr a = { .attr_set = set };

	return mount_setattr(AT_FDCWD, path, flags, &a, sizeof(a));
}

static int tmpfs(const char *name, const char *at, unsigned long flags, const char *opts)
{
	return mount(name, at, "tmpfs", MS_NOSUID | MS_NODEV | flags, opts);
}

static void build_dev(void)
{
	static const char *const nodes[] = { "null", "zero", "full", "random", "urandom", "tty" };
	static const char *const links[][2] = {
		{ "/proc/self/fd", "/newroot/dev/fd" },	    { "/proc/self/fd/0", "/newroot/dev/stdin" },
		{ "/proc/self/fd/1", "/newroot/dev/stdout" }, { "/proc/self/fd/2", "/newroot/dev/stderr" },
	};
	char src[64], dst[64];
	size_t i;
	int fd;

	CHECK(mount("conduct-dev", "/newroot/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=64k"),
	      SB_STAGE_MOUNT_DEV);
	for (i = 0; i < ARRAY_SIZE(nodes); i++) {
		snprintf(src, sizeof(src), "/oldroot/dev/%s", nodes[i]);
		snprintf(dst, sizeof(dst), "/newroot/dev/%s", nodes[i]);
		fd = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		CHECK(fd, SB_STAGE_MOUNT_DEV);
		close(fd);
		CHECK(mount(src, dst, NULL, MS_BIND, NULL), SB_STAGE_MOUNT_DEV);
	}
	for (i = 0; i < ARRAY_SIZE(links); i++)
		CHECK(symlink(links[i][0], links[i][1]), SB_STAGE_MOUNT_DEV);
	CHECK(mkdir("/newroot/dev/shm", 01777), SB_STAGE_MOUNT_DEV);
	CHECK(tmpfs("conduct-shm", "/newroot/dev/shm", 0, "mode=1777"), SB_STAGE_MOUNT_DEV);
	CHECK(mkdir("/newroot/dev/pts", 0755), SB_STAGE_MOUNT_DEV);
	if (mount("devpts", "/newroot/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
		  "newinstance,ptmxmode=0666,mode=0620") == 0)
		CHECK(symlink("pts/ptmx", "/newroot/dev/ptmx"), SB_STAGE_MOUNT_DEV);
	else
		rmdir("/newroot/dev/pts"); /* no ptys in this run: a connector rarely needs one */
	CHECK(setattr("/newroot/dev", 0, MOUNT_ATTR_RDONLY), SB_STAGE_MOUNT_DEV);
}

/* Binds the resolv.conf content over /etc/resolv.conf (or where its symlink points). */
static void bind_resolv(const char *content)
{
	char target[PATH_MAX + 16], link[PATH_MAX];
	struct stat st;
	ssize_t n;
	int fd;

	fd = open("/resolv.conf", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	CHECK(fd, SB_STAGE_RESOLV);
	if (write_all(fd, content, strlen(content)) < 0)
		fail(SB_STAGE_RESOLV, EIO);
	close(fd);
	snprintf(target, sizeof(target), "/newroot/etc/resolv.conf");
	if (lstat(target, &st) == 0 && S_ISLNK(st.st_mode)) {
		n = readlink(target, link, sizeof(link) - 1);
		CHECK(n, SB_STAGE_RESOLV);
		link[n] = '\0';
		if (link[0] != '/')
			fail(SB_STAGE_RESOLV, ENOTSUP);
		snprintf(target, sizeof(target), "/newroot%s", link);
		if (stat(target, &st) < 0) {
			char dir[PATH_MAX + 16], *slash;

			snprintf(dir, sizeof(dir), "%s", target);
			slash = strrchr(dir, '/');
			*slash = '\0';
			if (mkdir_p(dir, 0755) < 0)
				fail(SB_STAGE_RESOLV, errno);
			fd = open(target, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
			CHECK(fd, SB_STAGE_RESOLV);
			close(fd);
		}
	}
	CHECK(mount("/resolv.conf", target, NULL, MS_BIND, NULL), SB_STAGE_RESOLV);
	CHECK(setattr(target, 0, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID), SB_STAGE_RESOLV);
}

static void build_mounts(const struct sb_child *c)
{
	char dst[PATH_MAX + 16];
	struct stat st;
	size_t k;
	int r, tree;

	CHECK(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), SB_STAGE_MOUNT_PRIVATE);
	/* a staging tmpfs becomes the root; the host tree moves to /oldroot */
	CHECK(tmpfs("conduct-stage", "/tmp", 0, "mode=0700,size=1m"), SB_STAGE_MOUNT_STAGE);
	CHECK(mkdir("/tmp/newroot", 0755), SB_STAGE_MOUNT_STAGE);
	CHECK(mkdir("/tmp/oldroot", 0755), SB_STAGE_MOUNT_STAGE);
	CHECK(syscall(SYS_pivot_root, "/tmp", "/tmp/oldroot"), SB_STAGE_MOUNT_STAGE);
	CHECK(chdir("/"), SB_STAGE_MOUNT_STAGE);

	CHECK(mount("/oldroot", "/newroot", NULL, MS_BIND | MS_REC, NULL), SB_STAGE_MOUNT_ROOT);
	CHECK(setattr("/newroot", AT_RECURSIVE, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID),
	      SB_STAGE_MOUNT_RDONLY);
	CHECK(mount("proc", "/newroot/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL),
	      SB_STAGE_MOUNT_PROC);
	/*
	 * A fresh sysfs shows the run's own network devices, not the host's (names, addresses,
	 * counters). Where the kernel refuses it (the host's sysfs not fully visible), the host's
	 * read-only one stays.
	 */
	if (c->own_netns)
		mount("sysfs", "/newroot/sys", "sysfs",
		      MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	build_dev();
	CHECK(tmpfs("conduct-tmp", "/newroot/tmp", 0, "mode=1777"), SB_STAGE_MOUNT_TMP);
	CHECK(tmpfs("conduct-run", "/newroot/run", 0, "mode=0755"), SB_STAGE_MOUNT_RUN);
	if (lstat("/newroot/var/run", &st) == 0 && S_ISDIR(st.st_mode))
		CHECK(tmpfs("conduct-run", "/newroot/var/run", 0, "mode=0755"), SB_STAGE_MOUNT_RUN);
	CHECK(tmpfs("conduct-home", "/newroot/root", 0, "mode=0700"), SB_STAGE_MOUNT_HOME);
	if (stat("/newroot/home", &st) == 0 && S_ISDIR(st.st_mode))
		CHECK(tmpfs("conduct-nohome", "/newroot/home", 0, "mode=0755,size=4k"),
		      SB_STAGE_MOUNT_HOME);

	/* the host directories the connector needs that the fresh mounts above hid */
	for (k = 0; k < c->n_expose; k++) {
		snprintf(dst, sizeof(dst), "/newroot%s", c->expose[k]);
		r = mkdir_p(dst, 0755);
		if (r < 0)
			fail(SB_STAGE_MOUNT_EXPOSE, -r);
		tree = open_tree(c->expose_fd[k], "",
				 OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
		CHECK(tree, SB_STAGE_MOUNT_EXPOSE);
		CHECK(move_mount(tree, "", AT_FDCWD, dst, MOVE_MOUNT_F_EMPTY_PATH),
		      SB_STAGE_MOUNT_EXPOSE);
		close(tree);
		close(c->expose_fd[k]);
		CHECK(setattr(dst, AT_RECURSIVE,
			      MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV),
		      SB_STAGE_MOUNT_EXPOSE);
	}

	snprintf(dst, sizeof(dst), "/newroot%s", c->workdir);
	r = mkdir_p(dst, 0755);
	if (r < 0)
		fail(SB_STAGE_MOUNT_WORKDIR, -r);
	/* from the fd init opened while it could still traverse root-only directories */
	tree = open_tree(c->workdir_fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE |
						    AT_EMPTY_PATH);
	CHECK(tree, SB_STAGE_MOUNT_WORKDIR);
	CHECK(move_mount(tree, "", AT_FDCWD, dst, MOVE_MOUNT_F_EMPTY_PATH), SB_STAGE_MOUNT_WORKDIR);
	close(tree);
	close(c->workdir_fd);
	CHECK(setattr(dst, AT_RECURSIVE, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV),
	      SB_STAGE_MOUNT_WORKDIR);
	/* /home stays empty and read-only; made so only after the binds that may lie below it */
	if (stat("/newroot/home", &st) == 0 && S_ISDIR(st.st_mode))
		CHECK(setattr("/newroot/home", 0, MOUNT_ATTR_RDONLY), SB_STAGE_MOUNT_HOME);

	if (c->resolv_conf)
		bind_resolv(c->resolv_conf);

	/* pivot into the new tree; the staging root and the host tree under it go away */
	CHECK(chdir("/newroot"), SB_STAGE_PIVOT);
	CHECK(syscall(SYS_pivot_root, ".", "."), SB_STAGE_PIVOT);
	CHECK(umount2(".", MNT_DETACH), SB_STAGE_PIVOT);
	CHECK(chdir("/"), SB_STAGE_PIVOT);
}

static void write_honey(const struct sb_child *c)
{
	size_t i;

	for (i = 0; i < c->n_files; i++) {
		const struct sb_honey_file *h = &c->files[i];
		char dir[PATH_MAX], *slash;
		int fd, r;

		snprintf(dir, sizeof(dir), "%s", h->path);
		slash = strrchr(dir, '/');
		if (slash && slash != dir) {
			*slash = '\0';
			r = mkdir_p(dir, strncmp(dir, "/root", 5) ? 0755 : 0700);
			if (r < 0)
				fail(SB_STAGE_HONEY, -r);
		}
		fd = open(h->path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, h->mode);
		CHECK(fd, SB_STAGE_HONEY);
		if (write_all(fd, h->content, h->len) < 0 || fchmod(fd, h->mode) < 0)
			fail(SB_STAGE_HONEY, errno);
		close(fd);
	}
}

/* Closes every fd but 0-2 and those in keep[]. */
static void close_others(const int *keep, size_t n)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int dfd, fds[1024];
	size_t nfds = 0, i, j;

	if (!d)
		return;
	dfd = dirfd(d);
	while ((de = readdir(d)) && nfds < ARRAY_SIZE(fds)) {
		int fd = atoi(de->d_name);

		if (de->d_name[0] < '0' || de->d_name[0] > '9' || fd <= 2 || fd == dfd)
			continue;
		fds[nfds++] = fd;
	}
	closedir(d);
	for (i = 0; i < nfds; i++) {
		for (j = 0; j < n; j++)
			if (keep[j] == fds[i])
				break;
		if (j == n)
			close(fds[i]);
	}
}

static int send_msg(int fd, uint32_t type, int a, int b)
{
	struct sb_msg m = { .type = type, .a = a, .b = b };

	return send(fd, &m, sizeof(m), MSG_NOSIGNAL) == sizeof(m) ? 0 : -1;
}

static int recv_msg(int fd, uint32_t type)
{
	struct sb_msg m;
	ssize_t n;

	do
		n = recv(fd, &m, sizeof(m), 0);
	while (n < 0 && errno == EINTR);
	if (n != sizeof(m)) {
		if (n >= 0)
			errno = EPIPE;
		return -1;
	}
	if (m.type != type) {
		errno = EPROTO;
		return -1;
	}
	return 0;
}

static void set_rlimits(void)
{
	static const struct {
		int res;
		rlim_t max;
	} caps[] = {
		{ RLIMIT_CORE, 0 },
		{ RLIMIT_NOFILE, 65536 },
		{ RLIMIT_MEMLOCK, 8 << 20 },
		{ RLIMIT_RTPRIO, 0 },
		{ RLIMIT_MSGQUEUE, 800 << 10 },
	};
	struct rlimit rl;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(caps); i++) {
		CHECK(getrlimit(caps[i].res, &rl), SB_STAGE_RLIMIT);
		if (rl.rlim_max > caps[i].max)
			rl.rlim_max = caps[i].max;
		if (rl.rlim_cur > rl.rlim_max)
			rl.rlim_cur = rl.rlim_max;
		CHECK(setrlimit(caps[i].res, &rl), SB_STAGE_RLIMIT);
	}
}

static void drop_caps(void)
{
	cap_value_t cap, last = (cap_value_t)cap_max_bits();
	cap_t none;

	/* uid 0 of the namespace never regains capabilities through exec or setuid */
	CHECK(prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED |
					       SECBIT_NO_SETUID_FIXUP |
					       SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_KEEP_CAPS_LOCKED |
					       SECBIT_NO_CAP_AMBIENT_RAISE |
					       SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED,
		    0, 0, 0),
	      SB_STAGE_CAPS);
	for (cap = 0; cap < last; cap++)
		CHECK(cap_drop_bound(cap), SB_STAGE_CAPS);
	CHECK(cap_reset_ambient(), SB_STAGE_CAPS);
	none = cap_init();
	if (!none)
		fail(SB_STAGE_CAPS, ENOMEM);
	CHECK(cap_set_proc(none), SB_STAGE_CAPS);
	cap_free(none);
}

/* Sends one byte with one control message (SCM_RIGHTS, SCM_CREDENTIALS) on sock. */
static int send_cmsg(int sock, int type, const void *payload, size_t len)
{
	char data = 'C';
	struct iovec iov = { .iov_base = &data, .iov_len = 1 };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(struct ucred))]; /* the larger of the two payloads */
	} u;
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = u.buf,
			     .msg_controllen = CMSG_SPACE(len) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

	memset(u.buf, 0, sizeof(u.buf));
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = type;
	cm->cmsg_len = CMSG_LEN(len);
	memcpy(CMSG_DATA(cm), payload, len);
	return sendmsg(sock, &mh, MSG_NOSIGNAL) == 1 ? 0 : -1;
}

static int send_fd(int sock, int fd)
{
	return send_cmsg(sock, SCM_RIGHTS, &fd, sizeof(fd));
}

/* The kernel translates the pid for the receiver: the parent learns our host pid. */
static int send_creds(int sock)
{
	struct ucred cr = { .pid = getpid(), .uid = getuid(), .gid = getgid() };

	return send_cmsg(sock, SCM_CREDENTIALS, &cr, sizeof(cr));
}

static __attribute__((noreturn)) void connector_main(const struct sb_child *c)
{
	int nul, out, err, conn, ew, listener = -1, sig;
	sigset_t none;

	close(c->ctl);
	/* 1. into the run's cgroups before anything else can happen */
	CHECK(send_creds(c->conn), SB_STAGE_CGROUP_WAIT);
	CHECK(recv_msg(c->conn, SB_MSG_CG_DONE), SB_STAGE_CGROUP_WAIT);
	CHECK(unshare(CLONE_NEWCGROUP), SB_STAGE_CGROUPNS);
	set_rlimits();

	/* fds: 0 /dev/null, 1 and 2 the parent's pipes, 3 error pipe, 4 socket, nothing else */
	nul = open("/dev/null", O_RDWR | O_CLOEXEC);
	CHECK(nul, SB_STAGE_FDS);
	CHECK(out = fcntl(c->out_w, F_DUPFD_CLOEXEC, 10), SB_STAGE_FDS);
	CHECK(err = fcntl(c->err_w, F_DUPFD_CLOEXEC, 10), SB_STAGE_FDS);
	CHECK(conn = fcntl(c->conn, F_DUPFD_CLOEXEC, 10), SB_STAGE_FDS);
	CHECK(ew = fcntl(errw, F_DUPFD_CLOEXEC, 10), SB_STAGE_FDS);
	errw = ew;
	CHECK(dup2(nul, 0), SB_STAGE_FDS);
	CHECK(dup2(out, 1), SB_STAGE_FDS);
	CHECK(dup2(err, 2), SB_STAGE_FDS);
	CHECK(dup3(ew, 3, O_CLOEXEC), SB_STAGE_FDS);
	errw = 3;
	CHECK(dup3(conn, 4, O_CLOEXEC), SB_STAGE_FDS);
	CHECK(close_range(5, ~0u, 0), SB_STAGE_FDS);

	CHECK(setsid(), SB_STAGE_SETSID);
	if (chdir(c->cwd) < 0)
		CHECK(chdir(c->workdir), SB_STAGE_CHDIR);
	drop_caps();
	CHECK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), SB_STAGE_NNP);
	{
		int r = sb_seccomp_load(&listener);

		if (r < 0)
			fail(SB_STAGE_SECCOMP, -r);
	}
	CHECK(send_fd(4, listener), SB_STAGE_SECCOMP);
	close(listener);
	CHECK(recv_msg(4, SB_MSG_GO), SB_STAGE_GO_WAIT);

	for (sig = 1; sig < _NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	environ = c->envp;
	execvp(c->argv[0], c->argv);
	fail(SB_STAGE_EXEC, errno);
}

static void reap(int ctl, pid_t connector)
{
	pid_t pid;
	int st;

	while ((pid = waitpid(-1, &st, WNOHANG | __WALL)) > 0) {
		if (pid == connector && send_msg(ctl, SB_MSG_STATUS, pid, st) < 0)
			_exit(1);
		if (WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS)
			send_msg(ctl, SB_MSG_SIGSYS, pid, 0);
	}
}

void sb_init_main(struct sb_child *c)
{
	int keep[] = { c->ctl, c->conn, c->errw, c->out_w, c->err_w };
	sigset_t chld;
	pid_t pid;
	size_t k;
	int sfd, r;

	errw = c->errw;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	close_others(keep, ARRAY_SIZE(keep));
	/*
	 * Still host uid 0 (for file access) until setresuid below: the workdir's ancestors may
	 * be root-only directories (mktemp -d) that the run's uid could not traverse.
	 */
	c->workdir_fd = open(c->workdir_host, O_PATH | O_DIRECTORY | O_CLOEXEC);
	CHECK(c->workdir_fd, SB_STAGE_MOUNT_WORKDIR);
	for (k = 0; k < c->n_expose; k++) {
		c->expose_fd[k] = open(c->expose[k], O_PATH | O_DIRECTORY | O_CLOEXEC);
		CHECK(c->expose_fd[k], SB_STAGE_MOUNT_EXPOSE);
	}
	/* the maps first: until then this process is nobody in its own namespace */
	CHECK(recv_msg(c->ctl, SB_MSG_MAPPED), SB_STAGE_MAP_WAIT);
	CHECK(setgroups(0, NULL), SB_STAGE_SETID);
	CHECK(setresgid(0, 0, 0), SB_STAGE_SETID);
	CHECK(setresuid(0, 0, 0), SB_STAGE_SETID);
	/* processes of the run cannot ptrace or read the memory of their init */
	prctl(PR_SET_DUMPABLE, 0);
	r = net_child_setup(c->net);
	if (r < 0)
		fail(SB_STAGE_NET, -r);
	CHECK(sethostname("conduct", 7), SB_STAGE_HOSTNAME);
	CHECK(setdomainname("sandbox", 7), SB_STAGE_HOSTNAME);
	build_mounts(c);
	write_honey(c);

	sfd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (sfd >= 0) {
		dup2(sfd, 0);
		dup2(sfd, 1);
		dup2(sfd, 2);
		close(sfd);
	}
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
	CHECK(sfd, SB_STAGE_FORK);
	pid = fork();
	CHECK(pid, SB_STAGE_FORK);
	if (pid == 0) {
		close(sfd);
		connector_main(c);
	}
	close(c->conn);
	close(c->out_w);
	close(c->err_w);
	if (send_msg(c->ctl, SB_MSG_READY, pid, 0) < 0)
		_exit(1);
	close(errw);
	errw = -1;

	for (;;) {
		struct pollfd p[2] = { { .fd = c->ctl, .events = POLLIN },
				       { .fd = sfd, .events = POLLIN } };
		struct signalfd_siginfo si;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			_exit(1);
		}
		if (p[1].revents) {
			while (read(sfd, &si, sizeof(si)) == sizeof(si))
				;
			reap(c->ctl, pid);
		}
		if (p[0].revents) {
			struct sb_msg m;
			ssize_t n = recv(c->ctl, &m, sizeof(m), MSG_DONTWAIT);

			if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR) ||
			    (n == sizeof(m) && m.type == SB_MSG_QUIT))
				_exit(0);
		}
	}
}
