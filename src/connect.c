/* connect.c: our end of a TCP connection made by hand (RFC 9293 states, RFC 6298 timers). */
#include "config.h"
#include "rawshake/connect.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define NS_PER_MS 1000000LL
#define NS_PER_S 1000000000LL
#define RTO_MIN_NS NS_PER_S          /* RFC 6298 2.4: at least 1 s */
#define RTO_MAX_NS (60 * NS_PER_S)   /* RFC 6298 2.5: a maximum of at least 60 s */

/* Sequence-number comparisons modulo 2^32 (RFC 9293 3.4). */
#define SEQ_LT(a, b) ((int32_t)((a) - (b)) < 0)
#define SEQ_LEQ(a, b) ((int32_t)((a) - (b)) <= 0)

const char *rs_connect_state_str(enum rs_connect_state s)
{
	switch (s) {
	case RS_CONNECT_CLOSED: return "CLOSED";
	case RS_CONNECT_SYN_SENT: return "SYN_SENT";
	case RS_CONNECT_ESTABLISHED: return "ESTABLISHED";
	case RS_CONNECT_FIN_WAIT_1: return "FIN_WAIT_1";
	case RS_CONNECT_FIN_WAIT_2: return "FIN_WAIT_2";
	case RS_CONNECT_CLOSING: return "CLOSING";
	case RS_CONNECT_TIME_WAIT: return "TIME_WAIT";
	case RS_CONNECT_CLOSE_WAIT: return "CLOSE_WAIT";
	case RS_CONNECT_LAST_ACK: return "LAST_ACK";
	}
	return "?";
}

const char *rs_connect_close_str(enum rs_connect_close c)
{
	return c == RS_CONNECT_CLOSE_RST ? "rst" : "fin";
}

const char *rs_connect_result_str(enum rs_connect_result r)
{
	switch (r) {
	case RS_CONNECT_RUNNING: return "running";
	case RS_CONNECT_OK: return "ok";
	case RS_CONNECT_REFUSED: return "refused";
	case RS_CONNECT_NO_ANSWER: return "no-answer";
	case RS_CONNECT_RESET: return "reset";
	case RS_CONNECT_TIMEOUT: return "timeout";
	case RS_CONNECT_INTERRUPTED: return "interrupted";
	case RS_CONNECT_SEND_FAILED: return "send-failed";
	}
	return "?";
}

const char *rs_connect_drop_str(enum rs_connect_drop d)
{
	switch (d) {
	case RS_CONNECT_DROP_BAD_CSUM: return "bad checksum";
	case RS_CONNECT_DROP_WRONG_ACK: return "wrong ack";
	case RS_CONNECT_DROP_NO_ACK: return "no ACK flag";
	case RS_CONNECT_DROP_NO_SYN: return "no SYN while waiting for the SYN-ACK";
	case RS_CONNECT_DROP_SIMULTANEOUS: return "SYN without ACK (simultaneous open)";
	case RS_CONNECT_DROP_OUT_OF_WINDOW: return "outside the window";
	case RS_CONNECT_DROP_NOT_NEXT: return "not at the next sequence number";
	case RS_CONNECT_DROP_UNEXPECTED_SYN: return "SYN on the open connection";
	case RS_CONNECT_DROP_N: break;
	}
	return "?";
}

const char *rs_connect_kind_str(enum rs_connect_kind k)
{
	switch (k) {
	case RS_CONNECT_KIND_SYN_ACK: return "SYN-ACK";
	case RS_CONNECT_KIND_SYN: return "SYN";
	case RS_CONNECT_KIND_RST: return "RST";
	case RS_CONNECT_KIND_FIN: return "FIN";
	case RS_CONNECT_KIND_DATA: return "data segment";
	case RS_CONNECT_KIND_ACK: return "ACK";
	case RS_CONNECT_KIND_OTHER:
	case RS_CONNECT_KIND_N: break;
	}
	return "segment";
}

enum rs_connect_kind rs_connect_kind_of(uint8_t flags, uint32_t payload_len)
{
	if (flags & RS_TH_RST)
		return RS_CONNECT_KIND_RST;
	if ((flags & (RS_TH_SYN | RS_TH_ACK)) == (RS_TH_SYN | RS_TH_ACK))
		return RS_CONNECT_KIND_SYN_ACK;
	if (flags & RS_TH_SYN)
		return RS_CONNECT_KIND_SYN;
	if (flags & RS_TH_FIN)
		return RS_CONNECT_KIND_FIN;
	if (payload_len)
		return RS_CONNECT_KIND_DATA;
	if (flags & RS_TH_ACK)
		return RS_CONNECT_KIND_ACK;
	return RS_CONNECT_KIND_OTHER;
}

void rs_connect_config_init(struct rs_connect_config *c, uint8_t v)
{
	memset(c, 0, sizeof(*c));
	c->v = v;
	c->ttl = 64;
	c->win = 64240;
	c->mss = v == 6 ? 1440 : 1460;
	c->wscale = 7;
	c->sack_perm = true;
	c->timestamps = true;
	c->retries = 3;
	c->rto_ns = NS_PER_S;
	c->close = RS_CONNECT_CLOSE_FIN;
}

static void note(struct rs_connect *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note(struct rs_connect *h, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	if (!h->cb.note)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	h->cb.note(h->cb.ctx, h->st, buf);
}

/* A segment dropped: counted by kind and reason, and said why. */
static void drop(struct rs_connect *h, const struct rs_tcp *t, enum rs_connect_drop why, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void drop(struct rs_connect *h, const struct rs_tcp *t, enum rs_connect_drop why, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	h->drops[rs_connect_kind_of(t->flags, t->payload_len)][why]++;
	h->drops_total++;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (h->cb.drop)
		h->cb.drop(h->cb.ctx, h->st, why, buf);
	else if (h->cb.note)
		h->cb.note(h->cb.ctx, h->st, buf);
}

static void set_state(struct rs_connect *h, enum rs_connect_state st, const char *why)
{
	enum rs_connect_state old = h->st;
	h->st = st;
	if (old != st)
		note(h, "%s → %s: %s", rs_connect_state_str(old), rs_connect_state_str(st), why);
}

static void finish(struct rs_connect *h, enum rs_connect_result r, int64_t now)
{
	if (h->result != RS_CONNECT_RUNNING)
		return;
	h->result = r;
	h->rtx_at = 0;
	h->done_at = now + (int64_t)(h->cfg.linger_ns ? h->cfg.linger_ns : 200 * NS_PER_MS);
}

void rs_connect_init(struct rs_connect *h, const struct rs_connect_config *cfg, const struct rs_connect_callbacks *cb)
{
	memset(h, 0, sizeof(*h));
	h->cfg = *cfg;
	if (!h->cfg.ttl)
		h->cfg.ttl = 64;
	if (!h->cfg.win)
		h->cfg.win = 64240;
	if (!h->cfg.rto_ns)
		h->cfg.rto_ns = NS_PER_S;
	if (!h->cfg.fin_wait_ns)
		h->cfg.fin_wait_ns = 10 * NS_PER_S;
	h->cb = *cb;
	h->st = RS_CONNECT_CLOSED;
	h->result = RS_CONNECT_RUNNING;
	h->iss = cfg->isn;
	h->snd_una = h->snd_nxt = h->snd_max = cfg->isn;
	h->rto_ns = h->cfg.rto_ns;
}

/* Our timestamp clock: milliseconds since the start plus the offset. */
static uint32_t ts_now(const struct rs_connect *h, int64_t now)
{
	return (uint32_t)((now - h->t0) / NS_PER_MS) + h->cfg.ts_offset;
}

/* The window we advertise: the SYN's, shifted once scaling is agreed. */
static uint16_t adv_win(const struct rs_connect *h)
{
	return (uint16_t)(h->ws_ok ? h->cfg.win >> h->rcv_shift : h->cfg.win);
}

static bool emit(struct rs_connect *h, uint8_t flags, uint32_t seq, const uint8_t *payload,
		 size_t len, int64_t now)
{
	struct rs_craft_spec s;

	rs_craft_spec_init(&s);
	s.proto = RS_CRAFT_TCP;
	s.v = h->cfg.v;
	memcpy(s.src, h->cfg.src, 16);
	memcpy(s.dst, h->cfg.dst, 16);
	s.ttl = h->cfg.ttl;
	s.df = h->cfg.v == 4;
	s.id = (uint16_t)(h->snd_max ^ (uint32_t)now);
	s.sport = h->cfg.sport;
	s.dport = h->cfg.dport;
	s.flags = flags;
	s.seq = seq;
	s.ack = (flags & RS_TH_ACK) ? h->rcv_nxt : 0;
	if (flags & RS_TH_SYN) {
		s.win = h->cfg.win;   /* never scaled in a SYN (RFC 7323 2.2) */
		/* The order Linux uses: mss, sackOK, TS, nop, wscale. */
		if (h->cfg.mss)
			rs_tcpopts_mss(&s.opts, h->cfg.mss);
		if (h->cfg.sack_perm)
			rs_tcpopts_sack_perm(&s.opts);
		if (h->cfg.timestamps)
			rs_tcpopts_ts(&s.opts, ts_now(h, now), 0);
		if (h->cfg.wscale >= 0) {
			rs_tcpopts_nop(&s.opts);
			rs_tcpopts_wscale(&s.opts, (uint8_t)h->cfg.wscale);
		}
	} else {
		s.win = (flags & RS_TH_RST) && !(flags & RS_TH_ACK) ? 0 : adv_win(h);
		if (h->ts_ok && !(flags & RS_TH_RST)) {
			rs_tcpopts_nop(&s.opts);
			rs_tcpopts_nop(&s.opts);
			rs_tcpopts_ts(&s.opts, ts_now(h, now), h->ts_recent);
		}
	}
	s.payload = len ? payload : NULL;
	s.payload_len = len;
	if (!h->cb.send(h->cb.ctx, &s)) {
		finish(h, RS_CONNECT_SEND_FAILED, now);
		return false;
	}
	return true;
}

static void arm_rtx(struct rs_connect *h, int64_t now)
{
	h->rtx_at = now + (int64_t)h->rto_ns;
}

/* RFC 6298 2.2 and 2.3, with Karn's rule (no sample from a retransmission). */
static void rtt_sample(struct rs_connect *h, int64_t now)
{
	int64_t r = now - h->rtt_sent;
	if (h->srtt == 0) {
		h->srtt = r;
		h->rttvar = r / 2;
	} else {
		int64_t d = h->srtt > r ? h->srtt - r : r - h->srtt;
		h->rttvar = (3 * h->rttvar + d) / 4;
		h->srtt = (7 * h->srtt + r) / 8;
	}
	int64_t rto = h->srtt + (4 * h->rttvar > NS_PER_MS ? 4 * h->rttvar : NS_PER_MS);
	h->rto_ns = (uint64_t)(rto < RTO_MIN_NS ? RTO_MIN_NS : rto > RTO_MAX_NS ? RTO_MAX_NS : rto);
	h->rtt_timing = false;
}

static void send_syn(struct rs_connect *h, int64_t now)
{
	if (emit(h, RS_TH_SYN, h->iss, NULL, 0, now)) {
		h->snd_nxt = h->snd_max = h->iss + 1;
		arm_rtx(h, now);
	}
}

void rs_connect_start(struct rs_connect *h, int64_t now)
{
	h->t0 = now;
	h->rtt_timing = true;
	h->rtt_seq = h->iss + 1;
	h->rtt_sent = now;
	send_syn(h, now);
	if (h->result == RS_CONNECT_RUNNING)
		set_state(h, RS_CONNECT_SYN_SENT, "SYN sent, waiting for the SYN-ACK");
}

static void send_ack(struct rs_connect *h, int64_t now)
{
	emit(h, RS_TH_ACK, h->snd_nxt, NULL, 0, now);
}

static size_t data_acked(const struct rs_connect *h)
{
	return (size_t)(uint32_t)(h->snd_una - h->iss - 1);
}

/* Sends the next window of data once the previous one is all acknowledged. */
static void send_window(struct rs_connect *h, int64_t now)
{
	size_t off = (size_t)(uint32_t)(h->snd_nxt - h->iss - 1);
	if (h->snd_una != h->snd_nxt || off >= h->cfg.data_len)
		return;
	uint32_t wnd = h->snd_wnd;
	if (wnd == 0) {
		/* A zero window: probe with one byte when the timer fires. */
		if (!h->rtx_at)
			arm_rtx(h, now);
		return;
	}
	size_t budget = h->cfg.data_len - off < wnd ? h->cfg.data_len - off : wnd;
	size_t sent = 0;
	unsigned segs = 0;
	while (sent < budget) {
		size_t n = budget - sent < h->eff_mss ? budget - sent : h->eff_mss;
		bool last = sent + n == budget;
		if (!emit(h, RS_TH_ACK | (last ? RS_TH_PSH : 0), h->snd_nxt, h->cfg.data + off + sent,
			  n, now))
			return;
		if (!h->rtt_timing && h->snd_nxt == h->snd_max) {
			h->rtt_timing = true;
			h->rtt_seq = h->snd_nxt + (uint32_t)n;
			h->rtt_sent = now;
		}
		h->snd_nxt += (uint32_t)n;
		if (SEQ_LT(h->snd_max, h->snd_nxt)) {
			h->bytes_sent += (uint32_t)(h->snd_nxt - h->snd_max);
			h->snd_max = h->snd_nxt;
		}
		sent += n;
		segs++;
	}
	note(h, "sent %zu byte%s in %u segment%s (MSS %u, peer window %u); waiting for the ACK",
	     sent, sent == 1 ? "" : "s", segs, segs == 1 ? "" : "s", h->eff_mss, wnd);
	arm_rtx(h, now);
}

static void send_fin(struct rs_connect *h, int64_t now)
{
	/* A retransmitted FIN keeps its sequence number: snd_nxt is past it. */
	if (!h->fin_sent)
		h->fin_seq = h->snd_nxt;
	if (!emit(h, RS_TH_FIN | RS_TH_ACK, h->fin_seq, NULL, 0, now))
		return;
	if (!h->fin_sent) {
		h->fin_sent = true;
		h->snd_nxt = h->snd_max = h->fin_seq + 1;
		h->fin_wait_until = 0;
	}
	arm_rtx(h, now);
}

/* Once our data is acknowledged and the hold is over: close as asked. */
static void maybe_close(struct rs_connect *h, int64_t now)
{
	if (h->st != RS_CONNECT_ESTABLISHED && h->st != RS_CONNECT_CLOSE_WAIT)
		return;
	if (h->result != RS_CONNECT_RUNNING || h->fin_sent || data_acked(h) < h->cfg.data_len)
		return;
	if (h->hold_until == 0) {
		h->hold_until = now + (int64_t)h->cfg.hold_ns;
		if (h->cfg.hold_ns)
			note(h, "holding the connection open for %.3g s", (double)h->cfg.hold_ns / NS_PER_S);
	}
	if (now < h->hold_until)
		return;
	if (h->cfg.close == RS_CONNECT_CLOSE_RST) {
		if (emit(h, RS_TH_RST | RS_TH_ACK, h->snd_nxt, NULL, 0, now)) {
			set_state(h, RS_CONNECT_CLOSED, "RST sent: the connection is aborted, "
						   "no teardown (--close rst)");
			finish(h, RS_CONNECT_OK, now);
		}
		return;
	}
	send_fin(h, now);
	if (h->result != RS_CONNECT_RUNNING)
		return;
	if (h->st == RS_CONNECT_ESTABLISHED)
		set_state(h, RS_CONNECT_FIN_WAIT_1, "our FIN sent: we have nothing more to send");
	else
		set_state(h, RS_CONNECT_LAST_ACK, "our FIN sent after the peer's: waiting for its ACK");
}

/* The SYN-ACK: the options the peer agreed to, then our ACK. */
static void on_syn_ack(struct rs_connect *h, const struct rs_packet *p, int64_t now)
{
	const struct rs_tcp *t = &p->tcp;

	h->irs = t->seq;
	h->rcv_nxt = t->seq + 1;
	h->snd_una = t->ack;
	/* RFC 9293 3.7.1: without the option, 536 (IPv4) or 1220 (IPv6). */
	h->peer_mss = t->has_mss ? t->mss : (h->cfg.v == 6 ? 1220 : 536);
	h->ws_ok = h->cfg.wscale >= 0 && t->has_wscale;
	h->snd_shift = h->ws_ok ? (t->wscale > 14 ? 14 : t->wscale) : 0;
	h->rcv_shift = h->ws_ok ? (uint8_t)h->cfg.wscale : 0;
	h->sack_ok = h->cfg.sack_perm && t->sack_perm;
	h->ts_ok = h->cfg.timestamps && t->has_ts;
	if (h->ts_ok)
		h->ts_recent = t->ts_val;
	h->snd_wnd = t->win;   /* a SYN's window is never scaled */
	uint16_t mss = h->cfg.mss && h->cfg.mss < h->peer_mss ? h->cfg.mss : h->peer_mss;
	h->eff_mss = (uint16_t)(mss - (h->ts_ok ? 12 : 0));
	if (h->rtt_timing && SEQ_LEQ(h->rtt_seq, t->ack))
		rtt_sample(h, now);
	h->rtx_at = 0;
	h->rtx_count = 0;
	send_ack(h, now);
	if (h->result != RS_CONNECT_RUNNING)
		return;
	set_state(h, RS_CONNECT_ESTABLISHED, "SYN-ACK acknowledges our SYN; our ACK completes the "
					"handshake");
	note(h, "agreed: MSS %u (%u bytes of data per segment), window scale %s, SACK %s, "
		"timestamps %s",
	     h->peer_mss, h->eff_mss, h->ws_ok ? "on" : "off", h->sack_ok ? "permitted" : "off",
	     h->ts_ok ? "on" : "off");
	send_window(h, now);
	maybe_close(h, now);
}

static void on_rst(struct rs_connect *h, const struct rs_packet *p, int64_t now)
{
	const struct rs_tcp *t = &p->tcp;

	if (h->st == RS_CONNECT_SYN_SENT) {
		/* RFC 9293 3.10.7.3: acceptable only when it acknowledges our SYN. */
		if (!(t->flags & RS_TH_ACK)) {
			drop(h, t, RS_CONNECT_DROP_NO_ACK, "RST without ACK: it does not answer our SYN, "
						      "dropped (RFC 9293 3.10.7.3)");
			return;
		}
		if (t->ack != h->iss + 1) {
			drop(h, t, RS_CONNECT_DROP_WRONG_ACK, "RST acknowledging %u, not our SYN (%u): dropped",
			     t->ack, h->iss + 1);
			return;
		}
		set_state(h, RS_CONNECT_CLOSED, "RST in answer to our SYN: connection refused "
					   "(nothing listens on that port)");
		finish(h, RS_CONNECT_REFUSED, now);
		return;
	}
	/* RFC 5961 3.2: only a RST at exactly rcv_nxt resets at once; one
	 * elsewhere in the window would get a challenge ACK. */
	uint32_t wnd = (uint32_t)h->cfg.win;
	if (t->seq != h->rcv_nxt) {
		if (SEQ_LT(t->seq, h->rcv_nxt) || !SEQ_LT(t->seq, h->rcv_nxt + wnd)) {
			drop(h, t, RS_CONNECT_DROP_OUT_OF_WINDOW, "RST outside our window: dropped");
			return;
		}
		drop(h, t, RS_CONNECT_DROP_NOT_NEXT, "RST inside the window but not at the next expected "
						"sequence number: dropped, answered with a challenge ACK "
						"(RFC 5961)");
		send_ack(h, now);
		return;
	}
	bool closing = h->st == RS_CONNECT_TIME_WAIT || h->st == RS_CONNECT_CLOSED;
	set_state(h, RS_CONNECT_CLOSED, "RST from the peer: the connection is aborted");
	finish(h, closing ? RS_CONNECT_OK : RS_CONNECT_RESET, now);
}

/* Advances snd_una; true when our FIN is now acknowledged. */
static bool on_ack(struct rs_connect *h, const struct rs_tcp *t, int64_t now)
{
	if (!SEQ_LT(h->snd_una, t->ack) || SEQ_LT(h->snd_max, t->ack)) {
		if (!SEQ_LT(h->snd_una, t->ack))
			h->snd_wnd = (uint32_t)t->win << h->snd_shift;
		return false;
	}
	uint32_t data_end = h->fin_sent ? h->fin_seq : h->snd_max;
	uint32_t upto = SEQ_LT(data_end, t->ack) ? data_end : t->ack;
	if (SEQ_LT(h->snd_una, upto))
		h->bytes_acked += (uint32_t)(upto - h->snd_una);
	h->snd_una = t->ack;
	if (SEQ_LT(h->snd_nxt, h->snd_una))
		h->snd_nxt = h->snd_una;
	h->snd_wnd = (uint32_t)t->win << h->snd_shift;
	if (h->rtt_timing && SEQ_LEQ(h->rtt_seq, t->ack))
		rtt_sample(h, now);
	h->rtx_count = 0;
	h->rtx_at = h->snd_una == h->snd_max ? 0 : now + (int64_t)h->rto_ns;
	bool fin_acked = h->fin_sent && !h->fin_acked && t->ack == h->fin_seq + 1;
	if (fin_acked)
		h->fin_acked = true;
	return fin_acked;
}

/* The peer's data and FIN: accept what is next in order, ACK. */
static bool on_data(struct rs_connect *h, const struct rs_packet *p, bool *fin_now)
{
	const struct rs_tcp *t = &p->tcp;
	uint32_t len = t->payload_len;
	bool need_ack = false;

	*fin_now = false;
	if (len) {
		need_ack = true;
		uint32_t end = t->seq + len;
		if (SEQ_LEQ(t->seq, h->rcv_nxt) && SEQ_LT(h->rcv_nxt, end)) {
			uint32_t skip = h->rcv_nxt - t->seq, n = len - skip;
			/* Only what was captured can be shown; the ACK covers the segment. */
			if (h->cb.data && p->payload && p->payload_caplen > skip) {
				uint32_t have = p->payload_caplen - skip;
				h->cb.data(h->cb.ctx, p->payload + skip, have < n ? have : n);
			}
			h->rcv_nxt = end;
			h->bytes_received += n;
		} else if (SEQ_LT(h->rcv_nxt, t->seq)) {
			note(h, "data beyond the next expected byte (a gap): duplicate ACK");
		}
	}
	if (t->flags & RS_TH_FIN) {
		need_ack = true;
		if (t->seq + len == h->rcv_nxt && !h->peer_fin) {
			h->peer_fin = true;
			h->rcv_nxt++;
			*fin_now = true;
		}
	}
	return need_ack;
}

void rs_connect_input(struct rs_connect *h, const struct rs_packet *p, int64_t now)
{
	rs_connect_input_batch(h, p, now);
	rs_connect_flush(h, now);
}

/* A TCP segment of this connection, from the peer to us. */
static bool of_ours(const struct rs_connect *h, const struct rs_packet *p)
{
	const struct rs_tcp *t = &p->tcp;
	return p->l4 == RS_LAYER_TCP && p->has_ip && p->ip.v == h->cfg.v &&
	       t->sport == h->cfg.dport && t->dport == h->cfg.sport &&
	       memcmp(p->ip.src, h->cfg.dst, h->cfg.v == 4 ? 4 : 16) == 0 &&
	       memcmp(p->ip.dst, h->cfg.src, h->cfg.v == 4 ? 4 : 16) == 0;
}

/* SYN_SENT: only the SYN-ACK of our SYN moves it on. */
static void in_syn_sent(struct rs_connect *h, const struct rs_packet *p, int64_t now)
{
	const struct rs_tcp *t = &p->tcp;

	if ((t->flags & (RS_TH_SYN | RS_TH_ACK)) == (RS_TH_SYN | RS_TH_ACK)) {
		if (t->ack == h->iss + 1)
			on_syn_ack(h, p, now);
		else
			drop(h, t, RS_CONNECT_DROP_WRONG_ACK, "SYN-ACK acknowledging %u, not our SYN "
			     "(%u): dropped", t->ack, h->iss + 1);
	} else if (t->flags & RS_TH_SYN) {
		drop(h, t, RS_CONNECT_DROP_SIMULTANEOUS, "a SYN without ACK (simultaneous open) is "
		     "not supported: dropped");
	} else {
		drop(h, t, RS_CONNECT_DROP_NO_SYN, "%s while waiting for the SYN-ACK: dropped",
		     rs_connect_kind_str(rs_connect_kind_of(t->flags, t->payload_len)));
	}
}

/* A SYN once synchronized: the SYN-ACK again, or nothing of ours. */
static void in_syn_open(struct rs_connect *h, const struct rs_tcp *t, int64_t now)
{
	/* Our ACK of the SYN-ACK was lost: the peer retransmits it. */
	if (t->seq + 1 == h->rcv_nxt) {
		note(h, "retransmitted SYN-ACK: our ACK was lost, sending it again");
		send_ack(h, now);
	} else {
		drop(h, t, RS_CONNECT_DROP_UNEXPECTED_SYN, "%s with sequence number %u on the open "
		     "connection (not the SYN-ACK again): dropped",
		     rs_connect_kind_str(rs_connect_kind_of(t->flags, t->payload_len)), t->seq);
	}
}

/* What the ACK of our FIN and the peer's FIN do to the state: the
 * peer's close (CLOSE_WAIT), ours, or both at once. */
static void in_close(struct rs_connect *h, const struct rs_tcp *t, bool fin_acked, bool fin_now,
		     int64_t now)
{
	switch (h->st) {
	case RS_CONNECT_ESTABLISHED:
		if (fin_now)
			set_state(h, RS_CONNECT_CLOSE_WAIT, "the peer's FIN: it has nothing more to send; "
						       "we ACK it");
		break;
	case RS_CONNECT_FIN_WAIT_1:
		if (fin_acked && fin_now) {
			/* RFC 9293 3.10.7.4: the ACK is processed first (to
			 * FIN_WAIT_2), then the FIN in the same segment; the
			 * tracker shows both steps too. */
			set_state(h, RS_CONNECT_FIN_WAIT_2, "this segment ACKs our FIN");
			set_state(h, RS_CONNECT_TIME_WAIT, "and carries the peer's FIN; our last ACK "
						      "follows");
		}
		else if (fin_now)
			set_state(h, RS_CONNECT_CLOSING, "the peer's FIN before the ACK of ours "
						    "(simultaneous close)");
		else if (fin_acked)
			set_state(h, RS_CONNECT_FIN_WAIT_2, "our FIN is acknowledged; waiting for the "
						       "peer's FIN");
		break;
	case RS_CONNECT_FIN_WAIT_2:
		if (fin_now)
			set_state(h, RS_CONNECT_TIME_WAIT, "the peer's FIN; our last ACK follows");
		break;
	case RS_CONNECT_CLOSING:
		if (fin_acked)
			set_state(h, RS_CONNECT_TIME_WAIT, "our FIN is acknowledged");
		break;
	case RS_CONNECT_LAST_ACK:
		if (fin_acked) {
			set_state(h, RS_CONNECT_CLOSED, "our FIN is acknowledged: the connection is "
						   "closed");
			finish(h, RS_CONNECT_OK, now);
		}
		break;
	case RS_CONNECT_TIME_WAIT:
		if (t->flags & RS_TH_FIN)
			note(h, "retransmitted FIN in TIME_WAIT: our last ACK was lost, ACKing "
				"again");
		break;
	default:
		break;
	}
}

void rs_connect_input_batch(struct rs_connect *h, const struct rs_packet *p, int64_t now)
{
	const struct rs_tcp *t = &p->tcp;

	if (!of_ours(h, p))
		return;
	/* Only a checksum that is wrong: one the sender left for the NIC
	 * (RS_CSUM_OFFLOAD: loopback, a veth, a bridge) is accepted by the
	 * kernel that receives it, so it is by us. */
	if (t->csum_status == RS_CSUM_BAD) {
		drop(h, t, RS_CONNECT_DROP_BAD_CSUM, "%s with a bad TCP checksum (0x%04x, and not the "
			"pseudo-header sum an offloading sender leaves): dropped, as the kernel drops it",
		     rs_connect_kind_str(rs_connect_kind_of(t->flags, t->payload_len)), t->csum);
		return;
	}
	if (h->st == RS_CONNECT_CLOSED) {
		if (!(t->flags & RS_TH_RST) && h->result == RS_CONNECT_OK &&
		    h->cfg.close == RS_CONNECT_CLOSE_RST)
			note(h, "the peer still sends after our RST");
		return;
	}
	if (t->flags & RS_TH_RST) {
		on_rst(h, p, now);
		return;
	}
	if (h->st == RS_CONNECT_SYN_SENT) {
		in_syn_sent(h, p, now);
		return;
	}
	if (t->flags & RS_TH_SYN) {
		in_syn_open(h, t, now);
		return;
	}
	if (!(t->flags & RS_TH_ACK)) {
		/* RFC 9293 3.10.7.4: a segment without ACK is dropped once synchronized. */
		drop(h, t, RS_CONNECT_DROP_NO_ACK, "%s without the ACK flag: dropped (RFC 9293 3.10.7.4)",
		     rs_connect_kind_str(rs_connect_kind_of(t->flags, t->payload_len)));
		return;
	}
	if (h->ts_ok && t->has_ts && SEQ_LEQ(t->seq, h->rcv_nxt))
		h->ts_recent = t->ts_val;

	bool fin_acked = on_ack(h, t, now);
	bool fin_now;
	bool need_ack = on_data(h, p, &fin_now);

	in_close(h, t, fin_acked, fin_now, now);
	if (need_ack)
		h->ack_pending = true;
	h->respond_pending = true;
}

void rs_connect_flush(struct rs_connect *h, int64_t now)
{
	if (!h->respond_pending)
		return;
	h->respond_pending = false;
	if (h->ack_pending && h->result != RS_CONNECT_SEND_FAILED)
		send_ack(h, now);
	h->ack_pending = false;
	if (h->st == RS_CONNECT_TIME_WAIT && h->result == RS_CONNECT_RUNNING) {
		h->rtx_at = 0;
		note(h, "TIME_WAIT would last 2 MSL (60 s on Linux) so that late segments die "
			"out; rawshake does not wait: the kernel never knew this 4-tuple");
		finish(h, RS_CONNECT_OK, now);
		return;
	}
	if (h->st == RS_CONNECT_FIN_WAIT_2 && !h->fin_wait_until)
		h->fin_wait_until = now + (int64_t)h->cfg.fin_wait_ns;
	if (h->result == RS_CONNECT_RUNNING) {
		send_window(h, now);
		maybe_close(h, now);
	}
}

/* The retransmission timer fired: RFC 6298 5.4 to 5.6. */
static void on_rtx_timeout(struct rs_connect *h, int64_t now)
{
	if (h->rtx_count >= h->cfg.retries) {
		if (h->st == RS_CONNECT_SYN_SENT) {
			set_state(h, RS_CONNECT_CLOSED, h->drops_total ? "no acceptable answer to the SYN "
				  "after every retransmission" : "no answer to the SYN after every "
				  "retransmission");
			finish(h, RS_CONNECT_NO_ANSWER, now);
		} else {
			h->gave_up_on = h->fin_sent && h->snd_una == h->fin_seq ? 2 : 1;
			note(h, "still unacknowledged after %u retransmissions: giving up with a RST",
			     h->rtx_count);
			emit(h, RS_TH_RST | RS_TH_ACK, h->snd_nxt, NULL, 0, now);
			set_state(h, RS_CONNECT_CLOSED, "aborted");
			finish(h, RS_CONNECT_TIMEOUT, now);
		}
		return;
	}
	h->rtx_count++;
	h->retransmits++;
	h->rtt_timing = false;   /* Karn: no RTT sample from a retransmitted segment */
	uint64_t waited = h->rto_ns;
	h->rto_ns = h->rto_ns * 2 > (uint64_t)RTO_MAX_NS ? (uint64_t)RTO_MAX_NS : h->rto_ns * 2;
	const char *what = h->st == RS_CONNECT_SYN_SENT ? "SYN" : h->fin_sent && h->snd_una == h->fin_seq
			   ? "FIN" : "data";
	note(h, "no %s within %.3g s: retransmitting the %s (%u of %u), next timeout %.3g s",
	     h->st == RS_CONNECT_SYN_SENT ? "SYN-ACK" : "ACK", (double)waited / NS_PER_S, what, h->rtx_count, h->cfg.retries,
	     (double)h->rto_ns / NS_PER_S);
	if (h->st == RS_CONNECT_SYN_SENT) {
		send_syn(h, now);
		return;
	}
	if (h->fin_sent && h->snd_una == h->fin_seq) {
		send_fin(h, now);
		return;
	}
	if (h->snd_wnd == 0 && h->snd_una == h->snd_nxt) {
		/* Zero-window probe: one byte beyond the window. */
		size_t off = data_acked(h);
		if (emit(h, RS_TH_ACK, h->snd_nxt, h->cfg.data + off, 1, now)) {
			h->snd_nxt++;
			if (SEQ_LT(h->snd_max, h->snd_nxt))
				h->snd_max = h->snd_nxt;
		}
		arm_rtx(h, now);
		return;
	}
	/* Go back N: everything from the first unacknowledged byte again. */
	h->snd_nxt = h->snd_una;
	uint32_t wnd = h->snd_wnd;
	h->snd_wnd = wnd ? wnd : 1;
	send_window(h, now);
	h->snd_wnd = wnd;
}

void rs_connect_tick(struct rs_connect *h, int64_t now)
{
	if (h->result != RS_CONNECT_RUNNING)
		return;
	if (h->rtx_at && now >= h->rtx_at) {
		h->rtx_at = 0;
		on_rtx_timeout(h, now);
		if (h->result != RS_CONNECT_RUNNING)
			return;
	}
	if (h->st == RS_CONNECT_FIN_WAIT_2 && h->fin_wait_until && now >= h->fin_wait_until) {
		h->gave_up_on = 3;
		note(h, "no FIN from the peer within %.3g s: giving up with a RST",
		     (double)h->cfg.fin_wait_ns / NS_PER_S);
		emit(h, RS_TH_RST | RS_TH_ACK, h->snd_nxt, NULL, 0, now);
		set_state(h, RS_CONNECT_CLOSED, "aborted");
		finish(h, RS_CONNECT_TIMEOUT, now);
		return;
	}
	maybe_close(h, now);
}

int64_t rs_connect_deadline(const struct rs_connect *h)
{
	if (h->result != RS_CONNECT_RUNNING)
		return h->done_at;
	int64_t d = h->rtx_at;
	if (h->st == RS_CONNECT_FIN_WAIT_2 && h->fin_wait_until && (!d || h->fin_wait_until < d))
		d = h->fin_wait_until;
	if ((h->st == RS_CONNECT_ESTABLISHED || h->st == RS_CONNECT_CLOSE_WAIT) && h->hold_until &&
	    !h->fin_sent && (!d || h->hold_until < d))
		d = h->hold_until;
	return d;
}

void rs_connect_abort(struct rs_connect *h, int64_t now)
{
	if (h->result != RS_CONNECT_RUNNING)
		return;
	if (h->st != RS_CONNECT_CLOSED && h->st != RS_CONNECT_SYN_SENT && h->st != RS_CONNECT_TIME_WAIT) {
		emit(h, RS_TH_RST | RS_TH_ACK, h->snd_nxt, NULL, 0, now);
		set_state(h, RS_CONNECT_CLOSED, "interrupted: RST sent so the peer forgets the "
					   "connection");
	} else if (h->st == RS_CONNECT_SYN_SENT) {
		set_state(h, RS_CONNECT_CLOSED, "interrupted before the handshake completed");
	}
	finish(h, RS_CONNECT_INTERRUPTED, now);
	h->done_at = now;
}

bool rs_connect_finished(const struct rs_connect *h, int64_t now)
{
	return h->result != RS_CONNECT_RUNNING && now >= h->done_at;
}

/* snprintf that keeps appending: *len grows by what would have been
 * written, the buffer never overflows. */
static void put(char *buf, size_t n, int *len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void put(char *buf, size_t n, int *len, const char *fmt, ...)
{
	va_list ap;
	size_t at = *len < 0 ? 0 : (size_t)*len;

	va_start(ap, fmt);
	int r = vsnprintf(at < n ? buf + at : NULL, at < n ? n - at : 0, fmt, ap);
	va_end(ap);
	if (r > 0)
		*len += r;
}

/* The reasons one kind was dropped for: "bad checksum" when there is one,
 * "2 bad checksum, 1 wrong ack" when there are several. */
static void put_reasons(const struct rs_connect *h, enum rs_connect_kind k, char *buf, size_t n, int *len)
{
	unsigned nr = 0;
	for (int d = 0; d < RS_CONNECT_DROP_N; d++)
		nr += h->drops[k][d] != 0;
	bool first = true;
	for (int d = 0; d < RS_CONNECT_DROP_N; d++) {
		unsigned c = h->drops[k][d];
		if (!c)
			continue;
		if (nr == 1)
			put(buf, n, len, "%s", rs_connect_drop_str((enum rs_connect_drop)d));
		else
			put(buf, n, len, "%s%u %s", first ? "" : ", ", c, rs_connect_drop_str((enum rs_connect_drop)d));
		first = false;
	}
}

int rs_connect_drops_describe(const struct rs_connect *h, char *buf, size_t n)
{
	unsigned per_kind[RS_CONNECT_KIND_N] = { 0 }, kinds = 0, total = 0;
	int len = 0, only = 0;

	if (n)
		buf[0] = '\0';
	for (int k = 0; k < RS_CONNECT_KIND_N; k++) {
		for (int d = 0; d < RS_CONNECT_DROP_N; d++)
			per_kind[k] += h->drops[k][d];
		if (per_kind[k]) {
			kinds++;
			only = k;
		}
		total += per_kind[k];
	}
	if (total == 0)
		return 0;
	if (kinds == 1) {
		put(buf, n, &len, "%u %s%s arrived and %s dropped: ", total,
		    rs_connect_kind_str((enum rs_connect_kind)only), total == 1 ? "" : "s",
		    total == 1 ? "was" : "were");
		put_reasons(h, (enum rs_connect_kind)only, buf, n, &len);
		return len;
	}
	put(buf, n, &len, "%u segments arrived and were dropped: ", total);
	bool first = true;
	for (int k = 0; k < RS_CONNECT_KIND_N; k++) {
		if (!per_kind[k])
			continue;
		put(buf, n, &len, "%s%u %s%s (", first ? "" : ", ", per_kind[k],
		    rs_connect_kind_str((enum rs_connect_kind)k), per_kind[k] == 1 ? "" : "s");
		put_reasons(h, (enum rs_connect_kind)k, buf, n, &len);
		put(buf, n, &len, ")");
		first = false;
	}
	return len;
}

int rs_connect_result_describe(const struct rs_connect *h, bool guarded, char *buf, size_t n)
{
	char d[INET6_ADDRSTRLEN];
	int len = 0;
	unsigned rt = h->cfg.retries;
	const char *rts = rt == 1 ? "" : "s";

	if (n)
		buf[0] = '\0';
	inet_ntop(h->cfg.v == 4 ? AF_INET : AF_INET6, h->cfg.dst, d, sizeof(d));
	switch (h->result) {
	case RS_CONNECT_OK:
		put(buf, n, &len, "handshake completed, %llu of %zu bytes acknowledged, %llu bytes "
				  "received, closed with %s", (unsigned long long)h->bytes_acked,
		    h->cfg.data_len, (unsigned long long)h->bytes_received,
		    h->cfg.close == RS_CONNECT_CLOSE_RST ? "RST" : "FIN");
		break;
	case RS_CONNECT_REFUSED:
		put(buf, n, &len, "refused: %s port %u answered the SYN with a RST", d, h->cfg.dport);
		break;
	case RS_CONNECT_NO_ANSWER:
		/* "No answer" only when nothing came: a SYN-ACK dropped for a
		 * bad checksum is an answer, and the reason it did not count. */
		if (h->drops_total)
			put(buf, n, &len, "gave up on %s port %u after %u retransmission%s of the SYN",
			    d, h->cfg.dport, rt, rts);
		else
			put(buf, n, &len, "no answer from %s port %u after %u retransmission%s", d,
			    h->cfg.dport, rt, rts);
		break;
	case RS_CONNECT_RESET:
		put(buf, n, &len, "reset: the server aborted the connection with a RST%s",
		    guarded ? "" : ", answering the local kernel's RST (no RST guard)");
		break;
	case RS_CONNECT_TIMEOUT:
		if (h->gave_up_on == 3)
			put(buf, n, &len, "gave up in FIN_WAIT_2: no FIN from %s port %u within %.3g s",
			    d, h->cfg.dport, (double)h->cfg.fin_wait_ns / NS_PER_S);
		else
			put(buf, n, &len, "gave up: %s port %u did not acknowledge our %s after %u "
					  "retransmission%s", d, h->cfg.dport,
			    h->gave_up_on == 2 ? "FIN" : "data", rt, rts);
		break;
	case RS_CONNECT_INTERRUPTED:
		put(buf, n, &len, "interrupted (in %s)", rs_connect_state_str(h->st));
		break;
	case RS_CONNECT_SEND_FAILED:
		put(buf, n, &len, "stopped: a segment could not be sent (in %s)", rs_connect_state_str(h->st));
		break;
	case RS_CONNECT_RUNNING:
		put(buf, n, &len, "running (in %s)", rs_connect_state_str(h->st));
		break;
	}
	if (h->drops_total) {
		put(buf, n, &len, "; ");
		size_t at = (size_t)len;
		len += rs_connect_drops_describe(h, at < n ? buf + at : NULL, at < n ? n - at : 0);
	}
	return len;
}
