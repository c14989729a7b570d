/*
 * print_note.h: the plain-language note under each TCP packet (text), and the
 * "conn"/"note" members of its JSON object.
 */
#ifndef RAWSHAKE_NOTE_H
#define RAWSHAKE_NOTE_H

#include "rawshake/out.h"
#include "rawshake/packet.h"
#include "rawshake/tracker.h"

enum {
	RS_PRINT_NOTE_VERBOSE = 1u << 0,   /* a second line: window scaling, options, checksum */
	RS_PRINT_NOTE_ABSOLUTE = 1u << 1,  /* raw sequence numbers instead of relative ones */
};

/* The indented line(s) under the packet line, each ending in '\n'. */
void rs_print_note_text(struct rs_out *o, const struct rs_packet *pkt, const struct rs_tcp_event *ev,
		  unsigned flags);
/* `"conn":{"id":N,"dir":"c2s","event":"...","client_state":"...","server_state":"...",
 *  "client_state_via":"...","server_state_via":"...",
 *  "analysis":[...],"client_guessed":B,"client_state_guessed":B,"server_state_guessed":B},
 *  "note":"..."` with no leading comma; a *_state_via member only when that end passed
 *  through a state within the segment (FIN_WAIT_2 from FIN_WAIT_1 to TIME_WAIT). */
void rs_print_note_json(struct rs_out *o, const struct rs_packet *pkt, const struct rs_tcp_event *ev);
/* `,"rel_seq":N,"rel_ack":N,"rel_sack":[[L,R]]` for the "tcp" object (rel_ack omitted
 * when not valid, rel_sack without SACK blocks or a base for them). */
void rs_print_note_json_tcp_rel(struct rs_out *o, const struct rs_tcp_event *ev);
/* The event name for --brief: the most telling analysis flag, else the kind. */
const char *rs_tcp_event_brief(const struct rs_tcp_event *ev);
/* The note without the states, into buf (always NUL-terminated); returns its length. */
size_t rs_print_note_format(char *buf, size_t n, const struct rs_packet *pkt,
		      const struct rs_tcp_event *ev, unsigned flags);

#endif
