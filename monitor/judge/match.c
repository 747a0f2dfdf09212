/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * match: host names, wildcard host patterns, CIDRs and path globs, as the manifest, the
 * knowledge lists and the rules use them. Pure.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "judge/judge_int.h"

bool addr_is_ip(const char *s)
{
	uint8_t b[16];

	return s && (inet_pton(AF_INET, s, b) == 1 || inet_pton(AF_INET6, s, b) == 1);
}

void addr_canon(const char *in, char out[64])
{
	uint8_t b[16];

	if (inet_pton(AF_INET6, in, b) == 1 && !memcmp(b, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) &&
	    inet_ntop(AF_INET, b + 12, out, 64))
		return;
	snprintf(out, 64, "%s", in);
}

bool host_valid(const char *s)
{
	size_t n = strlen(s), lab = 0, k;

	if (n == 0 || n > 253)
		return false;
	for (k = 0; k < n; k++) {
		unsigned char c = (unsigned char)s[k];

		if (c == '.') {
			if (lab == 0 || s[k - 1] == '-')
				return false;
			lab = 0;
			continue;
		}
		if (!isalnum(c) && c != '-' && c != '_')
			return false;
		if (c == '-' && lab == 0)
			return false;
		if (++lab > 63)
			return false;
	}
	return lab > 0 && s[n - 1] != '-';
}

int host_pattern_check(const char *s, bool allow_inner_star, char *why, size_t why_len)
{
	char tmp[256];
	const char *rest = s;
	size_t labels = 0, k;

	if (addr_is_ip(s))
		return 0;
	if (strlen(s) >= sizeof(tmp)) {
		snprintf(why, why_len, "host name longer than 253 characters");
		return -EINVAL;
	}
	if (s[0] == '*') {
		if (s[1] != '.') {
			snprintf(why, why_len,
				 "a wildcard is \"*.\" followed by a domain "
				 "(\"*.svc.cluster.local\")");
			return -EINVAL;
		}
		rest = s + 2;
	}
	snprintf(tmp, sizeof(tmp), "%s", rest);
	if (!allow_inner_star && strchr(tmp, '*')) {
		snprintf(why, why_len,
			 "'*' is allowed only as the whole first label (\"*.example.com\")");
		return -EINVAL;
	}
	for (k = 0; tmp[k]; k++)
		if (tmp[k] == '*' &&
		    ((k > 0 && tmp[k - 1] != '.') || (tmp[k + 1] && tmp[k + 1] != '.'))) {
			snprintf(why, why_len, "'*' must be a whole label");
			return -EINVAL;
		}
	for (k = 0; tmp[k]; k++)
		if (tmp[k] == '*')
			tmp[k] = 'x';
	if (!host_valid(tmp)) {
		snprintf(why, why_len, "not a host name (letters, digits, '-', dots)");
		return -EINVAL;
	}
	for (k = 0, labels = 1; tmp[k]; k++)
		labels += tmp[k] == '.';
	if (s[0] == '*' && labels < 2) {
		snprintf(why, why_len, "a wildcard must cover a domain of at least two labels");
		return -EINVAL;
	}
	return 0;
}

/* Compares labels right to left. */
bool host_match(const char *pattern, const char *name)
{
	const char *pl[128], *nl[128];
	size_t pn = 0, nn = 0, plen[128], nlen[128];
	const char *p;

	if (!pattern || !name || !*name)
		return false;
	if (addr_is_ip(pattern) || addr_is_ip(name))
		return strcasecmp(pattern, name) == 0;
	for (p = pattern; pn < 128;) {
		const char *dot = strchr(p, '.');

		pl[pn] = p;
		plen[pn++] = dot ? (size_t)(dot - p) : strlen(p);
		if (!dot)
			break;
		p = dot + 1;
	}
	for (p = name; nn < 128;) {
		const char *dot = strchr(p, '.');

		nl[nn] = p;
		nlen[nn++] = dot ? (size_t)(dot - p) : strlen(p);
		if (!dot)
			break;
		p = dot + 1;
	}
	/* a trailing dot on the name (FQDN form) is ignored */
	if (nn > 1 && nlen[nn - 1] == 0)
		nn--;
	{
		size_t i = pn, j = nn;

		while (i > 0 && j > 0) {
			i--;
			j--;
			if (plen[i] == 1 && pl[i][0] == '*') {
				if (i == 0)
					return j + 1 >= 1; /* leading "*": one or more labels */
				continue; /* inner "*": exactly one label */
			}
			if (plen[i] != nlen[j] || strncasecmp(pl[i], nl[j], plen[i]) != 0)
				return false;
		}
		return i == 0 && j == 0 && !(plen[0] == 1 && pl[0][0] == '*');
	}
}

int cidr_parse(const char *s, struct cidr *ret, char *why, size_t why_len)
{
	char tmp[64], *slash, *end;
	unsigned long pfx;
	unsigned int max, k;

	if (strlen(s) >= sizeof(tmp)) {
		snprintf(why, why_len, "not a CIDR");
		return -EINVAL;
	}
	snprintf(tmp, sizeof(tmp), "%s", s);
	slash = strchr(tmp, '/');
	if (!slash) {
		snprintf(why, why_len, "a CIDR is ADDRESS/PREFIX (\"10.0.0.0/8\")");
		return -EINVAL;
	}
	*slash = '\0';
	memset(ret, 0, sizeof(*ret));
	if (inet_pton(AF_INET, tmp, ret->addr) == 1) {
		ret->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, tmp, ret->addr) == 1) {
		ret->family = AF_INET6;
		max = 128;
	} else {
		snprintf(why, why_len, "\"%s\" is not an IPv4 or IPv6 address", tmp);
		return -EINVAL;
	}
	if (!slash[1] || slash[1] < '0' || slash[1] > '9' || (slash[1] == '0' && slash[2])) {
		snprintf(why, why_len, "bad prefix length");
		return -EINVAL;
	}
	errno = 0;
	pfx = strtoul(slash + 1, &end, 10);
	if (errno || *end || pfx > max) {
		snprintf(why, why_len, "prefix length must be 0..%u", max);
		return -EINVAL;
	}
	ret->prefix = (unsigned int)pfx;
	for (k = ret->prefix; k < max; k++)
		if (ret->addr[k / 8] & (0x80 >> (k % 8))) {
			snprintf(why, why_len, "host bits set after /%u", ret->prefix);
			return -EINVAL;
		}
	return 0;
}

bool cidr_contains(const struct cidr *c, const char *addr)
{
	uint8_t b[16] = {0};
	unsigned int k;

	if (c->family == AF_INET) {
		if (inet_pton(AF_INET, addr, b) != 1) {
			/* IPv4-mapped IPv6 */
			uint8_t m[16];

			if (inet_pton(AF_INET6, addr, m) != 1 ||
			    memcmp(m, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) != 0)
				return false;
			memcpy(b, m + 12, 4);
		}
	} else if (inet_pton(AF_INET6, addr, b) != 1) {
		return false;
	}
	for (k = 0; k < c->prefix; k++)
		if ((b[k / 8] ^ c->addr[k / 8]) & (0x80 >> (k % 8)))
			return false;
	return true;
}

bool addr_is_local(const char *addr)
{
	uint8_t b[16];

	if (inet_pton(AF_INET, addr, b) == 1)
		return b[0] == 127 || (b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] == 0);
	if (inet_pton(AF_INET6, addr, b) == 1) {
		static const uint8_t lo[16] = {[15] = 1}, any[16] = {0};

		if (!memcmp(b, lo, 16) || !memcmp(b, any, 16))
			return true;
		if (!memcmp(b, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12))
			return b[12] == 127;
	}
	return false;
}

static bool glob_rec(const char *p, const char *s, unsigned int depth)
{
	if (depth > 64)
		return false;
	while (*p) {
		if (p[0] == '*' && p[1] == '*') {
			p += 2;
			if (!*p)
				return true;
			for (; *s; s++)
				if (glob_rec(p, s, depth + 1))
					return true;
			return glob_rec(p, s, depth + 1);
		}
		if (*p == '*') {
			p++;
			for (;; s++) {
				if (glob_rec(p, s, depth + 1))
					return true;
				if (!*s || *s == '/')
					return false;
			}
		}
		if (*p != *s)
			return false;
		p++;
		s++;
	}
	return *s == '\0';
}

bool path_glob(const char *pattern, const char *path)
{
	return glob_rec(pattern, path, 0);
}

bool path_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (n == 1 && dir[0] == '/')
		return path[0] == '/';
	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}
