/* connect_io.c: the raw socket, the 4-tuple capture and the poll loop around the handshake engine. */
#include "config.h"
#include "rawshake/clock.h"
#include "rawshake/connect.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

bool rs_connect_io_open(struct rs_connect_io *c, const struct rs_connect_config *cfg, const char *ifname,
		     uint32_t mark, char *err, size_t errlen)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN], filter[256];
	int af = cfg->v == 4 ? AF_INET : AF_INET6;

	memset(c, 0, sizeof(*c));
	c->inj.fd = -1;
	c->hs.cfg = *cfg;
	if (!rs_crafter_init(&c->crafter)) {
		snprintf(err, errlen, "%s", c->crafter.err);
		return false;
	}
	if (!rs_send_inject_open(&c->inj, cfg->v, cfg->dst, false, NULL, err, errlen))
		goto fail;
	/* The mark tells our own segments (a RST of --close rst among them)
	 * from the kernel's RSTs, which the guard drops. */
	if (mark && setsockopt(c->inj.fd, SOL_SOCKET, SO_MARK, &mark, sizeof(mark)) < 0) {
		snprintf(err, errlen, "cannot mark the raw socket (SO_MARK needs CAP_NET_ADMIN): %s",
			 strerror(errno));
		goto fail;
	}
	inet_ntop(af, cfg->src, s, sizeof(s));
	inet_ntop(af, cfg->dst, d, sizeof(d));
	snprintf(filter, sizeof(filter),
		 "%s and tcp and src host %s and dst host %s and src port %u and dst port %u",
		 cfg->v == 4 ? "ip" : "ip6", d, s, cfg->dport, cfg->sport);
	if (!rs_send_replies_open(&c->ls, ifname, filter, err, errlen))
		goto fail;
	/* Our own segments are shown as they are sent; the capture only
	 * brings the peer's. */
	if (pcap_setdirection(c->ls.pcap, PCAP_D_IN) < 0) {
		snprintf(err, errlen, "capture on %s: %s", ifname, pcap_geterr(c->ls.pcap));
		goto fail;
	}
	return true;
fail:
	rs_connect_io_close(c);
	return false;
}

void rs_connect_io_close(struct rs_connect_io *c)
{
	rs_send_replies_close(&c->ls);
	if (c->inj.fd >= 0)
		rs_send_inject_close(&c->inj);
	c->inj.fd = -1;
	rs_crafter_free(&c->crafter);
}

/* Our packets are stamped just before they go out, so that a reply the
 * kernel stamps on arrival never seems to come before its cause. */
static void to_view(struct rs_connect_io *c, const struct timespec *ts, const uint8_t *pkt,
		    size_t len)
{
	struct pcap_pkthdr h;

	if (!c->view)
		return;
	memset(&h, 0, sizeof(h));
	h.ts.tv_sec = ts->tv_sec;
	h.ts.tv_usec = ts->tv_nsec;   /* nanoseconds: ts_digits 9 */
	h.caplen = h.len = (bpf_u_int32)len;
	rs_view_packet(c->view, DLT_RAW, 9, &h, pkt);
}

static bool io_send(void *ctx, const struct rs_craft_spec *s)
{
	struct rs_connect_io *c = ctx;
	int e = 0;

	if (!rs_craft_build(&c->crafter, s)) {
		c->send_errno = EINVAL;
		return false;
	}
	uint8_t *pkt = c->crafter.pkt;
	size_t len = c->crafter.len;
	struct timespec ts = rs_ns_timespec(rs_clock_real_ns());
	if (rs_send_inject_send(&c->inj, &pkt, &len, 1, &e) != 1) {
		c->send_errno = e ? e : EIO;
		return false;
	}
	to_view(c, &ts, pkt, len);
	return true;
}

static void io_note(void *ctx, enum rs_connect_state st, const char *text)
{
	struct rs_connect_io *c = ctx;
	if (c->user.note)
		c->user.note(c->user.ctx, st, text);
}

static void io_drop(void *ctx, enum rs_connect_state st, enum rs_connect_drop why, const char *text)
{
	struct rs_connect_io *c = ctx;
	if (c->user.drop)
		c->user.drop(c->user.ctx, st, why, text);
	else if (c->user.note)
		c->user.note(c->user.ctx, st, text);
}

static void io_data(void *ctx, const uint8_t *p, size_t n)
{
	struct rs_connect_io *c = ctx;
	if (c->user.data)
		c->user.data(c->user.ctx, p, n);
}

static void on_capture(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct rs_connect_io *c = (struct rs_connect_io *)user;

	if (c->view)
		rs_view_packet(c->view, c->ls.dlt, 9, h, bytes);
	const struct rs_pcap_form form = { c->ls.dlt, 9, 9 };
	memset(&c->rx, 0, sizeof(c->rx));
	rs_packet_from_pcap(&c->rx, 0, &form, h, bytes, NULL);
	rs_connect_input_batch(&c->hs, &c->rx, rs_clock_mono_ns());
}

/* Reads what the capture holds; false on a capture error. */
static bool drain(struct rs_connect_io *c, char *err, size_t errlen)
{
	for (;;) {
		int n = pcap_dispatch(c->ls.pcap, 64, on_capture, (u_char *)c);
		if (n < 0) {
			snprintf(err, errlen, "capture: %s", pcap_geterr(c->ls.pcap));
			return false;
		}
		if (n == 0) {
			/* Everything that had arrived is in: answer it once. */
			rs_connect_flush(&c->hs, rs_clock_mono_ns());
			return true;
		}
	}
}

enum rs_connect_result rs_connect_run(struct rs_connect_io *c, const struct rs_connect_callbacks *cb,
				 struct rs_view *view, volatile sig_atomic_t *stop, char *err,
				 size_t errlen)
{
	struct rs_connect_callbacks io = {
		.send = io_send, .note = io_note, .data = io_data, .drop = io_drop, .ctx = c,
	};
	struct rs_connect_config cfg = c->hs.cfg;

	c->user = *cb;
	c->view = view;
	rs_connect_init(&c->hs, &cfg, &io);
	int64_t now = rs_clock_mono_ns();
	rs_connect_start(&c->hs, now);
	while (!rs_connect_finished(&c->hs, now)) {
		if (stop && *stop) {
			rs_connect_abort(&c->hs, rs_clock_mono_ns());
			break;
		}
		int64_t deadline = rs_connect_deadline(&c->hs);
		int timeout = 100;   /* look at *stop at least this often */
		if (deadline) {
			int64_t ms = (deadline - now + 999999) / 1000000;
			if (ms < timeout)
				timeout = ms < 0 ? 0 : (int)ms;
		}
		struct pollfd pfd = { c->ls.fd, POLLIN, 0 };
		int r = poll(&pfd, 1, timeout);
		if (r < 0 && errno != EINTR) {
			snprintf(err, errlen, "poll: %s", strerror(errno));
			rs_connect_abort(&c->hs, rs_clock_mono_ns());
			break;
		}
		if (!drain(c, err, errlen)) {
			rs_connect_abort(&c->hs, rs_clock_mono_ns());
			break;
		}
		now = rs_clock_mono_ns();
		rs_connect_tick(&c->hs, now);
	}
	if (c->hs.result == RS_CONNECT_SEND_FAILED)
		snprintf(err, errlen, "cannot send: %s", strerror(c->send_errno));
	return c->hs.result;
}

int rs_connect_io_reserve_port(uint8_t v, const uint8_t *src, uint16_t *port, char *err,
			    size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd = socket(v == 4 ? AF_INET : AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	memset(&ss, 0, sizeof(ss));
	if (v == 4) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
		sin->sin_family = AF_INET;
		sin->sin_port = htons(*port);
		memcpy(&sin->sin_addr, src, 4);
		sl = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(*port);
		memcpy(&sin6->sin6_addr, src, 16);
		sl = sizeof(*sin6);
	}
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0) {
		if (*port)
			snprintf(err, errlen, "local port %u is in use: %s", *port, strerror(errno));
		else
			snprintf(err, errlen, "no free local port: %s", strerror(errno));
		close(fd);
		return -1;
	}
	sl = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) < 0) {
		snprintf(err, errlen, "getsockname: %s", strerror(errno));
		close(fd);
		return -1;
	}
	*port = ntohs(v == 4 ? ((struct sockaddr_in *)&ss)->sin_port
			     : ((struct sockaddr_in6 *)&ss)->sin6_port);
	return fd;
}
