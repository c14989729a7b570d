/*
 * tracker_flow.h: UDP and ICMP "connections" as Zeek counts them, for
 * conn.log.
 *
 * Zeek logs a flow for every UDP 5-tuple and every ICMP exchange (the
 * ICMP type as the originator's port, the type that answers it, or the
 * code for a message that gets no answer, as the responder's), ended by
 * an inactivity timeout of one minute.  This table follows them: one
 * entry per flow in a bounded hash table (the tracker's hash), the least
 * recently used evicted when it is full, idle ones expired on packet
 * time.  Each entry is a fixed struct (under 256 bytes): the table never
 * exceeds max_flows of them, allocated up front in a small block and
 * doubled as flows arrive; nothing is allocated per packet.
 */
#ifndef RAWSHAKE_TRACKER_FLOW_H
#define RAWSHAKE_TRACKER_FLOW_H

#include <stdint.h>

#include "rawshake/packet.h"
#include "rawshake/tracker.h"

#define RS_FLOW_DEFAULT_MAX 65536u
#define RS_FLOW_DEFAULT_TIMEOUT 60u   /* Zeek's udp_ and icmp_inactivity_timeout */

struct rs_flow_config {
	uint32_t max_flows;          /* table bound; default 65536 */
	uint32_t idle_timeout;       /* seconds of packet time; default 60 */
	/* Called for every flow as it expires or is evicted, and from
	 * rs_flow_finish() in order of first packet.  The record's client
	 * is Zeek's originator; its TCP-only members are zero. */
	void (*on_flow_done)(void *ctx, const struct rs_conn_record *rec);
	void *ctx;
	/* read --zeek-compat: a UDP datagram with a bad checksum counts in
	 * packets and IP bytes (Zeek counts before it checks) but adds no
	 * payload bytes, no 'D' and no last time, as Zeek's UDP analyzer. */
	bool zeek_compat;
};

struct rs_flow_stats {
	uint64_t packets;            /* given to rs_flow_update */
	uint64_t flows;              /* created */
	uint64_t evicted, expired;
	uint64_t peak;               /* most at once */
};

struct rs_flow_table;

void rs_flow_config_default(struct rs_flow_config *cfg);
/* NULL when the first allocation fails. */
struct rs_flow_table *rs_flow_new(const struct rs_flow_config *cfg);
void rs_flow_free(struct rs_flow_table *t);
/* A packet with pkt->l4 RS_LAYER_UDP, RS_LAYER_ICMP or RS_LAYER_ICMPV6
 * (others are ignored), in capture order. */
void rs_flow_update(struct rs_flow_table *t, const struct rs_packet *pkt);
/* End of input: every flow still in the table to on_flow_done. */
void rs_flow_finish(struct rs_flow_table *t);
void rs_flow_get_stats(const struct rs_flow_table *t, struct rs_flow_stats *st);

#endif
