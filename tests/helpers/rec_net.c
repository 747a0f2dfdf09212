/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rec_net MODE: loopback network behaviour for tests/integration/test_record_net.sh (inside the
 * sandbox's own network namespace; nothing leaves it, except dnstcp, which goes to the address
 * it is given: the test's own lab namespace).
 *   race:  30 TCP connects from one thread while another thread keeps rewriting the sockaddr
 *          buffer between 127.0.0.1 and 127.0.0.2; prints "peer ADDR PORT" per connect, the
 *          address getpeername() says was actually connected.
 *   udp:   one sendmmsg() with two datagrams (11 and 22 bytes) to 127.0.0.1:5301 and
 *          127.0.0.2:5302, then one DNS query datagram to 127.0.0.1:53 (nobody answers).
 *   tcp:   a client sends 20000 bytes (byte i = i % 251) to a loopback server, which answers
 *          with 20000 bytes (byte i = (i * 7 + i / 256) % 256); prints "port N".
 *   dnstcp ADDR: a DNS query (lab2.example A, id 0x4321) over TCP to ADDR:53, length prefix and
 *          message in two writes; reads the whole answer and prints "answer N" (its length).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define N_RACE 30
#define TCP_BYTES 20000

static void die(const char *what)
{
	fprintf(stderr, "rec_net: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int listener(const char *addr, int port, int type)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int one = 1, fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	inet_pton(AF_INET, addr, &sa.sin_addr);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("bind");
	if (type == SOCK_STREAM && listen(fd, 64) < 0)
		die("listen");
	return fd;
}

static struct sockaddr_in race_buf;
static atomic_int race_stop, race_flips;

static void *flipper(void *arg)
{
	struct in_addr a, b;

	(void)arg;
	inet_pton(AF_INET, "127.0.0.1", &a);
	inet_pton(AF_INET, "127.0.0.2", &b);
	/* volatile stores: the compiler must not merge them or sink them out of the loop */
	/* each value held for the same short spin, so a connect can catch either */
	while (!atomic_load(&race_stop)) {
		volatile int spin;

		((volatile struct sockaddr_in *)&race_buf)->sin_addr.s_addr = a.s_addr;
		for (spin = 0; spin < 50; spin++)
			;
		((volatile struct sockaddr_in *)&race_buf)->sin_addr.s_addr = b.s_addr;
		for (spin = 0; spin < 50; spin++)
			;
		atomic_fetch_add(&race_flips, 1);
	}
	return NULL;
}

static void *acceptor(void *arg)
{
	int lfd = *(int *)arg;

	for (;;) {
		int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

		if (c < 0)
			return NULL;
		close(c);
	}
}

static int race(void)
{
	pthread_t t, acc;
	int lfd = listener("0.0.0.0", 4100, SOCK_STREAM), i;

	race_buf.sin_family = AF_INET;
	race_buf.sin_port = htons(4100);
	inet_pton(AF_INET, "127.0.0.1", &race_buf.sin_addr);
	pthread_create(&acc, NULL, acceptor, &lfd);
	pthread_create(&t, NULL, flipper, NULL);
	for (i = 0; i < N_RACE; i++) {
		struct sockaddr_in peer;
		socklen_t pl = sizeof(peer);
		char a[32];
		int fd, flips = atomic_load(&race_flips);

		/*
		 * Each connect waits until the flipper has run again since the last one,
		 * so that even on one (busy or throttled) CPU the connects interleave with
		 * its rewrites.
		 */
		while (atomic_load(&race_flips) == flips)
			sched_yield();
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (fd < 0)
			die("socket");
		if (connect(fd, (struct sockaddr *)&race_buf, sizeof(race_buf)) < 0)
			die("connect");
		if (getpeername(fd, (struct sockaddr *)&peer, &pl) < 0)
			die("getpeername");
		printf("peer %s %d\n", inet_ntop(AF_INET, &peer.sin_addr, a, sizeof(a)),
		       ntohs(peer.sin_port));
		close(fd);
	}
	atomic_store(&race_stop, 1);
	pthread_join(t, NULL);
	fflush(stdout);
	return 0;
}

static int udp(void)
{
	struct sockaddr_in d[2] = {{.sin_family = AF_INET, .sin_port = htons(5301)},
				   {.sin_family = AF_INET, .sin_port = htons(5302)}};
	static const unsigned char dnsq[] = {
		0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 4,	  'l',	'a',  'b',  '1',  7,	'e',  'x',
		'a',  'm',  'p',  'l',	'e',  0,    0x00, 0x01, 0x00, 0x01,
	};
	char b1[11], b2[22];
	struct iovec iov[2] = {{b1, sizeof(b1)}, {b2, sizeof(b2)}};
	struct mmsghdr m[2];
	struct sockaddr_in dns = {.sin_family = AF_INET, .sin_port = htons(53)};
	int r1 = listener("127.0.0.1", 5301, SOCK_DGRAM),
	    r2 = listener("127.0.0.2", 5302, SOCK_DGRAM);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die("socket");
	memset(b1, 'a', sizeof(b1));
	memset(b2, 'b', sizeof(b2));
	inet_pton(AF_INET, "127.0.0.1", &d[0].sin_addr);
	inet_pton(AF_INET, "127.0.0.2", &d[1].sin_addr);
	memset(m, 0, sizeof(m));
	m[0].msg_hdr = (struct msghdr){.msg_name = &d[0],
				       .msg_namelen = sizeof(d[0]),
				       .msg_iov = &iov[0],
				       .msg_iovlen = 1};
	m[1].msg_hdr = (struct msghdr){.msg_name = &d[1],
				       .msg_namelen = sizeof(d[1]),
				       .msg_iov = &iov[1],
				       .msg_iovlen = 1};
	if (sendmmsg(fd, m, 2, 0) != 2)
		die("sendmmsg");
	inet_pton(AF_INET, "127.0.0.1", &dns.sin_addr);
	if (sendto(fd, dnsq, sizeof(dnsq), 0, (struct sockaddr *)&dns, sizeof(dns)) < 0)
		die("sendto dns");
	close(r1);
	close(r2);
	return 0;
}

static void *tcp_server(void *arg)
{
	static unsigned char in[TCP_BYTES], out[TCP_BYTES];
	int lfd = *(int *)arg, c, i;
	size_t got = 0;

	for (i = 0; i < TCP_BYTES; i++)
		out[i] = (unsigned char)((i * 7 + i / 256) % 256);
	c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (c < 0)
		die("accept");
	while (got < TCP_BYTES) {
		ssize_t n = read(c, in + got, TCP_BYTES - got);

		if (n <= 0)
			die("server read");
		got += (size_t)n;
	}
	if (write(c, out, TCP_BYTES) != TCP_BYTES)
		die("server write");
	close(c);
	return NULL;
}

static int tcp(void)
{
	static unsigned char out[TCP_BYTES], in[TCP_BYTES];
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(4200)};
	int lfd = listener("127.0.0.1", 4200, SOCK_STREAM), fd, i;
	size_t got = 0, put = 0;
	pthread_t t;

	for (i = 0; i < TCP_BYTES; i++)
		out[i] = (unsigned char)(i % 251);
	pthread_create(&t, NULL, tcp_server, &lfd);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("connect");
	/* in small writes, so the stream is many segments */
	while (put < TCP_BYTES) {
		size_t n = TCP_BYTES - put < 1000 ? TCP_BYTES - put : 1000;

		if (write(fd, out + put, n) != (ssize_t)n)
			die("client write");
		put += n;
	}
	while (got < TCP_BYTES) {
		ssize_t n = read(fd, in + got, TCP_BYTES - got);

		if (n <= 0)
			die("client read");
		got += (size_t)n;
	}
	pthread_join(t, NULL);
	printf("port 4200\n");
	return 0;
}

/*
 * DNS over TCP to ADDR:53: the two-byte length prefix and the query in two writes (as resolvers
 * do), then the length-prefixed answer, read whole.
 */
static int dnstcp(const char *addr)
{
	static const unsigned char q[] = {
		0x43, 0x21, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 4,	  'l',	'a',  'b',  '2',  7,	'e',  'x',
		'a',  'm',  'p',  'l',	'e',  0,    0x00, 0x01, 0x00, 0x01,
	};
	unsigned char len[2] = {0, sizeof(q)}, ans[512];
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(53)};
	size_t got = 0, want = 2;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || inet_pton(AF_INET, addr, &sa.sin_addr) != 1)
		die("socket");
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("connect dns");
	if (write(fd, len, 2) != 2 || write(fd, q, sizeof(q)) != (ssize_t)sizeof(q))
		die("write dns");
	while (got < want) {
		ssize_t n = read(fd, ans + got, want - got);

		if (n <= 0)
			die("read dns");
		got += (size_t)n;
		if (got == 2)
			want = 2 + (((size_t)ans[0] << 8) | ans[1]);
		if (want > sizeof(ans))
			die("dns answer too long");
	}
	close(fd);
	printf("answer %zu\n", got - 2);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "dnstcp"))
		return dnstcp(argv[2]);
	if (argc != 2)
		return 2;
	if (!strcmp(argv[1], "race"))
		return race();
	if (!strcmp(argv[1], "udp"))
		return udp();
	if (!strcmp(argv[1], "tcp"))
		return tcp();
	return 2;
}
