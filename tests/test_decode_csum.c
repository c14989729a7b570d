/*
 * test_decode_csum.c: the four outcomes of a transport checksum (ok, bad,
 * offload, unchecked) for TCP, UDP and ICMPv6 over IPv4 and IPv6, with the
 * partial-sum rule of Linux's CHECKSUM_PARTIAL checked against a sum
 * computed here from first principles.
 */
#include "packets.h"

#include <string.h>

/* A SYN-ACK captured on a veth with default offloads (Debian 12 kernel):
 * the checksum field 0x8432 is the pseudo-header sum only. */
static const uint8_t veth_synack[74] = {
	0x7a, 0x56, 0x05, 0xfc, 0x00, 0x5c, 0x06, 0xfc, 0x6c, 0x2a, 0x98, 0xb8, 0x08, 0x00,
	0x45, 0x00, 0x00, 0x3c, 0x00, 0x00, 0x40, 0x00, 0x40, 0x06, 0xb6, 0xb8, 0xc0, 0x00,
	0x02, 0x02, 0xc0, 0x00, 0x02, 0x01, 0x1f, 0x90, 0xdc, 0x64, 0x2c, 0x20, 0xca, 0x11,
	0xee, 0x49, 0x30, 0x66, 0xa0, 0x12, 0xfe, 0x88, 0x84, 0x32, 0x00, 0x00, 0x02, 0x04,
	0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0xed, 0xef, 0x60, 0xee, 0xd3, 0x0c, 0x86, 0x88,
	0x01, 0x03, 0x03, 0x0a,
};

/* The one's-complement sum of big-endian 16-bit words, folded, the slow
 * and obvious way (RFC 1071). */
static uint32_t ref_sum(uint32_t sum, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/* The pseudo-header sum (folded, not inverted) for an IPv4 or IPv6
 * header at `ip` and an upper layer of `len` bytes. */
static uint16_t ref_pseudo(const uint8_t *ip, uint8_t proto, uint32_t len)
{
	uint32_t s;

	if ((ip[0] >> 4) == 4) {
		s = ref_sum(0, ip + 12, 8);
	} else {
		s = ref_sum(0, ip + 8, 32);
		s += len >> 16;
	}
	s += proto + (len & 0xffff);
	return (uint16_t)ref_sum(s, NULL, 0);
}

struct csum_case {
	const char *name;
	const uint8_t *pkt;
	size_t len;
	int dlt;
	size_t ip_off, l4_off, csum_off;  /* csum_off from the packet's start */
	uint8_t proto;
};

static enum rs_csum status_of(const struct rs_packet *pkt, uint8_t proto)
{
	switch (proto) {
	case 6: return pkt->tcp.csum_status;
	case 17: return pkt->udp.csum_status;
	default: return pkt->icmp.csum_status;
	}
}

/* Decodes `p` with its checksum field set to `field`, going `dir`. */
static enum rs_csum decode_with(const struct csum_case *c, uint16_t field, enum rs_pkt_dir dir)
{
	uint8_t buf[256];
	struct rs_packet pkt;
	struct rs_pkt_meta meta = { .dir = dir };

	assert_true(c->len <= sizeof(buf));
	memcpy(buf, c->pkt, c->len);
	buf[c->csum_off] = (uint8_t)(field >> 8);
	buf[c->csum_off + 1] = (uint8_t)field;
	assert_int_equal(rs_decode_meta(c->dlt, buf, c->len, c->len, &meta, &pkt), RS_OK);
	assert_int_equal(pkt.meta.dir, dir);
	return status_of(&pkt, c->proto);
}

static void check_case(const struct csum_case *c)
{
	uint8_t buf[256];
	size_t l4len = c->len - c->l4_off;
	uint16_t partial = ref_pseudo(c->pkt + c->ip_off, c->proto, (uint32_t)l4len);
	uint16_t good;
	uint32_t s;

	/* The right checksum, computed here with the field zeroed. */
	memcpy(buf, c->pkt, c->len);
	buf[c->csum_off] = buf[c->csum_off + 1] = 0;
	s = ref_sum(partial, buf + c->l4_off, l4len);
	good = (uint16_t)~s;
	print_message("%s: partial 0x%04x good 0x%04x\n", c->name, partial, good);

	assert_int_equal(decode_with(c, good, RS_PKT_DIR_UNKNOWN), RS_CSUM_OK);
	/* The pseudo-header sum alone, in either direction and when unknown:
	 * a veth hands it to the receiving namespace too. */
	assert_int_equal(decode_with(c, partial, RS_PKT_DIR_UNKNOWN), RS_CSUM_OFFLOAD);
	assert_int_equal(decode_with(c, partial, RS_PKT_DIR_IN), RS_CSUM_OFFLOAD);
	assert_int_equal(decode_with(c, partial, RS_PKT_DIR_OUT), RS_CSUM_OFFLOAD);
	/* One off is corruption. */
	assert_int_equal(decode_with(c, (uint16_t)(partial + 1), RS_PKT_DIR_OUT), RS_CSUM_BAD);
	assert_int_equal(decode_with(c, (uint16_t)(good ^ 0x0100), RS_PKT_DIR_IN), RS_CSUM_BAD);
	/* Zero is left by some drivers on the way out; coming in it is bad
	 * (UDP over IPv4: "none", tested apart). */
	if (good != 0 && partial != 0 && partial != 0xffff &&
	    !(c->proto == 17 && (c->pkt[c->ip_off] >> 4) == 4)) {
		assert_int_equal(decode_with(c, 0, RS_PKT_DIR_OUT), RS_CSUM_OFFLOAD);
		assert_int_equal(decode_with(c, 0, RS_PKT_DIR_IN), RS_CSUM_BAD);
		assert_int_equal(decode_with(c, 0, RS_PKT_DIR_UNKNOWN), RS_CSUM_BAD);
	}

	/* Not every byte captured: unchecked, whatever the field. */
	struct rs_packet pkt;
	memcpy(buf, c->pkt, c->len);
	buf[c->csum_off] = (uint8_t)(partial >> 8);
	buf[c->csum_off + 1] = (uint8_t)partial;
	/* (A header cut short is also truncated; the status stays unchecked.) */
	rs_decode(c->dlt, buf, c->len - 1, c->len, &pkt);
	assert_int_equal(status_of(&pkt, c->proto), RS_CSUM_UNCHECKED);
}

static void real_veth_synack(void **state)
{
	struct rs_packet pkt;
	(void)state;

	assert_int_equal(DECODE(DLT_EN10MB, veth_synack, &pkt), RS_OK);
	assert_int_equal(pkt.tcp.csum, 0x8432);
	assert_int_equal(pkt.tcp.csum_status, RS_CSUM_OFFLOAD);
	assert_int_equal(ref_pseudo(veth_synack + 14, 6, 40), 0x8432);
	assert_string_equal(rs_csum_str(pkt.tcp.csum_status), "offload");
}

static void tcp4(void **state)
{
	const struct csum_case c = { "tcp4", eth_ip4_tcp_syn, sizeof(eth_ip4_tcp_syn),
				     DLT_EN10MB, 14, 34, 34 + 16, 6 };
	(void)state;
	check_case(&c);
}

static void tcp6(void **state)
{
	const struct csum_case c = { "tcp6", eth_ip6_tcp, sizeof(eth_ip6_tcp), DLT_EN10MB,
				     14, 54, 54 + 16, 6 };
	(void)state;
	check_case(&c);
}

static void udp4(void **state)
{
	const struct csum_case c = { "udp4", ip4_udp, sizeof(ip4_udp), DLT_RAW, 0, 20, 26, 17 };
	(void)state;
	check_case(&c);
}

static void udp6(void **state)
{
	const struct csum_case c = { "udp6", ip6_udp, sizeof(ip6_udp), DLT_RAW, 0, 40, 46, 17 };
	(void)state;
	check_case(&c);
}

static void icmp6(void **state)
{
	const struct csum_case c = { "icmp6", ip6_icmp6_echo, sizeof(ip6_icmp6_echo), DLT_RAW,
				     0, 40, 42, 58 };
	(void)state;
	check_case(&c);
}

/* 0x0000 and 0xffff are the same one's-complement sum. */
static void partial_negative_zero(void **state)
{
	const struct csum_case c = { "tcp4", eth_ip4_tcp_syn, sizeof(eth_ip4_tcp_syn),
				     DLT_EN10MB, 14, 34, 34 + 16, 6 };
	uint16_t partial = ref_pseudo(c.pkt + c.ip_off, 6, (uint32_t)(c.len - c.l4_off));
	(void)state;

	assert_int_not_equal(partial, 0);
	/* The test packet's partial sum is not a zero; the rule is only that
	 * the field equals it, so a field of ~partial is corruption. */
	assert_int_equal(decode_with(&c, (uint16_t)~partial, RS_PKT_DIR_IN), RS_CSUM_BAD);
}

/* Over IPv4 a UDP checksum of 0 says none was computed, in any direction. */
static void udp4_none(void **state)
{
	const struct csum_case c = { "udp4", ip4_udp, sizeof(ip4_udp), DLT_RAW, 0, 20, 26, 17 };
	(void)state;

	assert_int_equal(decode_with(&c, 0, RS_PKT_DIR_IN), RS_CSUM_NONE);
	assert_int_equal(decode_with(&c, 0, RS_PKT_DIR_OUT), RS_CSUM_NONE);
	assert_string_equal(rs_csum_str(RS_CSUM_NONE), "none");
}

/* ICMPv4 has no pseudo-header: there is nothing for a NIC to finish. */
static void icmp4_never_offload(void **state)
{
	const struct csum_case c = { "icmp4", ip4_icmp_echo, sizeof(ip4_icmp_echo), DLT_RAW,
				     0, 20, 22, 1 };
	(void)state;

	assert_int_equal(decode_with(&c, 0, RS_PKT_DIR_OUT), RS_CSUM_BAD);
	assert_int_equal(decode_with(&c, ref_pseudo(c.pkt, 1, 16), RS_PKT_DIR_OUT), RS_CSUM_BAD);
}

/* Linux cooked captures say which packets went out (pkttype 4). */
static void sll_outgoing_zero(void **state)
{
	uint8_t buf[16 + sizeof(eth_ip4_tcp_syn) - 14];
	struct rs_packet pkt;
	(void)state;

	memset(buf, 0, 16);
	buf[1] = 4;                 /* PACKET_OUTGOING */
	buf[3] = 1;                 /* ARPHRD_ETHER */
	buf[5] = 6;                 /* address length */
	buf[14] = 0x08;             /* IPv4 */
	memcpy(buf + 16, eth_ip4_tcp_syn + 14, sizeof(eth_ip4_tcp_syn) - 14);
	buf[16 + 20 + 16] = buf[16 + 20 + 17] = 0;
	assert_int_equal(DECODE(DLT_LINUX_SLL, buf, &pkt), RS_OK);
	assert_int_equal(pkt.meta.dir, RS_PKT_DIR_OUT);
	assert_int_equal(pkt.tcp.csum_status, RS_CSUM_OFFLOAD);

	buf[1] = 0;                 /* PACKET_HOST: it came in with 0 */
	assert_int_equal(DECODE(DLT_LINUX_SLL, buf, &pkt), RS_OK);
	assert_int_equal(pkt.meta.dir, RS_PKT_DIR_IN);
	assert_int_equal(pkt.tcp.csum_status, RS_CSUM_BAD);
}

/* A live capture that knows its interface's MAC tells outgoing frames. */
static void local_mac_direction(void **state)
{
	static const uint8_t mine[6] = { 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb };
	static const uint8_t other[6] = { 0x02, 0, 0, 0, 0, 1 };
	struct rs_pkt_meta meta = { .local_mac = mine };
	struct rs_packet pkt;
	(void)state;

	assert_int_equal(rs_decode_meta(DLT_EN10MB, eth_ip4_tcp_syn, sizeof(eth_ip4_tcp_syn),
					sizeof(eth_ip4_tcp_syn), &meta, &pkt), RS_OK);
	assert_int_equal(pkt.meta.dir, RS_PKT_DIR_OUT);
	meta.local_mac = other;
	assert_int_equal(rs_decode_meta(DLT_EN10MB, eth_ip4_tcp_syn, sizeof(eth_ip4_tcp_syn),
					sizeof(eth_ip4_tcp_syn), &meta, &pkt), RS_OK);
	assert_int_equal(pkt.meta.dir, RS_PKT_DIR_IN);
	assert_string_equal(rs_pkt_dir_str(RS_PKT_DIR_IN), "in");
	assert_string_equal(rs_pkt_dir_str(RS_PKT_DIR_OUT), "out");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(real_veth_synack),
		cmocka_unit_test(tcp4),
		cmocka_unit_test(tcp6),
		cmocka_unit_test(udp4),
		cmocka_unit_test(udp6),
		cmocka_unit_test(icmp6),
		cmocka_unit_test(partial_negative_zero),
		cmocka_unit_test(udp4_none),
		cmocka_unit_test(icmp4_never_offload),
		cmocka_unit_test(sll_outgoing_zero),
		cmocka_unit_test(local_mac_direction),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
