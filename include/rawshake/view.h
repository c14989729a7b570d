/*
 * view.h: the pipeline every command that shows packets shares:
 * decode, track TCP, print (text, JSON, ladder, summary).
 *
 * `read` feeds it from files, `sniff` from a live handle, `send` and
 * `connect` with what they send and receive; `detect -r` takes the
 * decoded packets of the same file loop through a sink.
 */
#ifndef RAWSHAKE_VIEW_H
#define RAWSHAKE_VIEW_H

#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>
#include <pcap/pcap.h>

#include "rawshake/out.h"
#include "rawshake/packet.h"
#include "rawshake/print.h"
#include "rawshake/print_zeek.h"

enum rs_format {
	RS_FORMAT_TEXT,
	RS_FORMAT_JSON,
	RS_FORMAT_LADDER,
	RS_FORMAT_HTML,            /* print_html.h: the report, written at the end */
	RS_FORMAT_SVG,             /* one picture of one connection */
	RS_FORMAT_ZEEK,           /* conn.log, Zeek's TSV: implies --summary */
	RS_FORMAT_ZEEK_JSON,      /* conn.log as Zeek's JSON lines */
};
const char *rs_format_str(enum rs_format f);

struct rs_tracker;
struct rs_flow_table;
struct rs_print_ladder;
struct rs_print_html;
struct rs_conn_record;
struct rs_capwrite;
struct rs_view_pipe;
struct rs_tcp_event;

struct rs_view_opts {
	enum rs_format format;
	unsigned print_flags;     /* RS_PRINT_* */
	bool quiet;               /* decode everything, print only the count */
	bool summary;             /* one row per connection at the end */
	bool no_track;            /* no TCP tracking: absolute numbers, no notes */
	bool ascii;               /* ladder: ASCII arrows */
	uint64_t max_packets;     /* -c; 0 = no limit */
	uint64_t only_conn;       /* --conn N: only this connection; 0 = all */
	uint32_t max_conns;       /* tracker bound; 0 = default */
	uint32_t max_ladder_rows; /* ladder bound; 0 = default */
	bool ladder_after;        /* text: also a ladder diagram at the end (connect) */
	bool graph_tsg;           /* svg: the time-sequence graph instead of the ladder */
	bool zeek_compat;         /* read --zeek-compat: Zeek's bad-checksum rule (the Zeek formats) */
	/* read --since / --until: only packets stamped in [since_ns, until_ns)
	 * (ns since 1970) are shown; the others are skipped before decoding
	 * and counted in outside_window.  Half-open, so that adjacent windows
	 * split a capture without overlap. */
	bool window;
	int64_t since_ns, until_ns;
	/* --color: auto (the default) becomes RS_PRINT_COLOR in print_flags
	 * when standard output is a terminal and NO_COLOR is unset or empty. */
	enum rs_color_when { RS_COLOR_AUTO, RS_COLOR_ALWAYS, RS_COLOR_NEVER } color;
};

struct rs_view {
	struct rs_view_opts opts;
	struct rs_out *out;
	struct rs_printer printer;
	struct rs_packet pkt;     /* reused for every packet: no per-packet allocation */
	uint64_t frames;          /* packets seen (after the filter) */
	uint64_t decode_errors;   /* packets with a truncated or invalid layer */
	uint64_t outside_window;  /* skipped by --since / --until (not in frames) */
	struct rs_tracker *tracker;
	struct rs_flow_table *flows;  /* UDP and ICMP, for the Zeek formats */
	struct rs_zeek_log zeek;
	struct rs_print_ladder *ladder;
	struct rs_print_html *html;   /* --format html or svg */
	/* Summary rows of connections finished while packets are still being
	 * printed wait in a temporary file (bounded memory) until the end. */
	struct rs_out *pending;
	int pending_fd;
	uint64_t summary_rows;
	/* Live captures on "any": the name of a Linux cooked v2 ifindex
	 * (NULL when unknown).  Set by the caller; NULL for files. */
	const char *(*ifname_of)(void *ctx, uint32_t ifindex);
	void *ifname_ctx;
	/* read -w: every packet shown is also written there, as read (NULL:
	 * none); each input is announced to it as it is opened.  Set by the
	 * caller.  Reading stops when the writing does (rs_capwrite_stopped). */
	struct rs_capwrite *capw;
	/* Decoding and tracking on two threads (view_pipe.c); NULL: one. */
	struct rs_view_pipe *pipe;
};

/* Returns false (err filled) when the tracker or ladder cannot be allocated. */
bool rs_view_init(struct rs_view *v, const struct rs_view_opts *opts, struct rs_out *out,
		  char *err, size_t errlen);
/* Shows one packet; h->ts.tv_usec is in microseconds when ts_digits is 6,
 * nanoseconds when 9.  Returns false once -c packets have been shown. */
bool rs_view_packet(struct rs_view *v, int dlt, uint8_t ts_digits,
		    const struct pcap_pkthdr *h, const uint8_t *data);
/* The same for headers of another form (a file's, whose tv_usec holds
 * nanoseconds), with what the capture says about the packet (direction,
 * interface; NULL: nothing). */
bool rs_view_packet_meta(struct rs_view *v, const struct rs_pcap_form *form,
			 const struct pcap_pkthdr *h, const uint8_t *data,
			 const struct rs_pkt_meta *meta);
/*
 * Two threads for a read that prints nothing per packet (-q, no -w, no
 * ladder, no report) on a machine with two CPUs: rs_read_inputs then
 * decodes on the calling thread and a worker tracks (view_pipe.c).
 * Called once the view is set up and before the sandbox (the worker
 * enters the files sandbox itself); false: one thread, as before.
 * RAWSHAKE_THREADS=1 in the environment keeps one.  rs_view_finish and
 * rs_view_free stop the worker first.
 */
bool rs_view_start_pipe(struct rs_view *v);
void rs_view_stop_pipe(struct rs_view *v);
/* The worker's part of one decoded packet: the tracker or the flow table
 * (and through them the rows of ended connections).  The event, if any. */
const struct rs_tcp_event *rs_view_track(struct rs_view *v, const struct rs_packet *pkt);
/* The reader's side of the ring: the slot to decode the next packet
 * into (waits for a free one), then push it; drain waits until the
 * worker has handled every packet pushed; stopped: the output closed. */
struct rs_packet *rs_view_pipe_slot(struct rs_view_pipe *p);
void rs_view_pipe_push(struct rs_view_pipe *p);
void rs_view_pipe_drain(struct rs_view_pipe *p);
bool rs_view_pipe_stopped(const struct rs_view_pipe *p);

/* End of input: final lines (count, summary). */
void rs_view_finish(struct rs_view *v);
void rs_view_free(struct rs_view *v);

/*
 * Reads capture files in order through one view, with an optional BPF
 * filter compiled for each file's link type.  Problems are reported on
 * errfd as "rawshake: FILE: problem".  Returns the exit status: 0 all read,
 * 1 a file ended inside a record or could not be read to its end,
 * 2 a file could not be opened, is not a capture, has an unsupported link
 * type, the filter is bad, or the view's -w file (capw) cannot take its
 * link type (nothing is printed for that file).
 */
int rs_read_files(struct rs_view *v, char *const *files, int nfiles, const char *filter,
		  int errfd);

/*
 * The same in two steps, for a privileged process: open every file first
 * (rs_inputs_open never reads a byte), give up the privileges, then read
 * them (rs_read_inputs, which closes them all).  A file that could not be
 * opened is reported when its turn comes, with its errno.
 */
struct rs_input {
	const char *name;
	FILE *fp;                 /* NULL when the open failed */
	int open_errno;
};
void rs_inputs_open(struct rs_input *in, char *const *names, int n);
/*
 * Whether a command-line argument after the first file is another
 * capture file rather than the first word of the filter: "-", a FIFO or
 * a device (read as they come), or a file that opens and starts as a
 * pcap or pcapng file does.  A word such as "tcp" is a file only when a
 * capture of that name is there; `--` or -r settle any doubt.
 */
bool rs_input_is_capture(const char *arg);
/* Before the first read of an input opened by rs_inputs_open (and after
 * any privilege drop): waits for a FIFO's writer; nothing for a file. */
void rs_input_wait(FILE *fp);
int rs_read_inputs(struct rs_view *v, struct rs_input *in, int n, const char *filter, int errfd);
void rs_inputs_close(struct rs_input *in, int n);

/*
 * The same read loop for a caller that wants each decoded packet rather
 * than the view (detect -r): the same checks and complaints, prefixed
 * with prog ("rawshake detect") instead of "rawshake"; every packet goes
 * to on_packet, numbered from 1 over all the inputs.  The status as for
 * rs_read_inputs; every input is read (no -c).
 */
struct rs_read_sink {
	const char *prog;
	void (*on_packet)(void *ctx, const struct rs_packet *pkt);
	void *ctx;
	struct rs_out *out;       /* flushed before a complaint; NULL: none */
	struct rs_packet pkt;     /* reused for every packet */
	uint64_t frames;
};
int rs_read_inputs_sink(struct rs_read_sink *s, struct rs_input *in, int n, const char *filter,
			int errfd);

#endif
