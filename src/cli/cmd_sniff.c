/* cmd_sniff.c: "rawshake sniff": live capture through the shared view. */
#include "cli.h"
#include "rawshake/live.h"
#include "rawshake/out.h"
#include "rawshake/privdrop.h"
#include "rawshake/view.h"

#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void sniff_usage(FILE *f)
{
	fprintf(f,
		"usage: rawshake sniff [-i IFACE] [options] [FILTER]\n"
		"Capture live and print every packet as 'read' does.\n"
		"FILTER is a BPF expression in tcpdump syntax.\n"
		"\n"
		"  -i, --interface IFACE  interface ('any' for all, each line naming the interface\n"
		"                         and direction); default: the first usable one\n"
		"  -w, --write FILE       also write the packets to a pcap file ('-': standard output)\n"
		"      --pcapng           write -w FILE as pcapng (as dumpcap does), with directions\n"
		"                         and the statistics\n"
		"  -B, --buffer-size KIB  kernel capture buffer in KiB\n"
		"  -s, --snaplen N        bytes captured per packet (default 262144)\n"
		"  -p, --no-promisc       do not put the interface in promiscuous mode\n"
		"      --nano             nanosecond timestamps\n"
		"  -Z, --user USER        drop to USER after opening (default nobody; root keeps root)\n"
		"  -h, --help             this help\n");
	rs_cli_view_usage(f);
	fprintf(f, "Needs root, or cap_net_raw,cap_net_admin (setcap) on the binary.\n");
}

static struct rs_live live;

static void on_signal(int sig)
{
	(void)sig;
	rs_live_stop(&live);
}

static int sniff_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		RS_CLI_VIEW_LONGOPTS,
		{ "interface", required_argument, NULL, 'i' },
		{ "write", required_argument, NULL, 'w' },
		{ "buffer-size", required_argument, NULL, 'B' },
		{ "snaplen", required_argument, NULL, 's' },
		{ "no-promisc", no_argument, NULL, 'p' },
		{ "nano", no_argument, NULL, RS_OPT_FIRST_COMMAND_OPT },
		{ "pcapng", no_argument, NULL, RS_OPT_FIRST_COMMAND_OPT + 1 },
		{ "user", required_argument, NULL, 'Z' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct rs_view_opts vo = { .format = RS_FORMAT_TEXT };
	struct rs_live_opts lo = { .promisc = true };
	const char *wfile = NULL, *user = NULL;
	bool pcapng = false;
	unsigned long long n;
	int c;

	while ((c = getopt_long(argc, argv, "+" RS_CLI_VIEW_SHORTOPTS "i:w:B:s:pZ:h", longopts,
				NULL)) != -1) {
		int r = rs_cli_view_opt(c, optarg, &vo);
		if (r < 0)
			return RS_EXIT_USAGE;
		if (r > 0)
			continue;
		switch (c) {
		case 'i': lo.ifname = optarg; break;
		case 'w': wfile = optarg; break;
		case 'B':
			if (!rs_cli_parse_u64("-B", optarg, 1, 4u << 20, &n))
				return RS_EXIT_USAGE;
			lo.buffer_kib = (int)n;
			break;
		case 's':
			if (!rs_cli_parse_u64("-s", optarg, 1, 262144, &n))
				return RS_EXIT_USAGE;
			lo.snaplen = (int)n;
			break;
		case 'p': lo.promisc = false; break;
		case RS_OPT_FIRST_COMMAND_OPT: lo.nano = true; break;
		case RS_OPT_FIRST_COMMAND_OPT + 1: pcapng = true; break;
		case 'Z': user = optarg; break;
		case 'h':
			sniff_usage(stdout);
			return RS_EXIT_OK;
		default:
			sniff_usage(stderr);
			return RS_EXIT_USAGE;
		}
	}
	if (pcapng && !wfile) {
		fprintf(stderr, "rawshake sniff: --pcapng: needs -w FILE\n");
		return RS_EXIT_USAGE;
	}
	rs_cli_view_finalize(&vo);
	char *filter = rs_cli_join_args(argc - optind, argv + optind);
	lo.filter = filter;

	char err[PCAP_ERRBUF_SIZE + 256];
	int status = RS_EXIT_OK;
	/* Everything privileged first: the capture handle and the file. */
	if (!rs_live_open(&live, &lo, err, sizeof(err))) {
		fprintf(stderr, "rawshake sniff: %s\n", err);
		free(filter);
		return RS_EXIT_USAGE;
	}
	if (wfile && !rs_live_dump_open(&live, wfile, pcapng, err, sizeof(err))) {
		fprintf(stderr, "rawshake sniff: %s\n", err);
		rs_live_close(&live);
		free(filter);
		return RS_EXIT_USAGE;
	}
	/* Then no privileges at all before the first packet is parsed. */
	if (!rs_drop_privileges(user, err, sizeof(err))) {
		fprintf(stderr, "rawshake sniff: %s\n", err);
		rs_live_close(&live);
		free(filter);
		return RS_EXIT_USAGE;
	}

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	static struct rs_out out;
	struct rs_view view;
	rs_out_init(&out, STDOUT_FILENO);
	if (!rs_view_init(&view, &vo, &out, err, sizeof(err))) {
		fprintf(stderr, "rawshake sniff: %s\n", err);
		rs_view_free(&view);
		rs_live_close(&live);
		free(filter);
		return RS_EXIT_USAGE;
	}
	fprintf(stderr, "rawshake sniff: listening on %s, link type %s%s\n", live.ifname,
		pcap_datalink_val_to_name(live.dlt) ? pcap_datalink_val_to_name(live.dlt) : "?",
		wfile ? ", writing to file" : "");
	if (!rs_live_loop(&live, &view, 0, err, sizeof(err))) {
		fprintf(stderr, "rawshake sniff: %s\n", err);
		status = RS_EXIT_PARTIAL;
	}
	if (!rs_out_closed(&out))
		rs_view_finish(&view);
	rs_out_flush(&out);

	struct pcap_stat st;
	bool have_stats = rs_live_stats(&live, &st);
	rs_live_close(&live);
	if (live.dump_errno) {
		fprintf(stderr, "rawshake sniff: writing %s: %s\n", wfile, strerror(live.dump_errno));
		status = RS_EXIT_PARTIAL;
	}
	fprintf(stderr, "%llu packets captured\n", (unsigned long long)live.seen);
	if (have_stats)
		fprintf(stderr, "%u packets received by filter\n%u packets dropped by kernel\n"
				"%u packets dropped by interface\n",
			st.ps_recv, st.ps_drop, st.ps_ifdrop);
	rs_view_free(&view);
	free(filter);
	return status;
}

const struct rs_command rs_cmd_sniff = {
	.name = "sniff",
	.summary = "capture live and explain every packet",
	.run = sniff_run,
	.usage = sniff_usage,
};
