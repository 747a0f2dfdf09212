/* SPDX-License-Identifier: GPL-2.0-only */
/* cli: see cli.h. */
#include "cli.h"

#include <ctype.h>
#include <getopt.h>
#include <string.h>

static const char usage_main[] =
	"usage: conduct COMMAND [OPTIONS]\n"
	"\n"
	"  run     [options] -- COMMAND [ARG...]   run a connector in the sandbox and judge it\n"
	"  check   TRACE [options]                 re-judge a saved trace\n"
	"  diff    OLD_REPORT NEW_REPORT           behavioral drift between two runs\n"
	"  doctor                                  which kernel features work here\n"
	"  explain RULE_ID                         a rule's clause, severity and deadlines\n"
	"\n"
	"conduct COMMAND --help shows a command's options.\n";

static const char usage_run[] =
	"usage: conduct run [options] -- COMMAND [ARG...]\n"
	"\n"
	"  -m, --manifest FILE     the connector's manifest (what it declares it needs)\n"
	"  -p, --policy FILE       policy (default: policies/marketplace.json)\n"
	"  -o, --outdir DIR        where trace.jsonl and the reports go (default conduct-out)\n"
	"      --net MODE          none (loopback only, default) | nat | host\n"
	"      --dns ADDR          nameserver the sandbox uses with --net nat\n"
	"      --timeout SEC       deadline of the whole run (default 60)\n"
	"      --linger SEC        how long other processes may outlive the main one (default 2)\n"
	"      --memory SIZE       memory limit (default 1G)\n"
	"      --pids N            process/thread limit (default 512)\n"
	"      --cpu PERCENT       CPU limit, 100 = one core (default 100)\n"
	"      --workdir DIR       writable work directory (default OUTDIR/work)\n"
	"      --log-limit SIZE    connector output kept in the trace (default 64M)\n"
	"      --flow-bytes SIZE   bytes captured per flow and direction (default 16K)\n"
	"      --ringbuf SIZE      data ring buffer size (default 8M)\n"
	"      --tls-plaintext     also record OpenSSL plaintext (uprobes on libssl)\n"
	"      --fail-on SEVERITY  exit 1 at or above: low|medium|high|critical|none (default\n"
	"                          medium; an incomplete record always fails, except with none)\n"
	"  -q, --quiet             do not pass the connector's output through\n"
	"  -v, --verbose           debug diagnostics too (libbpf's included)\n";

static const char usage_check[] =
	"usage: conduct check TRACE [-m MANIFEST] [-p POLICY] [-o OUTDIR] [--fail-on SEVERITY]\n";
static const char usage_diff[] = "usage: conduct diff OLD_REPORT NEW_REPORT [--fail-on SEVERITY]\n";
static const char usage_doctor[] = "usage: conduct doctor\n";
static const char usage_explain[] = "usage: conduct explain RULE_ID [-p POLICY]\n";

const char *cli_usage(const char *topic)
{
	if (!topic)
		return usage_main;
	if (!strcmp(topic, "run"))
		return usage_run;
	if (!strcmp(topic, "check"))
		return usage_check;
	if (!strcmp(topic, "diff"))
		return usage_diff;
	if (!strcmp(topic, "doctor"))
		return usage_doctor;
	if (!strcmp(topic, "explain"))
		return usage_explain;
	return usage_main;
}

int cli_parse_size(const char *s, uint64_t *ret)
{
	unsigned long long v;
	uint64_t mult = 1;
	char *end;

	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -EINVAL;
	switch (*end) {
	case '\0':
		break;
	case 'k':
	case 'K':
		mult = 1ull << 10;
		end++;
		break;
	case 'm':
	case 'M':
		mult = 1ull << 20;
		end++;
		break;
	case 'g':
	case 'G':
		mult = 1ull << 30;
		end++;
		break;
	default:
		return -EINVAL;
	}
	if (*end == 'i' || *end == 'B')
		end += (*end == 'i' && end[1] == 'B') ? 2 : 1;
	if (*end)
		return -EINVAL;
	if (__builtin_mul_overflow((uint64_t)v, mult, ret))
		return -ERANGE;
	return 0;
}

int cli_parse_duration(const char *s, uint64_t *ret)
{
	uint64_t whole = 0, frac = 0, scale = 1000000000ull, fscale = 1;
	const char *p = s;

	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		if (whole > UINT64_MAX / 10 / scale)
			return -ERANGE;
		whole = whole * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		for (p++; isdigit((unsigned char)*p); p++) {
			if (fscale < 1000000000ull) {
				frac = frac * 10 + (uint64_t)(*p - '0');
				fscale *= 10;
			}
		}
	}
	if (!strcmp(p, "ms"))
		scale = 1000000ull;
	else if (!strcmp(p, "s") || !*p)
		scale = 1000000000ull;
	else if (!strcmp(p, "m"))
		scale = 60000000000ull;
	else
		return -EINVAL;
	if (whole > UINT64_MAX / scale)
		return -ERANGE;
	*ret = whole * scale + frac * scale / fscale;
	return 0;
}

enum {
	OPT_NET = 256,
	OPT_DNS,
	OPT_TIMEOUT,
	OPT_LINGER,
	OPT_MEMORY,
	OPT_PIDS,
	OPT_CPU,
	OPT_WORKDIR,
	OPT_LOG_LIMIT,
	OPT_FLOW_BYTES,
	OPT_RINGBUF,
	OPT_TLS_PLAINTEXT,
	OPT_FAIL_ON,
	OPT_HELP,
};

static const struct option long_options[] = {
	{ "manifest", required_argument, NULL, 'm' },
	{ "policy", required_argument, NULL, 'p' },
	{ "outdir", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "net", required_argument, NULL, OPT_NET },
	{ "dns", required_argument, NULL, OPT_DNS },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "linger", required_argument, NULL, OPT_LINGER },
	{ "memory", required_argument, NULL, OPT_MEMORY },
	{ "pids", required_argument, NULL, OPT_PIDS },
	{ "cpu", required_argument, NULL, OPT_CPU },
	{ "workdir", required_argument, NULL, OPT_WORKDIR },
	{ "log-limit", required_argument, NULL, OPT_LOG_LIMIT },
	{ "flow-bytes", required_argument, NULL, OPT_FLOW_BYTES },
	{ "ringbuf", required_argument, NULL, OPT_RINGBUF },
	{ "tls-plaintext", no_argument, NULL, OPT_TLS_PLAINTEXT },
	{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
	{ "help", no_argument, NULL, OPT_HELP },
	{ 0 },
};

/* Which options each subcommand accepts. */
static bool allowed(enum cli_command cmd, int opt)
{
	switch (opt) {
	case 'v':
	case OPT_HELP:
		return true;
	case 'p':
		return cmd == CLI_RUN || cmd == CLI_CHECK || cmd == CLI_EXPLAIN;
	case 'm':
	case 'o':
		return cmd == CLI_RUN || cmd == CLI_CHECK;
	case OPT_FAIL_ON:
		return cmd == CLI_RUN || cmd == CLI_CHECK || cmd == CLI_DIFF;
	default:
		return cmd == CLI_RUN;
	}
}

static int parse_u64_range(const char *s, uint64_t lo, uint64_t hi, uint64_t *ret)
{
	unsigned long long v;
	char *end;

	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -EINVAL;
	*ret = v;
	return 0;
}

static int parse_option(struct cli *c, int opt, const char *arg, struct error *err)
{
	uint64_t v;

	switch (opt) {
	case 'm':
		c->manifest = arg;
		return 0;
	case 'p':
		c->policy = arg;
		return 0;
	case 'o':
		c->outdir = arg;
		return 0;
	case 'q':
		c->quiet = true;
		return 0;
	case 'v':
		c->verbose++;
		return 0;
	case OPT_NET:
		if (!strcmp(arg, "none"))
			c->net = CLI_NET_NONE;
		else if (!strcmp(arg, "nat"))
			c->net = CLI_NET_NAT;
		else if (!strcmp(arg, "host"))
			c->net = CLI_NET_HOST;
		else
			return error_set(err, EINVAL, 0, 0,
					 "--net: '%s' is not one of none, nat, host", arg);
		return 0;
	case OPT_DNS:
		c->dns = arg;
		return 0;
	case OPT_TIMEOUT:
		if (cli_parse_duration(arg, &c->timeout_ns) < 0 || c->timeout_ns == 0)
			return error_set(err, EINVAL, 0, 0, "--timeout: '%s' is not a duration", arg);
		return 0;
	case OPT_LINGER:
		if (cli_parse_duration(arg, &c->linger_ns) < 0)
			return error_set(err, EINVAL, 0, 0, "--linger: '%s' is not a duration", arg);
		return 0;
	case OPT_MEMORY:
		if (cli_parse_size(arg, &c->memory_max) < 0 || c->memory_max < (16u << 20))
			return error_set(err, EINVAL, 0, 0,
					 "--memory: '%s' is not a size of at least 16M", arg);
		return 0;
	case OPT_PIDS:
		if (parse_u64_range(arg, 1, 1u << 22, &c->pids_max) < 0)
			return error_set(err, EINVAL, 0, 0, "--pids: '%s' is not a number from 1",
					 arg);
		return 0;
	case OPT_CPU:
		if (parse_u64_range(arg, 1, 100000, &v) < 0)
			return error_set(err, EINVAL, 0, 0, "--cpu: '%s' is not a percentage", arg);
		c->cpu_percent = (uint32_t)v;
		return 0;
	case OPT_WORKDIR:
		c->workdir = arg;
		return 0;
	case OPT_LOG_LIMIT:
		if (cli_parse_size(arg, &c->log_limit) < 0)
			return error_set(err, EINVAL, 0, 0, "--log-limit: '%s' is not a size", arg);
		return 0;
	case OPT_FLOW_BYTES:
		if (cli_parse_size(arg, &v) < 0 || v < 64 || v > (64u << 20))
			return error_set(err, EINVAL, 0, 0,
					 "--flow-bytes: '%s' is not a size from 64 to 64M", arg);
		c->flow_bytes = (uint32_t)v;
		return 0;
	case OPT_RINGBUF:
		if (cli_parse_size(arg, &v) < 0 || v < 4096 || v > (1u << 30) || (v & (v - 1)))
			return error_set(err, EINVAL, 0, 0,
					 "--ringbuf: '%s' is not a power of two from 4K to 1G", arg);
		c->ringbuf_bytes = (uint32_t)v;
		return 0;
	case OPT_TLS_PLAINTEXT:
		c->tls_plaintext = true;
		return 0;
	case OPT_FAIL_ON:
		if (strcmp(arg, "low") && strcmp(arg, "medium") && strcmp(arg, "high") &&
		    strcmp(arg, "critical") && strcmp(arg, "none"))
			return error_set(err, EINVAL, 0, 0,
					 "--fail-on: '%s' is not one of low, medium, high, critical, none",
					 arg);
		c->fail_on = arg;
		return 0;
	}
	return error_set(err, EINVAL, 0, 0, "unknown option");
}

static const struct {
	const char *name;
	enum cli_command cmd;
	int positionals; /* exact number required (run: 1+, the command) */
} commands[] = {
	{ "run", CLI_RUN, -1 },	  { "check", CLI_CHECK, 1 },	 { "diff", CLI_DIFF, 2 },
	{ "doctor", CLI_DOCTOR, 0 }, { "explain", CLI_EXPLAIN, 1 },
};

int cli_parse(int argc, char **argv, struct cli *ret, struct error *err)
{
	struct cli c = {
		.outdir = "conduct-out",
		.fail_on = "medium",
		.net = CLI_NET_NONE,
		.timeout_ns = 60ull * 1000000000ull,
		.linger_ns = 2ull * 1000000000ull,
		.memory_max = 1ull << 30,
		.pids_max = 512,
		.cpu_percent = 100,
		.log_limit = 64ull << 20,
		.flow_bytes = 16384,
		.ringbuf_bytes = 8u << 20,
	};
	char *pos[3];
	int npos = 0, i, ci = -1, opt;
	const char *name;

	if (argc < 2) {
		c.command = CLI_HELP;
		*ret = c;
		return 0;
	}
	name = argv[1];
	if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
		c.command = CLI_HELP;
		c.help_topic = argc > 2 ? argv[2] : NULL;
		*ret = c;
		return 0;
	}
	if (!strcmp(name, "--version")) {
		c.command = CLI_VERSION;
		*ret = c;
		return 0;
	}
	for (i = 0; i < (int)ARRAY_SIZE(commands); i++)
		if (!strcmp(name, commands[i].name))
			ci = i;
	if (ci < 0)
		return error_set(err, EINVAL, 0, 0, "unknown command '%s'", name);
	c.command = commands[ci].cmd;

	/* Options and positionals may mix; "--" ends options (and, for run, starts COMMAND). */
	optind = 2;
	opterr = 0;
	for (;;) {
		int longidx = 0;

		opt = getopt_long(argc, argv, "+m:p:o:qv", long_options, &longidx);
		if (opt == -1) {
			if (optind < argc && strcmp(argv[optind - 1], "--") != 0 &&
			    c.command != CLI_RUN) {
				if (npos == (int)ARRAY_SIZE(pos))
					return error_set(err, EINVAL, 0, 0,
							 "%s: too many arguments", name);
				pos[npos++] = argv[optind++];
				continue;
			}
			break;
		}
		if (opt == '?' || opt == ':') {
			const char *bad = argv[optind - 1];

			if (optopt && strchr("mpo", optopt))
				return error_set(err, EINVAL, 0, 0, "%s: option '-%c' needs a value",
						 name, optopt);
			return error_set(err, EINVAL, 0, 0, "%s: unknown or incomplete option '%s'",
					 name, bad);
		}
		if (opt == OPT_HELP) {
			c.command = CLI_HELP;
			c.help_topic = name;
			*ret = c;
			return 0;
		}
		if (!allowed(c.command, opt)) {
			if (opt < 256)
				return error_set(err, EINVAL, 0, 0,
						 "%s: option '-%c' does not apply", name, opt);
			return error_set(err, EINVAL, 0, 0, "%s: option '--%s' does not apply", name,
					 long_options[longidx].name);
		}
		{
			int r = parse_option(&c, opt, optarg, err);

			if (r < 0)
				return r;
		}
	}

	switch (c.command) {
	case CLI_RUN:
		if (optind >= argc)
			return error_set(err, EINVAL, 0, 0, "run: no command given (conduct run -- COMMAND [ARG...])");
		c.argv = argv + optind;
		break;
	case CLI_CHECK:
	case CLI_EXPLAIN:
		if (npos != 1)
			return error_set(err, EINVAL, 0, 0, "%s: expected one argument, got %d", name,
					 npos);
		if (c.command == CLI_CHECK)
			c.trace = pos[0];
		else
			c.rule = pos[0];
		break;
	case CLI_DIFF:
		if (npos != 2)
			return error_set(err, EINVAL, 0, 0, "diff: expected two reports, got %d", npos);
		c.old_report = pos[0];
		c.new_report = pos[1];
		break;
	case CLI_DOCTOR:
		if (npos != 0)
			return error_set(err, EINVAL, 0, 0, "doctor: takes no arguments");
		break;
	default:
		break;
	}
	*ret = c;
	return 0;
}
