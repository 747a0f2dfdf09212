/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * proc: the process tree of the run from the sched tracepoints: fork/clone (threads too),
 * successful exec (path, argv from the new image, the executed inode) and the exit of each
 * process (last thread). Failed execs come from the syscall exit in file.bpf.c.
 * Everything goes to the critical ring.
 */
#include "common.bpf.h"

#define TMPFS_MAGIC 0x01021994

struct exec_scratch {
	struct ev_proc_exec ev;
	char tail[EV_PATH_MAX + EV_ARGV_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct exec_scratch);
} exec_buf SEC(".maps");

SEC("tp_btf/sched_process_fork")
int BPF_PROG(handle_fork, struct task_struct *parent, struct task_struct *child)
{
	struct ev_proc_fork ev;

	if (!in_scope())
		return 0;
	fill_hdr_task(&ev.hdr, EV_PROC_FORK, sizeof(ev), parent);
	ev.child_pid = task_ns_tgid(child);
	ev.child_tid = task_ns_tid(child);
	ev.child_host_pid = BPF_CORE_READ(child, tgid);
	ev.flags = 0;
	if (BPF_CORE_READ(child, tgid) == BPF_CORE_READ(parent, tgid))
		ev.flags |= FORK_THREAD;
	if (BPF_CORE_READ(child, files) == BPF_CORE_READ(parent, files))
		ev.flags |= FORK_SHARE_FILES;
	if (BPF_CORE_READ(child, fs) == BPF_CORE_READ(parent, fs))
		ev.flags |= FORK_SHARE_FS;
	emit_crit(&ev, sizeof(ev));
	return 0;
}

static __always_inline bool is_memfd(struct file *f, struct inode *ino)
{
	char name[8] = {};
	const unsigned char *n = BPF_CORE_READ(f, f_path.dentry, d_name.name);

	if (BPF_CORE_READ(ino, i_sb, s_magic) != TMPFS_MAGIC)
		return false;
	bpf_probe_read_kernel(name, 6, n);
	return name[0] == 'm' && name[1] == 'e' && name[2] == 'm' && name[3] == 'f' &&
	       name[4] == 'd' && name[5] == ':';
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(handle_exec, struct task_struct *task, pid_t old_pid, struct linux_binprm *bprm)
{
	struct exec_scratch *s;
	struct pending *p;
	struct mm_struct *mm;
	struct inode *ino;
	struct file *f;
	__u32 zero = 0, old = (__u32)old_pid, flen = 0, alen = 0;
	const char *fname;
	unsigned long as, ae;
	long n;

	if (!in_scope())
		return 0;
	s = bpf_map_lookup_elem(&exec_buf, &zero);
	if (!s)
		return 0;
	__builtin_memset(&s->ev, 0, sizeof(s->ev));
	s->ev.dfd = AT_FDCWD;
	p = bpf_map_lookup_elem(&pending, &old);
	if (p) {
		if (p->nr == NR_execveat) {
			s->ev.flags |= EXEC_AT;
			s->ev.dfd = (__s32)p->args[0];
			if (p->args[4] & AT_EMPTY_PATH)
				s->ev.flags |= EXEC_FD;
		}
		bpf_map_delete_elem(&pending, &old);
	}
	fname = BPF_CORE_READ(bprm, filename);
	n = bpf_probe_read_kernel_str(s->tail, EV_PATH_MAX, fname);
	if (n > 0)
		flen = (n - 1) & (EV_PATH_MAX - 1);
	if (n >= EV_PATH_MAX) {
		char next = 1;

		/* n counts the helper's NUL: a 4095-byte name is whole (as in file.bpf.c) */
		if (bpf_probe_read_kernel(&next, 1, fname + EV_PATH_MAX - 1) || next) {
			s->ev.flags |= EXEC_PATH_TRUNC;
			loss_inc(LOSS_PATH_TRUNC);
		}
	}
	mm = BPF_CORE_READ(task, mm);
	as = BPF_CORE_READ(mm, arg_start);
	ae = BPF_CORE_READ(mm, arg_end);
	if (ae > as) {
		__u64 want = ae - as;

		if (want > EV_ARGV_MAX) {
			want = EV_ARGV_MAX;
			s->ev.flags |= EXEC_ARGV_TRUNC;
			loss_inc(LOSS_ARGV_TRUNC);
		}
		want &= (2 * EV_ARGV_MAX - 1);
		if (want > EV_ARGV_MAX)
			want = EV_ARGV_MAX;
		if (want && bpf_probe_read_user(&s->tail[flen], want, (void *)as) == 0)
			alen = want;
	}
	f = BPF_CORE_READ(bprm, file);
	if (f) {
		const unsigned char *dn = BPF_CORE_READ(f, f_path.dentry, d_name.name);

		ino = BPF_CORE_READ(f, f_inode);
		inode_id(ino, &s->ev.ino, &s->ev.dev);
		if (BPF_CORE_READ(ino, __i_nlink) == 0)
			s->ev.flags |= EXEC_DELETED;
		if (is_memfd(f, ino))
			s->ev.flags |= EXEC_MEMFD;
		n = bpf_probe_read_kernel_str(s->ev.name, sizeof(s->ev.name), dn);
		s->ev.name_len = n > 0 ? n - 1 : 0;
	}
	cwd_id(task, &s->ev.cwd_ino, &s->ev.cwd_dev);
	s->ev.ppid = task_ns_tgid(BPF_CORE_READ(task, real_parent));
	bpf_get_current_comm(s->ev.comm, sizeof(s->ev.comm));
	s->ev.ret = 0;
	s->ev.filename_len = flen;
	s->ev.argv_len = alen;
	fill_hdr_task(&s->ev.hdr, EV_PROC_EXEC, 0, task);
	{
		__u64 size = sizeof(s->ev) + flen + alen;

		barrier_var(size);
		if (size > sizeof(*s))
			size = sizeof(*s);
		s->ev.hdr.size = size;
		emit_crit(s, size);
	}
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(handle_exit, struct task_struct *task, bool group_dead)
{
	struct ev_proc_exit ev;
	__u32 tid;
	int code;

	if (!in_scope())
		return 0;
	tid = BPF_CORE_READ(task, pid);
	bpf_map_delete_elem(&pending, &tid);
	if (!group_dead)
		return 0;
	fill_hdr_task(&ev.hdr, EV_PROC_EXIT, sizeof(ev), task);
	code = BPF_CORE_READ(task, exit_code);
	ev.code = (code >> 8) & 0xff;
	ev.signal = code & 0x7f;
	emit_crit(&ev, sizeof(ev));
	return 0;
}
