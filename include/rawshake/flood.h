/*
 * flood.h: `flood`, a bounded SYN flood built on the send loop (send.h),
 * the destination check that keeps it inside test networks, and the
 * `lab synflood` scenario with the kernel's TCP counters it reads.
 *
 * The flood runs rs_send_run() in slices of at most 200 ms: between
 * slices it reports progress and gives the next slice fresh per-slice
 * values (a random stride through the source-port space, a random
 * TSval, IPv4 ID and seed).  Sequence numbers and, with a CIDR, source
 * addresses are random per packet inside each slice (send's own
 * randomisation).
 */
#ifndef RAWSHAKE_FLOOD_H
#define RAWSHAKE_FLOOD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rawshake/craft_opts.h"
#include "rawshake/guard.h"
#include "rawshake/send.h"

/* Makes cfg->spec a SYN as Linux sends it: window 64240, DF, options
 * MSS 1460 (1440 for IPv6), SACK permitted, timestamps (TSval tsval,
 * TSecr 0), NOP, window scale 7. */
void rs_flood_syn_like_linux(struct rs_send_cfg *cfg, uint32_t tsval);

struct rs_flood {
	struct rs_send_cfg send;      /* prepared (rs_send_prepare) */
	double rate;                  /* packets per second; 0: as fast as possible */
	uint64_t count;               /* 0: until duration_ns */
	uint64_t duration_ns;         /* 0: until count */
	bool rand_sport;              /* a different source port for every packet */
	bool syn_like_linux;          /* a fresh random TSval for every slice */
	uint64_t slice_ns;            /* 0: 200 ms */
	uint64_t seed;                /* 0: from getrandom */
};

struct rs_flood_stats {
	uint64_t sent, errors;
	int64_t elapsed_ns;
	double pps;                   /* 0: no rate (fewer than 2 packets, or no time) */
};

/* Called between slices, about once a second, and once at the end (last
 * true). */
typedef void (*rs_flood_progress_fn)(const struct rs_flood_stats *st, bool last, void *arg);

/* The status line of a running flood, "sent N  rate R pps  elapsed T s",
 * with " of N" and " of T s" for its bounds (no rate while there is
 * none); its length (as snprintf). */
int rs_flood_progress_format(const struct rs_flood *f, const struct rs_flood_stats *st,
			     char *buf, size_t len);

/*
 * The progress callback of `flood` (and so of `lab synflood`, whose flood
 * is a `flood` writing to the same terminal): the status line on fd,
 * redrawn in place ("\r"), ended with a newline at the end.  For a
 * terminal only: the caller passes it when isatty(fd).
 */
struct rs_flood_tty {
	const struct rs_flood *f;
	int fd;
};
void rs_flood_progress_tty(const struct rs_flood_stats *st, bool last, void *arg);

/* Runs the flood until count packets, duration_ns or rs_flood_stop().
 * Returns as rs_send_run() does: 0 done, 1 a send failed, 2 a socket
 * could not be opened (err says why). */
int rs_flood_run(const struct rs_flood *f, rs_flood_progress_fn fn, void *arg,
		 struct rs_flood_stats *st, char *err, size_t errlen);
/* Asks a running rs_flood_run() to stop (from a signal handler). */
void rs_flood_stop(void);

/*
 * The kernel's TCP counters, as /proc/net/netstat (TcpExt) and
 * /proc/net/snmp (Tcp) show them inside one network namespace.
 */
enum rs_kctr {
	RS_KCTR_SYNCOOKIES_SENT, RS_KCTR_SYNCOOKIES_RECV, RS_KCTR_SYNCOOKIES_FAILED,
	RS_KCTR_LISTEN_OVERFLOWS, RS_KCTR_LISTEN_DROPS, RS_KCTR_REQQ_FULL_COOKIES,
	RS_KCTR_REQQ_FULL_DROP, RS_KCTR_PASSIVE_OPENS, RS_KCTR_ATTEMPT_FAILS,
	RS_KCTR_IN_SEGS, RS_KCTR_OUT_SEGS, RS_KCTR_OUT_RSTS,
	RS_KCTR_N
};
/* "TcpExt:SyncookiesSent", "Tcp:PassiveOpens", ... */
const char *rs_kctr_str(enum rs_kctr k);

struct rs_kcounters {
	uint64_t v[RS_KCTR_N];
	bool have[RS_KCTR_N];
};
/* Fills k from the text of /proc/net/netstat or /proc/net/snmp (header
 * line, value line, per protocol); counters not in text are left alone.
 * False when text holds no counter we know. */
bool rs_kcounters_parse(const char *text, struct rs_kcounters *k);

/* "lab synflood": floods the lab server from the client while a
 * legitimate client keeps connecting, and reports what rawshake detect
 * saw next to the kernel's counters.  Returns 0 when it ran to the end. */
int rs_lab_synflood(const char *self, double rate, uint64_t duration_ns, FILE *log);
/* The longest `lab synflood` without --force: a demonstration, not a load
 * test (flood's own --duration goes up to an hour). */
#define RS_LAB_SYNFLOOD_MAX_S 60

#endif
