/* SPDX-License-Identifier: GPL-2.0-only */
/* log: see log.h. One write(2) per message so lines from several processes do not interleave. */
#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"

static enum log_level current_level = LOG_INFO;
static int status_drawn;	  /* the status line is on the screen */
static int passthrough_midline; /* the connector's last byte on stderr was not a newline */

void log_status_clear(void)
{
	if (status_drawn) {
		(void)!write(STDERR_FILENO, "\r\033[K", 4);
		status_drawn = 0;
	}
}

void log_status(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	if (passthrough_midline)
		return;
	memcpy(buf, "\r\033[K", 4);
	va_start(ap, fmt);
	n = vsnprintf(buf + 4, sizeof(buf) - 4, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	n = MIN(n + 4, (int)sizeof(buf) - 1);
	(void)!write(STDERR_FILENO, buf, (size_t)n);
	status_drawn = 1;
}

int log_passthrough(const void *buf, size_t n)
{
	if (!n)
		return 0;
	log_status_clear();
	passthrough_midline = ((const char *)buf)[n - 1] != '\n';
	return write_all(STDERR_FILENO, buf, n);
}

void log_set_level(enum log_level level)
{
	current_level = level;
}

enum log_level log_get_level(void)
{
	return current_level;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	static const char *const prefix[] = { "error: ", "warning: ", "", "debug: " };
	char buf[2048];
	va_list ap;
	int n, m;

	if (level > current_level)
		return;
	log_status_clear();
	n = snprintf(buf, sizeof(buf), "conduct: %s", prefix[level]);
	va_start(ap, fmt);
	m = vsnprintf(buf + n, sizeof(buf) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (m < 0)
		return;
	n += m;
	if ((size_t)n > sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	(void)!write(STDERR_FILENO, buf, (size_t)n);
}
