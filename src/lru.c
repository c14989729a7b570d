/* lru.c: the index-linked LRU list of the bounded tables (lru.h). */
#include "rawshake/lru.h"

void rs_lru_init(struct rs_lru *l, void *base, size_t stride, size_t off)
{
	*l = (struct rs_lru){ RS_LRU_NIL, RS_LRU_NIL, (char *)base, stride, off };
}

void rs_lru_unlink(struct rs_lru *l, uint32_t i)
{
	struct rs_lru_link *e = rs_lru_link(l, i);
	if (e->prev != RS_LRU_NIL)
		rs_lru_link(l, e->prev)->next = e->next;
	else
		l->head = e->next;
	if (e->next != RS_LRU_NIL)
		rs_lru_link(l, e->next)->prev = e->prev;
	else
		l->tail = e->prev;
	e->prev = e->next = RS_LRU_NIL;
}

void rs_lru_push(struct rs_lru *l, uint32_t i)
{
	struct rs_lru_link *e = rs_lru_link(l, i);
	e->prev = RS_LRU_NIL;
	e->next = l->head;
	if (l->head != RS_LRU_NIL)
		rs_lru_link(l, l->head)->prev = i;
	l->head = i;
	if (l->tail == RS_LRU_NIL)
		l->tail = i;
}

void rs_lru_touch(struct rs_lru *l, uint32_t i)
{
	if (l->head != i) {
		rs_lru_unlink(l, i);
		rs_lru_push(l, i);
	}
}
