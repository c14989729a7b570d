/* print_json.c: one packet as a JSON Lines object (keys documented in rawshake(1)). */
#include <pcap/pcap.h>

#include "rawshake/print.h"
#include "rawshake/print_names.h"
#include "rawshake/print_note.h"

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
		rs_out_json_key(o, "csum_ok");
		json_bool(o, st == RS_CSUM_OK);
	}
	rs_out_json_key(o, "csum");
	rs_out_json_cstr(o, rs_csum_str(st));
}

/* The fields of IP, UDP and the tunnel headers; false for another kind. */
static bool outer_ip_tunnel_fields(struct rs_out *o, const struct rs_outer *e)
{
	switch ((enum rs_outer_kind)e->kind) {
	case RS_OUTER_IP:
		rs_out_json_u64(o, "v", e->u.ip.v);
		rs_out_json_key(o, "src");
		rs_out_json_ip(o, e->u.ip.v, e->u.ip.src);
		rs_out_json_key(o, "dst");
		rs_out_json_ip(o, e->u.ip.v, e->u.ip.dst);
		rs_out_json_u64(o, "proto", e->u.ip.proto);
		rs_out_json_u64(o, "ttl", e->u.ip.ttl);
		break;
	case RS_OUTER_UDP:
		rs_out_json_u64(o, "sport", e->u.udp.sport);
		rs_out_json_u64(o, "dport", e->u.udp.dport);
		break;
	case RS_OUTER_GRE:
		rs_out_json_u64(o, "version", e->u.gre.ver);
		rs_out_json_u64(o, "proto", e->u.gre.proto);
		if (e->u.gre.ver == 1) {
			rs_out_json_u64(o, "payload_len", e->u.gre.key >> 16);
			rs_out_json_u64(o, "call_id", e->u.gre.key & 0xffff);
		} else if (e->u.gre.has_key) {
			rs_out_json_u64(o, "key", e->u.gre.key);
		}
		if (e->u.gre.has_seq)
			rs_out_json_u64(o, "seq", e->u.gre.seq);
		if (e->u.gre.has_ack)
			rs_out_json_u64(o, "ack", e->u.gre.ack);
		if (e->u.gre.has_csum)
			rs_out_json_bool(o, "csum_present", true);
		break;
	case RS_OUTER_ERSPAN:
		rs_out_json_u64(o, "erspan_type", e->u.erspan.type);
		if (e->u.erspan.type > 1) {
			rs_out_json_u64(o, "session", e->u.erspan.session);
			rs_out_json_u64(o, "vlan", e->u.erspan.vlan);
			rs_out_json_u64(o, e->u.erspan.type == 2 ? "index" : "timestamp", e->u.erspan.index);
		}
		break;
	case RS_OUTER_VXLAN:
		rs_out_json_u64(o, "vni", e->u.vxlan.vni);
		rs_out_json_u64(o, "flags", e->u.vxlan.flags);
		break;
	case RS_OUTER_GENEVE:
		rs_out_json_u64(o, "vni", e->u.geneve.vni);
		rs_out_json_u64(o, "proto", e->u.geneve.proto);
		rs_out_json_u64(o, "opt_len", e->u.geneve.opt_len);
		rs_out_json_bool(o, "oam", e->u.geneve.oam);
		rs_out_json_bool(o, "critical", e->u.geneve.critical);
		break;
	case RS_OUTER_GTP: {
		const char *n = rs_gtp_msg_name(e->u.gtp.msg_type);
		rs_out_json_u64(o, "teid", e->u.gtp.teid);
		rs_out_json_u64(o, "msg_type", e->u.gtp.msg_type);
		if (n) {
			rs_out_json_key(o, "msg");
			rs_out_json_cstr(o, n);
		}
		rs_out_json_u64(o, "len", e->u.gtp.len);
		rs_out_json_u64(o, "ext", e->u.gtp.n_ext);
		break;
	}
	case RS_OUTER_TEREDO:
		rs_out_json_bool(o, "auth", e->u.teredo.has_auth);
		if (e->u.teredo.has_auth) {
			rs_out_json_u64(o, "id_len", e->u.teredo.id_len);
			rs_out_json_u64(o, "auth_len", e->u.teredo.auth_len);
		}
		if (e->u.teredo.has_origin) {
			rs_out_json_key(o, "origin");
			rs_out_json_ip(o, 4, e->u.teredo.addr);
			rs_out_json_u64(o, "origin_port", e->u.teredo.port);
		}
		break;
	case RS_OUTER_AYIYA: {
		unsigned n = e->u.ayiya.id_len < RS_MAX_AYIYA_ID ? e->u.ayiya.id_len : RS_MAX_AYIYA_ID;
		rs_out_json_u64(o, "id_len", e->u.ayiya.id_len);
		rs_out_json_u64(o, "id_type", e->u.ayiya.id_type);
		rs_out_json_key(o, "id");
		rs_out_char(o, '"');
		for (unsigned i = 0; i < n; i++)
			rs_out_hex(o, e->u.ayiya.id[i], 2);
		rs_out_char(o, '"');
		rs_out_json_u64(o, "sig_len", e->u.ayiya.sig_len);
		rs_out_json_u64(o, "hash", e->u.ayiya.hash);
		rs_out_json_u64(o, "auth", e->u.ayiya.auth);
		rs_out_json_u64(o, "opcode", e->u.ayiya.opcode);
		rs_out_json_u64(o, "next", e->u.ayiya.next);
		rs_out_json_u64(o, "epoch", e->u.ayiya.epoch);
		break;
	}
	default:
		return false;
	}
	return true;
}

/* A FabricPath switch address: ,"NAME":{"sw":…,"ssw":…,"lid":…} */
static void fabricpath_addr(struct rs_out *o, const char *name, uint64_t sw, uint64_t ssw,
			    uint64_t lid)
{
	rs_out_json_key(o, name);
	rs_out_str(o, "{\"sw\":");
	rs_out_u64(o, sw);
	rs_out_json_u64(o, "ssw", ssw);
	rs_out_json_u64(o, "lid", lid);
	rs_out_char(o, '}');
}

/* The fields of the link-layer kinds; false for another kind. */
static bool outer_link_fields(struct rs_out *o, const struct rs_outer *e)
{
	switch ((enum rs_outer_kind)e->kind) {
	case RS_OUTER_ETH:
		rs_out_json_key(o, "src");
		rs_out_json_mac(o, e->u.eth.src);
		rs_out_json_key(o, "dst");
		rs_out_json_mac(o, e->u.eth.dst);
		if (e->u.eth.ethertype)
			rs_out_json_u64(o, "ethertype", e->u.eth.ethertype);
		break;
	case RS_OUTER_VLAN:
		rs_out_json_u64(o, "id", e->u.vlan.tci & 0x0fff);
		rs_out_json_u64(o, "pcp", e->u.vlan.tci >> 13);
		rs_out_json_u64(o, "tpid", e->u.vlan.tpid);
		break;
	case RS_OUTER_MPLS: {
		unsigned n = e->u.mpls.n < RS_MAX_MPLS ? e->u.mpls.n : RS_MAX_MPLS;
		rs_out_json_key(o, "labels");
		rs_out_char(o, '[');
		for (unsigned i = 0; i < n; i++) {
			uint32_t x = e->u.mpls.entry[i];
			rs_out_str(o, i ? ",{\"label\":" : "{\"label\":");
			rs_out_u64(o, x >> 12);
			rs_out_json_u64(o, "tc", (x >> 9) & 7);
			rs_out_json_bool(o, "s", (x & 0x100) != 0);
			rs_out_json_u64(o, "ttl", x & 0xff);
			rs_out_char(o, '}');
		}
		rs_out_char(o, ']');
		rs_out_json_u64(o, "n", e->u.mpls.n);
		rs_out_json_bool(o, "cw", e->u.mpls.cw);
		break;
	}
	case RS_OUTER_PPPOE:
		rs_out_json_u64(o, "code", e->u.pppoe.code);
		rs_out_json_u64(o, "session", e->u.pppoe.session);
		rs_out_json_u64(o, "len", e->u.pppoe.len);
		if (e->u.pppoe.ppp_proto)
			rs_out_json_u64(o, "ppp_proto", e->u.pppoe.ppp_proto);
		break;
	case RS_OUTER_PPP:
		rs_out_json_u64(o, "proto", e->u.ppp.proto);
		break;
	case RS_OUTER_PBB:
		rs_out_json_u64(o, "isid", e->u.pbb.isid);
		rs_out_json_u64(o, "pcp", e->u.pbb.pcp);
		break;
	case RS_OUTER_LLC:
		rs_out_json_u64(o, "dsap", e->u.llc.dsap);
		rs_out_json_u64(o, "ssap", e->u.llc.ssap);
		rs_out_json_u64(o, "ctl", e->u.llc.ctl);
		if (e->u.llc.snap) {
			rs_out_json_u64(o, "oui", e->u.llc.oui);
			rs_out_json_u64(o, "pid", e->u.llc.pid);
		}
		break;
	case RS_OUTER_VNTAG:
		rs_out_json_bool(o, "dir", e->u.vntag.dir);
		rs_out_json_bool(o, "ptr", e->u.vntag.ptr);
		rs_out_json_bool(o, "looped", e->u.vntag.looped);
		rs_out_json_u64(o, "dvif", e->u.vntag.dvif);
		rs_out_json_u64(o, "svif", e->u.vntag.svif);
		break;
	case RS_OUTER_FABRICPATH:
		fabricpath_addr(o, "src", e->u.fp.src_sw, e->u.fp.src_ssw, e->u.fp.src_lid);
		fabricpath_addr(o, "dst", e->u.fp.dst_sw, e->u.fp.dst_ssw, e->u.fp.dst_lid);
		rs_out_json_u64(o, "ftag", e->u.fp.ftag);
		rs_out_json_u64(o, "ttl", e->u.fp.ttl);
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
	rs_out_json_key(o, name);
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
	rs_out_json_key(o, "link");
	rs_out_str(o, "{\"type\":");
	rs_out_json_cstr(o, rs_dlt_name(l->dlt));
	if (l->has_mac) {
		rs_out_json_key(o, "src");
		rs_out_char(o, '"');
		rs_out_mac(o, l->src);
		rs_out_char(o, '"');
		rs_out_json_key(o, "dst");
		rs_out_char(o, '"');
		rs_out_mac(o, l->dst);
		rs_out_char(o, '"');
	}
	if (l->ethertype) {
		rs_out_json_u64(o, "ethertype", l->ethertype);
	}
	if (l->nvlan) {
		rs_out_json_key(o, "vlan");
		rs_out_char(o, '[');
		for (unsigned i = 0; i < l->nvlan; i++) {
			if (i)
				rs_out_char(o, ',');
			rs_out_u64(o, l->vlan_tci[i] & 0x0fff);
		}
		rs_out_char(o, ']');
	}
	if (l->has_pkttype) {
		rs_out_json_u64(o, "pkttype", l->pkttype);
	}
	if (l->dlt == DLT_LINUX_SLL2) {
		rs_out_json_u64(o, "ifindex", l->ifindex);
	}
	if (m->ifname) {
		rs_out_json_key(o, "ifname");
		rs_out_json_cstr(o, m->ifname);
	}
	if (m->dir != RS_PKT_DIR_UNKNOWN) {
		rs_out_json_key(o, "dir");
		rs_out_json_cstr(o, rs_pkt_dir_str(m->dir));
	}
	if (l->family) {
		rs_out_json_u64(o, "family", l->family);
	}
	if (l->ppp_proto)
		rs_out_json_u64(o, "ppp_proto", l->ppp_proto);
	if (l->radio_len)
		rs_out_json_u64(o, "radio_len", l->radio_len);
	if (l->has_wlan) {
		rs_out_json_key(o, "wlan");
		rs_out_str(o, "{\"type\":");
		rs_out_u64(o, l->wlan_type);
		rs_out_json_u64(o, "subtype", l->wlan_subtype);
		rs_out_json_key(o, "name");
		rs_out_json_cstr(o, rs_wlan_frame_name(l->wlan_type, l->wlan_subtype));
		rs_out_json_u64(o, "flags", l->wlan_flags);
		rs_out_json_bool(o, "protected", (l->wlan_flags & 0x40) != 0);
		rs_out_char(o, '}');
	}
	rs_out_char(o, '}');
}

static void print_ip(struct rs_out *o, const struct rs_ip *ip)
{
	rs_out_json_key(o, "ip");
	rs_out_str(o, "{\"v\":");
	rs_out_u64(o, ip->v);
	rs_out_json_key(o, "src");
	rs_out_json_ip(o, ip->v, ip->src);
	rs_out_json_key(o, "dst");
	rs_out_json_ip(o, ip->v, ip->dst);
	rs_out_json_u64(o, "ttl", ip->ttl);
	if (ip->has_id) {
		rs_out_json_u64(o, "id", ip->id);
	}
	if (ip->v == 4) {
		rs_out_json_key(o, "df");
		json_bool(o, ip->df);
	}
	if (ip->v == 4 || ip->has_id) {
		rs_out_json_key(o, "mf");
		json_bool(o, ip->mf);
		rs_out_json_u64(o, "frag_off", ip->frag_off);
	}
	rs_out_json_u64(o, "proto", ip->proto);
	rs_out_json_u64(o, "tos", ip->tos);
	rs_out_json_u64(o, "hlen", ip->hdr_len);
	rs_out_json_u64(o, "len", ip->total_len);
	if (ip->missing)
		rs_out_json_u64(o, "missing", ip->missing);
	if (ip->v == 4) {
		/* Only a header that was all there was checked. */
		if (ip->csum_checked) {
			rs_out_json_key(o, "csum_ok");
			json_bool(o, ip->csum_ok);
		}
		if (ip->has_options) {
			rs_out_json_key(o, "options");
			rs_out_str(o, "true");
		}
	} else {
		rs_out_json_u64(o, "flow", ip->flow);
		if (ip->n_ext) {
			rs_out_json_key(o, "ext");
			rs_out_char(o, '[');
			for (unsigned i = 0; i < ip->n_ext; i++) {
				if (i)
					rs_out_char(o, ',');
				rs_out_u64(o, ip->ext[i]);
			}
			rs_out_char(o, ']');
		}
		if (ip->has_home) {
			rs_out_json_key(o, "home");
			rs_out_json_ip(o, 6, ip->home);
		}
	}
	if (ip->is_later_fragment) {
		rs_out_json_key(o, "fragment");
		rs_out_str(o, "true");
	}
	rs_out_char(o, '}');
}

static void print_tcp_opts(struct rs_out *o, const struct rs_tcp *t)
{
	bool any = false;

	rs_out_json_key(o, "opts");
	rs_out_char(o, '{');
	if (t->has_mss) {
		first_key(o, "mss");
		rs_out_u64(o, t->mss);
		any = true;
	}
	if (t->has_wscale) {
		any ? rs_out_json_key(o, "wscale") : first_key(o, "wscale");
		rs_out_u64(o, t->wscale);
		any = true;
	}
	if (t->sack_perm) {
		any ? rs_out_json_key(o, "sack_perm") : first_key(o, "sack_perm");
		rs_out_str(o, "true");
		any = true;
	}
	if (t->n_sack) {
		any ? rs_out_json_key(o, "sack") : first_key(o, "sack");
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
		any ? rs_out_json_key(o, "ts") : first_key(o, "ts");
		rs_out_char(o, '[');
		rs_out_u64(o, t->ts_val);
		rs_out_char(o, ',');
		rs_out_u64(o, t->ts_ecr);
		rs_out_char(o, ']');
		any = true;
	}
	/* Every option in order, so that unknown kinds are not lost. */
	any ? rs_out_json_key(o, "list") : first_key(o, "list");
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
		rs_out_json_key(o, "bad");
		rs_out_str(o, "true");
	}
	rs_out_char(o, '}');
}

static void print_tcp(struct rs_out *o, const struct rs_tcp *t)
{
	rs_out_json_key(o, "tcp");
	rs_out_str(o, "{\"sport\":");
	rs_out_u64(o, t->sport);
	rs_out_json_u64(o, "dport", t->dport);
	rs_out_json_key(o, "flags");
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
	rs_out_json_u64(o, "seq", t->seq);
	rs_out_json_u64(o, "ack", t->ack);
	rs_out_json_u64(o, "win", t->win);
	rs_out_json_u64(o, "len", t->payload_len);
	rs_out_json_u64(o, "urg", t->urg);
	rs_out_json_u64(o, "hlen", t->hdr_len);
	if (t->n_opts || t->opts_bad)
		print_tcp_opts(o, t);
	print_csum(o, t->csum_status);
}

static void print_udp(struct rs_out *o, const struct rs_udp *u)
{
	rs_out_json_key(o, "udp");
	rs_out_str(o, "{\"sport\":");
	rs_out_u64(o, u->sport);
	rs_out_json_u64(o, "dport", u->dport);
	rs_out_json_u64(o, "len", u->len);
	print_csum(o, u->csum_status);
	rs_out_char(o, '}');
}

/* "nd": the target, NA's flags, the link-layer address options. */
static void print_nd(struct rs_out *o, const struct rs_icmp *ic)
{
	rs_out_json_key(o, "nd");
	rs_out_str(o, "{\"target\":");
	rs_out_json_ip(o, 6, ic->nd_target);
	if (ic->type == 136) {
		rs_out_json_bool(o, "router", (ic->nd_flags & 0x80) != 0);
		rs_out_json_bool(o, "solicited", (ic->nd_flags & 0x40) != 0);
		rs_out_json_bool(o, "override", (ic->nd_flags & 0x20) != 0);
	}
	if (ic->has_nd_sll) {
		rs_out_json_key(o, "source_lladdr");
		rs_out_json_mac(o, ic->nd_sll);
	}
	if (ic->has_nd_tll) {
		rs_out_json_key(o, "target_lladdr");
		rs_out_json_mac(o, ic->nd_tll);
	}
	rs_out_char(o, '}');
}

/* "arp": the header's fields, and the addresses of Ethernet/IPv4 ARP. */
static void print_arp(struct rs_out *o, const struct rs_arp *a)
{
	rs_out_json_key(o, "arp");
	rs_out_str(o, "{\"htype\":");
	rs_out_u64(o, a->htype);
	rs_out_json_u64(o, "ptype", a->ptype);
	rs_out_json_u64(o, "hlen", a->hlen);
	rs_out_json_u64(o, "plen", a->plen);
	rs_out_json_u64(o, "op", a->op);
	rs_out_json_key(o, "kind");
	rs_out_json_cstr(o, rs_arp_kind_str((enum rs_arp_kind)a->kind));
	if (a->ether_ipv4) {
		rs_out_json_key(o, "sender_mac");
		rs_out_json_mac(o, a->sha);
		rs_out_json_key(o, "sender_ip");
		rs_out_json_ip(o, 4, a->spa);
		rs_out_json_key(o, "target_mac");
		rs_out_json_mac(o, a->tha);
		rs_out_json_key(o, "target_ip");
		rs_out_json_ip(o, 4, a->tpa);
	}
	rs_out_json_u64(o, "len", a->len);
	rs_out_char(o, '}');
}

static void print_icmp(struct rs_out *o, const struct rs_icmp *ic)
{
	const char *code = rs_icmp_code_name(ic->v, ic->type, ic->code);

	rs_out_json_key(o, "icmp");
	rs_out_str(o, "{\"type\":");
	rs_out_u64(o, ic->type);
	rs_out_json_u64(o, "code", ic->code);
	rs_out_json_key(o, "name");
	rs_out_json_cstr(o, rs_icmp_type_name(ic->v, ic->type));
	if (code) {
		rs_out_json_key(o, "code_name");
		rs_out_json_cstr(o, code);
	}
	if (ic->has_echo) {
		rs_out_json_u64(o, "id", ic->id);
		rs_out_json_u64(o, "seq", ic->seq);
	}
	if (ic->mtu) {
		rs_out_json_u64(o, "mtu", ic->mtu);
	}
	if (ic->has_ts) {
		rs_out_json_u64(o, "orig", ic->ts_orig);
		rs_out_json_u64(o, "recv", ic->ts_recv);
		rs_out_json_u64(o, "xmit", ic->ts_xmit);
	}
	if (ic->has_nd)
		print_nd(o, ic);
	if (ic->has_quote) {
		rs_out_json_key(o, "quote");
		rs_out_str(o, "{\"v\":");
		rs_out_u64(o, ic->quote.v);
		rs_out_json_key(o, "src");
		rs_out_json_ip(o, ic->quote.v, ic->quote.src);
		rs_out_json_key(o, "dst");
		rs_out_json_ip(o, ic->quote.v, ic->quote.dst);
		rs_out_json_u64(o, "proto", ic->quote.proto);
		if (ic->quote.has_ports) {
			rs_out_json_u64(o, "sport", ic->quote.sport);
			rs_out_json_u64(o, "dport", ic->quote.dport);
		}
		rs_out_char(o, '}');
	}
	print_csum(o, ic->csum_status);
	rs_out_char(o, '}');
}

/* --payload: the bytes of the innermost TCP or UDP payload that were
 * captured (not Ethernet padding: the IP and UDP lengths bound them). */
static void print_payload(struct rs_out *o, const struct rs_packet *pkt)
{
	static const char hex[] = "0123456789abcdef";

	rs_out_json_key(o, "payload");
	rs_out_char(o, '"');
	for (uint32_t i = 0; pkt->payload && i < pkt->payload_caplen; i++) {
		char b[2] = { hex[pkt->payload[i] >> 4], hex[pkt->payload[i] & 15] };
		rs_out_write(o, b, 2);
	}
	rs_out_char(o, '"');
}

/* The packet's pcapng comments, several joined by newlines, each cut at
 * RS_COMMENT_SHOWN bytes as in text. */
static void print_comment(struct rs_out *o, const struct rs_pkt_meta *m)
{
	char buf[RS_MAX_COMMENTS * (RS_COMMENT_SHOWN + 1)];
	size_t n = 0;

	for (unsigned i = 0; i < m->n_comments && i < RS_MAX_COMMENTS; i++) {
		size_t len = m->comment_len[i] < RS_COMMENT_SHOWN ? m->comment_len[i] : RS_COMMENT_SHOWN;
		if (i)
			buf[n++] = '\n';
		memcpy(buf + n, m->comment[i], len);
		n += len;
	}
	rs_out_json_key(o, "comment");
	rs_out_json_str(o, buf, n);
}

void rs_print_json(struct rs_printer *pr, struct rs_out *o, const struct rs_packet *pkt,
		   const struct rs_tcp_event *ev)
{
	rs_out_str(o, "{\"type\":\"pkt\",\"frame\":");
	rs_out_u64(o, pkt->frame);
	rs_out_json_key(o, "ts");
	rs_out_char(o, '"');
	rs_out_ts_epoch(o, pkt->ts_sec, pkt->ts_frac, pkt->ts_digits);
	rs_out_char(o, '"');
	if (pkt->meta.ts_problem) {
		rs_out_json_key(o, "ts_error");
		rs_out_json_cstr(o, pkt->meta.ts_problem);
	}
	rs_out_json_u64(o, "caplen", pkt->caplen);
	rs_out_json_u64(o, "len", pkt->len);
	if (pkt->meta.injected)
		rs_out_json_bool(o, "injected", true);
	if (pkt->meta.n_comments)
		print_comment(o, &pkt->meta);
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
	if ((pr->flags & RS_PRINT_PAYLOAD) && (pkt->l4 == RS_LAYER_TCP || pkt->l4 == RS_LAYER_UDP))
		print_payload(o, pkt);
	/* After the transport: layers inside pkt->ip that held no IP header (a tunnel carrying ARP,
	 * or one whose inner header was cut). */
	if (pkt->has_ip)
		print_outers(o, "carried", pkt, pkt->n_before_ip, pkt->n_outer);
	if (pkt->has_arp)
		print_arp(o, &pkt->arp);
	if (pkt->has_err) {
		rs_out_json_key(o, "error");
		rs_out_str(o, "{\"layer\":");
		rs_out_json_cstr(o, rs_layer_str(pkt->err.layer));
		rs_out_json_key(o, "kind");
		rs_out_json_cstr(o, pkt->err.kind == RS_TRUNCATED ? "truncated" :
				    pkt->err.kind == RS_INVALID ? "invalid" : "unsupported");
		rs_out_json_key(o, "detail");
		rs_out_json_cstr(o, pkt->err.detail);
		rs_out_char(o, '}');
	}
	rs_out_str(o, "}\n");
}
