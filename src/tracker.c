/*
 * tracker.c: the TCP connection tracker.  For each segment: find or make
 * the connection (bounded table, tracker_table.c), analyse sequence and
 * acknowledgment numbers as Wireshark's TCP analysis does, step both
 * endpoints through the state machine (tracker_fsm.c) and fill the scratch
 * event that the notes, the JSON and the ladder print.
 */
#include <stdlib.h>
#include <string.h>

#include "rawshake/clear.h"
#include "rawshake/tracker.h"
#include "tracker_fsm.h"
#include "tracker_int.h"

struct rs_tracker {
	struct rs_tracker_config cfg;
	struct rs_conn_table ct;
	struct rs_tcp_event ev;
	struct rs_tracker_stats st;
	uint64_t next_id;
};

#define NS 1000000000ll
/* Serial-number comparison (RFC 1982): a - b as a signed distance. */
static int32_t sdiff(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

void rs_tracker_config_default(struct rs_tracker_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->max_conns = RS_TRACKER_DEFAULT_MAX_CONNS;
	cfg->initial_conns = 256;
	cfg->idle_timeout = 300;
	cfg->halfopen_timeout = 60;
	cfg->closed_timeout = 10;
	cfg->ooo_threshold_us = 3000;
	cfg->hash_seed = 0x7261777368616b65ull;   /* "rawshake" */
}

struct rs_tracker *rs_tracker_new(const struct rs_tracker_config *cfg)
{
	struct rs_tracker *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	if (cfg)
		t->cfg = *cfg;
	else
		rs_tracker_config_default(&t->cfg);
	if (!rs_tracker_table_init(&t->ct, t->cfg.initial_conns, t->cfg.max_conns, t->cfg.hash_seed)) {
		free(t);
		return NULL;
	}
	return t;
}

void rs_tracker_free(struct rs_tracker *t)
{
	if (!t)
		return;
	rs_tracker_table_destroy(&t->ct);
	free(t);
}

void rs_tracker_get_stats(const struct rs_tracker *t, struct rs_tracker_stats *st)
{
	*st = t->st;
	st->active = t->ct.used;
	st->capacity = t->ct.cap;
	st->alloc_failed = t->ct.alloc_failed;
}

static void finalize(struct rs_tracker *t, uint32_t idx, enum rs_conn_end why)
{
	struct rs_conn *c = &t->ct.slots[idx];
	if (c->hist_full)
		t->st.history_truncated++;
	if (t->cfg.on_conn_done) {
		struct rs_conn_record rec;
		rs_tracker_zeek_record(c, why, &rec);
		t->cfg.on_conn_done(t->cfg.ctx, &rec);
	}
	rs_tracker_table_remove(&t->ct, idx);
}

static bool conn_closed(const struct rs_conn *c)
{
	if (c->close == RS_CLOSE_RST || c->close == RS_CLOSE_REFUSED)
		return true;
	for (int d = 0; d < 2; d++)
		if (c->end[d].state != RS_TCP_CLOSED && c->end[d].state != RS_TCP_TIME_WAIT)
			return false;
	return true;
}

static void expire(struct rs_tracker *t, int64_t now)
{
	static const enum rs_conn_end why[RS_LRU_COUNT] = {
		[RS_LRU_HALFOPEN] = RS_END_EXPIRED,
		[RS_LRU_CLOSED] = RS_END_FINISHED,
		[RS_LRU_OPEN] = RS_END_EXPIRED,
	};
	const int64_t limit[RS_LRU_COUNT] = {
		[RS_LRU_HALFOPEN] = (int64_t)t->cfg.halfopen_timeout * NS,
		[RS_LRU_CLOSED] = (int64_t)t->cfg.closed_timeout * NS,
		[RS_LRU_OPEN] = (int64_t)t->cfg.idle_timeout * NS,
	};
	for (int l = 0; l < RS_LRU_COUNT; l++) {
		uint32_t i;
		while ((i = t->ct.lru[l].tail) != RS_NIL && now - t->ct.slots[i].last_ns > limit[l]) {
			if (why[l] == RS_END_EXPIRED)
				t->st.expired++;
			finalize(t, i, why[l]);
		}
	}
}

static void make_key(const struct rs_packet *pkt, struct rs_conn_key *k, int *side)
{
	size_t alen = pkt->ip.v == 4 ? 4 : 16;
	uint8_t s[16] = { 0 }, d[16] = { 0 };
	memcpy(s, pkt->ip.src, alen);
	memcpy(d, pkt->ip.dst, alen);
	int cmp = memcmp(s, d, 16);
	if (cmp == 0)
		cmp = (int)pkt->tcp.sport - (int)pkt->tcp.dport;
	memset(k, 0, sizeof(*k));
	k->v = pkt->ip.v;
	if (cmp <= 0) {
		memcpy(k->a, s, 16), memcpy(k->b, d, 16);
		k->pa = pkt->tcp.sport, k->pb = pkt->tcp.dport;
		*side = 0;
	} else {
		memcpy(k->a, d, 16), memcpy(k->b, s, 16);
		k->pa = pkt->tcp.dport, k->pb = pkt->tcp.sport;
		*side = 1;
	}
}

/* Who is the client of a new connection, and the states to start from. */
static void conn_init(struct rs_tracker *t, struct rs_conn *c, const struct rs_packet *pkt,
		      int side, int64_t now)
{
	uint8_t fl = pkt->tcp.flags;
	bool sender_is_client;

	c->id = ++t->next_id;
	c->first_ns = c->last_ns = c->zeek_last_ns = now;
	c->ts_digits = pkt->ts_digits == 9 ? 9 : 6;
	if ((fl & RS_TH_SYN) && !(fl & RS_TH_ACK)) {
		sender_is_client = true;
		c->end[RS_DIR_C2S].state = RS_TCP_CLOSED;
		c->end[RS_DIR_S2C].state = RS_TCP_LISTEN;
	} else if (fl & RS_TH_SYN) {
		sender_is_client = false;   /* the SYN-ACK's receiver sent the SYN */
		c->end[RS_DIR_C2S].state = RS_TCP_SYN_SENT;
		c->end[RS_DIR_C2S].inferred = true;
		c->end[RS_DIR_S2C].state = RS_TCP_LISTEN;
	} else {
		/* Mid-stream: guess that the lower port is the service. */
		sender_is_client = pkt->tcp.sport >= pkt->tcp.dport;
		c->client_guessed = true;
		c->end[RS_DIR_C2S].state = RS_TCP_ESTABLISHED;
		c->end[RS_DIR_S2C].state = RS_TCP_ESTABLISHED;
		c->established = true;
	}
	c->client_side = (uint8_t)(sender_is_client ? side : !side);
	if (!sender_is_client && c->hist_len < RS_HISTORY_MAX)
		c->history[c->hist_len++] = '^';   /* Zeek: direction flipped */
	for (int d = 0; d < 2; d++)
		for (int z = 0; z < RS_ZC_COUNT; z++)
			c->end[d].zthr[z] = 1;
	t->st.conns++;
}

static bool is_reuse(const struct rs_conn *c, int d, const struct rs_tcp *tcp)
{
	const struct rs_end *e = &c->end[d];
	if ((tcp->flags & (RS_TH_SYN | RS_TH_ACK | RS_TH_RST)) == (RS_TH_SYN | RS_TH_ACK) &&
	    d == RS_DIR_S2C) {
		/* A new SYN-ACK that answers another client ISN than the one
		 * known: the client's new SYN was not captured (a capture of
		 * the server's side only), and this is a new connection on the
		 * same ports, as the SYN would have said. */
		const struct rs_end *cl = &c->end[RS_DIR_C2S];
		return e->syn_seen && tcp->seq != e->isn && (cl->syn_seen || cl->isn_inferred) &&
		       tcp->ack - 1 != cl->isn;
	}
	if (!(tcp->flags & RS_TH_SYN) || (tcp->flags & (RS_TH_ACK | RS_TH_RST)))
		return false;
	/* After a close or a reset even the same SYN opens a new connection
	 * (hping3 and rawshake send repeat it; the kernel would not). */
	if (conn_closed(c))
		return true;
	if (e->syn_seen && tcp->seq == e->isn)
		return false;   /* the same SYN again: a retransmission */
	/* The client opens again with a new ISN: a new connection attempt. */
	return e->syn_seen && d == RS_DIR_C2S;
}

static void ring_push(struct rs_end *e, uint32_t seq, uint32_t end, uint64_t frame)
{
	e->ring[e->ring_pos].seq = seq;
	e->ring[e->ring_pos].end = end;
	e->ring[e->ring_pos].frame = frame;
	e->ring_pos = (uint8_t)((e->ring_pos + 1) % RS_SEG_RING);
}

static uint64_t ring_find(const struct rs_end *e, uint32_t seq)
{
	for (int i = 0; i < RS_SEG_RING; i++) {
		const struct rs_seg_mem *m = &e->ring[i];
		if (m->frame && sdiff(seq, m->seq) >= 0 && sdiff(seq, m->end) < 0)
			return m->frame;
	}
	return 0;
}

/* The highest sequence number this end is known to have sent: seen in
 * the capture, or acknowledged by the peer (bytes the capture missed or
 * has not yet shown). */
static uint32_t top_seq(const struct rs_end *e)
{
	return e->acked_hi_set && sdiff(e->acked_hi, e->next_seq) > 0 ? e->acked_hi : e->next_seq;
}

/* Where an RST's seq falls for its receiver (RFC 9293 3.10.7, RFC 5961
 * section 3.2). */
enum rst_fit { RST_OUTSIDE = 0, RST_IN_WINDOW, RST_EXACT };

static enum rst_fit rst_fit(const struct rs_end *e, const struct rs_end *p, const struct rs_tcp *tcp)
{
	if (p->state == RS_TCP_SYN_SENT)
		return (tcp->flags & RS_TH_ACK) && (p->syn_seen || p->isn_inferred) &&
		       tcp->ack == p->isn + 1 ? RST_EXACT : RST_OUTSIDE;
	if (!e->base_set)
		return RST_EXACT;
	uint32_t rcv_nxt = top_seq(e);
	if (p->ack_seen && sdiff(p->max_ack, rcv_nxt) < 0)
		rcv_nxt = p->max_ack;
	uint64_t wnd = p->ack_seen ? (uint64_t)p->last_win << p->wscale : 65535;
	if (wnd == 0)
		wnd = 1;
	int32_t off = sdiff(tcp->seq, rcv_nxt);
	if (off < 0 || (uint64_t)off >= wnd)
		return RST_OUTSIDE;
	/* The receiver's rcv_nxt is what the capture saw this end send or
	 * the receiver acknowledge: a guess that can only be low (bytes the
	 * capture missed), so an RST above it is "in window" for the
	 * tracker only while nothing says more. */
	return off == 0 ? RST_EXACT : RST_IN_WINDOW;
}

/* The RFC 5961 cases around an RST: the RST that is challenged, the
 * challenge ACK that answers it, and the RST of a host that never sent
 * the SYN a SYN-ACK answers (an old duplicate, RFC 9293 figure 8). */
static uint32_t rst_analysis(const struct rs_tcp_event *ev, struct rs_end *e, struct rs_end *p,
			     const struct rs_tcp *tcp, enum rst_fit fit)
{
	uint32_t an = 0;
	uint8_t fl = tcp->flags;
	/* Data in flight when the RST arrived may come first; the first
	 * pure ACK after it is the answer. */
	if (e->challenge_due && (fl & RS_TH_ACK) && !(fl & (RS_TH_SYN | RS_TH_FIN | RS_TH_RST)) &&
	    tcp->payload_len == 0) {
		an |= RS_AN_CHALLENGE_ACK;
		e->challenge_due = false;
	} else if (fl & (RS_TH_SYN | RS_TH_FIN | RS_TH_RST)) {
		e->challenge_due = false;
	}
	if (!(fl & RS_TH_RST))
		return an;
	if (fit == RST_IN_WINDOW) {
		an |= RS_AN_RST_CHALLENGE;
		p->challenge_due = true;
	}
	if (ev->dir == RS_DIR_C2S && ev->prev_client_state == RS_TCP_SYN_SENT &&
	    ev->prev_server_state == RS_TCP_SYN_RECEIVED && e->syn_seen && p->syn_seen &&
	    p->ack_seen && tcp->seq == p->last_ack && tcp->seq == e->isn + 1)
		an |= RS_AN_OLD_DUP_REJECTED;
	return an;
}

/* The round trip of the handshake when it was seen, else the configured
 * threshold: a hole filled sooner is reordering, as the sender cannot
 * have learnt of a loss and resent within one round trip (Wireshark's
 * rule too). */
static int64_t ooo_limit_ns(const struct rs_tracker *t, const struct rs_conn *c)
{
	return c->has_rtt && c->ack_ns - c->syn_ns > 0 ? c->ack_ns - c->syn_ns :
	       (int64_t)t->cfg.ooo_threshold_us * 1000;
}

/* A retransmission sent after fewer duplicate ACKs or later than this is
 * taken as timer-driven: Linux's smallest retransmission timeout. */
#define FAST_RETRANS_NS (200 * 1000000ll)

/* Bytes [seq, end) of the sender's that the peer acknowledged before the
 * capture showed them: captured after their ACK, not sent twice. */
static void late_bytes(struct rs_tcp_event *ev, const struct rs_end *e, uint32_t seq, uint32_t end)
{
	if (!e->acked_hi_set || sdiff(e->acked_hi, seq) <= 0 || sdiff(end, seq) <= 0)
		return;
	ev->late_lo = seq - e->base;
	ev->late_hi = (sdiff(end, e->acked_hi) < 0 ? end : e->acked_hi) - e->base;
	ev->late_frame = e->acked_hi_frame;
}

/* The sender's SYN (or SYN-ACK): its ISN is the base, another ISN than its
 * first a new start; window scaling is agreed when both SYNs are seen. */
static uint32_t seq_syn(struct rs_tcp_event *ev, struct rs_conn *c, struct rs_end *e,
			struct rs_end *p, const struct rs_tcp *tcp, uint32_t end)
{
	uint8_t fl = tcp->flags;
	uint32_t an = 0;

	if (!e->syn_seen || tcp->seq != e->isn) {
		/* The same end sends its SYN again with another ISN: not
		 * a copy of the first but a new start (a server whose
		 * first half-open connection was reset or dropped
		 * answers a retransmitted SYN with a fresh SYN-ACK).
		 * Numbers are relative to the new ISN from here on. */
		bool was_set = e->base_set;
		if (e->syn_seen) {
			an |= RS_AN_NEW_ISN;
			ev->prev_isn = e->isn;
			was_set = false;
		} else {
			e->passive = (fl & RS_TH_ACK) != 0;
			/* The SYN-ACK came first and named this ISN. */
			ev->late_syn = e->isn_inferred && tcp->seq == e->isn && !(fl & RS_TH_ACK);
		}
		e->isn = e->base = tcp->seq;
		e->syn_seen = e->base_set = true;
		/* A late SYN keeps what the peer has acknowledged since. */
		if (!was_set || !ev->late_syn || sdiff(end, e->next_seq) > 0)
			e->next_seq = end;
		e->hole = false;
	}
	if (tcp->has_wscale) {
		e->ws_offered = true;
		e->wscale = tcp->wscale > 14 ? 14 : tcp->wscale;
	}
	if ((fl & RS_TH_ACK) || p->syn_seen) {
		c->ws_both = e->ws_offered && p->ws_offered;
		if (!c->ws_both)
			e->wscale = p->wscale = 0;
	}
	return an;
}

/* A segment that starts below the sender's next byte: what fills a hole
 * the capture saw (reordered, captured late, or resent: told apart by
 * the ACKs and by time), or a resend of what was seen (fast, spurious). */
static uint32_t seq_behind(struct rs_tracker *t, struct rs_conn *c, struct rs_end *e,
			   struct rs_end *p, const struct rs_tcp *tcp, uint32_t end, int64_t now)
{
	struct rs_tcp_event *ev = &t->ev;
	uint32_t len = tcp->payload_len;
	uint32_t an = 0;

	if (e->hole && sdiff(tcp->seq, e->hole_lo) >= 0 && sdiff(tcp->seq, e->hole_hi) < 0) {
		/* Bytes the capture never held: acknowledged already,
		 * they were captured after their ACK; otherwise
		 * reordering or a resend of what was lost before the
		 * capture point, told apart by time. */
		late_bytes(ev, e, tcp->seq, end);
		bool asked = p->dup_acks >= 2 && p->last_ack == tcp->seq &&
			     now - p->last_ack_ns < FAST_RETRANS_NS;
		if (ev->late_hi != ev->late_lo)
			;
		else if (asked)   /* lost before the capture point, resent on dup acks */
			an |= RS_AN_RETRANSMISSION | RS_AN_FAST_RETRANS;
		else if (now - e->hole_ns < ooo_limit_ns(t, c))
			an |= RS_AN_OUT_OF_ORDER;
		else
			an |= RS_AN_RETRANSMISSION;
		if (tcp->seq == e->hole_lo)
			e->hole_lo = end;
		if (sdiff(e->hole_lo, e->hole_hi) >= 0)
			e->hole = false;
	} else {
		an |= RS_AN_RETRANSMISSION;
		ev->ref_frame = ring_find(e, tcp->seq);
		if (len && p->ack_seen && sdiff(tcp->seq + len, p->max_ack) <= 0)
			an |= RS_AN_SPURIOUS_RETRANS;
		else if (p->dup_acks >= 2 && p->last_ack == tcp->seq &&
			 now - p->last_ack_ns < FAST_RETRANS_NS)
			an |= RS_AN_FAST_RETRANS;
	}
	return an;
}

/* Sequence analysis of the sender's side; returns the analysis bits.
 * *rxmit is Zeek's retransmission ('t'): payload that ends at or below
 * the highest sequence number this end was seen to send. */
static uint32_t seq_analysis(struct rs_tracker *t, struct rs_conn *c, struct rs_end *e,
			     struct rs_end *p, const struct rs_packet *pkt, int64_t now,
			     bool *keepalive, bool *rxmit)
{
	const struct rs_tcp *tcp = &pkt->tcp;
	struct rs_tcp_event *ev = &t->ev;
	uint8_t fl = tcp->flags;
	uint32_t len = tcp->payload_len;
	uint32_t an = 0;

	*keepalive = false;
	*rxmit = false;
	if (fl & RS_TH_RST) {
		if (!e->base_set) {
			/* As below; a SYN is its own base even with RST set
			 * (Wireshark's rule for any SYN). */
			e->base = (fl & RS_TH_SYN) ? tcp->seq : tcp->seq - 1;
			e->next_seq = tcp->seq;
			e->base_set = true;
			ev->base_from_seq = true;
		}
		return 0;
	}
	uint32_t seglen = len + !!(fl & RS_TH_SYN) + !!(fl & RS_TH_FIN);
	uint32_t end = tcp->seq + seglen;
	if (fl & RS_TH_SYN)
		return seq_syn(ev, c, e, p, tcp, end);
	if (!e->base_set) {
		/* Wireshark's rule for a direction whose SYN was not captured:
		 * number it as if the SYN came just before the first byte seen
		 * (base = seq - 1), so that this segment is seq 1. */
		e->base = tcp->seq - 1;
		e->next_seq = end;
		e->base_set = true;
		ev->base_from_seq = true;
		if (seglen)
			ring_push(e, tcp->seq, end, pkt->frame);
		return 0;
	}
	int32_t d = sdiff(tcp->seq, e->next_seq);
	*rxmit = len > 0 && sdiff(end, e->next_seq) <= 0;
	if (seglen <= 1 && !(fl & RS_TH_FIN) && sdiff(tcp->seq, top_seq(e)) == -1) {
		*keepalive = true;
		*rxmit = false;
		/* Linux probes a zero window with the keep-alive's shape
		 * (seq = next - 1); only the peer's window tells them apart. */
		if (p->ack_seen && p->last_win == 0)
			return RS_AN_ZERO_WINDOW_PROBE;
		return RS_AN_KEEP_ALIVE;
	}
	if (d > 0 && e->pkts == 0) {
		/* This end's first segment, its base from the peer's ACK:
		 * the bytes before it are known from that ACK only, not a
		 * hole in what the capture held of it (Wireshark's rule:
		 * no lost segment before a first segment). */
		late_bytes(ev, e, tcp->seq, end);
	} else if (d > 0) {
		an |= RS_AN_LOST_SEGMENT;
		e->hole = true;
		e->hole_lo = e->next_seq;
		e->hole_hi = tcp->seq;
		e->hole_ns = now;
		late_bytes(ev, e, tcp->seq, end);
	} else if (d < 0 && seglen > 0) {
		an |= seq_behind(t, c, e, p, tcp, end, now);
	} else if (len) {
		late_bytes(ev, e, tcp->seq, end);
	}
	if (len == 1 && d == 0 && p->ack_seen && p->last_win == 0)
		an |= RS_AN_ZERO_WINDOW_PROBE;
	if (sdiff(end, e->next_seq) > 0)
		e->next_seq = end;
	if (seglen && !(an & RS_AN_RETRANSMISSION))
		ring_push(e, tcp->seq, end, pkt->frame);
	return an;
}

/*
 * The first ACK towards a direction whose numbers are still unknown (its
 * SYN not captured, nothing of it seen yet) sets them, as Wireshark does:
 * base = ack - 1, so the byte the peer sends next is 1.  A SYN-ACK's ack
 * is the client's ISN + 1 exactly, and so is the first ACK of a client
 * whose SYN was seen (the handshake ACK): then ack - 1 is the peer's ISN.
 */
static void peer_base_from_ack(struct rs_tcp_event *ev, const struct rs_end *e, struct rs_end *p,
			       const struct rs_tcp *tcp)
{
	if (!(tcp->flags & RS_TH_ACK) || p->base_set)
		return;
	p->base = tcp->ack - 1;
	p->next_seq = tcp->ack;
	p->base_set = true;
	bool acks_syn = (tcp->flags & RS_TH_SYN) ||
			(e->state == RS_TCP_SYN_SENT && e->syn_seen && !(tcp->flags & RS_TH_RST));
	if (acks_syn) {
		p->isn = tcp->ack - 1;
		p->isn_inferred = true;
		ev->peer_isn_inferred = true;
	} else {
		ev->peer_base_from_ack = true;
	}
}

/* The bytes of [lo, hi) above what an earlier gap already skipped. */
static uint32_t skipped(const struct rs_end *p, uint32_t lo, uint32_t hi)
{
	if (p->zgap_set && sdiff(p->zgap_hi, lo) > 0)
		lo = p->zgap_hi;
	return sdiff(hi, lo) > 0 ? hi - lo : 0;
}

/*
 * Acknowledgment analysis of what the sender says about the peer's data.
 * *gap: Zeek's content gap (its reassembler skips bytes it never got),
 * *gap_bytes how many it skips newly (Zeek's missed_bytes);
 * *unseen: the ACK covers peer bytes the capture never held (flagged
 * acked-unseen once per stretch of them, and only when the capture
 * holds some segment of the peer: without one, the note says once that
 * the other direction is absent instead).
 */
static uint32_t ack_analysis(struct rs_tracker *t, struct rs_end *e, struct rs_end *p,
			     const struct rs_packet *pkt, int64_t now, bool *gap, uint32_t *gap_bytes, bool *unseen)
{
	const struct rs_tcp *tcp = &pkt->tcp;
	struct rs_tcp_event *ev = &t->ev;
	uint8_t fl = tcp->flags;
	uint32_t an = 0;

	*gap = *unseen = false;
	*gap_bytes = 0;
	if (!(fl & RS_TH_ACK) || (fl & RS_TH_RST))
		return 0;
	/* SACK blocks above the ack are bytes the peer sent and this end
	 * holds: where the peer's segments are not captured (one direction
	 * only) they are all there is to say that data is outstanding, and
	 * so that a repeated ACK is a duplicate, not a mere repeat. */
	for (unsigned i = 0; i < tcp->n_sack && i < RS_MAX_SACK; i++) {
		if (sdiff(tcp->sack[i][0], tcp->ack) > 0 && sdiff(tcp->sack[i][1], tcp->sack[i][0]) > 0 &&
		    (!p->sacked_set || sdiff(tcp->sack[i][1], p->sacked_hi) > 0)) {
			p->sacked_hi = tcp->sack[i][1];
			p->sacked_set = true;
		}
	}
	uint32_t outstanding = top_seq(p);
	if (p->sacked_set && sdiff(p->sacked_hi, outstanding) > 0)
		outstanding = p->sacked_hi;
	bool pure = tcp->payload_len == 0 && !(fl & (RS_TH_SYN | RS_TH_FIN));
	if (e->ack_seen && pure && tcp->ack == e->last_ack) {
		if (p->last_keepalive && sdiff(tcp->ack, top_seq(p)) >= 0) {
			an |= RS_AN_KEEP_ALIVE_ACK;
		} else if (tcp->win == 0) {
			/* Wireshark's rule: an ACK repeated with a zero window
			 * says the buffer is still full, not that a segment is
			 * missing. */
			ev->zero_window_ack = sdiff(outstanding, tcp->ack) > 0;
		} else if (tcp->win != e->last_win) {
			an |= RS_AN_WINDOW_UPDATE;
		} else if (sdiff(outstanding, tcp->ack) > 0) {
			an |= RS_AN_DUP_ACK;
			ev->dup_ack_n = ++e->dup_acks;
			ev->ref_frame = e->last_ack_frame;
		}
	}
	if (!e->ack_seen || tcp->ack != e->last_ack) {
		e->dup_acks = 0;
		e->last_ack_frame = pkt->frame;
	}
	if (e->ack_seen && sdiff(tcp->ack, e->max_ack) > 0)
		ev->acked_new = tcp->ack - e->max_ack;
	if (!e->ack_seen || sdiff(tcp->ack, e->max_ack) > 0)
		e->max_ack = tcp->ack;
	/* Up to where the capture holds the peer's bytes without a hole. */
	uint32_t cont = p->hole ? p->hole_lo : p->next_seq;
	if (sdiff(tcp->ack, cont) > 0) {
		*unseen = true;
		bool new_stretch = !p->unseen_set || sdiff(cont, p->unseen_hi) >= 0;
		if (new_stretch && p->pkts > 0)
			an |= RS_AN_ACKED_UNSEEN;
		if (!p->unseen_set || sdiff(tcp->ack, p->unseen_hi) > 0) {
			p->unseen_hi = tcp->ack;
			p->unseen_set = true;
		}
	}
	/* Zeek's reassembler skips a hole once the ACK passes into it, and
	 * every stretch of unseen bytes an advancing ACK covers. */
	bool hole_skip = p->hole && sdiff(tcp->ack, p->hole_lo) > 0 &&
			 (!p->zgap_set || sdiff(p->hole_lo, p->zgap_hi) >= 0);
	bool top_skip = sdiff(tcp->ack, p->next_seq) > 0 &&
			(!p->zgap_set || sdiff(tcp->ack, p->zgap_hi) > 0);
	if (hole_skip || top_skip) {
		*gap = true;
		if (hole_skip)
			*gap_bytes += skipped(p, p->hole_lo, sdiff(tcp->ack, p->hole_hi) < 0 ? tcp->ack : p->hole_hi);
		if (top_skip)
			*gap_bytes += skipped(p, p->next_seq, tcp->ack);
		if (!p->zgap_set || sdiff(tcp->ack, p->zgap_hi) > 0)
			p->zgap_hi = tcp->ack;
		p->zgap_set = true;
	}
	if (sdiff(tcp->ack, top_seq(p)) > 0) {
		if (sdiff(top_seq(p), p->next_seq) <= 0)
			p->acked_hi_frame = pkt->frame;
		p->acked_hi = tcp->ack;
		p->acked_hi_set = true;
	}
	e->ack_seen = true;
	e->last_ack = tcp->ack;
	e->last_win = tcp->win;
	e->last_ack_ns = now;
	return an;
}

/*
 * Which end the capture point is near, from the handshake: the answer
 * that comes back sooner comes from the nearer end (SYN to SYN-ACK is the
 * round trip to the server, SYN-ACK to ACK the one to the client).
 */
static bool capture_near(const struct rs_conn *c, enum rs_dir *near)
{
	if (!c->has_rtt)
		return false;
	int64_t to_server = c->synack_ns - c->syn_ns, to_client = c->ack_ns - c->synack_ns;
	int64_t lo = to_server < to_client ? to_server : to_client;
	int64_t hi = to_server < to_client ? to_client : to_server;
	/* On a LAN both are host turnaround times, and which is shorter
	 * says nothing: only a clear difference (a quarter, and 1 ms) does.
	 * (Divided, not lo * 4: a lying file's times overflow that.) */
	if ((uint64_t)hi - (uint64_t)lo < 1000000 || lo > hi / 4)
		return false;
	*near = to_server < to_client ? RS_DIR_S2C : RS_DIR_C2S;
	return true;
}

/* The receiver's state is for the moment the segment reaches it.  That
 * moment is in the capture only when the capture point is next to the
 * receiver; for a close step of a receiver at the far end, or where the
 * handshake does not say where the capture was taken, the note says once
 * that the state is a guess of when it happened. */
static void arrival(struct rs_conn *c, struct rs_tcp_event *ev, int d, enum rs_tcp_state pc,
		    enum rs_tcp_state ps, enum rs_tcp_state now)
{
	int rcv = !d;
	enum rs_tcp_state before = rcv == RS_DIR_C2S ? pc : ps;
	ev->capture_near_known = capture_near(c, &ev->capture_near);
	if (c->arrival_said || now == before || rs_end_state_guessed(c, rcv) ||
	    (ev->flags & RS_TH_RST) ||
	    (now < RS_TCP_FIN_WAIT_1 && now != RS_TCP_CLOSED))
		return;
	if (ev->capture_near_known && (int)ev->capture_near == rcv)
		return;
	c->arrival_said = true;
	ev->arrival_guessed = true;
}

static void handshake_times(struct rs_conn *c, struct rs_tcp_event *ev, int64_t now)
{
	switch (ev->kind) {
	case RS_EV_SYN:
		if (ev->dir == RS_DIR_C2S && !c->has_rtt) {
			c->syn_ns = now;
			c->t_syn = true;
		}
		break;
	case RS_EV_SYN_ACK:
		if (ev->dir == RS_DIR_S2C && !c->has_rtt && c->t_syn) {
			c->synack_ns = now;
			c->t_synack = true;
		}
		break;
	case RS_EV_HANDSHAKE_ACK:
		if (!c->has_rtt && c->t_syn && c->t_synack) {
			c->ack_ns = now;
			c->has_rtt = true;
			ev->has_rtt = true;
			ev->rtt_ns = now - c->syn_ns;
			ev->rtt_server_ns = c->synack_ns - c->syn_ns;
			ev->rtt_client_ns = now - c->synack_ns;
		}
		break;
	default:
		break;
	}
}

static void place(struct rs_tracker *t, uint32_t idx)
{
	struct rs_conn *c = &t->ct.slots[idx];
	for (int d = 0; d < 2; d++)
		if (c->end[d].state >= RS_TCP_ESTABLISHED)
			c->established = true;
	enum rs_lru_list l = conn_closed(c) ? RS_LRU_CLOSED :
			     c->established ? RS_LRU_OPEN : RS_LRU_HALFOPEN;
	rs_tracker_table_touch(&t->ct, idx, l);
}

static uint32_t find_or_make(struct rs_tracker *t, const struct rs_packet *pkt, int64_t now,
			     int *side)
{
	struct rs_conn_key key;
	make_key(pkt, &key, side);
	uint64_t h = rs_tracker_table_hash(&t->ct, &key);
	uint32_t idx = rs_tracker_table_lookup(&t->ct, &key, h);

	if (idx != RS_NIL) {
		struct rs_conn *c = &t->ct.slots[idx];
		int d = *side == c->client_side ? RS_DIR_C2S : RS_DIR_S2C;
		if (!is_reuse(c, d, &pkt->tcp))
			return idx;
		finalize(t, idx, RS_END_REUSED);
		t->st.reused++;
		t->ev.analysis |= RS_AN_PORT_REUSE;
	}
	idx = rs_tracker_table_insert(&t->ct, &key, h);
	if (idx == RS_NIL) {
		finalize(t, rs_tracker_table_victim(&t->ct), RS_END_EVICTED);
		t->st.evicted++;
		idx = rs_tracker_table_insert(&t->ct, &key, h);
	}
	conn_init(t, &t->ct.slots[idx], pkt, *side, now);
	t->ev.new_conn = true;
	if (t->ct.used > t->st.peak)
		t->st.peak = t->ct.used;
	return idx;
}

/* The state machine's step for this segment (what sending it proves of
 * the sender, what its arrival does to the receiver), from the facts the
 * sequence numbers give; the states passed through and the guessed
 * arrival states go into the event. */
static void step_states(struct rs_conn *c, struct rs_tcp_event *ev, int d, const struct rs_tcp *tcp,
			bool rst_ok, bool fin_acked_before)
{
	struct rs_end *e = &c->end[d], *p = &c->end[!d];
	bool peer_isn = p->syn_seen || p->isn_inferred;
	struct rs_tracker_fsm_seg seg = {
		.flags = tcp->flags,
		.len = tcp->payload_len,
		.acks_peer_syn = (tcp->flags & RS_TH_ACK) && peer_isn &&
				 sdiff(tcp->ack, p->isn + 1) >= 0,
		.acks_peer_data = (tcp->flags & RS_TH_ACK) && peer_isn &&
				  sdiff(tcp->ack, p->isn + 1) > 0,
		.peer_isn_inferred = p->isn_inferred && !p->syn_seen,
		.late_syn = ev->late_syn,
		.acks_peer_fin = (tcp->flags & RS_TH_ACK) && p->fin_seen &&
				 sdiff(tcp->ack, p->fin_seq + 1) >= 0,
		.peer_fin_sent = p->fin_seen,
		.own_syn_acked = e->syn_seen && p->ack_seen && sdiff(p->max_ack, e->isn + 1) >= 0,
		.own_fin_acked = e->fin_seen && p->ack_seen && sdiff(p->max_ack, e->fin_seq + 1) >= 0,
		.rst_in_window = rst_ok,
		.rcv_passive = p->passive,
		.new_isn = (ev->analysis & RS_AN_NEW_ISN) != 0,
		.peer_fin_acked_before = fin_acked_before,
	};
	struct rs_tracker_fsm_result r;
	rs_tracker_fsm_step((enum rs_tcp_state)e->state, (enum rs_tcp_state)p->state, &seg, &r);
	e->state = (uint8_t)r.snd;
	p->state = (uint8_t)r.rcv;
	if (r.rcv_inferred)
		p->inferred = true;
	ev->kind = r.kind;
	ev->analysis |= r.analysis;
	if (r.snd_via_set || r.rcv_via_set) {
		bool c2s = d == RS_DIR_C2S;
		enum rs_tcp_state cv = c2s ? r.snd_via : r.rcv_via, sv = c2s ? r.rcv_via : r.snd_via;
		ev->client_via_set = c2s ? r.snd_via_set : r.rcv_via_set;
		ev->server_via_set = c2s ? r.rcv_via_set : r.snd_via_set;
		ev->client_via = cv;
		ev->server_via = sv;
	}
	arrival(c, ev, d, (enum rs_tcp_state)ev->prev_client_state,
		(enum rs_tcp_state)ev->prev_server_state, r.rcv);
}

/* Seq, ack and SACK blocks relative to each end's base (Wireshark's). */
static void relative_numbers(struct rs_tcp_event *ev, const struct rs_end *e, const struct rs_end *p,
			     const struct rs_tcp *tcp)
{
	uint32_t rel_seq = tcp->seq - e->base;

	ev->rel_seq = rel_seq;
	ev->rel_next_seq = (tcp->flags & RS_TH_RST) ? rel_seq :
		rel_seq + tcp->payload_len + !!(tcp->flags & RS_TH_SYN) + !!(tcp->flags & RS_TH_FIN);
	if ((tcp->flags & RS_TH_ACK) && p->base_set) {
		ev->rel_ack = tcp->ack - p->base;
		ev->rel_ack_valid = true;
	}
	/* SACK blocks name the peer's bytes: relative to its base, like the
	 * ack (Wireshark's tcp.options.sack_le/re). */
	if (p->base_set) {
		for (unsigned i = 0; i < tcp->n_sack && i < RS_MAX_SACK; i++) {
			ev->rel_sack[i][0] = tcp->sack[i][0] - p->base;
			ev->rel_sack[i][1] = tcp->sack[i][1] - p->base;
		}
		ev->n_rel_sack = tcp->n_sack < RS_MAX_SACK ? tcp->n_sack : RS_MAX_SACK;
	}
}

const struct rs_tcp_event *rs_tracker_update(struct rs_tracker *t, const struct rs_packet *pkt)
{
	struct rs_tcp_event *ev = &t->ev;
	const struct rs_tcp *tcp = &pkt->tcp;
	int64_t now = pkt->ts_ns;
	int side;

	rs_clear(ev, sizeof(*ev));
	t->st.packets++;
	expire(t, now);
	uint32_t idx = find_or_make(t, pkt, now, &side);
	struct rs_conn *c = &t->ct.slots[idx];
	int d = side == c->client_side ? RS_DIR_C2S : RS_DIR_S2C;
	struct rs_end *e = &c->end[d], *p = &c->end[!d];
	bool keepalive, gap, unseen, rxmit;
	uint32_t gap_bytes;

	ev->conn_id = c->id;
	ev->dir = (enum rs_dir)d;
	if (t->cfg.zeek_compat && tcp->csum_status == RS_CSUM_BAD) {
		/* Zeek's TCP analyzer stops at the checksum: not even the
		 * connection's last time, packets or IP bytes see it. */
		ev->analysis |= RS_AN_BAD_CHECKSUM;
		rs_tracker_zeek_bad_checksum(c, d);
		place(t, idx);
		return ev;
	}
	c->last_ns = now;
	ev->client_guessed = c->client_guessed;
	ev->flags = tcp->flags;
	ev->len = tcp->payload_len;
	ev->prev_client_state = (enum rs_tcp_state)c->end[RS_DIR_C2S].state;
	ev->prev_server_state = (enum rs_tcp_state)c->end[RS_DIR_S2C].state;

	enum rst_fit fit = (tcp->flags & RS_TH_RST) ? rst_fit(e, p, tcp) : RST_OUTSIDE;
	ev->analysis |= rst_analysis(ev, e, p, tcp, fit);
	bool fin_acked_before = e->ack_seen && p->fin_seen && sdiff(e->max_ack, p->fin_seq + 1) >= 0;
	ev->analysis |= seq_analysis(t, c, e, p, pkt, now, &keepalive, &rxmit);
	peer_base_from_ack(ev, e, p, tcp);
	ev->analysis |= ack_analysis(t, e, p, pkt, now, &gap, &gap_bytes, &unseen);
	if (tcp->win == 0 && !(tcp->flags & (RS_TH_SYN | RS_TH_FIN | RS_TH_RST)))
		ev->analysis |= RS_AN_ZERO_WINDOW;
	if (tcp->csum_status == RS_CSUM_BAD)
		ev->analysis |= RS_AN_BAD_CHECKSUM;

	step_states(c, ev, d, tcp, fit == RST_EXACT, fin_acked_before);
	if (ev->analysis & RS_AN_RST_CHALLENGE) {
		/* Not a close, and not ignored either: challenged. */
		ev->kind = RS_EV_RST_CHALLENGED;
		ev->analysis &= ~(uint32_t)RS_AN_RST_OUT_OF_WINDOW;
	}

	if ((tcp->flags & RS_TH_FIN) && !(tcp->flags & RS_TH_RST) && !e->fin_seen) {
		e->fin_seen = true;
		e->fin_seq = tcp->seq + tcp->payload_len;
	}
	if (ev->kind == RS_EV_REFUSED)
		c->close = RS_CLOSE_REFUSED;
	else if (ev->kind == RS_EV_RST && c->close == RS_CLOSE_OPEN)
		c->close = RS_CLOSE_RST;
	else if (c->end[0].fin_seen && c->end[1].fin_seen && c->close == RS_CLOSE_OPEN)
		c->close = RS_CLOSE_FIN;
	p->last_keepalive = false;
	e->last_keepalive = keepalive;
	e->pkts++;
	e->bytes += tcp->payload_len;
	/* The sender acknowledges peer data that the capture never held,
	 * and holds no segment of the peer at all: say once that the
	 * capture seems to hold one direction (asymmetric routing, or a
	 * filter such as 'src port 80'). */
	ev->peer_unseen = p->pkts == 0;
	if (ev->peer_unseen && unseen && !c->one_way) {
		c->one_way = true;
		ev->one_way = true;
	}
	if (ev->analysis & RS_AN_RETRANSMISSION)
		e->retrans++;

	relative_numbers(ev, e, p, tcp);
	ev->isn = e->isn;
	ev->isn_known = e->syn_seen;
	ev->peer_isn = p->isn;
	ev->peer_isn_known = p->syn_seen || p->isn_inferred;
	ev->wscale_known = c->ws_both || (e->syn_seen && p->syn_seen);
	ev->win_scaled = (tcp->flags & RS_TH_SYN) ? tcp->win : (uint32_t)tcp->win << e->wscale;
	handshake_times(c, ev, now);
	rs_tracker_zeek_segment(c, d, pkt, ev->rel_seq, rxmit, gap, gap_bytes);
	ev->client_state = (enum rs_tcp_state)c->end[RS_DIR_C2S].state;
	ev->server_state = (enum rs_tcp_state)c->end[RS_DIR_S2C].state;
	ev->client_state_guessed = rs_end_state_guessed(c, RS_DIR_C2S);
	ev->server_state_guessed = rs_end_state_guessed(c, RS_DIR_S2C);
	place(t, idx);
	return ev;
}

struct id_idx {
	uint64_t id;
	uint32_t idx;
};

static int by_id(const void *a, const void *b)
{
	uint64_t x = ((const struct id_idx *)a)->id, y = ((const struct id_idx *)b)->id;
	return x < y ? -1 : x > y;
}

void rs_tracker_finish(struct rs_tracker *t)
{
	uint32_t n = t->ct.used, k = 0;
	if (n == 0)
		return;
	struct id_idx *v = malloc((size_t)n * sizeof(*v));
	if (!v) {
		/* Out of memory: hand them over in table order instead. */
		for (uint32_t i = 0; i < t->ct.cap; i++)
			if (t->ct.slots[i].id)
				finalize(t, i, RS_END_FINISHED);
		return;
	}
	for (uint32_t i = 0; i < t->ct.cap && k < n; i++)
		if (t->ct.slots[i].id) {
			v[k].id = t->ct.slots[i].id;
			v[k++].idx = i;
		}
	qsort(v, k, sizeof(*v), by_id);
	for (uint32_t i = 0; i < k; i++)
		finalize(t, v[i].idx, RS_END_FINISHED);
	free(v);
}

const char *rs_dir_str(enum rs_dir d)
{
	return d == RS_DIR_C2S ? "c2s" : "s2c";
}

const char *rs_conn_end_str(enum rs_conn_end e)
{
	switch (e) {
	case RS_END_FINISHED: return "finished";
	case RS_END_EXPIRED: return "expired";
	case RS_END_EVICTED: return "evicted";
	case RS_END_REUSED: return "reused";
	}
	return "?";
}

const char *rs_close_kind_str(enum rs_close_kind c)
{
	switch (c) {
	case RS_CLOSE_OPEN: return "open";
	case RS_CLOSE_FIN: return "fin";
	case RS_CLOSE_RST: return "rst";
	case RS_CLOSE_REFUSED: return "refused";
	}
	return "?";
}
