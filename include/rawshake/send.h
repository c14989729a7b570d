/*
 * send.h: the `send` loop: build once with libnet, patch per-packet
 * fields, inject (paced, or flooding in sendmmsg batches or a PACKET_MMAP
 * ring, from one thread per core), show every packet and the replies the
 * listener matches, with their RTT.
 *
 * Opening and running are separate calls so that the caller can drop its
 * privileges in between: rs_send_open() takes every socket and the
 * capture; then, privileges dropped, rs_send_open_file() opens the -w
 * file as the user the process has become (as tcpdump opens savefiles
 * after -Z); rs_send_run() parses received bytes and needs none of them.
 */
#ifndef RAWSHAKE_SEND_H
#define RAWSHAKE_SEND_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "rawshake/craft.h"
#include "rawshake/craft_opts.h"
#include "rawshake/out.h"
#include "rawshake/view.h"

struct rs_send_cfg {
	struct rs_craft_spec spec;
	bool src_given;
	bool src_mac_given, dst_mac_given;
	char ifname[IF_NAMESIZE];     /* --interface, or the route's */
	uint64_t count;               /* packets (0 with --duration: until it ends) */
	uint64_t interval_ns;         /* between packets when not flooding */
	bool flood;
	uint64_t duration_ns;         /* 0: none */
	bool quiet;                   /* no per-packet lines */
	bool listen;
	uint64_t wait_ns;             /* after the last packet, for replies */
	const char *write_path;       /* -w */
	bool dry_run;
	bool rand_source;
	struct rs_cidr rand_cidr;
	bool rand_seq;
	uint32_t seq_step;
	uint16_t sport_step;
	bool vary_id;                 /* IPv4 ID + 1 per packet (no --id) */
	bool frag;
	bool no_link;                 /* a flood keeps to the raw IP socket */
	bool link_auto;               /* set by rs_send_prepare: the flood goes out as
	                               * frames (see there) */
	unsigned mtu;                 /* filled by rs_send_prepare */
	uint64_t seed;                /* 0: from getrandom */
	unsigned threads;             /* flood senders (at most RS_SEND_THREADS_MAX);
	                               * 0: one per CPU we may run on, at most 4 */
	/* send arp: the fields given (RS_SEND_ARP_*); the others take their
	 * defaults in rs_send_prepare. */
	uint8_t arp_given;
	bool arp_gratuitous;          /* --gratuitous: sender IP = target IP = DST */
};

enum {
	RS_SEND_ARP_OP = 1, RS_SEND_ARP_SHA = 2, RS_SEND_ARP_SPA = 4, RS_SEND_ARP_THA = 8,
	RS_SEND_ARP_TPA = 16,
};

#define RS_SEND_THREADS_MAX 8

struct rs_send_stats {
	uint64_t sent, errors, replies;
	/* Replies whose IPv4 header or transport checksum is wrong (not one
	 * left for the NIC to fill in): shown and counted like the others,
	 * but the local kernel drops them. */
	uint64_t replies_bad_csum;
	int64_t elapsed_ns;
	/* From the start to the last packet sent: COUNT - 1 intervals, the
	 * time a rate is measured over (none for a single packet). */
	int64_t span_ns;
	int last_errno;
};

/* Fills what the options left to the system (source address, interface,
 * MACs, MTU) and checks the packet fits.  Needs no privilege and sends
 * nothing.  False with a one-line reason naming the option in err. */
bool rs_send_prepare(struct rs_send_cfg *cfg, char *err, size_t errlen);

struct rs_sender;

/* Opens what needs privileges (the sockets, one per flood thread, the
 * reply capture) and builds the packet; sends and reads nothing.
 * Returns 0 with *sd set, or 2 with err saying which failed.
 * cfg must outlive the sender. */
int rs_send_open(struct rs_sender **sd, const struct rs_send_cfg *cfg, char *err, size_t errlen);

/* Opens cfg->write_path (nothing without one) as outfile.h says, as the
 * user the process is, and writes the pcap header (nanosecond, LINKTYPE_RAW
 * or Ethernet with --link).  as_user, when not NULL, names the -Z user in
 * a refusal.  Returns 0, 2 with err when it cannot be opened, 1 when it
 * was but the header could not be written (a write error). */
int rs_send_open_file(struct rs_sender *sd, const char *as_user, char *err, size_t errlen);
/* The -w file is standard output ("-"): the text must go elsewhere. */
bool rs_send_file_is_stdout(const struct rs_sender *sd);

/* Runs the loop.  Returns 0 when every packet went out (or the reader of
 * the output went away, which stops it quietly), 1 when a send or a write
 * to the -w file failed mid-run (err says why and how many went before;
 * the file ends with its last whole packet), 2 when the packet could not
 * be fragmented or a thread not started.  A lone sender flushes `out`
 * after every packet and reply, and stops when it can no longer be
 * written (rs_out_closed). */
int rs_send_run(struct rs_sender *sd, struct rs_view *view, struct rs_out *out,
		struct rs_send_stats *st, char *err, size_t errlen);

/* Closes everything rs_send_open() opened; NULL is fine. */
void rs_send_close(struct rs_sender *sd);

/* Asks a running rs_send_run() to stop (from a signal handler). */
void rs_send_stop(void);

#endif
