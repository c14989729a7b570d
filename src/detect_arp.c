/*
 * detect_arp.c: signs of ARP spoofing (and its IPv6 twin, forged
 * neighbour advertisements) in what the link carries:
 *
 *   arp-spoof              an address claimed by a second MAC while the
 *                          first claimed it less than --arp-window ago
 *                          (what arpwatch calls "flip flop");
 *   arp-gratuitous-flood   more gratuitous messages (sender IP = target
 *                          IP, RFC 5227's announcements) a second than
 *                          --arp-gratuitous-rate, as a poisoner that keeps
 *                          the caches it poisoned sends them;
 *   arp-unsolicited-reply  a reply from S to T when T asked nothing about
 *                          S in the last --arp-request-ms (Linux takes a
 *                          reply it did not ask for only when it already
 *                          has an entry: that is the poisoning).
 *
 * Bindings sit in one array allocated at start, hashed and evicted
 * least-recently-used; requests in a fixed ring.  Nothing per packet.
 */
#include "detect_int.h"

#include <stdlib.h>
#include <string.h>

size_t detect_arp_mem(const struct rs_detect_opts *o)
{
	return (size_t)o->max_arp * sizeof(struct detect_arp_bind) +
	       (size_t)detect_pow2_at_least(o->max_arp * 2) * sizeof(uint32_t);
}

bool detect_arp_alloc(struct rs_detect *d)
{
	struct detect_arp *a = &d->arp;
	uint32_t nh = detect_pow2_at_least(d->o.max_arp * 2);

	a->bind = calloc(d->o.max_arp, sizeof(*a->bind));
	a->hash = malloc((size_t)nh * sizeof(*a->hash));
	if (!a->bind || !a->hash)
		return false;
	for (uint32_t i = 0; i < nh; i++)
		a->hash[i] = DETECT_NIL;
	a->hash_mask = nh - 1;
	rs_lru_init(&a->lru, a->bind, sizeof(*a->bind), offsetof(struct detect_arp_bind, lru));
	a->g_slot = INT64_MIN;
	return true;
}

void detect_arp_free(struct rs_detect *d)
{
	free(d->arp.bind);
	free(d->arp.hash);
	d->arp.bind = NULL;
	d->arp.hash = NULL;
}

static uint32_t addr_hash(const struct rs_detect *d, uint8_t v, const uint8_t *ip)
{
	uint64_t h = d->seed ^ 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < (v == 4 ? 4u : 16u); i++)
		h = (h ^ ip[i]) * 0x100000001b3ULL;
	return (uint32_t)(h ^ (h >> 32));
}

static uint32_t bind_find(struct rs_detect *d, uint8_t v, const uint8_t *ip, uint32_t h)
{
	struct detect_arp *a = &d->arp;
	for (uint32_t i = a->hash[h & a->hash_mask]; i != DETECT_NIL; i = a->bind[i].hnext)
		if (a->bind[i].v == v && memcmp(a->bind[i].ip, ip, v == 4 ? 4 : 16) == 0)
			return i;
	return DETECT_NIL;
}

static void hash_remove(struct detect_arp *a, uint32_t i, uint32_t h)
{
	uint32_t *pp = &a->hash[h & a->hash_mask];
	while (*pp != DETECT_NIL && *pp != i)
		pp = &a->bind[*pp].hnext;
	if (*pp == i)
		*pp = a->bind[i].hnext;
}

/* A new binding: a never-used slot, else the least recently used one. */
static uint32_t bind_new(struct rs_detect *d, uint8_t v, const uint8_t *ip, uint32_t h)
{
	struct detect_arp *a = &d->arp;
	uint32_t i;

	if (a->nused < d->o.max_arp) {
		i = a->nused++;
	} else {
		i = a->lru.tail;
		struct detect_arp_bind *old = &a->bind[i];
		hash_remove(a, i, addr_hash(d, old->v, old->ip));
		rs_lru_unlink(&a->lru, i);
		d->st.arp_evictions++;
	}
	struct detect_arp_bind *b = &a->bind[i];
	memset(b, 0, sizeof(*b));
	b->used = true;
	b->v = v;
	memcpy(b->ip, ip, v == 4 ? 4 : 16);
	b->alerted_ns = INT64_MIN;
	b->hnext = a->hash[h & a->hash_mask];
	a->hash[h & a->hash_mask] = i;
	rs_lru_push(&a->lru, i);
	return i;
}

static void alert_base(struct rs_detect *d, struct rs_detect_alert *al, enum rs_detect_alert_kind k,
		       enum rs_detect_alert_phase ph, uint8_t v, const uint8_t *ip, const uint8_t *mac)
{
	memset(al, 0, sizeof(*al));
	al->kind = k;
	al->phase = ph;
	al->ts_ns = d->now;
	al->ts_digits = d->ts_digits;
	al->v = v;
	if (ip)
		memcpy(al->victim, ip, v == 4 ? 4 : 16);
	if (mac)
		memcpy(al->mac, mac, 6);
}

static void emit(struct rs_detect *d, const struct rs_detect_alert *al)
{
	if (al->phase == RS_DETECT_ALERT_START)
		d->st.alerts++;
	if (d->o.on_alert)
		d->o.on_alert(d->o.ctx, al);
}

/* mac says it holds ip (a sender's pair, an advertisement's target). */
static void claim(struct rs_detect *d, uint8_t v, const uint8_t *ip, const uint8_t *mac)
{
	struct detect_arp *a = &d->arp;
	uint32_t h = addr_hash(d, v, ip), i = bind_find(d, v, ip, h);

	if (i == DETECT_NIL) {
		i = bind_new(d, v, ip, h);
		memcpy(a->bind[i].mac, mac, 6);
		a->bind[i].seen_ns = d->now;
		return;
	}
	struct detect_arp_bind *b = &a->bind[i];
	rs_lru_touch(&a->lru, i);
	int64_t age = d->now - b->seen_ns;
	if (memcmp(b->mac, mac, 6) != 0 && age < (int64_t)d->o.arp_window_ms * 1000000 &&
	    (b->alerted_ns == INT64_MIN ||
	     d->now - b->alerted_ns >= (int64_t)d->o.update_ms * 1000000)) {
		struct rs_detect_alert al;
		alert_base(d, &al, RS_DETECT_ALERT_ARP_SPOOF, RS_DETECT_ALERT_START, v, ip, mac);
		memcpy(al.old_mac, b->mac, 6);
		al.age = (double)age / DETECT_NS;
		b->alerted_ns = d->now;
		d->st.arp_spoof_alerts++;
		emit(d, &al);
	}
	memcpy(b->mac, mac, 6);
	b->seen_ns = d->now;
}

static void gratuitous_end(struct rs_detect *d)
{
	struct detect_arp *a = &d->arp;
	struct rs_detect_alert al;

	alert_base(d, &al, RS_DETECT_ALERT_ARP_GRATUITOUS, RS_DETECT_ALERT_END, 4, NULL, a->g_mac);
	al.ts_ns = a->g_last_ns;
	al.duration = (double)(a->g_last_ns - a->g_start_ns) / DETECT_NS;
	al.peak_rate = a->g_peak;
	al.total_syns = a->g_total;
	a->g_alert = false;
	emit(d, &al);
}

/* A slot number's place in the ring (times before 1970 are negative). */
static unsigned slot_at(int64_t slot)
{
	int64_t i = slot % DETECT_ARP_SLOTS;
	return (unsigned)(i < 0 ? i + DETECT_ARP_SLOTS : i);
}

/* The slots moved on to the one of `now` (older ones cleared); the count
 * of the second up to now.  A clock that went back keeps the slots. */
static uint32_t gratuitous_window(struct detect_arp *a, int64_t now)
{
	int64_t slot = now / DETECT_ARP_SLOT_NS;
	uint32_t n = 0;

	if (a->g_slot == INT64_MIN || slot - a->g_slot >= DETECT_ARP_SLOTS) {
		memset(a->g_slots, 0, sizeof(a->g_slots));
		a->g_slot = slot;
	}
	for (; a->g_slot < slot; a->g_slot++)
		a->g_slots[slot_at(a->g_slot + 1)] = 0;
	for (unsigned i = 0; i < DETECT_ARP_SLOTS; i++)
		n += a->g_slots[i];
	return n;
}

/* Counted over the last second of capture time (10 slots); a message that
 * finds the second before it below the rate, or none for a second, ends it. */
static void gratuitous(struct rs_detect *d, const struct rs_arp *m)
{
	struct detect_arp *a = &d->arp;
	uint32_t before = gratuitous_window(a, d->now);

	if (a->g_alert && before < d->o.arp_gratuitous_rate)
		gratuitous_end(d);
	uint32_t n = before + 1;
	a->g_slots[slot_at(a->g_slot)]++;
	memcpy(a->g_mac, m->sha, 6);
	if (a->g_alert) {
		a->g_total++;
		a->g_last_ns = d->now;
		if (n > a->g_peak)
			a->g_peak = n;
	} else if (n >= d->o.arp_gratuitous_rate) {
		struct rs_detect_alert al;
		a->g_alert = true;
		a->g_start_ns = a->g_last_ns = d->now;
		a->g_peak = n;
		a->g_total = n;
		alert_base(d, &al, RS_DETECT_ALERT_ARP_GRATUITOUS, RS_DETECT_ALERT_START, 4, m->spa,
			   m->sha);
		al.peak_rate = a->g_peak;
		al.total_syns = a->g_total;
		d->st.arp_gratuitous_alerts++;
		emit(d, &al);
	}
}

/* A reply from spa to tpa answers a request from tpa about spa; one
 * request, one answer: a second reply to it (a poisoner racing the real
 * host) answers nothing. */
static bool requested(struct rs_detect *d, const struct rs_arp *m)
{
	int64_t oldest = d->now - (int64_t)d->o.arp_request_ms * 1000000;
	for (uint32_t k = 0; k < DETECT_ARP_REQS; k++) {
		struct detect_arp_req *q = &d->arp.req[k];
		if (q->ts_ns && q->ts_ns >= oldest && memcmp(q->tpa, m->spa, 4) == 0 &&
		    memcmp(q->spa, m->tpa, 4) == 0) {
			q->ts_ns = 0;
			return true;
		}
	}
	return false;
}

static void on_arp(struct rs_detect *d, const struct rs_arp *m)
{
	static const uint8_t zero[4];
	struct detect_arp *a = &d->arp;
	bool grat = m->kind == RS_ARP_GRATUITOUS_REQUEST || m->kind == RS_ARP_GRATUITOUS_REPLY;

	if (m->kind == RS_ARP_REQUEST) {
		struct detect_arp_req *q = &a->req[a->req_next++ % DETECT_ARP_REQS];
		memcpy(q->spa, m->spa, 4);
		memcpy(q->tpa, m->tpa, 4);
		q->ts_ns = d->now ? d->now : 1;
	} else if (m->kind == RS_ARP_REPLY && !requested(d, m)) {
		struct rs_detect_alert al;
		alert_base(d, &al, RS_DETECT_ALERT_ARP_UNSOLICITED, RS_DETECT_ALERT_START, 4, m->spa,
			   m->sha);
		memcpy(al.source, m->tpa, 4);
		memcpy(al.old_mac, m->tha, 6);
		d->st.arp_unsolicited_alerts++;
		emit(d, &al);
	}
	if (grat)
		gratuitous(d, m);
	if (memcmp(m->spa, zero, 4) != 0)   /* a probe claims nothing yet */
		claim(d, 4, m->spa, m->sha);
}

void detect_arp_packet(struct rs_detect *d, const struct rs_packet *p)
{
	static const uint8_t unspec[16];

	d->st.arp++;
	if (p->has_arp) {
		if (p->arp.ether_ipv4)
			on_arp(d, &p->arp);
		return;
	}
	/* Neighbour discovery: an advertisement's target, a solicitation's
	 * source (not ::, duplicate address detection). */
	if (p->icmp.type == 136 && p->icmp.has_nd_tll)
		claim(d, 6, p->icmp.nd_target, p->icmp.nd_tll);
	else if (p->icmp.type == 135 && p->icmp.has_nd_sll && memcmp(p->ip.src, unspec, 16) != 0)
		claim(d, 6, p->ip.src, p->icmp.nd_sll);
}

void detect_arp_finish(struct rs_detect *d)
{
	if (d->arp.g_alert)
		gratuitous_end(d);
}
