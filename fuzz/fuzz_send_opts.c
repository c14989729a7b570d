/*
 * fuzz_send_opts.c: libFuzzer target for `send`'s options: the library's
 * option table (send_opts.h, the one the command parses argv with), the
 * parsers of its values (craft_opts.h), the rules and defaults, and
 * building what they describe.
 *
 * Input: strings separated by NUL bytes, taken in pairs: an option name
 * and its value.  A long name of the table ("ttl", "sport", ...) or a
 * letter ("-c") goes to rs_send_opt() as the command would hand it;
 * "proto" and "dst" are the command's two arguments, "mtu" stands for
 * the route's MTU; any other name sends the value to every parser.  Each
 * string is copied to a buffer of exactly its size, so a parser that
 * reads past the terminator is caught.  Every parser's result is checked
 * against what its header promises (bounds, host bits cleared, ...).  At
 * the end, when every option was taken and the rules accept them, the
 * spec is built with libnet (rs_craft_build), decoded back, fragmented
 * and patched, and the decoded fields must be the ones asked for.
 */
#include "fuzz.h"

#include <pcap/dlt.h>
#include <stdlib.h>
#include <string.h>

#include "rawshake/craft.h"
#include "rawshake/craft_opts.h"
#include "rawshake/packet.h"
#include "rawshake/send_opts.h"

#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)

struct state {
	struct rs_send_args args;
	const char *proto, *dst;  /* the two arguments */
	uint64_t mtu;
	bool bad;                 /* an option was refused: do not build */
};

static bool cidr_contains(const struct rs_cidr *c, const uint8_t *a)
{
	for (unsigned bit = 0; bit < c->prefix; bit++) {
		uint8_t m = (uint8_t)(0x80 >> (bit % 8));
		if ((a[bit / 8] & m) != (c->addr[bit / 8] & m))
			return false;
	}
	return true;
}

/* Every parser on one value, checking what each header promises. */
static void all_parsers(const char *s)
{
	char err[128];
	uint8_t fl, v, addr[16], mac[6], hex[64];
	uint32_t blocks[RS_MAX_SACK][2], val, ecr;
	unsigned n;
	size_t hn;
	uint64_t u, ns, max = UINT64_MAX >> (strlen(s) % 64);
	double pps;
	struct rs_cidr c;
	enum rs_icmp_kind k;

	err[0] = '\0';
	if (!rs_parse_tcp_flags(s, &fl, err, sizeof(err)))
		CHECK(err[0] != '\0');
	if (rs_parse_addr(s, &v, addr, err, sizeof(err)))
		CHECK(v == 4 || v == 6);
	if (rs_parse_cidr(s, &c, err, sizeof(err))) {
		CHECK((c.v == 4 && c.prefix <= 32) || (c.v == 6 && c.prefix <= 128));
		uint8_t zero[16] = { 0 }, pick[16];
		struct rs_cidr host = c;
		/* Host bits cleared: the network is its own pick with r = 0. */
		rs_cidr_pick(&c, 0, 0, pick);
		CHECK(memcmp(pick, c.addr, c.v == 4 ? 4 : 16) == 0);
		rs_cidr_pick(&c, 0x0123456789abcdefull ^ (uint64_t)strlen(s), 0xfedcba9876543210ull, pick);
		CHECK(cidr_contains(&host, pick));
		CHECK(c.v == 6 || memcmp(c.addr + 4, zero, 12) == 0);
	}
	if (rs_parse_uint(s, max, &u, err, sizeof(err)))
		CHECK(u <= max);
	unsigned smax = (unsigned)(strlen(s) % (RS_MAX_SACK + 1));
	memset(blocks, 0, sizeof(blocks));
	if (rs_parse_sack(s, blocks, smax, &n, err, sizeof(err)))
		CHECK(n <= smax);
	(void)rs_parse_ts(s, &val, &ecr, err, sizeof(err));
	size_t cap = strlen(s) % sizeof(hex);
	if (rs_parse_hex(s, hex, cap, &hn, err, sizeof(err)))
		CHECK(hn <= cap);
	if (rs_parse_interval(s, &ns, err, sizeof(err)))
		CHECK(ns <= 3600ull * 1000000000ull);
	if (rs_parse_rate(s, &pps, err, sizeof(err)))
		CHECK(pps > 0 && pps <= 100e6);
	(void)rs_parse_mac(s, mac, err, sizeof(err));
	if (rs_icmp_kind_parse(s, &k))
		CHECK(rs_icmp_kind_str(k) != NULL);
}

/* One option of the table, as the command hands it over: a refusal is
 * "OPTION: REASON" (the reason may quote the value). */
static void table_opt(struct state *st, int idx, const char *arg)
{
	const struct rs_send_opt_def *d = &rs_send_opts[idx];
	char err[512];

	/* --data-file (and hping3's -E, the same) would read whatever file
	 * the input names (a FIFO, a device): the fuzzer leaves them out. */
	if ((d->name && strcmp(d->name, "data-file") == 0) || d->letter == 'E')
		return;
	err[0] = '\0';
	if (!rs_send_opt(&st->args, idx, d->has_arg == RS_SEND_ARG_NONE ? NULL : arg, err,
			 sizeof(err))) {
		CHECK(err[0] != '\0');
		CHECK(strncmp(err, d->label, strlen(d->label)) == 0);
		st->bad = true;
	}
}

/* A name from the input: a row of the table, a fuzzer-only one, or not. */
static void take(struct state *st, const char *name, const char *arg)
{
	int idx = name[0] == '-' && name[1] && !name[2] ? rs_send_opt_find(NULL, name[1])
							  : rs_send_opt_find(name, 0);
	uint64_t u;
	char err[128];

	if (idx >= 0)
		table_opt(st, idx, arg);
	else if (!strcmp(name, "proto"))
		st->proto = arg;
	else if (!strcmp(name, "dst"))
		st->dst = arg;
	else if (!strcmp(name, "mtu") && rs_parse_uint(arg, 65535, &u, err, sizeof(err)))
		st->mtu = u;
	else
		all_parsers(arg);
}

/* Builds the spec, decodes it back and checks the fields asked for. */
static void build(struct state *st)
{
	static struct rs_crafter c;
	static struct rs_packet pkt;
	static uint8_t frags[70000];
	struct rs_craft_spec *s = &st->args.cfg.spec;
	char err[512];

	if (st->bad)
		return;
	/* The command's arguments and rules; a refusal names what it refuses. */
	err[0] = '\0';
	if (!rs_send_cfg_target(&st->args, st->proto ? st->proto : st->args.mode ? NULL : "tcp",
				st->dst ? st->dst : "127.0.0.1", err, sizeof(err)) ||
	    !rs_send_cfg_check(&st->args, err, sizeof(err))) {
		CHECK(err[0] != '\0' && strstr(err, ": "));
		return;
	}
	rs_send_cfg_finish(&st->args);
	CHECK(s->v == 4 || s->v == 6);
	CHECK(st->args.cfg.threads <= RS_SEND_THREADS_MAX);
	if (!rs_crafter_init(&c))
		__builtin_trap();
	if (rs_craft_build(&c, s)) {
		CHECK(c.len > 0 && c.len <= sizeof(c.pkt));
		CHECK(c.l4_off < c.len && c.csum_off + 2 <= c.len);
		enum rs_status dst = rs_decode(s->link ? DLT_EN10MB : DLT_RAW, c.pkt, c.len, c.len, &pkt);
		CHECK(pkt.has_ip && pkt.ip.v == s->v);
		bool first = s->v == 6 || s->frag_off == 0;
		if (dst == RS_OK && first && s->proto == RS_CRAFT_TCP && pkt.l4 == RS_LAYER_TCP) {
			CHECK(pkt.tcp.sport == s->sport && pkt.tcp.dport == s->dport);
			CHECK(pkt.tcp.seq == s->seq && pkt.tcp.ack == s->ack);
			CHECK(pkt.tcp.flags == s->flags && pkt.tcp.win == s->win);
			CHECK(pkt.tcp.payload_len == s->payload_len);
			CHECK(pkt.tcp.csum_status == RS_CSUM_UNCHECKED ||
			      (pkt.tcp.csum_status == RS_CSUM_OK) == !s->bad_csum);
		}

		struct rs_craft_layout lay;
		rs_craft_layout_of(&c, &lay);
		rs_craft_patch_src(&lay, c.pkt, s->dst);
		rs_craft_patch_id(&lay, c.pkt, (uint16_t)(s->id + 1));
		if (s->proto != RS_CRAFT_ICMP)
			rs_craft_patch_sport(&lay, c.pkt, (uint16_t)(s->sport + 1));
		if (s->proto == RS_CRAFT_TCP)
			rs_craft_patch_seq(&lay, c.pkt, s->seq + 1);
		if (s->proto == RS_CRAFT_ICMP && (s->icmp == RS_ICMPK_ECHO || s->icmp == RS_ICMPK_ECHO_REPLY))
			rs_craft_patch_echo_seq(&lay, c.pkt, (uint16_t)(s->echo_seq + 1));
		rs_decode(s->link ? DLT_EN10MB : DLT_RAW, c.pkt, c.len, c.len, &pkt);
		/* Patching keeps every checksum right (RFC 1624). */
		if (!s->bad_ip_csum && s->v == 4)
			CHECK(pkt.ip.csum_ok);
		if (!s->bad_csum && first && pkt.l4 == RS_LAYER_TCP && pkt.tcp.csum_status != RS_CSUM_UNCHECKED)
			CHECK(pkt.tcp.csum_status == RS_CSUM_OK);

		if (s->v == 4 && st->mtu) {
			size_t lens[64];
			size_t nf = rs_craft_fragment4(c.pkt + c.l3_off, c.len - c.l3_off, st->mtu,
						       frags, sizeof(frags), lens, 64);
			size_t off = 0;
			for (size_t i = 0; i < nf; i++) {
				CHECK(lens[i] <= st->mtu && off + lens[i] <= sizeof(frags));
				rs_decode(DLT_RAW, frags + off, lens[i], lens[i], &pkt);
				off += lens[i];
			}
		}
	}
	rs_crafter_free(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct state st;
	char *name = NULL;
	/* Every string lives to the end: the table keeps some (-w, -Z,
	 * --rand-source's range) as given, as argv would be. */
	char **keep = calloc(size + 1, sizeof(*keep));
	size_t nkeep = 0, start = 0;

	if (!keep)
		abort();
	rs_send_args_init(&st.args);
	st.proto = st.dst = NULL;
	st.mtu = 0;
	st.bad = false;
	for (size_t i = 0; i <= size; i++) {
		if (i < size && data[i] != '\0')
			continue;
		size_t len = i - start;
		char *s = malloc(len + 1);
		if (!s)
			abort();
		memcpy(s, data + start, len);
		s[len] = '\0';
		start = i + 1;
		keep[nkeep++] = s;
		if (!name) {
			name = s;
			/* A lone last string is a value with no option name. */
			if (i == size)
				all_parsers(s);
		} else {
			take(&st, name, s);
			name = NULL;
		}
	}
	build(&st);
	for (size_t i = 0; i < nkeep; i++)
		free(keep[i]);
	free(keep);
	return 0;
}
