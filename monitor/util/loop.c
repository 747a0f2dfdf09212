/* SPDX-License-Identifier: GPL-2.0-only */
/* loop: see loop.h. */
#include "util/loop.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "util/util.h"

struct watch {
	int fd;
	bool timer;
	loop_fn fn;
	void *ctx;
};

struct loop {
	int epfd;
	bool quit;
	int code;
	struct watch **watches;
	size_t n_watches, cap_watches;
};

int loop_new(struct loop **ret)
{
	struct loop *l = calloc(1, sizeof(*l));

	if (!l)
		return -ENOMEM;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0) {
		int r = -errno;

		free(l);
		return r;
	}
	*ret = l;
	return 0;
}

void loop_free(struct loop *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->n_watches; i++) {
		if (l->watches[i]->timer)
			close(l->watches[i]->fd);
		free(l->watches[i]);
	}
	free(l->watches);
	if (l->epfd >= 0)
		close(l->epfd);
	free(l);
}

static int add_watch(struct loop *l, int fd, uint32_t events, bool timer, loop_fn fn, void *ctx)
{
	struct epoll_event ev = { .events = events };
	struct watch *w;
	int r;

	r = array_grow((void **)&l->watches, &l->cap_watches, l->n_watches + 1, sizeof(*l->watches));
	if (r < 0)
		return r;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	*w = (struct watch){ .fd = fd, .timer = timer, .fn = fn, .ctx = ctx };
	ev.data.ptr = w;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		r = -errno;
		free(w);
		return r;
	}
	l->watches[l->n_watches++] = w;
	return 0;
}

int loop_add_fd(struct loop *l, int fd, uint32_t events, loop_fn fn, void *ctx)
{
	return add_watch(l, fd, events, false, fn, ctx);
}

static int del_watch(struct loop *l, int fd, bool timer)
{
	size_t i;

	for (i = 0; i < l->n_watches; i++) {
		struct watch *w = l->watches[i];

		if (w->fd != fd || w->timer != timer)
			continue;
		epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
		/* A callback may delete a watch while its epoll batch is pending: disarm, free later. */
		w->fn = NULL;
		if (timer)
			close(fd);
		w->fd = -1;
		return 0;
	}
	return -ENOENT;
}

int loop_del_fd(struct loop *l, int fd)
{
	return del_watch(l, fd, false);
}

int loop_add_timer(struct loop *l, uint64_t first_ns, uint64_t interval_ns, loop_fn fn, void *ctx)
{
	struct itimerspec its = { 0 };
	int fd, r;

	if (first_ns == 0)
		first_ns = 1;
	fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (fd < 0)
		return -errno;
	its.it_value.tv_sec = (time_t)(first_ns / 1000000000ull);
	its.it_value.tv_nsec = (long)(first_ns % 1000000000ull);
	its.it_interval.tv_sec = (time_t)(interval_ns / 1000000000ull);
	its.it_interval.tv_nsec = (long)(interval_ns % 1000000000ull);
	if (timerfd_settime(fd, 0, &its, NULL) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	r = add_watch(l, fd, EPOLLIN, true, fn, ctx);
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

int loop_del_timer(struct loop *l, int timer_fd)
{
	return del_watch(l, timer_fd, true);
}

void loop_quit(struct loop *l, int code)
{
	l->quit = true;
	l->code = code;
}

static void reap_disarmed(struct loop *l)
{
	size_t i, o = 0;

	for (i = 0; i < l->n_watches; i++) {
		if (l->watches[i]->fn)
			l->watches[o++] = l->watches[i];
		else
			free(l->watches[i]);
	}
	l->n_watches = o;
}

int loop_run(struct loop *l)
{
	struct epoll_event evs[32];

	l->quit = false;
	while (!l->quit) {
		int n = epoll_wait(l->epfd, evs, (int)ARRAY_SIZE(evs), -1);
		int i;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (i = 0; i < n && !l->quit; i++) {
			struct watch *w = evs[i].data.ptr;
			int r;

			if (!w->fn)
				continue;
			if (w->timer) {
				uint64_t ticks;

				if (read(w->fd, &ticks, sizeof(ticks)) < 0 && errno == EAGAIN)
					continue;
			}
			r = w->fn(w->ctx, w->fd, evs[i].events);
			if (r < 0) {
				reap_disarmed(l);
				return r;
			}
		}
		reap_disarmed(l);
	}
	return l->code;
}
