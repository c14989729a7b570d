/* test_tracker.c: the tracker on hand-built conversations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "rawshake/print_note.h"
#include "rawshake/tracker.h"
#include "tracker_pkt.h"

#define S RS_TH_SYN
#define A RS_TH_ACK
#define F RS_TH_FIN
#define R RS_TH_RST
#define P RS_TH_PSH

enum { C = 1, SV = 0 };
#define CI 1000u
#define SI 5000u

struct recs {
	int n;
	struct rs_conn_record r[8];
};

static void on_done(void *ctx, const struct rs_conn_record *r)
{
	struct recs *rs = ctx;
	if (rs->n < 8)
		rs->r[rs->n] = *r;
	rs->n++;
}

struct fx {
	struct rs_tracker *t;
	struct recs recs;
	struct conv v;
	struct rs_packet p;
};

static int setup(void **state)
{
	static struct fx f;
	memset(&f, 0, sizeof(f));
	struct rs_tracker_config cfg;
	rs_tracker_config_default(&cfg);
	cfg.on_conn_done = on_done;
	cfg.ctx = &f.recs;
	f.t = rs_tracker_new(&cfg);
	conv_init(&f.v);
	*state = &f;
	return f.t ? 0 : -1;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	rs_tracker_free(f->t);
	return 0;
}

static const struct rs_tcp_event *go(struct fx *f, int from_client, uint8_t fl, uint32_t seq,
				     uint32_t ack, uint32_t len, int64_t dt)
{
	seg(&f->v, &f->p, from_client, fl, seq, ack, len, 1000, dt);
	return rs_tracker_update(f->t, &f->p);
}

#define EXPECT(ev, k, cs, ss) do { \
	assert_string_equal(rs_tcp_event_kind_str((ev)->kind), rs_tcp_event_kind_str(k)); \
	assert_string_equal(rs_tcp_state_str((ev)->client_state), rs_tcp_state_str(cs)); \
	assert_string_equal(rs_tcp_state_str((ev)->server_state), rs_tcp_state_str(ss)); \
} while (0)

static void handshake(struct fx *f)
{
	const struct rs_tcp_event *e;
	e = go(f, C, S, CI, 0, 0, 0);
	EXPECT(e, RS_EV_SYN, RS_TCP_SYN_SENT, RS_TCP_LISTEN);
	assert_int_equal(e->conn_id, 1);
	assert_int_equal(e->dir, RS_DIR_C2S);
	assert_int_equal(e->rel_seq, 0);
	e = go(f, SV, S | A, SI, CI + 1, 0, 20);
	EXPECT(e, RS_EV_SYN_ACK, RS_TCP_SYN_SENT, RS_TCP_SYN_RECEIVED);
	assert_int_equal(e->dir, RS_DIR_S2C);
	assert_true(e->rel_ack_valid);
	assert_int_equal(e->rel_ack, 1);
	e = go(f, C, A, CI + 1, SI + 1, 0, 15);
	EXPECT(e, RS_EV_HANDSHAKE_ACK, RS_TCP_ESTABLISHED, RS_TCP_ESTABLISHED);
	assert_true(e->has_rtt);
	assert_int_equal(e->rtt_ns, 35000);
	assert_int_equal(e->rtt_server_ns, 20000);
	assert_int_equal(e->rtt_client_ns, 15000);
}

static void test_handshake_and_four_way(void **state)
{
	struct fx *f = *state;
	const struct rs_tcp_event *e;
	handshake(f);
	e = go(f, C, A | P, CI + 1, SI + 1, 18, 10);
	EXPECT(e, RS_EV_DATA, RS_TCP_ESTABLISHED, RS_TCP_ESTABLISHED);
	assert_int_equal(e->rel_seq, 1);
	assert_int_equal(e->rel_next_seq, 19);
	e = go(f, SV, A, SI + 1, CI + 19, 0, 10);
	EXPECT(e, RS_EV_ACK, RS_TCP_ESTABLISHED, RS_TCP_ESTABLISHED);
	assert_int_equal(e->acked_new, 18);
	/* States as each segment arrives (RFC 9293 figure 12). */
	e = go(f, C, F | A, CI + 19, SI + 1, 0, 10);
	EXPECT(e, RS_EV_FIN, RS_TCP_FIN_WAIT_1, RS_TCP_CLOSE_WAIT);
	assert_int_equal(e->rel_next_seq, 20);
	e = go(f, SV, A, SI + 1, CI + 20, 0, 10);
	EXPECT(e, RS_EV_FIN_ACK, RS_TCP_FIN_WAIT_2, RS_TCP_CLOSE_WAIT);
	e = go(f, SV, F | A, SI + 1, CI + 20, 0, 10);
	EXPECT(e, RS_EV_SECOND_FIN, RS_TCP_TIME_WAIT, RS_TCP_LAST_ACK);
	assert_false(e->client_via_set);
	e = go(f, C, A, CI + 20, SI + 2, 0, 10);
	EXPECT(e, RS_EV_FINAL_ACK, RS_TCP_TIME_WAIT, RS_TCP_CLOSED);
	rs_tracker_finish(f->t);
	assert_int_equal(f->recs.n, 1);
	struct rs_conn_record *r = &f->recs.r[0];
	assert_string_equal(r->conn_state, "SF");
	assert_string_equal(r->history, "ShADaFf");
	assert_int_equal(r->close, RS_CLOSE_FIN);
	assert_int_equal(r->c2s_pkts, 5);
	assert_int_equal(r->c2s_bytes, 18);
	assert_int_equal(r->s2c_pkts, 4);
	assert_int_equal(r->cport, 40000);
	assert_int_equal(r->sport, 80);
	assert_false(r->client_guessed);
}

static void test_three_way_close(void **state)
{
	struct fx *f = *state;
	const struct rs_tcp_event *e;
	handshake(f);
	e = go(f, C, F | A, CI + 1, SI + 1, 0, 10);
	EXPECT(e, RS_EV_FIN, RS_TCP_FIN_WAIT_1, RS_TCP_CLOSE_WAIT);
	/* RFC 9293 3.10.7.4: the ACK of its FIN takes the client to
	 * FIN_WAIT_2, the FIN in the same segment on to TIME_WAIT. */
	e = go(f, SV, F | A, SI + 1, CI + 2, 0, 10);
	EXPECT(e, RS_EV_THREE_WAY_CLOSE, RS_TCP_TIME_WAIT, RS_TCP_LAST_ACK);
	assert_true(e->client_via_set);
	assert_int_equal(e->client_via, RS_TCP_FIN_WAIT_2);
	assert_false(e->server_via_set);
	e = go(f, C, A, CI + 2, SI + 2, 0, 10);
	EXPECT(e, RS_EV_FINAL_ACK, RS_TCP_TIME_WAIT, RS_TCP_CLOSED);
}

static void test_half_close(void **state)
{
	struct fx *f = *state;
	const struct rs_tcp_event *e;
	handshake(f);
	e = go(f, C, F | A, CI + 1, SI + 1, 0, 10);
	e = go(f, SV, A | P, SI + 1, CI + 2, 100, 10);
	EXPECT(e, RS_EV_HALF_CLOSE_DATA, RS_TCP_FIN_WAIT_2, RS_TCP_CLOSE_WAIT);
	e = go(f, SV, A | P, SI + 101, CI + 2, 100, 10);
	EXPECT(e, RS_EV_HALF_CLOSE_DATA, RS_TCP_FIN_WAIT_2, RS_TCP_CLOSE_WAIT);
	e = go(f, C, A, CI + 2, SI + 201, 0, 10);
	EXPECT(e, RS_EV_ACK, RS_TCP_FIN_WAIT_2, RS_TCP_CLOSE_WAIT);
}

static void test_simultaneous_close(void **state)
{
	struct fx *f = *state;
	const struct rs_tcp_event *e;
	handshake(f);
	e = go(f, C, F | A, CI + 1, SI + 1, 0, 10);
	/* The server's FIN does not cover the client's: it had not got it
	 * (its CLOSE_WAIT was the guess of the FIN's arrival), the FINs
	 * crossed, and both ends go through CLOSING (RFC 9293 figure 13). */
	e = go(f, SV, F | A, SI + 1, CI + 1, 0, 1);
	EXPECT(e, RS_EV_SIMCLOSE, RS_TCP_CLOSING, RS_TCP_CLOSING);
	assert_true(e->server_via_set);
	assert_int_equal(e->server_via, RS_TCP_FIN_WAIT_1);
	e = go(f, C, A, CI + 2, SI + 2, 0, 10);
	EXPECT(e, RS_EV_FIN_ACK, RS_TCP_CLOSING, RS_TCP_TIME_WAIT);
	e = go(f, SV, A, SI + 2, CI + 2, 0, 1);
	EXPECT(e, RS_EV_FINAL_ACK, RS_TCP_TIME_WAIT, RS_TCP_TIME_WAIT);
	assert_int_equal(e->analysis, 0);
}

static void test_simultaneous_open(void **state)
{
	struct fx *f = *state;
	const struct rs_tcp_event *e;
	e = go(f, C, S, CI, 0, 0, 0);
	e = go(f, SV, S, SI, 0, 0, 1);
	EXPECT(e, RS_EV_SIMOPEN_SYN, RS_TCP_SYN_SENT, RS_TCP_SYN_SENT);
	assert_int_equal(e->analysis, 0);
	e = go(f, C, S | A, CI, SI + 1, 0, 10);
	EXPECT(e, RS_EV_SIMOPEN_SYN_ACK, RS_TCP_SYN_RECEIVED, RS_TCP_SYN_SENT);
	assert_int_equal(e->analysis, 0);   /* not a retransmission */
	e = go(f, SV, S | A, SI, CI + 1, 0, 1);
	EXPECT(e, RS_EV_SIMOPEN_SYN_ACK, RS_TCP_ESTABLISHED, RS_TCP_ESTABLISHED);
	assert_int_equal(e->analysis, 0);
	e = go(f, C, A | P, CI + 1, SI + 1, 10, 10);
	EXPECT(e, RS_EV_DATA, RS_TCP_ESTABLISHED, RS_TCP_ESTABLISHED);
	assert_int_equal(e->analysis, 0);
}

static void test_refused_and_syn_retrans(void **state)
{
	struct fx *f = *state;
	const struct rs_tcp_event *e;
	e = go(f, C, S, CI, 0, 0, 0);
	e = go(f, C, S, CI, 0, 0, 1000000);
	EXPECT(e, RS_EV_SYN, RS_TCP_SYN_SENT, RS_TCP_LISTEN);
	assert_int_equal(e->analysis, RS_AN_SYN_RETRANS);
	assert_int_equal(e->conn_id, 1);
	e = go(f, SV, R | A, 0, CI + 1, 0, 10);
	EXPECT(e, RS_EV_REFUSED, RS_TCP_CLOSED, RS_TCP_CLOSED);
	rs_tracker_finish(f->t);
	assert_int_equal(f->recs.n, 1);
	assert_string_equal(f->recs.r[0].conn_state, "REJ");
	assert_string_equal(f->recs.r[0].history, "Sr");
	assert_int_equal(f->recs.r[0].close, RS_CLOSE_REFUSED);
}

static void test_synack_retrans(void **state)
{
	struct fx *f = *state;
	const struct rs_tcp_event *e;
	e = go(f, C, S, CI, 0, 0, 0);
	e = go(f, SV, S | A, SI, CI + 1, 0, 10);
	e = go(f, SV, S | A, SI, CI + 1, 0, 1000000);
	EXPECT(e, RS_EV_SYN_ACK, RS_TCP_SYN_SENT, RS_TCP_SYN_RECEIVED);
	assert_int_equal(e->analysis, RS_AN_SYNACK_RETRANS);
	rs_tracker_finish(f->t);
	assert_string_equal(f->recs.r[0].history, "Sh");
}

/* A server whose first half-open connection was reset answers a repeated
 * SYN with a SYN-ACK carrying a new ISN: not a retransmission, and the
 * server's relative numbers restart from the new ISN. */
static void test_synack_new_isn(void **state)
{
	struct fx *f = *state;
	const struct rs_tcp_event *e;
	e = go(f, C, S, CI, 0, 0, 0);
	e = go(f, SV, S | A, SI, CI + 1, 0, 10);
	e = go(f, C, S, CI, 0, 0, 1000000);
	EXPECT(e, RS_EV_SYN, RS_TCP_SYN_SENT, RS_TCP_SYN_RECEIVED);
	assert_int_equal(e->analysis, RS_AN_SYN_RETRANS);
	assert_true(e->peer_isn_known);
	e = go(f, SV, S | A, SI + 5000, CI + 1, 0, 10);
	EXPECT(e, RS_EV_SYN_ACK, RS_TCP_SYN_SENT, RS_TCP_SYN_RECEIVED);
	assert_int_equal(e->analysis, RS_AN_NEW_ISN);
	assert_int_equal(e->prev_isn, SI);
	assert_int_equal(e->isn, SI + 5000);
	assert_int_equal(e->rel_seq, 0);
	assert_int_equal(e->conn_id, 1);
	e = go(f, C, A, CI + 1, SI + 5001, 0, 10);
	EXPECT(e, RS_EV_HANDSHAKE_ACK, RS_TCP_ESTABLISHED, RS_TCP_ESTABLISHED);
	assert_int_equal(e->rel_ack, 1);
	char note[512];
	seg(&f->v, &f->p, 0, S | A, SI + 9000, CI + 1, 0, 1000, 10);
	e = rs_tracker_update(f->t, &f->p);
	assert_true(e->analysis & RS_AN_NEW_ISN);
	rs_print_note_format(note, sizeof(note), &f->p, e, 0);
	assert_non_null(strstr(note, "new ISN"));
	assert_null(strstr(note, "same ISN"));
}

/* A hand-made SYN reset by its own sender's kernel: the passive server
 * goes back to LISTEN, and the same SYN sent again opens a new
 * connection (port reuse), not a retransmission. */
static void test_rst_in_syn_received_and_same_syn_again(void **state)
{
	struct fx *f = *state;
	const struct rs_tcp_event *e;
	e = go(f, C, S, CI, 0, 0, 0);
	e = go(f, SV, S | A, SI, CI + 1, 0, 10);
	e = go(f, C, R, CI + 1, 0, 0, 10);
	EXPECT(e, RS_EV_RST, RS_TCP_CLOSED, RS_TCP_LISTEN);
	e = go(f, C, S, CI, 0, 0, 1000000);
	EXPECT(e, RS_EV_SYN, RS_TCP_SYN_SENT, RS_TCP_LISTEN);
	assert_int_equal(e->analysis, RS_AN_PORT_REUSE);
	assert_int_equal(e->conn_id, 2);
	rs_tracker_finish(f->t);
	assert_int_equal(f->recs.n, 2);
	assert_int_equal(f->recs.r[0].close, RS_CLOSE_RST);
	assert_int_equal(f->recs.r[0].end, RS_END_REUSED);
}

static void test_rst_abort_and_out_of_window(void **state)
{
	struct fx *f = *state;
	const struct rs_tcp_event *e;
	handshake(f);
	e = go(f, SV, R, SI + 900000, 0, 0, 10);
	EXPECT(e, RS_EV_RST_OOW, RS_TCP_ESTABLISHED, RS_TCP_ESTABLISHED);
	assert_true(e->analysis & RS_AN_RST_OUT_OF_WINDOW);
	e = go(f, SV, R | A, SI + 1, CI + 1, 0, 10);
	EXPECT(e, RS_EV_RST, RS_TCP_CLOSED, RS_TCP_CLOSED);
	rs_tracker_finish(f->t);
	assert_string_equal(f->recs.r[0].conn_state, "RSTR");
	assert_int_equal(f->recs.r[0].close, RS_CLOSE_RST);
}

static void test_retrans_dupack_window(void **state)
{
	struct fx *f = *state;
	const struct rs_tcp_event *e;
	handshake(f);
	e = go(f, C, A, CI + 1, SI + 1, 100, 10);     /* frame 4: bytes 1..100 */
	e = go(f, C, A, CI + 101, SI + 1, 100, 10);   /* frame 5: bytes 101..200 */
	e = go(f, SV, A, SI + 1, CI + 101, 0, 10);    /* frame 6 */
	e = go(f, SV, A, SI + 1, CI + 101, 0, 10);
	assert_true(e->analysis & RS_AN_DUP_ACK);
	assert_int_equal(e->dup_ack_n, 1);
	assert_int_equal(e->ref_frame, 6);
	e = go(f, SV, A, SI + 1, CI + 101, 0, 10);
	assert_int_equal(e->dup_ack_n, 2);
	e = go(f, C, A, CI + 101, SI + 1, 100, 200000);
	assert_true(e->analysis & RS_AN_RETRANSMISSION);
	assert_int_equal(e->ref_frame, 5);
	assert_int_equal(e->rel_seq, 101);
	seg(&f->v, &f->p, SV, A, SI + 1, CI + 201, 0, 0, 10);
	e = rs_tracker_update(f->t, &f->p);
	assert_true(e->analysis & RS_AN_ZERO_WINDOW);
	seg(&f->v, &f->p, SV, A, SI + 1, CI + 201, 0, 2000, 10);
	e = rs_tracker_update(f->t, &f->p);
	assert_true(e->analysis & RS_AN_WINDOW_UPDATE);
	assert_false(e->analysis & RS_AN_DUP_ACK);
	/* Keep-alive: one byte below next seq, and its ACK. */
	e = go(f, C, A, CI + 200, SI + 1, 1, 1000000);
	assert_true(e->analysis & RS_AN_KEEP_ALIVE);
	assert_false(e->analysis & RS_AN_RETRANSMISSION);
	e = go(f, SV, A, SI + 1, CI + 201, 0, 10);
	assert_true(e->analysis & RS_AN_KEEP_ALIVE_ACK);
	assert_false(e->analysis & RS_AN_DUP_ACK);
}

/* Linux probes a zero window with a keep-alive-shaped segment (seq =
 * next - 1, no data): only the peer's zero window makes it a probe. */
static void test_zero_window_probe(void **state)
{
	struct fx *f = *state;
	const struct rs_tcp_event *e;
	handshake(f);
	e = go(f, C, A, CI + 1, SI + 1, 100, 10);
	seg(&f->v, &f->p, SV, A, SI + 1, CI + 101, 0, 0, 10);
	e = rs_tracker_update(f->t, &f->p);
	assert_true(e->analysis & RS_AN_ZERO_WINDOW);
	e = go(f, C, A, CI + 100, SI + 1, 0, 200000);
	assert_true(e->analysis & RS_AN_ZERO_WINDOW_PROBE);
	assert_false(e->analysis & RS_AN_KEEP_ALIVE);
	assert_false(e->analysis & RS_AN_RETRANSMISSION);
	seg(&f->v, &f->p, SV, A, SI + 1, CI + 101, 0, 0, 10);
	e = rs_tracker_update(f->t, &f->p);
	assert_true(e->analysis & RS_AN_KEEP_ALIVE_ACK);
	assert_true(e->analysis & RS_AN_ZERO_WINDOW);
	assert_false(e->analysis & RS_AN_DUP_ACK);
}

static void test_out_of_order(void **state)
{
	struct fx *f = *state;
	const struct rs_tcp_event *e;
	handshake(f);
	e = go(f, C, A, CI + 101, SI + 1, 100, 10);
	assert_true(e->analysis & RS_AN_LOST_SEGMENT);
	/* Within the handshake's round trip (35 µs): reordering. */
	e = go(f, C, A, CI + 1, SI + 1, 50, 20);
	assert_true(e->analysis & RS_AN_OUT_OF_ORDER);
	assert_false(e->analysis & RS_AN_RETRANSMISSION);
	/* Later than a round trip: the sender resent what was lost before
	 * the capture point (Wireshark's rule too). */
	e = go(f, C, A, CI + 51, SI + 1, 50, 100);
	assert_false(e->analysis & RS_AN_OUT_OF_ORDER);
	assert_true(e->analysis & RS_AN_RETRANSMISSION);
}

static void test_port_reuse(void **state)
{
	struct fx *f = *state;
	const struct rs_tcp_event *e;
	handshake(f);
	go(f, C, F | A, CI + 1, SI + 1, 0, 10);
	go(f, SV, F | A, SI + 1, CI + 2, 0, 10);
	go(f, C, A, CI + 2, SI + 2, 0, 10);
	e = go(f, C, S, CI + 77777, 0, 0, 1000);
	EXPECT(e, RS_EV_SYN, RS_TCP_SYN_SENT, RS_TCP_LISTEN);
	assert_true(e->analysis & RS_AN_PORT_REUSE);
	assert_false(e->analysis & RS_AN_SYN_RETRANS);
	assert_int_equal(e->conn_id, 2);
	assert_int_equal(f->recs.n, 1);
	assert_int_equal(f->recs.r[0].end, RS_END_REUSED);
	assert_string_equal(f->recs.r[0].conn_state, "SF");
}

static void test_midstream(void **state)
{
	struct fx *f = *state;
	const struct rs_tcp_event *e;
	e = go(f, SV, A | P, 7000, 3000, 50, 0);
	assert_true(e->client_guessed);
	assert_int_equal(e->dir, RS_DIR_S2C);   /* port 80 is the server */
	/* Wireshark's numbering without SYNs: the first byte seen is 1. */
	assert_int_equal(e->rel_seq, 1);
	assert_int_equal(e->rel_next_seq, 51);
	assert_int_equal(e->rel_ack, 1);
	assert_true(e->base_from_seq);
	assert_true(e->peer_base_from_ack);
	assert_false(e->peer_isn_inferred);
	EXPECT(e, RS_EV_DATA, RS_TCP_ESTABLISHED, RS_TCP_ESTABLISHED);
	e = go(f, C, A, 3000, 7050, 0, 10);
	assert_int_equal(e->rel_seq, 1);
	assert_int_equal(e->rel_ack, 51);
	assert_false(e->base_from_seq);
	assert_int_equal(e->analysis, 0);
	rs_tracker_finish(f->t);
	assert_string_equal(f->recs.r[0].conn_state, "OTH");
	assert_string_equal(f->recs.r[0].history, "^dA");
}

/* The example: "PSH/ACK seq 1000 len 100, then ACK 1100" is
 * 1/101 in tshark, and so here; the reply's own seq counts from the ack
 * the client sent (base ack - 1), not from its first seq. */
static void test_midstream_base_first_seq_minus_one(void **state)
{
	struct fx *f = *state;
	const struct rs_tcp_event *e;
	e = go(f, C, A | P, 1000, 7000, 100, 0);
	assert_int_equal(e->rel_seq, 1);
	assert_int_equal(e->rel_ack, 1);
	e = go(f, SV, A, 7000, 1100, 0, 10);
	assert_int_equal(e->rel_seq, 1);
	assert_int_equal(e->rel_ack, 101);
	assert_int_equal(e->analysis, 0);
	/* The server's first data starts 100 bytes past what the client
	 * acknowledged: those bytes were not captured. */
	e = go(f, SV, A | P, 7100, 1100, 10, 10);
	assert_int_equal(e->rel_seq, 101);
	assert_true(e->analysis & RS_AN_LOST_SEGMENT);
}

/* Only the server's side: the SYN-ACK names the client's ISN (ack - 1),
 * the client's data is known from the server's acks only. */
static void test_one_way_synack_only(void **state)
{
	struct fx *f = *state;
	const struct rs_tcp_event *e;
	e = go(f, SV, S | A, SI, CI + 1, 0, 0);
	EXPECT(e, RS_EV_SYN_ACK, RS_TCP_SYN_SENT, RS_TCP_SYN_RECEIVED);
	assert_int_equal(e->rel_seq, 0);
	assert_int_equal(e->rel_ack, 1);
	assert_true(e->peer_isn_inferred);
	assert_true(e->peer_isn_known);
	assert_int_equal(e->peer_isn, CI);
	assert_false(e->client_guessed);       /* a SYN-ACK says who is who */
	assert_true(e->client_state_guessed);  /* SYN_SENT: it must have sent the SYN */
	assert_false(e->server_state_guessed);
	assert_false(e->one_way);
	assert_false(e->analysis & RS_AN_SYNACK_RETRANS);
	/* The server acks 18 bytes: the client finished the handshake and
	 * sent them, although none of it is in the capture. */
	e = go(f, SV, A, SI + 1, CI + 19, 0, 10);
	EXPECT(e, RS_EV_ACK, RS_TCP_ESTABLISHED, RS_TCP_ESTABLISHED);
	assert_int_equal(e->rel_ack, 19);
	assert_int_equal(e->acked_new, 18);
	/* No client segment at all: the note says once that the direction
	 * is absent, the ACKs are not flagged one by one. */
	assert_false(e->analysis & RS_AN_ACKED_UNSEEN);
	assert_true(e->one_way);
	assert_true(e->peer_unseen);
	assert_true(e->client_state_guessed);
	e = go(f, SV, A | P, SI + 1, CI + 19, 92, 10);
	EXPECT(e, RS_EV_DATA, RS_TCP_ESTABLISHED, RS_TCP_ESTABLISHED);
	assert_int_equal(e->rel_seq, 1);
	assert_false(e->one_way);              /* said once */
	e = go(f, SV, A, SI + 93, CI + 20, 0, 10);
	assert_int_equal(e->rel_seq, 93);
	assert_int_equal(e->rel_ack, 20);
	assert_false(e->one_way);
	rs_tracker_finish(f->t);
	assert_int_equal(f->recs.n, 1);
	assert_true(f->recs.r[0].client_state_guessed);
	assert_false(f->recs.r[0].server_state_guessed);
	assert_int_equal(f->recs.r[0].c2s_pkts, 0);
	assert_int_equal(f->recs.r[0].client_state, RS_TCP_ESTABLISHED);
}

/* A server-only stream without handshake: every client byte is known
 * from acks; the one-way note waits for an ack of unseen data. */
static void test_one_way_server_stream(void **state)
{
	struct fx *f = *state;
	const struct rs_tcp_event *e;
	e = go(f, SV, A | P, 7000, 3000, 100, 0);
	assert_int_equal(e->rel_seq, 1);
	assert_int_equal(e->rel_ack, 1);
	assert_true(e->client_guessed);
	assert_false(e->one_way);
	assert_false(e->client_state_guessed);   /* mid-stream: both assumed ESTABLISHED */
	e = go(f, SV, A | P, 7100, 3000, 100, 10);
	assert_int_equal(e->rel_seq, 101);
	assert_false(e->one_way);
	e = go(f, SV, A | P, 7200, 3040, 100, 10);
	assert_int_equal(e->rel_seq, 201);
	assert_int_equal(e->rel_ack, 41);
	assert_true(e->one_way);
	assert_true(e->client_state_guessed);
	EXPECT(e, RS_EV_DATA, RS_TCP_ESTABLISHED, RS_TCP_ESTABLISHED);
	e = go(f, SV, F | A, 7300, 3040, 0, 10);
	EXPECT(e, RS_EV_FIN, RS_TCP_CLOSE_WAIT, RS_TCP_FIN_WAIT_1);
	assert_true(e->client_state_guessed);
	assert_int_equal(e->rel_next_seq, 302);
}

/* Only the client's side: its handshake ACK gives the server's ISN, and
 * proves the listener sent a SYN-ACK (SYN_RECEIVED, then ESTABLISHED). */
static void test_one_way_client_stream(void **state)
{
	struct fx *f = *state;
	const struct rs_tcp_event *e;
	e = go(f, C, S, CI, 0, 0, 0);
	EXPECT(e, RS_EV_SYN, RS_TCP_SYN_SENT, RS_TCP_LISTEN);
	assert_false(e->server_state_guessed);   /* LISTEN is the plain assumption */
	e = go(f, C, A, CI + 1, SI + 1, 0, 10);
	EXPECT(e, RS_EV_HANDSHAKE_ACK, RS_TCP_ESTABLISHED, RS_TCP_ESTABLISHED);
	assert_int_equal(e->rel_seq, 1);
	assert_int_equal(e->rel_ack, 1);
	assert_true(e->peer_isn_inferred);
	assert_int_equal(e->peer_isn, SI);
	assert_true(e->server_state_guessed);
	assert_false(e->one_way);               /* one missing SYN-ACK is no proof yet */
	e = go(f, C, A | P, CI + 1, SI + 1, 18, 10);
	EXPECT(e, RS_EV_DATA, RS_TCP_ESTABLISHED, RS_TCP_ESTABLISHED);
	e = go(f, C, A, CI + 19, SI + 93, 0, 10);
	assert_int_equal(e->rel_ack, 93);
	assert_int_equal(e->acked_new, 92);
	assert_true(e->one_way);
	e = go(f, C, F | A, CI + 19, SI + 93, 0, 10);
	EXPECT(e, RS_EV_FIN, RS_TCP_FIN_WAIT_1, RS_TCP_CLOSE_WAIT);
	assert_true(e->server_state_guessed);
	e = go(f, C, A, CI + 20, SI + 94, 0, 10);
	assert_int_equal(e->rel_seq, 20);
	assert_int_equal(e->rel_ack, 94);
	rs_tracker_finish(f->t);
	assert_false(f->recs.r[0].client_state_guessed);
	assert_true(f->recs.r[0].server_state_guessed);
}

/* A SYN-ACK captured before its SYN: the SYN is not a retransmission,
 * and numbers agree with a capture in the right order. */
/* Times that run backwards by most of the 64-bit range (a fuzzed pcapng
 * whose SYN-ACK is stamped decades before its SYN): where the capture
 * was taken cannot be told, and working it out must not overflow. */
static void test_handshake_times_backwards(void **state)
{
	struct fx *f = *state;
	const struct rs_tcp_event *e;
	const int64_t decades_us = 2900000000ll * 1000000;
	f->v.usec = 3000000000ll * 1000000;
	go(f, C, S, CI, 0, 0, 0);
	go(f, SV, S | A, SI, CI + 1, 0, -decades_us);
	e = go(f, C, A, CI + 1, SI + 1, 0, 1000);
	EXPECT(e, RS_EV_HANDSHAKE_ACK, RS_TCP_ESTABLISHED, RS_TCP_ESTABLISHED);
	e = go(f, C, F | A, CI + 1, SI + 1, 0, 10);
	EXPECT(e, RS_EV_FIN, RS_TCP_FIN_WAIT_1, RS_TCP_CLOSE_WAIT);
	e = go(f, SV, F | A, SI + 1, CI + 2, 0, 10);
	EXPECT(e, RS_EV_THREE_WAY_CLOSE, RS_TCP_TIME_WAIT, RS_TCP_LAST_ACK);
}

static void test_synack_before_syn(void **state)
{
	struct fx *f = *state;
	const struct rs_tcp_event *e;
	e = go(f, SV, S | A, SI, CI + 1, 0, 0);
	assert_int_equal(e->rel_ack, 1);
	e = go(f, C, S, CI, 0, 0, 5);
	EXPECT(e, RS_EV_SYN, RS_TCP_SYN_SENT, RS_TCP_SYN_RECEIVED);
	assert_true(e->late_syn);
	assert_false(e->analysis & RS_AN_SYN_RETRANS);
	assert_false(e->analysis & RS_AN_PORT_REUSE);
	assert_int_equal(e->rel_seq, 0);
	assert_false(e->client_state_guessed);
	e = go(f, C, A, CI + 1, SI + 1, 0, 10);
	EXPECT(e, RS_EV_HANDSHAKE_ACK, RS_TCP_ESTABLISHED, RS_TCP_ESTABLISHED);
	assert_int_equal(e->rel_seq, 1);
	assert_int_equal(e->rel_ack, 1);
	assert_int_equal(e->analysis, 0);
	/* The same SYN once more is a retransmission again. */
	e = go(f, C, S, CI, 0, 0, 10);
	assert_true(e->analysis & RS_AN_SYN_RETRANS);
	assert_false(e->late_syn);
}

/* The server's side only, two connections on the same ports: the second
 * SYN-ACK answers another client ISN, so the client's new SYN was not
 * captured and a new connection starts (numbered from its ack - 1). */
static void test_one_way_synack_port_reuse(void **state)
{
	struct fx *f = *state;
	const struct rs_tcp_event *e;
	go(f, SV, S | A, SI, CI + 1, 0, 0);
	go(f, SV, A | P, SI + 1, CI + 19, 92, 10);
	go(f, SV, F | A, SI + 93, CI + 20, 0, 10);
	e = go(f, SV, S | A, SI + 777777, CI + 9000001, 0, 500000);
	assert_true(e->analysis & RS_AN_PORT_REUSE);
	assert_false(e->analysis & RS_AN_NEW_ISN);
	assert_int_equal(e->conn_id, 2);
	assert_int_equal(e->rel_seq, 0);
	assert_int_equal(e->rel_ack, 1);
	assert_int_equal(e->peer_isn, CI + 9000000);
	assert_int_equal(f->recs.n, 1);
	assert_int_equal(f->recs.r[0].end, RS_END_REUSED);
	/* The same SYN-ACK again is a retransmission, not another reuse. */
	e = go(f, SV, S | A, SI + 777777, CI + 9000001, 0, 1000000);
	assert_int_equal(e->conn_id, 2);
	assert_true(e->analysis & RS_AN_SYNACK_RETRANS);
}

/* The active opener's side of a simultaneous open: its SYN-ACK acks the
 * peer's SYN, which the capture does not hold. */
static void test_one_way_simultaneous_open(void **state)
{
	struct fx *f = *state;
	const struct rs_tcp_event *e;
	e = go(f, C, S, CI, 0, 0, 0);
	EXPECT(e, RS_EV_SYN, RS_TCP_SYN_SENT, RS_TCP_LISTEN);
	e = go(f, C, S | A, CI, SI + 1, 0, 100);
	EXPECT(e, RS_EV_SIMOPEN_SYN_ACK, RS_TCP_SYN_RECEIVED, RS_TCP_SYN_SENT);
	assert_true(e->peer_isn_inferred);
	assert_true(e->server_state_guessed);
	assert_int_equal(e->rel_ack, 1);
}

/* SACK blocks are relative to the data sender's base, like the ack. */
static void test_sack_relative(void **state)
{
	struct fx *f = *state;
	const struct rs_tcp_event *e;
	handshake(f);
	go(f, SV, A, SI + 1, CI + 1, 300, 10);
	go(f, SV, A, SI + 301, CI + 1, 300, 10);
	go(f, SV, A, SI + 601, CI + 1, 300, 10);
	e = go(f, C, A, CI + 1, SI + 301, 0, 10);
	assert_int_equal(e->n_rel_sack, 0);
	seg(&f->v, &f->p, C, A, CI + 1, SI + 301, 0, 1000, 10);
	f->p.tcp.n_sack = 1;
	f->p.tcp.sack[0][0] = SI + 601;
	f->p.tcp.sack[0][1] = SI + 901;
	e = rs_tracker_update(f->t, &f->p);
	assert_true(e->analysis & RS_AN_DUP_ACK);
	assert_int_equal(e->n_rel_sack, 1);
	assert_int_equal(e->rel_sack[0][0], 601);
	assert_int_equal(e->rel_sack[0][1], 901);
}

/* Mid-stream and one way: the SACK of the first segment is relative to
 * the base its own ack sets (ack - 1), as in tshark. */
static void test_sack_relative_midstream(void **state)
{
	struct fx *f = *state;
	const struct rs_tcp_event *e;
	seg(&f->v, &f->p, C, A, 1000, 7000, 0, 1000, 0);
	f->p.tcp.n_sack = 2;
	f->p.tcp.sack[0][0] = 7300;
	f->p.tcp.sack[0][1] = 7600;
	f->p.tcp.sack[1][0] = 7900;
	f->p.tcp.sack[1][1] = 8000;
	e = rs_tracker_update(f->t, &f->p);
	assert_int_equal(e->rel_ack, 1);
	assert_int_equal(e->n_rel_sack, 2);
	assert_int_equal(e->rel_sack[0][0], 301);
	assert_int_equal(e->rel_sack[0][1], 601);
	assert_int_equal(e->rel_sack[1][0], 901);
	assert_int_equal(e->rel_sack[1][1], 1001);
}

/* A refused connection's RST/ACK (seq 0 from a port that never sent a
 * SYN) is seq 1, as tshark numbers a side without SYN. */
static void test_rst_without_syn_base(void **state)
{
	struct fx *f = *state;
	const struct rs_tcp_event *e;
	go(f, C, S, CI, 0, 0, 0);
	e = go(f, SV, R | A, 0, CI + 1, 0, 10);
	EXPECT(e, RS_EV_REFUSED, RS_TCP_CLOSED, RS_TCP_CLOSED);
	assert_int_equal(e->rel_seq, 1);
	assert_int_equal(e->rel_next_seq, 1);
	assert_int_equal(e->rel_ack, 1);
}

static void test_idle_timeout(void **state)
{
	struct fx *f = *state;
	go(f, C, S, CI, 0, 0, 0);
	f->v.sport = 81;
	go(f, C, S, CI, 0, 0, 61 * 1000000ll);
	struct rs_tracker_stats st;
	rs_tracker_get_stats(f->t, &st);
	assert_int_equal(st.expired, 1);
	assert_int_equal(st.active, 1);
	assert_int_equal(f->recs.n, 1);
	assert_string_equal(f->recs.r[0].conn_state, "S0");
	assert_int_equal(f->recs.r[0].end, RS_END_EXPIRED);
}

/* A random-source SYN flood stays within max_conns; evictions are counted. */
static void test_flood_bounded(void **state)
{
	(void)state;
	struct rs_tracker_config cfg;
	rs_tracker_config_default(&cfg);
	cfg.max_conns = 1000;
	cfg.initial_conns = 16;
	struct rs_tracker *t = rs_tracker_new(&cfg);
	struct conv v;
	struct rs_packet p;
	conv_init(&v);
	uint32_t x = 12345;
	for (int i = 0; i < 200000; i++) {
		x = x * 1103515245u + 12345u;
		memcpy(v.c, &x, 4);
		v.cport = (uint16_t)(x >> 7);
		seg(&v, &p, 1, S, x, 0, 0, 1000, 1);
		rs_tracker_update(t, &p);
	}
	struct rs_tracker_stats st;
	rs_tracker_get_stats(t, &st);
	assert_true(st.active <= 1000);
	assert_true(st.capacity <= 1000);
	assert_int_equal(st.conns, 200000);
	assert_int_equal(st.evicted + st.active + st.expired, 200000);
	rs_tracker_finish(t);
	rs_tracker_free(t);
}

/* Established connections survive a flood of half-open ones. */
static void test_evicts_halfopen_first(void **state)
{
	(void)state;
	struct rs_tracker_config cfg;
	rs_tracker_config_default(&cfg);
	cfg.max_conns = 8;
	struct rs_tracker *t = rs_tracker_new(&cfg);
	struct conv v;
	struct rs_packet p;
	conv_init(&v);
	seg(&v, &p, 1, A | P, 1, 1, 10, 1000, 0);
	const struct rs_tcp_event *e = rs_tracker_update(t, &p);
	uint64_t id = e->conn_id;
	for (int i = 0; i < 100; i++) {
		v.cport = (uint16_t)(1000 + i);
		seg(&v, &p, 1, S, 1, 0, 0, 1000, 1);
		rs_tracker_update(t, &p);
	}
	v.cport = 40000;
	seg(&v, &p, 1, A | P, 11, 1, 10, 1000, 1);
	e = rs_tracker_update(t, &p);
	assert_int_equal(e->conn_id, id);
	assert_false(e->new_conn);
	rs_tracker_free(t);
}


/* Data captured after the ACK that covers it (capture
 * reordering, as with multi-queue NICs) is not a retransmission for the
 * bytes this capture never saw; Zeek's 't' is not set for them either. */
static void test_captured_after_ack(void **state)
{
	struct fx *f = *state;
	const struct rs_tcp_event *e;
	handshake(f);
	e = go(f, C, A, CI + 1, SI + 1, 1000, 10);     /* frame 4: bytes 1..1000 */
	e = go(f, SV, A, SI + 1, CI + 2001, 0, 10);    /* frame 5: acks 2000 */
	assert_true(e->analysis & RS_AN_ACKED_UNSEEN);
	e = go(f, C, A, CI + 1001, SI + 1, 2000, 10);  /* bytes 1001..3000 */
	assert_false(e->analysis & RS_AN_RETRANSMISSION);
	assert_false(e->analysis & RS_AN_LOST_SEGMENT);
	assert_int_equal(e->late_lo, 1001);
	assert_int_equal(e->late_hi, 2001);
	assert_int_equal(e->late_frame, 5);
	/* Bytes the capture did see, sent again after their ACK: a
	 * retransmission, and a spurious one. */
	e = go(f, C, A, CI + 1, SI + 1, 1000, 10);
	assert_true(e->analysis & RS_AN_RETRANSMISSION);
	assert_true(e->analysis & RS_AN_SPURIOUS_RETRANS);
	assert_int_equal(e->late_hi, e->late_lo);
	assert_int_equal(e->ref_frame, 4);
	rs_tracker_finish(f->t);
	assert_string_equal(f->recs.r[0].history, "ShADaGT");
	assert_int_equal(f->recs.r[0].retransmissions, 1);
}

/* Zeek's history without the resend: ShADaG, no T. */
static void test_captured_after_ack_history(void **state)
{
	struct fx *f = *state;
	handshake(f);
	go(f, C, A, CI + 1, SI + 1, 1000, 10);
	go(f, SV, A, SI + 1, CI + 2001, 0, 10);
	go(f, C, A, CI + 1001, SI + 1, 2000, 10);
	rs_tracker_finish(f->t);
	assert_string_equal(f->recs.r[0].history, "ShADaG");
	assert_int_equal(f->recs.r[0].retransmissions, 0);
}

/* A client-side-only capture: Zeek records no gap while the server end,
 * never seen, is not established (TCP_Reassembler's is_clean). */
static void test_gap_one_direction(void **state)
{
	struct fx *f = *state;
	const struct rs_tcp_event *e;
	go(f, C, S, CI, 0, 0, 0);
	go(f, C, A, CI + 1, SI + 1, 0, 10);
	go(f, C, A | P, CI + 1, SI + 1, 50, 10);
	e = go(f, C, A, CI + 51, SI + 101, 0, 10);
	assert_true(e->one_way);
	assert_false(e->analysis & RS_AN_ACKED_UNSEEN);
	e = go(f, C, A, CI + 51, SI + 201, 0, 10);
	assert_false(e->one_way);                    /* said once */
	assert_false(e->analysis & RS_AN_ACKED_UNSEEN);
	go(f, C, F | A, CI + 51, SI + 201, 0, 10);
	rs_tracker_finish(f->t);
	assert_string_equal(f->recs.r[0].history, "SADF");
}

/* Both ends established, a segment lost at the capture point: the ACK
 * that covers it gives Zeek's gap letter of the sender ('G'). */
static void test_gap_both_established(void **state)
{
	struct fx *f = *state;
	handshake(f);
	go(f, C, A, CI + 1, SI + 1, 100, 10);
	go(f, C, A, CI + 201, SI + 1, 100, 10);       /* 101..200 not captured */
	go(f, SV, A, SI + 1, CI + 301, 0, 10);
	rs_tracker_finish(f->t);
	assert_string_equal(f->recs.r[0].history, "ShADaG");
}

/* acked-unseen once per hole, not on every ACK past it. */
static void test_acked_unseen_once_per_hole(void **state)
{
	struct fx *f = *state;
	const struct rs_tcp_event *e;
	handshake(f);
	go(f, C, A, CI + 1, SI + 1, 100, 10);
	e = go(f, C, A, CI + 201, SI + 1, 100, 10);   /* 101..200 not captured */
	assert_true(e->analysis & RS_AN_LOST_SEGMENT);
	e = go(f, SV, A, SI + 1, CI + 301, 0, 10);
	assert_true(e->analysis & RS_AN_ACKED_UNSEEN);
	go(f, C, A, CI + 301, SI + 1, 100, 10);
	e = go(f, SV, A, SI + 1, CI + 401, 0, 10);    /* the same hole still open */
	assert_false(e->analysis & RS_AN_ACKED_UNSEEN);
	go(f, C, A, CI + 401, SI + 1, 100, 10);
	e = go(f, C, A, CI + 601, SI + 1, 100, 10);   /* 501..600: another hole */
	assert_true(e->analysis & RS_AN_LOST_SEGMENT);
	e = go(f, SV, A, SI + 1, CI + 701, 0, 10);
	assert_true(e->analysis & RS_AN_ACKED_UNSEEN);
}

/* The same ACK again while its window is 0 says the buffer is still full:
 * a zero-window ACK (Wireshark's rule), not a duplicate ACK. */
static void test_zero_window_ack_not_dup(void **state)
{
	struct fx *f = *state;
	const struct rs_tcp_event *e;
	handshake(f);
	go(f, C, A, CI + 1, SI + 1, 100, 10);
	go(f, C, A, CI + 101, SI + 1, 100, 10);
	seg(&f->v, &f->p, SV, A, SI + 1, CI + 101, 0, 0, 10);
	e = rs_tracker_update(f->t, &f->p);
	assert_true(e->analysis & RS_AN_ZERO_WINDOW);
	seg(&f->v, &f->p, SV, A, SI + 1, CI + 101, 0, 0, 10);
	e = rs_tracker_update(f->t, &f->p);
	assert_true(e->analysis & RS_AN_ZERO_WINDOW);
	assert_false(e->analysis & RS_AN_DUP_ACK);
	assert_false(e->analysis & RS_AN_WINDOW_UPDATE);
	assert_true(e->zero_window_ack);
	char buf[1024];
	rs_print_note_format(buf, sizeof(buf), &f->p, e, 0);
	assert_non_null(strstr(buf, "a zero-window ACK, not a duplicate ACK"));
	assert_null(strstr(buf, "still waits for byte"));
}

/* A client data segment with a bad checksum, its ACK, then a late bad one:
 * by default counted after its 'C'; with zeek_compat only the 'C', as Zeek's
 * TCP analyzer drops it (the ACK then reveals a gap; no packet, IP bytes
 * or last time of it). */
static void bad_checksum_conv(struct fx *f, bool compat, struct rs_conn_record *out)
{
	struct rs_tracker_config cfg;
	rs_tracker_config_default(&cfg);
	cfg.on_conn_done = on_done;
	cfg.ctx = &f->recs;
	cfg.zeek_compat = compat;
	rs_tracker_free(f->t);
	f->t = rs_tracker_new(&cfg);
	assert_non_null(f->t);
	memset(&f->recs, 0, sizeof(f->recs));
	conv_init(&f->v);
	handshake(f);
	seg(&f->v, &f->p, C, A | P, CI + 1, SI + 1, 10, 1000, 10);
	f->p.tcp.csum_status = RS_CSUM_BAD;
	rs_tracker_update(f->t, &f->p);
	go(f, SV, A, SI + 1, CI + 11, 0, 10);
	seg(&f->v, &f->p, C, A, CI + 11, SI + 1, 0, 1000, 500);
	f->p.tcp.csum_status = RS_CSUM_BAD;
	rs_tracker_update(f->t, &f->p);
	rs_tracker_finish(f->t);
	assert_int_equal(f->recs.n, 1);
	*out = f->recs.r[0];
}

static void test_zeek_compat_bad_checksum(void **state)
{
	struct fx *f = *state;
	struct rs_conn_record d, z;

	bad_checksum_conv(f, false, &d);
	assert_string_equal(d.history, "ShACDa");
	assert_int_equal(d.c2s_pkts, 4);
	assert_int_equal(d.missed_bytes, 0);
	assert_int_equal(d.orig_bytes, 10);
	assert_int_equal(d.zeek_last_ns - d.first_ns, 555000);

	bad_checksum_conv(f, true, &z);
	assert_string_equal(z.history, "ShACaG");
	assert_int_equal(z.c2s_pkts, 2);
	assert_int_equal(z.missed_bytes, 10);
	assert_int_equal(z.orig_bytes, 10);
	assert_string_equal(z.conn_state, "S1");
	assert_int_equal(z.zeek_last_ns - z.first_ns, 55000);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_handshake_and_four_way),
		T(test_three_way_close),
		T(test_half_close),
		T(test_simultaneous_close),
		T(test_simultaneous_open),
		T(test_refused_and_syn_retrans),
		T(test_synack_retrans),
		T(test_synack_new_isn),
		T(test_rst_in_syn_received_and_same_syn_again),
		T(test_rst_abort_and_out_of_window),
		T(test_retrans_dupack_window),
		T(test_zero_window_probe),
		T(test_out_of_order),
		T(test_captured_after_ack),
		T(test_captured_after_ack_history),
		T(test_gap_one_direction),
		T(test_gap_both_established),
		T(test_acked_unseen_once_per_hole),
		T(test_zero_window_ack_not_dup),
		T(test_port_reuse),
		T(test_midstream),
		T(test_midstream_base_first_seq_minus_one),
		T(test_one_way_synack_only),
		T(test_one_way_server_stream),
		T(test_one_way_client_stream),
		T(test_handshake_times_backwards),
		T(test_synack_before_syn),
		T(test_one_way_synack_port_reuse),
		T(test_one_way_simultaneous_open),
		T(test_sack_relative),
		T(test_sack_relative_midstream),
		T(test_rst_without_syn_base),
		T(test_idle_timeout),
		T(test_zeek_compat_bad_checksum),
		cmocka_unit_test(test_flood_bounded),
		cmocka_unit_test(test_evicts_halfopen_first),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
