/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * seccomp: the connector's filter (libseccomp, x86_64 native only) and the parent's answers to
 * its user notifications. What a connector never needs is not merely failed but reported:
 * those calls return SECCOMP_RET_USER_NOTIF, the parent answers -EPERM from its loop and the
 * sandbox writes a sandbox.denied event. A call through a foreign entry (int 0x80, x32) kills
 * the process (SCMP_FLTATR_ACT_BADARCH). clone3 gets ENOSYS (its flags sit behind a pointer
 * a filter cannot read; libc falls back to clone, whose namespace flags are checked).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sandbox/internal.h"
#include "util/util.h"

#ifndef TIOCLINUX
#define TIOCLINUX 0x541C
#endif

/* Refused with a notification whatever their arguments. */
static const char *const refused[] = {
	"bpf",		    "ptrace",	       "process_vm_readv", "process_vm_writev",
	"kcmp",		    "mount",	       "umount2",	   "pivot_root",
	"move_mount",	    "open_tree",       "fsopen",	   "fsmount",
	"fsconfig",	    "fspick",	       "mount_setattr",	   "unshare",
	"setns",	    "init_module",     "finit_module",	   "delete_module",
	"kexec_load",	    "kexec_file_load", "io_uring_setup",   "io_uring_enter",
	"io_uring_register", "perf_event_open", "userfaultfd",	   "keyctl",
	"add_key",	    "request_key",
};

json_t *sb_seccomp_describe(void)
{
	json_t *o = json_object(), *a = json_array();
	size_t i;

	if (!o || !a) {
		json_decref(o);
		json_decref(a);
		return NULL;
	}
	for (i = 0; i < ARRAY_SIZE(refused); i++)
		json_array_append_new(a, json_string(refused[i]));
	json_array_append_new(a, json_string("ioctl(TIOCSTI)"));
	json_array_append_new(a, json_string("ioctl(TIOCLINUX)"));
	json_array_append_new(a, json_string("socket(AF_PACKET)"));
	json_array_append_new(a, json_string("socket(SOCK_RAW) except AF_NETLINK"));
	json_array_append_new(a, json_string("clone(CLONE_NEW*)"));
	json_object_set_new(o, "refused", a);
	json_object_set_new(o, "action", json_string("EPERM, reported as sandbox.denied"));
	json_object_set_new(o, "bad_arch", json_string("kill"));
	json_object_set_new(o, "arch", json_string("x86_64"));
	json_object_set_new(o, "clone3", json_string("ENOSYS"));
	return o;
}

static int build(scmp_filter_ctx ctx)
{
	static const uint64_t ns_flags[] = { CLONE_NEWNS,  CLONE_NEWUSER, CLONE_NEWPID,
					     CLONE_NEWNET, CLONE_NEWUTS,  CLONE_NEWIPC,
					     CLONE_NEWCGROUP };
	size_t i;
	int r;

	r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	if (r < 0)
		return r;
	for (i = 0; i < ARRAY_SIZE(refused); i++) {
		int nr = seccomp_syscall_resolve_name(refused[i]);

		if (nr == __NR_SCMP_ERROR || nr < 0)
			continue; /* not a call of this architecture */
		r = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 0);
		if (r < 0)
			return r;
	}
	r = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(ioctl), 1,
			     SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, TIOCSTI));
	if (r < 0)
		return r;
	r = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(ioctl), 1,
			     SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, TIOCLINUX));
	if (r < 0)
		return r;
	r = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(socket), 1,
			     SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffffu, AF_PACKET));
	if (r < 0)
		return r;
	/* raw netlink stays: glibc's getaddrinfo() needs it, and it reaches no wire */
	r = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(socket), 2,
			     SCMP_A0(SCMP_CMP_NE, AF_NETLINK),
			     SCMP_A1(SCMP_CMP_MASKED_EQ, 0xf, SOCK_RAW));
	if (r < 0)
		return r;
	for (i = 0; i < ARRAY_SIZE(ns_flags); i++) {
		r = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(clone), 1,
				     SCMP_A0(SCMP_CMP_MASKED_EQ, ns_flags[i], ns_flags[i]));
		if (r < 0)
			return r;
	}
	return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
}

int sb_seccomp_load(int *ret_listener)
{
	scmp_filter_ctx ctx;
	int r, fd;

	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return -ENOMEM;
	r = build(ctx);
	if (r == 0)
		r = seccomp_load(ctx);
	if (r == 0) {
		fd = seccomp_notify_fd(ctx);
		if (fd < 0)
			r = fd;
		else
			*ret_listener = fd;
	}
	seccomp_release(ctx);
	return r;
}

int sb_seccomp_answer(int listener, void (*translate)(void *ctx, struct sb_denial *d), void *ctx,
		      struct sb_denial *ret)
{
	struct seccomp_notif *req = NULL;
	struct seccomp_notif_resp *resp = NULL;
	char *name;
	int r, i;

	r = seccomp_notify_alloc(&req, &resp);
	if (r < 0)
		return r;
	r = seccomp_notify_receive(listener, req);
	if (r < 0) {
		/* -ENOENT: the caller died (or was killed) before we picked the call up */
		r = r == -ENOENT || r == -EINTR || r == -EAGAIN ? 0 : r;
		goto out;
	}
	memset(ret, 0, sizeof(*ret));
	ret->host_pid = (pid_t)req->pid;
	for (i = 0; i < 6; i++)
		ret->args[i] = req->data.args[i];
	name = seccomp_syscall_resolve_num_arch(req->data.arch, req->data.nr);
	snprintf(ret->syscall, sizeof(ret->syscall), "%s", name ? name : "?");
	free(name);
	if (ret->syscall[0] == '?')
		snprintf(ret->syscall, sizeof(ret->syscall), "syscall_%d", req->data.nr);
	if (translate) {
		translate(ctx, ret);
		/* the pid was read from /proc: only trust it if the call is still pending */
		if (seccomp_notify_id_valid(listener, req->id) != 0)
			ret->ns_pid = 0;
	}
	resp->id = req->id;
	resp->val = 0;
	resp->error = -EPERM;
	resp->flags = 0;
	r = seccomp_notify_respond(listener, resp);
	/* the call was attempted whether or not the caller is still there to get the answer */
	r = r < 0 && r != -ENOENT ? r : 1;
out:
	seccomp_notify_free(req, resp);
	return r;
}
