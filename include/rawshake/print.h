/*
 * print.h: one decoded packet as a line of text or as a JSON object.
 *
 * Both printers write through the buffered writer and never allocate.
 * When a tracker event is given (TCP packets), the printers show relative
 * sequence numbers and the tracker's notes; without one they show the
 * packet alone with absolute numbers.
 */
#ifndef RAWSHAKE_PRINT_H
#define RAWSHAKE_PRINT_H

#include <stdbool.h>
#include <time.h>

#include "rawshake/out.h"
#include "rawshake/packet.h"

struct rs_tcp_event;

enum rs_print_flag {
	RS_PRINT_VERBOSE = 1u << 0,   /* -v: IP details, option details, checksums */
	RS_PRINT_ABSOLUTE = 1u << 1,  /* -S: raw seq/ack even when tracked */
	RS_PRINT_BRIEF = 1u << 2,     /* --brief: one line, event name instead of the note */
	RS_PRINT_NO_NOTE = 1u << 3,   /* packet line only */
	/* What tcpdump users reach for (text; RS_PRINT_PAYLOAD is JSON's). */
	RS_PRINT_LINK = 1u << 4,      /* -e: the link-layer header on the line */
	RS_PRINT_COLOR = 1u << 5,     /* --color: flags, states, analysis, bad checksums */
	RS_PRINT_UTC = 1u << 6,       /* --utc: times in UTC, not local time */
	RS_PRINT_PAYLOAD = 1u << 7,   /* --payload: JSON "payload" with the transport's bytes */
	RS_PRINT_HEX = 1u << 8,       /* -x: the bytes in hex, from the network layer */
	RS_PRINT_HEX_ASCII = 1u << 9, /* -X: hex and an ASCII column */
	RS_PRINT_ASCII = 1u << 10,    /* -A: the bytes as ASCII */
	RS_PRINT_WITH_LINK = 1u << 11,/* -xx, -XX, -AA: from the link-layer header on */
};
/* The time form (enum rs_ts_mode, the number of -t) in bits 12..14. */
#define RS_PRINT_TS_SHIFT 12
#define RS_PRINT_TS_MASK (7u << RS_PRINT_TS_SHIFT)
#define RS_PRINT_DUMP (RS_PRINT_HEX | RS_PRINT_HEX_ASCII | RS_PRINT_ASCII)

struct rs_printer {
	unsigned flags;
	struct rs_ts_clock clock;     /* the time form of RS_PRINT_TS_MASK */
};

void rs_printer_init(struct rs_printer *pr, unsigned flags);

/* One packet as text: a line, then the tracker's note lines if any. */
void rs_print_text(struct rs_printer *pr, struct rs_out *o, const struct rs_packet *pkt,
		   const struct rs_tcp_event *ev);

/* One packet as a JSON object on one line (JSON Lines). */
void rs_print_json(struct rs_printer *pr, struct rs_out *o, const struct rs_packet *pkt,
		   const struct rs_tcp_event *ev);

/* The pcapng comments of a packet shown, at most RS_COMMENT_SHOWN bytes
 * of each (the rest as "..."). */
#define RS_COMMENT_SHOWN 512

/* TCP flags in the fixed order FIN SYN RST PSH ACK URG ECE CWR, comma-separated. */
void rs_print_tcp_flags(struct rs_out *o, uint8_t flags);

#endif
