/* lab_demo.c: "rawshake lab demo": a hand-made connection across the lab, seen from the server. */
#define _GNU_SOURCE 1
#include "config.h"
#include "rawshake/lab.h"
#include "rawshake/live.h"
#include "rawshake/out.h"
#include "rawshake/outfile.h"
#include "rawshake/print_html.h"
#include "rawshake/privdrop.h"
#include "rawshake/signals.h"
#include "rawshake/view.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DEMO_REQUEST "GET / HTTP/1.0\\r\\nHost: " RS_LAB_SERVER4 "\\r\\n\\r\\n"
#define DEMO_FILTER "tcp port 80"

static volatile sig_atomic_t demo_stop;
static struct rs_live demo_live;

static void on_demo_signal(int sig)
{
	demo_stop = sig;
}

static void on_capture_signal(int sig)
{
	(void)sig;
	rs_live_stop(&demo_live);
}

/* The capture in the server's namespace, written to path; says "ready" on
 * the pipe once the handle is open and privileges are gone. */
static pid_t start_capture(const char *path, int *ready_fd)
{
	int w;
	pid_t pid = rs_lab_fork_pipe(&w);
	if (pid != 0) {
		*ready_fd = w;
		return pid;
	}
	char err[PCAP_ERRBUF_SIZE + 256];
	struct rs_live_opts o = { .ifname = RS_LAB_IF, .filter = DEMO_FILTER, .nano = true };
	rs_signals_catch(on_capture_signal, true);
	if (demo_stop)   /* caught before the line above, by the parent's handler */
		_exit(1);
	if (!rs_lab_enter(RS_LAB_SERVER_NS, err, sizeof(err)) ||
	    !rs_live_open(&demo_live, &o, err, sizeof(err)) ||
	    !rs_live_dump_open(&demo_live, path, false, err, sizeof(err)) ||
	    !rs_drop_privileges(NULL, err, sizeof(err))) {
		fprintf(stderr, "rawshake lab demo: capture: %s\n", err);
		_exit(1);
	}
	if (write(w, "r", 1) != 1)
		_exit(1);
	close(w);
	bool ok = rs_live_loop(&demo_live, NULL, 0, err, sizeof(err));
	rs_live_close(&demo_live);
	_exit(ok ? 0 : 1);
}

/* Waits for the byte that says the capture runs (5 s at most). */
static bool wait_ready(int fd)
{
	for (int i = 0; i < 50 && !demo_stop; i++) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		if (poll(&pfd, 1, 100) > 0) {
			char c;
			return read(fd, &c, 1) == 1;
		}
	}
	return false;
}

/* Waits for pid, passing a caught signal on; 1 when it cannot. */
static int wait_child(pid_t pid)
{
	int st = rs_lab_wait_child(pid, &demo_stop);
	return st < 0 ? 1 : st;
}

/* connect in the client's namespace.  Its own packet lines would repeat
 * what the server saw: only its messages (standard error) are shown. */
static pid_t start_connect(const struct rs_lab_session *s, const char *self)
{
	char *argv[] = { (char *)self, "connect", "--hold", "0.3", "--data", DEMO_REQUEST,
			 RS_LAB_SERVER4, "80", NULL };
	return rs_lab_session_spawn(s, RS_LAB_CLIENT_NS, argv, "/dev/null", NULL, 2);
}

/* Where the view goes once privileges are gone: standard output, or the
 * report, opened as the user the child now is (outfile.h rules). */
static int view_output(const char *report, const char *user, struct rs_outfile *f)
{
	char err[512];
	if (!report)
		return STDOUT_FILENO;
	const char *as = user ? user : "nobody";
	if (!rs_outfile_open(f, report, strcmp(as, "root") ? as : NULL, err, sizeof(err))) {
		fprintf(stderr, "rawshake lab demo: --html %s\n", err);
		return -1;
	}
	return f->fd;
}

/* Shows the capture as `read` would: the text with the ladder after it,
 * or the HTML report into `report`.  The packets came from the network:
 * they are parsed in a child that opened the file (standard input) and
 * then gave up root, as `sniff` does.  The child's status. */
static int view_capture(const char *path, const char *report, const char *user)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "rawshake lab demo: fork: %s\n", strerror(errno));
		return 1;
	}
	if (pid > 0)
		return wait_child(pid);
	struct rs_view_opts vo = { .format = report ? RS_FORMAT_HTML : RS_FORMAT_TEXT,
				   .ladder_after = !report };
	struct rs_out out;
	struct rs_outfile f = { .fd = -1 };
	struct rs_view view;
	char err[256];
	char *files[] = { "-" };
	char *names[] = { RS_LAB_SERVER_NS " " RS_LAB_IF " (rawshake lab demo, " DEMO_FILTER ")" };
	rs_lab_child_signals();
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || dup2(fd, STDIN_FILENO) < 0 || !rs_drop_privileges(user, err, sizeof(err))) {
		fprintf(stderr, "rawshake lab demo: %s: %s\n", path,
			fd < 0 ? strerror(errno) : err);
		_exit(1);
	}
	int ofd = view_output(report, user, &f);
	if (ofd < 0)
		_exit(1);
	rs_out_init(&out, ofd);
	bool ok = rs_view_init(&view, &vo, &out, err, sizeof(err));
	if (ok) {
		if (view.html)
			rs_print_html_set_files(view.html, names, 1);
		rs_read_files(&view, files, 1, NULL, STDERR_FILENO);
		if (!report)
			rs_out_char(&out, '\n');
		rs_view_finish(&view);
	} else {
		fprintf(stderr, "rawshake lab demo: %s\n", err);
	}
	ok = rs_out_flush(&out) && ok;
	rs_view_free(&view);
	if (report && (!ok || !rs_outfile_close(&f))) {
		fprintf(stderr, "rawshake lab demo: --html %s: %s\n", report,
			strerror(out.err ? out.err : f.err ? f.err : EIO));
		_exit(1);
	}
	_exit(ok ? 0 : 1);
}

/* The capture starts (and says it is ready) before connect does: the
 * handshake's first segment must be in it. */
int rs_lab_demo(const char *self, const struct rs_lab_demo_opts *opts, FILE *log)
{
	static struct rs_lab_session s;
	int status = 1, ready = -1;
	pid_t cap = -1;

	if (!rs_lab_session_begin(&s, "demo", self, &demo_stop, on_demo_signal, log))
		return 1;
	const char *path = rs_lab_session_file(&s, "server.pcap");
	if (!path || demo_stop)
		goto out;
	fprintf(log, "capturing on %s %s (%s) while rawshake connect, in %s, sends\n"
		     "  \"%s\" to %s port 80\n\n", RS_LAB_SERVER_NS, RS_LAB_IF, DEMO_FILTER,
		RS_LAB_CLIENT_NS, DEMO_REQUEST, RS_LAB_SERVER4);
	fflush(log);
	cap = start_capture(path, &ready);
	if (cap < 0 || !wait_ready(ready)) {
		if (!demo_stop)
			fprintf(stderr, "rawshake lab demo: the capture did not start\n");
		goto out;
	}
	pid_t con = start_connect(&s, self);
	if (con < 0) {
		fprintf(stderr, "rawshake lab demo: fork: %s\n", strerror(errno));
		goto out;
	}
	status = wait_child(con);
	if (status > 2)
		status = 1;
	rs_lab_pause_ms(200);   /* the last segments reach the capture */
	rs_lab_end_child(&cap, SIGTERM, &demo_stop);
	if (demo_stop) {
		status = 1;
		goto out;
	}
	fprintf(log, "\nwhat the server saw (%s, %s):\n\n", RS_LAB_SERVER_NS, RS_LAB_IF);
	view_capture(path, NULL, NULL);
	fflush(log);
	if (opts->html && !demo_stop) {
		if (view_capture(path, opts->html, opts->user) != 0 && status == 0)
			status = 1;
		else if (!demo_stop)
			fprintf(log, "\nthe report: %s\n", opts->html);
	}
out:
	rs_lab_end_child(&cap, SIGTERM, &demo_stop);
	if (ready >= 0)
		close(ready);
	rs_lab_session_end(&s, log, "the lab was up before the demo: leaving it up");
	return status;
}
