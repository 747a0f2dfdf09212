/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * net: cgroup/connect4|6 and cgroup/sendmsg4|6 on the run's cgroup. The address is the one
 * the kernel is about to use (from the socket-address context, after the copy from user
 * memory), so a thread rewriting the sockaddr buffer cannot make the record lie; the hooks
 * also run for connects the syscall tracepoints never see. Observe only: always allow.
 * The connect hook leaves the socket cookie in the caller's pending entry, so the syscall
 * exit (file.bpf.c) can report the result of the same connect.
 */
#include "common.bpf.h"

static __always_inline void net_hdr(struct ev_hdr *h, __u32 type, __u32 size)
{
	struct bpf_pidns_info ns = {};
	__u64 id = bpf_get_current_pid_tgid();

	h->ts_ns = bpf_ktime_get_ns();
	h->type = type;
	h->size = size;
	h->host_pid = id >> 32;
	h->host_tid = (__u32)id;
	h->pid = 0;
	h->tid = 0;
	if (cfg_pidns_dev &&
	    bpf_get_ns_current_pid_tgid(cfg_pidns_dev, cfg_pidns_ino, &ns, sizeof(ns)) == 0) {
		h->pid = ns.tgid;
		h->tid = ns.pid;
	}
}

static __always_inline int sock_event(struct bpf_sock_addr *ctx, __u32 type, bool v6)
{
	struct ev_net ev;
	__u32 tid;

	__builtin_memset(&ev, 0, sizeof(ev));
	net_hdr(&ev.hdr, type, sizeof(ev));
	ev.cookie = bpf_get_socket_cookie(ctx);
	if (v6) {
		ev.family = AF_INET6;
		__builtin_memcpy(&ev.addr[0], &ctx->user_ip6[0], 4);
		__builtin_memcpy(&ev.addr[4], &ctx->user_ip6[1], 4);
		__builtin_memcpy(&ev.addr[8], &ctx->user_ip6[2], 4);
		__builtin_memcpy(&ev.addr[12], &ctx->user_ip6[3], 4);
	} else {
		__u32 a = ctx->user_ip4;

		ev.family = AF_INET;
		__builtin_memcpy(ev.addr, &a, 4);
	}
	ev.port = bpf_ntohs((__u16)ctx->user_port);
	ev.type = ctx->type;
	ev.proto = ctx->protocol;
	if (type == EV_NET_CONNECT) {
		struct pending *p;

		tid = (__u32)bpf_get_current_pid_tgid();
		p = bpf_map_lookup_elem(&pending, &tid);
		if (p)
			p->cookie = ev.cookie;
	}
	emit_crit(&ev, sizeof(ev));
	return 1;
}

SEC("cgroup/connect4")
int handle_connect4(struct bpf_sock_addr *ctx)
{
	return sock_event(ctx, EV_NET_CONNECT, false);
}

SEC("cgroup/connect6")
int handle_connect6(struct bpf_sock_addr *ctx)
{
	return sock_event(ctx, EV_NET_CONNECT, true);
}

SEC("cgroup/sendmsg4")
int handle_sendmsg4(struct bpf_sock_addr *ctx)
{
	return sock_event(ctx, EV_NET_SEND, false);
}

SEC("cgroup/sendmsg6")
int handle_sendmsg6(struct bpf_sock_addr *ctx)
{
	return sock_event(ctx, EV_NET_SEND, true);
}
