/* SPDX-License-Identifier: GPL-2.0-only */
/* canary: see canary.h. Pure. */
#include "sandbox/canary.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/b64.h"
#include "util/util.h"

static const char upper32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
static const char b64std[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char base62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
static const char pwchars[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789-_.!@%^*+=";

static const char *const kind_names[CANARY_KIND_COUNT] = {
	[CANARY_AWS_KEY_ID] = "aws_access_key_id",
	[CANARY_AWS_SECRET] = "aws_secret_access_key",
	[CANARY_GITHUB] = "github_token",
	[CANARY_NPM] = "npm_token",
	[CANARY_JWT] = "jwt",
	[CANARY_SSH_KEY] = "openssh_private_key",
	[CANARY_PASSWORD] = "password",
	[CANARY_GENERIC] = "api_token",
	[CANARY_DOCKER_AUTH] = "docker_auth",
};

/* Published example credentials a scanner (or a connector) could special-case. */
static const char *const known_examples[] = {
	"AKIAIOSFODNN7EXAMPLE",
	"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
	"AKIAI44QH8DHBEXAMPLE",
	"je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
	"EXAMPLE",
	"ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
};

const char *canary_kind_name(enum canary_kind kind)
{
	if ((unsigned int)kind >= CANARY_KIND_COUNT)
		return NULL;
	return kind_names[kind];
}

int canary_kind_parse(const char *name, enum canary_kind *ret)
{
	unsigned int i;

	for (i = 0; name && i < CANARY_KIND_COUNT; i++) {
		if (!strcmp(name, kind_names[i])) {
			*ret = (enum canary_kind)i;
			return 0;
		}
	}
	return -EINVAL;
}

enum { JWT_SIG = 256, JWT_JTI = 16, SSH_SEED = 32, SSH_PUB = 32, SSH_CHECK = 4 };

size_t canary_random_size(enum canary_kind kind)
{
	switch (kind) {
	case CANARY_AWS_KEY_ID:
		return 16;
	case CANARY_AWS_SECRET:
		return 40;
	case CANARY_GITHUB:
	case CANARY_NPM:
		return 30;
	case CANARY_JWT:
		return JWT_JTI + JWT_SIG;
	case CANARY_SSH_KEY:
		return SSH_SEED + SSH_PUB + SSH_CHECK;
	case CANARY_PASSWORD:
		return 20;
	case CANARY_GENERIC:
		return 40;
	case CANARY_DOCKER_AUTH:
		return 24;
	case CANARY_KIND_COUNT:
		break;
	}
	return 0;
}

bool canary_is_known_example(const char *s)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(known_examples); i++)
		if (strstr(s, known_examples[i]))
			return true;
	return false;
}

/* out[i] = alphabet[rnd[i] % len]; the slight bias of a 62-letter alphabet does not matter. */
static void pick(char *out, const uint8_t *rnd, size_t n, const char *alphabet)
{
	size_t len = strlen(alphabet), i;

	for (i = 0; i < n; i++)
		out[i] = alphabet[rnd[i] % len];
	out[n] = '\0';
}

static uint32_t crc32_ieee(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;
	size_t i;
	int k;

	for (i = 0; i < n; i++) {
		c ^= p[i];
		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
	}
	return ~c;
}

/* GitHub's token format: prefix + 30 base62 + base62(crc32(the 30)) left-padded to 6. */
static char *checksummed(const char *prefix, const uint8_t *rnd)
{
	char body[31], sum[7];
	uint32_t crc;
	char *s;
	int i;

	pick(body, rnd, 30, base62);
	crc = crc32_ieee((const uint8_t *)body, 30);
	for (i = 5; i >= 0; i--) {
		sum[i] = base62[crc % 62];
		crc /= 62;
	}
	sum[6] = '\0';
	if (asprintf(&s, "%s%s%s", prefix, body, sum) < 0)
		return NULL;
	return s;
}

/* base64url without padding of n bytes into a new string. */
static char *b64url_encode(const uint8_t *in, size_t n)
{
	size_t len = b64_encoded_len(n), i;
	char *s = malloc(len + 1);

	if (!s)
		return NULL;
	b64_encode(in, n, s);
	for (i = 0; i < len; i++) {
		if (s[i] == '+')
			s[i] = '-';
		else if (s[i] == '/')
			s[i] = '_';
		else if (s[i] == '=') {
			s[i] = '\0';
			break;
		}
	}
	return s;
}

static char *make_jwt(const uint8_t *rnd)
{
	static const char header[] = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
	_cleanup_free_ char *h = NULL, *p = NULL, *sig = NULL;
	char payload[512], jti[37];
	const uint8_t *j = rnd;
	char *s;

	snprintf(jti, sizeof(jti),
		 "%02x%02x%02x%02x-%02x%02x-4%x%02x-%x%x%02x-%02x%02x%02x%02x%02x%x%x", j[0], j[1],
		 j[2], j[3], j[4], j[5], j[6] & 0xf, j[7], 8 | (j[8] & 3), j[9] & 0xf, j[10], j[11],
		 j[12], j[13], j[14], j[15], j[6] >> 4, j[9] >> 4);
	snprintf(payload, sizeof(payload),
		 /* the random jti first: two canaries differ within their first ~50 characters */
		 "{\"jti\":\"%s\",\"iss\":\"kubernetes/serviceaccount\","
		 "\"kubernetes.io/serviceaccount/namespace\":\"default\","
		 "\"kubernetes.io/serviceaccount/service-account.name\":\"deployer\","
		 "\"sub\":\"system:serviceaccount:default:deployer\"}",
		 jti);
	h = b64url_encode((const uint8_t *)header, strlen(header));
	p = b64url_encode((const uint8_t *)payload, strlen(payload));
	sig = b64url_encode(rnd + JWT_JTI, JWT_SIG);
	if (!h || !p || !sig)
		return NULL;
	if (asprintf(&s, "%s.%s.%s", h, p, sig) < 0)
		return NULL;
	return s;
}

struct buf {
	uint8_t d[512];
	size_t n;
};

static void put_u32(struct buf *b, uint32_t v)
{
	b->d[b->n++] = (uint8_t)(v >> 24);
	b->d[b->n++] = (uint8_t)(v >> 16);
	b->d[b->n++] = (uint8_t)(v >> 8);
	b->d[b->n++] = (uint8_t)v;
}

static void put_bytes(struct buf *b, const void *p, size_t n)
{
	memcpy(b->d + b->n, p, n);
	b->n += n;
}

static void put_string(struct buf *b, const void *p, size_t n)
{
	put_u32(b, (uint32_t)n);
	put_bytes(b, p, n);
}

/* An openssh-key-v1 ed25519 private key (unencrypted), laid out as ssh-keygen writes it. */
static char *make_ssh_key(const uint8_t *rnd)
{
	static const char type[] = "ssh-ed25519", comment[] = "deploy@ci-runner";
	static const char begin[] = "-----BEGIN OPENSSH PRIVATE KEY-----\n";
	static const char end[] = "-----END OPENSSH PRIVATE KEY-----\n";
	const uint8_t *seed = rnd, *pub = rnd + SSH_SEED, *check = rnd + SSH_SEED + SSH_PUB;
	struct buf key = { .n = 0 }, pubblob = { .n = 0 }, priv = { .n = 0 };
	_cleanup_free_ char *b64 = NULL;
	uint8_t pad = 1;
	size_t len, i, o = 0;
	char *s;

	put_string(&pubblob, type, strlen(type));
	put_string(&pubblob, pub, SSH_PUB);

	put_bytes(&priv, check, SSH_CHECK);
	put_bytes(&priv, check, SSH_CHECK);
	put_string(&priv, type, strlen(type));
	put_string(&priv, pub, SSH_PUB);
	put_u32(&priv, SSH_SEED + SSH_PUB);
	put_bytes(&priv, seed, SSH_SEED);
	put_bytes(&priv, pub, SSH_PUB);
	put_string(&priv, comment, strlen(comment));
	while (priv.n % 8)
		priv.d[priv.n++] = pad++;

	put_bytes(&key, "openssh-key-v1", 15); /* with its NUL */
	put_string(&key, "none", 4);
	put_string(&key, "none", 4);
	put_string(&key, "", 0);
	put_u32(&key, 1);
	put_string(&key, pubblob.d, pubblob.n);
	put_string(&key, priv.d, priv.n);

	len = b64_encoded_len(key.n);
	b64 = malloc(len + 1);
	if (!b64)
		return NULL;
	b64_encode(key.d, key.n, b64);
	s = malloc(sizeof(begin) + len + len / 70 + 2 + sizeof(end));
	if (!s)
		return NULL;
	o = (size_t)sprintf(s, "%s", begin);
	for (i = 0; i < len; i += 70) {
		size_t k = MIN((size_t)70, len - i);

		memcpy(s + o, b64 + i, k);
		o += k;
		s[o++] = '\n';
	}
	strcpy(s + o, end);
	return s;
}

int canary_make(enum canary_kind kind, const uint8_t *rnd, size_t n, char **ret)
{
	char tmp[64], raw[64];
	char *s = NULL;

	if ((unsigned int)kind >= CANARY_KIND_COUNT || !rnd || n < canary_random_size(kind))
		return -EINVAL;
	switch (kind) {
	case CANARY_AWS_KEY_ID:
		pick(tmp, rnd, 16, upper32);
		if (asprintf(&s, "AKIA%s", tmp) < 0)
			s = NULL;
		break;
	case CANARY_AWS_SECRET:
		pick(tmp, rnd, 40, b64std);
		s = strdup(tmp);
		break;
	case CANARY_GITHUB:
		s = checksummed("ghp_", rnd);
		break;
	case CANARY_NPM:
		s = checksummed("npm_", rnd);
		break;
	case CANARY_JWT:
		s = make_jwt(rnd);
		break;
	case CANARY_SSH_KEY:
		s = make_ssh_key(rnd);
		break;
	case CANARY_PASSWORD:
		pick(tmp, rnd, 20, pwchars);
		s = strdup(tmp);
		break;
	case CANARY_GENERIC:
		pick(tmp, rnd, 40, base62);
		s = strdup(tmp);
		break;
	case CANARY_DOCKER_AUTH:
		memcpy(raw, "ci-deploy:", 10);
		pick(raw + 10, rnd, 24, base62);
		s = malloc(b64_encoded_len(34) + 1);
		if (s)
			b64_encode((const uint8_t *)raw, 34, s);
		break;
	case CANARY_KIND_COUNT:
		return -EINVAL;
	}
	if (!s)
		return -ENOMEM;
	if (canary_is_known_example(s)) {
		free(s);
		return -EAGAIN;
	}
	*ret = s;
	return 0;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcasecmp(s + a - b, suffix);
}

enum canary_kind canary_kind_for_secret(const char *name)
{
	if (!name)
		return CANARY_GENERIC;
	if (has_suffix(name, "ACCESS_KEY_ID"))
		return CANARY_AWS_KEY_ID;
	if (has_suffix(name, "SECRET_ACCESS_KEY"))
		return CANARY_AWS_SECRET;
	if (!strncasecmp(name, "GITHUB", 6) || !strncasecmp(name, "GH_", 3))
		return CANARY_GITHUB;
	if (!strncasecmp(name, "NPM", 3))
		return CANARY_NPM;
	if (strcasestr(name, "PASSWORD") || strcasestr(name, "PASSWD"))
		return CANARY_PASSWORD;
	if (strcasestr(name, "JWT") || strcasestr(name, "TOKEN"))
		return CANARY_JWT;
	return CANARY_GENERIC;
}
