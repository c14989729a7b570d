/* cli.h: the rawshake command's subcommands (option parsing and wiring only). */
#ifndef RAWSHAKE_CLI_H
#define RAWSHAKE_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "rawshake/privdrop.h"
#include "rawshake/view.h"

struct rs_command {
	const char *name;
	const char *summary;      /* one line for "rawshake help" */
	int (*run)(int argc, char **argv);
	void (*usage)(FILE *f);   /* the command's --help text */
};

extern const struct rs_command rs_cmd_read;
extern const struct rs_command rs_cmd_sniff;
extern const struct rs_command rs_cmd_lab;
extern const struct rs_command rs_cmd_send;
extern const struct rs_command rs_cmd_connect;
extern const struct rs_command rs_cmd_detect;
extern const struct rs_command rs_cmd_flood;
extern const struct rs_command rs_cmd_reset;
extern const struct rs_command rs_cmd_scan;

/* Exit statuses shared by every command. */
enum {
	RS_EXIT_OK = 0,
	RS_EXIT_PARTIAL = 1,  /* read: file ended mid-record */
	RS_EXIT_USAGE = 2,    /* usage error, or an input that cannot be used */
};

/* Locks the command in its sandbox (privdrop.h) once everything it needs
 * is open; where the kernel refuses, says so once and goes on. */
void rs_cli_sandbox(const char *cmd, enum rs_sandbox_kind kind, int query_fd);

/* Flushes a command's standard output at its end: on a write error (not
 * a reader that went away) says so once, "rawshake CMD: write error:
 * REASON", and returns RS_EXIT_PARTIAL; otherwise returns status. */
int rs_cli_out_finish(const char *cmd, struct rs_out *o, int status);

/*
 * "--" between files and a filter, kept through getopt's reordering of
 * the arguments: rs_cli_mark_double_dash() replaces a "--" argument by a
 * mark that is no option (getopt then parses options on both sides of
 * it), rs_cli_is_double_dash() recognises it afterwards.
 */
void rs_cli_mark_double_dash(int argc, char **argv);
bool rs_cli_is_double_dash(const char *arg);

/* Parses a non-negative integer option value; prints an error naming opt and
 * returns false when it is not a number in [min, max]. */
int rs_cli_parse_u64(const char *opt, const char *s, unsigned long long min,
		     unsigned long long max, unsigned long long *out);

/* Long-only options shared by the commands that show packets. */
enum {
	RS_OPT_FORMAT = 0x100,
	RS_OPT_BRIEF,
	RS_OPT_ASCII,
	RS_OPT_SUMMARY,
	RS_OPT_CONN,
	RS_OPT_MAX_CONNS,
	RS_OPT_GRAPH,
	RS_OPT_UTC,
	RS_OPT_COLOR,
	RS_OPT_PAYLOAD,
	RS_OPT_FIRST_COMMAND_OPT = 0x200,  /* commands number their own from here */
};
#define RS_CLI_VIEW_SHORTOPTS "c:qvSxXAet"
#define RS_CLI_VIEW_LONGOPTS \
	{ "count", required_argument, NULL, 'c' }, \
	{ "quiet", no_argument, NULL, 'q' }, \
	{ "verbose", no_argument, NULL, 'v' }, \
	{ "absolute", no_argument, NULL, 'S' }, \
	{ "brief", no_argument, NULL, RS_OPT_BRIEF }, \
	{ "format", required_argument, NULL, RS_OPT_FORMAT }, \
	{ "ascii", no_argument, NULL, RS_OPT_ASCII }, \
	{ "graph", required_argument, NULL, RS_OPT_GRAPH }, \
	{ "summary", no_argument, NULL, RS_OPT_SUMMARY }, \
	{ "conn", required_argument, NULL, RS_OPT_CONN }, \
	{ "max-conns", required_argument, NULL, RS_OPT_MAX_CONNS }, \
	{ "utc", no_argument, NULL, RS_OPT_UTC }, \
	{ "color", optional_argument, NULL, RS_OPT_COLOR }, \
	{ "payload", no_argument, NULL, RS_OPT_PAYLOAD }

/* Handles one of the shared options: 1 handled, 0 not a shared option,
 * -1 bad value (message printed). */
int rs_cli_view_opt(int c, const char *arg, struct rs_view_opts *vo);
void rs_cli_view_usage(FILE *f);
/* Derived settings once all options are read. */
void rs_cli_view_finalize(struct rs_view_opts *vo);

/* The live-capture options of sniff and detect, one parser and one set of
 * limits: -i IFACE, -B KIB (1 to 4 GiB), -s N (1 to 262144), -p.
 * 1 handled, 0 not one of them, -1 bad value (message printed). */
struct rs_live;
struct rs_live_opts;
struct pcap_stat;
#define RS_CLI_LIVE_SHORTOPTS "i:B:s:p"
#define RS_CLI_LIVE_LONGOPTS \
	{ "interface", required_argument, NULL, 'i' }, \
	{ "buffer-size", required_argument, NULL, 'B' }, \
	{ "snaplen", required_argument, NULL, 's' }, \
	{ "no-promisc", no_argument, NULL, 'p' }
int rs_cli_live_opt(int c, const char *arg, struct rs_live_opts *lo);

/*
 * Opens what a command reads, then drops privileges (to -Z user, default
 * nobody), before a byte is parsed: with live, the capture of lo (the
 * drop always happens); else the nfiles files into *in (allocated, for
 * rs_read_inputs; the drop happens only when privileged).  On failure
 * says why once, "rawshake CMD: REASON", leaves nothing open and returns
 * false.
 */
bool rs_cli_open_then_drop(const char *cmd, const char *user, struct rs_live *live,
			   const struct rs_live_opts *lo, char *const *files, int nfiles,
			   struct rs_input **in);

/* SIGINT and SIGTERM stop the capture of live (rs_live_stop). */
void rs_cli_catch_stop(struct rs_live *live);
/* The capture's link-type name for the "listening on" line ("?" if none). */
const char *rs_cli_live_dlt_name(const struct rs_live *live);
/* The end-of-capture counts on standard error, as tcpdump prints them. */
void rs_cli_live_counts(const struct rs_live *live, const struct pcap_stat *st, bool have);

/* The remaining arguments joined by spaces (a BPF filter, as tcpdump takes
 * it), or NULL when there are none.  Exits on allocation failure. */
char *rs_cli_join_args(int argc, char **argv);

#endif
