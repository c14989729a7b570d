/*
 * tcp_state.h: what the tracker says about a segment, as names: the RFC
 * 9293 state of an endpoint, the kind of event a segment is, and the
 * analysis flags (retransmission, duplicate ACK, ...), each enum with its
 * _str() (Suricata's habit).  The state machine (tracker_fsm.c), the
 * tracker and the printers share these and nothing else of each other.
 */
#ifndef RAWSHAKE_TCP_STATE_H
#define RAWSHAKE_TCP_STATE_H

#include <stdint.h>

/* RFC 9293 section 3.3.2 states, as inferred from the wire. */
enum rs_tcp_state {
	RS_TCP_CLOSED = 0,
	RS_TCP_LISTEN,
	RS_TCP_SYN_SENT,
	RS_TCP_SYN_RECEIVED,
	RS_TCP_ESTABLISHED,
	RS_TCP_FIN_WAIT_1,
	RS_TCP_FIN_WAIT_2,
	RS_TCP_CLOSE_WAIT,
	RS_TCP_CLOSING,
	RS_TCP_LAST_ACK,
	RS_TCP_TIME_WAIT,
	RS_TCP_STATE_COUNT
};
const char *rs_tcp_state_str(enum rs_tcp_state s);   /* "LISTEN", ... */

/* What a segment does, named from the state transition it causes. */
enum rs_tcp_event_kind {
	RS_EV_SEGMENT = 0,     /* "segment": nothing more specific to say */
	RS_EV_SYN,             /* "syn": active open */
	RS_EV_SYN_ACK,         /* "syn-ack": passive open answers */
	RS_EV_HANDSHAKE_ACK,   /* "handshake-ack": completes the 3-way handshake */
	RS_EV_SIMOPEN_SYN,     /* "simultaneous-open": a SYN crossing the peer's SYN */
	RS_EV_SIMOPEN_SYN_ACK, /* "simultaneous-open-syn-ack" */
	RS_EV_REFUSED,         /* "refused": SYN answered by RST/ACK */
	RS_EV_DATA,            /* "data" */
	RS_EV_ACK,             /* "ack": pure acknowledgment */
	RS_EV_FIN,             /* "fin": active close */
	RS_EV_FIN_ACK,         /* "fin-ack": acknowledges the peer's first FIN */
	RS_EV_SECOND_FIN,      /* "second-fin": passive close (4-way teardown) */
	RS_EV_THREE_WAY_CLOSE, /* "three-way-close": FIN piggybacked on the ACK of the peer's FIN */
	RS_EV_SIMCLOSE,        /* "simultaneous-close": a FIN crossing the peer's FIN */
	RS_EV_FINAL_ACK,       /* "final-ack": acknowledges the last FIN */
	RS_EV_HALF_CLOSE_DATA, /* "half-close-data": data after the peer closed its side */
	RS_EV_RST,             /* "rst": abort */
	RS_EV_RST_OOW,         /* "rst-out-of-window": an RST the receiver ignores */
	RS_EV_AFTER_CLOSE,     /* "after-close": a segment on a closed endpoint */
	RS_EV_RST_CHALLENGED,  /* "rst-in-window": in the window, not at rcv_nxt: challenged (RFC 5961) */
	RS_EV_KIND_COUNT
};
const char *rs_tcp_event_kind_str(enum rs_tcp_event_kind k);

/* Analysis flags of a segment (bitmask). */
enum {
	RS_AN_RETRANSMISSION   = 1u << 0,
	RS_AN_OUT_OF_ORDER     = 1u << 1,
	RS_AN_DUP_ACK          = 1u << 2,
	RS_AN_ZERO_WINDOW      = 1u << 3,
	RS_AN_WINDOW_UPDATE    = 1u << 4,
	RS_AN_KEEP_ALIVE       = 1u << 5,
	RS_AN_KEEP_ALIVE_ACK   = 1u << 6,
	RS_AN_RST_OUT_OF_WINDOW = 1u << 7,
	RS_AN_PORT_REUSE       = 1u << 8,
	RS_AN_SYN_RETRANS      = 1u << 9,
	RS_AN_SYNACK_RETRANS   = 1u << 10,
	RS_AN_LOST_SEGMENT     = 1u << 11, /* bytes before this one were not captured */
	RS_AN_ACKED_UNSEEN     = 1u << 12, /* acks bytes the capture never saw */
	RS_AN_ZERO_WINDOW_PROBE = 1u << 13,
	RS_AN_BAD_CHECKSUM     = 1u << 14,
	RS_AN_NEW_ISN          = 1u << 15, /* a SYN or SYN-ACK again, with another ISN */
	/* Kinds of retransmission, set with RS_AN_RETRANSMISSION: */
	RS_AN_FAST_RETRANS     = 1u << 16, /* answers two or more duplicate ACKs for this seq */
	RS_AN_SPURIOUS_RETRANS = 1u << 17, /* all its bytes were already acknowledged */
	/* RFC 5961 section 3.2: an RST in the window but not at rcv_nxt does
	 * not close; the receiver answers with a challenge ACK. */
	RS_AN_RST_CHALLENGE    = 1u << 18,
	RS_AN_CHALLENGE_ACK    = 1u << 19, /* the pure ACK that answers it */
	/* A SYN-ACK answered by an RST with seq = its ack from the end the
	 * SYN named: that host never sent the SYN (RFC 9293 figure 8). */
	RS_AN_OLD_DUP_REJECTED = 1u << 20,
	RS_AN_COUNT            = 21
};
/* Name of one analysis bit ("retransmission", "dup-ack", ...), NULL if none. */
const char *rs_analysis_name(uint32_t bit);

#endif
