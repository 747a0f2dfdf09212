/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * derive: turns the raw bytes the trace kept into facts with the wire decoders (TLS hellos,
 * DNS messages, HTTP requests, protocol sniffing), names every peer from what the run itself
 * saw (DNS answers, then TLS SNI, then HTTP Host; never a lookup by the judge), and classifies
 * each peer against the manifest: cluster, declared egress, local, or undeclared. The decoded
 * tls./dns./http. lines of the trace are used only where no raw bytes decode. Pure.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "judge/model.h"
#include "wire/wire.h"

static void strip_port(char *host)
{
	char *c;

	if (host[0] == '[') {
		c = strchr(host, ']');
		if (c) {
			memmove(host, host + 1, (size_t)(c - host - 1));
			host[c - host - 1] = '\0';
		}
		return;
	}
	c = strchr(host, ':');
	if (c && !strchr(c + 1, ':'))
		*c = '\0';
}

static void lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

static int add_dns(struct model *m, const struct wire_dns_msg *msg, long line, int pid)
{
	struct dnsrec *d;
	const char *tn = wire_dns_type_name(msg->qtype);
	size_t k, tot = 1;
	int r;

	if (!msg->qname[0])
		return 0;
	r = array_grow((void **)&m->dns, &m->dns_cap, m->n_dns + 1, sizeof(*m->dns));
	if (r < 0)
		return r;
	d = &m->dns[m->n_dns++];
	memset(d, 0, sizeof(*d));
	snprintf(d->name, sizeof(d->name), "%s", msg->qname);
	lower(d->name);
	if (tn)
		snprintf(d->qtype, sizeof(d->qtype), "%s", tn);
	else
		snprintf(d->qtype, sizeof(d->qtype), "TYPE%u", msg->qtype);
	d->line = line;
	d->pid = pid;
	d->response = msg->is_response;
	m->raw_dns = true;
	if (!msg->is_response)
		return 0;
	for (k = 0; k < msg->n_rr; k++)
		if (msg->rr[k].section == WIRE_DNS_ANSWER &&
		    (msg->rr[k].type == WIRE_DNS_A || msg->rr[k].type == WIRE_DNS_AAAA))
			tot += 48;
	if (tot == 1)
		return 0;
	d->answers = calloc(1, tot);
	if (!d->answers)
		return -ENOMEM;
	for (k = 0; k < msg->n_rr; k++) {
		const struct wire_dns_rr *rr = &msg->rr[k];
		char a[INET6_ADDRSTRLEN];

		if (rr->section != WIRE_DNS_ANSWER ||
		    (rr->type != WIRE_DNS_A && rr->type != WIRE_DNS_AAAA))
			continue;
		if (!inet_ntop(rr->type == WIRE_DNS_A ? AF_INET : AF_INET6, rr->addr, a, sizeof(a)))
			continue;
		if (d->answers[0])
			strcat(d->answers, ",");
		strcat(d->answers, a);
	}
	return 0;
}

static bool is_resolver(const struct model *m, const struct flow *f)
{
	if (f->port != 53)
		return false;
	if (json_is_string(m->dns_servers))
		return strcmp(f->addr, json_string_value(m->dns_servers)) == 0;
	if (json_is_array(m->dns_servers) && json_array_size(m->dns_servers)) {
		size_t k;
		json_t *v;

		json_array_foreach ((json_t *)m->dns_servers, k, v)
			if (json_is_string(v) && !strcmp(f->addr, json_string_value(v)))
				return true;
		return false;
	}
	/* the header does not name the resolver: the sandbox's own (loopback or 198.18/15) */
	return addr_is_local(f->addr) || !strncmp(f->addr, "198.18.", 7) ||
	       !strncmp(f->addr, "198.19.", 7);
}

static int derive_udp(struct model *m, struct flow *f)
{
	size_t k;
	int r;

	f->dns_infra = is_resolver(m, f);
	for (k = 0; k < f->n_dg; k++) {
		const struct dgram *d = &f->dg[k];
		struct wire_dns_msg msg;
		enum wire_proto pr;

		if (f->port == 53 && wire_dns_parse(d->b, d->n, false, &msg) == WIRE_OK) {
			r = add_dns(m, &msg, d->line, f->pid);
			if (r < 0)
				return r;
			continue;
		}
		if (!d->out)
			continue;
		pr = wire_sniff(d->b, d->n, true, f->port);
		if (pr == WIRE_PROTO_QUIC_INITIAL) {
			f->quic = true;
			if (!f->tls_line)
				f->tls_line = d->line;
			continue;
		}
		if (pr == WIRE_PROTO_DNS && wire_dns_parse(d->b, d->n, false, &msg) == WIRE_OK) {
			r = add_dns(m, &msg, d->line, f->pid);
			if (r < 0)
				return r;
			continue;
		}
		if (d->n) {
			f->cleartext = true;
			f->sniffed = pr;
		}
	}
	return 0;
}

/* The TLS facts of a parsed handshake; ch_line, sh_line: the lines of the two hellos. */
static void set_tls(struct flow *f, const struct wire_tls_flow *tf, long ch_line, long sh_line)
{
	f->tls = true;
	f->has_sni = tf->ch.has_sni && tf->ch.sni[0];
	snprintf(f->sni, sizeof(f->sni), "%s", tf->ch.sni);
	lower(f->sni);
	f->offered_min = tf->ch.min_version;
	f->offered_max = tf->ch.max_version;
	f->negotiated = tf->negotiated;
	f->ech = tf->ch.has_ech || tf->ch.has_esni;
	f->tls_line = ch_line;
	if (tf->have_server_hello && tf->negotiated)
		f->tls_sh_line = sh_line;
}

/*
 * A flow that switched to TLS in the middle (SMTP STARTTLS, FTP AUTH TLS, PostgreSQL
 * SSLRequest): its TLS facts from the bytes after the upgrade, with the lines they are on.
 */
static void derive_upgrade(struct flow *f, const struct wire_sniff_flow *sf)
{
	struct wire_tls_flow tf;
	size_t oo = sf->tls_out_off, io = sf->tls_in_off;
	int r;

	if (!oo || oo >= f->out_len)
		return;
	if (io > f->in_len)
		io = f->in_len;
	r = wire_tls_flow(f->out + oo, f->out_len - oo, io < f->in_len ? f->in + io : NULL,
			  f->in_len - io, &tf);
	if (r == WIRE_OK) {
		set_tls(f, &tf, flow_line_at(f, oo), flow_in_line_at(f, io));
	} else if (r == WIRE_NEED_MORE) {
		f->tls = true; /* a ClientHello cut by the capture */
		f->tls_line = flow_line_at(f, oo);
	}
}

static int derive_tcp(struct model *m, struct flow *f)
{
	struct wire_tls_flow tf;
	int r;

	if (f->out_len) {
		r = wire_tls_flow(f->out, f->out_len, f->in, f->in_len, &tf);
		if (r == WIRE_OK) {
			set_tls(f, &tf, f->first_out_line, f->first_in_line);
			f->sniffed = WIRE_PROTO_TLS;
		} else if (r == WIRE_NEED_MORE) {
			f->tls = true; /* a ClientHello cut by the capture */
			f->tls_line = f->first_out_line;
			f->sniffed = WIRE_PROTO_TLS;
		} else {
			struct wire_sniff_flow sf;

			if (wire_sniff_flow(f->out, f->out_len, f->in, f->in_len, false, f->port,
					    &sf) == WIRE_OK) {
				f->sniffed = sf.proto;
				f->cleartext = !sf.encrypted;
				f->quic = sf.quic_not_inspected;
				derive_upgrade(f, &sf);
			} else {
				f->cleartext = true;
			}
			if (f->port == 53) {
				size_t off = 0;
				unsigned int n = 0;

				f->dns_infra = is_resolver(m, f);
				while (off < f->out_len && n++ < 64) {
					struct wire_dns_msg msg;

					if (wire_dns_parse(f->out + off, f->out_len - off, true,
							   &msg) != WIRE_OK ||
					    !msg.consumed)
						break;
					r = add_dns(m, &msg, flow_line_at(f, off), f->pid);
					if (r < 0)
						return r;
					off += msg.consumed;
				}
				off = 0;
				n = 0;
				while (off < f->in_len && n++ < 64) {
					struct wire_dns_msg msg;

					if (wire_dns_parse(f->in + off, f->in_len - off, true,
							   &msg) != WIRE_OK ||
					    !msg.consumed)
						break;
					r = add_dns(m, &msg, f->first_in_line, f->pid);
					if (r < 0)
						return r;
					off += msg.consumed;
				}
			}
			{
				struct wire_http_request hr;

				if (wire_http_request(f->out, f->out_len, &hr) == WIRE_OK) {
					f->http = true;
					f->http_line = f->first_out_line;
					snprintf(f->http_host, sizeof(f->http_host), "%s", hr.host);
					strip_port(f->http_host);
					lower(f->http_host);
					snprintf(f->http_target, sizeof(f->http_target), "%s",
						 hr.target);
				}
			}
		}
	}
	/* the decoded lines, where the raw bytes said nothing */
	if (!f->tls && f->t_ch) {
		f->tls = true;
		f->has_sni = f->t_sni[0] != '\0';
		snprintf(f->sni, sizeof(f->sni), "%s", f->t_sni);
		lower(f->sni);
		f->offered_min = f->t_min;
		f->offered_max = f->t_max;
		f->tls_line = f->t_ch_line;
		f->sniffed = WIRE_PROTO_TLS;
		f->cleartext = false;
	}
	if (f->tls && !f->negotiated && f->t_sh && f->t_version) {
		f->negotiated = f->t_version;
		f->tls_sh_line = f->t_sh_line;
	}
	if (!f->http && !f->tls && f->t_http) {
		f->http = true;
		f->http_line = f->t_http_line;
		snprintf(f->http_host, sizeof(f->http_host), "%s", f->t_http_host);
		strip_port(f->http_host);
		lower(f->http_host);
		if (!f->out_len)
			f->cleartext = true;
	}
	if (f->port == 53 && !f->dns_infra)
		f->dns_infra = is_resolver(m, f);
	return 0;
}

/* The DNS answers (m->names) sorted by address, then by position: each flow's lookup is a search.
 */
struct nameref {
	const struct addrname *a;
	size_t i;
};

static int nameref_cmp(const void *x, const void *y)
{
	const struct nameref *p = x, *q = y;
	int c = strcmp(p->a->addr, q->a->addr);

	if (c)
		return c;
	return p->i < q->i ? -1 : p->i > q->i;
}

/*
 * DNS names whose answers held addr: one matching the flow's SNI or Host if any, else the
 * latest before line `before`, else the first after it. refs: n entries sorted by nameref_cmp.
 */
static const struct addrname *name_for(const struct nameref *refs, size_t n, const char *addr,
				       long before, const char *prefer1, const char *prefer2)
{
	const struct addrname *best = NULL, *any = NULL;
	size_t lo = 0, hi = n, k;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(refs[mid].a->addr, addr) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (k = lo; k < n && !strcmp(refs[k].a->addr, addr); k++) {
		const struct addrname *a = refs[k].a;

		if ((prefer1 && *prefer1 && !strcasecmp(a->name, prefer1)) ||
		    (prefer2 && *prefer2 && !strcasecmp(a->name, prefer2)))
			return a;
		if (a->line <= before)
			best = a;
		else if (!any)
			any = a;
	}
	return best ? best : any;
}

static bool name_in_cluster(const struct manifest *man, const char *name)
{
	size_t k;

	for (k = 0; man && k < man->n_cluster_hosts; k++)
		if (host_match(man->cluster_hosts[k], name))
			return true;
	return false;
}

static bool name_in_egress(const struct manifest *man, const char *name, uint16_t port)
{
	size_t k, j;

	for (k = 0; man && k < man->n_egress; k++) {
		const struct m_egress *e = &man->egress[k];

		if (!host_match(e->host, name))
			continue;
		if (!e->n_ports)
			return true;
		for (j = 0; j < e->n_ports; j++)
			if (e->ports[j] == port)
				return true;
	}
	return false;
}

enum decl judge_classify_name(const struct manifest *man, const char *name, uint16_t port)
{
	if (name_in_cluster(man, name))
		return D_CLUSTER;
	if (name_in_egress(man, name, port))
		return D_EGRESS;
	return D_NO;
}

static enum decl classify(const struct manifest *man, const struct flow *f)
{
	const char *names[3] = {f->host, f->has_sni ? f->sni : "", f->http ? f->http_host : ""};
	enum decl d = D_CLUSTER;
	bool any = false;
	size_t k;

	if (addr_is_local(f->addr))
		return D_LOCAL;
	for (k = 0; man && k < man->n_cluster_cidrs; k++)
		if (cidr_contains(&man->cluster_cidrs[k], f->addr))
			return D_CLUSTER;
	for (k = 0; k < 3; k++) {
		enum decl c;

		if (!names[k][0])
			continue;
		any = true;
		c = judge_classify_name(man, names[k], f->port);
		if (c == D_NO)
			return D_NO;
		if (c == D_EGRESS)
			d = D_EGRESS;
	}
	if (!any)
		return judge_classify_name(man, f->addr, f->port);
	return d;
}

int model_derive(struct model *m, const struct manifest *man, const struct policy *p)
{
	_cleanup_free_ struct nameref *refs = NULL;
	size_t k, j;
	int r;

	(void)p;
	for (k = 0; k < m->n_flows; k++) {
		struct flow *f = m->flows[k];

		r = f->udp ? derive_udp(m, f) : derive_tcp(m, f);
		if (r < 0)
			return r;
	}
	/* decoded dns.* lines: only when no DNS decoded from raw bytes */
	for (k = 0, j = 0; k < m->n_dns; k++) {
		struct dnsrec *d = &m->dns[k];

		if (d->line < 0) {
			if (m->raw_dns) {
				free(d->answers);
				continue;
			}
			d->line = -d->line;
			lower(d->name);
		}
		m->dns[j++] = *d;
	}
	m->n_dns = j;
	/* DNS records are appended per flow: put them back in trace order */
	for (k = 1; k < m->n_dns; k++) {
		struct dnsrec t = m->dns[k];

		for (j = k; j > 0 && m->dns[j - 1].line > t.line; j--)
			m->dns[j] = m->dns[j - 1];
		m->dns[j] = t;
	}
	for (k = 0; k < m->n_dns; k++) {
		const struct dnsrec *d = &m->dns[k];
		const char *a;

		if (!d->response || !d->answers)
			continue;
		for (a = d->answers; *a;) {
			const char *comma = strchr(a, ',');
			size_t n = comma ? (size_t)(comma - a) : strlen(a);
			struct addrname *an;

			r = array_grow((void **)&m->names, &m->names_cap, m->n_names + 1,
				       sizeof(*m->names));
			if (r < 0)
				return r;
			an = &m->names[m->n_names++];
			snprintf(an->addr, sizeof(an->addr), "%.*s", (int)MIN(n, 63), a);
			snprintf(an->name, sizeof(an->name), "%s", d->name);
			an->line = d->line;
			a += n;
			if (*a == ',')
				a++;
		}
	}
	refs = calloc(m->n_names ? m->n_names : 1, sizeof(*refs));
	if (!refs)
		return -ENOMEM;
	for (k = 0; k < m->n_names; k++)
		refs[k] = (struct nameref){.a = &m->names[k], .i = k};
	qsort(refs, m->n_names, sizeof(*refs), nameref_cmp);
	for (k = 0; k < m->n_flows; k++) {
		struct flow *f = m->flows[k];
		const struct addrname *an;

		if (!f->addr[0]) {
			f->declared = D_NO;
			continue;
		}
		an = name_for(refs, m->n_names, f->addr, f->first_line, f->has_sni ? f->sni : NULL,
			      f->http ? f->http_host : NULL);
		if (an) {
			snprintf(f->host, sizeof(f->host), "%s", an->name);
			f->named_by = "dns";
		} else if (f->has_sni && f->sni[0] && !addr_is_ip(f->sni)) {
			snprintf(f->host, sizeof(f->host), "%s", f->sni);
			f->named_by = "sni";
		} else if (f->http && f->http_host[0] && !addr_is_ip(f->http_host)) {
			snprintf(f->host, sizeof(f->host), "%s", f->http_host);
			f->named_by = "http";
		}
		f->declared = classify(man, f);
	}
	return 0;
}
