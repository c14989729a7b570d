/* test_decode_link.c: Ethernet with VLAN tags, 802.3, ARP, Linux cooked v1/v2, NULL, LOOP, raw IP. */
#include "packets.h"

static const uint8_t mac_d[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const uint8_t mac_s[6] = { 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb };

/* The IPv4 echo request and IPv6 echo request every link below carries. */
static void check_icmp4(const struct rs_packet *pkt)
{
	assert_false(pkt->has_err);
	assert_true(pkt->has_ip);
	assert_int_equal(pkt->ip.v, 4);
	assert_int_equal(pkt->link.ethertype, 0x0800);
	assert_int_equal(pkt->l4, RS_LAYER_ICMP);
	assert_int_equal(pkt->icmp.type, 8);
	assert_int_equal(pkt->icmp.csum_status, RS_CSUM_OK);
	assert_int_equal(pkt->icmp.id, 1);
	assert_int_equal(pkt->icmp.seq, 1);
}

static void check_icmp6(const struct rs_packet *pkt)
{
	assert_false(pkt->has_err);
	assert_true(pkt->has_ip);
	assert_int_equal(pkt->ip.v, 6);
	assert_int_equal(pkt->link.ethertype, 0x86dd);
	assert_int_equal(pkt->l4, RS_LAYER_ICMPV6);
	assert_int_equal(pkt->icmp.type, 128);
	assert_int_equal(pkt->icmp.csum_status, RS_CSUM_OK);
	assert_int_equal(pkt->icmp.id, 2);
	assert_int_equal(pkt->icmp.seq, 2);
}

static void vlan(void **state)
{
	struct rs_packet pkt;
	(void)state;

	assert_int_equal(DECODE(DLT_EN10MB, eth_vlan_ip4_icmp, &pkt), RS_OK);
	assert_memory_equal(pkt.link.dst, mac_d, 6);
	assert_memory_equal(pkt.link.src, mac_s, 6);
	assert_int_equal(pkt.link.nvlan, 1);
	assert_int_equal(pkt.link.vlan_tpid[0], 0x8100);
	assert_int_equal(pkt.link.vlan_tci[0], 0x2064);  /* PCP 1, VID 100 */
	check_icmp4(&pkt);
	SWEEP(DLT_EN10MB, eth_vlan_ip4_icmp,
	      { 14, RS_TRUNCATED, RS_LAYER_LINK },
	      { 18, RS_TRUNCATED, RS_LAYER_VLAN },
	      { 38, RS_TRUNCATED, RS_LAYER_IPV4 },
	      { 46, RS_TRUNCATED, RS_LAYER_ICMP });
}

static void qinq(void **state)
{
	struct rs_packet pkt;
	(void)state;

	assert_int_equal(DECODE(DLT_EN10MB, eth_qinq_ip6_icmp6, &pkt), RS_OK);
	assert_int_equal(pkt.link.nvlan, 2);
	assert_int_equal(pkt.link.vlan_tpid[0], 0x88a8);
	assert_int_equal(pkt.link.vlan_tci[0], 10);
	assert_int_equal(pkt.link.vlan_tpid[1], 0x8100);
	assert_int_equal(pkt.link.vlan_tci[1], 0x6014);
	check_icmp6(&pkt);
	SWEEP(DLT_EN10MB, eth_qinq_ip6_icmp6,
	      { 14, RS_TRUNCATED, RS_LAYER_LINK },
	      { 22, RS_TRUNCATED, RS_LAYER_VLAN },
	      { 62, RS_TRUNCATED, RS_LAYER_IPV6 },
	      { 70, RS_TRUNCATED, RS_LAYER_ICMPV6 });
}

static void three_tags(void **state)
{
	struct rs_packet pkt;
	(void)state;

	/* All three are walked; the first two are kept. */
	assert_int_equal(DECODE(DLT_EN10MB, eth_3tags_ip4, &pkt), RS_OK);
	assert_int_equal(pkt.link.nvlan, 2);
	assert_int_equal(pkt.link.vlan_tci[0], 1);
	assert_int_equal(pkt.link.vlan_tci[1], 2);
	check_icmp4(&pkt);
}

static void ieee8023_length(void **state)
{
	struct rs_packet pkt;
	(void)state;

	assert_int_equal(DECODE(DLT_EN10MB, eth_8023_llc, &pkt), RS_OK);
	assert_false(pkt.has_err);
	assert_true(pkt.link.has_mac);
	assert_int_equal(pkt.link.ethertype, 0);
	assert_false(pkt.has_ip);
	assert_int_equal(pkt.l4, RS_LAYER_NONE);
	/* LLC is decoded (STP's SAPs), as an outer layer; nothing above it. */
	assert_int_equal(pkt.n_outer, 1);
	assert_int_equal(pkt.outer[0].kind, RS_OUTER_LLC);
	assert_int_equal(pkt.outer[0].u.llc.dsap, 0x42);
	assert_false(pkt.outer[0].u.llc.snap);
	SWEEP(DLT_EN10MB, eth_8023_llc, { 14, RS_TRUNCATED, RS_LAYER_LINK },
	      { 17, RS_TRUNCATED, RS_LAYER_LLC });
}

static void arp(void **state)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct rs_packet pkt;
	(void)state;

	assert_int_equal(DECODE(DLT_EN10MB, eth_arp, &pkt), RS_OK);
	assert_false(pkt.has_err);
	assert_int_equal(pkt.link.ethertype, 0x0806);
	assert_memory_equal(pkt.link.dst, bcast, 6);
	assert_false(pkt.has_ip);
	assert_true(pkt.has_arp);
	assert_int_equal(pkt.arp.kind, RS_ARP_REQUEST);
	SWEEP(DLT_EN10MB, eth_arp, { 14, RS_TRUNCATED, RS_LAYER_LINK },
	      { 42, RS_TRUNCATED, RS_LAYER_ARP });
}

static void sll(void **state)
{
	struct rs_packet pkt;
	(void)state;

	assert_int_equal(DECODE(DLT_LINUX_SLL, sll_ip4_icmp, &pkt), RS_OK);
	assert_int_equal(pkt.link.dlt, DLT_LINUX_SLL);
	assert_true(pkt.link.has_pkttype);
	assert_int_equal(pkt.link.pkttype, 4);  /* outgoing */
	assert_true(pkt.link.has_mac);
	assert_memory_equal(pkt.link.src, mac_s, 6);
	check_icmp4(&pkt);
	SWEEP(DLT_LINUX_SLL, sll_ip4_icmp,
	      { 16, RS_TRUNCATED, RS_LAYER_LINK },
	      { 36, RS_TRUNCATED, RS_LAYER_IPV4 },
	      { 44, RS_TRUNCATED, RS_LAYER_ICMP });
}

static void sll2(void **state)
{
	struct rs_packet pkt;
	(void)state;

	assert_int_equal(DECODE(DLT_LINUX_SLL2, sll2_ip6_icmp6, &pkt), RS_OK);
	assert_true(pkt.link.has_pkttype);
	assert_int_equal(pkt.link.pkttype, 0);  /* to us */
	assert_int_equal(pkt.link.ifindex, 7);
	assert_true(pkt.link.has_mac);
	assert_memory_equal(pkt.link.src, mac_s, 6);
	check_icmp6(&pkt);
	SWEEP(DLT_LINUX_SLL2, sll2_ip6_icmp6,
	      { 20, RS_TRUNCATED, RS_LAYER_LINK },
	      { 60, RS_TRUNCATED, RS_LAYER_IPV6 },
	      { 68, RS_TRUNCATED, RS_LAYER_ICMPV6 });
}

static void null_both_orders(void **state)
{
	struct rs_packet pkt;
	(void)state;

	/* Written by a little-endian host: AF_INET = 2. */
	assert_int_equal(DECODE(DLT_NULL, null_le_ip4, &pkt), RS_OK);
	assert_int_equal(pkt.link.family, 2);
	check_icmp4(&pkt);
	/* Written by a big-endian host: AF_INET6 = 30 (Darwin). */
	assert_int_equal(DECODE(DLT_NULL, null_be_ip6, &pkt), RS_OK);
	assert_int_equal(pkt.link.family, 30);
	check_icmp6(&pkt);
	/* AF_INET6 = 24 (NetBSD/OpenBSD), little-endian. */
	assert_int_equal(DECODE(DLT_NULL, null_le_ip6_24, &pkt), RS_OK);
	assert_int_equal(pkt.link.family, 24);
	check_icmp6(&pkt);
	SWEEP(DLT_NULL, null_le_ip4,
	      { 4, RS_TRUNCATED, RS_LAYER_LINK },
	      { 24, RS_TRUNCATED, RS_LAYER_IPV4 },
	      { 32, RS_TRUNCATED, RS_LAYER_ICMP });
}

static void null_other_family(void **state)
{
	struct rs_packet pkt;
	(void)state;
	COPY(b, null_le_ip4);

	b[0] = 7;  /* not IP: the link is decoded, nothing above it */
	assert_int_equal(DECODE(DLT_NULL, b, &pkt), RS_OK);
	assert_false(pkt.has_err);
	assert_int_equal(pkt.link.family, 7);
	assert_false(pkt.has_ip);
}

static void loop(void **state)
{
	struct rs_packet pkt;
	(void)state;

	assert_int_equal(DECODE(DLT_LOOP, loop_ip4, &pkt), RS_OK);
	assert_int_equal(pkt.link.family, 2);
	check_icmp4(&pkt);
	/* The same bytes read as DLT_NULL are also AF_INET, byte-swapped. */
	assert_int_equal(DECODE(DLT_NULL, loop_ip4, &pkt), RS_OK);
	assert_int_equal(pkt.link.family, 2);
	SWEEP(DLT_LOOP, loop_ip4,
	      { 4, RS_TRUNCATED, RS_LAYER_LINK },
	      { 24, RS_TRUNCATED, RS_LAYER_IPV4 },
	      { 32, RS_TRUNCATED, RS_LAYER_ICMP });
}

static void raw(void **state)
{
	static const int raw_dlts[] = { DLT_RAW, 12, 14, 101 };
	struct rs_packet pkt;
	(void)state;

	for (size_t i = 0; i < sizeof(raw_dlts) / sizeof(raw_dlts[0]); i++) {
		assert_true(rs_dlt_supported(raw_dlts[i]));
		assert_string_equal(rs_dlt_name(raw_dlts[i]), "RAW");
		assert_int_equal(DECODE(raw_dlts[i], raw_ip4, &pkt), RS_OK);
		check_icmp4(&pkt);
		assert_int_equal(DECODE(raw_dlts[i], raw_ip6, &pkt), RS_OK);
		check_icmp6(&pkt);
	}
	assert_int_equal(DECODE(DLT_IPV4, raw_ip4, &pkt), RS_OK);
	check_icmp4(&pkt);
	assert_int_equal(DECODE(DLT_IPV6, raw_ip6, &pkt), RS_OK);
	check_icmp6(&pkt);
	/* DLT_IPV6 insists: an IPv4 packet there is a bad version. */
	assert_int_equal(DECODE(DLT_IPV6, ip4_icmp_fragneeded, &pkt), RS_INVALID);
	assert_int_equal(pkt.err.layer, RS_LAYER_IPV6);
	assert_string_equal(pkt.err.detail, "version 4");
	SWEEP(DLT_RAW, raw_ip6,
	      { 1, RS_TRUNCATED, RS_LAYER_IPV4 },
	      { 40, RS_TRUNCATED, RS_LAYER_IPV6 },
	      { 48, RS_TRUNCATED, RS_LAYER_ICMPV6 });
}

static void unsupported(void **state)
{
	struct rs_packet pkt;
	(void)state;

	/* Token Ring is one rawshake does not decode. */
	assert_false(rs_dlt_supported(DLT_IEEE802));
	assert_string_equal(rs_dlt_name(DLT_IEEE802), "unknown");
	assert_int_equal(DECODE(DLT_IEEE802, raw_ip4, &pkt), RS_UNSUPPORTED);
	assert_int_equal(pkt.err.layer, RS_LAYER_LINK);
	assert_int_equal(pkt.err.kind, RS_UNSUPPORTED);
	assert_string_equal(pkt.err.detail, "link type 6");
}

static void names(void **state)
{
	static const struct {
		int dlt;
		const char *name;
	} want[] = {
		{ DLT_EN10MB, "EN10MB" }, { DLT_LINUX_SLL, "LINUX_SLL" },
		{ DLT_LINUX_SLL2, "LINUX_SLL2" }, { DLT_IPV4, "IPV4" }, { DLT_IPV6, "IPV6" },
		{ DLT_NULL, "NULL" }, { DLT_LOOP, "LOOP" },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_true(rs_dlt_supported(want[i].dlt));
		assert_string_equal(rs_dlt_name(want[i].dlt), want[i].name);
	}
	assert_string_equal(rs_status_str(RS_OK), "ok");
	assert_string_equal(rs_status_str(RS_TRUNCATED), "truncated");
	assert_string_equal(rs_status_str(RS_INVALID), "invalid");
	assert_string_equal(rs_status_str(RS_UNSUPPORTED), "unsupported");
	assert_string_equal(rs_layer_str(RS_LAYER_LINK), "link");
	assert_string_equal(rs_layer_str(RS_LAYER_VLAN), "vlan");
	assert_string_equal(rs_layer_str(RS_LAYER_IPV4), "ip");
	assert_string_equal(rs_layer_str(RS_LAYER_IPV6), "ipv6");
	assert_string_equal(rs_layer_str(RS_LAYER_TCP), "tcp");
	assert_string_equal(rs_layer_str(RS_LAYER_UDP), "udp");
	assert_string_equal(rs_layer_str(RS_LAYER_ICMP), "icmp");
	assert_string_equal(rs_layer_str(RS_LAYER_ICMPV6), "icmpv6");
	assert_string_equal(rs_layer_str((enum rs_layer)99), "unknown");
}

static void reset_keeps_frame(void **state)
{
	struct rs_packet pkt;
	(void)state;

	memset(&pkt, 0x5a, sizeof(pkt));
	pkt.frame = 3;
	pkt.caplen = 9;
	pkt.len = 10;
	rs_packet_reset(&pkt);
	assert_int_equal(pkt.frame, 3);
	assert_int_equal(pkt.caplen, 9);
	assert_int_equal(pkt.len, 10);
	assert_false(pkt.has_ip);
	assert_false(pkt.has_err);
	assert_int_equal(pkt.l4, RS_LAYER_NONE);
	assert_null(pkt.payload);
	assert_int_equal(pkt.tcp.n_opts, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vlan),
		cmocka_unit_test(qinq),
		cmocka_unit_test(three_tags),
		cmocka_unit_test(ieee8023_length),
		cmocka_unit_test(arp),
		cmocka_unit_test(sll),
		cmocka_unit_test(sll2),
		cmocka_unit_test(null_both_orders),
		cmocka_unit_test(null_other_family),
		cmocka_unit_test(loop),
		cmocka_unit_test(raw),
		cmocka_unit_test(unsupported),
		cmocka_unit_test(names),
		cmocka_unit_test(reset_keeps_frame),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
