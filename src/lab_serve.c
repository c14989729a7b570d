/* lab_serve.c: the lab server's service: a tiny HTTP responder, an echo
 * service and a paced chargen (a transfer that lasts a few seconds). */
#define _GNU_SOURCE /* accept4 */
#include "rawshake/lab.h"
#include "rawshake/privdrop.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#define SERVE_PIDFILE RS_LAB_RUNDIR "/serve.pid"

static const char http_body[] = "hello from the rawshake lab server\n";

static int listen_on(uint16_t port)
{
	int s = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -1;
	int one = 1, zero = 0;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* One socket for IPv4 and IPv6. */
	setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	struct sockaddr_in6 a;
	memset(&a, 0, sizeof(a));
	a.sin6_family = AF_INET6;
	a.sin6_port = htons(port);
	a.sin6_addr = in6addr_any;
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(s, 128) < 0) {
		close(s);
		return -1;
	}
	return s;
}

static void set_timeout(int fd, int seconds)
{
	struct timeval tv = { seconds, 0 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static bool write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/* Waits for the client's FIN so that the client closes first, as in the
 * textbook teardown, then closes. */
static void drain_until_eof(int fd)
{
	char buf[4096];
	ssize_t r;
	while ((r = read(fd, buf, sizeof(buf))) > 0 || (r < 0 && errno == EINTR))
		;
}

static void serve_http(int fd)
{
	char req[8192];
	size_t n = 0;
	while (n < sizeof(req) - 1) {
		ssize_t r = read(fd, req + n, sizeof(req) - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
		req[n] = '\0';
		if (strstr(req, "\r\n\r\n") || strstr(req, "\n\n"))
			break;
	}
	if (n > 0) {
		char head[256];
		int hn = snprintf(head, sizeof(head),
				  "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n"
				  "Content-Length: %zu\r\nConnection: close\r\n\r\n",
				  sizeof(http_body) - 1);
		if (write_all(fd, head, (size_t)hn))
			write_all(fd, http_body, sizeof(http_body) - 1);
	}
	drain_until_eof(fd);
}

/* RFC 864's lines (72 characters of the printable ASCII, shifted by one
 * each line), RS_LAB_CHARGEN_LINES_PER_TICK every 50 ms for 3 s, then
 * close: a transfer long enough for a third party to watch and interfere
 * with ("lab reset"), slow enough that the window never fills. */
static void serve_chargen(int fd)
{
	char tick[RS_LAB_CHARGEN_LINES_PER_TICK * 74];
	unsigned first = 0;
	for (unsigned t = 0; t < RS_LAB_CHARGEN_TICKS; t++) {
		for (unsigned l = 0; l < RS_LAB_CHARGEN_LINES_PER_TICK; l++, first++) {
			char *line = tick + l * 74;
			for (unsigned c = 0; c < 72; c++)
				line[c] = (char)(' ' + (first + c) % 95);
			line[72] = '\r';
			line[73] = '\n';
		}
		/* One write a tick: one segment, not a line and then the rest. */
		if (!write_all(fd, tick, sizeof(tick)))
			return;   /* reset by the peer (or a third party) */
		rs_lab_pause_ms(50);
	}
}

static void serve_echo(int fd)
{
	char buf[4096];
	for (;;) {
		ssize_t r = read(fd, buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || !write_all(fd, buf, (size_t)r))
			break;
	}
}

/* Into the background, away from the terminal, with nothing of the
 * caller's but our three sockets: an inherited descriptor (a test's lock
 * file, anything opened as root) would stay held by the service until
 * 'lab down'.  Called in the first child (the caller's parent has
 * returned); returns only in the service's process. */
static void detach(int http, int echo, int chargen)
{
	setsid();
	pid_t pid = fork();
	if (pid < 0)
		_exit(1);
	if (pid > 0)
		_exit(0);
	if (chdir("/") < 0)
		_exit(1);
	int devnull = open("/dev/null", O_RDWR);
	if (devnull >= 0) {
		dup2(devnull, 0);
		dup2(devnull, 1);
		dup2(devnull, 2);
		if (devnull > 2)
			close(devnull);
	}
	for (int fd = 3; fd < 1024; fd++)
		if (fd != http && fd != echo && fd != chargen)
			close(fd);
}

static void write_pidfile(void)
{
	mkdir(RS_LAB_RUNDIR, 0755);
	FILE *pf = fopen(SERVE_PIDFILE ".tmp", "w");
	if (pf) {
		fprintf(pf, "%ld\n", (long)getpid());
		fclose(pf);
		rename(SERVE_PIDFILE ".tmp", SERVE_PIDFILE);
	}
}

/* One child per connection, which the kernel reaps; never returns but
 * on a poll error. */
static int serve_loop(int http, int echo, int chargen)
{
	struct pollfd fds[3] = { { http, POLLIN, 0 }, { echo, POLLIN, 0 }, { chargen, POLLIN, 0 } };
	for (;;) {
		if (poll(fds, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		for (int i = 0; i < 3; i++) {
			if (!(fds[i].revents & POLLIN))
				continue;
			int c = accept4(fds[i].fd, NULL, NULL, SOCK_CLOEXEC);
			if (c < 0)
				continue;
			pid_t pid = fork();
			if (pid == 0) {
				close(http);
				close(echo);
				close(chargen);
				/* A lab connection never lives longer than this. */
				alarm(60);
				set_timeout(c, 20);
				if (i == 0)
					serve_http(c);
				else if (i == 1)
					serve_echo(c);
				else
					serve_chargen(c);
				close(c);
				_exit(0);
			}
			close(c);
		}
	}
}

int rs_lab_serve(bool daemonize)
{
	int http = listen_on(RS_LAB_HTTP_PORT), echo = listen_on(RS_LAB_ECHO_PORT);
	int chargen = listen_on(RS_LAB_CHARGEN_PORT);
	if (http < 0 || echo < 0 || chargen < 0)
		return 1;
	if (daemonize) {
		pid_t pid = fork();
		if (pid < 0)
			return 1;
		if (pid > 0)
			_exit(0);
		detach(http, echo, chargen);
	}
	/* Children are reaped by the kernel. */
	signal(SIGCHLD, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	write_pidfile();
	/* The ports are bound and the pid file written: what the lab's
	 * clients send is read without root (lab down, as root, still ends
	 * us with SIGTERM). */
	char err[256];
	if (!rs_drop_privileges(NULL, err, sizeof(err))) {
		unlink(SERVE_PIDFILE);
		return 1;
	}
	return serve_loop(http, echo, chargen);
}
