/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sb_stress: misbehaving connectors for the sandbox's limit tests. Modes:
 *   forkbomb           forks sleeping children until fork fails; prints how many and why
 *   balloon MIB        allocates and touches MIB mebibytes, printing progress
 *   oomwatch MIB       forks a small watcher, then balloons MIB: the watcher outlives the
 *                      balloon by 3 s (so the run's cgroups, and their counters, outlive it too)
 *   spin SEC           a busy loop for SEC seconds of wall time, then prints the wall time and
 *                      the CPU time (user + system, getrusage) it got, in milliseconds
 *   ignoreterm         ignores SIGTERM and SIGINT and sleeps forever
 *   daemon             double-forks a setsid'd grandchild that sleeps 600 s; the main exits 0
 *   flood LINES        LINES numbered lines on stdout and stderr, a 40000-byte line, bad UTF-8
 *   sleep SEC          sleeps SEC seconds, then exits 0
 * Every mode has a bound of its own (the sandbox's limits are what the tests check).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int forkbomb(void)
{
	int n = 0;

	for (n = 0; n < 100000; n++) {
		pid_t p = fork();

		if (p == 0) {
			sleep(60);
			_exit(0);
		}
		if (p < 0) {
			printf("forkbomb: forked %d, then fork failed: %s\n", n, strerror(errno));
			return 0;
		}
	}
	printf("forkbomb: forked %d without a failure\n", n);
	return 0;
}

static int balloon(long mib)
{
	long i;

	for (i = 1; i <= mib; i++) {
		char *p = malloc(1 << 20);

		if (!p) {
			printf("balloon: malloc failed at %ld MiB\n", i);
			return 1;
		}
		memset(p, (int)i, 1 << 20);
		if (i % 16 == 0) {
			printf("balloon: %ld MiB\n", i);
			fflush(stdout);
		}
	}
	printf("balloon: survived %ld MiB\n", mib);
	return 0;
}

static int oomwatch(long mib)
{
	pid_t parent = getpid(), c;
	int i;

	c = fork();
	if (c == 0) {
		/* bounded: 30 s at most, waiting for the balloon to be killed */
		for (i = 0; i < 3000 && getppid() == parent; i++)
			usleep(10000);
		printf("oomwatch: balloon %s\n", getppid() == parent ? "still alive" : "gone");
		fflush(stdout);
		sleep(3);
		_exit(0);
	}
	if (c < 0) {
		printf("oomwatch: fork failed: %s\n", strerror(errno));
		return 1;
	}
	return balloon(mib);
}

static long long ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000LL + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

static int spin(long sec)
{
	volatile unsigned long x = 0;
	struct timespec t0;
	struct rusage ru;
	long long wall;
	unsigned long i;

	if (sec < 1 || sec > 30)
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while ((wall = ms_since(&t0)) < sec * 1000LL)
		for (i = 0; i < 100000; i++)
			x += i;
	getrusage(RUSAGE_SELF, &ru);
	printf("spin: wall_ms %lld cpu_ms %lld\n", wall,
	       (long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000 +
		       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000);
	return 0;
}

static __attribute__((noreturn)) int ignoreterm(void)
{
	signal(SIGTERM, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	printf("ignoreterm: ignoring SIGTERM\n");
	fflush(stdout);
	for (;;)
		pause();
}

static int daemonize(void)
{
	pid_t c = fork(), g;
	int st;

	if (c == 0) {
		g = fork();
		if (g == 0) {
			setsid();
			sleep(600);
			_exit(0);
		}
		printf("daemon: grandchild %d\n", (int)g);
		fflush(stdout);
		_exit(0);
	}
	waitpid(c, &st, 0);
	printf("daemon: main exits\n");
	return 0;
}

static int flood(long lines)
{
	static char big[40001];
	long i;

	for (i = 0; i < lines; i++) {
		printf("out %06ld %s\n", i, "................................................................");
		fprintf(stderr, "err %06ld\n", i);
	}
	memset(big, 'x', sizeof(big) - 1);
	printf("%s\n", big);
	printf("bad utf8: \xff\xfe end\n");
	printf("no newline at the end");
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(mode, "forkbomb"))
		return forkbomb();
	if (!strcmp(mode, "balloon") && argc > 2)
		return balloon(atol(argv[2]));
	if (!strcmp(mode, "oomwatch") && argc > 2)
		return oomwatch(atol(argv[2]));
	if (!strcmp(mode, "spin") && argc > 2)
		return spin(atol(argv[2]));
	if (!strcmp(mode, "ignoreterm"))
		return ignoreterm();
	if (!strcmp(mode, "daemon"))
		return daemonize();
	if (!strcmp(mode, "flood") && argc > 2)
		return flood(atol(argv[2]));
	if (!strcmp(mode, "sleep") && argc > 2) {
		sleep((unsigned int)atoi(argv[2]));
		return 0;
	}
	fprintf(stderr, "usage: sb_stress forkbomb|balloon MIB|oomwatch MIB|spin S|ignoreterm|daemon|flood N|sleep S\n");
	return 2;
}
