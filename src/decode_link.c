/*
 * decode_link.c: the link-type table (every DLT rs_decode() knows: name and
 * decoder, one place), Ethernet II and 802.1Q/802.1ad tags (IEEE 802.3,
 * 802.1Q), Linux cooked v1/v2, BSD NULL/LOOP, raw IP, and the ethertype
 * dispatch.  Other link types are in decode_links.c and decode_wlan.c.
 */
#include <pcap/pcap.h>
#include <string.h>

#include "decode_int.h"

/* BSD address families that mean IPv6 (NetBSD/OpenBSD, FreeBSD, Darwin). */
static const uint32_t bsd_af_inet6[] = { 24, 28, 30 };
#define BSD_AF_INET 2

static bool is_vlan_tpid(uint16_t type)
{
	return type == ETHERTYPE_8021Q || type == ETHERTYPE_8021AD || type == ETHERTYPE_QINQ_OLD;
}

/*
 * Walks 802.1Q / 802.1ad tags that start at `off`, then hands the rest to
 * the network layer.  The link's tags: all are walked, the first
 * RS_MAX_VLAN kept in pkt->link.  A tunnel's tags: each is an outer layer.
 */
enum rs_status rs_decode_vlan_and_up(struct rs_packet *pkt, uint16_t type, struct rs_reader r,
				     size_t off, size_t wire, bool inner)
{
	while (is_vlan_tpid(type)) {
		uint16_t tci, next;

		if (!rs_reader_has(&r, off, 4))
			return rs_fail_short(pkt, RS_LAYER_VLAN, 4, r.len - off);
		tci = rs_get_be16(&r, off);
		next = rs_get_be16(&r, off + 2);
		if (inner) {
			struct rs_outer *o = rs_outer_push(pkt, RS_OUTER_VLAN);
			if (!o)
				return RS_UNSUPPORTED;
			o->u.vlan.tpid = type;
			o->u.vlan.tci = tci;
		} else if (pkt->link.nvlan < RS_MAX_VLAN) {
			pkt->link.vlan_tpid[pkt->link.nvlan] = type;
			pkt->link.vlan_tci[pkt->link.nvlan] = tci;
			pkt->link.nvlan++;
		}
		type = next;
		off += 4;
	}
	if (!inner)
		pkt->link.ethertype = type < ETHERTYPE_MIN ? 0 : type;
	if (type < ETHERTYPE_MIN) {
		/* An 802.3 length: LLC follows, and the length says how long
		 * the frame is (the rest is padding). */
		struct rs_reader llc = rs_reader_sub(&r, off, type);
		size_t w = wire - off < type ? wire - off : type;
		return rs_decode_llc(pkt, llc, w);
	}
	return rs_decode_ethertype(pkt, type, rs_reader_sub(&r, off, r.len), wire - off);
}

/* Linux's PACKET_OUTGOING (4) is the only pkttype of a packet this host sent. */
static void dir_from_pkttype(struct rs_packet *pkt)
{
	if (pkt->meta.dir == RS_PKT_DIR_UNKNOWN && pkt->link.pkttype <= 4)
		pkt->meta.dir = pkt->link.pkttype == 4 ? RS_PKT_DIR_OUT : RS_PKT_DIR_IN;
}

enum rs_status rs_decode_ether(struct rs_packet *pkt, struct rs_reader r, size_t wire, bool inner)
{
	uint16_t type;

	if (!rs_reader_has(&r, 0, 14))
		return rs_fail_short(pkt, RS_LAYER_LINK, 14, r.len);
	type = rs_get_be16(&r, 12);
	if (inner) {
		struct rs_outer *o;

		/* Cisco FabricPath: a 16-byte header in Ethernet's place. */
		if (type == ETHERTYPE_FABRICPATH)
			return rs_decode_fabricpath(pkt, r, wire);
		o = rs_outer_push(pkt, RS_OUTER_ETH);
		if (!o)
			return RS_UNSUPPORTED;
		rs_get_bytes(&r, 0, o->u.eth.dst, 6);
		rs_get_bytes(&r, 6, o->u.eth.src, 6);
		o->u.eth.ethertype = type < ETHERTYPE_MIN ? 0 : type;
		return rs_decode_vlan_and_up(pkt, type, r, 14, wire, true);
	}
	rs_get_bytes(&r, 0, pkt->link.dst, 6);
	rs_get_bytes(&r, 6, pkt->link.src, 6);
	pkt->link.has_mac = true;
	/* A live capture knows its interface's address: what comes from it
	 * is going out. */
	if (pkt->meta.dir == RS_PKT_DIR_UNKNOWN && pkt->meta.local_mac)
		pkt->meta.dir = memcmp(pkt->link.src, pkt->meta.local_mac, 6) == 0 ? RS_PKT_DIR_OUT
										  : RS_PKT_DIR_IN;
	if (type == ETHERTYPE_FABRICPATH) {
		pkt->link.ethertype = type;
		return rs_decode_fabricpath(pkt, r, wire);
	}
	return rs_decode_vlan_and_up(pkt, type, r, 14, wire, false);
}

static enum rs_status ether(struct rs_packet *pkt, struct rs_reader r, size_t wire)
{
	return rs_decode_ether(pkt, r, wire, false);
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
	return rs_decode_vlan_and_up(pkt, rs_get_be16(&r, 14), r, 16, wire, false);
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
	return rs_decode_vlan_and_up(pkt, rs_get_be16(&r, 0), r, 20, wire, false);
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

enum rs_status rs_decode_ip_by_version(struct rs_packet *pkt, struct rs_reader r, size_t wire,
				       enum rs_layer layer)
{
	uint8_t v;

	/* Nothing of it captured: the IP header is what was cut. */
	if (!rs_reader_has(&r, 0, 1))
		return rs_fail_short(pkt, RS_LAYER_IPV4, 1, r.len);
	v = rs_get_u8(&r, 0) >> 4;
	if (v == 4)
		return rs_decode_ipv4(pkt, r, wire);
	if (v == 6)
		return rs_decode_ipv6(pkt, r, wire);
	return rs_fail(pkt, layer, RS_INVALID, "IP version %u", v);
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

/* LLC-encapsulated ATM (RFC 1483) and Linux CLIP: LLC/SNAP from the first byte. */
static enum rs_status llc_link(struct rs_packet *pkt, struct rs_reader r, size_t wire)
{
	return rs_decode_llc(pkt, r, wire);
}

/*
 * The link types we decode: the one table of names and decoders.
 * LINKTYPE_RAW (101) is DLT_RAW, which is 12 on most systems and 14 on
 * OpenBSD; a file may carry any of the three, so all are listed.  The
 * names are libpcap's (pcap_datalink_val_to_name).
 */
static const struct dlt_row {
	int dlt;
	const char *name;
	enum rs_status (*fn)(struct rs_packet *, struct rs_reader, size_t);
} dlt_table[] = {
	{ DLT_NULL, "NULL", null_link },
	{ DLT_EN10MB, "EN10MB", ether },
	{ DLT_RAW, "RAW", raw },
	{ 12, "RAW", raw },
	{ 14, "RAW", raw },
	{ 101, "RAW", raw },
	{ DLT_LOOP, "LOOP", loop_link },
	{ DLT_LINUX_SLL, "LINUX_SLL", sll },
	{ DLT_LINUX_SLL2, "LINUX_SLL2", sll2 },
	{ DLT_IPV4, "IPV4", ipv4_link },
	{ DLT_IPV6, "IPV6", ipv6_link },
	{ DLT_PPP, "PPP", rs_decode_link_ppp },
	{ DLT_PPP_SERIAL, "PPP_SERIAL", rs_decode_link_ppp },
	{ DLT_PPP_ETHER, "PPP_ETHER", rs_decode_link_ppp_ether },
	{ DLT_C_HDLC, "C_HDLC", rs_decode_link_chdlc },
	{ DLT_FDDI, "FDDI", rs_decode_link_fddi },
	{ DLT_ATM_RFC1483, "ATM_RFC1483", llc_link },
	{ DLT_ATM_CLIP, "ATM_CLIP", llc_link },
	{ DLT_NFLOG, "NFLOG", rs_decode_link_nflog },
	{ DLT_IEEE802_11, "IEEE802_11", rs_decode_link_wlan },
	{ DLT_IEEE802_11_RADIO, "IEEE802_11_RADIO", rs_decode_link_radiotap },
	{ DLT_PPI, "PPI", rs_decode_link_ppi },
	{ DLT_IPOIB, "IPOIB", rs_decode_link_ipoib },
	{ DLT_FRELAY, "FRELAY", rs_decode_link_frelay },
	{ DLT_SLIP, "SLIP", rs_decode_link_slip },
	{ DLT_ARCNET, "ARCNET", rs_decode_link_arcnet },
	{ DLT_ARCNET_LINUX, "ARCNET_LINUX", rs_decode_link_arcnet_linux },
	{ DLT_JUNIPER_ETHER, "JUNIPER_ETHER", rs_decode_link_juniper },
	{ DLT_JUNIPER_PPP, "JUNIPER_PPP", rs_decode_link_juniper },
	{ DLT_JUNIPER_CHDLC, "JUNIPER_CHDLC", rs_decode_link_juniper },
	{ DLT_JUNIPER_FRELAY, "JUNIPER_FRELAY", rs_decode_link_juniper },
	{ DLT_JUNIPER_PPPOE, "JUNIPER_PPPOE", rs_decode_link_juniper },
	{ DLT_JUNIPER_ATM1, "JUNIPER_ATM1", rs_decode_link_juniper },
	{ DLT_JUNIPER_ATM2, "JUNIPER_ATM2", rs_decode_link_juniper },
	{ DLT_JUNIPER_MLPPP, "JUNIPER_MLPPP", rs_decode_link_juniper },
	{ DLT_JUNIPER_MLFR, "JUNIPER_MLFR", rs_decode_link_juniper },
	{ DLT_JUNIPER_ES, "JUNIPER_ES", rs_decode_link_juniper },
	{ DLT_JUNIPER_GGSN, "JUNIPER_GGSN", rs_decode_link_juniper },
	{ DLT_JUNIPER_MFR, "JUNIPER_MFR", rs_decode_link_juniper },
	{ DLT_JUNIPER_SERVICES, "JUNIPER_SERVICES", rs_decode_link_juniper },
	{ DLT_JUNIPER_MONITOR, "JUNIPER_MONITOR", rs_decode_link_juniper },
	{ DLT_JUNIPER_PPPOE_ATM, "JUNIPER_PPPOE_ATM", rs_decode_link_juniper },
	{ DLT_JUNIPER_PIC_PEER, "JUNIPER_PIC_PEER", rs_decode_link_juniper },
	{ DLT_JUNIPER_VP, "JUNIPER_VP", rs_decode_link_juniper },
	{ DLT_JUNIPER_ISM, "JUNIPER_ISM", rs_decode_link_juniper },
	{ DLT_JUNIPER_ST, "JUNIPER_ST", rs_decode_link_juniper },
	{ DLT_JUNIPER_VS, "JUNIPER_VS", rs_decode_link_juniper },
	{ DLT_JUNIPER_SRX_E2E, "JUNIPER_SRX_E2E", rs_decode_link_juniper },
	{ DLT_JUNIPER_FIBRECHANNEL, "JUNIPER_FIBRECHANNEL", rs_decode_link_juniper },
	{ DLT_JUNIPER_ATM_CEMIC, "JUNIPER_ATM_CEMIC", rs_decode_link_juniper },
};
#define N_DLT (sizeof(dlt_table) / sizeof(dlt_table[0]))

static const struct dlt_row *dlt_find(int dlt)
{
	for (size_t i = 0; i < N_DLT; i++)
		if (dlt_table[i].dlt == dlt)
			return &dlt_table[i];
	return NULL;
}

bool rs_dlt_supported(int dlt)
{
	return dlt_find(dlt) != NULL;
}

const char *rs_dlt_name(int dlt)
{
	const struct dlt_row *d = dlt_find(dlt);
	return d ? d->name : "unknown";
}

size_t rs_dlt_count(void)
{
	return N_DLT;
}

int rs_dlt_at(size_t i)
{
	return i < N_DLT ? dlt_table[i].dlt : -1;
}

enum rs_status rs_decode_link(struct rs_packet *pkt, int dlt, struct rs_reader r, size_t wire)
{
	/* The common case first: one compare, no table walk. */
	if (dlt == DLT_EN10MB)
		return ether(pkt, r, wire);
	const struct dlt_row *d = dlt_find(dlt);
	if (d)
		return d->fn(pkt, r, wire);
	return rs_fail(pkt, RS_LAYER_LINK, RS_UNSUPPORTED, "link type %d", dlt);
}

enum rs_status rs_decode_ethertype(struct rs_packet *pkt, uint16_t type, struct rs_reader r,
				   size_t wire)
{
	rs_mark_network(pkt, &r);
	switch (type) {
	case ETHERTYPE_IPV4:
		return rs_decode_ipv4(pkt, r, wire);
	case ETHERTYPE_IPV6:
		return rs_decode_ipv6(pkt, r, wire);
	case ETHERTYPE_MPLS:
	case ETHERTYPE_MPLS_MC:
		return rs_decode_mpls(pkt, r, wire);
	case ETHERTYPE_PPPOE_SESS:
	case ETHERTYPE_PPPOE_DISC:
		return rs_decode_pppoe(pkt, type, r, wire);
	case ETHERTYPE_PBB:
		return rs_decode_pbb(pkt, r, wire);
	case ETHERTYPE_VNTAG:
		return rs_decode_vntag(pkt, r, wire);
	case ETHERTYPE_TEB:
		return rs_decode_ether(pkt, r, wire, true);
	case ETHERTYPE_ARP:
	case ETHERTYPE_RARP:
		return rs_decode_arp(pkt, r, wire);
	default:
		return RS_OK;  /* LLDP, ...: not IP, not an error */
	}
}
