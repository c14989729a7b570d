/* cmd_send.c: "rawshake send": options and arguments, then the library's send loop. */
#include "cli.h"
#include "rawshake/craft.h"
#include "rawshake/craft_opts.h"
#include "rawshake/send_inject.h"
#include "rawshake/out.h"
#include "rawshake/privdrop.h"
#include "rawshake/guard.h"
#include "rawshake/send.h"
#include "rawshake/send_opts.h"
#include "rawshake/signals.h"
#include "rawshake/view.h"

#include <getopt.h>
#include <string.h>
#include <unistd.h>

static void send_usage(FILE *f)
{
	fprintf(f,
		"usage: rawshake send {tcp|udp|icmp} DST [options]\n"
		"       rawshake send {-1|-2} DST [options]   (hping3's ICMP and UDP modes)\n"
		"       rawshake send arp -I IFACE DST [options]   (DST: the IPv4 address asked for)\n"
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
		"ARP:  --op request|reply|N (default request)  --sender-mac MAC  --sender-ip ADDR\n"
		"      --target-mac MAC  --target-ip ADDR (default DST)  --gratuitous (sender IP =\n"
		"      target IP = DST)  --dst-mac MAC (default broadcast; a reply: --target-mac);\n"
		"      only on lab links: not lo, not a physical device outside a namespace (--force)\n"
		"Data: --data STRING (escapes \\r \\n \\t \\\\ \\0 \\xHH)  --data-hex HEX  --data-file FILE\n"
		"      --bad-checksum  --bad-ip-checksum (IPv4; needs --link or --dry-run)\n"
		"      --frag (fragment IPv4 packets larger than the MTU)\n"
		"Pace: -c, --count N (default 1)  -i, --interval T (1s; 2, 10ms, 50us, u1000)  --rate PPS\n"
		"      --flood (needs -c or --duration)  --duration T\n"
		"      --threads N (flood senders, default one per CPU up to 4)\n"
		"      --seq-step N  --sport-step N\n"
		"hping3: -1 (icmp)  -2 (udp)  -p PORT (--dport)  -s PORT (base source port, +1 per\n"
		"      packet)  -k (keep it)  -F -S -R -P -A -U -X -Y (FIN SYN RST PSH ACK URG, 0x40 ECE,\n"
		"      0x80 CWR: the first replaces the default SYN)  -d SIZE (payload of SIZE bytes,\n"
		"      'X' or the data cut or padded with 'X')  -E FILE (--data-file)\n"
		"      --fast (10 packets/s)  --faster (-i u1: more than 1000/s, as --rate below)\n"
		"Link: --link  -I, --interface IF  --src-mac MAC  --dst-mac MAC\n"
		"      --no-link (a flood keeps to the raw IP socket; by default it goes out\n"
		"      as frames when the next hop is on an Ethernet link and its MAC known)\n"
		"Show: -q, --quiet  -v, --verbose  --absolute (not -S: SYN here)  --brief\n"
		"      --format text|json  --ascii  --summary  --conn N  --max-conns N (as for read)\n"
		"      --listen / --no-listen (default on unless flooding or a dry run)\n"
		"      --wait T (for replies after the last packet, default 1s)\n"
		"File: -w, --write FILE (pcap of the crafted packets, opened as the -Z user; '-':\n"
		"      standard output, the text then on standard error)\n"
		"      --dry-run (build, show, write at once; send nothing; a -w file holds the\n"
		"      times the packets would have been sent at)\n"
		"Safe: --flood, more than 1000 packets/s (--rate, -i, --faster) and --rand-source\n"
		"      (default 198.51.100.0/24 or 2001:db8:f100::/48) only to loopback or\n"
		"      documentation ranges on links that stay on this machine, as flood;\n"
		"      --force (a network you own)\n"
		"Priv: -Z, --user USER (drop to USER once the sockets and capture are open,\n"
		"      before opening -w FILE; default nobody; root keeps root)\n"
		"  -h, --help\n"
		"Exit status: 0 all sent, 1 a send, the -w file or the output failed mid-run,\n"
		"2 usage, privilege or setup error.\n");
}

/* Above this rate a send is bulk traffic and goes through the guard. */
#define RS_SEND_GUARD_PPS 1000.0

static int fail(const char *why)
{
	fprintf(stderr, "rawshake send: %s\n", why);
	return RS_EXIT_USAGE;
}

static void on_signal(int sig)
{
	(void)sig;
	rs_send_stop();
}

/* A dry run sends nothing: its summary says so, and where the packets
 * went.  A rate needs two packets at least: it is measured over the
 * intervals between them (one packet has none). */
static void print_summary_json(struct rs_out *o, const struct rs_send_stats *st, bool dry_run,
			       double secs, double pps)
{
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
	if (pps > 0)
		rs_out_double(o, pps, 1);
	else
		rs_out_str(o, "null");   /* one packet, or a dry run: no rate */
	if (dry_run)
		rs_out_str(o, ",\"dry_run\":true");
	rs_out_str(o, "}\n");
}

static void print_summary(struct rs_out *o, enum rs_format fmt, const struct rs_send_stats *st,
			  bool dry_run, const char *write_path)
{
	double secs = (double)st->elapsed_ns / 1e9;
	double pps = st->sent > 1 && st->span_ns > 0 ? (double)(st->sent - 1) * 1e9 / (double)st->span_ns
		     : 0;
	char rate[48] = "";
	if (pps > 0)
		snprintf(rate, sizeof(rate), ", %.1f packets/s", pps);
	if (fmt == RS_FORMAT_JSON) {
		print_summary_json(o, st, dry_run, secs, dry_run ? 0 : pps);
	} else if (dry_run) {
		/* The time the packets' stamps span, not the few microseconds
		 * building took: what the -w file shows, the same on every run. */
		rs_out_printf(o, "%llu packet%s built%s%s (dry run, nothing sent), %llu error%s, "
			      "stamped over %.3f s\n",
			      (unsigned long long)st->sent, st->sent == 1 ? "" : "s",
			      write_path ? " and written to " : "", write_path ? write_path : "",
			      (unsigned long long)st->errors, st->errors == 1 ? "" : "s",
			      (double)st->span_ns / 1e9);
	} else {
		/* A reply with a wrong checksum is said so even with -q, where
		 * its [bad csum] line is not printed. */
		char bad[64] = "";
		if (st->replies_bad_csum)
			snprintf(bad, sizeof(bad), " (%llu with a bad checksum)",
				 (unsigned long long)st->replies_bad_csum);
		rs_out_printf(o, "%llu packet%s sent, %llu error%s, %llu repl%s%s, %.3f s%s\n",
			      (unsigned long long)st->sent, st->sent == 1 ? "" : "s",
			      (unsigned long long)st->errors, st->errors == 1 ? "" : "s",
			      (unsigned long long)st->replies, st->replies == 1 ? "y" : "ies", bad, secs,
			      rate);
	}
}

/* getopt_long's tables, from the library's: the options shared with the
 * other commands that show packets, then send's own (a row with a letter
 * answers to it; one without, to RS_OPT_FIRST_COMMAND_OPT + its index). */
static const struct option view_longopts[] = { RS_CLI_VIEW_LONGOPTS };
#define N_VIEW (sizeof(view_longopts) / sizeof(view_longopts[0]))
#define OPT_ABSOLUTE (RS_OPT_FIRST_COMMAND_OPT - 1)

static void build_getopt(struct option *lo, size_t cap, char *shortopts, size_t scap)
{
	size_t n = 0, k = 0;
	/* -S is hping3's SYN in send: --absolute answers to a number of its own. */
	for (size_t i = 0; i < N_VIEW; i++) {
		lo[n] = view_longopts[i];
		if (lo[n].val == 'S')
			lo[n].val = OPT_ABSOLUTE;
		n++;
	}
	for (size_t i = 0; i < rs_send_opts_count && n + 2 < cap; i++) {
		const struct rs_send_opt_def *d = &rs_send_opts[i];
		int val = d->letter ? d->letter : RS_OPT_FIRST_COMMAND_OPT + (int)i;
		bool dup = false;
		for (size_t j = 0; j < N_VIEW && d->name; j++)
			dup |= strcmp(view_longopts[j].name, d->name) == 0;
		if (d->name && !dup)
			lo[n++] = (struct option){ d->name, d->has_arg, NULL, val };
		if (d->letter && k + 3 < scap) {
			shortopts[k++] = d->letter;
			if (d->has_arg == RS_SEND_ARG_REQUIRED)
				shortopts[k++] = ':';
		}
	}
	lo[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	lo[n] = (struct option){ NULL, 0, NULL, 0 };
	snprintf(shortopts + k, scap - k, "vh");
}

/* Every option into a (the table's) or vo (the view's).  Returns -1 when
 * all were read, else the exit status (--help, a refusal). */
static int parse_options(int argc, char **argv, struct rs_send_args *a, struct rs_view_opts *vo)
{
	static struct option lo[N_VIEW + 128];
	char so[128], err[512];
	int c;

	build_getopt(lo, sizeof(lo) / sizeof(lo[0]), so, sizeof(so));
	while ((c = getopt_long(argc, argv, so, lo, NULL)) != -1) {
		int idx = c >= RS_OPT_FIRST_COMMAND_OPT ? c - RS_OPT_FIRST_COMMAND_OPT
			  : c == 'h' || c == '?' || c > 0xff ? -1 : rs_send_opt_find(NULL, (char)c);
		if (idx >= 0) {
			const char *arg = optarg;
			if (!arg && rs_send_opts[idx].next_word_slash && optind < argc &&
			    strchr(argv[optind], '/'))
				arg = argv[optind++];
			if (!rs_send_opt(a, idx, arg, err, sizeof(err)))
				return fail(err);
			continue;
		}
		if (c == 'h') {
			send_usage(stdout);
			return RS_EXIT_OK;
		}
		int rc = rs_cli_view_opt(c == OPT_ABSOLUTE ? 'S' : c, optarg, vo);
		if (rc < 0)
			return RS_EXIT_USAGE;
		if (rc == 0) {
			send_usage(stderr);
			return RS_EXIT_USAGE;
		}
	}
	return -1;
}

/* The two arguments, the rules, the defaults, then the guard of every
 * bulk send (a flood, more than 1000 packets a second, random sources),
 * dry runs included: the same check and message as flood, before
 * anything is opened.  -1 when the send may go on. */
static int settle(int argc, char **argv, struct rs_send_args *a)
{
	struct rs_send_cfg *cfg = &a->cfg;
	int nargs = argc - optind, want = a->mode && nargs == 1 ? 1 : 2;
	char err[512];

	if (nargs != want) {
		fprintf(stderr, "rawshake send: %s\n", nargs < want ? "give a protocol (tcp, udp, icmp or arp, or -1 or -2) and a destination address"
			: "too many arguments");
		send_usage(stderr);
		return RS_EXIT_USAGE;
	}
	if (!rs_send_cfg_target(a, want == 2 ? argv[optind] : NULL, argv[optind + want - 1], err,
				sizeof(err)) ||
	    !rs_send_cfg_check(a, err, sizeof(err)))
		return fail(err);
	rs_send_cfg_finish(a);
	if (cfg->spec.proto == RS_CRAFT_ARP && !cfg->dry_run &&
	    !rs_guard_link_allowed(cfg->ifname, a->force, err, sizeof(err)))
		return fail(err);
	/* The pace, from --rate or from -i (--faster: 1 us), more than one packet. */
	double pps = (a->given & RS_SEND_GIVEN_RATE) ? a->pps
		     : cfg->interval_ns ? 1e9 / (double)cfg->interval_ns : 1e9;
	bool fast = !cfg->flood && cfg->count != 1 && pps > RS_SEND_GUARD_PPS;
	if (!a->force && (cfg->flood || fast || cfg->rand_source)) {
		char what[64], refusal[640];
		if (cfg->flood)
			snprintf(what, sizeof(what), "send a flood to");
		else if (fast)
			snprintf(what, sizeof(what), "send %.0f packets/s to", pps);
		else
			snprintf(what, sizeof(what), "send from random sources to");
		if (!rs_guard_bulk(what, cfg->spec.v, cfg->spec.dst,
				   cfg->rand_source ? &cfg->rand_cidr : NULL, !cfg->dry_run, refusal,
				   sizeof(refusal)))
			return fail(refusal);
	}
	return -1;
}

/* 3. Every output, opened as the -Z user, in this one step: the -w file,
 *    then the text (standard output, or standard error when the file is
 *    standard output) and the view's temporary file; then the run.
 *    Nothing is opened after it. */
static int run_sender(struct rs_sender *sd, const struct rs_send_cfg *cfg, const char *as_user,
		      struct rs_view_opts *vo)
{
	static struct rs_out out;
	struct rs_view view;
	struct rs_send_stats st;
	char why[256], ferr[768];
	int rc = rs_send_open_file(sd, as_user, ferr, sizeof(ferr));

	if (rc != 0) {
		fprintf(stderr, "rawshake send: -w %s\n", ferr);
		rs_send_close(sd);
		return rc == 1 ? RS_EXIT_PARTIAL : RS_EXIT_USAGE;
	}
	rs_out_init(&out, rs_send_file_is_stdout(sd) ? STDERR_FILENO : STDOUT_FILENO);
	rs_cli_view_finalize(vo);
	if (!rs_view_init(&view, vo, &out, why, sizeof(why))) {
		rs_send_close(sd);
		return fail(why);
	}
	rs_signals_catch(on_signal, false);

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
		print_summary(&out, vo->format, &st, cfg->dry_run,
			      cfg->write_path && strcmp(cfg->write_path, "-") == 0 ? "standard output"
										   : cfg->write_path);
	status = rs_cli_out_finish("send", &out, status);
	rs_view_free(&view);
	return status;
}

static int send_run(int argc, char **argv)
{
	static struct rs_send_args a;
	struct rs_send_cfg *cfg = &a.cfg;
	struct rs_view_opts vo = { .format = RS_FORMAT_TEXT };
	char why[256];
	int rc;

	rs_send_args_init(&a);
	if ((rc = parse_options(argc, argv, &a, &vo)) >= 0 || (rc = settle(argc, argv, &a)) >= 0)
		return rc;

	/* Privilege first: before this only --data-file / -E was read (and
	 * closed), with the rights of whoever started the command. */
	if (!cfg->dry_run && !rs_have_cap_net_raw())
		return fail("raw sockets need CAP_NET_RAW: run as root, or "
			    "'setcap cap_net_raw+ep' the rawshake binary (or use --dry-run -w FILE)");
	if (!rs_send_prepare(cfg, why, sizeof(why)))
		return fail(why);

	/* Started as root and switching to another user: the file is that
	 * user's, and a refusal says so. */
	const char *user = a.user, *as_user = NULL;
	if (getuid() == 0 && geteuid() == 0 && strcmp(user ? user : "nobody", "root") != 0)
		as_user = user ? user : "nobody";

	/* 1. With privileges: the sockets and the reply capture (no file). */
	struct rs_sender *sd;
	if (rs_send_open(&sd, cfg, why, sizeof(why)) != 0)
		return fail(why);
	/* 2. Then none at all before the first reply is parsed. */
	if (!rs_drop_privileges(user, why, sizeof(why))) {
		rs_send_close(sd);
		return fail(why);
	}
	return run_sender(sd, cfg, as_user, &vo);
}

const struct rs_command rs_cmd_send = {
	.name = "send",
	.summary = "craft TCP, UDP or ICMP packets with libnet, send them and show the replies",
	.run = send_run,
	.usage = send_usage,
};
