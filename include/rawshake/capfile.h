/*
 * capfile.h: reading pcap and pcapng files (or standard input) with
 * libpcap, keeping the file's own timestamp precision and telling a
 * file that ends mid-record apart from other read errors.
 */
#ifndef RAWSHAKE_CAPFILE_H
#define RAWSHAKE_CAPFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <pcap/pcap.h>

/*
 * Classic pcap files (the common case, and the large ones) are read by
 * rawshake itself, mapped (files on disk) or in 1 MiB chunks (pipes),
 * each record bounds-checked in place:
 * libpcap's reader copies every record and made reading a large capture a
 * third slower.  pcapng and anything unusual go through libpcap.  Both
 * paths give the same records, errors and messages.
 */
struct rs_capfile_own {
	FILE *fp;
	bool swapped;         /* file written with the other byte order */
	bool nano;            /* nanosecond timestamps */
	uint32_t snapshot;    /* snaplen as libpcap would use it */
	uint8_t *buf;
	size_t cap, len, off; /* buffered bytes [off, len) */
	bool eof;
	bool mapped;          /* buf is the whole file, mapped (cap = len = size) */
	size_t dropped;       /* mapped pages below this were given back */
	pcap_t *dead;         /* for the BPF filter */
	struct bpf_program prog;
	bool has_prog;
	struct pcap_pkthdr hdr;
};

struct rs_capfile {
	pcap_t *pcap;         /* libpcap's reader, or NULL with own.fp */
	struct rs_capfile_own own;
	const char *name;     /* as given; "-" is standard input */
	int dlt;
	uint8_t ts_digits;    /* 6 (microseconds) or 9 (nanoseconds) */
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
/* Compiles and installs a BPF filter (tcpdump syntax, no name lookups). */
bool rs_capfile_set_filter(struct rs_capfile *cf, const char *expr, char *err, size_t errlen);
enum rs_cap_result rs_capfile_next(struct rs_capfile *cf, const struct pcap_pkthdr **hdr,
				   const uint8_t **data);
void rs_capfile_close(struct rs_capfile *cf);

/*
 * The timestamp precision a capture file was written with, from its first
 * bytes: 9 for nanosecond pcap or a pcapng whose first interface says
 * if_tsresol >= 7 digits, else 6.  Exposed for the tests.
 */
uint8_t rs_capfile_sniff_digits(const uint8_t *head, size_t n);

#endif
