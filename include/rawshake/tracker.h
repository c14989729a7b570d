/*
 * tracker.h: the TCP connection tracker.
 *
 * The tracker follows every TCP connection in a capture: both directions
 * in one entry of a bounded hash table keyed on the canonical 5-tuple,
 * hashed over every byte of the key.  For each segment it infers the RFC
 * 9293 state of both endpoints from what crosses the wire, names what the
 * segment does (handshake, data, teardown, ...) and flags the usual
 * anomalies (retransmission, duplicate ACK, zero window, ...).
 *
 * Memory bound.  The table allocates its slots up front in a small block
 * and doubles them (with the bucket array) as connections arrive, never
 * beyond config.max_conns.  Each connection costs one struct rs_conn slot
 * plus one 4-byte bucket head, RS_TRACKER_CONN_BYTES at most (checked at
 * compile time in tracker_table.c), so the table never exceeds
 *     max_conns * RS_TRACKER_CONN_BYTES  (+ the doubling slack: under 2x)
 * e.g. 65536 connections (the default) need about 64 MiB at the very most.
 * Nothing is allocated per packet.  When the table is full the oldest
 * closed or half-open connection is evicted first, then the oldest of the
 * others; connections idle longer than their timeout (measured on packet
 * timestamps, not the wall clock) are expired.  Both are counted.
 */
#ifndef RAWSHAKE_TRACKER_H
#define RAWSHAKE_TRACKER_H

#include <stdbool.h>
#include <stdint.h>

#include "rawshake/packet.h"
#include "rawshake/tcp_state.h"

/* Upper bound of sizeof(struct rs_conn) + its bucket head, in bytes. */
#define RS_TRACKER_CONN_BYTES 1024u
#define RS_TRACKER_DEFAULT_MAX_CONNS 65536u
#define RS_HISTORY_MAX 31   /* Zeek history letters kept per connection */

enum rs_dir {
	RS_DIR_C2S = 0,
	RS_DIR_S2C = 1,
};
const char *rs_dir_str(enum rs_dir d);   /* "c2s", "s2c" */

/* Why a connection record was handed over. */
enum rs_conn_end {
	RS_END_FINISHED = 0,   /* "finished": end of input, or closed and idle */
	RS_END_EXPIRED,        /* "expired": idle timeout */
	RS_END_EVICTED,        /* "evicted": the table was full */
	RS_END_REUSED,         /* "reused": a new SYN reused the tuple */
};
const char *rs_conn_end_str(enum rs_conn_end e);

/* How the connection ended, for the summary's "close". */
enum rs_close_kind {
	RS_CLOSE_OPEN = 0,     /* "open" */
	RS_CLOSE_FIN,          /* "fin" */
	RS_CLOSE_RST,          /* "rst" */
	RS_CLOSE_REFUSED,      /* "refused" */
};
const char *rs_close_kind_str(enum rs_close_kind c);

/* One finished connection, for the summary. */
struct rs_conn_record {
	uint64_t id;
	enum rs_conn_end end;
	uint8_t v;                       /* 4 or 6 */
	uint8_t client[16], server[16];
	uint16_t cport, sport;
	bool client_guessed;
	int64_t first_ns, last_ns;       /* packet timestamps in ns */
	uint8_t ts_digits;               /* 6 or 9: precision of the capture */
	uint64_t c2s_pkts, c2s_bytes, s2c_pkts, s2c_bytes;  /* payload bytes */
	bool client_state_guessed, server_state_guessed;   /* as in rs_tcp_event */
	uint64_t retransmissions;
	bool has_rtt;                    /* SYN, SYN-ACK and ACK all seen */
	int64_t rtt_ns;                  /* SYN to handshake ACK */
	int64_t rtt_server_ns;           /* SYN to SYN-ACK: capture point <-> server */
	int64_t rtt_client_ns;           /* SYN-ACK to ACK: capture point <-> client */
	enum rs_tcp_state client_state, server_state;
	enum rs_close_kind close;
	char conn_state[8];              /* Zeek conn_state: "SF", "S0", ... */
	char history[RS_HISTORY_MAX + 1];/* Zeek history: "ShADadFf" */
	/* The rest of Zeek's conn.log (print_zeek.c): client is its
	 * originator, server its responder. */
	uint8_t ip_proto;                /* 6 (TCP), 17 (UDP), 1 (ICMP), 58 (ICMPv6) */
	int64_t zeek_last_ns;            /* duration's end: TCP packets after both ends closed do not count */
	uint64_t orig_bytes, resp_bytes; /* TCP: from sequence numbers; UDP, ICMP: payload */
	uint64_t missed_bytes;           /* TCP content gaps */
	uint64_t orig_ip_bytes, resp_ip_bytes;  /* IP total lengths */
};

struct rs_tracker_config {
	uint32_t max_conns;              /* table bound; default 65536 */
	uint32_t initial_conns;          /* first allocation; default 256 */
	uint32_t idle_timeout;           /* established, seconds; default 300 */
	uint32_t halfopen_timeout;       /* handshake not complete; default 60 */
	uint32_t closed_timeout;         /* both ends closed or reset; default 10 */
	uint32_t ooo_threshold_us;       /* a hole filled faster than this is out-of-order; default 3000 */
	uint64_t hash_seed;
	/* Zeek's rule for a segment with a bad checksum: its 'C' is recorded
	 * and nothing else of it counts (read --zeek-compat); off: it is
	 * tracked as any other, since captures often hold offloaded ones. */
	bool zeek_compat;
	/* Called for every connection record as it is finished, expired,
	 * evicted or reused, and from rs_tracker_finish() in id order. */
	void (*on_conn_done)(void *ctx, const struct rs_conn_record *rec);
	void *ctx;
};

/* What the tracker says about one segment. */
struct rs_tcp_event {
	uint64_t conn_id;                /* 1-based, in order of first appearance */
	enum rs_dir dir;
	bool client_guessed;             /* no SYN seen: client chosen by port rank */
	bool new_conn;                   /* first segment of this connection */
	enum rs_tcp_event_kind kind;
	enum rs_tcp_state client_state, server_state;  /* after the segment */
	enum rs_tcp_state prev_client_state, prev_server_state;
	/* A state passed through within this segment (FIN_WAIT_1 that gets
	 * the ACK of its FIN and the peer's FIN at once: via FIN_WAIT_2). */
	enum rs_tcp_state client_via, server_via;
	bool client_via_set, server_via_set;
	uint32_t analysis;               /* RS_AN_* */
	/*
	 * Relative numbers count from each direction's base, as Wireshark's
	 * do: its ISN when its SYN was captured; otherwise first seq - 1 (the
	 * first segment seen is seq 1) or, when the peer's ACK comes first,
	 * that ack - 1 (a SYN-ACK's ack - 1 is the client's ISN exactly).
	 */
	uint32_t rel_seq, rel_ack;
	bool rel_ack_valid;              /* ACK set and the peer's base known */
	uint32_t rel_next_seq;           /* rel_seq + len (+1 for SYN, +1 for FIN) */
	uint8_t n_rel_sack;              /* SACK blocks made relative (0: none, or no base) */
	uint32_t rel_sack[RS_MAX_SACK][2];  /* in the peer's numbers, like rel_ack */
	uint32_t len;                    /* payload bytes */
	uint8_t flags;
	/* Which state is inferred rather than seen: the end has no segment in
	 * the capture, and its state comes from what it must have sent (a
	 * SYN-ACK proves the SYN; an ACK of its data proves it established). */
	bool client_state_guessed, server_state_guessed;
	/* For the note. */
	uint32_t isn;                    /* sender's ISN (valid when its SYN was seen) */
	bool isn_known;
	uint32_t peer_isn;
	bool peer_isn_known;             /* the peer's SYN seen, or its ISN inferred */
	bool base_from_seq;              /* the sender's base set here: seq - 1, no SYN captured */
	bool peer_base_from_ack;         /* the peer's base set here: ack - 1, no SYN captured */
	bool peer_isn_inferred;          /* this SYN-ACK or handshake ACK gave the peer's ISN (ack - 1) */
	bool late_syn;                   /* a SYN captured after the SYN-ACK that answers it */
	bool one_way;                    /* first sign that only this direction is captured */
	bool peer_unseen;                /* no segment of the peer in the capture so far */
	uint32_t prev_isn;               /* RS_AN_NEW_ISN: the ISN it replaced */
	uint32_t acked_new;              /* peer bytes newly acknowledged by this segment */
	/* Bytes of this segment the peer acknowledged before the capture saw
	 * them (capture reordering): not retransmitted.  Relative, [lo, hi). */
	uint32_t late_lo, late_hi;
	uint64_t late_frame;             /* the frame whose ACK covered them first */
	/* The receiver's state is for when this segment reaches it, and the
	 * capture point does not see that moment (said once a connection). */
	bool arrival_guessed;
	bool capture_near_known;         /* the handshake says which end the capture is near */
	enum rs_dir capture_near;        /* RS_DIR_C2S: near the client */
	uint64_t ref_frame;              /* retransmission: first sent in; dup-ack: original ack */
	uint32_t dup_ack_n;              /* dup ack #n */
	bool zero_window_ack;            /* the same ACK again while its window is 0: not a dup ack */
	uint32_t win_scaled;             /* window << scale when the scale is known */
	bool wscale_known;
	int64_t rtt_ns, rtt_server_ns, rtt_client_ns;  /* on the handshake ACK */
	bool has_rtt;
};

struct rs_tracker_stats {
	uint64_t packets;                /* segments given to rs_tracker_update */
	uint64_t conns;                  /* connections created */
	uint64_t evicted;                /* dropped to make room */
	uint64_t expired;                /* idle timeouts */
	uint64_t reused;                 /* port reuse */
	uint64_t active;                 /* in the table now */
	uint64_t peak;                   /* most at once */
	uint64_t capacity;               /* slots allocated now */
	uint64_t alloc_failed;           /* growth refused by malloc: table stayed smaller */
	uint64_t history_truncated;      /* history letters dropped (RS_HISTORY_MAX) */
};

struct rs_tracker;

void rs_tracker_config_default(struct rs_tracker_config *cfg);
/* NULL when the first allocation fails. */
struct rs_tracker *rs_tracker_new(const struct rs_tracker_config *cfg);
void rs_tracker_free(struct rs_tracker *t);

/*
 * Called for every packet with pkt->l4 == RS_LAYER_TCP, in capture order.
 * Returns a per-tracker scratch event describing the segment, valid until
 * the next call.
 */
const struct rs_tcp_event *rs_tracker_update(struct rs_tracker *t, const struct rs_packet *pkt);

/* End of input: hands every connection still in the table to
 * on_conn_done in id order, then empties the table. */
void rs_tracker_finish(struct rs_tracker *t);

void rs_tracker_get_stats(const struct rs_tracker *t, struct rs_tracker_stats *st);

#endif
