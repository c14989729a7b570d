/* lru.h: a doubly linked LRU list threaded through an array by index.
 *
 * Bounded tables (the tracker's connections, the detector's victims,
 * hosts and scanners) keep their entries in one array allocated at start
 * and order them by last use with two 32-bit links inside each entry, so
 * that eviction is O(1) and nothing is allocated per packet.  The list
 * knows the array (base, element size, where the links sit); an entry is
 * on at most one list at a time. */
#ifndef RAWSHAKE_LRU_H
#define RAWSHAKE_LRU_H

#include <stddef.h>
#include <stdint.h>

#define RS_LRU_NIL UINT32_MAX

struct rs_lru_link {
	uint32_t prev, next;
};

/* head: the most recently used; tail: the least (the next to evict). */
struct rs_lru {
	uint32_t head, tail;
	char *base;
	size_t stride, off;
};

static inline struct rs_lru_link *rs_lru_link(const struct rs_lru *l, uint32_t i)
{
	return (struct rs_lru_link *)(void *)(l->base + l->stride * i + l->off);
}

/* An empty list over `base`: elements of `stride` bytes, links at `off`. */
void rs_lru_init(struct rs_lru *l, void *base, size_t stride, size_t off);
/* Takes i off the list (it must be on it). */
void rs_lru_unlink(struct rs_lru *l, uint32_t i);
/* Puts i (on no list) at the head. */
void rs_lru_push(struct rs_lru *l, uint32_t i);
/* Moves i (on the list) to the head. */
void rs_lru_touch(struct rs_lru *l, uint32_t i);

#endif
