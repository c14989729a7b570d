/* lab.c: the two-namespace lab: build, inspect, tear down, run commands in it. */
#define _GNU_SOURCE /* setns, CLONE_NEWNET */
#include "rawshake/lab.h"
#include "rawshake/procid.h"
#include "rawshake/toolpath.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PIDFILE RS_LAB_RUNDIR "/serve.pid"
#define BINDIR RS_LAB_RUNDIR "/bin"
#define SERVER_NSPATH "/run/netns/" RS_LAB_SERVER_NS

struct lab_host {
	const char *ns;
	const char *addr4, *addr6;
	const char *mac;
	const char *peer4, *peer6, *peer_mac;
};

static const struct lab_host hosts[2] = {
	{ RS_LAB_CLIENT_NS, RS_LAB_CLIENT4, RS_LAB_CLIENT6, "02:00:c0:00:02:0a",
	  RS_LAB_SERVER4, RS_LAB_SERVER6, "02:00:c0:00:02:14" },
	{ RS_LAB_SERVER_NS, RS_LAB_SERVER4, RS_LAB_SERVER6, "02:00:c0:00:02:14",
	  RS_LAB_CLIENT4, RS_LAB_CLIENT6, "02:00:c0:00:02:0a" },
};

const char *rs_lab_host_ns(const char *host)
{
	if (strcmp(host, "client") == 0 || strcmp(host, RS_LAB_CLIENT_NS) == 0)
		return RS_LAB_CLIENT_NS;
	if (strcmp(host, "server") == 0 || strcmp(host, RS_LAB_SERVER_NS) == 0)
		return RS_LAB_SERVER_NS;
	return NULL;
}

static bool ns_exists(const char *ns)
{
	char path[128];
	struct stat st;
	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	return stat(path, &st) == 0;
}

bool rs_lab_exists(void)
{
	return ns_exists(RS_LAB_CLIENT_NS) && ns_exists(RS_LAB_SERVER_NS);
}

bool rs_lab_enter(const char *ns, char *err, size_t errlen)
{
	char path[128];
	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "lab host %s does not exist (run 'rawshake lab up')", ns);
		return false;
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		snprintf(err, errlen, "cannot enter %s: %s", ns, strerror(errno));
		close(fd);
		return false;
	}
	close(fd);
	return true;
}

/* The Debian package of each tool the lab runs, for the message when it
 * is missing. */
static const char *package_of(const char *tool)
{
	return strcmp(tool, "ip") == 0 ? "iproute2" : NULL;
}

int rs_lab_run_tool(const char *ns, char *const argv[], char *err, size_t errlen)
{
	/* As root, never through PATH: a directory of the caller's first in
	 * it would have its own "ip" run as root. */
	char path[64];
	if (!rs_toolpath_find(argv[0], package_of(argv[0]), path, sizeof(path), err, errlen))
		return -1;
	int pfd[2];
	if (pipe(pfd) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0) {
		char e[256];
		close(pfd[0]);
		dup2(pfd[1], 2);
		int devnull = open("/dev/null", O_RDWR);
		if (devnull >= 0)
			dup2(devnull, 1);
		if (ns && !rs_lab_enter(ns, e, sizeof(e))) {
			fprintf(stderr, "%s\n", e);
			_exit(126);
		}
		execve(path, argv, rs_toolpath_env);
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	size_t n = 0;
	ssize_t r;
	char buf[512];
	while ((r = read(pfd[0], buf, sizeof(buf))) > 0 || (r < 0 && errno == EINTR)) {
		for (ssize_t i = 0; i < r && n + 1 < errlen; i++)
			err[n++] = buf[i] == '\n' ? ' ' : buf[i];
	}
	if (errlen)
		err[n] = '\0';
	close(pfd[0]);
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int rs_lab_run_in(const char *ns, char *const argv[], char *err, size_t errlen)
{
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		char e[256];
		if (!rs_lab_enter(ns, e, sizeof(e))) {
			fprintf(stderr, "rawshake lab: %s\n", e);
			_exit(126);
		}
		/* A path, never looked up in PATH (this runs as root). */
		execv(argv[0], argv);
		fprintf(stderr, "rawshake lab: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/*
 * Puts a directory holding only "rawshake", a link to this program, at the
 * front of PATH, so that a command run in the lab (timeout, sh -c) that
 * starts "rawshake" gets this build too, installed or not.  The directory
 * is named after the binary's device and inode, so two builds used at once
 * do not take each other's link; "lab down" removes them all.  Best
 * effort: without it PATH is left as it is.
 */
static void path_with_self(void)
{
	char exe[PATH_MAX], dir[sizeof(BINDIR) + 48], link[sizeof(dir) + 16], tmp[sizeof(dir) + 32];
	char cur[PATH_MAX];
	struct stat self, st;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0 || stat("/proc/self/exe", &self) < 0)
		return;
	exe[n] = '\0';
	/* A binary deleted (rebuilt) since it started has no path to link to. */
	if (stat(exe, &st) < 0 || st.st_dev != self.st_dev || st.st_ino != self.st_ino)
		return;
	snprintf(dir, sizeof(dir), "%s/%llx-%llx", BINDIR, (unsigned long long)self.st_dev,
		 (unsigned long long)self.st_ino);
	snprintf(link, sizeof(link), "%s/rawshake", dir);
	mkdir(RS_LAB_RUNDIR, 0755);
	mkdir(BINDIR, 0755);
	mkdir(dir, 0755);
	n = readlink(link, cur, sizeof(cur) - 1);
	if (n < 0 || (size_t)n != strlen(exe) || memcmp(cur, exe, (size_t)n) != 0) {
		/* A new link under a private name, renamed over the old one:
		 * a concurrent "lab exec" never sees the name missing. */
		snprintf(tmp, sizeof(tmp), "%s/.rawshake.%ld", dir, (long)getpid());
		unlink(tmp);
		if (symlink(exe, tmp) < 0 || rename(tmp, link) < 0) {
			unlink(tmp);
			return;
		}
	}
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	size_t dl = strlen(dir);
	if (strncmp(path, dir, dl) == 0 && (path[dl] == ':' || path[dl] == '\0'))
		return;   /* a "lab exec" inside a "lab exec" */
	size_t len = dl + 1 + strlen(path) + 1;
	char *np = malloc(len);
	if (!np)
		return;
	snprintf(np, len, "%s:%s", dir, path);
	setenv("PATH", np, 1);
	free(np);
}

/* Removes the links path_with_self made. */
static void remove_bindir(void)
{
	DIR *d = opendir(BINDIR);
	if (!d)
		return;
	for (struct dirent *e; (e = readdir(d)) != NULL;) {
		char p[sizeof(BINDIR) + 2 * NAME_MAX + 4];
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", BINDIR, e->d_name);
		DIR *sub = opendir(p);
		if (sub) {
			for (struct dirent *f; (f = readdir(sub)) != NULL;) {
				char q[sizeof(p) + NAME_MAX + 2];
				if (strcmp(f->d_name, ".") == 0 || strcmp(f->d_name, "..") == 0)
					continue;
				snprintf(q, sizeof(q), "%s/%s", p, f->d_name);
				unlink(q);
			}
			closedir(sub);
		}
		rmdir(p);
	}
	closedir(d);
	rmdir(BINDIR);
}

int rs_lab_exec_in(const char *ns, char *const argv[], char *err, size_t errlen)
{
	if (!rs_lab_enter(ns, err, errlen))
		return -1;
	path_with_self();
	/* "rawshake" is this program, not whatever PATH would find (nothing,
	 * after a build that is not installed; an older one, after one that is). */
	if (strcmp(argv[0], "rawshake") == 0) {
		execv("/proc/self/exe", argv);
		snprintf(err, errlen, "%s (/proc/self/exe): %s", argv[0], strerror(errno));
		return -1;
	}
	execvp(argv[0], argv);
	snprintf(err, errlen, "%s: %s", argv[0], strerror(errno));
	return -1;
}

#define IP(...) ((char *const[]){ "ip", __VA_ARGS__, NULL })

const char *rs_lab_offload_str(enum rs_lab_offload o)
{
	switch (o) {
	case RS_LAB_OFFLOAD_KEEP: return "keep";
	case RS_LAB_OFFLOAD_OFF: return "off";
	case RS_LAB_OFFLOAD_ON: return "on";
	}
	return "?";
}

bool rs_lab_offload_parse(const char *s, enum rs_lab_offload *o)
{
	if (strcmp(s, "on") == 0)
		*o = RS_LAB_OFFLOAD_ON;
	else if (strcmp(s, "off") == 0)
		*o = RS_LAB_OFFLOAD_OFF;
	else
		return false;
	return true;
}

/* The offloads the lab turns off, with ethtool -k's names. */
static const struct {
	uint32_t get, set;
	const char *name;
} feats[] = {
	{ ETHTOOL_GTXCSUM, ETHTOOL_STXCSUM, "tx-checksum" },
	{ ETHTOOL_GRXCSUM, ETHTOOL_SRXCSUM, "rx-checksum" },
	{ ETHTOOL_GSG, ETHTOOL_SSG, "sg" },
	{ ETHTOOL_GTSO, ETHTOOL_STSO, "tso" },
	{ ETHTOOL_GGSO, ETHTOOL_SGSO, "gso" },
	{ ETHTOOL_GGRO, ETHTOOL_SGRO, "gro" },
};
#define NFEATS (sizeof(feats) / sizeof(feats[0]))

/* One end's offloads: 1 on, 0 off, -1 unknown. */
struct offloads {
	signed char v[NFEATS];
};

static int ethtool_value(int s, uint32_t cmd, uint32_t *val)
{
	struct ethtool_value ev = { cmd, val ? *val : 0 };
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", RS_LAB_IF);
	ifr.ifr_data = (void *)&ev;
	if (ioctl(s, SIOCETHTOOL, &ifr) < 0)
		return -1;
	if (val)
		*val = ev.data;
	return 0;
}

/*
 * Checksum offload leaves the TCP and UDP checksums of outgoing segments
 * unfilled in a capture on a veth (the pseudo-header sum the NIC would
 * finish), and segmentation offload captures 64 KiB "segments": the lab
 * turns all of them off, unless asked to keep the kernel's defaults.
 */
static void offloads_off(const char *ns)
{
	pid_t pid = fork();
	if (pid == 0) {
		char e[256];
		if (!rs_lab_enter(ns, e, sizeof(e)))
			_exit(1);
		int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		for (size_t i = 0; s >= 0 && i < NFEATS; i++) {
			uint32_t zero = 0;
			(void)ethtool_value(s, feats[i].set, &zero);
		}
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

/* Reads one end's offloads in its namespace (a child sends them back). */
static bool offloads_get(const char *ns, struct offloads *o)
{
	int pfd[2];
	memset(o->v, -1, sizeof(o->v));
	if (pipe(pfd) < 0)
		return false;
	pid_t pid = fork();
	if (pid == 0) {
		char e[256];
		signed char v[NFEATS];
		close(pfd[0]);
		memset(v, -1, sizeof(v));
		if (rs_lab_enter(ns, e, sizeof(e))) {
			int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
			for (size_t i = 0; s >= 0 && i < NFEATS; i++) {
				uint32_t val = 0;
				if (ethtool_value(s, feats[i].get, &val) == 0)
					v[i] = val != 0;
			}
		}
		_exit(write(pfd[1], v, sizeof(v)) == (ssize_t)sizeof(v) ? 0 : 1);
	}
	close(pfd[1]);
	bool ok = false;
	if (pid > 0) {
		ssize_t r;
		while ((r = read(pfd[0], o->v, sizeof(o->v))) < 0 && errno == EINTR)
			;
		ok = r == (ssize_t)sizeof(o->v);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	close(pfd[0]);
	return ok && o->v[0] >= 0;
}

/* OFF when every offload is off at both ends, ON when both ends checksum
 * offload (what a capture shows), KEEP when neither or unknown. */
static enum rs_lab_offload offload_mode(const struct offloads *c, const struct offloads *s)
{
	bool all_off = true;
	for (size_t i = 0; i < NFEATS; i++)
		all_off = all_off && c->v[i] == 0 && s->v[i] == 0;
	if (all_off)
		return RS_LAB_OFFLOAD_OFF;
	if (c->v[0] == 1 && s->v[0] == 1)
		return RS_LAB_OFFLOAD_ON;
	return RS_LAB_OFFLOAD_KEEP;
}

static enum rs_lab_offload lab_offload_mode(void)
{
	struct offloads c, s;
	if (!offloads_get(RS_LAB_CLIENT_NS, &c) || !offloads_get(RS_LAB_SERVER_NS, &s))
		return RS_LAB_OFFLOAD_KEEP;
	return offload_mode(&c, &s);
}

/* "tx-checksum on, rx-checksum on, ..." */
static void print_offloads(FILE *out, const struct offloads *o)
{
	for (size_t i = 0; i < NFEATS; i++)
		fprintf(out, "%s%s %s", i ? ", " : "", feats[i].name,
			o->v[i] < 0 ? "?" : o->v[i] ? "on" : "off");
}

static bool write_sysctl_in(const char *ns, const char *path, const char *val)
{
	pid_t pid = fork();
	if (pid == 0) {
		char e[256];
		if (!rs_lab_enter(ns, e, sizeof(e)))
			_exit(1);
		int fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			_exit(1);
		ssize_t w = write(fd, val, strlen(val));
		_exit(w == (ssize_t)strlen(val) ? 0 : 1);
	}
	int st = 1;
	if (pid > 0)
		waitpid(pid, &st, 0);
	return pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/*
 * What the pid file's process is.  The file may be stale and its pid
 * taken by another process since: only a process in the server's
 * namespace running "PROGRAM lab serve" from that very PROGRAM is the
 * lab's service (and is signalled by "lab down"), and it runs when it
 * holds the listening sockets of both ports.
 */
enum svc_state {
	SVC_NONE,      /* no pid file */
	SVC_GONE,      /* its process has ended */
	SVC_FOREIGN,   /* it names a process that is not the lab's service */
	SVC_DEAF,      /* the lab's service, not listening on all its ports */
	SVC_RUNNING,
};

struct svc {
	enum svc_state st;
	pid_t pid;
	unsigned long long start;   /* its start time (procid.h), to wait for its end */
	char why[192];              /* for SVC_NONE to SVC_DEAF: why it is not running */
};

static void service_check(struct svc *s)
{
	FILE *f = fopen(PIDFILE, "re");
	long pid = 0;
	memset(s, 0, sizeof(*s));
	if (!f) {
		s->st = SVC_NONE;
		snprintf(s->why, sizeof(s->why), "no pid file");
		return;
	}
	if (fscanf(f, "%ld", &pid) != 1 || pid <= 1 || pid > INT_MAX)
		pid = 0;
	fclose(f);
	s->pid = (pid_t)pid;
	if (!pid) {
		s->st = SVC_NONE;
		snprintf(s->why, sizeof(s->why), "the pid file holds no pid");
		return;
	}
	if (!rs_proc_starttime(s->pid, &s->start)) {
		s->st = SVC_GONE;
		snprintf(s->why, sizeof(s->why), "process %ld of the pid file has ended", pid);
		return;
	}
	char buf[PATH_MAX + 64], *argv[4];
	int argc = rs_proc_argv(s->pid, buf, sizeof(buf), argv, 4);
	s->st = SVC_FOREIGN;
	/* For SVC_FOREIGN, why holds the reason alone: the callers say more. */
	if (!rs_proc_in_netns(s->pid, SERVER_NSPATH))
		snprintf(s->why, sizeof(s->why), "it is not in %s", RS_LAB_SERVER_NS);
	else if (argc != 3 || strcmp(argv[1], "lab") != 0 || strcmp(argv[2], "serve") != 0)
		snprintf(s->why, sizeof(s->why), "it runs '%.64s%s', not 'rawshake lab serve'",
			 argc > 0 ? argv[0] : "?", argc > 1 ? " ..." : "");
	else if (!rs_proc_exe_is(s->pid, argv[0]))
		snprintf(s->why, sizeof(s->why), "its executable is not %.96s", argv[0]);
	else {
		static const int ports[] = { RS_LAB_HTTP_PORT, RS_LAB_ECHO_PORT, RS_LAB_CHARGEN_PORT };
		enum { N_PORTS = sizeof(ports) / sizeof(ports[0]) };
		int deaf_port[N_PORTS], n_deaf = 0;
		for (int i = 0; i < N_PORTS; i++)
			if (!rs_proc_listens_tcp(s->pid, ports[i]))
				deaf_port[n_deaf++] = ports[i];
		/* "80", "80 and 7", "80, 7 and 19" */
		char deaf[48] = "";
		for (int i = 0; i < n_deaf; i++) {
			size_t used = strlen(deaf);
			snprintf(deaf + used, sizeof(deaf) - used, "%s%d",
				 i == 0 ? "" : i == n_deaf - 1 ? " and " : ", ", deaf_port[i]);
		}
		s->st = n_deaf ? SVC_DEAF : SVC_RUNNING;
		if (n_deaf)
			snprintf(s->why, sizeof(s->why), "process %ld, the lab's service, does not "
				 "listen on TCP %s", pid, deaf);
	}
}

static bool service_running(void)
{
	struct svc s;
	service_check(&s);
	return s.st == SVC_RUNNING;
}

/* True while the process of s (the same start time: not a new one with
 * its pid) lives. */
static bool service_alive(const struct svc *s)
{
	unsigned long long t;
	return rs_proc_starttime(s->pid, &t) && t == s->start;
}

static bool if_exists_in(const char *ns)
{
	char e[256];
	return rs_lab_run_tool(ns, IP("link", "show", "dev", RS_LAB_IF), e, sizeof(e)) == 0;
}

static bool lab_complete(void)
{
	return rs_lab_exists() && if_exists_in(RS_LAB_CLIENT_NS) &&
	       if_exists_in(RS_LAB_SERVER_NS) && service_running();
}

static bool step(FILE *log, const char *what, char *const argv[], char *err, size_t errlen)
{
	char e[512];
	if (rs_lab_run_tool(NULL, argv, e, sizeof(e)) != 0) {
		snprintf(err, errlen, "%s failed: %s", what, e);
		return false;
	}
	(void)log;
	return true;
}

static bool setup_host(const struct lab_host *h, bool offload_on, FILE *log, char *err,
		       size_t errlen)
{
	const char *ns = h->ns;
	char a4[64], a6[64];
	snprintf(a4, sizeof(a4), "%s/24", h->addr4);
	snprintf(a6, sizeof(a6), "%s/64", h->addr6);

	/* Quiet IPv6: no router solicitations, no duplicate address detection. */
	write_sysctl_in(ns, "/proc/sys/net/ipv6/conf/default/accept_dad", "0");
	write_sysctl_in(ns, "/proc/sys/net/ipv6/conf/default/router_solicitations", "0");
	write_sysctl_in(ns, "/proc/sys/net/ipv6/conf/default/accept_ra", "0");
	return step(log, "lo up", IP("-n", (char *)ns, "link", "set", "lo", "up"), err, errlen) &&
	       step(log, "mac", IP("-n", (char *)ns, "link", "set", RS_LAB_IF, "address", (char *)h->mac), err, errlen) &&
	       (offload_on || (offloads_off(ns), true)) &&
	       step(log, "link up", IP("-n", (char *)ns, "link", "set", RS_LAB_IF, "up"), err, errlen) &&
	       step(log, "IPv4 address", IP("-n", (char *)ns, "addr", "add", a4, "dev", RS_LAB_IF), err, errlen) &&
	       step(log, "IPv6 address", IP("-n", (char *)ns, "-6", "addr", "add", a6, "dev", RS_LAB_IF, "nodad"), err, errlen) &&
	       /* Permanent neighbours: no ARP or ND in the captures. */
	       step(log, "neighbour", IP("-n", (char *)ns, "neigh", "replace", (char *)h->peer4, "lladdr", (char *)h->peer_mac, "dev", RS_LAB_IF, "nud", "permanent"), err, errlen) &&
	       step(log, "neighbour6", IP("-n", (char *)ns, "-6", "neigh", "replace", (char *)h->peer6, "lladdr", (char *)h->peer_mac, "dev", RS_LAB_IF, "nud", "permanent"), err, errlen);
}

static bool start_service(const char *self, char *err, size_t errlen)
{
	mkdir(RS_LAB_RUNDIR, 0755);
	unlink(PIDFILE);
	char *argv[] = { (char *)self, "lab", "serve", NULL };
	char e[512];
	int rc = rs_lab_run_in(RS_LAB_SERVER_NS, argv, e, sizeof(e));
	if (rc != 0) {
		snprintf(err, errlen, "the lab service did not start (status %d)", rc);
		return false;
	}
	/* The service writes its pid file once it listens. */
	for (int i = 0; i < 300; i++) {
		if (service_running())
			return true;
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	snprintf(err, errlen, "the lab service did not come up within 3 s");
	return false;
}

static bool stopped(volatile sig_atomic_t *stop)
{
	return stop && *stop;
}

static const char *offload_words(bool on)
{
	return on ? "offloads on (the kernel's defaults: captured checksums are left for the NIC)"
		  : "offloads off (captured checksums are real)";
}

bool rs_lab_up(const char *self, enum rs_lab_offload offload, volatile sig_atomic_t *stop,
	       FILE *log, char *err, size_t errlen)
{
	/* Nothing is made when ip(8) is missing: say so, not "netns add failed". */
	char ip[64];
	if (!rs_toolpath_find("ip", package_of("ip"), ip, sizeof(ip), err, errlen))
		return false;
	if (lab_complete()) {
		enum rs_lab_offload now = lab_offload_mode();
		if (offload == RS_LAB_OFFLOAD_KEEP || offload == now) {
			fprintf(log, "lab is already up%s%s\n",
				now == RS_LAB_OFFLOAD_KEEP ? "" : ", ",
				now == RS_LAB_OFFLOAD_KEEP ? "" : offload_words(now == RS_LAB_OFFLOAD_ON));
			return true;
		}
		/* The kernel's defaults cannot be put back by hand exactly
		 * (ethtool's switches set groups of features): a new pair of
		 * interfaces has them. */
		fprintf(log, "lab is up with offloads %s: rebuilding it with offloads %s "
			     "(what ran in it is ended)\n",
			now == RS_LAB_OFFLOAD_ON ? "on" : now == RS_LAB_OFFLOAD_OFF ? "off" : "mixed",
			rs_lab_offload_str(offload));
		rs_lab_down(NULL);
	} else if (rs_lab_exists() || ns_exists(RS_LAB_CLIENT_NS) || ns_exists(RS_LAB_SERVER_NS) ||
		   access(PIDFILE, F_OK) == 0) {
		fprintf(log, "lab is incomplete: rebuilding it\n");
		rs_lab_down(log);
	}
	bool on = offload == RS_LAB_OFFLOAD_ON;
	/* A signal (*stop) is looked at between the steps; the service's
	 * start is not cut short, so that its pid file is there for the
	 * removal to find it. */
	bool ok = !stopped(stop) &&
		  step(log, "netns add", IP("netns", "add", RS_LAB_CLIENT_NS), err, errlen) &&
		  !stopped(stop) &&
		  step(log, "netns add", IP("netns", "add", RS_LAB_SERVER_NS), err, errlen) &&
		  !stopped(stop) &&
		  step(log, "veth", IP("link", "add", RS_LAB_IF, "netns", RS_LAB_CLIENT_NS, "type", "veth",
				       "peer", "name", RS_LAB_IF, "netns", RS_LAB_SERVER_NS), err, errlen) &&
		  !stopped(stop) && setup_host(&hosts[0], on, log, err, errlen) &&
		  !stopped(stop) && setup_host(&hosts[1], on, log, err, errlen) &&
		  !stopped(stop) && start_service(self, err, errlen) && !stopped(stop);
	if (!ok) {
		if (stopped(stop))
			snprintf(err, errlen, "interrupted: everything 'up' made is removed");
		rs_lab_down(NULL);
		return false;
	}
	fprintf(log, "lab is up: client %s %s (%s) <-> server %s %s (%s), "
		     "server listens on TCP %d (HTTP), %d (echo) and %d (chargen); %s\n",
		RS_LAB_CLIENT4, RS_LAB_CLIENT6, RS_LAB_CLIENT_NS, RS_LAB_SERVER4, RS_LAB_SERVER6,
		RS_LAB_SERVER_NS, RS_LAB_HTTP_PORT, RS_LAB_ECHO_PORT, RS_LAB_CHARGEN_PORT,
		offload_words(on));
	return true;
}

/*
 * Ends every process still in the namespace (the lab service without a
 * pid file, a capture or a command started with 'lab exec'): a process
 * keeps a deleted namespace, its interfaces and its rules alive.  They
 * are found by their /proc/PID/ns/net, which is the same file as
 * /run/netns/NS.
 */
static void kill_ns_procs(const char *ns)
{
	char path[128];
	struct stat nst;
	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	if (stat(path, &nst) < 0)
		return;
	for (int round = 0; round < 60; round++) {
		DIR *d = opendir("/proc");
		int found = 0;
		if (!d)
			return;
		for (struct dirent *e; (e = readdir(d)) != NULL;) {
			char *end;
			long pid = strtol(e->d_name, &end, 10);
			struct stat st;
			if (*end || pid <= 1 || pid == (long)getpid())
				continue;
			snprintf(path, sizeof(path), "/proc/%ld/ns/net", pid);
			if (stat(path, &st) < 0 || st.st_dev != nst.st_dev || st.st_ino != nst.st_ino)
				continue;
			found++;
			/* SIGTERM first, SIGKILL after half a second. */
			kill((pid_t)pid, round < 25 ? SIGTERM : SIGKILL);
		}
		closedir(d);
		if (!found)
			return;
		struct timespec ts = { 0, 20 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
}

bool rs_lab_down(FILE *log)
{
	/* Nothing stops the removal halfway: the signals that would (a
	 * second ^C among them) wait until it is done, and so do they for
	 * the ip(8) it runs, which inherit the mask. */
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &old);

	/* Only the lab's own service is signalled by its pid: a stale pid
	 * file's pid may be any process's by now.  (Whatever else is in the
	 * namespaces is ended below, by namespace.) */
	struct svc svc;
	service_check(&svc);
	if (svc.st == SVC_RUNNING || svc.st == SVC_DEAF) {
		kill(svc.pid, SIGTERM);
		for (int i = 0; i < 100 && service_alive(&svc); i++) {
			struct timespec ts = { 0, 10 * 1000 * 1000 };
			nanosleep(&ts, NULL);
		}
		if (service_alive(&svc))
			kill(svc.pid, SIGKILL);
	} else if (svc.st == SVC_FOREIGN && log && !rs_proc_in_netns(svc.pid, SERVER_NSPATH)) {
		/* (One inside the namespace is ended with the others there.) */
		fprintf(log, "the pid file names process %ld, which is not the lab's service "
			     "(%s): left alone\n", (long)svc.pid, svc.why);
	}
	if (ns_exists(RS_LAB_CLIENT_NS))
		kill_ns_procs(RS_LAB_CLIENT_NS);
	if (ns_exists(RS_LAB_SERVER_NS))
		kill_ns_procs(RS_LAB_SERVER_NS);
	unlink(PIDFILE);
	unlink(PIDFILE ".tmp");
	remove_bindir();
	rmdir(RS_LAB_RUNDIR);
	char e[256] = "", e2[256] = "";
	/* Deleting a namespace deletes the veth end in it, and with it the pair. */
	if (ns_exists(RS_LAB_CLIENT_NS))
		rs_lab_run_tool(NULL, IP("netns", "del", RS_LAB_CLIENT_NS), e, sizeof(e));
	if (ns_exists(RS_LAB_SERVER_NS))
		rs_lab_run_tool(NULL, IP("netns", "del", RS_LAB_SERVER_NS), e2, sizeof(e2));
	bool clean = !ns_exists(RS_LAB_CLIENT_NS) && !ns_exists(RS_LAB_SERVER_NS);
	if (log && clean)
		fprintf(log, "lab is down\n");
	else if (log)
		fprintf(log, "lab could not be removed completely%s%s\n", e[0] || e2[0] ? ": " : "",
			e[0] ? e : e2);
	if (log)
		fflush(log);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return clean;
}

bool rs_lab_status(FILE *out)
{
	bool c = ns_exists(RS_LAB_CLIENT_NS), s = ns_exists(RS_LAB_SERVER_NS);
	bool ci = c && if_exists_in(RS_LAB_CLIENT_NS), si = s && if_exists_in(RS_LAB_SERVER_NS);
	struct svc svc;
	service_check(&svc);
	bool running = svc.st == SVC_RUNNING;

	fprintf(out, "client  %-13s %s", RS_LAB_CLIENT_NS, c ? "exists" : "absent");
	if (ci)
		fprintf(out, ", %s %s %s", RS_LAB_IF, RS_LAB_CLIENT4, RS_LAB_CLIENT6);
	fprintf(out, "\nserver  %-13s %s", RS_LAB_SERVER_NS, s ? "exists" : "absent");
	if (si)
		fprintf(out, ", %s %s %s", RS_LAB_IF, RS_LAB_SERVER4, RS_LAB_SERVER6);
	if (ci && si) {
		struct offloads co, so;
		bool got = offloads_get(RS_LAB_CLIENT_NS, &co) && offloads_get(RS_LAB_SERVER_NS, &so);
		enum rs_lab_offload m = got ? offload_mode(&co, &so) : RS_LAB_OFFLOAD_KEEP;
		fprintf(out, "\noffload ");
		if (!got) {
			fprintf(out, "unknown (the interfaces' settings cannot be read)");
		} else if (m == RS_LAB_OFFLOAD_OFF) {
			fprintf(out, "off at both ends: captured checksums are real, segments are not coalesced");
		} else if (memcmp(co.v, so.v, sizeof(co.v)) == 0) {
			fprintf(out, "%s at both ends: ", m == RS_LAB_OFFLOAD_ON ? "on" : "mixed");
			print_offloads(out, &co);
		} else {
			fprintf(out, "%s: client ", m == RS_LAB_OFFLOAD_ON ? "on" : "mixed");
			print_offloads(out, &co);
			fprintf(out, "; server ");
			print_offloads(out, &so);
		}
		if (m == RS_LAB_OFFLOAD_ON)
			fprintf(out, "\n        (TCP and UDP checksums are left for the NIC, so captures "
				     "show them unfilled: -v says 'csum offload')");
	}
	fprintf(out, "\nservice ");
	/* Running means listening: a live pid is not enough. */
	if (running)
		fprintf(out, "running (pid %ld): TCP %d HTTP, TCP %d echo, TCP %d chargen\n",
			(long)svc.pid, RS_LAB_HTTP_PORT, RS_LAB_ECHO_PORT, RS_LAB_CHARGEN_PORT);
	else if (svc.st == SVC_FOREIGN)
		fprintf(out, "not running (the pid file names process %ld, which is not the lab's "
			     "service: %s)\n", (long)svc.pid, svc.why);
	else
		fprintf(out, "not running (%s)\n", svc.why);
	bool complete = c && s && ci && si && running;
	/* A pid file alone is something left to remove, too. */
	fprintf(out, "lab is %s\n", complete ? "up" : (c || s || access(PIDFILE, F_OK) == 0) ?
		"incomplete" : "down");
	return complete;
}
