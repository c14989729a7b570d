/* progress.c: the progress line of a long read (progress.h). */
#include "rawshake/progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define NS_PER_S 1000000000ull
/* Packets between two looks at the clock: a read goes at millions a
 * second, so the line is late by a millisecond at most. */
#define TICK_PACKETS 1024u

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

void rs_progress_start(struct rs_progress *p, int fd, const char *name, bool stdout_busy,
		       uint64_t frames)
{
	memset(p, 0, sizeof(*p));
	if (fd < 0 || !isatty(fd) || (stdout_busy && isatty(STDOUT_FILENO)))
		return;
	p->on = true;
	p->fd = fd;
	p->name = strcmp(name, "-") ? name : "(standard input)";
	p->frames0 = frames;
	p->step_ns = NS_PER_S;
	p->every = TICK_PACKETS;
	const char *knob = getenv("RAWSHAKE_PROGRESS_TEST_MS");
	if (knob && *knob) {
		p->step_ns = strtoull(knob, NULL, 10) * 1000000ull;
		p->every = 1;
	}
	p->countdown = p->every;
	p->t0_ns = now_ns();
	p->next_ns = p->t0_ns + p->step_ns;
}

/* "12.3 MiB" into buf. */
static void fmt_bytes(char *buf, size_t n, double bytes)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	unsigned u = 0;

	while (bytes >= 1024.0 && u + 1 < sizeof(unit) / sizeof(unit[0])) {
		bytes /= 1024.0;
		u++;
	}
	snprintf(buf, n, u ? "%.1f %s" : "%.0f %s", bytes, unit[u]);
}

/* "1:02:03" or "2:03" for a number of seconds. */
static void fmt_eta(char *buf, size_t n, double s)
{
	unsigned long t = s > 3.6e7 ? 36000000ul : (unsigned long)(s + 0.5);

	if (t >= 3600)
		snprintf(buf, n, "%lu:%02lu:%02lu", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(buf, n, "%lu:%02lu", t / 60, t % 60);
}

/* The line for the state now, without the carriage return. */
static void format_line(const struct rs_progress *p, const struct rs_capfile *cf,
			uint64_t packets, double secs, char *line, size_t n)
{
	uint64_t done, total;
	char a[32], b[32], r[32], eta[32];
	int k;

	if (!rs_capfile_position(cf, &done, &total)) {
		snprintf(line, n, "%s: %llu packets, %.0f packets/s", p->name,
			 (unsigned long long)packets, packets / secs);
		return;
	}
	fmt_bytes(a, sizeof(a), (double)done);
	fmt_bytes(r, sizeof(r), done / secs);
	if (total == 0 || done > total) {
		snprintf(line, n, "%s: %s, %llu packets, %s/s", p->name, a,
			 (unsigned long long)packets, r);
		return;
	}
	fmt_bytes(b, sizeof(b), (double)total);
	k = snprintf(line, n, "%s: %s of %s (%u%%), %llu packets, %s/s", p->name, a, b,
		     (unsigned)(done * 100 / total), (unsigned long long)packets, r);
	if (done > 0 && k > 0 && (size_t)k < n) {
		fmt_eta(eta, sizeof(eta), (double)(total - done) * secs / (double)done);
		snprintf(line + k, n - (size_t)k, ", %s left", eta);
	}
}

static void put(int fd, const char *s, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, s, len);
		if (w <= 0)
			return;
		s += w;
		len -= (size_t)w;
	}
}

void rs_progress_update(struct rs_progress *p, const struct rs_capfile *cf, uint64_t frames)
{
	p->countdown = p->every;
	uint64_t t = now_ns();
	if (t < p->next_ns)
		return;
	p->next_ns = t + p->step_ns;
	double secs = (double)(t - p->t0_ns) / (double)NS_PER_S;
	if (secs <= 0.0)
		secs = 1e-9;

	char line[512];
	line[0] = '\r';
	format_line(p, cf, frames - p->frames0, secs, line + 1, sizeof(line) - 8);
	/* One terminal row: a line that wrapped could not be redrawn with \r. */
	struct winsize ws;
	size_t len = strlen(line);
	if (ioctl(p->fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1 && len > ws.ws_col)
		len = ws.ws_col;
	memcpy(line + len, "\033[K", 3);   /* the rest of a longer line before */
	put(p->fd, line, len + 3);
	p->drawn = true;
}

void rs_progress_clear(struct rs_progress *p)
{
	if (!p->drawn)
		return;
	put(p->fd, "\r\033[K", 4);
	p->drawn = false;
}
