/*
 * detect.h: the SYN-flood and port-scan detector behind "rawshake detect".
 *
 * Fed decoded packets in capture order, it keeps per victim (destination
 * address and port) and per victim host (all its ports together) a sliding
 * window of one-second buckets and a set of half-open handshakes, and per
 * (source, target host) a small port sketch.  A flood spread over many
 * ports of one host is a flood on the host; when a table is full and
 * evicts faster than a threshold, that itself is an alert (state
 * exhausted: evidence is being lost).
 * Time comes only from the packets' timestamps (and, on an idle live link,
 * from rs_detect_tick() with the capture clock), so a file and a live
 * capture of the same traffic give the same alerts.
 *
 * For ARP (and IPv6 neighbour discovery) it keeps a bounded table of
 * address-to-MAC bindings and a ring of recent requests: an address
 * claimed by a second MAC within --arp-window, gratuitous messages above
 * a rate, and replies that answer no request seen are alerts.
 *
 * Memory is allocated once in rs_detect_new() and never again: every
 * table is bounded and counts what it evicts.  rs_detect_mem_bound()
 * says how many bytes that is.
 */
#ifndef RAWSHAKE_DETECT_H
#define RAWSHAKE_DETECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rawshake/out.h"
#include "rawshake/packet.h"

enum rs_detect_alert_kind {
	RS_DETECT_ALERT_SYN_FLOOD,
	RS_DETECT_ALERT_PORT_SCAN,
	RS_DETECT_ALERT_STATE_EXHAUSTED,
	RS_DETECT_ALERT_ARP_SPOOF,       /* an address claimed by a second MAC */
	RS_DETECT_ALERT_ARP_GRATUITOUS,  /* gratuitous ARP above the rate */
	RS_DETECT_ALERT_ARP_UNSOLICITED, /* a reply to no request seen */
};
/* "syn-flood", "port-scan", "state-exhausted", "arp-spoof",
 * "arp-gratuitous-flood", "arp-unsolicited-reply" */
const char *rs_detect_alert_kind_str(enum rs_detect_alert_kind k);

enum rs_detect_alert_phase {
	RS_DETECT_ALERT_START,
	RS_DETECT_ALERT_UPDATE,
	RS_DETECT_ALERT_END,
};
/* "start", "update", "end" */
const char *rs_detect_alert_phase_str(enum rs_detect_alert_phase p);

enum rs_detect_format {
	RS_DETECT_TEXT,
	RS_DETECT_JSON,
};
/* "text", "json" */
const char *rs_detect_format_str(enum rs_detect_format f);

/* One alert line, as printed and as handed to the callback. */
struct rs_detect_alert {
	enum rs_detect_alert_kind kind;
	enum rs_detect_alert_phase phase;
	int64_t ts_ns;             /* capture time of the decision */
	uint8_t ts_digits;         /* 6 or 9: how the time is printed */
	uint8_t v;                 /* 4 or 6 */
	uint8_t victim[16];        /* flood: the victim; scan: the target host */
	uint16_t port;             /* flood: the victim's port (0 when host_wide); scan: 0 */
	bool host_wide;            /* flood: over all the host's ports together */
	uint8_t source[16];        /* scan: the scanning source */
	/* Flood evidence at ts. */
	double syn_rate;           /* SYNs in the last second */
	uint32_t half_open;        /* SYNs waiting longer than the grace period */
	double completion;         /* completed / (completed + given up) in the last second */
	uint32_t sources;          /* distinct SYN sources in the window (estimate) */
	uint32_t never_completed;  /* of those, sources that completed no handshake */
	bool spoofed;              /* many sources, almost none ever completes */
	uint64_t synack_retrans;   /* in the window */
	uint64_t victim_rsts;      /* in the window */
	uint64_t backscatter;      /* in the window */
	/* Whole-alert figures (end lines; running values on the others). */
	double duration;           /* seconds since start */
	double peak_rate;
	uint64_t total_syns;       /* flood: SYNs to the victim; scan: SYNs from the source */
	uint32_t ports;            /* scan, host-wide flood: distinct ports (estimate) */
	/* State exhausted (v is 0: no address). */
	const char *table;         /* the table evicting most: "half-open", "victims", ... */
	uint32_t capacity;         /* its bound */
	double evict_rate;         /* evictions from full tables in the last second, all tables */
	uint64_t evictions;        /* since the alert started */
	/* ARP: victim is the address claimed (v 4, or 6 for neighbour
	 * discovery); mac the claiming MAC; old_mac the one that held it
	 * (spoof), age how long before it was last seen; source the
	 * address a reply went to (unsolicited).  Gratuitous floods: mac of
	 * the last sender, peak_rate, total_syns the messages. */
	uint8_t mac[6], old_mac[6];
	double age;
};

typedef void (*rs_detect_alert_fn)(void *ctx, const struct rs_detect_alert *a);

struct rs_detect_opts {
	/* Thresholds: a flood starts when all three hold. */
	double syn_rate;            /* SYN/s to one victim (default 100) */
	uint32_t half_open;         /* handshakes pending longer than grace (default 50) */
	double completion;          /* completion ratio at or below this (default 0.8) */
	uint32_t grace_ms;          /* a SYN counts as half-open after this (default 400) */
	uint32_t timeout_ms;        /* handshake timeout: pending SYN given up (default 3000) */
	uint32_t hold_ms;           /* evidence below thresholds this long ends an alert (2000) */
	uint32_t update_ms;         /* at most one update per this (default 1000) */
	uint32_t window_s;          /* sliding window for sources and counters (default 5, max 16) */
	uint32_t spoof_sources;     /* "spoofed" needs at least this many sources (default 32) */
	/* Port scans: one source, one target host, many ports, few completions. */
	uint32_t scan_ports;        /* distinct ports (default 20) */
	uint32_t scan_idle_ms;      /* no SYN from the source this long ends the scan (3000) */
	/* Bounds. */
	uint32_t max_victims;       /* default 4096 */
	uint32_t max_half_open;     /* all victims together (default 262144) */
	uint32_t max_half_open_per_victim; /* default 65536 */
	uint32_t max_scanners;      /* (source, target) pairs (default 4096) */
	uint32_t max_hosts;         /* victim hosts, all ports together (default 1024) */
	/* ARP and neighbour discovery. */
	uint32_t arp_window_ms;     /* a second MAC within this of the first is spoofing (60000) */
	uint32_t arp_request_ms;    /* a reply answers a request at most this old (5000) */
	double arp_gratuitous_rate; /* gratuitous messages/s that make a flood (default 10) */
	uint32_t max_arp;           /* address bindings (default 4096) */
	double exhaust_rate;        /* evictions/s from full tables that raise an alert (100) */
	uint64_t seed;              /* table hashing; 0 picks a random one */
	/* Output: the detector prints nothing itself; every alert line (start,
	 * update, end) goes to on_alert, which may format it with
	 * rs_detect_alert_print(). */
	bool no_updates;            /* start and end lines only */
	rs_detect_alert_fn on_alert;       /* optional */
	void *ctx;
};

struct rs_detect_stats {
	uint64_t packets;           /* handed to rs_detect_packet() */
	uint64_t tcp;               /* TCP with a decoded header */
	uint64_t syns;
	uint64_t completed;         /* handshakes seen completing */
	uint64_t given_up;          /* half-open SYNs that hit the timeout */
	uint64_t backscatter;       /* SYN-ACKs for SYNs never seen */
	uint32_t victims;           /* tracked now */
	uint32_t victims_peak;
	uint64_t victim_evictions;
	uint32_t half_open;         /* entries in use now */
	uint32_t half_open_peak;
	uint64_t half_open_evictions;
	uint32_t scanners;
	uint64_t scanner_evictions;
	uint32_t hosts;
	uint64_t host_evictions;
	uint64_t alerts;            /* start lines (floods, scans, exhaustion) */
	uint64_t flood_alerts;      /* per port and host-wide */
	uint64_t host_flood_alerts; /* of those, host-wide */
	uint64_t scan_alerts;
	uint64_t scans_in_floods;   /* scans not reported: the host was flooded from many sources */
	uint64_t exhausted_alerts;
	uint64_t arp;               /* ARP messages and neighbour solicitations/advertisements */
	uint32_t arp_bindings;      /* addresses tracked now */
	uint64_t arp_evictions;
	uint64_t arp_spoof_alerts;
	uint64_t arp_gratuitous_alerts;
	uint64_t arp_unsolicited_alerts;
};

struct rs_detect;

void rs_detect_opts_default(struct rs_detect_opts *o);
/* Checks the options; false with a reason when one is out of range. */
bool rs_detect_opts_check(const struct rs_detect_opts *o, char *err, size_t errlen);
/* Allocates every table up front; NULL with a reason on failure. */
struct rs_detect *rs_detect_new(const struct rs_detect_opts *o, char *err, size_t errlen);
void rs_detect_free(struct rs_detect *d);

/* One decoded packet; its timestamp is the detector's clock. */
void rs_detect_packet(struct rs_detect *d, const struct rs_packet *p);
/* Advances the clock without a packet (an idle live link) to now_ns, a
 * time as rs_packet's ts_ns. */
void rs_detect_tick(struct rs_detect *d, int64_t now_ns);
/* End of input: ends every open alert at the last timestamp seen. */
void rs_detect_finish(struct rs_detect *d);

void rs_detect_get_stats(const struct rs_detect *d, struct rs_detect_stats *st);
/* Bytes allocated by rs_detect_new() for these options. */
size_t rs_detect_mem_bound(const struct rs_detect_opts *o);
/* Formatting (detect_out.c), for an on_alert callback and the end of a
 * run: one alert line, and the statistics lines of a detector made with
 * opts, as text or JSON Lines on o. */
/* Text alerts start with the time in clock's form (read's -t ... -ttttt;
 * NULL: seconds since 1970); JSON's "ts" is always seconds since 1970. */
void rs_detect_alert_print(struct rs_out *o, enum rs_detect_format f, struct rs_ts_clock *clock,
			   const struct rs_detect_alert *a);
void rs_detect_print_stats(struct rs_out *o, enum rs_detect_format f,
			   const struct rs_detect_stats *st, const struct rs_detect_opts *opts);

#endif
