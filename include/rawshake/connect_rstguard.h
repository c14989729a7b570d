/*
 * connect_rstguard.h: keeping the local kernel from resetting a connection it
 * never made.
 *
 * `connect` builds its segments by hand, so when the peer's SYN-ACK
 * arrives the kernel finds no socket for it and answers with a RST, which
 * would kill the connection on the peer's side.  The guard is an nftables
 * table of our own, `inet rawshake_<pid>`, holding one rule on the output
 * hook: drop TCP segments with RST set from our address and port to the
 * peer's address and port, unless they carry our mark (SO_MARK on our raw
 * socket, so a RST we send on purpose still goes out).  Nothing else on
 * the machine is touched, and the table is deleted on every way out: the
 * normal end, an error, SIGINT/SIGTERM/SIGHUP (forwarded to the worker,
 * then the guard is removed), atexit.  A table left by a process killed
 * with SIGKILL is found by its pid and removed on the next run, once that
 * process has ended (its comment holds the owner's start time, so a new
 * process with the same pid does not keep it); the worker of a
 * supervisor killed so dies with it (rs_connect_rstguard_tie_worker()).
 *
 * nft is looked for in /usr/sbin, /usr/bin, /sbin and /bin, never through
 * PATH (toolpath.h; Debian package nftables).
 */
#ifndef RAWSHAKE_RSTGUARD_H
#define RAWSHAKE_RSTGUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define RS_CONNECT_RSTGUARD_PREFIX "rawshake_"
#define RS_CONNECT_RSTGUARD_MARK 0x7273686bu   /* "rshk": our own segments */

struct rs_connect_rstguard {
	bool active;
	pid_t owner;                 /* the process that removes it */
	char table[32];              /* rawshake_<pid> */
};

/* True when nft can be run; otherwise false with a message naming the
 * Debian package. */
bool rs_connect_rstguard_available(char *err, size_t errlen);

/*
 * Installs the table for one 4-tuple (v 4 or 6, our src/sport, the peer's
 * dst/dport; dport 0 for every port of dst, as a scan from one source port
 * needs).  Catches SIGINT, SIGTERM and SIGHUP from here on (see
 * rs_connect_rstguard_signalled()) and removes the guard at exit.
 */
bool rs_connect_rstguard_install(struct rs_connect_rstguard *g, uint8_t v, const uint8_t *src, uint16_t sport,
			 const uint8_t *dst, uint16_t dport, char *err, size_t errlen);
/* The RSTs the rule dropped so far; -1 when it cannot be read. */
long long rs_connect_rstguard_dropped(const struct rs_connect_rstguard *g);
/* Deletes the table; true when it is gone. */
bool rs_connect_rstguard_remove(struct rs_connect_rstguard *g, char *err, size_t errlen);

/* The signal caught since rs_connect_rstguard_install(), or 0. */
int rs_connect_rstguard_signalled(void);

/*
 * The privileged half of the privilege split: waits for the worker
 * (child), passing on SIGINT, SIGTERM and SIGHUP, then removes the guard.
 * Returns the worker's exit status (128 + signal when it was killed).
 */
int rs_connect_rstguard_supervise(struct rs_connect_rstguard *g, pid_t child);

/*
 * In the worker, right after the fork and again once it has given up its
 * privileges (a change of user clears the setting): the kernel sends it
 * SIGKILL when the supervisor ends, however that ends, SIGKILL included,
 * so that no worker runs on without the process that owns its guard.
 * False when the supervisor is already gone (it ended before the setting
 * took effect): the worker must exit then.
 */
bool rs_connect_rstguard_tie_worker(pid_t supervisor);

/*
 * Deletes the tables rawshake_<pid> in this network namespace whose
 * process is gone (or is another process with that pid now).  Returns how many, or -1 when nft could not list them.
 * Each removal is reported on log when given.
 */
int rs_connect_rstguard_cleanup_stale(FILE *log);

#endif
