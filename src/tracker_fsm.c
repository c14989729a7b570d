/*
 * tracker_fsm.c: the TCP endpoint state machine of RFC 9293 (section 3.3.2),
 * driven from the wire: one handler per state of the sending endpoint,
 * one dispatch switch (the Suricata stream engine's pattern).
 *
 * See tracker_fsm.h for what a segment may change.  Sequence-number analysis
 * (retransmission, duplicate ACK, ...) is the tracker's; this file only
 * decides states and the name of the step.
 */
#include "tracker_fsm.h"

#include "rawshake/packet.h"

static bool has(const struct rs_tracker_fsm_seg *s, uint8_t f)
{
	return (s->flags & f) != 0;
}

/* The sender's SYN (or SYN-ACK) again: a retransmission when it carries
 * the same ISN; with another ISN it is a new start, which the tracker
 * marks (RS_AN_NEW_ISN), not a retransmission.  After the handshake it
 * is a late copy, or the peer did not get our ACK of its SYN-ACK; no
 * state changes but the caller's. */
static void syn_again(const struct rs_tracker_fsm_seg *s, struct rs_tracker_fsm_result *r)
{
	bool ack = has(s, RS_TH_ACK);
	r->kind = ack ? RS_EV_SYN_ACK : RS_EV_SYN;
	/* A SYN the capture shows after the SYN-ACK that answers it is the
	 * first one seen, reordered, not one sent again. */
	if (!s->new_isn && !s->late_syn)
		r->analysis |= ack ? RS_AN_SYNACK_RETRANS : RS_AN_SYN_RETRANS;
}

static void plain(const struct rs_tracker_fsm_seg *s, struct rs_tracker_fsm_result *r)
{
	r->kind = s->len ? RS_EV_DATA : (has(s, RS_TH_ACK) ? RS_EV_ACK : RS_EV_SEGMENT);
}

/* The sender is in CLOSED: before it opened, or after it closed. */
static void st_closed(enum rs_tcp_state rcv, const struct rs_tracker_fsm_seg *s, struct rs_tracker_fsm_result *r)
{
	if (has(s, RS_TH_SYN) && !has(s, RS_TH_ACK)) {
		r->snd = RS_TCP_SYN_SENT;
		r->kind = rcv == RS_TCP_SYN_SENT ? RS_EV_SIMOPEN_SYN : RS_EV_SYN;
	} else if (has(s, RS_TH_SYN)) {
		r->snd = RS_TCP_SYN_RECEIVED;
		r->kind = RS_EV_SYN_ACK;
	} else {
		r->kind = RS_EV_AFTER_CLOSE;
	}
}

/* The sender is a listener that has not answered yet. */
static void st_listen(enum rs_tcp_state rcv, const struct rs_tracker_fsm_seg *s, struct rs_tracker_fsm_result *r)
{
	if (has(s, RS_TH_SYN) && has(s, RS_TH_ACK)) {
		r->snd = RS_TCP_SYN_RECEIVED;
		r->kind = RS_EV_SYN_ACK;
	} else if (has(s, RS_TH_SYN)) {
		/* A "listener" that sends its own SYN was an active opener too. */
		r->snd = RS_TCP_SYN_SENT;
		r->kind = rcv == RS_TCP_SYN_SENT ? RS_EV_SIMOPEN_SYN : RS_EV_SYN;
	} else {
		plain(s, r);
	}
}

static void st_established(enum rs_tcp_state rcv, const struct rs_tracker_fsm_seg *s, struct rs_tracker_fsm_result *r);

static void st_syn_sent(enum rs_tcp_state rcv, const struct rs_tracker_fsm_seg *s, struct rs_tracker_fsm_result *r)
{
	(void)rcv;
	if (has(s, RS_TH_SYN) && !has(s, RS_TH_ACK)) {
		syn_again(s, r);
	} else if (has(s, RS_TH_SYN)) {
		if (!s->acks_peer_syn) {
			plain(s, r);
			return;
		}
		/* Both sent a SYN; this one also acknowledges the peer's. */
		r->snd = s->own_syn_acked ? RS_TCP_ESTABLISHED : RS_TCP_SYN_RECEIVED;
		r->kind = RS_EV_SIMOPEN_SYN_ACK;
	} else if (has(s, RS_TH_ACK) && s->acks_peer_syn) {
		r->snd = RS_TCP_ESTABLISHED;
		r->kind = RS_EV_HANDSHAKE_ACK;
		if (has(s, RS_TH_FIN))
			r->snd = RS_TCP_FIN_WAIT_1;
	} else if (has(s, RS_TH_FIN)) {
		r->snd = RS_TCP_FIN_WAIT_1;
		r->kind = RS_EV_FIN;
	} else {
		plain(s, r);
	}
}

static void st_syn_received(enum rs_tcp_state rcv, const struct rs_tracker_fsm_seg *s, struct rs_tracker_fsm_result *r)
{
	if (has(s, RS_TH_SYN)) {
		syn_again(s, r);
	} else {
		/* Sending without SYN means its SYN was acknowledged (the ACK
		 * may have escaped the capture): it is established. */
		r->snd = RS_TCP_ESTABLISHED;
		st_established(rcv, s, r);
	}
}

static void st_established(enum rs_tcp_state rcv, const struct rs_tracker_fsm_seg *s, struct rs_tracker_fsm_result *r)
{
	(void)rcv;
	if (has(s, RS_TH_SYN)) {
		syn_again(s, r);
		/* A passive opener resends its SYN-ACK only while it is still
		 * in SYN_RECEIVED: the ACK that passed the capture point never
		 * reached it. */
		if (has(s, RS_TH_ACK))
			r->snd = RS_TCP_SYN_RECEIVED;
	} else if (has(s, RS_TH_FIN)) {
		if (s->acks_peer_fin) {
			r->snd = RS_TCP_LAST_ACK;   /* through CLOSE_WAIT */
			r->kind = RS_EV_THREE_WAY_CLOSE;
		} else if (s->peer_fin_sent) {
			r->snd = RS_TCP_FIN_WAIT_1;
			r->kind = RS_EV_SIMCLOSE;
		} else {
			r->snd = RS_TCP_FIN_WAIT_1;
			r->kind = RS_EV_FIN;
		}
	} else if (s->acks_peer_fin) {
		r->snd = RS_TCP_CLOSE_WAIT;
		r->kind = s->len ? RS_EV_HALF_CLOSE_DATA : RS_EV_FIN_ACK;
	} else if (s->len && s->peer_fin_sent) {
		r->kind = RS_EV_HALF_CLOSE_DATA;
	} else {
		plain(s, r);
	}
}

static void st_close_wait(enum rs_tcp_state rcv, const struct rs_tracker_fsm_seg *s, struct rs_tracker_fsm_result *r)
{
	(void)rcv;
	if (has(s, RS_TH_SYN)) {
		syn_again(s, r);
	} else if (has(s, RS_TH_FIN) && !s->acks_peer_fin && s->peer_fin_sent) {
		/* Its FIN does not cover the peer's: the peer's FIN had not
		 * reached it (CLOSE_WAIT was the guess of its arrival), the
		 * FINs crossed.  It closes from ESTABLISHED (FIN_WAIT_1) and
		 * the peer's FIN, still on its way, makes that CLOSING. */
		r->snd_via = RS_TCP_FIN_WAIT_1;
		r->snd_via_set = true;
		r->snd = RS_TCP_CLOSING;
		r->kind = RS_EV_SIMCLOSE;
	} else if (has(s, RS_TH_FIN)) {
		r->snd = RS_TCP_LAST_ACK;
		/* Its first ACK of the peer's FIN carries its own FIN too. */
		r->kind = s->acks_peer_fin && !s->peer_fin_acked_before ? RS_EV_THREE_WAY_CLOSE :
			  RS_EV_SECOND_FIN;
	} else if (s->len) {
		r->kind = RS_EV_HALF_CLOSE_DATA;
	} else if (s->acks_peer_fin && !s->peer_fin_acked_before) {
		r->kind = RS_EV_FIN_ACK;
	} else {
		plain(s, r);
	}
}

static void st_fin_wait_1(enum rs_tcp_state rcv, const struct rs_tracker_fsm_seg *s, struct rs_tracker_fsm_result *r)
{
	(void)rcv;
	if (has(s, RS_TH_SYN)) {
		syn_again(s, r);
		return;
	}
	if (s->acks_peer_fin) {
		/* Proves the peer's FIN arrived (its arrival is normally
		 * shown already): with our own FIN already acknowledged that
		 * is TIME_WAIT, otherwise both FINs crossed. */
		r->snd = s->own_fin_acked ? RS_TCP_TIME_WAIT : RS_TCP_CLOSING;
		r->kind = s->own_fin_acked ? RS_EV_FINAL_ACK : RS_EV_FIN_ACK;
		if (has(s, RS_TH_FIN))
			r->kind = RS_EV_FIN;
	} else if (has(s, RS_TH_FIN)) {
		r->kind = RS_EV_FIN;       /* our FIN again */
	} else {
		plain(s, r);
	}
}

static void st_fin_wait_2(enum rs_tcp_state rcv, const struct rs_tracker_fsm_seg *s, struct rs_tracker_fsm_result *r)
{
	(void)rcv;
	if (has(s, RS_TH_SYN)) {
		syn_again(s, r);
	} else if (s->acks_peer_fin) {
		r->snd = RS_TCP_TIME_WAIT;
		r->kind = has(s, RS_TH_FIN) ? RS_EV_FIN : RS_EV_FINAL_ACK;
	} else if (has(s, RS_TH_FIN)) {
		r->kind = RS_EV_FIN;
	} else {
		plain(s, r);
	}
}

static void st_closing(enum rs_tcp_state rcv, const struct rs_tracker_fsm_seg *s, struct rs_tracker_fsm_result *r)
{
	(void)rcv;
	if (has(s, RS_TH_SYN))
		syn_again(s, r);
	else if (has(s, RS_TH_FIN))
		r->kind = RS_EV_FIN;
	else if (!s->len && s->acks_peer_fin && !s->peer_fin_acked_before)
		r->kind = RS_EV_FIN_ACK;
	else
		plain(s, r);
}

static void st_last_ack(enum rs_tcp_state rcv, const struct rs_tracker_fsm_seg *s, struct rs_tracker_fsm_result *r)
{
	(void)rcv;
	if (has(s, RS_TH_SYN))
		syn_again(s, r);
	else if (has(s, RS_TH_FIN))
		r->kind = RS_EV_SECOND_FIN;
	else
		plain(s, r);
}

static void st_time_wait(enum rs_tcp_state rcv, const struct rs_tracker_fsm_seg *s, struct rs_tracker_fsm_result *r)
{
	(void)rcv;
	if (has(s, RS_TH_SYN))
		syn_again(s, r);
	else if (has(s, RS_TH_FIN))
		r->kind = RS_EV_FIN;
	else if (has(s, RS_TH_ACK) && !s->len)
		r->kind = RS_EV_FINAL_ACK;   /* answers a repeated FIN */
	else
		r->kind = RS_EV_AFTER_CLOSE;
}

/* An RST, whatever the sender's state. */
static void on_rst(enum rs_tcp_state snd, enum rs_tcp_state rcv,
		   const struct rs_tracker_fsm_seg *s, struct rs_tracker_fsm_result *r)
{
	if (!s->rst_in_window) {
		r->kind = RS_EV_RST_OOW;
		r->analysis |= RS_AN_RST_OUT_OF_WINDOW;
		return;
	}
	if ((snd == RS_TCP_LISTEN || snd == RS_TCP_CLOSED) && rcv == RS_TCP_SYN_SENT &&
	    has(s, RS_TH_ACK) && s->acks_peer_syn) {
		r->kind = RS_EV_REFUSED;
	} else {
		r->kind = RS_EV_RST;
	}
	r->snd = RS_TCP_CLOSED;
	/* RFC 9293 3.10.7.3: a reset SYN_RECEIVED connection that came from
	 * LISTEN (a passive open) returns to LISTEN, not to CLOSED: the
	 * listening socket is still there. */
	if (rcv == RS_TCP_SYN_RECEIVED && s->rcv_passive)
		r->rcv = RS_TCP_LISTEN;
	else if (rcv != RS_TCP_LISTEN)
		r->rcv = RS_TCP_CLOSED;
}

/* What receiving this segment's ACK does to the receiver. */
static enum rs_tcp_state rcv_on_ack(enum rs_tcp_state rcv, const struct rs_tracker_fsm_seg *s)
{
	switch (rcv) {
	case RS_TCP_SYN_RECEIVED:
		return s->acks_peer_syn ? RS_TCP_ESTABLISHED : rcv;
	case RS_TCP_FIN_WAIT_1:
		return s->acks_peer_fin ? RS_TCP_FIN_WAIT_2 : rcv;
	case RS_TCP_CLOSING:
		return s->acks_peer_fin ? RS_TCP_TIME_WAIT : rcv;
	case RS_TCP_LAST_ACK:
		return s->acks_peer_fin ? RS_TCP_CLOSED : rcv;
	default:
		return rcv;
	}
}

/* What the segment proves the receiver sent, when the capture does not
 * show it (see tracker_fsm.h). */
static enum rs_tcp_state rcv_infer(enum rs_tcp_state snd, enum rs_tcp_state rcv,
				   const struct rs_tracker_fsm_seg *s, const struct rs_tracker_fsm_result *r)
{
	/* An ACK of a SYN that was never captured, sent to a "listener":
	 * the listener answered with a SYN-ACK the capture missed. */
	if (rcv == RS_TCP_LISTEN && has(s, RS_TH_ACK) && !has(s, RS_TH_SYN) &&
	    s->acks_peer_syn && s->peer_isn_inferred)
		return RS_TCP_SYN_RECEIVED;
	/* A SYN-ACK from an active opener acks the "listener's" own SYN
	 * (simultaneous open): that SYN was sent, if not captured. */
	if (rcv == RS_TCP_LISTEN && has(s, RS_TH_ACK) && has(s, RS_TH_SYN) &&
	    snd == RS_TCP_SYN_SENT && s->acks_peer_syn && s->peer_isn_inferred)
		return RS_TCP_SYN_SENT;
	/* An active opener whose data is acknowledged, or whose peer left
	 * SYN_RECEIVED (only the opener's ACK of the SYN-ACK lets it), has
	 * completed the handshake.  (A SYN_RECEIVED receiver gets there by
	 * this very ACK, in rcv_on_ack.) */
	if (rcv == RS_TCP_SYN_SENT && !has(s, RS_TH_SYN) &&
	    (s->acks_peer_data || (snd == RS_TCP_SYN_RECEIVED && r->snd != snd)))
		return RS_TCP_ESTABLISHED;
	return rcv;
}

/* What receiving this segment's FIN does to the receiver, after its ACK
 * (RFC 9293 3.10.7.4, the eighth step). */
static enum rs_tcp_state rcv_on_fin(enum rs_tcp_state rcv)
{
	switch (rcv) {
	case RS_TCP_SYN_RECEIVED:
	case RS_TCP_ESTABLISHED:
		return RS_TCP_CLOSE_WAIT;
	case RS_TCP_FIN_WAIT_1:
		return RS_TCP_CLOSING;    /* our FIN not acknowledged yet: simultaneous close */
	case RS_TCP_FIN_WAIT_2:
		return RS_TCP_TIME_WAIT;
	default:
		return rcv;
	}
}

void rs_tracker_fsm_step(enum rs_tcp_state snd, enum rs_tcp_state rcv,
		     const struct rs_tracker_fsm_seg *s, struct rs_tracker_fsm_result *r)
{
	r->snd = snd;
	r->rcv = rcv;
	r->kind = RS_EV_SEGMENT;
	r->analysis = 0;
	r->rcv_inferred = false;
	r->snd_via = r->rcv_via = RS_TCP_CLOSED;
	r->snd_via_set = r->rcv_via_set = false;

	if (has(s, RS_TH_RST)) {
		on_rst(snd, rcv, s, r);
		return;
	}
	switch (snd) {
	case RS_TCP_CLOSED:       st_closed(rcv, s, r); break;
	case RS_TCP_LISTEN:       st_listen(rcv, s, r); break;
	case RS_TCP_SYN_SENT:     st_syn_sent(rcv, s, r); break;
	case RS_TCP_SYN_RECEIVED: st_syn_received(rcv, s, r); break;
	case RS_TCP_ESTABLISHED:  st_established(rcv, s, r); break;
	case RS_TCP_CLOSE_WAIT:   st_close_wait(rcv, s, r); break;
	case RS_TCP_FIN_WAIT_1:   st_fin_wait_1(rcv, s, r); break;
	case RS_TCP_FIN_WAIT_2:   st_fin_wait_2(rcv, s, r); break;
	case RS_TCP_CLOSING:      st_closing(rcv, s, r); break;
	case RS_TCP_LAST_ACK:     st_last_ack(rcv, s, r); break;
	case RS_TCP_TIME_WAIT:    st_time_wait(rcv, s, r); break;
	case RS_TCP_STATE_COUNT:  break;
	}
	enum rs_tcp_state guess = rcv_infer(snd, r->rcv, s, r);
	if (guess != r->rcv) {
		r->rcv = guess;
		r->rcv_inferred = true;
	}
	enum rs_tcp_state before = r->rcv;
	if (has(s, RS_TH_ACK))
		r->rcv = rcv_on_ack(r->rcv, s);
	if (has(s, RS_TH_FIN) && r->kind != RS_EV_AFTER_CLOSE) {
		enum rs_tcp_state mid = r->rcv;
		r->rcv = rcv_on_fin(mid);
		if (mid != before && r->rcv != mid) {
			r->rcv_via = mid;
			r->rcv_via_set = true;
		}
	}
}

const char *rs_tcp_state_str(enum rs_tcp_state s)
{
	static const char *const names[RS_TCP_STATE_COUNT] = {
		[RS_TCP_CLOSED] = "CLOSED",
		[RS_TCP_LISTEN] = "LISTEN",
		[RS_TCP_SYN_SENT] = "SYN_SENT",
		[RS_TCP_SYN_RECEIVED] = "SYN_RECEIVED",
		[RS_TCP_ESTABLISHED] = "ESTABLISHED",
		[RS_TCP_FIN_WAIT_1] = "FIN_WAIT_1",
		[RS_TCP_FIN_WAIT_2] = "FIN_WAIT_2",
		[RS_TCP_CLOSE_WAIT] = "CLOSE_WAIT",
		[RS_TCP_CLOSING] = "CLOSING",
		[RS_TCP_LAST_ACK] = "LAST_ACK",
		[RS_TCP_TIME_WAIT] = "TIME_WAIT",
	};
	return (unsigned)s < RS_TCP_STATE_COUNT ? names[s] : "?";
}

const char *rs_tcp_event_kind_str(enum rs_tcp_event_kind k)
{
	static const char *const names[RS_EV_KIND_COUNT] = {
		[RS_EV_SEGMENT] = "segment",
		[RS_EV_SYN] = "syn",
		[RS_EV_SYN_ACK] = "syn-ack",
		[RS_EV_HANDSHAKE_ACK] = "handshake-ack",
		[RS_EV_SIMOPEN_SYN] = "simultaneous-open",
		[RS_EV_SIMOPEN_SYN_ACK] = "simultaneous-open-syn-ack",
		[RS_EV_REFUSED] = "refused",
		[RS_EV_DATA] = "data",
		[RS_EV_ACK] = "ack",
		[RS_EV_FIN] = "fin",
		[RS_EV_FIN_ACK] = "fin-ack",
		[RS_EV_SECOND_FIN] = "second-fin",
		[RS_EV_THREE_WAY_CLOSE] = "three-way-close",
		[RS_EV_SIMCLOSE] = "simultaneous-close",
		[RS_EV_FINAL_ACK] = "final-ack",
		[RS_EV_HALF_CLOSE_DATA] = "half-close-data",
		[RS_EV_RST] = "rst",
		[RS_EV_RST_OOW] = "rst-out-of-window",
		[RS_EV_AFTER_CLOSE] = "after-close",
		[RS_EV_RST_CHALLENGED] = "rst-in-window",
	};
	return (unsigned)k < RS_EV_KIND_COUNT ? names[k] : "?";
}

const char *rs_analysis_name(uint32_t bit)
{
	static const char *const names[RS_AN_COUNT] = {
		"retransmission", "out-of-order", "dup-ack", "zero-window",
		"window-update", "keep-alive", "keep-alive-ack",
		"rst-out-of-window", "port-reuse", "syn-retransmission",
		"synack-retransmission", "lost-segment", "acked-unseen",
		"zero-window-probe", "bad-checksum", "new-isn", "fast-retransmission",
		"spurious-retransmission", "rst-challenge-expected", "challenge-ack",
		"old-duplicate-rejected",
	};
	for (unsigned i = 0; i < RS_AN_COUNT; i++)
		if (bit == (1u << i))
			return names[i];
	return NULL;
}

