/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * net: --net none|nat|host (see net.h). Talks rtnetlink itself (a small bounded request
 * builder, one request and one ack at a time) instead of running `ip`; the masquerade goes
 * through `nft -f -` because no nftables library is available. Configuring the sandbox end
 * of the veth happens in a short-lived forked process that enters the child's netns, so
 * conduct's own thread never leaves its namespace.
 *
 * IPv4 forwarding is a per-namespace switch that concurrent nat runs share: the first run that
 * turns it on saves the old value in /run/conduct/ip_forward.<netns inode> under a lock, and
 * whichever run ends last (no other cd<hex>h link left) restores it.
 */
#include "sandbox/net.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox/internal.h"
#include "util/log.h"

#define NET_BASE 0xc6120000u /* 198.18.0.0/15: 32768 /30s */
#define NET_SLOTS 32768u
#define NET_PROBES 64
#define SANDBOX_IF "eth0"
#define STATE_DIR "/run/conduct"
#define RESOLV_MAX (64 * 1024)
#define NFT_ERR_MAX 1024

struct net {
	enum sandbox_net mode;
	uint32_t run_id;
	char veth[IFNAMSIZ];
	char table[32];
	uint32_t base; /* host byte order */
	struct in_addr dns[NET_MAX_DNS];
	size_t n_dns;
	char *resolv;
	bool veth_created;
	bool nft_attempted;
	bool nft_created;
	bool forward_saved; /* we saved ip_forward in a state file (or in forward_orig) */
	int forward_orig;   /* value to restore without a state file, -1: none */
};

/* --- pure parts ------------------------------------------------------------------------ */

uint32_t net_subnet_base(uint32_t run_id, unsigned int attempt)
{
	uint32_t h = run_id;

	/* lowbias32: consecutive run ids land far apart, so a probe rarely meets a neighbour */
	h ^= h >> 16;
	h *= 0x7feb352du;
	h ^= h >> 15;
	h *= 0x846ca68bu;
	h ^= h >> 16;
	return NET_BASE + ((h + attempt) % NET_SLOTS) * 4;
}

static bool usable_nameserver(struct in_addr a)
{
	uint32_t h = ntohl(a.s_addr);

	if ((h >> 24) == 127 || h == 0 || h == 0xffffffffu)
		return false;
	if ((h >> 28) == 0xe) /* multicast */
		return false;
	return true;
}

size_t net_parse_resolv_conf(const char *text, size_t len, struct in_addr *ret, size_t max,
			     size_t *ret_skipped)
{
	size_t n = 0, skipped = 0, i = 0;

	while (i < len) {
		size_t start = i, end, k;
		char word[64];
		struct in_addr a;
		bool dup = false;
		const char *p;

		while (i < len && text[i] != '\n')
			i++;
		end = i++;
		p = text + start;
		while (p < text + end && (*p == ' ' || *p == '\t'))
			p++;
		if (end - (size_t)(p - text) < 11 || strncmp(p, "nameserver", 10) ||
		    (p[10] != ' ' && p[10] != '\t'))
			continue;
		p += 10;
		while (p < text + end && (*p == ' ' || *p == '\t'))
			p++;
		for (k = 0; p + k < text + end && !isspace((unsigned char)p[k]) && p[k] != '#' &&
			    p[k] != ';';
		     k++)
			;
		if (k == 0)
			continue;
		if (k >= sizeof(word) || memchr(p, '\0', k)) {
			skipped++;
			continue;
		}
		memcpy(word, p, k);
		word[k] = '\0';
		if (inet_pton(AF_INET, word, &a) != 1 || !usable_nameserver(a)) {
			skipped++;
			continue;
		}
		for (k = 0; k < n; k++)
			dup |= ret[k].s_addr == a.s_addr;
		if (dup)
			continue;
		if (n < max)
			ret[n++] = a;
	}
	if (ret_skipped)
		*ret_skipped = skipped;
	return n;
}

int net_render_resolv_conf(const struct in_addr *ns, size_t n, char **ret)
{
	size_t cap = 160 + n * 32, len;
	char *s = malloc(cap);

	if (!s)
		return -ENOMEM;
	len = (size_t)snprintf(s, cap, "# written by conduct for this sandbox (--net nat)\n");
	if (!n)
		len += (size_t)snprintf(s + len, cap - len,
					"# no nameserver usable from the sandbox was found; "
					"run with --dns ADDR\n");
	for (size_t i = 0; i < n; i++) {
		char a[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &ns[i], a, sizeof(a));
		len += (size_t)snprintf(s + len, cap - len, "nameserver %s\n", a);
	}
	*ret = s;
	return 0;
}

/* --- rtnetlink ----------------------------------------------------------------------------- */

#define NLBUF 1024

struct nlreq {
	union {
		struct nlmsghdr h;
		char buf[NLBUF];
	};
	bool overflow;
};

static void nl_init(struct nlreq *q, uint16_t type, uint16_t flags, const void *hdr, size_t len)
{
	memset(q, 0, sizeof(*q));
	q->h.nlmsg_len = NLMSG_LENGTH(len);
	q->h.nlmsg_type = type;
	q->h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	memcpy(NLMSG_DATA(&q->h), hdr, len);
}

static struct rtattr *nl_put(struct nlreq *q, uint16_t type, const void *data, size_t len)
{
	size_t off = NLMSG_ALIGN(q->h.nlmsg_len);
	struct rtattr *rta;

	if (q->overflow || off + RTA_SPACE(len) > NLBUF) {
		q->overflow = true;
		return NULL;
	}
	rta = (struct rtattr *)(q->buf + off);
	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(rta), data, len);
	q->h.nlmsg_len = off + RTA_ALIGN(rta->rta_len);
	return rta;
}

static void nl_put_str(struct nlreq *q, uint16_t type, const char *s)
{
	nl_put(q, type, s, strlen(s) + 1);
}

static void nl_nest_end(struct nlreq *q, struct rtattr *nest)
{
	if (nest && !q->overflow)
		nest->rta_len = (unsigned short)(q->buf + q->h.nlmsg_len - (char *)nest);
}

static int nl_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = 5 };
	int fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	return fd;
}

/* Sends one request and waits for its ack: 0 or the kernel's -errno. */
static int nl_talk(int fd, struct nlreq *q)
{
	static uint32_t seq;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	char buf[4096] __attribute__((aligned(NLMSG_ALIGNTO)));
	ssize_t len;

	if (q->overflow)
		return -EMSGSIZE;
	q->h.nlmsg_seq = ++seq;
	if (sendto(fd, q->buf, q->h.nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	for (int tries = 0; tries < 16; tries++) {
		struct nlmsghdr *h;

		len = recv(fd, buf, sizeof(buf), 0);
		if (len < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		}
		int left = (int)len;

		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
			struct nlmsgerr *e = NLMSG_DATA(h);

			if (h->nlmsg_seq != q->h.nlmsg_seq || h->nlmsg_type != NLMSG_ERROR)
				continue;
			if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
				return -EBADMSG;
			return e->error;
		}
	}
	return -EBADMSG;
}

static int nl_veth_new(int fd, const char *name, const char *peer, int peer_nsfd)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct rtattr *linkinfo, *data, *peerinfo;
	struct nlreq q;
	uint32_t nsfd = (uint32_t)peer_nsfd;

	nl_init(&q, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifi, sizeof(ifi));
	nl_put_str(&q, IFLA_IFNAME, name);
	linkinfo = nl_put(&q, IFLA_LINKINFO, NULL, 0);
	nl_put_str(&q, IFLA_INFO_KIND, "veth");
	data = nl_put(&q, IFLA_INFO_DATA, NULL, 0);
	peerinfo = nl_put(&q, VETH_INFO_PEER, &ifi, sizeof(ifi));
	nl_put_str(&q, IFLA_IFNAME, peer);
	if (peer_nsfd >= 0)
		nl_put(&q, IFLA_NET_NS_FD, &nsfd, sizeof(nsfd));
	nl_nest_end(&q, peerinfo);
	nl_nest_end(&q, data);
	nl_nest_end(&q, linkinfo);
	return nl_talk(fd, &q);
}

static int nl_link_del(int fd, const char *name)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct nlreq q;

	nl_init(&q, RTM_DELLINK, 0, &ifi, sizeof(ifi));
	nl_put_str(&q, IFLA_IFNAME, name);
	return nl_talk(fd, &q);
}

static int nl_link_up(int fd, int ifindex)
{
	struct ifinfomsg ifi = {
		.ifi_family = AF_UNSPEC,
		.ifi_index = ifindex,
		.ifi_flags = IFF_UP,
		.ifi_change = IFF_UP,
	};
	struct nlreq q;

	nl_init(&q, RTM_NEWLINK, 0, &ifi, sizeof(ifi));
	return nl_talk(fd, &q);
}

static int nl_addr_add(int fd, int ifindex, uint32_t addr, unsigned int prefix)
{
	struct ifaddrmsg ifa = {
		.ifa_family = AF_INET,
		.ifa_prefixlen = (unsigned char)prefix,
		.ifa_scope = RT_SCOPE_UNIVERSE,
		.ifa_index = (unsigned int)ifindex,
	};
	uint32_t a = htonl(addr), brd = htonl(addr | (0xffffffffu >> prefix));
	struct nlreq q;

	nl_init(&q, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, &ifa, sizeof(ifa));
	nl_put(&q, IFA_LOCAL, &a, sizeof(a));
	nl_put(&q, IFA_ADDRESS, &a, sizeof(a));
	nl_put(&q, IFA_BROADCAST, &brd, sizeof(brd));
	return nl_talk(fd, &q);
}

static int nl_default_route(int fd, int ifindex, uint32_t gateway)
{
	struct rtmsg rtm = {
		.rtm_family = AF_INET,
		.rtm_table = RT_TABLE_MAIN,
		.rtm_protocol = RTPROT_STATIC,
		.rtm_scope = RT_SCOPE_UNIVERSE,
		.rtm_type = RTN_UNICAST,
	};
	uint32_t gw = htonl(gateway), oif = (uint32_t)ifindex;
	struct nlreq q;

	nl_init(&q, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, &rtm, sizeof(rtm));
	nl_put(&q, RTA_GATEWAY, &gw, sizeof(gw));
	nl_put(&q, RTA_OIF, &oif, sizeof(oif));
	return nl_talk(fd, &q);
}

/* --- helpers ------------------------------------------------------------------------------- */

static int lo_up(void)
{
	struct ifreq ifr = { 0 };
	int fd, r = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		r = -errno;
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (!r && ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		r = -errno;
	close(fd);
	return r;
}

/* Reads the first character of a /proc/sys file ('0', '1', ...) or -errno. */
static int sysctl_read_char(const char *path)
{
	char c;
	int fd;
	ssize_t len;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = read(fd, &c, 1);
	close(fd);
	if (len < 0)
		return -errno;
	return len == 1 ? (unsigned char)c : -EIO;
}

static const char *addr_str(uint32_t host_order, char buf[static INET_ADDRSTRLEN])
{
	uint32_t a = htonl(host_order);

	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

/* Whether any IPv4 address of conduct's namespace falls into the /30 at base. */
static int subnet_in_use(uint32_t base, bool *ret_used)
{
	struct ifaddrs *ifa, *i;

	if (getifaddrs(&ifa) < 0)
		return -errno;
	*ret_used = false;
	for (i = ifa; i; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET)
			continue;
		if ((ntohl(((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr) & ~3u) == base)
			*ret_used = true;
	}
	freeifaddrs(ifa);
	return 0;
}

static bool is_run_veth(const char *name)
{
	size_t i;

	if (strlen(name) != 11 || name[0] != 'c' || name[1] != 'd' || name[10] != 'h')
		return false;
	for (i = 2; i < 10; i++)
		if (!isxdigit((unsigned char)name[i]))
			return false;
	return true;
}

/* Whether a conduct veth other than `self` exists in conduct's namespace. */
static bool other_run_veths(const char *self)
{
	struct if_nameindex *ifs, *i;
	bool found = false;

	ifs = if_nameindex();
	if (!ifs)
		return true; /* unknown: keep forwarding on rather than break another run */
	for (i = ifs; i->if_index; i++)
		if (is_run_veth(i->if_name) && strcmp(i->if_name, self))
			found = true;
	if_freenameindex(ifs);
	return found;
}

/* --- nft ----------------------------------------------------------------------------------- */

const char *net_nft_path(void)
{
	static const char *const paths[] = { "/usr/sbin/nft", "/sbin/nft", "/usr/local/sbin/nft",
					     "/usr/bin/nft" };

	for (size_t i = 0; i < ARRAY_SIZE(paths); i++)
		if (access(paths[i], X_OK) == 0)
			return paths[i];
	return NULL;
}

/*
 * Runs nft with argv (argv[0] ignored) and input on stdin; its stdout+stderr (bounded) goes to
 * errbuf. new_netns: in a throwaway network namespace. 0 when nft exited 0.
 */
static int run_nft(const char *const *argv, const char *input, bool new_netns, char *errbuf,
		   size_t errlen)
{
	static char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL };
	const char *nft = net_nft_path();
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, status, r = 0;
	size_t used = 0;
	pid_t pid;

	errbuf[0] = '\0';
	if (!nft) {
		snprintf(errbuf, errlen, "nft not found (install nftables)");
		return -ENOENT;
	}
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0) {
		r = -errno;
		goto out;
	}
	/* the input fits the pipe: written before the fork, so nft dying early cannot SIGPIPE us */
	if (input && write_all(in[1], input, strlen(input)) < 0) {
		r = -EIO;
		goto out;
	}
	close(in[1]);
	in[1] = -1;
	pid = fork();
	if (pid < 0) {
		r = -errno;
		goto out;
	}
	if (pid == 0) {
		static const char msg[] = "cannot unshare a network namespace to try nft in";
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		alarm(10); /* survives the exec: a stuck nft dies */

		if (new_netns && unshare(CLONE_NEWNET) < 0) {
			if (write(out[1], msg, sizeof(msg) - 1) < 0)
				_exit(126);
			_exit(126);
		}
		if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0 || dup2(out[1], 2) < 0)
			_exit(126);
		execve(nft, (char *const *)argv, envp);
		_exit(127);
	}
	close(out[1]);
	out[1] = -1;
	for (;;) {
		char chunk[256];
		ssize_t len = read(out[0], chunk, sizeof(chunk));

		if (len < 0 && errno == EINTR)
			continue;
		if (len <= 0)
			break;
		for (ssize_t k = 0; k < len && used + 1 < errlen; k++)
			errbuf[used++] = chunk[k] == '\n' ? ' ' : chunk[k];
	}
	while (used && errbuf[used - 1] == ' ')
		used--;
	errbuf[used] = '\0';
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			r = -errno;
			goto out;
		}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		r = 0;
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		r = -ENOENT;
	else
		r = -EIO;
out:
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (out[i] >= 0)
			close(out[i]);
	}
	return r;
}

/*
 * The masquerade, and a forward filter that keeps the sandbox a client: it reaches no other
 * run's /30, and nothing routed from elsewhere opens a connection to it.
 */
static void nat_ruleset(const char *table, const char *veth, uint32_t base, char *buf, size_t len)
{
	char net[INET_ADDRSTRLEN];

	/* priorities 100 and 0 are srcnat and filter; the keywords need nft >= 0.9.6 */
	snprintf(buf, len,
		 "table ip %s {\n"
		 "\tchain postrouting {\n"
		 "\t\ttype nat hook postrouting priority 100; policy accept;\n"
		 "\t\tip saddr %s/30 oifname != \"%s\" masquerade\n"
		 "\t}\n"
		 "\tchain forward {\n"
		 "\t\ttype filter hook forward priority 0; policy accept;\n"
		 "\t\tiifname \"%s\" ip daddr 198.18.0.0/15 drop\n"
		 "\t\toifname \"%s\" ct state established,related accept\n"
		 "\t\toifname \"%s\" drop\n"
		 "\t}\n"
		 "}\n",
		 table, addr_str(base, net), veth, veth, veth, veth);
}

/*
 * A conduct killed by SIGKILL leaves its table behind (its veth dies with the sandbox). A table
 * conduct_<hex> whose cd<hex>h link is gone belongs to no live run: a run makes its veth
 * before its table and deletes its table before its veth.
 */
static void gc_stale_tables(void)
{
	char out[8192], *save = NULL, *tok;

	if (run_nft((const char *const[]){ "nft", "list", "tables", "ip", NULL }, NULL, false, out,
		    sizeof(out)) < 0)
		return;
	for (tok = strtok_r(out, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		char veth[IFNAMSIZ], err[NFT_ERR_MAX];
		size_t i;

		if (strlen(tok) != 16 || strncmp(tok, "conduct_", 8))
			continue;
		for (i = 8; i < 16 && isxdigit((unsigned char)tok[i]); i++)
			;
		if (i != 16)
			continue;
		snprintf(veth, sizeof(veth), "cd%.8sh", tok + 8);
		if (if_nametoindex(veth) || errno != ENODEV)
			continue;
		if (run_nft((const char *const[]){ "nft", "delete", "table", "ip", tok, NULL }, NULL,
			    false, err, sizeof(err)) == 0)
			log_info("removed nftables table '%s' left by a run that is gone", tok);
	}
}

/* --- forwarding ---------------------------------------------------------------------------- */

#define IP_FORWARD "/proc/sys/net/ipv4/ip_forward"

static int state_lock(char *path, size_t len)
{
	struct stat st;
	int fd;

	if (stat("/proc/self/ns/net", &st) < 0)
		return -errno;
	if (mkdir(STATE_DIR, 0700) < 0 && errno != EEXIST)
		return -errno;
	snprintf(path, len, STATE_DIR "/ip_forward.%llu", (unsigned long long)st.st_ino);
	fd = open(STATE_DIR "/net.lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR) {
			int r = -errno;

			close(fd);
			return r;
		}
	return fd;
}

static int forwarding_on(struct net *n, struct error *err)
{
	char path[128];
	int lock, cur, r = 0;

	lock = state_lock(path, sizeof(path));
	cur = sysctl_read_char(IP_FORWARD);
	if (cur < 0) {
		r = error_set(err, -cur, 0, 0, "cannot read %s: %s", IP_FORWARD, strerror(-cur));
		goto out;
	}
	if (cur == '0') {
		if (lock >= 0 && access(path, F_OK) < 0) {
			int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

			if (fd >= 0) {
				if (write_all(fd, "0\n", 2) < 0) {
					close(fd);
					unlink(path);
					fd = -1;
				} else {
					close(fd);
				}
			}
			if (fd < 0)
				n->forward_orig = '0';
		} else if (lock < 0) {
			n->forward_orig = '0';
		}
		r = sb_write_file(IP_FORWARD, "1");
		if (r < 0) {
			n->forward_orig = -1;
			if (lock >= 0)
				unlink(path);
			r = error_set(err, -r, 0, 0, "cannot turn IPv4 forwarding on: %s",
				      strerror(-r));
			goto out;
		}
	}
	n->forward_saved = true;
out:
	if (lock >= 0)
		close(lock);
	return r;
}

static void forwarding_restore(struct net *n)
{
	char path[128], saved[8] = "";
	int lock, fd, r;
	ssize_t len;

	if (!n->forward_saved)
		return;
	lock = state_lock(path, sizeof(path));
	if (other_run_veths(n->veth))
		goto out; /* another nat run still needs it; the last one restores */
	if (lock >= 0) {
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd >= 0) {
			len = read(fd, saved, sizeof(saved) - 1);
			close(fd);
			if (len > 0 && (saved[0] == '0' || saved[0] == '1'))
				n->forward_orig = saved[0];
			unlink(path);
		}
	}
	if (n->forward_orig == '0') {
		r = sb_write_file(IP_FORWARD, "0");
		if (r < 0)
			log_warn("cannot turn IPv4 forwarding back off: %s", strerror(-r));
	}
out:
	if (lock >= 0)
		close(lock);
	n->forward_saved = false;
}

/* --- the sandbox end ----------------------------------------------------------------------- */

enum inside_stage { IN_SETNS = 1, IN_NETLINK, IN_LO, IN_FIND, IN_ADDR, IN_UP, IN_ROUTE };

static const char *const inside_what[] = {
	[IN_SETNS] = "enter the sandbox's network namespace",
	[IN_NETLINK] = "open rtnetlink in the sandbox",
	[IN_LO] = "bring loopback up in the sandbox",
	[IN_FIND] = "find " SANDBOX_IF " in the sandbox",
	[IN_ADDR] = "address " SANDBOX_IF " in the sandbox",
	[IN_UP] = "bring " SANDBOX_IF " up in the sandbox",
	[IN_ROUTE] = "add the sandbox's default route",
};

/* In a forked process: enters nsfd and configures eth0. Returns 0 or -errno, *stage set. */
static int inside_configure(const struct net *n, int nsfd, int *stage)
{
	int fd, idx, r;

	*stage = IN_SETNS;
	if (setns(nsfd, CLONE_NEWNET) < 0)
		return -errno;
	*stage = IN_NETLINK;
	fd = nl_open();
	if (fd < 0)
		return fd;
	*stage = IN_LO;
	r = lo_up();
	if (r < 0)
		return r;
	*stage = IN_FIND;
	idx = (int)if_nametoindex(SANDBOX_IF);
	if (!idx)
		return -errno;
	/* IPv4 only: no link-local IPv6 path around the nat (best effort, IPv6 may be off) */
	sb_write_file("/proc/sys/net/ipv6/conf/" SANDBOX_IF "/disable_ipv6", "1");
	*stage = IN_ADDR;
	r = nl_addr_add(fd, idx, n->base + 2, 30);
	if (r < 0)
		return r;
	*stage = IN_UP;
	r = nl_link_up(fd, idx);
	if (r < 0)
		return r;
	*stage = IN_ROUTE;
	return nl_default_route(fd, idx, n->base + 1);
}

static int configure_sandbox_end(const struct net *n, int nsfd, struct error *err)
{
	int pfd[2], rep[2] = { 0, EIO }, status;
	ssize_t len;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return error_set(err, errno, 0, 0, "pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0) {
		int e = errno;

		close(pfd[0]);
		close(pfd[1]);
		return error_set(err, e, 0, 0, "fork: %s", strerror(e));
	}
	if (pid == 0) {
		int stage = 0, r;

		close(pfd[0]);
		r = inside_configure(n, nsfd, &stage);
		rep[0] = stage;
		rep[1] = -r;
		if (write(pfd[1], rep, sizeof(rep)) != sizeof(rep))
			_exit(2);
		_exit(r ? 1 : 0);
	}
	close(pfd[1]);
	do
		len = read(pfd[0], rep, sizeof(rep));
	while (len < 0 && errno == EINTR);
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (len != sizeof(rep))
		return error_set(err, EIO, 0, 0, "network setup helper died");
	if (rep[1] == 0)
		return 0;
	if (rep[1] < 0 || rep[1] > 4095)
		rep[1] = EIO;
	return error_set(err, rep[1], 0, 0, "cannot %s: %s",
			 rep[0] > 0 && rep[0] < (int)ARRAY_SIZE(inside_what) ? inside_what[rep[0]]
									    : "configure the sandbox",
			 strerror(rep[1]));
}

/* --- lifecycle ----------------------------------------------------------------------------- */

static void load_nameservers(struct net *n)
{
	static const char *const files[] = { "/etc/resolv.conf",
					     "/run/systemd/resolve/resolv.conf" };
	size_t skipped_total = 0;

	for (size_t i = 0; i < ARRAY_SIZE(files) && !n->n_dns; i++) {
		_cleanup_free_ char *text = NULL;
		size_t len, skipped = 0;
		int r;

		r = read_file_bounded(files[i], RESOLV_MAX, &text, &len);
		if (r < 0) {
			if (i == 0 && r != -ENOENT)
				log_warn("cannot read %s: %s", files[i], strerror(-r));
			continue;
		}
		n->n_dns = net_parse_resolv_conf(text, len, n->dns, NET_MAX_DNS, &skipped);
		skipped_total += skipped;
	}
	if (!n->n_dns)
		log_warn("--net nat: no nameserver in /etc/resolv.conf is usable from the sandbox "
			 "(%zu loopback, IPv6 or invalid); DNS will not work there unless you pass "
			 "--dns ADDR",
			 skipped_total);
}

int net_new(enum sandbox_net mode, const char *dns, uint32_t run_id, struct net **ret,
	    struct error *err)
{
	struct net *n;
	int r;

	if (mode != SANDBOX_NET_NONE && mode != SANDBOX_NET_NAT && mode != SANDBOX_NET_HOST)
		return error_set(err, EINVAL, 0, 0, "unknown network mode %d", (int)mode);
	if (dns && mode != SANDBOX_NET_NAT)
		return error_set(err, EINVAL, 0, 0, "--dns only applies to --net nat");
	n = calloc(1, sizeof(*n));
	if (!n)
		return error_set(err, ENOMEM, 0, 0, "out of memory");
	n->mode = mode;
	n->run_id = run_id;
	n->forward_orig = -1;
	if (mode != SANDBOX_NET_NAT) {
		*ret = n;
		return 0;
	}
	snprintf(n->veth, sizeof(n->veth), "cd%08xh", run_id);
	snprintf(n->table, sizeof(n->table), "conduct_%08x", run_id);
	if (dns) {
		if (inet_pton(AF_INET, dns, &n->dns[0]) != 1) {
			r = error_set(err, EINVAL, 0, 0, "--dns: '%s' is not an IPv4 address", dns);
			goto fail;
		}
		if (!usable_nameserver(n->dns[0])) {
			r = error_set(err, EINVAL, 0, 0,
				      "--dns: '%s' cannot be reached from the sandbox (loopback, "
				      "multicast or unspecified)",
				      dns);
			goto fail;
		}
		n->n_dns = 1;
	} else {
		load_nameservers(n);
	}
	r = net_render_resolv_conf(n->dns, n->n_dns, &n->resolv);
	if (r < 0) {
		error_set(err, -r, 0, 0, "out of memory");
		goto fail;
	}
	for (unsigned int i = 0; i < NET_PROBES; i++) {
		bool used = false;

		n->base = net_subnet_base(run_id, i);
		r = subnet_in_use(n->base, &used);
		if (r < 0) {
			error_set(err, -r, 0, 0, "cannot list addresses: %s", strerror(-r));
			goto fail;
		}
		if (!used)
			break;
		n->base = 0;
	}
	if (!n->base) {
		r = error_set(err, EADDRINUSE, 0, 0,
			      "no free /30 in 198.18.0.0/15 after %d tries", NET_PROBES);
		goto fail;
	}
	*ret = n;
	return 0;
fail:
	net_free(n);
	return r;
}

int net_wants_netns(const struct net *n)
{
	return n->mode != SANDBOX_NET_HOST;
}

int net_attach(struct net *n, pid_t child, struct error *err)
{
	char path[64], nfterr[NFT_ERR_MAX], rules[1024], a[INET_ADDRSTRLEN];
	_cleanup_close_ int nsfd = -1, fd = -1;
	int idx, r;

	if (n->mode != SANDBOX_NET_NAT)
		return 0;
	if (n->veth_created)
		return error_set(err, EALREADY, 0, 0, "network already attached");
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)child);
	nsfd = open(path, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0)
		return error_set(err, errno, 0, 0, "cannot open '%s': %s", path, strerror(errno));
	fd = nl_open();
	if (fd < 0)
		return error_set(err, -fd, 0, 0, "cannot open rtnetlink: %s", strerror(-fd));

	r = nl_veth_new(fd, n->veth, SANDBOX_IF, nsfd);
	if (r < 0)
		return error_set(err, -r, 0, 0, "cannot create veth '%s': %s%s", n->veth,
				 strerror(-r),
				 r == -EOPNOTSUPP ? " (no veth support in this kernel)" : "");
	n->veth_created = true;
	idx = (int)if_nametoindex(n->veth);
	if (!idx)
		return error_set(err, errno, 0, 0, "veth '%s' vanished: %s", n->veth,
				 strerror(errno));
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", n->veth);
	sb_write_file(path, "1");
	r = nl_addr_add(fd, idx, n->base + 1, 30);
	if (r < 0)
		return error_set(err, -r, 0, 0, "cannot add %s/30 to '%s': %s",
				 addr_str(n->base + 1, a), n->veth, strerror(-r));
	r = nl_link_up(fd, idx);
	if (r < 0)
		return error_set(err, -r, 0, 0, "cannot bring '%s' up: %s", n->veth, strerror(-r));
	r = configure_sandbox_end(n, nsfd, err);
	if (r < 0)
		return r;
	r = forwarding_on(n, err);
	if (r < 0)
		return r;

	gc_stale_tables();
	nat_ruleset(n->table, n->veth, n->base, rules, sizeof(rules));
	n->nft_attempted = true;
	r = run_nft((const char *const[]){ "nft", "-f", "-", NULL }, rules, false, nfterr,
		    sizeof(nfterr));
	if (r < 0)
		return error_set(err, -r, 0, 0, "cannot load nftables table '%s': %s", n->table,
				 nfterr[0] ? nfterr : strerror(-r));
	n->nft_created = true;
	return 0;
}

int net_child_setup(const struct net *n)
{
	/* host: conduct's own namespace, which the sandbox's user namespace may not configure */
	if (n->mode == SANDBOX_NET_HOST)
		return 0;
	return lo_up();
}

const char *net_resolv_conf(const struct net *n)
{
	return n->mode == SANDBOX_NET_NAT ? n->resolv : NULL;
}

json_t *net_describe(const struct net *n)
{
	static const char *const modes[] = { "none", "nat", "host" };
	char a[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN];
	json_t *o, *dns;

	if (n->mode != SANDBOX_NET_NAT)
		return json_pack("{s:s,s:n,s:n,s:[],s:n,s:s}", "mode", modes[n->mode], "addr",
				 "gateway", "dns", "veth", "scope",
				 n->mode == SANDBOX_NET_HOST
					 ? "the network namespace conduct runs in, shared"
					 : "loopback only");
	dns = json_array();
	for (size_t i = 0; dns && i < n->n_dns; i++)
		json_array_append_new(dns, json_string(inet_ntop(AF_INET, &n->dns[i], a, sizeof(a))));
	o = json_pack("{s:s,s:s,s:s,s:i,s:o,s:s,s:s,s:s}", "mode", "nat", "addr",
		      addr_str(n->base + 2, a), "gateway", addr_str(n->base + 1, g), "prefix", 30,
		      "dns", dns, "veth", n->veth, "nft_table", n->table, "scope",
		      "routed and masqueraded through the network namespace conduct runs in");
	return o;
}

void net_free(struct net *n)
{
	char nfterr[NFT_ERR_MAX];
	int fd, r;

	if (!n)
		return;
	if (n->nft_attempted) {
		r = run_nft((const char *const[]){ "nft", "delete", "table", "ip", n->table, NULL },
			    NULL, false, nfterr, sizeof(nfterr));
		/* a later run may have collected it once the sandbox's end took the veth along */
		if (r < 0 && n->nft_created && !strstr(nfterr, "No such file or directory"))
			log_warn("cannot delete nftables table '%s': %s", n->table,
				 nfterr[0] ? nfterr : strerror(-r));
	}
	if (n->veth_created) {
		fd = nl_open();
		r = fd < 0 ? fd : nl_link_del(fd, n->veth);
		/* ENODEV: gone with the sandbox's netns already */
		if (r < 0 && r != -ENODEV)
			log_warn("cannot delete veth '%s': %s", n->veth, strerror(-r));
		if (fd >= 0)
			close(fd);
	}
	forwarding_restore(n);
	free(n->resolv);
	free(n);
}

/* --- doctor probes ------------------------------------------------------------------------- */

int net_probe_veth(void)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int fd, r;

		if (unshare(CLONE_NEWNET) < 0) {
			r = -errno;
		} else {
			fd = nl_open();
			r = fd < 0 ? fd : nl_veth_new(fd, "probe0", "probe1", -1);
			if (!r)
				r = nl_link_del(fd, "probe0");
		}
		_exit(-r & 0xff); /* errno values fit the exit status */
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -EIO;
	return WIFEXITED(status) ? -WEXITSTATUS(status) : -EIO;
}

int net_probe_nft(struct error *err)
{
	char rules[1024], nfterr[NFT_ERR_MAX];
	int r;

	nat_ruleset("conduct_probe", "cdprobeh", NET_BASE, rules, sizeof(rules));
	r = run_nft((const char *const[]){ "nft", "-f", "-", NULL }, rules, true, nfterr,
		    sizeof(nfterr));
	if (r < 0)
		return error_set(err, -r, 0, 0, "%s", nfterr[0] ? nfterr : strerror(-r));
	return 0;
}
