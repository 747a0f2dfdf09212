/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * trace: the JSONL trace writer (DESIGN.md §3). Line 1 is the header; every later line is
 * {"kind","t","pid",...fields}. Each line goes to the file with one write(2) as it is emitted,
 * so a crash of the connector or a SIGINT of conduct leaves a valid trace of all seen so far.
 * The reader lives in judge/ (it must run unprivileged, anywhere).
 */
#ifndef CONDUCT_TRACE_H
#define CONDUCT_TRACE_H

#include <jansson.h>
#include <stdint.h>

struct trace_writer;

/* Creates (truncates) path. t0_ns is the CLOCK_MONOTONIC instant that is t = 0. */
int trace_writer_open(const char *path, uint64_t t0_ns, struct trace_writer **ret);
void trace_writer_free(struct trace_writer *w);

/* Writes line 1. Must be called once, before any trace_emit(). Borrows header. */
int trace_write_header(struct trace_writer *w, const json_t *header);

/*
 * Appends {"kind":kind,"t":t_ns,"pid":pid, <fields in order>}. Borrows fields (NULL: none).
 * Returns the line number written (>= 2) or -errno. pid is the pid in the sandbox's pid
 * namespace (0 when unknown, e.g. monitor.loss).
 */
long trace_emit(struct trace_writer *w, const char *kind, uint64_t t_ns, int pid,
		const json_t *fields);

/* Nanoseconds since t0 by CLOCK_MONOTONIC; t for events the monitor itself observes. */
uint64_t trace_now(const struct trace_writer *w);
/* Converts a CLOCK_MONOTONIC timestamp (bpf_ktime_get_ns) to t; 0 if before t0. */
uint64_t trace_t(const struct trace_writer *w, uint64_t mono_ns);

#endif
