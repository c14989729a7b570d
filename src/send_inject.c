/* send_inject.c: raw IP and AF_PACKET sending with sendmmsg, route/interface/neighbour lookups. */
#define _GNU_SOURCE 1   /* sendmmsg */
#include "config.h"
#include "rawshake/send_inject.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/ethernet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

bool rs_have_cap_net_raw(void)
{
	/* CapEff in /proc/self/status; CAP_NET_RAW is bit 13. */
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	bool ok = false;

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "CapEff:", 7) == 0) {
			unsigned long long caps = strtoull(line + 7, NULL, 16);
			ok = (caps >> 13) & 1;
			break;
		}
	}
	fclose(f);
	return ok;
}

bool rs_send_inject_open(struct rs_injector *inj, uint8_t v, const uint8_t *dst, bool link,
		    const char *ifname, char *err, size_t errlen)
{
	memset(inj, 0, sizeof(*inj));
	inj->v = v;
	inj->link = link;
	if (link) {
		unsigned idx = if_nametoindex(ifname);
		if (idx == 0) {
			snprintf(err, errlen, "interface %s: %s", ifname, strerror(errno));
			return false;
		}
		/* Protocol 0: a send-only socket that receives nothing. */
		inj->fd = socket(AF_PACKET, SOCK_RAW, 0);
		struct sockaddr_ll *sll = (struct sockaddr_ll *)&inj->to;
		sll->sll_family = AF_PACKET;
		sll->sll_ifindex = (int)idx;
		sll->sll_protocol = htons(v == 4 ? ETH_P_IP : ETH_P_IPV6);
		sll->sll_halen = 6;
		inj->tolen = sizeof(*sll);
		/* Straight to the driver: no queueing discipline per frame. */
		int one = 1;
		if (inj->fd >= 0)
			(void)setsockopt(inj->fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
		/* Bound to the interface with protocol 0 (still receiving
		 * nothing), the socket sends without an address per message,
		 * which spares the kernel copying one in for every frame; the
		 * kernel reads the protocol from the frame's EtherType. */
		struct sockaddr_ll b = { .sll_family = AF_PACKET, .sll_ifindex = (int)idx };
		inj->bound = inj->fd >= 0 && bind(inj->fd, (struct sockaddr *)&b, sizeof(b)) == 0;
	} else if (v == 4) {
		inj->fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);   /* IP_HDRINCL implied */
		struct sockaddr_in *sin = (struct sockaddr_in *)&inj->to;
		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, dst, 4);
		inj->tolen = sizeof(*sin);
	} else {
		inj->fd = socket(AF_INET6, SOCK_RAW, IPPROTO_RAW);  /* header included */
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&inj->to;
		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, dst, 16);
		inj->tolen = sizeof(*sin6);
	}
	if (inj->fd < 0) {
		snprintf(err, errlen, "%s socket: %s", link ? "AF_PACKET" : "raw", strerror(errno));
		return false;
	}
	int big = 4 << 20;
	(void)setsockopt(inj->fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	return true;
}

unsigned rs_send_inject_send(struct rs_injector *inj, uint8_t *const *pkts, const size_t *lens,
			unsigned n, int *err_no)
{
	struct mmsghdr msgs[RS_SEND_INJECT_BATCH];
	struct iovec iov[RS_SEND_INJECT_BATCH];
	unsigned done = 0;

	if (n > RS_SEND_INJECT_BATCH)
		n = RS_SEND_INJECT_BATCH;
	memset(msgs, 0, sizeof(msgs[0]) * n);
	for (unsigned i = 0; i < n; i++) {
		iov[i].iov_base = pkts[i];
		iov[i].iov_len = lens[i];
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		if (!inj->bound) {
			msgs[i].msg_hdr.msg_name = &inj->to;
			msgs[i].msg_hdr.msg_namelen = inj->tolen;
		}
	}
	*err_no = 0;
	while (done < n) {
		int r = sendmmsg(inj->fd, msgs + done, n - done, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			*err_no = errno;
			break;
		}
		done += (unsigned)r;
	}
	return done;
}

void rs_send_inject_close(struct rs_injector *inj)
{
	if (inj->fd > 0)
		close(inj->fd);
	inj->fd = -1;
}

/* The outgoing interface and the gateway, if any, from the kernel's
 * route (RTM_GETROUTE); left as none and dst when it does not answer. */
static void route_oif_gateway(uint8_t v, const uint8_t *dst, char ifname[IF_NAMESIZE],
			      uint8_t nexthop[16])
{
	ifname[0] = '\0';
	memset(nexthop, 0, 16);
	memcpy(nexthop, dst, v == 4 ? 4 : 16);
	struct {
		struct nlmsghdr nh;
		struct rtmsg rt;
		char attrs[64];
	} req;
	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	req.nh.nlmsg_type = RTM_GETROUTE;
	req.nh.nlmsg_flags = NLM_F_REQUEST;
	req.rt.rtm_family = v == 4 ? AF_INET : AF_INET6;
	req.rt.rtm_dst_len = v == 4 ? 32 : 128;
	struct rtattr *rta = (struct rtattr *)((char *)&req + NLMSG_ALIGN(req.nh.nlmsg_len));
	rta->rta_type = RTA_DST;
	rta->rta_len = (unsigned short)RTA_LENGTH(v == 4 ? 4 : 16);
	memcpy(RTA_DATA(rta), dst, v == 4 ? 4 : 16);
	req.nh.nlmsg_len = NLMSG_ALIGN(req.nh.nlmsg_len) + RTA_ALIGN(rta->rta_len);
	int nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	char buf[4096];
	if (nl >= 0 && send(nl, &req, req.nh.nlmsg_len, 0) >= 0) {
		ssize_t r = recv(nl, buf, sizeof(buf), 0);
		struct nlmsghdr *nh = (struct nlmsghdr *)buf;
		if (r > 0 && NLMSG_OK(nh, (size_t)r) && nh->nlmsg_type == RTM_NEWROUTE) {
			struct rtmsg *rt = NLMSG_DATA(nh);
			int alen = (int)RTM_PAYLOAD(nh);
			for (struct rtattr *a = RTM_RTA(rt); RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
				if (a->rta_type == RTA_OIF) {
					int idx;
					memcpy(&idx, RTA_DATA(a), sizeof(idx));
					if (!if_indextoname((unsigned)idx, ifname))
						ifname[0] = '\0';
				} else if (a->rta_type == RTA_GATEWAY &&
					   RTA_PAYLOAD(a) == (v == 4 ? 4u : 16u)) {
					memcpy(nexthop, RTA_DATA(a), v == 4 ? 4 : 16);
				}
			}
		}
	}
	if (nl >= 0)
		close(nl);
}

bool rs_route_lookup(uint8_t v, const uint8_t *dst, uint8_t src[16], char ifname[IF_NAMESIZE],
		     uint8_t nexthop[16], unsigned *mtu, char *err, size_t errlen)
{
	struct sockaddr_storage ss = { 0 }, me = { 0 };
	socklen_t melen = sizeof(me), sl;
	int fd = socket(v == 4 ? AF_INET : AF_INET6, SOCK_DGRAM, 0);
	int m = 0;
	socklen_t ml = sizeof(m);

	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return false;
	}
	if (v == 4) {
		struct sockaddr_in *s = (struct sockaddr_in *)&ss;
		s->sin_family = AF_INET;
		s->sin_port = htons(9);
		memcpy(&s->sin_addr, dst, 4);
		sl = sizeof(*s);
	} else {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)&ss;
		s->sin6_family = AF_INET6;
		s->sin6_port = htons(9);
		memcpy(&s->sin6_addr, dst, 16);
		sl = sizeof(*s);
	}
	/* connect() on UDP only picks a route; nothing is sent. */
	if (connect(fd, (struct sockaddr *)&ss, sl) < 0 ||
	    getsockname(fd, (struct sockaddr *)&me, &melen) < 0) {
		snprintf(err, errlen, "no route to the destination: %s", strerror(errno));
		close(fd);
		return false;
	}
	memset(src, 0, 16);
	if (v == 4)
		memcpy(src, &((struct sockaddr_in *)&me)->sin_addr, 4);
	else
		memcpy(src, &((struct sockaddr_in6 *)&me)->sin6_addr, 16);
	if (getsockopt(fd, v == 4 ? IPPROTO_IP : IPPROTO_IPV6, v == 4 ? IP_MTU : IPV6_MTU, &m, &ml) < 0)
		m = 1500;
	*mtu = (unsigned)m;
	close(fd);

	route_oif_gateway(v, dst, ifname, nexthop);
	return true;
}

bool rs_if_info(const char *ifname, uint8_t mac[6], unsigned *mtu, char *err, size_t errlen)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0 || strlen(ifname) >= sizeof(ifr.ifr_name)) {
		snprintf(err, errlen, "interface %s: %s", ifname, fd < 0 ? strerror(errno) : "name too long");
		if (fd >= 0)
			close(fd);
		return false;
	}
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, ifname, strlen(ifname));
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
		snprintf(err, errlen, "interface %s: %s", ifname, strerror(errno));
		close(fd);
		return false;
	}
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	if (ioctl(fd, SIOCGIFMTU, &ifr) == 0)
		*mtu = (unsigned)ifr.ifr_mtu;
	close(fd);
	return true;
}

bool rs_if_ipv4(const char *ifname, uint8_t addr[4])
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool ok = false;

	if (fd < 0 || strlen(ifname) >= sizeof(ifr.ifr_name)) {
		if (fd >= 0)
			close(fd);
		return false;
	}
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, ifname, strlen(ifname));
	ifr.ifr_addr.sa_family = AF_INET;
	if (ioctl(fd, SIOCGIFADDR, &ifr) == 0) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)(const void *)&ifr.ifr_addr;
		memcpy(addr, &sin->sin_addr, 4);
		ok = true;
	}
	close(fd);
	return ok;
}

bool rs_neigh_lookup(const char *ifname, uint8_t v, const uint8_t *addr, uint8_t mac[6])
{
	struct {
		struct nlmsghdr nh;
		struct ndmsg nd;
	} req;
	unsigned idx = if_nametoindex(ifname);
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	bool found = false, done = false;
	static char buf[32768];

	if (fd < 0 || idx == 0) {
		if (fd >= 0)
			close(fd);
		return false;
	}
	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ndmsg));
	req.nh.nlmsg_type = RTM_GETNEIGH;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.nd.ndm_family = v == 4 ? AF_INET : AF_INET6;
	if (send(fd, &req, req.nh.nlmsg_len, 0) < 0) {
		close(fd);
		return false;
	}
	while (!done) {
		ssize_t r = recv(fd, buf, sizeof(buf), 0);
		if (r <= 0)
			break;
		for (struct nlmsghdr *nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, (size_t)r);
		     nh = NLMSG_NEXT(nh, r)) {
			if (nh->nlmsg_type == NLMSG_DONE || nh->nlmsg_type == NLMSG_ERROR) {
				done = true;
				break;
			}
			struct ndmsg *nd = NLMSG_DATA(nh);
			if ((unsigned)nd->ndm_ifindex != idx || (nd->ndm_state & (NUD_FAILED | NUD_INCOMPLETE)))
				continue;
			int alen = (int)(nh->nlmsg_len - NLMSG_LENGTH(sizeof(*nd)));
			const uint8_t *dst = NULL, *ll = NULL;
			for (struct rtattr *a = (struct rtattr *)((char *)nd + NLMSG_ALIGN(sizeof(*nd)));
			     RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
				if (a->rta_type == NDA_DST && RTA_PAYLOAD(a) == (v == 4 ? 4u : 16u))
					dst = RTA_DATA(a);
				else if (a->rta_type == NDA_LLADDR && RTA_PAYLOAD(a) == 6)
					ll = RTA_DATA(a);
			}
			if (dst && ll && memcmp(dst, addr, v == 4 ? 4 : 16) == 0 && !found) {
				memcpy(mac, ll, 6);
				found = true;
			}
		}
	}
	close(fd);
	return found;
}
