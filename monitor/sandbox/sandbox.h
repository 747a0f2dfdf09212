/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sandbox: launches the connector in isolation (DESIGN.md §7) and watches it until every
 * process of the run is gone. Owns: namespaces, the run's cgroups, mounts, network, capability
 * drop, seccomp (and answering its user notifications), canary secrets and honey files, the
 * connector's stdout/stderr, the deadline. Knows nothing of eBPF: the recorder attaches to
 * sandbox_cgroup_fd() between sandbox_new() and sandbox_start().
 *
 * Lifecycle, driven by main.c:
 *   sandbox_new()      cgroups, network, init process (pid 1 of the run) and the connector
 *                      process, which waits before exec; canaries generated; no events yet
 *   (main writes the trace header from sandbox_describe()/sandbox_canaries(); recorder attaches)
 *   sandbox_start()    the connector execs; its events go to the trace through the loop
 *   loop_run()         until sandbox_done() turns true (the loop is quit by the sandbox)
 *   sandbox_finish()   everything is dead; the result is known; the run's files are still
 *                      reachable through sandbox_root_fd() until sandbox_free()
 *   sandbox_free()     init exits, cgroups/veth/nft removed. Also the SIGINT/SIGTERM path.
 */
#ifndef CONDUCT_SANDBOX_H
#define CONDUCT_SANDBOX_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "util/util.h"

struct loop;
struct trace_writer;

enum sandbox_net {
	SANDBOX_NET_NONE, /* loopback only */
	SANDBOX_NET_NAT,  /* veth to the namespace conduct runs in, routed and masqueraded */
	SANDBOX_NET_HOST, /* the namespace conduct runs in */
};

/* A secret the manifest declares: delivered as env var `env` holding a fresh canary. */
struct sandbox_secret {
	const char *name;
	const char *env;
};

struct sandbox_config {
	char *const *argv;		  /* COMMAND [ARG...], argv[0] looked up in PATH */
	const char *outdir;		  /* absolute, exists */
	const char *workdir;		  /* host directory, writable in the sandbox; NULL: OUTDIR/work */
	const char *policy_dir;		  /* holds knowledge/honey-files.json */
	enum sandbox_net net;
	const char *dns;		  /* nameserver for --net nat; NULL: from /etc/resolv.conf */
	uint64_t timeout_ns;		  /* whole run deadline */
	uint64_t linger_ns;		  /* after the main process exits, how long others may live */
	uint64_t memory_max;		  /* bytes */
	uint64_t pids_max;
	uint32_t cpu_percent;		  /* 100 = one core */
	uint64_t log_limit;		  /* bytes of stdout+stderr kept as log events */
	bool quiet;			  /* do not pass the connector's output through */
	const struct sandbox_secret *secrets;
	size_t n_secrets;
};

struct sandbox_result {
	bool started;		  /* the connector's exec was attempted */
	int exec_errno;		  /* exec failed with this (0: it ran) */
	int exit_code;		  /* of the main process, -1 if killed by a signal */
	int signal;		  /* 0, or the signal that ended the main process */
	bool timed_out;		  /* killed at the deadline */
	bool interrupted;	  /* conduct got SIGINT/SIGTERM */
	bool bad_arch_killed;	  /* a process was killed for a foreign-architecture syscall */
	bool killed_leftovers;	  /* processes still alive after the linger were killed */
	uint64_t denied;	  /* sandbox.denied events */
	uint64_t log_lines;	  /* log events written */
	uint64_t log_dropped;	  /* bytes of output beyond log_limit, not in the trace */
	uint64_t duration_ns;
};

struct sandbox;

/*
 * Prepares everything up to the connector's exec. On a missing privilege or kernel feature
 * returns -EPERM/-ENOSYS/... and fills err->text with what is missing (main exits 3).
 */
int sandbox_new(const struct sandbox_config *cfg, struct loop *loop, struct sandbox **ret,
		struct error *err);

/*
 * The capabilities sandbox_new() needs that this process lacks, names separated by spaces
 * (why: "NAME (what for)" separated by commas) into buf. Returns how many, or -errno.
 */
int sandbox_missing_privileges(char *buf, size_t len, bool why);

/* The "sandbox" object of the trace header: namespaces, cgroup paths, limits, net, mounts. */
json_t *sandbox_describe(const struct sandbox *sb);
/* The header's "canaries": [{"name","value","where"}], secrets first, then honey files. */
json_t *sandbox_canaries(const struct sandbox *sb);

/* The run's cgroup v2 leaf (directory fd) and its id, for BPF scoping and attachment. */
int sandbox_cgroup_fd(const struct sandbox *sb);
uint64_t sandbox_cgroup_id(const struct sandbox *sb);
/* Host pid of the run's init (pid 1 inside); /proc/<pid>/root is the sandbox's root. */
int sandbox_init_pid(const struct sandbox *sb);
/* dev/ino of the run's pid namespace, for bpf_get_ns_current_pid_tgid(). */
int sandbox_pidns(const struct sandbox *sb, uint64_t *ret_dev, uint64_t *ret_ino);
/* The paths inside the sandbox that are writable (/tmp, the workdir, HOME, /dev/shm). */
size_t sandbox_writable(const struct sandbox *sb, const char *const **ret_paths);
/* An fd on the sandbox's root directory (valid until sandbox_free), for the inventory. */
int sandbox_root_fd(const struct sandbox *sb);

/* Lets the connector exec. Events (log, sandbox.denied) go to w from now on. */
int sandbox_start(struct sandbox *sb, struct trace_writer *w);
bool sandbox_done(const struct sandbox *sb);
/* Kills every process of the run now (SIGINT/SIGTERM of conduct); the loop then ends. */
void sandbox_interrupt(struct sandbox *sb);
/* After the loop: waits until the run's cgroup is empty, flushes output, fills *ret. */
int sandbox_finish(struct sandbox *sb, struct sandbox_result *ret);
/* Undoes everything; safe on a half-built sandbox and on NULL. */
void sandbox_free(struct sandbox *sb);

/*
 * The hierarchy sandbox_new() puts the run's cgroups under, from /proc/self/mountinfo: the
 * cgroup2 mount when controller is NULL, else the cgroup v1 mount holding controller ("memory",
 * "pids" or "cpu"). Copies its path into buf (truncated to len). 0, -ENOENT or -errno.
 */
int sandbox_cgroup_mount(const char *controller, char *buf, size_t len);

#endif
