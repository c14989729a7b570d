/* test_connect.c: the connect engine's state machine, timers and numbers, without a network. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "rawshake/connect.h"

#define S 1000000000LL
#define ISN 1000u
#define IRS 5000u

struct sent {
	uint8_t flags;
	uint32_t seq, ack;
	uint16_t win;
	size_t len;
	uint8_t optlen;
};

static struct sent sent[64];
static unsigned nsent;
static uint8_t got[8192];
static size_t ngot;

static bool cb_send(void *ctx, const struct rs_craft_spec *s)
{
	(void)ctx;
	assert_true(nsent < 64);
	sent[nsent++] = (struct sent){ s->flags, s->seq, s->ack, s->win, s->payload_len, s->opts.len };
	return true;
}

static void cb_data(void *ctx, const uint8_t *p, size_t n)
{
	(void)ctx;
	memcpy(got + ngot, p, n);
	ngot += n;
}

/* Drops as the engine reports them. */
static enum rs_connect_drop dropped[64];
static char drop_text[64][256];
static unsigned ndropped;

static void cb_drop(void *ctx, enum rs_connect_state st, enum rs_connect_drop why, const char *text)
{
	(void)ctx;
	(void)st;
	assert_true(ndropped < 64);
	snprintf(drop_text[ndropped], sizeof(drop_text[0]), "%s", text);
	dropped[ndropped++] = why;
}

/* State changes and other notes, as connect prints them. */
static char notes[64][256];
static unsigned nnotes;

static void cb_note(void *ctx, enum rs_connect_state st, const char *text)
{
	(void)ctx;
	(void)st;
	if (nnotes < 64)
		snprintf(notes[nnotes++], sizeof(notes[0]), "%s", text);
}

static bool has_note(const char *prefix)
{
	for (unsigned i = 0; i < nnotes; i++)
		if (strncmp(notes[i], prefix, strlen(prefix)) == 0)
			return true;
	return false;
}

static const struct rs_connect_callbacks cbs = {
	.send = cb_send, .data = cb_data, .drop = cb_drop, .note = cb_note,
};

static void setup_cfg(struct rs_connect_config *c)
{
	rs_connect_config_init(c, 4);
	static const uint8_t src[4] = { 192, 0, 2, 10 }, dst[4] = { 192, 0, 2, 20 };
	memcpy(c->src, src, 4);
	memcpy(c->dst, dst, 4);
	c->sport = 40000;
	c->dport = 80;
	c->isn = ISN;
	c->timestamps = false;
	nsent = 0;
	ngot = 0;
	ndropped = 0;
	nnotes = 0;
}

/* The checksum status the next segment from the server carries. */
static enum rs_csum next_csum = RS_CSUM_OK;

/* Segments go through rs_connect_input_batch() (answered by rs_connect_flush()). */
static bool batch_mode;

/* A segment from the server to us. */
static void seg(struct rs_connect *h, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t win,
		const char *data, int64_t now)
{
	struct rs_packet p;
	memset(&p, 0, sizeof(p));
	p.has_ip = true;
	p.ip.v = 4;
	memcpy(p.ip.src, h->cfg.dst, 4);
	memcpy(p.ip.dst, h->cfg.src, 4);
	p.l4 = RS_LAYER_TCP;
	p.tcp.sport = h->cfg.dport;
	p.tcp.dport = h->cfg.sport;
	p.tcp.flags = flags;
	p.tcp.seq = seq;
	p.tcp.ack = ack;
	p.tcp.win = win;
	p.tcp.csum = 0xbeef;
	p.tcp.csum_status = next_csum;
	next_csum = RS_CSUM_OK;
	if (flags & RS_TH_SYN) {
		p.tcp.has_mss = true;
		p.tcp.mss = 1000;
	}
	if (data) {
		p.tcp.payload_len = (uint32_t)strlen(data);
		p.payload = (const uint8_t *)data;
		p.payload_caplen = p.tcp.payload_len;
	}
	if (batch_mode)
		rs_connect_input_batch(h, &p, now);
	else
		rs_connect_input(h, &p, now);
}

static void handshake(struct rs_connect *h, const struct rs_connect_config *c)
{
	rs_connect_init(h, c, &cbs);
	rs_connect_start(h, 0);
	assert_int_equal(h->st, RS_CONNECT_SYN_SENT);
	assert_int_equal(nsent, 1);
	assert_int_equal(sent[0].flags, RS_TH_SYN);
	assert_int_equal(sent[0].seq, ISN);
	assert_true(sent[0].optlen > 0);
	seg(h, RS_TH_SYN | RS_TH_ACK, IRS, ISN + 1, 20000, NULL, S / 1000);
	assert_int_equal(sent[1].flags, RS_TH_ACK);
	assert_int_equal(sent[1].seq, ISN + 1);
	assert_int_equal(sent[1].ack, IRS + 1);
	assert_int_equal(h->eff_mss, 1000);
}

/* No data: the ACK, then at once our FIN; ACK and FIN come apart. */
static void test_fin_close(void **state)
{
	(void)state;
	struct rs_connect_config c;
	struct rs_connect h;
	setup_cfg(&c);
	handshake(&h, &c);
	assert_int_equal(nsent, 3);
	assert_int_equal(sent[2].flags, RS_TH_FIN | RS_TH_ACK);
	assert_int_equal(sent[2].seq, ISN + 1);
	assert_int_equal(h.st, RS_CONNECT_FIN_WAIT_1);
	seg(&h, RS_TH_ACK, IRS + 1, ISN + 2, 20000, NULL, 2 * S / 1000);
	assert_int_equal(h.st, RS_CONNECT_FIN_WAIT_2);
	assert_int_equal(nsent, 3);
	seg(&h, RS_TH_FIN | RS_TH_ACK, IRS + 1, ISN + 2, 20000, NULL, 3 * S / 1000);
	assert_int_equal(h.st, RS_CONNECT_TIME_WAIT);
	assert_int_equal(nsent, 4);
	assert_int_equal(sent[3].flags, RS_TH_ACK);
	assert_int_equal(sent[3].seq, ISN + 2);
	assert_int_equal(sent[3].ack, IRS + 2);
	assert_int_equal(h.result, RS_CONNECT_OK);
	assert_false(rs_connect_finished(&h, 3 * S / 1000));
	assert_true(rs_connect_finished(&h, S));
}

/* The server's data and its FIN arrive together after our FIN: both are
 * taken in before anything is sent, then one ACK covers both and ends in
 * TIME_WAIT (not an ACK of the data alone, sent after the FIN arrived). */
static void test_batch_one_ack(void **state)
{
	(void)state;
	struct rs_connect_config c;
	struct rs_connect h;
	setup_cfg(&c);
	handshake(&h, &c);
	assert_int_equal(h.st, RS_CONNECT_FIN_WAIT_1);
	unsigned before = nsent;
	batch_mode = true;
	seg(&h, RS_TH_ACK | RS_TH_PSH, IRS + 1, ISN + 2, 20000, "response", 2 * S / 1000);
	seg(&h, RS_TH_FIN | RS_TH_ACK, IRS + 9, ISN + 2, 20000, "tail", 2 * S / 1000);
	batch_mode = false;
	assert_int_equal(nsent, before);
	assert_int_equal(h.st, RS_CONNECT_TIME_WAIT);
	assert_int_equal(h.result, RS_CONNECT_RUNNING);
	rs_connect_flush(&h, 3 * S / 1000);
	assert_int_equal(nsent, before + 1);
	assert_int_equal(sent[nsent - 1].flags, RS_TH_ACK);
	assert_int_equal(sent[nsent - 1].ack, IRS + 1 + 8 + 4 + 1);
	assert_int_equal(h.result, RS_CONNECT_OK);
	assert_int_equal(ngot, 12);
	assert_memory_equal(got, "responsetail", 12);
	rs_connect_flush(&h, 4 * S / 1000);   /* nothing more to answer */
	assert_int_equal(nsent, before + 1);
}

/* One FIN+ACK that acknowledges our FIN, in FIN_WAIT_1: RFC 9293
 * 3.10.7.4 takes the ACK first (FIN_WAIT_2), then the FIN (TIME_WAIT),
 * and the notes say both steps, as the tracker's do for that segment. */
static void test_fin_ack_both_steps(void **state)
{
	(void)state;
	struct rs_connect_config c;
	struct rs_connect h;
	setup_cfg(&c);
	handshake(&h, &c);
	assert_int_equal(h.st, RS_CONNECT_FIN_WAIT_1);
	seg(&h, RS_TH_FIN | RS_TH_ACK, IRS + 1, ISN + 2, 20000, NULL, 2 * S / 1000);
	assert_int_equal(h.st, RS_CONNECT_TIME_WAIT);
	assert_true(has_note("FIN_WAIT_1 → FIN_WAIT_2: "));
	assert_true(has_note("FIN_WAIT_2 → TIME_WAIT: "));
	assert_false(has_note("FIN_WAIT_1 → TIME_WAIT"));
}

/* The FIN before the ACK of ours: CLOSING, then TIME_WAIT. */
static void test_simultaneous_close(void **state)
{
	(void)state;
	struct rs_connect_config c;
	struct rs_connect h;
	setup_cfg(&c);
	handshake(&h, &c);
	seg(&h, RS_TH_FIN | RS_TH_ACK, IRS + 1, ISN + 1, 20000, NULL, 2 * S / 1000);
	assert_int_equal(h.st, RS_CONNECT_CLOSING);
	assert_int_equal(sent[nsent - 1].ack, IRS + 2);
	seg(&h, RS_TH_ACK, IRS + 2, ISN + 2, 20000, NULL, 3 * S / 1000);
	assert_int_equal(h.st, RS_CONNECT_TIME_WAIT);
	assert_int_equal(h.result, RS_CONNECT_OK);
}

/* The server closes first: CLOSE_WAIT, our FIN, LAST_ACK, CLOSED. */
static void test_passive_close(void **state)
{
	(void)state;
	struct rs_connect_config c;
	struct rs_connect h;
	setup_cfg(&c);
	c.hold_ns = S;
	handshake(&h, &c);
	assert_int_equal(nsent, 2);
	seg(&h, RS_TH_FIN | RS_TH_ACK, IRS + 1, ISN + 1, 20000, "bye", S / 10);
	assert_int_equal(h.st, RS_CONNECT_CLOSE_WAIT);
	assert_int_equal(sent[nsent - 1].ack, IRS + 5);
	assert_int_equal(ngot, 3);
	assert_memory_equal(got, "bye", 3);
	rs_connect_tick(&h, rs_connect_deadline(&h));
	assert_int_equal(h.st, RS_CONNECT_LAST_ACK);
	assert_int_equal(sent[nsent - 1].flags, RS_TH_FIN | RS_TH_ACK);
	seg(&h, RS_TH_ACK, IRS + 5, ISN + 2, 20000, NULL, 2 * S);
	assert_int_equal(h.st, RS_CONNECT_CLOSED);
	assert_int_equal(h.result, RS_CONNECT_OK);
}

/* A RST acknowledging our SYN is a refusal; one that does not is ignored. */
static void test_refused(void **state)
{
	(void)state;
	struct rs_connect_config c;
	struct rs_connect h;
	setup_cfg(&c);
	rs_connect_init(&h, &c, &cbs);
	rs_connect_start(&h, 0);
	seg(&h, RS_TH_RST | RS_TH_ACK, 0, ISN + 7, 0, NULL, 1);
	assert_int_equal(h.result, RS_CONNECT_RUNNING);
	seg(&h, RS_TH_RST | RS_TH_ACK, 0, ISN + 1, 0, NULL, 2);
	assert_int_equal(h.result, RS_CONNECT_REFUSED);
	assert_int_equal(h.st, RS_CONNECT_CLOSED);
}

/* RFC 6298: 1 s, 2 s, 4 s, then give up. */
static void test_syn_backoff(void **state)
{
	(void)state;
	struct rs_connect_config c;
	struct rs_connect h;
	setup_cfg(&c);
	c.retries = 2;
	rs_connect_init(&h, &c, &cbs);
	rs_connect_start(&h, 0);
	assert_int_equal(rs_connect_deadline(&h), S);
	rs_connect_tick(&h, S - 1);
	assert_int_equal(nsent, 1);
	rs_connect_tick(&h, S);
	assert_int_equal(nsent, 2);
	assert_int_equal(sent[1].flags, RS_TH_SYN);
	assert_int_equal(sent[1].seq, ISN);
	assert_int_equal(rs_connect_deadline(&h), 3 * S);
	rs_connect_tick(&h, 3 * S);
	assert_int_equal(nsent, 3);
	assert_int_equal(rs_connect_deadline(&h), 7 * S);
	rs_connect_tick(&h, 7 * S);
	assert_int_equal(nsent, 3);
	assert_int_equal(h.result, RS_CONNECT_NO_ANSWER);
}

/* MSS-sized segments, one window at a time, PSH on the last of each. */
static void test_data_windows(void **state)
{
	(void)state;
	static char data[2600];
	struct rs_connect_config c;
	struct rs_connect h;
	setup_cfg(&c);
	memset(data, 'x', sizeof(data));
	c.data = (const uint8_t *)data;
	c.data_len = sizeof(data);
	c.wscale = -1;
	rs_connect_init(&h, &c, &cbs);
	rs_connect_start(&h, 0);
	seg(&h, RS_TH_SYN | RS_TH_ACK, IRS, ISN + 1, 1500, NULL, 1000);
	/* ACK, then 1000 + 500 (the window), nothing more until acked. */
	assert_int_equal(nsent, 4);
	assert_int_equal(sent[2].len, 1000);
	assert_int_equal(sent[2].seq, ISN + 1);
	assert_int_equal(sent[2].flags, RS_TH_ACK);
	assert_int_equal(sent[3].len, 500);
	assert_int_equal(sent[3].seq, ISN + 1001);
	assert_int_equal(sent[3].flags, RS_TH_ACK | RS_TH_PSH);
	/* A partial ACK sends nothing yet. */
	seg(&h, RS_TH_ACK, IRS + 1, ISN + 1001, 1500, NULL, 2000);
	assert_int_equal(nsent, 4);
	seg(&h, RS_TH_ACK, IRS + 1, ISN + 1501, 4000, NULL, 3000);
	assert_int_equal(nsent, 6);
	assert_int_equal(sent[4].len, 1000);
	assert_int_equal(sent[5].len, 100);
	assert_int_equal(sent[5].seq, ISN + 2501);
	/* Lost: the timer sends everything from the first unacked byte again. */
	rs_connect_tick(&h, rs_connect_deadline(&h));
	assert_int_equal(nsent, 8);
	assert_int_equal(sent[6].seq, ISN + 1501);
	assert_int_equal(sent[6].len, 1000);
	seg(&h, RS_TH_ACK, IRS + 1, ISN + 2601, 4000, NULL, 3 * S);
	assert_int_equal(h.bytes_acked, 2600);
	assert_int_equal(sent[nsent - 1].flags, RS_TH_FIN | RS_TH_ACK);
	assert_int_equal(sent[nsent - 1].seq, ISN + 2601);
	assert_int_equal(h.retransmits, 1);
}

/* The server's data is ACKed in order; a repeat is ACKed but not delivered twice. */
static void test_receive(void **state)
{
	(void)state;
	struct rs_connect_config c;
	struct rs_connect h;
	setup_cfg(&c);
	c.hold_ns = 5 * S;
	handshake(&h, &c);
	seg(&h, RS_TH_ACK, IRS + 1, ISN + 1, 20000, "hello ", 1000);
	assert_int_equal(sent[nsent - 1].ack, IRS + 7);
	seg(&h, RS_TH_ACK, IRS + 1, ISN + 1, 20000, "hello ", 2000);
	assert_int_equal(sent[nsent - 1].ack, IRS + 7);
	seg(&h, RS_TH_ACK, IRS + 7, ISN + 1, 20000, "world", 3000);
	assert_int_equal(sent[nsent - 1].ack, IRS + 12);
	assert_int_equal(ngot, 11);
	assert_memory_equal(got, "hello world", 11);
	/* A RST off rcv_nxt gets a challenge ACK, one at it resets. */
	unsigned n = nsent;
	seg(&h, RS_TH_RST, IRS + 100, 0, 0, NULL, 4000);
	assert_int_equal(nsent, n + 1);
	assert_int_equal(h.result, RS_CONNECT_RUNNING);
	seg(&h, RS_TH_RST, IRS + 12, 0, 0, NULL, 5000);
	assert_int_equal(h.result, RS_CONNECT_RESET);
}

/* --close rst: an RST at snd_nxt, no teardown. */
static void test_rst_close(void **state)
{
	(void)state;
	struct rs_connect_config c;
	struct rs_connect h;
	setup_cfg(&c);
	c.close = RS_CONNECT_CLOSE_RST;
	handshake(&h, &c);
	assert_int_equal(sent[2].flags, RS_TH_RST | RS_TH_ACK);
	assert_int_equal(sent[2].seq, ISN + 1);
	assert_int_equal(h.st, RS_CONNECT_CLOSED);
	assert_int_equal(h.result, RS_CONNECT_OK);
}


/* A FIN that is not acknowledged goes again with the same sequence
 * number (not one past it), then the connection is given up with a RST. */
static void test_fin_retransmit(void **state)
{
	(void)state;
	struct rs_connect_config c;
	struct rs_connect h;
	setup_cfg(&c);
	c.retries = 2;
	handshake(&h, &c);
	assert_int_equal(sent[2].flags, RS_TH_FIN | RS_TH_ACK);
	assert_int_equal(sent[2].seq, ISN + 1);
	rs_connect_tick(&h, rs_connect_deadline(&h));
	assert_int_equal(nsent, 4);
	assert_int_equal(sent[3].flags, RS_TH_FIN | RS_TH_ACK);
	assert_int_equal(sent[3].seq, ISN + 1);
	rs_connect_tick(&h, rs_connect_deadline(&h));
	assert_int_equal(nsent, 5);
	assert_int_equal(sent[4].seq, ISN + 1);
	/* The ACK of the retransmitted FIN is taken as the ACK of our FIN. */
	seg(&h, RS_TH_ACK, IRS + 1, ISN + 2, 20000, NULL, 4 * S);
	assert_int_equal(h.st, RS_CONNECT_FIN_WAIT_2);
	assert_int_equal(h.retransmits, 2);
}

static const char *result_line(const struct rs_connect *h, bool guarded)
{
	static char buf[1024];
	int n = rs_connect_result_describe(h, guarded, buf, sizeof(buf));
	assert_int_equal((size_t)n, strlen(buf));
	return buf;
}

/* The kind a dropped segment is counted as. */
static void test_kind_of(void **state)
{
	(void)state;
	assert_int_equal(rs_connect_kind_of(RS_TH_SYN | RS_TH_ACK, 0), RS_CONNECT_KIND_SYN_ACK);
	assert_int_equal(rs_connect_kind_of(RS_TH_SYN, 0), RS_CONNECT_KIND_SYN);
	assert_int_equal(rs_connect_kind_of(RS_TH_RST | RS_TH_ACK, 0), RS_CONNECT_KIND_RST);
	assert_int_equal(rs_connect_kind_of(RS_TH_SYN | RS_TH_RST, 0), RS_CONNECT_KIND_RST);
	assert_int_equal(rs_connect_kind_of(RS_TH_FIN | RS_TH_ACK, 3), RS_CONNECT_KIND_FIN);
	assert_int_equal(rs_connect_kind_of(RS_TH_ACK | RS_TH_PSH, 3), RS_CONNECT_KIND_DATA);
	assert_int_equal(rs_connect_kind_of(RS_TH_ACK, 0), RS_CONNECT_KIND_ACK);
	assert_int_equal(rs_connect_kind_of(0, 0), RS_CONNECT_KIND_OTHER);
	assert_string_equal(rs_connect_kind_str(RS_CONNECT_KIND_DATA), "data segment");
	assert_string_equal(rs_connect_drop_str(RS_CONNECT_DROP_BAD_CSUM), "bad checksum");
	for (int d = 0; d < RS_CONNECT_DROP_N; d++)
		assert_string_not_equal(rs_connect_drop_str((enum rs_connect_drop)d), "?");
}

/* A SYN-ACK whose checksum the server's kernel left for the NIC (a veth,
 * a bridge, loopback) is a SYN-ACK: the handshake completes. */
static void test_offload_accepted(void **state)
{
	(void)state;
	struct rs_connect_config c;
	struct rs_connect h;
	setup_cfg(&c);
	rs_connect_init(&h, &c, &cbs);
	rs_connect_start(&h, 0);
	next_csum = RS_CSUM_OFFLOAD;
	seg(&h, RS_TH_SYN | RS_TH_ACK, IRS, ISN + 1, 20000, NULL, S / 1000);
	assert_int_equal(sent[1].flags, RS_TH_ACK);
	assert_int_equal(h.st, RS_CONNECT_FIN_WAIT_1);
	next_csum = RS_CSUM_OFFLOAD;
	seg(&h, RS_TH_FIN | RS_TH_ACK, IRS + 1, ISN + 2, 20000, NULL, 2 * S / 1000);
	assert_int_equal(h.result, RS_CONNECT_OK);
	assert_int_equal(h.drops_total, 0);
	assert_int_equal(ndropped, 0);
	/* Unchecked (not all captured) is no reason to drop either. */
	setup_cfg(&c);
	rs_connect_init(&h, &c, &cbs);
	rs_connect_start(&h, 0);
	next_csum = RS_CSUM_UNCHECKED;
	seg(&h, RS_TH_SYN | RS_TH_ACK, IRS, ISN + 1, 20000, NULL, S / 1000);
	assert_int_equal(h.st, RS_CONNECT_FIN_WAIT_1);
	assert_string_equal(result_line(&h, true), "running (in FIN_WAIT_1)");
}

/* SYN-ACKs with a wrong checksum are dropped, each one reported through
 * the drop callback and counted; giving up then says what arrived, not
 * "no answer". */
static void test_bad_csum_give_up(void **state)
{
	(void)state;
	struct rs_connect_config c;
	struct rs_connect h;
	setup_cfg(&c);
	c.retries = 1;
	rs_connect_init(&h, &c, &cbs);
	rs_connect_start(&h, 0);
	next_csum = RS_CSUM_BAD;
	seg(&h, RS_TH_SYN | RS_TH_ACK, IRS, ISN + 1, 20000, NULL, S / 1000);
	assert_int_equal(nsent, 1);   /* no ACK for it */
	assert_int_equal(h.st, RS_CONNECT_SYN_SENT);
	assert_int_equal(ndropped, 1);
	assert_int_equal(dropped[0], RS_CONNECT_DROP_BAD_CSUM);
	assert_non_null(strstr(drop_text[0], "SYN-ACK with a bad TCP checksum (0xbeef"));
	rs_connect_tick(&h, S);
	assert_int_equal(nsent, 2);
	assert_int_equal(sent[1].flags, RS_TH_SYN);
	next_csum = RS_CSUM_BAD;
	seg(&h, RS_TH_SYN | RS_TH_ACK, IRS, ISN + 1, 20000, NULL, S + S / 1000);
	assert_int_equal(ndropped, 2);
	rs_connect_tick(&h, 3 * S);
	assert_int_equal(h.result, RS_CONNECT_NO_ANSWER);
	assert_int_equal(h.drops[RS_CONNECT_KIND_SYN_ACK][RS_CONNECT_DROP_BAD_CSUM], 2);
	assert_int_equal(h.drops_total, 2);
	const char *l = result_line(&h, true);
	assert_string_equal(l, "gave up on 192.0.2.20 port 80 after 1 retransmission of the SYN; "
			       "2 SYN-ACKs arrived and were dropped: bad checksum");
	assert_null(strstr(l, "no answer"));
}

/* Nothing at all: that, and only that, is "no answer". */
static void test_no_answer_line(void **state)
{
	(void)state;
	struct rs_connect_config c;
	struct rs_connect h;
	setup_cfg(&c);
	c.retries = 2;
	rs_connect_init(&h, &c, &cbs);
	rs_connect_start(&h, 0);
	rs_connect_tick(&h, S);
	rs_connect_tick(&h, 3 * S);
	rs_connect_tick(&h, 7 * S);
	assert_int_equal(h.result, RS_CONNECT_NO_ANSWER);
	assert_string_equal(result_line(&h, true),
			    "no answer from 192.0.2.20 port 80 after 2 retransmissions");
	char buf[8];
	assert_int_equal(rs_connect_drops_describe(&h, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
}

/* Every way a segment is dropped while waiting for the SYN-ACK, counted
 * by kind and reason, in one line. */
static void test_drops_mixed(void **state)
{
	(void)state;
	struct rs_connect_config c;
	struct rs_connect h;
	setup_cfg(&c);
	c.retries = 0;
	rs_connect_init(&h, &c, &cbs);
	rs_connect_start(&h, 0);
	seg(&h, RS_TH_SYN | RS_TH_ACK, IRS, ISN + 9, 20000, NULL, 1);   /* wrong ack */
	next_csum = RS_CSUM_BAD;
	seg(&h, RS_TH_SYN | RS_TH_ACK, IRS, ISN + 1, 20000, NULL, 2);
	seg(&h, RS_TH_RST, 0, 0, 0, NULL, 3);                           /* no ACK */
	seg(&h, RS_TH_RST | RS_TH_ACK, 0, ISN + 5, 0, NULL, 4);         /* wrong ack */
	seg(&h, RS_TH_ACK, IRS, ISN + 1, 20000, NULL, 5);                /* no SYN */
	seg(&h, RS_TH_SYN, IRS, 0, 20000, NULL, 6);                      /* simultaneous open */
	assert_int_equal(nsent, 1);
	assert_int_equal(h.st, RS_CONNECT_SYN_SENT);
	assert_int_equal(ndropped, 6);
	assert_int_equal(dropped[0], RS_CONNECT_DROP_WRONG_ACK);
	assert_int_equal(dropped[1], RS_CONNECT_DROP_BAD_CSUM);
	assert_int_equal(dropped[2], RS_CONNECT_DROP_NO_ACK);
	assert_int_equal(dropped[3], RS_CONNECT_DROP_WRONG_ACK);
	assert_int_equal(dropped[4], RS_CONNECT_DROP_NO_SYN);
	assert_int_equal(dropped[5], RS_CONNECT_DROP_SIMULTANEOUS);
	rs_connect_tick(&h, S);
	assert_int_equal(h.result, RS_CONNECT_NO_ANSWER);
	assert_string_equal(result_line(&h, true),
			    "gave up on 192.0.2.20 port 80 after 0 retransmissions of the SYN; "
			    "6 segments arrived and were dropped: 2 SYN-ACKs (1 bad checksum, 1 wrong "
			    "ack), 1 SYN (SYN without ACK (simultaneous open)), 2 RSTs (1 wrong ack, 1 "
			    "no ACK flag), 1 ACK (no SYN while waiting for the SYN-ACK)");
	/* A short buffer: cut, terminated, the full length returned. */
	char small[16];
	int n = rs_connect_drops_describe(&h, small, sizeof(small));
	assert_true(n > (int)sizeof(small));
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_memory_equal(small, "6 segments arri", 15);
	n = rs_connect_result_describe(&h, true, small, sizeof(small));
	assert_int_equal((size_t)n, strlen(result_line(&h, true)));
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_int_equal(rs_connect_result_describe(&h, true, NULL, 0), n);
}

/* One kind for several reasons; one segment says "was". */
static void test_drops_wording(void **state)
{
	(void)state;
	struct rs_connect_config c;
	struct rs_connect h;
	setup_cfg(&c);
	rs_connect_init(&h, &c, &cbs);
	rs_connect_start(&h, 0);
	seg(&h, RS_TH_RST, 0, 0, 0, NULL, 1);
	char buf[256];
	rs_connect_drops_describe(&h, buf, sizeof(buf));
	assert_string_equal(buf, "1 RST arrived and was dropped: no ACK flag");
	seg(&h, RS_TH_RST | RS_TH_ACK, 0, ISN + 3, 0, NULL, 2);
	seg(&h, RS_TH_RST | RS_TH_ACK, 0, ISN + 4, 0, NULL, 3);
	rs_connect_drops_describe(&h, buf, sizeof(buf));
	assert_string_equal(buf, "3 RSTs arrived and were dropped: 2 wrong ack, 1 no ACK flag");
	/* Then the RST that answers the SYN: refused, and the rest said. */
	seg(&h, RS_TH_RST | RS_TH_ACK, 0, ISN + 1, 0, NULL, 4);
	assert_int_equal(h.result, RS_CONNECT_REFUSED);
	assert_string_equal(result_line(&h, true),
			    "refused: 192.0.2.20 port 80 answered the SYN with a RST; 3 RSTs arrived "
			    "and were dropped: 2 wrong ack, 1 no ACK flag");
}

/* Refused over IPv6: the address as inet_ntop writes it. */
static void test_refused_v6_line(void **state)
{
	(void)state;
	struct rs_connect_config c;
	struct rs_connect h;
	static const uint8_t src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x10 };
	static const uint8_t dst[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x20 };
	rs_connect_config_init(&c, 6);
	memcpy(c.src, src, 16);
	memcpy(c.dst, dst, 16);
	c.sport = 40000;
	c.dport = 8081;
	c.isn = ISN;
	nsent = 0;
	ndropped = 0;
	rs_connect_init(&h, &c, &cbs);
	rs_connect_start(&h, 0);
	struct rs_packet p;
	memset(&p, 0, sizeof(p));
	p.has_ip = true;
	p.ip.v = 6;
	memcpy(p.ip.src, dst, 16);
	memcpy(p.ip.dst, src, 16);
	p.l4 = RS_LAYER_TCP;
	p.tcp.sport = 8081;
	p.tcp.dport = 40000;
	p.tcp.flags = RS_TH_RST | RS_TH_ACK;
	p.tcp.ack = ISN + 1;
	p.tcp.csum_status = RS_CSUM_OFFLOAD;
	rs_connect_input(&h, &p, 1);
	assert_int_equal(h.result, RS_CONNECT_REFUSED);
	assert_string_equal(result_line(&h, true),
			    "refused: 2001:db8::20 port 8081 answered the SYN with a RST");
}

/* Once synchronized: a data segment with a bad checksum is dropped (not
 * delivered, not acknowledged), the retransmission is taken, and the
 * completed connection's line still names the drop. */
static void test_bad_csum_established(void **state)
{
	(void)state;
	struct rs_connect_config c;
	struct rs_connect h;
	setup_cfg(&c);
	c.hold_ns = 5 * S;
	handshake(&h, &c);
	unsigned n = nsent;
	next_csum = RS_CSUM_BAD;
	seg(&h, RS_TH_ACK | RS_TH_PSH, IRS + 1, ISN + 1, 20000, "corrupt", 1000);
	assert_int_equal(nsent, n);
	assert_int_equal(ngot, 0);
	assert_int_equal(h.rcv_nxt, IRS + 1);
	assert_int_equal(h.drops[RS_CONNECT_KIND_DATA][RS_CONNECT_DROP_BAD_CSUM], 1);
	seg(&h, RS_TH_ACK | RS_TH_PSH, IRS + 1, ISN + 1, 20000, "hello", 2000);
	assert_int_equal(sent[nsent - 1].ack, IRS + 6);
	assert_int_equal(ngot, 5);
	/* A segment without ACK is dropped too (RFC 9293 3.10.7.4). */
	seg(&h, RS_TH_PSH, IRS + 6, 0, 20000, "x", 3000);
	assert_int_equal(h.rcv_nxt, IRS + 6);
	rs_connect_tick(&h, rs_connect_deadline(&h));
	assert_int_equal(h.st, RS_CONNECT_FIN_WAIT_1);
	seg(&h, RS_TH_FIN | RS_TH_ACK, IRS + 6, ISN + 2, 20000, NULL, 6 * S);
	assert_int_equal(h.result, RS_CONNECT_OK);
	assert_string_equal(result_line(&h, true),
			    "handshake completed, 0 of 0 bytes acknowledged, 5 bytes received, closed "
			    "with FIN; 2 data segments arrived and were dropped: 1 bad checksum, 1 no "
			    "ACK flag");
}

/* Timeouts say what was never acknowledged, or that no FIN came. */
static void test_timeout_lines(void **state)
{
	(void)state;
	static const char data[] = "abc";
	struct rs_connect_config c;
	struct rs_connect h;
	setup_cfg(&c);
	c.retries = 1;
	c.data = (const uint8_t *)data;
	c.data_len = 3;
	handshake(&h, &c);
	rs_connect_tick(&h, rs_connect_deadline(&h));
	rs_connect_tick(&h, rs_connect_deadline(&h));
	assert_int_equal(h.result, RS_CONNECT_TIMEOUT);
	assert_string_equal(result_line(&h, true), "gave up: 192.0.2.20 port 80 did not acknowledge "
						   "our data after 1 retransmission");
	setup_cfg(&c);
	c.retries = 1;
	handshake(&h, &c);
	assert_int_equal(h.st, RS_CONNECT_FIN_WAIT_1);
	next_csum = RS_CSUM_BAD;
	seg(&h, RS_TH_ACK, IRS + 1, ISN + 2, 20000, NULL, 2 * S / 1000);   /* the ACK of our FIN, corrupt */
	rs_connect_tick(&h, rs_connect_deadline(&h));
	rs_connect_tick(&h, rs_connect_deadline(&h));
	assert_int_equal(h.result, RS_CONNECT_TIMEOUT);
	assert_string_equal(result_line(&h, true), "gave up: 192.0.2.20 port 80 did not acknowledge "
						   "our FIN after 1 retransmission; 1 ACK arrived and "
						   "was dropped: bad checksum");
	setup_cfg(&c);
	c.fin_wait_ns = 2 * S;
	handshake(&h, &c);
	seg(&h, RS_TH_ACK, IRS + 1, ISN + 2, 20000, NULL, 2 * S / 1000);
	assert_int_equal(h.st, RS_CONNECT_FIN_WAIT_2);
	rs_connect_tick(&h, rs_connect_deadline(&h));
	assert_int_equal(h.result, RS_CONNECT_TIMEOUT);
	assert_string_equal(result_line(&h, true),
			    "gave up in FIN_WAIT_2: no FIN from 192.0.2.20 port 80 within 2 s");
	/* Reset: the hint about the guard only without one. */
	setup_cfg(&c);
	c.hold_ns = 5 * S;
	handshake(&h, &c);
	seg(&h, RS_TH_RST, IRS + 1, 0, 0, NULL, 3 * S / 1000);
	assert_int_equal(h.result, RS_CONNECT_RESET);
	assert_string_equal(result_line(&h, true), "reset: the server aborted the connection with a RST");
	assert_non_null(strstr(result_line(&h, false), "no RST guard"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fin_close),
		cmocka_unit_test(test_batch_one_ack),
		cmocka_unit_test(test_fin_ack_both_steps),
		cmocka_unit_test(test_simultaneous_close),
		cmocka_unit_test(test_passive_close),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_syn_backoff),
		cmocka_unit_test(test_data_windows),
		cmocka_unit_test(test_receive),
		cmocka_unit_test(test_rst_close),
		cmocka_unit_test(test_fin_retransmit),
		cmocka_unit_test(test_kind_of),
		cmocka_unit_test(test_offload_accepted),
		cmocka_unit_test(test_bad_csum_give_up),
		cmocka_unit_test(test_no_answer_line),
		cmocka_unit_test(test_drops_mixed),
		cmocka_unit_test(test_drops_wording),
		cmocka_unit_test(test_refused_v6_line),
		cmocka_unit_test(test_bad_csum_established),
		cmocka_unit_test(test_timeout_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
