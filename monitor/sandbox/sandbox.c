/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sandbox: the parent side of the launch (see sandbox.h for the lifecycle, child.c for what
 * runs inside). Owns the run's init process, the cgroup leaves, the uid/gid maps, the
 * connector's output pipes, the seccomp listener, the deadline and linger timers, and the
 * canaries. All waiting during the run happens on the loop; nothing here blocks for long
 * except bounded waits in sandbox_new() (setup handshake) and sandbox_finish()/free() (the
 * kill of what is left).
 *
 * The run is over when the connector's main process has exited AND the run's v2 leaf is empty.
 * After the main process exits, the others get linger_ns; at the deadline, on SIGINT/SIGTERM
 * of conduct, or after the linger, everything in the leaf is killed with cgroup.kill.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "record/trace.h"
#include "sandbox/internal.h"
#include "sandbox/net.h"
#include "util/jsonx.h"
#include "util/log.h"
#include "util/loop.h"
#include "util/util.h"

enum {
	UID_BASE = 1900000000u,
	LOG_LINE_MAX = 16384,
	SETUP_TIMEOUT_MS = 15000,
	REAP_POLL_NS = 50 * 1000 * 1000,
};

struct logstream {
	const char *name;
	int fd;
	bool eof;
	size_t len;
	char buf[LOG_LINE_MAX];
};

struct sandbox {
	struct loop *loop;
	struct trace_writer *w;
	struct sandbox_config cfg;
	uint32_t run_id;
	uid_t host_uid;
	gid_t host_gid;
	char name[64];
	char *workdir;	   /* host path */
	char *workdir_in;  /* the same directory's path inside the sandbox */
	char *expose[SB_EXPOSE_MAX]; /* host dirs bound read-only at their paths (sb_child) */
	size_t n_expose;
	char *cwd;
	bool workdir_chowned;
	int workdir_fd;
	uid_t workdir_uid;
	gid_t workdir_gid;
	const char *writable[5];
	char **envp;
	struct sb_cgroup cg;
	struct net *net;
	struct sb_canaries can;

	pid_t init_pid;
	bool init_reaped;
	int ctl, conn, errr, listener, root_fd;
	pid_t conn_host_pid;
	int conn_ns_pid;
	struct logstream out, err;

	int deadline_timer, linger_timer, reap_timer;
	bool started, main_exited, done, timed_out, interrupted, bad_arch, killed_leftovers;
	int exit_code, signal, exec_errno;
	uint64_t denied, log_bytes, log_lines, log_dropped, log_dropped_lines;
	uint64_t t_start, t_end;
};

/* --- small helpers ---------------------------------------------------------------------- */

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* The last NSpid field of /proc/<pid>/status: the pid as the sandbox sees it. */
static int ns_pid_of(pid_t host)
{
	char path[64], line[256];
	FILE *f;
	int pid = 0;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)host);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *p, *last = NULL, *save = NULL;

		if (strncmp(line, "NSpid:", 6))
			continue;
		for (p = strtok_r(line + 6, " \t\n", &save); p; p = strtok_r(NULL, " \t\n", &save))
			last = p;
		if (last)
			pid = atoi(last);
		break;
	}
	fclose(f);
	return pid;
}

/* The {stage, errno} init or the connector sent over the error pipe, as the error. */
static int stage_error(const struct sb_stage_err *e, struct error *err)
{
	return error_set(err, e->err > 0 ? e->err : EIO, 0, 0, "inside the sandbox, %s failed: %s",
			 sb_stage_name(e->stage), strerror(e->err));
}

/* Waits until fd is readable; a stage error on errr wins. 0, -ETIMEDOUT, or -errno. */
static int wait_readable(struct sandbox *sb, int fd, struct error *err)
{
	struct pollfd p[2] = { { .fd = fd, .events = POLLIN }, { .fd = sb->errr, .events = POLLIN } };
	int r;

	do
		r = poll(p, 2, SETUP_TIMEOUT_MS);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return error_set(err, errno, 0, 0, "poll: %s", strerror(errno));
	if (r == 0)
		return error_set(err, ETIMEDOUT, 0, 0,
				 "the sandbox's init did not answer within %d s",
				 SETUP_TIMEOUT_MS / 1000);
	if (p[1].revents & POLLIN) {
		struct sb_stage_err e;

		if (read(sb->errr, &e, sizeof(e)) == sizeof(e))
			return stage_error(&e, err);
	}
	if (p[0].revents & (POLLIN | POLLHUP))
		return 0;
	return error_set(err, EPIPE, 0, 0, "the sandbox's init died during setup");
}

/* After init or the connector died: its {stage, errno} if it sent one, else fallback. */
static int setup_died(struct sandbox *sb, const char *fallback, struct error *err)
{
	struct pollfd p = { .fd = sb->errr, .events = POLLIN };
	struct sb_stage_err e;

	if (poll(&p, 1, 1000) > 0 && read(sb->errr, &e, sizeof(e)) == sizeof(e))
		return stage_error(&e, err);
	return error_set(err, EPIPE, 0, 0, "%s", fallback);
}

static int recv_msg(struct sandbox *sb, int fd, struct sb_msg *m, struct error *err)
{
	ssize_t n;
	int r;

	r = wait_readable(sb, fd, err);
	if (r < 0)
		return r;
	n = recv(fd, m, sizeof(*m), MSG_DONTWAIT);
	if (n != sizeof(*m)) {
		/* init or the connector died: its stage error may still be in the pipe */
		r = wait_readable(sb, sb->errr, err);
		if (r < 0)
			return r;
		return error_set(err, EPIPE, 0, 0, "the sandbox's init died during setup");
	}
	return 0;
}

static int send_msg(int fd, uint32_t type)
{
	struct sb_msg m = { .type = type };

	return send(fd, &m, sizeof(m), MSG_NOSIGNAL) == sizeof(m) ? 0 : -errno;
}

/* Receives one byte with an SCM_CREDENTIALS (ret_pid) or SCM_RIGHTS (ret_fd) message. */
static int recv_cmsg(struct sandbox *sb, int fd, pid_t *ret_pid, int *ret_fd, struct error *err)
{
	char data;
	struct iovec iov = { .iov_base = &data, .iov_len = 1 };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *cm;
	ssize_t n;
	int r;

	r = wait_readable(sb, fd, err);
	if (r < 0)
		return r;
	n = recvmsg(fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	if (n != 1) {
		r = wait_readable(sb, sb->errr, err);
		return r < 0 ? r
			     : error_set(err, EPIPE, 0, 0,
					 "the connector process died during setup");
	}
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET)
			continue;
		if (cm->cmsg_type == SCM_CREDENTIALS && ret_pid) {
			struct ucred cr;

			memcpy(&cr, CMSG_DATA(cm), sizeof(cr));
			*ret_pid = cr.pid;
			return 0;
		}
		if (cm->cmsg_type == SCM_RIGHTS && ret_fd) {
			memcpy(ret_fd, CMSG_DATA(cm), sizeof(int));
			return 0;
		}
	}
	return error_set(err, EPROTO, 0, 0, "the connector process sent no %s",
			 ret_pid ? "credentials" : "seccomp listener");
}

/* --- privileges, paths, environment ------------------------------------------------------ */

/* The capabilities building a sandbox takes, and what each is for. */
static const struct {
	cap_value_t cap;
	const char *name;
	const char *why;
} needed_caps[] = {
	{ CAP_SYS_ADMIN, "CAP_SYS_ADMIN", "namespaces and cgroups" },
	{ CAP_SETUID, "CAP_SETUID", "the user namespace's uid map" },
	{ CAP_SETGID, "CAP_SETGID", "the user namespace's gid map" },
	{ CAP_CHOWN, "CAP_CHOWN", "handing the work directory to the run's uid" },
	{ CAP_DAC_OVERRIDE, "CAP_DAC_OVERRIDE", "writing cgroup files" },
	{ CAP_KILL, "CAP_KILL", "killing the run's processes" },
	{ CAP_SYS_PTRACE, "CAP_SYS_PTRACE", "reaching the sandbox's files after the run" },
};

int sandbox_missing_privileges(char *buf, size_t len, bool why)
{
	cap_t caps = cap_get_proc();
	size_t i, o = 0;
	int n = 0;

	if (!caps)
		return -errno;
	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(needed_caps); i++) {
		cap_flag_value_t v = CAP_CLEAR;

		if (cap_get_flag(caps, needed_caps[i].cap, CAP_EFFECTIVE, &v) == 0 && v == CAP_SET)
			continue;
		n++;
		if (o < len)
			o += (size_t)snprintf(buf + o, len - o, why ? "%s%s (%s)" : "%s%s%.0s",
					      o ? (why ? ", " : " ") : "", needed_caps[i].name,
					      needed_caps[i].why);
	}
	cap_free(caps);
	return n;
}

static int check_privileges(struct error *err)
{
	char missing[400];
	int n = sandbox_missing_privileges(missing, sizeof(missing), true);

	if (n < 0)
		return error_set(err, -n, 0, 0, "cannot read conduct's capabilities: %s",
				 strerror(-n));
	if (n)
		return error_set(err, EPERM, 0, 0,
				 "conduct run needs root; missing capabilities: %s", missing);
	return 0;
}

/* The workdir must not be a system directory: it is bound writable and handed to the run. */
static bool workdir_allowed(const char *p)
{
	static const char *const exact[] = { "/", "/bin", "/boot", "/dev", "/etc", "/home", "/lib",
					     "/lib32", "/lib64", "/media", "/mnt", "/opt", "/proc",
					     "/root", "/run", "/sbin", "/srv", "/sys", "/tmp", "/usr",
					     "/var", "/var/tmp", "/var/lib", "/var/log" };
	static const char *const under[] = { "/proc/", "/sys/", "/dev/", "/usr/", "/etc/",
					     "/boot/", "/bin/", "/sbin/", "/lib/" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(exact); i++)
		if (!strcmp(p, exact[i]))
			return false;
	for (i = 0; i < ARRAY_SIZE(under); i++)
		if (!strncmp(p, under[i], strlen(under[i])))
			return false;
	return true;
}

/* Whether p is dir or below it. */
static bool path_within(const char *p, const char *dir)
{
	size_t n = strlen(dir);

	return !strncmp(p, dir, n) && (p[n] == '/' || p[n] == '\0');
}

/* Directories the sandbox replaces with fresh tmpfs: anything below them is made inside. */
static const char *const fresh_dirs[] = { "/tmp", "/run", "/var/run", "/root", "/home" };

static bool fresh_inside(const char *p)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fresh_dirs); i++)
		if (path_within(p, fresh_dirs[i]))
			return true;
	return false;
}

static bool exposed(const struct sandbox *sb, const char *p)
{
	size_t i;

	for (i = 0; i < sb->n_expose; i++)
		if (path_within(p, sb->expose[i]))
			return true;
	return false;
}

/*
 * Whether the run's uid, which is nobody on the host (neither owner nor group member of any
 * host file), can walk down to path: every ancestor on the host's tree needs o+x. Below a
 * fresh mount of the sandbox the path is made inside, unless it is in an exposed host dir.
 */
static bool reachable_inside(const struct sandbox *sb, const char *path)
{
	char buf[PATH_MAX];
	char *slash;
	struct stat st;

	snprintf(buf, sizeof(buf), "%s", path);
	for (slash = strrchr(buf, '/'); slash && slash != buf; slash = strrchr(buf, '/')) {
		*slash = '\0';
		if (fresh_inside(buf) && !exposed(sb, buf))
			return true;
		if (stat(buf, &st) < 0 || !(st.st_mode & S_IXOTH))
			return false;
	}
	return true;
}

static int add_expose(struct sandbox *sb, const char *dir)
{
	char real[PATH_MAX];
	size_t i;

	if (!realpath(dir, real) || !fresh_inside(real))
		return 0;
	/* never a whole fresh directory: the connector's /tmp, HOME, /run stay its own */
	for (i = 0; i < ARRAY_SIZE(fresh_dirs); i++)
		if (!strcmp(real, fresh_dirs[i]))
			return 0;
	for (i = 0; i < sb->n_expose; i++) {
		if (path_within(real, sb->expose[i]))
			return 0;
		if (path_within(sb->expose[i], real)) { /* the new one holds an earlier one */
			free(sb->expose[i]);
			sb->expose[i] = sb->expose[--sb->n_expose];
			i--;
		}
	}
	if (sb->n_expose == SB_EXPOSE_MAX)
		return 0;
	sb->expose[sb->n_expose] = strdup(real);
	if (!sb->expose[sb->n_expose])
		return -ENOMEM;
	sb->n_expose++;
	return 0;
}

/*
 * The sandbox replaces /tmp, /run, /root and /home with fresh mounts; a connector started
 * from there (an upload unpacked in /tmp, a clone in /root) would not find itself. The
 * caller's cwd and the command's directory, when below one of those, are bound read-only.
 */
static int prepare_expose(struct sandbox *sb)
{
	char cwd[PATH_MAX], cmd[PATH_MAX], *slash;
	int r;

	if (getcwd(cwd, sizeof(cwd))) {
		r = add_expose(sb, cwd);
		if (r < 0)
			return r;
	}
	if (strchr(sb->cfg.argv[0], '/') && realpath(sb->cfg.argv[0], cmd)) {
		slash = strrchr(cmd, '/');
		if (slash && slash != cmd) {
			*slash = '\0';
			r = add_expose(sb, cmd);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int prepare_workdir(struct sandbox *sb, struct error *err)
{
	char def[PATH_MAX], real[PATH_MAX];
	const char *wd = sb->cfg.workdir;
	struct stat st;

	if (!wd) {
		snprintf(def, sizeof(def), "%s/work", sb->cfg.outdir);
		if (mkdir(def, 0755) < 0 && errno != EEXIST)
			return error_set(err, errno, 0, 0, "cannot create the work directory '%s': %s",
					 def, strerror(errno));
		wd = def;
	}
	if (!realpath(wd, real) || stat(real, &st) < 0)
		return error_set(err, EINVAL, 0, 0, "--workdir '%s': %s", wd, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return error_set(err, EINVAL, 0, 0, "--workdir '%s' is not a directory", wd);
	if (!workdir_allowed(real))
		return error_set(err, EINVAL, 0, 0,
				 "--workdir '%s' is a system directory; give a directory of its own",
				 real);
	sb->workdir = strdup(real);
	/*
	 * Bound at its own path when the run's uid can reach that path; below a directory it
	 * may not traverse (e.g. a 0700 home elsewhere), at a fixed path on the sandbox's /run.
	 */
	sb->workdir_in = strdup(reachable_inside(sb, real) ? real : "/run/conduct/work");
	if (!sb->workdir || !sb->workdir_in)
		return -ENOMEM;
	sb->workdir_uid = st.st_uid;
	sb->workdir_gid = st.st_gid;
	/* an fd, so that giving it back after the run cannot be redirected by a symlink */
	sb->workdir_fd = open(real, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sb->workdir_fd < 0 || fchown(sb->workdir_fd, sb->host_uid, sb->host_gid) < 0)
		return error_set(err, errno, 0, 0, "cannot hand '%s' to the run's uid %u: %s", real,
				 sb->host_uid, strerror(errno));
	sb->workdir_chowned = true;
	return 0;
}

static bool env_name_ok(const char *s)
{
	static const char *const reserved[] = { "PATH", "HOME",	  "USER",   "LOGNAME",
						"LANG", "TERM",	  "WORKDIR", "TMPDIR" };
	size_t i;

	if (!s || !*s || strlen(s) > 128 || (*s >= '0' && *s <= '9'))
		return false;
	for (i = 0; s[i]; i++)
		if (!(s[i] == '_' || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9')))
			return false;
	for (i = 0; i < ARRAY_SIZE(reserved); i++)
		if (!strcmp(s, reserved[i]))
			return false;
	return true;
}

static int build_env(struct sandbox *sb)
{
	const char *term = getenv("TERM");
	size_t n = 0, i, max = 8 + sb->cfg.n_secrets + 1;
	char **env = calloc(max, sizeof(*env));

	if (!env)
		return -ENOMEM;
	sb->envp = env;
	env[n++] = strdup("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	env[n++] = strdup("HOME=/root");
	env[n++] = strdup("USER=root");
	env[n++] = strdup("LOGNAME=root");
	env[n++] = strdup("LANG=C.UTF-8");
	env[n++] = strdup("TMPDIR=/tmp");
	if (asprintf(&env[n++], "WORKDIR=%s", sb->workdir_in) < 0)
		env[n - 1] = NULL;
	if (term && asprintf(&env[n++], "TERM=%s", term) < 0)
		env[n - 1] = NULL;
	for (i = 0; i < n; i++)
		if (!env[i])
			return -ENOMEM;
	for (i = 0; i < sb->can.n; i++) {
		const struct sb_canary *k = &sb->can.v[i];

		if (!k->env)
			continue;
		if (asprintf(&env[n++], "%s=%s", k->env, k->value) < 0) {
			env[n - 1] = NULL;
			return -ENOMEM;
		}
	}
	return 0;
}

static int make_canaries(struct sandbox *sb, struct error *err)
{
	char path[PATH_MAX + 64];
	const char *dir = sb->cfg.policy_dir;
	size_t i, j;
	int r;

	for (i = 0; i < sb->cfg.n_secrets; i++) {
		const struct sandbox_secret *s = &sb->cfg.secrets[i];
		char *value;

		if (!env_name_ok(s->env))
			return error_set(err, EINVAL, 0, 0,
					 "secret '%s': '%s' cannot be its environment variable",
					 s->name ? s->name : "", s->env ? s->env : "");
		for (j = 0; j < i; j++)
			if (!strcmp(sb->cfg.secrets[j].env, s->env))
				return error_set(err, EINVAL, 0, 0,
						 "secrets '%s' and '%s' use the same variable '%s'",
						 sb->cfg.secrets[j].name, s->name, s->env);
		r = sb_canary_new(canary_kind_for_secret(s->name ? s->name : s->env), &value);
		if (r < 0)
			return error_set(err, -r, 0, 0, "cannot make a canary: %s", strerror(-r));
		r = sb_canaries_add(&sb->can, s->name ? s->name : s->env, value, "env", s->env);
		if (r < 0)
			return r;
	}
	if (dir && *dir) {
		snprintf(path, sizeof(path), "%s/knowledge/honey-files.json", dir);
	} else {
		/* no policy directory given: the one next to the binary, as main.c finds it */
		char exe[PATH_MAX], *slash;
		ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

		if (n < 0)
			return error_set(err, errno, 0, 0, "readlink /proc/self/exe: %s",
					 strerror(errno));
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		snprintf(path, sizeof(path), "%s/../share/conduct/policies/knowledge/honey-files.json",
			 exe);
		if (access(path, R_OK) < 0)
			snprintf(path, sizeof(path), "%s/../policies/knowledge/honey-files.json",
				 exe);
	}
	r = sb_honey_load(path, &sb->can, err);
	if (r < 0)
		return r;
	/*
	 * Where /var/run is the usual symlink to /run (it is inside too: the host root is the
	 * sandbox's), record the path the kernel resolves, which is what the recorder reports.
	 */
	{
		char real[PATH_MAX];

		if (realpath("/var/run", real) && !strcmp(real, "/run"))
			return sb_honey_rebase(&sb->can, "/var/run/", "/run/");
	}
	return 0;
}

/* --- the run's processes ---------------------------------------------------------------- */

static int write_maps(struct sandbox *sb, struct error *err)
{
	char path[64], map[64];
	int r;

	snprintf(map, sizeof(map), "0 %u 1\n", sb->host_uid);
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)sb->init_pid);
	r = sb_write_file(path, map);
	if (r < 0)
		return error_set(err, -r, 0, 0, "cannot write '%s': %s", path, strerror(-r));
	snprintf(map, sizeof(map), "0 %u 1\n", sb->host_gid);
	snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)sb->init_pid);
	r = sb_write_file(path, map);
	if (r < 0)
		return error_set(err, -r, 0, 0, "cannot write '%s': %s", path, strerror(-r));
	return 0;
}

static int spawn(struct sandbox *sb, struct error *err)
{
	int ctl[2] = { -1, -1 }, conn[2] = { -1, -1 }, ep[2] = { -1, -1 };
	int outp[2] = { -1, -1 }, errp[2] = { -1, -1 };
	unsigned long flags = CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC |
			      CLONE_NEWUTS;
	struct sb_child c = { 0 };
	struct sb_msg m;
	int one = 1, r, i;
	char cwd[PATH_MAX];
	pid_t pid;

	if (net_wants_netns(sb->net))
		flags |= CLONE_NEWNET;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ctl) < 0 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, conn) < 0 ||
	    pipe2(ep, O_CLOEXEC) < 0 || pipe2(outp, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0) {
		r = error_set(err, errno, 0, 0, "cannot create the sandbox's pipes: %s",
			      strerror(errno));
		goto out;
	}
	if (setsockopt(conn[0], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0) {
		r = error_set(err, errno, 0, 0, "SO_PASSCRED: %s", strerror(errno));
		goto out;
	}
	if (getcwd(cwd, sizeof(cwd))) {
		char probe[PATH_MAX + 3];

		/* the caller's cwd only if the run's uid can enter it (probe one level below) */
		snprintf(probe, sizeof(probe), "%s/.", cwd);
		if (!reachable_inside(sb, probe))
			snprintf(cwd, sizeof(cwd), "%s", sb->workdir_in);
	} else {
		snprintf(cwd, sizeof(cwd), "%s", sb->workdir_in);
	}
	sb->cwd = strdup(cwd);
	c = (struct sb_child){
		.net = sb->net,
		.argv = sb->cfg.argv,
		.envp = sb->envp,
		.workdir = sb->workdir_in,
		.workdir_host = sb->workdir,
		.n_expose = sb->n_expose,
		.cwd = sb->cwd ? sb->cwd : sb->workdir_in,
		.resolv_conf = net_resolv_conf(sb->net),
		.own_netns = (flags & CLONE_NEWNET) != 0,
		.files = sb->can.files,
		.n_files = sb->can.n_files,
		.ctl = ctl[1],
		.conn = conn[1],
		.errw = ep[1],
		.out_w = outp[1],
		.err_w = errp[1],
	};
	for (size_t k = 0; k < sb->n_expose; k++)
		c.expose[k] = sb->expose[k];
	fflush(NULL);
	pid = (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
	if (pid < 0) {
		r = -errno;
		if (r == -EPERM || r == -ENOSPC || r == -EINVAL || r == -EUSERS)
			error_set(err, -r, 0, 0,
				  "cannot create the sandbox's namespaces (user, pid, mount, ipc, "
				  "uts%s): %s; see /proc/sys/user/max_*_namespaces and `conduct "
				  "doctor`",
				  flags & CLONE_NEWNET ? ", net" : "", strerror(-r));
		else
			error_set(err, -r, 0, 0, "clone: %s", strerror(-r));
		goto out;
	}
	if (pid == 0)
		sb_init_main(&c);
	sb->init_pid = pid;
	sb->ctl = steal_fd(&ctl[0]);
	sb->conn = steal_fd(&conn[0]);
	sb->errr = steal_fd(&ep[0]);
	sb->out.fd = steal_fd(&outp[0]);
	sb->err.fd = steal_fd(&errp[0]);
	for (i = 0; i < 2; i++) {
		close_fd(&ctl[i]);
		close_fd(&conn[i]);
		close_fd(&ep[i]);
		close_fd(&outp[i]);
		close_fd(&errp[i]);
	}

	r = write_maps(sb, err);
	if (r < 0)
		return kill(sb->init_pid, 0) == 0 ? r
						  : setup_died(sb, "the sandbox's init died", err);
	r = net_attach(sb->net, sb->init_pid, err);
	if (r < 0)
		return r;
	r = send_msg(sb->ctl, SB_MSG_MAPPED);
	if (r < 0)
		return setup_died(sb, "the sandbox's init died during setup", err);
	r = recv_msg(sb, sb->ctl, &m, err);
	if (r < 0)
		return r;
	if (m.type != SB_MSG_READY)
		return error_set(err, EPROTO, 0, 0, "unexpected message %u from init", m.type);

	/* the connector: into the cgroups (it waits for that), then its seccomp listener */
	r = recv_cmsg(sb, sb->conn, &sb->conn_host_pid, NULL, err);
	if (r < 0)
		return r;
	r = sb_cg_add_pid(&sb->cg, sb->conn_host_pid);
	if (r < 0)
		return error_set(err, -r, 0, 0, "cannot put pid %d in the run's cgroups: %s",
				 (int)sb->conn_host_pid, strerror(-r));
	sb->conn_ns_pid = ns_pid_of(sb->conn_host_pid);
	r = send_msg(sb->conn, SB_MSG_CG_DONE);
	if (r < 0)
		return setup_died(sb, "the connector process died during setup", err);
	r = recv_cmsg(sb, sb->conn, NULL, &sb->listener, err);
	if (r < 0)
		return r;
	return 0;
out:
	for (i = 0; i < 2; i++) {
		close_fd(&ctl[i]);
		close_fd(&conn[i]);
		close_fd(&ep[i]);
		close_fd(&outp[i]);
		close_fd(&errp[i]);
	}
	return r;
}

int sandbox_new(const struct sandbox_config *cfg, struct loop *loop, struct sandbox **ret,
		struct error *err)
{
	struct sandbox *sb;
	char path[64];
	int r, i;

	if (!cfg || !cfg->argv || !cfg->argv[0] || !cfg->outdir)
		return error_set(err, EINVAL, 0, 0, "no command to run");
	r = check_privileges(err);
	if (r < 0)
		return r;
	sb = calloc(1, sizeof(*sb));
	if (!sb)
		return error_set(err, ENOMEM, 0, 0, "out of memory");
	sb->loop = loop;
	sb->cfg = *cfg;
	sb->ctl = sb->conn = sb->errr = sb->listener = sb->root_fd = sb->workdir_fd = -1;
	sb->out = (struct logstream){ .name = "stdout", .fd = -1 };
	sb->err = (struct logstream){ .name = "stderr", .fd = -1 };
	sb->deadline_timer = sb->linger_timer = sb->reap_timer = -1;
	sb->cg.v2_fd = sb->cg.events_fd = -1;
	sb->exit_code = -1;
	sb_cg_clean_stale();
	/* one host uid per run: a slot no live run's leaf (its name holds the id) uses */
	for (i = 0; i < 64; i++) {
		if (getrandom(&sb->run_id, sizeof(sb->run_id), 0) != sizeof(sb->run_id))
			sb->run_id = (uint32_t)getpid() ^ (uint32_t)now_monotonic_ns() ^ (uint32_t)i;
		if (!sb_cg_uid_slot_in_use(sb->run_id & 0xffff))
			break;
	}
	sb->host_uid = UID_BASE + (sb->run_id & 0xffff);
	sb->host_gid = sb->host_uid;
	snprintf(sb->name, sizeof(sb->name), "run-%d-%llu-%08x", (int)getpid(),
		 (unsigned long long)sb_proc_starttime(getpid()), sb->run_id);

	r = make_canaries(sb, err);
	if (r < 0)
		goto fail;
	r = prepare_expose(sb);
	if (r < 0)
		goto fail;
	r = prepare_workdir(sb, err);
	if (r < 0)
		goto fail;
	sb->writable[0] = "/tmp";
	sb->writable[1] = sb->workdir_in;
	sb->writable[2] = "/root";
	sb->writable[3] = "/dev/shm";
	sb->writable[4] = "/run";
	r = build_env(sb);
	if (r < 0)
		goto fail;
	r = sb_cg_create(&sb->cg, sb->name, cfg, err);
	if (r < 0)
		goto fail;
	r = net_new(cfg->net, cfg->dns, sb->run_id, &sb->net, err);
	if (r < 0)
		goto fail;
	r = spawn(sb, err);
	if (r < 0)
		goto fail;
	snprintf(path, sizeof(path), "/proc/%d/root", (int)sb->init_pid);
	sb->root_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sb->root_fd < 0) {
		r = error_set(err, errno, 0, 0, "cannot open '%s': %s", path, strerror(errno));
		goto fail;
	}
	*ret = sb;
	return 0;
fail:
	if (r == -ENOMEM && err && !err->text[0])
		error_set(err, ENOMEM, 0, 0, "out of memory");
	sandbox_free(sb);
	return r;
}

/* --- header objects ---------------------------------------------------------------------- */

json_t *sandbox_describe(const struct sandbox *sb)
{
	json_t *o = json_object(), *ns = json_array(), *lim = json_object(), *wr = json_array();
	json_t *env = json_array();
	char map[64];
	size_t i;

	if (!o || !ns || !lim || !wr || !env)
		goto fail;
	json_array_append_new(ns, json_string("user"));
	json_array_append_new(ns, json_string("pid"));
	json_array_append_new(ns, json_string("mount"));
	json_array_append_new(ns, json_string("ipc"));
	json_array_append_new(ns, json_string("uts"));
	if (net_wants_netns(sb->net))
		json_array_append_new(ns, json_string("net"));
	json_array_append_new(ns, json_string("cgroup"));
	json_object_set_new(o, "namespaces", ns);
	snprintf(map, sizeof(map), "0 %u 1", sb->host_uid);
	json_object_set_new(o, "uid_map", json_string(map));
	snprintf(map, sizeof(map), "0 %u 1", sb->host_gid);
	json_object_set_new(o, "gid_map", json_string(map));
	json_object_set_new(o, "uid", json_integer(0));
	json_object_set_new(o, "hostname", json_string("conduct"));
	json_object_set_new(o, "init_pid", json_integer(sb->init_pid));
	json_object_set_new(o, "connector_pid", json_integer(sb->conn_ns_pid));
	json_object_set_new(o, "cgroup", sb_cg_describe(&sb->cg));
	json_object_set_new(lim, "memory", json_integer((json_int_t)sb->cfg.memory_max));
	json_object_set_new(lim, "pids", json_integer((json_int_t)sb->cfg.pids_max));
	json_object_set_new(lim, "cpu_percent",
			    sb->cg.on_v2[SB_CG_CPU] || sb->cg.v1_leaf[SB_CG_CPU]
				    ? json_integer(sb->cfg.cpu_percent)
				    : json_null());
	json_object_set_new(lim, "timeout_ns", json_integer((json_int_t)sb->cfg.timeout_ns));
	json_object_set_new(lim, "linger_ns", json_integer((json_int_t)sb->cfg.linger_ns));
	json_object_set_new(lim, "log_limit", json_integer((json_int_t)sb->cfg.log_limit));
	json_object_set_new(o, "limits", lim);
	json_object_set_new(o, "net", net_describe(sb->net));
	json_object_set_new(o, "root", json_string("host / read-only, nosuid"));
	json_object_set_new(o, "workdir", json_string(sb->workdir_in));
	json_object_set_new(o, "workdir_host", json_string(sb->workdir));
	{
		json_t *ex = json_array();
		size_t k;

		for (k = 0; k < sb->n_expose; k++)
			json_array_append_new(ex, json_string(sb->expose[k]));
		json_object_set_new(o, "read_only_binds", ex);
	}
	json_object_set_new(o, "home", json_string("/root"));
	json_object_set_new(o, "cwd", json_string(sb->cwd ? sb->cwd : sb->workdir_in));
	for (i = 0; i < ARRAY_SIZE(sb->writable); i++)
		json_array_append_new(wr, json_string(sb->writable[i]));
	json_object_set_new(o, "writable", wr);
	for (i = 0; sb->envp && sb->envp[i]; i++) {
		const char *eq = strchr(sb->envp[i], '=');

		json_array_append_new(env, json_stringn(sb->envp[i],
							(size_t)(eq ? eq - sb->envp[i] : 0)));
	}
	json_object_set_new(o, "env", env);
	json_object_set_new(o, "capabilities", json_string("none (all five sets empty)"));
	json_object_set_new(o, "no_new_privs", json_true());
	json_object_set_new(o, "seccomp", sb_seccomp_describe());
	return o;
fail:
	json_decref(o);
	json_decref(ns);
	json_decref(lim);
	json_decref(wr);
	json_decref(env);
	return json_object();
}

json_t *sandbox_canaries(const struct sandbox *sb)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < sb->can.n; i++) {
		const struct sb_canary *k = &sb->can.v[i];

		json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "name", k->name, "value",
						   k->value, "where", k->where));
	}
	return a;
}

int sandbox_cgroup_fd(const struct sandbox *sb)
{
	return sb->cg.v2_fd;
}

uint64_t sandbox_cgroup_id(const struct sandbox *sb)
{
	return sb->cg.v2_id;
}

int sandbox_init_pid(const struct sandbox *sb)
{
	return sb->init_pid;
}

int sandbox_pidns(const struct sandbox *sb, uint64_t *ret_dev, uint64_t *ret_ino)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)sb->init_pid);
	if (stat(path, &st) < 0)
		return -errno;
	*ret_dev = (uint64_t)st.st_dev;
	*ret_ino = (uint64_t)st.st_ino;
	return 0;
}

size_t sandbox_writable(const struct sandbox *sb, const char *const **ret_paths)
{
	*ret_paths = sb->writable;
	return ARRAY_SIZE(sb->writable);
}

int sandbox_root_fd(const struct sandbox *sb)
{
	return sb->root_fd;
}

/* --- the run, on the loop ---------------------------------------------------------------- */

static uint64_t now_t(const struct sandbox *sb)
{
	return sb->w ? trace_now(sb->w) : 0;
}

static void stop_timer(struct sandbox *sb, int *t)
{
	if (*t >= 0)
		loop_del_timer(sb->loop, *t);
	*t = -1;
}

static void stop_timers(struct sandbox *sb)
{
	stop_timer(sb, &sb->deadline_timer);
	stop_timer(sb, &sb->linger_timer);
	stop_timer(sb, &sb->reap_timer);
}

static int on_reap_tick(void *ctx, int fd, uint32_t events);

/* Polls for the run's end (cgroup empty) while processes may linger; once. */
static void start_reap_timer(struct sandbox *sb)
{
	int r;

	if (sb->reap_timer >= 0)
		return;
	r = loop_add_timer(sb->loop, REAP_POLL_NS, REAP_POLL_NS, on_reap_tick, sb);
	if (r >= 0)
		sb->reap_timer = r;
}

static void kill_all(struct sandbox *sb)
{
	int r = sb_cg_kill(&sb->cg);

	if (r < 0)
		log_warn("cannot kill the run's processes through '%s': %s", sb->cg.v2_leaf,
			 strerror(-r));
}

static void check_done(struct sandbox *sb)
{
	int p;

	if (sb->done || !sb->main_exited)
		return;
	p = sb_cg_populated(&sb->cg);
	if (p > 0)
		return;
	sb->done = true;
	sb->t_end = now_monotonic_ns();
	stop_timers(sb);
	loop_quit(sb->loop, 0);
}

static int on_linger(void *ctx, int fd, uint32_t events)
{
	struct sandbox *sb = ctx;

	stop_timer(sb, &sb->linger_timer);
	if (sb_cg_populated(&sb->cg) > 0) {
		sb->killed_leftovers = true;
		kill_all(sb);
	}
	check_done(sb);
	return 0;
}

static int on_reap_tick(void *ctx, int fd, uint32_t events)
{
	check_done(ctx);
	return 0;
}

static int on_deadline(void *ctx, int fd, uint32_t events)
{
	struct sandbox *sb = ctx;

	stop_timer(sb, &sb->deadline_timer);
	if (!sb->done) {
		sb->timed_out = true;
		kill_all(sb);
	}
	return 0;
}

static void main_exited(struct sandbox *sb, int status)
{
	int r;

	if (sb->main_exited)
		return;
	sb->main_exited = true;
	if (WIFEXITED(status)) {
		sb->exit_code = WEXITSTATUS(status);
		sb->signal = 0;
	} else if (WIFSIGNALED(status)) {
		sb->exit_code = -1;
		sb->signal = WTERMSIG(status);
		if (sb->signal == SIGSYS)
			sb->bad_arch = true;
	}
	/* (proc.exit is the recorder's.) Everything else of the run gets linger_ns, then dies. */
	if (sb_cg_populated(&sb->cg) > 0 && sb->linger_timer < 0) {
		r = -1; /* --linger 0: at once */
		if (sb->cfg.linger_ns)
			r = loop_add_timer(sb->loop, sb->cfg.linger_ns, 0, on_linger, sb);
		if (r < 0) {
			sb->killed_leftovers = true;
			kill_all(sb);
		} else {
			sb->linger_timer = r;
		}
	}
	start_reap_timer(sb);
	check_done(sb);
}

static int on_ctl(void *ctx, int fd, uint32_t events)
{
	struct sandbox *sb = ctx;
	struct sb_msg m;
	ssize_t n;

	for (;;) {
		n = recv(fd, &m, sizeof(m), MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return 0;
		if (n != sizeof(m)) {
			/* init is gone: so is its pid namespace and every process in it */
			loop_del_fd(sb->loop, fd);
			if (!sb->main_exited) {
				log_warn("the sandbox's init died unexpectedly");
				main_exited(sb, SIGKILL);
			}
			return 0;
		}
		if (m.type == SB_MSG_STATUS)
			main_exited(sb, m.b);
		else if (m.type == SB_MSG_SIGSYS)
			sb->bad_arch = true;
	}
}

static int on_errpipe(void *ctx, int fd, uint32_t events)
{
	struct sandbox *sb = ctx;
	struct sb_stage_err e;
	ssize_t n = read(fd, &e, sizeof(e));

	if (n == sizeof(e)) {
		if (e.stage == SB_STAGE_EXEC)
			sb->exec_errno = e.err;
		else
			log_error("inside the sandbox, %s failed: %s", sb_stage_name(e.stage),
				  strerror(e.err));
		return 0;
	}
	if (n < 0 && errno == EAGAIN)
		return 0;
	loop_del_fd(sb->loop, fd);
	return 0;
}

static void translate(void *ctx, struct sb_denial *d)
{
	d->ns_pid = ns_pid_of(d->host_pid);
}

static int on_listener(void *ctx, int fd, uint32_t events)
{
	struct sandbox *sb = ctx;
	struct sb_denial d;
	json_auto_t *f = NULL;
	json_t *args;
	int r, i;

	if (!(events & EPOLLIN)) {
		if (events & (EPOLLHUP | EPOLLERR))
			loop_del_fd(sb->loop, fd); /* no process uses the filter any more */
		return 0;
	}
	r = sb_seccomp_answer(fd, translate, sb, &d);
	if (r < 0) {
		log_warn("cannot answer a seccomp notification: %s", strerror(-r));
		loop_del_fd(sb->loop, fd);
		return 0;
	}
	if (r == 0)
		return 0;
	sb->denied++;
	args = json_array();
	for (i = 0; args && i < 6; i++)
		json_array_append_new(args, json_integer((json_int_t)d.args[i]));
	f = json_pack("{s:s, s:o}", "syscall", d.syscall, "args", args);
	if (f && sb->w)
		trace_emit(sb->w, "sandbox.denied", now_t(sb), d.ns_pid, f);
	return 0;
}

static void emit_line(struct sandbox *sb, struct logstream *ls, const char *s, size_t n,
		      bool partial)
{
	json_auto_t *f = NULL;

	if (sb->log_bytes + n > sb->cfg.log_limit) {
		sb->log_dropped += n + (partial ? 0 : 1);
		sb->log_dropped_lines++;
		return;
	}
	sb->log_bytes += n + (partial ? 0 : 1);
	f = json_object();
	if (!f || jsonx_set(f, "stream", json_string(ls->name)) < 0 ||
	    jsonx_set(f, "line", jsonx_string_bytes(s, n)) < 0)
		return;
	if (partial)
		json_object_set_new(f, "partial", json_true());
	if (sb->w && trace_emit(sb->w, "log", now_t(sb), sb->conn_ns_pid, f) >= 2)
		sb->log_lines++;
}

static void feed(struct sandbox *sb, struct logstream *ls, const char *p, size_t n)
{
	while (n) {
		const char *nl = memchr(p, '\n', n);
		size_t take = nl ? (size_t)(nl - p) : n;
		size_t room = sizeof(ls->buf) - ls->len;

		if (take >= room) {
			/* a line over 16 KiB goes out in pieces marked partial */
			memcpy(ls->buf + ls->len, p, room);
			emit_line(sb, ls, ls->buf, sizeof(ls->buf), true);
			ls->len = 0;
			p += room;
			n -= room;
			continue;
		}
		memcpy(ls->buf + ls->len, p, take);
		ls->len += take;
		p += take;
		n -= take;
		if (nl) {
			emit_line(sb, ls, ls->buf, ls->len, false);
			ls->len = 0;
			p++;
			n--;
		}
	}
}

/* Reads what is there (at most ~1 MiB per call, so one flood cannot starve the loop). */
static void drain(struct sandbox *sb, struct logstream *ls, bool to_eof)
{
	char buf[65536];
	int rounds;

	for (rounds = 0; ls->fd >= 0 && !ls->eof && (to_eof || rounds < 16); rounds++) {
		ssize_t n = read(ls->fd, buf, sizeof(buf));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				break;
			n = 0;
		}
		if (n == 0) {
			ls->eof = true;
			if (ls->len) {
				emit_line(sb, ls, ls->buf, ls->len, false);
				ls->len = 0;
			}
			loop_del_fd(sb->loop, ls->fd);
			break;
		}
		/* a closed terminal must not stop the record: its error is ignored */
		if (!sb->cfg.quiet)
			(void)log_passthrough(buf, (size_t)n);
		feed(sb, ls, buf, (size_t)n);
	}
}

static int on_out(void *ctx, int fd, uint32_t events)
{
	struct sandbox *sb = ctx;

	drain(sb, fd == sb->out.fd ? &sb->out : &sb->err, false);
	return 0;
}

int sandbox_start(struct sandbox *sb, struct trace_writer *w)
{
	int r;

	if (sb->started)
		return -EALREADY;
	sb->w = w;
	if (fcntl(sb->out.fd, F_SETFL, O_NONBLOCK) < 0 || fcntl(sb->err.fd, F_SETFL, O_NONBLOCK) < 0 ||
	    fcntl(sb->ctl, F_SETFL, O_NONBLOCK) < 0 || fcntl(sb->errr, F_SETFL, O_NONBLOCK) < 0)
		return -errno;
	if ((r = loop_add_fd(sb->loop, sb->out.fd, EPOLLIN, on_out, sb)) < 0 ||
	    (r = loop_add_fd(sb->loop, sb->err.fd, EPOLLIN, on_out, sb)) < 0 ||
	    (r = loop_add_fd(sb->loop, sb->ctl, EPOLLIN, on_ctl, sb)) < 0 ||
	    (r = loop_add_fd(sb->loop, sb->errr, EPOLLIN, on_errpipe, sb)) < 0 ||
	    (r = loop_add_fd(sb->loop, sb->listener, EPOLLIN, on_listener, sb)) < 0 ||
	    (r = loop_add_fd(sb->loop, sb->cg.events_fd, EPOLLPRI, on_reap_tick, sb)) < 0)
		return r;
	sb->t_start = now_monotonic_ns();
	r = loop_add_timer(sb->loop, sb->cfg.timeout_ns, 0, on_deadline, sb);
	if (r < 0)
		return r;
	sb->deadline_timer = r;
	r = send_msg(sb->conn, SB_MSG_GO);
	if (r < 0)
		return r;
	sb->started = true;
	close_fd(&sb->conn);
	return 0;
}

bool sandbox_done(const struct sandbox *sb)
{
	return sb->done;
}

void sandbox_interrupt(struct sandbox *sb)
{
	if (!sb || sb->done)
		return;
	sb->interrupted = true;
	kill_all(sb);
	start_reap_timer(sb);
}

/* Waits (bounded) for init's report of the main process after everything was killed. */
static void collect_status(struct sandbox *sb)
{
	int waited;

	for (waited = 0; !sb->main_exited && waited < 3000 && sb->ctl >= 0; waited += 20) {
		struct pollfd p = { .fd = sb->ctl, .events = POLLIN };

		if (poll(&p, 1, 20) > 0)
			on_ctl(sb, sb->ctl, EPOLLIN);
	}
	if (!sb->main_exited) /* init never answered: the run is over anyway */
		main_exited(sb, SIGKILL);
}

int sandbox_finish(struct sandbox *sb, struct sandbox_result *ret)
{
	struct sandbox_result res = { 0 };
	int r = 0;

	if (!sb->done) {
		if (sb_cg_populated(&sb->cg) > 0) {
			kill_all(sb);
			r = sb_cg_kill_wait(&sb->cg, 5000);
			if (r < 0)
				log_warn("processes of the run survive SIGKILL in '%s'",
					 sb->cg.v2_leaf);
		}
		if (sb->started)
			collect_status(sb);
		sb->done = true;
		sb->t_end = now_monotonic_ns();
		stop_timers(sb);
	}
	/* every writer of the pipes is dead: read to the end */
	if (sb->started) {
		drain(sb, &sb->out, true);
		drain(sb, &sb->err, true);
		if (sb->errr >= 0) {
			struct sb_stage_err e;

			if (read(sb->errr, &e, sizeof(e)) == sizeof(e) && e.stage == SB_STAGE_EXEC)
				sb->exec_errno = e.err;
		}
	}
	{
		uint64_t oom = 0, forks = 0;

		sb_cg_limit_hits(&sb->cg, &oom, &forks);
		if (oom)
			log_warn("the run hit its memory limit (%llu bytes): %llu process%s killed "
				 "by the kernel's OOM killer",
				 (unsigned long long)sb->cfg.memory_max, (unsigned long long)oom,
				 oom == 1 ? "" : "es");
		if (forks)
			log_warn("the run hit its process limit (%llu): %llu fork%s refused",
				 (unsigned long long)sb->cfg.pids_max, (unsigned long long)forks,
				 forks == 1 ? " was" : "s were");
	}
	if (sb->log_dropped && sb->w) {
		json_auto_t *f = json_pack("{s:I, s:s, s:I}", "lost",
					   (json_int_t)sb->log_dropped_lines, "where", "log",
					   "bytes", (json_int_t)sb->log_dropped);

		if (f)
			trace_emit(sb->w, "monitor.loss", now_t(sb), 0, f);
	}
	res.started = sb->started;
	res.exec_errno = sb->exec_errno;
	res.exit_code = sb->exit_code;
	res.signal = sb->signal;
	res.timed_out = sb->timed_out;
	res.interrupted = sb->interrupted;
	res.bad_arch_killed = sb->bad_arch;
	res.killed_leftovers = sb->killed_leftovers;
	res.denied = sb->denied;
	res.log_lines = sb->log_lines;
	res.log_dropped = sb->log_dropped;
	res.duration_ns = sb->t_start && sb->t_end > sb->t_start ? sb->t_end - sb->t_start : 0;
	*ret = res;
	return r;
}

static void del_fd(struct sandbox *sb, int *fd)
{
	if (*fd >= 0 && sb->loop)
		loop_del_fd(sb->loop, *fd);
	close_fd(fd);
}

void sandbox_free(struct sandbox *sb)
{
	int waited, st;
	size_t i;

	if (!sb)
		return;
	stop_timers(sb);
	if (sb->cg.v2_leaf && sb_cg_populated(&sb->cg) > 0 && sb_cg_kill_wait(&sb->cg, 5000) < 0)
		log_warn("processes of the run survive SIGKILL in '%s'", sb->cg.v2_leaf);
	close_fd(&sb->root_fd);
	if (sb->loop && sb->cg.events_fd >= 0)
		loop_del_fd(sb->loop, sb->cg.events_fd);
	if (sb->init_pid > 0 && !sb->init_reaped) {
		if (sb->ctl >= 0)
			send_msg(sb->ctl, SB_MSG_QUIT);
		/* init's death also kills anything left in its pid namespace */
		kill(sb->init_pid, SIGKILL);
		for (waited = 0; waited < 5000; waited += 10) {
			pid_t p = waitpid(sb->init_pid, &st, WNOHANG);
			struct timespec ts = { 0, 10 * 1000 * 1000 };

			if (p == sb->init_pid || (p < 0 && errno == ECHILD))
				break;
			nanosleep(&ts, NULL);
		}
		sb->init_reaped = true;
	}
	sb_cg_destroy(&sb->cg);
	net_free(sb->net);
	sb->net = NULL;
	if (sb->workdir_chowned && fchown(sb->workdir_fd, sb->workdir_uid, sb->workdir_gid) < 0)
		log_warn("cannot give '%s' back to uid %u: %s", sb->workdir, sb->workdir_uid,
			 strerror(errno));
	close_fd(&sb->workdir_fd);
	del_fd(sb, &sb->out.fd);
	del_fd(sb, &sb->err.fd);
	del_fd(sb, &sb->ctl);
	del_fd(sb, &sb->errr);
	del_fd(sb, &sb->listener);
	close_fd(&sb->conn);
	for (i = 0; sb->envp && sb->envp[i]; i++)
		free(sb->envp[i]);
	free(sb->envp);
	sb_canaries_fini(&sb->can);
	free(sb->workdir);
	free(sb->workdir_in);
	for (size_t k = 0; k < sb->n_expose; k++)
		free(sb->expose[k]);
	free(sb->cwd);
	free(sb);
}
