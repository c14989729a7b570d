/* cli.h: the rawshake command's subcommands (option parsing and wiring only). */
#ifndef RAWSHAKE_CLI_H
#define RAWSHAKE_CLI_H

#include <stdio.h>

struct rs_command {
	const char *name;
	const char *summary;      /* one line for "rawshake help" */
	int (*run)(int argc, char **argv);
	void (*usage)(FILE *f);   /* the command's --help text */
};

extern const struct rs_command rs_cmd_read;
extern const struct rs_command rs_cmd_sniff;
extern const struct rs_command rs_cmd_lab;

/* Exit statuses shared by every command. */
enum {
	RS_EXIT_OK = 0,
	RS_EXIT_PARTIAL = 1,  /* read: file ended mid-record */
	RS_EXIT_USAGE = 2,    /* usage error, or an input that cannot be used */
};

/* Parses a non-negative integer option value; prints an error naming opt and
 * returns false when it is not a number in [min, max]. */
int rs_cli_parse_u64(const char *opt, const char *s, unsigned long long min,
		     unsigned long long max, unsigned long long *out);

/* The remaining arguments joined by spaces (a BPF filter, as tcpdump takes
 * it), or NULL when there are none.  Exits on allocation failure. */
char *rs_cli_join_args(int argc, char **argv);

#endif
