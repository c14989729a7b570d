/* decode_udp.c: the UDP header (RFC 768; the IPv6 checksum rule of RFC 8200 8.1), and the hand-off to UDP tunnels. */
#include "decode_int.h"

#define IPPROTO_UDP_NUM 17

enum rs_status rs_decode_udp(struct rs_packet *pkt, struct rs_reader r,
			     const struct rs_l3info *l3)
{
	struct rs_udp *uh = &pkt->udp;
	struct rs_reader dgram;

	if (!rs_reader_has(&r, 0, 8))
		return rs_fail_short(pkt, RS_LAYER_UDP, 8, r.len);
	uh->sport = rs_get_be16(&r, 0);
	uh->dport = rs_get_be16(&r, 2);
	uh->len = rs_get_be16(&r, 4);
	uh->csum = rs_get_be16(&r, 6);
	pkt->l4 = RS_LAYER_UDP;

	if (uh->len < 8)
		return rs_fail(pkt, RS_LAYER_UDP, RS_INVALID, "length %u < 8", uh->len);
	/* A first fragment holds only part of the datagram the length counts. */
	if (uh->len > l3->len && !l3->fragmented)
		return rs_fail(pkt, RS_LAYER_UDP, RS_INVALID, "length %u > IP payload length %u",
			       uh->len, l3->len);
	uh->payload_len = (uint32_t)uh->len - 8;
	dgram = rs_reader_sub(&r, 0, uh->len);
	pkt->payload_caplen = (uint32_t)(dgram.len - 8);
	if (pkt->payload_caplen)
		pkt->payload = dgram.p + 8;  /* a pointer for the caller, not a read */

	/* Over IPv4 a zero checksum means none was computed; over IPv6 it is
	 * not allowed (RFC 8200 8.1), so it is checked, and bad unless it was
	 * left for the NIC. */
	if (pkt->ip.v == 4 && uh->csum == 0)
		uh->csum_status = RS_CSUM_NONE;
	else if (dgram.len == uh->len && !l3->fragmented)
		uh->csum_status = rs_l4_csum_status(pkt, l3, IPPROTO_UDP_NUM, &dgram, uh->csum);

	/* VXLAN, Geneve, GTP-U, Teredo, AYIYA by their ports; not in a
	 * fragment, whose payload is not all here. */
	if (!l3->fragmented) {
		enum rs_status st;
		if (rs_decode_udp_tunnel(pkt, uh->sport, uh->dport, rs_reader_sub(&dgram, 8, dgram.len),
					 uh->payload_len, &st))
			return st;
	}
	return RS_OK;
}
