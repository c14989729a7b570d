/* craft.c: IPv4/IPv6 TCP, UDP and ICMP packets built top-down with libnet (RFC 791, 8200, 9293, 768, 792, 4443). */
#include "config.h"
#include "rawshake/craft.h"
#include "rawshake/packet.h"

#include <libnet.h>
#include <stdio.h>
#include <string.h>

const char *rs_craft_proto_str(enum rs_craft_proto p)
{
	switch (p) {
	case RS_CRAFT_TCP: return "tcp";
	case RS_CRAFT_UDP: return "udp";
	case RS_CRAFT_ICMP: return "icmp";
	case RS_CRAFT_ARP: return "arp";
	}
	return "unknown";
}

static const struct {
	enum rs_icmp_kind k;
	const char *name;
	uint8_t type4, type6;   /* 0xff: none */
} icmp_kinds[] = {
	{ RS_ICMPK_ECHO, "echo", 8, 128 },
	{ RS_ICMPK_ECHO_REPLY, "echo-reply", 0, 129 },
	{ RS_ICMPK_UNREACH, "unreach", 3, 1 },
	{ RS_ICMPK_TIME_EXCEEDED, "time-exceeded", 11, 3 },
	{ RS_ICMPK_TIMESTAMP, "timestamp", 13, 0xff },
};
#define N_KINDS (sizeof(icmp_kinds) / sizeof(icmp_kinds[0]))

const char *rs_icmp_kind_str(enum rs_icmp_kind k)
{
	for (size_t i = 0; i < N_KINDS; i++)
		if (icmp_kinds[i].k == k)
			return icmp_kinds[i].name;
	return "unknown";
}

bool rs_icmp_kind_parse(const char *s, enum rs_icmp_kind *k)
{
	for (size_t i = 0; i < N_KINDS; i++) {
		if (strcmp(icmp_kinds[i].name, s) == 0) {
			*k = icmp_kinds[i].k;
			return true;
		}
	}
	return false;
}

static uint8_t icmp_type(enum rs_icmp_kind k, uint8_t v)
{
	for (size_t i = 0; i < N_KINDS; i++)
		if (icmp_kinds[i].k == k)
			return v == 4 ? icmp_kinds[i].type4 : icmp_kinds[i].type6;
	return 0xff;
}

/* TCP options. */

static void opt_put(struct rs_tcpopts *o, const uint8_t *b, size_t n)
{
	if (o->len + n > RS_CRAFT_OPT_MAX) {
		o->overflow = true;
		return;
	}
	memcpy(o->b + o->len, b, n);
	o->len = (uint8_t)(o->len + n);
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

void rs_tcpopts_mss(struct rs_tcpopts *o, uint16_t mss)
{
	uint8_t b[4] = { RS_TCPOPT_MSS, 4, (uint8_t)(mss >> 8), (uint8_t)mss };
	opt_put(o, b, sizeof(b));
}

void rs_tcpopts_wscale(struct rs_tcpopts *o, uint8_t shift)
{
	uint8_t b[3] = { RS_TCPOPT_WSCALE, 3, shift };
	opt_put(o, b, sizeof(b));
}

void rs_tcpopts_sack_perm(struct rs_tcpopts *o)
{
	uint8_t b[2] = { RS_TCPOPT_SACK_PERM, 2 };
	opt_put(o, b, sizeof(b));
}

void rs_tcpopts_sack(struct rs_tcpopts *o, const uint32_t (*blocks)[2], unsigned n)
{
	uint8_t b[2 + 8 * 5];
	if (n > 4) {
		o->overflow = true;
		return;
	}
	b[0] = RS_TCPOPT_SACK;
	b[1] = (uint8_t)(2 + 8 * n);
	for (unsigned i = 0; i < n; i++) {
		put_be32(b + 2 + 8 * i, blocks[i][0]);
		put_be32(b + 6 + 8 * i, blocks[i][1]);
	}
	opt_put(o, b, b[1]);
}

void rs_tcpopts_ts(struct rs_tcpopts *o, uint32_t val, uint32_t ecr)
{
	uint8_t b[10] = { RS_TCPOPT_TIMESTAMP, 10 };
	put_be32(b + 2, val);
	put_be32(b + 6, ecr);
	opt_put(o, b, sizeof(b));
}

void rs_tcpopts_nop(struct rs_tcpopts *o)
{
	uint8_t b = RS_TCPOPT_NOP;
	opt_put(o, &b, 1);
}

void rs_tcpopts_raw(struct rs_tcpopts *o, const uint8_t *b, size_t n)
{
	opt_put(o, b, n);
}

size_t rs_tcpopts_padded_len(const struct rs_tcpopts *o)
{
	return ((size_t)o->len + 3) & ~(size_t)3;
}

void rs_craft_spec_init(struct rs_craft_spec *s)
{
	memset(s, 0, sizeof(*s));
	s->v = 4;
	s->ttl = 64;
	s->win = 64240;
	s->icmp = RS_ICMPK_ECHO;
	s->quote_proto = 17;
}

/* The crafter. */

bool rs_crafter_init(struct rs_crafter *c)
{
	char errbuf[LIBNET_ERRBUF_SIZE];

	memset(c, 0, sizeof(*c));
	c->tag_opts = c->tag_l4 = c->tag_ip = c->tag_eth = LIBNET_PTAG_INITIALIZER;
	/* LIBNET_NONE: build only; no device, no socket, no privilege. */
	c->l = libnet_init(LIBNET_NONE, NULL, errbuf);
	if (!c->l) {
		snprintf(c->err, sizeof(c->err), "libnet_init: %s", errbuf);
		return false;
	}
	return true;
}

void rs_crafter_free(struct rs_crafter *c)
{
	if (c->l)
		libnet_destroy(c->l);
	c->l = NULL;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)(p[n - 1] << 8);
	return sum;
}

/*
 * The start of the packet an ICMP error says it is about: sent by the
 * error's destination (the host that gets the error) to its source, with
 * the transport ports of the spec.  Returns its length.
 */
static size_t build_quote(const struct rs_craft_spec *s, uint8_t *q)
{
	uint8_t proto = s->quote_proto ? s->quote_proto : 17;
	size_t ihl = s->v == 4 ? 20 : 40;
	uint16_t l4len = proto == 6 ? 20 : 8;

	memset(q, 0, ihl + 8);
	if (s->v == 4) {
		q[0] = 0x45;
		q[2] = (uint8_t)((20 + l4len) >> 8);
		q[3] = (uint8_t)(20 + l4len);
		q[8] = 64;
		q[9] = proto;
		memcpy(q + 12, s->dst, 4);
		memcpy(q + 16, s->src, 4);
		uint16_t sum = csum_fold(csum_add(0, q, 20));
		q[10] = (uint8_t)(sum >> 8);
		q[11] = (uint8_t)sum;
	} else {
		q[0] = 0x60;
		q[5] = (uint8_t)l4len;
		q[6] = proto;
		q[7] = 64;
		memcpy(q + 8, s->dst, 16);
		memcpy(q + 24, s->src, 16);
	}
	uint8_t *t = q + ihl;
	t[0] = (uint8_t)(s->sport >> 8);
	t[1] = (uint8_t)s->sport;
	t[2] = (uint8_t)(s->dport >> 8);
	t[3] = (uint8_t)s->dport;
	if (proto == 6) {
		put_be32(t + 4, s->seq);
	} else {
		t[5] = 8;   /* UDP length; checksum left 0 (none) */
	}
	return ihl + 8;
}

/* Clears every block when the packet's shape changes, so tags only ever
 * name blocks of the same type. */
static void reshape(struct rs_crafter *c, const struct rs_craft_spec *s)
{
	if (c->v == s->v && c->proto == s->proto && c->icmp == s->icmp && c->link == s->link &&
	    (c->tag_opts != LIBNET_PTAG_INITIALIZER) == (s->proto == RS_CRAFT_TCP && s->opts.len > 0))
		return;
	libnet_clear_packet(c->l);
	c->tag_opts = c->tag_l4 = c->tag_ip = c->tag_eth = LIBNET_PTAG_INITIALIZER;
	c->v = s->v;
	c->proto = s->proto;
	c->icmp = s->icmp;
	c->link = s->link;
}

static bool lnfail(struct rs_crafter *c, const char *what)
{
	snprintf(c->err, sizeof(c->err), "%s: %s", what, libnet_geterror(c->l));
	return false;
}

/* TCP options, then the header; false when libnet refuses the options. */
static bool build_tcp(struct rs_crafter *c, const struct rs_craft_spec *s, const uint8_t *pl,
		      uint32_t pn, uint32_t *l4len)
{
	uint32_t on = (uint32_t)rs_tcpopts_padded_len(&s->opts);
	if (on) {
		uint8_t ob[RS_CRAFT_OPT_MAX] = { 0 };
		memcpy(ob, s->opts.b, s->opts.len);
		c->tag_opts = libnet_build_tcp_options(ob, on, c->l, c->tag_opts);
		if (c->tag_opts == -1)
			return false;
	}
	*l4len = LIBNET_TCP_H + on + pn;
	c->tag_l4 = libnet_build_tcp(s->sport, s->dport, s->seq, s->ack, s->flags, s->win,
				     0 /* checksum: computed */, s->urg,
				     (uint16_t)*l4len, pl, pn, c->l, c->tag_l4);
	return true;
}

/* The ICMP message of s->icmp (type already checked); sets *l4len. */
static void build_icmp(struct rs_crafter *c, const struct rs_craft_spec *s, uint8_t type,
		       const uint8_t *pl, uint32_t pn, uint32_t *l4len)
{
	libnet_t *l = c->l;
	uint8_t *pl6 = (uint8_t *)(uintptr_t)pl;   /* libnet's v6 builders take no const */

	*l4len = (s->icmp == RS_ICMPK_TIMESTAMP ? 20 : 8) + pn;
	switch (s->icmp) {
	case RS_ICMPK_ECHO:
	case RS_ICMPK_ECHO_REPLY:
		if (s->v == 4)
			c->tag_l4 = libnet_build_icmpv4_echo(type, s->icmp_code, 0, s->echo_id,
							     s->echo_seq, pl, pn, l, c->tag_l4);
		else
			c->tag_l4 = libnet_build_icmpv6_echo(type, s->icmp_code, 0, s->echo_id,
							     s->echo_seq, pl6, pn, l, c->tag_l4);
		break;
	case RS_ICMPK_UNREACH:
		if (s->v == 4)
			c->tag_l4 = libnet_build_icmpv4_unreach(type, s->icmp_code, 0, pl, pn, l,
								c->tag_l4);
		else
			c->tag_l4 = libnet_build_icmpv6_unreach(type, s->icmp_code, 0, pl6, pn, l,
								c->tag_l4);
		break;
	case RS_ICMPK_TIME_EXCEEDED:
		if (s->v == 4)
			c->tag_l4 = libnet_build_icmpv4_timeexceed(type, s->icmp_code, 0, pl, pn,
								   l, c->tag_l4);
		else    /* same layout as unreachable: type, code, sum, unused */
			c->tag_l4 = libnet_build_icmpv6_unreach(type, s->icmp_code, 0, pl6, pn, l,
								c->tag_l4);
		break;
	case RS_ICMPK_TIMESTAMP:
		c->tag_l4 = libnet_build_icmpv4_timestamp(type, s->icmp_code, 0, s->echo_id,
							  s->echo_seq, s->ts_orig, s->ts_recv,
							  s->ts_xmit, pl, pn, l, c->tag_l4);
		break;
	}
}

/* Builds the transport block; sets *l4len (header + payload). */
static bool build_l4(struct rs_crafter *c, const struct rs_craft_spec *s, uint32_t *l4len)
{
	const uint8_t *pl = s->payload;
	uint32_t pn = (uint32_t)s->payload_len;
	uint8_t quote[48];

	switch (s->proto) {
	case RS_CRAFT_TCP:
		if (!build_tcp(c, s, pl, pn, l4len))
			return lnfail(c, "TCP options");
		break;
	case RS_CRAFT_UDP:
		*l4len = LIBNET_UDP_H + pn;
		c->tag_l4 = libnet_build_udp(s->sport, s->dport, (uint16_t)*l4len, 0, pl, pn, c->l,
					     c->tag_l4);
		break;
	case RS_CRAFT_ARP:    /* built by build_arp, never here */
		return false;
	case RS_CRAFT_ICMP: {
		uint8_t type = icmp_type(s->icmp, s->v);
		if (type == 0xff) {
			snprintf(c->err, sizeof(c->err), "ICMP %s has no IPv%u form",
				 rs_icmp_kind_str(s->icmp), s->v);
			return false;
		}
		if ((s->icmp == RS_ICMPK_UNREACH || s->icmp == RS_ICMPK_TIME_EXCEEDED) && !pl) {
			pn = (uint32_t)build_quote(s, quote);
			pl = quote;
		}
		build_icmp(c, s, type, pl, pn, l4len);
		break;
	}
	}
	if (c->tag_l4 == -1)
		return lnfail(c, rs_craft_proto_str(s->proto));
	return true;
}

/* The IP header (IPv4 or IPv6) over l4len bytes of transport. */
static bool build_ip(struct rs_crafter *c, const struct rs_craft_spec *s, uint8_t proto,
		     uint32_t l4len)
{
	libnet_t *l = c->l;

	if (s->v == 4) {
		uint32_t tot = LIBNET_IPV4_H + l4len;
		uint32_t src, dst;
		if (tot > 65535) {
			snprintf(c->err, sizeof(c->err), "the IPv4 packet would be %u bytes, more than 65535", tot);
			return false;
		}
		memcpy(&src, s->src, 4);
		memcpy(&dst, s->dst, 4);
		uint16_t frag = (uint16_t)((s->df ? IP_DF : 0) | (s->mf ? IP_MF : 0) | (s->frag_off & IP_OFFMASK));
		c->tag_ip = libnet_build_ipv4((uint16_t)tot, s->tos, s->id, frag, s->ttl, proto,
					      0 /* checksum: computed */, src, dst, NULL, 0, l, c->tag_ip);
	} else {
		struct libnet_in6_addr src, dst;
		if (l4len > 65535) {
			snprintf(c->err, sizeof(c->err), "the IPv6 payload would be %u bytes, more than 65535", l4len);
			return false;
		}
		memcpy(&src, s->src, 16);
		memcpy(&dst, s->dst, 16);
		c->tag_ip = libnet_build_ipv6(s->tos, s->flow & 0xfffff, (uint16_t)l4len, proto, s->ttl,
					      src, dst, NULL, 0, l, c->tag_ip);
	}
	if (c->tag_ip == -1)
		return lnfail(c, s->v == 4 ? "IPv4" : "IPv6");
	return true;
}

/*
 * Transport checksums are computed here rather than by libnet, so that
 * --bad-checksum can spoil them and the bytes do not depend on the
 * checksum code of whichever libnet version is installed.
 */
static void fill_checksums(struct rs_crafter *c, const struct rs_craft_spec *s, uint8_t proto,
			   uint32_t l4len)
{
	uint8_t *l3 = c->pkt + c->l3_off, *l4 = c->pkt + c->l4_off;
	uint32_t sum = 0;
	if (s->v == 6) {
		/* libnet 1.1.6 writes the flow label's middle byte wrong: set
		 * version, traffic class and flow label here. */
		uint32_t w = 6u << 28 | (uint32_t)s->tos << 20 | (s->flow & 0xfffff);
		put_be32(l3, w);
	}
	l4[c->csum_off - c->l4_off] = l4[c->csum_off - c->l4_off + 1] = 0;
	if (!(s->v == 4 && proto == IPPROTO_ICMP)) {
		uint8_t ph[4] = { 0, 0, (uint8_t)(l4len >> 8), (uint8_t)l4len };
		if (s->v == 4)
			sum = csum_add(sum, l3 + 12, 8);
		else
			sum = csum_add(sum, l3 + 8, 32);
		sum = csum_add(sum, ph, 4);
		sum += proto;
	}
	sum = csum_add(sum, l4, l4len);
	uint16_t ck = csum_fold(sum);
	if (proto == IPPROTO_UDP && ck == 0)
		ck = 0xffff;   /* RFC 768: a computed 0 is sent as all ones */
	if (s->bad_csum) {
		/* Any other value is wrong; this one is never equal to ck in
		 * one's-complement arithmetic, and never 0 (UDP's "none"). */
		ck = (uint16_t)(ck ^ 0x5555);
		if (ck == 0)
			ck = 0xaaaa;
	}
	l4[c->csum_off - c->l4_off] = (uint8_t)(ck >> 8);
	l4[c->csum_off - c->l4_off + 1] = (uint8_t)ck;

	if (s->v == 4) {
		l3[10] = l3[11] = 0;
		uint16_t ipck = csum_fold(csum_add(0, l3, 20));
		if (s->bad_ip_csum)
			ipck = (uint16_t)(ipck ^ 0x5555);
		l3[10] = (uint8_t)(ipck >> 8);
		l3[11] = (uint8_t)ipck;
	}
}

/* The frame's bytes out of libnet's blocks into c->pkt. */
static bool coalesce(struct rs_crafter *c)
{
	uint8_t *buf = NULL;
	uint32_t n = 0;
	if (libnet_pblock_coalesce(c->l, &buf, &n) == -1)
		return lnfail(c, "assembling the packet");
	if (n > sizeof(c->pkt)) {
		free(buf);
		snprintf(c->err, sizeof(c->err), "the packet would be %u bytes", n);
		return false;
	}
	memcpy(c->pkt, buf, n);
	free(buf);
	c->len = n;
	return true;
}

/* ARP for Ethernet and IPv4 (libnet_build_arp), in an Ethernet frame;
 * unpadded, as a host's own capture shows what it sends (the driver
 * pads it to 60 bytes). */
static bool build_arp(struct rs_crafter *c, const struct rs_craft_spec *s)
{
	c->tag_l4 = libnet_build_arp(ARPHRD_ETHER, ETHERTYPE_IP, 6, 4, s->arp_op, s->arp_sha,
				     s->arp_spa, s->arp_tha, s->arp_tpa, NULL, 0, c->l, c->tag_l4);
	if (c->tag_l4 == -1)
		return lnfail(c, "ARP");
	c->tag_eth = libnet_build_ethernet(s->dst_mac, s->src_mac, ETHERTYPE_ARP, NULL, 0, c->l,
					   c->tag_eth);
	if (c->tag_eth == -1)
		return lnfail(c, "Ethernet");
	if (!coalesce(c))
		return false;
	c->l3_off = c->l4_off = c->csum_off = LIBNET_ETH_H;
	return true;
}

bool rs_craft_build(struct rs_crafter *c, const struct rs_craft_spec *s)
{
	libnet_t *l = c->l;
	uint32_t l4len = 0;   /* set by every branch below; gcc -O2 cannot see it */
	uint8_t proto;

	c->len = 0;
	if (s->proto == RS_CRAFT_TCP && (s->opts.overflow || rs_tcpopts_padded_len(&s->opts) > 40)) {
		snprintf(c->err, sizeof(c->err), "TCP options take more than the 40 bytes a header holds");
		return false;
	}
	reshape(c, s);
	if (s->proto == RS_CRAFT_ARP)
		return build_arp(c, s);
	if (!build_l4(c, s, &l4len))
		return false;
	proto = s->proto == RS_CRAFT_TCP ? IPPROTO_TCP : s->proto == RS_CRAFT_UDP ? IPPROTO_UDP :
		s->v == 4 ? IPPROTO_ICMP : IPPROTO_ICMPV6;

	if (!build_ip(c, s, proto, l4len))
		return false;
	if (s->link) {
		c->tag_eth = libnet_build_ethernet(s->dst_mac, s->src_mac,
						   s->v == 4 ? ETHERTYPE_IP : ETHERTYPE_IPV6, NULL, 0, l,
						   c->tag_eth);
		if (c->tag_eth == -1)
			return lnfail(c, "Ethernet");
	}

	if (!coalesce(c))
		return false;
	c->l3_off = s->link ? LIBNET_ETH_H : 0;
	c->l4_off = c->l3_off + (s->v == 4 ? LIBNET_IPV4_H : LIBNET_IPV6_H);
	c->csum_off = c->l4_off + (s->proto == RS_CRAFT_TCP ? 16 : s->proto == RS_CRAFT_UDP ? 6 : 2);

	fill_checksums(c, s, proto, l4len);
	return true;
}
