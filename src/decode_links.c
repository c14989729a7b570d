/*
 * decode_links.c: link types other than Ethernet, Linux cooked, NULL and
 * raw IP: PPP (RFC 1661) and PPP in HDLC-like framing (RFC 1662), PPPoE
 * as a link, Cisco HDLC, FDDI, Linux NFLOG, IP over InfiniBand (RFC
 * 4391), Frame Relay (RFC 2427 and Cisco's encapsulation), SLIP (BSD's
 * pseudo-header), ARCNET (RFC 1201, BSD and Linux headers) and Juniper's
 * common header.  802.11 is in decode_wlan.c.
 */
#include "decode_int.h"

#define PPP_ADDRESS 0xff
#define PPP_CONTROL 0x03
#define CHDLC_UNICAST 0x0f
#define CHDLC_BCAST 0x8f

static uint16_t ppp_to_ethertype(uint16_t proto)
{
	switch (proto) {
	case 0x0021: return ETHERTYPE_IPV4;
	case 0x0057: return ETHERTYPE_IPV6;
	case 0x0281: return ETHERTYPE_MPLS;
	case 0x0283: return ETHERTYPE_MPLS_MC;
	default: return 0;
	}
}

/* Cisco HDLC: address, control, an ethertype. */
static enum rs_status chdlc_at(struct rs_packet *pkt, struct rs_reader r, size_t off,
			       size_t wire)
{
	uint16_t type;

	if (!rs_reader_has(&r, off, 4))
		return rs_fail_short(pkt, RS_LAYER_LINK, off + 4, r.len);
	type = rs_get_be16(&r, off + 2);
	pkt->link.ethertype = type;
	return rs_decode_ethertype(pkt, type, rs_reader_sub(&r, off + 4, r.len), wire - off - 4);
}

enum rs_status rs_decode_link_chdlc(struct rs_packet *pkt, struct rs_reader r, size_t wire)
{
	return chdlc_at(pkt, r, 0, wire);
}

/*
 * PPP, with or without address and control (0xff 0x03), with a one- or
 * two-byte protocol (field compression).  In HDLC-like framing (DLT 50)
 * a Cisco HDLC frame may appear too, as tcpdump knows.
 */
static enum rs_status ppp_at(struct rs_packet *pkt, struct rs_reader r, size_t off, size_t wire)
{
	uint16_t proto;

	if (!rs_reader_has(&r, off, 1))
		return rs_fail_short(pkt, RS_LAYER_LINK, off + 1, r.len);
	if (rs_get_u8(&r, off) == CHDLC_UNICAST || rs_get_u8(&r, off) == CHDLC_BCAST)
		return chdlc_at(pkt, r, off, wire);
	if (rs_get_u8(&r, off) == PPP_ADDRESS) {
		/* 0xff is no protocol's first byte: address and control. */
		if (!rs_reader_has(&r, off, 2))
			return rs_fail_short(pkt, RS_LAYER_LINK, off + 2, r.len);
		if (rs_get_u8(&r, off + 1) == PPP_CONTROL)
			off += 2;
	}
	if (!rs_reader_has(&r, off, 1))
		return rs_fail_short(pkt, RS_LAYER_LINK, off + 1, r.len);
	proto = rs_get_u8(&r, off);
	if (proto & 1) {
		off += 1;
	} else {
		if (!rs_reader_has(&r, off, 2))
			return rs_fail_short(pkt, RS_LAYER_LINK, off + 2, r.len);
		proto = rs_get_be16(&r, off);
		off += 2;
	}
	pkt->link.ppp_proto = proto;
	pkt->link.ethertype = ppp_to_ethertype(proto);
	return rs_decode_ppp_proto(pkt, proto, rs_reader_sub(&r, off, r.len), wire - off);
}

enum rs_status rs_decode_link_ppp(struct rs_packet *pkt, struct rs_reader r, size_t wire)
{
	return ppp_at(pkt, r, 0, wire);
}

/* DLT_PPP_ETHER: the PPPoE header with no Ethernet header before it. */
enum rs_status rs_decode_link_ppp_ether(struct rs_packet *pkt, struct rs_reader r, size_t wire)
{
	pkt->link.ethertype = ETHERTYPE_PPPOE_SESS;
	return rs_decode_pppoe(pkt, ETHERTYPE_PPPOE_SESS, r, wire);
}

/* FDDI: frame control, destination, source; an LLC frame (FC 0x50-0x57) carries LLC. */
enum rs_status rs_decode_link_fddi(struct rs_packet *pkt, struct rs_reader r, size_t wire)
{
	uint8_t fc;

	if (!rs_reader_has(&r, 0, 13))
		return rs_fail_short(pkt, RS_LAYER_LINK, 13, r.len);
	fc = rs_get_u8(&r, 0);
	rs_get_bytes(&r, 1, pkt->link.dst, 6);
	rs_get_bytes(&r, 7, pkt->link.src, 6);
	pkt->link.has_mac = true;
	if ((fc & 0xf8) != 0x50)
		return RS_OK;  /* SMT, MAC and other non-LLC frames */
	return rs_decode_llc(pkt, rs_reader_sub(&r, 13, r.len), wire - 13);
}

#define NFULA_PAYLOAD 9
#define NF_AF_INET 2
#define NF_AF_INET6 10

/*
 * NFLOG: family, version, resource id, then TLVs whose length and type
 * are in the capturing host's byte order (as for DLT_NULL, the order
 * that gives a sane first length is taken), each padded to 4 bytes.
 * The payload TLV holds the IP packet.
 */
enum rs_status rs_decode_link_nflog(struct rs_packet *pkt, struct rs_reader r, size_t wire)
{
	size_t off = 4;
	bool le = true;

	if (!rs_reader_has(&r, 0, 4))
		return rs_fail_short(pkt, RS_LAYER_LINK, 4, r.len);
	pkt->link.family = rs_get_u8(&r, 0);
	if (rs_get_u8(&r, 1) != 0)
		return rs_fail(pkt, RS_LAYER_LINK, RS_INVALID, "NFLOG version %u", rs_get_u8(&r, 1));
	if (rs_reader_has(&r, 4, 2)) {
		uint16_t l = (uint16_t)(rs_get_u8(&r, 4) | rs_get_u8(&r, 5) << 8);
		le = l >= 4 && l <= r.len - 4;
		if (!le && rs_get_be16(&r, 4) < 4)
			le = true;
	}
	for (;;) {
		size_t tlen, type;

		if (off == r.len && off >= wire)
			return RS_OK;  /* no payload TLV (a packet logged without it) */
		if (!rs_reader_has(&r, off, 4))
			return rs_fail_short(pkt, RS_LAYER_LINK, off + 4, r.len);
		tlen = le ? (size_t)(rs_get_u8(&r, off) | rs_get_u8(&r, off + 1) << 8)
			  : rs_get_be16(&r, off);
		type = le ? (size_t)(rs_get_u8(&r, off + 2) | rs_get_u8(&r, off + 3) << 8)
			  : rs_get_be16(&r, off + 2);
		type &= 0x7fff;  /* NLA_F_NESTED and NLA_F_NET_BYTEORDER */
		type &= ~(size_t)0x4000;
		if (tlen < 4)
			return rs_fail(pkt, RS_LAYER_LINK, RS_INVALID, "NFLOG TLV length %zu < 4", tlen);
		if (type == NFULA_PAYLOAD) {
			struct rs_reader pl = rs_reader_sub(&r, off + 4, tlen - 4);
			size_t w = tlen - 4;

			if (off + tlen > wire)
				w = wire > off + 4 ? wire - off - 4 : 0;
			if (pkt->link.family == NF_AF_INET) {
				pkt->link.ethertype = ETHERTYPE_IPV4;
				return rs_decode_ipv4(pkt, pl, w);
			}
			if (pkt->link.family == NF_AF_INET6) {
				pkt->link.ethertype = ETHERTYPE_IPV6;
				return rs_decode_ipv6(pkt, pl, w);
			}
			return RS_OK;
		}
		off += (tlen + 3) & ~(size_t)3;
		if (off > r.len)
			return rs_fail_short(pkt, RS_LAYER_LINK, off, r.len);
	}
}

/* IP over InfiniBand as Linux captures it: 20 bytes of the kernel's
 * pseudo-header, the destination's 20-byte hardware address (QPN, GID),
 * then RFC 4391's header: an ethertype and two reserved bytes. */
enum rs_status rs_decode_link_ipoib(struct rs_packet *pkt, struct rs_reader r, size_t wire)
{
	uint16_t type;

	if (!rs_reader_has(&r, 0, 44))
		return rs_fail_short(pkt, RS_LAYER_LINK, 44, r.len);
	type = rs_get_be16(&r, 40);
	pkt->link.ethertype = type;
	return rs_decode_ethertype(pkt, type, rs_reader_sub(&r, 44, r.len), wire - 44);
}

#define NLPID_IP 0xcc
#define NLPID_IP6 0x8e
#define NLPID_SNAP 0x80
#define NLPID_PAD 0x00
#define LLC_UI_BYTE 0x03

/*
 * Frame Relay: a Q.922 address of 2 to 4 bytes (the EA bit ends it),
 * then either RFC 2427's UI control byte and an NLPID (IP, IPv6, or SNAP
 * after a pad byte) or Cisco's ethertype.
 */
enum rs_status rs_decode_link_frelay(struct rs_packet *pkt, struct rs_reader r, size_t wire)
{
	size_t off = 0;
	uint8_t nlpid;

	for (;;) {
		if (!rs_reader_has(&r, off, 1))
			return rs_fail_short(pkt, RS_LAYER_LINK, off + 1, r.len);
		if (rs_get_u8(&r, off++) & 0x01)
			break;
		if (off == 4)
			return rs_fail(pkt, RS_LAYER_LINK, RS_INVALID, "Q.922 address longer than 4");
	}
	if (off < 2)
		return rs_fail(pkt, RS_LAYER_LINK, RS_INVALID, "Q.922 address of 1 byte");
	if (!rs_reader_has(&r, off, 2))
		return rs_fail_short(pkt, RS_LAYER_LINK, off + 2, r.len);
	if (rs_get_u8(&r, off) != LLC_UI_BYTE) {
		uint16_t type = rs_get_be16(&r, off);
		pkt->link.ethertype = type;
		return rs_decode_ethertype(pkt, type, rs_reader_sub(&r, off + 2, r.len),
					   wire - off - 2);
	}
	off++;
	nlpid = rs_get_u8(&r, off);
	if (nlpid == NLPID_PAD) {
		off++;
		if (!rs_reader_has(&r, off, 1))
			return rs_fail_short(pkt, RS_LAYER_LINK, off + 1, r.len);
		nlpid = rs_get_u8(&r, off);
	}
	off++;
	switch (nlpid) {
	case NLPID_IP:
		pkt->link.ethertype = ETHERTYPE_IPV4;
		return rs_decode_ipv4(pkt, rs_reader_sub(&r, off, r.len), wire - off);
	case NLPID_IP6:
		pkt->link.ethertype = ETHERTYPE_IPV6;
		return rs_decode_ipv6(pkt, rs_reader_sub(&r, off, r.len), wire - off);
	case NLPID_SNAP: {
		uint16_t type;

		if (!rs_reader_has(&r, off, 5))
			return rs_fail_short(pkt, RS_LAYER_LINK, off + 5, r.len);
		type = rs_get_be16(&r, off + 3);
		if (rs_get_u8(&r, off) != 0 || rs_get_be16(&r, off + 1) != 0)
			return RS_OK;  /* another OUI: bridged 802.x frames */
		pkt->link.ethertype = type;
		return rs_decode_ethertype(pkt, type, rs_reader_sub(&r, off + 5, r.len),
					   wire - off - 5);
	}
	default:
		return RS_OK;  /* Q.933 signalling, OSI */
	}
}

/*
 * SLIP as BSD and libpcap give it: a 16-byte pseudo-header (direction,
 * then the link's compressed header, if any), then the uncompressed IP
 * packet.
 */
#define SLIP_HDRLEN 16
enum rs_status rs_decode_link_slip(struct rs_packet *pkt, struct rs_reader r, size_t wire)
{
	if (!rs_reader_has(&r, 0, SLIP_HDRLEN))
		return rs_fail_short(pkt, RS_LAYER_LINK, SLIP_HDRLEN, r.len);
	if (pkt->meta.dir == RS_PKT_DIR_UNKNOWN && rs_get_u8(&r, 0) <= 1)
		pkt->meta.dir = rs_get_u8(&r, 0) == 1 ? RS_PKT_DIR_OUT : RS_PKT_DIR_IN;
	return rs_decode_ip_by_version(pkt, rs_reader_sub(&r, SLIP_HDRLEN, r.len),
				       wire - SLIP_HDRLEN, RS_LAYER_LINK);
}

#define ARCTYPE_IP_OLD 240
#define ARCTYPE_ARP_OLD 241
#define ARCTYPE_IP 212
#define ARCTYPE_INET6 0xc4
#define ARCTYPE_DIAGNOSE 0x80

static enum rs_status arcnet_payload(struct rs_packet *pkt, uint8_t type, struct rs_reader r,
				     size_t off, size_t wire)
{
	if (type == ARCTYPE_IP || type == ARCTYPE_IP_OLD) {
		pkt->link.ethertype = ETHERTYPE_IPV4;
		return rs_decode_ipv4(pkt, rs_reader_sub(&r, off, r.len), wire - off);
	}
	if (type == ARCTYPE_INET6) {
		pkt->link.ethertype = ETHERTYPE_IPV6;
		return rs_decode_ipv6(pkt, rs_reader_sub(&r, off, r.len), wire - off);
	}
	return RS_OK;  /* ARP, IPX, AppleTalk ... */
}

static bool arcnet_old(uint8_t type)
{
	return type == ARCTYPE_IP_OLD || type == ARCTYPE_ARP_OLD || type == ARCTYPE_DIAGNOSE;
}

/*
 * BSD ARCNET: source, destination, protocol; RFC 1201's types add a
 * split flag and a sequence number (an exception frame, flag 0xff, four
 * bytes more).  A later fragment holds no header of its own.
 */
enum rs_status rs_decode_link_arcnet(struct rs_packet *pkt, struct rs_reader r, size_t wire)
{
	uint8_t type, flag = 0;
	size_t hlen = 3;

	if (!rs_reader_has(&r, 0, 3))
		return rs_fail_short(pkt, RS_LAYER_LINK, 3, r.len);
	type = rs_get_u8(&r, 2);
	if (!arcnet_old(type)) {
		if (!rs_reader_has(&r, 0, 6))
			return rs_fail_short(pkt, RS_LAYER_LINK, 6, r.len);
		flag = rs_get_u8(&r, 3);
		hlen = 6;
		if (flag == 0xff) {
			if (!rs_reader_has(&r, 0, 10))
				return rs_fail_short(pkt, RS_LAYER_LINK, 10, r.len);
			flag = rs_get_u8(&r, 7);
			hlen = 10;
		}
		if (flag && (flag & 1) == 0)
			return RS_OK;  /* a later fragment */
	}
	return arcnet_payload(pkt, type, r, hlen, wire);
}

/* Linux ARCNET: source, destination, a 2-byte offset, protocol; RFC 1201's
 * types add the split flag and sequence number.  Linux reassembles. */
enum rs_status rs_decode_link_arcnet_linux(struct rs_packet *pkt, struct rs_reader r, size_t wire)
{
	uint8_t type;
	size_t hlen;

	if (!rs_reader_has(&r, 0, 5))
		return rs_fail_short(pkt, RS_LAYER_LINK, 5, r.len);
	type = rs_get_u8(&r, 4);
	hlen = arcnet_old(type) ? 5 : 8;
	if (!rs_reader_has(&r, 0, hlen))
		return rs_fail_short(pkt, RS_LAYER_LINK, hlen, r.len);
	return arcnet_payload(pkt, type, r, hlen, wire);
}

#define JUNIPER_FLAG_NO_L2 0x02
#define JUNIPER_FLAG_EXT 0x80

/*
 * Juniper's common header: "MGC", flags, and with the extension flag a
 * 2-byte length of TLVs to skip.  With "no L2" a 4-byte family word and
 * the IP packet follow; else the DLT's own link layer: Ethernet, PPP,
 * Cisco HDLC and Frame Relay are decoded, ATM1/ATM2 after their cookie
 * when it carries LLC or IP; others are named, not decoded.
 */
enum rs_status rs_decode_link_juniper(struct rs_packet *pkt, struct rs_reader r, size_t wire)
{
	size_t off = 4;
	uint8_t flags;
	int dlt = pkt->link.dlt;

	if (!rs_reader_has(&r, 0, 4))
		return rs_fail_short(pkt, RS_LAYER_LINK, 4, r.len);
	if (rs_get_u8(&r, 0) != 'M' || rs_get_u8(&r, 1) != 'G' || rs_get_u8(&r, 2) != 'C')
		return rs_fail(pkt, RS_LAYER_LINK, RS_INVALID, "no Juniper magic");
	flags = rs_get_u8(&r, 3);
	if (flags & JUNIPER_FLAG_EXT) {
		if (!rs_reader_has(&r, 4, 2))
			return rs_fail_short(pkt, RS_LAYER_LINK, 6, r.len);
		off = 6 + (size_t)rs_get_be16(&r, 4);
	}
	if (!rs_reader_has(&r, 0, off))
		return rs_fail_short(pkt, RS_LAYER_LINK, off, r.len);
	if (off > wire)
		return rs_fail(pkt, RS_LAYER_LINK, RS_INVALID, "Juniper header past the frame");
	if (flags & JUNIPER_FLAG_NO_L2) {
		if (!rs_reader_has(&r, off, 4))
			return rs_fail_short(pkt, RS_LAYER_LINK, off + 4, r.len);
		pkt->link.family = rs_get_le32(&r, off);
		off += 4;
		return rs_decode_ip_by_version(pkt, rs_reader_sub(&r, off, r.len), wire - off,
					       RS_LAYER_LINK);
	}
	r = rs_reader_sub(&r, off, r.len);
	wire -= off;
	switch (dlt) {
	case 178: /* DLT_JUNIPER_ETHER */
		return rs_decode_ether(pkt, r, wire, false);
	case 179: /* DLT_JUNIPER_PPP */
		return ppp_at(pkt, r, 0, wire);
	case 181: /* DLT_JUNIPER_CHDLC */
		return chdlc_at(pkt, r, 0, wire);
	case 180: /* DLT_JUNIPER_FRELAY */
		return rs_decode_link_frelay(pkt, r, wire);
	case 137: /* DLT_JUNIPER_ATM1: a 4-byte cookie */
	case 135: /* DLT_JUNIPER_ATM2: an 8-byte cookie */ {
		size_t ck = dlt == 137 ? 4 : 8;

		if (!rs_reader_has(&r, 0, ck + 3))
			return rs_fail_short(pkt, RS_LAYER_LINK, off + ck + 3, off + r.len);
		if (wire < ck)
			return RS_OK;
		if (rs_get_u8(&r, ck) == 0xaa && rs_get_u8(&r, ck + 1) == 0xaa)
			return rs_decode_llc(pkt, rs_reader_sub(&r, ck, r.len), wire - ck);
		if (rs_get_u8(&r, ck) >> 4 == 4 || rs_get_u8(&r, ck) >> 4 == 6)
			return rs_decode_ip_by_version(pkt, rs_reader_sub(&r, ck, r.len),
						       wire - ck, RS_LAYER_LINK);
		return RS_OK;  /* OAM cells, other encapsulations */
	}
	default:
		return rs_fail(pkt, RS_LAYER_LINK, RS_UNSUPPORTED,
			       "link type %d: the layer after Juniper's header", dlt);
	}
}
