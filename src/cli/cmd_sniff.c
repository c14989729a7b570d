/* cmd_sniff.c: "rawshake sniff": live capture through the shared view. */
#include "cli.h"
#include "rawshake/live.h"
#include "rawshake/out.h"
#include "rawshake/privdrop.h"
#include "rawshake/view.h"

#include <errno.h>
#include <stdint.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void sniff_usage(FILE *f)
{
	fprintf(f,
		"usage: rawshake sniff [-i IFACE] [options] [FILTER]\n"
		"       rawshake sniff -D\n"
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
		"  -C, --file-size MB     with -w: a new file before a packet finds the current one\n"
		"                         over MB * 1000000 bytes: FILE, FILE1, FILE2 ... (tcpdump -C)\n"
		"  -G, --rotate-seconds SECONDS\n"
		"                         with -w: a new file for the first packet SECONDS after the\n"
		"                         current one began; FILE is a strftime(3) pattern (tcpdump -G)\n"
		"  -W, --file-count COUNT with -C: a ring of COUNT files FILE0 ...; with -G alone:\n"
		"                         stop after COUNT files (tcpdump -W)\n"
		"  -B, --buffer-size KIB  kernel capture buffer in KiB\n"
		"  -s, --snaplen N        bytes captured per packet (default 262144)\n"
		"  -p, --no-promisc       do not put the interface in promiscuous mode\n"
		"      --nano             nanosecond timestamps\n"
		"  -Z, --user USER        drop to USER once the capture is open, before opening -w\n"
		"                         FILE (default nobody; root keeps root)\n"
		"  -D, --list-interfaces  list the interfaces libpcap can capture on, as tcpdump -D,\n"
		"                         and exit\n"
		"  -h, --help             this help\n");
	rs_cli_view_usage(f);
	fprintf(f, "Needs root, or cap_net_raw,cap_net_admin (setcap) on the binary.\n");
}

static struct rs_live live;

enum { OPT_NANO = RS_OPT_FIRST_COMMAND_OPT, OPT_PCAPNG };

static const struct option sniff_longopts[] = {
	RS_CLI_VIEW_LONGOPTS,
	RS_CLI_LIVE_LONGOPTS,
	{ "write", required_argument, NULL, 'w' },
	{ "nano", no_argument, NULL, OPT_NANO },
	{ "pcapng", no_argument, NULL, OPT_PCAPNG },
	{ "user", required_argument, NULL, 'Z' },
	{ "file-size", required_argument, NULL, 'C' },
	{ "rotate-seconds", required_argument, NULL, 'G' },
	{ "file-count", required_argument, NULL, 'W' },
	{ "list-interfaces", no_argument, NULL, 'D' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Everything the command line says. */
struct sniff_args {
	struct rs_view_opts vo;
	struct rs_live_opts lo;
	const char *wfile, *user;
	const char *as_user;        /* the -w file's owner to name in a refusal */
	bool pcapng;
	bool list;                  /* -D */
	struct rs_live_rotate rot;  /* -C, -G, -W */
	char *filter;
};

enum { SNIFF_GO = -1 };

static bool sniff_rotating(const struct sniff_args *a)
{
	return a->rot.max_bytes || a->rot.seconds;
}

/* -C MB, -G SECONDS, -W COUNT: whole numbers from 1, as tcpdump takes them. */
static bool sniff_rotate_opt(int c, const char *arg, struct rs_live_rotate *rot)
{
	static const char opt[][3] = { "-C", "-G", "-W" };
	int k = c == 'C' ? 0 : c == 'G' ? 1 : 2;
	unsigned long long n;

	/* -C: up to 2^64 bytes once multiplied. */
	if (!rs_cli_parse_u64(opt[k], arg, 1, k == 0 ? UINT64_MAX / 1000000 : UINT32_MAX, &n))
		return false;
	if (k == 0)
		rot->max_bytes = n * 1000000u;
	else if (k == 1)
		rot->seconds = (unsigned)n;
	else
		rot->count = (unsigned)n;
	return true;
}

/* Rotation names files: it needs -w FILE, a name, not a descriptor. */
static bool sniff_rotate_check(const struct sniff_args *a)
{
	const char *which = a->rot.max_bytes ? "-C" : a->rot.seconds ? "-G" : "-W";

	if (!sniff_rotating(a) && !a->rot.count)
		return true;
	if (!a->wfile)
		fprintf(stderr, "rawshake sniff: %s: needs -w FILE\n", which);
	else if (!sniff_rotating(a))
		fprintf(stderr, "rawshake sniff: -W: needs -C or -G\n");
	else if (rs_outfile_names_descriptor(a->wfile))
		fprintf(stderr, "rawshake sniff: %s: -w %s is a descriptor, not a file name: "
				"a rotation opens files by name\n", which, a->wfile);
	else
		return true;
	return false;
}

/* -D: nothing is opened but libpcap's list; no privilege is needed. */
static int sniff_list(void)
{
	struct rs_out out;
	char err[PCAP_ERRBUF_SIZE + 64];

	rs_out_init(&out, STDOUT_FILENO);
	if (!rs_live_list_interfaces(&out, err, sizeof(err))) {
		fprintf(stderr, "rawshake sniff: %s\n", err);
		return RS_EXIT_PARTIAL;
	}
	return rs_cli_out_finish("sniff", &out, RS_EXIT_OK);
}

/* The command line into a: SNIFF_GO, or the exit status (help, usage). */
static int sniff_parse(int argc, char **argv, struct sniff_args *a)
{
	int c;

	memset(a, 0, sizeof(*a));
	a->vo.format = RS_FORMAT_TEXT;
	a->lo.promisc = true;
	while ((c = getopt_long(argc, argv, "+" RS_CLI_VIEW_SHORTOPTS RS_CLI_LIVE_SHORTOPTS "w:Z:C:G:W:Dh",
				sniff_longopts, NULL)) != -1) {
		int r = rs_cli_view_opt(c, optarg, &a->vo);
		if (r == 0)
			r = rs_cli_live_opt(c, optarg, &a->lo);
		if (r < 0)
			return RS_EXIT_USAGE;
		if (r > 0)
			continue;
		switch (c) {
		case 'w': a->wfile = optarg; break;
		case OPT_NANO: a->lo.nano = true; break;
		case OPT_PCAPNG: a->pcapng = true; break;
		case 'Z': a->user = optarg; break;
		case 'D': a->list = true; break;
		case 'C': case 'G': case 'W':
			if (!sniff_rotate_opt(c, optarg, &a->rot))
				return RS_EXIT_USAGE;
			break;
		case 'h':
			sniff_usage(stdout);
			return RS_EXIT_OK;
		default:
			sniff_usage(stderr);
			return RS_EXIT_USAGE;
		}
	}
	if (a->pcapng && !a->wfile) {
		fprintf(stderr, "rawshake sniff: --pcapng: needs -w FILE\n");
		return RS_EXIT_USAGE;
	}
	if (!sniff_rotate_check(a))
		return RS_EXIT_USAGE;
	rs_cli_view_finalize(&a->vo);
	a->filter = rs_cli_join_args(argc - optind, argv + optind);
	a->lo.filter = a->filter;
	/* Started as root and switching to another user: the files are that
	 * user's, and a refusal says so. */
	if (getuid() == 0 && geteuid() == 0 && strcmp(a->user ? a->user : "nobody", "root") != 0)
		a->as_user = a->user ? a->user : "nobody";
	return SNIFF_GO;
}

/*
 * Every output, opened as the user the command has become, in this one
 * step: the -w file, then the text (standard output, or standard error
 * when the file is standard output, so that the pcap stream stays whole)
 * and the view's own temporary file.  Nothing is opened after it.
 * SNIFF_GO, or the exit status (the capture is closed then).
 */
static int sniff_outputs(const struct sniff_args *a, struct rs_out *out, struct rs_view *view)
{
	char err[PCAP_ERRBUF_SIZE + 512];

	if (a->wfile &&
	    !(sniff_rotating(a)
		      ? rs_live_dump_open_rotating(&live, a->wfile, a->pcapng, &a->rot, a->as_user,
						   err, sizeof(err))
		      : rs_live_dump_open_as(&live, a->wfile, a->pcapng, a->as_user, err,
					     sizeof(err)))) {
		fprintf(stderr, "rawshake sniff: -w %s\n", err);
		int status = live.dump_errno ? RS_EXIT_PARTIAL : RS_EXIT_USAGE;
		rs_live_close(&live);
		return status;
	}
	bool file_is_stdout = a->wfile && live.file.to_stdout;
	rs_out_init(out, file_is_stdout ? STDERR_FILENO : STDOUT_FILENO);
	if (!rs_view_init(view, &a->vo, out, err, sizeof(err))) {
		fprintf(stderr, "rawshake sniff: %s\n", err);
		rs_view_free(view);
		rs_live_close(&live);
		return RS_EXIT_USAGE;
	}
	return SNIFF_GO;
}

/* The capture itself, from "listening on" to the loop's end. */
static bool sniff_capture(const struct sniff_args *a, struct rs_view *view, char *err,
			  size_t errlen)
{
	rs_cli_catch_stop(&live);
	/* Then nothing but the capture, the open outputs and the names; a
	 * rotation goes on opening files, which the sandbox forbids: it
	 * runs without (as the -Z user all the same). */
	if (!sniff_rotating(a))
		rs_cli_sandbox("sniff", RS_SANDBOX_CAPTURE, live.has_nl ? live.nl_fd : -1);
	fprintf(stderr, "rawshake sniff: listening on %s, link type %s%s\n", live.ifname,
		rs_cli_live_dlt_name(&live),
		!a->wfile ? "" : live.file.to_stdout
				? ", writing to standard output (packet lines to standard error)"
				: sniff_rotating(a) ? ", writing to files" : ", writing to file");
	return rs_live_loop(&live, view, 0, err, errlen);
}

/* After the capture: the file's and the loop's troubles, the counts. */
static int sniff_end(const struct sniff_args *a, bool loop_ok, const char *err, int status)
{
	struct pcap_stat st;
	bool have_stats = rs_live_stats(&live, &st);
	rs_live_close(&live);
	if (live.dump_errno && live.dump_errno != EPIPE) {
		/* Once, with the errno of the first write that failed. */
		fprintf(stderr, "rawshake sniff: -w %s: write error: %s; the capture stopped, the "
				"file holds %llu whole packet%s\n", live.path, strerror(live.dump_errno),
			(unsigned long long)live.file.records, live.file.records == 1 ? "" : "s");
		status = RS_EXIT_PARTIAL;
	} else if (!loop_ok && live.rotate_err[0]) {
		fprintf(stderr, "rawshake sniff: -w %s; the capture stopped after %llu file%s\n", err,
			(unsigned long long)live.files, live.files == 1 ? "" : "s");
		status = RS_EXIT_PARTIAL;
	} else if (!loop_ok) {
		fprintf(stderr, "rawshake sniff: %s\n", err);
		status = RS_EXIT_PARTIAL;
	} else if (live.file_limit) {
		/* tcpdump's "Maximum file limit reached", exit 0 as its. */
		fprintf(stderr, "rawshake sniff: -W %u: the last file is written, capture done\n",
			a->rot.count);
	}
	rs_cli_live_counts(&live, &st, have_stats);
	return status;
}

static int sniff_run(int argc, char **argv)
{
	static struct sniff_args a;
	static struct rs_out out;
	struct rs_view view;
	char err[PCAP_ERRBUF_SIZE + 512];
	int status = sniff_parse(argc, argv, &a);

	if (status != SNIFF_GO)
		return status;
	if (a.list) {
		free(a.filter);
		return sniff_list();
	}
	/* 1. With privileges: the capture handle only (the filter is
	 *    compiled, no packet is read).  2. Then none: the -Z user, or no
	 *    capabilities at all.  3. The outputs, as that user. */
	if (!rs_cli_open_then_drop("sniff", a.user, &live, &a.lo, NULL, 0, NULL)) {
		free(a.filter);
		return RS_EXIT_USAGE;
	}
	status = sniff_outputs(&a, &out, &view);
	if (status != SNIFF_GO) {
		free(a.filter);
		return status;
	}
	/* 4. The capture. */
	bool loop_ok = sniff_capture(&a, &view, err, sizeof(err));
	if (!rs_out_closed(&out))
		rs_view_finish(&view);
	status = rs_cli_out_finish("sniff", &out, RS_EXIT_OK);
	status = sniff_end(&a, loop_ok, err, status);
	rs_view_free(&view);
	free(a.filter);
	return status;
}

const struct rs_command rs_cmd_sniff = {
	.name = "sniff",
	.summary = "capture live and explain every packet",
	.run = sniff_run,
	.usage = sniff_usage,
};
