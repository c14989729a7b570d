/*
 * tracker_table.c: the tracker's bounded connection table.
 *
 * Chained hashing over preallocated slots: slots and bucket heads are
 * arrays indexed by uint32_t, allocated small and doubled (never beyond
 * the maximum) when full, so a short capture uses little memory and a
 * flood cannot grow it past the bound.  The hash covers every byte of
 * the canonical key (unlike tcpdump's address cache, which hashes a few
 * octets).  Three LRU lists (half-open, closed, open) give O(1) eviction
 * and idle expiry in packet-time order.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "tracker_int.h"

_Static_assert(sizeof(struct rs_conn) + sizeof(uint32_t) <= RS_TRACKER_CONN_BYTES,
	       "RS_TRACKER_CONN_BYTES in tracker.h must bound a connection slot");
_Static_assert(sizeof(struct rs_conn_key) == 40, "the key is hashed as five words");

static uint64_t rotl(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

/* xxHash64's round and avalanche over the five 64-bit words of the key. */
uint64_t rs_tracker_table_hash(const struct rs_conn_table *ct, const struct rs_conn_key *k)
{
	return rs_tracker_key_hash(ct->seed, k);
}

uint64_t rs_tracker_key_hash(uint64_t seed, const struct rs_conn_key *k)
{
	const uint64_t p1 = 0x9E3779B185EBCA87ull, p2 = 0xC2B2AE3D27D4EB4Full;
	const uint64_t p3 = 0x165667B19E3779F9ull, p4 = 0x85EBCA77C2B2AE63ull;
	const unsigned char *b = (const unsigned char *)k;
	uint64_t h = seed + p3 + sizeof(*k);

	for (size_t i = 0; i < sizeof(*k); i += 8) {
		uint64_t w;
		memcpy(&w, b + i, 8);
		w *= p2;
		w = rotl(w, 31) * p1;
		h ^= w;
		h = rotl(h, 27) * p1 + p4;
	}
	h ^= h >> 33;
	h *= p2;
	h ^= h >> 29;
	h *= p3;
	h ^= h >> 32;
	return h;
}

static void lru_unlink(struct rs_conn_table *ct, uint32_t i)
{
	struct rs_conn *c = &ct->slots[i];
	if (c->lru >= RS_LRU_COUNT)
		return;
	rs_lru_unlink(&ct->lru[c->lru], i);
	c->lru = RS_LRU_COUNT;
}

void rs_tracker_table_touch(struct rs_conn_table *ct, uint32_t i, enum rs_lru_list l)
{
	struct rs_conn *c = &ct->slots[i];
	if (c->lru == l && ct->lru[l].head == i)
		return;
	lru_unlink(ct, i);
	c->lru = (uint8_t)l;
	rs_lru_push(&ct->lru[l], i);
}

/* The lists know where the slots are: after they move, tell them. */
static void lru_rebase(struct rs_conn_table *ct)
{
	for (int l = 0; l < RS_LRU_COUNT; l++)
		ct->lru[l].base = (char *)ct->slots;
}

/* Adds slots [from, to) to the free list. */
static void free_range(struct rs_conn_table *ct, uint32_t from, uint32_t to)
{
	for (uint32_t i = to; i-- > from;) {
		ct->slots[i].lru = RS_LRU_COUNT;
		ct->slots[i].id = 0;
		ct->slots[i].hnext = ct->free_head;
		ct->free_head = i;
	}
}

static void rehash(struct rs_conn_table *ct)
{
	for (uint32_t b = 0; b <= ct->mask; b++)
		ct->buckets[b] = RS_NIL;
	for (uint32_t i = 0; i < ct->cap; i++) {
		struct rs_conn *c = &ct->slots[i];
		if (c->id == 0)
			continue;
		uint32_t b = (uint32_t)(rs_tracker_table_hash(ct, &c->key) & ct->mask);
		c->hnext = ct->buckets[b];
		ct->buckets[b] = i;
	}
}

static uint32_t pow2_at_least(uint32_t n)
{
	uint32_t p = 1;
	while (p < n && p < (1u << 31))
		p <<= 1;
	return p;
}

bool rs_tracker_table_init(struct rs_conn_table *ct, uint32_t initial, uint32_t max, uint64_t seed)
{
	memset(ct, 0, sizeof(*ct));
	if (max == 0)
		max = 1;
	if (initial == 0 || initial > max)
		initial = max;
	ct->max = max;
	ct->seed = seed;
	ct->cap = initial;
	ct->mask = pow2_at_least(initial) - 1;
	ct->free_head = RS_NIL;
	ct->slots = calloc(ct->cap, sizeof(*ct->slots));
	for (int l = 0; l < RS_LRU_COUNT; l++)
		rs_lru_init(&ct->lru[l], ct->slots, sizeof(*ct->slots),
			    offsetof(struct rs_conn, lru_link));
	ct->buckets = malloc(((size_t)ct->mask + 1) * sizeof(*ct->buckets));
	if (!ct->slots || !ct->buckets) {
		rs_tracker_table_destroy(ct);
		return false;
	}
	free_range(ct, 0, ct->cap);
	rehash(ct);
	return true;
}

void rs_tracker_table_destroy(struct rs_conn_table *ct)
{
	free(ct->slots);
	free(ct->buckets);
	ct->slots = NULL;
	ct->buckets = NULL;
	ct->cap = ct->used = 0;
}

/* Doubles the slots (up to max); false when at max or out of memory. */
static bool grow(struct rs_conn_table *ct)
{
	if (ct->cap >= ct->max)
		return false;
	uint32_t ncap = ct->cap > ct->max / 2 ? ct->max : ct->cap * 2;
	uint32_t nmask = pow2_at_least(ncap) - 1;
	struct rs_conn *s = realloc(ct->slots, (size_t)ncap * sizeof(*s));
	if (!s) {
		ct->alloc_failed++;
		return false;
	}
	ct->slots = s;
	lru_rebase(ct);
	memset(s + ct->cap, 0, (size_t)(ncap - ct->cap) * sizeof(*s));
	if (nmask != ct->mask) {
		uint32_t *b = realloc(ct->buckets, ((size_t)nmask + 1) * sizeof(*b));
		if (!b) {
			/* Keep the old bucket array: still correct, just longer chains. */
			ct->alloc_failed++;
		} else {
			ct->buckets = b;
			ct->mask = nmask;
		}
	}
	free_range(ct, ct->cap, ncap);
	ct->cap = ncap;
	rehash(ct);
	return true;
}

uint32_t rs_tracker_table_lookup(const struct rs_conn_table *ct, const struct rs_conn_key *k, uint64_t h)
{
	for (uint32_t i = ct->buckets[h & ct->mask]; i != RS_NIL; i = ct->slots[i].hnext)
		if (memcmp(&ct->slots[i].key, k, sizeof(*k)) == 0)
			return i;
	return RS_NIL;
}

uint32_t rs_tracker_table_insert(struct rs_conn_table *ct, const struct rs_conn_key *k, uint64_t h)
{
	if (ct->free_head == RS_NIL && !grow(ct))
		return RS_NIL;
	if (ct->free_head == RS_NIL)
		return RS_NIL;
	uint32_t i = ct->free_head;
	struct rs_conn *c = &ct->slots[i];
	ct->free_head = c->hnext;
	memset(c, 0, sizeof(*c));
	c->key = *k;
	c->lru_link.prev = c->lru_link.next = RS_LRU_NIL;
	c->lru = RS_LRU_COUNT;
	uint32_t b = (uint32_t)(h & ct->mask);
	c->hnext = ct->buckets[b];
	ct->buckets[b] = i;
	ct->used++;
	return i;
}

void rs_tracker_table_remove(struct rs_conn_table *ct, uint32_t i)
{
	struct rs_conn *c = &ct->slots[i];
	uint32_t b = (uint32_t)(rs_tracker_table_hash(ct, &c->key) & ct->mask);
	uint32_t *pp = &ct->buckets[b];
	while (*pp != RS_NIL && *pp != i)
		pp = &ct->slots[*pp].hnext;
	if (*pp == i)
		*pp = c->hnext;
	lru_unlink(ct, i);
	c->id = 0;
	c->hnext = ct->free_head;
	ct->free_head = i;
	ct->used--;
}

uint32_t rs_tracker_table_victim(const struct rs_conn_table *ct)
{
	uint32_t a = ct->lru[RS_LRU_CLOSED].tail, b = ct->lru[RS_LRU_HALFOPEN].tail;
	if (a != RS_NIL && b != RS_NIL)
		return ct->slots[a].last_ns <= ct->slots[b].last_ns ? a : b;
	if (a != RS_NIL)
		return a;
	if (b != RS_NIL)
		return b;
	return ct->lru[RS_LRU_OPEN].tail;
}
