/* cmd_read.c: "rawshake read": options and arguments, then the library's read loop. */
#include "cli.h"
#include "rawshake/capfile.h"
#include "rawshake/capwrite.h"
#include "rawshake/out.h"
#include "rawshake/print_html.h"
#include "rawshake/view.h"

#include "rawshake/tracker.h"

#include <ctype.h>
#include <errno.h>
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
		"      --since TIME     skip packets stamped before TIME: seconds since 1970\n"
		"                       (1796216400.25) or ISO 8601 UTC (2026-12-02T13:00:00Z,\n"
		"                       or with an offset: +01:00)\n"
		"      --until TIME     skip packets stamped at TIME or later (windows tile:\n"
		"                       --until T then --since T splits without overlap)\n"
		"  -w, --write FILE     also write the packets shown to a new pcap file, as read\n"
		"                       (the first input's link type, snapshot length and\n"
		"                       precision), opened as the -Z user; '-': standard output,\n"
		"                       the text then on standard error\n"
		"      --pcapng         write -w FILE as pcapng: inputs of several link types\n"
		"      --annotate       write -w FILE as pcapng with each packet's note (the\n"
		"                       JSON \"note\") as its comment, for Wireshark; interfaces\n"
		"                       keep the input's names and time resolution\n"
		"      --zeek-compat    --format zeek|zeek-json: Zeek's rule for a packet with a\n"
		"                       bad checksum (its 'C', then nothing else of it counts);\n"
		"                       the default still tracks it (offloaded checksums)\n"
		"  -Z, --user USER      started as root: drop to USER once the input files are\n"
		"                       open, before opening -w FILE (default nobody; root keeps\n"
		"                       root)\n"
		"  -h, --help           this help\n"
		"Exit status: 0 all read; 1 an input ended mid-record or could not be read to\n"
		"its end, a write failed (the output, the -w file), or --conn N found no\n"
		"connection N; 2 usage, an input that cannot be read or written to -w FILE.\n");
}

/* read's own long options: one enum, so that no two share a number. */
enum {
	OPT_PCAPNG = RS_OPT_FIRST_COMMAND_OPT,
	OPT_ANNOTATE,
	READ_OPT_SINCE,
	READ_OPT_UNTIL,
	READ_OPT_ZEEK_COMPAT,
};

static const struct option read_longopts[] = {
	RS_CLI_VIEW_LONGOPTS,
	{ "since", required_argument, NULL, READ_OPT_SINCE },
	{ "until", required_argument, NULL, READ_OPT_UNTIL },
	{ "user", required_argument, NULL, 'Z' },
	{ "read", required_argument, NULL, 'r' },
	{ "write", required_argument, NULL, 'w' },
	{ "pcapng", no_argument, NULL, OPT_PCAPNG },
	{ "annotate", no_argument, NULL, OPT_ANNOTATE },
	{ "zeek-compat", no_argument, NULL, READ_OPT_ZEEK_COMPAT },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Everything the command line says. */
struct read_args {
	struct rs_view_opts vo;
	const char *user;
	const char *wfile;          /* -w */
	const char *as_user;        /* the -w file's owner to name in a refusal */
	bool pcapng;
	bool annotate;              /* --annotate: -w as annotated pcapng */
	char **rfiles;              /* those of -r (allocated) */
	char **files;               /* rfiles, or the captures among the arguments */
	int nfiles;
	char *filter;
};

enum { READ_GO = -1 };

/* Up to 9 digits of a fraction of a second after the '.' at *p, in ns;
 * *p moves past them.  False when there is no digit. */
static bool parse_fraction(const char **p, int64_t *ns)
{
	const char *s = *p + 1;
	int64_t scale = 100000000;
	int n = 0;

	*ns = 0;
	for (; isdigit((unsigned char)*s); s++, n++)
		if (n < 9) {
			*ns += (*s - '0') * scale;
			scale /= 10;
		}
	*p = s;
	return n > 0;
}

/* N digits at *p as a number in [lo, hi], then the separator sep (or
 * none when sep is 0); *p moves past them. */
static bool parse_field(const char **p, int n, int lo, int hi, char sep, int *val)
{
	const char *s = *p;

	*val = 0;
	for (int i = 0; i < n; i++, s++) {
		if (!isdigit((unsigned char)*s))
			return false;
		*val = *val * 10 + (*s - '0');
	}
	if (*val < lo || *val > hi || (sep && *s++ != sep))
		return false;
	*p = s;
	return true;
}

/* Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* "YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)" ('T' or a space) in ns
 * since 1970.  A zone is required: a bare local time would mean
 * something else on each worker of a split. */
static bool parse_iso8601(const char *s, int64_t *ns)
{
	int y, mo, d, h, mi, sec, zh = 0, zm = 0;
	int64_t frac = 0;

	static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (!parse_field(&s, 4, 1970, 9999, '-', &y) || !parse_field(&s, 2, 1, 12, '-', &mo) ||
	    !parse_field(&s, 2, 1, mdays[mo - 1], 0, &d) || (*s != 'T' && *s != 't' && *s != ' '))
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (mo == 2 && d == 29 && !leap)
		return false;
	s++;
	if (!parse_field(&s, 2, 0, 23, ':', &h) || !parse_field(&s, 2, 0, 59, ':', &mi) ||
	    !parse_field(&s, 2, 0, 60, 0, &sec))
		return false;
	if (*s == '.' && !parse_fraction(&s, &frac))
		return false;
	int sign = *s == '+' ? -1 : *s == '-' ? 1 : 0;
	if (sign) {
		s++;
		if (!parse_field(&s, 2, 0, 23, *s && s[2] == ':' ? ':' : 0, &zh) ||
		    !parse_field(&s, 2, 0, 59, 0, &zm))
			return false;
	} else if (*s == 'Z' || *s == 'z') {
		s++;
	} else {
		return false;
	}
	if (*s)
		return false;
	int64_t t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec +
		    sign * (zh * 3600 + zm * 60);
	if (t < 0 || t > INT64_C(9000000000))   /* as for seconds: no overflow in ns */
		return false;
	*ns = t * 1000000000 + frac;
	return true;
}

/* --since / --until: seconds since 1970 with an optional fraction, or
 * ISO 8601 (parse_iso8601); false with a message when it is neither. */
static bool parse_time_opt(const char *opt, const char *arg, int64_t *ns)
{
	const char *s = arg;
	int64_t sec = 0, frac = 0;

	for (; isdigit((unsigned char)*s) && sec <= INT64_C(9000000000); s++)
		sec = sec * 10 + (*s - '0');
	bool epoch = s > arg && (!*s || (*s == '.' && parse_fraction(&s, &frac) && !*s));
	if (epoch && sec <= INT64_C(9000000000)) {
		*ns = sec * 1000000000 + frac;
		return true;
	}
	if (parse_iso8601(arg, ns))
		return true;
	fprintf(stderr, "rawshake read: %s: '%s' is neither seconds since 1970 (1796216400.25) "
		"nor an ISO 8601 time with a zone (2026-12-02T13:00:00Z)\n", opt, arg);
	return false;
}

/* --since or --until into the view's window. */
static bool window_opt(int c, const char *arg, struct rs_view_opts *vo)
{
	int64_t ns;

	if (!parse_time_opt(c == READ_OPT_SINCE ? "--since" : "--until", arg, &ns))
		return false;
	if (!vo->window) {
		vo->window = true;
		vo->since_ns = 0;
		vo->until_ns = INT64_MAX;
	}
	if (c == READ_OPT_SINCE)
		vo->since_ns = ns;
	else
		vo->until_ns = ns;
	return true;
}

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
	while ((c = getopt_long(argc, argv, RS_CLI_VIEW_SHORTOPTS "r:w:Z:h", read_longopts, NULL)) !=
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
		if (c == READ_OPT_SINCE || c == READ_OPT_UNTIL) {
			if (!window_opt(c, optarg, &a->vo))
				return RS_EXIT_USAGE;
			continue;
		}
		if (c == READ_OPT_ZEEK_COMPAT) {
			a->vo.zeek_compat = true;
			continue;
		}
		if (c == 'r') {
			a->rfiles[nr++] = optarg;
			continue;
		}
		if (c == 'w' || c == OPT_PCAPNG || c == OPT_ANNOTATE) {
			a->wfile = c == 'w' ? optarg : a->wfile;
			a->pcapng |= c == OPT_PCAPNG;
			a->annotate |= c == OPT_ANNOTATE;
			continue;
		}
		read_usage(stderr);
		return RS_EXIT_USAGE;
	}
	if ((a->pcapng || a->annotate) && !a->wfile) {
		fprintf(stderr, "rawshake read: --%s: needs -w FILE\n",
			a->annotate ? "annotate" : "pcapng");
		return RS_EXIT_USAGE;
	}
	if (a->annotate && a->vo.no_track) {
		fprintf(stderr, "rawshake read: --annotate: the notes need the connections "
				"followed (no --no-track)\n");
		return RS_EXIT_USAGE;
	}
	if (a->vo.zeek_compat && a->vo.format != RS_FORMAT_ZEEK &&
	    a->vo.format != RS_FORMAT_ZEEK_JSON) {
		fprintf(stderr, "rawshake read: --zeek-compat: only for --format zeek or "
				"zeek-json\n");
		return RS_EXIT_USAGE;
	}
	if (a->vo.window && a->vo.since_ns >= a->vo.until_ns) {
		fprintf(stderr, "rawshake read: --since must be before --until\n");
		return RS_EXIT_USAGE;
	}
	rs_cli_view_finalize(&a->vo);
	if (a->annotate)
		a->vo.no_track = false;   /* -q counts without tracking; the notes need it */
	/* Started as root and switching to another user: the -w file is that
	 * user's, and a refusal says so. */
	if (getuid() == 0 && geteuid() == 0 && strcmp(a->user ? a->user : "nobody", "root") != 0)
		a->as_user = a->user ? a->user : "nobody";
	return read_positional(argc, argv, nr, a);
}

/* --conn N names a connection the input does not have: say so (status 1,
 * as for an input read only in part), rather than print nothing and
 * succeed. */
static int check_conn(const struct rs_view *v, int status)
{
	struct rs_tracker_stats st;

	if (!v->opts.only_conn || !v->tracker || status == RS_EXIT_USAGE)
		return status;
	rs_tracker_get_stats(v->tracker, &st);
	if (v->opts.only_conn <= st.conns)
		return status;
	fprintf(stderr, "rawshake read: --conn %llu: no connection %llu in the input (%llu "
			"connection%s)\n", (unsigned long long)v->opts.only_conn,
		(unsigned long long)v->opts.only_conn, (unsigned long long)st.conns,
		st.conns == 1 ? "" : "s");
	return status > RS_EXIT_PARTIAL ? status : RS_EXIT_PARTIAL;
}

/* The -w file's end: closed, and a failure said once (the status). */
static int close_capture(const struct read_args *a, struct rs_capwrite *w, int status)
{
	if (!a->wfile)
		return status;
	bool closed = rs_capwrite_close(w);
	if (w->refusal[0]) {
		fprintf(stderr, "rawshake read: -w %s: %s; the file holds %llu packet%s\n", a->wfile,
			w->refusal, (unsigned long long)w->file.records,
			w->file.records == 1 ? "" : "s");
		return RS_EXIT_USAGE;
	}
	if (closed || w->file.err == EPIPE)
		return status;   /* a reader that went away (read -w - | head) is no error */
	fprintf(stderr, "rawshake read: -w %s: write error: %s; the reading stopped, the file "
			"holds %llu whole packet%s\n", a->wfile, strerror(w->file.err),
		(unsigned long long)w->file.records, w->file.records == 1 ? "" : "s");
	return status > RS_EXIT_PARTIAL ? status : RS_EXIT_PARTIAL;
}

/* Every output, opened as the user the command has become, in this one
 * step: the -w file, then the text (standard output, or standard error
 * when the file is standard output, so that the capture stays whole) and
 * the view's temporary file.  Nothing is opened after it. */
static bool read_outputs(const struct read_args *a, struct rs_capwrite *w, struct rs_out *out,
			 struct rs_view *view)
{
	char err[768];

	if (a->wfile && !rs_capwrite_open(w, a->wfile, a->pcapng, a->as_user, err, sizeof(err))) {
		fprintf(stderr, "rawshake read: -w %s\n", err);
		return false;
	}
	rs_out_init(out, a->wfile && w->file.to_stdout ? STDERR_FILENO : STDOUT_FILENO);
	if (!rs_view_init(view, &a->vo, out, err, sizeof(err))) {
		fprintf(stderr, "rawshake read: %s\n", err);
		rs_view_free(view);
		if (a->wfile)
			rs_capwrite_close(w);
		return false;
	}
	if (a->annotate)
		rs_capwrite_annotate(w, a->files, a->nfiles);
	view->capw = a->wfile ? w : NULL;
	return true;
}

static int read_run(int argc, char **argv)
{
	static struct read_args a;
	static struct rs_out out;
	static struct rs_capwrite capw;
	struct rs_view view;
	struct rs_input *in = NULL;
	int status = read_parse(argc, argv, &a);

	if (status != READ_GO) {
		free(a.rfiles);
		return status;
	}
	/* read needs no privilege: run as root (or with capabilities from
	 * setcap), it opens every file, then gives up root before the first
	 * byte of a capture is parsed, as tcpdump -r does; the outputs are
	 * opened after, as the -Z user. */
	if (!rs_cli_open_then_drop("read", a.user, NULL, NULL, a.files, a.nfiles, &in)) {
		status = RS_EXIT_USAGE;
	} else if (!read_outputs(&a, &capw, &out, &view)) {
		rs_inputs_close(in, a.nfiles);
		free(in);
		status = RS_EXIT_USAGE;
	} else {
		/* Then nothing but reading the open files and writing the
		 * outputs: the filter is compiled before, since compiling may
		 * look names up. */
		if (view.html)
			rs_print_html_set_files(view.html, a.files, a.nfiles);
		rs_capfile_precompile(a.filter);
		rs_view_start_pipe(&view);
		rs_cli_sandbox("read", RS_SANDBOX_FILES, -1);
		status = rs_read_inputs(&view, in, a.nfiles, a.filter, STDERR_FILENO);
		free(in);
		if (!rs_out_closed(&out))
			rs_view_finish(&view);
		status = close_capture(&a, &capw, status);
		status = rs_cli_out_finish("read", &out, status);
		status = check_conn(&view, status);
		rs_view_free(&view);
	}
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
