/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * log: diagnostics on stderr, "conduct: " prefixed, lowercase. Only the privileged side and
 * main.c log; pure modules return errors instead.
 */
#ifndef CONDUCT_LOG_H
#define CONDUCT_LOG_H

#include <stddef.h>

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

void log_set_level(enum log_level level);
enum log_level log_get_level(void);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * A one-line status (live progress) redrawn in place on stderr. Log messages and the
 * connector's passed-through output clear it first; it is not drawn over a partial line of
 * the connector's output. Meant for a terminal: the caller decides whether to use it.
 */
void log_status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_status_clear(void);
/* Writes the connector's output bytes to stderr, clearing the status line first. */
int log_passthrough(const void *buf, size_t n);

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
