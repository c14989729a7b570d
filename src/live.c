/* live.c: live capture through libpcap, feeding the shared view. */
#include "config.h"
#include "rawshake/clock.h"
#include "rawshake/live.h"
#include "rawshake/out.h"
#include "rawshake/reader.h"

#include <errno.h>
#include <ifaddrs.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* Adds one RTM_NEWLINK message's index and name to t (n of cap). */
static void add_link(struct rs_live_ifname *t, size_t *n, size_t cap, const struct nlmsghdr *h)
{
	if (*n >= cap || h->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg)))
		return;
	const struct ifinfomsg *ifi = NLMSG_DATA(h);
	int len = (int)h->nlmsg_len - (int)NLMSG_LENGTH(sizeof(*ifi));
	for (const struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type != IFLA_IFNAME || RTA_PAYLOAD(a) == 0)
			continue;
		t[*n].index = (uint32_t)ifi->ifi_index;
		size_t k = RTA_PAYLOAD(a) < sizeof(t[*n].name) ? RTA_PAYLOAD(a) : sizeof(t[*n].name) - 1;
		memcpy(t[*n].name, RTA_DATA(a), k);
		t[*n].name[k] = '\0';
		(*n)++;
		return;
	}
}

/*
 * Reads the interfaces' names by index: an RTM_GETLINK dump on the
 * netlink socket opened with the capture, so that it works again after
 * the privilege drop and inside the sandbox (which lets the process send
 * on that socket only).  Every length is checked against what came; the
 * old table stays when the query fails.
 */
static void load_ifnames(struct rs_live *lv)
{
	struct {
		struct nlmsghdr n;
		struct ifinfomsg i;
	} req;
	union {
		struct nlmsghdr n;
		char buf[16384];
	} resp;
	size_t cap = 256, n = 0;
	bool done = false;

	lv->ifnames_at_ns = rs_clock_mono_ns();
	if (!lv->has_nl)
		return;
	memset(&req, 0, sizeof(req));
	req.n.nlmsg_len = NLMSG_LENGTH(sizeof(req.i));
	req.n.nlmsg_type = RTM_GETLINK;
	req.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.n.nlmsg_seq = ++lv->nl_seq;
	req.i.ifi_family = AF_UNSPEC;
	struct rs_live_ifname *t = calloc(cap, sizeof(*t));
	if (!t)
		return;
	if (send(lv->nl_fd, &req, req.n.nlmsg_len, 0) < 0) {
		free(t);
		return;
	}
	while (!done) {
		ssize_t got = recv(lv->nl_fd, &resp, sizeof(resp), 0);
		if (got <= 0)
			break;
		for (struct nlmsghdr *h = &resp.n; NLMSG_OK(h, (size_t)got); h = NLMSG_NEXT(h, got)) {
			if (h->nlmsg_seq != lv->nl_seq)
				continue;   /* the answer to an earlier query that timed out */
			if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR) {
				done = true;
				break;
			}
			if (h->nlmsg_type == RTM_NEWLINK)
				add_link(t, &n, cap, h);
		}
	}
	if (!done || n == 0) {
		free(t);
		return;
	}
	free(lv->ifnames);
	lv->ifnames = t;
	lv->n_ifnames = n;
}

static const char *find_ifname(const struct rs_live *lv, uint32_t ifindex)
{
	for (size_t i = 0; i < lv->n_ifnames; i++)
		if (lv->ifnames[i].index == ifindex)
			return lv->ifnames[i].name;
	return NULL;
}

const char *rs_live_ifname_of(void *ctx, uint32_t ifindex)
{
	struct rs_live *lv = ctx;
	const char *name = find_ifname(lv, ifindex);

	/* An interface made after the capture started: read the table again,
	 * at most once a second (an index that stays unknown, such as one
	 * already deleted, must not cost a query per packet). */
	if (!name && rs_clock_mono_ns() - lv->ifnames_at_ns >= 1000000000) {
		load_ifnames(lv);
		name = find_ifname(lv, ifindex);
	}
	return name;
}

/* The MAC address of a named interface (AF_PACKET entry of getifaddrs).
 * None for a loopback (all zeros: every frame would look as going out,
 * while libpcap keeps only the incoming copy of what lo carries). */
static bool read_local_mac(const char *ifname, uint8_t mac[6])
{
	struct ifaddrs *all = NULL;
	bool found = false;

	if (getifaddrs(&all) != 0)
		return false;
	for (const struct ifaddrs *a = all; a && !found; a = a->ifa_next) {
		if (!a->ifa_addr || a->ifa_addr->sa_family != AF_PACKET ||
		    strcmp(a->ifa_name, ifname) != 0)
			continue;
		const struct sockaddr_ll *ll = (const struct sockaddr_ll *)(const void *)a->ifa_addr;
		static const uint8_t zero[6];
		if (ll->sll_halen == 6 && !(a->ifa_flags & IFF_LOOPBACK) &&
		    memcmp(ll->sll_addr, zero, 6) != 0) {
			memcpy(mac, ll->sll_addr, 6);
			found = true;
		}
	}
	freeifaddrs(all);
	return found;
}

enum rs_pkt_dir rs_live_dir(const struct rs_live *lv, const uint8_t *bytes, uint32_t caplen)
{
	struct rs_reader r = rs_reader_make(bytes, caplen);
	uint16_t pkttype;
	uint8_t src[6];

	switch (lv->dlt) {
	case DLT_LINUX_SLL2:   /* protocol, reserved, ifindex, hatype, pkttype */
		pkttype = rs_get_u8(&r, 10);
		break;
	case DLT_LINUX_SLL:    /* pkttype first */
		pkttype = rs_get_be16(&r, 0);
		break;
	case DLT_EN10MB:
		if (!lv->has_local_mac || !rs_get_bytes(&r, 6, src, 6))
			return RS_PKT_DIR_UNKNOWN;
		return memcmp(src, lv->local_mac, 6) == 0 ? RS_PKT_DIR_OUT : RS_PKT_DIR_IN;
	default:
		return RS_PKT_DIR_UNKNOWN;
	}
	if (r.short_read || pkttype > 4)
		return RS_PKT_DIR_UNKNOWN;
	return pkttype == 4 ? RS_PKT_DIR_OUT : RS_PKT_DIR_IN;
}

/* tcpdump's status_flags, in its order. */
static const struct {
	bpf_u_int32 flag;
	const char *name;
} if_flag_names[] = {
	{ PCAP_IF_UP, "Up" },
	{ PCAP_IF_RUNNING, "Running" },
	{ PCAP_IF_LOOPBACK, "Loopback" },
	{ PCAP_IF_WIRELESS, "Wireless" },
};

/* " [Up, Running, Connected]" as tcpdump -D: the flags ("none" when none
 * of them is set), then the connection status where it applies. */
static void out_if_flags(struct rs_out *o, bpf_u_int32 flags)
{
	const char *sep = "";
	bool wireless = flags & PCAP_IF_WIRELESS;

	rs_out_str(o, " [");
	for (size_t i = 0; i < sizeof(if_flag_names) / sizeof(if_flag_names[0]); i++)
		if (flags & if_flag_names[i].flag) {
			rs_out_str(o, sep);
			rs_out_str(o, if_flag_names[i].name);
			sep = ", ";
		}
	if (!*sep)
		rs_out_str(o, "none");
	switch (flags & PCAP_IF_CONNECTION_STATUS) {
	case PCAP_IF_CONNECTION_STATUS_UNKNOWN:
		rs_out_str(o, wireless ? ", Association status unknown" : ", Connection status unknown");
		break;
	case PCAP_IF_CONNECTION_STATUS_CONNECTED:
		rs_out_str(o, wireless ? ", Associated" : ", Connected");
		break;
	case PCAP_IF_CONNECTION_STATUS_DISCONNECTED:
		rs_out_str(o, wireless ? ", Not associated" : ", Disconnected");
		break;
	default:
		break;
	}
	rs_out_char(o, ']');
}

bool rs_live_list_interfaces(struct rs_out *o, char *err, size_t errlen)
{
	pcap_if_t *all = NULL;
	char ebuf[PCAP_ERRBUF_SIZE];
	unsigned n = 0;

	if (pcap_findalldevs(&all, ebuf) < 0) {
		snprintf(err, errlen, "cannot list interfaces: %s", ebuf);
		return false;
	}
	for (const pcap_if_t *d = all; d; d = d->next) {
		/* A name may hold any byte but '/', ':' and spaces. */
		rs_out_u64(o, ++n);
		rs_out_char(o, '.');
		rs_out_str_safe(o, d->name);
		if (d->description) {
			rs_out_str(o, " (");
			rs_out_str_safe(o, d->description);
			rs_out_char(o, ')');
		}
		if (d->flags)
			out_if_flags(o, d->flags);
		rs_out_char(o, '\n');
	}
	pcap_freealldevs(all);
	return true;
}

bool rs_live_default_if(char *buf, size_t len, char *err, size_t errlen)
{
	pcap_if_t *all = NULL;
	char ebuf[PCAP_ERRBUF_SIZE];

	if (pcap_findalldevs(&all, ebuf) < 0) {
		snprintf(err, errlen, "cannot list interfaces: %s", ebuf);
		return false;
	}
	/* libpcap sorts usable, running, non-loopback interfaces first; take
	 * the first that is up, as tcpdump does, skipping pseudo-devices. */
	const pcap_if_t *pick = NULL;
	for (const pcap_if_t *d = all; d; d = d->next) {
		if (strcmp(d->name, "any") == 0 || (d->flags & PCAP_IF_LOOPBACK))
			continue;
		if (!(d->flags & PCAP_IF_UP))
			continue;
		if (strncmp(d->name, "nflog", 5) == 0 || strncmp(d->name, "nfqueue", 7) == 0 ||
		    strncmp(d->name, "dbus", 4) == 0 || strncmp(d->name, "bluetooth", 9) == 0)
			continue;
		pick = d;
		break;
	}
	if (!pick) {
		for (const pcap_if_t *d = all; d; d = d->next)
			if (d->flags & PCAP_IF_LOOPBACK) {
				pick = d;
				break;
			}
	}
	if (!pick) {
		snprintf(err, errlen, "no usable interface found (use -i)");
		pcap_freealldevs(all);
		return false;
	}
	snprintf(buf, len, "%s", pick->name);
	pcap_freealldevs(all);
	return true;
}

bool rs_live_open(struct rs_live *lv, const struct rs_live_opts *o, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE];

	memset(lv, 0, sizeof(*lv));
	if (o->ifname)
		snprintf(lv->ifname, sizeof(lv->ifname), "%s", o->ifname);
	else if (!rs_live_default_if(lv->ifname, sizeof(lv->ifname), err, errlen))
		return false;

	lv->pcap = pcap_create(lv->ifname, ebuf);
	if (!lv->pcap) {
		snprintf(err, errlen, "%s: %s", lv->ifname, ebuf);
		return false;
	}
	pcap_set_snaplen(lv->pcap, o->snaplen > 0 ? o->snaplen : 262144);
	pcap_set_promisc(lv->pcap, o->promisc ? 1 : 0);
	/* Immediate mode: each packet is shown when it arrives, not when a
	 * kernel buffer block fills. */
	pcap_set_immediate_mode(lv->pcap, 1);
	if (o->buffer_kib > 0)
		pcap_set_buffer_size(lv->pcap, o->buffer_kib * 1024);
	lv->ts_digits = 6;
	if (o->nano && pcap_set_tstamp_precision(lv->pcap, PCAP_TSTAMP_PRECISION_NANO) == 0)
		lv->ts_digits = 9;
	int rc = pcap_activate(lv->pcap);
	if (rc < 0) {
		const char *why = pcap_geterr(lv->pcap);
		if (rc == PCAP_ERROR_PERM_DENIED)
			snprintf(err, errlen,
				 "%s: permission denied (run as root, or give the binary "
				 "cap_net_raw,cap_net_admin with setcap)", lv->ifname);
		else if (rc == PCAP_ERROR_NO_SUCH_DEVICE)
			snprintf(err, errlen, "%s: no such interface", lv->ifname);
		else
			snprintf(err, errlen, "%s: %s", lv->ifname, why && *why ? why : pcap_statustostr(rc));
		pcap_close(lv->pcap);
		lv->pcap = NULL;
		return false;
	}
	/* "any": Linux cooked v2 names the interface (by index) and the
	 * direction of every packet, as tcpdump -i any shows them; v1 (what
	 * libpcap gives by default) has the direction only. */
	if (strcmp(lv->ifname, "any") == 0 && pcap_set_datalink(lv->pcap, DLT_LINUX_SLL2) != 0)
		(void)pcap_set_datalink(lv->pcap, DLT_LINUX_SLL);
	lv->dlt = pcap_datalink(lv->pcap);
	if (lv->dlt == DLT_LINUX_SLL2) {
		lv->nl_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
		lv->has_nl = lv->nl_fd >= 0;
		if (lv->has_nl) {
			/* A late answer must not hold the capture: names can wait. */
			struct timeval tv = { 0, 200000 };
			setsockopt(lv->nl_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		}
		load_ifnames(lv);
	}
	if (lv->dlt == DLT_EN10MB)
		lv->has_local_mac = read_local_mac(lv->ifname, lv->local_mac);
	/* The filter is compiled for the link type just chosen. */
	if (o->filter && *o->filter) {
		struct bpf_program prog;
		if (pcap_compile(lv->pcap, &prog, o->filter, 1, PCAP_NETMASK_UNKNOWN) < 0) {
			snprintf(err, errlen, "bad filter \"%s\": %s", o->filter, pcap_geterr(lv->pcap));
			pcap_close(lv->pcap);
			lv->pcap = NULL;
			return false;
		}
		rc = pcap_setfilter(lv->pcap, &prog);
		pcap_freecode(&prog);
		if (rc < 0) {
			snprintf(err, errlen, "cannot set filter: %s", pcap_geterr(lv->pcap));
			pcap_close(lv->pcap);
			lv->pcap = NULL;
			return false;
		}
	}
	return true;
}

/* Opens path and writes its headers (rs_live_dump_open_as). */
static bool dump_start(struct rs_live *lv, const char *path, char *err, size_t errlen)
{
	char why[256];

	snprintf(lv->path, sizeof(lv->path), "%s", path);
	if (!rs_outfile_open(&lv->file, path, lv->as_user, err, errlen))
		return false;
	lv->writing = true;
	lv->files++;
	bool ok;
	if (lv->pcapng) {
		int lt = rs_outfile_linktype(lv->dlt);
		ok = lt >= 0 && rs_pcapng_open(&lv->ng, &lv->file, lt, (uint32_t)pcap_snapshot(lv->pcap),
					       lv->ifname, "rawshake " PACKAGE_VERSION, lv->ts_digits == 9);
		snprintf(why, sizeof(why), "%s", lt < 0 ? "this link type cannot be saved"
							: strerror(lv->file.err));
	} else {
		ok = rs_outfile_pcap_header(&lv->file, lv->dlt, (uint32_t)pcap_snapshot(lv->pcap),
					    lv->ts_digits == 9, why, sizeof(why));
	}
	if (!ok) {
		/* Opened, but not even the headers could be written: a write
		 * error (lv->dump_errno), not a file that cannot be used. */
		lv->dump_errno = lv->file.err;
		snprintf(err, errlen, "%s: %s%s", path, lv->file.err ? "write error: " : "", why);
		rs_outfile_close(&lv->file);
		lv->writing = false;
		return false;
	}
	return true;
}

/* Closes the file being written: a pcapng file ends with the capture's
 * statistics so far (each file of a rotation has them). */
static void dump_finish(struct rs_live *lv)
{
	if (!lv->writing)
		return;
	if (lv->pcapng && !lv->file.err) {
		struct pcap_stat ps;
		struct rs_pcapng_stats st = { .delivered = lv->seen };
		clock_gettime(CLOCK_REALTIME, &st.taken);
		if (rs_live_stats(lv, &ps)) {
			st.received = ps.ps_recv;
			st.dropped_os = ps.ps_drop;
			st.dropped_if = ps.ps_ifdrop;
		}
		rs_pcapng_write_stats(&lv->ng, &st);
	}
	if (!rs_outfile_close(&lv->file) && !lv->dump_errno)
		lv->dump_errno = lv->file.err;
	lv->writing = false;
}

bool rs_live_dump_open_as(struct rs_live *lv, const char *path, bool pcapng,
			  const char *as_user, char *err, size_t errlen)
{
	lv->pcapng = pcapng;
	lv->as_user = as_user;
	return dump_start(lv, path, err, errlen);
}

bool rs_live_dump_open(struct rs_live *lv, const char *path, bool pcapng, char *err,
		       size_t errlen)
{
	return rs_live_dump_open_as(lv, path, pcapng, NULL, err, errlen);
}

/* The digits tcpdump pads -C numbers to with -W COUNT: those of COUNT - 1. */
static int ring_digits(const struct rs_live_rotate *rot)
{
	int d = 0;

	if (!rot->max_bytes)
		return 0;
	for (unsigned x = rot->count > 0 ? rot->count - 1 : 0; x > 0; x /= 10)
		d++;
	return d;
}

/* The -G pattern is the user's strftime(3) format, as tcpdump's. */
static size_t format_time(char *buf, size_t len, const char *pattern, const struct tm *tm)
{
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	return strftime(buf, len, pattern, tm);
#pragma GCC diagnostic pop
}

/*
 * The name of the next file, as tcpdump's MakeFilename: the pattern
 * through strftime(3) at the period's start with -G, then with -C the
 * file's number (none for the first without -W, padded with -W).
 */
static bool rotate_name(struct rs_live *lv, char *buf, size_t len, char *err, size_t errlen)
{
	char base[sizeof(lv->path)];
	int width = ring_digits(&lv->rot);
	struct tm tm;

	if (!lv->rot.seconds) {
		snprintf(base, sizeof(base), "%s", lv->pattern);
	} else if (!localtime_r(&lv->period_start, &tm) ||
		   format_time(base, sizeof(base), lv->pattern, &tm) == 0) {
		snprintf(err, errlen, "%s: the file name is empty or too long once formatted",
			 lv->pattern);
		return false;
	}
	int n = lv->rot.max_bytes && (lv->size_index > 0 || width > 0)
		? snprintf(buf, len, "%s%0*u", base, width, lv->size_index)
		: snprintf(buf, len, "%s", base);
	if (n < 0 || (size_t)n >= len) {
		snprintf(err, errlen, "%s: the file name is too long", base);
		return false;
	}
	return true;
}

bool rs_live_dump_open_rotating(struct rs_live *lv, const char *pattern, bool pcapng,
				const struct rs_live_rotate *rot, const char *as_user,
				char *err, size_t errlen)
{
	char path[sizeof(lv->path)];

	lv->rot = *rot;
	lv->pattern = pattern;
	lv->period_start = time(NULL);
	return rotate_name(lv, path, sizeof(path), err, errlen) &&
	       rs_live_dump_open_as(lv, path, pcapng, as_user, err, errlen);
}

/* Closes the current file and opens the next; false (rotate_err says
 * why, or dump_errno) when it cannot be opened. */
static bool rotate_next(struct rs_live *lv)
{
	char path[sizeof(lv->path)];

	dump_finish(lv);
	if (lv->dump_errno)
		return false;   /* the file's last write failed: reported as such */
	lv->records_closed += lv->file.records;
	lv->file.records = 0;
	return rotate_name(lv, path, sizeof(path), lv->rotate_err, sizeof(lv->rotate_err)) &&
	       dump_start(lv, path, lv->rotate_err, sizeof(lv->rotate_err));
}

/*
 * Before a packet is written, as tcpdump's dump_packet_and_trunc: a new
 * -G period (checked in whole seconds of time(2), as tcpdump) starts a
 * file named for it, or with -W COUNT and no -C ends the capture once
 * COUNT files are done; then a file over -C bytes (written and buffered,
 * headers included) is followed by the next number, back to 0 after
 * COUNT - 1.  False when the capture must stop.
 */
static bool rotate_if_due(struct rs_live *lv)
{
	if (lv->rot.seconds) {
		time_t now = time(NULL);
		if (now - lv->period_start >= (time_t)lv->rot.seconds) {
			lv->period_start = now;
			lv->periods++;
			lv->size_index = 0;
			if (!lv->rot.max_bytes && lv->rot.count && lv->periods >= lv->rot.count) {
				lv->file_limit = true;
				return false;
			}
			if (!rotate_next(lv))
				return false;
		}
	}
	if (lv->rot.max_bytes && lv->file.off + lv->file.n > lv->rot.max_bytes) {
		lv->size_index++;
		if (lv->rot.count && lv->size_index >= lv->rot.count)
			lv->size_index = 0;
		return rotate_next(lv);
	}
	return true;
}

struct loop_ctx {
	struct rs_live *lv;
	struct rs_view *view;
	uint64_t count;
	bool done;
};

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct loop_ctx *c = (struct loop_ctx *)user;

	if (c->done)
		return;
	if (c->lv->writing && (c->lv->rot.seconds || c->lv->rot.max_bytes) &&
	    !rotate_if_due(c->lv)) {
		c->done = true;
		pcap_breakloop(c->lv->pcap);
		return;
	}
	if (c->lv->writing) {
		bool ok = c->lv->pcapng
			? rs_pcapng_write(&c->lv->ng, h, bytes, rs_live_dir(c->lv, bytes, h->caplen))
			: rs_outfile_pcap_record(&c->lv->file, h, bytes);
		if (!ok) {
			/* The first failure stops the capture, with its own errno. */
			c->lv->dump_errno = c->lv->file.err;
			c->done = true;
			pcap_breakloop(c->lv->pcap);
			return;
		}
	}
	c->lv->seen++;
	/* What the decoder cannot know from the bytes: this interface's MAC
	 * (cooked headers carry the direction themselves). */
	struct rs_pkt_meta meta = { .local_mac = c->lv->has_local_mac ? c->lv->local_mac : NULL };
	const struct rs_pcap_form form = { c->lv->dlt, c->lv->ts_digits, c->lv->ts_digits };
	if (c->view && !rs_view_packet_meta(c->view, &form, h, bytes, meta.local_mac ? &meta : NULL))
		c->done = true;
	if (c->view && rs_out_closed(c->view->out))
		c->done = true;
	if (c->count && c->lv->seen >= c->count)
		c->done = true;
	if (c->done)
		pcap_breakloop(c->lv->pcap);
}

bool rs_live_loop(struct rs_live *lv, struct rs_view *view, uint64_t count, char *err,
		  size_t errlen)
{
	struct loop_ctx c = { lv, view, count, false };

	if (view && lv->dlt == DLT_LINUX_SLL2 && !view->ifname_of) {
		view->ifname_of = rs_live_ifname_of;
		view->ifname_ctx = lv;
	}

	while (!c.done && !lv->stop) {
		int rc = pcap_dispatch(lv->pcap, -1, on_packet, (u_char *)&c);
		if (rc < 0 && rc != PCAP_ERROR_BREAK) {
			snprintf(err, errlen, "%s: %s", lv->ifname, pcap_geterr(lv->pcap));
			return false;
		}
		/* Output of a quiet link shows up now rather than at the end,
		 * and a file that cannot take it any more is known now. */
		if (view && rc != 0)
			rs_out_flush(view->out);
		if (lv->writing && !lv->dump_errno && rc != 0 && !rs_outfile_flush(&lv->file))
			lv->dump_errno = lv->file.err;
		if (lv->dump_errno || rc == PCAP_ERROR_BREAK)
			break;
	}
	if (lv->dump_errno && lv->dump_errno != EPIPE) {
		snprintf(err, errlen, "write error: %s", strerror(lv->dump_errno));
		return false;
	}
	if (lv->rotate_err[0]) {
		snprintf(err, errlen, "%s", lv->rotate_err);
		return false;
	}
	return true;
}

void rs_live_stop(struct rs_live *lv)
{
	lv->stop = 1;
	if (lv->pcap)
		pcap_breakloop(lv->pcap);
}

bool rs_live_stats(struct rs_live *lv, struct pcap_stat *st)
{
	memset(st, 0, sizeof(*st));
	return lv->pcap && pcap_stats(lv->pcap, st) == 0;
}

void rs_live_close(struct rs_live *lv)
{
	dump_finish(lv);
	if (lv->pcap) {
		pcap_close(lv->pcap);
		lv->pcap = NULL;
	}
	free(lv->ifnames);
	lv->ifnames = NULL;
	lv->n_ifnames = 0;
	if (lv->has_nl)
		close(lv->nl_fd);
	lv->has_nl = false;
}
