/* test_tracker_output.c: notes, JSON members, summary rows and the ladder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "rawshake/print_ladder.h"
#include "rawshake/print_note.h"
#include "rawshake/print_summary.h"
#include "rawshake/tracker.h"
#include "tracker_pkt.h"

#define S RS_TH_SYN
#define A RS_TH_ACK
#define F RS_TH_FIN
#define CI 3332716161u
#define SI 3920886326u

static struct rs_out out;
static FILE *tmp;

static void out_open(void)
{
	tmp = tmpfile();
	assert_non_null(tmp);
	rs_out_init(&out, fileno(tmp));
}

/* Everything written since out_open, NUL-terminated (caller frees). */
static char *out_text(void)
{
	rs_out_flush(&out);
	long n = ftell(tmp) >= 0 ? lseek(fileno(tmp), 0, SEEK_END) : 0;
	char *s = calloc(1, (size_t)n + 1);
	assert_non_null(s);
	assert_int_equal(pread(fileno(tmp), s, (size_t)n, 0), n);
	fclose(tmp);
	return s;
}

static struct rs_conn_record last;
static int nrec;

static void on_done(void *ctx, const struct rs_conn_record *r)
{
	(void)ctx;
	last = *r;
	nrec++;
}

struct step {
	int from_client;
	uint8_t fl;
	uint32_t seq, ack, len;
	int64_t dt;
};

static const struct step conv1[] = {
	{ 1, S, CI, 0, 0, 0 },
	{ 0, S | A, SI, CI + 1, 0, 20 },
	{ 1, A, CI + 1, SI + 1, 0, 15 },
	{ 1, A, CI + 1, SI + 1, 18, 100 },
	{ 0, A, SI + 1, CI + 19, 0, 10 },
	{ 1, F | A, CI + 19, SI + 1, 0, 10 },
	{ 0, F | A, SI + 1, CI + 20, 0, 10 },
	{ 1, A, CI + 20, SI + 2, 0, 10 },
};

static void test_notes(void **state)
{
	(void)state;
	struct rs_tracker *t = rs_tracker_new(NULL);
	struct rs_print_ladder *lad = rs_print_ladder_new(4);
	struct conv v;
	struct rs_packet p;
	conv_init(&v);
	out_open();
	for (size_t i = 0; i < sizeof(conv1) / sizeof(conv1[0]); i++) {
		const struct step *s = &conv1[i];
		seg(&v, &p, s->from_client, s->fl, s->seq, s->ack, s->len, 1000, s->dt);
		const struct rs_tcp_event *ev = rs_tracker_update(t, &p);
		rs_print_note_text(&out, &p, ev, 0);
		rs_print_ladder_add(lad, &p, ev);
		if (i == 2 || i == 6) {
			rs_print_note_json(&out, &p, ev);
			rs_out_char(&out, '\n');
			rs_print_note_text(&out, &p, ev, RS_PRINT_NOTE_ABSOLUTE | RS_PRINT_NOTE_VERBOSE);
		}
	}
	char *s = out_text();
	assert_non_null(strstr(s, "  client SYN: opens the connection, client ISN 3332716161 (relative 0); client → SYN_SENT (server LISTEN)\n"));
	assert_non_null(strstr(s, "server SYN-ACK: ack 1 = client ISN + 1, acknowledges the SYN; server ISN 3920886326; server → SYN_RECEIVED"));
	assert_non_null(strstr(s, "client ACK: ack 1 = server ISN + 1; handshake complete in 35 µs (SYN→SYN-ACK 20 µs, SYN-ACK→ACK 15 µs); both ESTABLISHED"));
	/* The FIN's receiver as it arrives; when that is the capture does
	 * not show (20 µs and 15 µs say nothing of where it was taken), and
	 * the note says so once. */
	assert_non_null(strstr(s, "client FIN: no more data from the client; FIN uses one sequence number (seq 19 → next 20); the server's state is for when this segment reaches it, which the capture does not show: a guess; client → FIN_WAIT_1, server → CLOSE_WAIT\n"));
	/* FIN_WAIT_1 gets the ACK of its FIN and the server's FIN at once. */
	assert_non_null(strstr(s, "(three-way close; seq 1 → next 2); client → FIN_WAIT_2 → TIME_WAIT, server → LAST_ACK\n"));
	assert_null(strstr(strstr(s, "three-way close"), "a guess"));   /* said once */
	assert_non_null(strstr(s, "\"client_state\":\"TIME_WAIT\",\"server_state\":\"LAST_ACK\",\"client_state_via\":\"FIN_WAIT_2\",\"analysis\":[]"));
	assert_non_null(strstr(s, "\"conn\":{\"id\":1,\"dir\":\"c2s\",\"event\":\"handshake-ack\",\"client_state\":\"ESTABLISHED\",\"server_state\":\"ESTABLISHED\",\"analysis\":[]"));
	assert_non_null(strstr(s, "\"note\":\"client ACK: ack 1 = server ISN + 1; handshake"));
	assert_non_null(strstr(s, "client ACK: ack 3920886327 = server ISN + 1"));
	assert_non_null(strstr(s, "checksum"));
	free(s);

	/* FIN_WAIT_2 on a row of its own above the FIN that ends in TIME_WAIT. */
	out_open();
	struct rs_print_ladder *all = rs_print_ladder_new(16);
	rs_tracker_free(t);
	t = rs_tracker_new(NULL);
	conv_init(&v);
	for (size_t i = 0; i < sizeof(conv1) / sizeof(conv1[0]); i++) {
		const struct step *st = &conv1[i];
		seg(&v, &p, st->from_client, st->fl, st->seq, st->ack, st->len, 1000, st->dt);
		rs_print_ladder_add(all, &p, rs_tracker_update(t, &p));
	}
	rs_print_ladder_print(all, &out, true, 0);
	rs_print_ladder_free(all);
	s = out_text();
	if (getenv("SHOW_NOTES"))
		fputs(s, stderr);
	assert_non_null(strstr(s, "            FIN_WAIT_2 |                                          |\n"
				  " 0.000165    TIME_WAIT |<- FIN,ACK seq=1 ack=20 "));
	free(s);

	/* The ladder keeps 4 rows and says how many it dropped. */
	out_open();
	rs_print_ladder_print(lad, &out, true, 0);
	s = out_text();
	assert_non_null(strstr(s, "SYN seq=0 "));
	assert_non_null(strstr(s, "SYN,ACK seq=0 ack=1"));
	assert_non_null(strstr(s, "SYN_RECEIVED"));
	assert_non_null(strstr(s, "(4 more segments not drawn"));
	for (char *line = strtok(s, "\n"); line; line = strtok(NULL, "\n"))
		assert_true(strlen(line) <= 80);
	free(s);
	out_open();
	rs_print_ladder_print(lad, &out, false, 0);
	s = out_text();
	assert_non_null(strstr(s, "▶│"));
	assert_non_null(strstr(s, "│◀─ SYN,ACK"));
	free(s);
	out_open();
	rs_print_ladder_print(lad, &out, false, 2);
	s = out_text();
	assert_string_equal(s, "");
	free(s);
	rs_print_ladder_free(lad);
	rs_tracker_free(t);
}

/* Notes of the analysis: data on a FIN, bytes captured after their ACK,
 * a fast retransmission, an ACK repeated with a zero window, and the
 * states passed through in JSON and the ladder. */
static const struct step conv2[] = {
	{ 1, S, CI, 0, 0, 0 },
	{ 0, S | A, SI, CI + 1, 0, 20 },
	{ 1, A, CI + 1, SI + 1, 0, 15 },
	{ 1, A, CI + 1, SI + 1, 1000, 10 },           /* 4: bytes 1..1000 */
	{ 0, A, SI + 1, CI + 2001, 0, 10 },           /* 5: acks 2000 bytes */
	{ 1, A, CI + 1001, SI + 1, 2000, 10 },        /* 6: 1001..3000 */
	{ 1, A, CI + 3001, SI + 1, 100, 10 },         /* 7 */
	{ 1, A, CI + 3101, SI + 1, 100, 10 },         /* 8 */
	{ 0, A, SI + 1, CI + 3001, 0, 10 },           /* 9 */
	{ 0, A, SI + 1, CI + 3001, 0, 10 },           /* 10: dup #1 */
	{ 0, A, SI + 1, CI + 3001, 0, 10 },           /* 11: dup #2 */
	{ 1, A, CI + 3001, SI + 1, 100, 1000 },       /* 12: fast retransmission */
	{ 0, A, SI + 1, CI + 3201, 0, 10 },           /* 13 */
	{ 1, F | A, CI + 3201, SI + 1, 0, 10 },       /* 14 */
	{ 0, A, SI + 1, CI + 3202, 0, 10 },           /* 15 */
	{ 0, F | A, SI + 1, CI + 3202, 35, 10 },      /* 16: 35 bytes, then FIN */
	{ 1, A, CI + 3202, SI + 37, 0, 10 },          /* 17 */
};

static void test_notes_analysis(void **state)
{
	(void)state;
	struct rs_tracker *t = rs_tracker_new(NULL);
	struct rs_print_ladder *lad = rs_print_ladder_new(64);
	struct conv v;
	struct rs_packet p;
	conv_init(&v);
	out_open();
	for (size_t i = 0; i < sizeof(conv2) / sizeof(conv2[0]); i++) {
		const struct step *s = &conv2[i];
		seg(&v, &p, s->from_client, s->fl, s->seq, s->ack, s->len, 1000, s->dt);
		const struct rs_tcp_event *ev = rs_tracker_update(t, &p);
		rs_print_note_text(&out, &p, ev, 0);
		rs_print_ladder_add(lad, &p, ev);
	}
	char *s = out_text();
	if (getenv("SHOW_NOTES"))
		fputs(s, stderr);
	assert_non_null(strstr(s, "client data: 2000 bytes, seq 1001 → next 3001; bytes 1001..2000 captured after the ACK that covers them (frame 5): the capture reordered them, not a retransmission;"));
	assert_null(strstr(s, "retransmission of bytes 1001"));
	assert_non_null(strstr(s, "server ACK: ack 2001 acknowledges 2000 new bytes of the client; acknowledges client data the capture never saw;"));
	assert_non_null(strstr(s, "; fast retransmission of bytes 3001..3100 first sent in frame 7 (after server duplicate ACKs, before a timeout);"));
	assert_non_null(strstr(s, "server FIN: 35 bytes (seq 1 → 36), then FIN: no more data, the server closes its side too (→ next 37); client → TIME_WAIT, server → LAST_ACK\n"));
	assert_non_null(strstr(s, "server ACK: ack 3202 = client FIN seq + 1, acknowledges the FIN; client → FIN_WAIT_2 (server CLOSE_WAIT)\n"));
	free(s);
	rs_print_ladder_free(lad);
	rs_tracker_free(t);
}

static void test_summary(void **state)
{
	(void)state;
	struct rs_tracker_config cfg;
	rs_tracker_config_default(&cfg);
	cfg.on_conn_done = on_done;
	struct rs_tracker *t = rs_tracker_new(&cfg);
	struct conv v;
	struct rs_packet p;
	conv_init(&v);
	for (size_t i = 0; i < sizeof(conv1) / sizeof(conv1[0]); i++) {
		const struct step *s = &conv1[i];
		seg(&v, &p, s->from_client, s->fl, s->seq, s->ack, s->len, 1000, s->dt);
		rs_tracker_update(t, &p);
	}
	rs_tracker_finish(t);
	assert_int_equal(nrec, 1);
	out_open();
	rs_print_summary_json(&out, &last);
	rs_print_summary_text_header(&out);
	rs_print_summary_text_row(&out, &last);
	struct rs_tracker_stats st;
	rs_tracker_get_stats(t, &st);
	rs_print_summary_stats_text(&out, &st);
	char *s = out_text();
	assert_non_null(strstr(s, "{\"type\":\"conn\",\"id\":1,\"client\":\"10.0.0.1\",\"cport\":40000,"
				  "\"server\":\"10.0.0.2\",\"sport\":80,\"first_ts\":\"1700000000.000000\","
				  "\"last_ts\":\"1700000000.000175\",\"duration\":0.000175,\"c2s_pkts\":5,"
				  "\"c2s_bytes\":18,\"s2c_pkts\":3,\"s2c_bytes\":0,\"handshake_rtt\":0.000035,"
				  "\"conn_state\":\"SF\",\"history\":\"ShADaFf\",\"close\":\"fin\""));
	assert_non_null(strstr(s, "10.0.0.1:40000"));
	assert_non_null(strstr(s, " SF "));
	assert_non_null(strstr(s, "# 1 TCP connection ("));
	free(s);
	rs_tracker_free(t);
}

/* The server's side only (a 'src port 80' capture): the notes say where
 * the numbers come from and, once, that one direction is missing; the
 * client's states are marked as guesses in text, JSON, the ladder and
 * the summary; SACK blocks are relative in the note and the JSON. */
static const struct step one_way[] = {
	{ 0, S | A, SI, CI + 1, 0, 0 },
	{ 0, A, SI + 1, CI + 19, 0, 10 },
	{ 0, A, SI + 1, CI + 19, 300, 10 },
	{ 0, A, SI + 301, CI + 319, 0, 10 },   /* + SACK 619..919 below */
	{ 0, A, SI + 301, CI + 319, 0, 10 },   /* + SACK 619..1219: dup ack */
};

static void test_one_way_output(void **state)
{
	(void)state;
	struct rs_tracker_config cfg;
	rs_tracker_config_default(&cfg);
	cfg.on_conn_done = on_done;
	struct rs_tracker *t = rs_tracker_new(&cfg);
	struct rs_print_ladder *lad = rs_print_ladder_new(16);
	struct conv v;
	struct rs_packet p;
	conv_init(&v);
	out_open();
	for (size_t i = 0; i < sizeof(one_way) / sizeof(one_way[0]); i++) {
		const struct step *st = &one_way[i];
		seg(&v, &p, st->from_client, st->fl, st->seq, st->ack, st->len, 1000, st->dt);
		if (i >= 3) {
			p.tcp.n_sack = 1;
			p.tcp.sack[0][0] = CI + 619;
			p.tcp.sack[0][1] = CI + (i == 3 ? 919 : 1219);
		}
		const struct rs_tcp_event *ev = rs_tracker_update(t, &p);
		rs_print_note_text(&out, &p, ev, 0);
		rs_print_ladder_add(lad, &p, ev);
		if (i == 4) {
			rs_print_note_json(&out, &p, ev);
			rs_print_note_json_tcp_rel(&out, ev);
			rs_out_char(&out, '\n');
			rs_print_note_text(&out, &p, ev, RS_PRINT_NOTE_ABSOLUTE);
		}
	}
	char *s = out_text();
	assert_non_null(strstr(s, "  server SYN-ACK: ack 1 = client ISN + 1, acknowledges the SYN; server ISN "
				  "3920886326; the client's SYN was not captured: its ISN 3332716161 is ack - 1; "
				  "server → SYN_RECEIVED (client SYN_SENT, guessed)\n"));
	assert_non_null(strstr(s, "  server ACK: ack 19 acknowledges 18 new bytes of the client; no client segment "
				  "is in the capture, yet the server acknowledges client data: the capture seems to "
				  "hold one direction only (asymmetric routing, or a filter such as 'src port 80'), "
				  "the client's states are guessed; both ESTABLISHED (the client's guessed)\n"));
	/* Said once. */
	const char *again = strstr(s, "one direction only");
	assert_null(strstr(again + 1, "one direction only"));
	assert_non_null(strstr(s, "server data: 300 bytes, seq 1 → next 301; client ESTABLISHED (guessed), server ESTABLISHED\n"));
	assert_non_null(strstr(s, "duplicate ACK #1 of frame 4: the server still waits for byte 319; it holds "
				  "bytes 619..1218 beyond the hole (SACK); client ESTABLISHED (guessed)"));
	assert_non_null(strstr(s, "\"client_state_guessed\":true,\"server_state_guessed\":false}"));
	assert_non_null(strstr(s, ",\"rel_seq\":301,\"rel_ack\":319,\"rel_sack\":[[619,1219]]"));
	assert_non_null(strstr(s, "the server still waits for byte 3332716480; it holds bytes 3332716780..3332717379"));
	free(s);

	out_open();
	rs_print_ladder_print(lad, &out, true, 0);
	s = out_text();
	assert_non_null(strstr(s, "(no client segment in the capture: the client's states are guessed)\n"));
	assert_non_null(strstr(s, "SYN,ACK seq=0 ack=1 "));
	assert_non_null(strstr(s, "ACK seq=301 ack=319 [dup-ack]"));
	free(s);
	rs_print_ladder_free(lad);

	nrec = 0;
	rs_tracker_finish(t);
	assert_int_equal(nrec, 1);
	out_open();
	rs_print_summary_json(&out, &last);
	s = out_text();
	assert_non_null(strstr(s, "\"client_state\":\"ESTABLISHED\",\"server_state\":\"ESTABLISHED\","
				  "\"client_state_guessed\":true,\"server_state_guessed\":false"));
	assert_non_null(strstr(s, "\"c2s_pkts\":0,"));
	free(s);
	rs_tracker_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_notes),
		cmocka_unit_test(test_notes_analysis),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_one_way_output),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
