/* SPDX-License-Identifier: GPL-2.0-only */
/* trace: see trace.h. */
#include "record/trace.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/util.h"

struct trace_writer {
	int fd;
	uint64_t t0;
	long lines;
	int error; /* first write error; later emits fail with it */
};

int trace_writer_open(const char *path, uint64_t t0_ns, struct trace_writer **ret)
{
	struct trace_writer *w;

	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	/*
	 * 0600: the trace holds the run's canary values, and the sandbox may see the output
	 * directory (read-only); the run's uid is nobody on the host and must not read it.
	 */
	w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
	/* fchmod too: an older trace keeps its mode through O_TRUNC */
	if (w->fd < 0 || fchmod(w->fd, 0600) < 0) {
		int r = -errno;

		if (w->fd >= 0)
			close(w->fd);
		free(w);
		return r;
	}
	w->t0 = t0_ns;
	*ret = w;
	return 0;
}

void trace_writer_free(struct trace_writer *w)
{
	if (!w)
		return;
	if (w->fd >= 0) {
		fsync(w->fd);
		close(w->fd);
	}
	free(w);
}

static int write_line(struct trace_writer *w, const json_t *obj)
{
	_cleanup_free_ char *s = NULL;
	size_t n;
	int r;

	if (w->error)
		return w->error;
	s = json_dumps(obj, JSON_COMPACT | JSON_ENSURE_ASCII);
	if (!s)
		return -ENOMEM;
	n = strlen(s);
	s[n] = '\n'; /* json_dumps' NUL becomes the line end; the write stops before it */
	r = write_all(w->fd, s, n + 1);
	s[n] = '\0';
	if (r < 0) {
		w->error = r;
		return r;
	}
	w->lines++;
	return 0;
}

int trace_write_header(struct trace_writer *w, const json_t *header)
{
	if (w->lines != 0)
		return -EALREADY;
	return write_line(w, header);
}

long trace_emit(struct trace_writer *w, const char *kind, uint64_t t_ns, int pid,
		const json_t *fields)
{
	json_auto_t *o = json_object();
	const char *key;
	json_t *v;
	int r;

	if (!o)
		return -ENOMEM;
	if (w->lines == 0)
		return -ENOTCONN;
	if (json_object_set_new(o, "kind", json_string(kind)) ||
	    json_object_set_new(o, "t", json_integer((json_int_t)t_ns)) ||
	    json_object_set_new(o, "pid", json_integer(pid)))
		return -ENOMEM;
	if (fields) {
		json_object_foreach((json_t *)fields, key, v)
		{
			if (json_object_set(o, key, v))
				return -ENOMEM;
		}
	}
	r = write_line(w, o);
	if (r < 0)
		return r;
	return w->lines;
}

uint64_t trace_now(const struct trace_writer *w)
{
	return trace_t(w, now_monotonic_ns());
}

uint64_t trace_t(const struct trace_writer *w, uint64_t mono_ns)
{
	return mono_ns > w->t0 ? mono_ns - w->t0 : 0;
}
