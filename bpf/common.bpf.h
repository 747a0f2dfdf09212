/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * common.bpf.h: what every program of bpf/ shares: the load-time knobs, the maps shared
 * between objects (user space creates them once and hands the same fds to every object with
 * bpf_map__reuse_fd: the two rings, the loss counters, the syscall pairing map), the scope
 * check and the event header.
 */
#ifndef CONDUCT_COMMON_BPF_H
#define CONDUCT_COMMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "events.h"

/* UAPI constants the programs share (vmlinux.h has no macros) */
#define AF_INET 2
#define AF_INET6 10
#define AT_FDCWD -100
#define AT_EMPTY_PATH 0x1000
#define NR_execveat 322 /* x86_64 */

char LICENSE[] SEC("license") = "GPL";

/* Load-time knobs, written by record.c into each skeleton's rodata. */
const volatile __u32 cfg_abi = EV_ABI_VERSION;
const volatile __u64 cfg_cgid; /* the run's cgroup v2 id */
const volatile __u32 cfg_cg_level; /* its level in the v2 hierarchy (root = 0) */
const volatile __u64 cfg_pidns_dev;
const volatile __u32 cfg_pidns_ino;
const volatile __u32 cfg_flow_bytes = 16384;

/* Level of the run's pid namespace, learned on the first lookup (-1: unknown). */
int pidns_level = -1;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} ring_crit SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20);
} ring_data SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LOSS_MAX);
	__type(key, __u32);
	__type(value, __u64);
} losses SEC(".maps");

/* A syscall in flight, keyed by host tid: its number and arguments, kept until sys_exit. */
struct pending {
	__u64 args[6];
	__u64 cookie; /* connect: the socket cookie the connect hook saw */
	__u32 nr;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct pending);
} pending SEC(".maps");

/* --tls-plaintext: the SSL * a thread is inside SSL_read/SSL_write with (host tid -> ssl) ... */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u64);
} tls_cur SEC(".maps");

/* ... and the socket cookie its syscalls were seen on (ssl -> cookie), for the flow join. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u64);
} ssl_cookie SEC(".maps");

static __always_inline void loss_inc(__u32 where)
{
	__u64 *v = bpf_map_lookup_elem(&losses, &where);

	if (v)
		*v += 1;
}

/* The cheap test every host-wide program runs first. */
static __always_inline bool in_scope(void)
{
	return bpf_get_current_ancestor_cgroup_id(cfg_cg_level) == cfg_cgid;
}

/* The number of pid p in the run's pid namespace, 0 if p is not visible there. */
static __always_inline __u32 ns_nr(struct pid *p)
{
	unsigned int level;
	struct upid u;
	int i;

	if (!p)
		return 0;
	level = BPF_CORE_READ(p, level);
	i = pidns_level;
	if (i >= 0 && i <= (int)level && i < 16) {
		if (bpf_probe_read_kernel(&u, sizeof(u), &p->numbers[i]) == 0 &&
		    BPF_CORE_READ(u.ns, ns.inum) == cfg_pidns_ino)
			return (__u32)u.nr;
	}
	for (i = 0; i < 8; i++) {
		if (i > (int)level)
			break;
		if (bpf_probe_read_kernel(&u, sizeof(u), &p->numbers[i]))
			break;
		if (BPF_CORE_READ(u.ns, ns.inum) == cfg_pidns_ino) {
			pidns_level = i;
			return (__u32)u.nr;
		}
	}
	return 0;
}

static __always_inline __u32 task_ns_tid(struct task_struct *t)
{
	return ns_nr(BPF_CORE_READ(t, thread_pid));
}

static __always_inline __u32 task_ns_tgid(struct task_struct *t)
{
	return ns_nr(BPF_CORE_READ(t, group_leader, thread_pid));
}

static __always_inline void fill_hdr_task(struct ev_hdr *h, __u32 type, __u32 size,
					  struct task_struct *t)
{
	h->ts_ns = bpf_ktime_get_ns();
	h->type = type;
	h->size = size;
	h->pid = task_ns_tgid(t);
	h->tid = task_ns_tid(t);
	h->host_pid = BPF_CORE_READ(t, tgid);
	h->host_tid = BPF_CORE_READ(t, pid);
}

static __always_inline void fill_hdr(struct ev_hdr *h, __u32 type, __u32 size)
{
	fill_hdr_task(h, type, size, (struct task_struct *)bpf_get_current_task());
}

static __always_inline int emit_crit(void *data, __u64 size)
{
	if (bpf_ringbuf_output(&ring_crit, data, size, BPF_RB_NO_WAKEUP)) {
		loss_inc(LOSS_RING_CRIT);
		return -1;
	}
	return 0;
}

static __always_inline int emit_data(void *data, __u64 size)
{
	if (bpf_ringbuf_output(&ring_data, data, size, BPF_RB_NO_WAKEUP)) {
		loss_inc(LOSS_RING_DATA);
		return -1;
	}
	return 0;
}

/* Identity of an inode: kernel dev_t and number. */
static __always_inline void inode_id(struct inode *ino, __u64 *ret_ino, __u32 *ret_dev)
{
	*ret_ino = BPF_CORE_READ(ino, i_ino);
	*ret_dev = BPF_CORE_READ(ino, i_sb, s_dev);
}

/* The file behind fd of the current task, NULL if none. */
static __always_inline struct file *fd_file(struct task_struct *t, int fd)
{
	struct fdtable *fdt;
	struct file **fds;
	struct file *f = NULL;

	if (fd < 0)
		return NULL;
	fdt = BPF_CORE_READ(t, files, fdt);
	if (!fdt || (unsigned int)fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	fds = BPF_CORE_READ(fdt, fd);
	if (bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]))
		return NULL;
	return f;
}

static __always_inline void cwd_id(struct task_struct *t, __u64 *ret_ino, __u32 *ret_dev)
{
	struct dentry *d = BPF_CORE_READ(t, fs, pwd.dentry);

	*ret_ino = BPF_CORE_READ(d, d_inode, i_ino);
	*ret_dev = BPF_CORE_READ(d, d_sb, s_dev);
}

#endif
