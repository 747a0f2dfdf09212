/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The recorder's private declarations, shared by its files:
 *   record.c     lifecycle: skeletons, attach, the drain timer, loss counters, stats
 *   rec_events.c decoding of ring-buffer records into trace lines: the process table, the
 *                per-process cwd and fd tables that resolve paths, flows and their reassembly
 *   rec_fs.c     the kernel-side second source: fanotify marks and the post-run inventory
 *   rec_tls.c    --tls-plaintext: finding the libssl each run process maps, uprobes on it
 * Nothing here is used outside monitor/record/.
 */
#ifndef CONDUCT_REC_INTERNAL_H
#define CONDUCT_REC_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record/record.h"

struct bpf_object;
struct trace_writer;

/* --- a small hash table: 64-bit keys or string keys, void * values ------------------------ */

struct rmap_ent {
	uint64_t key;
	char *skey; /* owned, NULL for integer keys */
	void *val;
	struct rmap_ent *next;
};

struct rmap {
	struct rmap_ent **b;
	size_t nb, n;
};

void *rmap_get(const struct rmap *m, uint64_t key);
void *rmap_sget(const struct rmap *m, const char *key);
/* Inserts or replaces; returns the old value (the caller frees it) through ret_old. */
int rmap_put(struct rmap *m, uint64_t key, void *val, void **ret_old);
int rmap_sput(struct rmap *m, const char *key, void *val, void **ret_old);
void *rmap_del(struct rmap *m, uint64_t key);
/* Calls fn on every value, then frees the table (not the values unless fn does). */
void rmap_clear(struct rmap *m, void (*fn)(void *val));
#define rmap_foreach(m, i, e)         \
	for (i = 0; i < (m)->nb; i++) \
		for (e = (m)->b[i]; e; e = e->next)

/* --- processes, fds, flows ------------------------------------------------------------------ */

struct rec_fd {
	int fd;
	char *path; /* absolute in the sandbox's view, or "memfd:NAME" */
	uint64_t ino;
	uint32_t dev;
	bool cloexec;
};

struct rec_proc {
	uint32_t pid; /* in the run's pid namespace */
	uint32_t host_pid;
	uint32_t ppid;
	char *cwd; /* NULL: unknown */
	uint64_t cwd_ino;
	uint32_t cwd_dev;
	struct rec_fd *fds;
	size_t n_fds, cap_fds;
	bool exited;
	bool tls_scanned; /* its maps were searched for libssl after its last exec */
};

struct rec_stream {
	uint8_t *buf; /* budget bytes at most */
	uint8_t *have; /* bitmap: byte i received */
	uint32_t cap; /* allocated bytes of buf */
	uint32_t budget;
	uint32_t contig; /* bytes [0, contig) received */
	uint32_t emitted; /* bytes [0, emitted) written as net.data */
	uint32_t end; /* highest offset received + 1 */
	uint32_t dns_done; /* DNS over TCP: bytes of whole messages decoded */
	uint64_t udp_off; /* UDP: running offset of the datagrams of this direction */
	bool decoded; /* the decoder gave a final answer for this direction */
	bool released; /* decoded with nothing pending: buffer freed, bytes pass through */
};

struct rec_flow {
	uint64_t cookie;
	uint32_t pid;
	uint32_t proto; /* IPPROTO_TCP / IPPROTO_UDP, 0 unknown */
	char addr[64]; /* remote, text */
	uint16_t port;
	bool have_peer;
	bool dns;
	struct rec_stream s[2];
};

/* A connect or sendmsg hook event waiting for its result (connect) or its datagram (send). */
struct rec_held {
	uint64_t cookie;
	uint64_t t; /* trace time of the hook */
	uint64_t mono; /* when it was held, for the timeout */
	uint32_t pid;
	uint32_t proto;
	uint16_t port;
	char addr[64];
	struct rec_held *next;
};

struct rec_loss_names {
	const char *where;
	bool is_loss;
};

/* The load-time knobs of common.bpf.h, written into each skeleton's rodata. */
struct rec_knobs {
	uint64_t cgid;
	uint32_t level;
	uint64_t ns_dev;
	uint64_t ns_ino;
	uint32_t flow_bytes;
};

#define REC_SET_RODATA(skel, c)                                       \
	do {                                                          \
		(skel)->rodata->cfg_cgid = (c).cgid;                  \
		(skel)->rodata->cfg_cg_level = (c).level;             \
		(skel)->rodata->cfg_pidns_dev = (c).ns_dev;           \
		(skel)->rodata->cfg_pidns_ino = (uint32_t)(c).ns_ino; \
		(skel)->rodata->cfg_flow_bytes = (c).flow_bytes;      \
	} while (0)

/* The recorder; record.c owns the lifecycle, the others read and write their parts. */
struct record {
	struct record_config cfg;
	struct sandbox *sb;
	struct loop *loop;
	struct trace_writer *w;

	/* bpf */
	struct proc_bpf *proc;
	struct file_bpf *file;
	struct net_bpf *net;
	struct wire_bpf *wire;
	struct tls_bpf *tls;
	struct bpf_link **links;
	size_t n_links, cap_links;
	struct ring_buffer *rb_crit, *rb_data;
	int timer_fd;
	int ncpu;
	struct rec_knobs knobs; /* every object's load-time knobs */
	uint64_t loss_seen[16];
	uint64_t user_lost; /* records the drain could not queue (memory, batch bound) */
	uint64_t bad_records; /* records that failed the size/type checks or could not be decoded */

	/* the batch being drained, sorted by time before processing */
	void **batch;
	size_t n_batch, cap_batch;
	size_t batch_bytes;
	bool batch_full;

	/* tables */
	struct rmap procs; /* ns pid -> rec_proc */
	struct rmap host_pids; /* host tgid -> rec_proc (borrowed) */
	struct rmap inodes; /* (dev << 40) ^ ino -> char *path: directories and files seen */
	struct rmap written; /* (dev << 40) ^ ino -> (void *)1: files written during the run */
	struct rmap written_paths; /* path -> (void *)1 */
	struct rmap flows; /* cookie -> rec_flow */
	struct rmap accepts; /* hash of "peer|port|lport" -> pid that accepted it */
	struct rec_held *held_connect, *held_send;
	char **honey_paths; /* honey files (paths inside) */
	size_t n_honey, cap_honey;

	/* fanotify and the inventory (rec_fs.c) */
	int fan_fd; /* classic: open on honey files, modify/close_write on mounts */
	int fan_fid_fd; /* FID: create/delete/moved_to on the writable file systems */
	int *fid_mount_fds; /* one fd per marked tmpfs, for open_by_handle_at */
	size_t n_fid_mounts, cap_fid_mounts;
	void *fs_priv;
	void *tls_priv;
	struct rmap baseline; /* path -> struct rec_base: writable files before the run */

	/* stats */
	uint64_t events;
	uint64_t lost;
	bool finished;
};

#define REC_DRAIN_NS (50ull * 1000 * 1000)
/* A sendmsg hook waits this long for its datagram (to know its size)... */
#define REC_HOLD_NS (500ull * 1000 * 1000)
/* ... a connect hook for its syscall's result (a blocking connect to a silent host is slow). */
#define REC_HOLD_CONNECT_NS (30ull * 1000 * 1000 * 1000)

/* record.c: gives obj the maps every object shares (the proc skeleton's); 0 or < 0 */
int rec_share_maps(struct record *r, struct bpf_object *obj);

/* rec_events.c */
int rec_handle(struct record *r, const void *data, size_t len);
/* Emits held connects/sends older than their hold time (all of them when all is set). */
void rec_flush_held(struct record *r, bool all);
/* Writes the bytes of every stream not yet written (gaps included) at the end of the run. */
void rec_flush_flows(struct record *r);
void rec_tables_free(struct record *r);
long rec_emit(struct record *r, const char *kind, uint64_t t, uint32_t pid, json_t *fields);
struct rec_proc *rec_proc_get(struct record *r, uint32_t pid, uint32_t host_pid);
/* The sandbox pid of a host tgid (0 when the process is not known to the run). */
uint32_t rec_pid_of_host(struct record *r, uint32_t host_pid);
/* Normalizes an absolute path in place: "//", "/./" and "/../" removed. */
void rec_path_normalize(char *p);
/* base + "/" + rel, normalized, into a new string; rel absolute: rel alone. */
char *rec_path_join(const char *base, const char *rel, size_t rel_len);

/* rec_fs.c */
int rec_fs_init(struct record *r, struct error *err);
void rec_fs_drain(struct record *r);
int rec_fs_inventory(struct record *r);
void rec_fs_free(struct record *r);

/* rec_tls.c */
int rec_tls_init(struct record *r, struct error *err);
/* On the drain timer: probes the OpenSSL files run processes mapped since the last scan. */
void rec_tls_scan(struct record *r);
void rec_tls_free(struct record *r);

/* Keeps a new link (NULL: the attach failed, errno says why) for record_free() to destroy. */
int rec_add_link(struct record *r, struct bpf_link *l);

#endif
