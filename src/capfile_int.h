/*
 * capfile_int.h: what capfile.c (opening, classic pcap, the buffer and the
 * mapping) and capfile_pcapng.c (pcapng blocks) share.  Not installed.
 */
#ifndef RAWSHAKE_CAPFILE_INT_H
#define RAWSHAKE_CAPFILE_INT_H

#include "rawshake/capfile.h"

#define RS_CAP_MAX_SNAPLEN 262144u   /* libpcap's MAXIMUM_SNAPLEN */

/* A BPF program for `expr` on link type dlt, from rs_capfile_precompile's
 * cache or compiled now; false with libpcap's message in err.  The
 * program belongs to the caller (pcap_freecode). */
bool rs_capfile_compile(int dlt, const char *expr, struct bpf_program *prog, char *err,
			size_t errlen);

/* The DLT_ value libpcap uses for a LINKTYPE_ value of a file. */
int rs_capfile_linktype_to_dlt(uint32_t linktype);

/* Makes at least `need` bytes available at own.off (reading more, or
 * mapping a grown file again); false at the end of the file. */
bool rs_capfile_fill(struct rs_capfile_own *o, size_t need);
/* A mapped file is now shorter than where reading is (cut within its
 * last page: zeros, no SIGBUS). */
bool rs_capfile_shrank(struct rs_capfile_own *o);
/* The mapped file lost pages while being read (SIGBUS): true once. */
bool rs_capfile_map_lost(const struct rs_capfile_own *o);
/* Reports a mapped file cut short (after rs_capfile_map_lost). */
enum rs_cap_result rs_capfile_cut_short(struct rs_capfile *cf);
/* A record at own.off..own.off+n is about to be handed out: gives back the
 * mapped pages before it; then, once own.off has moved past it, hints the
 * next record's bytes (rs_capfile_prefetch). */
void rs_capfile_drop_read(struct rs_capfile_own *o);
void rs_capfile_prefetch(struct rs_capfile_own *o);

/* pcapng (capfile_pcapng.c).  rs_pcapng_start reads the section header
 * at own.off and the blocks up to the first interface (cf->dlt and
 * cf->ts_digits become its); false (err filled) when the file is not a
 * pcapng one can read.  A problem after the section header is kept for
 * the first rs_pcapng_next. */
bool rs_pcapng_start(struct rs_capfile *cf, char *err, size_t errlen);
enum rs_cap_result rs_pcapng_next(struct rs_capfile *cf, const struct pcap_pkthdr **hdr,
				  const uint8_t **data);
bool rs_pcapng_set_filter(struct rs_capfile *cf, const char *expr, char *err, size_t errlen);
void rs_pcapng_free(struct rs_capfile *cf);

/* What is peeked at to choose a reader (and replayed to libpcap from a
 * pipe), and the buffer step of the own readers when not mapped. */
#define RS_CAPFILE_PEEK_MAX 65536
#define RS_CAPFILE_OWN_CHUNK (1u << 20)

/* capfile_mmap.c: the own classic pcap reader. */
bool rs_capfile_mmap_probe(struct rs_capfile *cf, const uint8_t *head, size_t n);
bool rs_capfile_mmap_open(struct rs_capfile_own *o, FILE *fp);
enum rs_cap_result rs_capfile_mmap_next(struct rs_capfile *cf, const struct pcap_pkthdr **hdr,
					const uint8_t **data);
void rs_capfile_mmap_unwatch(void);
/* A record's time fraction is out of range: said once, the record kept. */
void rs_capfile_ts_fraction_invalid(struct rs_capfile *cf, struct pcap_pkthdr *h, uint64_t frac,
				    bool nano);

/* capfile_zip.c: compressed captures, chosen by their first bytes. */
enum rs_zip_format { RS_ZIP_NONE, RS_ZIP_GZIP, RS_ZIP_ZSTD, RS_ZIP_XZ, RS_ZIP_BZIP2 };
enum rs_zip_format rs_zip_sniff(const uint8_t *head, size_t n);
const char *rs_zip_name(enum rs_zip_format fmt);
/* A stream of src's decompressed bytes (NULL: out of memory).  It owns
 * src (closed with it, stdin excepted); *z is its state, valid until it
 * is closed. */
FILE *rs_zip_open(FILE *src, enum rs_zip_format fmt, struct rs_zip **z);
/* Why the stream ended before its time: corrupt data or a read error
 * (*corrupt), or compressed data cut short; NULL when it ended well (or
 * has not ended). */
const char *rs_zip_problem(const struct rs_zip *z, bool *corrupt);
/* Compressed bytes decompressed so far. */
uint64_t rs_zip_consumed(const struct rs_zip *z);

#endif
