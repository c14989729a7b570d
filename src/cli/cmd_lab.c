/* cmd_lab.c: "rawshake lab": the two-namespace lab (up, down, status, exec, demo, synflood). */
#include "cli.h"
#include "rawshake/craft_opts.h"
#include "rawshake/flood.h"
#include "rawshake/lab.h"
#include "rawshake/privdrop.h"
#include "rawshake/signals.h"

#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void lab_usage(FILE *f)
{
	fprintf(f,
		"usage: rawshake lab up [--offload on|off]\n"
		"       rawshake lab down|status|arpspoof|reset|old-syn\n"
		"       rawshake lab demo [--html FILE] [-Z USER]\n"
		"       rawshake lab synflood [--rate PPS] [--duration T] [--force]\n"
		"       rawshake lab exec HOST CMD [ARG...]\n"
		"A two-host lab in network namespaces: client %s / %s (%s) and\n"
		"server %s / %s (%s), joined by a veth pair, no route anywhere else;\n"
		"the server listens on TCP %d (HTTP), %d (echo) and 19 (chargen).\n"
		"\n"
		"  up       create the lab (idempotent)\n"
		"      --offload on|off  off (the default): checksum, segmentation and\n"
		"           receive offloads off at both ends, so captured checksums are\n"
		"           real; on: the kernel's defaults, as on an ordinary machine (a\n"
		"           capture shows checksums left for the NIC); a lab up with the\n"
		"           other setting is rebuilt\n"
		"  down     remove everything 'up' made\n"
		"  status   say what exists (exit 0 when the lab is complete, 1 otherwise)\n"
		"  exec     run CMD on HOST (client or server); 'rawshake' in CMD, and in\n"
		"           what it starts, is this program\n"
		"  demo     up, a hand-made connection (rawshake connect) from client to\n"
		"           server port 80 captured on the server and explained, down\n"
		"      --html FILE  also write the HTML report of that capture (as read\n"
		"           writes it, with the SVG ladder) to FILE ('-': standard output,\n"
		"           after the text), opened as the -Z user\n"
		"      -Z, --user USER  who reads the capture and writes the report\n"
		"           (default nobody, as for sniff)\n"
		"  arpspoof up, a third host (192.0.2.30, a macvlan) the server resolves by\n"
		"           ARP, then the client poisons that entry with send arp while\n"
		"           detect listens on the server; ip neigh before and after, the\n"
		"           alerts, down\n"
		"  reset    up, three 3 s transfers from the server's chargen (port %d) to\n"
		"           the client, into which rawshake reset on the client injects an\n"
		"           RST toward the server (out of the window, in it, exact); what\n"
		"           each did next to the server's TCPChallengeACK and\n"
		"           TCPACKSkippedChallenge (nstat), down\n"
		"  old-syn  up, a SYN with an old ISN from a client port nothing uses; the\n"
		"           server's SYN-ACK draws the client kernel's RST (RFC 9293 figure\n"
		"           8), captured on the server and explained, down\n"
		"  synflood up, rawshake flood from the client to the server's port 80\n"
		"           (default 3000 SYN/s for 5 s) while a legitimate client connects;\n"
		"           rawshake detect's view next to the kernel's counters, down;\n"
		"           --duration at most %d s unless --force; the flood's status line\n"
		"           on standard error when it is a terminal\n"
		"Needs root (with cap_sys_admin, cap_net_admin and cap_net_raw).\n",
		RS_LAB_CLIENT4, RS_LAB_CLIENT6, RS_LAB_CLIENT_NS, RS_LAB_SERVER4, RS_LAB_SERVER6,
		RS_LAB_SERVER_NS, RS_LAB_HTTP_PORT, RS_LAB_ECHO_PORT, RS_LAB_CHARGEN_PORT,
		RS_LAB_SYNFLOOD_MAX_S);
}

/* This program's own path, to start the lab service with it (never a
 * name looked up in PATH: the lab runs it as root). */
static const char *self_path(void)
{
	static char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	if (n <= 0)
		return "/proc/self/exe";
	buf[n] = '\0';
	return buf;
}

/* "lab synflood [--rate PPS] [--duration T] [--force]". */
static int synflood(int argc, char **argv)
{
	double rate = 3000;
	uint64_t dur = 5000000000ull;
	bool force = false;
	char why[128];
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--force") == 0) {
			force = true;
			continue;
		}
		bool r = strcmp(argv[i], "--rate") == 0, d = strcmp(argv[i], "--duration") == 0;
		if ((!r && !d) || i + 1 >= argc) {
			fprintf(stderr, "rawshake lab synflood: %s\n", !r && !d ? "the options are "
				"--rate PPS, --duration T and --force" : "a value is missing");
			return RS_EXIT_USAGE;
		}
		bool ok = r ? rs_parse_rate(argv[++i], &rate, why, sizeof(why))
			    : rs_parse_interval(argv[++i], &dur, why, sizeof(why));
		if (!ok || (d && dur == 0)) {
			fprintf(stderr, "rawshake lab synflood: %s: %s\n", r ? "--rate" : "--duration",
				ok ? "must be more than 0" : why);
			return RS_EXIT_USAGE;
		}
	}
	/* Minutes of flooding in silence are a mistake more often than not. */
	if (dur > (uint64_t)RS_LAB_SYNFLOOD_MAX_S * 1000000000ull && !force) {
		fprintf(stderr, "rawshake lab synflood: --duration: at most %d s without --force "
			"(%.1f s asked)\n", RS_LAB_SYNFLOOD_MAX_S, (double)dur / 1e9);
		return RS_EXIT_USAGE;
	}
	return rs_lab_synflood(self_path(), rate, dur, stdout);
}

static volatile sig_atomic_t lab_stop;

static void on_signal(int sig)
{
	lab_stop = sig;
}

/* "up [--offload on|off]": the setting into *offload, the index of the
 * first word that is not an option in *first_stray; -1 when all is well,
 * else the exit status. */
static int parse_up(int argc, char **argv, enum rs_lab_offload *offload, int *first_stray)
{
	while (*first_stray < argc && strncmp(argv[*first_stray], "--offload", 9) == 0) {
		const char *a = argv[*first_stray], *v = NULL;
		if (a[9] == '=')
			v = a + 10;
		else if (a[9] == '\0' && *first_stray + 1 < argc)
			v = argv[++*first_stray];
		else if (a[9] != '\0')
			break;   /* --offloadX: a stray word */
		if (!v || !rs_lab_offload_parse(v, offload)) {
			fprintf(stderr, "rawshake lab up: --offload: %s\n",
				v ? "is 'on' or 'off'" : "a value is missing (on or off)");
			return RS_EXIT_USAGE;
		}
		(*first_stray)++;
	}
	return -1;
}

/* "exec HOST CMD [ARG...]": returns only when CMD cannot be run. */
static int lab_exec(int argc, char **argv)
{
	char err[512];

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

static struct rs_lab_demo_opts demo_opts;

/* "demo [--html FILE] [-Z USER]" into demo_opts, the index of the first
 * word that is not an option in *first_stray; -1 when all is well, else
 * the exit status.  An unknown user is said now, not after the demo. */
static int parse_demo(int argc, char **argv, int *first_stray)
{
	for (int *i = first_stray; *i < argc; (*i)++) {
		const char *a = argv[*i], *eq = strchr(a, '='), *v;
		bool html = strcmp(a, "--html") == 0 || strncmp(a, "--html=", 7) == 0;
		bool user = strcmp(a, "-Z") == 0 || strcmp(a, "--user") == 0 ||
			    strncmp(a, "--user=", 7) == 0;
		if (!html && !user)
			break;   /* a stray word */
		v = eq && a[1] == '-' ? eq + 1 : *i + 1 < argc ? argv[++*i] : NULL;
		if (!v || !*v) {
			fprintf(stderr, "rawshake lab demo: %s: a value is missing\n",
				html ? "--html" : "-Z");
			return RS_EXIT_USAGE;
		}
		if (user && !getpwnam(v)) {
			fprintf(stderr, "rawshake lab demo: -Z: no user '%s'\n", v);
			return RS_EXIT_USAGE;
		}
		*(html ? &demo_opts.html : &demo_opts.user) = v;
	}
	return -1;
}

/* The subcommands that run as root, once the arguments are checked. */
static int lab_sub(const char *sub, enum rs_lab_offload offload, int argc, char **argv)
{
	char err[512];

	if (strcmp(sub, "status") == 0)
		return rs_lab_status(stdout) ? RS_EXIT_OK : 1;
	if (strcmp(sub, "up") == 0) {
		if (!rs_lab_up(self_path(), offload, &lab_stop, stdout, err, sizeof(err))) {
			fprintf(stderr, "rawshake lab: %s\n", err);
			return 1;
		}
		return RS_EXIT_OK;
	}
	if (strcmp(sub, "demo") == 0)
		return rs_lab_demo(self_path(), &demo_opts, stdout);
	if (strcmp(sub, "arpspoof") == 0)
		return rs_lab_arpspoof(self_path(), stdout);
	if (strcmp(sub, "reset") == 0)
		return rs_lab_reset(self_path(), stdout);
	if (strcmp(sub, "old-syn") == 0)
		return rs_lab_old_syn(self_path(), stdout);
	if (strcmp(sub, "synflood") == 0)
		return synflood(argc - 1, argv + 1);
	if (strcmp(sub, "down") == 0)
		return rs_lab_down(stdout) ? RS_EXIT_OK : 1;
	if (strcmp(sub, "exec") == 0)
		return lab_exec(argc, argv);
	fprintf(stderr, "rawshake lab: no subcommand '%s'\n", sub);
	lab_usage(stderr);
	return RS_EXIT_USAGE;
}

/* What a subcommand does with the namespaces, for the line saying it
 * needs root: status only looks, it creates nothing. */
static const char *lab_needs_root_for(const char *sub)
{
	static const struct {
		const char *sub, *what;
	} uses[] = {
		{ "up", "creating the lab's network namespaces" },
		{ "down", "removing the lab's network namespaces" },
		{ "status", "seeing the lab's network namespaces" },
		{ "exec", "running a command in the lab's network namespaces" },
		{ "demo", "running the demo in the lab's network namespaces" },
		{ "synflood", "running the SYN flood lesson in the lab's network namespaces" },
		{ "reset", "running the RST injection lesson in the lab's network namespaces" },
		{ "old-syn", "running the old duplicate SYN lesson in the lab's network namespaces" },
		{ "arpspoof", "running the ARP spoofing lesson in the lab's network namespaces" },
	};
	for (size_t i = 0; i < sizeof(uses) / sizeof(uses[0]); i++)
		if (strcmp(sub, uses[i].sub) == 0)
			return uses[i].what;
	return NULL;   /* no such subcommand */
}

/* The words are checked before root is (a typo needs no sudo), then
 * root, then the signals; an unknown subcommand is reported by lab_sub
 * before the root check too. */
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
	/* A stray word after "up" or "down" is a mistake to report, not to
	 * ignore while the namespaces are made or removed. */
	enum rs_lab_offload offload = RS_LAB_OFFLOAD_OFF;
	int first_stray = 2, st;
	if (strcmp(sub, "up") == 0 && (st = parse_up(argc, argv, &offload, &first_stray)) >= 0)
		return st;
	if (strcmp(sub, "demo") == 0 && (st = parse_demo(argc, argv, &first_stray)) >= 0)
		return st;
	if ((strcmp(sub, "up") == 0 || strcmp(sub, "down") == 0 || strcmp(sub, "status") == 0 ||
	     strcmp(sub, "demo") == 0 || strcmp(sub, "reset") == 0 ||
	     strcmp(sub, "old-syn") == 0 || strcmp(sub, "arpspoof") == 0) && argc > first_stray) {
		fprintf(stderr, "rawshake lab %s: takes no %sarguments (got '%s')\n", sub,
			strcmp(sub, "up") == 0 || strcmp(sub, "demo") == 0 ? "other " : "", argv[first_stray]);
		lab_usage(stderr);
		return RS_EXIT_USAGE;
	}
	const char *needs_root_for = lab_needs_root_for(sub);
	if (!needs_root_for)
		return lab_sub(sub, offload, argc, argv);   /* says there is no such one */
	/* Root itself, not only capabilities: ip(8) makes the namespaces
	 * (mounts under /run/netns, which needs cap_sys_admin) and the lab
	 * runs this program and nft in them, which a setcap'd binary's
	 * capabilities would not survive. */
	if (geteuid() != 0 || !rs_need_caps(RS_CAP_SYS_ADMIN | RS_CAP_NET_ADMIN | RS_CAP_NET_RAW,
					    false, err, sizeof(err))) {
		fprintf(stderr, "rawshake lab %s: %s needs root (%s)\n", sub, needs_root_for,
			geteuid() != 0 ? "run it as root, or with sudo; setcap is not enough" : err);
		return RS_EXIT_USAGE;
	}
	/* From here on a signal is a request to stop: each subcommand looks
	 * at the flag and removes what it made before it exits. */
	rs_signals_catch(on_signal, true);
	return lab_sub(sub, offload, argc, argv);
}

const struct rs_command rs_cmd_lab = {
	.name = "lab",
	.summary = "a two-host lab in network namespaces (up, down, status, exec, demo, synflood)",
	.run = lab_run,
	.usage = lab_usage,
};
