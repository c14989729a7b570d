/* cmd_flood.c: "rawshake flood": options into a flood of SYNs, the destination check, progress. */
#include "cli.h"
#include "rawshake/craft.h"
#include "rawshake/craft_opts.h"
#include "rawshake/flood.h"
#include "rawshake/send_inject.h"
#include "rawshake/out.h"
#include "rawshake/send.h"
#include "rawshake/signals.h"

#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

static void flood_usage(FILE *f)
{
	fprintf(f,
		"usage: rawshake flood DST PORT (--count N | --duration T) [options]\n"
		"A SYN flood built with the send machinery: SYNs shaped like Linux's (window\n"
		"64240, MSS, SACK permitted, timestamps, window scale 7), random sequence\n"
		"numbers, sent as fast as possible or at --rate.  It always stops by itself.\n"
		"DST is an address literal: loopback or a documentation range (192.0.2.0/24,\n"
		"198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32) unless --force.\n"
		"\n"
		"  -c, --count N            SYNs to send\n"
		"      --duration T         time to flood (1.5, 500ms, 10s)\n"
		"      --rate PPS           packets per second (2.5k, 1M); without it: --flood\n"
		"      --flood              as fast as possible (the default)\n"
		"      --rand-source[=CIDR] a random source address per packet, inside CIDR\n"
		"                           (default %s, or %s for IPv6)\n"
		"      --src ADDR           the source address (default: the route's)\n"
		"      --rand-sport         a different source port for every packet\n"
		"      --sport N            the source port (default: one random ephemeral port)\n"
		"  -I, --interface IF       send on IF\n"
		"      --link               send Ethernet frames on the link layer (AF_PACKET)\n"
		"  -q, --quiet              no progress line and no text summary\n"
		"      --format text|json   the final summary as text (default) or one JSON object\n"
		"      --force              flood a destination outside loopback and the\n"
		"                           documentation ranges (only a network you own!)\n"
		"  -h, --help\n"
		"Needs CAP_NET_RAW.  When standard error is a terminal, a status line there shows\n"
		"sent, rate and elapsed time, once a second.\n"
		"Exit status: 0 done, 1 a send failed, 2 usage, refused destination or setup error.\n",
		RS_GUARD_DEFAULT_CIDR4, RS_GUARD_DEFAULT_CIDR6);
}

enum {
	O_RATE = RS_OPT_FIRST_COMMAND_OPT, O_DURATION, O_FLOOD, O_RAND_SOURCE, O_SRC,
	O_RAND_SPORT, O_SPORT, O_LINK, O_FORMAT, O_FORCE,
};

static int bad(const char *opt, const char *why)
{
	fprintf(stderr, "rawshake flood: %s: %s\n", opt, why);
	return RS_EXIT_USAGE;
}

static void on_signal(int sig)
{
	(void)sig;
	rs_flood_stop();
}

static void summary(struct rs_out *o, bool json, const struct rs_flood *f, const char *dst,
		    const char *cidr, const struct rs_flood_stats *st)
{
	double secs = (double)st->elapsed_ns / 1e9;
	if (json) {
		rs_out_str(o, "{\"type\":\"flood_summary\",\"dst\":");
		rs_out_json_cstr(o, dst);
		rs_out_printf(o, ",\"port\":%u,\"sent\":%llu,\"errors\":%llu,\"elapsed_s\":%.6f,"
			      "\"pps\":", f->send.spec.dport, (unsigned long long)st->sent,
			      (unsigned long long)st->errors, secs);
		if (st->pps > 0)   /* null: no rate from fewer than 2 packets */
			rs_out_double(o, st->pps, 1);
		else
			rs_out_str(o, "null");
		rs_out_str(o, ",\"rate\":");
		if (f->rate > 0)
			rs_out_double(o, f->rate, 1);
		else
			rs_out_str(o, "null");
		rs_out_str(o, ",\"rand_source\":");
		if (cidr)
			rs_out_json_cstr(o, cidr);
		else
			rs_out_str(o, "null");
		rs_out_printf(o, ",\"rand_sport\":%s}\n", f->rand_sport ? "true" : "false");
	} else {
		char rate[48] = "";
		if (st->pps > 0)
			snprintf(rate, sizeof(rate), " (%.1f packets/s)", st->pps);
		rs_out_printf(o, "%llu SYN%s sent to %s port %u in %.3f s%s, %llu error%s\n",
			      (unsigned long long)st->sent, st->sent == 1 ? "" : "s", dst,
			      f->send.spec.dport, secs, rate, (unsigned long long)st->errors,
			      st->errors == 1 ? "" : "s");
	}
}

/* What the command line says beyond the flood itself. */
struct flood_opts {
	bool flood_given, force, json, sport_given;
	uint8_t srcv;            /* --src's family */
	const char *rand_cidr;   /* --rand-source's CIDR, or NULL for the default */
	const char *dst;         /* DST as given, for the summary */
};

/* One option into f or o: -1 when it is taken, else the exit status. */
static int parse_opt(int c, int argc, char **argv, struct rs_flood *f, struct flood_opts *o)
{
	struct rs_send_cfg *cfg = &f->send;
	struct rs_craft_spec *s = &cfg->spec;
	char why[256];
	uint64_t v;

	switch (c) {
	case 'c':
		if (!rs_parse_uint(optarg, UINT64_MAX, &v, why, sizeof(why)))
			return bad("--count", why);
		if (v == 0)
			return bad("--count", "must be at least 1");
		f->count = v;
		break;
	case O_DURATION:
		if (!rs_parse_interval(optarg, &f->duration_ns, why, sizeof(why)))
			return bad("--duration", why);
		if (f->duration_ns == 0)
			return bad("--duration", "must be more than 0");
		break;
	case O_RATE:
		if (!rs_parse_rate(optarg, &f->rate, why, sizeof(why)))
			return bad("--rate", why);
		break;
	case O_FLOOD: o->flood_given = true; break;
	case O_RAND_SOURCE:
		cfg->rand_source = true;
		o->rand_cidr = optarg;
		/* "--rand-source CIDR" as well as "--rand-source=CIDR". */
		if (!o->rand_cidr && optind < argc && strchr(argv[optind], '/'))
			o->rand_cidr = argv[optind++];
		break;
	case O_SRC:
		if (!rs_parse_addr(optarg, &o->srcv, s->src, why, sizeof(why)))
			return bad("--src", why);
		cfg->src_given = true;
		break;
	case O_RAND_SPORT: f->rand_sport = true; break;
	case O_SPORT:
		if (!rs_parse_uint(optarg, 65535, &v, why, sizeof(why)))
			return bad("--sport", why);
		s->sport = (uint16_t)v;
		o->sport_given = true;
		break;
	case 'I':
		if (strlen(optarg) >= sizeof(cfg->ifname))
			return bad("--interface", "name too long");
		memcpy(cfg->ifname, optarg, strlen(optarg) + 1);
		break;
	case O_LINK: s->link = true; break;
	case 'q': cfg->quiet = true; break;
	case O_FORMAT:
		if (strcmp(optarg, "json") == 0)
			o->json = true;
		else if (strcmp(optarg, "text") != 0)
			return bad("--format", "text or json");
		break;
	case O_FORCE: o->force = true; break;
	case 'h':
		flood_usage(stdout);
		return RS_EXIT_OK;
	default:
		flood_usage(stderr);
		return RS_EXIT_USAGE;
	}
	return -1;
}

/* The options and DST PORT: -1 when the run goes on, else the exit status. */
static int parse_opts(int argc, char **argv, struct rs_flood *f, struct flood_opts *o)
{
	static const struct option longopts[] = {
		{ "count", required_argument, NULL, 'c' },
		{ "duration", required_argument, NULL, O_DURATION },
		{ "rate", required_argument, NULL, O_RATE },
		{ "flood", no_argument, NULL, O_FLOOD },
		{ "rand-source", optional_argument, NULL, O_RAND_SOURCE },
		{ "src", required_argument, NULL, O_SRC },
		{ "rand-sport", no_argument, NULL, O_RAND_SPORT },
		{ "sport", required_argument, NULL, O_SPORT },
		{ "interface", required_argument, NULL, 'I' },
		{ "link", no_argument, NULL, O_LINK },
		{ "quiet", no_argument, NULL, 'q' },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "force", no_argument, NULL, O_FORCE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct rs_craft_spec *s = &f->send.spec;
	char why[256];
	uint64_t v;
	int c, r;

	while ((c = getopt_long(argc, argv, "c:I:qh", longopts, NULL)) != -1)
		if ((r = parse_opt(c, argc, argv, f, o)) >= 0)
			return r;
	if (argc - optind != 2) {
		fprintf(stderr, "rawshake flood: %s\n", argc - optind < 2 ?
			"give a destination address and a port" : "too many arguments");
		flood_usage(stderr);
		return RS_EXIT_USAGE;
	}
	o->dst = argv[optind];
	if (!rs_parse_addr(o->dst, &s->v, s->dst, why, sizeof(why)))
		return bad("DST", why);
	/* One message and one range for 0 as for 70000. */
	if (!rs_parse_uint_range(argv[optind + 1], 1, 65535, &v, why, sizeof(why)))
		return bad("PORT", why);
	s->dport = (uint16_t)v;
	return -1;
}

/* The options that cannot go together, and --rand-source's CIDR (which
 * needs DST's family): -1 when all is well, else the exit status. */
static int check_combinations(struct rs_flood *f, struct flood_opts *o)
{
	struct rs_send_cfg *cfg = &f->send;
	struct rs_craft_spec *s = &cfg->spec;
	char why[256];

	if (!f->count && !f->duration_ns)
		return bad("--count/--duration", "give one (or both) so that the flood stops by itself");
	if (o->flood_given && f->rate > 0)
		return bad("--flood", "cannot go with --rate");
	if (cfg->rand_source && cfg->src_given)
		return bad("--rand-source", "cannot go with --src");
	if (cfg->src_given && o->srcv != s->v)
		return bad("--src", "not the destination's address family");
	if (f->rand_sport && o->sport_given)
		return bad("--rand-sport", "cannot go with --sport");
	if (cfg->rand_source) {
		const char *cidr = o->rand_cidr ? o->rand_cidr : s->v == 4 ? RS_GUARD_DEFAULT_CIDR4 : RS_GUARD_DEFAULT_CIDR6;
		if (!rs_parse_cidr(cidr, &cfg->rand_cidr, why, sizeof(why)))
			return bad("--rand-source", why);
		if (cfg->rand_cidr.v != s->v)
			return bad("--rand-source", "not the destination's address family");
		o->rand_cidr = cidr;
	}
	return -1;
}

/* A SYN as Linux sends it, from one random ephemeral port unless asked. */
static void shape_syn(struct rs_flood *f, const struct flood_opts *o)
{
	struct rs_send_cfg *cfg = &f->send;
	struct rs_craft_spec *s = &cfg->spec;
	uint32_t r[2] = { 0, 0 };

	if (getrandom(r, sizeof(r), 0) != sizeof(r)) {
		r[0] = (uint32_t)getpid() * 2654435761u;
		r[1] = r[0] ^ 0x5bd1e995u;
	}
	rs_flood_syn_like_linux(cfg, r[1]);
	f->syn_like_linux = true;
	if (!o->sport_given)
		s->sport = (uint16_t)(32768 + r[0] % 28232);
	s->seq = r[1];
	cfg->flood = f->rate == 0;
	cfg->count = f->count;
	cfg->duration_ns = f->duration_ns;
}

/* Parse, check, the guard, then open and flood.  The guard (address,
 * random sources, route) comes before anything is opened or sent. */
static int flood_run(int argc, char **argv)
{
	static struct rs_flood f;
	static struct rs_out out;
	struct rs_send_cfg *cfg = &f.send;
	struct flood_opts o = { 0 };
	char why[256], refusal[640];
	int st;

	memset(&f, 0, sizeof(f));
	rs_craft_spec_init(&cfg->spec);
	cfg->vary_id = true;
	if ((st = parse_opts(argc, argv, &f, &o)) >= 0 || (st = check_combinations(&f, &o)) >= 0)
		return st;
	if (!o.force && !rs_guard_bulk("flood", cfg->spec.v, cfg->spec.dst,
				       cfg->rand_source ? &cfg->rand_cidr : NULL, true, refusal,
				       sizeof(refusal))) {
		fprintf(stderr, "rawshake flood: %s\n", refusal);
		return RS_EXIT_USAGE;
	}
	shape_syn(&f, &o);
	if (!rs_have_cap_net_raw()) {
		fprintf(stderr, "rawshake flood: raw sockets need CAP_NET_RAW: run as root, or "
			"'setcap cap_net_raw+ep' the rawshake binary\n");
		return RS_EXIT_USAGE;
	}
	if (!rs_send_prepare(cfg, why, sizeof(why))) {
		fprintf(stderr, "rawshake flood: %s\n", why);
		return RS_EXIT_USAGE;
	}

	struct rs_flood_stats stats;
	rs_out_init(&out, STDOUT_FILENO);
	/* The status line goes to standard error, and only on a terminal:
	 * standard output keeps the summary alone (text or JSON). */
	struct rs_flood_tty tty = { &f, STDERR_FILENO };
	bool show = !cfg->quiet && isatty(STDERR_FILENO);
	rs_signals_catch(on_signal, false);

	st = rs_flood_run(&f, show ? rs_flood_progress_tty : NULL, &tty, &stats, why, sizeof(why));
	if (st != 0)
		fprintf(stderr, "rawshake flood: %s\n", why);
	if (o.json || !cfg->quiet)
		summary(&out, o.json, &f, o.dst, cfg->rand_source ? o.rand_cidr : NULL, &stats);
	rs_out_flush(&out);
	return st;
}

const struct rs_command rs_cmd_flood = {
	.name = "flood",
	.summary = "a bounded SYN flood (to loopback or the documentation ranges unless --force)",
	.run = flood_run,
	.usage = flood_usage,
};
