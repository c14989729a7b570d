/* connect_rstguard.c: an nftables table that drops the kernel's RSTs on one hand-made connection. */
#define _GNU_SOURCE 1
#include "config.h"
#include "rawshake/connect_rstguard.h"
#include "rawshake/procid.h"
#include "rawshake/signals.h"
#include "rawshake/toolpath.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t caught;
static struct rs_connect_rstguard *at_exit_guard;

static void on_signal(int sig)
{
	caught = sig;
}

int rs_connect_rstguard_signalled(void)
{
	return caught;
}

static void remove_at_exit(void)
{
	char err[256];
	/* A forked worker inherits this handler: only the owner removes. */
	if (at_exit_guard && at_exit_guard->active && at_exit_guard->owner == getpid())
		rs_connect_rstguard_remove(at_exit_guard, err, sizeof(err));
}

static void catch_signals(void)
{
	rs_signals_catch(on_signal, true);
}

/*
 * Started as a non-root user with file capabilities, nft would lose them
 * across exec: pass CAP_NET_ADMIN on as an ambient capability.
 */
static void keep_net_admin_across_exec(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	if (geteuid() == 0)
		return;
	if (syscall(SYS_capget, &hdr, data) < 0)
		return;
	data[0].inheritable |= data[0].permitted & (1u << CAP_NET_ADMIN);
	if (syscall(SYS_capset, &hdr, data) < 0)
		return;
	(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_ADMIN, 0, 0);
}

/*
 * Runs nft with args, writing `input` (may be NULL) to its standard
 * input; its output (both streams) goes into out.  Returns its exit
 * status, -1 when it could not run.
 */
static int run_nft(char *const args[], const char *input, char *out, size_t outlen)
{
	int in[2] = { -1, -1 }, res[2];
	char nft[64];

	if (outlen)
		out[0] = '\0';
	if (!rs_toolpath_find("nft", "nftables", nft, sizeof(nft), out, outlen))
		return -1;
	if (pipe2(res, O_CLOEXEC) < 0)
		return -1;
	if (input && pipe2(in, O_CLOEXEC) < 0) {
		close(res[0]);
		close(res[1]);
		return -1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		close(res[0]);
		close(res[1]);
		if (input) {
			close(in[0]);
			close(in[1]);
		}
		return -1;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);
		dup2(input ? in[0] : devnull, 0);
		dup2(res[1], 1);
		dup2(res[1], 2);
		/* Our handlers must not outlive exec as ignored signals. */
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		keep_net_admin_across_exec();
		execve(nft, args, rs_toolpath_env);
		dprintf(2, "%s: %s", nft, strerror(errno));
		_exit(127);
	}
	close(res[1]);
	if (input) {
		close(in[0]);
		size_t n = strlen(input), done = 0;
		while (done < n) {
			ssize_t w = write(in[1], input + done, n - done);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				break;
			done += (size_t)w;
		}
		close(in[1]);
	}
	size_t n = 0;
	for (;;) {
		char buf[512];
		ssize_t r = read(res[0], buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		for (ssize_t i = 0; i < r && n + 1 < outlen; i++)
			out[n++] = buf[i];
	}
	if (outlen)
		out[n] = '\0';
	close(res[0]);
	int st;
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR)
			return -1;
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The first line of nft's complaint, for a one-line message. */
static const char *first_line(char *s)
{
	char *nl = strchr(s, '\n');
	if (nl)
		*nl = '\0';
	return s;
}

bool rs_connect_rstguard_available(char *err, size_t errlen)
{
	char nft[64], why[192];
	if (rs_toolpath_find("nft", "nftables", nft, sizeof(nft), why, sizeof(why)))
		return true;
	snprintf(err, errlen, "%s; the RST guard needs it, or use --no-rst-guard and see the "
			      "kernel reset the connection", why);
	return false;
}

/* The table's comment: who owns it, so that a later run tells a process
 * that still runs from a new one that got its pid. */
#define OWNER_COMMENT "rawshake connect: owner started at tick "

bool rs_connect_rstguard_install(struct rs_connect_rstguard *g, uint8_t v, const uint8_t *src, uint16_t sport,
			 const uint8_t *dst, uint16_t dport, char *err, size_t errlen)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN], rules[1024], comment[96] = "", out[1024];
	char dmatch[32] = "";
	int af = v == 4 ? AF_INET : AF_INET6;
	const char *ipk = v == 4 ? "ip" : "ip6";
	unsigned long long start;

	memset(g, 0, sizeof(*g));
	g->owner = getpid();
	snprintf(g->table, sizeof(g->table), RS_CONNECT_RSTGUARD_PREFIX "%ld", (long)g->owner);
	if (rs_proc_starttime(g->owner, &start))
		snprintf(comment, sizeof(comment), "\tcomment \"" OWNER_COMMENT "%llu\";\n", start);
	inet_ntop(af, src, s, sizeof(s));
	inet_ntop(af, dst, d, sizeof(d));
	/* dport 0: every port of the peer (a scan from one source port). */
	if (dport)
		snprintf(dmatch, sizeof(dmatch), "tcp dport %u ", dport);
	catch_signals();
	if (!at_exit_guard)
		atexit(remove_at_exit);
	at_exit_guard = g;
	char *const args[] = { "nft", "-f", "-", NULL };
	int rc = -1;
	/* Table comments need nft 0.9.7 and Linux 5.10: without, once more
	 * without one (the table's pid alone names the owner then). */
	for (int with_comment = comment[0] != '\0'; with_comment >= 0; with_comment--) {
		snprintf(rules, sizeof(rules),
			 "table inet %s {\n"
			 "%s"
			 "\tchain output {\n"
			 "\t\ttype filter hook output priority 0; policy accept;\n"
			 "\t\t%s saddr %s %s daddr %s tcp sport %u %s"
			 "tcp flags & rst == rst meta mark != 0x%08x counter drop\n"
			 "\t}\n"
			 "}\n",
			 g->table, with_comment ? comment : "", ipk, s, ipk, d, sport, dmatch,
			 RS_CONNECT_RSTGUARD_MARK);
		rc = run_nft(args, rules, out, sizeof(out));
		if (rc == 0)
			break;
	}
	if (rc != 0) {
		snprintf(err, errlen, "cannot install the RST guard (nft: %s)",
			 rc < 0 && !out[0] ? "did not run" : first_line(out));
		/* A failed transaction leaves nothing, but make sure. */
		g->active = true;
		char e2[64];
		rs_connect_rstguard_remove(g, e2, sizeof(e2));
		return false;
	}
	g->active = true;
	return true;
}

bool rs_connect_rstguard_tie_worker(pid_t supervisor)
{
	/* Set, then look: a supervisor that ended before the setting took
	 * effect sends nothing, and the worker has init (or a subreaper) as
	 * its parent already. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		return false;
	return getppid() == supervisor;
}

long long rs_connect_rstguard_dropped(const struct rs_connect_rstguard *g)
{
	char out[4096];

	if (!g->active)
		return -1;
	char *const args[] = { "nft", "list", "table", "inet", (char *)g->table, NULL };
	if (run_nft(args, NULL, out, sizeof(out)) != 0)
		return -1;
	const char *p = strstr(out, "counter packets ");
	if (!p)
		return -1;
	return strtoll(p + strlen("counter packets "), NULL, 10);
}

bool rs_connect_rstguard_remove(struct rs_connect_rstguard *g, char *err, size_t errlen)
{
	char out[512];

	if (!g->active)
		return true;
	char *const args[] = { "nft", "delete", "table", "inet", g->table, NULL };
	int rc = run_nft(args, NULL, out, sizeof(out));
	if (rc != 0 && !strstr(out, "No such file")) {
		snprintf(err, errlen, "cannot remove nft table inet %s (nft: %s); remove it with "
				      "'nft delete table inet %s'",
			 g->table, rc < 0 && !out[0] ? "did not run" : first_line(out), g->table);
		return false;
	}
	g->active = false;
	return true;
}

int rs_connect_rstguard_supervise(struct rs_connect_rstguard *g, pid_t child)
{
	int st = 0;
	int forwarded = 0;
	char err[512];

	for (;;) {
		/* A signal (perhaps caught before the fork): pass it on once;
		 * the worker stops and reports. */
		if (caught && caught != forwarded) {
			forwarded = caught;
			kill(child, caught);
		}
		/* Not a blocking wait: a signal caught between the test above
		 * and the wait would not interrupt it, and the worker would run
		 * to its own end before being told to stop. */
		pid_t r = waitpid(child, &st, WNOHANG);
		if (r == child)
			break;
		if (r < 0 && errno != EINTR) {
			st = 1 << 8;
			break;
		}
		struct timespec ts = { 0, 20 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	long long n = rs_connect_rstguard_dropped(g);
	if (n > 0)
		fprintf(stderr, "rawshake connect: the RST guard dropped %lld RST%s from the local "
				"kernel\n", n, n == 1 ? "" : "s");
	if (!rs_connect_rstguard_remove(g, err, sizeof(err)))
		fprintf(stderr, "rawshake connect: %s\n", err);
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return 128 + WTERMSIG(st);
}

/*
 * Whether the owner of table rawshake_PID has ended: no process PID, or a
 * process PID that started at another time than the table's comment says
 * (the pid was given to a new process).  When that cannot be known (a
 * table without the comment, /proc hidden from us) a live pid keeps it:
 * better a stale table than a live connection reset.  Fills why.
 */
static bool owner_gone(long pid, const char *table, char *why, size_t whylen)
{
	static char out[4096];
	if (kill((pid_t)pid, 0) < 0 && errno == ESRCH) {
		snprintf(why, whylen, "process %ld is gone", pid);
		return true;
	}
	char *const args[] = { "nft", "list", "table", "inet", (char *)table, NULL };
	if (run_nft(args, NULL, out, sizeof(out)) != 0)
		return false;
	const char *c = strstr(out, OWNER_COMMENT);
	unsigned long long was, now;
	if (!c || sscanf(c + strlen(OWNER_COMMENT), "%llu", &was) != 1 ||
	    !rs_proc_starttime((pid_t)pid, &now) || now == was)
		return false;
	snprintf(why, whylen, "process %ld is another one now: it started at tick %llu, the "
		 "guard's owner at %llu", pid, now, was);
	return true;
}

int rs_connect_rstguard_cleanup_stale(FILE *log)
{
	static char out[65536];
	char *const args[] = { "nft", "list", "tables", "inet", NULL };
	int removed = 0;

	if (run_nft(args, NULL, out, sizeof(out)) != 0)
		return -1;
	for (char *save = NULL, *line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		const char *p = strstr(line, "table inet " RS_CONNECT_RSTGUARD_PREFIX);
		if (!p)
			continue;
		p += strlen("table inet " RS_CONNECT_RSTGUARD_PREFIX);
		char *end;
		long pid = strtol(p, &end, 10);
		if (end == p || (*end && *end != ' ') || pid <= 0)
			continue;
		struct rs_connect_rstguard g = { .active = true, .owner = (pid_t)pid };
		snprintf(g.table, sizeof(g.table), RS_CONNECT_RSTGUARD_PREFIX "%ld", pid);
		char why[160];
		if (!owner_gone(pid, g.table, why, sizeof(why)))
			continue;   /* its owner still runs */
		char err[512];
		if (rs_connect_rstguard_remove(&g, err, sizeof(err))) {
			removed++;
			if (log)
				fprintf(log, "rawshake connect: removed the stale RST guard inet %s "
					     "(%s)\n", g.table, why);
		} else if (log) {
			fprintf(log, "rawshake connect: %s\n", err);
		}
	}
	return removed;
}
