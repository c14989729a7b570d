/* decode_arp.c: ARP and RARP (RFC 826, RFC 903), named as RFC 5227 names
 * what a host sends to claim an address (probe, gratuitous announcement). */
#include <string.h>

#include "decode_int.h"

#define ARP_HTYPE_ETHER 1
#define ARP_FIXED 8      /* htype, ptype, hlen, plen, op */
#define RARP_OP_REQUEST 3
#define RARP_OP_REPLY 4

static const char *const kind_names[] = {
	[RS_ARP_OTHER] = "other",
	[RS_ARP_REQUEST] = "request",
	[RS_ARP_REPLY] = "reply",
	[RS_ARP_GRATUITOUS_REQUEST] = "gratuitous-request",
	[RS_ARP_GRATUITOUS_REPLY] = "gratuitous-reply",
	[RS_ARP_PROBE] = "probe",
	[RS_ARP_RARP_REQUEST] = "rarp-request",
	[RS_ARP_RARP_REPLY] = "rarp-reply",
};

const char *rs_arp_kind_str(enum rs_arp_kind k)
{
	if ((size_t)k < sizeof(kind_names) / sizeof(kind_names[0]) && kind_names[k])
		return kind_names[k];
	return "other";
}

static enum rs_arp_kind arp_kind(const struct rs_arp *a)
{
	static const uint8_t zero[4];

	switch (a->op) {
	case RS_ARP_OP_REQUEST:
		if (memcmp(a->spa, zero, 4) == 0)
			return RS_ARP_PROBE;
		return memcmp(a->spa, a->tpa, 4) == 0 ? RS_ARP_GRATUITOUS_REQUEST : RS_ARP_REQUEST;
	case RS_ARP_OP_REPLY:
		return memcmp(a->spa, a->tpa, 4) == 0 ? RS_ARP_GRATUITOUS_REPLY : RS_ARP_REPLY;
	case RARP_OP_REQUEST:
		return RS_ARP_RARP_REQUEST;
	case RARP_OP_REPLY:
		return RS_ARP_RARP_REPLY;
	default:
		return RS_ARP_OTHER;
	}
}

enum rs_status rs_decode_arp(struct rs_packet *pkt, struct rs_reader r, size_t wire)
{
	struct rs_arp *a = &pkt->arp;

	if (!rs_reader_has(&r, 0, ARP_FIXED))
		return rs_fail_short(pkt, RS_LAYER_ARP, ARP_FIXED, r.len);
	a->htype = rs_get_be16(&r, 0);
	a->ptype = rs_get_be16(&r, 2);
	a->hlen = rs_get_u8(&r, 4);
	a->plen = rs_get_u8(&r, 5);
	a->op = rs_get_be16(&r, 6);
	a->len = ARP_FIXED + 2u * a->hlen + 2u * a->plen;
	a->wire = wire > UINT32_MAX ? UINT32_MAX : (uint32_t)wire;
	pkt->has_arp = true;
	if (!rs_reader_has(&r, 0, a->len))
		return rs_fail_short(pkt, RS_LAYER_ARP, a->len, r.len);
	if (a->htype == ARP_HTYPE_ETHER && a->ptype == ETHERTYPE_IPV4) {
		/* Ethernet and IPv4 fix both lengths: another pair lies. */
		if (a->hlen != 6 || a->plen != 4)
			return rs_fail(pkt, RS_LAYER_ARP, RS_INVALID,
				       "address lengths %u/%u for Ethernet/IPv4, not 6/4",
				       (unsigned)a->hlen, (unsigned)a->plen);
		rs_get_bytes(&r, 8, a->sha, 6);
		rs_get_bytes(&r, 14, a->spa, 4);
		rs_get_bytes(&r, 18, a->tha, 6);
		rs_get_bytes(&r, 24, a->tpa, 4);
		a->ether_ipv4 = true;
		a->kind = (uint8_t)arp_kind(a);
	} else if (a->op == RARP_OP_REQUEST || a->op == RARP_OP_REPLY) {
		a->kind = (uint8_t)arp_kind(a);
	}
	return RS_OK;
}
