/* main.c: rawshake's entry point: pick the subcommand, print help and version. */
#include "config.h"
#include "rawshake/craft_opts.h"
#include "cli.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

static const struct rs_command *const commands[] = {
	&rs_cmd_read,
	&rs_cmd_sniff,
	&rs_cmd_lab,
	&rs_cmd_send,
	&rs_cmd_connect,
	&rs_cmd_detect,
	&rs_cmd_flood,
	&rs_cmd_reset,
	&rs_cmd_scan,
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

int rs_cli_parse_u64(const char *opt, const char *s, unsigned long long min,
		     unsigned long long max, unsigned long long *out)
{
	char why[160];
	uint64_t v;

	if (!rs_parse_uint_range(s ? s : "", min, max, &v, why, sizeof(why))) {
		fprintf(stderr, "rawshake: %s: %s\n", opt, why);
		return 0;
	}
	*out = v;
	return 1;
}

char *rs_cli_join_args(int argc, char **argv)
{
	size_t len = 0;

	if (argc <= 0)
		return NULL;
	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	char *s = malloc(len);
	if (!s) {
		fprintf(stderr, "rawshake: out of memory\n");
		exit(RS_EXIT_USAGE);
	}
	s[0] = '\0';
	for (int i = 0; i < argc; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

void rs_cli_sandbox(const char *cmd, enum rs_sandbox_kind kind, int query_fd)
{
	char err[256];
	if (!rs_sandbox_enter(kind, query_fd, err, sizeof(err)))
		fprintf(stderr, "rawshake %s: warning: %s\n", cmd, err);
}

static char double_dash_mark[] = "\001--";

void rs_cli_mark_double_dash(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			argv[i] = double_dash_mark;
			return;
		}
}

bool rs_cli_is_double_dash(const char *arg)
{
	return arg == double_dash_mark || strcmp(arg, "--") == 0;
}

int rs_cli_out_finish(const char *cmd, struct rs_out *o, int status)
{
	rs_out_flush(o);
	if (o->err) {
		fprintf(stderr, "rawshake %s: write error: %s\n", cmd, strerror(o->err));
		return RS_EXIT_PARTIAL;
	}
	return status;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: rawshake COMMAND [options] ...\n"
		   "       rawshake help [COMMAND]\n"
		   "       rawshake --version\n\ncommands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(f, "  %-8s %s\n", commands[i]->name, commands[i]->summary);
}

static const struct rs_command *find(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (strcmp(commands[i]->name, name) == 0)
			return commands[i];
	return NULL;
}

int main(int argc, char **argv)
{
	/* A closed pipe is seen as EPIPE by the writer, which then stops quietly. */
	signal(SIGPIPE, SIG_IGN);

	if (argc < 2) {
		usage(stderr);
		return RS_EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0 || strcmp(cmd, "version") == 0) {
		printf("rawshake %s\n", PACKAGE_VERSION);
		return RS_EXIT_OK;
	}
	if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
		if (argc > 2) {
			const struct rs_command *c = find(argv[2]);
			if (!c) {
				fprintf(stderr, "rawshake: no command '%s'\n", argv[2]);
				usage(stderr);
				return RS_EXIT_USAGE;
			}
			c->usage(stdout);
			return RS_EXIT_OK;
		}
		usage(stdout);
		return RS_EXIT_OK;
	}
	const struct rs_command *c = find(cmd);
	if (!c) {
		fprintf(stderr, "rawshake: no command '%s'\n", cmd);
		usage(stderr);
		return RS_EXIT_USAGE;
	}
	/* getopt names the program by argv[0] in its messages ("unrecognized
	 * option"): make that "rawshake read", not "read". */
	static char progname[64];
	snprintf(progname, sizeof progname, "rawshake %s", c->name);
	argv[1] = progname;
	return c->run(argc - 1, argv + 1);
}
