/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * canary: generators of fake credentials that look like real ones of their kind (AWS keys,
 * GitHub and npm tokens with their real CRC32 checksum, JWTs, OpenSSH private keys, ...).
 * Pure: the caller passes the random bytes in (getrandom in the sandbox, fixed bytes in the
 * unit tests), so the output is a function of (kind, bytes). Never logs, never reads a clock.
 * A value that contains a well-known documentation example (AKIAIOSFODNN7EXAMPLE, ...) is
 * refused with -EAGAIN: the caller draws new bytes.
 */
#ifndef CONDUCT_CANARY_H
#define CONDUCT_CANARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum canary_kind {
	CANARY_AWS_KEY_ID,  /* AKIA + 16 of [A-Z2-7] */
	CANARY_AWS_SECRET,  /* 40 of [A-Za-z0-9+/] */
	CANARY_GITHUB,	    /* ghp_ + 30 alnum + 6 alnum CRC32 checksum (GitHub's own format) */
	CANARY_NPM,	    /* npm_ + 30 alnum + 6 alnum CRC32 checksum */
	CANARY_JWT,	    /* RS256 JWT: header.payload.signature, base64url without padding */
	CANARY_SSH_KEY,	    /* an openssh-key-v1 ed25519 private key in its PEM armor */
	CANARY_PASSWORD,    /* 20 printable characters, no quotes, blanks or backslash */
	CANARY_GENERIC,	    /* generic API token: 40 alnum */
	CANARY_DOCKER_AUTH, /* base64("ci-deploy:" + 24 alnum), docker config.json "auth" */
	CANARY_KIND_COUNT,
};

/* The kind's name in honey-files.json ("aws_access_key_id", ...); NULL if out of range. */
const char *canary_kind_name(enum canary_kind kind);
/* Parses a kind name; 0 or -EINVAL. */
int canary_kind_parse(const char *name, enum canary_kind *ret);

/* How many random bytes canary_make() consumes for this kind (always <= CANARY_RANDOM_MAX). */
#define CANARY_RANDOM_MAX 512
size_t canary_random_size(enum canary_kind kind);

/*
 * Builds a canary of kind from rnd (at least canary_random_size(kind) bytes). *ret is a new
 * NUL-terminated string (caller frees). Returns 0, -EINVAL (bad kind or too few bytes),
 * -EAGAIN (the value contains a well-known example value: draw again) or -ENOMEM.
 */
int canary_make(enum canary_kind kind, const uint8_t *rnd, size_t n, char **ret);

/* True if s contains a well-known published example credential (AWS docs, ...). */
bool canary_is_known_example(const char *s);

/*
 * The kind a manifest secret gets from its name (or env var name): AWS_ACCESS_KEY_ID ->
 * aws_access_key_id, *SECRET_ACCESS_KEY -> aws_secret_access_key, GITHUB / GH_ -> github,
 * NPM -> npm, PASSWORD / PASSWD -> password, JWT / TOKEN -> jwt, otherwise generic.
 */
enum canary_kind canary_kind_for_secret(const char *name);

#endif
