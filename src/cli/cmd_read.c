/* cmd_read.c: "rawshake read": options and arguments, then the library's read loop. */
#include "cli.h"
#include "rawshake/capfile.h"
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
		"usage: rawshake read [options] FILE... [--] [FILTER]\n"
		"       rawshake read [options] -r FILE [-r FILE]... [FILTER]\n"
		"Read pcap/pcapng files ('-' = standard input), follow every TCP connection\n"
		"and explain every packet.  FILTER is a BPF expression in tcpdump syntax;\n"
		"no names are ever resolved.  After the first FILE, arguments are files while\n"
		"they are captures (a file that starts as pcap or pcapng does, '-', a FIFO);\n"
		"the first that is not starts the filter ('--' or -r settle it).\n"
		"\n");
	rs_cli_view_usage(f);
	fprintf(f,
		"  -r, --read FILE      a capture file (repeatable); then every argument is FILTER\n"
		"  -Z, --user USER      started as root: drop to USER once the files are open\n"
		"                       (default nobody; root keeps root)\n"
		"  -h, --help           this help\n");
}


static int read_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		RS_CLI_VIEW_LONGOPTS,
		{ "user", required_argument, NULL, 'Z' },
		{ "read", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct rs_view_opts vo = { .format = RS_FORMAT_TEXT };
	const char *user = NULL;
	char **rfiles = calloc((size_t)argc, sizeof(*rfiles));
	int nr = 0, c;

	if (!rfiles) {
		fprintf(stderr, "rawshake read: out of memory\n");
		return RS_EXIT_USAGE;
	}

	/* Options anywhere, as tcpdump takes them ("read F -c 2"): getopt
	 * moves the files and the filter's words after the options, in their
	 * order.  A "--" would end option parsing and vanish; it is kept as a
	 * mark between files and filter instead. */
	rs_cli_mark_double_dash(argc, argv);
	while ((c = getopt_long(argc, argv, RS_CLI_VIEW_SHORTOPTS "r:Z:h", longopts, NULL)) != -1) {
		int r = rs_cli_view_opt(c, optarg, &vo);
		if (r < 0)
			goto usage_fail;
		if (r > 0)
			continue;
		if (c == 'h') {
			read_usage(stdout);
			free(rfiles);
			return RS_EXIT_OK;
		}
		if (c == 'Z') {
			user = optarg;
			continue;
		}
		if (c == 'r') {
			rfiles[nr++] = optarg;
			continue;
		}
		read_usage(stderr);
		goto usage_fail;
	}
	rs_cli_view_finalize(&vo);

	/* Files: those of -r (then every argument is the filter), or the
	 * first argument and each next one that is a capture, up to "--". */
	char **files = rfiles;
	int nfiles = nr, rest = optind;
	if (!nr) {
		if (rest >= argc) {
			fprintf(stderr, "rawshake read: no capture file given\n");
			read_usage(stderr);
			goto usage_fail;
		}
		files = argv + rest;
		nfiles = 1;
		while (rest + nfiles < argc && !rs_cli_is_double_dash(argv[rest + nfiles]) &&
		       rs_input_is_capture(argv[rest + nfiles]))
			nfiles++;
		rest += nfiles;
	}
	if (rest < argc && rs_cli_is_double_dash(argv[rest]))
		rest++;
	char *filter = rs_cli_join_args(argc - rest, argv + rest);

	static struct rs_out out;
	struct rs_view view;
	char err[256];
	rs_out_init(&out, STDOUT_FILENO);
	if (!rs_view_init(&view, &vo, &out, err, sizeof(err))) {
		fprintf(stderr, "rawshake read: %s\n", err);
		rs_view_free(&view);
		free(filter);
		goto usage_fail;
	}
	/* read needs no privilege: run as root (or with capabilities from
	 * setcap), it opens every file, then gives up root before the first
	 * byte of a capture is parsed, as tcpdump -r does. */
	struct rs_input *in = calloc((size_t)nfiles, sizeof(*in));
	if (!in) {
		fprintf(stderr, "rawshake read: out of memory\n");
		rs_view_free(&view);
		free(filter);
		goto usage_fail;
	}
	rs_inputs_open(in, files, nfiles);
	if ((geteuid() == 0 || rs_caps_effective() != 0) &&
	    !rs_drop_privileges(user, err, sizeof(err))) {
		fprintf(stderr, "rawshake read: %s (-Z root keeps root)\n", err);
		rs_inputs_close(in, nfiles);
		free(in);
		rs_view_free(&view);
		free(filter);
		goto usage_fail;
	}
	/* Then nothing but reading the open files and writing the output:
	 * the filter is compiled before, since compiling may look names up. */
	rs_capfile_precompile(filter);
	rs_cli_sandbox("read", RS_SANDBOX_FILES, -1);
	int status = rs_read_inputs(&view, in, nfiles, filter, STDERR_FILENO);
	free(in);
	if (!rs_out_closed(&out))
		rs_view_finish(&view);
	status = rs_cli_out_finish("read", &out, status);
	rs_view_free(&view);
	free(filter);
	free(rfiles);
	return status;

usage_fail:
	free(rfiles);
	return RS_EXIT_USAGE;
}

const struct rs_command rs_cmd_read = {
	.name = "read",
	.summary = "read pcap/pcapng files and explain every packet",
	.run = read_run,
	.usage = read_usage,
};
