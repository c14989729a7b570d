/* test_decode_ipv6.c: the IPv6 decoder and each extension header it walks. */
#include "packets.h"

static const uint8_t s6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
static const uint8_t d6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 };

static void header_fields(void **state)
{
	struct rs_packet pkt;
	(void)state;

	assert_int_equal(DECODE(DLT_EN10MB, eth_ip6_tcp, &pkt), RS_OK);
	assert_int_equal(pkt.link.ethertype, 0x86dd);
	assert_true(pkt.has_ip);
	assert_int_equal(pkt.ip.v, 6);
	assert_int_equal(pkt.ip.tos, 0x20);
	assert_int_equal(pkt.ip.flow, 0x12345);
	assert_int_equal(pkt.ip.ttl, 255);
	assert_int_equal(pkt.ip.proto, 6);
	assert_int_equal(pkt.ip.hdr_len, 40);
	assert_int_equal(pkt.ip.total_len, 63);
	assert_memory_equal(pkt.ip.src, s6, 16);
	assert_memory_equal(pkt.ip.dst, d6, 16);
	assert_true(pkt.ip.csum_ok);
	assert_false(pkt.ip.has_id);
	assert_int_equal(pkt.ip.n_ext, 0);
	assert_false(pkt.ip.len_short);
	assert_int_equal(pkt.ip.pad, 0);
}

/* Hop-by-hop, destination options, routing type 2 with segments left 1, UDP. */
static void ext_headers(void **state)
{
	struct rs_packet pkt;
	(void)state;

	assert_int_equal(DECODE(DLT_RAW, ip6_ext_udp, &pkt), RS_OK);
	assert_int_equal(pkt.ip.n_ext, 3);
	assert_int_equal(pkt.ip.ext[0], 0);
	assert_int_equal(pkt.ip.ext[1], 60);
	assert_int_equal(pkt.ip.ext[2], 43);
	assert_int_equal(pkt.ip.proto, 17);
	assert_int_equal(pkt.ip.hdr_len, 40 + 8 + 8 + 24);
	assert_int_equal(pkt.ip.total_len, 93);
	/*
	 * The header's destination stays; the UDP checksum was computed with the
	 * routing header's final address (2001:db8::ff), so it checks only if
	 * the decoder used that one for the pseudo-header.
	 */
	assert_memory_equal(pkt.ip.dst, d6, 16);
	assert_int_equal(pkt.l4, RS_LAYER_UDP);
	assert_int_equal(pkt.udp.sport, 546);
	assert_int_equal(pkt.udp.dport, 547);
	assert_int_equal(pkt.udp.csum_status, RS_CSUM_OK);
	assert_memory_equal(pkt.payload, "dhcp6", 5);
}

static void ext_headers_cuts(void **state)
{
	(void)state;
	SWEEP(DLT_RAW, ip6_ext_udp,
	      { 1, RS_TRUNCATED, RS_LAYER_IPV4 }, /* no version nibble yet */
	      { 80, RS_TRUNCATED, RS_LAYER_IPV6 },
	      { 88, RS_TRUNCATED, RS_LAYER_UDP });
}

static void ext_header_truncated_detail(void **state)
{
	struct rs_packet pkt;
	(void)state;

	assert_int_equal(decode_cut(DLT_RAW, ip6_ext_udp, 70, 93, &pkt), RS_TRUNCATED);
	assert_int_equal(pkt.err.layer, RS_LAYER_IPV6);
	assert_string_equal(pkt.err.detail, "need 80 bytes, have 70");
	assert_int_equal(pkt.ip.n_ext, 2);
}

static void first_fragment(void **state)
{
	struct rs_packet pkt;
	(void)state;

	assert_int_equal(DECODE(DLT_RAW, ip6_frag_first, &pkt), RS_OK);
	assert_int_equal(pkt.ip.n_ext, 1);
	assert_int_equal(pkt.ip.ext[0], 44);
	assert_true(pkt.ip.has_id);
	assert_int_equal(pkt.ip.id, 0xabcdef01);
	assert_true(pkt.ip.mf);
	assert_int_equal(pkt.ip.frag_off, 0);
	assert_false(pkt.ip.is_later_fragment);
	assert_int_equal(pkt.ip.proto, 17);
	assert_int_equal(pkt.ip.hdr_len, 48);
	assert_int_equal(pkt.l4, RS_LAYER_UDP);
	assert_int_equal(pkt.udp.sport, 4000);
	assert_int_equal(pkt.udp.len, 208);
	assert_int_equal(pkt.udp.csum_status, RS_CSUM_UNCHECKED);
	SWEEP(DLT_RAW, ip6_frag_first,
	      { 1, RS_TRUNCATED, RS_LAYER_IPV4 }, /* no version nibble yet */
	      { 48, RS_TRUNCATED, RS_LAYER_IPV6 },
	      { 56, RS_TRUNCATED, RS_LAYER_UDP });
}

static void later_fragment(void **state)
{
	struct rs_packet pkt;
	(void)state;

	assert_int_equal(DECODE(DLT_RAW, ip6_frag_later, &pkt), RS_OK);
	assert_true(pkt.ip.is_later_fragment);
	assert_int_equal(pkt.ip.frag_off, 96);
	assert_false(pkt.ip.mf);
	assert_int_equal(pkt.ip.id, 0xabcdef01);
	assert_int_equal(pkt.ip.proto, 17);
	assert_int_equal(pkt.l4, RS_LAYER_NONE);
	SWEEP(DLT_RAW, ip6_frag_later,
	      { 1, RS_TRUNCATED, RS_LAYER_IPV4 },
	      { 48, RS_TRUNCATED, RS_LAYER_IPV6 });
}

static void ah(void **state)
{
	struct rs_packet pkt;
	(void)state;

	/* AH length 4 means (4 + 2) * 4 = 24 bytes. */
	assert_int_equal(DECODE(DLT_RAW, ip6_ah_icmp6_echo, &pkt), RS_OK);
	assert_int_equal(pkt.ip.n_ext, 1);
	assert_int_equal(pkt.ip.ext[0], 51);
	assert_int_equal(pkt.ip.hdr_len, 64);
	assert_int_equal(pkt.ip.proto, 58);
	assert_int_equal(pkt.l4, RS_LAYER_ICMPV6);
	assert_int_equal(pkt.icmp.type, 128);
	assert_int_equal(pkt.icmp.id, 0x1111);
	assert_int_equal(pkt.icmp.seq, 3);
	assert_int_equal(pkt.icmp.csum_status, RS_CSUM_OK);
	SWEEP(DLT_RAW, ip6_ah_icmp6_echo,
	      { 1, RS_TRUNCATED, RS_LAYER_IPV4 }, /* no version nibble yet */
	      { 64, RS_TRUNCATED, RS_LAYER_IPV6 },
	      { 72, RS_TRUNCATED, RS_LAYER_ICMPV6 });
}

static void ext_overrun(void **state)
{
	struct rs_packet pkt;
	(void)state;

	/* Destination options of 40 bytes in a payload of 28. */
	assert_int_equal(DECODE(DLT_RAW, ip6_ext_overrun, &pkt), RS_INVALID);
	assert_int_equal(pkt.err.layer, RS_LAYER_IPV6);
	assert_int_equal(pkt.err.kind, RS_INVALID);
	assert_string_equal(pkt.err.detail,
			    "extension header 60 of 40 bytes past payload length 28");
	assert_int_equal(pkt.l4, RS_LAYER_NONE);
	/* Cut short, it is a truncation until the length byte is there. */
	SWEEP(DLT_RAW, ip6_ext_overrun,
	      { 1, RS_TRUNCATED, RS_LAYER_IPV4 }, /* no version nibble yet */
	      { 42, RS_TRUNCATED, RS_LAYER_IPV6 },
	      { 68, RS_INVALID, RS_LAYER_IPV6 });
}

static void version_and_short(void **state)
{
	struct rs_packet pkt;
	(void)state;
	COPY(b, ip6_udp);

	SWEEP(DLT_IPV6, ip6_udp,
	      { 40, RS_TRUNCATED, RS_LAYER_IPV6 },
	      { 48, RS_TRUNCATED, RS_LAYER_UDP });
	b[0] = 0x50;
	assert_int_equal(DECODE(DLT_IPV6, b, &pkt), RS_INVALID);
	assert_int_equal(pkt.err.layer, RS_LAYER_IPV6);
	assert_string_equal(pkt.err.detail, "version 5");
}

static void jumbo_zero_length(void **state)
{
	struct rs_packet pkt;
	(void)state;
	COPY(b, ip6_udp);

	b[4] = b[5] = 0;
	assert_int_equal(DECODE(DLT_RAW, b, &pkt), RS_OK);
	assert_int_equal(pkt.ip.total_len, sizeof(ip6_udp));
	assert_int_equal(pkt.udp.payload_len, 3);
	assert_int_equal(pkt.udp.csum_status, RS_CSUM_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(header_fields),
		cmocka_unit_test(ext_headers),
		cmocka_unit_test(ext_headers_cuts),
		cmocka_unit_test(ext_header_truncated_detail),
		cmocka_unit_test(first_fragment),
		cmocka_unit_test(later_fragment),
		cmocka_unit_test(ah),
		cmocka_unit_test(ext_overrun),
		cmocka_unit_test(version_and_short),
		cmocka_unit_test(jumbo_zero_length),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
