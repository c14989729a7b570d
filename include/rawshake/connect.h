/*
 * connect.h: a TCP connection made by hand (`rawshake connect`).
 *
 * The engine is a small explicit state machine over our own end's RFC 9293
 * states.  It decides what to send and when; it never touches a socket:
 * segments go out through a callback (a struct rs_craft_spec to build),
 * segments come in as decoded packets, time comes in as CLOCK_MONOTONIC
 * nanoseconds.  That keeps it testable without a network.
 *
 * Segments are taken as the local kernel takes them: a checksum the
 * sender left for the NIC to fill in (RS_CSUM_OFFLOAD, as on loopback, a
 * veth or a bridge with default offloads) is no reason to drop one; a
 * checksum that is wrong (RS_CSUM_BAD) is.  Every segment dropped, for
 * that or any other reason, is counted by kind and reason, so that when
 * the engine gives up it can say what it saw (rs_connect_result_line()).
 *
 * What it does: SYN with MSS, window scale, SACK-permitted and timestamps
 * (each optional), retransmitted with RFC 6298 backoff (1 s, 2 s, 4 s ...);
 * the ACK of the SYN-ACK; the data in MSS-sized segments, one peer window
 * at a time, each window acknowledged before the next is sent (go-back-N
 * on a timeout); every byte of the peer's data acknowledged at once; then
 * FIN (in whatever order the peer's ACK and FIN come) or RST.  TIME_WAIT
 * is entered and shown but not waited out for 2 MSL: nothing of ours can
 * reuse the 4-tuple by accident, since the kernel never knew it.
 *
 * rs_connect_*() below is the I/O around it: the raw socket, the capture
 * handle on the exact 4-tuple, the poll loop, and every packet sent or
 * received handed to one rs_view.
 */
#ifndef RAWSHAKE_HANDSHAKE_H
#define RAWSHAKE_HANDSHAKE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rawshake/craft.h"
#include "rawshake/send_inject.h"
#include "rawshake/send_replies.h"
#include "rawshake/packet.h"
#include "rawshake/view.h"

/* Our end's states (RFC 9293 section 3.3.2); LISTEN and SYN_RECEIVED are
 * never ours since we only open actively. */
enum rs_connect_state {
	RS_CONNECT_CLOSED,
	RS_CONNECT_SYN_SENT,
	RS_CONNECT_ESTABLISHED,
	RS_CONNECT_FIN_WAIT_1,
	RS_CONNECT_FIN_WAIT_2,
	RS_CONNECT_CLOSING,
	RS_CONNECT_TIME_WAIT,
	RS_CONNECT_CLOSE_WAIT,
	RS_CONNECT_LAST_ACK,
};
const char *rs_connect_state_str(enum rs_connect_state s);   /* "SYN_SENT", ... */

enum rs_connect_close {
	RS_CONNECT_CLOSE_FIN,
	RS_CONNECT_CLOSE_RST,
};
const char *rs_connect_close_str(enum rs_connect_close c);   /* "fin", "rst" */

/* How it ended. */
enum rs_connect_result {
	RS_CONNECT_RUNNING,
	RS_CONNECT_OK,            /* handshake and the requested close completed */
	RS_CONNECT_REFUSED,       /* RST in answer to the SYN */
	RS_CONNECT_NO_ANSWER,     /* no SYN-ACK after every retransmission */
	RS_CONNECT_RESET,         /* RST after the handshake */
	RS_CONNECT_TIMEOUT,       /* data or FIN never acknowledged, or no FIN from the peer */
	RS_CONNECT_INTERRUPTED,   /* rs_connect_abort() */
	RS_CONNECT_SEND_FAILED,   /* the send callback failed */
};
const char *rs_connect_result_str(enum rs_connect_result r);   /* "ok", "refused", ... */

/* Why a segment from the peer was dropped without being acted on. */
enum rs_connect_drop {
	RS_CONNECT_DROP_BAD_CSUM,      /* a wrong TCP checksum (not an offload) */
	RS_CONNECT_DROP_WRONG_ACK,     /* a SYN-ACK or RST acknowledging what we did not send */
	RS_CONNECT_DROP_NO_ACK,        /* no ACK bit: a RST in SYN_SENT, anything once synchronized */
	RS_CONNECT_DROP_NO_SYN,        /* neither SYN nor RST while waiting for the SYN-ACK */
	RS_CONNECT_DROP_SIMULTANEOUS,  /* a SYN without ACK (simultaneous open, not supported) */
	RS_CONNECT_DROP_OUT_OF_WINDOW, /* a RST outside our receive window */
	RS_CONNECT_DROP_NOT_NEXT,      /* a RST in the window but not at rcv_nxt (challenge ACK) */
	RS_CONNECT_DROP_UNEXPECTED_SYN, /* a SYN once synchronized that is no SYN-ACK retransmission */
	RS_CONNECT_DROP_N
};
/* "bad checksum", "wrong ack", ... as the give-up line words them. */
const char *rs_connect_drop_str(enum rs_connect_drop d);

/* What a dropped segment was, for counting. */
enum rs_connect_kind {
	RS_CONNECT_KIND_SYN_ACK,
	RS_CONNECT_KIND_SYN,
	RS_CONNECT_KIND_RST,
	RS_CONNECT_KIND_FIN,
	RS_CONNECT_KIND_DATA,
	RS_CONNECT_KIND_ACK,
	RS_CONNECT_KIND_OTHER,
	RS_CONNECT_KIND_N
};
/* "SYN-ACK", "SYN", "RST", "FIN", "data segment", "ACK", "segment". */
const char *rs_connect_kind_str(enum rs_connect_kind k);
/* The kind of a segment with these flags and this much payload. */
enum rs_connect_kind rs_connect_kind_of(uint8_t flags, uint32_t payload_len);

struct rs_connect_config {
	uint8_t v;                  /* 4 or 6 */
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	uint32_t isn;
	uint8_t ttl;                /* 0: 64 */
	uint16_t win;               /* window in the SYN (unscaled); 0: 64240 */
	uint16_t mss;               /* MSS option; 0: no option (536/1220 assumed) */
	int wscale;                 /* window scale shift 0..14; -1: no option */
	bool sack_perm;
	bool timestamps;
	uint32_t ts_offset;         /* added to our millisecond clock */
	unsigned retries;           /* retransmissions of any segment before giving up */
	uint64_t rto_ns;            /* initial RTO; 0: 1 s (RFC 6298 2.1) */
	uint64_t hold_ns;           /* stay ESTABLISHED this long once our data is acked */
	uint64_t fin_wait_ns;       /* wait this long for the peer's FIN; 0: 10 s */
	uint64_t linger_ns;         /* after TIME_WAIT or CLOSED, keep answering; 0: 200 ms */
	enum rs_connect_close close;
	const uint8_t *data;        /* sent after the handshake; NULL for none */
	size_t data_len;
};

/* Fills the defaults: MSS 1460 (1440 for IPv6), wscale 7, SACK-permitted,
 * timestamps, 3 retries, FIN close. */
void rs_connect_config_init(struct rs_connect_config *c, uint8_t v);

struct rs_connect_callbacks {
	/* Sends one segment; false when it could not be sent. */
	bool (*send)(void *ctx, const struct rs_craft_spec *s);
	/* A line of explanation: a state change, a retransmission, a decision. */
	void (*note)(void *ctx, enum rs_connect_state st, const char *text);
	/* The peer's data, in order, each byte once. */
	void (*data)(void *ctx, const uint8_t *p, size_t n);
	void *ctx;
	/* A segment dropped, and the line that says why (already counted in
	 * rs_connect.drops).  The tool shows a drop for a bad checksum even when
	 * it shows no notes: it is corruption, or a peer that is broken, and
	 * the only trace of it otherwise would be a retransmission.  NULL:
	 * the line goes to note. */
	void (*drop)(void *ctx, enum rs_connect_state st, enum rs_connect_drop why, const char *text);
};

struct rs_connect {
	struct rs_connect_config cfg;
	struct rs_connect_callbacks cb;
	enum rs_connect_state st;
	enum rs_connect_result result;
	/* Send sequence space (RFC 9293 3.3.1). */
	uint32_t iss, snd_una, snd_nxt, snd_max;
	uint32_t snd_wnd;           /* the peer's window in bytes */
	/* Receive sequence space. */
	uint32_t irs, rcv_nxt;
	/* Negotiated. */
	uint16_t peer_mss, eff_mss; /* eff_mss: payload per segment after our options */
	uint8_t snd_shift, rcv_shift;
	bool ws_ok, sack_ok, ts_ok;
	uint32_t ts_recent;
	int64_t t0;                 /* rs_connect_start()'s time: our timestamp clock's zero */
	/* Retransmission timer (RFC 6298). */
	int64_t rtx_at;             /* 0: not armed */
	uint64_t rto_ns;
	unsigned rtx_count;
	bool rtt_timing;
	uint32_t rtt_seq;
	int64_t rtt_sent;
	int64_t srtt, rttvar;       /* ns; srtt 0 before the first sample */
	/* Closing. */
	int64_t hold_until;         /* 0: not yet decided */
	bool fin_sent, fin_acked, peer_fin;
	uint32_t fin_seq;
	int64_t fin_wait_until;
	int64_t done_at;            /* the end of the linger once finished */
	bool respond_pending;       /* rs_connect_input_batch() left an answer to rs_connect_flush() */
	bool ack_pending;           /* ... and it includes an ACK */
	/* Counters for the report. */
	uint64_t bytes_sent, bytes_acked, bytes_received;
	unsigned retransmits;
	uint8_t gave_up_on;         /* RS_CONNECT_TIMEOUT: 1 our data, 2 our FIN, 3 the peer's FIN */
	unsigned drops[RS_CONNECT_KIND_N][RS_CONNECT_DROP_N];
	unsigned drops_total;
};

void rs_connect_init(struct rs_connect *h, const struct rs_connect_config *cfg, const struct rs_connect_callbacks *cb);
/* Sends the SYN. */
void rs_connect_start(struct rs_connect *h, int64_t now);
/* One segment from the peer (pkt->l4 == RS_LAYER_TCP, our 4-tuple reversed;
 * anything else is ignored). */
void rs_connect_input(struct rs_connect *h, const struct rs_packet *pkt, int64_t now);
/* The same for segments that arrived together: each one is taken in, but
 * the answer (ACK, more data, FIN, the end in TIME_WAIT) waits for
 * rs_connect_flush(), so that one ACK covers the batch and what we send never
 * seems to come before a segment that had already arrived.
 * rs_connect_input() is rs_connect_input_batch() followed by rs_connect_flush(). */
void rs_connect_input_batch(struct rs_connect *h, const struct rs_packet *pkt, int64_t now);
void rs_connect_flush(struct rs_connect *h, int64_t now);
/* Timers: call at rs_connect_deadline() or later. */
void rs_connect_tick(struct rs_connect *h, int64_t now);
/* The next time rs_connect_tick() has work; 0 when no timer runs. */
int64_t rs_connect_deadline(const struct rs_connect *h);
/* Stops: a RST to the peer when the connection is synchronized. */
void rs_connect_abort(struct rs_connect *h, int64_t now);
/* True once a result is known and the linger is over. */
bool rs_connect_finished(const struct rs_connect *h, int64_t now);

/*
 * What was dropped, as the give-up line says it: "7 SYN-ACKs arrived and
 * were dropped: bad checksum", "3 segments arrived and were dropped: 2
 * SYN-ACKs (bad checksum), 1 RST (wrong ack)"; "" when nothing was.
 * Returns what snprintf would.
 */
int rs_connect_drops_describe(const struct rs_connect *h, char *buf, size_t n);
/*
 * The one line that says how it ended, without the tool's prefix: the
 * handshake completed and what was delivered; refused; no answer after N
 * retransmissions (only when nothing arrived at all); gave up, and what
 * arrived instead; reset; a timeout and of what.  Drops are always named.
 * guarded: the local kernel's RSTs were held back (a reset then comes
 * from the server alone).  Returns what snprintf would.
 */
int rs_connect_result_describe(const struct rs_connect *h, bool guarded, char *buf, size_t n);

/*
 * The I/O: opened while privileged (raw socket marked with `mark`, a
 * capture on ifname of the exact 4-tuple, incoming only), run after the
 * privileges are dropped.
 */
struct rs_connect_io {
	struct rs_injector inj;
	struct rs_listener ls;
	struct rs_crafter crafter;
	struct rs_view *view;       /* every packet sent and received; may be NULL */
	struct rs_connect hs;
	struct rs_connect_callbacks user; /* note and data, passed on */
	struct rs_packet rx;        /* the last segment received, decoded */
	int send_errno;             /* why the last send failed */
};

/* Opens the raw socket and the capture; false with err. */
bool rs_connect_io_open(struct rs_connect_io *c, const struct rs_connect_config *cfg, const char *ifname,
		     uint32_t mark, char *err, size_t errlen);
/*
 * Runs the connection to its end; the view (may be NULL) sees every packet.
 * *stop (set by a signal handler) aborts it.  Returns the result.
 */
enum rs_connect_result rs_connect_run(struct rs_connect_io *c, const struct rs_connect_callbacks *cb,
				 struct rs_view *view, volatile sig_atomic_t *stop, char *err,
				 size_t errlen);
void rs_connect_io_close(struct rs_connect_io *c);

/*
 * Reserves a local port with a bound (never listening) TCP socket, so the
 * kernel hands it to no other connection while ours runs.  *port 0 picks
 * an ephemeral one.  Returns the socket (keep it open), or -1 with err.
 */
int rs_connect_io_reserve_port(uint8_t v, const uint8_t *src, uint16_t *port, char *err,
			    size_t errlen);

#endif
