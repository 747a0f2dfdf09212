/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * wire: pure decoders from raw bytes to facts — TLS hellos, DNS messages, HTTP/1 requests,
 * protocol sniffing, and the encodings under which a secret can hide in bytes.
 *
 * Every function here reads hostile bytes from an untrusted program. Contract for all of them:
 *   - no I/O, no globals, no logging, no allocation (everything lives in caller-provided
 *     structs whose arrays have fixed, documented bounds; longer lists are counted, and
 *     truncated with a flag);
 *   - buffers may be partial (the first bytes of a TCP stream, reassembled in order);
 *   - return WIRE_OK (ret_* written), WIRE_NEED_MORE (buf is a proper prefix of a message that
 *     could still be valid: call again with more bytes; ret untouched), WIRE_NOT_THIS (this is
 *     not, or is a malformed instance of, the protocol; ret untouched), or a negative -errno
 *     only when the caller misuses the API (NULL pointer, bad argument).
 * Feeding a message one byte at a time gives WIRE_NEED_MORE until it is complete, then the
 * same result as the whole buffer.
 */
#ifndef CONDUCT_WIRE_H
#define CONDUCT_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	WIRE_OK = 0,
	WIRE_NEED_MORE = 1,
	WIRE_NOT_THIS = 2,
};

/* ---- TLS ----------------------------------------------------------------------------------- */

#define WIRE_TLS_SSL30 0x0300
#define WIRE_TLS_10 0x0301
#define WIRE_TLS_11 0x0302
#define WIRE_TLS_12 0x0303
#define WIRE_TLS_13 0x0304

/* Hybrid / post-quantum named groups recognized by wire_tls_group_is_pq(). */
#define WIRE_TLS_GROUP_X25519MLKEM768 0x11ec
#define WIRE_TLS_GROUP_SECP256R1MLKEM768 0x11eb
#define WIRE_TLS_GROUP_SECP384R1MLKEM1024 0x11ed
#define WIRE_TLS_GROUP_X25519KYBER768D00 0x6399

#define WIRE_TLS_SNI_MAX 256 /* bytes kept, NUL included (a DNS name is <= 253) */
#define WIRE_TLS_ALPN_MAX 8 /* protocols kept */
#define WIRE_TLS_ALPN_LEN 32 /* bytes kept per protocol, NUL included */
#define WIRE_TLS_VERSIONS_MAX 8
#define WIRE_TLS_CIPHERS_MAX 128
#define WIRE_TLS_GROUPS_MAX 16
#define WIRE_TLS_EXTS_MAX 48
#define WIRE_TLS_SIGALGS_MAX 48
#define WIRE_TLS_JA4_LEN 40 /* "t13d1516h2_8daaf6152771_d8a2da3f94cd" and a NUL */

/*
 * A ClientHello, read over the record layer (the hello may span several handshake records)
 * or as an SSLv2-compatible hello. All version values are wire values (0x0303 = TLS 1.2).
 */
struct wire_tls_client_hello {
	uint16_t record_version; /* of the first record (0 for SSLv2-compatible) */
	uint16_t legacy_version; /* client_version field */
	/*
	 * Offered versions, GREASE removed, in the client's order: the supported_versions list
	 * when present, else { legacy_version }.
	 */
	uint16_t versions[WIRE_TLS_VERSIONS_MAX];
	unsigned int n_versions;
	uint16_t max_version; /* highest offered */
	uint16_t min_version; /* lowest offered (== max_version without supported_versions) */
	bool has_supported_versions;

	char sni[WIRE_TLS_SNI_MAX]; /* host_name from server_name, NUL-terminated; "" if none */
	size_t sni_len; /* length of the name on the wire (may exceed what fits) */
	bool has_sni;
	bool sni_truncated;
	bool sni_is_hostname; /* only LDH characters and dots, no empty label, not an IP literal */

	char alpn[WIRE_TLS_ALPN_MAX][WIRE_TLS_ALPN_LEN]; /* NUL-terminated; non-printables as '?' */
	unsigned int n_alpn; /* kept */
	unsigned int n_alpn_total; /* on the wire */
	uint8_t alpn_first_raw[2]; /* first and last byte of the first protocol, as sent */

	uint16_t ciphers[WIRE_TLS_CIPHERS_MAX]; /* first ones, GREASE removed */
	unsigned int n_ciphers; /* kept */
	unsigned int n_ciphers_total; /* on the wire, GREASE removed */

	uint16_t groups[WIRE_TLS_GROUPS_MAX]; /* supported_groups, GREASE removed */
	unsigned int n_groups;
	uint16_t key_share_groups[WIRE_TLS_GROUPS_MAX]; /* key_share entries, GREASE removed */
	unsigned int n_key_share_groups;
	bool has_pq_key_share; /* a key share in a hybrid post-quantum group */
	bool offers_pq_group; /* a hybrid post-quantum group in supported_groups */

	uint16_t exts[WIRE_TLS_EXTS_MAX]; /* extension types in wire order, GREASE removed */
	unsigned int n_exts;
	unsigned int n_exts_total;
	uint16_t sigalgs[WIRE_TLS_SIGALGS_MAX]; /* signature_algorithms in order, GREASE removed */
	unsigned int n_sigalgs;
	unsigned int n_sigalgs_total;

	bool has_ech; /* encrypted_client_hello (0xfe0d, or drafts 0xfe08..0xfe0c) */
	bool has_esni; /* the older encrypted_server_name (0xffce) */
	bool has_psk; /* pre_shared_key: a resumption */
	bool has_early_data;
	bool has_session_ticket;
	bool is_sslv2_compat; /* SSLv2-compatible CLIENT-HELLO (RFC 5246 E.2) */
	bool is_ssl2; /* a genuine SSL 2.0 hello (version 0x0002) */
	bool is_ssl3; /* offers SSL 3.0 at most */
	size_t consumed; /* bytes of buf the hello used, record headers included */
};

int wire_tls_client_hello(const uint8_t *buf, size_t len, struct wire_tls_client_hello *ret);

/*
 * The JA4 client fingerprint of a parsed hello (FoxIO, technical_details/JA4.md), e.g.
 * "t13d1516h2_8daaf6152771_d8a2da3f94cd": it tells TLS stacks apart (the JDK, OpenSSL, Go,
 * rustls, browsers) without knowing them in advance. TCP form ("t"). Two SHA-256 hashes, a
 * few microseconds: call it once per flow, not per byte. Returns 0, -ENOSPC when a list was
 * longer than the struct keeps (the fingerprint would be wrong), -EINVAL for an
 * SSLv2-compatible hello (JA4 does not define one) or NULL arguments.
 */
int wire_tls_ja4(const struct wire_tls_client_hello *ch, char ret[WIRE_TLS_JA4_LEN]);

/*
 * The server's first flight: a ServerHello or HelloRetryRequest, or an alert sent instead.
 * Returns WIRE_OK for an alert record too (has_alert, version 0).
 */
struct wire_tls_server_hello {
	uint16_t record_version;
	uint16_t legacy_version;
	uint16_t version; /* negotiated: supported_versions when present, else legacy_version */
	uint16_t cipher;
	uint8_t compression;
	uint16_t key_share_group; /* selected group (TLS 1.3 and HRR), 0 if none */
	char alpn[WIRE_TLS_ALPN_LEN]; /* selected protocol, "" if none */
	bool is_hrr; /* HelloRetryRequest (the special random of RFC 8446 §4.1.3) */
	bool has_supported_versions;
	bool has_alert; /* the server answered with an alert record instead of a hello */
	uint8_t alert_level; /* 1 warning, 2 fatal */
	uint8_t alert_desc; /* RFC 8446 §6 AlertDescription */
	size_t consumed;
};

int wire_tls_server_hello(const uint8_t *buf, size_t len, struct wire_tls_server_hello *ret);

/* "SSL2.0", "SSL3.0", "1.0", "1.1", "1.2", "1.3", "GREASE", or "unknown". Never NULL. */
const char *wire_tls_version_name(uint16_t version);
/* IANA name of common cipher suites ("TLS_AES_128_GCM_SHA256"), or NULL. */
const char *wire_tls_cipher_name(uint16_t cipher);
/* Name of a named group ("x25519", "X25519MLKEM768", ...), or NULL. */
const char *wire_tls_group_name(uint16_t group);
/* "close_notify", "handshake_failure", "protocol_version", ... or NULL. */
const char *wire_tls_alert_name(uint8_t desc);
bool wire_tls_is_grease(uint16_t v);
bool wire_tls_group_is_pq(uint16_t group);

/*
 * A flow's TLS verdict from the first bytes of both directions (out = client to server).
 * WIRE_OK once the ClientHello is complete (have_server_hello says whether the server's
 * answer was parsed too: negotiated is 0 when not, or when the server answered with an alert);
 * WIRE_NEED_MORE while the ClientHello is incomplete; WIRE_NOT_THIS when out is not TLS.
 */
struct wire_tls_flow {
	struct wire_tls_client_hello ch;
	struct wire_tls_server_hello sh;
	bool have_server_hello; /* sh is valid */
	bool server_need_more; /* in is a prefix of a server hello */
	uint16_t negotiated; /* sh.version, 0 if unknown */
};

int wire_tls_flow(const uint8_t *out, size_t out_len, const uint8_t *in, size_t in_len,
		  struct wire_tls_flow *ret);

/* ---- DNS ----------------------------------------------------------------------------------- */

#define WIRE_DNS_NAME_MAX 256 /* presentation form, NUL included (a name is <= 253 chars) */
#define WIRE_DNS_RR_MAX 16 /* resource records kept per message (answer+authority+additional) */
#define WIRE_DNS_TXT_MAX 256 /* TXT bytes kept per record (character-strings concatenated) */

enum wire_dns_type {
	WIRE_DNS_A = 1,
	WIRE_DNS_NS = 2,
	WIRE_DNS_CNAME = 5,
	WIRE_DNS_SOA = 6,
	WIRE_DNS_PTR = 12,
	WIRE_DNS_MX = 15,
	WIRE_DNS_TXT = 16,
	WIRE_DNS_AAAA = 28,
	WIRE_DNS_SRV = 33,
	WIRE_DNS_OPT = 41,
	WIRE_DNS_SVCB = 64,
	WIRE_DNS_HTTPS = 65,
	WIRE_DNS_ANY = 255,
};

enum wire_dns_section { WIRE_DNS_ANSWER = 1, WIRE_DNS_AUTHORITY = 2, WIRE_DNS_ADDITIONAL = 3 };

struct wire_dns_rr {
	char name[WIRE_DNS_NAME_MAX]; /* owner, presentation form as sent (case kept), no dot */
	uint16_t type;
	uint16_t rclass;
	uint32_t ttl;
	uint8_t section; /* enum wire_dns_section */
	uint16_t rdlength;
	/* A: 4 bytes, AAAA: 16 bytes */
	uint8_t addr[16];
	/* CNAME, NS, PTR, MX exchange, SRV/SVCB/HTTPS target: presentation form ("." for root) */
	char target[WIRE_DNS_NAME_MAX];
	uint16_t priority; /* MX preference, SRV priority, SVCB/HTTPS SvcPriority (0 = alias) */
	/* TXT: character-strings concatenated (raw bytes, not NUL-terminated) */
	uint8_t txt[WIRE_DNS_TXT_MAX];
	uint16_t txt_len; /* kept */
	uint16_t txt_total; /* on the wire */
};

struct wire_dns_msg {
	uint16_t id;
	bool is_response;
	uint8_t opcode;
	uint8_t rcode; /* header rcode (low 4 bits; EDNS extended bits not merged) */
	bool aa, tc, rd, ra;
	uint16_t qdcount, ancount, nscount, arcount; /* header counts */
	char qname[WIRE_DNS_NAME_MAX]; /* first question ("" when qdcount == 0) */
	uint16_t qtype;
	uint16_t qclass;
	struct wire_dns_rr rr[WIRE_DNS_RR_MAX]; /* records in wire order, OPT excluded */
	unsigned int n_rr; /* kept */
	bool rr_truncated; /* more records than WIRE_DNS_RR_MAX */
	bool has_edns;
	size_t consumed; /* bytes used: the message, plus the 2-byte prefix over TCP */
};

/*
 * Parses one DNS message. tcp: buf starts with the two-byte length prefix (RFC 1035 §4.2.2)
 * and may hold several messages: consumed says where the next starts. Over UDP buf is one
 * datagram (a shorter one gives WIRE_NEED_MORE: a capture cut it). Names are decompressed with
 * at most 127 labels, 255 wire bytes and pointers that only go backwards (loops rejected);
 * a label byte that cannot be shown plainly (space, '.', '\\', control, non-ASCII) becomes '?'.
 * A message that parses but looks implausible (opcode > 6, class not IN/CH/ANY in the
 * question, qdcount > 4) gives WIRE_NOT_THIS.
 */
int wire_dns_parse(const uint8_t *buf, size_t len, bool tcp, struct wire_dns_msg *ret);

const char *wire_dns_type_name(uint16_t type); /* "A", "AAAA", ..., or NULL */
const char *wire_dns_rcode_name(uint8_t rcode); /* "NOERROR", "NXDOMAIN", ..., or NULL */

/*
 * Resolves the CNAME chain from msg->qname through msg's answer records. Writes into
 * ret_final the name the chain ends at (qname itself without CNAMEs) and returns the chain
 * length (number of CNAME hops), or -ELOOP for a cycle or a chain longer than 16.
 */
int wire_dns_cname_chain(const struct wire_dns_msg *msg, char ret_final[WIRE_DNS_NAME_MAX]);

/*
 * Statistics of a presentation-form name for tunneling detection. The "subdomain" is what
 * lies left of the registered domain (wire_dns_registered_domain()).
 */
struct wire_dns_name_stats {
	unsigned int name_len; /* characters, no final dot */
	unsigned int labels;
	unsigned int longest_label;
	unsigned int sub_len; /* characters of the subdomain part, dots excluded */
	unsigned int sub_labels;
	double sub_entropy; /* Shannon entropy, bits per character, of the subdomain characters */
	double digit_ratio; /* digits / characters in the subdomain */
	bool sub_hex_like; /* subdomain (dots removed) is >= 16 hex characters */
	bool sub_b32_like; /* >= 16 characters, all in the base32 alphabet, not all letters */
	size_t registered_off; /* offset in name of the registered domain */
};

int wire_dns_name_stats(const char *name, struct wire_dns_name_stats *ret);

/*
 * The registered domain ("eTLD+1") of name, as a pointer into name: the last two labels, or
 * the last three when the last two form a known multi-label public suffix (co.uk, com.au,
 * ...; a small built-in list, not the full Public Suffix List). Returns name itself when it
 * has too few labels. A trailing dot is tolerated (and part of the returned string).
 */
const char *wire_dns_registered_domain(const char *name);

/* ---- HTTP ---------------------------------------------------------------------------------- */

#define WIRE_HTTP_METHOD_MAX 24
#define WIRE_HTTP_TARGET_MAX 512
#define WIRE_HTTP_HOST_MAX 256
#define WIRE_HTTP_UA_MAX 128
#define WIRE_HTTP_HEADERS_MAX 100 /* more header lines than this: WIRE_NOT_THIS */
#define WIRE_HTTP_HEAD_MAX 65536 /* a head not finished within this many bytes: WIRE_NOT_THIS */

struct wire_http_request {
	char method[WIRE_HTTP_METHOD_MAX];
	char target[WIRE_HTTP_TARGET_MAX]; /* NUL-terminated, truncated (target_truncated) */
	size_t target_len;
	bool target_truncated;
	uint8_t version_major, version_minor; /* 1.0 or 1.1 */
	char host[WIRE_HTTP_HOST_MAX]; /* Host header value, port included, trimmed; "" if none */
	bool has_host;
	char user_agent[WIRE_HTTP_UA_MAX];
	unsigned int n_headers;
	bool has_authorization; /* Authorization or Proxy-Authorization header present */
	bool has_cookie;
	bool chunked; /* Transfer-Encoding: chunked */
	bool has_content_length;
	uint64_t content_length;
	bool upgrade_h2c; /* Upgrade: h2c */
	bool upgrade_websocket;
	size_t body_off; /* offset of the first body byte in buf (== head length) */
	size_t body_avail; /* body bytes present in buf after the head */
};

/*
 * Parses an HTTP/1.x request head (the request line and headers up to the empty line).
 * Methods: any RFC 9110 token (GET, POST, CONNECT, PROPFIND...). Needs "HTTP/1.0" or
 * "HTTP/1.1". Bare LF line ends tolerated.
 */
int wire_http_request(const uint8_t *buf, size_t len, struct wire_http_request *ret);

/* The 24-byte HTTP/2 connection preface "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n". */
int wire_http2_preface(const uint8_t *buf, size_t len);

/* A response status line "HTTP/1.x NNN ..." (to confirm a plaintext exchange). */
int wire_http_response_status(const uint8_t *buf, size_t len, unsigned int *ret_status);

/* ---- sniffing ------------------------------------------------------------------------------ */

enum wire_proto {
	WIRE_PROTO_UNKNOWN = 0,
	WIRE_PROTO_TLS,
	WIRE_PROTO_HTTP1,
	WIRE_PROTO_HTTP2,
	WIRE_PROTO_DNS,
	WIRE_PROTO_SMTP,
	WIRE_PROTO_FTP,
	WIRE_PROTO_REDIS,
	WIRE_PROTO_POSTGRES,
	WIRE_PROTO_MYSQL,
	WIRE_PROTO_MONGODB,
	WIRE_PROTO_QUIC_INITIAL, /* TLS inside QUIC, not inspected */
	WIRE_PROTO_SSH,
	WIRE_PROTO_TEXT, /* generic readable text */
	WIRE_PROTO_NONE, /* no bytes yet */
	WIRE_PROTO__MAX,
};

/* "tls", "http1", "http2", "dns", "smtp", "ftp", "redis", "postgres", "mysql", "mongodb",
 * "quic", "ssh", "text", "none", "unknown". Never NULL. */
const char *wire_proto_name(enum wire_proto p);

/*
 * One direction's bytes (client to server unless stated) to a protocol, from content first
 * and the port only to break ties (dport 0: unknown). udp: buf is one datagram.
 */
enum wire_proto wire_sniff(const uint8_t *buf, size_t len, bool udp, uint16_t dport);

/* A flow's protocol from both directions' first bytes (out: client to server). */
struct wire_sniff_flow {
	enum wire_proto proto;
	bool encrypted; /* TLS, QUIC, SSH, STARTTLS done, Postgres SSLRequest accepted */
	bool cleartext_payload; /* application data seen in the clear */
	bool smtp_starttls; /* client sent STARTTLS and the server answered 220 */
	bool smtp_starttls_offered; /* server's EHLO reply advertised STARTTLS */
	bool ftp_auth_tls; /* client sent AUTH TLS/SSL and the server answered 234 */
	bool pg_ssl_request; /* client sent SSLRequest */
	bool pg_ssl_accepted; /* ... and the server answered 'S' */
	bool pg_gss_request;
	bool quic_not_inspected; /* QUIC Initial: TLS inside QUIC, not inspected */
	/*
	 * After an upgrade (STARTTLS, AUTH TLS, SSLRequest accepted): where the TLS bytes start
	 * in each direction, for wire_tls_flow(out + tls_out_off, ..., in + tls_in_off, ...);
	 * both 0 when there was no upgrade (for plain TLS flows too).
	 */
	size_t tls_out_off;
	size_t tls_in_off;
};

int wire_sniff_flow(const uint8_t *out, size_t out_len, const uint8_t *in, size_t in_len,
		    bool udp, uint16_t dport, struct wire_sniff_flow *ret);

/* Readable-text score: share of bytes that are printable ASCII, tab, CR, LF or valid UTF-8. */
double wire_text_ratio(const uint8_t *buf, size_t len);

/* ---- secret encodings ---------------------------------------------------------------------- */

#define WIRE_SECRET_MAX 256 /* longest secret a needle holds */

enum wire_encoding {
	WIRE_ENC_RAW = 0,
	WIRE_ENC_BASE64, /* standard alphabet, any of the three alignments */
	WIRE_ENC_BASE64URL, /* URL-safe alphabet */
	WIRE_ENC_HEX_LOWER,
	WIRE_ENC_HEX_UPPER,
	WIRE_ENC_URL, /* percent-encoding of any subset of bytes ('+' for space too) */
	WIRE_ENC_DNS_LABELS, /* split across DNS labels, as is (case-insensitive) */
	WIRE_ENC_DNS_HEX, /* hex across labels, either case */
	WIRE_ENC_DNS_BASE32, /* RFC 4648 base32 across labels, either case, any alignment */
	WIRE_ENC_DNS_BASE64URL, /* base64url across labels */
	WIRE_ENC_URL_BASE64, /* base64 whose '+', '/' were percent-encoded (a query string) */
	WIRE_ENC__MAX,
};

/* "raw", "base64", "base64url", "hex", "HEX", "url", "dns-labels", "dns-hex", "dns-base32",
 * "dns-base64url", "url+base64". Never NULL. */
const char *wire_encoding_name(enum wire_encoding e);

struct wire_match {
	enum wire_encoding enc;
	size_t offset; /* where the encoded form starts in the haystack (the core for base64) */
	size_t len; /* bytes of the haystack that matched */
};

/*
 * A secret compiled once into every encoded form searched. Base64/base32 forms are the
 * "cores": the characters fully determined by the secret's bits in a given alignment, so a
 * secret embedded at any offset inside a larger encoded blob is found. Secrets shorter than
 * 6 bytes only match raw, hex and URL-encoded (their cores would be too short to mean
 * anything). Plain data: copy it, keep it on the stack or in an array.
 */
struct wire_needle {
	uint8_t secret[WIRE_SECRET_MAX];
	size_t len;
	char hex_lower[2 * WIRE_SECRET_MAX];
	char hex_upper[2 * WIRE_SECRET_MAX];
	char b64[3][WIRE_SECRET_MAX * 4 / 3 + 4]; /* standard alphabet core per alignment */
	size_t b64_len[3];
	bool b64url_differs[3]; /* the URL-safe core differs (contains '+' or '/') */
	char b32[5][WIRE_SECRET_MAX * 8 / 5 + 8]; /* lowercase base32 core per alignment */
	size_t b32_len[5];
};

/* Compiles secret (1..WIRE_SECRET_MAX bytes) into n. Returns 0 or -EINVAL. */
int wire_needle_init(struct wire_needle *n, const uint8_t *secret, size_t len);

/*
 * Searches hay for the needle under every encoding (RAW, BASE64, BASE64URL, HEX_LOWER,
 * HEX_UPPER, URL, URL_BASE64). WIRE_OK with the match at the lowest offset (ties: the order
 * of the enum), WIRE_NOT_THIS when absent. Base64 wrapped in lines (MIME's 76 columns, PEM's
 * 64, any CR/LF placement) is found too, as BASE64/BASE64URL, when nothing else matched; its
 * len then counts the line breaks inside the match. Linear in n per encoding (memmem, one
 * bounded window for wrapped base64), no allocation; fine for megabytes.
 */
int wire_needle_find(const struct wire_needle *n, const uint8_t *hay, size_t hay_len,
		     struct wire_match *ret);

/* One-shot wire_needle_init() + wire_needle_find() (the needle lives on the stack). */
int wire_find_secret(const uint8_t *hay, size_t n, const char *secret, size_t secret_len,
		     struct wire_match *ret);

/*
 * Searches a DNS name (presentation form) for the secret split across labels: the labels are
 * concatenated without dots and searched as is (case-insensitive), as hex, as base32 and as
 * base64url; then the whole name under the plain encodings. ret->offset is an offset in the
 * concatenated labels for the DNS_* encodings.
 */
int wire_needle_find_in_dns_name(const struct wire_needle *n, const char *name,
				 struct wire_match *ret);
int wire_find_secret_in_dns_name(const char *name, const char *secret, size_t secret_len,
				 struct wire_match *ret);

#endif
