/*
 * send_inject.h: sending crafted packets: raw IP sockets (IPv4 with
 * IP_HDRINCL, IPv6 with IPPROTO_RAW, which implies the header is ours) or
 * an AF_PACKET socket for whole Ethernet frames, in batches with
 * sendmmsg(2); plus the lookups a sender needs (capability, route,
 * interface, neighbour).
 */
#ifndef RAWSHAKE_INJECT_H
#define RAWSHAKE_INJECT_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define RS_SEND_INJECT_BATCH 64

struct rs_injector {
	int fd;
	uint8_t v;
	bool link;
	bool bound;               /* link: bound to the interface, sends with no address */
	struct sockaddr_storage to;
	socklen_t tolen;
};

/* True when the process may open raw sockets (CAP_NET_RAW effective). */
bool rs_have_cap_net_raw(void);

/* Opens the socket: link (AF_PACKET on ifname) or raw IP of family v
 * towards dst.  False with a reason in err. */
bool rs_send_inject_open(struct rs_injector *inj, uint8_t v, const uint8_t *dst, bool link,
		    const char *ifname, char *err, size_t errlen);
/* Sends n (at most RS_SEND_INJECT_BATCH) packets; returns how many went out.
 * When fewer than n, *err_no says why. */
unsigned rs_send_inject_send(struct rs_injector *inj, uint8_t *const *pkts, const size_t *lens,
			unsigned n, int *err_no);
void rs_send_inject_close(struct rs_injector *inj);

/* The route towards dst: the source address the kernel would use, the
 * interface, the next hop (the gateway, or dst itself) and the path MTU.
 * Sends nothing (a connected UDP socket, a netlink route query). */
bool rs_route_lookup(uint8_t v, const uint8_t *dst, uint8_t src[16], char ifname[IF_NAMESIZE],
		     uint8_t nexthop[16], unsigned *mtu, char *err, size_t errlen);
/* The interface's MAC address and MTU. */
bool rs_if_info(const char *ifname, uint8_t mac[6], unsigned *mtu, char *err, size_t errlen);
/* The interface's first IPv4 address (getifaddrs); false if it has none. */
bool rs_if_ipv4(const char *ifname, uint8_t addr[4]);
/* The neighbour table's MAC for addr on ifname (netlink); false if none. */
bool rs_neigh_lookup(const char *ifname, uint8_t v, const uint8_t *addr, uint8_t mac[6]);

#endif
