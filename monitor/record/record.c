/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * record: see record.h. This file owns the lifecycle: it opens the skeletons of bpf/, points
 * them at the run's cgroup and pid namespace, shares the rings, loss counters and pairing map
 * between them, attaches them, and drains both rings on a loop timer (the programs submit
 * without wakeup). Each drain copies every available record of both rings, sorts them by
 * kernel time, and hands them to rec_events.c in that order, so that the critical ring (exec,
 * connect, honey opens) and the data ring interleave as they happened.
 */
#include "record/record.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "events.h"
#include "file.skel.h"
#include "net.skel.h"
#include "proc.skel.h"
#include "record/rec_internal.h"
#include "record/trace.h"
#include "sandbox/sandbox.h"
#include "util/log.h"
#include "util/loop.h"
#include "wire.skel.h"

#define CRIT_RING_BYTES (1u << 20)
#define BATCH_MAX_BYTES (256u << 20)

static const struct rec_loss_names loss_names[LOSS_MAX] = {
	[LOSS_RING_CRIT] = {"ringbuf_critical_full", true},
	[LOSS_RING_DATA] = {"ringbuf_data_full", true},
	[LOSS_PENDING_FULL] = {"syscall_map_full", true},
	[LOSS_FLOW_FULL] = {"flow_map_full", true},
	[LOSS_PATH_TRUNC] = {"path_truncated", true},
	[LOSS_READ_FAIL] = {"user_memory_unreadable", true},
	[LOSS_SKB_LOAD] = {"packet_bytes_unreadable", true},
	[LOSS_ARGV_TRUNC] = {"argv_truncated", false},
};

static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	/* libbpf's messages (verifier logs included) only with -v: they are for developers */
	if (log_get_level() < LOG_DEBUG)
		return 0;
	fputs("conduct: libbpf: ", stderr);
	return vfprintf(stderr, fmt, ap);
}

/* Level of the cgroup behind fd in the v2 hierarchy (root = 0), from its path. */
static int cgroup_level(int cgfd, uint32_t *ret)
{
	char link[64], path[PATH_MAX], line[4096], mnt[PATH_MAX] = "", root[PATH_MAX] = "";
	_cleanup_fclose_ FILE *f = NULL;
	const char *rel;
	uint32_t level = 0;
	ssize_t n;
	size_t ml;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", cgfd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n < 0)
		return -errno;
	path[n] = '\0';
	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char r[PATH_MAX], m[PATH_MAX];
		const char *dash = strstr(line, " - ");

		if (!dash || strncmp(dash, " - cgroup2 ", 11) != 0)
			continue;
		if (sscanf(line, "%*s %*s %*s %4095s %4095s", r, m) != 2)
			continue;
		ml = strlen(m);
		if (strncmp(path, m, ml) == 0 && (path[ml] == '/' || path[ml] == '\0') &&
		    ml >= strlen(mnt)) {
			snprintf(mnt, sizeof(mnt), "%s", m);
			snprintf(root, sizeof(root), "%s", r);
		}
	}
	if (!mnt[0])
		return -ENOENT;
	for (rel = root; *rel; rel++)
		if (*rel == '/' && rel[1] && rel[1] != '/')
			level++;
	for (rel = path + strlen(mnt); *rel; rel++)
		if (*rel == '/' && rel[1] && rel[1] != '/')
			level++;
	*ret = level;
	return 0;
}

int rec_add_link(struct record *r, struct bpf_link *l)
{
	int e;

	if (!l)
		return -errno;
	e = array_grow((void **)&r->links, &r->cap_links, r->n_links + 1, sizeof(*r->links));
	if (e < 0) {
		bpf_link__destroy(l);
		return e;
	}
	r->links[r->n_links++] = l;
	return 0;
}

struct batch_item {
	size_t len;
	size_t seq;
};

static int on_record(void *ctx, void *data, size_t len)
{
	struct record *r = ctx;
	void *copy;

	if (r->batch_full || r->batch_bytes + len > BATCH_MAX_BYTES ||
	    array_grow((void **)&r->batch, &r->cap_batch, r->n_batch + 1, sizeof(*r->batch)) < 0) {
		r->batch_full = true;
		r->user_lost++;
		return 0;
	}
	copy = malloc(len + sizeof(struct batch_item));
	if (!copy) {
		r->user_lost++;
		return 0;
	}
	((struct batch_item *)copy)->len = len;
	((struct batch_item *)copy)->seq = r->n_batch;
	memcpy((char *)copy + sizeof(struct batch_item), data, len);
	r->batch[r->n_batch++] = copy;
	r->batch_bytes += len;
	return 0;
}

static uint64_t rec_ts(const void *p)
{
	const struct ev_hdr *h = (const void *)((const char *)p + sizeof(struct batch_item));

	return ((const struct batch_item *)p)->len >= sizeof(*h) ? h->ts_ns : 0;
}

static int cmp_ts(const void *a, const void *b)
{
	const void *pa = *(void *const *)a, *pb = *(void *const *)b;
	uint64_t x = rec_ts(pa), y = rec_ts(pb);
	size_t sa = ((const struct batch_item *)pa)->seq, sb = ((const struct batch_item *)pb)->seq;

	if (x != y)
		return x < y ? -1 : 1;
	return sa < sb ? -1 : sa > sb; /* equal times keep ring order */
}

static void emit_losses(struct record *r)
{
	uint64_t vals[LOSS_MAX] = {0};
	uint64_t *percpu;
	uint32_t k;
	int c;

	percpu = calloc((size_t)r->ncpu, sizeof(uint64_t));
	if (!percpu)
		return;
	for (k = 0; k < LOSS_MAX; k++) {
		if (bpf_map__lookup_elem(r->proc->maps.losses, &k, sizeof(k), percpu,
					 sizeof(uint64_t) * (size_t)r->ncpu, 0) < 0)
			continue;
		for (c = 0; c < r->ncpu; c++)
			vals[k] += percpu[c];
	}
	free(percpu);
	for (k = 0; k < LOSS_MAX; k++) {
		uint64_t d = vals[k] - r->loss_seen[k];
		json_t *f;

		if (!d)
			continue;
		r->loss_seen[k] = vals[k];
		if (!loss_names[k].is_loss)
			continue;
		r->lost += d;
		f = json_pack("{s:I,s:s}", "lost", (json_int_t)d, "where", loss_names[k].where);
		rec_emit(r, "monitor.loss", trace_now(r->w), 0, f);
	}
	if (r->user_lost) {
		json_t *f = json_pack("{s:I,s:s}", "lost", (json_int_t)r->user_lost, "where",
				      "monitor_queue");

		r->lost += r->user_lost;
		r->user_lost = 0;
		rec_emit(r, "monitor.loss", trace_now(r->w), 0, f);
	}
	if (r->bad_records) {
		/* malformed, or not decodable for want of memory: never silently skipped */
		json_t *f = json_pack("{s:I,s:s}", "lost", (json_int_t)r->bad_records, "where",
				      "bad_record");

		r->lost += r->bad_records;
		r->bad_records = 0;
		rec_emit(r, "monitor.loss", trace_now(r->w), 0, f);
	}
}

/* One drain: both rings into the batch, sorted by time, handled, then the loss counters. */
static void drain(struct record *r)
{
	size_t i;

	ring_buffer__consume(r->rb_crit);
	ring_buffer__consume(r->rb_data);
	if (r->n_batch > 1)
		qsort(r->batch, r->n_batch, sizeof(*r->batch), cmp_ts);
	for (i = 0; i < r->n_batch; i++) {
		size_t len = ((struct batch_item *)r->batch[i])->len;

		if (rec_handle(r, (char *)r->batch[i] + sizeof(struct batch_item), len) < 0)
			r->bad_records++;
		free(r->batch[i]);
	}
	r->n_batch = 0;
	r->batch_bytes = 0;
	r->batch_full = false;
	rec_flush_held(r, false);
	rec_fs_drain(r);
	if (r->cfg.tls_plaintext)
		rec_tls_scan(r);
	emit_losses(r);
}

static int on_timer(void *ctx, int fd, uint32_t events)
{
	struct record *r = ctx;
	uint64_t ticks;

	if (read(fd, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
		return 0;
	drain(r);
	return 0;
}

static uint32_t round_ring(uint32_t bytes)
{
	uint32_t v = 4096;

	while (v < bytes && v < (1u << 30))
		v <<= 1;
	return v;
}

static const char *const shared_maps[] = {
	"ring_crit", "ring_data", "losses", "pending", "tls_cur", "ssl_cookie",
};

int rec_share_maps(struct record *r, struct bpf_object *obj)
{
	size_t i;
	int e;

	for (i = 0; i < ARRAY_SIZE(shared_maps); i++) {
		struct bpf_map *m = bpf_object__find_map_by_name(obj, shared_maps[i]);
		struct bpf_map *src = bpf_object__find_map_by_name(r->proc->obj, shared_maps[i]);

		if (!m || !src)
			return -ENOENT;
		e = bpf_map__reuse_fd(m, bpf_map__fd(src));
		if (e)
			return e;
	}
	return 0;
}

/* Kernel dev_t (MKDEV: major << 20 | minor) of a user-space st_dev. */
static uint32_t kdev(dev_t d)
{
	return (uint32_t)((major(d) << 20) | minor(d));
}

static int fill_honey(struct record *r)
{
	json_t *canaries = sandbox_canaries(r->sb), *c;
	int root = sandbox_root_fd(r->sb);
	size_t i;
	int n = 0;

	if (!canaries)
		return 0;
	json_array_foreach (canaries, i, c) {
		const char *where = json_string_value(json_object_get(c, "where"));
		struct honey_key k = {0};
		struct stat st;
		uint8_t one = 1;
		size_t j;
		bool dup = false;

		if (!where || strncmp(where, "file:", 5) != 0 || where[5] != '/')
			continue;
		for (j = 0; j < r->n_honey; j++)
			if (strcmp(r->honey_paths[j], where + 5) == 0)
				dup = true;
		if (dup)
			continue;
		if (array_grow((void **)&r->honey_paths, &r->cap_honey, r->n_honey + 1,
			       sizeof(char *)) < 0)
			break;
		r->honey_paths[r->n_honey] = strdup(where + 5);
		if (!r->honey_paths[r->n_honey])
			break;
		r->n_honey++;
		if (root < 0 || fstatat(root, where + 6, &st, 0) < 0) {
			log_debug("honey file '%s' not reachable: %s", where + 5, strerror(errno));
			continue;
		}
		k.ino = st.st_ino;
		k.dev = kdev(st.st_dev);
		if (bpf_map__update_elem(r->file->maps.honey, &k, sizeof(k), &one, sizeof(one),
					 0) == 0)
			n++;
	}
	json_decref(canaries);
	return n;
}

int record_new(const struct record_config *cfg, struct sandbox *sb, struct loop *loop,
	       struct trace_writer *w, struct record **ret, struct error *err)
{
	struct record *r;
	struct rec_knobs k = {0};
	int cgfd, e;
	uint32_t ring;

	libbpf_set_print(libbpf_log);
	r = calloc(1, sizeof(*r));
	if (!r)
		return error_set(err, ENOMEM, 0, 0, "out of memory");
	r->cfg = *cfg;
	if (!r->cfg.flow_bytes)
		r->cfg.flow_bytes = 16384;
	if (r->cfg.flow_bytes > (64u << 20))
		r->cfg.flow_bytes = 64u << 20;
	if (!r->cfg.ringbuf_bytes)
		r->cfg.ringbuf_bytes = 8u << 20;
	r->sb = sb;
	r->loop = loop;
	r->w = w;
	r->timer_fd = -1;
	r->fan_fd = -1;
	r->fan_fid_fd = -1;
	r->ncpu = libbpf_num_possible_cpus();
	if (r->ncpu <= 0) {
		e = error_set(err, EINVAL, 0, 0, "cannot count the possible CPUs");
		goto fail;
	}

	cgfd = sandbox_cgroup_fd(sb);
	k.cgid = sandbox_cgroup_id(sb);
	if (cgfd < 0 || !k.cgid) {
		e = error_set(err, EINVAL, 0, 0, "the sandbox has no cgroup v2 leaf to scope to");
		goto fail;
	}
	e = cgroup_level(cgfd, &k.level);
	if (e < 0) {
		e = error_set(err, -e, 0, 0, "cannot find the run's cgroup in the v2 hierarchy: %s",
			      strerror(-e));
		goto fail;
	}
	e = sandbox_pidns(sb, &k.ns_dev, &k.ns_ino);
	if (e < 0) {
		e = error_set(err, -e, 0, 0, "cannot identify the run's pid namespace: %s",
			      strerror(-e));
		goto fail;
	}
	k.flow_bytes = r->cfg.flow_bytes;
	ring = round_ring(r->cfg.ringbuf_bytes);

	r->proc = proc_bpf__open();
	r->file = file_bpf__open();
	r->net = net_bpf__open();
	r->wire = wire_bpf__open();
	if (!r->proc || !r->file || !r->net || !r->wire) {
		e = error_set(err, errno ? errno : EINVAL, 0, 0,
			      "cannot open the eBPF programs: %s", strerror(errno));
		goto fail;
	}
	REC_SET_RODATA(r->proc, k);
	REC_SET_RODATA(r->file, k);
	REC_SET_RODATA(r->net, k);
	REC_SET_RODATA(r->wire, k);
	r->file->rodata->cfg_has_honey = 1;
	r->file->rodata->cfg_tls = r->cfg.tls_plaintext;
	if (bpf_map__set_max_entries(r->proc->maps.ring_data, ring) ||
	    bpf_map__set_max_entries(r->proc->maps.ring_crit, CRIT_RING_BYTES)) {
		e = error_set(err, EINVAL, 0, 0, "cannot size the ring buffers");
		goto fail;
	}
	e = proc_bpf__load(r->proc);
	if (e) {
		e = error_set(err, -e, 0, 0,
			      "cannot load the process tracepoints (tp_btf sched_process_*; "
			      "needs BTF and CAP_BPF+CAP_PERFMON): %s",
			      strerror(-e));
		goto fail;
	}
	r->knobs = k;
	if (r->proc->rodata->cfg_abi != EV_ABI_VERSION) {
		e = error_set(err, EPROTO, 0, 0, "eBPF event ABI %u, monitor expects %u",
			      r->proc->rodata->cfg_abi, EV_ABI_VERSION);
		goto fail;
	}
	if (rec_share_maps(r, r->file->obj) || rec_share_maps(r, r->net->obj) ||
	    rec_share_maps(r, r->wire->obj)) {
		e = error_set(err, errno ? errno : EINVAL, 0, 0, "cannot share the ring buffers");
		goto fail;
	}
	e = file_bpf__load(r->file);
	if (e) {
		e = error_set(err, -e, 0, 0,
			      "cannot load the syscall tracepoints (tp_btf sys_enter/sys_exit): %s",
			      strerror(-e));
		goto fail;
	}
	e = net_bpf__load(r->net);
	if (e) {
		e = error_set(err, -e, 0, 0,
			      "cannot load the cgroup/connect and cgroup/sendmsg programs: %s",
			      strerror(-e));
		goto fail;
	}
	e = wire_bpf__load(r->wire);
	if (e) {
		e = error_set(err, -e, 0, 0, "cannot load the cgroup_skb programs: %s",
			      strerror(-e));
		goto fail;
	}
	fill_honey(r);

	r->rb_crit = ring_buffer__new(bpf_map__fd(r->proc->maps.ring_crit), on_record, r, NULL);
	r->rb_data = ring_buffer__new(bpf_map__fd(r->proc->maps.ring_data), on_record, r, NULL);
	if (!r->rb_crit || !r->rb_data) {
		e = error_set(err, errno ? errno : ENOMEM, 0, 0, "cannot map the ring buffers: %s",
			      strerror(errno));
		goto fail;
	}

	/* cgroup programs first: no connect may pass unseen once processes are traced */
	if ((e = rec_add_link(r, bpf_program__attach_cgroup(r->net->progs.handle_connect4, cgfd))) ||
	    (e = rec_add_link(r, bpf_program__attach_cgroup(r->net->progs.handle_connect6, cgfd))) ||
	    (e = rec_add_link(r, bpf_program__attach_cgroup(r->net->progs.handle_sendmsg4, cgfd))) ||
	    (e = rec_add_link(r, bpf_program__attach_cgroup(r->net->progs.handle_sendmsg6, cgfd)))) {
		e = error_set(
			err, -e, 0, 0,
			"cannot attach cgroup/connect and cgroup/sendmsg to the run's cgroup: %s",
			strerror(-e));
		goto fail;
	}
	if ((e = rec_add_link(r, bpf_program__attach_cgroup(r->wire->progs.handle_skb_egress, cgfd))) ||
	    (e = rec_add_link(r,
			  bpf_program__attach_cgroup(r->wire->progs.handle_skb_ingress, cgfd)))) {
		e = error_set(err, -e, 0, 0, "cannot attach cgroup_skb to the run's cgroup: %s",
			      strerror(-e));
		goto fail;
	}
	e = file_bpf__attach(r->file);
	if (!e)
		e = proc_bpf__attach(r->proc);
	if (e) {
		e = error_set(err, -e, 0, 0, "cannot attach the tracepoints: %s", strerror(-e));
		goto fail;
	}
	e = rec_fs_init(r, err);
	if (e < 0)
		goto fail;
	if (r->cfg.tls_plaintext) {
		e = rec_tls_init(r, err);
		if (e < 0)
			goto fail;
	}
	e = loop_add_timer(loop, REC_DRAIN_NS, REC_DRAIN_NS, on_timer, r);
	if (e < 0) {
		e = error_set(err, -e, 0, 0, "cannot arm the drain timer: %s", strerror(-e));
		goto fail;
	}
	r->timer_fd = e;
	*ret = r;
	return 0;
fail:
	record_free(r);
	return e < 0 ? e : -EINVAL;
}

void record_stats(const struct record *r, struct record_stats *ret)
{
	ret->events = r->events;
	ret->flows = r->flows.n;
	ret->lost = r->lost;
}

int record_finish(struct record *r)
{
	int e;

	if (!r || r->finished)
		return 0;
	r->finished = true;
	if (r->timer_fd >= 0) {
		loop_del_timer(r->loop, r->timer_fd);
		r->timer_fd = -1;
	}
	drain(r);
	drain(r);
	rec_flush_held(r, true);
	rec_flush_flows(r);
	rec_fs_drain(r);
	e = rec_fs_inventory(r);
	emit_losses(r);
	return e;
}

void record_free(struct record *r)
{
	size_t i;

	if (!r)
		return;
	if (r->timer_fd >= 0)
		loop_del_timer(r->loop, r->timer_fd);
	for (i = 0; i < r->n_links; i++)
		bpf_link__destroy(r->links[i]);
	free(r->links);
	rec_tls_free(r);
	rec_fs_free(r);
	ring_buffer__free(r->rb_crit);
	ring_buffer__free(r->rb_data);
	wire_bpf__destroy(r->wire);
	net_bpf__destroy(r->net);
	file_bpf__destroy(r->file);
	proc_bpf__destroy(r->proc);
	for (i = 0; i < r->n_batch; i++)
		free(r->batch[i]);
	free(r->batch);
	rec_tables_free(r);
	for (i = 0; i < r->n_honey; i++)
		free(r->honey_paths[i]);
	free(r->honey_paths);
	free(r);
}
