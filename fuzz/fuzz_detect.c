/*
 * fuzz_detect.c: libFuzzer target for the SYN-flood and port-scan detector
 * (rs_detect_*): its tables at tiny bounds, so that every eviction path
 * runs, its clock stepped back and forth, and its printers; after every
 * packet the tables are checked against their bounds and against each
 * other (every half-open entry on its victim's list and the global list,
 * the counts equal to what the lists hold, a host's counts equal to the
 * entries that still belong to it).
 *
 * Input: a 4-byte header, then 8-byte records, one TCP segment each.
 *   header[0]  bits 0-1: max_victims - 1; bits 2-3: max_hosts - 1;
 *              bits 4-5: max_scanners - 1; bit 6: JSON output; bit 7:
 *              no update lines
 *   header[1]  max_half_open (1..64) and per victim (bits 6-7: 1, 2, 4, all)
 *   header[2]  thresholds: bits 0-3 syn rate (1..16 /s), bits 4-7 half-open
 *   header[3]  scan ports (2..17, bits 0-3), spoof sources (1..16, bits 4-7)
 *   record:
 *     r[0]     bits 0-2: source (of 8), bits 3-4: victim host (of 4),
 *              bit 5: IPv6, bits 6-7: what: 0 SYN, 1 SYN-ACK, 2 ACK, 3 RST
 *     r[1]     destination port (of 256), or low bits of it
 *     r[2]     source port low byte
 *     r[3]     ISN (times 0x01010101), the ack/seq derived from it
 *     r[4..5]  signed time step in eighths of a millisecond (clock back
 *              and forth, up to 4 s a record: longer idle steps only
 *              repeat the same sweeps)
 *     r[6]     bit 0: RST+ACK; bit 1: tick without a packet; bit 2:
 *              later IP fragment (ignored); bits 3-7: port high bits
 *     r[7]     extra nanoseconds (times 3,906,250: up to a second)
 */
#include "fuzz.h"

#include <string.h>

#include "../src/detect_int.h"

#define HDR 4
#define REC 8
#define NS 1000000000LL
#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)

/* Walks every table and checks what the counters say. */
static void check_tables(const struct rs_detect *d)
{
	const struct rs_detect_opts *o = &d->o;
	uint32_t in_victims = 0, global = 0;

	CHECK(d->nho <= o->max_half_open);
	CHECK(d->vtab.n <= o->max_victims && d->vtab.next_free <= o->max_victims);
	CHECK(d->htab.n <= o->max_hosts && d->htab.next_free <= o->max_hosts);
	CHECK(d->nscanners <= o->max_scanners);
	for (uint32_t i = d->ho_ghead; i != DETECT_NIL; i = d->ho[i].gnext) {
		CHECK(i < o->max_half_open);
		CHECK(++global <= d->nho);
		CHECK(d->victims[d->ho[i].victim].used);
	}
	CHECK(global == d->nho);
	for (uint32_t vi = 0; vi < d->vtab.next_free; vi++) {
		const struct detect_victim *v = &d->victims[vi];
		uint32_t n = 0, aged = 0;
		if (!v->used)
			continue;
		CHECK(v->pending <= o->max_half_open_per_victim);
		for (uint32_t i = v->ho_head; i != DETECT_NIL; i = d->ho[i].vnext) {
			CHECK(d->ho[i].victim == vi);
			CHECK(++n <= v->pending);
			if (d->ho[i].flags & DETECT_HO_AGED)
				aged++;
		}
		CHECK(n == v->pending && aged == v->aged);
		in_victims += n;
	}
	CHECK(in_victims == d->nho);
	for (uint32_t hi = 0; hi < d->htab.next_free; hi++) {
		const struct detect_host *h = &d->hosts[hi];
		uint32_t n = 0, aged = 0;
		if (!h->used)
			continue;
		for (uint32_t i = d->ho_ghead; i != DETECT_NIL; i = d->ho[i].gnext) {
			if (d->ho[i].host != hi || d->ho[i].host_gen != h->gen)
				continue;
			n++;
			if (d->ho[i].flags & DETECT_HO_AGED)
				aged++;
		}
		CHECK(n == h->pending && aged == h->aged);
		CHECK(h->port_bits_set <= DETECT_SCAN_BITS);
	}
	uint32_t lru = 0;
	for (uint32_t hi = d->htab.lru.head; hi != DETECT_NIL; hi = d->hosts[hi].lru.next)
		CHECK(d->hosts[hi].used && ++lru <= d->htab.n);
	CHECK(lru == d->htab.n);
	lru = 0;
	for (uint32_t vi = d->vtab.lru.head; vi != DETECT_NIL; vi = d->victims[vi].lru.next)
		CHECK(d->victims[vi].used && ++lru <= d->vtab.n);
	CHECK(lru == d->vtab.n);
	lru = 0;
	for (uint32_t si = d->slru.head; si != DETECT_NIL; si = d->scanners[si].lru.next)
		CHECK(d->scanners[si].used && ++lru <= d->nscanners);
	CHECK(lru == d->nscanners);
}

/* How the CLI prints. */
struct printing {
	enum rs_detect_format format;
};

static void alert_seen(void *ctx, const struct rs_detect_alert *a)
{
	const struct printing *pr = ctx;
	CHECK(a->kind <= RS_DETECT_ALERT_STATE_EXHAUSTED && a->phase <= RS_DETECT_ALERT_END);
	CHECK(a->completion >= 0 && a->completion <= 1);
	CHECK(a->kind != RS_DETECT_ALERT_STATE_EXHAUSTED || a->table != NULL);
	rs_detect_alert_print(fuzz_out(), pr->format, NULL, a);
}

static void addr(uint8_t *a, bool v6, uint8_t net, uint8_t host)
{
	memset(a, 0, 16);
	if (v6) {
		a[0] = 0x20, a[1] = 0x01, a[2] = 0x0d, a[3] = 0xb8;
		a[4] = net;
		a[15] = host;
	} else {
		a[0] = net == 1 ? 198 : 192;
		a[1] = net == 1 ? 51 : 0;
		a[2] = net == 1 ? 100 : 2;
		a[3] = host;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rs_detect_opts o;
	char err[128];

	if (size < HDR)
		return 0;
	rs_detect_opts_default(&o);
	o.max_victims = 1u + (data[0] & 3);
	o.max_hosts = 1u + ((data[0] >> 2) & 3);
	o.max_scanners = 1u + ((data[0] >> 4) & 3);
	struct printing pr = { (data[0] & 0x40) ? RS_DETECT_JSON : RS_DETECT_TEXT };
	o.no_updates = (data[0] & 0x80) != 0;
	o.max_half_open = 1u + (data[1] & 63);
	static const uint32_t per[4] = { 1, 2, 4, 1u << 26 };
	o.max_half_open_per_victim = per[data[1] >> 6];
	o.syn_rate = 1 + (data[2] & 15);
	o.half_open = 1u + (data[2] >> 4);
	o.scan_ports = 2u + (data[3] & 15);
	o.spoof_sources = 1u + (data[3] >> 4);
	o.exhaust_rate = 1;
	o.seed = 7;
	o.on_alert = alert_seen;
	o.ctx = &pr;

	struct rs_detect *d = rs_detect_new(&o, err, sizeof(err));
	CHECK(d != NULL);
	struct rs_packet p;
	int64_t t = 1700000000LL * NS;
	for (size_t off = HDR; off + REC <= size; off += REC) {
		const uint8_t *r = data + off;
		int16_t step = (int16_t)(r[4] | r[5] << 8);
		t += (int64_t)step * 125000 + (int64_t)r[7] * 3906250;
		if (r[6] & 2) {
			rs_detect_tick(d, rs_time_ns(t / NS, (uint32_t)(t % NS), 9));
			check_tables(d);
			continue;
		}
		bool v6 = (r[0] & 0x20) != 0;
		uint8_t what = r[0] >> 6;
		uint32_t isn = r[3] * 0x01010101u;
		uint8_t cli[16], srv[16];
		uint16_t cport = (uint16_t)(1024 + r[2]), sport = (uint16_t)(r[1] | (r[6] >> 3) << 8);
		addr(cli, v6, 1, (uint8_t)(1 + (r[0] & 7)));
		addr(srv, v6, 2, (uint8_t)(1 + ((r[0] >> 3) & 3)));

		memset(&p, 0, sizeof(p));
		rs_packet_set_time(&p, t / NS, (uint32_t)(t % NS), 9);
		p.has_ip = true;
		p.ip.v = v6 ? 6 : 4;
		p.ip.proto = 6;
		p.ip.is_later_fragment = (r[6] & 4) != 0;
		p.l4 = RS_LAYER_TCP;
		p.tcp.hdr_len = 20;
		bool to_server = what == 0 || what == 2 || (what == 3 && (r[1] & 1));
		memcpy(p.ip.src, to_server ? cli : srv, 16);
		memcpy(p.ip.dst, to_server ? srv : cli, 16);
		p.tcp.sport = to_server ? cport : sport;
		p.tcp.dport = to_server ? sport : cport;
		switch (what) {
		case 0: p.tcp.flags = RS_TH_SYN; p.tcp.seq = isn; break;
		case 1:
			p.tcp.flags = RS_TH_SYN | RS_TH_ACK;
			p.tcp.seq = ~isn;
			p.tcp.ack = isn + 1;
			break;
		case 2:
			p.tcp.flags = RS_TH_ACK;
			p.tcp.seq = isn + 1;
			p.tcp.ack = ~isn + 1;
			break;
		default:
			p.tcp.flags = RS_TH_RST | ((r[6] & 1) ? RS_TH_ACK : 0);
			p.tcp.seq = to_server ? isn + 1 : 0;
			p.tcp.ack = isn + 1;
			break;
		}
		rs_detect_packet(d, &p);
		check_tables(d);
	}
	rs_detect_finish(d);
	check_tables(d);
	struct rs_detect_stats st;
	rs_detect_get_stats(d, &st);
	rs_detect_print_stats(fuzz_out(), pr.format, &st, &o);
	rs_detect_free(d);
	return 0;
}
