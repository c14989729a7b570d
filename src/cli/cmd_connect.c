/* cmd_connect.c: "rawshake connect": a TCP connection made by hand, shown as it happens. */
#include "cli.h"
#include "rawshake/clock.h"
#include "rawshake/craft_opts.h"
#include "rawshake/connect.h"
#include "rawshake/datafile.h"
#include "rawshake/send_inject.h"
#include "rawshake/out.h"
#include "rawshake/privdrop.h"
#include "rawshake/connect_rstguard.h"
#include "rawshake/signals.h"
#include "rawshake/view.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <unistd.h>

#define MAX_DATA (16u << 20)
#define LAST_LINE 4096   /* the shared page holding the worker's last line */

static void connect_usage(FILE *f)
{
	fprintf(f,
		"usage: rawshake connect [options] DST PORT\n"
		"Open a TCP connection to DST (an IPv4 or IPv6 address) port PORT entirely by\n"
		"hand: every segment is built with libnet and sent on a raw socket, every reply\n"
		"is captured with libpcap; the kernel's TCP stack is not used.  Shows the\n"
		"exchange as 'read' does, with our end's state, then a ladder diagram and the\n"
		"connection summary.  A segment with a wrong checksum is dropped, as the kernel\n"
		"drops it, and said so even with -q; one whose checksum was left for the NIC\n"
		"(loopback, veth, bridge) is taken.\n"
		"\n"
		"  -d, --data STRING      send STRING after the handshake (\\r \\n \\t \\\\ \\xHH)\n"
		"      --data-file FILE   send the contents of FILE\n"
		"      --show-data        print the data the peer sends\n"
		"      --close fin|rst    how to end: FIN teardown (default) or RST\n"
		"      --hold SECONDS     stay established this long before closing\n"
		"      --fin-wait SECONDS wait this long for the peer's FIN (default 10)\n"
		"  -r, --retries N        retransmissions before giving up (default 3; RTO 1 s,\n"
		"                         doubled each time, RFC 6298)\n"
		"  -p, --sport PORT       our port (default: an ephemeral port reserved for us)\n"
		"      --src ADDR         our address (default: the route's source address)\n"
		"  -I, --interface IFACE  capture on IFACE (default: the route's interface)\n"
		"      --seq N            our initial sequence number (default random)\n"
		"      --mss N|none       MSS option (default 1460, IPv6 1440); --no-mss\n"
		"      --wscale N|none    window scale option (default 7); --no-wscale\n"
		"      --no-sack-perm     no SACK-permitted option (default: sent; --sack-perm)\n"
		"      --no-ts            no timestamps option (default: sent)\n"
		"      --win N            window in the SYN (default 64240)\n"
		"      --ttl, --hlim N    TTL or hop limit (default 64)\n"
		"      --data-hex HEX     send these bytes after the handshake\n"
		"      --no-rst-guard     do not stop the local kernel's RSTs (see rawshake(1))\n"
		"      --cleanup-guards   remove RST guards left by killed runs, then exit\n"
		"  -Z, --user USER        drop to USER after opening (default nobody)\n"
		"  -h, --help             this help\n");
	rs_cli_view_usage(f);
	fprintf(f, "Exit status: 0 handshake and close completed, 1 refused, no answer or reset,\n"
		   "2 usage error.  Needs root, or cap_net_raw,cap_net_admin (setcap) on the\n"
		   "binary (cap_net_raw alone with --no-rst-guard).\n");
}

enum {
	OPT_DATA_FILE = RS_OPT_FIRST_COMMAND_OPT,
	OPT_SHOW_DATA,
	OPT_CLOSE,
	OPT_HOLD,
	OPT_FIN_WAIT,
	OPT_SOURCE,
	OPT_ISN,
	OPT_MSS,
	OPT_WSCALE,
	OPT_NO_SACK,
	OPT_NO_TS,
	OPT_WINDOW,
	OPT_TTL,
	OPT_NO_GUARD,
	OPT_CLEANUP,
	OPT_NO_MSS,
	OPT_NO_WSCALE,
	OPT_SACK,
	OPT_DATA_HEX,
};

struct connect_ctx {
	struct rs_out *out;
	const struct rs_view_opts *vo;
	bool show_data;
};

/* A line of our end's: JSON with the drop reason when there is one. */
static void put_note(struct connect_ctx *c, enum rs_connect_state st, const char *drop,
		     const char *text)
{
	if (c->vo->format == RS_FORMAT_JSON) {
		rs_out_str(c->out, "{\"type\":\"connect\",\"state\":");
		rs_out_json_cstr(c->out, rs_connect_state_str(st));
		if (drop) {
			rs_out_str(c->out, ",\"drop\":");
			rs_out_json_cstr(c->out, drop);
		}
		rs_out_str(c->out, ",\"note\":");
		rs_out_json_cstr(c->out, text);
		rs_out_str(c->out, "}\n");
	} else {
		rs_out_printf(c->out, "  connect [%s]: %s\n", rs_connect_state_str(st), text);
	}
	rs_out_flush(c->out);
}

static void on_note(void *ctx, enum rs_connect_state st, const char *text)
{
	struct connect_ctx *c = ctx;

	if (c->vo->quiet || (c->vo->print_flags & RS_PRINT_BRIEF) ||
	    c->vo->format == RS_FORMAT_LADDER)
		return;
	put_note(c, st, NULL, text);
}

/* Drops are notes, but one for a bad checksum is shown whatever the
 * options (-q, --brief, --format ladder): the kernel drops that segment
 * too, and without this line the run would only show retransmissions. */
static void on_drop(void *ctx, enum rs_connect_state st, enum rs_connect_drop why, const char *text)
{
	struct connect_ctx *c = ctx;

	if (why != RS_CONNECT_DROP_BAD_CSUM && (c->vo->quiet || (c->vo->print_flags & RS_PRINT_BRIEF) ||
					  c->vo->format == RS_FORMAT_LADDER))
		return;
	put_note(c, st, rs_connect_drop_str(why), text);
}

/* The peer's data, one line of text per line received, bytes that are
 * not printable as \xHH. */
static void on_data(void *ctx, const uint8_t *p, size_t n)
{
	struct connect_ctx *c = ctx;

	if (!c->show_data || c->vo->quiet)
		return;
	if (c->vo->format == RS_FORMAT_JSON) {
		rs_out_str(c->out, "{\"type\":\"data\",\"from\":\"server\",\"len\":");
		rs_out_u64(c->out, n);
		rs_out_str(c->out, ",\"data\":");
		rs_out_json_str(c->out, (const char *)p, n);
		rs_out_str(c->out, "}\n");
	} else if (c->vo->format == RS_FORMAT_TEXT) {
		rs_out_printf(c->out, "  connect: %zu byte%s of data from the server:\n", n,
			      n == 1 ? "" : "s");
		bool bol = true;
		for (size_t i = 0; i < n; i++) {
			if (bol)
				rs_out_str(c->out, "    | ");
			bol = false;
			uint8_t b = p[i];
			if (b == '\n') {
				rs_out_char(c->out, '\n');
				bol = true;
			} else if (b == '\r') {
				rs_out_str(c->out, "\\r");
			} else if (b == '\\') {
				rs_out_str(c->out, "\\\\");
			} else if (b >= 0x20 && b < 0x7f) {
				rs_out_char(c->out, (char)b);
			} else {
				rs_out_printf(c->out, "\\x%02x", b);
			}
		}
		if (!bol)
			rs_out_char(c->out, '\n');
	}
	rs_out_flush(c->out);
}

/* A parser's verdict on opt's value: false after "OPT: REASON". */
static bool opt_ok(const char *opt, bool ok, const char *why)
{
	if (!ok)
		fprintf(stderr, "rawshake connect: %s: %s\n", opt, why);
	return ok;
}

static bool parse_seconds(const char *opt, const char *s, uint64_t *ns)
{
	char e[128];
	return opt_ok(opt, rs_parse_interval(s, ns, e, sizeof(e)), e);
}

static bool parse_opt_u(const char *opt, const char *s, uint64_t max, uint64_t *v)
{
	char e[128];
	return opt_ok(opt, rs_parse_uint(s, max, v, e, sizeof(e)), e);
}

/* A port to connect from or to: 1 to 65535, one message with that range
 * for 0 as for 70000. */
static bool parse_port(const char *opt, const char *s, uint64_t *v)
{
	char e[128];
	return opt_ok(opt, rs_parse_uint_range(s, 1, 65535, v, e, sizeof(e)), e);
}

/* The command line as given, before it becomes a configuration. */
struct connect_opts {
	struct rs_view_opts vo;
	const char *data_str, *data_file, *data_hex, *source, *ifopt, *user, *mss_s, *wscale_s;
	bool show_data, guard, cleanup, no_sack, no_ts, have_isn;
	enum rs_connect_close close_how;
	uint64_t hold, fin_wait, retries, sport, isn, window, ttl;
};

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

/* Prints the 4-tuple and whether the kernel's RSTs are held back. */
static void announce(const struct rs_connect_config *cfg, const char *ifname, bool guard)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	inet_ntop(cfg->v == 4 ? AF_INET : AF_INET6, cfg->src, s, sizeof(s));
	inet_ntop(cfg->v == 4 ? AF_INET : AF_INET6, cfg->dst, d, sizeof(d));
	if (guard)
		fprintf(stderr, "rawshake connect: %s port %u → %s port %u on %s; the local kernel's "
				"RSTs on this 4-tuple are dropped by nft table inet " RS_CONNECT_RSTGUARD_PREFIX
				"%ld\n", s, cfg->sport, d, cfg->dport, ifname, (long)getppid());
	else
		fprintf(stderr, "rawshake connect: %s port %u → %s port %u on %s; no RST guard: the "
				"local kernel will reset the connection\n", s, cfg->sport, d, cfg->dport,
			ifname);
}

/* The worker's privileged part: the raw socket and the capture, then
 * no privileges at all.  The order matters: everything that needs root is
 * opened first, and the user is dropped before the first reply is parsed.
 * Returns -1 when all is open, else the exit status. */
static int worker_open(struct rs_connect_io *conn, const struct rs_connect_config *cfg,
		       const char *ifname, const struct connect_opts *o, pid_t supervisor)
{
	char err[PCAP_ERRBUF_SIZE + 256];

	if (!rs_connect_io_open(conn, cfg, ifname, o->guard ? RS_CONNECT_RSTGUARD_MARK : 0, err,
				sizeof(err))) {
		fprintf(stderr, "rawshake connect: %s\n", err);
		return RS_EXIT_USAGE;
	}
	if (!rs_drop_privileges(o->user, err, sizeof(err))) {
		fprintf(stderr, "rawshake connect: %s\n", err);
		rs_connect_io_close(conn);
		return RS_EXIT_USAGE;
	}
	/* The change of user cleared the parent-death signal: again. */
	if (supervisor && !rs_connect_rstguard_tie_worker(supervisor)) {
		fprintf(stderr, "rawshake connect: the supervisor (process %ld) has ended\n",
			(long)supervisor);
		rs_connect_io_close(conn);
		return 1;
	}
	return -1;
}

/* The unprivileged worker: open, drop, run, show.  Returns the exit
 * status.  The line that says how it ended goes into last when given
 * (the supervisor prints it after the guard's count, so that it stays
 * the last line), else to stderr.  supervisor: the guard's owner, whose
 * end ends the worker too (0 without a guard: no supervisor). */
static int worker(struct rs_connect_config *cfg, const char *ifname, const struct connect_opts *o,
		  char *last, size_t lastlen, pid_t supervisor)
{
	char err[PCAP_ERRBUF_SIZE + 256];
	static struct rs_connect_io conn;
	static struct rs_out out;
	struct rs_view view;
	const struct rs_view_opts *vo = &o->vo;

	rs_signals_catch(on_stop, true);
	/* A signal that reached this process between the fork and the line
	 * above went to the RST guard's handler: it stops us all the same. */
	if (rs_connect_rstguard_signalled())
		stop = 1;
	int st = worker_open(&conn, cfg, ifname, o, supervisor);
	if (st >= 0)
		return st;
	rs_out_init(&out, STDOUT_FILENO);
	if (!rs_view_init(&view, vo, &out, err, sizeof(err))) {
		fprintf(stderr, "rawshake connect: %s\n", err);
		rs_view_free(&view);
		rs_connect_io_close(&conn);
		return RS_EXIT_USAGE;
	}
	announce(cfg, ifname, o->guard);

	struct connect_ctx ctx = { &out, vo, o->show_data };
	struct rs_connect_callbacks cb = { .note = on_note, .data = on_data, .drop = on_drop, .ctx = &ctx };
	/* Then nothing but the connection's socket, capture and output. */
	rs_cli_sandbox("connect", RS_SANDBOX_SEND, -1);
	enum rs_connect_result r = rs_connect_run(&conn, &cb, &view, &stop, err, sizeof(err));
	if (!rs_out_closed(&out)) {
		if (vo->format == RS_FORMAT_TEXT && !vo->quiet)
			rs_out_char(&out, '\n');
		rs_view_finish(&view);
	}
	int out_status = rs_cli_out_finish("connect", &out, RS_EXIT_OK);

	if (r == RS_CONNECT_SEND_FAILED)
		fprintf(stderr, "rawshake connect: %s\n", err);
	char line[768];
	rs_connect_result_describe(&conn.hs, o->guard, line, sizeof(line));
	if (last)
		snprintf(last, lastlen, "rawshake connect: %s\n", line);
	else
		fprintf(stderr, "rawshake connect: %s\n", line);
	rs_view_free(&view);
	rs_connect_io_close(&conn);
	if (out_status != RS_EXIT_OK)
		return out_status;
	return r == RS_CONNECT_OK ? RS_EXIT_OK : 1;
}

/* One option of connect's own (the view's are taken before): -1 when it
 * is taken, else the exit status. */
static int parse_opt(int c, const char *arg, struct connect_opts *o)
{
	switch (c) {
	case 'd': o->data_str = arg; break;
	case OPT_DATA_FILE: o->data_file = arg; break;
	case OPT_SHOW_DATA: o->show_data = true; break;
	case OPT_CLOSE:
		if (strcmp(arg, "fin") == 0) {
			o->close_how = RS_CONNECT_CLOSE_FIN;
		} else if (strcmp(arg, "rst") == 0) {
			o->close_how = RS_CONNECT_CLOSE_RST;
		} else {
			fprintf(stderr, "rawshake connect: --close: '%s' is not fin or rst\n", arg);
			return RS_EXIT_USAGE;
		}
		break;
	case OPT_HOLD: return parse_seconds("--hold", arg, &o->hold) ? -1 : RS_EXIT_USAGE;
	case OPT_FIN_WAIT: return parse_seconds("--fin-wait", arg, &o->fin_wait) ? -1 : RS_EXIT_USAGE;
	case 'r': return parse_opt_u("--retries", arg, 15, &o->retries) ? -1 : RS_EXIT_USAGE;
	case 'p':
		if (!parse_port("--sport", arg, &o->sport))
			return RS_EXIT_USAGE;
		break;
	case OPT_SOURCE: o->source = arg; break;
	case 'I': o->ifopt = arg; break;
	case OPT_ISN:
		o->have_isn = true;
		return parse_opt_u("--isn", arg, UINT32_MAX, &o->isn) ? -1 : RS_EXIT_USAGE;
	case OPT_MSS: o->mss_s = arg; break;
	case OPT_NO_MSS: o->mss_s = "none"; break;
	case OPT_WSCALE: o->wscale_s = arg; break;
	case OPT_NO_WSCALE: o->wscale_s = "none"; break;
	case OPT_SACK: o->no_sack = false; break;
	case OPT_NO_SACK: o->no_sack = true; break;
	case OPT_DATA_HEX: o->data_hex = arg; break;
	case OPT_NO_TS: o->no_ts = true; break;
	case OPT_WINDOW: return parse_opt_u("--window", arg, 65535, &o->window) ? -1 : RS_EXIT_USAGE;
	case OPT_TTL: return parse_opt_u("--ttl", arg, 255, &o->ttl) ? -1 : RS_EXIT_USAGE;
	case OPT_NO_GUARD: o->guard = false; break;
	case OPT_CLEANUP: o->cleanup = true; break;
	case 'Z': o->user = arg; break;
	case 'h':
		connect_usage(stdout);
		return RS_EXIT_OK;
	default:
		connect_usage(stderr);
		return RS_EXIT_USAGE;
	}
	return -1;
}

/* The options into o: -1 when the run goes on, else the exit status. */
static int parse_opts(int argc, char **argv, struct connect_opts *o)
{
	static const struct option longopts[] = {
		RS_CLI_VIEW_LONGOPTS,
		{ "data", required_argument, NULL, 'd' },
		{ "data-file", required_argument, NULL, OPT_DATA_FILE },
		{ "show-data", no_argument, NULL, OPT_SHOW_DATA },
		{ "close", required_argument, NULL, OPT_CLOSE },
		{ "hold", required_argument, NULL, OPT_HOLD },
		{ "fin-wait", required_argument, NULL, OPT_FIN_WAIT },
		{ "retries", required_argument, NULL, 'r' },
		{ "sport", required_argument, NULL, 'p' },
		{ "src", required_argument, NULL, OPT_SOURCE },
		{ "interface", required_argument, NULL, 'I' },
		{ "seq", required_argument, NULL, OPT_ISN },
		{ "mss", required_argument, NULL, OPT_MSS },
		{ "no-mss", no_argument, NULL, OPT_NO_MSS },
		{ "wscale", required_argument, NULL, OPT_WSCALE },
		{ "no-wscale", no_argument, NULL, OPT_NO_WSCALE },
		{ "sack-perm", no_argument, NULL, OPT_SACK },
		{ "no-sack-perm", no_argument, NULL, OPT_NO_SACK },
		{ "no-ts", no_argument, NULL, OPT_NO_TS },
		{ "win", required_argument, NULL, OPT_WINDOW },
		{ "ttl", required_argument, NULL, OPT_TTL },
		{ "hlim", required_argument, NULL, OPT_TTL },
		{ "data-hex", required_argument, NULL, OPT_DATA_HEX },
		{ "no-rst-guard", no_argument, NULL, OPT_NO_GUARD },
		{ "cleanup-guards", no_argument, NULL, OPT_CLEANUP },
		{ "user", required_argument, NULL, 'Z' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->vo = (struct rs_view_opts){ .format = RS_FORMAT_TEXT, .summary = true, .ladder_after = true };
	o->guard = true;
	o->close_how = RS_CONNECT_CLOSE_FIN;
	o->retries = 3;
	o->window = 64240;
	o->ttl = 64;
	while ((c = getopt_long(argc, argv, RS_CLI_VIEW_SHORTOPTS "d:r:p:I:Z:h", longopts,
				NULL)) != -1) {
		int r = rs_cli_view_opt(c, optarg, &o->vo);
		if (r < 0)
			return RS_EXIT_USAGE;
		if (r == 0 && (r = parse_opt(c, optarg, o)) >= 0)
			return r;
	}
	rs_cli_view_finalize(&o->vo);
	if (o->vo.format != RS_FORMAT_TEXT)
		o->vo.ladder_after = false;
	return -1;
}

/* --cleanup-guards: the tables of killed runs, and nothing else. */
static int cleanup_guards(void)
{
	char err[256];
	if (!rs_connect_rstguard_available(err, sizeof(err)) ||
	    !rs_need_caps(RS_CAP_NET_ADMIN, true, err, sizeof(err))) {
		fprintf(stderr, "rawshake connect: %s\n", err);
		return RS_EXIT_USAGE;
	}
	int n = rs_connect_rstguard_cleanup_stale(stderr);
	if (n < 0) {
		fprintf(stderr, "rawshake connect: nft could not list the tables\n");
		return 1;
	}
	fprintf(stderr, "rawshake connect: %d stale RST guard%s removed\n", n, n == 1 ? "" : "s");
	return RS_EXIT_OK;
}

/* DST PORT and the segment's shape into cfg. */
static bool make_config(const struct connect_opts *o, const char *dst_s, const char *port_s,
			struct rs_connect_config *cfg)
{
	char err[256];
	uint8_t v, dst[16];
	uint64_t v64;

	if (!rs_parse_addr(dst_s, &v, dst, err, sizeof(err))) {
		fprintf(stderr, "rawshake connect: %s: %s\n", dst_s, err);
		return false;
	}
	if (!parse_port("PORT", port_s, &v64))
		return false;
	rs_connect_config_init(cfg, v);
	memcpy(cfg->dst, dst, 16);
	cfg->dport = (uint16_t)v64;
	cfg->retries = (unsigned)o->retries;
	cfg->hold_ns = o->hold;
	cfg->fin_wait_ns = o->fin_wait;
	cfg->close = o->close_how;
	cfg->win = (uint16_t)o->window;
	cfg->ttl = (uint8_t)o->ttl;
	cfg->sack_perm = !o->no_sack;
	cfg->timestamps = !o->no_ts;
	if (o->mss_s && strcmp(o->mss_s, "none") == 0) {
		cfg->mss = 0;
	} else if (o->mss_s) {
		/* One message, with the range an MSS really has. */
		if (!rs_parse_uint_range(o->mss_s, 64, 65535, &v64, err, sizeof(err))) {
			fprintf(stderr, "rawshake connect: --mss: %s; 'none' sends no MSS option\n",
				err);
			return false;
		}
		cfg->mss = (uint16_t)v64;
	}
	if (o->wscale_s) {
		if (strcmp(o->wscale_s, "none") == 0)
			cfg->wscale = -1;
		else if (parse_opt_u("--wscale", o->wscale_s, 14, &v64))
			cfg->wscale = (int)v64;
		else
			return false;
	}
	return true;
}

/* --data, --data-file or --data-hex into cfg->data (a buffer of our
 * own, or NULL without data); false after a message. */
static bool load_data(const struct connect_opts *o, struct rs_connect_config *cfg)
{
	char err[PATH_MAX + 256];
	uint8_t *data = NULL;

	cfg->data = NULL;
	if (o->data_str) {
		data = rs_datafile_unescape(o->data_str, &cfg->data_len);
	} else if (o->data_file) {
		data = rs_datafile_load(o->data_file, MAX_DATA, &cfg->data_len, err, sizeof(err));
		if (!data)
			fprintf(stderr, "rawshake connect: --data-file %s\n", err);
	} else if (o->data_hex && (data = malloc(strlen(o->data_hex) / 2 + 1)) != NULL &&
		   !rs_parse_hex(o->data_hex, data, strlen(o->data_hex) / 2 + 1, &cfg->data_len, err,
				 sizeof(err))) {
		fprintf(stderr, "rawshake connect: --data-hex: %s\n", err);
		free(data);
		return false;
	}
	if ((o->data_str || o->data_file || o->data_hex) && !data)
		return false;
	cfg->data = data;
	return true;
}

/* Where the route goes: our address into cfg->src and the interface to
 * capture on; then the capabilities all that needs. */
static bool find_route(const struct connect_opts *o, struct rs_connect_config *cfg, char *ifname)
{
	char err[PCAP_ERRBUF_SIZE + 256];
	uint8_t src[16] = { 0 }, nexthop[16];
	unsigned mtu = 0;

	if (!rs_route_lookup(cfg->v, cfg->dst, src, ifname, nexthop, &mtu, err, sizeof(err))) {
		fprintf(stderr, "rawshake connect: %s\n", err);
		return false;
	}
	if (o->source) {
		uint8_t sv = 0;
		/* The parser's reason when it fails (sv is not set then). */
		bool parsed = rs_parse_addr(o->source, &sv, src, err, sizeof(err));
		if (!parsed || sv != cfg->v) {
			fprintf(stderr, "rawshake connect: --src %s: %s\n", o->source,
				parsed ? "not the destination's family" : err);
			return false;
		}
	}
	memcpy(cfg->src, src, 16);
	if (o->ifopt)
		snprintf(ifname, IF_NAMESIZE, "%s", o->ifopt);
	if (!ifname[0]) {
		fprintf(stderr, "rawshake connect: no interface for the route; name one with -i\n");
		return false;
	}
	/* Capabilities, not uid 0: a binary given them with setcap works too.
	 * The raw socket and the capture need CAP_NET_RAW; the guard's
	 * SO_MARK and nft need CAP_NET_ADMIN. */
	if (!rs_need_caps(RS_CAP_NET_RAW | (o->guard ? RS_CAP_NET_ADMIN : 0), true, err,
			  sizeof(err))) {
		fprintf(stderr, "rawshake connect: %s\n", err);
		return false;
	}
	return true;
}

/* Our port, reserved so that no kernel connection takes it meanwhile
 * (its socket in *portfd, -1 when it could not be: a --src not ours),
 * our initial sequence number and timestamp offset. */
static bool pick_port(const struct connect_opts *o, struct rs_connect_config *cfg, int *portfd)
{
	char err[256];
	uint16_t port = (uint16_t)o->sport;

	*portfd = rs_connect_io_reserve_port(cfg->v, cfg->src, &port, err, sizeof(err));
	if (*portfd < 0 && !o->source) {
		fprintf(stderr, "rawshake connect: %s\n", err);
		return false;
	}
	if (*portfd < 0 && port == 0)
		port = (uint16_t)(32768 + (rs_clock_mono_ns() % 28232));   /* a source not ours */
	cfg->sport = port;
	uint32_t rnd[2] = { 0, 0 };
	if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
		rnd[0] = (uint32_t)rs_clock_mono_ns(), rnd[1] = rnd[0] * 2654435761u;
	cfg->isn = o->have_isn ? (uint32_t)o->isn : rnd[0];
	cfg->ts_offset = rnd[1];
	return true;
}

/* The privilege split: this process keeps root only to install the
 * guard, wait and remove it; the worker, forked after the guard is in
 * place (so that no kernel RST can slip out before), drops to USER. */
static int run_guarded(struct rs_connect_config *cfg, const char *ifname, const struct connect_opts *o)
{
	char err[PCAP_ERRBUF_SIZE + 256];
	static struct rs_connect_rstguard g;

	if (!rs_connect_rstguard_available(err, sizeof(err))) {
		fprintf(stderr, "rawshake connect: %s\n", err);
		return RS_EXIT_USAGE;
	}
	rs_connect_rstguard_cleanup_stale(stderr);
	if (!rs_connect_rstguard_install(&g, cfg->v, cfg->src, cfg->sport, cfg->dst, cfg->dport, err,
					 sizeof(err))) {
		fprintf(stderr, "rawshake connect: %s\n", err);
		return RS_EXIT_USAGE;
	}
	if (rs_connect_rstguard_signalled()) {
		rs_connect_rstguard_remove(&g, err, sizeof(err));
		return 1;
	}
	/* The worker's last line comes back through a shared page. */
	char *last = mmap(NULL, LAST_LINE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (last == MAP_FAILED)
		last = NULL;
	else
		last[0] = '\0';
	fflush(NULL);
	pid_t supervisor = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "rawshake connect: fork: %s\n", strerror(errno));
		rs_connect_rstguard_remove(&g, err, sizeof(err));
		return RS_EXIT_USAGE;
	}
	if (pid == 0) {
		/* Killed with SIGKILL, the supervisor removes nothing and a
		 * later run's sweep takes its table away: the worker must not
		 * outlive it, or the kernel would reset its connection then. */
		if (!rs_connect_rstguard_tie_worker(supervisor))
			_exit(1);
		int st = worker(cfg, ifname, o, last, last ? LAST_LINE : 0, supervisor);
		fflush(NULL);
		_exit(st);
	}
	int st = rs_connect_rstguard_supervise(&g, pid);
	if (last) {
		last[LAST_LINE - 1] = '\0';
		fputs(last, stderr);
		munmap(last, LAST_LINE);
	}
	return st > 2 ? 1 : st;
}

/* Parse, check, configure, then run: without a guard in this process,
 * with one in a worker under a supervisor. */
static int connect_run(int argc, char **argv)
{
	static struct connect_opts o;
	struct rs_connect_config cfg;
	char ifname[IF_NAMESIZE] = "";
	int st = parse_opts(argc, argv, &o), portfd = -1;

	if (st >= 0)
		return st;
	if (o.cleanup)
		return cleanup_guards();
	if (argc - optind != 2) {
		fprintf(stderr, "rawshake connect: needs DST and PORT\n");
		connect_usage(stderr);
		return RS_EXIT_USAGE;
	}
	if (!!o.data_str + !!o.data_file + !!o.data_hex > 1) {
		fprintf(stderr, "rawshake connect: only one of --data, --data-hex, --data-file\n");
		return RS_EXIT_USAGE;
	}
	if (!make_config(&o, argv[optind], argv[optind + 1], &cfg) || !load_data(&o, &cfg))
		return RS_EXIT_USAGE;
	if (!find_route(&o, &cfg, ifname) || !pick_port(&o, &cfg, &portfd))
		st = RS_EXIT_USAGE;
	else if (!o.guard)
		st = worker(&cfg, ifname, &o, NULL, 0, 0);
	else
		st = run_guarded(&cfg, ifname, &o);
	free((void *)cfg.data);
	if (portfd >= 0)
		close(portfd);
	return st;
}

const struct rs_command rs_cmd_connect = {
	.name = "connect",
	.summary = "open a TCP connection by hand and explain every segment",
	.run = connect_run,
	.usage = connect_usage,
};
