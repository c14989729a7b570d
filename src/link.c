/* link.c: link layers: Ethernet II and 802.1Q/802.1ad tags (IEEE 802.3, 802.1Q), Linux cooked v1/v2, BSD NULL/LOOP, raw IP. */
#include <pcap/pcap.h>
#include <string.h>

#include "decode_int.h"

#define ETHERTYPE_MIN 0x0600   /* below this the field is an 802.3 length */
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_8021Q 0x8100
#define ETHERTYPE_8021AD 0x88a8

/* BSD address families that mean IPv6 (NetBSD/OpenBSD, FreeBSD, Darwin). */
static const uint32_t bsd_af_inet6[] = { 24, 28, 30 };
#define BSD_AF_INET 2

/*
 * Walks 802.1Q / 802.1ad tags that start at `off`, then hands the rest to
 * the network layer.  All tags are walked; the first RS_MAX_VLAN are kept.
 */
static enum rs_status vlan_and_up(struct rs_packet *pkt, uint16_t type, struct rs_reader r,
				  size_t off, size_t wire)
{
	while (type == ETHERTYPE_8021Q || type == ETHERTYPE_8021AD) {
		uint16_t tci, next;

		if (!rs_reader_has(&r, off, 4))
			return rs_fail_short(pkt, RS_LAYER_VLAN, 4, r.len - off);
		tci = rs_get_be16(&r, off);
		next = rs_get_be16(&r, off + 2);
		if (pkt->link.nvlan < RS_MAX_VLAN) {
			pkt->link.vlan_tpid[pkt->link.nvlan] = type;
			pkt->link.vlan_tci[pkt->link.nvlan] = tci;
			pkt->link.nvlan++;
		}
		type = next;
		off += 4;
	}
	if (type < ETHERTYPE_MIN) {
		/* An 802.3 length: LLC follows, which we do not decode. */
		pkt->link.ethertype = 0;
		return RS_OK;
	}
	pkt->link.ethertype = type;
	return rs_decode_ethertype(pkt, type, rs_reader_sub(&r, off, r.len), wire - off);
}

/* Linux's PACKET_OUTGOING (4) is the only pkttype of a packet this host sent. */
static void dir_from_pkttype(struct rs_packet *pkt)
{
	if (pkt->meta.dir == RS_PKT_DIR_UNKNOWN && pkt->link.pkttype <= 4)
		pkt->meta.dir = pkt->link.pkttype == 4 ? RS_PKT_DIR_OUT : RS_PKT_DIR_IN;
}

static enum rs_status ether(struct rs_packet *pkt, struct rs_reader r, size_t wire)
{
	if (!rs_reader_has(&r, 0, 14))
		return rs_fail_short(pkt, RS_LAYER_LINK, 14, r.len);
	rs_get_bytes(&r, 0, pkt->link.dst, 6);
	rs_get_bytes(&r, 6, pkt->link.src, 6);
	pkt->link.has_mac = true;
	/* A live capture knows its interface's address: what comes from it
	 * is going out. */
	if (pkt->meta.dir == RS_PKT_DIR_UNKNOWN && pkt->meta.local_mac)
		pkt->meta.dir = memcmp(pkt->link.src, pkt->meta.local_mac, 6) == 0 ? RS_PKT_DIR_OUT
										  : RS_PKT_DIR_IN;
	return vlan_and_up(pkt, rs_get_be16(&r, 12), r, 14, wire);
}

/* Linux cooked v1: pkttype, ARPHRD type, address length, 8 address bytes, protocol. */
static enum rs_status sll(struct rs_packet *pkt, struct rs_reader r, size_t wire)
{
	uint16_t halen;

	if (!rs_reader_has(&r, 0, 16))
		return rs_fail_short(pkt, RS_LAYER_LINK, 16, r.len);
	pkt->link.has_pkttype = true;
	pkt->link.pkttype = rs_get_be16(&r, 0);
	dir_from_pkttype(pkt);
	halen = rs_get_be16(&r, 4);
	if (halen == 6) {
		rs_get_bytes(&r, 6, pkt->link.src, 6);
		pkt->link.has_mac = true;
	}
	return vlan_and_up(pkt, rs_get_be16(&r, 14), r, 16, wire);
}

/* Linux cooked v2: protocol, reserved, ifindex, ARPHRD type, pkttype, address length, 8 address bytes. */
static enum rs_status sll2(struct rs_packet *pkt, struct rs_reader r, size_t wire)
{
	if (!rs_reader_has(&r, 0, 20))
		return rs_fail_short(pkt, RS_LAYER_LINK, 20, r.len);
	pkt->link.ifindex = rs_get_be32(&r, 4);
	pkt->link.has_pkttype = true;
	pkt->link.pkttype = rs_get_u8(&r, 10);
	dir_from_pkttype(pkt);
	if (rs_get_u8(&r, 11) == 6) {
		rs_get_bytes(&r, 12, pkt->link.src, 6);
		pkt->link.has_mac = true;
	}
	return vlan_and_up(pkt, rs_get_be16(&r, 0), r, 20, wire);
}

static enum rs_status by_family(struct rs_packet *pkt, uint32_t family, struct rs_reader r,
				size_t wire)
{
	struct rs_reader rest = rs_reader_sub(&r, 4, r.len);

	pkt->link.family = family;
	if (family == BSD_AF_INET) {
		pkt->link.ethertype = ETHERTYPE_IPV4;
		return rs_decode_ethertype(pkt, ETHERTYPE_IPV4, rest, wire - 4);
	}
	for (size_t i = 0; i < sizeof(bsd_af_inet6) / sizeof(bsd_af_inet6[0]); i++) {
		if (family == bsd_af_inet6[i]) {
			pkt->link.ethertype = ETHERTYPE_IPV6;
			return rs_decode_ethertype(pkt, ETHERTYPE_IPV6, rest, wire - 4);
		}
	}
	return RS_OK;  /* another family: the link is decoded, nothing above it */
}

/*
 * DLT_NULL: the family is in the byte order of the host that captured, so
 * as tcpdump does, a value with a high half set is taken as byte-swapped.
 */
static enum rs_status null_link(struct rs_packet *pkt, struct rs_reader r, size_t wire)
{
	uint32_t family;

	if (!rs_reader_has(&r, 0, 4))
		return rs_fail_short(pkt, RS_LAYER_LINK, 4, r.len);
	family = rs_get_le32(&r, 0);
	if (family & 0xffff0000u)
		family = rs_get_be32(&r, 0);
	return by_family(pkt, family, r, wire);
}

/* DLT_LOOP: like DLT_NULL but always in network byte order. */
static enum rs_status loop_link(struct rs_packet *pkt, struct rs_reader r, size_t wire)
{
	if (!rs_reader_has(&r, 0, 4))
		return rs_fail_short(pkt, RS_LAYER_LINK, 4, r.len);
	return by_family(pkt, rs_get_be32(&r, 0), r, wire);
}

/* Raw IP: the version nibble decides. */
static enum rs_status raw(struct rs_packet *pkt, struct rs_reader r, size_t wire)
{
	uint8_t v;

	if (!rs_reader_has(&r, 0, 1))
		return rs_fail_short(pkt, RS_LAYER_IPV4, 1, r.len);
	v = rs_get_u8(&r, 0) >> 4;
	if (v == 4) {
		pkt->link.ethertype = ETHERTYPE_IPV4;
		return rs_decode_ipv4(pkt, r, wire);
	}
	if (v == 6) {
		pkt->link.ethertype = ETHERTYPE_IPV6;
		return rs_decode_ipv6(pkt, r, wire);
	}
	return rs_fail(pkt, RS_LAYER_IPV4, RS_INVALID, "version %u", v);
}

static enum rs_status ipv4_link(struct rs_packet *pkt, struct rs_reader r, size_t wire)
{
	pkt->link.ethertype = ETHERTYPE_IPV4;
	return rs_decode_ipv4(pkt, r, wire);
}

static enum rs_status ipv6_link(struct rs_packet *pkt, struct rs_reader r, size_t wire)
{
	pkt->link.ethertype = ETHERTYPE_IPV6;
	return rs_decode_ipv6(pkt, r, wire);
}

/* LINKTYPE_RAW may arrive as 12, 14 or 101 (see decode.c); all are listed. */
static const struct {
	int dlt;
	enum rs_status (*fn)(struct rs_packet *, struct rs_reader, size_t);
} link_table[] = {
	{ DLT_EN10MB, ether },
	{ DLT_LINUX_SLL, sll },
	{ DLT_LINUX_SLL2, sll2 },
	{ DLT_NULL, null_link },
	{ DLT_LOOP, loop_link },
	{ DLT_RAW, raw },
	{ 12, raw },
	{ 14, raw },
	{ 101, raw },
	{ DLT_IPV4, ipv4_link },
	{ DLT_IPV6, ipv6_link },
};

enum rs_status rs_decode_link(struct rs_packet *pkt, int dlt, struct rs_reader r, size_t wire)
{
	for (size_t i = 0; i < sizeof(link_table) / sizeof(link_table[0]); i++)
		if (link_table[i].dlt == dlt)
			return link_table[i].fn(pkt, r, wire);
	return rs_fail(pkt, RS_LAYER_LINK, RS_UNSUPPORTED, "link type %d", dlt);
}

enum rs_status rs_decode_ethertype(struct rs_packet *pkt, uint16_t type, struct rs_reader r,
				   size_t wire)
{
	switch (type) {
	case ETHERTYPE_IPV4:
		return rs_decode_ipv4(pkt, r, wire);
	case ETHERTYPE_IPV6:
		return rs_decode_ipv6(pkt, r, wire);
	default:
		return RS_OK;  /* ARP, LLDP, ...: not IP, not an error */
	}
}
