/*
 * scan.h: `scan`, the SYN scan (nmap -sS), with the exchange that proves
 * each verdict.
 *
 * One SYN per port from one source port, paced at a rate; a port whose
 * probe draws no answer within the timeout gets the same SYN once more.
 * The answer classifies the port as nmap does:
 *   SYN-ACK                      open (and we answer it with a RST, so
 *                                that the server keeps no half-open entry)
 *   RST                          closed
 *   ICMP/ICMPv6 unreachable      filtered (the code says who refused)
 *   nothing, twice               filtered
 * Each probe's sequence number is derived from the port (rs_scan_seq), so
 * that a SYN-ACK or RST is checked against the probe it acknowledges.
 *
 * The local kernel has no socket for our source port: it would answer a
 * SYN-ACK with a RST of its own.  The caller installs the RST guard of
 * connect_rstguard.h for our address and port towards every port of the
 * destination (dport 0) and passes its mark, so that the RST the scan
 * sends is the only one.
 */
#ifndef RAWSHAKE_SCAN_H
#define RAWSHAKE_SCAN_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rawshake/craft.h"
#include "rawshake/out.h"
#include "rawshake/packet.h"
#include "rawshake/send_inject.h"
#include "rawshake/send_replies.h"

/* A set of TCP ports (1 to 65535). */
struct rs_scan_ports {
	uint32_t n;
	uint8_t bits[65536 / 8];
};

/*
 * Adds the ports of a list to p: "80", "1-1024", "22,80,8000-8080", "-"
 * (every port, as nmap's -p-), "1024-" (1024 to 65535), "-100" (1 to
 * 100).  False with err naming the item that is wrong (port 0, a range
 * that runs backwards, an empty item, not a number); p may then hold part
 * of the list.
 */
bool rs_scan_ports_parse(const char *s, struct rs_scan_ports *p, char *err, size_t errlen);
bool rs_scan_ports_has(const struct rs_scan_ports *p, uint16_t port);
/* The ports in ascending order into out (room for p->n); how many. */
uint32_t rs_scan_ports_list(const struct rs_scan_ports *p, uint16_t *out);

enum rs_scan_state { RS_SCAN_PENDING, RS_SCAN_OPEN, RS_SCAN_CLOSED, RS_SCAN_FILTERED };
/* "pending", "open", "closed", "filtered" */
const char *rs_scan_state_str(enum rs_scan_state s);

/* What decided a port, named as nmap's --reason names it. */
enum rs_scan_reason { RS_SCAN_R_NONE, RS_SCAN_R_SYN_ACK, RS_SCAN_R_RST, RS_SCAN_R_ICMP,
		      RS_SCAN_R_NO_RESPONSE };
/* "none", "syn-ack", "reset", "icmp-unreach", "no-response" */
const char *rs_scan_reason_str(enum rs_scan_reason r);

/* The sequence number of the SYN to port: base plus a multiple of the
 * port, so that no two ports' probes share one. */
uint32_t rs_scan_seq(uint32_t base, uint16_t port);

/* Who the probes are: what a reply must match. */
struct rs_scan_probe_id {
	uint8_t v;
	uint8_t src[16], dst[16];
	uint16_t sport;
	uint32_t seq_base;
};

/* The verdict one reply gives. */
struct rs_scan_verdict {
	uint16_t port;
	enum rs_scan_state state;
	enum rs_scan_reason reason;
	uint8_t icmp_v, icmp_type, icmp_code;
	uint8_t from[16];          /* who sent the reply (a router for an ICMP error) */
};

/*
 * What reply says about one of our probes: a TCP segment from dst to our
 * source port (a SYN-ACK acknowledging the probe's seq + 1: open; a RST,
 * whose ACK when it has one is the same: closed), or an ICMP destination
 * unreachable (codes 0-3, 9, 10, 13; ICMPv6 type 1, any code) quoting a
 * TCP segment from our address and port to dst: filtered.  False for
 * anything else (which the scan ignores).
 */
bool rs_scan_classify(const struct rs_packet *reply, const struct rs_scan_probe_id *id,
		      struct rs_scan_verdict *vd);

/* One port's result: the verdict and the exchange behind it. */
struct rs_scan_result {
	struct rs_scan_verdict vd;
	uint8_t probes;            /* SYNs sent (1, or 2 after the retransmission) */
	uint8_t rsts;              /* RSTs we sent (one per SYN-ACK) */
	int64_t sent_mono;         /* the last SYN, CLOCK_MONOTONIC (for the timeout) */
	int64_t sent_ns;           /* the last SYN, CLOCK_REALTIME */
	int64_t rtt_ns;            /* reply - last SYN; 0 when no reply */
};

struct rs_scan_cfg {
	struct rs_scan_probe_id id;
	double rate;               /* SYNs per second (retransmissions included) */
	uint64_t timeout_ns;       /* wait for an answer before the retransmission, and after */
	uint8_t ttl;
};

#define RS_SCAN_DEFAULT_RATE 100.0
#define RS_SCAN_MAX_RATE 10000.0
#define RS_SCAN_DEFAULT_TIMEOUT_NS 1000000000ull

struct rs_scan_stats {
	uint32_t open, closed, filtered, pending;
	uint64_t probes, rsts, replies;
	int64_t elapsed_ns;
};

struct rs_scan {
	struct rs_scan_cfg cfg;
	struct rs_scan_result *res;   /* one per port, ascending */
	uint32_t n, decided;
	uint32_t next_first;          /* the next port to get its first SYN */
	uint32_t next_retx;           /* the oldest port that may need its second */
	uint32_t next_expire;         /* the oldest port that may time out */
	struct rs_crafter crafter;
	struct rs_injector inj;
	struct rs_listener ls;
	struct rs_packet rx;
	struct rs_scan_stats st;
	int send_errno;
};

/*
 * Opens the raw socket (marked with mark when not 0, for the RST guard)
 * and the capture of the replies on ifname, and sets up one result per
 * port.  Needs CAP_NET_RAW (and CAP_NET_ADMIN for the mark); sends
 * nothing.  False with err.
 */
bool rs_scan_open(struct rs_scan *sc, const struct rs_scan_cfg *cfg, const struct rs_scan_ports *ports,
		  const char *ifname, uint32_t mark, char *err, size_t errlen);
/*
 * Scans until every port is decided or *stop.  Returns 0 when done (or
 * stopped: ports left pending), 1 when a send or the capture failed (err).
 */
int rs_scan_run(struct rs_scan *sc, volatile sig_atomic_t *stop, char *err, size_t errlen);
void rs_scan_close(struct rs_scan *sc);

/* Counts of sc->res by state (st's open/closed/filtered/pending). */
void rs_scan_count(const struct rs_scan_result *res, uint32_t n, struct rs_scan_stats *st);

/*
 * One port as text, "80/tcp open: SYN -> SYN-ACK (rtt 0.12 ms), RST sent",
 * or as one JSON object on a line ({"type":"scan_port",...}).
 */
void rs_scan_print_port(struct rs_out *o, const struct rs_scan_result *r, bool json,
			const struct rs_scan_cfg *cfg);
/* "3 open, 10 closed, 1 filtered in 1.2 s (14 ports, 15 SYNs, 3 RSTs)", or
 * {"type":"scan_summary",...}. */
void rs_scan_print_summary(struct rs_out *o, const struct rs_scan_stats *st, bool json,
			   const struct rs_scan_cfg *cfg);

#endif
