/*
 * send.h: the `send` loop: build once with libnet, patch per-packet
 * fields, inject (paced, or flooding in sendmmsg batches), show every
 * packet and the replies the listener matches, with their RTT.
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
	unsigned mtu;                 /* filled by rs_send_prepare */
	uint64_t seed;                /* 0: from getrandom */
};

struct rs_send_stats {
	uint64_t sent, errors, replies;
	int64_t elapsed_ns;
	int last_errno;
};

/* Fills what the options left to the system (source address, interface,
 * MACs, MTU) and checks the packet fits.  Needs no privilege and sends
 * nothing.  False with a one-line reason naming the option in err. */
bool rs_send_prepare(struct rs_send_cfg *cfg, char *err, size_t errlen);

/* Runs the loop.  Returns 0 when every packet went out, 1 when a send
 * failed mid-run (err says why and how many went before), 2 when a
 * socket, capture or file could not be opened (err says which). */
int rs_send_run(const struct rs_send_cfg *cfg, struct rs_view *view, struct rs_out *out,
		struct rs_send_stats *st, char *err, size_t errlen);

/* Asks a running rs_send_run() to stop (from a signal handler). */
void rs_send_stop(void);

#endif
