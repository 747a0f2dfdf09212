/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * loop: the monitor's single-threaded event loop (epoll). The sandbox (child exit, seccomp
 * notifications, stdout/stderr pipes, deadline, signals) and the recorder (ring buffers, drain
 * timer) register their fds here; nothing in the monitor runs on another thread.
 */
#ifndef CONDUCT_LOOP_H
#define CONDUCT_LOOP_H

#include <stdint.h>

struct loop;

/* Called with the epoll events of fd. A negative return stops the loop with that error. */
typedef int (*loop_fn)(void *ctx, int fd, uint32_t events);

int loop_new(struct loop **ret);
/* Closes the timer fds the loop created; fds added with loop_add_fd stay the caller's. */
void loop_free(struct loop *l);

/* Watches fd for events (EPOLLIN, ...). One registration per fd. */
int loop_add_fd(struct loop *l, int fd, uint32_t events, loop_fn fn, void *ctx);
int loop_del_fd(struct loop *l, int fd);

/*
 * A timer firing first after first_ns and then every interval_ns (0: once). Returns the
 * timer's fd (>= 0, owned by the loop) or -errno. loop_del_timer() stops and closes it.
 */
int loop_add_timer(struct loop *l, uint64_t first_ns, uint64_t interval_ns, loop_fn fn, void *ctx);
int loop_del_timer(struct loop *l, int timer_fd);

/* Runs until loop_quit() or a callback error. Returns the quit code or the error. */
int loop_run(struct loop *l);
void loop_quit(struct loop *l, int code);

#endif
