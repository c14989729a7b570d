/*
 * tracker_zeek.c: the per-segment Zeek bookkeeping of a connection (its
 * conn_state and history) and the record handed over when it ends.
 *
 * Definitions followed (Zeek's base/protocols/conn/main.zeek and the TCP
 * analyzer, src/analyzer/protocol/tcp/TCP.cc):
 *
 * history: one letter per event, upper case when the originator (our
 * client) sent it, lower case for the responder:
 *   s  a SYN without ACK          h  a SYN+ACK ("handshake")
 *   a  a pure ACK                 d  a packet with payload ("data")
 *   f  a packet with FIN          r  a packet with RST
 *   c  a packet with a bad checksum
 *   g  a content gap              t  a packet with retransmitted payload
 *   w  a packet with a zero window advertisement
 *   i  an inconsistent packet (FIN and RST both set)
 *   q  a multi-flag packet (SYN with FIN or RST)
 *   ^  the direction was flipped (first packet was not the originator's)
 * A packet with exactly one of SYN/FIN/RST records s/h, f or r; with none
 * of them, d if it carries payload, else a if ACK is set (so data on a
 * FIN packet gives 'f' only).  'a', 'd', 'i' and 'q' are recorded at most
 * once per direction.  's', 'h', 'f' and 'r' are recorded again only when
 * the packet's relative sequence number differs from the last one of the
 * same kind (for FIN: sequence + payload length).  'c', 'g', 't' and 'w'
 * are logarithmic: recorded when their count in that direction reaches
 * 1, 10, 100, 1000, ...
 *
 * conn_state, from Zeek's endpoint states (INACTIVE, SYN_SENT,
 * SYN_ACK_SENT, PARTIAL, ESTABLISHED, CLOSED, RESET), which we track with
 * Zeek's own transition rules (rs_tracker_zeek_segment below):
 *   S0 attempt, no reply         S1 established, not terminated
 *   SF normal establishment and termination
 *   REJ attempt rejected         S2 established, originator's close only
 *   S3 established, responder's close only
 *   RSTO originator aborted      RSTR responder aborted
 *   RSTOS0 originator SYN then RST, no SYN-ACK seen
 *   RSTRH responder SYN-ACK then RST, no SYN from the originator
 *   SH originator SYN then FIN, no SYN-ACK
 *   SHR responder SYN-ACK then FIN, no SYN
 *   OTH no SYN seen, mid-stream traffic
 *
 * Deviations, on purpose: Zeek drops a packet with a bad checksum after
 * recording 'c' (unless ignore_checksums): its TCP analyzer returns
 * before the connection's last time, the endpoint states, sequence
 * numbers and the packet and IP byte counts see it.  We record 'c' and
 * still track it, since locally captured packets often carry offloaded
 * checksums; with the tracker's zeek_compat (read --zeek-compat) the
 * segment is Zeek's 'c' alone (rs_tracker_zeek_bad_checksum, from
 * rs_tracker_update before anything else counts it).
 * 'g' is recorded when an ACK covers bytes the capture never saw (Zeek
 * records it when its reassembler skips such a hole, which is the same
 * moment for an analyzer that follows ACKs), and, as Zeek's
 * TCP_Reassembler::Gap, only while both ends are established or were
 * closed from there (is_clean): a capture of one direction, whose other
 * end Zeek never sees established, has no 'g'.  't' is Zeek's
 * retransmission: payload that ends at or below the highest sequence
 * number the sender was seen to send (update_last_seq), so bytes that
 * were acknowledged before the capture showed them are not one.  The history keeps at most
 * RS_HISTORY_MAX letters.  The summary's byte counts are payload bytes
 * seen, including retransmissions.
 *
 * conn.log's sizes follow Zeek's TCP_Endpoint: each end starts at its
 * SYN's sequence number (without a SYN, at its first sequence number - 1,
 * or at the peer's first ACK - 1); its size is the higher of the last
 * sequence it sent and the last its peer acknowledged, less the SYN and
 * the FIN octets, so bytes the capture missed but the peer acknowledged
 * count (they are missed_bytes too).  Sequence numbers of a RST, or after
 * one, are not trusted; an end reset before any answer has size 0.  The
 * duration ends at the last packet before both ends had closed (the
 * final ACK of a FIN exchange is not in it), as Zeek's.
 */
#include <stdio.h>
#include <string.h>

#include "rawshake/tracker.h"
#include "tracker_int.h"

/* hist_seen has one bit per letter: S H A D F R C G T W I Q, the
 * originator's in the low 16 bits, the responder's above. */

static void add_history(struct rs_conn *c, char ch)
{
	if (c->hist_len < RS_HISTORY_MAX)
		c->history[c->hist_len++] = ch;
	else
		c->hist_full = true;
	c->history[c->hist_len] = '\0';
}

static char letter(char up, bool orig)
{
	return orig ? up : (char)(up - 'A' + 'a');
}

/* The bit of each letter in hist_seen, by letter:
 * a lookup rather than a strchr, since this runs for every segment. */
static uint32_t letter_bit(char up)
{
	switch (up) {
	case 'S': return 1u << 0;
	case 'H': return 1u << 1;
	case 'A': return 1u << 2;
	case 'D': return 1u << 3;
	case 'F': return 1u << 4;
	case 'R': return 1u << 5;
	case 'C': return 1u << 6;
	case 'G': return 1u << 7;
	case 'T': return 1u << 8;
	case 'W': return 1u << 9;
	case 'I': return 1u << 10;
	case 'Q': return 1u << 11;
	}
	return 0;
}

/* Zeek's CheckHistory: records the letter the first time; true if seen before. */
static bool check_history(struct rs_conn *c, char up, bool orig)
{
	uint32_t bit = letter_bit(up);
	if (!orig)
		bit <<= 16;
	if (c->hist_seen & bit)
		return true;
	c->hist_seen |= bit;
	add_history(c, letter(up, orig));
	return false;
}

/* Zeek's ScaledHistoryEntry with base 10. */
static void scaled(struct rs_conn *c, struct rs_end *e, int which, char up, bool orig)
{
	if (++e->zcnt[which] == e->zthr[which]) {
		add_history(c, letter(up, orig));
		uint32_t next = e->zthr[which] * 10;
		if (next <= e->zthr[which])
			e->zcnt[which] = 0;
		else
			e->zthr[which] = next;
	}
}

static void zset(struct rs_end *e, enum rs_zstate s)
{
	if (e->zstate != s) {
		e->zprev = e->zstate;
		e->zstate = (uint8_t)s;
	}
}

/* Zeek's TCP_Analyzer::UpdateStateMachine, endpoint states only. */
static void zeek_state(struct rs_conn *c, int d, uint8_t fl, uint32_t len)
{
	struct rs_end *e = &c->end[d], *p = &c->end[!d];
	bool orig = d == RS_DIR_C2S;
	bool syn = fl & RS_TH_SYN, ack = fl & RS_TH_ACK, fin = fl & RS_TH_FIN, rst = fl & RS_TH_RST;

	switch (e->zstate) {
	case RS_Z_INACTIVE:
		if (syn) {
			if (orig) {
				zset(e, ack ? RS_Z_SYN_ACK_SENT : RS_Z_SYN_SENT);
			} else {
				if (p->zstate == RS_Z_SYN_SENT)
					zset(p, RS_Z_ESTABLISHED);
				zset(e, RS_Z_ESTABLISHED);
			}
		}
		if (fin)
			zset(e, RS_Z_CLOSED);
		if (rst)
			zset(e, RS_Z_RESET);
		if (e->zstate == RS_Z_INACTIVE) {
			if (!orig && len == 0 && c->end[RS_DIR_C2S].zstate == RS_Z_SYN_SENT)
				;   /* an ACK of the SYN before the SYN-ACK */
			else if (ack && p->zstate == RS_Z_ESTABLISHED)
				zset(e, RS_Z_ESTABLISHED);
			else
				zset(e, RS_Z_PARTIAL);
		}
		break;
	case RS_Z_SYN_SENT:
	case RS_Z_SYN_ACK_SENT:
		if (fin)
			zset(e, RS_Z_CLOSED);
		if (rst)
			zset(e, RS_Z_RESET);
		break;
	case RS_Z_ESTABLISHED:
	case RS_Z_PARTIAL:
		if (syn && e->zstate == RS_Z_PARTIAL && p->zstate == RS_Z_INACTIVE && !ack)
			zset(e, RS_Z_SYN_SENT);
		if (fin && !rst) {
			zset(e, RS_Z_CLOSED);
			if (p->zstate == RS_Z_RESET && p->zprev == RS_Z_CLOSED)
				zset(p, RS_Z_CLOSED);
		}
		if (rst)
			zset(e, RS_Z_RESET);
		break;
	case RS_Z_CLOSED:
		if (rst && p->zstate != RS_Z_CLOSED)
			zset(e, RS_Z_RESET);
		break;
	default:
		break;
	}
}

/* Zeek's is_clean(): established, or closed from established. */
static bool zclean(const struct rs_end *e)
{
	return e->zstate == RS_Z_ESTABLISHED ||
	       (e->zstate == RS_Z_CLOSED && e->zprev == RS_Z_ESTABLISHED);
}

static int32_t zdiff(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

/* Zeek's sequence numbers that are too far off to trust on a SYN or RST. */
#define Z_TOO_LARGE_SEQ_DELTA 1048576

static void zseq_init(struct rs_end *e, uint32_t start, int64_t rel_last)
{
	e->zstart = start;
	e->zrel_ack = 0;
	e->zrel_last = rel_last;
}

/* Zeek's init_endpoint: where the sender's sequence space starts. */
static void zseq_start(struct rs_end *e, uint32_t seq, bool syn, uint32_t seg_len)
{
	switch (e->zstate) {
	case RS_Z_INACTIVE:
		if (syn)
			zseq_init(e, seq, seg_len);
		else
			zseq_init(e, seq - 1, 1);   /* as though a SYN came before */
		break;
	case RS_Z_SYN_SENT:
	case RS_Z_SYN_ACK_SENT:
		if (syn && seq != e->zstart)
			zseq_init(e, seq, seg_len);
		break;
	case RS_Z_ESTABLISHED:
	case RS_Z_PARTIAL:
		if (syn)
			zseq_init(e, seq, seg_len);
		break;
	case RS_Z_RESET:
		if (syn && e->zprev == RS_Z_INACTIVE)
			zseq_init(e, seq, seg_len);
		break;
	default:
		break;
	}
}

/* Zeek's ACK handling (init_peer, update_ack_seq) and update_last_seq,
 * before the state machine moves: the sizes of conn.log. */
static void zeek_seq(struct rs_end *e, struct rs_end *p, const struct rs_tcp *tcp)
{
	bool syn = tcp->flags & RS_TH_SYN, fin = tcp->flags & RS_TH_FIN, rst = tcp->flags & RS_TH_RST;
	uint32_t seg_len = rst ? 0 : tcp->payload_len;

	seg_len += syn + fin;
	zseq_start(e, tcp->seq, syn, seg_len);
	if (tcp->flags & RS_TH_ACK) {
		if (p->zstate == RS_Z_INACTIVE) {
			zseq_init(p, tcp->ack - 1, 0);
		} else if (!rst && !(p->zrel_ack < INT32_MAX && zdiff(tcp->ack, p->zstart) < 0)) {
			int32_t da = zdiff(tcp->ack, p->zstart + (uint32_t)p->zrel_ack);
			if (da > 0 && !(tcp->ack == 0 && da > Z_TOO_LARGE_SEQ_DELTA))
				p->zrel_ack += da;
		}
	}
	int32_t dl = zdiff(tcp->seq + seg_len, e->zstart + (uint32_t)e->zrel_last);
	if ((syn || rst) && (dl > Z_TOO_LARGE_SEQ_DELTA || dl < -Z_TOO_LARGE_SEQ_DELTA))
		;   /* not trusted */
	else if (fin && e->zrel_last == 1)
		e->zrel_last += dl;   /* SYN then FIN of a connection over 2 GiB */
	else if (e->zstate != RS_Z_RESET && dl > 0)
		e->zrel_last += dl;
	if (fin)
		e->zfin_seen = true;
}

/* Zeek's TCP_Endpoint::Size. */
static uint64_t zsize(const struct rs_end *e, const struct rs_end *p)
{
	/* A half-open connection found and aborted: its numbers mean nothing. */
	if (e->zprev == RS_Z_SYN_SENT && e->zstate == RS_Z_RESET && p->zstate == RS_Z_INACTIVE &&
	    e->zrel_ack > 1)
		return 0;
	int64_t top = e->zrel_last > e->zrel_ack ? e->zrel_last : e->zrel_ack;
	if (top <= 0)
		return 0;
	uint64_t size = (uint64_t)top - 1;   /* not the SYN octet */
	if (e->zfin_seen && size)
		size--;                         /* nor the FIN's */
	return size;
}

void rs_tracker_zeek_bad_checksum(struct rs_conn *c, int d)
{
	scaled(c, &c->end[d], RS_ZC_CSUM, 'C', d == RS_DIR_C2S);
}

void rs_tracker_zeek_segment(struct rs_conn *c, int d, const struct rs_packet *pkt,
			     uint32_t rel_seq, bool rxmit, bool gap, uint32_t gap_bytes)
{
	struct rs_end *e = &c->end[d], *p = &c->end[!d];
	const struct rs_tcp *tcp = &pkt->tcp;
	bool orig = d == RS_DIR_C2S;
	uint8_t fl = tcp->flags;
	uint32_t len = tcp->payload_len;
	int bits = !!(fl & RS_TH_SYN) + !!(fl & RS_TH_FIN) + !!(fl & RS_TH_RST);
	enum rs_zstate before = (enum rs_zstate)e->zstate;

	if (pkt->has_ip)
		e->ip_bytes += pkt->ip.total_len;
	if (!e->zdid_close || !p->zdid_close)
		c->zeek_last_ns = pkt->ts_ns;

	if (tcp->csum_status == RS_CSUM_BAD)
		rs_tracker_zeek_bad_checksum(c, d);
	if (bits > 1) {
		check_history(c, (fl & RS_TH_FIN) && (fl & RS_TH_RST) ? 'I' : 'Q', orig);
	} else if (bits == 1) {
		if (fl & RS_TH_SYN) {
			char code = (fl & RS_TH_ACK) ? 'H' : 'S';
			if (check_history(c, code, orig) && rel_seq != e->hist_last_syn)
				add_history(c, letter(code, orig));
			e->hist_last_syn = rel_seq;
		}
		if (fl & RS_TH_FIN) {
			if (check_history(c, 'F', orig) && rel_seq + len != e->hist_last_fin)
				add_history(c, letter('F', orig));
			e->hist_last_fin = rel_seq + len;
		}
		if (fl & RS_TH_RST) {
			if (check_history(c, 'R', orig) && rel_seq != e->hist_last_rst)
				add_history(c, letter('R', orig));
			e->hist_last_rst = rel_seq;
		}
	} else if (len) {
		check_history(c, 'D', orig);
	} else if (fl & RS_TH_ACK) {
		check_history(c, 'A', orig);
	}
	if (tcp->win == 0 && !(fl & RS_TH_RST) && p->zstate != RS_Z_CLOSED && e->zstate != RS_Z_RESET)
		scaled(c, e, RS_ZC_WIN0, 'W', orig);
	if (rxmit && e->zstate != RS_Z_RESET)
		scaled(c, e, RS_ZC_RXMIT, 'T', orig);
	zeek_seq(e, p, tcp);
	zeek_state(c, d, fl, len);
	if ((fl & (RS_TH_FIN | RS_TH_RST)) && before != RS_Z_RESET && before != RS_Z_CLOSED)
		e->zdid_close = true;
	/* Zeek's reassembler reports gaps unless an end is partial
	 * (report_gaps_for_partial is off by default); a peer never seen
	 * sending is restarted at every ACK (init_peer), so nothing of it
	 * is ever missing. */
	if (gap_bytes && e->zstate != RS_Z_PARTIAL && p->zstate != RS_Z_PARTIAL &&
	    p->zstate != RS_Z_INACTIVE)
		c->missed_bytes += gap_bytes;
	if (gap && zclean(e) && zclean(p)) {
		/* The gap is in the peer's data: Zeek letters it by the side
		 * whose stream has the hole. */
		scaled(c, p, RS_ZC_GAP, 'G', !orig);
	}
}

/* Zeek's /^\^?S[^HAFGIQ]*R.*$/ on the history. */
static bool rstos0_history(const char *h)
{
	if (*h == '^')
		h++;
	if (*h++ != 'S')
		return false;
	for (; *h; h++) {
		if (*h == 'R')
			return true;
		if (strchr("HAFGIQ", *h))
			return false;
	}
	return false;
}

static const char *conn_state(const struct rs_conn *c)
{
	enum rs_zstate os = c->end[RS_DIR_C2S].zstate, rs = c->end[RS_DIR_S2C].zstate;
	bool o_inactive = os == RS_Z_INACTIVE || os == RS_Z_PARTIAL;
	bool r_inactive = rs == RS_Z_INACTIVE || rs == RS_Z_PARTIAL;

	if (rs == RS_Z_RESET) {
		if (os == RS_Z_SYN_SENT || os == RS_Z_SYN_ACK_SENT ||
		    (os == RS_Z_RESET && zsize(&c->end[0], &c->end[1]) == 0 &&
		     zsize(&c->end[1], &c->end[0]) == 0))
			return "REJ";
		return o_inactive ? "RSTRH" : "RSTR";
	}
	if (os == RS_Z_RESET) {
		if (r_inactive)
			return rstos0_history(c->history) ? "RSTOS0" : "OTH";
		return "RSTO";
	}
	if (rs == RS_Z_CLOSED && os == RS_Z_CLOSED)
		return "SF";
	if (os == RS_Z_CLOSED)
		return r_inactive ? "SH" : "S2";
	if (rs == RS_Z_CLOSED)
		return o_inactive ? "SHR" : "S3";
	if (os == RS_Z_SYN_SENT && rs == RS_Z_INACTIVE)
		return "S0";
	if (os == RS_Z_ESTABLISHED && rs == RS_Z_ESTABLISHED)
		return "S1";
	return "OTH";
}

void rs_tracker_zeek_record(const struct rs_conn *c, enum rs_conn_end why, struct rs_conn_record *r)
{
	const struct rs_end *cl = &c->end[RS_DIR_C2S], *sv = &c->end[RS_DIR_S2C];

	memset(r, 0, sizeof(*r));
	r->id = c->id;
	r->end = why;
	r->v = c->key.v;
	memcpy(r->client, c->client_side ? c->key.b : c->key.a, 16);
	memcpy(r->server, c->client_side ? c->key.a : c->key.b, 16);
	r->cport = c->client_side ? c->key.pb : c->key.pa;
	r->sport = c->client_side ? c->key.pa : c->key.pb;
	r->client_guessed = c->client_guessed;
	r->first_ns = c->first_ns;
	r->last_ns = c->last_ns;
	r->ts_digits = c->ts_digits;
	r->c2s_pkts = cl->pkts;
	r->c2s_bytes = cl->bytes;
	r->s2c_pkts = sv->pkts;
	r->s2c_bytes = sv->bytes;
	r->client_state_guessed = rs_end_state_guessed(c, RS_DIR_C2S);
	r->server_state_guessed = rs_end_state_guessed(c, RS_DIR_S2C);
	r->retransmissions = cl->retrans + sv->retrans;
	r->has_rtt = c->has_rtt;
	if (c->has_rtt) {
		r->rtt_ns = c->ack_ns - c->syn_ns;
		r->rtt_server_ns = c->synack_ns - c->syn_ns;
		r->rtt_client_ns = c->ack_ns - c->synack_ns;
	}
	r->client_state = (enum rs_tcp_state)cl->state;
	r->server_state = (enum rs_tcp_state)sv->state;
	r->close = (enum rs_close_kind)c->close;
	strcpy(r->conn_state, conn_state(c));
	memcpy(r->history, c->history, sizeof(r->history));
	r->history[RS_HISTORY_MAX] = '\0';
	r->ip_proto = 6;
	r->zeek_last_ns = c->zeek_last_ns;
	r->orig_bytes = zsize(cl, sv);
	r->resp_bytes = zsize(sv, cl);
	r->missed_bytes = c->missed_bytes;
	r->orig_ip_bytes = cl->ip_bytes;
	r->resp_ip_bytes = sv->ip_bytes;
}
