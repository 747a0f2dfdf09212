/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cli: parses conduct's command line (DESIGN.md §2) into struct cli. Pure: no exit, no output;
 * a usage error comes back as -EINVAL with err->text. main.c decides what to print and exit.
 */
#ifndef CONDUCT_CLI_H
#define CONDUCT_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "util/util.h"

enum cli_command {
	CLI_HELP,
	CLI_VERSION,
	CLI_RUN,
	CLI_CHECK,
	CLI_DIFF,
	CLI_DOCTOR,
	CLI_EXPLAIN,
};

enum cli_net { CLI_NET_NONE, CLI_NET_NAT, CLI_NET_HOST };

struct cli {
	enum cli_command command;
	const char *manifest;	/* -m */
	const char *policy;	/* -p */
	const char *outdir;	/* -o, default "conduct-out" */
	const char *fail_on;	/* --fail-on, default "medium" */
	int verbose;		/* -v, repeatable */
	bool quiet;		/* -q: connector output not passed through */
	/* run */
	enum cli_net net;
	const char *dns;
	const char *workdir;
	uint64_t timeout_ns;
	uint64_t linger_ns;
	uint64_t memory_max;
	uint64_t pids_max;
	uint32_t cpu_percent;
	uint64_t log_limit;
	uint32_t flow_bytes;
	uint32_t ringbuf_bytes;
	bool tls_plaintext;
	char **argv;		/* COMMAND [ARG...] (run), NULL-terminated, points into argv */
	/* check / diff / explain */
	const char *trace;	/* check TRACE */
	const char *old_report; /* diff OLD NEW */
	const char *new_report;
	const char *rule;	/* explain RULE_ID */
	const char *help_topic; /* help for this subcommand ("run", ...) or NULL */
};

/* Fills *ret with defaults, then parses argv. Returns 0 or -EINVAL (usage) with err->text. */
int cli_parse(int argc, char **argv, struct cli *ret, struct error *err);

/* "512", "64K", "1M", "2G" (powers of 1024) -> bytes. */
int cli_parse_size(const char *s, uint64_t *ret);
/* "60", "1.5", "500ms" -> ns. */
int cli_parse_duration(const char *s, uint64_t *ret);

/* The usage text for a subcommand (NULL: overview). */
const char *cli_usage(const char *topic);

#endif
