/* scan.c: the SYN scan: port lists, the verdict of a reply, the paced probe loop. */
#include "config.h"
#include "rawshake/clock.h"
#include "rawshake/scan.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* ---- port lists ---------------------------------------------------------- */

static void ports_add(struct rs_scan_ports *p, uint32_t port)
{
	uint8_t bit = (uint8_t)(1u << (port & 7));
	if (!(p->bits[port >> 3] & bit)) {
		p->bits[port >> 3] |= bit;
		p->n++;
	}
}

bool rs_scan_ports_has(const struct rs_scan_ports *p, uint16_t port)
{
	return (p->bits[port >> 3] >> (port & 7)) & 1;
}

/* A port number of the item [s, e): digits only, 1 to 65535. */
static bool port_num(const char *s, const char *e, uint32_t *out)
{
	uint32_t v = 0;
	if (s == e)
		return false;
	for (; s < e; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (uint32_t)(*s - '0');
		if (v > 65535)
			return false;
	}
	*out = v;
	return v >= 1;
}

/* One item [s, e) of a list: N, N-M, N-, -M or "-". */
static bool ports_item(struct rs_scan_ports *p, const char *s, const char *e, char *err,
		       size_t errlen)
{
	int len = (int)(e - s);
	const char *dash = memchr(s, '-', (size_t)(e - s));
	uint32_t lo = 1, hi = 65535;

	if (s == e) {
		snprintf(err, errlen, "an empty item in the port list");
		return false;
	}
	if (!dash) {
		if (!port_num(s, e, &lo))
			goto bad;
		hi = lo;
	} else if ((dash > s && !port_num(s, dash, &lo)) || (dash + 1 < e && !port_num(dash + 1, e, &hi))) {
		goto bad;
	}
	if (lo > hi) {
		snprintf(err, errlen, "'%.*s' runs backwards", len, s);
		return false;
	}
	for (uint32_t port = lo; port <= hi; port++)
		ports_add(p, port);
	return true;
bad:
	snprintf(err, errlen, "'%.*s' is not a port or a range of ports (1 to 65535)", len, s);
	return false;
}

bool rs_scan_ports_parse(const char *s, struct rs_scan_ports *p, char *err, size_t errlen)
{
	for (;;) {
		const char *comma = strchr(s, ',');
		const char *e = comma ? comma : s + strlen(s);
		if (!ports_item(p, s, e, err, errlen))
			return false;
		if (!comma)
			return true;
		s = comma + 1;
	}
}

uint32_t rs_scan_ports_list(const struct rs_scan_ports *p, uint16_t *out)
{
	uint32_t k = 0;
	for (uint32_t port = 1; port <= 65535; port++)
		if (rs_scan_ports_has(p, (uint16_t)port))
			out[k++] = (uint16_t)port;
	return k;
}

/* ---- names ----------------------------------------------------------------- */

const char *rs_scan_state_str(enum rs_scan_state s)
{
	switch (s) {
	case RS_SCAN_PENDING: return "pending";
	case RS_SCAN_OPEN: return "open";
	case RS_SCAN_CLOSED: return "closed";
	case RS_SCAN_FILTERED: return "filtered";
	}
	return "?";
}

const char *rs_scan_reason_str(enum rs_scan_reason r)
{
	switch (r) {
	case RS_SCAN_R_NONE: return "none";
	case RS_SCAN_R_SYN_ACK: return "syn-ack";
	case RS_SCAN_R_RST: return "reset";
	case RS_SCAN_R_ICMP: return "icmp-unreach";
	case RS_SCAN_R_NO_RESPONSE: return "no-response";
	}
	return "?";
}

uint32_t rs_scan_seq(uint32_t base, uint16_t port)
{
	/* Knuth's multiplicative constant: ports far apart in sequence space. */
	return base + (uint32_t)port * 2654435761u;
}

/* ---- the verdict of a reply ------------------------------------------------ */

static bool classify_tcp(const struct rs_packet *p, const struct rs_scan_probe_id *id,
			 struct rs_scan_verdict *vd)
{
	const struct rs_tcp *t = &p->tcp;
	size_t alen = id->v == 4 ? 4 : 16;

	if (memcmp(p->ip.src, id->dst, alen) != 0 || t->dport != id->sport || t->sport == 0)
		return false;
	uint32_t want = rs_scan_seq(id->seq_base, t->sport) + 1;
	bool ack_ok = (t->flags & RS_TH_ACK) && t->ack == want;
	if (t->flags & RS_TH_RST) {
		/* A RST without ACK cannot be checked; one with must fit. */
		if ((t->flags & RS_TH_ACK) && !ack_ok)
			return false;
		vd->state = RS_SCAN_CLOSED;
		vd->reason = RS_SCAN_R_RST;
	} else if ((t->flags & (RS_TH_SYN | RS_TH_ACK)) == (RS_TH_SYN | RS_TH_ACK) && ack_ok) {
		vd->state = RS_SCAN_OPEN;
		vd->reason = RS_SCAN_R_SYN_ACK;
	} else {
		return false;
	}
	vd->port = t->sport;
	return true;
}

/* The ICMP unreachable codes nmap reads as "filtered" (the others, such
 * as fragmentation needed, say nothing about the port). */
static bool unreach_filters(uint8_t v, uint8_t type, uint8_t code)
{
	if (v == 6)
		return type == 1;
	if (type != 3)
		return false;
	return code <= 3 || code == 9 || code == 10 || code == 13;
}

static bool classify_icmp(const struct rs_packet *p, const struct rs_scan_probe_id *id,
			  struct rs_scan_verdict *vd)
{
	const struct rs_icmp *ic = &p->icmp;
	size_t alen = id->v == 4 ? 4 : 16;

	if (!ic->has_quote || !unreach_filters(ic->v, ic->type, ic->code))
		return false;
	if (ic->quote.v != id->v || ic->quote.proto != 6 || !ic->quote.has_ports ||
	    ic->quote.sport != id->sport || ic->quote.dport == 0 ||
	    memcmp(ic->quote.src, id->src, alen) != 0 || memcmp(ic->quote.dst, id->dst, alen) != 0)
		return false;
	vd->port = ic->quote.dport;
	vd->state = RS_SCAN_FILTERED;
	vd->reason = RS_SCAN_R_ICMP;
	vd->icmp_v = ic->v;
	vd->icmp_type = ic->type;
	vd->icmp_code = ic->code;
	return true;
}

bool rs_scan_classify(const struct rs_packet *reply, const struct rs_scan_probe_id *id,
		      struct rs_scan_verdict *vd)
{
	memset(vd, 0, sizeof(*vd));
	if (!reply->has_ip || reply->ip.v != id->v || reply->ip.is_later_fragment)
		return false;
	bool ok;
	if (reply->l4 == RS_LAYER_TCP)
		ok = classify_tcp(reply, id, vd);
	else if (reply->l4 == RS_LAYER_ICMP || reply->l4 == RS_LAYER_ICMPV6)
		ok = classify_icmp(reply, id, vd);
	else
		ok = false;
	if (ok)
		memcpy(vd->from, reply->ip.src, 16);
	return ok;
}

void rs_scan_count(const struct rs_scan_result *res, uint32_t n, struct rs_scan_stats *st)
{
	st->open = st->closed = st->filtered = st->pending = 0;
	for (uint32_t i = 0; i < n; i++) {
		switch (res[i].vd.state) {
		case RS_SCAN_OPEN: st->open++; break;
		case RS_SCAN_CLOSED: st->closed++; break;
		case RS_SCAN_FILTERED: st->filtered++; break;
		case RS_SCAN_PENDING: st->pending++; break;
		}
	}
}

/* ---- sockets ----------------------------------------------------------------- */

/* The replies: TCP from dst to our port, ICMP destination unreachable to us. */
static bool reply_filter(const struct rs_scan_probe_id *id, char *buf, size_t n)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	int af = id->v == 4 ? AF_INET : AF_INET6;
	inet_ntop(af, id->src, s, sizeof(s));
	inet_ntop(af, id->dst, d, sizeof(d));
	int r = id->v == 4 ?
		snprintf(buf, n, "(ip and tcp and src host %s and dst host %s and dst port %u) or "
			 "(icmp and dst host %s and icmp[icmptype] == icmp-unreach)", d, s, id->sport, s) :
		snprintf(buf, n, "(ip6 and tcp and src host %s and dst host %s and dst port %u) or "
			 "(icmp6 and dst host %s and ip6[40] == 1)", d, s, id->sport, s);
	return r > 0 && (size_t)r < n;
}

bool rs_scan_open(struct rs_scan *sc, const struct rs_scan_cfg *cfg, const struct rs_scan_ports *ports,
		  const char *ifname, uint32_t mark, char *err, size_t errlen)
{
	char filter[512];

	memset(sc, 0, sizeof(*sc));
	sc->inj.fd = -1;
	sc->cfg = *cfg;
	sc->res = calloc(ports->n ? ports->n : 1, sizeof(*sc->res));
	uint16_t *list = malloc((ports->n ? ports->n : 1) * sizeof(*list));
	if (!sc->res || !list) {
		free(list);
		snprintf(err, errlen, "out of memory for %u ports", ports->n);
		goto fail;
	}
	sc->n = rs_scan_ports_list(ports, list);
	for (uint32_t i = 0; i < sc->n; i++)
		sc->res[i].vd.port = list[i];
	free(list);
	if (!rs_crafter_init(&sc->crafter)) {
		snprintf(err, errlen, "%s", sc->crafter.err);
		goto fail;
	}
	if (!rs_send_inject_open(&sc->inj, cfg->id.v, cfg->id.dst, false, NULL, err, errlen))
		goto fail;
	/* The mark lets our RSTs past the guard that drops the kernel's. */
	if (mark && setsockopt(sc->inj.fd, SOL_SOCKET, SO_MARK, &mark, sizeof(mark)) < 0) {
		snprintf(err, errlen, "cannot mark the raw socket (SO_MARK needs CAP_NET_ADMIN): %s",
			 strerror(errno));
		goto fail;
	}
	if (!reply_filter(&cfg->id, filter, sizeof(filter))) {
		snprintf(err, errlen, "reply filter too long");
		goto fail;
	}
	if (!rs_send_replies_open(&sc->ls, ifname, filter, err, errlen))
		goto fail;
	if (pcap_setdirection(sc->ls.pcap, PCAP_D_IN) < 0) {
		snprintf(err, errlen, "capture on %s: %s", ifname, pcap_geterr(sc->ls.pcap));
		goto fail;
	}
	return true;
fail:
	rs_scan_close(sc);
	return false;
}

void rs_scan_close(struct rs_scan *sc)
{
	rs_send_replies_close(&sc->ls);
	if (sc->inj.fd >= 0)
		rs_send_inject_close(&sc->inj);
	sc->inj.fd = -1;
	rs_crafter_free(&sc->crafter);
	free(sc->res);
	sc->res = NULL;
}

/* ---- the probe loop ---------------------------------------------------------- */

/* Sends a SYN (or, rst, the RST after a SYN-ACK) to port. */
static bool send_segment(struct rs_scan *sc, uint16_t port, bool rst)
{
	struct rs_craft_spec s;
	const struct rs_scan_probe_id *id = &sc->cfg.id;
	int e = 0;

	rs_craft_spec_init(&s);
	s.proto = RS_CRAFT_TCP;
	s.v = id->v;
	memcpy(s.src, id->src, 16);
	memcpy(s.dst, id->dst, 16);
	if (sc->cfg.ttl)
		s.ttl = sc->cfg.ttl;
	s.sport = id->sport;
	s.dport = port;
	s.seq = rs_scan_seq(id->seq_base, port) + (rst ? 1 : 0);
	if (rst) {
		/* As the kernel answers a segment it has no socket for. */
		s.flags = RS_TH_RST;
		s.win = 0;
	} else {
		/* As nmap -sS sends it: a small window, MSS alone. */
		s.flags = RS_TH_SYN;
		s.win = 1024;
		rs_tcpopts_mss(&s.opts, id->v == 6 ? 1440 : 1460);
	}
	if (!rs_craft_build(&sc->crafter, &s)) {
		sc->send_errno = EINVAL;
		return false;
	}
	uint8_t *pkt = sc->crafter.pkt;
	size_t len = sc->crafter.len;
	if (rs_send_inject_send(&sc->inj, &pkt, &len, 1, &e) != 1) {
		sc->send_errno = e ? e : EIO;
		return false;
	}
	if (rst)
		sc->st.rsts++;
	else
		sc->st.probes++;
	return true;
}

static struct rs_scan_result *find_port(struct rs_scan *sc, uint16_t port)
{
	uint32_t lo = 0, hi = sc->n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (sc->res[mid].vd.port == port)
			return &sc->res[mid];
		if (sc->res[mid].vd.port < port)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* A reply decides its port the first time; a SYN-ACK always draws our RST
 * (a repeated one means the server did not get the last). */
static void on_reply(struct rs_scan *sc, const struct rs_scan_verdict *vd, int64_t ts_ns)
{
	struct rs_scan_result *r = find_port(sc, vd->port);
	if (!r || r->probes == 0)
		return;
	sc->st.replies++;
	if (vd->state == RS_SCAN_OPEN && send_segment(sc, vd->port, true))
		r->rsts++;
	if (r->vd.state != RS_SCAN_PENDING)
		return;
	r->vd = *vd;
	r->rtt_ns = ts_ns > r->sent_ns ? ts_ns - r->sent_ns : 0;
	sc->decided++;
}

static void on_capture(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct rs_scan *sc = (struct rs_scan *)user;
	const struct rs_pcap_form form = { sc->ls.dlt, 9, 9 };
	struct rs_scan_verdict vd;

	rs_packet_from_pcap(&sc->rx, 0, &form, h, bytes, NULL);
	if (rs_scan_classify(&sc->rx, &sc->cfg.id, &vd))
		on_reply(sc, &vd, sc->rx.ts_ns);
}

static bool drain(struct rs_scan *sc, char *err, size_t errlen)
{
	int n;
	while ((n = pcap_dispatch(sc->ls.pcap, 64, on_capture, (u_char *)sc)) > 0)
		;
	if (n < 0) {
		snprintf(err, errlen, "capture: %s", pcap_geterr(sc->ls.pcap));
		return false;
	}
	return true;
}

/* The next SYN that is due at now: a retransmission first (its port has
 * waited longest), else a port's first.  Its result, or NULL. */
static struct rs_scan_result *next_probe(struct rs_scan *sc, int64_t now)
{
	int64_t timeout = (int64_t)sc->cfg.timeout_ns;
	/* First probes go out in port order, so their times rise with it. */
	while (sc->next_retx < sc->next_first) {
		struct rs_scan_result *r = &sc->res[sc->next_retx];
		if (r->vd.state != RS_SCAN_PENDING || r->probes >= 2) {
			sc->next_retx++;
			continue;
		}
		if (now - r->sent_mono < timeout)
			break;
		sc->next_retx++;
		return r;
	}
	if (sc->next_first < sc->n)
		return &sc->res[sc->next_first++];
	return NULL;
}

/* Ports whose second SYN went unanswered for the timeout: filtered.
 * Retransmissions go out in port order too. */
static void expire(struct rs_scan *sc, int64_t now)
{
	int64_t timeout = (int64_t)sc->cfg.timeout_ns;
	while (sc->next_expire < sc->next_retx) {
		struct rs_scan_result *r = &sc->res[sc->next_expire];
		if (r->vd.state == RS_SCAN_PENDING) {
			if (r->probes < 2 || now - r->sent_mono < timeout)
				return;
			r->vd.state = RS_SCAN_FILTERED;
			r->vd.reason = RS_SCAN_R_NO_RESPONSE;
			sc->decided++;
		}
		sc->next_expire++;
	}
}

/* How long to sleep: until the next send slot, the next retransmission
 * or the oldest timeout. */
static int poll_ms(const struct rs_scan *sc, int64_t now, int64_t next_slot)
{
	int64_t timeout = (int64_t)sc->cfg.timeout_ns;
	int64_t until = now + 100000000;   /* look at *stop at least this often */
	int64_t t = until;
	if (sc->next_first < sc->n) {
		t = next_slot;
	} else if (sc->next_retx < sc->next_first) {
		t = sc->res[sc->next_retx].sent_mono + timeout;
		if (t < next_slot)
			t = next_slot;
	} else if (sc->next_expire < sc->n) {
		t = sc->res[sc->next_expire].sent_mono + timeout;
	}
	if (t < until)
		until = t;
	int64_t ms = (until - now + 999999) / 1000000;
	return ms < 0 ? 0 : (int)ms;
}

int rs_scan_run(struct rs_scan *sc, volatile sig_atomic_t *stop, char *err, size_t errlen)
{
	int64_t interval = (int64_t)(1e9 / sc->cfg.rate);
	int64_t start = rs_clock_mono_ns(), next_slot = start;
	int status = 0;

	while (sc->decided < sc->n && !(stop && *stop)) {
		int64_t now = rs_clock_mono_ns();
		if (now >= next_slot) {
			struct rs_scan_result *r = next_probe(sc, now);
			if (r) {
				r->sent_ns = rs_clock_real_ns();
				r->sent_mono = now;
				if (!send_segment(sc, r->vd.port, false)) {
					snprintf(err, errlen, "cannot send: %s", strerror(sc->send_errno));
					status = 1;
					break;
				}
				r->probes++;
				/* A late wake-up does not earn a burst. */
				next_slot = next_slot + interval < now ? now : next_slot + interval;
			}
		}
		expire(sc, now);
		struct pollfd pfd = { sc->ls.fd, POLLIN, 0 };
		if (poll(&pfd, 1, poll_ms(sc, now, next_slot)) < 0 && errno != EINTR) {
			snprintf(err, errlen, "poll: %s", strerror(errno));
			status = 1;
			break;
		}
		if (!drain(sc, err, errlen)) {
			status = 1;
			break;
		}
	}
	sc->st.elapsed_ns = rs_clock_mono_ns() - start;
	rs_scan_count(sc->res, sc->n, &sc->st);
	return status;
}
