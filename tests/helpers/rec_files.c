/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rec_files BASE: exactly known file operations under BASE (a writable directory) for
 * tests/integration/test_record_files.sh. Every call must succeed; the first failure exits 1
 * naming the step. Relative paths go through chdir, a dirfd and fchdir on purpose. Ends with a
 * creat() and a read open of /proc/self/mem.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

static void check(int ok, const char *step)
{
	if (!ok) {
		fprintf(stderr, "rec_files: %s: %s\n", step, strerror(errno));
		exit(1);
	}
}

static void put(int fd, const char *s)
{
	check(write(fd, s, strlen(s)) == (ssize_t)strlen(s), "write");
}

int main(int argc, char **argv)
{
	char link[64];
	int dfd, fd, tfd;

	if (argc != 2)
		return 2;
	check(chdir(argv[1]) == 0, "chdir base");
	check(mkdir("d1", 0755) == 0, "mkdir d1");
	check(chdir("d1") == 0, "chdir d1");
	fd = open("rel.txt", O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);
	check(fd >= 0, "open rel.txt");
	put(fd, "relative\n");
	close(fd);

	dfd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	check(dfd >= 0, "open base dir");
	fd = openat(dfd, "viadirfd.txt", O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	check(fd >= 0, "openat viadirfd.txt");
	put(fd, "via dirfd\n");

	check(rename("rel.txt", "renamed.txt") == 0, "rename");
	check(linkat(dfd, "viadirfd.txt", dfd, "hardlink.txt", 0) == 0, "linkat");
	check(unlinkat(dfd, "hardlink.txt", 0) == 0, "unlinkat");

	tfd = openat(dfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	check(tfd >= 0, "O_TMPFILE");
	put(tfd, "anonymous first\n");
	snprintf(link, sizeof(link), "/proc/self/fd/%d", tfd);
	check(linkat(AT_FDCWD, link, dfd, "fromtmp.txt", AT_SYMLINK_FOLLOW) == 0, "linkat tmpfile");
	close(tfd);

	check(renameat2(AT_FDCWD, "renamed.txt", dfd, "viadirfd.txt", RENAME_EXCHANGE) == 0,
	      "renameat2 exchange");
	check(symlinkat("d1/renamed.txt", dfd, "sym") == 0, "symlinkat");
	check(truncate("renamed.txt", 4) == 0, "truncate");
	check(ftruncate(fd, 3) == 0, "ftruncate");
	close(fd);
	check(chmod("renamed.txt", 0600) == 0, "chmod");
	check(fchdir(dfd) == 0, "fchdir");
	fd = open("afterfchdir.txt", O_CREAT | O_WRONLY | O_CLOEXEC, 0640);
	check(fd >= 0, "open afterfchdir.txt");
	check(fchmod(fd, 0604) == 0, "fchmod");
	close(fd);
	check(mkdirat(dfd, "d2", 0700) == 0, "mkdirat d2");
	check(unlinkat(dfd, "d2", AT_REMOVEDIR) == 0, "rmdir d2");
	/* a read-only open of an ordinary file is not recorded */
	fd = open("/etc/hostname", O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		close(fd);
	/* a failed write attempt is recorded with its error */
	fd = open("/etc/conduct-denied", O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	check(fd < 0, "open on the read-only root must fail");
	/* creat() is an open with create intent; its fd is 4 (3 is dfd) */
	fd = creat("viacreat.txt", 0640);
	check(fd == 4, "creat viacreat.txt");
	close(fd);
	/* a read open of a process's memory through /proc is recorded, like environ */
	fd = open("/proc/self/mem", O_RDONLY | O_CLOEXEC);
	check(fd == 4, "open /proc/self/mem");
	close(fd);
	close(dfd);
	return 0;
}
