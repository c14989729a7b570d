/*
 * print_summary.h: one row (text) or one JSON object per finished connection,
 * with Zeek's conn_state and history so that users can compare with
 * their conn.log.
 */
#ifndef RAWSHAKE_SUMMARY_H
#define RAWSHAKE_SUMMARY_H

#include "rawshake/out.h"
#include "rawshake/tracker.h"

void rs_print_summary_text_header(struct rs_out *o);
/* One line, ending in '\n'. */
void rs_print_summary_text_row(struct rs_out *o, const struct rs_conn_record *r);
/* One JSON object and '\n':
 * {"type":"conn","id":N,"client":"ip","cport":N,"server":"ip","sport":N,
 *  "first_ts":"S.F","last_ts":"S.F","duration":S,"c2s_pkts":N,...,
 *  "handshake_rtt":S|null,"conn_state":"SF","history":"ShADadFf","close":"fin",...} */
void rs_print_summary_json(struct rs_out *o, const struct rs_conn_record *r);
/* The tracker's counters, e.g. "# 12 connections, 0 evicted, 3 expired ...\n". */
void rs_print_summary_stats_text(struct rs_out *o, const struct rs_tracker_stats *st);
void rs_print_summary_stats_json(struct rs_out *o, const struct rs_tracker_stats *st);
#endif
