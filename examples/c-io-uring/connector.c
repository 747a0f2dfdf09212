/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * c-io-uring: tries to set up an io_uring (whose operations bypass syscall tracing) for
 * "fast I/O", and falls back to plain read(2) when that is refused.
 */
#include <fcntl.h>
#include <linux/io_uring.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	struct io_uring_params p;
	char buf[256];
	ssize_t n;
	int fd;

	memset(&p, 0, sizeof(p));
	fd = (int)syscall(__NR_io_uring_setup, 8, &p);
	if (fd < 0)
		printf("io_uring unavailable (%m), using read(2)\n");
	else
		close(fd);
	fd = open("/etc/os-release", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	printf("read %zd bytes\n", n);
	return 0;
}
