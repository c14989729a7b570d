/* send.c: the send loop: build once, patch per packet, inject paced or in batches from one thread per core, match replies. */
#define _GNU_SOURCE 1   /* ppoll, sched_getaffinity */
#include "config.h"
#include "rawshake/send.h"
#include "rawshake/send_inject.h"
#include "rawshake/send_replies.h"
#include "rawshake/outfile.h"
#include "rawshake/clock.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

static volatile sig_atomic_t stop_requested;

void rs_send_stop(void)
{
	stop_requested = 1;
}

/* A flood nobody watches goes out as Ethernet frames on an AF_PACKET
 * socket when the route is on a directly attached Ethernet interface
 * whose neighbour entry for the next hop is known: the same packets on
 * the wire, without the per-packet route lookup, netfilter hooks and
 * neighbour output of a raw IP socket (about half of its cost). */
static void choose_link(struct rs_send_cfg *cfg, const char *rif, const uint8_t *nexthop)
{
	struct rs_craft_spec *s = &cfg->spec;
	static const uint8_t zero[6];
	uint8_t mac[6], nmac[6];
	unsigned ifmtu = 0;
	char why[160];

	cfg->link_auto = false;
	if (s->link || cfg->no_link || !cfg->flood || !cfg->quiet || cfg->listen ||
	    cfg->write_path || cfg->dry_run || cfg->frag || !rif[0] || strcmp(cfg->ifname, rif) != 0)
		return;
	if (rs_if_info(rif, mac, &ifmtu, why, sizeof(why)) && memcmp(mac, zero, 6) != 0 &&
	    rs_neigh_lookup(rif, s->v, nexthop, nmac)) {
		s->link = true;
		cfg->link_auto = true;
	}
}

/* --link (asked or chosen): the interface's MAC and MTU, the next hop's MAC. */
static bool link_addresses(struct rs_send_cfg *cfg, const uint8_t *nexthop, unsigned *mtu,
			   char *err, size_t errlen)
{
	struct rs_craft_spec *s = &cfg->spec;
	static const uint8_t zero[6];
	uint8_t mac[6];
	unsigned ifmtu = 0;

	if (!cfg->ifname[0]) {
		snprintf(err, errlen, "--link: no interface found for the destination; give --interface");
		return false;
	}
	if (!rs_if_info(cfg->ifname, mac, &ifmtu, err, errlen))
		return false;
	if (ifmtu)
		*mtu = ifmtu;
	if (!cfg->src_mac_given)
		memcpy(s->src_mac, mac, 6);
	if (cfg->dst_mac_given)
		return true;
	if (memcmp(mac, zero, 6) == 0) {
		memset(s->dst_mac, 0, 6);   /* loopback: no link addresses */
	} else if (!rs_neigh_lookup(cfg->ifname, s->v, nexthop, s->dst_mac)) {
		snprintf(err, errlen, "--link: no neighbour entry for the next hop on %s; "
			 "give --dst-mac", cfg->ifname);
		return false;
	}
	return true;
}

/* Builds once to check that libnet takes it and that it fits the MTU. */
static bool check_build(const struct rs_send_cfg *cfg, char *err, size_t errlen)
{
	const struct rs_craft_spec *s = &cfg->spec;
	struct rs_crafter *c = malloc(sizeof(*c));
	if (!c || !rs_crafter_init(c)) {
		snprintf(err, errlen, "%s", c ? c->err : "out of memory");
		free(c);
		return false;
	}
	bool ok = rs_craft_build(c, s);
	if (!ok) {
		snprintf(err, errlen, "%s", c->err);
	} else {
		size_t iplen = c->len - c->l3_off;
		if (iplen > cfg->mtu && !cfg->frag) {
			snprintf(err, errlen, "the packet is %zu bytes, more than the MTU of %u%s%s; "
				 "use --frag or less data", iplen, cfg->mtu, cfg->ifname[0] ? " on " : "",
				 cfg->ifname);
			ok = false;
		} else if (iplen > cfg->mtu && s->v == 6) {
			snprintf(err, errlen, "--frag: only IPv4 packets can be fragmented");
			ok = false;
		} else if (iplen > cfg->mtu && s->df) {
			snprintf(err, errlen, "--frag: the packet has DF set (--df) and is larger than the MTU");
			ok = false;
		}
	}
	rs_crafter_free(c);
	free(c);
	return ok;
}

/* send arp: the interface's MAC as the frame's and the sender's, its
 * first IPv4 address as the sender's; a request goes to broadcast, a
 * reply to the target's MAC when given. */
static bool arp_prepare(struct rs_send_cfg *cfg, char *err, size_t errlen)
{
	static const uint8_t zero[6], bcast[6] = { 255, 255, 255, 255, 255, 255 };
	struct rs_craft_spec *s = &cfg->spec;
	uint8_t mac[6];
	unsigned mtu = 0;

	if (!rs_if_info(cfg->ifname, mac, &mtu, err, errlen))
		return false;
	if (!cfg->src_mac_given)
		memcpy(s->src_mac, mac, 6);
	if (!(cfg->arp_given & RS_SEND_ARP_SHA))
		memcpy(s->arp_sha, s->src_mac, 6);
	if (!(cfg->arp_given & RS_SEND_ARP_SPA) && !cfg->arp_gratuitous &&
	    !rs_if_ipv4(cfg->ifname, s->arp_spa)) {
		snprintf(err, errlen, "%s has no IPv4 address to send as the sender's; give --sender-ip",
			 cfg->ifname);
		return false;
	}
	if (!cfg->dst_mac_given) {
		bool to_target = s->arp_op != RS_ARP_OP_REQUEST && memcmp(s->arp_tha, zero, 6) != 0;
		memcpy(s->dst_mac, to_target ? s->arp_tha : bcast, 6);
	}
	cfg->mtu = mtu ? mtu : 1500;
	return check_build(cfg, err, errlen);
}

bool rs_send_prepare(struct rs_send_cfg *cfg, char *err, size_t errlen)
{
	struct rs_craft_spec *s = &cfg->spec;
	uint8_t src[16], nexthop[16];
	char rif[IF_NAMESIZE] = "";
	unsigned mtu = 0;
	char why[160];

	if (s->proto == RS_CRAFT_ARP)
		return arp_prepare(cfg, err, errlen);
	bool routed = rs_route_lookup(s->v, s->dst, src, rif, nexthop, &mtu, why, sizeof(why));

	if (!routed) {
		if (!cfg->dry_run || (!cfg->src_given && !cfg->rand_source)) {
			snprintf(err, errlen, "%s%s", why,
				 cfg->dry_run ? " (give --src for a dry run)" : "");
			return false;
		}
		mtu = 1500;
		memcpy(nexthop, s->dst, 16);
	}
	if (!cfg->src_given && !cfg->rand_source)
		memcpy(s->src, src, 16);
	if (!cfg->ifname[0])
		memcpy(cfg->ifname, rif, sizeof(rif));
	if (routed)
		choose_link(cfg, rif, nexthop);
	else
		cfg->link_auto = false;
	if (s->link && !link_addresses(cfg, nexthop, &mtu, err, errlen))
		return false;
	cfg->mtu = mtu ? mtu : 1500;
	return check_build(cfg, err, errlen);
}

struct rs_sender {
	const struct rs_send_cfg *cfg;
	struct rs_injector inj[RS_SEND_THREADS_MAX];
	unsigned nthreads;
	struct rs_listener ls;
	bool listening;
	bool writing;             /* -w: file is open */
	struct rs_outfile file;
	struct rs_crafter *c;
	bool built;
	bool fragment;            /* larger than the MTU: sent in fragments */
	struct rs_send_replies_ring *ring;
};

/* Everything the senders and the reply handler share. */
struct run {
	const struct rs_send_cfg *cfg;
	struct rs_sender *sd;
	struct rs_view *view;
	struct rs_out *out;
	struct rs_send_stats *st;
	uint64_t answered;
	int halt;                 /* a sender failed: the others stop (atomic) */
	int64_t start, end;       /* monotonic */
	int64_t real_start;       /* CLOCK_REALTIME at start: a dry run's packet times */
	bool quiet_stop;          /* stopped early, nobody reading the output */
	struct rs_packet qpkt;    /* -q: replies decoded here, not printed */
};

/* One sender: packets t, t + n, t + 2n, ... of the run, on its own socket. */
struct worker {
	struct run *r;
	struct rs_injector *inj;
	unsigned t, n;
	uint64_t rng;             /* its own random stream */
	uint64_t sent, errors;
	int64_t last_ns;          /* monotonic, when its last packet went out */
	int last_errno;
	int status;
	char err[512];
	pthread_t tid;
};

/* Flood senders: one per CPU we may run on, when nothing needs the
 * packets in order (no capture of replies, no file, no fragments). */
static unsigned flood_threads(const struct rs_send_cfg *cfg, bool fragment)
{
	unsigned n = cfg->threads;

	if (!cfg->flood || !cfg->quiet || cfg->listen || cfg->write_path || cfg->dry_run || fragment)
		return 1;
	if (n == 0) {
		cpu_set_t set;
		n = sched_getaffinity(0, sizeof(set), &set) == 0 ? (unsigned)CPU_COUNT(&set) : 1;
	}
	if (cfg->count && n > cfg->count)
		n = (unsigned)cfg->count;
	if (n > RS_SEND_THREADS_MAX)
		n = RS_SEND_THREADS_MAX;
	if (cfg->threads == 0 && n > 4)
		n = 4;
	return n ? n : 1;
}

void rs_send_close(struct rs_sender *sd)
{
	if (!sd)
		return;
	if (sd->writing)
		rs_outfile_close(&sd->file);
	if (sd->listening)
		rs_send_replies_close(&sd->ls);
	for (unsigned t = 0; t < RS_SEND_THREADS_MAX; t++)
		rs_send_inject_close(&sd->inj[t]);
	if (sd->c)
		rs_crafter_free(sd->c);
	free(sd->c);
	free(sd->ring);
	free(sd);
}

int rs_send_open(struct rs_sender **sdp, const struct rs_send_cfg *cfg, char *err, size_t errlen)
{
	const struct rs_craft_spec *s = &cfg->spec;
	struct rs_sender *sd = calloc(1, sizeof(*sd));

	*sdp = NULL;
	if (!sd) {
		snprintf(err, errlen, "out of memory");
		return 2;
	}
	sd->cfg = cfg;
	for (unsigned t = 0; t < RS_SEND_THREADS_MAX; t++)
		sd->inj[t].fd = -1;
	sd->c = malloc(sizeof(*sd->c));
	if (!sd->c || !rs_crafter_init(sd->c) || !rs_craft_build(sd->c, s)) {
		snprintf(err, errlen, "%s", sd->c ? sd->c->err : "out of memory");
		goto fail;
	}
	sd->fragment = cfg->frag && sd->c->len - sd->c->l3_off > cfg->mtu;
	sd->nthreads = flood_threads(cfg, sd->fragment);

	/* Open everything before the first packet: the capture must be
	 * running before anything can answer. */
	if (!cfg->dry_run) {
		char why[256];
		for (unsigned t = 0; t < sd->nthreads; t++) {
			if (!rs_send_inject_open(&sd->inj[t], s->v, s->dst, s->link, cfg->ifname, why,
					    sizeof(why))) {
				snprintf(err, errlen, "%s", why);
				goto fail;
			}
		}
		if (cfg->listen) {
			char filter[512];
			if (!rs_send_replies_filter(filter, sizeof(filter), s->proto, s->v, s->dst, s->dport) ||
			    !rs_send_replies_open(&sd->ls, "any", filter, why, sizeof(why))) {
				snprintf(err, errlen, "--listen: %s", why);
				goto fail;
			}
			sd->listening = true;
			sd->ring = calloc(1, sizeof(*sd->ring));
			if (!sd->ring) {
				snprintf(err, errlen, "out of memory");
				goto fail;
			}
		}
	}
	*sdp = sd;
	return 0;
fail:
	rs_send_close(sd);
	return 2;
}

int rs_send_open_file(struct rs_sender *sd, const char *as_user, char *err, size_t errlen)
{
	const struct rs_send_cfg *cfg = sd->cfg;
	char why[256];

	if (!cfg->write_path)
		return 0;
	if (!rs_outfile_open(&sd->file, cfg->write_path, as_user, err, errlen))
		return 2;
	sd->writing = true;
	/* Nanosecond timestamps: the times the packets were sent. */
	if (!rs_outfile_pcap_header(&sd->file, cfg->spec.link ? DLT_EN10MB : DLT_RAW, 65535, true,
				    why, sizeof(why))) {
		/* Opened, but not even the header could be written: a write
		 * error (a full disk), not a file that cannot be used. */
		snprintf(err, errlen, "%s: %s%s", cfg->write_path, sd->file.err ? "write error: " : "",
			 why);
		return sd->file.err ? 1 : 2;
	}
	return 0;
}

bool rs_send_file_is_stdout(const struct rs_sender *sd)
{
	return sd->writing && sd->file.to_stdout;
}

static void print_rtt(struct run *r, uint64_t frame, const struct rs_sent *s, int64_t rtt_ns)
{
	struct rs_out *o = r->out;
	if (r->view->opts.format == RS_FORMAT_JSON) {
		rs_out_str(o, "{\"type\":\"reply\",\"frame\":");
		rs_out_u64(o, frame);
		rs_out_str(o, ",\"reply_to\":");
		rs_out_u64(o, s->frame);
		rs_out_str(o, ",\"rtt_ms\":");
		rs_out_double(o, (double)rtt_ns / 1e6, 3);
		rs_out_str(o, "}\n");
	} else {
		rs_out_str(o, "  reply to #");
		rs_out_u64(o, s->frame);
		rs_out_str(o, ", rtt ");
		rs_out_double(o, (double)rtt_ns / 1e6, 3);
		rs_out_str(o, " ms\n");
	}
}

/* A checksum the kernel would reject: RS_CSUM_BAD only, since a reply
 * whose checksum the sender left for the NIC (RS_CSUM_OFFLOAD: a veth,
 * a bridge, loopback) is taken by the kernel like any other. */
static bool reply_csum_bad(const struct rs_packet *p)
{
	bool ip_bad = p->has_ip && p->ip.v == 4 && !p->ip.csum_ok;

	/* Only a reply whose headers were read to the transport layer: the
	 * IPv4 header checksum is not computed over a header cut short. */
	switch (p->l4) {
	case RS_LAYER_TCP: return ip_bad || p->tcp.csum_status == RS_CSUM_BAD;
	case RS_LAYER_UDP: return ip_bad || p->udp.csum_status == RS_CSUM_BAD;
	case RS_LAYER_ICMP:
	case RS_LAYER_ICMPV6: return ip_bad || p->icmp.csum_status == RS_CSUM_BAD;
	default: return false;
	}
}

static void on_reply(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
	struct run *r = (struct run *)user;
	const struct rs_packet *p;
	uint64_t frame = 0;

	if (!r->cfg->quiet) {
		rs_view_packet(r->view, r->sd->ls.dlt, 9, h, data);
		p = &r->view->pkt;
		frame = p->frame;
	} else {
		const struct rs_pcap_form form = { r->sd->ls.dlt, 9, 9 };
		rs_packet_from_pcap(&r->qpkt, 0, &form, h, data, NULL);
		p = &r->qpkt;
	}
	r->st->replies++;
	if (reply_csum_bad(p))
		r->st->replies_bad_csum++;
	struct rs_sent *s = rs_send_replies_match(r->sd->ring, r->cfg->spec.proto, p);
	if (!s)
		return;
	int64_t ts = (int64_t)h->ts.tv_sec * 1000000000 + h->ts.tv_usec;   /* nanosecond capture */
	if (!s->answered)
		r->answered++;
	s->answered = true;
	if (!r->cfg->quiet)
		print_rtt(r, frame, s, ts - s->ts_ns);
}

static void drain(struct run *r)
{
	/* A reply is shown when it arrives, not at the next packet. */
	if (r->sd->listening && pcap_dispatch(r->sd->ls.pcap, -1, on_reply, (u_char *)r) > 0 &&
	    !r->cfg->quiet)
		rs_out_flush(r->out);
}

/* Waits until the monotonic time `until`, showing replies as they come. */
static void wait_until(struct run *r, int64_t until)
{
	for (;;) {
		int64_t left = until - rs_clock_mono_ns();
		if (left <= 0 || stop_requested)
			return;
		struct timespec ts = rs_ns_timespec(left);
		if (r->sd->listening) {
			struct pollfd pfd = { r->sd->ls.fd, POLLIN, 0 };
			if (ppoll(&pfd, 1, &ts, NULL) > 0)
				drain(r);
		} else {
			nanosleep(&ts, NULL);
		}
	}
}

static void show_sent(struct run *r, const uint8_t *pkt, size_t len, int64_t real_ns, int dlt)
{
	struct pcap_pkthdr h;
	h.ts.tv_sec = (time_t)(real_ns / 1000000000);
	h.ts.tv_usec = (suseconds_t)(real_ns % 1000000000);   /* nanoseconds: ts_digits 9 */
	h.caplen = h.len = (bpf_u_int32)len;
	rs_view_packet(r->view, dlt, 9, &h, pkt);
}

static bool dump(struct rs_outfile *f, const uint8_t *pkt, size_t len, int64_t real_ns)
{
	struct pcap_pkthdr h;
	h.ts.tv_sec = (time_t)(real_ns / 1000000000);
	h.ts.tv_usec = (suseconds_t)(real_ns % 1000000000);   /* a nanosecond file */
	h.caplen = h.len = (bpf_u_int32)len;
	return rs_outfile_pcap_record(f, &h, pkt);
}

/* The first write to the -w file that failed stops the run (status 1),
 * with its errno; the file ends with its last whole packet. */
static void file_failed(struct worker *w)
{
	const struct rs_sender *sd = w->r->sd;
	if (sd->file.err == EPIPE) {
		w->status = 3;   /* its reader went away: stop quietly */
		return;
	}
	snprintf(w->err, sizeof(w->err), "-w %s: write error: %s; the file holds %llu whole packet%s",
		 sd->cfg->write_path, strerror(sd->file.err), (unsigned long long)sd->file.records,
		 sd->file.records == 1 ? "" : "s");
	w->status = 1;
}

/* The per-packet fields of packet number i. */
struct fields {
	uint8_t src[16];
	uint16_t sport, id, echo_seq;
	uint32_t seq;
};

static void next_fields(const struct rs_send_cfg *cfg, uint64_t i, uint64_t *rng, struct fields *f)
{
	const struct rs_craft_spec *s = &cfg->spec;
	if (cfg->rand_source)
		rs_cidr_pick(&cfg->rand_cidr, rs_prng_next(rng), rs_prng_next(rng), f->src);
	else
		memcpy(f->src, s->src, 16);
	f->sport = (uint16_t)(s->sport + i * cfg->sport_step);
	f->seq = cfg->rand_seq ? (uint32_t)rs_prng_next(rng) : (uint32_t)(s->seq + i * cfg->seq_step);
	f->id = cfg->vary_id ? (uint16_t)(s->id + i) : s->id;
	f->echo_seq = (uint16_t)(s->echo_seq + i);
}

/* The fields that change from packet to packet; the others keep their
 * built values in every buffer and are never patched. */
enum { V_SRC = 1, V_SPORT = 2, V_SEQ = 4, V_ID = 8, V_ECHO = 16 };

static unsigned varying(const struct rs_send_cfg *cfg)
{
	unsigned m = 0;
	if (cfg->rand_source)
		m |= V_SRC;
	if (cfg->sport_step)
		m |= V_SPORT;
	if (cfg->rand_seq || cfg->seq_step)
		m |= V_SEQ;
	if (cfg->vary_id)
		m |= V_ID;
	if (cfg->spec.proto == RS_CRAFT_ICMP)
		m |= V_ECHO;
	return m;
}

static void apply(const struct rs_craft_layout *lay, uint8_t *pkt, const struct fields *f, unsigned m)
{
	if (m & V_SRC)
		rs_craft_patch_src(lay, pkt, f->src);
	if (m & V_SPORT)
		rs_craft_patch_sport(lay, pkt, f->sport);
	if (m & V_SEQ)
		rs_craft_patch_seq(lay, pkt, f->seq);
	if (m & V_ID)
		rs_craft_patch_id(lay, pkt, f->id);
	if (m & V_ECHO)
		rs_craft_patch_echo_seq(lay, pkt, f->echo_seq);
}

static uint32_t seq_next(const struct rs_craft_spec *s, uint32_t seq)
{
	return seq + (uint32_t)s->payload_len + ((s->flags & RS_TH_SYN) ? 1u : 0u) +
	       ((s->flags & RS_TH_FIN) ? 1u : 0u);
}

static bool halted(struct run *r)
{
	return stop_requested || __atomic_load_n(&r->halt, __ATOMIC_RELAXED);
}

/* A lone sender's output: what it printed goes out now (a paced run
 * shows each packet when it is sent), and nobody left to read it, or
 * standard output failing, stops the run as it would stop read. */
static bool output_ok(struct run *r, struct worker *w)
{
	if (w->n != 1 || !r->out)   /* flood: no output of its own */
		return true;
	if (!r->cfg->flood)
		rs_out_flush(r->out);
	if (!rs_out_closed(r->out))
		return true;
	w->status = 3;
	return false;
}

/* --frag: the batch's one packet as fragments into fragbuf, then (--link)
 * the same fragments as Ethernet frames after them; pkts and lens point
 * at what goes out.  The number of fragments, 0 when it cannot be done. */
static unsigned fragment_batch(struct worker *w, uint8_t *fragbuf, uint8_t **pkts, size_t *lens)
{
	const struct rs_send_cfg *cfg = w->r->cfg;
	const struct rs_crafter *c = w->r->sd->c;
	size_t flens[RS_SEND_INJECT_BATCH], len = c->len;
	unsigned nsend = (unsigned)rs_craft_fragment4(pkts[0] + c->l3_off, len - c->l3_off, cfg->mtu,
						      fragbuf, 2 * RS_CRAFT_MAX, flens,
						      RS_SEND_INJECT_BATCH);
	uint8_t *frames = fragbuf + 2 * RS_CRAFT_MAX, *from = fragbuf;
	size_t off = 0;

	if (nsend == 0) {
		snprintf(w->err, sizeof(w->err), "--frag: cannot fragment for an MTU of %u", cfg->mtu);
		w->status = 2;
		return 0;
	}
	if (c->l3_off) {
		/* --link: each fragment is an IP packet; give each the frame's
		 * Ethernet header again. */
		size_t fo = 0;
		for (unsigned b = 0; b < nsend; b++) {
			memcpy(frames + off, pkts[0], c->l3_off);
			memcpy(frames + off + c->l3_off, fragbuf + fo, flens[b]);
			fo += flens[b];
			flens[b] += c->l3_off;
			off += flens[b];
		}
		from = frames;
		off = 0;
	}
	for (unsigned b = 0; b < nsend; b++) {
		pkts[b] = from + off;
		lens[b] = flens[b];
		off += flens[b];
	}
	return nsend;
}

/* After a batch went out: the probes recorded for their replies, the
 * packets shown and written.  False when the -w file failed. */
static bool record_batch(struct worker *w, uint8_t **pkts, const size_t *lens, unsigned done,
			 unsigned pk_done, const struct fields *f, int64_t real)
{
	struct run *r = w->r;
	struct rs_sender *sd = r->sd;
	const struct rs_send_cfg *cfg = r->cfg;
	const struct rs_craft_spec *s = &cfg->spec;
	int dlt = s->link ? DLT_EN10MB : DLT_RAW;
	bool file_ok = true;

	for (unsigned b = 0; b < pk_done && sd->ring; b++) {
		struct rs_sent rec = { 0 };
		rec.ts_ns = real;
		rec.sport = f[b].sport;
		rec.seq_next = seq_next(s, f[b].seq);
		rec.echo_id = s->echo_id;
		rec.echo_seq = f[b].echo_seq;
		rec.frame = r->view->frames + 1 + (sd->fragment ? 0 : b);
		rs_send_replies_add(sd->ring, &rec);
	}
	for (unsigned b = 0; b < done && (!cfg->quiet || sd->writing); b++) {
		if (sd->writing && file_ok)
			file_ok = dump(&sd->file, pkts[b], lens[b], real);
		if (!cfg->quiet)
			show_sent(r, pkts[b], lens[b], real, dlt);
	}
	/* A paced run's file is written as it goes. */
	if (sd->writing && file_ok && !cfg->flood)
		file_ok = rs_outfile_flush(&sd->file);
	return file_ok;
}

/* Sends packets i, i + n, ... (at most a batch) from bufs.  False when
 * the loop must end (a failure, w->status says which). */
static bool send_batch(struct worker *w, uint8_t *bufs, uint8_t *fragbuf,
		       const struct rs_craft_layout *lay, uint64_t i, unsigned k)
{
	struct run *r = w->r;
	struct rs_sender *sd = r->sd;
	const struct rs_send_cfg *cfg = r->cfg;
	size_t len = sd->c->len;
	uint8_t *pkts[RS_SEND_INJECT_BATCH];
	size_t lens[RS_SEND_INJECT_BATCH];
	struct fields f[RS_SEND_INJECT_BATCH];
	unsigned vary = varying(cfg), nsend = k;

	for (unsigned b = 0; b < k; b++) {
		pkts[b] = bufs + b * len;
		lens[b] = len;
		next_fields(cfg, i + b * w->n, &w->rng, &f[b]);
		apply(lay, pkts[b], &f[b], vary);
	}
	if (sd->fragment && (nsend = fragment_batch(w, fragbuf, pkts, lens)) == 0)
		return false;
	/* A dry run does not wait: its packets carry the times they would
	 * have been sent at, so a -w file shows the spacing asked for. */
	int64_t real = w->n != 1 ? 0
		       : cfg->dry_run && !cfg->flood ? r->real_start + (int64_t)(i * cfg->interval_ns)
		       : rs_clock_real_ns();
	unsigned done = nsend;
	int e = 0;
	if (!cfg->dry_run)
		done = rs_send_inject_send(w->inj, pkts, lens, nsend, &e);
	/* Fragments count as one packet sent when all went out. */
	unsigned pk_done = sd->fragment ? (done == nsend ? 1 : 0) : done;
	bool file_ok = record_batch(w, pkts, lens, done, pk_done, f, real);
	w->sent += pk_done;
	if (pk_done)   /* a dry run's last packet is as late as its stamp */
		w->last_ns = cfg->dry_run && !cfg->flood ? r->start + (int64_t)(i * cfg->interval_ns)
							 : rs_clock_mono_ns();
	if (done < nsend) {
		w->errors++;
		w->last_errno = e;
		w->status = 1;
		__atomic_store_n(&r->halt, 1, __ATOMIC_RELAXED);
		return false;
	}
	if (!file_ok) {
		file_failed(w);
		__atomic_store_n(&r->halt, 1, __ATOMIC_RELAXED);
		return false;
	}
	return true;
}

/* One sender's loop; only a lone sender shows, records or writes packets. */
static void send_loop(struct worker *w)
{
	struct run *r = w->r;
	struct rs_sender *sd = r->sd;
	const struct rs_send_cfg *cfg = r->cfg;
	const struct rs_crafter *c = sd->c;
	struct rs_craft_layout lay;
	uint8_t *bufs = NULL, *fragbuf = NULL;
	size_t len = c->len;
	unsigned nb = cfg->flood && !sd->fragment ? RS_SEND_INJECT_BATCH : 1;
	uint64_t n = w->n;

	rs_craft_layout_of(c, &lay);
	bufs = malloc(nb * len);
	/* Fragments, then (--link) the same fragments as Ethernet frames. */
	if (sd->fragment)
		fragbuf = malloc(4 * RS_CRAFT_MAX + RS_SEND_INJECT_BATCH * 14);
	if (!bufs || (sd->fragment && !fragbuf)) {
		snprintf(w->err, sizeof(w->err), "out of memory");
		w->status = 2;
		goto out;
	}
	for (unsigned b = 0; b < nb; b++)
		memcpy(bufs + b * len, c->pkt, len);

	uint64_t i = w->t;
	while ((cfg->count == 0 || i < cfg->count) && !halted(r)) {
		if (rs_clock_mono_ns() >= r->end)
			break;
		/* A dry run's --duration is the time its packets span. */
		if (cfg->dry_run && !cfg->flood && cfg->duration_ns && i * cfg->interval_ns >= cfg->duration_ns)
			break;
		if (!cfg->flood && !cfg->dry_run && i > 0) {
			wait_until(r, r->start + (int64_t)(i * cfg->interval_ns));
			if (stop_requested || rs_clock_mono_ns() >= r->end)
				break;
		}
		unsigned k = nb;
		if (cfg->count && (cfg->count - i + n - 1) / n < k)
			k = (unsigned)((cfg->count - i + n - 1) / n);
		if (!send_batch(w, bufs, fragbuf, &lay, i, k))
			break;
		i += k * n;
		if (!cfg->flood)
			drain(r);
		if (!output_ok(r, w))
			break;
	}
out:
	free(bufs);
	free(fragbuf);
}

static void *send_thread(void *arg)
{
	send_loop(arg);
	return NULL;
}

/* The senders' counts into the stats; the worst status, err its reason. */
static int collect(struct run *r, struct worker *w, unsigned nw, char *err, size_t errlen)
{
	struct rs_send_stats *st = r->st;
	int status = 0;

	for (unsigned t = 0; t < nw; t++) {
		st->sent += w[t].sent;
		st->errors += w[t].errors;
		if (w[t].last_ns - r->start > st->span_ns)
			st->span_ns = w[t].last_ns - r->start;
		if (w[t].status == 3) {
			w[t].status = 0;   /* stopped quietly: a reader went away */
			r->quiet_stop = true;
		}
		if (w[t].status == 0)
			continue;
		if (w[t].errors)
			st->last_errno = w[t].last_errno;
		if (w[t].status > status) {
			status = w[t].status;
			snprintf(err, errlen, "%s", w[t].err);
		}
	}
	if (status == 1 && st->errors)
		snprintf(err, errlen, "send failed after %llu packet%s: %s", (unsigned long long)st->sent,
			 st->sent == 1 ? "" : "s", strerror(st->last_errno));
	return status;
}

int rs_send_run(struct rs_sender *sd, struct rs_view *view, struct rs_out *out,
		struct rs_send_stats *st, char *err, size_t errlen)
{
	const struct rs_send_cfg *cfg = sd->cfg;
	struct run r;
	struct worker w[RS_SEND_THREADS_MAX];
	unsigned nw = sd->nthreads, started = 1;
	uint64_t seed = cfg->seed;
	int status;

	memset(&r, 0, sizeof(r));
	memset(st, 0, sizeof(*st));
	memset(w, 0, sizeof(w));
	r.cfg = cfg;
	r.sd = sd;
	r.view = view;
	r.out = out;
	r.st = st;
	stop_requested = 0;
	if (!seed && getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
		seed = (uint64_t)rs_clock_real_ns();
	for (unsigned t = 0; t < nw; t++) {
		w[t].r = &r;
		w[t].inj = &sd->inj[t];
		w[t].t = t;
		w[t].n = nw;
		/* A lone sender draws from the seed itself, as it always did;
		 * several draw from streams split off it (the same for a seed). */
		w[t].rng = nw == 1 ? seed : rs_prng_next(&seed);
	}

	r.start = rs_clock_mono_ns();
	r.real_start = rs_clock_real_ns();
	r.end = cfg->duration_ns ? r.start + (int64_t)cfg->duration_ns : INT64_MAX;
	for (; started < nw; started++) {
		if (pthread_create(&w[started].tid, NULL, send_thread, &w[started]) != 0) {
			__atomic_store_n(&r.halt, 1, __ATOMIC_RELAXED);
			snprintf(w[0].err, sizeof(w[0].err), "cannot start a sender thread");
			w[0].status = 2;
			break;
		}
	}
	if (w[0].status == 0)
		send_loop(&w[0]);
	for (unsigned t = 1; t < started; t++)
		pthread_join(w[t].tid, NULL);
	int64_t last = rs_clock_mono_ns();
	st->elapsed_ns = last - r.start;

	/* What is still buffered for the file goes out now, checked. */
	if (sd->writing && w[0].status == 0 && !rs_outfile_flush(&sd->file))
		file_failed(&w[0]);
	status = collect(&r, w, nw, err, errlen);
	/* Replies to the last packets. */
	if (sd->listening && status == 0 && !r.quiet_stop) {
		int64_t until = last + (int64_t)cfg->wait_ns;
		while (r.answered < st->sent && rs_clock_mono_ns() < until && !stop_requested) {
			int64_t step = rs_clock_mono_ns() + 10000000;
			wait_until(&r, step < until ? step : until);
		}
		drain(&r);
	}
	return status;
}
