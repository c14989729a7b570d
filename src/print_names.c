/* print_names.c: name tables for ICMP/ICMPv6 (RFC 792, RFC 4443, RFC 4861), IP protocols, ethertypes, 802.11 frame subtypes, GTP messages and TCP flags. */
#include <stddef.h>

#include "rawshake/print_names.h"
#include "rawshake/packet.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

struct type_name {
	uint8_t v, type;
	const char *name;
};

static const struct type_name icmp_types[] = {
	{ 4, 0, "echo-reply" },
	{ 4, 3, "dest-unreachable" },
	{ 4, 4, "source-quench" },
	{ 4, 5, "redirect" },
	{ 4, 8, "echo-request" },
	{ 4, 9, "router-advert" },
	{ 4, 10, "router-solicit" },
	{ 4, 11, "time-exceeded" },
	{ 4, 12, "param-problem" },
	{ 4, 13, "timestamp" },
	{ 4, 14, "timestamp-reply" },
	{ 4, 15, "info-request" },
	{ 4, 16, "info-reply" },
	{ 4, 17, "mask-request" },
	{ 4, 18, "mask-reply" },
	{ 6, 1, "dest-unreachable" },
	{ 6, 2, "packet-too-big" },
	{ 6, 3, "time-exceeded" },
	{ 6, 4, "param-problem" },
	{ 6, 128, "echo-request" },
	{ 6, 129, "echo-reply" },
	{ 6, 130, "mld-query" },
	{ 6, 131, "mld-report" },
	{ 6, 132, "mld-done" },
	{ 6, 133, "router-solicit" },
	{ 6, 134, "router-advert" },
	{ 6, 135, "neighbor-solicit" },
	{ 6, 136, "neighbor-advert" },
	{ 6, 137, "redirect" },
	{ 6, 143, "mldv2-report" },
};

const char *rs_icmp_type_name(uint8_t v, uint8_t type)
{
	for (size_t i = 0; i < N(icmp_types); i++)
		if (icmp_types[i].v == v && icmp_types[i].type == type)
			return icmp_types[i].name;
	return "unknown";
}

struct code_name {
	uint8_t v, type, code;
	const char *name;
};

static const struct code_name icmp_codes[] = {
	{ 4, 3, 0, "net-unreachable" },
	{ 4, 3, 1, "host-unreachable" },
	{ 4, 3, 2, "proto-unreachable" },
	{ 4, 3, 3, "port-unreachable" },
	{ 4, 3, 4, "frag-needed" },
	{ 4, 3, 5, "source-route-failed" },
	{ 4, 3, 6, "net-unknown" },
	{ 4, 3, 7, "host-unknown" },
	{ 4, 3, 8, "source-host-isolated" },
	{ 4, 3, 9, "net-prohibited" },
	{ 4, 3, 10, "host-prohibited" },
	{ 4, 3, 11, "net-tos-unreachable" },
	{ 4, 3, 12, "host-tos-unreachable" },
	{ 4, 3, 13, "admin-prohibited" },
	{ 4, 3, 14, "host-precedence-violation" },
	{ 4, 3, 15, "precedence-cutoff" },
	{ 4, 5, 0, "redirect-net" },
	{ 4, 5, 1, "redirect-host" },
	{ 4, 5, 2, "redirect-tos-net" },
	{ 4, 5, 3, "redirect-tos-host" },
	{ 4, 11, 0, "ttl-exceeded" },
	{ 4, 11, 1, "frag-reassembly-exceeded" },
	{ 4, 12, 0, "pointer" },
	{ 4, 12, 1, "missing-option" },
	{ 4, 12, 2, "bad-length" },
	{ 6, 1, 0, "no-route" },
	{ 6, 1, 1, "admin-prohibited" },
	{ 6, 1, 2, "beyond-scope" },
	{ 6, 1, 3, "address-unreachable" },
	{ 6, 1, 4, "port-unreachable" },
	{ 6, 1, 5, "source-policy-failed" },
	{ 6, 1, 6, "reject-route" },
	{ 6, 3, 0, "hop-limit-exceeded" },
	{ 6, 3, 1, "frag-reassembly-exceeded" },
	{ 6, 4, 0, "bad-header-field" },
	{ 6, 4, 1, "unknown-next-header" },
	{ 6, 4, 2, "unknown-option" },
};

const char *rs_icmp_code_name(uint8_t v, uint8_t type, uint8_t code)
{
	for (size_t i = 0; i < N(icmp_codes); i++)
		if (icmp_codes[i].v == v && icmp_codes[i].type == type &&
		    icmp_codes[i].code == code)
			return icmp_codes[i].name;
	return NULL;
}

static const struct {
	uint8_t proto;
	const char *name;
} ipprotos[] = {
	{ 0, "hopopts" },  { 1, "icmp" },      { 2, "igmp" },   { 4, "ipip" },
	{ 6, "tcp" },      { 17, "udp" },      { 41, "ipv6" },  { 43, "routing" },
	{ 44, "fragment" }, { 46, "rsvp" },    { 47, "gre" },   { 50, "esp" },
	{ 51, "ah" },      { 58, "icmpv6" },   { 59, "none" },  { 60, "dstopts" },
	{ 89, "ospf" },    { 103, "pim" },     { 112, "vrrp" }, { 132, "sctp" },
	{ 136, "udplite" },
};

const char *rs_ipproto_name(uint8_t proto)
{
	for (size_t i = 0; i < N(ipprotos); i++)
		if (ipprotos[i].proto == proto)
			return ipprotos[i].name;
	return NULL;
}

static const struct {
	uint16_t type;
	const char *name;
} ethertypes[] = {
	{ 0x0800, "IPv4" }, { 0x0806, "ARP" },  { 0x8035, "RARP" }, { 0x8100, "VLAN" },
	{ 0x86dd, "IPv6" }, { 0x8808, "PAUSE" }, { 0x8847, "MPLS" }, { 0x8848, "MPLS-mcast" },
	{ 0x8863, "PPPoE-D" }, { 0x8864, "PPPoE-S" }, { 0x888e, "EAPOL" }, { 0x88a8, "QinQ" },
	{ 0x88cc, "LLDP" }, { 0x88f7, "PTP" }, { 0x9000, "Loopback" }, { 0x9100, "QinQ-old" },
	{ 0x6558, "TEB" }, { 0x880b, "PPP" }, { 0x88be, "ERSPAN" }, { 0x88e7, "PBB" },
	{ 0x8903, "FabricPath" }, { 0x8926, "VN-Tag" }, { 0x22eb, "ERSPAN-III" },
};

const char *rs_ethertype_name(uint16_t type)
{
	for (size_t i = 0; i < N(ethertypes); i++)
		if (ethertypes[i].type == type)
			return ethertypes[i].name;
	return NULL;
}

const struct rs_flag_name rs_tcp_flag_names[8] = {
	{ RS_TH_FIN, "FIN", 'F' },
	{ RS_TH_SYN, "SYN", 'S' },
	{ RS_TH_RST, "RST", 'R' },
	{ RS_TH_PSH, "PSH", 'P' },
	{ RS_TH_ACK, "ACK", 'A' },
	{ RS_TH_URG, "URG", 'U' },
	{ RS_TH_ECE, "ECE", 'E' },
	{ RS_TH_CWR, "CWR", 'C' },
};

const char *rs_tcp_flag_name(unsigned bit)
{
	for (size_t i = 0; i < N(rs_tcp_flag_names); i++)
		if (rs_tcp_flag_names[i].bit == bit)
			return rs_tcp_flag_names[i].name;
	return NULL;
}

/* IEEE Std 802.11-2020 table 9-1, as tshark names them (lower case, dashes). */
static const struct {
	uint8_t type, subtype;
	const char *name;
} wlan_frames[] = {
	{ 0, 0, "assoc-request" },   { 0, 1, "assoc-response" }, { 0, 2, "reassoc-request" },
	{ 0, 3, "reassoc-response" }, { 0, 4, "probe-request" }, { 0, 5, "probe-response" },
	{ 0, 6, "timing-advert" },   { 0, 8, "beacon" },         { 0, 9, "atim" },
	{ 0, 10, "disassoc" },       { 0, 11, "auth" },          { 0, 12, "deauth" },
	{ 0, 13, "action" },         { 0, 14, "action-no-ack" },
	{ 1, 2, "trigger" },         { 1, 4, "beamforming-poll" }, { 1, 5, "vht-ndp-announce" },
	{ 1, 6, "control-ext" },     { 1, 7, "control-wrapper" }, { 1, 8, "block-ack-request" },
	{ 1, 9, "block-ack" },       { 1, 10, "ps-poll" },       { 1, 11, "rts" },
	{ 1, 12, "cts" },            { 1, 13, "ack" },           { 1, 14, "cf-end" },
	{ 1, 15, "cf-end-ack" },
	{ 2, 0, "data" },            { 2, 4, "null" },           { 2, 8, "qos-data" },
	{ 2, 12, "qos-null" },
};

const char *rs_wlan_frame_name(uint8_t type, uint8_t subtype)
{
	for (size_t i = 0; i < N(wlan_frames); i++)
		if (wlan_frames[i].type == type && wlan_frames[i].subtype == subtype)
			return wlan_frames[i].name;
	return type == 0 ? "management" : type == 1 ? "control" : type == 2 ? "data" : "extension";
}

/* 3GPP TS 29.281 table 6.1-1. */
static const struct {
	uint8_t type;
	const char *name;
} gtp_msgs[] = {
	{ 1, "echo-request" }, { 2, "echo-response" }, { 26, "error-indication" },
	{ 31, "supported-extension-headers" }, { 253, "tunnel-status" }, { 254, "end-marker" },
	{ 255, "g-pdu" },
};

const char *rs_gtp_msg_name(uint8_t type)
{
	for (size_t i = 0; i < N(gtp_msgs); i++)
		if (gtp_msgs[i].type == type)
			return gtp_msgs[i].name;
	return NULL;
}
