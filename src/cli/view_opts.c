/* view_opts.c: the display options shared by read and sniff (and later send, connect). */
#include "cli.h"

#include <string.h>

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
		"      --max-conns N    connections tracked at once (default 65536)\n");
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
		return 0;
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
}
