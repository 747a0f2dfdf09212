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
 */
#ifndef CONDUCT_NET_H
#define CONDUCT_NET_H

#include <jansson.h>
#include <stdint.h>
#include <sys/types.h>

#include "sandbox/sandbox.h"

struct net;

/* run_id makes the veth names and the /30 unique among concurrent runs. */
int net_new(enum sandbox_net mode, const char *dns, uint32_t run_id, struct net **ret,
	    struct error *err);
/* Whether the child needs CLONE_NEWNET (none, nat) or keeps the parent's (host). */
int net_wants_netns(const struct net *n);
int net_attach(struct net *n, pid_t child, struct error *err);
/* Runs inside the child's netns: loopback up (and anything else the child must do). */
int net_child_setup(const struct net *n);
/* resolv.conf content to bind over /etc/resolv.conf in the sandbox, or NULL to keep host's. */
const char *net_resolv_conf(const struct net *n);
/* {"mode","addr","gateway","dns","veth"} for the trace header's sandbox object. */
json_t *net_describe(const struct net *n);
void net_free(struct net *n);

#endif
