/* SPDX-License-Identifier: GPL-2.0-only */
/* util: see util.h. No logging, no exit. */
#include "util/util.h"

#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

int error_set(struct error *err, int code, unsigned int line, unsigned int column, const char *fmt,
	      ...)
{
	if (err) {
		va_list ap;

		err->line = line;
		err->column = column;
		va_start(ap, fmt);
		vsnprintf(err->text, sizeof(err->text), fmt, ap);
		va_end(ap);
	}
	return -code;
}

int array_grow(void **array, size_t *cap, size_t need, size_t elem_size)
{
	size_t ncap, bytes;
	void *p;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap : 8;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return -EOVERFLOW;
		ncap *= 2;
	}
	if (!mul_ok(ncap, elem_size, &bytes))
		return -EOVERFLOW;
	p = realloc(*array, bytes);
	if (!p)
		return -ENOMEM;
	*array = p;
	*cap = ncap;
	return 0;
}

int read_file_bounded(const char *path, size_t max, char **ret_data, size_t *ret_len)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, cap = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n;
		int r;

		if (len == cap) {
			if (cap > max)
				return -EFBIG;
			r = array_grow((void **)&buf, &cap, len + 65536, 1);
			if (r < 0)
				return r;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max)
			return -EFBIG;
	}
	{
		int r = array_grow((void **)&buf, &cap, len + 1, 1);

		if (r < 0)
			return r;
	}
	buf[len] = '\0';
	*ret_data = steal_ptr(&buf);
	*ret_len = len;
	return 0;
}

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

uint64_t now_monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void format_utc(int64_t epoch_s, char out[static 21])
{
	time_t t = (time_t)epoch_s;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int parse_utc(const char *s, int64_t *ret_epoch_s)
{
	struct tm tm = { 0 };
	const char *end;

	end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (!end || *end)
		return -EINVAL;
	*ret_epoch_s = (int64_t)timegm(&tm);
	return 0;
}
