/* capfile.c: capture files through libpcap (pcap and pcapng, files or stdin). */
#define _GNU_SOURCE /* fopencookie: replay peeked bytes of a pipe */
#include "rawshake/capfile.h"
#include "rawshake/reader.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define PEEK_MAX 65536

uint8_t rs_capfile_sniff_digits(const uint8_t *head, size_t n)
{
	struct rs_reader r = rs_reader_make(head, n);
	uint32_t magic = rs_get_be32(&r, 0);

	if (r.short_read)
		return 6;
	if (magic == 0xa1b23c4d || magic == 0x4d3cb2a1)
		return 9;
	if (magic != 0x0a0d0d0a)
		return 6;
	/* pcapng: the section header tells the byte order; walk the blocks
	 * after it to the first interface description and its if_tsresol. */
	bool le = rs_get_be32(&r, 8) == 0x4d3c2b1a;
	size_t off = 0;
	for (int blocks = 0; blocks < 16; blocks++) {
		uint32_t type = le ? rs_get_le32(&r, off) : rs_get_be32(&r, off);
		uint32_t len = le ? rs_get_le32(&r, off + 4) : rs_get_be32(&r, off + 4);
		if (r.short_read || len < 12 || len > n - off)
			return 6;
		if (type == 1) {
			size_t o = off + 16;
			while (o + 4 <= off + len - 4) {
				uint16_t code, olen;
				if (le) {
					code = (uint16_t)(rs_get_u8(&r, o) | rs_get_u8(&r, o + 1) << 8);
					olen = (uint16_t)(rs_get_u8(&r, o + 2) | rs_get_u8(&r, o + 3) << 8);
				} else {
					code = rs_get_be16(&r, o);
					olen = rs_get_be16(&r, o + 2);
				}
				if (r.short_read || code == 0)
					return 6;
				if (code == 9 && olen >= 1) {
					uint8_t res = rs_get_u8(&r, o + 4);
					/* High bit set: a power of two; 2^-20 and finer is sub-µs. */
					if (res & 0x80)
						return (res & 0x7f) >= 20 ? 9 : 6;
					return res > 6 ? 9 : 6;
				}
				o += 4 + (((size_t)olen + 3) & ~(size_t)3);
			}
			return 6;
		}
		off += len;
	}
	return 6;
}

/* A FILE that first gives back the bytes already peeked from a pipe. */
struct replay {
	FILE *src;
	uint8_t *head;
	size_t n, pos;
};

static ssize_t replay_read(void *cookie, char *buf, size_t size)
{
	struct replay *rp = cookie;
	if (rp->pos < rp->n) {
		size_t k = rp->n - rp->pos;
		if (k > size)
			k = size;
		memcpy(buf, rp->head + rp->pos, k);
		rp->pos += k;
		return (ssize_t)k;
	}
	size_t got = fread(buf, 1, size, rp->src);
	if (got == 0 && ferror(rp->src))
		return -1;
	return (ssize_t)got;
}

static int replay_close(void *cookie)
{
	struct replay *rp = cookie;
	int rc = rp->src == stdin ? 0 : fclose(rp->src);
	free(rp->head);
	free(rp);
	return rc;
}

static FILE *open_replay(FILE *src, uint8_t *head, size_t n)
{
	cookie_io_functions_t io = { .read = replay_read, .close = replay_close };
	struct replay *rp = calloc(1, sizeof(*rp));
	if (!rp)
		return NULL;
	rp->src = src;
	rp->head = head;
	rp->n = n;
	FILE *f = fopencookie(rp, "r", io);
	if (!f)
		free(rp);
	return f;
}


#define OWN_CHUNK (1u << 20)
#define MAX_SNAPLEN 262144u   /* libpcap's MAXIMUM_SNAPLEN */

/* The link types rawshake decodes, which the own reader takes (LINKTYPE
 * values; each equals its DLT except RAW).  Files of other types go
 * through libpcap so that its messages about them stay the same. */
static int own_linktype_to_dlt(uint32_t lt)
{
	switch (lt) {
	case 0: return DLT_NULL;
	case 1: return DLT_EN10MB;
	case 101: return DLT_RAW;
	case 108: return DLT_LOOP;
	case 113: return DLT_LINUX_SLL;
	case 228: return DLT_IPV4;
	case 229: return DLT_IPV6;
	case 276: return DLT_LINUX_SLL2;
	default: return -1;
	}
}

static uint32_t own_u32(const struct rs_capfile_own *o, struct rs_reader *r, size_t off)
{
	return o->swapped ? rs_get_le32(r, off) : rs_get_be32(r, off);
}

/* Takes the file when its 24-byte header is classic pcap 2.4 of a link
 * type we decode. */
static bool own_probe(struct rs_capfile *cf, const uint8_t *head, size_t n)
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
	o->snapshot = snaplen == 0 || snaplen > MAX_SNAPLEN ? MAX_SNAPLEN : snaplen;
	cf->dlt = dlt;
	return true;
}

/* Makes at least `need` bytes available at o->off, reading more as needed;
 * false at the end of the file (what there is stays buffered). */
static bool own_fill(struct rs_capfile_own *o, size_t need)
{
	if (o->len - o->off >= need)
		return true;
	if (o->eof)
		return false;
	if (o->off > 0) {
		memmove(o->buf, o->buf + o->off, o->len - o->off);
		o->len -= o->off;
		o->off = 0;
	}
	if (need > o->cap) {
		size_t cap = need + OWN_CHUNK;
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

static enum rs_cap_result own_next(struct rs_capfile *cf, const struct pcap_pkthdr **hdr,
				   const uint8_t **data)
{
	struct rs_capfile_own *o = &cf->own;

	for (;;) {
		if (!own_fill(o, 16)) {
			if (o->len == o->off)
				return ferror(o->fp) ? RS_CAP_ERROR : RS_CAP_EOF;
			snprintf(cf->errbuf, sizeof(cf->errbuf),
				 "truncated dump file; tried to read 16 header bytes, only got %zu",
				 o->len - o->off);
			return RS_CAP_TRUNCATED;
		}
		struct rs_reader r = rs_reader_make(o->buf + o->off, o->len - o->off);
		uint32_t sec = own_u32(o, &r, 0), frac = own_u32(o, &r, 4);
		uint32_t caplen = own_u32(o, &r, 8), len = own_u32(o, &r, 12);
		if (caplen > MAX_SNAPLEN) {
			if (caplen > o->snapshot)
				snprintf(cf->errbuf, sizeof(cf->errbuf),
					 "invalid packet capture length %u, bigger than snaplen of %u",
					 caplen, o->snapshot);
			else
				snprintf(cf->errbuf, sizeof(cf->errbuf),
					 "invalid packet capture length %u, bigger than maximum of %u",
					 caplen, MAX_SNAPLEN);
			return RS_CAP_ERROR;
		}
		if (!own_fill(o, 16 + (size_t)caplen)) {
			snprintf(cf->errbuf, sizeof(cf->errbuf),
				 "truncated dump file; tried to read %u captured bytes, only got %zu",
				 caplen, o->len - o->off - 16);
			return RS_CAP_TRUNCATED;
		}
		const uint8_t *p = o->buf + o->off + 16;
		o->off += 16 + (size_t)caplen;
		/* libpcap keeps only snapshot bytes of a longer record. */
		o->hdr.caplen = caplen > o->snapshot ? o->snapshot : caplen;
		o->hdr.len = len;
		o->hdr.ts.tv_sec = (time_t)sec;
		/* Nanoseconds, as libpcap gives them when opened at that precision. */
		o->hdr.ts.tv_usec = (suseconds_t)(o->nano ? frac : (uint64_t)frac * 1000);
		if (o->has_prog && !pcap_offline_filter(&o->prog, &o->hdr, p))
			continue;
		*hdr = &o->hdr;
		*data = p;
		return RS_CAP_PACKET;
	}
}

bool rs_capfile_open(struct rs_capfile *cf, const char *path, char *err, size_t errlen)
{
	memset(cf, 0, sizeof(*cf));
	cf->name = path;

	bool is_stdin = strcmp(path, "-") == 0;
	FILE *fp = is_stdin ? stdin : fopen(path, "rb");
	if (!fp) {
		snprintf(err, errlen, "%s", strerror(errno));
		return false;
	}
	uint8_t *head = malloc(PEEK_MAX);
	if (!head) {
		snprintf(err, errlen, "out of memory");
		if (!is_stdin)
			fclose(fp);
		return false;
	}
	size_t n = fread(head, 1, PEEK_MAX, fp);
	if (ferror(fp)) {
		snprintf(err, errlen, "%s", strerror(errno));
		free(head);
		if (!is_stdin)
			fclose(fp);
		return false;
	}
	cf->ts_digits = rs_capfile_sniff_digits(head, n);

	if (own_probe(cf, head, n)) {
		/* The peeked bytes are the first of the buffer: no rewind.  A
		 * file that fit in the peek keeps the peek buffer: reading many
		 * small captures need not map and unmap 1 MiB for each. */
		bool whole = n < PEEK_MAX && feof(fp);
		size_t cap = whole ? PEEK_MAX : OWN_CHUNK;
		uint8_t *b = whole ? head : realloc(head, cap);
		if (!b) {
			snprintf(err, errlen, "out of memory");
			free(head);
			if (!is_stdin)
				fclose(fp);
			return false;
		}
		cf->own.buf = b;
		cf->own.cap = cap;
		cf->own.eof = whole;
		cf->own.len = n;
		cf->own.off = 24;
		cf->own.fp = fp;
		return true;
	}

	/* Hand libpcap the stream from its first byte: rewind a file, replay
	 * the peeked bytes of a pipe. */
	if (fseek(fp, 0, SEEK_SET) == 0) {
		free(head);
	} else {
		FILE *rf = open_replay(fp, head, n);
		if (!rf) {
			snprintf(err, errlen, "out of memory");
			free(head);
			if (!is_stdin)
				fclose(fp);
			return false;
		}
		fp = rf;
	}
	if (n == 0) {
		snprintf(err, errlen, "empty file, not a capture file");
		if (fp != stdin)
			fclose(fp);
		return false;
	}

	cf->pcap = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO,
							     cf->errbuf);
	if (!cf->pcap) {
		/* libpcap says "unknown file format" for anything else. */
		snprintf(err, errlen, "not a pcap or pcapng capture file (%s)", cf->errbuf);
		if (fp != stdin)
			fclose(fp);
		return false;
	}
	cf->dlt = pcap_datalink(cf->pcap);
	return true;
}

bool rs_capfile_set_filter(struct rs_capfile *cf, const char *expr, char *err, size_t errlen)
{
	struct bpf_program prog;

	if (!cf->pcap) {
		struct rs_capfile_own *o = &cf->own;
		if (o->has_prog) {
			pcap_freecode(&o->prog);
			o->has_prog = false;
		}
		if (!o->dead)
			o->dead = pcap_open_dead(cf->dlt, (int)o->snapshot);
		if (!o->dead) {
			snprintf(err, errlen, "cannot compile a filter for link type %d", cf->dlt);
			return false;
		}
		if (pcap_compile(o->dead, &o->prog, expr, 1, PCAP_NETMASK_UNKNOWN) < 0) {
			snprintf(err, errlen, "bad filter \"%s\": %s", expr, pcap_geterr(o->dead));
			return false;
		}
		o->has_prog = true;
		return true;
	}

	if (pcap_compile(cf->pcap, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(err, errlen, "bad filter \"%s\": %s", expr, pcap_geterr(cf->pcap));
		return false;
	}
	if (pcap_setfilter(cf->pcap, &prog) < 0) {
		snprintf(err, errlen, "cannot set filter: %s", pcap_geterr(cf->pcap));
		pcap_freecode(&prog);
		return false;
	}
	pcap_freecode(&prog);
	return true;
}

enum rs_cap_result rs_capfile_next(struct rs_capfile *cf, const struct pcap_pkthdr **hdr,
				   const uint8_t **data)
{
	struct pcap_pkthdr *h;
	const u_char *d;

	if (!cf->pcap)
		return own_next(cf, hdr, data);
	int rc = pcap_next_ex(cf->pcap, &h, &d);

	if (rc == 1) {
		*hdr = h;
		*data = d;
		return RS_CAP_PACKET;
	}
	if (rc == PCAP_ERROR_BREAK)
		return RS_CAP_EOF;
	snprintf(cf->errbuf, sizeof(cf->errbuf), "%s", pcap_geterr(cf->pcap));
	if (strstr(cf->errbuf, "truncated"))
		return RS_CAP_TRUNCATED;
	return RS_CAP_ERROR;
}

void rs_capfile_close(struct rs_capfile *cf)
{
	struct rs_capfile_own *o = &cf->own;

	if (o->has_prog)
		pcap_freecode(&o->prog);
	if (o->dead)
		pcap_close(o->dead);
	if (o->fp && o->fp != stdin)
		fclose(o->fp);
	free(o->buf);
	memset(o, 0, sizeof(*o));
	if (cf->pcap)
		pcap_close(cf->pcap);   /* also closes the FILE it read */
	cf->pcap = NULL;
}
