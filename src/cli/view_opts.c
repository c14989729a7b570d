/* view_opts.c: the display options shared by read and sniff (and later send, connect). */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void rs_cli_view_usage(FILE *f)
{
	fprintf(f,
		"  -c, --count N        stop after N packets\n"
		"  -q, --quiet          print no packets: only the count (and --summary)\n"
		"  -v, --verbose        IP details, option details and checksums\n"
		"  -S, --absolute       raw sequence numbers instead of relative ones\n"
		"      --brief          one line per packet with the event name, no notes\n"
		"      --format FMT     text (default), json (JSON Lines), ladder, html (a report),\n"
		"                       svg (one picture of --conn N), or zeek / zeek-json\n"
		"                       (the connections as Zeek's conn.log, TSV or JSON)\n"
		"      --graph G        svg: ladder (default) or tsg (time-sequence graph)\n"
		"      --ascii          ladder diagram in ASCII instead of UTF-8\n"
		"      --summary        one row per TCP connection at the end\n"
		"      --conn N         only connection N (numbered in order of appearance)\n"
		"      --max-conns N    connections tracked at once (default 65536)\n"
		"  -e                   the link-layer header on each line (as tcpdump -e)\n"
		"  -x, -X               the packet's bytes in hex (-X: and ASCII) from the network\n"
		"                       layer; -xx, -XX from the link-layer header\n"
		"  -A                   the packet's bytes as ASCII from the network layer (-AA:\n"
		"                       from the link-layer header)\n"
		"  -t                   no time; -tt seconds since 1970, -ttt since the previous\n"
		"                       packet, -tttt date and time, -ttttt since the first packet\n"
		"      --utc            times in UTC (default: local time, by TZ)\n"
		"      --color[=WHEN]   auto (default: on a terminal, unless NO_COLOR), always or\n"
		"                       never: flags, states, analysis, bad checksums stand out\n"
		"      --payload        JSON: \"payload\" with the TCP or UDP payload in hex\n");
}

/* -x, -X, -A once: from the network layer; twice: from the link header. */
static void dump_opt(unsigned flag, struct rs_view_opts *vo)
{
	if (vo->print_flags & flag)
		vo->print_flags |= RS_PRINT_WITH_LINK;
	vo->print_flags |= flag;
}

/* -t counted: each one more steps to the next of tcpdump's forms. */
static int time_opt(struct rs_view_opts *vo)
{
	unsigned mode = (vo->print_flags & RS_PRINT_TS_MASK) >> RS_PRINT_TS_SHIFT;
	if (mode >= RS_TS_MODE_MAX) {
		fprintf(stderr, "rawshake: -t: at most five (-ttttt)\n");
		return -1;
	}
	vo->print_flags = (vo->print_flags & ~RS_PRINT_TS_MASK) | ((mode + 1) << RS_PRINT_TS_SHIFT);
	return 1;
}

/* --color alone is --color=always, as for ls and grep. */
static int color_opt(const char *arg, struct rs_view_opts *vo)
{
	static const char *const when[] = {
		[RS_COLOR_AUTO] = "auto", [RS_COLOR_ALWAYS] = "always", [RS_COLOR_NEVER] = "never",
	};
	for (size_t i = 0; i < sizeof(when) / sizeof(when[0]); i++)
		if (strcmp(arg ? arg : "always", when[i]) == 0) {
			vo->color = (enum rs_color_when)i;
			return 1;
		}
	fprintf(stderr, "rawshake: --color: '%s' is not auto, always or never\n", arg);
	return -1;
}

/* The options that only change how a packet is printed. */
static int print_opt(int c, const char *arg, struct rs_view_opts *vo)
{
	switch (c) {
	case 'e': vo->print_flags |= RS_PRINT_LINK; return 1;
	case 'x': dump_opt(RS_PRINT_HEX, vo); return 1;
	case 'X': dump_opt(RS_PRINT_HEX_ASCII, vo); return 1;
	case 'A': dump_opt(RS_PRINT_ASCII, vo); return 1;
	case 't': return time_opt(vo);
	case RS_OPT_UTC: vo->print_flags |= RS_PRINT_UTC; return 1;
	case RS_OPT_COLOR: return color_opt(arg, vo);
	case RS_OPT_PAYLOAD: vo->print_flags |= RS_PRINT_PAYLOAD; return 1;
	default: return 0;
	}
}

int rs_cli_view_opt(int c, const char *arg, struct rs_view_opts *vo)
{
	unsigned long long n;

	switch (c) {
	case 'c':
		if (!rs_cli_parse_u64("-c", arg, 1, UINT64_MAX, &n))
			return -1;
		vo->max_packets = n;
		return 1;
	case 'q':
		vo->quiet = true;
		return 1;
	case 'v':
		vo->print_flags |= RS_PRINT_VERBOSE;
		return 1;
	case 'S':
		vo->print_flags |= RS_PRINT_ABSOLUTE;
		return 1;
	case RS_OPT_BRIEF:
		vo->print_flags |= RS_PRINT_BRIEF;
		return 1;
	case RS_OPT_FORMAT:
		if (strcmp(arg, "text") == 0) {
			vo->format = RS_FORMAT_TEXT;
		} else if (strcmp(arg, "json") == 0) {
			vo->format = RS_FORMAT_JSON;
		} else if (strcmp(arg, "ladder") == 0) {
			vo->format = RS_FORMAT_LADDER;
		} else if (strcmp(arg, "html") == 0 || strcmp(arg, "svg") == 0) {
			vo->format = arg[0] == 'h' ? RS_FORMAT_HTML : RS_FORMAT_SVG;
		} else if (strcmp(arg, "zeek") == 0) {
			vo->format = RS_FORMAT_ZEEK;
		} else if (strcmp(arg, "zeek-json") == 0) {
			vo->format = RS_FORMAT_ZEEK_JSON;
		} else {
			fprintf(stderr, "rawshake: --format: '%s' is not text, json, ladder, html, svg, "
				"zeek or zeek-json\n", arg);
			return -1;
		}
		return 1;
	case RS_OPT_GRAPH:
		if (strcmp(arg, "tsg") && strcmp(arg, "ladder")) {
			fprintf(stderr, "rawshake: --graph: '%s' is not ladder or tsg\n", arg);
			return -1;
		}
		vo->graph_tsg = arg[0] == 't';
		return 1;
	case RS_OPT_ASCII:
		vo->ascii = true;
		return 1;
	case RS_OPT_SUMMARY:
		vo->summary = true;
		return 1;
	case RS_OPT_CONN:
		if (!rs_cli_parse_u64("--conn", arg, 1, UINT64_MAX, &n))
			return -1;
		vo->only_conn = n;
		return 1;
	case RS_OPT_MAX_CONNS:
		if (!rs_cli_parse_u64("--max-conns", arg, 16, 1u << 26, &n))
			return -1;
		vo->max_conns = (uint32_t)n;
		return 1;
	default:
		return print_opt(c, arg, vo);
	}
}

void rs_cli_view_finalize(struct rs_view_opts *vo)
{
	/* Counting alone needs no tracking: -q stays as fast as decoding. */
	if (vo->quiet && !vo->summary)
		vo->no_track = true;
	/* The report has its own connection table. */
	if (vo->format == RS_FORMAT_HTML || vo->format == RS_FORMAT_SVG)
		vo->summary = false;
	const char *no_color = getenv("NO_COLOR");
	if (vo->color == RS_COLOR_ALWAYS ||
	    (vo->color == RS_COLOR_AUTO && isatty(STDOUT_FILENO) && !(no_color && *no_color)))
		vo->print_flags |= RS_PRINT_COLOR;
	/* Said rather than silently ignored: each belongs to one format. */
	if (vo->format != RS_FORMAT_TEXT && !vo->quiet && (vo->print_flags & RS_PRINT_DUMP))
		fprintf(stderr, "rawshake: -x, -X and -A show bytes in text output only (JSON has "
			"--payload)\n");
	if (vo->format != RS_FORMAT_JSON && !vo->quiet && (vo->print_flags & RS_PRINT_PAYLOAD))
		fprintf(stderr, "rawshake: --payload is for --format json (text has -x, -X, -A)\n");
}
