/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * doctor: proves each kernel feature conduct relies on by using it: loads (and where cheap,
 * attaches) a two-instruction program of every eBPF type, unshares every namespace type and
 * installs a seccomp user-notification filter in forked children, creates a veth and an nft
 * masquerade table inside a throwaway network namespace. Nothing is guessed from version
 * numbers. Side effects: tracefs is mounted at /sys/kernel/tracing when no tracefs is mounted
 * (classic tracepoints need it), a probe cgroup is made (the cgroup programs attach to it
 * while it is empty) and removed in the v2 hierarchy, and a scratch file in /tmp carries the
 * uprobe.
 * It never touches the host's network configuration.
 */
#include "doctor.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/landlock.h>
#include <linux/perf_event.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox/net.h"
#include "sandbox/sandbox.h"
#include "util/util.h"

/* What a missing feature costs. */
enum need {
	NEED_RUN,  /* conduct run cannot work without it */
	NEED_NAT,  /* only --net nat needs it */
	NEED_PART, /* conduct run works, some evidence is not collected */
	NEED_ALT,  /* a fallback for something that works; not needed while it does */
	NEED_INFO, /* not relied on; shown so a reader knows */
};

struct doctor {
	FILE *f;
	bool color;
	unsigned int missing_run, missing_nat, missing_part;
	struct btf *vmlinux;
	char tracefs[256];
	char cgroup2[256];
	char v2_controllers[256];
	char probe_cg[320]; /* a cgroup made for the probes, removed at the end */
	int probe_cg_errno;
	int probe_cg_fd;
};

static void line(struct doctor *d, bool ok, enum need need, const char *name, const char *fmt,
		 ...) __attribute__((format(printf, 5, 6)));

static void line(struct doctor *d, bool ok, enum need need, const char *name, const char *fmt,
		 ...)
{
	const char *color = "", *reset = "";
	va_list ap;

	if (!ok && need == NEED_RUN)
		d->missing_run++;
	else if (!ok && need == NEED_NAT)
		d->missing_nat++;
	else if (!ok && need == NEED_PART)
		d->missing_part++;
	if (d->color) {
		color = ok ? "\033[32m" : need == NEED_RUN ? "\033[31m" : "\033[33m";
		reset = "\033[0m";
	}
	fprintf(d->f, "%s%-7s%s  %-22s ", color, ok ? "ok" : "missing", reset, name);
	va_start(ap, fmt);
	vfprintf(d->f, fmt, ap);
	va_end(ap);
	fputc('\n', d->f);
}

/* --- mountinfo ----------------------------------------------------------------------------- */

/*
 * Calls fn(mountpoint, fstype, superopts, ctx) for each line of /proc/self/mountinfo; stops when
 * fn returns nonzero.
 */
static void each_mount(int (*fn)(const char *, const char *, const char *, void *), void *ctx)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	char buf[4096];

	if (!f)
		return;
	while (fgets(buf, sizeof(buf), f)) {
		char *sep = strstr(buf, " - "), *save = NULL, *mp, *fstype, *opts;
		int i;

		if (!sep)
			continue;
		*sep = '\0';
		mp = strtok_r(buf, " ", &save);
		for (i = 0; mp && i < 4; i++)
			mp = strtok_r(NULL, " ", &save);
		save = NULL;
		fstype = strtok_r(sep + 3, " ", &save);
		strtok_r(NULL, " ", &save); /* source */
		opts = strtok_r(NULL, " \n", &save);
		if (!mp || !fstype || !opts)
			continue;
		if (fn(mp, fstype, opts, ctx))
			return;
	}
}

static int find_fstype(const char *mp, const char *fstype, const char *opts, void *ctx)
{
	char **want = ctx; /* [0]: fstype wanted, [1]: out buffer of 256 */

	if (strcmp(fstype, want[0]))
		return 0;
	snprintf(want[1], 256, "%s", mp);
	return 1;
}

static bool word_in(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' ' || p[n] == '\n'))
			return true;
	return false;
}

/* --- root, BTF, tracefs -------------------------------------------------------------------- */

static void check_root(struct doctor *d)
{
	/* the sandbox's own list, then what the recorder and --net nat take beyond it */
	static const struct {
		cap_value_t cap;
		const char *name;
	} caps[] = {
		{ CAP_BPF, "CAP_BPF" },
		{ CAP_PERFMON, "CAP_PERFMON" },
		{ CAP_NET_ADMIN, "CAP_NET_ADMIN" },
	};
	char missing[400] = "";
	int n = sandbox_missing_privileges(missing, sizeof(missing), false);
	size_t len = n > 0 ? strlen(missing) : 0;
	cap_t c = cap_get_proc();

	if (n < 0)
		len = (size_t)snprintf(missing, sizeof(missing), "(capabilities unreadable)");
	for (size_t i = 0; i < ARRAY_SIZE(caps); i++) {
		cap_flag_value_t v = CAP_CLEAR;

		if (!c || cap_get_flag(c, caps[i].cap, CAP_EFFECTIVE, &v) < 0 || v != CAP_SET)
			len += (size_t)snprintf(missing + len, sizeof(missing) - MIN(len, sizeof(missing)),
						"%s%s", len ? " " : "", caps[i].name);
	}
	if (c)
		cap_free(c);
	if (geteuid() == 0 && !missing[0])
		line(d, true, NEED_RUN, "root", "uid 0 with the capabilities conduct run needs");
	else if (geteuid() == 0)
		line(d, false, NEED_RUN, "root",
		     "uid 0 lacking %s: conduct run exits 3 (a container or the capability "
		     "bounding set took them)",
		     missing);
	else
		line(d, false, NEED_RUN, "root", "uid %u: conduct run exits 3; run it as root",
		     (unsigned int)geteuid());
}

static void check_btf(struct doctor *d)
{
	struct stat st;
	long r;

	if (stat("/sys/kernel/btf/vmlinux", &st) < 0) {
		line(d, false, NEED_RUN, "btf",
		     "/sys/kernel/btf/vmlinux: %s: the recorder cannot load (needs a kernel built "
		     "with CONFIG_DEBUG_INFO_BTF=y)",
		     strerror(errno));
		return;
	}
	d->vmlinux = btf__load_vmlinux_btf();
	r = libbpf_get_error(d->vmlinux);
	if (r) {
		d->vmlinux = NULL;
		line(d, false, NEED_RUN, "btf",
		     "/sys/kernel/btf/vmlinux does not parse: %s: the recorder cannot load",
		     strerror((int)-r));
		return;
	}
	line(d, true, NEED_RUN, "btf", "/sys/kernel/btf/vmlinux (%u types)",
	     btf__type_cnt(d->vmlinux));
}

static void check_tracefs(struct doctor *d)
{
	char *want[2] = { "tracefs", d->tracefs };

	each_mount(find_fstype, want);
	if (d->tracefs[0]) {
		line(d, true, NEED_ALT, "tracefs", "%s", d->tracefs);
		return;
	}
	if (mount("tracefs", "/sys/kernel/tracing", "tracefs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL) == 0) {
		snprintf(d->tracefs, sizeof(d->tracefs), "/sys/kernel/tracing");
		line(d, true, NEED_ALT, "tracefs",
		     "/sys/kernel/tracing (was not mounted: mounted it now)");
		return;
	}
	line(d, false, NEED_ALT, "tracefs",
	     "not mounted and mounting it at /sys/kernel/tracing failed: %s: classic "
	     "tracepoints (a fallback for tp_btf) cannot be attached",
	     strerror(errno));
}

/* --- eBPF ---------------------------------------------------------------------------------- */

static int quiet_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

/* r0 = ret; exit */
static int load(enum bpf_prog_type type, enum bpf_attach_type attach, int btf_id, int ret,
		char *why, size_t whylen)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = ret },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	char log[1024] = "";
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = attach,
		    .attach_btf_id = (unsigned int)btf_id, .log_buf = log,
		    .log_size = sizeof(log), .log_level = 0);
	int fd;

	fd = bpf_prog_load(type, "conduct_probe", "GPL", insns, ARRAY_SIZE(insns), &opts);
	if (fd < 0) {
		size_t n;

		/* the verifier's last line says why, when it said anything */
		n = strnlen(log, sizeof(log));
		while (n && (log[n - 1] == '\n' || log[n - 1] == ' '))
			log[--n] = '\0';
		{
			char *last = strrchr(log, '\n');

			snprintf(why, whylen, "%s%s%s", strerror(-fd), log[0] ? ": " : "",
				 last ? last + 1 : log);
		}
	}
	return fd;
}

static int vmlinux_id(struct doctor *d, const char *name, int kind)
{
	if (!d->vmlinux)
		return -ENOENT;
	return btf__find_by_name_kind(d->vmlinux, name, (unsigned int)kind);
}

static int read_int_file(const char *path)
{
	char buf[32] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t len;

	if (fd < 0)
		return -errno;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return -EIO;
	return atoi(buf);
}

static int perf_open(struct perf_event_attr *attr)
{
	return (int)syscall(SYS_perf_event_open, attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
}

/* The recorder's programs are tp_btf; classic and raw tracepoints are what it could fall back on. */
#define FALLBACK "only a fallback for tp_btf"

static void check_tracepoint(struct doctor *d)
{
	char why[256], path[320];
	struct perf_event_attr attr = { .size = sizeof(attr), .type = PERF_TYPE_TRACEPOINT };
	int fd, pfd, id;

	fd = load(BPF_PROG_TYPE_TRACEPOINT, 0, 0, 0, why, sizeof(why));
	if (fd < 0) {
		line(d, false, NEED_ALT, "bpf tracepoint",
		     "load failed: %s: " FALLBACK, why);
		return;
	}
	snprintf(path, sizeof(path), "%s/events/syscalls/sys_enter_execve/id", d->tracefs);
	id = d->tracefs[0] ? read_int_file(path) : -ENOENT;
	if (id < 0) {
		close(fd);
		line(d, false, NEED_ALT, "bpf tracepoint",
		     "loaded, but syscalls/sys_enter_execve has no id in tracefs: %s: " FALLBACK,
		     strerror(-id));
		return;
	}
	attr.config = (uint64_t)id;
	pfd = perf_open(&attr);
	if (pfd < 0 || ioctl(pfd, PERF_EVENT_IOC_SET_BPF, fd) < 0) {
		int e = errno;

		if (pfd >= 0)
			close(pfd);
		close(fd);
		line(d, false, NEED_ALT, "bpf tracepoint",
		     "loaded, attaching to syscalls/sys_enter_execve failed: %s: " FALLBACK,
		     strerror(e));
		return;
	}
	close(pfd);
	close(fd);
	line(d, true, NEED_ALT, "bpf tracepoint", "loaded and attached (syscalls/sys_enter_execve)");
}

static void check_raw_tp(struct doctor *d)
{
	char why[256];
	int fd, lfd;

	fd = load(BPF_PROG_TYPE_RAW_TRACEPOINT, 0, 0, 0, why, sizeof(why));
	if (fd < 0) {
		line(d, false, NEED_ALT, "bpf raw_tracepoint",
		     "load failed: %s: " FALLBACK, why);
		return;
	}
	lfd = bpf_raw_tracepoint_open("sys_enter", fd);
	if (lfd < 0) {
		close(fd);
		line(d, false, NEED_ALT, "bpf raw_tracepoint",
		     "loaded, attaching to sys_enter failed: %s: " FALLBACK, strerror(-lfd));
		return;
	}
	close(lfd);
	close(fd);
	line(d, true, NEED_ALT, "bpf raw_tracepoint", "loaded and attached (sys_enter)");
}

static void check_tp_btf(struct doctor *d)
{
	char why[256];
	int id, fd, lfd;

	id = vmlinux_id(d, "btf_trace_sched_process_exec", BTF_KIND_TYPEDEF);
	if (id < 0) {
		line(d, false, NEED_RUN, "bpf tp_btf",
		     "no btf_trace_sched_process_exec in vmlinux BTF: exec events cannot be "
		     "recorded");
		return;
	}
	fd = load(BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP, id, 0, why, sizeof(why));
	if (fd < 0) {
		line(d, false, NEED_RUN, "bpf tp_btf",
		     "load failed: %s: process events cannot be recorded", why);
		return;
	}
	lfd = bpf_raw_tracepoint_open(NULL, fd);
	if (lfd < 0) {
		close(fd);
		line(d, false, NEED_RUN, "bpf tp_btf",
		     "loaded, attaching to sched_process_exec failed: %s", strerror(-lfd));
		return;
	}
	close(lfd);
	close(fd);
	line(d, true, NEED_RUN, "bpf tp_btf", "loaded and attached (sched_process_exec)");
}

/*
 * Loads a program and attaches it where it runs for real: cgroup programs to the doctor's
 * empty probe cgroup (no process, so no traffic is touched), a socket filter to a fresh socket.
 */
static void check_attach(struct doctor *d, const char *name, enum bpf_prog_type type,
			 enum bpf_attach_type attach, int ret, const char *consequence)
{
	enum need need = type == BPF_PROG_TYPE_SOCKET_FILTER ? NEED_INFO : NEED_RUN;
	char why[256];
	int fd = load(type, attach, 0, ret, why, sizeof(why)), target, e = 0;

	if (fd < 0) {
		line(d, false, need, name, "load failed: %s: %s", why, consequence);
		return;
	}
	if (type == BPF_PROG_TYPE_SOCKET_FILTER) {
		target = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (target < 0 || setsockopt(target, SOL_SOCKET, SO_ATTACH_BPF, &fd, sizeof(fd)) < 0)
			e = errno;
		if (target >= 0)
			close(target);
		close(fd);
		if (e)
			line(d, false, need, name, "loaded, attaching to a socket failed: %s: %s",
			     strerror(e), consequence);
		else
			line(d, true, need, name, "loaded and attached to a socket");
		return;
	}
	if (d->probe_cg_fd < 0) {
		close(fd);
		line(d, false, need, name, "loaded, but no cgroup v2 to attach it to: %s",
		     consequence);
		return;
	}
	target = bpf_link_create(fd, d->probe_cg_fd, attach, NULL);
	close(fd);
	if (target < 0) {
		line(d, false, need, name, "loaded, attaching to a cgroup failed: %s: %s",
		     strerror(-target), consequence);
		return;
	}
	close(target);
	line(d, true, need, name, "loaded and attached to a cgroup");
}

static void check_ringbuf(struct doctor *d)
{
	int fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "conduct_probe", 0, 0, 64 * 1024, NULL);

	if (fd < 0) {
		line(d, false, NEED_RUN, "bpf ringbuf",
		     "map creation failed: %s: the recorder cannot deliver events",
		     strerror(-fd));
		return;
	}
	close(fd);
	line(d, true, NEED_RUN, "bpf ringbuf", "created (64 KiB)");
}

/*
 * uprobe: a uprobe perf event on a scratch file nobody maps (so no breakpoint is ever
 * planted), with a kprobe-type program attached to it: the whole path the TLS probes take.
 */
static void check_uprobe(struct doctor *d)
{
	static const char *const consequence =
		"plaintext of OpenSSL connections is not recorded (flows, SNI and DNS still are)";
	struct perf_event_attr attr = { .size = sizeof(attr) };
	char path[] = "/tmp/conduct-doctor-XXXXXX", why[256];
	int type, fd = -1, pfd = -1, tmp, e = 0;

	type = read_int_file("/sys/bus/event_source/devices/uprobe/type");
	if (type < 0) {
		line(d, false, NEED_PART, "uprobe", "no uprobe event source (%s): %s",
		     strerror(-type), consequence);
		return;
	}
	tmp = mkostemp(path, O_CLOEXEC);
	if (tmp < 0 || write(tmp, "\x90\x90\x90\x90\x90\x90\x90\xc3", 8) != 8) {
		e = errno;
		goto out;
	}
	attr.type = (uint32_t)type;
	attr.config1 = (uint64_t)(uintptr_t)path;
	attr.config2 = 0;
	pfd = perf_open(&attr);
	if (pfd < 0) {
		e = errno;
		goto out;
	}
	fd = load(BPF_PROG_TYPE_KPROBE, 0, 0, 0, why, sizeof(why));
	if (fd < 0) {
		line(d, false, NEED_PART, "uprobe", "kprobe-type program load failed: %s: %s", why,
		     consequence);
		goto done;
	}
	if (ioctl(pfd, PERF_EVENT_IOC_SET_BPF, fd) < 0)
		e = errno;
out:
	if (e)
		line(d, false, NEED_PART, "uprobe", "cannot attach a uprobe: %s: %s", strerror(e),
		     consequence);
	else
		line(d, true, NEED_PART, "uprobe", "perf uprobe (type %d) attached", type);
done:
	if (fd >= 0)
		close(fd);
	if (pfd >= 0)
		close(pfd);
	if (tmp >= 0) {
		close(tmp);
		unlink(path);
	}
}

static void check_kprobe(struct doctor *d)
{
	struct perf_event_attr attr = { .size = sizeof(attr) };
	char why[256];
	int type, fd, pfd;

	fd = load(BPF_PROG_TYPE_KPROBE, 0, 0, 0, why, sizeof(why));
	if (fd < 0) {
		line(d, false, NEED_INFO, "kprobe", "load failed: %s; not relied on", why);
		return;
	}
	type = read_int_file("/sys/bus/event_source/devices/kprobe/type");
	if (type < 0) {
		close(fd);
		line(d, false, NEED_INFO, "kprobe", "no kprobe event source; not relied on");
		return;
	}
	attr.type = (uint32_t)type;
	attr.config1 = (uint64_t)(uintptr_t) "do_sys_openat2";
	pfd = perf_open(&attr);
	if (pfd < 0 || ioctl(pfd, PERF_EVENT_IOC_SET_BPF, fd) < 0) {
		int e = errno;

		if (pfd >= 0)
			close(pfd);
		close(fd);
		line(d, false, NEED_INFO, "kprobe", "cannot attach: %s; not relied on",
		     strerror(e));
		return;
	}
	close(pfd);
	close(fd);
	line(d, true, NEED_INFO, "kprobe", "loaded and attached; not relied on");
}

static void check_btf_func(struct doctor *d, const char *name, enum bpf_prog_type type,
			   enum bpf_attach_type attach, const char *func)
{
	char why[256];
	int id, fd, lfd;

	id = vmlinux_id(d, func, BTF_KIND_FUNC);
	if (id < 0) {
		line(d, false, NEED_INFO, name, "no %s in vmlinux BTF; not relied on", func);
		return;
	}
	fd = load(type, attach, id, 0, why, sizeof(why));
	if (fd < 0) {
		line(d, false, NEED_INFO, name, "load failed: %s; not relied on", why);
		return;
	}
	lfd = bpf_raw_tracepoint_open(NULL, fd);
	if (lfd < 0) {
		close(fd);
		line(d, false, NEED_INFO, name, "loaded, cannot attach: %s; not relied on",
		     strerror(-lfd));
		return;
	}
	close(lfd);
	close(fd);
	line(d, true, NEED_INFO, name, "loaded and attached (%s); not relied on", func);
}

static void check_bpf(struct doctor *d)
{
	libbpf_print_fn_t old = libbpf_set_print(quiet_print);

	check_tracepoint(d);
	check_raw_tp(d);
	check_tp_btf(d);
	check_attach(d, "bpf cgroup_skb", BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_EGRESS, 1,
			"flow bytes (TLS, DNS, HTTP) are not recorded");
	check_attach(d, "bpf cgroup/connect4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR,
			BPF_CGROUP_INET4_CONNECT, 1,
			"connections are not recorded");
	check_attach(d, "bpf cgroup/sendmsg4", BPF_PROG_TYPE_CGROUP_SOCK_ADDR,
			BPF_CGROUP_UDP4_SENDMSG, 1, "UDP destinations (DNS) are not recorded");
	check_attach(d, "bpf cgroup/connect6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR,
			BPF_CGROUP_INET6_CONNECT, 1, "IPv6 connections are not recorded");
	check_attach(d, "bpf cgroup/sendmsg6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR,
			BPF_CGROUP_UDP6_SENDMSG, 1, "IPv6 UDP destinations are not recorded");
	check_attach(d, "bpf socket_filter", BPF_PROG_TYPE_SOCKET_FILTER, 0, 0,
			"not relied on by the recorder");
	check_ringbuf(d);
	check_uprobe(d);
	check_kprobe(d);
	check_btf_func(d, "fentry", BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, "do_unlinkat");
	check_btf_func(d, "bpf lsm", BPF_PROG_TYPE_LSM, BPF_LSM_MAC, "bpf_lsm_file_open");
	libbpf_set_print(old);
}

/* --- cgroups ------------------------------------------------------------------------------- */

/* Finds the v2 hierarchy and makes the probe cgroup the eBPF and cgroup.kill checks use. */
static void probe_cgroup_make(struct doctor *d)
{
	char path[512];
	size_t len;

	d->probe_cg_fd = -1;
	if (sandbox_cgroup_mount(NULL, d->cgroup2, sizeof(d->cgroup2)) < 0)
		return;
	{
		_cleanup_free_ char *c = NULL;

		snprintf(path, sizeof(path), "%s/cgroup.controllers", d->cgroup2);
		if (read_file_bounded(path, 4096, &c, &len) == 0) {
			while (len && (c[len - 1] == '\n' || c[len - 1] == ' '))
				c[--len] = '\0';
			snprintf(d->v2_controllers, sizeof(d->v2_controllers), "%s", c);
		}
	}
	snprintf(d->probe_cg, sizeof(d->probe_cg), "%s/conduct-doctor-%d", d->cgroup2,
		 (int)getpid());
	if (mkdir(d->probe_cg, 0755) < 0) {
		d->probe_cg_errno = errno;
		d->probe_cg[0] = '\0';
		return;
	}
	d->probe_cg_fd = open(d->probe_cg, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d->probe_cg_fd < 0)
		d->probe_cg_errno = errno;
}

static void probe_cgroup_remove(struct doctor *d)
{
	if (d->probe_cg_fd >= 0)
		close(d->probe_cg_fd);
	if (d->probe_cg[0])
		rmdir(d->probe_cg);
}

static void check_cgroups(struct doctor *d)
{
	static const char *const ctrls[] = { "memory", "pids", "cpu" };
	static const char *const lost[] = { "runs get no memory limit",
					    "runs get no process limit (a fork bomb is not held)",
					    "runs get no CPU limit" };

	if (!d->cgroup2[0]) {
		line(d, false, NEED_RUN, "cgroup v2",
		     "not mounted: the eBPF programs cannot be scoped to the run");
	} else {
		line(d, true, NEED_RUN, "cgroup v2", "%s (controllers: %s)", d->cgroup2,
		     d->v2_controllers[0] ? d->v2_controllers : "none");
		/* cgroup.kill exists in non-root cgroups only: look in the probe cgroup */
		if (!d->probe_cg[0]) {
			line(d, false, NEED_RUN, "cgroup.kill",
			     "cannot create a cgroup under %s: %s: runs cannot get a cgroup",
			     d->cgroup2, strerror(d->probe_cg_errno));
		} else if (faccessat(d->probe_cg_fd, "cgroup.kill", W_OK, 0) == 0) {
			line(d, true, NEED_RUN, "cgroup.kill", "present");
		} else {
			line(d, false, NEED_RUN, "cgroup.kill",
			     "absent (kernel < 5.14): a run's processes cannot be killed at once");
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(ctrls); i++) {
		char name[32], v1[256];

		snprintf(name, sizeof(name), "cgroup %s", ctrls[i]);
		if (word_in(d->v2_controllers, ctrls[i])) {
			line(d, true, NEED_RUN, name, "v2 (%s)", d->cgroup2);
			continue;
		}
		if (sandbox_cgroup_mount(ctrls[i], v1, sizeof(v1)) == 0)
			line(d, true, NEED_RUN, name, "v1 (%s)", v1);
		else
			line(d, false, NEED_RUN, name, "neither on v2 nor on a v1 hierarchy: %s",
			     lost[i]);
	}
}

/* --- namespaces, seccomp, landlock --------------------------------------------------------- */

/* Runs fn in a forked child with a 5 s alarm; returns its result (0 or errno > 0). */
static int in_child(int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return errno;
	if (pid == 0) {
		alarm(5);
		_exit(fn(arg) & 0xff);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return errno;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return WTERMSIG(status) == SIGALRM ? ETIMEDOUT : EINTR;
}

static int try_unshare(void *arg)
{
	return unshare((int)(intptr_t)arg) < 0 ? errno : 0;
}

static void check_namespaces(struct doctor *d)
{
	static const struct {
		int flag;
		const char *name;
	} ns[] = {
		{ CLONE_NEWUSER, "namespace user" },   { CLONE_NEWPID, "namespace pid" },
		{ CLONE_NEWNS, "namespace mount" },    { CLONE_NEWNET, "namespace net" },
		{ CLONE_NEWIPC, "namespace ipc" },     { CLONE_NEWUTS, "namespace uts" },
		{ CLONE_NEWCGROUP, "namespace cgroup" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(ns); i++) {
		int e = in_child(try_unshare, (void *)(intptr_t)ns[i].flag);

		if (!e)
			line(d, true, NEED_RUN, ns[i].name, "unshared");
		else
			line(d, false, NEED_RUN, ns[i].name,
			     "unshare failed: %s: the sandbox cannot be built", strerror(e));
	}
}

static int seccomp_probe(void *arg)
{
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = ARRAY_SIZE(filter), .filter = filter };
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	int fd, status;
	pid_t pid;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return errno;
	fd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER,
			  &prog);
	if (fd < 0)
		return errno;
	pid = fork();
	if (pid < 0)
		return errno;
	if (pid == 0)
		_exit(syscall(SYS_getppid) == 4242 ? 0 : 1);
	memset(&req, 0, sizeof(req));
	if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
		return errno;
	memset(&resp, 0, sizeof(resp));
	resp.id = req.id;
	resp.val = 4242;
	if (ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0)
		return errno;
	if (waitpid(pid, &status, 0) < 0)
		return errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : EPROTO;
}

static void check_seccomp(struct doctor *d)
{
	int e = in_child(seccomp_probe, NULL);

	if (!e)
		line(d, true, NEED_RUN, "seccomp user notif",
		     "filter installed, a notification answered");
	else
		line(d, false, NEED_RUN, "seccomp user notif",
		     "%s: refused calls cannot be reported as sandbox.denied", strerror(e));
}

static void check_landlock(struct doctor *d)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);

	if (abi >= 0)
		line(d, true, NEED_INFO, "landlock", "ABI %ld", abi);
	else
		line(d, false, NEED_INFO, "landlock",
		     "%s; not relied on (the read-only root comes from the mount namespace)",
		     errno == EOPNOTSUPP ? "disabled at boot" : strerror(errno));
}

/* --- network ------------------------------------------------------------------------------- */

static void check_net(struct doctor *d)
{
	struct error err = { 0 };
	const char *nft;
	int r;

	r = net_probe_veth();
	if (!r)
		line(d, true, NEED_NAT, "veth", "created and deleted in a throwaway netns");
	else
		line(d, false, NEED_NAT, "veth", "%s: --net nat is unavailable (none and host work)",
		     strerror(-r));
	nft = net_nft_path();
	if (!nft) {
		line(d, false, NEED_NAT, "nft",
		     "not found: --net nat is unavailable (install nftables)");
		return;
	}
	r = net_probe_nft(&err);
	if (!r)
		line(d, true, NEED_NAT, "nft", "%s, masquerade table loads", nft);
	else
		line(d, false, NEED_NAT, "nft", "%s cannot load a masquerade table: %s: --net nat "
		     "is unavailable", nft, err.text);
}

int doctor_run(FILE *f)
{
	struct doctor d = { .f = f, .color = isatty(fileno(f)) && !getenv("NO_COLOR") };

	check_root(&d);
	check_btf(&d);
	check_tracefs(&d);
	probe_cgroup_make(&d);
	check_bpf(&d);
	check_cgroups(&d);
	check_namespaces(&d);
	check_seccomp(&d);
	check_landlock(&d);
	check_net(&d);
	probe_cgroup_remove(&d);
	btf__free(d.vmlinux);

	if (d.missing_run)
		fprintf(f, "conduct run cannot work here: %u required feature%s missing\n",
			d.missing_run, d.missing_run == 1 ? "" : "s");
	else if (d.missing_nat || d.missing_part)
		fprintf(f, "conduct run can work here%s%s\n",
			d.missing_nat ? "; --net nat cannot" : "",
			d.missing_part ? "; some evidence will not be collected (see above)" : "");
	else
		fprintf(f, "conduct run can work here\n");
	fflush(f);
	return d.missing_run ? 1 : 0;
}
