/* test_decode_names.c: the name tables of print_names.h. */
#include "packets.h"
#include "rawshake/print_names.h"

static void icmp_types(void **state)
{
	(void)state;
	assert_string_equal(rs_icmp_type_name(4, 8), "echo-request");
	assert_string_equal(rs_icmp_type_name(4, 0), "echo-reply");
	assert_string_equal(rs_icmp_type_name(4, 3), "dest-unreachable");
	assert_string_equal(rs_icmp_type_name(4, 11), "time-exceeded");
	assert_string_equal(rs_icmp_type_name(4, 12), "param-problem");
	assert_string_equal(rs_icmp_type_name(4, 5), "redirect");
	assert_string_equal(rs_icmp_type_name(4, 13), "timestamp");
	assert_string_equal(rs_icmp_type_name(4, 14), "timestamp-reply");
	assert_string_equal(rs_icmp_type_name(4, 4), "source-quench");
	assert_string_equal(rs_icmp_type_name(4, 9), "router-advert");
	assert_string_equal(rs_icmp_type_name(4, 10), "router-solicit");
	assert_string_equal(rs_icmp_type_name(6, 128), "echo-request");
	assert_string_equal(rs_icmp_type_name(6, 129), "echo-reply");
	assert_string_equal(rs_icmp_type_name(6, 1), "dest-unreachable");
	assert_string_equal(rs_icmp_type_name(6, 2), "packet-too-big");
	assert_string_equal(rs_icmp_type_name(6, 3), "time-exceeded");
	assert_string_equal(rs_icmp_type_name(6, 4), "param-problem");
	assert_string_equal(rs_icmp_type_name(6, 130), "mld-query");
	assert_string_equal(rs_icmp_type_name(6, 133), "router-solicit");
	assert_string_equal(rs_icmp_type_name(6, 134), "router-advert");
	assert_string_equal(rs_icmp_type_name(6, 135), "neighbor-solicit");
	assert_string_equal(rs_icmp_type_name(6, 136), "neighbor-advert");
	/* Versions do not mix: type 2 is only ICMPv6's. */
	assert_string_equal(rs_icmp_type_name(4, 2), "unknown");
	assert_string_equal(rs_icmp_type_name(6, 8), "unknown");
	assert_string_equal(rs_icmp_type_name(4, 255), "unknown");
}

static void icmp_codes(void **state)
{
	(void)state;
	assert_string_equal(rs_icmp_code_name(4, 3, 3), "port-unreachable");
	assert_string_equal(rs_icmp_code_name(4, 3, 1), "host-unreachable");
	assert_string_equal(rs_icmp_code_name(4, 3, 4), "frag-needed");
	assert_string_equal(rs_icmp_code_name(4, 3, 13), "admin-prohibited");
	assert_string_equal(rs_icmp_code_name(4, 11, 0), "ttl-exceeded");
	assert_string_equal(rs_icmp_code_name(4, 11, 1), "frag-reassembly-exceeded");
	assert_string_equal(rs_icmp_code_name(6, 1, 0), "no-route");
	assert_string_equal(rs_icmp_code_name(6, 1, 4), "port-unreachable");
	assert_string_equal(rs_icmp_code_name(6, 1, 1), "admin-prohibited");
	assert_string_equal(rs_icmp_code_name(6, 3, 0), "hop-limit-exceeded");
	assert_null(rs_icmp_code_name(4, 8, 0));
	assert_null(rs_icmp_code_name(6, 128, 0));
	assert_null(rs_icmp_code_name(4, 3, 200));
}

static void ipprotos(void **state)
{
	(void)state;
	assert_string_equal(rs_ipproto_name(6), "tcp");
	assert_string_equal(rs_ipproto_name(17), "udp");
	assert_string_equal(rs_ipproto_name(1), "icmp");
	assert_string_equal(rs_ipproto_name(58), "icmpv6");
	assert_string_equal(rs_ipproto_name(47), "gre");
	assert_string_equal(rs_ipproto_name(50), "esp");
	assert_string_equal(rs_ipproto_name(51), "ah");
	assert_string_equal(rs_ipproto_name(132), "sctp");
	assert_null(rs_ipproto_name(253));
}

static void ethertypes(void **state)
{
	(void)state;
	assert_string_equal(rs_ethertype_name(0x0806), "ARP");
	assert_string_equal(rs_ethertype_name(0x0800), "IPv4");
	assert_string_equal(rs_ethertype_name(0x86dd), "IPv6");
	assert_string_equal(rs_ethertype_name(0x8100), "VLAN");
	assert_string_equal(rs_ethertype_name(0x88a8), "QinQ");
	assert_string_equal(rs_ethertype_name(0x88cc), "LLDP");
	assert_string_equal(rs_ethertype_name(0x8847), "MPLS");
	assert_null(rs_ethertype_name(0x1234));
}

static void tcp_flags(void **state)
{
	static const char letters[] = "FSRPAUEC";
	static const char *const names[] = { "FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR" };
	(void)state;

	for (unsigned i = 0; i < 8; i++) {
		assert_int_equal(rs_tcp_flag_names[i].bit, 1u << i);
		assert_int_equal(rs_tcp_flag_names[i].letter, letters[i]);
		assert_string_equal(rs_tcp_flag_names[i].name, names[i]);
		assert_string_equal(rs_tcp_flag_name(1u << i), names[i]);
	}
	assert_int_equal(rs_tcp_flag_names[4].bit, RS_TH_ACK);
	assert_null(rs_tcp_flag_name(0));
	assert_null(rs_tcp_flag_name(RS_TH_SYN | RS_TH_ACK));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(icmp_types),
		cmocka_unit_test(icmp_codes),
		cmocka_unit_test(ipprotos),
		cmocka_unit_test(ethertypes),
		cmocka_unit_test(tcp_flags),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
