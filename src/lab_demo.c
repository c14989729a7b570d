/* lab_demo.c: "rawshake lab demo": a hand-made connection across the lab, seen from the server. */
#define _GNU_SOURCE 1
#include "config.h"
#include "rawshake/lab.h"
#include "rawshake/live.h"
#include "rawshake/out.h"
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

static void pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* The capture in the server's namespace, written to path; says "ready" on
 * the pipe once the handle is open and privileges are gone. */
static pid_t start_capture(const char *path, int *ready_fd)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid > 0) {
		close(p[1]);
		*ready_fd = p[0];
		return pid;
	}
	char err[PCAP_ERRBUF_SIZE + 256];
	struct rs_live_opts o = { .ifname = RS_LAB_IF, .filter = DEMO_FILTER, .nano = true };
	close(p[0]);
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
	if (write(p[1], "r", 1) != 1)
		_exit(1);
	close(p[1]);
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

/* Waits for pid, passing a caught signal on as SIGTERM.  It polls: a signal
 * caught just before a blocking wait would not interrupt it. */
static int wait_child(pid_t pid)
{
	int st;
	for (unsigned n = 0;; n++) {
		/* Again every half second: a child may have taken the first
		 * one with our handler, before it set its own. */
		if (demo_stop && n % 25 == 0)
			kill(pid, SIGTERM);
		pid_t r = waitpid(pid, &st, WNOHANG);
		if (r == pid)
			break;
		if (r < 0 && errno != EINTR)
			return 1;
		pause_ms(20);
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static pid_t start_connect(const char *self)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	char err[256];
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	if (demo_stop)   /* taken by our handler before the lines above */
		_exit(1);
	/* Its own packet lines would repeat what the server saw: only its
	 * messages (standard error) are shown. */
	int devnull = open("/dev/null", O_WRONLY);
	if (devnull >= 0)
		dup2(devnull, 1);
	char *argv[] = { (char *)self, "connect", "--hold", "0.3", "--data", DEMO_REQUEST,
			 RS_LAB_SERVER4, "80", NULL };
	rs_lab_exec_in(RS_LAB_CLIENT_NS, argv, err, sizeof(err));
	fprintf(stderr, "rawshake lab demo: %s\n", err);
	_exit(2);
}

/* Prints the capture as `read` would, with the ladder after it.  The
 * packets came from the network: they are parsed in a child that opened
 * the file (standard input) and then gave up root, as `sniff` does. */
static void show(const char *path)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "rawshake lab demo: fork: %s\n", strerror(errno));
		return;
	}
	if (pid > 0) {
		wait_child(pid);
		return;
	}
	struct rs_view_opts vo = { .format = RS_FORMAT_TEXT, .ladder_after = true };
	struct rs_out out;
	struct rs_view view;
	char err[256];
	char *files[] = { "-" };
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || dup2(fd, STDIN_FILENO) < 0 || !rs_drop_privileges(NULL, err, sizeof(err))) {
		fprintf(stderr, "rawshake lab demo: %s: %s\n", path,
			fd < 0 ? strerror(errno) : err);
		_exit(1);
	}
	rs_out_init(&out, STDOUT_FILENO);
	if (rs_view_init(&view, &vo, &out, err, sizeof(err))) {
		rs_read_files(&view, files, 1, NULL, STDERR_FILENO);
		rs_out_char(&out, '\n');
		rs_view_finish(&view);
	} else {
		fprintf(stderr, "rawshake lab demo: %s\n", err);
	}
	rs_out_flush(&out);
	rs_view_free(&view);
	_exit(0);
}

int rs_lab_demo(const char *self, FILE *log)
{
	char err[512], dir[] = "/tmp/rawshake-demo.XXXXXX", path[sizeof(dir) + 16] = "";
	int status = 1, ready = -1;
	pid_t cap = -1;

	rs_signals_catch(on_demo_signal, true);
	bool was_up = rs_lab_exists();
	if (!rs_lab_up(self, RS_LAB_OFFLOAD_KEEP, &demo_stop, log, err, sizeof(err))) {
		fprintf(stderr, "rawshake lab demo: %s\n", err);
		return 1;
	}
	if (!mkdtemp(dir)) {
		fprintf(stderr, "rawshake lab demo: temporary directory: %s\n", strerror(errno));
		goto out;
	}
	snprintf(path, sizeof(path), "%s/server.pcap", dir);
	if (demo_stop)
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
	pid_t con = start_connect(self);
	if (con < 0) {
		fprintf(stderr, "rawshake lab demo: fork: %s\n", strerror(errno));
		goto out;
	}
	status = wait_child(con);
	if (status > 2)
		status = 1;
	pause_ms(200);   /* the last segments reach the capture */
	kill(cap, SIGTERM);
	wait_child(cap);
	cap = -1;
	if (demo_stop) {
		status = 1;
		goto out;
	}
	fprintf(log, "\nwhat the server saw (%s, %s):\n\n", RS_LAB_SERVER_NS, RS_LAB_IF);
	show(path);
	fflush(log);
out:
	if (cap > 0) {
		kill(cap, SIGTERM);
		wait_child(cap);
	}
	if (ready >= 0)
		close(ready);
	if (path[0] && strncmp(path, dir, strlen(dir)) == 0)
		unlink(path);
	rmdir(dir);
	if (was_up)
		fprintf(log, "the lab was up before the demo: leaving it up\n");
	else
		rs_lab_down(log);
	if (demo_stop)
		fprintf(stderr, "rawshake lab demo: interrupted; everything it made is removed\n");
	return status;
}
