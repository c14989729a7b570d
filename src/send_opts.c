/* send_opts.c: the options of `send` as one table, their handlers, the rules and defaults (send_opts.h). */
#include "rawshake/send_opts.h"
#include "rawshake/datafile.h"
#include "rawshake/craft_opts.h"
#include "rawshake/guard.h"
#include "rawshake/packet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

/* The field a row sets, as a pointer into the arguments. */
static void *field(struct rs_send_args *a, const struct rs_send_opt_def *d)
{
	return (uint8_t *)a + d->off;
}

static void store(struct rs_send_args *a, const struct rs_send_opt_def *d, uint64_t v)
{
	void *p = field(a, d);
	switch (d->size) {
	case 1: { uint8_t x = (uint8_t)v; memcpy(p, &x, 1); break; }
	case 2: { uint16_t x = (uint16_t)v; memcpy(p, &x, 2); break; }
	case 4: { uint32_t x = (uint32_t)v; memcpy(p, &x, 4); break; }
	case 8: memcpy(p, &v, 8); break;
	default: break;
	}
}

/* Handlers, one per kind of argument.  On failure each writes why, the
 * reason without the option's name, which rs_send_opt() adds. */

/* A flag: the row's value into its field (no field: only the mark). */
static bool h_flag(struct rs_send_args *a, const struct rs_send_opt_def *d, const char *arg,
		   char *why, size_t whylen)
{
	(void)arg, (void)why, (void)whylen;
	if (d->size)
		store(a, d, d->max);
	return true;
}

/* A number from 0 to the row's bound (the one number parser); some must
 * not be 0. */
static bool parse_num(const struct rs_send_opt_def *d, const char *arg, uint64_t *v,
		      char *why, size_t whylen)
{
	if (!rs_parse_uint(arg, d->max, v, why, whylen))
		return false;
	if (d->zero && *v == 0) {
		snprintf(why, whylen, "%s", d->zero);
		return false;
	}
	return true;
}

static bool h_uint(struct rs_send_args *a, const struct rs_send_opt_def *d, const char *arg,
		   char *why, size_t whylen)
{
	uint64_t v;
	if (!parse_num(d, arg, &v, why, whylen))
		return false;
	store(a, d, v);
	return true;
}

/* A duration into a uint64_t of nanoseconds; a row of kind 1 (-i) also
 * takes hping3's "uN", N microseconds ("-i u1000"). */
static bool h_interval(struct rs_send_args *a, const struct rs_send_opt_def *d, const char *arg,
		       char *why, size_t whylen)
{
	uint64_t ns;
	if (d->max == 1 && arg[0] == 'u' && arg[1]) {
		uint64_t us;
		if (!rs_parse_uint(arg + 1, 3600000000u, &us, why, whylen)) {
			snprintf(why, whylen, "'%.64s' is not a number of microseconds (like u1000)", arg);
			return false;
		}
		ns = us * 1000;
	} else if (!rs_parse_interval(arg, &ns, why, whylen)) {
		return false;
	}
	if (d->zero && ns == 0) {
		snprintf(why, whylen, "%s", d->zero);
		return false;
	}
	store(a, d, ns);
	return true;
}

/* A string kept as given (-w, -Z). */
static bool h_str(struct rs_send_args *a, const struct rs_send_opt_def *d, const char *arg,
		  char *why, size_t whylen)
{
	(void)why, (void)whylen;
	memcpy(field(a, d), &arg, sizeof(arg));
	return true;
}

static bool h_src(struct rs_send_args *a, const struct rs_send_opt_def *d, const char *arg,
		  char *why, size_t whylen)
{
	struct rs_craft_spec *s = &a->cfg.spec;
	(void)d;
	if (!rs_parse_addr(arg, &s->v, s->src, why, whylen))
		return false;
	a->cfg.src_given = true;
	return true;
}

/* The range is parsed by rs_send_cfg_check(), once the family is known. */
static bool h_rand_source(struct rs_send_args *a, const struct rs_send_opt_def *d,
			  const char *arg, char *why, size_t whylen)
{
	(void)d, (void)why, (void)whylen;
	a->cfg.rand_source = true;
	a->rand_cidr = arg;
	return true;
}

static bool h_tcp_flags(struct rs_send_args *a, const struct rs_send_opt_def *d, const char *arg,
			char *why, size_t whylen)
{
	(void)d;
	return rs_parse_tcp_flags(arg, &a->cfg.spec.flags, why, whylen);
}

/* hping3's flag letters (-S -A ...): each adds its bit (the row's value);
 * the first replaces the default SYN unless --flags came before. */
static bool h_flag_bit(struct rs_send_args *a, const struct rs_send_opt_def *d, const char *arg,
		       char *why, size_t whylen)
{
	(void)arg, (void)why, (void)whylen;
	if (!(a->given & RS_SEND_GIVEN_FLAGS))
		a->cfg.spec.flags = 0;
	a->cfg.spec.flags |= (uint8_t)d->max;
	return true;
}

/* hping3's -p: a port; its +PORT and ++PORT (a port that goes up per
 * reply or per packet) are not ours, and say so. */
static bool h_hping_port(struct rs_send_args *a, const struct rs_send_opt_def *d, const char *arg,
			 char *why, size_t whylen)
{
	if (arg[0] == '+') {
		snprintf(why, whylen, "hping3's +PORT and ++PORT are not supported; give one port");
		return false;
	}
	return h_uint(a, d, arg, why, whylen);
}

/* -1, -2: hping3's ICMP and UDP modes (the row's value RS_CRAFT_* + 1). */
static bool h_mode(struct rs_send_args *a, const struct rs_send_opt_def *d, const char *arg,
		   char *why, size_t whylen)
{
	(void)arg;
	if (a->mode && a->mode != d->max) {
		snprintf(why, whylen, "cannot go with %s", a->mode == RS_CRAFT_ICMP + 1 ? "-1" : "-2");
		return false;
	}
	a->mode = (uint8_t)d->max;
	return true;
}

/* TCP options, appended in the order given. */
static bool h_mss(struct rs_send_args *a, const struct rs_send_opt_def *d, const char *arg,
		  char *why, size_t whylen)
{
	uint64_t v;
	if (!parse_num(d, arg, &v, why, whylen))
		return false;
	rs_tcpopts_mss(&a->cfg.spec.opts, (uint16_t)v);
	return true;
}

/* RFC 7323 section 2.3: a shift above 14 is an error (the row's bound). */
static bool h_wscale(struct rs_send_args *a, const struct rs_send_opt_def *d, const char *arg,
		     char *why, size_t whylen)
{
	uint64_t v;
	if (!parse_num(d, arg, &v, why, whylen))
		return false;
	rs_tcpopts_wscale(&a->cfg.spec.opts, (uint8_t)v);
	return true;
}

static bool h_sack_perm(struct rs_send_args *a, const struct rs_send_opt_def *d, const char *arg,
			char *why, size_t whylen)
{
	(void)d, (void)arg, (void)why, (void)whylen;
	rs_tcpopts_sack_perm(&a->cfg.spec.opts);
	return true;
}

static bool h_nop(struct rs_send_args *a, const struct rs_send_opt_def *d, const char *arg,
		  char *why, size_t whylen)
{
	(void)d, (void)arg, (void)why, (void)whylen;
	rs_tcpopts_nop(&a->cfg.spec.opts);
	return true;
}

static bool h_sack(struct rs_send_args *a, const struct rs_send_opt_def *d, const char *arg,
		   char *why, size_t whylen)
{
	uint32_t blocks[4][2];
	unsigned n;
	(void)d;
	if (!rs_parse_sack(arg, blocks, 4, &n, why, whylen))
		return false;
	rs_tcpopts_sack(&a->cfg.spec.opts, (const uint32_t (*)[2])blocks, n);
	return true;
}

static bool h_ts(struct rs_send_args *a, const struct rs_send_opt_def *d, const char *arg,
		 char *why, size_t whylen)
{
	uint32_t val, ecr;
	(void)d;
	if (!rs_parse_ts(arg, &val, &ecr, why, whylen))
		return false;
	rs_tcpopts_ts(&a->cfg.spec.opts, val, ecr);
	return true;
}

static bool h_opt_hex(struct rs_send_args *a, const struct rs_send_opt_def *d, const char *arg,
		      char *why, size_t whylen)
{
	uint8_t b[RS_CRAFT_OPT_MAX];
	size_t n;
	(void)d;
	if (!rs_parse_hex(arg, b, sizeof(b), &n, why, whylen))
		return false;
	rs_tcpopts_raw(&a->cfg.spec.opts, b, n);
	return true;
}

static bool h_icmp_type(struct rs_send_args *a, const struct rs_send_opt_def *d, const char *arg,
			char *why, size_t whylen)
{
	(void)d;
	if (rs_icmp_kind_parse(arg, &a->cfg.spec.icmp))
		return true;
	snprintf(why, whylen, "not echo, echo-reply, unreach, time-exceeded or timestamp");
	return false;
}

static bool h_quote_proto(struct rs_send_args *a, const struct rs_send_opt_def *d,
			  const char *arg, char *why, size_t whylen)
{
	(void)d;
	if (strcmp(arg, "udp") == 0)
		a->cfg.spec.quote_proto = 17;
	else if (strcmp(arg, "tcp") == 0)
		a->cfg.spec.quote_proto = 6;
	else {
		snprintf(why, whylen, "not udp or tcp");
		return false;
	}
	return true;
}

/* --data-file: the one loader; its size refusal keeps send's words. */
static bool load_file(struct rs_send_args *a, const char *path, size_t *n, char *why,
		      size_t whylen)
{
	uint8_t *b = rs_datafile_load(path, sizeof(a->data), n, why, whylen);
	if (!b) {
		char big[64];
		snprintf(big, sizeof(big), ": larger than %zu bytes", sizeof(a->data));
		size_t wl = strlen(why), bl = strlen(big);
		if (wl >= bl && strcmp(why + wl - bl, big) == 0)
			snprintf(why, whylen, "more than 65536 bytes");
		return false;
	}
	memcpy(a->data, b, *n);
	free(b);
	return true;
}

/* The payload: the row's kind 0 a string, 1 hex, 2 a file. */
static bool h_data(struct rs_send_args *a, const struct rs_send_opt_def *d, const char *arg,
		   char *why, size_t whylen)
{
	size_t n = 0;
	if (a->given & RS_SEND_GIVEN_DATA) {
		snprintf(why, whylen, "only one of --data, --data-hex, --data-file (-E)");
		return false;
	}
	a->given |= RS_SEND_GIVEN_DATA;
	if (d->max == 0) {
		/* The escapes of connect --data: \r \n \t \\ \0 \xHH. */
		if (!rs_unescape(arg, a->data, sizeof(a->data), &n)) {
			snprintf(why, whylen, "more than 65536 bytes");
			return false;
		}
	} else if (d->max == 1) {
		if (!rs_parse_hex(arg, a->data, sizeof(a->data), &n, why, whylen))
			return false;
	} else if (!load_file(a, arg, &n, why, whylen)) {
		return false;
	}
	a->cfg.spec.payload = a->data;
	a->cfg.spec.payload_len = n;
	return true;
}

static bool h_rate(struct rs_send_args *a, const struct rs_send_opt_def *d, const char *arg,
		   char *why, size_t whylen)
{
	(void)d;
	if (!rs_parse_rate(arg, &a->pps, why, whylen))
		return false;
	a->cfg.interval_ns = (uint64_t)(1e9 / a->pps);
	return true;
}

/* --fast, --faster: hping3's paces (the row's value, in nanoseconds). */
static bool h_pace(struct rs_send_args *a, const struct rs_send_opt_def *d, const char *arg,
		   char *why, size_t whylen)
{
	(void)arg, (void)why, (void)whylen;
	a->cfg.interval_ns = d->max;
	return true;
}

static bool h_ifname(struct rs_send_args *a, const struct rs_send_opt_def *d, const char *arg,
		     char *why, size_t whylen)
{
	(void)d;
	if (strlen(arg) >= sizeof(a->cfg.ifname)) {
		snprintf(why, whylen, "name too long");
		return false;
	}
	memcpy(a->cfg.ifname, arg, strlen(arg) + 1);
	return true;
}

/* The row's kind 0 the source MAC, 1 the destination's. */
static bool h_mac(struct rs_send_args *a, const struct rs_send_opt_def *d, const char *arg,
		  char *why, size_t whylen)
{
	struct rs_craft_spec *s = &a->cfg.spec;
	if (!rs_parse_mac(arg, d->max == 0 ? s->src_mac : s->dst_mac, why, whylen))
		return false;
	if (d->max == 0)
		a->cfg.src_mac_given = true;
	else
		a->cfg.dst_mac_given = true;
	return true;
}

/* send arp's --op: request, reply or the operation's number. */
static bool h_arp_op(struct rs_send_args *a, const struct rs_send_opt_def *d, const char *arg,
		     char *why, size_t whylen)
{
	uint64_t v;
	(void)d;
	if (strcmp(arg, "request") == 0)
		v = RS_ARP_OP_REQUEST;
	else if (strcmp(arg, "reply") == 0)
		v = RS_ARP_OP_REPLY;
	else if (!rs_parse_uint(arg, 65535, &v, why, whylen)) {
		snprintf(why, whylen, "'%.64s' is not request, reply or a number up to 65535", arg);
		return false;
	}
	a->cfg.spec.arp_op = (uint16_t)v;
	a->cfg.arp_given |= RS_SEND_ARP_OP;
	return true;
}

/* --sender-mac, --target-mac (the row's value RS_SEND_ARP_SHA or _THA). */
static bool h_arp_mac(struct rs_send_args *a, const struct rs_send_opt_def *d, const char *arg,
		      char *why, size_t whylen)
{
	struct rs_craft_spec *s = &a->cfg.spec;
	if (!rs_parse_mac(arg, d->max == RS_SEND_ARP_SHA ? s->arp_sha : s->arp_tha, why, whylen))
		return false;
	a->cfg.arp_given |= (uint8_t)d->max;
	return true;
}

/* --sender-ip, --target-ip: IPv4 addresses (RS_SEND_ARP_SPA or _TPA). */
static bool h_arp_ip(struct rs_send_args *a, const struct rs_send_opt_def *d, const char *arg,
		     char *why, size_t whylen)
{
	uint8_t v, addr[16];
	if (!rs_parse_addr(arg, &v, addr, why, whylen))
		return false;
	if (v != 4) {
		snprintf(why, whylen, "ARP for IPv4 takes IPv4 addresses (IPv6 has neighbour discovery)");
		return false;
	}
	memcpy(d->max == RS_SEND_ARP_SPA ? a->cfg.spec.arp_spa : a->cfg.spec.arp_tpa, addr, 4);
	a->cfg.arp_given |= (uint8_t)d->max;
	return true;
}

#define AT(m) .off = offsetof(struct rs_send_args, m), \
	.size = (uint8_t)sizeof(((struct rs_send_args *)0)->m)
#define REQ_AS(n, l, fn) .name = n, .label = l, .has_arg = RS_SEND_ARG_REQUIRED, .set = fn
#define REQ(n, fn) REQ_AS(n, "--" n, fn)
#define NOARG(n, fn) .name = n, .label = "--" n, .has_arg = RS_SEND_ARG_NONE, .set = fn
#define FLAG(n) NOARG(n, h_flag), .max = 1
#define HPING(c, l, fn) .letter = c, .label = l, .has_arg = RS_SEND_ARG_REQUIRED, .set = fn
#define FLAG_LETTER(c, l, bit) .letter = c, .label = l, .set = h_flag_bit, .max = bit, \
	.only = RS_SEND_TCP, .mark = RS_SEND_GIVEN_FLAGS

/* One row per option. */
const struct rs_send_opt_def rs_send_opts[] = {
	{ REQ_AS("count", "-c", h_uint), .letter = 'c', AT(cfg.count), .max = UINT64_MAX,
	  .zero = "the count must be at least 1", .mark = RS_SEND_GIVEN_COUNT },
	{ FLAG("quiet"), .letter = 'q', AT(cfg.quiet) },
	{ .letter = '4', .set = h_flag, .label = "-4", .mark = RS_SEND_GIVEN_FORCE4 },
	{ .letter = '6', .set = h_flag, .label = "-6", .mark = RS_SEND_GIVEN_FORCE6 },
	/* IP */
	{ REQ("src", h_src) },
	{ .name = "rand-source", .label = "--rand-source", .has_arg = RS_SEND_ARG_OPTIONAL,
	  .next_word_slash = true, .set = h_rand_source },
	{ REQ("ttl", h_uint), AT(cfg.spec.ttl), .max = 255 },
	{ REQ("hlim", h_uint), AT(cfg.spec.ttl), .max = 255 },
	{ REQ("tos", h_uint), AT(cfg.spec.tos), .max = 255 },
	{ REQ("tclass", h_uint), AT(cfg.spec.tos), .max = 255 },
	{ REQ("id", h_uint), AT(cfg.spec.id), .max = 65535, .mark = RS_SEND_GIVEN_ID,
	  .only = RS_SEND_V4 },
	{ FLAG("df"), AT(cfg.spec.df), .only = RS_SEND_V4 },
	{ FLAG("mf"), AT(cfg.spec.mf), .only = RS_SEND_V4 },
	{ REQ("frag-offset", h_uint), AT(cfg.spec.frag_off), .max = 8191, .only = RS_SEND_V4 },
	{ REQ("flow-label", h_uint), AT(cfg.spec.flow), .max = 0xfffff, .only = RS_SEND_V6 },
	/* TCP and UDP */
	{ REQ("sport", h_uint), AT(cfg.spec.sport), .max = 65535, .mark = RS_SEND_GIVEN_SPORT },
	{ REQ("dport", h_uint), AT(cfg.spec.dport), .max = 65535, .mark = RS_SEND_GIVEN_DPORT },
	{ REQ("flags", h_tcp_flags), .only = RS_SEND_TCP, .mark = RS_SEND_GIVEN_FLAGS },
	{ REQ("seq", h_uint), AT(cfg.spec.seq), .max = UINT32_MAX, .mark = RS_SEND_GIVEN_SEQ,
	  .only = RS_SEND_TCP },
	{ REQ("ack", h_uint), AT(cfg.spec.ack), .max = UINT32_MAX, .only = RS_SEND_TCP },
	{ REQ("win", h_uint), AT(cfg.spec.win), .max = 65535, .only = RS_SEND_TCP },
	{ REQ("urg", h_uint), AT(cfg.spec.urg), .max = 65535, .only = RS_SEND_TCP },
	{ REQ("mss", h_mss), .max = 65535, .only = RS_SEND_TCP },
	{ REQ("wscale", h_wscale), .max = 14, .only = RS_SEND_TCP },
	{ NOARG("sack-perm", h_sack_perm), .only = RS_SEND_TCP },
	{ REQ("sack", h_sack), .only = RS_SEND_TCP },
	{ REQ("ts", h_ts), .only = RS_SEND_TCP },
	{ NOARG("nop", h_nop), .only = RS_SEND_TCP },
	{ REQ("opt-hex", h_opt_hex), .only = RS_SEND_TCP },
	{ FLAG("rand-seq"), AT(cfg.rand_seq), .only = RS_SEND_TCP },
	/* ICMP */
	{ REQ("icmp-type", h_icmp_type), .only = RS_SEND_ICMP },
	{ REQ("icmp-code", h_uint), AT(cfg.spec.icmp_code), .max = 255, .only = RS_SEND_ICMP },
	{ REQ("icmp-id", h_uint), AT(cfg.spec.echo_id), .max = 65535, .only = RS_SEND_ICMP },
	{ REQ("icmp-seq", h_uint), AT(cfg.spec.echo_seq), .max = 65535, .only = RS_SEND_ICMP },
	{ REQ("quote-proto", h_quote_proto), .only = RS_SEND_ICMP },
	/* ARP */
	{ REQ("op", h_arp_op), .only = RS_SEND_ARP },
	{ REQ("sender-mac", h_arp_mac), .max = RS_SEND_ARP_SHA, .only = RS_SEND_ARP },
	{ REQ("sender-ip", h_arp_ip), .max = RS_SEND_ARP_SPA, .only = RS_SEND_ARP },
	{ REQ("target-mac", h_arp_mac), .max = RS_SEND_ARP_THA, .only = RS_SEND_ARP },
	{ REQ("target-ip", h_arp_ip), .max = RS_SEND_ARP_TPA, .only = RS_SEND_ARP },
	{ FLAG("gratuitous"), AT(cfg.arp_gratuitous), .only = RS_SEND_ARP },
	/* Data */
	{ REQ("data", h_data), .max = 0 },
	{ REQ("data-hex", h_data), .max = 1 },
	{ REQ("data-file", h_data), .max = 2 },
	{ FLAG("bad-checksum"), AT(cfg.spec.bad_csum) },
	{ FLAG("bad-ip-checksum"), AT(cfg.spec.bad_ip_csum), .only = RS_SEND_V4 },
	/* Pace, show, file, link, safety, privileges: the order of the
	 * getopt_long table it replaced (getopt lists an ambiguous
	 * abbreviation's possibilities in it). */
	{ REQ("interval", h_interval), .letter = 'i', AT(cfg.interval_ns), .max = 1,
	  .mark = RS_SEND_GIVEN_INTERVAL },
	{ REQ("rate", h_rate), .mark = RS_SEND_GIVEN_RATE },
	{ FLAG("flood"), AT(cfg.flood) },
	{ REQ("duration", h_interval), AT(cfg.duration_ns), .zero = "must be more than 0" },
	{ REQ("seq-step", h_uint), AT(cfg.seq_step), .max = UINT32_MAX, .only = RS_SEND_TCP },
	{ REQ("sport-step", h_uint), AT(cfg.sport_step), .max = 65535,
	  .mark = RS_SEND_GIVEN_SPORT_STEP },
	{ FLAG("listen"), AT(listen) },
	{ NOARG("no-listen", h_flag), AT(listen), .max = 0 },
	{ REQ("wait", h_interval), AT(cfg.wait_ns) },
	{ REQ("write", h_str), .letter = 'w', AT(cfg.write_path) },
	{ FLAG("dry-run"), AT(cfg.dry_run) },
	{ FLAG("force"), AT(force) },
	{ FLAG("link"), AT(cfg.spec.link) },
	{ REQ("interface", h_ifname), .letter = 'I' },
	{ REQ("src-mac", h_mac), .max = 0 },
	{ REQ("dst-mac", h_mac), .max = 1 },
	{ FLAG("frag"), AT(cfg.frag) },
	{ REQ("threads", h_uint), AT(cfg.threads), .max = RS_SEND_THREADS_MAX,
	  .zero = "at least 1" },
	{ FLAG("no-link"), AT(cfg.no_link) },
	{ REQ("user", h_str), .letter = 'Z', AT(user) },
	/* hping3's letters (man/rawshake.1, "For hping3 users"). */
	{ HPING('p', "-p", h_hping_port), AT(cfg.spec.dport), .max = 65535, .mark = RS_SEND_GIVEN_DPORT },
	{ HPING('s', "-s", h_uint), AT(cfg.spec.sport), .max = 65535,
	  .mark = RS_SEND_GIVEN_SPORT | RS_SEND_GIVEN_BASEPORT },
	{ .letter = 'k', .label = "-k", .set = h_flag, AT(cfg.sport_step), .max = 0,
	  .mark = RS_SEND_GIVEN_SPORT_STEP },
	{ FLAG_LETTER('F', "-F", RS_TH_FIN) },
	{ FLAG_LETTER('S', "-S", RS_TH_SYN) },
	{ FLAG_LETTER('R', "-R", RS_TH_RST) },
	{ FLAG_LETTER('P', "-P", RS_TH_PSH) },
	{ FLAG_LETTER('A', "-A", RS_TH_ACK) },
	{ FLAG_LETTER('U', "-U", RS_TH_URG) },
	{ FLAG_LETTER('X', "-X", RS_TH_ECE) },   /* hping3's "X unused flag (0x40)" */
	{ FLAG_LETTER('Y', "-Y", RS_TH_CWR) },   /* its "Y unused flag (0x80)" */
	{ HPING('d', "-d", h_uint), AT(data_size), .max = RS_SEND_DATA_MAX,
	  .mark = RS_SEND_GIVEN_DATA_SIZE },
	{ HPING('E', "-E", h_data), .max = 2 },
	{ .letter = '1', .label = "-1", .set = h_mode, .max = RS_CRAFT_ICMP + 1 },
	{ .letter = '2', .label = "-2", .set = h_mode, .max = RS_CRAFT_UDP + 1 },
	/* hping3's --fast (-i u100000, 10 a second) and --faster (-i u1:
	 * more than 1000 a second, so it goes through the guard). */
	{ NOARG("fast", h_pace), .max = 100000000, .mark = RS_SEND_GIVEN_INTERVAL },
	{ NOARG("faster", h_pace), .max = 1000, .mark = RS_SEND_GIVEN_INTERVAL },
};
const size_t rs_send_opts_count = sizeof(rs_send_opts) / sizeof(rs_send_opts[0]);

void rs_send_args_init(struct rs_send_args *a)
{
	memset(a, 0, offsetof(struct rs_send_args, data));
	rs_craft_spec_init(&a->cfg.spec);
	a->cfg.spec.flags = RS_TH_SYN;
	a->cfg.count = 1;
	a->cfg.interval_ns = 1000000000;
	a->cfg.wait_ns = 1000000000;
	a->cfg.vary_id = true;
	a->listen = -1;
}

int rs_send_opt_find(const char *name, char letter)
{
	for (size_t i = 0; i < rs_send_opts_count; i++) {
		const struct rs_send_opt_def *d = &rs_send_opts[i];
		if (name ? d->name && strcmp(d->name, name) == 0 : letter && d->letter == letter)
			return (int)i;
	}
	return -1;
}

bool rs_send_opt(struct rs_send_args *a, int index, const char *arg, char *err, size_t errlen)
{
	char why[256];
	if (index < 0 || (size_t)index >= rs_send_opts_count) {
		snprintf(err, errlen, "no such option");
		return false;
	}
	const struct rs_send_opt_def *d = &rs_send_opts[index];
	if (d->has_arg == RS_SEND_ARG_REQUIRED && !arg) {
		snprintf(err, errlen, "%s: needs a value", d->label);
		return false;
	}
	why[0] = '\0';
	if (!d->set(a, d, arg, why, sizeof(why))) {
		snprintf(err, errlen, "%s: %s", d->label, why);
		return false;
	}
	a->given |= d->mark;
	if (d->only != RS_SEND_ANY)
		a->only_opt[d->only] = d->label;
	return true;
}

bool rs_send_cfg_target(struct rs_send_args *a, const char *proto, const char *dst,
			char *err, size_t errlen)
{
	struct rs_craft_spec *s = &a->cfg.spec;
	char why[256];

	if (!proto && a->mode)
		s->proto = (enum rs_craft_proto)(a->mode - 1);
	else if (!proto) {
		snprintf(err, errlen, "give a protocol (tcp, udp, icmp or arp, or -1 or -2) and a destination address");
		return false;
	} else if (strcmp(proto, "arp") == 0) {
		s->proto = RS_CRAFT_ARP;
		s->link = true;
	} else if (strcmp(proto, "tcp") == 0)
		s->proto = RS_CRAFT_TCP;
	else if (strcmp(proto, "udp") == 0)
		s->proto = RS_CRAFT_UDP;
	else if (strcmp(proto, "icmp") == 0 || strcmp(proto, "icmp6") == 0)
		s->proto = RS_CRAFT_ICMP;
	else {
		snprintf(err, errlen, "%.40s: the protocol is tcp, udp, icmp or arp", proto);
		return false;
	}
	if (a->mode && (unsigned)s->proto + 1 != a->mode) {
		snprintf(err, errlen, "%.40s: not the protocol %s says", proto,
			 a->mode == RS_CRAFT_ICMP + 1 ? "-1" : "-2");
		return false;
	}
	uint8_t srcv = s->v;
	if (!rs_parse_addr(dst, &s->v, s->dst, why, sizeof(why))) {
		snprintf(err, errlen, "DST: %s", why);
		return false;
	}
	if (a->cfg.src_given && srcv != s->v) {
		snprintf(err, errlen, "--src: not the destination's address family");
		return false;
	}
	if (s->proto == RS_CRAFT_ARP && s->v != 4) {
		snprintf(err, errlen, "DST: ARP resolves IPv4 addresses (IPv6 has neighbour discovery)");
		return false;
	}
	return true;
}

#define REFUSE(opt, ...) do { \
		snprintf(err, errlen, "%s: ", (opt)); \
		size_t l_ = strlen(err); \
		snprintf(err + l_, errlen - l_, __VA_ARGS__); \
		return false; \
	} while (0)

/* The address families: -4/-6, --rand-source's range (by default the
 * same documentation range as flood: never the whole address space,
 * multicast, other people's networks), the options of one family. */
static bool check_family(struct rs_send_args *a, char *err, size_t errlen)
{
	struct rs_send_cfg *cfg = &a->cfg;
	uint8_t v = cfg->spec.v;
	char why[256];

	if (((a->given & RS_SEND_GIVEN_FORCE6) && v == 4) ||
	    ((a->given & RS_SEND_GIVEN_FORCE4) && v == 6))
		REFUSE((a->given & RS_SEND_GIVEN_FORCE6) ? "-6" : "-4",
		       "the destination is of the other address family");
	if (cfg->rand_source) {
		if (cfg->src_given)
			REFUSE("--rand-source", "cannot go with --src");
		const char *range = a->rand_cidr;
		if (!range)
			range = v == 4 ? RS_GUARD_DEFAULT_CIDR4 : RS_GUARD_DEFAULT_CIDR6;
		if (!rs_parse_cidr(range, &cfg->rand_cidr, why, sizeof(why)))
			REFUSE("--rand-source", "%s", why);
		if (cfg->rand_cidr.v != v)
			REFUSE("--rand-source", "not the destination's address family");
	}
	if (a->only_opt[RS_SEND_V4] && v == 6)
		REFUSE(a->only_opt[RS_SEND_V4], "applies to IPv4 only");
	if (a->only_opt[RS_SEND_V6] && v == 4)
		REFUSE(a->only_opt[RS_SEND_V6], "applies to IPv6 only");
	return true;
}

/* send arp: a frame on one link, none of the IP layer's options. */
static bool check_arp(struct rs_send_args *a, char *err, size_t errlen)
{
	const struct rs_send_cfg *cfg = &a->cfg;

	if (!cfg->ifname[0])
		REFUSE("arp", "give the link: -I IFACE");
	if (a->only_opt[RS_SEND_TCP] || a->only_opt[RS_SEND_ICMP] || a->only_opt[RS_SEND_V4])
		REFUSE(a->only_opt[RS_SEND_TCP] ? a->only_opt[RS_SEND_TCP] :
		       a->only_opt[RS_SEND_ICMP] ? a->only_opt[RS_SEND_ICMP] : a->only_opt[RS_SEND_V4],
		       "has no meaning for arp");
	if (cfg->src_given || cfg->rand_source || (a->given & (RS_SEND_GIVEN_DPORT | RS_SEND_GIVEN_SPORT |
							       RS_SEND_GIVEN_DATA | RS_SEND_GIVEN_DATA_SIZE)))
		REFUSE("arp", "--src, --rand-source, ports and data are IP's; ARP has --sender-ip");
	if (cfg->frag || cfg->flood || cfg->no_link)
		REFUSE(cfg->frag ? "--frag" : cfg->flood ? "--flood" : "--no-link",
		       "cannot go with arp");
	if (cfg->arp_gratuitous && (cfg->arp_given & (RS_SEND_ARP_SPA | RS_SEND_ARP_TPA)))
		REFUSE("--gratuitous", "sets both IP addresses to DST: no --sender-ip or --target-ip");
	return true;
}

/* The protocol's options and what a packet of it needs. */
static bool check_proto(struct rs_send_args *a, char *err, size_t errlen)
{
	const struct rs_craft_spec *s = &a->cfg.spec;

	if (a->only_opt[RS_SEND_TCP] && s->proto != RS_CRAFT_TCP)
		REFUSE(a->only_opt[RS_SEND_TCP], "applies to tcp only");
	if (a->only_opt[RS_SEND_ICMP] && s->proto != RS_CRAFT_ICMP)
		REFUSE(a->only_opt[RS_SEND_ICMP], "applies to icmp only");
	if (a->only_opt[RS_SEND_ARP] && s->proto != RS_CRAFT_ARP)
		REFUSE(a->only_opt[RS_SEND_ARP], "applies to arp only");
	if (s->proto == RS_CRAFT_ARP)
		return check_arp(a, err, errlen);
	if (s->proto == RS_CRAFT_TCP && s->opts.overflow)
		REFUSE("TCP options", "they take more than the 40 bytes a header holds");
	if (s->proto != RS_CRAFT_ICMP && s->proto != RS_CRAFT_ARP && !(a->given & RS_SEND_GIVEN_DPORT))
		REFUSE("--dport", "required for tcp and udp");
	if (s->proto == RS_CRAFT_ICMP && s->icmp == RS_ICMPK_TIMESTAMP && s->v == 6)
		REFUSE("--icmp-type", "timestamp has no ICMPv6 form");
	return true;
}

/* Pacing, the link layer, a dry run. */
static bool check_run(struct rs_send_args *a, char *err, size_t errlen)
{
	const struct rs_send_cfg *cfg = &a->cfg;
	const struct rs_craft_spec *s = &cfg->spec;
	bool interval = a->given & RS_SEND_GIVEN_INTERVAL, rate = a->given & RS_SEND_GIVEN_RATE;

	if (cfg->threads && !cfg->flood)
		REFUSE("--threads", "needs --flood");
	if (cfg->flood && (interval || rate))
		REFUSE("--flood", "cannot go with --interval or --rate");
	if (interval && rate)
		REFUSE("--rate", "cannot go with --interval");
	if (cfg->flood && !(a->given & RS_SEND_GIVEN_COUNT) && !cfg->duration_ns)
		REFUSE("--flood", "needs -c COUNT or --duration so that it stops");
	if (cfg->rand_seq && ((a->given & RS_SEND_GIVEN_SEQ) || cfg->seq_step))
		REFUSE("--rand-seq", "cannot go with --seq or --seq-step");
	if (s->bad_ip_csum && !s->link && !cfg->dry_run)
		REFUSE("--bad-ip-checksum", "the kernel rewrites the IPv4 checksum of raw sockets; "
		       "add --link (or --dry-run)");
	if (cfg->no_link && s->link)
		REFUSE("--no-link", "cannot go with --link");
	if ((cfg->src_mac_given || cfg->dst_mac_given) && !s->link && s->proto != RS_CRAFT_ARP)
		REFUSE(cfg->src_mac_given ? "--src-mac" : "--dst-mac", "needs --link");
	if (cfg->dry_run && a->listen == 1)
		REFUSE("--listen", "cannot go with --dry-run");
	if (cfg->frag && s->v == 6)
		REFUSE("--frag", "only IPv4 packets can be fragmented");
	return true;
}

bool rs_send_cfg_check(struct rs_send_args *a, char *err, size_t errlen)
{
	return check_family(a, err, errlen) && check_proto(a, err, errlen) &&
	       check_run(a, err, errlen);
}

/* A random source port in the usual ephemeral range and, for TCP, an ISN
 * as a stack would pick one. */
static void random_ports(struct rs_send_args *a)
{
	struct rs_craft_spec *s = &a->cfg.spec;

	if (!(a->given & RS_SEND_GIVEN_SPORT) && s->proto != RS_CRAFT_ICMP) {
		uint16_t r = 0;
		if (getrandom(&r, sizeof(r), 0) != sizeof(r))
			r = (uint16_t)getpid();
		s->sport = (uint16_t)(32768 + r % 28232);
		/* As hping3 does: a chosen source port stays, a random one
		 * is a base that goes up by one per packet, so each probe is
		 * a connection of its own and its reply is told apart. */
		if (!(a->given & RS_SEND_GIVEN_SPORT_STEP))
			a->cfg.sport_step = 1;
	}
	/* hping3's -s is a base port that goes up as well; -k keeps it. */
	if ((a->given & RS_SEND_GIVEN_BASEPORT) && !(a->given & RS_SEND_GIVEN_SPORT_STEP))
		a->cfg.sport_step = 1;
	if (!(a->given & RS_SEND_GIVEN_SEQ) && s->proto == RS_CRAFT_TCP) {
		uint32_t r = 0;
		if (getrandom(&r, sizeof(r), 0) != sizeof(r))
			r = (uint32_t)getpid() * 2654435761u;
		s->seq = r;
	}
}

/* -d SIZE: as hping3, that many bytes of 'X'; a payload given as well is
 * cut to SIZE or padded with 'X' (as hping3 pads its -e signature). */
static void data_size(struct rs_send_args *a)
{
	struct rs_craft_spec *s = &a->cfg.spec;
	size_t have = a->given & RS_SEND_GIVEN_DATA ? s->payload_len : 0;

	if (!(a->given & RS_SEND_GIVEN_DATA_SIZE))
		return;
	if (a->data_size > have)
		memset(a->data + have, 'X', a->data_size - have);
	s->payload = a->data;
	s->payload_len = a->data_size;
}

void rs_send_cfg_finish(struct rs_send_args *a)
{
	struct rs_send_cfg *cfg = &a->cfg;
	struct rs_craft_spec *s = &cfg->spec;

	data_size(a);

	if (cfg->duration_ns && !(a->given & RS_SEND_GIVEN_COUNT))
		cfg->count = 0;   /* until the duration ends */
	random_ports(a);
	if (a->given & RS_SEND_GIVEN_ID)
		cfg->vary_id = false;
	else if (s->v == 4)
		s->id = (uint16_t)getpid();
	if (s->proto == RS_CRAFT_ARP) {
		/* Nothing of an IP header to vary, nothing to listen for. */
		cfg->vary_id = false;
		cfg->sport_step = 0;
		if (!(cfg->arp_given & RS_SEND_ARP_OP))
			s->arp_op = RS_ARP_OP_REQUEST;
		if (!(cfg->arp_given & RS_SEND_ARP_TPA) || cfg->arp_gratuitous)
			memcpy(s->arp_tpa, s->dst, 4);
		if (cfg->arp_gratuitous)
			memcpy(s->arp_spa, s->dst, 4);
	}
	if (s->proto == RS_CRAFT_ICMP && (!a->only_opt[RS_SEND_ICMP] || s->echo_id == 0))
		s->echo_id = (uint16_t)getpid();
	if (a->listen < 0)
		cfg->listen = !cfg->flood && !cfg->dry_run &&
			      (s->proto == RS_CRAFT_TCP || s->proto == RS_CRAFT_UDP ||
			       (s->proto == RS_CRAFT_ICMP &&
				(s->icmp == RS_ICMPK_ECHO || s->icmp == RS_ICMPK_TIMESTAMP)));
	else
		cfg->listen = a->listen == 1;
	if (cfg->flood)
		cfg->quiet = true;   /* a line per packet would be the bottleneck */
}
