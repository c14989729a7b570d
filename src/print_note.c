/*
 * print_note.c: what a TCP segment does, in one plain sentence, and why its
 * numbers are what they are (ack = peer ISN + 1, FIN takes one sequence
 * number, retransmission of bytes first sent in frame N, ...).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "rawshake/print_note.h"

struct nb {
	char *p;
	size_t n, len;
};

static void put(struct nb *b, const char *s, size_t k)
{
	if (b->len + 1 >= b->n)
		return;
	if (k > b->n - 1 - b->len)
		k = b->n - 1 - b->len;
	memcpy(b->p + b->len, s, k);
	b->len += k;
	b->p[b->len] = '\0';
}

static void put_u64(struct nb *b, unsigned long long v)
{
	char tmp[24];
	size_t n = 0;
	do {
		tmp[sizeof(tmp) - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(b, tmp + sizeof(tmp) - n, n);
}

/*
 * printf for the notes, written out for the conversions they use (%s, %u,
 * %llu, %lld): a note is made for every TCP segment, and glibc's
 * vsnprintf was a fifth of the time of printing an annotated capture.
 * %.3f goes to snprintf, %04x is written out too.
 */
static void add(struct nb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct nb *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	while (*fmt && b->len + 1 < b->n) {
		const char *pct = strchr(fmt, '%');
		if (!pct) {
			put(b, fmt, strlen(fmt));
			break;
		}
		put(b, fmt, (size_t)(pct - fmt));
		const char *c = pct + 1;
		if (*c == 's') {
			const char *str = va_arg(ap, const char *);
			put(b, str, strlen(str));
			fmt = c + 1;
		} else if (*c == 'u') {
			put_u64(b, va_arg(ap, unsigned));
			fmt = c + 1;
		} else if (c[0] == 'l' && c[1] == 'l' && c[2] == 'u') {
			put_u64(b, va_arg(ap, unsigned long long));
			fmt = c + 3;
		} else if (c[0] == 'l' && c[1] == 'l' && c[2] == 'd') {
			long long v = va_arg(ap, long long);
			if (v < 0) {
				put(b, "-", 1);
				put_u64(b, 0ull - (unsigned long long)v);
			} else {
				put_u64(b, (unsigned long long)v);
			}
			fmt = c + 3;
		} else if (*c == '%') {
			put(b, "%", 1);
			fmt = c + 1;
		} else if (strncmp(c, ".3f", 3) == 0) {
			char tmp[48];
			int k = snprintf(tmp, sizeof(tmp), "%.3f", va_arg(ap, double));
			if (k > 0)
				put(b, tmp, (size_t)k < sizeof(tmp) ? (size_t)k : sizeof(tmp) - 1);
			fmt = c + 3;
		} else if (strncmp(c, "04x", 3) == 0) {
			static const char hex[] = "0123456789abcdef";
			unsigned v = va_arg(ap, unsigned);
			char tmp[8];
			size_t n = 0;
			do {
				tmp[sizeof(tmp) - 1 - n++] = hex[v & 0xf];
				v >>= 4;
			} while (v && n < sizeof(tmp));
			while (n < 4)
				tmp[sizeof(tmp) - 1 - n++] = '0';
			put(b, tmp + sizeof(tmp) - n, n);
			fmt = c + 3;
		} else {
			/* A conversion the notes do not use: stop rather than guess. */
			break;
		}
	}
	va_end(ap);
}

static const char *plural(uint32_t n)
{
	return n == 1 ? "" : "s";
}

static const char *who(enum rs_dir d)
{
	return d == RS_DIR_C2S ? "client" : "server";
}

static const char *peer(enum rs_dir d)
{
	return d == RS_DIR_C2S ? "server" : "client";
}

/* The bytes a duplicate ACK's SACK blocks say the receiver holds beyond
 * the hole it waits to be filled; a block below the ack is a D-SACK
 * (RFC 2883): bytes that arrived twice. */
static void sack_held(struct nb *b, const struct rs_tcp *t, const struct rs_tcp_event *ev, bool abs)
{
	bool rel = !abs && ev->n_rel_sack;
	unsigned n = t->n_sack < RS_MAX_SACK ? t->n_sack : RS_MAX_SACK;
	unsigned held = 0, dup = 0;
	for (int pass = 0; pass < 2; pass++) {
		for (unsigned i = 0; i < n; i++) {
			bool below = (int32_t)(t->sack[i][0] - t->ack) < 0;
			if (below != (pass == 1))
				continue;
			uint32_t le = rel ? ev->rel_sack[i][0] : t->sack[i][0];
			uint32_t re = rel ? ev->rel_sack[i][1] : t->sack[i][1];
			if (pass == 0)
				add(b, held++ ? ", %u..%u" : "; it holds bytes %u..%u", le, re - 1);
			else if (dup++)
				add(b, ", %u..%u", le, re - 1);
			else
				add(b, "%sbytes %u..%u", held ? ", and reports " : "; it reports ", le, re - 1);
		}
		if (pass == 0 && held)
			add(b, " beyond the hole (SACK)");
	}
	if (dup)
		add(b, " received twice (D-SACK)");
}

/* Where relative numbers start when a direction's SYN was not captured:
 * Wireshark's rule, said once, on the segment that sets the base. */
static void bases(struct nb *b, const struct rs_tcp *t, const struct rs_tcp_event *ev,
		  const char *me, const char *you)
{
	bool seq = ev->base_from_seq && !(t->flags & RS_TH_RST);
	if (seq && ev->peer_base_from_ack)
		add(b, "; no SYN captured: relative numbers count from here, as Wireshark's do (base "
		    "seq - 1 for the %s, ack - 1 for the %s: seq 1, ack 1)", me, you);
	else if (seq)
		add(b, "; no %s SYN captured: its relative seq counts from here, as Wireshark's does "
		    "(base seq - 1: seq 1)", me);
	else if (ev->peer_base_from_ack)
		add(b, "; no %s SYN captured: its relative numbers count from this ack, as Wireshark's "
		    "do (base ack - 1: ack 1)", you);
}

/* Durations as "35 µs", "1.250 ms", "2.000 s". */
static void dur(struct nb *b, int64_t ns)
{
	if (ns < 0)
		ns = 0;
	if (ns < 10000)
		add(b, "%lld ns", (long long)ns);
	if (ns < 10000)
		return;
	if (ns < 10000000)
		add(b, "%lld µs", (long long)(ns / 1000));
	else if (ns < 10000000000ll)
		add(b, "%.3f ms", (double)ns / 1e6);
	else
		add(b, "%.3f s", (double)ns / 1e9);
}

/* What every part of a note needs to know about its segment. */
struct note_ctx {
	struct nb *b;
	const struct rs_packet *pkt;
	const struct rs_tcp *t;
	const struct rs_tcp_event *ev;
	const char *me, *you;
	uint32_t seq, next, ack, an;
	bool abs;
};

/* The opening kinds (SYN, SYN-ACK, the handshake ACK, simultaneous open,
 * refused); false for another kind. */
static bool note_opening(const struct note_ctx *c)
{
	struct nb *b = c->b;
	const struct rs_tcp *t = c->t;
	const struct rs_tcp_event *ev = c->ev;
	const char *me = c->me, *you = c->you;
	uint32_t seq = c->seq, next = c->next, ack = c->ack, an = c->an;
	bool abs = c->abs;

	switch (ev->kind) {
	case RS_EV_SYN:
		if (an & RS_AN_NEW_ISN)
			add(b, "%s SYN again with a new ISN %u (the earlier one had %u): a new "
			    "attempt, not a retransmission", me, t->seq, ev->prev_isn);
		else if ((an & RS_AN_SYN_RETRANS) && ev->peer_isn_known)
			add(b, "%s SYN again (same ISN %u): retransmission although the %s's SYN-ACK "
			    "went out, so the %s did not get it or did not accept it", me, t->seq, you, me);
		else if (an & RS_AN_SYN_RETRANS)
			add(b, "%s SYN again (same ISN %u): retransmission, no answer yet", me, t->seq);
		else if (ev->late_syn)
			add(b, "%s SYN, captured after the %s's SYN-ACK that answers it (reordered, not "
			    "a retransmission): %s ISN %u%s", me, you, me, t->seq, abs ? "" : " (relative 0)");
		else
			add(b, "%s SYN: opens the connection, %s ISN %u%s", me, me, t->seq,
			    abs ? "" : " (relative 0)");
		return true;
	case RS_EV_SYN_ACK:
		if (an & RS_AN_NEW_ISN)
			add(b, "%s SYN-ACK again with a new ISN %u (the earlier one had %u): the %s "
			    "started the handshake over, its first half-open connection was reset or "
			    "dropped; ack %u = %s ISN + 1", me, t->seq, ev->prev_isn, me, ack, you);
		else if (an & RS_AN_SYNACK_RETRANS)
			add(b, "%s SYN-ACK again (same ISN %u): retransmission, the %s's ACK has not arrived",
			    me, t->seq, you);
		else
			add(b, "%s SYN-ACK: ack %u = %s ISN + 1, acknowledges the SYN; %s ISN %u",
			    me, ack, you, me, t->seq);
		if (ev->peer_isn_inferred)
			add(b, "; the %s's SYN was not captured: its ISN %u is ack - 1", you, ev->peer_isn);
		return true;
	case RS_EV_HANDSHAKE_ACK:
		add(b, "%s ACK: ack %u = %s ISN + 1", me, ack, you);
		if (ev->peer_isn_inferred)
			add(b, " (the %s's SYN-ACK was not captured: its ISN %u is ack - 1)", you,
			    ev->peer_isn);
		if (ev->len)
			add(b, ", carries %u bytes (seq %u → next %u)", ev->len, seq, next);
		if (ev->has_rtt) {
			add(b, "; handshake complete in ");
			dur(b, ev->rtt_ns);
			add(b, " (SYN→SYN-ACK ");
			dur(b, ev->rtt_server_ns);
			add(b, ", SYN-ACK→ACK ");
			dur(b, ev->rtt_client_ns);
			add(b, ")");
		} else {
			add(b, "; handshake complete");
		}
		return true;
	case RS_EV_SIMOPEN_SYN:
		add(b, "%s SYN while the %s's SYN is unanswered: simultaneous open, %s ISN %u",
		    me, you, me, t->seq);
		return true;
	case RS_EV_SIMOPEN_SYN_ACK:
		add(b, "%s SYN-ACK: simultaneous open, repeats its SYN (seq = its ISN) and acks the %s's "
		    "(ack %u = %s ISN + 1); not a retransmission", me, you, ack, you);
		if (ev->peer_isn_inferred)
			add(b, "; the %s's SYN was not captured: its ISN %u is ack - 1", you, ev->peer_isn);
		return true;
	case RS_EV_REFUSED:
		add(b, "%s RST/ACK: connection refused (ack %u = %s ISN + 1 answers the SYN; nothing listens on port %u)",
		    me, ack, you, t->sport);
		return true;
	default:
		return false;
	}
}

/* Data, ACKs, the close, resets: every kind after the opening. */
static void note_flow(const struct note_ctx *c)
{
	struct nb *b = c->b;
	const struct rs_tcp_event *ev = c->ev;
	const char *me = c->me, *you = c->you;
	uint32_t seq = c->seq, next = c->next, ack = c->ack, an = c->an;

	switch (ev->kind) {
	case RS_EV_DATA:
		add(b, "%s data: %u bytes, seq %u → next %u", me, ev->len, seq, next);
		if (ev->acked_new)
			add(b, "; acks %u byte%s of the %s", ev->acked_new, plural(ev->acked_new), you);
		break;
	case RS_EV_ACK:
		if (ev->acked_new)
			add(b, "%s ACK: ack %u acknowledges %u new byte%s of the %s", me, ack, ev->acked_new,
			    plural(ev->acked_new), you);
		else
			add(b, "%s ACK: ack %u, nothing new acknowledged", me, ack);
		break;
	case RS_EV_FIN:
		if (an & RS_AN_RETRANSMISSION)
			add(b, "%s FIN again: retransmission of the FIN at seq %u", me, seq + ev->len);
		else if (ev->len)
			add(b, "%s FIN: %u bytes (seq %u → %u), then FIN: no more data from the %s; "
			    "FIN uses one sequence number (→ next %u)", me, ev->len, seq, seq + ev->len, me, next);
		else
			add(b, "%s FIN: no more data from the %s; FIN uses one sequence number (seq %u → next %u)",
			    me, me, seq + ev->len, next);
		break;
	case RS_EV_FIN_ACK:
		add(b, "%s ACK: ack %u = %s FIN seq + 1, acknowledges the FIN", me, ack, you);
		break;
	case RS_EV_SECOND_FIN:
		if (ev->len)
			add(b, "%s FIN: %u bytes (seq %u → %u), then FIN: no more data, the %s closes its "
			    "side too (→ next %u)", me, ev->len, seq, seq + ev->len, me, next);
		else
			add(b, "%s FIN: the %s closes its side too (seq %u → next %u)", me, me,
			    seq + ev->len, next);
		break;
	case RS_EV_THREE_WAY_CLOSE:
		if (ev->len)
			add(b, "%s FIN+ACK: acks the %s's FIN (ack %u); %u bytes (seq %u → %u), then FIN: "
			    "no more data, its own side closes in the same segment (three-way close; → next %u)",
			    me, you, ack, ev->len, seq, seq + ev->len, next);
		else
			add(b, "%s FIN+ACK: acks the %s's FIN (ack %u) and closes its own side in the same "
			    "segment (three-way close; seq %u → next %u)", me, you, ack, seq + ev->len, next);
		break;
	case RS_EV_SIMCLOSE:
		if (ev->len)
			add(b, "%s FIN: %u bytes (seq %u → %u), then FIN; it crosses the %s's FIN (its ack %u "
			    "does not cover it): simultaneous close", me, ev->len, seq, seq + ev->len, you, ack);
		else
			add(b, "%s FIN crosses the %s's FIN (its ack %u does not cover it): simultaneous close",
			    me, you, ack);
		if ((ev->dir == RS_DIR_C2S ? ev->client_via_set : ev->server_via_set))
			add(b, "; the %s's FIN reached the %s only after this one left, so the %s was still "
			    "ESTABLISHED, not CLOSE_WAIT: FIN_WAIT_1, then CLOSING as that FIN arrives",
			    you, me, me);
		break;
	case RS_EV_FINAL_ACK:
		add(b, "%s ACK: ack %u = %s FIN seq + 1, acknowledges the last FIN", me, ack, you);
		break;
	case RS_EV_HALF_CLOSE_DATA:
		add(b, "%s data after the %s's FIN: half-close, %u bytes still flow %s → %s (seq %u → next %u)",
		    me, you, ev->len, me, you, seq, next);
		break;
	case RS_EV_RST:
		add(b, "%s RST: aborts the connection (seq %u)", me, seq);
		break;
	case RS_EV_RST_OOW:
		add(b, "%s RST with seq %u outside the %s's window: ignored (RFC 9293), not a close",
		    me, seq, you);
		break;
	case RS_EV_RST_CHALLENGED:
		add(b, "%s RST with seq %u: RST in window but not at rcv_nxt: a challenge ACK is "
		    "expected (RFC 5961), not a close", me, seq);
		break;
	case RS_EV_AFTER_CLOSE:
		add(b, "%s segment after its side closed", me);
		break;
	default:
		add(b, "%s segment", me);
		break;
	}
}

/* Resent, reordered or missing bytes, and duplicate ACKs. */
static void note_resent_or_missing(const struct note_ctx *c)
{
	struct nb *b = c->b;
	const struct rs_tcp *t = c->t;
	const struct rs_tcp_event *ev = c->ev;
	const char *me = c->me, *you = c->you;
	uint32_t seq = c->seq, ack = c->ack, an = c->an;
	bool abs = c->abs;

	if (an & RS_AN_RETRANSMISSION && ev->kind != RS_EV_FIN && ev->len) {
		add(b, "; %sretransmission of bytes %u..%u",
		    an & RS_AN_FAST_RETRANS ? "fast " : an & RS_AN_SPURIOUS_RETRANS ? "spurious " : "",
		    seq, seq + ev->len - 1);
		if (ev->ref_frame)
			add(b, " first sent in frame %llu", (unsigned long long)ev->ref_frame);
		if (an & RS_AN_FAST_RETRANS)
			add(b, " (after %s duplicate ACKs, before a timeout)", you);
		else if (an & RS_AN_SPURIOUS_RETRANS)
			add(b, " (the %s had acknowledged them all already)", you);
	}
	if (ev->late_hi != ev->late_lo) {
		uint32_t lo = abs ? ev->late_lo + (t->seq - ev->rel_seq) : ev->late_lo;
		add(b, "; bytes %u..%u captured after the ACK that covers them", lo,
		    lo + (ev->late_hi - ev->late_lo) - 1);
		if (ev->late_frame)
			add(b, " (frame %llu)", (unsigned long long)ev->late_frame);
		add(b, ": the capture reordered them, not a retransmission");
	}
	if (an & RS_AN_OUT_OF_ORDER)
		add(b, "; out of order: fills a hole below data already seen");
	if (an & RS_AN_LOST_SEGMENT)
		add(b, "; bytes before seq %u were not captured", seq);
	if (an & RS_AN_CHALLENGE_ACK)
		add(b, "; challenge ACK: answers the %s's RST with ack %u, the byte the %s really "
		    "expects (RFC 5961 section 3.2); the connection survives", you, ack, me);
	if (an & RS_AN_OLD_DUP_REJECTED)
		add(b, "; SYN-ACK for a SYN this host never sent: reset, old duplicate rejected "
		    "(seq = the SYN-ACK's ack: the %s's kernel has no such connection, RFC 9293 "
		    "figure 8; the SYN was an old one, or made by hand)", me);
	if (an & RS_AN_DUP_ACK) {
		add(b, "; duplicate ACK #%u of frame %llu: the %s still waits for byte %u",
		    ev->dup_ack_n, (unsigned long long)ev->ref_frame, me, ack);
		sack_held(b, t, ev, abs);
	}
}

/* The window: zero window, probes, updates, keep-alives. */
static void note_window(const struct note_ctx *c)
{
	struct nb *b = c->b;
	const struct rs_packet *pkt = c->pkt;
	const struct rs_tcp_event *ev = c->ev;
	const char *me = c->me, *you = c->you;
	uint32_t an = c->an;

	if (ev->zero_window_ack)
		add(b, "; the same ACK with the window still 0: the %s's buffer is still full (a "
		    "zero-window ACK, not a duplicate ACK: no segment is missing)", me);
	else if (an & RS_AN_ZERO_WINDOW)
		add(b, "; window 0: the %s's receive buffer is full, the %s must stop", me, you);
	if (an & RS_AN_ZERO_WINDOW_PROBE)
		add(b, ev->len ? "; zero-window probe: one byte to see whether the %s reopened its window"
				: "; zero-window probe: seq = next - 1 makes the %s answer with its window",
		    you);
	if (an & RS_AN_WINDOW_UPDATE)
		add(b, "; window update to %u: same ack, only the window changed", ev->win_scaled);
	if ((an & RS_AN_KEEP_ALIVE) && ev->peer_unseen)
		add(b, "; keep-alive or zero-window probe (the %s's window is not in the capture): "
		    "seq = next - 1, asks the %s to answer", you, you);
	else if (an & RS_AN_KEEP_ALIVE)
		add(b, "; keep-alive: seq = next - 1, asks the %s to answer", you);
	if (an & RS_AN_KEEP_ALIVE_ACK)
		add(b, pkt->tcp.win ? "; answers the probe" : "; answers the probe: window still 0");
}

/* What the capture itself leaves unsure (one direction, unseen data, guessed
 * arrival states) and the bases of relative numbers. */
static void note_capture(const struct note_ctx *c)
{
	struct nb *b = c->b;
	const struct rs_tcp *t = c->t;
	const struct rs_tcp_event *ev = c->ev;
	const char *me = c->me, *you = c->you;
	uint32_t an = c->an;

	if (ev->one_way)
		add(b, "; no %s segment is in the capture, yet the %s acknowledges %s data: the "
		    "capture seems to hold one direction only (asymmetric routing, or a filter such as "
		    "'%s port %u'), the %s's states are guessed", you, me, you,
		    ev->dir == RS_DIR_S2C ? "src" : "dst", ev->dir == RS_DIR_S2C ? t->sport : t->dport,
		    you);
	else if ((an & RS_AN_ACKED_UNSEEN) && !ev->peer_unseen)
		add(b, "; acknowledges %s data the capture never saw", you);
	if (ev->arrival_guessed) {
		if (ev->capture_near_known)
			add(b, "; the %s's state is for when this segment reaches it, which a capture "
			    "near the %s does not see: a guess", you, who(ev->capture_near));
		else
			add(b, "; the %s's state is for when this segment reaches it, which the capture "
			    "does not show: a guess", you);
	}
	if (an & RS_AN_BAD_CHECKSUM)
		add(b, "; bad checksum");
	if (ev->new_conn && ev->client_guessed)
		add(b, "; capture starts mid-stream: client guessed from the ports");
	bases(b, t, ev, me, you);
}

size_t rs_print_note_format(char *buf, size_t n, const struct rs_packet *pkt,
		      const struct rs_tcp_event *ev, unsigned flags)
{
	struct nb b = { buf, n, 0 };
	bool abs = flags & RS_PRINT_NOTE_ABSOLUTE;
	const struct rs_tcp *t = &pkt->tcp;
	uint32_t seq = abs ? t->seq : ev->rel_seq;
	struct note_ctx c = {
		&b, pkt, t, ev, who(ev->dir), peer(ev->dir), seq,
		seq + (ev->rel_next_seq - ev->rel_seq), abs ? t->ack : ev->rel_ack, ev->analysis, abs,
	};

	if (n == 0)
		return 0;
	buf[0] = '\0';
	if (ev->analysis & RS_AN_PORT_REUSE)
		add(&b, "port reuse: a new connection on the tuple of a finished one; ");
	if (!note_opening(&c))
		note_flow(&c);
	note_resent_or_missing(&c);
	note_window(&c);
	note_capture(&c);
	return b.len;
}

/* "FIN_WAIT_2 → TIME_WAIT" when the end passed through a state. */
static void state_steps(char *buf, size_t n, bool via_set, enum rs_tcp_state via, enum rs_tcp_state st)
{
	if (via_set)
		snprintf(buf, n, "%s → %s", rs_tcp_state_str(via), rs_tcp_state_str(st));
	else
		snprintf(buf, n, "%s", rs_tcp_state_str(st));
}

static void states(struct nb *b, const struct rs_tcp_event *ev)
{
	bool cc = ev->client_state != ev->prev_client_state;
	bool sc = ev->server_state != ev->prev_server_state;
	char cbuf[40], sbuf[40];
	state_steps(cbuf, sizeof(cbuf), ev->client_via_set, ev->client_via, ev->client_state);
	state_steps(sbuf, sizeof(sbuf), ev->server_via_set, ev->server_via, ev->server_state);
	const char *c = cbuf, *s = sbuf;
	/* An end with no segment in the capture: its state is a guess. */
	const char *cg = ev->client_state_guessed ? " (guessed)" : "";
	const char *sg = ev->server_state_guessed ? " (guessed)" : "";
	const char *cg2 = ev->client_state_guessed ? ", guessed" : "";   /* inside parentheses */
	const char *sg2 = ev->server_state_guessed ? ", guessed" : "";

	if (ev->client_state == ev->server_state && (cc || sc) && !ev->client_via_set &&
	    !ev->server_via_set)
		add(b, "; both %s%s", c, ev->client_state_guessed ? " (the client's guessed)" :
		    ev->server_state_guessed ? " (the server's guessed)" : "");
	else if (cc && sc)
		add(b, "; client → %s%s, server → %s%s", c, cg, s, sg);
	else if (cc)
		add(b, "; client → %s%s (server %s%s)", c, cg, s, sg2);
	else if (sc)
		add(b, "; server → %s%s (client %s%s)", s, sg, c, cg2);
	else
		add(b, "; client %s%s, server %s%s", c, cg, s, sg);
}

void rs_print_note_text(struct rs_out *o, const struct rs_packet *pkt, const struct rs_tcp_event *ev,
		  unsigned flags)
{
	char buf[1024];
	struct nb b = { buf, sizeof(buf), 0 };
	b.len = rs_print_note_format(buf, sizeof(buf), pkt, ev, flags);
	states(&b, ev);
	rs_out_str(o, "  ");
	rs_out_write(o, buf, b.len);
	rs_out_char(o, '\n');
	if (!(flags & RS_PRINT_NOTE_VERBOSE))
		return;
	const struct rs_tcp *t = &pkt->tcp;
	b.len = 0;
	buf[0] = '\0';
	if (t->flags & RS_TH_SYN)
		add(&b, "window %u (never scaled in a SYN)", t->win);
	else if (ev->wscale_known && ev->win_scaled != t->win)
		add(&b, "window %u × %u (scale) = %u bytes", t->win, ev->win_scaled / (t->win ? t->win : 1),
		    ev->win_scaled);
	else
		add(&b, "window %u bytes%s", t->win, ev->wscale_known ? "" :
		    ev->isn_known || ev->peer_isn_known ? " (scale unknown: not both SYNs captured)" :
		    " (scale unknown: no SYN captured)");
	if (t->has_mss)
		add(&b, "; MSS %u", t->mss);
	if (t->has_wscale)
		add(&b, "; window scale %u (×%u)", t->wscale, 1u << (t->wscale > 14 ? 14 : t->wscale));
	if (t->sack_perm)
		add(&b, "; SACK permitted");
	bool rel = !(flags & RS_PRINT_NOTE_ABSOLUTE) && ev->n_rel_sack;
	for (unsigned i = 0; i < t->n_sack && i < RS_MAX_SACK; i++)
		add(&b, "; SACK %u-%u", rel ? ev->rel_sack[i][0] : t->sack[i][0],
		    rel ? ev->rel_sack[i][1] : t->sack[i][1]);
	if (t->has_ts)
		add(&b, "; timestamps val %u ecr %u", t->ts_val, t->ts_ecr);
	switch (t->csum_status) {
	case RS_CSUM_OK:
		add(&b, "; checksum 0x%04x ok", t->csum);
		break;
	case RS_CSUM_BAD:
		add(&b, "; checksum 0x%04x BAD", t->csum);
		break;
	case RS_CSUM_OFFLOAD:
		add(&b, "; checksum offload (filled in by the NIC: 0x%04x is the pseudo-header sum "
			"the kernel left for it)", t->csum);
		break;
	case RS_CSUM_UNCHECKED:
	case RS_CSUM_NONE:
		add(&b, "; checksum 0x%04x not checked (segment not fully captured)", t->csum);
		break;
	}
	rs_out_str(o, "  ");
	rs_out_write(o, buf, b.len);
	rs_out_char(o, '\n');
}

void rs_print_note_json(struct rs_out *o, const struct rs_packet *pkt, const struct rs_tcp_event *ev)
{
	char buf[1024];
	size_t n = rs_print_note_format(buf, sizeof(buf), pkt, ev, 0);
	rs_out_str(o, "\"conn\":{\"id\":");
	rs_out_u64(o, ev->conn_id);
	rs_out_str(o, ",\"dir\":");
	rs_out_json_cstr(o, rs_dir_str(ev->dir));
	rs_out_str(o, ",\"event\":");
	rs_out_json_cstr(o, rs_tcp_event_kind_str(ev->kind));
	rs_out_str(o, ",\"client_state\":");
	rs_out_json_cstr(o, rs_tcp_state_str(ev->client_state));
	rs_out_str(o, ",\"server_state\":");
	rs_out_json_cstr(o, rs_tcp_state_str(ev->server_state));
	if (ev->client_via_set) {
		rs_out_str(o, ",\"client_state_via\":");
		rs_out_json_cstr(o, rs_tcp_state_str(ev->client_via));
	}
	if (ev->server_via_set) {
		rs_out_str(o, ",\"server_state_via\":");
		rs_out_json_cstr(o, rs_tcp_state_str(ev->server_via));
	}
	rs_out_str(o, ",\"analysis\":[");
	bool first = true;
	for (unsigned i = 0; i < RS_AN_COUNT; i++) {
		if (!(ev->analysis & (1u << i)))
			continue;
		if (!first)
			rs_out_char(o, ',');
		first = false;
		rs_out_json_cstr(o, rs_analysis_name(1u << i));
	}
	rs_out_str(o, "],\"client_guessed\":");
	rs_out_str(o, ev->client_guessed ? "true" : "false");
	rs_out_str(o, ",\"client_state_guessed\":");
	rs_out_str(o, ev->client_state_guessed ? "true" : "false");
	rs_out_str(o, ",\"server_state_guessed\":");
	rs_out_str(o, ev->server_state_guessed ? "true" : "false");
	rs_out_str(o, "},\"note\":");
	rs_out_json_str(o, buf, n);
}

void rs_print_note_json_tcp_rel(struct rs_out *o, const struct rs_tcp_event *ev)
{
	rs_out_str(o, ",\"rel_seq\":");
	rs_out_u64(o, ev->rel_seq);
	if (ev->rel_ack_valid) {
		rs_out_str(o, ",\"rel_ack\":");
		rs_out_u64(o, ev->rel_ack);
	}
	if (ev->n_rel_sack) {
		rs_out_str(o, ",\"rel_sack\":[");
		for (unsigned i = 0; i < ev->n_rel_sack && i < RS_MAX_SACK; i++) {
			rs_out_str(o, i ? ",[" : "[");
			rs_out_u64(o, ev->rel_sack[i][0]);
			rs_out_char(o, ',');
			rs_out_u64(o, ev->rel_sack[i][1]);
			rs_out_char(o, ']');
		}
		rs_out_char(o, ']');
	}
}

const char *rs_tcp_event_brief(const struct rs_tcp_event *ev)
{
	static const uint32_t order[] = {
		RS_AN_PORT_REUSE, RS_AN_NEW_ISN, RS_AN_SYN_RETRANS, RS_AN_SYNACK_RETRANS,
		RS_AN_RST_OUT_OF_WINDOW, RS_AN_RST_CHALLENGE, RS_AN_CHALLENGE_ACK, RS_AN_OLD_DUP_REJECTED,
		RS_AN_RETRANSMISSION, RS_AN_OUT_OF_ORDER, RS_AN_KEEP_ALIVE, RS_AN_KEEP_ALIVE_ACK,
		RS_AN_DUP_ACK, RS_AN_ZERO_WINDOW_PROBE, RS_AN_ZERO_WINDOW, RS_AN_WINDOW_UPDATE,
	};
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (ev->analysis & order[i])
			return rs_analysis_name(order[i]);
	return rs_tcp_event_kind_str(ev->kind);
}
