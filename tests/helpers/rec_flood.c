/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rec_flood DIR N: creates N files DIR/f<i> as fast as it can (a flood of data-ring events),
 * then does what must reach the critical ring anyway: a TCP connect to 127.0.0.1:9 (refused)
 * and an exec of /bin/true in a child. For tests/integration/test_record_loss.sh.
 * rec_flood longpath: open(O_CREAT) of a 4095-byte path (the longest the kernel takes; ENOENT)
 * and of a 4096-byte one (ENAMETOOLONG), one byte over the recorder's path bound.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(9)};
	char path[4097];
	int i, n, fd, st;
	pid_t pid;

	if (argc == 2 && !strcmp(argv[1], "longpath")) {
		/*
		 * The longest path the kernel takes (4095 bytes: missing directories, ENOENT),
		 * then one byte more (4096: ENAMETOOLONG).
		 */
		memset(path, 'a', sizeof(path));
		for (i = 0; i < (int)sizeof(path); i += 200)
			path[i] = '/';
		path[4095] = '\0';
		fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
		if (fd >= 0 || errno != ENOENT) {
			fprintf(stderr, "rec_flood: a 4095-byte path should be ENOENT\n");
			return 1;
		}
		path[4095] = 'a';
		path[4096] = '\0';
		fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
		if (fd >= 0 || errno != ENAMETOOLONG) {
			fprintf(stderr, "rec_flood: a 4096-byte path should be ENAMETOOLONG\n");
			return 1;
		}
		return 0;
	}
	if (argc != 3)
		return 2;
	n = atoi(argv[2]);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/f%d", argv[1], i);
		fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
		if (fd < 0) {
			fprintf(stderr, "rec_flood: %s: %s\n", path, strerror(errno));
			return 1;
		}
		close(fd);
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 ||
	    errno != ECONNREFUSED) {
		fprintf(stderr, "rec_flood: connect to port 9 should be refused\n");
		return 1;
	}
	close(fd);
	pid = fork();
	if (pid == 0) {
		execl("/bin/true", "true", "after-flood", (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		return 1;
	return 0;
}
