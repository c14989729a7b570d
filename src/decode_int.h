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
};

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

/* link.c: one function per link type; `wire` is the frame's wire length. */
enum rs_status rs_decode_link(struct rs_packet *pkt, int dlt, struct rs_reader r, size_t wire);

/*
 * Dispatch on an ethertype.  `r` starts at the network header; `wire` is
 * how many bytes of it were on the wire.  Non-IP ethertypes decode nothing
 * and return RS_OK.
 */
enum rs_status rs_decode_ethertype(struct rs_packet *pkt, uint16_t type, struct rs_reader r,
				   size_t wire);

/* ipv4.c and ipv6.c: `r` starts at the IP header. */
enum rs_status rs_decode_ipv4(struct rs_packet *pkt, struct rs_reader r, size_t wire);
enum rs_status rs_decode_ipv6(struct rs_packet *pkt, struct rs_reader r, size_t wire);

/*
 * Hands the IP payload to the transport decoder for `proto`.  `r` holds
 * the captured transport bytes, already cut to the IP length.
 */
enum rs_status rs_decode_transport(struct rs_packet *pkt, uint8_t proto, struct rs_reader r,
				   const struct rs_l3info *l3);

/* tcp.c, udp.c, icmp.c */
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
