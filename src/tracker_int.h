/*
 * tracker_int.h: the tracker's connection entry and its bounded table
 * (internal to tracker.c, tracker_table.c and print_summary.c).
 */
#ifndef RAWSHAKE_TRACKER_INT_H
#define RAWSHAKE_TRACKER_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "rawshake/lru.h"
#include "rawshake/tracker.h"

#define RS_NIL UINT32_MAX
#define RS_SEG_RING 6   /* recent segments per end, to name "first sent in frame N" */

/* Canonical 5-tuple: the lower (address, port) first; pad bytes zero. */
struct rs_conn_key {
	uint8_t a[16], b[16];
	uint16_t pa, pb;
	uint8_t v;
	uint8_t pad[3];
};

/* Zeek's endpoint states (TCP_ENDPOINT_*), for conn_state. */
enum rs_zstate {
	RS_Z_INACTIVE = 0,
	RS_Z_SYN_SENT,
	RS_Z_SYN_ACK_SENT,
	RS_Z_PARTIAL,
	RS_Z_ESTABLISHED,
	RS_Z_CLOSED,
	RS_Z_RESET,
};

/* Zeek's logarithmic history counters ('c', 'g', 't', 'w'). */
enum { RS_ZC_CSUM = 0, RS_ZC_GAP, RS_ZC_RXMIT, RS_ZC_WIN0, RS_ZC_COUNT };

struct rs_seg_mem {
	uint32_t seq, end;
	uint64_t frame;
};

/* One direction of a connection, named by its sender. */
struct rs_end {
	uint8_t state;                /* enum rs_tcp_state */
	uint8_t zstate, zprev;        /* enum rs_zstate */
	bool base_set, syn_seen, fin_seen, ack_seen;
	bool ws_offered, last_keepalive, hole;
	bool passive;                 /* its first SYN was a SYN-ACK (opened from LISTEN) */
	bool isn_inferred;            /* isn is the peer's first ack - 1: its SYN not captured */
	bool inferred;                /* its state was inferred from the peer's segments */
	bool challenge_due;           /* the peer sent an RST in window, not at rcv_nxt: this end's
				       * next pure ACK is the challenge ACK (RFC 5961) */
	uint8_t wscale, ring_pos;
	uint16_t last_win;
	uint32_t base;                /* ISN, or without a SYN first seq - 1 or the peer's ack - 1 */
	uint32_t isn;
	uint32_t next_seq;            /* highest sequence end sent */
	uint32_t fin_seq;
	uint32_t last_ack, max_ack;
	uint32_t hole_lo, hole_hi;
	/* What the peer's ACKs and SACK blocks say this end sent: the
	 * highest such sequence (the capture may not hold those bytes), and
	 * the top of the last stretch of unseen bytes flagged acked-unseen
	 * (once per hole, as newer Wireshark does). */
	uint32_t acked_hi, unseen_hi, sacked_hi;
	bool acked_hi_set, unseen_set, sacked_set;
	uint32_t zgap_hi;             /* Zeek: the peer's ACKs skipped this end's bytes up to here */
	bool zgap_set;
	uint64_t acked_hi_frame;      /* the frame whose ACK first covered bytes beyond the seen ones */
	int64_t last_ack_ns;          /* time of this end's last ACK (fast retransmission) */
	uint32_t dup_acks;
	uint32_t hist_last_syn, hist_last_fin, hist_last_rst;
	uint32_t zcnt[RS_ZC_COUNT], zthr[RS_ZC_COUNT];
	int64_t hole_ns;
	uint64_t last_ack_frame;
	uint64_t pkts, bytes, retrans;
	/* Zeek's TCP_Endpoint sequence accounting, for conn.log's sizes:
	 * its start, and its last sequence sent and last one the peer
	 * acknowledged, relative to the start in the full 64-bit space. */
	uint32_t zstart;
	int64_t zrel_last, zrel_ack;
	bool zfin_seen;               /* a FIN was sent (Zeek's FIN_cnt > 0) */
	bool zdid_close;              /* Zeek's did_close: it sent a FIN or RST that closed it */
	uint64_t ip_bytes;            /* IP total lengths (conn.log's *_ip_bytes) */
	struct rs_seg_mem ring[RS_SEG_RING];
};

enum rs_lru_list { RS_LRU_HALFOPEN = 0, RS_LRU_CLOSED, RS_LRU_OPEN, RS_LRU_COUNT };

struct rs_conn {
	struct rs_conn_key key;
	uint64_t id;
	uint32_t hnext;               /* hash chain (slot index) */
	struct rs_lru_link lru_link;  /* on the list named by lru */
	uint8_t lru;                  /* enum rs_lru_list; RS_LRU_COUNT when free */
	uint8_t client_side;          /* 0: key.a is the client, 1: key.b */
	uint8_t ts_digits;
	uint8_t close;                /* enum rs_close_kind */
	bool client_guessed, established, hist_full, ws_both;
	bool one_way;                 /* the note has said that one direction is missing */
	bool arrival_said;            /* the note has said that an arrival time is a guess */
	uint8_t hist_len;
	uint32_t hist_seen;           /* Zeek's "seen once" letters */
	char history[RS_HISTORY_MAX + 1];
	int64_t first_ns, last_ns, syn_ns, synack_ns, ack_ns;
	int64_t zeek_last_ns;         /* Zeek's last time: not after both ends closed */
	uint64_t missed_bytes;        /* Zeek's content gaps, in bytes */
	bool has_rtt, t_syn, t_synack;
	struct rs_end end[2];         /* [RS_DIR_C2S]: the client, [RS_DIR_S2C]: the server */
};

struct rs_conn_table {
	struct rs_conn *slots;
	uint32_t *buckets;
	uint32_t cap, max, used, mask;
	uint32_t free_head;
	struct rs_lru lru[RS_LRU_COUNT];   /* over slots: tail is the oldest */
	uint64_t seed;
	uint64_t alloc_failed;
};

bool rs_tracker_table_init(struct rs_conn_table *ct, uint32_t initial, uint32_t max, uint64_t seed);
void rs_tracker_table_destroy(struct rs_conn_table *ct);
uint64_t rs_tracker_table_hash(const struct rs_conn_table *ct, const struct rs_conn_key *k);
/* The same hash with any seed (tracker_flow.c's table). */
uint64_t rs_tracker_key_hash(uint64_t seed, const struct rs_conn_key *k);
uint32_t rs_tracker_table_lookup(const struct rs_conn_table *ct, const struct rs_conn_key *k, uint64_t h);
/* A zeroed slot linked under k, or RS_NIL when the table is full. */
uint32_t rs_tracker_table_insert(struct rs_conn_table *ct, const struct rs_conn_key *k, uint64_t h);
void rs_tracker_table_remove(struct rs_conn_table *ct, uint32_t idx);
/* Moves idx to the most recent end of list l. */
void rs_tracker_table_touch(struct rs_conn_table *ct, uint32_t idx, enum rs_lru_list l);
/* The slot to evict: oldest closed or half-open, else oldest open. */
uint32_t rs_tracker_table_victim(const struct rs_conn_table *ct);

/* An end with no segment in the capture whose state was inferred, or
 * once the capture seems to hold the other direction only. */
static inline bool rs_end_state_guessed(const struct rs_conn *c, int d)
{
	return c->end[d].pkts == 0 && (c->end[d].inferred || c->one_way);
}

/* tracker_zeek.c: Zeek bookkeeping and the record. */
/* --zeek-compat: a segment with a bad checksum is its 'C' and nothing else. */
void rs_tracker_zeek_bad_checksum(struct rs_conn *c, int d);
void rs_tracker_zeek_segment(struct rs_conn *c, int d, const struct rs_packet *pkt,
			     uint32_t rel_seq, bool rxmit, bool gap, uint32_t gap_bytes);
void rs_tracker_zeek_record(const struct rs_conn *c, enum rs_conn_end why, struct rs_conn_record *r);

#endif
