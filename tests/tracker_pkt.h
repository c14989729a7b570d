/* tracker_pkt.h: builds TCP rs_packet structs by hand for the tracker tests. */
#ifndef TRACKER_PKT_H
#define TRACKER_PKT_H

#include <string.h>

#include "rawshake/packet.h"

/* A two-host conversation: C is 10.0.0.1:40000, S is 10.0.0.2:80. */
struct conv {
	uint64_t frame;
	int64_t usec;
	uint8_t c[4], s[4];
	uint16_t cport, sport;
};

static inline void conv_init(struct conv *v)
{
	memset(v, 0, sizeof(*v));
	v->c[0] = 10, v->c[3] = 1;
	v->s[0] = 10, v->s[3] = 2;
	v->cport = 40000;
	v->sport = 80;
	v->usec = 1700000000ll * 1000000;
}

/* One segment; from_client picks the direction; dt_us advances the clock. */
static inline void seg(struct conv *v, struct rs_packet *p, int from_client, uint8_t flags,
		       uint32_t seq, uint32_t ack, uint32_t len, uint16_t win, int64_t dt_us)
{
	memset(p, 0, sizeof(*p));
	v->usec += dt_us;
	p->frame = ++v->frame;
	rs_packet_set_time(p, v->usec / 1000000, (uint32_t)(v->usec % 1000000), 6);
	p->has_ip = true;
	p->ip.v = 4;
	p->ip.proto = 6;
	memcpy(p->ip.src, from_client ? v->c : v->s, 4);
	memcpy(p->ip.dst, from_client ? v->s : v->c, 4);
	p->l4 = RS_LAYER_TCP;
	p->tcp.sport = from_client ? v->cport : v->sport;
	p->tcp.dport = from_client ? v->sport : v->cport;
	p->tcp.seq = seq;
	p->tcp.ack = ack;
	p->tcp.flags = flags;
	p->tcp.win = win;
	p->tcp.payload_len = len;
	p->tcp.hdr_len = 20;
}

#endif
