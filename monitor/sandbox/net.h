/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * net: the sandbox's network (--net none|nat|host). Owns the veth pair, addresses, routes,
 * the nftables masquerade table and the resolv.conf the connector sees; undoes all of it.
 * Addresses of sandbox-to-host links come from 198.18.0.0/15 (DESIGN.md §9).
 *
 * Order, driven by sandbox.c:
 *   net_new()           before the clone: picks names and addresses for this run
 *   net_attach()        in the parent, once the child's netns exists (host pid given)
 *   net_child_setup()   in the child, inside its netns, before capabilities are dropped
 *   net_free()          in the parent: veth, nft table, forwarding sysctl restored
 *
 * Modes:
 *   none  the child's netns with only loopback up.
 *   nat   a veth pair: host side cd<run_id hex>h in the namespace conduct runs in, eth0 in the
 *         child's netns, a /30 of 198.18.0.0/15 (host .1, sandbox .2, default route via .1),
 *         IPv4 forwarding on in conduct's namespace and an nftables table conduct_<hex>
 *         masquerading the /30. Everything conduct's namespace reaches, the connector
 *         reaches too, its local services included. No IPv6.
 *   host  no netns of its own: the connector shares conduct's network namespace.
 */
#ifndef CONDUCT_NET_H
#define CONDUCT_NET_H

#include <jansson.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "sandbox/sandbox.h"

struct net;

/* At most this many nameservers go into the sandbox's resolv.conf (glibc's MAXNS). */
#define NET_MAX_DNS 3

/*
 * run_id makes the veth names and the /30 unique among concurrent runs. dns: an IPv4 address
 * (only with SANDBOX_NET_NAT), or NULL to take the usable nameservers of /etc/resolv.conf; when
 * none is usable a warning is logged and the run goes on without DNS. -EINVAL with err filled
 * on a bad dns; -EADDRINUSE when no free /30 is found near the run's one.
 */
int net_new(enum sandbox_net mode, const char *dns, uint32_t run_id, struct net **ret,
	    struct error *err);
/* Whether the child needs CLONE_NEWNET (none, nat) or keeps the parent's (host). */
int net_wants_netns(const struct net *n);
/*
 * nat: creates the veth into child's netns, configures both ends (the sandbox end through a
 * short-lived helper process that enters the child's netns), forwarding and the nft table.
 * none/host: nothing. On failure the partial state stays for net_free() to undo.
 */
int net_attach(struct net *n, pid_t child, struct error *err);
/* Runs inside the child's netns: loopback up (none, nat); nothing for host. */
int net_child_setup(const struct net *n);
/* resolv.conf content to bind over /etc/resolv.conf in the sandbox, or NULL to keep host's. */
const char *net_resolv_conf(const struct net *n);
/* {"mode","addr","gateway","dns","veth"} for the trace header's sandbox object. */
json_t *net_describe(const struct net *n);
/* Undoes what net_attach() did, in reverse; safe on NULL and on half-built state. */
void net_free(struct net *n);

/* --- pure parts, unit-tested -------------------------------------------------------------- */

/*
 * The /30 of 198.18.0.0/15 for run_id at probe step `attempt` (0 first): its network address
 * in host byte order. The host end is base + 1, the sandbox end base + 2.
 */
uint32_t net_subnet_base(uint32_t run_id, unsigned int attempt);

/*
 * Nameservers of a resolv.conf text usable from a sandbox: IPv4, not loopback, not 0.0.0.0,
 * not multicast or broadcast; duplicates dropped; at most max. *ret_skipped counts the
 * nameserver lines that were not usable (may be NULL). Returns how many were stored.
 */
size_t net_parse_resolv_conf(const char *text, size_t len, struct in_addr *ret, size_t max,
			     size_t *ret_skipped);

/* Renders the resolv.conf for n nameservers (n may be 0). Returns 0 or -ENOMEM. */
int net_render_resolv_conf(const struct in_addr *ns, size_t n, char **ret);

/* --- probes for `conduct doctor` (fork a child in a throwaway netns; never touch the host) -- */

/* Creates and deletes a veth pair inside a throwaway network namespace. 0 or -errno. */
int net_probe_veth(void);
/* Full path of the nft binary, or NULL. */
const char *net_nft_path(void);
/*
 * Loads a masquerade table like nat's into a throwaway network namespace through nft.
 * 0 or -errno; err->text holds nft's complaint.
 */
int net_probe_nft(struct error *err);

#endif
