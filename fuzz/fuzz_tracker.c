/*
 * fuzz_tracker.c: libFuzzer target for the TCP connection tracker and
 * everything that prints what it says: notes (text, JSON, brief, verbose),
 * the packet printers with a tracker event, the ladder diagram and the
 * summary records of finished, expired, evicted and reused connections.
 *
 * Input: a 4-byte header, then 16-byte records, one TCP segment each.
 *   header[0]  bits 0-2: max_conns - 1 (1..8, so eviction runs);
 *              bit 3: nanosecond timestamps; bit 4: verbose notes;
 *              bit 5: absolute numbers; bits 6-7: timeout scale
 *   header[1]  initial seq of every sender (times 0x01010101)
 *   header[2]  start time, seconds (times 2^24)
 *   header[3]  what prints each segment: bits 0-1: 0 the text line and
 *              note, 1 the JSON object, 2 the brief line, the note alone
 *              and its JSON members, 3 nothing (the tracker alone);
 *              bit 2: the ladder in ASCII
 *   record:
 *     r[0]     bits 0-2: which of 8 fixed 5-tuples; bit 3: server to
 *              client; bits 4-7: has MSS, window scale, SACK-permitted,
 *              timestamps
 *     r[1]     TCP flags
 *     r[2..3]  signed offset of seq from the sender's next sequence
 *     r[4]     signed offset of ack from the peer's next sequence
 *     r[5]     bit 0: seq and ack are r[12..15] as is; bit 1: checksum
 *              checked, bit 2: checksum good; bit 3: time goes backwards;
 *              bits 4-7: time shift
 *     r[6..7]  payload length
 *     r[8..9]  window
 *     r[10..11] time step in microseconds, shifted left by r[5] >> 4
 *     r[12..15] raw seq/ack (bit 0 of r[5]), else window scale (r[12]
 *              & 15), SACK blocks (r[13] & 3 of them) and TSval
 */
#include "fuzz.h"

#include <pcap/dlt.h>
#include <string.h>

#include "rawshake/print_ladder.h"
#include "rawshake/print_note.h"
#include "rawshake/print.h"
#include "rawshake/print_summary.h"
#include "rawshake/tracker.h"

#define HDR 4
#define REC 16
#define NTUPLES 8

/* The endpoints: IPv4 and IPv6, equal addresses with different ports and
 * equal ports with different addresses (the key's canonical order), a
 * port 0, a client port below the server's. */
static const struct {
	uint8_t v;
	uint8_t a[16], b[16];
	uint16_t pa, pb;
} tuples[NTUPLES] = {
	{ 4, { 192, 0, 2, 1 }, { 192, 0, 2, 2 }, 40000, 80 },
	{ 4, { 192, 0, 2, 1 }, { 192, 0, 2, 2 }, 40001, 80 },
	{ 4, { 192, 0, 2, 1 }, { 192, 0, 2, 1 }, 5000, 5001 },
	{ 4, { 198, 51, 100, 7 }, { 192, 0, 2, 2 }, 80, 80 },
	{ 4, { 203, 0, 113, 9 }, { 192, 0, 2, 2 }, 0, 443 },
	{ 6, { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 }, { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 }, 40000, 80 },
	{ 6, { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 }, { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 }, 22, 22 },
	{ 4, { 192, 0, 2, 3 }, { 192, 0, 2, 4 }, 1023, 65535 },
};

struct ctx {
	struct rs_out *o;
	unsigned n;
};

static void on_done(void *vctx, const struct rs_conn_record *r)
{
	struct ctx *c = vctx;

	if (r->v != 4 && r->v != 6)
		__builtin_trap();
	if (r->history[RS_HISTORY_MAX] != '\0' || r->conn_state[sizeof(r->conn_state) - 1] != '\0')
		__builtin_trap();
	if (c->n++ == 0)
		rs_print_summary_text_header(c->o);
	rs_print_summary_text_row(c->o, r);
	rs_print_summary_json(c->o, r);
	(void)rs_conn_end_str(r->end);
	(void)rs_close_kind_str(r->close);
	(void)rs_tcp_state_str(r->client_state);
}

static uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rs_packet pkt;
	static uint8_t payload[65535];

	if (size < HDR)
		return 0;
	struct rs_out *o = fuzz_out();
	struct ctx c = { .o = o };
	struct rs_tracker_config cfg;
	rs_tracker_config_default(&cfg);
	cfg.max_conns = (data[0] & 7u) + 1;
	cfg.initial_conns = 1;
	unsigned tscale = data[0] >> 6;
	cfg.idle_timeout >>= tscale * 2;
	cfg.halfopen_timeout >>= tscale * 2;
	cfg.closed_timeout >>= tscale;
	cfg.on_conn_done = on_done;
	cfg.ctx = &c;
	struct rs_tracker *t = rs_tracker_new(&cfg);
	struct rs_print_ladder *lad = rs_print_ladder_new(24);
	if (!t || !lad)
		__builtin_trap();
	unsigned nflags = 0, pflags = 0;
	if (data[0] & 0x10) {
		nflags |= RS_PRINT_NOTE_VERBOSE;
		pflags |= RS_PRINT_VERBOSE;
	}
	if (data[0] & 0x20) {
		nflags |= RS_PRINT_NOTE_ABSOLUTE;
		pflags |= RS_PRINT_ABSOLUTE;
	}
	struct rs_printer pr, brief;
	rs_printer_init(&pr, pflags);
	rs_printer_init(&brief, pflags | RS_PRINT_BRIEF);

	uint8_t digits = (data[0] & 0x08) ? 9 : 6;
	uint64_t unit = digits == 9 ? 1 : 1000;
	int64_t now_ns = (int64_t)data[2] * (1 << 24) * 1000000000;
	unsigned pmode = data[3] & 3;
	uint32_t next_seq[NTUPLES][2];
	for (unsigned i = 0; i < NTUPLES; i++)
		next_seq[i][0] = next_seq[i][1] = data[1] * 0x01010101u + i * 0x1000u;

	uint64_t frame = 0;
	for (size_t off = HDR; off + REC <= size; off += REC) {
		const uint8_t *r = data + off;
		unsigned ti = r[0] & 7, dir = (r[0] >> 3) & 1;

		int64_t step = (int64_t)be16(r + 10) << (r[5] >> 4);
		now_ns += (r[5] & 8) ? -step * 1000 : step * 1000;
		if (now_ns < 0)
			now_ns = 0;

		memset(&pkt, 0, sizeof(pkt));
		pkt.frame = ++frame;
		rs_packet_set_time(&pkt, now_ns / 1000000000,
				   (uint32_t)((now_ns % 1000000000) / (int64_t)unit), digits);
		pkt.link.dlt = DLT_RAW;
		pkt.has_ip = true;
		pkt.ip.v = tuples[ti].v;
		memcpy(pkt.ip.src, dir ? tuples[ti].b : tuples[ti].a, 16);
		memcpy(pkt.ip.dst, dir ? tuples[ti].a : tuples[ti].b, 16);
		pkt.ip.ttl = 64;
		pkt.ip.proto = 6;
		pkt.ip.hdr_len = pkt.ip.v == 4 ? 20 : 40;
		pkt.ip.csum_ok = true;
		pkt.l4 = RS_LAYER_TCP;

		struct rs_tcp *tcp = &pkt.tcp;
		tcp->sport = dir ? tuples[ti].pb : tuples[ti].pa;
		tcp->dport = dir ? tuples[ti].pa : tuples[ti].pb;
		tcp->flags = r[1];
		if (r[5] & 1) {
			tcp->seq = be32(r + 12);
			tcp->ack = be32(r + 12) ^ 0x5a5a5a5au;
		} else {
			tcp->seq = next_seq[ti][dir] + (uint32_t)(int32_t)(int16_t)be16(r + 2);
			tcp->ack = next_seq[ti][!dir] + (uint32_t)(int32_t)(int8_t)r[4];
		}
		tcp->payload_len = be16(r + 6);
		tcp->win = be16(r + 8);
		tcp->csum_status = !(r[5] & 2) ? RS_CSUM_UNCHECKED :
				   (r[5] & 4)	 ? RS_CSUM_OK :
				   (r[5] & 1)	 ? RS_CSUM_OFFLOAD : RS_CSUM_BAD;
		tcp->hdr_len = 20;
		if (r[0] & 0x10) {
			tcp->has_mss = true;
			tcp->mss = (uint16_t)(tcp->win ^ 0x05b4);
			tcp->opts[tcp->n_opts++] = (struct rs_tcp_opt){ RS_TCPOPT_MSS, 4 };
		}
		if (r[0] & 0x20) {
			tcp->has_wscale = true;
			tcp->wscale = (r[5] & 1) ? r[15] : (r[12] & 15);
			tcp->opts[tcp->n_opts++] = (struct rs_tcp_opt){ RS_TCPOPT_WSCALE, 3 };
		}
		if (r[0] & 0x40) {
			tcp->sack_perm = true;
			tcp->opts[tcp->n_opts++] = (struct rs_tcp_opt){ RS_TCPOPT_SACK_PERM, 2 };
		}
		if (!(r[5] & 1) && (r[13] & 3)) {
			tcp->n_sack = r[13] & 3;
			for (unsigned k = 0; k < tcp->n_sack; k++) {
				tcp->sack[k][0] = tcp->ack + k * 1000u + r[14];
				tcp->sack[k][1] = tcp->sack[k][0] + r[15] * 8u;
			}
			tcp->opts[tcp->n_opts++] =
				(struct rs_tcp_opt){ RS_TCPOPT_SACK, (uint8_t)(2 + 8 * tcp->n_sack) };
		}
		if (r[0] & 0x80) {
			tcp->has_ts = true;
			tcp->ts_val = (uint32_t)(now_ns / 1000000) + ((r[5] & 1) ? 0 : be16(r + 14));
			tcp->ts_ecr = tcp->ts_val - r[13];
			tcp->opts[tcp->n_opts++] = (struct rs_tcp_opt){ RS_TCPOPT_TIMESTAMP, 10 };
		}
		tcp->hdr_len = (uint8_t)(20 + ((tcp->n_opts * 10 + 3) & ~3u));
		pkt.ip.total_len = pkt.ip.hdr_len + tcp->hdr_len + tcp->payload_len;
		pkt.len = pkt.ip.total_len;
		/* Capture at most 64 bytes of payload, as a short snaplen would. */
		pkt.payload_caplen = tcp->payload_len < 64 ? tcp->payload_len : 64;
		pkt.payload = payload;
		pkt.caplen = pkt.ip.hdr_len + tcp->hdr_len + pkt.payload_caplen;
		pkt.ip.len_short = pkt.caplen < pkt.len;
		if (pkt.ip.len_short)
			tcp->csum_status = RS_CSUM_UNCHECKED;

		const struct rs_tcp_event *ev = rs_tracker_update(t, &pkt);
		if (!ev || ev->conn_id == 0 || ev->kind >= RS_EV_KIND_COUNT ||
		    ev->client_state >= RS_TCP_STATE_COUNT || ev->server_state >= RS_TCP_STATE_COUNT)
			__builtin_trap();
		(void)rs_tcp_event_kind_str(ev->kind);
		(void)rs_dir_str(ev->dir);
		for (unsigned b = 0; b < RS_AN_COUNT; b++)
			if ((ev->analysis & (1u << b)) && !rs_analysis_name(1u << b))
				__builtin_trap();
		/* Relative SACK blocks: all of them or none; the sender's own
		 * state is never a guess (this segment is of it). */
		if (ev->n_rel_sack > RS_MAX_SACK || (ev->n_rel_sack && ev->n_rel_sack != tcp->n_sack))
			__builtin_trap();
		if (ev->dir == RS_DIR_C2S ? ev->client_state_guessed : ev->server_state_guessed)
			__builtin_trap();
		if (ev->one_way && !ev->peer_unseen)
			__builtin_trap();

		uint32_t adv = tcp->payload_len + ((tcp->flags & RS_TH_SYN) ? 1 : 0) +
			       ((tcp->flags & RS_TH_FIN) ? 1 : 0);
		if (!(tcp->flags & RS_TH_RST))
			next_seq[ti][dir] = tcp->seq + adv;

		if (!rs_tcp_event_brief(ev))
			__builtin_trap();
		if (pmode == 0) {
			rs_print_text(&pr, o, &pkt, ev);
		} else if (pmode == 1) {
			rs_print_json(&pr, o, &pkt, ev);
		} else if (pmode == 2) {
			rs_print_text(&brief, o, &pkt, ev);
			rs_print_note_text(o, &pkt, ev, nflags);
			rs_print_note_json(o, &pkt, ev);
			rs_print_note_json_tcp_rel(o, ev);
			char buf[48];
			size_t n = rs_print_note_format(buf, sizeof(buf), &pkt, ev, nflags);
			if (buf[n < sizeof(buf) ? n : sizeof(buf) - 1] != '\0')
				__builtin_trap();
		}
		rs_print_ladder_add(lad, &pkt, ev);
	}
	if (pmode != 3) {
		rs_print_ladder_print(lad, o, (data[3] & 4) != 0, 0);
		rs_print_ladder_print(lad, o, false, 1);
	}
	(void)rs_print_ladder_dropped(lad);
	rs_tracker_finish(t);
	struct rs_tracker_stats st;
	rs_tracker_get_stats(t, &st);
	if (st.active != 0 || st.peak > cfg.max_conns)
		__builtin_trap();
	rs_print_summary_stats_text(o, &st);
	rs_print_summary_stats_json(o, &st);
	rs_print_ladder_free(lad);
	rs_tracker_free(t);
	rs_out_flush(o);
	return 0;
}
