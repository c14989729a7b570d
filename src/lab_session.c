/* lab_session.c: what the lab's scenarios (demo, synflood) share: the lab
 * brought up and left as found, a private temporary directory, children
 * started in a namespace and waited for, signals passed on. */
#define _GNU_SOURCE 1 /* pipe2 */
#include "config.h"
#include "rawshake/lab.h"
#include "rawshake/signals.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

void rs_lab_pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

int rs_lab_wait_child(pid_t pid, volatile sig_atomic_t *stop)
{
	int st;
	for (unsigned n = 0;; n++) {
		/* Again every half second: a child may have taken the first
		 * one with our handler, before it set its own. */
		if (*stop && n % 25 == 0)
			kill(pid, SIGTERM);
		pid_t r = waitpid(pid, &st, WNOHANG);
		if (r == pid)
			break;
		if (r < 0 && errno != EINTR)
			return -1;
		rs_lab_pause_ms(20);
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int rs_lab_end_child(pid_t *pid, int sig, volatile sig_atomic_t *stop)
{
	int st = -1;
	if (*pid > 0) {
		kill(*pid, sig);
		st = rs_lab_wait_child(*pid, stop);
	}
	*pid = -1;
	return st;
}

void rs_lab_child_signals(void)
{
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
}

pid_t rs_lab_fork_pipe(int *fd)
{
	int p[2];
	*fd = -1;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	close(p[pid > 0 ? 1 : 0]);
	*fd = p[pid > 0 ? 0 : 1];
	return pid;
}

bool rs_lab_session_begin(struct rs_lab_session *s, const char *name, const char *self,
			  volatile sig_atomic_t *stop, void (*on_signal)(int), FILE *log)
{
	char err[512];

	memset(s, 0, sizeof(*s));
	s->name = name;
	s->stop = stop;
	*stop = 0;
	rs_signals_catch(on_signal, true);
	/* Looked at before "up": a lab that was up before stays up after. */
	s->was_up = rs_lab_exists();
	if (!rs_lab_up(self, RS_LAB_OFFLOAD_KEEP, stop, log, err, sizeof(err))) {
		fprintf(stderr, "rawshake lab %s: %s\n", name, err);
		return false;
	}
	snprintf(s->dir, sizeof(s->dir), "/tmp/rawshake-%s.XXXXXX", name);
	if (!mkdtemp(s->dir)) {
		fprintf(stderr, "rawshake lab %s: temporary directory: %s\n", name, strerror(errno));
		s->dir[0] = '\0';
	}
	return true;
}

const char *rs_lab_session_file(struct rs_lab_session *s, const char *name)
{
	if (!s->dir[0] || s->nfiles >= RS_LAB_SESSION_FILES)
		return NULL;
	char *p = s->files[s->nfiles++];
	snprintf(p, sizeof(s->files[0]), "%s/%s", s->dir, name);
	return p;
}

/* Opens path for fd (1 or 2) of a child; kept as it is when that fails. */
static void redirect(int fd, const char *path)
{
	int f = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (f >= 0)
		dup2(f, fd);
}

pid_t rs_lab_session_spawn(const struct rs_lab_session *s, const char *ns, char *const argv[],
			   const char *out_path, const char *err_path, int fail_status)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	char err[256];
	rs_lab_child_signals();
	if (*s->stop)   /* taken by our handler before the lines above */
		_exit(1);
	if (out_path)
		redirect(STDOUT_FILENO, out_path);
	if (err_path)
		redirect(STDERR_FILENO, err_path);
	rs_lab_exec_in(ns, argv, err, sizeof(err));
	fprintf(stderr, "rawshake lab %s: %s\n", s->name, err);
	_exit(fail_status);
}

void rs_lab_session_end(struct rs_lab_session *s, FILE *log, const char *left_up)
{
	for (unsigned i = 0; i < s->nfiles; i++)
		unlink(s->files[i]);
	if (s->dir[0])
		rmdir(s->dir);
	if (s->was_up)
		fprintf(log, "%s\n", left_up);
	else
		rs_lab_down(log);
	if (*s->stop)
		fprintf(stderr, "rawshake lab %s: interrupted; everything it made is removed\n", s->name);
}
