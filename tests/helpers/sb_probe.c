/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sb_probe: run inside `conduct run`, prints the sandbox as the connector sees it, as one JSON
 * object on stdout: uid/gid, the five capability sets, NoNewPrivs, Seccomp, pids, hostname,
 * which paths are writable, the honey files under $HOME (and the service account token) with
 * their contents, the environment, network interfaces and routes, and a few reads that must
 * fail (/etc/shadow). The integration tests assert on it with jq.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

static void jstr(const char *s)
{
	putchar('"');
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c == '\n')
			printf("\\n");
		else if (c == '\t')
			printf("\\t");
		else if (c < 0x20 || c >= 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static char *slurp(const char *path)
{
	static char buf[65536];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return buf;
}

static void status_field(const char *key)
{
	char *s = slurp("/proc/self/status"), *p, *e;
	size_t n = strlen(key);

	for (p = s; p && *p; p = e ? e + 1 : NULL) {
		e = strchr(p, '\n');
		if (!strncmp(p, key, n) && p[n] == ':') {
			char val[128];
			size_t len = e ? (size_t)(e - p) - n - 1 : strlen(p + n + 1);

			snprintf(val, sizeof(val), "%.*s", (int)len, p + n + 1);
			jstr(val + strspn(val, " \t"));
			return;
		}
	}
	printf("null");
}

static void writable(const char *path, int *first)
{
	char f[4096];
	int fd;

	if (!path)
		return;
	snprintf(f, sizeof(f), "%s/.sb_probe_%d", path, getpid());
	fd = open(f, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	printf("%s", *first ? "" : ",");
	*first = 0;
	jstr(path);
	if (fd >= 0) {
		close(fd);
		unlink(f);
		printf(":true");
	} else {
		printf(":");
		jstr(strerror(errno));
	}
}

static int nfiles;

static int one_file(const char *path, const struct stat *st, int flag, struct FTW *ftw __attribute__((unused)))
{
	char *c;

	if (flag != FTW_F)
		return 0;
	char real[4096];

	c = slurp(path);
	printf("%s", nfiles++ ? "," : "");
	jstr(realpath(path, real) ? real : path);
	printf(":{\"mode\":\"%04o\",\"uid\":%u,\"content\":", st->st_mode & 07777, st->st_uid);
	if (c)
		jstr(c);
	else
		printf("null");
	printf("}");
	return 0;
}

static void lines_of(const char *path, int skip)
{
	char *s = slurp(path), *p, *e;
	int i = 0, first = 1;

	printf("[");
	for (p = s; p && *p; p = e ? e + 1 : NULL, i++) {
		char line[512];

		e = strchr(p, '\n');
		if (i < skip)
			continue;
		snprintf(line, sizeof(line), "%.*s", (int)(e ? e - p : (long)strlen(p)), p);
		if (!*line)
			continue;
		printf("%s", first ? "" : ",");
		first = 0;
		jstr(line);
	}
	printf("]");
}

int main(void)
{
	const char *sets[] = { "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb" };
	char host[256] = "", cwd[4096] = "";
	struct dirent *de;
	DIR *d;
	int first, i;
	char **e;

	gethostname(host, sizeof(host));
	if (!getcwd(cwd, sizeof(cwd)))
		cwd[0] = '\0';
	printf("{\"uid\":%u,\"euid\":%u,\"gid\":%u,\"pid\":%d,\"ppid\":%d,", getuid(), geteuid(),
	       getgid(), getpid(), getppid());
	printf("\"caps\":{");
	for (i = 0; i < 5; i++) {
		printf("%s\"%s\":", i ? "," : "", sets[i]);
		status_field(sets[i]);
	}
	printf("},\"NoNewPrivs\":");
	status_field("NoNewPrivs");
	printf(",\"Seccomp\":");
	status_field("Seccomp");
	printf(",\"hostname\":");
	jstr(host);
	printf(",\"cwd\":");
	jstr(cwd);
	printf(",\"pids\":[");
	first = 1;
	d = opendir("/proc");
	while (d && (de = readdir(d))) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		printf("%s%s", first ? "" : ",", de->d_name);
		first = 0;
	}
	if (d)
		closedir(d);
	printf("],\"writable\":{");
	first = 1;
	writable("/", &first);
	writable("/usr", &first);
	writable("/etc", &first);
	writable("/var/tmp", &first);
	writable("/home", &first);
	writable("/tmp", &first);
	writable("/dev/shm", &first);
	writable("/run", &first);
	writable(getenv("HOME"), &first);
	writable(getenv("WORKDIR"), &first);
	printf("},\"shadow_readable\":%s", access("/etc/shadow", R_OK) == 0 ? "true" : "false");
	printf(",\"k8s_token_readable\":%s",
	       access("/var/run/secrets/kubernetes.io/serviceaccount/token", R_OK) == 0 ? "true"
										       : "false");
	printf(",\"honey\":{");
	if (getenv("HOME"))
		nftw(getenv("HOME"), one_file, 16, FTW_PHYS);
	nftw("/var/run/secrets", one_file, 16, FTW_PHYS);
	printf("},\"env\":{");
	for (e = environ, first = 1; *e; e++) {
		char *eq = strchr(*e, '=');
		char name[256];

		if (!eq)
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(eq - *e), *e);
		printf("%s", first ? "" : ",");
		first = 0;
		jstr(name);
		printf(":");
		jstr(eq + 1);
	}
	printf("},\"sys_class_net\":[");
	first = 1;
	d = opendir("/sys/class/net");
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		printf("%s", first ? "" : ",");
		first = 0;
		jstr(de->d_name);
	}
	if (d)
		closedir(d);
	printf("],\"interfaces\":");
	lines_of("/proc/net/dev", 2);
	printf(",\"routes\":");
	lines_of("/proc/net/route", 1);
	printf(",\"routes6\":");
	lines_of("/proc/net/ipv6_route", 0);
	printf("}\n");
	return 0;
}
