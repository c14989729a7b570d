/*
 * flood-gen - write a synthetic random-source SYN flood to a pcap file.
 *
 *   flood-gen [-n PACKETS] [-r PPS] [-s SEED] OUT.pcap
 *
 * Builds one Ethernet/IPv4/TCP SYN with libnet (advanced link-layer
 * context), then for every packet updates the same ptags (source address,
 * source port, sequence number, IP id), culls the bytes with their
 * checksums and appends them to OUT.pcap with pcap_dump.  Nothing is ever
 * sent: the libnet context is opened on "lo" only because libnet 1.1.6
 * wants a device for LIBNET_LINK_ADV.
 *
 * Only documentation addresses: sources are drawn from 198.51.100.1-254
 * and 203.0.113.1-254, source ports from 1024-65535 (about 32.8 million
 * distinct 5-tuples), destination 192.0.2.2 port 8080.  Timestamps start
 * at 2026-01-01 00:00:00 UTC and increase at a fixed PPS (default
 * 100,000).  The same seed always gives the same file.
 *
 * Build: cc -O2 -D_DEFAULT_SOURCE $(libnet-config --defines) flood-gen.c \
 *            -o flood-gen -lnet -lpcap
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libnet.h>
#include <pcap/pcap.h>

static uint64_t rng_state;

static uint64_t rnd(void) /* xorshift64* */
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

static void usage(void)
{
	fprintf(stderr, "usage: flood-gen [-n PACKETS] [-r PPS] [-s SEED] OUT.pcap\n");
	exit(2);
}

static unsigned long long num(const char *s)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *s == '\0' || *end != '\0' || v == 0)
		usage();
	return v;
}

int main(int argc, char **argv)
{
	unsigned long long n = 10000000ULL, pps = 100000ULL, seed = 1;
	int c;

	while ((c = getopt(argc, argv, "n:r:s:h")) != -1) {
		switch (c) {
		case 'n': n = num(optarg); break;
		case 'r': pps = num(optarg); break;
		case 's': seed = num(optarg); break;
		default: usage();
		}
	}
	if (optind != argc - 1)
		usage();
	const char *out = argv[optind];
	rng_state = seed * 0x9E3779B97F4A7C15ULL ?: 1;

	char errbuf[LIBNET_ERRBUF_SIZE];
	libnet_t *l = libnet_init(LIBNET_LINK_ADV, "lo", errbuf);
	if (l == NULL) {
		fprintf(stderr, "flood-gen: libnet_init: %s\n", errbuf);
		return 1;
	}

	static const uint8_t src_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0xbe, 0x01 };
	static const uint8_t dst_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0xbe, 0x02 };
	static const uint8_t mss_opt[4] = { 2, 4, 0x05, 0xb4 }; /* MSS 1460 */
	const uint32_t net1 = 0xC6336400u; /* 198.51.100.0 */
	const uint32_t net2 = 0xCB007100u; /* 203.0.113.0 */
	const uint32_t dst = htonl(0xC0000202u); /* 192.0.2.2 */
	const uint16_t dport = 8080;
	const uint32_t tcp_len = LIBNET_TCP_H + sizeof mss_opt;
	const uint32_t ip_len = LIBNET_IPV4_H + tcp_len;

	libnet_ptag_t t_opt = 0, t_tcp = 0, t_ip = 0, t_eth = 0;
	t_opt = libnet_build_tcp_options(mss_opt, sizeof mss_opt, l, 0);
	if (t_opt == -1)
		goto lnerr;

	pcap_t *pd = pcap_open_dead(DLT_EN10MB, 65535);
	if (pd == NULL) {
		fprintf(stderr, "flood-gen: pcap_open_dead failed\n");
		return 1;
	}
	pcap_dumper_t *dump = pcap_dump_open(pd, out);
	if (dump == NULL) {
		fprintf(stderr, "flood-gen: %s: %s\n", out, pcap_geterr(pd));
		return 1;
	}

	const uint64_t t0_us = 1767225600ULL * 1000000ULL; /* 2026-01-01T00:00:00Z */
	for (unsigned long long i = 0; i < n; i++) {
		uint64_t r = rnd();
		uint32_t host = 1 + (uint32_t)(r % 254);
		uint32_t src = htonl(((r >> 8) & 1 ? net2 : net1) | host);
		uint16_t sport = (uint16_t)(1024 + (r >> 16) % (65536 - 1024));
		uint32_t seq = (uint32_t)(r >> 32);
		uint16_t ipid = (uint16_t)(rnd() >> 48);

		/* the same ptags every time: libnet updates the headers in place */
		t_tcp = libnet_build_tcp(sport, dport, seq, 0, TH_SYN, 64240, 0, 0,
		                         tcp_len, NULL, 0, l, t_tcp);
		if (t_tcp == -1)
			goto lnerr;
		t_ip = libnet_build_ipv4(ip_len, 0, ipid, 0, 64, IPPROTO_TCP, 0, src,
		                         dst, NULL, 0, l, t_ip);
		if (t_ip == -1)
			goto lnerr;
		t_eth = libnet_build_ethernet(dst_mac, src_mac, ETHERTYPE_IP, NULL, 0,
		                              l, t_eth);
		if (t_eth == -1)
			goto lnerr;

		uint8_t *pkt;
		uint32_t len;
		if (libnet_adv_cull_packet(l, &pkt, &len) == -1)
			goto lnerr;
		uint64_t ts = t0_us + i * 1000000ULL / pps;
		struct pcap_pkthdr h;
		h.ts.tv_sec = (time_t)(ts / 1000000ULL);
		h.ts.tv_usec = (suseconds_t)(ts % 1000000ULL);
		h.caplen = h.len = len;
		pcap_dump((u_char *)dump, &h, pkt);
		libnet_adv_free_packet(l, pkt);
	}
	if (pcap_dump_flush(dump) != 0) {
		fprintf(stderr, "flood-gen: %s: write error\n", out);
		return 1;
	}
	pcap_dump_close(dump);
	pcap_close(pd);
	libnet_destroy(l);
	fprintf(stderr, "flood-gen: wrote %llu SYNs to %s\n", n, out);
	return 0;

lnerr:
	fprintf(stderr, "flood-gen: libnet: %s\n", libnet_geterror(l));
	libnet_destroy(l);
	return 1;
}
