/*
 * detect.c: the detector's engine: options, set-up, and what each TCP
 * packet does to the tables (SYN-flood evidence per victim, RFC 4987; port probes per source).
 *
 * A SYN to (address, port) is counted for that victim and, unless it
 * repeats one already pending, enters the victim's half-open set keyed on
 * the 4-tuple and the client's ISN.  The client's ACK of the SYN-ACK
 * (sequence ISN+1) completes it; a second SYN-ACK for it is a victim
 * retransmission; a SYN-ACK for a SYN never seen is backscatter; an RST
 * for it ends it as refused.  The tables are in detect_table.c; ageing,
 * expiry and the alert decisions in detect_eval.c; the engine hands every
 * alert to the caller's on_alert and prints nothing (detect_out.c formats
 * alerts for whoever wants them as text or JSON Lines).
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
	case RS_DETECT_ALERT_ARP_SPOOF: return "arp-spoof";
	case RS_DETECT_ALERT_ARP_GRATUITOUS: return "arp-gratuitous-flood";
	case RS_DETECT_ALERT_ARP_UNSOLICITED: return "arp-unsolicited-reply";
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
	o->arp_window_ms = 60000;
	o->arp_request_ms = 5000;
	o->arp_gratuitous_rate = 10;
	o->max_arp = 4096;
}

bool rs_detect_opts_check(const struct rs_detect_opts *o, char *err, size_t errlen)
{
	if (!(o->syn_rate > 0) || !(o->completion >= 0 && o->completion <= 1)) {
		snprintf(err, errlen, "syn rate must be > 0 and completion in [0, 1]");
		return false;
	}
	if (o->window_s < 2 || o->window_s > DETECT_MAX_WINDOW) {
		snprintf(err, errlen, "window must be 2 to %d seconds", DETECT_MAX_WINDOW);
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
	if (o->max_arp < 1 || o->max_arp > (1u << 24) || !(o->arp_gratuitous_rate > 0) ||
	    o->arp_window_ms == 0 || o->arp_request_ms == 0) {
		snprintf(err, errlen, "ARP bounds out of range");
		return false;
	}
	if (!(o->exhaust_rate > 0)) {
		snprintf(err, errlen, "the exhaustion rate must be > 0");
		return false;
	}
	return true;
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
	d->alert_end = detect_alert_end;
	if (!detect_tables_alloc(d) || !detect_arp_alloc(d)) {
		rs_detect_free(d);
		snprintf(err, errlen, "out of memory for the detector's tables");
		return NULL;
	}
	d->ts_digits = 6;
	return d;
}

void rs_detect_free(struct rs_detect *d)
{
	if (!d)
		return;
	detect_tables_free(d);
	detect_arp_free(d);
	free(d);
}

void rs_detect_get_stats(const struct rs_detect *d, struct rs_detect_stats *st)
{
	*st = d->st;
	st->victims = d->vtab.n;
	st->half_open = d->nho;
	st->scanners = d->nscanners;
	st->hosts = d->htab.n;
	st->arp_bindings = d->arp.nused;
}

/* ---- packets ---------------------------------------------------------- */

static uint32_t src_hash(const struct rs_packet *p, const uint8_t *addr)
{
	uint8_t key[17];
	memcpy(key, addr, 16);
	key[16] = p->ip.v;
	/* A fixed key: source counts do not change from run to run. */
	return (uint32_t)detect_hash(0x243f6a8885a308d3ULL, key, sizeof(key));
}

static void on_syn(struct rs_detect *d, const struct rs_packet *p)
{
	const struct rs_tcp *t = &p->tcp;
	uint32_t vi = detect_victim_get(d, p->ip.v, p->ip.dst, t->dport);
	struct detect_victim *v = &d->victims[vi];
	struct detect_bucket *b = detect_bucket_at(d, vi, d->now);
	struct detect_host *h = &d->hosts[v->host];   /* victim_get made it current */
	struct detect_bucket *hb = detect_host_bucket_at(d, v->host, d->now);

	d->st.syns++;
	b->syn++;
	hb->syn++;
	if (v->as.alert)
		v->as.alert_syns++;
	if (h->as.alert)
		h->as.alert_syns++;
	uint32_t sh = src_hash(p, p->ip.src);
	detect_hll_add(b->hll_all, sh);
	detect_hll_add(hb->hll_all, sh);
	uint32_t pb = detect_port_bit(t->dport);
	if (!(h->port_bits[pb >> 3] & (1u << (pb & 7)))) {
		h->port_bits[pb >> 3] |= (uint8_t)(1u << (pb & 7));
		h->port_bits_set++;
	}
	uint64_t fp = detect_ho_fp(d, p->ip.v, p->ip.src, t->sport, p->ip.dst, t->dport, t->seq);
	if (detect_ho_find(d, fp) == DETECT_NIL)
		detect_ho_insert(d, vi, fp, sh);
	detect_scanner_syn(d, detect_scanner_get(d, p->ip.v, p->ip.src, p->ip.dst), t->dport);
}

/* The victim's bucket of this second and its host's (NULL when the host
 * was evicted since). */
static void buckets_now(struct rs_detect *d, uint32_t vi, struct detect_bucket **vb,
			struct detect_bucket **hb)
{
	const struct detect_victim *v = &d->victims[vi];
	*vb = detect_bucket_at(d, vi, d->now);
	*hb = detect_host_of(d, v->host, v->host_gen) ? detect_host_bucket_at(d, v->host, d->now) : NULL;
}

static void on_synack(struct rs_detect *d, const struct rs_packet *p)
{
	const struct rs_tcp *t = &p->tcp;
	struct detect_bucket *vb, *hb;
	uint64_t fp = detect_ho_fp(d, p->ip.v, p->ip.dst, t->dport, p->ip.src, t->sport, t->ack - 1);
	uint32_t i = detect_ho_find(d, fp);
	if (i != DETECT_NIL) {
		struct detect_ho *e = &d->ho[i];
		if (e->flags & DETECT_HO_SYNACK) {
			buckets_now(d, e->victim, &vb, &hb);
			vb->synack_retrans++;
			if (hb)
				hb->synack_retrans++;
		}
		e->flags |= DETECT_HO_SYNACK;
		return;
	}
	uint32_t vi = detect_victim_get(d, p->ip.v, p->ip.src, t->sport);
	buckets_now(d, vi, &vb, &hb);
	if (detect_gone_has(d, fp)) {
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
	uint32_t vi = detect_victim_find(d, p->ip.v, p->ip.src, t->sport);
	if (vi != DETECT_NIL) {
		struct detect_bucket *vb, *hb;
		buckets_now(d, vi, &vb, &hb);
		vb->victim_rsts++;
		if (hb)
			hb->victim_rsts++;
		if (t->flags & RS_TH_ACK) {
			uint64_t fp = detect_ho_fp(d, p->ip.v, p->ip.dst, t->dport, p->ip.src, t->sport,
					    t->ack - 1);
			uint32_t i = detect_ho_find(d, fp);
			if (i != DETECT_NIL)
				detect_ho_remove(d, i);
		}
		return;
	}
	/* From the client, answering the SYN-ACK: the handshake is off. */
	uint64_t fp = detect_ho_fp(d, p->ip.v, p->ip.src, t->sport, p->ip.dst, t->dport, t->seq - 1);
	uint32_t i = detect_ho_find(d, fp);
	if (i != DETECT_NIL)
		detect_ho_remove(d, i);
}

static void on_ack(struct rs_detect *d, const struct rs_packet *p)
{
	const struct rs_tcp *t = &p->tcp;
	if (d->nho == 0)
		return;
	uint64_t fp = detect_ho_fp(d, p->ip.v, p->ip.src, t->sport, p->ip.dst, t->dport, t->seq - 1);
	uint32_t i = detect_ho_find(d, fp);
	if (i == DETECT_NIL)
		return;
	struct detect_ho *e = &d->ho[i];
	struct detect_bucket *b = detect_bucket_at(d, e->victim, d->now);
	b->completed++;
	if (e->flags & DETECT_HO_AGED)
		b->late++;
	detect_hll_add(b->hll_done, e->src_hash);
	if (detect_host_of(d, e->host, e->host_gen)) {
		b = detect_host_bucket_at(d, e->host, d->now);
		b->completed++;
		if (e->flags & DETECT_HO_AGED)
			b->late++;
		detect_hll_add(b->hll_done, e->src_hash);
	}
	d->st.completed++;
	detect_ho_remove(d, i);
	uint32_t si = detect_scanner_find(d, p->ip.v, p->ip.src, p->ip.dst);
	if (si != DETECT_NIL)
		d->scanners[si].completed++;
}

void rs_detect_packet(struct rs_detect *d, const struct rs_packet *p)
{
	d->st.packets++;
	int64_t ts = p->ts_ns;
	d->ts_digits = p->ts_digits == 9 ? 9 : 6;
	detect_advance(d, ts);
	if (p->has_arp || (p->l4 == RS_LAYER_ICMPV6 && p->icmp.has_nd)) {
		detect_arp_packet(d, p);
		return;
	}
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
