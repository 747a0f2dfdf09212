/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cvss: the CVSS v3.1 base score exactly as FIRST's specification defines it (§7.1 formulas,
 * §7.4 metric values, Appendix A Roundup in integer arithmetic), the qualitative bands of the
 * guidelines' table and their deadlines. Pure.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "judge/judge_int.h"

struct metric {
	const char *name;
	const char *values; /* allowed letters */
	char got;
};

static double dmin(double a, double b)
{
	return a < b ? a : b;
}

/* (x)^15 without libm: the only power the specification uses. */
static double pow15(double x)
{
	double x2 = x * x, x4 = x2 * x2, x8 = x4 * x4;

	return x8 * x4 * x2 * x;
}

/* Appendix A: Roundup via integers, so 4.000000000000001 does not become 4.1. */
static int roundup_tenths(double x)
{
	long long i = (long long)(x * 100000.0 + 0.5); /* x >= 0: round to nearest */

	if (i % 10000 == 0)
		return (int)(i / 10000);
	return (int)(i / 10000) + 1;
}

int cvss31_score(const char *vector, int *ret_tenths, char *why, size_t why_len)
{
	struct metric m[] = {
		{"AV", "NALP", 0}, {"AC", "LH", 0}, {"PR", "NLH", 0}, {"UI", "NR", 0},
		{"S", "UC", 0},	   {"C", "HLN", 0}, {"I", "HLN", 0},  {"A", "HLN", 0},
	};
	const char *p;
	double av, ac, pr, ui, c, i, a, iss, impact, expl;
	bool changed;
	size_t k;

	if (!vector || strncmp(vector, "CVSS:3.1/", 9) != 0) {
		snprintf(why, why_len, "a CVSS v3.1 vector starts with \"CVSS:3.1/\"");
		return -EINVAL;
	}
	p = vector + 9;
	while (*p) {
		const char *colon = strchr(p, ':'), *end;
		size_t nlen;

		if (!colon) {
			snprintf(why, why_len, "metric without a value at \"%s\"", p);
			return -EINVAL;
		}
		nlen = (size_t)(colon - p);
		end = colon + 1;
		for (k = 0; k < ARRAY_SIZE(m); k++)
			if (strlen(m[k].name) == nlen && strncmp(m[k].name, p, nlen) == 0)
				break;
		if (k == ARRAY_SIZE(m)) {
			snprintf(why, why_len, "unknown or non-base metric \"%.*s\"", (int)nlen, p);
			return -EINVAL;
		}
		if (m[k].got) {
			snprintf(why, why_len, "metric %s given twice", m[k].name);
			return -EINVAL;
		}
		if (!*end || !strchr(m[k].values, *end) || (end[1] && end[1] != '/')) {
			snprintf(why, why_len, "bad value for %s (one of %s)", m[k].name,
				 m[k].values);
			return -EINVAL;
		}
		m[k].got = *end;
		p = end + 1;
		if (*p == '/') {
			p++;
			if (!*p) {
				snprintf(why, why_len, "trailing '/'");
				return -EINVAL;
			}
		}
	}
	for (k = 0; k < ARRAY_SIZE(m); k++)
		if (!m[k].got) {
			snprintf(why, why_len, "base metric %s missing", m[k].name);
			return -EINVAL;
		}
	changed = m[4].got == 'C';
	av = m[0].got == 'N' ? 0.85 : m[0].got == 'A' ? 0.62 : m[0].got == 'L' ? 0.55 : 0.2;
	ac = m[1].got == 'L' ? 0.77 : 0.44;
	if (m[2].got == 'N')
		pr = 0.85;
	else if (m[2].got == 'L')
		pr = changed ? 0.68 : 0.62;
	else
		pr = changed ? 0.5 : 0.27;
	ui = m[3].got == 'N' ? 0.85 : 0.62;
#define CIA(x) ((x) == 'H' ? 0.56 : (x) == 'L' ? 0.22 : 0.0)
	c = CIA(m[5].got);
	i = CIA(m[6].got);
	a = CIA(m[7].got);
#undef CIA
	iss = 1.0 - (1.0 - c) * (1.0 - i) * (1.0 - a);
	if (changed)
		impact = 7.52 * (iss - 0.029) - 3.25 * pow15(iss - 0.02);
	else
		impact = 6.42 * iss;
	expl = 8.22 * av * ac * pr * ui;
	if (impact <= 0)
		*ret_tenths = 0;
	else if (changed)
		*ret_tenths = roundup_tenths(dmin(1.08 * (impact + expl), 10.0));
	else
		*ret_tenths = roundup_tenths(dmin(impact + expl, 10.0));
	return 0;
}

enum severity cvss_severity(int tenths)
{
	if (tenths >= 90)
		return SEV_CRITICAL;
	if (tenths >= 70)
		return SEV_HIGH;
	if (tenths >= 40)
		return SEV_MEDIUM;
	if (tenths >= 1)
		return SEV_LOW;
	return SEV_NONE;
}

/* The guidelines' "Vulnerability Management Timeframe" table. */
static const struct band bands[] = {
	{SEV_CRITICAL, 24 * 3600, 48 * 3600, 28 * 86400, "24 hours", "48 hours", "4 weeks"},
	{SEV_HIGH, 48 * 3600, 72 * 3600, 42 * 86400, "48 hours", "72 hours", "6 weeks"},
	{SEV_MEDIUM, 5 * 86400, 10 * 86400, 56 * 86400, "5 days", "10 days", "8 weeks"},
	{SEV_LOW, 0, 0, 0, "accepted", "accepted", "accepted"},
};

const struct band *band_of(enum severity s)
{
	size_t k;

	for (k = 0; k < ARRAY_SIZE(bands); k++)
		if (bands[k].sev == s)
			return &bands[k];
	return NULL;
}

int severity_parse(const char *s, enum severity *ret)
{
	static const char *const names[] = {"none", "low", "medium", "high", "critical"};
	size_t k;

	if (!s)
		return -EINVAL;
	for (k = 0; k < ARRAY_SIZE(names); k++)
		if (strcasecmp(s, names[k]) == 0) {
			*ret = (enum severity)k;
			return 0;
		}
	return -EINVAL;
}

const char *severity_name(enum severity s)
{
	switch (s) {
	case SEV_LOW:
		return "low";
	case SEV_MEDIUM:
		return "medium";
	case SEV_HIGH:
		return "high";
	case SEV_CRITICAL:
		return "critical";
	default:
		return "none";
	}
}
