/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * record: loads the eBPF programs of bpf/, scopes them to the run's cgroup, drains the
 * ring buffers on the loop's timer, resolves paths, and writes normalized events to the trace.
 * Counts every lost event and writes monitor.loss; never hides a loss.
 *
 * Lifecycle, driven by main.c: record_new() after sandbox_new() and the trace header, before
 * sandbox_start(); record_finish() after sandbox_finish() (final drain, fanotify, inventory of
 * the writable mounts through the sandbox's root fd); record_free().
 */
#ifndef CONDUCT_RECORD_H
#define CONDUCT_RECORD_H

#include <stdbool.h>
#include <stdint.h>

#include "util/util.h"

struct loop;
struct trace_writer;
struct sandbox;

struct record_config {
	uint32_t flow_bytes;	 /* bytes kept per flow per direction (default 16384) */
	uint32_t ringbuf_bytes;	 /* data ring size (default 8 MiB); critical ring is separate */
	bool tls_plaintext;	 /* uprobes on libssl SSL_write/SSL_read */
};

struct record_stats {
	uint64_t events;
	uint64_t flows;
	uint64_t lost;
};

struct record;

/* Fails with -errno and err->text naming the missing kernel feature (main exits 3). */
int record_new(const struct record_config *cfg, struct sandbox *sb, struct loop *loop,
	       struct trace_writer *w, struct record **ret, struct error *err);
void record_stats(const struct record *rec, struct record_stats *ret);
/* Final drain and the post-run inventory; writes monitor.loss when anything was lost. */
int record_finish(struct record *rec);
void record_free(struct record *rec);

#endif
