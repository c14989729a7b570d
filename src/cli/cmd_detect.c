/* cmd_detect.c: "rawshake detect": options, then files or a live handle into the detector. */
#include "cli.h"
#include "rawshake/capfile.h"
#include "rawshake/live.h"
#include "rawshake/out.h"
#include "rawshake/privdrop.h"
#include "rawshake/detect.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
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
		"bounds:\n"
		"      --max-victims N    victims tracked (default 4096)\n"
		"      --max-half-open N  half-open SYNs tracked, all victims (default 262144)\n"
		"      --max-half-open-per-victim N (default 65536)\n"
		"      --max-scanners N   (source, host) pairs tracked (default 4096)\n"
		"      --max-hosts N      victim hosts tracked over all their ports (default 1024)\n"
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

static int detect_file(struct rs_detect *d, struct rs_input *in, const char *filter,
		       struct rs_packet *pkt, uint64_t *frame)
{
	struct rs_capfile cf;
	char err[PCAP_ERRBUF_SIZE + 128];
	const char *path = in->name;

	if (!in->fp) {
		fprintf(stderr, "rawshake detect: %s: %s\n", path, strerror(in->open_errno));
		return RS_EXIT_USAGE;
	}
	FILE *fp = in->fp;
	in->fp = NULL;   /* cf's from here on */
	rs_input_wait(fp);
	if (!rs_capfile_open_stream(&cf, fp, path, err, sizeof(err))) {
		fprintf(stderr, "rawshake detect: %s: %s\n", path, err);
		return RS_EXIT_USAGE;
	}
	if (cf.dlt >= 0 && !rs_dlt_supported(cf.dlt)) {
		char why[256];
		rs_capfile_unsupported(&cf, why, sizeof(why));
		fprintf(stderr, "rawshake detect: %s: %s\n", path, why);
		rs_capfile_close(&cf);
		return RS_EXIT_USAGE;
	}
	if (filter && !rs_capfile_set_filter(&cf, filter, err, sizeof(err))) {
		fprintf(stderr, "rawshake detect: %s: %s\n", path, err);
		rs_capfile_close(&cf);
		return RS_EXIT_USAGE;
	}
	int status = RS_EXIT_OK;
	for (;;) {
		const struct pcap_pkthdr *h;
		const uint8_t *data;
		enum rs_cap_result r = rs_capfile_next(&cf, &h, &data);
		if (cf.note[0]) {
			fprintf(stderr, "rawshake detect: %s: %s\n", path, cf.note);
			cf.note[0] = '\0';
		}
		if (r == RS_CAP_EOF)
			break;
		if (r != RS_CAP_PACKET) {
			fprintf(stderr, "rawshake detect: %s: %s after frame %llu (%s)\n", path,
				r == RS_CAP_TRUNCATED ? "file is truncated" : "read error",
				(unsigned long long)*frame, cf.errbuf);
			status = RS_EXIT_PARTIAL;
			break;
		}
		/* Files are opened at nanosecond precision; each packet has
		 * its own link type and precision (a pcapng interface's). */
		pkt->frame = ++*frame;
		pkt->ts_sec = h->ts.tv_sec;
		pkt->ts_frac = (uint32_t)(cf.cur.ts_digits == 6 ? h->ts.tv_usec / 1000 : h->ts.tv_usec);
		pkt->ts_digits = cf.cur.ts_digits;
		pkt->caplen = h->caplen;
		pkt->len = h->len;
		rs_decode_meta(cf.cur.dlt, data, h->caplen, h->len, cf.cur.meta, pkt);
		rs_detect_packet(d, pkt);
	}
	rs_capfile_close(&cf);
	return status;
}

static struct rs_live live;

static void on_signal(int sig)
{
	(void)sig;
	rs_live_stop(&live);
}

struct live_ctx {
	struct rs_detect *d;
	struct rs_packet pkt;
};

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct live_ctx *c = (struct live_ctx *)user;
	c->pkt.frame = ++live.seen;
	c->pkt.ts_sec = h->ts.tv_sec;
	c->pkt.ts_frac = (uint32_t)h->ts.tv_usec;
	c->pkt.ts_digits = live.ts_digits;
	c->pkt.caplen = h->caplen;
	c->pkt.len = h->len;
	rs_decode(live.dlt, bytes, h->caplen, h->len, &c->pkt);
	rs_detect_packet(c->d, &c->pkt);
}

/*
 * Captures until a signal.  When the link is idle for 200 ms the detector's
 * clock is moved on with the capture clock (CLOCK_REALTIME, which the kernel
 * stamps packets with), so alerts end on a silent link as well.
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
				struct timespec ts;
				clock_gettime(CLOCK_REALTIME, &ts);
				rs_detect_tick(d, ts.tv_sec,
						 (uint32_t)(live.ts_digits == 9 ? ts.tv_nsec : ts.tv_nsec / 1000),
						 live.ts_digits);
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

static int detect_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "read", required_argument, NULL, 'r' },
		{ "interface", required_argument, NULL, 'i' },
		{ "user", required_argument, NULL, 'Z' },
		{ "buffer-size", required_argument, NULL, 'B' },
		{ "snaplen", required_argument, NULL, 's' },
		{ "no-promisc", no_argument, NULL, 'p' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "format", required_argument, NULL, OPT_FORMAT },
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
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct rs_detect_opts so;
	struct rs_live_opts lo = { .promisc = true, .snaplen = 128 };
	const char *user = NULL;
	bool quiet = false, stats = true;
	char **files = calloc((size_t)argc + 1, sizeof(char *));
	int nfiles = 0, c;
	unsigned long long n;

	if (!files)
		return RS_EXIT_USAGE;
	rs_detect_opts_default(&so);
#define U32(name, lo_, hi_, field)                                         \
	do {                                                               \
		if (!rs_cli_parse_u64(name, optarg, lo_, hi_, &n))        \
			goto usage_err;                                    \
		so.field = (uint32_t)n;                                    \
	} while (0)
	/* Options anywhere, "--" kept as the end of the files (as read). */
	rs_cli_mark_double_dash(argc, argv);
	while ((c = getopt_long(argc, argv, "r:i:Z:B:s:pqh", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': files[nfiles++] = optarg; break;
		case 'i': lo.ifname = optarg; break;
		case 'Z': user = optarg; break;
		case 'B':
			if (!rs_cli_parse_u64("-B", optarg, 1, 4u << 20, &n))
				goto usage_err;
			lo.buffer_kib = (int)n;
			break;
		case 's':
			if (!rs_cli_parse_u64("-s", optarg, 64, 262144, &n))
				goto usage_err;
			lo.snaplen = (int)n;
			break;
		case 'p': lo.promisc = false; break;
		case 'q': quiet = true; break;
		case OPT_FORMAT:
			if (strcmp(optarg, "text") == 0) {
				so.format = RS_DETECT_TEXT;
			} else if (strcmp(optarg, "json") == 0) {
				so.format = RS_DETECT_JSON;
			} else {
				fprintf(stderr, "rawshake detect: --format: '%s' is not text or json\n", optarg);
				goto usage_err;
			}
			break;
		case OPT_NO_UPDATES: so.no_updates = true; break;
		case OPT_NO_STATS: stats = false; break;
		case OPT_SYN_RATE:
			if (!parse_double("--syn-rate", optarg, 0.001, 1e9, &so.syn_rate))
				goto usage_err;
			break;
		case OPT_COMPLETION:
			if (!parse_double("--completion", optarg, 0, 1, &so.completion))
				goto usage_err;
			break;
		case OPT_HALF_OPEN: U32("--half-open", 0, 1u << 26, half_open); break;
		case OPT_GRACE: U32("--grace", 1, 600000, grace_ms); break;
		case OPT_TIMEOUT: U32("--timeout", 2, 600000, timeout_ms); break;
		case OPT_HOLD: U32("--hold", 0, 600000, hold_ms); break;
		case OPT_WINDOW: U32("--window", 2, 16, window_s); break;
		case OPT_SPOOF: U32("--spoof-sources", 1, 1u << 30, spoof_sources); break;
		case OPT_SCAN_PORTS: U32("--scan-ports", 2, 65536, scan_ports); break;
		case OPT_SCAN_IDLE: U32("--scan-idle", 1, 600000, scan_idle_ms); break;
		case OPT_MAX_VICTIMS: U32("--max-victims", 1, 1u << 20, max_victims); break;
		case OPT_MAX_HALF_OPEN: U32("--max-half-open", 16, 1u << 26, max_half_open); break;
		case OPT_MAX_PER_VICTIM:
			U32("--max-half-open-per-victim", 1, 1u << 26, max_half_open_per_victim);
			break;
		case OPT_MAX_SCANNERS: U32("--max-scanners", 1, 1u << 20, max_scanners); break;
		case OPT_MAX_HOSTS: U32("--max-hosts", 1, 1u << 20, max_hosts); break;
		case OPT_EXHAUST_RATE:
			if (!parse_double("--exhaust-rate", optarg, 0.001, 1e9, &so.exhaust_rate))
				goto usage_err;
			break;
		case 'h':
			detect_usage(stdout);
			free(files);
			return RS_EXIT_OK;
		default:
			goto usage_err;
		}
	}
#undef U32
	/* Positional arguments: more files (with -r) while they are
	 * captures, up to "--", then the filter. */
	int first = optind;
	if (nfiles)
		while (first < argc && !rs_cli_is_double_dash(argv[first]) &&
		       rs_input_is_capture(argv[first]))
			files[nfiles++] = argv[first++];
	if (first < argc && rs_cli_is_double_dash(argv[first]))
		first++;
	if ((nfiles > 0) == (lo.ifname != NULL)) {
		fprintf(stderr, "rawshake detect: give either -r FILE... or -i IFACE\n");
		goto usage_err;
	}

	char err[PCAP_ERRBUF_SIZE + 256];
	char *filter = rs_cli_join_args(argc - first, argv + first);
	static struct rs_out out;
	rs_out_init(&out, STDOUT_FILENO);
	so.out = quiet ? NULL : &out;
	int status = RS_EXIT_OK;

	struct rs_input *inputs = NULL;
	if (lo.ifname) {
		/* Everything privileged first, then no privileges before the
		 * first packet is parsed. */
		lo.filter = filter ? filter : "tcp";
		if (!rs_live_open(&live, &lo, err, sizeof(err)) ||
		    !rs_drop_privileges(user, err, sizeof(err))) {
			fprintf(stderr, "rawshake detect: %s\n", err);
			rs_live_close(&live);
			free(filter);
			free(files);
			return RS_EXIT_USAGE;
		}
		rs_cli_sandbox("detect", RS_SANDBOX_CAPTURE, live.has_nl ? live.nl_fd : -1);
	} else {
		/* Files need no privilege: open them all, then give up root
		 * (or setcap's capabilities) before reading any, as read does. */
		inputs = calloc((size_t)nfiles, sizeof(*inputs));
		if (!inputs) {
			fprintf(stderr, "rawshake detect: out of memory\n");
			free(filter);
			free(files);
			return RS_EXIT_USAGE;
		}
		rs_inputs_open(inputs, files, nfiles);
		if ((geteuid() == 0 || rs_caps_effective() != 0) &&
		    !rs_drop_privileges(user, err, sizeof(err))) {
			fprintf(stderr, "rawshake detect: %s (-Z root keeps root)\n", err);
			rs_inputs_close(inputs, nfiles);
			free(inputs);
			free(filter);
			free(files);
			return RS_EXIT_USAGE;
		}
		rs_capfile_precompile(filter);
		rs_cli_sandbox("detect", RS_SANDBOX_FILES, -1);
	}
	struct rs_detect *d = rs_detect_new(&so, err, sizeof(err));
	if (!d) {
		fprintf(stderr, "rawshake detect: %s\n", err);
		rs_live_close(&live);
		if (inputs)
			rs_inputs_close(inputs, nfiles);
		free(inputs);
		free(filter);
		free(files);
		return RS_EXIT_USAGE;
	}

	if (lo.ifname) {
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		fprintf(stderr, "rawshake detect: listening on %s, link type %s\n", live.ifname,
			pcap_datalink_val_to_name(live.dlt) ? pcap_datalink_val_to_name(live.dlt) : "?");
		status = detect_live(d, &out);
	} else {
		static struct rs_packet pkt;
		uint64_t frame = 0;
		for (int i = 0; i < nfiles; i++) {
			int r = detect_file(d, &inputs[i], filter, &pkt, &frame);
			if (r > status)
				status = r;
		}
		rs_inputs_close(inputs, nfiles);
		free(inputs);
	}
	rs_detect_finish(d);
	if (stats && !quiet)
		rs_detect_print_stats(d);
	int out_status = rs_cli_out_finish("detect", &out, RS_EXIT_OK);

	if (lo.ifname) {
		struct pcap_stat st;
		bool have = rs_live_stats(&live, &st);
		rs_live_close(&live);
		fprintf(stderr, "%llu packets captured\n", (unsigned long long)live.seen);
		if (have)
			fprintf(stderr, "%u packets received by filter\n%u packets dropped by kernel\n"
					"%u packets dropped by interface\n",
				st.ps_recv, st.ps_drop, st.ps_ifdrop);
	}
	struct rs_detect_stats ds;
	rs_detect_get_stats(d, &ds);
	if (status != RS_EXIT_USAGE && ds.alerts)
		status = RS_EXIT_ALERT;
	/* Alerts nobody could read are not a result: the write error wins. */
	if (out_status != RS_EXIT_OK && status != RS_EXIT_USAGE)
		status = out_status;
	rs_detect_free(d);
	free(filter);
	free(files);
	return status;

usage_err:
	free(files);
	detect_usage(stderr);
	return RS_EXIT_USAGE;
}

const struct rs_command rs_cmd_detect = {
	.name = "detect",
	.summary = "detect SYN floods and port scans in files or live",
	.run = detect_run,
	.usage = detect_usage,
};
