/*
 * tcp_fsm.h: the endpoint state machine the tracker drives (internal).
 *
 * A segment moves its sender through what sending it proves (a FIN moves
 * ESTABLISHED to FIN_WAIT_1, an ACK of the peer's FIN proves the FIN
 * arrived), and moves the receiver only by what receiving its ACK or RST
 * does (SYN_RECEIVED to ESTABLISHED, FIN_WAIT_1 to FIN_WAIT_2, LAST_ACK to
 * CLOSED).  A receiver's reaction to a SYN or FIN is shown when its own
 * answer proves it, as the capture point cannot see it earlier.
 *
 * When the receiver's own segments are missing (a capture of one
 * direction, or lost at the capture point), a segment can still prove
 * what the receiver sent: an ACK of its SYN proves the SYN-ACK of a
 * listener, an ACK of its data proves it left the handshake.  Those
 * steps are flagged (rcv_inferred) so that the state can be shown as a
 * guess.
 */
#ifndef RAWSHAKE_TCP_FSM_H
#define RAWSHAKE_TCP_FSM_H

#include <stdbool.h>
#include <stdint.h>

#include "rawshake/tracker.h"

/* The facts about one segment that the tracker derives from sequence numbers. */
struct rs_fsm_seg {
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
};

struct rs_fsm_result {
	enum rs_tcp_state snd, rcv;   /* new states of sender and receiver */
	enum rs_tcp_event_kind kind;
	uint32_t analysis;            /* RS_AN_* the state machine itself sees */
	bool rcv_inferred;            /* rcv moved by what it must have sent, not by receiving */
};

/* One step: sender in state snd, receiver in rcv, sends seg. */
void rs_tcp_fsm_step(enum rs_tcp_state snd, enum rs_tcp_state rcv,
		     const struct rs_fsm_seg *seg, struct rs_fsm_result *res);

#endif
