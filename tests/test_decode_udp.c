/* test_decode_udp.c: the UDP decoder: lengths and checksums over IPv4 and IPv6. */
#include "packets.h"

static void udp4(void **state)
{
	struct rs_packet pkt;
	(void)state;

	assert_int_equal(DECODE(DLT_IPV4, ip4_udp, &pkt), RS_OK);
	assert_int_equal(pkt.link.ethertype, 0x0800);
	assert_int_equal(pkt.l4, RS_LAYER_UDP);
	assert_int_equal(pkt.udp.sport, 12345);
	assert_int_equal(pkt.udp.dport, 53);
	assert_int_equal(pkt.udp.len, 13);
	assert_int_equal(pkt.udp.csum, 0x9346);
	assert_int_equal(pkt.udp.csum_status, RS_CSUM_OK);
	assert_int_equal(pkt.udp.payload_len, 5);
	assert_int_equal(pkt.payload_caplen, 5);
	assert_memory_equal(pkt.payload, "query", 5);
}

static void udp4_cuts(void **state)
{
	(void)state;
	SWEEP(DLT_IPV4, ip4_udp,
	      { 20, RS_TRUNCATED, RS_LAYER_IPV4 },
	      { 28, RS_TRUNCATED, RS_LAYER_UDP });
	for (size_t k = 28; k < sizeof(ip4_udp); k++) {
		struct rs_packet pkt;

		assert_int_equal(decode_cut(DLT_IPV4, ip4_udp, k, sizeof(ip4_udp), &pkt), RS_OK);
		assert_int_equal(pkt.udp.csum_status, RS_CSUM_UNCHECKED);
		assert_int_equal(pkt.udp.payload_len, 5);
		assert_int_equal(pkt.payload_caplen, k - 28);
	}
}

static void udp4_bad_checksum(void **state)
{
	struct rs_packet pkt;
	(void)state;
	COPY(b, ip4_udp);

	b[sizeof(b) - 1] ^= 0x20;
	assert_int_equal(DECODE(DLT_IPV4, b, &pkt), RS_OK);
	assert_int_equal(pkt.udp.csum_status, RS_CSUM_BAD);
}

static void udp4_zero_checksum(void **state)
{
	struct rs_packet pkt;
	(void)state;

	/* Over IPv4 a zero checksum means "none". */
	assert_int_equal(DECODE(DLT_RAW, ip4_udp_zero, &pkt), RS_OK);
	assert_int_equal(pkt.udp.csum, 0);
	assert_int_equal(pkt.udp.csum_status, RS_CSUM_NONE);
	assert_int_equal(pkt.udp.payload_len, 1);
}

static void udp6(void **state)
{
	struct rs_packet pkt;
	(void)state;

	assert_int_equal(DECODE(DLT_IPV6, ip6_udp, &pkt), RS_OK);
	assert_int_equal(pkt.udp.sport, 1);
	assert_int_equal(pkt.udp.dport, 2);
	assert_int_equal(pkt.udp.len, 11);
	assert_int_equal(pkt.udp.csum, 0xb8f6);
	assert_int_equal(pkt.udp.csum_status, RS_CSUM_OK);
	assert_memory_equal(pkt.payload, "six", 3);
}

static void udp6_zero_checksum(void **state)
{
	struct rs_packet pkt;
	(void)state;
	COPY(b, ip6_udp);

	/* RFC 8200: not allowed over IPv6; recorded as a bad checksum. */
	b[46] = b[47] = 0;
	assert_int_equal(DECODE(DLT_IPV6, b, &pkt), RS_OK);
	assert_int_equal(pkt.udp.csum_status, RS_CSUM_BAD);
}

static void length_below_eight(void **state)
{
	struct rs_packet pkt;
	(void)state;
	COPY(b, ip4_udp);

	b[24] = 0;
	b[25] = 7;
	assert_int_equal(DECODE(DLT_IPV4, b, &pkt), RS_INVALID);
	assert_int_equal(pkt.err.layer, RS_LAYER_UDP);
	assert_int_equal(pkt.err.kind, RS_INVALID);
	assert_string_equal(pkt.err.detail, "length 7 < 8");
	assert_int_equal(pkt.udp.sport, 12345);
}

static void length_beyond_ip(void **state)
{
	struct rs_packet pkt;
	(void)state;
	COPY(b, ip4_udp);

	b[25] = 14;
	assert_int_equal(DECODE(DLT_IPV4, b, &pkt), RS_INVALID);
	assert_int_equal(pkt.err.layer, RS_LAYER_UDP);
	assert_string_equal(pkt.err.detail, "length 14 > IP payload length 13");
}

static void length_below_ip(void **state)
{
	struct rs_packet pkt;
	(void)state;
	COPY(b, ip4_udp);

	/* A UDP length shorter than the IP payload cuts the datagram. */
	b[25] = 10;
	assert_int_equal(DECODE(DLT_IPV4, b, &pkt), RS_OK);
	assert_int_equal(pkt.udp.payload_len, 2);
	assert_int_equal(pkt.payload_caplen, 2);
	assert_int_equal(pkt.udp.csum_status, RS_CSUM_BAD);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(udp4),
		cmocka_unit_test(udp4_cuts),
		cmocka_unit_test(udp4_bad_checksum),
		cmocka_unit_test(udp4_zero_checksum),
		cmocka_unit_test(udp6),
		cmocka_unit_test(udp6_zero_checksum),
		cmocka_unit_test(length_below_eight),
		cmocka_unit_test(length_beyond_ip),
		cmocka_unit_test(length_below_ip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
