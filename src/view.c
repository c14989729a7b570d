/* view.c: decode → track → print for every packet, and the file-reading loop. */
#include "rawshake/view.h"
#include "rawshake/capfile.h"
#include "rawshake/print_html.h"
#include "rawshake/capwrite.h"
#include "rawshake/print_note.h"
#include "rawshake/print_ladder.h"
#include "rawshake/print_summary.h"
#include "rawshake/progress.h"
#include "rawshake/tracker.h"
#include "rawshake/tracker_flow.h"

#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_LADDER_ROWS 100000u

const char *rs_format_str(enum rs_format f)
{
	switch (f) {
	case RS_FORMAT_TEXT: return "text";
	case RS_FORMAT_JSON: return "json";
	case RS_FORMAT_LADDER: return "ladder";
	case RS_FORMAT_HTML: return "html";
	case RS_FORMAT_SVG: return "svg";
	case RS_FORMAT_ZEEK: return "zeek";
	case RS_FORMAT_ZEEK_JSON: return "zeek-json";
	}
	return "unknown";
}

static bool zeek_format(enum rs_format f)
{
	return f == RS_FORMAT_ZEEK || f == RS_FORMAT_ZEEK_JSON;
}

static void print_record(struct rs_view *v, struct rs_out *o, const struct rs_conn_record *r)
{
	if (zeek_format(v->opts.format)) {
		rs_zeek_log_add(&v->zeek, r);
		if (v->opts.format == RS_FORMAT_ZEEK)
			rs_print_zeek_row(o, r);
		else
			rs_print_zeek_json(o, r);
	} else if (v->opts.format == RS_FORMAT_JSON) {
		rs_print_summary_json(o, r);
	} else {
		if (v->summary_rows == 0)
			rs_print_summary_text_header(o);
		rs_print_summary_text_row(o, r);
	}
	v->summary_rows++;
}

static void on_conn_done(void *ctx, const struct rs_conn_record *r)
{
	struct rs_view *v = ctx;

	if (v->html)
		rs_print_html_conn(v->html, r);
	if (!v->opts.summary || (v->opts.only_conn && r->id != v->opts.only_conn))
		return;
	/* Alone (-q) or after a ladder, rows can go out at once; under printed
	 * packets they wait for the end, as do conn.log's (its header says
	 * when the capture begins). */
	if (v->opts.quiet && !zeek_format(v->opts.format))
		print_record(v, v->out, r);
	else if (v->pending)
		print_record(v, v->pending, r);
}

bool rs_view_init(struct rs_view *v, const struct rs_view_opts *opts, struct rs_out *out,
		  char *err, size_t errlen)
{
	memset(v, 0, sizeof(*v));
	v->opts = *opts;
	v->out = out;
	v->pending_fd = -1;
	rs_printer_init(&v->printer, opts->print_flags);
	if (zeek_format(opts->format))
		v->opts.summary = true;   /* conn.log is the summary */
	opts = &v->opts;
	/* --conn N needs the tracker's connection numbers even where nothing
	 * else does (-q, -S). */
	if (opts->no_track && !opts->summary && opts->format != RS_FORMAT_LADDER &&
	    !opts->ladder_after && !opts->only_conn)
		return true;

	struct rs_tracker_config cfg;
	rs_tracker_config_default(&cfg);
	if (opts->max_conns)
		cfg.max_conns = opts->max_conns;
	cfg.zeek_compat = opts->zeek_compat && zeek_format(opts->format);
	cfg.on_conn_done = on_conn_done;
	cfg.ctx = v;
	v->tracker = rs_tracker_new(&cfg);
	if (!v->tracker) {
		snprintf(err, errlen, "cannot allocate the connection table");
		return false;
	}
	if (opts->format == RS_FORMAT_LADDER ||
	    (opts->ladder_after && opts->format == RS_FORMAT_TEXT)) {
		v->ladder = rs_print_ladder_new(opts->max_ladder_rows ? opts->max_ladder_rows
								: DEFAULT_LADDER_ROWS);
		if (!v->ladder) {
			snprintf(err, errlen, "cannot allocate the ladder diagram");
			return false;
		}
	}
	if ((opts->format == RS_FORMAT_HTML || opts->format == RS_FORMAT_SVG) &&
	    !(v->html = rs_print_html_new(opts->only_conn))) {
		snprintf(err, errlen, "cannot allocate the report");
		return false;
	}
	if (zeek_format(opts->format) && !opts->only_conn) {
		struct rs_flow_config fc;
		rs_flow_config_default(&fc);
		fc.on_flow_done = on_conn_done;
		fc.ctx = v;
		fc.zeek_compat = opts->zeek_compat;
		if (opts->max_conns)
			fc.max_flows = opts->max_conns;
		v->flows = rs_flow_new(&fc);
		if (!v->flows) {
			snprintf(err, errlen, "cannot allocate the flow table");
			return false;
		}
	}
	if (opts->summary && (!opts->quiet || zeek_format(opts->format))) {
		FILE *tf = tmpfile();
		v->pending = malloc(sizeof(*v->pending));
		if (!tf || !v->pending) {
			snprintf(err, errlen, "cannot create a temporary file for the summary");
			if (tf)
				fclose(tf);
			return false;
		}
		v->pending_fd = dup(fileno(tf));
		fclose(tf);
		rs_out_init(v->pending, v->pending_fd);
	}
	return true;
}

bool rs_view_packet(struct rs_view *v, int dlt, uint8_t ts_digits,
		    const struct pcap_pkthdr *h, const uint8_t *data)
{
	const struct rs_pcap_form form = { dlt, ts_digits, ts_digits };
	return rs_view_packet_meta(v, &form, h, data, NULL);
}

/* read -w: the packet as read; annotating, with the note read's JSON
 * gives it (the same call, the same flags, its bounded buffer). */
static bool write_packet(struct rs_view *v, const struct rs_pcap_form *form,
			 const struct pcap_pkthdr *h, const uint8_t *data,
			 const struct rs_pkt_meta *meta, const struct rs_tcp_event *ev)
{
	char note[1024];

	if (!v->capw->annotate || !ev)
		return rs_capwrite_packet(v->capw, form, h, data, meta, NULL);
	rs_print_note_format(note, sizeof(note), &v->pkt, ev, 0);
	return rs_capwrite_packet(v->capw, form, h, data, meta, note);
}

/* The reader's half of a packet: -c, --since/--until, the decoding into
 * pkt.  1: decoded; 0: outside the window, skipped; -1: -c packets were
 * shown already. */
static int view_decode(struct rs_view *v, const struct rs_pcap_form *form,
		       const struct pcap_pkthdr *h, const uint8_t *data,
		       const struct rs_pkt_meta *meta, struct rs_packet *pkt)
{
	if (v->opts.max_packets && v->frames >= v->opts.max_packets)
		return -1;
	if (v->opts.window) {
		uint32_t frac = (uint32_t)h->ts.tv_usec;
		int64_t ns = rs_time_ns(h->ts.tv_sec, frac, form->tv_digits == 9 ? 9 : 6);
		if (ns < v->opts.since_ns || ns >= v->opts.until_ns) {
			v->outside_window++;
			return 0;
		}
	}
	if (rs_packet_from_pcap(pkt, ++v->frames, form, h, data, meta) != RS_OK)
		v->decode_errors++;
	if (v->ifname_of && !pkt->meta.ifname && pkt->link.dlt == DLT_LINUX_SLL2)
		pkt->meta.ifname = v->ifname_of(v->ifname_ctx, pkt->link.ifindex);
	return 1;
}

const struct rs_tcp_event *rs_view_track(struct rs_view *v, const struct rs_packet *pkt)
{
	if (v->tracker && pkt->l4 == RS_LAYER_TCP)
		return rs_tracker_update(v->tracker, pkt);
	if (v->flows)
		rs_flow_update(v->flows, pkt);
	return NULL;
}

static bool view_done_packets(const struct rs_view *v)
{
	return v->opts.max_packets && v->frames >= v->opts.max_packets;
}

bool rs_view_packet_meta(struct rs_view *v, const struct rs_pcap_form *form,
			 const struct pcap_pkthdr *h, const uint8_t *data,
			 const struct rs_pkt_meta *meta)
{
	struct rs_packet *pkt = &v->pkt;
	int decoded = view_decode(v, form, h, data, meta, pkt);

	if (decoded <= 0)
		return decoded == 0;
	const struct rs_tcp_event *ev = rs_view_track(v, pkt);
	bool show = !v->opts.only_conn || (ev && ev->conn_id == v->opts.only_conn);
	if (show && v->ladder && ev)
		rs_print_ladder_add(v->ladder, pkt, ev);
	if (show && v->html)
		rs_print_html_add(v->html, pkt, ev);
	const struct rs_tcp_event *pev = v->opts.no_track ? NULL : ev;
	if (show && v->capw && !write_packet(v, form, h, data, meta, pev))
		return false;
	if (show && !v->opts.quiet) {
		if (v->opts.format == RS_FORMAT_JSON)
			rs_print_json(&v->printer, v->out, pkt, pev);
		else if (v->opts.format == RS_FORMAT_TEXT)
			rs_print_text(&v->printer, v->out, pkt, pev);
	}
	return !view_done_packets(v);
}

/* The same with two threads: decoded into the ring, tracked by the worker. */
static bool view_packet_piped(struct rs_view *v, const struct rs_pcap_form *form,
			      const struct pcap_pkthdr *h, const uint8_t *data,
			      const struct rs_pkt_meta *meta)
{
	struct rs_packet *pkt = rs_view_pipe_slot(v->pipe);
	int decoded = view_decode(v, form, h, data, meta, pkt);

	if (decoded <= 0)
		return decoded == 0;
	rs_view_pipe_push(v->pipe);
	return !view_done_packets(v);
}

/* Appends what waited in the temporary file to the output. */
static void flush_pending(struct rs_view *v)
{
	char buf[65536];
	ssize_t n;

	if (!v->pending)
		return;
	rs_out_flush(v->pending);
	if (lseek(v->pending_fd, 0, SEEK_SET) < 0)
		return;
	while ((n = read(v->pending_fd, buf, sizeof(buf))) > 0)
		rs_out_write(v->out, buf, (size_t)n);
}

/* conn.log: the header (TSV), the rows that waited, the footer; nothing
 * at all without a connection, as Zeek writes no conn.log then. */
static void finish_zeek(struct rs_view *v)
{
	bool tsv = v->opts.format == RS_FORMAT_ZEEK;

	if (v->zeek.rows == 0)
		return;
	if (tsv)
		rs_print_zeek_header(v->out, &v->zeek);
	flush_pending(v);
	if (tsv)
		rs_print_zeek_footer(v->out, &v->zeek);
}

void rs_view_finish(struct rs_view *v)
{
	rs_view_stop_pipe(v);
	if (v->ladder && !v->opts.quiet)
		rs_print_ladder_print(v->ladder, v->out, v->opts.ascii, v->opts.only_conn);
	if (v->tracker && zeek_format(v->opts.format)) {
		rs_tracker_finish(v->tracker);
		if (v->flows)
			rs_flow_finish(v->flows);
		finish_zeek(v);
	} else if (v->tracker) {
		rs_tracker_finish(v->tracker);
		if (v->opts.summary) {
			struct rs_tracker_stats st;
			flush_pending(v);
			rs_tracker_get_stats(v->tracker, &st);
			if (v->opts.format == RS_FORMAT_JSON)
				rs_print_summary_stats_json(v->out, &st);
			else
				rs_print_summary_stats_text(v->out, &st);
		}
	}
	if (v->html && !v->opts.quiet && v->opts.format == RS_FORMAT_SVG)
		rs_print_html_svg(v->html, v->out, v->opts.only_conn,
				  v->opts.graph_tsg ? RS_SVG_TSG : RS_SVG_LADDER);
	else if (v->html && !v->opts.quiet)
		rs_print_html_write(v->html, v->out);
	if (v->opts.quiet && !zeek_format(v->opts.format)) {
		if (v->opts.format == RS_FORMAT_JSON) {
			rs_out_str(v->out, "{\"type\":\"count\",\"packets\":");
			rs_out_u64(v->out, v->frames);
			rs_out_str(v->out, ",\"decode_errors\":");
			rs_out_u64(v->out, v->decode_errors);
			if (v->opts.window) {
				rs_out_str(v->out, ",\"outside_window\":");
				rs_out_u64(v->out, v->outside_window);
			}
			rs_out_str(v->out, "}\n");
		} else {
			rs_out_u64(v->out, v->frames);
			rs_out_str(v->out, v->frames == 1 ? " packet" : " packets");
			if (v->decode_errors) {
				rs_out_str(v->out, " (");
				rs_out_u64(v->out, v->decode_errors);
				rs_out_str(v->out, " with decode errors)");
			}
			if (v->opts.window) {
				rs_out_str(v->out, ", ");
				rs_out_u64(v->out, v->outside_window);
				rs_out_str(v->out, " outside --since/--until");
			}
			rs_out_char(v->out, '\n');
		}
	}
	rs_out_flush(v->out);
}

void rs_view_free(struct rs_view *v)
{
	rs_view_stop_pipe(v);
	if (v->tracker)
		rs_tracker_free(v->tracker);
	rs_flow_free(v->flows);
	v->flows = NULL;
	if (v->ladder)
		rs_print_ladder_free(v->ladder);
	rs_print_html_free(v->html);
	v->html = NULL;
	if (v->pending_fd >= 0)
		close(v->pending_fd);
	free(v->pending);
	v->tracker = NULL;
	v->ladder = NULL;
	v->pending = NULL;
	v->pending_fd = -1;
}

/* "PROG: FILE: problem", standard input named as such. */
static void report(int errfd, const char *prog, const char *file, const char *msg)
{
	dprintf(errfd, "%s: %s: %s\n", prog, strcmp(file, "-") ? file : "(standard input)", msg);
}

/* Opens without blocking, so that a FIFO with no writer yet (or a device)
 * cannot hang a privileged process before it drops; reading blocks again
 * as usual. */
static FILE *open_input(const char *name)
{
	int fd = open(name, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return NULL;
	}
	FILE *fp = fdopen(fd, "rb");
	if (!fp) {
		int e = errno;
		close(fd);
		errno = e;
	}
	return fp;
}

void rs_inputs_open(struct rs_input *in, char *const *names, int n)
{
	for (int i = 0; i < n; i++) {
		in[i].name = names[i];
		in[i].fp = strcmp(names[i], "-") == 0 ? stdin : open_input(names[i]);
		in[i].open_errno = in[i].fp ? 0 : errno;
	}
}

void rs_input_wait(FILE *fp)
{
	struct stat st;
	struct pollfd p = { .fd = fileno(fp), .events = POLLIN };

	/* Until a writer comes, read(2) on a FIFO opened without blocking
	 * says end of file; poll(2) waits for the writer's first bytes (or
	 * its close). */
	if (fstat(p.fd, &st) == 0 && S_ISFIFO(st.st_mode))
		while (poll(&p, 1, -1) < 0 && errno == EINTR)
			;
}

bool rs_input_is_capture(const char *arg)
{
	struct stat st;
	uint8_t m[RS_CAPFILE_MAGIC_LEN];

	if (strcmp(arg, "-") == 0)
		return true;
	int fd = open(arg, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return false;
	bool yes = false;
	if (fstat(fd, &st) == 0) {
		if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)) {
			yes = true;   /* its first bytes cannot be looked at and put back */
		} else if (S_ISREG(st.st_mode)) {
			ssize_t got = read(fd, m, sizeof(m));
			yes = got > 0 && rs_capfile_magic(m, (size_t)got);
		}
	}
	close(fd);
	return yes;
}

void rs_inputs_close(struct rs_input *in, int n)
{
	for (int i = 0; i < n; i++) {
		if (in[i].fp && in[i].fp != stdin)
			fclose(in[i].fp);
		in[i].fp = NULL;
	}
}

/* Where the read loop hands the packets: a view (read), or a sink
 * (detect -r), and how it complains. */
struct feed {
	const char *prog;           /* prefix of the complaints */
	int errfd;
	struct rs_out *out;         /* flushed before a complaint; NULL: none */
	struct rs_view *view;       /* one of the two */
	struct rs_read_sink *sink;
};

static uint64_t feed_frames(const struct feed *f)
{
	return f->view ? f->view->frames : f->sink->frames;
}

static void feed_report(const struct feed *f, const char *file, const char *msg)
{
	if (f->out)
		rs_out_flush(f->out);
	report(f->errfd, f->prog, file, msg);
}

/* read -w: the writer is told of each input as it is opened (its link
 * type, snapshot length and precision: the first gives a pcap file's
 * header, as tcpdump -r IN -w OUT does); false (err) when the file cannot
 * take it. */
static bool capture_to_writer(struct rs_capwrite *w, const struct rs_capfile *cf, char *err,
			      size_t errlen)
{
	struct rs_cap_iface ifc;
	/* libpcap keeps a classic file's snaplen, even one above what it
	 * reads (it cuts the records, not the figure), unless 0 or above
	 * INT_MAX; 0 here is rs_capwrite_input's default. */
	uint32_t snaplen = cf->own.file_snaplen <= INT32_MAX ? cf->own.file_snaplen : 0;

	if (cf->pcap)
		snaplen = (uint32_t)pcap_snapshot(cf->pcap);
	else if (cf->ng)
		snaplen = rs_capfile_interface(cf, 0, &ifc) ? ifc.snaplen : 0;
	return rs_capwrite_input(w, cf->dlt, snaplen, cf->ts_digits, err, errlen);
}

/* Opens the capture of an input opened by rs_inputs_open: 0, or 2 with
 * the reason reported (then cf is closed). */
static int open_capture(const struct feed *f, struct rs_input *in, const char *filter,
			struct rs_capfile *cf)
{
	char err[PCAP_ERRBUF_SIZE + 128];

	if (!in->fp) {
		report(f->errfd, f->prog, in->name, strerror(in->open_errno));
		return 2;
	}
	FILE *fp = in->fp;
	in->fp = NULL;   /* cf's from here on */
	rs_input_wait(fp);
	if (!rs_capfile_open_stream(cf, fp, in->name, err, sizeof(err))) {
		report(f->errfd, f->prog, in->name, err);
		return 2;
	}
	/* A pcapng file is judged by its first interface, as libpcap does
	 * (later ones of a type rawshake does not decode show as such); one
	 * with no interface before its end has no packets to judge. */
	if (cf->dlt >= 0 && !rs_dlt_supported(cf->dlt)) {
		rs_capfile_unsupported(cf, err, sizeof(err));
		report(f->errfd, f->prog, in->name, err);
		rs_capfile_close(cf);
		return 2;
	}
	if (filter && !rs_capfile_set_filter(cf, filter, err, sizeof(err))) {
		report(f->errfd, f->prog, in->name, err);
		rs_capfile_close(cf);
		return 2;
	}
	if (f->view && f->view->capw && !capture_to_writer(f->view->capw, cf, err, sizeof(err))) {
		report(f->errfd, f->prog, in->name, err);
		rs_capfile_close(cf);
		return 2;
	}
	if (cf->note[0]) {
		report(f->errfd, f->prog, in->name, cf->note);
		cf->note[0] = '\0';
	}
	return 0;
}

/* Hands one packet on; false when reading should stop. */
static bool feed_packet(const struct feed *f, const struct rs_capfile *cf,
			const struct pcap_pkthdr *h, const uint8_t *data)
{
	/* Files are read at nanosecond precision; the packet is printed at
	 * its own (a pcapng interface's). */
	const struct rs_pcap_form form = { cf->cur.dlt, 9, cf->cur.ts_digits };
	const struct rs_pkt_meta *meta = cf->cur.meta;
	struct rs_pkt_meta with_problem;
	if (cf->cur.ts_problem) {
		static const struct rs_pkt_meta none;
		with_problem = meta ? *meta : none;
		with_problem.ts_problem = cf->cur.ts_problem;
		meta = &with_problem;
	}
	if (f->view && f->view->pipe)
		return view_packet_piped(f->view, &form, h, data, meta) &&
		       !rs_view_pipe_stopped(f->view->pipe);
	if (f->view)
		return rs_view_packet_meta(f->view, &form, h, data, meta) &&
		       !rs_out_closed(f->view->out);
	struct rs_read_sink *s = f->sink;
	rs_packet_from_pcap(&s->pkt, ++s->frames, &form, h, data, meta);
	s->on_packet(s->ctx, &s->pkt);
	return true;
}

/* With two threads: waits until the worker has handled every packet
 * given, before anything is said or the input changes. */
static void feed_drain(const struct feed *f)
{
	if (f->view && f->view->pipe)
		rs_view_pipe_drain(f->view->pipe);
}

/* Reads one input to its end; the status as for rs_read_inputs, for this
 * input alone. */
static int read_input(const struct feed *f, struct rs_input *in, const char *filter)
{
	char err[PCAP_ERRBUF_SIZE + 128];
	struct rs_capfile cf;
	int status = open_capture(f, in, filter, &cf);
	bool more = status == 0;
	struct rs_progress pg;
	rs_progress_start(&pg, more ? f->errfd : -1, in->name, !f->view || !f->view->opts.quiet,
			  feed_frames(f));

	while (more) {
		const struct pcap_pkthdr *h;
		const uint8_t *data;
		enum rs_cap_result rc = rs_capfile_next(&cf, &h, &data);
		if (cf.note[0]) {
			feed_drain(f);
			rs_progress_clear(&pg);
			feed_report(f, in->name, cf.note);
			cf.note[0] = '\0';
		}
		switch (rc) {
		case RS_CAP_PACKET:
			more = feed_packet(f, &cf, h, data);
			if (rs_progress_due(&pg))
				feed_drain(f);
			rs_progress_tick(&pg, &cf, feed_frames(f));
			break;
		case RS_CAP_EOF:
			more = false;
			break;
		case RS_CAP_TRUNCATED:
		case RS_CAP_ERROR:
			/* Every complete packet is out before the complaint. */
			feed_drain(f);
			snprintf(err, sizeof(err),
				 rc == RS_CAP_TRUNCATED ? "file is truncated after frame %llu (%s)"
							: "read error after frame %llu: %s",
				 (unsigned long long)feed_frames(f), cf.errbuf);
			rs_progress_clear(&pg);
			feed_report(f, in->name, err);
			status = 1;
			more = false;
			break;
		}
	}
	feed_drain(f);
	rs_progress_clear(&pg);
	if (status != 2)
		rs_capfile_close(&cf);
	return status;
}

int rs_read_inputs_sink(struct rs_read_sink *s, struct rs_input *in, int n, const char *filter,
			int errfd)
{
	const struct feed f = { s->prog, errfd, s->out, NULL, s };
	int status = 0;

	for (int i = 0; i < n; i++) {
		int st = read_input(&f, &in[i], filter);
		if (st > status)
			status = st;
	}
	rs_inputs_close(in, n);
	return status;
}

/* After an input: whether the next one is to be read at all (the output
 * is gone, or -c packets have been shown). */
static bool view_done(const struct rs_view *v)
{
	return rs_out_closed(v->out) || (v->opts.max_packets && v->frames >= v->opts.max_packets) ||
	       (v->capw && rs_capwrite_stopped(v->capw));
}

int rs_read_inputs(struct rs_view *v, struct rs_input *in, int n, const char *filter, int errfd)
{
	const struct feed f = { "rawshake", errfd, v->out, v, NULL };
	int status = 0;

	for (int i = 0; i < n && (i == 0 || !view_done(v)); i++) {
		int st = read_input(&f, &in[i], filter);
		status = st > status ? st : status;
	}
	rs_inputs_close(in, n);
	return status;
}

int rs_read_files(struct rs_view *v, char *const *files, int nfiles, const char *filter,
		  int errfd)
{
	const struct feed f = { "rawshake", errfd, v->out, v, NULL };
	int status = 0;

	/* One at a time: a file is opened only when its turn comes. */
	for (int i = 0; i < nfiles && (i == 0 || !view_done(v)); i++) {
		struct rs_input in;
		rs_inputs_open(&in, &files[i], 1);
		int st = read_input(&f, &in, filter);
		rs_inputs_close(&in, 1);
		status = st > status ? st : status;
	}
	return status;
}
