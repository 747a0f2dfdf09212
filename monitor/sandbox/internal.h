/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The sandbox module's private declarations, shared by its files:
 *   sandbox.c  the parent side (lifecycle, loop callbacks, result, header objects)
 *   child.c    code that runs in the run's init (pid 1 inside) and in the connector before exec
 *   cgroup.c   the run's cgroup leaves (v2 and v1), limits, kill, stale leaves
 *   seccomp.c  the filter (child side) and answering its user notifications (parent side)
 *   honey.c    honey-files.json -> files with fresh canaries
 *   canary.c   the pure canary generators
 *   net.c      (its own header net.h) uses sb_write_file()
 * Nothing here is used outside monitor/sandbox/.
 */
#ifndef CONDUCT_SANDBOX_INTERNAL_H
#define CONDUCT_SANDBOX_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "sandbox/canary.h"
#include "sandbox/sandbox.h"

struct net;

/* --- canaries and honey files (honey.c) --- */

struct sb_canary {
	char *name;  /* secret name, or "honey:<id>" ("honey:<id>:<kind>" for extra values) */
	char *value;
	char *where; /* "env" or "file:<absolute path inside>" */
	char *env;   /* the env var name (secrets only) */
};

struct sb_honey_file {
	char *id;
	char *path;    /* absolute inside the sandbox */
	mode_t mode;
	char *content;
	size_t len;
};

struct sb_canaries {
	struct sb_canary *v;
	size_t n, cap;
	struct sb_honey_file *files;
	size_t n_files;
};

/* A fresh canary of kind from getrandom(). */
int sb_canary_new(enum canary_kind kind, char **ret);
/* Adds a canary (takes ownership of value; name/where/env are copied). */
int sb_canaries_add(struct sb_canaries *c, const char *name, char *value, const char *where,
		    const char *env);
/*
 * Parses honey-files.json (text of len bytes) and appends one canary per placeholder and
 * one file per entry. err gets "file:line:col"-style positions where jansson gives them.
 */
int sb_honey_parse(const char *text, size_t len, struct sb_canaries *c, struct error *err);
int sb_honey_load(const char *path, struct sb_canaries *c, struct error *err);
void sb_canaries_fini(struct sb_canaries *c);
/* Moves honey files under prefix from to prefix to (and their canaries' "where"). */
int sb_honey_rebase(struct sb_canaries *c, const char *from, const char *to);

/* --- cgroups (cgroup.c) --- */

/* Writes s to the existing file at path in one write() (cgroup, /proc/sys, uid_map files). */
int sb_write_file(const char *path, const char *s);

enum { SB_CG_MEMORY, SB_CG_PIDS, SB_CG_CPU, SB_CG_N };

struct sb_cgroup {
	char *v2_root;		  /* cgroup2 mount point */
	char *v2_leaf;		  /* <v2_root>/conduct/run-<pid>-<starttime>-<id> */
	int v2_fd;		  /* O_DIRECTORY fd on the leaf */
	uint64_t v2_id;		  /* cgroup id (what bpf_get_current_cgroup_id returns) */
	int events_fd;		  /* <leaf>/cgroup.events */
	char *v1_leaf[SB_CG_N];	  /* v1 leaf per controller, NULL when on v2 or absent */
	bool on_v2[SB_CG_N];	  /* the controller is enabled in the v2 leaf */
};

int sb_cg_create(struct sb_cgroup *cg, const char *name, const struct sandbox_config *cfg,
		 struct error *err);
int sb_cg_add_pid(const struct sb_cgroup *cg, pid_t pid);
/* 1 populated, 0 empty, -errno. */
int sb_cg_populated(const struct sb_cgroup *cg);
/* SIGKILLs everything in the leaf (cgroup.kill, or a kill loop on old kernels). */
int sb_cg_kill(const struct sb_cgroup *cg);
/* Kills and waits (at most timeout_ms) until the leaf is empty. 0 or -ETIMEDOUT. */
int sb_cg_kill_wait(const struct sb_cgroup *cg, int timeout_ms);
/* Kills what is left, removes every leaf; safe on a half-built cgroup. */
void sb_cg_destroy(struct sb_cgroup *cg);
/* Start time of pid (field 22 of /proc/<pid>/stat), 0 if gone: with the pid, names a process. */
uint64_t sb_proc_starttime(int pid);
/* Removes conduct/run-<pid>-<starttime>-* leaves whose conduct is gone (a SIGKILLed run's leftovers). */
void sb_cg_clean_stale(void);
json_t *sb_cg_describe(const struct sb_cgroup *cg);
/* Whether a live run's leaf name carries this uid slot (its id & 0xffff). */
bool sb_cg_uid_slot_in_use(uint32_t slot);
/* Processes OOM-killed at memory.max, and forks refused at pids.max, so far. */
void sb_cg_limit_hits(const struct sb_cgroup *cg, uint64_t *ret_oom_kills, uint64_t *ret_pids_max);
const char *sb_cg_name(int controller);

/* --- seccomp (seccomp.c) --- */

/* Child side: loads the filter; *ret_listener is the user-notification fd. */
int sb_seccomp_load(int *ret_listener);
/* Names of the refused calls, for the header. */
json_t *sb_seccomp_describe(void);

struct sb_denial {
	pid_t host_pid;
	int ns_pid; /* set by translate(); 0 when unknown */
	char syscall[64];
	uint64_t args[6];
};
/*
 * Parent side: receives one notification from listener, fills *ret, and answers -EPERM.
 * translate() runs while the caller is still blocked in the call, so its pid is stable.
 * Returns 1 (a denial), 0 (nothing: the caller died first) or -errno.
 */
int sb_seccomp_answer(int listener, void (*translate)(void *ctx, struct sb_denial *d), void *ctx,
		      struct sb_denial *ret);

/* --- the child side (child.c) --- */

enum sb_stage {
	SB_STAGE_NONE,
	SB_STAGE_MAP_WAIT,
	SB_STAGE_SETID,
	SB_STAGE_NET,
	SB_STAGE_HOSTNAME,
	SB_STAGE_MOUNT_PRIVATE,
	SB_STAGE_MOUNT_STAGE,
	SB_STAGE_MOUNT_ROOT,
	SB_STAGE_MOUNT_RDONLY,
	SB_STAGE_MOUNT_PROC,
	SB_STAGE_MOUNT_DEV,
	SB_STAGE_MOUNT_TMP,
	SB_STAGE_MOUNT_RUN,
	SB_STAGE_MOUNT_HOME,
	SB_STAGE_MOUNT_WORKDIR,
	SB_STAGE_MOUNT_EXPOSE,
	SB_STAGE_RESOLV,
	SB_STAGE_PIVOT,
	SB_STAGE_HONEY,
	SB_STAGE_FORK,
	SB_STAGE_CGROUP_WAIT,
	SB_STAGE_CGROUPNS,
	SB_STAGE_RLIMIT,
	SB_STAGE_FDS,
	SB_STAGE_SETSID,
	SB_STAGE_CHDIR,
	SB_STAGE_CAPS,
	SB_STAGE_NNP,
	SB_STAGE_SECCOMP,
	SB_STAGE_GO_WAIT,
	SB_STAGE_EXEC,
	SB_STAGE_COUNT,
};

const char *sb_stage_name(int stage);

/* What goes over the CLOEXEC error pipe: never a log line. */
struct sb_stage_err {
	int32_t stage;
	int32_t err;
};

enum sb_msg_type {
	SB_MSG_MAPPED = 1, /* parent -> init: uid/gid maps written, network attached */
	SB_MSG_READY,	   /* init -> parent: mounts done, connector forked (a = its pid inside) */
	SB_MSG_STATUS,	   /* init -> parent: the connector's wait status (a = pid, b = status) */
	SB_MSG_SIGSYS,	   /* init -> parent: a process of the run died of SIGSYS (a = pid) */
	SB_MSG_CG_DONE,	   /* parent -> connector: it is in the run's cgroups */
	SB_MSG_GO,	   /* parent -> connector: exec */
	SB_MSG_QUIT,	   /* parent -> init: exit */
};

struct sb_msg {
	uint32_t type;
	int32_t a;
	int32_t b;
};

#define SB_EXPOSE_MAX 2

/* Everything the cloned init needs, prepared by the parent before the clone. */
struct sb_child {
	const struct net *net;
	char *const *argv;
	char **envp;
	const char *workdir;	   /* path inside the sandbox (the mount point) */
	const char *workdir_host;  /* the directory on the host */
	const char *cwd;	   /* caller's cwd (may not exist inside) */
	const char *resolv_conf;   /* content or NULL */
	bool own_netns;		   /* a network namespace of its own: a fresh sysfs shows it */
	const struct sb_honey_file *files;
	size_t n_files;
	int workdir_fd;		   /* set by init itself: O_PATH on the workdir in its mount ns */
	/*
	 * Host directories below a directory the sandbox replaces (/tmp, /run, /root, /home)
	 * that the connector needs (the caller's cwd, the command's directory): bound read-only
	 * at their own paths. init opens them (expose_fd) while it can still traverse the host.
	 */
	const char *expose[SB_EXPOSE_MAX];
	size_t n_expose;
	int expose_fd[SB_EXPOSE_MAX];
	int ctl;		   /* init's end of the control socket */
	int conn;		   /* the connector's end of its socket */
	int errw;		   /* error pipe, write end */
	int out_w, err_w;	   /* stdout/stderr pipes, write ends */
};

/* The run's init: never returns. */
__attribute__((noreturn)) void sb_init_main(struct sb_child *c);

#endif
