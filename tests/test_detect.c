/* test_detect.c: the SYN-flood and port-scan detector on synthetic packet sequences. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rawshake/detect.h"
#include "rawshake/view.h"

#include <unistd.h>

#define NS 1000000000LL
#define T0 (1700000000LL * NS)
#define MAXA 256

struct alerts {
	int n;
	struct rs_detect_alert a[MAXA];
};

static void collect(void *ctx, const struct rs_detect_alert *a)
{
	struct alerts *al = ctx;
	if (al->n < MAXA)
		al->a[al->n] = *a;
	al->n++;
}

struct fx {
	struct rs_detect *d;
	struct alerts al;
	struct rs_packet p;
	uint32_t rng;
};

static struct fx *fx_new(const struct rs_detect_opts *o)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct rs_detect_opts so;
	char err[128];
	if (o)
		so = *o;
	else
		rs_detect_opts_default(&so);
	so.seed = 42;
	so.on_alert = collect;
	so.ctx = &f->al;
	f->d = rs_detect_new(&so, err, sizeof(err));
	assert_non_null(f->d);
	f->rng = 12345;
	return f;
}

static void fx_free(struct fx *f)
{
	rs_detect_free(f->d);
	free(f);
}

static uint32_t rnd(struct fx *f)
{
	f->rng = f->rng * 1103515245u + 12345u;
	return f->rng >> 8;
}

static void ip4(uint8_t *a, uint32_t v)
{
	memset(a, 0, 16);
	a[0] = (uint8_t)(v >> 24);
	a[1] = (uint8_t)(v >> 16);
	a[2] = (uint8_t)(v >> 8);
	a[3] = (uint8_t)v;
}

#define A4(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (d))

/* One TCP segment at time t (ns). */
static void seg(struct fx *f, int64_t t, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
		uint8_t flags, uint32_t seq, uint32_t ack)
{
	struct rs_packet *p = &f->p;
	memset(p, 0, sizeof(*p));
	rs_packet_set_time(p, t / NS, (uint32_t)(t % NS / 1000), 6);
	p->has_ip = true;
	p->ip.v = 4;
	p->ip.proto = 6;
	ip4(p->ip.src, src);
	ip4(p->ip.dst, dst);
	p->l4 = RS_LAYER_TCP;
	p->tcp.sport = sport;
	p->tcp.dport = dport;
	p->tcp.seq = seq;
	p->tcp.ack = ack;
	p->tcp.flags = flags;
	p->tcp.hdr_len = 20;
	rs_detect_packet(f->d, p);
}

/* A whole handshake starting at t: SYN, SYN-ACK after 200 us, ACK after 400 us. */
static void handshake(struct fx *f, int64_t t, uint32_t cli, uint16_t cport, uint32_t srv,
		      uint16_t sport)
{
	uint32_t isn = rnd(f), sisn = rnd(f);
	seg(f, t, cli, cport, srv, sport, RS_TH_SYN, isn, 0);
	seg(f, t + 200000, srv, sport, cli, cport, RS_TH_SYN | RS_TH_ACK, sisn, isn + 1);
	seg(f, t + 400000, cli, cport, srv, sport, RS_TH_ACK, isn + 1, sisn + 1);
}

static int count(const struct fx *f, enum rs_detect_alert_kind k, enum rs_detect_alert_phase ph)
{
	int n = 0;
	for (int i = 0; i < f->al.n && i < MAXA; i++)
		if (f->al.a[i].kind == k && f->al.a[i].phase == ph)
			n++;
	return n;
}

static const struct rs_detect_alert *find(const struct fx *f, enum rs_detect_alert_kind k,
				   enum rs_detect_alert_phase ph, uint32_t victim, uint16_t port)
{
	uint8_t a[16];
	ip4(a, victim);
	for (int i = 0; i < f->al.n && i < MAXA; i++)
		if (f->al.a[i].kind == k && f->al.a[i].phase == ph &&
		    memcmp(f->al.a[i].victim, a, 16) == 0 && f->al.a[i].port == port)
			return &f->al.a[i];
	return NULL;
}

static const uint32_t SRV = A4(192, 0, 2, 2);

/* 3000 completing handshakes per second for 6 s from 200 clients: no alert. */
static void test_benign_heavy(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL);
	int64_t t = T0;
	for (int i = 0; i < 18000; i++, t += NS / 3000)
		handshake(f, t, A4(192, 0, 2, 10 + i % 200), (uint16_t)(20000 + i % 30000), SRV, 80);
	rs_detect_tick(f->d, (t + 10 * NS) / NS * NS);
	rs_detect_finish(f->d);
	assert_int_equal(f->al.n, 0);
	struct rs_detect_stats st;
	rs_detect_get_stats(f->d, &st);
	assert_int_equal(st.completed, 18000);
	assert_int_equal(st.alerts, 0);
	fx_free(f);
}

/* A random-source flood of `rate` SYN/s for `secs` seconds to dst:port;
 * the victim answers each SYN once with a SYN-ACK and retransmits it 1 s
 * later (the kernel's first retransmission).  Returns the last SYN time. */
static int64_t flood(struct fx *f, int64_t t, double rate, double secs, uint32_t dst, uint16_t port,
		     bool single)
{
	int n = (int)(rate * secs);
	int64_t step = (int64_t)(NS / rate), last = t;
	for (int i = 0; i < n; i++, t += step) {
		uint32_t src = single ? A4(203, 0, 113, 7)
				      : ((i & 1) ? A4(198, 51, 100, 0) : A4(203, 0, 113, 0)) | (rnd(f) & 0xff);
		seg(f, t, src, (uint16_t)(1024 + rnd(f) % 60000), dst, port, RS_TH_SYN, rnd(f), 0);
		last = t;
	}
	return last;
}

static void check_flood(const struct fx *f, int64_t first, int64_t last, uint32_t victim,
			uint16_t port, bool spoofed)
{
	const struct rs_detect_alert *s = find(f, RS_DETECT_ALERT_SYN_FLOOD, RS_DETECT_ALERT_START, victim, port);
	const struct rs_detect_alert *e = find(f, RS_DETECT_ALERT_SYN_FLOOD, RS_DETECT_ALERT_END, victim, port);
	assert_non_null(s);
	assert_non_null(e);
	assert_true(s->ts_ns >= first && s->ts_ns <= first + NS);
	assert_true(e->ts_ns >= last && e->ts_ns <= last + 5 * NS);
	assert_true(s->half_open >= 50);
	assert_true(s->syn_rate >= 100);
	assert_true(s->completion <= 0.8);
	assert_int_equal(s->spoofed, spoofed);
	assert_true(e->total_syns > 0);
	assert_true(e->peak_rate >= 100);
	assert_true(e->duration > 0);
}

/* 300 SYN/s that never complete: start within a second, updates at most
 * one a second, end within a few seconds of the last SYN. */
static void test_slow_flood(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL);
	int64_t first = T0 + NS / 3;
	int64_t last = flood(f, first, 300, 6, SRV, 80, false);
	rs_detect_tick(f->d, (last + 10 * NS) / NS * NS);
	assert_int_equal(count(f, RS_DETECT_ALERT_SYN_FLOOD, RS_DETECT_ALERT_START), 1);
	assert_int_equal(count(f, RS_DETECT_ALERT_SYN_FLOOD, RS_DETECT_ALERT_END), 1);
	check_flood(f, first, last, SRV, 80, true);
	uint32_t most = 0;
	for (int i = 0; i < f->al.n; i++)
		if (f->al.a[i].sources > most)
			most = f->al.a[i].sources;
	assert_true(most >= 400 && most <= 600); /* 512 addresses */
	assert_int_equal(f->al.a[0].phase, RS_DETECT_ALERT_START);
	int ups = count(f, RS_DETECT_ALERT_SYN_FLOOD, RS_DETECT_ALERT_UPDATE);
	assert_true(ups >= 3 && ups <= 9);
	int64_t prev = f->al.a[0].ts_ns;
	for (int i = 1; i < f->al.n; i++) {
		assert_true(f->al.a[i].ts_ns - prev >= NS || f->al.a[i].phase == RS_DETECT_ALERT_END);
		prev = f->al.a[i].ts_ns;
	}
	assert_int_equal(f->al.a[f->al.n - 1].phase, RS_DETECT_ALERT_END);
	fx_free(f);
}

/* The same flood during 500 completing handshakes per second: alert; the
 * benign load before and after: none. */
static void test_flood_during_benign(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL);
	int64_t t = T0, first = 0, last = 0;
	for (int i = 0; i < 500 * 12; i++, t += NS / 500) {
		handshake(f, t, A4(192, 0, 2, 10 + i % 50), (uint16_t)(20000 + i % 30000), SRV, 80);
		if (t >= T0 + 4 * NS && t < T0 + 7 * NS) {
			for (int k = 0; k < 2; k++) {
				uint32_t src = A4(198, 51, 100, 0) | (rnd(f) & 0xff);
				seg(f, t + k * NS / 1000, src, (uint16_t)(1024 + rnd(f) % 60000), SRV, 80,
				    RS_TH_SYN, rnd(f), 0);
				if (!first)
					first = t;
				last = t + k * NS / 1000;
			}
		}
	}
	rs_detect_finish(f->d);
	assert_int_equal(count(f, RS_DETECT_ALERT_SYN_FLOOD, RS_DETECT_ALERT_START), 1);
	check_flood(f, first, last, SRV, 80, true);
	fx_free(f);
}

/* One source with changing ports: an alert, not spoofed. */
static void test_single_source(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL);
	int64_t first = T0;
	int64_t last = flood(f, first, 1000, 4, SRV, 443, true);
	rs_detect_tick(f->d, (last + 10 * NS) / NS * NS);
	check_flood(f, first, last, SRV, 443, false);
	const struct rs_detect_alert *s = find(f, RS_DETECT_ALERT_SYN_FLOOD, RS_DETECT_ALERT_START, SRV, 443);
	assert_int_equal(s->sources, 1);
	assert_int_equal(s->never_completed, 1);
	assert_int_equal(count(f, RS_DETECT_ALERT_PORT_SCAN, RS_DETECT_ALERT_START), 0);
	fx_free(f);
}

/* Two victims flooded at overlapping times: two separate alerts. */
static void test_two_victims(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL);
	const uint32_t V2 = A4(192, 0, 2, 3);
	int64_t t = T0, f1 = 0, l1 = 0, f2 = 0, l2 = 0;
	for (int i = 0; i < 4000; i++, t += NS / 500) {
		/* victim 1: 0..5 s, victim 2: 2..7 s, 500 SYN/s each */
		if (t < T0 + 5 * NS) {
			seg(f, t, A4(198, 51, 100, 0) | (rnd(f) & 0xff), (uint16_t)(1024 + i), SRV, 80,
			    RS_TH_SYN, rnd(f), 0);
			f1 = f1 ? f1 : t;
			l1 = t;
		}
		if (t >= T0 + 2 * NS && t < T0 + 7 * NS) {
			seg(f, t + 1000, A4(203, 0, 113, 0) | (rnd(f) & 0xff), (uint16_t)(1024 + i), V2,
			    8080, RS_TH_SYN, rnd(f), 0);
			f2 = f2 ? f2 : t + 1000;
			l2 = t + 1000;
		}
	}
	rs_detect_finish(f->d);
	assert_int_equal(count(f, RS_DETECT_ALERT_SYN_FLOOD, RS_DETECT_ALERT_START), 2);
	check_flood(f, f1, l1, SRV, 80, true);
	check_flood(f, f2, l2, V2, 8080, true);
	fx_free(f);
}

/* One source, 1000 ports in one second, each refused by an RST: a scan. */
static void test_port_scan(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL);
	const uint32_t SC = A4(192, 0, 2, 66);
	int64_t t = T0;
	for (int port = 1; port <= 1000; port++, t += NS / 1000) {
		uint32_t isn = rnd(f);
		seg(f, t, SC, 55555, SRV, (uint16_t)port, RS_TH_SYN, isn, 0);
		seg(f, t + 100000, SRV, (uint16_t)port, SC, 55555, RS_TH_RST | RS_TH_ACK, 0, isn + 1);
	}
	rs_detect_tick(f->d, (t + 10 * NS) / NS * NS);
	assert_int_equal(count(f, RS_DETECT_ALERT_SYN_FLOOD, RS_DETECT_ALERT_START), 0);
	assert_int_equal(count(f, RS_DETECT_ALERT_PORT_SCAN, RS_DETECT_ALERT_START), 1);
	assert_int_equal(count(f, RS_DETECT_ALERT_PORT_SCAN, RS_DETECT_ALERT_END), 1);
	const struct rs_detect_alert *s = find(f, RS_DETECT_ALERT_PORT_SCAN, RS_DETECT_ALERT_START, SRV, 0);
	assert_non_null(s);
	uint8_t src[16];
	ip4(src, SC);
	assert_memory_equal(s->source, src, 16);
	assert_true(s->ts_ns <= T0 + NS / 10);
	const struct rs_detect_alert *e = find(f, RS_DETECT_ALERT_PORT_SCAN, RS_DETECT_ALERT_END, SRV, 0);
	assert_true(e->ports >= 900 && e->ports <= 1000);
	assert_int_equal(e->total_syns, 1000);
	/* The estimate never claims more ports than SYNs, in any alert. */
	for (int i = 0; i < f->al.n; i++)
		if (f->al.a[i].kind == RS_DETECT_ALERT_PORT_SCAN)
			assert_true(f->al.a[i].ports <= f->al.a[i].total_syns);
	fx_free(f);
}

/* SYN-ACK retransmissions and backscatter are counted for the victim. */
static void test_synack_retrans_backscatter(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL);
	int64_t t = T0;
	for (int i = 0; i < 600; i++, t += NS / 300) {
		uint32_t src = A4(198, 51, 100, 0) | (uint32_t)(i & 0xff), isn = rnd(f);
		seg(f, t, src, (uint16_t)(2000 + i), SRV, 80, RS_TH_SYN, isn, 0);
		seg(f, t + 1000, SRV, 80, src, (uint16_t)(2000 + i), RS_TH_SYN | RS_TH_ACK, 7, isn + 1);
		seg(f, t + 2000, SRV, 80, src, (uint16_t)(2000 + i), RS_TH_SYN | RS_TH_ACK, 7, isn + 1);
		/* a SYN-ACK from another host for a SYN nobody sent */
		seg(f, t + 3000, A4(192, 0, 2, 99), 443, A4(192, 0, 2, 1), (uint16_t)(3000 + i),
		    RS_TH_SYN | RS_TH_ACK, 9, 12345);
	}
	rs_detect_finish(f->d);
	const struct rs_detect_alert *e = find(f, RS_DETECT_ALERT_SYN_FLOOD, RS_DETECT_ALERT_END, SRV, 80);
	assert_non_null(e);
	assert_true(e->synack_retrans > 100);
	struct rs_detect_stats st;
	rs_detect_get_stats(f->d, &st);
	assert_int_equal(st.backscatter, 600);
	fx_free(f);
}

/* Two million SYNs from distinct sources to 10000 victims: every table
 * stays within its bound and counts what it evicted. */
static void test_memory_bound(void **state)
{
	(void)state;
	struct rs_detect_opts o;
	rs_detect_opts_default(&o);
	o.max_victims = 256;
	o.max_half_open = 4096;
	o.max_half_open_per_victim = 512;
	o.max_scanners = 128;
	struct fx *f = fx_new(&o);
	int64_t t = T0;
	for (uint32_t i = 0; i < 2000000; i++, t += 1000) {
		uint32_t dst = A4(192, 0, 2, 0) | (i % 40);
		seg(f, t, 0xc6336400u + i, (uint16_t)i, dst, (uint16_t)(i % 250), RS_TH_SYN, i, 0);
	}
	rs_detect_finish(f->d);
	struct rs_detect_stats st;
	rs_detect_get_stats(f->d, &st);
	assert_int_equal(st.syns, 2000000);
	assert_true(st.victims <= 256 && st.victims_peak <= 256);
	assert_true(st.half_open <= 4096 && st.half_open_peak <= 4096);
	assert_true(st.scanners <= 128);
	assert_true(st.victim_evictions > 0);
	assert_true(st.half_open_evictions > 0);
	assert_true(st.scanner_evictions > 0);
	assert_true(rs_detect_mem_bound(&o) < 8u << 20);
	fx_free(f);
}

/* A flood faster than the victim's share of the table holds SYNs for the
 * grace period: entries leave before they count as half-open, and it
 * must still alert. */
static void test_flood_faster_than_table(void **state)
{
	(void)state;
	struct rs_detect_opts o;
	rs_detect_opts_default(&o);
	o.max_half_open_per_victim = 1000;
	struct fx *f = fx_new(&o);
	int64_t first = T0;
	int64_t last = flood(f, first, 20000, 2, SRV, 80, false);
	rs_detect_finish(f->d);
	check_flood(f, first, last, SRV, 80, true);
	struct rs_detect_stats st;
	rs_detect_get_stats(f->d, &st);
	assert_true(st.half_open_evictions > 30000);
	assert_true(st.half_open_peak <= 1000);
	fx_free(f);
}

/* A pcapng timestamp can be any 64-bit value: far-future and negative
 * seconds must not overflow the nanosecond clock (UBSan would stop here). */
static void test_extreme_timestamps(void **state)
{
	(void)state;
	struct rs_detect_opts o;
	rs_detect_opts_default(&o);
	struct fx *f = fx_new(&o);
	seg(f, T0, A4(198, 51, 100, 1), 1000, SRV, 80, RS_TH_SYN, 1, 0);
	rs_packet_set_time(&f->p, INT64_MAX, 999999, 6);
	rs_detect_packet(f->d, &f->p);
	rs_packet_set_time(&f->p, INT64_MIN, 999999, 6);
	rs_detect_packet(f->d, &f->p);
	rs_detect_tick(f->d, rs_time_ns(INT64_MAX, 999999999, 9));
	rs_detect_finish(f->d);
	struct rs_detect_stats st;
	rs_detect_get_stats(f->d, &st);
	assert_int_equal(st.packets, 3);
	fx_free(f);
}

/* A random-source flood of `rate` SYN/s for `secs` seconds to dst on
 * ports 1..nports (a random one each), from the 508 addresses of two
 * documentation /24s, as bench/flood-gen.c makes it. */
static int64_t flood_ports(struct fx *f, int64_t t, double rate, double secs, uint32_t dst,
			   uint32_t nports)
{
	int n = (int)(rate * secs);
	int64_t step = (int64_t)(NS / rate), last = t;
	for (int i = 0; i < n; i++, t += step) {
		uint32_t src = ((i & 1) ? A4(198, 51, 100, 0) : A4(203, 0, 113, 0)) | (1 + rnd(f) % 254);
		uint16_t port = (uint16_t)(1 + rnd(f) % nports);
		seg(f, t, src, (uint16_t)(1024 + rnd(f) % 60000), dst, port, RS_TH_SYN, rnd(f), 0);
		last = t;
	}
	return last;
}

static int count_host_wide(const struct fx *f, enum rs_detect_alert_phase ph)
{
	int n = 0;
	for (int i = 0; i < f->al.n && i < MAXA; i++)
		if (f->al.a[i].kind == RS_DETECT_ALERT_SYN_FLOOD && f->al.a[i].phase == ph &&
		    f->al.a[i].host_wide)
			n++;
	return n;
}

/* 1M SYNs at 100k/s over many ports of one host: each port gets less than
 * the per-port rate (2000 ports) or the ports outnumber the victim table
 * (65535): one flood on the host, no port scans from the 508 sources,
 * and the tables' evictions raise a state-exhausted alert. */
static void flood_over_ports(uint32_t nports)
{
	struct fx *f = fx_new(NULL);
	int64_t first = T0 + NS / 7;
	int64_t last = flood_ports(f, first, 100000, 10, SRV, nports);
	rs_detect_tick(f->d, (last + 10 * NS) / NS * NS);
	rs_detect_finish(f->d);

	assert_int_equal(count(f, RS_DETECT_ALERT_PORT_SCAN, RS_DETECT_ALERT_START), 0);
	assert_int_equal(count(f, RS_DETECT_ALERT_SYN_FLOOD, RS_DETECT_ALERT_START), 1);
	assert_int_equal(count_host_wide(f, RS_DETECT_ALERT_START), 1);
	assert_int_equal(count_host_wide(f, RS_DETECT_ALERT_END), 1);
	const struct rs_detect_alert *s = find(f, RS_DETECT_ALERT_SYN_FLOOD, RS_DETECT_ALERT_START, SRV, 0);
	const struct rs_detect_alert *e = find(f, RS_DETECT_ALERT_SYN_FLOOD, RS_DETECT_ALERT_END, SRV, 0);
	assert_non_null(s);
	assert_non_null(e);
	assert_true(s->host_wide);
	assert_true(s->ts_ns >= first && s->ts_ns <= first + NS);
	assert_true(e->ts_ns >= last && e->ts_ns <= last + 5 * NS);
	print_message("host-wide start +%.3f s: %.0f SYN/s, %u half-open, completion %.3f, "
		      "%u sources; end +%.3f s, %u ports, %llu SYNs\n",
		      (double)(s->ts_ns - first) / NS, s->syn_rate, s->half_open, s->completion,
		      s->sources, (double)(e->ts_ns - last) / NS, e->ports,
		      (unsigned long long)e->total_syns);
	assert_true(s->syn_rate >= 5000);
	assert_true(s->completion <= 0.1);
	assert_true(s->spoofed);
	assert_true(e->ports >= nports * 8 / 10 || e->ports >= 2000);
	assert_true(e->total_syns >= 900000);

	assert_int_equal(count(f, RS_DETECT_ALERT_STATE_EXHAUSTED, RS_DETECT_ALERT_START), 1);
	assert_int_equal(count(f, RS_DETECT_ALERT_STATE_EXHAUSTED, RS_DETECT_ALERT_END), 1);
	struct rs_detect_stats st;
	rs_detect_get_stats(f->d, &st);
	assert_int_equal(st.syns, 1000000);
	assert_true(st.scans_in_floods > 0);
	assert_int_equal(st.host_flood_alerts, 1);
	assert_int_equal(st.exhausted_alerts, 1);
	for (int i = 0; i < f->al.n && i < MAXA; i++) {
		const struct rs_detect_alert *a = &f->al.a[i];
		if (a->kind == RS_DETECT_ALERT_STATE_EXHAUSTED && a->phase == RS_DETECT_ALERT_START) {
			assert_true(a->evict_rate >= 100);
			assert_non_null(a->table);
			assert_true(a->capacity > 0);
		}
	}
	fx_free(f);
}

static void test_flood_over_2000_ports(void **state)
{
	(void)state;
	flood_over_ports(2000);
}

static void test_flood_over_all_ports(void **state)
{
	(void)state;
	flood_over_ports(65535);
}

/* A flood on one port is reported for that port only, not again for its host. */
static void test_one_port_not_host_wide(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL);
	int64_t first = T0;
	int64_t last = flood(f, first, 2000, 4, SRV, 80, false);
	rs_detect_finish(f->d);
	check_flood(f, first, last, SRV, 80, true);
	assert_int_equal(count(f, RS_DETECT_ALERT_SYN_FLOOD, RS_DETECT_ALERT_START), 1);
	assert_int_equal(count_host_wide(f, RS_DETECT_ALERT_START), 0);
	assert_int_equal(count(f, RS_DETECT_ALERT_STATE_EXHAUSTED, RS_DETECT_ALERT_START), 0);
	fx_free(f);
}

/* Two ports at 80 SYN/s each: neither reaches the per-port rate, their
 * host does. */
static void test_two_slow_ports(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL);
	int64_t first = T0, t = T0, step = NS / 160;
	for (int i = 0; i < 160 * 6; i++, t += step)
		seg(f, t, A4(198, 51, 100, 1 + rnd(f) % 254), (uint16_t)(1024 + rnd(f) % 60000), SRV,
		    (uint16_t)(i & 1 ? 80 : 443), RS_TH_SYN, rnd(f), 0);
	rs_detect_finish(f->d);
	assert_int_equal(count(f, RS_DETECT_ALERT_SYN_FLOOD, RS_DETECT_ALERT_START), 1);
	assert_int_equal(count_host_wide(f, RS_DETECT_ALERT_START), 1);
	const struct rs_detect_alert *s = find(f, RS_DETECT_ALERT_SYN_FLOOD, RS_DETECT_ALERT_START, SRV, 0);
	assert_non_null(s);
	assert_true(s->ts_ns >= first && s->ts_ns <= first + 2 * NS);
	assert_int_equal(s->ports, 2);
	fx_free(f);
}

static void test_strings(void **state)
{
	(void)state;
	assert_string_equal(rs_detect_alert_kind_str(RS_DETECT_ALERT_SYN_FLOOD), "syn-flood");
	assert_string_equal(rs_detect_alert_kind_str(RS_DETECT_ALERT_PORT_SCAN), "port-scan");
	assert_string_equal(rs_detect_alert_kind_str(RS_DETECT_ALERT_STATE_EXHAUSTED), "state-exhausted");
	assert_string_equal(rs_detect_alert_phase_str(RS_DETECT_ALERT_START), "start");
	assert_string_equal(rs_detect_alert_phase_str(RS_DETECT_ALERT_UPDATE), "update");
	assert_string_equal(rs_detect_alert_phase_str(RS_DETECT_ALERT_END), "end");
	assert_string_equal(rs_detect_format_str(RS_DETECT_JSON), "json");
	struct rs_detect_opts o;
	char err[128];
	rs_detect_opts_default(&o);
	assert_true(rs_detect_opts_check(&o, err, sizeof(err)));
	o.timeout_ms = o.grace_ms;
	assert_false(rs_detect_opts_check(&o, err, sizeof(err)));
}

/* ---- detect -r: the view's read loop through a packet sink ------------- */

static void put32(FILE *f, uint32_t v)
{
	fwrite(&v, 4, 1, f);   /* host order: the pcap magic says which */
}

/* A classic pcap on Ethernet of n SYNs to 192.0.2.2:80 from n sources of
 * 198.51.100.0/24, one every 1 ms; with `cut`, the last record ends short. */
static void write_syns(const char *path, int n, bool cut)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	put32(f, 0xa1b2c3d4);
	put32(f, 2 | 4u << 16);
	put32(f, 0);
	put32(f, 0);
	put32(f, 65535);
	put32(f, 1);
	for (int i = 0; i < n; i++) {
		uint8_t fr[54] = {
			0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 6, 0x08, 0x00,
			0x45, 0, 0, 40, 0, 1, 0, 0, 64, 6, 0, 0,
			198, 51, 100, (uint8_t)(1 + i % 250), 192, 0, 2, 2,
			(uint8_t)(40000 >> 8), (uint8_t)(40000 & 0xff), 0, 80,
			0, 0, 0, (uint8_t)i, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0,
		};
		put32(f, 1700000000u);
		put32(f, (uint32_t)i * 1000u);
		put32(f, sizeof(fr));
		put32(f, sizeof(fr));
		fwrite(fr, 1, cut && i == n - 1 ? 20 : sizeof(fr), f);
	}
	fclose(f);
}

struct sink_seen {
	struct rs_detect *d;
	uint64_t n, last_frame;
};

static void sink_packet(void *ctx, const struct rs_packet *p)
{
	struct sink_seen *s = ctx;
	s->n++;
	s->last_frame = p->frame;
	rs_detect_packet(s->d, p);
}

/* Runs the sink over the files; the status, and what went to errfd. */
static int run_sink(struct sink_seen *seen, char **files, int n, char *err, size_t errlen)
{
	static struct rs_read_sink sink;
	struct rs_input in[4];
	FILE *ef = tmpfile();
	assert_non_null(ef);
	memset(&sink, 0, sizeof(sink));
	sink.prog = "rawshake detect";
	sink.on_packet = sink_packet;
	sink.ctx = seen;
	rs_inputs_open(in, files, n);
	int st = rs_read_inputs_sink(&sink, in, n, NULL, fileno(ef));
	rewind(ef);
	size_t got = fread(err, 1, errlen - 1, ef);
	err[got] = '\0';
	fclose(ef);
	return st;
}

static void test_file_sink(void **state)
{
	(void)state;
	char path[] = "/tmp/test_detect_sink.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	char err[1024];
	struct fx *f = fx_new(NULL);
	struct sink_seen seen = { f->d, 0, 0 };

	/* Every packet reaches the detector, numbered over all the inputs. */
	write_syns(path, 300, false);
	char *two[] = { path, path };
	assert_int_equal(run_sink(&seen, two, 2, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(seen.n, 600);
	assert_int_equal(seen.last_frame, 600);
	struct rs_detect_stats st;
	rs_detect_get_stats(f->d, &st);
	assert_int_equal(st.packets, 600);
	assert_int_equal(st.tcp, 600);
	assert_int_equal(st.syns, 600);

	/* The complaints of read's loop, with the command's prefix (a new sink
	 * counts from 1 again). */
	write_syns(path, 5, true);
	seen.n = 0;
	char *one[] = { path };
	assert_int_equal(run_sink(&seen, one, 1, err, sizeof(err)), 1);
	assert_int_equal(seen.n, 4);
	char want[256];
	snprintf(want, sizeof(want), "rawshake detect: %s: file is truncated after frame 4 (", path);
	assert_true(strncmp(err, want, strlen(want)) == 0);
	char *missing[] = { "/nonexistent/test_detect.pcap" };
	assert_int_equal(run_sink(&seen, missing, 1, err, sizeof(err)), 2);
	assert_string_equal(err, "rawshake detect: /nonexistent/test_detect.pcap: "
				 "No such file or directory\n");
	unlink(path);
	fx_free(f);
}

/* no_updates: on_alert gets the start and end lines only. */
static void test_no_updates(void **state)
{
	(void)state;
	struct rs_detect_opts o;
	rs_detect_opts_default(&o);
	o.no_updates = true;
	struct fx *f = fx_new(&o);
	struct rs_packet *p = &f->p;
	for (int i = 0; i < 4000; i++) {
		memset(p, 0, sizeof(*p));
		int64_t t = T0 + (int64_t)i * (NS / 1000);
		rs_packet_set_time(p, t / NS, (uint32_t)(t % NS / 1000), 6);
		p->has_ip = true;
		p->ip.v = 4;
		p->l4 = RS_LAYER_TCP;
		ip4(p->ip.src, 0xc6336400u + (uint32_t)(i % 200));
		ip4(p->ip.dst, 0xc0000202u);
		p->tcp.sport = (uint16_t)(1024 + i);
		p->tcp.dport = 80;
		p->tcp.seq = (uint32_t)i * 7919u;
		p->tcp.flags = RS_TH_SYN;
		rs_detect_packet(f->d, p);
	}
	rs_detect_finish(f->d);
	assert_true(f->al.n >= 2);
	for (int i = 0; i < f->al.n && i < MAXA; i++)
		assert_int_not_equal(f->al.a[i].phase, RS_DETECT_ALERT_UPDATE);
	assert_int_equal(f->al.a[0].phase, RS_DETECT_ALERT_START);
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_benign_heavy),
		cmocka_unit_test(test_slow_flood),
		cmocka_unit_test(test_flood_during_benign),
		cmocka_unit_test(test_single_source),
		cmocka_unit_test(test_two_victims),
		cmocka_unit_test(test_port_scan),
		cmocka_unit_test(test_synack_retrans_backscatter),
		cmocka_unit_test(test_memory_bound),
		cmocka_unit_test(test_flood_faster_than_table),
		cmocka_unit_test(test_extreme_timestamps),
		cmocka_unit_test(test_flood_over_2000_ports),
		cmocka_unit_test(test_flood_over_all_ports),
		cmocka_unit_test(test_one_port_not_host_wide),
		cmocka_unit_test(test_two_slow_ports),
		cmocka_unit_test(test_file_sink),
		cmocka_unit_test(test_no_updates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
