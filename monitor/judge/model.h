/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * model: what the judge keeps of a trace (trace_load.c builds it, rules.c reads it). Only the
 * facts the rules need are kept, each with the trace line it came from; bytes are bounded per
 * flow and in total.
 */
#ifndef CONDUCT_JUDGE_MODEL_H
#define CONDUCT_JUDGE_MODEL_H

#include "judge/judge_int.h"

struct seg {
	uint64_t off;
	uint32_t len;
	long line;
};

struct dgram {
	uint8_t *b;
	size_t n;
	long line;
	bool out;
};

enum decl { D_NO, D_EGRESS, D_CLUSTER, D_LOCAL };

struct flow {
	uint64_t id;
	bool udp; /* datagram peer: (socket, addr, port) */
	char proto[8];
	char addr[64];
	uint16_t port;
	int pid;
	bool has_connect, connect_ok, denied;
	long first_line; /* first line that mentions this peer */
	/* TCP streams, bytes at their offset (gaps stay zero), bounded */
	uint8_t *out, *in;
	size_t out_len, in_len, out_cap, in_cap;
	struct seg *oseg;
	size_t n_oseg, oseg_cap;
	struct seg *iseg; /* the same for the incoming stream */
	size_t n_iseg, iseg_cap;
	long first_out_line, first_in_line;
	uint64_t bytes_out, bytes_in;
	/* UDP datagrams and net.send payloads */
	struct dgram *dg;
	size_t n_dg, dg_cap;
	/* library-level plaintext (tls.plaintext), outgoing */
	uint8_t *pt;
	size_t pt_len, pt_cap;
	struct seg *ptseg;
	size_t n_ptseg, ptseg_cap;
	/* decoded lines of the trace, used only when no raw bytes decode */
	bool t_ch, t_sh, t_http;
	char t_sni[256];
	uint16_t t_min, t_max, t_version;
	long t_ch_line, t_sh_line, t_http_line;
	char t_http_host[256];
	/* derived by the judge */
	bool tls; /* a ClientHello was seen */
	bool has_sni;
	char sni[256];
	uint16_t offered_min, offered_max, negotiated;
	long tls_line, tls_sh_line;
	bool http;
	char http_host[256];
	char http_target[512];
	long http_line;
	int sniffed; /* enum wire_proto */
	bool quic, cleartext;
	bool ech; /* the ClientHello carries Encrypted Client Hello (or the older ESNI) */
	bool dns_infra; /* DNS to the sandbox's resolver */
	char host[256]; /* the name the run gave this address ("" when none) */
	const char *named_by;
	enum decl declared;
	struct flow *next; /* hash chain */
};

struct dnsrec {
	char name[256];
	char qtype[16];
	char *answers; /* comma-separated addresses, or NULL */
	long line;
	bool response;
	int pid;
};

struct addrname {
	char addr[64];
	char name[256];
	long line;
};

struct exec_ev {
	char *path;
	json_t *argv;
	int pid, ppid;
	long ret;
	bool memfd, fd_exec, written, deleted;
	long line;
};

struct open_ev {
	char *path;
	char intent[8];
	long ret;
	int pid;
	long line;
	char kind[16]; /* "file.open", "file.rename", ... */
	char *path2;
	bool honey; /* the recorder says the file is a honey file */
};

struct inv_ev {
	char *path;
	int64_t size;
	char sha256[65];
	char change[12];
	uint8_t *data;
	size_t len;
	bool truncated;
	long line;
};

struct simple_ev {
	char *a, *b; /* denied: syscall, args-json; log: stream, text; loss: where */
	int64_t n;
	int pid;
	long line;
};

struct canary {
	char *name;
	char *value;
	char *where;
	bool honey;
	char *file; /* honey: the file's path */
};

struct model {
	/* header */
	json_t *header;
	char *header_text; /* line 1, for positions in the embedded manifest */
	size_t header_len;
	const char *started;
	int64_t started_s;
	const char *home, *workdir;
	const json_t *dns_servers; /* header.sandbox.net.dns: a string or an array of them */
	json_t *writable; /* header.sandbox.writable */
	struct canary *can;
	size_t n_can;
	/* the credentials and honey-file paths of the knowledge lists, "~/" expanded (or NULL) */
	char **cred_pats, **honey_pats;
	size_t n_cred_pats, n_honey_pats;
	/* run.end */
	bool have_end;
	long end_line;
	int64_t exit_code, signal, exec_errno, duration_ns, end_events, end_lost, log_dropped;
	bool timed_out, interrupted, bad_arch;
	/* events */
	long lines;
	struct flow **ftab;
	size_t ftab_n;
	struct flow **flows; /* in order of appearance */
	size_t n_flows, flows_cap;
	struct dnsrec *dns;
	size_t n_dns, dns_cap;
	bool raw_dns; /* some DNS decoded from raw bytes */
	struct addrname *names;
	size_t n_names, names_cap;
	struct exec_ev *ex;
	size_t n_ex, ex_cap;
	struct open_ev *op;
	size_t n_op, op_cap;
	struct inv_ev *inv;
	size_t n_inv, inv_cap;
	struct simple_ev *denied, *logs, *losses, *fan;
	size_t n_denied, denied_cap, n_logs, logs_cap, n_losses, losses_cap, n_fan, fan_cap;
	int64_t lost_total;
	uint64_t kept; /* bytes kept over all */
	bool kept_capped;
	char trace_sha256[65];
};

/* Reads the trace (bounded, streamed); -EINVAL with err (line:col) on malformed input. */
int model_load(const char *path, const struct policy *p, struct model *m, struct error *err);
void model_fini(struct model *m);

/* Decodes raw flows (wire), attributes names, classifies flows. */
int model_derive(struct model *m, const struct manifest *man, const struct policy *p);
/* How the manifest declares a name (host or address) on a port: cluster, egress or not. */
enum decl judge_classify_name(const struct manifest *man, const char *name, uint16_t port);

/* Flows whose kept bytes include offset: the net.data line. */
long flow_line_at(const struct flow *f, uint64_t off);
/* The line of the incoming bytes at off (first_in_line when unknown). */
long flow_in_line_at(const struct flow *f, uint64_t off);
long flow_pt_line_at(const struct flow *f, uint64_t off);

/* Expands "~/" and "$HOME", "$WORKDIR", "$TMPDIR" against the header. Caller frees. */
char *model_expand(const struct model *m, const char *path);

#endif
