/* test_flood.c: the guard (the ranges bulk traffic may go to without --force, edges included, and the route decision), the Linux-like SYN, the kernel counter parser, the status line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "rawshake/craft_opts.h"
#include "rawshake/flood.h"

static bool allowed(const char *s, const char **why)
{
	uint8_t v, a[16];
	char err[128];
	assert_true(rs_parse_addr(s, &v, a, err, sizeof(err)));
	return rs_guard_dst_allowed(v, a, why);
}

/* Expects s to be allowed (or not) and its reason to contain part. */
static void check(const char *s, bool want, const char *part)
{
	const char *why = NULL;
	bool got = allowed(s, &why);
	if (got != want || !why || !strstr(why, part))
		fail_msg("%s: allowed %d (want %d), why '%s' (want '%s')", s, got, want,
			 why ? why : "(null)", part);
}

static void test_v4_allowed(void **state)
{
	(void)state;
	check("127.0.0.1", true, "loopback");
	check("127.0.0.0", true, "loopback");
	check("127.255.255.255", true, "loopback");
	check("192.0.2.0", true, "192.0.2.0/24");
	check("192.0.2.20", true, "192.0.2.0/24");
	check("192.0.2.255", true, "192.0.2.0/24");
	check("198.51.100.0", true, "198.51.100.0/24");
	check("198.51.100.255", true, "198.51.100.0/24");
	check("203.0.113.0", true, "203.0.113.0/24");
	check("203.0.113.255", true, "203.0.113.0/24");
}

static void test_v4_refused(void **state)
{
	(void)state;
	/* Just outside each allowed range. */
	check("126.255.255.255", false, "public");
	check("128.0.0.0", false, "public");
	check("192.0.1.255", false, "public");
	check("192.0.3.0", false, "public");
	check("198.51.99.255", false, "public");
	check("198.51.101.0", false, "public");
	check("203.0.112.255", false, "public");
	check("203.0.114.0", false, "public");
	check("8.8.8.8", false, "public");
	check("1.1.1.1", false, "public");
	/* RFC 1918, with edges. */
	check("10.0.0.0", false, "RFC 1918");
	check("10.0.0.1", false, "RFC 1918");
	check("10.255.255.255", false, "RFC 1918");
	check("9.255.255.255", false, "public");
	check("11.0.0.0", false, "public");
	check("172.16.0.0", false, "RFC 1918");
	check("172.31.255.255", false, "RFC 1918");
	check("172.15.255.255", false, "public");
	check("172.32.0.0", false, "public");
	check("192.168.0.0", false, "RFC 1918");
	check("192.168.255.255", false, "RFC 1918");
	check("192.167.255.255", false, "public");
	check("192.169.0.0", false, "public");
	/* Link-local, shared, special. */
	check("169.254.0.0", false, "link-local");
	check("169.254.255.255", false, "link-local");
	check("169.253.255.255", false, "public");
	check("100.64.0.0", false, "RFC 6598");
	check("100.127.255.255", false, "RFC 6598");
	check("100.128.0.0", false, "public");
	check("0.0.0.0", false, "this network");
	check("224.0.0.1", false, "multicast");
	check("239.255.255.255", false, "multicast");
	check("255.255.255.255", false, "broadcast");
}

static void test_v6(void **state)
{
	(void)state;
	check("::1", true, "loopback");
	check("2001:db8::", true, "2001:db8::/32");
	check("2001:db8::20", true, "2001:db8::/32");
	check("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", true, "2001:db8::/32");
	check("2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", false, "public");
	check("2001:db9::", false, "public");
	check("2001:4860:4860::8888", false, "public");
	check("::", false, "unspecified");
	check("::2", false, "public");
	check("::ffff:127.0.0.1", false, "IPv4-mapped");
	check("::ffff:192.0.2.1", false, "IPv4-mapped");
	check("fc00::", false, "fc00::/7");
	check("fd12:3456::1", false, "fc00::/7");
	check("fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", false, "fc00::/7");
	check("fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", false, "public");
	check("fe80::", false, "link-local");
	check("fe80::1", false, "link-local");
	check("febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", false, "link-local");
	check("fec0::", false, "public");
	check("fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff", false, "public");
	check("ff02::1", false, "multicast");
}

static bool cidr_ok(const char *s)
{
	struct rs_cidr c;
	char err[128];
	const char *why;
	assert_true(rs_parse_cidr(s, &c, err, sizeof(err)));
	return rs_guard_cidr_allowed(&c, NULL, &why);
}

/* A source range checked against a destination. */
static bool cidr_ok_to(const char *s, const char *dst)
{
	struct rs_cidr c;
	uint8_t v, a[16];
	char err[128];
	const char *why;
	assert_true(rs_parse_cidr(s, &c, err, sizeof(err)));
	assert_true(rs_parse_addr(dst, &v, a, err, sizeof(err)));
	return rs_guard_cidr_allowed(&c, a, &why);
}

static void test_cidr(void **state)
{
	(void)state;
	assert_true(cidr_ok("198.51.100.0/24"));
	assert_true(cidr_ok("198.51.100.128/25"));
	assert_true(cidr_ok("203.0.113.7/32"));
	assert_true(cidr_ok("127.0.0.0/8"));
	assert_true(cidr_ok("2001:db8::/32"));
	assert_true(cidr_ok("2001:db8:f100::/48"));
	assert_false(cidr_ok("198.51.100.0/23"));   /* also 198.51.101.0/24 */
	assert_false(cidr_ok("192.0.0.0/16"));
	assert_false(cidr_ok("0.0.0.0/0"));
	assert_false(cidr_ok("10.0.0.0/8"));
	assert_false(cidr_ok("2001:db8::/31"));
	assert_false(cidr_ok("::/0"));
	/* Multicast, broadcast and reserved sources. */
	assert_false(cidr_ok("224.0.0.0/4"));
	assert_false(cidr_ok("255.255.255.255/32"));
	assert_false(cidr_ok("240.0.0.0/4"));
	assert_false(cidr_ok("ff02::/16"));
	/* Loopback sources only towards loopback. */
	assert_true(cidr_ok_to("127.0.0.0/8", "127.0.0.1"));
	assert_false(cidr_ok_to("127.0.0.0/8", "192.0.2.20"));
	assert_false(cidr_ok_to("::1/128", "2001:db8::20"));
	assert_true(cidr_ok_to("198.51.100.0/24", "192.0.2.20"));
}

/* The route decision: no gateway, no physical interface of the initial
 * namespace. */
static void test_route_decision(void **state)
{
	(void)state;
	struct rs_guard_route r;
	char why[256];

	memset(&r, 0, sizeof(r));
	assert_true(rs_guard_route_allowed(&r, why, sizeof(why)));   /* no route */
	r.found = true;
	r.local = true;
	snprintf(r.ifname, sizeof(r.ifname), "lo");
	assert_true(rs_guard_route_allowed(&r, why, sizeof(why)));
	r.local = false;
	snprintf(r.ifname, sizeof(r.ifname), "veth0");
	r.initial_netns = true;
	assert_true(rs_guard_route_allowed(&r, why, sizeof(why)));
	r.physical = true;
	snprintf(r.ifname, sizeof(r.ifname), "eth0");
	assert_false(rs_guard_route_allowed(&r, why, sizeof(why)));
	assert_non_null(strstr(why, "eth0, a physical interface"));
	r.initial_netns = false;   /* a NIC moved into a lab namespace */
	assert_true(rs_guard_route_allowed(&r, why, sizeof(why)));
	r.physical = false;
	r.gateway = true;
	r.gw_v = 4;
	r.gw[0] = 203, r.gw[1] = 0, r.gw[2] = 113, r.gw[3] = 1;
	snprintf(r.ifname, sizeof(r.ifname), "dummy0");
	assert_false(rs_guard_route_allowed(&r, why, sizeof(why)));
	assert_non_null(strstr(why, "via the gateway 203.0.113.1 on dummy0"));
	r.dropped = true;          /* a blackhole route sends nothing */
	assert_true(rs_guard_route_allowed(&r, why, sizeof(why)));
}

/* A device with hardware behind it has a "device" link in sysfs. */
static void test_sysfs_physical(void **state)
{
	(void)state;
	char dir[] = "/tmp/rs-guard-XXXXXX", p[256];
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/eth0", dir);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/eth0/device", dir);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/veth0", dir);
	assert_int_equal(mkdir(p, 0700), 0);
	assert_true(rs_guard_sysfs_physical(dir, "eth0"));
	assert_false(rs_guard_sysfs_physical(dir, "veth0"));
	assert_false(rs_guard_sysfs_physical(dir, "nothere"));
	snprintf(p, sizeof(p), "%s/eth0/device", dir);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/eth0", dir);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/veth0", dir);
	rmdir(p);
	rmdir(dir);
	/* This machine's loopback is virtual. */
	assert_false(rs_guard_sysfs_physical("/sys/class/net", "lo"));
}

/* Loopback passes the whole check; a public address does not, and the
 * message says why and what --force does. */
static void test_bulk(void **state)
{
	(void)state;
	uint8_t v, a[16];
	char err[128], msg[640];
	assert_true(rs_parse_addr("127.0.0.1", &v, a, err, sizeof(err)));
	assert_true(rs_guard_bulk("flood", v, a, NULL, true, msg, sizeof(msg)));
	assert_true(rs_parse_addr("8.8.8.8", &v, a, err, sizeof(err)));
	assert_false(rs_guard_bulk("flood", v, a, NULL, true, msg, sizeof(msg)));
	assert_non_null(strstr(msg, "refusing to flood 8.8.8.8: it is a public Internet address"));
	assert_non_null(strstr(msg, "--force"));
	struct rs_cidr c;
	assert_true(rs_parse_cidr("0.0.0.0/0", &c, err, sizeof(err)));
	assert_true(rs_parse_addr("127.0.0.1", &v, a, err, sizeof(err)));
	assert_false(rs_guard_bulk("flood", v, a, &c, true, msg, sizeof(msg)));
	assert_non_null(strstr(msg, "refusing random sources"));
}

static void test_syn_like_linux(void **state)
{
	(void)state;
	static struct rs_send_cfg cfg;
	static const uint8_t want[20] = {
		2, 4, 0x05, 0xb4,                  /* MSS 1460 */
		4, 2,                              /* SACK permitted */
		8, 10, 0x12, 0x34, 0x56, 0x78, 0, 0, 0, 0,   /* TS val ecr 0 */
		1,                                 /* NOP */
		3, 3, 7,                           /* window scale 7 */
	};
	memset(&cfg, 0, sizeof(cfg));
	rs_craft_spec_init(&cfg.spec);
	cfg.spec.v = 4;
	rs_flood_syn_like_linux(&cfg, 0x12345678);
	assert_int_equal(cfg.spec.opts.len, 20);
	assert_memory_equal(cfg.spec.opts.b, want, 20);
	assert_int_equal(cfg.spec.win, 64240);
	assert_true(cfg.spec.df);
	assert_int_equal(cfg.spec.flags, 0x02);
}

static const char netstat[] =
	"TcpExt: SyncookiesSent SyncookiesRecv SyncookiesFailed EmbryonicRsts ListenOverflows ListenDrops TCPReqQFullDoCookies TCPReqQFullDrop\n"
	"TcpExt: 14872 51 3 0 2 7 14872 0\n"
	"IpExt: InNoRoutes InTruncatedPkts\n"
	"IpExt: 0 0\n";
static const char snmp[] =
	"Ip: Forwarding DefaultTTL\n"
	"Ip: 2 64\n"
	"Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts InCsumErrors\n"
	"Tcp: 1 200 120000 -1 0 60 1 0 0 15230 15100 0 0 4 0\n";

static void test_counters(void **state)
{
	(void)state;
	struct rs_kcounters k;
	memset(&k, 0, sizeof(k));
	assert_true(rs_kcounters_parse(netstat, &k));
	assert_true(rs_kcounters_parse(snmp, &k));
	assert_int_equal(k.v[RS_KCTR_SYNCOOKIES_SENT], 14872);
	assert_int_equal(k.v[RS_KCTR_SYNCOOKIES_RECV], 51);
	assert_int_equal(k.v[RS_KCTR_SYNCOOKIES_FAILED], 3);
	assert_int_equal(k.v[RS_KCTR_LISTEN_OVERFLOWS], 2);
	assert_int_equal(k.v[RS_KCTR_LISTEN_DROPS], 7);
	assert_int_equal(k.v[RS_KCTR_REQQ_FULL_COOKIES], 14872);
	assert_true(k.have[RS_KCTR_REQQ_FULL_DROP]);
	assert_int_equal(k.v[RS_KCTR_PASSIVE_OPENS], 60);
	assert_int_equal(k.v[RS_KCTR_ATTEMPT_FAILS], 1);
	assert_int_equal(k.v[RS_KCTR_IN_SEGS], 15230);
	assert_int_equal(k.v[RS_KCTR_OUT_SEGS], 15100);
	assert_int_equal(k.v[RS_KCTR_OUT_RSTS], 4);
	assert_string_equal(rs_kctr_str(RS_KCTR_LISTEN_DROPS), "TcpExt:ListenDrops");

	/* Both files in one text, with other lines in between, a truncated
	 * tail and junk: the same values, nothing read out of bounds. */
	char both[2048];
	snprintf(both, sizeof(both), "\n=syncookies 1\n%s%s", netstat, snmp);
	memset(&k, 0, sizeof(k));
	assert_true(rs_kcounters_parse(both, &k));
	assert_int_equal(k.v[RS_KCTR_SYNCOOKIES_SENT], 14872);
	assert_int_equal(k.v[RS_KCTR_OUT_RSTS], 4);
	memset(&k, 0, sizeof(k));
	assert_false(rs_kcounters_parse("TcpExt: SyncookiesSent\n", &k));
	assert_false(rs_kcounters_parse("TcpExt: SyncookiesSent\nTcpExt: x12\n", &k));
	assert_false(rs_kcounters_parse("", &k));
	assert_false(rs_kcounters_parse("garbage without colons\nmore\n", &k));
}

/* The status line names what was sent, the rate and the time, with the
 * bounds the flood was given; drawn on a terminal it redraws in place and
 * ends with a newline. */
static void test_progress(void **state)
{
	(void)state;
	struct rs_flood f;
	struct rs_flood_stats st = { .sent = 2000, .errors = 0, .elapsed_ns = 1004000000, .pps = 1992.03 };
	char buf[160];
	memset(&f, 0, sizeof(f));
	f.duration_ns = 3500000000ull;
	rs_flood_progress_format(&f, &st, buf, sizeof(buf));
	assert_string_equal(buf, "sent 2000  rate 1992 pps  elapsed 1.0 of 3.5 s");
	f.duration_ns = 0;
	f.count = 10000;
	rs_flood_progress_format(&f, &st, buf, sizeof(buf));
	assert_string_equal(buf, "sent 2000 of 10000  rate 1992 pps  elapsed 1.0 s");
	/* Cut short, never overrun. */
	assert_true(rs_flood_progress_format(&f, &st, buf, 8) > 8);
	assert_string_equal(buf, "sent 20");

	/* One packet (or no time) is no rate: none is shown. */
	struct rs_flood_stats one = { .sent = 1, .elapsed_ns = 130000, .pps = 0 };
	f.count = 1;
	rs_flood_progress_format(&f, &one, buf, sizeof(buf));
	assert_string_equal(buf, "sent 1 of 1  elapsed 0.0 s");
	f.count = 10000;

	int p[2];
	char got[256];
	assert_int_equal(pipe(p), 0);
	struct rs_flood_tty t = { &f, p[1] };
	rs_flood_progress_tty(&st, false, &t);
	st.sent = 10000;
	st.elapsed_ns = 5020000000;
	st.pps = 1992.0;
	rs_flood_progress_tty(&st, true, &t);
	close(p[1]);
	ssize_t n = read(p[0], got, sizeof(got) - 1);
	close(p[0]);
	assert_true(n > 0);
	got[n] = '\0';
	assert_string_equal(got, "\rsent 2000 of 10000  rate 1992 pps  elapsed 1.0 s   "
				 "\rsent 10000 of 10000  rate 1992 pps  elapsed 5.0 s   \n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v4_allowed),
		cmocka_unit_test(test_v4_refused),
		cmocka_unit_test(test_v6),
		cmocka_unit_test(test_cidr),
		cmocka_unit_test(test_route_decision),
		cmocka_unit_test(test_sysfs_physical),
		cmocka_unit_test(test_bulk),
		cmocka_unit_test(test_syn_like_linux),
		cmocka_unit_test(test_counters),
		cmocka_unit_test(test_progress),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
