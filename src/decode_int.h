/*
 * decode_int.h: what the per-protocol decoders share.  Not installed; the
 * public view is rawshake/packet.h.
 *
 * Each decoder gets a reader window that holds exactly the captured bytes
 * of its layer (never the link padding after it), fills its part of the
 * packet, and returns RS_OK or the status recorded by rs_fail().
 */
#ifndef RAWSHAKE_DECODE_INT_H
#define RAWSHAKE_DECODE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "rawshake/packet.h"
#include "rawshake/reader.h"

/* What the network layer tells the transport layer. */
struct rs_l3info {
	uint32_t len;            /* transport bytes on the wire, from the IP length */
	bool fragmented;         /* first fragment: length and checksum are partial */
	uint8_t pseudo_dst[16];  /* destination for the pseudo-header (IPv6 routing) */
	uint8_t pseudo_src[16];  /* source for the IPv6 pseudo-header (Home Address option) */
};

/* Ethertypes the decoders dispatch on. */
/* The network layer starts at r (the first call wins: an outer header
 * before a tunnel's inner ones): where tcpdump's -x starts. */
static inline void rs_mark_network(struct rs_packet *pkt, const struct rs_reader *r)
{
	const uint8_t *f = pkt->meta.frame;

	if (!pkt->meta.has_net_off && f && r->len > 0 && r->p >= f &&
	    (size_t)(r->p - f) < pkt->caplen) {
		pkt->meta.net_off = (uint32_t)(r->p - f);
		pkt->meta.has_net_off = true;
	}
}

#define ETHERTYPE_MIN 0x0600   /* below this the field is an 802.3 length */
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_8021Q 0x8100
#define ETHERTYPE_8021AD 0x88a8
#define ETHERTYPE_QINQ_OLD 0x9100
#define ETHERTYPE_MPLS 0x8847
#define ETHERTYPE_MPLS_MC 0x8848
#define ETHERTYPE_PPPOE_DISC 0x8863
#define ETHERTYPE_PPPOE_SESS 0x8864
#define ETHERTYPE_PBB 0x88e7   /* 802.1ah I-TAG */
#define ETHERTYPE_VNTAG 0x8926
#define ETHERTYPE_FABRICPATH 0x8903
#define ETHERTYPE_TEB 0x6558   /* transparent Ethernet bridging (GRE, Geneve) */
#define ETHERTYPE_PPP 0x880b   /* PPP in GRE version 1 */
#define ETHERTYPE_ARP 0x0806
#define ETHERTYPE_RARP 0x8035

/*
 * Records the first failure of a packet: layer, kind and a printf-style
 * detail.  Returns `st` so that a decoder can `return rs_fail(...)`.
 * Only the error path formats text.
 */
enum rs_status rs_fail(struct rs_packet *pkt, enum rs_layer layer, enum rs_status st,
		       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* "need N bytes, have M" as a truncation of `layer`. */
enum rs_status rs_fail_short(struct rs_packet *pkt, enum rs_layer layer, size_t need,
			     size_t have);

/* decode_link.c: one function per link type; `wire` is the frame's wire length. */
enum rs_status rs_decode_link(struct rs_packet *pkt, int dlt, struct rs_reader r, size_t wire);

/*
 * Dispatch on an ethertype.  `r` starts at the network header; `wire` is
 * how many bytes of it were on the wire.  Non-IP ethertypes decode nothing
 * and return RS_OK.
 */
enum rs_status rs_decode_ethertype(struct rs_packet *pkt, uint16_t type, struct rs_reader r,
				   size_t wire);

/*
 * Outer layers (decode_outer.c).  rs_outer_push appends one, or records
 * "nesting deeper than RS_MAX_OUTER" and returns NULL.  rs_inner_ip_begin
 * is called by the IP decoders when an IP header starts inside a tunnel:
 * it moves the IP header decoded so far (and its UDP header, for a UDP
 * tunnel) into the outer list, before the tunnel headers that it carried,
 * and clears the transport so that the inner one takes its place.
 */
struct rs_outer *rs_outer_push(struct rs_packet *pkt, enum rs_outer_kind kind);
enum rs_status rs_inner_ip_begin(struct rs_packet *pkt);

/*
 * An Ethernet frame that starts at `r`: the link's own (inner false, its
 * addresses and tags go to pkt->link) or one carried by a tunnel (an
 * RS_OUTER_ETH entry and RS_OUTER_VLAN tags).
 */
enum rs_status rs_decode_ether(struct rs_packet *pkt, struct rs_reader r, size_t wire,
			       bool inner);
/* 802.1Q/802.1ad tags from `off`, then the ethertype or LLC after them. */
enum rs_status rs_decode_vlan_and_up(struct rs_packet *pkt, uint16_t type, struct rs_reader r,
				     size_t off, size_t wire, bool inner);
/* IPv4 or IPv6 by the version nibble (raw IP, MPLS, GTP-U). */
enum rs_status rs_decode_ip_by_version(struct rs_packet *pkt, struct rs_reader r, size_t wire,
				       enum rs_layer layer);

/* decode_l2.c: LLC/SNAP (IEEE 802.2), MPLS (RFC 3032, RFC 4385), PPPoE
 * (RFC 2516), PPP protocols (RFC 1661), 802.1ah, VN-Tag, FabricPath. */
enum rs_status rs_decode_llc(struct rs_packet *pkt, struct rs_reader r, size_t wire);
enum rs_status rs_decode_mpls(struct rs_packet *pkt, struct rs_reader r, size_t wire);
enum rs_status rs_decode_pppoe(struct rs_packet *pkt, uint16_t type, struct rs_reader r,
			       size_t wire);
enum rs_status rs_decode_ppp_proto(struct rs_packet *pkt, uint16_t proto, struct rs_reader r,
				   size_t wire);
enum rs_status rs_decode_pbb(struct rs_packet *pkt, struct rs_reader r, size_t wire);
enum rs_status rs_decode_vntag(struct rs_packet *pkt, struct rs_reader r, size_t wire);
enum rs_status rs_decode_fabricpath(struct rs_packet *pkt, struct rs_reader r, size_t wire);

/* decode_tunnel.c: GRE (RFC 2784, RFC 2890, RFC 2637) with ERSPAN, and
 * the UDP tunnels: VXLAN (RFC 7348), Geneve (RFC 8926), GTP-U (3GPP TS
 * 29.281), Teredo (RFC 4380), AYIYA.  `r` is the GRE header or the UDP
 * payload, `wire` its length on the wire. */
enum rs_status rs_decode_gre(struct rs_packet *pkt, struct rs_reader r, size_t wire);
/* true when the UDP ports name a tunnel that was decoded (or failed). */
bool rs_decode_udp_tunnel(struct rs_packet *pkt, uint16_t sport, uint16_t dport,
			  struct rs_reader r, size_t wire, enum rs_status *st);

/* decode_links.c and decode_wlan.c: link types other than Ethernet,
 * Linux cooked, NULL/LOOP and raw IP; see the table in decode_link.c. */
enum rs_status rs_decode_link_ppp(struct rs_packet *pkt, struct rs_reader r, size_t wire);
enum rs_status rs_decode_link_ppp_ether(struct rs_packet *pkt, struct rs_reader r, size_t wire);
enum rs_status rs_decode_link_chdlc(struct rs_packet *pkt, struct rs_reader r, size_t wire);
enum rs_status rs_decode_link_fddi(struct rs_packet *pkt, struct rs_reader r, size_t wire);
enum rs_status rs_decode_link_nflog(struct rs_packet *pkt, struct rs_reader r, size_t wire);
enum rs_status rs_decode_link_ipoib(struct rs_packet *pkt, struct rs_reader r, size_t wire);
enum rs_status rs_decode_link_frelay(struct rs_packet *pkt, struct rs_reader r, size_t wire);
enum rs_status rs_decode_link_slip(struct rs_packet *pkt, struct rs_reader r, size_t wire);
enum rs_status rs_decode_link_arcnet(struct rs_packet *pkt, struct rs_reader r, size_t wire);
enum rs_status rs_decode_link_arcnet_linux(struct rs_packet *pkt, struct rs_reader r, size_t wire);
enum rs_status rs_decode_link_juniper(struct rs_packet *pkt, struct rs_reader r, size_t wire);
enum rs_status rs_decode_link_wlan(struct rs_packet *pkt, struct rs_reader r, size_t wire);
enum rs_status rs_decode_link_radiotap(struct rs_packet *pkt, struct rs_reader r, size_t wire);
enum rs_status rs_decode_link_ppi(struct rs_packet *pkt, struct rs_reader r, size_t wire);

/* decode_arp.c: ARP and RARP; `r` starts at the ARP header, `wire` is
 * the bytes from there on the wire (link padding included). */
enum rs_status rs_decode_arp(struct rs_packet *pkt, struct rs_reader r, size_t wire);

/* decode_ipv4.c and decode_ipv6.c: `r` starts at the IP header. */
enum rs_status rs_decode_ipv4(struct rs_packet *pkt, struct rs_reader r, size_t wire);
enum rs_status rs_decode_ipv6(struct rs_packet *pkt, struct rs_reader r, size_t wire);

/*
 * Hands the IP payload to the transport decoder for `proto`.  `r` holds
 * the captured transport bytes, already cut to the IP length.
 */
enum rs_status rs_decode_transport(struct rs_packet *pkt, uint8_t proto, struct rs_reader r,
				   const struct rs_l3info *l3);

/* decode_util.c: the IP datagram's length (tlen) against the frame:
 * captured short of it, padded after it, or claiming more than the wire
 * carried; returns the datagram bytes there are. */
size_t rs_ip_length_check(struct rs_ip *ip, struct rs_l3info *l3, size_t captured, size_t wire,
			  size_t tlen);

/* decode_tcp.c, decode_udp.c, decode_icmp.c */
enum rs_status rs_decode_tcp(struct rs_packet *pkt, struct rs_reader r,
			     const struct rs_l3info *l3);
enum rs_status rs_decode_udp(struct rs_packet *pkt, struct rs_reader r,
			     const struct rs_l3info *l3);
enum rs_status rs_decode_icmp(struct rs_packet *pkt, struct rs_reader r,
			      const struct rs_l3info *l3);
enum rs_status rs_decode_icmp6(struct rs_packet *pkt, struct rs_reader r,
			       const struct rs_l3info *l3);

/*
 * The unfolded sum of the IPv4 or IPv6 pseudo-header (RFC 9293 3.1,
 * RFC 8200 8.1) for pkt->ip, `proto` and upper-layer length `len`.
 */
uint32_t rs_pseudo_sum(const struct rs_packet *pkt, const struct rs_l3info *l3, uint8_t proto,
		       uint32_t len);

/*
 * The status of a transport checksum (field `field`) over the whole
 * message `r` with its pseudo-header: ok; offload when the field holds
 * the pseudo-header sum alone (folded, not inverted: what Linux leaves for
 * the NIC with CHECKSUM_PARTIAL) or 0 on a packet the capture saw going
 * out; bad otherwise.
 */
enum rs_csum rs_l4_csum_status(const struct rs_packet *pkt, const struct rs_l3info *l3,
			       uint8_t proto, const struct rs_reader *r, uint16_t field);

#endif
