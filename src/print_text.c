/* print_text.c: one packet as a line of text, tcpdump-like but with flag names. */
#include "rawshake/print.h"
#include "rawshake/print_names.h"
#include "rawshake/print_note.h"
#include "rawshake/tracker.h"

#include <pcap/pcap.h>
#include <string.h>
#include <time.h>

void rs_printer_init(struct rs_printer *pr, unsigned flags)
{
	memset(pr, 0, sizeof(*pr));
	pr->flags = flags;
	rs_ts_clock_init(&pr->clock,
			 (enum rs_ts_mode)((flags & RS_PRINT_TS_MASK) >> RS_PRINT_TS_SHIFT),
			 (flags & RS_PRINT_UTC) != 0);
}

/*
 * --color: ANSI SGR around what should stand out.  SYN green, FIN blue,
 * RST bold red; a bad checksum or a broken header red; the note of a
 * segment the tracker flags (retransmission, duplicate ACK, zero window
 * ...) yellow, of one that changes a state cyan.
 */
#define SGR_SYN "32"
#define SGR_FIN "34"
#define SGR_RST "1;31"
#define SGR_BAD "31"
#define SGR_ANALYSIS "33"
#define SGR_STATE "36"

static void sgr(const struct rs_printer *pr, struct rs_out *o, const char *code)
{
	if (pr && (pr->flags & RS_PRINT_COLOR)) {
		rs_out_str(o, "\033[");
		rs_out_str(o, code);
		rs_out_char(o, 'm');
	}
}

static void sgr_end(const struct rs_printer *pr, struct rs_out *o)
{
	if (pr && (pr->flags & RS_PRINT_COLOR))
		rs_out_str(o, "\033[0m");
}

/* s in the colour code (when colours are on). */
static void out_colored(const struct rs_printer *pr, struct rs_out *o, const char *code,
			const char *s)
{
	sgr(pr, o, code);
	rs_out_str(o, s);
	sgr_end(pr, o);
}

static const char *tcp_flag_color(uint8_t bit)
{
	switch (bit) {
	case RS_TH_SYN: return SGR_SYN;
	case RS_TH_FIN: return SGR_FIN;
	case RS_TH_RST: return SGR_RST;
	default: return NULL;
	}
}

static void tcp_flags(const struct rs_printer *pr, struct rs_out *o, uint8_t flags)
{
	bool first = true;
	for (int i = 0; i < 8; i++) {
		uint8_t bit = (uint8_t)rs_tcp_flag_names[i].bit;
		const char *color = tcp_flag_color(bit);
		if (!(flags & bit))
			continue;
		if (!first)
			rs_out_char(o, ',');
		if (color)
			out_colored(pr, o, color, rs_tcp_flag_names[i].name);
		else
			rs_out_str(o, rs_tcp_flag_names[i].name);
		first = false;
	}
	if (first)
		rs_out_str(o, "none");
}

void rs_print_tcp_flags(struct rs_out *o, uint8_t flags)
{
	tcp_flags(NULL, o, flags);
}

/* The record's own time field lied: said where tcpdump would print it wrong. */
static void print_ts_problem(struct rs_out *o, const struct rs_packet *pkt)
{
	if (pkt->meta.ts_problem) {
		rs_out_str(o, " [invalid timestamp: ");
		rs_out_str(o, pkt->meta.ts_problem);
		rs_out_char(o, ']');
	}
}

static void print_error(const struct rs_printer *pr, struct rs_out *o, const struct rs_packet *pkt)
{
	rs_out_char(o, ' ');
	sgr(pr, o, SGR_BAD);
	rs_out_char(o, '[');
	rs_out_str(o, pkt->err.kind == RS_TRUNCATED ? "truncated" :
		      pkt->err.kind == RS_INVALID ? "invalid" : "unsupported");
	/* An error of no one layer (nesting too deep) names none. */
	if (pkt->err.layer != RS_LAYER_NONE) {
		rs_out_char(o, ' ');
		rs_out_str(o, rs_layer_str(pkt->err.layer));
	}
	if (pkt->err.detail[0]) {
		rs_out_str(o, ": ");
		rs_out_str(o, pkt->err.detail);
	}
	rs_out_char(o, ']');
	sgr_end(pr, o);
}

/*
 * A transport checksum: only real corruption is flagged by default (an
 * offloaded one is the normal case on the sending host, a veth or a
 * bridge, and tshark validates nothing by default); -v says what each
 * one is.  An offloaded field holds a partial sum, not a checksum, so its
 * value is not shown.
 */
static void print_csum(const struct rs_printer *pr, struct rs_out *o, uint16_t field,
		       enum rs_csum st)
{
	if (!(pr->flags & RS_PRINT_VERBOSE)) {
		if (st == RS_CSUM_BAD) {
			rs_out_char(o, ' ');
			out_colored(pr, o, SGR_BAD, "[bad csum]");
		}
		return;
	}
	if (st == RS_CSUM_OFFLOAD) {
		rs_out_str(o, " csum offload (filled in by the NIC)");
		return;
	}
	rs_out_str(o, " csum 0x");
	rs_out_hex(o, field, 4);
	switch (st) {
	case RS_CSUM_OK: rs_out_str(o, " ok"); break;
	case RS_CSUM_BAD:
		rs_out_char(o, ' ');
		out_colored(pr, o, SGR_BAD, "bad");
		break;
	case RS_CSUM_NONE: rs_out_str(o, " (none: not computed by the sender)"); break;
	default: rs_out_str(o, " (unchecked)"); break;
	}
}

/* tcpdump's names for Linux cooked pkttypes. */
static const char *pkttype_name(uint16_t t)
{
	static const char *const names[] = { "In", "B", "M", "P", "Out" };
	return t < sizeof(names) / sizeof(names[0]) ? names[t] : NULL;
}

/*
 * Where the packet was captured, as tcpdump shows it on "any" (the
 * interface and the direction) and for pcapng files of several
 * interfaces (with -e, link, whenever the file names it): only when the
 * capture says it.
 */
static void print_capture_point(struct rs_out *o, const struct rs_packet *pkt, bool link)
{
	const struct rs_pkt_meta *m = &pkt->meta;
	const struct rs_link *l = &pkt->link;
	bool sll2 = l->dlt == DLT_LINUX_SLL2;

	bool show_if = m->show_if || link;

	if (m->ifname && (show_if || sll2)) {
		rs_out_str_safe(o, m->ifname);
		rs_out_char(o, ' ');
	} else if (sll2) {
		rs_out_str(o, "ifindex ");
		rs_out_u64(o, l->ifindex);
		rs_out_char(o, ' ');
	}
	if (l->has_pkttype) {
		const char *n = pkttype_name(l->pkttype);
		if (n) {
			rs_out_str(o, n);
		} else {
			rs_out_str(o, "pkttype ");
			rs_out_u64(o, l->pkttype);
		}
		rs_out_char(o, ' ');
	} else if (show_if && m->dir != RS_PKT_DIR_UNKNOWN) {
		rs_out_str(o, m->dir == RS_PKT_DIR_OUT ? "Out " : "In ");
	}
}

/* rel_sack: the SACK blocks in the peer's relative numbers, or NULL for
 * the raw ones (-S, or no tracker). */
static void print_tcp_options(struct rs_out *o, const struct rs_tcp *t,
			      const uint32_t (*rel_sack)[2])
{
	unsigned sack_i = 0;

	rs_out_str(o, " opts [");
	for (unsigned i = 0; i < t->n_opts; i++) {
		if (i)
			rs_out_char(o, ',');
		switch (t->opts[i].kind) {
		case RS_TCPOPT_EOL: rs_out_str(o, "eol"); break;
		case RS_TCPOPT_NOP: rs_out_str(o, "nop"); break;
		case RS_TCPOPT_MSS:
			rs_out_str(o, "mss ");
			rs_out_u64(o, t->mss);
			break;
		case RS_TCPOPT_WSCALE:
			rs_out_str(o, "wscale ");
			rs_out_u64(o, t->wscale);
			break;
		case RS_TCPOPT_SACK_PERM: rs_out_str(o, "sackOK"); break;
		case RS_TCPOPT_SACK:
			rs_out_str(o, "sack");
			for (unsigned k = 0; sack_i < t->n_sack && k * 8 + 2 < t->opts[i].len; k++, sack_i++) {
				rs_out_str(o, k ? " " : " {");
				rs_out_u64(o, rel_sack ? rel_sack[sack_i][0] : t->sack[sack_i][0]);
				rs_out_char(o, ':');
				rs_out_u64(o, rel_sack ? rel_sack[sack_i][1] : t->sack[sack_i][1]);
				if (k * 8 + 10 >= t->opts[i].len || sack_i + 1 >= t->n_sack)
					rs_out_char(o, '}');
			}
			break;
		case RS_TCPOPT_TIMESTAMP:
			rs_out_str(o, "TS val ");
			rs_out_u64(o, t->ts_val);
			rs_out_str(o, " ecr ");
			rs_out_u64(o, t->ts_ecr);
			break;
		default:
			rs_out_str(o, "opt-");
			rs_out_u64(o, t->opts[i].kind);
			rs_out_str(o, " len ");
			rs_out_u64(o, t->opts[i].len);
			break;
		}
	}
	if (t->opts_bad)
		rs_out_str(o, t->n_opts ? ",bad opt" : "bad opt");
	rs_out_char(o, ']');
}

static void print_endpoint(struct rs_out *o, const struct rs_packet *pkt, const uint8_t *addr,
			   bool has_port, uint16_t port)
{
	rs_out_ip(o, pkt->ip.v, addr);
	if (has_port) {
		rs_out_char(o, '.');
		rs_out_u64(o, port);
	}
}

static void print_ip_verbose(const struct rs_printer *pr, struct rs_out *o, const struct rs_ip *ip)
{
	rs_out_str(o, "(");
	rs_out_str(o, ip->v == 4 ? "ttl " : "hlim ");
	rs_out_u64(o, ip->ttl);
	if (ip->has_id) {
		rs_out_str(o, ", id ");
		rs_out_u64(o, ip->id);
	}
	if (ip->df)
		rs_out_str(o, ", DF");
	if (ip->mf)
		rs_out_str(o, ", MF");
	if (ip->frag_off) {
		rs_out_str(o, ", offset ");
		rs_out_u64(o, ip->frag_off);
	}
	rs_out_str(o, ip->v == 4 ? ", tos 0x" : ", class 0x");
	rs_out_hex(o, ip->tos, 1);
	if (ip->v == 6 && ip->flow) {
		rs_out_str(o, ", flow 0x");
		rs_out_hex(o, ip->flow, 5);
	}
	if (ip->has_options)
		rs_out_str(o, ", options");
	for (unsigned i = 0; i < ip->n_ext; i++) {
		const char *n = rs_ipproto_name(ip->ext[i]);
		rs_out_str(o, i ? "," : ", ext ");
		if (n)
			rs_out_str(o, n);
		else
			rs_out_u64(o, ip->ext[i]);
	}
	rs_out_str(o, ", len ");
	rs_out_u64(o, ip->total_len);
	if (ip->v == 4 && ip->csum_checked && ip->csum_ok) {
		rs_out_str(o, ", csum ok");
	} else if (ip->v == 4 && ip->csum_checked) {
		rs_out_str(o, ", csum ");
		out_colored(pr, o, SGR_BAD, "bad");
	}
	if (ip->has_home) {
		rs_out_str(o, ", home ");
		rs_out_ip(o, 6, ip->home);
	}
	rs_out_str(o, ") ");
}

static void print_tcp(struct rs_printer *pr, struct rs_out *o, const struct rs_packet *pkt,
		      const struct rs_tcp_event *ev)
{
	const struct rs_tcp *t = &pkt->tcp;
	bool rel = ev && !(pr->flags & RS_PRINT_ABSOLUTE);

	rs_out_str(o, "TCP [");
	tcp_flags(pr, o, t->flags);
	rs_out_str(o, "] seq ");
	rs_out_u64(o, rel ? ev->rel_seq : t->seq);
	if (t->flags & RS_TH_ACK) {
		rs_out_str(o, " ack ");
		rs_out_u64(o, rel && ev->rel_ack_valid ? ev->rel_ack : t->ack);
	}
	rs_out_str(o, " win ");
	rs_out_u64(o, t->win);
	if ((t->flags & RS_TH_URG) || t->urg) {
		rs_out_str(o, " urg ");
		rs_out_u64(o, t->urg);
	}
	if (t->n_opts || t->opts_bad)
		print_tcp_options(o, t, rel && ev->n_rel_sack == t->n_sack ? ev->rel_sack : NULL);
	rs_out_str(o, " len ");
	rs_out_u64(o, t->payload_len);
	print_csum(pr, o, t->csum, t->csum_status);
}

/* tcpdump's words: "who has T" (solicitation), "tgt is T, Flags [...]"
 * (advertisement), then the link-layer address options. */
static void print_nd(struct rs_out *o, const struct rs_icmp *ic)
{
	static const struct { uint8_t bit; const char *name; } nd_flag[] = {
		{ 0x80, "router" }, { 0x40, "solicited" }, { 0x20, "override" },
	};

	rs_out_str(o, ic->type == 135 ? ", who has " : ", tgt is ");
	rs_out_ip(o, 6, ic->nd_target);
	if (ic->nd_flags) {
		const char *sep = ", Flags [";
		for (size_t i = 0; i < sizeof(nd_flag) / sizeof(nd_flag[0]); i++) {
			if (!(ic->nd_flags & nd_flag[i].bit))
				continue;
			rs_out_str(o, sep);
			rs_out_str(o, nd_flag[i].name);
			sep = ", ";
		}
		rs_out_char(o, ']');
	}
	if (ic->has_nd_sll) {
		rs_out_str(o, ", source link-address ");
		rs_out_mac(o, ic->nd_sll);
	}
	if (ic->has_nd_tll) {
		rs_out_str(o, ", target link-address ");
		rs_out_mac(o, ic->nd_tll);
	}
}

static void print_icmp(struct rs_printer *pr, struct rs_out *o, const struct rs_packet *pkt)
{
	const struct rs_icmp *ic = &pkt->icmp;
	const char *code = rs_icmp_code_name(ic->v, ic->type, ic->code);

	rs_out_str(o, ic->v == 6 ? "ICMP6 " : "ICMP ");
	rs_out_str(o, rs_icmp_type_name(ic->v, ic->type));
	if (code) {
		rs_out_char(o, '/');
		rs_out_str(o, code);
	} else if (ic->code) {
		rs_out_str(o, " code ");
		rs_out_u64(o, ic->code);
	}
	if (ic->has_echo) {
		rs_out_str(o, " id ");
		rs_out_u64(o, ic->id);
		rs_out_str(o, " seq ");
		rs_out_u64(o, ic->seq);
	}
	if (ic->mtu) {
		rs_out_str(o, " mtu ");
		rs_out_u64(o, ic->mtu);
	}
	if (ic->has_nd)
		print_nd(o, ic);
	if (ic->has_ts) {
		rs_out_str(o, " orig ");
		rs_out_u64(o, ic->ts_orig);
		rs_out_str(o, " recv ");
		rs_out_u64(o, ic->ts_recv);
		rs_out_str(o, " xmit ");
		rs_out_u64(o, ic->ts_xmit);
	}
	if (ic->has_quote) {
		const char *pn = rs_ipproto_name(ic->quote.proto);
		rs_out_str(o, " (original: ");
		if (pn) {
			for (const char *c = pn; *c; c++)
				rs_out_char(o, (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c));
		} else {
			rs_out_str(o, "proto ");
			rs_out_u64(o, ic->quote.proto);
		}
		rs_out_char(o, ' ');
		rs_out_ip(o, ic->quote.v, ic->quote.src);
		if (ic->quote.has_ports) {
			rs_out_char(o, '.');
			rs_out_u64(o, ic->quote.sport);
		}
		rs_out_str(o, " > ");
		rs_out_ip(o, ic->quote.v, ic->quote.dst);
		if (ic->quote.has_ports) {
			rs_out_char(o, '.');
			rs_out_u64(o, ic->quote.dport);
		}
		rs_out_char(o, ')');
	}
	print_csum(pr, o, ic->csum, ic->csum_status);
}

static const uint8_t zero_mac[6];

/* An ARP message as tcpdump -n prints it ("ARP, Request who-has T tell S,
 * length 28", "ARP, Reply S is-at MAC"), with what RFC 5227 calls it
 * when it claims an address: "(gratuitous)", "(probe)". */
static void print_arp(struct rs_out *o, const struct rs_arp *a)
{
	bool rarp = a->kind == RS_ARP_RARP_REQUEST || a->kind == RS_ARP_RARP_REPLY;

	rs_out_str(o, rarp ? "RARP, " : "ARP, ");
	if (a->htype != 1 || a->ptype != 0x0800 || (a->ether_ipv4 ? 0 : a->hlen != 6 || a->plen != 4)) {
		/* tcpdump: "Ethernet (len 6), IPv6 (len 16), " */
		const char *pn = rs_ethertype_name(a->ptype);
		if (a->htype == 1) {
			rs_out_str(o, "Ethernet");
		} else {
			rs_out_str(o, "hardware ");
			rs_out_u64(o, a->htype);
		}
		rs_out_str(o, " (len ");
		rs_out_u64(o, a->hlen);
		rs_out_str(o, "), ");
		if (pn) {
			rs_out_str(o, pn);
		} else {
			rs_out_str(o, "proto 0x");
			rs_out_hex(o, a->ptype, 4);
		}
		rs_out_str(o, " (len ");
		rs_out_u64(o, a->plen);
		rs_out_str(o, "), ");
	}
	switch (a->ether_ipv4 ? a->kind : RS_ARP_OTHER) {
	case RS_ARP_REQUEST:
	case RS_ARP_GRATUITOUS_REQUEST:
	case RS_ARP_PROBE:
		rs_out_str(o, "Request who-has ");
		rs_out_ip(o, 4, a->tpa);
		if (memcmp(a->tha, zero_mac, 6) != 0) {
			rs_out_str(o, " (");
			rs_out_mac(o, a->tha);
			rs_out_char(o, ')');
		}
		rs_out_str(o, " tell ");
		rs_out_ip(o, 4, a->spa);
		break;
	case RS_ARP_REPLY:
	case RS_ARP_GRATUITOUS_REPLY:
		rs_out_str(o, "Reply ");
		rs_out_ip(o, 4, a->spa);
		rs_out_str(o, " is-at ");
		rs_out_mac(o, a->sha);
		break;
	case RS_ARP_RARP_REQUEST:
		rs_out_str(o, "Reverse Request who-is ");
		rs_out_mac(o, a->tha);
		rs_out_str(o, " tell ");
		rs_out_mac(o, a->sha);
		break;
	case RS_ARP_RARP_REPLY:
		rs_out_str(o, "Reverse Reply ");
		rs_out_mac(o, a->tha);
		rs_out_str(o, " at ");
		rs_out_ip(o, 4, a->tpa);
		break;
	default:
		rs_out_str(o, a->op == RS_ARP_OP_REQUEST ? "Request" :
			      a->op == RS_ARP_OP_REPLY ? "Reply" : "op ");
		if (a->op != RS_ARP_OP_REQUEST && a->op != RS_ARP_OP_REPLY)
			rs_out_u64(o, a->op);
		break;
	}
	rs_out_str(o, ", length ");
	rs_out_u64(o, a->wire);
	if (a->kind == RS_ARP_GRATUITOUS_REQUEST || a->kind == RS_ARP_GRATUITOUS_REPLY)
		rs_out_str(o, " (gratuitous)");
	else if (a->kind == RS_ARP_PROBE)
		rs_out_str(o, " (probe)");
}

/* A tunnel's inner Ethernet carried ARP: it follows the tunnel's layers. */
static void print_carried_arp(struct rs_out *o, const struct rs_packet *pkt)
{
	if (pkt->has_arp) {
		rs_out_str(o, " | ");
		print_arp(o, &pkt->arp);
	}
}

/* IP, UDP and the tunnel headers; false for another kind. */
static bool print_outer_ip_tunnel(struct rs_out *o, const struct rs_outer *e, bool verbose, bool last)
{
	(void)verbose;
	(void)last;
	switch ((enum rs_outer_kind)e->kind) {
	case RS_OUTER_IP:
		rs_out_str(o, e->u.ip.v == 4 ? "IP " : "IP6 ");
		rs_out_ip(o, e->u.ip.v, e->u.ip.src);
		rs_out_str(o, " > ");
		rs_out_ip(o, e->u.ip.v, e->u.ip.dst);
		if (verbose) {
			rs_out_str(o, e->u.ip.v == 4 ? " ttl " : " hlim ");
			rs_out_u64(o, e->u.ip.ttl);
		}
		return true;
	case RS_OUTER_UDP:
		rs_out_str(o, "UDP ");
		rs_out_u64(o, e->u.udp.sport);
		rs_out_str(o, " > ");
		rs_out_u64(o, e->u.udp.dport);
		return true;
	case RS_OUTER_GRE:
		rs_out_str(o, e->u.gre.ver ? "GREv1" : "GRE");
		if (e->u.gre.ver == 1) {
			rs_out_str(o, " call ");
			rs_out_u64(o, e->u.gre.key & 0xffff);
		} else if (e->u.gre.has_key) {
			rs_out_str(o, " key ");
			rs_out_u64(o, e->u.gre.key);
		}
		if (e->u.gre.has_seq) {
			rs_out_str(o, " seq ");
			rs_out_u64(o, e->u.gre.seq);
		}
		if (e->u.gre.has_ack) {
			rs_out_str(o, " ack ");
			rs_out_u64(o, e->u.gre.ack);
		}
		if (last) {
			/* Nothing decoded after it: say what it carries. */
			rs_out_str(o, " proto 0x");
			rs_out_hex(o, e->u.gre.proto, 4);
		}
		return true;
	case RS_OUTER_ERSPAN:
		rs_out_str(o, e->u.erspan.type == 1 ? "ERSPAN I" : e->u.erspan.type == 2 ? "ERSPAN II"
											: "ERSPAN III");
		if (e->u.erspan.type > 1) {
			rs_out_str(o, " session ");
			rs_out_u64(o, e->u.erspan.session);
		}
		return true;
	case RS_OUTER_VXLAN:
		rs_out_str(o, "VXLAN vni ");
		rs_out_u64(o, e->u.vxlan.vni);
		return true;
	case RS_OUTER_GENEVE:
		rs_out_str(o, "Geneve vni ");
		rs_out_u64(o, e->u.geneve.vni);
		if (e->u.geneve.opt_len) {
			rs_out_str(o, " opts ");
			rs_out_u64(o, e->u.geneve.opt_len);
		}
		if (e->u.geneve.oam)
			rs_out_str(o, " oam");
		return true;
	case RS_OUTER_GTP: {
		const char *n = rs_gtp_msg_name(e->u.gtp.msg_type);
		rs_out_str(o, "GTP-U teid ");
		rs_out_u64(o, e->u.gtp.teid);
		if (e->u.gtp.msg_type != 0xff) {
			rs_out_char(o, ' ');
			if (n)
				rs_out_str(o, n);
			else
				rs_out_u64(o, e->u.gtp.msg_type);
		}
		if (e->u.gtp.n_ext) {
			rs_out_str(o, " ext ");
			rs_out_u64(o, e->u.gtp.n_ext);
		}
		return true;
	}
	case RS_OUTER_TEREDO:
		rs_out_str(o, "Teredo");
		if (e->u.teredo.has_auth)
			rs_out_str(o, " auth");
		if (e->u.teredo.has_origin) {
			rs_out_str(o, " origin ");
			rs_out_ip(o, 4, e->u.teredo.addr);
			rs_out_char(o, '.');
			rs_out_u64(o, e->u.teredo.port);
		}
		return true;
	case RS_OUTER_AYIYA:
		rs_out_str(o, "AYIYA");
		if (e->u.ayiya.id_len == 16) {
			rs_out_str(o, " id ");
			rs_out_ip(o, 6, e->u.ayiya.id);
		}
		return true;
	default:
		return false;
	}
}

/* The link-layer kinds (Ethernet, VLAN, LLC, PPP, MPLS, PPPoE, ...); false for another kind. */
static bool print_outer_link(struct rs_out *o, const struct rs_outer *e, bool verbose, bool last)
{
	(void)verbose;
	(void)last;
	switch ((enum rs_outer_kind)e->kind) {
	case RS_OUTER_ETH:
		rs_out_str(o, "ether ");
		rs_out_mac(o, e->u.eth.src);
		rs_out_str(o, " > ");
		rs_out_mac(o, e->u.eth.dst);
		if (last && e->u.eth.ethertype) {
			const char *n = rs_ethertype_name(e->u.eth.ethertype);
			rs_out_str(o, " ethertype ");
			if (n) {
				rs_out_str(o, n);
				rs_out_char(o, ' ');
			}
			rs_out_str(o, "(0x");
			rs_out_hex(o, e->u.eth.ethertype, 4);
			rs_out_char(o, ')');
		}
		return true;
	case RS_OUTER_VLAN:
		rs_out_str(o, "vlan ");
		rs_out_u64(o, e->u.vlan.tci & 0x0fff);
		return true;
	case RS_OUTER_LLC:
		rs_out_str(o, "LLC dsap 0x");
		rs_out_hex(o, e->u.llc.dsap, 2);
		rs_out_str(o, " ssap 0x");
		rs_out_hex(o, e->u.llc.ssap, 2);
		if (e->u.llc.snap) {
			rs_out_str(o, " snap 0x");
			rs_out_hex(o, e->u.llc.oui, 6);
			rs_out_str(o, "/0x");
			rs_out_hex(o, e->u.llc.pid, 4);
		}
		return true;
	case RS_OUTER_PPP:
		rs_out_str(o, "PPP 0x");
		rs_out_hex(o, e->u.ppp.proto, 4);
		return true;
	case RS_OUTER_MPLS: {
		unsigned n = e->u.mpls.n < RS_MAX_MPLS ? e->u.mpls.n : RS_MAX_MPLS;
		rs_out_str(o, "MPLS ");
		for (unsigned i = 0; i < n; i++) {
			if (i)
				rs_out_char(o, ',');
			rs_out_u64(o, e->u.mpls.entry[i] >> 12);
			if (e->u.mpls.entry[i] & 0x100)
				rs_out_str(o, "/s");
		}
		if (e->u.mpls.n > n)
			rs_out_str(o, ",...");
		if (e->u.mpls.cw)
			rs_out_str(o, " cw");
		return true;
	}
	case RS_OUTER_PPPOE:
		rs_out_str(o, "PPPoE ");
		if (e->u.pppoe.code) {
			rs_out_str(o, "code 0x");
			rs_out_hex(o, e->u.pppoe.code, 2);
			rs_out_char(o, ' ');
		}
		rs_out_str(o, "session 0x");
		rs_out_hex(o, e->u.pppoe.session, 4);
		if (last && e->u.pppoe.ppp_proto) {
			rs_out_str(o, " ppp 0x");
			rs_out_hex(o, e->u.pppoe.ppp_proto, 4);
		}
		return true;
	case RS_OUTER_PBB:
		rs_out_str(o, "PBB isid ");
		rs_out_u64(o, e->u.pbb.isid);
		return true;
	case RS_OUTER_VNTAG:
		rs_out_str(o, "VN-Tag dvif ");
		rs_out_u64(o, e->u.vntag.dvif);
		rs_out_str(o, " svif ");
		rs_out_u64(o, e->u.vntag.svif);
		return true;
	case RS_OUTER_FABRICPATH:
		rs_out_str(o, "FabricPath ");
		rs_out_u64(o, e->u.fp.src_sw);
		rs_out_str(o, " > ");
		rs_out_u64(o, e->u.fp.dst_sw);
		rs_out_str(o, " ftag ");
		rs_out_u64(o, e->u.fp.ftag);
		return true;
	default:
		return false;
	}
}

/*
 * One outer layer, tshark's protocol names, kept short (outer_shown says
 * which are shown); `last`, nothing decoded after it, adds what it
 * carries (an Ethernet header's ethertype, GRE's protocol).
 */
static void print_outer(struct rs_out *o, const struct rs_outer *e, bool verbose, bool last)
{
	if (!print_outer_ip_tunnel(o, e, verbose, last))
		print_outer_link(o, e, verbose, last);
}

/* Whether print_outer shows e: the carrier layers only with -v (IP in
 * IP always), or when nothing decoded follows them. */
static bool outer_shown(const struct rs_outer *e, bool verbose, bool last)
{
	switch ((enum rs_outer_kind)e->kind) {
	case RS_OUTER_IP:
		return verbose || last || e->u.ip.proto == 4 || e->u.ip.proto == 41;
	case RS_OUTER_UDP:
		return verbose;
	case RS_OUTER_ETH:
	case RS_OUTER_LLC:
	case RS_OUTER_PPP:
		return verbose || last;
	default:
		return true;
	}
}

/*
 * Layers [from, to) of the outer list joined by " | ": before the inner
 * IP header (prefix: each followed by it), or after something already
 * printed (each preceded by it, the first too when lead is set).
 */
static void print_outers(const struct rs_printer *pr, struct rs_out *o, const struct rs_packet *pkt,
			 unsigned from, unsigned to, bool prefix, bool lead)
{
	bool v = (pr->flags & RS_PRINT_VERBOSE) != 0;
	bool any = false;

	for (unsigned i = from; i < to; i++) {
		const struct rs_outer *e = &pkt->outer[i];
		bool last = !prefix && i + 1 == to;

		if (!outer_shown(e, v, last))
			continue;
		if (!prefix && (any || lead))
			rs_out_str(o, " | ");
		print_outer(o, e, v, last);
		if (prefix)
			rs_out_str(o, " | ");
		any = true;
	}
}

static void print_link_only(struct rs_out *o, const struct rs_packet *pkt)
{
	const struct rs_link *l = &pkt->link;

	if (l->has_wlan) {
		rs_out_str(o, "802.11 ");
		rs_out_str(o, rs_wlan_frame_name(l->wlan_type, l->wlan_subtype));
		if (l->wlan_flags & 0x40)
			rs_out_str(o, " protected");
		if (l->has_mac)
			rs_out_char(o, ' ');
	}
	if (l->has_mac) {
		rs_out_str(o, "ether ");
		rs_out_mac(o, l->src);
		rs_out_str(o, " > ");
		rs_out_mac(o, l->dst);
	} else if (!l->has_wlan) {
		rs_out_str(o, rs_dlt_name(l->dlt));
	}
	if (l->ethertype) {
		const char *n = rs_ethertype_name(l->ethertype);
		rs_out_str(o, " ethertype ");
		if (n) {
			rs_out_str(o, n);
			rs_out_char(o, ' ');
		}
		rs_out_str(o, "(0x");
		rs_out_hex(o, l->ethertype, 4);
		rs_out_str(o, ")");
	} else if (l->ppp_proto) {
		rs_out_str(o, " ppp proto 0x");
		rs_out_hex(o, l->ppp_proto, 4);
	} else if (l->family) {
		rs_out_str(o, " family ");
		rs_out_u64(o, l->family);
	}
}

/* "ethertype IPv4 (0x0800)", the name as the non-IP lines give it. */
static void print_ethertype(struct rs_out *o, uint16_t type)
{
	const char *n = rs_ethertype_name(type);
	rs_out_str(o, "ethertype ");
	if (n) {
		rs_out_str(o, n);
		rs_out_char(o, ' ');
	}
	rs_out_str(o, "(0x");
	rs_out_hex(o, type, 4);
	rs_out_char(o, ')');
}

/*
 * -e: the link-layer header as tcpdump -e shows it: the addresses
 * ("SRC > DST," for Ethernet, the source alone for Linux cooked
 * captures, which know no destination), what it carries (ethertype, PPP
 * protocol, address family; a link with none of them by its name), the
 * wire length; VLAN tags after it as tcpdump shows them.  No separator at
 * the end: the caller adds one before a network layer.
 */
static void print_link_header(struct rs_out *o, const struct rs_packet *pkt)
{
	const struct rs_link *l = &pkt->link;
	bool cooked = l->dlt == DLT_LINUX_SLL || l->dlt == DLT_LINUX_SLL2;

	if (l->has_wlan) {
		rs_out_str(o, "802.11 ");
		rs_out_str(o, rs_wlan_frame_name(l->wlan_type, l->wlan_subtype));
		rs_out_str(o, l->wlan_flags & 0x40 ? " protected " : " ");
	}
	if (l->has_mac) {
		rs_out_mac(o, l->src);
		if (!cooked) {
			rs_out_str(o, " > ");
			rs_out_mac(o, l->dst);
			rs_out_char(o, ',');
		}
		rs_out_char(o, ' ');
	} else if (!l->has_wlan) {
		rs_out_str(o, rs_dlt_name(l->dlt));
		rs_out_str(o, ", ");
	}
	if (l->nvlan) {
		print_ethertype(o, l->vlan_tpid[0]);
		rs_out_str(o, ", ");
	} else if (l->ethertype) {
		print_ethertype(o, l->ethertype);
		rs_out_str(o, ", ");
	} else if (l->ppp_proto) {
		rs_out_str(o, "ppp proto 0x");
		rs_out_hex(o, l->ppp_proto, 4);
		rs_out_str(o, ", ");
	} else if (l->family) {
		rs_out_str(o, "family ");
		rs_out_u64(o, l->family);
		rs_out_str(o, ", ");
	}
	rs_out_str(o, "length ");
	rs_out_u64(o, pkt->len);
	for (unsigned i = 0; i < l->nvlan; i++) {
		uint16_t next = i + 1 < l->nvlan ? l->vlan_tpid[i + 1] : l->ethertype;
		rs_out_str(o, ": vlan ");
		rs_out_u64(o, l->vlan_tci[i] & 0x0fff);
		rs_out_str(o, ", p ");
		rs_out_u64(o, l->vlan_tci[i] >> 13);
		if (next) {
			rs_out_str(o, ", ");
			print_ethertype(o, next);
		}
	}
}

/* '#N', the time, where it was captured, and the link layer as the line
 * shows it: its VLAN tags, or with -e the whole header. */
static void print_line_head(struct rs_printer *pr, struct rs_out *o, const struct rs_packet *pkt)
{
	rs_out_char(o, '#');
	rs_out_u64(o, pkt->frame);
	rs_out_char(o, ' ');
	if (rs_out_ts(o, &pr->clock, pkt->ts_sec, pkt->ts_frac, pkt->ts_digits))
		rs_out_char(o, ' ');
	if (pkt->meta.injected)
		rs_out_str(o, "[injected] ");
	print_capture_point(o, pkt, (pr->flags & RS_PRINT_LINK) != 0);
	if (pr->flags & RS_PRINT_LINK) {
		print_link_header(o, pkt);
		/* tcpdump: "length 74: IP ...", "ethertype IPv4 (0x0800), IP ..." */
		if (pkt->has_ip || pkt->has_arp)
			rs_out_str(o, pkt->link.nvlan ? ", " : ": ");
		return;
	}
	for (unsigned i = 0; i < pkt->link.nvlan; i++) {
		rs_out_str(o, "vlan ");
		rs_out_u64(o, pkt->link.vlan_tci[i] & 0x0fff);
		rs_out_char(o, ' ');
	}
}

static void print_fragment(struct rs_out *o, const struct rs_ip *ip)
{
	const char *pn = rs_ipproto_name(ip->proto);
	rs_out_str(o, "fragment id ");
	rs_out_u64(o, ip->id);
	rs_out_str(o, " offset ");
	rs_out_u64(o, ip->frag_off);
	if (ip->mf)
		rs_out_str(o, "+");
	rs_out_str(o, " proto ");
	rs_out_str(o, pn ? pn : "");
	if (!pn)
		rs_out_u64(o, ip->proto);
	rs_out_str(o, " len ");
	rs_out_u64(o, ip->total_len - ip->hdr_len);
}

/* What follows "IP src > dst: ": the transport, or the protocol number. */
static void print_ip_payload(struct rs_printer *pr, struct rs_out *o, const struct rs_packet *pkt,
			     const struct rs_tcp_event *ev)
{
	const struct rs_ip *ip = &pkt->ip;

	if (ip->is_later_fragment) {
		print_fragment(o, ip);
		return;
	}
	switch (pkt->l4) {
	case RS_LAYER_TCP:
		print_tcp(pr, o, pkt, ev);
		break;
	case RS_LAYER_UDP:
		rs_out_str(o, "UDP len ");
		rs_out_u64(o, pkt->udp.payload_len);
		print_csum(pr, o, pkt->udp.csum, pkt->udp.csum_status);
		print_outers(pr, o, pkt, pkt->n_before_ip, pkt->n_outer, false, true);
		print_carried_arp(o, pkt);
		break;
	case RS_LAYER_ICMP:
	case RS_LAYER_ICMPV6:
		print_icmp(pr, o, pkt);
		break;
	default: {
		const char *pn = rs_ipproto_name(ip->proto);
		if (pkt->n_outer > pkt->n_before_ip) {
			/* A tunnel that carried no IP header: its layers. */
			print_outers(pr, o, pkt, pkt->n_before_ip, pkt->n_outer, false, false);
			print_carried_arp(o, pkt);
			break;
		}
		rs_out_str(o, "proto ");
		if (pn) {
			rs_out_str(o, pn);
			rs_out_str(o, " (");
			rs_out_u64(o, ip->proto);
			rs_out_char(o, ')');
		} else {
			rs_out_u64(o, ip->proto);
		}
		if (ip->total_len >= ip->hdr_len) {
			rs_out_str(o, " len ");
			rs_out_u64(o, ip->total_len - ip->hdr_len);
		}
		break;
	}
	}
}

static void print_ip_line(struct rs_printer *pr, struct rs_out *o, const struct rs_packet *pkt,
			  const struct rs_tcp_event *ev)
{
	const struct rs_ip *ip = &pkt->ip;

	print_outers(pr, o, pkt, 0, pkt->n_before_ip, true, false);
	rs_out_str(o, ip->v == 4 ? "IP " : "IP6 ");
	if (pr->flags & RS_PRINT_VERBOSE)
		print_ip_verbose(pr, o, ip);
	bool ports = pkt->l4 == RS_LAYER_TCP || pkt->l4 == RS_LAYER_UDP;
	uint16_t sport = pkt->l4 == RS_LAYER_TCP ? pkt->tcp.sport : pkt->udp.sport;
	uint16_t dport = pkt->l4 == RS_LAYER_TCP ? pkt->tcp.dport : pkt->udp.dport;
	print_endpoint(o, pkt, ip->src, ports, sport);
	rs_out_str(o, " > ");
	print_endpoint(o, pkt, ip->dst, ports, dport);
	rs_out_str(o, ": ");
	print_ip_payload(pr, o, pkt, ev);
	if (ip->v == 4 && ip->csum_checked && !ip->csum_ok && !(pr->flags & RS_PRINT_VERBOSE)) {
		rs_out_char(o, ' ');
		out_colored(pr, o, SGR_BAD, "[bad ip csum]");
	}
	if (ip->missing) {
		/* tcpdump: "truncated-ip - N bytes missing!" */
		rs_out_char(o, ' ');
		sgr(pr, o, SGR_BAD);
		rs_out_str(o, ip->v == 4 ? "[invalid ip length: " : "[invalid ipv6 length: ");
		rs_out_u64(o, ip->missing);
		rs_out_str(o, " bytes missing]");
		sgr_end(pr, o);
	}
}

/* The colour of a segment's note: what the tracker flags, else a state
 * that changes; NULL for neither. */
static const char *note_color(const struct rs_tcp_event *ev)
{
	if (ev->analysis)
		return SGR_ANALYSIS;
	if (ev->client_state != ev->prev_client_state || ev->server_state != ev->prev_server_state)
		return SGR_STATE;
	return NULL;
}

/* The pcapng comments of the packet, a line each, as tshark lists them;
 * bytes of the file, escaped and bounded. */
static void print_comments(struct rs_out *o, const struct rs_pkt_meta *m)
{
	for (unsigned i = 0; i < m->n_comments && i < RS_MAX_COMMENTS; i++) {
		size_t n = m->comment_len[i];
		rs_out_str(o, "    # comment: ");
		rs_out_bytes_safe(o, m->comment[i], n < RS_COMMENT_SHOWN ? n : RS_COMMENT_SHOWN);
		if (n > RS_COMMENT_SHOWN)
			rs_out_str(o, "...");
		rs_out_char(o, '\n');
	}
}

/* tcpdump -x and -X: a line per 16 bytes, "\t0x0010:  " and the bytes
 * in hex by twos; -X pads the hex to its full width and adds the bytes
 * from '!' to '~' as they are, any other as '.'. */
static void dump_hex(struct rs_out *o, const uint8_t *p, size_t n, bool ascii)
{
	for (size_t off = 0; off < n; off += 16) {
		size_t k = n - off < 16 ? n - off : 16;
		rs_out_str(o, "\t0x");
		rs_out_hex(o, off, 4);
		rs_out_str(o, ": ");
		for (size_t i = 0; i < k; i += 2) {
			rs_out_char(o, ' ');
			rs_out_hex(o, p[off + i], 2);
			if (i + 1 < k)
				rs_out_hex(o, p[off + i + 1], 2);
		}
		if (ascii) {
			for (size_t w = k / 2 * 5 + (k & 1) * 3; w < 40; w++)
				rs_out_char(o, ' ');
			rs_out_str(o, "  ");
			for (size_t i = 0; i < k; i++) {
				uint8_t c = p[off + i];
				rs_out_char(o, c > 0x20 && c <= 0x7e ? (char)c : '.');
			}
		}
		rs_out_char(o, '\n');
	}
}

/* tcpdump -A, stricter: a byte from ' ' to '~' as it is, a newline as a
 * line break (a carriage return before it dropped, as tcpdump does),
 * every other byte, tab included, as '.', so that no control character
 * reaches the terminal. */
static void dump_ascii(struct rs_out *o, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];
		if (c == '\r' && i + 1 < n && p[i + 1] == '\n')
			continue;
		rs_out_char(o, (c >= 0x20 && c <= 0x7e) || c == '\n' ? (char)c : '.');
	}
	rs_out_char(o, '\n');
}

/* -x, -X, -A: the captured bytes from the network layer (from the first
 * byte with -xx, -XX, -AA).  A link type we do not decode is dumped
 * whole; a frame with no network layer (a link header cut short, an
 * 802.11 management frame) shows nothing past the link header. */
static void print_dump(const struct rs_printer *pr, struct rs_out *o, const struct rs_packet *pkt)
{
	const struct rs_pkt_meta *m = &pkt->meta;
	size_t from = 0;

	if (!m->frame)
		return;
	bool whole = pkt->has_err && pkt->err.kind == RS_UNSUPPORTED &&
		     pkt->err.layer == RS_LAYER_LINK;
	if (!(pr->flags & RS_PRINT_WITH_LINK) && !whole) {
		if (!m->has_net_off)
			return;
		from = m->net_off;
	}
	if (from >= pkt->caplen)
		return;
	if (pr->flags & (RS_PRINT_HEX | RS_PRINT_HEX_ASCII))
		dump_hex(o, m->frame + from, pkt->caplen - from, (pr->flags & RS_PRINT_HEX_ASCII) != 0);
	else
		dump_ascii(o, m->frame + from, pkt->caplen - from);
}

void rs_print_text(struct rs_printer *pr, struct rs_out *o, const struct rs_packet *pkt,
		   const struct rs_tcp_event *ev)
{
	print_line_head(pr, o, pkt);
	if (!pkt->has_ip && pkt->has_arp) {
		print_outers(pr, o, pkt, 0, pkt->n_outer, true, false);
		print_arp(o, &pkt->arp);
	} else if (!pkt->has_ip) {
		if (!(pr->flags & RS_PRINT_LINK)) {
			print_link_only(o, pkt);
		}
		print_outers(pr, o, pkt, 0, pkt->n_outer, false, true);
		if (!(pr->flags & RS_PRINT_LINK)) {
			rs_out_str(o, " len ");
			rs_out_u64(o, pkt->len);
		}
	} else {
		print_ip_line(pr, o, pkt, ev);
	}
	print_ts_problem(o, pkt);
	if (pkt->has_err)
		print_error(pr, o, pkt);
	if (ev && pkt->has_ip && (pr->flags & RS_PRINT_BRIEF)) {
		rs_out_str(o, "  ; ");
		const char *c = note_color(ev);
		if (c)
			out_colored(pr, o, c, rs_tcp_event_brief(ev));
		else
			rs_out_str(o, rs_tcp_event_brief(ev));
	}
	rs_out_char(o, '\n');
	print_comments(o, &pkt->meta);
	if (ev && pkt->has_ip && !(pr->flags & (RS_PRINT_BRIEF | RS_PRINT_NO_NOTE))) {
		unsigned nf = 0;
		const char *c = note_color(ev);
		if (pr->flags & RS_PRINT_VERBOSE)
			nf |= RS_PRINT_NOTE_VERBOSE;
		if (pr->flags & RS_PRINT_ABSOLUTE)
			nf |= RS_PRINT_NOTE_ABSOLUTE;
		if (c)
			sgr(pr, o, c);
		rs_print_note_text(o, pkt, ev, nf);
		if (c)
			sgr_end(pr, o);
	}
	if (pr->flags & RS_PRINT_DUMP)
		print_dump(pr, o, pkt);
}
