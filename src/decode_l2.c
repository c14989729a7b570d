/*
 * decode_l2.c: encapsulations below IP: LLC/SNAP (IEEE 802.2, RFC 1042),
 * MPLS label stacks (RFC 3032) with the pseudowire control word (RFC
 * 4385), PPPoE (RFC 2516), PPP protocols (RFC 1661, RFC 5072), 802.1ah
 * provider backbone bridging, VN-Tag (IEEE 802.1Qbh) and Cisco FabricPath.
 */
#include "decode_int.h"

#define LLC_SNAP_SAP 0xaa
#define LLC_UI 0x03
#define OUI_ENCAP_ETHER 0x000000
#define OUI_BRIDGE_TUNNEL 0x0000f8

enum rs_status rs_decode_llc(struct rs_packet *pkt, struct rs_reader r, size_t wire)
{
	struct rs_outer *o;
	bool first = pkt->n_outer == 0 && !pkt->has_ip;
	uint8_t ctl;
	bool marks = !pkt->meta.has_net_off;

	rs_mark_network(pkt, &r);

	if (!rs_reader_has(&r, 0, 3))
		return rs_fail_short(pkt, RS_LAYER_LLC, 3, r.len);
	/* Novell's raw 802.3 (IPX without LLC) starts with 0xffff. */
	if (rs_get_be16(&r, 0) == 0xffff)
		return RS_OK;
	o = rs_outer_push(pkt, RS_OUTER_LLC);
	if (!o)
		return RS_UNSUPPORTED;
	o->u.llc.dsap = rs_get_u8(&r, 0);
	o->u.llc.ssap = rs_get_u8(&r, 1);
	ctl = rs_get_u8(&r, 2);
	o->u.llc.ctl = ctl;
	if (o->u.llc.dsap != LLC_SNAP_SAP || o->u.llc.ssap != LLC_SNAP_SAP || ctl != LLC_UI)
		return RS_OK;  /* STP, NetBIOS, ...: LLC is all we say */
	if (!rs_reader_has(&r, 0, 8))
		return rs_fail_short(pkt, RS_LAYER_LLC, 8, r.len);
	o->u.llc.snap = true;
	o->u.llc.oui = (uint32_t)rs_get_u8(&r, 3) << 16 | rs_get_be16(&r, 4);
	o->u.llc.pid = rs_get_be16(&r, 6);
	if (o->u.llc.oui != OUI_ENCAP_ETHER && o->u.llc.oui != OUI_BRIDGE_TUNNEL)
		return RS_OK;  /* Cisco's CDP and others */
	if (first)
		pkt->link.ethertype = o->u.llc.pid;
	if (wire < 8)
		return rs_fail(pkt, RS_LAYER_LLC, RS_INVALID, "SNAP header past the frame");
	/* tcpdump counts an LLC/SNAP header that carries an ethertype into
	 * the link header: -x starts after it. */
	if (marks)
		pkt->meta.has_net_off = false;
	return rs_decode_ethertype(pkt, o->u.llc.pid, rs_reader_sub(&r, 8, r.len), wire - 8);
}

/*
 * The label stack, to the entry with the bottom-of-stack bit, then the
 * payload by its first nibble: 4 IPv4, 6 IPv6, 0 a pseudowire control
 * word and Ethernet, 1 the associated channel (not decoded), else
 * Ethernet without control word.
 */
enum rs_status rs_decode_mpls(struct rs_packet *pkt, struct rs_reader r, size_t wire)
{
	struct rs_outer *o = rs_outer_push(pkt, RS_OUTER_MPLS);
	size_t off = 0;
	uint8_t nib;

	if (!o)
		return RS_UNSUPPORTED;
	for (;;) {
		uint32_t e;

		if (!rs_reader_has(&r, off, 4))
			return rs_fail_short(pkt, RS_LAYER_MPLS, off + 4, r.len);
		e = rs_get_be32(&r, off);
		if (o->u.mpls.n < RS_MAX_MPLS)
			o->u.mpls.entry[o->u.mpls.n] = e;
		if (o->u.mpls.n < 255)
			o->u.mpls.n++;
		off += 4;
		if (e & 0x100)
			break;
	}
	if (off > wire)
		return rs_fail(pkt, RS_LAYER_MPLS, RS_INVALID, "label stack past the frame");
	if (off == wire || !rs_reader_has(&r, off, 1))
		return off == wire ? RS_OK : rs_fail_short(pkt, RS_LAYER_MPLS, off + 1, r.len);
	nib = rs_get_u8(&r, off) >> 4;
	r = rs_reader_sub(&r, off, r.len);
	wire -= off;
	switch (nib) {
	case 4:
		return rs_decode_ipv4(pkt, r, wire);
	case 6:
		return rs_decode_ipv6(pkt, r, wire);
	case 1:
		return RS_OK;
	case 0:
		if (!rs_reader_has(&r, 0, 4))
			return rs_fail_short(pkt, RS_LAYER_MPLS, off + 4, off + r.len);
		if (wire < 4)
			return rs_fail(pkt, RS_LAYER_MPLS, RS_INVALID, "control word past the frame");
		o->u.mpls.cw = true;
		return rs_decode_ether(pkt, rs_reader_sub(&r, 4, r.len), wire - 4, true);
	default:
		return rs_decode_ether(pkt, r, wire, true);
	}
}

#define PPP_IP 0x0021
#define PPP_IPV6 0x0057
#define PPP_MPLS 0x0281
#define PPP_MPLS_MC 0x0283
#define PPP_BPDU 0x0031  /* bridged Ethernet (RFC 3518) */

enum rs_status rs_decode_ppp_proto(struct rs_packet *pkt, uint16_t proto, struct rs_reader r,
				   size_t wire)
{
	switch (proto) {
	case PPP_IP:
		return rs_decode_ipv4(pkt, r, wire);
	case PPP_IPV6:
		return rs_decode_ipv6(pkt, r, wire);
	case PPP_MPLS:
	case PPP_MPLS_MC:
		return rs_decode_mpls(pkt, r, wire);
	case PPP_BPDU:
		/* Two bytes of flags and pad, then the frame. */
		if (!rs_reader_has(&r, 0, 2))
			return rs_fail_short(pkt, RS_LAYER_PPP, 2, r.len);
		if (wire < 2)
			return RS_OK;
		return rs_decode_ether(pkt, rs_reader_sub(&r, 2, r.len), wire - 2, true);
	default:
		return RS_OK;  /* LCP, IPCP, CHAP ...: control, not decoded further */
	}
}

/* PPPoE: version and type (1, 1), code, session id, length; a session
 * packet then carries a PPP protocol and its payload. */
enum rs_status rs_decode_pppoe(struct rs_packet *pkt, uint16_t type, struct rs_reader r,
			       size_t wire)
{
	struct rs_outer *o;
	size_t len;

	if (!rs_reader_has(&r, 0, 6))
		return rs_fail_short(pkt, RS_LAYER_PPPOE, 6, r.len);
	if (rs_get_u8(&r, 0) != 0x11)
		return rs_fail(pkt, RS_LAYER_PPPOE, RS_INVALID, "version %u type %u",
			       rs_get_u8(&r, 0) >> 4, rs_get_u8(&r, 0) & 0x0f);
	o = rs_outer_push(pkt, RS_OUTER_PPPOE);
	if (!o)
		return RS_UNSUPPORTED;
	o->u.pppoe.code = rs_get_u8(&r, 1);
	o->u.pppoe.session = rs_get_be16(&r, 2);
	o->u.pppoe.len = rs_get_be16(&r, 4);
	if (type != ETHERTYPE_PPPOE_SESS)
		return RS_OK;  /* discovery: PADI, PADO, ... */
	len = o->u.pppoe.len;
	if (6 + len > wire)
		return rs_fail(pkt, RS_LAYER_PPPOE, RS_INVALID, "length %zu past the frame (%zu)",
			       len, wire - 6);
	if (len < 2)
		return rs_fail(pkt, RS_LAYER_PPPOE, RS_INVALID, "length %zu < 2", len);
	if (!rs_reader_has(&r, 6, 2))
		return rs_fail_short(pkt, RS_LAYER_PPPOE, 8, r.len);
	o->u.pppoe.ppp_proto = rs_get_be16(&r, 6);
	return rs_decode_ppp_proto(pkt, o->u.pppoe.ppp_proto, rs_reader_sub(&r, 8, len - 2),
				   len - 2);
}

/* 802.1ah I-TAG: priority, DEI, UCA, the 24-bit I-SID; then the customer's frame. */
enum rs_status rs_decode_pbb(struct rs_packet *pkt, struct rs_reader r, size_t wire)
{
	struct rs_outer *o;
	uint32_t tag;

	if (!rs_reader_has(&r, 0, 4))
		return rs_fail_short(pkt, RS_LAYER_PBB, 4, r.len);
	o = rs_outer_push(pkt, RS_OUTER_PBB);
	if (!o)
		return RS_UNSUPPORTED;
	tag = rs_get_be32(&r, 0);
	o->u.pbb.pcp = (uint8_t)(tag >> 29);
	o->u.pbb.isid = tag & 0x00ffffff;
	if (wire < 4)
		return rs_fail(pkt, RS_LAYER_PBB, RS_INVALID, "I-TAG past the frame");
	return rs_decode_ether(pkt, rs_reader_sub(&r, 4, r.len), wire - 4, true);
}

/* VN-Tag: direction, pointer, destination VIF (14 bits), looped, version,
 * source VIF (12 bits); then the ethertype. */
enum rs_status rs_decode_vntag(struct rs_packet *pkt, struct rs_reader r, size_t wire)
{
	struct rs_outer *o;
	uint32_t tag;

	if (!rs_reader_has(&r, 0, 6))
		return rs_fail_short(pkt, RS_LAYER_VNTAG, 6, r.len);
	o = rs_outer_push(pkt, RS_OUTER_VNTAG);
	if (!o)
		return RS_UNSUPPORTED;
	tag = rs_get_be32(&r, 0);
	o->u.vntag.dir = (tag >> 31) & 1;
	o->u.vntag.ptr = (tag >> 30) & 1;
	o->u.vntag.dvif = (uint16_t)((tag >> 16) & 0x3fff);
	o->u.vntag.looped = (tag >> 15) & 1;
	o->u.vntag.svif = tag & 0x0fff;
	return rs_decode_vlan_and_up(pkt, rs_get_be16(&r, 4), r, 6, wire, true);
}

/*
 * Cisco FabricPath: outer destination and source hierarchical MACs
 * (switch id 12 bits, sub-switch id 8, port id 16), ethertype 0x8903, the
 * forwarding tag (10 bits) and TTL (6); then the classical Ethernet frame.
 */
enum rs_status rs_decode_fabricpath(struct rs_packet *pkt, struct rs_reader r, size_t wire)
{
	struct rs_outer *o;
	uint16_t ft;

	if (!rs_reader_has(&r, 0, 16))
		return rs_fail_short(pkt, RS_LAYER_FABRICPATH, 16, r.len);
	o = rs_outer_push(pkt, RS_OUTER_FABRICPATH);
	if (!o)
		return RS_UNSUPPORTED;
	o->u.fp.dst_sw = (uint16_t)((rs_get_u8(&r, 1) & 0x0f) << 8 | rs_get_u8(&r, 2));
	o->u.fp.dst_ssw = rs_get_u8(&r, 3);
	o->u.fp.dst_lid = rs_get_be16(&r, 4);
	o->u.fp.src_sw = (uint16_t)((rs_get_u8(&r, 7) & 0x0f) << 8 | rs_get_u8(&r, 8));
	o->u.fp.src_ssw = rs_get_u8(&r, 9);
	o->u.fp.src_lid = rs_get_be16(&r, 10);
	ft = rs_get_be16(&r, 14);
	o->u.fp.ftag = ft >> 6;
	o->u.fp.ttl = ft & 0x3f;
	if (wire < 16)
		return rs_fail(pkt, RS_LAYER_FABRICPATH, RS_INVALID, "header past the frame");
	return rs_decode_ether(pkt, rs_reader_sub(&r, 16, r.len), wire - 16, true);
}
