/*
 * tracker_fsm.h: the endpoint state machine the tracker drives (internal).
 *
 * A segment moves its sender through what sending it proves (a FIN moves
 * ESTABLISHED to FIN_WAIT_1), and its receiver as it arrives there, as
 * RFC 9293's figures show a close: its ACK first (SYN_RECEIVED to
 * ESTABLISHED, FIN_WAIT_1 to FIN_WAIT_2, CLOSING to TIME_WAIT, LAST_ACK
 * to CLOSED), then its FIN (ESTABLISHED to CLOSE_WAIT, FIN_WAIT_1 to
 * CLOSING, FIN_WAIT_2 to TIME_WAIT: 3.10.7.4, so one FIN+ACK takes
 * FIN_WAIT_1 through FIN_WAIT_2 to TIME_WAIT, a state passed through
 * that rcv_via names).  A receiver's reaction to a SYN is shown when
 * its own answer proves it: a SYN may find no listener, and only the
 * answer says.  An end in CLOSE_WAIT that sends a FIN not covering the
 * peer's shows that the peer's FIN had not arrived yet (the capture
 * point saw it leave, not arrive): the FINs crossed, and the end goes
 * through FIN_WAIT_1 to CLOSING (snd_via).
 *
 * When the receiver's own segments are missing (a capture of one
 * direction, or lost at the capture point), a segment can still prove
 * what the receiver sent: an ACK of its SYN proves the SYN-ACK of a
 * listener, an ACK of its data proves it left the handshake.  Those
 * steps are flagged (rcv_inferred) so that the state can be shown as a
 * guess.
 */
#ifndef RAWSHAKE_TRACKER_FSM_H
#define RAWSHAKE_TRACKER_FSM_H

#include <stdbool.h>
#include <stdint.h>

#include "rawshake/tcp_state.h"

/* The facts about one segment that the tracker derives from sequence numbers. */
struct rs_tracker_fsm_seg {
	uint8_t flags;          /* RS_TH_* */
	uint32_t len;           /* payload bytes */
	bool acks_peer_syn;     /* ACK set and it covers the peer's SYN */
	bool acks_peer_fin;     /* ACK set and it covers the peer's FIN */
	bool peer_fin_sent;     /* the peer's FIN has been seen */
	bool own_syn_acked;     /* the peer already acknowledged this end's SYN */
	bool own_fin_acked;     /* the peer already acknowledged this end's FIN */
	bool rst_in_window;     /* for RST: the receiver would accept it */
	bool rcv_passive;       /* the receiver's SYN was a SYN-ACK: it came from LISTEN */
	bool new_isn;           /* a SYN again, with another ISN than the sender's first */
	bool late_syn;          /* the sender's first captured SYN, after the SYN-ACK answering it */
	bool acks_peer_data;    /* ACK set and it covers bytes the peer sent after its SYN */
	bool peer_isn_inferred; /* the receiver's SYN was not captured: its ISN is an ack - 1 */
	bool peer_fin_acked_before; /* the sender acknowledged the peer's FIN in an earlier segment */
};

struct rs_tracker_fsm_result {
	enum rs_tcp_state snd, rcv;   /* new states of sender and receiver */
	enum rs_tcp_event_kind kind;
	uint32_t analysis;            /* RS_AN_* the state machine itself sees */
	bool rcv_inferred;            /* rcv moved by what it must have sent, not by receiving */
	enum rs_tcp_state snd_via, rcv_via;   /* a state passed through on the way */
	bool snd_via_set, rcv_via_set;
};

/* One step: sender in state snd, receiver in rcv, sends seg. */
void rs_tracker_fsm_step(enum rs_tcp_state snd, enum rs_tcp_state rcv,
		     const struct rs_tracker_fsm_seg *seg, struct rs_tracker_fsm_result *res);

#endif
