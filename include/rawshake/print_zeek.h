/*
 * print_zeek.h: connection records as Zeek's conn.log, in its ASCII (TSV)
 * form with the header and footer lines, or as its JSON lines.
 *
 * The fields and types are those of current Zeek releases (7.x, 8.x):
 *   ts uid id.orig_h id.orig_p id.resp_h id.resp_p proto service duration
 *   orig_bytes resp_bytes conn_state local_orig local_resp missed_bytes
 *   history orig_pkts orig_ip_bytes resp_pkts resp_ip_bytes tunnel_parents
 *   ip_proto
 * Unset fields are '-' in TSV and left out in JSON, as Zeek's writers do.
 */
#ifndef RAWSHAKE_PRINT_ZEEK_H
#define RAWSHAKE_PRINT_ZEEK_H

#include <stdint.h>

#include "rawshake/out.h"
#include "rawshake/tracker.h"

/* What the log needs across records: the span of the capture it covers,
 * for #open and #close. */
struct rs_zeek_log {
	uint64_t rows;
	int64_t first_ns, last_ns;
};

#define RS_ZEEK_UID_MAX 24

/* "C" and base62 digits of a hash of the 5-tuple and first packet time:
 * the same capture gives the same uids.  Returns buf. */
char *rs_zeek_uid(char buf[RS_ZEEK_UID_MAX], const struct rs_conn_record *r);

/* Counts the record into the log's span (call for every row). */
void rs_zeek_log_add(struct rs_zeek_log *log, const struct rs_conn_record *r);
/* The header lines (#separator ... #types), #open at the log's first packet. */
void rs_print_zeek_header(struct rs_out *o, const struct rs_zeek_log *log);
/* One TSV line. */
void rs_print_zeek_row(struct rs_out *o, const struct rs_conn_record *r);
/* #close at the log's last packet. */
void rs_print_zeek_footer(struct rs_out *o, const struct rs_zeek_log *log);
/* One JSON object and '\n', as Zeek's LogAscii::use_json. */
void rs_print_zeek_json(struct rs_out *o, const struct rs_conn_record *r);

#endif
