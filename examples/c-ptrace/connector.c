/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * c-ptrace: starts a helper process and tries to attach to it with ptrace(2) — the first
 * step of reading another process's memory (and its secrets) or injecting code into it.
 */
#include <signal.h>
#include <stdio.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	pid_t child = fork();

	if (child < 0)
		return 1;
	if (child == 0) {
		sleep(5);
		_exit(0);
	}
	if (ptrace(PTRACE_ATTACH, child, NULL, NULL) < 0)
		printf("attach to %d refused: %m\n", (int)child);
	else
		ptrace(PTRACE_DETACH, child, NULL, NULL);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	return 0;
}
