/*
 * synflood_eval.c: the detector's clock and its decisions.  Every 100 ms of
 * capture time each victim's pending SYNs are aged (past the grace period
 * they count as half-open) and expired (past the handshake timeout they
 * are given up), and its alert state machine runs:
 *
 *   quiet --(rate >= R, half-open >= H, completion <= C)--> alerting
 *   alerting --(rate < R or completion > C for the hold time)--> quiet
 *
 * Rates and ratios are over the last second (the current one-second
 * bucket plus the previous one weighted by the part of it still inside
 * the second); sources and counters over the whole window.
 */
#include "synflood_int.h"

#include <math.h>
#include <string.h>

/* ---- HyperLogLog source counts ---------------------------------------- */

void sf_hll_add(uint8_t *reg, uint32_t h)
{
	uint32_t idx = h & (SF_HLL_M - 1);
	uint32_t w = h >> SF_HLL_BITS;
	uint8_t rank = w ? (uint8_t)(__builtin_ctz(w) + 1) : (uint8_t)(32 - SF_HLL_BITS + 1);
	if (reg[idx] < rank)
		reg[idx] = rank;
}

static uint32_t hll_estimate(const uint8_t *reg)
{
	double sum = 0;
	unsigned zeros = 0;
	for (unsigned i = 0; i < SF_HLL_M; i++) {
		sum += ldexp(1.0, -(int)reg[i]);
		if (!reg[i])
			zeros++;
	}
	double m = SF_HLL_M;
	double e = 0.7213 / (1 + 1.079 / m) * m * m / sum;
	if (e <= 2.5 * m && zeros)
		e = m * log(m / zeros);
	return (uint32_t)(e + 0.5);
}

/* ---- window sums -------------------------------------------------------- */

struct recent {
	double syn, completed, aged, late;
};

/* The last second: this second's bucket and the rest of the previous one. */
static struct recent recent_of(struct rs_synflood *d, uint32_t vi)
{
	struct recent r = { 0, 0, 0, 0 };
	int64_t sec = d->now / SF_NS;
	double w_prev = 1.0 - (double)(d->now % SF_NS) / (double)SF_NS;
	const struct sf_bucket *base = &d->buckets[(size_t)vi * d->o.window_s];
	const struct sf_bucket *cur = &base[(uint64_t)sec % d->o.window_s];
	const struct sf_bucket *prev = &base[(uint64_t)(sec - 1) % d->o.window_s];
	if (cur->sec == sec) {
		r.syn += cur->syn;
		r.completed += cur->completed;
		r.aged += cur->aged;
		r.late += cur->late;
	}
	if (prev->sec == sec - 1) {
		r.syn += w_prev * prev->syn;
		r.completed += w_prev * prev->completed;
		r.aged += w_prev * prev->aged;
		r.late += w_prev * prev->late;
	}
	return r;
}

static double completion_of(const struct recent *r)
{
	double fail = r->aged > r->late ? r->aged - r->late : 0;
	return r->completed + fail > 0 ? r->completed / (r->completed + fail) : 1.0;
}

/* SYNs past the grace period; when the victim's share of the table is
 * full (a flood faster than the table holds SYNs for the grace period),
 * every pending SYN. */
static uint32_t half_open_of(const struct rs_synflood *d, const struct sf_victim *v)
{
	if (v->pending >= d->o.max_half_open_per_victim || d->nho >= d->o.max_half_open)
		return v->pending > v->aged ? v->pending : v->aged;
	return v->aged;
}

/* Fills the evidence of victim vi into a (everything but kind and phase). */
static void victim_evidence(struct rs_synflood *d, uint32_t vi, struct rs_alert *a)
{
	const struct sf_victim *v = &d->victims[vi];
	struct recent r = recent_of(d, vi);
	uint8_t all[SF_HLL_M], done[SF_HLL_M], fail[SF_HLL_M];
	int64_t sec = d->now / SF_NS;

	memset(all, 0, sizeof(all));
	memset(done, 0, sizeof(done));
	memset(fail, 0, sizeof(fail));
	a->ts_ns = d->now;
	a->ts_digits = d->ts_digits;
	a->v = v->v;
	memcpy(a->victim, v->addr, 16);
	a->port = v->port;
	a->syn_rate = r.syn;
	a->half_open = half_open_of(d, v);
	a->completion = completion_of(&r);
	for (uint32_t k = 0; k < d->o.window_s; k++) {
		const struct sf_bucket *b = &d->buckets[(size_t)vi * d->o.window_s + k];
		if (b->sec <= sec - (int64_t)d->o.window_s || b->sec > sec)
			continue;
		for (unsigned j = 0; j < SF_HLL_M; j++) {
			if (all[j] < b->hll_all[j])
				all[j] = b->hll_all[j];
			if (done[j] < b->hll_done[j])
				done[j] = b->hll_done[j];
			if (fail[j] < b->hll_fail[j])
				fail[j] = b->hll_fail[j];
		}
		a->synack_retrans += b->synack_retrans;
		a->victim_rsts += b->victim_rsts;
		a->backscatter += b->backscatter;
	}
	a->sources = hll_estimate(all);
	/* Sources that never completed: those with a SYN left unanswered,
	 * but no more than all sources less those that completed one (each
	 * estimate alone errs by some 9%). */
	uint32_t ok = hll_estimate(done), failed = hll_estimate(fail);
	uint32_t rest = a->sources > ok ? a->sources - ok : 0;
	a->never_completed = failed < rest ? failed : rest;
	/* Many distinct sources that never complete a handshake: addresses
	 * made up by the sender (or a large botnet that does not care). */
	a->spoofed = a->never_completed >= d->o.spoof_sources;
	a->duration = v->alert ? (double)(d->now - v->start_ns) / SF_NS : 0;
	a->peak_rate = v->peak;
	a->total_syns = v->alert_syns;
}

void sf_emit(struct rs_synflood *d, const struct rs_alert *a)
{
	if (d->o.on_alert)
		d->o.on_alert(d->o.ctx, a);
	if (d->o.out && !(d->o.no_updates && a->phase == RS_ALERT_UPDATE))
		rs_alert_print(d->o.out, d->o.format, a);
}

static void victim_emit(struct rs_synflood *d, uint32_t vi, enum rs_alert_phase ph)
{
	struct rs_alert a;
	memset(&a, 0, sizeof(a));
	a.kind = RS_ALERT_SYN_FLOOD;
	a.phase = ph;
	victim_evidence(d, vi, &a);
	sf_emit(d, &a);
}

void sf_victim_end(struct rs_synflood *d, uint32_t vi)
{
	victim_emit(d, vi, RS_ALERT_END);
	d->victims[vi].alert = false;
}

static uint64_t window_syns(struct rs_synflood *d, uint32_t vi)
{
	uint64_t n = 0;
	int64_t sec = d->now / SF_NS;
	for (uint32_t k = 0; k < d->o.window_s; k++) {
		const struct sf_bucket *b = &d->buckets[(size_t)vi * d->o.window_s + k];
		if (b->sec > sec - (int64_t)d->o.window_s && b->sec <= sec)
			n += b->syn;
	}
	return n;
}

/* Ages and expires vi's pending SYNs, then runs its alert state machine. */
static void victim_tick(struct rs_synflood *d, uint32_t vi)
{
	struct sf_victim *v = &d->victims[vi];
	int64_t grace = (int64_t)d->o.grace_ms * 1000000, timeout = (int64_t)d->o.timeout_ms * 1000000;

	while (v->ho_cursor != SF_NIL && d->ho[v->ho_cursor].ts <= d->now - grace) {
		struct sf_ho *e = &d->ho[v->ho_cursor];
		struct sf_bucket *b = sf_bucket_at(d, vi, d->now);
		e->flags |= SF_HO_AGED;
		v->aged++;
		b->aged++;
		sf_hll_add(b->hll_fail, e->src_hash);
		v->ho_cursor = e->vnext;
	}
	while (v->ho_head != SF_NIL && d->ho[v->ho_head].ts <= d->now - timeout) {
		sf_bucket_at(d, vi, d->now)->given_up++;
		d->st.given_up++;
		sf_gone_add(d, d->ho[v->ho_head].fp);
		sf_ho_remove(d, v->ho_head);
	}
	if (!v->alert && half_open_of(d, v) < d->o.half_open)
		return;

	struct recent r = recent_of(d, vi);
	double completion = completion_of(&r);
	bool keep = r.syn >= d->o.syn_rate && completion <= d->o.completion;
	if (!v->alert) {
		if (!keep)
			return;
		v->alert = true;
		v->start_ns = v->last_update_ns = d->now;
		v->below_since_ns = INT64_MIN;
		v->peak = r.syn;
		v->alert_syns = window_syns(d, vi);
		d->st.alerts++;
		d->st.flood_alerts++;
		victim_emit(d, vi, RS_ALERT_START);
		return;
	}
	if (r.syn > v->peak)
		v->peak = r.syn;
	if (keep)
		v->below_since_ns = INT64_MIN;
	else if (v->below_since_ns == INT64_MIN)
		v->below_since_ns = d->now;
	if (v->below_since_ns != INT64_MIN &&
	    d->now - v->below_since_ns >= (int64_t)d->o.hold_ms * 1000000) {
		sf_victim_end(d, vi);
		return;
	}
	if (d->now - v->last_update_ns >= (int64_t)d->o.update_ms * 1000000) {
		v->last_update_ns = d->now;
		victim_emit(d, vi, RS_ALERT_UPDATE);
	}
}

/* ---- scans -------------------------------------------------------------- */

/* Distinct ports, estimated by linear counting over the bitmap; never
 * more than the SYNs that set it (the estimate can overshoot by a few). */
static uint32_t scanner_ports(const struct sf_scanner *s)
{
	uint32_t est;
	if (s->set_bits >= SF_SCAN_BITS) {
		est = 65536;
	} else {
		double m = SF_SCAN_BITS, z = SF_SCAN_BITS - s->set_bits;
		double n = -m * log(z / m);
		est = n > 65536 ? 65536 : (uint32_t)(n + 0.5);
	}
	return s->syns < est ? (uint32_t)s->syns : est;
}

static void scanner_emit(struct rs_synflood *d, uint32_t si, enum rs_alert_phase ph)
{
	const struct sf_scanner *s = &d->scanners[si];
	struct rs_alert a;
	memset(&a, 0, sizeof(a));
	a.kind = RS_ALERT_PORT_SCAN;
	a.phase = ph;
	a.ts_ns = d->now;
	a.ts_digits = d->ts_digits;
	a.v = s->v;
	memcpy(a.victim, s->dst, 16);
	memcpy(a.source, s->src, 16);
	a.sources = 1;
	a.ports = scanner_ports(s);
	a.total_syns = s->syns;
	a.duration = (double)(d->now - s->start_ns) / SF_NS;
	a.completion = s->syns ? (double)s->completed / (double)s->syns : 1.0;
	if (a.completion > 1)
		a.completion = 1;
	sf_emit(d, &a);
}

void sf_scanner_syn(struct rs_synflood *d, uint32_t si, uint16_t port)
{
	struct sf_scanner *s = &d->scanners[si];
	/* A random-looking spread (murmur3's finaliser), as linear counting assumes. */
	uint32_t h = (uint32_t)port ^ 0x5bd1e995u;
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	uint32_t bit = h & (SF_SCAN_BITS - 1);
	s->syns++;
	s->last_syn_ns = d->now;
	if (!(s->bits[bit >> 3] & (1u << (bit & 7)))) {
		s->bits[bit >> 3] |= (uint8_t)(1u << (bit & 7));
		s->set_bits++;
	}
	if (s->alert || s->set_bits < d->o.scan_ports)
		return;
	uint32_t ports = scanner_ports(s);
	if (ports >= d->o.scan_ports && s->completed * 2 <= s->syns) {
		s->alert = true;
		s->start_ns = s->last_update_ns = d->now;
		s->ports_at_update = ports;
		d->st.alerts++;
		d->st.scan_alerts++;
		scanner_emit(d, si, RS_ALERT_START);
	}
}

void sf_scanner_end(struct rs_synflood *d, uint32_t si)
{
	scanner_emit(d, si, RS_ALERT_END);
	d->scanners[si].alert = false;
}

/* ---- the clock ---------------------------------------------------------- */

/* One decision round at d->now; true while anything still needs the clock. */
static bool sweep(struct rs_synflood *d)
{
	bool busy = false;
	for (uint32_t vi = d->vlru.head; vi != SF_NIL;) {
		uint32_t next = d->victims[vi].lru_next;
		victim_tick(d, vi);
		if (d->victims[vi].pending || d->victims[vi].alert)
			busy = true;
		vi = next;
	}
	int64_t idle = (int64_t)d->o.scan_idle_ms * 1000000;
	while (d->slru.tail != SF_NIL && d->scanners[d->slru.tail].last_syn_ns <= d->now - idle)
		sf_scanner_free(d, d->slru.tail);
	if (d->st.scan_alerts) {
		for (uint32_t si = d->slru.head; si != SF_NIL; si = d->scanners[si].lru_next) {
			struct sf_scanner *s = &d->scanners[si];
			if (!s->alert ||
			    d->now - s->last_update_ns < (int64_t)d->o.update_ms * 1000000)
				continue;
			uint32_t ports = scanner_ports(s);
			if (ports == s->ports_at_update)
				continue;
			s->last_update_ns = d->now;
			s->ports_at_update = ports;
			scanner_emit(d, si, RS_ALERT_UPDATE);
		}
	}
	return busy || d->nscanners;
}

void sf_advance(struct rs_synflood *d, int64_t ts)
{
	if (!d->have_now) {
		d->have_now = true;
		d->now = ts;
		d->next_tick = (ts / SF_TICK_NS + 1) * SF_TICK_NS;
		return;
	}
	if (ts <= d->now)
		return;
	/* Decisions at every tick in between, so that a quiet gap ends an
	 * alert when it would have ended live; idle, jump straight over it. */
	while (d->next_tick <= ts) {
		d->now = d->next_tick;
		d->next_tick += SF_TICK_NS;
		if (!sweep(d))
			d->next_tick = (ts / SF_TICK_NS + 1) * SF_TICK_NS;
	}
	d->now = ts;
}

void rs_synflood_tick(struct rs_synflood *d, int64_t ts_sec, uint32_t ts_frac, uint8_t ts_digits)
{
	int64_t ts = rs_time_ns(ts_sec, ts_frac, ts_digits);
	if (d->have_now)
		sf_advance(d, ts);
}

void rs_synflood_finish(struct rs_synflood *d)
{
	for (uint32_t vi = d->vlru.head; vi != SF_NIL; vi = d->victims[vi].lru_next)
		if (d->victims[vi].alert)
			sf_victim_end(d, vi);
	for (uint32_t si = d->slru.head; si != SF_NIL; si = d->scanners[si].lru_next)
		if (d->scanners[si].alert)
			sf_scanner_end(d, si);
}
