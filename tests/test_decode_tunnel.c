/*
 * test_decode_tunnel.c: tunnels and link types.  Every new header is cut
 * at every length (truncated at the right layer, never a read past the
 * capture under ASan); the inner headers land in pkt->ip/tcp with a good
 * checksum and the outer ones in the outer list, in wire order; depth is
 * bounded; IPv4 lengths past the frame are flagged; the IPv6 Home
 * Address option feeds the pseudo-header.
 */
#include "packets.h"

#include "rawshake/print_names.h"

#define MAX_ROWS 10

static const struct sweep_case {
	const char *name;
	int dlt;
	const uint8_t *p;
	size_t n;
	struct cut cuts[MAX_ROWS];
	size_t nc;
} cases[] = {
	{ "tun_gre", DLT_EN10MB, tun_gre, sizeof(tun_gre), { { 14, RS_TRUNCATED, RS_LAYER_LINK }, { 34, RS_TRUNCATED, RS_LAYER_IPV4 }, { 46, RS_TRUNCATED, RS_LAYER_GRE }, { 66, RS_TRUNCATED, RS_LAYER_IPV4 }, { 94, RS_TRUNCATED, RS_LAYER_TCP } }, 5 },
	{ "tun_gre_csum", DLT_EN10MB, tun_gre_csum, sizeof(tun_gre_csum), { { 14, RS_TRUNCATED, RS_LAYER_LINK }, { 34, RS_TRUNCATED, RS_LAYER_IPV4 }, { 42, RS_TRUNCATED, RS_LAYER_GRE }, { 62, RS_TRUNCATED, RS_LAYER_IPV4 }, { 82, RS_TRUNCATED, RS_LAYER_TCP } }, 5 },
	{ "tun_gre_teb", DLT_EN10MB, tun_gre_teb, sizeof(tun_gre_teb), { { 14, RS_TRUNCATED, RS_LAYER_LINK }, { 34, RS_TRUNCATED, RS_LAYER_IPV4 }, { 42, RS_TRUNCATED, RS_LAYER_GRE }, { 56, RS_TRUNCATED, RS_LAYER_LINK }, { 60, RS_TRUNCATED, RS_LAYER_VLAN }, { 100, RS_TRUNCATED, RS_LAYER_IPV6 }, { 128, RS_TRUNCATED, RS_LAYER_TCP } }, 7 },
	{ "tun_erspan1", DLT_EN10MB, tun_erspan1, sizeof(tun_erspan1), { { 14, RS_TRUNCATED, RS_LAYER_LINK }, { 34, RS_TRUNCATED, RS_LAYER_IPV4 }, { 38, RS_TRUNCATED, RS_LAYER_GRE }, { 52, RS_TRUNCATED, RS_LAYER_LINK }, { 56, RS_TRUNCATED, RS_LAYER_VLAN }, { 76, RS_TRUNCATED, RS_LAYER_IPV4 }, { 104, RS_TRUNCATED, RS_LAYER_TCP } }, 7 },
	{ "tun_erspan2", DLT_EN10MB, tun_erspan2, sizeof(tun_erspan2), { { 14, RS_TRUNCATED, RS_LAYER_LINK }, { 34, RS_TRUNCATED, RS_LAYER_IPV4 }, { 42, RS_TRUNCATED, RS_LAYER_GRE }, { 50, RS_TRUNCATED, RS_LAYER_ERSPAN }, { 64, RS_TRUNCATED, RS_LAYER_LINK }, { 68, RS_TRUNCATED, RS_LAYER_VLAN }, { 88, RS_TRUNCATED, RS_LAYER_IPV4 }, { 116, RS_TRUNCATED, RS_LAYER_TCP } }, 8 },
	{ "tun_erspan3", DLT_EN10MB, tun_erspan3, sizeof(tun_erspan3), { { 14, RS_TRUNCATED, RS_LAYER_LINK }, { 34, RS_TRUNCATED, RS_LAYER_IPV4 }, { 42, RS_TRUNCATED, RS_LAYER_GRE }, { 54, RS_TRUNCATED, RS_LAYER_ERSPAN }, { 68, RS_TRUNCATED, RS_LAYER_LINK }, { 72, RS_TRUNCATED, RS_LAYER_VLAN }, { 92, RS_TRUNCATED, RS_LAYER_IPV4 }, { 112, RS_TRUNCATED, RS_LAYER_TCP } }, 8 },
	{ "tun_erspan3_pb", DLT_EN10MB, tun_erspan3_pb, sizeof(tun_erspan3_pb), { { 14, RS_TRUNCATED, RS_LAYER_LINK }, { 34, RS_TRUNCATED, RS_LAYER_IPV4 }, { 42, RS_TRUNCATED, RS_LAYER_GRE }, { 62, RS_TRUNCATED, RS_LAYER_ERSPAN }, { 76, RS_TRUNCATED, RS_LAYER_LINK }, { 80, RS_TRUNCATED, RS_LAYER_VLAN }, { 100, RS_TRUNCATED, RS_LAYER_IPV4 }, { 120, RS_TRUNCATED, RS_LAYER_TCP } }, 8 },
	{ "tun_pptp", DLT_EN10MB, tun_pptp, sizeof(tun_pptp), { { 14, RS_TRUNCATED, RS_LAYER_LINK }, { 34, RS_TRUNCATED, RS_LAYER_IPV4 }, { 50, RS_TRUNCATED, RS_LAYER_GRE }, { 54, RS_TRUNCATED, RS_LAYER_PPP }, { 74, RS_TRUNCATED, RS_LAYER_IPV4 }, { 102, RS_TRUNCATED, RS_LAYER_TCP } }, 6 },
	{ "tun_vxlan", DLT_EN10MB, tun_vxlan, sizeof(tun_vxlan), { { 14, RS_TRUNCATED, RS_LAYER_LINK }, { 54, RS_TRUNCATED, RS_LAYER_IPV6 }, { 62, RS_TRUNCATED, RS_LAYER_UDP }, { 70, RS_TRUNCATED, RS_LAYER_VXLAN }, { 84, RS_TRUNCATED, RS_LAYER_LINK }, { 88, RS_TRUNCATED, RS_LAYER_VLAN }, { 128, RS_TRUNCATED, RS_LAYER_IPV6 }, { 156, RS_TRUNCATED, RS_LAYER_TCP } }, 8 },
	{ "tun_geneve", DLT_EN10MB, tun_geneve, sizeof(tun_geneve), { { 14, RS_TRUNCATED, RS_LAYER_LINK }, { 34, RS_TRUNCATED, RS_LAYER_IPV4 }, { 42, RS_TRUNCATED, RS_LAYER_UDP }, { 58, RS_TRUNCATED, RS_LAYER_GENEVE }, { 72, RS_TRUNCATED, RS_LAYER_LINK }, { 92, RS_TRUNCATED, RS_LAYER_IPV4 }, { 120, RS_TRUNCATED, RS_LAYER_TCP } }, 7 },
	{ "tun_gtpu", DLT_EN10MB, tun_gtpu, sizeof(tun_gtpu), { { 14, RS_TRUNCATED, RS_LAYER_LINK }, { 34, RS_TRUNCATED, RS_LAYER_IPV4 }, { 42, RS_TRUNCATED, RS_LAYER_UDP }, { 58, RS_TRUNCATED, RS_LAYER_GTP }, { 78, RS_TRUNCATED, RS_LAYER_IPV4 }, { 106, RS_TRUNCATED, RS_LAYER_TCP } }, 6 },
	{ "tun_4in4", DLT_EN10MB, tun_4in4, sizeof(tun_4in4), { { 14, RS_TRUNCATED, RS_LAYER_LINK }, { 54, RS_TRUNCATED, RS_LAYER_IPV4 }, { 82, RS_TRUNCATED, RS_LAYER_TCP } }, 3 },
	{ "tun_6in4", DLT_EN10MB, tun_6in4, sizeof(tun_6in4), { { 14, RS_TRUNCATED, RS_LAYER_LINK }, { 34, RS_TRUNCATED, RS_LAYER_IPV4 }, { 74, RS_TRUNCATED, RS_LAYER_IPV6 }, { 102, RS_TRUNCATED, RS_LAYER_TCP } }, 4 },
	{ "tun_4in6", DLT_EN10MB, tun_4in6, sizeof(tun_4in6), { { 14, RS_TRUNCATED, RS_LAYER_LINK }, { 54, RS_TRUNCATED, RS_LAYER_IPV6 }, { 74, RS_TRUNCATED, RS_LAYER_IPV4 }, { 102, RS_TRUNCATED, RS_LAYER_TCP } }, 4 },
	{ "tun_teredo", DLT_EN10MB, tun_teredo, sizeof(tun_teredo), { { 14, RS_TRUNCATED, RS_LAYER_LINK }, { 34, RS_TRUNCATED, RS_LAYER_IPV4 }, { 42, RS_TRUNCATED, RS_LAYER_UDP }, { 63, RS_TRUNCATED, RS_LAYER_TEREDO }, { 103, RS_TRUNCATED, RS_LAYER_IPV6 }, { 131, RS_TRUNCATED, RS_LAYER_TCP } }, 6 },
	{ "tun_ayiya", DLT_EN10MB, tun_ayiya, sizeof(tun_ayiya), { { 14, RS_TRUNCATED, RS_LAYER_LINK }, { 34, RS_TRUNCATED, RS_LAYER_IPV4 }, { 42, RS_TRUNCATED, RS_LAYER_UDP }, { 86, RS_TRUNCATED, RS_LAYER_AYIYA }, { 126, RS_TRUNCATED, RS_LAYER_IPV6 }, { 154, RS_TRUNCATED, RS_LAYER_TCP } }, 6 },
	{ "tun_mpls", DLT_EN10MB, tun_mpls, sizeof(tun_mpls), { { 14, RS_TRUNCATED, RS_LAYER_LINK }, { 23, RS_TRUNCATED, RS_LAYER_MPLS }, { 42, RS_TRUNCATED, RS_LAYER_IPV4 }, { 70, RS_TRUNCATED, RS_LAYER_TCP } }, 4 },
	{ "tun_mpls_pw", DLT_EN10MB, tun_mpls_pw, sizeof(tun_mpls_pw), { { 14, RS_TRUNCATED, RS_LAYER_LINK }, { 26, RS_TRUNCATED, RS_LAYER_MPLS }, { 40, RS_TRUNCATED, RS_LAYER_LINK }, { 60, RS_TRUNCATED, RS_LAYER_IPV4 }, { 88, RS_TRUNCATED, RS_LAYER_TCP } }, 5 },
	{ "tun_pppoe", DLT_EN10MB, tun_pppoe, sizeof(tun_pppoe), { { 14, RS_TRUNCATED, RS_LAYER_LINK }, { 22, RS_TRUNCATED, RS_LAYER_PPPOE }, { 42, RS_TRUNCATED, RS_LAYER_IPV4 }, { 70, RS_TRUNCATED, RS_LAYER_TCP } }, 4 },
	{ "tun_pbb", DLT_EN10MB, tun_pbb, sizeof(tun_pbb), { { 14, RS_TRUNCATED, RS_LAYER_LINK }, { 18, RS_TRUNCATED, RS_LAYER_VLAN }, { 22, RS_TRUNCATED, RS_LAYER_PBB }, { 36, RS_TRUNCATED, RS_LAYER_LINK }, { 40, RS_TRUNCATED, RS_LAYER_VLAN }, { 60, RS_TRUNCATED, RS_LAYER_IPV4 }, { 88, RS_TRUNCATED, RS_LAYER_TCP } }, 7 },
	{ "tun_llc", DLT_EN10MB, tun_llc, sizeof(tun_llc), { { 14, RS_TRUNCATED, RS_LAYER_LINK }, { 22, RS_TRUNCATED, RS_LAYER_LLC }, { 42, RS_TRUNCATED, RS_LAYER_IPV4 }, { 70, RS_TRUNCATED, RS_LAYER_TCP } }, 4 },
	{ "tun_vntag", DLT_EN10MB, tun_vntag, sizeof(tun_vntag), { { 14, RS_TRUNCATED, RS_LAYER_LINK }, { 20, RS_TRUNCATED, RS_LAYER_VNTAG }, { 40, RS_TRUNCATED, RS_LAYER_IPV4 }, { 68, RS_TRUNCATED, RS_LAYER_TCP } }, 4 },
	{ "tun_fabricpath", DLT_EN10MB, tun_fabricpath, sizeof(tun_fabricpath), { { 14, RS_TRUNCATED, RS_LAYER_LINK }, { 16, RS_TRUNCATED, RS_LAYER_FABRICPATH }, { 30, RS_TRUNCATED, RS_LAYER_LINK }, { 50, RS_TRUNCATED, RS_LAYER_IPV4 }, { 78, RS_TRUNCATED, RS_LAYER_TCP } }, 5 },
	{ "tun_home", DLT_EN10MB, tun_home, sizeof(tun_home), { { 14, RS_TRUNCATED, RS_LAYER_LINK }, { 78, RS_TRUNCATED, RS_LAYER_IPV6 }, { 106, RS_TRUNCATED, RS_LAYER_TCP } }, 3 },
	{ "link_ppp", DLT_PPP, link_ppp, sizeof(link_ppp), { { 4, RS_TRUNCATED, RS_LAYER_LINK }, { 24, RS_TRUNCATED, RS_LAYER_IPV4 }, { 52, RS_TRUNCATED, RS_LAYER_TCP } }, 3 },
	{ "link_ppp_pfc", DLT_PPP, link_ppp_pfc, sizeof(link_ppp_pfc), { { 1, RS_TRUNCATED, RS_LAYER_LINK }, { 21, RS_TRUNCATED, RS_LAYER_IPV4 }, { 49, RS_TRUNCATED, RS_LAYER_TCP } }, 3 },
	{ "link_ppp_hdlc", DLT_PPP_SERIAL, link_ppp_hdlc, sizeof(link_ppp_hdlc), { { 4, RS_TRUNCATED, RS_LAYER_LINK }, { 44, RS_TRUNCATED, RS_LAYER_IPV6 }, { 72, RS_TRUNCATED, RS_LAYER_TCP } }, 3 },
	{ "link_chdlc", DLT_C_HDLC, link_chdlc, sizeof(link_chdlc), { { 4, RS_TRUNCATED, RS_LAYER_LINK }, { 24, RS_TRUNCATED, RS_LAYER_IPV4 }, { 52, RS_TRUNCATED, RS_LAYER_TCP } }, 3 },
	{ "link_fddi", DLT_FDDI, link_fddi, sizeof(link_fddi), { { 13, RS_TRUNCATED, RS_LAYER_LINK }, { 21, RS_TRUNCATED, RS_LAYER_LLC }, { 41, RS_TRUNCATED, RS_LAYER_IPV4 }, { 69, RS_TRUNCATED, RS_LAYER_TCP } }, 4 },
	{ "link_nflog", DLT_NFLOG, link_nflog, sizeof(link_nflog), { { 32, RS_TRUNCATED, RS_LAYER_LINK }, { 52, RS_TRUNCATED, RS_LAYER_IPV4 }, { 80, RS_TRUNCATED, RS_LAYER_TCP } }, 3 },
	{ "link_wlan", DLT_IEEE802_11, link_wlan, sizeof(link_wlan), { { 24, RS_TRUNCATED, RS_LAYER_WLAN }, { 32, RS_TRUNCATED, RS_LAYER_LLC }, { 52, RS_TRUNCATED, RS_LAYER_IPV4 }, { 80, RS_TRUNCATED, RS_LAYER_TCP } }, 4 },
	{ "link_radiotap", DLT_IEEE802_11_RADIO, link_radiotap, sizeof(link_radiotap), { { 8, RS_TRUNCATED, RS_LAYER_LINK }, { 34, RS_TRUNCATED, RS_LAYER_WLAN }, { 42, RS_TRUNCATED, RS_LAYER_LLC }, { 62, RS_TRUNCATED, RS_LAYER_IPV4 }, { 82, RS_TRUNCATED, RS_LAYER_TCP } }, 5 },
	{ "link_ppi", DLT_PPI, link_ppi, sizeof(link_ppi), { { 8, RS_TRUNCATED, RS_LAYER_LINK }, { 34, RS_TRUNCATED, RS_LAYER_WLAN }, { 42, RS_TRUNCATED, RS_LAYER_LLC }, { 82, RS_TRUNCATED, RS_LAYER_IPV6 }, { 110, RS_TRUNCATED, RS_LAYER_TCP } }, 5 },
	{ "link_ipoib", DLT_IPOIB, link_ipoib, sizeof(link_ipoib), { { 44, RS_TRUNCATED, RS_LAYER_LINK }, { 64, RS_TRUNCATED, RS_LAYER_IPV4 }, { 92, RS_TRUNCATED, RS_LAYER_TCP } }, 3 },
	{ "link_frelay", DLT_FRELAY, link_frelay, sizeof(link_frelay), { { 4, RS_TRUNCATED, RS_LAYER_LINK }, { 24, RS_TRUNCATED, RS_LAYER_IPV4 }, { 52, RS_TRUNCATED, RS_LAYER_TCP } }, 3 },
	{ "link_frelay_cisco", DLT_FRELAY, link_frelay_cisco, sizeof(link_frelay_cisco), { { 4, RS_TRUNCATED, RS_LAYER_LINK }, { 24, RS_TRUNCATED, RS_LAYER_IPV4 }, { 52, RS_TRUNCATED, RS_LAYER_TCP } }, 3 },
	{ "link_slip", DLT_SLIP, link_slip, sizeof(link_slip), { { 16, RS_TRUNCATED, RS_LAYER_LINK }, { 36, RS_TRUNCATED, RS_LAYER_IPV4 }, { 64, RS_TRUNCATED, RS_LAYER_TCP } }, 3 },
	{ "link_arcnet", DLT_ARCNET, link_arcnet, sizeof(link_arcnet), { { 6, RS_TRUNCATED, RS_LAYER_LINK }, { 26, RS_TRUNCATED, RS_LAYER_IPV4 }, { 54, RS_TRUNCATED, RS_LAYER_TCP } }, 3 },
	{ "link_arcnet_linux", DLT_ARCNET_LINUX, link_arcnet_linux, sizeof(link_arcnet_linux), { { 8, RS_TRUNCATED, RS_LAYER_LINK }, { 28, RS_TRUNCATED, RS_LAYER_IPV4 }, { 56, RS_TRUNCATED, RS_LAYER_TCP } }, 3 },
	{ "link_juniper", DLT_JUNIPER_ETHER, link_juniper, sizeof(link_juniper), { { 26, RS_TRUNCATED, RS_LAYER_LINK }, { 46, RS_TRUNCATED, RS_LAYER_IPV4 }, { 74, RS_TRUNCATED, RS_LAYER_TCP } }, 3 },
};

static void test_cuts(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("%s\n", cases[i].name);
		sweep_cuts(cases[i].dlt, cases[i].p, cases[i].n, cases[i].cuts, cases[i].nc);
	}
}

/* Whole, each decodes to its inner TCP header with a checksum that
 * verifies against the inner pseudo-header. */
static void test_whole_inner_tcp(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rs_packet pkt;
		enum rs_status st = rs_decode(cases[i].dlt, cases[i].p, cases[i].n, cases[i].n, &pkt);

		print_message("%s\n", cases[i].name);
		assert_int_equal(st, RS_OK);
		assert_true(pkt.has_ip);
		assert_int_equal(pkt.l4, RS_LAYER_TCP);
		assert_int_equal(pkt.tcp.csum_status, RS_CSUM_OK);
		assert_true(pkt.tcp.sport == 40000 || pkt.tcp.dport == 40000 ||
			    pkt.tcp.dport == 40002 || pkt.tcp.sport == 40002 ||
			    pkt.tcp.sport == 40001);
		assert_true(pkt.n_before_ip == pkt.n_outer);
		if (pkt.ip.v == 4) {
			assert_true(pkt.ip.csum_checked);
			assert_true(pkt.ip.csum_ok);
			assert_int_equal(pkt.ip.src[0], 192);
		} else {
			assert_int_equal(pkt.ip.src[0], 0x20);
		}
	}
}

static void expect_kinds(const struct rs_packet *pkt, const uint8_t *kinds, size_t n)
{
	assert_int_equal(pkt->n_outer, n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(pkt->outer[i].kind, kinds[i]);
}

static void test_vxlan_nested(void **state)
{
	struct rs_packet pkt;
	static const uint8_t k[] = { RS_OUTER_IP, RS_OUTER_UDP, RS_OUTER_VXLAN, RS_OUTER_ETH,
				     RS_OUTER_VLAN };
	(void)state;
	assert_int_equal(DECODE(DLT_EN10MB, tun_vxlan, &pkt), RS_OK);
	expect_kinds(&pkt, k, sizeof(k));
	assert_int_equal(pkt.outer[0].u.ip.v, 6);
	assert_int_equal(pkt.outer[0].u.ip.proto, 17);
	assert_int_equal(pkt.outer[1].u.udp.dport, 4789);
	assert_int_equal(pkt.outer[2].u.vxlan.vni, 42);
	assert_int_equal(pkt.outer[4].u.vlan.tci & 0xfff, 10);
	assert_int_equal(pkt.ip.v, 6);
	assert_int_equal(pkt.tcp.dport, 80);
	/* The link is the outer Ethernet, untouched. */
	assert_int_equal(pkt.link.ethertype, 0x86dd);
	assert_int_equal(pkt.link.nvlan, 0);
}

static void test_gre_fields(void **state)
{
	struct rs_packet pkt;
	static const uint8_t k[] = { RS_OUTER_IP, RS_OUTER_GRE };
	(void)state;
	assert_int_equal(DECODE(DLT_EN10MB, tun_gre, &pkt), RS_OK);
	expect_kinds(&pkt, k, sizeof(k));
	assert_true(pkt.outer[1].u.gre.has_key);
	assert_int_equal(pkt.outer[1].u.gre.key, 7);
	assert_true(pkt.outer[1].u.gre.has_seq);
	assert_int_equal(pkt.outer[1].u.gre.seq, 1);
	assert_int_equal(pkt.outer[1].u.gre.proto, 0x0800);
	assert_memory_equal(pkt.outer[0].u.ip.src, "\xc6\x33\x64\x01", 4);

	/* A version 2 header is invalid, not decoded further. */
	COPY(v2, tun_gre);
	v2[34 + 1] |= 2;
	assert_int_equal(DECODE(DLT_EN10MB, v2, &pkt), RS_INVALID);
	assert_int_equal(pkt.err.layer, RS_LAYER_GRE);
	/* The outer IP stays pkt->ip when the tunnel fails. */
	assert_true(pkt.has_ip);
	assert_int_equal(pkt.ip.proto, 47);
}

static void test_pptp_erspan(void **state)
{
	struct rs_packet pkt;
	(void)state;
	assert_int_equal(DECODE(DLT_EN10MB, tun_pptp, &pkt), RS_OK);
	assert_int_equal(pkt.outer[1].u.gre.ver, 1);
	assert_true(pkt.outer[1].u.gre.has_ack);
	assert_int_equal(pkt.outer[2].kind, RS_OUTER_PPP);
	assert_int_equal(pkt.outer[2].u.ppp.proto, 0x0021);

	assert_int_equal(DECODE(DLT_EN10MB, tun_erspan2, &pkt), RS_OK);
	assert_int_equal(pkt.outer[2].kind, RS_OUTER_ERSPAN);
	assert_int_equal(pkt.outer[2].u.erspan.type, 2);
	assert_int_equal(pkt.outer[2].u.erspan.session, 5);
	assert_int_equal(DECODE(DLT_EN10MB, tun_erspan3_pb, &pkt), RS_OK);
	assert_int_equal(pkt.outer[2].u.erspan.type, 3);
	assert_int_equal(DECODE(DLT_EN10MB, tun_erspan1, &pkt), RS_OK);
	assert_int_equal(pkt.outer[2].u.erspan.type, 1);
}

static void test_udp_tunnels(void **state)
{
	struct rs_packet pkt;
	(void)state;
	assert_int_equal(DECODE(DLT_EN10MB, tun_geneve, &pkt), RS_OK);
	assert_int_equal(pkt.outer[2].kind, RS_OUTER_GENEVE);
	assert_int_equal(pkt.outer[2].u.geneve.vni, 1234);
	assert_int_equal(pkt.outer[2].u.geneve.opt_len, 8);

	assert_int_equal(DECODE(DLT_EN10MB, tun_gtpu, &pkt), RS_OK);
	assert_int_equal(pkt.outer[2].kind, RS_OUTER_GTP);
	assert_int_equal(pkt.outer[2].u.gtp.teid, 0x1000);
	assert_int_equal(pkt.outer[2].u.gtp.n_ext, 1);
	assert_int_equal(pkt.outer[2].u.gtp.msg_type, 0xff);

	assert_int_equal(DECODE(DLT_EN10MB, tun_teredo, &pkt), RS_OK);
	assert_int_equal(pkt.outer[2].kind, RS_OUTER_TEREDO);
	assert_true(pkt.outer[2].u.teredo.has_auth);
	assert_true(pkt.outer[2].u.teredo.has_origin);
	assert_int_equal(pkt.outer[2].u.teredo.port, 40000);
	assert_memory_equal(pkt.outer[2].u.teredo.addr, "\xcb\x00\x71\x07", 4);

	assert_int_equal(DECODE(DLT_EN10MB, tun_ayiya, &pkt), RS_OK);
	assert_int_equal(pkt.outer[2].kind, RS_OUTER_AYIYA);
	assert_int_equal(pkt.outer[2].u.ayiya.id_len, 16);
	assert_int_equal(pkt.outer[2].u.ayiya.next, 41);

	/* A GTP-U header of another version is invalid. */
	COPY(g2, tun_gtpu);
	g2[42] = 0x54;
	assert_int_equal(DECODE(DLT_EN10MB, g2, &pkt), RS_INVALID);
	assert_int_equal(pkt.err.layer, RS_LAYER_GTP);
	/* The UDP datagram stays the transport when its tunnel fails. */
	assert_int_equal(pkt.l4, RS_LAYER_UDP);
}

static void test_l2_encaps(void **state)
{
	struct rs_packet pkt;
	(void)state;
	assert_int_equal(DECODE(DLT_EN10MB, tun_mpls, &pkt), RS_OK);
	assert_int_equal(pkt.outer[0].kind, RS_OUTER_MPLS);
	assert_int_equal(pkt.outer[0].u.mpls.n, 2);
	assert_int_equal(pkt.outer[0].u.mpls.entry[0] >> 12, 100);
	assert_int_equal(pkt.outer[0].u.mpls.entry[1] >> 12, 16);
	assert_true(pkt.outer[0].u.mpls.entry[1] & 0x100);
	assert_int_equal(DECODE(DLT_EN10MB, tun_mpls_pw, &pkt), RS_OK);
	assert_true(pkt.outer[0].u.mpls.cw);
	assert_int_equal(pkt.outer[1].kind, RS_OUTER_ETH);

	assert_int_equal(DECODE(DLT_EN10MB, tun_pppoe, &pkt), RS_OK);
	assert_int_equal(pkt.outer[0].u.pppoe.session, 0x1234);
	assert_int_equal(pkt.outer[0].u.pppoe.ppp_proto, 0x0021);

	assert_int_equal(DECODE(DLT_EN10MB, tun_pbb, &pkt), RS_OK);
	assert_int_equal(pkt.link.nvlan, 1);
	assert_int_equal(pkt.outer[0].kind, RS_OUTER_PBB);
	assert_int_equal(pkt.outer[0].u.pbb.isid, 256);
	assert_int_equal(pkt.outer[2].u.vlan.tci & 0xfff, 30);

	assert_int_equal(DECODE(DLT_EN10MB, tun_llc, &pkt), RS_OK);
	assert_int_equal(pkt.outer[0].kind, RS_OUTER_LLC);
	assert_true(pkt.outer[0].u.llc.snap);
	assert_int_equal(pkt.link.ethertype, 0x0800);

	assert_int_equal(DECODE(DLT_EN10MB, tun_vntag, &pkt), RS_OK);
	assert_int_equal(pkt.outer[0].u.vntag.dvif, 5);
	assert_int_equal(pkt.outer[0].u.vntag.svif, 3);

	assert_int_equal(DECODE(DLT_EN10MB, tun_fabricpath, &pkt), RS_OK);
	assert_int_equal(pkt.outer[0].kind, RS_OUTER_FABRICPATH);
	assert_int_equal(pkt.outer[0].u.fp.src_sw, 100);
	assert_int_equal(pkt.outer[0].u.fp.dst_sw, 200);
	assert_int_equal(pkt.outer[0].u.fp.ftag, 1);
	assert_int_equal(pkt.outer[0].u.fp.ttl, 32);
	/* The FCS after the IP packet is padding, not payload. */
	assert_int_equal(pkt.ip.pad, 4);
}

/* IP in IP five deep: each level an IP entry; deeper than RS_MAX_OUTER
 * is refused with "nesting deeper than 8 layers", no layer named. */
static void test_depth_bound(void **state)
{
	uint8_t buf[14 + 10 * 20 + 28];
	struct rs_packet pkt;
	size_t n;
	(void)state;

	for (int depth = 1; depth <= 10; depth++) {
		memcpy(buf, tun_4in4, 14);
		n = 14;
		for (int k = 0; k < depth; k++) {
			memcpy(buf + n, tun_4in4 + 14, 20);
			buf[n + 9] = k + 1 < depth ? 4 : 6;
			uint16_t tl = (uint16_t)(20 * (depth - k) + 28);
			buf[n + 2] = (uint8_t)(tl >> 8);
			buf[n + 3] = (uint8_t)tl;
			n += 20;
		}
		memcpy(buf + n, tun_4in4 + 54, 28);
		n += 28;
		enum rs_status st = rs_decode(DLT_EN10MB, buf, n, n, &pkt);
		if (depth - 1 <= RS_MAX_OUTER) {
			assert_int_equal(st, RS_OK);
			assert_int_equal(pkt.n_outer, depth - 1);
			assert_int_equal(pkt.l4, RS_LAYER_TCP);
		} else {
			assert_int_equal(st, RS_UNSUPPORTED);
			assert_int_equal(pkt.err.layer, RS_LAYER_NONE);
			assert_string_equal(pkt.err.detail, "nesting deeper than 8 layers");
			assert_true(pkt.n_outer <= RS_MAX_OUTER);
		}
	}
}

/* An IPv4 total length past the frame (caplen = len) is flagged, the
 * payload counts the bytes present, the checksum is not claimed. */
static void test_ipv4_length_lie(void **state)
{
	struct rs_packet pkt;
	(void)state;
	COPY(liar, eth_ip4_tcp_syn);
	/* 60 -> 68, header checksum fixed by hand: 0x3c51 - 8. */
	liar[17] = 0x44;
	liar[24] = 0x3c;
	liar[25] = 0x49;
	assert_int_equal(DECODE(DLT_EN10MB, liar, &pkt), RS_OK);
	assert_true(pkt.ip.csum_ok);
	assert_int_equal(pkt.ip.missing, 8);
	assert_int_equal(pkt.ip.total_len, 68);
	assert_int_equal(pkt.l4, RS_LAYER_TCP);
	assert_int_equal(pkt.tcp.payload_len, 0);
	assert_int_equal(pkt.tcp.csum_status, RS_CSUM_UNCHECKED);
	/* Cut by the snaplen instead (wire length says 68): not flagged. */
	assert_int_equal(rs_decode(DLT_EN10MB, liar, sizeof(liar), sizeof(liar) + 8, &pkt), RS_OK);
	assert_int_equal(pkt.ip.missing, 0);

	/* A header whose options are not all there: no checksum claimed. */
	COPY(cut, eth_ip4_tcp_syn);
	cut[14] = 0x4f;
	assert_int_equal(rs_decode(DLT_EN10MB, cut, 40, 40, &pkt), RS_TRUNCATED);
	assert_true(pkt.has_ip);
	assert_false(pkt.ip.csum_checked);
	assert_int_equal(pkt.ip.total_len, 60);
}

static void test_home_address(void **state)
{
	struct rs_packet pkt;
	(void)state;
	assert_int_equal(DECODE(DLT_EN10MB, tun_home, &pkt), RS_OK);
	assert_true(pkt.ip.has_home);
	assert_int_equal(pkt.ip.home[15], 0x00);
	assert_int_equal(pkt.ip.home[14], 0x01);
	assert_int_equal(pkt.tcp.csum_status, RS_CSUM_OK);
	/* Another option type than 201 is not a home address: the checksum
	 * over the care-of address is then wrong. */
	COPY(other, tun_home);
	other[14 + 40 + 6] = 0xca;
	assert_int_equal(DECODE(DLT_EN10MB, other, &pkt), RS_OK);
	assert_false(pkt.ip.has_home);
	assert_int_equal(pkt.tcp.csum_status, RS_CSUM_BAD);
}

static void test_wlan_named(void **state)
{
	static const uint8_t beacon[] = { 0, 0, 8, 0, 0, 0, 0, 0, 0x80, 0x00, 0, 0,
					  0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t ack[] = { 0xd4, 0x00, 0x00, 0x00, 2, 0, 0, 0, 0, 1 };
	struct rs_packet pkt;
	(void)state;
	assert_int_equal(DECODE(DLT_IEEE802_11_RADIO, beacon, &pkt), RS_OK);
	assert_true(pkt.link.has_wlan);
	assert_int_equal(pkt.link.wlan_type, 0);
	assert_string_equal(rs_wlan_frame_name(pkt.link.wlan_type, pkt.link.wlan_subtype), "beacon");
	assert_false(pkt.has_ip);
	assert_int_equal(DECODE(DLT_IEEE802_11, ack, &pkt), RS_OK);
	assert_string_equal(rs_wlan_frame_name(pkt.link.wlan_type, pkt.link.wlan_subtype), "ack");
	/* Protected data frames are encrypted: link only. */
	COPY(prot, link_wlan);
	prot[1] |= 0x40;
	assert_int_equal(DECODE(DLT_IEEE802_11, prot, &pkt), RS_OK);
	assert_false(pkt.has_ip);
	assert_true(pkt.link.has_mac);
}

static void test_dlt_table(void **state)
{
	(void)state;
	assert_true(rs_dlt_count() > 20);
	for (size_t i = 0; i < rs_dlt_count(); i++) {
		int d = rs_dlt_at(i);
		assert_true(rs_dlt_supported(d));
		assert_string_not_equal(rs_dlt_name(d), "unknown");
	}
	assert_int_equal(rs_dlt_at(rs_dlt_count()), -1);
	assert_string_equal(rs_dlt_name(DLT_NFLOG), "NFLOG");
	assert_string_equal(rs_dlt_name(DLT_IEEE802_11_RADIO), "IEEE802_11_RADIO");
	assert_false(rs_dlt_supported(DLT_IEEE802));  /* token ring: refused */
	struct rs_packet pkt;
	uint8_t b[4] = { 0 };
	assert_int_equal(DECODE(DLT_IEEE802, b, &pkt), RS_UNSUPPORTED);
	assert_int_equal(pkt.err.layer, RS_LAYER_LINK);
	assert_string_equal(rs_outer_kind_str(RS_OUTER_VXLAN), "vxlan");
	assert_string_equal(rs_layer_str(RS_LAYER_GENEVE), "geneve");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cuts),
		cmocka_unit_test(test_whole_inner_tcp),
		cmocka_unit_test(test_vxlan_nested),
		cmocka_unit_test(test_gre_fields),
		cmocka_unit_test(test_pptp_erspan),
		cmocka_unit_test(test_udp_tunnels),
		cmocka_unit_test(test_l2_encaps),
		cmocka_unit_test(test_depth_bound),
		cmocka_unit_test(test_ipv4_length_lie),
		cmocka_unit_test(test_home_address),
		cmocka_unit_test(test_wlan_named),
		cmocka_unit_test(test_dlt_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
