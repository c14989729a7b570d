/*
 * print_svg.c: the ladder diagram, the time-sequence graph and the small
 * charts of one connection as SVG.
 *
 * Colours are presentation attributes, not a style sheet, so that a
 * picture looks the same inside the HTML report and alone in a slide.
 * Every drawn segment is one element with a class the browser test counts:
 * g.seg (ladder arrow), line.pt (data segment of the graph).  Ids carry
 * the connection number only: the same capture gives the same text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rawshake/print.h"
#include "rawshake/print_svg.h"
#include "rawshake/tcp_state.h"
#include "rawshake/tracker.h"

/* Ladder geometry, in SVG user units (pixels). */
#define LW 960
#define LX_C 260     /* client lifeline */
#define LX_S 780     /* server lifeline */
#define LROW 30
#define LTOP 86
#define LFOLD 44

#define COL_DATA "#1f4e9c"
#define COL_RETRANS "#c8102e"
#define COL_BAD "#e07b00"
#define COL_ACK "#2e7d32"
#define COL_WIN "#8a8a00"
#define COL_SACK "#7b1fa2"
#define COL_ZWIN "#f4c7c7"

static size_t utf8_len(const unsigned char *p, size_t n)
{
	size_t need = p[0] >= 0xc2 && p[0] <= 0xdf ? 2 : p[0] >= 0xe0 && p[0] <= 0xef ? 3
		    : p[0] >= 0xf0 && p[0] <= 0xf4 ? 4 : 0;
	if (!need || need > n)
		return 0;
	for (size_t i = 1; i < need; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return need;
}

void rs_print_svg_escape(struct rs_out *o, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		unsigned char c = p[i];
		size_t u;
		switch (c) {
		case '&': rs_out_str(o, "&amp;"); break;
		case '<': rs_out_str(o, "&lt;"); break;
		case '>': rs_out_str(o, "&gt;"); break;
		case '"': rs_out_str(o, "&quot;"); break;
		case '\'': rs_out_str(o, "&#39;"); break;
		default:
			if (c >= 0x20 && c < 0x7f) {
				rs_out_char(o, (char)c);
			} else if (c >= 0x80 && (u = utf8_len(p + i, n - i)) > 0) {
				rs_out_write(o, s + i, u);
				i += u;
				continue;
			} else {
				rs_out_str(o, "\\x");
				rs_out_hex(o, c, 2);
			}
		}
		i++;
	}
}

static void svg_open(struct rs_out *o, const char *cls, uint64_t id, unsigned w, unsigned h,
		     bool standalone)
{
	if (standalone)
		rs_out_str(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	rs_out_printf(o, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"%s\" id=\"%s-%llu\" "
		      "width=\"%u\" height=\"%u\" viewBox=\"0 0 %u %u\" "
		      "font-family=\"DejaVu Sans Mono, monospace\" font-size=\"12\">\n",
		      cls, cls, (unsigned long long)id, w, h, w, h);
	rs_out_printf(o, "<rect width=\"%u\" height=\"%u\" fill=\"#ffffff\"/>\n", w, h);
}

static void text_at(struct rs_out *o, double x, double y, const char *anchor, const char *attrs,
		    const char *s)
{
	rs_out_printf(o, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"%s>", x, y, anchor, attrs);
	rs_print_svg_escape_str(o, s);
	rs_out_str(o, "</text>\n");
}

static void seconds(char *buf, size_t n, int64_t ns)
{
	snprintf(buf, n, "%.6f", (double)ns / 1e9);
}

/* "1.7 MB", "512 B": sizes in the fold line. */
static void bytes_str(char *buf, size_t n, uint64_t b)
{
	if (b >= 1000000)
		snprintf(buf, n, "%.1f MB", (double)b / 1e6);
	else if (b >= 1000)
		snprintf(buf, n, "%.1f kB", (double)b / 1e3);
	else
		snprintf(buf, n, "%llu B", (unsigned long long)b);
}

/* "1,204": counts in the fold line. */
static void count_str(char *buf, size_t n, uint64_t v)
{
	char d[24];
	int len = snprintf(d, sizeof(d), "%llu", (unsigned long long)v);
	size_t k = 0;
	for (int i = 0; i < len && k + 2 < n; i++) {
		if (i && (len - i) % 3 == 0)
			buf[k++] = ',';
		buf[k++] = d[i];
	}
	buf[k] = '\0';
}

void rs_print_svg_seg_label(struct rs_out *o, const struct rs_seg *s)
{
	rs_print_tcp_flags(o, s->flags);
	rs_out_printf(o, " seq=%u", s->rel_seq);
	if (s->ack_valid)
		rs_out_printf(o, " ack=%u", s->rel_ack);
	if (s->len)
		rs_out_printf(o, " len=%u", s->len);
	if (s->flags & RS_TH_SYN || s->win == 0)
		rs_out_printf(o, " win=%u", s->win);
	if (s->has_mss || s->has_wscale || s->sack_perm || s->n_sack) {
		const char *sep = " (";
		if (s->has_mss) {
			rs_out_printf(o, "%smss %u", sep, s->mss);
			sep = ",";
		}
		if (s->has_wscale) {
			rs_out_printf(o, "%sws %u", sep, s->wscale);
			sep = ",";
		}
		if (s->sack_perm) {
			rs_out_printf(o, "%ssack-perm", sep);
			sep = ",";
		}
		for (uint8_t i = 0; i < s->n_sack; i++) {
			rs_out_printf(o, "%ssack %u-%u", sep, s->sack[i][0], s->sack[i][1]);
			sep = ",";
		}
		rs_out_char(o, ')');
	}
	for (uint32_t bit = 1; bit && bit < (1u << RS_AN_COUNT); bit <<= 1)
		if (s->analysis & bit && rs_analysis_name(bit))
			rs_out_printf(o, " [%s]", rs_analysis_name(bit));
}

static bool seg_retrans(const struct rs_seg *s)
{
	return (s->analysis & (RS_AN_RETRANSMISSION | RS_AN_SYN_RETRANS | RS_AN_SYNACK_RETRANS)) != 0;
}

static const char *seg_kind(const struct rs_seg *s)
{
	return s->analysis & RS_AN_BAD_CHECKSUM ? "b" : seg_retrans(s) ? "r" : "n";
}

static const char *kind_colour(const char *k)
{
	return k[0] == 'b' ? COL_BAD : k[0] == 'r' ? COL_RETRANS : COL_DATA;
}

static void state_text(struct rs_out *o, double x, double y, bool left, uint8_t st)
{
	text_at(o, x, y, left ? "end" : "start", " fill=\"#444444\"",
		rs_tcp_state_str((enum rs_tcp_state)st));
}

static void ladder_arrow(struct rs_out *o, const struct rs_svg_conn *c, const struct rs_seg *s,
			 double y)
{
	char t[32];
	const char *k = seg_kind(s);
	bool c2s = s->dir == RS_DIR_C2S;
	double x1 = c2s ? LX_C : LX_S, x2 = c2s ? LX_S : LX_C;
	rs_out_printf(o, "<g class=\"seg %s\" data-frame=\"%llu\"><title>frame %llu: ",
		      k[0] == 'n' ? "ok" : k[0] == 'r' ? "retrans" : "badsum",
		      (unsigned long long)s->frame, (unsigned long long)s->frame);
	rs_print_svg_escape_str(o, s->note);
	rs_out_str(o, "</title>\n");
	seconds(t, sizeof(t), s->ns - c->all[0]->ns);
	text_at(o, 8, y + 14, "start", "", t);
	rs_out_printf(o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
		      "stroke-width=\"1.5\"%s marker-end=\"url(#ah-%llu-%s)\"/>\n",
		      x1, y + 10, x2 + (c2s ? -2 : 2), y + 22, kind_colour(k),
		      k[0] == 'r' ? " stroke-dasharray=\"6 3\"" : "", (unsigned long long)c->id, k);
	rs_out_printf(o, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"middle\" fill=\"%s\">",
		      (LX_C + LX_S) / 2, y + 6, kind_colour(k));
	rs_print_svg_seg_label(o, s);
	if (s->analysis & RS_AN_BAD_CHECKSUM)
		rs_out_str(o, " (bad checksum)");
	rs_out_str(o, "</text>\n");
	if (s->cs != s->pcs)
		state_text(o, LX_C - 10, y + 18, true, s->cs);
	if (s->ss != s->pss)
		state_text(o, LX_S + 10, y + 18, false, s->ss);
	rs_out_str(o, "</g>\n");
}

static void ladder_fold(struct rs_out *o, const struct rs_svg_conn *c, double y)
{
	char segs[32], data[32], bytes[32], line[160];
	count_str(segs, sizeof(segs), c->fold_segs);
	count_str(data, sizeof(data), c->fold_data_segs);
	bytes_str(bytes, sizeof(bytes), c->fold_bytes);
	snprintf(line, sizeof(line), "%s segments folded: %s data segments, %s in %.2f s", segs,
		 data, bytes, (double)c->fold_ns / 1e9);
	rs_out_printf(o, "<g class=\"fold\"><rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%d\" "
		      "fill=\"#f2f2f2\" stroke=\"#999999\" stroke-dasharray=\"4 3\"/>\n",
		      LX_C + 4, y + 4, LX_S - LX_C - 8, LFOLD - 8);
	text_at(o, (LX_C + LX_S) / 2.0, y + LFOLD / 2.0 + 4, "middle", " fill=\"#333333\"", line);
	rs_out_str(o, "</g>\n");
}

static void ladder_defs(struct rs_out *o, uint64_t id)
{
	static const char *const kinds[3] = { "n", "r", "b" };
	rs_out_str(o, "<defs>");
	for (int i = 0; i < 3; i++)
		rs_out_printf(o, "<marker id=\"ah-%llu-%s\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" "
			      "markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\">"
			      "<path d=\"M0,0 L10,5 L0,10 z\" fill=\"%s\"/></marker>",
			      (unsigned long long)id, kinds[i], kind_colour(kinds[i]));
	rs_out_str(o, "</defs>\n");
}

static void ladder_header(struct rs_out *o, const struct rs_svg_conn *c)
{
	char a[RS_IP_STRLEN], b[RS_IP_STRLEN], line[200];
	rs_ip_format(a, c->v, c->client);
	rs_ip_format(b, c->v, c->server);
	snprintf(line, sizeof(line), "connection %llu: client%s %s port %u, server %s port %u",
		 (unsigned long long)c->id, c->client_guessed ? " (guessed)" : "", a, c->cport, b,
		 c->sport);
	text_at(o, 8, 20, "start", " font-weight=\"bold\"", line);
	text_at(o, 8, 46, "start", " fill=\"#666666\"", "time (s)");
	text_at(o, LX_C, 46, "middle", " font-weight=\"bold\"", "client");
	text_at(o, LX_S, 46, "middle", " font-weight=\"bold\"", "server");
	if (c->n) {
		state_text(o, LX_C - 10, 70, true, c->segs[0]->pcs);
		state_text(o, LX_S + 10, 70, false, c->segs[0]->pss);
	}
}

void rs_print_svg_ladder(struct rs_out *o, const struct rs_svg_conn *c, bool standalone)
{
	size_t vias = 0;
	for (size_t i = 0; i < c->n; i++)
		vias += c->segs[i]->cvia != RS_TCP_STATE_COUNT || c->segs[i]->svia != RS_TCP_STATE_COUNT;
	unsigned h = (unsigned)(LTOP + (c->n + vias) * LROW + (c->fold_at < c->n ? LFOLD : 0) + 20);
	svg_open(o, "ladder", c->id, LW, h, standalone);
	ladder_defs(o, c->id);
	ladder_header(o, c);
	rs_out_printf(o, "<line x1=\"%d\" y1=\"56\" x2=\"%d\" y2=\"%u\" stroke=\"#888888\" stroke-width=\"2\"/>\n"
		      "<line x1=\"%d\" y1=\"56\" x2=\"%d\" y2=\"%u\" stroke=\"#888888\" stroke-width=\"2\"/>\n",
		      LX_C, LX_C, h - 10, LX_S, LX_S, h - 10);
	double y = LTOP;
	for (size_t i = 0; i < c->n && !rs_out_closed(o); i++) {
		const struct rs_seg *s = c->segs[i];
		if (i == c->fold_at) {
			ladder_fold(o, c, y);
			y += LFOLD;
		}
		if (s->cvia != RS_TCP_STATE_COUNT || s->svia != RS_TCP_STATE_COUNT) {
			/* A state passed through within the segment, on a row of its own. */
			if (s->cvia != RS_TCP_STATE_COUNT)
				state_text(o, LX_C - 10, y + 18, true, s->cvia);
			if (s->svia != RS_TCP_STATE_COUNT)
				state_text(o, LX_S + 10, y + 18, false, s->svia);
			y += LROW;
		}
		ladder_arrow(o, c, s, y);
		y += LROW;
	}
	rs_out_str(o, "</svg>\n");
}

/* A plot area and its scale: data (0..xmax, 0..ymax) onto the rectangle. */
struct frame {
	double x0, y0, w, h;   /* top left, size */
	double xmax, ymax;
};

static double fx(const struct frame *f, double x)
{
	return f->x0 + (f->xmax > 0 ? x / f->xmax * f->w : 0);
}

static double fy(const struct frame *f, double y)
{
	return f->y0 + f->h - (f->ymax > 0 ? y / f->ymax * f->h : 0);
}

/* A tick step of 1, 2 or 5 times a power of ten, about five ticks up to v. */
static double tick_step(double v)
{
	static const double m[3] = { 1, 2, 5 };
	double base = 1e-9;
	for (int e = 0; e < 40; e++, base *= 10)
		for (int i = 0; i < 3; i++)
			if (v / (base * m[i]) <= 6)
				return base * m[i];
	return base;
}

static unsigned decimals_of(double step)
{
	unsigned d = 0;
	while (step < 0.999999 && d < 9) {
		step *= 10;
		d++;
	}
	return d;
}

static void axes(struct rs_out *o, const struct frame *f, const char *xlabel, const char *ylabel)
{
	rs_out_printf(o, "<g class=\"axes\" fill=\"#333333\" font-size=\"11\">"
		      "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#999999\"/>\n",
		      f->x0, f->y0, f->w, f->h);
	double xs = tick_step(f->xmax), ys = tick_step(f->ymax);
	unsigned xd = decimals_of(xs), yd = decimals_of(ys);
	for (double t = 0; t <= f->xmax * 1.000001 && xs > 0; t += xs)
		rs_out_printf(o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#999999\"/>"
			      "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%.*f</text>\n",
			      fx(f, t), f->y0 + f->h, fx(f, t), f->y0 + f->h + 4, fx(f, t),
			      f->y0 + f->h + 16, (int)xd, t);
	for (double v = 0; v <= f->ymax * 1.000001 && ys > 0; v += ys)
		rs_out_printf(o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#999999\"/>"
			      "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.*f</text>\n",
			      f->x0 - 4, fy(f, v), f->x0, fy(f, v), f->x0 - 6, fy(f, v) + 4, (int)yd, v);
	text_at(o, f->x0 + f->w / 2, f->y0 + f->h + 32, "middle", "", xlabel);
	rs_out_printf(o, "<text transform=\"translate(%.1f %.1f) rotate(-90)\" text-anchor=\"middle\">",
		      f->x0 - 58, f->y0 + f->h / 2);
	rs_print_svg_escape_str(o, ylabel);
	rs_out_str(o, "</text></g>\n");
}

/* The direction with more data segments (then more bytes): the one the
 * graph follows; segments rather than bytes, so that a few retransmitted
 * requests are not hidden behind one large answer. */
static uint8_t busier_dir(const struct rs_svg_conn *c)
{
	uint64_t b[2] = { 0, 0 }, n[2] = { 0, 0 };
	for (size_t i = 0; i < c->n_all; i++) {
		b[c->all[i]->dir & 1] += c->all[i]->len;
		n[c->all[i]->dir & 1] += c->all[i]->len > 0;
	}
	if (n[RS_DIR_S2C] != n[RS_DIR_C2S])
		return n[RS_DIR_S2C] > n[RS_DIR_C2S] ? RS_DIR_S2C : RS_DIR_C2S;
	return b[RS_DIR_S2C] > b[RS_DIR_C2S] ? RS_DIR_S2C : RS_DIR_C2S;
}

static double rel_s(const struct rs_svg_conn *c, const struct rs_seg *s)
{
	return (double)(s->ns - c->all[0]->ns) / 1e9;
}

static double tsg_ymax(const struct rs_svg_conn *c, uint8_t d)
{
	double ymax = 1;
	for (size_t i = 0; i < c->n_all; i++) {
		const struct rs_seg *s = c->all[i];
		double top = s->dir == d ? (double)s->rel_seq + s->len
			   : s->ack_valid ? (double)s->rel_ack : 0;
		if (top > ymax)
			ymax = top;
	}
	/* Room above for the window line, which is clipped: a window of 64 kB
	 * over a transfer of 1 kB would flatten the data to the axis. */
	return ymax * 1.25;
}

/* The receiver's ack line or window line as steps: value at each of its segments. */
static void tsg_steps(struct rs_out *o, const struct rs_svg_conn *c, const struct frame *f, uint8_t d,
		      bool window)
{
	bool any = false;
	double py = 0;
	for (size_t i = 0; i < c->n_all; i++) {
		const struct rs_seg *s = c->all[i];
		if (s->dir == d || !s->ack_valid)
			continue;
		double v = (double)s->rel_ack + (window ? s->win : 0);
		double x = fx(f, rel_s(c, s)), y = fy(f, v < f->ymax ? v : f->ymax);
		if (!any)
			rs_out_printf(o, "<polyline class=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.2\" points=\"",
				      window ? "winline" : "ackline", window ? COL_WIN : COL_ACK);
		else
			rs_out_printf(o, " %.1f,%.1f", x, py);
		rs_out_printf(o, " %.1f,%.1f", x, y);
		py = y;
		any = true;
	}
	if (any)
		rs_out_printf(o, " %.1f,%.1f\"/>\n", f->x0 + f->w, py);
}

/* Zero-window periods of the receiver: from a window of 0 to the next open one. */
static void tsg_zero_windows(struct rs_out *o, const struct rs_svg_conn *c, const struct frame *f,
			     uint8_t d)
{
	for (size_t i = 0; i < c->n_all; i++) {
		const struct rs_seg *s = c->all[i];
		if (s->dir == d || s->win != 0 || !(s->flags & RS_TH_ACK) || s->flags & RS_TH_RST)
			continue;
		size_t j = i + 1;
		while (j < c->n_all && (c->all[j]->dir == d || c->all[j]->win == 0))
			j++;
		double x1 = fx(f, rel_s(c, s)), x2 = j < c->n_all ? fx(f, rel_s(c, c->all[j])) : f->x0 + f->w;
		rs_out_printf(o, "<rect class=\"zwin\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
			      "fill=\"%s\"><title>zero window from frame %llu</title></rect>\n",
			      x1, f->y0, x2 - x1 > 1 ? x2 - x1 : 1, f->h, COL_ZWIN,
			      (unsigned long long)s->frame);
		i = j - 1;
	}
}

static void tsg_points(struct rs_out *o, const struct rs_svg_conn *c, const struct frame *f, uint8_t d)
{
	for (size_t i = 0; i < c->n_all; i++) {
		const struct rs_seg *s = c->all[i];
		double x = fx(f, rel_s(c, s));
		if (s->dir != d) {
			for (uint8_t k = 0; k < s->n_sack; k++)
				rs_out_printf(o, "<line class=\"sack\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
					      "stroke=\"%s\" stroke-width=\"3\" opacity=\"0.6\"/>\n",
					      x, fy(f, s->sack[k][0]), x, fy(f, s->sack[k][1]), COL_SACK);
			continue;
		}
		if (!s->len)
			continue;
		bool re = seg_retrans(s);
		rs_out_printf(o, "<line class=\"pt%s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			      "stroke=\"%s\" stroke-width=\"3\"><title>frame %llu: seq %u len %u</title></line>\n",
			      re ? " retrans" : "", x, fy(f, s->rel_seq), x, fy(f, (double)s->rel_seq + s->len),
			      re ? COL_RETRANS : COL_DATA, (unsigned long long)s->frame, s->rel_seq, s->len);
	}
	if (c->gap_at > 0 && c->gap_at < c->n_all) {
		double x = (fx(f, rel_s(c, c->all[c->gap_at - 1])) + fx(f, rel_s(c, c->all[c->gap_at]))) / 2;
		char line[64];
		snprintf(line, sizeof(line), "%llu segments not kept", (unsigned long long)c->gap_segs);
		rs_out_printf(o, "<line class=\"gap\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			      "stroke=\"#555555\" stroke-dasharray=\"3 3\"/>\n", x, f->y0, x, f->y0 + f->h);
		text_at(o, x + 4, f->y0 + 14, "start", " fill=\"#555555\"", line);
	}
}

static void legend(struct rs_out *o, double x, double y)
{
	static const struct { const char *colour, *name; } items[] = {
		{ COL_DATA, "data" }, { COL_RETRANS, "retransmission" }, { COL_ACK, "ack" },
		{ COL_WIN, "receive window" }, { COL_SACK, "SACK block" }, { COL_ZWIN, "zero window" },
	};
	for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++, x += 130) {
		rs_out_printf(o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"6\" fill=\"%s\"/>",
			      x, y - 6, items[i].colour);
		text_at(o, x + 18, y, "start", "", items[i].name);
	}
}

void rs_print_svg_tsg(struct rs_out *o, const struct rs_svg_conn *c, bool standalone)
{
	uint8_t d = busier_dir(c);
	struct frame f = { 90, 50, LW - 110, 360, 1e-9, 1 };
	char title[120];
	svg_open(o, "tsg", c->id, LW, 460, standalone);
	if (c->n_all) {
		f.xmax = rel_s(c, c->all[c->n_all - 1]);
		if (f.xmax <= 0)
			f.xmax = 1e-6;
		f.ymax = tsg_ymax(c, d);
	}
	snprintf(title, sizeof(title), "connection %llu: time-sequence graph, %s data",
		 (unsigned long long)c->id, d == RS_DIR_C2S ? "client to server" : "server to client");
	text_at(o, 8, 18, "start", " font-weight=\"bold\"", title);
	legend(o, 90, 38);
	tsg_zero_windows(o, c, &f, d);
	axes(o, &f, "time since the first segment (s)", "relative sequence number (bytes)");
	tsg_steps(o, c, &f, d, true);
	tsg_steps(o, c, &f, d, false);
	tsg_points(o, c, &f, d);
	rs_out_str(o, "</svg>\n");
}

/* One small chart of n points (x in seconds): a line, or dots (samples). */
static void small_chart(struct rs_out *o, const struct rs_svg_conn *c, const char *cls, const char *title,
			const char *ylabel, const double *xs, const double *ys, size_t n, bool dots)
{
	/* x over the whole connection, y with room above the highest point. */
	struct frame f = { 80, 30, 360, 130, rel_s(c, c->all[c->n_all - 1]), 1e-9 };
	if (f.xmax <= 0)
		f.xmax = 1e-6;
	for (size_t i = 0; i < n; i++)
		if (ys[i] * 1.2 > f.ymax)
			f.ymax = ys[i] * 1.2;
	svg_open(o, cls, c->id, 460, 210, false);
	text_at(o, 8, 18, "start", " font-weight=\"bold\"", title);
	axes(o, &f, "time (s)", ylabel);
	for (size_t i = 0; dots && i < n; i++)
		rs_out_printf(o, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>\n",
			      fx(&f, xs[i]), fy(&f, ys[i]), COL_DATA);
	if (n && !dots) {
		rs_out_printf(o, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"", COL_DATA);
		for (size_t i = 0; i < n; i++)
			rs_out_printf(o, "%s%.1f,%.1f", i ? " " : "", fx(&f, xs[i]), fy(&f, ys[i]));
		rs_out_str(o, "\"/>\n");
	}
	rs_out_str(o, "</svg>\n");
}

#define TPUT_BINS 40

static void chart_throughput(struct rs_out *o, const struct rs_svg_conn *c, uint8_t d)
{
	double xs[TPUT_BINS], ys[TPUT_BINS], span = rel_s(c, c->all[c->n_all - 1]);
	if (span <= 0)
		span = 1e-6;
	double w = span / TPUT_BINS, peak = 0;
	for (int b = 0; b < TPUT_BINS; b++)
		ys[b] = 0, xs[b] = (b + 0.5) * w;
	for (size_t i = 0; i < c->n_all; i++)
		if (c->all[i]->dir == d) {
			int b = (int)(rel_s(c, c->all[i]) / w);
			ys[b < TPUT_BINS ? (b < 0 ? 0 : b) : TPUT_BINS - 1] += c->all[i]->len * 8.0 / w;
		}
	for (int b = 0; b < TPUT_BINS; b++)
		peak = ys[b] > peak ? ys[b] : peak;
	static const char *const units[4] = { "bit/s", "kbit/s", "Mbit/s", "Gbit/s" };
	int u = 0;
	double scale = 1;
	while (u < 3 && peak / scale >= 1000)
		scale *= 1000, u++;
	for (int b = 0; b < TPUT_BINS; b++)
		ys[b] /= scale;
	char ylabel[32];
	snprintf(ylabel, sizeof(ylabel), "throughput (%s)", units[u]);
	small_chart(o, c, "tput", d == RS_DIR_C2S ? "throughput, client to server"
						  : "throughput, server to client", ylabel, xs, ys, TPUT_BINS, false);
}

/* Each data segment sent once, timed to the first ack that covers its end. */
static void chart_rtt(struct rs_out *o, const struct rs_svg_conn *c, uint8_t d)
{
	double *xs = malloc(c->n_all * sizeof(*xs)), *ys = malloc(c->n_all * sizeof(*ys));
	size_t n = 0, j = 0;
	if (!xs || !ys) {
		free(xs);
		free(ys);
		return;
	}
	for (size_t i = 0; i < c->n_all; i++) {
		const struct rs_seg *s = c->all[i];
		if (s->dir != d || !s->len || seg_retrans(s))
			continue;
		uint32_t end = s->rel_seq + s->len;
		if (j <= i)
			j = i + 1;
		while (j < c->n_all && (c->all[j]->dir == d || !c->all[j]->ack_valid ||
					(int32_t)(c->all[j]->rel_ack - end) < 0))
			j++;
		if (j >= c->n_all)
			break;
		xs[n] = rel_s(c, s);
		ys[n++] = (double)(c->all[j]->ns - s->ns) / 1e6;
	}
	small_chart(o, c, "rtt", "round-trip time by ack matching", "RTT (ms)", xs, ys, n, true);
	free(xs);
	free(ys);
}

void rs_print_svg_charts(struct rs_out *o, const struct rs_svg_conn *c)
{
	uint8_t d = busier_dir(c);
	bool data = false;
	for (size_t i = 0; i < c->n_all && !data; i++)
		data = c->all[i]->dir == d && c->all[i]->len;
	if (!data)
		return;
	chart_throughput(o, c, d);
	chart_rtt(o, c, d);
}
