/* cmd_sniff.c: "rawshake sniff": live capture through the shared view. */
#include "cli.h"
#include "rawshake/live.h"
#include "rawshake/out.h"
#include "rawshake/privdrop.h"
#include "rawshake/view.h"

#include <errno.h>
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
		"  -w, --write FILE       also write the packets to a pcap file, opened as the -Z user\n"
		"                         ('-': standard output, the packet lines then go to\n"
		"                         standard error)\n"
		"      --pcapng           write -w FILE as pcapng (as dumpcap does), with directions\n"
		"                         and the statistics\n"
		"  -B, --buffer-size KIB  kernel capture buffer in KiB\n"
		"  -s, --snaplen N        bytes captured per packet (default 262144)\n"
		"  -p, --no-promisc       do not put the interface in promiscuous mode\n"
		"      --nano             nanosecond timestamps\n"
		"  -Z, --user USER        drop to USER once the capture is open, before opening -w\n"
		"                         FILE (default nobody; root keeps root)\n"
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

	char err[PCAP_ERRBUF_SIZE + 512];
	int status = RS_EXIT_OK;
	/* Started as root and switching to another user: the files are that
	 * user's, and a refusal says so. */
	const char *as_user = NULL;
	if (getuid() == 0 && geteuid() == 0 && strcmp(user ? user : "nobody", "root") != 0)
		as_user = user ? user : "nobody";

	/* 1. With privileges: the capture handle only (the filter is compiled,
	 *    no packet is read). */
	if (!rs_live_open(&live, &lo, err, sizeof(err))) {
		fprintf(stderr, "rawshake sniff: %s\n", err);
		free(filter);
		return RS_EXIT_USAGE;
	}
	/* 2. Then none: the -Z user, or no capabilities at all. */
	if (!rs_drop_privileges(user, err, sizeof(err))) {
		fprintf(stderr, "rawshake sniff: %s\n", err);
		rs_live_close(&live);
		free(filter);
		return RS_EXIT_USAGE;
	}
	/* 3. Every output, opened as that user, in this one step: the -w
	 *    file, then the text (standard output, or standard error when the
	 *    file is standard output, so that the pcap stream stays whole) and
	 *    the view's own temporary file.  Nothing is opened after it. */
	static struct rs_out out;
	struct rs_view view;
	if (wfile && !rs_live_dump_open_as(&live, wfile, pcapng, as_user, err, sizeof(err))) {
		fprintf(stderr, "rawshake sniff: -w %s\n", err);
		status = live.dump_errno ? RS_EXIT_PARTIAL : RS_EXIT_USAGE;
		rs_live_close(&live);
		free(filter);
		return status;
	}
	bool file_is_stdout = wfile && live.file.to_stdout;
	rs_out_init(&out, file_is_stdout ? STDERR_FILENO : STDOUT_FILENO);
	if (!rs_view_init(&view, &vo, &out, err, sizeof(err))) {
		fprintf(stderr, "rawshake sniff: %s\n", err);
		rs_view_free(&view);
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

	/* Then nothing but the capture, the open outputs and the names. */
	rs_cli_sandbox("sniff", RS_SANDBOX_CAPTURE, live.has_nl ? live.nl_fd : -1);

	/* 4. The capture. */
	fprintf(stderr, "rawshake sniff: listening on %s, link type %s%s\n", live.ifname,
		pcap_datalink_val_to_name(live.dlt) ? pcap_datalink_val_to_name(live.dlt) : "?",
		!wfile ? "" : file_is_stdout ? ", writing to standard output (packet lines to standard error)"
					     : ", writing to file");
	bool loop_ok = rs_live_loop(&live, &view, 0, err, sizeof(err));
	if (!rs_out_closed(&out))
		rs_view_finish(&view);
	status = rs_cli_out_finish("sniff", &out, status);

	struct pcap_stat st;
	bool have_stats = rs_live_stats(&live, &st);
	rs_live_close(&live);
	if (live.dump_errno && live.dump_errno != EPIPE) {
		/* Once, with the errno of the first write that failed. */
		fprintf(stderr, "rawshake sniff: -w %s: write error: %s; the capture stopped, the "
				"file holds %llu whole packet%s\n", wfile, strerror(live.dump_errno),
			(unsigned long long)live.file.records, live.file.records == 1 ? "" : "s");
		status = RS_EXIT_PARTIAL;
	} else if (!loop_ok) {
		fprintf(stderr, "rawshake sniff: %s\n", err);
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
