/*
 * guard.c: where bulk traffic may go without --force: the address ranges
 * (RFC 5737, RFC 3849 and the ones real hosts live in) and the kernel's
 * route to the destination (rtnetlink RTM_GETROUTE, as `ip route get`).
 */
#include "config.h"
#include "rawshake/guard.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

/* Address ranges, most specific first; the first that holds an address
 * classifies it. */
struct range {
	uint8_t v;
	uint8_t prefix;
	uint8_t net[16];
	bool allowed;
	const char *why;
};

static const struct range ranges[] = {
	{ 4, 8, { 127 }, true, "loopback (127.0.0.0/8)" },
	{ 4, 24, { 192, 0, 2 }, true, "a documentation range (192.0.2.0/24, RFC 5737)" },
	{ 4, 24, { 198, 51, 100 }, true, "a documentation range (198.51.100.0/24, RFC 5737)" },
	{ 4, 24, { 203, 0, 113 }, true, "a documentation range (203.0.113.0/24, RFC 5737)" },
	{ 4, 8, { 10 }, false, "a private network (10.0.0.0/8, RFC 1918), where real hosts live" },
	{ 4, 12, { 172, 16 }, false, "a private network (172.16.0.0/12, RFC 1918), where real hosts live" },
	{ 4, 16, { 192, 168 }, false, "a private network (192.168.0.0/16, RFC 1918), where real hosts live" },
	{ 4, 16, { 169, 254 }, false, "link-local (169.254.0.0/16): hosts on the local link" },
	{ 4, 10, { 100, 64 }, false, "shared address space (100.64.0.0/10, RFC 6598): a carrier's network" },
	{ 4, 8, { 0 }, false, "'this network' (0.0.0.0/8)" },
	{ 4, 4, { 224 }, false, "multicast (224.0.0.0/4)" },
	{ 4, 4, { 240 }, false, "reserved or broadcast (240.0.0.0/4)" },
	{ 4, 0, { 0 }, false, "a public Internet address" },
	{ 6, 128, { [15] = 1 }, true, "loopback (::1)" },
	{ 6, 32, { 0x20, 0x01, 0x0d, 0xb8 }, true, "the documentation range (2001:db8::/32, RFC 3849)" },
	{ 6, 128, { 0 }, false, "the unspecified address (::)" },
	{ 6, 96, { [10] = 0xff, [11] = 0xff }, false, "an IPv4-mapped address (::ffff:0:0/96)" },
	{ 6, 7, { 0xfc }, false, "a unique local address (fc00::/7), where real hosts live" },
	{ 6, 10, { 0xfe, 0x80 }, false, "link-local (fe80::/10): hosts on the local link" },
	{ 6, 8, { 0xff }, false, "multicast (ff00::/8)" },
	{ 6, 0, { 0 }, false, "a public Internet address" },
};

static bool in_range(const struct range *r, const uint8_t *a)
{
	unsigned full = r->prefix / 8, rest = r->prefix % 8;
	if (memcmp(a, r->net, full) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (a[full] & mask) == (r->net[full] & mask);
}

static const struct range *classify(uint8_t v, const uint8_t *addr)
{
	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
		if (ranges[i].v == v && in_range(&ranges[i], addr))
			return &ranges[i];
	return NULL;   /* not reached: the last range of each family holds all */
}

bool rs_guard_dst_allowed(uint8_t v, const uint8_t addr[16], const char **why)
{
	const struct range *r = (v == 4 || v == 6) ? classify(v, addr) : NULL;
	if (!r) {
		*why = "not an IPv4 or IPv6 address";
		return false;
	}
	*why = r->why;
	return r->allowed;
}

bool rs_guard_cidr_allowed(const struct rs_cidr *c, const uint8_t *dst, const char **why)
{
	uint8_t first[16], last[16];
	unsigned bits = c->v == 4 ? 32 : 128;
	if ((c->v != 4 && c->v != 6) || c->prefix > bits) {
		*why = "not an IPv4 or IPv6 range";
		return false;
	}
	memcpy(first, c->addr, 16);
	memcpy(last, c->addr, 16);
	for (unsigned b = c->prefix; b < bits; b++)
		last[b / 8] |= (uint8_t)(0x80 >> (b % 8));
	for (unsigned b = c->prefix; b < bits; b++)
		first[b / 8] &= (uint8_t)~(0x80 >> (b % 8));
	const struct range *a = classify(c->v, first), *z = classify(c->v, last);
	if (a != z || !a->allowed) {
		*why = !a->allowed ? a->why : !z->allowed ? z->why
		     : "a range wider than any one allowed range";
		return false;
	}
	/* Packets from 127.0.0.0/8 or ::1 are dropped by any host but this
	 * one (RFC 1122 3.2.1.3): such a source only makes sense to loopback. */
	if (dst && a->allowed && strncmp(a->why, "loopback", 8) == 0 &&
	    !(rs_guard_dst_allowed(c->v, dst, why) && strncmp(*why, "loopback", 8) == 0)) {
		*why = "loopback, which only this host accepts as a source";
		return false;
	}
	*why = a->why;
	return true;
}

/* ---- the route ---------------------------------------------------------- */

bool rs_guard_sysfs_physical(const char *sysfs_net, const char *ifname)
{
	char path[512];
	struct stat st;

	/* Virtual devices (lo, veth, bridge, dummy, tun) have no "device". */
	snprintf(path, sizeof(path), "%s/%s/device", sysfs_net, ifname);
	return stat(path, &st) == 0;
}

/* The device's bus as its driver reports it: "0000:00:03.0" for a PCI NIC
 * (virtio included), "" for virtual devices.  Asked in this process's
 * network namespace, which /sys may not show. */
static bool ethtool_has_bus(const char *ifname)
{
	struct ethtool_drvinfo info;
	struct ifreq ifr;
	bool bus = false;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return false;
	memset(&info, 0, sizeof(info));
	memset(&ifr, 0, sizeof(ifr));
	info.cmd = ETHTOOL_GDRVINFO;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (char *)&info;
	if (ioctl(fd, SIOCETHTOOL, &ifr) == 0)
		bus = info.bus_info[0] != '\0' && strcmp((char *)info.bus_info, "N/A") != 0 &&
		      strcmp((char *)info.bus_info, "tap") != 0;
	close(fd);
	return bus;
}

/* Compares our network namespace with init's; when /proc/1 cannot be
 * read (not root), assumes the initial one, the stricter answer. */
static bool in_initial_netns(void)
{
	struct stat self, init;
	if (stat("/proc/self/ns/net", &self) != 0 || stat("/proc/1/ns/net", &init) != 0)
		return true;
	return self.st_ino == init.st_ino && self.st_dev == init.st_dev;
}

static bool iface_physical(const char *ifname)
{
	return rs_guard_sysfs_physical("/sys/class/net", ifname) || ethtool_has_bus(ifname);
}

bool rs_guard_route_get(uint8_t v, const uint8_t dst[16], struct rs_guard_route *r, char *err,
			size_t errlen)
{
	struct {
		struct nlmsghdr n;
		struct rtmsg rt;
		char attrs[64];
	} req;
	union {
		struct nlmsghdr n;
		char buf[8192];
	} resp;
	size_t alen = v == 4 ? 4 : 16;
	struct rtattr *a;
	int fd;
	ssize_t got;

	memset(r, 0, sizeof(*r));
	r->initial_netns = in_initial_netns();
	memset(&req, 0, sizeof(req));
	req.n.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	req.n.nlmsg_type = RTM_GETROUTE;
	req.n.nlmsg_flags = NLM_F_REQUEST;
	req.n.nlmsg_seq = 1;
	req.rt.rtm_family = v == 4 ? AF_INET : AF_INET6;
	req.rt.rtm_dst_len = (unsigned char)(alen * 8);
	a = (struct rtattr *)(void *)((char *)&req + NLMSG_ALIGN(req.n.nlmsg_len));
	a->rta_type = RTA_DST;
	a->rta_len = (unsigned short)RTA_LENGTH(alen);
	memcpy(RTA_DATA(a), dst, alen);
	req.n.nlmsg_len = NLMSG_ALIGN(req.n.nlmsg_len) + RTA_ALIGN(a->rta_len);

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0) {
		snprintf(err, errlen, "cannot ask the kernel for the route: %s", strerror(errno));
		return false;
	}
	struct timeval tv = { 2, 0 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (send(fd, &req, req.n.nlmsg_len, 0) < 0 || (got = recv(fd, &resp, sizeof(resp), 0)) < 0) {
		snprintf(err, errlen, "cannot ask the kernel for the route: %s", strerror(errno));
		close(fd);
		return false;
	}
	close(fd);

	/* Every length below is checked against what was received. */
	for (struct nlmsghdr *n = &resp.n; NLMSG_OK(n, (size_t)got); n = NLMSG_NEXT(n, got)) {
		if (n->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(n);
			if (n->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
				break;
			if (e->error == -ENETUNREACH || e->error == -EHOSTUNREACH)
				return true;   /* no route: nothing will leave */
			snprintf(err, errlen, "the kernel gives no route: %s", strerror(-e->error));
			return false;
		}
		if (n->nlmsg_type != RTM_NEWROUTE || n->nlmsg_len < NLMSG_LENGTH(sizeof(struct rtmsg)))
			continue;
		const struct rtmsg *rt = NLMSG_DATA(n);
		int len = (int)RTM_PAYLOAD(n);
		r->found = true;
		r->local = rt->rtm_type == RTN_LOCAL;
		r->dropped = rt->rtm_type == RTN_BLACKHOLE || rt->rtm_type == RTN_UNREACHABLE ||
			     rt->rtm_type == RTN_PROHIBIT;
		for (struct rtattr *at = RTM_RTA(rt); RTA_OK(at, len); at = RTA_NEXT(at, len)) {
			size_t plen = RTA_PAYLOAD(at);
			if (at->rta_type == RTA_OIF && plen >= sizeof(int)) {
				int oif;
				memcpy(&oif, RTA_DATA(at), sizeof(oif));
				if (!if_indextoname((unsigned)oif, r->ifname))
					snprintf(r->ifname, sizeof(r->ifname), "ifindex %d", oif);
			} else if (at->rta_type == RTA_GATEWAY && (plen == 4 || plen == 16)) {
				r->gateway = true;
				r->gw_v = plen == 4 ? 4 : 6;
				memcpy(r->gw, RTA_DATA(at), plen);
			} else if (at->rta_type == RTA_VIA && plen >= 2) {
				/* An IPv6 route via an IPv4 router (RFC 5549). */
				r->gateway = true;
			}
		}
		break;
	}
	if (r->ifname[0] && !r->local)
		r->physical = iface_physical(r->ifname);
	return true;
}

bool rs_guard_link_allowed(const char *ifname, bool force, char *msg, size_t msglen)
{
	if (strcmp(ifname, "lo") == 0) {
		snprintf(msg, msglen, "%s: loopback has no link layer to resolve: ARP needs a veth, "
			 "bridge or tap link, as in 'rawshake lab'", ifname);
		return false;
	}
	if (!force && in_initial_netns() && iface_physical(ifname)) {
		snprintf(msg, msglen, "%s is a physical interface of this machine: the frames would "
			 "reach a real network and other hosts' ARP caches; use a link inside a "
			 "network namespace (as in 'rawshake lab'), or --force", ifname);
		return false;
	}
	return true;
}

bool rs_guard_route_allowed(const struct rs_guard_route *r, char *buf, size_t buflen)
{
	char gw[INET6_ADDRSTRLEN] = "";

	if (!r->found || r->local || r->dropped)
		return true;
	if (r->gateway) {
		if (r->gw_v)
			inet_ntop(r->gw_v == 4 ? AF_INET : AF_INET6, r->gw, gw, sizeof(gw));
		snprintf(buf, buflen, "the route goes via the gateway %s%s%s: a router would carry it "
			 "off this machine", gw[0] ? gw : "(IPv4 next hop)", r->ifname[0] ? " on " : "",
			 r->ifname);
		return false;
	}
	if (r->physical && r->initial_netns) {
		snprintf(buf, buflen, "the route leaves through %s, a physical interface of this "
			 "machine: the packets would reach a real network", r->ifname);
		return false;
	}
	return true;
}

bool rs_guard_bulk(const char *what, uint8_t v, const uint8_t dst[16], const struct rs_cidr *src,
		   bool sends, char *msg, size_t msglen)
{
	char a[INET6_ADDRSTRLEN], why[256], err[256];
	const char *cls;
	struct rs_guard_route r;

	inet_ntop(v == 4 ? AF_INET : AF_INET6, dst, a, sizeof(a));
	if (!rs_guard_dst_allowed(v, dst, &cls)) {
		snprintf(msg, msglen, "refusing to %s %s: it is %s.  Floods go to loopback or the "
			 "documentation ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, "
			 "2001:db8::/32), as in 'rawshake lab'; --force floods a network you own",
			 what, a, cls);
		return false;
	}
	if (src && !rs_guard_cidr_allowed(src, dst, &cls)) {
		char net[INET6_ADDRSTRLEN];
		inet_ntop(src->v == 4 ? AF_INET : AF_INET6, src->addr, net, sizeof(net));
		snprintf(msg, msglen, "refusing random sources in %s/%u: the range is or holds %s, "
			 "and the replies would go there; use a documentation range (default %s), or "
			 "--force", net, src->prefix, cls,
			 v == 4 ? RS_GUARD_DEFAULT_CIDR4 : RS_GUARD_DEFAULT_CIDR6);
		return false;
	}
	if (!sends)
		return true;
	if (!rs_guard_route_get(v, dst, &r, err, sizeof(err))) {
		snprintf(msg, msglen, "refusing to %s %s: %s, so where it would go is not known; "
			 "--force sends anyway", what, a, err);
		return false;
	}
	if (!rs_guard_route_allowed(&r, why, sizeof(why))) {
		snprintf(msg, msglen, "refusing to %s %s: %s.  Floods stay on loopback, veth, bridge, "
			 "dummy or tun/tap links or inside a network namespace, as in 'rawshake lab'; "
			 "--force floods a network you own", what, a, why);
		return false;
	}
	return true;
}
