/* test_decode_icmp.c: ICMP and ICMPv6 messages, and the packets errors quote. */
#include "packets.h"

static const uint8_t ip_s[4] = { 192, 0, 2, 1 };
static const uint8_t ip_d[4] = { 198, 51, 100, 2 };
static const uint8_t far4[4] = { 203, 0, 113, 9 };
static const uint8_t s6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
static const uint8_t d6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 };

static void echo(void **state)
{
	struct rs_packet pkt;
	(void)state;

	assert_int_equal(DECODE(DLT_RAW, ip4_icmp_echo, &pkt), RS_OK);
	assert_int_equal(pkt.l4, RS_LAYER_ICMP);
	assert_int_equal(pkt.icmp.v, 4);
	assert_int_equal(pkt.icmp.type, 8);
	assert_int_equal(pkt.icmp.code, 0);
	assert_int_equal(pkt.icmp.csum, 0x35a9);
	assert_int_equal(pkt.icmp.csum_status, RS_CSUM_OK);
	assert_true(pkt.icmp.has_echo);
	assert_int_equal(pkt.icmp.id, 0x0abc);
	assert_int_equal(pkt.icmp.seq, 7);
	assert_false(pkt.icmp.has_quote);
	assert_false(pkt.icmp.has_ts);
	SWEEP(DLT_RAW, ip4_icmp_echo,
	      { 1, RS_TRUNCATED, RS_LAYER_IPV4 },
	      { 20, RS_TRUNCATED, RS_LAYER_IPV4 },
	      { 28, RS_TRUNCATED, RS_LAYER_ICMP });
	for (size_t k = 28; k < sizeof(ip4_icmp_echo); k++) {
		assert_int_equal(decode_cut(DLT_RAW, ip4_icmp_echo, k, sizeof(ip4_icmp_echo), &pkt),
				 RS_OK);
		assert_int_equal(pkt.icmp.csum_status, RS_CSUM_UNCHECKED);
		assert_int_equal(pkt.icmp.seq, 7);
	}
}

static void echo_bad_checksum(void **state)
{
	struct rs_packet pkt;
	(void)state;
	COPY(b, ip4_icmp_echo);

	b[sizeof(b) - 1] ^= 1;
	assert_int_equal(DECODE(DLT_RAW, b, &pkt), RS_OK);
	assert_int_equal(pkt.icmp.csum_status, RS_CSUM_BAD);
}

/* Fragmentation needed, MTU 1400, quoting a TCP SYN to 203.0.113.9:443. */
static void frag_needed(void **state)
{
	struct rs_packet pkt;
	(void)state;

	assert_int_equal(DECODE(DLT_RAW, ip4_icmp_fragneeded, &pkt), RS_OK);
	assert_int_equal(pkt.icmp.type, 3);
	assert_int_equal(pkt.icmp.code, 4);
	assert_int_equal(pkt.icmp.csum_status, RS_CSUM_OK);
	assert_int_equal(pkt.icmp.mtu, 1400);
	assert_false(pkt.icmp.has_echo);
	assert_true(pkt.icmp.has_quote);
	assert_int_equal(pkt.icmp.quote.v, 4);
	assert_int_equal(pkt.icmp.quote.proto, 6);
	assert_memory_equal(pkt.icmp.quote.src, ip_d, 4);
	assert_memory_equal(pkt.icmp.quote.dst, far4, 4);
	assert_true(pkt.icmp.quote.has_ports);
	assert_int_equal(pkt.icmp.quote.sport, 40000);
	assert_int_equal(pkt.icmp.quote.dport, 443);
}

static void frag_needed_cuts(void **state)
{
	(void)state;
	SWEEP(DLT_RAW, ip4_icmp_fragneeded,
	      { 1, RS_TRUNCATED, RS_LAYER_IPV4 },
	      { 20, RS_TRUNCATED, RS_LAYER_IPV4 },
	      { 28, RS_TRUNCATED, RS_LAYER_ICMP });
	/* A short quote is not an ICMP failure: it is just not there. */
	for (size_t k = 28; k < sizeof(ip4_icmp_fragneeded); k++) {
		struct rs_packet pkt;

		assert_int_equal(decode_cut(DLT_RAW, ip4_icmp_fragneeded, k, 56, &pkt), RS_OK);
		assert_int_equal(pkt.icmp.mtu, 1400);
		assert_int_equal(pkt.icmp.has_quote, k >= 48);
		assert_int_equal(pkt.icmp.quote.has_ports, k >= 52);
		assert_int_equal(pkt.icmp.csum_status, RS_CSUM_UNCHECKED);
	}
}

static void time_exceeded(void **state)
{
	struct rs_packet pkt;
	(void)state;

	assert_int_equal(DECODE(DLT_RAW, ip4_icmp_timex, &pkt), RS_OK);
	assert_int_equal(pkt.icmp.type, 11);
	assert_int_equal(pkt.icmp.code, 0);
	assert_int_equal(pkt.icmp.csum_status, RS_CSUM_OK);
	assert_true(pkt.icmp.has_quote);
	assert_int_equal(pkt.icmp.quote.proto, 17);
	assert_memory_equal(pkt.icmp.quote.src, ip_s, 4);
	assert_memory_equal(pkt.icmp.quote.dst, ip_d, 4);
	assert_int_equal(pkt.icmp.quote.sport, 33434);
	assert_int_equal(pkt.icmp.quote.dport, 33435);
}

static void redirect(void **state)
{
	struct rs_packet pkt;
	(void)state;

	assert_int_equal(DECODE(DLT_RAW, ip4_icmp_redirect, &pkt), RS_OK);
	assert_int_equal(pkt.icmp.type, 5);
	assert_int_equal(pkt.icmp.code, 1);
	assert_int_equal(pkt.icmp.csum_status, RS_CSUM_OK);
	assert_int_equal(pkt.icmp.gateway, 0xc0000263);  /* 192.0.2.99 */
	assert_true(pkt.icmp.quote.has_ports);
	assert_int_equal(pkt.icmp.quote.dport, 33435);
}

static void param_problem(void **state)
{
	struct rs_packet pkt;
	(void)state;

	assert_int_equal(DECODE(DLT_RAW, ip4_icmp_paramprob, &pkt), RS_OK);
	assert_int_equal(pkt.icmp.type, 12);
	assert_int_equal(pkt.icmp.csum_status, RS_CSUM_OK);
	assert_int_equal(pkt.icmp.pointer, 20);
	assert_true(pkt.icmp.has_quote);
	assert_int_equal(pkt.icmp.quote.sport, 40000);
}

static void timestamp_reply(void **state)
{
	struct rs_packet pkt;
	(void)state;

	assert_int_equal(DECODE(DLT_RAW, ip4_icmp_tstamp, &pkt), RS_OK);
	assert_int_equal(pkt.icmp.type, 14);
	assert_int_equal(pkt.icmp.csum_status, RS_CSUM_OK);
	assert_true(pkt.icmp.has_echo);
	assert_int_equal(pkt.icmp.id, 0x55);
	assert_int_equal(pkt.icmp.seq, 2);
	assert_true(pkt.icmp.has_ts);
	assert_int_equal(pkt.icmp.ts_orig, 1000);
	assert_int_equal(pkt.icmp.ts_recv, 2000);
	assert_int_equal(pkt.icmp.ts_xmit, 3000);
	/* The three times are part of the message's header. */
	SWEEP(DLT_RAW, ip4_icmp_tstamp,
	      { 1, RS_TRUNCATED, RS_LAYER_IPV4 },
	      { 20, RS_TRUNCATED, RS_LAYER_IPV4 },
	      { 40, RS_TRUNCATED, RS_LAYER_ICMP });
	assert_int_equal(decode_cut(DLT_RAW, ip4_icmp_tstamp, 36, 40, &pkt), RS_TRUNCATED);
	assert_string_equal(pkt.err.detail, "need 20 bytes, have 16");
}

static void icmp6_echo(void **state)
{
	struct rs_packet pkt;
	(void)state;

	assert_int_equal(DECODE(DLT_IPV6, ip6_icmp6_echo, &pkt), RS_OK);
	assert_int_equal(pkt.l4, RS_LAYER_ICMPV6);
	assert_int_equal(pkt.icmp.v, 6);
	assert_int_equal(pkt.icmp.type, 129);
	assert_int_equal(pkt.icmp.code, 0);
	assert_int_equal(pkt.icmp.csum, 0x2242);
	assert_int_equal(pkt.icmp.csum_status, RS_CSUM_OK);
	assert_true(pkt.icmp.has_echo);
	assert_int_equal(pkt.icmp.id, 0x2222);
	assert_int_equal(pkt.icmp.seq, 9);
	SWEEP(DLT_IPV6, ip6_icmp6_echo,
	      { 40, RS_TRUNCATED, RS_LAYER_IPV6 },
	      { 48, RS_TRUNCATED, RS_LAYER_ICMPV6 });
}

static void icmp6_bad_checksum(void **state)
{
	struct rs_packet pkt;
	(void)state;
	COPY(b, ip6_icmp6_echo);

	b[39] ^= 1;  /* the destination address is in the pseudo-header */
	assert_int_equal(DECODE(DLT_IPV6, b, &pkt), RS_OK);
	assert_int_equal(pkt.icmp.csum_status, RS_CSUM_BAD);
}

static void packet_too_big(void **state)
{
	struct rs_packet pkt;
	(void)state;

	assert_int_equal(DECODE(DLT_IPV6, ip6_icmp6_ptb, &pkt), RS_OK);
	assert_int_equal(pkt.icmp.type, 2);
	assert_int_equal(pkt.icmp.csum_status, RS_CSUM_OK);
	assert_int_equal(pkt.icmp.mtu, 1280);
	assert_true(pkt.icmp.has_quote);
	assert_int_equal(pkt.icmp.quote.v, 6);
	assert_int_equal(pkt.icmp.quote.proto, 6);
	assert_memory_equal(pkt.icmp.quote.src, d6, 16);
	assert_memory_equal(pkt.icmp.quote.dst, s6, 16);
	assert_true(pkt.icmp.quote.has_ports);
	assert_int_equal(pkt.icmp.quote.sport, 443);
	assert_int_equal(pkt.icmp.quote.dport, 50000);
	SWEEP(DLT_IPV6, ip6_icmp6_ptb,
	      { 40, RS_TRUNCATED, RS_LAYER_IPV6 },
	      { 48, RS_TRUNCATED, RS_LAYER_ICMPV6 });
	for (size_t k = 48; k < sizeof(ip6_icmp6_ptb); k++) {
		assert_int_equal(decode_cut(DLT_IPV6, ip6_icmp6_ptb, k, 96, &pkt), RS_OK);
		assert_int_equal(pkt.icmp.mtu, 1280);
		assert_int_equal(pkt.icmp.has_quote, k >= 88);
		assert_int_equal(pkt.icmp.quote.has_ports, k >= 92);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(echo),
		cmocka_unit_test(echo_bad_checksum),
		cmocka_unit_test(frag_needed),
		cmocka_unit_test(frag_needed_cuts),
		cmocka_unit_test(time_exceeded),
		cmocka_unit_test(redirect),
		cmocka_unit_test(param_problem),
		cmocka_unit_test(timestamp_reply),
		cmocka_unit_test(icmp6_echo),
		cmocka_unit_test(icmp6_bad_checksum),
		cmocka_unit_test(packet_too_big),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
