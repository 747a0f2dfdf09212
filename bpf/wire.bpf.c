/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * wire: cgroup_skb egress and ingress on the run's cgroup. Captures the first cfg_flow_bytes
 * of each TCP stream per direction (offsets relative to the SYN's sequence number, so user
 * space reassembles in order and drops retransmissions), every UDP datagram's length and its
 * first bytes within the same budget per socket and direction, and DNS (port 53) whole.
 * Packets are never dropped or changed: both programs return 1.
 */
#include "common.bpf.h"

#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define DNS_BUDGET (1u << 20)
#define MAX_CHUNKS 16

struct flow {
	__u32 isn[2]; /* initial sequence number per direction */
	__u32 udp_bytes[2]; /* UDP bytes captured per direction */
	__u8 have_isn[2];
	__u8 guessed[2];
	__u8 fin[2]; /* FIN seen per direction: the state goes once both are */
	__u16 pad;
};

struct {
	/* not LRU: an evicted flow would silently restart its offsets; a full map is a loss */
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 262144);
	__type(key, __u64);
	__type(value, struct flow);
} flows SEC(".maps");

struct data_scratch {
	struct ev_net_data ev;
	__u8 data[EV_CHUNK];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct data_scratch);
} data_buf SEC(".maps");

struct l4 {
	__u8 addr[16]; /* peer */
	__u32 family;
	__u32 proto;
	__u32 off; /* payload offset in the packet */
	__u32 len; /* payload length */
	__u32 seq;
	__u16 port; /* peer */
	__u16 lport;
	__u8 tcp_flags;
};

static __always_inline int parse(struct __sk_buff *skb, __u8 dir, struct l4 *l)
{
	__u32 l3len, proto;
	__u16 ports[2];

	if (skb->protocol == bpf_htons(ETH_P_IP)) {
		struct iphdr ip;

		if (bpf_skb_load_bytes(skb, 0, &ip, sizeof(ip)))
			return -1;
		if (ip.frag_off & bpf_htons(0x1fff)) /* later fragments carry no ports */
			return -1;
		l3len = ip.ihl * 4;
		proto = ip.protocol;
		l->family = AF_INET;
		__builtin_memcpy(l->addr, dir == DIR_OUT ? &ip.daddr : &ip.saddr, 4);
	} else if (skb->protocol == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr ip6;

		if (bpf_skb_load_bytes(skb, 0, &ip6, sizeof(ip6)))
			return -1;
		l3len = sizeof(ip6);
		proto = ip6.nexthdr; /* extension headers are not followed */
		l->family = AF_INET6;
		__builtin_memcpy(l->addr, dir == DIR_OUT ? &ip6.daddr : &ip6.saddr, 16);
	} else {
		return -1;
	}
	l->proto = proto;
	if (bpf_skb_load_bytes(skb, l3len, ports, sizeof(ports)))
		return -1;
	l->port = bpf_ntohs(dir == DIR_OUT ? ports[1] : ports[0]);
	l->lport = bpf_ntohs(dir == DIR_OUT ? ports[0] : ports[1]);
	if (proto == IPPROTO_TCP) {
		struct tcphdr th;

		if (bpf_skb_load_bytes(skb, l3len, &th, sizeof(th)))
			return -1;
		l->off = l3len + th.doff * 4;
		l->seq = bpf_ntohl(th.seq);
		l->tcp_flags =
			(th.syn ? ND_SYN : 0) | (th.fin ? ND_FIN : 0) | (th.rst ? ND_RST : 0);
	} else if (proto == IPPROTO_UDP) {
		l->off = l3len + 8;
	} else {
		return -1;
	}
	l->len = skb->len > l->off ? skb->len - l->off : 0;
	return 0;
}

struct chunk_ctx {
	struct __sk_buff *skb;
	struct data_scratch *s;
	__u32 want, done, rel, seq, off;
};

/* One EV_NET_DATA record of up to EV_CHUNK bytes from the packet (bpf_loop callback). */
static int chunk(__u32 i, void *ctx)
{
	struct chunk_ctx *c = ctx;
	struct data_scratch *s = c->s;
	__u64 n = 0;
	__u32 dl = 0;

	if (c->want > c->done)
		n = c->want - c->done;
	if (n > EV_CHUNK)
		n = EV_CHUNK;
	barrier_var(n);
	s->ev.hdr.ts_ns = bpf_ktime_get_ns();
	s->ev.rel_off = c->rel + c->done;
	s->ev.seq = c->seq + c->done;
	if (n >= 1 && n <= EV_CHUNK) {
		if (bpf_skb_load_bytes(c->skb, c->off + c->done, s->data, n)) {
			loss_inc(LOSS_SKB_LOAD);
			return 1;
		}
		dl = n;
	}
	s->ev.data_len = dl;
	s->ev.hdr.size = sizeof(s->ev) + dl;
	emit_data(s, sizeof(s->ev) + dl);
	c->done += dl;
	return c->done >= c->want ? 1 : 0;
}

/* A FIN in each direction, or a RST, ends the flow's state: the map holds open flows only. */
static __always_inline void flow_closing(__u64 cookie, __u8 dir, __u8 tcp_flags)
{
	struct flow *f = bpf_map_lookup_elem(&flows, &cookie);

	if (!f)
		return;
	if (!(tcp_flags & ND_RST)) {
		f->fin[dir & 1] = 1;
		if (!f->fin[0] || !f->fin[1])
			return;
	}
	bpf_map_delete_elem(&flows, &cookie);
}

static __always_inline int capture(struct __sk_buff *skb, __u8 dir)
{
	struct data_scratch *s;
	struct flow *f, nf = {};
	struct l4 l = {};
	__u64 cookie;
	__u32 zero = 0, rel = 0, want, budget;
	__u8 flags = 0;
	bool dns;

	if (parse(skb, dir, &l))
		return 1;
	cookie = bpf_get_socket_cookie(skb);
	if (l.proto == IPPROTO_TCP && !l.len && !(l.tcp_flags & ND_SYN)) {
		if (l.tcp_flags & (ND_FIN | ND_RST))
			flow_closing(cookie, dir, l.tcp_flags);
		return 1;
	}
	f = bpf_map_lookup_elem(&flows, &cookie);
	if (!f) {
		/* NOEXIST: a flow another CPU just made keeps its state */
		bpf_map_update_elem(&flows, &cookie, &nf, BPF_NOEXIST);
		f = bpf_map_lookup_elem(&flows, &cookie);
		if (!f) {
			loss_inc(LOSS_FLOW_FULL);
			return 1;
		}
	}
	dns = l.port == 53 || l.lport == 53;
	budget = dns ? DNS_BUDGET : cfg_flow_bytes;
	if (dns)
		flags |= ND_DNS;
	if (l.proto == IPPROTO_TCP) {
		if (l.tcp_flags & ND_SYN) {
			f->isn[dir & 1] = l.seq;
			f->have_isn[dir & 1] = 1;
			f->guessed[dir & 1] = 0;
			if (!l.len)
				return 1;
			l.seq += 1; /* data in a SYN (TCP Fast Open) follows the SYN's number */
		}
		if (!f->have_isn[dir & 1]) {
			f->isn[dir & 1] = l.seq - 1;
			f->have_isn[dir & 1] = 1;
			f->guessed[dir & 1] = 1;
		}
		if (f->guessed[dir & 1])
			flags |= ND_ISN_GUESS;
		rel = l.seq - f->isn[dir & 1] - 1;
		if (rel >= budget)
			return 1;
		want = l.len;
		if (want > budget - rel)
			want = budget - rel;
	} else {
		__u32 used = f->udp_bytes[dir & 1];

		want = l.len;
		if (!dns) {
			if (used >= budget)
				want = 0;
			else if (want > budget - used)
				want = budget - used;
			f->udp_bytes[dir & 1] = used + want;
		}
	}
	flags |= l.tcp_flags;
	s = bpf_map_lookup_elem(&data_buf, &zero);
	if (!s)
		return 1;
	s->ev.hdr.type = EV_NET_DATA;
	s->ev.hdr.pid = 0;
	s->ev.hdr.tid = 0;
	s->ev.hdr.host_pid = 0;
	s->ev.hdr.host_tid = 0;
	s->ev.cookie = cookie;
	__builtin_memcpy(s->ev.addr, l.addr, 16);
	s->ev.total = l.len;
	s->ev.family = l.family;
	s->ev.proto = l.proto;
	s->ev.port = l.port;
	s->ev.lport = l.lport;
	s->ev.dir = dir;
	s->ev.flags = flags;
	s->ev.pad0 = 0;
	{
		struct chunk_ctx c = {
			.skb = skb,
			.s = s,
			.want = want,
			.rel = rel,
			.seq = l.seq,
			.off = l.off,
		};
		__u32 chunks = want ? (want + EV_CHUNK - 1) / EV_CHUNK : 1;

		bpf_loop(chunks > MAX_CHUNKS ? MAX_CHUNKS : chunks, chunk, &c, 0);
	}
	if (l.tcp_flags & (ND_FIN | ND_RST))
		flow_closing(cookie, dir, l.tcp_flags);
	return 1;
}

SEC("cgroup_skb/egress")
int handle_skb_egress(struct __sk_buff *skb)
{
	return capture(skb, DIR_OUT);
}

SEC("cgroup_skb/ingress")
int handle_skb_ingress(struct __sk_buff *skb)
{
	return capture(skb, DIR_IN);
}
