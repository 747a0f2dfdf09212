/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests of the canary generator: exact formats, alphabets, checksums, uniqueness. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "sandbox/canary.h"
#include "sandbox/internal.h"
#include "testhelp.h"
#include "util/b64.h"

static int only(const char *s, size_t n, const char *alphabet)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!s[i] || !strchr(alphabet, s[i]))
			return 0;
	return 1;
}

#define UPPER32 "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
#define ALNUM "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
#define B64 ALNUM "+/"
#define B64URL ALNUM "-_"

static char *make(enum canary_kind k, uint8_t fill)
{
	uint8_t rnd[CANARY_RANDOM_MAX];
	char *s = NULL;
	size_t i;

	for (i = 0; i < sizeof(rnd); i++)
		rnd[i] = (uint8_t)(fill + i * 7);
	if (canary_make(k, rnd, sizeof(rnd), &s) < 0)
		return NULL;
	return s;
}

static char *make_random(enum canary_kind k)
{
	uint8_t rnd[CANARY_RANDOM_MAX];
	char *s = NULL;

	do {
		free(s);
		s = NULL;
		if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
			return NULL;
	} while (canary_make(k, rnd, sizeof(rnd), &s) == -EAGAIN);
	return s;
}

/* base62 of crc32 as GitHub computes the last 6 characters of its tokens. */
static int checksum_ok(const char *body30, const char *sum6)
{
	static const char a[] = ALNUM;
	uint32_t c = 0xffffffffu;
	char want[7];
	int i, k;

	for (i = 0; i < 30; i++) {
		c ^= (uint8_t)body30[i];
		for (k = 0; k < 8; k++)
			c = (c & 1) ? (c >> 1) ^ 0xedb88320u : c >> 1;
	}
	c = ~c;
	for (i = 5; i >= 0; i--) {
		want[i] = a[c % 62];
		c /= 62;
	}
	want[6] = '\0';
	return !strncmp(want, sum6, 6);
}

TEST(aws_key_id_format)
{
	char *s = make(CANARY_AWS_KEY_ID, 3);

	ASSERT_TRUE(s);
	ASSERT_EQ(strlen(s), 20);
	ASSERT_EQ(strncmp(s, "AKIA", 4), 0);
	ASSERT_TRUE(only(s + 4, 16, UPPER32));
cleanup:
	free(s);
}

TEST(aws_key_id_exact_from_bytes)
{
	uint8_t rnd[16];
	char *s = NULL;
	int i;

	for (i = 0; i < 16; i++)
		rnd[i] = (uint8_t)(i + 32); /* i + 32 = i mod 32: "ABCDEFGHIJKLMNOP" */
	ASSERT_EQ(canary_make(CANARY_AWS_KEY_ID, rnd, sizeof(rnd), &s), 0);
	ASSERT_EQ(strcmp(s, "AKIAABCDEFGHIJKLMNOP"), 0);
cleanup:
	free(s);
}

TEST(refuses_the_aws_documentation_example)
{
	static const char want[] = "IOSFODNN7EXAMPLE";
	uint8_t rnd[16];
	char *s = NULL;
	int i;

	for (i = 0; i < 16; i++)
		rnd[i] = (uint8_t)(strchr(UPPER32, want[i]) - UPPER32);
	ASSERT_EQ(canary_make(CANARY_AWS_KEY_ID, rnd, sizeof(rnd), &s), -EAGAIN);
	ASSERT_TRUE(s == NULL);
	ASSERT_TRUE(canary_is_known_example("AKIAIOSFODNN7EXAMPLE"));
	ASSERT_TRUE(canary_is_known_example("x wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY y"));
	ASSERT_FALSE(canary_is_known_example("AKIAABCDEFGHIJKLMNOP"));
cleanup:
	free(s);
}

TEST(aws_secret_format)
{
	char *s = make(CANARY_AWS_SECRET, 9);

	ASSERT_TRUE(s);
	ASSERT_EQ(strlen(s), 40);
	ASSERT_TRUE(only(s, 40, B64));
cleanup:
	free(s);
}

TEST(github_and_npm_tokens_carry_a_valid_checksum)
{
	char *g = make(CANARY_GITHUB, 1), *n = make(CANARY_NPM, 2);

	ASSERT_TRUE(g && n);
	ASSERT_EQ(strlen(g), 40);
	ASSERT_EQ(strncmp(g, "ghp_", 4), 0);
	ASSERT_TRUE(only(g + 4, 36, ALNUM));
	ASSERT_TRUE(checksum_ok(g + 4, g + 34));
	ASSERT_EQ(strlen(n), 40);
	ASSERT_EQ(strncmp(n, "npm_", 4), 0);
	ASSERT_TRUE(only(n + 4, 36, ALNUM));
	ASSERT_TRUE(checksum_ok(n + 4, n + 34));
	/* a changed character breaks the checksum: the check above can fail */
	g[10] = g[10] == 'a' ? 'b' : 'a';
	ASSERT_FALSE(checksum_ok(g + 4, g + 34));
cleanup:
	free(g);
	free(n);
}

/* Decodes one base64url part (no padding) into a NUL-terminated string. */
static char *unb64url(const char *p, size_t len)
{
	char *pad = malloc(len + 4), *out = malloc(len + 4);
	size_t i, n = len;
	long r;

	if (!pad || !out)
		goto fail;
	for (i = 0; i < len; i++)
		pad[i] = p[i] == '-' ? '+' : p[i] == '_' ? '/' : p[i];
	while (n % 4)
		pad[n++] = '=';
	r = b64_decode(pad, n, (uint8_t *)out);
	if (r < 0)
		goto fail;
	out[r] = '\0';
	free(pad);
	return out;
fail:
	free(pad);
	free(out);
	return NULL;
}

TEST(jwt_has_three_base64url_parts_and_a_real_header)
{
	char *s = make(CANARY_JWT, 5), *h = NULL, *p = NULL;
	char *d1, *d2;

	ASSERT_TRUE(s);
	d1 = strchr(s, '.');
	ASSERT_TRUE(d1);
	d2 = strchr(d1 + 1, '.');
	ASSERT_TRUE(d2);
	ASSERT_TRUE(strchr(d2 + 1, '.') == NULL);
	ASSERT_TRUE(only(s, (size_t)(d1 - s), B64URL));
	ASSERT_TRUE(only(d1 + 1, (size_t)(d2 - d1 - 1), B64URL));
	ASSERT_TRUE(only(d2 + 1, strlen(d2 + 1), B64URL));
	ASSERT_EQ(strlen(d2 + 1), 342); /* 256-byte RS256 signature */
	h = unb64url(s, (size_t)(d1 - s));
	ASSERT_TRUE(h);
	ASSERT_EQ(strcmp(h, "{\"alg\":\"RS256\",\"typ\":\"JWT\"}"), 0);
	p = unb64url(d1 + 1, (size_t)(d2 - d1 - 1));
	ASSERT_TRUE(p);
	ASSERT_EQ(p[0], '{');
	ASSERT_TRUE(strstr(p, "\"sub\":\"system:serviceaccount:default:deployer\""));
cleanup:
	free(s);
	free(h);
	free(p);
}

/*
 * Secret search may look at a bounded window of a long canary: two JWT canaries must differ
 * early, not only in a signature 300 characters in (they once shared their first ~300).
 */
TEST(jwt_canaries_differ_within_their_first_64_characters)
{
	char *a = NULL, *b = NULL;

	a = make(CANARY_JWT, 1);
	b = make(CANARY_JWT, 2);
	ASSERT_TRUE(a && b);
	ASSERT_TRUE(strncmp(a, b, 64) != 0);
cleanup:
	free(a);
	free(b);
}

TEST(ssh_key_is_openssh_v1_in_its_armor)
{
	static const char begin[] = "-----BEGIN OPENSSH PRIVATE KEY-----\n";
	static const char end[] = "-----END OPENSSH PRIVATE KEY-----\n";
	char *s = make(CANARY_SSH_KEY, 11), *body = NULL, *line;
	uint8_t raw[1024];
	size_t n = 0;
	long r;

	ASSERT_TRUE(s);
	ASSERT_EQ(strncmp(s, begin, strlen(begin)), 0);
	ASSERT_TRUE(strlen(s) > strlen(begin) + strlen(end));
	ASSERT_EQ(strcmp(s + strlen(s) - strlen(end), end), 0);
	body = malloc(strlen(s));
	ASSERT_TRUE(body);
	for (line = s + strlen(begin); strncmp(line, "-----END", 8); line = strchr(line, '\n') + 1) {
		size_t k = (size_t)(strchr(line, '\n') - line);

		ASSERT_TRUE(k <= 70);
		memcpy(body + n, line, k);
		n += k;
	}
	r = b64_decode(body, n, raw);
	ASSERT_TRUE(r > 100);
	ASSERT_EQ(memcmp(raw, "openssh-key-v1\0\0\0\0\4none", 23), 0);
	ASSERT_TRUE(memmem(raw, (size_t)r, "ssh-ed25519", 11) != NULL);
cleanup:
	free(s);
	free(body);
}

TEST(password_generic_docker)
{
	char *p = make(CANARY_PASSWORD, 4), *g = make(CANARY_GENERIC, 6);
	char *d = make(CANARY_DOCKER_AUTH, 8);
	uint8_t raw[64];
	long r;

	ASSERT_TRUE(p && g && d);
	ASSERT_EQ(strlen(p), 20);
	ASSERT_TRUE(strpbrk(p, " \t\"'\\`$") == NULL);
	ASSERT_EQ(strlen(g), 40);
	ASSERT_TRUE(only(g, 40, ALNUM));
	r = b64_decode(d, strlen(d), raw);
	ASSERT_EQ(r, 34);
	ASSERT_EQ(memcmp(raw, "ci-deploy:", 10), 0);
cleanup:
	free(p);
	free(g);
	free(d);
}

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

TEST(unique_over_many_draws)
{
	enum { N = 2000 };
	char **v = calloc(N, sizeof(*v));
	unsigned int k;
	int i, j;

	ASSERT_TRUE(v);
	for (k = 0; k < CANARY_KIND_COUNT; k++) {
		for (i = 0; i < N; i++) {
			v[i] = make_random((enum canary_kind)k);
			ASSERT_TRUE(v[i]);
			ASSERT_FALSE(canary_is_known_example(v[i]));
		}
		qsort(v, N, sizeof(*v), cmpstr);
		for (j = 1; j < N; j++)
			if (!strcmp(v[j - 1], v[j]))
				TEST_FAIL_AT("kind %s repeated %s", canary_kind_name(k), v[j]);
		for (i = 0; i < N; i++) {
			free(v[i]);
			v[i] = NULL;
		}
	}
cleanup:
	if (v)
		for (i = 0; i < N; i++)
			free(v[i]);
	free(v);
}

TEST(short_random_input_is_refused)
{
	uint8_t rnd[8] = { 0 };
	char *s = NULL;

	ASSERT_EQ(canary_make(CANARY_JWT, rnd, sizeof(rnd), &s), -EINVAL);
	ASSERT_EQ(canary_make(CANARY_KIND_COUNT, rnd, sizeof(rnd), &s), -EINVAL);
	ASSERT_TRUE(s == NULL);
cleanup:
	free(s);
}

TEST(kind_names_round_trip)
{
	enum canary_kind k;
	unsigned int i;

	for (i = 0; i < CANARY_KIND_COUNT; i++) {
		ASSERT_EQ(canary_kind_parse(canary_kind_name((enum canary_kind)i), &k), 0);
		ASSERT_EQ(k, i);
		ASSERT_TRUE(canary_random_size(k) <= CANARY_RANDOM_MAX);
	}
	ASSERT_EQ(canary_kind_parse("aws", &k), -EINVAL);
cleanup:
	return;
}

TEST(kind_guessed_from_secret_name)
{
	ASSERT_EQ(canary_kind_for_secret("AWS_ACCESS_KEY_ID"), CANARY_AWS_KEY_ID);
	ASSERT_EQ(canary_kind_for_secret("AWS_SECRET_ACCESS_KEY"), CANARY_AWS_SECRET);
	ASSERT_EQ(canary_kind_for_secret("BACKUP_SECRET_ACCESS_KEY"), CANARY_AWS_SECRET);
	ASSERT_EQ(canary_kind_for_secret("GITHUB_TOKEN"), CANARY_GITHUB);
	ASSERT_EQ(canary_kind_for_secret("GH_PAT"), CANARY_GITHUB);
	ASSERT_EQ(canary_kind_for_secret("NPM_TOKEN"), CANARY_NPM);
	ASSERT_EQ(canary_kind_for_secret("DB_PASSWORD"), CANARY_PASSWORD);
	ASSERT_EQ(canary_kind_for_secret("ACME_API_TOKEN"), CANARY_JWT);
	ASSERT_EQ(canary_kind_for_secret("SESSION_JWT"), CANARY_JWT);
	ASSERT_EQ(canary_kind_for_secret("ACME_API_KEY"), CANARY_GENERIC);
	ASSERT_EQ(canary_kind_for_secret(NULL), CANARY_GENERIC);
cleanup:
	return;
}

/* The shipped honey-files.json: every file rendered, each canary in its file, unique. */
TEST(honey_files_json_renders)
{
	struct sb_canaries c = { 0 };
	struct error err = { 0 };
	size_t i, j;
	int r;

	r = sb_honey_load("policies/knowledge/honey-files.json", &c, &err);
	if (r < 0)
		TEST_FAIL_AT("%s", err.text);
	ASSERT_TRUE(c.n_files >= 8);
	ASSERT_TRUE(c.n > c.n_files); /* the AWS file holds two */
	for (i = 0; i < c.n; i++) {
		const char *path = c.v[i].where + 5;
		bool found = false;

		ASSERT_EQ(strncmp(c.v[i].where, "file:", 5), 0);
		ASSERT_EQ(strncmp(c.v[i].name, "honey:", 6), 0);
		for (j = 0; j < c.n_files; j++)
			if (!strcmp(c.files[j].path, path) && strstr(c.files[j].content, c.v[i].value))
				found = true;
		ASSERT_TRUE(found);
		for (j = 0; j < i; j++)
			ASSERT_TRUE(strcmp(c.v[i].value, c.v[j].value) != 0);
	}
	for (i = 0; i < c.n_files; i++) {
		ASSERT_EQ(c.files[i].path[0], '/');
		ASSERT_TRUE(strstr(c.files[i].content, "{{") == NULL);
		ASSERT_EQ(strlen(c.files[i].content), c.files[i].len);
	}
	ASSERT_EQ(strcmp(c.files[0].path, "/root/.aws/credentials"), 0);
	ASSERT_EQ(c.files[0].mode, 0600);
	ASSERT_EQ(sb_honey_rebase(&c, "/var/run/", "/run/"), 0);
	for (i = 0; i < c.n_files; i++)
		ASSERT_TRUE(strncmp(c.files[i].path, "/var/run/", 9) != 0);
cleanup:
	sb_canaries_fini(&c);
}

static int parse(const char *json, struct error *err)
{
	struct sb_canaries c = { 0 };
	int r = sb_honey_parse(json, strlen(json), &c, err);

	sb_canaries_fini(&c);
	return r;
}

TEST(honey_files_json_is_strict)
{
	struct error err = { 0 };

#define F(x) "{\"files\":[{\"id\":\"a\",\"mode\":\"0600\",\"kind\":\"password\"," x "}]}"
	ASSERT_EQ(parse(F("\"path\":\"~/.a\",\"template\":\"p={{canary}}\""), &err), 0);
	ASSERT_EQ(parse(F("\"path\":\"~/../etc/x\",\"template\":\"{{canary}}\""), &err), -EINVAL);
	ASSERT_EQ(parse(F("\"path\":\"rel/x\",\"template\":\"{{canary}}\""), &err), -EINVAL);
	ASSERT_EQ(parse(F("\"path\":\"~/.a\",\"template\":\"no placeholder\""), &err), -EINVAL);
	ASSERT_EQ(parse(F("\"path\":\"~/.a\",\"template\":\"{{canary:nope}}\""), &err), -EINVAL);
	ASSERT_EQ(parse(F("\"path\":\"~/.a\",\"template\":\"{{canary\""), &err), -EINVAL);
	ASSERT_EQ(parse(F("\"path\":\"~/.a\",\"template\":\"{{canary}}\",\"extra\":1"), &err),
		  -EINVAL);
	ASSERT_TRUE(strstr(err.text, "unknown key 'extra'") != NULL);
	ASSERT_EQ(parse("{\"files\":[]}", &err), -EINVAL);
	ASSERT_EQ(parse("{\"files\":[], \"x\":1}", &err), -EINVAL);
	ASSERT_EQ(parse("[", &err), -EINVAL);
	ASSERT_EQ(err.line, 1);
#undef F
cleanup:
	return;
}

int main(void)
{
	RUN(aws_key_id_format);
	RUN(aws_key_id_exact_from_bytes);
	RUN(refuses_the_aws_documentation_example);
	RUN(aws_secret_format);
	RUN(github_and_npm_tokens_carry_a_valid_checksum);
	RUN(jwt_has_three_base64url_parts_and_a_real_header);
	RUN(jwt_canaries_differ_within_their_first_64_characters);
	RUN(ssh_key_is_openssh_v1_in_its_armor);
	RUN(password_generic_docker);
	RUN(unique_over_many_draws);
	RUN(short_random_input_is_refused);
	RUN(kind_names_round_trip);
	RUN(kind_guessed_from_secret_name);
	RUN(honey_files_json_renders);
	RUN(honey_files_json_is_strict);
	return test_summary();
}
