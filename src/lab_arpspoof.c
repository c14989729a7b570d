/*
 * lab_arpspoof.c: "rawshake lab arpspoof": the client poisons the server's
 * ARP cache for a third host's address.
 *
 * The lab's two hosts know each other through permanent neighbour entries
 * (no ARP).  The scenario adds a third host on the same link: a macvlan
 * over the client's lab interface, 192.0.2.30 with its own MAC, which the
 * server resolves with real ARP.  Then the client sends `rawshake send
 * arp` replies nobody asked for ("192.0.2.30 is-at <client's MAC>") and a
 * burst of gratuitous ones, while `rawshake detect` listens on the
 * server; the server's `ip neigh` before and after and detect's alerts
 * are shown.  The macvlan lives in the client's namespace, so the lab's
 * `down` removes it on any way out; a lab that was up is given back as it
 * was.
 */
#define _GNU_SOURCE 1
#include "config.h"
#include "rawshake/lab.h"
#include "rawshake/toolpath.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define AS_IF "rslab3"                 /* the third host's interface */
#define AS_THIRD4 "192.0.2.30"
#define AS_THIRD_MAC "02:00:c0:00:02:1e"
#define AS_SERVER_MAC "02:00:c0:00:02:14"
#define AS_ARP_IGNORE "net.ipv4.conf." RS_LAB_IF ".arp_ignore"

static volatile sig_atomic_t as_stop;

static void on_as_signal(int sig)
{
	as_stop = sig;
}

/* argv in ns, its output into out (NULL: ours); its exit status.  A
 * system tool (ip, ping, sysctl) is taken from the system directories
 * only (toolpath.h), never through PATH: this runs as root. */
static int run(const struct rs_lab_session *s, const char *ns, char *argv[], const char *out)
{
	char path[256], err[256];
	if (!strchr(argv[0], '/')) {
		if (!rs_toolpath_find(argv[0], strcmp(argv[0], "ping") == 0 ? "iputils-ping" :
					      strcmp(argv[0], "sysctl") == 0 ? "procps" : "iproute2",
				      path, sizeof(path), err, sizeof(err))) {
			fprintf(stderr, "rawshake lab arpspoof: %s\n", err);
			return -1;
		}
		argv[0] = path;
	}
	fflush(NULL);
	pid_t pid = rs_lab_session_spawn(s, ns, argv, out, NULL, 127);
	if (pid < 0)
		return -1;
	return rs_lab_wait_child(pid, &as_stop);
}

/* The client's lab interface must not answer for the third host's
 * address (Linux answers ARP for any of its addresses on any interface
 * unless arp_ignore says otherwise): written in the client's namespace. */
static bool set_arp_ignore(const char *v)
{
	char set[64], err[256];
	snprintf(set, sizeof(set), "%s=%s", AS_ARP_IGNORE, v);
	char *argv[] = { "sysctl", "-qw", set, NULL };
	return rs_lab_run_tool(RS_LAB_CLIENT_NS, argv, err, sizeof(err)) == 0;
}

/* A quiet change made by a system tool: runs even once interrupted, so
 * that the clean-up always happens. */
static bool tool(const char *ns, char *const argv[])
{
	char err[256];
	return rs_lab_run_tool(ns, argv, err, sizeof(err)) == 0;
}

static bool third_up(char *err, size_t errlen)
{
	char *add[] = { "ip", "link", "add", AS_IF, "link", RS_LAB_IF, "address", AS_THIRD_MAC,
			"type", "macvlan", "mode", "bridge", NULL };
	char *addr[] = { "ip", "addr", "add", AS_THIRD4 "/24", "dev", AS_IF, "noprefixroute", NULL };
	char *up[] = { "ip", "link", "set", AS_IF, "up", NULL };
	char *stale[] = { "ip", "link", "del", AS_IF, NULL };

	tool(RS_LAB_CLIENT_NS, stale);   /* left by a run that was killed (SIGKILL) */
	if (!set_arp_ignore("1") || !tool(RS_LAB_CLIENT_NS, add) || !tool(RS_LAB_CLIENT_NS, addr) ||
	    !tool(RS_LAB_CLIENT_NS, up)) {
		snprintf(err, errlen, "could not add the third host (%s, a macvlan on %s)", AS_THIRD4,
			 RS_LAB_IF);
		return false;
	}
	return true;
}

static void third_down(void)
{
	char *del[] = { "ip", "link", "del", AS_IF, NULL };
	char *flush[] = { "ip", "neigh", "flush", "to", AS_THIRD4, "dev", RS_LAB_IF, NULL };
	tool(RS_LAB_CLIENT_NS, del);
	set_arp_ignore("0");
	tool(RS_LAB_SERVER_NS, flush);
}

static void show_neigh(const struct rs_lab_session *s, FILE *log, const char *when)
{
	char *argv[] = { "ip", "neigh", "show", "dev", RS_LAB_IF, NULL };
	fprintf(log, "\nthe server's neighbour table %s (ip neigh show dev %s):\n", when, RS_LAB_IF);
	run(s, RS_LAB_SERVER_NS, argv, NULL);
}

/* What the poisoner does: replies nobody asked for, past the entry's
 * locktime (1 s), then gratuitous replies that keep the cache so. */
static bool poison(const struct rs_lab_session *s, const char *self, FILE *log)
{
	char *reply[] = { (char *)self, "send", "arp", "-I", RS_LAB_IF, "-Z", "root", "--op", "reply",
			  "--sender-ip", AS_THIRD4, "--target-mac", AS_SERVER_MAC, "-c", "2", "-i", "0.3",
			  RS_LAB_SERVER4, NULL };
	char *grat[] = { (char *)self, "send", "arp", "-I", RS_LAB_IF, "-Z", "root", "-q",
			 "--gratuitous", "--op", "reply", "-c", "15", "-i",
			 "0.02", AS_THIRD4, NULL };
	fprintf(log, "\nthe client (%s) says %s is at its own MAC, twice, unasked:\n", RS_LAB_CLIENT4,
		AS_THIRD4);
	if (run(s, RS_LAB_CLIENT_NS, reply, NULL) != 0)
		return false;
	fprintf(log, "\nthen 15 gratuitous replies in 0.3 s (what a poisoner sends to keep it):\n");
	return run(s, RS_LAB_CLIENT_NS, grat, NULL) == 0;
}

/* detect's lines (its own file, written by its child) onto log. */
static bool copy_out(const char *path, FILE *log)
{
	char line[512];
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		fputs(line, log);
	fclose(f);
	return true;
}

int rs_lab_arpspoof(const char *self, FILE *log)
{
	static struct rs_lab_session s;
	char err[256];
	int status = 1;
	pid_t det = -1;

	if (!rs_lab_session_begin(&s, "arpspoof", self, &as_stop, on_as_signal, log))
		return 1;
	const char *dout = rs_lab_session_file(&s, "detect.out");
	if (!dout || as_stop)
		goto out;
	if (!third_up(err, sizeof(err))) {
		fprintf(stderr, "rawshake lab arpspoof: %s\n", err);
		goto out;
	}
	fprintf(log, "a third host on the link: %s (%s), a macvlan in %s\n"
		     "the server resolves it with ARP (ping -c 1 %s):\n", AS_THIRD4, AS_THIRD_MAC,
		RS_LAB_CLIENT_NS, AS_THIRD4);
	char *ping[] = { "ping", "-c", "1", "-W", "1", AS_THIRD4, NULL };
	char *dargv[] = { (char *)self, "detect", "-i", RS_LAB_IF, "--no-stats", "arp", NULL };
	det = rs_lab_session_spawn(&s, RS_LAB_SERVER_NS, dargv, dout, "/dev/null", 127);
	rs_lab_pause_ms(500);   /* detect's capture is open */
	if (det < 0 || run(&s, RS_LAB_SERVER_NS, ping, "/dev/null") != 0 || as_stop) {
		fprintf(stderr, "rawshake lab arpspoof: the server did not reach %s\n", AS_THIRD4);
		goto out;
	}
	show_neigh(&s, log, "before");
	rs_lab_pause_ms(1200);
	if (!poison(&s, self, log) || as_stop)
		goto out;
	rs_lab_pause_ms(300);
	show_neigh(&s, log, "after");
	rs_lab_end_child(&det, SIGINT, &as_stop);
	fprintf(log, "\nrawshake detect on the server (-i %s arp):\n", RS_LAB_IF);
	fflush(log);
	status = copy_out(dout, log) ? 0 : 1;
out:
	rs_lab_end_child(&det, SIGINT, &as_stop);
	if (rs_lab_exists())
		third_down();
	rs_lab_session_end(&s, log, "the lab was up before: leaving it up (the third host removed)");
	return status;
}
