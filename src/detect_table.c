/*
 * detect_table.c: the detector's bounded tables: victims (address, port),
 * hosts (all their ports), the half-open SYNs, scanners (source, target)
 * and the fingerprints of SYNs given up.  Each is one array allocated in
 * rs_detect_new(), ordered by last use (lru.h) where it can evict, with
 * a keyed hash over the whole key; a full table evicts its least recently
 * used entry and counts it.  No alert is decided here: an entry evicted
 * while alerting has its alert ended through d->alert_end.
 */
#include "detect_int.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

uint32_t detect_pow2_at_least(uint32_t n)
{
	uint32_t p = 1;
	while (p < n && p < (1u << 30))
		p <<= 1;
	return p;
}

#define pow2_at_least detect_pow2_at_least

size_t rs_detect_mem_bound(const struct rs_detect_opts *o)
{
	size_t n = sizeof(struct rs_detect);
	n += (size_t)o->max_victims *
	     (sizeof(struct detect_victim) + o->window_s * sizeof(struct detect_bucket));
	n += (size_t)pow2_at_least(o->max_victims * 2) * sizeof(uint32_t);
	n += (size_t)o->max_half_open * sizeof(struct detect_ho);
	n += (size_t)pow2_at_least(o->max_half_open) * sizeof(uint32_t);
	n += (size_t)o->max_scanners * sizeof(struct detect_scanner);
	n += (size_t)pow2_at_least(o->max_scanners * 2) * sizeof(uint32_t);
	n += (size_t)o->max_hosts *
	     (sizeof(struct detect_host) + o->window_s * sizeof(struct detect_bucket));
	n += (size_t)pow2_at_least(o->max_hosts * 2) * sizeof(uint32_t);
	n += 2 * (DETECT_GONE_BITS / 8);
	n += detect_arp_mem(o);
	return n;
}

bool detect_tables_alloc(struct rs_detect *d)
{
	d->vtab.hash_mask = pow2_at_least(d->o.max_victims * 2) - 1;
	d->hohash_mask = pow2_at_least(d->o.max_half_open) - 1;
	d->shash_mask = pow2_at_least(d->o.max_scanners * 2) - 1;
	d->htab.hash_mask = pow2_at_least(d->o.max_hosts * 2) - 1;
	d->victims = calloc(d->o.max_victims, sizeof(*d->victims));
	d->buckets = calloc((size_t)d->o.max_victims * d->o.window_s, sizeof(*d->buckets));
	d->vtab.hash = malloc(((size_t)d->vtab.hash_mask + 1) * sizeof(uint32_t));
	d->ho = calloc(d->o.max_half_open, sizeof(*d->ho));
	d->hohash = malloc(((size_t)d->hohash_mask + 1) * sizeof(uint32_t));
	d->scanners = calloc(d->o.max_scanners, sizeof(*d->scanners));
	d->shash = malloc(((size_t)d->shash_mask + 1) * sizeof(uint32_t));
	d->hosts = calloc(d->o.max_hosts, sizeof(*d->hosts));
	d->hbuckets = calloc((size_t)d->o.max_hosts * d->o.window_s, sizeof(*d->hbuckets));
	d->htab.hash = malloc(((size_t)d->htab.hash_mask + 1) * sizeof(uint32_t));
	d->gone[0] = calloc(1, DETECT_GONE_BITS / 8);
	d->gone[1] = calloc(1, DETECT_GONE_BITS / 8);
	if (!d->victims || !d->buckets || !d->vtab.hash || !d->ho || !d->hohash || !d->scanners ||
	    !d->shash || !d->hosts || !d->hbuckets || !d->htab.hash || !d->gone[0] || !d->gone[1])
		return false;
	memset(d->vtab.hash, 0xff, ((size_t)d->vtab.hash_mask + 1) * sizeof(uint32_t));
	memset(d->hohash, 0xff, ((size_t)d->hohash_mask + 1) * sizeof(uint32_t));
	memset(d->shash, 0xff, ((size_t)d->shash_mask + 1) * sizeof(uint32_t));
	memset(d->htab.hash, 0xff, ((size_t)d->htab.hash_mask + 1) * sizeof(uint32_t));
	rs_lru_init(&d->vtab.lru, d->victims, sizeof(struct detect_victim),
		    offsetof(struct detect_victim, lru));
	rs_lru_init(&d->slru, d->scanners, sizeof(struct detect_scanner),
		    offsetof(struct detect_scanner, lru));
	rs_lru_init(&d->htab.lru, d->hosts, sizeof(struct detect_host), offsetof(struct detect_host, lru));
	for (unsigned k = 0; k < DETECT_MAX_WINDOW; k++)
		d->evict[k].sec = INT64_MIN;
	d->ho_ghead = d->ho_gtail = DETECT_NIL;
	d->sfree_list = DETECT_NIL;
	for (uint32_t i = 0; i < d->o.max_half_open; i++)
		d->ho[i].hnext = i + 1 < d->o.max_half_open ? i + 1 : DETECT_NIL;
	d->ho_free = 0;
	return true;
}

void detect_tables_free(struct rs_detect *d)
{
	free(d->victims);
	free(d->buckets);
	free(d->vtab.hash);
	free(d->ho);
	free(d->hohash);
	free(d->scanners);
	free(d->shash);
	free(d->hosts);
	free(d->hbuckets);
	free(d->htab.hash);
	free(d->gone[0]);
	free(d->gone[1]);
}

/* ---- HyperLogLog source counts ---------------------------------------- */

void detect_hll_add(uint8_t *reg, uint32_t h)
{
	uint32_t idx = h & (DETECT_HLL_M - 1);
	uint32_t w = h >> DETECT_HLL_BITS;
	uint8_t rank = w ? (uint8_t)(__builtin_ctz(w) + 1) : (uint8_t)(32 - DETECT_HLL_BITS + 1);
	if (reg[idx] < rank)
		reg[idx] = rank;
}

/* A keyed 64-bit hash (multiply-xorshift over 8-byte words). */
uint64_t detect_hash(uint64_t seed, const void *p, size_t n)
{
	const uint8_t *b = p;
	uint64_t h = seed ^ (n * 0x9e3779b97f4a7c15ULL);
	while (n >= 8) {
		uint64_t w;
		memcpy(&w, b, 8);
		h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
		h ^= h >> 31;
		b += 8;
		n -= 8;
	}
	uint64_t w = 0;
	memcpy(&w, b, n);
	h = (h ^ w) * 0x94d049bb133111ebULL;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 32;
	return h;
}

/* ---- eviction pressure ------------------------------------------------ */

const char *detect_table_str(enum detect_table t)
{
	switch (t) {
	case DETECT_T_HALF_OPEN: return "half-open";
	case DETECT_T_VICTIMS: return "victims";
	case DETECT_T_HOSTS: return "hosts";
	case DETECT_T_SCANNERS: return "scanners";
	case DETECT_T_COUNT: break;
	}
	return "?";
}

void detect_evicted(struct rs_detect *d, enum detect_table t, uint32_t n)
{
	int64_t sec = d->now / DETECT_NS;
	struct detect_evict_sec *e = &d->evict[(uint64_t)sec % DETECT_MAX_WINDOW];
	if (e->sec != sec) {
		memset(e, 0, sizeof(*e));
		e->sec = sec;
	}
	e->n[t] += n;
	if (d->exhaust.alert)
		d->exhaust.alert_syns += n;
}

/* ---- hosts -------------------------------------------------------------- */

static uint32_t host_slot(const struct rs_detect *d, uint8_t ver, const uint8_t *addr)
{
	uint8_t key[17];
	memcpy(key, addr, 16);
	key[16] = ver;
	return (uint32_t)detect_hash(d->seed ^ 0x3c3c3c3cULL, key, sizeof(key)) & d->htab.hash_mask;
}

uint32_t detect_host_find(struct rs_detect *d, uint8_t ver, const uint8_t *addr)
{
	for (uint32_t i = d->htab.hash[host_slot(d, ver, addr)]; i != DETECT_NIL; i = d->hosts[i].hnext) {
		const struct detect_host *h = &d->hosts[i];
		if (h->v == ver && memcmp(h->addr, addr, 16) == 0)
			return i;
	}
	return DETECT_NIL;
}

struct detect_host *detect_host_of(struct rs_detect *d, uint32_t host, uint32_t gen)
{
	struct detect_host *h = &d->hosts[host];
	return h->used && h->gen == gen ? h : NULL;
}

struct detect_bucket *detect_host_bucket_at(struct rs_detect *d, uint32_t hi, int64_t now)
{
	int64_t sec = now / DETECT_NS;
	struct detect_bucket *b = &d->hbuckets[(size_t)hi * d->o.window_s + (uint64_t)sec % d->o.window_s];
	if (b->sec != sec) {
		memset(b, 0, sizeof(*b));
		b->sec = sec;
	}
	return b;
}

static void host_evict(struct rs_detect *d, uint32_t i)
{
	struct detect_host *h = &d->hosts[i];
	if (h->as.alert)
		d->alert_end(d, DETECT_T_HOSTS, i);
	uint32_t *pp = &d->htab.hash[host_slot(d, h->v, h->addr)];
	while (*pp != i)
		pp = &d->hosts[*pp].hnext;
	*pp = h->hnext;
	rs_lru_unlink(&d->htab.lru, i);
	h->used = false;
	h->gen++;   /* its half-open entries and victims no longer count for it */
	d->htab.n--;
	d->st.host_evictions++;
	detect_evicted(d, DETECT_T_HOSTS, 1);
}

static uint32_t host_get(struct rs_detect *d, uint8_t ver, const uint8_t *addr)
{
	uint32_t i = detect_host_find(d, ver, addr);
	if (i != DETECT_NIL) {
		rs_lru_touch(&d->htab.lru, i);
		return i;
	}
	if (d->htab.next_free < d->o.max_hosts) {
		i = d->htab.next_free++;
	} else {
		i = d->htab.lru.tail;
		host_evict(d, i);
	}
	struct detect_host *h = &d->hosts[i];
	uint32_t gen = h->gen;
	memset(h, 0, sizeof(*h));
	h->gen = gen;
	for (uint32_t k = 0; k < d->o.window_s; k++) {
		struct detect_bucket *b = &d->hbuckets[(size_t)i * d->o.window_s + k];
		memset(b, 0, sizeof(*b));
		b->sec = INT64_MIN;
	}
	h->used = true;
	h->v = ver;
	memcpy(h->addr, addr, 16);
	uint32_t s = host_slot(d, ver, addr);
	h->hnext = d->htab.hash[s];
	d->htab.hash[s] = i;
	rs_lru_push(&d->htab.lru, i);
	d->htab.n++;
	return i;
}

/* ---- victims ---------------------------------------------------------- */

static uint32_t victim_slot(const struct rs_detect *d, uint8_t ver, const uint8_t *addr,
			    uint16_t port)
{
	uint8_t key[19];
	memcpy(key, addr, 16);
	key[16] = ver;
	key[17] = (uint8_t)(port >> 8);
	key[18] = (uint8_t)port;
	return (uint32_t)detect_hash(d->seed, key, sizeof(key)) & d->vtab.hash_mask;
}

uint32_t detect_victim_find(struct rs_detect *d, uint8_t ver, const uint8_t *addr, uint16_t port)
{
	for (uint32_t i = d->vtab.hash[victim_slot(d, ver, addr, port)]; i != DETECT_NIL;
	     i = d->victims[i].hnext) {
		const struct detect_victim *v = &d->victims[i];
		if (v->port == port && v->v == ver && memcmp(v->addr, addr, 16) == 0)
			return i;
	}
	return DETECT_NIL;
}

static void ho_evict(struct rs_detect *d, uint32_t i);

static void victim_evict(struct rs_detect *d, uint32_t i)
{
	struct detect_victim *v = &d->victims[i];
	if (v->as.alert)
		d->alert_end(d, DETECT_T_VICTIMS, i);
	/* Its pending SYNs leave unanswered: for its host they are failed
	 * handshakes (a flood over more ports than this table holds). */
	while (v->ho_head != DETECT_NIL)
		ho_evict(d, v->ho_head);
	uint32_t *pp = &d->vtab.hash[victim_slot(d, v->v, v->addr, v->port)];
	while (*pp != i)
		pp = &d->victims[*pp].hnext;
	*pp = v->hnext;
	rs_lru_unlink(&d->vtab.lru, i);
	v->used = false;
	d->vtab.n--;
	d->st.victim_evictions++;
	detect_evicted(d, DETECT_T_VICTIMS, 1);
}

/* The victim's index, made (evicting the least recently used) when new. */
uint32_t detect_victim_get(struct rs_detect *d, uint8_t ver, const uint8_t *addr, uint16_t port)
{
	uint32_t i = detect_victim_find(d, ver, addr, port);
	if (i != DETECT_NIL) {
		rs_lru_touch(&d->vtab.lru, i);
		struct detect_victim *v = &d->victims[i];
		if (!detect_host_of(d, v->host, v->host_gen)) {
			v->host = host_get(d, ver, addr);
			v->host_gen = d->hosts[v->host].gen;
		} else {
			rs_lru_touch(&d->htab.lru, v->host);
		}
		return i;
	}
	if (d->vtab.next_free < d->o.max_victims) {
		i = d->vtab.next_free++;
	} else {
		i = d->vtab.lru.tail;
		victim_evict(d, i);
	}
	struct detect_victim *v = &d->victims[i];
	memset(v, 0, sizeof(*v));
	memset(&d->buckets[(size_t)i * d->o.window_s], 0, d->o.window_s * sizeof(struct detect_bucket));
	for (uint32_t k = 0; k < d->o.window_s; k++)
		d->buckets[(size_t)i * d->o.window_s + k].sec = INT64_MIN;
	v->used = true;
	v->v = ver;
	memcpy(v->addr, addr, 16);
	v->port = port;
	v->ho_head = v->ho_tail = v->ho_cursor = DETECT_NIL;
	v->host = host_get(d, ver, addr);
	v->host_gen = d->hosts[v->host].gen;
	uint32_t s = victim_slot(d, ver, addr, port);
	v->hnext = d->vtab.hash[s];
	d->vtab.hash[s] = i;
	rs_lru_push(&d->vtab.lru, i);
	d->vtab.n++;
	if (d->vtab.n > d->st.victims_peak)
		d->st.victims_peak = d->vtab.n;
	return i;
}

struct detect_bucket *detect_bucket_at(struct rs_detect *d, uint32_t vi, int64_t now)
{
	int64_t sec = now / DETECT_NS;
	struct detect_bucket *b = &d->buckets[(size_t)vi * d->o.window_s +
					  (uint64_t)sec % d->o.window_s];
	if (b->sec != sec) {
		memset(b, 0, sizeof(*b));
		b->sec = sec;
	}
	return b;
}

/* ---- half-open set ---------------------------------------------------- */

void detect_gone_add(struct rs_detect *d, uint64_t fp)
{
	if (d->now - d->gone_since >= DETECT_GONE_NS) {
		d->gone_cur ^= 1;
		memset(d->gone[d->gone_cur], 0, DETECT_GONE_BITS / 8);
		d->gone_since = d->now;
	}
	uint32_t b = (uint32_t)(fp >> 32) & (DETECT_GONE_BITS - 1);
	d->gone[d->gone_cur][b >> 3] |= (uint8_t)(1u << (b & 7));
}

bool detect_gone_has(const struct rs_detect *d, uint64_t fp)
{
	uint32_t b = (uint32_t)(fp >> 32) & (DETECT_GONE_BITS - 1);
	return ((d->gone[0][b >> 3] | d->gone[1][b >> 3]) >> (b & 7)) & 1;
}

uint64_t detect_ho_fp(const struct rs_detect *d, uint8_t ver, const uint8_t *caddr,
		      uint16_t cport, const uint8_t *saddr, uint16_t sport, uint32_t isn)
{
	uint8_t key[40];
	memcpy(key, caddr, 16);
	memcpy(key + 16, saddr, 16);
	key[32] = (uint8_t)(cport >> 8);
	key[33] = (uint8_t)cport;
	key[34] = (uint8_t)(sport >> 8);
	key[35] = (uint8_t)sport;
	key[36] = (uint8_t)(isn >> 24);
	key[37] = (uint8_t)(isn >> 16);
	key[38] = (uint8_t)(isn >> 8);
	key[39] = (uint8_t)isn ^ (uint8_t)(ver << 4);
	return detect_hash(d->seed ^ 0x5a5a5a5a5a5a5a5aULL, key, sizeof(key));
}

uint32_t detect_ho_find(const struct rs_detect *d, uint64_t fp)
{
	for (uint32_t i = d->hohash[fp & d->hohash_mask]; i != DETECT_NIL; i = d->ho[i].hnext)
		if (d->ho[i].fp == fp)
			return i;
	return DETECT_NIL;
}

void detect_ho_remove(struct rs_detect *d, uint32_t i)
{
	struct detect_ho *e = &d->ho[i];
	struct detect_victim *v = &d->victims[e->victim];

	uint32_t *pp = &d->hohash[e->fp & d->hohash_mask];
	while (*pp != i)
		pp = &d->ho[*pp].hnext;
	*pp = e->hnext;

	if (v->ho_cursor == i)
		v->ho_cursor = e->vnext;
	if (e->vprev != DETECT_NIL)
		d->ho[e->vprev].vnext = e->vnext;
	else
		v->ho_head = e->vnext;
	if (e->vnext != DETECT_NIL)
		d->ho[e->vnext].vprev = e->vprev;
	else
		v->ho_tail = e->vprev;
	v->pending--;
	if (e->flags & DETECT_HO_AGED)
		v->aged--;
	struct detect_host *h = detect_host_of(d, e->host, e->host_gen);
	if (h) {
		h->pending--;
		if (e->flags & DETECT_HO_AGED)
			h->aged--;
	}

	if (e->gprev != DETECT_NIL)
		d->ho[e->gprev].gnext = e->gnext;
	else
		d->ho_ghead = e->gnext;
	if (e->gnext != DETECT_NIL)
		d->ho[e->gnext].gprev = e->gprev;
	else
		d->ho_gtail = e->gprev;

	e->hnext = d->ho_free;
	d->ho_free = i;
	d->nho--;
}

/* Makes room: the entry leaves before its handshake completed, so it
 * counts as a SYN left unanswered (a flood faster than the table must
 * still look like one). */
static void ho_evict(struct rs_detect *d, uint32_t i)
{
	struct detect_ho *e = &d->ho[i];
	if (!(e->flags & DETECT_HO_AGED)) {
		struct detect_bucket *b = detect_bucket_at(d, e->victim, d->now);
		b->aged++;
		detect_hll_add(b->hll_fail, e->src_hash);
		if (detect_host_of(d, e->host, e->host_gen)) {
			b = detect_host_bucket_at(d, e->host, d->now);
			b->aged++;
			detect_hll_add(b->hll_fail, e->src_hash);
		}
	}
	detect_gone_add(d, e->fp);
	detect_ho_remove(d, i);
	d->st.half_open_evictions++;
}

void detect_ho_insert(struct rs_detect *d, uint32_t vi, uint64_t fp, uint32_t src_hash)
{
	struct detect_victim *v = &d->victims[vi];
	if (v->pending >= d->o.max_half_open_per_victim) {
		ho_evict(d, v->ho_head);
		detect_evicted(d, DETECT_T_HALF_OPEN, 1);
	}
	if (d->ho_free == DETECT_NIL) {
		ho_evict(d, d->ho_ghead);
		detect_evicted(d, DETECT_T_HALF_OPEN, 1);
	}
	uint32_t i = d->ho_free;
	struct detect_ho *e = &d->ho[i];
	d->ho_free = e->hnext;
	e->fp = fp;
	e->ts = d->now;
	e->victim = vi;
	e->src_hash = src_hash;
	e->host = v->host;
	e->host_gen = v->host_gen;
	struct detect_host *h = detect_host_of(d, v->host, v->host_gen);
	if (h)
		h->pending++;
	e->flags = 0;
	e->hnext = d->hohash[fp & d->hohash_mask];
	d->hohash[fp & d->hohash_mask] = i;
	e->vnext = DETECT_NIL;
	e->vprev = v->ho_tail;
	if (v->ho_tail != DETECT_NIL)
		d->ho[v->ho_tail].vnext = i;
	else
		v->ho_head = i;
	v->ho_tail = i;
	if (v->ho_cursor == DETECT_NIL)
		v->ho_cursor = i;
	v->pending++;
	e->gnext = DETECT_NIL;
	e->gprev = d->ho_gtail;
	if (d->ho_gtail != DETECT_NIL)
		d->ho[d->ho_gtail].gnext = i;
	else
		d->ho_ghead = i;
	d->ho_gtail = i;
	d->nho++;
	if (d->nho > d->st.half_open_peak)
		d->st.half_open_peak = d->nho;
}

/* ---- scanners --------------------------------------------------------- */

static uint32_t scanner_slot(const struct rs_detect *d, uint8_t ver, const uint8_t *src,
			     const uint8_t *dst)
{
	uint8_t key[33];
	memcpy(key, src, 16);
	memcpy(key + 16, dst, 16);
	key[32] = ver;
	return (uint32_t)detect_hash(d->seed ^ 0xa5a5a5a5ULL, key, sizeof(key)) & d->shash_mask;
}

uint32_t detect_scanner_find(struct rs_detect *d, uint8_t ver, const uint8_t *src,
			     const uint8_t *dst)
{
	for (uint32_t i = d->shash[scanner_slot(d, ver, src, dst)]; i != DETECT_NIL;
	     i = d->scanners[i].hnext) {
		const struct detect_scanner *s = &d->scanners[i];
		if (s->v == ver && memcmp(s->src, src, 16) == 0 && memcmp(s->dst, dst, 16) == 0)
			return i;
	}
	return DETECT_NIL;
}

void detect_scanner_free(struct rs_detect *d, uint32_t i)
{
	struct detect_scanner *s = &d->scanners[i];
	if (s->alert)
		d->alert_end(d, DETECT_T_SCANNERS, i);
	uint32_t *pp = &d->shash[scanner_slot(d, s->v, s->src, s->dst)];
	while (*pp != i)
		pp = &d->scanners[*pp].hnext;
	*pp = s->hnext;
	rs_lru_unlink(&d->slru, i);
	s->used = false;
	s->hnext = d->sfree_list;
	d->sfree_list = i;
	d->nscanners--;
}

uint32_t detect_scanner_get(struct rs_detect *d, uint8_t ver, const uint8_t *src,
			    const uint8_t *dst)
{
	uint32_t i = detect_scanner_find(d, ver, src, dst);
	if (i != DETECT_NIL) {
		rs_lru_touch(&d->slru, i);
		return i;
	}
	if (d->nscanners >= d->o.max_scanners) {
		detect_scanner_free(d, d->slru.tail);
		d->st.scanner_evictions++;
		detect_evicted(d, DETECT_T_SCANNERS, 1);
	}
	/* Slots are handed out in order, then recycled through the free list. */
	if (d->sfree_list != DETECT_NIL) {
		i = d->sfree_list;
		d->sfree_list = d->scanners[i].hnext;
	} else {
		i = d->sfree++;
	}
	struct detect_scanner *s = &d->scanners[i];
	memset(s, 0, sizeof(*s));
	s->used = true;
	s->v = ver;
	memcpy(s->src, src, 16);
	memcpy(s->dst, dst, 16);
	s->crowd_checked_ns = INT64_MIN;
	uint32_t sl = scanner_slot(d, ver, src, dst);
	s->hnext = d->shash[sl];
	d->shash[sl] = i;
	rs_lru_push(&d->slru, i);
	d->nscanners++;
	return i;
}

