/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * main: the command line, the wiring of the pipeline (launch -> record -> judge -> report)
 * and the exit status. The only file that calls exit(). Exit status (DESIGN.md §2):
 * 0 compliant, 1 findings at or above --fail-on, 2 bad usage or input file, 3 the monitor
 * itself could not run.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "doctor.h"
#include "judge/judge.h"
#include "record/record.h"
#include "record/trace.h"
#include "report/report.h"
#include "sandbox/sandbox.h"
#include "util/jsonx.h"
#include "util/log.h"
#include "util/loop.h"
#include "util/util.h"

enum { EXIT_PASS = 0, EXIT_FINDINGS = 1, EXIT_USAGE = 2, EXIT_MONITOR = 3 };

/* policies/ next to an installed binary (PREFIX/share/conduct) or in the source tree. */
static int find_policy_dir(char *out, size_t len)
{
	static const char *const rel[] = { "/../share/conduct/policies", "/../policies" };
	char exe[PATH_MAX], *slash;
	ssize_t n;
	size_t i;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		return -errno;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return -ENOENT;
	*slash = '\0';
	for (i = 0; i < ARRAY_SIZE(rel); i++) {
		char cand[PATH_MAX + 64], real[PATH_MAX], probe[PATH_MAX + 32];

		snprintf(cand, sizeof(cand), "%s%s", exe, rel[i]);
		if (!realpath(cand, real))
			continue;
		snprintf(probe, sizeof(probe), "%s/marketplace.json", real);
		if (access(probe, R_OK) == 0) {
			snprintf(out, len, "%s", real);
			return 0;
		}
	}
	return -ENOENT;
}

static void print_file_error(const char *file, const struct error *err)
{
	if (err->line)
		fprintf(stderr, "%s:%u:%u: %s\n", file, err->line, err->column, err->text);
	else
		fprintf(stderr, "%s: %s\n", file, err->text);
}

static int load_policy(const char *path, struct policy **ret)
{
	char dir[PATH_MAX], def[PATH_MAX + 32];
	struct error err = { 0 };
	int r;

	if (!path) {
		r = find_policy_dir(dir, sizeof(dir));
		if (r < 0) {
			log_error("cannot find the default policy (policies/marketplace.json next "
				  "to the binary); give one with -p");
			return EXIT_USAGE;
		}
		snprintf(def, sizeof(def), "%s/marketplace.json", dir);
		path = def;
	}
	r = policy_load(path, ret, &err);
	if (r < 0) {
		print_file_error(path, &err);
		return EXIT_USAGE;
	}
	return 0;
}

static int ensure_dir(const char *path)
{
	if (mkdir(path, 0755) < 0 && errno != EEXIST) {
		int r = -errno;

		log_error("cannot create '%s': %s", path, strerror(-r));
		return r;
	}
	return 0;
}

/*
 * The trace header names the policy the run was judged with; judged with another, the report
 * will not be the run's. Worth a warning, not an error (re-judging under a newer policy is
 * legitimate). A header that cannot be read is left to the judge to report.
 */
static void warn_other_policy(const char *trace_path, const struct policy *p)
{
	_cleanup_fclose_ FILE *f = fopen(trace_path, "re");
	json_auto_t *h = NULL;
	const char *sha;

	if (!f)
		return;
	h = json_loadf(f, JSON_DISABLE_EOF_CHECK, NULL);
	sha = json_string_value(json_object_get(json_object_get(h, "policy"), "sha256"));
	if (sha && strcmp(sha, policy_sha256(p)) != 0)
		log_warn("'%s' was recorded under policy '%s' (sha256 %.16s...); judging it with "
			 "'%s' (sha256 %.16s...): the report may differ from the run's",
			 trace_path,
			 json_string_value(json_object_get(json_object_get(h, "policy"), "id")) ?: "?",
			 sha, policy_id(p), policy_sha256(p));
}

/* Judges trace_path and writes the reports; the shared tail of `run` and `check`. */
static int judge_and_report(const char *trace_path, const struct manifest *manifest,
			    const struct policy *policy, const char *outdir, const char *fail_on)
{
	json_auto_t *report = NULL, *rules = NULL;
	struct error err = { 0 };
	enum severity threshold, worst;
	const char *verdict;
	int r;

	r = judge_check_file(trace_path, manifest, policy, &report, &err);
	if (r < 0) {
		print_file_error(trace_path, &err);
		return EXIT_USAGE;
	}
	warn_other_policy(trace_path, policy);
	rules = policy_rules_json(policy);
	if (!rules)
		return EXIT_MONITOR;
	if (ensure_dir(outdir) < 0)
		return EXIT_MONITOR;
	r = report_write_all(outdir, report, rules, &err);
	if (r < 0) {
		log_error("cannot write the reports to '%s': %s", outdir, err.text);
		return EXIT_MONITOR;
	}
	report_write_text(stdout, report, isatty(STDOUT_FILENO));
	fflush(stdout);
	if (severity_parse(fail_on, &threshold) < 0)
		threshold = SEV_MEDIUM;
	if (threshold == SEV_NONE)
		return EXIT_PASS;
	/* a record that cannot be trusted is never compliant, whatever --fail-on says */
	verdict = json_string_value(json_object_get(report, "verdict"));
	if (verdict && !strcmp(verdict, "incomplete"))
		return EXIT_FINDINGS;
	worst = judge_max_severity(report);
	if (worst >= threshold)
		return EXIT_FINDINGS;
	return EXIT_PASS;
}

static int cmd_check(const struct cli *c)
{
	struct manifest *m = NULL;
	struct policy *p = NULL;
	struct error err = { 0 };
	int r;

	r = load_policy(c->policy, &p);
	if (r)
		return r;
	if (c->manifest && manifest_load(c->manifest, &m, &err) < 0) {
		print_file_error(c->manifest, &err);
		policy_free(p);
		return EXIT_USAGE;
	}
	r = judge_and_report(c->trace, m, p, c->outdir, c->fail_on);
	manifest_free(m);
	policy_free(p);
	return r;
}

static int cmd_diff(const struct cli *c)
{
	json_auto_t *a = NULL, *b = NULL, *changes = NULL;
	struct error err = { 0 };
	enum severity threshold, s;
	json_t *e;
	size_t i;

	if (report_load(c->old_report, &a, &err) < 0) {
		print_file_error(c->old_report, &err);
		return EXIT_USAGE;
	}
	if (report_load(c->new_report, &b, &err) < 0) {
		print_file_error(c->new_report, &err);
		return EXIT_USAGE;
	}
	if (report_diff(a, b, &changes) < 0)
		return EXIT_MONITOR;
	report_write_diff_text(stdout, changes, isatty(STDOUT_FILENO));
	if (severity_parse(c->fail_on, &threshold) < 0 || threshold == SEV_NONE)
		return EXIT_PASS;
	json_array_foreach(json_object_get(changes, "appeared"), i, e)
	{
		const char *sev = json_string_value(json_object_get(e, "severity"));

		if (sev && severity_parse(sev, &s) == 0 && s >= threshold)
			return EXIT_FINDINGS;
	}
	json_array_foreach(json_object_get(changes, "changed"), i, e)
	{
		const char *sev = json_string_value(json_object_get(e, "severity"));
		const char *was = json_string_value(json_object_get(e, "was"));
		enum severity w;

		if (sev && was && severity_parse(sev, &s) == 0 && severity_parse(was, &w) == 0 &&
		    s > w && s >= threshold)
			return EXIT_FINDINGS;
	}
	return EXIT_PASS;
}

static int cmd_explain(const struct cli *c)
{
	struct policy *p = NULL;
	int r;

	r = load_policy(c->policy, &p);
	if (r)
		return r;
	r = policy_explain(p, c->rule, stdout);
	policy_free(p);
	if (r == -ENOENT) {
		log_error("no rule '%s' in the policy; `conduct explain` takes an id such as "
			  "DP-2.tls-version",
			  c->rule);
		return EXIT_USAGE;
	}
	return r < 0 ? EXIT_MONITOR : EXIT_PASS;
}

/* --- run ---------------------------------------------------------------------------------- */

struct run_ctx {
	struct sandbox *sb;
	struct record *rec;
	struct trace_writer *w;
	struct loop *loop;
	int sigfd;
};

static int on_signal(void *ctx, int fd, uint32_t events)
{
	struct run_ctx *rc = ctx;
	struct signalfd_siginfo si;

	while (read(fd, &si, sizeof(si)) == sizeof(si)) {
		log_warn("got %s: stopping the run, the trace and reports are still written",
			 strsignal((int)si.ssi_signo));
		sandbox_interrupt(rc->sb);
	}
	return 0;
}

/* The loop timer behind the live status line: elapsed, events, flows, losses. */
static int on_progress(void *ctx, int fd, uint32_t events)
{
	struct run_ctx *rc = ctx;
	struct record_stats st;
	uint64_t t = trace_now(rc->w);

	record_stats(rc->rec, &st);
	log_status("[conduct] %3llu.%llus  events %llu  flows %llu  lost %llu",
		   (unsigned long long)(t / 1000000000ull), (unsigned long long)(t / 100000000ull % 10),
		   (unsigned long long)st.events, (unsigned long long)st.flows,
		   (unsigned long long)st.lost);
	return 0;
}

static json_t *build_header(const struct cli *c, struct sandbox *sb, const struct manifest *m,
			    const struct policy *p, int64_t started)
{
	json_t *h = json_object(), *cmd = json_array(), *pol = json_object();
	struct utsname u;
	char when[21];
	int i;

	if (!h || !cmd || !pol)
		goto fail;
	uname(&u);
	format_utc(started, when);
	/* the connector's argv may hold bytes that are not UTF-8: kept escaped, never dropped */
	for (i = 0; c->argv[i]; i++)
		json_array_append_new(cmd, jsonx_string_bytes(c->argv[i], strlen(c->argv[i])));
	json_object_set_new(pol, "id", json_string(policy_id(p)));
	json_object_set_new(pol, "sha256", json_string(policy_sha256(p)));
	json_object_set_new(h, "kind", json_string("header"));
	json_object_set_new(h, "format", json_integer(1));
	json_object_set_new(h, "tool", json_string("conduct " CONDUCT_VERSION));
	json_object_set_new(h, "kernel", json_sprintf("%s %s", u.sysname, u.release));
	json_object_set_new(h, "started", json_string(when));
	json_object_set_new(h, "command", cmd);
	json_object_set_new(h, "sandbox", sandbox_describe(sb));
	json_object_set_new(h, "manifest", m ? manifest_to_json(m) : json_null());
	json_object_set_new(h, "policy", pol);
	json_object_set_new(h, "canaries", sandbox_canaries(sb));
	return h;
fail:
	json_decref(h);
	json_decref(cmd);
	json_decref(pol);
	return NULL;
}

static int emit_run_end(struct trace_writer *w, const struct sandbox_result *res,
			const struct record_stats *st)
{
	json_auto_t *f = json_object();

	if (!f)
		return -ENOMEM;
	json_object_set_new(f, "exit_code", json_integer(res->exit_code));
	json_object_set_new(f, "signal", json_integer(res->signal));
	json_object_set_new(f, "exec_errno", json_integer(res->exec_errno));
	json_object_set_new(f, "timed_out", json_boolean(res->timed_out));
	json_object_set_new(f, "interrupted", json_boolean(res->interrupted));
	json_object_set_new(f, "bad_arch_killed", json_boolean(res->bad_arch_killed));
	json_object_set_new(f, "killed_leftovers", json_boolean(res->killed_leftovers));
	json_object_set_new(f, "duration_ns", json_integer((json_int_t)res->duration_ns));
	json_object_set_new(f, "events", json_integer((json_int_t)st->events));
	json_object_set_new(f, "lost", json_integer((json_int_t)st->lost));
	json_object_set_new(f, "log_dropped", json_integer((json_int_t)res->log_dropped));
	return (int)trace_emit(w, "run.end", trace_now(w), 0, f);
}

static void describe_end(const struct sandbox_result *res)
{
	if (res->exec_errno)
		log_error("the connector could not be started: %s", strerror(res->exec_errno));
	else if (res->timed_out)
		log_warn("the run timed out: every process of the run was killed at the deadline");
	else if (res->signal)
		log_info("the connector was killed by signal %d (%s)%s", res->signal,
			 strsignal(res->signal),
			 res->bad_arch_killed ? ": a foreign-architecture system call (x32 or int "
						"0x80) is fatal in the sandbox"
					      : "");
	else
		log_info("the connector exited with status %d", res->exit_code);
	if (res->killed_leftovers)
		log_info("processes that outlived the connector were killed at the end of the run");
}

static int cmd_run(const struct cli *c)
{
	struct policy *p = NULL;
	struct manifest *m = NULL;
	struct run_ctx rc = { .sigfd = -1 };
	struct error err = { 0 };
	struct sandbox_result res = { 0 };
	struct record_stats st = { 0 };
	struct sandbox_secret *secrets = NULL;
	json_t *header = NULL;
	char outdir[PATH_MAX], trace_path[PATH_MAX + 16];
	const char *const *snames = NULL, *const *senvs = NULL;
	size_t nsec = 0, i;
	sigset_t mask;
	int64_t started;
	int r, status = EXIT_MONITOR;

	r = load_policy(c->policy, &p);
	if (r)
		return r;
	if (c->manifest) {
		if (manifest_load(c->manifest, &m, &err) < 0) {
			print_file_error(c->manifest, &err);
			policy_free(p);
			return EXIT_USAGE;
		}
		nsec = manifest_secrets(m, &snames, &senvs);
	}
	if (geteuid() != 0) {
		log_error("conduct run needs root (CAP_SYS_ADMIN, CAP_BPF, CAP_NET_ADMIN) to build "
			  "the sandbox and load the eBPF recorder; `conduct doctor` says more");
		status = EXIT_MONITOR;
		goto out;
	}
	if (ensure_dir(c->outdir) < 0 || !realpath(c->outdir, outdir))
		goto out;
	snprintf(trace_path, sizeof(trace_path), "%s/trace.jsonl", outdir);

	secrets = calloc(nsec ? nsec : 1, sizeof(*secrets));
	if (!secrets)
		goto out;
	for (i = 0; i < nsec; i++)
		secrets[i] = (struct sandbox_secret){ .name = snames[i], .env = senvs[i] };

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sigdelset(&mask, SIGCHLD);
	rc.sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (rc.sigfd < 0 || loop_new(&rc.loop) < 0)
		goto out;

	{
		struct sandbox_config cfg = {
			.argv = c->argv,
			.outdir = outdir,
			.workdir = c->workdir,
			.policy_dir = policy_dir(p),
			.net = (enum sandbox_net)c->net,
			.dns = c->dns,
			.timeout_ns = c->timeout_ns,
			.linger_ns = c->linger_ns,
			.memory_max = c->memory_max,
			.pids_max = c->pids_max,
			.cpu_percent = c->cpu_percent,
			.log_limit = c->log_limit,
			.quiet = c->quiet,
			.secrets = secrets,
			.n_secrets = nsec,
		};

		r = sandbox_new(&cfg, rc.loop, &rc.sb, &err);
		if (r < 0) {
			log_error("cannot build the sandbox: %s", err.text);
			status = r == -EINVAL ? EXIT_USAGE : EXIT_MONITOR;
			goto out;
		}
	}
	started = (int64_t)time(NULL);
	r = trace_writer_open(trace_path, now_monotonic_ns(), &rc.w);
	if (r < 0) {
		log_error("cannot create '%s': %s", trace_path, strerror(-r));
		goto out;
	}
	header = build_header(c, rc.sb, m, p, started);
	if (!header || trace_write_header(rc.w, header) < 0) {
		log_error("cannot write the trace header to '%s'", trace_path);
		goto out;
	}
	{
		struct record_config rcfg = {
			.flow_bytes = c->flow_bytes,
			.ringbuf_bytes = c->ringbuf_bytes,
			.tls_plaintext = c->tls_plaintext,
		};

		r = record_new(&rcfg, rc.sb, rc.loop, rc.w, &rc.rec, &err);
		if (r < 0) {
			log_error("cannot start the eBPF recorder: %s", err.text);
			goto out;
		}
	}
	if (loop_add_fd(rc.loop, rc.sigfd, EPOLLIN, on_signal, &rc) < 0)
		goto out;
	/* a live status line on a terminal only */
	if (isatty(STDERR_FILENO) &&
	    loop_add_timer(rc.loop, 200000000ull, 200000000ull, on_progress, &rc) < 0)
		goto out;

	r = sandbox_start(rc.sb, rc.w);
	if (r < 0) {
		log_error("cannot start the connector: %s", strerror(-r));
		goto out;
	}
	r = loop_run(rc.loop);
	if (r < 0)
		log_error("the monitor's event loop failed: %s", strerror(-r));
	log_status_clear();
	r = sandbox_finish(rc.sb, &res);
	if (r < 0)
		log_error("cannot collect the run's end: %s", strerror(-r));
	r = record_finish(rc.rec);
	if (r < 0)
		log_error("the recorder's final drain failed: %s", strerror(-r));
	record_stats(rc.rec, &st);
	emit_run_end(rc.w, &res, &st);
	describe_end(&res);
	record_free(rc.rec);
	rc.rec = NULL;
	sandbox_free(rc.sb);
	rc.sb = NULL;
	trace_writer_free(rc.w);
	rc.w = NULL;

	status = judge_and_report(trace_path, m, p, outdir, c->fail_on);
	fprintf(stderr, "conduct: trace and reports in %s\n", outdir);
out:
	json_decref(header);
	record_free(rc.rec);
	sandbox_free(rc.sb);
	trace_writer_free(rc.w);
	loop_free(rc.loop);
	if (rc.sigfd >= 0)
		close(rc.sigfd);
	free(secrets);
	manifest_free(m);
	policy_free(p);
	return status;
}

int main(int argc, char **argv)
{
	struct cli c;
	struct error err = { 0 };
	int r;

	r = cli_parse(argc, argv, &c, &err);
	if (r < 0) {
		fprintf(stderr, "conduct: %s\n\n%s", err.text,
			cli_usage(argc > 1 ? argv[1] : NULL));
		exit(EXIT_USAGE);
	}
	/* informational messages show by default; -v adds the debug ones */
	if (c.verbose)
		log_set_level(LOG_DEBUG);
	switch (c.command) {
	case CLI_HELP:
		fputs(cli_usage(c.help_topic), stdout);
		exit(EXIT_PASS);
	case CLI_VERSION:
		puts("conduct " CONDUCT_VERSION);
		exit(EXIT_PASS);
	case CLI_RUN:
		exit(cmd_run(&c));
	case CLI_CHECK:
		exit(cmd_check(&c));
	case CLI_DIFF:
		exit(cmd_diff(&c));
	case CLI_DOCTOR:
		exit(doctor_run(stdout) ? EXIT_MONITOR : EXIT_PASS);
	case CLI_EXPLAIN:
		exit(cmd_explain(&c));
	}
	exit(EXIT_USAGE);
}
