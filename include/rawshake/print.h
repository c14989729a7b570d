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
};

struct rs_printer {
	unsigned flags;
	/* Cache of the last second turned into local time: localtime_r()
	 * per packet would cost more than the rest of the line. */
	int64_t cached_sec;
	char cached_hms[16];
	bool cache_valid;
};

void rs_printer_init(struct rs_printer *pr, unsigned flags);

/* One packet as text: a line, then the tracker's note lines if any. */
void rs_print_text(struct rs_printer *pr, struct rs_out *o, const struct rs_packet *pkt,
		   const struct rs_tcp_event *ev);

/* One packet as a JSON object on one line (JSON Lines). */
void rs_print_json(struct rs_printer *pr, struct rs_out *o, const struct rs_packet *pkt,
		   const struct rs_tcp_event *ev);

/* TCP flags in the fixed order FIN SYN RST PSH ACK URG ECE CWR, comma-separated. */
void rs_print_tcp_flags(struct rs_out *o, uint8_t flags);

#endif
