/* decode_outer.c: the list of outer layers of a tunnelled packet (see packet.h). */
#include <string.h>

#include "decode_int.h"

static const char *const kind_names[] = {
	[RS_OUTER_IP] = "ip",
	[RS_OUTER_UDP] = "udp",
	[RS_OUTER_ETH] = "eth",
	[RS_OUTER_VLAN] = "vlan",
	[RS_OUTER_GRE] = "gre",
	[RS_OUTER_ERSPAN] = "erspan",
	[RS_OUTER_VXLAN] = "vxlan",
	[RS_OUTER_GENEVE] = "geneve",
	[RS_OUTER_GTP] = "gtp",
	[RS_OUTER_TEREDO] = "teredo",
	[RS_OUTER_AYIYA] = "ayiya",
	[RS_OUTER_MPLS] = "mpls",
	[RS_OUTER_PPPOE] = "pppoe",
	[RS_OUTER_PPP] = "ppp",
	[RS_OUTER_PBB] = "pbb",
	[RS_OUTER_LLC] = "llc",
	[RS_OUTER_VNTAG] = "vntag",
	[RS_OUTER_FABRICPATH] = "fabricpath",
};

const char *rs_outer_kind_str(enum rs_outer_kind k)
{
	if ((size_t)k < sizeof(kind_names) / sizeof(kind_names[0]) && kind_names[k])
		return kind_names[k];
	return "unknown";
}

static enum rs_status too_deep(struct rs_packet *pkt)
{
	return rs_fail(pkt, RS_LAYER_NONE, RS_UNSUPPORTED, "nesting deeper than %d layers",
		       RS_MAX_OUTER);
}

struct rs_outer *rs_outer_push(struct rs_packet *pkt, enum rs_outer_kind kind)
{
	struct rs_outer *o;

	if (pkt->n_outer >= RS_MAX_OUTER) {
		too_deep(pkt);
		return NULL;
	}
	o = &pkt->outer[pkt->n_outer++];
	memset(o, 0, sizeof(*o));
	o->kind = (uint8_t)kind;
	/* Before any IP header, every layer is outside the (future) pkt->ip. */
	if (!pkt->has_ip)
		pkt->n_before_ip = pkt->n_outer;
	return o;
}

/* Makes room for n entries at pkt->n_before_ip, where the IP header that
 * carried the tunnel belongs. */
static struct rs_outer *insert_at_ip(struct rs_packet *pkt, unsigned n)
{
	unsigned at = pkt->n_before_ip;

	if (pkt->n_outer + n > RS_MAX_OUTER)
		return NULL;
	memmove(&pkt->outer[at + n], &pkt->outer[at],
		(pkt->n_outer - at) * sizeof(pkt->outer[0]));
	memset(&pkt->outer[at], 0, n * sizeof(pkt->outer[0]));
	pkt->n_outer = (uint8_t)(pkt->n_outer + n);
	return &pkt->outer[at];
}

enum rs_status rs_inner_ip_begin(struct rs_packet *pkt)
{
	const struct rs_ip *ip = &pkt->ip;
	bool udp = pkt->l4 == RS_LAYER_UDP;
	struct rs_outer *o;

	if (!pkt->has_ip)
		return RS_OK;  /* the first IP header of the packet */
	o = insert_at_ip(pkt, udp ? 2 : 1);
	if (!o)
		return too_deep(pkt);
	o->kind = RS_OUTER_IP;
	o->u.ip.v = ip->v;
	o->u.ip.proto = ip->proto;
	o->u.ip.ttl = ip->ttl;
	memcpy(o->u.ip.src, ip->src, 16);
	memcpy(o->u.ip.dst, ip->dst, 16);
	if (udp) {
		o[1].kind = RS_OUTER_UDP;
		o[1].u.udp.sport = pkt->udp.sport;
		o[1].u.udp.dport = pkt->udp.dport;
	}
	pkt->n_before_ip = pkt->n_outer;
	/* The inner headers replace the outer ones in pkt->ip and the transport. */
	memset(&pkt->ip, 0, sizeof(pkt->ip));
	memset(&pkt->udp, 0, sizeof(pkt->udp));
	pkt->l4 = RS_LAYER_NONE;
	pkt->payload = NULL;
	pkt->payload_caplen = 0;
	pkt->has_ip = false;
	return RS_OK;
}
