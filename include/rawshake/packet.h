/*
 * packet.h: the decoded view of one captured packet, and the decoder that
 * fills it.
 *
 * Decoding never allocates and never keeps a pointer into the packet after
 * it returns (except `payload`, valid only as long as the captured bytes).
 * Every field is copied out through the bounds-checked reader (reader.h).
 * A layer that cannot be decoded stops decoding there and records why in
 * `err`: truncated (the capture ended early) or invalid (a header field is
 * impossible).  The layers decoded before it stay valid.
 */
#ifndef RAWSHAKE_PACKET_H
#define RAWSHAKE_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum rs_status {
	RS_OK = 0,
	RS_TRUNCATED,   /* captured bytes end before the header does */
	RS_INVALID,     /* a header field lies */
	RS_UNSUPPORTED, /* a link type or protocol we do not decode */
};
const char *rs_status_str(enum rs_status s);

enum rs_layer {
	RS_LAYER_NONE = 0,
	RS_LAYER_LINK,
	RS_LAYER_VLAN,
	RS_LAYER_IPV4,
	RS_LAYER_IPV6,
	RS_LAYER_TCP,
	RS_LAYER_UDP,
	RS_LAYER_ICMP,
	RS_LAYER_ICMPV6,
	/* Tunnels and link-layer encapsulations (their outer headers). */
	RS_LAYER_GRE,
	RS_LAYER_ERSPAN,
	RS_LAYER_VXLAN,
	RS_LAYER_GENEVE,
	RS_LAYER_GTP,
	RS_LAYER_TEREDO,
	RS_LAYER_AYIYA,
	RS_LAYER_MPLS,
	RS_LAYER_PPPOE,
	RS_LAYER_PPP,
	RS_LAYER_PBB,
	RS_LAYER_LLC,
	RS_LAYER_VNTAG,
	RS_LAYER_FABRICPATH,
	RS_LAYER_WLAN,
	RS_LAYER_ARP,
};
/* "link", "vlan", "ip", "ipv6", "tcp", "udp", "icmp", "icmpv6", "gre",
 * "erspan", "vxlan", "geneve", "gtp", "teredo", "ayiya", "mpls", "pppoe",
 * "ppp", "pbb", "llc", "vntag", "fabricpath", "wlan", "arp"; "none" for an error
 * of no one layer (nesting too deep). */
const char *rs_layer_str(enum rs_layer l);

/* TCP flag bits as they sit in byte 13 of the header. */
enum {
	RS_TH_FIN = 0x01,
	RS_TH_SYN = 0x02,
	RS_TH_RST = 0x04,
	RS_TH_PSH = 0x08,
	RS_TH_ACK = 0x10,
	RS_TH_URG = 0x20,
	RS_TH_ECE = 0x40,
	RS_TH_CWR = 0x80,
};

/* TCP option kinds we name. */
enum {
	RS_TCPOPT_EOL = 0,
	RS_TCPOPT_NOP = 1,
	RS_TCPOPT_MSS = 2,
	RS_TCPOPT_WSCALE = 3,
	RS_TCPOPT_SACK_PERM = 4,
	RS_TCPOPT_SACK = 5,
	RS_TCPOPT_TIMESTAMP = 8,
};

/*
 * What a transport checksum says.  A capture taken on the sending host
 * (and on a veth or a bridge, for both ends) often holds a checksum that
 * the kernel left for the NIC to finish (CHECKSUM_PARTIAL): the field has
 * only the folded sum of the pseudo-header, not inverted, and some drivers
 * leave 0.  That is not corruption, and a TCP stack that receives it
 * through a veth accepts it.
 */
enum rs_csum {
	RS_CSUM_UNCHECKED = 0, /* not every byte captured, or a fragment */
	RS_CSUM_OK,            /* verified good */
	RS_CSUM_BAD,           /* verified wrong, and not an offload pattern */
	RS_CSUM_OFFLOAD,       /* the pseudo-header sum only, or 0 on a packet going out */
	RS_CSUM_NONE,          /* UDP over IPv4 with 0: the sender computed none (RFC 768) */
};
/* "unchecked", "ok", "bad", "offload", "none" */
const char *rs_csum_str(enum rs_csum c);

/* Which way a packet crossed the capture point, when the capture says. */
enum rs_pkt_dir {
	RS_PKT_DIR_UNKNOWN = 0,
	RS_PKT_DIR_IN,
	RS_PKT_DIR_OUT,
};
/* "unknown", "in", "out" */
const char *rs_pkt_dir_str(enum rs_pkt_dir d);

/*
 * What the capture, not the packet's bytes, says about a packet: set by
 * whoever hands the packet to rs_decode_meta() (a pcapng block, a live
 * handle), kept by the decoder, completed by the link layer where the
 * header says it (Linux cooked pkttype).  Pointers belong to the caller
 * and must outlive the packet's printing.
 */
#define RS_MAX_COMMENTS 4  /* pcapng comments kept per packet */

struct rs_pkt_meta {
	enum rs_pkt_dir dir;
	const char *ifname;       /* capturing interface, NULL when unknown */
	bool show_if;             /* text names the interface: the capture has several */
	const uint8_t *local_mac; /* live: this interface's MAC; a frame from it is going out */
	bool injected;            /* rawshake reset sent this segment itself (text "[injected]",
				   * JSON "injected":true, a double arrow in the ladder) */
	const char *ts_problem;   /* the record's time field was invalid: why (the time shown
				   * is the nearest valid one); NULL when it was fine */
	/* pcapng opt_comment options of the packet's block (bytes of the
	 * file, UTF-8 by the format's word, not NUL-terminated). */
	uint8_t n_comments;
	const uint8_t *comment[RS_MAX_COMMENTS];
	uint16_t comment_len[RS_MAX_COMMENTS];
	/* Set by the decoder: the captured bytes (valid as long as they
	 * are), and where the network layer starts in them (tcpdump's -x
	 * starts there); has_net_off false when no link header was decoded. */
	const uint8_t *frame;
	uint32_t net_off;
	bool has_net_off;
};

#define RS_MAX_VLAN 2
#define RS_MAX_SACK 4
#define RS_MAX_TCPOPT 40   /* 40 option bytes hold at most 40 options */
#define RS_MAX_IP6_EXT 8
#define RS_ERR_DETAIL 96
#define RS_MAX_OUTER 8     /* outer layers kept; a deeper packet is unsupported */
#define RS_MAX_MPLS 4      /* labels kept per MPLS stack (all are walked) */
#define RS_MAX_AYIYA_ID 16 /* identity bytes kept */

struct rs_link {
	int dlt;                 /* DLT_* of the capture */
	uint16_t ethertype;      /* after VLAN tags; 0 when the link has none */
	bool has_mac;
	uint8_t src[6], dst[6];  /* Ethernet, or SLL/SLL2 address when 6 long */
	uint8_t nvlan;
	uint16_t vlan_tpid[RS_MAX_VLAN];
	uint16_t vlan_tci[RS_MAX_VLAN];
	bool has_pkttype;        /* Linux cooked: direction of the packet */
	uint16_t pkttype;        /* 0 host, 1 broadcast, 2 multicast, 3 other host, 4 outgoing */
	uint32_t ifindex;        /* SLL2 only */
	uint32_t family;         /* DLT_NULL / DLT_LOOP / NFLOG / Juniper address family */
	uint16_t ppp_proto;      /* PPP, PPPoE link types: the PPP protocol */
	bool has_wlan;           /* IEEE 802.11: frame control below */
	uint8_t wlan_type;       /* 0 management, 1 control, 2 data, 3 extension */
	uint8_t wlan_subtype;
	uint8_t wlan_flags;      /* frame control flags byte (to/from DS, protected, ...) */
	uint16_t radio_len;      /* radiotap or PPI header length, 0 when none */
};

/*
 * Outer layers: the headers between the link and the innermost IP header
 * of a tunnelled packet (outer IP and UDP headers, GRE, VXLAN, MPLS, an
 * inner Ethernet and its VLAN tags ...), in wire order, each a small
 * tagged struct with the fields printers show.  pkt->ip and the transport
 * are the innermost ones, which the tracker follows.
 */
enum rs_outer_kind {
	RS_OUTER_IP = 1,
	RS_OUTER_UDP,
	RS_OUTER_ETH,        /* an Ethernet header inside a tunnel */
	RS_OUTER_VLAN,       /* an 802.1Q/802.1ad tag inside a tunnel */
	RS_OUTER_GRE,
	RS_OUTER_ERSPAN,
	RS_OUTER_VXLAN,
	RS_OUTER_GENEVE,
	RS_OUTER_GTP,
	RS_OUTER_TEREDO,
	RS_OUTER_AYIYA,
	RS_OUTER_MPLS,
	RS_OUTER_PPPOE,
	RS_OUTER_PPP,
	RS_OUTER_PBB,
	RS_OUTER_LLC,
	RS_OUTER_VNTAG,
	RS_OUTER_FABRICPATH,
};
/* "ip", "udp", "eth", "vlan", "gre", "erspan", "vxlan", "geneve", "gtp",
 * "teredo", "ayiya", "mpls", "pppoe", "ppp", "pbb", "llc", "vntag",
 * "fabricpath" */
const char *rs_outer_kind_str(enum rs_outer_kind k);

struct rs_outer {
	uint8_t kind;                      /* enum rs_outer_kind */
	union {
		struct {
			uint8_t v, proto, ttl;
			uint8_t src[16], dst[16];
		} ip;
		struct {
			uint16_t sport, dport;
		} udp;
		struct {
			uint8_t src[6], dst[6];
			uint16_t ethertype;        /* 0: an 802.3 length (LLC follows) */
		} eth;
		struct {
			uint16_t tpid, tci;
		} vlan;
		struct {
			uint8_t ver;               /* 0, or 1 for PPTP's enhanced GRE */
			uint16_t flags;            /* the first 16 bits less the version */
			uint16_t proto;
			bool has_key, has_seq, has_ack, has_csum;
			uint32_t key;              /* version 1: payload length << 16 | call id */
			uint32_t seq, ack;
		} gre;
		struct {
			uint8_t type;              /* 1, 2 or 3 (ERSPAN I, II, III) */
			uint16_t session, vlan;
			uint32_t index;            /* type II: index; type III: timestamp */
		} erspan;
		struct {
			uint8_t flags;
			uint32_t vni;
		} vxlan;
		struct {
			uint8_t opt_len;           /* option bytes */
			bool oam, critical;
			uint16_t proto;
			uint32_t vni;
		} geneve;
		struct {
			uint8_t flags, msg_type, n_ext;
			uint16_t len;
			uint32_t teid;
		} gtp;
		struct {
			bool has_origin, has_auth;
			uint16_t port;             /* origin port, de-obfuscated */
			uint8_t addr[4];           /* origin address, de-obfuscated */
			uint8_t id_len, auth_len;
		} teredo;
		struct {
			uint8_t id_len, id_type, sig_len, hash, auth, opcode, next;
			uint32_t epoch;
			uint8_t id[RS_MAX_AYIYA_ID];
		} ayiya;
		struct {
			uint8_t n;                 /* labels in the stack (up to RS_MAX_MPLS kept) */
			bool cw;                   /* a pseudowire control word followed */
			uint32_t entry[RS_MAX_MPLS]; /* label << 12 | tc << 9 | s << 8 | ttl */
		} mpls;
		struct {
			uint8_t code;
			uint16_t session, len, ppp_proto;
		} pppoe;
		struct {
			uint16_t proto;
		} ppp;
		struct {
			uint8_t pcp;
			uint32_t isid;
		} pbb;
		struct {
			uint8_t dsap, ssap, ctl;
			bool snap;
			uint32_t oui;
			uint16_t pid;
		} llc;
		struct {
			bool dir, ptr, looped;
			uint16_t dvif, svif;
		} vntag;
		struct {
			uint16_t dst_sw, src_sw;   /* switch ids (12 bits) */
			uint8_t dst_ssw, src_ssw;  /* sub-switch ids */
			uint16_t dst_lid, src_lid; /* port ids */
			uint16_t ftag;             /* 10 bits */
			uint8_t ttl;               /* 6 bits */
		} fp;
	} u;
};

struct rs_ip {
	uint8_t v;               /* 4 or 6 */
	uint8_t src[16], dst[16];/* IPv4 in the first four bytes */
	uint8_t ttl;             /* IPv4 TTL or IPv6 hop limit */
	uint8_t tos;             /* IPv4 TOS or IPv6 traffic class */
	uint8_t proto;           /* upper layer, after IPv6 extension headers */
	uint16_t hdr_len;        /* IPv4 IHL*4; IPv6 40 + extension headers */
	uint32_t total_len;      /* IPv4 total length; IPv6 40 + payload length */
	uint32_t id;             /* IPv4 ID; IPv6 fragment identification */
	bool has_id;             /* IPv4 always; IPv6 with a fragment header */
	bool df, mf;
	uint16_t frag_off;       /* fragment offset in bytes */
	bool is_later_fragment;  /* frag_off != 0: the transport header is elsewhere */
	bool has_options;        /* IPv4 header longer than 20 bytes */
	bool csum_ok;            /* IPv4 header checksum (always true for IPv6) */
	uint16_t csum;
	uint32_t flow;           /* IPv6 flow label */
	uint8_t n_ext;           /* IPv6 extension headers walked */
	uint8_t ext[RS_MAX_IP6_EXT];
	bool len_short;          /* fewer bytes captured than total_len */
	uint32_t pad;            /* link bytes beyond total_len (Ethernet padding) */
	uint32_t missing;        /* total_len beyond the frame's wire length: it lies */
	bool csum_checked;       /* IPv4: the whole header was there and csum_ok says */
	bool has_home;           /* IPv6 Destination Options: a Home Address option */
	uint8_t home[16];        /* ... its address, the pseudo-header's source */
};

struct rs_tcp_opt {
	uint8_t kind;
	uint8_t len;             /* option length byte (1 for EOL and NOP) */
};

struct rs_tcp {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t hdr_len;         /* data offset * 4 */
	uint8_t flags;           /* RS_TH_* */
	uint16_t win, csum, urg;
	uint32_t payload_len;    /* from the IP length, not the capture */
	enum rs_csum csum_status;
	/* Options in the order they appear, then the parsed values. */
	uint8_t n_opts;
	struct rs_tcp_opt opts[RS_MAX_TCPOPT];
	bool opts_bad;           /* an option's length ran past the header or was < 2 */
	bool has_mss;
	uint16_t mss;
	bool has_wscale;
	uint8_t wscale;
	bool sack_perm;
	uint8_t n_sack;
	uint32_t sack[RS_MAX_SACK][2];
	bool has_ts;
	uint32_t ts_val, ts_ecr;
};

struct rs_udp {
	uint16_t sport, dport;
	uint16_t len;            /* UDP length field */
	uint16_t csum;
	enum rs_csum csum_status;
	uint32_t payload_len;
};

struct rs_icmp {
	uint8_t v;               /* 4 for ICMP, 6 for ICMPv6 */
	uint8_t type, code;
	uint16_t csum;
	enum rs_csum csum_status; /* ICMPv4 has no pseudo-header: never "offload" */
	bool has_echo;           /* echo request/reply: id and seq */
	uint16_t id, seq;
	uint32_t mtu;            /* frag-needed next-hop MTU, packet-too-big MTU */
	uint32_t gateway;        /* redirect */
	uint32_t pointer;        /* parameter problem */
	bool has_ts;             /* ICMP timestamp request/reply */
	uint32_t ts_orig, ts_recv, ts_xmit;
	/* Neighbour solicitation (135) and advertisement (136), RFC 4861
	 * 4.3-4.4: the target, NA's R/S/O flags (the top bits of the word
	 * after the checksum: 0x80 router, 0x40 solicited, 0x20 override),
	 * and the source/target link-layer address options (6-byte ones). */
	bool has_nd;
	uint8_t nd_flags;
	uint8_t nd_target[16];
	bool has_nd_sll, has_nd_tll;
	uint8_t nd_sll[6], nd_tll[6];
	/* The original packet quoted by an error message. */
	bool has_quote;
	struct {
		uint8_t v;
		uint8_t src[16], dst[16];
		uint8_t proto;
		bool has_ports;
		uint16_t sport, dport;
	} quote;
};

/* ARP and RARP (RFC 826, RFC 903); what a request or reply announces
 * (RFC 5227: a probe asks from 0.0.0.0, a gratuitous one names the
 * sender's own address as target). */
enum rs_arp_kind {
	RS_ARP_OTHER = 0,      /* an operation we do not name, or not Ethernet/IPv4 */
	RS_ARP_REQUEST,
	RS_ARP_REPLY,
	RS_ARP_GRATUITOUS_REQUEST, /* sender IP == target IP */
	RS_ARP_GRATUITOUS_REPLY,
	RS_ARP_PROBE,          /* request from sender IP 0.0.0.0 */
	RS_ARP_RARP_REQUEST,
	RS_ARP_RARP_REPLY,
};
/* "other", "request", "reply", "gratuitous-request", "gratuitous-reply",
 * "probe", "rarp-request", "rarp-reply" */
const char *rs_arp_kind_str(enum rs_arp_kind k);

#define RS_ARP_OP_REQUEST 1
#define RS_ARP_OP_REPLY 2

struct rs_arp {
	uint16_t htype, ptype;   /* hardware 1 is Ethernet; protocol 0x0800 IPv4 */
	uint8_t hlen, plen;
	uint16_t op;
	bool ether_ipv4;         /* 1/0x0800/6/4: the addresses below were read */
	uint8_t sha[6], spa[4], tha[6], tpa[4];
	uint8_t kind;            /* enum rs_arp_kind */
	uint32_t len;            /* 8 + 2*hlen + 2*plen: the message, without padding */
	uint32_t wire;           /* bytes from the ARP header to the frame's end (tcpdump's length) */
};

struct rs_error {
	enum rs_layer layer;
	enum rs_status kind;     /* RS_TRUNCATED, RS_INVALID or RS_UNSUPPORTED */
	char detail[RS_ERR_DETAIL];
};

struct rs_packet {
	uint64_t frame;          /* 1-based, counted by the caller */
	/* The time, set once (rs_packet_set_time, rs_packet_from_pcap):
	 * ts_ns is what the tracker and detector reckon with (clamped as
	 * rs_time_ns), ts_sec.ts_frac the same time as the capture has it,
	 * to print at its precision. */
	int64_t ts_ns;
	int64_t ts_sec;
	uint32_t ts_frac;        /* microseconds or nanoseconds, see ts_digits */
	uint8_t ts_digits;       /* 6 or 9 */
	uint32_t caplen, len;
	struct rs_pkt_meta meta;

	struct rs_link link;
	bool has_ip;
	struct rs_ip ip;
	enum rs_layer l4;        /* RS_LAYER_TCP/UDP/ICMP/ICMPV6 when decoded */
	struct rs_tcp tcp;
	struct rs_udp udp;
	struct rs_icmp icmp;
	bool has_arp;            /* an ARP or RARP message (the link's, or one a tunnel carried) */
	struct rs_arp arp;

	const uint8_t *payload;  /* application bytes captured (may be NULL) */
	uint32_t payload_caplen;

	bool has_err;

	/*
	 * Outer layers, in wire order.  outer[0 .. n_before_ip) lie outside
	 * pkt->ip; outer[n_before_ip .. n_outer) lie inside it: a tunnel whose
	 * payload held no IP header (Ethernet with ARP, a truncated inner
	 * header).
	 */
	uint8_t n_outer;
	uint8_t n_before_ip;
	/* A reset clears everything from link to here; err and outer, the
	 * largest and the rarest, are counted (has_err, n_outer) and only
	 * their heads are cleared. */
	struct rs_error err;
	struct rs_outer outer[RS_MAX_OUTER];
};

/* True for the link types rs_decode() understands. */
bool rs_dlt_supported(int dlt);
/* A short name for a DLT ("EN10MB", "LINUX_SLL2", ...), never NULL. */
const char *rs_dlt_name(int dlt);
/* The supported link types, for fuzzers and tests: rs_dlt_at(0 .. count-1). */
size_t rs_dlt_count(void);
int rs_dlt_at(size_t i);

/*
 * Decodes one captured packet.  Fills every layer it can and returns the
 * status of the first layer that failed (RS_OK when all went well).
 * Frame number and timestamp are left as the caller set them; everything
 * else in *pkt is reset.
 */
enum rs_status rs_decode(int dlt, const uint8_t *p, size_t caplen, size_t wirelen,
			 struct rs_packet *pkt);
/* The same with what the capture says about the packet (NULL: nothing). */
enum rs_status rs_decode_meta(int dlt, const uint8_t *p, size_t caplen, size_t wirelen,
			      const struct rs_pkt_meta *meta, struct rs_packet *pkt);


/*
 * A capture time in nanoseconds; frac is in microseconds when digits is 6,
 * nanoseconds when 9.  The seconds are clamped to 0..2^62 ns (the year
 * 2116): a pcapng file can carry any 64-bit timestamp, and past that
 * neither a time nor the difference of two times would fit in 64 bits.
 */
int64_t rs_time_ns(int64_t sec, uint32_t frac, uint8_t digits);
/* Sets the packet's time (ts_sec, ts_frac, ts_digits and ts_ns). */
void rs_packet_set_time(struct rs_packet *pkt, int64_t sec, uint32_t frac, uint8_t digits);

/* How the pcap headers of one source read. */
struct pcap_pkthdr;
struct rs_pcap_form {
	int dlt;
	uint8_t tv_digits;       /* ts.tv_usec holds microseconds (6) or nanoseconds (9) */
	uint8_t ts_digits;       /* the precision the capture has, to print (6 or 9) */
};
/*
 * Builds *pkt from one captured packet and decodes it (rs_decode_meta):
 * the one place where frame number, time and lengths are set from a
 * capture, live or from a file.  Returns the decoder's status.
 */
enum rs_status rs_packet_from_pcap(struct rs_packet *pkt, uint64_t frame,
				   const struct rs_pcap_form *form, const struct pcap_pkthdr *h,
				   const uint8_t *data, const struct rs_pkt_meta *meta);

/* Resets the decoded fields of *pkt (not frame/ts/caplen/len/meta). */
void rs_packet_reset(struct rs_packet *pkt);

#endif
