/*
 * lab_oldsyn.c: "rawshake lab old-syn": why the handshake has three steps.
 *
 * An old SYN, delayed in the network, arrives after the connection it
 * belonged to is gone.  Here the client sends one by hand (`rawshake send
 * tcp --flags S --seq OLD` from a port no connection of its own uses):
 * the server answers SYN-ACK, and the client's kernel, which never sent
 * that SYN, answers RST (RFC 9293 section 3.5, figure 8), so the server
 * drops the half-open connection and never reaches ESTABLISHED.  A
 * capture on the server side (rawshake sniff -w) is then read and
 * explained: the tracker names the RST "old duplicate rejected".
 */
#define _GNU_SOURCE 1
#include "config.h"
#include "rawshake/lab.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

/* Below the client's ephemeral range (32768-60999 by default): no
 * connection of its own can have this port. */
#define OS_SPORT "30000"
#define OS_ISN "1000000"
#define OS_FILTER "tcp port 80 and port " OS_SPORT

static volatile sig_atomic_t os_stop;

static void on_os_signal(int sig)
{
	os_stop = sig;
}

/* argv in ns, its output into out (NULL: ours); its exit status. */
static int run(const struct rs_lab_session *s, const char *ns, char *const argv[], const char *out)
{
	fflush(NULL);
	pid_t pid = rs_lab_session_spawn(s, ns, argv, out, NULL, 127);
	return pid < 0 ? -1 : rs_lab_wait_child(pid, &os_stop);
}

int rs_lab_old_syn(const char *self, FILE *log)
{
	static struct rs_lab_session s;
	int status = 1;
	pid_t cap = -1;

	if (!rs_lab_session_begin(&s, "old-syn", self, &os_stop, on_os_signal, log))
		return 1;
	const char *pcap = rs_lab_session_file(&s, "server.pcap");
	if (!pcap || os_stop)
		goto out;
	/* -Z root: the file is in our private directory, made by root. */
	char *sniff[] = { (char *)self, "sniff", "-q", "-i", RS_LAB_IF, "-Z", "root", "-w",
			  (char *)pcap, OS_FILTER, NULL };
	char *send[] = { (char *)self, "send", "tcp", RS_LAB_SERVER4, "--dport", "80", "--sport",
			 OS_SPORT, "--flags", "S", "--seq", OS_ISN, "--wait", "0.5", NULL };
	char *show[] = { (char *)self, "read", (char *)pcap, NULL };
	fprintf(log, "capturing on %s %s (%s) while the client sends one SYN with an old\n"
		     "ISN (%s) from port %s, a port none of its connections uses:\n"
		     "  rawshake send tcp %s --dport 80 --sport %s --flags S --seq %s\n"
		     "\nwhat send printed (in %s):\n\n",
		RS_LAB_SERVER_NS, RS_LAB_IF, OS_FILTER, OS_ISN, OS_SPORT, RS_LAB_SERVER4, OS_SPORT,
		OS_ISN, RS_LAB_CLIENT_NS);
	fflush(log);
	/* Its "listening" and statistics lines would interleave with send's. */
	cap = rs_lab_session_spawn(&s, RS_LAB_SERVER_NS, sniff, "/dev/null", "/dev/null", 127);
	rs_lab_pause_ms(500);   /* the capture is open */
	if (cap < 0 || os_stop || run(&s, RS_LAB_CLIENT_NS, send, NULL) != 0 || os_stop)
		goto out;
	rs_lab_pause_ms(300);   /* the client's RST reaches the capture */
	if (rs_lab_end_child(&cap, SIGINT, &os_stop) != 0 || os_stop) {
		if (!os_stop)
			fprintf(stderr, "rawshake lab old-syn: the capture failed\n");
		goto out;
	}
	fprintf(log, "\nwhat the server saw (%s, %s):\n\n", RS_LAB_SERVER_NS, RS_LAB_IF);
	if (run(&s, RS_LAB_SERVER_NS, show, NULL) != 0)
		goto out;
	fprintf(log, "\nThe client's kernel had no connection on port %s, so it answered the\n"
		     "SYN-ACK with RST (seq = the SYN-ACK's ack): the server went back to LISTEN\n"
		     "and never reached ESTABLISHED.  With a two-way handshake the server would\n"
		     "have opened the connection on the SYN alone.\n", OS_SPORT);
	status = 0;
out:
	rs_lab_end_child(&cap, SIGINT, &os_stop);
	rs_lab_session_end(&s, log, "the lab was up before: leaving it up");
	return status;
}
