/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * file: the one host-wide syscall hook pair (tp_btf sys_enter / sys_exit). Every task of the
 * host runs the cgroup test and nothing else; tasks of the run keep the arguments of the
 * syscalls that matter in the pending map (keyed by host tid) until sys_exit, which emits
 * them with their result: the file syscalls, failed execs, and connect results (joined to
 * the connect hook of net.bpf.c by the socket cookie it stores in the pending entry).
 * Read-only opens are dropped here unless they opened a directory (user space needs dirfds
 * for path resolution), a honey file, or /proc/<pid>/environ|mem.
 */
#include "common.bpf.h"

#define AT_FDCWD -100
#define AT_EMPTY_PATH 0x1000
#define AT_REMOVEDIR 0x200
#define O_ACCMODE 03
#define O_CREAT 0100
#define O_TRUNC 01000
#define O_DIRECTORY 0200000
#define O_PATH 010000000
#define O_TMPFILE_BIT 020000000
#define O_WRONLY 01
#define PROC_SUPER_MAGIC 0x9fa0
#define S_IFMT 00170000
#define S_IFDIR 0040000

/* x86_64 syscall numbers */
#define NR_open 2
#define NR_connect 42
#define NR_execve 59
#define NR_truncate 76
#define NR_ftruncate 77
#define NR_chdir 80
#define NR_fchdir 81
#define NR_rename 82
#define NR_mkdir 83
#define NR_rmdir 84
#define NR_creat 85
#define NR_link 86
#define NR_unlink 87
#define NR_symlink 88
#define NR_chmod 90
#define NR_fchmod 91
#define NR_openat 257
#define NR_mkdirat 258
#define NR_unlinkat 263
#define NR_renameat 264
#define NR_linkat 265
#define NR_symlinkat 266
#define NR_fchmodat 268
#define NR_renameat2 316
#define NR_memfd_create 319
#define NR_execveat 322
#define NR_openat2 437
#define NR_fchmodat2 452

const volatile __u32 cfg_has_honey;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, struct honey_key);
	__type(value, __u8);
} honey SEC(".maps");

struct file_scratch {
	struct ev_file ev;
	char tail[2 * EV_PATH_MAX];
};

struct exec_fail_scratch {
	struct ev_proc_exec ev;
	char tail[EV_PATH_MAX + 2 * EV_ARGV_MAX];
};

union scratch {
	struct file_scratch f;
	struct exec_fail_scratch x;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, union scratch);
} file_buf SEC(".maps");

static __always_inline bool interesting(long id)
{
	switch (id) {
	case NR_open: case NR_openat: case NR_openat2: case NR_creat: case NR_memfd_create:
	case NR_rename: case NR_renameat: case NR_renameat2:
	case NR_link: case NR_linkat: case NR_symlink: case NR_symlinkat:
	case NR_unlink: case NR_unlinkat: case NR_rmdir: case NR_mkdir: case NR_mkdirat:
	case NR_chmod: case NR_fchmod: case NR_fchmodat: case NR_fchmodat2:
	case NR_truncate: case NR_ftruncate: case NR_chdir: case NR_fchdir:
	case NR_execve: case NR_execveat: case NR_connect:
		return true;
	}
	return false;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(handle_sys_enter, struct pt_regs *regs, long id)
{
	struct pending p;
	__u32 tid;

	if (!in_scope())
		return 0;
	if (!interesting(id))
		return 0;
	p.nr = (__u32)id;
	p.pad = 0;
	p.cookie = 0;
	p.args[0] = BPF_CORE_READ(regs, di);
	p.args[1] = BPF_CORE_READ(regs, si);
	p.args[2] = BPF_CORE_READ(regs, dx);
	p.args[3] = BPF_CORE_READ(regs, r10);
	p.args[4] = BPF_CORE_READ(regs, r8);
	p.args[5] = BPF_CORE_READ(regs, r9);
	tid = (__u32)bpf_get_current_pid_tgid();
	if (bpf_map_update_elem(&pending, &tid, &p, BPF_ANY))
		loss_inc(LOSS_PENDING_FULL);
	return 0;
}

/* Reads a user path into buf (EV_PATH_MAX bytes available); returns its length, no NUL. */
static __always_inline __u32 read_path(char *buf, __u64 uptr, __u16 *info)
{
	long n;

	if (!uptr)
		return 0;
	n = bpf_probe_read_user_str(buf, EV_PATH_MAX, (const void *)uptr);
	if (n <= 0) {
		loss_inc(LOSS_READ_FAIL);
		return 0;
	}
	if (n >= EV_PATH_MAX) {
		*info |= FINFO_PATH_TRUNC;
		loss_inc(LOSS_PATH_TRUNC);
	}
	return (n - 1) & (EV_PATH_MAX - 1);
}

static __always_inline void fd_id(struct task_struct *t, int fd, struct ev_file *ev)
{
	struct file *f = fd_file(t, fd);

	if (!f)
		return;
	inode_id(BPF_CORE_READ(f, f_inode), &ev->fd_ino, &ev->fd_dev);
	ev->info |= FINFO_FD_KNOWN;
}

static __always_inline bool name_is(const unsigned char *n, const char *want, int len)
{
	char b[8] = {};
	int i;

	if (bpf_probe_read_kernel(b, 8, n))
		return false;
	for (i = 0; i < 8; i++) {
		if (i == len)
			return b[i] == 0;
		if (b[i] != want[i])
			return false;
	}
	return false;
}

/* Looks at the file an open returned; returns true when a read-only open must be reported. */
static __always_inline bool inspect_opened(struct task_struct *t, int fd, struct ev_file *ev)
{
	struct file *f = fd_file(t, fd);
	struct inode *ino;
	struct dentry *d;
	struct honey_key k = {};
	bool report = false;
	__u32 mode;

	if (!f)
		return false;
	ino = BPF_CORE_READ(f, f_inode);
	inode_id(ino, &ev->ino, &ev->dev);
	mode = BPF_CORE_READ(ino, i_mode);
	if ((mode & S_IFMT) == S_IFDIR) {
		ev->info |= FINFO_DIR;
		report = true;
	}
	if (cfg_has_honey) {
		k.ino = ev->ino;
		k.dev = ev->dev;
		if (bpf_map_lookup_elem(&honey, &k)) {
			ev->info |= FINFO_HONEY;
			report = true;
		}
	}
	d = BPF_CORE_READ(f, f_path.dentry);
	if (BPF_CORE_READ(d, d_sb, s_magic) == PROC_SUPER_MAGIC) {
		const unsigned char *n = BPF_CORE_READ(d, d_name.name);

		if (name_is(n, "environ", 7) || name_is(n, "mem", 3)) {
			ev->info |= FINFO_PROC_SECRET;
			report = true;
		}
	}
	return report;
}

/* Whether the path of length len in buf ends in "environ" or "mem" as a whole component. */
static __always_inline bool secret_suffix(const char *buf, __u32 len)
{
	char t[8] = {};
	__u32 o;

	if (len >= 8) {
		o = (len - 8) & (EV_PATH_MAX - 1);
		bpf_probe_read_kernel(t, 8, &buf[o]);
		if (t[0] == '/' && t[1] == 'e' && t[2] == 'n' && t[3] == 'v' && t[4] == 'i' &&
		    t[5] == 'r' && t[6] == 'o' && t[7] == 'n')
			return true;
	} else if (len == 7) {
		bpf_probe_read_kernel(t, 7, buf);
		if (t[0] == 'e' && t[1] == 'n' && t[2] == 'v' && t[3] == 'i' && t[4] == 'r' &&
		    t[5] == 'o' && t[6] == 'n')
			return true;
	}
	if (len >= 4) {
		o = (len - 4) & (EV_PATH_MAX - 1);
		bpf_probe_read_kernel(t, 4, &buf[o]);
		if (t[0] == '/' && t[1] == 'm' && t[2] == 'e' && t[3] == 'm')
			return true;
	} else if (len == 3) {
		bpf_probe_read_kernel(t, 3, buf);
		if (t[0] == 'm' && t[1] == 'e' && t[2] == 'm')
			return true;
	}
	return false;
}

/* A failed execve/execveat: the path and argv as the caller passed them. */
static __always_inline void emit_exec_fail(union scratch *u, struct pending *p, long ret,
					   struct task_struct *t)
{
	struct exec_fail_scratch *s = &u->x;
	__u64 fname, argvp, argp = 0;
	__u32 flen = 0, off = 0, o;
	__u16 dummy = 0;
	long n;
	int i;

	__builtin_memset(&s->ev, 0, sizeof(s->ev));
	s->ev.dfd = AT_FDCWD;
	if (p->nr == NR_execveat) {
		s->ev.flags |= EXEC_AT;
		s->ev.dfd = (__s32)p->args[0];
		if (p->args[4] & AT_EMPTY_PATH)
			s->ev.flags |= EXEC_FD;
		fname = p->args[1];
		argvp = p->args[2];
	} else {
		fname = p->args[0];
		argvp = p->args[1];
	}
	flen = read_path(s->tail, fname, &dummy);
	if (dummy & FINFO_PATH_TRUNC)
		s->ev.flags |= EXEC_PATH_TRUNC;
	for (i = 0; i < 64 && argvp; i++) {
		if (bpf_probe_read_user(&argp, sizeof(argp), (void *)(argvp + i * 8)) || !argp)
			break;
		if (off >= EV_ARGV_MAX) {
			s->ev.flags |= EXEC_ARGV_TRUNC;
			break;
		}
		o = off;
		barrier_var(o); /* keep the mask: the verifier needs the bound */
		o &= EV_ARGV_MAX - 1;
		n = bpf_probe_read_user_str(&s->tail[flen + o], EV_ARGV_MAX, (void *)argp);
		if (n <= 0)
			break;
		off += n;
	}
	if (off > EV_ARGV_MAX) {
		off = EV_ARGV_MAX;
		s->ev.flags |= EXEC_ARGV_TRUNC;
	}
	s->ev.ret = ret;
	s->ev.filename_len = flen;
	s->ev.argv_len = off;
	cwd_id(t, &s->ev.cwd_ino, &s->ev.cwd_dev);
	s->ev.ppid = task_ns_tgid(BPF_CORE_READ(t, real_parent));
	bpf_get_current_comm(s->ev.comm, sizeof(s->ev.comm));
	fill_hdr_task(&s->ev.hdr, EV_PROC_EXEC, 0, t);
	{
		__u64 size = sizeof(s->ev) + flen + off;

		barrier_var(size);
		if (size > sizeof(*s))
			size = sizeof(*s);
		s->ev.hdr.size = size;
		emit_crit(s, size);
	}
}

SEC("tp_btf/sys_exit")
int BPF_PROG(handle_sys_exit, struct pt_regs *regs, long ret)
{
	struct task_struct *t;
	struct file_scratch *s;
	union scratch *u;
	struct pending p, *pp;
	__u64 path = 0, path2 = 0;
	__u32 tid, zero = 0, l1 = 0, l2 = 0;
	bool report = true, crit = false, check_secret = false;

	if (!in_scope())
		return 0;
	tid = (__u32)bpf_get_current_pid_tgid();
	pp = bpf_map_lookup_elem(&pending, &tid);
	if (!pp)
		return 0;
	p = *pp;
	bpf_map_delete_elem(&pending, &tid);
	t = (struct task_struct *)bpf_get_current_task();

	if (p.nr == NR_connect) {
		struct ev_net_result r;

		if (!p.cookie)
			return 0;
		fill_hdr_task(&r.hdr, EV_NET_RESULT, sizeof(r), t);
		r.cookie = p.cookie;
		r.ret = ret;
		r.fd = (__s32)p.args[0];
		r.pad0 = 0;
		emit_crit(&r, sizeof(r));
		return 0;
	}
	u = bpf_map_lookup_elem(&file_buf, &zero);
	if (!u)
		return 0;
	if (p.nr == NR_execve || p.nr == NR_execveat) {
		/* success is reported by sched_process_exec */
		if (ret < 0)
			emit_exec_fail(u, &p, ret, t);
		return 0;
	}
	s = &u->f;
	__builtin_memset(&s->ev, 0, sizeof(s->ev));
	s->ev.ret = ret;
	s->ev.nr = p.nr;
	s->ev.dfd = AT_FDCWD;
	s->ev.dfd2 = AT_FDCWD;
	s->ev.fd = -1;

	switch (p.nr) {
	case NR_open:
	case NR_creat:
	case NR_openat:
	case NR_openat2:
		s->ev.op = FOP_OPEN;
		if (p.nr == NR_open) {
			path = p.args[0];
			s->ev.flags = p.args[1];
			s->ev.mode = p.args[2];
		} else if (p.nr == NR_creat) {
			path = p.args[0];
			s->ev.flags = O_CREAT | O_WRONLY | O_TRUNC;
			s->ev.mode = p.args[1];
		} else if (p.nr == NR_openat) {
			s->ev.dfd = (__s32)p.args[0];
			path = p.args[1];
			s->ev.flags = p.args[2];
			s->ev.mode = p.args[3];
		} else {
			__u64 how[2] = {};

			s->ev.dfd = (__s32)p.args[0];
			path = p.args[1];
			bpf_probe_read_user(how, sizeof(how), (void *)p.args[2]);
			s->ev.flags = how[0];
			s->ev.mode = how[1];
		}
		if ((s->ev.flags & O_ACCMODE) || (s->ev.flags & (O_CREAT | O_TRUNC | O_TMPFILE_BIT)))
			s->ev.info |= FINFO_WRITE;
		if (ret >= 0) {
			bool special = inspect_opened(t, (int)ret, &s->ev);

			if (s->ev.flags & O_PATH)
				special = true;
			report = (s->ev.info & FINFO_WRITE) || special;
			crit = s->ev.info & (FINFO_HONEY | FINFO_PROC_SECRET);
		} else {
			/* a refused read of /proc/<pid>/environ|mem is still an attempt to report */
			report = true;
			check_secret = !(s->ev.info & FINFO_WRITE);
		}
		break;
	case NR_memfd_create:
		s->ev.op = FOP_MEMFD;
		path = p.args[0];
		s->ev.flags = p.args[1];
		if (ret >= 0)
			inspect_opened(t, (int)ret, &s->ev);
		s->ev.info |= FINFO_MEMFD;
		crit = true;
		break;
	case NR_rename:
		s->ev.op = FOP_RENAME;
		path = p.args[0];
		path2 = p.args[1];
		break;
	case NR_renameat:
	case NR_renameat2:
		s->ev.op = FOP_RENAME;
		s->ev.dfd = (__s32)p.args[0];
		path = p.args[1];
		s->ev.dfd2 = (__s32)p.args[2];
		path2 = p.args[3];
		if (p.nr == NR_renameat2)
			s->ev.flags = p.args[4];
		break;
	case NR_link:
		s->ev.op = FOP_LINK;
		path = p.args[0];
		path2 = p.args[1];
		break;
	case NR_linkat:
		s->ev.op = FOP_LINK;
		s->ev.dfd = (__s32)p.args[0];
		path = p.args[1];
		s->ev.dfd2 = (__s32)p.args[2];
		path2 = p.args[3];
		s->ev.flags = p.args[4];
		break;
	case NR_symlink:
		s->ev.op = FOP_SYMLINK;
		path = p.args[0];
		path2 = p.args[1];
		break;
	case NR_symlinkat:
		s->ev.op = FOP_SYMLINK;
		path = p.args[0];
		s->ev.dfd2 = (__s32)p.args[1];
		path2 = p.args[2];
		break;
	case NR_unlink:
		s->ev.op = FOP_UNLINK;
		path = p.args[0];
		break;
	case NR_rmdir:
		s->ev.op = FOP_UNLINK;
		s->ev.info |= FINFO_RMDIR;
		path = p.args[0];
		break;
	case NR_unlinkat:
		s->ev.op = FOP_UNLINK;
		s->ev.dfd = (__s32)p.args[0];
		path = p.args[1];
		s->ev.flags = p.args[2];
		if (p.args[2] & AT_REMOVEDIR)
			s->ev.info |= FINFO_RMDIR;
		break;
	case NR_mkdir:
		s->ev.op = FOP_MKDIR;
		path = p.args[0];
		s->ev.mode = p.args[1];
		break;
	case NR_mkdirat:
		s->ev.op = FOP_MKDIR;
		s->ev.dfd = (__s32)p.args[0];
		path = p.args[1];
		s->ev.mode = p.args[2];
		break;
	case NR_chmod:
		s->ev.op = FOP_CHMOD;
		path = p.args[0];
		s->ev.mode = p.args[1];
		break;
	case NR_fchmod:
		s->ev.op = FOP_CHMOD;
		s->ev.fd = (__s32)p.args[0];
		s->ev.mode = p.args[1];
		break;
	case NR_fchmodat:
	case NR_fchmodat2:
		s->ev.op = FOP_CHMOD;
		s->ev.dfd = (__s32)p.args[0];
		path = p.args[1];
		s->ev.mode = p.args[2];
		if (p.nr == NR_fchmodat2)
			s->ev.flags = p.args[3];
		break;
	case NR_truncate:
		s->ev.op = FOP_TRUNCATE;
		path = p.args[0];
		s->ev.length = p.args[1];
		break;
	case NR_ftruncate:
		s->ev.op = FOP_TRUNCATE;
		s->ev.fd = (__s32)p.args[0];
		s->ev.length = p.args[1];
		break;
	case NR_chdir:
		s->ev.op = FOP_CHDIR;
		path = p.args[0];
		break;
	case NR_fchdir:
		s->ev.op = FOP_CHDIR;
		s->ev.fd = (__s32)p.args[0];
		break;
	default:
		return 0;
	}
	if (!report)
		return 0;
	if (s->ev.fd >= 0)
		fd_id(t, s->ev.fd, &s->ev);
	else if (s->ev.dfd != AT_FDCWD)
		fd_id(t, s->ev.dfd, &s->ev);
	cwd_id(t, &s->ev.cwd_ino, &s->ev.cwd_dev);
	l1 = read_path(s->tail, path, &s->ev.info);
	l2 = read_path(&s->tail[l1 & (EV_PATH_MAX - 1)], path2, &s->ev.info);
	if (check_secret) {
		if (!secret_suffix(s->tail, l1))
			return 0;
		s->ev.info |= FINFO_PROC_SECRET;
		crit = true;
	}
	s->ev.path_len = l1;
	s->ev.path2_len = l2;
	fill_hdr_task(&s->ev.hdr, EV_FILE, 0, t);
	{
		__u64 size = sizeof(s->ev) + (l1 & (EV_PATH_MAX - 1)) + (l2 & (EV_PATH_MAX - 1));

		barrier_var(size);
		if (size > sizeof(*s))
			size = sizeof(*s);
		s->ev.hdr.size = size;
		if (crit)
			emit_crit(s, size);
		else
			emit_data(s, size);
	}
	return 0;
}
