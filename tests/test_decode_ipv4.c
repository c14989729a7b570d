/* test_decode_ipv4.c: the IPv4 decoder: options, padding, fragments, checksum, invalid headers. */
#include "packets.h"

static void options_and_padding(void **state)
{
	struct rs_packet pkt;
	(void)state;

	/* IHL 6 with Router Alert, TOS 0xb8, TTL 1, UDP with 4 bytes, padded to 60. */
	assert_int_equal(DECODE(DLT_EN10MB, eth_ip4opt_udp_pad, &pkt), RS_OK);
	assert_int_equal(pkt.ip.v, 4);
	assert_int_equal(pkt.ip.hdr_len, 24);
	assert_true(pkt.ip.has_options);
	assert_int_equal(pkt.ip.tos, 0xb8);
	assert_int_equal(pkt.ip.ttl, 1);
	assert_int_equal(pkt.ip.total_len, 36);
	assert_false(pkt.ip.df);
	assert_false(pkt.ip.mf);
	assert_int_equal(pkt.ip.frag_off, 0);
	assert_false(pkt.ip.is_later_fragment);
	assert_true(pkt.ip.has_id);
	assert_int_equal(pkt.ip.id, 0x1234);
	assert_int_equal(pkt.ip.csum, 0x25a2);
	assert_true(pkt.ip.csum_ok);
	assert_false(pkt.ip.len_short);
	assert_int_equal(pkt.ip.pad, 10);
	/* The padding is not taken as UDP payload, and the checksum still checks. */
	assert_int_equal(pkt.l4, RS_LAYER_UDP);
	assert_int_equal(pkt.udp.len, 12);
	assert_int_equal(pkt.udp.payload_len, 4);
	assert_int_equal(pkt.payload_caplen, 4);
	assert_memory_equal(pkt.payload, "abcd", 4);
	assert_int_equal(pkt.udp.csum_status, RS_CSUM_OK);
}

static void options_cuts(void **state)
{
	(void)state;
	/* Cuts inside the padding change nothing. */
	SWEEP(DLT_EN10MB, eth_ip4opt_udp_pad,
	      { 14, RS_TRUNCATED, RS_LAYER_LINK },
	      { 38, RS_TRUNCATED, RS_LAYER_IPV4 },
	      { 46, RS_TRUNCATED, RS_LAYER_UDP });
	for (size_t k = 50; k < sizeof(eth_ip4opt_udp_pad); k++) {
		struct rs_packet pkt;

		assert_int_equal(decode_cut(DLT_EN10MB, eth_ip4opt_udp_pad, k, 60, &pkt), RS_OK);
		assert_false(pkt.ip.len_short);
		assert_int_equal(pkt.ip.pad, 10);
		assert_int_equal(pkt.udp.csum_status, RS_CSUM_OK);
		assert_int_equal(pkt.payload_caplen, 4);
	}
}

static void first_fragment(void **state)
{
	struct rs_packet pkt;
	(void)state;

	assert_int_equal(DECODE(DLT_RAW, ip4_frag_first, &pkt), RS_OK);
	assert_true(pkt.ip.mf);
	assert_int_equal(pkt.ip.frag_off, 0);
	assert_false(pkt.ip.is_later_fragment);
	assert_int_equal(pkt.ip.id, 0x7777);
	assert_true(pkt.ip.csum_ok);
	/* The transport header is here; its length and checksum cover other fragments. */
	assert_int_equal(pkt.l4, RS_LAYER_UDP);
	assert_int_equal(pkt.udp.sport, 1000);
	assert_int_equal(pkt.udp.dport, 2000);
	assert_int_equal(pkt.udp.len, 1544);
	assert_int_equal(pkt.udp.csum_status, RS_CSUM_UNCHECKED);
}

static void later_fragment(void **state)
{
	struct rs_packet pkt;
	(void)state;

	assert_int_equal(DECODE(DLT_RAW, ip4_frag_later, &pkt), RS_OK);
	assert_false(pkt.ip.mf);
	assert_int_equal(pkt.ip.frag_off, 64);
	assert_true(pkt.ip.is_later_fragment);
	assert_int_equal(pkt.ip.proto, 17);
	assert_true(pkt.ip.csum_ok);
	assert_int_equal(pkt.l4, RS_LAYER_NONE);
	assert_int_equal(pkt.udp.sport, 0);
	SWEEP(DLT_RAW, ip4_frag_later, { 20, RS_TRUNCATED, RS_LAYER_IPV4 });
}

static void bad_header_checksum(void **state)
{
	struct rs_packet pkt;
	(void)state;

	/* Not an error: recorded, and the layers above still decode. */
	assert_int_equal(DECODE(DLT_RAW, ip4_badsum_udp, &pkt), RS_OK);
	assert_false(pkt.ip.csum_ok);
	assert_int_equal(pkt.ip.csum, 0x6931);
	assert_int_equal(pkt.l4, RS_LAYER_UDP);
	assert_int_equal(pkt.udp.csum_status, RS_CSUM_OK);
}

static void ihl_below_five(void **state)
{
	struct rs_packet pkt;
	(void)state;
	COPY(b, ip4_udp);

	b[0] = 0x44;
	assert_int_equal(DECODE(DLT_RAW, b, &pkt), RS_INVALID);
	assert_int_equal(pkt.err.layer, RS_LAYER_IPV4);
	assert_int_equal(pkt.err.kind, RS_INVALID);
	assert_string_equal(pkt.err.detail, "header length 16 < 20");
	assert_int_equal(pkt.l4, RS_LAYER_NONE);
}

static void total_below_header(void **state)
{
	struct rs_packet pkt;
	(void)state;
	COPY(b, ip4_udp);

	b[2] = 0;
	b[3] = 12;
	assert_int_equal(DECODE(DLT_RAW, b, &pkt), RS_INVALID);
	assert_int_equal(pkt.err.layer, RS_LAYER_IPV4);
	assert_string_equal(pkt.err.detail, "total length 12 < header length 20");
}

static void version_seven(void **state)
{
	struct rs_packet pkt;
	(void)state;
	COPY(b, ip4_udp);

	b[0] = 0x75;
	/* Raw IP reads the version to choose the decoder ... */
	assert_int_equal(DECODE(DLT_RAW, b, &pkt), RS_INVALID);
	assert_int_equal(pkt.err.layer, RS_LAYER_IPV4);
	assert_string_equal(pkt.err.detail, "version 7");
	assert_false(pkt.has_ip);
	/* ... and DLT_IPV4 says it is IPv4. */
	assert_int_equal(DECODE(DLT_IPV4, b, &pkt), RS_INVALID);
	assert_int_equal(pkt.err.layer, RS_LAYER_IPV4);
	assert_string_equal(pkt.err.detail, "version 7");
}

static void options_not_captured(void **state)
{
	struct rs_packet pkt;
	(void)state;

	/* 22 bytes of a 24-byte header. */
	assert_int_equal(decode_cut(DLT_EN10MB, eth_ip4opt_udp_pad, 36, 60, &pkt), RS_TRUNCATED);
	assert_int_equal(pkt.err.layer, RS_LAYER_IPV4);
	assert_string_equal(pkt.err.detail, "need 24 bytes, have 22");
	assert_true(pkt.has_ip);
	assert_int_equal(pkt.ip.ttl, 1);
}

static void tso_zero_length(void **state)
{
	struct rs_packet pkt;
	(void)state;
	COPY(b, ip4_udp);

	/* A TSO capture: total length 0 means "as long as the frame". */
	b[2] = b[3] = 0;
	assert_int_equal(DECODE(DLT_RAW, b, &pkt), RS_OK);
	assert_int_equal(pkt.ip.total_len, sizeof(ip4_udp));
	assert_int_equal(pkt.l4, RS_LAYER_UDP);
	assert_int_equal(pkt.udp.payload_len, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(options_and_padding),
		cmocka_unit_test(options_cuts),
		cmocka_unit_test(first_fragment),
		cmocka_unit_test(later_fragment),
		cmocka_unit_test(bad_header_checksum),
		cmocka_unit_test(ihl_below_five),
		cmocka_unit_test(total_below_header),
		cmocka_unit_test(version_seven),
		cmocka_unit_test(options_not_captured),
		cmocka_unit_test(tso_zero_length),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
