/* cmd_scan.c: "rawshake scan": options into a SYN scan, the destination check, the RST guard. */
#include "cli.h"
#include "rawshake/clock.h"
#include "rawshake/connect.h"
#include "rawshake/connect_rstguard.h"
#include "rawshake/craft_opts.h"
#include "rawshake/guard.h"
#include "rawshake/out.h"
#include "rawshake/privdrop.h"
#include "rawshake/scan.h"
#include "rawshake/send_inject.h"
#include "rawshake/signals.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

static void scan_usage(FILE *f)
{
	fprintf(f,
		"usage: rawshake scan DST [PORTS] [-p PORTS] [options]\n"
		"A SYN scan, as nmap's: one SYN to each port, paced, sent once more when\n"
		"unanswered; each port is open (SYN-ACK, answered by our RST so that the server\n"
		"keeps no half-open connection), closed (RST) or filtered (no reply to either\n"
		"SYN, or ICMP destination unreachable), shown with the exchange that proves it.\n"
		"PORTS: 80, 1-1024, 22,80,8000-8080, - (all).  DST is an address literal:\n"
		"loopback, a documentation range (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24,\n"
		"2001:db8::/32) on a route that stays on this machine, unless --force.\n"
		"\n"
		"  -p, --ports PORTS        ports to scan (with PORTS: both)\n"
		"      --rate PPS           SYNs per second, retransmissions included\n"
		"                           (default %.0f, at most %.0f)\n"
		"      --timeout T          wait for a reply before the second SYN, and after it\n"
		"                           (default 1 s; 500ms, 2s)\n"
		"      --sport N            the source port (default: a free ephemeral port)\n"
		"      --open               show open ports only (the summary counts all)\n"
		"      --format text|json   per port and summary as text (default) or JSON lines\n"
		"  -q, --quiet              the summary only\n"
		"      --no-rst-guard       let the local kernel answer SYN-ACKs with its own RST\n"
		"                           too (it has no socket for them)\n"
		"  -Z, --user USER          drop to USER once the sockets are open (default nobody)\n"
		"      --force              scan a destination outside loopback and the\n"
		"                           documentation ranges (only a network you own!)\n"
		"  -h, --help\n"
		"Needs CAP_NET_RAW, and CAP_NET_ADMIN for the RST guard (an nftables table that\n"
		"drops the kernel's RSTs from the scan's source port while it runs).\n"
		"Exit status: 0 done, 1 a send or the capture failed, 2 usage, refused destination\n"
		"or setup error.\n",
		RS_SCAN_DEFAULT_RATE, RS_SCAN_MAX_RATE);
}

enum { O_RATE = RS_OPT_FIRST_COMMAND_OPT, O_TIMEOUT, O_SPORT, O_OPEN, O_FORMAT, O_NO_GUARD, O_FORCE };

struct scan_opts {
	struct rs_scan_ports ports;
	struct rs_scan_cfg cfg;
	bool json, quiet, open_only, guard, force;
	uint64_t sport;
	const char *user;
	char ifname[IF_NAMESIZE];
};

static int bad(const char *opt, const char *why)
{
	fprintf(stderr, "rawshake scan: %s: %s\n", opt, why);
	return RS_EXIT_USAGE;
}

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

/* One option into o: -1 when it is taken, else the exit status. */
static int parse_opt(int c, struct scan_opts *o)
{
	char why[256];
	uint64_t v;

	switch (c) {
	case 'p':
		if (!rs_scan_ports_parse(optarg, &o->ports, why, sizeof(why)))
			return bad("--ports", why);
		break;
	case O_RATE:
		if (!rs_parse_rate(optarg, &o->cfg.rate, why, sizeof(why)))
			return bad("--rate", why);
		if (o->cfg.rate <= 0 || o->cfg.rate > RS_SCAN_MAX_RATE)
			return bad("--rate", "more than 0 and at most 10000 SYNs per second");
		break;
	case O_TIMEOUT:
		if (!rs_parse_interval(optarg, &o->cfg.timeout_ns, why, sizeof(why)))
			return bad("--timeout", why);
		if (o->cfg.timeout_ns < 1000000 || o->cfg.timeout_ns > 60000000000ull)
			return bad("--timeout", "1 ms to 60 s");
		break;
	case O_SPORT:
		if (!rs_parse_uint_range(optarg, 1, 65535, &v, why, sizeof(why)))
			return bad("--sport", why);
		o->sport = v;
		break;
	case O_OPEN: o->open_only = true; break;
	case O_FORMAT:
		if (strcmp(optarg, "json") == 0)
			o->json = true;
		else if (strcmp(optarg, "text") != 0)
			return bad("--format", "text or json");
		break;
	case 'q': o->quiet = true; break;
	case O_NO_GUARD: o->guard = false; break;
	case 'Z': o->user = optarg; break;
	case O_FORCE: o->force = true; break;
	case 'h':
		scan_usage(stdout);
		return RS_EXIT_OK;
	default:
		scan_usage(stderr);
		return RS_EXIT_USAGE;
	}
	return -1;
}

/* Options, DST and PORTS: -1 when the run goes on, else the exit status. */
static int parse_opts(int argc, char **argv, struct scan_opts *o)
{
	static const struct option longopts[] = {
		{ "ports", required_argument, NULL, 'p' },
		{ "rate", required_argument, NULL, O_RATE },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ "sport", required_argument, NULL, O_SPORT },
		{ "open", no_argument, NULL, O_OPEN },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "quiet", no_argument, NULL, 'q' },
		{ "no-rst-guard", no_argument, NULL, O_NO_GUARD },
		{ "user", required_argument, NULL, 'Z' },
		{ "force", no_argument, NULL, O_FORCE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct rs_scan_probe_id *id = &o->cfg.id;
	char why[256];
	int c, r;

	while ((c = getopt_long(argc, argv, "p:qZ:h", longopts, NULL)) != -1)
		if ((r = parse_opt(c, o)) >= 0)
			return r;
	if (argc - optind < 1 || argc - optind > 2) {
		fprintf(stderr, "rawshake scan: %s\n", argc - optind < 1 ?
			"give a destination address (and the ports)" : "too many arguments");
		scan_usage(stderr);
		return RS_EXIT_USAGE;
	}
	if (!rs_parse_addr(argv[optind], &id->v, id->dst, why, sizeof(why)))
		return bad("DST", why);
	if (argc - optind == 2 && !rs_scan_ports_parse(argv[optind + 1], &o->ports, why, sizeof(why)))
		return bad("PORTS", why);
	if (o->ports.n == 0)
		return bad("PORTS", "give the ports to scan (PORTS or -p, e.g. 1-1024,8080)");
	return -1;
}

/* The route's source address and interface, a reserved source port, the
 * sequence base: false when the scan cannot start (said why). */
static bool setup(struct scan_opts *o, int *portfd)
{
	struct rs_scan_probe_id *id = &o->cfg.id;
	uint8_t nexthop[16];
	unsigned mtu;
	char err[256];

	if (!rs_route_lookup(id->v, id->dst, id->src, o->ifname, nexthop, &mtu, err, sizeof(err))) {
		fprintf(stderr, "rawshake scan: %s\n", err);
		return false;
	}
	uint16_t port = (uint16_t)o->sport;
	/* Reserved, so that no connection of the kernel's takes our port. */
	*portfd = rs_connect_io_reserve_port(id->v, id->src, &port, err, sizeof(err));
	if (*portfd < 0) {
		fprintf(stderr, "rawshake scan: %s\n", err);
		return false;
	}
	id->sport = port;
	if (getrandom(&id->seq_base, sizeof(id->seq_base), 0) != sizeof(id->seq_base))
		id->seq_base = (uint32_t)rs_clock_mono_ns() * 2654435761u;
	return true;
}

static void announce(const struct scan_opts *o)
{
	const struct rs_scan_probe_id *id = &o->cfg.id;
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	int af = id->v == 4 ? AF_INET : AF_INET6;

	inet_ntop(af, id->src, s, sizeof(s));
	inet_ntop(af, id->dst, d, sizeof(d));
	fprintf(stderr, "rawshake scan: %u port%s of %s from %s port %u on %s, %.0f SYN/s, timeout "
		"%.1f s; ", o->ports.n, o->ports.n == 1 ? "" : "s", d, s, id->sport, o->ifname,
		o->cfg.rate, (double)o->cfg.timeout_ns / 1e9);
	/* The guard's owner is the supervisor, our parent. */
	if (o->guard)
		fprintf(stderr, "the local kernel's RSTs from this port are dropped by nft table inet "
			RS_CONNECT_RSTGUARD_PREFIX "%ld\n", (long)getppid());
	else
		fprintf(stderr, "no RST guard: the local kernel resets every open port as well\n");
}

/* Opens, drops privileges, scans, prints.  supervisor: the guard's
 * owner (0 without a guard). */
static int worker(struct scan_opts *o, pid_t supervisor)
{
	static struct rs_scan sc;
	static struct rs_out out;
	char err[PCAP_ERRBUF_SIZE + 256];

	rs_signals_catch(on_stop, true);
	if (rs_connect_rstguard_signalled())
		stop = 1;
	if (!rs_scan_open(&sc, &o->cfg, &o->ports, o->ifname, o->guard ? RS_CONNECT_RSTGUARD_MARK : 0,
			  err, sizeof(err))) {
		fprintf(stderr, "rawshake scan: %s\n", err);
		return RS_EXIT_USAGE;
	}
	if (!rs_drop_privileges(o->user, err, sizeof(err))) {
		fprintf(stderr, "rawshake scan: %s\n", err);
		rs_scan_close(&sc);
		return RS_EXIT_USAGE;
	}
	/* The change of user cleared the parent-death signal: again. */
	if (supervisor && !rs_connect_rstguard_tie_worker(supervisor)) {
		rs_scan_close(&sc);
		return 1;
	}
	rs_cli_sandbox("scan", RS_SANDBOX_SEND, -1);
	if (!o->quiet && !o->json)
		announce(o);
	int st = rs_scan_run(&sc, &stop, err, sizeof(err));
	if (st != 0)
		fprintf(stderr, "rawshake scan: %s\n", err);
	rs_out_init(&out, STDOUT_FILENO);
	for (uint32_t i = 0; i < sc.n && !o->quiet; i++)
		if (!o->open_only || sc.res[i].vd.state == RS_SCAN_OPEN)
			rs_scan_print_port(&out, &sc.res[i], o->json, &o->cfg);
	rs_scan_print_summary(&out, &sc.st, o->json, &o->cfg);
	rs_scan_close(&sc);
	return rs_cli_out_finish("scan", &out, st);
}

/* The guard first, then the worker under its supervisor (as connect). */
static int run_guarded(struct scan_opts *o)
{
	static struct rs_connect_rstguard g;
	char err[512];
	const struct rs_scan_probe_id *id = &o->cfg.id;

	if (!rs_connect_rstguard_available(err, sizeof(err))) {
		fprintf(stderr, "rawshake scan: %s\n", err);
		return RS_EXIT_USAGE;
	}
	rs_connect_rstguard_cleanup_stale(stderr);
	if (!rs_connect_rstguard_install(&g, id->v, id->src, id->sport, id->dst, 0, err, sizeof(err))) {
		fprintf(stderr, "rawshake scan: %s\n", err);
		return RS_EXIT_USAGE;
	}
	if (rs_connect_rstguard_signalled()) {
		rs_connect_rstguard_remove(&g, err, sizeof(err));
		return 1;
	}
	fflush(NULL);
	pid_t supervisor = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "rawshake scan: fork: %s\n", strerror(errno));
		rs_connect_rstguard_remove(&g, err, sizeof(err));
		return RS_EXIT_USAGE;
	}
	if (pid == 0) {
		if (!rs_connect_rstguard_tie_worker(supervisor))
			_exit(1);
		int st = worker(o, supervisor);
		fflush(NULL);
		_exit(st);
	}
	int st = rs_connect_rstguard_supervise(&g, pid);
	return st > 2 ? 1 : st;
}

static int scan_run(int argc, char **argv)
{
	static struct scan_opts o;
	char refusal[640], err[256];
	int st, portfd = -1;

	memset(&o, 0, sizeof(o));
	o.cfg.rate = RS_SCAN_DEFAULT_RATE;
	o.cfg.timeout_ns = RS_SCAN_DEFAULT_TIMEOUT_NS;
	o.guard = true;
	if ((st = parse_opts(argc, argv, &o)) >= 0)
		return st;
	if (!o.force && !rs_guard_bulk("scan", o.cfg.id.v, o.cfg.id.dst, NULL, true, refusal,
				       sizeof(refusal))) {
		fprintf(stderr, "rawshake scan: %s\n", refusal);
		return RS_EXIT_USAGE;
	}
	if (!rs_need_caps(RS_CAP_NET_RAW | (o.guard ? RS_CAP_NET_ADMIN : 0), true, err, sizeof(err))) {
		fprintf(stderr, "rawshake scan: %s\n", err);
		return RS_EXIT_USAGE;
	}
	if (!setup(&o, &portfd))
		return RS_EXIT_USAGE;
	st = o.guard ? run_guarded(&o) : worker(&o, 0);
	close(portfd);
	return st;
}

const struct rs_command rs_cmd_scan = {
	.name = "scan",
	.summary = "a SYN scan (as nmap's), each port with the exchange that proves it",
	.run = scan_run,
	.usage = scan_usage,
};
