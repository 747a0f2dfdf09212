/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rec_bench MODE N [DIR]: a tight loop of N system calls, printing "MODE NS_PER_OP" (wall
 * clock, CLOCK_MONOTONIC). For tests/bench/bench_record.sh, run both on the host (the cost the
 * recorder adds to processes it does not monitor) and inside `conduct run` (the cost per
 * captured event).
 *   getpid:    syscall(SYS_getpid), the cheapest syscall (pays the sys_enter/sys_exit hooks)
 *   openro:    open(/etc/hostname, O_RDONLY) + close (an uninteresting open: filtered)
 *   opencreat: open(DIR/bench-<i % 64>, O_CREAT|O_WRONLY) + close (a recorded file.open)
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 3 ? argv[3] : "/tmp";
	char path[4096];
	uint64_t t0, t1;
	long i, n;
	int fd;

	if (argc < 3)
		return 2;
	n = atol(argv[2]);
	if (n <= 0)
		return 2;
	t0 = now_ns();
	if (!strcmp(argv[1], "getpid")) {
		for (i = 0; i < n; i++)
			syscall(SYS_getpid);
	} else if (!strcmp(argv[1], "openro")) {
		for (i = 0; i < n; i++) {
			fd = open("/etc/hostname", O_RDONLY | O_CLOEXEC);
			if (fd >= 0)
				close(fd);
		}
	} else if (!strcmp(argv[1], "opencreat")) {
		for (i = 0; i < n; i++) {
			snprintf(path, sizeof(path), "%s/bench-%ld", dir, i % 64);
			fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
			if (fd >= 0)
				close(fd);
		}
	} else {
		return 2;
	}
	t1 = now_ns();
	printf("%s %.1f\n", argv[1], (double)(t1 - t0) / (double)n);
	return 0;
}
