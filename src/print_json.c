/* print_json.c: one packet as a JSON Lines object (keys documented in rawshake(1)). */
#include <pcap/pcap.h>

#include "rawshake/print.h"
#include "rawshake/names.h"
#include "rawshake/note.h"

/* ,"key": */
static void key(struct rs_out *o, const char *k)
{
	rs_out_str(o, ",\"");
	rs_out_str(o, k);
	rs_out_str(o, "\":");
}

static void first_key(struct rs_out *o, const char *k)
{
	rs_out_char(o, '"');
	rs_out_str(o, k);
	rs_out_str(o, "\":");
}

static void json_bool(struct rs_out *o, bool b)
{
	rs_out_str(o, b ? "true" : "false");
}

static void json_ip(struct rs_out *o, uint8_t v, const uint8_t *a)
{
	rs_out_char(o, '"');
	rs_out_ip(o, v, a);
	rs_out_char(o, '"');
}

/* "csum_ok" (true only when verified good) whenever the sum was
 * computed, as before; "csum" says what it means. */
static void print_csum(struct rs_out *o, enum rs_csum st)
{
	if (st == RS_CSUM_OK || st == RS_CSUM_BAD || st == RS_CSUM_OFFLOAD) {
		key(o, "csum_ok");
		json_bool(o, st == RS_CSUM_OK);
	}
	key(o, "csum");
	rs_out_json_cstr(o, rs_csum_str(st));
}

static void print_link(struct rs_out *o, const struct rs_link *l, const struct rs_pkt_meta *m)
{
	key(o, "link");
	rs_out_str(o, "{\"type\":");
	rs_out_json_cstr(o, rs_dlt_name(l->dlt));
	if (l->has_mac) {
		key(o, "src");
		rs_out_char(o, '"');
		rs_out_mac(o, l->src);
		rs_out_char(o, '"');
		key(o, "dst");
		rs_out_char(o, '"');
		rs_out_mac(o, l->dst);
		rs_out_char(o, '"');
	}
	if (l->ethertype) {
		key(o, "ethertype");
		rs_out_u64(o, l->ethertype);
	}
	if (l->nvlan) {
		key(o, "vlan");
		rs_out_char(o, '[');
		for (unsigned i = 0; i < l->nvlan; i++) {
			if (i)
				rs_out_char(o, ',');
			rs_out_u64(o, l->vlan_tci[i] & 0x0fff);
		}
		rs_out_char(o, ']');
	}
	if (l->has_pkttype) {
		key(o, "pkttype");
		rs_out_u64(o, l->pkttype);
	}
	if (l->dlt == DLT_LINUX_SLL2) {
		key(o, "ifindex");
		rs_out_u64(o, l->ifindex);
	}
	if (m->ifname) {
		key(o, "ifname");
		rs_out_json_cstr(o, m->ifname);
	}
	if (m->dir != RS_PKT_DIR_UNKNOWN) {
		key(o, "dir");
		rs_out_json_cstr(o, rs_pkt_dir_str(m->dir));
	}
	if (l->family) {
		key(o, "family");
		rs_out_u64(o, l->family);
	}
	rs_out_char(o, '}');
}

static void print_ip(struct rs_out *o, const struct rs_ip *ip)
{
	key(o, "ip");
	rs_out_str(o, "{\"v\":");
	rs_out_u64(o, ip->v);
	key(o, "src");
	json_ip(o, ip->v, ip->src);
	key(o, "dst");
	json_ip(o, ip->v, ip->dst);
	key(o, "ttl");
	rs_out_u64(o, ip->ttl);
	if (ip->has_id) {
		key(o, "id");
		rs_out_u64(o, ip->id);
	}
	if (ip->v == 4) {
		key(o, "df");
		json_bool(o, ip->df);
	}
	if (ip->v == 4 || ip->has_id) {
		key(o, "mf");
		json_bool(o, ip->mf);
		key(o, "frag_off");
		rs_out_u64(o, ip->frag_off);
	}
	key(o, "proto");
	rs_out_u64(o, ip->proto);
	key(o, "tos");
	rs_out_u64(o, ip->tos);
	key(o, "hlen");
	rs_out_u64(o, ip->hdr_len);
	key(o, "len");
	rs_out_u64(o, ip->total_len);
	if (ip->v == 4) {
		key(o, "csum_ok");
		json_bool(o, ip->csum_ok);
		if (ip->has_options) {
			key(o, "options");
			rs_out_str(o, "true");
		}
	} else {
		key(o, "flow");
		rs_out_u64(o, ip->flow);
		if (ip->n_ext) {
			key(o, "ext");
			rs_out_char(o, '[');
			for (unsigned i = 0; i < ip->n_ext; i++) {
				if (i)
					rs_out_char(o, ',');
				rs_out_u64(o, ip->ext[i]);
			}
			rs_out_char(o, ']');
		}
	}
	if (ip->is_later_fragment) {
		key(o, "fragment");
		rs_out_str(o, "true");
	}
	rs_out_char(o, '}');
}

static void print_tcp_opts(struct rs_out *o, const struct rs_tcp *t)
{
	bool any = false;

	key(o, "opts");
	rs_out_char(o, '{');
	if (t->has_mss) {
		first_key(o, "mss");
		rs_out_u64(o, t->mss);
		any = true;
	}
	if (t->has_wscale) {
		any ? key(o, "wscale") : first_key(o, "wscale");
		rs_out_u64(o, t->wscale);
		any = true;
	}
	if (t->sack_perm) {
		any ? key(o, "sack_perm") : first_key(o, "sack_perm");
		rs_out_str(o, "true");
		any = true;
	}
	if (t->n_sack) {
		any ? key(o, "sack") : first_key(o, "sack");
		rs_out_char(o, '[');
		for (unsigned i = 0; i < t->n_sack; i++) {
			rs_out_str(o, i ? ",[" : "[");
			rs_out_u64(o, t->sack[i][0]);
			rs_out_char(o, ',');
			rs_out_u64(o, t->sack[i][1]);
			rs_out_char(o, ']');
		}
		rs_out_char(o, ']');
		any = true;
	}
	if (t->has_ts) {
		any ? key(o, "ts") : first_key(o, "ts");
		rs_out_char(o, '[');
		rs_out_u64(o, t->ts_val);
		rs_out_char(o, ',');
		rs_out_u64(o, t->ts_ecr);
		rs_out_char(o, ']');
		any = true;
	}
	/* Every option in order, so that unknown kinds are not lost. */
	any ? key(o, "list") : first_key(o, "list");
	rs_out_char(o, '[');
	for (unsigned i = 0; i < t->n_opts; i++) {
		if (i)
			rs_out_char(o, ',');
		rs_out_str(o, "[");
		rs_out_u64(o, t->opts[i].kind);
		rs_out_char(o, ',');
		rs_out_u64(o, t->opts[i].len);
		rs_out_char(o, ']');
	}
	rs_out_char(o, ']');
	if (t->opts_bad) {
		key(o, "bad");
		rs_out_str(o, "true");
	}
	rs_out_char(o, '}');
}

static void print_tcp(struct rs_out *o, const struct rs_tcp *t)
{
	key(o, "tcp");
	rs_out_str(o, "{\"sport\":");
	rs_out_u64(o, t->sport);
	key(o, "dport");
	rs_out_u64(o, t->dport);
	key(o, "flags");
	rs_out_char(o, '[');
	bool first = true;
	for (int i = 0; i < 8; i++) {
		if (!(t->flags & rs_tcp_flag_names[i].bit))
			continue;
		if (!first)
			rs_out_char(o, ',');
		rs_out_json_cstr(o, rs_tcp_flag_names[i].name);
		first = false;
	}
	rs_out_char(o, ']');
	key(o, "seq");
	rs_out_u64(o, t->seq);
	key(o, "ack");
	rs_out_u64(o, t->ack);
	key(o, "win");
	rs_out_u64(o, t->win);
	key(o, "len");
	rs_out_u64(o, t->payload_len);
	key(o, "urg");
	rs_out_u64(o, t->urg);
	key(o, "hlen");
	rs_out_u64(o, t->hdr_len);
	if (t->n_opts || t->opts_bad)
		print_tcp_opts(o, t);
	print_csum(o, t->csum_status);
}

static void print_udp(struct rs_out *o, const struct rs_udp *u)
{
	key(o, "udp");
	rs_out_str(o, "{\"sport\":");
	rs_out_u64(o, u->sport);
	key(o, "dport");
	rs_out_u64(o, u->dport);
	key(o, "len");
	rs_out_u64(o, u->len);
	print_csum(o, u->csum_status);
	rs_out_char(o, '}');
}

static void print_icmp(struct rs_out *o, const struct rs_icmp *ic)
{
	const char *code = rs_icmp_code_name(ic->v, ic->type, ic->code);

	key(o, "icmp");
	rs_out_str(o, "{\"type\":");
	rs_out_u64(o, ic->type);
	key(o, "code");
	rs_out_u64(o, ic->code);
	key(o, "name");
	rs_out_json_cstr(o, rs_icmp_type_name(ic->v, ic->type));
	if (code) {
		key(o, "code_name");
		rs_out_json_cstr(o, code);
	}
	if (ic->has_echo) {
		key(o, "id");
		rs_out_u64(o, ic->id);
		key(o, "seq");
		rs_out_u64(o, ic->seq);
	}
	if (ic->mtu) {
		key(o, "mtu");
		rs_out_u64(o, ic->mtu);
	}
	if (ic->has_ts) {
		key(o, "orig");
		rs_out_u64(o, ic->ts_orig);
		key(o, "recv");
		rs_out_u64(o, ic->ts_recv);
		key(o, "xmit");
		rs_out_u64(o, ic->ts_xmit);
	}
	if (ic->has_quote) {
		key(o, "quote");
		rs_out_str(o, "{\"v\":");
		rs_out_u64(o, ic->quote.v);
		key(o, "src");
		json_ip(o, ic->quote.v, ic->quote.src);
		key(o, "dst");
		json_ip(o, ic->quote.v, ic->quote.dst);
		key(o, "proto");
		rs_out_u64(o, ic->quote.proto);
		if (ic->quote.has_ports) {
			key(o, "sport");
			rs_out_u64(o, ic->quote.sport);
			key(o, "dport");
			rs_out_u64(o, ic->quote.dport);
		}
		rs_out_char(o, '}');
	}
	print_csum(o, ic->csum_status);
	rs_out_char(o, '}');
}

void rs_print_json(struct rs_printer *pr, struct rs_out *o, const struct rs_packet *pkt,
		   const struct rs_tcp_event *ev)
{
	(void)pr;
	rs_out_str(o, "{\"type\":\"pkt\",\"frame\":");
	rs_out_u64(o, pkt->frame);
	key(o, "ts");
	rs_out_char(o, '"');
	rs_print_ts_epoch(o, pkt->ts_sec, pkt->ts_frac, pkt->ts_digits);
	rs_out_char(o, '"');
	if (pkt->meta.ts_problem) {
		key(o, "ts_error");
		rs_out_json_cstr(o, pkt->meta.ts_problem);
	}
	key(o, "caplen");
	rs_out_u64(o, pkt->caplen);
	key(o, "len");
	rs_out_u64(o, pkt->len);
	print_link(o, &pkt->link, &pkt->meta);
	if (pkt->has_ip)
		print_ip(o, &pkt->ip);
	switch (pkt->l4) {
	case RS_LAYER_TCP:
		print_tcp(o, &pkt->tcp);
		if (ev)
			rs_note_json_tcp_rel(o, ev);
		rs_out_char(o, '}');
		if (ev) {
			rs_out_char(o, ',');
			rs_note_json(o, pkt, ev);
		}
		break;
	case RS_LAYER_UDP:
		print_udp(o, &pkt->udp);
		break;
	case RS_LAYER_ICMP:
	case RS_LAYER_ICMPV6:
		print_icmp(o, &pkt->icmp);
		break;
	default:
		break;
	}
	if (pkt->has_err) {
		key(o, "error");
		rs_out_str(o, "{\"layer\":");
		rs_out_json_cstr(o, rs_layer_str(pkt->err.layer));
		key(o, "kind");
		rs_out_json_cstr(o, pkt->err.kind == RS_TRUNCATED ? "truncated" :
				    pkt->err.kind == RS_INVALID ? "invalid" : "unsupported");
		key(o, "detail");
		rs_out_json_cstr(o, pkt->err.detail);
		rs_out_char(o, '}');
	}
	rs_out_str(o, "}\n");
}
