/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * c-persist: keeps a "cache" of the records it processed in $HOME/.cache/acme/, a path the
 * manifest does not declare writable: data stored outside the cluster's control.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
	const char *home = getenv("HOME");
	char dir[512], path[600];
	FILE *f;
	int i;

	if (!home) {
		fprintf(stderr, "HOME is not set\n");
		return 2;
	}
	snprintf(dir, sizeof(dir), "%s/.cache", home);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		perror(dir);
	snprintf(dir, sizeof(dir), "%s/.cache/acme", home);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		perror(dir);
	snprintf(path, sizeof(path), "%s/records.db", dir);
	f = fopen(path, "we");
	if (!f) {
		perror(path);
		return 1;
	}
	for (i = 0; i < 100; i++)
		fprintf(f, "%d,customer-%03d,customer-%03d@example.com\n", i, i, i);
	fclose(f);
	printf("processed 100 records\n");
	return 0;
}
