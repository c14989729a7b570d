/* test_flood.c: the ranges a flood may go to without --force (edges included), the Linux-like SYN, the kernel counter parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "rawshake/craft_opts.h"
#include "rawshake/flood.h"

static bool allowed(const char *s, const char **why)
{
	uint8_t v, a[16];
	char err[128];
	assert_true(rs_parse_addr(s, &v, a, err, sizeof(err)));
	return rs_flood_dst_allowed(v, a, why);
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
	return rs_flood_cidr_allowed(&c, &why);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v4_allowed),
		cmocka_unit_test(test_v4_refused),
		cmocka_unit_test(test_v6),
		cmocka_unit_test(test_cidr),
		cmocka_unit_test(test_syn_like_linux),
		cmocka_unit_test(test_counters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
