/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_judge_trace: the trace reader. Malformed traces fail with trace line:column (the
 * column of the offending character or field value); unknown kinds and fields pass; the
 * bounds hold (a 10 000-deep line, a line over the length limit); a trace cut short is
 * judged incomplete, never pass.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "judge/judge_int.h"
#include "testhelp.h"

static char dir[64];
static struct policy *pol;

#define HDR                                                                                       \
	"{\"kind\":\"header\",\"format\":1,\"tool\":\"conduct 0.1.0\",\"kernel\":\"Linux 6.18\"," \
	"\"started\":\"2026-11-26T10:00:00Z\",\"command\":[\"/bin/x\"],\"sandbox\":{\"home\":"    \
	"\"/root\",\"workdir\":\"/work\",\"writable\":[\"/tmp\"]},\"manifest\":null,\"policy\":{" \
	"\"id\":\"p\",\"sha256\":\"0\"},\"canaries\":[]}\n"
#define END                                                                                   \
	"{\"kind\":\"run.end\",\"t\":9,\"pid\":0,\"exit_code\":0,\"signal\":0,\"timed_out\":" \
	"false,"                                                                              \
	"\"interrupted\":false,\"duration_ns\":5,\"lost\":0,\"log_dropped\":0}\n"

static int write_tmp(const char *text, size_t len, char *path, size_t n)
{
	int fd;

	snprintf(path, n, "%s/t.jsonl", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (write_all(fd, text, len) < 0) {
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static const struct {
	const char *what;
	const char *text;
	unsigned int line, col;
	const char *msg;
} bad[] = {
	{"empty file", "", 1, 1, "empty trace"},
	{"first line not a header", "{\"kind\":\"log\",\"t\":1,\"pid\":1,\"line\":\"x\"}\n", 1, 9,
	 "must be the trace header"},
	{"unsupported format", "{\"kind\":\"header\",\"format\":2}\n", 1, 27,
	 "trace format 2 is not supported"},
	{"header without started",
	 "{\"kind\":\"header\",\"format\":1,\"tool\":\"t\",\"kernel\":\"k\"}\n", 1, 1,
	 "missing field \"started\""},
	{"bad started",
	 "{\"kind\":\"header\",\"format\":1,\"started\":\"yesterday\",\"tool\":\"t\",\"kernel\":"
	 "\"k\"}\n",
	 1, 39, "YYYY-MM-DDTHH:MM:SSZ"},
	{"syntax error",
	 HDR "{\"kind\":\"log\",\"t\":1,\"pid\":1,\"line\":\"x\"}\n{\"kind\":\"log\" \"t\":1}\n", 3,
	 15, "',' or '}' expected"},
	{"wrong field type",
	 HDR "{\"kind\":\"net.connect\",\"t\":1,\"pid\":1,\"flow\":1,\"proto\":\"tcp\",\"addr\":"
	     "\"203.0.113.1\",\"port\":\"443\",\"ret\":0}\n",
	 2, 88, "\"port\" must be an integer"},
	{"missing field",
	 HDR "{\"kind\":\"net.data\",\"t\":1,\"pid\":1,\"flow\":1,\"offset\":0,\"b64\":\"AA==\"}\n",
	 2, 1, "missing field \"dir\""},
	{"bad base64",
	 HDR "{\"kind\":\"net.data\",\"t\":1,\"pid\":1,\"flow\":1,\"dir\":\"out\",\"offset\":0,"
	     "\"b64\":\"A*==\"}\n",
	 2, 72, "not valid base64"},
	{"empty line", HDR "\n" END, 2, 1, "empty line"},
	{"duplicate key", HDR "{\"kind\":\"log\",\"t\":1,\"t\":2}\n", 2, 21, "duplicate key \"t\""},
	{"a second header", HDR HDR, 2, 9, "a second header"},
	{"event without kind", HDR "{\"t\":1,\"pid\":2}\n", 2, 1, "without a string \"kind\""},
	{"NUL byte in a line", HDR "{\"kind\":\"log\",\"line\":\"a\0b\"}\n", 2, 24,
	 "control character"},
	{"bad embedded manifest",
	 "{\"kind\":\"header\",\"format\":1,\"tool\":\"t\",\"kernel\":\"k\",\"started\":\"2026-11-"
	 "26T10:00:00Z\","
	 "\"command\":[],\"sandbox\":{},\"manifest\":{\"connector\":\"a\",\"version\":\"1\","
	 "\"egress\":[{\"host\":\"a*b\"}]},"
	 "\"policy\":{},\"canaries\":[]}\n",
	 1, 172, "bad host \"a*b\""},
};

TEST(malformed)
{
	size_t k;

	for (k = 0; k < ARRAY_SIZE(bad); k++) {
		struct error err = {0};
		json_t *r = NULL;
		char path[128];
		size_t len = strlen(bad[k].text);
		int rr;

		if (!strcmp(bad[k].what, "NUL byte in a line"))
			len = sizeof(HDR "{\"kind\":\"log\",\"line\":\"a\0b\"}\n") - 1;
		ASSERT_EQ(write_tmp(bad[k].text, len, path, sizeof(path)), 0);
		rr = judge_check_file(path, NULL, pol, &r, &err);
		json_decref(r);
		if (rr != -EINVAL)
			TEST_FAIL_AT("%s: returned %d", bad[k].what, rr);
		if (err.line != bad[k].line || err.column != bad[k].col ||
		    !strstr(err.text, bad[k].msg))
			TEST_FAIL_AT("%s:\n    got    %u:%u: %s\n    expect %u:%u: ...%s...",
				     bad[k].what, err.line, err.column, err.text, bad[k].line,
				     bad[k].col, bad[k].msg);
	}
cleanup:
	return;
}

/* Unknown kinds and unknown fields of known kinds are skipped (a newer recorder). */
TEST(forward_compatible)
{
	static const char t[] =
		HDR "{\"kind\":\"gpu.launch\",\"t\":1,\"pid\":1,\"kernel\":{\"a\":[1]}}\n"
		    "{\"kind\":\"log\",\"t\":2,\"pid\":1,\"stream\":\"stdout\",\"line\":\"hi\","
		    "\"color\":true}\n" END;
	struct error err = {0};
	json_t *r = NULL;
	char path[128];

	ASSERT_EQ(write_tmp(t, sizeof(t) - 1, path, sizeof(path)), 0);
	ASSERT_EQ(judge_check_file(path, NULL, pol, &r, &err), 0);
	ASSERT_STR_EQ(json_string_value(json_object_get(r, "verdict")), "pass");
	ASSERT_EQ(json_integer_value(json_object_get(json_object_get(r, "summary"), "events")), 3);
cleanup:
	json_decref(r);
}

/* A line nested 10 000 deep is refused at the 33rd bracket. */
TEST(deep_line)
{
	struct error err = {0};
	json_t *r = NULL;
	char path[128], *t = NULL;
	size_t h = strlen(HDR), n = 10000, len;

	len = h + 2 * n + 1;
	t = malloc(len + 1);
	ASSERT_TRUE(t != NULL);
	memcpy(t, HDR, h);
	memset(t + h, '[', n);
	memset(t + h + n, ']', n);
	t[len - 1] = '\n';
	ASSERT_EQ(write_tmp(t, len, path, sizeof(path)), 0);
	ASSERT_EQ(judge_check_file(path, NULL, pol, &r, &err), -EINVAL);
	ASSERT_EQ(err.line, 2);
	ASSERT_EQ(err.column, JUDGE_JSON_DEPTH_MAX + 1);
	ASSERT_TRUE(strstr(err.text, "nesting deeper") != NULL);
cleanup:
	free(t);
	json_decref(r);
}

/* A line longer than the limit is refused without being kept. */
TEST(long_line)
{
	struct error err = {0};
	json_t *r = NULL;
	char path[128], *t = NULL;
	size_t h = strlen(HDR), n = JUDGE_LINE_MAX + 16, len = h + n + 1;

	t = malloc(len);
	ASSERT_TRUE(t != NULL);
	memcpy(t, HDR, h);
	memset(t + h, ' ', n);
	t[len - 1] = '\n';
	ASSERT_EQ(write_tmp(t, len, path, sizeof(path)), 0);
	ASSERT_EQ(judge_check_file(path, NULL, pol, &r, &err), -EINVAL);
	ASSERT_EQ(err.line, 2);
	ASSERT_TRUE(strstr(err.text, "line longer than 16777216 bytes") != NULL);
cleanup:
	free(t);
	json_decref(r);
}

/* No run.end: the monitor stopped early; the verdict is incomplete with the last line. */
TEST(cut_short)
{
	static const char t[] =
		HDR "{\"kind\":\"log\",\"t\":2,\"pid\":1,\"stream\":\"stdout\",\"line\":\"hi\"}\n";
	struct error err = {0};
	json_t *r = NULL, *f;
	char path[128];

	ASSERT_EQ(write_tmp(t, sizeof(t) - 1, path, sizeof(path)), 0);
	ASSERT_EQ(judge_check_file(path, NULL, pol, &r, &err), 0);
	ASSERT_STR_EQ(json_string_value(json_object_get(r, "verdict")), "incomplete");
	f = json_array_get(json_object_get(r, "findings"), 0);
	ASSERT_STR_EQ(json_string_value(json_object_get(f, "rule")), "MON-1.incomplete");
	ASSERT_EQ(json_integer_value(json_array_get(json_object_get(f, "evidence"), 0)), 2);
	ASSERT_TRUE(json_is_null(json_object_get(json_object_get(r, "run"), "exit_code")));
cleanup:
	json_decref(r);
}

/* The decoded lines stand in only where there are no raw bytes. */
TEST(decoded_fallback)
{
	static const char t[] =
		HDR "{\"kind\":\"dns.query\",\"t\":1,\"pid\":1,\"name\":\"old.acme.example\","
		    "\"qtype\":\"A\"}\n"
		    "{\"kind\":\"dns.answer\",\"t\":2,\"pid\":1,\"name\":\"old.acme.example\","
		    "\"addrs\":[\"203.0.113.9\"],\"ttl\":60}\n"
		    "{\"kind\":\"net.connect\",\"t\":3,\"pid\":1,\"flow\":4,\"proto\":\"tcp\","
		    "\"addr\":\"203.0.113.9\",\"port\":443,\"ret\":0}\n"
		    "{\"kind\":\"tls.client_hello\",\"t\":4,\"pid\":1,\"flow\":4,\"sni\":\"old."
		    "acme.example\",\"versions\":[\"1.0\",\"1.1\"],\"alpn\":[]}\n"
		    "{\"kind\":\"tls.server_hello\",\"t\":5,\"pid\":1,\"flow\":4,\"version\":\"1."
		    "1\",\"cipher\":\"x\"}\n" END;
	struct error err = {0};
	json_t *r = NULL, *c;
	char path[128];
	const char *canon;

	ASSERT_EQ(write_tmp(t, sizeof(t) - 1, path, sizeof(path)), 0);
	ASSERT_EQ(judge_check_file(path, NULL, pol, &r, &err), 0);
	c = json_array_get(json_object_get(json_object_get(r, "observed"), "connections"), 0);
	ASSERT_STR_EQ(json_string_value(json_object_get(c, "host")), "old.acme.example");
	ASSERT_STR_EQ(json_string_value(json_object_get(c, "tls")), "1.1");
	/* no manifest: undeclared egress (4), and TLS 1.1 negotiated (5, 6) */
	canon = json_string_value(
		json_object_get(json_array_get(json_object_get(r, "findings"), 0), "rule"));
	ASSERT_STR_EQ(canon, "DP-2.tls-version");
	ASSERT_EQ(json_integer_value(json_array_get(
			  json_object_get(json_array_get(json_object_get(r, "findings"), 0),
					  "evidence"),
			  0)),
		  5);
	ASSERT_EQ(json_integer_value(json_array_get(
			  json_object_get(json_array_get(json_object_get(r, "findings"), 0),
					  "evidence"),
			  1)),
		  6);
cleanup:
	json_decref(r);
}

/* net.send with "bytes": null (the recorder did not see the size) is a datagram, not an error. */
TEST(net_send_null_bytes)
{
	static const char t[] =
		HDR "{\"kind\":\"net.send\",\"t\":5,\"pid\":7,\"flow\":9,\"proto\":\"udp\","
		    "\"addr\":\"203.0.113.5\",\"port\":8125,\"bytes\":null}\n" END;
	struct error err = {0};
	json_t *r = NULL, *f;
	char path[128];
	size_t k;
	static const char *const want[] = {"CC-5.hidden-channel", "CC-5.undeclared-egress"};

	ASSERT_EQ(write_tmp(t, sizeof(t) - 1, path, sizeof(path)), 0);
	ASSERT_EQ(judge_check_file(path, NULL, pol, &r, &err), 0);
	ASSERT_EQ(json_array_size(json_object_get(r, "findings")), 2);
	json_array_foreach (json_object_get(r, "findings"), k, f) {
		ASSERT_STR_EQ(json_string_value(json_object_get(f, "rule")), want[k]);
		ASSERT_EQ(json_integer_value(json_array_get(json_object_get(f, "evidence"), 0)), 2);
	}
	ASSERT_STR_EQ(
		json_string_value(json_object_get(
			json_array_get(
				json_object_get(json_object_get(r, "observed"), "connections"), 0),
			"proto")),
		"udp");
cleanup:
	json_decref(r);
}

/* An IPv4-mapped IPv6 peer (how a JVM connects) is the IPv4 address: named, listed, judged. */
TEST(mapped_ipv4)
{
	static const char t[] =
		HDR "{\"kind\":\"net.connect\",\"t\":5,\"pid\":7,\"flow\":9,\"proto\":\"tcp\","
		    "\"addr\":\"::ffff:169.254.169.254\",\"port\":80,\"ret\":0}\n" END;
	struct error err = {0};
	json_t *r = NULL, *f;

	char path[128];

	ASSERT_EQ(write_tmp(t, sizeof(t) - 1, path, sizeof(path)), 0);
	ASSERT_EQ(judge_check_file(path, NULL, pol, &r, &err), 0);
	f = json_array_get(json_object_get(r, "findings"), 0);
	ASSERT_STR_EQ(json_string_value(json_object_get(f, "rule")), "PRIV-1.credential-access");
	ASSERT_STR_EQ(
		json_string_value(json_object_get(
			json_array_get(
				json_object_get(json_object_get(r, "observed"), "connections"), 0),
			"addr")),
		"169.254.169.254");
cleanup:
	json_decref(r);
}

/*
 * Hostile input: every fixture trace with bytes flipped, lines cut and lines duplicated at
 * deterministic places must be judged or refused with a position, never crash (ASan/UBSan).
 */
TEST(mutations)
{
	static const char *const fx[] = {"tls13_declared", "http_secret", "dns_tunnel", "files",
					 "quic",	   "log_wrapped", "tls10",	"access"};
	unsigned int seed = 12345, done = 0;
	char *orig = NULL, *buf = NULL;
	size_t k, n = 0;
	int it;

	for (k = 0; k < ARRAY_SIZE(fx); k++) {
		char src[128], path[128];

		snprintf(src, sizeof(src), "tests/fixtures/judge/%s.jsonl", fx[k]);
		free(orig);
		orig = NULL;
		ASSERT_EQ(read_file_bounded(src, 1 << 20, &orig, &n), 0);
		free(buf);
		buf = malloc(2 * n + 1);
		ASSERT_TRUE(buf != NULL);
		for (it = 0; it < 40; it++) {
			struct error err = {0};
			json_t *r = NULL;
			size_t len = n, at, m;
			int rr;

			memcpy(buf, orig, n);
			seed = seed * 1103515245u + 12345u;
			at = (seed >> 8) % n;
			switch (it % 4) {
			case 0: /* flip a byte */
				buf[at] ^= (char)(1 + (seed >> 20) % 255);
				break;
			case 1: /* cut the trace */
				len = at;
				break;
			case 2: /* duplicate a stretch */
				m = MIN(n - at, (size_t)(seed >> 16) % 400);
				memmove(buf + at + m, buf + at, n - at);
				len = n + m;
				break;
			default: /* a digit becomes another (offsets, ports, lengths) */
				while (at < n && (buf[at] < '0' || buf[at] > '9'))
					at++;
				if (at < n)
					buf[at] = (char)('0' + (seed >> 12) % 10);
				break;
			}
			snprintf(path, sizeof(path), "%s/t.jsonl", dir);
			ASSERT_EQ(write_tmp(buf, len, path, sizeof(path)), 0);
			rr = judge_check_file(path, NULL, pol, &r, &err);
			json_decref(r);
			if (rr != 0 && rr != -EINVAL)
				TEST_FAIL_AT("%s mutation %d: returned %d (%s)", fx[k], it, rr,
					     err.text);
			if (rr == -EINVAL && err.line == 0 && len > 0)
				TEST_FAIL_AT("%s mutation %d: refused without a position: %s",
					     fx[k], it, err.text);
			done++;
		}
	}
cleanup:
	free(orig);
	free(buf);
}

int main(void)
{
	struct error err = {0};
	char p[128];

	snprintf(dir, sizeof(dir), "/tmp/test_judge_trace.XXXXXX");
	if (!mkdtemp(dir) || policy_load("policies/marketplace.json", &pol, &err) < 0) {
		printf("cannot set up: %s\n0 passed, 1 failed\n", err.text);
		return 1;
	}
	RUN(malformed);
	RUN(forward_compatible);
	RUN(deep_line);
	RUN(long_line);
	RUN(cut_short);
	RUN(decoded_fallback);
	RUN(net_send_null_bytes);
	RUN(mapped_ipv4);
	RUN(mutations);
	policy_free(pol);
	snprintf(p, sizeof(p), "%s/t.jsonl", dir);
	unlink(p);
	rmdir(dir);
	return test_summary();
}
