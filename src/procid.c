/* procid.c: who a process is now: start time, namespace, executable, listeners (procid.h). */
#include "config.h"
#include "rawshake/procid.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Reads a small /proc file whole (NUL-terminated); its length, -1 on error. */
static ssize_t slurp(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t n = 0;
	if (fd < 0)
		return -1;
	while (n + 1 < len) {
		ssize_t r = read(fd, buf + n, len - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	return (ssize_t)n;
}

bool rs_proc_starttime(pid_t pid, unsigned long long *ticks)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if (pid <= 0 || slurp(path, buf, sizeof(buf)) <= 0)
		return false;
	/* The command name (field 2) may hold spaces and parentheses: the
	 * fields after it start after the last ')'. */
	char *p = strrchr(buf, ')');
	if (!p || p[1] != ' ')
		return false;
	p += 2;
	if (*p == 'Z' || *p == 'X')
		return false;
	/* p is at field 3 (state); the start time is field 22. */
	for (int field = 3; field < 22; field++) {
		p = strchr(p, ' ');
		if (!p)
			return false;
		p++;
	}
	char *end;
	errno = 0;
	unsigned long long t = strtoull(p, &end, 10);
	if (end == p || errno)
		return false;
	*ticks = t;
	return true;
}

bool rs_proc_in_netns(pid_t pid, const char *nspath)
{
	char path[64];
	struct stat a, b;
	snprintf(path, sizeof(path), "/proc/%ld/ns/net", (long)pid);
	return pid > 0 && stat(path, &a) == 0 && stat(nspath, &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

int rs_proc_argv(pid_t pid, char *buf, size_t buflen, char **argv, int maxargs)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%ld/cmdline", (long)pid);
	ssize_t n = pid > 0 && buflen > 1 ? slurp(path, buf, buflen) : -1;
	if (n < 0)
		return -1;
	int argc = 0;
	for (ssize_t i = 0; i < n && argc < maxargs; argc++) {
		argv[argc] = buf + i;
		i += (ssize_t)strlen(buf + i) + 1;
	}
	return argc;
}

bool rs_proc_exe_is(pid_t pid, const char *path)
{
	char link[64], target[PATH_MAX];
	struct stat a, b;
	snprintf(link, sizeof(link), "/proc/%ld/exe", (long)pid);
	if (pid <= 0)
		return false;
	if (stat(link, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		return true;
	ssize_t n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return false;
	target[n] = '\0';
	static const char deleted[] = " (deleted)";
	size_t pl = strlen(path), dl = sizeof(deleted) - 1;
	return (size_t)n == pl + dl && strncmp(target, path, pl) == 0 &&
	       strcmp(target + pl, deleted) == 0;
}

/* The inodes of the sockets listening on port in a /proc/PID/net/tcp{,6}
 * table; how many (at most max). */
static size_t listening_inodes(const char *path, uint16_t port, unsigned long *inodes, size_t max)
{
	FILE *f = fopen(path, "re");
	char line[512];
	size_t n = 0;
	if (!f)
		return 0;
	if (!fgets(line, sizeof(line), f)) {   /* the header */
		fclose(f);
		return 0;
	}
	while (n < max && fgets(line, sizeof(line), f)) {
		unsigned lport, st;
		unsigned long ino;
		/* sl: local:port remote:port st tx:rx tr:when retrnsmt uid timeout inode */
		if (sscanf(line, " %*u: %*[0-9A-Fa-f]:%x %*[0-9A-Fa-f]:%*x %x %*x:%*x %*x:%*x %*x %*u %*u %lu",
			   &lport, &st, &ino) != 3)
			continue;
		if (lport == port && st == 0x0A /* TCP_LISTEN */ && ino != 0)
			inodes[n++] = ino;
	}
	fclose(f);
	return n;
}

bool rs_proc_listens_tcp(pid_t pid, uint16_t port)
{
	char path[64];
	unsigned long inodes[32];
	size_t n = 0;

	if (pid <= 0)
		return false;
	/* /proc/PID/net is the process's namespace, not the reader's. */
	snprintf(path, sizeof(path), "/proc/%ld/net/tcp", (long)pid);
	n += listening_inodes(path, port, inodes, 32);
	snprintf(path, sizeof(path), "/proc/%ld/net/tcp6", (long)pid);
	n += listening_inodes(path, port, inodes + n, 32 - n);
	if (n == 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%ld/fd", (long)pid);
	DIR *d = opendir(path);
	if (!d)
		return false;
	bool found = false;
	for (struct dirent *e; !found && (e = readdir(d)) != NULL;) {
		char fdpath[sizeof(path) + NAME_MAX + 2], target[64];
		unsigned long ino;
		if (e->d_name[0] == '.')
			continue;
		snprintf(fdpath, sizeof(fdpath), "%s/%s", path, e->d_name);
		ssize_t r = readlink(fdpath, target, sizeof(target) - 1);
		if (r <= 0)
			continue;
		target[r] = '\0';
		if (sscanf(target, "socket:[%lu]", &ino) != 1)
			continue;
		for (size_t i = 0; i < n; i++)
			found = found || inodes[i] == ino;
	}
	closedir(d);
	return found;
}
