/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rec_procs MODE BASE: process behaviour for tests/integration/test_record_procs.sh.
 *   grandchild: a child forks a grandchild and exits at once; the grandchild outlives it,
 *               writes BASE/grandchild.txt after 300 ms and exits 7. Prints the pids.
 *   memfd:      copies /bin/true into a memfd and fexecve()s it.
 *   dropped:    copies /bin/true to BASE/dropped, runs it, then opens it, unlinks it and
 *               runs it by fd (execveat AT_EMPTY_PATH) with no name left.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void die(const char *what)
{
	fprintf(stderr, "rec_procs: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void copy_true(int out)
{
	char buf[65536];
	ssize_t n;
	int in = open("/bin/true", O_RDONLY | O_CLOEXEC);

	if (in < 0)
		die("open /bin/true");
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			die("write copy");
	close(in);
}

static int run_wait(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		die("waitpid");
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int main(int argc, char **argv)
{
	char path[4096];
	char *targv[] = {"true", "from-helper", NULL};
	pid_t pid;
	int fd;

	if (argc != 3)
		return 2;
	if (!strcmp(argv[1], "grandchild")) {
		int p[2];

		if (pipe(p) < 0)
			die("pipe");
		pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0) {
			pid_t g = fork();

			if (g < 0)
				_exit(1);
			if (g == 0) {
				close(p[0]);
				close(p[1]);
				usleep(300000);
				snprintf(path, sizeof(path), "%s/grandchild.txt", argv[2]);
				fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
				if (fd < 0 || write(fd, "late\n", 5) != 5)
					_exit(1);
				_exit(7);
			}
			if (write(p[1], &g, sizeof(g)) != sizeof(g))
				_exit(1);
			_exit(0);
		}
		close(p[1]);
		{
			pid_t g = 0;

			if (read(p[0], &g, sizeof(g)) != sizeof(g))
				die("read grandchild pid");
			printf("child %d grandchild %d\n", (int)pid, (int)g);
		}
		return run_wait(pid);
	}
	if (!strcmp(argv[1], "memfd")) {
		fd = memfd_create("payload", MFD_CLOEXEC);
		if (fd < 0)
			die("memfd_create");
		copy_true(fd);
		fexecve(fd, targv, environ);
		die("fexecve");
	}
	if (!strcmp(argv[1], "dropped")) {
		snprintf(path, sizeof(path), "%s/dropped", argv[2]);
		fd = open(path, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0755);
		if (fd < 0)
			die("create dropped");
		copy_true(fd);
		close(fd);
		pid = fork();
		if (pid == 0) {
			execve(path, targv, environ);
			_exit(127);
		}
		if (run_wait(pid) != 0)
			die("run dropped");
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || unlink(path) < 0)
			die("open+unlink dropped");
		pid = fork();
		if (pid == 0) {
			syscall(SYS_execveat, fd, "", targv, environ, AT_EMPTY_PATH);
			_exit(127);
		}
		return run_wait(pid);
	}
	return 2;
}
