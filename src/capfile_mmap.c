/* capfile_mmap.c: the own reader of classic pcap files (as libpcap's
 * sf-pcap.c beside pcap-linux.c): the file mapped when it is a regular
 * file, read into a buffer otherwise, records checked field by field,
 * with a SIGBUS watch so that a file cut while mapped ends as a cut
 * record rather than a crash.  capfile.c opens and dispatches. */
#include "capfile_int.h"
#include "rawshake/reader.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* The link types rawshake decodes, which the own classic reader takes
 * (LINKTYPE values; each equals its DLT except RAW).  Files of other
 * types go through libpcap so that its messages about them stay the same. */
static int own_linktype_to_dlt(uint32_t lt)
{
	switch (lt) {
	case 0: case 1: case 101: case 108: case 113: case 228: case 229: case 276:
		return rs_capfile_linktype_to_dlt(lt);
	default:
		return -1;
	}
}

static uint32_t own_u32(const struct rs_capfile_own *o, struct rs_reader *r, size_t off)
{
	return o->swapped ? rs_get_le32(r, off) : rs_get_be32(r, off);
}

/* Takes the file when its 24-byte header is classic pcap 2.4 of a link
 * type we decode. */
bool rs_capfile_mmap_probe(struct rs_capfile *cf, const uint8_t *head, size_t n)
{
	struct rs_capfile_own *o = &cf->own;
	struct rs_reader r = rs_reader_make(head, n);
	uint32_t magic = rs_get_be32(&r, 0);

	if (!rs_reader_has(&r, 0, 24))
		return false;
	if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d)
		o->swapped = false;
	else if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1)
		o->swapped = true;
	else
		return false;
	o->nano = magic == 0xa1b23c4d || magic == 0x4d3cb2a1;
	uint16_t major = o->swapped ? (uint16_t)(head[4] | head[5] << 8) : rs_get_be16(&r, 4);
	uint16_t minor = o->swapped ? (uint16_t)(head[6] | head[7] << 8) : rs_get_be16(&r, 6);
	if (major != 2 || minor != 4)
		return false;
	uint32_t snaplen = own_u32(o, &r, 16);
	int dlt = own_linktype_to_dlt(own_u32(o, &r, 20) & 0xffff);
	if (dlt < 0 || (own_u32(o, &r, 20) >> 16) != 0)
		return false;
	o->snapshot = snaplen == 0 || snaplen > RS_CAP_MAX_SNAPLEN ? RS_CAP_MAX_SNAPLEN : snaplen;
	o->file_snaplen = snaplen;
	cf->dlt = dlt;
	return true;
}

/*
 * A large classic pcap on disk is mapped rather than read: copying it
 * from the page cache was an eighth of "read -q --summary".  Two things
 * a read(2) copy never had to face:
 *  - Memory.  Touched pages of a mapping count as the process's own, so
 *    the part already read is unmapped every MAP_DROP bytes and peak RSS
 *    stays as small as with the 1 MiB buffer.
 *  - A file cut short while mapped (tcpdump -w restarted on the same
 *    name truncates it): touching a page past the new end raises SIGBUS.
 *    The handler puts zero pages in place of the rest of the mapping and
 *    notes the loss; own_next reports the file as cut short instead of
 *    the process dying.
 * One mapping at a time is watched (files are read one after another);
 * a second open file is read with the buffer.
 */
#define MAP_DROP (8u << 20)
/* Bytes of the next record prefetched while one is handed out (a full-sized
 * Ethernet frame and its record header). */
#define PREFETCH_AHEAD 1536u

static uintptr_t map_base, map_end;   /* the watched mapping, page-rounded end */
static uintptr_t map_page_mask;
static volatile sig_atomic_t map_lost;
static struct sigaction map_prev_sigbus;

static void map_on_sigbus(int sig, siginfo_t *si, void *uctx)
{
	uintptr_t a = (uintptr_t)si->si_addr;

	(void)uctx;
	if (map_base && a >= map_base && a < map_end) {
		uintptr_t page = a & ~map_page_mask;
		if (mmap((void *)page, map_end - page, PROT_READ,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != MAP_FAILED) {
			map_lost = 1;
			return;
		}
	}
	/* Not a page of ours: the fault happens again under the handler that
	 * was there before (by default, the process ends with SIGBUS). */
	sigaction(sig, &map_prev_sigbus, NULL);
}

static void map_watch(uint8_t *base, size_t len)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = map_on_sigbus;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	map_page_mask = (uintptr_t)sysconf(_SC_PAGESIZE) - 1;
	map_base = (uintptr_t)base;
	map_end = ((uintptr_t)base + len + map_page_mask) & ~map_page_mask;
	map_lost = 0;
	sigaction(SIGBUS, &sa, &map_prev_sigbus);
}

void rs_capfile_mmap_unwatch(void)
{
	sigaction(SIGBUS, &map_prev_sigbus, NULL);
	map_base = map_end = 0;
}

/* Maps a regular file of more than RS_CAPFILE_PEEK_MAX bytes; false to read it with
 * the buffer instead (not a regular file, another mapping watched, or
 * mmap refused). */
bool rs_capfile_mmap_open(struct rs_capfile_own *o, FILE *fp)
{
	struct stat st;

	if (map_base || fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size <= RS_CAPFILE_PEEK_MAX || (uint64_t)st.st_size > SIZE_MAX)
		return false;
	void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fileno(fp), 0);
	if (m == MAP_FAILED)
		return false;
	(void)madvise(m, (size_t)st.st_size, MADV_SEQUENTIAL);
	o->buf = m;
	o->cap = o->len = (size_t)st.st_size;
	o->mapped = true;
	o->dropped = 0;
	o->prefetched = 0;
	map_watch(o->buf, o->cap);
	return true;
}

/* The file grew since it was mapped (a capture still being written):
 * maps it again at its new size, so reading goes on to its current end as
 * with read(2).  False when it did not grow or cannot be mapped again. */
static bool own_remap(struct rs_capfile_own *o)
{
	struct stat st;

	if (fstat(fileno(o->fp), &st) != 0 || st.st_size < 0 || (size_t)st.st_size <= o->cap ||
	    (uint64_t)st.st_size > SIZE_MAX || map_lost)
		return false;
	void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fileno(o->fp), 0);
	if (m == MAP_FAILED)
		return false;
	(void)madvise(m, (size_t)st.st_size, MADV_SEQUENTIAL);
	rs_capfile_mmap_unwatch();
	munmap(o->buf, o->cap);
	o->buf = m;
	o->cap = o->len = (size_t)st.st_size;
	o->dropped = 0;
	o->prefetched = 0;
	map_watch(o->buf, o->cap);
	return true;
}

/* Gives back the pages of a mapping that were read: below o->off (the
 * record about to be handed out), in MAP_DROP steps. */
static void own_drop_read(struct rs_capfile_own *o)
{
	size_t upto = o->off & ~(size_t)map_page_mask;

	if (upto - o->dropped < MAP_DROP)
		return;
	(void)madvise(o->buf + o->dropped, upto - o->dropped, MADV_DONTNEED);
	o->dropped = upto;
}

/* Makes at least `need` bytes available at o->off, reading more as needed;
 * false at the end of the file (what there is stays buffered). */
static bool own_fill(struct rs_capfile_own *o, size_t need)
{
	if (o->len - o->off >= need)
		return true;
	if (o->mapped)
		return own_remap(o) && o->len - o->off >= need;
	if (o->eof)
		return false;
	if (o->off > 0) {
		memmove(o->buf, o->buf + o->off, o->len - o->off);
		o->len -= o->off;
		o->off = 0;
	}
	if (need > o->cap) {
		size_t cap = need + RS_CAPFILE_OWN_CHUNK;
		uint8_t *b = realloc(o->buf, cap);
		if (!b)
			return false;
		o->buf = b;
		o->cap = cap;
	}
	while (o->len < need && !o->eof) {
		size_t got = fread(o->buf + o->len, 1, o->cap - o->len, o->fp);
		o->len += got;
		if (got == 0)
			o->eof = true;
	}
	return o->len >= need;
}

/* The mapped file lost pages while being read (see map_on_sigbus): the
 * rest is gone.  Checking each record's bytes before handing it out cost
 * a cache miss per record (a tenth of a read), so the loss is seen at the
 * next record: the packet read when it happened has zero bytes in place
 * of the lost ones, and the message says so. */
static enum rs_cap_result own_cut_short(struct rs_capfile *cf)
{
	snprintf(cf->errbuf, sizeof(cf->errbuf),
		 "the file was cut short while being read (the last packet may show zero "
		 "bytes in place of lost ones)");
	cf->own.off = cf->own.len;
	map_lost = 0;
	return RS_CAP_TRUNCATED;
}

/*
 * A mapped file cut while being read within its last page reads as zeros
 * up to the page's end, without a SIGBUS: 4 KiB of zero record headers,
 * each a phantom empty packet.  An empty record is rare enough to ask
 * the file's size then: a file now shorter than where reading is has
 * been cut, and the rest is gone.
 */
static bool own_shrank(struct rs_capfile_own *o)
{
	struct stat st;

	return fstat(fileno(o->fp), &st) == 0 && st.st_size >= 0 &&
	       (uint64_t)st.st_size < (uint64_t)o->off + 16;
}

bool rs_capfile_shrank(struct rs_capfile_own *o)
{
	return o->mapped && own_shrank(o);
}

/* The same machinery for the pcapng reader (capfile_int.h). */
bool rs_capfile_fill(struct rs_capfile_own *o, size_t need)
{
	return own_fill(o, need);
}

bool rs_capfile_map_lost(const struct rs_capfile_own *o)
{
	return o->mapped && map_lost;
}

enum rs_cap_result rs_capfile_cut_short(struct rs_capfile *cf)
{
	return own_cut_short(cf);
}

void rs_capfile_drop_read(struct rs_capfile_own *o)
{
	if (o->mapped)
		own_drop_read(o);
}

/*
 * Asks for the next record's first lines while this one is decoded and
 * checksummed: file pages are not contiguous in memory, so the hardware
 * prefetcher stops at each page boundary.  A hint only (nothing is read,
 * no fault), and never past the mapping.  Lines hinted for an earlier
 * record are not hinted again: with small records the window of one
 * overlaps the next's, and hinting all of it each time was a sixteenth
 * of a read's instructions.
 */
static void own_prefetch(struct rs_capfile_own *o)
{
	size_t end = o->len - o->off < PREFETCH_AHEAD ? o->len : o->off + PREFETCH_AHEAD;
	size_t from = o->prefetched > o->off ? o->prefetched : o->off;

	for (size_t k = from; k < end; k += 64)
		__builtin_prefetch(o->buf + k, 0, 0);
	if (end > o->prefetched)
		o->prefetched = end;
}

void rs_capfile_prefetch(struct rs_capfile_own *o)
{
	if (o->mapped)
		own_prefetch(o);
}

/*
 * A record whose fraction of a second is a second or more (a broken
 * writer; tcpdump then prints "20.1000000"): the whole seconds in it are
 * carried into the seconds, and the packet says its time was invalid.
 */
void rs_capfile_ts_fraction_invalid(struct rs_capfile *cf, struct pcap_pkthdr *h, uint64_t frac,
				bool nano)
{
	uint64_t unit = nano ? 1000000000u : 1000000u;
	snprintf(cf->ts_note, sizeof(cf->ts_note), "%s field %llu is not below %llu",
		 nano ? "nanosecond" : "microsecond", (unsigned long long)frac,
		 (unsigned long long)unit);
	cf->cur.ts_problem = cf->ts_note;
	h->ts.tv_sec += (time_t)(frac / unit);
	h->ts.tv_usec = (suseconds_t)(frac % unit * (nano ? 1 : 1000));
}

enum rs_cap_result rs_capfile_mmap_next(struct rs_capfile *cf, const struct pcap_pkthdr **hdr,
				   const uint8_t **data)
{
	struct rs_capfile_own *o = &cf->own;

	for (;;) {
		if (o->mapped && map_lost)
			return own_cut_short(cf);
		if (!own_fill(o, 16)) {
			if (o->len == o->off)
				return ferror(o->fp) ? RS_CAP_ERROR : RS_CAP_EOF;
			snprintf(cf->errbuf, sizeof(cf->errbuf),
				 "truncated dump file; tried to read 16 header bytes, only got %zu",
				 o->len - o->off);
			return RS_CAP_TRUNCATED;
		}
		struct rs_reader r = rs_reader_make(o->buf + o->off, o->len - o->off);
		/* The record header in one copy, swapped when the file's byte
		 * order is not ours: four own_u32 calls were 3% of a read. */
		uint32_t w[4];
		if (!rs_get_bytes(&r, 0, w, sizeof(w))) {
			/* Not reached: own_fill made 16 bytes available. */
			snprintf(cf->errbuf, sizeof(cf->errbuf), "record header not buffered");
			return RS_CAP_ERROR;
		}
		if (o->swapped != (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__))
			for (int k = 0; k < 4; k++)
				w[k] = __builtin_bswap32(w[k]);
		uint32_t sec = w[0], frac = w[1], caplen = w[2], len = w[3];
		if (o->mapped && caplen == 0 && len == 0 && own_shrank(o))
			return own_cut_short(cf);
		if (caplen > RS_CAP_MAX_SNAPLEN) {
			/* The file's own snap length may be larger than any libpcap
			 * accepts: then the bound is ours, and the message says so. */
			if (o->file_snaplen > RS_CAP_MAX_SNAPLEN)
				snprintf(cf->errbuf, sizeof(cf->errbuf),
					 "invalid packet capture length %u, bigger than the maximum of %u "
					 "(the file's snaplen, %u, is larger than any libpcap accepts)",
					 caplen, RS_CAP_MAX_SNAPLEN, o->file_snaplen);
			else if (caplen > o->snapshot)
				snprintf(cf->errbuf, sizeof(cf->errbuf),
					 "invalid packet capture length %u, bigger than snaplen of %u",
					 caplen, o->snapshot);
			else
				snprintf(cf->errbuf, sizeof(cf->errbuf),
					 "invalid packet capture length %u, bigger than maximum of %u",
					 caplen, RS_CAP_MAX_SNAPLEN);
			return RS_CAP_ERROR;
		}
		if (!own_fill(o, 16 + (size_t)caplen)) {
			snprintf(cf->errbuf, sizeof(cf->errbuf),
				 "truncated dump file; tried to read %u captured bytes, only got %zu",
				 caplen, o->len - o->off - 16);
			return RS_CAP_TRUNCATED;
		}
		const uint8_t *p = o->buf + o->off + 16;
		if (o->mapped) {
			if (map_lost)   /* the header itself was past the cut */
				return own_cut_short(cf);
			own_drop_read(o);   /* below this record, which is handed out */
		}
		o->off += 16 + (size_t)caplen;
		if (o->mapped)
			own_prefetch(o);
		/* libpcap keeps only snapshot bytes of a longer record. */
		o->hdr.caplen = caplen > o->snapshot ? o->snapshot : caplen;
		o->hdr.len = len;
		o->hdr.ts.tv_sec = (time_t)sec;
		/* Nanoseconds, as libpcap gives them when opened at that precision. */
		o->hdr.ts.tv_usec = (suseconds_t)(o->nano ? frac : (uint64_t)frac * 1000);
		if (frac >= (o->nano ? 1000000000u : 1000000u))
			rs_capfile_ts_fraction_invalid(cf, &o->hdr, frac, o->nano);
		if (o->has_prog && !pcap_offline_filter(&o->prog, &o->hdr, p))
			continue;
		*hdr = &o->hdr;
		*data = p;
		return RS_CAP_PACKET;
	}
}
