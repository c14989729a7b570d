/* test_decode_arp.c: ARP (RFC 826) and RFC 5227's names for it, and
 * ICMPv6 neighbour advertisement (RFC 4861), cut at every byte. */
#include "packets.h"

/* who-has 192.0.2.2 tell 192.0.2.1, unpadded (as the sender captures it). */
static const uint8_t eth_arp_request[42] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06,
	0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0xc0, 0x00, 0x02, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x02, 0x02,
};

/* 2001:db8::2 > 2001:db8::1: NA tgt 2001:db8::2, S and O, target link-address. */
static const uint8_t ip6_na[72] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x20, 0x3a, 0xff, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x88, 0x00,
	0x8a, 0x71, 0x60, 0x00, 0x00, 0x00, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x01, 0x02, 0x00, 0x00, 0x00,
	0x00, 0x02,
};

static void request(void **state)
{
	static const uint8_t spa[4] = { 192, 0, 2, 1 }, tpa[4] = { 192, 0, 2, 2 };
	static const uint8_t sha[6] = { 2, 0, 0, 0, 0, 1 };
	struct rs_packet pkt;
	(void)state;

	assert_int_equal(DECODE(DLT_EN10MB, eth_arp_request, &pkt), RS_OK);
	assert_true(pkt.has_arp);
	assert_false(pkt.has_ip);
	assert_true(pkt.arp.ether_ipv4);
	assert_int_equal(pkt.arp.op, RS_ARP_OP_REQUEST);
	assert_int_equal(pkt.arp.kind, RS_ARP_REQUEST);
	assert_int_equal(pkt.arp.len, 28);
	assert_int_equal(pkt.arp.wire, 28);
	assert_memory_equal(pkt.arp.sha, sha, 6);
	assert_memory_equal(pkt.arp.spa, spa, 4);
	assert_memory_equal(pkt.arp.tpa, tpa, 4);
	SWEEP(DLT_EN10MB, eth_arp_request,
	      { 14, RS_TRUNCATED, RS_LAYER_LINK },
	      { 42, RS_TRUNCATED, RS_LAYER_ARP });
}

static void kinds(void **state)
{
	struct rs_packet pkt;
	(void)state;
	COPY(b, eth_arp_request);

	b[41] = 1;  /* target 192.0.2.1: the sender's own */
	assert_int_equal(DECODE(DLT_EN10MB, b, &pkt), RS_OK);
	assert_int_equal(pkt.arp.kind, RS_ARP_GRATUITOUS_REQUEST);
	b[21] = 2;  /* a reply */
	assert_int_equal(DECODE(DLT_EN10MB, b, &pkt), RS_OK);
	assert_int_equal(pkt.arp.kind, RS_ARP_GRATUITOUS_REPLY);
	b[41] = 2;
	assert_int_equal(DECODE(DLT_EN10MB, b, &pkt), RS_OK);
	assert_int_equal(pkt.arp.kind, RS_ARP_REPLY);
	b[21] = 1;
	memset(b + 28, 0, 4);  /* from 0.0.0.0 */
	assert_int_equal(DECODE(DLT_EN10MB, b, &pkt), RS_OK);
	assert_int_equal(pkt.arp.kind, RS_ARP_PROBE);
	assert_string_equal(rs_arp_kind_str(RS_ARP_PROBE), "probe");
	b[21] = 9;
	assert_int_equal(DECODE(DLT_EN10MB, b, &pkt), RS_OK);
	assert_int_equal(pkt.arp.kind, RS_ARP_OTHER);
}

static void lying_lengths(void **state)
{
	struct rs_packet pkt;
	(void)state;
	COPY(b, eth_arp_request);

	b[18] = 5;  /* 5-byte hardware addresses for Ethernet: 26 bytes, all there */
	assert_int_equal(DECODE(DLT_EN10MB, b, &pkt), RS_INVALID);
	assert_int_equal(pkt.err.layer, RS_LAYER_ARP);
	assert_false(pkt.arp.ether_ipv4);
	b[18] = 6;
	b[16] = 0x86, b[17] = 0xdd;  /* IPv6, 4-byte addresses: not ours to read */
	assert_int_equal(DECODE(DLT_EN10MB, b, &pkt), RS_OK);
	assert_false(pkt.arp.ether_ipv4);
	assert_int_equal(pkt.arp.kind, RS_ARP_OTHER);
}

static void advertisement(void **state)
{
	static const uint8_t tll[6] = { 2, 0, 0, 0, 0, 2 };
	struct rs_packet pkt;
	(void)state;

	assert_int_equal(DECODE(DLT_RAW, ip6_na, &pkt), RS_OK);
	assert_int_equal(pkt.icmp.csum_status, RS_CSUM_OK);
	assert_true(pkt.icmp.has_nd);
	assert_int_equal(pkt.icmp.nd_flags, 0x60);
	assert_memory_equal(pkt.icmp.nd_target, ip6_na + 8, 16);
	assert_true(pkt.icmp.has_nd_tll);
	assert_false(pkt.icmp.has_nd_sll);
	assert_memory_equal(pkt.icmp.nd_tll, tll, 6);
	/* An option the snaplen cut is not read, and not an error. */
	SWEEP(DLT_RAW, ip6_na,
	      { 1, RS_TRUNCATED, RS_LAYER_IPV4 },
	      { 40, RS_TRUNCATED, RS_LAYER_IPV6 },
	      { 64, RS_TRUNCATED, RS_LAYER_ICMPV6 });
	assert_int_equal(decode_cut(DLT_RAW, ip6_na, 70, sizeof(ip6_na), &pkt), RS_OK);
	assert_false(pkt.icmp.has_nd_tll);
}

static void option_lies(void **state)
{
	struct rs_packet pkt;
	(void)state;
	COPY(b, ip6_na);

	b[65] = 0;  /* length 0: RFC 4861 4.6 says discard */
	assert_int_equal(DECODE(DLT_RAW, b, &pkt), RS_INVALID);
	assert_int_equal(pkt.err.layer, RS_LAYER_ICMPV6);
	b[65] = 2;  /* 16 bytes in an 8-byte tail */
	assert_int_equal(DECODE(DLT_RAW, b, &pkt), RS_INVALID);
	assert_false(pkt.icmp.has_nd_tll);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(request),
		cmocka_unit_test(kinds),
		cmocka_unit_test(lying_lengths),
		cmocka_unit_test(advertisement),
		cmocka_unit_test(option_lies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
