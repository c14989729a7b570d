/*
 * outfile.h: the files rawshake writes (sniff -w, send -w): opened
 * without following a planted link or overwriting another user's file,
 * and written one whole record at a time, so that a disk that fills up
 * stops the writing with its own errno and leaves a file that ends at
 * its last whole record.
 *
 * Opening (rs_outfile_open) is done as whatever user the process is when
 * it is called; the commands call it after dropping privileges (-Z), as
 * tcpdump opens its savefiles.  Whoever that user is:
 *   - "-", /dev/stdout, /dev/fd/N and /proc/self/fd/N are descriptors the
 *     caller gave (standard output, a shell's >(...)): duplicated, never
 *     opened by name;
 *   - a new file is created with O_CREAT|O_EXCL|O_NOFOLLOW, mode 0644
 *     (a umask can narrow it, never widen it: umask 000 gives 0644);
 *   - an existing name is never followed if it is a symbolic link; a
 *     regular file is overwritten (truncated) only if it belongs to this
 *     user and has no other hard link, a FIFO only if it belongs to this
 *     user; a character device (/dev/null) is written; anything else is
 *     refused.
 */
#ifndef RAWSHAKE_OUTFILE_H
#define RAWSHAKE_OUTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pcap/pcap.h>

#define RS_OUTFILE_BUFSIZE (1u << 16)
#define RS_OUTFILE_ENDS 1024     /* record ends kept for one buffer */

struct rs_outfile {
	int fd;                  /* -1 when not open */
	bool to_stdout;          /* the caller's standard output */
	bool regular;            /* a regular file: cut back on failure */
	int err;                 /* errno of the first failure (EPIPE: the reader
	                          * went away), 0 while none */
	uint64_t start;          /* offset of the first byte we wrote */
	uint64_t off;            /* bytes written since */
	uint64_t whole;          /* ... of which end with a whole record */
	uint64_t records;        /* counted records (packets) that are whole on file */
	uint8_t *buf;
	size_t n;                /* bytes in buf */
	size_t rec;              /* where the record being put starts in buf */
	unsigned nends;
	struct {
		uint32_t end;    /* in buf */
		bool counted;
	} ends[RS_OUTFILE_ENDS];
};

/*
 * Opens path as described above.  False with err ("PATH: REASON") and
 * f->err set; when as_user is not NULL (the -Z user the process switched
 * to) a refusal by the file system says that the file was opened as that
 * user and what to do about it.
 */
bool rs_outfile_open(struct rs_outfile *f, const char *path, const char *as_user, char *err,
		     size_t errlen);

/* Whether path names a descriptor ("-", /dev/stdout, /dev/fd/N ...), not
 * a file rs_outfile_open would open by name. */
bool rs_outfile_names_descriptor(const char *path);

/* Appends to the record being built (nothing once a write failed). */
void rs_outfile_put(struct rs_outfile *f, const void *p, size_t n);
/* The record is whole; `counted` ones are what rs_outfile.records counts.
 * Writes when the buffer is full.  False once a write failed. */
bool rs_outfile_end(struct rs_outfile *f, bool counted);
/* Writes every whole record buffered.  False once a write failed. */
bool rs_outfile_flush(struct rs_outfile *f);
/* Flushes and closes (standard output itself stays open).  False when a
 * write, the flush or the close failed (f->err says why). */
bool rs_outfile_close(struct rs_outfile *f);

/* The LINKTYPE_ value a file stores for a DLT_ (they differ for a few,
 * such as DLT_RAW, 12 on Linux, LINKTYPE_RAW 101), as libpcap maps it;
 * -1 when a file cannot hold that link type. */
int rs_outfile_linktype(int dlt);

/* A pcap file header exactly as libpcap's pcap_dump_open writes it
 * (microsecond or nanosecond magic, host byte order).  False with err
 * when the link type cannot be saved or the write failed. */
bool rs_outfile_pcap_header(struct rs_outfile *f, int dlt, uint32_t snaplen, bool nano,
			    char *err, size_t errlen);
/* One pcap record (as pcap_dump: h->ts.tv_usec holds nanoseconds in a
 * nanosecond file); false once a write failed. */
bool rs_outfile_pcap_record(struct rs_outfile *f, const struct pcap_pkthdr *h,
			    const uint8_t *bytes);

#endif
