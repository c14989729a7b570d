/*
 * synflood_int.h: the detector's tables, shared by synflood.c (packets and
 * tables), synflood_eval.c (the clock, the alert state machines) and
 * synflood_out.c (printing).  Every table is an array allocated once;
 * links between entries are 32-bit indices, SF_NIL for none.
 */
#ifndef RAWSHAKE_SYNFLOOD_INT_H
#define RAWSHAKE_SYNFLOOD_INT_H

#include "rawshake/synflood.h"

#define SF_NIL UINT32_MAX
#define SF_NS 1000000000LL
#define SF_HLL_BITS 7
#define SF_HLL_M (1u << SF_HLL_BITS)   /* 128 registers: about 9% error */
#define SF_MAX_WINDOW 16
#define SF_SCAN_BITS 2048               /* linear-counting port sketch */
#define SF_GONE_BITS (1u << 21)         /* per generation: 256 KiB */
#define SF_GONE_NS (32 * SF_NS)         /* a generation's span */
#define SF_TICK_NS (100 * 1000000LL)    /* alert decisions every 100 ms of capture time */

/* One second of one victim's traffic. */
struct sf_bucket {
	int64_t sec;                /* which second; buckets of older seconds are stale */
	uint32_t syn;
	uint32_t completed;         /* handshakes completed (final ACK seen) */
	uint32_t aged;              /* pending SYNs that passed the grace period */
	uint32_t late;              /* of those, completed afterwards */
	uint32_t given_up;          /* pending SYNs that hit the handshake timeout */
	uint32_t synack_retrans;
	uint32_t victim_rsts;
	uint32_t backscatter;
	uint8_t hll_all[SF_HLL_M];  /* sources of SYNs */
	uint8_t hll_done[SF_HLL_M]; /* sources that completed a handshake */
	uint8_t hll_fail[SF_HLL_M]; /* sources of SYNs that passed the grace period */
};

struct sf_victim {
	bool used;
	uint8_t v;
	uint16_t port;
	uint8_t addr[16];
	uint32_t hnext;             /* hash chain */
	uint32_t lru_prev, lru_next;
	/* Half-open entries of this victim, oldest first. */
	uint32_t ho_head, ho_tail;
	uint32_t ho_cursor;         /* first entry not yet past the grace period */
	uint32_t pending;           /* entries in the list */
	uint32_t aged;              /* entries past the grace period */
	/* Alert state. */
	bool alert;
	int64_t start_ns, last_update_ns, below_since_ns;
	double peak;
	uint64_t alert_syns;
};

enum { SF_HO_AGED = 1, SF_HO_SYNACK = 2 };

/* A SYN waiting for its handshake to complete. */
struct sf_ho {
	uint64_t fp;                /* keyed hash of the 4-tuple and the client ISN */
	int64_t ts;
	uint32_t victim;
	uint32_t hnext;             /* hash chain, or the free list */
	uint32_t vprev, vnext;      /* the victim's list */
	uint32_t gprev, gnext;      /* the global list, oldest first */
	uint32_t src_hash;          /* the client address, for the source counts */
	uint8_t flags;
};

/* One source probing one target host. */
struct sf_scanner {
	bool used;
	bool alert;
	uint8_t v;
	uint8_t src[16], dst[16];
	uint32_t hnext, lru_prev, lru_next;
	int64_t last_syn_ns, start_ns, last_update_ns;
	uint32_t ports_at_update;
	uint64_t syns, completed;
	uint32_t set_bits;
	uint8_t bits[SF_SCAN_BITS / 8];
};

/* A doubly linked LRU list over one table (most recent at head). */
struct sf_lru {
	uint32_t head, tail;
};

struct rs_synflood {
	struct rs_synflood_opts o;
	uint64_t seed;
	int64_t now;                /* the clock: the latest timestamp seen */
	bool have_now;
	uint8_t ts_digits;
	int64_t next_tick;

	struct sf_victim *victims;
	struct sf_bucket *buckets;  /* window_s per victim */
	uint32_t *vhash;
	uint32_t vhash_mask;
	struct sf_lru vlru;
	uint32_t vfree;             /* next never-used slot */
	uint32_t nvictims;

	struct sf_ho *ho;
	uint32_t *hohash;
	uint32_t hohash_mask;
	uint32_t ho_free;           /* free list through hnext */
	uint32_t ho_ghead, ho_gtail;
	uint32_t nho;

	struct sf_scanner *scanners;
	uint32_t *shash;
	uint32_t shash_mask;
	struct sf_lru slru;
	uint32_t sfree;             /* next never-used slot */
	uint32_t sfree_list;        /* freed slots, through hnext */
	uint32_t nscanners;

	/* Fingerprints of half-open SYNs given up lately (two generations of a
	 * bit set): a later SYN-ACK for one is the victim retransmitting, not
	 * backscatter. */
	uint8_t *gone[2];
	unsigned gone_cur;
	int64_t gone_since;

	struct rs_synflood_stats st;
};

/* synflood.c */
void sf_gone_add(struct rs_synflood *d, uint64_t fp);
uint64_t sf_hash(uint64_t seed, const void *p, size_t n);
void sf_ho_remove(struct rs_synflood *d, uint32_t i);
struct sf_bucket *sf_bucket_at(struct rs_synflood *d, uint32_t vi, int64_t now);
void sf_scanner_free(struct rs_synflood *d, uint32_t si);

/* synflood_eval.c */
void sf_hll_add(uint8_t *reg, uint32_t h);
void sf_advance(struct rs_synflood *d, int64_t ts);
void sf_sweep(struct rs_synflood *d);
void sf_victim_end(struct rs_synflood *d, uint32_t vi);
void sf_scanner_syn(struct rs_synflood *d, uint32_t si, uint16_t port);
void sf_scanner_end(struct rs_synflood *d, uint32_t si);
void sf_emit(struct rs_synflood *d, const struct rs_alert *a);

#endif
