/*
 * print_zeek.c: conn.log as Zeek writes it (print_zeek.h), from the
 * records of the TCP tracker and of the UDP/ICMP flow table.
 *
 * Rules followed (Zeek's base/protocols/conn/main.zeek, its ASCII and
 * JSON writers):
 * - ts is the first packet's time, as seconds with 6 decimals; duration
 *   runs to the last packet Zeek counts (for TCP not past the moment both
 *   ends closed).  Times are cut to microseconds first, as Zeek reads a
 *   capture at microsecond precision.
 * - duration, orig_bytes and resp_bytes are unset when the duration is 0
 *   (a single packet); history when it is empty.  service, local_orig,
 *   local_resp (no Site::local_nets) and tunnel_parents are unset.
 * - proto is "icmp" for ICMPv6 too (Zeek's transport_proto); ip_proto
 *   says which.
 * - #open and #close are the first and last packet times of the log, in
 *   UTC, not the wall clock Zeek writes, so that a capture always gives
 *   the same file.
 */
#include <string.h>
#include <time.h>

#include "rawshake/print_zeek.h"

static const char *const fields =
	"ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\t"
	"orig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\t"
	"orig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents\tip_proto";
static const char *const types =
	"time\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\t"
	"bool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]\tcount";

/* splitmix64's finalizer: every input bit moves every output bit. */
static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	x ^= x >> 31;
	return x;
}

static uint64_t hash_bytes(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;   /* FNV-1a */
	return h;
}

/* v in base 62 with Zeek's digits, no leading zeros; returns the length. */
static size_t base62(char *buf, uint64_t v)
{
	static const char dig[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	char tmp[12];
	size_t n = 0;
	do {
		tmp[n++] = dig[v % 62];
		v /= 62;
	} while (v);
	for (size_t i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	return n;
}

char *rs_zeek_uid(char buf[RS_ZEEK_UID_MAX], const struct rs_conn_record *r)
{
	uint64_t h = 0xcbf29ce484222325ull;
	uint8_t head[2] = { r->ip_proto, r->v };
	uint16_t ports[2] = { r->cport, r->sport };

	h = hash_bytes(h, head, sizeof(head));
	h = hash_bytes(h, r->client, sizeof(r->client));
	h = hash_bytes(h, r->server, sizeof(r->server));
	h = hash_bytes(h, ports, sizeof(ports));
	h = hash_bytes(h, &r->first_ns, sizeof(r->first_ns));
	/* 96 bits, as Zeek's uids: 64 and 32 of them in base 62. */
	uint64_t a = mix64(h), b = mix64(h ^ 0x9e3779b97f4a7c15ull) & 0xffffffffu;
	size_t n = 0;
	buf[n++] = 'C';
	n += base62(buf + n, a);
	n += base62(buf + n, b);
	buf[n] = '\0';
	return buf;
}

void rs_zeek_log_add(struct rs_zeek_log *log, const struct rs_conn_record *r)
{
	if (log->rows == 0 || r->first_ns < log->first_ns)
		log->first_ns = r->first_ns;
	if (log->rows == 0 || r->last_ns > log->last_ns)
		log->last_ns = r->last_ns;
	log->rows++;
}

/* Zeek's "%Y-%m-%d-%H-%M-%S" of a header time. */
static void out_log_time(struct rs_out *o, int64_t ns)
{
	struct tm tm;
	char buf[64];
	time_t t = (time_t)(ns / 1000000000);

	if (!gmtime_r(&t, &tm) || strftime(buf, sizeof(buf), "%Y-%m-%d-%H-%M-%S", &tm) == 0)
		strcpy(buf, "-");
	rs_out_str(o, buf);
}

void rs_print_zeek_header(struct rs_out *o, const struct rs_zeek_log *log)
{
	rs_out_str(o, "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n"
		      "#unset_field\t-\n#path\tconn\n#open\t");
	out_log_time(o, log->first_ns);
	rs_out_str(o, "\n#fields\t");
	rs_out_str(o, fields);
	rs_out_str(o, "\n#types\t");
	rs_out_str(o, types);
	rs_out_char(o, '\n');
}

void rs_print_zeek_footer(struct rs_out *o, const struct rs_zeek_log *log)
{
	rs_out_str(o, "#close\t");
	out_log_time(o, log->last_ns);
	rs_out_char(o, '\n');
}

static int64_t usec(int64_t ns)
{
	return ns / 1000;
}

/* Zeek's duration, in microseconds: 0 leaves it (and the sizes) unset. */
static int64_t duration_us(const struct rs_conn_record *r)
{
	int64_t d = usec(r->zeek_last_ns) - usec(r->first_ns);
	return d > 0 ? d : 0;
}

/* Microseconds as seconds: "%.6f", or for JSON the shortest form
 * (trailing zeros dropped, one decimal kept), as Zeek's JSON writer. */
static void out_secs(struct rs_out *o, int64_t us, bool shortest)
{
	char frac[7];
	uint64_t u = us < 0 ? 0 : (uint64_t)us;
	uint32_t f = (uint32_t)(u % 1000000);
	int n = 6;

	rs_out_u64(o, u / 1000000);
	rs_out_char(o, '.');
	for (int i = 5; i >= 0; i--, f /= 10)
		frac[i] = (char)('0' + f % 10);
	while (shortest && n > 1 && frac[n - 1] == '0')
		n--;
	rs_out_write(o, frac, (size_t)n);
}

static const char *proto_name(uint8_t p)
{
	switch (p) {
	case 6: return "tcp";
	case 17: return "udp";
	case 1:
	case 58: return "icmp";
	}
	return "unknown_transport";
}

void rs_print_zeek_row(struct rs_out *o, const struct rs_conn_record *r)
{
	char uid[RS_ZEEK_UID_MAX];
	int64_t dur = duration_us(r);

	out_secs(o, usec(r->first_ns), false);
	rs_out_char(o, '\t');
	rs_out_str(o, rs_zeek_uid(uid, r));
	rs_out_char(o, '\t');
	rs_out_ip(o, r->v, r->client);
	rs_out_char(o, '\t');
	rs_out_u64(o, r->cport);
	rs_out_char(o, '\t');
	rs_out_ip(o, r->v, r->server);
	rs_out_char(o, '\t');
	rs_out_u64(o, r->sport);
	rs_out_char(o, '\t');
	rs_out_str(o, proto_name(r->ip_proto));
	rs_out_str(o, "\t-\t");
	if (dur > 0) {
		out_secs(o, dur, false);
		rs_out_char(o, '\t');
		rs_out_u64(o, r->orig_bytes);
		rs_out_char(o, '\t');
		rs_out_u64(o, r->resp_bytes);
	} else {
		rs_out_str(o, "-\t-\t-");
	}
	rs_out_char(o, '\t');
	rs_out_str(o, r->conn_state);
	rs_out_str(o, "\t-\t-\t");
	rs_out_u64(o, r->missed_bytes);
	rs_out_char(o, '\t');
	rs_out_str(o, r->history[0] ? r->history : "-");
	const uint64_t counts[4] = { r->c2s_pkts, r->orig_ip_bytes, r->s2c_pkts, r->resp_ip_bytes };
	for (int i = 0; i < 4; i++) {
		rs_out_char(o, '\t');
		rs_out_u64(o, counts[i]);
	}
	rs_out_str(o, "\t-\t");
	rs_out_u64(o, r->ip_proto);
	rs_out_char(o, '\n');
}

void rs_print_zeek_json(struct rs_out *o, const struct rs_conn_record *r)
{
	char uid[RS_ZEEK_UID_MAX];
	int64_t dur = duration_us(r);

	rs_out_str(o, "{\"ts\":");
	out_secs(o, usec(r->first_ns), true);
	rs_out_json_key(o, "uid");
	rs_out_json_cstr(o, rs_zeek_uid(uid, r));
	rs_out_json_key(o, "id.orig_h");
	rs_out_json_ip(o, r->v, r->client);
	rs_out_json_u64(o, "id.orig_p", r->cport);
	rs_out_json_key(o, "id.resp_h");
	rs_out_json_ip(o, r->v, r->server);
	rs_out_json_u64(o, "id.resp_p", r->sport);
	rs_out_json_key(o, "proto");
	rs_out_json_cstr(o, proto_name(r->ip_proto));
	if (dur > 0) {
		rs_out_json_key(o, "duration");
		out_secs(o, dur, true);
		rs_out_json_u64(o, "orig_bytes", r->orig_bytes);
		rs_out_json_u64(o, "resp_bytes", r->resp_bytes);
	}
	rs_out_json_key(o, "conn_state");
	rs_out_json_cstr(o, r->conn_state);
	rs_out_json_u64(o, "missed_bytes", r->missed_bytes);
	if (r->history[0]) {
		rs_out_json_key(o, "history");
		rs_out_json_cstr(o, r->history);
	}
	rs_out_json_u64(o, "orig_pkts", r->c2s_pkts);
	rs_out_json_u64(o, "orig_ip_bytes", r->orig_ip_bytes);
	rs_out_json_u64(o, "resp_pkts", r->s2c_pkts);
	rs_out_json_u64(o, "resp_ip_bytes", r->resp_ip_bytes);
	rs_out_json_u64(o, "ip_proto", r->ip_proto);
	rs_out_str(o, "}\n");
}
