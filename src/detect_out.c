/* detect_out.c: the detector's alert and statistics lines, text or JSON Lines. */
#include "rawshake/detect.h"
#include <stdio.h>
#include <string.h>

/* An alert's end: how long it lasted, its peak rate and its total. */
static void text_end(struct rs_out *o, const struct rs_detect_alert *a, const char *what,
		     uint64_t total)
{
	rs_out_str(o, ": lasted ");
	rs_out_double(o, a->duration, 1);
	rs_out_str(o, " s, peak ");
	rs_out_double(o, a->peak_rate, 0);
	rs_out_char(o, ' ');
	rs_out_str(o, what);
	rs_out_str(o, "/s, ");
	rs_out_u64(o, total);
	rs_out_char(o, ' ');
	rs_out_str(o, what);
	rs_out_str(o, "s\n");
}

static void text_endpoint(struct rs_out *o, uint8_t v, const uint8_t *a, uint16_t port)
{
	if (v == 6)
		rs_out_char(o, '[');
	rs_out_ip(o, v, a);
	if (v == 6)
		rs_out_char(o, ']');
	rs_out_char(o, ':');
	rs_out_u64(o, port);
}

static void text_flood(struct rs_out *o, const struct rs_detect_alert *a)
{
	if (a->host_wide) {
		rs_out_ip(o, a->v, a->victim);
		rs_out_str(o, " (all ports: ");
		rs_out_u64(o, a->ports);
		rs_out_str(o, a->ports == 1 ? " port)" : " ports)");
	} else {
		text_endpoint(o, a->v, a->victim, a->port);
	}
	if (a->phase == RS_DETECT_ALERT_END) {
		text_end(o, a, "SYN", a->total_syns);
		return;
	}
	rs_out_str(o, ": ");
	rs_out_double(o, a->syn_rate, 0);
	rs_out_str(o, " SYN/s, ");
	rs_out_u64(o, a->half_open);
	rs_out_str(o, " half-open, ");
	rs_out_double(o, a->completion * 100, 0);
	rs_out_str(o, "% of handshakes complete, ");
	rs_out_u64(o, a->sources);
	rs_out_str(o, a->sources == 1 ? " source" : " sources");
	if (a->never_completed) {
		rs_out_str(o, " (");
		rs_out_u64(o, a->never_completed);
		rs_out_str(o, " never completing)");
	}
	rs_out_str(o, a->spoofed ? ", look spoofed" : ", do not look spoofed");
	if (a->synack_retrans || a->victim_rsts || a->backscatter) {
		rs_out_str(o, "; victim: ");
		rs_out_u64(o, a->synack_retrans);
		rs_out_str(o, " SYN-ACK retransmissions, ");
		rs_out_u64(o, a->victim_rsts);
		rs_out_str(o, " RSTs, ");
		rs_out_u64(o, a->backscatter);
		rs_out_str(o, " backscatter");
	}
	rs_out_char(o, '\n');
}

static void text_scan(struct rs_out *o, const struct rs_detect_alert *a)
{
	rs_out_ip(o, a->v, a->source);
	rs_out_str(o, " -> ");
	rs_out_ip(o, a->v, a->victim);
	rs_out_str(o, ": ");
	rs_out_u64(o, a->ports);
	rs_out_str(o, " ports, ");
	rs_out_u64(o, a->total_syns);
	rs_out_str(o, " SYNs");
	if (a->phase == RS_DETECT_ALERT_END) {
		rs_out_str(o, ", lasted ");
		rs_out_double(o, a->duration, 1);
		rs_out_str(o, " s");
	}
	rs_out_char(o, '\n');
}

static void text_exhausted(struct rs_out *o, const struct rs_detect_alert *a)
{
	rs_out_str(o, a->table);
	rs_out_str(o, " table (bound ");
	rs_out_u64(o, a->capacity);
	rs_out_str(o, ")");
	if (a->phase == RS_DETECT_ALERT_END) {
		text_end(o, a, "eviction", a->evictions);
		return;
	}
	rs_out_str(o, " full: ");
	rs_out_double(o, a->evict_rate, 0);
	rs_out_str(o, " evictions/s from full tables; evidence is being lost, floods and "
		      "scans may go unseen\n");
}

static bool is_arp(enum rs_detect_alert_kind k)
{
	return k == RS_DETECT_ALERT_ARP_SPOOF || k == RS_DETECT_ALERT_ARP_GRATUITOUS ||
	       k == RS_DETECT_ALERT_ARP_UNSOLICITED;
}

static void text_arp(struct rs_out *o, const struct rs_detect_alert *a)
{
	if (a->kind == RS_DETECT_ALERT_ARP_GRATUITOUS && a->phase == RS_DETECT_ALERT_END) {
		rs_out_str(o, "lasted ");
		rs_out_double(o, a->duration, 1);
		rs_out_str(o, " s, peak ");
		rs_out_double(o, a->peak_rate, 0);
		rs_out_str(o, " gratuitous/s, ");
		rs_out_u64(o, a->total_syns);
		rs_out_str(o, " messages, the last from ");
		rs_out_mac(o, a->mac);
		rs_out_char(o, '\n');
		return;
	}
	rs_out_ip(o, a->v, a->victim);
	if (a->kind == RS_DETECT_ALERT_ARP_SPOOF) {
		rs_out_str(o, ": claimed by ");
		rs_out_mac(o, a->mac);
		rs_out_str(o, ", held by ");
		rs_out_mac(o, a->old_mac);
		rs_out_char(o, ' ');
		rs_out_double(o, a->age, 1);
		rs_out_str(o, " s before\n");
	} else if (a->kind == RS_DETECT_ALERT_ARP_GRATUITOUS) {
		rs_out_str(o, ": ");
		rs_out_double(o, a->peak_rate, 0);
		rs_out_str(o, " gratuitous messages in one second, from ");
		rs_out_mac(o, a->mac);
		rs_out_char(o, '\n');
	} else {
		rs_out_str(o, " is-at ");
		rs_out_mac(o, a->mac);
		rs_out_str(o, " to ");
		rs_out_ip(o, 4, a->source);
		rs_out_str(o, ": no request for it seen\n");
	}
}

static void json_arp(struct rs_out *o, const struct rs_detect_alert *a)
{
	rs_out_json_key(o, "mac");
	rs_out_json_mac(o, a->mac);
	if (a->kind == RS_DETECT_ALERT_ARP_SPOOF) {
		rs_out_json_key(o, "old_mac");
		rs_out_json_mac(o, a->old_mac);
		rs_out_json_key(o, "age");
		rs_out_double(o, a->age, 3);
	} else if (a->kind == RS_DETECT_ALERT_ARP_UNSOLICITED) {
		rs_out_json_key(o, "source");
		rs_out_json_ip(o, 4, a->source);
	} else {
		rs_out_json_key(o, "duration");
		rs_out_double(o, a->duration, 3);
		rs_out_json_key(o, "peak_rate");
		rs_out_double(o, a->peak_rate, 1);
		rs_out_json_u64(o, "total", a->total_syns);
	}
	rs_out_str(o, "}\n");
}

static void json_flood(struct rs_out *o, const struct rs_detect_alert *a)
{
	rs_out_str(o, ",\"scope\":");
	rs_out_str(o, a->host_wide ? "\"host\"" : "\"port\"");
	if (a->host_wide)
		rs_out_json_u64(o, "ports", a->ports);
	rs_out_json_key(o, "syn_rate");
	rs_out_double(o, a->syn_rate, 1);
	rs_out_json_u64(o, "half_open", a->half_open);
	rs_out_json_key(o, "completion");
	rs_out_double(o, a->completion, 3);
	rs_out_json_u64(o, "sources", a->sources);
	rs_out_json_bool(o, "spoofed", a->spoofed);
	rs_out_json_u64(o, "never_completed", a->never_completed);
	rs_out_json_u64(o, "synack_retrans", a->synack_retrans);
	rs_out_json_u64(o, "victim_rsts", a->victim_rsts);
	rs_out_json_u64(o, "backscatter", a->backscatter);
}

/* The alert's time in the clock's form, then a space (none with -t). */
static void text_time(struct rs_out *o, struct rs_ts_clock *clock, const struct rs_detect_alert *a)
{
	/* Floor division: a time before 1970 has a fraction from 0 up too. */
	int64_t sec = a->ts_ns / 1000000000, rem = a->ts_ns % 1000000000;
	if (rem < 0) {
		sec--;
		rem += 1000000000;
	}
	uint8_t digits = a->ts_digits == 9 ? 9 : 6;
	uint32_t frac = (uint32_t)(digits == 9 ? rem : rem / 1000);
	if (!clock) {
		rs_out_ts_ns(o, a->ts_ns, a->ts_digits);
		rs_out_char(o, ' ');
	} else if (rs_out_ts(o, clock, sec, frac, digits)) {
		rs_out_char(o, ' ');
	}
}

void rs_detect_alert_print(struct rs_out *o, enum rs_detect_format f, struct rs_ts_clock *clock,
			   const struct rs_detect_alert *a)
{
	if (f == RS_DETECT_TEXT) {
		text_time(o, clock, a);
		rs_out_str(o, "ALERT ");
		rs_out_str(o, rs_detect_alert_kind_str(a->kind));
		rs_out_char(o, ' ');
		rs_out_str(o, rs_detect_alert_phase_str(a->phase));
		rs_out_char(o, ' ');
		if (is_arp(a->kind))
			text_arp(o, a);
		else if (a->kind == RS_DETECT_ALERT_SYN_FLOOD)
			text_flood(o, a);
		else if (a->kind == RS_DETECT_ALERT_STATE_EXHAUSTED)
			text_exhausted(o, a);
		else
			text_scan(o, a);
		return;
	}
	rs_out_str(o, "{\"type\":\"alert\",\"kind\":");
	rs_out_json_cstr(o, rs_detect_alert_kind_str(a->kind));
	rs_out_json_key(o, "phase");
	rs_out_json_cstr(o, rs_detect_alert_phase_str(a->phase));
	rs_out_json_key(o, "victim");
	if (a->kind == RS_DETECT_ALERT_STATE_EXHAUSTED ||
	    (a->kind == RS_DETECT_ALERT_ARP_GRATUITOUS && a->phase == RS_DETECT_ALERT_END))
		rs_out_str(o, "null");
	else
		rs_out_json_ip(o, a->v, a->victim);
	rs_out_json_key(o, "port");
	if (a->kind == RS_DETECT_ALERT_STATE_EXHAUSTED || is_arp(a->kind))
		rs_out_str(o, "null");
	else
		rs_out_u64(o, a->port);
	rs_out_str(o, ",\"ts\":\"");
	rs_out_ts_ns(o, a->ts_ns, a->ts_digits);
	rs_out_char(o, '"');
	if (is_arp(a->kind)) {
		json_arp(o, a);
		return;
	}
	if (a->kind == RS_DETECT_ALERT_SYN_FLOOD) {
		json_flood(o, a);
	} else if (a->kind == RS_DETECT_ALERT_STATE_EXHAUSTED) {
		rs_out_json_key(o, "table");
		rs_out_json_cstr(o, a->table);
		rs_out_json_u64(o, "capacity", a->capacity);
		rs_out_json_key(o, "evict_rate");
		rs_out_double(o, a->evict_rate, 1);
		rs_out_json_u64(o, "evictions", a->evictions);
	} else {
		rs_out_json_key(o, "source");
		rs_out_json_ip(o, a->v, a->source);
		rs_out_json_u64(o, "ports", a->ports);
		rs_out_json_key(o, "completion");
		rs_out_double(o, a->completion, 3);
	}
	rs_out_json_key(o, "duration");
	rs_out_double(o, a->duration, 3);
	if (a->kind != RS_DETECT_ALERT_PORT_SCAN) {
		rs_out_json_key(o, "peak_rate");
		rs_out_double(o, a->peak_rate, 1);
	}
	if (a->kind != RS_DETECT_ALERT_STATE_EXHAUSTED)
		rs_out_json_u64(o, "total_syns", a->total_syns);
	rs_out_str(o, "}\n");
}

/* Only when the input held ARP or neighbour discovery: TCP-only runs
 * keep their lines. */
static void json_arp_stats(struct rs_out *o, const struct rs_detect_stats *st,
			   const struct rs_detect_opts *opts)
{
	rs_out_json_u64(o, "arp", st->arp);
	rs_out_json_u64(o, "arp_bindings", st->arp_bindings);
	rs_out_json_u64(o, "max_arp", opts->max_arp);
	rs_out_json_u64(o, "arp_evictions", st->arp_evictions);
	rs_out_json_u64(o, "arp_spoof_alerts", st->arp_spoof_alerts);
	rs_out_json_u64(o, "arp_gratuitous_alerts", st->arp_gratuitous_alerts);
	rs_out_json_u64(o, "arp_unsolicited_alerts", st->arp_unsolicited_alerts);
}

static void text_arp_stats(struct rs_out *o, const struct rs_detect_stats *st,
			   const struct rs_detect_opts *opts)
{
	rs_out_printf(o, "detect: %llu ARP/ND messages; bindings %u (bound %u, %llu evicted); "
		      "%llu arp-spoof, %llu arp-gratuitous-flood, %llu arp-unsolicited-reply alerts\n",
		      (unsigned long long)st->arp, st->arp_bindings, opts->max_arp,
		      (unsigned long long)st->arp_evictions, (unsigned long long)st->arp_spoof_alerts,
		      (unsigned long long)st->arp_gratuitous_alerts,
		      (unsigned long long)st->arp_unsolicited_alerts);
}

void rs_detect_print_stats(struct rs_out *o, enum rs_detect_format f,
			   const struct rs_detect_stats *sp, const struct rs_detect_opts *opts)
{
	const struct rs_detect_stats st = *sp;
	size_t mem = rs_detect_mem_bound(opts);
	if (f == RS_DETECT_JSON) {
		const struct {
			const char *key;
			uint64_t v;
		} m[] = {
			{ "packets", st.packets },
			{ "tcp", st.tcp },
			{ "syns", st.syns },
			{ "completed", st.completed },
			{ "given_up", st.given_up },
			{ "backscatter", st.backscatter },
			{ "victims", st.victims },
			{ "victims_peak", st.victims_peak },
			{ "max_victims", opts->max_victims },
			{ "victim_evictions", st.victim_evictions },
			{ "half_open_peak", st.half_open_peak },
			{ "max_half_open", opts->max_half_open },
			{ "max_half_open_per_victim", opts->max_half_open_per_victim },
			{ "half_open_evictions", st.half_open_evictions },
			{ "max_scanners", opts->max_scanners },
			{ "scanner_evictions", st.scanner_evictions },
			{ "hosts", st.hosts },
			{ "max_hosts", opts->max_hosts },
			{ "host_evictions", st.host_evictions },
			{ "flood_alerts", st.flood_alerts },
			{ "host_flood_alerts", st.host_flood_alerts },
			{ "scan_alerts", st.scan_alerts },
			{ "scans_in_floods", st.scans_in_floods },
			{ "exhausted_alerts", st.exhausted_alerts },
			{ "memory_bound", mem },
		};
		rs_out_str(o, "{\"type\":\"stats\"");
		for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
			rs_out_json_u64(o, m[i].key, m[i].v);
		if (st.arp)
			json_arp_stats(o, &st, opts);
		rs_out_str(o, "}\n");
		return;
	}
	char exhausted[48] = "";
	if (st.exhausted_alerts)
		snprintf(exhausted, sizeof(exhausted), ", %llu state-exhausted",
			 (unsigned long long)st.exhausted_alerts);
	rs_out_printf(o,
		      "detect: %llu packet%s (%llu TCP), %llu SYN%s, %llu handshake%s completed, "
		      "%llu given up, %llu backscatter; %llu flood and %llu scan alerts%s\n"
		      "detect: victims %u tracked (peak %u, bound %u, %llu evicted); hosts bound %u "
		      "(%llu evicted, %llu host-wide flood%s); half-open peak %u (bound %u, %u per "
		      "victim, %llu evicted); scanners bound %u (%llu evicted, %llu scan%s taken for "
		      "flood sources); memory bound %.1f MiB\n",
		      (unsigned long long)st.packets, st.packets == 1 ? "" : "s",
		      (unsigned long long)st.tcp, (unsigned long long)st.syns, st.syns == 1 ? "" : "s",
		      (unsigned long long)st.completed, st.completed == 1 ? "" : "s",
		      (unsigned long long)st.given_up, (unsigned long long)st.backscatter,
		      (unsigned long long)st.flood_alerts, (unsigned long long)st.scan_alerts, exhausted,
		      st.victims, st.victims_peak, opts->max_victims,
		      (unsigned long long)st.victim_evictions, opts->max_hosts,
		      (unsigned long long)st.host_evictions, (unsigned long long)st.host_flood_alerts,
		      st.host_flood_alerts == 1 ? "" : "s", st.half_open_peak, opts->max_half_open,
		      opts->max_half_open_per_victim, (unsigned long long)st.half_open_evictions,
		      opts->max_scanners, (unsigned long long)st.scanner_evictions,
		      (unsigned long long)st.scans_in_floods, st.scans_in_floods == 1 ? "" : "s",
		      (double)mem / (1024.0 * 1024.0));
	if (st.arp)
		text_arp_stats(o, &st, opts);
}
