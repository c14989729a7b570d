/*
 * detect_int.h: the detector's tables, shared by detect.c (packets and
 * tables), detect_eval.c (the clock, the alert state machines) and
 * detect_out.c (printing).  Every table is an array allocated once;
 * links between entries are 32-bit indices, SF_NIL for none.
 */
#ifndef RAWSHAKE_SYNFLOOD_INT_H
#define RAWSHAKE_SYNFLOOD_INT_H

#include "rawshake/detect.h"

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

/* Links of an entry in its table's LRU list (most recent at the head). */
struct sf_link {
	uint32_t prev, next;
};

/* The alert state of one thing that can be flooded (a victim port, a
 * host) or exhausted (the detector's tables). */
struct sf_alert_state {
	bool alert;
	int64_t start_ns, last_update_ns, below_since_ns;
	double peak;
	uint64_t alert_syns;        /* floods: SYNs since the start; exhaustion: evictions */
};

struct sf_victim {
	bool used;
	uint8_t v;
	uint16_t port;
	uint8_t addr[16];
	uint32_t hnext;             /* hash chain */
	struct sf_link lru;
	uint32_t host, host_gen;    /* its host (valid while the generations agree) */
	/* Half-open entries of this victim, oldest first. */
	uint32_t ho_head, ho_tail;
	uint32_t ho_cursor;         /* first entry not yet past the grace period */
	uint32_t pending;           /* entries in the list */
	uint32_t aged;              /* entries past the grace period */
	struct sf_alert_state as;
};

/*
 * A victim host: the sum over its ports, so that a flood spread over many
 * ports (each below the per-port rate, or more ports than the victim table
 * holds) is still seen.  Half-open entries point to their host by index
 * and generation; a host evicted and reused gets a new generation, and
 * entries of the old one no longer count for it.
 */
struct sf_host {
	bool used;
	uint8_t v;
	uint8_t addr[16];
	uint32_t hnext;
	struct sf_link lru;
	uint32_t gen;
	uint32_t pending, aged;     /* half-open entries of all its ports */
	uint32_t port_alerts;       /* its ports alerting now: the flood is reported per port */
	struct sf_alert_state as;
	uint32_t port_bits_set;     /* ports that got SYNs since the last alert (linear counting) */
	uint8_t port_bits[SF_SCAN_BITS / 8];
};

/* The tables that can be full and evict. */
enum sf_table { SF_T_HALF_OPEN, SF_T_VICTIMS, SF_T_HOSTS, SF_T_SCANNERS, SF_T_COUNT };

/* Evictions from full tables in one second. */
struct sf_evict_sec {
	int64_t sec;
	uint32_t n[SF_T_COUNT];
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
	uint32_t host, host_gen;    /* the victim's host */
	uint8_t flags;
};

/* One source probing one target host. */
struct sf_scanner {
	bool used;
	bool alert;
	uint8_t v;
	uint8_t src[16], dst[16];
	uint32_t hnext;
	struct sf_link lru;
	int64_t last_syn_ns, start_ns, last_update_ns;
	int64_t crowd_checked_ns;   /* when its host was last found flooded by many sources */
	uint32_t ports_at_update;
	uint64_t syns, completed;
	uint32_t set_bits;
	uint8_t bits[SF_SCAN_BITS / 8];
};

/* A doubly linked LRU list over one table (most recent at head): the
 * table's array, its element size and where the links sit in it. */
struct sf_lru {
	uint32_t head, tail;
	char *base;
	size_t stride, off;
};

struct rs_detect {
	struct rs_detect_opts o;
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

	struct sf_host *hosts;
	struct sf_bucket *hbuckets; /* window_s per host */
	uint32_t *hhash;
	uint32_t hhash_mask;
	struct sf_lru hlru;
	uint32_t hfree;             /* next never-used slot */
	uint32_t nhosts;

	struct sf_evict_sec evict[SF_MAX_WINDOW];
	struct sf_alert_state exhaust;

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

	struct rs_detect_stats st;
};

/* detect.c */
static inline struct sf_link *sf_lru_link(const struct sf_lru *l, uint32_t i)
{
	return (struct sf_link *)(void *)(l->base + l->stride * i + l->off);
}
void sf_lru_unlink(struct sf_lru *l, uint32_t i);
void sf_lru_push(struct sf_lru *l, uint32_t i);
/* Moves i to the head (most recent). */
void sf_lru_touch(struct sf_lru *l, uint32_t i);
void sf_gone_add(struct rs_detect *d, uint64_t fp);
/* An entry of `t` made room for a new one (the table was full). */
void sf_evicted(struct rs_detect *d, enum sf_table t, uint32_t n);
const char *sf_table_str(enum sf_table t);
/* The host of a half-open entry or victim; NULL when it was evicted since. */
struct sf_host *sf_host_of(struct rs_detect *d, uint32_t host, uint32_t gen);
uint32_t sf_host_find(struct rs_detect *d, uint8_t ver, const uint8_t *addr);
struct sf_bucket *sf_host_bucket_at(struct rs_detect *d, uint32_t hi, int64_t now);
uint64_t sf_hash(uint64_t seed, const void *p, size_t n);
void sf_ho_remove(struct rs_detect *d, uint32_t i);
struct sf_bucket *sf_bucket_at(struct rs_detect *d, uint32_t vi, int64_t now);
void sf_scanner_free(struct rs_detect *d, uint32_t si);

/* The bit of a port in a linear-counting bitmap: a random-looking spread
 * (murmur3's finaliser), as linear counting assumes. */
static inline uint32_t sf_port_bit(uint16_t port)
{
	uint32_t h = (uint32_t)port ^ 0x5bd1e995u;
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h & (SF_SCAN_BITS - 1);
}

/* detect_eval.c */
/* Distinct ports from the bits set in an SF_SCAN_BITS bitmap, never more
 * than `most` (the SYNs that set them). */
uint32_t sf_ports_estimate(uint32_t set_bits, uint64_t most);
void sf_hll_add(uint8_t *reg, uint32_t h);
void sf_advance(struct rs_detect *d, int64_t ts);
void sf_sweep(struct rs_detect *d);
void sf_victim_end(struct rs_detect *d, uint32_t vi);
void sf_host_end(struct rs_detect *d, uint32_t hi);
void sf_scanner_syn(struct rs_detect *d, uint32_t si, uint16_t port);
void sf_scanner_end(struct rs_detect *d, uint32_t si);
void sf_emit(struct rs_detect *d, const struct rs_detect_alert *a);

#endif
