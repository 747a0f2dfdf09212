/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * util: small side-effect-free helpers shared by every module, and the one documented set of
 * cleanup attributes (_cleanup_free_, _cleanup_close_, _cleanup_fclose_, json_auto_t comes
 * from jansson). steal_ptr() hands ownership out of a cleanup-scoped variable.
 */
#ifndef CONDUCT_UTIL_H
#define CONDUCT_UTIL_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

#define _cleanup_free_ __attribute__((cleanup(freep)))
#define _cleanup_close_ __attribute__((cleanup(closep)))
#define _cleanup_fclose_ __attribute__((cleanup(fclosep)))

/* Returns *pp and sets *pp to NULL: hands ownership out of a _cleanup_ variable. */
#define steal_ptr(pp)                                                                              \
	({                                                                                         \
		__typeof__(*(pp)) _tmp = *(pp);                                                    \
		*(pp) = NULL;                                                                      \
		_tmp;                                                                              \
	})

#define steal_fd(pfd)                                                                              \
	({                                                                                         \
		int _tmp = *(pfd);                                                                 \
		*(pfd) = -1;                                                                       \
		_tmp;                                                                              \
	})

/*
 * Where a user-supplied file is at fault, pure modules fill this and return a negative errno;
 * the caller prints "file:line:column: text" once. line/column are 1-based, 0 when unknown.
 */
struct error {
	unsigned int line;
	unsigned int column;
	char text[512];
};

/* Fills err (may be NULL) with a formatted message; always returns -code (code > 0). */
int error_set(struct error *err, int code, unsigned int line, unsigned int column, const char *fmt,
	      ...) __attribute__((format(printf, 5, 6)));

/* Overflow-checked a * b; returns false on overflow. */
static inline int mul_ok(size_t a, size_t b, size_t *ret)
{
	return !__builtin_mul_overflow(a, b, ret);
}

/*
 * Grows *array (of elem_size elements, *cap of them allocated) so that it holds at least
 * need elements. Never loses the old array on failure. Returns 0 or -ENOMEM/-EOVERFLOW.
 */
int array_grow(void **array, size_t *cap, size_t need, size_t elem_size);

/* Reads a whole file of at most max bytes. Returns 0, -EFBIG when larger, or -errno. */
int read_file_bounded(const char *path, size_t max, char **ret_data, size_t *ret_len);

/* Writes buf to fd completely, retrying on EINTR and short writes. */
int write_all(int fd, const void *buf, size_t len);

/* CLOCK_MONOTONIC in nanoseconds (the clock bpf_ktime_get_ns() reads). */
uint64_t now_monotonic_ns(void);

/* Formats seconds since the epoch as "YYYY-MM-DDTHH:MM:SSZ" into out (>= 21 bytes). */
void format_utc(int64_t epoch_s, char out[static 21]);

/* Parses "YYYY-MM-DDTHH:MM:SSZ"; returns 0 or -EINVAL. */
int parse_utc(const char *s, int64_t *ret_epoch_s);

#endif
