/* cmd_read.c: "rawshake read": options and arguments, then the library's read loop. */
#include "cli.h"
#include "rawshake/capfile.h"
#include "rawshake/out.h"
#include "rawshake/print_html.h"
#include "rawshake/view.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
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


static const struct option read_longopts[] = {
	RS_CLI_VIEW_LONGOPTS,
	{ "user", required_argument, NULL, 'Z' },
	{ "read", required_argument, NULL, 'r' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Everything the command line says. */
struct read_args {
	struct rs_view_opts vo;
	const char *user;
	char **rfiles;              /* those of -r (allocated) */
	char **files;               /* rfiles, or the captures among the arguments */
	int nfiles;
	char *filter;
};

enum { READ_GO = -1 };

/* Files: those of -r (then every argument is the filter), or the first
 * argument and each next one that is a capture, up to "--"; the rest is
 * the filter.  READ_GO, or RS_EXIT_USAGE (message printed). */
static int read_positional(int argc, char **argv, int nr, struct read_args *a)
{
	int rest = optind;

	a->files = a->rfiles;
	a->nfiles = nr;
	if (!nr) {
		if (rest >= argc) {
			fprintf(stderr, "rawshake read: no capture file given\n");
			read_usage(stderr);
			return RS_EXIT_USAGE;
		}
		a->files = argv + rest;
		a->nfiles = 1;
		while (rest + a->nfiles < argc && !rs_cli_is_double_dash(argv[rest + a->nfiles]) &&
		       rs_input_is_capture(argv[rest + a->nfiles]))
			a->nfiles++;
		rest += a->nfiles;
	}
	if (rest < argc && rs_cli_is_double_dash(argv[rest]))
		rest++;
	a->filter = rs_cli_join_args(argc - rest, argv + rest);
	return READ_GO;
}

/* The command line into a: READ_GO, or the exit status (help, usage). */
static int read_parse(int argc, char **argv, struct read_args *a)
{
	int nr = 0, c;

	memset(a, 0, sizeof(*a));
	a->vo.format = RS_FORMAT_TEXT;
	a->rfiles = calloc((size_t)argc, sizeof(*a->rfiles));
	if (!a->rfiles) {
		fprintf(stderr, "rawshake read: out of memory\n");
		return RS_EXIT_USAGE;
	}
	/* Options anywhere, as tcpdump takes them ("read F -c 2"): getopt
	 * moves the files and the filter's words after the options, in their
	 * order.  A "--" would end option parsing and vanish; it is kept as a
	 * mark between files and filter instead. */
	rs_cli_mark_double_dash(argc, argv);
	while ((c = getopt_long(argc, argv, RS_CLI_VIEW_SHORTOPTS "r:Z:h", read_longopts, NULL)) !=
	       -1) {
		int r = rs_cli_view_opt(c, optarg, &a->vo);
		if (r < 0)
			return RS_EXIT_USAGE;
		if (r > 0)
			continue;
		if (c == 'h') {
			read_usage(stdout);
			return RS_EXIT_OK;
		}
		if (c == 'Z') {
			a->user = optarg;
			continue;
		}
		if (c == 'r') {
			a->rfiles[nr++] = optarg;
			continue;
		}
		read_usage(stderr);
		return RS_EXIT_USAGE;
	}
	rs_cli_view_finalize(&a->vo);
	return read_positional(argc, argv, nr, a);
}

static int read_run(int argc, char **argv)
{
	static struct read_args a;
	static struct rs_out out;
	struct rs_view view;
	struct rs_input *in = NULL;
	char err[256];
	int status = read_parse(argc, argv, &a);

	if (status != READ_GO) {
		free(a.rfiles);
		return status;
	}
	rs_out_init(&out, STDOUT_FILENO);
	if (!rs_view_init(&view, &a.vo, &out, err, sizeof(err))) {
		fprintf(stderr, "rawshake read: %s\n", err);
		status = RS_EXIT_USAGE;
	/* read needs no privilege: run as root (or with capabilities from
	 * setcap), it opens every file, then gives up root before the first
	 * byte of a capture is parsed, as tcpdump -r does. */
	} else if (!rs_cli_open_then_drop("read", a.user, NULL, NULL, a.files, a.nfiles, &in)) {
		status = RS_EXIT_USAGE;
	} else {
		/* Then nothing but reading the open files and writing the
		 * output: the filter is compiled before, since compiling may
		 * look names up. */
		if (view.html)
			rs_print_html_set_files(view.html, a.files, a.nfiles);
		rs_capfile_precompile(a.filter);
		rs_cli_sandbox("read", RS_SANDBOX_FILES, -1);
		status = rs_read_inputs(&view, in, a.nfiles, a.filter, STDERR_FILENO);
		free(in);
		if (!rs_out_closed(&out))
			rs_view_finish(&view);
		status = rs_cli_out_finish("read", &out, status);
	}
	rs_view_free(&view);
	free(a.filter);
	free(a.rfiles);
	return status;
}

const struct rs_command rs_cmd_read = {
	.name = "read",
	.summary = "read pcap/pcapng files and explain every packet",
	.run = read_run,
	.usage = read_usage,
};
