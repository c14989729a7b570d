/* decode_ipv4.c: the IPv4 header (RFC 791), and the hand-off to the transport. */
#include "decode_int.h"

#define IP_DF 0x4000
#define IP_MF 0x2000
#define IP_OFFMASK 0x1fff

enum rs_status rs_decode_ipv4(struct rs_packet *pkt, struct rs_reader r, size_t wire)
{
	struct rs_ip *ip = &pkt->ip;
	struct rs_l3info l3 = { 0 };
	struct rs_reader hdr, body;
	uint8_t vihl;
	uint16_t frag;
	size_t hlen, tlen, have;
	enum rs_status st;

	rs_mark_network(pkt, &r);
	if (!rs_reader_has(&r, 0, 20))
		return rs_fail_short(pkt, RS_LAYER_IPV4, 20, r.len);
	vihl = rs_get_u8(&r, 0);
	if (vihl >> 4 != 4)
		return rs_fail(pkt, RS_LAYER_IPV4, RS_INVALID, "version %u", vihl >> 4);
	hlen = (size_t)(vihl & 0x0f) * 4;
	if (hlen < 20)
		return rs_fail(pkt, RS_LAYER_IPV4, RS_INVALID, "header length %zu < 20", hlen);
	/* Inside a tunnel: the IP header that carried it becomes an outer layer. */
	st = rs_inner_ip_begin(pkt);
	if (st != RS_OK)
		return st;

	ip->v = 4;
	ip->tos = rs_get_u8(&r, 1);
	tlen = rs_get_be16(&r, 2);
	ip->id = rs_get_be16(&r, 4);
	ip->has_id = true;
	frag = rs_get_be16(&r, 6);
	ip->df = (frag & IP_DF) != 0;
	ip->mf = (frag & IP_MF) != 0;
	ip->frag_off = (uint16_t)((frag & IP_OFFMASK) * 8);
	ip->ttl = rs_get_u8(&r, 8);
	ip->proto = rs_get_u8(&r, 9);
	ip->csum = rs_get_be16(&r, 10);
	rs_get_bytes(&r, 12, ip->src, 4);
	rs_get_bytes(&r, 16, ip->dst, 4);
	ip->hdr_len = (uint16_t)hlen;
	ip->has_options = hlen > 20;
	/*
	 * A total length of 0 is what a capture of a TSO send shows: the NIC
	 * fills the length in later.  Like tcpdump, take the length the frame
	 * had on the wire.
	 */
	if (tlen == 0)
		tlen = wire;
	ip->total_len = (uint32_t)tlen;
	pkt->has_ip = true;

	/* A total length below the header's own is a lie whatever was
	 * captured (tcpdump's "bad-len"), not a header cut short. */
	if (tlen < hlen)
		return rs_fail(pkt, RS_LAYER_IPV4, RS_INVALID, "total length %zu < header length %zu",
			       tlen, hlen);
	if (!rs_reader_has(&r, 0, hlen))
		return rs_fail_short(pkt, RS_LAYER_IPV4, hlen, r.len);

	hdr = rs_reader_sub(&r, 0, hlen);
	ip->csum_ok = rs_csum_fold(rs_csum_add(0, &hdr)) == 0;
	ip->csum_checked = true;
	have = rs_ip_length_check(ip, &l3, r.len, wire, tlen);

	if (ip->frag_off != 0) {
		ip->is_later_fragment = true;
		return RS_OK;
	}
	/* The payload window ends at the total length, so padding is never payload. */
	body = rs_reader_sub(&r, hlen, have - hlen);
	l3.len = (uint32_t)(have - hlen);
	l3.fragmented = l3.fragmented || ip->mf;
	return rs_decode_transport(pkt, ip->proto, body, &l3);
}
