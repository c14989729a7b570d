/*
 * print_summary.c: the per-connection summary, one row (text) or object
 * (JSON) per connection record (tracker_zeek.c fills the record: Zeek's
 * conn_state and history), and the tracker's counters at the end.
 */
#include <stdio.h>
#include <string.h>

#include "rawshake/print_summary.h"

/* "ip:port" or "[ip6]:port" into buf; returns its length. */
static size_t endpoint_str(char *buf, size_t n, uint8_t v, const uint8_t *a, uint16_t port)
{
	char ip[RS_IP_STRLEN];
	char digits[8];
	size_t len = 0, k = 0;

	rs_ip_format(ip, v == 6 ? 6 : 4, a);
	do {
		digits[k++] = (char)('0' + port % 10);
		port /= 10;
	} while (port);
	if (v == 6 && len + 1 < n)
		buf[len++] = '[';
	for (const char *c = ip; *c && len + 1 < n; c++)
		buf[len++] = *c;
	if (v == 6 && len + 1 < n)
		buf[len++] = ']';
	if (len + 1 < n)
		buf[len++] = ':';
	while (k > 0 && len + 1 < n)
		buf[len++] = digits[--k];
	buf[len] = '\0';
	return len;
}

/* s, then spaces up to width columns ("%-*s"). */
static void out_left(struct rs_out *o, const char *s, size_t len, size_t width)
{
	rs_out_write(o, s, len);
	for (; len < width; len++)
		rs_out_char(o, ' ');
}

/* A non-negative duration in ns as seconds with 6 decimals, right-aligned
 * ("%*.6f"), without floating point: summary rows are printed for every
 * connection, and printf was a tenth of the time of "read -q --summary". */
static void out_secs6(struct rs_out *o, int64_t ns, unsigned width)
{
	char tmp[32];
	size_t n = 0;
	uint64_t us = ns < 0 ? 0 : ((uint64_t)ns + 500) / 1000;
	uint64_t sec = us / 1000000, frac = us % 1000000;

	for (int i = 0; i < 6; i++, frac /= 10)
		tmp[sizeof(tmp) - 1 - n++] = (char)('0' + frac % 10);
	tmp[sizeof(tmp) - 1 - n++] = '.';
	do {
		tmp[sizeof(tmp) - 1 - n++] = (char)('0' + sec % 10);
		sec /= 10;
	} while (sec && n < sizeof(tmp));
	for (size_t pad = n; pad < width; pad++)
		rs_out_char(o, ' ');
	rs_out_write(o, tmp + sizeof(tmp) - n, n);
}

void rs_print_summary_text_header(struct rs_out *o)
{
	rs_out_str(o, "conn client                server                  duration  c2s pkts/bytes  s2c pkts/bytes  hs-rtt     state  history    close\n");
}

/* A count right-aligned in 6, "/", the bytes left-aligned in 8 ("%6llu/%-8llu"). */
static void out_pkts_bytes(struct rs_out *o, uint64_t pkts, uint64_t bytes)
{
	char tmp[24];
	size_t n = 0;

	rs_out_u64_w(o, pkts, 6);
	rs_out_char(o, '/');
	do {
		tmp[sizeof(tmp) - 1 - n++] = (char)('0' + bytes % 10);
		bytes /= 10;
	} while (bytes);
	out_left(o, tmp + sizeof(tmp) - n, n, 8);
}

void rs_print_summary_text_row(struct rs_out *o, const struct rs_conn_record *r)
{
	char cl[64], sv[64];
	size_t cn = endpoint_str(cl, sizeof(cl), r->v, r->client, r->cport);
	size_t sn = endpoint_str(sv, sizeof(sv), r->v, r->server, r->sport);

	rs_out_u64_w(o, r->id, 4);
	rs_out_char(o, ' ');
	out_left(o, cl, cn, 21);
	rs_out_str(o, r->client_guessed ? "? " : "  ");
	out_left(o, sv, sn, 21);
	rs_out_char(o, ' ');
	out_secs6(o, r->last_ns - r->first_ns, 10);
	rs_out_char(o, ' ');
	out_pkts_bytes(o, r->c2s_pkts, r->c2s_bytes);
	rs_out_char(o, ' ');
	out_pkts_bytes(o, r->s2c_pkts, r->s2c_bytes);
	rs_out_char(o, ' ');
	if (r->has_rtt) {
		out_secs6(o, r->rtt_ns, 9);
		rs_out_str(o, "  ");
	} else {
		rs_out_str(o, "        -  ");
	}
	out_left(o, r->conn_state, strlen(r->conn_state), 6);
	rs_out_char(o, ' ');
	if (r->history[0])
		out_left(o, r->history, strlen(r->history), 10);
	else
		out_left(o, "-", 1, 10);
	rs_out_char(o, ' ');
	rs_out_str(o, rs_close_kind_str(r->close));
	rs_out_char(o, '\n');
}

void rs_print_summary_json(struct rs_out *o, const struct rs_conn_record *r)
{
	unsigned dg = r->ts_digits == 9 ? 9 : 6;
	rs_out_str(o, "{\"type\":\"conn\",\"id\":");
	rs_out_u64(o, r->id);
	rs_out_json_key(o, "client");
	rs_out_json_ip(o, r->v, r->client);
	rs_out_json_u64(o, "cport", r->cport);
	rs_out_json_key(o, "server");
	rs_out_json_ip(o, r->v, r->server);
	rs_out_json_u64(o, "sport", r->sport);
	rs_out_json_key(o, "first_ts");
	rs_out_char(o, '"');
	rs_out_ts_ns(o, r->first_ns, dg);
	rs_out_char(o, '"');
	rs_out_json_key(o, "last_ts");
	rs_out_char(o, '"');
	rs_out_ts_ns(o, r->last_ns, dg);
	rs_out_char(o, '"');
	rs_out_json_key(o, "duration");
	rs_out_ts_ns(o, r->last_ns - r->first_ns, dg);
	rs_out_json_u64(o, "c2s_pkts", r->c2s_pkts);
	rs_out_json_u64(o, "c2s_bytes", r->c2s_bytes);
	rs_out_json_u64(o, "s2c_pkts", r->s2c_pkts);
	rs_out_json_u64(o, "s2c_bytes", r->s2c_bytes);
	rs_out_json_key(o, "handshake_rtt");
	if (r->has_rtt)
		rs_out_ts_ns(o, r->rtt_ns, dg);
	else
		rs_out_str(o, "null");
	rs_out_json_key(o, "conn_state");
	rs_out_json_cstr(o, r->conn_state);
	rs_out_json_key(o, "history");
	rs_out_json_cstr(o, r->history);
	rs_out_json_key(o, "close");
	rs_out_json_cstr(o, rs_close_kind_str(r->close));
	/* Extra members, after the documented ones. */
	if (r->has_rtt) {
		rs_out_json_key(o, "rtt_server");
		rs_out_ts_ns(o, r->rtt_server_ns, dg);
		rs_out_json_key(o, "rtt_client");
		rs_out_ts_ns(o, r->rtt_client_ns, dg);
	}
	rs_out_json_bool(o, "client_guessed", r->client_guessed);
	rs_out_json_key(o, "client_state");
	rs_out_json_cstr(o, rs_tcp_state_str(r->client_state));
	rs_out_json_key(o, "server_state");
	rs_out_json_cstr(o, rs_tcp_state_str(r->server_state));
	rs_out_json_bool(o, "client_state_guessed", r->client_state_guessed);
	rs_out_json_bool(o, "server_state_guessed", r->server_state_guessed);
	rs_out_json_u64(o, "retransmissions", r->retransmissions);
	rs_out_json_key(o, "end");
	rs_out_json_cstr(o, rs_conn_end_str(r->end));
	rs_out_str(o, "}\n");
}

void rs_print_summary_stats_text(struct rs_out *o, const struct rs_tracker_stats *st)
{
	rs_out_printf(o, "# %llu TCP connection%s (%llu at most at once), %llu evicted, %llu expired, %llu port reuse%s\n",
		      (unsigned long long)st->conns, st->conns == 1 ? "" : "s",
		      (unsigned long long)st->peak, (unsigned long long)st->evicted,
		      (unsigned long long)st->expired, (unsigned long long)st->reused,
		      st->reused == 1 ? "" : "s");
}

void rs_print_summary_stats_json(struct rs_out *o, const struct rs_tracker_stats *st)
{
	rs_out_printf(o, "{\"type\":\"tracker\",\"packets\":%llu,\"conns\":%llu,\"peak\":%llu,"
		      "\"evicted\":%llu,\"expired\":%llu,\"reused\":%llu,\"capacity\":%llu,"
		      "\"alloc_failed\":%llu,\"history_truncated\":%llu}\n",
		      (unsigned long long)st->packets, (unsigned long long)st->conns,
		      (unsigned long long)st->peak, (unsigned long long)st->evicted,
		      (unsigned long long)st->expired, (unsigned long long)st->reused,
		      (unsigned long long)st->capacity, (unsigned long long)st->alloc_failed,
		      (unsigned long long)st->history_truncated);
}
