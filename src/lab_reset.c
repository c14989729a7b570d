/*
 * lab_reset.c: "rawshake lab reset": a third party's RST into a transfer,
 * three ways, next to what the server's kernel counted.
 *
 * Three times the client reads the server's paced chargen (port 19, 3 s)
 * while `rawshake reset`, in the client's namespace, watches the
 * connection and injects an RST toward the server with --seq
 * out-of-window, in-window and exact.  For each: the injected segment and
 * the server's next one as reset saw them, reset's verdict, what the
 * client received, and the server's TCPChallengeACK and
 * TCPACKSkippedChallenge (nstat, before and after).  The client reads
 * with a socket in its namespace (no tool needed); a lab that was up is
 * given back as it was.
 */
#define _GNU_SOURCE 1
#include "config.h"
#include "rawshake/lab.h"
#include "rawshake/toolpath.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define LR_FILTER "tcp port 19"
#define LR_SILENCE_S 1   /* a client that hears nothing this long stops waiting */
#define LR_NSTAT_CHALLENGE "TcpExtTCPChallengeACK"
#define LR_NSTAT_SKIPPED "TcpExtTCPACKSkippedChallenge"

static volatile sig_atomic_t lr_stop;

static void on_lr_signal(int sig)
{
	lr_stop = sig;
}

/* How the client's transfer ended. */
struct lr_client {
	unsigned long long bytes;
	int end;          /* 0 the server's FIN, else the errno of the read that ended it */
	int probe;        /* after a silence: the errno a byte sent then drew (0: none) */
};

/* The server's two counters, from nstat's lines "NAME VALUE RATE". */
struct lr_counters {
	unsigned long long challenge, skipped;
	bool ok;
};

static bool counter_line(const char *line, const char *name, unsigned long long *v)
{
	size_t n = strlen(name);
	return strncmp(line, name, n) == 0 && (line[n] == ' ' || line[n] == '\t') &&
	       sscanf(line + n, "%llu", v) == 1;
}

/* nstat -asz (absolute, zeros too, its history file left alone) in the
 * server's namespace, into path. */
static bool read_counters(const struct rs_lab_session *s, const char *path, struct lr_counters *c)
{
	char tool[256], err[256], line[256];
	memset(c, 0, sizeof(*c));
	if (!rs_toolpath_find("nstat", "iproute2", tool, sizeof(tool), err, sizeof(err))) {
		fprintf(stderr, "rawshake lab reset: %s\n", err);
		return false;
	}
	char *argv[] = { tool, "-asz", LR_NSTAT_CHALLENGE, LR_NSTAT_SKIPPED, NULL };
	fflush(NULL);
	pid_t pid = rs_lab_session_spawn(s, RS_LAB_SERVER_NS, argv, path, NULL, 127);
	if (pid < 0 || rs_lab_wait_child(pid, &lr_stop) != 0)
		return false;
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	unsigned found = 0;
	while (fgets(line, sizeof(line), f))
		found += counter_line(line, LR_NSTAT_CHALLENGE, &c->challenge) +
			 counter_line(line, LR_NSTAT_SKIPPED, &c->skipped);
	fclose(f);
	c->ok = found == 2;
	return c->ok;
}

/* The client, in its namespace: reads the chargen to its end, or until
 * an error or LR_SILENCE_S of nothing; after a silence one byte sent
 * tells whether the server's end still exists.  Its result on fd. */
static void client_transfer(int fd)
{
	struct lr_client r = { 0, 0, 0 };
	char buf[65536], err[256];
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(RS_LAB_CHARGEN_PORT) };
	inet_pton(AF_INET, RS_LAB_SERVER4, &sa.sin_addr);
	if (!rs_lab_enter(RS_LAB_CLIENT_NS, err, sizeof(err)))
		_exit(1);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct timeval tv = { LR_SILENCE_S, 0 };
	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		_exit(1);
	for (;;) {
		ssize_t n = read(s, buf, sizeof(buf));
		if (n > 0) {
			r.bytes += (unsigned long long)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		r.end = n == 0 ? 0 : errno;
		break;
	}
	if (r.end == EAGAIN || r.end == EWOULDBLOCK) {
		/* A live end would take the byte; a gone one answers RST. */
		if (send(s, "?", 1, MSG_NOSIGNAL) == 1) {
			rs_lab_pause_ms(200);
			ssize_t n = read(s, buf, sizeof(buf));
			r.probe = n < 0 && errno != EAGAIN ? errno : 0;
		} else {
			r.probe = errno;
		}
	}
	close(s);
	_exit(write(fd, &r, sizeof(r)) == (ssize_t)sizeof(r) ? 0 : 1);
}

static pid_t start_client(int *rfd)
{
	int fd;
	pid_t pid = rs_lab_fork_pipe(&fd);
	if (pid != 0) {
		*rfd = fd;
		return pid;
	}
	rs_lab_child_signals();
	if (lr_stop)   /* taken by the parent's handler before the line above */
		_exit(1);
	client_transfer(fd);
	_exit(1);
}

/* The packet starting at lines[i]: its header and its note lines (those
 * indented). */
static void print_packet(FILE *log, const char *prefix, char lines[][512], unsigned n, unsigned i)
{
	fprintf(log, "%s%s", prefix, lines[i]);
	for (unsigned j = i + 1; j < n && lines[j][0] == ' '; j++)
		fprintf(log, "%s%s", prefix, lines[j]);
}

/* What reset printed, cut to the injected segment, the server's next
 * segment and reset's verdict line. */
static void show_reset(const char *path, FILE *log)
{
	static char lines[2048][512];
	unsigned n = 0;
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	while (n < 2048 && fgets(lines[n], sizeof(lines[0]), f))
		n++;
	fclose(f);
	unsigned inj = n, next = n;
	for (unsigned i = 0; i < n; i++) {
		if (lines[i][0] == '#' && strstr(lines[i], "[injected]") && inj == n)
			inj = i;
		else if (inj < n && next == n && lines[i][0] == '#' &&
			 strstr(lines[i], " IP " RS_LAB_SERVER4 "."))
			next = i;
	}
	if (inj < n)
		print_packet(log, "  ", lines, n, inj);
	if (next < n)
		print_packet(log, "  ", lines, n, next);
	else if (inj < n)
		fprintf(log, "  (the server sent nothing more)\n");
	for (unsigned i = 0; i < n; i++)
		if (strncmp(lines[i], "reset: ", 7) == 0)
			fprintf(log, "  %s", lines[i]);
}

static void show_client(const struct lr_client *c, FILE *log)
{
	fprintf(log, "  the client received %llu of %u bytes: ", c->bytes, RS_LAB_CHARGEN_BYTES);
	if (c->end == 0)
		fprintf(log, "%s, then the server's FIN\n",
			c->bytes == RS_LAB_CHARGEN_BYTES ? "the whole transfer" : "cut short");
	else if (c->end != EAGAIN && c->end != EWOULDBLOCK)
		fprintf(log, "the read failed: %s\n", strerror(c->end));
	else if (c->probe)
		fprintf(log, "then silence for %d s; a byte it sent then drew: %s\n"
			     "  (the server's end of the connection is gone)\n", LR_SILENCE_S,
			strerror(c->probe));
	else
		fprintf(log, "then silence for %d s\n", LR_SILENCE_S);
}

/* One transfer with one injection; false when it could not run. */
static bool one_kind(const struct rs_lab_session *s, const char *self, const char *kind,
		     const char *rout, const char *nout, FILE *log)
{
	struct lr_counters before, after;
	struct lr_client c;
	int rfd = -1;
	char *rargv[] = { (char *)self, "reset", "-i", RS_LAB_IF, "--seq", (char *)kind, "--to",
			  "server", LR_FILTER, NULL };

	fprintf(log, "\n== rawshake reset -i %s --seq %s --to server '%s' (in %s) ==\n", RS_LAB_IF,
		kind, LR_FILTER, RS_LAB_CLIENT_NS);
	if (!read_counters(s, nout, &before))
		return false;
	fflush(NULL);
	pid_t rst = rs_lab_session_spawn(s, RS_LAB_CLIENT_NS, rargv, rout, NULL, 127);
	rs_lab_pause_ms(400);   /* reset's capture is open before the handshake */
	pid_t cli = rst < 0 || lr_stop ? -1 : start_client(&rfd);
	bool got = false;
	/* Waited for first (that wait passes a signal on), then its result
	 * read: it is in the pipe by then. */
	if (cli > 0 && rs_lab_wait_child(cli, &lr_stop) == 0)
		got = read(rfd, &c, sizeof(c)) == (ssize_t)sizeof(c);
	if (rfd >= 0)
		close(rfd);
	int rst_status = rst > 0 ? rs_lab_wait_child(rst, &lr_stop) : -1;
	if (lr_stop || !got || rst_status != 0 || !read_counters(s, nout, &after)) {
		if (!lr_stop)
			fprintf(stderr, "rawshake lab reset: --seq %s: %s\n", kind,
				!got ? "the client's transfer did not run" :
				rst_status != 0 ? "rawshake reset failed" : "nstat failed");
		return false;
	}
	show_reset(rout, log);
	show_client(&c, log);
	fprintf(log, "  the server's kernel (nstat): TCPChallengeACK +%llu, TCPACKSkippedChallenge +%llu\n",
		after.challenge - before.challenge, after.skipped - before.skipped);
	return true;
}

int rs_lab_reset(const char *self, FILE *log)
{
	static struct rs_lab_session s;
	static const char *const kinds[] = { "out-of-window", "in-window", "exact" };
	int status = 1;

	if (!rs_lab_session_begin(&s, "reset", self, &lr_stop, on_lr_signal, log))
		return 1;
	const char *rout = rs_lab_session_file(&s, "reset.out");
	const char *nout = rs_lab_session_file(&s, "nstat.out");
	if (!rout || !nout || lr_stop)
		goto out;
	fprintf(log, "three transfers from the server's chargen (%s port %d: %u bytes in 3 s)\n"
		     "to the client; into each, rawshake reset on the client host injects an RST\n"
		     "toward the server with the client's addresses:\n", RS_LAB_SERVER4,
		RS_LAB_CHARGEN_PORT, RS_LAB_CHARGEN_BYTES);
	unsigned done = 0;
	for (unsigned i = 0; i < 3 && !lr_stop; i++)
		done += one_kind(&s, self, kinds[i], rout, nout, log);
	if (done == 3) {
		fprintf(log, "\nOnly the exact RST (seq = the server's rcv_nxt) closed the connection;\n"
			     "one in the window drew a challenge ACK (RFC 5961 section 3.2), one outside\n"
			     "it was dropped: a blind attacker must guess the one right number.\n");
		status = 0;
	}
	fflush(log);
out:
	rs_lab_session_end(&s, log, "the lab was up before: leaving it up");
	return status;
}
