/*
 * detect_int.h: the detector's tables, shared by detect.c (the engine:
 * set-up and packets), detect_table.c (the bounded tables) and
 * detect_eval.c (the clock, the alert state machines).  detect_out.c
 * (formatting) needs only the public detect.h.  Every table is an array allocated once;
 * links between entries are 32-bit indices, DETECT_NIL for none.
 */
#ifndef RAWSHAKE_DETECT_INT_H
#define RAWSHAKE_DETECT_INT_H

#include "rawshake/detect.h"
#include "rawshake/lru.h"

#define DETECT_NIL RS_LRU_NIL
#define DETECT_NS 1000000000LL
#define DETECT_HLL_BITS 7
#define DETECT_HLL_M (1u << DETECT_HLL_BITS)   /* 128 registers: about 9% error */
#define DETECT_MAX_WINDOW 16
#define DETECT_SCAN_BITS 2048               /* linear-counting port sketch */
#define DETECT_GONE_BITS (1u << 21)         /* per generation: 256 KiB */
#define DETECT_GONE_NS (32 * DETECT_NS)         /* a generation's span */
#define DETECT_TICK_NS (100 * 1000000LL)    /* alert decisions every 100 ms of capture time */

/* One second of one victim's traffic. */
struct detect_bucket {
	int64_t sec;                /* which second; buckets of older seconds are stale */
	uint32_t syn;
	uint32_t completed;         /* handshakes completed (final ACK seen) */
	uint32_t aged;              /* pending SYNs that passed the grace period */
	uint32_t late;              /* of those, completed afterwards */
	uint32_t given_up;          /* pending SYNs that hit the handshake timeout */
	uint32_t synack_retrans;
	uint32_t victim_rsts;
	uint32_t backscatter;
	uint8_t hll_all[DETECT_HLL_M];  /* sources of SYNs */
	uint8_t hll_done[DETECT_HLL_M]; /* sources that completed a handshake */
	uint8_t hll_fail[DETECT_HLL_M]; /* sources of SYNs that passed the grace period */
};

/* The alert state of one thing that can be flooded (a victim port, a
 * host) or exhausted (the detector's tables). */
struct detect_alert_state {
	bool alert;
	int64_t start_ns, last_update_ns, below_since_ns;
	double peak;
	uint64_t alert_syns;        /* floods: SYNs since the start; exhaustion: evictions */
};

struct detect_victim {
	bool used;
	uint8_t v;
	uint16_t port;
	uint8_t addr[16];
	uint32_t hnext;             /* hash chain */
	struct rs_lru_link lru;
	uint32_t host, host_gen;    /* its host (valid while the generations agree) */
	/* Half-open entries of this victim, oldest first. */
	uint32_t ho_head, ho_tail;
	uint32_t ho_cursor;         /* first entry not yet past the grace period */
	uint32_t pending;           /* entries in the list */
	uint32_t aged;              /* entries past the grace period */
	struct detect_alert_state as;
};

/*
 * A victim host: the sum over its ports, so that a flood spread over many
 * ports (each below the per-port rate, or more ports than the victim table
 * holds) is still seen.  Half-open entries point to their host by index
 * and generation; a host evicted and reused gets a new generation, and
 * entries of the old one no longer count for it.
 */
struct detect_host {
	bool used;
	uint8_t v;
	uint8_t addr[16];
	uint32_t hnext;
	struct rs_lru_link lru;
	uint32_t gen;
	uint32_t pending, aged;     /* half-open entries of all its ports */
	uint32_t port_alerts;       /* its ports alerting now: the flood is reported per port */
	struct detect_alert_state as;
	uint32_t port_bits_set;     /* ports that got SYNs since the last alert (linear counting) */
	uint8_t port_bits[DETECT_SCAN_BITS / 8];
};

/* The tables that can be full and evict. */
enum detect_table {
	DETECT_T_HALF_OPEN,
	DETECT_T_VICTIMS,
	DETECT_T_HOSTS,
	DETECT_T_SCANNERS,
	DETECT_T_COUNT,
};

/* Evictions from full tables in one second. */
struct detect_evict_sec {
	int64_t sec;
	uint32_t n[DETECT_T_COUNT];
};

enum { DETECT_HO_AGED = 1, DETECT_HO_SYNACK = 2 };

/* A SYN waiting for its handshake to complete. */
struct detect_ho {
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
struct detect_scanner {
	bool used;
	bool alert;
	uint8_t v;
	uint8_t src[16], dst[16];
	uint32_t hnext;
	struct rs_lru_link lru;
	int64_t last_syn_ns, start_ns, last_update_ns;
	int64_t crowd_checked_ns;   /* when its host was last found flooded by many sources */
	uint32_t ports_at_update;
	uint64_t syns, completed;
	uint32_t set_bits;
	uint8_t bits[DETECT_SCAN_BITS / 8];
};

/* How a bounded table of keyed slots (victims, hosts) is found and aged:
 * hash chains, least recently used first, the next never-used slot. */
struct detect_index {
	uint32_t *hash;
	uint32_t hash_mask;
	struct rs_lru lru;
	uint32_t next_free;
	uint32_t n;
};

/* ARP: one address's binding, in a hash table with LRU eviction. */
struct detect_arp_bind {
	bool used;
	uint8_t v;
	uint8_t ip[16];
	uint8_t mac[6];
	int64_t seen_ns;            /* the last message from mac claiming ip */
	int64_t alerted_ns;         /* the last spoof alert (at most one per update_ms) */
	uint32_t hnext;
	struct rs_lru_link lru;
};

/* A request seen: who (spa) asked for which address (tpa). */
struct detect_arp_req {
	uint8_t spa[4], tpa[4];
	int64_t ts_ns;
};

#define DETECT_ARP_REQS 256         /* requests remembered (a ring) */
#define DETECT_ARP_SLOTS 10         /* a second of gratuitous counts, 100 ms each */
#define DETECT_ARP_SLOT_NS (DETECT_NS / DETECT_ARP_SLOTS)

struct detect_arp {
	struct detect_arp_bind *bind;
	uint32_t *hash;
	uint32_t hash_mask;
	struct rs_lru lru;
	uint32_t nused;
	struct detect_arp_req req[DETECT_ARP_REQS];
	uint32_t req_next;
	/* Gratuitous messages in the last second, in 100 ms slots (a burst
	 * that straddles a second is counted whole); the flood's state. */
	int64_t g_slot;                 /* the newest slot's number (time / 100 ms) */
	uint32_t g_slots[DETECT_ARP_SLOTS];
	bool g_alert;
	int64_t g_start_ns, g_last_ns;
	double g_peak;
	uint64_t g_total;
	uint8_t g_mac[6];
};

struct rs_detect {
	struct rs_detect_opts o;
	uint64_t seed;
	int64_t now;                /* the clock: the latest timestamp seen */
	bool have_now;
	uint8_t ts_digits;
	int64_t next_tick;

	struct detect_victim *victims;
	struct detect_bucket *buckets;  /* window_s per victim */
	struct detect_index vtab;

	struct detect_ho *ho;
	uint32_t *hohash;
	uint32_t hohash_mask;
	uint32_t ho_free;           /* free list through hnext */
	uint32_t ho_ghead, ho_gtail;
	uint32_t nho;

	struct detect_host *hosts;
	struct detect_bucket *hbuckets; /* window_s per host */
	struct detect_index htab;

	struct detect_evict_sec evict[DETECT_MAX_WINDOW];
	struct detect_alert_state exhaust;

	struct detect_scanner *scanners;
	uint32_t *shash;
	uint32_t shash_mask;
	struct rs_lru slru;
	uint32_t sfree;             /* next never-used slot */
	uint32_t sfree_list;        /* freed slots, through hnext */
	uint32_t nscanners;

	/* Fingerprints of half-open SYNs given up lately (two generations of a
	 * bit set): a later SYN-ACK for one is the victim retransmitting, not
	 * backscatter. */
	uint8_t *gone[2];
	unsigned gone_cur;
	int64_t gone_since;

	struct detect_arp arp;

	struct rs_detect_stats st;
	/* Ends the alert of an entry the table is about to evict
	 * (detect_alert_end): the tables do not call the verdicts. */
	void (*alert_end)(struct rs_detect *d, enum detect_table t, uint32_t i);
};

/* detect_arp.c: the ARP and neighbour discovery checks. */
bool detect_arp_alloc(struct rs_detect *d);
void detect_arp_free(struct rs_detect *d);
size_t detect_arp_mem(const struct rs_detect_opts *o);
void detect_arp_packet(struct rs_detect *d, const struct rs_packet *p);
void detect_arp_finish(struct rs_detect *d);
uint32_t detect_pow2_at_least(uint32_t n);

/* detect_table.c: the bounded tables (no alert decisions: an entry that
 * is alerting when it is evicted has its alert ended through d->alert_end). */
bool detect_tables_alloc(struct rs_detect *d);
void detect_tables_free(struct rs_detect *d);
void detect_hll_add(uint8_t *reg, uint32_t h);
/* Victims, made (evicting the least recently used) when new, and found. */
uint32_t detect_victim_get(struct rs_detect *d, uint8_t ver, const uint8_t *addr, uint16_t port);
uint32_t detect_victim_find(struct rs_detect *d, uint8_t ver, const uint8_t *addr, uint16_t port);
/* The half-open set: a SYN's fingerprint, lookup, insertion. */
uint64_t detect_ho_fp(const struct rs_detect *d, uint8_t ver, const uint8_t *caddr,
		      uint16_t cport, const uint8_t *saddr, uint16_t sport, uint32_t isn);
uint32_t detect_ho_find(const struct rs_detect *d, uint64_t fp);
void detect_ho_insert(struct rs_detect *d, uint32_t vi, uint64_t fp, uint32_t src_hash);
/* Whether fp was given up lately (a SYN-ACK for it is a retransmission). */
bool detect_gone_has(const struct rs_detect *d, uint64_t fp);
uint32_t detect_scanner_find(struct rs_detect *d, uint8_t ver, const uint8_t *src,
			     const uint8_t *dst);
uint32_t detect_scanner_get(struct rs_detect *d, uint8_t ver, const uint8_t *src,
			    const uint8_t *dst);
void detect_gone_add(struct rs_detect *d, uint64_t fp);
/* An entry of `t` made room for a new one (the table was full). */
void detect_evicted(struct rs_detect *d, enum detect_table t, uint32_t n);
const char *detect_table_str(enum detect_table t);
/* The host of a half-open entry or victim; NULL when it was evicted since. */
struct detect_host *detect_host_of(struct rs_detect *d, uint32_t host, uint32_t gen);
uint32_t detect_host_find(struct rs_detect *d, uint8_t ver, const uint8_t *addr);
struct detect_bucket *detect_host_bucket_at(struct rs_detect *d, uint32_t hi, int64_t now);
uint64_t detect_hash(uint64_t seed, const void *p, size_t n);
void detect_ho_remove(struct rs_detect *d, uint32_t i);
struct detect_bucket *detect_bucket_at(struct rs_detect *d, uint32_t vi, int64_t now);
void detect_scanner_free(struct rs_detect *d, uint32_t si);

/* The bit of a port in a linear-counting bitmap: a random-looking spread
 * (murmur3's finaliser), as linear counting assumes. */
static inline uint32_t detect_port_bit(uint16_t port)
{
	uint32_t h = (uint32_t)port ^ 0x5bd1e995u;
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h & (DETECT_SCAN_BITS - 1);
}

/* detect_eval.c: the verdicts; alerts go only to the caller's on_alert. */
/* Distinct ports from the bits set in an DETECT_SCAN_BITS bitmap, never more
 * than `most` (the SYNs that set them). */
uint32_t detect_ports_estimate(uint32_t set_bits, uint64_t most);
void detect_advance(struct rs_detect *d, int64_t ts);
void detect_victim_end(struct rs_detect *d, uint32_t vi);
void detect_host_end(struct rs_detect *d, uint32_t hi);
void detect_scanner_syn(struct rs_detect *d, uint32_t si, uint16_t port);
void detect_scanner_end(struct rs_detect *d, uint32_t si);
/* d->alert_end: the alert of entry i of table t ends (it is evicted). */
void detect_alert_end(struct rs_detect *d, enum detect_table t, uint32_t i);

#endif
