/*
 * detect_eval.c: the detector's clock and its decisions.  Every 100 ms of
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
#include "detect_int.h"

#include <math.h>
#include <string.h>

/* ---- HyperLogLog source counts ---------------------------------------- */

static uint32_t hll_estimate(const uint8_t *reg)
{
	double sum = 0;
	unsigned zeros = 0;
	for (unsigned i = 0; i < DETECT_HLL_M; i++) {
		sum += ldexp(1.0, -(int)reg[i]);
		if (!reg[i])
			zeros++;
	}
	double m = DETECT_HLL_M;
	double e = 0.7213 / (1 + 1.079 / m) * m * m / sum;
	if (e <= 2.5 * m && zeros)
		e = m * log(m / zeros);
	return (uint32_t)(e + 0.5);
}

/* ---- window sums -------------------------------------------------------- */

struct recent {
	double syn, completed, aged, late;
};

/* The last second of a bucket ring (a victim's or a host's): this
 * second's bucket and the rest of the previous one. */
static struct recent recent_of(const struct rs_detect *d, const struct detect_bucket *base)
{
	struct recent r = { 0, 0, 0, 0 };
	int64_t sec = d->now / DETECT_NS;
	double w_prev = 1.0 - (double)(d->now % DETECT_NS) / (double)DETECT_NS;
	const struct detect_bucket *cur = &base[(uint64_t)sec % d->o.window_s];
	const struct detect_bucket *prev = &base[(uint64_t)(sec - 1) % d->o.window_s];
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

static const struct detect_bucket *victim_buckets(const struct rs_detect *d, uint32_t vi)
{
	return &d->buckets[(size_t)vi * d->o.window_s];
}

static const struct detect_bucket *host_buckets(const struct rs_detect *d, uint32_t hi)
{
	return &d->hbuckets[(size_t)hi * d->o.window_s];
}

/* Evictions from full tables in the last second, per table. */
static double evict_recent(const struct rs_detect *d, double per_table[DETECT_T_COUNT])
{
	int64_t sec = d->now / DETECT_NS;
	double w_prev = 1.0 - (double)(d->now % DETECT_NS) / (double)DETECT_NS, all = 0;
	const struct detect_evict_sec *cur = &d->evict[(uint64_t)sec % DETECT_MAX_WINDOW];
	const struct detect_evict_sec *prev = &d->evict[(uint64_t)(sec - 1) % DETECT_MAX_WINDOW];
	for (unsigned t = 0; t < DETECT_T_COUNT; t++) {
		double n = 0;
		if (cur->sec == sec)
			n += cur->n[t];
		if (prev->sec == sec - 1)
			n += w_prev * prev->n[t];
		if (per_table)
			per_table[t] = n;
		all += n;
	}
	return all;
}

/* SYNs past the grace period; when the victim's share of the table is
 * full (a flood faster than the table holds SYNs for the grace period),
 * every pending SYN. */
static uint32_t half_open_of(const struct rs_detect *d, const struct detect_victim *v)
{
	if (v->pending >= d->o.max_half_open_per_victim || d->nho >= d->o.max_half_open)
		return v->pending > v->aged ? v->pending : v->aged;
	return v->aged;
}

/* The same for a host; its SYNs also leave early when the victim table
 * evicts (more ports flooded than it holds), so then every pending one
 * counts too. */
static uint32_t host_half_open_of(const struct rs_detect *d, const struct detect_host *h)
{
	double per[DETECT_T_COUNT];
	evict_recent(d, per);
	if (d->nho >= d->o.max_half_open || per[DETECT_T_VICTIMS] > 0 || per[DETECT_T_HALF_OPEN] > 0)
		return h->pending > h->aged ? h->pending : h->aged;
	return h->aged;
}

/* The evidence of a bucket ring into a (rates, sources, victim counters)
 * and the alert figures of as. */
static void flood_evidence(struct rs_detect *d, const struct detect_bucket *base,
			   const struct detect_alert_state *as, struct rs_detect_alert *a)
{
	struct recent r = recent_of(d, base);
	uint8_t all[DETECT_HLL_M], done[DETECT_HLL_M], fail[DETECT_HLL_M];
	int64_t sec = d->now / DETECT_NS;

	memset(all, 0, sizeof(all));
	memset(done, 0, sizeof(done));
	memset(fail, 0, sizeof(fail));
	a->kind = RS_DETECT_ALERT_SYN_FLOOD;
	a->ts_ns = d->now;
	a->ts_digits = d->ts_digits;
	a->syn_rate = r.syn;
	a->completion = completion_of(&r);
	for (uint32_t k = 0; k < d->o.window_s; k++) {
		const struct detect_bucket *b = &base[k];
		if (b->sec <= sec - (int64_t)d->o.window_s || b->sec > sec)
			continue;
		for (unsigned j = 0; j < DETECT_HLL_M; j++) {
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
	a->duration = as->alert ? (double)(d->now - as->start_ns) / DETECT_NS : 0;
	a->peak_rate = as->peak;
	a->total_syns = as->alert_syns;
}

/* The engine prints nothing: every alert line goes to the caller. */
static void detect_emit(struct rs_detect *d, const struct rs_detect_alert *a)
{
	if (d->o.on_alert && !(d->o.no_updates && a->phase == RS_DETECT_ALERT_UPDATE))
		d->o.on_alert(d->o.ctx, a);
}

static void victim_emit(struct rs_detect *d, uint32_t vi, enum rs_detect_alert_phase ph)
{
	const struct detect_victim *v = &d->victims[vi];
	struct rs_detect_alert a;
	memset(&a, 0, sizeof(a));
	flood_evidence(d, victim_buckets(d, vi), &v->as, &a);
	a.phase = ph;
	a.v = v->v;
	memcpy(a.victim, v->addr, 16);
	a.port = v->port;
	a.half_open = half_open_of(d, v);
	detect_emit(d, &a);
}

static void host_emit(struct rs_detect *d, uint32_t hi, enum rs_detect_alert_phase ph)
{
	const struct detect_host *h = &d->hosts[hi];
	struct rs_detect_alert a;
	memset(&a, 0, sizeof(a));
	flood_evidence(d, host_buckets(d, hi), &h->as, &a);
	a.phase = ph;
	a.v = h->v;
	memcpy(a.victim, h->addr, 16);
	a.host_wide = true;
	a.ports = detect_ports_estimate(h->port_bits_set, UINT64_MAX);
	a.half_open = host_half_open_of(d, h);
	detect_emit(d, &a);
}

/* A port of the host starts or ends alerting: while one does, the flood
 * is reported per port, not again for the host. */
static void host_port_alert(struct rs_detect *d, const struct detect_victim *v, bool on)
{
	struct detect_host *h = detect_host_of(d, v->host, v->host_gen);
	if (!h)
		return;
	if (on)
		h->port_alerts++;
	else if (h->port_alerts)
		h->port_alerts--;
}

void detect_victim_end(struct rs_detect *d, uint32_t vi)
{
	victim_emit(d, vi, RS_DETECT_ALERT_END);
	d->victims[vi].as.alert = false;
	host_port_alert(d, &d->victims[vi], false);
}

void detect_host_end(struct rs_detect *d, uint32_t hi)
{
	struct detect_host *h = &d->hosts[hi];
	host_emit(d, hi, RS_DETECT_ALERT_END);
	h->as.alert = false;
	/* The next alert counts its own ports. */
	memset(h->port_bits, 0, sizeof(h->port_bits));
	h->port_bits_set = 0;
}

static uint64_t window_syns(const struct rs_detect *d, const struct detect_bucket *base)
{
	uint64_t n = 0;
	int64_t sec = d->now / DETECT_NS;
	for (uint32_t k = 0; k < d->o.window_s; k++) {
		const struct detect_bucket *b = &base[k];
		if (b->sec > sec - (int64_t)d->o.window_s && b->sec <= sec)
			n += b->syn;
	}
	return n;
}

enum step { STEP_NONE, STEP_START, STEP_UPDATE, STEP_END };

/*
 * One round of an alert state machine: starts when `over` holds (and
 * `may_start`), ends once it has not held for the hold time, updates at
 * most every update_ms.  `level` is the figure whose peak is kept.
 */
static enum step alert_step(const struct rs_detect *d, struct detect_alert_state *as, bool over,
			    bool may_start, double level)
{
	if (!as->alert) {
		if (!over || !may_start)
			return STEP_NONE;
		as->alert = true;
		as->start_ns = as->last_update_ns = d->now;
		as->below_since_ns = INT64_MIN;
		as->peak = level;
		return STEP_START;
	}
	if (level > as->peak)
		as->peak = level;
	if (over)
		as->below_since_ns = INT64_MIN;
	else if (as->below_since_ns == INT64_MIN)
		as->below_since_ns = d->now;
	if (as->below_since_ns != INT64_MIN &&
	    d->now - as->below_since_ns >= (int64_t)d->o.hold_ms * 1000000)
		return STEP_END;
	if (d->now - as->last_update_ns >= (int64_t)d->o.update_ms * 1000000) {
		as->last_update_ns = d->now;
		return STEP_UPDATE;
	}
	return STEP_NONE;
}

/* Ages and expires vi's pending SYNs, then runs its alert state machine. */
static void victim_tick(struct rs_detect *d, uint32_t vi)
{
	struct detect_victim *v = &d->victims[vi];
	int64_t grace = (int64_t)d->o.grace_ms * 1000000, timeout = (int64_t)d->o.timeout_ms * 1000000;

	while (v->ho_cursor != DETECT_NIL && d->ho[v->ho_cursor].ts <= d->now - grace) {
		struct detect_ho *e = &d->ho[v->ho_cursor];
		struct detect_bucket *b = detect_bucket_at(d, vi, d->now);
		e->flags |= DETECT_HO_AGED;
		v->aged++;
		b->aged++;
		detect_hll_add(b->hll_fail, e->src_hash);
		struct detect_host *h = detect_host_of(d, e->host, e->host_gen);
		if (h) {
			b = detect_host_bucket_at(d, e->host, d->now);
			h->aged++;
			b->aged++;
			detect_hll_add(b->hll_fail, e->src_hash);
		}
		v->ho_cursor = e->vnext;
	}
	while (v->ho_head != DETECT_NIL && d->ho[v->ho_head].ts <= d->now - timeout) {
		const struct detect_ho *e = &d->ho[v->ho_head];
		detect_bucket_at(d, vi, d->now)->given_up++;
		if (detect_host_of(d, e->host, e->host_gen))
			detect_host_bucket_at(d, e->host, d->now)->given_up++;
		d->st.given_up++;
		detect_gone_add(d, d->ho[v->ho_head].fp);
		detect_ho_remove(d, v->ho_head);
	}
	if (!v->as.alert && half_open_of(d, v) < d->o.half_open)
		return;

	struct recent r = recent_of(d, victim_buckets(d, vi));
	bool over = r.syn >= d->o.syn_rate && completion_of(&r) <= d->o.completion;
	switch (alert_step(d, &v->as, over, true, r.syn)) {
	case STEP_START:
		v->as.alert_syns = window_syns(d, victim_buckets(d, vi));
		d->st.alerts++;
		d->st.flood_alerts++;
		host_port_alert(d, v, true);
		victim_emit(d, vi, RS_DETECT_ALERT_START);
		break;
	case STEP_UPDATE:
		victim_emit(d, vi, RS_DETECT_ALERT_UPDATE);
		break;
	case STEP_END:
		detect_victim_end(d, vi);
		break;
	case STEP_NONE:
		break;
	}
}

/* The same decision for a whole host, after its ports had theirs. */
static void host_tick(struct rs_detect *d, uint32_t hi)
{
	struct detect_host *h = &d->hosts[hi];

	if (!h->as.alert && host_half_open_of(d, h) < d->o.half_open)
		return;
	struct recent r = recent_of(d, host_buckets(d, hi));
	bool over = r.syn >= d->o.syn_rate && completion_of(&r) <= d->o.completion;
	switch (alert_step(d, &h->as, over, h->port_alerts == 0, r.syn)) {
	case STEP_START:
		h->as.alert_syns = window_syns(d, host_buckets(d, hi));
		d->st.alerts++;
		d->st.flood_alerts++;
		d->st.host_flood_alerts++;
		host_emit(d, hi, RS_DETECT_ALERT_START);
		break;
	case STEP_UPDATE:
		host_emit(d, hi, RS_DETECT_ALERT_UPDATE);
		break;
	case STEP_END:
		detect_host_end(d, hi);
		break;
	case STEP_NONE:
		break;
	}
}

/* ---- state exhaustion --------------------------------------------------- */

static uint32_t table_bound(const struct rs_detect *d, enum detect_table t)
{
	switch (t) {
	case DETECT_T_HALF_OPEN: return d->o.max_half_open;
	case DETECT_T_VICTIMS: return d->o.max_victims;
	case DETECT_T_HOSTS: return d->o.max_hosts;
	case DETECT_T_SCANNERS: return d->o.max_scanners;
	case DETECT_T_COUNT: break;
	}
	return 0;
}

static void exhaust_emit(struct rs_detect *d, enum rs_detect_alert_phase ph)
{
	double per[DETECT_T_COUNT];
	struct rs_detect_alert a;
	enum detect_table most = DETECT_T_HALF_OPEN;

	memset(&a, 0, sizeof(a));
	a.kind = RS_DETECT_ALERT_STATE_EXHAUSTED;
	a.phase = ph;
	a.ts_ns = d->now;
	a.ts_digits = d->ts_digits;
	a.evict_rate = evict_recent(d, per);
	for (unsigned t = 1; t < DETECT_T_COUNT; t++)
		if (per[t] > per[most])
			most = (enum detect_table)t;
	a.table = detect_table_str(most);
	a.capacity = table_bound(d, most);
	a.evictions = d->exhaust.alert_syns;
	a.duration = (double)(d->now - d->exhaust.start_ns) / DETECT_NS;
	a.peak_rate = d->exhaust.peak;
	detect_emit(d, &a);
}

/* A full table that evicts fast is losing the evidence alerts are made
 * of: that is an alert of its own, so that a flood the tables cannot hold
 * is never silent. */
static void exhaust_tick(struct rs_detect *d)
{
	double rate = evict_recent(d, NULL);
	switch (alert_step(d, &d->exhaust, rate >= d->o.exhaust_rate, true, rate)) {
	case STEP_START:
		d->exhaust.alert_syns = 0;
		d->st.alerts++;
		d->st.exhausted_alerts++;
		exhaust_emit(d, RS_DETECT_ALERT_START);
		break;
	case STEP_UPDATE:
		exhaust_emit(d, RS_DETECT_ALERT_UPDATE);
		break;
	case STEP_END:
		exhaust_emit(d, RS_DETECT_ALERT_END);
		d->exhaust.alert = false;
		break;
	case STEP_NONE:
		break;
	}
}

/* ---- scans -------------------------------------------------------------- */

/* Distinct ports, estimated by linear counting over the bitmap; never
 * more than the SYNs that set it (the estimate can overshoot by a few). */
uint32_t detect_ports_estimate(uint32_t set_bits, uint64_t most)
{
	uint32_t est;
	if (set_bits >= DETECT_SCAN_BITS) {
		est = 65536;
	} else {
		double m = DETECT_SCAN_BITS, z = DETECT_SCAN_BITS - set_bits;
		double n = -m * log(z / m);
		est = n > 65536 ? 65536 : (uint32_t)(n + 0.5);
	}
	return most < est ? (uint32_t)most : est;
}

static uint32_t scanner_ports(const struct detect_scanner *s)
{
	return detect_ports_estimate(s->set_bits, s->syns);
}

/*
 * True when the scanner's target host is being flooded from many sources
 * at once (a random-source flood over many ports makes every source look
 * like a scanner of that host): then it is part of the flood, not a scan.
 */
static bool target_crowded(struct rs_detect *d, const struct detect_scanner *s)
{
	uint32_t hi = detect_host_find(d, s->v, s->dst);
	if (hi == DETECT_NIL)
		return false;
	struct rs_detect_alert a;
	memset(&a, 0, sizeof(a));
	flood_evidence(d, host_buckets(d, hi), &d->hosts[hi].as, &a);
	return a.syn_rate >= d->o.syn_rate && a.sources >= d->o.spoof_sources;
}

static void scanner_emit(struct rs_detect *d, uint32_t si, enum rs_detect_alert_phase ph)
{
	const struct detect_scanner *s = &d->scanners[si];
	struct rs_detect_alert a;
	memset(&a, 0, sizeof(a));
	a.kind = RS_DETECT_ALERT_PORT_SCAN;
	a.phase = ph;
	a.ts_ns = d->now;
	a.ts_digits = d->ts_digits;
	a.v = s->v;
	memcpy(a.victim, s->dst, 16);
	memcpy(a.source, s->src, 16);
	a.sources = 1;
	a.ports = scanner_ports(s);
	a.total_syns = s->syns;
	a.duration = (double)(d->now - s->start_ns) / DETECT_NS;
	a.completion = s->syns ? (double)s->completed / (double)s->syns : 1.0;
	if (a.completion > 1)
		a.completion = 1;
	detect_emit(d, &a);
}

void detect_scanner_syn(struct rs_detect *d, uint32_t si, uint16_t port)
{
	struct detect_scanner *s = &d->scanners[si];
	uint32_t bit = detect_port_bit(port);
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
		/* Asked again at most once a second of capture time. */
		if (s->crowd_checked_ns != INT64_MIN && d->now - s->crowd_checked_ns < DETECT_NS)
			return;
		if (target_crowded(d, s)) {
			if (s->crowd_checked_ns == INT64_MIN)
				d->st.scans_in_floods++;
			s->crowd_checked_ns = d->now;
			return;
		}
		s->alert = true;
		s->start_ns = s->last_update_ns = d->now;
		s->ports_at_update = ports;
		d->st.alerts++;
		d->st.scan_alerts++;
		scanner_emit(d, si, RS_DETECT_ALERT_START);
	}
}

void detect_scanner_end(struct rs_detect *d, uint32_t si)
{
	scanner_emit(d, si, RS_DETECT_ALERT_END);
	d->scanners[si].alert = false;
}

void detect_alert_end(struct rs_detect *d, enum detect_table t, uint32_t i)
{
	switch (t) {
	case DETECT_T_VICTIMS: detect_victim_end(d, i); break;
	case DETECT_T_HOSTS: detect_host_end(d, i); break;
	case DETECT_T_SCANNERS: detect_scanner_end(d, i); break;
	case DETECT_T_HALF_OPEN:
	case DETECT_T_COUNT: break;
	}
}

/* ---- the clock ---------------------------------------------------------- */

/* One decision round at d->now; true while anything still needs the clock. */
static bool sweep(struct rs_detect *d)
{
	bool busy = false;
	for (uint32_t vi = d->vtab.lru.head; vi != DETECT_NIL;) {
		uint32_t next = d->victims[vi].lru.next;
		victim_tick(d, vi);
		if (d->victims[vi].pending || d->victims[vi].as.alert)
			busy = true;
		vi = next;
	}
	for (uint32_t hi = d->htab.lru.head; hi != DETECT_NIL; hi = d->hosts[hi].lru.next) {
		host_tick(d, hi);
		if (d->hosts[hi].pending || d->hosts[hi].as.alert)
			busy = true;
	}
	exhaust_tick(d);
	if (d->exhaust.alert)
		busy = true;
	int64_t idle = (int64_t)d->o.scan_idle_ms * 1000000;
	while (d->slru.tail != DETECT_NIL && d->scanners[d->slru.tail].last_syn_ns <= d->now - idle)
		detect_scanner_free(d, d->slru.tail);
	if (d->st.scan_alerts) {
		for (uint32_t si = d->slru.head; si != DETECT_NIL; si = d->scanners[si].lru.next) {
			struct detect_scanner *s = &d->scanners[si];
			if (!s->alert ||
			    d->now - s->last_update_ns < (int64_t)d->o.update_ms * 1000000)
				continue;
			uint32_t ports = scanner_ports(s);
			if (ports == s->ports_at_update)
				continue;
			s->last_update_ns = d->now;
			s->ports_at_update = ports;
			scanner_emit(d, si, RS_DETECT_ALERT_UPDATE);
		}
	}
	return busy || d->nscanners;
}

void detect_advance(struct rs_detect *d, int64_t ts)
{
	if (!d->have_now) {
		d->have_now = true;
		d->now = ts;
		d->next_tick = (ts / DETECT_TICK_NS + 1) * DETECT_TICK_NS;
		return;
	}
	if (ts <= d->now)
		return;
	/* Decisions at every tick in between, so that a quiet gap ends an
	 * alert when it would have ended live; idle, jump straight over it. */
	while (d->next_tick <= ts) {
		d->now = d->next_tick;
		d->next_tick += DETECT_TICK_NS;
		if (!sweep(d))
			d->next_tick = (ts / DETECT_TICK_NS + 1) * DETECT_TICK_NS;
	}
	d->now = ts;
}

void rs_detect_tick(struct rs_detect *d, int64_t now_ns)
{
	if (d->have_now)
		detect_advance(d, now_ns);
}

void rs_detect_finish(struct rs_detect *d)
{
	for (uint32_t vi = d->vtab.lru.head; vi != DETECT_NIL; vi = d->victims[vi].lru.next)
		if (d->victims[vi].as.alert)
			detect_victim_end(d, vi);
	for (uint32_t hi = d->htab.lru.head; hi != DETECT_NIL; hi = d->hosts[hi].lru.next)
		if (d->hosts[hi].as.alert)
			detect_host_end(d, hi);
	if (d->exhaust.alert) {
		exhaust_emit(d, RS_DETECT_ALERT_END);
		d->exhaust.alert = false;
	}
	for (uint32_t si = d->slru.head; si != DETECT_NIL; si = d->scanners[si].lru.next)
		if (d->scanners[si].alert)
			detect_scanner_end(d, si);
	detect_arp_finish(d);
}
