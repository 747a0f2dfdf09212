/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * c-memfd-exec: loads a program into an anonymous memory file and executes it from there,
 * so that no file on disk ever holds the code that runs (a fileless loader). The payload is
 * a copy of /bin/echo here; a real loader would have downloaded or decrypted it.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

int main(void)
{
	char *const args[] = { "worker", "worker ready", NULL };
	struct stat st;
	int src, mfd;

	src = open("/bin/echo", O_RDONLY | O_CLOEXEC);
	if (src < 0 || fstat(src, &st) < 0) {
		perror("/bin/echo");
		return 1;
	}
	mfd = memfd_create("worker", MFD_CLOEXEC);
	if (mfd < 0) {
		perror("memfd_create");
		return 1;
	}
	if (sendfile(mfd, src, NULL, (size_t)st.st_size) != st.st_size) {
		perror("sendfile");
		return 1;
	}
	printf("starting worker\n");
	fflush(stdout);
	fexecve(mfd, args, environ);
	perror("fexecve");
	return 1;
}
