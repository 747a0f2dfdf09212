/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the recorder's user-space half without a kernel: records are checked before
 * any cast, paths resolve through cwd and dirfd tables (and follow renames), TCP bytes are
 * reassembled by offset whatever order the packets arrive in, UDP datagrams carry their peer.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "events.h"
#include "record/rec_internal.h"
#include "record/trace.h"
#include "testhelp.h"
#include "util/b64.h"

static char tpath[] = "/tmp/test_record.XXXXXX";

static struct record *rec_new(void)
{
	struct record *r = calloc(1, sizeof(*r));
	json_t *h = json_pack("{s:s}", "kind", "header");
	int fd = mkstemp(tpath);

	if (!r || fd < 0)
		abort();
	close(fd);
	r->cfg.flow_bytes = 64;
	if (trace_writer_open(tpath, 0, &r->w) < 0 || trace_write_header(r->w, h) < 0)
		abort();
	json_decref(h);
	return r;
}

static void rec_del(struct record *r)
{
	rec_tables_free(r);
	trace_writer_free(r->w);
	free(r);
	unlink(tpath);
	strcpy(tpath, "/tmp/test_record.XXXXXX");
}

/* The trace lines of one kind, as a JSON array. */
static json_t *lines(const char *kind)
{
	json_t *arr = json_array();
	FILE *f = fopen(tpath, "r");
	char buf[65536];

	while (f && fgets(buf, sizeof(buf), f)) {
		json_t *o = json_loads(buf, 0, NULL);

		if (o && !strcmp(json_string_value(json_object_get(o, "kind")), kind))
			json_array_append(arr, o);
		json_decref(o);
	}
	if (f)
		fclose(f);
	return arr;
}

static size_t file_ev(uint8_t *buf, uint32_t op, int dfd, const char *p1, const char *p2,
		      int64_t ret, uint32_t info)
{
	struct ev_file *e = (void *)buf;
	size_t l1 = strlen(p1), l2 = p2 ? strlen(p2) : 0;

	memset(e, 0, sizeof(*e));
	e->hdr.type = EV_FILE;
	e->hdr.pid = 2;
	e->hdr.size = (uint32_t)(sizeof(*e) + l1 + l2);
	e->op = op;
	e->dfd = dfd;
	e->dfd2 = -100;
	e->fd = -1;
	e->ret = ret;
	e->info = (uint16_t)info;
	e->path_len = (uint16_t)l1;
	e->path2_len = (uint16_t)l2;
	memcpy(e + 1, p1, l1);
	memcpy((char *)(e + 1) + l1, p2 ? p2 : "", l2);
	return e->hdr.size;
}

TEST(rejects_malformed_records)
{
	struct record *r = rec_new();
	uint8_t buf[256] = {0};
	struct ev_hdr *h = (void *)buf;

	ASSERT_EQ(rec_handle(r, buf, 8), -EINVAL); /* shorter than a header */
	h->type = EV_PROC_EXIT;
	h->size = sizeof(struct ev_proc_exit) + 1;
	ASSERT_EQ(rec_handle(r, buf, sizeof(struct ev_proc_exit)), -EINVAL); /* size mismatch */
	h->size = sizeof(*h);
	ASSERT_EQ(rec_handle(r, buf, sizeof(*h)), -EINVAL); /* too short for its type */
	h->type = 99;
	h->size = 64;
	ASSERT_EQ(rec_handle(r, buf, 64), -EINVAL); /* unknown type */
	h->type = EV_FILE;
	h->size = (uint32_t)file_ev(buf, FOP_MKDIR, -100, "/x", NULL, 0, 0);
	((struct ev_file *)buf)->path_len = 200; /* a tail longer than the record */
	ASSERT_EQ(rec_handle(r, buf, h->size), -EINVAL);
cleanup:
	rec_del(r);
}

TEST(resolves_cwd_and_dirfd_and_renames)
{
	struct record *r = rec_new();
	uint8_t buf[1024];
	json_t *opens = NULL, *o;
	struct ev_file *e = (void *)buf;
	size_t n;

	/* chdir("/work") then open("d/a.txt", O_CREAT) */
	n = file_ev(buf, FOP_CHDIR, -100, "/work", NULL, 0, 0);
	e->cwd_ino = 10;
	e->cwd_dev = 1;
	ASSERT_EQ(rec_handle(r, buf, n), 0);
	n = file_ev(buf, FOP_OPEN, -100, "d/../a.txt", NULL, 3, FINFO_WRITE);
	e->flags = 0101; /* O_CREAT | O_WRONLY */
	e->cwd_ino = 10;
	e->cwd_dev = 1;
	e->ino = 20;
	e->dev = 1;
	ASSERT_EQ(rec_handle(r, buf, n), 0);
	/* a directory fd 4 on /srv, then openat(4, "b.txt") */
	n = file_ev(buf, FOP_OPEN, -100, "/srv", NULL, 4, FINFO_DIR);
	e->ino = 30;
	e->dev = 1;
	ASSERT_EQ(rec_handle(r, buf, n), 0);
	n = file_ev(buf, FOP_OPEN, 4, "b.txt", NULL, 5, FINFO_WRITE | FINFO_FD_KNOWN);
	e->flags = 01; /* O_WRONLY */
	e->fd_ino = 30;
	e->fd_dev = 1;
	ASSERT_EQ(rec_handle(r, buf, n), 0);
	/* openat(4, ...) where fd 4 is now something else the kernel names by inode 10 */
	n = file_ev(buf, FOP_OPEN, 4, "c.txt", NULL, 6, FINFO_WRITE | FINFO_FD_KNOWN);
	e->flags = 01;
	e->fd_ino = 10;
	e->fd_dev = 1;
	ASSERT_EQ(rec_handle(r, buf, n), 0);
	/* rename /work/a.txt -> /work/z.txt, then ftruncate(3) names the new path */
	n = file_ev(buf, FOP_RENAME, -100, "a.txt", "z.txt", 0, 0);
	ASSERT_EQ(rec_handle(r, buf, n), 0);
	n = file_ev(buf, FOP_TRUNCATE, -100, "", NULL, 0, FINFO_FD_KNOWN);
	e->fd = 3;
	e->fd_ino = 20;
	e->fd_dev = 1;
	ASSERT_EQ(rec_handle(r, buf, n), 0);

	opens = lines("file.open");
	ASSERT_EQ(json_array_size(opens), 3);
	o = json_array_get(opens, 0);
	ASSERT_STR_EQ(json_string_value(json_object_get(o, "path")), "/work/a.txt");
	ASSERT_STR_EQ(json_string_value(json_object_get(o, "intent")), "create");
	o = json_array_get(opens, 1);
	ASSERT_STR_EQ(json_string_value(json_object_get(o, "path")), "/srv/b.txt");
	ASSERT_STR_EQ(json_string_value(json_object_get(o, "intent")), "write");
	o = json_array_get(opens, 2);
	ASSERT_STR_EQ(json_string_value(json_object_get(o, "path")), "/work/c.txt");
	json_decref(opens);
	opens = lines("file.truncate");
	ASSERT_EQ(json_array_size(opens), 1);
	ASSERT_STR_EQ(json_string_value(json_object_get(json_array_get(opens, 0), "path")),
		      "/work/z.txt");
cleanup:
	json_decref(opens);
	rec_del(r);
}

static size_t data_ev(uint8_t *buf, uint32_t proto, uint32_t off, const char *bytes, uint8_t dir)
{
	struct ev_net_data *e = (void *)buf;
	size_t n = strlen(bytes);

	memset(e, 0, sizeof(*e));
	e->hdr.type = EV_NET_DATA;
	e->hdr.size = (uint32_t)(sizeof(*e) + n);
	e->cookie = 77;
	e->family = 2;
	e->addr[0] = 203;
	e->addr[1] = 0;
	e->addr[2] = 113;
	e->addr[3] = 9;
	e->port = 443;
	e->proto = proto;
	e->rel_off = off;
	e->total = (uint32_t)n;
	e->data_len = (uint16_t)n;
	e->dir = dir;
	memcpy(e + 1, bytes, n);
	return e->hdr.size;
}

TEST(reassembles_tcp_in_order)
{
	struct record *r = rec_new();
	uint8_t buf[512];
	json_t *d = NULL;
	char dec[256];
	size_t i, n;
	long k;

	/* "0123456789" arrives as [5..9], [0..4], a retransmitted [3..6], then bytes past the
	 * 64-byte budget */
	n = data_ev(buf, 6, 5, "56789", DIR_OUT);
	ASSERT_EQ(rec_handle(r, buf, n), 0);
	d = lines("net.data");
	ASSERT_EQ(json_array_size(d), 0); /* a hole at 0: nothing written yet */
	json_decref(d);
	n = data_ev(buf, 6, 0, "01234", DIR_OUT);
	ASSERT_EQ(rec_handle(r, buf, n), 0);
	n = data_ev(buf, 6, 3, "3456", DIR_OUT);
	ASSERT_EQ(rec_handle(r, buf, n), 0);
	n = data_ev(buf, 6, 60, "ABCDEFGH", DIR_OUT);
	ASSERT_EQ(rec_handle(r, buf, n), 0);
	rec_flush_flows(r);
	d = lines("net.data");
	ASSERT_EQ(json_array_size(d), 2);
	ASSERT_EQ(json_integer_value(json_object_get(json_array_get(d, 0), "offset")), 0);
	k = b64_decode(json_string_value(json_object_get(json_array_get(d, 0), "b64")),
		       strlen(json_string_value(json_object_get(json_array_get(d, 0), "b64"))),
		       (uint8_t *)dec);
	ASSERT_EQ(k, 10);
	ASSERT_TRUE(memcmp(dec, "0123456789", 10) == 0);
	/* the island after the gap, cut at the budget */
	ASSERT_EQ(json_integer_value(json_object_get(json_array_get(d, 1), "offset")), 60);
	k = b64_decode(json_string_value(json_object_get(json_array_get(d, 1), "b64")),
		       strlen(json_string_value(json_object_get(json_array_get(d, 1), "b64"))),
		       (uint8_t *)dec);
	ASSERT_EQ(k, 4);
	ASSERT_TRUE(memcmp(dec, "ABCD", 4) == 0);
	ASSERT_TRUE(json_is_true(json_object_get(json_array_get(d, 1), "gap")));
	for (i = 0; i < json_array_size(d); i++)
		ASSERT_EQ(json_integer_value(json_object_get(json_array_get(d, i), "flow")), 77);
cleanup:
	json_decref(d);
	rec_del(r);
}

TEST(udp_datagrams_carry_their_peer)
{
	struct record *r = rec_new();
	uint8_t buf[512];
	json_t *d = NULL, *o;
	size_t n;

	n = data_ev(buf, 17, 0, "hello", DIR_OUT);
	ASSERT_EQ(rec_handle(r, buf, n), 0);
	n = data_ev(buf, 17, 0, "again", DIR_OUT);
	ASSERT_EQ(rec_handle(r, buf, n), 0);
	d = lines("net.data");
	ASSERT_EQ(json_array_size(d), 2);
	o = json_array_get(d, 1);
	ASSERT_STR_EQ(json_string_value(json_object_get(o, "addr")), "203.0.113.9");
	ASSERT_EQ(json_integer_value(json_object_get(o, "port")), 443);
	ASSERT_EQ(json_integer_value(json_object_get(o, "offset")), 5);
	ASSERT_EQ(json_integer_value(json_object_get(o, "bytes")), 5);
	ASSERT_STR_EQ(json_string_value(json_object_get(o, "proto")), "udp");
cleanup:
	json_decref(d);
	rec_del(r);
}

TEST(path_normalize)
{
	char *p = NULL;

	p = rec_path_join("/a/b", "../c/./d//e/..", 14);
	ASSERT_STR_EQ(p, "/a/c/d");
	free(p);
	p = rec_path_join("/a", "/x/../../y", 10);
	ASSERT_STR_EQ(p, "/y");
	free(p);
	p = rec_path_join("/", "", 0);
	ASSERT_STR_EQ(p, "/");
cleanup:
	free(p);
}

int main(void)
{
	RUN(rejects_malformed_records);
	RUN(resolves_cwd_and_dirfd_and_renames);
	RUN(reassembles_tcp_in_order);
	RUN(udp_datagrams_carry_their_peer);
	RUN(path_normalize);
	return test_summary();
}
