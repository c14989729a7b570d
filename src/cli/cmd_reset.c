/* cmd_reset.c: "rawshake reset": options into a watched connection and one injected segment (reset.h). */
#include "cli.h"
#include "rawshake/live.h"
#include "rawshake/out.h"
#include "rawshake/reset.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void reset_usage(FILE *f)
{
	fprintf(f,
		"usage: rawshake reset -i IFACE [options] [FILTER]\n"
		"Watches the first TCP connection FILTER shows on IFACE, learns each end's\n"
		"next sequence number and window, then injects one RST (or FIN, or data)\n"
		"toward one end with the other end's addresses, and shows what that end does:\n"
		"an RST at rcv_nxt closes, one in the window draws a challenge ACK (RFC 5961),\n"
		"one outside the window is ignored.  The injected segment is marked.\n"
		"\n"
		"      --mode rst|fin|data  what to inject (default rst)\n"
		"      --seq exact|in-window|out-of-window\n"
		"                           its sequence number: the target's rcv_nxt, half its\n"
		"                           window above, or beyond the window (default exact)\n"
		"      --to client|server   the end that receives it (default server)\n"
		"      --after N            segments of the connection to watch first (default 4)\n"
		"      --wait MS            how long to watch after the injection (default 1000)\n"
		"      --force              inject toward an address outside loopback and the\n"
		"                           documentation ranges (only a network you own!)\n"
		"  -i, --interface IFACE    capture on IFACE\n"
		"  -h, --help\n");
	rs_cli_view_usage(f);
	fprintf(f, "Needs CAP_NET_RAW.  Exit status: 0 injected, 1 capture or send failure,\n"
		   "2 usage, refused destination.\n");
}

enum { O_MODE = RS_OPT_FIRST_COMMAND_OPT, O_SEQ, O_TO, O_AFTER, O_WAIT, O_FORCE };

static const struct option reset_longopts[] = {
	RS_CLI_VIEW_LONGOPTS,
	RS_CLI_LIVE_LONGOPTS,
	{ "mode", required_argument, NULL, O_MODE },
	{ "seq", required_argument, NULL, O_SEQ },
	{ "to", required_argument, NULL, O_TO },
	{ "after", required_argument, NULL, O_AFTER },
	{ "wait", required_argument, NULL, O_WAIT },
	{ "force", no_argument, NULL, O_FORCE },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int bad(const char *opt, const char *arg)
{
	fprintf(stderr, "rawshake reset: %s: bad value '%s'\n", opt, arg);
	return RS_EXIT_USAGE;
}

static int reset_opt(int c, const char *arg, struct rs_reset_opts *ro)
{
	unsigned long long n;
	switch (c) {
	case O_MODE:
		return rs_reset_mode_parse(arg, &ro->mode) ? 0 : bad("--mode", arg);
	case O_SEQ:
		return rs_reset_seq_parse(arg, &ro->seq) ? 0 : bad("--seq", arg);
	case O_TO:
		if (strcmp(arg, "client") && strcmp(arg, "server"))
			return bad("--to", arg);
		ro->to_client = !strcmp(arg, "client");
		return 0;
	case O_AFTER:
		if (!rs_cli_parse_u64("--after", arg, 2, 1000000, &n))
			return RS_EXIT_USAGE;
		ro->after = (unsigned)n;
		return 0;
	case O_WAIT:
		if (!rs_cli_parse_u64("--wait", arg, 0, 600000, &n))
			return RS_EXIT_USAGE;
		ro->wait_ms = (unsigned)n;
		return 0;
	case O_FORCE:
		ro->force = true;
		return 0;
	case 'h':
		reset_usage(stdout);
		return -1;
	default:
		reset_usage(stderr);
		return RS_EXIT_USAGE;
	}
}

static int reset_run(int argc, char **argv)
{
	struct rs_reset_opts ro = { .after = 4, .wait_ms = 1000 };
	struct rs_view_opts vo;
	struct rs_live_opts lo;
	int c;

	memset(&vo, 0, sizeof(vo));
	memset(&lo, 0, sizeof(lo));
	vo.format = RS_FORMAT_TEXT;
	lo.promisc = true;
	while ((c = getopt_long(argc, argv, "+" RS_CLI_VIEW_SHORTOPTS RS_CLI_LIVE_SHORTOPTS "h",
				reset_longopts, NULL)) != -1) {
		int r = rs_cli_view_opt(c, optarg, &vo);
		if (r == 0)
			r = rs_cli_live_opt(c, optarg, &lo);
		if (r < 0)
			return RS_EXIT_USAGE;
		if (r > 0)
			continue;
		r = reset_opt(c, optarg, &ro);
		if (r)
			return r < 0 ? RS_EXIT_OK : r;
	}
	if (!lo.ifname) {
		fprintf(stderr, "rawshake reset: -i IFACE is needed\n");
		return RS_EXIT_USAGE;
	}
	rs_cli_view_finalize(&vo);
	lo.filter = rs_cli_join_args(argc - optind, argv + optind);

	static struct rs_live live;
	static struct rs_view view;
	static struct rs_out out;
	char err[PCAP_ERRBUF_SIZE + 512];
	rs_out_init(&out, STDOUT_FILENO);
	if (!rs_live_open(&live, &lo, err, sizeof(err)) || !rs_view_init(&view, &vo, &out, err, sizeof(err))) {
		fprintf(stderr, "rawshake reset: %s\n", err);
		return RS_EXIT_USAGE;
	}
	rs_cli_catch_stop(&live);
	struct rs_reset_result res;
	static int stop;
	bool ok = rs_reset_run(&live, &view, &ro, &stop, &res, err, sizeof(err));
	rs_view_finish(&view);
	if (res.injected)
		rs_reset_print_result(&out, &ro, &res, vo.format == RS_FORMAT_JSON);
	int status = rs_cli_out_finish("reset", &out, RS_EXIT_OK);
	if (!ok)
		fprintf(stderr, "rawshake reset: %s\n", err);
	rs_view_free(&view);
	rs_live_close(&live);
	free((void *)lo.filter);
	if (!ok)
		return res.injected ? RS_EXIT_PARTIAL : (strstr(err, "--force") ? RS_EXIT_USAGE : RS_EXIT_PARTIAL);
	return status;
}

const struct rs_command rs_cmd_reset = {
	"reset", "inject a RST, FIN or data into a TCP connection it watches (RFC 5961)",
	reset_run, reset_usage,
};
