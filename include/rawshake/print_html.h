/*
 * print_html.h: the report of a capture as one self-contained HTML page
 * (--format html): the capture's facts, the per-connection summary table,
 * and per connection its ladder, time-sequence graph, throughput and RTT
 * charts (print_svg.c) and packet table; or one picture alone as an SVG
 * file (--format svg).
 *
 * Memory bound.  Segments are kept for the first RS_HTML_MAX_CONNS
 * connections (or the one of --conn): the first RS_HTML_HEAD segments of
 * each in full with their note, then only the last RS_HTML_TAIL (a ring),
 * the rest counted.  Segments live in chunks of 4096 allocated as needed,
 * notes in 256 KiB chunks: at most RS_HTML_MAX_CONNS * RS_HTML_HEAD
 * segments (about 5 MB) and their notes; nothing is allocated per packet.
 */
#ifndef RAWSHAKE_PRINT_HTML_H
#define RAWSHAKE_PRINT_HTML_H

#include <stdbool.h>
#include <stdint.h>

#include "rawshake/out.h"
#include "rawshake/packet.h"
#include "rawshake/print_svg.h"
#include "rawshake/tracker.h"

#define RS_HTML_MAX_CONNS 50u     /* connections drawn (all are in the table) */
#define RS_HTML_MAX_ROWS 2000u    /* rows of the connection table */
#define RS_HTML_HEAD 1000u        /* segments kept in full per connection */
#define RS_HTML_TAIL 32u          /* and the last ones */
#define RS_HTML_TABLE_OPEN 200u   /* packet rows shown before the fold */

struct rs_print_html;

/* only_conn: the one connection kept (0: the first RS_HTML_MAX_CONNS).
 * NULL when the allocation fails. */
struct rs_print_html *rs_print_html_new(uint64_t only_conn);
void rs_print_html_free(struct rs_print_html *h);
/* The input files, named in the report (kept as pointers). */
void rs_print_html_set_files(struct rs_print_html *h, char *const *names, int n);
/* Every packet shown; ev NULL for a packet that is not a tracked TCP segment. */
void rs_print_html_add(struct rs_print_html *h, const struct rs_packet *pkt,
		       const struct rs_tcp_event *ev);
/* A finished connection's record (the tracker's on_conn_done). */
void rs_print_html_conn(struct rs_print_html *h, const struct rs_conn_record *r);
/* The whole page. */
void rs_print_html_write(struct rs_print_html *h, struct rs_out *o);
/* One picture of connection conn (0: the first one drawn) as an SVG file;
 * false when there is no such connection: then the SVG says so. */
bool rs_print_html_svg(struct rs_print_html *h, struct rs_out *o, uint64_t conn,
		       enum rs_svg_graph graph);

#endif
