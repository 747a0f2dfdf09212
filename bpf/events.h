/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * events.h: the one ABI between the eBPF programs of bpf/ and monitor/record/. Included by
 * clang -target bpf (with vmlinux.h) and by gcc (with linux/types.h). Fixed-width fields only,
 * largest first, explicit padding, a size assertion per struct. Every record starts with
 * struct ev_hdr; hdr.size is the length of the whole record (variable-length tails included).
 *
 * Strings in tails are not NUL-terminated: their lengths are in the record.
 * User space checks len >= sizeof(hdr), hdr.size == len, a known type and the type's minimum
 * size before any cast (record.c: check_record()).
 */
#ifndef CONDUCT_BPF_EVENTS_H
#define CONDUCT_BPF_EVENTS_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* Bumped on any change of a struct below; the programs' rodata carries it, checked at load. */
#define EV_ABI_VERSION 4u

/* Record types (hdr.type). */
#define EV_PROC_FORK 1u
#define EV_PROC_EXEC 2u
#define EV_PROC_EXIT 3u
#define EV_FILE 4u
#define EV_NET_CONNECT 5u /* cgroup/connect4|6: the address the kernel connects to */
#define EV_NET_SEND 6u /* cgroup/sendmsg4|6: a datagram with an explicit destination */
#define EV_NET_RESULT 7u /* sys_exit of connect(2): the result, joined by cookie */
#define EV_NET_DATA 8u /* cgroup_skb: payload bytes of one packet, one direction */
#define EV_TLS_DATA 9u /* uprobe SSL_write / uretprobe SSL_read: plaintext */
#define EV_NET_ACCEPT 10u /* accept/accept4 returned a connected socket */
#define EV_TYPE_MAX 10u

/* Where an event could be dropped: index of the per-CPU loss counters (map "losses"). */
#define LOSS_RING_CRIT 0u /* critical ring full */
#define LOSS_RING_DATA 1u /* data ring full */
#define LOSS_PENDING_FULL 2u /* syscall entry/exit pairing map full */
#define LOSS_FLOW_FULL 3u /* flow state map full */
#define LOSS_PATH_TRUNC 4u /* a path longer than EV_PATH_MAX */
#define LOSS_READ_FAIL 5u /* a user-memory read failed (path, sockaddr) */
#define LOSS_SKB_LOAD 6u /* payload bytes could not be loaded from a packet */
#define LOSS_ARGV_TRUNC 7u /* argv longer than EV_ARGV_MAX (marked in the event, not a loss) */
#define LOSS_MAX 8u

#define EV_PATH_MAX 4096u /* bytes of one path, NUL included (PATH_MAX) */
#define EV_ARGV_MAX 4096u /* bytes of NUL-separated argv */
#define EV_CHUNK 4096u /* payload bytes per EV_NET_DATA / EV_TLS_DATA record */
#define EV_COMM 16u

struct ev_hdr {
	__u64 ts_ns; /* bpf_ktime_get_ns() */
	__u32 type; /* EV_* */
	__u32 size; /* whole record, tail included */
	__u32 pid; /* tgid in the run's pid namespace (0: not in it) */
	__u32 tid; /* thread id in the run's pid namespace */
	__u32 host_pid; /* tgid in the initial pid namespace (for /proc lookups) */
	__u32 host_tid;
};
_Static_assert(sizeof(struct ev_hdr) == 32, "ev_hdr");

/* ev_proc_fork.flags */
#define FORK_THREAD 1u /* CLONE_THREAD: a new thread of the same process */
#define FORK_SHARE_FILES 2u /* child shares the parent's fd table */
#define FORK_SHARE_FS 4u /* child shares the parent's cwd */

struct ev_proc_fork {
	struct ev_hdr hdr; /* the parent */
	__u32 child_pid; /* ns tgid of the child */
	__u32 child_tid;
	__u32 child_host_pid;
	__u32 flags;
};
_Static_assert(sizeof(struct ev_proc_fork) == 48, "ev_proc_fork");

/* ev_proc_exec.flags */
#define EXEC_FD 1u /* execveat(fd, "", AT_EMPTY_PATH) or fexecve */
#define EXEC_MEMFD 2u /* the executed file is a memfd */
#define EXEC_DELETED 4u /* the executed file had no link left when it was executed */
#define EXEC_ARGV_TRUNC 8u /* argv longer than EV_ARGV_MAX */
#define EXEC_PATH_TRUNC 16u
#define EXEC_AT 32u /* execveat: dfd is meaningful */

/* Tail: filename (filename_len bytes) then argv (argv_len bytes, NUL-separated). */
struct ev_proc_exec {
	struct ev_hdr hdr;
	__s64 ret; /* 0, or -errno of a failed execve (then filename/argv are the user's) */
	__u64 ino; /* inode of the executed file (0 on failure) */
	__u64 cwd_ino;
	__u32 dev; /* kernel dev_t of the executed file */
	__u32 cwd_dev;
	__u32 ppid; /* ns tgid of the real parent */
	__u32 flags; /* EXEC_* */
	__s32 dfd; /* execveat dirfd (AT_FDCWD = -100) */
	__u16 filename_len;
	__u16 argv_len;
	__u16 name_len; /* bytes of the executed file's dentry name (in name[]) */
	__u16 pad0;
	__u32 pad1;
	char name[64]; /* dentry name of the executed file (kernel side) */
	char comm[EV_COMM];
	/* char tail[] */
};
_Static_assert(sizeof(struct ev_proc_exec) == 168, "ev_proc_exec");

struct ev_proc_exit {
	struct ev_hdr hdr;
	__u32 code; /* exit status (0..255) */
	__u32 signal; /* terminating signal, 0 if exited */
};
_Static_assert(sizeof(struct ev_proc_exit) == 40, "ev_proc_exit");

/* ev_file.op */
#define FOP_OPEN 1u /* open, openat, openat2, creat */
#define FOP_MEMFD 2u /* memfd_create: path is the name, ret the fd */
#define FOP_RENAME 3u /* rename, renameat, renameat2 (flags: RENAME_*) */
#define FOP_LINK 4u /* link, linkat (flags: AT_*) */
#define FOP_SYMLINK 5u /* symlink, symlinkat: path = target (not resolved), path2 = link */
#define FOP_UNLINK 6u /* unlink, unlinkat (flags: AT_REMOVEDIR), rmdir */
#define FOP_MKDIR 7u
#define FOP_CHMOD 8u /* chmod, fchmodat, fchmodat2; fchmod: fd set, no path */
#define FOP_TRUNCATE 9u /* truncate; ftruncate: fd set, no path */
#define FOP_CHDIR 10u /* chdir; fchdir: fd set */
#define FOP_MAX 10u

/* ev_file.info */
#define FINFO_DIR 1u /* the opened file is a directory */
#define FINFO_HONEY 2u /* the opened file is a honey file (inode in map honey) */
#define FINFO_PROC_SECRET 4u /* /proc/<pid>/environ or /proc/<pid>/mem */
#define FINFO_WRITE 8u /* open with write or create intent */
#define FINFO_PATH_TRUNC 16u
#define FINFO_FD_KNOWN 32u /* fd_dev/fd_ino describe ev_file.fd (or the dfd) */
#define FINFO_RMDIR 64u /* rmdir / unlinkat(AT_REMOVEDIR) */
#define FINFO_MEMFD 128u /* the opened file is a memfd */

/*
 * Tail: path (path_len bytes) then path2 (path2_len bytes), as the process passed them,
 * read from its memory at syscall exit.
 */
struct ev_file {
	struct ev_hdr hdr;
	__s64 ret;
	__u64 flags; /* open flags, RENAME_* or AT_* flags */
	__u64 length; /* truncate length */
	__u64 ino; /* inode of the result (open: the returned fd) */
	__u64 fd_ino; /* inode behind fd (fchmod/ftruncate/fchdir) or dfd (*at) */
	__u64 cwd_ino; /* the process's cwd at syscall exit */
	__u32 dev;
	__u32 fd_dev;
	__u32 cwd_dev;
	__u32 op; /* FOP_* */
	__s32 dfd; /* dirfd of path (AT_FDCWD = -100) */
	__s32 dfd2; /* dirfd of path2 */
	__s32 fd; /* fd argument (fchmod, ftruncate, fchdir), -1 otherwise */
	__u32 mode; /* open/mkdir/chmod mode */
	__u32 nr; /* syscall number */
	__u16 path_len;
	__u16 path2_len;
	__u16 info; /* FINFO_* */
	__u16 pad0;
	__u32 pad1;
	/* char tail[] */
};
_Static_assert(sizeof(struct ev_file) == 128, "ev_file");

struct ev_net {
	struct ev_hdr hdr;
	__u64 cookie; /* socket cookie: the flow */
	__u8 addr[16]; /* IPv4 in the first 4 bytes, network order */
	__u32 family; /* AF_INET / AF_INET6 */
	__u32 proto; /* IPPROTO_TCP / IPPROTO_UDP / 0 */
	__u32 type; /* SOCK_STREAM / SOCK_DGRAM */
	__u16 port; /* host order: the peer's */
	__u16 lport; /* EV_NET_ACCEPT: the local port (0 otherwise) */
};
_Static_assert(sizeof(struct ev_net) == 72, "ev_net");

struct ev_net_result {
	struct ev_hdr hdr;
	__u64 cookie; /* 0 when no connect hook ran (e.g. AF_UNIX) */
	__s64 ret;
	__s32 fd;
	__u32 pad0;
};
_Static_assert(sizeof(struct ev_net_result) == 56, "ev_net_result");

/* ev_net_data.dir */
#define DIR_OUT 0u
#define DIR_IN 1u
/* ev_net_data.flags */
#define ND_SYN 1u /* this packet carries SYN: seq is the initial sequence number */
#define ND_FIN 2u
#define ND_RST 4u
#define ND_ISN_GUESS 8u /* rel_off is relative to the first packet seen, not the SYN */
#define ND_DNS 16u /* port 53: captured whole */

/*
 * One packet's payload (or its first captured part): TCP bytes at rel_off of the direction's
 * stream, or one UDP datagram (rel_off 0, total = datagram length). hdr.pid/tid are 0: a packet
 * has no process; the flow (cookie) joins it to the connect.
 */
struct ev_net_data {
	struct ev_hdr hdr;
	__u64 cookie;
	__u8 addr[16]; /* peer address (remote end) */
	__u32 rel_off; /* TCP: offset of data[0] in the stream (after the SYN) */
	__u32 total; /* payload bytes in the packet (data_len may be less) */
	__u32 family;
	__u32 proto;
	__u32 seq; /* raw TCP sequence number of data[0] */
	__u16 port; /* peer port */
	__u16 lport; /* local port */
	__u16 data_len; /* captured bytes in data[] */
	__u8 dir; /* DIR_OUT / DIR_IN */
	__u8 flags; /* ND_* */
	__u32 pad0;
	/* __u8 data[] */
};
_Static_assert(sizeof(struct ev_net_data) == 88, "ev_net_data");

/* ev_tls_data.dir: DIR_OUT = SSL_write, DIR_IN = SSL_read */
struct ev_tls_data {
	struct ev_hdr hdr;
	__u64 ssl; /* SSL * of the connection (joins chunks of one connection) */
	__u32 total; /* bytes of the call */
	__u16 data_len; /* captured in data[] */
	__u8 dir;
	__u8 pad0;
	__u64 cookie; /* socket cookie of the connection when seen by wire.bpf.c, else 0 */
	/* __u8 data[] */
};
_Static_assert(sizeof(struct ev_tls_data) == 56, "ev_tls_data");

/* Key of the honey map: a file's identity in the kernel. */
struct honey_key {
	__u64 ino;
	__u32 dev;
	__u32 pad0;
};
_Static_assert(sizeof(struct honey_key) == 16, "honey_key");

#endif
