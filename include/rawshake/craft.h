/*
 * craft.h: building IPv4/IPv6 TCP, UDP and ICMP packets with libnet, and
 * patching per-packet fields of a built packet for floods.
 *
 * A crafter holds one libnet context (LIBNET_NONE: it builds, it never
 * injects) and the protocol tags of the blocks it built, so each rebuild
 * reuses them (libnet's top-down, tag-reusing way).  The result is the IP
 * packet (or Ethernet frame with `link`), checksums included, in the
 * crafter's own buffer.  This header does not include libnet.h: its
 * defines must reach only the files that build packets.
 */
#ifndef RAWSHAKE_CRAFT_H
#define RAWSHAKE_CRAFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RS_CRAFT_MAX 65600        /* an IPv6 packet of 65535 + headers, + Ethernet */
#define RS_CRAFT_OPT_MAX 40       /* TCP option bytes a header holds */

enum rs_craft_proto {
	RS_CRAFT_TCP,
	RS_CRAFT_UDP,
	RS_CRAFT_ICMP,                /* ICMPv6 with an IPv6 destination */
	RS_CRAFT_ARP,                 /* an Ethernet frame with ARP (RFC 826): arp_* below */
};
const char *rs_craft_proto_str(enum rs_craft_proto p);   /* "tcp", "udp", "icmp", "arp" */

/* ICMP messages we build. */
enum rs_icmp_kind {
	RS_ICMPK_ECHO,                /* echo request (v4 type 8, v6 type 128) */
	RS_ICMPK_ECHO_REPLY,          /* v4 type 0, v6 type 129 */
	RS_ICMPK_UNREACH,             /* v4 type 3 / v6 type 1, with a quoted packet */
	RS_ICMPK_TIME_EXCEEDED,       /* v4 type 11 / v6 type 3, with a quoted packet */
	RS_ICMPK_TIMESTAMP,           /* v4 type 13 only */
};
const char *rs_icmp_kind_str(enum rs_icmp_kind k);  /* "echo", "echo-reply", ... */
/* Parses one of those names; false when unknown. */
bool rs_icmp_kind_parse(const char *s, enum rs_icmp_kind *k);

/* TCP options, assembled in the order given (pad with EOL to 4 bytes). */
struct rs_tcpopts {
	uint8_t b[RS_CRAFT_OPT_MAX];
	uint8_t len;
	bool overflow;                /* an option did not fit: reported by the caller */
};
void rs_tcpopts_mss(struct rs_tcpopts *o, uint16_t mss);
void rs_tcpopts_wscale(struct rs_tcpopts *o, uint8_t shift);
void rs_tcpopts_sack_perm(struct rs_tcpopts *o);
void rs_tcpopts_sack(struct rs_tcpopts *o, const uint32_t (*blocks)[2], unsigned n);
void rs_tcpopts_ts(struct rs_tcpopts *o, uint32_t val, uint32_t ecr);
void rs_tcpopts_nop(struct rs_tcpopts *o);
void rs_tcpopts_raw(struct rs_tcpopts *o, const uint8_t *b, size_t n);
/* Option bytes needed once padded to a multiple of four (may exceed 40). */
size_t rs_tcpopts_padded_len(const struct rs_tcpopts *o);

struct rs_craft_spec {
	enum rs_craft_proto proto;
	uint8_t v;                    /* 4 or 6 */
	uint8_t src[16], dst[16];
	uint8_t ttl;                  /* TTL or hop limit */
	uint8_t tos;                  /* TOS or traffic class */
	uint16_t id;                  /* IPv4 identification */
	bool df, mf;
	uint16_t frag_off;            /* IPv4 fragment offset in 8-byte units (0..8191) */
	uint32_t flow;                /* IPv6 flow label (20 bits) */

	uint16_t sport, dport;        /* TCP, UDP; the quoted packet's for ICMP errors */
	uint8_t flags;                /* RS_TH_* */
	uint32_t seq, ack;
	uint16_t win, urg;
	struct rs_tcpopts opts;

	enum rs_icmp_kind icmp;
	uint8_t icmp_code;
	uint16_t echo_id, echo_seq;
	uint32_t ts_orig, ts_recv, ts_xmit;   /* ICMP timestamp */
	uint8_t quote_proto;          /* ICMP errors: 6 or 17 (default 17) */

	const uint8_t *payload;       /* NULL for none; ICMP errors: replaces the quote */
	size_t payload_len;

	bool bad_csum;                /* spoil the transport checksum */
	bool bad_ip_csum;             /* spoil the IPv4 header checksum */

	bool link;                    /* build an Ethernet frame */
	uint8_t src_mac[6], dst_mac[6];

	/* ARP: operation (1 request, 2 reply, or any other), sender and
	 * target hardware and protocol addresses, as they go on the wire. */
	uint16_t arp_op;
	uint8_t arp_sha[6], arp_spa[4], arp_tha[6], arp_tpa[4];
};

/* Fills the defaults: TTL 64, window 64240, ports 0, echo request. */
void rs_craft_spec_init(struct rs_craft_spec *s);

struct rs_crafter {
	void *l;                      /* libnet_t *, LIBNET_NONE */
	int32_t tag_opts, tag_l4, tag_ip, tag_eth;
	uint8_t v;                    /* family of the tags' IP block, 0 before the first build */
	enum rs_craft_proto proto;
	enum rs_icmp_kind icmp;
	bool link;
	/* The result of the last build. */
	uint8_t pkt[RS_CRAFT_MAX];
	size_t len;
	size_t l3_off;                /* 14 with link, else 0 */
	size_t l4_off;                /* transport header */
	size_t csum_off;              /* transport checksum, from pkt */
	char err[320];
};

bool rs_crafter_init(struct rs_crafter *c);   /* false: see c->err */
void rs_crafter_free(struct rs_crafter *c);
/* Builds (or rebuilds, reusing the tags) the packet of s.  False with a
 * reason in c->err when libnet refuses. */
bool rs_craft_build(struct rs_crafter *c, const struct rs_craft_spec *s);

/*
 * Per-packet patching of a built packet, keeping every checksum right by
 * incremental update (RFC 1624), so a flood builds once with libnet and
 * then only rewrites a few bytes per packet.
 */
struct rs_craft_layout {
	uint8_t v;
	enum rs_craft_proto proto;
	size_t l3_off, l4_off, csum_off;
};
void rs_craft_layout_of(const struct rs_crafter *c, struct rs_craft_layout *lay);
/* Rewrites the source address (4 or 16 bytes per lay->v). */
void rs_craft_patch_src(const struct rs_craft_layout *lay, uint8_t *pkt, const uint8_t *src);
/* Rewrites the TCP/UDP source port. */
void rs_craft_patch_sport(const struct rs_craft_layout *lay, uint8_t *pkt, uint16_t sport);
/* Rewrites the TCP sequence number. */
void rs_craft_patch_seq(const struct rs_craft_layout *lay, uint8_t *pkt, uint32_t seq);
/* Rewrites the IPv4 ID (no-op for IPv6). */
void rs_craft_patch_id(const struct rs_craft_layout *lay, uint8_t *pkt, uint16_t id);
/* Rewrites the ICMP echo sequence number. */
void rs_craft_patch_echo_seq(const struct rs_craft_layout *lay, uint8_t *pkt, uint16_t seq);

/* One's-complement sum helpers, exposed for the tests. */
uint16_t rs_csum_update16(uint16_t csum, uint16_t old, uint16_t new_);

/*
 * Splits an IPv4 packet (no link header) into fragments whose IP packets
 * are at most mtu bytes, written back to back into buf (bufcap bytes),
 * their lengths into lens (at most max of them).  Returns the number of
 * fragments, 0 when they do not fit or mtu < 28.
 */
size_t rs_craft_fragment4(const uint8_t *pkt, size_t len, size_t mtu, uint8_t *buf,
			  size_t bufcap, size_t *lens, size_t max);

#endif
