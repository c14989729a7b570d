/*
 * print_svg.h: the pictures of one TCP connection as SVG: the ladder
 * (sequence) diagram, the time-sequence graph (Stevens, tcptrace), and
 * small throughput and RTT charts.  Drawn from the segments kept by the
 * HTML report (print_html.c), either inside its page or alone as one SVG
 * file (--format svg).  Every string goes through rs_print_svg_escape.
 */
#ifndef RAWSHAKE_PRINT_SVG_H
#define RAWSHAKE_PRINT_SVG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rawshake/out.h"
#include "rawshake/packet.h"

/* One TCP segment as the pictures and the packet table need it. */
struct rs_seg {
	uint64_t frame;
	int64_t ns;
	uint32_t rel_seq, rel_ack, len;
	uint32_t win;                 /* scaled when the scale is known */
	uint32_t analysis;            /* RS_AN_* */
	uint32_t sack[RS_MAX_SACK][2];/* relative, in the peer's numbers */
	uint16_t mss;
	uint8_t n_sack, wscale, flags, dir;
	uint8_t cs, ss, pcs, pss;     /* states after and before (enum rs_tcp_state) */
	uint8_t cvia, svia;           /* a state passed through; RS_TCP_STATE_COUNT: none */
	bool ack_valid, has_mss, has_wscale, sack_perm;
	const char *note;             /* kept by the report; "" when not kept */
	uint32_t next;                /* the report's list of a connection's segments */
};

/* A connection's segments to draw: segs[0 .. fold_at) and segs[fold_at .. n)
 * with the bulk between them folded into one line; fold_at == n: none. */
struct rs_svg_conn {
	uint64_t id;
	uint8_t v;
	uint8_t client[16], server[16];
	uint16_t cport, sport;
	bool client_guessed;
	const struct rs_seg *const *segs;
	size_t n, fold_at;
	uint64_t fold_segs, fold_data_segs, fold_bytes;  /* what the fold hides */
	int64_t fold_ns;
	/* The time-sequence graph and the charts: every kept segment; a gap
	 * (segments not kept) lies after all[gap_at - 1] when gap_at < n_all. */
	const struct rs_seg *const *all;
	size_t n_all, gap_at;
	uint64_t gap_segs;
};

enum rs_svg_graph {
	RS_SVG_LADDER = 0,
	RS_SVG_TSG,
};

/* s (n bytes, from a capture or a name) as XML/HTML text or attribute
 * value: & < > " ' as entities, control bytes and bytes of invalid UTF-8
 * as the text \xNN, so that nothing in a capture can make markup. */
void rs_print_svg_escape(struct rs_out *o, const char *s, size_t n);
static inline void rs_print_svg_escape_str(struct rs_out *o, const char *s)
{
	rs_print_svg_escape(o, s, strlen(s));
}

/* The words of a segment's arrow: flags, relative seq/ack, length, the
 * window of a SYN or a closed window, options "(mss 1460,ws 7,sack-perm)",
 * analysis tags "[retransmission]".  Only our own names and numbers: no
 * escaping needed. */
void rs_print_svg_seg_label(struct rs_out *o, const struct rs_seg *s);

/* The pictures as <svg> elements (standalone: with the XML declaration
 * and namespace, for a file of its own). */
void rs_print_svg_ladder(struct rs_out *o, const struct rs_svg_conn *c, bool standalone);
void rs_print_svg_tsg(struct rs_out *o, const struct rs_svg_conn *c, bool standalone);
/* Throughput of the busier direction and RTT by ack matching (Karn:
 * retransmitted segments are not timed); nothing when there is no data. */
void rs_print_svg_charts(struct rs_out *o, const struct rs_svg_conn *c);

#endif
