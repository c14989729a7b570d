/* lab_synflood.c: "rawshake lab synflood": flood the lab server while a legitimate client connects; our view next to the kernel's. */
#define _GNU_SOURCE 1
#include "config.h"
#include "rawshake/clock.h"
#include "rawshake/flood.h"
#include "rawshake/lab.h"
#include "rawshake/signals.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SF_CIDR "198.51.100.0/24"
#define SF_CLIENT_EVERY_MS 100     /* the legitimate client's pace */
#define SF_CONNECT_TIMEOUT_MS 2500 /* long enough to see a SYN retransmitted after 1 s */
#define SF_CLIENT_MAX 4096         /* connection attempts remembered */

static volatile sig_atomic_t sf_stop;

static void on_sf_signal(int sig)
{
	sf_stop = sig;
}

/* Waits for pid, passing a caught signal on as SIGTERM. */
static int wait_child(pid_t pid)
{
	return rs_lab_wait_child(pid, &sf_stop);
}

/* Runs ip with argv quietly (rs_lab_run_tool: /usr/sbin/ip or the like,
 * never one found through PATH); its exit status.  A signal does not stop
 * it: ip makes or undoes one change, and is quick. */
static int ip_quiet(char *const argv[])
{
	char err[256];
	return rs_lab_run_tool(NULL, argv, err, sizeof(err));
}

/* ---- The kernel's view, read from inside the server's namespace. ---- */

struct kview {
	char syncookies[24], max_syn_backlog[24], somaxconn[24], synack_retries[24];
	struct rs_kcounters k;
	bool ok;
};

static void slurp_to(int out, const char *path, const char *prefix)
{
	char buf[8192];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (prefix && write(out, prefix, strlen(prefix)) < 0) {
		close(fd);
		return;
	}
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			break;
	close(fd);
}

static void sysctl_word(const char *text, const char *name, char *out, size_t outlen)
{
	const char *p = strstr(text, name);
	snprintf(out, outlen, "?");
	if (!p)
		return;
	p += strlen(name);
	size_t n = strcspn(p, "\n");
	while (n > 0 && (*p == ' ' || *p == '\t')) {
		p++;
		n--;
	}
	snprintf(out, outlen, "%.*s", (int)(n < outlen - 1 ? n : outlen - 1), p);
}

/* /proc/net/ shows the reader's namespace: a child enters the server's
 * and copies the files (and the sysctls) into a pipe. */
static bool read_kernel(struct kview *kv)
{
	static char buf[65536];
	int fd;
	memset(kv, 0, sizeof(*kv));
	pid_t pid = rs_lab_fork_pipe(&fd);
	if (pid < 0)
		return false;
	if (pid == 0) {
		char err[256];
		if (!rs_lab_enter(RS_LAB_SERVER_NS, err, sizeof(err)))
			_exit(1);
		slurp_to(fd, "/proc/sys/net/ipv4/tcp_syncookies", "\n=syncookies ");
		slurp_to(fd, "/proc/sys/net/ipv4/tcp_max_syn_backlog", "\n=max_syn_backlog ");
		slurp_to(fd, "/proc/sys/net/core/somaxconn", "\n=somaxconn ");
		slurp_to(fd, "/proc/sys/net/ipv4/tcp_synack_retries", "\n=synack_retries ");
		slurp_to(fd, "/proc/net/netstat", "\n");
		slurp_to(fd, "/proc/net/snmp", NULL);
		_exit(0);
	}
	size_t n = 0;
	ssize_t r;
	while ((r = read(fd, buf + n, sizeof(buf) - 1 - n)) > 0 || (r < 0 && errno == EINTR))
		if (r > 0)
			n += (size_t)r;
	buf[n] = '\0';
	close(fd);
	int st = wait_child(pid);
	sysctl_word(buf, "\n=syncookies ", kv->syncookies, sizeof(kv->syncookies));
	sysctl_word(buf, "\n=max_syn_backlog ", kv->max_syn_backlog, sizeof(kv->max_syn_backlog));
	sysctl_word(buf, "\n=somaxconn ", kv->somaxconn, sizeof(kv->somaxconn));
	sysctl_word(buf, "\n=synack_retries ", kv->synack_retries, sizeof(kv->synack_retries));
	kv->ok = st == 0 && rs_kcounters_parse(buf, &kv->k);
	return kv->ok;
}

/* ---- The legitimate client: connect(), time it, close, ten times a second. ---- */

struct attempt {
	int64_t t;          /* monotonic start */
	int64_t lat;        /* connect time, ns */
	int ok;             /* 1 connected, 0 failed or timed out */
};

static volatile sig_atomic_t client_stop;
static void on_client_signal(int sig)
{
	(void)sig;
	client_stop = 1;
}

static void one_connect(int out)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(RS_LAB_HTTP_PORT) };
	struct attempt a = { .t = rs_clock_mono_ns() };
	inet_pton(AF_INET, RS_LAB_SERVER4, &sa.sin_addr);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s < 0)
		return;
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		a.ok = 1;
	} else if (errno == EINPROGRESS) {
		struct pollfd pfd = { s, POLLOUT, 0 };
		int64_t until = a.t + (int64_t)SF_CONNECT_TIMEOUT_MS * 1000000;
		for (;;) {
			int64_t left = until - rs_clock_mono_ns();
			if (left <= 0 || client_stop)
				break;
			int rc = poll(&pfd, 1, (int)(left / 1000000) + 1);
			if (rc > 0) {
				int e = 0;
				socklen_t el = sizeof(e);
				a.ok = getsockopt(s, SOL_SOCKET, SO_ERROR, &e, &el) == 0 && e == 0;
				break;
			}
		}
	}
	a.lat = rs_clock_mono_ns() - a.t;
	close(s);
	if (client_stop && !a.ok)
		return;   /* cut short by the end, not a failure */
	if (write(out, &a, sizeof(a)) != (ssize_t)sizeof(a))
		client_stop = 1;
}

static pid_t start_client(int *rfd)
{
	int fd;
	pid_t pid = rs_lab_fork_pipe(&fd);
	if (pid != 0) {
		*rfd = fd;
		return pid;
	}
	char err[256];
	rs_signals_catch(on_client_signal, true);
	if (sf_stop)   /* taken by the parent's handler before the line above */
		_exit(0);
	if (!rs_lab_enter(RS_LAB_CLIENT_NS, err, sizeof(err)))
		_exit(1);
	int64_t next = rs_clock_mono_ns();
	for (int i = 0; i < SF_CLIENT_MAX && !client_stop; i++) {
		one_connect(fd);
		next += (int64_t)SF_CLIENT_EVERY_MS * 1000000;
		int64_t left = next - rs_clock_mono_ns();
		if (left > 0)
			rs_lab_pause_ms((long)(left / 1000000));
	}
	_exit(0);
}

/* ---- The detector and the flood, as this program's own commands. ---- */

/* Reads a small file (NUL-terminated, cut at cap - 1 bytes). */
static size_t read_file(const char *path, char *buf, size_t cap)
{
	size_t n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	buf[0] = '\0';
	if (fd < 0)
		return 0;
	ssize_t r;
	while (n + 1 < cap && (r = read(fd, buf + n, cap - 1 - n)) > 0)
		n += (size_t)r;
	buf[n] = '\0';
	close(fd);
	return n;
}

static bool wait_for_text(const char *path, const char *text, int ms)
{
	char buf[4096];
	for (int i = 0; i < ms / 50 && !sf_stop; i++) {
		read_file(path, buf, sizeof(buf));
		if (strstr(buf, text))
			return true;
		rs_lab_pause_ms(50);
	}
	return false;
}

/* A number after "key": in a JSON object, 0 if absent. */
static double json_num(const char *s, const char *key)
{
	char k[64];
	snprintf(k, sizeof(k), "\"%s\":", key);
	const char *p = strstr(s, k);
	return p ? strtod(p + strlen(k), NULL) : 0;
}

/* ---- The report. ---- */

struct phase_stats {
	unsigned n, ok;
	int64_t lat_sum, lat_max;
	int64_t lats[SF_CLIENT_MAX];
};

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

static void phase_line(char *buf, size_t len, const char *name, struct phase_stats *p)
{
	if (p->n == 0) {
		snprintf(buf, len, "%-6s no connects", name);
		return;
	}
	unsigned okn = p->ok;
	qsort(p->lats, okn, sizeof(p->lats[0]), cmp_i64);
	if (okn == 0) {
		snprintf(buf, len, "%-6s 0/%u ok", name, p->n);
		return;
	}
	snprintf(buf, len, "%-6s %u/%u ok, median %.2f ms, max %.1f ms", name, okn, p->n,
		 (double)p->lats[okn / 2] / 1e6, (double)p->lats[okn - 1] / 1e6);
}

struct col {
	char line[24][96];
	unsigned n;
};

static void col_add(struct col *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void col_add(struct col *c, const char *fmt, ...)
{
	va_list ap;
	if (c->n >= sizeof(c->line) / sizeof(c->line[0]))
		return;
	va_start(ap, fmt);
	vsnprintf(c->line[c->n++], sizeof(c->line[0]), fmt, ap);
	va_end(ap);
}

static void report(FILE *log, const struct kview *before, const struct kview *after, const char *flood_out,
		   const char *detect_out, const char *detect_err, int detect_rc, struct phase_stats ph[3],
		   int64_t flood_t0)
{
	static struct col ours, kern;
	memset(&ours, 0, sizeof(ours));
	memset(&kern, 0, sizeof(kern));

	fprintf(log, "\n== what rawshake detect printed (in %s, on %s) ==\n", RS_LAB_SERVER_NS, RS_LAB_IF);
	fputs(detect_out[0] ? detect_out : "(nothing)\n", log);
	fputs(detect_err, log);

	col_add(&ours, "flood: %.0f SYNs sent, %.0f/s", json_num(flood_out, "sent"),
		json_num(flood_out, "pps"));
	col_add(&ours, "  from %s, random ports", SF_CIDR);
	unsigned starts = 0, updates = 0, ends = 0;
	for (const char *p = detect_out; (p = strstr(p, " ALERT ")) != NULL; p++) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (memmem(p, n, " start", 6))
			starts++;
		else if (memmem(p, n, " end", 4))
			ends++;
		else
			updates++;
	}
	col_add(&ours, "detect: %s (exit %d)", detect_rc == 3 ? "alert raised" : detect_rc == 0 ?
		"no alert" : "did not run to the end", detect_rc);
	col_add(&ours, "  %u start, %u update, %u end line%s", starts, updates, ends,
		starts + updates + ends == 1 ? "" : "s");
	const char *stats = strstr(detect_out, "\ndetect: ");
	unsigned long long syns, done;
	/* "N SYNs, M handshakes completed", the words singular for 1. */
	const char *syn_at = stats ? strstr(stats, " TCP), ") : NULL;
	const char *hs = syn_at ? strchr(syn_at + 7, ',') : NULL;
	if (hs && sscanf(syn_at + 7, "%llu SYN", &syns) == 1 &&
	    sscanf(hs, ", %llu handshake", &done) == 1)
		col_add(&ours, "  saw %llu SYN%s, %llu handshake%s completed", syns,
			syns == 1 ? "" : "s", done, done == 1 ? "" : "s");
	col_add(&ours, "legitimate client, %s -> %s:%d:", RS_LAB_CLIENT4, RS_LAB_SERVER4, RS_LAB_HTTP_PORT);
	static const char *const names[3] = { "before", "during", "after" };
	for (int i = 0; i < 3; i++) {
		char b[96];
		phase_line(b, sizeof(b), names[i], &ph[i]);
		col_add(&ours, "  %s", b);
	}
	(void)flood_t0;

	if (!before->ok || !after->ok) {
		col_add(&kern, "(the counters could not be read)");
	} else {
		for (unsigned i = 0; i < RS_KCTR_N; i++) {
			if (!after->k.have[i])
				continue;
			col_add(&kern, "%-28s %+lld", rs_kctr_str((enum rs_kctr)i),
				(long long)(after->k.v[i] - before->k.v[i]));
		}
	}

	fprintf(log, "\n== rawshake's view and the kernel's (%s) ==\n", RS_LAB_SERVER_NS);
	fprintf(log, "%-50s | %s\n", "rawshake", "kernel counters, after - before");
	fprintf(log, "%.50s-+-%.38s\n", "----------------------------------------------------------",
		"----------------------------------------------------------");
	unsigned rows = ours.n > kern.n ? ours.n : kern.n;
	for (unsigned i = 0; i < rows; i++)
		fprintf(log, "%-50s | %s\n", i < ours.n ? ours.line[i] : "", i < kern.n ? kern.line[i] : "");
	if (after->ok) {
		uint64_t cookies = after->k.v[RS_KCTR_SYNCOOKIES_SENT] - before->k.v[RS_KCTR_SYNCOOKIES_SENT];
		uint64_t drops = after->k.v[RS_KCTR_REQQ_FULL_DROP] - before->k.v[RS_KCTR_REQQ_FULL_DROP];
		fprintf(log, "\n");
		if (cookies)
			fprintf(log, "The SYN queue filled up and the kernel answered with SYN cookies (%llu sent):\n"
				     "it keeps no state for those SYNs, so the legitimate client still gets in.\n",
				(unsigned long long)cookies);
		if (drops)
			fprintf(log, "%llu SYNs were dropped because the SYN queue was full and cookies were off.\n",
				(unsigned long long)drops);
		if (!cookies && !drops)
			fprintf(log, "The SYN queue never filled: no cookies, no drops.\n");
	}
}

static void tally(int fd, int64_t t0, int64_t t1, struct phase_stats ph[3])
{
	struct attempt a;
	memset(ph, 0, 3 * sizeof(ph[0]));
	while (read(fd, &a, sizeof(a)) == (ssize_t)sizeof(a)) {
		int i = a.t < t0 ? 0 : a.t < t1 ? 1 : 2;
		struct phase_stats *p = &ph[i];
		p->n++;
		if (a.ok && p->ok < SF_CLIENT_MAX)
			p->lats[p->ok++] = a.lat;
	}
}

/* One run: the lab, its children and what they reported. */
struct sf_run {
	struct rs_lab_session s;
	const char *self;
	const char *p_out, *p_err, *p_flood;   /* detect's output and errors, flood's JSON */
	pid_t detect, client, flood;
	int client_fd, detect_rc;
	bool route_tried, route_added;
	struct kview before, after;
	int64_t t0, t1;                        /* the flood's start and end */
	struct phase_stats ph[3];
	char flood_out[4096], detect_out[65536], detect_err[4096];
};

/* The route for the spoofed sources and the kernel's settings and
 * counters before the flood, said in the log. */
static bool sf_prepare(struct sf_run *r, FILE *log)
{
	/* SYN-ACKs to the spoofed sources go back to the client, whose kernel
	 * drops them (backscatter, as on the Internet; nothing leaves the lab). */
	r->route_tried = true;
	r->route_added = ip_quiet((char *const[]){ "ip", "-n", RS_LAB_SERVER_NS, "route", "add", SF_CIDR,
						   "via", RS_LAB_CLIENT4, "dev", RS_LAB_IF, NULL }) == 0;
	if (sf_stop || !read_kernel(&r->before)) {
		if (!sf_stop)
			fprintf(stderr, "rawshake lab synflood: cannot read the server's TCP counters\n");
		return false;
	}
	fprintf(log, "\nserver %s: net.ipv4.tcp_syncookies=%s  net.ipv4.tcp_max_syn_backlog=%s\n"
		     "  net.core.somaxconn=%s  net.ipv4.tcp_synack_retries=%s\n",
		RS_LAB_SERVER_NS, r->before.syncookies, r->before.max_syn_backlog, r->before.somaxconn,
		r->before.synack_retries);
	fprintf(log, "  (syncookies 1: cookies once a listener's SYN queue is full; the queue holds\n"
		     "  the listen() backlog, capped by somaxconn, and tcp_max_syn_backlog)\n");
	if (r->route_added)
		fprintf(log, "route %s via %s added in %s: SYN-ACKs to the spoofed sources go\n"
			     "  back to the client, which drops them (backscatter)\n",
			SF_CIDR, RS_LAB_CLIENT4, RS_LAB_SERVER_NS);
	return true;
}

/* Our detector on the server's interface, running before the first SYN. */
static bool sf_start_detect(struct sf_run *r, FILE *log)
{
	/* -tt: seconds since 1970, which the report and tests/integration/flood.sh reckon with. */
	char *dargv[] = { (char *)r->self, "detect", "-i", RS_LAB_IF, "--format", "text", "-tt", NULL };
	fflush(log);
	r->detect = rs_lab_session_spawn(&r->s, RS_LAB_SERVER_NS, dargv, r->p_out, r->p_err, 127);
	if (r->detect < 0 || !wait_for_text(r->p_err, "listening", 5000)) {
		if (!sf_stop)
			fprintf(stderr, "rawshake lab synflood: rawshake detect did not start\n");
		return false;
	}
	return true;
}

/* The legitimate client, a second of normal service, the flood, and one
 * more second of the client. */
static bool sf_flood(struct sf_run *r, double rate, uint64_t duration_ns, FILE *log)
{
	char rate_s[32], dur_s[32];

	r->client = start_client(&r->client_fd);
	if (r->client < 0) {
		fprintf(stderr, "rawshake lab synflood: fork: %s\n", strerror(errno));
		return false;
	}
	snprintf(rate_s, sizeof(rate_s), "%.0f", rate);
	snprintf(dur_s, sizeof(dur_s), "%.3f", (double)duration_ns / 1e9);
	fprintf(log, "legitimate client in %s: connect() to %s:%d every %d ms\n", RS_LAB_CLIENT_NS,
		RS_LAB_SERVER4, RS_LAB_HTTP_PORT, SF_CLIENT_EVERY_MS);
	fprintf(log, "flood from %s in 1 s: rawshake flood %s %d --rand-source %s --rand-sport "
		     "--rate %s --duration %s\n", RS_LAB_CLIENT_NS, RS_LAB_SERVER4, RS_LAB_HTTP_PORT,
		SF_CIDR, rate_s, dur_s);
	fflush(log);
	rs_lab_pause_ms(1000);
	if (sf_stop)
		return false;
	char *fargv[] = { (char *)r->self, "flood", RS_LAB_SERVER4, "80", "--rand-source", SF_CIDR,
			  "--rand-sport", "--rate", rate_s, "--duration", dur_s, "--format", "json", NULL };
	r->t0 = rs_clock_mono_ns();
	r->flood = rs_lab_session_spawn(&r->s, RS_LAB_CLIENT_NS, fargv, r->p_flood, NULL, 127);
	int frc = r->flood > 0 ? wait_child(r->flood) : -1;
	r->flood = -1;
	r->t1 = rs_clock_mono_ns();
	if (sf_stop)
		return false;
	if (frc != 0) {
		fprintf(stderr, "rawshake lab synflood: the flood failed (status %d)\n", frc);
		return false;
	}
	read_file(r->p_flood, r->flood_out, sizeof(r->flood_out));
	fprintf(log, "flood done: %.0f SYNs in %.2f s; one more second of the client\n",
		json_num(r->flood_out, "sent"), json_num(r->flood_out, "elapsed_s"));
	fflush(log);
	rs_lab_pause_ms(1000);
	return !sf_stop;
}

/* The client's attempts, the counters after, detect's lines: the report. */
static void sf_collect(struct sf_run *r, FILE *log)
{
	rs_lab_end_child(&r->client, SIGTERM, &sf_stop);
	tally(r->client_fd, r->t0, r->t1, r->ph);
	if (!read_kernel(&r->after))
		fprintf(stderr, "rawshake lab synflood: cannot read the server's TCP counters\n");
	r->detect_rc = rs_lab_end_child(&r->detect, SIGINT, &sf_stop);
	read_file(r->p_out, r->detect_out, sizeof(r->detect_out));
	read_file(r->p_err, r->detect_err, sizeof(r->detect_err));
	report(log, &r->before, &r->after, r->flood_out, r->detect_out, r->detect_err, r->detect_rc,
	       r->ph, r->t0);
}

/* Everything the run made goes, whatever step it stopped at. */
static void sf_end(struct sf_run *r, FILE *log)
{
	fflush(log);
	rs_lab_end_child(&r->flood, SIGTERM, &sf_stop);
	rs_lab_end_child(&r->client, SIGTERM, &sf_stop);
	rs_lab_end_child(&r->detect, SIGTERM, &sf_stop);
	if (r->client_fd >= 0)
		close(r->client_fd);
	/* Even when its "add" did not say so: a signal may have come between
	 * the change and ip's exit. */
	if (r->s.was_up && r->route_tried)
		ip_quiet((char *const[]){ "ip", "-n", RS_LAB_SERVER_NS, "route", "del", SF_CIDR,
					  "via", RS_LAB_CLIENT4, NULL });
	rs_lab_session_end(&r->s, log, r->route_added ?
			   "the lab was up before: leaving it up (the route for the spoofed sources is removed)" :
			   "the lab was up before: leaving it up");
}

int rs_lab_synflood(const char *self, double rate, uint64_t duration_ns, FILE *log)
{
	static struct sf_run r;
	int status = 1;

	memset(&r, 0, sizeof(r));
	r.self = self;
	r.detect = r.client = r.flood = -1;
	r.client_fd = r.detect_rc = -1;
	if (!rs_lab_session_begin(&r.s, "synflood", self, &sf_stop, on_sf_signal, log))
		return 1;
	r.p_out = rs_lab_session_file(&r.s, "detect.out");
	r.p_err = rs_lab_session_file(&r.s, "detect.err");
	r.p_flood = rs_lab_session_file(&r.s, "flood.json");
	if (r.p_out && sf_prepare(&r, log) && sf_start_detect(&r, log) &&
	    sf_flood(&r, rate, duration_ns, log)) {
		sf_collect(&r, log);
		status = 0;
	}
	sf_end(&r, log);
	return sf_stop ? 1 : status;
}
