/*
 * guard.h: the one check every bulk send goes through (a flood, a fast
 * rate, random source addresses: `flood`, `send --flood`, `send --rate`,
 * `send --rand-source`, the lab's flood), so that without --force such
 * traffic stays on this machine or inside test networks.
 *
 * Two questions, both must say yes:
 *   the address: loopback or a documentation range (RFC 5737, RFC 3849);
 *   the route: the kernel's route to it (rtnetlink, as `ip route get`)
 *   uses no gateway and leaves through no physical interface of the
 *   initial network namespace.  Loopback, veth, bridge, dummy, tun/tap and
 *   whatever sits in another network namespace pass.  A machine whose own
 *   uplink is numbered from a documentation range (it happens) would
 *   otherwise flood its real network.
 */
#ifndef RAWSHAKE_GUARD_H
#define RAWSHAKE_GUARD_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rawshake/craft_opts.h"

/* The random-source default: a documentation range, never the Internet. */
#define RS_GUARD_DEFAULT_CIDR4 "198.51.100.0/24"
#define RS_GUARD_DEFAULT_CIDR6 "2001:db8:f100::/48"

/*
 * May bulk traffic go to addr (family v) without --force?  True for
 * loopback (127.0.0.0/8, ::1) and the documentation ranges (192.0.2.0/24,
 * 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32); false for everything
 * else.  *why names the range the address is in either way ("loopback",
 * "a private network (RFC 1918)", "multicast", ...), for the message.
 */
bool rs_guard_dst_allowed(uint8_t v, const uint8_t addr[16], const char **why);
/* The same for every address of a CIDR range (random sources): true when
 * the whole range lies inside one allowed range.  A loopback range is a
 * source only for a loopback destination (dst may be NULL: no check). */
bool rs_guard_cidr_allowed(const struct rs_cidr *c, const uint8_t *dst, const char **why);

/* Where the kernel would send a packet for a destination. */
struct rs_guard_route {
	bool found;                /* false: no route (nothing can be sent) */
	bool local;                /* delivered on this host (loopback, an own address) */
	bool dropped;              /* a blackhole, unreachable or prohibit route */
	bool gateway;              /* via a router */
	uint8_t gw[16];
	uint8_t gw_v;
	char ifname[IF_NAMESIZE];  /* egress interface ("" when none) */
	bool physical;             /* a device with a bus (sysfs device link, PCI/USB bus info) */
	bool initial_netns;        /* this process is in the initial network namespace */
};

/* Asks the kernel (RTM_GETROUTE); false with a reason when it cannot be asked. */
bool rs_guard_route_get(uint8_t v, const uint8_t dst[16], struct rs_guard_route *r, char *err,
			size_t errlen);

/* Whether the route keeps the traffic here; when not, *why says why
 * ("it goes via the gateway 203.0.113.1 on eth0", ...) into buf. */
bool rs_guard_route_allowed(const struct rs_guard_route *r, char *buf, size_t buflen);

/* True when sysfs under `sysfs_net` ("/sys/class/net") shows IF as a
 * device with hardware behind it.  Exposed for the tests. */
bool rs_guard_sysfs_physical(const char *sysfs_net, const char *ifname);

/*
 * The check for frames sent on a link by name (send arp): loopback has no
 * ARP at all; a physical device of the initial network namespace (the
 * same test as the route's) would put the frames on a real network, and
 * passes only with `force`.  False with the refusal in msg.
 */
bool rs_guard_link_allowed(const char *ifname, bool force, char *msg, size_t msglen);

/*
 * The whole check for bulk traffic to dst (and from random sources in
 * src, NULL for none).  `what` names the traffic in the message ("flood",
 * "send 5000 packets/s to").  The route is asked only when packets will
 * really leave (`sends`: false for a dry run, which builds and writes
 * them only).  True when allowed; otherwise false with the refusal, one
 * sentence ending in how --force changes it, in msg.
 */
bool rs_guard_bulk(const char *what, uint8_t v, const uint8_t dst[16], const struct rs_cidr *src,
		   bool sends, char *msg, size_t msglen);

#endif
