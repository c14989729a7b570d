/* flood.c: a bounded SYN flood on the send loop, run in slices (where it may go: guard.c). */
#include "config.h"
#include "rawshake/clock.h"
#include "rawshake/flood.h"
#include "rawshake/packet.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

void rs_flood_syn_like_linux(struct rs_send_cfg *cfg, uint32_t tsval)
{
	struct rs_craft_spec *s = &cfg->spec;
	s->proto = RS_CRAFT_TCP;
	s->flags = RS_TH_SYN;
	s->win = 64240;
	s->ack = 0;
	s->df = s->v == 4;
	memset(&s->opts, 0, sizeof(s->opts));
	/* The order Linux uses: mss, sackOK, TS val ecr 0, nop, wscale 7. */
	rs_tcpopts_mss(&s->opts, s->v == 6 ? 1440 : 1460);
	rs_tcpopts_sack_perm(&s->opts);
	rs_tcpopts_ts(&s->opts, tsval, 0);
	rs_tcpopts_nop(&s->opts);
	rs_tcpopts_wscale(&s->opts, 7);
}

static volatile sig_atomic_t flood_stop;

void rs_flood_stop(void)
{
	flood_stop = 1;
	rs_send_stop();
}

/* Sleeps until the monotonic time t, or a signal. */
static void sleep_until(int64_t t)
{
	struct timespec ts = rs_ns_timespec(t);
	while (!flood_stop && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/*
 * Source ports for k packets (k < 65536) that never repeat and never hit
 * port 0: port(i) = stride * (1 + j + i) mod 65536 with an odd (so
 * invertible) random stride and j in [0, 65536 - k), which reaches 0 only
 * at i = 65535 - j >= k.
 */
static void port_walk(uint64_t *rng, uint64_t k, uint16_t *base, uint16_t *stride)
{
	uint64_t r = rs_prng_next(rng);
	uint16_t st = (uint16_t)(r | 1);
	uint32_t j = (uint32_t)((r >> 16) % (65536 - k));
	*stride = st;
	*base = (uint16_t)(st * (1 + j));
}

/* The pace of a run: when it started and ends, how far apart packets go
 * and how many one slice sends. */
struct pace {
	int64_t start, end, slice;
	double interval;      /* ns between packets; 0: as fast as possible */
	uint64_t per_slice;
};

static void pace_init(struct pace *p, const struct rs_flood *f)
{
	p->slice = f->slice_ns ? (int64_t)f->slice_ns : 200000000;
	p->start = rs_clock_mono_ns();
	p->end = f->duration_ns ? p->start + (int64_t)f->duration_ns : INT64_MAX;
	p->interval = f->rate > 0 ? 1e9 / f->rate : 0;
	p->per_slice = f->rate > 0 ? (uint64_t)(f->rate * (double)p->slice / 1e9) : 65535;
	if (p->per_slice < 1)
		p->per_slice = 1;
	if (p->per_slice > 65535)
		p->per_slice = 65535;
}

/* The send configuration of one slice of k packets, from the flood's,
 * with this slice's random seed, ports, IP ID and timestamp. */
static void slice_cfg(struct rs_send_cfg *cfg, const struct rs_flood *f, const struct pace *p,
		      uint64_t *rng, uint64_t k, int64_t now)
{
	*cfg = f->send;
	cfg->quiet = true;
	cfg->listen = false;
	cfg->wait_ns = 0;
	cfg->write_path = NULL;
	cfg->count = k;
	cfg->flood = p->interval == 0;
	cfg->interval_ns = (uint64_t)p->interval;
	cfg->seed = rs_prng_next(rng);
	cfg->rand_seq = cfg->spec.proto == RS_CRAFT_TCP;
	/* A flood slice ends with its 200 ms; a paced one with its count
	 * (its packets take about 200 ms), or the flood's end. */
	int64_t left = p->end - now;
	if (cfg->flood)
		cfg->duration_ns = (uint64_t)(left < p->slice ? left : p->slice);
	else
		cfg->duration_ns = p->end == INT64_MAX ? 0 : (uint64_t)left;
	if (f->rand_sport)
		port_walk(rng, k, &cfg->spec.sport, &cfg->sport_step);
	if (cfg->vary_id)
		cfg->spec.id = (uint16_t)rs_prng_next(rng);
	if (f->syn_like_linux)
		rs_flood_syn_like_linux(cfg, (uint32_t)rs_prng_next(rng));
}

/* Sends one slice with a sender of its own: the packet is built anew
 * with this slice's options (quiet and not listening: no view needed).
 * Adds to st; the slice's own count of sent packets in *sent. */
static int slice_send(const struct rs_send_cfg *cfg, struct rs_flood_stats *st, uint64_t *sent,
		      char *err, size_t errlen)
{
	struct rs_send_stats ss;
	struct rs_sender *sd = NULL;
	int status = rs_send_open(&sd, cfg, err, errlen);

	memset(&ss, 0, sizeof(ss));
	if (status == 0) {
		status = rs_send_run(sd, NULL, NULL, &ss, err, errlen);
		st->sent += ss.sent;
		st->errors += ss.errors;
	}
	rs_send_close(sd);
	*sent = ss.sent;
	return status;
}

static void stats_at(struct rs_flood_stats *st, int64_t start, int64_t now)
{
	st->elapsed_ns = now - start;
	/* One packet, or none, over no time is no rate ("5067.0 packets/s"
	 * from a single SYN says nothing). */
	st->pps = st->sent >= 2 && st->elapsed_ns > 0
		? (double)st->sent * 1e9 / (double)st->elapsed_ns : 0;
}

int rs_flood_run(const struct rs_flood *f, rs_flood_progress_fn fn, void *arg,
		 struct rs_flood_stats *st, char *err, size_t errlen)
{
	static struct rs_send_cfg cfg;   /* about a page: not on the stack */
	uint64_t rng = f->seed;
	struct pace p;
	int status = 0;

	memset(st, 0, sizeof(*st));
	flood_stop = 0;
	if (!rng && getrandom(&rng, sizeof(rng), 0) != sizeof(rng))
		rng = (uint64_t)rs_clock_mono_ns();
	pace_init(&p, f);
	int64_t last_report = p.start;

	for (uint64_t done = 0; !flood_stop;) {
		if (f->count && done >= f->count)
			break;
		/* Paced: this slice's first packet is due at start + done / rate. */
		if (p.interval > 0 && done > 0)
			sleep_until(p.start + (int64_t)((double)done * p.interval));
		int64_t now = rs_clock_mono_ns();
		if (flood_stop || now >= p.end)
			break;
		uint64_t k = p.per_slice, sent;
		if (f->count && f->count - done < k)
			k = f->count - done;
		slice_cfg(&cfg, f, &p, &rng, k, now);
		status = slice_send(&cfg, st, &sent, err, errlen);
		done += sent;   /* a flood slice may end on its time first */
		now = rs_clock_mono_ns();
		stats_at(st, p.start, now);
		if (status != 0)
			break;
		/* Once a second: enough to see it run, few enough to read. */
		if (fn && now - last_report >= 1000000000) {
			last_report = now;
			fn(st, false, arg);
		}
	}
	stats_at(st, p.start, rs_clock_mono_ns());
	if (fn)
		fn(st, true, arg);
	return status;
}

int rs_flood_progress_format(const struct rs_flood *f, const struct rs_flood_stats *st,
			     char *buf, size_t len)
{
	char of_n[32] = "", of_t[32] = "";
	if (f->count)
		snprintf(of_n, sizeof(of_n), " of %llu", (unsigned long long)f->count);
	if (f->duration_ns)
		snprintf(of_t, sizeof(of_t), " of %.1f", (double)f->duration_ns / 1e9);
	char rate[48] = "";
	if (st->pps > 0)
		snprintf(rate, sizeof(rate), "  rate %.0f pps", st->pps);
	return snprintf(buf, len, "sent %llu%s%s  elapsed %.1f%s s", (unsigned long long)st->sent,
			of_n, rate, (double)st->elapsed_ns / 1e9, of_t);
}

void rs_flood_progress_tty(const struct rs_flood_stats *st, bool last, void *arg)
{
	const struct rs_flood_tty *t = arg;
	char line[160];
	/* Trailing blanks cover what a longer line before left. */
	int n = rs_flood_progress_format(t->f, st, line + 1, sizeof(line) - 8);
	if (n < 0)
		return;
	line[0] = '\r';
	size_t len = 1 + ((size_t)n < sizeof(line) - 9 ? (size_t)n : sizeof(line) - 9);
	memcpy(line + len, "   ", 3);
	len += 3;
	if (last)
		line[len++] = '\n';
	/* One write a second: a terminal, not the packet path. */
	ssize_t w;
	while ((w = write(t->fd, line, len)) < 0 && errno == EINTR)
		;
}

/* The counters we read, by their /proc names. */
static const struct {
	const char *proto, *name;
} kctr_names[RS_KCTR_N] = {
	[RS_KCTR_SYNCOOKIES_SENT] = { "TcpExt", "SyncookiesSent" },
	[RS_KCTR_SYNCOOKIES_RECV] = { "TcpExt", "SyncookiesRecv" },
	[RS_KCTR_SYNCOOKIES_FAILED] = { "TcpExt", "SyncookiesFailed" },
	[RS_KCTR_LISTEN_OVERFLOWS] = { "TcpExt", "ListenOverflows" },
	[RS_KCTR_LISTEN_DROPS] = { "TcpExt", "ListenDrops" },
	[RS_KCTR_REQQ_FULL_COOKIES] = { "TcpExt", "TCPReqQFullDoCookies" },
	[RS_KCTR_REQQ_FULL_DROP] = { "TcpExt", "TCPReqQFullDrop" },
	[RS_KCTR_PASSIVE_OPENS] = { "Tcp", "PassiveOpens" },
	[RS_KCTR_ATTEMPT_FAILS] = { "Tcp", "AttemptFails" },
	[RS_KCTR_IN_SEGS] = { "Tcp", "InSegs" },
	[RS_KCTR_OUT_SEGS] = { "Tcp", "OutSegs" },
	[RS_KCTR_OUT_RSTS] = { "Tcp", "OutRsts" },
};

const char *rs_kctr_str(enum rs_kctr k)
{
	static const char *const full[RS_KCTR_N] = {
		[RS_KCTR_SYNCOOKIES_SENT] = "TcpExt:SyncookiesSent",
		[RS_KCTR_SYNCOOKIES_RECV] = "TcpExt:SyncookiesRecv",
		[RS_KCTR_SYNCOOKIES_FAILED] = "TcpExt:SyncookiesFailed",
		[RS_KCTR_LISTEN_OVERFLOWS] = "TcpExt:ListenOverflows",
		[RS_KCTR_LISTEN_DROPS] = "TcpExt:ListenDrops",
		[RS_KCTR_REQQ_FULL_COOKIES] = "TcpExt:TCPReqQFullDoCookies",
		[RS_KCTR_REQQ_FULL_DROP] = "TcpExt:TCPReqQFullDrop",
		[RS_KCTR_PASSIVE_OPENS] = "Tcp:PassiveOpens",
		[RS_KCTR_ATTEMPT_FAILS] = "Tcp:AttemptFails",
		[RS_KCTR_IN_SEGS] = "Tcp:InSegs",
		[RS_KCTR_OUT_SEGS] = "Tcp:OutSegs",
		[RS_KCTR_OUT_RSTS] = "Tcp:OutRsts",
	};
	return (unsigned)k < RS_KCTR_N ? full[k] : "?";
}

/* The next whitespace-separated word of the line at *p (which stops at
 * '\n'); its length in *n, NULL at the end of the line. */
static const char *word(const char **p, size_t *n)
{
	const char *s = *p;
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0' || *s == '\n') {
		*p = s;
		return NULL;
	}
	const char *w = s;
	while (*s && *s != ' ' && *s != '\t' && *s != '\n')
		s++;
	*n = (size_t)(s - w);
	*p = s;
	return w;
}

static const char *next_line(const char *s)
{
	const char *nl = strchr(s, '\n');
	return nl ? nl + 1 : NULL;
}

bool rs_kcounters_parse(const char *text, struct rs_kcounters *k)
{
	bool any = false;
	/* Each protocol has two lines: "Proto: names..." then "Proto: values...". */
	for (const char *hdr = text; hdr && *hdr;) {
		const char *val = next_line(hdr);
		if (!val || !*val)
			break;
		const char *colon = strchr(hdr, ':');
		const char *nl = strchr(hdr, '\n');
		size_t plen = colon && colon < nl ? (size_t)(colon - hdr) : 0;
		if (plen == 0 || strncmp(val, hdr, plen + 1) != 0) {
			hdr = val;   /* out of step: try the next line as a header */
			continue;
		}
		const char *hp = hdr + plen + 1, *vp = val + plen + 1;
		const char *hw, *vw;
		size_t hn, vn;
		while ((hw = word(&hp, &hn)) && (vw = word(&vp, &vn))) {
			for (unsigned i = 0; i < RS_KCTR_N; i++) {
				if (strlen(kctr_names[i].proto) != plen ||
				    strncmp(kctr_names[i].proto, hdr, plen) != 0 ||
				    strlen(kctr_names[i].name) != hn || strncmp(kctr_names[i].name, hw, hn) != 0)
					continue;
				uint64_t v = 0;
				bool digits = vn > 0;
				for (size_t d = 0; d < vn; d++) {
					if (vw[d] < '0' || vw[d] > '9') {
						digits = false;
						break;
					}
					v = v * 10 + (uint64_t)(vw[d] - '0');
				}
				if (digits) {
					k->v[i] = v;
					k->have[i] = true;
					any = true;
				}
			}
		}
		hdr = next_line(val);
	}
	return any;
}
