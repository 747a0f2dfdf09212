/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_cvss: the CVSS v3.1 base score against FIRST's published scores, and the guidelines'
 * severity bands and deadlines.
 *
 * Expected values are copied from FIRST, "Common Vulnerability Scoring System version 4.0
 * Examples", document version 1.4.1 (https://www.first.org/cvss/v4.0/examples), which gives
 * for every example the CVSS v3.1 vector and base score next to the v4.0 one (the "v3.1"
 * column). Each row names the example's CVE as in that document. Nothing here is computed by
 * hand.
 */
#include "judge/judge_int.h"
#include "testhelp.h"

static const struct {
	const char *example;
	const char *vector;
	int tenths;
} first_examples[] = {
	{"CVE-2022-41741", "CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:U/C:H/I:H/A:H", 70},
	{"CVE-2020-3549", "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H", 81},
	{"CVE-2023-3089", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 75},
	{"CVE-2021-44714", "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:L/I:N/A:N", 33},
	{"CVE-2022-21830", "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 61},
	{"CVE-2022-22186", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:L/I:L/A:N", 72},
	{"CVE-2023-21989", "CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:C/C:H/I:N/A:N", 60},
	{"CVE-2020-3947", "CVSS:3.1/AV:L/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 93},
	{"CVE-2023-48228", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N", 75},
	{"CVE-2023-30560", "CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 68},
	{"CVE-2025-31324", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 100},
	{"CVE-2013-6014", "CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:C/C:H/I:N/A:H", 93},
	{"CVE-2016-5729", "CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:C/C:H/I:H/A:H", 82},
	{"CVE-2015-2890", "CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:U/C:N/I:H/A:H", 60},
	{"CVE-2018-3652", "CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 76},
	{"CVE-2023-30545", "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N", 65},
	{"CVE-2021-23846", "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N", 59},
	{"CVE-2023-22394", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 75},
	{"CVE-2020-0926", "CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N", 54},
	{"CVE-2024-55228", "CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:H/I:H/A:H", 90},
};

TEST(first_examples)
{
	size_t k;

	for (k = 0; k < ARRAY_SIZE(first_examples); k++) {
		char why[160] = "";
		int t = -1;

		if (cvss31_score(first_examples[k].vector, &t, why, sizeof(why)) != 0)
			TEST_FAIL_AT("%s: %s rejected: %s", first_examples[k].example,
				     first_examples[k].vector, why);
		if (t != first_examples[k].tenths)
			TEST_FAIL_AT("%s: %s scored %d.%d, FIRST says %d.%d",
				     first_examples[k].example, first_examples[k].vector, t / 10,
				     t % 10, first_examples[k].tenths / 10,
				     first_examples[k].tenths % 10);
	}
	ASSERT_GE(ARRAY_SIZE(first_examples), 15);
cleanup:
	return;
}

/* Metrics in another order score the same; an impact of None everywhere scores 0.0. */
TEST(order_and_zero)
{
	char why[160];
	int t = -1;

	ASSERT_EQ(
		cvss31_score("CVSS:3.1/S:U/C:H/I:N/A:N/AV:N/AC:L/PR:N/UI:N", &t, why, sizeof(why)),
		0);
	ASSERT_EQ(t, 75);
	ASSERT_EQ(
		cvss31_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", &t, why, sizeof(why)),
		0);
	ASSERT_EQ(t, 0);
cleanup:
	return;
}

TEST(malformed_vectors)
{
	static const char *const bad[] = {
		"",
		"CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N",
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N",
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N/A:N",
		"CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N",
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N/",
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:NN",
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N/E:F",
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A",
	};
	size_t k;

	for (k = 0; k < ARRAY_SIZE(bad); k++) {
		char why[160] = "";
		int t = -1;

		if (cvss31_score(bad[k], &t, why, sizeof(why)) != -EINVAL)
			TEST_FAIL_AT("accepted \"%s\"", bad[k]);
		ASSERT_TRUE(why[0] != '\0');
	}
cleanup:
	return;
}

/* Bands and deadlines of the guidelines' "Vulnerability Management Timeframe" table. */
TEST(bands)
{
	ASSERT_EQ(cvss_severity(100), SEV_CRITICAL);
	ASSERT_EQ(cvss_severity(90), SEV_CRITICAL);
	ASSERT_EQ(cvss_severity(89), SEV_HIGH);
	ASSERT_EQ(cvss_severity(70), SEV_HIGH);
	ASSERT_EQ(cvss_severity(69), SEV_MEDIUM);
	ASSERT_EQ(cvss_severity(40), SEV_MEDIUM);
	ASSERT_EQ(cvss_severity(39), SEV_LOW);
	ASSERT_EQ(cvss_severity(1), SEV_LOW);
	ASSERT_EQ(cvss_severity(0), SEV_NONE);
	ASSERT_EQ(band_of(SEV_CRITICAL)->ack_s, 24 * 3600);
	ASSERT_EQ(band_of(SEV_CRITICAL)->mitigate_s, 48 * 3600);
	ASSERT_EQ(band_of(SEV_CRITICAL)->fix_s, 4 * 7 * 86400);
	ASSERT_EQ(band_of(SEV_HIGH)->ack_s, 48 * 3600);
	ASSERT_EQ(band_of(SEV_HIGH)->mitigate_s, 72 * 3600);
	ASSERT_EQ(band_of(SEV_HIGH)->fix_s, 6 * 7 * 86400);
	ASSERT_EQ(band_of(SEV_MEDIUM)->ack_s, 5 * 86400);
	ASSERT_EQ(band_of(SEV_MEDIUM)->mitigate_s, 10 * 86400);
	ASSERT_EQ(band_of(SEV_MEDIUM)->fix_s, 8 * 7 * 86400);
	ASSERT_EQ(band_of(SEV_LOW)->ack_s, 0);
cleanup:
	return;
}

TEST(severity_names)
{
	enum severity s;

	ASSERT_EQ(severity_parse("high", &s), 0);
	ASSERT_EQ(s, SEV_HIGH);
	ASSERT_EQ(severity_parse("Critical", &s), 0);
	ASSERT_EQ(s, SEV_CRITICAL);
	ASSERT_EQ(severity_parse("none", &s), 0);
	ASSERT_EQ(s, SEV_NONE);
	ASSERT_EQ(severity_parse("severe", &s), -EINVAL);
	ASSERT_STR_EQ(severity_name(SEV_MEDIUM), "medium");
	ASSERT_STR_EQ(severity_name(SEV_LOW), "low");
cleanup:
	return;
}

int main(void)
{
	RUN(first_examples);
	RUN(order_and_zero);
	RUN(malformed_vectors);
	RUN(bands);
	RUN(severity_names);
	return test_summary();
}
