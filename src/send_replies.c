/* send_replies.c: the reply capture of `send` (libpcap, immediate mode) and reply-to-request matching. */
#include "config.h"
#include "rawshake/send_replies.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

bool rs_send_replies_filter(char *buf, size_t n, enum rs_craft_proto proto, uint8_t v,
		      const uint8_t *dst, uint16_t dport)
{
	char a[INET6_ADDRSTRLEN];
	const char *errors4 = "(icmp and (icmp[icmptype] == icmp-unreach or "
			      "icmp[icmptype] == icmp-timxceed or icmp[icmptype] == icmp-paramprob))";
	/* ICMPv6 errors are types 1 to 4; the type is the first byte after
	 * the fixed header (no extension headers in an error we read). */
	const char *errors6 = "(icmp6 and ip6[40] >= 1 and ip6[40] <= 4)";
	int r;

	inet_ntop(v == 4 ? AF_INET : AF_INET6, dst, a, sizeof(a));
	switch (proto) {
	case RS_CRAFT_TCP:
	case RS_CRAFT_UDP:
		r = snprintf(buf, n, "(%s src host %s and %s src port %u) or %s", v == 4 ? "ip" : "ip6", a,
			     proto == RS_CRAFT_TCP ? "tcp" : "udp", dport, v == 4 ? errors4 : errors6);
		break;
	default:
		if (v == 4)
			r = snprintf(buf, n, "(ip src host %s and icmp and (icmp[icmptype] == icmp-echoreply "
				     "or icmp[icmptype] == icmp-tstampreply)) or %s", a, errors4);
		else
			r = snprintf(buf, n, "(ip6 src host %s and icmp6 and ip6[40] == 129) or %s", a, errors6);
		break;
	}
	return r > 0 && (size_t)r < n;
}

bool rs_send_replies_open(struct rs_listener *ls, const char *device, const char *filter, char *err,
		    size_t errlen)
{
	char eb[PCAP_ERRBUF_SIZE] = "";
	struct bpf_program prog;

	memset(ls, 0, sizeof(*ls));
	ls->fd = -1;
	ls->pcap = pcap_create(device, eb);
	if (!ls->pcap) {
		snprintf(err, errlen, "capture on %s: %s", device, eb);
		return false;
	}
	pcap_set_snaplen(ls->pcap, 65535);
	pcap_set_immediate_mode(ls->pcap, 1);   /* each reply as it arrives, for its RTT */
	pcap_set_timeout(ls->pcap, 10);
	pcap_set_tstamp_precision(ls->pcap, PCAP_TSTAMP_PRECISION_NANO);
	int st = pcap_activate(ls->pcap);
	if (st < 0) {
		snprintf(err, errlen, "capture on %s: %s", device, pcap_geterr(ls->pcap));
		goto fail;
	}
	ls->dlt = pcap_datalink(ls->pcap);
	if (pcap_compile(ls->pcap, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(err, errlen, "reply filter '%s': %s", filter, pcap_geterr(ls->pcap));
		goto fail;
	}
	st = pcap_setfilter(ls->pcap, &prog);
	pcap_freecode(&prog);
	if (st < 0) {
		snprintf(err, errlen, "reply filter: %s", pcap_geterr(ls->pcap));
		goto fail;
	}
	if (pcap_setnonblock(ls->pcap, 1, eb) < 0) {
		snprintf(err, errlen, "capture: %s", eb);
		goto fail;
	}
	ls->fd = pcap_get_selectable_fd(ls->pcap);
	return true;
fail:
	pcap_close(ls->pcap);
	ls->pcap = NULL;
	return false;
}

void rs_send_replies_close(struct rs_listener *ls)
{
	if (ls->pcap)
		pcap_close(ls->pcap);
	ls->pcap = NULL;
}

void rs_send_replies_add(struct rs_send_replies_ring *r, const struct rs_sent *s)
{
	r->e[r->n % RS_SENT_RING] = *s;
	r->n++;
}

static bool matches(const struct rs_sent *s, enum rs_craft_proto proto, const struct rs_packet *p)
{
	if (p->l4 == RS_LAYER_TCP && proto == RS_CRAFT_TCP) {
		if (p->tcp.dport != s->sport)
			return false;
		if (p->tcp.flags & RS_TH_ACK)
			return p->tcp.ack == s->seq_next;
		return (p->tcp.flags & RS_TH_RST) != 0;
	}
	if (p->l4 == RS_LAYER_UDP && proto == RS_CRAFT_UDP)
		return p->udp.dport == s->sport;
	if (p->l4 != RS_LAYER_ICMP && p->l4 != RS_LAYER_ICMPV6)
		return false;
	if (p->icmp.has_quote) {
		if (proto == RS_CRAFT_ICMP)
			return false;   /* the quote keeps no echo id; keep to ports */
		return p->icmp.quote.has_ports && p->icmp.quote.sport == s->sport;
	}
	return proto == RS_CRAFT_ICMP && p->icmp.has_echo && p->icmp.id == s->echo_id &&
	       p->icmp.seq == s->echo_seq;
}

struct rs_sent *rs_send_replies_match(struct rs_send_replies_ring *r, enum rs_craft_proto proto,
			      const struct rs_packet *reply)
{
	uint64_t n = r->n < RS_SENT_RING ? r->n : RS_SENT_RING;
	for (uint64_t i = 0; i < n; i++) {
		struct rs_sent *s = &r->e[(r->n - 1 - i) % RS_SENT_RING];
		if (matches(s, proto, reply))
			return s;
	}
	return NULL;
}
