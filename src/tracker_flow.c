/*
 * tracker_flow.c: the bounded table of UDP and ICMP flows (tracker_flow.h),
 * with Zeek's rules for them (base/protocols/conn/main.zeek and the UDP
 * and ICMP packet analyzers):
 *
 * - A UDP flow's originator sends its first packet, unless that packet
 *   comes from a port Zeek's analyzers register as a server's and goes
 *   to one that is not (likely_server_ports): then the roles flip and the
 *   history starts with '^'.  conn_state: SF when both sides sent, S0
 *   the originator alone, SHR the responder alone (after a flip), OTH
 *   neither.  history: 'D'/'d' once per side, 'C'/'c' for bad checksums
 *   (1, 10, 100, ... of them).  orig_bytes: the sum of UDP lengths less
 *   the header.
 * - ICMP: the originator's port is the type of its first message, the
 *   responder's the type that answers it (echo request 8 and reply 0,
 *   ...), or for a message that gets no answer its code; such one-way
 *   messages are not matched with the reverse direction.  conn_state is
 *   always OTH, history empty, orig_bytes the ICMP length less its
 *   8-byte header.
 *
 * Deviation, as for TCP: a packet with a bad checksum still counts
 * (Zeek drops it after the 'C'), since local captures often carry
 * offloaded ones; with zeek_compat a UDP one counts as Zeek counts it
 * (packets and IP bytes only).
 */
#include <stdlib.h>
#include <string.h>

#include "rawshake/lru.h"
#include "rawshake/tracker_flow.h"
#include "tracker_int.h"

#define NS 1000000000ll
#define INITIAL_FLOWS 256u
#define FLOW_HIST_MAX 7

struct flow {
	struct rs_conn_key key;      /* canonical; pad[0]: IP protocol, pad[1]: one-way ICMP */
	uint64_t id;
	uint32_t hnext;
	struct rs_lru_link lru_link;
	bool used, flipped;
	uint8_t orig_side;           /* 0: key.a is the originator, 1: key.b */
	uint8_t ts_digits, hist_len;
	uint8_t seen;                /* 'D' sent: bit 0 originator, bit 1 responder */
	uint32_t csum_cnt[2], csum_thr[2];
	char history[FLOW_HIST_MAX + 1];
	int64_t first_ns, last_ns;
	uint64_t pkts[2], bytes[2], ip_bytes[2];
};

_Static_assert(sizeof(struct flow) <= 256, "tracker_flow.h promises entries under 256 bytes");

struct rs_flow_table {
	struct rs_flow_config cfg;
	struct flow *slots;
	uint32_t *buckets;
	uint32_t cap, used, mask, free_head;
	struct rs_lru lru;           /* tail: the least recently used */
	uint64_t next_id;
	struct rs_flow_stats st;
};

void rs_flow_config_default(struct rs_flow_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->max_flows = RS_FLOW_DEFAULT_MAX;
	cfg->idle_timeout = RS_FLOW_DEFAULT_TIMEOUT;
}

/* Slots [from, to) onto the free list (chained through hnext). */
static void free_range(struct rs_flow_table *t, uint32_t from, uint32_t to)
{
	for (uint32_t i = to; i-- > from;) {
		t->slots[i].used = false;
		t->slots[i].hnext = t->free_head;
		t->free_head = i;
	}
}

static uint32_t bucket_of(const struct rs_flow_table *t, const struct rs_conn_key *k)
{
	return (uint32_t)rs_tracker_key_hash(0, k) & t->mask;
}

/* Doubles slots and buckets (up to max_flows) and rechains; false when
 * at the bound or refused by malloc. */
static bool grow(struct rs_flow_table *t, uint32_t want)
{
	if (want > t->cfg.max_flows)
		want = t->cfg.max_flows;
	if (want <= t->cap)
		return false;
	uint32_t nb = 1;
	while (nb < want)
		nb <<= 1;
	struct flow *s = realloc(t->slots, (size_t)want * sizeof(*s));
	if (!s)
		return false;
	t->slots = s;
	uint32_t *b = realloc(t->buckets, (size_t)nb * sizeof(*b));
	if (!b)
		return false;
	t->buckets = b;
	t->lru.base = (char *)t->slots;
	t->mask = nb - 1;
	for (uint32_t i = 0; i < nb; i++)
		t->buckets[i] = RS_NIL;
	for (uint32_t i = 0; i < t->cap; i++) {
		if (!t->slots[i].used)
			continue;
		uint32_t h = bucket_of(t, &t->slots[i].key);
		t->slots[i].hnext = t->buckets[h];
		t->buckets[h] = i;
	}
	/* The free list ran through the old slots: make it anew. */
	t->free_head = RS_NIL;
	uint32_t old = t->cap;
	t->cap = want;
	free_range(t, old, want);
	for (uint32_t i = old; i-- > 0;)
		if (!t->slots[i].used) {
			t->slots[i].hnext = t->free_head;
			t->free_head = i;
		}
	return true;
}

struct rs_flow_table *rs_flow_new(const struct rs_flow_config *cfg)
{
	struct rs_flow_table *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->cfg = *cfg;
	if (t->cfg.max_flows == 0)
		t->cfg.max_flows = RS_FLOW_DEFAULT_MAX;
	t->free_head = RS_NIL;
	rs_lru_init(&t->lru, NULL, sizeof(struct flow), offsetof(struct flow, lru_link));
	if (!grow(t, INITIAL_FLOWS)) {
		rs_flow_free(t);
		return NULL;
	}
	return t;
}

void rs_flow_free(struct rs_flow_table *t)
{
	if (!t)
		return;
	free(t->slots);
	free(t->buckets);
	free(t);
}

/* Zeek's counterpart of an ICMP type; one-way messages answer with their code. */
static uint8_t icmp_counterpart(bool v6, uint8_t type, uint8_t code, bool *one_way)
{
	static const uint8_t pairs4[][2] = { { 8, 0 }, { 13, 14 }, { 15, 16 }, { 10, 9 }, { 17, 18 } };
	static const uint8_t pairs6[][2] = { { 128, 129 }, { 133, 134 }, { 135, 136 },
					     { 130, 131 }, { 139, 140 }, { 144, 145 } };
	const uint8_t (*p)[2] = v6 ? pairs6 : pairs4;
	size_t n = v6 ? sizeof(pairs6) / sizeof(pairs6[0]) : sizeof(pairs4) / sizeof(pairs4[0]);

	*one_way = false;
	for (size_t i = 0; i < n; i++) {
		if (p[i][0] == type)
			return p[i][1];
		if (p[i][1] == type)
			return p[i][0];
	}
	*one_way = true;
	return code;
}

/* UDP ports of the analyzers Zeek loads by default (its likely_server_ports). */
static bool likely_server_port(uint16_t port)
{
	static const uint16_t ports[] = { 53, 67, 68, 69, 88, 123, 137, 138, 161, 162, 443, 500,
					  514, 546, 547, 1812, 1813, 2123, 2152, 3544, 4500, 4789,
					  5060, 5072, 5353, 5355, 6081 };
	for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
		if (ports[i] == port)
			return true;
	return false;
}

/* The packet's endpoints as Zeek keys them: ports, or ICMP type and counterpart. */
struct flow_pkt {
	const uint8_t *src, *dst;
	uint16_t sport, dport;
	bool one_way, bad_csum;
	uint64_t bytes;              /* what orig_bytes counts of it */
};

static bool flow_pkt_of(const struct rs_packet *pkt, struct flow_pkt *fp)
{
	fp->src = pkt->ip.src;
	fp->dst = pkt->ip.dst;
	fp->one_way = false;
	if (pkt->l4 == RS_LAYER_UDP) {
		fp->sport = pkt->udp.sport;
		fp->dport = pkt->udp.dport;
		fp->bad_csum = pkt->udp.csum_status == RS_CSUM_BAD;
		fp->bytes = pkt->udp.len >= 8 ? pkt->udp.len - 8u : 0;
		return true;
	}
	if (pkt->l4 == RS_LAYER_ICMP || pkt->l4 == RS_LAYER_ICMPV6) {
		uint32_t l4 = pkt->ip.total_len > pkt->ip.hdr_len ? pkt->ip.total_len - pkt->ip.hdr_len : 0;
		fp->sport = pkt->icmp.type;
		fp->dport = icmp_counterpart(pkt->l4 == RS_LAYER_ICMPV6, pkt->icmp.type,
					     pkt->icmp.code, &fp->one_way);
		fp->bad_csum = false;
		fp->bytes = l4 >= 8 ? l4 - 8u : 0;
		return true;
	}
	return false;
}

/* Canonical key: the lower (address, port) first, except for one-way ICMP.
 * Returns whether the source went second. */
static bool make_key(struct rs_conn_key *k, const struct rs_packet *pkt, const struct flow_pkt *fp)
{
	size_t alen = pkt->ip.v == 6 ? 16 : 4;
	int c = memcmp(fp->src, fp->dst, alen);
	bool swap = !fp->one_way && (c > 0 || (c == 0 && fp->sport > fp->dport));

	memset(k, 0, sizeof(*k));
	memcpy(k->a, swap ? fp->dst : fp->src, alen);
	memcpy(k->b, swap ? fp->src : fp->dst, alen);
	k->pa = swap ? fp->dport : fp->sport;
	k->pb = swap ? fp->sport : fp->dport;
	k->v = pkt->ip.v;
	k->pad[0] = pkt->ip.proto;
	k->pad[1] = fp->one_way;
	return swap;
}

static uint32_t lookup(const struct rs_flow_table *t, const struct rs_conn_key *k)
{
	for (uint32_t i = t->buckets[bucket_of(t, k)]; i != RS_NIL; i = t->slots[i].hnext)
		if (memcmp(&t->slots[i].key, k, sizeof(*k)) == 0)
			return i;
	return RS_NIL;
}

static void add_history(struct flow *f, char ch)
{
	if (f->hist_len < FLOW_HIST_MAX)
		f->history[f->hist_len++] = ch;
	f->history[f->hist_len] = '\0';
}

static void to_record(const struct flow *f, enum rs_conn_end why, struct rs_conn_record *r)
{
	const struct rs_conn_key *k = &f->key;
	bool a_orig = f->orig_side == 0;

	memset(r, 0, sizeof(*r));
	r->id = f->id;
	r->end = why;
	r->v = k->v;
	memcpy(r->client, a_orig ? k->a : k->b, 16);
	memcpy(r->server, a_orig ? k->b : k->a, 16);
	r->cport = a_orig ? k->pa : k->pb;
	r->sport = a_orig ? k->pb : k->pa;
	r->first_ns = f->first_ns;
	r->last_ns = r->zeek_last_ns = f->last_ns;
	r->ts_digits = f->ts_digits;
	r->ip_proto = k->pad[0];
	r->c2s_pkts = f->pkts[0];
	r->s2c_pkts = f->pkts[1];
	r->c2s_bytes = r->orig_bytes = f->bytes[0];
	r->s2c_bytes = r->resp_bytes = f->bytes[1];
	r->orig_ip_bytes = f->ip_bytes[0];
	r->resp_ip_bytes = f->ip_bytes[1];
	if (k->pad[0] == 17) {
		bool o = f->pkts[0] > 0, rs = f->pkts[1] > 0;
		strcpy(r->conn_state, o ? (rs ? "SF" : "S0") : (rs ? "SHR" : "OTH"));
	} else {
		strcpy(r->conn_state, "OTH");
	}
	memcpy(r->history, f->history, sizeof(f->history));
}

/* Hands the flow over and frees its slot. */
static void retire(struct rs_flow_table *t, uint32_t idx, enum rs_conn_end why)
{
	struct flow *f = &t->slots[idx];
	struct rs_conn_record rec;

	if (t->cfg.on_flow_done) {
		to_record(f, why, &rec);
		t->cfg.on_flow_done(t->cfg.ctx, &rec);
	}
	uint32_t *pp = &t->buckets[bucket_of(t, &f->key)];
	while (*pp != idx)
		pp = &t->slots[*pp].hnext;
	*pp = f->hnext;
	rs_lru_unlink(&t->lru, idx);
	f->used = false;
	f->hnext = t->free_head;
	t->free_head = idx;
	t->used--;
}

static void expire(struct rs_flow_table *t, int64_t now)
{
	int64_t limit = (int64_t)t->cfg.idle_timeout * NS;

	while (t->lru.tail != RS_LRU_NIL && now - t->slots[t->lru.tail].last_ns > limit) {
		t->st.expired++;
		retire(t, t->lru.tail, RS_END_EXPIRED);
	}
}

/* A new flow for the packet; RS_NIL only when no slot can be had. */
static uint32_t create(struct rs_flow_table *t, const struct rs_conn_key *k, const struct rs_packet *pkt,
		       const struct flow_pkt *fp, bool src_second)
{
	if (t->free_head == RS_NIL && !grow(t, t->cap * 2) && t->lru.tail != RS_LRU_NIL) {
		t->st.evicted++;
		retire(t, t->lru.tail, RS_END_EVICTED);
	}
	if (t->free_head == RS_NIL)
		return RS_NIL;
	uint32_t idx = t->free_head;
	struct flow *f = &t->slots[idx];
	t->free_head = f->hnext;
	memset(f, 0, sizeof(*f));
	f->key = *k;
	f->used = true;
	f->id = ++t->next_id;
	f->first_ns = f->last_ns = pkt->ts_ns;
	f->ts_digits = pkt->ts_digits == 9 ? 9 : 6;
	f->csum_thr[0] = f->csum_thr[1] = 1;
	f->flipped = pkt->l4 == RS_LAYER_UDP && likely_server_port(fp->sport) &&
		     !likely_server_port(fp->dport);
	/* The originator's side of the key: the source's, unless flipped. */
	f->orig_side = (uint8_t)(src_second != f->flipped);
	if (f->flipped)
		add_history(f, '^');
	uint32_t h = bucket_of(t, k);
	f->hnext = t->buckets[h];
	t->buckets[h] = idx;
	rs_lru_push(&t->lru, idx);
	t->used++;
	t->st.flows++;
	if (t->used > t->st.peak)
		t->st.peak = t->used;
	return idx;
}

void rs_flow_update(struct rs_flow_table *t, const struct rs_packet *pkt)
{
	struct flow_pkt fp;
	struct rs_conn_key k;

	if (!pkt->has_ip || !flow_pkt_of(pkt, &fp))
		return;
	t->st.packets++;
	expire(t, pkt->ts_ns);
	bool src_second = make_key(&k, pkt, &fp);
	uint32_t idx = lookup(t, &k);
	if (idx == RS_NIL && (idx = create(t, &k, pkt, &fp, src_second)) == RS_NIL)
		return;
	struct flow *f = &t->slots[idx];
	int d = src_second == (f->orig_side == 1) ? 0 : 1;   /* 0: from the originator */
	if (pkt->l4 == RS_LAYER_UDP) {
		if (fp.bad_csum && ++f->csum_cnt[d] == f->csum_thr[d]) {
			add_history(f, d ? 'c' : 'C');
			f->csum_thr[d] *= 10;
		}
		if (fp.bad_csum && t->cfg.zeek_compat) {
			f->pkts[d]++;
			f->ip_bytes[d] += pkt->ip.total_len;
			rs_lru_touch(&t->lru, idx);
			return;
		}
		if (!(f->seen & (1u << d))) {
			f->seen |= (uint8_t)(1u << d);
			add_history(f, d ? 'd' : 'D');
		}
	}
	f->pkts[d]++;
	f->bytes[d] += fp.bytes;
	f->ip_bytes[d] += pkt->ip.total_len;
	if (pkt->ts_ns > f->last_ns)
		f->last_ns = pkt->ts_ns;
	rs_lru_touch(&t->lru, idx);
}

struct flow_order {
	uint64_t id;
	uint32_t idx;
};

static int by_id(const void *a, const void *b)
{
	uint64_t x = ((const struct flow_order *)a)->id, y = ((const struct flow_order *)b)->id;
	return x < y ? -1 : x > y;
}

void rs_flow_finish(struct rs_flow_table *t)
{
	uint32_t n = 0;
	struct flow_order *order = t->used ? malloc((size_t)t->used * sizeof(*order)) : NULL;

	for (uint32_t i = 0; i < t->cap && order; i++)
		if (t->slots[i].used)
			order[n++] = (struct flow_order){ t->slots[i].id, i };
	if (order)
		qsort(order, n, sizeof(*order), by_id);
	for (uint32_t i = 0; i < n; i++)
		retire(t, order[i].idx, RS_END_FINISHED);
	free(order);
	/* Without memory for the order, in LRU order rather than none. */
	while (t->lru.tail != RS_LRU_NIL)
		retire(t, t->lru.tail, RS_END_FINISHED);
}

void rs_flow_get_stats(const struct rs_flow_table *t, struct rs_flow_stats *st)
{
	*st = t->st;
}
