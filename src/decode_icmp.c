/* decode_icmp.c: ICMP (RFC 792) and ICMPv6 (RFC 4443) messages, with the packet an error quotes,
 * and neighbour discovery's solicitation and advertisement (RFC 4861). */
#include "decode_int.h"

#define IPPROTO_ICMPV6_NUM 58

/* What a message carries after the first four bytes. */
enum body {
	B_NONE,
	B_ECHO,      /* id, seq */
	B_QUOTE,     /* unused word, quoted packet */
	B_MTU16,     /* ICMP frag-needed: next-hop MTU in bytes 6-7, quote */
	B_MTU32,     /* ICMPv6 packet too big: MTU in bytes 4-7, quote */
	B_PTR8,      /* ICMP parameter problem: pointer in byte 4, quote */
	B_PTR32,     /* ICMPv6 parameter problem: pointer in bytes 4-7, quote */
	B_GATEWAY,   /* ICMP redirect: gateway, quote */
	B_TSTAMP,    /* id, seq, three timestamps */
	B_ND,        /* neighbour solicitation/advertisement: flags, target, options */
};

struct kind {
	uint8_t type;
	enum body body;
};

static const struct kind icmp4_kinds[] = {
	{ 0, B_ECHO },    /* echo reply */
	{ 3, B_MTU16 },   /* destination unreachable */
	{ 4, B_QUOTE },   /* source quench */
	{ 5, B_GATEWAY }, /* redirect */
	{ 8, B_ECHO },    /* echo request */
	{ 11, B_QUOTE },  /* time exceeded */
	{ 12, B_PTR8 },   /* parameter problem */
	{ 13, B_TSTAMP }, /* timestamp */
	{ 14, B_TSTAMP }, /* timestamp reply */
	{ 15, B_ECHO },   /* information request */
	{ 16, B_ECHO },   /* information reply */
};

static const struct kind icmp6_kinds[] = {
	{ 1, B_QUOTE },   /* destination unreachable */
	{ 2, B_MTU32 },   /* packet too big */
	{ 3, B_QUOTE },   /* time exceeded */
	{ 4, B_PTR32 },   /* parameter problem */
	{ 128, B_ECHO },  /* echo request */
	{ 129, B_ECHO },  /* echo reply */
	{ 135, B_ND },    /* neighbour solicitation */
	{ 136, B_ND },    /* neighbour advertisement */
};

static enum body body_of(const struct kind *k, size_t n, uint8_t type)
{
	for (size_t i = 0; i < n; i++)
		if (k[i].type == type)
			return k[i].body;
	return B_NONE;
}

/* Transport ports of a quoted packet, when its first four bytes are there. */
static void quote_ports(struct rs_icmp *ic, struct rs_reader *q, size_t off)
{
	if ((ic->quote.proto == 6 || ic->quote.proto == 17) && rs_reader_has(q, off, 4)) {
		ic->quote.sport = rs_get_be16(q, off);
		ic->quote.dport = rs_get_be16(q, off + 2);
		ic->quote.has_ports = true;
	}
}

static void quote_v4(struct rs_icmp *ic, struct rs_reader *q)
{
	uint8_t vihl = rs_get_u8(q, 0);
	size_t hlen = (size_t)(vihl & 0x0f) * 4;

	if (!rs_reader_has(q, 0, 20) || hlen < 20)
		return;
	ic->has_quote = true;
	ic->quote.v = 4;
	ic->quote.proto = rs_get_u8(q, 9);
	rs_get_bytes(q, 12, ic->quote.src, 4);
	rs_get_bytes(q, 16, ic->quote.dst, 4);
	/* A later fragment quotes no transport header. */
	if ((rs_get_be16(q, 6) & 0x1fff) == 0)
		quote_ports(ic, q, hlen);
}

/* Hop-by-hop, routing and destination options are stepped over to reach the transport. */
static const uint8_t quote6_skip[] = { 0, 43, 60 };

static void quote_v6(struct rs_icmp *ic, struct rs_reader *q)
{
	size_t off = 40;
	uint8_t nh;
	bool skip = true;

	if (!rs_reader_has(q, 0, 40))
		return;
	ic->has_quote = true;
	ic->quote.v = 6;
	rs_get_bytes(q, 8, ic->quote.src, 16);
	rs_get_bytes(q, 24, ic->quote.dst, 16);
	nh = rs_get_u8(q, 6);
	while (skip) {
		skip = false;
		for (size_t i = 0; i < sizeof(quote6_skip); i++)
			skip = skip || nh == quote6_skip[i];
		if (skip) {
			if (!rs_reader_has(q, off, 2)) {
				ic->quote.proto = nh;
				return;
			}
			nh = rs_get_u8(q, off);
			off += ((size_t)rs_get_u8(q, off + 1) + 1) * 8;
		}
	}
	ic->quote.proto = nh;
	quote_ports(ic, q, off);
}

static void quote(struct rs_icmp *ic, struct rs_reader *r)
{
	struct rs_reader q = rs_reader_sub(r, 8, r->len);
	uint8_t v;

	if (!rs_reader_has(&q, 0, 1))
		return;
	v = rs_get_u8(&q, 0) >> 4;
	if (v == 4)
		quote_v4(ic, &q);
	else if (v == 6)
		quote_v6(ic, &q);
}

static enum rs_status icmp_common(struct rs_packet *pkt, struct rs_reader r, enum rs_layer layer,
				  enum body body)
{
	struct rs_icmp *ic = &pkt->icmp;

	switch (body) {
	case B_ECHO:
		ic->has_echo = true;
		ic->id = rs_get_be16(&r, 4);
		ic->seq = rs_get_be16(&r, 6);
		break;
	case B_TSTAMP:
		if (!rs_reader_has(&r, 0, 20))
			return rs_fail_short(pkt, layer, 20, r.len);
		ic->has_echo = true;
		ic->id = rs_get_be16(&r, 4);
		ic->seq = rs_get_be16(&r, 6);
		ic->has_ts = true;
		ic->ts_orig = rs_get_be32(&r, 8);
		ic->ts_recv = rs_get_be32(&r, 12);
		ic->ts_xmit = rs_get_be32(&r, 16);
		break;
	case B_MTU16:
		if (ic->code == 4)  /* fragmentation needed (RFC 1191) */
			ic->mtu = rs_get_be16(&r, 6);
		quote(ic, &r);
		break;
	case B_MTU32:
		ic->mtu = rs_get_be32(&r, 4);
		quote(ic, &r);
		break;
	case B_PTR8:
		ic->pointer = rs_get_u8(&r, 4);
		quote(ic, &r);
		break;
	case B_PTR32:
		ic->pointer = rs_get_be32(&r, 4);
		quote(ic, &r);
		break;
	case B_GATEWAY:
		ic->gateway = rs_get_be32(&r, 4);
		quote(ic, &r);
		break;
	case B_QUOTE:
		quote(ic, &r);
		break;
	case B_ND:     /* needs the message length: rs_decode_icmp6 */
	case B_NONE:
		break;
	}
	return RS_OK;
}

#define ND_HDR 24          /* type, code, csum, flags/reserved, target */
#define ND_OPT_SLL 1
#define ND_OPT_TLL 2

/* RFC 4861 4.3/4.4 and 4.6: the target, NA's flags, the link-layer
 * address options.  `wire` is the message's length from the IPv6 header:
 * an option cut by the capture ends the walk, one that runs past the
 * message (or says length 0, which 4.6 forbids) lies. */
static enum rs_status nd(struct rs_packet *pkt, struct rs_reader r, uint32_t wire)
{
	struct rs_icmp *ic = &pkt->icmp;
	size_t off = ND_HDR;

	if (!rs_reader_has(&r, 0, ND_HDR))
		return rs_fail_short(pkt, RS_LAYER_ICMPV6, ND_HDR, r.len);
	ic->has_nd = true;
	if (ic->type == 136)
		ic->nd_flags = rs_get_u8(&r, 4) & 0xe0;
	rs_get_bytes(&r, 8, ic->nd_target, 16);
	while (off + 2 <= wire) {
		uint8_t type = rs_get_u8(&r, off);
		size_t len = (size_t)rs_get_u8(&r, off + 1) * 8;

		if (r.short_read)
			break;
		if (len == 0)
			return rs_fail(pkt, RS_LAYER_ICMPV6, RS_INVALID,
				       "nd option %u at %zu: length 0", (unsigned)type, off);
		if (off + len > wire)
			return rs_fail(pkt, RS_LAYER_ICMPV6, RS_INVALID,
				       "nd option %u at %zu: length %zu past the %u-byte message",
				       (unsigned)type, off, len, (unsigned)wire);
		if (len == 8 && rs_reader_has(&r, off, 8)) {
			if (type == ND_OPT_SLL) {
				rs_get_bytes(&r, off + 2, ic->nd_sll, 6);
				ic->has_nd_sll = true;
			} else if (type == ND_OPT_TLL) {
				rs_get_bytes(&r, off + 2, ic->nd_tll, 6);
				ic->has_nd_tll = true;
			}
		}
		off += len;
	}
	return RS_OK;
}

/* Type, code and checksum, and the rest of the 8-byte header every message has. */
static bool icmp_head(struct rs_packet *pkt, struct rs_reader *r, uint8_t v)
{
	if (!rs_reader_has(r, 0, 8))
		return false;
	pkt->icmp.v = v;
	pkt->icmp.type = rs_get_u8(r, 0);
	pkt->icmp.code = rs_get_u8(r, 1);
	pkt->icmp.csum = rs_get_be16(r, 2);
	return true;
}

enum rs_status rs_decode_icmp(struct rs_packet *pkt, struct rs_reader r,
			      const struct rs_l3info *l3)
{
	if (!icmp_head(pkt, &r, 4))
		return rs_fail_short(pkt, RS_LAYER_ICMP, 8, r.len);
	pkt->l4 = RS_LAYER_ICMP;
	/* No pseudo-header, and Linux always computes it in software. */
	if (r.len == l3->len && !l3->fragmented)
		pkt->icmp.csum_status = rs_csum_fold(rs_csum_add(0, &r)) == 0 ? RS_CSUM_OK : RS_CSUM_BAD;
	return icmp_common(pkt, r, RS_LAYER_ICMP,
			   body_of(icmp4_kinds, sizeof(icmp4_kinds) / sizeof(icmp4_kinds[0]),
				   pkt->icmp.type));
}

enum rs_status rs_decode_icmp6(struct rs_packet *pkt, struct rs_reader r,
			       const struct rs_l3info *l3)
{
	if (!icmp_head(pkt, &r, 6))
		return rs_fail_short(pkt, RS_LAYER_ICMPV6, 8, r.len);
	pkt->l4 = RS_LAYER_ICMPV6;
	if (r.len == l3->len && !l3->fragmented && pkt->ip.v == 6)
		pkt->icmp.csum_status = rs_l4_csum_status(pkt, l3, IPPROTO_ICMPV6_NUM, &r,
							  pkt->icmp.csum);
	enum body body = body_of(icmp6_kinds, sizeof(icmp6_kinds) / sizeof(icmp6_kinds[0]),
				 pkt->icmp.type);
	if (body == B_ND)
		return nd(pkt, r, l3->fragmented ? UINT32_MAX : l3->len);
	return icmp_common(pkt, r, RS_LAYER_ICMPV6, body);
}
