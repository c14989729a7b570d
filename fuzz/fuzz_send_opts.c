/*
 * fuzz_send_opts.c: libFuzzer target for the parsers of `send` option
 * values (craft_opts.h), and for building what they describe.
 *
 * Input: strings separated by NUL bytes, taken in pairs: an option name
 * and its value.  A known name sends the value to its parser and into a
 * packet spec; any other name sends it to every parser.  Each string is
 * copied to a buffer of exactly its size, so a parser that reads past
 * the terminator is caught.  Every result is checked against what the
 * header promises (bounds, host bits cleared, ...).  At the end the spec
 * is built with libnet (rs_craft_build), decoded back, fragmented and
 * patched, and the decoded fields must be the ones asked for.
 */
#include "fuzz.h"

#include <pcap/dlt.h>
#include <stdlib.h>
#include <string.h>

#include "rawshake/craft.h"
#include "rawshake/craft_opts.h"
#include "rawshake/packet.h"

#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)

struct state {
	struct rs_craft_spec spec;
	uint8_t payload[2048];
	uint8_t src_v, dst_v;
	uint64_t mtu;
	bool bad;                 /* an option was refused: do not build */
};

/* Integer options: name, bound, where the value goes. */
enum field {
	F_SPORT, F_DPORT, F_SEQ, F_ACK, F_WIN, F_URG, F_ID, F_TTL, F_TOS, F_FLOW,
	F_FRAG, F_CODE, F_ECHO_ID, F_ECHO_SEQ, F_MSS, F_WSCALE, F_MTU, F_COUNT,
};
static const struct {
	const char *name;
	uint64_t max;
	enum field f;
} uints[] = {
	{ "sport", 65535, F_SPORT }, { "dport", 65535, F_DPORT },
	{ "seq", UINT32_MAX, F_SEQ }, { "ack", UINT32_MAX, F_ACK },
	{ "win", 65535, F_WIN }, { "urg", 65535, F_URG },
	{ "id", 65535, F_ID }, { "ttl", 255, F_TTL }, { "tos", 255, F_TOS },
	{ "flow", 0xfffff, F_FLOW }, { "frag-offset", 8191, F_FRAG },
	{ "icmp-code", 255, F_CODE }, { "echo-id", 65535, F_ECHO_ID },
	{ "echo-seq", 65535, F_ECHO_SEQ }, { "mss", 65535, F_MSS },
	{ "wscale", 14, F_WSCALE }, { "mtu", 65535, F_MTU },
	{ "count", UINT64_MAX, F_COUNT },
};

static void set_uint(struct state *st, enum field f, uint64_t v)
{
	struct rs_craft_spec *s = &st->spec;

	switch (f) {
	case F_SPORT: s->sport = (uint16_t)v; break;
	case F_DPORT: s->dport = (uint16_t)v; break;
	case F_SEQ: s->seq = (uint32_t)v; break;
	case F_ACK: s->ack = (uint32_t)v; break;
	case F_WIN: s->win = (uint16_t)v; break;
	case F_URG: s->urg = (uint16_t)v; break;
	case F_ID: s->id = (uint16_t)v; break;
	case F_TTL: s->ttl = (uint8_t)v; break;
	case F_TOS: s->tos = (uint8_t)v; break;
	case F_FLOW: s->flow = (uint32_t)v; break;
	case F_FRAG: s->frag_off = (uint16_t)v; break;
	case F_CODE: s->icmp_code = (uint8_t)v; break;
	case F_ECHO_ID: s->echo_id = (uint16_t)v; break;
	case F_ECHO_SEQ: s->echo_seq = (uint16_t)v; break;
	case F_MSS: rs_tcpopts_mss(&s->opts, (uint16_t)v); break;
	case F_WSCALE: rs_tcpopts_wscale(&s->opts, (uint8_t)v); break;
	case F_MTU: st->mtu = v; break;
	case F_COUNT: break;
	}
}

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
static void all_parsers(const char *s, struct state *st, const char *name)
{
	char err[128];
	uint8_t fl, v, addr[16], mac[6], hex[64];
	uint32_t blocks[RS_MAX_SACK][2], val, ecr;
	unsigned n;
	size_t hn;
	uint64_t u, ns;
	double pps;
	struct rs_cidr c;
	enum rs_icmp_kind k;
	bool known = name != NULL;

	err[0] = '\0';
	if (!known || !strcmp(name, "flags")) {
		if (rs_parse_tcp_flags(s, &fl, err, sizeof(err)))
			st->spec.flags = fl;
		else
			CHECK(err[0] != '\0');
	}
	if (!known || !strcmp(name, "src") || !strcmp(name, "dst")) {
		if (rs_parse_addr(s, &v, addr, err, sizeof(err))) {
			CHECK(v == 4 || v == 6);
			if (known && !strcmp(name, "src")) {
				memcpy(st->spec.src, addr, 16);
				st->src_v = v;
			} else {
				memcpy(st->spec.dst, addr, 16);
				st->dst_v = v;
			}
		}
	}
	if (!known || !strcmp(name, "rand-source")) {
		if (rs_parse_cidr(s, &c, err, sizeof(err))) {
			CHECK((c.v == 4 && c.prefix <= 32) || (c.v == 6 && c.prefix <= 128));
			uint8_t zero[16] = { 0 }, pick[16];
			struct rs_cidr host = c;
			/* Host bits cleared: the network is its own pick with r = 0. */
			rs_cidr_pick(&c, 0, 0, pick);
			CHECK(memcmp(pick, c.addr, c.v == 4 ? 4 : 16) == 0);
			rs_cidr_pick(&c, 0x0123456789abcdefull ^ (uint64_t)strlen(s),
				     0xfedcba9876543210ull, pick);
			CHECK(cidr_contains(&host, pick));
			CHECK(c.v == 6 || memcmp(c.addr + 4, zero, 12) == 0);
		}
	}
	for (size_t i = 0; i < sizeof(uints) / sizeof(uints[0]); i++) {
		if (known && strcmp(name, uints[i].name))
			continue;
		if (rs_parse_uint(s, uints[i].max, &u, err, sizeof(err))) {
			CHECK(u <= uints[i].max);
			if (known)
				set_uint(st, uints[i].f, u);
		} else if (known) {
			st->bad = true;
		}
		if (!known)
			break;   /* one bound is enough for an unknown name */
	}
	if (!known || !strcmp(name, "sack")) {
		unsigned max = (unsigned)(strlen(s) % (RS_MAX_SACK + 1));
		memset(blocks, 0, sizeof(blocks));
		if (rs_parse_sack(s, blocks, max, &n, err, sizeof(err))) {
			CHECK(n <= max);
			if (known)
				rs_tcpopts_sack(&st->spec.opts, (const uint32_t (*)[2])blocks, n);
		}
	}
	if (!known || !strcmp(name, "ts")) {
		if (rs_parse_ts(s, &val, &ecr, err, sizeof(err)) && known)
			rs_tcpopts_ts(&st->spec.opts, val, ecr);
	}
	if (!known || !strcmp(name, "payload") || !strcmp(name, "tcp-option")) {
		size_t cap = strlen(s) % sizeof(hex);
		if (rs_parse_hex(s, hex, cap, &hn, err, sizeof(err))) {
			CHECK(hn <= cap);
			if (known && !strcmp(name, "tcp-option")) {
				rs_tcpopts_raw(&st->spec.opts, hex, hn);
			} else if (known) {
				size_t have = st->spec.payload_len;
				if (have + hn <= sizeof(st->payload)) {
					memcpy(st->payload + have, hex, hn);
					st->spec.payload = st->payload;
					st->spec.payload_len = have + hn;
				}
			}
		}
	}
	if (!known || !strcmp(name, "interval")) {
		if (rs_parse_interval(s, &ns, err, sizeof(err)))
			CHECK(ns <= 3600ull * 1000000000ull);
	}
	if (!known || !strcmp(name, "rate")) {
		if (rs_parse_rate(s, &pps, err, sizeof(err)))
			CHECK(pps > 0 && pps <= 100e6);
	}
	if (!known || !strcmp(name, "src-mac") || !strcmp(name, "dst-mac")) {
		if (rs_parse_mac(s, mac, err, sizeof(err)) && known) {
			memcpy(!strcmp(name, "src-mac") ? st->spec.src_mac : st->spec.dst_mac, mac, 6);
			st->spec.link = true;
		}
	}
	if (!known || !strcmp(name, "icmp")) {
		if (rs_icmp_kind_parse(s, &k)) {
			CHECK(rs_icmp_kind_str(k) != NULL);
			if (known) {
				st->spec.proto = RS_CRAFT_ICMP;
				st->spec.icmp = k;
			}
		}
	}
	if (known && !strcmp(name, "proto")) {
		if (!strcmp(s, "udp"))
			st->spec.proto = RS_CRAFT_UDP;
		else if (!strcmp(s, "icmp"))
			st->spec.proto = RS_CRAFT_ICMP;
		else
			st->spec.proto = RS_CRAFT_TCP;
	}
	if (known && !strcmp(name, "options")) {
		if (strchr(s, 'n'))
			rs_tcpopts_nop(&st->spec.opts);
		if (strchr(s, 's'))
			rs_tcpopts_sack_perm(&st->spec.opts);
		st->spec.bad_csum = strchr(s, 'c') != NULL;
		st->spec.bad_ip_csum = strchr(s, 'i') != NULL;
		st->spec.df = strchr(s, 'd') != NULL;
		st->spec.mf = strchr(s, 'm') != NULL;
	}
}

static const char *const names[] = {
	"flags", "src", "dst", "rand-source", "sack", "ts", "payload", "tcp-option",
	"interval", "rate", "src-mac", "dst-mac", "icmp", "proto", "options",
};

static const char *known_name(const char *s)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i]))
			return names[i];
	for (size_t i = 0; i < sizeof(uints) / sizeof(uints[0]); i++)
		if (!strcmp(s, uints[i].name))
			return uints[i].name;
	return NULL;
}

/* Builds the spec, decodes it back and checks the fields asked for. */
static void build(struct state *st)
{
	static struct rs_crafter c;
	static struct rs_packet pkt;
	static uint8_t frags[70000];
	struct rs_craft_spec *s = &st->spec;

	if (st->bad || st->src_v != st->dst_v)
		return;
	s->v = st->src_v ? st->src_v : 4;
	if (s->proto == RS_CRAFT_ICMP && s->v == 6 && s->icmp == RS_ICMPK_TIMESTAMP)
		return;   /* v4 only: the command refuses it */
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
	struct state st;
	const char *name = NULL;
	bool have_name = false;

	rs_craft_spec_init(&st.spec);
	st.src_v = st.dst_v = 0;
	st.mtu = 0;
	st.bad = false;
	size_t start = 0;
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
		if (!have_name) {
			name = known_name(s);
			have_name = true;
			/* A lone last string is a value with no option name. */
			if (i == size)
				all_parsers(s, &st, NULL);
		} else {
			all_parsers(s, &st, name);
			have_name = false;
		}
		free(s);
	}
	build(&st);
	return 0;
}
