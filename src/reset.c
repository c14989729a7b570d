/*
 * reset.c: rawshake reset (reset.h).  One pass over the live capture:
 * every packet is decoded once here (to learn the connection's numbers
 * and to mark our own segment), tracked by a tracker of our own (whose
 * RFC 5961 analysis names the challenge ACK) and shown through the view.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rawshake/clock.h"
#include "rawshake/craft.h"
#include "rawshake/guard.h"
#include "rawshake/out.h"
#include "rawshake/reset.h"
#include "rawshake/tracker.h"

bool rs_reset_mode_parse(const char *s, enum rs_reset_mode *m)
{
	static const char *const names[] = { "rst", "fin", "data" };
	for (unsigned i = 0; i < 3; i++)
		if (!strcmp(s, names[i])) {
			*m = (enum rs_reset_mode)i;
			return true;
		}
	return false;
}

static const char *const seq_names[] = { "exact", "in-window", "out-of-window" };

bool rs_reset_seq_parse(const char *s, enum rs_reset_seq *q)
{
	for (unsigned i = 0; i < 3; i++)
		if (!strcmp(s, seq_names[i])) {
			*q = (enum rs_reset_seq)i;
			return true;
		}
	return false;
}

const char *rs_reset_seq_str(enum rs_reset_seq q)
{
	return (unsigned)q < 3 ? seq_names[q] : "?";
}

/* One direction of the watched connection, named by its sender. */
struct side {
	bool seen, ack_seen, ws_known;
	uint8_t addr[16];
	uint16_t port;
	uint32_t next;               /* seq + length of its latest segment */
	uint32_t ack;                /* its latest ack: its rcv_nxt */
	uint16_t win;
	uint8_t wscale;
};

struct reset_run {
	const struct rs_reset_opts *o;
	struct rs_view *view;
	struct rs_live *lv;
	struct rs_tracker *tracker;
	struct rs_reset_result *res;
	struct rs_packet pkt;
	bool have_conn, syn_seen, wscale_agreed;
	uint8_t v;
	struct side end[2];          /* [0]: client, [1]: server */
	unsigned segs;
	int target;                  /* 0 client, 1 server */
	struct rs_injector inj;
	bool inj_open;
	uint8_t flags;               /* of the injected segment */
	int64_t inject_ns;           /* CLOCK_MONOTONIC of the injection */
	bool failed;
	char *err;
	size_t errlen;
};

static int side_of(const struct reset_run *r, const struct rs_packet *p)
{
	size_t alen = r->v == 4 ? 4 : 16;
	for (int s = 0; s < 2; s++)
		if (!memcmp(p->ip.src, r->end[s].addr, alen) && p->tcp.sport == r->end[s].port &&
		    !memcmp(p->ip.dst, r->end[!s].addr, alen) && p->tcp.dport == r->end[!s].port)
			return s;
	return -1;
}

/* The first TCP segment names the connection: a SYN's sender is the
 * client; mid-stream the lower port is the server (the tracker's guess). */
static void learn_conn(struct reset_run *r, const struct rs_packet *p)
{
	bool syn = (p->tcp.flags & (RS_TH_SYN | RS_TH_ACK)) == RS_TH_SYN;
	bool synack = (p->tcp.flags & (RS_TH_SYN | RS_TH_ACK)) == (RS_TH_SYN | RS_TH_ACK);
	int s = syn ? 0 : synack ? 1 : p->tcp.sport >= p->tcp.dport ? 0 : 1;
	size_t alen = p->ip.v == 4 ? 4 : 16;
	r->v = p->ip.v;
	memcpy(r->end[s].addr, p->ip.src, alen);
	memcpy(r->end[!s].addr, p->ip.dst, alen);
	r->end[s].port = p->tcp.sport;
	r->end[!s].port = p->tcp.dport;
	r->have_conn = true;
	r->syn_seen = syn || synack;
}

static void learn_seg(struct reset_run *r, int s, const struct rs_packet *p)
{
	struct side *e = &r->end[s];
	const struct rs_tcp *t = &p->tcp;
	if (t->flags & RS_TH_RST)
		return;
	e->seen = true;
	e->next = t->seq + t->payload_len + !!(t->flags & RS_TH_SYN) + !!(t->flags & RS_TH_FIN);
	if (t->flags & RS_TH_ACK) {
		e->ack_seen = true;
		e->ack = t->ack;
	}
	e->win = t->win;
	if (t->flags & RS_TH_SYN) {
		e->ws_known = t->has_wscale;
		e->wscale = t->has_wscale ? (t->wscale > 14 ? 14 : t->wscale) : 0;
		r->wscale_agreed = r->end[0].ws_known && r->end[1].ws_known;
	}
	r->segs++;
}

/* The target's window in bytes: scaled when both SYNs were seen with the
 * option; otherwise the raw field, a lower bound of the real window. */
static uint32_t target_window(const struct reset_run *r)
{
	const struct side *t = &r->end[r->target];
	uint32_t w = t->win;
	if (r->syn_seen && r->wscale_agreed)
		w <<= t->wscale;
	return w ? w : 1;
}

static bool inject(struct reset_run *r)
{
	const struct rs_reset_opts *o = r->o;
	struct side *tg = &r->end[r->target], *pe = &r->end[!r->target];
	struct rs_reset_result *res = r->res;
	size_t alen = r->v == 4 ? 4 : 16;
	uint8_t dst[16] = { 0 };
	memcpy(dst, tg->addr, alen);
	if (!o->force && !rs_guard_bulk("reset", r->v, dst, NULL, true, r->err, r->errlen))
		return false;
	if (!rs_send_inject_open(&r->inj, r->v, dst, false, NULL, r->err, r->errlen))
		return false;
	r->inj_open = true;

	uint32_t rcv_nxt = tg->ack, wnd = target_window(r);
	uint32_t seq = rcv_nxt;
	if (o->seq == RS_RESET_IN_WINDOW)
		seq = rcv_nxt + (wnd / 2 > 1 ? wnd / 2 : 1);
	else if (o->seq == RS_RESET_OUT_OF_WINDOW)
		/* Past the window whatever its scale (at most 2^30 bytes). */
		seq = rcv_nxt + (r->wscale_agreed ? 2 * wnd + 1 : (1u << 30) + 1);
	static const uint8_t data[] = "rawshake reset: injected data\n";
	struct rs_craft_spec sp;
	rs_craft_spec_init(&sp);
	sp.proto = RS_CRAFT_TCP;
	sp.v = r->v;
	memcpy(sp.src, pe->addr, alen);
	memcpy(sp.dst, tg->addr, alen);
	sp.sport = pe->port;
	sp.dport = tg->port;
	sp.seq = seq;
	sp.ack = tg->next;            /* the target's snd_nxt */
	sp.win = pe->win;
	sp.flags = o->mode == RS_RESET_RST ? RS_TH_RST :
		   o->mode == RS_RESET_FIN ? (RS_TH_FIN | RS_TH_ACK) : (RS_TH_PSH | RS_TH_ACK);
	if (o->mode == RS_RESET_RST)
		sp.win = 0;
	if (o->mode == RS_RESET_DATA) {
		sp.payload = data;
		sp.payload_len = sizeof(data) - 1;
	}
	struct rs_crafter c;
	if (!rs_crafter_init(&c)) {
		snprintf(r->err, r->errlen, "%s", c.err);
		return false;
	}
	bool ok = rs_craft_build(&c, &sp);
	if (!ok)
		snprintf(r->err, r->errlen, "%s", c.err);
	int e = 0;
	uint8_t *pk = c.pkt;
	size_t len = c.len;
	if (ok && rs_send_inject_send(&r->inj, &pk, &len, 1, &e) != 1) {
		snprintf(r->err, r->errlen, "cannot send: %s", strerror(e));
		ok = false;
	}
	rs_crafter_free(&c);
	if (!ok)
		return false;
	r->flags = sp.flags;
	res->injected = true;
	res->v = r->v;
	res->seq = seq;
	res->rcv_nxt = rcv_nxt;
	res->window = wnd;
	r->inject_ns = rs_clock_mono_ns();
	return true;
}

/* Our own segment as the capture shows it: the other end's addresses
 * towards the target, our flags and seq, after we sent it. */
static bool is_ours(const struct reset_run *r, const struct rs_packet *p, int s)
{
	return r->res->injected && s == !r->target && p->tcp.flags == r->flags &&
	       p->tcp.seq == r->res->seq;
}

static void after_injection(struct reset_run *r, int s, const struct rs_tcp_event *ev)
{
	struct rs_reset_result *res = r->res;
	if (s != r->target) {
		res->peer_segs++;
		return;
	}
	res->target_segs++;
	if (ev->flags & RS_TH_RST)
		res->target_rsts++;
	if (ev->analysis & RS_AN_CHALLENGE_ACK)
		res->challenge_acks++;
}

static void on_packet(u_char *u, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct reset_run *r = (struct reset_run *)u;
	const struct rs_pcap_form form = { r->lv->dlt, r->lv->ts_digits, r->lv->ts_digits };
	struct rs_pkt_meta meta;
	memset(&meta, 0, sizeof(meta));
	struct rs_packet *p = &r->pkt;
	rs_packet_from_pcap(p, 0, &form, h, bytes, NULL);
	int s = -1;
	if (p->l4 == RS_LAYER_TCP && p->has_ip) {
		if (!r->have_conn)
			learn_conn(r, p);
		s = side_of(r, p);
	}
	if (s >= 0 && is_ours(r, p, s))
		meta.injected = true;
	rs_view_packet_meta(r->view, &form, h, bytes, &meta);
	if (s < 0)
		return;
	const struct rs_tcp_event *ev = rs_tracker_update(r->tracker, p);
	if (r->res->injected && !meta.injected)
		after_injection(r, s, ev);
	if (!meta.injected)
		learn_seg(r, s, p);
	struct side *tg = &r->end[r->target];
	if (!r->res->injected && !r->failed && r->segs >= r->o->after && tg->ack_seen &&
	    r->end[!r->target].seen && !(p->tcp.flags & (RS_TH_SYN | RS_TH_FIN | RS_TH_RST)) &&
	    !inject(r))
		r->failed = true;
}

static const char *verdict(const struct rs_reset_opts *o, const struct rs_reset_result *res)
{
	if (res->challenge_acks)
		return "challenge ACK: the connection survives (RFC 5961)";
	if (res->target_rsts)
		return "closed: the target answers with RST";
	if (o->mode != RS_RESET_RST)
		return res->target_segs ? "the target answered" : "no answer from the target";
	return res->target_segs ? "ignored: the connection goes on" : "closed: the target fell silent";
}

bool rs_reset_run(struct rs_live *lv, struct rs_view *view, const struct rs_reset_opts *o,
		  volatile int *stop, struct rs_reset_result *res, char *err, size_t errlen)
{
	struct reset_run *r = calloc(1, sizeof(*r));
	bool ok = true;
	if (!r || !(r->tracker = rs_tracker_new(NULL))) {
		free(r);
		snprintf(err, errlen, "out of memory");
		return false;
	}
	memset(res, 0, sizeof(*res));
	r->o = o, r->view = view, r->lv = lv, r->res = res;
	r->target = o->to_client ? 0 : 1;
	r->err = err, r->errlen = errlen;
	int fd = pcap_get_selectable_fd(lv->pcap);
	pcap_setnonblock(lv->pcap, 1, NULL);
	while (!*stop && !lv->stop && !r->failed) {
		if (res->injected && rs_clock_mono_ns() - r->inject_ns > (int64_t)o->wait_ms * 1000000)
			break;
		struct pollfd pfd = { fd, POLLIN, 0 };
		if (poll(&pfd, 1, 50) < 0 && errno != EINTR)
			break;
		if (pcap_dispatch(lv->pcap, -1, on_packet, (u_char *)r) < 0) {
			snprintf(err, errlen, "%s", pcap_geterr(lv->pcap));
			ok = false;
			break;
		}
	}
	if (r->failed)
		ok = false;
	else if (!res->injected && ok)
		snprintf(err, errlen, "stopped before a connection could be reset"), ok = false;
	res->verdict = verdict(o, res);
	if (r->inj_open)
		rs_send_inject_close(&r->inj);
	rs_tracker_free(r->tracker);
	free(r);
	return ok;
}

void rs_reset_print_result(struct rs_out *o, const struct rs_reset_opts *opt,
			   const struct rs_reset_result *res, bool json)
{
	static const char *const modes[] = { "RST", "FIN", "data" };
	const char *to = opt->to_client ? "client" : "server";
	if (json) {
		rs_out_str(o, "{\"type\":\"reset\"");
		rs_out_json_key(o, "mode");
		rs_out_json_cstr(o, modes[opt->mode]);
		rs_out_json_key(o, "seq_kind");
		rs_out_json_cstr(o, rs_reset_seq_str(opt->seq));
		rs_out_json_key(o, "to");
		rs_out_json_cstr(o, to);
		rs_out_json_bool(o, "injected", res->injected);
		rs_out_json_u64(o, "seq", res->seq);
		rs_out_json_u64(o, "rcv_nxt", res->rcv_nxt);
		rs_out_json_u64(o, "window", res->window);
		rs_out_json_u64(o, "target_segments", res->target_segs);
		rs_out_json_u64(o, "challenge_acks", res->challenge_acks);
		rs_out_json_u64(o, "target_rsts", res->target_rsts);
		rs_out_json_key(o, "verdict");
		rs_out_json_cstr(o, res->verdict);
		rs_out_str(o, "}\n");
		return;
	}
	rs_out_printf(o, "reset: injected %s (%s) seq %u toward the %s: rcv_nxt %u + %u, window %u; "
		      "%s (%llu segments from the %s after it, %llu challenge ACKs, %llu RSTs)\n",
		      modes[opt->mode], rs_reset_seq_str(opt->seq), res->seq, to, res->rcv_nxt,
		      res->seq - res->rcv_nxt, res->window, res->verdict,
		      (unsigned long long)res->target_segs, to,
		      (unsigned long long)res->challenge_acks, (unsigned long long)res->target_rsts);
}
