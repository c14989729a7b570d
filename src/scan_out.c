/* scan_out.c: a scanned port with the exchange behind its verdict, and the summary (text, JSON). */
#include "config.h"
#include "rawshake/print_names.h"
#include "rawshake/scan.h"

/* "SYN" or "SYN, SYN again after 1.0 s": what we sent. */
static void text_probes(struct rs_out *o, const struct rs_scan_result *r, const struct rs_scan_cfg *cfg)
{
	rs_out_str(o, "SYN");
	if (r->probes > 1) {
		rs_out_str(o, ", SYN again after ");
		rs_out_double(o, (double)cfg->timeout_ns / 1e9, 1);
		rs_out_str(o, " s");
	}
}

static void text_rtt(struct rs_out *o, const struct rs_scan_result *r)
{
	rs_out_str(o, " (rtt ");
	rs_out_double(o, (double)r->rtt_ns / 1e6, 2);
	rs_out_str(o, " ms)");
}

static const char *icmp_name(const struct rs_scan_verdict *vd)
{
	const char *n = rs_icmp_code_name(vd->icmp_v, vd->icmp_type, vd->icmp_code);
	return n ? n : "unreachable";
}

static void text_port(struct rs_out *o, const struct rs_scan_result *r, const struct rs_scan_cfg *cfg)
{
	const struct rs_scan_verdict *vd = &r->vd;

	rs_out_u64(o, vd->port);
	rs_out_str(o, "/tcp ");
	rs_out_str(o, rs_scan_state_str(vd->state));
	rs_out_str(o, ": ");
	text_probes(o, r, cfg);
	rs_out_str(o, " -> ");
	switch (vd->reason) {
	case RS_SCAN_R_SYN_ACK:
		rs_out_str(o, "SYN-ACK");
		text_rtt(o, r);
		if (r->rsts)
			rs_out_str(o, r->rsts == 1 ? ", RST sent" : ", RSTs sent");
		break;
	case RS_SCAN_R_RST:
		rs_out_str(o, "RST");
		text_rtt(o, r);
		break;
	case RS_SCAN_R_ICMP:
		rs_out_printf(o, "%s %s (type %u code %u) from ", vd->icmp_v == 6 ? "ICMPv6" : "ICMP",
			      icmp_name(vd), vd->icmp_type, vd->icmp_code);
		rs_out_ip(o, cfg->id.v, vd->from);
		text_rtt(o, r);
		break;
	case RS_SCAN_R_NO_RESPONSE:
		rs_out_str(o, "no reply in ");
		rs_out_double(o, (double)cfg->timeout_ns / 1e9, 1);
		rs_out_str(o, " s");
		break;
	case RS_SCAN_R_NONE:
		rs_out_str(o, "no verdict (the scan was stopped)");
		break;
	}
	rs_out_char(o, '\n');
}

static void json_port(struct rs_out *o, const struct rs_scan_result *r, const struct rs_scan_cfg *cfg)
{
	const struct rs_scan_verdict *vd = &r->vd;

	rs_out_str(o, "{\"type\":\"scan_port\"");
	rs_out_json_key(o, "dst");
	rs_out_json_ip(o, cfg->id.v, cfg->id.dst);
	rs_out_json_u64(o, "port", vd->port);
	rs_out_str(o, ",\"proto\":\"tcp\",\"state\":");
	rs_out_json_cstr(o, rs_scan_state_str(vd->state));
	rs_out_json_key(o, "reason");
	rs_out_json_cstr(o, rs_scan_reason_str(vd->reason));
	rs_out_json_u64(o, "syns", r->probes);
	rs_out_json_u64(o, "rsts_sent", r->rsts);
	rs_out_json_key(o, "rtt_ms");
	if (vd->reason == RS_SCAN_R_SYN_ACK || vd->reason == RS_SCAN_R_RST || vd->reason == RS_SCAN_R_ICMP)
		rs_out_double(o, (double)r->rtt_ns / 1e6, 3);
	else
		rs_out_str(o, "null");
	if (vd->reason == RS_SCAN_R_ICMP) {
		rs_out_json_u64(o, "icmp_type", vd->icmp_type);
		rs_out_json_u64(o, "icmp_code", vd->icmp_code);
		rs_out_json_key(o, "icmp_name");
		rs_out_json_cstr(o, icmp_name(vd));
		rs_out_json_key(o, "from");
		rs_out_json_ip(o, cfg->id.v, vd->from);
	}
	rs_out_str(o, "}\n");
}

void rs_scan_print_port(struct rs_out *o, const struct rs_scan_result *r, bool json,
			const struct rs_scan_cfg *cfg)
{
	if (json)
		json_port(o, r, cfg);
	else
		text_port(o, r, cfg);
}

void rs_scan_print_summary(struct rs_out *o, const struct rs_scan_stats *st, bool json,
			   const struct rs_scan_cfg *cfg)
{
	uint64_t ports = (uint64_t)st->open + st->closed + st->filtered + st->pending;
	double secs = (double)st->elapsed_ns / 1e9;

	if (json) {
		rs_out_str(o, "{\"type\":\"scan_summary\"");
		rs_out_json_key(o, "dst");
		rs_out_json_ip(o, cfg->id.v, cfg->id.dst);
		rs_out_json_u64(o, "ports", ports);
		rs_out_json_u64(o, "open", st->open);
		rs_out_json_u64(o, "closed", st->closed);
		rs_out_json_u64(o, "filtered", st->filtered);
		rs_out_json_u64(o, "pending", st->pending);
		rs_out_json_u64(o, "syns", st->probes);
		rs_out_json_u64(o, "rsts_sent", st->rsts);
		rs_out_json_u64(o, "replies", st->replies);
		rs_out_json_key(o, "elapsed_s");
		rs_out_double(o, secs, 3);
		rs_out_str(o, "}\n");
		return;
	}
	rs_out_printf(o, "%u open, %u closed, %u filtered", st->open, st->closed, st->filtered);
	if (st->pending)
		rs_out_printf(o, ", %u not decided (stopped)", st->pending);
	rs_out_str(o, " in ");
	rs_out_double(o, secs, 1);
	rs_out_printf(o, " s (%llu port%s of ", (unsigned long long)ports, ports == 1 ? "" : "s");
	rs_out_ip(o, cfg->id.v, cfg->id.dst);
	rs_out_printf(o, ", %llu SYN%s, %llu RST%s sent)\n", (unsigned long long)st->probes,
		      st->probes == 1 ? "" : "s", (unsigned long long)st->rsts, st->rsts == 1 ? "" : "s");
}
