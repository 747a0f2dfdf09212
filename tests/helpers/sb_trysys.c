/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sb_trysys: run inside `conduct run`, attempts each system call the sandbox refuses, with
 * harmless arguments, and prints one JSON object: {"results":[{"call","syscall","errno"}...]},
 * where errno is "EPERM" for a refused call ("ok" if it succeeded). Controls that must work
 * (raw netlink socket, an ordinary ioctl) are included. Modes:
 *   sb_trysys            every refused call
 *   sb_trysys x32        getpid through the x32 ABI (nr | 0x40000000): must kill the process
 *   sb_trysys int80      getpid through int 0x80 (the i386 entry): must kill the process
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef TIOCLINUX
#define TIOCLINUX 0x541C
#endif
#ifndef AF_PACKET
#define AF_PACKET 17
#endif

static int first = 1;

static void report(const char *call, const char *sys, long r, int err)
{
	printf("%s{\"call\":\"%s\",\"syscall\":\"%s\",\"errno\":\"%s\"}", first ? "" : ",", call,
	       sys, r >= 0 ? "ok" : strerrorname_np(err));
	first = 0;
	fflush(stdout);
}

#define TRY(call, sys, expr)                                                                       \
	do {                                                                                       \
		long _r;                                                                           \
		errno = 0;                                                                         \
		_r = (long)(expr);                                                                 \
		report(call, sys, _r, errno);                                                      \
		if (_r >= 0 && strcmp(sys, "socket") == 0)                                         \
			close((int)_r);                                                            \
	} while (0)

static long try_clone_newuser(void)
{
	long r = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);

	if (r == 0)
		_exit(0);
	if (r > 0)
		waitpid((pid_t)r, NULL, 0);
	return r;
}

static int x32_getpid(void)
{
	long ret;

	__asm__ volatile("syscall" : "=a"(ret) : "a"(0x40000000L | 39) : "rcx", "r11", "memory");
	return (int)ret;
}

static int int80_getpid(void)
{
	long ret;

	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) : "memory");
	return (int)ret;
}

int main(int argc, char **argv)
{
	struct perf_event_attr attr = { .type = PERF_TYPE_SOFTWARE, .size = sizeof(attr) };
	char params[120] = { 0 }, buf[8] = { 0 };
	int nsfd;

	if (argc > 1 && !strcmp(argv[1], "x32")) {
		printf("x32: calling getpid through the x32 ABI\n");
		fflush(stdout);
		printf("x32: survived, getpid returned %d\n", x32_getpid());
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "int80")) {
		printf("int80: calling getpid through int 0x80\n");
		fflush(stdout);
		printf("int80: survived, getpid returned %d\n", int80_getpid());
		return 0;
	}
	nsfd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	printf("{\"results\":[");
	TRY("bpf", "bpf", syscall(SYS_bpf, 0, NULL, 0));
	TRY("ptrace", "ptrace", syscall(SYS_ptrace, 2 /* PEEKDATA */, 1, 0, 0));
	TRY("process_vm_readv", "process_vm_readv",
	    syscall(SYS_process_vm_readv, 1, NULL, 0, NULL, 0, 0));
	TRY("process_vm_writev", "process_vm_writev",
	    syscall(SYS_process_vm_writev, 1, NULL, 0, NULL, 0, 0));
	TRY("kcmp", "kcmp", syscall(SYS_kcmp, getpid(), 1, 0, 0, 0));
	TRY("mount", "mount", mount("none", "/tmp", "tmpfs", 0, NULL));
	TRY("umount2", "umount2", umount2("/tmp", 0));
	TRY("pivot_root", "pivot_root", syscall(SYS_pivot_root, "/tmp", "/tmp"));
	TRY("move_mount", "move_mount", syscall(SYS_move_mount, -1, "", -1, "", 0));
	TRY("open_tree", "open_tree", syscall(SYS_open_tree, AT_FDCWD, "/tmp", 0));
	TRY("fsopen", "fsopen", syscall(SYS_fsopen, "tmpfs", 0));
	TRY("unshare", "unshare", unshare(CLONE_NEWNS));
	TRY("setns", "setns", setns(nsfd, 0));
	TRY("init_module", "init_module", syscall(SYS_init_module, NULL, 0, ""));
	TRY("finit_module", "finit_module", syscall(SYS_finit_module, -1, "", 0));
	TRY("delete_module", "delete_module", syscall(SYS_delete_module, "conduct_none", 0));
	TRY("kexec_load", "kexec_load", syscall(SYS_kexec_load, 0, 0, NULL, 0));
	TRY("kexec_file_load", "kexec_file_load", syscall(SYS_kexec_file_load, -1, -1, 0, "", 0));
	TRY("io_uring_setup", "io_uring_setup", syscall(SYS_io_uring_setup, 1, params));
	TRY("io_uring_enter", "io_uring_enter", syscall(SYS_io_uring_enter, -1, 0, 0, 0, NULL, 0));
	TRY("io_uring_register", "io_uring_register", syscall(SYS_io_uring_register, -1, 0, NULL, 0));
	TRY("perf_event_open", "perf_event_open", syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0));
	TRY("userfaultfd", "userfaultfd", syscall(SYS_userfaultfd, 0));
	TRY("keyctl", "keyctl", syscall(SYS_keyctl, 0, -3, 0));
	TRY("add_key", "add_key", syscall(SYS_add_key, "user", "conduct", "x", 1, -3));
	TRY("request_key", "request_key", syscall(SYS_request_key, "user", "conduct", NULL, -3));
	TRY("ioctl(TIOCSTI)", "ioctl", ioctl(0, TIOCSTI, "x"));
	TRY("ioctl(TIOCLINUX)", "ioctl", ioctl(0, TIOCLINUX, buf));
	TRY("socket(AF_PACKET)", "socket", socket(AF_PACKET, SOCK_RAW, 0));
	TRY("socket(AF_INET,SOCK_RAW)", "socket", socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, 1));
	TRY("socket(AF_INET6,SOCK_RAW)", "socket", socket(AF_INET6, SOCK_RAW, 58));
	TRY("clone(CLONE_NEWUSER)", "clone", try_clone_newuser());
	printf("],\"controls\":[");
	first = 1;
	TRY("socket(AF_NETLINK,SOCK_RAW)", "socket", socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, 0));
	TRY("socket(AF_INET,SOCK_DGRAM)", "socket", socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
	TRY("ioctl(FIONREAD)", "ioctl", ioctl(0, FIONREAD, buf));
	TRY("clone3", "clone3", syscall(SYS_clone3, NULL, 0));
	printf("]}\n");
	return 0;
}
