/* print_json.c: one packet as a JSON Lines object (keys documented in rawshake(1)). */
#include <pcap/pcap.h>

#include "rawshake/print.h"
#include "rawshake/print_names.h"
#include "rawshake/print_note.h"

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

static void json_mac(struct rs_out *o, const uint8_t *m)
{
	rs_out_char(o, '"');
	rs_out_mac(o, m);
	rs_out_char(o, '"');
}

static void kv(struct rs_out *o, const char *k, uint64_t v)
{
	key(o, k);
	rs_out_u64(o, v);
}

static void kb(struct rs_out *o, const char *k, bool v)
{
	key(o, k);
	json_bool(o, v);
}

/* The fields of IP, UDP and the tunnel headers; false for another kind. */
static bool outer_ip_tunnel_fields(struct rs_out *o, const struct rs_outer *e)
{
	switch ((enum rs_outer_kind)e->kind) {
	case RS_OUTER_IP:
		kv(o, "v", e->u.ip.v);
		key(o, "src");
		rs_out_json_ip(o, e->u.ip.v, e->u.ip.src);
		key(o, "dst");
		rs_out_json_ip(o, e->u.ip.v, e->u.ip.dst);
		kv(o, "proto", e->u.ip.proto);
		kv(o, "ttl", e->u.ip.ttl);
		break;
	case RS_OUTER_UDP:
		kv(o, "sport", e->u.udp.sport);
		kv(o, "dport", e->u.udp.dport);
		break;
	case RS_OUTER_GRE:
		kv(o, "version", e->u.gre.ver);
		kv(o, "proto", e->u.gre.proto);
		if (e->u.gre.ver == 1) {
			kv(o, "payload_len", e->u.gre.key >> 16);
			kv(o, "call_id", e->u.gre.key & 0xffff);
		} else if (e->u.gre.has_key) {
			kv(o, "key", e->u.gre.key);
		}
		if (e->u.gre.has_seq)
			kv(o, "seq", e->u.gre.seq);
		if (e->u.gre.has_ack)
			kv(o, "ack", e->u.gre.ack);
		if (e->u.gre.has_csum)
			kb(o, "csum_present", true);
		break;
	case RS_OUTER_ERSPAN:
		kv(o, "erspan_type", e->u.erspan.type);
		if (e->u.erspan.type > 1) {
			kv(o, "session", e->u.erspan.session);
			kv(o, "vlan", e->u.erspan.vlan);
			kv(o, e->u.erspan.type == 2 ? "index" : "timestamp", e->u.erspan.index);
		}
		break;
	case RS_OUTER_VXLAN:
		kv(o, "vni", e->u.vxlan.vni);
		kv(o, "flags", e->u.vxlan.flags);
		break;
	case RS_OUTER_GENEVE:
		kv(o, "vni", e->u.geneve.vni);
		kv(o, "proto", e->u.geneve.proto);
		kv(o, "opt_len", e->u.geneve.opt_len);
		kb(o, "oam", e->u.geneve.oam);
		kb(o, "critical", e->u.geneve.critical);
		break;
	case RS_OUTER_GTP: {
		const char *n = rs_gtp_msg_name(e->u.gtp.msg_type);
		kv(o, "teid", e->u.gtp.teid);
		kv(o, "msg_type", e->u.gtp.msg_type);
		if (n) {
			key(o, "msg");
			rs_out_json_cstr(o, n);
		}
		kv(o, "len", e->u.gtp.len);
		kv(o, "ext", e->u.gtp.n_ext);
		break;
	}
	case RS_OUTER_TEREDO:
		kb(o, "auth", e->u.teredo.has_auth);
		if (e->u.teredo.has_auth) {
			kv(o, "id_len", e->u.teredo.id_len);
			kv(o, "auth_len", e->u.teredo.auth_len);
		}
		if (e->u.teredo.has_origin) {
			key(o, "origin");
			rs_out_json_ip(o, 4, e->u.teredo.addr);
			kv(o, "origin_port", e->u.teredo.port);
		}
		break;
	case RS_OUTER_AYIYA: {
		unsigned n = e->u.ayiya.id_len < RS_MAX_AYIYA_ID ? e->u.ayiya.id_len : RS_MAX_AYIYA_ID;
		kv(o, "id_len", e->u.ayiya.id_len);
		kv(o, "id_type", e->u.ayiya.id_type);
		key(o, "id");
		rs_out_char(o, '"');
		for (unsigned i = 0; i < n; i++)
			rs_out_hex(o, e->u.ayiya.id[i], 2);
		rs_out_char(o, '"');
		kv(o, "sig_len", e->u.ayiya.sig_len);
		kv(o, "hash", e->u.ayiya.hash);
		kv(o, "auth", e->u.ayiya.auth);
		kv(o, "opcode", e->u.ayiya.opcode);
		kv(o, "next", e->u.ayiya.next);
		kv(o, "epoch", e->u.ayiya.epoch);
		break;
	}
	default:
		return false;
	}
	return true;
}

/* The fields of the link-layer kinds; false for another kind. */
static bool outer_link_fields(struct rs_out *o, const struct rs_outer *e)
{
	switch ((enum rs_outer_kind)e->kind) {
	case RS_OUTER_ETH:
		key(o, "src");
		json_mac(o, e->u.eth.src);
		key(o, "dst");
		json_mac(o, e->u.eth.dst);
		if (e->u.eth.ethertype)
			kv(o, "ethertype", e->u.eth.ethertype);
		break;
	case RS_OUTER_VLAN:
		kv(o, "id", e->u.vlan.tci & 0x0fff);
		kv(o, "pcp", e->u.vlan.tci >> 13);
		kv(o, "tpid", e->u.vlan.tpid);
		break;
	case RS_OUTER_MPLS: {
		unsigned n = e->u.mpls.n < RS_MAX_MPLS ? e->u.mpls.n : RS_MAX_MPLS;
		key(o, "labels");
		rs_out_char(o, '[');
		for (unsigned i = 0; i < n; i++) {
			uint32_t x = e->u.mpls.entry[i];
			rs_out_str(o, i ? ",{\"label\":" : "{\"label\":");
			rs_out_u64(o, x >> 12);
			kv(o, "tc", (x >> 9) & 7);
			kb(o, "s", (x & 0x100) != 0);
			kv(o, "ttl", x & 0xff);
			rs_out_char(o, '}');
		}
		rs_out_char(o, ']');
		kv(o, "n", e->u.mpls.n);
		kb(o, "cw", e->u.mpls.cw);
		break;
	}
	case RS_OUTER_PPPOE:
		kv(o, "code", e->u.pppoe.code);
		kv(o, "session", e->u.pppoe.session);
		kv(o, "len", e->u.pppoe.len);
		if (e->u.pppoe.ppp_proto)
			kv(o, "ppp_proto", e->u.pppoe.ppp_proto);
		break;
	case RS_OUTER_PPP:
		kv(o, "proto", e->u.ppp.proto);
		break;
	case RS_OUTER_PBB:
		kv(o, "isid", e->u.pbb.isid);
		kv(o, "pcp", e->u.pbb.pcp);
		break;
	case RS_OUTER_LLC:
		kv(o, "dsap", e->u.llc.dsap);
		kv(o, "ssap", e->u.llc.ssap);
		kv(o, "ctl", e->u.llc.ctl);
		if (e->u.llc.snap) {
			kv(o, "oui", e->u.llc.oui);
			kv(o, "pid", e->u.llc.pid);
		}
		break;
	case RS_OUTER_VNTAG:
		kb(o, "dir", e->u.vntag.dir);
		kb(o, "ptr", e->u.vntag.ptr);
		kb(o, "looped", e->u.vntag.looped);
		kv(o, "dvif", e->u.vntag.dvif);
		kv(o, "svif", e->u.vntag.svif);
		break;
	case RS_OUTER_FABRICPATH:
		key(o, "src");
		rs_out_str(o, "{\"sw\":");
		rs_out_u64(o, e->u.fp.src_sw);
		kv(o, "ssw", e->u.fp.src_ssw);
		kv(o, "lid", e->u.fp.src_lid);
		rs_out_char(o, '}');
		key(o, "dst");
		rs_out_str(o, "{\"sw\":");
		rs_out_u64(o, e->u.fp.dst_sw);
		kv(o, "ssw", e->u.fp.dst_ssw);
		kv(o, "lid", e->u.fp.dst_lid);
		rs_out_char(o, '}');
		kv(o, "ftag", e->u.fp.ftag);
		kv(o, "ttl", e->u.fp.ttl);
		break;
	default:
		return false;
	}
	return true;
}

/* One outer layer: {"type":..., the fields printers show}. */
static void print_outer(struct rs_out *o, const struct rs_outer *e)
{
	rs_out_str(o, "{\"type\":");
	rs_out_json_cstr(o, rs_outer_kind_str((enum rs_outer_kind)e->kind));
	if (!outer_ip_tunnel_fields(o, e))
		outer_link_fields(o, e);
	rs_out_char(o, '}');
}

static void print_outers(struct rs_out *o, const char *name, const struct rs_packet *pkt,
			 unsigned from, unsigned to)
{
	if (from >= to)
		return;
	key(o, name);
	rs_out_char(o, '[');
	for (unsigned i = from; i < to; i++) {
		if (i > from)
			rs_out_char(o, ',');
		print_outer(o, &pkt->outer[i]);
	}
	rs_out_char(o, ']');
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
	if (l->ppp_proto)
		kv(o, "ppp_proto", l->ppp_proto);
	if (l->radio_len)
		kv(o, "radio_len", l->radio_len);
	if (l->has_wlan) {
		key(o, "wlan");
		rs_out_str(o, "{\"type\":");
		rs_out_u64(o, l->wlan_type);
		kv(o, "subtype", l->wlan_subtype);
		key(o, "name");
		rs_out_json_cstr(o, rs_wlan_frame_name(l->wlan_type, l->wlan_subtype));
		kv(o, "flags", l->wlan_flags);
		kb(o, "protected", (l->wlan_flags & 0x40) != 0);
		rs_out_char(o, '}');
	}
	rs_out_char(o, '}');
}

static void print_ip(struct rs_out *o, const struct rs_ip *ip)
{
	key(o, "ip");
	rs_out_str(o, "{\"v\":");
	rs_out_u64(o, ip->v);
	key(o, "src");
	rs_out_json_ip(o, ip->v, ip->src);
	key(o, "dst");
	rs_out_json_ip(o, ip->v, ip->dst);
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
	if (ip->missing)
		kv(o, "missing", ip->missing);
	if (ip->v == 4) {
		/* Only a header that was all there was checked. */
		if (ip->csum_checked) {
			key(o, "csum_ok");
			json_bool(o, ip->csum_ok);
		}
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
		if (ip->has_home) {
			key(o, "home");
			rs_out_json_ip(o, 6, ip->home);
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
		rs_out_json_ip(o, ic->quote.v, ic->quote.src);
		key(o, "dst");
		rs_out_json_ip(o, ic->quote.v, ic->quote.dst);
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
	rs_out_ts_epoch(o, pkt->ts_sec, pkt->ts_frac, pkt->ts_digits);
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
	print_outers(o, "outer", pkt, 0, pkt->has_ip ? pkt->n_before_ip : pkt->n_outer);
	if (pkt->has_ip)
		print_ip(o, &pkt->ip);

	switch (pkt->l4) {
	case RS_LAYER_TCP:
		print_tcp(o, &pkt->tcp);
		if (ev)
			rs_print_note_json_tcp_rel(o, ev);
		rs_out_char(o, '}');
		if (ev) {
			rs_out_char(o, ',');
			rs_print_note_json(o, pkt, ev);
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
	/* After the transport: layers inside pkt->ip that held no IP header (a tunnel carrying ARP,
	 * or one whose inner header was cut). */
	if (pkt->has_ip)
		print_outers(o, "carried", pkt, pkt->n_before_ip, pkt->n_outer);
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
