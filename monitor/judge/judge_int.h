/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * judge internals shared by the judge's files (never included outside monitor/judge/ except by
 * its unit tests): the strict JSON scanner with value positions, CVSS, host/CIDR/path
 * matching, the loaded manifest and policy, and the model of a trace the rules read.
 */
#ifndef CONDUCT_JUDGE_INT_H
#define CONDUCT_JUDGE_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "judge/judge.h"
#include "util/util.h"

/* ---- bounds ------------------------------------------------------------------------------- */

#define JUDGE_FILE_MAX (4u << 20) /* manifest, policy, knowledge file bytes */
#define JUDGE_JSON_DEPTH_MAX 32 /* nesting of manifests, policies, trace lines */
#define JUDGE_JSON_VALUES_MAX 200000 /* values in one manifest/policy file */
#define JUDGE_JSON_MEMBERS_MAX 4096 /* members of one object */
#define JUDGE_KEY_MAX 256 /* bytes of an object key */
#define JUDGE_TRACE_MAX (2ull << 30) /* trace bytes */
#define JUDGE_LINE_MAX (16u << 20) /* bytes of one trace line */
#define JUDGE_LINES_MAX 20000000l /* trace lines */
#define JUDGE_FLOW_KEEP (1u << 20) /* bytes kept per flow direction */
#define JUDGE_KEEP_TOTAL (256ull << 20) /* bytes kept over all flows, plaintext and files */
#define JUDGE_DGRAMS_MAX 512 /* datagrams kept per UDP peer */
#define JUDGE_EVIDENCE_MAX 64 /* line numbers kept per finding */

/* ---- jpos: strict JSON scanning with the position of every value --------------------------- */

struct jpos_ent {
	char *path; /* JSON pointer (RFC 6901), "" for the root */
	unsigned int line, col; /* of the value's first character */
	unsigned int key_line, key_col; /* of its key (members only), else = line/col */
};

struct jpos {
	struct jpos_ent *ents;
	size_t n, cap;
};

/*
 * Validates text as one strict JSON value (RFC 8259; UTF-8; no duplicate keys; no NUL in
 * keys; nesting <= max_depth; bounded counts) and, when pos is not NULL, records where each
 * value starts. Columns count characters (UTF-8 code points), 1-based. -EINVAL with err at the
 * offending character.
 */
int jpos_scan(const char *text, size_t len, unsigned int max_depth, struct jpos *pos,
	      struct error *err);
void jpos_fini(struct jpos *pos);
/* Position of the value at path (key = true: of its key); false when unknown. */
bool jpos_find(const struct jpos *pos, const char *path, bool key, unsigned int *ret_line,
	       unsigned int *ret_col);
/* Reads and parses a JSON file: bounded size, jpos_scan, then Jansson. err->line/col set. */
int jpos_load_file(const char *path, size_t max, json_t **ret, struct jpos *pos, char **ret_text,
		   size_t *ret_len, struct error *err);

/*
 * A schema error at a JSON pointer: fills err with the position of the value (or its key when
 * key) looked up in pos under prefix+path. Returns -EINVAL.
 */
int jerr_at(struct error *err, const struct jpos *pos, const char *path, bool key, const char *fmt,
	    ...) __attribute__((format(printf, 5, 6)));

/* Rejects members of obj not in allowed (NULL-terminated); path is obj's pointer. */
int jcheck_keys(const json_t *obj, const char *const *allowed, const struct jpos *pos,
		const char *path, struct error *err);

/* ---- CVSS v3.1 ----------------------------------------------------------------------------- */

/* Base score of a CVSS v3.1 vector, in tenths (0..100). -EINVAL with a reason. */
int cvss31_score(const char *vector, int *ret_tenths, char *why, size_t why_len);
/* Severity band of a score in tenths (guidelines' table). */
enum severity cvss_severity(int tenths);

/* ---- matching ----------------------------------------------------------------------------- */

struct cidr {
	int family; /* AF_INET or AF_INET6 */
	uint8_t addr[16];
	unsigned int prefix;
};

/* Host name syntax (LDH labels, dots), lowercase copy into out. */
bool host_valid(const char *s);
/* Manifest host or wildcard "*.a.b": -EINVAL with a reason. */
int host_pattern_check(const char *s, bool allow_inner_star, char *why, size_t why_len);
/*
 * Matches a lowercase name against a pattern: a leading "*" label matches one or more labels,
 * an inner "*" label exactly one; other labels compare case-insensitively. An IP literal
 * pattern matches only the same literal.
 */
bool host_match(const char *pattern, const char *name);
int cidr_parse(const char *s, struct cidr *ret, char *why, size_t why_len);
bool cidr_contains(const struct cidr *c, const char *addr);
bool addr_is_ip(const char *s);
/* An IPv4-mapped IPv6 address ("::ffff:198.51.100.10") as plain IPv4; others as given. */
void addr_canon(const char *in, char out[64]);
/* Loopback, unspecified, link-local multicast: traffic that never leaves the sandbox. */
bool addr_is_local(const char *addr);
/* fnmatch-like glob on paths: "*" does not cross "/", "**" does. */
bool path_glob(const char *pattern, const char *path);
/* Is path equal to dir or below it? */
bool path_under(const char *path, const char *dir);

/* ---- manifest ------------------------------------------------------------------------------ */

struct m_egress {
	char *host;
	uint16_t *ports;
	size_t n_ports;
	char *purpose;
};

struct m_secret {
	char *name;
	char *env;
	char **sent_to;
	size_t n_sent_to;
};

struct manifest {
	char *connector;
	char *version;
	char **cluster_hosts;
	size_t n_cluster_hosts;
	struct cidr *cluster_cidrs;
	size_t n_cluster_cidrs;
	struct m_egress *egress;
	size_t n_egress;
	struct m_secret *secrets;
	size_t n_secrets;
	char **writable;
	size_t n_writable;
	const char **sec_names;
	const char **sec_envs;
	json_t *json;
};

/* Validates obj; positions looked up in pos under prefix (may be NULL / ""). */
int manifest_from_json_pos(const json_t *obj, const struct jpos *pos, const char *prefix,
			   struct manifest **ret, struct error *err);
/* Frees n strings and the array; v may be NULL. */
void strv_free(char **v, size_t n);

/* ---- policy -------------------------------------------------------------------------------- */

enum rule_id {
	R_DP1_EXPOSURE,
	R_DP2_PLAINTEXT,
	R_DP2_TLS,
	R_DP3_STORAGE,
	R_DP3_PERSIST,
	R_PRIV1_ACCESS,
	R_PRIV1_EXFIL,
	R_CC5_EGRESS,
	R_CC5_HIDDEN,
	R_CC3_DROPPED,
	R_CC1_CODE,
	R_SB1_ESCAPE,
	R_MON1_INCOMPLETE,
	R__COUNT,
};

extern const char *const rule_names[R__COUNT];

/* One entry of a knowledge list. */
struct kentry {
	char *match; /* host pattern, or NULL */
	char *addr; /* IP literal or CIDR text, or NULL */
	struct cidr cidr;
	bool has_cidr;
	char *path; /* path glob ("~/" = the sandbox's HOME), or NULL */
	int port; /* 0: any */
	char *service;
	char *kind;
};

struct klist {
	struct kentry *e;
	size_t n;
};

enum klist_id {
	K_STORAGE,
	K_TELEMETRY,
	K_PASTE,
	K_DOH,
	K_METADATA,
	K_CREDENTIALS,
	K_DB_PORTS,
	K_REGISTRIES,
	K_HONEY,
	K__COUNT,
};

struct rule {
	bool present;
	char *section;
	char *clause;
	char *cvss;
	int score; /* tenths */
	enum severity severity;
	char *cvss_reasoning;
	char *why;
	char *summary;
	json_t *params;
};

struct rule_params {
	/* DP-1 */
	bool search_logs, search_files, search_dns;
	unsigned int min_secret_len;
	/* DP-2.tls-version, PRIV-1 exfil */
	uint16_t min_tls;
	/* DP-3.local-persistence */
	char **persist_ignore;
	size_t n_persist_ignore;
	bool persist_count_failed;
	/* CC-5.undeclared-egress */
	bool egress_count_failed;
	/* CC-5.hidden-channel */
	double dns_entropy;
	unsigned int dns_min_sub_len;
	unsigned int dns_max_name_len;
	unsigned int dns_subdomains;
	unsigned int dot_port;
	bool quic;
	/* CC-3 */
	char **load_exts;
	size_t n_load_exts;
	/* CC-1 */
	char **code_exts;
	size_t n_code_exts;
	/* SB-1 */
	char **sb_ignore;
	size_t n_sb_ignore;
};

struct policy {
	char *path;
	char *dir;
	char *id;
	char *version;
	char sha256[65];
	struct rule rules[R__COUNT];
	struct rule_params p;
	struct klist k[K__COUNT];
};

int rule_from_name(const char *name);

/* ---- the deadlines band ------------------------------------------------------------------- */

struct band {
	enum severity sev;
	int64_t ack_s, mitigate_s, fix_s; /* 0: accepted (no deadline) */
	const char *ack_text, *mitigate_text, *fix_text;
};
const struct band *band_of(enum severity s);

#endif
