/* test_tracker_fsm.c: the endpoint state machine, one table row per transition. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "rawshake/packet.h"
#include "tracker_fsm.h"
#include "rawshake/tracker.h"

#define S RS_TH_SYN
#define A RS_TH_ACK
#define F RS_TH_FIN
#define R RS_TH_RST
#define P RS_TH_PSH

/* Facts about the segment, as bits, to keep the table narrow. */
enum {
	ASYN = 1, AFIN = 2, PFIN = 4, OSYN = 8, OFIN = 16, INWIN = 32, PASV = 64, NEWISN = 128,
	LATE = 256, PDATA = 512, PISN = 1024,
	INF = 2048,   /* expected: the receiver's state was moved by inference */
	ABEF = 4096,  /* the sender acknowledged the peer's FIN before */
};

struct row {
	const char *name;
	enum rs_tcp_state snd, rcv;
	uint8_t flags;
	uint32_t len;
	unsigned facts;
	enum rs_tcp_state want_snd, want_rcv;
	enum rs_tcp_event_kind want_kind;
	uint32_t want_an;
	/* States passed through within the segment; CLOSED (0): none. */
	enum rs_tcp_state want_snd_via, want_rcv_via;
};

#define CL RS_TCP_CLOSED
#define LI RS_TCP_LISTEN
#define SS RS_TCP_SYN_SENT
#define SR RS_TCP_SYN_RECEIVED
#define ES RS_TCP_ESTABLISHED
#define F1 RS_TCP_FIN_WAIT_1
#define F2 RS_TCP_FIN_WAIT_2
#define CW RS_TCP_CLOSE_WAIT
#define CG RS_TCP_CLOSING
#define LA RS_TCP_LAST_ACK
#define TW RS_TCP_TIME_WAIT

static const struct row rows[] = {
	/* Three-way handshake. */
	{ "client SYN", CL, LI, S, 0, 0, SS, LI, RS_EV_SYN, 0, 0, 0 },
	{ "server SYN-ACK", LI, SS, S | A, 0, ASYN, SR, SS, RS_EV_SYN_ACK, 0, 0, 0 },
	{ "handshake ACK", SS, SR, A, 0, ASYN, ES, ES, RS_EV_HANDSHAKE_ACK, 0, 0, 0 },
	{ "handshake ACK with data", SS, SR, A | P, 100, ASYN, ES, ES, RS_EV_HANDSHAKE_ACK, 0, 0, 0 },
	/* Retransmissions during the handshake. */
	{ "SYN retransmission", SS, LI, S, 0, 0, SS, LI, RS_EV_SYN, RS_AN_SYN_RETRANS, 0, 0 },
	{ "SYN-ACK retransmission", SR, SS, S | A, 0, ASYN, SR, SS, RS_EV_SYN_ACK, RS_AN_SYNACK_RETRANS, 0, 0 },
	{ "SYN-ACK again after handshake: the ACK never arrived", ES, ES, S | A, 0, ASYN, SR, ES, RS_EV_SYN_ACK, RS_AN_SYNACK_RETRANS, 0, 0 },
	{ "SYN again after handshake", ES, ES, S, 0, 0, ES, ES, RS_EV_SYN, RS_AN_SYN_RETRANS, 0, 0 },
	/* The same again with another ISN: a new start, no retransmission. */
	{ "SYN-ACK again, new ISN", SR, SS, S | A, 0, ASYN | NEWISN, SR, SS, RS_EV_SYN_ACK, 0, 0, 0 },
	{ "SYN again, new ISN", SS, LI, S, 0, NEWISN, SS, LI, RS_EV_SYN, 0, 0, 0 },
	{ "SYN-ACK again after handshake, new ISN", ES, ES, S | A, 0, ASYN | NEWISN, SR, ES, RS_EV_SYN_ACK, 0, 0, 0 },
	/* Simultaneous open: SYN, SYN, SYN-ACK, SYN-ACK. */
	{ "simopen: second SYN", LI, SS, S, 0, 0, SS, SS, RS_EV_SIMOPEN_SYN, 0, 0, 0 },
	{ "simopen: second SYN, closed peer", CL, SS, S, 0, 0, SS, SS, RS_EV_SIMOPEN_SYN, 0, 0, 0 },
	{ "simopen: first SYN-ACK", SS, SS, S | A, 0, ASYN, SR, SS, RS_EV_SIMOPEN_SYN_ACK, 0, 0, 0 },
	{ "simopen: second SYN-ACK", SS, SR, S | A, 0, ASYN | OSYN, ES, ES, RS_EV_SIMOPEN_SYN_ACK, 0, 0, 0 },
	{ "simopen: SYN-ACK retransmitted", SR, SS, S | A, 0, ASYN, SR, SS, RS_EV_SYN_ACK, RS_AN_SYNACK_RETRANS, 0, 0 },
	/* Refused and aborted opens. */
	{ "refused: RST/ACK to SYN", LI, SS, R | A, 0, ASYN | INWIN, CL, CL, RS_EV_REFUSED, 0, 0, 0 },
	{ "refused by closed host", CL, SS, R | A, 0, ASYN | INWIN, CL, CL, RS_EV_REFUSED, 0, 0, 0 },
	{ "client gives up with RST", SS, SR, R, 0, INWIN, CL, CL, RS_EV_RST, 0, 0, 0 },
	{ "RST to a passive opener in SYN_RECEIVED: back to LISTEN", SS, SR, R, 0, INWIN | PASV, CL, LI, RS_EV_RST, 0, 0, 0 },
	{ "RST out of window to SYN_RECEIVED", SS, SR, R, 0, PASV, SS, SR, RS_EV_RST_OOW, RS_AN_RST_OUT_OF_WINDOW, 0, 0 },
	{ "RST to a listener", SS, LI, R, 0, INWIN, CL, LI, RS_EV_RST, 0, 0, 0 },
	/* Data. */
	{ "data", ES, ES, A | P, 500, 0, ES, ES, RS_EV_DATA, 0, 0, 0 },
	{ "pure ACK", ES, ES, A, 0, 0, ES, ES, RS_EV_ACK, 0, 0, 0 },
	{ "first data from SYN_RECEIVED (ACK missed)", SR, ES, A | P, 10, 0, ES, ES, RS_EV_DATA, 0, 0, 0 },
	/* Four-way teardown, states as each segment arrives (RFC 9293
	 * figure 12): the FIN makes its receiver CLOSE_WAIT at once. */
	{ "client FIN", ES, ES, F | A, 0, 0, F1, CW, RS_EV_FIN, 0, 0, 0 },
	{ "FIN with data", ES, ES, F | A | P, 20, 0, F1, CW, RS_EV_FIN, 0, 0, 0 },
	{ "server ACKs the FIN", CW, F1, A, 0, AFIN, CW, F2, RS_EV_FIN_ACK, 0, 0, 0 },
	{ "server ACKs a FIN whose arrival was not shown", ES, F1, A, 0, AFIN, CW, F2, RS_EV_FIN_ACK, 0, 0, 0 },
	{ "server FIN: FIN_WAIT_2 gets it, TIME_WAIT", CW, F2, F | A, 0, AFIN | ABEF, LA, TW, RS_EV_SECOND_FIN, 0, 0, 0 },
	{ "client final ACK", TW, LA, A, 0, AFIN, TW, CL, RS_EV_FINAL_ACK, 0, 0, 0 },
	/* Three-way close: FIN_WAIT_1 gets the ACK of its FIN and the
	 * peer's FIN at once (3.10.7.4): through FIN_WAIT_2 to TIME_WAIT. */
	{ "FIN piggybacked on the ACK", CW, F1, F | A, 0, AFIN | PFIN, LA, TW, RS_EV_THREE_WAY_CLOSE, 0, 0, F2 },
	{ "FIN+ACK, peer's FIN arrival not shown", ES, F1, F | A, 0, AFIN | PFIN, LA, TW, RS_EV_THREE_WAY_CLOSE, 0, 0, F2 },
	{ "ACK of piggybacked FIN", TW, LA, A, 0, AFIN, TW, CL, RS_EV_FINAL_ACK, 0, 0, 0 },
	/* Half-close. */
	{ "data after the peer's FIN", CW, F2, A | P, 300, 0, CW, F2, RS_EV_HALF_CLOSE_DATA, 0, 0, 0 },
	{ "data acking the peer's FIN", CW, F1, A | P, 300, AFIN | PFIN, CW, F2, RS_EV_HALF_CLOSE_DATA, 0, 0, 0 },
	{ "data before acking the FIN", CW, F1, A | P, 300, PFIN, CW, F1, RS_EV_HALF_CLOSE_DATA, 0, 0, 0 },
	{ "half-closed end ACKs data", F2, CW, A, 0, 0, F2, CW, RS_EV_ACK, 0, 0, 0 },
	/* Simultaneous close: both ends through CLOSING (figure 13). */
	{ "simclose: crossing FIN", ES, F1, F | A, 0, PFIN, F1, CG, RS_EV_SIMCLOSE, 0, 0, 0 },
	{ "simclose: crossing FIN from a guessed CLOSE_WAIT", CW, F1, F | A, 0, PFIN, CG, CG, RS_EV_SIMCLOSE, 0, F1, 0 },
	{ "simclose: first ACK", CG, CG, A, 0, AFIN, CG, TW, RS_EV_FIN_ACK, 0, 0, 0 },
	{ "simclose: second ACK", TW, CG, A, 0, AFIN | ABEF, TW, TW, RS_EV_FINAL_ACK, 0, 0, 0 },
	{ "simclose: ACK in FIN_WAIT_1 after own FIN acked", F1, CG, A, 0, AFIN | OFIN, TW, TW, RS_EV_FINAL_ACK, 0, 0, 0 },
	/* Retransmitted FINs and late segments. */
	{ "FIN again in FIN_WAIT_1", F1, CW, F | A, 0, 0, F1, CW, RS_EV_FIN, 0, 0, 0 },
	{ "FIN again in LAST_ACK", LA, TW, F | A, 0, AFIN | ABEF, LA, TW, RS_EV_SECOND_FIN, 0, 0, 0 },
	{ "final ACK again", TW, LA, A, 0, AFIN, TW, CL, RS_EV_FINAL_ACK, 0, 0, 0 },
	{ "data on a closed end", CL, TW, A | P, 10, 0, CL, TW, RS_EV_AFTER_CLOSE, 0, 0, 0 },
	/* RST. */
	{ "RST abort", ES, ES, R | A, 0, INWIN, CL, CL, RS_EV_RST, 0, 0, 0 },
	{ "RST abort during close", F1, CW, R, 0, INWIN, CL, CL, RS_EV_RST, 0, 0, 0 },
	{ "RST out of window", ES, ES, R, 0, 0, ES, ES, RS_EV_RST_OOW, RS_AN_RST_OUT_OF_WINDOW, 0, 0 },
	{ "FIN without handshake (Zeek SH)", SS, LI, F, 0, 0, F1, LI, RS_EV_FIN, 0, 0, 0 },
	/* One direction only: what a segment proves the unseen end sent. */
	{ "SYN captured after its SYN-ACK", SS, SR, S, 0, LATE, SS, SR, RS_EV_SYN, 0, 0, 0 },
	{ "late SYN after the handshake", ES, ES, S, 0, LATE, ES, ES, RS_EV_SYN, 0, 0, 0 },
	{ "handshake ACK, SYN-ACK not captured", SS, LI, A, 0, ASYN | PISN | INF, ES, ES, RS_EV_HANDSHAKE_ACK, 0, 0, 0 },
	{ "ACK to a listener whose SYN was seen", SS, LI, A, 0, ASYN, ES, LI, RS_EV_HANDSHAKE_ACK, 0, 0, 0 },
	{ "server acks client data, client unseen", SR, SS, A, 0, ASYN | PDATA | INF, ES, ES, RS_EV_ACK, 0, 0, 0 },
	{ "server data after SYN-ACK, client unseen", SR, SS, A | P, 92, ASYN | INF, ES, ES, RS_EV_DATA, 0, 0, 0 },
	{ "ack of data from a SYN_RECEIVED peer: received", ES, SR, A, 0, ASYN | PDATA, ES, ES, RS_EV_ACK, 0, 0, 0 },
	{ "RST from SYN_RECEIVED proves nothing", SR, SS, R, 0, INWIN, CL, CL, RS_EV_RST, 0, 0, 0 },
};

static void test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *w = &rows[i];
		struct rs_tracker_fsm_seg s = {
			.flags = w->flags, .len = w->len,
			.acks_peer_syn = (w->facts & ASYN) != 0,
			.acks_peer_fin = (w->facts & AFIN) != 0,
			.peer_fin_sent = (w->facts & (PFIN | AFIN)) != 0,
			.own_syn_acked = (w->facts & OSYN) != 0,
			.own_fin_acked = (w->facts & OFIN) != 0,
			.rst_in_window = (w->facts & INWIN) != 0,
			.rcv_passive = (w->facts & PASV) != 0,
			.new_isn = (w->facts & NEWISN) != 0,
			.late_syn = (w->facts & LATE) != 0,
			.acks_peer_data = (w->facts & PDATA) != 0,
			.peer_isn_inferred = (w->facts & PISN) != 0,
			.peer_fin_acked_before = (w->facts & ABEF) != 0,
		};
		struct rs_tracker_fsm_result r;
		rs_tracker_fsm_step(w->snd, w->rcv, &s, &r);
		if (r.snd != w->want_snd || r.rcv != w->want_rcv || r.kind != w->want_kind ||
		    r.analysis != w->want_an || r.rcv_inferred != ((w->facts & INF) != 0) ||
		    r.snd_via_set != (w->want_snd_via != CL) || r.rcv_via_set != (w->want_rcv_via != CL) ||
		    (r.snd_via_set && r.snd_via != w->want_snd_via) ||
		    (r.rcv_via_set && r.rcv_via != w->want_rcv_via)) {
			print_error("row %zu \"%s\": got %s/%s %s an=%#x inf=%d, want %s/%s %s an=%#x inf=%d\n",
				    i, w->name, rs_tcp_state_str(r.snd), rs_tcp_state_str(r.rcv),
				    rs_tcp_event_kind_str(r.kind), r.analysis, r.rcv_inferred,
				    rs_tcp_state_str(w->want_snd), rs_tcp_state_str(w->want_rcv),
				    rs_tcp_event_kind_str(w->want_kind), w->want_an, (w->facts & INF) != 0);
			fail();
		}
	}
}

static void test_names(void **state)
{
	(void)state;
	for (int s = 0; s < RS_TCP_STATE_COUNT; s++)
		assert_string_not_equal(rs_tcp_state_str((enum rs_tcp_state)s), "?");
	for (int k = 0; k < RS_EV_KIND_COUNT; k++)
		assert_non_null(rs_tcp_event_kind_str((enum rs_tcp_event_kind)k));
	assert_string_equal(rs_tcp_state_str(RS_TCP_SYN_RECEIVED), "SYN_RECEIVED");
	assert_string_equal(rs_tcp_state_str(RS_TCP_STATE_COUNT), "?");
	assert_string_equal(rs_tcp_event_kind_str(RS_EV_SIMOPEN_SYN), "simultaneous-open");
	for (unsigned b = 0; b < RS_AN_COUNT; b++)
		assert_non_null(rs_analysis_name(1u << b));
	assert_null(rs_analysis_name(0));
	assert_null(rs_analysis_name(3));
	assert_string_equal(rs_dir_str(RS_DIR_C2S), "c2s");
	assert_string_equal(rs_dir_str(RS_DIR_S2C), "s2c");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
