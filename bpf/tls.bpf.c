/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tls (--tls-plaintext): uprobes on OpenSSL's SSL_write/SSL_read (and the _ex variants) of
 * every libssl the run maps. The probes are attached by file, so they fire for every process
 * of the host using that file: the cgroup test comes first. The plaintext of each call (the
 * first cfg_flow_bytes per SSL * and direction) goes to the data ring; the flow comes from
 * ssl_cookie, filled by file.bpf.c when the call's read/write syscalls hit a socket.
 */
#include "common.bpf.h"

#define MAX_CHUNKS 16

struct tls_call {
	__u64 ssl;
	__u64 buf;
	__u64 len_ptr; /* _ex: where the library stores the byte count */
	__u32 dir;
	__u32 is_ex;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct tls_call);
} tls_calls SEC(".maps");

struct tls_budget {
	__u32 used[2];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct tls_budget);
} tls_budgets SEC(".maps");

struct tls_scratch {
	struct ev_tls_data ev;
	__u8 data[EV_CHUNK];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tls_scratch);
} tls_buf SEC(".maps");

static __always_inline int enter(__u64 ssl, __u64 buf, __u64 len_ptr, __u32 dir, __u32 is_ex)
{
	struct tls_call c = {
		.ssl = ssl, .buf = buf, .len_ptr = len_ptr, .dir = dir, .is_ex = is_ex};
	__u32 tid;

	if (!in_scope())
		return 0;
	tid = (__u32)bpf_get_current_pid_tgid();
	bpf_map_update_elem(&tls_calls, &tid, &c, BPF_ANY);
	bpf_map_update_elem(&tls_cur, &tid, &ssl, BPF_ANY);
	return 0;
}

struct chunk_ctx {
	struct tls_scratch *s;
	__u64 buf;
	__u32 want, done;
};

static int chunk(__u32 i, void *ctx)
{
	struct chunk_ctx *c = ctx;
	struct tls_scratch *s = c->s;
	__u64 n = 0;

	if (c->want > c->done)
		n = c->want - c->done;
	if (n > EV_CHUNK)
		n = EV_CHUNK;
	barrier_var(n);
	if (n < 1 || n > EV_CHUNK)
		return 1;
	if (bpf_probe_read_user(s->data, n, (void *)(c->buf + c->done))) {
		loss_inc(LOSS_READ_FAIL);
		return 1;
	}
	s->ev.hdr.ts_ns = bpf_ktime_get_ns();
	s->ev.data_len = n;
	s->ev.hdr.size = sizeof(s->ev) + n;
	emit_data(s, sizeof(s->ev) + n);
	c->done += n;
	return c->done >= c->want ? 1 : 0;
}

static __always_inline int leave(long ret)
{
	struct tls_scratch *s;
	struct tls_budget *b, nb = {};
	struct tls_call c, *cp;
	__u64 *cookie, bytes = 0;
	__u32 tid, zero = 0, want;

	if (!in_scope())
		return 0;
	tid = (__u32)bpf_get_current_pid_tgid();
	cp = bpf_map_lookup_elem(&tls_calls, &tid);
	if (!cp)
		return 0;
	c = *cp;
	bpf_map_delete_elem(&tls_calls, &tid);
	bpf_map_delete_elem(&tls_cur, &tid);
	if (c.is_ex) {
		if (ret != 1 || !c.len_ptr ||
		    bpf_probe_read_user(&bytes, sizeof(bytes), (void *)c.len_ptr))
			return 0;
	} else {
		if (ret <= 0)
			return 0;
		bytes = ret;
	}
	b = bpf_map_lookup_elem(&tls_budgets, &c.ssl);
	if (!b) {
		bpf_map_update_elem(&tls_budgets, &c.ssl, &nb, BPF_ANY);
		b = bpf_map_lookup_elem(&tls_budgets, &c.ssl);
		if (!b)
			return 0;
	}
	if (b->used[c.dir & 1] >= cfg_flow_bytes)
		return 0;
	want = cfg_flow_bytes - b->used[c.dir & 1];
	if (bytes < want)
		want = bytes;
	b->used[c.dir & 1] += want;
	s = bpf_map_lookup_elem(&tls_buf, &zero);
	if (!s)
		return 0;
	fill_hdr(&s->ev.hdr, EV_TLS_DATA, 0);
	s->ev.ssl = c.ssl;
	s->ev.total = bytes > 0xffffffffull ? 0xffffffffu : (__u32)bytes;
	s->ev.dir = c.dir;
	s->ev.pad0 = 0;
	cookie = bpf_map_lookup_elem(&ssl_cookie, &c.ssl);
	s->ev.cookie = cookie ? *cookie : 0;
	{
		struct chunk_ctx cc = {.s = s, .buf = c.buf, .want = want};
		__u32 chunks = (want + EV_CHUNK - 1) / EV_CHUNK;

		bpf_loop(chunks > MAX_CHUNKS ? MAX_CHUNKS : chunks, chunk, &cc, 0);
	}
	return 0;
}

SEC("uprobe")
int BPF_KPROBE(handle_ssl_write, void *ssl, const void *buf, int num)
{
	return enter((__u64)ssl, (__u64)buf, 0, DIR_OUT, 0);
}

SEC("uretprobe")
int BPF_KRETPROBE(handle_ssl_write_ret, int ret)
{
	return leave(ret);
}

SEC("uprobe")
int BPF_KPROBE(handle_ssl_read, void *ssl, void *buf, int num)
{
	return enter((__u64)ssl, (__u64)buf, 0, DIR_IN, 0);
}

SEC("uretprobe")
int BPF_KRETPROBE(handle_ssl_read_ret, int ret)
{
	return leave(ret);
}

SEC("uprobe")
int BPF_KPROBE(handle_ssl_write_ex, void *ssl, const void *buf, __u64 num, __u64 *written)
{
	return enter((__u64)ssl, (__u64)buf, (__u64)written, DIR_OUT, 1);
}

SEC("uprobe")
int BPF_KPROBE(handle_ssl_read_ex, void *ssl, void *buf, __u64 num, __u64 *readbytes)
{
	return enter((__u64)ssl, (__u64)buf, (__u64)readbytes, DIR_IN, 1);
}
