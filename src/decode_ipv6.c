/* decode_ipv6.c: the IPv6 header and its extension headers (RFC 8200, AH per RFC 4302). */
#include <string.h>

#include "decode_int.h"

enum {
	IP6_HOPOPTS = 0,
	IP6_ROUTING = 43,
	IP6_FRAGMENT = 44,
	IP6_AH = 51,
	IP6_DSTOPTS = 60,
};

/* The extension headers we walk; ESP (50) and "no next header" (59) end the walk. */
static const uint8_t walked[] = { IP6_HOPOPTS, IP6_ROUTING, IP6_FRAGMENT, IP6_AH, IP6_DSTOPTS };

static bool is_walked(uint8_t nh)
{
	for (size_t i = 0; i < sizeof(walked); i++)
		if (walked[i] == nh)
			return true;
	return false;
}

/*
 * Destination options: a Home Address option (type 201, RFC 6275 6.3)
 * names the mobile node's home address, which the transport
 * pseudo-header uses as its source.  Pad1 is one byte; every other
 * option is type, length, data.
 */
#define IP6OPT_PAD1 0
#define IP6OPT_HOME_ADDRESS 201

static void dstopts_home(struct rs_packet *pkt, struct rs_reader *r, size_t off, size_t len,
			 struct rs_l3info *l3)
{
	size_t o = off + 2, end = off + len;

	while (o < end) {
		uint8_t type = rs_get_u8(r, o), olen;

		if (type == IP6OPT_PAD1) {
			o++;
			continue;
		}
		if (o + 2 > end)
			return;
		olen = rs_get_u8(r, o + 1);
		if (o + 2 + olen > end)
			return;
		if (type == IP6OPT_HOME_ADDRESS && olen == 16) {
			rs_get_bytes(r, o + 2, pkt->ip.home, 16);
			memcpy(l3->pseudo_src, pkt->ip.home, 16);
			pkt->ip.has_home = true;
		}
		o += 2 + (size_t)olen;
	}
}

/* Length in bytes of the extension header `nh` whose length byte is `lenb`. */
static size_t ext_len(uint8_t nh, uint8_t lenb)
{
	if (nh == IP6_FRAGMENT)
		return 8;
	if (nh == IP6_AH)
		return ((size_t)lenb + 2) * 4;
	return ((size_t)lenb + 1) * 8;
}

/*
 * A routing header with segments left names the final destination, which
 * is what the transport pseudo-header uses (RFC 8200 8.1): the last
 * address for type 0 and 2, the first segment for type 4 (RFC 8754).
 */
static void routing_dst(struct rs_reader *r, size_t off, size_t len, struct rs_l3info *l3)
{
	uint8_t type = rs_get_u8(r, off + 2);
	size_t naddr = (len - 8) / 16;

	if (rs_get_u8(r, off + 3) == 0 || naddr == 0)
		return;
	if (type == 0 || type == 2)
		rs_get_bytes(r, off + 8 + 16 * (naddr - 1), l3->pseudo_dst, 16);
	else if (type == 4)
		rs_get_bytes(r, off + 8, l3->pseudo_dst, 16);
}

enum rs_status rs_decode_ipv6(struct rs_packet *pkt, struct rs_reader r, size_t wire)
{
	struct rs_ip *ip = &pkt->ip;
	struct rs_l3info l3 = { 0 };
	uint32_t vtcfl;
	uint8_t nh;
	size_t plen, tlen, have, off = 40;
	enum rs_status st;

	rs_mark_network(pkt, &r);
	if (!rs_reader_has(&r, 0, 40))
		return rs_fail_short(pkt, RS_LAYER_IPV6, 40, r.len);
	vtcfl = rs_get_be32(&r, 0);
	if (vtcfl >> 28 != 6)
		return rs_fail(pkt, RS_LAYER_IPV6, RS_INVALID, "version %u", vtcfl >> 28);
	/* Inside a tunnel: the IP header that carried it becomes an outer layer. */
	st = rs_inner_ip_begin(pkt);
	if (st != RS_OK)
		return st;
	ip->v = 6;
	ip->tos = (uint8_t)(vtcfl >> 20);
	ip->flow = vtcfl & 0xfffff;
	plen = rs_get_be16(&r, 4);
	nh = rs_get_u8(&r, 6);
	ip->ttl = rs_get_u8(&r, 7);
	rs_get_bytes(&r, 8, ip->src, 16);
	rs_get_bytes(&r, 24, ip->dst, 16);
	memcpy(l3.pseudo_dst, ip->dst, 16);
	memcpy(l3.pseudo_src, ip->src, 16);
	ip->csum_ok = true;  /* IPv6 has no header checksum */
	pkt->has_ip = true;

	/*
	 * A payload length of 0 is a jumbogram (RFC 2675) or a TSO capture;
	 * like tcpdump, take the length the frame had on the wire.
	 */
	tlen = plen ? 40 + plen : wire;
	ip->total_len = (uint32_t)tlen;
	have = rs_ip_length_check(ip, &l3, r.len, wire, tlen);
	r = rs_reader_sub(&r, 0, tlen);

	while (is_walked(nh)) {
		uint8_t next;
		size_t elen;

		if (off + 2 > tlen)
			return rs_fail(pkt, RS_LAYER_IPV6, RS_INVALID,
				       "extension header %u at %zu past payload length %zu", nh, off,
				       tlen - 40);
		if (!rs_reader_has(&r, off, 2))
			return rs_fail_short(pkt, RS_LAYER_IPV6, off + 2, r.len);
		next = rs_get_u8(&r, off);
		elen = ext_len(nh, rs_get_u8(&r, off + 1));
		if (off + elen > tlen)
			return rs_fail(pkt, RS_LAYER_IPV6, RS_INVALID,
				       "extension header %u of %zu bytes past payload length %zu", nh,
				       elen, tlen - 40);
		if (!rs_reader_has(&r, off, elen))
			return rs_fail_short(pkt, RS_LAYER_IPV6, off + elen, r.len);
		if (ip->n_ext < RS_MAX_IP6_EXT)
			ip->ext[ip->n_ext++] = nh;
		if (nh == IP6_ROUTING) {
			routing_dst(&r, off, elen, &l3);
		} else if (nh == IP6_DSTOPTS) {
			dstopts_home(pkt, &r, off, elen, &l3);
		} else if (nh == IP6_FRAGMENT) {
			uint16_t fo = rs_get_be16(&r, off + 2);

			ip->frag_off = fo & 0xfff8;
			ip->mf = (fo & 1) != 0;
			ip->id = rs_get_be32(&r, off + 4);
			ip->has_id = true;
			l3.fragmented = l3.fragmented || ip->mf;
		}
		off += elen;
		nh = next;
		if (ip->frag_off != 0)
			break;
	}
	ip->proto = nh;
	ip->hdr_len = (uint16_t)(off > UINT16_MAX ? UINT16_MAX : off);
	if (ip->frag_off != 0) {
		ip->is_later_fragment = true;
		return RS_OK;
	}
	if (have < off)
		return rs_fail_short(pkt, RS_LAYER_IPV6, off, have);
	l3.len = (uint32_t)(have - off);
	return rs_decode_transport(pkt, nh, rs_reader_sub(&r, off, have - off), &l3);
}
