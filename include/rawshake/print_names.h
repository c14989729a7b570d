/*
 * print_names.h: names for protocol numbers, for printers.  Every function
 * returns a static string; which ones may return NULL is said below.
 */
#ifndef RAWSHAKE_NAMES_H
#define RAWSHAKE_NAMES_H

#include <stdint.h>

/* ICMP (v 4) or ICMPv6 (v 6) type: "echo-request", ...; "unknown" when unnamed. */
const char *rs_icmp_type_name(uint8_t v, uint8_t type);
/* The code's name ("port-unreachable", ...), or NULL when it has none. */
const char *rs_icmp_code_name(uint8_t v, uint8_t type, uint8_t code);
/* "tcp", "udp", "icmp", ...; NULL when unknown. */
const char *rs_ipproto_name(uint8_t proto);
/* "IPv4", "ARP", "VLAN", ...; NULL when unknown. */
const char *rs_ethertype_name(uint16_t type);

/* An 802.11 frame's name by type and subtype ("beacon", "qos-data", ...); never NULL. */
const char *rs_wlan_frame_name(uint8_t type, uint8_t subtype);
/* A GTP-U message type ("g-pdu", "echo-request", ...); NULL when unknown. */
const char *rs_gtp_msg_name(uint8_t type);

/* TCP flags in the order they are printed: FIN SYN RST PSH ACK URG ECE CWR. */
struct rs_flag_name {
	uint8_t bit;       /* RS_TH_* */
	const char *name;  /* "FIN", ... */
	char letter;       /* 'F', ... */
};
extern const struct rs_flag_name rs_tcp_flag_names[8];
/* The name of one RS_TH_* bit, or NULL when `bit` is not one flag. */
const char *rs_tcp_flag_name(unsigned bit);

#endif
