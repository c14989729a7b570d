/* test_detect_arp.c: the detector's ARP and neighbour discovery alerts on synthetic messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rawshake/detect.h"

#define NS 1000000000LL
#define T0 (1700000000LL * NS)
#define MAXA 64

struct fx {
	struct rs_detect *d;
	int n;
	struct rs_detect_alert a[MAXA];
};

static void collect(void *ctx, const struct rs_detect_alert *a)
{
	struct fx *f = ctx;
	if (f->n < MAXA)
		f->a[f->n] = *a;
	f->n++;
}

static struct fx *fx_new(uint32_t max_arp)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct rs_detect_opts o;
	char err[128];

	assert_non_null(f);
	rs_detect_opts_default(&o);
	o.seed = 7;
	if (max_arp)
		o.max_arp = max_arp;
	o.on_alert = collect;
	o.ctx = f;
	f->d = rs_detect_new(&o, err, sizeof(err));
	assert_non_null(f->d);
	return f;
}

static void fx_free(struct fx *f)
{
	rs_detect_free(f->d);
	free(f);
}

static const uint8_t M1[6] = { 2, 0, 0, 0, 0, 1 }, M2[6] = { 2, 0, 0, 0, 0, 2 },
		     M3[6] = { 2, 0, 0, 0, 0, 3 };

/* One Ethernet/IPv4 ARP message at t (ns after T0). */
static void arp(struct fx *f, int64_t t, enum rs_arp_kind kind, const uint8_t *sha, uint8_t spa,
		uint8_t tpa)
{
	static struct rs_packet p;
	memset(&p, 0, sizeof(p));
	p.ts_ns = T0 + t;
	p.ts_digits = 6;
	p.has_arp = true;
	p.arp.ether_ipv4 = true;
	p.arp.kind = (uint8_t)kind;
	p.arp.op = kind == RS_ARP_REPLY || kind == RS_ARP_GRATUITOUS_REPLY ? 2 : 1;
	memcpy(p.arp.sha, sha, 6);
	uint8_t s[4] = { 192, 0, 2, spa }, d[4] = { 192, 0, 2, tpa };
	memcpy(p.arp.spa, spa ? s : (uint8_t[4]){ 0 }, 4);
	memcpy(p.arp.tpa, d, 4);
	rs_detect_packet(f->d, &p);
}

static int count(const struct fx *f, enum rs_detect_alert_kind k)
{
	int n = 0;
	for (int i = 0; i < f->n && i < MAXA; i++)
		n += f->a[i].kind == k;
	return n;
}

static void test_second_mac(void **state)
{
	(void)state;
	struct fx *f = fx_new(0);

	arp(f, 0, RS_ARP_REQUEST, M2, 2, 1);
	arp(f, NS / 100, RS_ARP_REPLY, M1, 1, 2);
	assert_int_equal(f->n, 0);
	arp(f, 2 * NS, RS_ARP_GRATUITOUS_REPLY, M3, 1, 1);   /* 192.0.2.1 now at M3 */
	assert_int_equal(count(f, RS_DETECT_ALERT_ARP_SPOOF), 1);
	const struct rs_detect_alert *a = &f->a[0];
	assert_int_equal(a->v, 4);
	assert_int_equal(a->victim[3], 1);
	assert_memory_equal(a->mac, M3, 6);
	assert_memory_equal(a->old_mac, M1, 6);
	assert_true(a->age > 1.9 && a->age < 2.1);
	/* The same MAC again: no alert; the old one back at once: at most one a second. */
	arp(f, 2 * NS + 1000, RS_ARP_GRATUITOUS_REPLY, M3, 1, 1);
	arp(f, 2 * NS + 2000, RS_ARP_GRATUITOUS_REPLY, M1, 1, 1);
	assert_int_equal(count(f, RS_DETECT_ALERT_ARP_SPOOF), 1);
	arp(f, 4 * NS, RS_ARP_GRATUITOUS_REPLY, M3, 1, 1);
	assert_int_equal(count(f, RS_DETECT_ALERT_ARP_SPOOF), 2);
	/* Past the window: a host that moved, not an alert. */
	arp(f, 70 * NS, RS_ARP_GRATUITOUS_REPLY, M2, 1, 1);
	assert_int_equal(count(f, RS_DETECT_ALERT_ARP_SPOOF), 2);
	/* A probe claims nothing. */
	arp(f, 70 * NS + 1, RS_ARP_PROBE, M3, 0, 1);
	assert_int_equal(count(f, RS_DETECT_ALERT_ARP_SPOOF), 2);
	fx_free(f);
}

static void test_unsolicited(void **state)
{
	(void)state;
	struct fx *f = fx_new(0);

	arp(f, 0, RS_ARP_REQUEST, M2, 2, 1);
	arp(f, 1000, RS_ARP_REPLY, M1, 1, 2);
	assert_int_equal(count(f, RS_DETECT_ALERT_ARP_UNSOLICITED), 0);
	arp(f, 2000, RS_ARP_REPLY, M3, 1, 2);   /* a second answer to one question */
	assert_int_equal(count(f, RS_DETECT_ALERT_ARP_UNSOLICITED), 1);
	assert_int_equal(f->a[0].source[3], 2);
	/* A request older than --arp-request-window answers nothing. */
	arp(f, 10 * NS, RS_ARP_REQUEST, M2, 2, 3);
	arp(f, 16 * NS, RS_ARP_REPLY, M3, 3, 2);
	assert_int_equal(count(f, RS_DETECT_ALERT_ARP_UNSOLICITED), 2);
	fx_free(f);
}

static void test_gratuitous_flood(void **state)
{
	(void)state;
	struct fx *f = fx_new(0);

	for (int i = 0; i < 9; i++)   /* below 10 in one second */
		arp(f, i * (NS / 10), RS_ARP_GRATUITOUS_REQUEST, M1, 1, 1);
	assert_int_equal(count(f, RS_DETECT_ALERT_ARP_GRATUITOUS), 0);
	for (int i = 0; i < 30; i++)
		arp(f, 2 * NS + i * (NS / 20), RS_ARP_GRATUITOUS_REPLY, M3, 1, 1);
	assert_int_equal(count(f, RS_DETECT_ALERT_ARP_GRATUITOUS), 1);
	rs_detect_finish(f->d);
	assert_int_equal(count(f, RS_DETECT_ALERT_ARP_GRATUITOUS), 2);
	const struct rs_detect_alert *end = &f->a[f->n - 1];
	assert_int_equal(end->phase, RS_DETECT_ALERT_END);
	assert_int_equal(end->total_syns, 30);
	assert_true(end->peak_rate >= 19 && end->peak_rate <= 20);
	struct rs_detect_stats st;
	rs_detect_get_stats(f->d, &st);
	assert_int_equal(st.arp, 39);
	assert_int_equal(st.arp_gratuitous_alerts, 1);
	fx_free(f);
}

/* A burst that straddles a second of the clock is one burst: 15 at 50/s
 * from 0.9 s on are 5 in one second and 10 in the next, 15 in one second. */
static void test_gratuitous_straddle(void **state)
{
	(void)state;
	struct fx *f = fx_new(0);

	for (int i = 0; i < 15; i++)
		arp(f, 9 * (NS / 10) + i * (NS / 50), RS_ARP_GRATUITOUS_REPLY, M3, 1, 1);
	assert_int_equal(count(f, RS_DETECT_ALERT_ARP_GRATUITOUS), 1);
	assert_int_equal(f->a[0].phase, RS_DETECT_ALERT_START);
	/* A second later, one more: the flood is over, no new one. */
	arp(f, 3 * NS, RS_ARP_GRATUITOUS_REPLY, M3, 1, 1);
	assert_int_equal(count(f, RS_DETECT_ALERT_ARP_GRATUITOUS), 2);
	assert_int_equal(f->a[1].phase, RS_DETECT_ALERT_END);
	assert_int_equal(f->a[1].total_syns, 15);
	fx_free(f);
}

static void test_bounded(void **state)
{
	(void)state;
	struct fx *f = fx_new(4);
	struct rs_detect_stats st;

	for (int i = 1; i <= 100; i++)
		arp(f, i * 1000, RS_ARP_GRATUITOUS_REQUEST, M1, (uint8_t)i, (uint8_t)i);
	rs_detect_get_stats(f->d, &st);
	assert_int_equal(st.arp_bindings, 4);
	assert_int_equal(st.arp_evictions, 96);
	/* The last four are still known: a second MAC for one of them alerts. */
	arp(f, NS, RS_ARP_GRATUITOUS_REQUEST, M2, 100, 100);
	assert_int_equal(count(f, RS_DETECT_ALERT_ARP_SPOOF), 1);
	/* An evicted one is new again. */
	arp(f, NS, RS_ARP_GRATUITOUS_REQUEST, M2, 1, 1);
	assert_int_equal(count(f, RS_DETECT_ALERT_ARP_SPOOF), 1);
	fx_free(f);
}

static void test_neighbour_advert(void **state)
{
	(void)state;
	struct fx *f = fx_new(0);
	static struct rs_packet p;
	static const uint8_t tgt[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

	for (int i = 0; i < 2; i++) {
		memset(&p, 0, sizeof(p));
		p.ts_ns = T0 + i * NS;
		p.has_ip = true;
		p.ip.v = 6;
		p.l4 = RS_LAYER_ICMPV6;
		p.icmp.v = 6;
		p.icmp.type = 136;
		p.icmp.has_nd = true;
		p.icmp.has_nd_tll = true;
		memcpy(p.icmp.nd_target, tgt, 16);
		memcpy(p.icmp.nd_tll, i ? M3 : M2, 6);
		rs_detect_packet(f->d, &p);
	}
	assert_int_equal(count(f, RS_DETECT_ALERT_ARP_SPOOF), 1);
	assert_int_equal(f->a[0].v, 6);
	assert_memory_equal(f->a[0].victim, tgt, 16);
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_second_mac),
		cmocka_unit_test(test_unsolicited),
		cmocka_unit_test(test_gratuitous_flood),
		cmocka_unit_test(test_gratuitous_straddle),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_neighbour_advert),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
