/*
 * send_replies.h: the reply listener of `send`: a libpcap live capture in
 * immediate mode, opened before the first packet goes out, with a BPF
 * filter for the replies (SYN-ACK, RST, echo replies, ICMP errors), and
 * the matching of each reply to the packet it answers, for its RTT.
 */
#ifndef RAWSHAKE_LISTEN_H
#define RAWSHAKE_LISTEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pcap/pcap.h>

#include "rawshake/craft.h"
#include "rawshake/packet.h"

struct rs_listener {
	pcap_t *pcap;
	int dlt;
	int fd;                   /* selectable descriptor */
};

/*
 * The filter for the replies to packets of proto to dst (port dport for
 * TCP/UDP), in pcap-filter syntax: from dst to any port we sent from, or
 * an ICMP/ICMPv6 error message.  Writes it into buf; false when it does
 * not fit.
 */
bool rs_send_replies_filter(char *buf, size_t n, enum rs_craft_proto proto, uint8_t v,
		      const uint8_t *dst, uint16_t dport);
/* Opens device ("any" for all) and installs filter.  False with err. */
bool rs_send_replies_open(struct rs_listener *ls, const char *device, const char *filter, char *err,
		    size_t errlen);
void rs_send_replies_close(struct rs_listener *ls);

/* What we remember of a sent packet to recognize its reply. */
struct rs_sent {
	uint64_t frame;           /* frame number it was printed with */
	int64_t ts_ns;            /* when it was sent (CLOCK_REALTIME) */
	uint16_t sport;
	uint32_t seq_next;        /* TCP: seq + payload + SYN + FIN */
	uint16_t echo_id, echo_seq;
	bool answered;
};

#define RS_SENT_RING 4096

/* The last RS_SENT_RING packets sent, oldest overwritten first. */
struct rs_send_replies_ring {
	struct rs_sent e[RS_SENT_RING];
	uint64_t n;               /* packets recorded so far */
};

void rs_send_replies_add(struct rs_send_replies_ring *r, const struct rs_sent *s);
/*
 * The sent packet reply answers, or NULL: a TCP segment to our source
 * port that acknowledges seq_next (or a RST without ACK to that port),
 * an echo reply with our id and sequence, or an ICMP error quoting our
 * source port (or echo id and sequence).  The newest match wins.
 */
struct rs_sent *rs_send_replies_match(struct rs_send_replies_ring *r, enum rs_craft_proto proto,
			      const struct rs_packet *reply);

#endif
