/*
 * capwrite.h: read -w: the packets a view shows, written to a new capture
 * file with their bytes, captured and wire lengths and times as read.
 *
 *   - pcap (the default): one link type, the first input's, with its
 *     snapshot length and its precision (a nanosecond input gives a
 *     nanosecond file, as `tcpdump --nano -r IN -w OUT`; plain tcpdump
 *     cuts the times to microseconds).  The header is what libpcap's
 *     pcap_dump_open writes, so that the file is tcpdump's byte for byte.
 *     An input of another link type is refused (a pcap file holds one);
 *     a later input of finer precision is cut to the file's, as libpcap
 *     does.
 *   - pcapng: one interface per link type met (the first input's
 *     snapshot length of that type), nanosecond resolution whatever the
 *     inputs' (no time loses a digit), the direction of each packet kept
 *     in epb_flags.  Interface names and comments are not copied.
 *   - annotated pcapng (read -w FILE --annotate): pcapng as above, each
 *     packet with its note (the "note" of read's JSON) as its opt_comment,
 *     the section naming rawshake (shb_userappl) and the input files
 *     (its opt_comment); one interface per distinct link type, name
 *     (if_name), resolution and snapshot length of the inputs, each at
 *     its input's resolution: if_tsresol 9 for a nanosecond input, none
 *     (microseconds) for a microsecond one, so that every time is the
 *     input's to the tick.  (An input interface of another resolution,
 *     10^-7 say, is written at the one of 6 and 9 its times are shown
 *     with.)  The snapshot length is the input's first interface's.
 *
 * The file is opened by rs_capwrite_open (outfile.h: as the user the
 * process is then, never through a link, "-" for standard output),
 * written a whole record at a time, and a write that fails (a full disk)
 * stops the writing with its errno in w->file.err, the file ending with
 * its last whole packet (w->file.records of them).
 */
#ifndef RAWSHAKE_CAPWRITE_H
#define RAWSHAKE_CAPWRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pcap/pcap.h>

#include "rawshake/outfile.h"
#include "rawshake/packet.h"
#include "rawshake/pcapng_writer.h"

#define RS_CAPWRITE_MAX_IFS RS_PCAPNG_MAX_IFS   /* pcapng: distinct interfaces */
#define RS_CAPWRITE_IFNAME_MAX 128   /* a longer input if_name is cut */
#define RS_CAPWRITE_SOURCES_MAX 1024

/* An interface of the file (annotated pcapng: what tells it apart). */
struct rs_capwrite_if {
	int dlt;
	bool nano;
	uint32_t snaplen;
	char name[RS_CAPWRITE_IFNAME_MAX];   /* empty: none */
};

struct rs_capwrite {
	struct rs_outfile file;
	const char *path;           /* as given, for messages */
	bool pcapng;
	bool started;               /* the file's header is out */
	int dlt;                    /* pcap: the file's link type; annotated: the first input's */
	bool nano;                  /* pcap: a nanosecond file; annotated: the first input is */
	uint32_t snaplen;           /* of the input being read */
	struct rs_pcapng_writer ng;
	bool annotate;              /* annotated pcapng */
	char sources[RS_CAPWRITE_SOURCES_MAX];   /* annotated: the section's comment */
	struct rs_capwrite_if ifs[RS_CAPWRITE_MAX_IFS];   /* pcapng */
	unsigned nifs;
	/* Why the writing stopped other than by a write error (a packet the
	 * file cannot hold); empty while none. */
	char refusal[256];
};

/* Opens path (outfile.h's rules; as_user as for rs_outfile_open).  False
 * with err ("PATH: REASON"). */
bool rs_capwrite_open(struct rs_capwrite *w, const char *path, bool pcapng, const char *as_user,
		      char *err, size_t errlen);
/* Makes the file an annotated pcapng (after rs_capwrite_open, before the
 * first input), whose section comment names the n input files. */
void rs_capwrite_annotate(struct rs_capwrite *w, char *const *files, int n);
/*
 * An input is about to be read: its link type (-1: not known yet), the
 * snapshot length and precision (6 or 9 digits) it was captured with.
 * The first known one writes the header.  False with err when the file
 * cannot take this input (pcap: another link type); the input is then
 * not to be read.  A failed write is no refusal: true, w->file.err set.
 */
bool rs_capwrite_input(struct rs_capwrite *w, int dlt, uint32_t snaplen, uint8_t ts_digits,
		       char *err, size_t errlen);
/* One packet as read (form as for rs_packet_from_pcap; meta may be NULL),
 * with note (NUL-terminated; NULL or "": none) as its comment when the
 * file is annotated.  False once the writing stopped: a write failed
 * (w->file.err) or the file cannot hold the packet (w->refusal). */
bool rs_capwrite_packet(struct rs_capwrite *w, const struct rs_pcap_form *form,
			const struct pcap_pkthdr *h, const uint8_t *data,
			const struct rs_pkt_meta *meta, const char *note);
/* Whether the writing stopped (then reading should too). */
bool rs_capwrite_stopped(const struct rs_capwrite *w);
/* Flushes and closes.  False when a write or the close failed.  A file
 * no input could be read into stays empty (no header claims a link type
 * that no input had). */
bool rs_capwrite_close(struct rs_capwrite *w);

#endif
