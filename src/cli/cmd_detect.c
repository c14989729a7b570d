/* cmd_detect.c: "rawshake detect": options, then files or a live handle into the detector. */
#include "cli.h"
#include "rawshake/capfile.h"
#include "rawshake/clock.h"
#include "rawshake/live.h"
#include "rawshake/out.h"
#include "rawshake/privdrop.h"
#include "rawshake/detect.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { RS_EXIT_ALERT = 3 };

enum {
	OPT_FORMAT = RS_OPT_FIRST_COMMAND_OPT,
	OPT_SYN_RATE,
	OPT_HALF_OPEN,
	OPT_COMPLETION,
	OPT_GRACE,
	OPT_TIMEOUT,
	OPT_HOLD,
	OPT_WINDOW,
	OPT_SPOOF,
	OPT_SCAN_PORTS,
	OPT_SCAN_IDLE,
	OPT_MAX_VICTIMS,
	OPT_MAX_HALF_OPEN,
	OPT_MAX_PER_VICTIM,
	OPT_MAX_SCANNERS,
	OPT_MAX_HOSTS,
	OPT_EXHAUST_RATE,
	OPT_ARP_WINDOW,
	OPT_ARP_REQUEST,
	OPT_ARP_GRAT_RATE,
	OPT_MAX_ARP,
	OPT_NO_UPDATES,
	OPT_NO_STATS,
};

static void detect_usage(FILE *f)
{
	fprintf(f,
		"usage: rawshake detect -r FILE... [options] [FILTER]\n"
		"       rawshake detect -i IFACE [options] [FILTER]\n"
		"Watch TCP handshakes for SYN floods (per victim address and port, and per\n"
		"host over all its ports), port scans (per source and target host) and the\n"
		"detector's own tables evicting (state exhausted).  Exit status: 0 no alert,\n"
		"3 an alert fired, 2 usage or input error, 1 a file ended mid-record.\n"
		"\n"
		"  -r, --read FILE        read a pcap/pcapng file ('-' = standard input); repeatable,\n"
		"                         and further file arguments are read too\n"
		"  -i, --interface IFACE  capture live on IFACE\n"
		"  -Z, --user USER        drop to USER once the interface or files are open\n"
		"                         (default nobody; root keeps root)\n"
		"  -B, --buffer-size KIB  live: kernel capture buffer in KiB\n"
		"  -s, --snaplen N        live: bytes captured per packet (default 128)\n"
		"  -p, --no-promisc       live: do not put the interface in promiscuous mode\n"
		"      --format text|json alert lines as text (default) or JSON Lines\n"
		"  -t                     text: no time; -tt seconds since 1970, -ttt since the\n"
		"                         previous alert, -tttt date and time, -ttttt since the\n"
		"                         first (default: time of day, as read)\n"
		"      --utc              text: times in UTC (default: local time, by TZ)\n"
		"  -q, --quiet            print nothing; only the exit status tells\n"
		"      --no-updates       start and end lines only\n"
		"      --no-stats         no statistics line at the end\n"
		"thresholds (a flood starts when the first three all hold):\n"
		"      --syn-rate N       SYNs per second to one victim (default 100)\n"
		"      --half-open N      SYNs unanswered longer than the grace period (default 50)\n"
		"      --completion X     share of handshakes completing, at most (default 0.8)\n"
		"      --grace MS         a SYN counts as half-open after MS (default 400)\n"
		"      --timeout MS       handshake timeout: a half-open SYN is given up (default 3000)\n"
		"      --hold MS          evidence gone this long ends an alert (default 2000)\n"
		"      --window S         window for sources and victim counters (default 5)\n"
		"      --spoof-sources N  'spoofed' needs this many sources (default 32)\n"
		"      --scan-ports N     a source probing N ports of one host is a scan (default 20)\n"
		"      --scan-idle MS     a scan ends after MS without a SYN (default 3000)\n"
		"      --exhaust-rate N   evictions/s from full tables that alert (default 100)\n"
		"ARP and neighbour discovery (a live capture sees them with FILTER 'arp'):\n"
		"      --arp-window MS    a second MAC for an address within MS is arp-spoof\n"
		"                         (default 60000)\n"
		"      --arp-request-window MS  a reply answers a request at most MS old\n"
		"                         (default 5000); later, arp-unsolicited-reply\n"
		"      --arp-gratuitous-rate N  gratuitous ARP per second that is a flood (default 10)\n"
		"bounds:\n"
		"      --max-victims N    victims tracked (default 4096)\n"
		"      --max-half-open N  half-open SYNs tracked, all victims (default 262144)\n"
		"      --max-half-open-per-victim N (default 65536)\n"
		"      --max-scanners N   (source, host) pairs tracked (default 4096)\n"
		"      --max-hosts N      victim hosts tracked over all their ports (default 1024)\n"
		"      --max-arp N        ARP/ND address bindings tracked (default 4096)\n"
		"  -h, --help             this help\n"
		"FILTER is a BPF expression in tcpdump syntax.  Live capture needs root, or\n"
		"cap_net_raw,cap_net_admin on the binary.\n");
}

static bool parse_double(const char *opt, const char *s, double min, double max, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (!*s || *end || errno || !(v >= min && v <= max)) {
		fprintf(stderr, "rawshake detect: %s: '%s' is not a number from %g to %g\n", opt, s,
			min, max);
		return false;
	}
	*out = v;
	return true;
}

/* What the command prints: alerts as they come (the engine prints
 * nothing), then the statistics. */
struct detect_print {
	struct rs_out *out;         /* NULL with -q */
	enum rs_detect_format format;
	bool stats;
	struct rs_ts_clock clock;   /* text alerts' time: -t ... -ttttt, --utc */
};

static void on_alert(void *ctx, const struct rs_detect_alert *a)
{
	struct detect_print *pr = ctx;
	if (pr->out)
		rs_detect_alert_print(pr->out, pr->format, &pr->clock, a);
}

static void on_file_packet(void *ctx, const struct rs_packet *pkt)
{
	rs_detect_packet(ctx, pkt);
}

static struct rs_live live;

struct live_ctx {
	struct rs_detect *d;
	struct rs_packet pkt;
};

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct live_ctx *c = (struct live_ctx *)user;
	const struct rs_pcap_form form = { live.dlt, live.ts_digits, live.ts_digits };
	rs_packet_from_pcap(&c->pkt, ++live.seen, &form, h, bytes, NULL);
	rs_detect_packet(c->d, &c->pkt);
}

/* On an idle link the detector's clock moves on with the capture clock
 * (CLOCK_REALTIME, which the kernel stamps packets with). */
static void idle_tick(struct rs_detect *d)
{
	int64_t ns = rs_clock_real_ns();
	/* At the capture's precision, as its packets' times are. */
	rs_detect_tick(d, live.ts_digits == 9 ? ns : ns / 1000 * 1000);
}

/*
 * Captures until a signal.  When the link is idle for 200 ms the detector's
 * clock is moved on, so alerts end on a silent link as well.
 */
static int detect_live(struct rs_detect *d, struct rs_out *out)
{
	static struct live_ctx c;
	char ebuf[PCAP_ERRBUF_SIZE];
	int fd = pcap_get_selectable_fd(live.pcap);

	c.d = d;
	if (fd >= 0 && pcap_setnonblock(live.pcap, 1, ebuf) < 0)
		fd = -1;
	while (!live.stop) {
		if (fd >= 0) {
			struct pollfd pfd = { .fd = fd, .events = POLLIN };
			int pr = poll(&pfd, 1, 200);
			if (pr < 0 && errno != EINTR)
				break;
			if (pr == 0) {
				idle_tick(d);
				rs_out_flush(out);
				continue;
			}
		}
		int rc = pcap_dispatch(live.pcap, -1, on_packet, (u_char *)&c);
		if (rc == PCAP_ERROR_BREAK)
			break;
		if (rc < 0) {
			fprintf(stderr, "rawshake detect: %s: %s\n", live.ifname, pcap_geterr(live.pcap));
			return RS_EXIT_PARTIAL;
		}
		rs_out_flush(out);
	}
	return RS_EXIT_OK;
}

static const struct option detect_longopts[] = {
	RS_CLI_LIVE_LONGOPTS,
	{ "read", required_argument, NULL, 'r' },
	{ "user", required_argument, NULL, 'Z' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "utc", no_argument, NULL, RS_OPT_UTC },
	{ "no-updates", no_argument, NULL, OPT_NO_UPDATES },
	{ "no-stats", no_argument, NULL, OPT_NO_STATS },
	{ "syn-rate", required_argument, NULL, OPT_SYN_RATE },
	{ "half-open", required_argument, NULL, OPT_HALF_OPEN },
	{ "completion", required_argument, NULL, OPT_COMPLETION },
	{ "grace", required_argument, NULL, OPT_GRACE },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "hold", required_argument, NULL, OPT_HOLD },
	{ "window", required_argument, NULL, OPT_WINDOW },
	{ "spoof-sources", required_argument, NULL, OPT_SPOOF },
	{ "scan-ports", required_argument, NULL, OPT_SCAN_PORTS },
	{ "scan-idle", required_argument, NULL, OPT_SCAN_IDLE },
	{ "max-victims", required_argument, NULL, OPT_MAX_VICTIMS },
	{ "max-half-open", required_argument, NULL, OPT_MAX_HALF_OPEN },
	{ "max-half-open-per-victim", required_argument, NULL, OPT_MAX_PER_VICTIM },
	{ "max-scanners", required_argument, NULL, OPT_MAX_SCANNERS },
	{ "max-hosts", required_argument, NULL, OPT_MAX_HOSTS },
	{ "exhaust-rate", required_argument, NULL, OPT_EXHAUST_RATE },
	{ "arp-window", required_argument, NULL, OPT_ARP_WINDOW },
	{ "arp-request-window", required_argument, NULL, OPT_ARP_REQUEST },
	{ "arp-gratuitous-rate", required_argument, NULL, OPT_ARP_GRAT_RATE },
	{ "max-arp", required_argument, NULL, OPT_MAX_ARP },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Everything the command line says. */
struct detect_args {
	struct rs_detect_opts so;
	struct rs_live_opts lo;
	struct detect_print pr;
	bool quiet;
	const char *user;
	char **files;               /* -r FILE and the captures after the options */
	int nfiles;
	char *filter;
};

static int u32_opt(const char *name, const char *arg, unsigned long long lo,
		   unsigned long long hi, uint32_t *field)
{
	unsigned long long n;
	if (!rs_cli_parse_u64(name, arg, lo, hi, &n))
		return -1;
	*field = (uint32_t)n;
	return 1;
}

static int double_opt(const char *name, const char *arg, double lo, double hi, double *field)
{
	return parse_double(name, arg, lo, hi, field) ? 1 : -1;
}

/* The detector's thresholds and bounds: 1 handled, 0 not one of them,
 * -1 bad value (message printed). */
static int detect_tuning_opt(int c, const char *arg, struct rs_detect_opts *so)
{
	switch (c) {
	case OPT_SYN_RATE: return double_opt("--syn-rate", arg, 0.001, 1e9, &so->syn_rate);
	case OPT_COMPLETION: return double_opt("--completion", arg, 0, 1, &so->completion);
	case OPT_HALF_OPEN: return u32_opt("--half-open", arg, 0, 1u << 26, &so->half_open);
	case OPT_GRACE: return u32_opt("--grace", arg, 1, 600000, &so->grace_ms);
	case OPT_TIMEOUT: return u32_opt("--timeout", arg, 2, 600000, &so->timeout_ms);
	case OPT_HOLD: return u32_opt("--hold", arg, 0, 600000, &so->hold_ms);
	case OPT_WINDOW: return u32_opt("--window", arg, 2, 16, &so->window_s);
	case OPT_SPOOF: return u32_opt("--spoof-sources", arg, 1, 1u << 30, &so->spoof_sources);
	case OPT_SCAN_PORTS: return u32_opt("--scan-ports", arg, 2, 65536, &so->scan_ports);
	case OPT_SCAN_IDLE: return u32_opt("--scan-idle", arg, 1, 600000, &so->scan_idle_ms);
	case OPT_MAX_VICTIMS: return u32_opt("--max-victims", arg, 1, 1u << 20, &so->max_victims);
	case OPT_MAX_HALF_OPEN:
		return u32_opt("--max-half-open", arg, 16, 1u << 26, &so->max_half_open);
	case OPT_MAX_PER_VICTIM:
		return u32_opt("--max-half-open-per-victim", arg, 1, 1u << 26,
			       &so->max_half_open_per_victim);
	case OPT_MAX_SCANNERS: return u32_opt("--max-scanners", arg, 1, 1u << 20, &so->max_scanners);
	case OPT_MAX_HOSTS: return u32_opt("--max-hosts", arg, 1, 1u << 20, &so->max_hosts);
	case OPT_EXHAUST_RATE:
		return double_opt("--exhaust-rate", arg, 0.001, 1e9, &so->exhaust_rate);
	case OPT_ARP_WINDOW: return u32_opt("--arp-window", arg, 1, 86400000, &so->arp_window_ms);
	case OPT_ARP_REQUEST:
		return u32_opt("--arp-request-window", arg, 1, 600000, &so->arp_request_ms);
	case OPT_ARP_GRAT_RATE:
		return double_opt("--arp-gratuitous-rate", arg, 1, 1e9, &so->arp_gratuitous_rate);
	case OPT_MAX_ARP: return u32_opt("--max-arp", arg, 1, 1u << 20, &so->max_arp);
	default: return 0;
	}
}

/* The command's other options: 1 handled, 0 not one, -1 bad value. */
static int detect_opt(int c, const char *arg, struct detect_args *a)
{
	switch (c) {
	case 'r': a->files[a->nfiles++] = (char *)arg; return 1;
	case 'Z': a->user = arg; return 1;
	case 'q': a->quiet = true; return 1;
	case OPT_NO_UPDATES: a->so.no_updates = true; return 1;
	case OPT_NO_STATS: a->pr.stats = false; return 1;
	case RS_OPT_UTC: a->pr.clock.utc = true; return 1;
	case 't':
		/* Counted as read counts them; the clock starts zeroed. */
		if (a->pr.clock.mode >= RS_TS_MODE_MAX) {
			fprintf(stderr, "rawshake detect: -t: at most five (-ttttt)\n");
			return -1;
		}
		a->pr.clock.mode++;
		return 1;
	case OPT_FORMAT:
		if (strcmp(arg, "text") == 0) {
			a->pr.format = RS_DETECT_TEXT;
		} else if (strcmp(arg, "json") == 0) {
			a->pr.format = RS_DETECT_JSON;
		} else {
			fprintf(stderr, "rawshake detect: --format: '%s' is not text or json\n", arg);
			return -1;
		}
		return 1;
	default:
		return rs_cli_live_opt(c, arg, &a->lo);
	}
}

enum { DETECT_GO = -1 };

/* The command line into a: DETECT_GO, or the exit status (help, usage). */
static int detect_parse(int argc, char **argv, struct detect_args *a)
{
	int c;

	memset(a, 0, sizeof(*a));
	a->lo = (struct rs_live_opts){ .promisc = true, .snaplen = 128 };
	a->pr.stats = true;
	rs_detect_opts_default(&a->so);
	a->files = calloc((size_t)argc + 1, sizeof(char *));
	if (!a->files)
		return RS_EXIT_USAGE;
	/* Options anywhere, "--" kept as the end of the files (as read). */
	rs_cli_mark_double_dash(argc, argv);
	while ((c = getopt_long(argc, argv, "r:Z:qth" RS_CLI_LIVE_SHORTOPTS, detect_longopts,
				NULL)) != -1) {
		int r = detect_tuning_opt(c, optarg, &a->so);
		if (r == 0)
			r = detect_opt(c, optarg, a);
		if (r > 0)
			continue;
		if (c == 'h') {
			detect_usage(stdout);
			return RS_EXIT_OK;
		}
		detect_usage(stderr);
		return RS_EXIT_USAGE;
	}
	/* Positional arguments: more files (with -r) while they are
	 * captures, up to "--", then the filter. */
	int first = optind;
	if (a->nfiles)
		while (first < argc && !rs_cli_is_double_dash(argv[first]) &&
		       rs_input_is_capture(argv[first]))
			a->files[a->nfiles++] = argv[first++];
	if (first < argc && rs_cli_is_double_dash(argv[first]))
		first++;
	if ((a->nfiles > 0) == (a->lo.ifname != NULL)) {
		fprintf(stderr, "rawshake detect: give either -r FILE... or -i IFACE\n");
		detect_usage(stderr);
		return RS_EXIT_USAGE;
	}
	a->filter = rs_cli_join_args(argc - first, argv + first);
	return DETECT_GO;
}

/* The live capture, from "listening on" to the capture counts. */
static int detect_capture(struct rs_detect *d, struct rs_out *out)
{
	rs_cli_catch_stop(&live);
	fprintf(stderr, "rawshake detect: listening on %s, link type %s\n", live.ifname,
		rs_cli_live_dlt_name(&live));
	return detect_live(d, out);
}

static void capture_counts(void)
{
	struct pcap_stat st;
	bool have = rs_live_stats(&live, &st);
	rs_live_close(&live);
	rs_cli_live_counts(&live, &st, have);
}

/* Reads the files; *fatal when none could be read at all (a missing
 * file, not a capture, a bad filter: status 2 with no packet), where
 * statistics would only be zeros after the complaint. */
static int detect_files(struct rs_detect *d, struct rs_input *inputs, int n, const char *filter,
			bool *fatal)
{
	static struct rs_read_sink sink;
	sink.prog = "rawshake detect";
	sink.on_packet = on_file_packet;
	sink.ctx = d;
	int status = rs_read_inputs_sink(&sink, inputs, n, filter, STDERR_FILENO);
	free(inputs);
	*fatal = status == RS_EXIT_USAGE && sink.frames == 0;
	return status;
}

/* The end of a run: open alerts end, the statistics (none after a fatal
 * input error; a truncated input was read and keeps them), the exit
 * status. */
static int detect_end(struct rs_detect *d, struct detect_args *a, struct rs_out *out, int status,
		      bool fatal)
{
	struct rs_detect_stats ds;

	rs_detect_finish(d);
	rs_detect_get_stats(d, &ds);
	if (a->pr.stats && !a->quiet && !fatal)
		rs_detect_print_stats(out, a->pr.format, &ds, &a->so);
	int out_status = rs_cli_out_finish("detect", out, RS_EXIT_OK);
	if (a->lo.ifname)
		capture_counts();
	if (status != RS_EXIT_USAGE && ds.alerts)
		status = RS_EXIT_ALERT;
	/* Alerts nobody could read are not a result: the write error wins. */
	if (out_status != RS_EXIT_OK && status != RS_EXIT_USAGE)
		status = out_status;
	return status;
}

static int detect_run(int argc, char **argv)
{
	static struct detect_args a;
	static struct rs_out out;
	struct rs_input *inputs = NULL;
	char err[256];
	int status = detect_parse(argc, argv, &a);

	if (status != DETECT_GO) {
		free(a.files);
		return status;
	}
	rs_out_init(&out, STDOUT_FILENO);
	a.pr.out = a.quiet ? NULL : &out;
	a.so.on_alert = on_alert;
	a.so.ctx = &a.pr;
	if (a.lo.ifname)
		a.lo.filter = a.filter ? a.filter : "tcp";
	if (!rs_cli_open_then_drop("detect", a.user, a.lo.ifname ? &live : NULL, &a.lo, a.files,
				   a.nfiles, &inputs)) {
		free(a.filter);
		free(a.files);
		return RS_EXIT_USAGE;
	}
	if (a.lo.ifname) {
		rs_cli_sandbox("detect", RS_SANDBOX_CAPTURE, live.has_nl ? live.nl_fd : -1);
	} else {
		/* The filter is compiled before the sandbox: compiling may
		 * look names up. */
		rs_capfile_precompile(a.filter);
		rs_cli_sandbox("detect", RS_SANDBOX_FILES, -1);
	}
	struct rs_detect *d = rs_detect_new(&a.so, err, sizeof(err));
	if (!d) {
		fprintf(stderr, "rawshake detect: %s\n", err);
		rs_live_close(&live);
		if (inputs)
			rs_inputs_close(inputs, a.nfiles);
		free(inputs);
		status = RS_EXIT_USAGE;
	} else {
		bool fatal = false;
		status = a.lo.ifname ? detect_capture(d, &out)
				     : detect_files(d, inputs, a.nfiles, a.filter, &fatal);
		status = detect_end(d, &a, &out, status, fatal);
		rs_detect_free(d);
	}
	free(a.filter);
	free(a.files);
	return status;
}

const struct rs_command rs_cmd_detect = {
	.name = "detect",
	.summary = "detect SYN floods and port scans in files or live",
	.run = detect_run,
	.usage = detect_usage,
};
