/* test_scan.c: the scan's port-list parser, the verdict of each kind of reply (built with libnet, decoded as captured) and the lines printed for them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <pcap/pcap.h>

#include "rawshake/craft.h"
#include "rawshake/craft_opts.h"
#include "rawshake/scan.h"

static struct rs_scan_ports ports;

static bool parse(const char *s, char *err, size_t errlen)
{
	memset(&ports, 0, sizeof(ports));
	return rs_scan_ports_parse(s, &ports, err, errlen);
}

static void test_ports_lists(void **state)
{
	char err[160];
	uint16_t list[16];
	(void)state;

	assert_true(parse("80", err, sizeof(err)));
	assert_int_equal(ports.n, 1);
	assert_true(rs_scan_ports_has(&ports, 80));
	assert_false(rs_scan_ports_has(&ports, 81));

	assert_true(parse("1-1024,8080", err, sizeof(err)));
	assert_int_equal(ports.n, 1025);
	assert_true(rs_scan_ports_has(&ports, 1) && rs_scan_ports_has(&ports, 1024) &&
		    rs_scan_ports_has(&ports, 8080));
	assert_false(rs_scan_ports_has(&ports, 1025));

	/* Repeats and overlaps count once; the list comes out ascending. */
	assert_true(parse("443,22,20-23,22", err, sizeof(err)));
	assert_int_equal(ports.n, 5);
	assert_int_equal(rs_scan_ports_list(&ports, list), 5);
	assert_int_equal(list[0], 20);
	assert_int_equal(list[3], 23);
	assert_int_equal(list[4], 443);

	/* nmap's open ranges. */
	assert_true(parse("-", err, sizeof(err)));
	assert_int_equal(ports.n, 65535);
	assert_true(parse("65530-", err, sizeof(err)));
	assert_int_equal(ports.n, 6);
	assert_true(parse("-3", err, sizeof(err)));
	assert_int_equal(ports.n, 3);
	assert_true(parse("65535", err, sizeof(err)));
	assert_int_equal(ports.n, 1);
}

static void bad(const char *s, const char *part)
{
	char err[160] = "";
	if (parse(s, err, sizeof(err)) || !strstr(err, part))
		fail_msg("'%s': accepted or message '%s' (want '%s')", s, err, part);
}

static void test_ports_refused(void **state)
{
	(void)state;
	bad("0", "'0' is not a port");
	bad("65536", "'65536' is not a port");
	bad("80,", "an empty item");
	bad(",80", "an empty item");
	bad("", "an empty item");
	bad("100-90", "'100-90' runs backwards");
	bad("http", "'http' is not a port");
	bad("1-2-3", "is not a port");
	bad("80 ", "is not a port");
	bad("99999999999", "is not a port");
}

/* ---- replies ------------------------------------------------------------ */

static struct rs_crafter crafter;
static struct rs_packet pkt;
static struct rs_scan_probe_id id4, id6;

static int setup(void **state)
{
	char err[64];
	uint8_t v;
	(void)state;
	if (!rs_crafter_init(&crafter))
		return -1;
	memset(&id4, 0, sizeof(id4));
	rs_parse_addr("192.0.2.10", &v, id4.src, err, sizeof(err));
	rs_parse_addr("192.0.2.20", &v, id4.dst, err, sizeof(err));
	id4.v = 4;
	id4.sport = 40000;
	id4.seq_base = 0xfffffff0u;   /* the sequence numbers wrap */
	id6 = id4;
	id6.v = 6;
	rs_parse_addr("2001:db8::10", &v, id6.src, err, sizeof(err));
	rs_parse_addr("2001:db8::20", &v, id6.dst, err, sizeof(err));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	rs_crafter_free(&crafter);
	return 0;
}

/* Builds s, decodes it as a raw-IP capture would hand it over. */
static const struct rs_packet *wire(const struct rs_craft_spec *s)
{
	struct pcap_pkthdr h;
	const struct rs_pcap_form form = { DLT_RAW, 9, 9 };
	assert_true(rs_craft_build(&crafter, s));
	memset(&h, 0, sizeof(h));
	h.caplen = h.len = (bpf_u_int32)crafter.len;
	memset(&pkt, 0, sizeof(pkt));
	rs_packet_from_pcap(&pkt, 1, &form, &h, crafter.pkt, NULL);
	return &pkt;
}

/* A TCP segment from the scanned host to our port, as an answer to port. */
static const struct rs_packet *answer(const struct rs_scan_probe_id *id, uint16_t port, uint8_t flags,
				      uint32_t ack)
{
	struct rs_craft_spec s;
	rs_craft_spec_init(&s);
	s.proto = RS_CRAFT_TCP;
	s.v = id->v;
	memcpy(s.src, id->dst, 16);
	memcpy(s.dst, id->src, 16);
	s.sport = port;
	s.dport = id->sport;
	s.flags = flags;
	s.seq = 12345;
	s.ack = ack;
	return wire(&s);
}

static void test_classify_tcp(void **state)
{
	struct rs_scan_verdict vd;
	(void)state;

	for (int f = 0; f < 2; f++) {
		const struct rs_scan_probe_id *id = f ? &id6 : &id4;
		uint32_t ack = rs_scan_seq(id->seq_base, 80) + 1;
		assert_true(rs_scan_classify(answer(id, 80, RS_TH_SYN | RS_TH_ACK, ack), id, &vd));
		assert_int_equal(vd.state, RS_SCAN_OPEN);
		assert_int_equal(vd.reason, RS_SCAN_R_SYN_ACK);
		assert_int_equal(vd.port, 80);
		assert_memory_equal(vd.from, id->dst, id->v == 4 ? 4 : 16);

		assert_true(rs_scan_classify(answer(id, 80, RS_TH_RST | RS_TH_ACK, ack), id, &vd));
		assert_int_equal(vd.state, RS_SCAN_CLOSED);
		assert_int_equal(vd.reason, RS_SCAN_R_RST);
		/* A RST without ACK carries nothing to check. */
		assert_true(rs_scan_classify(answer(id, 80, RS_TH_RST, 0), id, &vd));
		assert_int_equal(vd.state, RS_SCAN_CLOSED);

		/* The ACK of another port's probe, or of none: not ours. */
		uint32_t other = rs_scan_seq(id->seq_base, 81) + 1;
		assert_false(rs_scan_classify(answer(id, 80, RS_TH_SYN | RS_TH_ACK, other), id, &vd));
		assert_false(rs_scan_classify(answer(id, 80, RS_TH_RST | RS_TH_ACK, ack + 1), id, &vd));
		/* Not a verdict: a bare ACK, a SYN-ACK to another port of ours. */
		assert_false(rs_scan_classify(answer(id, 80, RS_TH_ACK, ack), id, &vd));
		struct rs_scan_probe_id moved = *id;
		moved.sport = 40001;
		assert_false(rs_scan_classify(answer(id, 80, RS_TH_SYN | RS_TH_ACK, ack), &moved, &vd));
		/* From another host. */
		moved = *id;
		moved.dst[3] ^= 1;
		moved.dst[15] ^= 1;
		assert_false(rs_scan_classify(answer(id, 80, RS_TH_SYN | RS_TH_ACK, ack), &moved, &vd));
	}
	/* The family of the reply must be the scan's. */
	uint32_t ack = rs_scan_seq(id4.seq_base, 80) + 1;
	assert_false(rs_scan_classify(answer(&id4, 80, RS_TH_SYN | RS_TH_ACK, ack), &id6, &vd));
}

/* An ICMP destination unreachable from `from`, quoting our SYN to port. */
static const struct rs_packet *unreach(const struct rs_scan_probe_id *id, const uint8_t *from,
				       uint16_t port, uint8_t code, uint8_t quote_proto)
{
	struct rs_craft_spec s;
	rs_craft_spec_init(&s);
	s.proto = RS_CRAFT_ICMP;
	s.v = id->v;
	s.icmp = RS_ICMPK_UNREACH;
	s.icmp_code = code;
	s.quote_proto = quote_proto;
	/* The quote runs from the error's destination (us) to its source:
	 * for a router's error the quoted destination is still the target. */
	memcpy(s.src, id->dst, 16);
	memcpy(s.dst, id->src, 16);
	s.sport = id->sport;
	s.dport = port;
	const struct rs_packet *p = wire(&s);
	if (from) {
		memcpy(pkt.ip.src, from, 16);
	}
	return p;
}

static void test_classify_icmp(void **state)
{
	struct rs_scan_verdict vd;
	(void)state;

	/* Port, host, net unreachable, administratively prohibited: filtered. */
	static const uint8_t filtering[] = { 0, 1, 2, 3, 9, 10, 13 };
	for (size_t i = 0; i < sizeof(filtering); i++) {
		assert_true(rs_scan_classify(unreach(&id4, NULL, 443, filtering[i], 6), &id4, &vd));
		assert_int_equal(vd.state, RS_SCAN_FILTERED);
		assert_int_equal(vd.reason, RS_SCAN_R_ICMP);
		assert_int_equal(vd.port, 443);
		assert_int_equal(vd.icmp_type, 3);
		assert_int_equal(vd.icmp_code, filtering[i]);
		assert_int_equal(vd.icmp_v, 4);
	}
	/* Fragmentation needed says nothing about the port. */
	assert_false(rs_scan_classify(unreach(&id4, NULL, 443, 4, 6), &id4, &vd));
	/* A quoted UDP datagram is not one of our SYNs. */
	assert_false(rs_scan_classify(unreach(&id4, NULL, 443, 3, 17), &id4, &vd));
	/* Quoting another source port of ours. */
	struct rs_scan_probe_id moved = id4;
	moved.sport = 40001;
	assert_false(rs_scan_classify(unreach(&id4, NULL, 443, 3, 6), &moved, &vd));

	/* A router's error: from elsewhere, still about the target's port. */
	uint8_t router[16] = { 198, 51, 100, 1 };
	assert_true(rs_scan_classify(unreach(&id4, router, 22, 13, 6), &id4, &vd));
	assert_memory_equal(vd.from, router, 4);
	assert_int_equal(vd.port, 22);

	/* ICMPv6 destination unreachable, any code (4: port unreachable,
	 * 1: administratively prohibited). */
	assert_true(rs_scan_classify(unreach(&id6, NULL, 8080, 4, 6), &id6, &vd));
	assert_int_equal(vd.state, RS_SCAN_FILTERED);
	assert_int_equal(vd.icmp_v, 6);
	assert_int_equal(vd.icmp_type, 1);
	assert_int_equal(vd.icmp_code, 4);
	assert_int_equal(vd.port, 8080);
	assert_true(rs_scan_classify(unreach(&id6, NULL, 8080, 1, 6), &id6, &vd));
}

/* ---- the lines ------------------------------------------------------------ */

static char *printed(const struct rs_scan_result *r, const struct rs_scan_stats *st, bool json,
		     const struct rs_scan_cfg *cfg)
{
	static char buf[1024];
	static struct rs_out o;
	FILE *f = tmpfile();
	assert_non_null(f);
	rs_out_init(&o, fileno(f));
	if (r)
		rs_scan_print_port(&o, r, json, cfg);
	else
		rs_scan_print_summary(&o, st, json, cfg);
	rs_out_flush(&o);
	rewind(f);
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void test_print(void **state)
{
	struct rs_scan_cfg cfg = { .id = id4, .rate = 100, .timeout_ns = 1000000000 };
	struct rs_scan_result r;
	(void)state;

	memset(&r, 0, sizeof(r));
	r.vd.port = 80;
	r.vd.state = RS_SCAN_OPEN;
	r.vd.reason = RS_SCAN_R_SYN_ACK;
	r.probes = 1;
	r.rsts = 1;
	r.rtt_ns = 120000;
	assert_string_equal(printed(&r, NULL, false, &cfg),
			    "80/tcp open: SYN -> SYN-ACK (rtt 0.12 ms), RST sent\n");
	assert_string_equal(printed(&r, NULL, true, &cfg),
			    "{\"type\":\"scan_port\",\"dst\":\"192.0.2.20\",\"port\":80,\"proto\":\"tcp\","
			    "\"state\":\"open\",\"reason\":\"syn-ack\",\"syns\":1,\"rsts_sent\":1,"
			    "\"rtt_ms\":0.120}\n");

	r.vd.port = 81;
	r.vd.state = RS_SCAN_FILTERED;
	r.vd.reason = RS_SCAN_R_NO_RESPONSE;
	r.probes = 2;
	r.rsts = 0;
	r.rtt_ns = 0;
	assert_string_equal(printed(&r, NULL, false, &cfg),
			    "81/tcp filtered: SYN, SYN again after 1.0 s -> no reply in 1.0 s\n");

	r.vd.port = 82;
	r.vd.reason = RS_SCAN_R_ICMP;
	r.vd.icmp_v = 4;
	r.vd.icmp_type = 3;
	r.vd.icmp_code = 3;
	memcpy(r.vd.from, id4.dst, 4);
	r.probes = 1;
	r.rtt_ns = 80000;
	assert_string_equal(printed(&r, NULL, false, &cfg),
			    "82/tcp filtered: SYN -> ICMP port-unreachable (type 3 code 3) from 192.0.2.20 "
			    "(rtt 0.08 ms)\n");
	assert_non_null(strstr(printed(&r, NULL, true, &cfg),
			       ",\"icmp_type\":3,\"icmp_code\":3,\"icmp_name\":\"port-unreachable\","
			       "\"from\":\"192.0.2.20\"}"));

	struct rs_scan_stats st = { .open = 3, .closed = 10, .filtered = 1, .probes = 15, .rsts = 3,
				    .elapsed_ns = 1200000000 };
	assert_string_equal(printed(NULL, &st, false, &cfg),
			    "3 open, 10 closed, 1 filtered in 1.2 s (14 ports of 192.0.2.20, 15 SYNs, 3 RSTs sent)\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ports_lists),
		cmocka_unit_test(test_ports_refused),
		cmocka_unit_test(test_classify_tcp),
		cmocka_unit_test(test_classify_icmp),
		cmocka_unit_test(test_print),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
