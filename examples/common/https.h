/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * https.h: the few lines of OpenSSL every C example connector uses to talk HTTPS, the way
 * a small real connector does it: resolve the name (getaddrinfo, so the lookup shows in DNS),
 * connect, verify the server against a CA file, send one request, read the answer.
 * Header-only so that each example stays one self-contained program.
 */
#ifndef EXAMPLES_HTTPS_H
#define EXAMPLES_HTTPS_H

#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct https_opts {
	const char *ca;	     /* CA file the server certificate must chain to */
	const char *host;    /* name to resolve, or a literal IPv4 address */
	const char *port;    /* "443" */
	const char *sni;     /* server name sent and verified; NULL: no SNI, no name check */
	int min_version;     /* TLS1_VERSION ... TLS1_3_VERSION, 0: library default */
	int max_version;
};

/* Connects a TCP socket to host:port. Returns the fd or -1. */
static inline int tcp_connect(const char *host, const char *port)
{
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *res, *ai;
	int fd = -1, r;

	r = getaddrinfo(host, port, &hints, &res);
	if (r) {
		fprintf(stderr, "resolve %s: %s\n", host, gai_strerror(r));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		fprintf(stderr, "connect %s:%s: %m\n", host, port);
	return fd;
}

/*
 * Sends req (whole) over TLS and reads up to len-1 bytes of the answer into resp.
 * Returns the number of bytes read, or -1 with the reason on stderr.
 */
static inline int https_request(const struct https_opts *o, const char *req, char *resp,
				size_t len)
{
	SSL_CTX *ctx = NULL;
	SSL *ssl = NULL;
	int fd = -1, n, got = -1;

	ctx = SSL_CTX_new(TLS_client_method());
	if (!ctx)
		goto out;
	if (o->min_version && !SSL_CTX_set_min_proto_version(ctx, o->min_version))
		goto out;
	if (o->max_version && !SSL_CTX_set_max_proto_version(ctx, o->max_version))
		goto out;
	if (o->min_version && o->min_version < TLS1_2_VERSION)
		SSL_CTX_set_security_level(ctx, 0); /* OpenSSL 3 refuses TLS 1.0 otherwise */
	if (SSL_CTX_load_verify_locations(ctx, o->ca, NULL) != 1)
		goto out;
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	fd = tcp_connect(o->host, o->port);
	if (fd < 0)
		goto out;
	ssl = SSL_new(ctx);
	if (!ssl)
		goto out;
	SSL_set_fd(ssl, fd);
	if (o->sni) {
		SSL_set_tlsext_host_name(ssl, o->sni);
		SSL_set1_host(ssl, o->sni);
	}
	if (SSL_connect(ssl) != 1)
		goto out;
	if (SSL_write(ssl, req, (int)strlen(req)) <= 0)
		goto out;
	got = 0;
	while ((size_t)got < len - 1 && (n = SSL_read(ssl, resp + got, (int)(len - 1 - got))) > 0)
		got += n;
	resp[got] = '\0';
	SSL_shutdown(ssl);
out:
	if (got < 0) {
		fprintf(stderr, "https %s:%s failed\n", o->host, o->port);
		ERR_print_errors_fp(stderr);
	}
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	if (fd >= 0)
		close(fd);
	return got;
}

#endif
