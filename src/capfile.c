/* capfile.c: opening capture files (or stdin) and choosing the reader:
 * libpcap for what only it reads, our own for classic pcap
 * (capfile_mmap.c) and pcapng (capfile_pcapng.c); filters, the next
 * record, closing. */
#define _GNU_SOURCE /* fopencookie: replay peeked bytes of a pipe */
#include "capfile_int.h"
#include "rawshake/reader.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

uint8_t rs_capfile_tsresol_digits(uint8_t tsresol)
{
	unsigned n = tsresol & 0x7f;

	/* 2^-n has n * log10(2) decimal digits: 2^-24 is 7.2 digits (closer
	 * to 6), 2^-25 is 7.5 (closer to 9).  10^-7 is closer to 6, 10^-8 to
	 * 9.  Halfway is 7.5 digits. */
	if (tsresol & 0x80)
		return n * 30103u >= 75u * 10000u ? 9 : 6;
	return n >= 8 ? 9 : 6;
}

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
				if (code == 9 && olen >= 1)
					return rs_capfile_tsresol_digits(rs_get_u8(&r, o + 4));
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


/* libpcap's linktype_to_dlt() on Linux: a few LINKTYPE_ values below 107
 * name DLTs that BSDs numbered differently; every other value is its DLT. */
int rs_capfile_linktype_to_dlt(uint32_t lt)
{
	switch (lt) {
	case 100: return DLT_ATM_RFC1483;
	case 101: return DLT_RAW;
	case 102: return DLT_SLIP_BSDOS;
	case 103: return DLT_PPP_BSDOS;
	case 106: return DLT_ATM_CLIP;
	default: return lt > INT32_MAX ? -1 : (int)lt;
	}
}

bool rs_capfile_open(struct rs_capfile *cf, const char *path, char *err, size_t errlen)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!fp) {
		memset(cf, 0, sizeof(*cf));
		cf->name = path;
		snprintf(err, errlen, "%s", strerror(errno));
		return false;
	}
	return rs_capfile_open_stream(cf, fp, path, err, errlen);
}

/* Reads the first bytes of fp into a new buffer *head (*n of them); false
 * with the reason in err (fp left open). */
static bool peek_head(struct rs_capfile *cf, FILE *fp, uint8_t **head, size_t *n, char *err,
		      size_t errlen)
{
	*head = malloc(RS_CAPFILE_PEEK_MAX);
	if (!*head) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	*n = fread(*head, 1, RS_CAPFILE_PEEK_MAX, fp);
	bool corrupt = false;
	const char *why = cf->zip ? rs_zip_problem(cf->zip, &corrupt) : NULL;
	/* Corrupt compressed data after a first part: the packets in that part
	 * come first, then the complaint (rs_capfile_next). */
	if (ferror(fp) && (!corrupt || *n == 0)) {
		snprintf(err, errlen, "%s", corrupt ? why : strerror(errno));
		free(*head);
		*head = NULL;
		return false;
	}
	return true;
}

/* A compressed file: *fp becomes the stream of its decompressed bytes and
 * *head, *n their first ones.  False with the reason in err (the stream
 * closed, stdin excepted). */
static bool open_zip(struct rs_capfile *cf, enum rs_zip_format fmt, FILE **fp, uint8_t **head,
		     size_t *n, char *err, size_t errlen)
{
	FILE *src = *fp;

	/* The decoder starts at the first byte: rewind a file, replay the
	 * peeked bytes of a pipe. */
	if (fseek(src, 0, SEEK_SET) == 0) {
		free(*head);
	} else {
		FILE *rf = open_replay(src, *head, *n);
		if (!rf) {
			free(*head);
			goto oom;
		}
		src = rf;
	}
	*head = NULL;
	FILE *zf = rs_zip_open(src, fmt, &cf->zip);
	if (!zf)
		goto oom;
	cf->zip_name = rs_zip_name(fmt);
	*fp = zf;
	if (!peek_head(cf, zf, head, n, err, errlen)) {
		fclose(zf);
		return false;
	}
	return true;
oom:
	snprintf(err, errlen, "out of memory");
	if (src != stdin)
		fclose(src);
	return false;
}

/* Chooses the reader for the stream whose first bytes are head[0..n) and
 * hands it fp and head; false with the reason in err (both given back). */
static bool open_reader(struct rs_capfile *cf, FILE *fp, bool is_stdin, uint8_t *head, size_t n,
			char *err, size_t errlen)
{
	cf->ts_digits = rs_capfile_sniff_digits(head, n);

	struct rs_reader hr = rs_reader_make(head, n);
	bool pcapng = rs_get_be32(&hr, 0) == 0x0a0d0d0a;
	uint32_t magic = rs_get_be32(&hr, 0);
	if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d)
		cf->linktype_field = rs_get_be32(&hr, 20);
	else if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1)
		cf->linktype_field = rs_get_le32(&hr, 20);
	if (pcapng || rs_capfile_mmap_probe(cf, head, n)) {
		/* The peeked bytes are the first of the buffer: no rewind.  A
		 * file that fit in the peek keeps the peek buffer: reading many
		 * small captures need not map and unmap 1 MiB for each. */
		bool whole = n < RS_CAPFILE_PEEK_MAX && feof(fp);
		if (!whole && !is_stdin && !cf->zip && rs_capfile_mmap_open(&cf->own, fp)) {
			free(head);
		} else {
			size_t cap = whole ? RS_CAPFILE_PEEK_MAX : RS_CAPFILE_OWN_CHUNK;
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
		}
		cf->own.fp = fp;
		if (!pcapng) {
			cf->own.off = 24;
			cf->cur.dlt = cf->dlt;
			cf->cur.ts_digits = cf->ts_digits;
			return true;
		}
		if (!rs_pcapng_start(cf, err, errlen)) {
			rs_capfile_close(cf);
			return false;
		}
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
	cf->cur.dlt = cf->dlt;
	cf->cur.ts_digits = cf->ts_digits;
	return true;
}

bool rs_capfile_open_stream(struct rs_capfile *cf, FILE *fp, const char *path, char *err,
			    size_t errlen)
{
	memset(cf, 0, sizeof(*cf));
	cf->name = path;

	struct stat st;
	if (fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
		cf->file_size = (uint64_t)st.st_size;
	bool is_stdin = fp == stdin;
	uint8_t *head;
	size_t n;
	if (!peek_head(cf, fp, &head, &n, err, errlen)) {
		if (!is_stdin)
			fclose(fp);
		return false;
	}
	enum rs_zip_format zip = rs_zip_sniff(head, n);
	if (zip != RS_ZIP_NONE) {
		if (!open_zip(cf, zip, &fp, &head, &n, err, errlen)) {
			cf->zip = NULL;
			return false;
		}
		is_stdin = false;   /* the decoder's stream; it leaves stdin open */
	}
	/* What went wrong with compressed data that all fit in the peek, for
	 * a reader that fails on what came of it. */
	char zwhy[PCAP_ERRBUF_SIZE] = "";
	bool corrupt;
	const char *zp = cf->zip ? rs_zip_problem(cf->zip, &corrupt) : NULL;
	if (zp)
		snprintf(zwhy, sizeof(zwhy), "%s", zp);
	if (!open_reader(cf, fp, is_stdin, head, n, err, errlen)) {
		if (cf->zip_name) {
			char why[PCAP_ERRBUF_SIZE + 128];
			snprintf(why, sizeof(why), "%s", err);
			if (zwhy[0])   /* the cause: what came of it is no capture */
				snprintf(err, errlen, "%s", zwhy);
			else
				snprintf(err, errlen, "%s-compressed, and %s", rs_zip_name(zip), why);
		}
		cf->zip = NULL;
		return false;
	}
	return true;
}

/* Programs compiled before the sandbox: one per decoded link type. */
#define PRECOMPILED_MAX 64
static struct {
	int dlt;
	bool ok;
	struct bpf_program prog;
	char err[PCAP_ERRBUF_SIZE];
} precompiled[PRECOMPILED_MAX];
static unsigned n_precompiled;
static char *precompiled_expr;

/* pcap_compile on a dead handle of link type dlt. */
static bool compile_now(int dlt, const char *expr, struct bpf_program *prog, char *err,
			size_t errlen)
{
	pcap_t *dead = pcap_open_dead(dlt, (int)RS_CAP_MAX_SNAPLEN);
	if (!dead) {
		snprintf(err, errlen, "libpcap knows no link type %d", dlt);
		return false;
	}
	bool ok = pcap_compile(dead, prog, expr, 1, PCAP_NETMASK_UNKNOWN) == 0;
	if (!ok)
		snprintf(err, errlen, "%s", pcap_geterr(dead));
	pcap_close(dead);
	return ok;
}

void rs_capfile_precompile(const char *expr)
{
	if (!expr || n_precompiled)
		return;
	precompiled_expr = strdup(expr);
	if (!precompiled_expr)
		return;
	/* DLT values are small: every one the decoder takes is below 512. */
	for (int dlt = 0; dlt < 512 && n_precompiled < PRECOMPILED_MAX; dlt++) {
		if (!rs_dlt_supported(dlt))
			continue;
		unsigned i = n_precompiled++;
		precompiled[i].dlt = dlt;
		precompiled[i].ok = compile_now(dlt, expr, &precompiled[i].prog, precompiled[i].err,
						sizeof(precompiled[i].err));
	}
}

bool rs_capfile_compile(int dlt, const char *expr, struct bpf_program *prog, char *err,
			size_t errlen)
{
	if (precompiled_expr && strcmp(expr, precompiled_expr) == 0) {
		for (unsigned i = 0; i < n_precompiled; i++) {
			if (precompiled[i].dlt != dlt)
				continue;
			if (!precompiled[i].ok) {
				snprintf(err, errlen, "%s", precompiled[i].err);
				return false;
			}
			/* A copy: pcap_freecode frees what it is given. */
			size_t n = precompiled[i].prog.bf_len * sizeof(struct bpf_insn);
			prog->bf_len = precompiled[i].prog.bf_len;
			prog->bf_insns = malloc(n ? n : 1);
			if (!prog->bf_insns) {
				snprintf(err, errlen, "out of memory");
				return false;
			}
			memcpy(prog->bf_insns, precompiled[i].prog.bf_insns, n);
			return true;
		}
	}
	return compile_now(dlt, expr, prog, err, errlen);
}

bool rs_capfile_set_filter(struct rs_capfile *cf, const char *expr, char *err, size_t errlen)
{
	struct bpf_program prog;

	if (cf->ng)
		return rs_pcapng_set_filter(cf, expr, err, errlen);
	if (!cf->pcap) {
		struct rs_capfile_own *o = &cf->own;
		if (o->has_prog) {
			pcap_freecode(&o->prog);
			o->has_prog = false;
		}
		char why[PCAP_ERRBUF_SIZE];
		if (!rs_capfile_compile(cf->dlt, expr, &o->prog, why, sizeof(why))) {
			snprintf(err, errlen, "bad filter \"%s\": %s", expr, why);
			return false;
		}
		o->has_prog = true;
		return true;
	}

	char why[PCAP_ERRBUF_SIZE];
	if (!rs_capfile_compile(pcap_datalink(cf->pcap), expr, &prog, why, sizeof(why))) {
		snprintf(err, errlen, "bad filter \"%s\": %s", expr, why);
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

/* The stream the reader reads a compressed file's data from. */
static FILE *zip_stream(const struct rs_capfile *cf)
{
	return cf->pcap ? pcap_file(cf->pcap) : cf->own.fp;
}

/* Damage the decoder cannot see yet (gzip checks its CRC at a member's
 * end) may show first as a record that makes no sense: decodes on, up to
 * ZIP_DRAIN_MAX bytes, to tell damaged compressed data (true) from a
 * capture that was compressed as it was. */
#define ZIP_DRAIN_MAX (64u << 20)
static bool zip_drain(struct rs_capfile *cf)
{
	FILE *fp = zip_stream(cf);
	char buf[16384];
	size_t total = 0, got;

	if (!fp)
		return false;
	while (total < ZIP_DRAIN_MAX && (got = fread(buf, 1, sizeof(buf), fp)) > 0)
		total += got;
	bool corrupt;
	return rs_zip_problem(cf->zip, &corrupt) != NULL;
}

/* The decoded data was read to its end. */
static bool zip_ended(const struct rs_capfile *cf)
{
	FILE *fp = zip_stream(cf);
	return fp && feof(fp);
}

/* The end of a compressed file's data as the reader saw it, told with
 * what the decoder knows: corrupt data is a read error, data cut short a
 * truncated file even where the cut fell between records. */
static enum rs_cap_result zip_end(struct rs_capfile *cf, enum rs_cap_result rc)
{
	bool corrupt;
	const char *why = rs_zip_problem(cf->zip, &corrupt);

	if (!why && rc == RS_CAP_ERROR && zip_drain(cf))
		why = rs_zip_problem(cf->zip, &corrupt);
	if (!why) {
		size_t k = strlen(cf->errbuf);
		if (rc == RS_CAP_ERROR && k > 0 && !zip_ended(cf))
			snprintf(cf->errbuf + k, sizeof(cf->errbuf) - k, " (in the %s-decompressed data)",
				 cf->zip_name);
		return rc;
	}
	/* A record cut in the middle: the reader's words, then the decoder's. */
	size_t k = corrupt || rc != RS_CAP_TRUNCATED ? 0 : strlen(cf->errbuf);
	if (k > 0 && k + 2 < sizeof(cf->errbuf)) {
		memcpy(cf->errbuf + k, "; ", 3);
		k += 2;
	}
	snprintf(cf->errbuf + k, sizeof(cf->errbuf) - k, "%s", why);
	return corrupt ? RS_CAP_ERROR : RS_CAP_TRUNCATED;
}

static enum rs_cap_result capfile_next(struct rs_capfile *cf, const struct pcap_pkthdr **hdr,
				       const uint8_t **data);

enum rs_cap_result rs_capfile_next(struct rs_capfile *cf, const struct pcap_pkthdr **hdr,
				   const uint8_t **data)
{
	enum rs_cap_result rc = capfile_next(cf, hdr, data);

	return rc == RS_CAP_PACKET || !cf->zip ? rc : zip_end(cf, rc);
}

static enum rs_cap_result capfile_next(struct rs_capfile *cf, const struct pcap_pkthdr **hdr,
				       const uint8_t **data)
{
	struct pcap_pkthdr *h;
	const u_char *d;

	cf->cur.ts_problem = NULL;
	if (!cf->pcap)
		return cf->ng ? rs_pcapng_next(cf, hdr, data) : rs_capfile_mmap_next(cf, hdr, data);
	int rc = pcap_next_ex(cf->pcap, &h, &d);

	if (rc == 1) {
		/* libpcap hands the field over as it is (opened at nanosecond
		 * precision): the same check as the own reader's. */
		if (h->ts.tv_usec < 0 || h->ts.tv_usec >= 1000000000)
			rs_capfile_ts_fraction_invalid(cf, h, (uint64_t)h->ts.tv_usec, true);
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

void rs_capfile_unsupported(const struct rs_capfile *cf, char *buf, size_t n)
{
	const char *name = pcap_datalink_val_to_name(cf->dlt);

	if (cf->linktype_field > 0xffff && (uint32_t)cf->dlt != cf->linktype_field)
		snprintf(buf, n, "link type 0x%08x is not supported (libpcap reads its low 26 "
			 "bits, %d%s%s; the upper ones are an FCS length and flags)",
			 cf->linktype_field, cf->dlt, name ? ", " : "", name ? name : "");
	else
		snprintf(buf, n, "link type %s (%d) is not supported", name ? name : "unknown",
			 cf->dlt);
}

bool rs_capfile_magic(const uint8_t *head, size_t n)
{
	struct rs_reader r = rs_reader_make(head, n);
	uint32_t m = rs_get_be32(&r, 0);

	if (!r.short_read && (m == 0xa1b2c3d4 || m == 0xd4c3b2a1 || m == 0xa1b23c4d ||
			      m == 0x4d3cb2a1 || m == 0x0a0d0d0a))
		return true;
	return rs_zip_sniff(head, n) != RS_ZIP_NONE;
}

bool rs_capfile_position(const struct rs_capfile *cf, uint64_t *done, uint64_t *total)
{
	*total = cf->file_size;
	if (cf->zip) {
		*done = rs_zip_consumed(cf->zip);
		return true;
	}
	if (cf->own.mapped) {
		*done = cf->own.off;
		return true;
	}
	FILE *fp = cf->pcap ? pcap_file(cf->pcap) : cf->own.fp;
	off_t pos = fp ? ftello(fp) : -1;
	if (pos < 0)
		return false;   /* a pipe */
	/* The own reader's buffer runs ahead of where reading is. */
	uint64_t ahead = cf->pcap ? 0 : cf->own.len - cf->own.off;
	*done = (uint64_t)pos > ahead ? (uint64_t)pos - ahead : 0;
	return true;
}

void rs_capfile_close(struct rs_capfile *cf)
{
	struct rs_capfile_own *o = &cf->own;

	cf->zip = NULL;   /* freed with the stream it decodes, closed below */
	if (cf->ng)
		rs_pcapng_free(cf);
	if (o->has_prog)
		pcap_freecode(&o->prog);
	if (o->fp && o->fp != stdin)
		fclose(o->fp);
	if (o->mapped) {
		rs_capfile_mmap_unwatch();
		munmap(o->buf, o->cap);
	} else {
		free(o->buf);
	}
	memset(o, 0, sizeof(*o));
	if (cf->pcap)
		pcap_close(cf->pcap);   /* also closes the FILE it read */
	cf->pcap = NULL;
}
