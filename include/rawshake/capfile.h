/*
 * capfile.h: reading pcap and pcapng files (or standard input), keeping
 * each packet's own link type and timestamp precision and telling a file
 * that ends mid-record apart from other read errors.
 */
#ifndef RAWSHAKE_CAPFILE_H
#define RAWSHAKE_CAPFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <pcap/pcap.h>

#include "rawshake/packet.h"

/*
 * Classic pcap files (the common case, and the large ones) and pcapng
 * files are read by rawshake itself, mapped (files on disk) or in 1 MiB
 * chunks (pipes), each record bounds-checked in place:
 * libpcap's reader copies every record and made reading a large capture a
 * third slower, and its pcapng reader keeps one link type and snaplen per
 * file (it stops at an interface with another) and hides interface names
 * and directions.  Classic pcap of a link type rawshake does not decode
 * and unusual versions go through libpcap.  All paths give the same
 * results, errors and messages.
 */
struct rs_capfile_own {
	FILE *fp;
	bool swapped;         /* file written with the other byte order */
	bool nano;            /* nanosecond timestamps */
	uint32_t snapshot;    /* snaplen as libpcap would use it */
	uint32_t file_snaplen; /* as the header says */
	uint8_t *buf;
	size_t cap, len, off; /* buffered bytes [off, len) */
	bool eof;
	bool mapped;          /* buf is the whole file, mapped (cap = len = size) */
	size_t dropped;       /* mapped pages below this were given back */
	size_t prefetched;    /* mapped bytes below this were already hinted */
	struct bpf_program prog;
	bool has_prog;
	struct pcap_pkthdr hdr;
};

struct rs_capfile_ng;     /* pcapng sections and interfaces (capfile_pcapng.c) */
struct rs_zip;            /* a compressed file's decoder (capfile_zip.c) */

/*
 * What the capture says about the packet rs_capfile_next returned last,
 * beyond its header.  Classic pcap: the file's link type and precision,
 * the same for every packet, and no meta.  pcapng: its interface's.
 */
struct rs_cap_info {
	int dlt;
	uint8_t ts_digits;        /* 6 or 9: how many digits h->ts holds (see below) */
	uint32_t ifid;            /* pcapng interface id in its section; 0 for pcap */
	const struct rs_pkt_meta *meta; /* interface name and direction; NULL: none */
	const uint8_t *comment;   /* pcapng opt_comment (UTF-8, not NUL-terminated) */
	uint16_t comment_len;
	/* The record's time was not valid (a fraction of a second of a
	 * second or more, a time out of range): why, in ts_note; the header
	 * holds the nearest valid time.  NULL when it was fine. */
	const char *ts_problem;
};

struct rs_capfile {
	pcap_t *pcap;         /* libpcap's reader, or NULL with own.fp */
	struct rs_capfile_own own;
	struct rs_capfile_ng *ng;   /* pcapng read by rawshake, or NULL */
	const char *name;     /* as given; "-" is standard input */
	/* A compressed capture (gzip, zstd, xz, bzip2: told by its first
	 * bytes) is read through a decoder, never mapped; NULL: not one. */
	struct rs_zip *zip;
	const char *zip_name;  /* "gzip", ...; NULL: not compressed */
	uint64_t file_size;   /* of a regular file as opened (compressed); 0: unknown */
	int dlt;              /* the file's (pcapng: first interface's); -1: none yet */
	uint32_t linktype_field; /* classic pcap: the header's link-type field as written */
	uint8_t ts_digits;    /* 6 (microseconds) or 9 (nanoseconds), likewise */
	struct rs_cap_info cur;
	/* Something worth telling that is no error (a filter that cannot
	 * apply to one interface's link type); empty when none.  The reader
	 * of the packets prints and clears it. */
	char note[PCAP_ERRBUF_SIZE + 128];
	char ts_note[128];
	char errbuf[PCAP_ERRBUF_SIZE];
};

enum rs_cap_result {
	RS_CAP_PACKET,      /* *hdr and *data are valid until the next call */
	RS_CAP_EOF,
	RS_CAP_TRUNCATED,   /* the file ends inside a record */
	RS_CAP_ERROR,       /* another read error; see errbuf */
};

/* Opens path ("-" for standard input).  On failure returns false with a
 * one-line reason in err (without the file name). */
bool rs_capfile_open(struct rs_capfile *cf, const char *path, char *err, size_t errlen);
/* The same for a stream already open (so that a privileged process can
 * open its files, give up its privileges, then read them).  The stream
 * belongs to cf from here on, failure included; stdin is never closed.
 * name is for messages. */
bool rs_capfile_open_stream(struct rs_capfile *cf, FILE *fp, const char *name, char *err,
			    size_t errlen);
/*
 * Compiles `expr` now for every link type rawshake decodes, and keeps the
 * programs: afterwards rs_capfile_set_filter() takes them from here
 * instead of calling pcap_compile, which may look names up (a port or
 * protocol name: /etc/services, NSS modules, nscd's socket).  Called
 * before a process locks itself in its sandbox.  Never fails: a filter
 * that does not compile for a link type keeps libpcap's message, given
 * when a file of that type is read.
 */
void rs_capfile_precompile(const char *expr);

/* Compiles and installs a BPF filter (tcpdump syntax, no name lookups).
 * pcapng: compiled for each link type of its interfaces, as they come;
 * false when it does not compile for the first interface's. */
bool rs_capfile_set_filter(struct rs_capfile *cf, const char *expr, char *err, size_t errlen);
/* The next packet.  h->ts.tv_usec holds nanoseconds whatever the file's
 * precision (cf->cur.ts_digits says how many digits are meaningful). */
enum rs_cap_result rs_capfile_next(struct rs_capfile *cf, const struct pcap_pkthdr **hdr,
				   const uint8_t **data);
void rs_capfile_close(struct rs_capfile *cf);

/* Whether a file's first bytes (RS_CAPFILE_MAGIC_LEN of them, fewer for
 * a shorter file) are those of a capture: pcap, pcapng, or a compressed
 * file (its content is looked at only when it is read). */
#define RS_CAPFILE_MAGIC_LEN 6
bool rs_capfile_magic(const uint8_t *head, size_t n);

/* How far reading is, in bytes of the file (of the compressed file when
 * compressed): *done, and *total its size (0: unknown, a pipe).  False
 * when the position itself is unknown (a pipe not compressed). */
bool rs_capfile_position(const struct rs_capfile *cf, uint64_t *done, uint64_t *total);

/* "link type X is not supported" for the file's link type, naming the
 * field as written when libpcap reads only part of it (the upper bits of a
 * classic pcap link-type field hold an FCS length and flags). */
void rs_capfile_unsupported(const struct rs_capfile *cf, char *buf, size_t n);

/* An interface of the pcapng section being read (for tests and tools). */
struct rs_cap_iface {
	int dlt;
	uint32_t snaplen;         /* as the file says (0: no limit) */
	uint64_t ts_units;        /* timestamp units per second (if_tsresol) */
	int64_t ts_offset;        /* if_tsoffset, seconds */
	uint8_t ts_digits;
	const char *name;         /* if_name, NULL when absent */
	const char *description;  /* if_description, NULL when absent */
};
/* How many interfaces the current section has so far (0 for classic pcap). */
uint32_t rs_capfile_interfaces(const struct rs_capfile *cf);
bool rs_capfile_interface(const struct rs_capfile *cf, uint32_t id, struct rs_cap_iface *out);

/*
 * The timestamp precision a capture file was written with, from its first
 * bytes: 9 for nanosecond pcap or a pcapng whose first interface's
 * if_tsresol is closer to nanoseconds than to microseconds, else 6.
 * Exposed for the tests.
 */
uint8_t rs_capfile_sniff_digits(const uint8_t *head, size_t n);
/*
 * The digits shown for a pcapng if_tsresol byte (10^-n, or 2^-n with the
 * high bit): 6 or 9, whichever is closer to the resolution in decimal
 * digits (10^-7 gives 6, 10^-8 gives 9, 2^-24 gives 6, 2^-25 gives 9;
 * coarser than 10^-6 gives 6, finer than 10^-9 gives 9).  The timestamp
 * itself is converted exactly to nanoseconds; only the shown digits round.
 */
uint8_t rs_capfile_tsresol_digits(uint8_t tsresol);

#endif
