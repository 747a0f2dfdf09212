/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * testhelp: the unit-test runner. Each tests/unit/test_<module>.c defines test functions
 * with TEST(name) { ... } that use ASSERT_* (which jump to the function's `cleanup:` label on
 * failure, so resources are released) and lists them in main() via RUN(name); main ends
 * with `return test_summary();`, whose last line is exactly "N passed, N failed".
 *
 *   TEST(parses_size) {
 *           uint64_t v;
 *           ASSERT_EQ(cli_parse_size("2K", &v), 0);
 *           ASSERT_EQ(v, 2048);
 *   cleanup:
 *           return;
 *   }
 */
#ifndef CONDUCT_TESTHELP_H
#define CONDUCT_TESTHELP_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int test_passed, test_failed, test_current_failed;
static const char *test_current;

#define TEST(name) static void test_##name(void)

#define RUN(name)                                                                                  \
	do {                                                                                       \
		test_current = #name;                                                              \
		test_current_failed = 0;                                                           \
		test_##name();                                                                     \
		if (test_current_failed) {                                                         \
			test_failed++;                                                             \
			printf("FAIL %s\n", #name);                                                \
		} else {                                                                           \
			test_passed++;                                                             \
			printf("ok   %s\n", #name);                                                \
		}                                                                                  \
	} while (0)

#define TEST_FAIL_AT(...)                                                                          \
	do {                                                                                       \
		printf("  %s:%d: ", __FILE__, __LINE__);                                           \
		printf(__VA_ARGS__);                                                               \
		printf("\n");                                                                      \
		test_current_failed = 1;                                                           \
		goto cleanup;                                                                      \
	} while (0)

#define ASSERT_TRUE(c)                                                                             \
	do {                                                                                       \
		if (!(c))                                                                          \
			TEST_FAIL_AT("expected true: %s", #c);                                     \
	} while (0)

#define ASSERT_FALSE(c)                                                                            \
	do {                                                                                       \
		if (c)                                                                             \
			TEST_FAIL_AT("expected false: %s", #c);                                    \
	} while (0)

#define ASSERT_EQ(a, b)                                                                            \
	do {                                                                                       \
		long long _a = (long long)(a), _b = (long long)(b);                                \
		if (_a != _b)                                                                      \
			TEST_FAIL_AT("%s == %s: %lld != %lld", #a, #b, _a, _b);                    \
	} while (0)

#define ASSERT_NE(a, b)                                                                            \
	do {                                                                                       \
		long long _a = (long long)(a), _b = (long long)(b);                                \
		if (_a == _b)                                                                      \
			TEST_FAIL_AT("%s != %s: both %lld", #a, #b, _a);                           \
	} while (0)

#define ASSERT_GE(a, b)                                                                            \
	do {                                                                                       \
		long long _a = (long long)(a), _b = (long long)(b);                                \
		if (_a < _b)                                                                       \
			TEST_FAIL_AT("%s >= %s: %lld < %lld", #a, #b, _a, _b);                     \
	} while (0)

#define ASSERT_DOUBLE_EQ(a, b)                                                                     \
	do {                                                                                       \
		double _a = (a), _b = (b);                                                         \
		if (_a != _b)                                                                      \
			TEST_FAIL_AT("%s == %s: %.17g != %.17g", #a, #b, _a, _b);                  \
	} while (0)

#define ASSERT_STR_EQ(a, b)                                                                        \
	do {                                                                                       \
		const char *_a = (a), *_b = (b);                                                   \
		if (!_a || !_b || strcmp(_a, _b) != 0)                                             \
			TEST_FAIL_AT("%s == %s: \"%s\" != \"%s\"", #a, #b, _a ? _a : "(null)",     \
				     _b ? _b : "(null)");                                          \
	} while (0)

#define ASSERT_MEM_EQ(a, b, n)                                                                     \
	do {                                                                                       \
		if (memcmp((a), (b), (n)) != 0)                                                    \
			TEST_FAIL_AT("%s and %s differ in their first %zu bytes", #a, #b,          \
				     (size_t)(n));                                                 \
	} while (0)

static inline int test_summary(void)
{
	printf("%d passed, %d failed\n", test_passed, test_failed);
	return test_failed ? 1 : 0;
}

#endif
