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
 * lv->file.records how many packets the file holds. */
void rs_live_close(struct rs_live *lv);

#endif
