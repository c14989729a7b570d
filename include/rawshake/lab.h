/*
 * lab.h: a two-host lab in network namespaces, for demos, exercises and
 * tests that must never send a packet outside this machine.
 *
 *   rslab-client  [rslab0 192.0.2.10/24 2001:db8::10/64]
 *        <== veth ==>
 *   rslab-server  [rslab0 192.0.2.20/24 2001:db8::20/64]
 *                 listening: TCP 80 (a tiny HTTP responder), TCP 7 (echo),
 *                 TCP 19 (chargen, paced: 3 s of lines, then close)
 *
 * Only documentation addresses, no default route, no route anywhere
 * else.  Offloads are off on both ends by default so that captured
 * checksums are real and segments are not coalesced; "lab up --offload on"
 * keeps the kernel's defaults, to show what a capture on an ordinary
 * machine looks like (checksums left for the NIC).
 */
#ifndef RAWSHAKE_LAB_H
#define RAWSHAKE_LAB_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#define RS_LAB_CLIENT_NS "rslab-client"
#define RS_LAB_SERVER_NS "rslab-server"
#define RS_LAB_IF "rslab0"
#define RS_LAB_CLIENT4 "192.0.2.10"
#define RS_LAB_SERVER4 "192.0.2.20"
#define RS_LAB_CLIENT6 "2001:db8::10"
#define RS_LAB_SERVER6 "2001:db8::20"
#define RS_LAB_HTTP_PORT 80
#define RS_LAB_ECHO_PORT 7
#define RS_LAB_CHARGEN_PORT 19
/* The chargen's transfer: 13 lines of 74 bytes every 50 ms, 60 times. */
#define RS_LAB_CHARGEN_LINES_PER_TICK 13u
#define RS_LAB_CHARGEN_TICKS 60u
#define RS_LAB_CHARGEN_BYTES (RS_LAB_CHARGEN_LINES_PER_TICK * RS_LAB_CHARGEN_TICKS * 74u)
#define RS_LAB_RUNDIR "/run/rawshake-lab"

/* What rs_lab_up does with the veth ends' offloads (checksum, scatter-
 * gather, TSO, GSO, GRO). */
enum rs_lab_offload {
	RS_LAB_OFFLOAD_KEEP,   /* a lab that is up stays as it is; a new one: off */
	RS_LAB_OFFLOAD_OFF,    /* all off: captured checksums are real */
	RS_LAB_OFFLOAD_ON,     /* the kernel's defaults, untouched */
};
const char *rs_lab_offload_str(enum rs_lab_offload o);
/* "on" or "off" to the setting; false for anything else. */
bool rs_lab_offload_parse(const char *s, enum rs_lab_offload *o);

/* "client" or "server" (or the namespace name) to a namespace name; NULL if neither. */
const char *rs_lab_host_ns(const char *host);

/* Brings the lab up (idempotent: a complete lab with the offloads asked
 * for is left as it is; a partial one, or one with the other offload
 * setting, is rebuilt).  `self` is this program's path, used to start the
 * service.  Progress lines go to `log`.  When *stop is set (by the
 * caller's signal handler; stop may be NULL) it stops between its steps,
 * removes everything and returns false. */
bool rs_lab_up(const char *self, enum rs_lab_offload offload, volatile sig_atomic_t *stop,
	       FILE *log, char *err, size_t errlen);
/* Removes everything rs_lab_up made, ending any process still in the lab's
 * namespaces; SIGINT, SIGTERM and SIGHUP wait until it is done.  True when
 * nothing is left. */
bool rs_lab_down(FILE *log);
/* Prints what exists; true when the lab is complete. */
bool rs_lab_status(FILE *out);
/* True when both namespaces exist. */
bool rs_lab_exists(void);

/* Runs argv in the host's namespace and waits; returns its exit status
 * (or -1 with err filled).  argv[0] is a path: PATH is not searched. */
int rs_lab_run_in(const char *ns, char *const argv[], char *err, size_t errlen);
/* Runs the system tool argv[0] ("ip"), found in /usr/sbin, /usr/bin,
 * /sbin or /bin only (toolpath.h: never through PATH, since this runs as
 * root), with a fixed environment, inside ns (NULL: here); its output is
 * discarded, its standard error kept in err.  Returns its exit status, or
 * -1 (err says why: a tool that is not installed is named). */
int rs_lab_run_tool(const char *ns, char *const argv[], char *err, size_t errlen);
/* Replaces this process with argv run in the host's namespace.  A command
 * "rawshake" is this very program (/proc/self/exe), and so is "rawshake"
 * for the commands it starts: PATH begins with a directory under
 * RS_LAB_RUNDIR that holds only a link to it.  Without that, a build that
 * is not installed could not run "lab exec server rawshake sniff". */
int rs_lab_exec_in(const char *ns, char *const argv[], char *err, size_t errlen);
/* Moves this process into the namespace (for library callers). */
bool rs_lab_enter(const char *ns, char *err, size_t errlen);

/* The lab's service, run inside the server namespace: HTTP on 80, echo
 * on 7, chargen on 19, until SIGTERM.  Detaches when `daemonize`. */
int rs_lab_serve(bool daemonize);

/* "lab demo": up, a capture on the server, connect from the client, what the
 * server saw, down (unless it was up before).  Returns connect's status
 * (1 also when the report asked for cannot be written). */
struct rs_lab_demo_opts {
	const char *html;   /* --html FILE: the HTML report of the capture too, or NULL */
	const char *user;   /* -Z USER: who writes the report (NULL: nobody) */
};
int rs_lab_demo(const char *self, const struct rs_lab_demo_opts *opts, FILE *log);

/* "lab arpspoof": up, a third host on the link (a macvlan of the client's
 * interface) that the server resolves, then the client poisons the
 * server's entry for it with send arp while detect listens on the server;
 * ip neigh before and after, detect's alerts; the third host removed, down
 * (unless it was up before).  0 when it ran. */
int rs_lab_arpspoof(const char *self, FILE *log);

/* "lab reset": up, three transfers from the server's chargen to the
 * client, into each of which the client injects an RST with rawshake
 * reset (out of the window, in it, exact); reset's verdict, what the
 * client received and the server's TCPChallengeACK and
 * TCPACKSkippedChallenge (nstat) for each, down (unless it was up
 * before).  0 when all three ran. */
int rs_lab_reset(const char *self, FILE *log);

/* "lab old-syn": up, a capture on the server while the client sends one
 * SYN with an old ISN from a port it does not use; the server's SYN-ACK
 * draws the client kernel's RST (RFC 9293 figure 8), the capture
 * explained, down (unless it was up before).  0 when it ran. */
int rs_lab_old_syn(const char *self, FILE *log);

/* ---- What the scenarios (demo, synflood) share: lab_session.c ---- */

/* Sleeps ms, cut short by a signal. */
void rs_lab_pause_ms(long ms);
/* Waits for pid, passing a caught signal (*stop set) on to it as SIGTERM.
 * It polls: a signal caught just before a blocking wait would not
 * interrupt it.  The exit status (128 + the signal when killed), or -1. */
int rs_lab_wait_child(pid_t pid, volatile sig_atomic_t *stop);
/* When *pid > 0: sends it sig and waits (as above).  *pid becomes -1. */
int rs_lab_end_child(pid_t *pid, int sig, volatile sig_atomic_t *stop);
/* A child's SIGINT, SIGTERM and SIGHUP back to the defaults. */
void rs_lab_child_signals(void);
/* fork() with a pipe from the child to the parent: *fd is the read end in
 * the parent, the write end in the child; -1 (and *fd -1) on failure. */
pid_t rs_lab_fork_pipe(int *fd);

#define RS_LAB_SESSION_FILES 4

/* One run of a scenario. */
struct rs_lab_session {
	const char *name;               /* "demo", "synflood": in messages */
	volatile sig_atomic_t *stop;    /* set by the scenario's signal handler */
	bool was_up;                    /* the lab was up before: leave it up */
	char dir[48];                   /* a private temporary directory; "" if none */
	char files[RS_LAB_SESSION_FILES][64];   /* in dir, removed at the end */
	unsigned nfiles;
};

/* Catches SIGINT, SIGTERM and SIGHUP with on_signal (which sets *stop),
 * notes whether the lab is up and brings it up; false after a message
 * when that fails (nothing to end then).  Then makes the directory: dir
 * stays "" after a message when it cannot. */
bool rs_lab_session_begin(struct rs_lab_session *s, const char *name, const char *self,
			  volatile sig_atomic_t *stop, void (*on_signal)(int), FILE *log);
/* A path "DIR/name", removed by rs_lab_session_end; NULL without a directory. */
const char *rs_lab_session_file(struct rs_lab_session *s, const char *name);
/* Starts argv in ns, standard output and error into out_path and err_path
 * (NULL: the caller's), with the default signal handlers.  A child that
 * cannot run it says "rawshake lab NAME: REASON" and exits fail_status. */
pid_t rs_lab_session_spawn(const struct rs_lab_session *s, const char *ns, char *const argv[],
			   const char *out_path, const char *err_path, int fail_status);
/* Removes the files and the directory, then leaves the lab up when it
 * was (saying left_up) or takes it down; says so when interrupted. */
void rs_lab_session_end(struct rs_lab_session *s, FILE *log, const char *left_up);

#endif
