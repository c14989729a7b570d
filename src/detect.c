/*
 * detect.c: the detector's bounded tables and what each TCP packet does
 * to them (SYN-flood evidence per victim, RFC 4987; port probes per source).
 *
 * A SYN to (address, port) is counted for that victim and, unless it
 * repeats one already pending, enters the victim's half-open set keyed on
 * the 4-tuple and the client's ISN.  The client's ACK of the SYN-ACK
 * (sequence ISN+1) completes it; a second SYN-ACK for it is a victim
 * retransmission; a SYN-ACK for a SYN never seen is backscatter; an RST
 * for it ends it as refused.  Ageing, expiry and the alert decisions are
 * in detect_eval.c.
 */
#include "detect_int.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

const char *rs_detect_alert_kind_str(enum rs_detect_alert_kind k)
{
	switch (k) {
	case RS_DETECT_ALERT_SYN_FLOOD: return "syn-flood";
	case RS_DETECT_ALERT_PORT_SCAN: return "port-scan";
	case RS_DETECT_ALERT_STATE_EXHAUSTED: return "state-exhausted";
	}
	return "?";
}

const char *rs_detect_alert_phase_str(enum rs_detect_alert_phase p)
{
	switch (p) {
	case RS_DETECT_ALERT_START: return "start";
	case RS_DETECT_ALERT_UPDATE: return "update";
	case RS_DETECT_ALERT_END: return "end";
	}
	return "?";
}

const char *rs_detect_format_str(enum rs_detect_format f)
{
	switch (f) {
	case RS_DETECT_TEXT: return "text";
	case RS_DETECT_JSON: return "json";
	}
	return "?";
}

void rs_detect_opts_default(struct rs_detect_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->syn_rate = 100;
	o->half_open = 50;
	o->completion = 0.8;
	o->grace_ms = 400;
	o->timeout_ms = 3000;
	o->hold_ms = 2000;
	o->update_ms = 1000;
	o->window_s = 5;
	o->spoof_sources = 32;
	o->scan_ports = 20;
	o->scan_idle_ms = 3000;
	o->max_victims = 4096;
	o->max_half_open = 262144;
	o->max_half_open_per_victim = 65536;
	o->max_scanners = 4096;
	o->max_hosts = 1024;
	o->exhaust_rate = 100;
}

bool rs_detect_opts_check(const struct rs_detect_opts *o, char *err, size_t errlen)
{
	if (!(o->syn_rate > 0) || !(o->completion >= 0 && o->completion <= 1)) {
		snprintf(err, errlen, "syn rate must be > 0 and completion in [0, 1]");
		return false;
	}
	if (o->window_s < 2 || o->window_s > SF_MAX_WINDOW) {
		snprintf(err, errlen, "window must be 2 to %d seconds", SF_MAX_WINDOW);
		return false;
	}
	if (o->grace_ms == 0 || o->timeout_ms <= o->grace_ms) {
		snprintf(err, errlen, "the handshake timeout must be longer than the grace period");
		return false;
	}
	if (o->max_victims < 1 || o->max_victims > (1u << 24) || o->max_half_open < 1 ||
	    o->max_half_open > (1u << 26) || o->max_scanners < 1 || o->max_scanners > (1u << 24) ||
	    o->max_half_open_per_victim < 1 || o->max_hosts < 1 || o->max_hosts > (1u << 20)) {
		snprintf(err, errlen, "table bounds out of range");
		return false;
	}
	if (!(o->exhaust_rate > 0)) {
		snprintf(err, errlen, "the exhaustion rate must be > 0");
		return false;
	}
	return true;
}

static uint32_t pow2_at_least(uint32_t n)
{
	uint32_t p = 1;
	while (p < n && p < (1u << 30))
		p <<= 1;
	return p;
}

size_t rs_detect_mem_bound(const struct rs_detect_opts *o)
{
	size_t n = sizeof(struct rs_detect);
	n += (size_t)o->max_victims * (sizeof(struct sf_victim) + o->window_s * sizeof(struct sf_bucket));
	n += (size_t)pow2_at_least(o->max_victims * 2) * sizeof(uint32_t);
	n += (size_t)o->max_half_open * sizeof(struct sf_ho);
	n += (size_t)pow2_at_least(o->max_half_open) * sizeof(uint32_t);
	n += (size_t)o->max_scanners * sizeof(struct sf_scanner);
	n += (size_t)pow2_at_least(o->max_scanners * 2) * sizeof(uint32_t);
	n += (size_t)o->max_hosts * (sizeof(struct sf_host) + o->window_s * sizeof(struct sf_bucket));
	n += (size_t)pow2_at_least(o->max_hosts * 2) * sizeof(uint32_t);
	n += 2 * (SF_GONE_BITS / 8);
	return n;
}

struct rs_detect *rs_detect_new(const struct rs_detect_opts *o, char *err, size_t errlen)
{
	if (!rs_detect_opts_check(o, err, errlen))
		return NULL;
	struct rs_detect *d = calloc(1, sizeof(*d));
	if (!d) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	d->o = *o;
	d->seed = o->seed;
	if (!d->seed && getrandom(&d->seed, sizeof(d->seed), 0) != sizeof(d->seed))
		d->seed = 0x9e3779b97f4a7c15ULL ^ (uint64_t)(uintptr_t)d;
	d->vhash_mask = pow2_at_least(o->max_victims * 2) - 1;
	d->hohash_mask = pow2_at_least(o->max_half_open) - 1;
	d->shash_mask = pow2_at_least(o->max_scanners * 2) - 1;
	d->hhash_mask = pow2_at_least(o->max_hosts * 2) - 1;
	d->victims = calloc(o->max_victims, sizeof(*d->victims));
	d->buckets = calloc((size_t)o->max_victims * o->window_s, sizeof(*d->buckets));
	d->vhash = malloc(((size_t)d->vhash_mask + 1) * sizeof(uint32_t));
	d->ho = calloc(o->max_half_open, sizeof(*d->ho));
	d->hohash = malloc(((size_t)d->hohash_mask + 1) * sizeof(uint32_t));
	d->scanners = calloc(o->max_scanners, sizeof(*d->scanners));
	d->shash = malloc(((size_t)d->shash_mask + 1) * sizeof(uint32_t));
	d->hosts = calloc(o->max_hosts, sizeof(*d->hosts));
	d->hbuckets = calloc((size_t)o->max_hosts * o->window_s, sizeof(*d->hbuckets));
	d->hhash = malloc(((size_t)d->hhash_mask + 1) * sizeof(uint32_t));
	d->gone[0] = calloc(1, SF_GONE_BITS / 8);
	d->gone[1] = calloc(1, SF_GONE_BITS / 8);
	if (!d->victims || !d->buckets || !d->vhash || !d->ho || !d->hohash || !d->scanners ||
	    !d->shash || !d->hosts || !d->hbuckets || !d->hhash || !d->gone[0] || !d->gone[1]) {
		rs_detect_free(d);
		snprintf(err, errlen, "out of memory for the detector's tables");
		return NULL;
	}
	memset(d->vhash, 0xff, ((size_t)d->vhash_mask + 1) * sizeof(uint32_t));
	memset(d->hohash, 0xff, ((size_t)d->hohash_mask + 1) * sizeof(uint32_t));
	memset(d->shash, 0xff, ((size_t)d->shash_mask + 1) * sizeof(uint32_t));
	memset(d->hhash, 0xff, ((size_t)d->hhash_mask + 1) * sizeof(uint32_t));
	d->vlru = (struct sf_lru){ SF_NIL, SF_NIL, (char *)d->victims, sizeof(struct sf_victim),
				   offsetof(struct sf_victim, lru) };
	d->slru = (struct sf_lru){ SF_NIL, SF_NIL, (char *)d->scanners, sizeof(struct sf_scanner),
				   offsetof(struct sf_scanner, lru) };
	d->hlru = (struct sf_lru){ SF_NIL, SF_NIL, (char *)d->hosts, sizeof(struct sf_host),
				   offsetof(struct sf_host, lru) };
	for (unsigned k = 0; k < SF_MAX_WINDOW; k++)
		d->evict[k].sec = INT64_MIN;
	d->ho_ghead = d->ho_gtail = SF_NIL;
	d->sfree_list = SF_NIL;
	for (uint32_t i = 0; i < o->max_half_open; i++)
		d->ho[i].hnext = i + 1 < o->max_half_open ? i + 1 : SF_NIL;
	d->ho_free = 0;
	d->ts_digits = 6;
	return d;
}

void rs_detect_free(struct rs_detect *d)
{
	if (!d)
		return;
	free(d->victims);
	free(d->buckets);
	free(d->vhash);
	free(d->ho);
	free(d->hohash);
	free(d->scanners);
	free(d->shash);
	free(d->hosts);
	free(d->hbuckets);
	free(d->hhash);
	free(d->gone[0]);
	free(d->gone[1]);
	free(d);
}

void rs_detect_get_stats(const struct rs_detect *d, struct rs_detect_stats *st)
{
	*st = d->st;
	st->victims = d->nvictims;
	st->half_open = d->nho;
	st->scanners = d->nscanners;
	st->hosts = d->nhosts;
}

/* A keyed 64-bit hash (multiply-xorshift over 8-byte words). */
uint64_t sf_hash(uint64_t seed, const void *p, size_t n)
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

/* ---- LRU lists and eviction pressure ---------------------------------- */

void sf_lru_unlink(struct sf_lru *l, uint32_t i)
{
	struct sf_link *e = sf_lru_link(l, i);
	if (e->prev != SF_NIL)
		sf_lru_link(l, e->prev)->next = e->next;
	else
		l->head = e->next;
	if (e->next != SF_NIL)
		sf_lru_link(l, e->next)->prev = e->prev;
	else
		l->tail = e->prev;
}

void sf_lru_push(struct sf_lru *l, uint32_t i)
{
	struct sf_link *e = sf_lru_link(l, i);
	e->prev = SF_NIL;
	e->next = l->head;
	if (l->head != SF_NIL)
		sf_lru_link(l, l->head)->prev = i;
	l->head = i;
	if (l->tail == SF_NIL)
		l->tail = i;
}

void sf_lru_touch(struct sf_lru *l, uint32_t i)
{
	if (l->head != i) {
		sf_lru_unlink(l, i);
		sf_lru_push(l, i);
	}
}

const char *sf_table_str(enum sf_table t)
{
	switch (t) {
	case SF_T_HALF_OPEN: return "half-open";
	case SF_T_VICTIMS: return "victims";
	case SF_T_HOSTS: return "hosts";
	case SF_T_SCANNERS: return "scanners";
	case SF_T_COUNT: break;
	}
	return "?";
}

void sf_evicted(struct rs_detect *d, enum sf_table t, uint32_t n)
{
	int64_t sec = d->now / SF_NS;
	struct sf_evict_sec *e = &d->evict[(uint64_t)sec % SF_MAX_WINDOW];
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
	return (uint32_t)sf_hash(d->seed ^ 0x3c3c3c3cULL, key, sizeof(key)) & d->hhash_mask;
}

uint32_t sf_host_find(struct rs_detect *d, uint8_t ver, const uint8_t *addr)
{
	for (uint32_t i = d->hhash[host_slot(d, ver, addr)]; i != SF_NIL; i = d->hosts[i].hnext) {
		const struct sf_host *h = &d->hosts[i];
		if (h->v == ver && memcmp(h->addr, addr, 16) == 0)
			return i;
	}
	return SF_NIL;
}

struct sf_host *sf_host_of(struct rs_detect *d, uint32_t host, uint32_t gen)
{
	struct sf_host *h = &d->hosts[host];
	return h->used && h->gen == gen ? h : NULL;
}

struct sf_bucket *sf_host_bucket_at(struct rs_detect *d, uint32_t hi, int64_t now)
{
	int64_t sec = now / SF_NS;
	struct sf_bucket *b = &d->hbuckets[(size_t)hi * d->o.window_s + (uint64_t)sec % d->o.window_s];
	if (b->sec != sec) {
		memset(b, 0, sizeof(*b));
		b->sec = sec;
	}
	return b;
}

static void host_evict(struct rs_detect *d, uint32_t i)
{
	struct sf_host *h = &d->hosts[i];
	if (h->as.alert)
		sf_host_end(d, i);
	uint32_t *pp = &d->hhash[host_slot(d, h->v, h->addr)];
	while (*pp != i)
		pp = &d->hosts[*pp].hnext;
	*pp = h->hnext;
	sf_lru_unlink(&d->hlru, i);
	h->used = false;
	h->gen++;   /* its half-open entries and victims no longer count for it */
	d->nhosts--;
	d->st.host_evictions++;
	sf_evicted(d, SF_T_HOSTS, 1);
}

static uint32_t host_get(struct rs_detect *d, uint8_t ver, const uint8_t *addr)
{
	uint32_t i = sf_host_find(d, ver, addr);
	if (i != SF_NIL) {
		sf_lru_touch(&d->hlru, i);
		return i;
	}
	if (d->hfree < d->o.max_hosts) {
		i = d->hfree++;
	} else {
		i = d->hlru.tail;
		host_evict(d, i);
	}
	struct sf_host *h = &d->hosts[i];
	uint32_t gen = h->gen;
	memset(h, 0, sizeof(*h));
	h->gen = gen;
	for (uint32_t k = 0; k < d->o.window_s; k++) {
		struct sf_bucket *b = &d->hbuckets[(size_t)i * d->o.window_s + k];
		memset(b, 0, sizeof(*b));
		b->sec = INT64_MIN;
	}
	h->used = true;
	h->v = ver;
	memcpy(h->addr, addr, 16);
	uint32_t s = host_slot(d, ver, addr);
	h->hnext = d->hhash[s];
	d->hhash[s] = i;
	sf_lru_push(&d->hlru, i);
	d->nhosts++;
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
	return (uint32_t)sf_hash(d->seed, key, sizeof(key)) & d->vhash_mask;
}

static uint32_t victim_find(struct rs_detect *d, uint8_t ver, const uint8_t *addr, uint16_t port)
{
	for (uint32_t i = d->vhash[victim_slot(d, ver, addr, port)]; i != SF_NIL;
	     i = d->victims[i].hnext) {
		const struct sf_victim *v = &d->victims[i];
		if (v->port == port && v->v == ver && memcmp(v->addr, addr, 16) == 0)
			return i;
	}
	return SF_NIL;
}

static void ho_evict(struct rs_detect *d, uint32_t i);

static void victim_evict(struct rs_detect *d, uint32_t i)
{
	struct sf_victim *v = &d->victims[i];
	if (v->as.alert)
		sf_victim_end(d, i);
	/* Its pending SYNs leave unanswered: for its host they are failed
	 * handshakes (a flood over more ports than this table holds). */
	while (v->ho_head != SF_NIL)
		ho_evict(d, v->ho_head);
	uint32_t *pp = &d->vhash[victim_slot(d, v->v, v->addr, v->port)];
	while (*pp != i)
		pp = &d->victims[*pp].hnext;
	*pp = v->hnext;
	sf_lru_unlink(&d->vlru, i);
	v->used = false;
	d->nvictims--;
	d->st.victim_evictions++;
	sf_evicted(d, SF_T_VICTIMS, 1);
}

/* The victim's index, made (evicting the least recently used) when new. */
static uint32_t victim_get(struct rs_detect *d, uint8_t ver, const uint8_t *addr, uint16_t port)
{
	uint32_t i = victim_find(d, ver, addr, port);
	if (i != SF_NIL) {
		sf_lru_touch(&d->vlru, i);
		struct sf_victim *v = &d->victims[i];
		if (!sf_host_of(d, v->host, v->host_gen)) {
			v->host = host_get(d, ver, addr);
			v->host_gen = d->hosts[v->host].gen;
		} else {
			sf_lru_touch(&d->hlru, v->host);
		}
		return i;
	}
	if (d->vfree < d->o.max_victims) {
		i = d->vfree++;
	} else {
		i = d->vlru.tail;
		victim_evict(d, i);
	}
	struct sf_victim *v = &d->victims[i];
	memset(v, 0, sizeof(*v));
	memset(&d->buckets[(size_t)i * d->o.window_s], 0, d->o.window_s * sizeof(struct sf_bucket));
	for (uint32_t k = 0; k < d->o.window_s; k++)
		d->buckets[(size_t)i * d->o.window_s + k].sec = INT64_MIN;
	v->used = true;
	v->v = ver;
	memcpy(v->addr, addr, 16);
	v->port = port;
	v->ho_head = v->ho_tail = v->ho_cursor = SF_NIL;
	v->host = host_get(d, ver, addr);
	v->host_gen = d->hosts[v->host].gen;
	uint32_t s = victim_slot(d, ver, addr, port);
	v->hnext = d->vhash[s];
	d->vhash[s] = i;
	sf_lru_push(&d->vlru, i);
	d->nvictims++;
	if (d->nvictims > d->st.victims_peak)
		d->st.victims_peak = d->nvictims;
	return i;
}

struct sf_bucket *sf_bucket_at(struct rs_detect *d, uint32_t vi, int64_t now)
{
	int64_t sec = now / SF_NS;
	struct sf_bucket *b = &d->buckets[(size_t)vi * d->o.window_s +
					  (uint64_t)sec % d->o.window_s];
	if (b->sec != sec) {
		memset(b, 0, sizeof(*b));
		b->sec = sec;
	}
	return b;
}

/* ---- half-open set ---------------------------------------------------- */

void sf_gone_add(struct rs_detect *d, uint64_t fp)
{
	if (d->now - d->gone_since >= SF_GONE_NS) {
		d->gone_cur ^= 1;
		memset(d->gone[d->gone_cur], 0, SF_GONE_BITS / 8);
		d->gone_since = d->now;
	}
	uint32_t b = (uint32_t)(fp >> 32) & (SF_GONE_BITS - 1);
	d->gone[d->gone_cur][b >> 3] |= (uint8_t)(1u << (b & 7));
}

static bool gone_has(const struct rs_detect *d, uint64_t fp)
{
	uint32_t b = (uint32_t)(fp >> 32) & (SF_GONE_BITS - 1);
	return ((d->gone[0][b >> 3] | d->gone[1][b >> 3]) >> (b & 7)) & 1;
}

static uint64_t ho_fp(const struct rs_detect *d, uint8_t ver, const uint8_t *caddr,
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
	return sf_hash(d->seed ^ 0x5a5a5a5a5a5a5a5aULL, key, sizeof(key));
}

static uint32_t ho_find(const struct rs_detect *d, uint64_t fp)
{
	for (uint32_t i = d->hohash[fp & d->hohash_mask]; i != SF_NIL; i = d->ho[i].hnext)
		if (d->ho[i].fp == fp)
			return i;
	return SF_NIL;
}

void sf_ho_remove(struct rs_detect *d, uint32_t i)
{
	struct sf_ho *e = &d->ho[i];
	struct sf_victim *v = &d->victims[e->victim];

	uint32_t *pp = &d->hohash[e->fp & d->hohash_mask];
	while (*pp != i)
		pp = &d->ho[*pp].hnext;
	*pp = e->hnext;

	if (v->ho_cursor == i)
		v->ho_cursor = e->vnext;
	if (e->vprev != SF_NIL)
		d->ho[e->vprev].vnext = e->vnext;
	else
		v->ho_head = e->vnext;
	if (e->vnext != SF_NIL)
		d->ho[e->vnext].vprev = e->vprev;
	else
		v->ho_tail = e->vprev;
	v->pending--;
	if (e->flags & SF_HO_AGED)
		v->aged--;
	struct sf_host *h = sf_host_of(d, e->host, e->host_gen);
	if (h) {
		h->pending--;
		if (e->flags & SF_HO_AGED)
			h->aged--;
	}

	if (e->gprev != SF_NIL)
		d->ho[e->gprev].gnext = e->gnext;
	else
		d->ho_ghead = e->gnext;
	if (e->gnext != SF_NIL)
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
	struct sf_ho *e = &d->ho[i];
	if (!(e->flags & SF_HO_AGED)) {
		struct sf_bucket *b = sf_bucket_at(d, e->victim, d->now);
		b->aged++;
		sf_hll_add(b->hll_fail, e->src_hash);
		if (sf_host_of(d, e->host, e->host_gen)) {
			b = sf_host_bucket_at(d, e->host, d->now);
			b->aged++;
			sf_hll_add(b->hll_fail, e->src_hash);
		}
	}
	sf_gone_add(d, e->fp);
	sf_ho_remove(d, i);
	d->st.half_open_evictions++;
}

static void ho_insert(struct rs_detect *d, uint32_t vi, uint64_t fp, uint32_t src_hash)
{
	struct sf_victim *v = &d->victims[vi];
	if (v->pending >= d->o.max_half_open_per_victim) {
		ho_evict(d, v->ho_head);
		sf_evicted(d, SF_T_HALF_OPEN, 1);
	}
	if (d->ho_free == SF_NIL) {
		ho_evict(d, d->ho_ghead);
		sf_evicted(d, SF_T_HALF_OPEN, 1);
	}
	uint32_t i = d->ho_free;
	struct sf_ho *e = &d->ho[i];
	d->ho_free = e->hnext;
	e->fp = fp;
	e->ts = d->now;
	e->victim = vi;
	e->src_hash = src_hash;
	e->host = v->host;
	e->host_gen = v->host_gen;
	struct sf_host *h = sf_host_of(d, v->host, v->host_gen);
	if (h)
		h->pending++;
	e->flags = 0;
	e->hnext = d->hohash[fp & d->hohash_mask];
	d->hohash[fp & d->hohash_mask] = i;
	e->vnext = SF_NIL;
	e->vprev = v->ho_tail;
	if (v->ho_tail != SF_NIL)
		d->ho[v->ho_tail].vnext = i;
	else
		v->ho_head = i;
	v->ho_tail = i;
	if (v->ho_cursor == SF_NIL)
		v->ho_cursor = i;
	v->pending++;
	e->gnext = SF_NIL;
	e->gprev = d->ho_gtail;
	if (d->ho_gtail != SF_NIL)
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
	return (uint32_t)sf_hash(d->seed ^ 0xa5a5a5a5ULL, key, sizeof(key)) & d->shash_mask;
}

static uint32_t scanner_find(struct rs_detect *d, uint8_t ver, const uint8_t *src,
			     const uint8_t *dst)
{
	for (uint32_t i = d->shash[scanner_slot(d, ver, src, dst)]; i != SF_NIL;
	     i = d->scanners[i].hnext) {
		const struct sf_scanner *s = &d->scanners[i];
		if (s->v == ver && memcmp(s->src, src, 16) == 0 && memcmp(s->dst, dst, 16) == 0)
			return i;
	}
	return SF_NIL;
}

void sf_scanner_free(struct rs_detect *d, uint32_t i)
{
	struct sf_scanner *s = &d->scanners[i];
	if (s->alert)
		sf_scanner_end(d, i);
	uint32_t *pp = &d->shash[scanner_slot(d, s->v, s->src, s->dst)];
	while (*pp != i)
		pp = &d->scanners[*pp].hnext;
	*pp = s->hnext;
	sf_lru_unlink(&d->slru, i);
	s->used = false;
	s->hnext = d->sfree_list;
	d->sfree_list = i;
	d->nscanners--;
}

static uint32_t scanner_get(struct rs_detect *d, uint8_t ver, const uint8_t *src,
			    const uint8_t *dst)
{
	uint32_t i = scanner_find(d, ver, src, dst);
	if (i != SF_NIL) {
		sf_lru_touch(&d->slru, i);
		return i;
	}
	if (d->nscanners >= d->o.max_scanners) {
		sf_scanner_free(d, d->slru.tail);
		d->st.scanner_evictions++;
		sf_evicted(d, SF_T_SCANNERS, 1);
	}
	/* Slots are handed out in order, then recycled through the free list. */
	if (d->sfree_list != SF_NIL) {
		i = d->sfree_list;
		d->sfree_list = d->scanners[i].hnext;
	} else {
		i = d->sfree++;
	}
	struct sf_scanner *s = &d->scanners[i];
	memset(s, 0, sizeof(*s));
	s->used = true;
	s->v = ver;
	memcpy(s->src, src, 16);
	memcpy(s->dst, dst, 16);
	s->crowd_checked_ns = INT64_MIN;
	uint32_t sl = scanner_slot(d, ver, src, dst);
	s->hnext = d->shash[sl];
	d->shash[sl] = i;
	sf_lru_push(&d->slru, i);
	d->nscanners++;
	return i;
}

/* ---- packets ---------------------------------------------------------- */

static uint32_t src_hash(const struct rs_packet *p, const uint8_t *addr)
{
	uint8_t key[17];
	memcpy(key, addr, 16);
	key[16] = p->ip.v;
	/* A fixed key: source counts do not change from run to run. */
	return (uint32_t)sf_hash(0x243f6a8885a308d3ULL, key, sizeof(key));
}

static void on_syn(struct rs_detect *d, const struct rs_packet *p)
{
	const struct rs_tcp *t = &p->tcp;
	uint32_t vi = victim_get(d, p->ip.v, p->ip.dst, t->dport);
	struct sf_victim *v = &d->victims[vi];
	struct sf_bucket *b = sf_bucket_at(d, vi, d->now);
	struct sf_host *h = &d->hosts[v->host];   /* victim_get made it current */
	struct sf_bucket *hb = sf_host_bucket_at(d, v->host, d->now);

	d->st.syns++;
	b->syn++;
	hb->syn++;
	if (v->as.alert)
		v->as.alert_syns++;
	if (h->as.alert)
		h->as.alert_syns++;
	uint32_t sh = src_hash(p, p->ip.src);
	sf_hll_add(b->hll_all, sh);
	sf_hll_add(hb->hll_all, sh);
	uint32_t pb = sf_port_bit(t->dport);
	if (!(h->port_bits[pb >> 3] & (1u << (pb & 7)))) {
		h->port_bits[pb >> 3] |= (uint8_t)(1u << (pb & 7));
		h->port_bits_set++;
	}
	uint64_t fp = ho_fp(d, p->ip.v, p->ip.src, t->sport, p->ip.dst, t->dport, t->seq);
	if (ho_find(d, fp) == SF_NIL)
		ho_insert(d, vi, fp, sh);
	sf_scanner_syn(d, scanner_get(d, p->ip.v, p->ip.src, p->ip.dst), t->dport);
}

/* The victim's bucket of this second and its host's (NULL when the host
 * was evicted since). */
static void buckets_now(struct rs_detect *d, uint32_t vi, struct sf_bucket **vb,
			struct sf_bucket **hb)
{
	const struct sf_victim *v = &d->victims[vi];
	*vb = sf_bucket_at(d, vi, d->now);
	*hb = sf_host_of(d, v->host, v->host_gen) ? sf_host_bucket_at(d, v->host, d->now) : NULL;
}

static void on_synack(struct rs_detect *d, const struct rs_packet *p)
{
	const struct rs_tcp *t = &p->tcp;
	struct sf_bucket *vb, *hb;
	uint64_t fp = ho_fp(d, p->ip.v, p->ip.dst, t->dport, p->ip.src, t->sport, t->ack - 1);
	uint32_t i = ho_find(d, fp);
	if (i != SF_NIL) {
		struct sf_ho *e = &d->ho[i];
		if (e->flags & SF_HO_SYNACK) {
			buckets_now(d, e->victim, &vb, &hb);
			vb->synack_retrans++;
			if (hb)
				hb->synack_retrans++;
		}
		e->flags |= SF_HO_SYNACK;
		return;
	}
	uint32_t vi = victim_get(d, p->ip.v, p->ip.src, t->sport);
	buckets_now(d, vi, &vb, &hb);
	if (gone_has(d, fp)) {
		/* Still retransmitting one we gave up on. */
		vb->synack_retrans++;
		if (hb)
			hb->synack_retrans++;
		return;
	}
	/* A SYN-ACK for a SYN we never saw: someone spoofed this address. */
	vb->backscatter++;
	if (hb)
		hb->backscatter++;
	d->st.backscatter++;
}

static void on_rst(struct rs_detect *d, const struct rs_packet *p)
{
	const struct rs_tcp *t = &p->tcp;
	/* From the victim: refuses (or resets) a pending handshake. */
	uint32_t vi = victim_find(d, p->ip.v, p->ip.src, t->sport);
	if (vi != SF_NIL) {
		struct sf_bucket *vb, *hb;
		buckets_now(d, vi, &vb, &hb);
		vb->victim_rsts++;
		if (hb)
			hb->victim_rsts++;
		if (t->flags & RS_TH_ACK) {
			uint64_t fp = ho_fp(d, p->ip.v, p->ip.dst, t->dport, p->ip.src, t->sport,
					    t->ack - 1);
			uint32_t i = ho_find(d, fp);
			if (i != SF_NIL)
				sf_ho_remove(d, i);
		}
		return;
	}
	/* From the client, answering the SYN-ACK: the handshake is off. */
	uint64_t fp = ho_fp(d, p->ip.v, p->ip.src, t->sport, p->ip.dst, t->dport, t->seq - 1);
	uint32_t i = ho_find(d, fp);
	if (i != SF_NIL)
		sf_ho_remove(d, i);
}

static void on_ack(struct rs_detect *d, const struct rs_packet *p)
{
	const struct rs_tcp *t = &p->tcp;
	if (d->nho == 0)
		return;
	uint64_t fp = ho_fp(d, p->ip.v, p->ip.src, t->sport, p->ip.dst, t->dport, t->seq - 1);
	uint32_t i = ho_find(d, fp);
	if (i == SF_NIL)
		return;
	struct sf_ho *e = &d->ho[i];
	struct sf_bucket *b = sf_bucket_at(d, e->victim, d->now);
	b->completed++;
	if (e->flags & SF_HO_AGED)
		b->late++;
	sf_hll_add(b->hll_done, e->src_hash);
	if (sf_host_of(d, e->host, e->host_gen)) {
		b = sf_host_bucket_at(d, e->host, d->now);
		b->completed++;
		if (e->flags & SF_HO_AGED)
			b->late++;
		sf_hll_add(b->hll_done, e->src_hash);
	}
	d->st.completed++;
	sf_ho_remove(d, i);
	uint32_t si = scanner_find(d, p->ip.v, p->ip.src, p->ip.dst);
	if (si != SF_NIL)
		d->scanners[si].completed++;
}

void rs_detect_packet(struct rs_detect *d, const struct rs_packet *p)
{
	d->st.packets++;
	int64_t ts = rs_packet_time_ns(p);
	d->ts_digits = p->ts_digits == 9 ? 9 : 6;
	sf_advance(d, ts);
	if (!p->has_ip || p->l4 != RS_LAYER_TCP || p->ip.is_later_fragment)
		return;
	d->st.tcp++;
	uint8_t f = p->tcp.flags;
	if ((f & (RS_TH_SYN | RS_TH_ACK | RS_TH_RST)) == RS_TH_SYN)
		on_syn(d, p);
	else if ((f & (RS_TH_SYN | RS_TH_ACK | RS_TH_RST)) == (RS_TH_SYN | RS_TH_ACK))
		on_synack(d, p);
	else if (f & RS_TH_RST)
		on_rst(d, p);
	else if ((f & (RS_TH_SYN | RS_TH_ACK)) == RS_TH_ACK)
		on_ack(d, p);
}
