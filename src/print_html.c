/*
 * print_html.c: the HTML report.  Keeps, within the bounds of
 * print_html.h, the segments of the connections it draws, the records of
 * the connections it lists and the facts of the capture, and writes the
 * page at the end.  The page needs no script (the long packet tables fold
 * in <details>), no font or picture from elsewhere: it reads offline and
 * prints.  Every string of a capture or a command line goes through
 * rs_print_svg_escape; ids are "conn-N", from the connection numbers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rawshake/print_html.h"
#include "rawshake/print_note.h"
#include "rawshake/print_summary.h"
#include "rawshake/tcp_state.h"

#define SEG_CHUNK 4096u
#define NOTE_CHUNK (256u * 1024u)
#define NOTE_MAX 512u
#define NONE UINT32_MAX
#define LADDER_HEAD 40u   /* a long ladder keeps its first segments ... */
#define LADDER_TAIL 20u   /* ... and its last, the bulk between folded */
#define MAX_DLTS 8

struct tail {
	uint32_t n, pos;
	struct rs_seg seg[RS_HTML_TAIL];
	char note[RS_HTML_TAIL][NOTE_MAX];
};

struct hconn {
	uint64_t id;                  /* 0: no segment yet */
	uint8_t v;
	uint8_t client[16], server[16];
	uint16_t cport, sport;
	bool client_guessed;
	uint32_t first, last, kept;   /* the kept list, through rs_seg.next */
	uint64_t total, data_segs, bytes;
	struct tail *tail;            /* once kept reaches RS_HTML_HEAD */
};

struct rs_print_html {
	uint64_t only_conn;
	char *const *files;
	int nfiles;
	uint64_t packets, tcp_segments;
	int64_t first_sec, last_sec;
	uint32_t first_frac, last_frac;
	uint8_t digits;
	int dlts[MAX_DLTS];
	int ndlts;
	struct rs_seg **chunks;       /* segments: chunk i holds SEG_CHUNK */
	uint32_t nchunks, nsegs;
	char **notes;                 /* note arena: chunks of NOTE_CHUNK */
	uint32_t nnotes, note_used;   /* used bytes of the last chunk */
	struct rs_conn_record *recs;
	uint32_t nrecs, caprecs;
	uint64_t recs_dropped;
	struct hconn conns[RS_HTML_MAX_CONNS];
};

struct rs_print_html *rs_print_html_new(uint64_t only_conn)
{
	struct rs_print_html *h = calloc(1, sizeof(*h));
	if (h)
		h->only_conn = only_conn;
	return h;
}

void rs_print_html_free(struct rs_print_html *h)
{
	if (!h)
		return;
	for (uint32_t i = 0; i < h->nchunks; i++)
		free(h->chunks[i]);
	for (uint32_t i = 0; i < h->nnotes; i++)
		free(h->notes[i]);
	for (size_t i = 0; i < RS_HTML_MAX_CONNS; i++)
		free(h->conns[i].tail);
	free(h->chunks);
	free(h->notes);
	free(h->recs);
	free(h);
}

void rs_print_html_set_files(struct rs_print_html *h, char *const *names, int n)
{
	h->files = names;
	h->nfiles = n;
}

static struct rs_seg *seg_at(const struct rs_print_html *h, uint32_t i)
{
	return &h->chunks[i / SEG_CHUNK][i % SEG_CHUNK];
}

/* Grows a pointer array of chunks by one chunk of size bytes; false when out of memory. */
static bool grow_chunks(void ***arr, uint32_t *n, size_t size)
{
	void **a = realloc(*arr, (*n + 1) * sizeof(*a));
	if (!a)
		return false;
	*arr = a;
	if (!(a[*n] = malloc(size)))
		return false;
	(*n)++;
	return true;
}

static struct rs_seg *seg_new(struct rs_print_html *h, uint32_t *idx)
{
	if (h->nsegs == h->nchunks * SEG_CHUNK &&
	    !grow_chunks((void ***)&h->chunks, &h->nchunks, SEG_CHUNK * sizeof(struct rs_seg)))
		return NULL;
	*idx = h->nsegs++;
	return seg_at(h, *idx);
}

/* A copy of a note in the arena; "" when memory is refused. */
static const char *note_keep(struct rs_print_html *h, const char *s, size_t n)
{
	if (!h->nnotes || h->note_used + n + 1 > NOTE_CHUNK) {
		if (!grow_chunks((void ***)&h->notes, &h->nnotes, NOTE_CHUNK))
			return "";
		h->note_used = 0;
	}
	char *p = h->notes[h->nnotes - 1] + h->note_used;
	memcpy(p, s, n + 1);
	h->note_used += (uint32_t)n + 1;
	return p;
}

static void seg_fill(struct rs_seg *s, const struct rs_packet *pkt, const struct rs_tcp_event *ev)
{
	memset(s, 0, sizeof(*s));
	s->frame = pkt->frame;
	s->ns = pkt->ts_ns;
	s->rel_seq = ev->rel_seq;
	s->rel_ack = ev->rel_ack;
	s->ack_valid = ev->rel_ack_valid;
	s->len = ev->len;
	s->win = ev->wscale_known ? ev->win_scaled : pkt->tcp.win;
	s->analysis = ev->analysis;
	if (pkt->tcp.csum_status == RS_CSUM_BAD)
		s->analysis |= RS_AN_BAD_CHECKSUM;
	s->n_sack = ev->n_rel_sack;
	memcpy(s->sack, ev->rel_sack, sizeof(s->sack));
	s->has_mss = pkt->tcp.has_mss;
	s->mss = pkt->tcp.mss;
	s->has_wscale = pkt->tcp.has_wscale;
	s->wscale = pkt->tcp.wscale;
	s->sack_perm = pkt->tcp.sack_perm;
	s->flags = ev->flags;
	s->dir = (uint8_t)ev->dir;
	s->cs = (uint8_t)ev->client_state;
	s->ss = (uint8_t)ev->server_state;
	s->pcs = (uint8_t)ev->prev_client_state;
	s->pss = (uint8_t)ev->prev_server_state;
	s->cvia = (uint8_t)(ev->client_via_set ? ev->client_via : RS_TCP_STATE_COUNT);
	s->svia = (uint8_t)(ev->server_via_set ? ev->server_via : RS_TCP_STATE_COUNT);
	s->next = NONE;
}

static struct hconn *conn_slot(struct rs_print_html *h, uint64_t id)
{
	if (h->only_conn)
		return id == h->only_conn ? &h->conns[0] : NULL;
	return id && id <= RS_HTML_MAX_CONNS ? &h->conns[id - 1] : NULL;
}

static void conn_start(struct hconn *c, const struct rs_packet *pkt, const struct rs_tcp_event *ev)
{
	bool c2s = ev->dir == RS_DIR_C2S;
	size_t alen = pkt->ip.v == 4 ? 4 : 16;
	c->id = ev->conn_id;
	c->v = pkt->ip.v;
	memcpy(c->client, c2s ? pkt->ip.src : pkt->ip.dst, alen);
	memcpy(c->server, c2s ? pkt->ip.dst : pkt->ip.src, alen);
	c->cport = c2s ? pkt->tcp.sport : pkt->tcp.dport;
	c->sport = c2s ? pkt->tcp.dport : pkt->tcp.sport;
	c->client_guessed = ev->client_guessed;
	c->first = c->last = NONE;
}

/* The segment into the connection's kept list, or its tail ring once the
 * list is full. */
static void conn_add(struct rs_print_html *h, struct hconn *c, const struct rs_packet *pkt,
		     const struct rs_tcp_event *ev)
{
	char note[NOTE_MAX];
	size_t n = rs_print_note_format(note, sizeof(note), pkt, ev, 0);
	c->total++;
	c->data_segs += ev->len > 0;
	c->bytes += ev->len;
	if (c->kept >= RS_HTML_HEAD) {
		if (!c->tail && !(c->tail = calloc(1, sizeof(*c->tail))))
			return;
		struct tail *t = c->tail;
		seg_fill(&t->seg[t->pos], pkt, ev);
		memcpy(t->note[t->pos], note, n + 1);
		t->seg[t->pos].note = t->note[t->pos];
		t->pos = (t->pos + 1) % RS_HTML_TAIL;
		t->n += t->n < RS_HTML_TAIL;
		return;
	}
	uint32_t idx;
	struct rs_seg *s = seg_new(h, &idx);
	if (!s)
		return;
	seg_fill(s, pkt, ev);
	s->note = note_keep(h, note, n);
	if (c->last == NONE)
		c->first = idx;
	else
		seg_at(h, c->last)->next = idx;
	c->last = idx;
	c->kept++;
}

void rs_print_html_add(struct rs_print_html *h, const struct rs_packet *pkt,
		       const struct rs_tcp_event *ev)
{
	if (h->packets++ == 0) {
		h->first_sec = pkt->ts_sec;
		h->first_frac = pkt->ts_frac;
		h->digits = pkt->ts_digits;
	}
	h->last_sec = pkt->ts_sec;
	h->last_frac = pkt->ts_frac;
	int i = 0;
	while (i < h->ndlts && h->dlts[i] != pkt->link.dlt)
		i++;
	if (i == h->ndlts && h->ndlts < MAX_DLTS)
		h->dlts[h->ndlts++] = pkt->link.dlt;
	if (!ev)
		return;
	h->tcp_segments++;
	struct hconn *c = conn_slot(h, ev->conn_id);
	if (!c)
		return;
	if (!c->id)
		conn_start(c, pkt, ev);
	conn_add(h, c, pkt, ev);
}

void rs_print_html_conn(struct rs_print_html *h, const struct rs_conn_record *r)
{
	if (h->only_conn && r->id != h->only_conn)
		return;
	if (h->nrecs == h->caprecs) {
		uint32_t cap = h->caprecs ? h->caprecs * 2 : 64;
		struct rs_conn_record *a = cap <= RS_HTML_MAX_ROWS ? realloc(h->recs, cap * sizeof(*a)) : NULL;
		if (!a) {
			h->recs_dropped++;
			return;
		}
		h->recs = a;
		h->caprecs = cap;
	}
	h->recs[h->nrecs++] = *r;
}

/* ---- the pictures' input ---- */

struct picture {
	struct rs_svg_conn c;
	const struct rs_seg **all, **segs;
};

static void ladder_fold(struct picture *p, const struct hconn *hc)
{
	size_t n = p->c.n_all;
	if (hc->total <= LADDER_HEAD + LADDER_TAIL + 10 || n < LADDER_HEAD + LADDER_TAIL) {
		p->segs = p->all;
		p->c.n = p->c.fold_at = n;
		return;
	}
	p->segs = p->all + n;   /* the second half of the same allocation */
	memcpy(p->segs, p->all, LADDER_HEAD * sizeof(*p->segs));
	memcpy(p->segs + LADDER_HEAD, p->all + n - LADDER_TAIL, LADDER_TAIL * sizeof(*p->segs));
	p->c.n = LADDER_HEAD + LADDER_TAIL;
	p->c.fold_at = LADDER_HEAD;
	uint64_t data = 0, bytes = 0;
	for (size_t i = 0; i < p->c.n; i++) {
		data += p->segs[i]->len > 0;
		bytes += p->segs[i]->len;
	}
	p->c.fold_segs = hc->total - p->c.n;
	p->c.fold_data_segs = hc->data_segs - data;
	p->c.fold_bytes = hc->bytes - bytes;
	p->c.fold_ns = p->segs[LADDER_HEAD]->ns - p->segs[LADDER_HEAD - 1]->ns;
}

static bool picture_make(const struct rs_print_html *h, const struct hconn *hc, struct picture *p)
{
	size_t n = hc->kept + (hc->tail ? hc->tail->n : 0);
	memset(p, 0, sizeof(*p));
	p->all = malloc((2 * n + 1) * sizeof(*p->all));
	if (!p->all)
		return false;
	size_t k = 0;
	for (uint32_t i = hc->first; i != NONE; i = seg_at(h, i)->next)
		p->all[k++] = seg_at(h, i);
	p->c.gap_at = k;
	if (hc->tail) {
		const struct tail *t = hc->tail;
		uint32_t start = t->n < RS_HTML_TAIL ? 0 : t->pos;
		for (uint32_t i = 0; i < t->n; i++)
			p->all[k++] = &t->seg[(start + i) % RS_HTML_TAIL];
		p->c.gap_segs = hc->total - k;
	}
	p->c.id = hc->id;
	p->c.v = hc->v;
	memcpy(p->c.client, hc->client, sizeof(hc->client));
	memcpy(p->c.server, hc->server, sizeof(hc->server));
	p->c.cport = hc->cport;
	p->c.sport = hc->sport;
	p->c.client_guessed = hc->client_guessed;
	p->c.all = p->all;
	p->c.n_all = k;
	ladder_fold(p, hc);
	p->c.segs = p->segs;
	return true;
}

/* ---- the page ---- */

static const char css[] =
	"body{font-family:sans-serif;margin:1.5em;color:#222;max-width:1000px}"
	"h1{font-size:1.5em}h2{font-size:1.25em;border-bottom:1px solid #ccc;margin-top:2em}"
	"h3{font-size:1.05em}table{border-collapse:collapse;font-size:13px;margin:.5em 0}"
	"th,td{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}"
	"th{background:#f0f0f0}td.n{text-align:right;font-family:monospace}"
	"tr.retrans td{background:#fde8e8}tr.badsum td{background:#fff1dc}"
	"code,td.m{font-family:monospace}svg{display:block;max-width:100%;height:auto;margin:.5em 0}"
	".charts{display:flex;flex-wrap:wrap;gap:1em}.charts svg{display:inline-block}"
	"details>summary{cursor:pointer;color:#1f4e9c}"
	"@media print{body{margin:0;max-width:none}section.conn{break-before:page}"
	"details>summary{display:none}}";

static void td_str(struct rs_out *o, const char *cls, const char *s)
{
	rs_out_str(o, cls ? "<td class=\"" : "<td");
	if (cls) {
		rs_out_str(o, cls);
		rs_out_char(o, '"');
	}
	rs_out_char(o, '>');
	rs_print_svg_escape_str(o, s);
	rs_out_str(o, "</td>");
}

static void td_u64(struct rs_out *o, uint64_t v)
{
	rs_out_str(o, "<td class=\"n\">");
	rs_out_u64(o, v);
	rs_out_str(o, "</td>");
}

/* "2024-05-01 10:00:00.123456 UTC": the same in every time zone. */
static void utc_time(struct rs_out *o, int64_t sec, uint32_t frac, uint8_t digits)
{
	time_t t = (time_t)sec;
	struct tm tm;
	char buf[32];
	if (gmtime_r(&t, &tm) && strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm)) {
		rs_out_str(o, buf);
		rs_out_char(o, '.');
		rs_out_u64_zpad(o, frac, digits);
		rs_out_str(o, " UTC");
	} else {
		rs_out_ts_epoch(o, sec, frac, digits);
	}
}

static void facts(const struct rs_print_html *h, struct rs_out *o)
{
	rs_out_str(o, "<section id=\"overview\"><h2>Capture</h2>\n<table class=\"facts\">\n<tr><th>files</th><td>");
	for (int i = 0; i < h->nfiles; i++) {
		rs_out_str(o, i ? "<br><code>" : "<code>");
		rs_print_svg_escape_str(o, strcmp(h->files[i], "-") ? h->files[i] : "(standard input)");
		rs_out_str(o, "</code>");
	}
	rs_out_str(o, "</td></tr>\n<tr><th>link types</th><td>");
	for (int i = 0; i < h->ndlts; i++) {
		rs_out_str(o, i ? ", " : "");
		rs_print_svg_escape_str(o, rs_dlt_name(h->dlts[i]));
	}
	rs_out_str(o, "</td></tr>\n<tr><th>packets</th>");
	td_u64(o, h->packets);
	rs_out_str(o, "</tr>\n<tr><th>TCP segments</th>");
	td_u64(o, h->tcp_segments);
	rs_out_str(o, "</tr>\n");
	if (h->packets) {
		rs_out_str(o, "<tr><th>first packet</th><td>");
		utc_time(o, h->first_sec, h->first_frac, h->digits);
		rs_out_str(o, "</td></tr>\n<tr><th>last packet</th><td>");
		utc_time(o, h->last_sec, h->last_frac, h->digits);
		rs_out_str(o, "</td></tr>\n<tr><th>time span</th><td>");
		int64_t span = (h->last_sec - h->first_sec) * 1000000000 +
			       ((int64_t)h->last_frac - (int64_t)h->first_frac) * (h->digits == 6 ? 1000 : 1);
		rs_out_ts_ns(o, span, h->digits);
		rs_out_str(o, " s</td></tr>\n");
	}
	rs_out_str(o, "</table>\n");
}

static int rec_by_id(const void *a, const void *b)
{
	const struct rs_conn_record *x = a, *y = b;
	return x->id < y->id ? -1 : x->id > y->id;
}

static bool drawn(const struct rs_print_html *h, uint64_t id)
{
	const struct hconn *c = conn_slot((struct rs_print_html *)h, id);
	return c && c->id == id;
}

static void conn_row(const struct rs_print_html *h, struct rs_out *o, const struct rs_conn_record *r)
{
	char a[RS_IP_STRLEN];
	rs_out_str(o, "<tr>");
	if (drawn(h, r->id))
		rs_out_printf(o, "<td class=\"n\"><a href=\"#conn-%llu\">%llu</a></td>",
			      (unsigned long long)r->id, (unsigned long long)r->id);
	else
		td_u64(o, r->id);
	rs_ip_format(a, r->v, r->client);
	rs_out_str(o, "<td class=\"m\">");
	rs_print_svg_escape_str(o, a);
	rs_out_printf(o, " %u%s</td><td class=\"m\">", r->cport, r->client_guessed ? " (guessed)" : "");
	rs_ip_format(a, r->v, r->server);
	rs_print_svg_escape_str(o, a);
	rs_out_printf(o, " %u</td>", r->sport);
	td_str(o, "m", r->conn_state);
	td_str(o, "m", r->history);
	td_u64(o, r->c2s_pkts);
	td_u64(o, r->s2c_pkts);
	td_u64(o, r->c2s_bytes);
	td_u64(o, r->s2c_bytes);
	td_u64(o, r->retransmissions);
	rs_out_str(o, "<td class=\"n\">");
	if (r->has_rtt)
		rs_out_double(o, (double)r->rtt_ns / 1e6, 3);
	else
		rs_out_str(o, "&#8211;");
	rs_out_str(o, "</td>");
	td_str(o, NULL, rs_close_kind_str(r->close));
	rs_out_str(o, "<td class=\"n\">");
	rs_out_ts_ns(o, r->last_ns - r->first_ns, r->ts_digits);
	rs_out_str(o, "</td></tr>\n");
}

static void conn_table(struct rs_print_html *h, struct rs_out *o)
{
	qsort(h->recs, h->nrecs, sizeof(*h->recs), rec_by_id);
	rs_out_str(o, "<h2>Connections</h2>\n");
	if (!h->nrecs) {
		rs_out_str(o, "<p>No TCP connection.</p>\n</section>\n");
		return;
	}
	rs_out_str(o, "<table class=\"conns\">\n<tr><th>#</th><th>client</th><th>server</th>"
		      "<th>conn_state</th><th>history</th><th>pkts c&#8594;s</th><th>pkts s&#8594;c</th>"
		      "<th>bytes c&#8594;s</th><th>bytes s&#8594;c</th><th>retrans</th>"
		      "<th>RTT (ms)</th><th>close</th><th>duration (s)</th></tr>\n");
	for (uint32_t i = 0; i < h->nrecs && !rs_out_closed(o); i++)
		conn_row(h, o, &h->recs[i]);
	rs_out_str(o, "</table>\n");
	if (h->recs_dropped)
		rs_out_printf(o, "<p>%llu more connections not listed (the table keeps %u).</p>\n",
			      (unsigned long long)h->recs_dropped, RS_HTML_MAX_ROWS);
	rs_out_printf(o, "<p>conn_state and history as in Zeek&#39;s conn.log; bytes are payload bytes; "
		      "RTT from the SYN to the handshake ACK.  Connections after the first %u are "
		      "listed, not drawn: <code>--conn N</code> draws connection N.</p>\n</section>\n",
		      RS_HTML_MAX_CONNS);
}

static void pkt_row(struct rs_out *o, const struct rs_seg *s, int64_t t0)
{
	bool re = s->analysis & (RS_AN_RETRANSMISSION | RS_AN_SYN_RETRANS | RS_AN_SYNACK_RETRANS);
	const char *cls = s->analysis & RS_AN_BAD_CHECKSUM ? " class=\"badsum\"" : re ? " class=\"retrans\"" : "";
	rs_out_printf(o, "<tr%s><td class=\"n\">%llu</td><td class=\"n\">", cls, (unsigned long long)s->frame);
	rs_out_ts_ns(o, s->ns - t0, 6);
	rs_out_str(o, s->dir == RS_DIR_C2S ? "</td><td>c&#8594;s</td><td class=\"m\">"
					   : "</td><td>s&#8594;c</td><td class=\"m\">");
	rs_print_svg_seg_label(o, s);
	rs_out_str(o, "</td>");
	td_str(o, NULL, s->note);
	rs_out_str(o, "</tr>\n");
}

static void pkt_table(struct rs_out *o, const struct picture *p)
{
	static const char head[] = "<table class=\"pkts\">\n<tr><th>frame</th><th>time (s)</th>"
				   "<th>dir</th><th>segment</th><th>note</th></tr>\n";
	size_t n = p->c.gap_at;   /* the kept list; the tail is in the pictures */
	int64_t t0 = n ? p->all[0]->ns : 0;
	rs_out_str(o, "<h3>Packets</h3>\n");
	rs_out_str(o, head);
	for (size_t i = 0; i < n && !rs_out_closed(o); i++) {
		if (i == RS_HTML_TABLE_OPEN)
			rs_out_printf(o, "</table>\n<details><summary>%zu more packets</summary>\n%s",
				      n - RS_HTML_TABLE_OPEN, head);
		pkt_row(o, p->all[i], t0);
	}
	rs_out_str(o, n > RS_HTML_TABLE_OPEN ? "</table>\n</details>\n" : "</table>\n");
	if (p->c.n_all > n || p->c.gap_segs)
		rs_out_printf(o, "<p>%llu later segments not listed (the table keeps the first %u).</p>\n",
			      (unsigned long long)(p->c.gap_segs + (p->c.n_all - n)), RS_HTML_HEAD);
}

static void conn_section(const struct rs_print_html *h, struct rs_out *o, const struct hconn *hc)
{
	struct picture p;
	if (!picture_make(h, hc, &p))
		return;
	rs_out_printf(o, "<section class=\"conn\" id=\"conn-%llu\"><h2>Connection %llu</h2>\n",
		      (unsigned long long)hc->id, (unsigned long long)hc->id);
	rs_out_str(o, "<h3>Ladder</h3>\n");
	rs_print_svg_ladder(o, &p.c, false);
	rs_out_str(o, "<h3>Time-sequence graph</h3>\n");
	rs_print_svg_tsg(o, &p.c, false);
	rs_out_str(o, "<div class=\"charts\">\n");
	rs_print_svg_charts(o, &p.c);
	rs_out_str(o, "</div>\n");
	pkt_table(o, &p);
	rs_out_str(o, "<p><a href=\"#overview\">back to the overview</a></p>\n</section>\n");
	free(p.all);
}

void rs_print_html_write(struct rs_print_html *h, struct rs_out *o)
{
	rs_out_str(o, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		      "<title>rawshake report</title>\n<style>");
	rs_out_str(o, css);
	rs_out_str(o, "</style>\n</head>\n<body>\n<h1>rawshake report</h1>\n");
	facts(h, o);
	conn_table(h, o);
	for (size_t i = 0; i < RS_HTML_MAX_CONNS && !rs_out_closed(o); i++)
		if (h->conns[i].id)
			conn_section(h, o, &h->conns[i]);
	rs_out_str(o, "<footer><p>Written by <code>rawshake read --format html</code>.</p></footer>\n"
		      "</body>\n</html>\n");
}

bool rs_print_html_svg(struct rs_print_html *h, struct rs_out *o, uint64_t conn,
		       enum rs_svg_graph graph)
{
	const struct hconn *hc = NULL;
	for (size_t i = 0; i < RS_HTML_MAX_CONNS && !hc; i++)
		if (h->conns[i].id && (!conn || h->conns[i].id == conn))
			hc = &h->conns[i];
	struct picture p;
	if (!hc || !picture_make(h, hc, &p)) {
		rs_out_str(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"480\" height=\"40\">"
			      "<text x=\"8\" y=\"24\" font-family=\"sans-serif\">no TCP connection to draw</text></svg>\n");
		return false;
	}
	if (graph == RS_SVG_TSG)
		rs_print_svg_tsg(o, &p.c, true);
	else
		rs_print_svg_ladder(o, &p.c, true);
	free(p.all);
	return true;
}
