/*
 * live.h: live capture with libpcap (immediate mode, settable buffer),
 * an optional pcap file written alongside, and the capture statistics.
 *
 * What needs privileges, the capture handle, is opened by rs_live_open();
 * callers then drop privileges (privdrop.h) and open the output file with
 * rs_live_dump_open() as the user they have become (as tcpdump opens its
 * savefiles after -Z), before the first rs_live_loop().
 */
#ifndef RAWSHAKE_LIVE_H
#define RAWSHAKE_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <pcap/pcap.h>

#include "rawshake/outfile.h"
#include "rawshake/pcapng_writer.h"
#include "rawshake/view.h"

struct rs_live_opts {
	const char *ifname;      /* NULL: the first usable interface, as tcpdump picks */
	const char *filter;      /* BPF, tcpdump syntax; NULL for everything */
	int snaplen;             /* 0: 262144 */
	int buffer_kib;          /* 0: libpcap's default */
	bool promisc;            /* default on, as tcpdump */
	bool nano;               /* nanosecond timestamps */
};

/*
 * sniff -w FILE with -C, -G, -W: a new file now and then, each complete
 * on its own (its own headers), as tcpdump rotates its savefiles.
 */
struct rs_live_rotate {
	uint64_t max_bytes;      /* -C MB: a new file before the packet that
	                          * finds the current one over MB * 1000000
	                          * bytes: FILE, FILE1, FILE2 ...; 0: none */
	unsigned seconds;        /* -G: a new file for the first packet SECONDS
	                          * or more after the current one was opened;
	                          * FILE is a strftime(3) pattern; 0: none */
	unsigned count;          /* -W: with -C a ring of COUNT files, named
	                          * FILE0 ... with as many digits as COUNT - 1
	                          * has; with -G alone, stop after COUNT files */
};

/* An interface's index and name, for Linux cooked v2 packets of "any". */
struct rs_live_ifname {
	uint32_t index;
	char name[16];           /* IF_NAMESIZE */
};

struct rs_live {
	pcap_t *pcap;
	bool writing;            /* -w: file is open ... */
	bool pcapng;             /* ... as pcapng (ng), else pcap */
	struct rs_outfile file;
	struct rs_pcapng_writer ng;
	int dump_errno;          /* the first write to the file that failed
	                          * (EPIPE: its reader went away), 0 if none */
	char path[4096];         /* the file being written (PATH_MAX) */
	/* Rotation (rs_live_dump_open_rotating), tcpdump's counters. */
	struct rs_live_rotate rot;
	const char *pattern;     /* -w FILE as given */
	const char *as_user;
	unsigned size_index;     /* the -C number of the current file */
	unsigned periods;        /* -G: files closed because their time was up */
	time_t period_start;     /* -G: when the current file was opened */
	uint64_t files;          /* files opened */
	uint64_t records_closed; /* packets in the files already closed */
	bool file_limit;         /* -G -W: COUNT files written, capture stopped */
	char rotate_err[4096 + 256]; /* why the next file could not be opened */
	char ifname[64];
	int dlt;
	uint8_t ts_digits;
	uint64_t seen;           /* packets handed to the view */
	volatile int stop;       /* set from a signal handler via rs_live_stop() */
	/* A named Ethernet interface: its MAC, read at open time, tells the
	 * frames going out (rs_pkt_meta.local_mac). */
	bool has_local_mac;
	uint8_t local_mac[6];
	/* "any" as Linux cooked v2: the interfaces' names by index, read at
	 * open time (before privileges are dropped) and again, at most once a
	 * second, when a packet names an index not in the table. */
	struct rs_live_ifname *ifnames;
	size_t n_ifnames;
	int nl_fd;               /* netlink, for the names, when has_nl ("any") */
	bool has_nl;
	uint32_t nl_seq;
	int64_t ifnames_at_ns;   /* CLOCK_MONOTONIC of the last reading */
};

/*
 * The name of an interface index for a Linux cooked v2 packet (ctx is the
 * struct rs_live), as the view's ifname_of hook; NULL when unknown (the
 * view prints "ifindex N").  rs_live_loop sets the hook on its view when
 * the capture is cooked v2.
 */
const char *rs_live_ifname_of(void *ctx, uint32_t ifindex);

/*
 * Which way a captured frame went, when the capture can tell: a Linux
 * cooked header's packet type (4 outgoing, others incoming), or on
 * Ethernet with the interface's MAC known, whether the frame comes from
 * it (out) or not (in; a bridge port forwarding other hosts' frames out
 * counts those as in).  This is what sniff -w --pcapng writes in
 * epb_flags and what the decoder concludes from rs_pkt_meta.
 */
enum rs_pkt_dir rs_live_dir(const struct rs_live *lv, const uint8_t *bytes, uint32_t caplen);

/* libpcap's interface list (pcap_findalldevs) as tcpdump -D prints it:
 * "N.NAME (DESCRIPTION) [Up, Running, Loopback, Connected]".  False with
 * err when libpcap cannot list them. */
bool rs_live_list_interfaces(struct rs_out *o, char *err, size_t errlen);

/* The first usable interface (up, not loopback when another exists). */
bool rs_live_default_if(char *buf, size_t len, char *err, size_t errlen);

/* Opens the capture.  "any" is opened as Linux cooked v2 (interface index
 * and direction in every packet, as tcpdump -i any shows them), or v1
 * where libpcap cannot. */
bool rs_live_open(struct rs_live *lv, const struct rs_live_opts *o, char *err, size_t errlen);
/* Opens a file for every captured packet, as the user the process is
 * (outfile.h says how it is opened; as_user, when not NULL, names the -Z
 * user in a refusal): pcap as libpcap writes it, or pcapng as dumpcap
 * does; "-" is standard output (lv->file.to_stdout).  False with err when
 * it cannot be opened, or (lv->dump_errno set) its headers not written. */
bool rs_live_dump_open_as(struct rs_live *lv, const char *path, bool pcapng,
			  const char *as_user, char *err, size_t errlen);
bool rs_live_dump_open(struct rs_live *lv, const char *path, bool pcapng, char *err,
		       size_t errlen);
/*
 * The same, rotating as rot says: the first file's name is made from
 * pattern (strftime(3) with -G, a number with -C -W) and every later one
 * is opened by rs_live_loop as the first was (as_user, outfile.h), with
 * its own headers.  A file that cannot be opened stops the capture:
 * rs_live_loop returns false with lv->rotate_err in err.
 */
bool rs_live_dump_open_rotating(struct rs_live *lv, const char *pattern, bool pcapng,
				const struct rs_live_rotate *rot, const char *as_user,
				char *err, size_t errlen);

/*
 * Captures until `count` packets were seen (0 = no limit), rs_live_stop()
 * or an error.  Each packet is written to the dump file (if any), which is
 * flushed after every batch libpcap hands over, and given to the view (if
 * any).  Returns false on a capture error or at the first write to the
 * file that fails ("write error: REASON" in err, lv->dump_errno set; the
 * file ends with its last whole packet); a file whose reader went away
 * (EPIPE) stops the capture quietly (true, lv->dump_errno EPIPE).
 */
bool rs_live_loop(struct rs_live *lv, struct rs_view *view, uint64_t count, char *err,
		  size_t errlen);

/* Async-signal-safe: ends rs_live_loop() soon. */
void rs_live_stop(struct rs_live *lv);

/* Received, dropped by the kernel, dropped by the interface. */
bool rs_live_stats(struct rs_live *lv, struct pcap_stat *st);

/* Flushes and closes the dump file (a pcapng file ends with the capture
 * statistics) and the handle; lv->dump_errno says whether writing failed,
 * lv->file.records how many packets the last file holds, plus
 * lv->records_closed how many all of them. */
void rs_live_close(struct rs_live *lv);

#endif
