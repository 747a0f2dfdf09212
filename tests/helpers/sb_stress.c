/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sb_stress: misbehaving connectors for the sandbox's limit tests. Modes:
 *   forkbomb           forks sleeping children until fork fails; prints how many and why
 *   balloon MIB        allocates and touches MIB mebibytes, printing progress
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
#include <sys/wait.h>
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
	fprintf(stderr, "usage: sb_stress forkbomb|balloon MIB|ignoreterm|daemon|flood N|sleep S\n");
	return 2;
}
