/* test_craft.c: the libnet builders against expected bytes, round trips through rs_decode, patching. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "rawshake/craft.h"
#include "rawshake/craft_opts.h"
#include "rawshake/packet.h"
#include "craft_expected.h"

static struct rs_crafter crafter;
static struct rs_packet pkt;

static void addr(struct rs_craft_spec *s, uint8_t v)
{
	s->v = v;
	if (v == 4) {
		inet_pton(AF_INET, "192.0.2.1", s->src);
		inet_pton(AF_INET, "198.51.100.2", s->dst);
	} else {
		inet_pton(AF_INET6, "2001:db8::1", s->src);
		inet_pton(AF_INET6, "2001:db8::2", s->dst);
	}
}

static void hexdiff(const uint8_t *got, size_t n, const uint8_t *exp, size_t m)
{
	if (n == m && memcmp(got, exp, n) == 0)
		return;
	for (size_t i = 0; i < (n > m ? n : m); i++)
		printf("%4zu %02x %02x%s\n", i, i < n ? got[i] : 0, i < m ? exp[i] : 0,
		       (i < n && i < m && got[i] == exp[i]) ? "" : " <--");
}

#define BUILD_EQ(spec, exp) do { \
	assert_true(rs_craft_build(&crafter, &(spec))); \
	hexdiff(crafter.pkt, crafter.len, exp, sizeof(exp)); \
	assert_int_equal(crafter.len, sizeof(exp)); \
	assert_memory_equal(crafter.pkt, exp, sizeof(exp)); \
} while (0)

static void decode(const uint8_t *p, size_t n, int dlt)
{
	memset(&pkt, 0, sizeof(pkt));
	assert_int_equal(rs_decode(dlt, p, n, n, &pkt), RS_OK);
	assert_true(pkt.has_ip);
}

static int setup(void **state)
{
	(void)state;
	return rs_crafter_init(&crafter) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	rs_crafter_free(&crafter);
	return 0;
}

static void spec_tcp4_syn_opts(struct rs_craft_spec *s)
{
	rs_craft_spec_init(s);
	addr(s, 4);
	s->proto = RS_CRAFT_TCP;
	s->sport = 40000;
	s->dport = 80;
	s->seq = 0x01020304;
	s->flags = RS_TH_SYN;
	s->id = 0x1234;
	s->df = true;
	rs_tcpopts_mss(&s->opts, 1460);
	rs_tcpopts_sack_perm(&s->opts);
	rs_tcpopts_ts(&s->opts, 100, 0);
	rs_tcpopts_nop(&s->opts);
	rs_tcpopts_wscale(&s->opts, 7);
}

static void test_tcp4_every_option(void **state)
{
	struct rs_craft_spec s;
	(void)state;
	spec_tcp4_syn_opts(&s);
	BUILD_EQ(s, exp_tcp4_syn_opts);

	decode(crafter.pkt, crafter.len, DLT_RAW);
	assert_int_equal(pkt.ip.v, 4);
	assert_true(pkt.ip.csum_ok);
	assert_true(pkt.ip.df);
	assert_int_equal(pkt.ip.id, 0x1234);
	assert_int_equal(pkt.l4, RS_LAYER_TCP);
	assert_int_equal(pkt.tcp.sport, 40000);
	assert_int_equal(pkt.tcp.dport, 80);
	assert_int_equal(pkt.tcp.seq, 0x01020304);
	assert_int_equal(pkt.tcp.flags, RS_TH_SYN);
	assert_int_equal(pkt.tcp.win, 64240);
	assert_true(pkt.tcp.csum_status == RS_CSUM_OK);
	assert_true(pkt.tcp.has_mss);
	assert_int_equal(pkt.tcp.mss, 1460);
	assert_true(pkt.tcp.sack_perm);
	assert_true(pkt.tcp.has_ts);
	assert_int_equal(pkt.tcp.ts_val, 100);
	assert_true(pkt.tcp.has_wscale);
	assert_int_equal(pkt.tcp.wscale, 7);
	assert_int_equal(pkt.tcp.hdr_len, 40);
}

static void test_tcp6_sack_payload(void **state)
{
	struct rs_craft_spec s;
	static const uint8_t hi[] = "hi";
	uint32_t blocks[2][2] = { { 1000, 2000 }, { 3000, 4000 } };
	(void)state;
	rs_craft_spec_init(&s);
	addr(&s, 6);
	s.proto = RS_CRAFT_TCP;
	s.sport = 443;
	s.dport = 50000;
	s.seq = 7;
	s.ack = 99;
	s.flags = RS_TH_PSH | RS_TH_ACK;
	s.win = 512;
	s.ttl = 32;
	s.tos = 0x20;
	s.flow = 0x12345;
	rs_tcpopts_nop(&s.opts);
	rs_tcpopts_nop(&s.opts);
	rs_tcpopts_sack(&s.opts, (const uint32_t (*)[2])blocks, 2);
	s.payload = hi;
	s.payload_len = 2;
	BUILD_EQ(s, exp_tcp6_ack_sack);

	decode(crafter.pkt, crafter.len, DLT_RAW);
	assert_int_equal(pkt.ip.v, 6);
	assert_int_equal(pkt.ip.flow, 0x12345);
	assert_int_equal(pkt.ip.tos, 0x20);
	assert_int_equal(pkt.ip.ttl, 32);
	assert_int_equal(pkt.tcp.n_sack, 2);
	assert_int_equal(pkt.tcp.sack[1][0], 3000);
	assert_int_equal(pkt.tcp.sack[1][1], 4000);
	assert_int_equal(pkt.tcp.ack, 99);
	assert_int_equal(pkt.tcp.payload_len, 2);
	assert_int_equal(pkt.tcp.csum_status, RS_CSUM_OK);
}

static void test_tcp4_all_flags_urg(void **state)
{
	struct rs_craft_spec s;
	uint8_t f;
	(void)state;
	rs_craft_spec_init(&s);
	addr(&s, 4);
	s.proto = RS_CRAFT_TCP;
	s.sport = 1;
	s.dport = 2;
	s.seq = 3;
	s.ack = 4;
	assert_true(rs_parse_tcp_flags("FSRPAUEC", &f, NULL, 0));
	s.flags = f;
	s.win = 5;
	s.urg = 9;
	s.ttl = 1;
	s.tos = 0x10;
	BUILD_EQ(s, exp_tcp4_all_flags);
	decode(crafter.pkt, crafter.len, DLT_RAW);
	assert_int_equal(pkt.tcp.flags, 0xff);
	assert_int_equal(pkt.tcp.urg, 9);
}

static void test_udp(void **state)
{
	struct rs_craft_spec s;
	static const uint8_t hello[] = "hello";
	(void)state;
	for (uint8_t v = 4; v <= 6; v += 2) {
		rs_craft_spec_init(&s);
		addr(&s, v);
		s.proto = RS_CRAFT_UDP;
		s.sport = 5353;
		s.dport = 53;
		s.payload = hello;
		s.payload_len = 5;
		if (v == 4)
			BUILD_EQ(s, exp_udp4);
		else
			BUILD_EQ(s, exp_udp6);
		decode(crafter.pkt, crafter.len, DLT_RAW);
		assert_int_equal(pkt.l4, RS_LAYER_UDP);
		assert_int_equal(pkt.udp.sport, 5353);
		assert_int_equal(pkt.udp.len, 13);
		assert_true(pkt.udp.csum_status == RS_CSUM_OK);
		assert_int_equal(pkt.payload_caplen, 5);
		assert_memory_equal(pkt.payload, "hello", 5);
	}
}

static void test_icmp4_each_type(void **state)
{
	struct rs_craft_spec s;
	static const uint8_t ping[] = "ping";
	(void)state;

	rs_craft_spec_init(&s);
	addr(&s, 4);
	s.proto = RS_CRAFT_ICMP;
	s.echo_id = 0x1234;
	s.echo_seq = 1;
	s.payload = ping;
	s.payload_len = 4;
	BUILD_EQ(s, exp_icmp4_echo);
	decode(crafter.pkt, crafter.len, DLT_RAW);
	assert_int_equal(pkt.icmp.type, 8);
	assert_true(pkt.icmp.has_echo);
	assert_int_equal(pkt.icmp.id, 0x1234);
	assert_int_equal(pkt.icmp.seq, 1);
	assert_int_equal(pkt.icmp.csum_status, RS_CSUM_OK);

	rs_craft_spec_init(&s);
	addr(&s, 4);
	s.proto = RS_CRAFT_ICMP;
	s.icmp = RS_ICMPK_ECHO_REPLY;
	s.echo_id = 7;
	s.echo_seq = 8;
	BUILD_EQ(s, exp_icmp4_echo_reply);

	rs_craft_spec_init(&s);
	addr(&s, 4);
	s.proto = RS_CRAFT_ICMP;
	s.icmp = RS_ICMPK_UNREACH;
	s.icmp_code = 3;
	s.sport = 33000;
	s.dport = 33434;
	BUILD_EQ(s, exp_icmp4_unreach);
	decode(crafter.pkt, crafter.len, DLT_RAW);
	assert_int_equal(pkt.icmp.type, 3);
	assert_int_equal(pkt.icmp.code, 3);
	assert_true(pkt.icmp.has_quote);
	assert_int_equal(pkt.icmp.quote.proto, 17);
	assert_int_equal(pkt.icmp.quote.dport, 33434);
	assert_memory_equal(pkt.icmp.quote.src, s.dst, 4);

	s.icmp = RS_ICMPK_TIME_EXCEEDED;
	s.icmp_code = 0;
	BUILD_EQ(s, exp_icmp4_timxceed);

	rs_craft_spec_init(&s);
	addr(&s, 4);
	s.proto = RS_CRAFT_ICMP;
	s.icmp = RS_ICMPK_TIMESTAMP;
	s.echo_id = 5;
	s.echo_seq = 6;
	s.ts_orig = 1000;
	BUILD_EQ(s, exp_icmp4_timestamp);
	decode(crafter.pkt, crafter.len, DLT_RAW);
	assert_true(pkt.icmp.has_ts);
	assert_int_equal(pkt.icmp.ts_orig, 1000);
	assert_int_equal(pkt.icmp.csum_status, RS_CSUM_OK);
}

static void test_icmp6(void **state)
{
	struct rs_craft_spec s;
	static const uint8_t ping[] = "ping";
	(void)state;
	rs_craft_spec_init(&s);
	addr(&s, 6);
	s.proto = RS_CRAFT_ICMP;
	s.echo_id = 0x1234;
	s.echo_seq = 1;
	s.payload = ping;
	s.payload_len = 4;
	BUILD_EQ(s, exp_icmp6_echo);
	decode(crafter.pkt, crafter.len, DLT_RAW);
	assert_int_equal(pkt.l4, RS_LAYER_ICMPV6);
	assert_int_equal(pkt.icmp.type, 128);
	assert_int_equal(pkt.icmp.csum_status, RS_CSUM_OK);

	rs_craft_spec_init(&s);
	addr(&s, 6);
	s.proto = RS_CRAFT_ICMP;
	s.icmp = RS_ICMPK_UNREACH;
	s.icmp_code = 4;
	s.sport = 33000;
	s.dport = 33434;
	BUILD_EQ(s, exp_icmp6_unreach);
	decode(crafter.pkt, crafter.len, DLT_RAW);
	assert_true(pkt.icmp.has_quote);
	assert_int_equal(pkt.icmp.quote.sport, 33000);

	s.icmp = RS_ICMPK_TIMESTAMP;
	assert_false(rs_craft_build(&crafter, &s));
}

static void test_bad_checksums(void **state)
{
	struct rs_craft_spec s;
	(void)state;
	spec_tcp4_syn_opts(&s);
	s.bad_csum = true;
	s.bad_ip_csum = true;
	assert_true(rs_craft_build(&crafter, &s));
	decode(crafter.pkt, crafter.len, DLT_RAW);
	assert_false(pkt.ip.csum_ok);
	assert_int_equal(pkt.tcp.csum_status, RS_CSUM_BAD);
	/* Everything else is as asked. */
	assert_memory_equal(crafter.pkt + 12, exp_tcp4_syn_opts + 12, 24);
}

static void test_link_frame(void **state)
{
	struct rs_craft_spec s;
	(void)state;
	spec_tcp4_syn_opts(&s);
	s.link = true;
	assert_true(rs_parse_mac("02:00:5e:10:00:01", s.src_mac, NULL, 0));
	assert_true(rs_parse_mac("02-00-5e-10-00-02", s.dst_mac, NULL, 0));
	assert_true(rs_craft_build(&crafter, &s));
	assert_int_equal(crafter.len, 14 + sizeof(exp_tcp4_syn_opts));
	assert_memory_equal(crafter.pkt + 14, exp_tcp4_syn_opts, sizeof(exp_tcp4_syn_opts));
	decode(crafter.pkt, crafter.len, DLT_EN10MB);
	assert_int_equal(pkt.link.ethertype, 0x0800);
	assert_int_equal(pkt.link.src[5], 1);
	assert_int_equal(pkt.link.dst[5], 2);
	assert_int_equal(pkt.tcp.csum_status, RS_CSUM_OK);
}

/* A patched packet equals the one libnet builds with those fields. */
static void test_patch_matches_rebuild(void **state)
{
	struct rs_craft_spec s;
	struct rs_craft_layout lay;
	uint8_t patched[RS_CRAFT_MAX];
	size_t n;
	(void)state;

	for (int kind = 0; kind < 6; kind++) {
		rs_craft_spec_init(&s);
		addr(&s, kind & 1 ? 6 : 4);
		s.proto = kind < 2 ? RS_CRAFT_TCP : kind < 4 ? RS_CRAFT_UDP : RS_CRAFT_ICMP;
		s.sport = 1000;
		s.dport = 80;
		s.seq = 1;
		s.payload = (const uint8_t *)"abc";
		s.payload_len = 3;
		assert_true(rs_craft_build(&crafter, &s));
		rs_craft_layout_of(&crafter, &lay);
		n = crafter.len;
		memcpy(patched, crafter.pkt, n);

		uint8_t src[16];
		struct rs_cidr c;
		assert_true(rs_parse_cidr(s.v == 4 ? "203.0.113.0/24" : "2001:db8:ffff::/48", &c, NULL, 0));
		rs_cidr_pick(&c, 0x123456789abcdef0ull, 0x0fedcba987654321ull, src);
		rs_craft_patch_src(&lay, patched, src);
		rs_craft_patch_sport(&lay, patched, 65535);
		rs_craft_patch_seq(&lay, patched, 0xfffefdfc);
		rs_craft_patch_id(&lay, patched, 0xbeef);
		rs_craft_patch_echo_seq(&lay, patched, 0x4242);

		memcpy(s.src, src, 16);
		if (s.proto != RS_CRAFT_ICMP)
			s.sport = 65535;
		if (s.proto == RS_CRAFT_TCP)
			s.seq = 0xfffefdfc;
		s.id = 0xbeef;
		if (s.proto == RS_CRAFT_ICMP)
			s.echo_seq = 0x4242;
		assert_true(rs_craft_build(&crafter, &s));
		hexdiff(patched, n, crafter.pkt, crafter.len);
		assert_memory_equal(patched, crafter.pkt, n);
		decode(patched, n, DLT_RAW);
	}
}

static void test_fragment4(void **state)
{
	struct rs_craft_spec s;
	static uint8_t data[3000], frags[4000];
	size_t lens[8];
	(void)state;
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)i;
	rs_craft_spec_init(&s);
	addr(&s, 4);
	s.proto = RS_CRAFT_UDP;
	s.id = 77;
	s.payload = data;
	s.payload_len = sizeof(data);
	assert_true(rs_craft_build(&crafter, &s));
	size_t nf = rs_craft_fragment4(crafter.pkt, crafter.len, 1500, frags, sizeof(frags), lens, 8);
	assert_int_equal(nf, 3);
	assert_int_equal(lens[0], 1500);
	assert_int_equal(lens[1], 1500);
	assert_int_equal(lens[2], 20 + 3008 - 2 * 1480);
	decode(frags, lens[0], DLT_RAW);
	assert_true(pkt.ip.mf);
	assert_true(pkt.ip.csum_ok);
	decode(frags + lens[0] + lens[1], lens[2], DLT_RAW);
	assert_false(pkt.ip.mf);
	assert_int_equal(pkt.ip.frag_off, 2960);
	assert_int_equal(pkt.ip.id, 77);
	assert_true(pkt.ip.csum_ok);
	assert_int_equal(rs_craft_fragment4(crafter.pkt, crafter.len, 1500, frags, 100, lens, 8), 0);
}

static void test_options_overflow(void **state)
{
	struct rs_craft_spec s;
	uint32_t blocks[4][2] = { { 1, 2 }, { 3, 4 }, { 5, 6 }, { 7, 8 } };
	(void)state;
	spec_tcp4_syn_opts(&s);
	rs_tcpopts_sack(&s.opts, (const uint32_t (*)[2])blocks, 4);
	assert_true(s.opts.overflow);
	assert_false(rs_craft_build(&crafter, &s));
	assert_non_null(strstr(crafter.err, "40 bytes"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp4_every_option),
		cmocka_unit_test(test_tcp6_sack_payload),
		cmocka_unit_test(test_tcp4_all_flags_urg),
		cmocka_unit_test(test_udp),
		cmocka_unit_test(test_icmp4_each_type),
		cmocka_unit_test(test_icmp6),
		cmocka_unit_test(test_bad_checksums),
		cmocka_unit_test(test_link_frame),
		cmocka_unit_test(test_patch_matches_rebuild),
		cmocka_unit_test(test_fragment4),
		cmocka_unit_test(test_options_overflow),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
