/* decode_transport.c: what an IP header carries, by protocol number:
 * TCP, UDP, ICMP, ICMPv6, and the tunnels that start again at IP or GRE. */
#include <stddef.h>

#include "decode_int.h"

enum rs_status rs_decode_transport(struct rs_packet *pkt, uint8_t proto, struct rs_reader r,
				   const struct rs_l3info *l3)
{
	switch (proto) {
	case 6:
		return rs_decode_tcp(pkt, r, l3);
	case 17:
		return rs_decode_udp(pkt, r, l3);
	case 1:
		return rs_decode_icmp(pkt, r, l3);
	case 58:
		return rs_decode_icmp6(pkt, r, l3);
	case 4:   /* IP in IP (RFC 2003), IPv4 in IPv6 (RFC 2473) */
	case 41:  /* 6in4 (RFC 4213), IPv6 in IPv6 */
	case 47:  /* GRE */
		/* A fragment's payload is not all here: the tunnel is shown as
		 * the IP protocol, as for any fragment. */
		if (l3->fragmented)
			return RS_OK;
		if (proto == 47)
			return rs_decode_gre(pkt, r, l3->len);
		return proto == 4 ? rs_decode_ipv4(pkt, r, l3->len) : rs_decode_ipv6(pkt, r, l3->len);
	default:
		return RS_OK;
	}
}
