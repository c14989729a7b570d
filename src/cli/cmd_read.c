/* cmd_read.c: "rawshake read": options and arguments, then the library's read loop. */
#include "cli.h"
#include "rawshake/out.h"
#include "rawshake/privdrop.h"
#include "rawshake/view.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void read_usage(FILE *f)
{
	fprintf(f,
		"usage: rawshake read [options] FILE... [FILTER]\n"
		"Read pcap/pcapng files ('-' = standard input), follow every TCP connection\n"
		"and explain every packet.  FILTER is a BPF expression in tcpdump syntax;\n"
		"no names are ever resolved.\n"
		"\n");
	rs_cli_view_usage(f);
	fprintf(f,
		"  -Z, --user USER      started as root: drop to USER once the files are open\n"
		"                       (default nobody; root keeps root)\n"
		"  -h, --help           this help\n");
}

/*
 * Arguments after the first: a capture file when it is "-", exists, or
 * looks like a path to one; the first that is not starts the filter, which
 * is every remaining argument joined by spaces (as tcpdump takes it).
 */
static bool is_file_arg(const char *a)
{
	struct stat st;
	size_t n = strlen(a);

	if (strcmp(a, "-") == 0 || strchr(a, '/'))
		return true;
	if ((n > 5 && strcmp(a + n - 5, ".pcap") == 0) ||
	    (n > 7 && strcmp(a + n - 7, ".pcapng") == 0) ||
	    (n > 4 && strcmp(a + n - 4, ".cap") == 0))
		return true;
	return stat(a, &st) == 0 && !S_ISDIR(st.st_mode);
}

static int read_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		RS_CLI_VIEW_LONGOPTS,
		{ "user", required_argument, NULL, 'Z' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct rs_view_opts vo = { .format = RS_FORMAT_TEXT };
	const char *user = NULL;
	int c;

	/* "+": stop at the first non-option, so a filter's words stay arguments. */
	while ((c = getopt_long(argc, argv, "+" RS_CLI_VIEW_SHORTOPTS "Z:h", longopts, NULL)) != -1) {
		int r = rs_cli_view_opt(c, optarg, &vo);
		if (r < 0)
			return RS_EXIT_USAGE;
		if (r > 0)
			continue;
		if (c == 'h') {
			read_usage(stdout);
			return RS_EXIT_OK;
		}
		if (c == 'Z') {
			user = optarg;
			continue;
		}
		read_usage(stderr);
		return RS_EXIT_USAGE;
	}
	rs_cli_view_finalize(&vo);
	if (optind >= argc) {
		fprintf(stderr, "rawshake read: no capture file given\n");
		read_usage(stderr);
		return RS_EXIT_USAGE;
	}

	int first = optind, nfiles = 1;
	while (first + nfiles < argc && is_file_arg(argv[first + nfiles]))
		nfiles++;
	char *filter = rs_cli_join_args(argc - first - nfiles, argv + first + nfiles);

	static struct rs_out out;
	struct rs_view view;
	char err[256];
	rs_out_init(&out, STDOUT_FILENO);
	if (!rs_view_init(&view, &vo, &out, err, sizeof(err))) {
		fprintf(stderr, "rawshake read: %s\n", err);
		rs_view_free(&view);
		free(filter);
		return RS_EXIT_USAGE;
	}
	/* read needs no privilege: run as root (or with capabilities from
	 * setcap), it opens every file, then gives up root before the first
	 * byte of a capture is parsed, as tcpdump -r does. */
	struct rs_input *in = calloc((size_t)nfiles, sizeof(*in));
	if (!in) {
		fprintf(stderr, "rawshake read: out of memory\n");
		rs_view_free(&view);
		free(filter);
		return RS_EXIT_USAGE;
	}
	rs_inputs_open(in, argv + first, nfiles);
	if ((geteuid() == 0 || rs_caps_effective() != 0) &&
	    !rs_drop_privileges(user, err, sizeof(err))) {
		fprintf(stderr, "rawshake read: %s (-Z root keeps root)\n", err);
		rs_inputs_close(in, nfiles);
		free(in);
		rs_view_free(&view);
		free(filter);
		return RS_EXIT_USAGE;
	}
	int status = rs_read_inputs(&view, in, nfiles, filter, STDERR_FILENO);
	free(in);
	if (!rs_out_closed(&out))
		rs_view_finish(&view);
	rs_out_flush(&out);
	if (out.err) {
		fprintf(stderr, "rawshake read: write error: %s\n", strerror(out.err));
		status = RS_EXIT_PARTIAL;
	}
	rs_view_free(&view);
	free(filter);
	return status;
}

const struct rs_command rs_cmd_read = {
	.name = "read",
	.summary = "read pcap/pcapng files and explain every packet",
	.run = read_run,
	.usage = read_usage,
};
