/* test_decode_tcp.c: the TCP decoder, its options and its checksum. */
#include "packets.h"

static const uint8_t mac_d[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const uint8_t mac_s[6] = { 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb };
static const uint8_t ip_s[4] = { 192, 0, 2, 1 };
static const uint8_t ip_d[4] = { 198, 51, 100, 2 };

static void syn_fields(void **state)
{
	struct rs_packet pkt;
	(void)state;

	memset(&pkt, 0xee, sizeof(pkt));
	pkt.frame = 17;
	rs_packet_set_time(&pkt, 1234, 5678, 6);
	assert_int_equal(DECODE(DLT_EN10MB, eth_ip4_tcp_syn, &pkt), RS_OK);
	assert_false(pkt.has_err);
	/* Frame and time are the caller's and stay. */
	assert_int_equal(pkt.frame, 17);
	assert_int_equal(pkt.ts_ns, 1234005678000);
	assert_int_equal(pkt.ts_sec, 1234);
	assert_int_equal(pkt.ts_frac, 5678);
	assert_int_equal(pkt.ts_digits, 6);
	assert_int_equal(pkt.caplen, 74);
	assert_int_equal(pkt.len, 74);

	assert_int_equal(pkt.link.dlt, DLT_EN10MB);
	assert_true(pkt.link.has_mac);
	assert_memory_equal(pkt.link.dst, mac_d, 6);
	assert_memory_equal(pkt.link.src, mac_s, 6);
	assert_int_equal(pkt.link.ethertype, 0x0800);
	assert_int_equal(pkt.link.nvlan, 0);

	assert_true(pkt.has_ip);
	assert_int_equal(pkt.ip.v, 4);
	assert_memory_equal(pkt.ip.src, ip_s, 4);
	assert_memory_equal(pkt.ip.dst, ip_d, 4);
	assert_int_equal(pkt.ip.proto, 6);
	assert_int_equal(pkt.ip.ttl, 64);
	assert_int_equal(pkt.ip.total_len, 60);
	assert_int_equal(pkt.ip.hdr_len, 20);
	assert_int_equal(pkt.ip.id, 0x1234);
	assert_true(pkt.ip.df);
	assert_true(pkt.ip.csum_ok);
	assert_int_equal(pkt.ip.csum, 0x3c51);
	assert_int_equal(pkt.ip.pad, 0);
	assert_false(pkt.ip.len_short);

	assert_int_equal(pkt.l4, RS_LAYER_TCP);
	assert_int_equal(pkt.tcp.sport, 40000);
	assert_int_equal(pkt.tcp.dport, 80);
	assert_int_equal(pkt.tcp.seq, 0x01020304);
	assert_int_equal(pkt.tcp.ack, 0);
	assert_int_equal(pkt.tcp.hdr_len, 40);
	assert_int_equal(pkt.tcp.flags, RS_TH_SYN);
	assert_int_equal(pkt.tcp.win, 64240);
	assert_int_equal(pkt.tcp.csum, 0x7bdb);
	assert_int_equal(pkt.tcp.urg, 0);
	assert_int_equal(pkt.tcp.payload_len, 0);
	assert_int_equal(pkt.tcp.csum_status, RS_CSUM_OK);
	assert_null(pkt.payload);
	assert_int_equal(pkt.payload_caplen, 0);

	/* mss 1460, sackOK, TS val 0x11223344 ecr 0, nop, wscale 7 */
	assert_false(pkt.tcp.opts_bad);
	assert_int_equal(pkt.tcp.n_opts, 5);
	assert_int_equal(pkt.tcp.opts[0].kind, RS_TCPOPT_MSS);
	assert_int_equal(pkt.tcp.opts[0].len, 4);
	assert_int_equal(pkt.tcp.opts[1].kind, RS_TCPOPT_SACK_PERM);
	assert_int_equal(pkt.tcp.opts[1].len, 2);
	assert_int_equal(pkt.tcp.opts[2].kind, RS_TCPOPT_TIMESTAMP);
	assert_int_equal(pkt.tcp.opts[2].len, 10);
	assert_int_equal(pkt.tcp.opts[3].kind, RS_TCPOPT_NOP);
	assert_int_equal(pkt.tcp.opts[3].len, 1);
	assert_int_equal(pkt.tcp.opts[4].kind, RS_TCPOPT_WSCALE);
	assert_int_equal(pkt.tcp.opts[4].len, 3);
	assert_true(pkt.tcp.has_mss);
	assert_int_equal(pkt.tcp.mss, 1460);
	assert_true(pkt.tcp.sack_perm);
	assert_true(pkt.tcp.has_ts);
	assert_int_equal(pkt.tcp.ts_val, 0x11223344);
	assert_int_equal(pkt.tcp.ts_ecr, 0);
	assert_true(pkt.tcp.has_wscale);
	assert_int_equal(pkt.tcp.wscale, 7);
	assert_int_equal(pkt.tcp.n_sack, 0);
}

/* One builder for every capture: a file's header (nanoseconds in tv_usec,
 * printed at the file's microseconds), a live one at either precision. */
static void from_pcap_forms(void **state)
{
	(void)state;
	struct rs_packet pkt;
	struct pcap_pkthdr h = { .ts = { 1700000000, 123456789 }, .caplen = 74, .len = 80 };
	const struct rs_pcap_form file_us = { DLT_EN10MB, 9, 6 }, file_ns = { DLT_EN10MB, 9, 9 };

	memset(&pkt, 0xee, sizeof(pkt));
	assert_int_equal(rs_packet_from_pcap(&pkt, 3, &file_us, &h, eth_ip4_tcp_syn, NULL), RS_OK);
	assert_int_equal(pkt.frame, 3);
	assert_int_equal(pkt.ts_sec, 1700000000);
	assert_int_equal(pkt.ts_frac, 123456);
	assert_int_equal(pkt.ts_digits, 6);
	assert_int_equal(pkt.ts_ns, 1700000000123456000);
	assert_int_equal(pkt.caplen, 74);
	assert_int_equal(pkt.len, 80);
	assert_int_equal(pkt.l4, RS_LAYER_TCP);

	rs_packet_from_pcap(&pkt, 4, &file_ns, &h, eth_ip4_tcp_syn, NULL);
	assert_int_equal(pkt.ts_frac, 123456789);
	assert_int_equal(pkt.ts_ns, 1700000000123456789);

	const struct rs_pcap_form live_us = { DLT_EN10MB, 6, 6 }, live_ns_shown = { DLT_EN10MB, 6, 9 };
	h.ts.tv_usec = 654321;
	rs_packet_from_pcap(&pkt, 5, &live_us, &h, eth_ip4_tcp_syn, NULL);
	assert_int_equal(pkt.ts_frac, 654321);
	assert_int_equal(pkt.ts_ns, 1700000000654321000);
	rs_packet_from_pcap(&pkt, 6, &live_ns_shown, &h, eth_ip4_tcp_syn, NULL);
	assert_int_equal(pkt.ts_frac, 654321000);
	assert_int_equal(pkt.ts_digits, 9);

	/* Seconds past 2116 are clamped in ts_ns, shown as the file has them. */
	h.ts.tv_sec = (time_t)INT64_C(9000000000);
	rs_packet_from_pcap(&pkt, 7, &live_us, &h, eth_ip4_tcp_syn, NULL);
	assert_int_equal(pkt.ts_sec, INT64_C(9000000000));
	assert_int_equal(pkt.ts_ns, rs_time_ns(INT64_MAX, 654321, 6));
}

static void syn_cuts(void **state)
{
	(void)state;
	/* The options are part of the header: every cut is a truncation. */
	SWEEP(DLT_EN10MB, eth_ip4_tcp_syn,
	      { 14, RS_TRUNCATED, RS_LAYER_LINK },
	      { 34, RS_TRUNCATED, RS_LAYER_IPV4 },
	      { 74, RS_TRUNCATED, RS_LAYER_TCP });
}

static void syn_truncated_detail(void **state)
{
	struct rs_packet pkt;
	(void)state;

	assert_int_equal(decode_cut(DLT_EN10MB, eth_ip4_tcp_syn, 46, 74, &pkt), RS_TRUNCATED);
	assert_string_equal(pkt.err.detail, "need 20 bytes, have 12");
	assert_true(pkt.ip.len_short);
	assert_int_equal(decode_cut(DLT_EN10MB, eth_ip4_tcp_syn, 60, 74, &pkt), RS_TRUNCATED);
	assert_string_equal(pkt.err.detail, "need 40 bytes, have 26");
	/* The fixed header was read before the options ran out. */
	assert_int_equal(pkt.l4, RS_LAYER_TCP);
	assert_int_equal(pkt.tcp.sport, 40000);
	assert_int_equal(pkt.tcp.n_opts, 0);
}

static void sack_fields(void **state)
{
	struct rs_packet pkt;
	(void)state;

	assert_int_equal(DECODE(DLT_EN10MB, eth_ip4_tcp_sack, &pkt), RS_OK);
	assert_int_equal(pkt.ip.total_len, 85);
	assert_int_equal(pkt.ip.id, 0x4321);
	assert_int_equal(pkt.tcp.sport, 80);
	assert_int_equal(pkt.tcp.dport, 40000);
	assert_int_equal(pkt.tcp.seq, 0x10000000);
	assert_int_equal(pkt.tcp.ack, 0x01020305);
	assert_int_equal(pkt.tcp.flags, RS_TH_PSH | RS_TH_ACK);
	assert_int_equal(pkt.tcp.hdr_len, 60);
	assert_int_equal(pkt.tcp.win, 501);
	assert_int_equal(pkt.tcp.csum, 0x7ee6);
	assert_int_equal(pkt.tcp.csum_status, RS_CSUM_OK);
	assert_int_equal(pkt.tcp.payload_len, 5);
	assert_int_equal(pkt.payload_caplen, 5);
	assert_non_null(pkt.payload);
	assert_memory_equal(pkt.payload, "hello", 5);

	/* nop, nop, TS, nop, nop, sack 2 blocks, unknown-253, eol */
	static const struct rs_tcp_opt want[] = {
		{ 1, 1 }, { 1, 1 }, { 8, 10 }, { 1, 1 }, { 1, 1 }, { 5, 18 }, { 253, 4 }, { 0, 1 },
	};
	assert_int_equal(pkt.tcp.n_opts, 8);
	for (size_t i = 0; i < 8; i++) {
		assert_int_equal(pkt.tcp.opts[i].kind, want[i].kind);
		assert_int_equal(pkt.tcp.opts[i].len, want[i].len);
	}
	assert_false(pkt.tcp.opts_bad);
	assert_true(pkt.tcp.has_ts);
	assert_int_equal(pkt.tcp.ts_val, 0xaabbccdd);
	assert_int_equal(pkt.tcp.ts_ecr, 0x11223344);
	assert_int_equal(pkt.tcp.n_sack, 2);
	assert_int_equal(pkt.tcp.sack[0][0], 1000);
	assert_int_equal(pkt.tcp.sack[0][1], 2000);
	assert_int_equal(pkt.tcp.sack[1][0], 3000);
	assert_int_equal(pkt.tcp.sack[1][1], 4000);
	assert_false(pkt.tcp.has_mss);
	assert_false(pkt.tcp.has_wscale);
	assert_false(pkt.tcp.sack_perm);
}

static void sack_cuts(void **state)
{
	(void)state;
	SWEEP(DLT_EN10MB, eth_ip4_tcp_sack,
	      { 14, RS_TRUNCATED, RS_LAYER_LINK },
	      { 34, RS_TRUNCATED, RS_LAYER_IPV4 },
	      { 94, RS_TRUNCATED, RS_LAYER_TCP });
}

/* Cut inside the payload: the header decodes, the checksum cannot be checked. */
static void sack_payload_cuts(void **state)
{
	(void)state;
	for (size_t k = 94; k < sizeof(eth_ip4_tcp_sack); k++) {
		struct rs_packet pkt;

		assert_int_equal(decode_cut(DLT_EN10MB, eth_ip4_tcp_sack, k, 99, &pkt), RS_OK);
		assert_int_equal(pkt.l4, RS_LAYER_TCP);
		assert_true(pkt.ip.len_short);
		assert_int_equal(pkt.tcp.csum_status, RS_CSUM_UNCHECKED);
		assert_int_equal(pkt.tcp.payload_len, 5);
		assert_int_equal(pkt.payload_caplen, k - 94);
		assert_int_equal(pkt.tcp.n_sack, 2);
	}
}

static void bad_checksum(void **state)
{
	struct rs_packet pkt;
	(void)state;
	COPY(b, eth_ip4_tcp_syn);

	b[14 + 20 + 15] ^= 0x01;  /* window */
	assert_int_equal(DECODE(DLT_EN10MB, b, &pkt), RS_OK);
	assert_int_equal(pkt.tcp.win, 64241);
	assert_int_equal(pkt.tcp.csum_status, RS_CSUM_BAD);
	assert_true(pkt.ip.csum_ok);
}

static void opt_len_below_two(void **state)
{
	struct rs_packet pkt;
	(void)state;

	/* nop, then kind 2 with length 1 */
	assert_int_equal(DECODE(DLT_RAW, ip4_tcp_optlen1, &pkt), RS_OK);
	assert_false(pkt.has_err);
	assert_true(pkt.tcp.opts_bad);
	assert_int_equal(pkt.tcp.n_opts, 1);
	assert_int_equal(pkt.tcp.opts[0].kind, RS_TCPOPT_NOP);
	assert_false(pkt.tcp.has_mss);
	assert_int_equal(pkt.tcp.csum_status, RS_CSUM_OK);
}

static void opt_past_header(void **state)
{
	struct rs_packet pkt;
	(void)state;

	/* nop, nop, then a timestamp of 10 bytes with 6 left in the header */
	assert_int_equal(DECODE(DLT_RAW, ip4_tcp_optpast, &pkt), RS_OK);
	assert_true(pkt.tcp.opts_bad);
	assert_int_equal(pkt.tcp.n_opts, 2);
	assert_false(pkt.tcp.has_ts);
	assert_int_equal(pkt.tcp.hdr_len, 28);
	assert_int_equal(pkt.tcp.csum_status, RS_CSUM_OK);
}

static void opt_past_header_cuts(void **state)
{
	(void)state;
	SWEEP(DLT_RAW, ip4_tcp_optpast,
	      { 20, RS_TRUNCATED, RS_LAYER_IPV4 },
	      { 48, RS_TRUNCATED, RS_LAYER_TCP });
}

static void data_offset_below_five(void **state)
{
	struct rs_packet pkt;
	(void)state;
	COPY(b, eth_ip4_tcp_syn);

	b[14 + 20 + 12] = 0x40;
	assert_int_equal(DECODE(DLT_EN10MB, b, &pkt), RS_INVALID);
	assert_true(pkt.has_err);
	assert_int_equal(pkt.err.layer, RS_LAYER_TCP);
	assert_int_equal(pkt.err.kind, RS_INVALID);
	assert_string_equal(pkt.err.detail, "data offset 4 < 5");
	/* The layers below stay decoded. */
	assert_true(pkt.has_ip);
	assert_int_equal(pkt.tcp.sport, 40000);
}

static void data_offset_beyond_segment(void **state)
{
	struct rs_packet pkt;
	(void)state;
	COPY(b, ip4_tcp_optlen1);

	b[20 + 12] = 0xf0;  /* 60-byte header in a 24-byte segment */
	assert_int_equal(DECODE(DLT_RAW, b, &pkt), RS_INVALID);
	assert_int_equal(pkt.err.layer, RS_LAYER_TCP);
	assert_string_equal(pkt.err.detail, "header length 60 > segment length 24");
}

static void ipv6_tcp(void **state)
{
	struct rs_packet pkt;
	(void)state;

	assert_int_equal(DECODE(DLT_EN10MB, eth_ip6_tcp, &pkt), RS_OK);
	assert_int_equal(pkt.ip.v, 6);
	assert_int_equal(pkt.l4, RS_LAYER_TCP);
	assert_int_equal(pkt.tcp.sport, 50000);
	assert_int_equal(pkt.tcp.dport, 22);
	assert_int_equal(pkt.tcp.seq, 0xdeadbeef);
	assert_int_equal(pkt.tcp.ack, 0xcafebabe);
	assert_int_equal(pkt.tcp.flags, RS_TH_ACK);
	assert_int_equal(pkt.tcp.csum, 0xce5f);
	assert_int_equal(pkt.tcp.csum_status, RS_CSUM_OK);
	assert_int_equal(pkt.tcp.payload_len, 3);
	assert_memory_equal(pkt.payload, "SSH", 3);
	assert_int_equal(pkt.tcp.n_opts, 0);
}

static void ipv6_tcp_cuts(void **state)
{
	(void)state;
	SWEEP(DLT_EN10MB, eth_ip6_tcp,
	      { 14, RS_TRUNCATED, RS_LAYER_LINK },
	      { 54, RS_TRUNCATED, RS_LAYER_IPV6 },
	      { 74, RS_TRUNCATED, RS_LAYER_TCP });
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(syn_fields),
		cmocka_unit_test(from_pcap_forms),
		cmocka_unit_test(syn_cuts),
		cmocka_unit_test(syn_truncated_detail),
		cmocka_unit_test(sack_fields),
		cmocka_unit_test(sack_cuts),
		cmocka_unit_test(sack_payload_cuts),
		cmocka_unit_test(bad_checksum),
		cmocka_unit_test(opt_len_below_two),
		cmocka_unit_test(opt_past_header),
		cmocka_unit_test(opt_past_header_cuts),
		cmocka_unit_test(data_offset_below_five),
		cmocka_unit_test(data_offset_beyond_segment),
		cmocka_unit_test(ipv6_tcp),
		cmocka_unit_test(ipv6_tcp_cuts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
