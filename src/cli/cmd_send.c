/* cmd_send.c: "rawshake send": options and arguments, then the library's send loop. */
#include "cli.h"
#include "rawshake/craft.h"
#include "rawshake/craft_opts.h"
#include "rawshake/send_inject.h"
#include "rawshake/out.h"
#include "rawshake/privdrop.h"
#include "rawshake/guard.h"
#include "rawshake/send.h"
#include "rawshake/view.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

static void send_usage(FILE *f)
{
	fprintf(f,
		"usage: rawshake send {tcp|udp|icmp} DST [options]\n"
		"Build one packet with libnet and send it COUNT times through a raw socket\n"
		"(or the link layer with --link), showing each packet and the replies.\n"
		"DST is an IPv4 or IPv6 address (never a name).  Needs CAP_NET_RAW unless --dry-run.\n"
		"\n"
		"IP:   --src ADDR  --rand-source[=CIDR]  --ttl/--hlim N  --tos/--tclass N  --id N\n"
		"      --df  --mf  --frag-offset N (8-byte units)  --flow-label N  -4  -6\n"
		"TCP:  --sport N (default random, +1 per packet)  --dport N  --flags SA|syn,ack (default S)\n"
		"      --seq N  --ack N  --win N  --urg N  --rand-seq\n"
		"      options, in the order given: --mss N  --wscale N  --sack-perm\n"
		"      --sack L-R[,L-R]  --ts VAL[:ECR]  --nop  --opt-hex HEX\n"
		"UDP:  --sport N  --dport N\n"
		"ICMP: --icmp-type echo|echo-reply|unreach|time-exceeded|timestamp\n"
		"      --icmp-code N  --icmp-id N  --icmp-seq N  (errors quote a packet from DST\n"
		"      with --sport/--dport and --quote-proto udp|tcp)\n"
		"Data: --data STRING  --data-hex HEX  --data-file FILE\n"
		"      --bad-checksum  --bad-ip-checksum (IPv4; needs --link or --dry-run)\n"
		"      --frag (fragment IPv4 packets larger than the MTU)\n"
		"Pace: -c, --count N (default 1)  -i, --interval T (1s; 10ms, 50us)  --rate PPS\n"
		"      --flood (needs -c or --duration)  --duration T\n"
		"      --threads N (flood senders, default one per CPU up to 4)\n"
		"      --seq-step N  --sport-step N\n"
		"Link: --link  -I, --interface IF  --src-mac MAC  --dst-mac MAC\n"
		"      --no-link (a flood keeps to the raw IP socket; by default it goes out\n"
		"      as frames when the next hop is on an Ethernet link and its MAC known)\n"
		"Show: -q, --quiet  -v, --verbose  -S, --absolute  --brief  --format text|json\n"
		"      --ascii  --summary  --conn N  --max-conns N (as for read)\n"
		"      --listen / --no-listen (default on for tcp and icmp unless flooding)\n"
		"      --wait T (for replies after the last packet, default 1s)\n"
		"File: -w, --write FILE (pcap of the crafted packets, opened as the -Z user; '-':\n"
		"      standard output, the text then on standard error)\n"
		"      --dry-run (build, show, write; send nothing)\n"
		"Safe: --flood, --rate above 1000 and --rand-source (default 198.51.100.0/24 or\n"
		"      2001:db8:f100::/48) only to loopback or documentation ranges on links that\n"
		"      stay on this machine, as flood; --force (a network you own)\n"
		"Priv: -Z, --user USER (drop to USER once the sockets and capture are open,\n"
		"      before opening -w FILE; default nobody; root keeps root)\n"
		"  -h, --help\n"
		"Exit status: 0 all sent, 1 a send, the -w file or the output failed mid-run,\n"
		"2 usage, privilege or setup error.\n");
}

enum {
	O_SRC = RS_OPT_FIRST_COMMAND_OPT, O_RAND_SOURCE, O_TTL, O_TOS, O_ID, O_DF, O_MF, O_FRAG_OFF,
	O_FLOW, O_SPORT, O_DPORT, O_FLAGS, O_SEQ, O_ACK, O_WIN, O_URG, O_MSS, O_WSCALE,
	O_SACK_PERM, O_SACK, O_TS, O_NOP, O_OPT_HEX, O_RAND_SEQ, O_ICMP_TYPE, O_ICMP_CODE,
	O_ICMP_ID, O_ICMP_SEQ, O_QUOTE_PROTO, O_DATA, O_DATA_HEX, O_DATA_FILE, O_BAD_CSUM,
	O_BAD_IP_CSUM, O_RATE, O_FLOOD, O_DURATION, O_SEQ_STEP, O_SPORT_STEP, O_LISTEN,
	O_NO_LISTEN, O_WAIT, O_DRY_RUN, O_LINK, O_SRC_MAC, O_DST_MAC, O_FRAG, O_THREADS, O_NO_LINK,
	O_FORCE,
};

/* Above this rate a send is bulk traffic and goes through the guard. */
#define RS_SEND_GUARD_PPS 1000.0

static int bad(const char *opt, const char *why)
{
	fprintf(stderr, "rawshake send: %s: %s\n", opt, why);
	return RS_EXIT_USAGE;
}

static bool num(const char *opt, const char *arg, uint64_t max, uint64_t *v)
{
	char why[128];
	if (rs_parse_uint(arg, max, v, why, sizeof(why)))
		return true;
	bad(opt, why);
	return false;
}

static volatile sig_atomic_t interrupted;
static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
	rs_send_stop();
}

/* A dry run sends nothing: its summary says so, and where the packets went. */
static void print_summary(struct rs_out *o, enum rs_format fmt, const struct rs_send_stats *st,
			  bool dry_run, const char *write_path)
{
	double secs = (double)st->elapsed_ns / 1e9;
	double pps = secs > 0 ? (double)st->sent / secs : 0;
	if (fmt == RS_FORMAT_JSON) {
		rs_out_str(o, "{\"type\":\"send_summary\",\"sent\":");
		rs_out_u64(o, st->sent);
		rs_out_str(o, ",\"errors\":");
		rs_out_u64(o, st->errors);
		rs_out_str(o, ",\"replies\":");
		rs_out_u64(o, st->replies);
		if (st->replies_bad_csum) {
			rs_out_str(o, ",\"replies_bad_csum\":");
			rs_out_u64(o, st->replies_bad_csum);
		}
		rs_out_str(o, ",\"elapsed_s\":");
		rs_out_double(o, secs, 6);
		rs_out_str(o, ",\"pps\":");
		rs_out_double(o, pps, 1);
		if (dry_run)
			rs_out_str(o, ",\"dry_run\":true");
		rs_out_str(o, "}\n");
	} else if (dry_run) {
		rs_out_printf(o, "%llu packet%s built%s%s (dry run, nothing sent), %llu error%s, %.3f s\n",
			      (unsigned long long)st->sent, st->sent == 1 ? "" : "s",
			      write_path ? " and written to " : "", write_path ? write_path : "",
			      (unsigned long long)st->errors, st->errors == 1 ? "" : "s", secs);
	} else {
		/* A reply with a wrong checksum is said so even with -q, where
		 * its [bad csum] line is not printed. */
		char bad[64] = "";
		if (st->replies_bad_csum)
			snprintf(bad, sizeof(bad), " (%llu with a bad checksum)",
				 (unsigned long long)st->replies_bad_csum);
		rs_out_printf(o, "%llu packet%s sent, %llu error%s, %llu repl%s%s, %.3f s, %.1f packets/s\n",
			      (unsigned long long)st->sent, st->sent == 1 ? "" : "s",
			      (unsigned long long)st->errors, st->errors == 1 ? "" : "s",
			      (unsigned long long)st->replies, st->replies == 1 ? "y" : "ies", bad, secs,
			      pps);
	}
}

/* What was asked, to check combinations once all options are read. */
struct given {
	bool v4_only, v6_only, tcp_only, ports, icmp_only;
	const char *v4_opt, *v6_opt, *tcp_opt, *icmp_opt;
	bool count, interval, rate, ttl_v6name, id, listen_set, force4, force6, data;
};

static int send_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		RS_CLI_VIEW_LONGOPTS,
		{ "src", required_argument, NULL, O_SRC },
		{ "rand-source", optional_argument, NULL, O_RAND_SOURCE },
		{ "ttl", required_argument, NULL, O_TTL },
		{ "hlim", required_argument, NULL, O_TTL },
		{ "tos", required_argument, NULL, O_TOS },
		{ "tclass", required_argument, NULL, O_TOS },
		{ "id", required_argument, NULL, O_ID },
		{ "df", no_argument, NULL, O_DF },
		{ "mf", no_argument, NULL, O_MF },
		{ "frag-offset", required_argument, NULL, O_FRAG_OFF },
		{ "flow-label", required_argument, NULL, O_FLOW },
		{ "sport", required_argument, NULL, O_SPORT },
		{ "dport", required_argument, NULL, O_DPORT },
		{ "flags", required_argument, NULL, O_FLAGS },
		{ "seq", required_argument, NULL, O_SEQ },
		{ "ack", required_argument, NULL, O_ACK },
		{ "win", required_argument, NULL, O_WIN },
		{ "urg", required_argument, NULL, O_URG },
		{ "mss", required_argument, NULL, O_MSS },
		{ "wscale", required_argument, NULL, O_WSCALE },
		{ "sack-perm", no_argument, NULL, O_SACK_PERM },
		{ "sack", required_argument, NULL, O_SACK },
		{ "ts", required_argument, NULL, O_TS },
		{ "nop", no_argument, NULL, O_NOP },
		{ "opt-hex", required_argument, NULL, O_OPT_HEX },
		{ "rand-seq", no_argument, NULL, O_RAND_SEQ },
		{ "icmp-type", required_argument, NULL, O_ICMP_TYPE },
		{ "icmp-code", required_argument, NULL, O_ICMP_CODE },
		{ "icmp-id", required_argument, NULL, O_ICMP_ID },
		{ "icmp-seq", required_argument, NULL, O_ICMP_SEQ },
		{ "quote-proto", required_argument, NULL, O_QUOTE_PROTO },
		{ "data", required_argument, NULL, O_DATA },
		{ "data-hex", required_argument, NULL, O_DATA_HEX },
		{ "data-file", required_argument, NULL, O_DATA_FILE },
		{ "bad-checksum", no_argument, NULL, O_BAD_CSUM },
		{ "bad-ip-checksum", no_argument, NULL, O_BAD_IP_CSUM },
		{ "interval", required_argument, NULL, 'i' },
		{ "rate", required_argument, NULL, O_RATE },
		{ "flood", no_argument, NULL, O_FLOOD },
		{ "duration", required_argument, NULL, O_DURATION },
		{ "seq-step", required_argument, NULL, O_SEQ_STEP },
		{ "sport-step", required_argument, NULL, O_SPORT_STEP },
		{ "listen", no_argument, NULL, O_LISTEN },
		{ "no-listen", no_argument, NULL, O_NO_LISTEN },
		{ "wait", required_argument, NULL, O_WAIT },
		{ "write", required_argument, NULL, 'w' },
		{ "dry-run", no_argument, NULL, O_DRY_RUN },
		{ "force", no_argument, NULL, O_FORCE },
		{ "link", no_argument, NULL, O_LINK },
		{ "interface", required_argument, NULL, 'I' },
		{ "src-mac", required_argument, NULL, O_SRC_MAC },
		{ "dst-mac", required_argument, NULL, O_DST_MAC },
		{ "frag", no_argument, NULL, O_FRAG },
		{ "threads", required_argument, NULL, O_THREADS },
		{ "no-link", no_argument, NULL, O_NO_LINK },
		{ "user", required_argument, NULL, 'Z' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct rs_send_cfg cfg;
	static uint8_t data[65536];
	struct rs_craft_spec *s = &cfg.spec;
	struct rs_view_opts vo = { .format = RS_FORMAT_TEXT };
	struct given g = { 0 };
	bool force = false;
	double pps = 0;
	char why[256];
	uint64_t v;
	int c, rc;

	memset(&cfg, 0, sizeof(cfg));
	rs_craft_spec_init(s);
	s->flags = RS_TH_SYN;
	cfg.count = 1;
	cfg.interval_ns = 1000000000;
	cfg.wait_ns = 1000000000;
	cfg.vary_id = true;
	int listen = -1;
	bool flags_given = false, sport_given = false, seq_given = false, id_given = false;
	bool sport_step_given = false;
	const char *rand_cidr = NULL;
	const char *user = NULL;

	while ((c = getopt_long(argc, argv, "c:qvSi:w:I:Z:46h", longopts, NULL)) != -1) {
		const char *opt = argv[optind - 1];
		switch (c) {
		case 'c':
			if (!num("-c", optarg, UINT64_MAX, &v))
				return RS_EXIT_USAGE;
			if (v == 0)
				return bad("-c", "the count must be at least 1");
			cfg.count = v;
			g.count = true;
			break;
		case 'q':
			cfg.quiet = true;
			break;
		case '4':
			g.force4 = true;
			break;
		case '6':
			g.force6 = true;
			break;
		case O_SRC:
			if (!rs_parse_addr(optarg, &s->v, s->src, why, sizeof(why)))
				return bad("--src", why);
			cfg.src_given = true;
			break;
		case O_RAND_SOURCE:
			cfg.rand_source = true;
			rand_cidr = optarg;
			/* "--rand-source CIDR" as well as "--rand-source=CIDR". */
			if (!rand_cidr && optind < argc && strchr(argv[optind], '/'))
				rand_cidr = argv[optind++];
			break;
		case O_TTL:
			if (!num(strstr(opt, "hlim") ? "--hlim" : "--ttl", optarg, 255, &v))
				return RS_EXIT_USAGE;
			s->ttl = (uint8_t)v;
			break;
		case O_TOS:
			if (!num(strstr(opt, "tclass") ? "--tclass" : "--tos", optarg, 255, &v))
				return RS_EXIT_USAGE;
			s->tos = (uint8_t)v;
			break;
		case O_ID:
			if (!num("--id", optarg, 65535, &v))
				return RS_EXIT_USAGE;
			s->id = (uint16_t)v;
			id_given = true;
			g.v4_only = true;
			g.v4_opt = "--id";
			break;
		case O_DF:
			s->df = true;
			g.v4_only = true;
			g.v4_opt = "--df";
			break;
		case O_MF:
			s->mf = true;
			g.v4_only = true;
			g.v4_opt = "--mf";
			break;
		case O_FRAG_OFF:
			if (!num("--frag-offset", optarg, 8191, &v))
				return RS_EXIT_USAGE;
			s->frag_off = (uint16_t)v;
			g.v4_only = true;
			g.v4_opt = "--frag-offset";
			break;
		case O_FLOW:
			if (!num("--flow-label", optarg, 0xfffff, &v))
				return RS_EXIT_USAGE;
			s->flow = (uint32_t)v;
			g.v6_only = true;
			g.v6_opt = "--flow-label";
			break;
		case O_SPORT:
		case O_DPORT:
			if (!num(c == O_SPORT ? "--sport" : "--dport", optarg, 65535, &v))
				return RS_EXIT_USAGE;
			if (c == O_SPORT) {
				s->sport = (uint16_t)v;
				sport_given = true;
			} else {
				s->dport = (uint16_t)v;
				g.ports = true;
			}
			break;
		case O_FLAGS:
			if (!rs_parse_tcp_flags(optarg, &s->flags, why, sizeof(why)))
				return bad("--flags", why);
			flags_given = true;
			g.tcp_only = true;
			g.tcp_opt = "--flags";
			break;
		case O_SEQ:
		case O_ACK:
			if (!num(c == O_SEQ ? "--seq" : "--ack", optarg, UINT32_MAX, &v))
				return RS_EXIT_USAGE;
			if (c == O_SEQ) {
				s->seq = (uint32_t)v;
				seq_given = true;
			} else {
				s->ack = (uint32_t)v;
			}
			g.tcp_only = true;
			g.tcp_opt = c == O_SEQ ? "--seq" : "--ack";
			break;
		case O_WIN:
		case O_URG:
			if (!num(c == O_WIN ? "--win" : "--urg", optarg, 65535, &v))
				return RS_EXIT_USAGE;
			if (c == O_WIN)
				s->win = (uint16_t)v;
			else
				s->urg = (uint16_t)v;
			g.tcp_only = true;
			g.tcp_opt = c == O_WIN ? "--win" : "--urg";
			break;
		case O_MSS:
			if (!num("--mss", optarg, 65535, &v))
				return RS_EXIT_USAGE;
			rs_tcpopts_mss(&s->opts, (uint16_t)v);
			g.tcp_only = true;
			g.tcp_opt = "--mss";
			break;
		case O_WSCALE:
			/* RFC 7323 section 2.3: a shift above 14 is an error. */
			if (!num("--wscale", optarg, 14, &v))
				return RS_EXIT_USAGE;
			rs_tcpopts_wscale(&s->opts, (uint8_t)v);
			g.tcp_only = true;
			g.tcp_opt = "--wscale";
			break;
		case O_SACK_PERM:
			rs_tcpopts_sack_perm(&s->opts);
			g.tcp_only = true;
			g.tcp_opt = "--sack-perm";
			break;
		case O_SACK: {
			uint32_t blocks[4][2];
			unsigned n;
			if (!rs_parse_sack(optarg, blocks, 4, &n, why, sizeof(why)))
				return bad("--sack", why);
			rs_tcpopts_sack(&s->opts, (const uint32_t (*)[2])blocks, n);
			g.tcp_only = true;
			g.tcp_opt = "--sack";
			break;
		}
		case O_TS: {
			uint32_t val, ecr;
			if (!rs_parse_ts(optarg, &val, &ecr, why, sizeof(why)))
				return bad("--ts", why);
			rs_tcpopts_ts(&s->opts, val, ecr);
			g.tcp_only = true;
			g.tcp_opt = "--ts";
			break;
		}
		case O_NOP:
			rs_tcpopts_nop(&s->opts);
			g.tcp_only = true;
			g.tcp_opt = "--nop";
			break;
		case O_OPT_HEX: {
			uint8_t b[RS_CRAFT_OPT_MAX];
			size_t n;
			if (!rs_parse_hex(optarg, b, sizeof(b), &n, why, sizeof(why)))
				return bad("--opt-hex", why);
			rs_tcpopts_raw(&s->opts, b, n);
			g.tcp_only = true;
			g.tcp_opt = "--opt-hex";
			break;
		}
		case O_RAND_SEQ:
			cfg.rand_seq = true;
			g.tcp_only = true;
			g.tcp_opt = "--rand-seq";
			break;
		case O_ICMP_TYPE:
			if (!rs_icmp_kind_parse(optarg, &s->icmp))
				return bad("--icmp-type", "not echo, echo-reply, unreach, time-exceeded or timestamp");
			g.icmp_only = true;
			g.icmp_opt = "--icmp-type";
			break;
		case O_ICMP_CODE:
			if (!num("--icmp-code", optarg, 255, &v))
				return RS_EXIT_USAGE;
			s->icmp_code = (uint8_t)v;
			g.icmp_only = true;
			g.icmp_opt = "--icmp-code";
			break;
		case O_ICMP_ID:
		case O_ICMP_SEQ:
			if (!num(c == O_ICMP_ID ? "--icmp-id" : "--icmp-seq", optarg, 65535, &v))
				return RS_EXIT_USAGE;
			if (c == O_ICMP_ID)
				s->echo_id = (uint16_t)v;
			else
				s->echo_seq = (uint16_t)v;
			g.icmp_only = true;
			g.icmp_opt = c == O_ICMP_ID ? "--icmp-id" : "--icmp-seq";
			break;
		case O_QUOTE_PROTO:
			if (strcmp(optarg, "udp") == 0)
				s->quote_proto = 17;
			else if (strcmp(optarg, "tcp") == 0)
				s->quote_proto = 6;
			else
				return bad("--quote-proto", "not udp or tcp");
			g.icmp_only = true;
			g.icmp_opt = "--quote-proto";
			break;
		case O_DATA:
		case O_DATA_HEX:
		case O_DATA_FILE: {
			size_t n = 0;
			if (g.data)
				return bad(opt, "only one of --data, --data-hex, --data-file");
			g.data = true;
			if (c == O_DATA) {
				n = strlen(optarg);
				if (n > sizeof(data))
					return bad("--data", "more than 65536 bytes");
				memcpy(data, optarg, n);
			} else if (c == O_DATA_HEX) {
				if (!rs_parse_hex(optarg, data, sizeof(data), &n, why, sizeof(why)))
					return bad("--data-hex", why);
			} else {
				FILE *f = fopen(optarg, "rb");
				if (!f) {
					snprintf(why, sizeof(why), "%s: %s", optarg, strerror(errno));
					return bad("--data-file", why);
				}
				n = fread(data, 1, sizeof(data), f);
				int more = fgetc(f);
				fclose(f);
				if (more != EOF)
					return bad("--data-file", "more than 65536 bytes");
			}
			s->payload = data;
			s->payload_len = n;
			break;
		}
		case O_BAD_CSUM:
			s->bad_csum = true;
			break;
		case O_BAD_IP_CSUM:
			s->bad_ip_csum = true;
			g.v4_only = true;
			g.v4_opt = "--bad-ip-checksum";
			break;
		case 'i':
			if (!rs_parse_interval(optarg, &cfg.interval_ns, why, sizeof(why)))
				return bad("--interval", why);
			g.interval = true;
			break;
		case O_RATE: {
			if (!rs_parse_rate(optarg, &pps, why, sizeof(why)))
				return bad("--rate", why);
			cfg.interval_ns = (uint64_t)(1e9 / pps);
			g.rate = true;
			break;
		}
		case O_FLOOD:
			cfg.flood = true;
			break;
		case O_FORCE:
			force = true;
			break;
		case O_DURATION:
			if (!rs_parse_interval(optarg, &cfg.duration_ns, why, sizeof(why)))
				return bad("--duration", why);
			if (cfg.duration_ns == 0)
				return bad("--duration", "must be more than 0");
			break;
		case O_SEQ_STEP:
			if (!num("--seq-step", optarg, UINT32_MAX, &v))
				return RS_EXIT_USAGE;
			cfg.seq_step = (uint32_t)v;
			g.tcp_only = true;
			g.tcp_opt = "--seq-step";
			break;
		case O_SPORT_STEP:
			if (!num("--sport-step", optarg, 65535, &v))
				return RS_EXIT_USAGE;
			cfg.sport_step = (uint16_t)v;
			sport_step_given = true;
			break;
		case O_LISTEN:
			listen = 1;
			break;
		case O_NO_LISTEN:
			listen = 0;
			break;
		case O_WAIT:
			if (!rs_parse_interval(optarg, &cfg.wait_ns, why, sizeof(why)))
				return bad("--wait", why);
			break;
		case 'w':
			cfg.write_path = optarg;
			break;
		case O_DRY_RUN:
			cfg.dry_run = true;
			break;
		case O_LINK:
			s->link = true;
			break;
		case O_NO_LINK:
			cfg.no_link = true;
			break;
		case 'I':
			if (strlen(optarg) >= sizeof(cfg.ifname))
				return bad("--interface", "name too long");
			memcpy(cfg.ifname, optarg, strlen(optarg) + 1);
			break;
		case O_SRC_MAC:
		case O_DST_MAC:
			if (!rs_parse_mac(optarg, c == O_SRC_MAC ? s->src_mac : s->dst_mac, why, sizeof(why)))
				return bad(c == O_SRC_MAC ? "--src-mac" : "--dst-mac", why);
			if (c == O_SRC_MAC)
				cfg.src_mac_given = true;
			else
				cfg.dst_mac_given = true;
			break;
		case O_FRAG:
			cfg.frag = true;
			break;
		case O_THREADS:
			if (!num("--threads", optarg, RS_SEND_THREADS_MAX, &v))
				return RS_EXIT_USAGE;
			if (v == 0)
				return bad("--threads", "at least 1");
			cfg.threads = (unsigned)v;
			break;
		case 'Z':
			user = optarg;
			break;
		case 'h':
			send_usage(stdout);
			return RS_EXIT_OK;
		default:
			rc = rs_cli_view_opt(c, optarg, &vo);
			if (rc < 0)
				return RS_EXIT_USAGE;
			if (rc == 0) {
				send_usage(stderr);
				return RS_EXIT_USAGE;
			}
			break;
		}
	}

	/* Arguments: the protocol, then the destination. */
	if (argc - optind != 2) {
		fprintf(stderr, "rawshake send: %s\n", argc - optind < 2 ? "give a protocol (tcp, udp or icmp) and a destination address"
			: "too many arguments");
		send_usage(stderr);
		return RS_EXIT_USAGE;
	}
	const char *proto = argv[optind], *dst = argv[optind + 1];
	if (strcmp(proto, "tcp") == 0)
		s->proto = RS_CRAFT_TCP;
	else if (strcmp(proto, "udp") == 0)
		s->proto = RS_CRAFT_UDP;
	else if (strcmp(proto, "icmp") == 0 || strcmp(proto, "icmp6") == 0)
		s->proto = RS_CRAFT_ICMP;
	else
		return bad(proto, "the protocol is tcp, udp or icmp");
	uint8_t srcv = s->v;
	if (!rs_parse_addr(dst, &s->v, s->dst, why, sizeof(why)))
		return bad("DST", why);
	if (cfg.src_given && srcv != s->v)
		return bad("--src", "not the destination's address family");
	if ((g.force6 && s->v == 4) || (g.force4 && s->v == 6))
		return bad(g.force6 ? "-6" : "-4", "the destination is of the other address family");
	if (cfg.rand_source) {
		if (cfg.src_given)
			return bad("--rand-source", "cannot go with --src");
		/* Without a range, the same documentation range as flood: never
		 * the whole address space (multicast, other people's networks). */
		if (!rand_cidr)
			rand_cidr = s->v == 4 ? RS_GUARD_DEFAULT_CIDR4 : RS_GUARD_DEFAULT_CIDR6;
		if (!rs_parse_cidr(rand_cidr, &cfg.rand_cidr, why, sizeof(why)))
			return bad("--rand-source", why);
		if (cfg.rand_cidr.v != s->v)
			return bad("--rand-source", "not the destination's address family");
	}

	/* Options that cannot go together. */
	if (g.v4_only && s->v == 6)
		return bad(g.v4_opt, "applies to IPv4 only");
	if (g.v6_only && s->v == 4)
		return bad(g.v6_opt, "applies to IPv6 only");
	if (g.tcp_only && s->proto != RS_CRAFT_TCP)
		return bad(g.tcp_opt, "applies to tcp only");
	if (g.icmp_only && s->proto != RS_CRAFT_ICMP)
		return bad(g.icmp_opt, "applies to icmp only");
	if (s->proto == RS_CRAFT_TCP && s->opts.overflow)
		return bad("TCP options", "they take more than the 40 bytes a header holds");
	if (s->proto != RS_CRAFT_ICMP && !g.ports)
		return bad("--dport", "required for tcp and udp");
	if (s->proto == RS_CRAFT_ICMP && s->icmp == RS_ICMPK_TIMESTAMP && s->v == 6)
		return bad("--icmp-type", "timestamp has no ICMPv6 form");
	if (cfg.threads && !cfg.flood)
		return bad("--threads", "needs --flood");
	if (cfg.flood && (g.interval || g.rate))
		return bad("--flood", "cannot go with --interval or --rate");
	if (g.interval && g.rate)
		return bad("--rate", "cannot go with --interval");
	if (cfg.flood && !g.count && !cfg.duration_ns)
		return bad("--flood", "needs -c COUNT or --duration so that it stops");
	if (cfg.duration_ns && !g.count)
		cfg.count = 0;   /* until the duration ends */
	if (cfg.rand_seq && (seq_given || cfg.seq_step))
		return bad("--rand-seq", "cannot go with --seq or --seq-step");
	if (s->bad_ip_csum && !s->link && !cfg.dry_run)
		return bad("--bad-ip-checksum", "the kernel rewrites the IPv4 checksum of raw sockets; "
			   "add --link (or --dry-run)");
	if (cfg.no_link && s->link)
		return bad("--no-link", "cannot go with --link");
	if ((cfg.src_mac_given || cfg.dst_mac_given) && !s->link)
		return bad(cfg.src_mac_given ? "--src-mac" : "--dst-mac", "needs --link");
	if (cfg.dry_run && listen == 1)
		return bad("--listen", "cannot go with --dry-run");
	if (cfg.frag && s->v == 6)
		return bad("--frag", "only IPv4 packets can be fragmented");
	(void)flags_given;
	if (!sport_given && s->proto != RS_CRAFT_ICMP) {
		uint16_t r = 0;
		if (getrandom(&r, sizeof(r), 0) != sizeof(r))
			r = (uint16_t)getpid();
		s->sport = (uint16_t)(32768 + r % 28232);   /* the usual ephemeral range */
		/* As hping3 does: a chosen source port stays, a random one
		 * is a base that goes up by one per packet, so each probe is
		 * a connection of its own and its reply is told apart. */
		if (!sport_step_given)
			cfg.sport_step = 1;
	}
	if (!seq_given && s->proto == RS_CRAFT_TCP) {
		uint32_t r = 0;
		if (getrandom(&r, sizeof(r), 0) != sizeof(r))
			r = (uint32_t)getpid() * 2654435761u;
		s->seq = r;   /* an ISN, as a stack would pick one */
	}
	if (id_given)
		cfg.vary_id = false;
	else if (s->v == 4)
		s->id = (uint16_t)getpid();
	if (s->proto == RS_CRAFT_ICMP && !g.icmp_only)
		s->echo_id = (uint16_t)getpid();
	else if (s->proto == RS_CRAFT_ICMP && s->echo_id == 0)
		s->echo_id = (uint16_t)getpid();
	if (listen < 0)
		cfg.listen = !cfg.flood && !cfg.dry_run &&
			     (s->proto == RS_CRAFT_TCP ||
			      (s->proto == RS_CRAFT_ICMP && (s->icmp == RS_ICMPK_ECHO || s->icmp == RS_ICMPK_TIMESTAMP)));
	else
		cfg.listen = listen == 1;
	if (cfg.flood)
		cfg.quiet = true;   /* a line per packet would be the bottleneck */

	/* The guard of every bulk send (a flood, more than 1000 packets a
	 * second, random sources), dry runs included: the same check and
	 * message as flood, before anything is opened. */
	if (!force && (cfg.flood || (g.rate && pps > RS_SEND_GUARD_PPS) || cfg.rand_source)) {
		char what[64], refusal[640];
		if (cfg.flood)
			snprintf(what, sizeof(what), "send a flood to");
		else if (g.rate && pps > RS_SEND_GUARD_PPS)
			snprintf(what, sizeof(what), "send %.0f packets/s to", pps);
		else
			snprintf(what, sizeof(what), "send from random sources to");
		if (!rs_guard_bulk(what, s->v, s->dst, cfg.rand_source ? &cfg.rand_cidr : NULL,
				   !cfg.dry_run, refusal, sizeof(refusal))) {
			fprintf(stderr, "rawshake send: %s\n", refusal);
			return RS_EXIT_USAGE;
		}
	}

	/* Privilege first: nothing is opened before this. */
	if (!cfg.dry_run && !rs_have_cap_net_raw()) {
		fprintf(stderr, "rawshake send: raw sockets need CAP_NET_RAW: run as root, or "
			"'setcap cap_net_raw+ep' the rawshake binary (or use --dry-run -w FILE)\n");
		return RS_EXIT_USAGE;
	}
	if (!rs_send_prepare(&cfg, why, sizeof(why))) {
		fprintf(stderr, "rawshake send: %s\n", why);
		return RS_EXIT_USAGE;
	}

	/* Started as root and switching to another user: the file is that
	 * user's, and a refusal says so. */
	const char *as_user = NULL;
	if (getuid() == 0 && geteuid() == 0 && strcmp(user ? user : "nobody", "root") != 0)
		as_user = user ? user : "nobody";

	/* 1. With privileges: the sockets and the reply capture (no file). */
	struct rs_sender *sd;
	if (rs_send_open(&sd, &cfg, why, sizeof(why)) != 0) {
		fprintf(stderr, "rawshake send: %s\n", why);
		return RS_EXIT_USAGE;
	}
	/* 2. Then none at all before the first reply is parsed. */
	if (!rs_drop_privileges(user, why, sizeof(why))) {
		fprintf(stderr, "rawshake send: %s\n", why);
		rs_send_close(sd);
		return RS_EXIT_USAGE;
	}
	/* 3. Every output, opened as that user, in this one step: the -w
	 *    file, then the text (standard output, or standard error when the
	 *    file is standard output) and the view's temporary file.  Nothing
	 *    is opened after it. */
	static struct rs_out out;
	struct rs_view view;
	struct rs_send_stats st;
	char ferr[768];
	rc = rs_send_open_file(sd, as_user, ferr, sizeof(ferr));
	if (rc != 0) {
		fprintf(stderr, "rawshake send: -w %s\n", ferr);
		rs_send_close(sd);
		return rc == 1 ? RS_EXIT_PARTIAL : RS_EXIT_USAGE;
	}
	rs_out_init(&out, rs_send_file_is_stdout(sd) ? STDERR_FILENO : STDOUT_FILENO);
	rs_cli_view_finalize(&vo);
	if (!rs_view_init(&view, &vo, &out, why, sizeof(why))) {
		fprintf(stderr, "rawshake send: %s\n", why);
		rs_send_close(sd);
		return RS_EXIT_USAGE;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	/* Then nothing but sending, the replies and the open outputs. */
	rs_cli_sandbox("send", RS_SANDBOX_SEND, -1);

	/* 4. The run. */
	int status = rs_send_run(sd, &view, &out, &st, ferr, sizeof(ferr));
	rs_send_close(sd);
	if (!rs_out_closed(&out))
		rs_view_finish(&view);
	if (status != 0)
		fprintf(stderr, "rawshake send: %s\n", ferr);
	if (!rs_out_closed(&out))
		print_summary(&out, vo.format, &st, cfg.dry_run,
			      cfg.write_path && strcmp(cfg.write_path, "-") == 0 ? "standard output"
										 : cfg.write_path);
	status = rs_cli_out_finish("send", &out, status);
	rs_view_free(&view);
	return status;
}

const struct rs_command rs_cmd_send = {
	.name = "send",
	.summary = "craft TCP, UDP or ICMP packets with libnet, send them and show the replies",
	.run = send_run,
	.usage = send_usage,
};
