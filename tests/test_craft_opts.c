/* test_craft_opts.c: the parsers of send's option values. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "rawshake/craft_opts.h"
#include "rawshake/packet.h"

static char err[128];

static void test_flags(void **state)
{
	uint8_t f;
	(void)state;
	assert_true(rs_parse_tcp_flags("SA", &f, err, sizeof(err)));
	assert_int_equal(f, RS_TH_SYN | RS_TH_ACK);
	assert_true(rs_parse_tcp_flags("syn,ack", &f, err, sizeof(err)));
	assert_int_equal(f, RS_TH_SYN | RS_TH_ACK);
	assert_true(rs_parse_tcp_flags("fsrpauec", &f, err, sizeof(err)));
	assert_int_equal(f, 0xff);
	assert_true(rs_parse_tcp_flags("fin,syn,rst,psh,ack,urg,ece,cwr", &f, err, sizeof(err)));
	assert_int_equal(f, 0xff);
	assert_true(rs_parse_tcp_flags("ACK", &f, err, sizeof(err)));
	assert_int_equal(f, RS_TH_ACK);
	assert_true(rs_parse_tcp_flags("none", &f, err, sizeof(err)));
	assert_int_equal(f, 0);
	assert_false(rs_parse_tcp_flags("SX", &f, err, sizeof(err)));
	assert_non_null(strstr(err, "'X'"));
	assert_false(rs_parse_tcp_flags("syn,foo", &f, err, sizeof(err)));
	assert_non_null(strstr(err, "'foo'"));
	assert_false(rs_parse_tcp_flags("syn,", &f, err, sizeof(err)));
}

static void test_addr_cidr(void **state)
{
	uint8_t v, a[16], out[16];
	struct rs_cidr c;
	(void)state;
	assert_true(rs_parse_addr("192.0.2.7", &v, a, err, sizeof(err)));
	assert_int_equal(v, 4);
	assert_int_equal(a[3], 7);
	assert_true(rs_parse_addr("2001:db8::1", &v, a, err, sizeof(err)));
	assert_int_equal(v, 6);
	assert_false(rs_parse_addr("example.com", &v, a, err, sizeof(err)));
	assert_false(rs_parse_addr("192.0.2.256", &v, a, err, sizeof(err)));

	assert_true(rs_parse_cidr("198.51.100.77/24", &c, err, sizeof(err)));
	assert_int_equal(c.prefix, 24);
	assert_int_equal(c.addr[3], 0);
	for (uint64_t r = 0; r < 1000; r++) {
		rs_cidr_pick(&c, r * 0x9e3779b97f4a7c15ull, r, out);
		assert_memory_equal(out, c.addr, 3);
	}
	assert_true(rs_parse_cidr("2001:db8::/32", &c, err, sizeof(err)));
	rs_cidr_pick(&c, ~0ull, ~0ull, out);
	assert_int_equal(out[0], 0x20);
	assert_int_equal(out[3], 0xb8);
	assert_int_equal(out[4], 0xff);
	assert_true(rs_parse_cidr("203.0.113.5", &c, err, sizeof(err)));
	assert_int_equal(c.prefix, 32);
	assert_false(rs_parse_cidr("203.0.113.0/33", &c, err, sizeof(err)));
	assert_false(rs_parse_cidr("203.0.113.0/", &c, err, sizeof(err)));
}

static void test_numbers(void **state)
{
	uint64_t v;
	(void)state;
	assert_true(rs_parse_uint("65535", 65535, &v, err, sizeof(err)));
	assert_false(rs_parse_uint("70000", 65535, &v, err, sizeof(err)));
	assert_non_null(strstr(err, "out of range"));
	assert_true(rs_parse_uint("0xdeadbeef", UINT32_MAX, &v, err, sizeof(err)));
	assert_int_equal(v, 0xdeadbeef);
	assert_false(rs_parse_uint("-1", 10, &v, err, sizeof(err)));
	assert_false(rs_parse_uint("", 10, &v, err, sizeof(err)));
	assert_false(rs_parse_uint("12a", 100, &v, err, sizeof(err)));
}

static void test_sack_ts_hex(void **state)
{
	uint32_t b[4][2], val, ecr;
	unsigned n;
	uint8_t buf[8];
	size_t len;
	(void)state;
	assert_true(rs_parse_sack("1-2,3-4", b, 4, &n, err, sizeof(err)));
	assert_int_equal(n, 2);
	assert_int_equal(b[1][1], 4);
	assert_false(rs_parse_sack("1-2,3", b, 4, &n, err, sizeof(err)));
	assert_false(rs_parse_sack("1-2,3-4,5-6,7-8,9-10", b, 4, &n, err, sizeof(err)));
	assert_false(rs_parse_sack("", b, 4, &n, err, sizeof(err)));
	assert_true(rs_parse_ts("100:7", &val, &ecr, err, sizeof(err)));
	assert_int_equal(val, 100);
	assert_int_equal(ecr, 7);
	assert_true(rs_parse_ts("5", &val, &ecr, err, sizeof(err)));
	assert_int_equal(ecr, 0);
	assert_false(rs_parse_ts("5:", &val, &ecr, err, sizeof(err)));
	assert_true(rs_parse_hex("0xDEad:be ef", buf, sizeof(buf), &len, err, sizeof(err)));
	assert_int_equal(len, 4);
	assert_int_equal(buf[0], 0xde);
	assert_int_equal(buf[3], 0xef);
	assert_false(rs_parse_hex("abc", buf, sizeof(buf), &len, err, sizeof(err)));
	assert_false(rs_parse_hex("zz", buf, sizeof(buf), &len, err, sizeof(err)));
	assert_false(rs_parse_hex("000000000000000000", buf, sizeof(buf), &len, err, sizeof(err)));
}

static void test_time_rate_mac(void **state)
{
	uint64_t ns;
	double pps;
	uint8_t mac[6];
	(void)state;
	assert_true(rs_parse_interval("1", &ns, err, sizeof(err)));
	assert_int_equal(ns, 1000000000ull);
	assert_true(rs_parse_interval("0.5s", &ns, err, sizeof(err)));
	assert_int_equal(ns, 500000000ull);
	assert_true(rs_parse_interval("200ms", &ns, err, sizeof(err)));
	assert_int_equal(ns, 200000000ull);
	assert_true(rs_parse_interval("10us", &ns, err, sizeof(err)));
	assert_int_equal(ns, 10000ull);
	assert_true(rs_parse_interval("u10", &ns, err, sizeof(err)) == false);
	assert_false(rs_parse_interval("1h", &ns, err, sizeof(err)));
	assert_false(rs_parse_interval("inf", &ns, err, sizeof(err)));
	assert_false(rs_parse_interval("1e3", &ns, err, sizeof(err)));
	assert_false(rs_parse_interval("7200", &ns, err, sizeof(err)));
	assert_true(rs_parse_rate("2.5k", &pps, err, sizeof(err)));
	assert_true(pps == 2500.0);
	assert_true(rs_parse_rate("1M", &pps, err, sizeof(err)));
	assert_false(rs_parse_rate("0", &pps, err, sizeof(err)));
	assert_false(rs_parse_rate("5x", &pps, err, sizeof(err)));
	assert_true(rs_parse_mac("02:00:5e:10:00:01", mac, err, sizeof(err)));
	assert_int_equal(mac[2], 0x5e);
	assert_false(rs_parse_mac("02:00:5e:10:00", mac, err, sizeof(err)));
	assert_false(rs_parse_mac("02:00:5e:10:00:01:02", mac, err, sizeof(err)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_addr_cidr),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_sack_ts_hex),
		cmocka_unit_test(test_time_rate_mac),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
