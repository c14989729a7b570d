/*
 * print_ladder.c: the textbook sequence diagram of each connection.
 *
 *     time     client                                      server
 *              CLOSED                                      LISTEN
 * 0.000000 SYN_SENT  |── SYN seq=0 ─────────────────────▶|
 * 0.000020           |◀─ SYN,ACK seq=0 ack=1 ────────────| SYN_RECEIVED
 *
 * A state is printed only where it changes.  Layout: time (9), client
 * state (12), the arrow between two bars (42), server state (12): 79
 * columns.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rawshake/print_ladder.h"

#define ARROW 42
#define STW 12

struct row {
	uint64_t conn_id;
	int64_t ns;
	uint32_t rel_seq, rel_ack, len, analysis;
	uint8_t flags, dir, cs, ss, pcs, pss, v;
	bool injected;            /* rawshake reset's own segment: a double arrow */
	uint8_t cvia, svia;           /* a state passed through; RS_TCP_STATE_COUNT: none */
	bool ack_valid, new_conn, guessed;
	bool cg, sg;                  /* client's, server's state guessed */
	uint8_t c[16], s[16];
	uint16_t cport, sport;
};

struct rs_print_ladder {
	uint32_t max, n;
	uint64_t dropped;
	struct row rows[];
};

struct rs_print_ladder *rs_print_ladder_new(uint32_t max_rows)
{
	struct rs_print_ladder *l = calloc(1, sizeof(*l) + (size_t)max_rows * sizeof(struct row));
	if (l)
		l->max = max_rows;
	return l;
}

void rs_print_ladder_free(struct rs_print_ladder *l)
{
	free(l);
}

uint64_t rs_print_ladder_dropped(const struct rs_print_ladder *l)
{
	return l->dropped;
}

void rs_print_ladder_add(struct rs_print_ladder *l, const struct rs_packet *pkt, const struct rs_tcp_event *ev)
{
	if (l->n >= l->max) {
		l->dropped++;
		return;
	}
	struct row *r = &l->rows[l->n++];
	size_t alen = pkt->ip.v == 4 ? 4 : 16;
	bool c2s = ev->dir == RS_DIR_C2S;
	memset(r, 0, sizeof(*r));
	r->conn_id = ev->conn_id;
	r->ns = pkt->ts_ns;
	r->rel_seq = ev->rel_seq;
	r->rel_ack = ev->rel_ack;
	r->ack_valid = ev->rel_ack_valid;
	r->len = ev->len;
	r->analysis = ev->analysis;
	r->injected = pkt->meta.injected;
	r->flags = ev->flags;
	r->dir = (uint8_t)ev->dir;
	r->cs = (uint8_t)ev->client_state;
	r->ss = (uint8_t)ev->server_state;
	r->pcs = (uint8_t)ev->prev_client_state;
	r->pss = (uint8_t)ev->prev_server_state;
	r->cvia = (uint8_t)(ev->client_via_set ? ev->client_via : RS_TCP_STATE_COUNT);
	r->svia = (uint8_t)(ev->server_via_set ? ev->server_via : RS_TCP_STATE_COUNT);
	r->new_conn = ev->new_conn;
	r->guessed = ev->client_guessed;
	r->cg = ev->client_state_guessed;
	r->sg = ev->server_state_guessed;
	r->v = pkt->ip.v;
	memcpy(r->c, c2s ? pkt->ip.src : pkt->ip.dst, alen);
	memcpy(r->s, c2s ? pkt->ip.dst : pkt->ip.src, alen);
	r->cport = c2s ? pkt->tcp.sport : pkt->tcp.dport;
	r->sport = c2s ? pkt->tcp.dport : pkt->tcp.sport;
}

static int by_conn(const void *a, const void *b)
{
	const struct row *x = *(const struct row *const *)a, *y = *(const struct row *const *)b;
	if (x->conn_id != y->conn_id)
		return x->conn_id < y->conn_id ? -1 : 1;
	return x < y ? -1 : x > y;
}

static void label(char *buf, size_t n, const struct row *r)
{
	static const char *const fl[8] = { "FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR" };
	static const int order[8] = { 1, 0, 2, 3, 4, 5, 6, 7 };   /* SYN first */
	size_t k = 0;
	buf[0] = '\0';
	for (int i = 0; i < 8 && k < n; i++) {
		int bit = order[i];
		if (!(r->flags & (1u << bit)) || bit == 3)   /* PSH only adds noise */
			continue;
		k += (size_t)snprintf(buf + k, n - k, "%s%s", k ? "," : "", fl[bit]);
	}
	if (k < n)
		k += (size_t)snprintf(buf + k, n - k, " seq=%u", r->rel_seq);
	if (k < n && r->ack_valid)
		k += (size_t)snprintf(buf + k, n - k, " ack=%u", r->rel_ack);
	if (k < n && r->len)
		k += (size_t)snprintf(buf + k, n - k, " len=%u", r->len);
	static const struct { uint32_t bit; const char *tag; } tags[] = {
		{ RS_AN_RETRANSMISSION, "retrans" }, { RS_AN_OUT_OF_ORDER, "ooo" },
		{ RS_AN_DUP_ACK, "dup-ack" }, { RS_AN_ZERO_WINDOW, "win=0" },
		{ RS_AN_WINDOW_UPDATE, "win-update" }, { RS_AN_KEEP_ALIVE, "keep-alive" },
		{ RS_AN_RST_OUT_OF_WINDOW, "ignored" }, { RS_AN_SYN_RETRANS, "retrans" },
		{ RS_AN_SYNACK_RETRANS, "retrans" }, { RS_AN_PORT_REUSE, "reuse" },
		{ RS_AN_NEW_ISN, "new ISN" }, { RS_AN_RST_CHALLENGE, "challenged" },
		{ RS_AN_CHALLENGE_ACK, "challenge-ack" }, { RS_AN_OLD_DUP_REJECTED, "old dup" },
	};
	if (k < n && r->injected)
		k += (size_t)snprintf(buf + k, n - k, " [injected]");
	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]) && k < n; i++)
		if (r->analysis & tags[i].bit)
			k += (size_t)snprintf(buf + k, n - k, " [%s]", tags[i].tag);
}

static void pad(struct rs_out *o, size_t n)
{
	while (n--)
		rs_out_char(o, ' ');
}

static void state_col(struct rs_out *o, uint8_t now, uint8_t before, bool left)
{
	const char *s = now != before ? rs_tcp_state_str((enum rs_tcp_state)now) : "";
	size_t n = strlen(s);
	if (left) {
		pad(o, STW > n ? STW - n : 0);
		rs_out_str(o, s);
	} else {
		rs_out_str(o, s);
	}
}

/* v[i..]: the rows of one connection; says so when one side has none
 * and its states were inferred (a capture of one direction). */
static void one_way_line(struct rs_out *o, const struct row *const *v, uint32_t i, uint32_t k)
{
	bool seen[2] = { false, false }, guessed[2] = { false, false };
	for (uint32_t j = i; j < k && v[j]->conn_id == v[i]->conn_id; j++) {
		seen[v[j]->dir] = true;
		guessed[RS_DIR_C2S] |= v[j]->cg;
		guessed[RS_DIR_S2C] |= v[j]->sg;
	}
	int d = !seen[RS_DIR_C2S] ? RS_DIR_C2S : !seen[RS_DIR_S2C] ? RS_DIR_S2C : -1;
	if (d < 0 || !guessed[d])
		return;
	const char *gone = d == RS_DIR_C2S ? "client" : "server";
	pad(o, 10);
	rs_out_printf(o, "(no %s segment in the capture: the %s's states are guessed)\n", gone, gone);
}

/*
 * Seconds since the connection's first segment, in 9 columns whatever
 * the value: a capture's clock may step back (reordering across CPUs, a
 * clock set back, a broken file), so a time can be negative or far off;
 * the precision gives way before the width does.
 */
static void time_col(struct rs_out *o, int64_t ns)
{
	double s = (double)ns / 1e9;
	if (s > -10.0 && s < 100.0)
		rs_out_printf(o, "%9.6f ", s);
	else if (s > -10000.0 && s < 100000.0)
		rs_out_printf(o, "%9.3f ", s);
	else
		rs_out_printf(o, "%9.2e ", s);
}

static void header(struct rs_out *o, const struct row *r, bool ascii)
{
	rs_out_printf(o, "connection %llu: client%s ", (unsigned long long)r->conn_id,
		      r->guessed ? " (guessed)" : "");
	rs_out_ip(o, r->v, r->c);
	rs_out_printf(o, " port %u %s server ", r->cport, ascii ? "<->" : "⇄");
	rs_out_ip(o, r->v, r->s);
	rs_out_printf(o, " port %u\n", r->sport);
	pad(o, 10);
	rs_out_printf(o, "%*s %-*s %s\n", STW, "client", ARROW, "", "server");
	pad(o, 10);
	rs_out_printf(o, "%*s %-*s %s\n", STW, rs_tcp_state_str((enum rs_tcp_state)r->pcs), ARROW, "",
		      rs_tcp_state_str((enum rs_tcp_state)r->pss));
}

static void arrow(struct rs_out *o, const struct row *r, bool ascii)
{
	const char *bar = ascii ? "|" : "│", *dash = ascii ? "-" : "─";
	if (r->injected)
		dash = ascii ? "=" : "═";
	const char *right = ascii ? ">" : "▶", *left = ascii ? "<" : "◀";
	char lab[ARROW];
	label(lab, sizeof(lab) - 4, r);
	size_t ln = strlen(lab);
	rs_out_str(o, bar);
	/* ARROW cells: head(1) + dash(1) + ' ' + label + ' ' + dashes. */
	size_t fill = ARROW - 4 - ln;
	if (r->dir == RS_DIR_C2S) {
		rs_out_str(o, dash);
		rs_out_str(o, dash);
		rs_out_char(o, ' ');
		rs_out_str(o, lab);
		rs_out_char(o, ' ');
		for (size_t i = 0; i + 1 < fill; i++)
			rs_out_str(o, dash);
		rs_out_str(o, right);
	} else {
		rs_out_str(o, left);
		rs_out_str(o, dash);
		rs_out_char(o, ' ');
		rs_out_str(o, lab);
		rs_out_char(o, ' ');
		for (size_t i = 0; i < fill; i++)
			rs_out_str(o, dash);
	}
	rs_out_str(o, bar);
}

void rs_print_ladder_print(struct rs_print_ladder *l, struct rs_out *o, bool ascii, uint64_t only_conn)
{
	if (l->n == 0)
		return;
	const struct row **v = malloc((size_t)l->n * sizeof(*v));
	if (!v)
		return;
	uint32_t k = 0;
	for (uint32_t i = 0; i < l->n; i++)
		if (!only_conn || l->rows[i].conn_id == only_conn)
			v[k++] = &l->rows[i];
	qsort(v, k, sizeof(*v), by_conn);
	int64_t t0 = 0;
	for (uint32_t i = 0; i < k && !rs_out_closed(o); i++) {
		const struct row *r = v[i];
		if (i == 0 || v[i - 1]->conn_id != r->conn_id) {
			if (i)
				rs_out_char(o, '\n');
			header(o, r, ascii);
			one_way_line(o, v, i, k);
			t0 = r->ns;
		}
		if (r->cvia != RS_TCP_STATE_COUNT || r->svia != RS_TCP_STATE_COUNT) {
			/* A state passed through within the segment, on a row of
			 * its own above it (FIN_WAIT_2 on the way to TIME_WAIT). */
			const char *bar = ascii ? "|" : "│";
			pad(o, 10);
			if (r->cvia != RS_TCP_STATE_COUNT)
				state_col(o, r->cvia, RS_TCP_STATE_COUNT, true);
			else
				pad(o, STW);
			rs_out_char(o, ' ');
			rs_out_str(o, bar);
			pad(o, ARROW);
			rs_out_str(o, bar);
			if (r->svia != RS_TCP_STATE_COUNT) {
				rs_out_char(o, ' ');
				state_col(o, r->svia, RS_TCP_STATE_COUNT, false);
			}
			rs_out_char(o, '\n');
		}
		time_col(o, r->ns - t0);
		state_col(o, r->cs, r->pcs, true);
		rs_out_char(o, ' ');
		arrow(o, r, ascii);
		if (r->ss != r->pss) {
			rs_out_char(o, ' ');
			state_col(o, r->ss, r->pss, false);
		}
		rs_out_char(o, '\n');
	}
	if (k && l->dropped)
		rs_out_printf(o, "(%llu more segments not drawn: the diagram keeps %u)\n",
			      (unsigned long long)l->dropped, l->max);
	free(v);
}
