/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * report_write_all: the three report files of a run, each written to a temporary file in
 * OUTDIR and renamed over the final name once complete and synced, so a reader (or a crash)
 * never sees half a report. report.json goes last: its presence means the others are there.
 */
#include "report/report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/util.h"

enum kind { K_JSON, K_SARIF, K_HTML };

static int render(FILE *f, enum kind k, const json_t *report, const json_t *rules)
{
	switch (k) {
	case K_JSON:
		return report_write_json(f, report);
	case K_SARIF:
		return report_write_sarif(f, report, rules);
	case K_HTML:
		return report_write_html(f, report, rules);
	}
	return -EINVAL;
}

static int write_one(const char *outdir, const char *name, enum kind k, const json_t *report,
		     const json_t *rules, struct error *err)
{
	_cleanup_free_ char *tmp = NULL, *final = NULL;
	FILE *f = NULL;
	int fd, r;

	if (asprintf(&tmp, "%s/.%s.XXXXXX", outdir, name) < 0 ||
	    asprintf(&final, "%s/%s", outdir, name) < 0)
		return error_set(err, ENOMEM, 0, 0, "out of memory");
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		return error_set(err, -r, 0, 0, "cannot create a file in '%s': %s", outdir,
				 strerror(-r));
	}
	if (fchmod(fd, 0644) < 0) {
		r = -errno;
		goto fail_fd;
	}
	f = fdopen(fd, "w");
	if (!f) {
		r = -errno;
		goto fail_fd;
	}
	r = render(f, k, report, rules);
	if (r == 0 && fsync(fileno(f)) < 0)
		r = -errno;
	if (fclose(f) != 0 && r == 0)
		r = -errno;
	if (r < 0)
		goto fail;
	if (rename(tmp, final) < 0) {
		r = -errno;
		goto fail;
	}
	return 0;
fail_fd:
	close(fd);
fail:
	unlink(tmp);
	return error_set(err, r == -ENOMEM ? ENOMEM : -r, 0, 0, "cannot write '%s': %s", final,
			 strerror(-r));
}

int report_write_all(const char *outdir, const json_t *report, const json_t *rules,
		     struct error *err)
{
	static const struct {
		const char *name;
		enum kind kind;
	} files[] = { { "report.sarif", K_SARIF },
		      { "report.html", K_HTML },
		      { "report.json", K_JSON } };
	_cleanup_close_ int dfd = -1;
	size_t i;
	int r;

	if (!outdir || !json_is_object(report))
		return error_set(err, EINVAL, 0, 0, "no report to write");
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		r = write_one(outdir, files[i].name, files[i].kind, report, rules, err);
		if (r < 0)
			return r;
	}
	/* The renames themselves survive a crash once the directory is synced. */
	dfd = open(outdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0)
		fsync(dfd);
	return 0;
}
