/* cmd_lab.c: "rawshake lab": the two-namespace lab (up, down, status, exec, demo). */
#include "cli.h"
#include "rawshake/lab.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void lab_usage(FILE *f)
{
	fprintf(f,
		"usage: rawshake lab up|down|status|demo\n"
		"       rawshake lab exec HOST CMD [ARG...]\n"
		"A two-host lab in network namespaces: client %s / %s (%s) and\n"
		"server %s / %s (%s), joined by a veth pair, no route anywhere else;\n"
		"the server listens on TCP %d (HTTP) and %d (echo).\n"
		"\n"
		"  up       create the lab (idempotent)\n"
		"  down     remove everything 'up' made\n"
		"  status   say what exists (exit 0 when the lab is complete, 1 otherwise)\n"
		"  exec     run CMD on HOST (client or server)\n"
		"  demo     up, a hand-made connection (rawshake connect) from client to\n"
		"           server port 80 captured on the server and explained, down\n"
		"Needs root (cap_sys_admin and cap_net_admin).\n",
		RS_LAB_CLIENT4, RS_LAB_CLIENT6, RS_LAB_CLIENT_NS, RS_LAB_SERVER4, RS_LAB_SERVER6,
		RS_LAB_SERVER_NS, RS_LAB_HTTP_PORT, RS_LAB_ECHO_PORT);
}

/* This program's own path, to start the lab service with it. */
static const char *self_path(void)
{
	static char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	if (n <= 0)
		return "rawshake";
	buf[n] = '\0';
	return buf;
}

static int lab_run(int argc, char **argv)
{
	char err[512];

	if (argc < 2) {
		lab_usage(stderr);
		return RS_EXIT_USAGE;
	}
	const char *sub = argv[1];
	if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0) {
		lab_usage(stdout);
		return RS_EXIT_OK;
	}
	if (strcmp(sub, "serve") == 0)   /* internal: started by "up" in the server host */
		return rs_lab_serve(true);
	if (strcmp(sub, "status") == 0)
		return rs_lab_status(stdout) ? RS_EXIT_OK : 1;
	if (geteuid() != 0) {
		fprintf(stderr, "rawshake lab: creating network namespaces needs root "
				"(run with sudo)\n");
		return RS_EXIT_USAGE;
	}
	if (strcmp(sub, "up") == 0) {
		if (!rs_lab_up(self_path(), stdout, err, sizeof(err))) {
			fprintf(stderr, "rawshake lab: %s\n", err);
			return 1;
		}
		return RS_EXIT_OK;
	}
	if (strcmp(sub, "demo") == 0)
		return rs_lab_demo(self_path(), stdout);
	if (strcmp(sub, "down") == 0)
		return rs_lab_down(stdout) ? RS_EXIT_OK : 1;
	if (strcmp(sub, "exec") == 0) {
		if (argc < 4) {
			fprintf(stderr, "rawshake lab exec: needs HOST and CMD\n");
			return RS_EXIT_USAGE;
		}
		const char *ns = rs_lab_host_ns(argv[2]);
		if (!ns) {
			fprintf(stderr, "rawshake lab exec: HOST is 'client' or 'server', not '%s'\n", argv[2]);
			return RS_EXIT_USAGE;
		}
		rs_lab_exec_in(ns, argv + 3, err, sizeof(err));
		fprintf(stderr, "rawshake lab exec: %s\n", err);
		return 127;
	}
	fprintf(stderr, "rawshake lab: no subcommand '%s'\n", sub);
	lab_usage(stderr);
	return RS_EXIT_USAGE;
}

const struct rs_command rs_cmd_lab = {
	.name = "lab",
	.summary = "a two-host lab in network namespaces (up, down, status, exec, demo)",
	.run = lab_run,
	.usage = lab_usage,
};
